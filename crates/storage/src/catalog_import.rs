//! The bulk import path: a whole batch of import lines in a handful of statements (one lookup of
//! the batch's codes and business numbers, then multi-row inserts), so a million lines import in
//! seconds, not minutes. The rules are those of one line at a time: a new code is a new service,
//! changed content is a new revision, the same content is nothing, and a code of another
//! supplier is refused without touching anything.

use crate::catalog::{content_digest, first_listed_from, host_code_of};
use crate::{Backend, ImportOutcome, Result, WriteTx};
use gureum_domain::ServiceStatus;
use gureum_domain::listing::ImportLine;
use sqlx::Row;
use std::collections::HashMap;

/// The most bound values in one statement. SQLite allows 32,766, but sqlx finds each `$n` by a
/// linear walk of the statement's parameter names, so a bind costs in proportion to the
/// statement's size: a few hundred values per statement is the sweet spot measured there.
/// PostgreSQL allows 65,535 and only gains from fewer round trips.
fn max_binds(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => 200,
        Backend::Postgres => 20_000,
    }
}
/// The most rows in one multi-row statement.
const MAX_ROWS: usize = 1_000;

/// What became of one line of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineResult {
    Done {
        outcome: ImportOutcome,
        service_id: String,
        digest: String,
    },
    /// The code exists and belongs to another supplier: nothing was written for this line.
    CodeOfAnotherSupplier,
}

/// A supplier the batch created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedSupplier {
    pub id: String,
    pub business_number: String,
    pub name: String,
    pub size: String,
}

#[derive(Debug, Default)]
pub struct BatchResult {
    /// One per input line, in order.
    pub lines: Vec<LineResult>,
    pub created_suppliers: Vec<CreatedSupplier>,
}

/// `($1, $2, …), (…)` for `rows` rows of `cols` values, numbered from `$1`.
pub(crate) fn values_list(rows: usize, cols: usize) -> String {
    let mut s = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            s.push_str(", ");
        }
        s.push('(');
        for c in 0..cols {
            if c > 0 {
                s.push_str(", ");
            }
            s.push('$');
            s.push_str(&(r * cols + c + 1).to_string());
        }
        s.push(')');
    }
    s
}

/// `$1, $2, …, $n`.
fn placeholders(n: usize) -> String {
    (1..=n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// How many rows of `cols` values fit in one statement.
fn rows_per_statement(backend: Backend, cols: usize) -> usize {
    (max_binds(backend) / cols).clamp(1, MAX_ROWS)
}

/// One value of a multi-row insert.
pub(crate) enum Val<'a> {
    Text(&'a str),
    OptText(Option<&'a str>),
    Int(i64),
    OptInt(Option<i64>),
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

impl<'a> Val<'a> {
    pub(crate) fn bind_to<'q>(&self, q: AnyQuery<'q>) -> AnyQuery<'q>
    where
        'a: 'q,
    {
        match *self {
            Val::Text(s) => q.bind(s),
            Val::OptText(s) => q.bind(s),
            Val::Int(n) => q.bind(n),
            Val::OptInt(n) => q.bind(n),
        }
    }
}

impl rusqlite::ToSql for Val<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, Value, ValueRef};
        Ok(match *self {
            Val::Text(s) | Val::OptText(Some(s)) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Val::Int(n) | Val::OptInt(Some(n)) => ToSqlOutput::Owned(Value::Integer(n)),
            Val::OptText(None) | Val::OptInt(None) => ToSqlOutput::Owned(Value::Null),
        })
    }
}

/// What a batch writes of an import line: its stored form (canonical JSON) and that form's
/// SHA-256, computed where the line was parsed so the writer only writes, and the few fields
/// the rules read. The parsed listing itself is not kept: a batch in flight holds ~1.5 KiB a
/// line instead of the whole parsed line besides its stored form.
#[derive(Debug, Clone)]
pub struct StagedLine {
    pub code: String,
    /// The supplier's business number (10 digits).
    pub business_number: String,
    supplier_name: String,
    supplier_size: &'static str,
    pub status: ServiceStatus,
    category: String,
    host_code: Option<String>,
    selected_on: Option<time::Date>,
    content: String,
    digest: String,
}

impl StagedLine {
    pub fn new(line: ImportLine) -> Self {
        let (content, digest) = content_digest(&line.listing);
        let host_code = host_code_of(&line.listing).map(str::to_owned);
        let ImportLine { listing, supplier, business_number, status } = line;
        Self {
            business_number: business_number.digits().to_owned(),
            supplier_name: supplier.name,
            supplier_size: supplier.size.as_str(),
            status,
            category: listing.category,
            host_code,
            selected_on: listing.selected_on,
            code: listing.code,
            content,
            digest,
        }
    }

    fn first_listed(&self, now: i64) -> i64 {
        first_listed_from(self.selected_on, now)
    }
}

/// What the database already holds of a code.
pub(crate) struct Existing {
    pub(crate) id: String,
    pub(crate) owner_bn: String,
    pub(crate) status: String,
    pub(crate) latest: i64,
    pub(crate) first_listed: Option<i64>,
    pub(crate) digest: String,
}

/// The lookup of a code's current state (`code` bound once).
pub(crate) const EXISTING_SQL: &str = "SELECT s.code, s.id, s.status, s.latest_revision, s.first_listed_at, r.content_sha256, p.business_number \
     FROM services s JOIN service_revisions r ON r.service_id = s.id AND r.revision = s.latest_revision \
     JOIN suppliers p ON p.id = s.supplier_id WHERE s.code";
pub(crate) const SUPPLIERS_SQL: &str = "SELECT id, business_number FROM suppliers WHERE business_number";
pub(crate) const UPDATE_SERVICE_SQL: &str = "UPDATE services SET status = $1, latest_revision = $2, \
     public_revision = CASE WHEN $3 = 1 THEN $2 ELSE public_revision END, host_code = $4, first_listed_at = $5, updated_at = $6 WHERE id = $7";
pub(crate) const SUPPLIERS_TABLE: &str = "suppliers (id, business_number, name, size, created_at, updated_at)";
pub(crate) const SERVICES_TABLE: &str =
    "services (id, code, supplier_id, status, public_revision, host_code, first_listed_at, created_at, updated_at, latest_revision)";
pub(crate) const REVISIONS_TABLE: &str = "service_revisions (service_id, revision, content, content_sha256, created_at)";
pub(crate) const CATEGORIES_TABLE: &str = "categories (name, created_at)";
pub(crate) const CATEGORIES_TAIL: &str = " ON CONFLICT (name) DO NOTHING";
pub(crate) const CHANGES_TABLE: &str = "catalog_changes (seq, service_id, created_at)";

/// What the database already knows of a batch: its codes and its suppliers' business numbers.
pub(crate) struct Known {
    pub(crate) services: HashMap<String, Existing>,
    /// Business number → supplier id.
    pub(crate) suppliers: HashMap<String, String>,
}

/// A service the batch creates.
struct NewService {
    id: String,
    line: usize,
    supplier_id: String,
}

/// A known service whose content or status the batch changes.
struct Update {
    id: String,
    line: usize,
    revision: i64,
    first_listed: Option<i64>,
}

/// Everything a batch writes, decided from the lines and what the database knows before a row
/// is written. Both write paths (sqlx for PostgreSQL, the bulk SQLite connection) carry out the
/// same plan, so the rules live here once.
pub(crate) struct Plan<'a> {
    lines: &'a [StagedLine],
    now: i64,
    pub(crate) result: BatchResult,
    new_services: Vec<NewService>,
    updates: Vec<Update>,
    /// (service id, revision, line).
    revisions: Vec<(String, i64, usize)>,
    /// Service ids whose public state changed, in line order (the change feed).
    pub(crate) changed: Vec<String>,
}

/// The business numbers of the lines whose codes are not another supplier's, each once.
pub(crate) fn business_numbers<'a>(lines: &'a [StagedLine], known: &HashMap<String, Existing>) -> Vec<&'a str> {
    let mut seen = std::collections::HashSet::new();
    lines.iter().filter(|l| !refused(l, known)).map(|l| l.business_number.as_str()).filter(|bn| seen.insert(*bn)).collect()
}

/// A code that exists under another supplier's business number is refused.
fn refused(line: &StagedLine, known: &HashMap<String, Existing>) -> bool {
    known.get(&line.code).is_some_and(|e| e.owner_bn != line.business_number)
}

impl<'a> Plan<'a> {
    /// Decides what `lines` write. `known.suppliers` must hold every business number of
    /// [`business_numbers`] the database has; the others become new suppliers.
    pub(crate) fn new(lines: &'a [StagedLine], mut known: Known, new_id: &mut (dyn FnMut(&str) -> String + Send), now: i64) -> Self {
        let mut created_suppliers = Vec::new();
        for line in lines {
            let bn = line.business_number.as_str();
            if !refused(line, &known.services) && !known.suppliers.contains_key(bn) {
                let id = new_id(&format!("supplier:{bn}"));
                known.suppliers.insert(bn.to_owned(), id.clone());
                created_suppliers.push(CreatedSupplier {
                    id,
                    business_number: bn.to_owned(),
                    name: line.supplier_name.clone(),
                    size: line.supplier_size.to_owned(),
                });
            }
        }
        let mut plan = Plan {
            lines,
            now,
            result: BatchResult { lines: Vec::with_capacity(lines.len()), created_suppliers },
            new_services: Vec::new(),
            updates: Vec::new(),
            revisions: Vec::new(),
            changed: Vec::new(),
        };
        for (i, line) in lines.iter().enumerate() {
            if refused(line, &known.services) {
                plan.result.lines.push(LineResult::CodeOfAnotherSupplier);
                continue;
            }
            let digest = line.digest.clone();
            let status = line.status.as_str();
            let (outcome, id) = match known.services.get(&line.code) {
                None => {
                    let id = new_id(&format!("service:{}", line.code));
                    let supplier_id = known.suppliers.get(&line.business_number).cloned().unwrap_or_default();
                    plan.new_services.push(NewService { id: id.clone(), line: i, supplier_id });
                    plan.revisions.push((id.clone(), 1, i));
                    plan.changed.push(id.clone());
                    (ImportOutcome::Imported, id)
                }
                Some(e) if e.digest == digest && e.status == status => (ImportOutcome::Unchanged, e.id.clone()),
                Some(e) => {
                    let revision = if e.digest == digest { e.latest } else { e.latest + 1 };
                    if revision != e.latest {
                        plan.revisions.push((e.id.clone(), revision, i));
                    }
                    let listed = line.status == ServiceStatus::Listed;
                    let first_listed = e.first_listed.or(listed.then(|| line.first_listed(now)));
                    plan.updates.push(Update { id: e.id.clone(), line: i, revision, first_listed });
                    plan.changed.push(e.id.clone());
                    (ImportOutcome::Revised, e.id.clone())
                }
            };
            plan.result.lines.push(LineResult::Done { outcome, service_id: id, digest });
        }
        plan
    }

    pub(crate) fn supplier_rows(&self) -> impl Iterator<Item = [Val<'_>; 6]> {
        let now = self.now;
        self.result.created_suppliers.iter().map(move |c| {
            [Val::Text(&c.id), Val::Text(&c.business_number), Val::Text(&c.name), Val::Text(&c.size), Val::Int(now), Val::Int(now)]
        })
    }

    pub(crate) fn service_rows(&self) -> impl Iterator<Item = [Val<'_>; 10]> {
        let now = self.now;
        self.new_services.iter().map(move |n| {
            let line = &self.lines[n.line];
            let listed = line.status == ServiceStatus::Listed;
            [
                Val::Text(&n.id),
                Val::Text(&line.code),
                Val::Text(&n.supplier_id),
                Val::Text(line.status.as_str()),
                Val::OptInt(listed.then_some(1)),
                Val::OptText(line.host_code.as_deref()),
                Val::OptInt(listed.then(|| line.first_listed(now))),
                Val::Int(now),
                Val::Int(now),
                Val::Int(1),
            ]
        })
    }

    /// The values of [`UPDATE_SERVICE_SQL`], one array per changed known service.
    pub(crate) fn update_rows(&self) -> impl Iterator<Item = [Val<'_>; 7]> {
        self.updates.iter().map(move |u| {
            let line = &self.lines[u.line];
            [
                Val::Text(line.status.as_str()),
                Val::Int(u.revision),
                Val::Int(i64::from(line.status == ServiceStatus::Listed)),
                Val::OptText(line.host_code.as_deref()),
                Val::OptInt(u.first_listed),
                Val::Int(self.now),
                Val::Text(&u.id),
            ]
        })
    }

    pub(crate) fn revision_rows(&self) -> impl Iterator<Item = [Val<'_>; 5]> {
        self.revisions.iter().map(move |(id, rev, i)| {
            let staged = &self.lines[*i];
            [Val::Text(id), Val::Int(*rev), Val::Text(&staged.content), Val::Text(&staged.digest), Val::Int(self.now)]
        })
    }

    /// The categories of the new and changed services, each once.
    pub(crate) fn category_rows(&self) -> Vec<[Val<'_>; 2]> {
        let mut names: Vec<&str> = self
            .new_services
            .iter()
            .map(|n| n.line)
            .chain(self.updates.iter().map(|u| u.line))
            .map(|i| self.lines[i].category.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        names.into_iter().map(|c| [Val::Text(c), Val::Int(self.now)]).collect()
    }
}

impl WriteTx {
    /// Imports `lines` (codes unique within the batch). New suppliers get ids from `new_id`
    /// (called with `supplier:{business number}`), new services from `new_id(service:{code})`.
    pub async fn import_batch(&mut self, lines: &[StagedLine], new_id: &mut (dyn FnMut(&str) -> String + Send)) -> Result<BatchResult> {
        if lines.is_empty() {
            return Ok(BatchResult::default());
        }
        let services = self.existing_by_code(lines).await?;
        let suppliers = self.suppliers_by_number(&business_numbers(lines, &services)).await?;
        let plan = Plan::new(lines, Known { services, suppliers }, new_id, self.now);
        self.insert_rows(SUPPLIERS_TABLE, plan.supplier_rows().collect()).await?;
        for row in plan.update_rows() {
            let mut q = sqlx::query(UPDATE_SERVICE_SQL);
            for v in &row {
                q = v.bind_to(q);
            }
            q.execute(&mut *self.tx).await?;
        }
        self.insert_rows(SERVICES_TABLE, plan.service_rows().collect()).await?;
        self.insert_rows(REVISIONS_TABLE, plan.revision_rows().collect()).await?;
        self.insert_rows_tail(CATEGORIES_TABLE, CATEGORIES_TAIL, plan.category_rows()).await?;
        self.record_changes(&plan.changed).await?;
        Ok(plan.result)
    }

    async fn existing_by_code(&mut self, lines: &[StagedLine]) -> Result<HashMap<String, Existing>> {
        let mut out = HashMap::new();
        for chunk in lines.chunks(rows_per_statement(self.backend, 1)) {
            let sql = format!("{EXISTING_SQL} IN ({})", placeholders(chunk.len()));
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for l in chunk {
                q = q.bind(&l.code);
            }
            for row in q.fetch_all(&mut *self.tx).await? {
                out.insert(
                    row.try_get("code")?,
                    Existing {
                        id: row.try_get("id")?,
                        owner_bn: row.try_get("business_number")?,
                        status: row.try_get("status")?,
                        latest: row.try_get("latest_revision")?,
                        first_listed: row.try_get("first_listed_at")?,
                        digest: row.try_get("content_sha256")?,
                    },
                );
            }
        }
        Ok(out)
    }

    /// The supplier id of each of `numbers` the database holds.
    async fn suppliers_by_number(&mut self, numbers: &[&str]) -> Result<HashMap<String, String>> {
        let mut ids = HashMap::with_capacity(numbers.len());
        for chunk in numbers.chunks(rows_per_statement(self.backend, 1)) {
            let sql = format!("{SUPPLIERS_SQL} IN ({})", placeholders(chunk.len()));
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for bn in chunk {
                q = q.bind(*bn);
            }
            for row in q.fetch_all(&mut *self.tx).await? {
                ids.insert(row.try_get("business_number")?, row.try_get("id")?);
            }
        }
        Ok(ids)
    }

    /// `INSERT INTO {table} VALUES (…), (…)` in as few statements as the bind limits allow.
    pub(crate) async fn insert_rows<const N: usize>(&mut self, table: &str, rows: Vec<[Val<'_>; N]>) -> Result<()> {
        self.insert_rows_tail(table, "", rows).await
    }

    /// The same with `tail` after the values (a conflict clause).
    async fn insert_rows_tail<const N: usize>(&mut self, table: &str, tail: &str, rows: Vec<[Val<'_>; N]>) -> Result<()> {
        for chunk in rows.chunks(rows_per_statement(self.backend, N)) {
            let values = values_list(chunk.len(), N);
            let sql = format!("INSERT INTO {table} VALUES {values}{tail}");
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for row in chunk {
                for v in row {
                    q = v.bind_to(q);
                }
            }
            q.execute(&mut *self.tx).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_lists_number_every_placeholder() {
        assert_eq!(values_list(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(values_list(1, 1), "($1)");
        assert_eq!(placeholders(3), "$1, $2, $3");
        assert_eq!(rows_per_statement(Backend::Sqlite, 10), 20);
        assert_eq!(rows_per_statement(Backend::Sqlite, 1_000), 1);
        assert_eq!(rows_per_statement(Backend::Postgres, 5), 1_000);
    }
}

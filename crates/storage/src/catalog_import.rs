//! The bulk import path: a whole batch of import lines in a handful of statements (one lookup of
//! the batch's codes and business numbers, then multi-row inserts), so a million lines import in
//! seconds, not minutes. The rules are those of one line at a time: a new code is a new service,
//! changed content is a new revision, the same content is nothing, and a code of another
//! supplier is refused without touching anything.

use crate::catalog::{content_digest, first_listed_at, host_code_of};
use crate::{Backend, ImportOutcome, Result, WriteTx};
use gureum_domain::listing::ImportLine;
use gureum_domain::{Listing, ServiceStatus};
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

/// What the database already holds of a code.
struct Existing {
    id: String,
    owner_bn: String,
    status: String,
    latest: i64,
    first_listed: Option<i64>,
    digest: String,
}

/// `($1, $2, …), (…)` for `rows` rows of `cols` values, numbered from `$1`.
fn values_list(rows: usize, cols: usize) -> String {
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

impl WriteTx {
    /// Imports `lines` (codes unique within the batch). New suppliers get ids from `new_id`
    /// (called with `supplier:{business number}`), new services from `new_id(service:{code})`.
    pub async fn import_batch(&mut self, lines: &[ImportLine], new_id: &mut (dyn FnMut(&str) -> String + Send)) -> Result<BatchResult> {
        if lines.is_empty() {
            return Ok(BatchResult::default());
        }
        if self.backend == Backend::Sqlite {
            // A wide page cache for this connection: the batch touches index pages all over.
            sqlx::query("PRAGMA cache_size = -131072").execute(&mut *self.tx).await?;
        }
        let contents: Vec<(String, String)> = lines.iter().map(|l| content_digest(&l.listing)).collect();
        let existing = self.existing_by_code(lines).await?;

        // Refuse codes of other suppliers first: their suppliers are not created either.
        let refused: Vec<bool> =
            lines.iter().map(|l| existing.get(&l.listing.code).is_some_and(|e| e.owner_bn != l.business_number.digits())).collect();
        let (supplier_ids, created_suppliers) = self.suppliers_of(lines, &refused, new_id).await?;

        let now = self.now;
        let mut results = Vec::with_capacity(lines.len());
        let mut new_services: Vec<[Val<'_>; 10]> = Vec::new();
        let mut new_revisions: Vec<(String, i64, usize)> = Vec::new();
        let mut changed: Vec<String> = Vec::new();
        let mut categories: Vec<&str> = Vec::new();
        let mut new_ids: Vec<String> = Vec::new();
        // First pass: ids of new services (borrowed by the rows below).
        for (i, line) in lines.iter().enumerate() {
            if !refused[i] && !existing.contains_key(&line.listing.code) {
                new_ids.push(new_id(&format!("service:{}", line.listing.code)));
            }
        }
        let mut next_new = new_ids.iter();
        for (i, line) in lines.iter().enumerate() {
            if refused[i] {
                results.push(LineResult::CodeOfAnotherSupplier);
                continue;
            }
            let listing: &Listing = &line.listing;
            let digest = &contents[i].1;
            let status = line.status.as_str();
            let listed = line.status == ServiceStatus::Listed;
            let supplier_id = supplier_ids.get(line.business_number.digits()).map(String::as_str).unwrap_or_default();
            match existing.get(&listing.code) {
                None => {
                    let Some(id) = next_new.next() else { unreachable!("an id was made for every new code") };
                    new_services.push([
                        Val::Text(id),
                        Val::Text(&listing.code),
                        Val::Text(supplier_id),
                        Val::Text(status),
                        Val::OptInt(listed.then_some(1)),
                        Val::OptText(host_code_of(listing)),
                        Val::OptInt(listed.then(|| first_listed_at(listing, now))),
                        Val::Int(now),
                        Val::Int(now),
                        Val::Int(1),
                    ]);
                    new_revisions.push((id.clone(), 1, i));
                    changed.push(id.clone());
                    categories.push(&listing.category);
                    results.push(LineResult::Done { outcome: ImportOutcome::Imported, service_id: id.clone(), digest: digest.clone() });
                }
                Some(e) if e.digest == *digest && e.status == status => {
                    results.push(LineResult::Done { outcome: ImportOutcome::Unchanged, service_id: e.id.clone(), digest: digest.clone() });
                }
                Some(e) => {
                    let revision = if e.digest == *digest { e.latest } else { e.latest + 1 };
                    if revision != e.latest {
                        new_revisions.push((e.id.clone(), revision, i));
                    }
                    sqlx::query(
                        "UPDATE services SET status = $1, latest_revision = $2, public_revision = CASE WHEN $3 = 1 THEN $2 ELSE public_revision END, \
                         host_code = $4, first_listed_at = $5, updated_at = $6 WHERE id = $7",
                    )
                    .bind(status)
                    .bind(revision)
                    .bind(i64::from(listed))
                    .bind(host_code_of(listing))
                    .bind(e.first_listed.or(if listed { Some(first_listed_at(listing, now)) } else { None }))
                    .bind(now)
                    .bind(&e.id)
                    .execute(&mut *self.tx)
                    .await?;
                    changed.push(e.id.clone());
                    categories.push(&listing.category);
                    results.push(LineResult::Done { outcome: ImportOutcome::Revised, service_id: e.id.clone(), digest: digest.clone() });
                }
            }
        }

        self.insert_rows(
            "services (id, code, supplier_id, status, public_revision, host_code, first_listed_at, created_at, updated_at, latest_revision)",
            new_services,
        )
        .await?;
        let revision_rows: Vec<[Val<'_>; 5]> = new_revisions
            .iter()
            .map(|(id, rev, i)| [Val::Text(id), Val::Int(*rev), Val::Text(&contents[*i].0), Val::Text(&contents[*i].1), Val::Int(now)])
            .collect();
        self.insert_rows("service_revisions (service_id, revision, content, content_sha256, created_at)", revision_rows).await?;
        categories.sort_unstable();
        categories.dedup();
        let category_rows: Vec<[Val<'_>; 2]> = categories.iter().map(|c| [Val::Text(c), Val::Int(now)]).collect();
        self.insert_rows_tail("categories (name, created_at)", " ON CONFLICT (name) DO NOTHING", category_rows).await?;
        self.record_changes(&changed).await?;
        Ok(BatchResult { lines: results, created_suppliers })
    }

    async fn existing_by_code(&mut self, lines: &[ImportLine]) -> Result<HashMap<String, Existing>> {
        let mut out = HashMap::new();
        for chunk in lines.chunks(rows_per_statement(self.backend, 1)) {
            let sql = format!(
                "SELECT s.code, s.id, s.status, s.latest_revision, s.first_listed_at, r.content_sha256, p.business_number FROM services s \
                 JOIN service_revisions r ON r.service_id = s.id AND r.revision = s.latest_revision \
                 JOIN suppliers p ON p.id = s.supplier_id WHERE s.code IN ({})",
                placeholders(chunk.len())
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for l in chunk {
                q = q.bind(&l.listing.code);
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

    /// The supplier id of every business number of the lines not refused, creating the missing
    /// suppliers from their first line's name and size.
    async fn suppliers_of(
        &mut self,
        lines: &[ImportLine],
        refused: &[bool],
        new_id: &mut (dyn FnMut(&str) -> String + Send),
    ) -> Result<(HashMap<String, String>, Vec<CreatedSupplier>)> {
        let mut firsts: Vec<&ImportLine> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (line, refused) in lines.iter().zip(refused) {
            if !refused && seen.insert(line.business_number.digits()) {
                firsts.push(line);
            }
        }
        let mut ids: HashMap<String, String> = HashMap::with_capacity(firsts.len());
        for chunk in firsts.chunks(rows_per_statement(self.backend, 1)) {
            let sql = format!("SELECT id, business_number FROM suppliers WHERE business_number IN ({})", placeholders(chunk.len()));
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for l in chunk {
                q = q.bind(l.business_number.digits());
            }
            for row in q.fetch_all(&mut *self.tx).await? {
                ids.insert(row.try_get("business_number")?, row.try_get("id")?);
            }
        }
        let mut created = Vec::new();
        for line in firsts {
            let bn = line.business_number.digits();
            if !ids.contains_key(bn) {
                let id = new_id(&format!("supplier:{bn}"));
                ids.insert(bn.to_owned(), id.clone());
                created.push(CreatedSupplier {
                    id,
                    business_number: bn.to_owned(),
                    name: line.supplier.name.clone(),
                    size: line.supplier.size.as_str().to_owned(),
                });
            }
        }
        let now = self.now;
        let rows: Vec<[Val<'_>; 6]> = created
            .iter()
            .map(|c| {
                [Val::Text(&c.id), Val::Text(&c.business_number), Val::Text(&c.name), Val::Text(&c.size), Val::Int(now), Val::Int(now)]
            })
            .collect();
        self.insert_rows("suppliers (id, business_number, name, size, created_at, updated_at)", rows).await?;
        Ok((ids, created))
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
                    q = match v {
                        Val::Text(s) => q.bind(*s),
                        Val::OptText(s) => q.bind(*s),
                        Val::Int(n) => q.bind(*n),
                        Val::OptInt(n) => q.bind(*n),
                    };
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

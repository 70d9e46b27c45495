//! Reading the audit log for auditors (and operators): filtered, paginated, newest first, with
//! the people and organisations behind the ids; and an oldest-first batched read for export.
//!
//! Filters are ANDed; every one is optional. Dates are Asia/Seoul calendar dates, inclusive, and
//! become half-open microsecond bounds (`from` 00:00 KST ≤ at < the day after `to` 00:00 KST).

use crate::{AuditRow, Db, Result};
use gureum_domain::audit::AuditEvent;
use gureum_domain::clock::{SEOUL, to_micros};
use sqlx::Row;
use sqlx::any::AnyRow;
use time::Date;

/// What to read from the audit log. Empty strings count as "not given".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// An organisation id, or part of an organisation's name.
    pub organisation: Option<String>,
    /// An actor as stored (a user id, `cli`, `system`, `anonymous`, `token:<id>`), or part of a
    /// person's e-mail or name.
    pub actor: Option<String>,
    /// Exact entity kind (`user`, `organisation`, `service`, `import`, …).
    pub entity_kind: Option<String>,
    /// Exact entity id.
    pub entity_id: Option<String>,
    /// Action prefix: `auth.` finds `auth.login`, `auth.login_failed`, …; `auth.login` finds both
    /// of those too.
    pub action: Option<String>,
    /// From this Asia/Seoul date, inclusive.
    pub from: Option<Date>,
    /// Until this Asia/Seoul date, inclusive.
    pub to: Option<Date>,
}

/// One event as an auditor reads it: the stored event and hash, and who the ids are.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub row: AuditRow,
    /// The person's name when the actor is a user id.
    pub actor_name: Option<String>,
    /// The person's e-mail when the actor is a user id.
    pub actor_email: Option<String>,
    /// The API token's name when the actor is `token:<id>`.
    pub actor_token_name: Option<String>,
    /// The organisation's name when the event names one that exists.
    pub organisation_name: Option<String>,
}

impl AuditEntry {
    pub fn event(&self) -> &AuditEvent {
        &self.row.event
    }
}

/// The first instant (µs, UTC) of an Asia/Seoul date.
pub fn seoul_day_start_micros(d: Date) -> i64 {
    to_micros(d.midnight().assume_offset(SEOUL))
}

/// `%needle%` for LIKE with `\` escaping, lower-cased (compare with `LOWER(column)`).
fn contains_pattern(needle: &str) -> String {
    let mut p = String::with_capacity(needle.len() + 2);
    p.push('%');
    for c in needle.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

fn prefix_pattern(prefix: &str) -> String {
    let mut p = String::with_capacity(prefix.len() + 1);
    for c in prefix.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

enum Bind {
    Text(String),
    Int(i64),
}

/// A WHERE clause with its numbered binds, built from a filter.
struct Where {
    sql: String,
    binds: Vec<Bind>,
}

impl Where {
    fn push(&mut self, b: Bind) -> String {
        self.binds.push(b);
        format!("${}", self.binds.len())
    }

    fn and(&mut self, cond: String) {
        self.sql.push_str(if self.sql.is_empty() { " WHERE " } else { " AND " });
        self.sql.push_str(&cond);
    }

    fn build(f: &AuditFilter) -> Self {
        let mut w = Self { sql: String::new(), binds: Vec::new() };
        let given = |o: &Option<String>| o.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        if let Some(org) = given(&f.organisation) {
            let exact = w.push(Bind::Text(org.clone()));
            let like = w.push(Bind::Text(contains_pattern(&org)));
            w.and(format!(
                "(e.organisation = {exact} OR e.organisation IN (SELECT so.id FROM organisations so WHERE LOWER(so.name) LIKE {like} ESCAPE '\\'))"
            ));
        }
        if let Some(actor) = given(&f.actor) {
            let exact = w.push(Bind::Text(actor.clone()));
            let like = w.push(Bind::Text(contains_pattern(&actor)));
            w.and(format!(
                "(e.actor = {exact} OR e.actor IN (SELECT su.id FROM users su WHERE LOWER(su.email) LIKE {like} ESCAPE '\\' OR LOWER(su.name) LIKE {like} ESCAPE '\\'))"
            ));
        }
        if let Some(kind) = given(&f.entity_kind) {
            let p = w.push(Bind::Text(kind));
            w.and(format!("e.entity_kind = {p}"));
        }
        if let Some(id) = given(&f.entity_id) {
            let p = w.push(Bind::Text(id));
            w.and(format!("e.entity_id = {p}"));
        }
        if let Some(action) = given(&f.action) {
            let p = w.push(Bind::Text(prefix_pattern(&action)));
            w.and(format!("e.action LIKE {p} ESCAPE '\\'"));
        }
        if let Some(d) = f.from {
            let p = w.push(Bind::Int(seoul_day_start_micros(d)));
            w.and(format!("e.at >= {p}"));
        }
        if let Some(d) = f.to {
            let end = d.next_day().map(seoul_day_start_micros).unwrap_or(i64::MAX);
            let p = w.push(Bind::Int(end));
            w.and(format!("e.at < {p}"));
        }
        w
    }
}

const ENTRY_SELECT: &str = "SELECT e.seq, e.at, e.actor, e.organisation, e.action, e.entity_kind, e.entity_id, e.before_json, \
    e.after_json, e.request_id, e.hash, u.name AS actor_name, u.email AS actor_email, t.name AS token_name, o.name AS org_name \
    FROM audit_events e \
    LEFT JOIN users u ON u.id = e.actor \
    LEFT JOIN api_tokens t ON e.actor LIKE 'token:%' AND t.id = SUBSTR(e.actor, 7) \
    LEFT JOIN organisations o ON o.id = e.organisation";

fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    binds: Vec<Bind>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    for b in binds {
        q = match b {
            Bind::Text(s) => q.bind(s),
            Bind::Int(i) => q.bind(i),
        };
    }
    q
}

fn entry_from(row: &AnyRow) -> Result<AuditEntry> {
    Ok(AuditEntry {
        row: crate::audit::to_row(row)?,
        actor_name: row.try_get("actor_name")?,
        actor_email: row.try_get("actor_email")?,
        actor_token_name: row.try_get("token_name")?,
        organisation_name: row.try_get("org_name")?,
    })
}

impl Db {
    /// One page of the filtered audit log, newest first (`offset` events skipped).
    pub async fn audit_events(&self, filter: &AuditFilter, offset: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        let mut w = Where::build(filter);
        let lim = w.push(Bind::Int(limit.max(0)));
        let off = w.push(Bind::Int(offset.max(0)));
        let sql = format!("{ENTRY_SELECT}{} ORDER BY e.seq DESC LIMIT {lim} OFFSET {off}", w.sql);
        let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), w.binds).fetch_all(&self.pool).await?;
        rows.iter().map(entry_from).collect()
    }

    /// How many events the filter matches.
    pub async fn audit_events_count(&self, filter: &AuditFilter) -> Result<i64> {
        let w = Where::build(filter);
        let sql = format!("SELECT COUNT(*) AS n FROM audit_events e{}", w.sql);
        let row = bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), w.binds).fetch_one(&self.pool).await?;
        Ok(row.try_get("n")?)
    }

    /// The next batch of the filtered log for an export, oldest first: up to `limit` events with
    /// a sequence above `after_seq` (start at 0; continue from the last one returned).
    pub async fn audit_events_after(&self, filter: &AuditFilter, after_seq: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        let mut w = Where::build(filter);
        let after = w.push(Bind::Int(after_seq));
        w.and(format!("e.seq > {after}"));
        let lim = w.push(Bind::Int(limit.max(0)));
        let sql = format!("{ENTRY_SELECT}{} ORDER BY e.seq LIMIT {lim}", w.sql);
        let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), w.binds).fetch_all(&self.pool).await?;
        rows.iter().map(entry_from).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seoul_days_start_at_15_utc_the_day_before() {
        let d = gureum_domain::clock::parse_date("2026-11-23").expect("date");
        assert_eq!(gureum_domain::clock::rfc3339_utc(seoul_day_start_micros(d)), "2026-11-22T15:00:00.000000Z");
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(contains_pattern("A_b%"), "%a\\_b\\%%");
        assert_eq!(prefix_pattern("auth."), "auth.%");
        assert_eq!(prefix_pattern("x_y"), "x\\_y%");
    }

    #[test]
    fn where_numbers_its_binds_in_order() {
        let f = AuditFilter {
            actor: Some("cli".into()),
            action: Some(" ".into()),
            entity_kind: Some("user".into()),
            from: gureum_domain::clock::parse_date("2026-01-01"),
            ..AuditFilter::default()
        };
        let w = Where::build(&f);
        assert_eq!(w.binds.len(), 4);
        assert!(w.sql.starts_with(" WHERE (e.actor = $1 OR"));
        assert!(w.sql.contains("e.entity_kind = $3"));
        assert!(w.sql.contains("e.at >= $4"));
        assert!(!w.sql.contains("action"));
        assert!(Where::build(&AuditFilter::default()).sql.is_empty());
    }
}

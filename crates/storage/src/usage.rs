//! Metered usage records (SPEC §3 "Usage and billing"; SPEC §4 "Usage, invoices and
//! post-management"): what suppliers' machines report, keyed by the supplier's own `record_id`.
//!
//! A batch of up to 10,000 records is written in one statement per chunk of rows: the rows go to
//! the database as one JSON array bound as a single value and are expanded there (`json_each` on
//! SQLite, `json_array_elements` on PostgreSQL — the only part of the statement that differs), so
//! the cost per record is the engine's own, not one bound value at a time through the `Any` layer.
//! [`WriteTx::insert_usage_records`] skips rows whose `(supplier_id, record_id)` exists and says
//! how many it wrote; a use case that finds fewer than it sent looks the batch's ids up
//! ([`WriteTx::usage_records_by_ids`]) and decides duplicate or conflict.

use crate::{Backend, Db, Result, WriteTx};
use sqlx::Row;
use std::collections::HashMap;

/// One usage record as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRecord {
    pub supplier_id: String,
    pub record_id: String,
    pub contract_id: String,
    pub meter: String,
    pub quantity_micros: i64,
    /// µs, inclusive.
    pub period_start: i64,
    /// µs, exclusive.
    pub period_end: i64,
    /// Asia/Seoul `yyyymm` of `period_start`.
    pub month: i64,
    pub received_at: i64,
}

/// A record to write ([`WriteTx::insert_usage_records`]), borrowing its text from the batch it
/// came in; the supplier and the time it was received are the batch's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsageRow<'a> {
    pub record_id: &'a str,
    pub contract_id: &'a str,
    pub meter: &'a str,
    pub quantity_micros: i64,
    /// µs, inclusive.
    pub period_start: i64,
    /// µs, exclusive.
    pub period_end: i64,
    /// Asia/Seoul `yyyymm` of `period_start`.
    pub month: i64,
}

/// What a stored record holds besides its key: two records are the same when these are equal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageContent {
    pub contract_id: String,
    pub meter: String,
    pub quantity_micros: i64,
    pub period_start: i64,
    pub period_end: i64,
}

/// Rows in one insert statement (one JSON value): 2,000 rows are ~400 KiB of text.
const ROWS_PER_INSERT: usize = 2_000;
/// Ids in one look-up statement.
const IDS_PER_LOOKUP: usize = 500;

/// The rows of a JSON array of arrays, expanded by the database into `value`.
fn json_rows(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "jsonb_each($1)",
        Backend::Postgres => "json_array_elements(CAST($1 AS json)) AS j(value)",
    }
}

fn insert_sql(backend: Backend) -> String {
    format!(
        "INSERT INTO usage_records (supplier_id, record_id, contract_id, meter, quantity_micros, period_start, period_end, month, received_at) \
         SELECT $2, value ->> 0, value ->> 1, value ->> 2, CAST(value ->> 3 AS BIGINT), CAST(value ->> 4 AS BIGINT), \
         CAST(value ->> 5 AS BIGINT), CAST(value ->> 6 AS BIGINT), $3 FROM {} WHERE true \
         ON CONFLICT (supplier_id, record_id) DO NOTHING",
        json_rows(backend)
    )
}

/// The JSON array the insert expands: `[record_id, contract_id, meter, quantity, start, end, month]` a row.
fn rows_json(rows: &[UsageRow<'_>]) -> String {
    let tuples: Vec<_> =
        rows.iter().map(|r| (r.record_id, r.contract_id, r.meter, r.quantity_micros, r.period_start, r.period_end, r.month)).collect();
    serde_json::to_string(&tuples).unwrap_or_else(|_| "[]".into())
}

impl WriteTx {
    /// Writes the records of one supplier, received at `received_at`, skipping any whose
    /// `record_id` that supplier already stored; answers how many it wrote.
    pub async fn insert_usage_records(&mut self, supplier_id: &str, received_at: i64, rows: &[UsageRow<'_>]) -> Result<u64> {
        let sql = insert_sql(self.backend);
        let mut written = 0;
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let json = rows_json(chunk);
            let done =
                sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(json).bind(supplier_id).bind(received_at).execute(&mut *self.tx).await?;
            written += done.rows_affected();
        }
        Ok(written)
    }

    /// The stored records of a supplier among `record_ids`, by record id.
    pub async fn usage_records_by_ids(&mut self, supplier_id: &str, record_ids: &[&str]) -> Result<HashMap<String, UsageContent>> {
        let mut out = HashMap::new();
        for chunk in record_ids.chunks(IDS_PER_LOOKUP) {
            let list = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect::<Vec<_>>().join(", ");
            let sql = format!(
                "SELECT record_id, contract_id, meter, quantity_micros, period_start, period_end FROM usage_records \
                 WHERE supplier_id = $1 AND record_id IN ({list})"
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(supplier_id);
            for id in chunk {
                q = q.bind(*id);
            }
            for row in q.fetch_all(&mut *self.tx).await? {
                out.insert(
                    row.try_get("record_id")?,
                    UsageContent {
                        contract_id: row.try_get("contract_id")?,
                        meter: row.try_get("meter")?,
                        quantity_micros: row.try_get("quantity_micros")?,
                        period_start: row.try_get("period_start")?,
                        period_end: row.try_get("period_end")?,
                    },
                );
            }
        }
        Ok(out)
    }
}

impl Db {
    /// The stored records of a supplier among `record_ids` (outside a write: to name conflicts
    /// beside other faults of a refused batch).
    pub async fn usage_records_by_ids(&self, supplier_id: &str, record_ids: &[&str]) -> Result<HashMap<String, UsageContent>> {
        let mut out = HashMap::new();
        for chunk in record_ids.chunks(IDS_PER_LOOKUP) {
            let list = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect::<Vec<_>>().join(", ");
            let sql = format!(
                "SELECT record_id, contract_id, meter, quantity_micros, period_start, period_end FROM usage_records \
                 WHERE supplier_id = $1 AND record_id IN ({list})"
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(supplier_id);
            for id in chunk {
                q = q.bind(*id);
            }
            for row in q.fetch_all(&self.pool).await? {
                out.insert(
                    row.try_get("record_id")?,
                    UsageContent {
                        contract_id: row.try_get("contract_id")?,
                        meter: row.try_get("meter")?,
                        quantity_micros: row.try_get("quantity_micros")?,
                        period_start: row.try_get("period_start")?,
                        period_end: row.try_get("period_end")?,
                    },
                );
            }
        }
        Ok(out)
    }

    /// How many usage records are stored (all, or of one supplier).
    pub async fn usage_record_count(&self, supplier_id: Option<&str>) -> Result<i64> {
        let row = match supplier_id {
            Some(s) => sqlx::query("SELECT COUNT(*) AS n FROM usage_records WHERE supplier_id = $1").bind(s).fetch_one(&self.pool).await?,
            None => sqlx::query("SELECT COUNT(*) AS n FROM usage_records").fetch_one(&self.pool).await?,
        };
        Ok(row.try_get("n")?)
    }
}

/// What [`Db::rewrite_usage`] measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UsageRewrite {
    /// Rows written again.
    pub rows: u64,
    /// Transactions they were written in.
    pub batches: u64,
    /// Seconds the writes took (the transactions; not the reading of the rows beforehand).
    pub seconds: f64,
}

/// A table of the same shape, keys, index and references as `usage_records`, for the engine's
/// baseline (the same definition on both engines: SQLite reads BIGINT as INTEGER).
const BASELINE_TABLE: &str = "CREATE TABLE usage_baseline (
    supplier_id TEXT NOT NULL REFERENCES suppliers(id),
    record_id TEXT NOT NULL,
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    meter TEXT NOT NULL,
    quantity_micros BIGINT NOT NULL,
    period_start BIGINT NOT NULL,
    period_end BIGINT NOT NULL,
    month BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    invoice_id TEXT,
    PRIMARY KEY (supplier_id, record_id),
    CONSTRAINT ck_usage_baseline_quantity CHECK (quantity_micros >= 0 AND period_end >= period_start)
)";

impl Db {
    /// The usage benchmark's engine baseline (`gureum bench usage`, docs/PERFORMANCE.md): the
    /// records of `supplier_id` whose `record_id` starts with `prefix` (letters, digits, `-`),
    /// read into a temporary table first (not timed), then written again by the database alone
    /// into an empty table of the same shape, keys, index and references, `batch` rows a
    /// transaction, each batch one `INSERT … SELECT` in record id order — no parsing, no checks,
    /// no look-ups, no audit event. No ingestion of those records can be faster on this machine
    /// with this schema and these settings. The table is dropped afterwards.
    pub async fn rewrite_usage(&self, supplier_id: &str, prefix: &str, batch: usize) -> Result<UsageRewrite> {
        use sqlx::{Acquire, Executor};
        let safe = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !safe(supplier_id) || !safe(prefix) {
            return Err(crate::StorageError::Bulk("the baseline takes a plain supplier id and record id prefix".into()));
        }
        let mut conn = self.pool.acquire().await?;
        conn.execute("DROP TABLE IF EXISTS usage_baseline").await?;
        conn.execute(sqlx::AssertSqlSafe(BASELINE_TABLE)).await?;
        conn.execute("CREATE INDEX ix_usage_baseline_contract_month ON usage_baseline(contract_id, month, invoice_id)").await?;
        conn.execute(sqlx::AssertSqlSafe(format!(
            "CREATE TEMP TABLE rw_usage AS SELECT row_number() OVER (ORDER BY record_id) AS rn, supplier_id, record_id, contract_id, meter, \
             quantity_micros, period_start, period_end, month, received_at, invoice_id FROM usage_records \
             WHERE supplier_id = '{supplier_id}' AND record_id LIKE '{prefix}%'"
        )))
        .await?;
        let rows: i64 = sqlx::query("SELECT COUNT(*) AS n FROM rw_usage").fetch_one(&mut *conn).await?.try_get("n")?;
        let per = batch.max(1) as i64;
        let batches = (rows + per - 1) / per;
        let started = std::time::Instant::now();
        for k in 0..batches {
            let mut tx = conn.begin().await?;
            sqlx::query(
                "INSERT INTO usage_baseline SELECT supplier_id, record_id, contract_id, meter, quantity_micros, period_start, period_end, \
                 month, received_at, invoice_id FROM rw_usage WHERE rn > $1 AND rn <= $2",
            )
            .bind(k * per)
            .bind((k + 1) * per)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        }
        let seconds = started.elapsed().as_secs_f64();
        conn.execute("DROP TABLE rw_usage").await?;
        conn.execute("DROP TABLE usage_baseline").await?;
        Ok(UsageRewrite { rows: rows as u64, batches: batches as u64, seconds })
    }
}

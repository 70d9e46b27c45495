//! The import benchmark's engine baseline (`gureum bench import`, docs/PERFORMANCE.md "the storage
//! engine's own rate"): the rows one import wrote, written again by SQLite alone.
//!
//! It lives in storage, beside the bulk connection it measures, and not with the benchmark in
//! `crates/gureum/src/bench/`, because a fair baseline must run on that very connection: the same
//! connection settings, checkpointing thread, writer slot, chain head, deferred supplier index
//! and close as the import ([`SqliteBulk`]'s private parts). Written against storage's public
//! API it would need its own copy of all of those (and would drift from what it measures), or
//! storage would have to hand out raw SQL on its bulk connection to any caller. Kept out of
//! `bulk.rs`, which holds the import's own door.

use crate::bulk::{Deferral, SqliteBulk};
use crate::{Result, StorageError};
use rusqlite::Connection;
use std::path::Path;

/// What [`SqliteBulk::rewrite_import`] measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rewrite {
    /// Services written again.
    pub services: u64,
    /// Transactions they were written in.
    pub batches: u64,
    /// Whether the first batch dropped the supplier index for the load, as the import's does
    /// into a small catalog.
    pub deferred: bool,
    /// Seconds the writes took: the batches' transactions and the close, as an import's time
    /// includes them; not the reading of the source.
    pub seconds: f64,
    /// Of which the close: the deferred index built, the rest of the log copied back.
    pub closing: f64,
}

/// The tables [`SqliteBulk::rewrite_import`] copies by ranges of rows: one row of each per
/// import line into an empty catalog (a new service, its first revision, its change), written
/// by the import in the same order, so a batch of services is the same range of rows in each.
const ROW_FOR_ROW: &[&str] = &["services", "service_revisions", "catalog_changes"];
/// Every table the rewrite holds in memory as `temp.rw_{name}`.
const IN_MEMORY: &[&str] = &["services", "service_revisions", "catalog_changes", "audit_events", "first", "suppliers"];

impl SqliteBulk {
    /// The import benchmark's baseline: the rows one import into an empty catalog wrote into
    /// `source` (a SQLite file with the same schema), written again into this connection's
    /// empty database by SQLite alone, in transactions of `batch` services — as the import's
    /// were when none of its lines was rejected — with the same connection settings,
    /// checkpointing thread, deferred index and close, but no parsing, no lookups, no planning
    /// and no values bound one by one: each table's part of a batch is one `INSERT … SELECT`
    /// from rows read into memory beforehand (not timed; ~2 GiB at 1M services). A batch
    /// writes the suppliers its services are the first of, its services, revisions and
    /// changes, its share of the audit events, and moves the chain head to the last of them, as
    /// the import's batch does; the categories (a few dozen) are written before the clock
    /// starts. What this takes is what the storage engine needs for those rows on this machine
    /// with this schema and these settings: no import of those lines through them can be faster.
    pub fn rewrite_import(mut self, source: &Path, batch: usize) -> Result<Rewrite> {
        if !source.is_file() {
            return Err(StorageError::Bulk(format!("no database at {}", source.display())));
        }
        let holds = |conn: &Connection, schema: &str, table: &str| {
            conn.query_row(&format!("SELECT count(*) FROM {schema}.{table}"), [], |r| r.get::<_, i64>(0))
        };
        for table in ["services", "suppliers", "audit_events"] {
            if holds(&self.conn, "main", table)? > 0 {
                return Err(StorageError::Bulk(format!("the rewrite's target database already holds {table}")));
            }
        }
        // The source's pages still on their way to the disk (an import just ended) would share
        // it with the timed writes: sent first.
        std::fs::File::open(source).and_then(|f| f.sync_all()).map_err(|e| StorageError::Bulk(format!("{}: {e}", source.display())))?;
        self.conn.execute("ATTACH DATABASE ?1 AS src", [source.to_string_lossy()])?;
        let services = holds(&self.conn, "src", "services")?;
        if services == 0 {
            return Err(StorageError::Bulk("the source holds no services".into()));
        }
        if holds(&self.conn, "src", "service_revisions")? != services || holds(&self.conn, "src", "catalog_changes")? != services {
            return Err(StorageError::Bulk(
                "the source is not one import into an empty catalog (a revision and a change a service)".into(),
            ));
        }
        // Read everything first, so the timed part neither reads the source nor lets the
        // checkpointing thread catch up while it reads. Suppliers are put in the order of
        // their first service, so a batch's new suppliers are a range of rows too; any that no
        // service names go in now. (`WHERE true`: SQLite would read the `ON CONFLICT` after a
        // bare `FROM` as the join's constraint.)
        for table in ROW_FOR_ROW.iter().chain(&["audit_events"]) {
            self.conn.execute_batch(&format!("CREATE TEMP TABLE rw_{table} AS SELECT * FROM src.{table} ORDER BY rowid"))?;
        }
        self.conn.execute_batch(
            "CREATE TEMP TABLE rw_first AS SELECT supplier_id, min(rowid) AS first FROM temp.rw_services GROUP BY supplier_id ORDER BY first; \
             CREATE TEMP TABLE rw_suppliers AS SELECT p.* FROM temp.rw_first f JOIN src.suppliers p ON p.id = f.supplier_id ORDER BY f.first; \
             INSERT INTO main.suppliers SELECT * FROM src.suppliers WHERE id NOT IN (SELECT supplier_id FROM temp.rw_first); \
             INSERT INTO main.categories SELECT * FROM src.categories WHERE true ON CONFLICT DO NOTHING; \
             DETACH DATABASE src;",
        )?;
        let firsts: Vec<i64> = {
            let mut stmt = self.conn.prepare("SELECT first FROM temp.rw_first ORDER BY rowid")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let events = holds(&self.conn, "temp", "rw_audit_events")?;
        let services = u64::try_from(services).unwrap_or(0);
        let per_batch = u64::try_from(batch.max(1)).unwrap_or(u64::MAX);
        let batches = services.div_ceil(per_batch);
        let row = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        let started = std::time::Instant::now();
        for k in 0..batches {
            // Rows after `from` up to and including `to` (temp tables number theirs from 1).
            let (from, to) = (k * per_batch, ((k + 1) * per_batch).min(services));
            let suppliers = [from, to].map(|end| i64::try_from(firsts.partition_point(|f| *f <= row(end))).unwrap_or(i64::MAX));
            let events_part = (row(k) * events / row(batches), row(k + 1) * events / row(batches));
            let mut tx = self.begin()?;
            if k == 0 {
                tx.decide_deferral(usize::try_from(to - from).unwrap_or(usize::MAX))?;
            }
            let parts = [("suppliers", (suppliers[0], suppliers[1]))]
                .into_iter()
                .chain(ROW_FOR_ROW.iter().map(|t| (*t, (row(from), row(to)))))
                .chain([("audit_events", events_part)]);
            for (table, (after, upto)) in parts {
                tx.tx.execute(
                    &format!("INSERT INTO main.{table} SELECT * FROM temp.rw_{table} WHERE rowid > ?1 AND rowid <= ?2"),
                    [after, upto],
                )?;
            }
            if events_part.1 > events_part.0 {
                (tx.head_seq, tx.head_hash) =
                    tx.tx.query_row("SELECT seq, hash FROM main.audit_events ORDER BY seq DESC LIMIT 1", [], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })?;
            }
            tx.commit()?;
        }
        let writing = started.elapsed();
        let deferred = self.deferred == Deferral::Deferred;
        self.conn.execute_batch(&IN_MEMORY.iter().map(|t| format!("DROP TABLE temp.rw_{t};")).collect::<String>())?;
        let close_started = std::time::Instant::now();
        self.close()?;
        let closing = close_started.elapsed();
        Ok(Rewrite { services, batches, deferred, seconds: (writing + closing).as_secs_f64(), closing: closing.as_secs_f64() })
    }
}

//! The bulk import's own door into a SQLite database: one connection, opened beside the pool on
//! the same file, whose statements are prepared once per batch and bound by position.
//!
//! The pool speaks through sqlx's `Any` layer, which hands every statement to a worker thread,
//! converts every value and finds each `$n` by name; for a million import lines that overhead was
//! most of the writer's time. This connection carries out the same [`Plan`] as
//! [`WriteTx::import_batch`](crate::WriteTx::import_batch) and appends to the same audit chain
//! under the same locks (this process's writer slot, then the chain head), so a batch written here
//! is indistinguishable from one written through the pool. Its calls block: run them on a
//! blocking thread.

use crate::catalog::{HOSTS_SQL, HostCerts, INDEX_SOURCES_SQL, IndexSource, add_host, host_codes, service_from_row, with_host_certs};
use crate::catalog_import::{
    BatchResult, CATEGORIES_TABLE, CATEGORIES_TAIL, CHANGES_TABLE, EXISTING_SQL, Existing, Known, Plan, REVISIONS_TABLE, SERVICES_TABLE,
    SUPPLIERS_SQL, SUPPLIERS_TABLE, StagedLine, UPDATE_SERVICE_SQL, Val, business_numbers, values_list,
};
use crate::tx::{INSERT_AUDIT_SQL, LOCK_HEAD_SQL, MOVE_HEAD_SQL, NEXT_CHANGE_SQL, NewAuditEvent};
use crate::{Db, Result, StorageError};
use gureum_domain::{Clock, ServiceStatus};
use rusqlite::{Connection, OpenFlags, TransactionBehavior, params_from_iter};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// How often the checkpointing thread copies the write-ahead log back into the database.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);
/// Bytes of log after which the checkpointing thread restarts the log: 512 MiB.
/// A restart holds the writer back while the frames the passive checkpoints have not copied
/// yet — at least the last batch's — are copied and the database file is synced. At 1M lines a
/// batch writes ~100 MiB of frames (most index pages change in every batch), so with a 64 MiB
/// limit every batch paid a restart (~250 ms, 9 of 40 s); with 512 MiB one batch in five does:
/// 25,500–27,800 → 30,800–33,500 lines/s at 1M (same build, back to back). The log is truncated
/// when the import ends.
const RESTART_AFTER_BYTES: i64 = 512 << 20;

/// A SQLite connection for bulk imports. See the module documentation.
///
/// The connection does not checkpoint after its commits (SQLite's default, which would put the
/// copying of the log into the database and its `fsync` on the writer's thread); a thread of its
/// own runs passive checkpoints beside the writer instead, and stops when this is dropped. A
/// passive checkpoint never waits for the writer, so it never quite catches up and the log would
/// grow for the whole import (each new page of the file zeroed by the kernel first); once the log
/// passes [`RESTART_AFTER_BYTES`] the thread asks for a restarting checkpoint, which holds the
/// writer back for what the passive ones left and lets the log start again from its beginning.
#[derive(Debug)]
pub struct SqliteBulk {
    pub(crate) conn: Connection,
    write_lock: Arc<Mutex<()>>,
    clock: Clock,
    checkpointer: Option<Checkpointer>,
    /// Business number → supplier id, of the suppliers this connection's committed batches
    /// found or created. A supplier is never deleted and its business number never changes,
    /// so an entry stays true; a number not here is looked up. At 1M lines from 240,000
    /// suppliers the lookups took ~4 of the writer's ~33 s.
    suppliers: HashMap<String, String>,
    /// Whether this connection's committed batches dropped the [`DEFERRED_INDEXES`] (decided
    /// by its first batch); [`SqliteBulk::close`] builds them again.
    pub(crate) deferred: Deferral,
}

/// The indexes a large import into a small catalog leaves out while it loads and builds at its
/// end, with the statement that builds each (the same definition as the migrations'; a test
/// compares the two).
///
/// The supplier index's entries land all over it (a service's supplier is any of hundreds of
/// thousands), so every batch of a large import changed most of its pages, and each changed
/// page is written to the log and copied back by the checkpoint. Built at the end from the
/// finished table it takes ~1 s at 1M services. Only a plain index is deferred: the code's
/// `UNIQUE` is a rule, not a speed-up, and the host index answers the change feed's "which
/// services run on this host" for every infrastructure service a running server re-indexes.
/// Without the supplier index a supplier's own list is read by a scan of the table for the
/// duration of the load. A load that is killed leaves it missing: [`Db::connect`] builds every
/// missing one ([`repair_deferred_indexes`]).
pub(crate) const DEFERRED_INDEXES: &[(&str, &str)] =
    &[("ix_services_supplier", "CREATE INDEX IF NOT EXISTS ix_services_supplier ON services(supplier_id)")];

/// What a bulk connection decided about the [`DEFERRED_INDEXES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Deferral {
    /// No batch has committed yet.
    Undecided,
    /// The catalog was large enough that they stay.
    Kept,
    /// Dropped by a committed batch; built again at close.
    Deferred,
}

#[derive(Debug)]
struct Checkpointer {
    stop: std::sync::mpsc::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl Checkpointer {
    fn start(path: &PathBuf) -> Result<Self> {
        let conn = open(path, "")?;
        let page_size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        let restart_after = RESTART_AFTER_BYTES / page_size.max(512);
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || {
                let checkpoint = |mode: &str| conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| r.get::<_, i64>(1));
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(CHECKPOINT_EVERY) {
                    // Busy or partial checkpoints are normal while the writer runs; the next turn goes on.
                    match checkpoint("PASSIVE") {
                        Ok(frames) if frames > restart_after => {
                            if let Err(e) = checkpoint("RESTART") {
                                tracing::debug!(error = %e, "restarting checkpoint");
                            }
                        }
                        Ok(_) => {}
                        Err(e) => tracing::debug!(error = %e, "passive checkpoint"),
                    }
                }
            })
            .map_err(|e| StorageError::Bulk(format!("cannot start the checkpointing thread: {e}")))?;
        Ok(Self { stop, thread })
    }
}

impl SqliteBulk {
    /// Ends the import: stops the checkpointing thread, builds the indexes this connection
    /// deferred, copies the rest of the log back and truncates it. Dropping the connection does
    /// the same but cannot report a failure, and builds the indexes only if this process's
    /// writer slot is free at once (it may be dropped on an async thread); else the next
    /// [`Db::connect`] builds them. Blocks: call it on a blocking thread.
    pub fn close(mut self) -> Result<()> {
        self.shut(true)
    }

    fn shut(&mut self, wait_for_slot: bool) -> Result<()> {
        // The checkpointing thread runs until the connection is shut: without it, it was.
        let Some(c) = self.checkpointer.take() else { return Ok(()) };
        let _ = c.stop.send(());
        let _ = c.thread.join();
        let rebuilt = if self.deferred == Deferral::Deferred { self.build_deferred(wait_for_slot) } else { Ok(()) };
        // The log's remainder goes back now, as SQLite's default would have done, and the log
        // file, up to 600 MiB during a large import, is truncated if no reader holds it within a
        // second; else the pool's connections cut it to their `journal_size_limit` at their next
        // restart of the log.
        let _ = self.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        let _ = self.conn.busy_handler(Some(wait_a_second));
        let _ = self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        rebuilt
    }

    /// Builds the deferred indexes in one transaction under this process's writer slot.
    fn build_deferred(&mut self, wait_for_slot: bool) -> Result<()> {
        let _guard = if wait_for_slot {
            self.write_lock.clone().blocking_lock_owned()
        } else {
            self.write_lock.clone().try_lock_owned().map_err(|_| StorageError::Bulk("the writer slot is busy".into()))?
        };
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (_, create) in DEFERRED_INDEXES {
            tx.execute_batch(create)?;
        }
        tx.commit()?;
        self.deferred = Deferral::Kept;
        Ok(())
    }
}

impl Drop for SqliteBulk {
    fn drop(&mut self) {
        if let Err(e) = self.shut(false) {
            tracing::warn!(error = %e, "building the indexes an import deferred; the next start builds them");
        }
    }
}

/// Builds any of the [`DEFERRED_INDEXES`] that is missing: after an import that was killed
/// while it loaded without them (an import still loading elsewhere only gets slower).
pub(crate) async fn repair_deferred_indexes(pool: &sqlx::AnyPool) -> Result<()> {
    use sqlx::Executor;
    for (_, create) in DEFERRED_INDEXES {
        pool.execute(*create).await?;
    }
    Ok(())
}

impl Db {
    /// A bulk-import connection to this SQLite database; `None` on PostgreSQL.
    pub fn sqlite_bulk(&self) -> Result<Option<SqliteBulk>> {
        let Some(path) = self.sqlite_file() else { return Ok(None) };
        let conn = open(&path, "PRAGMA wal_autocheckpoint = 0;")?;
        let checkpointer = Some(Checkpointer::start(&path)?);
        Ok(Some(SqliteBulk {
            conn,
            write_lock: self.write_lock.clone(),
            clock: self.clock,
            checkpointer,
            suppliers: HashMap::new(),
            deferred: Deferral::Undecided,
        }))
    }
}

/// How long a bulk connection waits for a lock another connection holds: 30 s in all.
const BUSY_WAIT: Duration = Duration::from_secs(30);
/// How long it sleeps between tries.
const BUSY_STEP: Duration = Duration::from_millis(1);

/// The busy handler of this module's connections (the bulk writer, its checkpointing thread and
/// the index build's reader). SQLite's own (`busy_timeout`) sleeps 1, 2, 5, 10, 15, 20, 25, 25,
/// 25, 50, 50, then 100 ms between tries, so a waiter wakes at 1, 3, 8, … 228, 328 ms and every
/// 100 ms after: the bulk writer, held off by a restarting checkpoint for ~150–300 ms, woke up
/// to 100 ms after the lock was free, before every batch. A 1 ms step wakes it within a
/// millisecond (300,000 lines: 24,600 → 29,000 lines/s).
fn wait_briefly(tries: i32) -> bool {
    step_within(tries, BUSY_WAIT)
}

/// The busy handler of a closing bulk connection's last checkpoint: a second in all.
fn wait_a_second(tries: i32) -> bool {
    step_within(tries, Duration::from_secs(1))
}

/// Sleeps one [`BUSY_STEP`]; whether another try still fits within `total`.
fn step_within(tries: i32, total: Duration) -> bool {
    std::thread::sleep(BUSY_STEP);
    u128::try_from(tries).unwrap_or(0) < total.as_millis() / BUSY_STEP.as_millis()
}

/// A connection to the database file with the pool's settings, then `pragmas`.
fn open(path: &PathBuf, pragmas: &str) -> Result<Connection> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_handler(Some(wait_briefly))?;
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -262144;")?;
    conn.execute_batch(pragmas)?;
    Ok(conn)
}

/// A JSON array of strings, for `json_each`.
fn json_array<'s>(items: impl Iterator<Item = &'s str>) -> String {
    serde_json::Value::Array(items.map(|s| serde_json::Value::String(s.to_owned())).collect()).to_string()
}

impl From<rusqlite::Error> for StorageError {
    fn from(e: rusqlite::Error) -> Self {
        StorageError::Bulk(e.to_string())
    }
}

/// One transaction on the bulk connection; it holds the writer slot and the chain head from
/// [`SqliteBulk::begin`] to its commit, like [`WriteTx`](crate::WriteTx).
pub struct BulkTx<'c> {
    pub(crate) tx: rusqlite::Transaction<'c>,
    /// The connection's known suppliers; extended by `learned` only when this commits.
    suppliers: &'c mut HashMap<String, String>,
    learned: Vec<(String, String)>,
    /// The connection's decision on the deferred indexes; `decided` takes its place at commit.
    deferral: &'c mut Deferral,
    decided: Option<Deferral>,
    _guard: OwnedMutexGuard<()>,
    now: i64,
    pub(crate) head_seq: i64,
    pub(crate) head_hash: String,
}

impl SqliteBulk {
    /// Takes this process's writer slot, begins an immediate transaction and locks the chain head.
    pub fn begin(&mut self) -> Result<BulkTx<'_>> {
        let guard = self.write_lock.clone().blocking_lock_owned();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (head_seq, head_hash) = tx.query_row(LOCK_HEAD_SQL, [], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        // The batch's instant is read once the locks are held, so that the chain's instants
        // follow its order when another process wrote while this one waited.
        let now = self.clock.now_micros();
        Ok(BulkTx {
            tx,
            suppliers: &mut self.suppliers,
            learned: Vec::new(),
            deferral: &mut self.deferred,
            decided: None,
            _guard: guard,
            now,
            head_seq,
            head_hash,
        })
    }
}

impl BulkTx<'_> {
    /// The same as [`WriteTx::import_batch`](crate::WriteTx::import_batch), through prepared statements.
    pub fn import_batch(&mut self, lines: &[StagedLine], new_id: &mut (dyn FnMut(&str) -> String + Send)) -> Result<BatchResult> {
        if lines.is_empty() {
            return Ok(BatchResult::default());
        }
        if *self.deferral == Deferral::Undecided && self.decided.is_none() {
            self.decide_deferral(lines.len())?;
        }
        let services = self.existing_by_code(lines)?;
        let mut suppliers = HashMap::new();
        let mut unknown = Vec::new();
        for bn in business_numbers(lines, &services) {
            match self.suppliers.get(bn) {
                Some(id) => {
                    suppliers.insert(bn.to_owned(), id.clone());
                }
                None => unknown.push(bn),
            }
        }
        let found = self.suppliers_by_number(&unknown)?;
        self.learned.extend(found.iter().map(|(bn, id)| (bn.clone(), id.clone())));
        suppliers.extend(found);
        let plan = Plan::new(lines, Known { services, suppliers }, new_id, self.now);
        self.learned.extend(plan.result.created_suppliers.iter().map(|c| (c.business_number.clone(), c.id.clone())));
        self.insert(SUPPLIERS_TABLE, "", plan.supplier_rows())?;
        {
            let mut update = self.tx.prepare(UPDATE_SERVICE_SQL)?;
            for row in plan.update_rows() {
                update.execute(params_from_iter(row.iter()))?;
            }
        }
        self.insert(SERVICES_TABLE, "", plan.service_rows())?;
        self.insert(REVISIONS_TABLE, "", plan.revision_rows())?;
        self.insert(CATEGORIES_TABLE, CATEGORIES_TAIL, plan.category_rows())?;
        let first: i64 = self.tx.query_row(NEXT_CHANGE_SQL, [], |r| r.get(0))?;
        let now = self.now;
        self.insert(CHANGES_TABLE, "", plan.changed.iter().zip(first..).map(|(id, seq)| [Val::Int(seq), Val::Text(id), Val::Int(now)]))?;
        Ok(plan.result)
    }

    /// On a connection's first batch: when the catalog holds fewer services than the batch
    /// brings, the [`DEFERRED_INDEXES`] are dropped for the load (in this batch's transaction,
    /// so a batch that rolls back leaves them), and building them at the end costs less than
    /// the batch itself.
    pub(crate) fn decide_deferral(&mut self, batch: usize) -> Result<()> {
        let limit = i64::try_from(batch).unwrap_or(i64::MAX);
        let small: bool = self.tx.query_row("SELECT count(*) < ?1 FROM (SELECT 1 FROM services LIMIT ?1)", [limit], |r| r.get(0))?;
        if small {
            for (name, _) in DEFERRED_INDEXES {
                self.tx.execute_batch(&format!("DROP INDEX IF EXISTS {name}"))?;
            }
        }
        self.decided = Some(if small { Deferral::Deferred } else { Deferral::Kept });
        Ok(())
    }

    /// One statement for the whole batch: the codes go in as one JSON array (`json_each`), so the
    /// statement's setup is paid once, not once a line.
    fn existing_by_code(&self, lines: &[StagedLine]) -> Result<HashMap<String, Existing>> {
        let codes = json_array(lines.iter().map(|s| s.code.as_str()));
        let mut stmt = self.tx.prepare(&format!("{EXISTING_SQL} IN (SELECT value FROM json_each($1))"))?;
        let rows = stmt.query_map([codes], |r| {
            Ok((
                r.get::<_, String>(0)?,
                Existing {
                    id: r.get(1)?,
                    status: r.get(2)?,
                    latest: r.get(3)?,
                    first_listed: r.get(4)?,
                    digest: r.get(5)?,
                    owner_bn: r.get(6)?,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn suppliers_by_number(&self, numbers: &[&str]) -> Result<HashMap<String, String>> {
        if numbers.is_empty() {
            return Ok(HashMap::new());
        }
        let mut stmt = self.tx.prepare(&format!("{SUPPLIERS_SQL} IN (SELECT value FROM json_each($1))"))?;
        let rows = stmt.query_map([json_array(numbers.iter().copied())], |r| Ok((r.get::<_, String>(1)?, r.get::<_, String>(0)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One prepared single-row insert, executed for each row.
    fn insert<'v, const N: usize>(&self, table: &str, tail: &str, rows: impl IntoIterator<Item = [Val<'v>; N]>) -> Result<()> {
        let mut rows = rows.into_iter().peekable();
        if rows.peek().is_none() {
            return Ok(());
        }
        let mut stmt = self.tx.prepare(&format!("INSERT INTO {table} VALUES {}{tail}", values_list(1, N)))?;
        for row in rows {
            stmt.execute(params_from_iter(row.iter()))?;
        }
        Ok(())
    }

    /// Appends an audit event to the chain; returns its sequence.
    pub fn audit(&mut self, ev: NewAuditEvent) -> Result<i64> {
        let record = ev.record(self.head_seq + 1, self.now, &self.head_hash);
        self.tx.execute(INSERT_AUDIT_SQL, params_from_iter(record.values().iter()))?;
        self.head_seq = record.event.seq;
        self.head_hash = record.hash;
        Ok(self.head_seq)
    }

    /// Moves the chain head and commits everything.
    pub fn commit(self) -> Result<()> {
        self.tx.execute(MOVE_HEAD_SQL, rusqlite::params![self.head_seq, self.head_hash])?;
        self.tx.commit()?;
        self.suppliers.extend(self.learned);
        if let Some(d) = self.decided {
            *self.deferral = d;
        }
        Ok(())
    }

    pub fn rollback(self) -> Result<()> {
        self.tx.rollback()?;
        Ok(())
    }
}

/// A connection for reading the whole catalog into a new index: the same queries and the same
/// row mapping as the pool's [`Db::index_sources_batch`], without converting every value of
/// every row into sqlx's `Any` form on the way. Its calls block: run them on a blocking thread.
#[derive(Debug)]
pub struct SqliteReader {
    conn: Connection,
}

impl Db {
    /// A reading connection to this SQLite database; `None` on PostgreSQL.
    pub fn sqlite_reader(&self) -> Result<Option<SqliteReader>> {
        let Some(path) = self.sqlite_file() else { return Ok(None) };
        Ok(Some(SqliteReader { conn: open(&path, "PRAGMA mmap_size = 1073741824;")? }))
    }
}

impl SqliteReader {
    /// The same as [`Db::index_sources_batch`].
    pub fn index_sources_batch(&self, after_id: &str, limit: i64) -> Result<Vec<IndexSource>> {
        let mut stmt = self.conn.prepare(INDEX_SOURCES_SQL)?;
        let mut rows = stmt.query(rusqlite::params![after_id, limit])?;
        let mut records = Vec::with_capacity(usize::try_from(limit).unwrap_or(0));
        while let Some(row) = rows.next()? {
            records.push(service_from_row(row)?);
        }
        let mut hosts = HostCerts::new();
        let codes = host_codes(&records);
        if !codes.is_empty() {
            let mut stmt = self.conn.prepare(&format!("{HOSTS_SQL} IN (SELECT value FROM json_each($2))"))?;
            let mut rows = stmt.query(rusqlite::params![ServiceStatus::Listed.as_str(), json_array(codes.into_iter())])?;
            while let Some(row) = rows.next()? {
                add_host(&mut hosts, row.get(0)?, &row.get::<_, String>(1)?)?;
            }
        }
        let mut sources = with_host_certs(records, &hosts);
        // #24: each service's ratings, for the index's average
        if !sources.is_empty() {
            let ids = json_array(sources.iter().map(|s| s.record.id.as_str()));
            let mut stmt =
                self.conn.prepare(&format!("{} (SELECT value FROM json_each($1)) GROUP BY service_id", crate::ratings::SUMMARY_SQL))?;
            let mut rows = stmt.query(rusqlite::params![ids])?;
            let mut found = std::collections::HashMap::new();
            while let Some(row) = rows.next()? {
                found.insert(row.get::<_, String>(0)?, crate::RatingSummary { count: row.get(1)?, stars: row.get(2)? });
            }
            for s in &mut sources {
                s.rating = found.get(&s.record.id).copied().unwrap_or_default();
            }
        }
        Ok(sources)
    }
}

//! The connection pool, backend selection and migrations.

use crate::{Result, StorageError};
use gureum_domain::Clock;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyPool, Executor};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use tokio::sync::Mutex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Self::Postgres)
        } else {
            Err(StorageError::UnsupportedUrl)
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// A handle on the system of record. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    pub(crate) pool: AnyPool,
    backend: Backend,
    pub(crate) clock: Clock,
    /// SQLite has one writer; in-process writers queue here instead of spinning on SQLITE_BUSY.
    pub(crate) write_lock: Arc<Mutex<()>>,
    /// The database file, on SQLite.
    sqlite_file: Option<PathBuf>,
}

impl Db {
    /// The same database (pool, writer lock) whose writes are stamped by `clock`.
    pub fn with_clock(&self, clock: Clock) -> Self {
        Self { clock, ..self.clone() }
    }

    /// Connects and brings the schema up to date. A SQLite file is created when missing.
    pub async fn connect(url: &str, clock: Clock) -> Result<Self> {
        install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_owned(),
        };
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // page_size: 8 KiB pages for a new file (an existing one keeps its
                        // own; this must come before anything is written, the log mode below
                        // included). A stored revision takes ~1.5 KiB: two fit a 4 KiB page
                        // (2.5 a page at 1M services), five an 8 KiB one, so the file wastes
                        // less and a bulk import writes fewer pages (1M-line import, same build
                        // alternating: 25,900 / 26,500 → 31,800 / 29,700 lines/s).
                        // journal_size_limit: a log a bulk import left large (up to ~600 MiB) is
                        // cut back to 64 MiB when one of these next restarts it.
                        conn.execute("PRAGMA page_size = 8192; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; PRAGMA mmap_size = 1073741824; PRAGMA journal_size_limit = 67108864;").await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        if backend == Backend::Sqlite {
            pool.execute("PRAGMA journal_mode = WAL;").await?;
        }
        let sqlite_file = match backend {
            // An in-memory database cannot be opened twice.
            Backend::Sqlite if url.contains("mode=memory") || url.contains(":memory:") => None,
            Backend::Sqlite => Some(SqliteConnectOptions::from_str(&url)?.get_filename().to_path_buf()),
            Backend::Postgres => None,
        };
        let db = Self { pool, backend, clock, write_lock: Arc::new(Mutex::new(())), sqlite_file };
        db.migrate().await?;
        Ok(db)
    }

    async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => {
                SQLITE_MIGRATIONS.run(&self.pool).await?;
                crate::bulk::repair_deferred_indexes(&self.pool).await?;
            }
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// The database file, on SQLite.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        self.sqlite_file.clone()
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Whether the database answers (for `/readyz`).
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }
}

/// The mail outbox as `GET /metrics` reports it: what waits, since when, and who holds it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxGauges {
    /// Mails not sent yet (due or waiting for a retry).
    pub unsent: i64,
    /// When the oldest of them was queued (µs since the epoch); `None` when none waits.
    pub oldest_unsent_at: Option<i64>,
    /// Unsent mails a worker holds a lease on at the instant asked about (the mail job's
    /// leases; a lease that ended frees its mail for the next claim, see `Db::claim_mail`).
    pub leased: i64,
}

/// What a SQLite file of Gureum's holds, read back from the file itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SqliteFileSummary {
    pub services: i64,
    /// The audit chain's length (its head's sequence).
    pub audit_events: i64,
}

impl Db {
    /// The outbox's depth, oldest unsent mail and leases held at `now` (µs), in one statement.
    pub async fn outbox_gauges(&self, now: i64) -> Result<OutboxGauges> {
        use sqlx::Row;
        // `COUNT(CASE …)` and not `SUM`: PostgreSQL's SUM of integers is NUMERIC, which the `Any`
        // driver cannot read; COUNT is BIGINT on both engines.
        let row = sqlx::query(
            "SELECT COUNT(*) AS unsent, MIN(created_at) AS oldest, COUNT(CASE WHEN lease_until >= $1 THEN 1 END) AS leased \
             FROM outbox WHERE sent_at IS NULL",
        )
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok(OutboxGauges { unsent: row.try_get("unsent")?, oldest_unsent_at: row.try_get("oldest")?, leased: row.try_get("leased")? })
    }

    /// Writes a consistent copy of this SQLite database to the new file `dest` while other
    /// connections and processes go on writing; `Ok(false)` on PostgreSQL, whose own tools
    /// (`pg_dump`) do this.
    ///
    /// `VACUUM INTO` reads one snapshot of the database in a read transaction, as any reader
    /// does: in WAL mode writers are not held back, and the copy holds every transaction that
    /// had committed when it began and nothing of any later one. The copy is compact (no free
    /// pages) and has no log of its own. SQLite refuses a `dest` that exists and is not empty.
    pub async fn backup_sqlite_into(&self, dest: &str) -> Result<bool> {
        if self.backend != Backend::Sqlite || self.sqlite_file.is_none() {
            return Ok(false);
        }
        sqlx::query("VACUUM INTO $1").bind(dest).execute(&self.pool).await?;
        Ok(true)
    }
}

/// The file a `sqlite://` URL names; `None` for an in-memory database (nothing to copy).
pub fn sqlite_file_of(url: &str) -> Result<Option<std::path::PathBuf>> {
    use std::str::FromStr;
    let file = sqlx::sqlite::SqliteConnectOptions::from_str(url)?.get_filename().to_path_buf();
    let in_memory = url.contains(":memory:") || url.contains("mode=memory") || file.as_os_str().is_empty();
    Ok((!in_memory).then_some(file))
}

/// Checks a SQLite file of Gureum's (SQLite's `quick_check`) and counts what it holds; for a
/// backup once it is written and a file about to be restored. Opens it read-write, so that a
/// file left in WAL mode can be read; give it a copy, not a file someone else uses. Blocks.
pub fn inspect_sqlite_file(path: &Path) -> Result<SqliteFileSummary> {
    use rusqlite::{Connection, OpenFlags};
    let bad = |e: rusqlite::Error| StorageError::Corrupt(format!("{}: {e}", path.display()));
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX).map_err(bad)?;
    // Reading the header is the first thing that fails on a file that is not a database.
    let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(bad)?;
    if check != "ok" {
        return Err(StorageError::Corrupt(format!("{}: SQLite's quick_check says: {check}", path.display())));
    }
    let not_ours = |e: rusqlite::Error| StorageError::Corrupt(format!("{}: not a Gureum database ({e})", path.display()));
    let services = conn.query_row("SELECT COUNT(*) FROM services", [], |r| r.get(0)).map_err(not_ours)?;
    let audit_events = conn.query_row("SELECT seq FROM audit_head", [], |r| r.get(0)).map_err(not_ours)?;
    Ok(SqliteFileSummary { services, audit_events })
}

#[cfg(test)]
mod tests {
    /// Both migration trees hold the same file names, so the engines cannot drift apart.
    #[test]
    fn migration_trees_match() {
        let names = |dir: &str| {
            let mut v: Vec<String> = std::fs::read_dir(format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR")))
                .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
                .unwrap_or_default();
            v.sort();
            v
        };
        let sqlite = names("sqlite");
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, names("postgres"));
    }
}

//! Command-line options (README.md "The CLI"). Global options come before the subcommand. Exit codes:
//! 0 success, 1 some input rejected, 2 usage or environment error.

use clap::{Parser, Subcommand, ValueEnum};
use gureum_domain::Clock;
use gureum_storage::Db;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "gureum", version, about = "구름 Gureum — the digital-service marketplace for Korean public bodies")]
pub struct Cli {
    /// Data folder: SQLite file, search index, documents.
    #[arg(long, global = true, default_value = "./gureum-data", env = "GUREUM_DATA_DIR")]
    pub data_dir: PathBuf,
    /// sqlite://… or postgres://…; default: the SQLite file in the data folder.
    #[arg(long, global = true, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Shared content-addressed document folder (default: DATA_DIR/documents).
    #[arg(long, global = true, env = "GUREUM_DOCUMENTS_DIR")]
    pub documents_dir: Option<PathBuf>,
    /// Logs on standard error as text (colours only on a terminal) or as JSON lines.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text, env = "GUREUM_LOG_FORMAT")]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web server (pages and API).
    Serve {
        #[arg(long, default_value_t = 8080)]
        port: u16,
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Fill an empty catalog with the demo data; binds to 127.0.0.1 only.
        #[arg(long)]
        demo: bool,
        /// SMTP relay for the outbox, e.g. smtp://user:pass@relay.example.go.kr:25 (plain SMTP
        /// to a trusted relay). Without it mail waits in the outbox.
        #[arg(long, env = "GUREUM_SMTP_URL")]
        smtp_url: Option<String>,
        /// Lets requests bearing `Authorization: Bearer TOKEN` read `/metrics` from anywhere
        /// (loopback clients may without it). Prefer the environment: options show in `ps`.
        #[arg(long, env = "GUREUM_METRICS_TOKEN", hide_env_values = true)]
        metrics_token: Option<String>,
        /// Where people reach this server, e.g. https://gureum.example.go.kr (links in e-mails;
        /// `https://` makes the cookies `Secure` and `__Host-`). Required as `https://…` when
        /// `--bind` is not a loopback address. Default: http://BIND:PORT.
        #[arg(long, env = "GUREUM_PUBLIC_URL")]
        public_url: Option<String>,
        /// The prefix of every open contracting id (OCDS `ocid`) this server publishes: the one
        /// registered with the Open Contracting Partnership (letters, digits and `-`).
        #[arg(long, env = "GUREUM_OCID_PREFIX", default_value = gureum_domain::ocds::DEFAULT_PREFIX, value_parser = crate::serve::ocid_prefix)]
        ocid_prefix: String,
    },
    /// Bring the database schema up to date.
    Migrate,
    /// Create a deterministic synthetic Korean catalog.
    Seed {
        #[arg(long, default_value_t = 500)]
        services: u64,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Import data (`import services FILE.jsonl`).
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Export data (`export services [--output FILE]`).
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Rebuild the search index from the database.
    Reindex,
    /// Write a consistent copy of the SQLite database to a new file, also while `serve` runs
    /// (documents are not included; on PostgreSQL use pg_dump).
    Backup {
        #[arg(long)]
        output: PathBuf,
    },
    /// Restore a backup into an empty data folder; the next start builds the search index from
    /// it (on PostgreSQL use pg_restore).
    Restore { file: PathBuf },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        what: AuditWhat,
    },
    /// Draft (or recompute) now the invoices of one billing period, as the billing job does when
    /// it ends: `--period 2026-11` (monthly contracts) or `--period 2026-Q4` (quarterly ones).
    /// Prints a JSON summary; running it twice changes nothing.
    Bill {
        #[arg(long)]
        period: String,
    },
    /// Benchmarks.
    Bench {
        #[command(subcommand)]
        what: BenchWhat,
    },
}

#[derive(Subcommand, Debug)]
pub enum ImportWhat {
    Services {
        file: PathBuf,
        /// Lines per transaction (each with one audit event naming every line's code and digest).
        #[arg(long, default_value_t = crate::import::DEFAULT_BATCH, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        batch: u32,
    },
}

#[derive(Subcommand, Debug)]
pub enum ExportWhat {
    Services {
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditWhat {
    /// Check the hash chain; prints OK with the number of events or names the first bad event.
    Verify,
}

#[derive(Subcommand, Debug)]
pub enum BenchWhat {
    /// Seed N services in a scratch folder, build the index, start the real server and send the
    /// query set over loopback HTTP (optionally alternating with a baseline), then C concurrent
    /// clients. The last stdout line is one JSON object.
    Search {
        #[arg(long, default_value_t = 10_000)]
        services: u64,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Times the query set is run one query at a time.
        #[arg(long, default_value_t = 5)]
        rounds: u32,
        /// Also run the searches on `sqlite` (FTS5 trigram) or `postgres` (tsvector + GIN; a
        /// scratch database next to GUREUM_BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/test).
        #[arg(long, value_parser = ["sqlite", "postgres"])]
        baseline: Option<String>,
        /// Concurrent clients of the concurrency phase.
        #[arg(long, default_value_t = 32)]
        clients: u32,
        /// Requests of the concurrency phase (it stops after 15 minutes in any case); 100000
        /// shows whether the serving process's memory stays flat.
        #[arg(long, default_value_t = 2_000)]
        requests: u32,
    },
    /// Write an N-line synthetic JSONL file and time importing it into a fresh database.
    Import {
        #[arg(long, default_value_t = 10_000)]
        lines: u64,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// `sqlite`, or `postgres` to time PostgreSQL too (a scratch database next to GUREUM_BENCH_PG_URL).
        #[arg(long, default_value = "sqlite", value_parser = ["sqlite", "postgres"])]
        database: String,
        /// Lines per transaction, as `import services --batch`.
        #[arg(long, default_value_t = crate::import::DEFAULT_BATCH, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        batch: u32,
    },
    /// Ingest N usage records over HTTP (an in-process server, batches of 10,000, concurrent
    /// clients) and N through the direct path, time the engine writing the same rows alone, then
    /// bill them (`gureum bill`). The last stdout line is one JSON object.
    Usage {
        #[arg(long, default_value_t = 100_000)]
        records: u64,
        /// `sqlite`, or `postgres` (a scratch database next to GUREUM_BENCH_PG_URL).
        #[arg(long, default_value = "sqlite", value_parser = ["sqlite", "postgres"])]
        database: String,
        /// Concurrent HTTP clients.
        #[arg(long, default_value_t = 4)]
        clients: u32,
    },
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// An error that ends a command, with its exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn env(e: impl std::fmt::Display) -> Self {
        Self { code: 2, message: e.to_string() }
    }
}

impl<E: std::error::Error> From<E> for Failure {
    fn from(e: E) -> Self {
        Self::env(e)
    }
}

pub type CmdResult = Result<u8, Failure>;

/// Logs go to standard error; colour codes only when it is a terminal (a file or a log
/// collector would keep them as noise).
pub fn init_tracing(format: LogFormat) {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tantivy=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Json => {
            let _ = builder.json().with_ansi(false).try_init();
        }
        LogFormat::Text => {
            let _ = builder.with_ansi(std::io::stderr().is_terminal()).try_init();
        }
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            eprintln!("error: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

/// The database URL: the option, else the SQLite file in the data folder.
pub fn database_url(cli_url: Option<&str>, data_dir: &Path) -> String {
    match cli_url {
        Some(u) if !u.trim().is_empty() => u.to_owned(),
        _ => format!("sqlite://{}", data_dir.join("gureum.sqlite3").display()),
    }
}

pub fn index_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("index")
}

/// Connects (creating the data folder) and brings the schema up to date, as every command does.
pub async fn open_db(cli: &Cli, clock: Clock) -> Result<Db, Failure> {
    std::fs::create_dir_all(&cli.data_dir)
        .map_err(|e| Failure::env(format!("cannot create data folder {}: {e}", cli.data_dir.display())))?;
    let url = database_url(cli.database_url.as_deref(), &cli.data_dir);
    Db::connect(&url, clock).await.map_err(|e| Failure::env(format!("cannot open the database: {e}")))
}

async fn run(cli: Cli) -> CmdResult {
    let clock = Clock::from_env().map_err(Failure::env)?;
    match &cli.command {
        Command::Bench { what: BenchWhat::Search { services, seed, rounds, baseline, clients, requests } } => {
            let opts = crate::bench::SearchOpts {
                services: *services,
                seed: *seed,
                rounds: *rounds,
                baseline: baseline.clone(),
                clients: *clients,
                requests: *requests,
            };
            crate::bench::search(opts, clock).await
        }
        Command::Bench { what: BenchWhat::Import { lines, seed, database, batch } } => {
            crate::bench::import(*lines, *seed, database, *batch as usize, clock).await
        }
        Command::Bench { what: BenchWhat::Usage { records, database, clients } } => {
            crate::bench::usage(*records, database, *clients, clock).await
        }
        // Before `open_db`, which would create the folder and the database a restore needs empty.
        Command::Backup { output } => crate::backup::backup_command(&cli, output, clock).await,
        Command::Restore { file } => crate::backup::restore_command(&cli, file, clock).await,
        _ => {
            let db = open_db(&cli, clock).await?;
            let code = match &cli.command {
                Command::Serve { port, bind, demo, smtp_url, metrics_token, public_url, ocid_prefix } => {
                    if let Some(token) = metrics_token.as_deref().filter(|t| !t.trim().is_empty()) {
                        gureum_web::metrics::allow_token(token.trim());
                    }
                    let opts = crate::serve::ServeOpts {
                        port: *port,
                        bind,
                        demo: *demo,
                        smtp_url: smtp_url.as_deref(),
                        public_url: public_url.as_deref(),
                        ocid_prefix,
                    };
                    crate::serve::serve(&cli, db.clone(), clock, opts).await
                }
                Command::Migrate => {
                    println!("schema is up to date ({})", db.backend().as_str());
                    Ok(0)
                }
                Command::Seed { services, seed } => crate::seed::seed_command(&cli, &db, *services, *seed).await,
                Command::Import { what: ImportWhat::Services { file, batch } } => {
                    crate::import::import_command(&cli, &db, file, *batch as usize).await
                }
                Command::Export { what: ExportWhat::Services { output } } => crate::export::export_command(&db, output.as_deref()).await,
                Command::Reindex => crate::serve::reindex_command(&cli, &db).await,
                Command::Audit { what: AuditWhat::Verify } => audit_verify(&db).await,
                Command::Bill { period } => bill_command(&cli, &db, clock, period).await,
                Command::Bench { .. } | Command::Backup { .. } | Command::Restore { .. } => Ok(0),
            };
            db.close().await;
            code
        }
    }
}

/// `gureum bill --period`: a bad period is exit 2 with a message; else the run's counts as JSON.
async fn bill_command(cli: &Cli, db: &Db, clock: Clock, period: &str) -> CmdResult {
    let Some(p) = gureum_domain::usage::Period::parse(period.trim()) else {
        return Err(Failure::env(format!("--period must be a month like 2026-11 or a quarter like 2026-Q4 (got {period:?})")));
    };
    let sync = std::sync::Arc::new(gureum_app::index::IndexSync::open(db.clone(), &index_dir(&cli.data_dir), false).map_err(Failure::env)?);
    let documents = gureum_storage::DocumentStore::new(cli.documents_dir.clone().unwrap_or_else(|| cli.data_dir.join("documents")));
    let ctx = gureum_app::Context::new(db.clone(), sync, clock, documents, "http://127.0.0.1");
    let out = gureum_app::usage::invoices::bill(&ctx, p).await.map_err(|e| Failure::env(format!("billing failed: {e}")))?;
    println!(
        "{}",
        serde_json::json!({"period": p.key(), "drafted": out.drafted, "recomputed": out.recomputed, "unchanged": out.unchanged, "failed": out.failed})
    );
    // a contract that could not be billed is logged with its cause: exit 1, as for rejected input
    Ok(if out.failed > 0 { 1 } else { 0 })
}

async fn audit_verify(db: &Db) -> CmdResult {
    match db.verify_audit_chain().await? {
        gureum_storage::VerifyReport::Ok { events } => {
            println!("OK: {events} events, chain intact");
            Ok(0)
        }
        gureum_storage::VerifyReport::Broken { seq, reason } => {
            println!("BROKEN at event {seq}: {reason}");
            Ok(1)
        }
    }
}

//! `gureum backup --output FILE` and `gureum restore FILE` (docs/OPERATIONS.md "Backup and
//! restore").
//!
//! On SQLite a backup is one file: a consistent copy of the database taken while others go on
//! writing (`serve`, an import), checked and moved into place whole, so that a file under the
//! name asked for is always a finished backup. The search index is not in it (it is rebuilt
//! from the database on the next start) and neither are the documents (a content-addressed
//! folder whose files never change, copied as it is). On PostgreSQL the database's own tools do
//! this, and both commands say so and exit 2.

use crate::cli::{Cli, CmdResult, Failure, database_url};
use gureum_domain::Clock;
use gureum_storage::{Backend, Db, SqliteFileSummary, VerifyReport, inspect_sqlite_file, sqlite_file_of};
use std::path::{Path, PathBuf};
use std::time::Instant;

const PG_BACKUP: &str = "PostgreSQL 데이터베이스는 PostgreSQL의 도구로 백업합니다: pg_dump --format=custom --file=gureum.dump \"$DATABASE_URL\" \
     / On PostgreSQL, back up with its own tool: pg_dump --format=custom --file=gureum.dump \"$DATABASE_URL\"";
const PG_RESTORE: &str = "PostgreSQL 데이터베이스는 PostgreSQL의 도구로 복원합니다: pg_restore --dbname=\"$DATABASE_URL\" gureum.dump \
     / On PostgreSQL, restore with its own tool: pg_restore --dbname=\"$DATABASE_URL\" gureum.dump";

/// The database URL and the SQLite file the command works on, or the refusal on PostgreSQL
/// (`pg_message`).
fn sqlite_file(cli: &Cli, pg_message: &str) -> Result<(String, PathBuf), Failure> {
    let url = database_url(cli.database_url.as_deref(), &cli.data_dir);
    match Backend::from_url(&url).map_err(Failure::env)? {
        Backend::Postgres => Err(Failure::env(pg_message)),
        Backend::Sqlite => {
            let file = sqlite_file_of(&url).map_err(Failure::env)?.ok_or_else(|| {
                Failure::env(
                    "메모리 안의 데이터베이스는 백업하거나 복원할 수 없습니다 / An in-memory database cannot be backed up or restored",
                )
            })?;
            Ok((url, file))
        }
    }
}

/// A file beside `target` for writing it whole before it takes its name.
fn partial_beside(target: &Path) -> PathBuf {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "gureum".into());
    target.with_file_name(format!(".{name}.partial-{}", uuid::Uuid::new_v4().simple()))
}

/// Removes a partial file and the log SQLite may have left beside it.
fn remove_partial(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// Checks the partial file, puts it on the disk and gives it its name: a crash before the rename
/// leaves only the partial file, never a half-written file under the name.
fn check_and_move(partial: &Path, target: &Path) -> Result<SqliteFileSummary, Failure> {
    let summary = inspect_sqlite_file(partial).map_err(Failure::env)?;
    std::fs::File::open(partial).and_then(|f| f.sync_all()).map_err(|e| Failure::env(format!("{}: {e}", partial.display())))?;
    std::fs::rename(partial, target).map_err(|e| Failure::env(format!("{}: {e}", target.display())))?;
    // The rename itself is on the disk once the folder is (best effort: not every system can
    // open a folder for that).
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(summary)
}

fn mib(path: &Path) -> f64 {
    std::fs::metadata(path).map(|m| m.len() as f64 / 1_048_576.0).unwrap_or(0.0)
}

/// `gureum backup --output FILE`.
pub async fn backup_command(cli: &Cli, output: &Path, clock: Clock) -> CmdResult {
    let (url, source) = sqlite_file(cli, PG_BACKUP)?;
    if !source.is_file() {
        return Err(Failure::env(format!("{}에 데이터베이스가 없습니다 / No database at {}", source.display(), source.display())));
    }
    if output.exists() {
        return Err(Failure::env(format!(
            "{}이(가) 이미 있습니다. 다른 이름을 고르십시오 / {} exists already; choose another name",
            output.display(),
            output.display()
        )));
    }
    let partial = partial_beside(output);
    let Some(partial_text) = partial.to_str().map(str::to_owned) else {
        return Err(Failure::env(format!("경로가 UTF-8이 아닙니다 / The path is not UTF-8: {}", output.display())));
    };
    let started = Instant::now();
    let db = Db::connect(&url, clock).await.map_err(|e| Failure::env(format!("cannot open the database: {e}")))?;
    let copied = db.backup_sqlite_into(&partial_text).await;
    db.close().await;
    let written = match copied {
        Ok(_) => {
            let (partial, output) = (partial.clone(), output.to_path_buf());
            tokio::task::spawn_blocking(move || check_and_move(&partial, &output)).await.map_err(Failure::env)?
        }
        Err(e) => Err(Failure::env(format!("the copy failed: {e}"))),
    };
    let summary = written.inspect_err(|_| remove_partial(&partial))?;
    println!(
        "backup written to {}: {} services, {} audit events, {:.1} MiB in {:.1} s",
        output.display(),
        summary.services,
        summary.audit_events,
        mib(output),
        started.elapsed().as_secs_f64()
    );
    eprintln!(
        "문서 폴더는 백업에 들어 있지 않습니다. 따로 복사하십시오 (docs/OPERATIONS.md) / The documents folder is not in the backup: copy it separately (docs/OPERATIONS.md)"
    );
    Ok(0)
}

/// `gureum restore FILE`: into an empty (or new) data folder only, so that nothing is ever
/// overwritten and no index of other data is left beside the restored database.
pub async fn restore_command(cli: &Cli, file: &Path, clock: Clock) -> CmdResult {
    let (url, target) = sqlite_file(cli, PG_RESTORE)?;
    if !file.is_file() {
        return Err(Failure::env(format!("백업 파일이 없습니다 / No backup file at {}", file.display())));
    }
    let entries = std::fs::read_dir(&cli.data_dir).map(|rd| rd.count()).unwrap_or(0);
    if entries > 0 {
        return Err(Failure::env(format!(
            "데이터 폴더 {}이(가) 비어 있지 않습니다({entries}개 항목). 비어 있거나 새 폴더에만 복원합니다 \
             / The data folder {} is not empty ({entries} entries); restore only into an empty or new folder",
            cli.data_dir.display(),
            cli.data_dir.display()
        )));
    }
    // A database named outside the data folder must not exist either.
    if target.exists() {
        return Err(Failure::env(format!(
            "{}에 데이터베이스가 이미 있습니다 / A database exists already at {}",
            target.display(),
            target.display()
        )));
    }
    for dir in [Some(cli.data_dir.as_path()), target.parent()].into_iter().flatten().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Failure::env(format!("cannot create {}: {e}", dir.display())))?;
    }
    let partial = partial_beside(&target);
    let copied = {
        let (file, partial, target) = (file.to_path_buf(), partial.clone(), target.clone());
        tokio::task::spawn_blocking(move || {
            std::fs::copy(&file, &partial).map_err(|e| Failure::env(format!("cannot copy {}: {e}", file.display())))?;
            // A file that is not a sound Gureum database is rejected input (exit 1), not an
            // environment problem.
            check_and_move(&partial, &target).map_err(|f| Failure { code: 1, ..f })
        })
        .await
        .map_err(Failure::env)?
    };
    let summary = copied.inspect_err(|_| remove_partial(&partial))?;
    // Opening it brings the schema of an older backup up to date, as every command does.
    let db = Db::connect(&url, clock).await.map_err(|e| Failure::env(format!("cannot open the restored database: {e}")))?;
    let report = db.verify_audit_chain().await;
    db.close().await;
    println!(
        "restored {} into {}: {} services, {} audit events",
        file.display(),
        cli.data_dir.display(),
        summary.services,
        summary.audit_events
    );
    match report.map_err(Failure::env)? {
        VerifyReport::Ok { events } => {
            println!("audit chain intact ({events} events)");
            eprintln!(
                "다음 `gureum serve`가 이 데이터로 검색 색인을 만듭니다. 문서 폴더는 따로 복사하십시오 \
                 / The next `gureum serve` builds the search index from it; copy the documents folder back separately"
            );
            Ok(0)
        }
        VerifyReport::Broken { seq, reason } => {
            println!("BROKEN at event {seq}: {reason}");
            Ok(1)
        }
    }
}

//! `gureum bench import --lines N [--database sqlite|postgres]`: writes an N-line synthetic JSONL
//! file into a scratch folder and times the import path into a fresh database. On SQLite its
//! baseline runs in the same process: the rows the import wrote, written again into another
//! fresh database by the storage engine alone ([`SqliteBulk::rewrite_import`]): as fast as an
//! import of those lines can be on this machine with this schema and these settings.

use super::baseline::{PgScratch, pg_admin_url};
use crate::cli::{CmdResult, Failure};
use crate::import::{Importer, import_reader, progress_bar};
use gureum_domain::Clock;
use gureum_storage::{Db, Rewrite, SqliteBulk};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

pub async fn import(lines: u64, seed: u64, database: &str, batch: usize, clock: Clock) -> CmdResult {
    if database != "sqlite" && database != "postgres" {
        return Err(Failure::env(format!("--database must be sqlite or postgres, not {database:?}")));
    }
    let scratch = std::env::temp_dir().join(format!("gureum-bench-import-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&scratch)?;
    let result = run(&scratch, lines, seed, database, batch, clock).await;
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

async fn run(scratch: &Path, lines: u64, seed: u64, database: &str, batch: usize, clock: Clock) -> CmdResult {
    let file = scratch.join("services.jsonl");
    let t = Instant::now();
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&file)?);
        for line in crate::seed::Generator::new(lines, seed, clock.today()) {
            serde_json::to_writer(&mut w, &line.to_value()).map_err(Failure::env)?;
            w.write_all(b"\n")?;
        }
        // On the disk before the clock starts: the kernel would otherwise write it out 30 s
        // later, in the middle of a timed run (at 1M, 1.3 GB).
        w.into_inner().map_err(|e| Failure::env(e.into_error()))?.sync_all()?;
    }
    let bytes = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    eprintln!("wrote {lines} lines ({:.1} MiB) in {:.2} s", bytes as f64 / 1048576.0, t.elapsed().as_secs_f64());
    // SQLite always; PostgreSQL too when asked (its figures are then the last line).
    let sqlite_file = scratch.join("import.sqlite3");
    let sqlite_url = format!("sqlite://{}", sqlite_file.display());
    let mut code = time_one(&file, &sqlite_url, "sqlite", lines, batch, clock, Some(&sqlite_file)).await?;
    if database == "postgres" {
        let pg = PgScratch::create(&pg_admin_url()).await?;
        let r = time_one(&file, &pg.url, "postgres", lines, batch, clock, None).await;
        pg.drop_db().await;
        code = code.max(r?);
    }
    Ok(code)
}

/// Times the import of `file` into the database at `url`; with `rewrite_from` (the SQLite file
/// `url` names), times the engine's baseline after it.
async fn time_one(
    file: &Path,
    url: &str,
    database: &str,
    lines: u64,
    batch: usize,
    clock: Clock,
    rewrite_from: Option<&Path>,
) -> CmdResult {
    let db = Db::connect(url, clock).await?;
    let bar = progress_bar(0, true);
    bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    let f = std::fs::File::open(file)?;
    let t = Instant::now();
    let mut importer =
        Importer::new(&db, "bench.jsonl", crate::import::random_ids(), |n, e| eprintln!("line {n}: {}: {}", e.field, e.reason))
            .with_batch(batch);
    let outcome = async {
        import_reader(&mut importer, f, &bar).await?;
        importer.finish().await
    }
    .await;
    let seconds = t.elapsed().as_secs_f64();
    db.close().await;
    let stats = outcome?;
    let per_s = lines as f64 / seconds.max(1e-9);
    println!("{database:<9} {stats} in {seconds:.2} s = {per_s:.0} lines/s");
    let mut figures = serde_json::json!({"lines": lines, "seconds": seconds, "lines_per_s": per_s, "database": database, "batch": batch});
    match rewrite_from.map(|source| rewrite(source, batch, clock)) {
        None => {}
        Some(engine) => match engine.await {
            Ok(engine) => {
                let engine_per_s = engine.services as f64 / engine.seconds.max(1e-9);
                let ratio = seconds / engine.seconds.max(1e-9);
                println!(
                    "engine    the same {} services with their revisions, changes, suppliers and audit events written again by SQLite alone in {} transactions: {:.2} s ({:.2} s of it closing) = {engine_per_s:.0} lines/s; the import takes {ratio:.2}× as long",
                    engine.services, engine.batches, engine.seconds, engine.closing
                );
                figures["engine_seconds"] = engine.seconds.into();
                figures["engine_lines_per_s"] = engine_per_s.into();
                figures["import_over_engine"] = ratio.into();
            }
            // The import's own figures stand without their baseline.
            Err(e) => eprintln!("the engine's baseline failed: {}", e.message),
        },
    }
    println!("{figures}");
    Ok(if stats.rejected > 0 { 1 } else { 0 })
}

/// The engine's baseline: what the import wrote into `source`, written again into a fresh
/// database beside it.
async fn rewrite(source: &Path, batch: usize, clock: Clock) -> Result<Rewrite, Failure> {
    let target = source.with_file_name("engine.sqlite3");
    let db = Db::connect(&format!("sqlite://{}", target.display()), clock).await?;
    let bulk: SqliteBulk = db.sqlite_bulk()?.ok_or_else(|| Failure::env("the engine's baseline needs SQLite"))?;
    let source = source.to_path_buf();
    let rewritten = tokio::task::spawn_blocking(move || bulk.rewrite_import(&source, batch)).await.map_err(Failure::env)?;
    db.close().await;
    Ok(rewritten?)
}

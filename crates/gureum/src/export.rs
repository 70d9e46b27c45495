//! `gureum export services [--output FILE]`: the listed revisions in the import format, in code
//! order, so that export → import into an empty folder reproduces the catalog.

use crate::cli::{CmdResult, Failure};
use gureum_storage::Db;
use std::io::Write;
use std::path::Path;

pub async fn export_services(db: &Db, out: &mut dyn Write) -> Result<u64, Failure> {
    let mut after = String::new();
    let mut n = 0u64;
    loop {
        let batch = db.export_batch(&after, 1_000).await?;
        let Some(last) = batch.last() else { break };
        after = last.line.listing.code.clone();
        for row in &batch {
            serde_json::to_writer(&mut *out, &row.line.to_value())?;
            out.write_all(b"\n")?;
            n += 1;
        }
    }
    out.flush()?;
    Ok(n)
}

pub async fn export_command(db: &Db, output: Option<&Path>) -> CmdResult {
    let n = match output {
        Some(path) => {
            // Write beside the target and rename, so a failed export never leaves half a file.
            let tmp = path.with_extension("partial");
            let file = std::fs::File::create(&tmp).map_err(|e| Failure::env(format!("cannot write {}: {e}", tmp.display())))?;
            let mut w = std::io::BufWriter::new(file);
            let n = export_services(db, &mut w).await?;
            drop(w);
            std::fs::rename(&tmp, path)?;
            n
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            export_services(db, &mut w).await?
        }
    };
    eprintln!("exported {n} services");
    Ok(0)
}

//! `gureum import services FILE.jsonl` (docs/API.md): one JSON object per line. A bad line is
//! reported with its number, field and reason and imports nothing; good lines import in batches,
//! each batch one transaction with one audit event recording every line's code and digest.

use crate::cli::{Cli, CmdResult, Failure};
use gureum_domain::canonical::ObjectWriter;
use gureum_domain::listing::{FieldError, ImportLine, parse_import_text};
use gureum_storage::{BatchResult, Db, ImportOutcome, LineResult, NewAuditEvent, SqliteBulk, StagedLine};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// The longest line accepted.
pub const MAX_LINE_BYTES: usize = 1 << 20;
/// Lines per transaction unless told otherwise. Each commit writes every page it changed to the
/// log, and a batch touches index pages all over (a code index with thousands of growing ranges,
/// a page per supplier in the supplier index): 25,000 lines share most of those pages, where
/// 2,000 wrote nearly one page per line (at 1M lines: 2,000 → 9,700, 10,000 → 19,000–22,000,
/// 25,000 → 24,000, 50,000 → 24,000–25,600 lines/s, the last holding ~300 MiB of parsed lines).
pub const DEFAULT_BATCH: u32 = 25_000;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ImportStats {
    pub imported: u64,
    pub revised: u64,
    pub unchanged: u64,
    pub rejected: u64,
}

impl std::fmt::Display for ImportStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "imported {}, revised {}, unchanged {}, rejected {}", self.imported, self.revised, self.unchanged, self.rejected)
    }
}

/// Makes ids for new rows: random for real imports, derived from the seed for synthetic ones.
pub type IdSource = Box<dyn FnMut(&str) -> String + Send>;

/// Time-ordered (UUIDv7) ids: new rows land at the right edge of the id indexes instead of
/// all over them, which keeps large imports fast.
pub fn random_ids() -> IdSource {
    Box::new(|_| uuid::Uuid::now_v7().to_string())
}

/// Streams lines into the database in batches. A batch is written by a task of its own while
/// the caller parses the next one (two cores: one parses, one writes); at most one batch is in
/// flight, so a failure surfaces one batch later at the latest.
pub struct Importer<'a> {
    db: &'a Db,
    source: String,
    seen_codes: HashSet<String>,
    batch: usize,
    /// Lines staged for the next batch (their stored form and digest made here, on the parsing side).
    pending: Vec<(u64, StagedLine)>,
    /// `None` while the batch in flight has it.
    writer: Option<Writer>,
    in_flight: Option<tokio::task::JoinHandle<(Writer, Result<Written, Failure>)>>,
    pub stats: ImportStats,
    report: RejectReport<'a>,
}

/// What a batch is written with, handed to the task that writes it and back.
struct Writer {
    ids: IdSource,
    /// SQLite: the bulk connection (opened at the first batch); PostgreSQL: the pool.
    bulk: Option<SqliteBulk>,
}

/// What one written batch tells the importer.
struct Written {
    counts: ImportStats,
    rejected: Vec<(u64, FieldError)>,
    /// The batch's lines, handed back to be freed on the parsing side, not the writer's.
    spent: Vec<StagedLine>,
}

/// Told of each rejected line: its number and the bad field.
type RejectReport<'a> = Box<dyn FnMut(u64, &FieldError) + Send + 'a>;

impl<'a> Importer<'a> {
    pub fn new(db: &'a Db, source: &str, ids: IdSource, report: impl FnMut(u64, &FieldError) + Send + 'a) -> Self {
        Self {
            db,
            source: source.into(),
            seen_codes: HashSet::new(),
            batch: DEFAULT_BATCH as usize,
            pending: Vec::new(),
            writer: Some(Writer { ids, bulk: None }),
            in_flight: None,
            stats: ImportStats::default(),
            report: Box::new(report),
        }
    }

    /// Lines per transaction (at least one).
    pub fn with_batch(mut self, lines: usize) -> Self {
        self.batch = lines.max(1);
        self
    }

    fn reject(&mut self, line_no: u64, err: FieldError) {
        self.stats.rejected += 1;
        (self.report)(line_no, &err);
    }

    /// Takes one raw line (without its newline).
    pub async fn push_raw(&mut self, line_no: u64, raw: &[u8]) -> Result<(), Failure> {
        if raw.len() > MAX_LINE_BYTES {
            self.reject(line_no, FieldError::new("line", format!("longer than {} bytes", MAX_LINE_BYTES)));
            return Ok(());
        }
        let Ok(text) = std::str::from_utf8(raw) else {
            self.reject(line_no, FieldError::new("line", "not valid UTF-8"));
            return Ok(());
        };
        if text.trim().is_empty() {
            return Ok(());
        }
        match parse_import_text(text) {
            Ok(line) => self.push(line_no, line).await,
            Err(e) => {
                self.reject(line_no, e);
                Ok(())
            }
        }
    }

    /// Takes one parsed line.
    pub async fn push(&mut self, line_no: u64, line: ImportLine) -> Result<(), Failure> {
        if !self.seen_codes.insert(line.listing.code.clone()) {
            self.reject(line_no, FieldError::new("code", format!("{} appears earlier in this file", line.listing.code)));
            return Ok(());
        }
        self.pending.push((line_no, StagedLine::new(line)));
        if self.pending.len() >= self.batch {
            self.flush().await?;
        }
        Ok(())
    }

    /// Hands the pending lines to a task that writes them in one transaction (after the batch
    /// before it is done).
    pub async fn flush(&mut self) -> Result<(), Failure> {
        self.settle().await?;
        if self.pending.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.pending);
        let Some(mut writer) = self.writer.take() else { unreachable!("settle returned the writer") };
        if writer.bulk.is_none() {
            writer.bulk = self.db.sqlite_bulk()?;
        }
        let (db, source) = (self.db.clone(), self.source.clone());
        self.in_flight = Some(if writer.bulk.is_some() {
            tokio::task::spawn_blocking(move || {
                let written = write_bulk(&mut writer, &source, batch);
                (writer, written)
            })
        } else {
            tokio::spawn(async move {
                let written = write_pooled(&db, &source, batch, &mut writer.ids).await;
                (writer, written)
            })
        });
        Ok(())
    }

    /// Waits for the batch in flight and takes in its outcome.
    async fn settle(&mut self) -> Result<(), Failure> {
        let Some(handle) = self.in_flight.take() else { return Ok(()) };
        let (writer, written) = handle.await.map_err(Failure::env)?;
        self.writer = Some(writer);
        let written = written?;
        self.stats.imported += written.counts.imported;
        self.stats.revised += written.counts.revised;
        self.stats.unchanged += written.counts.unchanged;
        for (n, e) in written.rejected {
            self.reject(n, e);
        }
        drop(written.spent);
        Ok(())
    }

    pub async fn finish(mut self) -> Result<ImportStats, Failure> {
        self.flush().await?;
        self.settle().await?;
        // Closing the bulk connection joins its checkpointing thread, builds the indexes it
        // deferred and checkpoints the rest of the log: blocking work, kept off the async threads.
        if let Some(bulk) = self.writer.take().and_then(|w| w.bulk) {
            tokio::task::spawn_blocking(move || bulk.close()).await.map_err(Failure::env)??;
        }
        Ok(self.stats)
    }
}

/// Writes one batch in one transaction of the pool with its audit event.
async fn write_pooled(db: &Db, source: &str, batch: Vec<(u64, StagedLine)>, ids: &mut IdSource) -> Result<Written, Failure> {
    let (line_nos, lines): (Vec<u64>, Vec<StagedLine>) = batch.into_iter().unzip();
    let mut tx = db.begin_write().await?;
    let result = tx.import_batch(&lines, &mut **ids).await?;
    let (counts, rejected, events) = summarise(source, &line_nos, &lines, &result);
    if events.is_empty() {
        tx.rollback().await?;
    } else {
        for ev in events {
            tx.audit(ev).await?;
        }
        tx.commit().await?;
    }
    Ok(Written { counts, rejected, spent: lines })
}

/// The same through the bulk SQLite connection (blocking).
fn write_bulk(writer: &mut Writer, source: &str, batch: Vec<(u64, StagedLine)>) -> Result<Written, Failure> {
    let Some(bulk) = writer.bulk.as_mut() else { unreachable!("called with the bulk connection") };
    let (line_nos, lines): (Vec<u64>, Vec<StagedLine>) = batch.into_iter().unzip();
    let mut tx = bulk.begin()?;
    let result = tx.import_batch(&lines, &mut *writer.ids)?;
    let (counts, rejected, events) = summarise(source, &line_nos, &lines, &result);
    if events.is_empty() {
        tx.rollback()?;
    } else {
        for ev in events {
            tx.audit(ev)?;
        }
        tx.commit()?;
    }
    Ok(Written { counts, rejected, spent: lines })
}

/// Lines one audit event names at most: a batch of more lines records itself in several events,
/// in the same transaction, so that no event grows past ~2 MiB.
const AUDIT_LINES: usize = 10_000;

/// The counts and rejections of a written batch, and the audit events that record it: one per
/// [`AUDIT_LINES`] lines that changed something (a new or revised service, a new supplier), each
/// naming its lines' codes and digests and the suppliers its lines created.
fn summarise(source: &str, line_nos: &[u64], lines: &[StagedLine], result: &BatchResult) -> Summary {
    summarise_by(source, line_nos, lines, result, AUDIT_LINES)
}

fn summarise_by(source: &str, line_nos: &[u64], lines: &[StagedLine], result: &BatchResult, per_event: usize) -> Summary {
    let mut counts = ImportStats::default();
    let mut rejected = Vec::new();
    let mut events = Vec::new();
    let mut created: std::collections::HashMap<&str, &gureum_storage::CreatedSupplier> =
        result.created_suppliers.iter().map(|c| (c.business_number.as_str(), c)).collect();
    // The events' lines and new suppliers, each a list of canonical JSON objects.
    let (mut audit_lines, mut created_here) = (String::new(), String::new());
    let mut changed_here = false;
    let entries = line_nos.iter().zip(lines).zip(&result.lines);
    let last = result.lines.len().saturating_sub(1);
    for (i, ((line_no, line), outcome)) in entries.enumerate() {
        match outcome {
            LineResult::CodeOfAnotherSupplier => {
                rejected.push((*line_no, FieldError::new("code", format!("{} belongs to another supplier", line.code))));
            }
            LineResult::Done { outcome, service_id, digest } => {
                let word = match outcome {
                    ImportOutcome::Imported => {
                        counts.imported += 1;
                        "imported"
                    }
                    ImportOutcome::Revised => {
                        counts.revised += 1;
                        "revised"
                    }
                    ImportOutcome::Unchanged => {
                        counts.unchanged += 1;
                        "unchanged"
                    }
                };
                changed_here |= *outcome != ImportOutcome::Unchanged;
                if let Some(c) = created.remove(line.business_number.as_str()) {
                    let mut o = list_item(&mut created_here);
                    o.str("business_number", &c.business_number);
                    o.str("id", &c.id);
                    o.str("name", &c.name);
                    o.str("size", &c.size);
                    o.finish();
                }
                let mut o = list_item(&mut audit_lines);
                o.str("code", &line.code);
                o.int("line", i64::try_from(*line_no).unwrap_or(i64::MAX));
                o.str("outcome", word);
                o.str("service_id", service_id);
                o.str("sha256", digest);
                o.finish();
            }
        }
        if (i + 1) % per_event == 0 || i == last {
            if std::mem::take(&mut changed_here) || !created_here.is_empty() {
                let mut after = String::with_capacity(audit_lines.len() + created_here.len() + source.len() + 64);
                let mut o = ObjectWriter::new(&mut after);
                list(o.key("lines"), &audit_lines);
                o.str("source", source);
                list(o.key("suppliers_created"), &created_here);
                o.finish();
                events.push(NewAuditEvent::new("cli", "catalog.import_batch", "import", source).after_canonical(after));
            }
            audit_lines.clear();
            created_here.clear();
        }
    }
    (counts, rejected, events)
}

/// Starts the next object of a comma-separated list of canonical JSON objects.
fn list_item(items: &mut String) -> ObjectWriter<'_> {
    if !items.is_empty() {
        items.push(',');
    }
    ObjectWriter::new(items)
}

/// Writes a JSON array of the objects of `items`.
fn list(out: &mut String, items: &str) {
    out.push('[');
    out.push_str(items);
    out.push(']');
}

/// A batch's counts, its rejected lines and the audit events that record it.
type Summary = (ImportStats, Vec<(u64, FieldError)>, Vec<NewAuditEvent>);

/// Reads a JSON-lines file, handing each line to `importer` with its number; a line longer than
/// the limit is not buffered whole.
pub async fn import_reader<R: Read>(importer: &mut Importer<'_>, reader: R, bar: &ProgressBar) -> Result<(), Failure> {
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let mut line_no = 0u64;
    let mut buf = Vec::with_capacity(4096);
    loop {
        buf.clear();
        line_no += 1;
        let mut too_long = false;
        let mut consumed = 0usize;
        // Read up to the newline, keeping at most MAX_LINE_BYTES + 1 bytes.
        loop {
            let chunk = reader.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            let (take, done) = match chunk.iter().position(|b| *b == b'\n') {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            if !too_long {
                buf.extend_from_slice(&chunk[..take]);
                if buf.len() > MAX_LINE_BYTES + 1 {
                    too_long = true;
                    buf.truncate(MAX_LINE_BYTES + 1);
                }
            }
            reader.consume(take);
            consumed += take;
            if done {
                break;
            }
        }
        if consumed == 0 {
            break;
        }
        bar.inc(consumed as u64);
        while matches!(buf.last(), Some(b'\n' | b'\r')) && !too_long {
            buf.pop();
        }
        importer.push_raw(line_no, &buf).await?;
    }
    Ok(())
}

pub fn progress_bar(len: u64, unit_bytes: bool) -> ProgressBar {
    let bar = ProgressBar::new(len);
    let template = if unit_bytes {
        "{spinner} {bar:40} {bytes}/{total_bytes} ({eta}) {msg}"
    } else {
        "{spinner} {bar:40} {pos}/{len} ({per_sec}, {eta}) {msg}"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

pub async fn import_command(cli: &Cli, db: &Db, file: &Path, batch: usize) -> CmdResult {
    let f = std::fs::File::open(file).map_err(|e| Failure::env(format!("cannot open {}: {e}", file.display())))?;
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = progress_bar(len, true);
    let source = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let bar_for_report = bar.clone();
    let mut importer = Importer::new(db, &source, random_ids(), move |n, e| {
        bar_for_report.suspend(|| eprintln!("line {n}: {}: {}", e.field, e.reason));
    })
    .with_batch(batch);
    import_reader(&mut importer, f, &bar).await?;
    let stats = importer.finish().await?;
    bar.finish_and_clear();
    println!("{stats}");
    crate::serve::update_index_after_write(cli, db).await?;
    Ok(if stats.rejected > 0 { 1 } else { 0 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use gureum_storage::CreatedSupplier;

    fn done(outcome: ImportOutcome, i: usize) -> LineResult {
        LineResult::Done { outcome, service_id: format!("id{i}"), digest: format!("d{i}") }
    }

    #[test]
    fn a_large_batch_records_itself_in_several_events() {
        let today = time::macros::date!(2026 - 11 - 23);
        let mut parsed: Vec<ImportLine> = crate::seed::Generator::new(7, 1, today).collect();
        // The last line's supplier is new to the database and to the batch.
        parsed[6].business_number = gureum_domain::BusinessNumber::from_first9([1, 2, 3, 4, 5, 6, 7, 8, 9]);
        let lines: Vec<StagedLine> = parsed.into_iter().map(StagedLine::new).collect();
        let line_nos: Vec<u64> = (1..=7).collect();
        let outcomes = [
            ImportOutcome::Imported,
            ImportOutcome::Unchanged,
            ImportOutcome::Unchanged,
            ImportOutcome::Unchanged,
            ImportOutcome::Revised,
            ImportOutcome::Unchanged,
            ImportOutcome::Imported,
        ];
        let mut results: Vec<LineResult> = outcomes.iter().enumerate().map(|(i, o)| done(*o, i)).collect();
        results[5] = LineResult::CodeOfAnotherSupplier;
        let bn = lines[6].business_number.clone();
        let created = vec![CreatedSupplier { id: "s1".into(), business_number: bn, name: "새 공급사".into(), size: "small".into() }];
        let result = BatchResult { lines: results, created_suppliers: created };

        let (counts, rejected, events) = summarise_by("f.jsonl", &line_nos, &lines, &result, 2);
        assert_eq!((counts.imported, counts.revised, counts.unchanged), (2, 1, 3));
        assert_eq!(rejected.iter().map(|r| r.0).collect::<Vec<_>>(), vec![6]);
        // Lines 1–2 (a change), 3–4 (unchanged only: no event), 5–6, 7 (a change and the new supplier).
        let texts: Vec<&str> = events.iter().filter_map(|e| e.after_text()).collect();
        let after: Vec<serde_json::Value> = texts.iter().map(|t| serde_json::from_str(t).expect("JSON")).collect();
        for (text, value) in texts.iter().zip(&after) {
            assert_eq!(*text, gureum_domain::canonical::canonical_json(value), "written in canonical form");
        }
        assert_eq!(
            after[0]["lines"][0],
            serde_json::json!({"line": 1, "code": lines[0].code, "service_id": "id0", "sha256": "d0", "outcome": "imported"})
        );
        assert_eq!(after.len(), 3, "{after:?}");
        let named =
            |v: &serde_json::Value| v["lines"].as_array().map(|a| a.iter().map(|l| l["line"].as_u64().unwrap_or(0)).collect::<Vec<_>>());
        assert_eq!(named(&after[0]), Some(vec![1, 2]));
        assert_eq!(named(&after[1]), Some(vec![5]));
        assert_eq!(named(&after[2]), Some(vec![7]));
        assert_eq!(after[2]["suppliers_created"][0]["id"], "s1");
        assert_eq!(after[0]["suppliers_created"], serde_json::json!([]));
        // One event a batch when it fits.
        assert_eq!(summarise("f.jsonl", &line_nos, &lines, &result).2.len(), 1);
    }
}

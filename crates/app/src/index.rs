//! Keeps this instance's search index in step with the database through the change feed
//! (docs/ARCHITECTURE.md): the index remembers the last sequence it applied (in its commit), catches up on
//! start, and then follows new changes. A missing or damaged index is rebuilt from the database.
//!
//! The index folder holds generations (`gen-<n>/`) and a `CURRENT` file naming the live one. A
//! rebuild fills a new generation beside the live one and then swaps `CURRENT` atomically (write
//! and rename), so searches keep answering from the old generation until the new one is whole;
//! a server notices a swap made by another process (`gureum reindex`) and reopens.

use gureum_domain::cert::Certification;
use gureum_search::{CatalogIndex, CertFacts, IndexUpdater, Opened, SearchDoc, SearchError};
use gureum_storage::{Db, IndexSource, SqliteReader};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Storage(#[from] gureum_storage::StorageError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error("the index writer is held by another process")]
    Locked,
    #[error("index task failed: {0}")]
    Join(String),
}

/// The index of one instance and the right to write it.
pub struct IndexSync {
    db: Db,
    root: PathBuf,
    /// The live generation's name and index; swapped whole by a rebuild.
    live: RwLock<(String, Arc<CatalogIndex>)>,
    updater: Mutex<Option<IndexUpdater>>,
    /// Serialises catch-ups so two callers never apply the same changes at once.
    running: tokio::sync::Mutex<()>,
    opened: Opened,
    /// An operator-started rebuild is running in this process.
    rebuilding: AtomicBool,
}

/// How many change-feed entries one catch-up step applies in one commit.
const STEP: i64 = 2_000;

fn facts(c: &Certification) -> CertFacts {
    CertFacts { cert_type: c.cert_type, grade: c.grade, valid_from: c.valid_from, valid_to: c.valid_to, revoked: c.revoked }
}

/// The document an index holds for a service.
pub fn search_doc(src: &IndexSource) -> SearchDoc {
    let r = &src.record;
    let l = &r.listing;
    let host_code = l.certification.as_ref().and_then(|c| c.host_infra.clone()).filter(|h| gureum_domain::ServiceCode::parse(h).is_ok());
    SearchDoc {
        id: r.id.clone(),
        code: r.code.clone(),
        status: r.status,
        name: l.name.clone(),
        name_en: l.name_en.clone(),
        kind: l.kind,
        category: l.category.clone(),
        tags: l.tags.clone(),
        supplier_id: r.supplier.id.clone(),
        supplier_name: r.supplier.name.clone(),
        business_number: r.supplier.business_number.clone(),
        supplier_sme: r.supplier.size.is_sme(),
        summary: l.summary.clone(),
        summary_en: l.summary_en.clone(),
        description: l.description.clone(),
        price_from_krw: l.price_from().map(|k| k.won()),
        first_listed_at: r.first_listed_at,
        rating_x100: src.rating.average_x100(),
        rating_count: u32::try_from(src.rating.count).unwrap_or(u32::MAX),
        cert: l.certification.as_ref().map(facts),
        host_code,
        host_listed: src.host_listed,
        host_cert: src.host_cert.as_ref().map(facts),
    }
}

impl IndexSync {
    /// Opens (or creates) the index folder's live generation. `writable`: take the writer now
    /// (a server does; a CLI command does, unless a running server holds it, in which case it
    /// leaves the work to it).
    pub fn open(db: Db, dir: &Path, writable: bool) -> Result<Self, SyncError> {
        std::fs::create_dir_all(dir).map_err(SearchError::from)?;
        let gen_name = current_generation(dir).unwrap_or_else(|| "gen-1".to_owned());
        let (mut index, opened) = CatalogIndex::open_or_create(&dir.join(&gen_name))?;
        configure(&mut index);
        if current_generation(dir).as_deref() != Some(gen_name.as_str()) {
            write_current(dir, &gen_name)?;
        }
        let updater = if writable { take_updater(&index)? } else { None };
        if updater.is_some() {
            // The writer of the live generation tidies what an earlier swap left behind.
            remove_old_generations(dir, &gen_name);
        }
        Ok(Self {
            db,
            root: dir.to_path_buf(),
            live: RwLock::new((gen_name, Arc::new(index))),
            updater: Mutex::new(updater),
            running: tokio::sync::Mutex::new(()),
            rebuilding: AtomicBool::new(false),
            opened,
        })
    }

    /// The live index (a rebuild may swap it; hold the `Arc` for one search).
    pub fn index(&self) -> Arc<CatalogIndex> {
        self.live.read().map(|l| l.1.clone()).unwrap_or_else(|p| p.into_inner().1.clone())
    }

    pub fn index_arc(&self) -> Arc<CatalogIndex> {
        self.index()
    }

    /// The live generation's folder name.
    pub fn generation(&self) -> String {
        self.live.read().map(|l| l.0.clone()).unwrap_or_else(|p| p.into_inner().0.clone())
    }

    /// Whether this process holds the index writer.
    pub fn is_writer(&self) -> bool {
        self.updater.lock().map(|u| u.is_some()).unwrap_or(false)
    }

    /// Whether the folder was missing or damaged and had to be created anew.
    pub fn was_created(&self) -> bool {
        matches!(self.opened, Opened::Created)
    }

    fn with_updater<T>(&self, f: impl FnOnce(&mut IndexUpdater) -> Result<T, SearchError>) -> Result<T, SyncError> {
        let mut guard = self.updater.lock().map_err(|_| SyncError::Join("index writer lock poisoned".into()))?;
        let updater = guard.as_mut().ok_or(SyncError::Locked)?;
        Ok(f(updater)?)
    }

    async fn blocking<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&IndexSync) -> Result<T, SyncError> + Send + 'static,
    ) -> Result<T, SyncError> {
        let me = self.clone();
        tokio::task::spawn_blocking(move || f(&me)).await.map_err(|e| SyncError::Join(e.to_string()))?
    }

    /// Applies every change after the index's stored sequence; returns the sequence reached.
    pub async fn catch_up(self: &Arc<Self>) -> Result<i64, SyncError> {
        let _running = self.running.lock().await;
        let mut applied = self.index().applied_seq().unwrap_or(0);
        loop {
            let changes = self.db.changes_after(applied, STEP).await?;
            let Some(&(last, _)) = changes.last() else { return Ok(applied) };
            let mut ids: Vec<String> = changes.into_iter().map(|(_, id)| id).collect();
            ids.sort_unstable();
            ids.dedup();
            let mut sources = self.db.index_sources(&ids).await?;
            // A service whose certification grade others inherit: re-index its dependents too.
            let mut dependents = Vec::new();
            for s in &sources {
                if s.record.listing.kind == gureum_domain::ServiceKind::Iaas {
                    dependents.extend(self.db.dependents_of(&s.record.code).await?);
                }
            }
            dependents.retain(|d| !ids.contains(d));
            dependents.sort_unstable();
            dependents.dedup();
            if !dependents.is_empty() {
                sources.extend(self.db.index_sources(&dependents).await?);
            }
            let docs: Vec<SearchDoc> = sources.iter().map(search_doc).collect();
            let present: std::collections::HashSet<&str> = docs.iter().map(|d| d.id.as_str()).collect();
            let gone: Vec<String> = ids.iter().filter(|id| !present.contains(id.as_str())).cloned().collect();
            self.blocking(move |me| {
                me.with_updater(|u| {
                    for doc in &docs {
                        u.upsert(doc)?;
                    }
                    for id in &gone {
                        u.delete(id)?;
                    }
                    u.commit(last)
                })
            })
            .await?;
            applied = last;
        }
    }

    /// Rebuilds the whole index from the database, then catches up with what changed meanwhile.
    pub async fn rebuild(self: &Arc<Self>, progress: impl FnMut(u64) + Send) -> Result<i64, SyncError> {
        let guard = self.running.lock().await;
        // The bulk writer takes the folder's lock: the standing writer steps aside meanwhile.
        let had = self.updater.lock().map_err(|_| SyncError::Join("index writer lock poisoned".into()))?.take().is_some();
        if !had {
            return Err(SyncError::Locked);
        }
        let index = self.index();
        let filled = fill_from_database(&self.db, &index, progress).await;
        let standing = take_updater(&index);
        *self.updater.lock().map_err(|_| SyncError::Join("index writer lock poisoned".into()))? = standing?;
        filled?;
        drop(guard);
        self.catch_up().await
    }

    /// Whether the index has applied every change the database holds now.
    pub async fn is_current(&self) -> Result<bool, SyncError> {
        Ok(self.index().applied_seq().unwrap_or(0) >= self.db.max_change_seq().await?)
    }
}

/// `GUREUM_SEARCH_CACHE=off` turns the cache of repeated searches off (benchmarks measure real
/// searches with it; production keeps it on). Searches run on as many threads as the machine has
/// cores (at most 4; `GUREUM_SEARCH_THREADS` overrides), first come first served; an idle server
/// searches one search's segments side by side.
fn configure(index: &mut CatalogIndex) {
    if std::env::var("GUREUM_SEARCH_CACHE").is_ok_and(|v| v == "off") {
        index.set_result_cache(false);
    }
    let threads = search_threads();
    if let Err(e) = index.set_search_threads(threads) {
        tracing::warn!(error = %e, threads, "cannot search on several threads; searching on one");
    }
}

/// Threads searches run on: the machine's cores, at most 4 (`GUREUM_SEARCH_THREADS` overrides).
fn search_threads() -> usize {
    std::env::var("GUREUM_SEARCH_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(4)))
        .max(1)
}

fn take_updater(index: &CatalogIndex) -> Result<Option<IndexUpdater>, SyncError> {
    match index.updater() {
        Ok(u) => Ok(Some(u)),
        Err(SearchError::Locked) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The live generation named by `CURRENT`, when there is one.
pub fn current_generation(dir: &Path) -> Option<String> {
    std::fs::read_to_string(dir.join("CURRENT"))
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| s.starts_with("gen-") && !s.contains('/') && dir.join(s).is_dir())
}

/// Points `CURRENT` at a generation: written beside and renamed, so readers see the old name or
/// the new one, never half.
fn write_current(dir: &Path, gen_name: &str) -> Result<(), SyncError> {
    let tmp = dir.join(format!("CURRENT.{}", uuid::Uuid::new_v4().simple()));
    std::fs::write(&tmp, gen_name).map_err(SearchError::from)?;
    std::fs::rename(&tmp, dir.join("CURRENT")).map_err(SearchError::from)?;
    Ok(())
}

fn next_generation(dir: &Path) -> String {
    let highest = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok()).filter_map(|e| generation_number(&e.file_name().to_string_lossy())).max().unwrap_or(0))
        .unwrap_or(0);
    format!("gen-{}", highest + 1)
}

fn generation_number(name: &str) -> Option<u64> {
    name.strip_prefix("gen-").and_then(|n| n.parse().ok())
}

/// Removes the generations older than `keep` (their files stay readable to any process that
/// still has them open). Newer ones stay: a `gureum reindex` may be filling one right now.
fn remove_old_generations(dir: &Path, keep: &str) {
    let Some(live) = generation_number(keep) else { return };
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.filter_map(|e| e.ok()) {
            if generation_number(&e.file_name().to_string_lossy()).is_some_and(|n| n < live) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

/// The memory the indexing threads of a full build share (`GUREUM_INDEX_MEMORY_MB` overrides).
fn bulk_memory_bytes() -> usize {
    let mb = std::env::var("GUREUM_INDEX_MEMORY_MB").ok().and_then(|v| v.parse::<usize>().ok()).unwrap_or(384);
    mb.max(64) << 20
}

/// Replaces the index's contents with every service of the database, on all cores, and leaves
/// one segment per search thread; returns the change-feed sequence it covers.
async fn fill_from_database(db: &Db, index: &Arc<CatalogIndex>, mut progress: impl FnMut(u64) + Send) -> Result<i64, SyncError> {
    let start_seq = db.max_change_seq().await?;
    let threads = search_threads();
    let mut updater = index.bulk_updater(threads, bulk_memory_bytes())?;
    updater.clear()?;
    let updater = Arc::new(Mutex::new(updater));
    let mut sources = Sources::open(db)?;
    let mut after = String::new();
    let mut done = 0u64;
    // While the indexing threads work on one batch, the next is read from the database.
    let mut pending: Option<tokio::task::JoinHandle<Result<(), SyncError>>> = None;
    loop {
        let batch = sources.batch(&after, 5_000).await?;
        let Some(last) = batch.last() else { break };
        after = last.record.id.clone();
        done += batch.len() as u64;
        if let Some(p) = pending.take() {
            p.await.map_err(|e| SyncError::Join(e.to_string()))??;
        }
        let u = updater.clone();
        pending = Some(tokio::task::spawn_blocking(move || -> Result<(), SyncError> {
            let mut u = u.lock().map_err(|_| SyncError::Join("index writer lock poisoned".into()))?;
            // The index was cleared and each service is read once: adds, not upserts.
            for source in &batch {
                u.add(&search_doc(source))?;
            }
            Ok(())
        }));
        progress(done);
    }
    if let Some(p) = pending.take() {
        p.await.map_err(|e| SyncError::Join(e.to_string()))??;
    }
    tokio::task::spawn_blocking(move || -> Result<(), SyncError> {
        let u = Arc::try_unwrap(updater).map_err(|_| SyncError::Join("index writer still shared".into()))?;
        let u = u.into_inner().map_err(|_| SyncError::Join("index writer lock poisoned".into()))?;
        u.finish_bulk(start_seq, threads)?;
        Ok(())
    })
    .await
    .map_err(|e| SyncError::Join(e.to_string()))??;
    Ok(start_seq)
}

/// Where a fill reads the catalog: a SQLite file through a reading connection of its own (on a
/// blocking thread), PostgreSQL through the pool.
enum Sources {
    /// `None` only while a read is in flight.
    Sqlite(Option<SqliteReader>),
    Pool(Db),
}

impl Sources {
    fn open(db: &Db) -> Result<Self, SyncError> {
        Ok(match db.sqlite_reader()? {
            Some(reader) => Sources::Sqlite(Some(reader)),
            None => Sources::Pool(db.clone()),
        })
    }

    /// Index sources in id order after `after`, `limit` at a time.
    async fn batch(&mut self, after: &str, limit: i64) -> Result<Vec<IndexSource>, SyncError> {
        match self {
            Sources::Pool(db) => Ok(db.index_sources_batch(after, limit).await?),
            Sources::Sqlite(slot) => {
                let reader = slot.take().ok_or_else(|| SyncError::Join("the catalog reader was lost".into()))?;
                let after = after.to_owned();
                let (reader, read) = tokio::task::spawn_blocking(move || {
                    let read = reader.index_sources_batch(&after, limit);
                    (reader, read)
                })
                .await
                .map_err(|e| SyncError::Join(e.to_string()))?;
                *slot = Some(reader);
                Ok(read?)
            }
        }
    }
}

/// Builds a new generation beside the live one from the database and makes it live; usable
/// while a server answers from the old one (`gureum reindex`). Returns the new generation.
pub async fn rebuild_beside(db: &Db, dir: &Path, progress: impl FnMut(u64) + Send) -> Result<String, SyncError> {
    std::fs::create_dir_all(dir).map_err(SearchError::from)?;
    let gen_name = next_generation(dir);
    let (index, _) = CatalogIndex::open_or_create(&dir.join(&gen_name))?;
    let index = Arc::new(index);
    fill_from_database(db, &index, progress).await?;
    write_current(dir, &gen_name)?;
    Ok(gen_name)
}

impl IndexSync {
    /// Rebuilds into a new generation while searches keep using the live one, then swaps it in.
    pub async fn rebuild_while_serving(self: &Arc<Self>, progress: impl FnMut(u64) + Send) -> Result<String, SyncError> {
        let guard = self.running.lock().await;
        let gen_name = rebuild_beside(&self.db, &self.root, progress).await?;
        self.adopt(&gen_name)?;
        drop(guard);
        self.catch_up().await?;
        Ok(gen_name)
    }

    /// Starts [`IndexSync::rebuild_while_serving`] in the background (the operator's action);
    /// `false` when one started that way is still running here.
    pub fn start_rebuild(self: &Arc<Self>) -> bool {
        if self.rebuilding.swap(true, Ordering::SeqCst) {
            return false;
        }
        let me = self.clone();
        tokio::spawn(async move {
            match me.rebuild_while_serving(|_| {}).await {
                Ok(generation) => tracing::info!(%generation, "search index rebuilt and swapped in"),
                Err(e) => tracing::error!(error = %e, "search index rebuild failed; the live generation stays"),
            }
            me.rebuilding.store(false, Ordering::SeqCst);
        });
        true
    }

    /// Whether an operator-started rebuild is running in this process.
    pub fn is_rebuilding(&self) -> bool {
        self.rebuilding.load(Ordering::SeqCst)
    }

    /// Makes a generation live in this process: the new index and its writer replace the old.
    fn adopt(&self, gen_name: &str) -> Result<(), SyncError> {
        let (mut index, _) = CatalogIndex::open_or_create(&self.root.join(gen_name))?;
        configure(&mut index);
        let mut upd = self.updater.lock().map_err(|_| SyncError::Join("index writer lock poisoned".into()))?;
        let was_writer = upd.is_some();
        // Release the old writer first; then take the new generation's.
        *upd = None;
        let new_updater = if was_writer { take_updater(&index)? } else { None };
        *upd = new_updater;
        let mut live = self.live.write().map_err(|_| SyncError::Join("index lock poisoned".into()))?;
        *live = (gen_name.to_owned(), Arc::new(index));
        drop(live);
        remove_old_generations(&self.root, gen_name);
        Ok(())
    }

    /// When another process (`gureum reindex`) made a new generation live, switch to it.
    pub async fn reopen_if_moved(self: &Arc<Self>) -> Result<bool, SyncError> {
        let Some(current) = current_generation(&self.root) else { return Ok(false) };
        if current == self.generation() {
            return Ok(false);
        }
        let _guard = self.running.lock().await;
        self.adopt(&current)?;
        Ok(true)
    }
}

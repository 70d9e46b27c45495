//! Keeps this instance's search index in step with the database through the change feed
//! (SPEC §5): the index remembers the last sequence it applied (in its commit), catches up on
//! start, and then follows new changes. A missing or damaged index is rebuilt from the database.

use gureum_domain::cert::Certification;
use gureum_search::{CatalogIndex, CertFacts, IndexUpdater, Opened, SearchDoc, SearchError};
use gureum_storage::{Db, IndexSource};
use std::path::Path;
use std::sync::{Arc, Mutex};

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
    index: Arc<CatalogIndex>,
    updater: Mutex<Option<IndexUpdater>>,
    /// Serialises catch-ups so two callers never apply the same changes at once.
    running: tokio::sync::Mutex<()>,
    opened: Opened,
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
        rating_x100: None,
        cert: l.certification.as_ref().map(facts),
        host_code,
        host_listed: src.host_listed,
        host_cert: src.host_cert.as_ref().map(facts),
    }
}

impl IndexSync {
    /// Opens (or creates) the index folder. `writable`: take the writer now (a server does; a CLI
    /// command does, unless a running server holds it, in which case it leaves the work to it).
    pub fn open(db: Db, dir: &Path, writable: bool) -> Result<Self, SyncError> {
        let (index, opened) = CatalogIndex::open_or_create(dir)?;
        let updater = if writable {
            match index.updater() {
                Ok(u) => Some(u),
                Err(SearchError::Locked) => None,
                Err(e) => return Err(e.into()),
            }
        } else {
            None
        };
        Ok(Self { db, index: Arc::new(index), updater: Mutex::new(updater), running: tokio::sync::Mutex::new(()), opened })
    }

    pub fn index(&self) -> &CatalogIndex {
        &self.index
    }

    pub fn index_arc(&self) -> Arc<CatalogIndex> {
        self.index.clone()
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
        let mut applied = self.index.applied_seq().unwrap_or(0);
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
    pub async fn rebuild(self: &Arc<Self>, mut progress: impl FnMut(u64) + Send) -> Result<i64, SyncError> {
        let guard = self.running.lock().await;
        let start_seq = self.db.max_change_seq().await?;
        self.blocking(|me| me.with_updater(|u| u.clear())).await?;
        let mut after = String::new();
        let mut done = 0u64;
        loop {
            let batch = self.db.index_sources_batch(&after, 5_000).await?;
            let Some(last) = batch.last() else { break };
            after = last.record.id.clone();
            let docs: Vec<SearchDoc> = batch.iter().map(search_doc).collect();
            done += docs.len() as u64;
            self.blocking(move |me| {
                me.with_updater(|u| {
                    for doc in &docs {
                        u.upsert(doc)?;
                    }
                    Ok(())
                })
            })
            .await?;
            progress(done);
        }
        self.blocking(move |me| me.with_updater(|u| u.commit(start_seq))).await?;
        drop(guard);
        self.catch_up().await
    }

    /// Whether the index has applied every change the database holds now.
    pub async fn is_current(&self) -> Result<bool, SyncError> {
        Ok(self.index.applied_seq().unwrap_or(0) >= self.db.max_change_seq().await?)
    }
}

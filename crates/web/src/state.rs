//! The state every handler shares.

use crate::sync::IndexSync;
use gureum_domain::Clock;
use gureum_search::CatalogIndex;
use gureum_storage::{Db, DocumentStore};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    sync: Arc<IndexSync>,
    clock: Clock,
    ready: AtomicBool,
    documents: DocumentStore,
    public_url: String,
}

impl AppState {
    /// `public_url`: where people reach this instance (links in e-mails), without a trailing slash.
    pub fn new(db: Db, sync: Arc<IndexSync>, clock: Clock, documents: DocumentStore, public_url: &str) -> Self {
        let public_url = public_url.trim_end_matches('/').to_owned();
        Self { inner: Arc::new(Inner { db, sync, clock, ready: AtomicBool::new(false), documents, public_url }) }
    }

    pub fn documents(&self) -> &DocumentStore {
        &self.inner.documents
    }

    pub fn public_url(&self) -> &str {
        &self.inner.public_url
    }

    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    /// The live index (hold the `Arc` for one search; a rebuild may swap it).
    pub fn index(&self) -> Arc<CatalogIndex> {
        self.inner.sync.index()
    }

    pub fn sync(&self) -> &Arc<IndexSync> {
        &self.inner.sync
    }

    pub fn clock(&self) -> Clock {
        self.inner.clock
    }

    /// True once the index has caught up with the database after start.
    pub fn is_ready(&self) -> bool {
        self.inner.ready.load(Ordering::Acquire)
    }

    pub fn set_ready(&self, ready: bool) {
        self.inner.ready.store(ready, Ordering::Release);
    }
}

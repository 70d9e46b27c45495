//! What every use case works with: the database, this instance's search index, the clock, the
//! document store, the public address (for links in e-mails), and the guards of its doors
//! (the throttle of anonymous attempts, the bound on concurrent password hashes). Cheap to clone.

use crate::index::IndexSync;
use crate::secrets::HashGate;
use crate::throttle::Throttle;
use gureum_domain::Clock;
use gureum_search::CatalogIndex;
use gureum_storage::{Db, DocumentStore};
use std::sync::Arc;

#[derive(Clone)]
pub struct Context {
    inner: Arc<Inner>,
    // Beside the shared part, so that a test can see the same instance at another time: the
    // database handle (the same pool and writer lock) carries the same clock, so what is
    // written at that time is stamped with it.
    clock: Clock,
    db: Db,
    // The prefix of open contracting ids (SPEC §4 "Open data"), a setting of `serve`.
    ocid_prefix: Arc<str>,
}

struct Inner {
    sync: Arc<IndexSync>,
    documents: DocumentStore,
    public_url: String,
    throttle: Throttle,
    hashing: HashGate,
}

impl Context {
    /// `public_url`: where people reach this instance (links in e-mails), without a trailing slash.
    pub fn new(db: Db, sync: Arc<IndexSync>, clock: Clock, documents: DocumentStore, public_url: &str) -> Self {
        let public_url = public_url.trim_end_matches('/').to_owned();
        let inner = Inner { sync, documents, public_url, throttle: Throttle::default(), hashing: HashGate::default() };
        let db = db.with_clock(clock);
        Self { inner: Arc::new(inner), clock, db, ocid_prefix: Arc::from(gureum_domain::ocds::DEFAULT_PREFIX) }
    }

    /// The same instance publishing open contracting data under this ocid prefix.
    pub fn with_ocid_prefix(mut self, prefix: &str) -> Self {
        self.ocid_prefix = Arc::from(prefix);
        self
    }

    /// The prefix of every ocid this instance publishes (default `ocds-gureum`).
    pub fn ocid_prefix(&self) -> &str {
        &self.ocid_prefix
    }

    /// The same instance (database, index, throttle counts …) seen with another clock: tests
    /// move time with it instead of sleeping.
    pub fn with_clock(&self, clock: Clock) -> Self {
        Self { inner: self.inner.clone(), clock, db: self.db.with_clock(clock), ocid_prefix: self.ocid_prefix.clone() }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The live index (hold the `Arc` for one search; a rebuild may swap it).
    pub fn index(&self) -> Arc<CatalogIndex> {
        self.inner.sync.index()
    }

    pub fn sync(&self) -> &Arc<IndexSync> {
        &self.inner.sync
    }

    pub fn clock(&self) -> Clock {
        self.clock
    }

    pub fn documents(&self) -> &DocumentStore {
        &self.inner.documents
    }

    pub fn public_url(&self) -> &str {
        &self.inner.public_url
    }

    /// People reach this instance over HTTPS (its cookies are then `Secure` and `__Host-`).
    pub fn is_https(&self) -> bool {
        self.inner.public_url.starts_with("https://")
    }

    /// This instance's count of attempts at the throttled doors.
    pub fn throttle(&self) -> &Throttle {
        &self.inner.throttle
    }

    /// This instance's bound on concurrent password hashes.
    pub fn hashing(&self) -> &HashGate {
        &self.inner.hashing
    }

    /// Brings this instance's index up to date after a change the public sees, so that an
    /// answer is only sent once search agrees with it. The change is committed either way; a
    /// failure here is logged and left to the change-feed follower.
    pub async fn wait_for_index(&self) {
        if let Err(e) = self.sync().catch_up().await {
            tracing::warn!(error = %e, "index catch-up after a catalog change failed; the follower will retry");
        }
    }
}

//! The state every handler shares: the use cases' [`Context`] and whether this instance is
//! ready (its index caught up since start). It dereferences to the context, so a handler passes
//! `&state` straight to a use case.

use gureum_app::Context;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Clone)]
pub struct AppState {
    ctx: Context,
    ready: Arc<AtomicBool>,
}

impl AppState {
    pub fn new(ctx: Context) -> Self {
        Self { ctx, ready: Arc::new(AtomicBool::new(false)) }
    }

    pub fn ctx(&self) -> &Context {
        &self.ctx
    }

    /// True once the index has caught up with the database after start.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    pub fn set_ready(&self, ready: bool) {
        self.ready.store(ready, Ordering::Release);
    }
}

impl std::ops::Deref for AppState {
    type Target = Context;

    fn deref(&self) -> &Context {
        &self.ctx
    }
}

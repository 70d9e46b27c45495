//! The catalog's search index (tantivy): Korean syllable-bigram and English analysis, filters,
//! facets and the fair order of `GET /api/v1/services` (docs/RULES.md#search, docs/RULES.md#fair-order).
//!
//! Layout: [`tokenizer`] (the analyser), `schema` (fields and documents), `stored` (the stored
//! blob behind a [`Hit`]), `query` (base query and filter plan), `cache` (per-segment arrays),
//! `collect` (the one-pass collector) and `index` ([`CatalogIndex`], [`IndexUpdater`]).

mod bits;
mod cache;
mod collect;
mod dense;
mod index;
pub mod model;
mod orders;
mod pool;
mod query;
mod results;
mod schema;
mod stored;
mod text;
pub mod tokenizer;
mod values;

pub use index::{CatalogIndex, IndexUpdater, Opened, TextEngine};
pub use model::*;
pub use schema::SCHEMA_VERSION;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("the index is in use by another process")]
    Locked,
    #[error(transparent)]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("index folder: {0}")]
    Io(#[from] std::io::Error),
    #[error("the index folder has schema version {0:?}, expected {SCHEMA_VERSION:?}")]
    Version(String),
    #[error("stored document: {0}")]
    Stored(String),
}

impl From<tantivy::directory::error::OpenDirectoryError> for SearchError {
    fn from(e: tantivy::directory::error::OpenDirectoryError) -> Self {
        Self::Tantivy(e.into())
    }
}

#[cfg(test)]
mod send_sync {
    fn is_send_sync<T: Send + Sync>() {}

    #[test]
    fn catalog_index_is_shareable() {
        is_send_sync::<super::CatalogIndex>();
        is_send_sync::<super::SearchError>();
        fn is_send<T: Send>() {}
        is_send::<super::IndexUpdater>();
    }
}

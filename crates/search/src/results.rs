//! A small cache of collector results for repeated searches (the landing page, a popular
//! category) on the same index generation. Any commit or reload starts a new generation.

use crate::collect::Fruit;
use crate::model::SearchQuery;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

const CAPACITY: usize = 256;

/// At least this many best documents are kept per search, so that the next pages of a
/// cached search are answered from the cache too.
pub const MIN_KEEP: usize = 200;

#[derive(Default)]
struct Inner {
    generation: u64,
    entries: HashMap<String, (usize, Arc<Fruit>)>,
    order: VecDeque<String>,
}

#[derive(Default)]
pub struct ResultCache {
    inner: Mutex<Inner>,
    disabled: bool,
}

/// The cache key: the query without its paging.
pub fn key(q: &SearchQuery) -> String {
    let mut n = q.clone();
    n.q = n.q.map(|s| s.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|s| !s.is_empty());
    n.page = 1;
    n.per_page = 1;
    format!("{n:?}")
}

impl ResultCache {
    /// How many best documents a search for `wanted` should keep: more when cached, so that
    /// the next pages come from the cache; exactly `wanted` when not.
    pub fn keep_for(&self, wanted: usize) -> usize {
        if self.disabled { wanted } else { wanted.max(MIN_KEEP) }
    }

    pub fn set_enabled(&mut self, on: bool) {
        self.disabled = !on;
        *self.inner.get_mut().unwrap_or_else(PoisonError::into_inner) = Inner::default();
    }

    /// The cached result of `key` when it holds at least `keep` best documents (or all).
    pub fn get(&self, generation: u64, key: &str, keep: usize) -> Option<Arc<Fruit>> {
        if self.disabled {
            return None;
        }
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if inner.generation != generation {
            return None;
        }
        let (kept, fruit) = inner.entries.get(key)?;
        (*kept >= keep || fruit.top.len() as u64 >= fruit.total).then(|| fruit.clone())
    }

    pub fn put(&self, generation: u64, key: String, keep: usize, fruit: Arc<Fruit>) {
        if self.disabled {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if inner.generation != generation {
            if generation < inner.generation {
                return;
            }
            *inner = Inner { generation, ..Inner::default() };
        }
        if inner.entries.insert(key.clone(), (keep, fruit)).is_none() {
            inner.order.push_back(key);
        }
        while inner.order.len() > CAPACITY {
            if let Some(old) = inner.order.pop_front() {
                inner.entries.remove(&old);
            }
        }
    }
}

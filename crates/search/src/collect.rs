//! One collector pass over the base query's matches: the remaining filters, the three facets
//! (each counted with every filter but its own), the total, and the best `keep` documents.

use crate::cache::{CERTIFIED, Daily, GRADE_MASK, SegmentCache, Static};
use crate::query::{Plan, SortMode};
use crate::schema::col;
use std::collections::{BTreeMap, BinaryHeap};
use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// The order of results: smaller is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    /// The sort value is missing (no price, no rating…): always after the others.
    missing: bool,
    primary: u64,
    fair: u64,
    segment: SegmentOrdinal,
    doc: DocId,
}

impl Key {
    pub fn address(&self) -> DocAddress {
        DocAddress::new(self.segment, self.doc)
    }
}

/// Maps an i64 to a u64 of the same order.
fn ordered(v: i64) -> u64 {
    (v as u64) ^ (1 << 63)
}

/// Maps a score to a u64 that is smaller for a higher score.
fn score_desc(s: Score) -> u64 {
    let bits = s.to_bits();
    let asc = if bits >> 31 == 1 { !bits } else { bits | (1 << 31) };
    u64::from(u32::MAX - asc)
}

#[derive(Debug, Default)]
pub struct Fruit {
    pub total: u64,
    /// By kind code.
    pub kinds: [u64; 8],
    /// By grade code (0 unused).
    pub grades: [u64; 4],
    pub categories: BTreeMap<String, u64>,
    /// Best first.
    pub top: Vec<Key>,
}

pub struct CatalogCollector {
    pub plan: Arc<Plan>,
    pub cache: Arc<SegmentCache>,
}

pub struct CatalogSegmentCollector {
    plan: Arc<Plan>,
    segment: SegmentOrdinal,
    statics: Arc<Static>,
    daily: Arc<Daily>,
    /// Allowed category ordinals of this segment, when filtering by category.
    category_filter: Option<Vec<u32>>,
    price: Option<Column<i64>>,
    /// The column sorted on, when the sort is by a column.
    sort_column: Option<Column<i64>>,
    total: u64,
    kinds: [u64; 8],
    grades: [u64; 4],
    categories: Vec<u64>,
    heap: BinaryHeap<Key>,
    /// The worst kept key once `keep` keys are kept.
    worst: Option<Key>,
}

impl Collector for CatalogCollector {
    type Fruit = Fruit;
    type Child = CatalogSegmentCollector;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<Self::Child> {
        let statics = self.cache.statics(reader)?;
        let daily = self.cache.daily(reader, &statics, self.plan.day)?;
        let category_filter = self.plan.categories.as_ref().map(|wanted| {
            wanted.iter().filter_map(|c| statics.categories.binary_search(c).ok()).filter_map(|o| u32::try_from(o).ok()).collect()
        });
        let ff = reader.fast_fields();
        let price = match self.plan.price {
            Some(_) => ff.column_opt::<i64>(col::PRICE)?,
            None => None,
        };
        let sort_column = match self.plan.sort {
            SortMode::PriceAsc | SortMode::PriceDesc => ff.column_opt::<i64>(col::PRICE)?,
            SortMode::Newest => ff.column_opt::<i64>(col::LISTED_AT)?,
            SortMode::Rating => ff.column_opt::<i64>(col::RATING)?,
            SortMode::Score | SortMode::Fair => None,
        };
        let categories = vec![0; statics.categories.len()];
        Ok(CatalogSegmentCollector {
            plan: self.plan.clone(),
            segment,
            statics,
            daily,
            category_filter,
            price,
            sort_column,
            total: 0,
            kinds: [0; 8],
            grades: [0; 4],
            categories,
            heap: BinaryHeap::new(),
            worst: None,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.plan.sort == SortMode::Score
    }

    fn merge_fruits(&self, fruits: Vec<Fruit>) -> tantivy::Result<Fruit> {
        let mut out = Fruit::default();
        for f in fruits {
            out.total += f.total;
            for (a, b) in out.kinds.iter_mut().zip(f.kinds) {
                *a += b;
            }
            for (a, b) in out.grades.iter_mut().zip(f.grades) {
                *a += b;
            }
            for (name, n) in f.categories {
                *out.categories.entry(name).or_insert(0) += n;
            }
            out.top.extend(f.top);
        }
        out.top.sort_unstable();
        out.top.truncate(self.plan.keep);
        Ok(out)
    }
}

impl CatalogSegmentCollector {
    fn key(&self, doc: DocId, score: Score) -> Key {
        let fair = self.daily.fair.get(doc as usize).copied().unwrap_or(u64::MAX);
        let value = self.sort_column.as_ref().and_then(|c| c.first(doc));
        let (missing, primary) = match self.plan.sort {
            SortMode::Fair => (false, 0),
            SortMode::Score => (false, score_desc(score)),
            SortMode::PriceAsc => (value.is_none(), value.map_or(0, ordered)),
            SortMode::PriceDesc | SortMode::Newest | SortMode::Rating => (value.is_none(), value.map_or(0, |v| !ordered(v))),
        };
        Key { missing, primary, fair, segment: self.segment, doc }
    }

    #[inline]
    fn offer(&mut self, doc: DocId, score: Score) {
        // The fair order alone: docs arrive in increasing id, so a fair key not below the worst
        // kept one cannot enter.
        if self.plan.sort == SortMode::Fair
            && let Some(worst) = &self.worst
            && self.daily.fair.get(doc as usize).is_none_or(|f| *f >= worst.fair)
        {
            return;
        }
        let key = self.key(doc, score);
        if self.heap.len() < self.plan.keep {
            self.heap.push(key);
            if self.heap.len() == self.plan.keep {
                self.worst = self.heap.peek().copied();
            }
        } else if self.worst.is_some_and(|w| key < w) {
            if let Some(mut top) = self.heap.peek_mut() {
                *top = key;
            }
            self.worst = self.heap.peek().copied();
        }
    }
}

impl SegmentCollector for CatalogSegmentCollector {
    type Fruit = Fruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        let i = doc as usize;
        let Some(&packed) = self.statics.packed.get(i) else {
            return;
        };
        let plan = &self.plan;
        if !plan.status_ok(packed >> 4) || (plan.sme && packed & 0b1000 == 0) {
            return;
        }
        let cert = self.daily.cert.get(i).copied().unwrap_or(0);
        if plan.certified && cert & CERTIFIED == 0 {
            return;
        }
        let kind = packed & 0b111;
        let category = self.statics.category.get(i).copied().unwrap_or(u32::MAX);
        let kind_ok = plan.kind_ok(kind);
        let category_ok = match &self.category_filter {
            None => true,
            Some(allowed) => allowed.contains(&category),
        };
        let grade_ok = plan.grade_ok(cert);
        // Failing two facet filters, it counts nowhere: skip the column reads below.
        if u8::from(!kind_ok) + u8::from(!category_ok) + u8::from(!grade_ok) > 1 {
            return;
        }
        if let Some((lo, hi)) = plan.price {
            match self.price.as_ref().and_then(|c| c.first(doc)) {
                Some(p) if lo <= p && p <= hi => {}
                _ => return,
            }
        }
        if category_ok
            && grade_ok
            && let Some(n) = self.kinds.get_mut(kind as usize)
        {
            *n += 1;
        }
        if kind_ok
            && grade_ok
            && let Some(n) = self.categories.get_mut(category as usize)
        {
            *n += 1;
        }
        if kind_ok
            && category_ok
            && cert & CERTIFIED != 0
            && let Some(n) = self.grades.get_mut((cert & GRADE_MASK) as usize)
        {
            *n += 1;
        }
        if kind_ok && category_ok && grade_ok {
            self.total += 1;
            self.offer(doc, score);
        }
    }

    fn harvest(self) -> Fruit {
        let categories =
            self.categories.iter().zip(&self.statics.categories).filter(|(n, _)| **n > 0).map(|(n, name)| (name.clone(), *n)).collect();
        let mut top = self.heap.into_vec();
        top.sort_unstable();
        Fruit { total: self.total, kinds: self.kinds, grades: self.grades, categories, top }
    }
}

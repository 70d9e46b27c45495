//! One collector pass over the base query's matches: the remaining filters, the three facets
//! (each counted with every filter but its own), the total, and the best `keep` documents.

use crate::cache::{CERTIFIED, Daily, GRADE_MASK, SegmentCache, Static, word};
use crate::query::{Plan, SortMode};
use crate::schema::col;
use std::collections::{BTreeMap, BinaryHeap};
use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

mod words;
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

#[derive(Clone)]
pub struct CatalogCollector {
    pub plan: Arc<Plan>,
    pub cache: Arc<SegmentCache>,
}

pub struct CatalogSegmentCollector {
    plan: Arc<Plan>,
    segment: SegmentOrdinal,
    statics: Arc<Static>,
    daily: Arc<Daily>,
    /// By the low bits of a document's word: [`HARD`], [`KIND_OK`], [`GRADE_OK`], [`IN_GRADES`].
    table: Vec<u8>,
    /// By category ordinal (the last entry: no category): whether it passes the category filter.
    category_ok: Vec<bool>,
    price: Option<Column<i64>>,
    /// The column sorted on, when the sort is by a column.
    sort_column: Option<Column<i64>>,
    total: u64,
    kinds: [u64; 8],
    grades: [u64; 4],
    /// By category ordinal, with one more for no category.
    categories: Vec<u64>,
    heap: BinaryHeap<Key>,
    /// The worst kept key once `keep` keys are kept.
    worst: Option<Key>,
}

/// The status, SME and certified filters pass (a document failing them counts nowhere).
const HARD: u8 = 1;
const KIND_OK: u8 = 2;
const GRADE_OK: u8 = 4;
/// Certified that day: counted in the grade facet.
const IN_GRADES: u8 = 8;

/// The filter outcome of every combination of a word's low bits under `plan`.
fn low_bits_table(plan: &Plan) -> Vec<u8> {
    (0..=word::LOW_MASK)
        .map(|w| {
            let cert = word::cert(w);
            let mut t = 0;
            if plan.status_ok(word::status(w)) && (!plan.sme || word::sme(w)) && (!plan.certified || cert & CERTIFIED != 0) {
                t |= HARD;
            }
            if plan.kind_ok(word::kind(w)) {
                t |= KIND_OK;
            }
            if plan.grade_ok(cert) {
                t |= GRADE_OK;
            }
            if cert & CERTIFIED != 0 {
                t |= IN_GRADES;
            }
            t
        })
        .collect()
}

impl Collector for CatalogCollector {
    type Fruit = Fruit;
    type Child = CatalogSegmentCollector;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<Self::Child> {
        let statics = self.cache.statics(reader)?;
        let daily = self.cache.daily(reader, &statics, self.plan.day)?;
        let mut category_ok = vec![self.plan.categories.is_none(); statics.categories.len() + 1];
        if let Some(wanted) = &self.plan.categories {
            for c in wanted {
                if let Ok(o) = statics.categories.binary_search(c)
                    && let Some(ok) = category_ok.get_mut(o)
                {
                    *ok = true;
                }
            }
        }
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
        let categories = vec![0; statics.categories.len() + 1];
        Ok(CatalogSegmentCollector {
            table: low_bits_table(&self.plan),
            plan: self.plan.clone(),
            segment,
            statics,
            daily,
            category_ok,
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
    /// The sort part of a key: (missing, primary).
    #[inline]
    fn primary(&self, doc: DocId, score: Score) -> (bool, u64) {
        match self.plan.sort {
            SortMode::Fair => (false, 0),
            SortMode::Score => (false, score_desc(score)),
            SortMode::PriceAsc => {
                let value = self.sort_column.as_ref().and_then(|c| c.first(doc));
                (value.is_none(), value.map_or(0, ordered))
            }
            SortMode::PriceDesc | SortMode::Newest | SortMode::Rating => {
                let value = self.sort_column.as_ref().and_then(|c| c.first(doc));
                (value.is_none(), value.map_or(0, |v| !ordered(v)))
            }
        }
    }

    #[inline]
    fn offer(&mut self, doc: DocId, score: Score) {
        let (missing, primary) = self.primary(doc, score);
        // Once `keep` keys are kept, a document whose sort value is already worse cannot enter
        // (and the fair key, read only now, decides ties).
        if let Some(worst) = &self.worst
            && (missing, primary) > (worst.missing, worst.primary)
        {
            return;
        }
        let fair = self.daily.fair.get(doc as usize).copied().unwrap_or(u64::MAX);
        let key = Key { missing, primary, fair, segment: self.segment, doc };
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

impl CatalogSegmentCollector {
    /// Applies the filters to one matching document and counts it in the facets it belongs to;
    /// true when it is in the result (counted in `total`).
    #[inline]
    fn filter(&mut self, doc: DocId) -> bool {
        let Some(&w) = self.daily.word.get(doc as usize) else {
            return false;
        };
        let t = self.table.get((w & word::LOW_MASK) as usize).copied().unwrap_or(0);
        if t & HARD == 0 {
            return false;
        }
        let category = word::category(w) as usize;
        let category = category.min(self.category_ok.len() - 1);
        let kind_ok = t & KIND_OK != 0;
        let grade_ok = t & GRADE_OK != 0;
        let category_ok = self.category_ok.get(category).copied().unwrap_or(false);
        // Failing two facet filters, it counts nowhere: skip the column reads below.
        if u8::from(!kind_ok) + u8::from(!category_ok) + u8::from(!grade_ok) > 1 {
            return false;
        }
        if let Some((lo, hi)) = self.plan.price {
            match self.price.as_ref().and_then(|c| c.first(doc)) {
                Some(p) if lo <= p && p <= hi => {}
                _ => return false,
            }
        }
        if category_ok
            && grade_ok
            && let Some(n) = self.kinds.get_mut(word::kind(w) as usize)
        {
            *n += 1;
        }
        if kind_ok
            && grade_ok
            && let Some(n) = self.categories.get_mut(category)
        {
            *n += 1;
        }
        if kind_ok
            && category_ok
            && t & IN_GRADES != 0
            && let Some(n) = self.grades.get_mut((word::cert(w) & GRADE_MASK) as usize)
        {
            *n += 1;
        }
        if kind_ok && category_ok && grade_ok {
            self.total += 1;
            return true;
        }
        false
    }

    /// Whether a document whose score is at most `bound` could still enter the kept best.
    #[inline]
    pub fn can_enter(&self, bound: Score) -> bool {
        self.worst.is_none_or(|w| score_desc(bound) <= w.primary)
    }

    /// Whether `doc`, scoring at most `bound`, could still enter, its fair key deciding a tie.
    /// Only for a bound computed by the same operations as the score (else rounding could
    /// make an equal score look lower; use [`Self::can_enter`] with a margin).
    #[inline]
    pub fn can_enter_exact(&self, bound: Score, doc: DocId) -> bool {
        let Some(w) = &self.worst else {
            return true;
        };
        let primary = score_desc(bound);
        if primary != w.primary {
            return primary < w.primary;
        }
        // The keys' highest bytes decide most ties (thousands of documents can tie with the
        // page's last, whose key is among the smallest) from an array a cache line of which
        // holds 64 documents' (at 1M, a search with 7,000 such ties -36%, one with 100,000 -8%).
        let (hi, last) = (self.daily.fair_hi.get(doc as usize).copied().unwrap_or(u8::MAX), (w.fair >> 56) as u8);
        if hi != last {
            return hi < last;
        }
        let fair = self.daily.fair.get(doc as usize).copied().unwrap_or(u64::MAX);
        (fair, self.segment, doc) < (w.fair, w.segment, w.doc)
    }

    /// Ranks a result document by its relevance score.
    pub fn offer_scored(&mut self, doc: DocId, score: Score) {
        self.offer(doc, score);
    }
}

impl SegmentCollector for CatalogSegmentCollector {
    type Fruit = Fruit;

    #[inline]
    fn collect(&mut self, doc: DocId, score: Score) {
        if self.filter(doc) {
            self.offer(doc, score);
        }
    }

    fn harvest(self) -> Fruit {
        // The last counter (no category) is not a facet value.
        let categories =
            self.categories.iter().zip(&self.statics.categories).filter(|(n, _)| **n > 0).map(|(n, name)| (name.clone(), *n)).collect();
        let mut top = self.heap.into_vec();
        top.sort_unstable();
        Fruit { total: self.total, kinds: self.kinds, grades: self.grades, categories, top }
    }
}

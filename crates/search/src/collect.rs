//! One collector pass over the base query's matches: the remaining filters, the three facets
//! (each counted with every filter but its own), the total, and the best `keep` documents.

use crate::bits::Bits;
use crate::cache::{CERTIFIED, Daily, GRADE_MASK, SegmentCache, Static, word};
use crate::orders::use_order;
use crate::query::{Plan, SortMode};
use crate::schema::col;
use crate::values::ValueBits;
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

/// Up to this many documents in a word, its facets are counted document by document.
const FEW: u32 = 12;

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

    /// Filters and counts every document of `matched` (live documents only) and returns the
    /// results. With a column or fair sort they are also ranked; with the relevance sort the
    /// caller scores them and hands them to [`Self::offer_scored`].
    pub fn collect_bits(&mut self, matched: &Bits) -> Bits {
        let daily = self.daily.clone();
        let before = self.total;
        let ranked = match (&self.plan.price, &daily.values.categories) {
            (None, Some(categories)) => self.collect_words(matched, &daily.values, categories),
            _ => self.collect_each(matched),
        };
        if self.plan.sort != SortMode::Score {
            self.rank_unscored(&ranked, self.total - before);
        }
        ranked
    }

    /// Document by document (a price filter reads a column; too many categories for sets).
    fn collect_each(&mut self, matched: &Bits) -> Bits {
        let mut ranked = Bits::empty_like(matched);
        matched.for_each(|doc| {
            if self.filter(doc) {
                ranked.insert(doc);
            }
        });
        ranked
    }

    /// Ranks `results` result documents by a column or the fair order: one by one when they
    /// are few, else by walking the segment's order of that sort until the page is full.
    fn rank_unscored(&mut self, ranked: &Bits, results: u64) {
        let max_doc = self.daily.word.len() as u32;
        if !use_order(results, self.plan.keep, max_doc) {
            ranked.for_each(|doc| self.offer(doc, 0.0));
            return;
        }
        let statics = self.statics.clone();
        let daily = self.daily.clone();
        let o = &statics.orders;
        match self.plan.sort {
            SortMode::Fair | SortMode::Score => self.walk(ranked, daily.by_fair.iter()),
            SortMode::PriceAsc => self.walk(ranked, o.price.present.iter().chain(&o.price.missing)),
            SortMode::PriceDesc => self.walk(ranked, o.price.present.iter().rev().chain(&o.price.missing)),
            SortMode::Newest => self.walk(ranked, o.listed_at.present.iter().rev().chain(&o.listed_at.missing)),
            SortMode::Rating => self.walk(ranked, o.rating.present.iter().rev().chain(&o.rating.missing)),
        }
    }

    /// Offers the result documents of `order` until `keep` are offered and the next one's
    /// sort value differs from the last offered (documents of equal value are ordered by the
    /// fair key, so all of them are offered).
    fn walk<'a>(&mut self, ranked: &Bits, order: impl Iterator<Item = &'a u32>) {
        let mut found = 0;
        let mut last = None;
        for &doc in order {
            if !ranked.contains(doc) {
                continue;
            }
            // In the fair order the walk's order is the whole key: no ties to take in.
            let key = self.primary(doc, 0.0);
            if found >= self.plan.keep && (matches!(self.plan.sort, SortMode::Fair | SortMode::Score) || last != Some(key)) {
                break;
            }
            self.offer(doc, 0.0);
            found += 1;
            last = Some(key);
        }
    }

    /// 64 documents at a time: each filter is a word operation, each facet value a population
    /// count, with the same rules as [`Self::filter`].
    fn collect_words(&mut self, matched: &Bits, v: &ValueBits, categories: &[Bits]) -> Bits {
        let plan = self.plan.clone();
        let statuses: Vec<&[u64]> = v
            .statuses
            .iter()
            .enumerate()
            .filter(|(code, _)| plan.status_ok(*code as u8))
            .filter_map(|(_, b)| b.as_ref().map(Bits::words))
            .collect();
        let kinds: Vec<(usize, &[u64])> = v.kinds.iter().enumerate().filter_map(|(c, b)| b.as_ref().map(|b| (c, b.words()))).collect();
        let grades: Vec<(usize, &[u64])> = v.grades.iter().enumerate().filter_map(|(c, b)| b.as_ref().map(|b| (c, b.words()))).collect();
        let cats: Vec<&[u64]> = categories.iter().map(Bits::words).collect();
        let kind_filter: Option<Vec<&[u64]>> =
            (plan.kind_mask != u8::MAX).then(|| kinds.iter().filter(|(c, _)| plan.kind_ok(*c as u8)).map(|(_, w)| *w).collect());
        let grade_filter: Option<Vec<&[u64]>> = (plan.grade_mask != u8::MAX)
            .then(|| grades.iter().filter(|(c, _)| *c != 0 && plan.grade_mask & (1 << c) != 0).map(|(_, w)| *w).collect());
        let category_filter: Option<Vec<&[u64]>> = plan.categories.as_ref().map(|_| {
            cats.iter().enumerate().filter(|(o, _)| self.category_ok.get(*o).copied().unwrap_or(false)).map(|(_, w)| *w).collect()
        });
        let any = |sets: &[&[u64]], i: usize| sets.iter().fold(0u64, |acc, s| acc | s.get(i).copied().unwrap_or(0));
        let at = |s: &[u64], i: usize| s.get(i).copied().unwrap_or(0);
        let count = |w: u64| u64::from(w.count_ones());
        let (sme, certified) = (v.sme.words(), v.certified.words());
        let mut ranked = Bits::empty_like(matched);
        for (i, &m) in matched.words().iter().enumerate() {
            if m == 0 {
                continue;
            }
            let mut hard = m & any(&statuses, i);
            if plan.sme {
                hard &= at(sme, i);
            }
            if plan.certified {
                hard &= at(certified, i);
            }
            if hard == 0 {
                continue;
            }
            let k = kind_filter.as_deref().map_or(u64::MAX, |f| any(f, i));
            let g = grade_filter.as_deref().map_or(u64::MAX, |f| any(f, i));
            let c = category_filter.as_deref().map_or(u64::MAX, |f| any(f, i));
            let by_kind = hard & c & g;
            let by_category = hard & k & g;
            let by_grade = hard & k & c & at(certified, i);
            if (by_kind | by_category | by_grade).count_ones() <= FEW {
                // Few documents in this word: count each from its packed word.
                self.count_each(i, by_kind, by_category, by_grade);
            } else {
                for (code, set) in &kinds {
                    if let Some(n) = self.kinds.get_mut(*code) {
                        *n += count(by_kind & at(set, i));
                    }
                }
                if by_category != 0 {
                    for (o, set) in cats.iter().enumerate() {
                        if let Some(n) = self.categories.get_mut(o) {
                            *n += count(by_category & at(set, i));
                        }
                    }
                }
                for (code, set) in &grades {
                    if let Some(n) = self.grades.get_mut(*code) {
                        *n += count(by_grade & at(set, i));
                    }
                }
            }
            let result = hard & k & g & c;
            self.total += count(result);
            if let Some(w) = ranked.words_mut().get_mut(i) {
                *w = result;
            }
        }
        ranked
    }

    /// Counts the documents of word `i` of the three facet sets one by one.
    #[inline]
    fn count_each(&mut self, i: usize, by_kind: u64, by_category: u64, by_grade: u64) {
        let base = (i as u32) * 64;
        let packed = |doc: u32| self.daily.word.get(doc as usize).copied().unwrap_or(0);
        let mut w = by_kind;
        while w != 0 {
            let kind = word::kind(packed(base + w.trailing_zeros()));
            if let Some(n) = self.kinds.get_mut(usize::from(kind)) {
                *n += 1;
            }
            w &= w - 1;
        }
        let mut w = by_category;
        while w != 0 {
            let category = word::category(packed(base + w.trailing_zeros())) as usize;
            // No category: the last counter, which is not a facet value.
            let last = self.categories.len() - 1;
            if let Some(n) = self.categories.get_mut(category.min(last)) {
                *n += 1;
            }
            w &= w - 1;
        }
        let mut w = by_grade;
        while w != 0 {
            let grade = word::cert(packed(base + w.trailing_zeros())) & GRADE_MASK;
            if let Some(n) = self.grades.get_mut(usize::from(grade)) {
                *n += 1;
            }
            w &= w - 1;
        }
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

//! Collecting a bitset of matches: filters and facets 64 documents at a time, and the column
//! and fair sorts by walking a segment's orders.

use super::*;
use crate::bits::Bits;
use crate::orders::use_order;
use crate::values::ValueBits;

impl CatalogSegmentCollector {
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
        // A word's facets cost a population count per facet value, or a read of the packed
        // word per document: per document while the word has no more documents than there
        // are facet values. (A fixed 12 before; at 1M with 28 categories, 24 and 40 were 9–10%
        // faster each, same process alternating query by query, and this rule 10% against 12.)
        let few = (kinds.len() + cats.len() + grades.len()) as u32;
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
            if (by_kind | by_category | by_grade).count_ones() <= few {
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
}

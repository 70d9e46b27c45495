//! The documents of each filter and facet value of one segment on one day, as bitsets, so that
//! the filters and the facet counts of a search are word operations and population counts over
//! 64 documents at a time instead of a branchy pass per document.
//!
//! The sets are held row by row: row `i` holds word `i` (documents `64 i .. 64 i + 63`) of every
//! value's set side by side. A search over a dense result reads each row once, a few adjacent
//! cache lines, instead of word `i` of forty sets each in a region of its own (a profile of a
//! loaded server put a fifth of the facet pass on those scattered reads).

use crate::cache::{CERTIFIED, GRADE_MASK, word};

/// More categories than this in a segment: categories are counted document by document (a
/// set per category would cost more than it saves).
pub const MAX_CATEGORY_SETS: usize = 64;

pub struct ValueBits {
    /// Words a row.
    stride: usize,
    /// `stride` words for every 64 documents.
    rows: Vec<u64>,
    /// (kind code, column) of the kinds some document has.
    pub kinds: Vec<(usize, usize)>,
    /// (status code, column) of the statuses some document has.
    pub statuses: Vec<(usize, usize)>,
    pub sme: usize,
    /// A certification valid that day.
    pub certified: usize,
    /// (effective grade code, column) among the certified, of the grades some document has.
    pub grades: Vec<(usize, usize)>,
    /// The columns of the categories, by ordinal, when the segment has at most
    /// [`MAX_CATEGORY_SETS`] categories.
    pub categories: Option<std::ops::Range<usize>>,
}

impl ValueBits {
    /// From the day's packed words (see [`word`]) of a segment with `categories` categories.
    pub fn build(words: &[u32], categories: usize) -> Self {
        let (mut kinds, mut statuses, mut grades) = ([false; 8], [false; 16], [false; 4]);
        for &w in words {
            if let Some(k) = kinds.get_mut(usize::from(word::kind(w))) {
                *k = true;
            }
            if let Some(s) = statuses.get_mut(usize::from(word::status(w))) {
                *s = true;
            }
            let cert = word::cert(w);
            if cert & CERTIFIED != 0
                && let Some(g) = grades.get_mut(usize::from(cert & GRADE_MASK))
            {
                *g = true;
            }
        }
        let mut next = 0;
        let columns = |present: &[bool], next: &mut usize| -> Vec<(usize, usize)> {
            let codes = present.iter().enumerate().filter(|(_, p)| **p).map(|(code, _)| code);
            let list: Vec<(usize, usize)> = codes.zip(*next..).collect();
            *next += list.len();
            list
        };
        // Filters first (every search reads them), then the facets.
        let statuses = columns(&statuses, &mut next);
        let (sme, certified) = (next, next + 1);
        next += 2;
        let kinds = columns(&kinds, &mut next);
        let grades = columns(&grades, &mut next);
        let categories = (categories <= MAX_CATEGORY_SETS).then(|| next..next + categories);
        let stride = categories.as_ref().map_or(next, |c| c.end);
        let mut v = Self { stride, rows: vec![0; words.len().div_ceil(64) * stride], kinds, statuses, sme, certified, grades, categories };
        let column = |list: &[(usize, usize)], code: u8| list.iter().find(|(c, _)| *c == usize::from(code)).map(|(_, col)| *col);
        for (doc, &w) in words.iter().enumerate() {
            let cert = word::cert(w);
            let cols = [
                column(&v.kinds, word::kind(w)),
                column(&v.statuses, word::status(w)),
                word::sme(w).then_some(v.sme),
                (cert & CERTIFIED != 0).then_some(v.certified),
                (cert & CERTIFIED != 0).then(|| column(&v.grades, cert & GRADE_MASK)).flatten(),
                // No category (`word::NO_CATEGORY`) or an ordinal past the segment's: no set.
                v.categories.as_ref().and_then(|c| c.clone().nth(word::category(w) as usize)),
            ];
            let base = (doc / 64) * stride;
            for col in cols.into_iter().flatten() {
                if let Some(cell) = v.rows.get_mut(base + col) {
                    *cell |= 1 << (doc % 64);
                }
            }
        }
        v
    }

    /// Row `i`: word `i` of every value's set, by column.
    #[inline]
    pub fn row(&self, i: usize) -> &[u64] {
        self.rows.get(i * self.stride..(i + 1) * self.stride).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each document is in the set of each of its values and in no other.
    #[test]
    fn rows_hold_each_document_in_its_values_sets() {
        // (kind, status, sme, cert, category) of 150 documents: three rows, the last partial;
        // every 11th without a category.
        let docs: Vec<(u8, u8, bool, u8, u32)> = (0..150u32)
            .map(|d| {
                let category = if d % 11 == 0 { word::NO_CATEGORY } else { d % 7 };
                ((d % 3) as u8 + 1, (d % 2) as u8, d % 5 == 0, if d % 4 == 0 { CERTIFIED | 2 } else { 0 }, category)
            })
            .collect();
        let words: Vec<u32> = docs
            .iter()
            .map(|(kind, status, sme, cert, category)| word::pack(kind | u8::from(*sme) << 3 | status << 4, *cert, *category))
            .collect();
        let v = ValueBits::build(&words, 7);
        assert_eq!(v.kinds.iter().map(|k| k.0).collect::<Vec<_>>(), vec![1, 2, 3]);
        assert_eq!(v.grades.iter().map(|g| g.0).collect::<Vec<_>>(), vec![2]);
        let has = |col: usize, doc: u32| v.row(doc as usize / 64).get(col).is_some_and(|w| w & (1 << (doc % 64)) != 0);
        let cats = v.categories.clone().unwrap_or_default();
        for (doc, (kind, status, sme, cert, category)) in docs.iter().enumerate() {
            let doc = doc as u32;
            for (code, col) in &v.kinds {
                assert_eq!(has(*col, doc), *code == usize::from(*kind), "kind {code} of {doc}");
            }
            for (code, col) in &v.statuses {
                assert_eq!(has(*col, doc), *code == usize::from(*status), "status {code} of {doc}");
            }
            assert_eq!(has(v.sme, doc), *sme);
            assert_eq!(has(v.certified, doc), cert & CERTIFIED != 0);
            for (code, col) in &v.grades {
                assert_eq!(has(*col, doc), cert & CERTIFIED != 0 && *code == usize::from(cert & GRADE_MASK));
            }
            for (o, col) in cats.clone().enumerate() {
                assert_eq!(has(col, doc), o as u32 == *category, "category {o} of {doc}");
            }
        }
        assert!(v.row(3).is_empty());
    }
}

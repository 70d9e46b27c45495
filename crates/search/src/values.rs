//! The documents of each filter and facet value of one segment on one day, as bitsets, so that
//! the filters and the facet counts of a search are word operations and population counts over
//! 64 documents at a time instead of a branchy pass per document.

use crate::bits::Bits;
use crate::cache::{CERTIFIED, GRADE_MASK, word};

/// More categories than this in a segment: categories are counted document by document (a
/// bitset per category would cost more than it saves).
pub const MAX_CATEGORY_SETS: usize = 64;

pub struct ValueBits {
    /// By kind code (`None`: no document of that kind).
    pub kinds: [Option<Bits>; 8],
    /// By status code.
    pub statuses: [Option<Bits>; 16],
    pub sme: Bits,
    /// A certification valid that day.
    pub certified: Bits,
    /// By effective grade code, among the certified.
    pub grades: [Option<Bits>; 4],
    /// By category ordinal, when the segment has at most [`MAX_CATEGORY_SETS`] categories.
    pub categories: Option<Vec<Bits>>,
}

fn put(slot: &mut Option<Bits>, max_doc: u32, doc: u32) {
    slot.get_or_insert_with(|| Bits::empty(max_doc)).insert(doc);
}

impl ValueBits {
    /// From the day's packed words (see [`word`]) of a segment with `categories` categories.
    pub fn build(words: &[u32], categories: usize) -> Self {
        let max_doc = words.len() as u32;
        let mut v = Self {
            kinds: Default::default(),
            statuses: Default::default(),
            sme: Bits::empty(max_doc),
            certified: Bits::empty(max_doc),
            grades: Default::default(),
            categories: (categories <= MAX_CATEGORY_SETS).then(|| vec![Bits::empty(max_doc); categories]),
        };
        for (doc, &w) in words.iter().enumerate() {
            let doc = doc as u32;
            if let Some(slot) = v.kinds.get_mut(usize::from(word::kind(w))) {
                put(slot, max_doc, doc);
            }
            if let Some(slot) = v.statuses.get_mut(usize::from(word::status(w))) {
                put(slot, max_doc, doc);
            }
            if word::sme(w) {
                v.sme.insert(doc);
            }
            let cert = word::cert(w);
            if cert & CERTIFIED != 0 {
                v.certified.insert(doc);
                if let Some(slot) = v.grades.get_mut(usize::from(cert & GRADE_MASK)) {
                    put(slot, max_doc, doc);
                }
            }
            if let Some(sets) = &mut v.categories
                && let Some(set) = sets.get_mut(word::category(w) as usize)
            {
                set.insert(doc);
            }
        }
        v
    }
}

//! A plain bitset over a segment's doc ids, combined a 64-bit word at a time: the text engine
//! ([`crate::text`]) matches query words by intersecting and uniting these instead of walking
//! posting lists document by document.

use tantivy::DocId;
use tantivy::postings::BlockSegmentPostings;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bits {
    words: Vec<u64>,
}

impl Bits {
    /// No document of a segment of `max_doc` documents.
    pub fn empty(max_doc: u32) -> Self {
        Self { words: vec![0; (max_doc as usize).div_ceil(64)] }
    }

    /// Every document of a segment of `max_doc` documents.
    pub fn full(max_doc: u32) -> Self {
        let mut words = vec![u64::MAX; (max_doc as usize).div_ceil(64)];
        if let Some(last) = words.last_mut()
            && !max_doc.is_multiple_of(64)
        {
            *last = (1 << (max_doc % 64)) - 1;
        }
        Self { words }
    }

    /// No document, over as many documents as `other`.
    pub fn empty_like(other: &Bits) -> Self {
        Self { words: vec![0; other.words.len()] }
    }

    #[inline]
    pub fn insert(&mut self, doc: DocId) {
        if let Some(w) = self.words.get_mut((doc / 64) as usize) {
            *w |= 1 << (doc % 64);
        }
    }

    pub fn remove(&mut self, doc: DocId) {
        if let Some(w) = self.words.get_mut((doc / 64) as usize) {
            *w &= !(1 << (doc % 64));
        }
    }

    /// The 64-document words, document `64 * i + b` at bit `b` of word `i`.
    #[inline]
    pub fn words(&self) -> &[u64] {
        &self.words
    }

    #[inline]
    pub fn words_mut(&mut self) -> &mut [u64] {
        &mut self.words
    }

    #[inline]
    pub fn contains(&self, doc: DocId) -> bool {
        self.words.get((doc / 64) as usize).is_some_and(|w| w & (1 << (doc % 64)) != 0)
    }

    pub fn and(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    pub fn or(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    /// Removes the documents of `other`.
    pub fn and_not(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= !b;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    /// Heap bytes.
    pub fn bytes(&self) -> usize {
        self.words.len() * 8
    }

    /// Calls `f` with every document in ascending order (faster than [`Bits::iter`]: no
    /// nested iterator state between documents).
    #[inline]
    pub fn for_each(&self, mut f: impl FnMut(DocId)) {
        for (i, &w) in self.words.iter().enumerate() {
            let base = (i as u32) * 64;
            let mut w = w;
            while w != 0 {
                f(base + w.trailing_zeros());
                w &= w - 1;
            }
        }
    }

    /// Fills from a posting list; returns the largest term frequency seen (0 when empty).
    pub fn fill(&mut self, postings: &mut BlockSegmentPostings) -> u32 {
        let mut tf_max = 0;
        loop {
            let docs = postings.docs();
            if docs.is_empty() {
                return tf_max;
            }
            for &doc in docs {
                self.insert(doc);
            }
            tf_max = postings.freqs().iter().copied().fold(tf_max, u32::max);
            postings.advance();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(max: u32, docs: &[u32]) -> Bits {
        let mut b = Bits::empty(max);
        for d in docs {
            b.insert(*d);
        }
        b
    }

    fn docs(b: &Bits) -> Vec<u32> {
        let mut out = Vec::new();
        b.for_each(|d| out.push(d));
        out
    }

    #[test]
    fn set_operations_and_iteration() {
        let mut a = of(200, &[0, 5, 63, 64, 130, 199]);
        let b = of(200, &[5, 64, 131, 199]);
        assert_eq!(docs(&a), vec![0, 5, 63, 64, 130, 199]);
        assert!(a.contains(63) && !a.contains(62) && !a.contains(1000));
        let mut i = a.clone();
        i.and(&b);
        assert_eq!(docs(&i), vec![5, 64, 199]);
        let mut u = a.clone();
        u.or(&b);
        assert_eq!(docs(&u).len(), 7);
        a.and_not(&b);
        assert_eq!(docs(&a), vec![0, 63, 130]);
        assert!(Bits::empty(10).is_empty());
        let mut full = Bits::full(130);
        assert_eq!(docs(&full).len(), 130);
        full.remove(129);
        assert_eq!(docs(&full).last(), Some(&128));
        assert_eq!(docs(&Bits::full(128)).len(), 128);
        // A doc id past the end is ignored, not a panic.
        let mut small = Bits::empty(3);
        small.insert(500);
        assert!(small.is_empty());
    }
}

//! The dense posting lists of a segment's text fields, held as bitsets.
//!
//! A syllable pair such as 클라 or 우드 is in most of a cloud catalog's descriptions. Walking
//! such a list document by document is what made broad searches slow; as a bitset, matching a
//! word against it is a few thousand word operations. A term is held when it is in at least
//! 1/[`DENSE_DIVISOR`] of the segment's documents, where the bitset is no larger than a few
//! bits a posting; rarer terms are read from their posting lists when a search needs them.
//! Built once per segment (segments are immutable) when the segment is first searched or the
//! index is warmed, for every dense term, whatever is searched.

use crate::bits::Bits;
use crate::schema::Fields;
use std::collections::HashMap;
use tantivy::SegmentReader;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::BlockSegmentPostings;
use tantivy::schema::IndexRecordOption;

/// A term is dense when `doc_freq * DENSE_DIVISOR >= max_doc`.
pub const DENSE_DIVISOR: u64 = 32;

/// One term's documents in one field, with what bounds its BM25 score there.
#[derive(Clone)]
pub struct TermDocs {
    pub bits: Bits,
    /// The largest term frequency of the term in the field.
    pub tf_max: u32,
    /// The smallest fieldnorm id of the documents that have it.
    pub min_norm: u8,
}

impl TermDocs {
    /// Reads a posting list; `None` when the term is not in the field. `min_norm`: the field's
    /// smallest fieldnorm id in the segment (a bound; the documents' own are not read).
    pub fn read(reader: &SegmentReader, field: tantivy::schema::Field, term: &str, min_norm: u8) -> tantivy::Result<Option<Self>> {
        let inverted = reader.inverted_index(field)?;
        let t = tantivy::Term::from_field_text(field, term);
        let Some(mut postings) = inverted.read_block_postings(&t, IndexRecordOption::WithFreqs)? else {
            return Ok(None);
        };
        let mut bits = Bits::empty(reader.max_doc());
        let tf_max = bits.fill(&mut postings);
        Ok(Some(Self { bits, tf_max, min_norm }))
    }

    fn fill(max_doc: u32, postings: &mut BlockSegmentPostings, norms: &FieldNormReader) -> Self {
        let mut bits = Bits::empty(max_doc);
        let (mut tf_max, mut min_norm) = (0, u8::MAX);
        loop {
            let docs = postings.docs();
            if docs.is_empty() {
                break;
            }
            for &doc in docs {
                bits.insert(doc);
                min_norm = min_norm.min(norms.fieldnorm_id(doc));
            }
            tf_max = postings.freqs().iter().copied().fold(tf_max, u32::max);
            postings.advance();
        }
        Self { bits, tf_max, min_norm: if tf_max == 0 { 0 } else { min_norm } }
    }
}

/// The dense terms of one segment, by text field (in [`Fields::text`] order).
#[derive(Default)]
pub struct DenseTerms {
    by_field: Vec<HashMap<Vec<u8>, TermDocs>>,
    /// By field: the smallest fieldnorm id of a document with text in it.
    min_norm: Vec<u8>,
    /// Every document's fieldnorm id by field, a byte a document: the ranking reads the fields
    /// of many documents in ascending order, 64 of them a cache line. (A row of all fields a
    /// document was tried for the exact score: a cache miss for nearly every document it read,
    /// where the column of the field just read for the first bound is already in cache; the
    /// columns alone made the in-process searches 12–15% faster at 1M.)
    columns: Vec<Vec<u8>>,
    /// By field: every document's fieldnorm id rounded down to one of [`BANDS`] values, half a
    /// byte a document (see [`Bands`]).
    bands: Vec<Bands>,
}

/// Values a [`Bands`] column rounds fieldnorm ids down to.
pub const BANDS: usize = 16;

/// A field's fieldnorm ids rounded down to at most [`BANDS`] values, four bits a document: a
/// cache line holds 128 documents' (the byte column, 64), and the ranking's second bound,
/// which reads it for every document that reaches it, touches the byte columns only for the
/// documents whose rounded lengths could still reach the page. The values are the field's
/// quantiles in the segment, so each band holds about as many documents; with at most
/// [`BANDS`] distinct lengths in the field the rounding is exact.
#[derive(Default)]
struct Bands {
    /// The smallest fieldnorm id of each band, ascending.
    floor: [u8; BANDS],
    /// Band indexes, 16 documents a word.
    packed: Vec<u64>,
}

impl Bands {
    fn build(column: &[u8]) -> Self {
        let mut histogram = [0u64; 256];
        for &n in column {
            if let Some(h) = histogram.get_mut(usize::from(n)) {
                *h += 1;
            }
        }
        let distinct: Vec<u8> = (0..=255u8).filter(|n| histogram.get(usize::from(*n)).is_some_and(|h| *h > 0)).collect();
        let mut floor = [0u8; BANDS];
        let mut bands = 0;
        if distinct.len() <= BANDS {
            for (f, n) in floor.iter_mut().zip(&distinct) {
                *f = *n;
            }
            bands = distinct.len();
        } else {
            // A band starts where the documents before it pass its share of the column.
            let total = column.len() as u64;
            let mut seen = 0u64;
            for n in distinct {
                let share = total * bands as u64 / BANDS as u64;
                if bands < BANDS && (bands == 0 || seen >= share) {
                    if let Some(f) = floor.get_mut(bands) {
                        *f = n;
                    }
                    bands += 1;
                }
                seen += histogram.get(usize::from(n)).copied().unwrap_or(0);
            }
        }
        // By fieldnorm id, its band: the last whose floor is not above it.
        let mut band_of = [0u8; 256];
        for (n, b) in band_of.iter_mut().enumerate() {
            *b = floor.iter().take(bands.max(1)).rposition(|f| usize::from(*f) <= n).unwrap_or(0) as u8;
        }
        let mut packed = vec![0u64; column.len().div_ceil(16)];
        for (doc, &n) in column.iter().enumerate() {
            if let Some(w) = packed.get_mut(doc / 16) {
                *w |= u64::from(band_of.get(usize::from(n)).copied().unwrap_or(0)) << (4 * (doc % 16));
            }
        }
        Self { floor, packed }
    }

    /// The smallest fieldnorm id of `doc`'s band: at most its own (0 past the column).
    #[inline]
    fn floor(&self, doc: u32) -> u8 {
        let Some(w) = self.packed.get(doc as usize / 16) else {
            return 0;
        };
        self.floor.get(((w >> (4 * (doc % 16))) & 0xf) as usize).copied().unwrap_or(0)
    }
}

/// The number of text fields.
pub const FIELDS: usize = 7;

impl DenseTerms {
    pub fn build(reader: &SegmentReader, fields: &Fields) -> tantivy::Result<Self> {
        let max_doc = u64::from(reader.max_doc());
        let mut by_field = Vec::with_capacity(fields.text.len());
        let mut min_norm = Vec::with_capacity(fields.text.len());
        let mut columns = Vec::with_capacity(FIELDS);
        let mut bands = Vec::with_capacity(FIELDS);
        for (field, _) in fields.text {
            let inverted = reader.inverted_index(field)?;
            let norms = reader.get_fieldnorms_reader(field)?;
            let mut least = u8::MAX;
            let mut column = Vec::with_capacity(reader.max_doc() as usize);
            for doc in 0..reader.max_doc() {
                let norm = norms.fieldnorm_id(doc);
                column.push(norm);
                if norm > 0 {
                    least = least.min(norm);
                }
            }
            bands.push(Bands::build(&column));
            columns.push(column);
            min_norm.push(if least == u8::MAX { 0 } else { least });
            let mut terms = HashMap::new();
            let mut stream = inverted.terms().stream()?;
            while stream.advance() {
                let info = stream.value();
                if u64::from(info.doc_freq) * DENSE_DIVISOR < max_doc {
                    continue;
                }
                let mut postings = inverted.read_block_postings_from_terminfo(info, IndexRecordOption::WithFreqs)?;
                terms.insert(stream.key().to_vec(), TermDocs::fill(reader.max_doc(), &mut postings, &norms));
            }
            by_field.push(terms);
        }
        Ok(Self { by_field, min_norm, columns, bands })
    }

    /// The term's documents in the field of position `field` in [`Fields::text`], when dense.
    pub fn get(&self, field: usize, term: &str) -> Option<&TermDocs> {
        self.by_field.get(field).and_then(|m| m.get(term.as_bytes()))
    }

    /// The fieldnorm id of `doc` in the text field of position `field`.
    #[inline]
    pub fn norm(&self, doc: u32, field: usize) -> u8 {
        self.columns.get(field).and_then(|c| c.get(doc as usize)).copied().unwrap_or(0)
    }

    /// A fieldnorm id not above `doc`'s in the text field of position `field`: its band's
    /// smallest (see [`Bands`]).
    #[inline]
    pub fn norm_floor(&self, doc: u32, field: usize) -> u8 {
        self.bands.get(field).map_or(0, |b| b.floor(doc))
    }

    /// The smallest fieldnorm id of a document with text in the field of position `field`.
    pub fn min_norm(&self, field: usize) -> u8 {
        self.min_norm.get(field).copied().unwrap_or(0)
    }

    /// Held terms, and the heap bytes of their bitsets and of the fieldnorm columns (for
    /// diagnostics).
    pub fn size(&self) -> (usize, usize) {
        let terms = self.by_field.iter().map(HashMap::len).sum();
        let bytes = self.by_field.iter().flat_map(|m| m.values()).map(|t| t.bits.bytes()).sum::<usize>()
            + self.columns.iter().map(Vec::len).sum::<usize>()
            + self.bands.iter().map(|b| b.packed.len() * 8).sum::<usize>();
        (terms, bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// A band's floor is never above a document's own fieldnorm id, is its own when the
        /// field has few distinct lengths, and the bands split a long tail about evenly.
        #[test]
        fn bands_round_lengths_down(column in proptest::collection::vec(any::<u8>(), 1..3000), few in proptest::collection::vec(0u8..16, 1..500)) {
            let bands = Bands::build(&column);
            for (doc, n) in column.iter().enumerate() {
                prop_assert!(bands.floor(doc as u32) <= *n, "doc {doc}: floor {} above {n}", bands.floor(doc as u32));
            }
            let exact = Bands::build(&few.iter().map(|n| n * 3).collect::<Vec<u8>>());
            for (doc, n) in few.iter().enumerate() {
                prop_assert_eq!(exact.floor(doc as u32), n * 3);
            }
        }
    }

    /// Lengths 0..=255, each once: every band of 16 holds 16 of them.
    #[test]
    fn bands_are_quantiles() {
        let column: Vec<u8> = (0..=255).collect();
        let bands = Bands::build(&column);
        for (doc, n) in column.iter().enumerate() {
            assert_eq!(bands.floor(doc as u32), n - n % 16, "doc {doc}");
        }
    }
}

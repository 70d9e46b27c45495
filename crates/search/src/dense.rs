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
}

/// The number of text fields.
pub const FIELDS: usize = 7;

impl DenseTerms {
    pub fn build(reader: &SegmentReader, fields: &Fields) -> tantivy::Result<Self> {
        let max_doc = u64::from(reader.max_doc());
        let mut by_field = Vec::with_capacity(fields.text.len());
        let mut min_norm = Vec::with_capacity(fields.text.len());
        let mut columns = Vec::with_capacity(FIELDS);
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
        Ok(Self { by_field, min_norm, columns })
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

    /// The smallest fieldnorm id of a document with text in the field of position `field`.
    pub fn min_norm(&self, field: usize) -> u8 {
        self.min_norm.get(field).copied().unwrap_or(0)
    }

    /// Held terms, and the heap bytes of their bitsets and of the fieldnorm columns (for
    /// diagnostics).
    pub fn size(&self) -> (usize, usize) {
        let terms = self.by_field.iter().map(HashMap::len).sum();
        let bytes = self.by_field.iter().flat_map(|m| m.values()).map(|t| t.bits.bytes()).sum::<usize>()
            + self.columns.iter().map(Vec::len).sum::<usize>();
        (terms, bytes)
    }
}

//! The text engine: matching and relevance for searches whose words are whole terms (a Latin
//! word, or the syllable pairs of a Hangul word of two or more syllables; a one-syllable word
//! goes through tantivy's query, see [`crate::query`]).
//!
//! Matching is the rule of docs/RULES.md#matching: a word matches a document when all of its
//! terms are in one of the seven text fields, and every word must match. Each (word, field) is the
//! intersection of its terms' documents as bitsets ([`crate::dense`] holds the dense ones), a
//! word is their union and the query their intersection: word operations, not a walk of every
//! posting. The collector then filters and counts facets over the matches.
//!
//! Relevance is tantivy's BM25 with the same weights (its own `Bm25Weight`, statistics over the
//! whole index): a field's score is its weight times the sum of its terms' BM25, a word's score
//! the best field plus [`TIE_BREAKER`] times the others, a document's the sum over words. Only
//! the documents that could enter the page are scored exactly: the matches are split into
//! classes by the best field each word matched in, each class has an upper bound from the
//! fields' largest term frequency and shortest length, classes are visited from the highest
//! bound and the walk stops when a bound falls below the score the page already needs; within a
//! class a document's own field lengths bound it again before its term frequencies are read.
//! The bounds only skip work: a document is left out only when even its bound cannot reach the
//! page, so the result is the same as scoring every match (a test compares both).

use crate::bits::Bits;
use crate::cache::Static;
use crate::collect::{CatalogCollector, CatalogSegmentCollector, Fruit};
use crate::dense::TermDocs;
use crate::schema::Fields;
use crate::tokenizer::{GureumTokenizer, Unit};
use std::borrow::Cow;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::Bm25Weight;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

mod rank;

/// Matches, filters, counts and ranks one segment: the documents `text` matches (every live
/// document without text) that have one of the `tags` (when any are given).
pub fn collect_segment(
    text: Option<&TextQuery>,
    collector: &CatalogCollector,
    ord: SegmentOrdinal,
    reader: &SegmentReader,
    tags: &[Term],
) -> tantivy::Result<Fruit> {
    let mut child = collector.for_segment(ord, reader)?;
    let statics = collector.cache.statics(reader)?;
    let alive = collector.cache.alive(reader);
    let m = match text {
        Some(t) => Some(t.match_segment(reader, &statics)?),
        None => None,
    };
    let mut matched = match &m {
        Some(m) => {
            let mut b = m.matched.clone();
            b.and(&alive);
            b
        }
        None => Bits::clone(&alive),
    };
    if !tags.is_empty() {
        let mut tagged = Bits::empty(reader.max_doc());
        for term in tags {
            if let Some(mut p) = reader.inverted_index(term.field())?.read_block_postings(term, IndexRecordOption::Basic)? {
                tagged.fill(&mut p);
            }
        }
        matched.and(&tagged);
    }
    let ranked = child.collect_bits(&matched);
    if let (Some(t), Some(m)) = (text, &m)
        && collector.requires_scoring()
        && !ranked.is_empty()
    {
        t.rank(reader, &statics, m, &ranked, &mut child)?;
    }
    Ok(child.harvest())
}

/// One word's terms in one field, with the field's weight and each term's BM25 weight.
struct FieldTerms {
    field: Field,
    boost: Score,
    terms: Vec<(Term, Bm25Weight)>,
}

/// A parsed free-text query of whole-term words.
pub struct TextQuery {
    /// By word, by text field (in [`Fields::text`] order).
    units: Vec<Vec<FieldTerms>>,
    /// Score every match, without bounds (for tests comparing both).
    exhaustive: bool,
}

/// One word's documents in one field of a segment.
struct FieldMatch<'a> {
    bits: Cow<'a, Bits>,
    /// By term: (largest term frequency, smallest fieldnorm id).
    bounds: Vec<(u32, u8)>,
}

/// A segment's matches: by word, by field; and the documents every word matches.
struct SegmentMatch<'a> {
    fields: Vec<Vec<Option<FieldMatch<'a>>>>,
    matched: Bits,
}

impl TextQuery {
    /// `None` when the text has no word, or a one-syllable Hangul word (tantivy's query handles
    /// those).
    pub fn new(text: &str, fields: &Fields, searcher: &Searcher) -> tantivy::Result<Option<Self>> {
        let mut tokenizer = GureumTokenizer::default();
        let mut units = Vec::new();
        for word in text.split_whitespace() {
            for unit in tokenizer.units(word) {
                let Unit::Terms(terms) = unit else {
                    return Ok(None);
                };
                let mut per_field = Vec::with_capacity(fields.text.len());
                for (field, boost) in fields.text {
                    let mut weighted = Vec::with_capacity(terms.len());
                    for t in &terms {
                        let term = Term::from_field_text(field, t);
                        let weight = Bm25Weight::for_terms(searcher, std::slice::from_ref(&term))?;
                        weighted.push((term, weight));
                    }
                    per_field.push(FieldTerms { field, boost, terms: weighted });
                }
                units.push(per_field);
            }
        }
        Ok((!units.is_empty()).then_some(Self { units, exhaustive: false }))
    }

    /// Scores every match instead of bounding (same answers, slower; to compare).
    pub fn exhaustive(mut self) -> Self {
        self.exhaustive = true;
        self
    }

    fn match_segment<'a>(&self, reader: &SegmentReader, statics: &'a Static) -> tantivy::Result<SegmentMatch<'a>> {
        let mut matched: Option<Bits> = None;
        let mut fields = Vec::with_capacity(self.units.len());
        for unit in &self.units {
            let mut any: Option<Bits> = None;
            let mut per_field = Vec::with_capacity(unit.len());
            for (fi, ft) in unit.iter().enumerate() {
                let fm = field_match(reader, statics, fi, ft)?;
                if let Some(fm) = &fm {
                    match &mut any {
                        None => any = Some(fm.bits.clone().into_owned()),
                        Some(a) => a.or(&fm.bits),
                    }
                }
                per_field.push(fm);
            }
            let any = any.unwrap_or_else(|| Bits::empty(reader.max_doc()));
            matched = Some(match matched {
                None => any,
                Some(mut m) => {
                    m.and(&any);
                    m
                }
            });
            fields.push(per_field);
        }
        Ok(SegmentMatch { fields, matched: matched.unwrap_or_else(|| Bits::empty(reader.max_doc())) })
    }
}

/// A word's documents in one field: the intersection of its terms' documents.
fn field_match<'a>(reader: &SegmentReader, statics: &'a Static, fi: usize, ft: &FieldTerms) -> tantivy::Result<Option<FieldMatch<'a>>> {
    let mut bits: Option<Cow<'a, Bits>> = None;
    let mut bounds = Vec::with_capacity(ft.terms.len());
    for (term, _) in &ft.terms {
        let value = term.value();
        let text = value.as_str().unwrap_or_default();
        let docs: Cow<'a, TermDocs> = match statics.dense.get(fi, text) {
            Some(d) => Cow::Borrowed(d),
            None => match TermDocs::read(reader, ft.field, text, statics.dense.min_norm(fi))? {
                Some(d) => Cow::Owned(d),
                None => return Ok(None),
            },
        };
        bounds.push((docs.tf_max, docs.min_norm));
        bits = Some(match bits {
            None => match docs {
                Cow::Borrowed(d) => Cow::Borrowed(&d.bits),
                Cow::Owned(d) => Cow::Owned(d.bits),
            },
            Some(b) => {
                let mut b = b.into_owned();
                b.and(&docs.bits);
                Cow::Owned(b)
            }
        });
    }
    Ok(match bits {
        Some(b) if !b.is_empty() => Some(FieldMatch { bits: b, bounds }),
        _ => None,
    })
}

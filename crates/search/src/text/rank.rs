//! Relevance ranking of a segment's matches for [`TextQuery`]: score classes by each word's
//! best-bounded field, per-document bounds from fieldnorms, exact scores only for documents
//! whose bound can reach the page (see the parent module's documentation).

use super::*;
use crate::dense::DenseTerms;
use crate::query::TIE_BREAKER;
use std::sync::Arc;
use tantivy::DocSet;
use tantivy::index::InvertedIndexReader;
use tantivy::postings::{Postings, SegmentPostings};

/// Upper bounds are raised by this factor, so that float rounding never leaves out a document
/// whose score equals the page's threshold (ties are then ordered by the fair key).
const BOUND_MARGIN: Score = 1.0001;
/// At most this many score classes per segment (fields of one word are merged beyond it).
const MAX_CLASSES: usize = 64;

/// One word's documents whose best-bounded matching field is the same, and the bound on the
/// word's score there.
struct Group {
    bound: Score,
    /// That field and the better-bounded fields before it (whose documents are in earlier
    /// groups); `None` for a merged group (all of the word's matches).
    fields: Option<(usize, Vec<usize>)>,
    /// That field (position in the word's [`Actives`]): with `later`, per-document bounds
    /// from its fieldnorm and the field's table. `None` for merged groups.
    top: Option<usize>,
    /// The word's fields after it (position in its [`Actives`], bound over the segment), best
    /// bound first.
    later: Vec<(usize, Score)>,
}

impl Group {
    /// A bound on the word's score in a document of the group whose score in the group's
    /// field is at most `top`, matching at most the later fields that `matches` lets through.
    /// A word's score is (1 − t)·max + t·sum over its fields (t the tie-breaker), and every
    /// later field scores at most its bound, so the maximum is at most the larger of `top` and
    /// the best later bound.
    #[inline]
    fn doc_bound(&self, top: Score, mut matches: impl FnMut(usize) -> bool) -> Score {
        self.doc_bound_by(top, |i, b| matches(i).then_some(b))
    }

    /// The same with each later field's bound given by `later(field, bound over the segment)`:
    /// `None` where the document does not match it, else a bound at most the segment's.
    #[inline]
    fn doc_bound_by(&self, top: Score, mut later: impl FnMut(usize, Score) -> Option<Score>) -> Score {
        let (mut max, mut sum) = (top, top);
        for (i, b) in &self.later {
            if let Some(b) = later(*i, *b) {
                max = max.max(b);
                sum += b;
            }
        }
        (1.0 - TIE_BREAKER) * max + TIE_BREAKER * sum
    }
}

/// By fieldnorm id, a word's score in one field with its terms' largest frequencies in the
/// segment; `exact` when those are all 1, so that the table is the score of every document.
struct FieldTable {
    by_norm: Box<[Score; 256]>,
    exact: bool,
}

/// A word's score in a field: its weight times the sum of its terms' BM25 (one order of
/// operations for scores, bounds and tables).
#[inline]
fn field_value(ft: &FieldTerms, norm: u8, mut tf: impl FnMut(usize) -> tantivy::Result<u32>) -> tantivy::Result<Score> {
    let mut s: Score = 0.0;
    for (ti, (_, weight)) in ft.terms.iter().enumerate() {
        s += weight.score(norm, tf(ti)?);
    }
    Ok(s * ft.boost)
}

impl FieldTable {
    fn new(ft: &FieldTerms, fm: &FieldMatch) -> Self {
        let mut by_norm = Box::new([0.0; 256]);
        for (norm, v) in by_norm.iter_mut().enumerate() {
            *v = field_value(ft, norm as u8, |ti| Ok(fm.bounds.get(ti).map_or(1, |b| b.0))).unwrap_or(Score::MAX);
        }
        Self { by_norm, exact: fm.bounds.iter().all(|b| b.0 <= 1) }
    }

    #[inline]
    fn get(&self, norm: u8) -> Score {
        self.by_norm[usize::from(norm)]
    }
}

/// A field a word matches in, in a segment: the documents and the score table.
struct Active<'a> {
    /// Position in [`Fields::text`].
    fi: usize,
    bits: &'a Bits,
    table: FieldTable,
}

/// By word: the fields it matches in, in [`Fields::text`] order (the order every score and
/// bound sums them in).
type Actives<'a> = Vec<Vec<Active<'a>>>;

impl TextQuery {
    /// The score of `doc` given `field(word, field, fieldnorm id)`, the word's score in a
    /// field it matches in (the true one gives the document's score; a bound on it, a bound).
    #[inline]
    fn score_doc(
        actives: &Actives,
        norms: &DenseTerms,
        doc: DocId,
        mut field: impl FnMut(usize, &Active, u8) -> tantivy::Result<Score>,
    ) -> tantivy::Result<Score> {
        let mut total: Score = 0.0;
        for (u, fields) in actives.iter().enumerate() {
            let (mut max, mut sum): (Score, Score) = (0.0, 0.0);
            for a in fields {
                if !a.bits.contains(doc) {
                    continue;
                }
                let s = field(u, a, norms.norm(doc, a.fi))?;
                max = max.max(s);
                sum += s;
            }
            total += max + (sum - max) * TIE_BREAKER;
        }
        Ok(total)
    }

    /// Ranks the result documents `ranked` of a segment by relevance into `col`.
    pub(super) fn rank(
        &self,
        reader: &SegmentReader,
        statics: &Static,
        m: &SegmentMatch,
        ranked: &Bits,
        col: &mut CatalogSegmentCollector,
    ) -> tantivy::Result<()> {
        let norms = &statics.dense;
        let first = self.units.first().map(Vec::as_slice).unwrap_or_default();
        let inverted = first.iter().map(|ft| reader.inverted_index(ft.field)).collect::<tantivy::Result<Vec<_>>>()?;
        let actives: Actives = self
            .units
            .iter()
            .zip(&m.fields)
            .map(|(unit, fms)| {
                unit.iter()
                    .zip(fms)
                    .enumerate()
                    .filter_map(|(fi, (ft, fm))| fm.as_ref().map(|fm| Active { fi, bits: &fm.bits, table: FieldTable::new(ft, fm) }))
                    .collect()
            })
            .collect();
        let groups = if self.exhaustive {
            vec![vec![Group { bound: Score::MAX, fields: None, top: None, later: Vec::new() }]]
        } else {
            self.groups(m, &actives)
        };
        for (bound, class) in classes(&groups) {
            if !col.can_enter(bound * BOUND_MARGIN) {
                break;
            }
            // The class's documents, made only for the classes visited.
            let mut docs = ranked.clone();
            for (u, g) in class.iter().enumerate() {
                let Some((own, before)) = groups.get(u).and_then(|gs| gs.get(*g)).and_then(|g| g.fields.as_ref()) else {
                    continue;
                };
                let bits = |fi: usize| m.fields.get(u).and_then(|f| f.get(fi)).and_then(Option::as_ref).map(|fm| &fm.bits);
                match bits(*own) {
                    Some(b) => docs.and(b),
                    None => docs = Bits::empty_like(ranked),
                }
                for fi in before {
                    if let Some(b) = bits(*fi) {
                        docs.and_not(b);
                    }
                }
            }
            let picked: Vec<(usize, &Group)> =
                class.iter().enumerate().filter_map(|(u, g)| groups.get(u).and_then(|gs| gs.get(*g)).map(|g| (u, g))).collect();
            // The class's documents from the shortest first word's best field to the longest, so
            // that the page's threshold rises early and the documents whose field is too long
            // to reach it are left as whole buckets, unread. Within a bucket, each document's own
            // bounds, then its score (posting cursors move forward only: one set a bucket).
            let lead = picked.first().and_then(|(u, g)| g.top.and_then(|i| actives.get(*u)?.get(i)).map(|a| (*g, a)));
            let buckets = match (&lead, self.exhaustive) {
                (Some((_, a)), false) => by_norm(&docs, |d| norms.norm(d, a.fi)),
                _ => vec![(0, docs_of(&docs))],
            };
            let others: Score = picked.iter().skip(1).map(|(_, g)| g.bound).sum();
            for (norm, bucket) in buckets {
                if let Some((g, a)) = &lead
                    && !self.exhaustive
                    && !col.can_enter((g.doc_bound(a.table.get(norm), |_| true) + others) * BOUND_MARGIN)
                {
                    continue;
                }
                let mut cursors = Cursors::new(self, &inverted);
                for doc in bucket {
                    self.rank_doc(norms, &actives, &picked, &mut cursors, col, doc)?;
                }
            }
        }
        Ok(())
    }

    /// Bounds, then scores, one document of a class.
    fn rank_doc(
        &self,
        norms: &DenseTerms,
        actives: &Actives,
        picked: &[(usize, &Group)],
        cursors: &mut Cursors,
        col: &mut CatalogSegmentCollector,
        doc: DocId,
    ) -> tantivy::Result<()> {
        if !self.exhaustive {
            // From each word's best field's length, first with every later field, then with
            // the later fields it matches in, each bounded from its length's band (other
            // orders of operations than the score's, hence the margin).
            let top =
                |u: usize, g: &Group| g.top.and_then(|i| actives.get(u).and_then(|a| a.get(i))).map(|a| a.table.get(norms.norm(doc, a.fi)));
            let first: Score = picked
                .iter()
                .map(|(u, g)| match top(*u, g) {
                    Some(t) => g.doc_bound(t, |_| true),
                    None => g.bound,
                })
                .sum();
            if !col.can_enter(first * BOUND_MARGIN) {
                return Ok(());
            }
            let second: Score = picked
                .iter()
                .map(|(u, g)| match top(*u, g) {
                    Some(t) => {
                        // Each later field it matches in, from its length rounded down to its
                        // band (half a byte a document, mostly in cache; see `dense::Bands`).
                        let word = actives.get(*u).map(Vec::as_slice).unwrap_or_default();
                        g.doc_bound_by(t, |i, b| {
                            let a = word.get(i)?;
                            a.bits.contains(doc).then(|| b.min(a.table.get(norms.norm_floor(doc, a.fi))))
                        })
                    }
                    None => g.bound,
                })
                .sum();
            if !col.can_enter(second * BOUND_MARGIN) {
                return Ok(());
            }
            // The same operations as the score with the largest term frequencies: exact when
            // they are the document's, so a tie is decided by the fair key here already.
            let bound = Self::score_doc(actives, norms, doc, |_, a, norm| Ok(a.table.get(norm)))?;
            if !col.can_enter_exact(bound, doc) {
                return Ok(());
            }
        }
        let score = Self::score_doc(actives, norms, doc, |u, a, norm| {
            if a.table.exact {
                return Ok(a.table.get(norm));
            }
            match self.units.get(u).and_then(|f| f.get(a.fi)) {
                Some(ft) => field_value(ft, norm, |ti| cursors.tf(self, u, a.fi, ti, doc)),
                None => Ok(0.0),
            }
        })?;
        col.offer_scored(doc, score);
        Ok(())
    }

    /// By word: its matches in `ranked` split by the best-bounded field they match in, with
    /// each group's bound on the word's score; merged when there would be too many classes.
    fn groups(&self, m: &SegmentMatch, actives: &Actives) -> Vec<Vec<Group>> {
        let mut out: Vec<Vec<Group>> = Vec::with_capacity(self.units.len());
        for (u, unit) in self.units.iter().enumerate() {
            let word = actives.get(u).map(Vec::as_slice).unwrap_or_default();
            // (position in the word's actives, field, bound), best bound first.
            let mut fields: Vec<(usize, usize, Score)> = word
                .iter()
                .enumerate()
                .filter_map(|(i, a)| {
                    let fm = m.fields.get(u)?.get(a.fi)?.as_ref()?;
                    Some((i, a.fi, field_bound(unit.get(a.fi)?, fm)))
                })
                .collect();
            fields.sort_by(|a, b| b.2.total_cmp(&a.2));
            let mut groups = Vec::with_capacity(fields.len());
            for (i, (idx, fi, bound)) in fields.iter().enumerate() {
                let later: Vec<(usize, Score)> = fields.iter().skip(i + 1).map(|f| (f.0, f.2)).collect();
                let rest: Score = later.iter().map(|l| l.1).sum::<Score>() * TIE_BREAKER;
                let before = fields.iter().take(i).map(|f| f.1).collect();
                groups.push(Group { bound: bound + rest, fields: Some((*fi, before)), top: Some(*idx), later });
            }
            out.push(groups);
        }
        // Too many classes: the word with the most groups becomes one group (its first bound).
        while out.iter().map(Vec::len).product::<usize>() > MAX_CLASSES {
            let Some(widest) = out.iter_mut().max_by_key(|g| g.len()) else {
                break;
            };
            if let Some(first) = widest.first() {
                *widest = vec![Group { bound: first.bound, fields: None, top: None, later: Vec::new() }];
            }
        }
        out
    }
}

/// The documents of `docs` in buckets of equal `norm`, by ascending norm; ascending within one.
fn by_norm(docs: &Bits, norm: impl Fn(DocId) -> u8) -> Vec<(u8, Vec<DocId>)> {
    let mut buckets: Vec<Vec<DocId>> = vec![Vec::new(); 256];
    docs.for_each(|d| {
        if let Some(b) = buckets.get_mut(usize::from(norm(d))) {
            b.push(d);
        }
    });
    buckets.into_iter().enumerate().filter(|(_, b)| !b.is_empty()).map(|(n, b)| (n as u8, b)).collect()
}

fn docs_of(docs: &Bits) -> Vec<DocId> {
    let mut out = Vec::new();
    docs.for_each(|d| out.push(d));
    out
}

/// Every combination of one group per word, with its bound, highest first.
fn classes(groups: &[Vec<Group>]) -> Vec<(Score, Vec<usize>)> {
    let mut out: Vec<(Score, Vec<usize>)> = vec![(0.0, Vec::new())];
    for word in groups {
        let mut next = Vec::with_capacity(out.len() * word.len());
        for (bound, picks) in &out {
            for (i, g) in word.iter().enumerate() {
                let mut p = picks.clone();
                p.push(i);
                next.push((bound + g.bound, p));
            }
        }
        out = next;
    }
    out.sort_by(|a, b| b.0.total_cmp(&a.0));
    out
}

/// An upper bound of the word's score in the field over the whole segment.
fn field_bound(ft: &FieldTerms, fm: &FieldMatch) -> Score {
    let s: Score = ft.terms.iter().zip(&fm.bounds).map(|((_, w), (tf, norm))| w.score(*norm, *tf)).sum();
    s * ft.boost
}

/// Posting-list cursors of one class, opened when first needed and moved forward only.
struct Cursors<'r> {
    inverted: &'r [Arc<InvertedIndexReader>],
    /// By word, field, term.
    open: Vec<Vec<Vec<Option<SegmentPostings>>>>,
}

impl<'r> Cursors<'r> {
    fn new(q: &TextQuery, inverted: &'r [Arc<InvertedIndexReader>]) -> Self {
        let open = q.units.iter().map(|unit| unit.iter().map(|ft| ft.terms.iter().map(|_| None).collect()).collect()).collect();
        Self { inverted, open }
    }

    /// The term frequency of term `ti` of word `u` in field `fi` of `doc` (documents asked in
    /// ascending order).
    fn tf(&mut self, q: &TextQuery, u: usize, fi: usize, ti: usize, doc: DocId) -> tantivy::Result<u32> {
        let (Some(slot), Some((term, _)), Some(inverted)) = (
            self.open.get_mut(u).and_then(|f| f.get_mut(fi)).and_then(|t| t.get_mut(ti)),
            q.units.get(u).and_then(|f| f.get(fi)).and_then(|ft| ft.terms.get(ti)),
            self.inverted.get(fi),
        ) else {
            return Ok(1);
        };
        if slot.is_none() {
            *slot = inverted.read_postings(term, IndexRecordOption::WithFreqs)?;
        }
        let Some(postings) = slot else {
            return Ok(1);
        };
        if postings.doc() < doc {
            postings.seek(doc);
        }
        Ok(if postings.doc() == doc { postings.term_freq() } else { 1 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A word's score from its fields' scores, as [`TextQuery::score_doc`] combines them.
    fn dismax(scores: &[Score]) -> Score {
        let max = scores.iter().copied().fold(0.0, Score::max);
        let sum: Score = scores.iter().sum();
        max + (sum - max) * TIE_BREAKER
    }

    proptest! {
        /// The per-document bound holds whichever field scores highest in the document, even
        /// when a later field (lower bound over the segment) beats the group's field there.
        #[test]
        fn a_group_bound_is_never_below_the_score(
            top_bound in 0.0f32..50.0,
            top_part in 0.0f32..=1.0,
            later in proptest::collection::vec((0.0f32..50.0, 0.0f32..=1.0, any::<bool>(), 0.0f32..=1.0), 0..6),
        ) {
            let mut later = later;
            later.sort_by(|a, b| b.0.total_cmp(&a.0));
            let group = Group {
                bound: 0.0,
                fields: None,
                top: Some(0),
                later: later.iter().enumerate().map(|(i, l)| (i, l.0)).collect(),
            };
            let mut scores = vec![top_bound * top_part];
            scores.extend(later.iter().filter(|l| l.2).map(|l| l.0 * l.1));
            let bound = group.doc_bound(top_bound, |i| later.get(i).is_some_and(|l| l.2));
            prop_assert!(dismax(&scores) <= bound * BOUND_MARGIN, "{scores:?} scored above {bound}");
            let loose = group.doc_bound(top_bound, |_| true);
            prop_assert!(bound <= loose * BOUND_MARGIN);
            // With each matched later field bounded from its band (between its score and the
            // segment's bound): still a bound, and never looser.
            let banded = group.doc_bound_by(top_bound, |i, b| {
                let l = later.get(i)?;
                l.2.then_some(l.0 * l.1 + (b - l.0 * l.1) * l.3)
            });
            prop_assert!(dismax(&scores) <= banded * BOUND_MARGIN, "{scores:?} scored above the banded {banded}");
            prop_assert!(banded <= bound * BOUND_MARGIN);
        }
    }
}

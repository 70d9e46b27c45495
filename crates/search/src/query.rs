//! From a [`SearchQuery`] to the base tantivy query (text, exact lookups, tags) and the
//! per-document filter plan the collector evaluates from fast fields.

use crate::cache::{CERTIFIED, GRADE_MASK};
use crate::model::{SearchQuery, Sort};
use crate::schema::{self, Fields};
use crate::tokenizer::{GureumTokenizer, Unit};
use gureum_domain::clock::epoch_day;
use gureum_domain::{BusinessNumber, ServiceCode, ServiceStatus};
use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, EmptyQuery, Occur, Query, RegexQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

/// How much a match in a lower-weighted field adds to the best field's score.
pub(crate) const TIE_BREAKER: f32 = 0.2;

/// What the collector needs to know per document.
#[derive(Debug, Clone)]
pub struct Plan {
    pub day: i64,
    /// Bit `status_code` set for each allowed status.
    pub status_mask: u16,
    /// Bit `kind_code` set for each allowed kind (all bits when no filter).
    pub kind_mask: u8,
    /// `None` = no category filter.
    pub categories: Option<Vec<String>>,
    /// Bit `grade_code` set for each allowed effective grade (all bits when no filter).
    pub grade_mask: u8,
    pub certified: bool,
    pub sme: bool,
    /// Inclusive bounds; `Some` when either price bound is given.
    pub price: Option<(i64, i64)>,
    pub sort: SortMode,
    /// How many of the best documents to keep (page × per_page).
    pub keep: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortMode {
    Score,
    PriceAsc,
    PriceDesc,
    Newest,
    Rating,
    Fair,
}

impl Plan {
    pub fn new(q: &SearchQuery, has_text: bool) -> Self {
        let status_mask = if q.statuses.is_empty() {
            1 << schema::status_code(ServiceStatus::Listed)
        } else {
            q.statuses.iter().fold(0u16, |m, s| m | (1 << schema::status_code(*s)))
        };
        let kind_mask = if q.kinds.is_empty() { u8::MAX } else { q.kinds.iter().fold(0u8, |m, k| m | (1 << schema::kind_code(*k))) };
        let grade_mask = if q.grades.is_empty() { u8::MAX } else { q.grades.iter().fold(0u8, |m, g| m | (1 << schema::grade_code(*g))) };
        let price = match (q.min_price, q.max_price) {
            (None, None) => None,
            (lo, hi) => Some((lo.unwrap_or(i64::MIN), hi.unwrap_or(i64::MAX))),
        };
        let sort = match q.sort {
            None | Some(Sort::Relevance) if has_text => SortMode::Score,
            None | Some(Sort::Relevance) | Some(Sort::Fair) => SortMode::Fair,
            Some(Sort::PriceAsc) => SortMode::PriceAsc,
            Some(Sort::PriceDesc) => SortMode::PriceDesc,
            Some(Sort::Newest) => SortMode::Newest,
            Some(Sort::Rating) => SortMode::Rating,
        };
        let page = q.page.max(1) as usize;
        let per_page = q.per_page.max(1) as usize;
        Self {
            day: epoch_day(q.today),
            status_mask,
            kind_mask,
            categories: if q.categories.is_empty() { None } else { Some(q.categories.clone()) },
            grade_mask,
            certified: q.certified,
            sme: q.sme,
            price,
            sort,
            keep: page.saturating_mul(per_page),
        }
    }

    pub fn status_ok(&self, status: u8) -> bool {
        self.status_mask & (1u16 << (status & 0b1111)) != 0
    }

    pub fn kind_ok(&self, kind: u8) -> bool {
        self.kind_mask & (1u8 << (kind & 0b111)) != 0
    }

    /// Whether the effective grade of a certification valid today passes the grade filter.
    pub fn grade_ok(&self, cert: u8) -> bool {
        if self.grade_mask == u8::MAX {
            return true;
        }
        cert & CERTIFIED != 0 && self.grade_mask & (1u8 << (cert & GRADE_MASK)) != 0 && cert & GRADE_MASK != 0
    }
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs))
}

/// One unit matched in one field.
fn unit_in_field(unit: &Unit, field: Field) -> Result<Box<dyn Query>, tantivy::TantivyError> {
    Ok(match unit {
        Unit::Terms(terms) => match terms.as_slice() {
            [one] => term_query(field, one),
            many => Box::new(BooleanQuery::new(many.iter().map(|t| (Occur::Must, term_query(field, t))).collect())),
        },
        // A Hangul syllable has no regex meta-characters.
        Unit::Syllable(s) => Box::new(RegexQuery::from_pattern(&format!("{s}.?|.{s}"), field)?),
    })
}

/// Every query word must match in at least one text field (AND across words, OR across fields).
fn text_query(q: &str, fields: &Fields) -> Result<Box<dyn Query>, tantivy::TantivyError> {
    let mut tokenizer = GureumTokenizer::default();
    let mut musts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for word in q.split_whitespace() {
        for unit in tokenizer.units(word) {
            let mut per_field: Vec<Box<dyn Query>> = Vec::with_capacity(fields.text.len());
            for (field, weight) in fields.text {
                per_field.push(Box::new(BoostQuery::new(unit_in_field(&unit, field)?, weight)));
            }
            musts.push((Occur::Must, Box::new(DisjunctionMaxQuery::with_tie_breaker(per_field, TIE_BREAKER))));
        }
    }
    Ok(match musts.len() {
        0 => Box::new(EmptyQuery),
        _ => Box::new(BooleanQuery::new(musts)),
    })
}

/// The query text when it is free text: not empty, not a service code, not a business number.
pub fn free_text(q: &SearchQuery) -> Option<&str> {
    let text = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    (ServiceCode::parse(text).is_err() && BusinessNumber::parse(text).is_err()).then_some(text)
}

/// The tag terms of the tag filter (a document must have one of them).
pub fn tag_terms(q: &SearchQuery, fields: &Fields) -> Vec<Term> {
    q.tags.iter().map(|t| Term::from_field_text(fields.tag, t)).collect()
}

/// The base query and whether it scores by text.
pub fn base_query(q: &SearchQuery, fields: &Fields) -> Result<(Box<dyn Query>, bool), tantivy::TantivyError> {
    let text = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let (main, has_text): (Option<Box<dyn Query>>, bool) = match text {
        None => (None, false),
        Some(t) if ServiceCode::parse(t).is_ok() => (Some(term_query(fields.code, t)), true),
        Some(t) => match BusinessNumber::parse(t) {
            Ok(b) => (Some(term_query(fields.bizno, b.digits())), true),
            Err(_) => (Some(text_query(t, fields)?), true),
        },
    };
    let tags: Option<Box<dyn Query>> =
        if q.tags.is_empty() { None } else { Some(Box::new(ConstScoreQuery::new(Box::new(TermSetQuery::new(tag_terms(q, fields))), 0.0))) };
    let query: Box<dyn Query> = match (main, tags) {
        (None, None) => Box::new(AllQuery),
        (Some(m), None) => m,
        (None, Some(t)) => t,
        (Some(m), Some(t)) => Box::new(BooleanQuery::new(vec![(Occur::Must, m), (Occur::Must, t)])),
    };
    Ok((query, has_text))
}

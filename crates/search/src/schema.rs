//! The index schema: analysed text fields for matching, raw terms for exact lookups, fast
//! columns for filters, facets and sorts, and one stored JSON blob to rebuild a [`crate::Hit`].

use crate::SearchError;
use crate::model::{CertFacts, SearchDoc};
use crate::stored::Stored;
use crate::tokenizer::TOKENIZER_NAME;
use gureum_domain::clock::epoch_day;
use gureum_domain::{CsapGrade, ServiceKind, ServiceStatus};
use tantivy::TantivyDocument;
use tantivy::schema::{FAST, Field, IndexRecordOption, NumericOptions, STORED, STRING, Schema, TextFieldIndexing, TextOptions};

/// Bump when the schema, the analyser or the stored blob changes: an index folder written with
/// another version is recreated (and rebuilt by the caller from the database).
pub const SCHEMA_VERSION: &str = "gureum-search/1";

/// The file in the index folder that holds [`SCHEMA_VERSION`].
pub const VERSION_FILE: &str = "gureum-schema-version";

/// Column names (fast fields).
pub mod col {
    pub const ID: &str = "id";
    pub const STATUS: &str = "status";
    pub const KIND: &str = "kind";
    pub const SME: &str = "sme";
    pub const CATEGORY: &str = "category";
    pub const PRICE: &str = "price";
    pub const LISTED_AT: &str = "listed_at";
    pub const RATING: &str = "rating";
    pub const CERT_GRADE: &str = "cert_grade";
    pub const CERT_FROM: &str = "cert_from";
    pub const CERT_TO: &str = "cert_to";
    pub const HOST_LISTED: &str = "host_listed";
    pub const HOST_GRADE: &str = "host_grade";
    pub const HOST_FROM: &str = "host_from";
    pub const HOST_TO: &str = "host_to";
}

/// A certificate that is never valid (none, or revoked) is stored as this empty window.
pub const NEVER_FROM: i64 = i64::MAX;
pub const NEVER_TO: i64 = i64::MIN;

/// Handles of every field.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub code: Field,
    pub bizno: Field,
    pub tag: Field,
    pub host_code: Field,
    pub status: Field,
    pub kind: Field,
    pub sme: Field,
    pub category: Field,
    pub price: Field,
    pub listed_at: Field,
    pub rating: Field,
    pub cert_grade: Field,
    pub cert_from: Field,
    pub cert_to: Field,
    pub host_listed: Field,
    pub host_grade: Field,
    pub host_from: Field,
    pub host_to: Field,
    /// Analysed text fields, highest weight first.
    pub text: [(Field, f32); 7],
    pub payload: Field,
}

/// Analysed text field names with their weights, highest first.
const TEXT_FIELDS: [(&str, f32); 7] = [
    ("t_name", 10.0),
    ("t_name_en", 8.0),
    ("t_tags", 6.0),
    ("t_category", 4.0),
    ("t_supplier", 3.0),
    ("t_summary", 2.0),
    ("t_description", 1.0),
];

pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fast = || NumericOptions::default().set_fast();
    let analysed = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(TOKENIZER_NAME).set_index_option(IndexRecordOption::WithFreqs).set_fieldnorms(true),
    );
    let id = b.add_text_field(col::ID, STRING | FAST);
    let code = b.add_text_field("code", STRING);
    let bizno = b.add_text_field("bizno", STRING);
    let tag = b.add_text_field("tag", STRING);
    let host_code = b.add_text_field("host_code", STRING);
    let status = b.add_u64_field(col::STATUS, fast());
    let kind = b.add_u64_field(col::KIND, fast());
    let sme = b.add_u64_field(col::SME, fast());
    let category = b.add_text_field(col::CATEGORY, FAST);
    let price = b.add_i64_field(col::PRICE, fast());
    let listed_at = b.add_i64_field(col::LISTED_AT, fast());
    let rating = b.add_i64_field(col::RATING, fast());
    let cert_grade = b.add_u64_field(col::CERT_GRADE, fast());
    let cert_from = b.add_i64_field(col::CERT_FROM, fast());
    let cert_to = b.add_i64_field(col::CERT_TO, fast());
    let host_listed = b.add_u64_field(col::HOST_LISTED, fast());
    let host_grade = b.add_u64_field(col::HOST_GRADE, fast());
    let host_from = b.add_i64_field(col::HOST_FROM, fast());
    let host_to = b.add_i64_field(col::HOST_TO, fast());
    let text = TEXT_FIELDS.map(|(name, weight)| (b.add_text_field(name, analysed.clone()), weight));
    let payload = b.add_text_field("payload", STORED);
    let fields = Fields {
        id,
        code,
        bizno,
        tag,
        host_code,
        status,
        kind,
        sme,
        category,
        price,
        listed_at,
        rating,
        cert_grade,
        cert_from,
        cert_to,
        host_listed,
        host_grade,
        host_from,
        host_to,
        text,
        payload,
    };
    (b.build(), fields)
}

pub fn status_code(s: ServiceStatus) -> u64 {
    ServiceStatus::ALL.iter().position(|x| *x == s).unwrap_or(0) as u64
}

pub fn status_from_code(c: u64) -> Option<ServiceStatus> {
    ServiceStatus::ALL.get(usize::try_from(c).ok()?).copied()
}

pub fn kind_code(k: ServiceKind) -> u64 {
    ServiceKind::ALL.iter().position(|x| *x == k).unwrap_or(0) as u64
}

pub fn kind_from_code(c: u64) -> Option<ServiceKind> {
    ServiceKind::ALL.get(usize::try_from(c).ok()?).copied()
}

/// 0 = none, 1 = low, 2 = medium, 3 = high.
pub fn grade_code(g: CsapGrade) -> u8 {
    match g {
        CsapGrade::Low => 1,
        CsapGrade::Medium => 2,
        CsapGrade::High => 3,
    }
}

pub fn grade_from_code(c: u8) -> Option<CsapGrade> {
    match c {
        1 => Some(CsapGrade::Low),
        2 => Some(CsapGrade::Medium),
        3 => Some(CsapGrade::High),
        _ => None,
    }
}

/// The validity window of a certificate as epoch days (empty when absent or revoked).
fn window(c: Option<&CertFacts>) -> (u64, i64, i64) {
    match c {
        Some(c) if !c.revoked => (u64::from(grade_code(c.grade)), epoch_day(c.valid_from), epoch_day(c.valid_to)),
        Some(c) => (u64::from(grade_code(c.grade)), NEVER_FROM, NEVER_TO),
        None => (0, NEVER_FROM, NEVER_TO),
    }
}

/// The tantivy document of a service.
pub fn to_document(d: &SearchDoc, f: &Fields) -> Result<TantivyDocument, SearchError> {
    let mut doc = TantivyDocument::new();
    doc.add_text(f.id, &d.id);
    doc.add_text(f.code, &d.code);
    let bizno: String = d.business_number.chars().filter(char::is_ascii_digit).collect();
    doc.add_text(f.bizno, &bizno);
    for tag in &d.tags {
        doc.add_text(f.tag, tag);
    }
    if let Some(h) = &d.host_code {
        doc.add_text(f.host_code, h);
    }
    doc.add_u64(f.status, status_code(d.status));
    doc.add_u64(f.kind, kind_code(d.kind));
    doc.add_u64(f.sme, u64::from(d.supplier_sme));
    if !d.category.is_empty() {
        doc.add_text(f.category, &d.category);
    }
    if let Some(p) = d.price_from_krw {
        doc.add_i64(f.price, p);
    }
    if let Some(t) = d.first_listed_at {
        doc.add_i64(f.listed_at, t);
    }
    if let Some(r) = d.rating_x100 {
        doc.add_i64(f.rating, r);
    }
    let (grade, from, to) = window(d.cert.as_ref());
    doc.add_u64(f.cert_grade, grade);
    doc.add_i64(f.cert_from, from);
    doc.add_i64(f.cert_to, to);
    let (hgrade, hfrom, hto) = window(d.host_cert.as_ref());
    doc.add_u64(f.host_listed, u64::from(d.host_listed));
    doc.add_u64(f.host_grade, hgrade);
    doc.add_i64(f.host_from, hfrom);
    doc.add_i64(f.host_to, hto);

    let [name, name_en, tags, category, supplier, summary, description] = f.text.map(|(f, _)| f);
    doc.add_text(name, &d.name);
    if let Some(s) = &d.name_en {
        doc.add_text(name_en, s);
    }
    for tag in &d.tags {
        doc.add_text(tags, tag);
    }
    doc.add_text(category, &d.category);
    doc.add_text(supplier, &d.supplier_name);
    doc.add_text(summary, &d.summary);
    if let Some(s) = &d.summary_en {
        doc.add_text(summary, s);
    }
    doc.add_text(description, &d.description);

    let json = serde_json::to_string(&Stored::from_doc(d)).map_err(|e| SearchError::Stored(e.to_string()))?;
    doc.add_text(f.payload, json);
    Ok(doc)
}

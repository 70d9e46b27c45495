//! What the index stores and answers: the contract between the index and its callers.

use gureum_domain::{CertType, CsapGrade, ServiceKind, ServiceStatus};
use serde::Serialize;
use std::collections::BTreeMap;
use time::Date;

/// A certificate's window and grade, as the index needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct CertFacts {
    pub cert_type: CertType,
    pub grade: CsapGrade,
    pub valid_from: Date,
    /// Inclusive.
    pub valid_to: Date,
    pub revoked: bool,
}

/// One service as indexed: its public revision (or, when it has none, its latest).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchDoc {
    /// Stable service id (UUID text).
    pub id: String,
    pub code: String,
    pub status: ServiceStatus,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: ServiceKind,
    pub category: String,
    pub tags: Vec<String>,
    pub supplier_id: String,
    pub supplier_name: String,
    /// 10 digits, no dashes.
    pub business_number: String,
    /// Supplier size is small or medium.
    pub supplier_sme: bool,
    pub summary: String,
    pub summary_en: Option<String>,
    pub description: String,
    /// Lowest unit price of its plans, whole won.
    pub price_from_krw: Option<i64>,
    /// When the service was first listed (µs since epoch, UTC).
    pub first_listed_at: Option<i64>,
    /// Average rating × 100 (e.g. 4.25 → 425), when rated.
    pub rating_x100: Option<i64>,
    /// How many ratings the average is of (0 when unrated).
    pub rating_count: u32,
    /// Its own certification.
    pub cert: Option<CertFacts>,
    /// `host_infra` when it names a service code (listed here or not).
    pub host_code: Option<String>,
    /// True when `host_code` names a service that is listed here.
    pub host_listed: bool,
    /// The certification of that listed host, if it has one.
    pub host_cert: Option<CertFacts>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Relevance,
    PriceAsc,
    PriceDesc,
    Newest,
    Rating,
    /// The fair order alone (the default without `q`).
    Fair,
}

impl Sort {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "relevance" => Self::Relevance,
            "price_asc" => Self::PriceAsc,
            "price_desc" => Self::PriceDesc,
            "newest" => Self::Newest,
            "rating" => Self::Rating,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Relevance => "relevance",
            Self::PriceAsc => "price_asc",
            Self::PriceDesc => "price_desc",
            Self::Newest => "newest",
            Self::Rating => "rating",
            Self::Fair => "fair",
        }
    }
}

/// A catalog search, already validated (`GET /api/v1/services`, docs/RULES.md#search).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchQuery {
    pub q: Option<String>,
    /// OR within each list, AND across lists; empty = no filter.
    pub kinds: Vec<ServiceKind>,
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    /// Effective grade of a certification valid `today`.
    pub grades: Vec<CsapGrade>,
    /// Only services with a certification valid `today`.
    pub certified: bool,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    /// Only SME suppliers.
    pub sme: bool,
    /// Empty = listed only.
    pub statuses: Vec<ServiceStatus>,
    /// `None` = relevance when `q` is given, else the fair order.
    pub sort: Option<Sort>,
    /// From 1.
    pub page: u32,
    /// 1..=100.
    pub per_page: u32,
    /// The Asia/Seoul date used for certificate validity and the fair order.
    pub today: Date,
}

impl SearchQuery {
    pub fn new(today: Date) -> Self {
        Self {
            q: None,
            kinds: Vec::new(),
            categories: Vec::new(),
            tags: Vec::new(),
            grades: Vec::new(),
            certified: false,
            min_price: None,
            max_price: None,
            sme: false,
            statuses: Vec::new(),
            sort: None,
            page: 1,
            per_page: 20,
            today,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SupplierBrief {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CsapBrief {
    #[serde(rename = "type")]
    pub cert_type: &'static str,
    /// The effective grade (null when a listed host has no valid certification).
    pub grade: Option<&'static str>,
    pub valid_to: String,
}

/// One result item, exactly as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub id: String,
    pub code: String,
    pub name: String,
    pub supplier: SupplierBrief,
    pub kind: &'static str,
    pub category: String,
    pub tags: Vec<String>,
    pub summary: String,
    pub price_from_krw: Option<i64>,
    pub csap: Option<CsapBrief>,
    pub status: &'static str,
    /// The average of its ratings and how many; null when unrated.
    pub rating: Option<RatingBrief>,
}

/// A service's ratings in a search item: the average (two decimals) and how many.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RatingBrief {
    pub average: f64,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Facets {
    pub kind: BTreeMap<String, u64>,
    pub category: BTreeMap<String, u64>,
    pub csap_grade: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResult {
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub items: Vec<Hit>,
    pub facets: Facets,
}

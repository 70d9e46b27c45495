//! `GET /api/v1/services` (catalog search, docs/API.md) and `GET /api/v1/services/{id}`.

use super::listing_doc::ListingDoc;
use super::schema::{
    CertTypeName, CsapGradeName, ServiceCodeText, ServiceKeyText, ServiceKindName, ServiceStatusName, SupplierSizeName, Uuid, component,
};
use crate::auth::{AUDIT_READERS, MaybeAuth};
use crate::error::{AppError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use gureum_app::query::{pairs, parse_search};
use gureum_domain::Listing;
use gureum_domain::cert::CertStanding;
use gureum_domain::clock::{format_date, rfc3339_utc};
use gureum_search::SearchResult;
use gureum_storage::ServiceRecord;
use serde::Serialize;
use utoipa::ToSchema;

/// Runs a search unless the index is still catching up.
pub async fn run_search(state: &AppState, q: gureum_search::SearchQuery) -> Result<SearchResult, AppError> {
    if !state.is_ready() {
        return Err(AppError::index_not_ready());
    }
    let _timer = crate::metrics::SearchTimer::start();
    Ok(gureum_app::catalog::search(state, q).await?)
}

/// Catalog search.
#[utoipa::path(
    get,
    path = "/api/v1/services",
    tag = "catalog",
    params(
        ("q" = Option<String>, Query, description = "Korean/English free text; every word must match. A service code or a business number finds that service or that supplier's services. Only its first 200 characters are used."),
        ("kind" = Option<Vec<ServiceKindName>>, Query, description = "Repeatable (OR)"),
        ("category" = Option<Vec<String>>, Query, description = "Repeatable (OR)"),
        ("tag" = Option<Vec<String>>, Query, description = "Repeatable (OR)"),
        ("csap_grade" = Option<Vec<CsapGradeName>>, Query, description = "The effective grade of a certification valid today; repeatable (OR)"),
        ("certified" = Option<FlagParam>, Query, description = "true: has a certification valid today"),
        ("min_price" = Option<i64>, Query, minimum = 0, maximum = 1000000000000_i64, description = "KRW, inclusive, on price_from_krw; services without a price are left out. Not above max_price (400 invalid_price)."),
        ("max_price" = Option<i64>, Query, minimum = 0, maximum = 1000000000000_i64, description = "KRW, inclusive, on price_from_krw; services without a price are left out"),
        ("sme" = Option<FlagParam>, Query, description = "true: supplier is small or medium"),
        ("sort" = Option<SortName>, Query, description = "Default relevance with q, else the fair order"),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 100000, description = "From 1 (default 1). A search pages through its first 100 000 results: page × per_page above that is 400 invalid_page."),
        ("per_page" = Option<u32>, Query, minimum = 1, maximum = 100, description = "1–100, default 20"),
        ("status" = Option<Vec<ServiceStatusName>>, Query, description = "Operators and auditors only for other statuses than listed (403 forbidden_status); repeatable (OR)"),
    ),
    responses(
        (status = 200, description = "Search result with total, items and facets", body = SearchResultDoc),
        (status = 400, description = "A wrong value for a known parameter: invalid_kind, invalid_csap_grade, invalid_certified, invalid_sme, invalid_price, invalid_sort, invalid_page, invalid_per_page, invalid_status", body = ErrorBody),
        (status = 403, description = "forbidden_status: a status filter the caller may not use", body = ErrorBody),
        (status = 503, description = "index_not_ready: the index is catching up", body = ErrorBody),
    )
)]
pub async fn search_services(
    State(state): State<AppState>,
    auth: MaybeAuth,
    RawQuery(raw): RawQuery,
) -> Result<Json<SearchResult>, AppError> {
    // Other statuses than `listed`: operators and auditors only.
    let may_filter_status = auth.0.as_ref().is_some_and(|p| AUDIT_READERS.iter().any(|r| p.has_role(*r)));
    let q = parse_search(&pairs(raw.as_deref()), state.clock().today(), may_filter_status)?;
    Ok(Json(run_search(&state, q).await?))
}

component!(
    /// A yes/no filter as a link or a form sends it.
    FlagParam,
    "Flag",
    serde_json::json!({
        "anyOf": [{"type": "boolean"}, {"type": "string", "enum": ["1", "0", "on"]}],
        "description": "true or false; 1, 0 and on (a checked box) are read the same"
    })
);

component!(SortName, "Sort", serde_json::json!({"type": "string", "enum": ["relevance", "price_asc", "price_desc", "newest", "rating"]}));

/// The documented shape of a search answer (docs/API.md).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SearchResultDoc {
    /// Services the filters match.
    total: u64,
    page: u32,
    per_page: u32,
    items: Vec<HitDoc>,
    facets: FacetsDoc,
}

/// Value → count; each facet counted with every filter but its own.
#[derive(ToSchema)]
#[schema(as = Facets)]
#[allow(dead_code)]
pub struct FacetsDoc {
    kind: std::collections::BTreeMap<String, u64>,
    category: std::collections::BTreeMap<String, u64>,
    csap_grade: std::collections::BTreeMap<String, u64>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct HitDoc {
    id: Uuid,
    code: ServiceCodeText,
    name: String,
    supplier: SupplierBriefDoc,
    kind: ServiceKindName,
    category: String,
    tags: Vec<String>,
    summary: String,
    /// The lowest unit price of its plans; null without plans.
    price_from_krw: Option<i64>,
    /// The valid-today certification, else the one that ended last; null without any.
    csap: Option<CsapDoc>,
    status: ServiceStatusName,
    /// The average of its ratings (two decimals) and how many; null when unrated. As the index
    /// last learned it (through the change feed).
    rating: Option<RatingBriefDoc>,
}

/// A service's ratings in brief.
#[derive(ToSchema)]
#[schema(as = RatingBrief)]
#[allow(dead_code)]
pub struct RatingBriefDoc {
    /// 1–5, two decimals, rounded half up.
    #[schema(minimum = 1, maximum = 5)]
    average: f64,
    #[schema(minimum = 1)]
    count: i64,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SupplierBriefDoc {
    id: Uuid,
    name: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CsapDoc {
    #[schema(rename = "type")]
    cert_type: CertTypeName,
    /// The effective grade; null when it is not valid today or its listed host has none.
    grade: Option<CsapGradeName>,
    #[schema(format = Date)]
    valid_to: String,
}

/// The certification as a reader sees it today.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CertView {
    pub scheme: String,
    #[serde(rename = "type")]
    #[schema(value_type = CertTypeName)]
    pub cert_type: String,
    /// The grade on the certificate.
    #[schema(value_type = CsapGradeName)]
    pub grade: String,
    /// The effective grade today (the listed host IaaS's valid grade, else its own); null when none.
    #[schema(value_type = Option<CsapGradeName>)]
    pub effective_grade: Option<String>,
    pub number: String,
    #[schema(format = Date)]
    pub valid_from: String,
    #[schema(format = Date)]
    pub valid_to: String,
    pub host_infra: Option<String>,
    /// Within 90 days of its end it is `expiring_soon`.
    #[schema(value_type = CertStandingName)]
    pub standing: String,
    /// Days until its last valid day (negative once it has ended).
    pub days_left: i64,
}

component!(
    CertStandingName,
    "CertStanding",
    serde_json::json!({"type": "string", "enum": ["valid", "expiring_soon", "expired", "not_yet_valid", "revoked"]})
);

component!(
    PurchaseMethodName,
    "PurchaseMethod",
    serde_json::json!({"type": "string", "enum": ["negotiated", "catalog"], "description": "negotiated (수의계약) or catalog (납품요구)"})
);

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SupplierSummary {
    #[schema(value_type = Uuid)]
    pub id: String,
    pub name: String,
    /// 사업자등록번호, 10 digits.
    #[schema(pattern = "^[0-9]{10}$")]
    pub business_number: String,
    #[schema(value_type = SupplierSizeName)]
    pub size: String,
    pub sme: bool,
}

/// A service as the public sees it: its public revision.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ServiceView {
    #[schema(value_type = Uuid)]
    pub id: String,
    #[schema(value_type = ServiceCodeText)]
    pub code: String,
    #[schema(value_type = ServiceStatusName)]
    pub status: String,
    /// The operator's reason of a suspension or a rejection.
    pub status_reason: Option<String>,
    pub supplier: SupplierSummary,
    #[schema(value_type = ListingDoc)]
    pub listing: Listing,
    /// The lowest unit price of its plans; null without plans.
    pub price_from_krw: Option<i64>,
    pub certification: Option<CertView>,
    /// The revision shown, from 1.
    #[schema(minimum = 1)]
    pub revision: i64,
    /// When this revision was made (RFC 3339, UTC).
    #[schema(format = DateTime)]
    pub revised_at: String,
    #[schema(format = DateTime)]
    pub first_listed_at: Option<String>,
    /// How it can be bought: `negotiated` (수의계약) always; `catalog` (납품요구) with a PPS catalog contract.
    #[schema(value_type = Vec<PurchaseMethodName>)]
    pub purchase_methods: Vec<String>,
    /// Whether it can be ordered today (Asia/Seoul): no reason below.
    pub orderable: bool,
    /// Why not, worked out when asked (docs/RULES.md#orderable); empty when orderable.
    #[schema(value_type = Vec<NotOrderableName>)]
    pub not_orderable_reasons: Vec<String>,
    /// The average of its ratings (two decimals) and how many; null when unrated.
    #[schema(value_type = Option<RatingBriefDoc>)]
    pub rating: Option<gureum_app::usage::ratings::RatingBrief>,
}

component!(
    NotOrderableName,
    "NotOrderableReason",
    serde_json::json!({
        "type": "string",
        "enum": ["not_listed", "certification_missing", "certification_expired", "service_suspended", "selection_expired", "supplier_debarred"],
        "description": "not_listed (not a public service), certification_missing (a cloud service without a certification valid today), certification_expired (ended or revoked), service_suspended (판매중지), selection_expired (its selection period ended), supplier_debarred (부정당업자 제재 in force)"
    })
);

impl ServiceView {
    pub async fn build(state: &AppState, rec: ServiceRecord) -> Result<Self, AppError> {
        let certification = match gureum_app::catalog::certification_today(state, &rec).await? {
            None => None,
            Some(t) => {
                let c = &t.cert;
                let standing = match t.standing {
                    CertStanding::Valid => "valid",
                    CertStanding::ExpiringSoon(_) => "expiring_soon",
                    CertStanding::Expired => "expired",
                    CertStanding::NotYetValid => "not_yet_valid",
                    CertStanding::Revoked => "revoked",
                };
                Some(CertView {
                    scheme: c.scheme.clone(),
                    cert_type: c.cert_type.as_str().into(),
                    grade: c.grade.as_str().into(),
                    effective_grade: t.effective_grade.map(|g| g.as_str().to_owned()),
                    number: c.number.clone(),
                    valid_from: format_date(c.valid_from),
                    valid_to: format_date(c.valid_to),
                    host_infra: c.host_infra.clone(),
                    standing: standing.into(),
                    days_left: t.days_left,
                })
            }
        };
        let not_orderable: Vec<String> =
            gureum_app::orderable::reasons(state, &rec).await?.into_iter().map(|r| r.as_str().to_owned()).collect();
        let rating = gureum_app::usage::ratings::summary(state, &rec.id).await?;
        let mut purchase_methods = vec!["negotiated".to_owned()];
        if rec.listing.catalog_contract.is_some() || !gureum_app::buying::catalog::running_for_service(state, &rec.id).await?.is_empty() {
            purchase_methods.push("catalog".into());
        }
        Ok(Self {
            price_from_krw: rec.listing.price_from().map(|k| k.won()),
            id: rec.id,
            code: rec.code,
            status: rec.status.as_str().into(),
            status_reason: rec.status_reason,
            supplier: SupplierSummary {
                id: rec.supplier.id,
                name: rec.supplier.name,
                business_number: rec.supplier.business_number,
                size: rec.supplier.size.as_str().into(),
                sme: rec.supplier.size.is_sme(),
            },
            certification,
            revision: rec.revision,
            revised_at: rfc3339_utc(rec.revision_created_at),
            first_listed_at: rec.first_listed_at.map(rfc3339_utc),
            purchase_methods,
            orderable: not_orderable.is_empty(),
            not_orderable_reasons: not_orderable,
            rating,
            listing: rec.listing,
        })
    }
}

/// Finds a public service by its id (UUID) or its code; a malformed key is `invalid_id`.
pub async fn load_public_service(state: &AppState, key: &str) -> Result<ServiceRecord, AppError> {
    Ok(gureum_app::catalog::public_service(state, key).await?)
}

/// One service (by id or code): its public revision; to its owner, the operator and the auditor
/// also a service that is not public yet, its open draft with what it changes, and its revisions.
#[utoipa::path(
    get,
    path = "/api/v1/services/{id}",
    tag = "catalog",
    params(("id" = ServiceKeyText, Path)),
    responses(
        (status = 200, description = "The service's public revision (with `draft` and `revisions` for its owner, the operator and the auditor)", body = super::lifecycle::ServiceDetail),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
    )
)]
pub async fn get_service(
    State(state): State<AppState>,
    crate::auth::MaybeAuth(p): crate::auth::MaybeAuth,
    Path(id): Path<String>,
) -> Result<Json<super::lifecycle::ServiceDetail>, AppError> {
    // The owner, the operator and the auditor also see drafts (docs/API.md); visitors as before.
    if let Some(p) = &p
        && let Some(head) = gureum_app::lifecycle::find_head(&state, &id).await?.filter(|h| super::lifecycle::sees_drafts(p, h))
    {
        return Ok(Json(super::lifecycle::detail(&state, &head).await?));
    }
    let rec = load_public_service(&state, &id).await?;
    Ok(Json(super::lifecycle::ServiceDetail::public(ServiceView::build(&state, rec).await?)))
}

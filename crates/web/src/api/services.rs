//! `GET /api/v1/services` (catalog search, SPEC §4) and `GET /api/v1/services/{id}`.

use crate::auth::{AUDIT_READERS, MaybeAuth};
use crate::error::{AppError, Code, ErrorBody};
use crate::query::{pairs, parse_search};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use gureum_domain::cert::{CertStanding, effective_grade, standing};
use gureum_domain::clock::{format_date, rfc3339_utc};
use gureum_domain::{Listing, ServiceCode};
use gureum_search::SearchResult;
use gureum_storage::{ServiceKey, ServiceRecord};
use serde::Serialize;
use utoipa::ToSchema;

/// Runs a search unless the index is still catching up.
pub async fn run_search(state: &AppState, q: gureum_search::SearchQuery) -> Result<SearchResult, AppError> {
    if !state.is_ready() {
        return Err(AppError::index_not_ready());
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let _timer = crate::metrics::SearchTimer::start();
    state.sync().index_arc().search_then(q, move |answer| {
        let _ = tx.send(answer);
    });
    rx.await.map_err(|_| AppError::internal("the search failed"))?.map_err(AppError::from)
}

/// Catalog search.
#[utoipa::path(
    get,
    path = "/api/v1/services",
    tag = "catalog",
    params(
        ("q" = Option<String>, Query, description = "Korean/English free text; every word must match. A service code or a business number finds that service or that supplier's services."),
        ("kind" = Option<Vec<String>>, Query, description = "iaas|paas|saas|daas|support|convergence; repeatable (OR)"),
        ("category" = Option<Vec<String>>, Query, description = "repeatable (OR)"),
        ("tag" = Option<Vec<String>>, Query, description = "repeatable (OR)"),
        ("csap_grade" = Option<Vec<String>>, Query, description = "high|medium|low: effective grade of a certification valid today; repeatable (OR)"),
        ("certified" = Option<bool>, Query, description = "true: has a certification valid today"),
        ("min_price" = Option<i64>, Query, description = "KRW, inclusive, on price_from_krw"),
        ("max_price" = Option<i64>, Query, description = "KRW, inclusive, on price_from_krw"),
        ("sme" = Option<bool>, Query, description = "true: supplier is small or medium"),
        ("sort" = Option<String>, Query, description = "relevance|price_asc|price_desc|newest|rating; default relevance with q, else the fair order"),
        ("page" = Option<u32>, Query, description = "from 1"),
        ("per_page" = Option<u32>, Query, description = "1–100, default 20"),
        ("status" = Option<Vec<String>>, Query, description = "operators and auditors only, for other statuses than listed"),
    ),
    responses(
        (status = 200, description = "Search result with total, items and facets", body = SearchResultDoc),
        (status = 400, description = "A wrong value for a known parameter", body = ErrorBody),
        (status = 403, description = "A status filter the caller may not use", body = ErrorBody),
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

/// The documented shape of a search answer (SPEC §4).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SearchResultDoc {
    total: u64,
    page: u32,
    per_page: u32,
    items: Vec<HitDoc>,
    /// `kind`, `category`, `csap_grade`: value → count, each counted with every filter but its own.
    facets: std::collections::BTreeMap<String, std::collections::BTreeMap<String, u64>>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct HitDoc {
    id: String,
    code: String,
    name: String,
    supplier: SupplierBriefDoc,
    kind: String,
    category: String,
    tags: Vec<String>,
    summary: String,
    price_from_krw: Option<i64>,
    csap: Option<CsapDoc>,
    status: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SupplierBriefDoc {
    id: String,
    name: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CsapDoc {
    #[schema(rename = "type")]
    cert_type: String,
    grade: Option<String>,
    valid_to: String,
}

/// The certification as a reader sees it today.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CertView {
    pub scheme: String,
    #[serde(rename = "type")]
    pub cert_type: String,
    /// The grade on the certificate.
    pub grade: String,
    /// The effective grade today (the listed host IaaS's valid grade, else its own); null when none.
    pub effective_grade: Option<String>,
    pub number: String,
    pub valid_from: String,
    pub valid_to: String,
    pub host_infra: Option<String>,
    /// `valid`, `expiring_soon` (within 90 days), `expired`, `not_yet_valid` or `revoked`.
    pub standing: String,
    pub days_left: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SupplierSummary {
    pub id: String,
    pub name: String,
    pub business_number: String,
    pub size: String,
    pub sme: bool,
}

/// A service as the public sees it: its public revision.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ServiceView {
    pub id: String,
    pub code: String,
    pub status: String,
    pub status_reason: Option<String>,
    pub supplier: SupplierSummary,
    #[schema(value_type = Object)]
    pub listing: Listing,
    pub price_from_krw: Option<i64>,
    pub certification: Option<CertView>,
    pub revision: i64,
    /// When this revision was made (RFC 3339, UTC).
    pub revised_at: String,
    pub first_listed_at: Option<String>,
    /// How it can be bought: `negotiated` (수의계약) always; `catalog` (납품요구) with a PPS catalog contract.
    pub purchase_methods: Vec<String>,
}

impl ServiceView {
    pub async fn build(state: &AppState, rec: ServiceRecord) -> Result<Self, AppError> {
        let today = state.clock().today();
        let certification = match &rec.listing.certification {
            None => None,
            Some(c) => {
                let host = match c.host_infra.as_deref().filter(|h| ServiceCode::parse(h).is_ok()) {
                    Some(code) => {
                        state.db().service(ServiceKey::Code(code)).await?.filter(|h| h.status == gureum_domain::ServiceStatus::Listed)
                    }
                    None => None,
                };
                let host_cert = host.as_ref().and_then(|h| h.listing.certification.clone());
                let eff = if c.valid_on(today) { effective_grade(c, host_cert.as_ref(), host.is_some(), today) } else { None };
                let standing = match standing(c, today) {
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
                    effective_grade: eff.map(|g| g.as_str().to_owned()),
                    number: c.number.clone(),
                    valid_from: format_date(c.valid_from),
                    valid_to: format_date(c.valid_to),
                    host_infra: c.host_infra.clone(),
                    standing: standing.into(),
                    days_left: c.days_left(today),
                })
            }
        };
        let mut purchase_methods = vec!["negotiated".to_owned()];
        if rec.listing.catalog_contract.is_some() {
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
            listing: rec.listing,
        })
    }
}

/// Finds a public service by its id (UUID) or its code; a malformed key is `invalid_id`.
pub async fn load_public_service(state: &AppState, key: &str) -> Result<ServiceRecord, AppError> {
    let rec = if uuid::Uuid::try_parse(key).is_ok() {
        state.db().service(ServiceKey::Id(&key.to_ascii_lowercase())).await?
    } else if ServiceCode::parse(key).is_ok() {
        state.db().service(ServiceKey::Code(key)).await?
    } else {
        return Err(AppError::new(Code::InvalidId, "a service id is a UUID or a service code such as SAS-4-09-10374"));
    };
    rec.filter(|r| r.status.is_public() && r.public_revision.is_some()).ok_or_else(|| AppError::not_found("service"))
}

/// One service (by id or code): its public revision; to its owner, the operator and the auditor
/// also a service that is not public yet, its open draft with what it changes, and its revisions.
#[utoipa::path(
    get,
    path = "/api/v1/services/{id}",
    tag = "catalog",
    params(("id" = String, Path, description = "The service id (UUID) or its code")),
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
    // The owner, the operator and the auditor also see drafts (SPEC §4); visitors as before.
    if let Some(p) = &p
        && let Some(head) = gureum_app::lifecycle::find_head(&state, &id).await?.filter(|h| super::lifecycle::sees_drafts(p, h))
    {
        return Ok(Json(super::lifecycle::detail(&state, &head).await?));
    }
    let rec = load_public_service(&state, &id).await?;
    Ok(Json(super::lifecycle::ServiceDetail::public(ServiceView::build(&state, rec).await?)))
}

//! The public catalog (카탈로그) as the application reads it: search through this instance's
//! index, the categories with their counts, a supplier's listed services, a public service by id
//! or code, and where its certification stands today (docs/RULES.md#certificates). The API and
//! the pages shape these into their own views.

use crate::context::Context;
use crate::error::{Code, Error, Result};
use gureum_domain::ServiceCode;
use gureum_domain::cert::{CertStanding, Certification, CsapGrade, effective_grade, standing};
use gureum_search::{Hit, SearchQuery, SearchResult};
use gureum_storage::{ServiceKey, ServiceRecord, SupplierRecord};

/// Runs a search on the index's worker threads.
pub async fn search(ctx: &Context, q: SearchQuery) -> Result<SearchResult> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    ctx.sync().index_arc().search_then(q, move |answer| {
        let _ = tx.send(answer);
    });
    rx.await.map_err(|_| Error::internal("the search failed"))?.map_err(Error::from)
}

/// Categories with their listed services, largest first (then by name).
pub async fn categories(ctx: &Context) -> Result<Vec<(String, u64)>> {
    let mut q = SearchQuery::new(ctx.clock().today());
    q.per_page = 1;
    let mut cats: Vec<(String, u64)> = search(ctx, q).await?.facets.category.into_iter().collect();
    cats.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(cats)
}

/// A supplier (by its hyphenated UUID) and its listed services, as search items.
pub async fn supplier(ctx: &Context, id: &str) -> Result<(SupplierRecord, Vec<Hit>)> {
    let id = crate::ids::hyphenated_uuid(id)
        .ok_or_else(|| Error::new(Code::InvalidId, "a supplier id is a UUID such as 0190f5c2-7b1e-7d3a-9c4e-2a1b3c4d5e6f"))?;
    let sup = ctx.db().supplier(&id).await?.ok_or_else(|| Error::not_found("supplier"))?;
    let mut services = Vec::new();
    let mut page = 1;
    loop {
        let mut q = SearchQuery::new(ctx.clock().today());
        q.q = Some(sup.business_number.clone());
        q.per_page = 100;
        q.page = page;
        let r = search(ctx, q).await?;
        let n = r.items.len();
        services.extend(r.items);
        if n < 100 || services.len() as u64 >= r.total {
            break;
        }
        page += 1;
    }
    Ok((sup, services))
}

/// A public (listed or suspended) service by its id (UUID) or its code; a malformed key is
/// 400 `invalid_id`, anything not public 404.
pub async fn public_service(ctx: &Context, key: &str) -> Result<ServiceRecord> {
    let rec = if let Some(id) = crate::ids::hyphenated_uuid(key) {
        ctx.db().service(ServiceKey::Id(&id)).await?
    } else if ServiceCode::parse(key).is_ok() {
        ctx.db().service(ServiceKey::Code(key)).await?
    } else {
        return Err(Error::new(Code::InvalidId, "a service id is a UUID or a service code such as SAS-4-09-10374"));
    };
    rec.filter(|r| r.status.is_public() && r.public_revision.is_some()).ok_or_else(|| Error::not_found("service"))
}

/// A certification as it stands today.
#[derive(Debug, Clone)]
pub struct CertToday {
    pub cert: Certification,
    /// The grade that counts today: the listed host IaaS's valid grade, else its own; none when
    /// the certification is not valid today.
    pub effective_grade: Option<CsapGrade>,
    pub standing: CertStanding,
    /// Days until its last valid day (negative once it has ended).
    pub days_left: i64,
}

/// Where a service's certification stands today, looking up its host IaaS when that is listed
/// here (a SaaS takes the grade of the IaaS it runs on).
pub async fn certification_today(ctx: &Context, rec: &ServiceRecord) -> Result<Option<CertToday>> {
    let Some(c) = &rec.listing.certification else { return Ok(None) };
    let today = ctx.clock().today();
    let host = match c.host_infra.as_deref().filter(|h| ServiceCode::parse(h).is_ok()) {
        Some(code) => ctx.db().service(ServiceKey::Code(code)).await?.filter(|h| h.status == gureum_domain::ServiceStatus::Listed),
        None => None,
    };
    let host_cert = host.as_ref().and_then(|h| h.listing.certification.clone());
    let eff = if c.valid_on(today) { effective_grade(c, host_cert.as_ref(), host.is_some(), today) } else { None };
    Ok(Some(CertToday { cert: c.clone(), effective_grade: eff, standing: standing(c, today), days_left: c.days_left(today) }))
}

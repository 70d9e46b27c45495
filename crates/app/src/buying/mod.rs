//! Buying (구매, docs/RULES.md#buying): from a search to a signed contract. One module a step —
//! [`projects`] (searches, long and short lists, the decision record), [`quotes`], [`contracts`]
//! (text, acceptance, amendments, the end), [`catalog`] (PPS master contracts and delivery
//! requests) and [`stats`] (time to contract). The state machines and rules are
//! `gureum_domain::buying`'s; this module looks up who asks, what the gate says and what the
//! budget holds, and writes each step with its audit event in one transaction.

pub mod amendments;
pub mod catalog;
pub mod contracts;
pub mod projects;
pub mod quotes;
pub mod stats;
pub mod worklist;

use crate::actor::Principal;
use crate::context::Context;
use crate::error::{Code, Error, Result};
use gureum_domain::account::{OrgKind, Role};
use gureum_domain::buying::{Actor, Refusal};
use gureum_domain::cert::CsapGrade;
use gureum_storage::{NewAuditEvent, ServiceKey, ServiceRecord, WriteTx};
use serde_json::Value;

/// The agency roles that see an agency's buying records.
pub const AGENCY_READERS: &[Role] = &[Role::Buyer, Role::BudgetOfficer, Role::Signatory];
/// Who opens projects, asks for quotes, drafts contracts and places delivery requests.
pub const BUYER: &[Role] = &[Role::Buyer];
/// Who reads every contract (the operator runs the marketplace, the auditor checks it).
pub const OVERSIGHT: &[Role] = &[Role::Operator, Role::Auditor];

/// The buying refusals are API codes.
impl From<Refusal> for Error {
    fn from(r: Refusal) -> Self {
        let code = Code::parse(r.code()).unwrap_or(Code::InvalidStatus);
        debug_assert_eq!(code.as_str(), r.code(), "every buying refusal has a code");
        Error::new(code, r.message_en())
    }
}

/// Who the caller is relative to an agency's record: among `prefer` (in order) the first its
/// roles give, else another member of the agency; of another organisation, an outsider.
pub fn agency_actor(p: &Principal, agency_id: &str, prefer: &[Actor]) -> Actor {
    if p.org().id != agency_id {
        return Actor::Outsider;
    }
    for a in prefer {
        let ok = match a {
            Actor::Buyer => p.has_role(Role::Buyer),
            Actor::Signatory => p.has_role(Role::Signatory),
            _ => false,
        };
        if ok {
            return *a;
        }
    }
    if AGENCY_READERS.iter().any(|r| p.has_role(*r)) { Actor::AgencyOther } else { Actor::Outsider }
}

/// Who the caller is relative to a supplier's record: its admin, another member, or an outsider.
pub fn supplier_actor(p: &Principal, supplier_ids: &[&str]) -> Actor {
    let mine = p.org().kind == OrgKind::Supplier
        && p.has_role(Role::Supplier)
        && p.org().supplier_id.as_deref().is_some_and(|s| supplier_ids.contains(&s));
    match (mine, p.is_admin()) {
        (true, true) => Actor::SupplierAdmin,
        (true, false) => Actor::SupplierMember,
        _ => Actor::Outsider,
    }
}

/// The caller's side of a record between an agency and suppliers: the agency's (as `prefer`
/// says), else the suppliers'.
pub fn party(p: &Principal, agency_id: &str, supplier_ids: &[&str], prefer: &[Actor]) -> Actor {
    match agency_actor(p, agency_id, prefer) {
        Actor::Outsider => supplier_actor(p, supplier_ids),
        a => a,
    }
}

/// Whether the caller may read a record of these parties: either party, or the oversight roles.
pub fn may_read(p: &Principal, agency_id: &str, supplier_ids: &[&str]) -> bool {
    party(p, agency_id, supplier_ids, &[]) != Actor::Outsider || OVERSIGHT.iter().any(|r| p.has_role(*r))
}

/// A UUID path id, or 400 `invalid_id` naming what it is.
pub fn uuid(id: &str, what: &str) -> Result<String> {
    crate::ids::hyphenated_uuid(id).ok_or_else(|| Error::new(Code::InvalidId, format!("a {what} id is a UUID")))
}

/// A required grade: `high`, `medium`, `low`, or none.
pub fn grade(v: Option<&str>, key: &str) -> Result<Option<CsapGrade>> {
    v.map(|g| CsapGrade::parse(g).ok_or_else(|| crate::body::bad(key, "high, medium, low or null"))).transpose()
}

/// The certification gate (docs/RULES.md#buying): every reason the service cannot be contracted
/// or ordered today for a system of the required grade; empty when it can.
pub async fn gate_reasons(ctx: &Context, rec: &ServiceRecord, required: Option<CsapGrade>) -> Result<Vec<&'static str>> {
    let facts = crate::orderable::facts(ctx, rec).await?;
    let effective = crate::catalog::certification_today(ctx, rec).await?.and_then(|c| c.effective_grade);
    Ok(gureum_domain::buying::gate(facts, effective, required, ctx.clock().today()))
}

/// 409 `not_orderable` with the first reason in `reason` and every one in `reasons`.
pub fn not_orderable(rec: &ServiceRecord, reasons: &[&'static str]) -> Error {
    let first = reasons.first().copied().unwrap_or("certification_missing");
    Error::new(Code::NotOrderable, format!("{} ({}) cannot be contracted or ordered: {}", rec.listing.name, rec.code, reasons.join(", ")))
        .with("reason", first.into())
        .with("reasons", reasons.iter().map(|r| Value::from(*r)).collect::<Vec<_>>().into())
        .with("service_id", rec.id.clone().into())
}

/// Refuses unless the service passes the gate.
pub async fn require_orderable(ctx: &Context, rec: &ServiceRecord, required: Option<CsapGrade>) -> Result<()> {
    let reasons = gate_reasons(ctx, rec, required).await?;
    if reasons.is_empty() { Ok(()) } else { Err(not_orderable(rec, &reasons)) }
}

/// A service as buying sees it: public (listed or suspended), by id; else 404 (a suspended one
/// is then refused by the gate with its reason).
pub async fn service(ctx: &Context, id: &str) -> Result<ServiceRecord> {
    let id = uuid(id, "service")?;
    ctx.db().service(ServiceKey::Id(&id)).await?.filter(|r| r.public_revision.is_some()).ok_or_else(|| Error::not_found("service"))
}

/// The listed unit price and unit of a service's plan.
pub fn plan_of<'a>(rec: &'a ServiceRecord, plan: &str) -> Option<&'a gureum_domain::listing::PricePlan> {
    rec.listing.price_plans.iter().find(|p| p.name == plan)
}

/// Appends one audit event of a buying record `(kind, id)`.
pub async fn audit(
    tx: &mut WriteTx,
    p: &Principal,
    rid: Option<String>,
    action: &str,
    (kind, id): (&str, &str),
    before: Option<Value>,
    after: Value,
) -> Result<()> {
    let mut ev = NewAuditEvent::new(&p.actor(), action, kind, id).request_id(rid).after(after);
    ev.before = before;
    ev.organisation = Some(p.org().id.clone());
    tx.audit(ev).await?;
    Ok(())
}

/// A reason: required, at most 2,000 characters (400 `reason_required` / `invalid_reason`).
pub fn reason(v: Option<&str>) -> Result<String> {
    let r = v.unwrap_or("").trim();
    gureum_domain::buying::check_reason(r)?;
    Ok(r.to_owned())
}

/// What waits on someone: a notification's kind, its Korean and English text and its link.
#[derive(Debug, Clone)]
pub struct Note {
    pub kind: &'static str,
    pub ko: String,
    pub en: String,
    pub link: String,
}

/// Tells every active member of an agency with one of `roles` (in the app and by e-mail).
pub async fn tell_agency(ctx: &Context, tx: &mut WriteTx, org_id: &str, roles: &[Role], n: &Note) -> Result<()> {
    for u in ctx.db().users_of(org_id).await? {
        if u.status == gureum_storage::UserStatus::Active && roles.iter().any(|r| u.roles.contains(r)) {
            crate::notify::tell_user(ctx, tx, &u.id, n.kind, &n.ko, &n.en, &n.link).await?;
        }
    }
    Ok(())
}

/// Tells a supplier's admins and suppliers.
pub async fn tell_supplier(ctx: &Context, tx: &mut WriteTx, supplier_id: &str, n: &Note) -> Result<()> {
    if let Some(org) = ctx.db().organisation_of_supplier(supplier_id).await? {
        crate::notify::tell_org_admins(ctx, tx, &org.id, n.kind, &n.ko, &n.en, &n.link).await?;
    }
    Ok(())
}

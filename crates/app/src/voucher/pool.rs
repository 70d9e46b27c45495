//! The supplier pool (공급기업 풀): a supplier's admin offers its own listed service with a
//! certification valid today to a programme (pending); the operator approves or rejects it;
//! everyone reads the approved ones.

use super::{PoolEntryView, audit, body_id, is_oversight, pool_view};
use crate::actor::{OPERATOR, Principal, Rule};
use crate::body::Fields;
use crate::buying::{Note, tell_supplier};
use crate::context::Context;
use crate::error::{Error, Result};
use gureum_domain::ServiceStatus;
use gureum_domain::account::Role;
use gureum_domain::voucher::{PoolAction, PoolStatus, Refusal};
use gureum_storage::{ServiceKey, StorageError, UniqueKey, VoucherService};
use serde_json::json;

/// The approved services of a programme (public).
pub async fn approved(ctx: &Context, programme_id: &str) -> Result<Vec<PoolEntryView>> {
    let prog = super::programme(ctx, programme_id).await?;
    Ok(ctx.db().voucher_services(&prog.id, Some(PoolStatus::Approved.as_str())).await?.iter().map(pool_view).collect())
}

/// Every pool entry the caller may follow: the operator's and the auditor's all, a supplier's
/// its own (any status).
pub async fn entries(ctx: &Context, p: &Principal) -> Result<Vec<PoolEntryView>> {
    let of = if is_oversight(p) {
        None
    } else if p.has_role(Role::Supplier) {
        Some(p.org().supplier_id.clone().ok_or_else(Error::forbidden)?)
    } else {
        return Err(Error::forbidden());
    };
    Ok(ctx.db().voucher_services_of(of.as_deref()).await?.iter().map(pool_view).collect())
}

/// A supplier's admin offers its own listed, certified service to a programme (`{"service_id"}`).
pub async fn offer(
    ctx: &Context,
    p: &Principal,
    programme_id: &str,
    body: &serde_json::Value,
    rid: Option<String>,
) -> Result<PoolEntryView> {
    p.require(Rule::AnyRole(&[Role::Supplier]))?;
    p.require(Rule::OrgAdmin)?;
    let supplier_id = p.org().supplier_id.clone().ok_or_else(Error::forbidden)?;
    let prog = super::programme(ctx, programme_id).await?;
    let f = Fields::of(body)?;
    let service_id = body_id(f.string("service_id")?, "service_id")?;
    // another supplier's service, or none: 404 alike
    let rec = ctx
        .db()
        .service(ServiceKey::Id(&service_id))
        .await?
        .filter(|r| r.supplier.id == supplier_id)
        .ok_or_else(|| Error::not_found("service"))?;
    if rec.status != ServiceStatus::Listed {
        return Err(Error::invalid_status(format!("only a listed service joins a pool; this one is {}", rec.status.as_str())));
    }
    let today = ctx.clock().today();
    if !rec.listing.certification.as_ref().is_some_and(|c| c.valid_on(today)) {
        return Err(Refusal::CertificationRequired.into());
    }
    let entry = VoucherService {
        id: crate::ids::new_id(),
        programme_id: prog.id.clone(),
        service_id: rec.id.clone(),
        supplier_id,
        code: rec.code.clone(),
        name: rec.listing.name.clone(),
        status: PoolStatus::Pending.as_str().into(),
        reason: None,
        created_by: p.actor(),
        created_at: 0,
        decided_by: None,
        decided_at: None,
    };
    let mut tx = ctx.db().begin_write().await?;
    match tx.insert_voucher_service(&entry).await {
        Err(StorageError::Unique(UniqueKey::VoucherService)) => return Err(Refusal::AlreadyInPool.into()),
        other => other?,
    }
    audit(
        &mut tx,
        p,
        rid,
        "voucher_service.offer",
        ("voucher_service", &entry.id),
        None,
        json!({"programme_id": prog.id, "service_id": entry.service_id, "code": entry.code, "status": entry.status}),
    )
    .await?;
    crate::notify::notify_operators(
        ctx,
        &mut tx,
        "voucher.pool_offer",
        &format!("바우처 공급기업 풀 신청: {} ({})", entry.name, entry.code),
        &format!("Offered to the voucher pool: {} ({})", entry.name, entry.code),
        "/operator/vouchers",
    )
    .await?;
    let stored = tx.voucher_service(&entry.id).await?.ok_or_else(|| Error::internal("the pool entry went away"))?;
    tx.commit().await?;
    Ok(pool_view(&stored))
}

/// The operator approves a pending pool entry, or rejects it with `{"reason"}`.
pub async fn decide(
    ctx: &Context,
    p: &Principal,
    entry_id: &str,
    action: PoolAction,
    body: &serde_json::Value,
    rid: Option<String>,
) -> Result<PoolEntryView> {
    p.require(Rule::AnyRole(OPERATOR))?;
    let id = super::id(entry_id, "voucher service")?;
    let reason = match action {
        PoolAction::Reject => {
            let f = Fields::of(body)?;
            Some(crate::buying::reason(f.string("reason")?)?)
        }
        PoolAction::Approve => None,
    };
    let entry = ctx.db().voucher_service(&id).await?.ok_or_else(|| Error::not_found("voucher service"))?;
    let from = PoolStatus::parse(&entry.status).ok_or_else(|| Error::internal("unknown pool status"))?;
    let to = from.decide(action)?;
    let mut tx = ctx.db().begin_write().await?;
    if !tx.decide_voucher_service(&id, from.as_str(), to.as_str(), reason.as_deref(), &p.actor()).await? {
        return Err(Error::invalid_status("the pool entry was decided meanwhile"));
    }
    let verb = if to == PoolStatus::Approved { "approve" } else { "reject" };
    audit(
        &mut tx,
        p,
        rid,
        &format!("voucher_service.{verb}"),
        ("voucher_service", &id),
        Some(json!({"status": from.as_str()})),
        json!({"status": to.as_str(), "reason": reason, "programme_id": entry.programme_id, "service_id": entry.service_id}),
    )
    .await?;
    let note = if to == PoolStatus::Approved {
        Note {
            kind: "voucher.pool_approved",
            ko: format!("{} ({})이(가) 바우처 공급기업 풀에 승인되었습니다.", entry.name, entry.code),
            en: format!("{} ({}) was approved into the voucher pool.", entry.name, entry.code),
            link: "/supplier/vouchers".into(),
        }
    } else {
        Note {
            kind: "voucher.pool_rejected",
            ko: format!("{} ({})의 바우처 공급기업 풀 신청이 반려되었습니다.", entry.name, entry.code),
            en: format!("{} ({}) was not approved into the voucher pool.", entry.name, entry.code),
            link: "/supplier/vouchers".into(),
        }
    };
    tell_supplier(ctx, &mut tx, &entry.supplier_id, &note).await?;
    let stored = tx.voucher_service(&id).await?.ok_or_else(|| Error::internal("the pool entry went away"))?;
    tx.commit().await?;
    Ok(pool_view(&stored))
}

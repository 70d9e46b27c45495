//! Debarment (부정당업자 제재, docs/RULES.md#debarment): the operator records that a supplier is
//! barred for a period; its listed services are suspended while it runs (at once when it has
//! begun, else by the debarments job on its first day) and the ones it suspended are listed
//! again the day after it ends. Each suspension and release is a lifecycle transition the
//! domain allows (`Suspend`, `Reinstate`), written with its audit event and the supplier told.

use crate::actor::{AUDIT_READERS, OPERATOR, Principal, Rule};
use crate::context::Context;
use crate::error::{Code, Error, Result};
use crate::lifecycle::standing;
use crate::notify::tell_org_admins;
use gureum_domain::ServiceStatus;
use gureum_domain::clock::{format_date, parse_date};
use gureum_domain::debarment::Period;
use gureum_domain::lifecycle::{Action, Actor, decide};
use gureum_storage::{Debarment, NewAuditEvent, SupplierRecord, WriteTx};
use serde_json::json;
use time::Date;

/// The actor the jobs record in the audit chain.
pub const SYSTEM: &str = "system";

const MAX_REASON: usize = 2_000;

/// What the operator sends: `{"from", "to", "reason"}`.
#[derive(Debug, Clone, Default)]
pub struct DebarmentInput<'a> {
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub reason: Option<&'a str>,
}

fn parse_input(input: &DebarmentInput<'_>) -> Result<(Period, String)> {
    let date = |name: &str, v: Option<&str>| {
        v.map(str::trim)
            .and_then(parse_date)
            .ok_or_else(|| Error::new(Code::InvalidDate, format!("{name}: a date YYYY-MM-DD (Asia/Seoul) is required")))
    };
    let (from, to) = (date("from", input.from)?, date("to", input.to)?);
    let period = Period::new(from, to).map_err(|_| Error::new(Code::InvalidDate, "to: the debarment cannot end before it starts"))?;
    let reason = input.reason.map(str::trim).unwrap_or_default();
    if reason.is_empty() {
        return Err(Error::new(Code::ReasonRequired, "reason: say why the supplier is debarred; the supplier is told it"));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(Error::new(Code::InvalidReason, format!("reason: at most {MAX_REASON} characters")));
    }
    Ok((period, reason.to_owned()))
}

async fn known_supplier(ctx: &Context, id: &str) -> Result<SupplierRecord> {
    let id = crate::ids::hyphenated_uuid(id)
        .ok_or_else(|| Error::new(Code::InvalidId, "a supplier id is a UUID such as 0190f5c2-7b1e-7d3a-9c4e-2a1b3c4d5e6f"))?;
    ctx.db().supplier(&id).await?.ok_or_else(|| Error::not_found("supplier"))
}

/// The operator debars a supplier (201): bad input is 400 before anything is looked up, an
/// unknown supplier 404. When the period has begun, the supplier's listed services are
/// suspended in the same transaction.
pub async fn debar(
    ctx: &Context,
    p: &Principal,
    supplier_id: &str,
    input: &DebarmentInput<'_>,
    request_id: Option<String>,
) -> Result<Debarment> {
    p.require(Rule::AnyRole(OPERATOR))?;
    let (period, reason) = parse_input(input)?;
    let supplier = known_supplier(ctx, supplier_id).await?;
    let today = ctx.clock().today();
    let mut tx = ctx.db().begin_write().await?;
    let d = Debarment {
        id: uuid::Uuid::new_v4().to_string(),
        supplier_id: supplier.id.clone(),
        period,
        reason,
        created_by: p.actor(),
        created_at: tx.now(),
        ended_at: None,
    };
    tx.insert_debarment(&d).await?;
    let mut ev = NewAuditEvent::new(&p.actor(), "supplier.debar", "supplier", &supplier.id).request_id(request_id).after(json!({
        "debarment_id": d.id, "from": format_date(period.from), "to": format_date(period.to), "reason": d.reason
    }));
    ev.organisation = Some(p.org().id.clone());
    tx.audit(ev).await?;
    let suspended =
        if period.active_on(today) { suspend_listed(&mut tx, &d, &p.actor(), Some(p.org().id.clone())).await? } else { Vec::new() };
    let (from, to) = (format_date(period.from), format_date(period.to));
    tell_supplier(
        ctx,
        &mut tx,
        &supplier.id,
        "supplier.debarred",
        &format!("부정당업자 제재가 등록되었습니다 ({from} ~ {to}). 사유: {}. 이 기간 동안 등록된 서비스는 판매중지됩니다.", d.reason),
        &format!("Your company is debarred from {from} to {to}. Reason: {}. Your listed services are suspended for the period.", d.reason),
    )
    .await?;
    tx.commit().await?;
    if !suspended.is_empty() {
        ctx.wait_for_index().await;
    }
    Ok(d)
}

/// A supplier's debarments, latest first: the operator and the auditor.
pub async fn debarments(ctx: &Context, p: &Principal, supplier_id: &str) -> Result<Vec<Debarment>> {
    p.require(Rule::AnyRole(AUDIT_READERS))?;
    let supplier = known_supplier(ctx, supplier_id).await?;
    Ok(ctx.db().debarments_of(&supplier.id).await?)
}

/// The debarment of a supplier in force today, if any (shown on its public page).
pub async fn in_force(ctx: &Context, supplier_id: &str) -> Result<Option<Debarment>> {
    Ok(ctx.db().debarment_in_force(supplier_id, ctx.clock().today()).await?)
}

/// Tells the supplier's organisation (admins and supplier staff), in the app and by e-mail.
pub(crate) async fn tell_supplier(ctx: &Context, tx: &mut WriteTx, supplier_id: &str, kind: &str, ko: &str, en: &str) -> Result<()> {
    if let Some(org) = ctx.db().organisation_of_supplier(supplier_id).await? {
        tell_org_admins(ctx, tx, &org.id, kind, ko, en, "/supplier/services").await?;
    }
    Ok(())
}

fn suspension_reason(d: &Debarment) -> String {
    format!("부정당업자 제재 ({} ~ {}): {}", format_date(d.period.from), format_date(d.period.to), d.reason)
}

/// Suspends the supplier's listed services the debarment has not touched yet (never one twice,
/// so an operator's reinstatement during the period stands); answers their ids.
async fn suspend_listed(tx: &mut WriteTx, d: &Debarment, actor: &str, org: Option<String>) -> Result<Vec<String>> {
    let mut done = Vec::new();
    for id in tx.supplier_service_ids(&d.supplier_id, ServiceStatus::Listed).await? {
        if tx.debarment_touched(&d.id, &id).await? {
            continue;
        }
        let Some(head) = tx.service_head(&id).await? else { continue };
        let (st, _) = standing(tx, &head).await?;
        let t = decide(st, Action::Suspend, Actor::Operator)?;
        let reason = suspension_reason(d);
        tx.set_service_status(&id, t.after.status, Some(&reason)).await?;
        tx.record_change(&id).await?;
        tx.insert_debarment_suspension(&d.id, &id).await?;
        let mut ev = NewAuditEvent::new(actor, "service.suspend", "service", &id)
            .before(json!({"status": head.status.as_str(), "reason": head.status_reason}))
            .after(json!({"status": t.after.status.as_str(), "reason": reason, "debarment_id": d.id}));
        ev.organisation = org.clone();
        tx.audit(ev).await?;
        done.push(id);
    }
    Ok(done)
}

/// What the debarments job did on a day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DebarmentRun {
    pub suspended: Vec<String>,
    pub relisted: Vec<String>,
}

/// The debarments job: suspends the listed services of every debarment in force (one that began
/// since it was recorded, or a service listed during it), and lists again, the day after a
/// debarment ends, the services it suspended that are still suspended — unless another
/// debarment of the supplier is in force, which keeps them suspended until it ends too.
pub async fn run_job(ctx: &Context) -> Result<DebarmentRun> {
    let today = ctx.clock().today();
    let mut run = DebarmentRun::default();
    for d in ctx.db().open_debarments().await? {
        if d.period.over_on(today) {
            run.relisted.extend(release(ctx, &d, today).await?);
        } else if d.period.active_on(today) {
            let mut tx = ctx.db().begin_write().await?;
            let ids = suspend_listed(&mut tx, &d, SYSTEM, None).await?;
            if !ids.is_empty() {
                let (from, to) = (format_date(d.period.from), format_date(d.period.to));
                tell_supplier(
                    ctx,
                    &mut tx,
                    &d.supplier_id,
                    "supplier.debarment_began",
                    &format!("부정당업자 제재 기간({from} ~ {to})이 시작되어 서비스 {}개가 판매중지되었습니다.", ids.len()),
                    &format!("Your debarment ({from} to {to}) has begun: {} services are suspended.", ids.len()),
                )
                .await?;
            }
            tx.commit().await?;
            run.suspended.extend(ids);
        }
    }
    if !run.suspended.is_empty() || !run.relisted.is_empty() {
        ctx.wait_for_index().await;
    }
    Ok(run)
}

/// Lists again what an ended debarment suspended, in one transaction, and marks it ended.
async fn release(ctx: &Context, d: &Debarment, today: Date) -> Result<Vec<String>> {
    let mut tx = ctx.db().begin_write().await?;
    if tx.other_debarment_in_force(&d.supplier_id, &d.id, today).await? {
        tx.rollback().await?;
        return Ok(Vec::new());
    }
    let mut relisted = Vec::new();
    for id in tx.unreleased_suspensions(&d.id).await? {
        if let Some(head) = tx.service_head(&id).await?
            && head.status == ServiceStatus::Suspended
        {
            let (st, _) = standing(&mut tx, &head).await?;
            let t = decide(st, Action::Reinstate, Actor::Operator)?;
            tx.set_service_status(&id, t.after.status, None).await?;
            tx.record_change(&id).await?;
            tx.audit(
                NewAuditEvent::new(SYSTEM, "service.reinstate", "service", &id)
                    .before(json!({"status": head.status.as_str(), "reason": head.status_reason}))
                    .after(json!({"status": t.after.status.as_str(), "reason": null, "debarment_id": d.id})),
            )
            .await?;
            relisted.push(id.clone());
        }
        // A service the operator reinstated, cancelled or that expired meanwhile is left as it is.
        tx.release_suspension(&d.id, &id).await?;
    }
    tx.end_debarment(&d.id).await?;
    tx.audit(NewAuditEvent::new(SYSTEM, "supplier.debarment_end", "supplier", &d.supplier_id).after(json!({
        "debarment_id": d.id, "to": format_date(d.period.to), "relisted": relisted
    })))
    .await?;
    if !relisted.is_empty() {
        let to = format_date(d.period.to);
        tell_supplier(
            ctx,
            &mut tx,
            &d.supplier_id,
            "supplier.debarment_ended",
            &format!("부정당업자 제재 기간({to}까지)이 끝나 판매중지된 서비스 {}개가 다시 등록되었습니다.", relisted.len()),
            &format!("Your debarment ended on {to}: {} suspended services are listed again.", relisted.len()),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(relisted)
}

//! Applications (신청) and selection (선정): an SME user of an approved small or medium company
//! applies once per programme within its window; the operator reviews the applications side by
//! side and selects one (a voucher, within the company cap and what the budget has left) or
//! rejects it with a reason.

use super::{ApplicationView, MAX_TEXT_CHARS, VoucherView, application_view, audit, is_oversight, is_sme, text, voucher_view, won};
use crate::actor::{OPERATOR, Principal, Rule};
use crate::body::{Fields, bad};
use crate::buying::{Note, tell_agency};
use crate::context::Context;
use crate::error::{Error, Result};
use gureum_domain::account::Role;
use gureum_domain::listing::SupplierSize;
use gureum_domain::voucher::{self, ApplicationAction, ApplicationStatus, Refusal};
use gureum_storage::{StorageError, UniqueKey, Voucher, VoucherApplication};
use serde_json::json;

/// The applications the caller may see: the operator's and the auditor's all (of one programme
/// when asked), an SME's its own; anyone else 403.
pub async fn list(ctx: &Context, p: &Principal, programme_id: Option<&str>) -> Result<Vec<ApplicationView>> {
    let org = if is_oversight(p) {
        None
    } else if is_sme(p) {
        Some(p.org().id.clone())
    } else {
        return Err(Error::forbidden());
    };
    let programme = programme_id.filter(|s| !s.is_empty()).map(|s| super::id(s, "programme")).transpose()?;
    Ok(ctx.db().voucher_applications(org.as_deref(), programme.as_deref()).await?.iter().map(application_view).collect())
}

/// One application: the operator's and the auditor's any, an SME's its own; else 404.
pub async fn get(ctx: &Context, p: &Principal, raw_id: &str) -> Result<ApplicationView> {
    if !is_oversight(p) && !is_sme(p) {
        return Err(Error::forbidden());
    }
    let id = super::id(raw_id, "application")?;
    let a = ctx.db().voucher_application(&id).await?.filter(|a| is_oversight(p) || a.org_id == p.org().id);
    Ok(application_view(&a.ok_or_else(|| Error::not_found("voucher application"))?))
}

/// An SME applies (`{"programme_id", "plan", "requested_krw", "company_size"?}`). `network` is the
/// client network it came from ([`voucher::client_network`]), for the `shared_network` flag.
pub async fn apply(
    ctx: &Context,
    p: &Principal,
    body: &serde_json::Value,
    network: Option<String>,
    rid: Option<String>,
) -> Result<ApplicationView> {
    if !is_sme(p) {
        return Err(Refusal::NotSme.into());
    }
    let user_id = p.user().map(|u| u.id.clone()).ok_or_else(Error::forbidden)?;
    let f = Fields::of(body)?;
    let programme_id = super::body_id(f.string("programme_id")?, "programme_id")?;
    let plan = text(f.string("plan")?, "plan", true, MAX_TEXT_CHARS)?;
    let requested = won(f.int("requested_krw")?, "requested_krw", 1)?;
    let size = f
        .string("company_size")?
        .filter(|s| !s.trim().is_empty())
        .map(|s| SupplierSize::parse(s.trim()).ok_or_else(|| bad("company_size", "small, medium, midsize or large")))
        .transpose()?;
    let prog = ctx.db().voucher_programme(&programme_id).await?.ok_or_else(|| Error::not_found("voucher programme"))?;
    if size.is_some_and(|s| !matches!(s, SupplierSize::Small | SupplierSize::Medium)) {
        return Err(Refusal::NotSme.into());
    }
    let (from, to) = (crate::body::parse_date(&prog.apply_from), crate::body::parse_date(&prog.apply_to));
    let open = matches!((from, to), (Some(f), Some(t)) if voucher::window_open(ctx.clock().today(), f, t));
    if !open {
        return Err(Error::from(Refusal::ProgrammeClosed)
            .with("apply_from", prog.apply_from.clone().into())
            .with("apply_to", prog.apply_to.clone().into()));
    }
    let row = VoucherApplication {
        id: crate::ids::new_id(),
        programme_id: prog.id.clone(),
        org_id: p.org().id.clone(),
        user_id,
        plan,
        requested_krw: requested,
        company_size: size.map(|s| s.as_str().to_owned()),
        client_network: network,
        status: ApplicationStatus::Submitted.as_str().into(),
        reason: None,
        created_at: 0,
        decided_by: None,
        decided_at: None,
        company_name: p.org().name.clone(),
        company_address: None,
        company_representative: None,
        company_phone: None,
        company_business_number: None,
        prior_vouchers: 0,
        voucher_id: None,
    };
    let mut tx = ctx.db().begin_write().await?;
    match tx.insert_voucher_application(&row).await {
        Err(StorageError::Unique(UniqueKey::VoucherApplication)) => return Err(Refusal::AlreadyApplied.into()),
        other => other?,
    }
    audit(
        &mut tx,
        p,
        rid,
        "voucher_application.submit",
        ("voucher_application", &row.id),
        None,
        json!({"programme_id": row.programme_id, "plan": row.plan, "requested_krw": row.requested_krw, "company_size": row.company_size,
               "client_network": row.client_network, "status": row.status}),
    )
    .await?;
    tx.commit().await?;
    let stored = ctx.db().voucher_application(&row.id).await?.ok_or_else(|| Error::internal("the application went away"))?;
    Ok(application_view(&stored))
}

/// The operator selects a submitted application (`{"granted_krw"}`): a voucher, within the
/// company cap (400 `above_company_cap`) and what the programme has left (409
/// `programme_budget_exceeded`, decided by the conditional UPDATE whatever the concurrency).
pub async fn select(ctx: &Context, p: &Principal, raw_id: &str, body: &serde_json::Value, rid: Option<String>) -> Result<VoucherView> {
    p.require(Rule::AnyRole(OPERATOR))?;
    let id = super::id(raw_id, "application")?;
    let f = Fields::of(body)?;
    let granted = won(f.int("granted_krw")?, "granted_krw", 1)?;
    let app = ctx.db().voucher_application(&id).await?.ok_or_else(|| Error::not_found("voucher application"))?;
    let from = ApplicationStatus::parse(&app.status).ok_or_else(|| Error::internal("unknown application status"))?;
    from.decide(ApplicationAction::Select)?;
    let prog = ctx.db().voucher_programme(&app.programme_id).await?.ok_or_else(|| Error::internal("the programme went away"))?;
    if granted > prog.company_cap_krw {
        return Err(Error::from(Refusal::AboveCompanyCap).with("company_cap_krw", prog.company_cap_krw.into()));
    }
    let mut tx = ctx.db().begin_write().await?;
    if !tx.decide_voucher_application(&id, from.as_str(), ApplicationStatus::Selected.as_str(), None, &p.actor()).await? {
        return Err(Error::invalid_status("the application was decided meanwhile"));
    }
    if !tx.grant_from_programme(&prog.id, granted).await? {
        let now = tx.voucher_programme(&prog.id).await?.unwrap_or(prog);
        return Err(Error::from(Refusal::ProgrammeBudgetExceeded)
            .with("remaining_krw", voucher::remaining(now.total_budget_krw, now.granted_krw).into()));
    }
    let v = Voucher {
        id: crate::ids::new_id(),
        programme_id: app.programme_id.clone(),
        org_id: app.org_id.clone(),
        application_id: app.id.clone(),
        granted_krw: granted,
        reimbursed_krw: 0,
        created_at: 0,
        company_name: app.company_name.clone(),
    };
    tx.insert_voucher(&v).await?;
    audit(
        &mut tx,
        p,
        rid.clone(),
        "voucher_application.select",
        ("voucher_application", &id),
        Some(json!({"status": from.as_str()})),
        json!({"status": "selected", "voucher_id": v.id, "granted_krw": granted}),
    )
    .await?;
    audit(
        &mut tx,
        p,
        rid,
        "voucher.grant",
        ("voucher", &v.id),
        None,
        json!({"programme_id": v.programme_id, "company_id": v.org_id, "application_id": v.application_id, "granted_krw": granted}),
    )
    .await?;
    let note = Note {
        kind: "voucher.selected",
        ko: format!("클라우드 바우처에 선정되었습니다: {}원", gureum_domain::Krw::new(granted).grouped()),
        en: format!("Your voucher application was selected: {granted} KRW granted."),
        link: "/sme/vouchers".into(),
    };
    tell_agency(ctx, &mut tx, &app.org_id, &[Role::Sme], &note).await?;
    let stored = tx.voucher(&v.id).await?.ok_or_else(|| Error::internal("the voucher went away"))?;
    tx.commit().await?;
    Ok(voucher_view(&stored))
}

/// The operator rejects a submitted application with `{"reason"}`.
pub async fn reject(ctx: &Context, p: &Principal, raw_id: &str, body: &serde_json::Value, rid: Option<String>) -> Result<ApplicationView> {
    p.require(Rule::AnyRole(OPERATOR))?;
    let id = super::id(raw_id, "application")?;
    let reason = crate::buying::reason(Fields::of(body)?.string("reason")?)?;
    let app = ctx.db().voucher_application(&id).await?.ok_or_else(|| Error::not_found("voucher application"))?;
    let from = ApplicationStatus::parse(&app.status).ok_or_else(|| Error::internal("unknown application status"))?;
    let to = from.decide(ApplicationAction::Reject)?;
    let mut tx = ctx.db().begin_write().await?;
    if !tx.decide_voucher_application(&id, from.as_str(), to.as_str(), Some(&reason), &p.actor()).await? {
        return Err(Error::invalid_status("the application was decided meanwhile"));
    }
    audit(
        &mut tx,
        p,
        rid,
        "voucher_application.reject",
        ("voucher_application", &id),
        Some(json!({"status": from.as_str()})),
        json!({"status": to.as_str(), "reason": reason}),
    )
    .await?;
    let note = Note {
        kind: "voucher.rejected",
        ko: format!("클라우드 바우처 신청이 선정되지 않았습니다. 사유: {reason}"),
        en: format!("Your voucher application was not selected. Reason: {reason}"),
        link: "/sme/vouchers".into(),
    };
    tell_agency(ctx, &mut tx, &app.org_id, &[Role::Sme], &note).await?;
    tx.commit().await?;
    let stored = ctx.db().voucher_application(&id).await?.ok_or_else(|| Error::internal("the application went away"))?;
    Ok(application_view(&stored))
}

/// The vouchers the caller may see: the operator's and the auditor's all, an SME's its own.
pub async fn vouchers(ctx: &Context, p: &Principal) -> Result<Vec<VoucherView>> {
    let org = if is_oversight(p) {
        None
    } else if is_sme(p) {
        Some(p.org().id.clone())
    } else {
        return Err(Error::forbidden());
    };
    Ok(ctx.db().vouchers(org.as_deref()).await?.iter().map(voucher_view).collect())
}

/// One voucher: the operator's and the auditor's any, an SME's its own; else 404.
pub async fn voucher(ctx: &Context, p: &Principal, raw_id: &str) -> Result<VoucherView> {
    if !is_oversight(p) && !is_sme(p) {
        return Err(Error::forbidden());
    }
    let id = super::id(raw_id, "voucher")?;
    let v = ctx.db().voucher(&id).await?.filter(|v| is_oversight(p) || v.org_id == p.org().id);
    Ok(voucher_view(&v.ok_or_else(|| Error::not_found("voucher"))?))
}

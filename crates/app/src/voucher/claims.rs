//! Claims (정산 신청): the SME, after paying the supplier in full, claims reimbursement with its
//! evidence; the operator approves (committing the reimbursement against the voucher, never past
//! its grant), asks for more evidence, rejects, and settles; the supplier or the SME reports
//! money returned after a reimbursement (a payback signal).

use super::{ClaimView, MAX_INVOICE_CHARS, MAX_TEXT_CHARS, audit, body_id, claim_view, is_oversight, is_sme, is_supplier, text, won};
use crate::actor::{OPERATOR, Principal, Rule};
use crate::body::{Fields, bad, required};
use crate::buying::{Note, tell_agency};
use crate::context::Context;
use crate::error::{Error, Result};
use gureum_domain::account::Role;
use gureum_domain::clock::format_date;
use gureum_domain::voucher::{self, ClaimAction, ClaimStatus, CostType, PoolStatus, Refusal};
use gureum_storage::{ClaimFilter, ClaimText, StorageError, UniqueKey, VoucherClaim, VoucherRefund};
use serde_json::json;

/// A tax invoice number as stored and compared: its letters and digits, upper-cased (so
/// `20261120-4100 0012` and `202611204100012` are one number).
pub fn invoice_key(raw: &str) -> String {
    raw.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
}

/// The claims the caller may see: the operator's and the auditor's all, an SME's its own, a
/// supplier's those on its services.
pub async fn list(ctx: &Context, p: &Principal, voucher_id: Option<&str>) -> Result<Vec<ClaimView>> {
    let voucher_id = voucher_id.filter(|s| !s.is_empty()).map(|s| super::id(s, "voucher")).transpose()?;
    let mut f = ClaimFilter { voucher_id: voucher_id.as_deref(), ..ClaimFilter::default() };
    let (org, supplier);
    if is_oversight(p) {
    } else if is_sme(p) {
        org = p.org().id.clone();
        f.org_id = Some(&org);
    } else if p.has_role(Role::Supplier) {
        supplier = p.org().supplier_id.clone().ok_or_else(Error::forbidden)?;
        f.supplier_id = Some(&supplier);
    } else {
        return Err(Error::forbidden());
    }
    Ok(ctx.db().voucher_claims(f).await?.iter().map(claim_view).collect())
}

/// Whether the caller may read this claim: the operator, the auditor, its SME, its supplier.
fn may_read(p: &Principal, c: &VoucherClaim) -> bool {
    is_oversight(p) || (is_sme(p) && c.org_id == p.org().id) || is_supplier(p, &c.supplier_id)
}

/// One claim; 404 for anyone but its parties and the oversight roles.
pub async fn get(ctx: &Context, p: &Principal, raw_id: &str) -> Result<ClaimView> {
    if !is_oversight(p) && !is_sme(p) && !p.has_role(Role::Supplier) {
        return Err(Error::forbidden());
    }
    let id = super::id(raw_id, "claim")?;
    let c = ctx.db().voucher_claim(&id).await?.filter(|c| may_read(p, c)).ok_or_else(|| Error::not_found("voucher claim"))?;
    Ok(claim_view(&c))
}

/// The SME claims (`{"voucher_id", "voucher_service_id", "cost_type", "paid_krw", "paid_on",
/// "tax_invoice_number", "evidence_document_ids", "usage_krw"?}`). A claim may ask for more
/// than the voucher has left: the limit is applied at approval.
pub async fn submit(ctx: &Context, p: &Principal, body: &serde_json::Value, rid: Option<String>) -> Result<ClaimView> {
    if !is_sme(p) {
        return Err(Error::forbidden());
    }
    let f = Fields::of(body)?;
    let voucher_id = body_id(f.string("voucher_id")?, "voucher_id")?;
    let pool_id = body_id(f.string("voucher_service_id")?, "voucher_service_id")?;
    let cost_type = required(f.string("cost_type")?, "cost_type")?;
    let cost_type = CostType::parse(cost_type).ok_or_else(|| bad("cost_type", "consulting, transition or usage"))?;
    let paid = won(f.int("paid_krw")?, "paid_krw", 1)?;
    let paid_on = required(f.date("paid_on")?, "paid_on")?;
    let usage = f.int("usage_krw")?.map(|u| won(Some(u), "usage_krw", 0)).transpose()?;
    let number = text(f.string("tax_invoice_number")?, "tax_invoice_number", true, MAX_INVOICE_CHARS)?;
    let number = invoice_key(&number);
    if number.is_empty() {
        return Err(bad("tax_invoice_number", "letters and digits"));
    }
    let evidence = evidence_ids(&f)?;
    let today = ctx.clock().today();
    let v = ctx.db().voucher(&voucher_id).await?.filter(|v| v.org_id == p.org().id).ok_or_else(|| Error::not_found("voucher"))?;
    let prog = ctx.db().voucher_programme(&v.programme_id).await?.ok_or_else(|| Error::internal("the programme went away"))?;
    if !prog.cost_types.iter().any(|c| c == cost_type.as_str()) {
        return Err(Error::from(Refusal::CostTypeNotEligible).with("cost_types", prog.cost_types.clone().into()));
    }
    let entry = ctx
        .db()
        .voucher_service(&pool_id)
        .await?
        .filter(|s| s.programme_id == prog.id && s.status == PoolStatus::Approved.as_str())
        .ok_or_else(|| Error::from(Refusal::ServiceNotInProgramme))?;
    let use_until = crate::body::parse_date(&prog.use_until).ok_or_else(|| Error::internal("a stored date is not a date"))?;
    if paid_on > use_until {
        return Err(Error::from(Refusal::UsagePeriodOver).with("use_until", prog.use_until.clone().into()));
    }
    if paid_on > today {
        return Err(bad("paid_on", "a payment already made (not after today)"));
    }
    own_documents(ctx, p, &evidence).await?;
    let claim = VoucherClaim {
        id: crate::ids::new_id(),
        voucher_id: v.id.clone(),
        programme_id: prog.id.clone(),
        org_id: v.org_id.clone(),
        voucher_service_id: entry.id.clone(),
        service_id: entry.service_id.clone(),
        supplier_id: entry.supplier_id.clone(),
        cost_type: cost_type.as_str().into(),
        paid_krw: paid,
        paid_on: format_date(paid_on),
        usage_krw: usage,
        tax_invoice_number: number,
        reimbursement_krw: voucher::reimbursement(paid, prog.government_share_pct),
        status: ClaimStatus::Submitted.as_str().into(),
        evidence_message: None,
        reason: None,
        approval_reason: None,
        settled_on: None,
        refunded_krw: 0,
        submitted_on: format_date(today),
        created_by: p.actor(),
        created_at: 0,
        decided_by: None,
        decided_at: None,
        evidence_document_ids: evidence,
    };
    let mut tx = ctx.db().begin_write().await?;
    match tx.insert_voucher_claim(&claim).await {
        Err(StorageError::Unique(UniqueKey::VoucherInvoice)) => return Err(Refusal::DuplicateInvoice.into()),
        other => other?,
    }
    audit(
        &mut tx,
        p,
        rid,
        "voucher_claim.submit",
        ("voucher_claim", &claim.id),
        None,
        json!({"voucher_id": claim.voucher_id, "voucher_service_id": claim.voucher_service_id, "cost_type": claim.cost_type,
               "paid_krw": claim.paid_krw, "paid_on": claim.paid_on, "usage_krw": claim.usage_krw,
               "tax_invoice_number": claim.tax_invoice_number, "reimbursement_krw": claim.reimbursement_krw,
               "evidence_document_ids": claim.evidence_document_ids, "status": claim.status}),
    )
    .await?;
    crate::notify::notify_operators(
        ctx,
        &mut tx,
        "voucher.claim",
        &format!("바우처 정산 신청: {} ({}원)", v.company_name, gureum_domain::Krw::new(claim.reimbursement_krw).grouped()),
        &format!("Voucher claim from {}: {} KRW", v.company_name, claim.reimbursement_krw),
        "/operator/vouchers",
    )
    .await?;
    tx.commit().await?;
    get(ctx, p, &claim.id).await
}

/// The body's `evidence_document_ids`: at least one, each an id, each once.
fn evidence_ids(f: &Fields<'_>) -> Result<Vec<String>> {
    let mut evidence = Vec::new();
    for (n, v) in f.array("evidence_document_ids")?.map(Vec::as_slice).unwrap_or_default().iter().enumerate() {
        let key = format!("evidence_document_ids[{n}]");
        let doc = body_id(v.as_str(), &key)?;
        if !evidence.contains(&doc) {
            evidence.push(doc);
        }
    }
    if evidence.is_empty() {
        return Err(Refusal::EvidenceRequired.into());
    }
    Ok(evidence)
}

/// Every document is one the caller's company uploaded (400 `evidence_required` naming the
/// first that is not).
async fn own_documents(ctx: &Context, p: &Principal, evidence: &[String]) -> Result<()> {
    for d in evidence {
        if ctx.db().voucher_document(d).await?.is_none_or(|doc| doc.org_id != p.org().id) {
            return Err(Error::from(Refusal::EvidenceRequired).with("unknown_document_id", d.clone().into()));
        }
    }
    Ok(())
}

/// The SME answers the operator's request for evidence with more documents
/// (`{"evidence_document_ids"}`, uploaded first like a claim's): they join the claim's evidence
/// and the claim goes back to the operator as submitted. Only the claim's own company; another's
/// claim is 404.
pub async fn supply_evidence(
    ctx: &Context,
    p: &Principal,
    raw_id: &str,
    body: &serde_json::Value,
    rid: Option<String>,
) -> Result<ClaimView> {
    if !is_sme(p) {
        return Err(Error::forbidden());
    }
    let id = super::id(raw_id, "claim")?;
    let f = Fields::of(body)?;
    let evidence = evidence_ids(&f)?;
    let c = ctx.db().voucher_claim(&id).await?.filter(|c| c.org_id == p.org().id).ok_or_else(|| Error::not_found("voucher claim"))?;
    let from = status_of(&c)?;
    let to = from.decide(ClaimAction::SupplyEvidence)?;
    own_documents(ctx, p, &evidence).await?;
    let mut tx = ctx.db().begin_write().await?;
    if !tx.reopen_voucher_claim(&c.id, from.as_str(), to.as_str()).await? {
        return Err(Error::invalid_status("the claim was decided meanwhile"));
    }
    tx.add_voucher_claim_documents(&c.id, &evidence).await?;
    audit(
        &mut tx,
        p,
        rid,
        "voucher_claim.supply_evidence",
        ("voucher_claim", &c.id),
        Some(json!({"status": from.as_str(), "evidence_document_ids": c.evidence_document_ids})),
        json!({"status": to.as_str(), "added_document_ids": evidence}),
    )
    .await?;
    let v = ctx.db().voucher(&c.voucher_id).await?.ok_or_else(|| Error::internal("the voucher went away"))?;
    crate::notify::notify_operators(
        ctx,
        &mut tx,
        "voucher.claim_evidence_supplied",
        &format!("바우처 정산 신청에 증빙이 보완되었습니다: {}", v.company_name),
        &format!("More evidence was supplied on a voucher claim: {}", v.company_name),
        &format!("/vouchers/claims/{}", c.id),
    )
    .await?;
    tx.commit().await?;
    get(ctx, p, &c.id).await
}

/// The same answer from a form with one file: the claim is checked before the file is stored, so
/// a refused answer stores nothing (only a claim decided between the check and the answer leaves
/// the uploaded file with the company, cited by no claim).
pub async fn supply_evidence_file(
    ctx: &Context,
    p: &Principal,
    raw_id: &str,
    file: Option<(String, Vec<u8>)>,
    rid: Option<String>,
) -> Result<ClaimView> {
    if !is_sme(p) {
        return Err(Error::forbidden());
    }
    let id = super::id(raw_id, "claim")?;
    let c = ctx.db().voucher_claim(&id).await?.filter(|c| c.org_id == p.org().id).ok_or_else(|| Error::not_found("voucher claim"))?;
    status_of(&c)?.decide(ClaimAction::SupplyEvidence)?;
    let (name, bytes) = file.ok_or_else(|| Error::from(Refusal::EvidenceRequired))?;
    let doc = super::documents::upload(ctx, p, &name, bytes, rid.clone()).await?;
    supply_evidence(ctx, p, &c.id, &json!({"evidence_document_ids": [doc.id]}), rid).await
}

/// A claim for the operator's action, or 404.
async fn for_operator(ctx: &Context, p: &Principal, raw_id: &str) -> Result<VoucherClaim> {
    p.require(Rule::AnyRole(OPERATOR))?;
    let id = super::id(raw_id, "claim")?;
    ctx.db().voucher_claim(&id).await?.ok_or_else(|| Error::not_found("voucher claim"))
}

fn status_of(c: &VoucherClaim) -> Result<ClaimStatus> {
    ClaimStatus::parse(&c.status).ok_or_else(|| Error::internal("unknown claim status"))
}

/// Tells the claim's SME.
async fn tell_sme(
    ctx: &Context,
    tx: &mut gureum_storage::WriteTx,
    c: &VoucherClaim,
    kind: &'static str,
    ko: String,
    en: String,
) -> Result<()> {
    let note = Note { kind, ko, en, link: "/sme/vouchers".into() };
    tell_agency(ctx, tx, &c.org_id, &[Role::Sme], &note).await
}

/// The operator approves a claim (`{"reason"}` needed when it is flagged): its reimbursement is
/// committed against the voucher, never past the grant (409 `voucher_exhausted`, decided by
/// the conditional UPDATE whatever the concurrency).
pub async fn approve(ctx: &Context, p: &Principal, raw_id: &str, body: &serde_json::Value, rid: Option<String>) -> Result<ClaimView> {
    let c = for_operator(ctx, p, raw_id).await?;
    let f = Fields::of(body)?;
    let reason = text(f.string("reason")?, "reason", false, MAX_TEXT_CHARS)?;
    let from = status_of(&c)?;
    from.decide(ClaimAction::Approve)?;
    let flags = super::flags::of_claim(ctx, &c).await?;
    if !flags.is_empty() && reason.is_empty() {
        let kinds: Vec<serde_json::Value> = flags.iter().map(|f| f.kind.clone().into()).collect();
        return Err(Error::from(Refusal::FlagReasonRequired).with("flags", kinds.into()));
    }
    let mut tx = ctx.db().begin_write().await?;
    let text = (!reason.is_empty()).then_some((ClaimText::ApprovalReason, reason.as_str()));
    if !tx.move_voucher_claim(&c.id, from.as_str(), ClaimStatus::Approved.as_str(), text, &p.actor()).await? {
        return Err(Error::invalid_status("the claim was decided meanwhile"));
    }
    if !tx.reimburse_from_voucher(&c.voucher_id, &c.programme_id, c.reimbursement_krw).await? {
        let v = tx.voucher(&c.voucher_id).await?;
        let left = v.map(|v| voucher::remaining(v.granted_krw, v.reimbursed_krw)).unwrap_or(0);
        return Err(Error::from(Refusal::VoucherExhausted).with("remaining_krw", left.into()));
    }
    let flag_kinds: Vec<&str> = flags.iter().map(|f| f.kind.as_str()).collect();
    audit(
        &mut tx,
        p,
        rid,
        "voucher_claim.approve",
        ("voucher_claim", &c.id),
        Some(json!({"status": from.as_str()})),
        json!({"status": "approved", "reimbursement_krw": c.reimbursement_krw, "voucher_id": c.voucher_id,
               "reason": (!reason.is_empty()).then_some(&reason), "flags": flag_kinds}),
    )
    .await?;
    let won = gureum_domain::Krw::new(c.reimbursement_krw).grouped();
    tell_sme(
        ctx,
        &mut tx,
        &c,
        "voucher.claim_approved",
        format!("바우처 정산 신청이 승인되었습니다: {won}원"),
        format!("Your voucher claim was approved: {} KRW", c.reimbursement_krw),
    )
    .await?;
    tx.commit().await?;
    get(ctx, p, &c.id).await
}

/// The operator asks for more evidence (`{"message"}`).
pub async fn request_evidence(
    ctx: &Context,
    p: &Principal,
    raw_id: &str,
    body: &serde_json::Value,
    rid: Option<String>,
) -> Result<ClaimView> {
    let c = for_operator(ctx, p, raw_id).await?;
    let message = text(Fields::of(body)?.string("message")?, "message", true, MAX_TEXT_CHARS)?;
    let from = status_of(&c)?;
    let to = from.decide(ClaimAction::RequestEvidence)?;
    let mut tx = ctx.db().begin_write().await?;
    if !tx.move_voucher_claim(&c.id, from.as_str(), to.as_str(), Some((ClaimText::EvidenceMessage, &message)), &p.actor()).await? {
        return Err(Error::invalid_status("the claim was decided meanwhile"));
    }
    audit(
        &mut tx,
        p,
        rid,
        "voucher_claim.request_evidence",
        ("voucher_claim", &c.id),
        Some(json!({"status": from.as_str()})),
        json!({"status": to.as_str(), "message": message}),
    )
    .await?;
    tell_sme(
        ctx,
        &mut tx,
        &c,
        "voucher.claim_evidence",
        format!("바우처 정산 신청에 증빙 보완이 요청되었습니다: {message}"),
        format!("More evidence is asked for your voucher claim: {message}"),
    )
    .await?;
    tx.commit().await?;
    get(ctx, p, &c.id).await
}

/// The operator rejects a claim (`{"reason"}`).
pub async fn reject(ctx: &Context, p: &Principal, raw_id: &str, body: &serde_json::Value, rid: Option<String>) -> Result<ClaimView> {
    let c = for_operator(ctx, p, raw_id).await?;
    let reason = crate::buying::reason(Fields::of(body)?.string("reason")?)?;
    let from = status_of(&c)?;
    let to = from.decide(ClaimAction::Reject)?;
    let mut tx = ctx.db().begin_write().await?;
    if !tx.move_voucher_claim(&c.id, from.as_str(), to.as_str(), Some((ClaimText::Reason, &reason)), &p.actor()).await? {
        return Err(Error::invalid_status("the claim was decided meanwhile"));
    }
    audit(
        &mut tx,
        p,
        rid,
        "voucher_claim.reject",
        ("voucher_claim", &c.id),
        Some(json!({"status": from.as_str()})),
        json!({"status": to.as_str(), "reason": reason}),
    )
    .await?;
    tell_sme(
        ctx,
        &mut tx,
        &c,
        "voucher.claim_rejected",
        format!("바우처 정산 신청이 반려되었습니다. 사유: {reason}"),
        format!("Your voucher claim was rejected. Reason: {reason}"),
    )
    .await?;
    tx.commit().await?;
    get(ctx, p, &c.id).await
}

/// The operator settles an approved claim (`{"settled_on"}`): the reimbursement was paid out.
pub async fn settle(ctx: &Context, p: &Principal, raw_id: &str, body: &serde_json::Value, rid: Option<String>) -> Result<ClaimView> {
    let c = for_operator(ctx, p, raw_id).await?;
    let on = required(Fields::of(body)?.date("settled_on")?, "settled_on")?;
    let from = status_of(&c)?;
    let to = from.decide(ClaimAction::Settle)?;
    let on = format_date(on);
    let mut tx = ctx.db().begin_write().await?;
    if !tx.settle_voucher_claim(&c.id, &on, &p.actor()).await? {
        return Err(Error::invalid_status("the claim was settled meanwhile"));
    }
    audit(
        &mut tx,
        p,
        rid,
        "voucher_claim.settle",
        ("voucher_claim", &c.id),
        Some(json!({"status": from.as_str()})),
        json!({"status": to.as_str(), "settled_on": on, "reimbursement_krw": c.reimbursement_krw}),
    )
    .await?;
    tell_sme(
        ctx,
        &mut tx,
        &c,
        "voucher.claim_settled",
        format!("바우처 지원금이 지급되었습니다({on}): {}원", gureum_domain::Krw::new(c.reimbursement_krw).grouped()),
        format!("Your voucher reimbursement was paid on {on}: {} KRW", c.reimbursement_krw),
    )
    .await?;
    tx.commit().await?;
    get(ctx, p, &c.id).await
}

/// The claim's supplier or SME reports money returned after the reimbursement (`{"amount_krw",
/// "note"}`); the refunds never sum above what was paid. Raises the `payback` flag.
pub async fn report_refund(ctx: &Context, p: &Principal, raw_id: &str, body: &serde_json::Value, rid: Option<String>) -> Result<ClaimView> {
    if !is_sme(p) && !p.has_role(Role::Supplier) {
        return Err(Error::forbidden());
    }
    let id = super::id(raw_id, "claim")?;
    let f = Fields::of(body)?;
    let amount = won(f.int("amount_krw")?, "amount_krw", 1)?;
    let note = text(f.string("note")?, "note", false, MAX_TEXT_CHARS)?;
    let c = ctx
        .db()
        .voucher_claim(&id)
        .await?
        .filter(|c| (is_sme(p) && c.org_id == p.org().id) || is_supplier(p, &c.supplier_id))
        .ok_or_else(|| Error::not_found("voucher claim"))?;
    status_of(&c)?.decide(ClaimAction::ReportRefund)?;
    let mut tx = ctx.db().begin_write().await?;
    let now = tx.voucher_claim(&id).await?.ok_or_else(|| Error::not_found("voucher claim"))?;
    if !voucher::fits(now.refunded_krw, amount, now.paid_krw) {
        return Err(Refusal::RefundAbovePaid.into());
    }
    let r = VoucherRefund {
        id: crate::ids::new_id(),
        claim_id: id.clone(),
        amount_krw: amount,
        note,
        reported_by: p.actor(),
        reporter_org: p.org().id.clone(),
        created_at: 0,
    };
    tx.insert_voucher_refund(&r).await?;
    audit(
        &mut tx,
        p,
        rid,
        "voucher_claim.refund_report",
        ("voucher_claim", &id),
        Some(json!({"refunded_krw": now.refunded_krw})),
        json!({"refund_id": r.id, "amount_krw": amount, "note": r.note, "refunded_krw": now.refunded_krw + amount,
               "reported_by_side": if is_sme(p) { "sme" } else { "supplier" }}),
    )
    .await?;
    crate::notify::notify_operators(
        ctx,
        &mut tx,
        "voucher.refund",
        &format!("바우처 정산 후 환급 신고: {}원", gureum_domain::Krw::new(amount).grouped()),
        &format!("Money returned after a voucher reimbursement: {amount} KRW"),
        "/operator/vouchers",
    )
    .await?;
    tx.commit().await?;
    let c = ctx.db().voucher_claim(&id).await?.ok_or_else(|| Error::internal("the claim went away"))?;
    Ok(claim_view(&c))
}

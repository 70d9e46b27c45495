//! The SME cloud voucher (클라우드 바우처, issue #25; SPEC §3 "Voucher programme", §4 "Cloud
//! vouchers"; docs/RULES.md#voucher-programme). One module a step — [`programmes`] (the
//! operator's yearly settings and the public totals), [`pool`] (suppliers' services offered and
//! approved), [`applications`] (SMEs apply, the operator selects: a voucher), [`documents`]
//! (evidence), [`claims`] (reimbursement: submit, approve, question, reject, settle, refunds)
//! and [`flags`] (fraud signals). The rules and state machines are `gureum_domain::voucher`'s;
//! the budget rule is enforced by `gureum_storage`'s conditional UPDATEs.
//!
//! Pages call the same functions as the API: each returns the view types below.

pub mod applications;
pub mod claims;
pub mod documents;
pub mod flags;
pub mod pool;
pub mod programmes;

use crate::actor::Principal;
use crate::body::bad;
use crate::error::{Code, Error, Result};
use gureum_domain::account::{OrgKind, Role};
use gureum_domain::clock::rfc3339_utc;
use gureum_domain::voucher::{self, Refusal};
use gureum_storage::{NewAuditEvent, Voucher, VoucherApplication, VoucherClaim, VoucherProgramme, VoucherService, WriteTx};
use serde::Serialize;
use serde_json::Value;

/// The voucher refusals are API codes.
impl From<Refusal> for Error {
    fn from(r: Refusal) -> Self {
        let code = Code::parse(r.code()).unwrap_or(Code::InvalidStatus);
        debug_assert_eq!(code.as_str(), r.code(), "every voucher refusal has a code");
        Error::new(code, r.message_en())
    }
}

/// Who reads every application, voucher and claim: the operator runs the programme, the auditor
/// checks it.
pub const OVERSIGHT: &[Role] = &[Role::Operator, Role::Auditor];

/// The longest plan, reason, message or note, in characters.
pub const MAX_TEXT_CHARS: usize = 2_000;
/// The longest tax invoice number (국세청 전자세금계산서 승인번호 is 24 digits; room for others).
pub const MAX_INVOICE_CHARS: usize = 64;

/// Whether the caller speaks for an approved SME company.
pub fn is_sme(p: &Principal) -> bool {
    p.org_kind() == OrgKind::Sme && p.has_role(Role::Sme)
}

/// Whether the caller speaks for this supplier.
pub fn is_supplier(p: &Principal, supplier_id: &str) -> bool {
    p.has_role(Role::Supplier) && p.org().supplier_id.as_deref() == Some(supplier_id)
}

pub fn is_oversight(p: &Principal) -> bool {
    OVERSIGHT.iter().any(|r| p.has_role(*r))
}

/// A UUID id in a path, or 400 `invalid_id` naming what it is.
pub fn id(raw: &str, what: &str) -> Result<String> {
    crate::buying::uuid(raw, what)
}

/// A UUID id in a body field, or 400 `invalid_field`.
pub fn body_id(v: Option<&str>, key: &str) -> Result<String> {
    let raw = v.ok_or_else(|| bad(key, "required"))?;
    crate::ids::hyphenated_uuid(raw).ok_or_else(|| bad(key, "a UUID"))
}

/// A whole number of won from 1 to 1조원 (`min` 0 allows zero).
pub fn won(v: Option<i64>, key: &str, min: i64) -> Result<i64> {
    let n = v.ok_or_else(|| bad(key, "required"))?;
    if !(min..=voucher::MAX_KRW).contains(&n) {
        return Err(bad(key, &format!("a whole number of won from {min} to 1,000,000,000,000")));
    }
    Ok(n)
}

/// Text trimmed, at most `max` characters; required or optional.
pub fn text(v: Option<&str>, key: &str, required: bool, max: usize) -> Result<String> {
    let t = v.unwrap_or("").trim();
    if required && t.is_empty() {
        return Err(bad(key, "required"));
    }
    if t.chars().count() > max {
        return Err(bad(key, &format!("at most {max} characters")));
    }
    Ok(t.to_owned())
}

/// Appends one audit event of a voucher record `(kind, id)`.
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

// ── views (the API's answers; the pages read the same) ──────────────────────────────────────

/// A programme with its settings and totals (public).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgrammeView {
    pub id: String,
    pub year: i64,
    pub name: String,
    pub total_budget_krw: i64,
    pub company_cap_krw: i64,
    pub government_share_pct: i64,
    pub cost_types: Vec<String>,
    pub apply_from: String,
    pub apply_to: String,
    pub use_until: String,
    /// Committed by vouchers.
    pub granted_krw: i64,
    /// Committed by approved claims.
    pub reimbursed_krw: i64,
    /// Paid out (settled claims).
    pub settled_krw: i64,
    /// What the budget has left to grant.
    pub remaining_krw: i64,
    /// Whether the application window is open today.
    pub open: bool,
    pub created_at: String,
}

pub fn programme_view(p: &VoucherProgramme, today: time::Date) -> ProgrammeView {
    let open = match (crate::body::parse_date(&p.apply_from), crate::body::parse_date(&p.apply_to)) {
        (Some(f), Some(t)) => voucher::window_open(today, f, t),
        _ => false,
    };
    ProgrammeView {
        id: p.id.clone(),
        year: p.year,
        name: p.name.clone(),
        total_budget_krw: p.total_budget_krw,
        company_cap_krw: p.company_cap_krw,
        government_share_pct: p.government_share_pct,
        cost_types: p.cost_types.clone(),
        apply_from: p.apply_from.clone(),
        apply_to: p.apply_to.clone(),
        use_until: p.use_until.clone(),
        granted_krw: p.granted_krw,
        reimbursed_krw: p.reimbursed_krw,
        settled_krw: p.settled_krw,
        remaining_krw: voucher::remaining(p.total_budget_krw, p.granted_krw),
        open,
        created_at: rfc3339_utc(p.created_at),
    }
}

/// A service in a programme's pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PoolEntryView {
    pub id: String,
    pub programme_id: String,
    pub service_id: String,
    pub supplier_id: String,
    pub code: String,
    pub name: String,
    /// pending, approved, rejected.
    pub status: String,
    /// The operator's reason when rejected.
    pub reason: Option<String>,
    pub created_at: String,
}

pub fn pool_view(s: &VoucherService) -> PoolEntryView {
    PoolEntryView {
        id: s.id.clone(),
        programme_id: s.programme_id.clone(),
        service_id: s.service_id.clone(),
        supplier_id: s.supplier_id.clone(),
        code: s.code.clone(),
        name: s.name.clone(),
        status: s.status.clone(),
        reason: s.reason.clone(),
        created_at: rfc3339_utc(s.created_at),
    }
}

/// An application, with what the operator compares side by side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApplicationView {
    pub id: String,
    pub programme_id: String,
    pub company_id: String,
    pub company_name: String,
    pub plan: String,
    pub requested_krw: i64,
    /// small or medium, as the company declared it (null when it did not).
    pub company_size: Option<String>,
    /// The first word of the company's address (시·도), null when it has none.
    pub region: Option<String>,
    /// Vouchers the company holds from other programmes.
    pub prior_vouchers: i64,
    /// submitted, selected, rejected.
    pub status: String,
    /// The operator's reason when rejected.
    pub reason: Option<String>,
    /// The voucher the selection made.
    pub voucher_id: Option<String>,
    pub created_at: String,
    pub decided_at: Option<String>,
}

pub fn application_view(a: &VoucherApplication) -> ApplicationView {
    ApplicationView {
        id: a.id.clone(),
        programme_id: a.programme_id.clone(),
        company_id: a.org_id.clone(),
        company_name: a.company_name.clone(),
        plan: a.plan.clone(),
        requested_krw: a.requested_krw,
        company_size: a.company_size.clone(),
        region: a.company_address.as_deref().and_then(voucher::region_of),
        prior_vouchers: a.prior_vouchers,
        status: a.status.clone(),
        reason: a.reason.clone(),
        voucher_id: a.voucher_id.clone(),
        created_at: rfc3339_utc(a.created_at),
        decided_at: a.decided_at.map(rfc3339_utc),
    }
}

/// A voucher: what was granted, what approved claims have used, what is left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VoucherView {
    pub id: String,
    pub company_id: String,
    pub company_name: String,
    pub programme_id: String,
    pub application_id: String,
    pub granted_krw: i64,
    pub reimbursed_krw: i64,
    pub remaining_krw: i64,
    pub created_at: String,
}

pub fn voucher_view(v: &Voucher) -> VoucherView {
    VoucherView {
        id: v.id.clone(),
        company_id: v.org_id.clone(),
        company_name: v.company_name.clone(),
        programme_id: v.programme_id.clone(),
        application_id: v.application_id.clone(),
        granted_krw: v.granted_krw,
        reimbursed_krw: v.reimbursed_krw,
        remaining_krw: voucher::remaining(v.granted_krw, v.reimbursed_krw),
        created_at: rfc3339_utc(v.created_at),
    }
}

/// A claim for reimbursement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimView {
    pub id: String,
    pub voucher_id: String,
    pub programme_id: String,
    pub company_id: String,
    pub voucher_service_id: String,
    pub service_id: String,
    pub supplier_id: String,
    pub cost_type: String,
    pub paid_krw: i64,
    pub paid_on: String,
    /// The usage on the supplier's statement, when the claim gave it.
    pub usage_krw: Option<i64>,
    pub tax_invoice_number: String,
    pub evidence_document_ids: Vec<String>,
    /// ⌊paid_krw × government_share_pct / 100⌋.
    pub reimbursement_krw: i64,
    /// submitted, evidence_requested, approved, rejected, settled.
    pub status: String,
    /// The operator's request for more evidence.
    pub evidence_message: Option<String>,
    /// The rejection's reason.
    pub reason: Option<String>,
    /// The approval's reason (required when the claim was flagged).
    pub approval_reason: Option<String>,
    pub settled_on: Option<String>,
    /// Money reported returned after the reimbursement.
    pub refunded_krw: i64,
    pub submitted_on: String,
    pub created_at: String,
}

pub fn claim_view(c: &VoucherClaim) -> ClaimView {
    ClaimView {
        id: c.id.clone(),
        voucher_id: c.voucher_id.clone(),
        programme_id: c.programme_id.clone(),
        company_id: c.org_id.clone(),
        voucher_service_id: c.voucher_service_id.clone(),
        service_id: c.service_id.clone(),
        supplier_id: c.supplier_id.clone(),
        cost_type: c.cost_type.clone(),
        paid_krw: c.paid_krw,
        paid_on: c.paid_on.clone(),
        usage_krw: c.usage_krw,
        tax_invoice_number: c.tax_invoice_number.clone(),
        evidence_document_ids: c.evidence_document_ids.clone(),
        reimbursement_krw: c.reimbursement_krw,
        status: c.status.clone(),
        evidence_message: c.evidence_message.clone(),
        reason: c.reason.clone(),
        approval_reason: c.approval_reason.clone(),
        settled_on: c.settled_on.clone(),
        refunded_krw: c.refunded_krw,
        submitted_on: c.submitted_on.clone(),
        created_at: rfc3339_utc(c.created_at),
    }
}

/// A programme by id, or 404.
pub async fn programme(ctx: &crate::Context, raw_id: &str) -> Result<VoucherProgramme> {
    let id = id(raw_id, "programme")?;
    ctx.db().voucher_programme(&id).await?.ok_or_else(|| Error::not_found("voucher programme"))
}

//! The SME cloud voucher's pages (issue #25; SPEC §3 "Voucher programme"): the public
//! programmes and pools (`/vouchers`), the operator's desk (`/operator/vouchers`: programmes,
//! the pool's offers, applications side by side, claims, fraud flags, the budget), the
//! supplier's (`/supplier/vouchers`: offers to a pool, claims on its services, refund reports)
//! and the SME's (`/sme/vouchers`: apply, vouchers, claims with an evidence upload). Read and
//! changed only through `gureum_app::voucher`; every form works without JavaScript.

mod claim;
mod operator;
mod public;
mod sme;
mod supplier;

use crate::error::{AppError, Code};
use crate::i18n::Lang;
use crate::pages::form::FormData;
use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use gureum_domain::clock::seoul_minute;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/vouchers", get(public::list))
        .route("/vouchers/{id}", get(public::programme))
        .route("/vouchers/claims/{id}", get(claim::detail))
        .route("/vouchers/claims/{id}/refund", post(claim::refund))
        .route("/vouchers/claims/{id}/evidence", post(claim::supply_evidence))
        .route("/vouchers/documents/{id}", get(claim::document))
        .route("/operator/vouchers", get(operator::desk).post(operator::create))
        .route("/operator/vouchers/flags", get(operator::flags))
        .route("/operator/vouchers/pool/{id}/{action}", post(operator::pool))
        .route("/operator/vouchers/applications/{id}/{action}", post(operator::application))
        .route("/operator/vouchers/claims/{id}/{action}", post(claim::act))
        .route("/supplier/vouchers", get(supplier::desk).post(supplier::offer))
        .route("/sme/vouchers", get(sme::desk))
        .route("/sme/vouchers/apply", post(sme::apply))
        .route("/sme/vouchers/claims", post(sme::claim))
}

/// The words of the voucher pages, Korean first.
#[derive(Debug, Clone, Copy)]
pub struct W(pub Lang);

impl W {
    pub fn t(&self, key: &str) -> &'static str {
        let (ko, en) = match key {
            "title" => ("클라우드 바우처", "Cloud vouchers"),
            "intro" => (
                "정부가 중소기업이 낸 클라우드 이용료의 일부를 사후 정산으로 지원합니다. 사업별 예산과 기업당 한도, 지원 비율, 공급기업 풀을 공개합니다.",
                "The government pays part of what small and medium companies spend on cloud, reimbursed afterwards. Each programme's budget, cap per company, share and supplier pool are public.",
            ),
            "none" => ("공고된 사업이 없습니다.", "No programme yet."),
            "programmes" => ("사업 목록", "Programmes"),
            "col.programme" => ("사업", "Programme"),
            "col.year" => ("연도", "Year"),
            "col.budget" => ("총 예산", "Total budget"),
            "col.cap" => ("기업당 한도", "Cap per company"),
            "col.share" => ("지원 비율", "Government share"),
            "col.window" => ("신청 기간", "Application window"),
            "col.use_until" => ("사용 기한", "Use until"),
            "col.granted" => ("선정(배정)액", "Granted"),
            "col.reimbursed" => ("정산 승인액", "Reimbursed"),
            "col.settled" => ("지급액", "Settled"),
            "col.remaining" => ("배정 가능 잔액", "Left to grant"),
            "col.cost_types" => ("지원 비용", "Eligible costs"),
            "col.status" => ("상태", "Status"),
            "col.service" => ("서비스", "Service"),
            "col.code" => ("서비스 코드", "Service code"),
            "col.company" => ("기업", "Company"),
            "col.size" => ("규모", "Size"),
            "col.region" => ("지역", "Region"),
            "col.prior" => ("이전 바우처", "Prior vouchers"),
            "col.plan" => ("활용 계획", "Plan"),
            "col.requested" => ("신청액", "Requested"),
            "col.decide" => ("결정", "Decision"),
            "col.paid" => ("결제액", "Paid"),
            "col.paid_on" => ("결제일", "Paid on"),
            "col.reimbursement" => ("지원액", "Reimbursement"),
            "col.cost_type" => ("비용 구분", "Cost type"),
            "col.invoice" => ("세금계산서 번호", "Tax invoice number"),
            "col.submitted" => ("신청일", "Submitted"),
            "col.claim" => ("정산 신청", "Claim"),
            "col.voucher" => ("바우처", "Voucher"),
            "col.refunded" => ("환급 신고액", "Reported returned"),
            "col.flag" => ("신호", "Flag"),
            "col.detail" => ("내용", "Detail"),
            "col.evidence" => ("근거", "Evidence"),
            "col.reason" => ("사유", "Reason"),
            "open" => ("신청 접수 중", "Open for applications"),
            "closed" => ("접수 마감", "Closed"),
            "pool" => ("공급기업 풀 (승인된 서비스)", "Supplier pool (approved services)"),
            "pool.caption" => ("승인된 서비스 목록", "Approved services"),
            "pool.none" => ("아직 승인된 서비스가 없습니다.", "No approved service yet."),
            "see_pool" => ("공급기업 풀 보기", "See the pool"),
            "totals" => ("예산 집행 현황", "Budget"),
            "public_note" => ("기업별 신청·정산 정보는 공개하지 않습니다.", "No company's applications or claims are shown here."),
            "ct.consulting" => ("컨설팅", "Consulting"),
            "ct.transition" => ("전환", "Transition"),
            "ct.usage" => ("이용료", "Usage fees"),
            "s.pending" => ("승인 대기", "Pending"),
            "s.approved" => ("승인", "Approved"),
            "s.rejected" => ("반려", "Rejected"),
            "s.submitted" => ("접수", "Submitted"),
            "s.selected" => ("선정", "Selected"),
            "s.evidence_requested" => ("증빙 보완 요청", "Evidence requested"),
            "s.settled" => ("지급 완료", "Settled"),
            "size.small" => ("소기업", "Small"),
            "size.medium" => ("중기업", "Medium"),
            "error" => ("처리하지 못했습니다", "This could not be done"),
            "done" => ("처리되었습니다.", "Done."),
            "reason" => ("사유", "Reason"),
            "reason.required" => ("사유 (필수)", "Reason (required)"),
            // the operator's desk
            "op.title" => ("바우처 운영", "Voucher programme desk"),
            "op.new" => ("사업 만들기", "Create a programme"),
            "op.f.name" => ("사업명", "Name"),
            "op.f.year" => ("연도", "Year"),
            "op.f.total" => ("총 예산 (원)", "Total budget (KRW)"),
            "op.f.cap" => ("기업당 한도 (원)", "Cap per company (KRW)"),
            "op.f.share" => ("지원 비율 (%)", "Government share (%)"),
            "op.f.cost_types" => ("지원 비용", "Eligible costs"),
            "op.f.apply_from" => ("신청 시작일", "Applications from"),
            "op.f.apply_to" => ("신청 마감일", "Applications until"),
            "op.f.use_until" => ("사용 기한", "Use until"),
            "op.create" => ("사업 만들기", "Create"),
            "op.offers" => ("공급기업 풀 신청", "Pool offers"),
            "op.offers.caption" => ("승인을 기다리는 풀 신청", "Offers waiting for a decision"),
            "op.offers.none" => ("승인을 기다리는 풀 신청이 없습니다.", "No offer waits for a decision."),
            "op.approve" => ("승인", "Approve"),
            "op.reject" => ("반려", "Reject"),
            "op.applications" => ("신청 기업 비교", "Applications side by side"),
            "op.applications.caption" => ("신청 목록 (사업별)", "Applications, per programme"),
            "op.applications.none" => ("신청이 없습니다.", "No applications."),
            "op.granted" => ("배정액 (원)", "Granted (KRW)"),
            "op.select" => ("선정", "Select"),
            "op.claims" => ("정산 신청", "Claims"),
            "op.claims.caption" => ("정산 신청 목록", "Claims"),
            "op.claims.none" => ("정산 신청이 없습니다.", "No claims."),
            "op.flags" => ("부정수급 의심 신호", "Fraud flags"),
            "op.flags.none" => ("의심 신호가 없습니다.", "No flags."),
            "op.flags.caption" => ("의심 신호와 근거", "Flags with their evidence"),
            "op.flags.link" => ("의심 신호 보기", "See the fraud flags"),
            "op.programme" => ("사업", "Programme"),
            "op.filter" => ("보기", "Show"),
            "op.all" => ("모든 사업", "Every programme"),
            "flag.shared_address" => ("같은 주소에서 신청", "One address, several companies"),
            "flag.shared_network" => ("같은 네트워크에서 신청", "One client network, several companies"),
            "flag.shared_representative" => {
                ("공급기업과 대표자·주소·전화 공유", "Shares a representative, address or phone with the supplier")
            }
            "flag.payback" => ("정산 후 환급 (페이백)", "Money returned after reimbursement (payback)"),
            "flag.late_claim" => ("결제 후 30일 지나 신청", "Claimed more than 30 days after paying"),
            "flag.claim_above_usage" => ("사용량보다 많은 결제", "Paid above the statement's usage"),
            // a claim
            "claim.title" => ("바우처 정산 신청", "Voucher claim"),
            "claim.evidence" => ("증빙 서류", "Evidence"),
            "claim.flags" => ("의심 신호", "Flags"),
            "claim.flags.note" => (
                "의심 신호가 있는 신청을 승인하려면 사유를 적어야 하며, 사유는 감사 기록에 남습니다.",
                "Approving a flagged claim needs a written reason, kept in the audit log.",
            ),
            "claim.approve" => ("승인", "Approve"),
            "claim.approve.reason" => ("승인 사유", "Reason for approving"),
            "claim.request" => ("증빙 보완 요청", "Request evidence"),
            "claim.message" => ("요청 내용", "What is missing"),
            "claim.supply" => ("증빙 보완 제출", "Supply the evidence asked for"),
            "claim.supply.intro" => (
                "운영기관이 요청한 증빙을 PDF 또는 이미지로 올리면 정산 신청이 다시 심사 대기 상태가 됩니다.",
                "Upload what the operator asked for as a PDF or an image; the claim then goes back to the operator.",
            ),
            "claim.supply.submit" => ("보완 증빙 제출", "Submit the evidence"),
            "claim.reject" => ("반려", "Reject"),
            "claim.settle" => ("지급 처리", "Settle"),
            "claim.settled_on" => ("지급일", "Paid out on"),
            "claim.evidence_message" => ("보완 요청", "Evidence asked for"),
            "claim.approval_reason" => ("승인 사유", "Approval reason"),
            "claim.refund" => ("정산 후 환급 신고", "Report money returned"),
            "claim.refund.intro" => (
                "지원금 정산 후 공급기업이 이용료 일부를 돌려주었다면 신고해야 합니다.",
                "Report any money the supplier returned after the reimbursement.",
            ),
            "claim.refund.amount" => ("환급액 (원)", "Amount returned (KRW)"),
            "claim.refund.note" => ("설명", "Note"),
            "claim.refund.submit" => ("환급 신고", "Report"),
            "claim.back" => ("목록으로", "Back"),
            // the supplier's desk
            "sup.title" => ("바우처 공급", "Voucher supply"),
            "sup.offer" => ("공급기업 풀에 서비스 신청", "Offer a service to a pool"),
            "sup.offer.none" => {
                ("신청할 수 있는 사업이나 판매 중인 서비스가 없습니다.", "No open programme, or no listed service to offer.")
            }
            "sup.f.programme" => ("사업", "Programme"),
            "sup.f.service" => ("서비스 (판매 중, 인증 유효)", "Service (listed, certified)"),
            "sup.submit" => ("풀 신청", "Offer"),
            "sup.entries" => ("내 풀 신청", "My pool offers"),
            "sup.entries.caption" => ("풀 신청과 결정", "Offers and decisions"),
            "sup.entries.none" => ("풀 신청이 없습니다.", "No offers."),
            "sup.claims" => ("내 서비스에 쓰인 바우처", "Vouchers used on my services"),
            "sup.claims.none" => ("내 서비스에 대한 정산 신청이 없습니다.", "No claims on my services."),
            // the SME's desk
            "sme.title" => ("내 클라우드 바우처", "My cloud vouchers"),
            "sme.apply" => ("바우처 신청", "Apply for a voucher"),
            "sme.apply.none" => ("신청할 수 있는 사업이 없습니다.", "No programme open for your application."),
            "sme.f.programme" => ("사업", "Programme"),
            "sme.f.plan" => ("클라우드 활용 계획", "Cloud plan"),
            "sme.f.plan.hint" => ("2,000자 이내", "At most 2,000 characters"),
            "sme.f.requested" => ("신청액 (원)", "Requested (KRW)"),
            "sme.f.size" => ("기업 규모", "Company size"),
            "sme.apply.submit" => ("신청", "Apply"),
            "sme.applications" => ("내 신청", "My applications"),
            "sme.applications.caption" => ("신청과 결과", "Applications and decisions"),
            "sme.applications.none" => ("신청이 없습니다.", "No applications."),
            "sme.vouchers" => ("내 바우처", "My vouchers"),
            "sme.vouchers.caption" => ("바우처와 잔액", "Vouchers and what is left"),
            "sme.vouchers.none" => ("선정된 바우처가 없습니다.", "No voucher yet."),
            "sme.col.granted" => ("배정액", "Granted"),
            "sme.col.used" => ("정산 승인액", "Reimbursed"),
            "sme.col.left" => ("잔액", "Remaining"),
            "sme.claim" => ("정산 신청", "Claim a reimbursement"),
            "sme.claim.intro" => (
                "공급기업에 이용료 전액을 결제한 뒤, 세금계산서와 결제 증빙(PDF 또는 이미지)을 올려 신청합니다.",
                "After paying the supplier in full, claim with the tax invoice and the payment proof (a PDF or an image).",
            ),
            "sme.f.voucher" => ("바우처", "Voucher"),
            "sme.f.service" => ("공급기업 풀의 서비스", "Service from the pool"),
            "sme.f.cost_type" => ("비용 구분", "Cost type"),
            "sme.f.paid" => ("결제액 (원)", "Paid (KRW)"),
            "sme.f.paid_on" => ("결제일", "Paid on"),
            "sme.f.invoice" => ("세금계산서 승인번호", "Tax invoice number"),
            "sme.f.file" => ("증빙 파일 (PDF 또는 이미지)", "Evidence file (PDF or image)"),
            "sme.f.file.hint" => ("세금계산서 또는 결제 증빙, 20MiB 이하", "The tax invoice or the payment proof, at most 20 MiB"),
            "sme.claim.submit" => ("정산 신청", "Claim"),
            "sme.claims" => ("내 정산 신청", "My claims"),
            "sme.claims.none" => ("정산 신청이 없습니다.", "No claims."),
            "nav.vouchers" => ("클라우드 바우처", "Cloud vouchers"),
            _ => ("", ""),
        };
        self.0.pick(ko, en)
    }

    /// A status, cost type, size or flag kind in words (`s.`, `ct.`, `size.`, `flag.` keys); the
    /// raw value when unknown.
    pub fn of(&self, prefix: &str, value: &str) -> String {
        let w = self.t(&format!("{prefix}.{value}"));
        if w.is_empty() { value.to_owned() } else { w.to_owned() }
    }

    /// The badge colour of a status.
    pub fn tone(&self, status: &str) -> &'static str {
        match status {
            "approved" | "selected" | "settled" => "success",
            "rejected" => "danger",
            "evidence_requested" => "warning",
            _ => "primary",
        }
    }
}

/// A refused form: which form (and row) it was, the field it names, the message in the reader's
/// language and its code.
pub struct Problem {
    pub form: String,
    pub field: String,
    pub message: String,
    pub detail: String,
    pub code: &'static str,
}

impl Problem {
    pub fn new(lang: Lang, form: impl Into<String>, e: &AppError) -> Self {
        let field = match e.code {
            Code::InvalidField => e.message.split_once(':').map(|(k, _)| k.trim().to_owned()).unwrap_or_default(),
            c => refusal_field(c.as_str()).to_owned(),
        };
        Self { form: form.into(), field, message: lang.error_message(e.code).to_owned(), detail: e.message.clone(), code: e.code.as_str() }
    }

    /// Whether this problem is about `field` of `form`.
    pub fn on(&self, form: &str, field: &str) -> bool {
        self.form == form && self.field == field
    }
}

/// The field a voucher refusal is about.
fn refusal_field(code: &str) -> &'static str {
    match code {
        "above_company_cap" | "programme_budget_exceeded" => "granted_krw",
        "flag_reason_required" | "reason_required" => "reason",
        "usage_period_over" => "paid_on",
        "duplicate_invoice" => "tax_invoice_number",
        "evidence_required" | "file_required" | "unsupported_media_type" | "file_too_large" => "file",
        "refund_above_paid" => "amount_krw",
        "service_not_in_programme" => "voucher_service_id",
        "cost_type_not_eligible" => "cost_type",
        "voucher_exhausted" => "reason",
        _ => "",
    }
}

/// A refused form's state for the page: the problem, and what the form held.
#[derive(Default)]
pub struct Refused {
    pub problem: Option<Problem>,
    pub draft: FormData,
}

impl Refused {
    pub fn none() -> Self {
        Self::default()
    }

    /// A form field's value as the user sent it (on the form that was refused), else `fallback`.
    pub fn value(&self, form: &str, field: &str, fallback: &str) -> String {
        match &self.problem {
            Some(p) if p.form == form => self.draft.get(field).to_owned(),
            _ => fallback.to_owned(),
        }
    }

    pub fn bad(&self, form: &str, field: &str) -> bool {
        self.problem.as_ref().is_some_and(|p| p.on(form, field))
    }

    pub fn on_form(&self, form: &str) -> bool {
        self.problem.as_ref().is_some_and(|p| p.form == form)
    }
}

/// An RFC 3339 instant as a Seoul minute.
pub fn at(rfc: &str) -> String {
    time::OffsetDateTime::parse(rfc, &time::format_description::well_known::Rfc3339)
        .map(|t| seoul_minute(gureum_domain::clock::to_micros(t)))
        .unwrap_or_else(|_| rfc.to_owned())
}

/// An error of a form that stays on its page, or the error page (a 404, a bad id, a 403).
pub fn stays_on_form(e: &AppError) -> bool {
    !(e.status == axum::http::StatusCode::NOT_FOUND || e.status == axum::http::StatusCode::FORBIDDEN || e.code == Code::InvalidId)
}

/// A whole number of won from a form field (digits, commas and spaces allowed); text that is no
/// number stays text so that the use case refuses it by name.
pub fn won_value(raw: &str) -> serde_json::Value {
    let digits: String = raw.chars().filter(|c| !matches!(c, ',' | ' ' | '_')).collect();
    if digits.is_empty() {
        return serde_json::Value::Null;
    }
    digits.parse::<i64>().map(serde_json::Value::from).unwrap_or_else(|_| serde_json::Value::from(raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_has_both_languages() {
        for key in ["title", "op.title", "sup.title", "sme.title", "claim.title", "flag.payback", "s.settled"] {
            assert!(!W(Lang::Ko).t(key).is_empty() && !W(Lang::En).t(key).is_empty(), "{key}");
        }
        assert_eq!(W(Lang::En).of("s", "unknown"), "unknown");
    }

    #[test]
    fn amounts_from_forms() {
        assert_eq!(won_value("1,000,000"), serde_json::json!(1_000_000));
        assert_eq!(won_value(" "), serde_json::Value::Null);
        assert_eq!(won_value("많이"), serde_json::json!("많이"));
    }

    #[test]
    fn refusals_name_their_fields() {
        let e = AppError::new(Code::InvalidField, "plan: required");
        let p = Problem::new(Lang::Ko, "apply", &e);
        assert!(p.on("apply", "plan") && !p.on("claim", "plan"));
    }
}

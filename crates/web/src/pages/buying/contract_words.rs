//! What the contract, order and catalog-contract pages share: their words in Korean and
//! English, the status words, won and Asia/Seoul times, and a refusal shown on its form.

use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::desk::words::error_message;
use gureum_app::buying::contracts::TimeToContractView;
use serde_json::Value;

/// `(key, 한국어, English)`.
const WORDS: &[(&str, &str, &str)] = &[
    ("contracts.title", "계약·주문", "Contracts and orders"),
    ("contracts.lead", "수의계약과 납품요구(주문)를 봅니다.", "Negotiated contracts and delivery requests (orders)."),
    ("contracts.negotiated", "수의계약", "Negotiated contracts"),
    ("contracts.orders", "납품요구·주문", "Delivery requests and orders"),
    ("contracts.none", "아직 없습니다.", "None yet."),
    ("col.parties", "당사자", "Parties"),
    ("col.services", "서비스", "Services"),
    ("col.total", "합계(부가세 별도)", "Total (excl. VAT)"),
    ("col.status", "상태", "Status"),
    ("col.signed", "체결일시", "Signed at"),
    ("col.ttc", "계약 소요기간", "Time to contract"),
    ("col.service", "서비스(코드)", "Service (code)"),
    ("col.plan", "요금제", "Plan"),
    ("col.meter", "과금 단위", "Meter"),
    ("col.unit_price", "단가", "Unit price"),
    ("col.quantity", "수량", "Quantity"),
    ("col.months", "개월", "Months"),
    ("col.number", "계약번호", "Number"),
    ("col.supplier", "공급기업", "Supplier"),
    ("col.period", "기간", "Period"),
    ("col.items", "품목", "Items"),
    ("col.year", "회계연도", "Fiscal year"),
    ("col.amount", "금액", "Amount"),
    ("col.share", "지분", "Share"),
    ("col.proposed_by", "제안", "Proposed by"),
    ("col.changes", "변경 내용", "Changes"),
    ("col.reason", "사유", "Reason"),
    ("col.at", "일시", "At"),
    ("f.agency", "수요기관", "Agency"),
    ("f.supplier", "공급기업", "Supplier"),
    ("f.type", "계약 유형", "Type"),
    ("f.total", "합계(부가세 별도)", "Total (excl. VAT)"),
    ("f.vat", "부가세", "VAT"),
    ("f.with_vat", "부가세 포함", "Including VAT"),
    ("f.period", "계약기간", "Period"),
    ("f.cap", "계약한도", "Cap"),
    ("f.budget_line", "예산 과목", "Budget line"),
    ("f.record", "선정 근거 기록", "Decision record"),
    ("f.ttc", "계약 소요기간", "Time to contract"),
    ("f.status", "상태", "Status"),
    ("f.signed", "체결일시", "Signed at"),
    ("f.accepted_supplier", "공급기업 동의", "Supplier's acceptance"),
    ("f.accepted_agency", "수요기관 동의", "Agency's acceptance"),
    ("f.catalog", "카탈로그 계약", "Catalog contract"),
    ("f.end_reason", "종료 사유", "End reason"),
    ("f.grade", "요구 보안등급", "Required grade"),
    ("f.none", "없음", "None"),
    ("f.not_yet", "아직", "Not yet"),
    ("items.caption", "계약 품목", "Contract items"),
    ("inst.caption", "연차별 분할", "Instalments by fiscal year"),
    ("shares.caption", "공동계약 지분", "Joint contract shares"),
    ("text.title", "계약서 원문", "Contract text"),
    ("text.hash", "원문 해시(SHA-256)", "Text hash (SHA-256)"),
    ("accept.title", "계약서 동의", "Accept the contract text"),
    (
        "accept.lead",
        "위 원문을 읽고 동의합니다. 원문이 바뀌면 동의는 거절됩니다.",
        "I have read the text above and accept it. If the text changed meanwhile, the acceptance is refused.",
    ),
    ("accept.submit", "원문에 동의", "Accept this text"),
    ("amend.title", "변경계약", "Amendments"),
    ("amend.caption", "변경계약 이력", "Amendment history"),
    ("amend.none", "변경계약이 없습니다.", "No amendments."),
    ("amend.accept", "변경 수락", "Accept the amendment"),
    ("amend.refuse", "변경 거절", "Refuse the amendment"),
    ("amend.propose", "변경계약 제안", "Propose an amendment"),
    ("amend.ends_on", "새 종료일", "New end date"),
    ("amend.cap", "새 계약한도(원)", "New cap (won)"),
    ("amend.hint", "바꿀 항목만 입력하세요.", "Fill in only what changes."),
    ("amend.submit", "변경 제안", "Propose"),
    ("side.agency", "수요기관", "Agency"),
    ("side.supplier", "공급기업", "Supplier"),
    ("reason", "사유", "Reason"),
    ("terminate.title", "계약 해지", "Terminate the contract"),
    ("terminate.submit", "해지", "Terminate"),
    ("data.title", "데이터 반환·파기", "Data return and destruction"),
    ("data.return", "데이터 반환·파기 완료 알림", "Report the data returned and destroyed"),
    ("data.confirm", "데이터 반환·파기 확인", "Confirm the data return"),
    ("order.title", "납품요구", "Delivery request"),
    ("order.confirm", "납품요구 확인", "Confirm the delivery request"),
    ("order.refuse", "납품요구 거절", "Refuse the delivery request"),
    ("order.answer", "납품요구 답변", "Answer the delivery request"),
    ("catalog.title", "카탈로그 계약", "Catalog contracts"),
    (
        "catalog.lead",
        "조달청이 공급기업과 맺은 카탈로그 계약입니다. 수요기관은 계약 기간 중 이 단가로 납품요구를 합니다.",
        "Master contracts PPS made with suppliers; agencies place delivery requests at these unit prices while they run.",
    ),
    ("catalog.caption", "카탈로그 계약 목록", "Catalog contracts"),
    ("catalog.none", "카탈로그 계약이 없습니다.", "No catalog contracts."),
    ("catalog.new", "카탈로그 계약 등록", "Record a catalog contract"),
    ("catalog.supplier_id", "공급기업 ID", "Supplier id"),
    ("catalog.supplier_hint", "공급기업 페이지 주소의 ID(UUID)입니다.", "The id (UUID) in the supplier page's address."),
    ("catalog.number", "계약번호", "Contract number"),
    ("catalog.starts_on", "시작일", "Starts on"),
    ("catalog.ends_on", "종료일", "Ends on"),
    ("catalog.row", "품목", "Item"),
    ("catalog.service_id", "서비스 ID", "Service id"),
    ("catalog.plan", "요금제 이름", "Plan name"),
    ("catalog.price", "단가(원)", "Unit price (won)"),
    ("catalog.rows_hint", "빈 품목 행은 무시합니다.", "Empty item rows are ignored."),
    ("catalog.submit", "등록", "Record"),
    ("catalog.items_caption", "카탈로그 계약 품목", "Catalog contract items"),
    ("request.title", "납품요구", "Place a delivery request"),
    ("request.lead", "수량과 개월을 입력한 품목만 요구합니다.", "Only items with a quantity and months are requested."),
    ("request.line", "예산 과목", "Budget line"),
    ("request.available", "잔액", "available"),
    ("request.grade", "요구 보안등급", "Required grade"),
    ("request.submit", "납품요구", "Place the request"),
    (
        "request.no_lines",
        "올해 예산 과목이 없습니다. 예산 담당자에게 요청하세요.",
        "No budget line for this year; ask your budget officer.",
    ),
    ("grade.none", "지정 안 함", "Not specified"),
    ("grade.high", "상", "High"),
    ("grade.medium", "중", "Medium"),
    ("grade.low", "하", "Low"),
    ("problem", "처리하지 못했습니다", "This could not be done"),
    ("error.code", "오류 코드", "Error code"),
    ("done", "처리했습니다.", "Done."),
    ("cc.upcoming", "시작 전", "Upcoming"),
    ("cc.running", "진행 중", "Running"),
    ("cc.ended", "종료", "Ended"),
    ("st.draft", "동의 대기", "Awaiting acceptance"),
    ("st.signed", "체결", "Signed"),
    ("st.active", "이행 중", "Active"),
    ("st.terminated", "해지", "Terminated"),
    ("st.ended", "기간 만료", "Ended"),
    ("st.data_returned", "데이터 반환됨", "Data returned"),
    ("st.closed", "종결", "Closed"),
    ("st.requested", "확인 대기", "Requested"),
    ("st.confirmed", "확인됨", "Confirmed"),
    ("st.refused", "거절됨", "Refused"),
    ("st.proposed", "답변 대기", "Proposed"),
    ("st.accepted", "수락됨", "Accepted"),
    ("type.one_off", "일반", "One-off"),
    ("type.long_term", "장기계속", "Long-term"),
    ("type.unit_price", "단가", "Unit price"),
    ("type.joint", "공동", "Joint"),
    ("method.catalog", "납품요구(카탈로그)", "Delivery request (catalog)"),
    ("method.call_off", "단가계약 주문", "Call-off order"),
];

/// The words of these pages in the reader's language (the key itself when unknown).
#[derive(Debug, Clone, Copy)]
pub(super) struct W(pub Lang);

impl W {
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        match WORDS.iter().find(|(k, _, _)| *k == key) {
            Some((_, ko, en)) => self.0.pick(ko, en),
            None => key,
        }
    }

    /// A status (contract, order, amendment or catalog contract) in words.
    pub fn status(&self, s: &str) -> String {
        let key = format!("st.{s}");
        let word = self.t(&key);
        if word == key { s.to_owned() } else { word.to_owned() }
    }

    pub fn kind(&self, k: &str) -> String {
        let key = format!("type.{k}");
        let word = self.t(&key);
        if word == key { k.to_owned() } else { word.to_owned() }
    }

    pub fn won(&self, n: i64) -> String {
        self.0.won(n)
    }

    /// The time to contract in calendar and business days.
    pub fn ttc(&self, t: Option<&TimeToContractView>) -> String {
        match t {
            Some(t) if self.0.is_ko() => format!("{}일 (영업일 {}일)", t.calendar_days, t.business_days),
            Some(t) => format!("{} calendar days ({} business days)", t.calendar_days, t.business_days),
            None => "-".into(),
        }
    }
}

/// A status's KRDS badge class.
pub(super) fn badge(s: &str) -> &'static str {
    match s {
        "signed" | "active" | "confirmed" | "accepted" | "running" | "closed" => "success",
        "draft" | "requested" | "proposed" | "upcoming" => "primary",
        "terminated" | "refused" => "danger",
        "ended" | "data_returned" => "warning",
        _ => "gray",
    }
}

/// An RFC 3339 instant of a view as Asia/Seoul minutes (`2026-11-23 18:00`); "-" when absent.
pub(super) fn seoul(at: Option<&str>) -> String {
    at.and_then(|s| time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok())
        .map(|t| gureum_domain::clock::seoul_minute(gureum_domain::clock::to_micros(t)))
        .unwrap_or_else(|| "-".into())
}

/// A number typed in a form: the number when it reads as one, else the text (so that the use
/// case names the field), nothing when empty.
pub(super) fn number(v: &str) -> Option<Value> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    Some(v.replace(',', "").parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::from(v)))
}

/// A refusal shown on the form that caused it (`form` names it), with its status's code.
pub(super) struct Problem {
    pub form: String,
    pub message: String,
    pub detail: String,
    pub code: &'static str,
}

impl Problem {
    pub fn new(lang: Lang, form: &str, e: &AppError) -> Self {
        Self { form: form.to_owned(), message: error_message(lang, e.code).to_owned(), detail: e.message.clone(), code: e.code.as_str() }
    }

    /// Whether this refusal belongs to the form named `form`.
    pub fn on(p: &Option<Self>, form: &str) -> bool {
        p.as_ref().is_some_and(|p| p.form == form)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_speak_both_languages() {
        assert_eq!(W(Lang::Ko).status("draft"), "동의 대기");
        assert_eq!(W(Lang::En).status("confirmed"), "Confirmed");
        assert_eq!(W(Lang::En).status("odd"), "odd");
        assert_eq!(number("1,000"), Some(Value::from(1000)));
        assert_eq!(number("x"), Some(Value::from("x")));
        assert_eq!(number(" "), None);
        assert_eq!(seoul(Some("2026-11-23T00:00:00.000000Z")), "2026-11-23 09:00");
        let keys: std::collections::BTreeSet<_> = WORDS.iter().map(|(k, _, _)| k).collect();
        assert_eq!(keys.len(), WORDS.len(), "each key once");
    }
}

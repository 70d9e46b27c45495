//! The words of the buyer-side buying pages (projects, decision records, quote requests, the
//! worklist): key → (Korean, English), and the small helpers those pages share. Keys not found
//! here fall back to the desks' words, then the site's table.

use super::super::desk::FormError;
use super::super::layout::Ctx;
use crate::error::AppError;
use crate::i18n::Lang;
use gureum_domain::clock::{seoul_minute, to_micros};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The reader's language, for templates: `w.t("key")`.
#[derive(Debug, Clone, Copy)]
pub struct W(pub Lang);

impl W {
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        match word(key) {
            Some((ko, en)) => self.0.pick(ko, en),
            None => crate::pages::desk::words::Words(self.0).t(key),
        }
    }

    /// `1,234원` / `KRW 1,234`.
    pub fn won(&self, n: i64) -> String {
        self.0.won(n)
    }
}

/// An RFC 3339 instant as `2026-11-23 18:00` in Asia/Seoul (the text itself if unreadable).
pub fn seoul(rfc3339: &str) -> String {
    OffsetDateTime::parse(rfc3339, &Rfc3339).map(|t| seoul_minute(to_micros(t))).unwrap_or_else(|_| rfc3339.to_owned())
}

/// A refusal shown on the form that caused it (`form` names the form), with the error's status.
pub struct Problem {
    pub form: String,
    pub e: FormError,
}

impl Problem {
    pub fn new(ctx: &Ctx, form: &str, e: &AppError) -> Self {
        Self { form: form.to_owned(), e: FormError::new(ctx.lang, e) }
    }

    /// Whether this refusal belongs to the form `form`.
    pub fn on(&self, form: &str) -> bool {
        self.form == form
    }
}

/// The `?done=` notice of a page after a successful post.
pub fn done_notice(ctx: &Ctx) -> Option<&'static str> {
    let done = ctx.pairs().into_iter().find(|(k, _)| k == "done").map(|(_, v)| v)?;
    word(&format!("by.done.{done}")).map(|(ko, en)| ctx.lang.pick(ko, en))
}

/// A status word and its badge class.
pub fn status_badge(w: W, status: &str) -> (String, &'static str) {
    let class = match status {
        "requested" | "open" | "draft" => "primary",
        "offered" | "decided" | "used" | "signed" | "active" => "success",
        "expired" | "withdrawn" | "cancelled" => "gray",
        _ => "secondary",
    };
    let key = format!("by.status.{status}");
    match word(&key) {
        Some((ko, en)) => (w.0.pick(ko, en).to_owned(), class),
        None => (status.to_owned(), class),
    }
}

/// A required grade in words (`없음` / `None` when the project needs none).
pub fn grade_words(w: W, g: Option<&str>) -> String {
    match g {
        Some(g) => format!("CSAP {}", super::super::service::grade_label(w.0, g)),
        None => w.t("by.grade.none").to_owned(),
    }
}

/// Every word of these pages.
pub fn word(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        // projects
        "by.projects.title" => ("구매 사업", "Procurement projects"),
        "by.projects.lead" => (
            "필요한 보안등급을 정해 사업을 만들고, 사업에서 검색해 후보(롱리스트)를 모으고, 비교할 후보(숏리스트)를 골라 사유와 함께 선정합니다. 선정하면 선정 사유서가 확정됩니다.",
            "Open a project with the security grade your system needs, search from it to gather the long list, mark a short list to compare, and choose with a reason. The choice freezes the decision record.",
        ),
        "by.projects.caption" => ("우리 기관의 구매 사업 (최근 순, 한국 시간)", "Your agency's projects (newest first, Korea time)"),
        "by.projects.empty" => ("아직 구매 사업이 없습니다.", "No projects yet."),
        "by.projects.new" => ("새 구매 사업", "New project"),
        "by.projects.create" => ("사업 만들기", "Create the project"),
        "by.project.title" => ("사업명", "Title"),
        "by.project.grade" => ("필요한 보안등급", "Required security grade"),
        "by.project.grade.hint" => (
            "계약할 서비스는 이 등급 이상의 유효한 CSAP 인증이 있어야 합니다.",
            "Services contracted for this project need a valid CSAP certification of this grade or higher.",
        ),
        "by.project.status" => ("상태", "Status"),
        "by.project.created" => ("만든 날", "Created"),
        "by.project.searches" => ("검색 기록", "Searches"),
        "by.project.searches.caption" => (
            "이 사업에서 한 검색: 조건, 시각(한국 시간), 결과 수, 후보에 더한 수와 빠진 수",
            "Searches from this project: parameters, time (Korea time), results, added to and left out of the long list",
        ),
        "by.project.searches.empty" => ("아직 검색하지 않았습니다.", "No searches yet."),
        "by.search.seq" => ("번호", "No."),
        "by.search.params" => ("검색 조건", "Parameters"),
        "by.search.at" => ("검색 시각", "Searched at"),
        "by.search.total" => ("결과 수", "Results"),
        "by.search.added" => ("추가", "Added"),
        "by.search.left_out" => ("제외(100개 초과)", "Left out (over 100)"),
        "by.search.new" => ("이 사업에서 검색", "Search from this project"),
        "by.search.submit" => ("검색하고 후보에 더하기", "Search and add to the long list"),
        "by.search.any" => ("전체", "Any"),
        "by.long.title" => ("후보 (롱리스트)", "Long list"),
        "by.long.caption" => (
            "검색에서 본 서비스와 판. 비교할 서비스(1~10개)를 고르세요.",
            "Services seen in the searches, with the revision seen. Choose 1 to 10 to compare.",
        ),
        "by.long.empty" => ("후보가 없습니다. 먼저 검색하세요.", "The long list is empty: search first."),
        "by.long.count" => ("후보 수", "Long-list services"),
        "by.long.pick" => ("비교 대상", "Short list"),
        "by.long.save" => ("비교 대상(숏리스트) 저장", "Save the short list"),
        "by.col.service" => ("서비스", "Service"),
        "by.col.code" => ("서비스 코드", "Code"),
        "by.col.revision" => ("판", "Revision"),
        "by.col.supplier" => ("제공기업", "Supplier"),
        "by.col.kind" => ("유형", "Kind"),
        "by.col.csap_type" => ("CSAP 인증 유형", "CSAP type"),
        "by.col.grade" => ("유효 등급", "Effective grade"),
        "by.col.valid_to" => ("인증 유효기간", "Valid to"),
        "by.col.location" => ("데이터 보관 위치", "Data location"),
        "by.col.lowest" => ("최저 가격", "Lowest price"),
        "by.col.chosen" => ("선정", "Chosen"),
        "by.short.title" => ("비교 대상 (숏리스트)", "Short list"),
        "by.short.empty" => ("아직 비교 대상을 고르지 않았습니다.", "No short list yet."),
        "by.short.compare" => ("비교 대상 나란히 비교하기", "Compare the short list side by side"),
        "by.short.compare.hint" => {
            ("나란히 비교는 2~4개 서비스일 때 볼 수 있습니다.", "The side-by-side comparison takes 2 to 4 services.")
        }
        "by.decide.title" => ("선정", "Choose"),
        "by.decide.lead" => (
            "비교 대상 중에서 선정하고 사유를 적으세요. 선정하면 검색 기록, 후보, 비교표, 사유가 선정 사유서로 확정되어 고칠 수 없습니다.",
            "Choose among the short list and write the reason. The choice freezes the searches, the lists, the comparison and the reason as the decision record, which cannot change.",
        ),
        "by.decide.chosen" => ("선정할 서비스", "Services chosen"),
        "by.decide.reason" => ("선정 사유 (2,000자 이내) *", "Reason for the choice (at most 2,000 characters) *"),
        "by.decide.submit" => ("선정하고 사유서 만들기", "Choose and freeze the decision record"),
        "by.decided" => ("선정을 마친 사업입니다.", "This project's choice is made."),
        "by.record.link" => ("선정 사유서 보기", "See the decision record"),
        "by.quote.new" => ("견적 요청", "Request a quote"),
        "by.quote.for" => ("{name} 견적 요청", "Request a quote for {name}"),
        "by.quote.plan" => ("요금제", "Plan"),
        "by.quote.quantity" => ("수량", "Quantity"),
        "by.quote.months" => ("개월 수", "Months"),
        "by.quote.starts_on" => ("시작일", "Starts on"),
        "by.quote.ends_on" => ("종료일", "Ends on"),
        "by.quote.message" => ("요청 사항 (선택)", "Message (optional)"),
        "by.quote.submit" => ("견적 요청 보내기", "Send the request"),
        "by.quote.no_plans" => ("등록된 요금제가 없어 견적을 요청할 수 없습니다.", "This service lists no plans to ask a quote for."),
        "by.grade.none" => ("없음", "None"),
        "by.open" => ("열기", "Open"),
        "by.error" => ("처리하지 못했습니다", "Not done"),
        // decision records
        "by.record.title" => ("선정 사유서", "Decision record"),
        "by.record.lead" => (
            "내부결재용 문서입니다. 브라우저의 인쇄 기능으로 A4에 인쇄하거나 PDF로 저장할 수 있습니다.",
            "A document for internal approval (내부결재): print it on A4 or save it as PDF from the browser.",
        ),
        "by.record.agency" => ("수요기관", "Agency"),
        "by.record.project" => ("구매 사업", "Project"),
        "by.record.created" => ("확정 일시 (한국 시간)", "Frozen at (Korea time)"),
        "by.record.comparison" => ("비교표", "Comparison"),
        "by.record.comparison.caption" => ("비교 대상 서비스의 선정 당시 정보", "The short-listed services as they stood at the choice"),
        "by.record.chosen" => ("선정한 서비스", "Services chosen"),
        "by.record.reason" => ("선정 사유", "Reason"),
        "by.record.hash" => ("무결성 해시 (SHA-256)", "Integrity hash (SHA-256)"),
        "by.record.hash.hint" => (
            "RFC 8785 정규화 JSON의 SHA-256입니다. API의 JSON으로 같은 값을 확인할 수 있습니다.",
            "The SHA-256 of its RFC 8785 canonical JSON; the API's JSON gives the same value.",
        ),
        "by.record.csv" => ("CSV 내려받기", "Download CSV"),
        "by.record.json" => ("JSON (API, 토큰 필요)", "JSON (API, token needed)"),
        "by.record.facts" => ("사업 정보", "Project"),
        // quote requests
        "by.quotes.title" => ("견적 요청", "Quote requests"),
        "by.quotes.lead" => {
            ("수요기관이 보낸 견적 요청과 제공기업의 견적입니다.", "Quote requests from agencies and the suppliers' quotes.")
        }
        "by.quotes.caption" => ("견적 요청과 상태 (한국 시간)", "Quote requests and their status (Korea time)"),
        "by.quotes.empty" => ("견적 요청이 없습니다.", "No quote requests."),
        "by.qr.title" => ("견적 요청: {name}", "Quote request: {name}"),
        "by.qr.agency" => ("수요기관", "Agency"),
        "by.qr.supplier" => ("제공기업", "Supplier"),
        "by.qr.service" => ("서비스", "Service"),
        "by.qr.period" => ("기간", "Period"),
        "by.qr.requested" => ("요청 일시", "Requested at"),
        "by.qr.status" => ("상태", "Status"),
        "by.qr.message" => ("요청 사항", "Message"),
        "by.qr.items" => ("요청 내역", "Requested items"),
        "by.qr.items.caption" => ("요청한 요금제, 수량, 개월 수", "Plans, quantities and months requested"),
        "by.qr.project" => ("구매 사업", "Project"),
        "by.qr.quote" => ("견적", "Quote"),
        "by.qr.quote.caption" => {
            ("견적 내역: 요금제, 단가, 수량, 개월 수, 금액", "Quoted items: plan, unit price, quantity, months, amount")
        }
        "by.qr.unit_price" => ("단가 (원)", "Unit price (KRW)"),
        "by.qr.amount" => ("금액", "Amount"),
        "by.qr.total" => ("합계 (부가세 별도)", "Total (VAT excluded)"),
        "by.qr.vat" => ("부가세", "VAT"),
        "by.qr.valid_until" => ("견적 유효기간", "Valid until"),
        "by.qr.note" => ("비고", "Note"),
        "by.qr.none" => ("아직 견적이 없습니다.", "No quote yet."),
        "by.offer.title" => ("견적 보내기", "Send the quote"),
        "by.offer.lead" => (
            "단가는 등록된 가격 이하여야 합니다. 등록 가격을 미리 채워 두었습니다.",
            "Unit prices may not exceed the listed prices, filled in here.",
        ),
        "by.offer.row" => ("{plan} 요금제", "Plan {plan}"),
        "by.offer.submit" => ("견적 보내기", "Send the quote"),
        "by.withdraw.title" => ("견적 철회", "Withdraw the quote"),
        "by.withdraw.lead" => {
            ("계약서 초안이 만들어지기 전까지 철회할 수 있습니다.", "You may withdraw it until a contract is drafted from it.")
        }
        "by.withdraw.submit" => ("견적 철회", "Withdraw the quote"),
        "by.contract.title" => ("계약서 초안 만들기", "Draft the contract"),
        "by.contract.lead" => (
            "이 견적으로 계약서 초안을 만듭니다. 예산이 함께 배정되고, 계약 담당자와 제공기업이 계약서에 동의하면 체결됩니다.",
            "Draft a contract from this quote. The budget is committed with it; it is signed when the signatory and the supplier accept its text.",
        ),
        "by.contract.type" => ("계약 유형", "Contract type"),
        "by.contract.type.one_off" => ("일반", "One-off"),
        "by.contract.type.long_term" => ("장기계속", "Long-term"),
        "by.contract.type.unit_price" => ("단가", "Unit price"),
        "by.contract.type.joint" => ("공동", "Joint"),
        "by.contract.multi" => (
            "장기계속 계약의 연차별 분할과 공동 계약의 지분은 이 화면에서 입력할 수 없습니다. API(POST /api/v1/contracts)를 사용하세요.",
            "Long-term instalments and joint shares cannot be entered on this page: use the API (POST /api/v1/contracts).",
        ),
        "by.contract.fee" => ("요금 방식", "Fee model"),
        "by.contract.fee.fixed" => ("정액", "Fixed"),
        "by.contract.fee.metered" => ("종량", "Metered"),
        "by.contract.billing" => ("청구 주기", "Billing"),
        "by.contract.billing.monthly" => ("매월", "Monthly"),
        "by.contract.billing.quarterly" => ("분기", "Quarterly"),
        "by.contract.line" => ("예산 과목 ({year}회계연도)", "Budget line (fiscal year {year})"),
        "by.contract.line.none" => (
            "올해 예산 과목이 없습니다. 예산 담당자에게 등록을 요청하세요.",
            "There is no budget line for this year: ask your budget officer.",
        ),
        "by.contract.cap" => ("계약 한도 (원, 선택)", "Cap (KRW, optional)"),
        "by.contract.record" => ("선정 사유서", "Decision record"),
        "by.contract.record.none" => ("인용하지 않음", "None cited"),
        "by.contract.submit" => ("계약서 초안 만들기", "Draft the contract"),
        "by.available" => ("잔액", "available"),
        // worklist
        "by.work.title" => ("업무함", "Worklist"),
        "by.work.lead" => ("처리를 기다리는 구매 업무입니다. 오래된 것부터 보입니다.", "Buying tasks waiting on you, oldest first."),
        "by.work.caption" => ("기다리는 업무 (한국 시간)", "Tasks waiting (Korea time)"),
        "by.work.empty" => ("기다리는 업무가 없습니다.", "Nothing waits on you."),
        "by.work.kind" => ("할 일", "Task"),
        "by.work.about" => ("대상", "About"),
        "by.work.since" => ("대기 시작", "Waiting since"),
        "by.task.answer_quote" => ("견적 보내기", "Answer the quote request"),
        "by.task.use_quote" => ("견적으로 계약서 초안 만들기", "Draft a contract from the quote"),
        "by.task.accept_contract" => ("계약서 동의", "Accept the contract text"),
        "by.task.confirm_order" => ("납품요구 확인", "Confirm the delivery request"),
        "by.task.answer_amendment" => ("변경 계약 답변", "Answer the amendment"),
        "by.task.return_data" => ("데이터 반환 보고", "Report the data return"),
        "by.task.confirm_data_return" => ("데이터 반환 확인", "Confirm the data return"),
        "by.ttc.title" => ("계약까지 걸린 기간", "Time to contract"),
        "by.ttc.caption" => (
            "체결된 계약과 주문의 건수, 달력일 기준 중앙값과 90백분위 (목표 {n}일)",
            "Contracts and orders signed: count, median and 90th percentile in calendar days (target {n} days)",
        ),
        "by.ttc.count" => ("건수", "Count"),
        "by.ttc.median" => ("중앙값 (일)", "Median (days)"),
        "by.ttc.p90" => ("90백분위 (일)", "90th percentile (days)"),
        "by.ttc.within" => ("목표 이내", "Within target"),
        "by.ttc.target" => ("목표 (일)", "Target (days)"),
        "by.ttc.all" => ("전체", "All"),
        "by.ttc.none" => ("-", "-"),
        "by.method.negotiated" => ("협상 계약", "Negotiated"),
        "by.method.catalog" => ("카탈로그", "Catalog"),
        "by.method.call_off" => ("단가 계약 주문", "Call-off"),
        // statuses
        "by.status.open" => ("진행 중", "Open"),
        "by.status.decided" => ("선정 완료", "Decided"),
        "by.status.cancelled" => ("취소", "Cancelled"),
        "by.status.requested" => ("견적 대기", "Waiting for the quote"),
        "by.status.offered" => ("견적 도착", "Quote offered"),
        "by.status.used" => ("계약서 작성됨", "Contract drafted"),
        "by.status.withdrawn" => ("철회됨", "Withdrawn"),
        "by.status.expired" => ("유효기간 지남", "Expired"),
        // notices after a post
        "by.done.created" => ("구매 사업을 만들었습니다. 이제 검색하세요.", "The project is created: search from it now."),
        "by.done.searched" => ("검색을 기록하고 후보에 더했습니다.", "The search is recorded and its results joined the long list."),
        "by.done.shortlisted" => ("비교 대상을 저장했습니다.", "The short list is saved."),
        "by.done.requested" => ("견적을 요청했습니다.", "The quote request is sent."),
        "by.done.offered" => ("견적을 보냈습니다.", "The quote is sent."),
        "by.done.withdrawn" => ("견적을 철회했습니다.", "The quote is withdrawn."),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_show_in_seoul() {
        assert_eq!(seoul("2026-11-23T00:00:00.000000Z"), "2026-11-23 09:00");
        assert_eq!(seoul("not a time"), "not a time");
    }

    #[test]
    fn every_word_has_both_languages() {
        for key in ["by.record.title", "by.task.use_quote", "by.status.offered", "by.contract.multi"] {
            let (ko, en) = word(key).expect(key);
            assert!(!ko.is_empty() && !en.is_empty() && ko != en, "{key}");
        }
    }

    /// Every `w.t("…")` key of the buyer-side buying templates is known.
    #[test]
    fn every_buying_template_key_exists() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/buyer");
        let mut checked = 0;
        for item in std::fs::read_dir(&dir).expect("templates/buyer") {
            let path = item.expect("entry").path();
            let text = std::fs::read_to_string(&path).expect("template");
            for (i, _) in text.match_indices("w.t(\"") {
                let rest = &text[i + 5..];
                let key = &rest[..rest.find('"').expect("closing quote")];
                assert!(W(Lang::En).t(key) != key, "{}: unknown key {key}", path.display());
                checked += 1;
            }
        }
        assert!(checked > 30, "{checked}");
    }
}

//! Invoice pages (SPEC §4 invoices): `/invoices`, the caller's invoices by state;
//! `/invoices/{id}`, an A4-printable invoice (parties, period, metered lines, fixed fees, SLA
//! credits with the month and availability, VAT, total, history) with the forms the caller may
//! use — issue, accept, dispute with a reason, pay with a date; `/invoices/{id}/download.csv`.
//! Read and changed only through `gureum_app::usage::invoices`; no script needed.

use crate::auth::{Principal, Rule, request_id};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::desk::words::error_message;
use crate::pages::desk::{posted, see_other};
use crate::pages::form::require;
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use gureum_app::buying::contracts::{CALL_OFF, CATALOG};
use gureum_app::usage::invoices::{self, InvoiceDetail, ListQuery, STATUSES};
use gureum_domain::clock::seoul_minute;
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/invoices", get(list))
        .route("/invoices/{id}", get(detail))
        .route("/invoices/{id}/download.csv", get(download))
        .route("/invoices/{id}/issue", post(issue))
        .route("/invoices/{id}/accept", post(accept))
        .route("/invoices/{id}/dispute", post(dispute))
        .route("/invoices/{id}/pay", post(pay))
}

/// `(key, 한국어, English)`.
const WORDS: &[(&str, &str, &str)] = &[
    ("list.title", "청구서", "Invoices"),
    (
        "list.lead",
        "청구 기간이 끝나면 사용량과 고정 요금으로 청구서 초안이 만들어집니다. 공급기업이 발행하고 수요기관이 승인하거나 이의를 제기하며, 예산 담당자가 지급을 기록합니다.",
        "A draft invoice is made from usage and fixed fees when each billing period ends. The supplier issues it, the agency accepts or disputes it, and the budget officer records the payment.",
    ),
    ("list.filter", "청구서 거르기", "Filter invoices"),
    ("list.all", "전체", "All"),
    ("list.apply", "적용", "Apply"),
    ("list.period.hint", "월(2026-11) 또는 분기(2026-Q4)", "A month (2026-11) or a quarter (2026-Q4)"),
    ("list.empty", "청구서가 없습니다.", "No invoices."),
    ("inv.title", "청구서", "Invoice"),
    ("f.number", "청구서 번호", "Invoice number"),
    ("f.status", "상태", "Status"),
    ("f.period", "청구 기간", "Billing period"),
    ("f.seoul", "한국 시간 기준", "Asia/Seoul"),
    ("f.agency", "수요기관", "Agency"),
    ("f.supplier", "공급기업", "Supplier"),
    ("f.contract", "계약·주문", "Contract or order"),
    ("f.computed", "계산 일시", "Computed at"),
    ("f.total", "합계(부가세 포함)", "Total (incl. VAT)"),
    ("f.dispute_reason", "이의 사유", "Reason for the dispute"),
    ("f.paid_on", "지급일", "Paid on"),
    ("lines.caption", "사용량 요금", "Metered usage"),
    ("lines.none", "이 기간의 사용량이 없습니다.", "No usage in this period."),
    ("fixed.caption", "고정 요금", "Fixed fees"),
    ("credits.caption", "SLA 미달 감면", "SLA credits"),
    ("totals.caption", "청구 금액", "Amounts"),
    ("history.caption", "처리 이력", "History"),
    ("col.description", "내역", "Description"),
    ("col.meter", "과금 단위", "Meter"),
    ("col.quantity", "사용량", "Quantity"),
    ("col.unit_price", "단가(부가세 별도)", "Unit price (excl. VAT)"),
    ("col.amount", "금액", "Amount"),
    ("col.month", "월", "Month"),
    ("col.service", "서비스", "Service"),
    ("col.availability", "가용성 / SLA", "Availability / SLA"),
    ("col.outage", "장애 시간(분)", "Outage (minutes)"),
    ("col.credit_pct", "감면율", "Credit rate"),
    ("col.at", "일시", "At"),
    ("col.step", "처리", "Step"),
    ("col.reason", "사유·내용", "Reason or detail"),
    ("t.lines", "사용량 요금", "Metered usage"),
    ("t.fixed", "고정 요금", "Fixed fees"),
    ("t.credit", "SLA 감면", "SLA credit"),
    ("t.net", "공급가액", "Net"),
    ("t.vat", "부가세(10%, 원 미만 절사)", "VAT (10 %, truncated to the won)"),
    ("t.total", "합계", "Total"),
    ("csv", "CSV로 내려받기", "Download as CSV"),
    ("actions.title", "처리", "Actions"),
    ("issue", "청구서 발행", "Issue the invoice"),
    (
        "issue.lead",
        "발행하면 이 기간의 사용량이 확정되고 수요기관에 알립니다. 이후 들어온 사용량은 다음 청구서에 반영됩니다.",
        "Issuing fixes this period's usage and tells the agency; usage arriving later goes on the next invoice.",
    ),
    ("accept", "청구서 승인", "Accept the invoice"),
    ("dispute", "이의 제기", "Dispute the invoice"),
    ("pay", "지급 기록", "Record the payment"),
    ("done", "처리했습니다.", "Done."),
    ("error", "처리하지 못했습니다", "Not done"),
    ("st.draft", "초안", "Draft"),
    ("st.issued", "발행", "Issued"),
    ("st.accepted", "승인", "Accepted"),
    ("st.disputed", "이의 제기", "Disputed"),
    ("st.paid", "지급 완료", "Paid"),
    ("step.draft", "초안 작성", "Drafted"),
    ("step.recompute", "재계산(추가 사용량)", "Recomputed (late usage)"),
    ("step.issue", "발행", "Issued"),
    ("step.accept", "승인", "Accepted"),
    ("step.dispute", "이의 제기", "Disputed"),
    ("step.pay", "지급", "Paid"),
];

#[derive(Debug, Clone, Copy)]
struct W(Lang);

impl W {
    fn t<'a>(&self, key: &'a str) -> &'a str {
        match WORDS.iter().find(|(k, _, _)| *k == key) {
            Some((_, ko, en)) => self.0.pick(ko, en),
            None => key,
        }
    }

    fn word(&self, prefix: &str, s: &str) -> String {
        let key = format!("{prefix}.{s}");
        let w = self.t(&key);
        if w == key { s.to_owned() } else { w.to_owned() }
    }
}

fn badge(s: &str) -> &'static str {
    match s {
        "accepted" | "paid" => "success",
        "draft" => "primary",
        "issued" => "warning",
        "disputed" => "danger",
        _ => "gray",
    }
}

fn pct(milli: i64) -> String {
    let s = format!("{}.{:03}", milli / 1000, milli % 1000);
    format!("{}%", s.trim_end_matches('0').trim_end_matches('.'))
}

// ───────────────────────────── the list ─────────────────────────────

struct Row {
    id: String,
    period: String,
    agency: String,
    supplier: String,
    total: String,
    status: String,
    class: &'static str,
}

struct Group {
    status: &'static str,
    label: String,
    rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "usage/invoices.html")]
struct ListTpl {
    layout: Layout,
    w: W,
    statuses: Vec<(&'static str, String, bool)>,
    period: String,
    groups: Vec<Group>,
}

async fn list(State(state): State<AppState>, ctx: Ctx) -> Response {
    let p = match require(&ctx, Rule::Authenticated) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let w = W(ctx.lang);
    let pairs = ctx.pairs();
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).filter(|v| !v.is_empty());
    let q = ListQuery { contract_id: get("contract_id"), period: get("period"), status: get("status") };
    let found = match invoices::list(&state, p, &q).await {
        Ok(l) => l,
        Err(e) => return ctx.error(&e.into()),
    };
    let mut names = std::collections::HashMap::new();
    let mut groups = Vec::new();
    for s in ["draft", "issued", "disputed", "accepted", "paid"] {
        let mut rows = Vec::new();
        for inv in found.iter().filter(|i| i.status == s) {
            if !names.contains_key(&inv.agency_id) {
                let n = state.db().organisation(&inv.agency_id).await.ok().flatten().map(|o| o.name).unwrap_or_default();
                names.insert(inv.agency_id.clone(), n);
            }
            if !names.contains_key(&inv.supplier_id) {
                let n = state.db().supplier(&inv.supplier_id).await.ok().flatten().map(|o| o.name).unwrap_or_default();
                names.insert(inv.supplier_id.clone(), n);
            }
            rows.push(Row {
                id: inv.id.clone(),
                period: inv.period.clone(),
                agency: names.get(&inv.agency_id).cloned().unwrap_or_default(),
                supplier: names.get(&inv.supplier_id).cloned().unwrap_or_default(),
                total: ctx.lang.won(inv.total_krw),
                status: w.word("st", s),
                class: badge(s),
            });
        }
        if !rows.is_empty() {
            groups.push(Group { status: s, label: w.word("st", s), rows });
        }
    }
    let tpl = ListTpl {
        layout: ctx.layout(w.t("list.title"), Section::Desk),
        w,
        statuses: STATUSES.iter().map(|s| (*s, w.word("st", s), q.status.as_deref() == Some(*s))).collect(),
        period: q.period.clone().unwrap_or_default(),
        groups,
    };
    ctx.render(StatusCode::OK, &tpl)
}

// ───────────────────────────── one invoice ─────────────────────────────

struct CreditRow {
    month: String,
    service: String,
    availability: String,
    sla: String,
    outage: i64,
    pct: String,
    amount: String,
}

struct Problem {
    form: String,
    message: String,
    detail: String,
    code: &'static str,
}

#[derive(Template)]
#[template(path = "usage/invoice.html")]
struct InvoiceTpl {
    layout: Layout,
    w: W,
    d: InvoiceDetail,
    status: String,
    class: &'static str,
    done: bool,
    contract_href: String,
    computed: String,
    lines_krw: i64,
    credits: Vec<CreditRow>,
    history: Vec<(String, String, String)>,
    problem: Option<Problem>,
    reason: String,
    today: String,
}

impl InvoiceTpl {
    fn won(&self, n: &i64) -> String {
        self.layout.lang.won(*n)
    }

    fn can(&self, action: &str) -> bool {
        self.d.actions.contains(&action)
    }

    fn problem_on(&self, form: &str) -> bool {
        self.problem.as_ref().is_some_and(|p| p.form == form)
    }
}

async fn render(state: &AppState, ctx: &Ctx, p: &Principal, id: &str, status: StatusCode, problem: Option<(Problem, String)>) -> Response {
    let w = W(ctx.lang);
    let d = match invoices::detail(state, p, id).await {
        Ok(d) => d,
        Err(e) => return ctx.error(&e.into()),
    };
    let mut service_names = std::collections::HashMap::new();
    if let Ok(Some(c)) = state.db().contract(&d.invoice.contract_id).await {
        for i in c.items {
            service_names.insert(i.service_id, i.service_name);
        }
    }
    let credits = d
        .credits
        .iter()
        .map(|c| CreditRow {
            month: c.month.clone(),
            service: service_names.get(&c.service_id).cloned().unwrap_or_else(|| c.service_id.clone()),
            availability: pct(c.availability_milli),
            sla: pct(c.sla_availability_milli),
            outage: c.outage_minutes,
            pct: pct(c.credit_pct_milli),
            amount: ctx.lang.won(c.credit_krw),
        })
        .collect();
    let history = d
        .history
        .iter()
        .map(|h| {
            let detail = h.reason.clone().unwrap_or_default();
            (seoul_minute(h.at), w.word("step", &h.action), detail)
        })
        .collect();
    let contract_href = match d.contract_method.as_str() {
        CATALOG | CALL_OFF => format!("/orders/{}", d.invoice.contract_id),
        _ => format!("/contracts/{}", d.invoice.contract_id),
    };
    let (problem, reason) = match problem {
        Some((pr, r)) => (Some(pr), r),
        None => (None, String::new()),
    };
    let tpl = InvoiceTpl {
        layout: ctx.layout(format!("{} {}", w.t("inv.title"), d.invoice.period), Section::Desk),
        w,
        status: w.word("st", &d.invoice.status),
        class: badge(&d.invoice.status),
        done: problem.is_none() && ctx.pairs().iter().any(|(k, _)| k == "done"),
        contract_href,
        computed: seoul_minute(d.computed_at),
        lines_krw: d.invoice.lines.iter().map(|l| l.amount_krw).sum(),
        credits,
        history,
        problem,
        reason,
        today: gureum_domain::clock::format_date(state.clock().today()),
        d,
    };
    ctx.render(status, &tpl)
}

async fn detail(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match require(&ctx, Rule::Authenticated) {
        Ok(p) => render(&state, &ctx, p, &id, StatusCode::OK, None).await,
        Err(r) => r,
    }
}

async fn download(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let p = match require(&ctx, Rule::Authenticated) {
        Ok(p) => p,
        Err(r) => return r,
    };
    match invoices::csv(&state, p, &id).await {
        Ok((name, body)) => {
            let mut res = body.into_response();
            let h = res.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
            if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            res
        }
        Err(e) => ctx.error(&e.into()),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Issue,
    Accept,
    Dispute,
    Pay,
}

async fn step(state: &AppState, ctx: &Ctx, headers: &HeaderMap, id: &str, step: Step, body: &[u8]) -> Response {
    let p = match require(ctx, Rule::Authenticated) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = match posted(ctx, headers, body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let rid = request_id(headers);
    let (name, result) = match step {
        Step::Issue => ("issue", invoices::issue(state, p, id, rid).await),
        Step::Accept => ("accept", invoices::accept(state, p, id, rid).await),
        Step::Dispute => ("dispute", invoices::dispute(state, p, id, &json!({"reason": form.get("reason")}), rid).await),
        Step::Pay => ("pay", invoices::pay(state, p, id, &json!({"paid_on": form.get("paid_on")}), rid).await),
    };
    match result.map_err(AppError::from) {
        Ok(_) => see_other(&format!("/invoices/{id}?done=1")),
        Err(e) if e.status == StatusCode::NOT_FOUND => ctx.error(&e),
        Err(e) => {
            let pr = Problem {
                form: name.to_owned(),
                message: error_message(ctx.lang, e.code).to_owned(),
                detail: e.message.clone(),
                code: e.code.as_str(),
            };
            render(state, ctx, p, id, e.status, Some((pr, form.get("reason").to_owned()))).await
        }
    }
}

async fn issue(State(s): State<AppState>, ctx: Ctx, h: HeaderMap, Path(id): Path<String>, b: Bytes) -> Response {
    step(&s, &ctx, &h, &id, Step::Issue, &b).await
}

async fn accept(State(s): State<AppState>, ctx: Ctx, h: HeaderMap, Path(id): Path<String>, b: Bytes) -> Response {
    step(&s, &ctx, &h, &id, Step::Accept, &b).await
}

async fn dispute(State(s): State<AppState>, ctx: Ctx, h: HeaderMap, Path(id): Path<String>, b: Bytes) -> Response {
    step(&s, &ctx, &h, &id, Step::Dispute, &b).await
}

async fn pay(State(s): State<AppState>, ctx: Ctx, h: HeaderMap, Path(id): Path<String>, b: Bytes) -> Response {
    step(&s, &ctx, &h, &id, Step::Pay, &b).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_speak_both_languages_and_percentages_read_well() {
        assert_eq!(W(Lang::Ko).word("st", "disputed"), "이의 제기");
        assert_eq!(W(Lang::En).word("st", "paid"), "Paid");
        assert_eq!(W(Lang::En).word("st", "odd"), "odd");
        assert_eq!(pct(99_861), "99.861%");
        assert_eq!(pct(99_900), "99.9%");
        assert_eq!(pct(10_000), "10%");
        let keys: std::collections::BTreeSet<_> = WORDS.iter().map(|(k, _, _)| k).collect();
        assert_eq!(keys.len(), WORDS.len(), "each key once");
    }
}

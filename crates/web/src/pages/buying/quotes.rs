//! Quote requests (견적 요청) and quotes, for both sides: the caller's requests with their
//! status; one request with its quote; the supplier's answer form (one row a requested plan,
//! prefilled with the listed price) and its withdrawal; the buyer's draft-contract form from an
//! offered quote. Everything goes through `gureum_app::buying::{quotes, contracts}`.

use super::words::{Problem, W, done_notice, seoul, status_badge};
use crate::auth::{Principal, Rule, request_id};
use crate::error::AppError;
use crate::pages::desk::{posted, see_other};
use crate::pages::form::{FormData, require};
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use gureum_app::buying::contracts::{self, BILLINGS, FEE_MODELS};
use gureum_app::buying::quotes::{self, QuoteRequestView};
use gureum_app::buying::{self, projects};
use gureum_domain::account::Role;
use gureum_domain::clock::format_date;
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/quote-requests", get(list))
        .route("/quote-requests/{id}", get(show))
        .route("/quote-requests/{id}/quote", post(offer))
        .route("/quote-requests/{id}/withdraw", post(withdraw))
        .route("/quote-requests/{id}/contract", post(contract))
}

pub struct RequestRow {
    pub id: String,
    pub service: String,
    pub agency: String,
    pub supplier: String,
    pub status: (String, &'static str),
    pub created: String,
    pub total: String,
}

#[derive(Template)]
#[template(path = "buyer/quote_requests.html")]
struct ListTpl {
    layout: Layout,
    w: W,
    rows: Vec<RequestRow>,
}

async fn list(State(state): State<AppState>, ctx: Ctx) -> Response {
    let p = match require(&ctx, Rule::Authenticated) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let w = W(ctx.lang);
    let list = match quotes::list(&state, p).await {
        Ok(l) => l,
        Err(e) => return ctx.error(&e.into()),
    };
    let rows = list
        .iter()
        .map(|r| RequestRow {
            id: r.id.clone(),
            service: r.service.name.clone(),
            agency: r.agency.name.clone(),
            supplier: r.supplier.name.clone(),
            status: status_badge(w, &r.status),
            created: seoul(&r.created_at),
            total: r.quote.as_ref().map(|q| w.won(q.total_krw)).unwrap_or_else(|| "-".into()),
        })
        .collect();
    ctx.render(StatusCode::OK, &ListTpl { layout: ctx.layout(w.t("by.quotes.title"), Section::Desk), w, rows })
}

/// A line of the request or the quote, in words.
pub struct ItemRow {
    pub n: usize,
    pub plan: String,
    pub unit_price: String,
    pub quantity: String,
    pub months: String,
    pub amount: String,
}

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn opts(w: W, prefix: &str, values: &[&str], chosen: &str) -> Vec<Opt> {
    values
        .iter()
        .map(|v| Opt { value: (*v).to_owned(), label: w.t(&format!("{prefix}.{v}")).to_owned(), selected: *v == chosen })
        .collect::<Vec<_>>()
}

#[derive(Template)]
#[template(path = "buyer/quote_request.html")]
struct ShowTpl {
    layout: Layout,
    w: W,
    r: QuoteRequestView,
    status: (String, &'static str),
    created: String,
    wanted: Vec<ItemRow>,
    quoted: Vec<ItemRow>,
    total: String,
    vat: String,
    /// The supplier may answer (a row a requested plan, prefilled).
    offer_rows: Option<Vec<ItemRow>>,
    valid_until: String,
    note: String,
    /// The supplier may withdraw its quote.
    can_withdraw: bool,
    /// The buyer may draft a contract from the quote.
    can_contract: bool,
    types: Vec<Opt>,
    fees: Vec<Opt>,
    billings: Vec<Opt>,
    lines: Vec<Opt>,
    line_label: String,
    records: Vec<Opt>,
    cap: String,
    starts_on: String,
    ends_on: String,
    notice: Option<&'static str>,
    problem: Option<Problem>,
}

/// The caller is the request's supplier.
fn is_supplier(p: &Principal, r: &QuoteRequestView) -> bool {
    p.has_role(Role::Supplier) && p.org().supplier_id.as_deref() == Some(r.supplier.id.as_str())
}

/// The caller is a buyer of the request's agency.
fn is_buyer(p: &Principal, r: &QuoteRequestView) -> bool {
    p.has_role(Role::Buyer) && p.org().id == r.agency.id
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    id: &str,
    status: StatusCode,
    problem: Option<Problem>,
    form: &FormData,
) -> Response {
    let w = W(ctx.lang);
    let r = match quotes::get(state, p, id).await {
        Ok(r) => r,
        Err(e) => return ctx.error(&e.into()),
    };
    let or = |key: &str, default: String| {
        let v = form.get(key);
        if v.is_empty() { default } else { v.to_owned() }
    };
    let today = state.clock().today();
    let wanted = r
        .items
        .iter()
        .enumerate()
        .map(|(n, i)| ItemRow {
            n,
            plan: i.plan.clone(),
            unit_price: String::new(),
            quantity: i.quantity.to_string(),
            months: i.months.to_string(),
            amount: String::new(),
        })
        .collect::<Vec<_>>();
    let quoted = r
        .quote
        .as_ref()
        .map(|q| {
            q.items
                .iter()
                .enumerate()
                .map(|(n, i)| ItemRow {
                    n,
                    plan: i.plan.clone(),
                    unit_price: w.won(i.unit_price_krw),
                    quantity: i.quantity.to_string(),
                    months: i.months.to_string(),
                    amount: w.won(i.unit_price_krw.saturating_mul(i.quantity).saturating_mul(i.months)),
                })
                .collect()
        })
        .unwrap_or_default();
    let supplier = is_supplier(p, &r);
    let buyer = is_buyer(p, &r);
    let offer_rows = if supplier && r.status == "requested" {
        let listed = buying::service(state, &r.service.id).await.ok();
        let sent = |key: &str, n: usize| form.all(key).get(n).map(|s| (*s).to_owned());
        Some(
            wanted
                .iter()
                .map(|i| {
                    let price = listed.as_ref().and_then(|s| buying::plan_of(s, &i.plan)).map(|pl| pl.unit_price_krw.won().to_string());
                    ItemRow {
                        n: i.n,
                        plan: i.plan.clone(),
                        unit_price: sent("unit_price_krw", i.n).or(price).unwrap_or_default(),
                        quantity: sent("quantity", i.n).unwrap_or_else(|| i.quantity.clone()),
                        months: sent("months", i.n).unwrap_or_else(|| i.months.clone()),
                        amount: String::new(),
                    }
                })
                .collect(),
        )
    } else {
        None
    };
    let can_contract = buyer && r.status == "offered";
    let (mut lines, mut records) = (Vec::new(), Vec::new());
    let year = contracts::current_fiscal_year(state);
    if can_contract {
        if let Ok(ls) = gureum_app::budget::lines(state, p, Some(&year.to_string())).await {
            lines = ls
                .iter()
                .map(|l| Opt {
                    value: l.id.clone(),
                    label: format!(
                        "{} ({} {})",
                        l.name,
                        w.t("by.available"),
                        w.won(gureum_domain::budget::available(l.amount_krw, l.committed_krw))
                    ),
                    selected: form.get("budget_line_id") == l.id,
                })
                .collect();
        }
        let own_record = match &r.project_id {
            Some(pid) => projects::get(state, p, pid).await.ok().and_then(|pr| pr.decision_record_id),
            None => None,
        };
        if let Ok(ps) = projects::list(state, p).await {
            let chosen = form.get("decision_record_id");
            for pr in ps {
                if let Some(rid) = pr.decision_record_id {
                    let selected = if form.get("_csrf").is_empty() { own_record.as_deref() == Some(rid.as_str()) } else { chosen == rid };
                    records.push(Opt { value: rid, label: pr.title, selected });
                }
            }
        }
    }
    let tpl = ShowTpl {
        layout: ctx.layout(w.t("by.qr.title").replace("{name}", &r.service.name), Section::Desk),
        w,
        status: status_badge(w, &r.status),
        created: seoul(&r.created_at),
        wanted,
        quoted,
        total: r.quote.as_ref().map(|q| w.won(q.total_krw)).unwrap_or_default(),
        vat: r.quote.as_ref().map(|q| w.won(q.vat_krw)).unwrap_or_default(),
        offer_rows,
        valid_until: or("valid_until", format_date(today + time::Duration::days(30))),
        note: form.get("note").to_owned(),
        can_withdraw: supplier && r.status == "offered",
        can_contract,
        types: opts(w, "by.contract.type", &["one_off", "long_term", "unit_price", "joint"], form.get("type")),
        fees: opts(w, "by.contract.fee", &FEE_MODELS, form.get("fee_model")),
        billings: opts(w, "by.contract.billing", &BILLINGS, form.get("billing")),
        lines,
        line_label: w.t("by.contract.line").replace("{year}", &year.to_string()),
        records,
        cap: form.get("cap_krw").to_owned(),
        starts_on: or("starts_on", r.starts_on.clone()),
        ends_on: or("ends_on", r.ends_on.clone()),
        notice: if problem.is_none() { done_notice(ctx) } else { None },
        problem,
        r,
    };
    ctx.render(status, &tpl)
}

async fn show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let p = match require(&ctx, Rule::Authenticated) {
        Ok(p) => p.clone(),
        Err(r) => return r,
    };
    render(&state, &ctx, &p, &id, StatusCode::OK, None, &FormData::default()).await
}

/// A whole number from a form field, or the text itself (for the use case to refuse).
fn number(s: &str) -> Value {
    s.trim().parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::from(s))
}

/// The answer form's rows (`plan`, `unit_price_krw`, `quantity`, `months` repeated in order).
fn offer_body(form: &FormData) -> Value {
    let (plans, prices, qty, months) = (form.all("plan"), form.all("unit_price_krw"), form.all("quantity"), form.all("months"));
    let items: Vec<Value> = plans
        .iter()
        .enumerate()
        .map(|(n, plan)| {
            let at = |v: &[&str]| number(v.get(n).copied().unwrap_or(""));
            json!({"plan": plan, "unit_price_krw": at(&prices), "quantity": at(&qty), "months": at(&months)})
        })
        .collect();
    json!({"items": items, "valid_until": form.get("valid_until"), "note": form.get("note")})
}

fn contract_body(quote_id: &str, form: &FormData) -> Value {
    let mut b = json!({
        "quote_id": quote_id,
        "type": form.get("type"),
        "fee_model": form.get("fee_model"),
        "billing": form.get("billing"),
        "budget_line_id": form.get("budget_line_id"),
        "starts_on": form.get("starts_on"),
        "ends_on": form.get("ends_on"),
    });
    if !form.get("cap_krw").trim().is_empty() {
        b["cap_krw"] = number(form.get("cap_krw"));
    }
    if !form.get("decision_record_id").is_empty() {
        b["decision_record_id"] = form.get("decision_record_id").into();
    }
    b
}

#[derive(Clone, Copy)]
enum Act {
    Offer,
    Withdraw,
    Contract,
}

async fn act(state: AppState, ctx: Ctx, headers: HeaderMap, id: String, body: Bytes, act: Act) -> Response {
    let p = match require(&ctx, Rule::Authenticated) {
        Ok(p) => p.clone(),
        Err(r) => return r,
    };
    let form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let rid = request_id(&headers);
    let quote_id = || async {
        let r = quotes::get(&state, &p, &id).await?;
        r.quote.map(|q| q.id).ok_or_else(|| gureum_app::error::Error::invalid_status("the request has no quote yet"))
    };
    let (form_name, done) = match act {
        Act::Offer => {
            ("offer", quotes::offer(&state, &p, &id, &offer_body(&form), rid).await.map(|_| format!("/quote-requests/{id}?done=offered")))
        }
        Act::Withdraw => (
            "withdraw",
            match quote_id().await {
                Ok(q) => quotes::withdraw(&state, &p, &q, rid).await.map(|_| format!("/quote-requests/{id}?done=withdrawn")),
                Err(e) => Err(e),
            },
        ),
        Act::Contract => (
            "contract",
            match quote_id().await {
                Ok(q) => contracts::create(&state, &p, &contract_body(&q, &form), rid).await.map(|c| format!("/contracts/{}", c.id)),
                Err(e) => Err(e),
            },
        ),
    };
    match done.map_err(AppError::from) {
        Ok(to) => see_other(&to),
        Err(e) if e.status == StatusCode::NOT_FOUND && e.message.starts_with("quote") => ctx.error(&e),
        Err(e) => render(&state, &ctx, &p, &id, e.status, Some(Problem::new(&ctx, form_name, &e)), &form).await,
    }
}

async fn offer(State(s): State<AppState>, ctx: Ctx, h: HeaderMap, Path(id): Path<String>, b: Bytes) -> Response {
    act(s, ctx, h, id, b, Act::Offer).await
}

async fn withdraw(State(s): State<AppState>, ctx: Ctx, h: HeaderMap, Path(id): Path<String>, b: Bytes) -> Response {
    act(s, ctx, h, id, b, Act::Withdraw).await
}

async fn contract(State(s): State<AppState>, ctx: Ctx, h: HeaderMap, Path(id): Path<String>, b: Bytes) -> Response {
    act(s, ctx, h, id, b, Act::Contract).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_rows_become_items() {
        let f = FormData::parse(
            b"plan=A&unit_price_krw=900&quantity=2&months=12&plan=B&unit_price_krw=x&quantity=1&months=1&valid_until=2026-12-31&note=",
        );
        let b = offer_body(&f);
        assert_eq!(b["items"][0], json!({"plan": "A", "unit_price_krw": 900, "quantity": 2, "months": 12}));
        assert_eq!(b["items"][1]["unit_price_krw"], "x");
        assert_eq!(b["valid_until"], "2026-12-31");
    }

    #[test]
    fn the_contract_form_leaves_out_what_is_empty() {
        let f = FormData::parse(b"type=one_off&fee_model=fixed&billing=monthly&budget_line_id=l&cap_krw=&decision_record_id=&starts_on=2026-11-23&ends_on=2027-11-22");
        let b = contract_body("q", &f);
        assert!(b.get("cap_krw").is_none() && b.get("decision_record_id").is_none());
        assert_eq!(b["quote_id"], "q");
        let f = FormData::parse(b"cap_krw=1000&decision_record_id=r");
        let b = contract_body("q", &f);
        assert_eq!((b["cap_krw"].clone(), b["decision_record_id"].clone()), (json!(1000), json!("r")));
    }
}

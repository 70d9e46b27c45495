//! Contracts and orders (SPEC §4 "Buying"): the caller's negotiated contracts and orders in two
//! tables, and one contract with its exact text and hash, the acceptance by hash, amendments,
//! termination and the data return. Every form posts with `_csrf` and works without
//! JavaScript; a refusal is shown on the form that caused it with the error's status. Who sees
//! what and who may act is `gureum_app::buying`'s (the forms are offered exactly when the
//! domain's rules would accept them).

use super::contract_words::{Problem, W, badge, number, seoul};
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
use gureum_app::buying::amendments::{self, AmendmentView};
use gureum_app::buying::contracts::{self, ContractView, NEGOTIATED};
use gureum_domain::buying::{
    Actor, AmendmentAction, AmendmentStatus, ContractAction, ContractStatus, Side, decide_amendment, decide_contract,
};
use serde_json::{Map, Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/contracts", get(list))
        .route("/contracts/{id}", get(detail))
        .route("/contracts/{id}/accept", post(accept))
        .route("/contracts/{id}/amendments", post(propose))
        .route("/contracts/{id}/amendments/{aid}/accept", post(amendment_accept))
        .route("/contracts/{id}/amendments/{aid}/refuse", post(amendment_refuse))
        .route("/contracts/{id}/terminate", post(terminate))
        .route("/contracts/{id}/data-return", post(data_return))
        .route("/contracts/{id}/data-return/confirm", post(data_return_confirm))
}

/// One contract or order as a row of the list.
pub(super) struct Row {
    pub href: String,
    pub parties: String,
    pub services: String,
    pub total: String,
    pub status: String,
    pub class: &'static str,
    pub signed: String,
    pub ttc: String,
}

pub(super) fn row(w: W, c: &ContractView) -> Row {
    let base = if c.method == NEGOTIATED { "/contracts" } else { "/orders" };
    Row {
        href: format!("{base}/{}", c.id),
        parties: format!("{} · {}", c.agency.name, c.supplier.name),
        services: c.items.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(", "),
        total: w.won(c.total_krw),
        status: w.status(&c.status),
        class: badge(&c.status),
        signed: seoul(c.signed_at.as_deref()),
        ttc: w.ttc(c.time_to_contract.as_ref()),
    }
}

#[derive(Template)]
#[template(
    ext = "html",
    source = r#"{% extends "base.html" %}
{% block content %}
<h1>{{ w.t("contracts.title") }}</h1>
<p class="lead">{{ w.t("contracts.lead") }}</p>
{% for (title, caption, rows) in tables %}
<section aria-labelledby="t-{{ loop.index }}">
<h2 id="t-{{ loop.index }}">{{ title }}</h2>
{% if rows.is_empty() %}<p>{{ w.t("contracts.none") }}</p>{% else %}
<div class="table-wrap">
<table>
  <caption>{{ caption }}</caption>
  <thead><tr><th scope="col">{{ w.t("col.services") }}</th><th scope="col">{{ w.t("col.parties") }}</th><th scope="col">{{ w.t("col.total") }}</th><th scope="col">{{ w.t("col.status") }}</th><th scope="col">{{ w.t("col.signed") }}</th><th scope="col">{{ w.t("col.ttc") }}</th></tr></thead>
  <tbody>
  {% for r in rows %}
    <tr><th scope="row"><a href="{{ r.href }}">{{ r.services }}</a></th><td>{{ r.parties }}</td><td class="num">{{ r.total }}</td><td><span class="badge {{ r.class }}">{{ r.status }}</span></td><td>{{ r.signed }}</td><td>{{ r.ttc }}</td></tr>
  {% endfor %}
  </tbody>
</table>
</div>
{% endif %}
</section>
{% endfor %}
{% endblock %}"#
)]
struct ListTpl {
    layout: Layout,
    w: W,
    tables: Vec<(String, String, Vec<Row>)>,
}

async fn list(State(state): State<AppState>, ctx: Ctx) -> Response {
    let p = match require(&ctx, Rule::Authenticated) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let w = W(ctx.lang);
    let negotiated = match contracts::list(&state, p, &[NEGOTIATED]).await {
        Ok(l) => l,
        Err(e) => return ctx.error(&e.into()),
    };
    let orders = match contracts::list(&state, p, &[contracts::CATALOG, contracts::CALL_OFF]).await {
        Ok(l) => l,
        Err(e) => return ctx.error(&e.into()),
    };
    let tables = vec![
        (w.t("contracts.negotiated").to_owned(), w.t("contracts.negotiated").to_owned(), negotiated.iter().map(|c| row(w, c)).collect()),
        (w.t("contracts.orders").to_owned(), w.t("contracts.orders").to_owned(), orders.iter().map(|c| row(w, c)).collect()),
    ];
    ctx.render(StatusCode::OK, &ListTpl { layout: ctx.layout(w.t("contracts.title"), Section::Desk), w, tables })
}

/// A contract line.
pub(super) struct ItemRow {
    pub service: String,
    pub code: String,
    pub plan: String,
    pub meter: String,
    pub unit_price: String,
    pub quantity: i64,
    pub months: i64,
}

pub(super) fn item_rows(w: W, c: &ContractView) -> Vec<ItemRow> {
    c.items
        .iter()
        .map(|i| ItemRow {
            service: i.name.clone(),
            code: i.code.clone(),
            plan: i.plan.clone(),
            meter: i.meter.clone(),
            unit_price: w.won(i.unit_price_krw),
            quantity: i.quantity,
            months: i.months,
        })
        .collect()
}

/// The facts of a contract or an order as label → value.
pub(super) async fn facts(state: &AppState, p: &Principal, w: W, c: &ContractView) -> Vec<(String, String)> {
    let line = match &c.budget_line_id {
        Some(id) => match gureum_app::budget::lines(state, p, None).await {
            Ok(lines) => lines.iter().find(|l| &l.id == id).map(|l| format!("{} {}", l.fiscal_year, l.name)).unwrap_or_else(|| id.clone()),
            Err(_) => id.clone(),
        },
        None => w.t("f.none").to_owned(),
    };
    let mut out = vec![
        (w.t("f.agency").to_owned(), c.agency.name.clone()),
        (w.t("f.supplier").to_owned(), c.supplier.name.clone()),
        (w.t("f.status").to_owned(), w.status(&c.status)),
        (w.t("f.type").to_owned(), if c.method == NEGOTIATED { w.kind(&c.kind) } else { w.t(&format!("method.{}", c.method)).to_owned() }),
        (w.t("f.total").to_owned(), w.won(c.total_krw)),
        (w.t("f.vat").to_owned(), w.won(c.vat_krw)),
        (w.t("f.with_vat").to_owned(), w.won(c.total_krw.saturating_add(c.vat_krw))),
        (w.t("f.period").to_owned(), format!("{} ~ {}", c.starts_on, c.ends_on)),
        (w.t("f.cap").to_owned(), c.cap_krw.map(|n| w.won(n)).unwrap_or_else(|| w.t("f.none").to_owned())),
        (w.t("f.budget_line").to_owned(), line),
        (
            w.t("f.grade").to_owned(),
            c.required_grade.as_deref().map(|g| w.t(&format!("grade.{g}")).to_owned()).unwrap_or_else(|| w.t("f.none").to_owned()),
        ),
        (w.t("f.signed").to_owned(), seoul(c.signed_at.as_deref())),
        (w.t("f.ttc").to_owned(), w.ttc(c.time_to_contract.as_ref())),
    ];
    if let Some(r) = &c.end_reason {
        out.push((w.t("f.end_reason").to_owned(), r.clone()));
    }
    out
}

/// A refusal's alert, rendered where its form is.
#[derive(Template)]
#[template(
    ext = "html",
    source = r#"<div class="alert danger" role="alert" id="{{ pr.form }}-error">
  <p class="alert-title">{{ w.t("problem") }}</p>
  <p>{{ pr.message }}</p>
  <p class="muted">{{ pr.detail }}</p>
  <p class="muted">{{ w.t("error.code") }}: <code>{{ pr.code }}</code></p>
</div>"#
)]
struct ProblemTpl<'a> {
    w: W,
    pr: &'a Problem,
}

/// The alert of a refusal as HTML (empty without one).
pub(super) fn problem_html(w: W, pr: Option<&Problem>) -> String {
    pr.and_then(|pr| ProblemTpl { w, pr }.render().ok()).unwrap_or_default()
}

pub(super) struct AmendRow {
    pub id: String,
    pub proposed_by: String,
    pub status: String,
    pub class: &'static str,
    pub changes: String,
    pub reason: String,
    pub at: String,
    pub answer: String,
    pub text_hash: String,
    pub can_answer: bool,
}

#[derive(Template)]
#[template(
    ext = "html",
    source = r#"{% extends "base.html" %}
{% block content %}
<nav class="breadcrumb" aria-label="{{ layout.t("nav.breadcrumb") }}">
  <ol><li><a href="/">{{ layout.t("nav.home") }}</a></li><li><a href="/contracts">{{ w.t("contracts.title") }}</a></li><li><span aria-current="page">{{ title }}</span></li></ol>
</nav>
<h1>{{ title }} <span class="badge {{ class }}">{{ status }}</span></h1>
{% if done %}<div class="alert info" role="status"><p>{{ w.t("done") }}</p></div>{% endif %}
<dl class="info-list">
{% for (k, v) in facts %}<div><dt>{{ k }}</dt><dd>{{ v }}</dd></div>
{% endfor %}
{% if let Some(r) = record_id %}<div><dt>{{ w.t("f.record") }}</dt><dd><a href="/decision-records/{{ r }}">{{ r }}</a></dd></div>{% endif %}
<div><dt>{{ w.t("f.accepted_agency") }}</dt><dd>{{ accepted_agency }}</dd></div>
<div><dt>{{ w.t("f.accepted_supplier") }}</dt><dd>{{ accepted_supplier }}</dd></div>
</dl>
<div class="table-wrap">
<table>
  <caption>{{ w.t("items.caption") }}</caption>
  <thead><tr><th scope="col">{{ w.t("col.service") }}</th><th scope="col">{{ w.t("col.plan") }}</th><th scope="col">{{ w.t("col.meter") }}</th><th scope="col">{{ w.t("col.unit_price") }}</th><th scope="col">{{ w.t("col.quantity") }}</th><th scope="col">{{ w.t("col.months") }}</th></tr></thead>
  <tbody>
  {% for i in items %}<tr><th scope="row">{{ i.service }} (<code>{{ i.code }}</code>)</th><td>{{ i.plan }}</td><td>{{ i.meter }}</td><td class="num">{{ i.unit_price }}</td><td class="num">{{ i.quantity }}</td><td class="num">{{ i.months }}</td></tr>
  {% endfor %}
  </tbody>
</table>
</div>
{% if !installments.is_empty() %}
<div class="table-wrap">
<table>
  <caption>{{ w.t("inst.caption") }}</caption>
  <thead><tr><th scope="col">{{ w.t("col.year") }}</th><th scope="col">{{ w.t("col.amount") }}</th></tr></thead>
  <tbody>{% for (y, a) in installments %}<tr><th scope="row">{{ y }}</th><td class="num">{{ a }}</td></tr>{% endfor %}</tbody>
</table>
</div>
{% endif %}
{% if !shares.is_empty() %}
<div class="table-wrap">
<table>
  <caption>{{ w.t("shares.caption") }}</caption>
  <thead><tr><th scope="col">{{ w.t("col.supplier") }}</th><th scope="col">{{ w.t("col.share") }}</th><th scope="col">{{ w.t("col.amount") }}</th></tr></thead>
  <tbody>{% for (n, pct, a) in shares %}<tr><th scope="row">{{ n }}</th><td class="num">{{ pct }}%</td><td class="num">{{ a }}</td></tr>{% endfor %}</tbody>
</table>
</div>
{% endif %}
<section aria-labelledby="text-title">
<h2 id="text-title">{{ w.t("text.title") }}</h2>
<pre class="contract-text" style="white-space: pre-wrap; overflow-wrap: anywhere" tabindex="0" aria-labelledby="text-title">{{ text }}</pre>
<p>{{ w.t("text.hash") }}: <code id="text-hash">{{ hash }}</code></p>
{% if can_accept %}
<h3 id="accept-title">{{ w.t("accept.title") }}</h3>
{% if problem_form == "accept" %}{{ problem|safe }}{% endif %}
<form method="post" action="/contracts/{{ id }}/accept" aria-labelledby="accept-title">
  <input type="hidden" name="_csrf" value="{{ csrf }}">
  <input type="hidden" name="text_hash" value="{{ hash }}">
  <p>{{ w.t("accept.lead") }}</p>
  <button class="btn" type="submit">{{ w.t("accept.submit") }}</button>
</form>
{% endif %}
</section>
<section aria-labelledby="amend-title">
<h2 id="amend-title">{{ w.t("amend.title") }}</h2>
{% if amendments.is_empty() %}<p>{{ w.t("amend.none") }}</p>{% else %}
<div class="table-wrap">
<table>
  <caption>{{ w.t("amend.caption") }}</caption>
  <thead><tr><th scope="col">{{ w.t("col.at") }}</th><th scope="col">{{ w.t("col.proposed_by") }}</th><th scope="col">{{ w.t("col.changes") }}</th><th scope="col">{{ w.t("col.reason") }}</th><th scope="col">{{ w.t("col.status") }}</th></tr></thead>
  <tbody>
  {% for a in amendments %}<tr><th scope="row">{{ a.at }}</th><td>{{ a.proposed_by }}</td><td>{{ a.changes }}</td><td>{{ a.reason }}</td><td><span class="badge {{ a.class }}">{{ a.status }}</span>{% if !a.answer.is_empty() %} {{ a.answer }}{% endif %}</td></tr>
  {% endfor %}
  </tbody>
</table>
</div>
{% for a in amendments %}{% if a.can_answer %}
<h3 id="amend-accept-{{ a.id }}-title">{{ w.t("amend.accept") }}: {{ a.changes }}</h3>
{% if problem_form == format!("amend-accept-{}", a.id) %}{{ problem|safe }}{% endif %}
<form method="post" action="/contracts/{{ id }}/amendments/{{ a.id }}/accept" aria-labelledby="amend-accept-{{ a.id }}-title">
  <input type="hidden" name="_csrf" value="{{ csrf }}">
  <input type="hidden" name="text_hash" value="{{ a.text_hash }}">
  <button class="btn" type="submit">{{ w.t("amend.accept") }}</button>
</form>
<h3 id="amend-refuse-{{ a.id }}-title">{{ w.t("amend.refuse") }}</h3>
{% if problem_form == format!("amend-refuse-{}", a.id) %}{{ problem|safe }}{% endif %}
<form method="post" action="/contracts/{{ id }}/amendments/{{ a.id }}/refuse">
  <input type="hidden" name="_csrf" value="{{ csrf }}">
  <div class="field">
    <label for="refuse-{{ a.id }}">{{ w.t("reason") }}</label>
    <textarea id="refuse-{{ a.id }}" name="reason" rows="2" cols="60" maxlength="2000" required></textarea>
  </div>
  <button class="btn secondary" type="submit">{{ w.t("amend.refuse") }}</button>
</form>
{% endif %}{% endfor %}
{% endif %}
{% if can_propose %}
<h3 id="propose-title">{{ w.t("amend.propose") }}</h3>
{% if problem_form == "propose" %}{{ problem|safe }}{% endif %}
<form method="post" action="/contracts/{{ id }}/amendments" aria-labelledby="propose-title">
  <input type="hidden" name="_csrf" value="{{ csrf }}">
  <p id="propose-hint" class="hint">{{ w.t("amend.hint") }}</p>
  <div class="field">
    <label for="propose-ends-on">{{ w.t("amend.ends_on") }}</label>
    <input type="date" id="propose-ends-on" name="ends_on" value="{{ ends_on }}" aria-describedby="propose-hint">
  </div>
  <div class="field">
    <label for="propose-cap">{{ w.t("amend.cap") }}</label>
    <input type="text" inputmode="numeric" id="propose-cap" name="cap_krw" value="{{ cap_krw }}" aria-describedby="propose-hint">
  </div>
  <div class="field">
    <label for="propose-reason">{{ w.t("reason") }}</label>
    <textarea id="propose-reason" name="reason" rows="2" cols="60" maxlength="2000" required>{{ propose_reason }}</textarea>
  </div>
  <button class="btn" type="submit">{{ w.t("amend.submit") }}</button>
</form>
{% endif %}
</section>
{% if can_terminate %}
<section aria-labelledby="terminate-title">
<h2 id="terminate-title">{{ w.t("terminate.title") }}</h2>
{% if problem_form == "terminate" %}{{ problem|safe }}{% endif %}
<form method="post" action="/contracts/{{ id }}/terminate">
  <input type="hidden" name="_csrf" value="{{ csrf }}">
  <div class="field">
    <label for="terminate-reason">{{ w.t("reason") }}</label>
    <textarea id="terminate-reason" name="reason" rows="2" cols="60" maxlength="2000" required>{{ terminate_reason }}</textarea>
  </div>
  <button class="btn secondary danger-btn" type="submit">{{ w.t("terminate.submit") }}</button>
</form>
</section>
{% endif %}
{% if can_return || can_confirm %}
<section aria-labelledby="data-title">
<h2 id="data-title">{{ w.t("data.title") }}</h2>
{% if problem_form == "data" %}{{ problem|safe }}{% endif %}
{% if can_return %}
<form method="post" action="/contracts/{{ id }}/data-return">
  <input type="hidden" name="_csrf" value="{{ csrf }}">
  <button class="btn" type="submit">{{ w.t("data.return") }}</button>
</form>
{% endif %}
{% if can_confirm %}
<form method="post" action="/contracts/{{ id }}/data-return/confirm">
  <input type="hidden" name="_csrf" value="{{ csrf }}">
  <button class="btn" type="submit">{{ w.t("data.confirm") }}</button>
</form>
{% endif %}
</section>
{% endif %}
{% endblock %}"#
)]
struct DetailTpl {
    layout: Layout,
    w: W,
    csrf: String,
    id: String,
    title: String,
    status: String,
    class: &'static str,
    done: bool,
    facts: Vec<(String, String)>,
    record_id: Option<String>,
    accepted_agency: String,
    accepted_supplier: String,
    items: Vec<ItemRow>,
    installments: Vec<(i64, String)>,
    shares: Vec<(String, i64, String)>,
    text: String,
    hash: String,
    can_accept: bool,
    can_propose: bool,
    can_terminate: bool,
    can_return: bool,
    can_confirm: bool,
    amendments: Vec<AmendRow>,
    problem_form: String,
    problem: String,
    ends_on: String,
    cap_krw: String,
    propose_reason: String,
    terminate_reason: String,
}

/// The caller's side of a contract for acting on it: the lead supplier's admin speaks for the
/// supplier side (a joint member's admin only reads), as the use cases decide.
fn actor(p: &Principal, c: &ContractView, prefer: &[Actor]) -> Actor {
    let mut suppliers: Vec<&str> = vec![c.supplier.id.as_str()];
    suppliers.extend(c.shares.iter().map(|s| s.supplier_id.as_str()));
    let a = gureum_app::buying::party(p, &c.agency.id, &suppliers, prefer);
    if a == Actor::SupplierAdmin && p.org().supplier_id.as_deref() != Some(c.supplier.id.as_str()) { Actor::SupplierMember } else { a }
}

/// Amendment changes in words: the new end date and cap (and that the lines change).
fn changes_text(w: W, a: &AmendmentView) -> String {
    let mut out = Vec::new();
    if let Some(e) = a.changes.get("ends_on").and_then(Value::as_str) {
        out.push(format!("{} {e}", w.t("amend.ends_on")));
    }
    if let Some(c) = a.changes.get("cap_krw").and_then(Value::as_i64) {
        out.push(format!("{} {}", w.t("f.cap"), w.won(c)));
    }
    if a.changes.get("items").is_some() {
        out.push(w.t("items.caption").to_owned());
    }
    out.join(", ")
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    id: &str,
    status: StatusCode,
    refused: Option<(Problem, FormData)>,
) -> Response {
    let w = W(ctx.lang);
    let c = match contracts::get(state, p, id).await {
        Ok(c) => c,
        Err(e) => return ctx.error(&e.into()),
    };
    if c.method != NEGOTIATED {
        return see_other(&format!("/orders/{}", c.id));
    }
    let (text, hash) = match contracts::text(state, p, id).await {
        Ok(t) => t,
        Err(e) => return ctx.error(&e.into()),
    };
    let list = match amendments::list(state, p, id).await {
        Ok(l) => l,
        Err(e) => return ctx.error(&e.into()),
    };
    let st = ContractStatus::parse(&c.status).unwrap_or(ContractStatus::Closed);
    let signer = actor(p, &c, &[Actor::Signatory]);
    let acting = actor(p, &c, &[Actor::Signatory, Actor::Buyer]);
    let side_done = match signer {
        Actor::SupplierAdmin => c.accepted.supplier.is_some(),
        _ => c.accepted.agency.is_some(),
    };
    let open = list.iter().any(|a| a.status == AmendmentStatus::Proposed.as_str());
    let amend_rows = list
        .iter()
        .map(|a| {
            let proposer = if a.proposed_by == "agency" { Side::Agency } else { Side::Supplier };
            AmendRow {
                id: a.id.clone(),
                proposed_by: w.t(&format!("side.{}", a.proposed_by)).to_owned(),
                status: w.status(&a.status),
                class: badge(&a.status),
                changes: changes_text(w, a),
                reason: a.reason.clone(),
                at: seoul(Some(&a.created_at)),
                answer: a.answer_reason.clone().unwrap_or_default(),
                text_hash: a.text_hash.clone(),
                can_answer: a.status == AmendmentStatus::Proposed.as_str()
                    && decide_amendment(AmendmentStatus::Proposed, AmendmentAction::Accept, acting, proposer).is_ok(),
            }
        })
        .collect();
    let (form, problem) = match refused {
        Some((pr, f)) => (f, Some(pr)),
        None => (FormData::default(), None),
    };
    let title = c.items.first().map(|i| i.name.clone()).unwrap_or_else(|| w.t("contracts.negotiated").to_owned());
    let tpl = DetailTpl {
        layout: ctx.layout(format!("{title} — {}", w.t("contracts.title")), Section::Desk),
        w,
        csrf: ctx.csrf.clone(),
        id: c.id.clone(),
        title,
        status: w.status(&c.status),
        class: badge(&c.status),
        done: problem.is_none() && ctx.pairs().iter().any(|(k, _)| k == "done"),
        facts: facts(state, p, w, &c).await,
        record_id: c.decision_record_id.clone(),
        accepted_agency: seoul(c.accepted.agency.as_deref()),
        accepted_supplier: seoul(c.accepted.supplier.as_deref()),
        items: item_rows(w, &c),
        installments: c.installments.iter().map(|i| (i.fiscal_year, w.won(i.amount_krw))).collect(),
        shares: c.shares.iter().map(|s| (s.name.clone(), s.pct, w.won(s.amount_krw))).collect(),
        text,
        hash,
        can_accept: decide_contract(st, ContractAction::Accept, signer).is_ok() && !side_done,
        can_propose: !open && decide_contract(st, ContractAction::Amend, acting).is_ok(),
        can_terminate: decide_contract(st, ContractAction::Terminate, acting).is_ok(),
        can_return: decide_contract(st, ContractAction::ReturnData, acting).is_ok(),
        can_confirm: decide_contract(st, ContractAction::ConfirmReturn, acting).is_ok(),
        amendments: amend_rows,
        problem_form: problem.as_ref().map(|p| p.form.clone()).unwrap_or_default(),
        problem: problem_html(w, problem.as_ref()),
        ends_on: form.get("ends_on").to_owned(),
        cap_krw: form.get("cap_krw").to_owned(),
        propose_reason: if Problem::on(&problem, "propose") { form.get("reason").to_owned() } else { String::new() },
        terminate_reason: if Problem::on(&problem, "terminate") { form.get("reason").to_owned() } else { String::new() },
    };
    ctx.render(status, &tpl)
}

async fn detail(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match require(&ctx, Rule::Authenticated) {
        Ok(p) => render(&state, &ctx, p, &id, StatusCode::OK, None).await,
        Err(r) => r,
    }
}

/// What a form asks of the use case.
enum Act {
    Accept,
    Propose,
    AmendAccept(String),
    AmendRefuse(String),
    Terminate,
    Return,
    Confirm,
}

impl Act {
    /// The form a refusal is shown on.
    fn form(&self) -> String {
        match self {
            Self::Accept => "accept".into(),
            Self::Propose => "propose".into(),
            Self::AmendAccept(a) => format!("amend-accept-{a}"),
            Self::AmendRefuse(a) => format!("amend-refuse-{a}"),
            Self::Terminate => "terminate".into(),
            Self::Return | Self::Confirm => "data".into(),
        }
    }
}

/// The changes a propose form asks for: only the fields filled in.
fn changes(form: &FormData) -> Value {
    let mut m = Map::new();
    if !form.get("ends_on").trim().is_empty() {
        m.insert("ends_on".into(), Value::from(form.get("ends_on").trim()));
    }
    if let Some(cap) = number(form.get("cap_krw")) {
        m.insert("cap_krw".into(), cap);
    }
    Value::Object(m)
}

async fn act(state: &AppState, ctx: &Ctx, headers: &HeaderMap, id: &str, action: Act, body: &[u8]) -> Response {
    let p = match require(ctx, Rule::Authenticated) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = match posted(ctx, headers, body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let rid = request_id(headers);
    let result: Result<(), gureum_app::Error> = match &action {
        Act::Accept => contracts::accept(state, p, id, &json!({"text_hash": form.get("text_hash")}), rid).await.map(|_| ()),
        Act::Propose => {
            amendments::propose(state, p, id, &json!({"changes": changes(&form), "reason": form.get("reason")}), rid).await.map(|_| ())
        }
        Act::AmendAccept(aid) | Act::AmendRefuse(aid) => {
            // the amendment must be of this contract
            match amendments::list(state, p, id).await {
                Ok(l) if l.iter().any(|a| &a.id == aid) => match &action {
                    Act::AmendAccept(_) => amendments::accept(state, p, aid, &json!({"text_hash": form.get("text_hash")}), rid).await,
                    _ => amendments::refuse(state, p, aid, &json!({"reason": form.get("reason")}), rid).await,
                }
                .map(|_| ()),
                Ok(_) => Err(gureum_app::Error::not_found("amendment")),
                Err(e) => Err(e),
            }
        }
        Act::Terminate => amendments::terminate(state, p, id, &json!({"reason": form.get("reason")}), rid).await.map(|_| ()),
        Act::Return => amendments::data_return(state, p, id, rid).await.map(|_| ()),
        Act::Confirm => amendments::confirm_data_return(state, p, id, rid).await.map(|_| ()),
    };
    match result.map_err(AppError::from) {
        Ok(()) => see_other(&format!("/contracts/{id}?done=1")),
        Err(e) if e.status == StatusCode::NOT_FOUND => ctx.error(&e),
        Err(e) => render(state, ctx, p, id, e.status, Some((Problem::new(ctx.lang, &action.form(), &e), form))).await,
    }
}

async fn accept(State(s): State<AppState>, ctx: Ctx, h: HeaderMap, Path(id): Path<String>, b: Bytes) -> Response {
    act(&s, &ctx, &h, &id, Act::Accept, &b).await
}

async fn propose(State(s): State<AppState>, ctx: Ctx, h: HeaderMap, Path(id): Path<String>, b: Bytes) -> Response {
    act(&s, &ctx, &h, &id, Act::Propose, &b).await
}

async fn amendment_accept(
    State(s): State<AppState>,
    ctx: Ctx,
    h: HeaderMap,
    Path((id, aid)): Path<(String, String)>,
    b: Bytes,
) -> Response {
    act(&s, &ctx, &h, &id, Act::AmendAccept(aid), &b).await
}

async fn amendment_refuse(
    State(s): State<AppState>,
    ctx: Ctx,
    h: HeaderMap,
    Path((id, aid)): Path<(String, String)>,
    b: Bytes,
) -> Response {
    act(&s, &ctx, &h, &id, Act::AmendRefuse(aid), &b).await
}

async fn terminate(State(s): State<AppState>, ctx: Ctx, h: HeaderMap, Path(id): Path<String>, b: Bytes) -> Response {
    act(&s, &ctx, &h, &id, Act::Terminate, &b).await
}

async fn data_return(State(s): State<AppState>, ctx: Ctx, h: HeaderMap, Path(id): Path<String>, b: Bytes) -> Response {
    act(&s, &ctx, &h, &id, Act::Return, &b).await
}

async fn data_return_confirm(State(s): State<AppState>, ctx: Ctx, h: HeaderMap, Path(id): Path<String>, b: Bytes) -> Response {
    act(&s, &ctx, &h, &id, Act::Confirm, &b).await
}

//! An order (납품요구 or a call-off, SPEC §4 "Buying"): its parties, lines, total with VAT,
//! status and time to contract, its exact text and hash, and for the supplier while it is
//! `requested` the confirm and refuse (with a reason) forms. Read and changed only through
//! `gureum_app::buying::catalog`.

use super::contract_words::{Problem, W, badge};
use super::contracts::{ItemRow, facts, item_rows, problem_html};
use crate::auth::{Principal, Rule, request_id};
use crate::error::AppError;
use crate::pages::desk::{posted, see_other};
use crate::pages::form::require;
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use gureum_app::buying::catalog;
use gureum_app::buying::contracts;
use gureum_domain::buying::{Actor, OrderAction, OrderStatus, decide_order};
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new().route("/orders/{id}", get(detail)).route("/orders/{id}/confirm", post(confirm)).route("/orders/{id}/refuse", post(refuse))
}

#[derive(Template)]
#[template(
    ext = "html",
    source = r#"{% extends "base.html" %}
{% block content %}
<nav class="breadcrumb" aria-label="{{ layout.t("nav.breadcrumb") }}">
  <ol><li><a href="/">{{ layout.t("nav.home") }}</a></li><li><a href="/contracts">{{ w.t("contracts.title") }}</a></li><li><span aria-current="page">{{ title }}</span></li></ol>
</nav>
<h1>{{ w.t("order.title") }}: {{ title }} <span class="badge {{ class }}" id="order-status">{{ status }}</span></h1>
{% if done %}<div class="alert info" role="status"><p>{{ w.t("done") }}</p></div>{% endif %}
<dl class="info-list">
{% for (k, v) in facts %}<div><dt>{{ k }}</dt><dd>{{ v }}</dd></div>
{% endfor %}
{% if let Some(cc) = catalog_id %}<div><dt>{{ w.t("f.catalog") }}</dt><dd><a href="/catalog-contracts/{{ cc }}">{{ cc }}</a></dd></div>{% endif %}
{% if let Some(cc) = call_off_of %}<div><dt>{{ w.t("type.unit_price") }}</dt><dd><a href="/contracts/{{ cc }}">{{ cc }}</a></dd></div>{% endif %}
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
<section aria-labelledby="text-title">
<h2 id="text-title">{{ w.t("text.title") }}</h2>
<pre class="contract-text" style="white-space: pre-wrap; overflow-wrap: anywhere" tabindex="0" aria-labelledby="text-title">{{ text }}</pre>
<p>{{ w.t("text.hash") }}: <code id="text-hash">{{ hash }}</code></p>
</section>
{% if can_answer %}
<section aria-labelledby="answer-title">
<h2 id="answer-title">{{ w.t("order.answer") }}</h2>
{% if problem_form == "confirm" %}{{ problem|safe }}{% endif %}
<form method="post" action="/orders/{{ id }}/confirm">
  <input type="hidden" name="_csrf" value="{{ csrf }}">
  <button class="btn" type="submit">{{ w.t("order.confirm") }}</button>
</form>
<h3 id="refuse-title">{{ w.t("order.refuse") }}</h3>
{% if problem_form == "refuse" %}{{ problem|safe }}{% endif %}
<form method="post" action="/orders/{{ id }}/refuse" aria-labelledby="refuse-title">
  <input type="hidden" name="_csrf" value="{{ csrf }}">
  <div class="field">
    <label for="refuse-reason">{{ w.t("reason") }}</label>
    <textarea id="refuse-reason" name="reason" rows="2" cols="60" maxlength="2000" required{% if problem_form == "refuse" %} aria-invalid="true" aria-describedby="refuse-error"{% endif %}>{{ reason }}</textarea>
  </div>
  <button class="btn secondary" type="submit">{{ w.t("order.refuse") }}</button>
</form>
</section>
{% endif %}
{% endblock %}"#
)]
struct OrderTpl {
    layout: Layout,
    w: W,
    csrf: String,
    id: String,
    title: String,
    status: String,
    class: &'static str,
    done: bool,
    facts: Vec<(String, String)>,
    catalog_id: Option<String>,
    call_off_of: Option<String>,
    items: Vec<ItemRow>,
    text: String,
    hash: String,
    can_answer: bool,
    problem_form: String,
    problem: String,
    reason: String,
}

async fn render(state: &AppState, ctx: &Ctx, p: &Principal, id: &str, status: StatusCode, refused: Option<(Problem, String)>) -> Response {
    let w = W(ctx.lang);
    let o = match catalog::order(state, p, id).await {
        Ok(o) => o,
        Err(e) => return ctx.error(&e.into()),
    };
    let (text, hash) = match contracts::text(state, p, id).await {
        Ok(t) => t,
        Err(e) => return ctx.error(&e.into()),
    };
    let mut suppliers: Vec<&str> = vec![o.supplier.id.as_str()];
    suppliers.extend(o.shares.iter().map(|s| s.supplier_id.as_str()));
    let actor = gureum_app::buying::party(p, &o.agency.id, &suppliers, &[Actor::Buyer]);
    let can_answer = OrderStatus::parse(&o.status).is_some_and(|s| decide_order(s, OrderAction::Confirm, actor).is_ok());
    let (problem, reason) = match refused {
        Some((pr, r)) => (Some(pr), r),
        None => (None, String::new()),
    };
    let title = o.items.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(", ");
    let tpl = OrderTpl {
        layout: ctx.layout(format!("{} — {title}", w.t("order.title")), Section::Desk),
        w,
        csrf: ctx.csrf.clone(),
        id: o.id.clone(),
        title,
        status: w.status(&o.status),
        class: badge(&o.status),
        done: problem.is_none() && ctx.pairs().iter().any(|(k, _)| k == "done"),
        facts: facts(state, p, w, &o).await,
        catalog_id: o.catalog_contract_id.clone(),
        call_off_of: o.call_off_of.clone(),
        items: item_rows(w, &o),
        text,
        hash,
        can_answer,
        problem_form: problem.as_ref().map(|p| p.form.clone()).unwrap_or_default(),
        problem: problem_html(w, problem.as_ref()),
        reason,
    };
    ctx.render(status, &tpl)
}

async fn detail(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match require(&ctx, Rule::Authenticated) {
        Ok(p) => render(&state, &ctx, p, &id, StatusCode::OK, None).await,
        Err(r) => r,
    }
}

async fn answer(state: &AppState, ctx: &Ctx, headers: &HeaderMap, id: &str, confirm: bool, body: &[u8]) -> Response {
    let p = match require(ctx, Rule::Authenticated) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = match posted(ctx, headers, body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let rid = request_id(headers);
    let result = if confirm {
        catalog::confirm(state, p, id, rid).await
    } else {
        catalog::refuse(state, p, id, &json!({"reason": form.get("reason")}), rid).await
    };
    match result.map_err(AppError::from) {
        Ok(_) => see_other(&format!("/orders/{id}?done=1")),
        Err(e) if e.status == StatusCode::NOT_FOUND => ctx.error(&e),
        Err(e) => {
            let name = if confirm { "confirm" } else { "refuse" };
            render(state, ctx, p, id, e.status, Some((Problem::new(ctx.lang, name, &e), form.get("reason").to_owned()))).await
        }
    }
}

async fn confirm(State(s): State<AppState>, ctx: Ctx, h: HeaderMap, Path(id): Path<String>, b: Bytes) -> Response {
    answer(&s, &ctx, &h, &id, true, &b).await
}

async fn refuse(State(s): State<AppState>, ctx: Ctx, h: HeaderMap, Path(id): Path<String>, b: Bytes) -> Response {
    answer(&s, &ctx, &h, &id, false, &b).await
}

//! PPS catalog contracts (카탈로그 계약, SPEC §4 "Buying"): the list, and for the PPS officer a
//! form to record one over a supplier's listed services; one contract, and for a buyer while it
//! runs the delivery-request form (a quantity and months per item, a budget line of this fiscal
//! year, the required grade) that places an order and leads to it. Read and changed only
//! through `gureum_app::buying::catalog`.

use super::contract_words::{Problem, W, badge, number};
use super::contracts::problem_html;
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
use axum::routing::get;
use gureum_app::buying::catalog::{self, CatalogContractView};
use gureum_domain::account::Role;
use serde_json::{Value, json};

/// Item rows the recording form offers (empty ones are ignored).
const ROWS: usize = 3;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/catalog-contracts", get(list).post(create))
        .route("/catalog-contracts/{id}", get(detail))
        .route("/catalog-contracts/{id}/order", axum::routing::post(order))
}

pub(super) struct CcRow {
    pub id: String,
    pub number: String,
    pub supplier: String,
    pub items: String,
    pub period: String,
    pub status: String,
    pub class: &'static str,
}

/// One row of the recording form: service id, plan, unit price.
pub(super) struct ItemInput {
    pub n: usize,
    pub service_id: String,
    pub plan: String,
    pub price: String,
}

#[derive(Template)]
#[template(
    ext = "html",
    source = r#"{% extends "base.html" %}
{% block content %}
<h1>{{ w.t("catalog.title") }}</h1>
<p class="lead">{{ w.t("catalog.lead") }}</p>
{% if rows.is_empty() %}<p>{{ w.t("catalog.none") }}</p>{% else %}
<div class="table-wrap">
<table>
  <caption>{{ w.t("catalog.caption") }}</caption>
  <thead><tr><th scope="col">{{ w.t("col.number") }}</th><th scope="col">{{ w.t("col.supplier") }}</th><th scope="col">{{ w.t("col.items") }}</th><th scope="col">{{ w.t("col.period") }}</th><th scope="col">{{ w.t("col.status") }}</th></tr></thead>
  <tbody>
  {% for r in rows %}<tr><th scope="row"><a href="/catalog-contracts/{{ r.id }}">{{ r.number }}</a></th><td>{{ r.supplier }}</td><td>{{ r.items }}</td><td>{{ r.period }}</td><td><span class="badge {{ r.class }}">{{ r.status }}</span></td></tr>
  {% endfor %}
  </tbody>
</table>
</div>
{% endif %}
{% if can_create %}
<section aria-labelledby="new-title">
<h2 id="new-title">{{ w.t("catalog.new") }}</h2>
{{ problem|safe }}
<form method="post" action="/catalog-contracts">
  <input type="hidden" name="_csrf" value="{{ csrf }}">
  <div class="field">
    <label for="cc-supplier">{{ w.t("catalog.supplier_id") }}</label>
    <p class="hint" id="cc-supplier-hint">{{ w.t("catalog.supplier_hint") }}</p>
    <input type="text" id="cc-supplier" name="supplier_id" value="{{ supplier_id }}" required aria-describedby="cc-supplier-hint" size="40">
  </div>
  <div class="field">
    <label for="cc-number">{{ w.t("catalog.number") }}</label>
    <input type="text" id="cc-number" name="number" value="{{ number }}" required maxlength="100">
  </div>
  <div class="field">
    <label for="cc-starts">{{ w.t("catalog.starts_on") }}</label>
    <input type="date" id="cc-starts" name="starts_on" value="{{ starts_on }}" required>
  </div>
  <div class="field">
    <label for="cc-ends">{{ w.t("catalog.ends_on") }}</label>
    <input type="date" id="cc-ends" name="ends_on" value="{{ ends_on }}" required>
  </div>
  <p class="hint" id="cc-rows-hint">{{ w.t("catalog.rows_hint") }}</p>
  {% for i in inputs %}
  <fieldset aria-describedby="cc-rows-hint">
    <legend>{{ w.t("catalog.row") }} {{ i.n }}</legend>
    <div class="field">
      <label for="cc-service-{{ i.n }}">{{ w.t("catalog.service_id") }}</label>
      <input type="text" id="cc-service-{{ i.n }}" name="item_service_id" value="{{ i.service_id }}" size="40">
    </div>
    <div class="field">
      <label for="cc-plan-{{ i.n }}">{{ w.t("catalog.plan") }}</label>
      <input type="text" id="cc-plan-{{ i.n }}" name="item_plan" value="{{ i.plan }}">
    </div>
    <div class="field">
      <label for="cc-price-{{ i.n }}">{{ w.t("catalog.price") }}</label>
      <input type="text" inputmode="numeric" id="cc-price-{{ i.n }}" name="item_unit_price_krw" value="{{ i.price }}">
    </div>
  </fieldset>
  {% endfor %}
  <button class="btn" type="submit">{{ w.t("catalog.submit") }}</button>
</form>
</section>
{% endif %}
{% endblock %}"#
)]
struct ListTpl {
    layout: Layout,
    w: W,
    csrf: String,
    rows: Vec<CcRow>,
    can_create: bool,
    problem: String,
    supplier_id: String,
    number: String,
    starts_on: String,
    ends_on: String,
    inputs: Vec<ItemInput>,
}

fn cc_row(w: W, c: &CatalogContractView) -> CcRow {
    CcRow {
        id: c.id.clone(),
        number: c.number.clone(),
        supplier: c.supplier.name.clone(),
        items: c.items.iter().map(|i| format!("{} ({})", i.name, i.plan)).collect::<Vec<_>>().join(", "),
        period: format!("{} ~ {}", c.starts_on, c.ends_on),
        status: w.t(&format!("cc.{}", c.status)).to_owned(),
        class: badge(&c.status),
    }
}

async fn render_list(state: &AppState, ctx: &Ctx, p: &Principal, status: StatusCode, refused: Option<(Problem, FormData)>) -> Response {
    let w = W(ctx.lang);
    let list = match catalog::list(state, p).await {
        Ok(l) => l,
        Err(e) => return ctx.error(&e.into()),
    };
    let (form, problem) = match refused {
        Some((pr, f)) => (f, Some(pr)),
        None => (FormData::default(), None),
    };
    let (sids, plans, prices) = (form.all("item_service_id"), form.all("item_plan"), form.all("item_unit_price_krw"));
    let inputs = (0..ROWS)
        .map(|n| ItemInput {
            n: n + 1,
            service_id: sids.get(n).map(|s| (*s).to_owned()).unwrap_or_default(),
            plan: plans.get(n).map(|s| (*s).to_owned()).unwrap_or_default(),
            price: prices.get(n).map(|s| (*s).to_owned()).unwrap_or_default(),
        })
        .collect();
    let tpl = ListTpl {
        layout: ctx.layout(w.t("catalog.title"), Section::Desk),
        w,
        csrf: ctx.csrf.clone(),
        rows: list.iter().map(|c| cc_row(w, c)).collect(),
        can_create: p.has_role(Role::Pps),
        problem: problem_html(w, problem.as_ref()),
        supplier_id: form.get("supplier_id").to_owned(),
        number: form.get("number").to_owned(),
        starts_on: form.get("starts_on").to_owned(),
        ends_on: form.get("ends_on").to_owned(),
        inputs,
    };
    ctx.render(status, &tpl)
}

async fn list(State(state): State<AppState>, ctx: Ctx) -> Response {
    match require(&ctx, Rule::Authenticated) {
        Ok(p) => render_list(&state, &ctx, p, StatusCode::OK, None).await,
        Err(r) => r,
    }
}

/// The rows of the recording form that have anything in them.
fn catalog_items(form: &FormData) -> Vec<Value> {
    let (sids, plans, prices) = (form.all("item_service_id"), form.all("item_plan"), form.all("item_unit_price_krw"));
    (0..sids.len().max(plans.len()).max(prices.len()))
        .filter_map(|n| {
            let (s, p, pr) =
                (sids.get(n).copied().unwrap_or(""), plans.get(n).copied().unwrap_or(""), prices.get(n).copied().unwrap_or(""));
            if s.trim().is_empty() && p.trim().is_empty() && pr.trim().is_empty() {
                return None;
            }
            Some(json!({"service_id": s.trim(), "plan": p.trim(), "unit_price_krw": number(pr).unwrap_or(Value::Null)}))
        })
        .collect()
}

async fn create(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, body: Bytes) -> Response {
    let p = match require(&ctx, Rule::Authenticated) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let input = json!({
        "supplier_id": form.get("supplier_id").trim(),
        "number": form.get("number"),
        "starts_on": form.get("starts_on"),
        "ends_on": form.get("ends_on"),
        "items": catalog_items(&form),
    });
    match catalog::create(&state, p, &input, request_id(&headers)).await.map_err(AppError::from) {
        Ok(c) => see_other(&format!("/catalog-contracts/{}", c.id)),
        Err(e) if e.status == StatusCode::FORBIDDEN => ctx.error(&e),
        Err(e) => render_list(&state, &ctx, p, e.status, Some((Problem::new(ctx.lang, "catalog", &e), form))).await,
    }
}

pub(super) struct OrderLine {
    pub n: usize,
    pub name: String,
    pub code: String,
    pub plan: String,
    pub meter: String,
    pub price: String,
    pub quantity: String,
    pub months: String,
}

#[derive(Template)]
#[template(
    ext = "html",
    source = r#"{% extends "base.html" %}
{% block content %}
<nav class="breadcrumb" aria-label="{{ layout.t("nav.breadcrumb") }}">
  <ol><li><a href="/">{{ layout.t("nav.home") }}</a></li><li><a href="/catalog-contracts">{{ w.t("catalog.title") }}</a></li><li><span aria-current="page">{{ number }}</span></li></ol>
</nav>
<h1>{{ w.t("f.catalog") }} {{ number }} <span class="badge {{ class }}">{{ status }}</span></h1>
<dl class="info-list">
<div><dt>{{ w.t("f.supplier") }}</dt><dd><a href="/suppliers/{{ supplier_id }}">{{ supplier }}</a></dd></div>
<div><dt>{{ w.t("f.period") }}</dt><dd>{{ period }}</dd></div>
</dl>
<div class="table-wrap">
<table>
  <caption>{{ w.t("catalog.items_caption") }}</caption>
  <thead><tr><th scope="col">{{ w.t("col.service") }}</th><th scope="col">{{ w.t("col.plan") }}</th><th scope="col">{{ w.t("col.meter") }}</th><th scope="col">{{ w.t("col.unit_price") }}</th></tr></thead>
  <tbody>
  {% for i in lines %}<tr><th scope="row">{{ i.name }} (<code>{{ i.code }}</code>)</th><td>{{ i.plan }}</td><td>{{ i.meter }}</td><td class="num">{{ i.price }}</td></tr>
  {% endfor %}
  </tbody>
</table>
</div>
{% if can_order %}
<section aria-labelledby="order-title">
<h2 id="order-title">{{ w.t("request.title") }}</h2>
<p id="order-hint">{{ w.t("request.lead") }}</p>
{{ problem|safe }}
{% if budget_lines.is_empty() %}<p>{{ w.t("request.no_lines") }}</p>{% endif %}
<form method="post" action="/catalog-contracts/{{ id }}/order">
  <input type="hidden" name="_csrf" value="{{ csrf }}">
  {% for i in lines %}
  <fieldset aria-describedby="order-hint">
    <legend>{{ i.name }} · {{ i.plan }} ({{ i.price }} / {{ i.meter }})</legend>
    <div class="field">
      <label for="qty-{{ i.n }}">{{ w.t("col.quantity") }}</label>
      <input type="number" min="1" id="qty-{{ i.n }}" name="quantity_{{ i.n }}" value="{{ i.quantity }}">
    </div>
    <div class="field">
      <label for="months-{{ i.n }}">{{ w.t("col.months") }}</label>
      <input type="number" min="1" id="months-{{ i.n }}" name="months_{{ i.n }}" value="{{ i.months }}">
    </div>
  </fieldset>
  {% endfor %}
  <div class="field">
    <label for="order-line">{{ w.t("request.line") }}</label>
    <select id="order-line" name="budget_line_id" required>
    {% for (lid, label, sel) in budget_lines %}<option value="{{ lid }}"{% if sel %} selected{% endif %}>{{ label }}</option>{% endfor %}
    </select>
  </div>
  <div class="field">
    <label for="order-grade">{{ w.t("request.grade") }}</label>
    <select id="order-grade" name="required_grade">
    {% for (g, label, sel) in grades %}<option value="{{ g }}"{% if sel %} selected{% endif %}>{{ label }}</option>{% endfor %}
    </select>
  </div>
  <button class="btn" type="submit">{{ w.t("request.submit") }}</button>
</form>
</section>
{% endif %}
{% endblock %}"#
)]
struct DetailTpl {
    layout: Layout,
    w: W,
    csrf: String,
    id: String,
    number: String,
    supplier: String,
    supplier_id: String,
    period: String,
    status: String,
    class: &'static str,
    lines: Vec<OrderLine>,
    can_order: bool,
    budget_lines: Vec<(String, String, bool)>,
    grades: Vec<(&'static str, String, bool)>,
    problem: String,
}

async fn render_detail(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    id: &str,
    status: StatusCode,
    refused: Option<(Problem, FormData)>,
) -> Response {
    let w = W(ctx.lang);
    let c = match catalog::get(state, p, id).await {
        Ok(c) => c,
        Err(e) => return ctx.error(&e.into()),
    };
    let can_order = c.status == "running" && p.has_role(Role::Buyer);
    let year = state.clock().today().year().to_string();
    let budget_lines = if can_order {
        match gureum_app::budget::lines(state, p, Some(&year)).await {
            Ok(l) => l
                .iter()
                .map(|l| {
                    (
                        l.id.clone(),
                        format!("{} {} ({} {})", l.fiscal_year, l.name, w.t("request.available"), w.won(l.amount_krw - l.committed_krw)),
                        false,
                    )
                })
                .collect(),
            Err(e) => return ctx.error(&e.into()),
        }
    } else {
        Vec::new()
    };
    let (form, problem) = match refused {
        Some((pr, f)) => (f, Some(pr)),
        None => (FormData::default(), None),
    };
    let lines = c
        .items
        .iter()
        .enumerate()
        .map(|(n, i)| OrderLine {
            n: n + 1,
            name: i.name.clone(),
            code: i.code.clone(),
            plan: i.plan.clone(),
            meter: i.meter.clone(),
            price: w.won(i.unit_price_krw),
            quantity: form.get(&format!("quantity_{}", n + 1)).to_owned(),
            months: form.get(&format!("months_{}", n + 1)).to_owned(),
        })
        .collect();
    let tpl = DetailTpl {
        layout: ctx.layout(format!("{} {}", w.t("f.catalog"), c.number), Section::Desk),
        w,
        csrf: ctx.csrf.clone(),
        id: c.id.clone(),
        number: c.number.clone(),
        supplier: c.supplier.name.clone(),
        supplier_id: c.supplier.id.clone(),
        period: format!("{} ~ {}", c.starts_on, c.ends_on),
        status: w.t(&format!("cc.{}", c.status)).to_owned(),
        class: badge(&c.status),
        lines,
        can_order,
        budget_lines: budget_lines
            .into_iter()
            .map(|(id, label, _)| {
                let sel = id == form.get("budget_line_id");
                (id, label, sel)
            })
            .collect(),
        grades: ["", "high", "medium", "low"]
            .into_iter()
            .map(|g| {
                let key = if g.is_empty() { "grade.none".to_owned() } else { format!("grade.{g}") };
                (g, w.t(&key).to_owned(), g == form.get("required_grade"))
            })
            .collect(),
        problem: problem_html(w, problem.as_ref()),
    };
    ctx.render(status, &tpl)
}

async fn detail(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match require(&ctx, Rule::Authenticated) {
        Ok(p) => render_detail(&state, &ctx, p, &id, StatusCode::OK, None).await,
        Err(r) => r,
    }
}

async fn order(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let p = match require(&ctx, Rule::Authenticated) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    // the contract's lines, to name each ordered one (an outsider meets the 404 here)
    let c = match catalog::get(&state, p, &id).await {
        Ok(c) => c,
        Err(e) => return ctx.error(&e.into()),
    };
    let items: Vec<Value> = c
        .items
        .iter()
        .enumerate()
        .filter_map(|(n, i)| {
            let q = form.get(&format!("quantity_{}", n + 1));
            let m = form.get(&format!("months_{}", n + 1));
            if q.trim().is_empty() && m.trim().is_empty() {
                return None;
            }
            Some(json!({"service_id": i.service_id, "plan": i.plan, "quantity": number(q).unwrap_or(Value::Null), "months": number(m).unwrap_or(Value::Null)}))
        })
        .collect();
    let grade = form.get("required_grade").trim();
    let input = json!({
        "catalog_contract_id": c.id,
        "items": items,
        "budget_line_id": form.get("budget_line_id"),
        "required_grade": if grade.is_empty() { Value::Null } else { Value::from(grade) },
    });
    match catalog::request(&state, p, &input, request_id(&headers)).await.map_err(AppError::from) {
        Ok(o) => see_other(&format!("/orders/{}", o.id)),
        Err(e) if e.status == StatusCode::FORBIDDEN => ctx.error(&e),
        Err(e) => render_detail(&state, &ctx, p, &id, e.status, Some((Problem::new(ctx.lang, "order", &e), form))).await,
    }
}

//! Open contracting data (OCDS 1.1; SPEC §4 "Open data", docs/API.md "Open data"), public:
//! the release feed (`since`, pages of [`PAGE_SIZE`]), the record package of one process with
//! its compiled release, and the monthly bulk files. Every procurement project, quote request
//! without a project and delivery request is a process whose ocid is this instance's prefix and
//! the id of that row; its public facts are gathered here and mapped by `gureum_domain::ocds`.
//!
//! Releases are worked out when asked, from rows that no longer change once the fact happened
//! (and, for the figures an amendment changed, from what the amendment kept of them), so the same
//! data gives the same release ids, dates and content, and the feed is reproducible.

use crate::context::Context;
use crate::error::{Code, Error, Result};
use gureum_domain::clock::{SEOUL, parse_date};
use gureum_domain::ocds::{self, ContractFacts, Fact, Line, Method, Org, PackageMeta, Process, Terms};
use gureum_storage::{Contract, FactRef, ProcessKind};
use serde_json::{Value, json};
use std::collections::HashMap;

/// Releases on one page of the feed.
pub const PAGE_SIZE: i64 = 100;
/// The last page that may be asked for.
pub const MAX_PAGE: i64 = 100_000;
/// The name the packages give as their publisher.
pub const PUBLISHER: &str = "구름 디지털서비스 마켓플레이스 (Gureum)";

/// What a contract's figures were, as an amendment keeps them (JSON text).
pub fn terms_json(c: &Contract) -> String {
    json!({
        "ends_on": c.ends_on, "cap_krw": c.cap_krw, "total_krw": c.total_krw,
        "items": c.items.iter().map(|i| json!({"service_code": i.service_code, "service_name": i.service_name, "plan": i.plan,
            "meter": i.meter, "unit_price_krw": i.unit_price_krw, "quantity": i.quantity, "months": i.months})).collect::<Vec<_>>(),
    })
    .to_string()
}

fn terms_of(c: &Contract) -> Terms {
    Terms {
        lines: c
            .items
            .iter()
            .map(|i| Line {
                service_code: i.service_code.clone(),
                service_name: Some(i.service_name.clone()),
                plan: i.plan.clone(),
                unit: Some(i.meter.clone()),
                quantity: i.quantity,
                months: i.months,
                unit_price_krw: Some(i.unit_price_krw),
            })
            .collect(),
        value_krw: c.cap_krw.unwrap_or(c.total_krw),
        starts_on: c.starts_on.clone(),
        ends_on: c.ends_on.clone(),
    }
}

/// The terms an amendment kept (see [`terms_json`]), on the contract's start.
fn terms_kept(c: &Contract, kept: &str) -> Result<Terms> {
    let v: Value = serde_json::from_str(kept).map_err(Error::internal)?;
    let text = |o: &Value, k: &str| o[k].as_str().unwrap_or_default().to_owned();
    let lines = v["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| Line {
                    service_code: text(i, "service_code"),
                    service_name: Some(text(i, "service_name")),
                    plan: text(i, "plan"),
                    unit: Some(text(i, "meter")),
                    quantity: i["quantity"].as_i64().unwrap_or(0),
                    months: i["months"].as_i64().unwrap_or(0),
                    unit_price_krw: i["unit_price_krw"].as_i64(),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Terms {
        lines,
        value_krw: v["cap_krw"].as_i64().or_else(|| v["total_krw"].as_i64()).unwrap_or(0),
        starts_on: c.starts_on.clone(),
        ends_on: text(&v, "ends_on"),
    })
}

async fn org(ctx: &Context, id: &str) -> Result<Org> {
    let o = ctx.db().organisation(id).await?.ok_or_else(|| Error::internal("a process without its agency"))?;
    Ok(Org { key: o.id, name: o.name, business_number: o.business_number })
}

async fn suppliers(ctx: &Context, ids: &[String]) -> Result<Vec<Org>> {
    let found = ctx.db().ocds_suppliers(ids).await?;
    let mut out: Vec<Org> = Vec::new();
    for id in ids {
        if let Some(s) = found.get(id)
            && !out.iter().any(|o| o.key == s.id)
        {
            out.push(Org { key: s.id.clone(), name: s.name.clone(), business_number: Some(s.business_number.clone()) });
        }
    }
    Ok(out)
}

/// The facts of a contract or order from its signature on: signed, amended, terminated, paid.
async fn contract_facts(ctx: &Context, c: &Contract, out: &mut Vec<Fact>) -> Result<()> {
    let Some(signed_at) = c.signed_at else { return Ok(()) };
    let mut member_ids = vec![c.supplier_id.clone()];
    member_ids.extend(c.shares.iter().map(|s| s.supplier_id.clone()));
    let facts = ContractFacts {
        id: c.id.clone(),
        award_id: c.decision_record_id.clone().unwrap_or_else(|| c.id.clone()),
        suppliers: suppliers(ctx, &member_ids).await?,
    };
    let method = match c.method.as_str() {
        "catalog" => Method::Catalog,
        "call_off" => Method::CallOff,
        _ => Method::Negotiated,
    };
    let mut accepted: Vec<_> =
        ctx.db().amendments(&c.id).await?.into_iter().filter(|a| a.status == "accepted" && a.answered_at.is_some()).collect();
    accepted.sort_by(|a, b| (a.answered_at, &a.id).cmp(&(b.answered_at, &b.id)));
    let kept = ctx.db().amendment_befores(&c.id).await?;
    // the terms before each amendment, then the current ones
    let mut stages: Vec<Terms> = Vec::new();
    for a in &accepted {
        stages.push(match kept.get(&a.id) {
            Some(k) => terms_kept(c, k)?,
            None => terms_of(c),
        });
    }
    stages.push(terms_of(c));
    out.push(Fact::Contract { contract: facts.clone(), terms: stages[0].clone(), method, at: signed_at });
    for (n, a) in accepted.iter().enumerate() {
        out.push(Fact::Amendment {
            contract: facts.clone(),
            amendment_id: a.id.clone(),
            rationale: a.reason.clone(),
            terms: stages[n + 1].clone(),
            at: a.answered_at.unwrap_or(signed_at),
        });
    }
    if method == Method::Negotiated
        && c.end_reason.is_some()
        && let Some(at) = c.ended_at
    {
        out.push(Fact::Termination { contract: facts.clone(), at });
    }
    for inv in ctx.db().invoices_of_contract(&c.id).await? {
        let (Some(at), Some(paid_on)) = (inv.paid_at, inv.paid_on.clone()) else { continue };
        let payee = suppliers(ctx, std::slice::from_ref(&inv.supplier_id)).await?.into_iter().next();
        let Some(payee) = payee else { continue };
        out.push(Fact::Payment { contract: facts.clone(), invoice_id: inv.id.clone(), paid_on, amount_krw: inv.total_krw, payee, at });
    }
    Ok(())
}

async fn tender_lines(ctx: &Context, service_id: &str, items: &str) -> Result<Vec<Line>> {
    let codes = ctx.db().ocds_service_codes(&[service_id.to_owned()]).await?;
    let code = codes.get(service_id).map(|(c, _)| c.clone()).unwrap_or_default();
    let items: Value = serde_json::from_str(items).map_err(Error::internal)?;
    Ok(items
        .as_array()
        .map(|list| {
            list.iter()
                .map(|i| Line {
                    service_code: code.clone(),
                    service_name: None,
                    plan: i["plan"].as_str().unwrap_or_default().to_owned(),
                    unit: None,
                    quantity: i["quantity"].as_i64().unwrap_or(0),
                    months: i["months"].as_i64().unwrap_or(0),
                    unit_price_krw: None,
                })
                .collect()
        })
        .unwrap_or_default())
}

/// The award of a decision record: its reason, its hash, the chosen services (as the record
/// froze them) and their suppliers.
async fn award(ctx: &Context, row: &gureum_storage::DecisionRecordRow) -> Result<Fact> {
    let body: Value = serde_json::from_str(&row.body).map_err(Error::internal)?;
    let chosen: Vec<String> =
        body["chosen"].as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()).unwrap_or_default();
    let empty = Vec::new();
    let compared = body["comparison"].as_array().unwrap_or(&empty);
    let mut lines = Vec::new();
    let mut supplier_ids = Vec::new();
    for id in &chosen {
        let Some(c) = compared.iter().find(|c| c["service_id"].as_str() == Some(id)) else { continue };
        lines.push(Line {
            service_code: c["code"].as_str().unwrap_or_default().to_owned(),
            service_name: c["name"].as_str().map(str::to_owned),
            plan: String::new(),
            unit: None,
            quantity: 1,
            months: 0,
            unit_price_krw: None,
        });
        if let Some(s) = c["supplier"]["id"].as_str() {
            supplier_ids.push(s.to_owned());
        }
    }
    Ok(Fact::Award {
        record_id: row.id.clone(),
        reason: body["reason"].as_str().unwrap_or_default().to_owned(),
        hash: row.hash.clone(),
        lines,
        suppliers: suppliers(ctx, &supplier_ids).await?,
        at: row.created_at,
    })
}

/// One process with every public fact, or `None` when no such process exists.
pub async fn process(ctx: &Context, kind: ProcessKind, id: &str) -> Result<Option<Process>> {
    let Some(buyer_id) = ctx.db().ocds_buyer_of(kind, id).await? else { return Ok(None) };
    let buyer = org(ctx, &buyer_id).await?;
    let mut facts = Vec::new();
    match kind {
        ProcessKind::Project => {
            let Some(p) = ctx.db().project(id).await? else { return Ok(None) };
            facts.push(Fact::Planning {
                project_id: p.id.clone(),
                title: p.title.clone(),
                required_grade: p.required_grade.clone(),
                at: p.created_at,
            });
            for r in ctx.db().ocds_project_requests(id).await? {
                let lines = tender_lines(ctx, &r.service_id, &r.items).await?;
                facts.push(Fact::Tender { request_id: r.id, lines, starts_on: r.starts_on, ends_on: r.ends_on, at: r.created_at });
            }
            if let Some(row) = ctx.db().ocds_project_record(id).await? {
                facts.push(award(ctx, &row).await?);
            }
        }
        ProcessKind::Request => {
            let Some(r) = ctx.db().quote_request(id).await? else { return Ok(None) };
            let lines = tender_lines(ctx, &r.service_id, &r.items).await?;
            facts.push(Fact::Tender { request_id: r.id, lines, starts_on: r.starts_on, ends_on: r.ends_on, at: r.created_at });
        }
        ProcessKind::Order => {}
    }
    for cid in ctx.db().ocds_contract_ids(kind, id).await? {
        let Some(c) = ctx.db().contract(&cid).await? else { continue };
        if kind == ProcessKind::Order {
            let method = if c.method == "call_off" { Method::CallOff } else { Method::Catalog };
            facts.push(Fact::Order { order_id: c.id.clone(), terms: terms_of(&c), method, at: c.created_at });
            if let (None, Some(at)) = (c.signed_at, c.ended_at) {
                facts.push(Fact::OrderRefused { order_id: c.id.clone(), at });
            }
        }
        contract_facts(ctx, &c, &mut facts).await?;
    }
    Ok(Some(Process { ocid: ocds::ocid(ctx.ocid_prefix(), id), tender_id: id.to_owned(), buyer, facts }))
}

fn meta(ctx: &Context, uri: String, published_at: i64) -> PackageMeta {
    PackageMeta { uri, publisher_name: PUBLISHER.to_owned(), publisher_uri: ctx.public_url().to_owned(), published_at }
}

/// The releases of these facts, in their order (each process built once).
async fn releases_of(ctx: &Context, refs: &[FactRef]) -> Result<Vec<Value>> {
    let mut built: HashMap<(ProcessKind, String), Option<Process>> = HashMap::new();
    let mut out = Vec::new();
    for r in refs {
        let key = (r.process, r.process_id.clone());
        if !built.contains_key(&key) {
            built.insert(key.clone(), process(ctx, r.process, &r.process_id).await?);
        }
        let Some(Some(p)) = built.get(&key) else { continue };
        let want = format!("{}-{}", r.kind, r.source_id);
        if let Some(f) = p.facts.iter().find(|f| f.release_id() == want) {
            out.push(p.release(f));
        }
    }
    Ok(out)
}

fn micros(t: time::OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1000).unwrap_or(i64::MAX)
}

/// `since`: an RFC 3339 date-time.
fn parse_since(s: &str) -> Result<i64> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map(micros)
        .map_err(|_| Error::new(Code::InvalidParameter, "since: an RFC 3339 date-time such as 2026-11-01T00:00:00+09:00"))
}

fn parse_page(s: Option<&str>) -> Result<i64> {
    match s {
        None => Ok(1),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_PAGE).contains(n))
            .ok_or_else(|| Error::new(Code::InvalidParameter, format!("page: a whole number from 1 to {MAX_PAGE}"))),
    }
}

fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The release feed (`GET /api/v1/ocds/releases[?since=&page=]`): the releases dated at or
/// after `since`, oldest first, [`PAGE_SIZE`] a page, with `links.next` while more follow.
pub async fn releases(ctx: &Context, since: Option<&str>, page: Option<&str>) -> Result<Value> {
    // an empty parameter (`?page=`) is the parameter left out, as everywhere in the API
    let (since, page) = (since.filter(|s| !s.is_empty()), page.filter(|p| !p.is_empty()));
    let from = since.map(parse_since).transpose()?.unwrap_or(i64::MIN);
    let page = parse_page(page)?;
    let mut refs = ctx.db().ocds_facts(from, i64::MAX, (page - 1) * PAGE_SIZE, PAGE_SIZE + 1).await?;
    let more = refs.len() > PAGE_SIZE as usize;
    refs.truncate(PAGE_SIZE as usize);
    let base = format!("{}/api/v1/ocds/releases", ctx.public_url());
    let query = |p: i64| match since {
        Some(s) => format!("{base}?since={}&page={p}", encode(s)),
        None => format!("{base}?page={p}"),
    };
    let releases = releases_of(ctx, &refs).await?;
    let published = refs.iter().map(|r| r.at).max().unwrap_or_else(|| ctx.clock().now_micros());
    Ok(ocds::release_package(&meta(ctx, query(page), published), releases, more.then(|| query(page + 1))))
}

/// The record package of one process (`GET /api/v1/ocds/records/{ocid}`): its releases and its
/// compiled release. An ocid of another prefix, or of no process, is 404.
pub async fn record(ctx: &Context, ocid: &str) -> Result<Value> {
    let id = ocds::ocid_id(ctx.ocid_prefix(), ocid).ok_or_else(|| Error::not_found("process"))?;
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(Error::not_found("process"));
    }
    let kind = ctx.db().ocds_process_kind(id).await?.ok_or_else(|| Error::not_found("process"))?;
    let p = process(ctx, kind, id).await?.ok_or_else(|| Error::not_found("process"))?;
    let published = p.facts.iter().map(Fact::at).max().unwrap_or_else(|| ctx.clock().now_micros());
    let uri = format!("{}/api/v1/ocds/records/{}", ctx.public_url(), encode(ocid));
    Ok(ocds::record_package(&meta(ctx, uri, published), vec![p.record()]))
}

/// A month `YYYY-MM` as its instants `[first, next)`, on Asia/Seoul days.
fn month_range(month: &str) -> Option<(i64, i64)> {
    let first = parse_date(&format!("{month}-01")).filter(|_| month.len() == 7)?;
    let next = if first.month() == time::Month::December {
        time::Date::from_calendar_date(first.year() + 1, time::Month::January, 1).ok()?
    } else {
        time::Date::from_calendar_date(first.year(), first.month().next(), 1).ok()?
    };
    let at = |d: time::Date| micros(d.midnight().assume_offset(SEOUL));
    Some((at(first), at(next)))
}

/// The bulk file of a month (`GET /api/v1/ocds/bulk/{YYYY-MM}.json`): a release package of
/// every release dated in that month (Asia/Seoul). A month without releases is 404.
pub async fn bulk(ctx: &Context, month: &str) -> Result<Value> {
    let (from, until) = month_range(month).ok_or_else(|| Error::new(Code::InvalidParameter, "the month: YYYY-MM, such as 2026-11"))?;
    let mut refs = Vec::new();
    loop {
        let page = ctx.db().ocds_facts(from, until, refs.len() as i64, 1_000).await?;
        let n = page.len();
        refs.extend(page);
        if n < 1_000 {
            break;
        }
    }
    if refs.is_empty() {
        return Err(Error::not_found("releases of that month"));
    }
    let releases = releases_of(ctx, &refs).await?;
    let published = refs.iter().map(|r| r.at).max().unwrap_or(from);
    let uri = format!("{}/api/v1/ocds/bulk/{month}.json", ctx.public_url());
    Ok(ocds::release_package(&meta(ctx, uri, published), releases, None))
}

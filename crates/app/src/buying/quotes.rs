//! Quote requests and quotes (견적요청 → 견적, docs/RULES.md#buying): a buyer asks a supplier for
//! a quote on a listed service's plans; the supplier answers within its listed prices with a
//! validity date, and may withdraw the quote until a contract is drafted from it.

use super::{AGENCY_READERS, BUYER, Note, audit, plan_of, tell_agency, tell_supplier, uuid};
use crate::actor::{Principal, Rule};
use crate::body::{Fields, format_date, objects, parse_date, required};
use crate::context::Context;
use crate::error::{Code, Error, Result};
use gureum_domain::account::Role;
use gureum_domain::buying::{self as rules, Actor, Item, QuoteAction, QuoteStatus};
use gureum_domain::clock::rfc3339_utc;
use gureum_storage::{Quote, QuoteParty, QuoteRequest};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The longest message or note, in characters.
pub const MESSAGE_MAX_CHARS: usize = 2000;

/// A requested line: a plan, how many, for how many months.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wanted {
    pub plan: String,
    pub quantity: i64,
    pub months: i64,
}

/// A quoted line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Priced {
    pub plan: String,
    pub unit_price_krw: i64,
    pub quantity: i64,
    pub months: i64,
}

impl Priced {
    pub fn item(&self) -> Item {
        Item { plan: self.plan.clone(), unit_price_krw: self.unit_price_krw, quantity: self.quantity, months: self.months }
    }
}

/// A quote as both sides see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuoteView {
    pub id: String,
    pub request_id: String,
    pub status: String,
    pub items: Vec<Priced>,
    pub total_krw: i64,
    pub vat_krw: i64,
    pub valid_until: String,
    pub note: String,
    pub created_at: String,
}

/// A quote request with its quote once offered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuoteRequestView {
    pub id: String,
    pub status: String,
    pub project_id: Option<String>,
    pub agency: Party,
    pub supplier: Party,
    pub service: ServiceRef,
    pub items: Vec<Wanted>,
    pub starts_on: String,
    pub ends_on: String,
    pub message: String,
    pub created_at: String,
    pub quote: Option<QuoteView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Party {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceRef {
    pub id: String,
    pub code: String,
    pub name: String,
}

/// The request's status today: an offered quote past its validity is `expired`.
pub fn status_today(r: &QuoteRequest, today: time::Date) -> QuoteStatus {
    let stored = QuoteStatus::parse(&r.status).unwrap_or(QuoteStatus::Requested);
    stored.on(r.quote.as_ref().and_then(|q| parse_date(&q.valid_until)), today)
}

pub fn priced(q: &Quote) -> Result<Vec<Priced>> {
    serde_json::from_str(&q.items).map_err(Error::internal)
}

async fn view(ctx: &Context, r: &QuoteRequest) -> Result<QuoteRequestView> {
    let status = status_today(r, ctx.clock().today());
    let agency = ctx.db().organisation(&r.org_id).await?.map(|o| o.name).unwrap_or_default();
    let svc = ctx.db().service(gureum_storage::ServiceKey::Id(&r.service_id)).await?;
    let (code, name, supplier) =
        svc.map(|s| (s.code, s.listing.name, s.supplier.name)).unwrap_or_else(|| (String::new(), String::new(), String::new()));
    let quote = match &r.quote {
        Some(q) => Some(QuoteView {
            id: q.id.clone(),
            request_id: r.id.clone(),
            status: status.as_str().into(),
            items: priced(q)?,
            total_krw: q.total_krw,
            vat_krw: gureum_domain::money::vat(q.total_krw),
            valid_until: q.valid_until.clone(),
            note: q.note.clone(),
            created_at: rfc3339_utc(q.created_at),
        }),
        None => None,
    };
    Ok(QuoteRequestView {
        id: r.id.clone(),
        status: status.as_str().into(),
        project_id: r.project_id.clone(),
        agency: Party { id: r.org_id.clone(), name: agency },
        supplier: Party { id: r.supplier_id.clone(), name: supplier },
        service: ServiceRef { id: r.service_id.clone(), code, name },
        items: serde_json::from_str(&r.items).map_err(Error::internal)?,
        starts_on: r.starts_on.clone(),
        ends_on: r.ends_on.clone(),
        message: r.message.clone(),
        created_at: rfc3339_utc(r.created_at),
        quote,
    })
}

fn text(v: Option<&str>, key: &str) -> Result<String> {
    let s = v.unwrap_or("").trim().to_owned();
    if s.chars().count() > MESSAGE_MAX_CHARS {
        return Err(crate::body::bad(key, "at most 2,000 characters"));
    }
    Ok(s)
}

/// Reads `items` as a list of objects, each field by `read`.
fn lines<T>(f: &Fields<'_>, read: impl Fn(&Fields<'_>, &str) -> Result<T>) -> Result<Vec<T>> {
    let list = required(f.array("items")?, "items")?;
    if list.is_empty() {
        return Err(gureum_domain::buying::Refusal::ItemsRequired.into());
    }
    objects(list, "items")?.iter().enumerate().map(|(n, o)| read(o, &format!("items[{n}]"))).collect()
}

fn int_at(o: &Fields<'_>, at: &str, key: &str) -> Result<i64> {
    o.int(key)
        .map_err(|_| crate::body::bad(&format!("{at}.{key}"), "a whole number"))?
        .ok_or_else(|| crate::body::bad(&format!("{at}.{key}"), "required"))
}

fn plan_at(o: &Fields<'_>, at: &str) -> Result<String> {
    o.string("plan").ok().flatten().map(str::to_owned).ok_or_else(|| crate::body::bad(&format!("{at}.plan"), "required text"))
}

/// Requested lines: a plan the service lists, quantity and months from 1.
pub fn wanted_items(f: &Fields<'_>, listed: impl Fn(&str) -> Option<i64>) -> Result<Vec<Wanted>> {
    let items =
        lines(f, |o, at| Ok(Wanted { plan: plan_at(o, at)?, quantity: int_at(o, at, "quantity")?, months: int_at(o, at, "months")? }))?;
    let priced: Vec<Item> = items
        .iter()
        .map(|w| Item { plan: w.plan.clone(), unit_price_krw: listed(&w.plan).unwrap_or(0), quantity: w.quantity, months: w.months })
        .collect();
    rules::check_items(&priced, listed)?;
    Ok(items)
}

/// A quote request (`{"project_id", "service_id", "items", "starts_on", "ends_on", "message"}`).
pub async fn request(ctx: &Context, p: &Principal, body: &Value, rid: Option<String>) -> Result<QuoteRequestView> {
    p.require(Rule::AnyRole(BUYER))?;
    let f = Fields::of(body)?;
    let project_id = match f.string("project_id")? {
        Some(id) => {
            let id = uuid(id, "project")?;
            let pr = ctx.db().project(&id).await?.filter(|pr| pr.org_id == p.org().id).ok_or_else(|| Error::not_found("project"))?;
            if pr.status == "cancelled" {
                return Err(Error::invalid_status("the project is cancelled"));
            }
            Some(pr.id)
        }
        None => None,
    };
    let rec = super::service(ctx, required(f.string("service_id")?, "service_id")?).await?;
    let items = wanted_items(&f, |plan| plan_of(&rec, plan).map(|pl| pl.unit_price_krw.won()))?;
    let starts_on = required(f.date("starts_on")?, "starts_on")?;
    let ends_on = required(f.date("ends_on")?, "ends_on")?;
    rules::check_period(starts_on, ends_on)?;
    let message = text(f.string("message")?, "message")?;
    let mut tx = ctx.db().begin_write().await?;
    let r = QuoteRequest {
        id: crate::ids::new_id(),
        org_id: p.org().id.clone(),
        project_id,
        service_id: rec.id.clone(),
        supplier_id: rec.supplier.id.clone(),
        items: serde_json::to_string(&items).map_err(Error::internal)?,
        starts_on: format_date(starts_on),
        ends_on: format_date(ends_on),
        message,
        status: QuoteStatus::Requested.as_str().into(),
        requested_by: p.actor(),
        created_at: tx.now(),
        updated_at: tx.now(),
        quote: None,
    };
    tx.insert_quote_request(&r).await?;
    audit(
        &mut tx,
        p,
        rid,
        "quote_request.create",
        ("quote_request", &r.id),
        None,
        json!({"service_id": r.service_id, "items": items, "starts_on": r.starts_on, "ends_on": r.ends_on}),
    )
    .await?;
    let note = Note {
        kind: "quote_requested",
        ko: format!("{}이(가) {}의 견적을 요청했습니다.", p.org().name, rec.listing.name),
        en: format!("{} asks for a quote on {}.", p.org().name, rec.listing.name),
        link: format!("/quote-requests/{}", r.id),
    };
    tell_supplier(ctx, &mut tx, &rec.supplier.id, &note).await?;
    tx.commit().await?;
    view(ctx, &r).await
}

/// The caller's quote requests: an agency's own, or those sent to the caller's supplier.
pub async fn list(ctx: &Context, p: &Principal) -> Result<Vec<QuoteRequestView>> {
    let party = if p.has_role(Role::Supplier) {
        QuoteParty::Supplier(p.org().supplier_id.as_deref().ok_or_else(Error::forbidden)?)
    } else {
        p.require(Rule::AnyRole(AGENCY_READERS))?;
        QuoteParty::Agency(&p.org().id)
    };
    let mut out = Vec::new();
    for r in ctx.db().quote_requests(party).await? {
        out.push(view(ctx, &r).await?);
    }
    Ok(out)
}

/// One quote request, for its agency and its supplier (and the oversight roles); else 404.
pub async fn get(ctx: &Context, p: &Principal, id: &str) -> Result<QuoteRequestView> {
    let id = uuid(id, "quote request")?;
    let r = ctx.db().quote_request(&id).await?.ok_or_else(|| Error::not_found("quote request"))?;
    if !super::may_read(p, &r.org_id, &[&r.supplier_id]) {
        return Err(Error::not_found("quote request"));
    }
    view(ctx, &r).await
}

/// The supplier answers (`{"items": [{"plan", "unit_price_krw", "quantity", "months"}],
/// "valid_until", "note"}`) within its listed prices.
pub async fn offer(ctx: &Context, p: &Principal, request_id: &str, body: &Value, rid: Option<String>) -> Result<QuoteView> {
    let id = uuid(request_id, "quote request")?;
    let f = Fields::of(body)?;
    let mut tx = ctx.db().begin_write().await?;
    let r = tx.quote_request(&id).await?.ok_or_else(|| Error::not_found("quote request"))?;
    let actor = super::party(p, &r.org_id, &[&r.supplier_id], &[]);
    let today = ctx.clock().today();
    rules::decide_quote(status_today(&r, today), QuoteAction::Offer, actor)?;
    let rec = ctx.db().service(gureum_storage::ServiceKey::Id(&r.service_id)).await?.ok_or_else(|| Error::not_found("service"))?;
    let items = lines(&f, |o, at| {
        Ok(Priced {
            plan: plan_at(o, at)?,
            unit_price_krw: int_at(o, at, "unit_price_krw")?,
            quantity: int_at(o, at, "quantity")?,
            months: int_at(o, at, "months")?,
        })
    })?;
    let total = rules::check_items(&items.iter().map(Priced::item).collect::<Vec<_>>(), |plan| {
        plan_of(&rec, plan).map(|pl| pl.unit_price_krw.won())
    })?;
    let valid_until = required(f.date("valid_until")?, "valid_until")?;
    if valid_until < today {
        return Err(crate::body::bad("valid_until", "today or later"));
    }
    let note = text(f.string("note")?, "note")?;
    let q = Quote {
        id: crate::ids::new_id(),
        request_id: r.id.clone(),
        items: serde_json::to_string(&items).map_err(Error::internal)?,
        total_krw: total,
        valid_until: format_date(valid_until),
        note,
        offered_by: p.actor(),
        created_at: tx.now(),
    };
    tx.insert_quote(&q).await?;
    tx.set_quote_request_status(&r.id, QuoteStatus::Offered.as_str()).await?;
    audit(
        &mut tx,
        p,
        rid,
        "quote.offer",
        ("quote", &q.id),
        None,
        json!({"request_id": r.id, "items": items, "total_krw": total, "valid_until": q.valid_until}),
    )
    .await?;
    let n = Note {
        kind: "quote_offered",
        ko: format!("{}의 견적이 도착했습니다.", rec.listing.name),
        en: format!("A quote for {} has arrived.", rec.listing.name),
        link: format!("/quote-requests/{}", r.id),
    };
    tell_agency(ctx, &mut tx, &r.org_id, BUYER, &n).await?;
    tx.commit().await?;
    Ok(QuoteView {
        id: q.id,
        request_id: r.id,
        status: QuoteStatus::Offered.as_str().into(),
        items,
        total_krw: total,
        vat_krw: gureum_domain::money::vat(total),
        valid_until: q.valid_until,
        note: q.note,
        created_at: rfc3339_utc(q.created_at),
    })
}

/// The supplier withdraws its quote until a contract is drafted from it.
pub async fn withdraw(ctx: &Context, p: &Principal, quote_id: &str, rid: Option<String>) -> Result<QuoteRequestView> {
    let id = uuid(quote_id, "quote")?;
    let mut tx = ctx.db().begin_write().await?;
    let r = tx.quote_request_of_quote(&id).await?.ok_or_else(|| Error::not_found("quote"))?;
    let actor = super::party(p, &r.org_id, &[&r.supplier_id], &[Actor::Buyer]);
    let to = rules::decide_quote(status_today(&r, ctx.clock().today()), QuoteAction::Withdraw, actor)?;
    tx.set_quote_request_status(&r.id, to.as_str()).await?;
    audit(&mut tx, p, rid, "quote.withdraw", ("quote", &id), Some(json!({"status": r.status})), json!({"status": to.as_str()})).await?;
    tx.commit().await?;
    let r = ctx.db().quote_request(&r.id).await?.ok_or_else(|| Error::new(Code::InternalError, "quote request vanished"))?;
    view(ctx, &r).await
}

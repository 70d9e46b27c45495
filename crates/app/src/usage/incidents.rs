//! Incidents and SLA availability (SPEC §3 "Post-management", §4 "Usage, invoices and
//! post-management").
//!
//! - The service's supplier, or a member (buyer, budget officer, signatory) of an agency holding
//!   a signed contract or confirmed order for the service that has not ended, records an incident
//!   (`started_at`, optional `ended_at` — an outage still going on —, `announced`,
//!   `description`); the supplier or the reporter resolves an open one with its end.
//! - **Notice**: an *unannounced* outage of 10 minutes or more is told, once
//!   (`incidents.notified_at`), in the app and by e-mail, to every active user of each agency with
//!   a contract or order in force for the service today. It is decided when the incident is
//!   recorded and when it is resolved, on its known length: ended − started, or for one still
//!   open now − started (so an outage recorded while going on for 10 minutes already is told at
//!   once; one recorded earlier is told when resolved).
//! - **Availability** per contract, service and month (Asia/Seoul) = 1 − outage minutes / minutes
//!   in the month, from the *unannounced* outages only (announced maintenance does not count
//!   against the SLA), overlapping reports counted once (`gureum_domain::usage::outage_minutes`);
//!   an outage still open counts up to now. Compared with the SLA of the service's listing.

use crate::actor::Principal;
use crate::body::{Fields, bad};
use crate::buying::{AGENCY_READERS, OVERSIGHT, audit};
use crate::context::Context;
use crate::error::{Code, Error, Result};
use gureum_domain::account::Role;
use gureum_domain::clock::{format_date, rfc3339_utc, to_micros};
use gureum_domain::usage::{
    Confirmation, IncidentTimes, Month, availability_milli, below_sla, check_ended, check_incident, outage_minutes,
};
use gureum_storage::{Holding, Incident, IncidentFilter, IncidentScope, ServiceKey, UserStatus, WriteTx};
use serde::Serialize;
use serde_json::{Value, json};

/// The longest description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 2_000;
/// An unannounced outage this long (minutes) or longer is told to the agencies using the service.
pub const NOTIFY_MINUTES: i64 = 10;
/// The most incidents a list answers.
pub const LIST_LIMIT: i64 = 500;

/// An incident as its readers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncidentView {
    pub id: String,
    pub service_id: String,
    pub service_name: String,
    pub supplier_id: String,
    pub reported_by: String,
    pub reporter_org_id: String,
    pub started_at: String,
    /// Null while it goes on.
    pub ended_at: Option<String>,
    pub open: bool,
    /// Whole minutes from start to end (to now while open).
    pub minutes: i64,
    pub announced: bool,
    pub description: String,
    /// When the agencies using the service were told; null when they were not (yet).
    pub notified_at: Option<String>,
    /// `confirmed` (counts against the SLA), `pending` (an agency's report awaiting the
    /// supplier; counts for the reporting agency's contracts) or `contested` (counts for none).
    pub confirmation: String,
    /// Why the supplier contested the report.
    pub contest_reason: Option<String>,
    pub created_at: String,
}

fn minutes(i: &Incident, now: i64) -> i64 {
    (i.ended_at.unwrap_or(now) - i.started_at).max(0) / 60_000_000
}

async fn view(ctx: &Context, i: &Incident) -> Result<IncidentView> {
    let name = ctx.db().service(ServiceKey::Id(&i.service_id)).await?.map(|r| r.listing.name).unwrap_or_default();
    Ok(view_named(i, name, ctx.clock().now_micros()))
}

fn view_named(i: &Incident, service_name: String, now: i64) -> IncidentView {
    IncidentView {
        id: i.id.clone(),
        service_id: i.service_id.clone(),
        service_name,
        supplier_id: i.supplier_id.clone(),
        reported_by: i.reported_by.clone(),
        reporter_org_id: i.reporter_org_id.clone(),
        started_at: rfc3339_utc(i.started_at),
        ended_at: i.ended_at.map(rfc3339_utc),
        open: i.ended_at.is_none(),
        minutes: minutes(i, now),
        announced: i.announced,
        description: i.description.clone(),
        notified_at: i.notified_at.map(rfc3339_utc),
        confirmation: i.confirmation.clone(),
        contest_reason: i.contest_reason.clone(),
        created_at: rfc3339_utc(i.created_at),
    }
}

fn is_supplier_of(p: &Principal, supplier_id: &str) -> bool {
    p.has_role(Role::Supplier) && p.org().supplier_id.as_deref() == Some(supplier_id)
}

fn is_agency_member(p: &Principal) -> bool {
    AGENCY_READERS.iter().any(|r| p.has_role(*r))
}

/// Who may list incidents: suppliers, agency members, the operator and the auditor.
pub fn may_list(p: &Principal) -> bool {
    p.has_role(Role::Supplier) || is_agency_member(p) || OVERSIGHT.iter().any(|r| p.has_role(*r))
}

/// Whether the caller may read the incident: its service's supplier, the reporting
/// organisation, an agency that holds or held a contract for the service, the oversight roles.
async fn may_read(ctx: &Context, p: &Principal, i: &Incident) -> Result<bool> {
    if OVERSIGHT.iter().any(|r| p.has_role(*r)) || is_supplier_of(p, &i.supplier_id) {
        return Ok(true);
    }
    if !is_agency_member(p) {
        return Ok(false);
    }
    Ok(p.org().id == i.reporter_org_id || ctx.db().agency_holds(&p.org().id, &i.service_id, Holding::HasOrHad).await?)
}

/// Whether the caller may record an incident of the service (`supplier_id` its supplier).
pub async fn may_report(ctx: &Context, p: &Principal, service_id: &str, supplier_id: &str) -> Result<bool> {
    if is_supplier_of(p, supplier_id) {
        return Ok(true);
    }
    if !is_agency_member(p) || p.user().is_none() {
        return Ok(false);
    }
    let today = format_date(ctx.clock().today());
    Ok(ctx.db().agency_holds(&p.org().id, service_id, Holding::Holds(&today)).await?)
}

/// The services the caller may record incidents of, as `(id, name)`: a supplier's listed
/// services, or those its agency holds a contract or order for.
pub async fn reportable_services(ctx: &Context, p: &Principal) -> Result<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::new();
    if p.has_role(Role::Supplier)
        && let Some(sid) = p.org().supplier_id.clone()
    {
        let listed = [gureum_domain::ServiceStatus::Listed, gureum_domain::ServiceStatus::Suspended];
        for r in ctx.db().supplier_services(&sid, &listed).await? {
            out.push((r.id.clone(), r.listing.name.clone()));
        }
    }
    if is_agency_member(p) {
        let today = format_date(ctx.clock().today());
        for c in
            ctx.db().contracts(gureum_storage::ContractFilter { method: None, agency_id: Some(&p.org().id), supplier_id: None }).await?
        {
            for item in &c.items {
                if !out.iter().any(|(id, _)| *id == item.service_id)
                    && ctx.db().agency_holds(&p.org().id, &item.service_id, Holding::Holds(&today)).await?
                {
                    out.push((item.service_id.clone(), item.service_name.clone()));
                }
            }
        }
    }
    Ok(out)
}

/// An RFC 3339 instant (µs), or 400 naming `key`.
pub fn instant(v: Option<&str>, key: &str) -> Result<Option<i64>> {
    v.map(|s| {
        time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
            .map(to_micros)
            .map_err(|_| bad(key, "an RFC 3339 instant such as 2026-11-23T09:00:00+09:00"))
    })
    .transpose()
}

fn refused(e: IncidentTimes) -> Error {
    bad(e.field(), e.message())
}

/// Tells the agencies using the service of an unannounced outage of 10 minutes or more, once.
async fn notify_if_due(ctx: &Context, tx: &mut WriteTx, i: &Incident, service_name: &str) -> Result<bool> {
    let now = tx.now();
    if i.announced || i.notified_at.is_some() || minutes(i, now) < NOTIFY_MINUTES {
        return Ok(false);
    }
    if !tx.mark_incident_notified(&i.id).await? {
        return Ok(false);
    }
    let today = format_date(ctx.clock().today());
    let started = gureum_domain::clock::seoul_minute(i.started_at);
    let (ko, en) = match i.ended_at {
        Some(_) => (
            format!("{service_name} 서비스에 {started}부터 {}분간 사전 공지 없는 장애가 있었습니다.", minutes(i, now)),
            format!("{service_name} had an unannounced outage of {} minutes from {started} (KST).", minutes(i, now)),
        ),
        None => (
            format!("{service_name} 서비스에 {started}부터 사전 공지 없는 장애가 계속되고 있습니다."),
            format!("{service_name} has had an unannounced outage since {started} (KST)."),
        ),
    };
    let link = format!("/incidents/{}", i.id);
    for agency in ctx.db().agencies_holding(&i.service_id, Holding::InForce(&today)).await? {
        for u in ctx.db().users_of(&agency).await? {
            if u.status == UserStatus::Active {
                crate::notify::tell_user(ctx, tx, &u.id, "incident_outage", &ko, &en, &link).await?;
            }
        }
    }
    Ok(true)
}

/// Records an incident (`{"service_id", "started_at", "ended_at"?, "announced", "description"}`).
pub async fn create(ctx: &Context, p: &Principal, body: &Value, rid: Option<String>) -> Result<IncidentView> {
    // only suppliers and agency members ever record one
    if !(p.has_role(Role::Supplier) || is_agency_member(p)) {
        return Err(Error::forbidden());
    }
    let f = Fields::of(body)?;
    let sid = f.string("service_id")?.ok_or_else(|| bad("service_id", "required"))?;
    let rec = crate::buying::service(ctx, sid).await?;
    if !may_report(ctx, p, &rec.id, &rec.supplier.id).await? {
        return Err(if is_agency_member(p) {
            Error::new(
                Code::NoContract,
                "only the supplier or an agency holding a contract or order for this service records its incidents",
            )
        } else {
            Error::forbidden()
        });
    }
    let now = ctx.clock().now_micros();
    let started = instant(f.string("started_at")?, "started_at")?.ok_or_else(|| bad("started_at", "required"))?;
    let ended = instant(f.string("ended_at")?, "ended_at")?;
    let announced = match f.0.get("announced") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(bad("announced", "true or false")),
    };
    let by_supplier = is_supplier_of(p, &rec.supplier.id);
    check_incident(by_supplier, announced, started, ended, now).map_err(refused)?;
    let description = f.string("description")?.unwrap_or("").trim().to_owned();
    if description.is_empty() {
        return Err(bad("description", "required"));
    }
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(bad("description", "at most 2,000 characters"));
    }
    let mut tx = ctx.db().begin_write().await?;
    let mut i = Incident {
        id: crate::ids::new_id(),
        service_id: rec.id.clone(),
        supplier_id: rec.supplier.id.clone(),
        reported_by: p.actor(),
        reporter_org_id: p.org().id.clone(),
        started_at: started,
        ended_at: ended,
        announced,
        description,
        notified_at: None,
        confirmation: Confirmation::recorded_by(by_supplier).as_str().to_owned(),
        answered_by: None,
        answered_at: None,
        contest_reason: None,
        created_at: tx.now(),
        updated_at: tx.now(),
    };
    tx.insert_incident(&i).await?;
    audit(
        &mut tx,
        p,
        rid.clone(),
        "incident.create",
        ("incident", &i.id),
        None,
        json!({"service_id": i.service_id, "started_at": rfc3339_utc(i.started_at), "ended_at": i.ended_at.map(rfc3339_utc), "announced": i.announced, "description": i.description, "confirmation": i.confirmation}),
    )
    .await?;
    if notify_if_due(ctx, &mut tx, &i, &rec.listing.name).await? {
        let at = tx.now();
        i.notified_at = Some(at);
        audit(
            &mut tx,
            p,
            rid,
            "incident.notify",
            ("incident", &i.id),
            None,
            json!({"service_id": i.service_id, "minutes": minutes(&i, at)}),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(view_named(&i, rec.listing.name, now))
}

/// Resolves an open incident (`{"ended_at"}`): its service's supplier or its reporter.
pub async fn resolve(ctx: &Context, p: &Principal, id: &str, body: &Value, rid: Option<String>) -> Result<IncidentView> {
    let id = crate::buying::uuid(id, "incident")?;
    let i = ctx.db().incident(&id).await?.ok_or_else(|| Error::not_found("incident"))?;
    if !may_read(ctx, p, &i).await? {
        return Err(Error::not_found("incident"));
    }
    if !(is_supplier_of(p, &i.supplier_id) || i.reported_by == p.actor() && i.confirmation != "confirmed") {
        return Err(Error::forbidden());
    }
    let f = Fields::of(body)?;
    let now = ctx.clock().now_micros();
    let ended = instant(f.string("ended_at")?, "ended_at")?.ok_or_else(|| bad("ended_at", "required"))?;
    check_ended(i.started_at, Some(ended), now).map_err(refused)?;
    let mut tx = ctx.db().begin_write().await?;
    if !tx.resolve_incident(&id, ended).await? {
        return Err(Error::invalid_status("the incident is already resolved"));
    }
    let mut i = tx.incident(&id).await?.ok_or_else(|| Error::internal("the incident went away"))?;
    audit(
        &mut tx,
        p,
        rid.clone(),
        "incident.resolve",
        ("incident", &id),
        Some(json!({"ended_at": null})),
        json!({"ended_at": rfc3339_utc(ended)}),
    )
    .await?;
    let name = ctx.db().service(ServiceKey::Id(&i.service_id)).await?.map(|r| r.listing.name).unwrap_or_default();
    if notify_if_due(ctx, &mut tx, &i, &name).await? {
        let at = tx.now();
        i.notified_at = Some(at);
        audit(
            &mut tx,
            p,
            rid,
            "incident.notify",
            ("incident", &i.id),
            None,
            json!({"service_id": i.service_id, "minutes": minutes(&i, at)}),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(view_named(&i, name, now))
}

/// The supplier's answer to an agency's report: `confirm` (it then counts against the SLA of
/// every agency using the service) or contest with `{"reason"}` (it then counts for none). The
/// reporting agency is told.
pub async fn answer(ctx: &Context, p: &Principal, id: &str, confirm: bool, body: &Value, rid: Option<String>) -> Result<IncidentView> {
    let id = crate::buying::uuid(id, "incident")?;
    let i = ctx.db().incident(&id).await?.ok_or_else(|| Error::not_found("incident"))?;
    if !may_read(ctx, p, &i).await? {
        return Err(Error::not_found("incident"));
    }
    if !is_supplier_of(p, &i.supplier_id) {
        return Err(Error::forbidden());
    }
    let reason = if confirm { None } else { Some(crate::buying::reason(Fields::of(body)?.string("reason")?)?) };
    let next = Confirmation::parse(&i.confirmation)
        .and_then(|c| c.answer(confirm))
        .ok_or_else(|| Error::invalid_status(format!("the incident is {}, not a report awaiting the supplier", i.confirmation)))?;
    let mut tx = ctx.db().begin_write().await?;
    if !tx.answer_incident(&id, next.as_str(), &p.actor(), reason.as_deref()).await? {
        return Err(Error::invalid_status("the incident is no longer awaiting the supplier"));
    }
    let action = if confirm { "incident.confirm" } else { "incident.contest" };
    audit(
        &mut tx,
        p,
        rid,
        action,
        ("incident", &id),
        Some(json!({"confirmation": i.confirmation})),
        json!({"confirmation": next.as_str(), "reason": reason}),
    )
    .await?;
    let name = ctx.db().service(ServiceKey::Id(&i.service_id)).await?.map(|r| r.listing.name).unwrap_or_default();
    let n = match &reason {
        None => crate::buying::Note {
            kind: "incident_confirmed",
            ko: format!("{name} 장애 신고를 공급자가 확인했습니다. SLA 산정에 반영됩니다."),
            en: format!("The supplier confirmed the outage you reported on {name}; it counts against the SLA."),
            link: format!("/incidents/{id}"),
        },
        Some(r) => crate::buying::Note {
            kind: "incident_contested",
            ko: format!("{name} 장애 신고에 공급자가 이의를 제기했습니다: {r}"),
            en: format!("The supplier contested the outage you reported on {name}: {r}"),
            link: format!("/incidents/{id}"),
        },
    };
    crate::buying::tell_agency(ctx, &mut tx, &i.reporter_org_id, AGENCY_READERS, &n).await?;
    let after = tx.incident(&id).await?.ok_or_else(|| Error::internal("the incident went away"))?;
    tx.commit().await?;
    Ok(view_named(&after, name, ctx.clock().now_micros()))
}

/// Whether the caller may confirm or contest the incident (its supplier, while a report is pending).
pub fn may_answer(p: &Principal, i: &IncidentView) -> bool {
    i.confirmation == "pending" && is_supplier_of(p, &i.supplier_id)
}

/// One incident for whoever may read it; else 404.
pub async fn get(ctx: &Context, p: &Principal, id: &str) -> Result<IncidentView> {
    let id = crate::buying::uuid(id, "incident")?;
    let i = ctx.db().incident(&id).await?.ok_or_else(|| Error::not_found("incident"))?;
    if !may_read(ctx, p, &i).await? {
        return Err(Error::not_found("incident"));
    }
    view(ctx, &i).await
}

/// Whether the caller may resolve the incident: its supplier, or its reporter while the report
/// awaits the supplier (once confirmed, its end counts for every agency: the supplier's word).
pub fn may_resolve(p: &Principal, i: &IncidentView) -> bool {
    i.open && (is_supplier_of(p, &i.supplier_id) || i.reported_by == p.actor() && i.confirmation != "confirmed")
}

/// The caller's incidents (`service_id`, `open=true`), newest first: a supplier's services', an
/// agency's (services it holds or held contracts for, and those it reported), every one for the
/// operator and the auditor.
pub async fn list(ctx: &Context, p: &Principal, service_id: Option<&str>, open: Option<&str>) -> Result<Vec<IncidentView>> {
    let scope = if OVERSIGHT.iter().any(|r| p.has_role(*r)) {
        IncidentScope::All
    } else if p.has_role(Role::Supplier) {
        IncidentScope::Supplier(p.org().supplier_id.clone().ok_or_else(Error::forbidden)?)
    } else if is_agency_member(p) {
        IncidentScope::Agency(p.org().id.clone())
    } else {
        return Err(Error::forbidden());
    };
    let service_id = service_id.map(|s| crate::buying::uuid(s, "service")).transpose()?;
    let open_only = match open {
        None | Some("") | Some("false") | Some("0") => false,
        Some("true") | Some("1") | Some("on") => true,
        Some(_) => return Err(bad("open", "true or false")),
    };
    let rows = ctx.db().incidents(&IncidentFilter { scope, service_id, open_only, limit: LIST_LIMIT }).await?;
    let now = ctx.clock().now_micros();
    let mut names: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for i in &rows {
        if !names.contains_key(&i.service_id) {
            let n = ctx.db().service(ServiceKey::Id(&i.service_id)).await?.map(|r| r.listing.name).unwrap_or_default();
            names.insert(i.service_id.clone(), n);
        }
        out.push(view_named(i, names.get(&i.service_id).cloned().unwrap_or_default(), now));
    }
    Ok(out)
}

/// One service's availability in one month against its SLA.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AvailabilityView {
    pub service_id: String,
    /// `2026-11`.
    pub month: String,
    pub outage_minutes: i64,
    /// 1 − outage minutes / minutes in the month, in percent to three decimals (rounded down).
    pub availability_pct: f64,
    /// The SLA's availability; null when the service states none.
    pub sla_pct: Option<f64>,
    /// The SLA's credit percentage; null when it states none.
    pub credit_pct: Option<f64>,
    /// Whether the month fell below the SLA (exactly, not on the rounded figure).
    pub below_sla: bool,
}

/// `YYYY-MM`, or 400 naming `month`.
pub fn parse_month(s: &str) -> Result<Month> {
    let wrong = || bad("month", "a month such as 2026-11");
    let (y, m) = s.trim().split_once('-').ok_or_else(wrong)?;
    if y.len() != 4 || m.len() != 2 {
        return Err(wrong());
    }
    let (y, m): (i32, u8) = (y.parse().map_err(|_| wrong())?, m.parse().map_err(|_| wrong())?);
    if !(2000..=2100).contains(&y) || !(1..=12).contains(&m) {
        return Err(wrong());
    }
    Ok(Month::new(y, m))
}

/// A contract's monthly availability per service (`month`, else the months of the contract so
/// far, at most the last 12) for its parties, the operator and the auditor; else 404.
pub async fn availability(ctx: &Context, p: &Principal, contract_id: &str, month: Option<&str>) -> Result<Vec<AvailabilityView>> {
    let c = crate::buying::contracts::readable(ctx, p, contract_id).await?;
    let now = ctx.clock().now_micros();
    let months: Vec<Month> = match month.filter(|m| !m.is_empty()) {
        Some(m) => vec![parse_month(m)?],
        None => {
            let start = crate::body::parse_date(&c.starts_on).map(Month::of_date);
            let end = crate::body::parse_date(&c.ends_on).map(Month::of_date);
            let (Some(start), Some(end)) = (start, end) else { return Err(Error::internal("a contract without dates")) };
            let last = Month::of_instant(now).min(end);
            let mut all = Vec::new();
            let mut m = start;
            while m <= last {
                all.push(m);
                m = m.next();
            }
            let skip = all.len().saturating_sub(12);
            all.split_off(skip)
        }
    };
    let mut services: Vec<String> = Vec::new();
    for item in &c.items {
        if !services.contains(&item.service_id) {
            services.push(item.service_id.clone());
        }
    }
    let mut out = Vec::new();
    for sid in &services {
        let sla = ctx.db().service(ServiceKey::Id(sid)).await?.and_then(|r| r.listing.sla);
        let sla_pct = sla.as_ref().and_then(|s| s.availability_pct);
        let credit_pct = sla.as_ref().and_then(|s| s.credit_pct);
        for m in &months {
            let outages = ctx.db().unannounced_outages(sid, &c.agency_id, m.start_micros(), m.next().start_micros()).await?;
            let minutes = outage_minutes(&outages, *m, now);
            out.push(AvailabilityView {
                service_id: sid.clone(),
                month: m.key(),
                outage_minutes: minutes,
                availability_pct: availability_milli(minutes, *m) as f64 / 1000.0,
                sla_pct,
                credit_pct,
                below_sla: sla_pct.is_some_and(|pct| below_sla(minutes, *m, pct)),
            });
        }
    }
    Ok(out)
}

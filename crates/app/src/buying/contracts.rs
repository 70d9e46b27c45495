//! Negotiated contracts (수의계약, docs/RULES.md#buying): the buyer drafts one from a quote (type,
//! fee model, billing, budget line, cap, period, instalments or joint shares, the decision record
//! it rests on); the certification gate and the budget are checked in the same transaction that
//! writes it; both sides read the exact Korean text and accept it by its hash (the supplier's
//! admin, the agency's signatory); once both have, it is signed with its time to contract, and
//! active from its start date. Delivery-request orders ([`super::catalog`]) answer the same shape.

use super::{AGENCY_READERS, BUYER, Note, audit, plan_of, tell_agency, tell_supplier, uuid};
use crate::actor::{Principal, Rule};
use crate::body::{Fields, format_date, objects, parse_date, required};
use crate::context::Context;
use crate::error::{Code, Error, Result};
use gureum_domain::account::Role;
use gureum_domain::buying::text::{TextFacts, TextItem, render, text_hash};
use gureum_domain::buying::{
    self as rules, Acceptances, Actor, ContractStatus, ContractType, Installment, OrderStatus, QuoteAction, QuoteStatus, Refusal,
};
use gureum_domain::cert::CsapGrade;
use gureum_domain::clock::rfc3339_utc;
use gureum_storage::{Contract, ContractFilter, ContractItem, ContractShare, ServiceKey, ServiceRecord, WriteTx};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashMap;

pub const FEE_MODELS: [&str; 2] = ["fixed", "metered"];
pub const BILLINGS: [&str; 2] = ["monthly", "quarterly"];
/// Methods: a negotiated contract, a delivery request against a catalog contract, a call-off
/// order under a unit-price contract.
pub const NEGOTIATED: &str = "negotiated";
pub const CATALOG: &str = "catalog";
pub const CALL_OFF: &str = "call_off";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartyRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemView {
    pub service_id: String,
    pub code: String,
    pub name: String,
    pub plan: String,
    /// The plan's unit.
    pub meter: String,
    pub unit_price_krw: i64,
    pub quantity: i64,
    pub months: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimeToContractView {
    /// `shortlist`, `quote_request` or `delivery_request`.
    pub from: String,
    pub started_at: String,
    pub calendar_days: i64,
    pub business_days: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShareView {
    pub supplier_id: String,
    pub name: String,
    pub pct: i64,
    pub amount_krw: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstallmentView {
    pub fiscal_year: i64,
    pub amount_krw: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AcceptanceView {
    pub supplier: Option<String>,
    pub agency: Option<String>,
}

/// A contract or an order as its parties see it (SPEC §4 "Buying").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContractView {
    pub id: String,
    pub method: String,
    pub status: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub fee_model: String,
    pub billing: String,
    pub supplier: PartyRef,
    pub agency: PartyRef,
    pub items: Vec<ItemView>,
    pub starts_on: String,
    pub ends_on: String,
    pub cap_krw: Option<i64>,
    pub total_krw: i64,
    pub vat_krw: i64,
    pub budget_line_id: Option<String>,
    pub required_grade: Option<String>,
    pub project_id: Option<String>,
    pub quote_id: Option<String>,
    pub catalog_contract_id: Option<String>,
    pub call_off_of: Option<String>,
    pub installments: Vec<InstallmentView>,
    pub shares: Vec<ShareView>,
    pub text_hash: String,
    pub accepted: AcceptanceView,
    pub decision_record_id: Option<String>,
    pub signed_at: Option<String>,
    pub time_to_contract: Option<TimeToContractView>,
    pub ordered_krw: i64,
    pub invoiced_krw: i64,
    pub end_reason: Option<String>,
    pub created_at: String,
}

/// A contract's status today: a signed one is active from its start and ended after its end
/// (worked out when asked). An order's is as stored.
pub fn status_today(c: &Contract, today: time::Date) -> String {
    if c.method != NEGOTIATED {
        return c.status.clone();
    }
    match (ContractStatus::parse(&c.status), parse_date(&c.starts_on), parse_date(&c.ends_on)) {
        (Some(s), Some(from), Some(to)) => s.on(from, to, today).as_str().to_owned(),
        _ => c.status.clone(),
    }
}

pub fn contract_status(c: &Contract, today: time::Date) -> Result<ContractStatus> {
    ContractStatus::parse(&status_today(c, today)).ok_or_else(|| Error::invalid_status(format!("{} is not a contract", c.id)))
}

async fn name_of_org(ctx: &Context, id: &str) -> Result<String> {
    Ok(ctx.db().organisation(id).await?.map(|o| o.name).unwrap_or_default())
}

async fn name_of_supplier(ctx: &Context, id: &str) -> Result<String> {
    Ok(ctx.db().supplier(id).await?.map(|s| s.name).unwrap_or_default())
}

/// Names of suppliers and organisations, each looked up once while a list is built.
#[derive(Default)]
struct Names {
    suppliers: HashMap<String, String>,
    orgs: HashMap<String, String>,
}

impl Names {
    async fn supplier(&mut self, ctx: &Context, id: &str) -> Result<String> {
        if let Some(n) = self.suppliers.get(id) {
            return Ok(n.clone());
        }
        let n = name_of_supplier(ctx, id).await?;
        self.suppliers.insert(id.to_owned(), n.clone());
        Ok(n)
    }

    async fn org(&mut self, ctx: &Context, id: &str) -> Result<String> {
        if let Some(n) = self.orgs.get(id) {
            return Ok(n.clone());
        }
        let n = name_of_org(ctx, id).await?;
        self.orgs.insert(id.to_owned(), n.clone());
        Ok(n)
    }
}

pub async fn view(ctx: &Context, c: &Contract) -> Result<ContractView> {
    view_named(ctx, c, &mut Names::default()).await
}

async fn view_named(ctx: &Context, c: &Contract, names: &mut Names) -> Result<ContractView> {
    let mut shares = Vec::new();
    for s in &c.shares {
        shares.push(ShareView {
            supplier_id: s.supplier_id.clone(),
            name: names.supplier(ctx, &s.supplier_id).await?,
            pct: s.pct,
            amount_krw: s.amount_krw,
        });
    }
    let ttc = match (c.ttc_calendar_days, c.ttc_business_days) {
        (Some(cal), Some(biz)) => Some(TimeToContractView {
            from: c.ttc_from.clone(),
            started_at: rfc3339_utc(c.ttc_start),
            calendar_days: cal,
            business_days: biz,
        }),
        _ => None,
    };
    Ok(ContractView {
        id: c.id.clone(),
        method: c.method.clone(),
        status: status_today(c, ctx.clock().today()),
        kind: c.kind.clone(),
        fee_model: c.fee_model.clone(),
        billing: c.billing.clone(),
        supplier: PartyRef { id: c.supplier_id.clone(), name: names.supplier(ctx, &c.supplier_id).await? },
        agency: PartyRef { id: c.agency_id.clone(), name: names.org(ctx, &c.agency_id).await? },
        items: c
            .items
            .iter()
            .map(|i| ItemView {
                service_id: i.service_id.clone(),
                code: i.service_code.clone(),
                name: i.service_name.clone(),
                plan: i.plan.clone(),
                meter: i.meter.clone(),
                unit_price_krw: i.unit_price_krw,
                quantity: i.quantity,
                months: i.months,
            })
            .collect(),
        starts_on: c.starts_on.clone(),
        ends_on: c.ends_on.clone(),
        cap_krw: c.cap_krw,
        total_krw: c.total_krw,
        vat_krw: gureum_domain::money::vat(c.total_krw),
        budget_line_id: c.budget_line_id.clone(),
        required_grade: c.required_grade.clone(),
        project_id: c.project_id.clone(),
        quote_id: c.quote_id.clone(),
        catalog_contract_id: c.catalog_contract_id.clone(),
        call_off_of: c.call_off_of.clone(),
        installments: c.installments.iter().map(|(y, a)| InstallmentView { fiscal_year: *y, amount_krw: *a }).collect(),
        shares,
        text_hash: c.text_hash.clone(),
        accepted: AcceptanceView { supplier: c.supplier_accepted_at.map(rfc3339_utc), agency: c.agency_accepted_at.map(rfc3339_utc) },
        decision_record_id: c.decision_record_id.clone(),
        signed_at: c.signed_at.map(rfc3339_utc),
        time_to_contract: ttc,
        ordered_krw: c.ordered_krw,
        invoiced_krw: c.invoiced_krw,
        end_reason: c.end_reason.clone(),
        created_at: rfc3339_utc(c.created_at),
    })
}

/// The suppliers party to a contract: the lead and every joint member.
pub fn suppliers_of(c: &Contract) -> Vec<&str> {
    let mut v = vec![c.supplier_id.as_str()];
    v.extend(c.shares.iter().map(|s| s.supplier_id.as_str()).filter(|s| *s != c.supplier_id));
    v
}

/// A contract or order the caller may read (a party, the operator or the auditor); else 404.
pub async fn readable(ctx: &Context, p: &Principal, id: &str) -> Result<Contract> {
    let id = uuid(id, "contract")?;
    let c = ctx.db().contract(&id).await?.ok_or_else(|| Error::not_found("contract"))?;
    if !super::may_read(p, &c.agency_id, &suppliers_of(&c)) {
        return Err(Error::not_found("contract"));
    }
    Ok(c)
}

/// The caller's contracts (or orders, `method` = `catalog`/`call_off`): an agency's, a
/// supplier's (lead or joint member), or every one for the operator and the auditor.
pub async fn list(ctx: &Context, p: &Principal, methods: &[&str]) -> Result<Vec<ContractView>> {
    let mut filter = ContractFilter { method: None, agency_id: None, supplier_id: None };
    if p.has_role(Role::Supplier) {
        filter.supplier_id = Some(p.org().supplier_id.as_deref().ok_or_else(Error::forbidden)?);
    } else if AGENCY_READERS.iter().any(|r| p.has_role(*r)) {
        filter.agency_id = Some(&p.org().id);
    } else {
        p.require(Rule::AnyRole(super::OVERSIGHT))?;
    }
    let mut out = Vec::new();
    let mut names = Names::default();
    for c in ctx.db().contracts(filter).await? {
        if methods.contains(&c.method.as_str()) {
            out.push(view_named(ctx, &c, &mut names).await?);
        }
    }
    Ok(out)
}

pub async fn get(ctx: &Context, p: &Principal, id: &str) -> Result<ContractView> {
    view(ctx, &readable(ctx, p, id).await?).await
}

/// The exact contract text and its hash.
pub async fn text(ctx: &Context, p: &Principal, id: &str) -> Result<(String, String)> {
    let c = readable(ctx, p, id).await?;
    Ok((c.text, c.text_hash))
}

/// The facts the text states, from a contract as it is (or as an amendment would make it).
pub async fn facts(ctx: &Context, c: &Contract) -> Result<TextFacts> {
    let line = match &c.budget_line_id {
        Some(id) => ctx.db().budget_line_by_id(id).await?.map(|l| format!("{}년 {}", l.fiscal_year, l.name)),
        None => None,
    };
    let record = match &c.decision_record_id {
        Some(id) => ctx.db().decision_record(id).await?.map(|r| (r.id, r.hash)),
        None => None,
    };
    let mut shares = Vec::new();
    for s in &c.shares {
        shares.push((name_of_supplier(ctx, &s.supplier_id).await?, s.pct, s.amount_krw));
    }
    let heading = match c.method.as_str() {
        CATALOG => "납품요구서 (조달청 카탈로그 계약)",
        CALL_OFF => "단가계약 주문서",
        _ => "디지털서비스 이용계약서 (수의계약)",
    };
    Ok(TextFacts {
        heading: heading.into(),
        agency: name_of_org(ctx, &c.agency_id).await?,
        supplier: name_of_supplier(ctx, &c.supplier_id).await?,
        kind: ContractType::parse(&c.kind).unwrap_or(ContractType::OneOff),
        fee_model: c.fee_model.clone(),
        billing: c.billing.clone(),
        items: c
            .items
            .iter()
            .map(|i| TextItem {
                service_name: i.service_name.clone(),
                service_code: i.service_code.clone(),
                plan: i.plan.clone(),
                meter: i.meter.clone(),
                unit_price_krw: i.unit_price_krw,
                quantity: i.quantity,
                months: i.months,
            })
            .collect(),
        total_krw: c.total_krw,
        cap_krw: c.cap_krw,
        starts_on: c.starts_on.clone(),
        ends_on: c.ends_on.clone(),
        budget_line: line,
        installments: c.installments.clone(),
        shares,
        decision_record: record,
    })
}

/// Writes the contract's text and hash from its facts.
pub async fn write_text(ctx: &Context, c: &mut Contract) -> Result<()> {
    c.text = render(&facts(ctx, c).await?);
    c.text_hash = text_hash(&c.text);
    Ok(())
}

/// Contract lines as the domain's priced items (for totals and checks).
pub fn as_items(items: &[ContractItem]) -> Vec<gureum_domain::buying::Item> {
    items
        .iter()
        .map(|i| gureum_domain::buying::Item {
            plan: i.plan.clone(),
            unit_price_krw: i.unit_price_krw,
            quantity: i.quantity,
            months: i.months,
        })
        .collect()
}

/// Makes each metered line's meter distinct (`gureum_domain::billing::distinct_meters`): two
/// metered lines with the same plan unit are metered as `{service_code}/{plan}/{unit}`, so a
/// usage record names exactly one line and bills at its price.
pub fn distinct_meters(items: &mut [ContractItem]) {
    distinct_meters_keeping(items, &[]);
}

/// [`distinct_meters`] for an amendment: the lines the contract already had keep their meters.
pub fn distinct_meters_keeping(items: &mut [ContractItem], had: &[ContractItem]) {
    let keys: Vec<(bool, &str, &str, &str)> =
        items.iter().map(|i| (i.model != "fixed", i.service_code.as_str(), i.plan.as_str(), i.meter.as_str())).collect();
    let kept: Vec<(&str, &str, &str)> = had.iter().map(|i| (i.service_code.as_str(), i.plan.as_str(), i.meter.as_str())).collect();
    let meters = gureum_domain::billing::distinct_meters_keeping(&keys, &kept);
    for (i, m) in items.iter_mut().zip(meters) {
        i.meter = m;
    }
}

/// A contract line from a service's plan.
pub fn item_of(rec: &ServiceRecord, plan: &str, unit_price_krw: i64, quantity: i64, months: i64) -> Result<ContractItem> {
    let pl = plan_of(rec, plan).ok_or(Refusal::UnknownPlan)?;
    Ok(ContractItem {
        service_id: rec.id.clone(),
        service_code: rec.code.clone(),
        service_name: rec.listing.name.clone(),
        plan: plan.to_owned(),
        meter: pl.unit.clone(),
        unit_price_krw,
        quantity,
        months,
        model: pl.model.as_str().to_owned(),
        vat_included: pl.vat_included,
    })
}

/// The fiscal year commitments are made in: today's year in Asia/Seoul.
pub fn current_fiscal_year(ctx: &Context) -> i64 {
    i64::from(ctx.clock().today().year())
}

/// Commits `amount` on the agency's budget line of `fiscal_year`: 404 when the line is not the
/// agency's, 400 when it is of another year, 409 `budget_exceeded` (with what is available)
/// when it holds too little. Nothing is written when refused.
pub async fn commit(tx: &mut WriteTx, contract_id: &str, line_id: &str, agency_id: &str, fiscal_year: i64, amount: i64) -> Result<()> {
    let line = tx.budget_line(line_id).await?.filter(|l| l.org_id == agency_id).ok_or_else(|| Error::not_found("budget line"))?;
    if i64::from(line.fiscal_year) != fiscal_year {
        return Err(crate::body::bad("budget_line_id", &format!("a budget line of fiscal year {fiscal_year}")));
    }
    if amount > 0 && !tx.commit_budget(contract_id, line_id, agency_id, fiscal_year, amount).await? {
        let available = gureum_domain::budget::available(line.amount_krw, line.committed_krw);
        return Err(Error::new(Code::BudgetExceeded, format!("{amount} won asked, {available} won available on {}", line.name))
            .with("available_krw", available.into())
            .with("budget_line_id", line.id.into()));
    }
    Ok(())
}

fn one_of(v: Option<&str>, key: &str, allowed: &[&str], default: Option<&str>) -> Result<String> {
    match v.or(default) {
        Some(s) if allowed.contains(&s) => Ok(s.to_owned()),
        Some(_) => Err(crate::body::bad(key, &format!("one of {}", allowed.join(", ")))),
        None => Err(crate::body::bad(key, "required")),
    }
}

/// The grade a contract of this quote request needs: its project's.
async fn required_grade(ctx: &Context, project_id: Option<&str>) -> Result<Option<CsapGrade>> {
    Ok(match project_id {
        Some(id) => ctx.db().project(id).await?.and_then(|p| p.required_grade).and_then(|g| CsapGrade::parse(&g)),
        None => None,
    })
}

/// Drafts a contract from a quote (SPEC §4 "Buying": `POST /api/v1/contracts`).
pub async fn create(ctx: &Context, p: &Principal, body: &Value, rid: Option<String>) -> Result<ContractView> {
    p.require(Rule::AnyRole(BUYER))?;
    let f = Fields::of(body)?;
    let quote_id = uuid(required(f.string("quote_id")?, "quote_id")?, "quote")?;
    let kind = ContractType::parse(required(f.string("type")?, "type")?)
        .ok_or_else(|| crate::body::bad("type", "one_off, long_term, unit_price or joint"))?;
    let fee_model = one_of(f.string("fee_model")?, "fee_model", &FEE_MODELS, None)?;
    let billing = one_of(f.string("billing")?, "billing", &BILLINGS, None)?;
    let line_id = uuid(required(f.string("budget_line_id")?, "budget_line_id")?, "budget line")?;
    let cap = f.int("cap_krw")?;
    if cap.is_some_and(|c| !(0..=gureum_domain::budget::MAX_AMOUNT_KRW).contains(&c)) {
        return Err(crate::body::bad("cap_krw", "whole won from 0"));
    }
    let record_id = f.string("decision_record_id")?.map(|id| uuid(id, "decision record")).transpose()?;

    let mut tx = ctx.db().begin_write().await?;
    let r = tx.quote_request_of_quote(&quote_id).await?.filter(|r| r.org_id == p.org().id).ok_or_else(|| Error::not_found("quote"))?;
    let q = r.quote.clone().ok_or_else(|| Error::not_found("quote"))?;
    let today = ctx.clock().today();
    rules::decide_quote(super::quotes::status_today(&r, today), QuoteAction::Use, super::agency_actor(p, &r.org_id, &[Actor::Buyer]))?;
    let starts_on = f.date("starts_on")?.or_else(|| parse_date(&r.starts_on)).ok_or_else(|| crate::body::bad("starts_on", "required"))?;
    let ends_on = f.date("ends_on")?.or_else(|| parse_date(&r.ends_on)).ok_or_else(|| crate::body::bad("ends_on", "required"))?;
    rules::check_period(starts_on, ends_on)?;

    // the decision record, if cited: the agency's own, choosing this service
    let mut project_id = r.project_id.clone();
    let mut ttc = (String::from("quote_request"), r.created_at);
    if let Some(first) = match &r.project_id {
        Some(pid) => ctx.db().first_quote_request_at(pid).await?,
        None => None,
    } {
        ttc.1 = first;
    }
    if let Some(id) = &record_id {
        let rec = tx.decision_record(id).await?.filter(|d| d.org_id == p.org().id).ok_or_else(|| Error::not_found("decision record"))?;
        let body: Value = serde_json::from_str(&rec.body).map_err(Error::internal)?;
        let chosen = body["chosen"].as_array().is_some_and(|a| a.iter().any(|v| v.as_str() == Some(&r.service_id)));
        if !chosen {
            return Err(crate::body::bad("decision_record_id", "a decision record that chose this quote's service"));
        }
        let project = ctx.db().project(&rec.project_id).await?.ok_or_else(|| Error::internal("a record without its project"))?;
        if let Some(at) = project.shortlisted_at {
            ttc = ("shortlist".into(), at);
        }
        project_id = Some(project.id);
    }

    // the certification gate, for the project's grade
    let grade = required_grade(ctx, project_id.as_deref()).await?;
    let rec = ctx.db().service(ServiceKey::Id(&r.service_id)).await?.ok_or_else(|| Error::not_found("service"))?;
    super::require_orderable(ctx, &rec, grade).await?;

    let mut items: Vec<ContractItem> =
        super::quotes::priced(&q)?.iter().map(|i| item_of(&rec, &i.plan, i.unit_price_krw, i.quantity, i.months)).collect::<Result<_>>()?;
    distinct_meters(&mut items);
    let total = q.total_krw;
    let id = crate::ids::new_id();
    let fy = current_fiscal_year(ctx);

    // the type's terms
    let mut installments = Vec::new();
    let mut shares = Vec::new();
    let mut extra_commits: Vec<(String, i64, i64)> = Vec::new();
    match kind {
        ContractType::LongTerm => {
            let list = required(f.array("installments")?, "installments")?;
            let mut parsed = Vec::new();
            for (n, o) in objects(list, "installments")?.iter().enumerate() {
                let at = format!("installments[{n}]");
                let year = o.int("fiscal_year").ok().flatten().ok_or_else(|| crate::body::bad(&format!("{at}.fiscal_year"), "a year"))?;
                let amount =
                    o.int("amount_krw").ok().flatten().ok_or_else(|| crate::body::bad(&format!("{at}.amount_krw"), "whole won"))?;
                parsed
                    .push(Installment { fiscal_year: i32::try_from(year).map_err(|_| Refusal::InvalidInstallments)?, amount_krw: amount });
                if let Some(l) = o.string("budget_line_id").ok().flatten() {
                    extra_commits.push((uuid(l, "budget line")?, year, amount));
                }
            }
            rules::check_installments(total, starts_on, ends_on, &parsed)?;
            installments = parsed.iter().map(|i| (i64::from(i.fiscal_year), i.amount_krw)).collect();
        }
        ContractType::Joint => {
            let list = required(f.array("shares")?, "shares")?;
            let mut parsed: Vec<(String, u32)> = Vec::new();
            for (n, o) in objects(list, "shares")?.iter().enumerate() {
                let at = format!("shares[{n}]");
                let sid =
                    o.string("supplier_id").ok().flatten().ok_or_else(|| crate::body::bad(&format!("{at}.supplier_id"), "required"))?;
                let pct = o.int("pct").ok().flatten().ok_or_else(|| crate::body::bad(&format!("{at}.pct"), "a whole percent"))?;
                parsed.push((uuid(sid, "supplier")?, u32::try_from(pct).unwrap_or(0)));
            }
            rules::check_shares(&parsed)?;
            if !parsed.iter().any(|(s, _)| *s == r.supplier_id) {
                return Err(crate::body::bad("shares", "the quoting supplier must hold a share"));
            }
            for (s, _) in &parsed {
                if ctx.db().supplier(s).await?.is_none() {
                    return Err(Error::not_found("supplier"));
                }
                if ctx.db().debarment_in_force(s, today).await?.is_some() {
                    return Err(Error::new(Code::NotOrderable, "a member of the joint contract is debarred")
                        .with("reason", "supplier_debarred".into()));
                }
            }
            let parts = rules::split_by_shares(total, &parsed.iter().map(|(_, p)| *p).collect::<Vec<_>>());
            shares = parsed
                .iter()
                .zip(parts)
                .map(|((s, pct), amount)| ContractShare { supplier_id: s.clone(), pct: i64::from(*pct), amount_krw: amount })
                .collect();
        }
        ContractType::UnitPrice => {
            if cap.is_none() {
                return Err(crate::body::bad("cap_krw", "required for a unit-price contract (the most its orders may reach)"));
            }
        }
        ContractType::OneOff => {}
    }

    let mut c = Contract {
        id: id.clone(),
        method: NEGOTIATED.into(),
        agency_id: p.org().id.clone(),
        supplier_id: r.supplier_id.clone(),
        status: ContractStatus::Draft.as_str().into(),
        kind: kind.as_str().into(),
        fee_model,
        billing,
        budget_line_id: Some(line_id.clone()),
        cap_krw: cap,
        total_krw: total,
        starts_on: format_date(starts_on),
        ends_on: format_date(ends_on),
        required_grade: grade.map(|g| g.as_str().to_owned()),
        project_id,
        quote_id: Some(q.id.clone()),
        decision_record_id: record_id,
        ttc_from: ttc.0,
        ttc_start: ttc.1,
        created_by: p.actor(),
        created_at: tx.now(),
        updated_at: tx.now(),
        items,
        installments: installments.clone(),
        shares,
        ..Contract::default()
    };
    write_text(ctx, &mut c).await?;
    tx.insert_contract(&c).await?;
    // the budget: this year's part on the given line, other years' on the lines their
    // instalments name
    let this_year = if kind == ContractType::LongTerm {
        installments.iter().find(|(y, _)| *y == fy).map(|(_, a)| *a).unwrap_or(0)
    } else {
        cap.unwrap_or(total)
    };
    commit(&mut tx, &id, &line_id, &c.agency_id, fy, this_year).await?;
    for (line, year, amount) in extra_commits.iter().filter(|(_, y, _)| *y != fy) {
        commit(&mut tx, &id, line, &c.agency_id, *year, *amount).await?;
    }
    tx.set_quote_request_status(&r.id, QuoteStatus::Used.as_str()).await?;
    audit(&mut tx, p, rid, "contract.create", ("contract", &id), None, summary(&c)).await?;
    let n = Note {
        kind: "contract_to_accept",
        ko: format!("계약서 동의를 기다립니다: {}", c.items.first().map(|i| i.service_name.as_str()).unwrap_or("")),
        en: format!("A contract text waits for your acceptance: {}", c.items.first().map(|i| i.service_name.as_str()).unwrap_or("")),
        link: format!("/contracts/{id}"),
    };
    tell_agency(ctx, &mut tx, &c.agency_id, &[Role::Signatory], &n).await?;
    tell_supplier(ctx, &mut tx, &c.supplier_id, &n).await?;
    tx.commit().await?;
    view(ctx, &c).await
}

/// What an audit event records of a contract.
pub fn summary(c: &Contract) -> Value {
    json!({
        "method": c.method, "status": c.status, "type": c.kind, "supplier_id": c.supplier_id, "total_krw": c.total_krw,
        "cap_krw": c.cap_krw, "starts_on": c.starts_on, "ends_on": c.ends_on, "text_hash": c.text_hash,
        "budget_line_id": c.budget_line_id, "decision_record_id": c.decision_record_id,
    })
}

/// A party accepts the current text by its hash (`{"text_hash"}`): the supplier's admin and
/// the agency's signatory. When both have, the contract is signed and its time to contract fixed.
pub async fn accept(ctx: &Context, p: &Principal, id: &str, body: &Value, rid: Option<String>) -> Result<ContractView> {
    let id = uuid(id, "contract")?;
    let f = Fields::of(body)?;
    let given = required(f.string("text_hash")?, "text_hash")?.to_owned();
    let mut tx = ctx.db().begin_write().await?;
    let mut c = tx.contract(&id).await?.ok_or_else(|| Error::not_found("contract"))?;
    let actor = super::party(p, &c.agency_id, &[&c.supplier_id], &[Actor::Signatory]);
    if actor == Actor::Outsider && !super::may_read(p, &c.agency_id, &suppliers_of(&c)) {
        return Err(Error::not_found("contract"));
    }
    if c.method != NEGOTIATED {
        return Err(Error::invalid_status("an order is confirmed by its supplier, not accepted"));
    }
    let before = Acceptances { supplier: c.supplier_accepted_hash.clone(), agency: c.agency_accepted_hash.clone() };
    let (after, status) = rules::accept(contract_status(&c, ctx.clock().today())?, actor, &c.text_hash, &given, &before)?;
    let now = tx.now();
    if after.supplier != before.supplier {
        c.supplier_accepted_hash = after.supplier.clone();
        c.supplier_accepted_by = Some(p.actor());
        c.supplier_accepted_at = Some(now);
    }
    if after.agency != before.agency {
        c.agency_accepted_hash = after.agency.clone();
        c.agency_accepted_by = Some(p.actor());
        c.agency_accepted_at = Some(now);
    }
    c.status = status.as_str().into();
    if status == ContractStatus::Signed {
        sign(ctx, &mut c, now).await?;
    }
    tx.update_contract(&c).await?;
    let side = if actor == Actor::SupplierAdmin { "supplier" } else { "agency" };
    audit(&mut tx, p, rid.clone(), "contract.accept", ("contract", &id), None, json!({"side": side, "text_hash": given})).await?;
    if status == ContractStatus::Signed {
        audit(
            &mut tx,
            p,
            rid,
            "contract.sign",
            ("contract", &id),
            Some(json!({"status": "draft"})),
            json!({"status": "signed", "time_to_contract": [c.ttc_calendar_days, c.ttc_business_days]}),
        )
        .await?;
        let n = Note {
            kind: "contract_signed",
            ko: "계약이 체결되었습니다.".into(),
            en: "The contract is signed.".into(),
            link: format!("/contracts/{id}"),
        };
        tell_agency(ctx, &mut tx, &c.agency_id, &[Role::Buyer, Role::Signatory], &n).await?;
        tell_supplier(ctx, &mut tx, &c.supplier_id, &n).await?;
    }
    tx.commit().await?;
    view(ctx, &c).await
}

/// Fixes the signature instant and the time to contract.
pub async fn sign(ctx: &Context, c: &mut Contract, now: i64) -> Result<()> {
    let holidays = crate::review::holidays(ctx).await?;
    let t = rules::time_to_contract(c.ttc_start, now, &holidays);
    c.signed_at = Some(now);
    c.ttc_calendar_days = Some(t.calendar_days);
    c.ttc_business_days = Some(t.business_days);
    Ok(())
}

/// Whether the status is an order's (for the pages' words).
pub fn is_order_status(s: &str) -> bool {
    OrderStatus::parse(s).is_some()
}

#[cfg(test)]
mod meter_tests {
    use super::*;

    fn item(code: &str, plan: &str, unit: &str, model: &str) -> ContractItem {
        ContractItem {
            service_id: code.into(),
            service_code: code.into(),
            service_name: code.into(),
            plan: plan.into(),
            meter: unit.into(),
            unit_price_krw: 1,
            quantity: 1,
            months: 1,
            model: model.into(),
            vat_included: false,
        }
    }

    #[test]
    fn two_metered_lines_with_one_unit_get_meters_of_their_own() {
        let mut items =
            vec![item("S-1", "Basic", "GB", "metered"), item("S-1", "Premium", "GB", "metered"), item("S-1", "Support", "GB", "fixed")];
        distinct_meters(&mut items);
        let meters: Vec<&str> = items.iter().map(|i| i.meter.as_str()).collect();
        assert_eq!(meters, ["S-1/Basic/GB", "S-1/Premium/GB", "GB"]);
        let mut plain = vec![item("S-1", "Basic", "GB", "metered"), item("S-1", "CPU", "vCPU-hour", "metered")];
        distinct_meters(&mut plain);
        assert_eq!(plain.iter().map(|i| i.meter.as_str()).collect::<Vec<_>>(), ["GB", "vCPU-hour"]);
    }
}

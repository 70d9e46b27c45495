//! Invoices (SPEC §3 "Usage and billing"; SPEC §4 invoices): a billing run drafts the invoice of
//! every contract and order billed by an ended period — one per supplier, a joint contract's
//! members each their share — and recomputes drafts for late usage until they are issued; the
//! supplier issues (in period order, once the period has ended), the agency's buyer or budget
//! officer accepts or disputes with a reason, the supplier re-issues a disputed one, and the
//! budget officer records the payment, which moves the budget line's spent amount. The
//! arithmetic is `gureum_domain::billing`'s.
//!
//! Every ended period of a contract gets its invoice, from the contract's first period on (a
//! contract signed after some of its months ended is billed for them too), one per member.
//!
//! Late usage: a record counts on the draft of its own period; once that period's invoice is
//! issued, it goes on the earliest draft after it. What each issued invoice billed is kept per
//! meter and month (`invoice_usage`, written in the issuing transaction), and a draft bills a
//! month's whole usage less what the same supplier's issued invoices billed of it — so each
//! member of a joint contract bills its share of a late record exactly once, whatever order the
//! members issue in. Likewise an SLA credit found after its month was invoiced (an incident
//! recorded late, a report confirmed late) goes on the next draft, less what was credited.
//!
//! The billing job looks at every contract each pass but recomputes one only when a period has
//! no invoice yet or something changed after its drafts were computed (usage received, an
//! incident of its services, the contract).

use crate::actor::{Principal, Rule};
use crate::body::{Fields, format_date, parse_date};
use crate::buying::contracts::suppliers_of;
use crate::buying::{AGENCY_READERS, Note, OVERSIGHT, audit, may_read, tell_agency, tell_supplier, uuid};
use crate::context::Context;
use crate::error::{Code, Error, Result};
use gureum_domain::account::Role;
use gureum_domain::billing::{self, Amounts, ContractLine, Input, SlaMonth};
use gureum_domain::usage::{Billing, Month, Period, Quantity, outage_minutes, seoul_date};
use gureum_storage::{Contract, DraftWrite, Invoice, InvoiceFilter, MeterMonth, ServiceKey, WriteTx};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use time::Date;

pub const STATUSES: [&str; 5] = ["draft", "issued", "accepted", "disputed", "paid"];
/// Who accepts and disputes an invoice.
pub const AGENCY_ANSWER: &[Role] = &[Role::Buyer, Role::BudgetOfficer];
/// Who records a payment.
pub const PAYER: &[Role] = &[Role::BudgetOfficer];

/// What one billing run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BillOutcome {
    /// Invoices drafted for the first time.
    pub drafted: usize,
    /// Drafts whose amounts changed (late usage).
    pub recomputed: usize,
    /// Drafts (and issued invoices) left as they were.
    pub unchanged: usize,
    /// Contracts whose billing failed (logged with the cause; the others are billed all the same).
    pub failed: usize,
}

impl BillOutcome {
    fn add(&mut self, w: DraftWrite) {
        match w {
            DraftWrite::Inserted => self.drafted += 1,
            DraftWrite::Updated => self.recomputed += 1,
            DraftWrite::Unchanged | DraftWrite::NotDraft => self.unchanged += 1,
        }
    }
}

/// A metered line as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct LineView {
    pub description: String,
    pub meter: String,
    /// The exact decimal sum of the usage.
    pub quantity: String,
    pub unit_price_krw: i64,
    pub amount_krw: i64,
}

/// An invoice (SPEC §4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvoiceView {
    pub id: String,
    pub contract_id: String,
    pub supplier_id: String,
    /// `"2026-11"` or `"2026-Q4"`.
    pub period: String,
    pub lines: Vec<LineView>,
    pub fixed_krw: i64,
    pub credit_krw: i64,
    pub net_krw: i64,
    pub vat_krw: i64,
    pub total_krw: i64,
    pub status: String,
}

/// A fixed fee of one month, as stored in an invoice's details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct FixedView {
    pub description: String,
    pub month: String,
    pub amount_krw: i64,
}

/// An SLA credit, as stored in an invoice's details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CreditView {
    pub service_id: String,
    pub month: String,
    pub outage_minutes: i64,
    /// Thousandths of a percent (99,861 = 99.861 %).
    pub availability_milli: i64,
    pub sla_availability_milli: i64,
    pub credit_pct_milli: i64,
    pub fee_krw: i64,
    pub credit_krw: i64,
    /// The whole contract's credit this entry is (a joint member's share of); absent on
    /// invoices computed before it was kept, where it equals `credit_krw`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub whole_credit_krw: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
struct Details {
    #[serde(default)]
    fixed: Vec<FixedView>,
    #[serde(default)]
    credits: Vec<CreditView>,
}

/// One step of an invoice's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryStep {
    pub action: String,
    pub at: i64,
    pub actor: String,
    pub reason: Option<String>,
}

/// Everything the printable invoice shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvoiceDetail {
    pub invoice: InvoiceView,
    pub agency_id: String,
    pub agency_name: String,
    pub supplier_name: String,
    pub contract_method: String,
    pub budget_line_id: Option<String>,
    pub first_month: String,
    pub last_month: String,
    pub fixed: Vec<FixedView>,
    pub credits: Vec<CreditView>,
    pub computed_at: i64,
    pub issued_at: Option<i64>,
    pub accepted_at: Option<i64>,
    pub disputed_at: Option<i64>,
    pub dispute_reason: Option<String>,
    pub paid_on: Option<String>,
    pub history: Vec<HistoryStep>,
    /// What the caller may do now: `issue`, `accept`, `dispute`, `pay`.
    pub actions: Vec<&'static str>,
}

pub fn view(inv: &Invoice) -> InvoiceView {
    InvoiceView {
        id: inv.id.clone(),
        contract_id: inv.contract_id.clone(),
        supplier_id: inv.supplier_id.clone(),
        period: inv.period.clone(),
        lines: serde_json::from_str(&inv.lines).unwrap_or_default(),
        fixed_krw: inv.fixed_krw,
        credit_krw: inv.credit_krw,
        net_krw: inv.net_krw,
        vat_krw: inv.vat_krw,
        total_krw: inv.total_krw,
        status: inv.status.clone(),
    }
}

// ───────────────────────────── computing ─────────────────────────────

/// The dates a contract bills within: its start to its end, or to the day it ended early.
fn contract_dates(c: &Contract) -> Result<(Date, Date)> {
    let from = parse_date(&c.starts_on).ok_or_else(|| Error::internal("a contract without its start"))?;
    let mut to = parse_date(&c.ends_on).ok_or_else(|| Error::internal("a contract without its end"))?;
    if let Some(at) = c.ended_at {
        to = to.min(seoul_date(at));
    }
    Ok((from, to))
}

fn billing_of(c: &Contract) -> Billing {
    Billing::parse(&c.billing).unwrap_or(Billing::Monthly)
}

/// The invoicing suppliers of a contract with their percent shares.
fn members(c: &Contract) -> Vec<(String, u32)> {
    if c.shares.is_empty() {
        vec![(c.supplier_id.clone(), 100)]
    } else {
        c.shares.iter().map(|s| (s.supplier_id.clone(), u32::try_from(s.pct).unwrap_or(0))).collect()
    }
}

/// The months a draft of `supplier` for `period` bills: the period's, and the months before it
/// whose own period's invoice (of that supplier) is issued, back to the previous draft.
fn months_of_draft(invoices: &[Invoice], supplier: &str, period: Period, billing: Billing) -> Vec<Month> {
    let mine: Vec<&Invoice> = invoices.iter().filter(|i| i.supplier_id == supplier).collect();
    let floor = mine.iter().filter(|i| i.status == "draft" && i.last_month < period.first.0).map(|i| i.last_month).max();
    let closed: Vec<&Invoice> = mine.iter().copied().filter(|i| i.status != "draft" && i.last_month < period.first.0).collect();
    let mut months = Vec::new();
    for inv in closed {
        let Some(own) = Period::parse(&inv.period) else { continue };
        if own.billing() != billing {
            continue;
        }
        for m in own.months() {
            if floor.is_none_or(|f| m.0 > f) {
                months.push(m);
            }
        }
    }
    months.extend(period.months());
    months.sort_unstable();
    months.dedup();
    months
}

/// The SLA facts of the contract's services for the months of `period` inside it.
async fn sla_facts(ctx: &Context, tx: &mut WriteTx, c: &Contract, months: &[Month]) -> Result<Vec<SlaMonth>> {
    let (Some(first), Some(last)) = (months.first(), months.last()) else { return Ok(Vec::new()) };
    let mut services: Vec<String> = c.items.iter().map(|i| i.service_id.clone()).collect();
    services.sort_unstable();
    services.dedup();
    let outages = tx.invoice_outages(&services, &c.agency_id, (first.start_micros(), last.next().start_micros())).await?;
    let now = ctx.clock().now_micros();
    let mut out = Vec::new();
    for s in &services {
        let Some(rec) = ctx.db().service(ServiceKey::Id(s)).await? else { continue };
        let Some(sla) = rec.listing.sla.as_ref() else { continue };
        let (Some(avail), Some(credit)) = (sla.availability_pct, sla.credit_pct) else { continue };
        let spans: Vec<(i64, Option<i64>)> = outages.iter().filter(|o| o.0 == *s).map(|o| (o.1, o.2)).collect();
        for m in months {
            out.push(SlaMonth {
                service_id: s.clone(),
                month: *m,
                outage_minutes: outage_minutes(&spans, *m, now),
                availability_pct: avail,
                credit_pct: credit,
            });
        }
    }
    Ok(out)
}

/// What an invoice of `supplier` for `period` bills in `months` (its own and late ones): each
/// month's whole usage of the contract less what the supplier's issued invoices billed of it,
/// per `(meter, month, millionths)`; and the whole usage of each month (the credits' fees).
async fn usage_to_bill(tx: &mut WriteTx, c: &Contract, supplier: &str, months: &[Month]) -> Result<(Vec<MeterMonth>, Vec<MeterMonth>)> {
    let (Some(lo), Some(hi)) = (months.first(), months.last()) else { return Ok((Vec::new(), Vec::new())) };
    let total = tx.contract_usage(&c.id, (lo.0, hi.0)).await?;
    let billed: HashMap<(String, i64), i64> =
        tx.billed_usage(&c.id, supplier, (lo.0, hi.0)).await?.into_iter().map(|(m, mo, q)| ((m, mo), q)).collect();
    // only the meters of the contract's metered lines bill (a record names one; anything else is
    // left unbilled, never written to the ledger as billed)
    let metered: Vec<&str> = c.items.iter().filter(|i| i.model != "fixed").map(|i| i.meter.as_str()).collect();
    let total: Vec<MeterMonth> = total.into_iter().filter(|r| months.contains(&Month(r.1)) && metered.contains(&r.0.as_str())).collect();
    let due = total
        .iter()
        .filter_map(|(meter, month, q)| {
            let rest = q - billed.get(&(meter.clone(), *month)).copied().unwrap_or(0);
            (rest > 0).then(|| (meter.clone(), *month, rest))
        })
        .collect();
    Ok((due, total))
}

/// The whole-contract credits a supplier's issued invoices gave, per `(service, month)`. An
/// entry computed before the whole amount was kept counts as the sum of every member's entries
/// for that service and month (a joint split sums exactly to the whole).
fn credited(invoices: &[Invoice], supplier: &str) -> Vec<(String, Month, i64)> {
    let closed = |i: &&Invoice| i.status != "draft";
    let entries = |i: &Invoice| serde_json::from_str::<Details>(&i.details).unwrap_or_default().credits;
    let mut out = Vec::new();
    for inv in invoices.iter().filter(closed).filter(|i| i.supplier_id == supplier) {
        for k in entries(inv) {
            let Some(month) = Period::parse(&k.month).map(|p| p.first) else { continue };
            let whole = match k.whole_credit_krw {
                Some(w) => w,
                None => invoices
                    .iter()
                    .filter(closed)
                    .filter(|i| i.period == inv.period)
                    .flat_map(entries)
                    .filter(|e| e.service_id == k.service_id && e.month == k.month && e.whole_credit_krw.is_none())
                    .map(|e| e.credit_krw)
                    .sum(),
            };
            out.push((k.service_id, month, whole));
        }
    }
    out
}

/// Computes an invoice of `supplier` for `period` billing `months` (the period's own and late
/// ones), with the usage it bills (the ledger rows its issue records).
async fn compute(
    ctx: &Context,
    tx: &mut WriteTx,
    c: &Contract,
    invoices: &[Invoice],
    supplier: &str,
    period: Period,
    months: &[Month],
) -> Result<(Invoice, Vec<MeterMonth>)> {
    let (starts_on, ends_on) = contract_dates(c)?;
    let lines: Vec<ContractLine> = c
        .items
        .iter()
        .map(|i| ContractLine {
            service_id: i.service_id.clone(),
            description: format!("{} · {}", i.service_name, i.plan),
            meter: i.meter.clone(),
            metered: i.model != "fixed",
            unit_price_krw: i.unit_price_krw,
            vat_included: i.vat_included,
            quantity: i.quantity,
        })
        .collect();
    let (due, total) = usage_to_bill(tx, c, supplier, months).await?;
    let as_usage = |rows: &[MeterMonth]| -> Vec<(String, Month, Quantity)> {
        rows.iter().map(|(meter, m, q)| (meter.clone(), Month(*m), Quantity::from_micros(*q))).collect()
    };
    let usage = as_usage(&due);
    let earlier_usage = as_usage(&total.iter().filter(|r| r.1 < period.first.0).cloned().collect::<Vec<_>>());
    let sla_months: Vec<Month> = months.iter().copied().filter(|m| billing::month_in_contract(*m, starts_on, ends_on)).collect();
    let sla = sla_facts(ctx, tx, c, &sla_months).await?;
    let credited = credited(invoices, supplier);
    let whole = billing::compute(Input {
        lines: &lines,
        period,
        starts_on,
        ends_on,
        usage: &usage,
        sla: &sla,
        earlier_usage: &earlier_usage,
        credited: &credited,
    });
    let shares = members(c);
    let amounts: Amounts = if shares.len() > 1 {
        let pcts: Vec<u32> = shares.iter().map(|(_, p)| *p).collect();
        let i = shares.iter().position(|(s, _)| s == supplier).unwrap_or(0);
        billing::split(&whole, &pcts).swap_remove(i)
    } else {
        whole
    };
    let line_views: Vec<LineView> = amounts
        .lines
        .iter()
        .map(|l| LineView {
            description: l.description.clone(),
            meter: l.meter.clone(),
            quantity: l.quantity.to_decimal(),
            unit_price_krw: l.unit_price_krw,
            amount_krw: l.amount_krw,
        })
        .collect();
    let details = Details {
        fixed: amounts
            .fixed
            .iter()
            .map(|f| FixedView { description: f.description.clone(), month: f.month.key(), amount_krw: f.amount_krw })
            .collect(),
        credits: amounts
            .credits
            .iter()
            .map(|k| CreditView {
                service_id: k.service_id.clone(),
                month: k.month.key(),
                outage_minutes: k.outage_minutes,
                availability_milli: k.availability_milli,
                sla_availability_milli: k.sla_availability_milli,
                credit_pct_milli: k.credit_pct_milli,
                fee_krw: k.fee_krw,
                credit_krw: k.credit_krw,
                whole_credit_krw: Some(k.whole_credit_krw),
            })
            .collect(),
    };
    let inv = Invoice {
        id: crate::ids::new_id(),
        contract_id: c.id.clone(),
        supplier_id: supplier.to_owned(),
        agency_id: c.agency_id.clone(),
        period: period.key(),
        first_month: period.first.0,
        last_month: period.last.0,
        lines: serde_json::to_string(&line_views).map_err(Error::internal)?,
        details: serde_json::to_string(&details).map_err(Error::internal)?,
        fixed_krw: amounts.fixed_krw,
        credit_krw: amounts.credit_krw,
        net_krw: amounts.net_krw,
        vat_krw: amounts.vat_krw,
        total_krw: amounts.total_krw,
        status: "draft".into(),
        ..Invoice::default()
    };
    Ok((inv, due))
}

/// Bills one contract through `upto`; a failure (a database fault, amounts past what an invoice
/// can hold) is logged and counted, and never stops the run for every other contract.
async fn bill_one(ctx: &Context, contract_id: &str, upto: Period, out: &mut BillOutcome) {
    if let Err(e) = bill_contract(ctx, contract_id, upto, out).await {
        tracing::error!(contract = contract_id, period = %upto.key(), error = %e, "could not bill a contract");
        out.failed += 1;
    }
}

/// Drafts, in one transaction, every period of the contract through `upto` that a member has
/// no invoice for, and recomputes every draft through `upto`, in period order.
async fn bill_contract(ctx: &Context, contract_id: &str, upto: Period, out: &mut BillOutcome) -> Result<()> {
    let mut tx = ctx.db().begin_write().await?;
    let Some(c) = tx.contract(contract_id).await? else { return Ok(()) };
    let billing = billing_of(&c);
    if billing != upto.billing() {
        return Ok(());
    }
    let (starts_on, ends_on) = contract_dates(&c)?;
    let periods = billing::periods_through(billing, starts_on, ends_on, upto);
    let mut invoices = tx.invoices_of_contract(&c.id).await?;
    let mut changed = false;
    for (supplier, _) in members(&c) {
        for &period in &periods {
            let key = period.key();
            if invoices.iter().any(|i| i.supplier_id == supplier && i.period == key && i.status != "draft") {
                out.add(DraftWrite::NotDraft);
                continue;
            }
            let months = months_of_draft(&invoices, &supplier, period, billing);
            let (inv, _) = compute(ctx, &mut tx, &c, &invoices, &supplier, period, &months).await?;
            let (w, id) = tx.upsert_invoice_draft(&inv).await?;
            changed = true;
            if matches!(w, DraftWrite::Inserted | DraftWrite::Updated) {
                let action = if w == DraftWrite::Inserted { "invoice.draft" } else { "invoice.recompute" };
                let mut ev = gureum_storage::NewAuditEvent::new("system", action, "invoice", &id)
                    .after(json!({"contract_id": c.id, "supplier_id": supplier, "period": inv.period, "net_krw": inv.net_krw,
                                   "vat_krw": inv.vat_krw, "total_krw": inv.total_krw, "credit_krw": inv.credit_krw}));
                ev.organisation = Some(c.agency_id.clone());
                tx.audit(ev).await?;
            }
            if w == DraftWrite::Inserted {
                invoices.push(Invoice { id, status: "draft".into(), ..inv });
            }
            out.add(w);
        }
        // after the contract's last period: usage or a credit that arrives once its invoice was
        // issued goes on an adjustment invoice of the next period (months outside the contract:
        // no fixed fee), drafted only when something is due
        if let Some(&last) = periods.last()
            && last.last >= Month::of_date(ends_on)
        {
            let mut p = last.next();
            while invoices.iter().any(|i| i.supplier_id == supplier && i.period == p.key() && i.status != "draft") {
                p = p.next();
            }
            let existing = invoices.iter().any(|i| i.supplier_id == supplier && i.period == p.key());
            let months = months_of_draft(&invoices, &supplier, p, billing);
            let (inv, due) = compute(ctx, &mut tx, &c, &invoices, &supplier, p, &months).await?;
            if existing || !due.is_empty() || inv.credit_krw > 0 {
                let (w, id) = tx.upsert_invoice_draft(&inv).await?;
                changed = true;
                if matches!(w, DraftWrite::Inserted | DraftWrite::Updated) {
                    let action = if w == DraftWrite::Inserted { "invoice.draft" } else { "invoice.recompute" };
                    let mut ev = gureum_storage::NewAuditEvent::new("system", action, "invoice", &id)
                        .after(json!({"contract_id": c.id, "supplier_id": supplier, "period": inv.period, "adjustment": true,
                               "net_krw": inv.net_krw, "vat_krw": inv.vat_krw, "total_krw": inv.total_krw, "credit_krw": inv.credit_krw}));
                    ev.organisation = Some(c.agency_id.clone());
                    tx.audit(ev).await?;
                }
                if w == DraftWrite::Inserted {
                    invoices.push(Invoice { id, status: "draft".into(), ..inv });
                }
                out.add(w);
            }
        }
    }
    if changed {
        tx.commit().await?;
    } else {
        tx.rollback().await?;
    }
    Ok(())
}

/// Drafts (or recomputes) every invoice through `period` of the contracts billed by it (`gureum
/// bill --period`), earlier periods without an invoice included: running it twice changes
/// nothing.
pub async fn bill(ctx: &Context, period: Period) -> Result<BillOutcome> {
    let last = period.last.next().first_day().previous_day().unwrap_or(period.last.first_day());
    let mut out = BillOutcome::default();
    for c in ctx.db().billing_candidates(&format_date(last)).await? {
        if Billing::parse(&c.billing) == Some(period.billing()) {
            bill_one(ctx, &c.id, period, &mut out).await;
        }
    }
    Ok(out)
}

/// Drafts the invoices of ended billing periods and recomputes drafts for late usage (the
/// leased billing job): a contract is billed only when one of its ended periods has no invoice
/// yet or something changed after its drafts were computed. Answers how many invoices it drafted
/// or changed.
pub async fn run_job(ctx: &Context) -> Result<usize> {
    let now = ctx.clock().now_micros();
    let monthly = Period::last_ended(Billing::Monthly, now);
    let last_day = monthly.last.next().first_day().previous_day().unwrap_or(monthly.last.first_day());
    let mut out = BillOutcome::default();
    for cand in ctx.db().billing_candidates(&format_date(last_day)).await? {
        let Some(billing) = Billing::parse(&cand.billing) else { continue };
        let upto = Period::last_ended(billing, now);
        let (Some(from), Some(mut to)) = (parse_date(&cand.starts_on), parse_date(&cand.ends_on)) else { continue };
        if let Some(at) = cand.ended_at {
            to = to.min(seoul_date(at));
        }
        let expected = billing::periods_through(billing, from, to, upto).len() as i64 * cand.members;
        // with drafts: anything since the oldest was computed; without (every invoice issued):
        // anything since the last issue, once the contract's periods are over (an adjustment)
        let over = Month::of_date(to) <= upto.last;
        let stale = match cand.oldest_draft_at {
            Some(at) => cand.changed_at >= at,
            None => over && cand.newest_computed_at.is_some_and(|at| cand.changed_at > at),
        };
        if expected > 0 && (cand.invoices < expected || stale) {
            bill_one(ctx, &cand.id, upto, &mut out).await;
        }
    }
    Ok(out.drafted + out.recomputed)
}

// ───────────────────────────── reading ─────────────────────────────

/// An invoice the caller may read (the contract's parties, the operator, the auditor) with its
/// contract; else 404.
pub async fn readable(ctx: &Context, p: &Principal, id: &str) -> Result<(Invoice, Contract)> {
    let id = uuid(id, "invoice")?;
    let inv = ctx.db().invoice(&id).await?.ok_or_else(|| Error::not_found("invoice"))?;
    let c = ctx.db().contract(&inv.contract_id).await?.ok_or_else(|| Error::not_found("invoice"))?;
    if !may_read(p, &c.agency_id, &suppliers_of(&c)) {
        return Err(Error::not_found("invoice"));
    }
    Ok((inv, c))
}

/// `?status=` / `?period=` / `?contract_id=` of a list, checked.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub contract_id: Option<String>,
    pub period: Option<String>,
    pub status: Option<String>,
}

/// The caller's invoices: its agency's, its supplier's (lead or joint member), or every one for
/// the operator and the auditor.
pub async fn list(ctx: &Context, p: &Principal, q: &ListQuery) -> Result<Vec<Invoice>> {
    let contract_id = q.contract_id.as_deref().filter(|s| !s.is_empty()).map(|s| uuid(s, "contract")).transpose()?;
    let period = match q.period.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => {
            Some(Period::parse(s).ok_or_else(|| crate::body::bad("period", "a month like 2026-11 or a quarter like 2026-Q4"))?.key())
        }
        None => None,
    };
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) if STATUSES.contains(&s) => Some(s),
        Some(_) => return Err(crate::body::bad("status", "one of draft, issued, accepted, disputed, paid")),
        None => None,
    };
    let mut f = InvoiceFilter { contract_id: contract_id.as_deref(), period: period.as_deref(), status, ..InvoiceFilter::default() };
    let supplier_id = p.org().supplier_id.clone();
    if p.has_role(Role::Supplier) {
        f.supplier_id = Some(supplier_id.as_deref().ok_or_else(Error::forbidden)?);
    } else if AGENCY_READERS.iter().any(|r| p.has_role(*r)) {
        f.agency_id = Some(&p.org().id);
    } else {
        p.require(Rule::AnyRole(OVERSIGHT))?;
    }
    Ok(ctx.db().invoices(f).await?)
}

pub async fn list_views(ctx: &Context, p: &Principal, q: &ListQuery) -> Result<Vec<InvoiceView>> {
    Ok(list(ctx, p, q).await?.iter().map(view).collect())
}

pub async fn get(ctx: &Context, p: &Principal, id: &str) -> Result<InvoiceView> {
    Ok(view(&readable(ctx, p, id).await?.0))
}

/// What the caller may do with an invoice now.
pub fn actions(p: &Principal, inv: &Invoice, now_us: i64) -> Vec<&'static str> {
    let mut out = Vec::new();
    let supplier = p.has_role(Role::Supplier) && p.org().supplier_id.as_deref() == Some(inv.supplier_id.as_str());
    let agency = p.org().id == inv.agency_id;
    let ended = Period::parse(&inv.period).is_some_and(|pe| now_us >= pe.end_micros());
    if supplier && (inv.status == "disputed" || inv.status == "draft" && ended) {
        out.push("issue");
    }
    if agency && inv.status == "issued" && AGENCY_ANSWER.iter().any(|r| p.has_role(*r)) {
        out.push("accept");
        out.push("dispute");
    }
    if agency && inv.status == "accepted" && p.has_role(Role::BudgetOfficer) {
        out.push("pay");
    }
    out
}

/// The printable invoice: parties, period, lines, fixed fees, credits, history, actions.
pub async fn detail(ctx: &Context, p: &Principal, id: &str) -> Result<InvoiceDetail> {
    let (inv, c) = readable(ctx, p, id).await?;
    let details: Details = serde_json::from_str(&inv.details).unwrap_or_default();
    let agency_name = ctx.db().organisation(&inv.agency_id).await?.map(|o| o.name).unwrap_or_default();
    let supplier_name = ctx.db().supplier(&inv.supplier_id).await?.map(|s| s.name).unwrap_or_default();
    let mut history = Vec::new();
    for row in ctx.db().audit_for_entity("invoice", &inv.id).await? {
        let ev = &row.event;
        let action = ev.action.strip_prefix("invoice.").unwrap_or(&ev.action).to_owned();
        let reason = ev.after.as_ref().and_then(|a| a.get("reason")).and_then(Value::as_str).map(str::to_owned);
        history.push(HistoryStep { action, at: ev.at, actor: ev.actor.clone(), reason });
    }
    Ok(InvoiceDetail {
        actions: actions(p, &inv, ctx.clock().now_micros()),
        invoice: view(&inv),
        agency_id: inv.agency_id.clone(),
        agency_name,
        supplier_name,
        contract_method: c.method.clone(),
        budget_line_id: c.budget_line_id.clone(),
        first_month: Month(inv.first_month).key(),
        last_month: Month(inv.last_month).key(),
        fixed: details.fixed,
        credits: details.credits,
        computed_at: inv.computed_at,
        issued_at: inv.issued_at,
        accepted_at: inv.accepted_at,
        disputed_at: inv.disputed_at,
        dispute_reason: inv.dispute_reason.clone(),
        paid_on: inv.paid_on.clone(),
        history,
    })
}

/// The invoice as CSV (formula-guarded): a header line, the metered lines, the fixed fees, the
/// credits and the totals.
pub async fn csv(ctx: &Context, p: &Principal, id: &str) -> Result<(String, String)> {
    let d = detail(ctx, p, id).await?;
    let i = &d.invoice;
    let mut out = String::new();
    crate::csv::csv_line(&mut out, &["kind", "description", "meter", "quantity", "unit_price_krw", "amount_krw"]);
    for l in &i.lines {
        crate::csv::csv_line(
            &mut out,
            &["line", &l.description, &l.meter, &l.quantity, &l.unit_price_krw.to_string(), &l.amount_krw.to_string()],
        );
    }
    for f in &d.fixed {
        crate::csv::csv_line(&mut out, &["fixed", &format!("{} ({})", f.description, f.month), "", "", "", &f.amount_krw.to_string()]);
    }
    for k in &d.credits {
        crate::csv::csv_line(
            &mut out,
            &["credit", &format!("SLA {} {} ({} min)", k.month, k.service_id, k.outage_minutes), "", "", "", &(-k.credit_krw).to_string()],
        );
    }
    for (k, v) in [
        ("fixed_krw", i.fixed_krw),
        ("credit_krw", i.credit_krw),
        ("net_krw", i.net_krw),
        ("vat_krw", i.vat_krw),
        ("total_krw", i.total_krw),
    ] {
        crate::csv::csv_line(&mut out, &["total", k, "", "", "", &v.to_string()]);
    }
    Ok((format!("invoice-{}-{}.csv", i.period, &i.id[..8]), out))
}

// ───────────────────────────── actions ─────────────────────────────

fn wrong_state(inv: &Invoice, action: &str) -> Error {
    Error::invalid_status(format!("an invoice that is {} cannot be {action}", inv.status)).with("status", inv.status.clone().into())
}

fn link(id: &str) -> String {
    format!("/invoices/{id}")
}

/// The supplier issues its invoice (a draft of an ended period, in period order), or re-issues
/// a disputed one.
pub async fn issue(ctx: &Context, p: &Principal, id: &str, rid: Option<String>) -> Result<InvoiceView> {
    let (inv, c) = readable(ctx, p, id).await?;
    p.require(Rule::AnyRole(crate::actor::SUPPLIER))?;
    if p.org().supplier_id.as_deref() != Some(inv.supplier_id.as_str()) {
        return Err(Error::forbidden());
    }
    let period = Period::parse(&inv.period).ok_or_else(|| Error::internal("an invoice without its period"))?;
    let mut tx = ctx.db().begin_write().await?;
    let inv = tx.invoice(&inv.id).await?.ok_or_else(|| Error::not_found("invoice"))?;
    let before = inv.status.clone();
    match inv.status.as_str() {
        "disputed" => {
            if !tx.issue_invoice(&inv.id, &p.actor()).await? {
                return Err(wrong_state(&inv, "issued"));
            }
        }
        "draft" => {
            if ctx.clock().now_micros() < period.end_micros() {
                return Err(Error::new(Code::PeriodNotEnded, format!("the period {} has not ended yet", inv.period)));
            }
            let invoices = tx.invoices_of_contract(&c.id).await?;
            if let Some(earlier) =
                invoices.iter().find(|i| i.supplier_id == inv.supplier_id && i.status == "draft" && i.first_month < inv.first_month)
            {
                return Err(Error::new(Code::EarlierInvoiceDraft, format!("the invoice of {} is still a draft", earlier.period))
                    .with("invoice_id", earlier.id.clone().into())
                    .with("period", earlier.period.clone().into()));
            }
            let months = months_of_draft(&invoices, &inv.supplier_id, period, billing_of(&c));
            let (fresh, billed) = compute(ctx, &mut tx, &c, &invoices, &inv.supplier_id, period, &months).await?;
            tx.record_billed_usage(&inv, &billed).await?;
            tx.write_invoice_amounts(&inv.id, &fresh, "draft").await?;
            if !tx.issue_invoice(&inv.id, &p.actor()).await? {
                return Err(wrong_state(&inv, "issued"));
            }
            tx.add_invoiced(&c.id, fresh.total_krw).await?;
        }
        _ => return Err(wrong_state(&inv, "issued")),
    }
    let after = tx.invoice(&inv.id).await?.ok_or_else(|| Error::internal("the invoice vanished"))?;
    audit(
        &mut tx,
        p,
        rid,
        "invoice.issue",
        ("invoice", &inv.id),
        Some(json!({"status": before})),
        json!({"status": "issued", "period": after.period, "net_krw": after.net_krw, "vat_krw": after.vat_krw, "total_krw": after.total_krw}),
    )
    .await?;
    let n = Note {
        kind: "invoice_issued",
        ko: format!(
            "{} 청구서가 발행되었습니다 (합계 {}원). 확인 후 승인하거나 이의를 제기하세요.",
            after.period,
            grouped(after.total_krw)
        ),
        en: format!("The invoice for {} was issued ({} won). Accept it or dispute it.", after.period, grouped(after.total_krw)),
        link: link(&inv.id),
    };
    tell_agency(ctx, &mut tx, &inv.agency_id, AGENCY_ANSWER, &n).await?;
    tx.commit().await?;
    Ok(view(&after))
}

fn grouped(v: i64) -> String {
    gureum_domain::money::Krw::new(v).grouped()
}

async fn agency_step(ctx: &Context, p: &Principal, id: &str, roles: &'static [Role]) -> Result<(Invoice, Contract, WriteTx)> {
    let (inv, c) = readable(ctx, p, id).await?;
    p.require(Rule::AnyRole(roles))?;
    if p.org().id != inv.agency_id {
        return Err(Error::forbidden());
    }
    let mut tx = ctx.db().begin_write().await?;
    let inv = tx.invoice(&inv.id).await?.ok_or_else(|| Error::not_found("invoice"))?;
    Ok((inv, c, tx))
}

/// The agency's buyer or budget officer accepts an issued invoice.
pub async fn accept(ctx: &Context, p: &Principal, id: &str, rid: Option<String>) -> Result<InvoiceView> {
    let (inv, _, mut tx) = agency_step(ctx, p, id, AGENCY_ANSWER).await?;
    if !tx.accept_invoice(&inv.id, &p.actor()).await? {
        return Err(wrong_state(&inv, "accepted"));
    }
    audit(&mut tx, p, rid, "invoice.accept", ("invoice", &inv.id), Some(json!({"status": inv.status})), json!({"status": "accepted"}))
        .await?;
    let n = Note {
        kind: "invoice_accepted",
        ko: format!("{} 청구서를 수요기관이 승인했습니다.", inv.period),
        en: format!("The agency accepted the invoice for {}.", inv.period),
        link: link(&inv.id),
    };
    tell_supplier(ctx, &mut tx, &inv.supplier_id, &n).await?;
    let after = tx.invoice(&inv.id).await?.ok_or_else(|| Error::internal("the invoice vanished"))?;
    tx.commit().await?;
    Ok(view(&after))
}

/// The agency's buyer or budget officer disputes an issued invoice with a reason.
pub async fn dispute(ctx: &Context, p: &Principal, id: &str, body: &Value, rid: Option<String>) -> Result<InvoiceView> {
    let (inv, _, mut tx) = agency_step(ctx, p, id, AGENCY_ANSWER).await?;
    let reason = crate::buying::reason(Fields::of(body)?.string("reason")?)?;
    if !tx.dispute_invoice(&inv.id, &p.actor(), &reason).await? {
        return Err(wrong_state(&inv, "disputed"));
    }
    audit(
        &mut tx,
        p,
        rid,
        "invoice.dispute",
        ("invoice", &inv.id),
        Some(json!({"status": inv.status})),
        json!({"status": "disputed", "reason": reason}),
    )
    .await?;
    let n = Note {
        kind: "invoice_disputed",
        ko: format!("{} 청구서에 수요기관이 이의를 제기했습니다: {reason}", inv.period),
        en: format!("The agency disputed the invoice for {}: {reason}", inv.period),
        link: link(&inv.id),
    };
    tell_supplier(ctx, &mut tx, &inv.supplier_id, &n).await?;
    let after = tx.invoice(&inv.id).await?.ok_or_else(|| Error::internal("the invoice vanished"))?;
    tx.commit().await?;
    Ok(view(&after))
}

/// The agency's budget officer records the payment of an accepted invoice (`paid_on`, a date
/// from its acceptance to today, Asia/Seoul); the spent amount of the budget line the contract
/// committed for the invoice's fiscal year (the year its period ends in; else the contract's
/// own line) grows by the total.
pub async fn pay(ctx: &Context, p: &Principal, id: &str, body: &Value, rid: Option<String>) -> Result<InvoiceView> {
    let (inv, c, mut tx) = agency_step(ctx, p, id, PAYER).await?;
    let paid_on = Fields::of(body)?.date("paid_on")?.ok_or_else(|| crate::body::bad("paid_on", "required"))?;
    if paid_on > ctx.clock().today() {
        return Err(crate::body::bad("paid_on", "a date not after today"));
    }
    if let Some(accepted) = inv.accepted_at.map(seoul_date)
        && paid_on < accepted
    {
        return Err(crate::body::bad("paid_on", &format!("a date not before the invoice was accepted ({})", format_date(accepted))));
    }
    let year = i64::from(Month(inv.last_month).year());
    let line = match tx.committed_line_of_year(&c.id, year).await? {
        Some(l) => Some(l),
        None => c.budget_line_id.clone(),
    };
    if !tx.pay_invoice(&inv.id, &p.actor(), &format_date(paid_on)).await? {
        return Err(wrong_state(&inv, "paid"));
    }
    if let Some(line) = &line {
        tx.add_spent(line, inv.total_krw).await?;
    }
    audit(
        &mut tx,
        p,
        rid,
        "invoice.pay",
        ("invoice", &inv.id),
        Some(json!({"status": inv.status})),
        json!({"status": "paid", "paid_on": format_date(paid_on), "total_krw": inv.total_krw, "budget_line_id": line}),
    )
    .await?;
    let n = Note {
        kind: "invoice_paid",
        ko: format!("{} 청구서 대금 {}원이 {}에 지급되었습니다.", inv.period, grouped(inv.total_krw), format_date(paid_on)),
        en: format!("The invoice for {} ({} won) was paid on {}.", inv.period, grouped(inv.total_krw), format_date(paid_on)),
        link: link(&inv.id),
    };
    tell_supplier(ctx, &mut tx, &inv.supplier_id, &n).await?;
    let after = tx.invoice(&inv.id).await?.ok_or_else(|| Error::internal("the invoice vanished"))?;
    tx.commit().await?;
    Ok(view(&after))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inv(supplier: &str, period: &str, status: &str) -> Invoice {
        let p = Period::parse(period).expect("a period");
        Invoice {
            supplier_id: supplier.into(),
            period: period.into(),
            first_month: p.first.0,
            last_month: p.last.0,
            status: status.into(),
            ..Invoice::default()
        }
    }

    #[test]
    fn late_usage_goes_to_the_earliest_draft_after_its_issued_period() {
        let nov = Period::parse("2026-11").expect("p");
        let dec = Period::parse("2026-12").expect("p");
        // nothing issued: only the period's own month
        assert_eq!(months_of_draft(&[inv("s", "2026-11", "draft")], "s", dec, Billing::Monthly), vec![Month(202612)]);
        // November issued: its late usage lands on December's draft
        let issued = [inv("s", "2026-10", "paid"), inv("s", "2026-11", "issued")];
        assert_eq!(months_of_draft(&issued, "s", dec, Billing::Monthly), vec![Month(202610), Month(202611), Month(202612)]);
        assert_eq!(months_of_draft(&issued, "s", nov, Billing::Monthly), vec![Month(202610), Month(202611)]);
        // with a December draft, January's draft does not take November's late usage
        let jan = Period::parse("2027-01").expect("p");
        let mut more = issued.to_vec();
        more.push(inv("s", "2026-12", "draft"));
        assert_eq!(months_of_draft(&more, "s", jan, Billing::Monthly), vec![Month(202701)]);
        // another supplier's invoices do not count
        assert_eq!(months_of_draft(&issued, "t", dec, Billing::Monthly), vec![Month(202612)]);
    }
}

//! Spend against a contract's cap and a budget line, and its warnings (SPEC §3 "Usage and
//! billing"; SPEC §4 "Usage, invoices and post-management"): what is invoiced and drafted, the
//! monthly trend and the projections to the end of the billing period and of the fiscal year
//! (`gureum_domain::spend`), and the leased job that warns the agency's buyers and budget officers
//! once per threshold (70, 90, 100 %) in the app and by e-mail.

use crate::actor::{Principal, Rule};
use crate::buying::{Note, party, tell_agency, uuid};
use crate::context::Context;
use crate::debarments::SYSTEM;
use crate::error::{Error, Result};
use gureum_domain::account::Role;
use gureum_domain::buying::Actor;
use gureum_domain::clock::parse_date;
use gureum_domain::spend::{self, Horizon, InvoiceSpan, Projection};
use gureum_domain::usage::{Billing, Month, Period};
use gureum_storage::{BudgetLine, NewAuditEvent, SpendContract, SpendInvoice};
use serde_json::json;

/// Subject kinds of `spend_notices`.
pub const CONTRACT: &str = "contract";
pub const BUDGET_LINE: &str = "budget_line";

/// Who is warned: the agency's buyers and budget officers.
pub const WARNED: &[Role] = &[Role::Buyer, Role::BudgetOfficer];
/// Who reads a budget line's spend: the agency's members who read its lines.
pub const LINE_READERS: &[Role] = crate::budget::READERS;

/// Invoice statuses that count as invoiced (the rest is `draft`).
pub const INVOICED: [&str; 4] = ["issued", "accepted", "disputed", "paid"];

/// Spend of a contract or a budget line (whole won).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spend {
    pub limit_krw: i64,
    pub invoiced_krw: i64,
    pub drafted_krw: i64,
    pub spent_krw: i64,
    pub trend_krw_per_month: i64,
    pub projected_period_end_krw: i64,
    pub projected_year_end_krw: i64,
    /// The projection to the period's end as a whole percent of the limit (rounded down).
    pub pct: i64,
    /// The thresholds warned of so far, ascending.
    pub warnings_sent: Vec<i64>,
}

impl Spend {
    /// The thresholds the projection to the period's end reaches.
    pub fn crossed(&self) -> Vec<i64> {
        spend::thresholds_crossed(self.projected_period_end_krw, self.limit_krw)
    }
}

fn span(i: &SpendInvoice) -> InvoiceSpan {
    InvoiceSpan { first: Month(i.first_month), last: Month(i.last_month), total_krw: i.total_krw }
}

/// The month a contract ends in (its `ends_on`), or far ahead when unreadable.
fn end_month(c: &SpendContract) -> Month {
    parse_date(&c.ends_on).map(Month::of_date).unwrap_or(Month::new(9999, 12))
}

/// A contract's horizon in `current`: its billing period's end, and the end of the fiscal year
/// `year` or the contract's end if earlier; months before the fiscal year are not projected.
fn horizon(c: &SpendContract, invoices: &[InvoiceSpan], current: Month, year: i32) -> Horizon {
    let billing = Billing::parse(&c.billing).unwrap_or(Billing::Monthly);
    let year_last = Month::new(year, 12).min(end_month(c));
    let mut h = Horizon::new(invoices, current, Period::of(billing, current).last, year_last);
    h.billed_through = h.billed_through.max(Month::new(year - 1, 12));
    h
}

fn figures(limit_krw: i64, invoices: &[SpendInvoice], p: Projection, warnings_sent: Vec<i64>) -> Spend {
    let invoiced_krw = invoices.iter().filter(|i| INVOICED.contains(&i.status.as_str())).map(|i| i.total_krw).sum();
    let drafted_krw = invoices.iter().filter(|i| i.status == "draft").map(|i| i.total_krw).sum();
    Spend {
        limit_krw,
        invoiced_krw,
        drafted_krw,
        spent_krw: p.spent_krw,
        trend_krw_per_month: p.trend_krw_per_month,
        projected_period_end_krw: p.period_end_krw,
        projected_year_end_krw: p.year_end_krw,
        pct: spend::pct(p.period_end_krw, limit_krw),
        warnings_sent,
    }
}

/// A contract's limit: its cap, else its total.
pub fn contract_limit(c: &SpendContract) -> i64 {
    c.cap_krw.unwrap_or(c.total_krw)
}

/// A contract's spend, whoever asks (the caller checks).
pub async fn of_contract(ctx: &Context, c: &SpendContract) -> Result<Spend> {
    let invoices: Vec<SpendInvoice> = ctx.db().spend_invoices(&c.id).await?.into_iter().filter(counted).collect();
    let spans: Vec<InvoiceSpan> = invoices.iter().map(span).collect();
    let current = Month::of_date(ctx.clock().today());
    let spent: i64 = spans.iter().map(|s| s.total_krw).sum();
    let p = spend::project(spent, spend::monthly_trend(&spans), horizon(c, &spans, current, current.year()));
    Ok(figures(contract_limit(c), &invoices, p, ctx.db().spend_notices_sent(CONTRACT, &c.id).await?))
}

/// Invoices of a known status count (a status the invoices work may add later does not).
fn counted(i: &SpendInvoice) -> bool {
    i.status == "draft" || INVOICED.contains(&i.status.as_str())
}

/// A budget line's spend: its contracts' invoices of its fiscal year, each contract projected
/// with its own trend and horizon.
pub async fn of_budget_line(ctx: &Context, line: &BudgetLine) -> Result<Spend> {
    let invoices: Vec<SpendInvoice> =
        ctx.db().budget_line_invoices(&line.id, line.fiscal_year).await?.into_iter().filter(counted).collect();
    let current = Month::of_date(ctx.clock().today());
    let spent: i64 = invoices.iter().map(|i| i.total_krw).sum();
    let (mut trend, mut period_end, mut year_end) = (0_i64, spent, spent);
    for c in ctx.db().budget_line_contracts(&line.id).await? {
        let spans: Vec<InvoiceSpan> = invoices.iter().filter(|i| i.contract_id == c.id).map(span).collect();
        let t = spend::monthly_trend(&spans);
        let p = spend::project(0, t, horizon(&c, &spans, current, line.fiscal_year));
        trend += t;
        period_end += p.period_end_krw;
        year_end += p.year_end_krw;
    }
    let p = Projection { spent_krw: spent, trend_krw_per_month: trend, period_end_krw: period_end, year_end_krw: year_end };
    Ok(figures(line.amount_krw, &invoices, p, ctx.db().spend_notices_sent(BUDGET_LINE, &line.id).await?))
}

/// Whether the caller is a party of the contract (the agency's readers, the lead supplier or a
/// joint member).
pub async fn is_party(ctx: &Context, p: &Principal, c: &SpendContract) -> Result<bool> {
    let members = ctx.db().spend_members(&c.id).await?;
    let mut suppliers: Vec<&str> = vec![c.supplier_id.as_str()];
    suppliers.extend(members.iter().map(String::as_str));
    Ok(party(p, &c.agency_id, &suppliers, &[]) != Actor::Outsider)
}

/// `GET /api/v1/contracts/{id}/spend`: the contract's parties; anyone else 404.
pub async fn contract_spend(ctx: &Context, p: &Principal, id: &str) -> Result<Spend> {
    p.require(Rule::Authenticated)?;
    let id = uuid(id, "contract")?;
    let c = ctx.db().spend_contract(&id).await?.ok_or_else(|| Error::not_found("contract"))?;
    if !is_party(ctx, p, &c).await? {
        return Err(Error::not_found("contract"));
    }
    of_contract(ctx, &c).await
}

/// `GET /api/v1/budget-lines/{id}/spend`: the agency's buyers, budget officers and signatories;
/// anyone else 404.
pub async fn budget_line_spend(ctx: &Context, p: &Principal, id: &str) -> Result<Spend> {
    p.require(Rule::Authenticated)?;
    let id = uuid(id, "budget line")?;
    let line = ctx
        .db()
        .budget_line_by_id(&id)
        .await?
        .filter(|l| l.org_id == p.org().id && LINE_READERS.iter().any(|r| p.has_role(*r)))
        .ok_or_else(|| Error::not_found("budget line"))?;
    of_budget_line(ctx, &line).await
}

fn won(n: i64) -> String {
    gureum_domain::Krw::new(n).grouped()
}

/// The warning of one threshold: what reached it and what to do.
fn warning(what_ko: &str, what_en: &str, t: i64, s: &Spend, link: String) -> Note {
    let (proj, limit) = (won(s.projected_period_end_krw), won(s.limit_krw));
    Note {
        kind: "spend_warning",
        ko: format!("{what_ko}: 이번 청구기간 말까지의 예상 지출 {proj}원이 한도 {limit}원의 {t}%에 이르렀습니다."),
        en: format!("{what_en}: spend projected to the end of this billing period, KRW {proj}, reached {t}% of the limit of KRW {limit}."),
        link,
    }
}

/// Sends one threshold's warning unless it was sent: the `spend_notices` row, the audit event
/// and the notices (in the app and by e-mail) in one transaction. Answers whether it was sent.
async fn warn_once(ctx: &Context, (kind, id): (&str, &str), agency_id: &str, t: i64, s: &Spend, note: &Note) -> Result<bool> {
    let mut tx = ctx.db().begin_write().await?;
    if !tx.insert_spend_notice(kind, id, t, s.spent_krw, s.projected_period_end_krw, s.limit_krw).await? {
        tx.rollback().await?;
        return Ok(false);
    }
    let mut ev = NewAuditEvent::new(SYSTEM, &format!("{kind}.spend_warning"), kind, id).after(json!({
        "threshold": t, "spent_krw": s.spent_krw, "projected_period_end_krw": s.projected_period_end_krw, "limit_krw": s.limit_krw
    }));
    ev.organisation = Some(agency_id.to_owned());
    tx.audit(ev).await?;
    tell_agency(ctx, &mut tx, agency_id, WARNED, note).await?;
    tx.commit().await?;
    Ok(true)
}

/// Sends the spend warnings now due (the leased spend-warnings job): for each contract and budget
/// line whose spend plus projection to the period's end reaches 70, 90 or 100 % of its limit,
/// one warning per threshold ever. Answers how many were sent.
pub async fn run_job(ctx: &Context) -> Result<usize> {
    let mut sent = 0;
    for id in ctx.db().contracts_with_invoices().await? {
        let Some(c) = ctx.db().spend_contract(&id).await? else { continue };
        if c.status == "draft" {
            continue;
        }
        let s = of_contract(ctx, &c).await?;
        for t in s.crossed().into_iter().filter(|t| !s.warnings_sent.contains(t)) {
            let title = if c.title.is_empty() { c.id.clone() } else { c.title.clone() };
            let note = warning(&format!("계약 {title}"), &format!("Contract {title}"), t, &s, format!("/contracts/{}", c.id));
            if warn_once(ctx, (CONTRACT, &c.id), &c.agency_id, t, &s, &note).await? {
                sent += 1;
            }
        }
    }
    for id in ctx.db().budget_lines_with_invoices().await? {
        let Some(line) = ctx.db().budget_line_by_id(&id).await? else { continue };
        let s = of_budget_line(ctx, &line).await?;
        for t in s.crossed().into_iter().filter(|t| !s.warnings_sent.contains(t)) {
            let name = format!("{} ({})", line.name, line.fiscal_year);
            let note = warning(&format!("예산 항목 {name}"), &format!("Budget line {name}"), t, &s, "/dashboard".to_owned());
            if warn_once(ctx, (BUDGET_LINE, &line.id), &line.org_id, t, &s, &note).await? {
                sent += 1;
            }
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::won;

    #[test]
    fn won_has_thousands_separators() {
        assert_eq!(won(0), "0");
        assert_eq!(won(999), "999");
        assert_eq!(won(1_000), "1,000");
        assert_eq!(won(12_345_678), "12,345,678");
        assert_eq!(won(-1_000), "-1,000");
    }
}

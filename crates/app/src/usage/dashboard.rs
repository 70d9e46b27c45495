//! The agency's and the supplier's dashboards (issue #24 point 6; SPEC §4 "Usage, invoices and
//! post-management"): usage by month over the last 12 months (per meter, and in won from the
//! invoices), invoices by state, open incidents, contracts ending within 90 days, and each
//! contract's and budget line's spend against its limit. The caller's own organisation only:
//! an agency's buyers, budget officers and signatories, or a supplier's people; anyone else 403.

use super::spend::{self, Spend};
use crate::actor::{Principal, Rule};
use crate::context::Context;
use crate::error::{Error, Result};
use gureum_domain::account::{OrgKind, Role};
use gureum_domain::clock::{epoch_day, format_date, parse_date};
use gureum_domain::spend::{InvoiceSpan, by_month};
use gureum_domain::usage::Month;
use gureum_storage::{BudgetLine, MonthUsage, OpenIncident, Side, SpendContract, StatusSum};

/// Who sees a dashboard: an agency's readers and suppliers.
pub const VIEWERS: &[Role] = &[Role::Buyer, Role::BudgetOfficer, Role::Signatory, Role::Supplier];
/// Months the usage chart covers, the current one last.
pub const MONTHS: usize = 12;
/// Contracts ending within this many days are listed.
pub const ENDING_DAYS: i64 = 90;
/// Invoice statuses in their order.
pub const STATUSES: [&str; 5] = ["draft", "issued", "accepted", "disputed", "paid"];

/// Which side the caller is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Whose {
    Agency(String),
    Supplier(String),
}

impl Whose {
    pub fn side(&self) -> Side<'_> {
        match self {
            Self::Agency(id) => Side::Agency(id),
            Self::Supplier(id) => Side::Supplier(id),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Self::Agency(_) => "agency",
            Self::Supplier(_) => "supplier",
        }
    }
}

/// A contract ending soon, with the days left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ending {
    pub contract: SpendContract,
    pub days_left: i64,
}

/// What a dashboard shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    pub whose: Whose,
    pub org_name: String,
    /// The last [`MONTHS`] months, oldest first.
    pub months: Vec<Month>,
    /// Metered usage by month and meter within those months.
    pub usage: Vec<MonthUsage>,
    /// Won invoiced a month (a quarterly invoice a third per month), one entry per month.
    pub invoiced: Vec<(Month, i64)>,
    /// Every status of [`STATUSES`], with zeros.
    pub invoices_by_state: Vec<StatusSum>,
    pub open_incidents: Vec<OpenIncident>,
    pub ending: Vec<Ending>,
}

/// The caller's side, or 403.
pub fn whose(p: &Principal) -> Result<Whose> {
    p.require(Rule::AnyRole(VIEWERS))?;
    let org = p.org();
    match org.kind {
        OrgKind::Agency if [Role::Buyer, Role::BudgetOfficer, Role::Signatory].iter().any(|r| p.has_role(*r)) => {
            Ok(Whose::Agency(org.id.clone()))
        }
        OrgKind::Supplier if p.has_role(Role::Supplier) => org.supplier_id.clone().map(Whose::Supplier).ok_or_else(Error::forbidden),
        _ => Err(Error::forbidden()),
    }
}

/// The last `n` months up to `current`, oldest first.
pub fn last_months(current: Month, n: usize) -> Vec<Month> {
    let mut out = vec![current];
    while out.len() < n {
        let before = out[out.len() - 1].prev();
        out.push(before);
    }
    out.reverse();
    out
}

/// `GET /api/v1/dashboard`: the caller's organisation's dashboard.
pub async fn dashboard(ctx: &Context, p: &Principal) -> Result<Dashboard> {
    let whose = whose(p)?;
    let side = whose.side();
    let today = ctx.clock().today();
    let months = last_months(Month::of_date(today), MONTHS);
    let from = months[0];
    let usage = ctx.db().usage_by_month(side, from.0).await?;
    let spans: Vec<InvoiceSpan> = ctx
        .db()
        .side_invoices(side, from.0)
        .await?
        .iter()
        .filter(|i| i.status == "draft" || spend::INVOICED.contains(&i.status.as_str()))
        .map(|i| InvoiceSpan { first: Month(i.first_month), last: Month(i.last_month), total_krw: i.total_krw })
        .collect();
    let per_month = by_month(&spans);
    let invoiced = months.iter().map(|m| (*m, per_month.get(m).copied().unwrap_or(0))).collect();
    let sums = ctx.db().invoices_by_status(side).await?;
    let invoices_by_state = STATUSES
        .iter()
        .map(|s| sums.iter().find(|x| x.status == *s).cloned().unwrap_or(StatusSum { status: (*s).to_owned(), count: 0, total_krw: 0 }))
        .collect();
    let open_incidents = ctx.db().open_incidents(side).await?;
    let until = gureum_domain::clock::from_epoch_day(epoch_day(today) + ENDING_DAYS);
    let ending = ctx
        .db()
        .contracts_ending(side, &format_date(today), &format_date(until))
        .await?
        .into_iter()
        .map(|c| {
            let days_left = parse_date(&c.ends_on).map(|d| epoch_day(d) - epoch_day(today)).unwrap_or(0);
            Ending { contract: c, days_left }
        })
        .collect();
    Ok(Dashboard { whose, org_name: p.org().name.clone(), months, usage, invoiced, invoices_by_state, open_incidents, ending })
}

/// Spend of the side's contracts (not drafts) and, for an agency, of its budget lines of the
/// current fiscal year.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SpendOverview {
    pub contracts: Vec<(SpendContract, Spend)>,
    pub budget_lines: Vec<(BudgetLine, Spend)>,
}

/// The spend the dashboard page shows beside the charts.
pub async fn spend_overview(ctx: &Context, p: &Principal) -> Result<SpendOverview> {
    let whose = whose(p)?;
    let mut out = SpendOverview::default();
    for c in ctx.db().side_contracts(whose.side()).await? {
        let s = spend::of_contract(ctx, &c).await?;
        out.contracts.push((c, s));
    }
    if let Whose::Agency(org) = &whose {
        for line in ctx.db().budget_lines(org, Some(ctx.clock().today().year())).await? {
            let s = spend::of_budget_line(ctx, &line).await?;
            out.budget_lines.push((line, s));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_twelve_months_end_with_the_current_one() {
        let m = last_months(Month::new(2026, 11), 12);
        assert_eq!(m.len(), 12);
        assert_eq!((m[0], m[11]), (Month::new(2025, 12), Month::new(2026, 11)));
    }
}

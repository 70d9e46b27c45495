//! Invoice arithmetic (SPEC §3 "Usage and billing"; SPEC §4 invoices; docs/RULES.md#usage-and-billing).
//!
//! One invoice per contract, supplier and billing period: one line per metered contract line =
//! the exact sum of that meter's quantities × the unit price (net of VAT when the plan's price
//! includes it: ÷ 1.1 rounded half-up to the won, before multiplying), rounded half-up to the
//! won; fixed fees = a fixed line's unit price × quantity for each month of the period inside
//! the contract's dates; the SLA credit = Σ over months and services below the SLA of the SLA's
//! credit % of that service's fee that month, never more than lines + fixed; `net = lines +
//! fixed − credit`; `vat = money::vat(net)`; `total = net + vat`. A joint contract's members
//! each invoice their share, and the members' invoices sum exactly to the whole.

use crate::money::vat;
use crate::usage::{Month, Period, Quantity, availability_milli, below_sla, sla_credit};
use std::collections::BTreeMap;
use time::Date;

/// A contract line as billing sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractLine {
    pub service_id: String,
    /// What the invoice line says (service and plan).
    pub description: String,
    /// The plan's unit; usage records name it.
    pub meter: String,
    /// `true` for a metered line (billed from usage), `false` for a fixed fee a month.
    pub metered: bool,
    pub unit_price_krw: i64,
    pub vat_included: bool,
    /// A fixed line's quantity (units a month); ignored for metered lines.
    pub quantity: i64,
}

/// A service's SLA and its outage in one month.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaMonth {
    pub service_id: String,
    pub month: Month,
    pub outage_minutes: i64,
    pub availability_pct: f64,
    pub credit_pct: f64,
}

/// A metered line of an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub service_id: String,
    pub description: String,
    pub meter: String,
    /// The exact sum of the meter's usage.
    pub quantity: Quantity,
    /// Net of VAT.
    pub unit_price_krw: i64,
    pub amount_krw: i64,
}

/// A fixed fee of one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed {
    pub service_id: String,
    pub description: String,
    pub month: Month,
    pub amount_krw: i64,
}

/// A month of a service below its SLA and the credit it gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credit {
    pub service_id: String,
    pub month: Month,
    pub outage_minutes: i64,
    /// Thousandths of a percent.
    pub availability_milli: i64,
    pub sla_availability_milli: i64,
    pub credit_pct_milli: i64,
    /// The service's fee that month the credit is a share of.
    pub fee_krw: i64,
    /// This invoice's credit (a joint member's share).
    pub credit_krw: i64,
    /// The whole contract's credit this entry is (a share of): what later invoices subtract as
    /// already given.
    pub whole_credit_krw: i64,
}

/// An invoice's amounts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Amounts {
    pub lines: Vec<Line>,
    pub fixed: Vec<Fixed>,
    pub credits: Vec<Credit>,
    pub fixed_krw: i64,
    pub credit_krw: i64,
    pub net_krw: i64,
    pub vat_krw: i64,
    pub total_krw: i64,
}

impl Amounts {
    pub fn lines_krw(&self) -> i64 {
        self.lines.iter().map(|l| l.amount_krw).sum()
    }
}

/// A unit price net of VAT: as it is, or ÷ 1.1 rounded half-up to the won when it includes VAT.
pub fn net_unit_price(unit_price_krw: i64, vat_included: bool) -> i64 {
    if !vat_included {
        return unit_price_krw;
    }
    // p / 1.1 = 10p / 11, half-up
    let p = i128::from(unit_price_krw.max(0));
    ((p * 10 * 2 + 11) / 22) as i64
}

/// Whether any day of `month` lies within `[starts_on, ends_on]`.
pub fn month_in_contract(month: Month, starts_on: Date, ends_on: Date) -> bool {
    let first = month.first_day();
    let last = month.next().first_day().previous_day().unwrap_or(first);
    first <= ends_on && last >= starts_on
}

/// The months of `period` within the contract's dates.
pub fn months_in_contract(period: Period, starts_on: Date, ends_on: Date) -> Vec<Month> {
    period.months().into_iter().filter(|m| month_in_contract(*m, starts_on, ends_on)).collect()
}

/// What to bill.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub lines: &'a [ContractLine],
    pub period: Period,
    pub starts_on: Date,
    pub ends_on: Date,
    /// Usage this invoice bills as `(meter, month, quantity)`; the same key may come more than
    /// once (it is summed). Months before the period count on its lines (late usage of an
    /// issued period) but give no fixed fee.
    pub usage: &'a [(String, Month, Quantity)],
    /// The SLA facts of each service and month the invoice may credit: the period's months, and
    /// earlier months of the contract (a credit found after their invoice was issued).
    pub sla: &'a [SlaMonth],
    /// The whole usage of each earlier month in `sla` (the fee its credit is a share of); the
    /// period's own months take theirs from `usage`.
    pub earlier_usage: &'a [(String, Month, Quantity)],
    /// The credits already given for `(service, month)` by issued invoices (whole-contract
    /// amounts, before a joint split): only what the SLA gives beyond them is credited again.
    pub credited: &'a [(String, Month, i64)],
}

impl<'a> Input<'a> {
    /// An invoice of `period` with no late usage and no credit given before.
    pub fn of_period(
        lines: &'a [ContractLine],
        period: Period,
        (starts_on, ends_on): (Date, Date),
        usage: &'a [(String, Month, Quantity)],
        sla: &'a [SlaMonth],
    ) -> Self {
        Self { lines, period, starts_on, ends_on, usage, sla, earlier_usage: &[], credited: &[] }
    }
}

/// The billing periods of a contract from the one holding its first day through `upto`,
/// those with at least one month inside its dates, in order.
pub fn periods_through(billing: crate::usage::Billing, starts_on: Date, ends_on: Date, upto: Period) -> Vec<Period> {
    let mut out = Vec::new();
    let mut p = Period::of(billing, Month::of_date(starts_on));
    let last = Month::of_date(ends_on);
    while p.first <= upto.first && p.first <= last {
        if !months_in_contract(p, starts_on, ends_on).is_empty() {
            out.push(p);
        }
        p = p.next();
    }
    out
}

/// Each contract line's meter, made distinct: a metered line whose plan unit another metered
/// line of the contract also has is metered as `"{service_code}/{plan}/{unit}"` (and numbered
/// when even that repeats), so a usage record's meter names exactly one line and no line's
/// usage bills at another's price. Lines given as `(metered, service_code, plan, unit)`.
pub fn distinct_meters(lines: &[(bool, &str, &str, &str)]) -> Vec<String> {
    distinct_meters_keeping(lines, &[])
}

/// [`distinct_meters`] for an amendment: a line whose service and plan the contract already
/// had keeps the meter it had (the usage stored under it keeps billing at its price); only the
/// lines it adds are qualified when their unit is taken. `kept` lists the contract's lines as
/// `(service_code, plan, meter)`.
pub fn distinct_meters_keeping(lines: &[(bool, &str, &str, &str)], kept: &[(&str, &str, &str)]) -> Vec<String> {
    let old = |code: &str, plan: &str| kept.iter().find(|(c, p, _)| *c == code && *p == plan).map(|k| k.2.to_owned());
    let shared = |unit: &str| {
        lines.iter().filter(|(m, c, p, u)| *m && *u == unit && old(c, p).is_none()).count() > 1
            || lines.iter().any(|(m, c, p, _)| *m && old(c, p).is_some_and(|k| k == unit))
    };
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    for (metered, code, plan, unit) in lines {
        if let Some(meter) = old(code, plan) {
            out.push(meter);
            continue;
        }
        let mut meter = if *metered && shared(unit) { format!("{code}/{plan}/{unit}") } else { (*unit).to_owned() };
        if *metered {
            let base = meter.clone();
            let mut n = 2;
            let taken = |m: &str, out: &[String]| {
                lines.iter().zip(out).any(|((mt, ..), o)| *mt && o == m)
                    || lines.iter().any(|(mt, c, p, _)| *mt && old(c, p).is_some_and(|k| k == m))
            };
            while taken(&meter, &out) {
                meter = format!("{base}#{n}");
                n += 1;
            }
        }
        out.push(meter);
    }
    out
}

/// The whole invoice (SPEC §3).
pub fn compute(input: Input<'_>) -> Amounts {
    // exact usage per (meter, month), summed whatever the order and batching
    let mut usage: BTreeMap<(&str, Month), i64> = BTreeMap::new();
    for (meter, month, q) in input.usage {
        *usage.entry((meter.as_str(), *month)).or_default() += q.micros();
    }
    // a meter bills on the first metered line that has it
    let mut first_line_of: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, l) in input.lines.iter().enumerate() {
        if l.metered {
            first_line_of.entry(l.meter.as_str()).or_insert(i);
        }
    }
    let months = months_in_contract(input.period, input.starts_on, input.ends_on);
    // the months that may be credited: the period's, and earlier months of the contract
    let credit_months: Vec<Month> = {
        let mut m: Vec<Month> = input
            .sla
            .iter()
            .map(|s| s.month)
            .filter(|m| *m <= input.period.last && month_in_contract(*m, input.starts_on, input.ends_on))
            .collect();
        m.sort_unstable();
        m.dedup();
        m
    };
    let mut earlier: BTreeMap<(&str, Month), i64> = BTreeMap::new();
    for (meter, month, q) in input.earlier_usage {
        if *month < input.period.first {
            *earlier.entry((meter.as_str(), *month)).or_default() += q.micros();
        }
    }
    // a service's fee per month (for the credits)
    let mut fee: BTreeMap<(&str, Month), i64> = BTreeMap::new();

    let mut lines = Vec::new();
    for (i, l) in input.lines.iter().enumerate() {
        if !l.metered || first_line_of.get(l.meter.as_str()) != Some(&i) {
            continue;
        }
        let price = net_unit_price(l.unit_price_krw, l.vat_included);
        let total: i64 = usage.range((l.meter.as_str(), Month(i64::MIN))..=(l.meter.as_str(), Month(i64::MAX))).map(|(_, q)| *q).sum();
        let quantity = Quantity::from_micros(total);
        for m in &credit_months {
            let q = if months.contains(m) { usage.get(&(l.meter.as_str(), *m)) } else { earlier.get(&(l.meter.as_str(), *m)) };
            if let Some(q) = q {
                *fee.entry((l.service_id.as_str(), *m)).or_default() += Quantity::from_micros(*q).times_price(price);
            }
        }
        lines.push(Line {
            service_id: l.service_id.clone(),
            description: l.description.clone(),
            meter: l.meter.clone(),
            quantity,
            unit_price_krw: price,
            amount_krw: quantity.times_price(price),
        });
    }

    let mut fixed = Vec::new();
    for m in &credit_months {
        for l in input.lines.iter().filter(|l| !l.metered) {
            let amount = net_unit_price(l.unit_price_krw, l.vat_included).saturating_mul(l.quantity.max(0));
            *fee.entry((l.service_id.as_str(), *m)).or_default() += amount;
        }
    }
    for m in &months {
        for l in input.lines.iter().filter(|l| !l.metered) {
            let amount = net_unit_price(l.unit_price_krw, l.vat_included).saturating_mul(l.quantity.max(0));
            fixed.push(Fixed { service_id: l.service_id.clone(), description: l.description.clone(), month: *m, amount_krw: amount });
        }
    }
    let fixed_krw: i64 = fixed.iter().map(|f| f.amount_krw).sum();
    let gross = lines.iter().map(|l| l.amount_krw).sum::<i64>() + fixed_krw;

    let mut credits = Vec::new();
    let mut sla: Vec<&SlaMonth> = input.sla.iter().filter(|s| credit_months.contains(&s.month)).collect();
    sla.sort_by(|a, b| (a.month, &a.service_id).cmp(&(b.month, &b.service_id)));
    sla.dedup_by(|a, b| a.month == b.month && a.service_id == b.service_id);
    for s in sla {
        if !below_sla(s.outage_minutes, s.month, s.availability_pct) {
            continue;
        }
        let fee_krw = fee.get(&(s.service_id.as_str(), s.month)).copied().unwrap_or(0);
        let given: i64 = input.credited.iter().filter(|(sv, m, _)| *sv == s.service_id && *m == s.month).map(|c| c.2).sum();
        let due = sla_credit(fee_krw, s.credit_pct).saturating_sub(given);
        if due <= 0 {
            continue;
        }
        credits.push(Credit {
            service_id: s.service_id.clone(),
            month: s.month,
            outage_minutes: s.outage_minutes,
            availability_milli: availability_milli(s.outage_minutes, s.month),
            sla_availability_milli: crate::usage::pct_milli(s.availability_pct),
            credit_pct_milli: crate::usage::pct_milli(s.credit_pct),
            fee_krw,
            credit_krw: due,
            whole_credit_krw: due,
        });
    }
    let credit_krw = credits.iter().map(|c| c.credit_krw).sum::<i64>().min(gross);
    // capped: the entries say what was given (the latest months give up the excess), so a later
    // invoice gives the rest of a month's credit rather than losing it
    let mut excess = credits.iter().map(|c| c.credit_krw).sum::<i64>() - credit_krw;
    for c in credits.iter_mut().rev() {
        if excess == 0 {
            break;
        }
        let cut = excess.min(c.credit_krw);
        c.credit_krw -= cut;
        c.whole_credit_krw -= cut;
        excess -= cut;
    }
    credits.retain(|c| c.credit_krw > 0);
    let net_krw = gross - credit_krw;
    let vat_krw = vat(net_krw);
    Amounts { lines, fixed, credits, fixed_krw, credit_krw, net_krw, vat_krw, total_krw: net_krw + vat_krw }
}

/// A joint contract's whole invoice split by the members' percent shares (summing to 100), in
/// the shares' order: each line, fixed fee and credit is split with
/// [`crate::buying::split_by_shares`]; a member's credit never passes its lines and fees (the
/// excess moves to the members with room). Lines, fees, credits and nets sum exactly to the
/// whole's; each member issues its own tax invoice, so its VAT is 10 % of its own net truncated
/// (SPEC §3), and the members' VAT together may fall short of the whole's by less than a won a
/// member.
pub fn split(whole: &Amounts, pcts: &[u32]) -> Vec<Amounts> {
    use crate::buying::split_by_shares;
    let n = pcts.len();
    if n == 0 {
        return Vec::new();
    }
    let mut out: Vec<Amounts> = vec![Amounts::default(); n];
    for l in &whole.lines {
        for (i, a) in split_by_shares(l.amount_krw, pcts).into_iter().enumerate() {
            out[i].lines.push(Line { amount_krw: a, ..l.clone() });
        }
    }
    for f in &whole.fixed {
        for (i, a) in split_by_shares(f.amount_krw, pcts).into_iter().enumerate() {
            out[i].fixed.push(Fixed { amount_krw: a, ..f.clone() });
        }
    }
    for c in &whole.credits {
        let fees = split_by_shares(c.fee_krw, pcts);
        for (i, a) in split_by_shares(c.credit_krw, pcts).into_iter().enumerate() {
            out[i].credits.push(Credit { credit_krw: a, fee_krw: fees[i], ..c.clone() });
        }
    }
    let gross: Vec<i64> = out.iter().map(|a| a.lines_krw() + a.fixed.iter().map(|f| f.amount_krw).sum::<i64>()).collect();
    let mut credit = split_by_shares(whole.credit_krw, pcts);
    // no member's credit above its gross: move the excess to those with room
    let mut excess = 0;
    for i in 0..n {
        if credit[i] > gross[i] {
            excess += credit[i] - gross[i];
            credit[i] = gross[i];
        }
    }
    for i in 0..n {
        if excess == 0 {
            break;
        }
        let room = gross[i] - credit[i];
        let take = room.min(excess);
        credit[i] += take;
        excess -= take;
    }
    for (i, a) in out.iter_mut().enumerate() {
        a.fixed_krw = a.fixed.iter().map(|f| f.amount_krw).sum();
        a.credit_krw = credit[i];
        a.net_krw = gross[i] - credit[i];
        a.vat_krw = vat(a.net_krw);
    }
    for a in &mut out {
        a.total_krw = a.net_krw + a.vat_krw;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn metered(service: &str, meter: &str, price: i64, vat_included: bool) -> ContractLine {
        ContractLine {
            service_id: service.into(),
            description: format!("{service} {meter}"),
            meter: meter.into(),
            metered: true,
            unit_price_krw: price,
            vat_included,
            quantity: 0,
        }
    }

    fn fixed(service: &str, price: i64, quantity: i64) -> ContractLine {
        ContractLine {
            service_id: service.into(),
            description: format!("{service} fixed"),
            meter: "월".into(),
            metered: false,
            unit_price_krw: price,
            vat_included: false,
            quantity,
        }
    }

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).expect("a quantity")
    }

    fn nov() -> Period {
        Period::parse("2026-11").expect("a period")
    }

    #[test]
    fn vat_included_prices_are_taken_net_half_up_before_multiplying() {
        assert_eq!(net_unit_price(110, true), 100);
        assert_eq!(net_unit_price(100, true), 91); // 90.909 → 91
        assert_eq!(net_unit_price(1, true), 1); // 0.909 → 1
        assert_eq!(net_unit_price(16, true), 15); // 14.545 → 15
        assert_eq!(net_unit_price(5, true), 5); // 4.545 → 5
        assert_eq!(net_unit_price(38, true), 35); // 34.545 → 35
        assert_eq!(net_unit_price(27, true), 25); // 24.545 → 25
        assert_eq!(net_unit_price(55, true), 50); // exactly 50
        assert_eq!(net_unit_price(100, false), 100);
        // 11 ÷ 1.1 = 10 exactly; 5.5 → half-up at the .5
        assert_eq!(net_unit_price(11, true), 10);
        assert_eq!(net_unit_price(0, true), 0);
    }

    #[test]
    fn an_invoice_follows_spec_section_3() {
        let lines = [metered("s1", "vCPU-hour", 100, false), metered("s1", "GB-month", 110, true), fixed("s1", 50_000, 2)];
        let usage = vec![
            ("vCPU-hour".to_string(), Month(202611), q("10.5")),
            ("vCPU-hour".to_string(), Month(202611), q("0.004")),
            ("GB-month".to_string(), Month(202611), q("3")),
            ("unknown".to_string(), Month(202611), q("99")),
        ];
        let a = compute(Input {
            lines: &lines,
            period: nov(),
            starts_on: date!(2026 - 01 - 01),
            ends_on: date!(2026 - 12 - 31),
            usage: &usage,
            sla: &[],
            earlier_usage: &[],
            credited: &[],
        });
        assert_eq!(a.lines.len(), 2);
        assert_eq!(a.lines[0].quantity.to_decimal(), "10.504");
        assert_eq!(a.lines[0].amount_krw, 1050); // 1050.4 → 1050
        assert_eq!(a.lines[1].unit_price_krw, 100);
        assert_eq!(a.lines[1].amount_krw, 300);
        assert_eq!(a.fixed_krw, 100_000);
        assert_eq!(a.credit_krw, 0);
        assert_eq!(a.net_krw, 101_350);
        assert_eq!(a.vat_krw, 10_135);
        assert_eq!(a.total_krw, 111_485);
    }

    #[test]
    fn a_month_below_the_sla_credits_that_services_fee() {
        let lines = [metered("s1", "h", 1000, false), fixed("s1", 100_000, 1), fixed("s2", 40_000, 1)];
        let usage = vec![("h".to_string(), Month(202611), q("100"))];
        let sla = [
            // 30-day month: 99.9 % allows 43.2 minutes
            SlaMonth { service_id: "s1".into(), month: Month(202611), outage_minutes: 60, availability_pct: 99.9, credit_pct: 10.0 },
            SlaMonth { service_id: "s2".into(), month: Month(202611), outage_minutes: 43, availability_pct: 99.9, credit_pct: 10.0 },
        ];
        let a = compute(Input {
            lines: &lines,
            period: nov(),
            starts_on: date!(2026 - 01 - 01),
            ends_on: date!(2026 - 12 - 31),
            usage: &usage,
            sla: &sla,
            earlier_usage: &[],
            credited: &[],
        });
        assert_eq!(a.credits.len(), 1);
        assert_eq!(a.credits[0].fee_krw, 200_000);
        assert_eq!(a.credits[0].credit_krw, 20_000);
        assert_eq!(a.credits[0].availability_milli, 99_861);
        assert_eq!(a.credit_krw, 20_000);
        assert_eq!(a.net_krw, 100_000 + 140_000 - 20_000);
        assert_eq!(a.vat_krw, 22_000);
    }

    #[test]
    fn a_credit_found_after_its_month_was_invoiced_goes_on_a_later_invoice_once() {
        let lines = [metered("s1", "h", 1000, false), fixed("s1", 100_000, 1)];
        let dec = Period::parse("2026-12").expect("a period");
        // November (100 h + the fixed fee = 200,000 won) was issued without a credit; an outage
        // of 60 minutes in November is recorded in December
        let nov_sla =
            SlaMonth { service_id: "s1".into(), month: Month(202611), outage_minutes: 60, availability_pct: 99.9, credit_pct: 10.0 };
        let nov_usage = vec![("h".to_string(), Month(202611), q("100"))];
        let dec_usage = vec![("h".to_string(), Month(202612), q("10"))];
        let sla = [nov_sla.clone()];
        let input = Input {
            lines: &lines,
            period: dec,
            starts_on: date!(2026 - 01 - 01),
            ends_on: date!(2026 - 12 - 31),
            usage: &dec_usage,
            sla: &sla,
            earlier_usage: &nov_usage,
            credited: &[],
        };
        let a = compute(input);
        assert_eq!(a.credits.len(), 1);
        assert_eq!((a.credits[0].month, a.credits[0].fee_krw, a.credits[0].credit_krw), (Month(202611), 200_000, 20_000));
        assert_eq!(a.credits[0].whole_credit_krw, 20_000);
        // December's own fee: 10 h + the fixed fee, no fixed fee for November again
        assert_eq!(a.fixed.len(), 1);
        assert_eq!(a.net_krw, 10_000 + 100_000 - 20_000);
        // once given, it is not given again; a longer outage later gives only the difference
        let given = [("s1".to_string(), Month(202611), 20_000)];
        assert!(compute(Input { credited: &given, ..input }).credits.is_empty());
        let longer = [SlaMonth { outage_minutes: 600, credit_pct: 25.0, ..nov_sla }];
        let more = compute(Input { credited: &given, sla: &longer, ..input });
        assert_eq!(more.credits[0].credit_krw, 50_000 - 20_000);
        // a month after the period or outside the contract credits nothing
        let outside = [SlaMonth { month: Month(202512), ..sla[0].clone() }];
        assert!(compute(Input { sla: &outside, ..input }).credits.is_empty());
    }

    #[test]
    fn every_period_of_a_contract_up_to_the_last_ended_is_billed() {
        use crate::usage::Billing;
        let dec = Period::parse("2026-12").expect("a period");
        let keys = |v: Vec<Period>| v.into_iter().map(Period::key).collect::<Vec<_>>();
        assert_eq!(
            keys(periods_through(Billing::Monthly, date!(2026 - 09 - 15), date!(2027 - 09 - 14), dec)),
            ["2026-09", "2026-10", "2026-11", "2026-12"]
        );
        // a contract that ended in October stops there
        assert_eq!(keys(periods_through(Billing::Monthly, date!(2026 - 09 - 15), date!(2026 - 10 - 01), dec)), ["2026-09", "2026-10"]);
        let q4 = Period::parse("2026-Q4").expect("a period");
        assert_eq!(
            keys(periods_through(Billing::Quarterly, date!(2026 - 05 - 01), date!(2027 - 04 - 30), q4)),
            ["2026-Q2", "2026-Q3", "2026-Q4"]
        );
        // one starting after the period has none yet
        assert!(periods_through(Billing::Monthly, date!(2027 - 01 - 01), date!(2027 - 12 - 31), dec).is_empty());
    }

    #[test]
    fn an_amendment_keeps_the_meters_its_lines_had() {
        // the contract metered its one GB line as "GB"; an amendment adds a second GB plan
        let lines = [(true, "S-1", "Basic", "GB"), (true, "S-1", "Backup", "GB"), (true, "S-1", "CPU", "h")];
        assert_eq!(distinct_meters_keeping(&lines, &[("S-1", "Basic", "GB")]), vec!["GB", "S-1/Backup/GB", "h"]);
        // a kept qualified meter stays as it was
        let kept = [("S-1", "Basic", "S-1/Basic/GB"), ("S-1", "Backup", "S-1/Backup/GB")];
        assert_eq!(distinct_meters_keeping(&lines[..2], &kept), vec!["S-1/Basic/GB", "S-1/Backup/GB"]);
    }

    #[test]
    fn a_capped_credit_records_only_what_it_gave() {
        let lines = [metered("s1", "h", 1000, false)];
        let usage = vec![("h".to_string(), Month(202612), q("1"))];
        let dec = Period::parse("2026-12").expect("a period");
        let nov_usage = vec![("h".to_string(), Month(202611), q("100"))];
        // November's 100 % credit (100,000 won) lands on a December of 1,000 won
        let sla =
            [SlaMonth { service_id: "s1".into(), month: Month(202611), outage_minutes: 43_200, availability_pct: 99.9, credit_pct: 100.0 }];
        let a = compute(Input {
            lines: &lines,
            period: dec,
            starts_on: date!(2026 - 01 - 01),
            ends_on: date!(2026 - 12 - 31),
            usage: &usage,
            sla: &sla,
            earlier_usage: &nov_usage,
            credited: &[],
        });
        assert_eq!((a.credit_krw, a.net_krw), (1_000, 0));
        assert_eq!((a.credits[0].credit_krw, a.credits[0].whole_credit_krw), (1_000, 1_000), "only what it gave");
    }

    #[test]
    fn meters_shared_by_two_metered_lines_are_made_distinct() {
        let lines = [
            (true, "S-1", "Basic", "GB"),
            (true, "S-2", "Backup", "GB"),
            (true, "S-1", "Basic", "vCPU-hour"),
            (false, "S-3", "Fixed", "GB"),
            (true, "S-2", "Backup", "GB"),
        ];
        assert_eq!(distinct_meters(&lines), vec!["S-1/Basic/GB", "S-2/Backup/GB", "vCPU-hour", "GB", "S-2/Backup/GB#2"]);
        // a contract whose meters differ keeps the plan units as they are
        assert_eq!(distinct_meters(&[(true, "A", "p", "GB"), (true, "B", "q", "h")]), vec!["GB", "h"]);
    }

    #[test]
    fn fixed_fees_count_the_months_inside_the_contract() {
        let lines = [fixed("s1", 1000, 3)];
        let q4 = Period::parse("2026-Q4").expect("a period");
        let a = compute(Input {
            lines: &lines,
            period: q4,
            starts_on: date!(2026 - 11 - 15),
            ends_on: date!(2027 - 11 - 14),
            usage: &[],
            sla: &[],
            earlier_usage: &[],
            credited: &[],
        });
        assert_eq!(a.fixed.iter().map(|f| f.month).collect::<Vec<_>>(), vec![Month(202611), Month(202612)]);
        assert_eq!(a.fixed_krw, 6000);
        let ended = compute(Input {
            lines: &lines,
            period: q4,
            starts_on: date!(2026 - 01 - 01),
            ends_on: date!(2026 - 10 - 01),
            usage: &[],
            sla: &[],
            earlier_usage: &[],
            credited: &[],
        });
        assert_eq!(ended.fixed_krw, 3000);
    }

    #[test]
    fn credits_never_pass_lines_and_fees() {
        let lines = [fixed("s1", 10, 1)];
        let sla =
            [SlaMonth { service_id: "s1".into(), month: Month(202611), outage_minutes: 43_200, availability_pct: 99.9, credit_pct: 100.0 }];
        let a = compute(Input {
            lines: &lines,
            period: nov(),
            starts_on: date!(2026 - 01 - 01),
            ends_on: date!(2026 - 12 - 31),
            usage: &[],
            sla: &sla,
            earlier_usage: &[],
            credited: &[],
        });
        assert_eq!((a.credit_krw, a.net_krw, a.vat_krw, a.total_krw), (10, 0, 0, 0));
    }

    #[test]
    fn a_joint_split_sums_to_the_whole() {
        let lines = [metered("s1", "h", 333, false), fixed("s1", 1001, 1)];
        let usage = vec![("h".to_string(), Month(202611), q("7.77"))];
        let whole = compute(Input {
            lines: &lines,
            period: nov(),
            starts_on: date!(2026 - 01 - 01),
            ends_on: date!(2026 - 12 - 31),
            usage: &usage,
            sla: &[],
            earlier_usage: &[],
            credited: &[],
        });
        let parts = split(&whole, &[34, 33, 33]);
        assert_eq!(parts.len(), 3);
        assert_eq!(parts.iter().map(|p| p.net_krw).sum::<i64>(), whole.net_krw);
        assert!(parts.iter().all(|p| p.vat_krw == vat(p.net_krw)), "each member's VAT is of its own net");
        let vats: i64 = parts.iter().map(|p| p.vat_krw).sum();
        assert!(vats <= whole.vat_krw && whole.vat_krw - vats < 3, "{vats} {}", whole.vat_krw);
        assert_eq!(parts[0].lines[0].quantity, whole.lines[0].quantity);
    }

    fn check(a: &Amounts) {
        assert!(a.credit_krw >= 0 && a.net_krw >= 0 && a.vat_krw >= 0 && a.fixed_krw >= 0, "{a:?}");
        assert!(a.lines.iter().all(|l| l.amount_krw >= 0));
        assert_eq!(a.lines_krw() + a.fixed_krw - a.credit_krw, a.net_krw);
        assert_eq!(a.net_krw + a.vat_krw, a.total_krw);
        assert_eq!(a.fixed.iter().map(|f| f.amount_krw).sum::<i64>(), a.fixed_krw);
    }

    fn arb_lines() -> impl Strategy<Value = Vec<ContractLine>> {
        prop::collection::vec(
            (0..3usize, 0..4usize, any::<bool>(), 0i64..2_000_000, any::<bool>(), 0i64..5).prop_map(|(s, m, metered, price, vi, qty)| {
                ContractLine {
                    service_id: format!("s{s}"),
                    description: format!("line {s}/{m}"),
                    meter: format!("m{m}"),
                    metered,
                    unit_price_krw: price,
                    vat_included: vi,
                    quantity: qty,
                }
            }),
            0..6,
        )
    }

    fn arb_usage() -> impl Strategy<Value = Vec<(String, Month, Quantity)>> {
        prop::collection::vec(
            (0..5usize, 0..3i64, 0i64..5_000_000_000)
                .prop_map(|(m, mo, micros)| (format!("m{m}"), Month(202610 + mo), Quantity::from_micros(micros))),
            0..30,
        )
    }

    fn arb_sla() -> impl Strategy<Value = Vec<SlaMonth>> {
        prop::collection::vec(
            (0..3usize, 0..3i64, 0i64..50_000, 90.0f64..100.0, 0.0f64..150.0).prop_map(|(s, mo, minutes, avail, credit)| SlaMonth {
                service_id: format!("s{s}"),
                month: Month(202610 + mo),
                outage_minutes: minutes,
                availability_pct: avail,
                credit_pct: credit,
            }),
            0..6,
        )
    }

    proptest! {
        #[test]
        fn a_credit_never_makes_an_invoice_negative_and_the_amounts_add_up(
            lines in arb_lines(), usage in arb_usage(), sla in arb_sla(), quarterly in any::<bool>()
        ) {
            let period = if quarterly { Period::parse("2026-Q4").expect("p") } else { nov() };
            let a = compute(Input { lines: &lines, period, starts_on: date!(2026 - 10 - 20), ends_on: date!(2027 - 10 - 19), usage: &usage, sla: &sla, earlier_usage: &[], credited: &[] });
            check(&a);
            prop_assert_eq!(a.vat_krw, crate::money::vat(a.net_krw));
            prop_assert!(a.credit_krw <= a.lines_krw() + a.fixed_krw);
        }

        #[test]
        fn the_same_records_in_any_order_and_batching_give_the_same_invoice(
            lines in arb_lines(), usage in arb_usage(), sla in arb_sla(), seed in any::<u64>(), cut in 0usize..30
        ) {
            let base = compute(Input { lines: &lines, period: nov(), starts_on: date!(2026 - 01 - 01), ends_on: date!(2026 - 12 - 31), usage: &usage, sla: &sla, earlier_usage: &[], credited: &[] });
            // shuffle deterministically from the seed
            let mut shuffled = usage.clone();
            let mut s = seed | 1;
            for i in (1..shuffled.len()).rev() {
                s ^= s << 13; s ^= s >> 7; s ^= s << 17;
                shuffled.swap(i, (s % (i as u64 + 1)) as usize);
            }
            // and batch: records arriving in two batches, each pre-aggregated per (meter, month)
            let cut = cut.min(shuffled.len());
            let mut batched = Vec::new();
            for part in [&shuffled[..cut], &shuffled[cut..]] {
                let mut agg: BTreeMap<(String, Month), i64> = BTreeMap::new();
                for (m, mo, qt) in part { *agg.entry((m.clone(), *mo)).or_default() += qt.micros(); }
                batched.extend(agg.into_iter().map(|((m, mo), v)| (m, mo, Quantity::from_micros(v))));
            }
            batched.reverse();
            let again = compute(Input { lines: &lines, period: nov(), starts_on: date!(2026 - 01 - 01), ends_on: date!(2026 - 12 - 31), usage: &batched, sla: &sla, earlier_usage: &[], credited: &[] });
            prop_assert_eq!(base, again);
        }

        #[test]
        fn joint_members_sum_to_the_whole_each_vat_its_own(
            lines in arb_lines(), usage in arb_usage(), sla in arb_sla(), shares in prop::sample::select(vec![vec![50u32, 50], vec![34, 33, 33], vec![1, 99], vec![60, 30, 10], vec![25, 25, 25, 25]])
        ) {
            let whole = compute(Input { lines: &lines, period: nov(), starts_on: date!(2026 - 01 - 01), ends_on: date!(2026 - 12 - 31), usage: &usage, sla: &sla, earlier_usage: &[], credited: &[] });
            let parts = split(&whole, &shares);
            prop_assert_eq!(parts.len(), shares.len());
            for p in &parts { check(p); }
            prop_assert_eq!(parts.iter().map(|p| p.net_krw).sum::<i64>(), whole.net_krw);
            for p in &parts { prop_assert_eq!(p.vat_krw, vat(p.net_krw)); }
            let vats: i64 = parts.iter().map(|p| p.vat_krw).sum();
            prop_assert!(vats <= whole.vat_krw && whole.vat_krw - vats < shares.len() as i64);
            prop_assert_eq!(parts.iter().map(|p| p.credit_krw).sum::<i64>(), whole.credit_krw);
            prop_assert_eq!(parts.iter().map(|p| p.fixed_krw).sum::<i64>(), whole.fixed_krw);
            prop_assert_eq!(parts.iter().map(|p| p.lines_krw()).sum::<i64>(), whole.lines_krw());
            for (i, l) in whole.lines.iter().enumerate() {
                prop_assert_eq!(parts.iter().map(|p| p.lines[i].amount_krw).sum::<i64>(), l.amount_krw);
            }
        }
    }
}

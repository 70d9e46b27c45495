//! Spend against a contract's cap and a budget line, its projection, and the warning thresholds
//! (SPEC §3 "Usage and billing": "Spend against the budget cap with warnings at 70/90/100% and a
//! projection of period-end spend"; SPEC §4 "Usage, invoices and post-management").
//!
//! Whole won, integer arithmetic only. An invoice's total is spread over the months of its
//! period (a quarterly invoice counts a third per month, the remainder won on its first months);
//! the monthly trend is the mean of the last (up to three) months that invoices cover, rounded
//! half-up; a projection is what is spent plus the trend for every month after the last one
//! invoiced up to the projection's end.

use crate::usage::Month;
use std::collections::BTreeMap;

/// The warning thresholds, in percent of the limit.
pub const THRESHOLDS: [i64; 3] = [70, 90, 100];

/// How many of the latest invoiced months the trend looks at.
pub const TREND_MONTHS: usize = 3;

/// One invoice as spend sees it: the months of its period and its total (VAT included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvoiceSpan {
    pub first: Month,
    pub last: Month,
    pub total_krw: i64,
}

/// The months `(after, upto]`: how many months follow `after` up to and including `upto` (0 when
/// `upto` is not after `after`).
pub fn months_after(after: Month, upto: Month) -> i64 {
    let index = |m: Month| i64::from(m.year()) * 12 + i64::from(m.month()) - 1;
    (index(upto) - index(after)).max(0)
}

/// Each invoice's total spread over its months: `n` months get `total / n` each, the remainder
/// one won a month from the first. The amounts of a month add up over invoices.
pub fn by_month(invoices: &[InvoiceSpan]) -> BTreeMap<Month, i64> {
    let mut out = BTreeMap::new();
    for inv in invoices {
        let n = months_after(inv.first, inv.last) + 1;
        let (each, mut rest) = (inv.total_krw.div_euclid(n), inv.total_krw.rem_euclid(n));
        let mut m = inv.first;
        for _ in 0..n {
            let extra = i64::from(rest > 0);
            rest -= extra;
            *out.entry(m).or_insert(0) += each + extra;
            m = m.next();
        }
    }
    out
}

/// The monthly trend: the mean of the last (up to [`TREND_MONTHS`]) months the invoices cover,
/// rounded half-up to the won; 0 without invoices.
pub fn monthly_trend(invoices: &[InvoiceSpan]) -> i64 {
    let months = by_month(invoices);
    let last: Vec<i64> = months.values().rev().take(TREND_MONTHS).copied().collect();
    if last.is_empty() {
        return 0;
    }
    let n = last.len() as i64;
    let sum: i64 = last.iter().sum();
    (2 * sum + n).div_euclid(2 * n)
}

/// The last month any invoice covers.
pub fn last_invoiced(invoices: &[InvoiceSpan]) -> Option<Month> {
    invoices.iter().map(|i| i.last).max()
}

/// Spend and its projections, in whole won.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Projection {
    /// Spent so far: every invoice's total, drafts included.
    pub spent_krw: i64,
    /// Won a month, from the invoices' trend.
    pub trend_krw_per_month: i64,
    /// Spent plus the trend up to the end of the current billing period.
    pub period_end_krw: i64,
    /// Spent plus the trend up to the end of the fiscal year (or the contract's end if earlier).
    pub year_end_krw: i64,
}

/// Where a projection runs: the months after `billed_through` (the last invoiced month, or the
/// month before the current one when nothing was invoiced yet) up to `period_end` and
/// `year_end` (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Horizon {
    pub billed_through: Month,
    pub period_end: Month,
    pub year_end: Month,
}

impl Horizon {
    /// The horizon of a subject with these invoices, in the month `current`: its period ends with
    /// `period_last`, the fiscal year (or the contract) with `year_last`; a period end after the
    /// year end is cut to it.
    pub fn new(invoices: &[InvoiceSpan], current: Month, period_last: Month, year_last: Month) -> Self {
        let billed_through = last_invoiced(invoices).unwrap_or_else(|| current.prev());
        Self { billed_through, period_end: period_last.min(year_last), year_end: year_last }
    }
}

/// `spent` plus `trend` for every month of the horizon not yet invoiced.
pub fn project(spent_krw: i64, trend_krw_per_month: i64, h: Horizon) -> Projection {
    let ahead = |upto: Month| spent_krw.saturating_add(trend_krw_per_month.saturating_mul(months_after(h.billed_through, upto)));
    Projection { spent_krw, trend_krw_per_month, period_end_krw: ahead(h.period_end), year_end_krw: ahead(h.year_end) }
}

/// `amount` as a whole percent of `limit`, rounded down; a limit of 0 is 0 % when nothing is
/// spent and 100 % otherwise (any spend is beyond it).
pub fn pct(amount_krw: i64, limit_krw: i64) -> i64 {
    if limit_krw <= 0 {
        return if amount_krw > 0 { 100 } else { 0 };
    }
    let p = i128::from(amount_krw.max(0)) * 100 / i128::from(limit_krw);
    i64::try_from(p).unwrap_or(i64::MAX)
}

/// The thresholds `amount` (spent plus the projection to the period's end) reaches of `limit`:
/// each `t` with `amount ≥ t % × limit`, exactly (70 % is reached at 70 %). Nothing spent reaches
/// nothing; any spend reaches every threshold of a limit of 0.
pub fn thresholds_crossed(amount_krw: i64, limit_krw: i64) -> Vec<i64> {
    if amount_krw <= 0 {
        return Vec::new();
    }
    THRESHOLDS.iter().copied().filter(|t| i128::from(amount_krw) * 100 >= i128::from(*t) * i128::from(limit_krw.max(0))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(y: i32, mo: u8) -> Month {
        Month::new(y, mo)
    }

    fn inv(first: Month, last: Month, total: i64) -> InvoiceSpan {
        InvoiceSpan { first, last, total_krw: total }
    }

    #[test]
    fn months_after_counts_the_months_that_follow() {
        assert_eq!(months_after(m(2026, 10), m(2026, 11)), 1);
        assert_eq!(months_after(m(2026, 10), m(2026, 12)), 2);
        assert_eq!(months_after(m(2026, 11), m(2027, 2)), 3, "across the year");
        assert_eq!(months_after(m(2026, 11), m(2026, 11)), 0);
        assert_eq!(months_after(m(2026, 12), m(2026, 11)), 0, "never negative");
    }

    #[test]
    fn a_quarterly_invoice_counts_a_third_per_month() {
        let q = by_month(&[inv(m(2026, 7), m(2026, 9), 3_000_001)]);
        assert_eq!(q.values().copied().collect::<Vec<_>>(), [1_000_001, 1_000_000, 1_000_000], "the remainder on the first month");
        assert_eq!(q.values().sum::<i64>(), 3_000_001, "nothing lost");
        let both = by_month(&[inv(m(2026, 9), m(2026, 9), 10), inv(m(2026, 7), m(2026, 9), 30)]);
        assert_eq!(both.get(&m(2026, 9)), Some(&20), "amounts of one month add up");
    }

    #[test]
    fn the_trend_is_the_mean_of_the_last_three_invoiced_months() {
        assert_eq!(monthly_trend(&[]), 0);
        assert_eq!(monthly_trend(&[inv(m(2026, 10), m(2026, 10), 1_000)]), 1_000, "one month is its own trend");
        let invoices = [
            inv(m(2026, 6), m(2026, 6), 99_999_999),
            inv(m(2026, 8), m(2026, 8), 100),
            inv(m(2026, 9), m(2026, 9), 200),
            inv(m(2026, 10), m(2026, 10), 301),
        ];
        // (100 + 200 + 301) / 3 = 200.33 → 200; June is too old
        assert_eq!(monthly_trend(&invoices), 200);
        // half-up: (1 + 2) / 2 = 1.5 → 2
        assert_eq!(monthly_trend(&[inv(m(2026, 9), m(2026, 9), 1), inv(m(2026, 10), m(2026, 10), 2)]), 2);
        // a quarter: its last three months, a third each
        assert_eq!(monthly_trend(&[inv(m(2026, 7), m(2026, 9), 3_000)]), 1_000);
    }

    #[test]
    fn a_projection_adds_the_trend_for_each_month_not_invoiced() {
        let invoices = [inv(m(2026, 9), m(2026, 9), 1_000), inv(m(2026, 10), m(2026, 10), 2_000)];
        // in November: the October invoice is the last; November to the period's end, November
        // and December to the year's end
        let h = Horizon::new(&invoices, m(2026, 11), m(2026, 11), m(2026, 12));
        assert_eq!(h.billed_through, m(2026, 10));
        let p = project(3_000, monthly_trend(&invoices), h);
        assert_eq!(p, Projection { spent_krw: 3_000, trend_krw_per_month: 1_500, period_end_krw: 4_500, year_end_krw: 6_000 });
        // a quarter ending in December, a contract ending in November: cut to the contract
        let h = Horizon::new(&invoices, m(2026, 11), m(2026, 12), m(2026, 11));
        assert_eq!((h.period_end, h.year_end), (m(2026, 11), m(2026, 11)));
        // nothing invoiced: the trend is 0, the projection what is spent
        let h = Horizon::new(&[], m(2026, 11), m(2026, 11), m(2026, 12));
        assert_eq!(h.billed_through, m(2026, 10));
        assert_eq!(project(0, 0, h), Projection::default());
        // invoiced beyond the horizon (a late draft of the period): nothing more is added
        let h = Horizon { billed_through: m(2026, 12), period_end: m(2026, 11), year_end: m(2026, 12) };
        assert_eq!(project(500, 100, h).period_end_krw, 500);
    }

    #[test]
    fn thresholds_are_reached_exactly() {
        assert_eq!(thresholds_crossed(69_999, 100_000), Vec::<i64>::new());
        assert_eq!(thresholds_crossed(70_000, 100_000), [70], "exactly 70 % reaches 70");
        assert_eq!(thresholds_crossed(89_999, 100_000), [70]);
        assert_eq!(thresholds_crossed(90_000, 100_000), [70, 90]);
        assert_eq!(thresholds_crossed(100_000, 100_000), [70, 90, 100]);
        assert_eq!(thresholds_crossed(250_000, 100_000), [70, 90, 100]);
        // 70 % of 3 won is 2.1 won: 2 does not reach it, 3 does
        assert_eq!(thresholds_crossed(2, 3), Vec::<i64>::new());
        assert_eq!(thresholds_crossed(3, 3), [70, 90, 100]);
        // a limit of 0: nothing spent reaches nothing, any spend everything
        assert_eq!(thresholds_crossed(0, 0), Vec::<i64>::new());
        assert_eq!(thresholds_crossed(1, 0), [70, 90, 100]);
        assert_eq!(thresholds_crossed(0, 100), Vec::<i64>::new());
        assert_eq!(thresholds_crossed(i64::MAX, i64::MAX), [70, 90, 100], "no overflow");
    }

    #[test]
    fn pct_is_rounded_down() {
        assert_eq!(pct(70_000, 100_000), 70);
        assert_eq!(pct(69_999, 100_000), 69);
        assert_eq!(pct(250, 100), 250);
        assert_eq!(pct(0, 0), 0);
        assert_eq!(pct(5, 0), 100);
        assert_eq!(pct(-5, 100), 0);
    }

    proptest::proptest! {
        #[test]
        fn spreading_over_months_loses_nothing_and_ignores_order(
            raw in proptest::collection::vec((0_u8..12, 0_u8..2, 0_i64..10_000_000), 0..12)
        ) {
            let invoices: Vec<InvoiceSpan> = raw
                .iter()
                .map(|(mo, quarterly, total)| {
                    let first = m(2026, mo + 1);
                    let last = if *quarterly == 1 { first.next().next() } else { first };
                    inv(first, last, *total)
                })
                .collect();
            let spread = by_month(&invoices);
            proptest::prop_assert_eq!(spread.values().sum::<i64>(), invoices.iter().map(|i| i.total_krw).sum::<i64>());
            let mut reversed = invoices.clone();
            reversed.reverse();
            proptest::prop_assert_eq!(monthly_trend(&reversed), monthly_trend(&invoices));
            let t = monthly_trend(&invoices);
            let h = Horizon::new(&invoices, m(2026, 11), m(2026, 11), m(2026, 12));
            let p = project(100, t, h);
            proptest::prop_assert!(p.spent_krw <= p.period_end_krw && p.period_end_krw <= p.year_end_krw);
        }
    }
}

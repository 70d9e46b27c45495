//! The public statistics' arithmetic (docs/RULES.md#statistics): the months a time series
//! covers, where each month starts in Seoul, running totals and shares. Pure, so the page, the
//! JSON and the CSV agree to the won and the service.

use crate::clock::{SEOUL, to_micros};
use time::{Date, Month};

/// How many months the time series cover, ending with the current one.
pub const SERIES_MONTHS: usize = 24;

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct YearMonth {
    pub year: i32,
    pub month: Month,
}

impl YearMonth {
    pub fn of(d: Date) -> Self {
        Self { year: d.year(), month: d.month() }
    }

    /// The month before.
    pub fn prev(self) -> Self {
        match self.month {
            Month::January => Self { year: self.year - 1, month: Month::December },
            m => Self { year: self.year, month: m.previous() },
        }
    }

    /// The month after.
    pub fn next(self) -> Self {
        match self.month {
            Month::December => Self { year: self.year + 1, month: Month::January },
            m => Self { year: self.year, month: m.next() },
        }
    }

    /// `YYYY-MM`.
    pub fn label(self) -> String {
        format!("{:04}-{:02}", self.year, self.month as u8)
    }

    /// The instant (µs) the month starts in Asia/Seoul.
    pub fn start_micros(self) -> i64 {
        let first = Date::from_calendar_date(self.year, self.month, 1).unwrap_or(Date::MIN);
        to_micros(first.midnight().assume_offset(SEOUL))
    }
}

/// The `n` months ending with the one `today` falls in, oldest first.
pub fn months_ending(today: Date, n: usize) -> Vec<YearMonth> {
    let mut out = Vec::with_capacity(n);
    let mut m = YearMonth::of(today);
    for _ in 0..n {
        out.push(m);
        m = m.prev();
    }
    out.reverse();
    out
}

/// The bounds that split instants into: before the first month, each month, and after the last
/// (`months.len() + 1` bounds: every month's start and the start of the month after).
pub fn month_bounds(months: &[YearMonth]) -> Vec<i64> {
    let mut out: Vec<i64> = months.iter().map(|m| m.start_micros()).collect();
    if let Some(last) = months.last() {
        out.push(last.next().start_micros());
    }
    out
}

/// Running totals: `before` plus each month's new count, month by month.
pub fn running(before: u64, per_month: &[u64]) -> Vec<u64> {
    let mut total = before;
    per_month
        .iter()
        .map(|n| {
            total += n;
            total
        })
        .collect()
}

/// `part / whole`, rounded to four decimals; 0 when there is no whole.
pub fn share(part: i64, whole: i64) -> f64 {
    if whole <= 0 {
        return 0.0;
    }
    ((part.clamp(0, whole) as f64 / whole as f64) * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn months_wrap_over_the_year() {
        let m = months_ending(date!(2026 - 02 - 15), 4);
        assert_eq!(m.iter().map(|m| m.label()).collect::<Vec<_>>(), ["2025-11", "2025-12", "2026-01", "2026-02"]);
        assert_eq!(YearMonth::of(date!(2026 - 12 - 31)).next().label(), "2027-01");
        assert_eq!(YearMonth::of(date!(2026 - 01 - 01)).prev().label(), "2025-12");
        assert_eq!(months_ending(date!(2026 - 02 - 15), SERIES_MONTHS).len(), SERIES_MONTHS);
    }

    #[test]
    fn a_month_starts_at_seoul_midnight() {
        // 2026-11-01T00:00+09:00 = 2026-10-31T15:00Z
        let start = YearMonth::of(date!(2026 - 11 - 20)).start_micros();
        assert_eq!(crate::clock::rfc3339_utc(start), "2026-10-31T15:00:00.000000Z");
        let b = month_bounds(&months_ending(date!(2026 - 11 - 20), 2));
        assert_eq!(b.len(), 3);
        assert!(b.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(crate::clock::rfc3339_utc(b[2]), "2026-11-30T15:00:00.000000Z");
        assert!(month_bounds(&[]).is_empty());
    }

    #[test]
    fn running_totals_and_shares() {
        assert_eq!(running(5, &[1, 0, 3]), [6, 6, 9]);
        assert!(running(5, &[]).is_empty());
        assert_eq!(share(1, 3), 0.3333);
        assert_eq!(share(2, 3), 0.6667);
        assert_eq!(share(0, 0), 0.0);
        assert_eq!(share(5, 0), 0.0);
        assert_eq!(share(7, 7), 1.0);
        assert_eq!(share(9, 7), 1.0, "never more than the whole");
        assert_eq!(share(-1, 7), 0.0);
    }
}

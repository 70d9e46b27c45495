//! Business days (영업일): weekdays that are not Korean public holidays, counted in Asia/Seoul
//! dates (docs/RULES.md#time-and-calendar). The holidays are data the operator edits; this module
//! only counts with the set it is given.

use std::collections::BTreeSet;
use time::{Date, Duration, Weekday};

/// The public holidays in use (공휴일, incl. substitute holidays), as Asia/Seoul dates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Holidays(BTreeSet<Date>);

impl Holidays {
    pub fn new(days: impl IntoIterator<Item = Date>) -> Self {
        Self(days.into_iter().collect())
    }

    pub fn contains(&self, day: Date) -> bool {
        self.0.contains(&day)
    }

    /// A weekday that is not a holiday.
    pub fn is_business_day(&self, day: Date) -> bool {
        !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) && !self.contains(day)
    }

    /// The business days after `from` up to and including `to`: a step started on a Friday and
    /// looked at the next Monday has taken one business day; the same day counts none. Zero when
    /// `to` is not after `from`.
    pub fn business_days_between(&self, from: Date, to: Date) -> i64 {
        if to <= from {
            return 0;
        }
        // Whole weeks hold five weekdays each; only the remainder is walked, plus the holidays
        // of the span (a set lookup each), so a long span costs what a short one does.
        let days = (to - from).whole_days();
        let weeks = days / 7;
        let mut count = weeks * 5;
        let mut d = from + Duration::days(weeks * 7);
        while d < to {
            d = d.next_day().unwrap_or(d);
            if !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) {
                count += 1;
            }
        }
        let after = from.next_day().unwrap_or(from);
        let holidays_on_weekdays =
            self.0.range(after..=to).filter(|h| !matches!(h.weekday(), Weekday::Saturday | Weekday::Sunday)).count() as i64;
        count - holidays_on_weekdays
    }

    /// The date `n` business days after `from` (a target's due date).
    pub fn add_business_days(&self, from: Date, n: u32) -> Date {
        let mut d = from;
        let mut left = n;
        while left > 0 {
            d = d.next_day().unwrap_or(d);
            if self.is_business_day(d) {
                left -= 1;
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn walk(h: &Holidays, from: Date, to: Date) -> i64 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            d = d.next_day().expect("day");
            if h.is_business_day(d) {
                n += 1;
            }
        }
        n
    }

    #[test]
    fn weekends_and_holidays_are_skipped() {
        // 2026-12-25 (Fri) is 성탄절.
        let h = Holidays::new([date!(2026 - 12 - 25)]);
        assert_eq!(h.business_days_between(date!(2026 - 12 - 21), date!(2026 - 12 - 21)), 0);
        // Mon → Fri: Tue, Wed, Thu (Fri a holiday).
        assert_eq!(h.business_days_between(date!(2026 - 12 - 21), date!(2026 - 12 - 25)), 3);
        // Fri → next Mon: one.
        assert_eq!(h.business_days_between(date!(2026 - 12 - 18), date!(2026 - 12 - 21)), 1);
        // Saturday → Sunday: none.
        assert_eq!(h.business_days_between(date!(2026 - 12 - 19), date!(2026 - 12 - 20)), 0);
        assert_eq!(h.business_days_between(date!(2026 - 12 - 25), date!(2026 - 12 - 21)), 0);
        assert!(!h.is_business_day(date!(2026 - 12 - 25)));
        assert!(h.is_business_day(date!(2026 - 12 - 24)));
        assert_eq!(h.add_business_days(date!(2026 - 12 - 23), 2), date!(2026 - 12 - 28));
        assert_eq!(h.add_business_days(date!(2026 - 12 - 23), 0), date!(2026 - 12 - 23));
    }

    #[test]
    fn a_holiday_on_a_weekend_is_not_counted_twice() {
        let h = Holidays::new([date!(2026 - 12 - 26)]); // a Saturday
        assert_eq!(h.business_days_between(date!(2026 - 12 - 21), date!(2026 - 12 - 28)), 5);
    }

    proptest! {
        #[test]
        fn counting_matches_a_day_by_day_walk(start in 0i64..3000, len in 0i64..400, hol in proptest::collection::vec(0i64..3400, 0..40)) {
            let base = date!(2024 - 01 - 01);
            let from = base + Duration::days(start);
            let to = from + Duration::days(len);
            let h = Holidays::new(hol.into_iter().map(|d| base + Duration::days(d)));
            prop_assert_eq!(h.business_days_between(from, to), walk(&h, from, to));
            let n = h.business_days_between(from, to) as u32;
            let due = h.add_business_days(from, n);
            prop_assert!(due <= to);
            prop_assert_eq!(walk(&h, from, due), n as i64);
        }
    }
}

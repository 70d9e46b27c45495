//! When the scheduled jobs tell a supplier that an end approaches or has come
//! (docs/RULES.md#jobs-and-notices): a certificate's `valid_to` (90, 60 and 30 days before, and
//! after it), a selection's `selection_valid_to` (90 and 30 days before; the day after it the
//! service expires). Dates are Asia/Seoul; both ends are inclusive (the last valid day).
//!
//! A notice is due from its threshold's day until the next threshold's: a job that did not run
//! for a while sends the one notice that is due now, never the earlier ones it missed, and each
//! notice is sent once per service, kind, threshold and end date (a renewed end starts afresh).

use time::Date;

/// Days before a certificate's last valid day that its supplier is told.
pub const CERTIFICATE_DAYS: [i64; 3] = [90, 60, 30];
/// Days before a selection's last day that its supplier is told.
pub const SELECTION_DAYS: [i64; 2] = [90, 30];
/// How long after an end its notice is still sent: a job that missed the day catches up, but
/// an end long past (a catalog imported with old certificates) is not announced as news.
pub const ENDED_GRACE_DAYS: i64 = 30;

/// Which notice is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Due {
    /// The end is this many days away or fewer (one of the thresholds).
    DaysBefore(i64),
    /// The last day has passed.
    Ended,
}

impl Due {
    /// The stored key of the threshold: `d90`, `d60`, `d30`, `ended`.
    pub fn key(self) -> String {
        match self {
            Self::DaysBefore(n) => format!("d{n}"),
            Self::Ended => "ended".into(),
        }
    }
}

/// The notice due on `today` for an end whose last day is `last_day`, with `thresholds` in days
/// before it: the smallest threshold the days left have reached, `Ended` within
/// [`ENDED_GRACE_DAYS`] after the last day, else none.
pub fn due(last_day: Date, today: Date, thresholds: &[i64]) -> Option<Due> {
    let left = (last_day - today).whole_days();
    if left < 0 {
        return (-left <= ENDED_GRACE_DAYS).then_some(Due::Ended);
    }
    thresholds.iter().copied().filter(|t| left <= *t).min().map(Due::DaysBefore)
}

/// A selection has ended (the service expires) once its last day has passed.
pub fn selection_ended(selection_valid_to: Date, today: Date) -> bool {
    today > selection_valid_to
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{epoch_day, from_epoch_day};
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn certificate_thresholds() {
        let end = date!(2027 - 03 - 31);
        let on = |d: Date| due(end, d, &CERTIFICATE_DAYS);
        assert_eq!(on(date!(2026 - 12 - 30)), None, "91 days before");
        assert_eq!(on(date!(2026 - 12 - 31)), Some(Due::DaysBefore(90)), "90 days before");
        assert_eq!(on(date!(2027 - 01 - 29)), Some(Due::DaysBefore(90)), "61 days before");
        assert_eq!(on(date!(2027 - 01 - 30)), Some(Due::DaysBefore(60)), "60 days before");
        assert_eq!(on(date!(2027 - 03 - 01)), Some(Due::DaysBefore(30)));
        assert_eq!(on(end), Some(Due::DaysBefore(30)), "the last valid day");
        assert_eq!(on(date!(2027 - 04 - 01)), Some(Due::Ended), "the day after");
        assert_eq!(on(date!(2027 - 04 - 30)), Some(Due::Ended), "30 days after");
        assert_eq!(on(date!(2027 - 05 - 01)), None, "an end long past is not news");
    }

    #[test]
    fn selection_thresholds_and_end() {
        let end = date!(2029 - 11 - 22);
        assert_eq!(due(end, date!(2029 - 08 - 24), &SELECTION_DAYS), Some(Due::DaysBefore(90)));
        assert_eq!(due(end, date!(2029 - 10 - 22), &SELECTION_DAYS), Some(Due::DaysBefore(90)), "31 days before");
        assert_eq!(due(end, date!(2029 - 10 - 23), &SELECTION_DAYS), Some(Due::DaysBefore(30)));
        assert!(!selection_ended(end, end));
        assert!(selection_ended(end, date!(2029 - 11 - 23)));
        assert_eq!(Due::DaysBefore(90).key(), "d90");
        assert_eq!(Due::Ended.key(), "ended");
    }

    proptest! {
        /// Walking day by day towards an end and past it, each threshold is due on a run of
        /// consecutive days, the thresholds come in order (90, 60, 30, ended), and none is due
        /// before the first threshold or after the grace.
        #[test]
        fn thresholds_come_once_and_in_order(end in 20_000i64..30_000) {
            let last = from_epoch_day(end);
            let mut seen: Vec<Due> = Vec::new();
            for day in end - 200..end + 60 {
                let today = from_epoch_day(day);
                let d = due(last, today, &CERTIFICATE_DAYS);
                let left = epoch_day(last) - day;
                prop_assert_eq!(d.is_none(), !(-ENDED_GRACE_DAYS..=90).contains(&left), "{} days left", left);
                if let Some(d) = d && seen.last() != Some(&d) {
                    prop_assert!(!seen.contains(&d), "{:?} due twice", d);
                    seen.push(d);
                }
            }
            prop_assert_eq!(seen, vec![Due::DaysBefore(90), Due::DaysBefore(60), Due::DaysBefore(30), Due::Ended]);
        }
    }
}

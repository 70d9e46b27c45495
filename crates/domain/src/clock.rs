//! The injectable clock. Time is UTC in storage and Asia/Seoul (UTC+9, no daylight saving since
//! 1988) when shown or reasoned about (dates, fiscal years, billing periods):
//! docs/RULES.md#time-and-calendar.

use time::{Date, OffsetDateTime, UtcOffset, format_description::well_known::Rfc3339};

pub const SEOUL: UtcOffset = match UtcOffset::from_hms(9, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

/// Either the real clock, or a fixed instant (`GUREUM_NOW=2026-11-23T09:00:00+09:00`) that tests
/// and demos use to move time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    System,
    Fixed(OffsetDateTime),
}

#[derive(Debug, thiserror::Error)]
#[error("GUREUM_NOW must be an RFC 3339 time such as 2026-11-23T09:00:00+09:00")]
pub struct ClockError;

impl Clock {
    /// From the `GUREUM_NOW` environment variable when set, else the system clock.
    pub fn from_env() -> Result<Self, ClockError> {
        match std::env::var("GUREUM_NOW") {
            Ok(s) if !s.trim().is_empty() => Self::parse_fixed(&s),
            _ => Ok(Self::System),
        }
    }

    pub fn parse_fixed(s: &str) -> Result<Self, ClockError> {
        OffsetDateTime::parse(s.trim(), &Rfc3339).map(Self::Fixed).map_err(|_| ClockError)
    }

    pub fn now(&self) -> OffsetDateTime {
        match self {
            Self::System => OffsetDateTime::now_utc(),
            Self::Fixed(t) => t.to_offset(UtcOffset::UTC),
        }
    }

    /// Microseconds since the Unix epoch, the storage form of instants.
    pub fn now_micros(&self) -> i64 {
        to_micros(self.now())
    }

    /// Today's date in Asia/Seoul.
    pub fn today(&self) -> Date {
        self.now().to_offset(SEOUL).date()
    }
}

pub fn to_micros(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1000) as i64
}

pub fn from_micros(us: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(us as i128 * 1000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// RFC 3339 in UTC with microseconds, e.g. `2026-11-23T00:00:00.000000Z`.
pub fn rfc3339_utc(us: i64) -> String {
    let t = from_micros(us);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

/// `2026-11-23 18:00` in Asia/Seoul.
pub fn seoul_minute(us: i64) -> String {
    let t = from_micros(us).to_offset(SEOUL);
    format!("{:04}-{:02}-{:02} {:02}:{:02}", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute())
}

/// Whole days from an instant (µs) to `today`, both taken as Asia/Seoul dates: how long a
/// submission has waited (0 on the day it came in).
pub fn age_days(since_micros: i64, today: Date) -> i64 {
    let day = from_micros(since_micros).to_offset(SEOUL).date();
    (today - day).whole_days()
}

/// `YYYY-MM-DD`.
pub fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Parses `YYYY-MM-DD` strictly.
pub fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i32 = s[..4].parse().ok()?;
    let m: u8 = s[5..7].parse().ok()?;
    let d: u8 = s[8..].parse().ok()?;
    Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()
}

/// Days since 1970-01-01 (for compact date columns in the index).
pub fn epoch_day(d: Date) -> i64 {
    (d.to_julian_day() - 2_440_588) as i64
}

pub fn from_epoch_day(n: i64) -> Date {
    Date::from_julian_day((n + 2_440_588) as i32).unwrap_or(Date::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fixed_clock_is_seoul_aware() {
        let c = Clock::parse_fixed("2026-11-23T00:30:00+09:00").expect("valid");
        assert_eq!(format_date(c.today()), "2026-11-23");
        assert_eq!(rfc3339_utc(c.now_micros()), "2026-11-22T15:30:00.000000Z");
        assert_eq!(seoul_minute(c.now_micros()), "2026-11-23 00:30");
        assert!(Clock::parse_fixed("yesterday").is_err());
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2026-02-29"), None);
        assert_eq!(parse_date("2028-02-29").map(format_date), Some("2028-02-29".into()));
        assert_eq!(parse_date("2026-1-01"), None);
        assert_eq!(epoch_day(time::macros::date!(1970 - 01 - 02)), 1);
    }

    #[test]
    fn ages_count_seoul_days() {
        let at = |s: &str| Clock::parse_fixed(s).expect("valid").now_micros();
        let today = time::macros::date!(2026 - 11 - 23);
        assert_eq!(age_days(at("2026-11-23T00:00:00+09:00"), today), 0);
        assert_eq!(age_days(at("2026-11-22T23:59:59+09:00"), today), 1);
        // 2026-11-22 15:30 UTC is already the 23rd in Seoul.
        assert_eq!(age_days(at("2026-11-22T15:30:00Z"), today), 0);
        assert_eq!(age_days(at("2026-11-22T14:59:59Z"), today), 1);
        assert_eq!(age_days(at("2026-10-24T12:00:00+09:00"), today), 30);
    }

    proptest! {
        /// Any instant of a Seoul day is `n` days old `n` days later.
        #[test]
        fn age_is_the_seoul_date_difference(day in 0i64..30_000, second in 0i64..86_400, n in -400i64..400) {
            let d = from_epoch_day(day);
            let instant = d.midnight().assume_offset(SEOUL) + time::Duration::seconds(second);
            prop_assert_eq!(age_days(to_micros(instant), from_epoch_day(day + n)), n);
        }

        #[test]
        fn epoch_days_round_trip(n in -100_000i64..100_000) {
            prop_assert_eq!(epoch_day(from_epoch_day(n)), n);
        }

        #[test]
        fn date_strings_round_trip(n in 0i64..40_000) {
            let d = from_epoch_day(n);
            prop_assert_eq!(parse_date(&format_date(d)), Some(d));
        }
    }
}

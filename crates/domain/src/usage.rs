//! Metered usage and its billing periods (SPEC §3 "Usage and billing"; docs/RULES.md#usage-and-billing).
//!
//! A quantity is an exact decimal with at most six places, kept as whole millionths
//! ([`Quantity`]); a billing period is a calendar month or quarter in Asia/Seoul ([`Period`]),
//! and a usage record may not cross from one billing period into the next.

use crate::clock::{SEOUL, from_micros};
use std::fmt;
use time::{Date, Month as TMonth, OffsetDateTime, PrimitiveDateTime, Time};

/// Decimal places a quantity may have.
pub const QUANTITY_PLACES: u32 = 6;
const SCALE: i64 = 1_000_000;
/// The largest quantity of one record: 10⁹ units, far beyond any real meter reading of one period.
pub const MAX_QUANTITY_MICROS: i64 = 1_000_000_000 * SCALE;

/// Why a quantity was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantityError {
    NotANumber,
    Negative,
    TooManyPlaces,
    TooLarge,
}

impl QuantityError {
    pub fn message(self) -> &'static str {
        match self {
            Self::NotANumber => "quantity must be a decimal number (a string like \"12.5\" or a number)",
            Self::Negative => "quantity must not be negative",
            Self::TooManyPlaces => "quantity has at most 6 decimal places",
            Self::TooLarge => "quantity is too large",
        }
    }
}

/// An exact non-negative decimal quantity in millionths of a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Quantity(i64);

impl Quantity {
    pub const ZERO: Quantity = Quantity(0);

    pub fn from_micros(micros: i64) -> Self {
        Self(micros)
    }

    pub fn micros(self) -> i64 {
        self.0
    }

    /// Parses `"12"`, `"12.5"`, `"0.000001"` (and `"+1"`, `"1e3"` are refused: plain decimals
    /// only). At most six places; `"1.500000"` equals `"1.5"`.
    pub fn parse(s: &str) -> Result<Self, QuantityError> {
        let s = s.trim();
        let (neg, body) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (int, frac) = match body.split_once('.') {
            Some((i, f)) => (i, f),
            None => (body, ""),
        };
        if int.is_empty() && frac.is_empty()
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || (body.contains('.') && frac.is_empty())
            || int.is_empty()
        {
            return Err(QuantityError::NotANumber);
        }
        let frac_trimmed = frac.trim_end_matches('0');
        if frac_trimmed.len() > QUANTITY_PLACES as usize {
            return Err(QuantityError::TooManyPlaces);
        }
        let int_part = int.trim_start_matches('0');
        if int_part.len() > 12 {
            return Err(QuantityError::TooLarge);
        }
        let whole: i64 = if int_part.is_empty() { 0 } else { int_part.parse().map_err(|_| QuantityError::TooLarge)? };
        let mut micros: i64 = 0;
        for (i, b) in frac_trimmed.bytes().enumerate() {
            micros += i64::from(b - b'0') * 10_i64.pow(QUANTITY_PLACES - 1 - i as u32);
        }
        let v = whole * SCALE + micros;
        if neg && v != 0 {
            return Err(QuantityError::Negative);
        }
        if v > MAX_QUANTITY_MICROS {
            return Err(QuantityError::TooLarge);
        }
        Ok(Self(v))
    }

    /// From a JSON value: a string as [`Quantity::parse`], or a number written with at most six
    /// places (its shortest decimal form, so `0.1` is exactly one tenth).
    pub fn from_json(v: &serde_json::Value) -> Result<Self, QuantityError> {
        match v {
            serde_json::Value::String(s) => Self::parse(s),
            serde_json::Value::Number(n) => {
                let mut text = n.to_string();
                if text.contains(['e', 'E']) {
                    // serde_json writes small and large floats with an exponent (1e-6): shift
                    // the decimal point of that shortest text, exactly, and read the result
                    text = exponent_to_plain(&text).ok_or(QuantityError::NotANumber)?;
                }
                Self::parse(&text)
            }
            _ => Err(QuantityError::NotANumber),
        }
    }

    /// The exact decimal: `1500000` → `"1.5"`, `2000000` → `"2"`.
    pub fn to_decimal(self) -> String {
        let whole = self.0 / SCALE;
        let frac = self.0 % SCALE;
        if frac == 0 {
            whole.to_string()
        } else {
            let f = format!("{frac:06}");
            format!("{whole}.{}", f.trim_end_matches('0'))
        }
    }

    /// `self × unit_price`, rounded half-up to the won (SPEC §3: each line = quantity × unit
    /// price rounded half-up).
    pub fn times_price(self, unit_price_krw: i64) -> i64 {
        let p = i128::from(self.0) * i128::from(unit_price_krw);
        let s = i128::from(SCALE);
        // saturates instead of wrapping: an amount past i64 is refused later by the invoice's checks
        i64::try_from((p + s / 2).div_euclid(s)).unwrap_or(i64::MAX)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_decimal())
    }
}

/// `"1.25e-5"` → `"0.0000125"`, `"3e2"` → `"300"`: the decimal point moved, no rounding. A
/// result with more than 40 digits (far beyond any quantity) is `None`.
fn exponent_to_plain(s: &str) -> Option<String> {
    let (mantissa, exp) = s.split_once(['e', 'E'])?;
    let exp: i32 = exp.strip_prefix('+').unwrap_or(exp).parse().ok()?;
    let (neg, m) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa),
    };
    let (int, frac) = m.split_once('.').unwrap_or((m, ""));
    if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) || int.is_empty() {
        return None;
    }
    let digits = format!("{int}{frac}");
    let point = int.len() as i32 + exp;
    if !(-40..=40).contains(&point) {
        return None;
    }
    let plain = if point <= 0 {
        format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
    } else if point as usize >= digits.len() {
        format!("{digits}{}", "0".repeat(point as usize - digits.len()))
    } else {
        format!("{}.{}", &digits[..point as usize], &digits[point as usize..])
    };
    Some(if neg { format!("-{plain}") } else { plain })
}

/// A calendar month as `yyyymm` (e.g. 202611).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(pub i64);

impl Month {
    pub fn new(year: i32, month: u8) -> Self {
        Self(i64::from(year) * 100 + i64::from(month))
    }

    pub fn year(self) -> i32 {
        (self.0 / 100) as i32
    }

    pub fn month(self) -> u8 {
        (self.0 % 100) as u8
    }

    /// The Asia/Seoul month an instant (µs since the epoch) falls in.
    pub fn of_instant(us: i64) -> Self {
        let t = from_micros(us).to_offset(SEOUL);
        Self::new(t.year(), t.month() as u8)
    }

    pub fn of_date(d: Date) -> Self {
        Self::new(d.year(), d.month() as u8)
    }

    pub fn first_day(self) -> Date {
        Date::from_calendar_date(self.year(), TMonth::try_from(self.month()).unwrap_or(TMonth::January), 1).unwrap_or(Date::MIN)
    }

    pub fn next(self) -> Self {
        if self.month() == 12 { Self::new(self.year() + 1, 1) } else { Self::new(self.year(), self.month() + 1) }
    }

    pub fn prev(self) -> Self {
        if self.month() == 1 { Self::new(self.year() - 1, 12) } else { Self::new(self.year(), self.month() - 1) }
    }

    /// The first instant (µs) of the month in Asia/Seoul.
    pub fn start_micros(self) -> i64 {
        let t = PrimitiveDateTime::new(self.first_day(), Time::MIDNIGHT).assume_offset(SEOUL);
        crate::clock::to_micros(t)
    }

    /// Days in the month.
    pub fn days(self) -> i64 {
        self.next().first_day().to_julian_day() as i64 - self.first_day().to_julian_day() as i64
    }

    /// Minutes in the month (for availability).
    pub fn minutes(self) -> i64 {
        self.days() * 24 * 60
    }

    /// `"2026-11"`.
    pub fn key(self) -> String {
        format!("{:04}-{:02}", self.year(), self.month())
    }
}

/// How a contract is billed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Billing {
    Monthly,
    Quarterly,
}

impl Billing {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "monthly" => Some(Self::Monthly),
            "quarterly" => Some(Self::Quarterly),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Monthly => "monthly",
            Self::Quarterly => "quarterly",
        }
    }
}

/// A billing period: a month (`"2026-11"`) or a quarter (`"2026-Q4"`), in Asia/Seoul.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub first: Month,
    pub last: Month,
}

impl Period {
    /// The period of `billing` that holds `m`.
    pub fn of(billing: Billing, m: Month) -> Self {
        match billing {
            Billing::Monthly => Self { first: m, last: m },
            Billing::Quarterly => {
                let q0 = (m.month() - 1) / 3 * 3 + 1;
                Self { first: Month::new(m.year(), q0), last: Month::new(m.year(), q0 + 2) }
            }
        }
    }

    pub fn billing(self) -> Billing {
        if self.first == self.last { Billing::Monthly } else { Billing::Quarterly }
    }

    /// `"2026-11"` or `"2026-Q4"`.
    pub fn key(self) -> String {
        match self.billing() {
            Billing::Monthly => self.first.key(),
            Billing::Quarterly => format!("{:04}-Q{}", self.first.year(), (self.first.month() - 1) / 3 + 1),
        }
    }

    /// Parses a key of either form.
    pub fn parse(s: &str) -> Option<Self> {
        let (y, rest) = s.split_once('-')?;
        if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: i32 = y.parse().ok()?;
        if let Some(q) = rest.strip_prefix('Q') {
            let q: u8 = match q {
                "1" => 1,
                "2" => 2,
                "3" => 3,
                "4" => 4,
                _ => return None,
            };
            return Some(Self::of(Billing::Quarterly, Month::new(year, (q - 1) * 3 + 1)));
        }
        if rest.len() != 2 || !rest.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let m: u8 = rest.parse().ok()?;
        (1..=12).contains(&m).then(|| Self::of(Billing::Monthly, Month::new(year, m)))
    }

    /// The months it spans, in order.
    pub fn months(self) -> Vec<Month> {
        let mut out = vec![self.first];
        while *out.last().unwrap_or(&self.last) < self.last {
            let n = out[out.len() - 1].next();
            out.push(n);
        }
        out
    }

    /// The first instant (µs) after the period, in Asia/Seoul.
    pub fn end_micros(self) -> i64 {
        self.last.next().start_micros()
    }

    pub fn start_micros(self) -> i64 {
        self.first.start_micros()
    }

    /// The period after this one.
    pub fn next(self) -> Self {
        Self::of(self.billing(), self.last.next())
    }

    /// The period whose last instant has passed at `now` (µs): the most recent ended one.
    pub fn last_ended(billing: Billing, now_us: i64) -> Self {
        let current = Self::of(billing, Month::of_instant(now_us));
        Self::of(billing, current.first.prev())
    }
}

/// Whether a record's period `[start, end)` (µs; `end` exclusive) stays inside one billing period
/// of `billing`: `None` when it does, with that period; a record of zero length belongs to the
/// period of its start.
pub fn period_of_record(billing: Billing, start_us: i64, end_us: i64) -> Option<Period> {
    if end_us < start_us {
        return None;
    }
    let first = Period::of(billing, Month::of_instant(start_us));
    let last = Period::of(billing, Month::of_instant((end_us - 1).max(start_us)));
    (first == last).then_some(first)
}

/// The Asia/Seoul date of an instant.
pub fn seoul_date(us: i64) -> Date {
    let t: OffsetDateTime = from_micros(us).to_offset(SEOUL);
    t.date()
}

/// Minutes of outage in `month` (Asia/Seoul): the union of the outages' `[start, end)` instants
/// (µs; an outage still open counts to `now_us`), clipped to the month, in whole minutes rounded
/// down. Overlapping reports of one outage count once.
pub fn outage_minutes(outages: &[(i64, Option<i64>)], month: Month, now_us: i64) -> i64 {
    let (lo, hi) = (month.start_micros(), month.next().start_micros());
    let mut spans: Vec<(i64, i64)> =
        outages.iter().map(|(s, e)| ((*s).max(lo), e.unwrap_or(now_us).min(hi))).filter(|(s, e)| e > s).collect();
    spans.sort_unstable();
    let mut total = 0_i64;
    let mut cur: Option<(i64, i64)> = None;
    for (s, e) in spans {
        cur = match cur {
            Some((cs, ce)) if s <= ce => Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                total += ce - cs;
                Some((s, e))
            }
            None => Some((s, e)),
        };
    }
    if let Some((cs, ce)) = cur {
        total += ce - cs;
    }
    total / 60_000_000
}

/// A percentage given with up to three decimals (99.95 %), as thousandths of a percent.
pub fn pct_milli(pct: f64) -> i64 {
    (pct * 1000.0).round() as i64
}

/// Monthly availability in thousandths of a percent: 1 − outage minutes / minutes in the month.
pub fn availability_milli(outage_minutes: i64, month: Month) -> i64 {
    let m = month.minutes();
    (100_000 * (m - outage_minutes.clamp(0, m))) / m
}

/// Whether the month's availability fell below the SLA's `availability_pct` (exactly, without
/// rounding the availability).
pub fn below_sla(outage_minutes: i64, month: Month, availability_pct: f64) -> bool {
    let m = i128::from(month.minutes());
    100_000 * (m - i128::from(outage_minutes.clamp(0, month.minutes()))) < i128::from(pct_milli(availability_pct)) * m
}

/// The SLA credit for a month below the SLA: `credit_pct` of the service's monthly fee, rounded
/// half-up to the won, never more than the fee and never negative.
pub fn sla_credit(monthly_fee_krw: i64, credit_pct: f64) -> i64 {
    let fee = monthly_fee_krw.max(0);
    let milli = pct_milli(credit_pct).clamp(0, 100_000);
    let c = (i128::from(fee) * i128::from(milli) + 50_000) / 100_000;
    (c as i64).min(fee)
}

/// Where an incident stands for the SLA (SPEC §3 "Post-management"): a supplier's own record
/// counts at once; an agency's report counts for that agency's contracts until the supplier
/// confirms it (then for every agency using the service) or contests it with a reason (then for
/// none: the agency may dispute the invoice it lowers or not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmation {
    Confirmed,
    Pending,
    Contested,
}

impl Confirmation {
    pub const ALL: [Self; 3] = [Self::Confirmed, Self::Pending, Self::Contested];

    /// A new incident's: confirmed when its supplier records it, pending when an agency does.
    pub fn recorded_by(supplier: bool) -> Self {
        if supplier { Self::Confirmed } else { Self::Pending }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "confirmed",
            Self::Pending => "pending",
            Self::Contested => "contested",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The supplier's answer to a report: only a pending one can be confirmed or contested.
    pub fn answer(self, confirm: bool) -> Option<Self> {
        match (self, confirm) {
            (Self::Pending, true) => Some(Self::Confirmed),
            (Self::Pending, false) => Some(Self::Contested),
            _ => None,
        }
    }

    /// Whether the outage counts against the SLA of a contract of `agency` (the reporter's
    /// organisation is `reporter`).
    pub fn counts_for(self, reporter: &str, agency: &str) -> bool {
        match self {
            Self::Confirmed => true,
            Self::Pending => reporter == agency,
            Self::Contested => false,
        }
    }
}

/// Why an incident's times are refused, with the field at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncidentTimes {
    StartInFuture,
    EndBeforeStart,
    EndInFuture,
    /// Announced maintenance is announced before it starts: an outage already begun is not.
    AnnouncedAfterStart,
    /// Only the supplier announces maintenance of its service.
    AnnouncedByAgency,
}

impl IncidentTimes {
    pub fn field(self) -> &'static str {
        match self {
            Self::StartInFuture => "started_at",
            Self::EndBeforeStart | Self::EndInFuture => "ended_at",
            Self::AnnouncedAfterStart | Self::AnnouncedByAgency => "announced",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Self::StartInFuture => "not in the future (only announced maintenance is recorded ahead)",
            Self::EndBeforeStart => "not before started_at",
            Self::EndInFuture => "not in the future",
            Self::AnnouncedAfterStart => "announced maintenance is recorded before it starts; an outage already begun is unannounced",
            Self::AnnouncedByAgency => "only the service's supplier announces maintenance",
        }
    }
}

/// Checks an incident as recorded at `now` (µs): an unannounced outage has begun (and ended, if
/// an end is given) by now; announced maintenance is the supplier's, recorded before it starts,
/// with an end (its planned end) not before its start.
pub fn check_incident(by_supplier: bool, announced: bool, start: i64, end: Option<i64>, now: i64) -> Result<(), IncidentTimes> {
    if end.is_some_and(|e| e < start) {
        return Err(IncidentTimes::EndBeforeStart);
    }
    if announced {
        if !by_supplier {
            return Err(IncidentTimes::AnnouncedByAgency);
        }
        if start <= now {
            return Err(IncidentTimes::AnnouncedAfterStart);
        }
        return Ok(());
    }
    check_ended(start, end, now)
}

/// Checks an end given to an incident at `now`: after its start and not in the future (so
/// maintenance ahead cannot be closed before it began).
pub fn check_ended(start: i64, end: Option<i64>, now: i64) -> Result<(), IncidentTimes> {
    if start > now {
        return Err(IncidentTimes::StartInFuture);
    }
    match end {
        Some(e) if e < start => Err(IncidentTimes::EndBeforeStart),
        Some(e) if e > now => Err(IncidentTimes::EndInFuture),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quantities_are_exact_decimals_with_six_places() {
        assert_eq!(Quantity::parse("12").expect("valid").micros(), 12_000_000);
        assert_eq!(Quantity::parse("12.5").expect("valid").micros(), 12_500_000);
        assert_eq!(Quantity::parse("0.000001").expect("valid").micros(), 1);
        assert_eq!(Quantity::parse("1.500000").expect("valid"), Quantity::parse("1.5").expect("valid"));
        assert_eq!(Quantity::parse("1.0000000").expect("valid").micros(), 1_000_000, "trailing zeros are not places");
        assert_eq!(Quantity::parse("0.0000001"), Err(QuantityError::TooManyPlaces));
        assert_eq!(Quantity::parse("-1"), Err(QuantityError::Negative));
        assert_eq!(Quantity::parse("-0").expect("valid"), Quantity::ZERO);
        for bad in ["", ".", "1.", ".5", "1e3", "+1", "abc", "1.2.3", " "] {
            assert_eq!(Quantity::parse(bad), Err(QuantityError::NotANumber), "{bad:?}");
        }
        assert_eq!(Quantity::parse("10000000000000"), Err(QuantityError::TooLarge));
        assert_eq!(Quantity::from_json(&json!(0.1)).expect("valid").micros(), 100_000);
        assert_eq!(Quantity::from_json(&json!(3)).expect("valid").micros(), 3_000_000);
        assert_eq!(Quantity::from_json(&json!(0.1234567)), Err(QuantityError::TooManyPlaces));
        assert_eq!(Quantity::from_json(&json!(1e-7)), Err(QuantityError::TooManyPlaces));
        assert_eq!(Quantity::from_json(&json!(0.000001)).expect("valid").micros(), 1, "written 1e-6 by serde_json");
        assert_eq!(Quantity::from_json(&json!(2.5e-5)).expect("valid").micros(), 25);
        assert_eq!(Quantity::from_json(&json!(1e20)), Err(QuantityError::TooLarge));
        assert_eq!(Quantity::from_json(&json!(9.9999999999e-6)), Err(QuantityError::TooManyPlaces), "never rounded");
        assert_eq!(Quantity::from_json(&json!(-1e-6)), Err(QuantityError::Negative));
        assert_eq!(exponent_to_plain("3e2").as_deref(), Some("300"));
        assert_eq!(exponent_to_plain("1.25e-5").as_deref(), Some("0.0000125"));
        assert_eq!(exponent_to_plain("12.5e1").as_deref(), Some("125"));
        assert_eq!(exponent_to_plain("1e999"), None);
        assert_eq!(Quantity::from_json(&json!(-2)), Err(QuantityError::Negative));
        assert_eq!(Quantity::from_json(&json!(true)), Err(QuantityError::NotANumber));
        assert_eq!(Quantity::parse("1.25").expect("valid").to_decimal(), "1.25");
        assert_eq!(Quantity::parse("7").expect("valid").to_string(), "7");
        assert_eq!(Quantity::parse("0.000001").expect("valid").to_decimal(), "0.000001");
    }

    #[test]
    fn a_line_rounds_half_up_to_the_won() {
        assert_eq!(Quantity::parse("1.5").expect("valid").times_price(3), 5); // 4.5 → 5
        assert_eq!(Quantity::parse("1.4").expect("valid").times_price(3), 4); // 4.2 → 4
        assert_eq!(Quantity::parse("0.5").expect("valid").times_price(1), 1);
        assert_eq!(Quantity::parse("0.499999").expect("valid").times_price(1), 0);
        assert_eq!(Quantity::parse("1000000000").expect("valid").times_price(1_000_000), 1_000_000_000_000_000);
        assert_eq!(Quantity::parse("1000000000.000001"), Err(QuantityError::TooLarge));
    }

    #[test]
    fn months_and_periods_are_asia_seoul() {
        // 2026-11-30T15:00:00Z is 2026-12-01 00:00 in Seoul
        let t = crate::clock::to_micros(time::macros::datetime!(2026-11-30 15:00 UTC));
        assert_eq!(Month::of_instant(t), Month(202612));
        assert_eq!(Month::of_instant(t - 1), Month(202611));
        assert_eq!(Month(202612).start_micros(), t);
        assert_eq!(Month(202602).days(), 28);
        assert_eq!(Month(202412).next(), Month(202501));
        assert_eq!(Month(202501).prev(), Month(202412));
        let q = Period::of(Billing::Quarterly, Month(202611));
        assert_eq!(q.key(), "2026-Q4");
        assert_eq!(q.months(), vec![Month(202610), Month(202611), Month(202612)]);
        assert_eq!(Period::parse("2026-Q4"), Some(q));
        assert_eq!(Period::parse("2026-11").expect("valid").key(), "2026-11");
        for bad in ["2026-13", "2026-Q5", "26-11", "2026-1", "2026/11", "2026-Q"] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
        assert_eq!(q.next().key(), "2027-Q1");
        assert_eq!(Period::last_ended(Billing::Monthly, t).key(), "2026-11");
        assert_eq!(Period::last_ended(Billing::Quarterly, t).key(), "2026-Q3");
    }

    #[test]
    fn a_record_may_not_cross_a_billing_period() {
        let dec1 = Month(202612).start_micros();
        let hour = 3_600_000_000;
        assert_eq!(period_of_record(Billing::Monthly, dec1 - hour, dec1).map(|p| p.key()), Some("2026-11".into()));
        assert_eq!(period_of_record(Billing::Monthly, dec1 - hour, dec1 + 1), None);
        assert_eq!(period_of_record(Billing::Quarterly, dec1 - hour, dec1 + hour).map(|p| p.key()), Some("2026-Q4".into()));
        assert_eq!(period_of_record(Billing::Monthly, dec1, dec1).map(|p| p.key()), Some("2026-12".into()));
        assert_eq!(period_of_record(Billing::Monthly, dec1, dec1 - 1), None);
    }

    #[test]
    fn outages_are_a_union_clipped_to_the_month() {
        let m = Month(202611);
        let start = m.start_micros();
        let min = 60_000_000;
        assert_eq!(outage_minutes(&[(start + 10 * min, Some(start + 40 * min))], m, 0), 30);
        // overlapping reports of one outage count once
        assert_eq!(outage_minutes(&[(start, Some(start + 30 * min)), (start + 20 * min, Some(start + 50 * min))], m, 0), 50);
        // clipped to the month; an open outage counts to now
        assert_eq!(outage_minutes(&[(start - 100 * min, Some(start + 5 * min))], m, 0), 5);
        assert_eq!(outage_minutes(&[(start, None)], m, start + 12 * min + 59_999_999), 12);
        assert_eq!(outage_minutes(&[(start + 10 * min, Some(start + 5 * min))], m, 0), 0);
        assert_eq!(outage_minutes(&[], m, 0), 0);
    }

    #[test]
    fn availability_and_credits_follow_the_sla() {
        let m = Month(202611); // 30 days = 43,200 minutes
        assert_eq!(availability_milli(0, m), 100_000);
        assert_eq!(availability_milli(432, m), 99_000);
        // 99.9 % allows 43.2 minutes
        assert!(!below_sla(43, m, 99.9));
        assert!(below_sla(44, m, 99.9));
        assert!(!below_sla(0, m, 100.0));
        assert!(below_sla(1, m, 100.0));
        assert_eq!(sla_credit(100_000, 10.0), 10_000);
        assert_eq!(sla_credit(15, 10.0), 2); // 1.5 → 2
        assert_eq!(sla_credit(1_000, 250.0), 1_000, "never more than the fee");
        assert_eq!(sla_credit(-5, 10.0), 0);
        assert_eq!(sla_credit(1_000, -3.0), 0);
    }

    #[test]
    fn incidents_are_announced_ahead_by_the_supplier_only() {
        let now = 1_000_000_000;
        assert_eq!(check_incident(true, false, now - 10, Some(now - 5), now), Ok(()));
        assert_eq!(check_incident(false, false, now - 10, None, now), Ok(()));
        assert_eq!(check_incident(true, false, now + 10, None, now), Err(IncidentTimes::StartInFuture));
        assert_eq!(check_incident(true, false, now - 10, Some(now + 5), now), Err(IncidentTimes::EndInFuture));
        assert_eq!(check_incident(true, false, now - 10, Some(now - 20), now), Err(IncidentTimes::EndBeforeStart));
        // maintenance: announced before it starts, by the supplier, its planned end ahead
        assert_eq!(check_incident(true, true, now + 10, Some(now + 100), now), Ok(()));
        assert_eq!(check_incident(true, true, now, None, now), Err(IncidentTimes::AnnouncedAfterStart));
        assert_eq!(check_incident(true, true, now - 60, Some(now - 5), now), Err(IncidentTimes::AnnouncedAfterStart));
        assert_eq!(check_incident(false, true, now + 10, None, now), Err(IncidentTimes::AnnouncedByAgency));
        assert_eq!(check_incident(true, true, now + 10, Some(now + 5), now), Err(IncidentTimes::EndBeforeStart));
        for e in [
            IncidentTimes::StartInFuture,
            IncidentTimes::EndBeforeStart,
            IncidentTimes::EndInFuture,
            IncidentTimes::AnnouncedAfterStart,
            IncidentTimes::AnnouncedByAgency,
        ] {
            assert!(!e.message().is_empty() && !e.field().is_empty());
        }
        // an end: not before the start, not ahead, and never for maintenance not begun
        assert_eq!(check_ended(now - 10, Some(now), now), Ok(()));
        assert_eq!(check_ended(now + 10, Some(now), now), Err(IncidentTimes::StartInFuture));
    }

    #[test]
    fn a_report_counts_for_its_agency_until_the_supplier_answers() {
        let pending = Confirmation::recorded_by(false);
        assert_eq!(pending, Confirmation::Pending);
        assert!(pending.counts_for("a", "a") && !pending.counts_for("a", "b"));
        let confirmed = pending.answer(true).expect("pending answers");
        assert!(confirmed.counts_for("a", "b"));
        let contested = pending.answer(false).expect("pending answers");
        assert!(!contested.counts_for("a", "a"));
        assert_eq!(Confirmation::recorded_by(true), Confirmation::Confirmed);
        for c in [Confirmation::Confirmed, Confirmation::Contested] {
            assert_eq!(c.answer(true), None);
            assert_eq!(c.answer(false), None);
        }
        for c in Confirmation::ALL {
            assert_eq!(Confirmation::parse(c.as_str()), Some(c));
        }
        assert_eq!(Confirmation::parse("maybe"), None);
    }
}

//! The demand forecast (수요예보, 클라우드컴퓨팅법 제13조; SPEC §3 "Demand forecast"): a yearly
//! survey in which every public body says, per information system, where it runs today, whether
//! and when it moves to cloud (the target type, new or a conversion, the functions it needs and a
//! budget estimate) or why it has no plan.
//!
//! Pure rules only: the value lists and their codes, the checks of one system's answer, the
//! survey's window (Asia/Seoul dates, both ends inclusive), the reminders' thresholds, and the
//! aggregation of a report from submitted answers — which never carries an agency's identity.

use std::collections::BTreeMap;
use time::Date;

/// The largest budget estimate, in whole won: 1조원.
pub const MAX_KRW: i64 = 1_000_000_000_000;
/// Planned years and survey years lie in this range.
pub const MIN_YEAR: i32 = 2000;
pub const MAX_YEAR: i32 = 2100;
/// The fewest agencies whose answers a public report breaks down (k-anonymity: no single
/// agency's answer is ever public); a function named by fewer is reported as [`OTHER_FUNCTION`].
pub const MIN_AGENCIES: usize = 3;
/// What a function named by fewer than [`MIN_AGENCIES`] agencies is reported as.
pub const OTHER_FUNCTION: &str = "other";
/// The most functions one system may list, and the longest function, in characters.
pub const MAX_FUNCTIONS: usize = 20;
pub const MAX_FUNCTION_CHARS: usize = 50;
/// The longest system name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// The longest system key (the agency's own identifier of the system), in characters.
pub const MAX_KEY_CHARS: usize = 64;
/// A system key: a letter or digit, then letters, digits, `.`, `_` or `-`.
pub const KEY_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";
/// Reminders to agencies that have not submitted, this many days before the close.
pub const REMINDER_DAYS: [i64; 3] = [14, 7, 1];

macro_rules! codes {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $v:ident = $code:literal / $ko:literal / $en:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vdoc])* $v),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $code),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }

            pub fn label_ko(self) -> &'static str {
                match self { $($name::$v => $ko),+ }
            }

            pub fn label_en(self) -> &'static str {
                match self { $($name::$v => $en),+ }
            }

            /// Every code, in order.
            pub fn codes() -> Vec<&'static str> {
                Self::ALL.iter().map(|v| v.as_str()).collect()
            }
        }
    };
}

codes!(
    /// Where a system runs today.
    Hosting {
        /// 자체 전산실
        Own = "own" / "자체 전산실" / "Own server room",
        /// 국가정보자원관리원 (national G-Cloud)
        Nirs = "nirs" / "국가정보자원관리원" / "National G-Cloud (NIRS)",
        /// 민간 클라우드
        Private = "private" / "민간 클라우드" / "Private cloud",
        /// 없음 (not yet built)
        None = "none" / "없음 (신규 구축)" / "None (not built yet)",
    }
);

codes!(
    /// The cloud a system moves to.
    TargetType {
        Iaas = "iaas" / "IaaS" / "IaaS",
        Paas = "paas" / "PaaS" / "PaaS",
        Saas = "saas" / "SaaS" / "SaaS",
    }
);

codes!(
    /// A new system, or the conversion of an existing one.
    Change {
        New = "new" / "신규 도입" / "New",
        Conversion = "conversion" / "전환" / "Conversion",
    }
);

codes!(
    /// Why a system has no plan.
    NoPlanReason {
        NoBudget = "no_budget" / "예산 부족" / "No budget",
        Security = "security" / "보안 우려" / "Security concerns",
        HardwareLife = "hardware_life" / "장비 내용연수 남음" / "Hardware still in service",
        Excluded = "excluded" / "도입 제외 대상" / "Excluded by law or policy",
        Policy = "policy" / "기관 정책" / "Agency policy",
        Other = "other" / "기타" / "Other",
    }
);

codes!(
    /// What kind of public body an agency is (수요기관 구분).
    AgencyKind {
        Central = "central" / "중앙행정기관" / "Central government",
        Local = "local" / "지방자치단체" / "Local government",
        PublicInstitution = "public_institution" / "공공기관" / "Public institution",
        Other = "other" / "기타 공공기관" / "Other public body",
    }
);

/// One information system's answer, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemAnswer {
    pub key: String,
    pub name: String,
    pub current_hosting: Hosting,
    pub planned_year: Option<i32>,
    pub target_type: Option<TargetType>,
    pub change: Option<Change>,
    pub functions: Vec<String>,
    pub budget_krw: Option<i64>,
    pub no_plan_reason: Option<NoPlanReason>,
}

/// Why an answer is refused: the field and what it must be, or the missing reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerError {
    /// 400 `invalid_field`: the field and what it must be.
    Field(&'static str, String),
    /// 400 `reason_required`: no planned year and no reason for having none.
    ReasonRequired,
}

/// Whether a system key is well formed ([`KEY_PATTERN`]).
pub fn key_ok(key: &str) -> bool {
    let mut chars = key.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    first_ok && key.len() <= MAX_KEY_CHARS && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The functions a system needs: trimmed, blanks dropped, repeats dropped (first kept), at most
/// [`MAX_FUNCTIONS`] of at most [`MAX_FUNCTION_CHARS`] characters.
pub fn functions(raw: &[&str]) -> Result<Vec<String>, AnswerError> {
    let mut out: Vec<String> = Vec::new();
    for f in raw {
        let f = f.trim();
        if f.is_empty() {
            continue;
        }
        if f.chars().count() > MAX_FUNCTION_CHARS {
            return Err(AnswerError::Field("functions", format!("each function at most {MAX_FUNCTION_CHARS} characters")));
        }
        if !out.iter().any(|o| o == f) {
            out.push(f.to_owned());
        }
    }
    if out.len() > MAX_FUNCTIONS {
        return Err(AnswerError::Field("functions", format!("at most {MAX_FUNCTIONS} functions")));
    }
    Ok(out)
}

impl SystemAnswer {
    /// Checks the answer: key and name, a planned year in range or a reason for having none,
    /// a budget of 0 or more won. A planned system's reason is dropped (it has a plan).
    pub fn check(mut self) -> Result<Self, AnswerError> {
        if !key_ok(&self.key) {
            return Err(AnswerError::Field("key", "a letter or digit, then letters, digits, '.', '_' or '-' (at most 64)".into()));
        }
        self.name = self.name.trim().to_owned();
        if self.name.is_empty() || self.name.chars().count() > MAX_NAME_CHARS {
            return Err(AnswerError::Field("name", format!("required, at most {MAX_NAME_CHARS} characters")));
        }
        if let Some(y) = self.planned_year
            && !(MIN_YEAR..=MAX_YEAR).contains(&y)
        {
            return Err(AnswerError::Field("planned_year", format!("a year from {MIN_YEAR} to {MAX_YEAR}")));
        }
        if let Some(b) = self.budget_krw
            && !(0..=MAX_KRW).contains(&b)
        {
            return Err(AnswerError::Field("budget_krw", "a whole number of won from 0 to 1,000,000,000,000".into()));
        }
        if self.functions.len() > MAX_FUNCTIONS {
            return Err(AnswerError::Field("functions", format!("at most {MAX_FUNCTIONS} functions")));
        }
        match (self.planned_year, self.no_plan_reason) {
            (None, None) => return Err(AnswerError::ReasonRequired),
            (Some(_), Some(_)) => self.no_plan_reason = None,
            _ => {}
        }
        Ok(self)
    }

    /// [`check`](Self::check), and a planned year not before the survey's year.
    pub fn check_for(self, survey_year: i64) -> Result<Self, AnswerError> {
        let a = self.check()?;
        year_fits(a.planned_year, survey_year)?;
        Ok(a)
    }

    /// Whether the system has a plan (a planned year).
    pub fn planned(&self) -> bool {
        self.planned_year.is_some()
    }
}

/// A planned year is not before the survey's year (400 `invalid_field` on `planned_year`).
pub fn year_fits(planned_year: Option<i32>, survey_year: i64) -> Result<(), AnswerError> {
    match planned_year {
        Some(y) if i64::from(y) < survey_year => {
            Err(AnswerError::Field("planned_year", format!("the survey's year {survey_year} or later (to {MAX_YEAR})")))
        }
        _ => Ok(()),
    }
}

// ── the survey ──────────────────────────────────────────────────────────────────────────────

/// Where a survey stands on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    NotYetOpen,
    Open,
    Closed,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotYetOpen => "scheduled",
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }
}

/// A survey's phase on `today` (Asia/Seoul), both ends of the window inclusive.
pub fn phase(today: Date, opens_on: Date, closes_on: Date) -> Phase {
    if today < opens_on {
        Phase::NotYetOpen
    } else if today <= closes_on {
        Phase::Open
    } else {
        Phase::Closed
    }
}

/// Whether an agency may change or submit its answer on `today`: only while the survey is open
/// (else 409 `survey_closed`).
pub fn may_answer(today: Date, opens_on: Date, closes_on: Date) -> bool {
    phase(today, opens_on, closes_on) == Phase::Open
}

/// Checks a survey's settings: the field and what it must be.
pub fn check_survey(year: i64, opens_on: Date, closes_on: Date) -> Result<(), (&'static str, String)> {
    if !(i64::from(MIN_YEAR)..=i64::from(MAX_YEAR)).contains(&year) {
        return Err(("year", format!("a year from {MIN_YEAR} to {MAX_YEAR}")));
    }
    if closes_on < opens_on {
        return Err(("closes_on", "on or after opens_on".into()));
    }
    Ok(())
}

/// The reminder due on `today` for a survey closing on `closes_on`: the smallest threshold of
/// [`REMINDER_DAYS`] at or above the days left, while the survey is open. A job that missed a
/// day still sends the threshold it passed (once: the caller records each threshold sent).
pub fn reminder_due(today: Date, opens_on: Date, closes_on: Date) -> Option<i64> {
    if phase(today, opens_on, closes_on) != Phase::Open {
        return None;
    }
    let left = (closes_on - today).whole_days();
    REMINDER_DAYS.iter().copied().filter(|t| left <= *t).min()
}

// ── the report ──────────────────────────────────────────────────────────────────────────────

/// One submitted system with the kind of the agency that answered it and an opaque index of
/// that agency (to count distinct agencies; never reported).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered<'a> {
    pub agency: usize,
    pub agency_kind: AgencyKind,
    pub system: &'a SystemAnswer,
}

/// The aggregated report (public): counts only.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    /// Fewer than [`MIN_AGENCIES`] agencies submitted: every breakdown is empty, the systems
    /// and the budget are 0; only the agencies asked and answered are told.
    pub withheld: bool,
    pub agencies_asked: i64,
    pub agencies_answered: i64,
    /// Percent with one decimal (34.5), 0 when nobody was asked.
    pub response_rate: f64,
    pub systems: i64,
    /// Planned systems by target type (every type, zeros too; "unspecified" for a planned
    /// system without one).
    pub by_target_type: BTreeMap<String, i64>,
    /// Planned systems by planned year.
    pub by_planned_year: BTreeMap<String, i64>,
    /// Systems by the kind of agency (every kind).
    pub by_agency_kind: BTreeMap<String, i64>,
    /// Systems by current hosting (every value).
    pub by_hosting: BTreeMap<String, i64>,
    /// Planned systems by function needed.
    pub by_function: BTreeMap<String, i64>,
    /// Systems without a plan by reason (every reason).
    pub no_plan_reasons: BTreeMap<String, i64>,
    /// The budget estimates of planned systems, summed (whole won).
    pub budget_krw: i64,
}

/// `part` of `whole` in percent with one decimal, rounded half up.
pub fn percent(part: i64, whole: i64) -> f64 {
    if whole <= 0 {
        return 0.0;
    }
    let tenths = (i128::from(part.max(0)) * 1000 + i128::from(whole) / 2) / i128::from(whole);
    tenths as f64 / 10.0
}

fn zeros(codes: Vec<&'static str>) -> BTreeMap<String, i64> {
    codes.into_iter().map(|c| (c.to_owned(), 0)).collect()
}

/// The report of a survey from its submitted systems: withheld below [`MIN_AGENCIES`] distinct
/// agencies; a function named by fewer agencies counts as [`OTHER_FUNCTION`].
pub fn aggregate(asked: i64, answered: i64, systems: &[Answered<'_>]) -> Report {
    let distinct = |list: &mut Vec<usize>| {
        list.sort_unstable();
        list.dedup();
        list.len()
    };
    let mut agencies: Vec<usize> = systems.iter().map(|a| a.agency).collect();
    if distinct(&mut agencies) < MIN_AGENCIES {
        return Report {
            withheld: true,
            agencies_asked: asked,
            agencies_answered: answered,
            response_rate: percent(answered, asked),
            ..Report::default()
        };
    }
    let mut naming: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for a in systems.iter().filter(|a| a.system.planned()) {
        for f in &a.system.functions {
            naming.entry(f.as_str()).or_default().push(a.agency);
        }
    }
    let public: Vec<&str> = naming.into_iter().filter_map(|(f, mut by)| (distinct(&mut by) >= MIN_AGENCIES).then_some(f)).collect();
    let mut r = Report {
        agencies_asked: asked,
        agencies_answered: answered,
        response_rate: percent(answered, asked),
        systems: systems.len() as i64,
        by_target_type: zeros(TargetType::codes()),
        by_agency_kind: zeros(AgencyKind::codes()),
        by_hosting: zeros(Hosting::codes()),
        no_plan_reasons: zeros(NoPlanReason::codes()),
        ..Report::default()
    };
    for a in systems {
        let s = a.system;
        *r.by_agency_kind.entry(a.agency_kind.as_str().into()).or_default() += 1;
        *r.by_hosting.entry(s.current_hosting.as_str().into()).or_default() += 1;
        match s.planned_year {
            Some(y) => {
                let t = s.target_type.map_or("unspecified", TargetType::as_str);
                *r.by_target_type.entry(t.into()).or_default() += 1;
                *r.by_planned_year.entry(y.to_string()).or_default() += 1;
                let mut named: Vec<&str> =
                    s.functions.iter().map(|f| if public.contains(&f.as_str()) { f.as_str() } else { OTHER_FUNCTION }).collect();
                named.sort_unstable();
                named.dedup();
                for f in named {
                    *r.by_function.entry(f.to_owned()).or_default() += 1;
                }
                r.budget_krw = r.budget_krw.saturating_add(s.budget_krw.unwrap_or(0));
            }
            None => {
                let reason = s.no_plan_reason.unwrap_or(NoPlanReason::Other);
                *r.no_plan_reasons.entry(reason.as_str().into()).or_default() += 1;
            }
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn answer(key: &str) -> SystemAnswer {
        SystemAnswer {
            key: key.into(),
            name: "전자결재 시스템".into(),
            current_hosting: Hosting::Own,
            planned_year: Some(2027),
            target_type: Some(TargetType::Saas),
            change: Some(Change::Conversion),
            functions: vec!["전자결재".into()],
            budget_krw: Some(50_000_000),
            no_plan_reason: None,
        }
    }

    #[test]
    fn codes_read_back() {
        for h in Hosting::ALL {
            assert_eq!(Hosting::parse(h.as_str()), Some(*h));
        }
        for t in TargetType::ALL {
            assert_eq!(TargetType::parse(t.as_str()), Some(*t));
        }
        for c in Change::ALL {
            assert_eq!(Change::parse(c.as_str()), Some(*c));
        }
        for n in NoPlanReason::ALL {
            assert_eq!(NoPlanReason::parse(n.as_str()), Some(*n));
            assert!(!n.label_ko().is_empty() && !n.label_en().is_empty());
        }
        for k in AgencyKind::ALL {
            assert_eq!(AgencyKind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(Hosting::codes(), ["own", "nirs", "private", "none"]);
        assert_eq!(NoPlanReason::codes(), ["no_budget", "security", "hardware_life", "excluded", "policy", "other"]);
        assert_eq!(Hosting::parse("cloud"), None);
        assert_eq!(TargetType::parse("IaaS"), None);
    }

    #[test]
    fn a_system_without_a_plan_needs_a_reason() {
        let mut a = answer("SYS-1");
        a.planned_year = None;
        assert_eq!(a.clone().check(), Err(AnswerError::ReasonRequired));
        a.no_plan_reason = Some(NoPlanReason::NoBudget);
        assert!(a.check().is_ok());
    }

    #[test]
    fn a_planned_systems_reason_is_dropped() {
        let mut a = answer("SYS-1");
        a.no_plan_reason = Some(NoPlanReason::Security);
        assert_eq!(a.check().expect("ok").no_plan_reason, None);
    }

    #[test]
    fn fields_are_bounded() {
        let field = |a: SystemAnswer| match a.check() {
            Err(AnswerError::Field(f, _)) => f,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(answer("")), "key");
        assert_eq!(field(answer("-lead")), "key");
        assert_eq!(field(answer("한글")), "key");
        assert_eq!(field(answer(&"a".repeat(65))), "key");
        assert!(answer(&"a".repeat(64)).check().is_ok());
        assert!(answer("sys.v2_a-1").check().is_ok());
        let mut a = answer("k");
        a.name = "  ".into();
        assert_eq!(field(a), "name");
        let mut a = answer("k");
        a.planned_year = Some(1999);
        assert_eq!(field(a), "planned_year");
        let mut a = answer("k");
        a.planned_year = Some(2101);
        assert_eq!(field(a), "planned_year");
        let mut a = answer("k");
        a.budget_krw = Some(-1);
        assert_eq!(field(a), "budget_krw");
        let mut a = answer("k");
        a.budget_krw = Some(0);
        assert!(a.check().is_ok());
        let mut a = answer("k");
        a.functions = (0..21).map(|i| i.to_string()).collect();
        assert_eq!(field(a), "functions");
    }

    #[test]
    fn functions_are_trimmed_deduplicated_and_bounded() {
        assert_eq!(functions(&[" 전자결재 ", "", "전자결재", "메일"]).expect("ok"), ["전자결재", "메일"]);
        assert!(functions(&[&"가".repeat(51)]).is_err());
        let many: Vec<String> = (0..21).map(|i| format!("f{i}")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(functions(&refs).is_err());
        assert_eq!(functions(&refs[..20]).expect("ok").len(), 20);
    }

    #[test]
    fn the_window_is_inclusive() {
        let (o, c) = (date!(2026 - 11 - 01), date!(2026 - 11 - 30));
        assert_eq!(phase(date!(2026 - 10 - 31), o, c), Phase::NotYetOpen);
        assert_eq!(phase(o, o, c), Phase::Open);
        assert_eq!(phase(c, o, c), Phase::Open);
        assert_eq!(phase(date!(2026 - 12 - 01), o, c), Phase::Closed);
        assert!(may_answer(c, o, c) && !may_answer(date!(2026 - 12 - 01), o, c) && !may_answer(date!(2026 - 10 - 31), o, c));
    }

    #[test]
    fn survey_settings() {
        let (o, c) = (date!(2026 - 11 - 01), date!(2026 - 11 - 30));
        assert!(check_survey(2026, o, c).is_ok());
        assert!(check_survey(2026, o, o).is_ok());
        assert_eq!(check_survey(2026, c, o).map_err(|e| e.0), Err("closes_on"));
        assert_eq!(check_survey(1999, o, c).map_err(|e| e.0), Err("year"));
    }

    #[test]
    fn reminders_at_14_7_and_1_days() {
        let (o, c) = (date!(2026 - 11 - 01), date!(2026 - 11 - 30));
        let on = |d: Date| reminder_due(d, o, c);
        assert_eq!(on(date!(2026 - 11 - 15)), None); // 15 days left
        assert_eq!(on(date!(2026 - 11 - 16)), Some(14));
        assert_eq!(on(date!(2026 - 11 - 20)), Some(14)); // a missed day still finds 14
        assert_eq!(on(date!(2026 - 11 - 23)), Some(7));
        assert_eq!(on(date!(2026 - 11 - 28)), Some(7));
        assert_eq!(on(date!(2026 - 11 - 29)), Some(1));
        assert_eq!(on(c), Some(1));
        assert_eq!(on(date!(2026 - 12 - 01)), None);
        assert_eq!(reminder_due(date!(2026 - 10 - 20), o, c), None); // not open yet
    }

    #[test]
    fn percentages_round_half_up() {
        assert_eq!(percent(0, 0), 0.0);
        assert_eq!(percent(345, 1000), 34.5);
        assert_eq!(percent(1, 3), 33.3);
        assert_eq!(percent(2, 3), 66.7);
        assert_eq!(percent(3, 3), 100.0);
    }

    #[test]
    fn the_report_counts_and_names_nobody() {
        let a = answer("A");
        let mut b = answer("B");
        b.planned_year = Some(2028);
        b.target_type = Some(TargetType::Iaas);
        b.functions = vec!["전자결재".into(), "영상회의".into()];
        b.current_hosting = Hosting::Nirs;
        let mut c = answer("C");
        c.planned_year = None;
        c.no_plan_reason = Some(NoPlanReason::NoBudget);
        let mut d = answer("D");
        d.functions = vec!["전자결재".into()];
        let answered = [
            Answered { agency: 0, agency_kind: AgencyKind::Central, system: &a },
            Answered { agency: 1, agency_kind: AgencyKind::Local, system: &b },
            Answered { agency: 2, agency_kind: AgencyKind::Local, system: &c },
            Answered { agency: 2, agency_kind: AgencyKind::Local, system: &d },
        ];
        let r = aggregate(4, 3, &answered);
        assert!(!r.withheld);
        assert_eq!((r.agencies_asked, r.agencies_answered, r.systems), (4, 3, 4));
        assert_eq!(r.response_rate, 75.0);
        assert_eq!(r.by_target_type["saas"], 2);
        assert_eq!(r.by_target_type["iaas"], 1);
        assert_eq!(r.by_target_type["paas"], 0);
        assert_eq!(r.by_planned_year["2028"], 1);
        assert_eq!(r.by_planned_year["2027"], 2);
        assert_eq!(r.by_agency_kind["local"], 3);
        assert_eq!(r.by_agency_kind["public_institution"], 0);
        assert_eq!(r.by_hosting["own"], 3);
        assert_eq!(r.by_hosting["nirs"], 1);
        // 전자결재 is named by three agencies; 영상회의 by one only, so it is `other`.
        assert_eq!(r.by_function["전자결재"], 3);
        assert_eq!(r.by_function.get("영상회의"), None);
        assert_eq!(r.by_function[OTHER_FUNCTION], 1);
        assert_eq!(r.no_plan_reasons["no_budget"], 1);
        assert_eq!(r.no_plan_reasons["security"], 0);
        assert_eq!(r.budget_krw, 150_000_000);
        let empty = aggregate(0, 0, &[]);
        assert_eq!((empty.systems, empty.response_rate, empty.withheld), (0, 0.0, true));
    }

    #[test]
    fn fewer_than_three_agencies_are_never_broken_down() {
        let a = answer("A");
        let b = answer("B");
        let two = [
            Answered { agency: 0, agency_kind: AgencyKind::Central, system: &a },
            Answered { agency: 1, agency_kind: AgencyKind::Local, system: &b },
            Answered { agency: 1, agency_kind: AgencyKind::Local, system: &a },
        ];
        let r = aggregate(5, 2, &two);
        assert!(r.withheld);
        assert_eq!((r.agencies_asked, r.agencies_answered, r.response_rate), (5, 2, 40.0));
        assert_eq!((r.systems, r.budget_krw), (0, 0));
        assert!(r.by_target_type.is_empty() && r.by_function.is_empty() && r.by_agency_kind.is_empty());
        assert!(r.by_hosting.is_empty() && r.by_planned_year.is_empty() && r.no_plan_reasons.is_empty());
    }

    #[test]
    fn a_planned_year_is_not_before_the_surveys() {
        let mut a = answer("A");
        a.planned_year = Some(2026);
        assert!(a.clone().check_for(2026).is_ok());
        assert!(matches!(a.clone().check_for(2027), Err(AnswerError::Field("planned_year", _))));
        a.planned_year = None;
        a.no_plan_reason = Some(NoPlanReason::Security);
        assert!(a.check_for(2027).is_ok());
    }
}

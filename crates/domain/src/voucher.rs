//! The SME cloud voucher (클라우드 바우처, docs/RULES.md#voucher-programme): a yearly programme
//! with a total budget, a per-company cap and a government share; a pool of suppliers' services;
//! SMEs' applications, the vouchers the operator grants, and the claims for reimbursement.
//!
//! Pure rules only: the state machines of a pool entry, an application and a claim, the
//! reimbursement arithmetic (⌊paid × share / 100⌋, whole won) and the budget checks ("never
//! exceeded"), and the fraud flags' tests. The storage crate enforces the same budget rule
//! atomically with a conditional UPDATE; these functions say what it means.

use time::Date;

/// The largest amount of won a programme, a cap, a grant or a payment may name: 1조원.
pub const MAX_KRW: i64 = 1_000_000_000_000;

/// A claim submitted more than this many days after its payment is flagged `late_claim`.
pub const LATE_CLAIM_DAYS: i64 = 30;

/// What a voucher pays for (지원 항목).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CostType {
    /// 컨설팅
    Consulting,
    /// 전환 (migration)
    Transition,
    /// 이용료 (usage fees)
    Usage,
}

impl CostType {
    pub const ALL: [CostType; 3] = [CostType::Consulting, CostType::Transition, CostType::Usage];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Consulting => "consulting",
            Self::Transition => "transition",
            Self::Usage => "usage",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            Self::Consulting => "컨설팅",
            Self::Transition => "전환",
            Self::Usage => "이용료",
        }
    }
}

/// Why a voucher action is refused; each maps to one API code and status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 409: the object's status forbids the action.
    InvalidStatus { status: &'static str, action: &'static str },
    /// 409: the application window is not open today.
    ProgrammeClosed,
    /// 409: the company already applied to this programme.
    AlreadyApplied,
    /// 403: the company is not a small or medium enterprise.
    NotSme,
    /// 400: a grant above the programme's per-company cap.
    AboveCompanyCap,
    /// 409: a grant beyond what the programme has left.
    ProgrammeBudgetExceeded,
    /// 400: a service outside the programme's approved pool.
    ServiceNotInProgramme,
    /// 409: paid after the programme's usage end.
    UsagePeriodOver,
    /// 409: the tax invoice number was already claimed in this programme.
    DuplicateInvoice,
    /// 409: the reimbursement is beyond what the voucher has left.
    VoucherExhausted,
    /// 400: a cost type the programme does not cover.
    CostTypeNotEligible,
    /// 400: a claim without evidence.
    EvidenceRequired,
    /// 400: approving a flagged claim needs a written reason.
    FlagReasonRequired,
    /// 409: the service has no certification valid today.
    CertificationRequired,
    /// 409: the service is already offered to the programme.
    AlreadyInPool,
    /// 400: a refund larger than the reimbursement it returns.
    RefundAbovePaid,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::InvalidStatus { .. } => "invalid_status",
            Self::ProgrammeClosed => "programme_closed",
            Self::AlreadyApplied => "already_applied",
            Self::NotSme => "not_sme",
            Self::AboveCompanyCap => "above_company_cap",
            Self::ProgrammeBudgetExceeded => "programme_budget_exceeded",
            Self::ServiceNotInProgramme => "service_not_in_programme",
            Self::UsagePeriodOver => "usage_period_over",
            Self::DuplicateInvoice => "duplicate_invoice",
            Self::VoucherExhausted => "voucher_exhausted",
            Self::CostTypeNotEligible => "cost_type_not_eligible",
            Self::EvidenceRequired => "evidence_required",
            Self::FlagReasonRequired => "flag_reason_required",
            Self::CertificationRequired => "certification_required",
            Self::AlreadyInPool => "already_in_pool",
            Self::RefundAbovePaid => "refund_above_paid",
        }
    }

    pub fn http_status(self) -> u16 {
        match self {
            Self::NotSme => 403,
            Self::AboveCompanyCap
            | Self::ServiceNotInProgramme
            | Self::CostTypeNotEligible
            | Self::EvidenceRequired
            | Self::FlagReasonRequired
            | Self::RefundAbovePaid => 400,
            _ => 409,
        }
    }

    pub fn message_en(self) -> String {
        match self {
            Self::InvalidStatus { status, action } => format!("a {status} object cannot be {action}"),
            Self::ProgrammeClosed => "the programme is not taking applications today".into(),
            Self::AlreadyApplied => "the company already applied to this programme".into(),
            Self::NotSme => "only a small or medium company (an approved SME account) applies for a voucher".into(),
            Self::AboveCompanyCap => "the grant is above the programme's per-company cap".into(),
            Self::ProgrammeBudgetExceeded => "the grant is beyond what the programme's budget has left".into(),
            Self::ServiceNotInProgramme => "the service is not in the programme's approved pool".into(),
            Self::UsagePeriodOver => "the payment is after the programme's usage end".into(),
            Self::DuplicateInvoice => "this tax invoice number was already claimed in this programme".into(),
            Self::VoucherExhausted => "the reimbursement is beyond what the voucher has left".into(),
            Self::CostTypeNotEligible => "the programme does not cover this cost type".into(),
            Self::EvidenceRequired => "attach the tax invoice and the payment proof (evidence_document_ids)".into(),
            Self::FlagReasonRequired => "the claim is flagged: approving it needs a written reason".into(),
            Self::CertificationRequired => "the service has no certification valid today".into(),
            Self::AlreadyInPool => "the service is already offered to this programme".into(),
            Self::RefundAbovePaid => "the refunds reported would exceed what was paid on the claim".into(),
        }
    }
}

// ── arithmetic ──────────────────────────────────────────────────────────────────────────────

/// The reimbursement of a payment: ⌊paid × share / 100⌋ in whole won (원 미만 절사). `share` is
/// 1–100; a negative payment reimburses nothing.
pub fn reimbursement(paid_krw: i64, share_pct: i64) -> i64 {
    if paid_krw <= 0 || share_pct <= 0 {
        return 0;
    }
    let share = i128::from(share_pct.min(100));
    let r = i128::from(paid_krw) * share / 100;
    i64::try_from(r).unwrap_or(i64::MAX)
}

/// Whether adding `add` to `used` stays within `limit` (the rule the conditional UPDATE keeps:
/// `used + add <= limit`), without overflow.
pub fn fits(used: i64, add: i64, limit: i64) -> bool {
    add >= 0 && i128::from(used) + i128::from(add) <= i128::from(limit)
}

/// What is left of `limit` after `used` (never negative).
pub fn remaining(limit: i64, used: i64) -> i64 {
    (i128::from(limit) - i128::from(used)).clamp(0, i128::from(i64::MAX)) as i64
}

/// Checks a grant against the programme: the per-company cap first (400), then what is left (409).
pub fn check_grant(granted: i64, company_cap: i64, programme_total: i64, programme_granted: i64) -> Result<(), Refusal> {
    if granted > company_cap {
        return Err(Refusal::AboveCompanyCap);
    }
    if !fits(programme_granted, granted, programme_total) {
        return Err(Refusal::ProgrammeBudgetExceeded);
    }
    Ok(())
}

/// Checks an approval against the voucher: its approved reimbursements never exceed its grant.
pub fn check_approval(reimbursement: i64, voucher_granted: i64, voucher_reimbursed: i64) -> Result<(), Refusal> {
    if fits(voucher_reimbursed, reimbursement, voucher_granted) { Ok(()) } else { Err(Refusal::VoucherExhausted) }
}

// ── programme ───────────────────────────────────────────────────────────────────────────────

/// A programme's settings as the operator gives them, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeSettings {
    pub year: i32,
    pub total_budget_krw: i64,
    pub company_cap_krw: i64,
    pub government_share_pct: i64,
    pub cost_types: Vec<CostType>,
    pub apply_from: Date,
    pub apply_to: Date,
    pub use_until: Date,
}

/// What is wrong with a programme's settings: the field and why.
pub type SettingsError = (&'static str, &'static str);

impl ProgrammeSettings {
    pub fn check(&self) -> Result<(), SettingsError> {
        if !(2000..=2100).contains(&self.year) {
            return Err(("year", "a year from 2000 to 2100"));
        }
        if !(1..=MAX_KRW).contains(&self.total_budget_krw) {
            return Err(("total_budget_krw", "a whole number of won from 1 to 1,000,000,000,000"));
        }
        if !(1..=MAX_KRW).contains(&self.company_cap_krw) {
            return Err(("company_cap_krw", "a whole number of won from 1 to 1,000,000,000,000"));
        }
        if !(1..=100).contains(&self.government_share_pct) {
            return Err(("government_share_pct", "a whole percentage from 1 to 100"));
        }
        if self.cost_types.is_empty() {
            return Err(("cost_types", "at least one of consulting, transition, usage"));
        }
        if self.apply_from > self.apply_to {
            return Err(("apply_to", "on or after apply_from"));
        }
        if self.apply_to > self.use_until {
            return Err(("use_until", "on or after apply_to"));
        }
        Ok(())
    }
}

/// Whether the application window is open on `today` (both ends inclusive, Asia/Seoul dates).
pub fn window_open(today: Date, apply_from: Date, apply_to: Date) -> bool {
    apply_from <= today && today <= apply_to
}

// ── state machines ──────────────────────────────────────────────────────────────────────────

/// A service offered to a programme's pool (바우처 공급기업 풀).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolStatus {
    Pending,
    Approved,
    Rejected,
}

/// What the operator does with a pool entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolAction {
    Approve,
    Reject,
}

impl PoolStatus {
    pub const ALL: [PoolStatus; 3] = [Self::Pending, Self::Approved, Self::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// A pending entry is approved or rejected, once.
    pub fn decide(self, action: PoolAction) -> Result<Self, Refusal> {
        match (self, action) {
            (Self::Pending, PoolAction::Approve) => Ok(Self::Approved),
            (Self::Pending, PoolAction::Reject) => Ok(Self::Rejected),
            (s, a) => Err(Refusal::InvalidStatus {
                status: s.as_str(),
                action: match a {
                    PoolAction::Approve => "approved",
                    PoolAction::Reject => "rejected",
                },
            }),
        }
    }
}

/// An SME's application (바우처 신청).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationStatus {
    Submitted,
    Selected,
    Rejected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationAction {
    Select,
    Reject,
}

impl ApplicationStatus {
    pub const ALL: [ApplicationStatus; 3] = [Self::Submitted, Self::Selected, Self::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Selected => "selected",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// A submitted application is selected (a voucher) or rejected, once.
    pub fn decide(self, action: ApplicationAction) -> Result<Self, Refusal> {
        match (self, action) {
            (Self::Submitted, ApplicationAction::Select) => Ok(Self::Selected),
            (Self::Submitted, ApplicationAction::Reject) => Ok(Self::Rejected),
            (s, a) => Err(Refusal::InvalidStatus {
                status: s.as_str(),
                action: match a {
                    ApplicationAction::Select => "selected",
                    ApplicationAction::Reject => "rejected",
                },
            }),
        }
    }
}

/// A claim for reimbursement (정산 신청).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimStatus {
    Submitted,
    /// The operator asked for more evidence; it may still approve or reject.
    EvidenceRequested,
    Approved,
    Rejected,
    Settled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimAction {
    Approve,
    RequestEvidence,
    Reject,
    Settle,
    /// Money returned after a reimbursement (supplier or SME).
    ReportRefund,
    /// The SME answers a request for evidence with more documents: the claim is back with the
    /// operator as submitted.
    SupplyEvidence,
}

impl ClaimAction {
    pub const ALL: [ClaimAction; 6] =
        [Self::Approve, Self::RequestEvidence, Self::Reject, Self::Settle, Self::ReportRefund, Self::SupplyEvidence];

    fn past(self) -> &'static str {
        match self {
            Self::Approve => "approved",
            Self::RequestEvidence => "questioned",
            Self::Reject => "rejected",
            Self::Settle => "settled",
            Self::ReportRefund => "refunded",
            Self::SupplyEvidence => "given more evidence",
        }
    }
}

impl ClaimStatus {
    pub const ALL: [ClaimStatus; 5] = [Self::Submitted, Self::EvidenceRequested, Self::Approved, Self::Rejected, Self::Settled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::EvidenceRequested => "evidence_requested",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Settled => "settled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Whether the claim's reimbursement is committed against its voucher.
    pub fn counts_against_voucher(self) -> bool {
        matches!(self, Self::Approved | Self::Settled)
    }

    /// The transition an action makes. A refund report leaves the status as it is.
    pub fn decide(self, action: ClaimAction) -> Result<Self, Refusal> {
        use ClaimAction as A;
        let open = matches!(self, Self::Submitted | Self::EvidenceRequested);
        match action {
            A::Approve if open => Ok(Self::Approved),
            A::RequestEvidence if open => Ok(Self::EvidenceRequested),
            A::Reject if open => Ok(Self::Rejected),
            A::Settle if self == Self::Approved => Ok(Self::Settled),
            A::ReportRefund if self.counts_against_voucher() => Ok(self),
            A::SupplyEvidence if self == Self::EvidenceRequested => Ok(Self::Submitted),
            _ => Err(Refusal::InvalidStatus { status: self.as_str(), action: action.past() }),
        }
    }
}

// ── fraud flags ─────────────────────────────────────────────────────────────────────────────

/// A fraud flag's kind (부정수급 의심 신호).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FlagKind {
    /// Applications of several companies from one address.
    SharedAddress,
    /// Applications of several companies from one client network.
    SharedNetwork,
    /// A claim's supplier and its SME share a representative, an address or a phone.
    SharedRepresentative,
    /// Money reported returned on an approved or settled claim.
    Payback,
    /// Submitted more than [`LATE_CLAIM_DAYS`] after its payment.
    LateClaim,
    /// More paid than the usage the supplier's statement shows.
    ClaimAboveUsage,
}

impl FlagKind {
    pub const ALL: [FlagKind; 6] =
        [Self::SharedAddress, Self::SharedNetwork, Self::SharedRepresentative, Self::Payback, Self::LateClaim, Self::ClaimAboveUsage];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SharedAddress => "shared_address",
            Self::SharedNetwork => "shared_network",
            Self::SharedRepresentative => "shared_representative",
            Self::Payback => "payback",
            Self::LateClaim => "late_claim",
            Self::ClaimAboveUsage => "claim_above_usage",
        }
    }

    /// Whether the flag concerns a claim (else an application).
    pub fn on_claim(self) -> bool {
        !matches!(self, Self::SharedAddress | Self::SharedNetwork)
    }
}

/// Whether a claim submitted on `submitted_on` for a payment on `paid_on` is late.
pub fn is_late_claim(paid_on: Date, submitted_on: Date) -> bool {
    (submitted_on - paid_on).whole_days() > LATE_CLAIM_DAYS
}

/// An address as compared for `shared_address`: white space removed, case folded; empty → none.
pub fn address_key(address: &str) -> Option<String> {
    let k: String = address.chars().filter(|c| !c.is_whitespace() && !matches!(c, ',' | '.' | '-')).flat_map(char::to_lowercase).collect();
    (!k.is_empty()).then_some(k)
}

/// A phone as compared: its digits; fewer than 7 → none.
pub fn phone_key(phone: &str) -> Option<String> {
    let d: String = phone.chars().filter(char::is_ascii_digit).collect();
    (d.len() >= 7).then_some(d)
}

/// A representative's name as compared: white space removed; empty → none.
pub fn name_key(name: &str) -> Option<String> {
    let k: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    (!k.is_empty()).then_some(k)
}

/// The client network an application came from: the /24 of an IPv4 address, the /48 of an
/// IPv6 one (an IPv4-mapped IPv6 address counts as IPv4).
pub fn client_network(ip: std::net::IpAddr) -> String {
    use std::net::IpAddr;
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    };
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.0/24", o[0], o[1], o[2])
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])
        }
    }
}

/// The region of a Korean address: its first word (e.g. `서울특별시`), if any.
pub fn region_of(address: &str) -> Option<String> {
    address.split_whitespace().next().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn reimbursement_truncates_to_the_won() {
        assert_eq!(reimbursement(1_000_000, 80), 800_000);
        assert_eq!(reimbursement(999, 80), 799); // 799.2
        assert_eq!(reimbursement(1, 80), 0);
        assert_eq!(reimbursement(12_345, 100), 12_345);
        assert_eq!(reimbursement(0, 80), 0);
        assert_eq!(reimbursement(-5, 80), 0);
        assert_eq!(reimbursement(MAX_KRW, 99), 990_000_000_000);
    }

    #[test]
    fn grants_meet_the_cap_before_the_budget() {
        assert_eq!(check_grant(20_000_001, 20_000_000, 100, 0), Err(Refusal::AboveCompanyCap));
        assert_eq!(check_grant(10, 20, 100, 91), Err(Refusal::ProgrammeBudgetExceeded));
        assert_eq!(check_grant(10, 20, 100, 90), Ok(()));
        assert_eq!(check_approval(11, 100, 90), Err(Refusal::VoucherExhausted));
        assert_eq!(check_approval(10, 100, 90), Ok(()));
        assert!(!fits(i64::MAX, 1, i64::MAX));
        assert!(!fits(0, -1, 10));
        assert_eq!(remaining(10, 15), 0);
    }

    #[test]
    fn every_refusal_has_a_code_and_a_status() {
        let all = [
            Refusal::InvalidStatus { status: "x", action: "y" },
            Refusal::ProgrammeClosed,
            Refusal::AlreadyApplied,
            Refusal::NotSme,
            Refusal::AboveCompanyCap,
            Refusal::ProgrammeBudgetExceeded,
            Refusal::ServiceNotInProgramme,
            Refusal::UsagePeriodOver,
            Refusal::DuplicateInvoice,
            Refusal::VoucherExhausted,
            Refusal::CostTypeNotEligible,
            Refusal::EvidenceRequired,
            Refusal::FlagReasonRequired,
            Refusal::CertificationRequired,
            Refusal::AlreadyInPool,
            Refusal::RefundAbovePaid,
        ];
        for r in all {
            assert!(r.code().bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
            assert!([400, 403, 409].contains(&r.http_status()));
            assert!(!r.message_en().is_empty());
        }
        assert_eq!(Refusal::NotSme.http_status(), 403);
        assert_eq!(Refusal::AboveCompanyCap.http_status(), 400);
        assert_eq!(Refusal::ProgrammeBudgetExceeded.http_status(), 409);
    }

    #[test]
    fn settings_are_checked_field_by_field() {
        let ok = ProgrammeSettings {
            year: 2026,
            total_budget_krw: 8_000_000_000,
            company_cap_krw: 20_000_000,
            government_share_pct: 80,
            cost_types: vec![CostType::Usage],
            apply_from: date!(2026 - 11 - 01),
            apply_to: date!(2026 - 11 - 30),
            use_until: date!(2027 - 06 - 30),
        };
        assert_eq!(ok.check(), Ok(()));
        assert_eq!(ProgrammeSettings { government_share_pct: 0, ..ok.clone() }.check().map_err(|e| e.0), Err("government_share_pct"));
        assert_eq!(ProgrammeSettings { government_share_pct: 101, ..ok.clone() }.check().map_err(|e| e.0), Err("government_share_pct"));
        assert_eq!(ProgrammeSettings { cost_types: vec![], ..ok.clone() }.check().map_err(|e| e.0), Err("cost_types"));
        assert_eq!(ProgrammeSettings { apply_to: date!(2026 - 10 - 01), ..ok.clone() }.check().map_err(|e| e.0), Err("apply_to"));
        assert_eq!(ProgrammeSettings { use_until: date!(2026 - 11 - 29), ..ok.clone() }.check().map_err(|e| e.0), Err("use_until"));
        assert_eq!(ProgrammeSettings { total_budget_krw: 0, ..ok.clone() }.check().map_err(|e| e.0), Err("total_budget_krw"));
        // no constraint ties the cap to the total
        assert_eq!(ProgrammeSettings { company_cap_krw: 9_000_000_000, ..ok }.check(), Ok(()));
    }

    #[test]
    fn the_window_is_inclusive() {
        let (f, t) = (date!(2026 - 11 - 01), date!(2026 - 11 - 30));
        assert!(window_open(f, f, t) && window_open(t, f, t));
        assert!(!window_open(date!(2026 - 10 - 31), f, t) && !window_open(date!(2026 - 12 - 01), f, t));
    }

    #[test]
    fn every_pair_of_the_state_machines() {
        for s in PoolStatus::ALL {
            for a in [PoolAction::Approve, PoolAction::Reject] {
                assert_eq!(s.decide(a).is_ok(), s == PoolStatus::Pending, "{s:?} {a:?}");
            }
            assert_eq!(PoolStatus::parse(s.as_str()), Some(s));
        }
        for s in ApplicationStatus::ALL {
            for a in [ApplicationAction::Select, ApplicationAction::Reject] {
                assert_eq!(s.decide(a).is_ok(), s == ApplicationStatus::Submitted, "{s:?} {a:?}");
            }
            assert_eq!(ApplicationStatus::parse(s.as_str()), Some(s));
        }
        use ClaimAction as A;
        use ClaimStatus as S;
        let expect = |s: S, a: A| -> Option<S> {
            match (s, a) {
                (S::Submitted | S::EvidenceRequested, A::Approve) => Some(S::Approved),
                (S::Submitted | S::EvidenceRequested, A::RequestEvidence) => Some(S::EvidenceRequested),
                (S::Submitted | S::EvidenceRequested, A::Reject) => Some(S::Rejected),
                (S::Approved, A::Settle) => Some(S::Settled),
                (S::Approved, A::ReportRefund) => Some(S::Approved),
                (S::Settled, A::ReportRefund) => Some(S::Settled),
                (S::EvidenceRequested, A::SupplyEvidence) => Some(S::Submitted),
                _ => None,
            }
        };
        for s in ClaimStatus::ALL {
            assert_eq!(ClaimStatus::parse(s.as_str()), Some(s));
            for a in ClaimAction::ALL {
                let got = s.decide(a);
                assert_eq!(got.ok(), expect(s, a), "{s:?} {a:?}");
                if let Err(r) = got {
                    assert_eq!(r.code(), "invalid_status");
                }
            }
        }
    }

    #[test]
    fn flags_compare_what_they_should() {
        assert!(is_late_claim(date!(2026 - 10 - 01), date!(2026 - 11 - 01)));
        assert!(!is_late_claim(date!(2026 - 10 - 02), date!(2026 - 11 - 01)));
        assert_eq!(address_key("서울 강남구  테헤란로 1"), address_key("서울강남구테헤란로1"));
        assert_eq!(address_key("  "), None);
        assert_eq!(phone_key("02-6000-1001"), Some("0260001001".into()));
        assert_eq!(phone_key("12"), None);
        assert_eq!(client_network("203.0.113.77".parse().expect("ip")), "203.0.113.0/24");
        assert_eq!(client_network("::ffff:203.0.113.77".parse().expect("ip")), "203.0.113.0/24");
        assert_eq!(client_network("2001:db8:1:2::5".parse().expect("ip")), "2001:db8:1::/48");
        assert_eq!(region_of("부산광역시 해운대구"), Some("부산광역시".into()));
        for k in FlagKind::ALL {
            assert!(!k.as_str().is_empty());
        }
        assert!(FlagKind::Payback.on_claim() && !FlagKind::SharedNetwork.on_claim());
        for c in CostType::ALL {
            assert_eq!(CostType::parse(c.as_str()), Some(c));
        }
    }

    proptest! {
        /// ⌊paid × share / 100⌋: never more than paid, never more than the share, less than a won below it.
        #[test]
        fn reimbursement_is_the_truncated_share(paid in 0i64..=MAX_KRW, share in 1i64..=100) {
            let r = reimbursement(paid, share);
            prop_assert!(r >= 0 && r <= paid);
            let exact = i128::from(paid) * i128::from(share);
            prop_assert!(i128::from(r) * 100 <= exact);
            prop_assert!(exact < (i128::from(r) + 1) * 100);
            if share == 100 { prop_assert_eq!(r, paid); }
        }

        /// A larger share or payment never reimburses less.
        #[test]
        fn reimbursement_is_monotone(paid in 0i64..=MAX_KRW, extra in 0i64..=1_000_000, share in 1i64..=99) {
            prop_assert!(reimbursement(paid, share) <= reimbursement(paid, share + 1));
            prop_assert!(reimbursement(paid, share) <= reimbursement(paid + extra, share));
        }

        /// Grants accepted one after another never sum above the total, and each is within the cap.
        #[test]
        fn grants_never_exceed_the_total(total in 1i64..=1_000_000_000, cap in 1i64..=100_000_000, asks in proptest::collection::vec(0i64..=200_000_000, 0..60)) {
            let mut granted = 0i64;
            for a in asks {
                match check_grant(a, cap, total, granted) {
                    Ok(()) => { prop_assert!(a <= cap); granted += a; }
                    Err(Refusal::AboveCompanyCap) => prop_assert!(a > cap),
                    Err(Refusal::ProgrammeBudgetExceeded) => prop_assert!(granted + a > total),
                    Err(other) => prop_assert!(false, "unexpected {:?}", other),
                }
                prop_assert!(granted <= total);
            }
        }

        /// Approvals accepted one after another never sum above the voucher's grant.
        #[test]
        fn approvals_never_exceed_the_grant(grant in 0i64..=20_000_000, share in 1i64..=100, paid in proptest::collection::vec(0i64..=10_000_000, 0..40)) {
            let mut reimbursed = 0i64;
            for p in paid {
                let r = reimbursement(p, share);
                if check_approval(r, grant, reimbursed).is_ok() { reimbursed += r; }
                prop_assert!(reimbursed <= grant);
                prop_assert_eq!(remaining(grant, reimbursed), grant - reimbursed);
            }
        }
    }
}

//! Buying (docs/RULES.md#buying): the state machines of a procurement project, a quote, a
//! contract, a delivery request (order) and an amendment, and the rules around them — the short
//! list, the long list's cap, quoted prices, totals, instalments, joint shares, the certification
//! gate's grade and the time to contract. Pure: the use cases look things up and write them.
//!
//! Each machine has a `decide(status, action, actor)` that checks who asks before the status (as
//! the API checks the role and the organisation before it looks at the state) and answers the
//! status afterwards or a [`Refusal`], whose [`Refusal::code`] is the API's error code.

use crate::calendar::Holidays;
use crate::cert::CsapGrade;
use crate::clock::{SEOUL, from_micros};
use crate::orderable::{Facts, not_orderable};
use crate::review::needs_certificate;
use std::fmt;
use time::Date;

/// The most services a project's long list holds.
pub const LONG_LIST_MAX: usize = 100;
/// The most services a short list holds (it holds at least one).
pub const SHORT_LIST_MAX: usize = 10;
/// The longest reason (a refusal, a termination, a choice), in characters.
pub const REASON_MAX_CHARS: usize = 2000;

/// Why a buying step is refused; each variant is one API error code ([`Refusal::code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// 403: the actor's role may not do this (a party's other roles).
    Forbidden,
    /// 404: outside the parties, as if it did not exist.
    NotFound,
    /// 409: the status forbids the action now.
    InvalidStatus { status: &'static str, action: &'static str },
    /// 409: the project is decided; nothing about it changes any more.
    ProjectDecided,
    /// 400: a short list holds 1–10 services.
    ShortlistSize,
    /// 400: a short-listed service is not on the long list.
    NotInLongList,
    /// 400: the chosen services are not a non-empty part of the short list.
    NotInShortList,
    /// 400: a quoted (or catalog) unit price above the listed plan's.
    PriceAboveListed,
    /// 400: a quote or an order without a line.
    ItemsRequired,
    /// 400: a plan the service does not list.
    UnknownPlan,
    /// 400: a quantity or a number of months below 1.
    InvalidQuantity,
    /// 400: an amount beyond what an i64 of won holds.
    AmountTooLarge,
    /// 409: the quote's validity date has passed.
    QuoteExpired,
    /// 409: the accepted hash is not the current text's.
    TextChanged,
    /// 400: a joint contract's shares do not sum to exactly 100.
    SharesNot100,
    /// 400: a joint contract's shares: fewer than two suppliers, one named twice, or a share
    /// outside 1–99.
    InvalidShares,
    /// 400: a long-term contract's instalments do not sum to its total.
    InstallmentsNotTotal,
    /// 400: an instalment's year repeated or outside the contract's period, or an amount below 1.
    InvalidInstallments,
    /// 400: the end date before the start date.
    InvalidPeriod,
    /// 409: the master (catalog) contract has ended.
    CatalogContractEnded,
    /// 409: the master (catalog) contract has not begun.
    CatalogContractNotStarted,
    /// 403: the party that proposed an amendment cannot accept or refuse it.
    OwnAmendment,
    /// 409: a cap below what was already invoiced.
    BelowInvoiced,
    /// 400: a reason is required.
    ReasonRequired,
    /// 400: a reason longer than 2,000 characters.
    InvalidReason,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::InvalidStatus { .. } => "invalid_status",
            Self::ProjectDecided => "project_decided",
            Self::ShortlistSize => "shortlist_size",
            Self::NotInLongList => "not_in_long_list",
            Self::NotInShortList => "not_in_short_list",
            Self::PriceAboveListed => "price_above_listed",
            Self::ItemsRequired => "items_required",
            Self::UnknownPlan => "unknown_plan",
            Self::InvalidQuantity => "invalid_quantity",
            Self::AmountTooLarge => "amount_too_large",
            Self::QuoteExpired => "quote_expired",
            Self::TextChanged => "text_changed",
            Self::SharesNot100 => "shares_not_100",
            Self::InvalidShares => "invalid_shares",
            Self::InstallmentsNotTotal => "installments_not_total",
            Self::InvalidInstallments => "invalid_installments",
            Self::InvalidPeriod => "invalid_period",
            Self::CatalogContractEnded => "catalog_contract_ended",
            Self::CatalogContractNotStarted => "catalog_contract_not_started",
            Self::OwnAmendment => "own_amendment",
            Self::BelowInvoiced => "below_invoiced",
            Self::ReasonRequired => "reason_required",
            Self::InvalidReason => "invalid_reason",
        }
    }

    pub fn http_status(self) -> u16 {
        match self {
            Self::Forbidden | Self::OwnAmendment => 403,
            Self::NotFound => 404,
            Self::InvalidStatus { .. }
            | Self::ProjectDecided
            | Self::QuoteExpired
            | Self::TextChanged
            | Self::CatalogContractEnded
            | Self::CatalogContractNotStarted
            | Self::BelowInvoiced => 409,
            _ => 400,
        }
    }

    pub fn message_en(self) -> String {
        match self {
            Self::Forbidden => "your role may not do this".into(),
            Self::NotFound => "not found".into(),
            Self::InvalidStatus { status, action } => format!("something that is {status} cannot be acted on ({action})"),
            Self::ProjectDecided => "the project is decided; it no longer changes".into(),
            Self::ShortlistSize => format!("a short list holds 1 to {SHORT_LIST_MAX} services"),
            Self::NotInLongList => "every short-listed service must be on the project's long list".into(),
            Self::NotInShortList => "choose one or more services of the short list".into(),
            Self::PriceAboveListed => "a unit price may not exceed the listed plan's".into(),
            Self::ItemsRequired => "name at least one plan".into(),
            Self::UnknownPlan => "the service lists no such plan".into(),
            Self::InvalidQuantity => "quantities and months are whole numbers from 1".into(),
            Self::AmountTooLarge => "the amount is too large".into(),
            Self::QuoteExpired => "the quote is no longer valid".into(),
            Self::TextChanged => "the contract text changed since it was read; read it again".into(),
            Self::SharesNot100 => "the shares must sum to exactly 100%".into(),
            Self::InvalidShares => "a joint contract has two or more suppliers, each once, each with a share of 1 to 99%".into(),
            Self::InstallmentsNotTotal => "the yearly instalments must sum to the total".into(),
            Self::InvalidInstallments => "one instalment per fiscal year of the period, each at least 1 won".into(),
            Self::InvalidPeriod => "the end date is before the start date".into(),
            Self::CatalogContractEnded => "the catalog contract has ended".into(),
            Self::CatalogContractNotStarted => "the catalog contract has not begun".into(),
            Self::OwnAmendment => "the other party answers an amendment".into(),
            Self::BelowInvoiced => "the cap may not be below what was already invoiced".into(),
            Self::ReasonRequired => "a reason is required".into(),
            Self::InvalidReason => format!("a reason holds at most {REASON_MAX_CHARS} characters"),
        }
    }

    pub fn message_ko(self) -> String {
        match self {
            Self::Forbidden => "이 역할로는 할 수 없는 일입니다.".into(),
            Self::NotFound => "찾을 수 없습니다.".into(),
            Self::InvalidStatus { status, .. } => format!("{status} 상태에서는 할 수 없는 일입니다."),
            Self::ProjectDecided => "선정이 끝난 사업은 바꿀 수 없습니다.".into(),
            Self::ShortlistSize => format!("후보 목록은 1~{SHORT_LIST_MAX}개 서비스입니다."),
            Self::NotInLongList => "후보는 검색 목록에 있는 서비스여야 합니다.".into(),
            Self::NotInShortList => "후보 목록에서 하나 이상을 고르십시오.".into(),
            Self::PriceAboveListed => "단가는 등록된 요금보다 높을 수 없습니다.".into(),
            Self::ItemsRequired => "요금제를 하나 이상 적어 주십시오.".into(),
            Self::UnknownPlan => "서비스에 없는 요금제입니다.".into(),
            Self::InvalidQuantity => "수량과 개월 수는 1 이상의 정수입니다.".into(),
            Self::AmountTooLarge => "금액이 너무 큽니다.".into(),
            Self::QuoteExpired => "견적 유효기간이 지났습니다.".into(),
            Self::TextChanged => "계약서가 바뀌었습니다. 다시 읽어 주십시오.".into(),
            Self::SharesNot100 => "공동계약 지분의 합은 정확히 100%여야 합니다.".into(),
            Self::InvalidShares => "공동계약은 둘 이상의 제공기업이 각각 1~99% 지분을 가집니다.".into(),
            Self::InstallmentsNotTotal => "연차별 금액의 합이 총액과 같아야 합니다.".into(),
            Self::InvalidInstallments => "계약 기간의 회계연도마다 1원 이상 한 번씩입니다.".into(),
            Self::InvalidPeriod => "종료일이 시작일보다 앞섭니다.".into(),
            Self::CatalogContractEnded => "카탈로그 계약이 끝났습니다.".into(),
            Self::CatalogContractNotStarted => "카탈로그 계약이 아직 시작되지 않았습니다.".into(),
            Self::OwnAmendment => "변경 제안은 상대방이 수락하거나 거절합니다.".into(),
            Self::BelowInvoiced => "한도는 이미 청구된 금액보다 낮을 수 없습니다.".into(),
            Self::ReasonRequired => "사유를 적어 주십시오.".into(),
            Self::InvalidReason => format!("사유는 {REASON_MAX_CHARS}자 이내입니다."),
        }
    }

    /// Every variant once (the status-bound one with placeholder names), for tests and docs.
    pub const ALL: [Refusal; 25] = [
        Self::Forbidden,
        Self::NotFound,
        Self::InvalidStatus { status: "", action: "" },
        Self::ProjectDecided,
        Self::ShortlistSize,
        Self::NotInLongList,
        Self::NotInShortList,
        Self::PriceAboveListed,
        Self::ItemsRequired,
        Self::UnknownPlan,
        Self::InvalidQuantity,
        Self::AmountTooLarge,
        Self::QuoteExpired,
        Self::TextChanged,
        Self::SharesNot100,
        Self::InvalidShares,
        Self::InstallmentsNotTotal,
        Self::InvalidInstallments,
        Self::InvalidPeriod,
        Self::CatalogContractEnded,
        Self::CatalogContractNotStarted,
        Self::OwnAmendment,
        Self::BelowInvoiced,
        Self::ReasonRequired,
        Self::InvalidReason,
    ];
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

impl std::error::Error for Refusal {}

/// A reason given for a refusal, a termination or a choice: required, at most 2,000 characters.
pub fn check_reason(reason: &str) -> Result<(), Refusal> {
    if reason.trim().is_empty() {
        Err(Refusal::ReasonRequired)
    } else if reason.chars().count() > REASON_MAX_CHARS {
        Err(Refusal::InvalidReason)
    } else {
        Ok(())
    }
}

/// A period's end not before its start.
pub fn check_period(starts_on: Date, ends_on: Date) -> Result<(), Refusal> {
    if ends_on < starts_on { Err(Refusal::InvalidPeriod) } else { Ok(()) }
}

macro_rules! names {
    ($ty:ident { $($v:ident => $s:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: [$ty; [$($s),+].len()] = [$(Self::$v),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$v => $s),+
                }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|k| k.as_str() == s)
            }
        }
    };
}

fn invalid<T>(status: &'static str, action: &'static str) -> Result<T, Refusal> {
    Err(Refusal::InvalidStatus { status, action })
}

/// Who asks, relative to the thing acted on (a project, a quote, a contract, an order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    /// A buyer (구매담당) of the agency that owns it.
    Buyer,
    /// The agency's signatory (계약 서명권자).
    Signatory,
    /// Another member of the agency (its budget officer …): sees it, may not act.
    AgencyOther,
    /// The supplier's admin (the one who accepts contract texts).
    SupplierAdmin,
    /// Another member of the supplier.
    SupplierMember,
    /// Someone of neither party (another agency, another supplier, …): 404.
    Outsider,
    /// The system, on a date (a contract starts and ends).
    System,
}

impl Actor {
    pub const ALL: [Actor; 7] =
        [Self::Buyer, Self::Signatory, Self::AgencyOther, Self::SupplierAdmin, Self::SupplierMember, Self::Outsider, Self::System];

    fn is_supplier(self) -> bool {
        matches!(self, Self::SupplierAdmin | Self::SupplierMember)
    }
}

/// `allowed` may do it; an outsider is told it does not exist; anyone else is forbidden.
fn check(actor: Actor, allowed: &[Actor]) -> Result<(), Refusal> {
    if allowed.contains(&actor) {
        Ok(())
    } else if actor == Actor::Outsider {
        Err(Refusal::NotFound)
    } else {
        Err(Refusal::Forbidden)
    }
}

// ───────────────────────────── Project ─────────────────────────────

/// A procurement project (구매 사업): searches, a long list, a short list, a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProjectStatus {
    Open,
    Decided,
    Cancelled,
}
names!(ProjectStatus { Open => "open", Decided => "decided", Cancelled => "cancelled" });

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProjectAction {
    RecordSearch,
    SetShortlist,
    Decide,
    Cancel,
}
names!(ProjectAction { RecordSearch => "record_search", SetShortlist => "set_shortlist", Decide => "decide", Cancel => "cancel" });

/// Only the agency's buyers act on a project; a decided one answers `project_decided` to
/// everything, a cancelled one `invalid_status`.
pub fn decide_project(status: ProjectStatus, action: ProjectAction, actor: Actor) -> Result<ProjectStatus, Refusal> {
    check(actor, &[Actor::Buyer])?;
    match (status, action) {
        (ProjectStatus::Decided, _) => Err(Refusal::ProjectDecided),
        (ProjectStatus::Cancelled, a) => invalid(status.as_str(), a.as_str()),
        (ProjectStatus::Open, ProjectAction::RecordSearch | ProjectAction::SetShortlist) => Ok(ProjectStatus::Open),
        (ProjectStatus::Open, ProjectAction::Decide) => Ok(ProjectStatus::Decided),
        (ProjectStatus::Open, ProjectAction::Cancel) => Ok(ProjectStatus::Cancelled),
    }
}

/// Merges a search's results into the long list: results already on it (by `key`) are skipped;
/// new ones are appended in their order until the list holds [`LONG_LIST_MAX`]. Answers how many
/// new services were left out (each counted once).
pub fn merge_long_list<T, K: PartialEq>(long_list: &mut Vec<T>, results: impl IntoIterator<Item = T>, key: impl Fn(&T) -> K) -> usize {
    let mut left_out: Vec<K> = Vec::new();
    for r in results {
        let k = key(&r);
        if long_list.iter().any(|x| key(x) == k) || left_out.contains(&k) {
            continue;
        }
        if long_list.len() < LONG_LIST_MAX {
            long_list.push(r);
        } else {
            left_out.push(k);
        }
    }
    left_out.len()
}

/// A short list: 1–10 distinct services (a repeated id counts once), each on the long list.
/// Answers the short list in the order given, without repeats.
pub fn check_shortlist<T: PartialEq + Clone>(long_list: &[T], ids: &[T]) -> Result<Vec<T>, Refusal> {
    let mut out: Vec<T> = Vec::new();
    for id in ids {
        if !out.contains(id) {
            out.push(id.clone());
        }
    }
    if out.is_empty() || out.len() > SHORT_LIST_MAX {
        return Err(Refusal::ShortlistSize);
    }
    if out.iter().any(|id| !long_list.contains(id)) {
        return Err(Refusal::NotInLongList);
    }
    Ok(out)
}

/// A decision: one or more services, each on the short list, and a reason.
pub fn check_decision<T: PartialEq>(short_list: &[T], chosen: &[T], reason: &str) -> Result<(), Refusal> {
    if chosen.is_empty() || chosen.iter().any(|c| !short_list.contains(c)) {
        return Err(Refusal::NotInShortList);
    }
    check_reason(reason)
}

// ───────────────────────────── Quote ─────────────────────────────

/// A quote request and its answer (견적요청 → 견적).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuoteStatus {
    /// The buyer asked; the supplier has not answered.
    Requested,
    /// The supplier answered with prices and a validity date.
    Offered,
    /// A contract was drafted from it.
    Used,
    /// The supplier withdrew it.
    Withdrawn,
    /// Its `valid_until` passed before it was used (worked out when asked: [`QuoteStatus::on`]).
    Expired,
}
names!(QuoteStatus { Requested => "requested", Offered => "offered", Used => "used", Withdrawn => "withdrawn", Expired => "expired" });

impl QuoteStatus {
    /// The status on `today` (Asia/Seoul): an offered quote is expired after its `valid_until`
    /// (the date itself still valid). No job has to run.
    pub fn on(self, valid_until: Option<Date>, today: Date) -> Self {
        match (self, valid_until) {
            (Self::Offered, Some(v)) if today > v => Self::Expired,
            (s, _) => s,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuoteAction {
    /// The supplier answers with prices.
    Offer,
    /// The supplier withdraws its quote until it is used.
    Withdraw,
    /// The buyer drafts a contract from it.
    Use,
}
names!(QuoteAction { Offer => "offer", Withdraw => "withdraw", Use => "use" });

/// `status` is the status on today ([`QuoteStatus::on`]).
pub fn decide_quote(status: QuoteStatus, action: QuoteAction, actor: Actor) -> Result<QuoteStatus, Refusal> {
    use QuoteStatus::*;
    match action {
        QuoteAction::Offer | QuoteAction::Withdraw => check(actor, &[Actor::SupplierAdmin, Actor::SupplierMember])?,
        QuoteAction::Use => check(actor, &[Actor::Buyer])?,
    }
    match (action, status) {
        (QuoteAction::Offer, Requested) => Ok(Offered),
        (QuoteAction::Withdraw, Offered) => Ok(Withdrawn),
        (QuoteAction::Use, Offered) => Ok(Used),
        (QuoteAction::Use, Expired) => Err(Refusal::QuoteExpired),
        (a, s) => invalid(s.as_str(), a.as_str()),
    }
}

/// One line of a quote (or of a delivery request at catalog prices).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub plan: String,
    pub unit_price_krw: i64,
    pub quantity: i64,
    pub months: i64,
}

/// Checks the lines against the listed plans (`listed(plan)` = the listed unit price): a known
/// plan, quantity and months from 1, a unit price from 0 up to the listed one; at least one line.
/// Answers the total.
pub fn check_items(items: &[Item], listed: impl Fn(&str) -> Option<i64>) -> Result<i64, Refusal> {
    if items.is_empty() {
        return Err(Refusal::ItemsRequired);
    }
    for i in items {
        let Some(max) = listed(&i.plan) else { return Err(Refusal::UnknownPlan) };
        if i.quantity < 1 || i.months < 1 {
            return Err(Refusal::InvalidQuantity);
        }
        if i.unit_price_krw < 0 {
            return Err(Refusal::InvalidQuantity);
        }
        if i.unit_price_krw > max {
            return Err(Refusal::PriceAboveListed);
        }
    }
    total(items)
}

/// Σ unit price × quantity × months, in whole won; an overflow is `amount_too_large`.
pub fn total(items: &[Item]) -> Result<i64, Refusal> {
    items.iter().try_fold(0i64, |acc, i| {
        i.unit_price_krw
            .checked_mul(i.quantity)
            .and_then(|x| x.checked_mul(i.months))
            .and_then(|x| acc.checked_add(x))
            .ok_or(Refusal::AmountTooLarge)
    })
}

// ───────────────────────────── Contract ─────────────────────────────

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContractType {
    /// 일반 (one-off).
    OneOff,
    /// 장기계속: yearly instalments.
    LongTerm,
    /// 단가: unit prices fixed, quantities ordered as needed.
    UnitPrice,
    /// 공동: several suppliers with shares.
    Joint,
}
names!(ContractType { OneOff => "one_off", LongTerm => "long_term", UnitPrice => "unit_price", Joint => "joint" });

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContractStatus {
    /// Drafted; the parties read and accept its text.
    Draft,
    /// Both parties accepted the current text.
    Signed,
    /// From `starts_on`.
    Active,
    /// Terminated early with a reason; the data return follows.
    Terminated,
    /// After `ends_on`; the data return follows.
    Ended,
    /// The supplier returned and destroyed the data.
    DataReturned,
    /// The agency confirmed the return: nothing is left to do.
    Closed,
}
names!(ContractStatus {
    Draft => "draft",
    Signed => "signed",
    Active => "active",
    Terminated => "terminated",
    Ended => "ended",
    DataReturned => "data_returned",
    Closed => "closed",
});

impl ContractStatus {
    /// The status on `today` (Asia/Seoul): a signed contract is active from `starts_on`, and a
    /// signed or active one ended after `ends_on`. No job has to run.
    pub fn on(self, starts_on: Date, ends_on: Date, today: Date) -> Self {
        match self {
            Self::Signed | Self::Active if today > ends_on => Self::Ended,
            Self::Signed if today >= starts_on => Self::Active,
            s => s,
        }
    }

    /// Whether amendments and orders (call-offs) are possible.
    pub fn in_force(self) -> bool {
        matches!(self, Self::Signed | Self::Active)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContractAction {
    /// A party accepts the text by its hash ([`accept`] says whether it is then signed).
    Accept,
    /// The start date came (system).
    Start,
    /// The end date passed (system).
    End,
    /// Either party proposes an amendment.
    Amend,
    /// Either party terminates early, with a reason.
    Terminate,
    /// The supplier has returned and destroyed the data.
    ReturnData,
    /// The agency confirms the return.
    ConfirmReturn,
}
names!(ContractAction {
    Accept => "accept",
    Start => "start",
    End => "end",
    Amend => "amend",
    Terminate => "terminate",
    ReturnData => "return_data",
    ConfirmReturn => "confirm_return",
});

/// Who may do what to a contract: the supplier's admin and the agency's signatory accept; the
/// buyer, the signatory or the supplier's admin amend and terminate; the supplier's admin
/// returns the data, the agency (buyer or signatory) confirms it; the system starts and ends.
pub fn decide_contract(status: ContractStatus, action: ContractAction, actor: Actor) -> Result<ContractStatus, Refusal> {
    use Actor::*;
    use ContractAction as A;
    use ContractStatus::*;
    let allowed: &[Actor] = match action {
        A::Accept => &[SupplierAdmin, Signatory],
        A::Start | A::End => &[System],
        A::Amend | A::Terminate => &[Buyer, Signatory, SupplierAdmin],
        A::ReturnData => &[SupplierAdmin],
        A::ConfirmReturn => &[Buyer, Signatory],
    };
    check(actor, allowed)?;
    match (action, status) {
        (A::Accept, Draft) => Ok(Draft),
        (A::Start, Signed) => Ok(Active),
        (A::End, Signed | Active) => Ok(Ended),
        (A::Amend, Signed | Active) => Ok(status),
        (A::Terminate, Signed | Active) => Ok(Terminated),
        (A::ReturnData, Terminated | Ended) => Ok(DataReturned),
        (A::ConfirmReturn, DataReturned) => Ok(Closed),
        (a, s) => invalid(s.as_str(), a.as_str()),
    }
}

/// The text hashes each side accepted (a stale one does not count once the text changed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Acceptances {
    pub supplier: Option<String>,
    pub agency: Option<String>,
}

/// A party accepts the contract text by `given_hash`: refused with `text_changed` unless it is
/// `current_hash`. Answers the acceptances afterwards and the status: `signed` once both sides
/// accepted the current hash, else still `draft`.
pub fn accept(
    status: ContractStatus,
    actor: Actor,
    current_hash: &str,
    given_hash: &str,
    before: &Acceptances,
) -> Result<(Acceptances, ContractStatus), Refusal> {
    decide_contract(status, ContractAction::Accept, actor)?;
    if given_hash != current_hash {
        return Err(Refusal::TextChanged);
    }
    let mut after = before.clone();
    if actor == Actor::SupplierAdmin {
        after.supplier = Some(given_hash.to_owned());
    } else {
        after.agency = Some(given_hash.to_owned());
    }
    let both = after.supplier.as_deref() == Some(current_hash) && after.agency.as_deref() == Some(current_hash);
    Ok((after, if both { ContractStatus::Signed } else { ContractStatus::Draft }))
}

/// A long-term contract's instalment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Installment {
    pub fiscal_year: i32,
    pub amount_krw: i64,
}

/// One instalment per fiscal year (calendar years in Asia/Seoul) of the period, each at least 1
/// won, each year once and within the period; they sum to the total exactly.
pub fn check_installments(total: i64, starts_on: Date, ends_on: Date, installments: &[Installment]) -> Result<(), Refusal> {
    check_period(starts_on, ends_on)?;
    let mut sum: i64 = 0;
    for (n, i) in installments.iter().enumerate() {
        if i.amount_krw < 1
            || i.fiscal_year < starts_on.year()
            || i.fiscal_year > ends_on.year()
            || installments[..n].iter().any(|o| o.fiscal_year == i.fiscal_year)
        {
            return Err(Refusal::InvalidInstallments);
        }
        sum = sum.checked_add(i.amount_krw).ok_or(Refusal::AmountTooLarge)?;
    }
    if installments.is_empty() {
        return Err(Refusal::InvalidInstallments);
    }
    if sum != total { Err(Refusal::InstallmentsNotTotal) } else { Ok(()) }
}

/// A joint contract's shares `(supplier, percent)`: two or more suppliers, each once, each 1–99,
/// summing to exactly 100.
pub fn check_shares<T: PartialEq>(shares: &[(T, u32)]) -> Result<(), Refusal> {
    if shares.len() < 2 {
        return Err(Refusal::InvalidShares);
    }
    for (n, (s, pct)) in shares.iter().enumerate() {
        if !(1..=99).contains(pct) || shares[..n].iter().any(|(o, _)| o == s) {
            return Err(Refusal::InvalidShares);
        }
    }
    let sum: u32 = shares.iter().map(|(_, p)| *p).sum();
    if sum != 100 { Err(Refusal::SharesNot100) } else { Ok(()) }
}

/// Splits an amount (≥ 0) by percent shares summing to 100: each part is its share rounded down
/// to the won, and the remainder goes to the largest share (the first of equals), so that the
/// parts sum to the amount exactly. Answers the parts in the shares' order.
pub fn split_by_shares(amount: i64, pcts: &[u32]) -> Vec<i64> {
    let mut parts: Vec<i64> = pcts.iter().map(|p| (i128::from(amount) * i128::from(*p) / 100) as i64).collect();
    let given: i64 = parts.iter().sum();
    let largest = pcts.iter().enumerate().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0))).map(|(i, _)| i);
    if let Some(i) = largest {
        parts[i] += amount - given;
    }
    parts
}

// ───────────────────────────── Order ─────────────────────────────

/// A delivery request (납품요구) against a catalog contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderStatus {
    Requested,
    Confirmed,
    Refused,
}
names!(OrderStatus { Requested => "requested", Confirmed => "confirmed", Refused => "refused" });

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderAction {
    Confirm,
    /// With a reason ([`check_reason`]).
    Refuse,
}
names!(OrderAction { Confirm => "confirm", Refuse => "refuse" });

/// The supplier (admin or member) confirms or refuses a requested order.
pub fn decide_order(status: OrderStatus, action: OrderAction, actor: Actor) -> Result<OrderStatus, Refusal> {
    check(actor, &[Actor::SupplierAdmin, Actor::SupplierMember])?;
    match (status, action) {
        (OrderStatus::Requested, OrderAction::Confirm) => Ok(OrderStatus::Confirmed),
        (OrderStatus::Requested, OrderAction::Refuse) => Ok(OrderStatus::Refused),
        (s, a) => invalid(s.as_str(), a.as_str()),
    }
}

/// A delivery request may be placed while the master contract runs: `starts_on ≤ today ≤
/// ends_on` (Asia/Seoul dates, inclusive).
pub fn check_catalog_open(starts_on: Date, ends_on: Date, today: Date) -> Result<(), Refusal> {
    if today > ends_on {
        Err(Refusal::CatalogContractEnded)
    } else if today < starts_on {
        Err(Refusal::CatalogContractNotStarted)
    } else {
        Ok(())
    }
}

// ───────────────────────────── Amendment ─────────────────────────────

/// An amendment (변경계약) proposed by one party, answered by the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AmendmentStatus {
    Proposed,
    Accepted,
    Refused,
}
names!(AmendmentStatus { Proposed => "proposed", Accepted => "accepted", Refused => "refused" });

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AmendmentAction {
    Accept,
    Refuse,
}
names!(AmendmentAction { Accept => "accept", Refuse => "refuse" });

/// Which side proposed an amendment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Agency,
    Supplier,
}

/// The other side answers (its supplier admin, or the agency's signatory or buyer); the side that
/// proposed is refused `own_amendment`; the party's other members are forbidden.
pub fn decide_amendment(
    status: AmendmentStatus,
    action: AmendmentAction,
    actor: Actor,
    proposer: Side,
) -> Result<AmendmentStatus, Refusal> {
    let agency = [Actor::Buyer, Actor::Signatory];
    let side = if actor.is_supplier() {
        Some(Side::Supplier)
    } else if matches!(actor, Actor::Buyer | Actor::Signatory | Actor::AgencyOther) {
        Some(Side::Agency)
    } else {
        None
    };
    if side == Some(proposer) && (agency.contains(&actor) || actor == Actor::SupplierAdmin) {
        return Err(Refusal::OwnAmendment);
    }
    check(actor, &[Actor::SupplierAdmin, Actor::Buyer, Actor::Signatory])?;
    match (status, action) {
        (AmendmentStatus::Proposed, AmendmentAction::Accept) => Ok(AmendmentStatus::Accepted),
        (AmendmentStatus::Proposed, AmendmentAction::Refuse) => Ok(AmendmentStatus::Refused),
        (s, a) => invalid(s.as_str(), a.as_str()),
    }
}

/// A new cap may not be below what was already invoiced.
pub fn check_cap(new_cap_krw: i64, invoiced_krw: i64) -> Result<(), Refusal> {
    if new_cap_krw < invoiced_krw { Err(Refusal::BelowInvoiced) } else { Ok(()) }
}

// ───────────────────────────── Time to contract ─────────────────────────────

/// From the start (the short list's creation, the first quote request, or the delivery request)
/// to the last signature (or the order's confirmation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeToContract {
    pub calendar_days: i64,
    pub business_days: i64,
}

/// Both instants (UTC µs) taken as Asia/Seoul dates: calendar days between the dates (0 on the
/// same day, never negative) and business days after the start date up to and including the
/// signature's ([`Holidays::business_days_between`]).
pub fn time_to_contract(start_us: i64, signed_us: i64, holidays: &Holidays) -> TimeToContract {
    let from = from_micros(start_us).to_offset(SEOUL).date();
    let to = from_micros(signed_us).to_offset(SEOUL).date();
    TimeToContract { calendar_days: (to - from).whole_days().max(0), business_days: holidays.business_days_between(from, to) }
}

/// The days target a contract should be signed within (SPEC: "search → use" in about two weeks).
pub const TARGET_DAYS: i64 = 14;

/// The `pct`-th percentile of whole days by the nearest-rank method on the sorted values
/// (`pct` in 1–100): the smallest value with at least `pct` % of the values at or below it.
/// `None` for no values.
pub fn percentile(sorted: &[i64], pct: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    let rank = (n * pct.clamp(1, 100) as usize).div_ceil(100);
    sorted.get(rank.max(1) - 1).copied()
}

/// The median as the 50th percentile by nearest rank (a whole day, the lower middle of an even
/// count), so that it is always a day some contract actually took.
pub fn median(sorted: &[i64]) -> Option<i64> {
    percentile(sorted, 50)
}

// ───────────────────────────── The certification gate ─────────────────────────────

/// Whether an effective grade meets a project's required grade (high > medium > low); no
/// requirement is always met, no grade never meets one.
pub fn meets_grade(required: Option<CsapGrade>, effective: Option<CsapGrade>) -> bool {
    match required {
        None => true,
        Some(r) => effective.is_some_and(|e| e >= r),
    }
}

/// Every reason a service cannot be contracted or ordered for a project on `today` (the API's
/// `not_orderable` reasons): those of [`not_orderable`], then `grade_below_required` when a
/// cloud service with a valid certification has an effective grade (a SaaS takes its host
/// IaaS's, [`crate::cert::effective_grade`]) below the required one. Empty when it can.
pub fn gate(f: Facts<'_>, effective: Option<CsapGrade>, required: Option<CsapGrade>, today: Date) -> Vec<&'static str> {
    let reasons = not_orderable(f, today);
    let cert_missing = reasons
        .iter()
        .any(|r| matches!(r, crate::orderable::NotOrderable::CertificationMissing | crate::orderable::NotOrderable::CertificationExpired));
    let mut out: Vec<&'static str> = reasons.iter().map(|r| r.as_str()).collect();
    if needs_certificate(f.kind) && !cert_missing && !meets_grade(required, effective) {
        out.push("grade_below_required");
    }
    out
}

pub mod text;

#[cfg(test)]
mod tests;

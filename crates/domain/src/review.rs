//! The review committee (심사위원회): applications and their state machine, rounds, the five
//! criteria, how votes are tallied, who is tied to a supplier, and the operator's settings
//! (docs/RULES.md#review).
//!
//! An application is opened when a supplier submits a first listing or a material change with
//! every required document in (접수완료). The operator assigns it to a monthly round and its
//! reviewers; each reviewer records pass or fail per criterion; closing the round decides every
//! application in it at once. [`decide`] answers, for an application's status, an action and who
//! asks, the status afterwards or a typed [`Refusal`] whose variants are the API's codes.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    /// Every required document is in (접수완료); waiting for a round and reviewers.
    Received,
    /// In a round with reviewers (배정).
    Assigned,
    /// A reviewer has voted (심사중).
    InReview,
    /// A reviewer or the operator asked the supplier for more (보완요청).
    SupplementRequested,
    /// The committee selected it (선정).
    Selected,
    /// The committee did not select it (미선정).
    NotSelected,
    /// The supplier withdrew it before a decision (취하).
    Withdrawn,
}

impl ApplicationStatus {
    pub const ALL: [ApplicationStatus; 7] =
        [Self::Received, Self::Assigned, Self::InReview, Self::SupplementRequested, Self::Selected, Self::NotSelected, Self::Withdrawn];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Assigned => "assigned",
            Self::InReview => "in_review",
            Self::SupplementRequested => "supplement_requested",
            Self::Selected => "selected",
            Self::NotSelected => "not_selected",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            Self::Received => "접수완료",
            Self::Assigned => "심사위원 배정",
            Self::InReview => "심사중",
            Self::SupplementRequested => "보완요청",
            Self::Selected => "선정",
            Self::NotSelected => "미선정",
            Self::Withdrawn => "취하",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Received => "Received",
            Self::Assigned => "Reviewers assigned",
            Self::InReview => "In review",
            Self::SupplementRequested => "Supplement requested",
            Self::Selected => "Selected",
            Self::NotSelected => "Not selected",
            Self::Withdrawn => "Withdrawn",
        }
    }

    /// Decided or withdrawn: nothing moves it again.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Selected | Self::NotSelected | Self::Withdrawn)
    }

    /// The steps that have a target in business days (the others end the process).
    pub fn has_target(self) -> bool {
        !self.is_final()
    }
}

/// A round of the committee (차수).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundStatus {
    Open,
    Closed,
}

impl RoundStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Open, Self::Closed].into_iter().find(|k| k.as_str() == s)
    }
}

/// The five criteria each reviewer judges pass or fail (심사 기준).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// 경영상태.
    BusinessSoundness,
    /// 부정당업자 제재 여부.
    Debarment,
    /// 보안성.
    Security,
    /// 운영안정성.
    OperationalStability,
    /// 지원체계.
    SupportStructure,
}

impl Criterion {
    pub const ALL: [Criterion; 5] =
        [Self::BusinessSoundness, Self::Debarment, Self::Security, Self::OperationalStability, Self::SupportStructure];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::BusinessSoundness => "business_soundness",
            Self::Debarment => "debarment",
            Self::Security => "security",
            Self::OperationalStability => "operational_stability",
            Self::SupportStructure => "support_structure",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            Self::BusinessSoundness => "경영상태",
            Self::Debarment => "부정당업자 제재",
            Self::Security => "보안성",
            Self::OperationalStability => "운영안정성",
            Self::SupportStructure => "지원체계",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::BusinessSoundness => "Business soundness",
            Self::Debarment => "Debarment",
            Self::Security => "Security",
            Self::OperationalStability => "Operational stability",
            Self::SupportStructure => "Support structure",
        }
    }
}

/// Pass or fail on one criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pass" => Some(Self::Pass),
            "fail" => Some(Self::Fail),
            _ => None,
        }
    }
}

/// One reviewer's verdicts, one per criterion (a vote always holds all five).
pub type Verdicts = BTreeMap<Criterion, Verdict>;

/// What the committee decided about one application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub selected: bool,
    /// Each criterion's result: passed when more than half of the votes passed it.
    pub criteria: Verdicts,
    /// How many votes were counted.
    pub votes: usize,
}

impl Outcome {
    /// The criteria that failed, in their order.
    pub fn failing(&self) -> Vec<Criterion> {
        self.criteria.iter().filter(|(_, v)| **v == Verdict::Fail).map(|(c, _)| *c).collect()
    }
}

/// Tallies the votes of an application: `None` while fewer than `quorum` reviewers voted (the
/// round cannot close then). A criterion passes when more than half of the votes pass it; the
/// application is selected when every criterion passes.
pub fn tally(votes: &[Verdicts], quorum: u32) -> Option<Outcome> {
    if votes.is_empty() || votes.len() < quorum as usize {
        return None;
    }
    let criteria: Verdicts = Criterion::ALL
        .into_iter()
        .map(|c| {
            let passes = votes.iter().filter(|v| v.get(&c) == Some(&Verdict::Pass)).count();
            (c, if passes * 2 > votes.len() { Verdict::Pass } else { Verdict::Fail })
        })
        .collect();
    let selected = criteria.values().all(|v| *v == Verdict::Pass);
    Some(Outcome { selected, criteria, votes: votes.len() })
}

/// What someone asks to do with an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// The operator puts it in a round and assigns reviewers (more may be added later).
    Assign,
    /// An assigned reviewer records its verdicts.
    Vote,
    /// An assigned reviewer or the operator asks the supplier for more documents.
    RequestSupplement,
    /// The supplier says the supplement is in.
    AnswerSupplement,
    /// The supplier withdraws it before a decision.
    Withdraw,
    /// An assigned reviewer steps back (기피·회피), with a reason.
    Recuse,
    /// Closing the round decides it (selected or not).
    Decide,
}

impl Action {
    pub const ALL: [Action; 7] =
        [Self::Assign, Self::Vote, Self::RequestSupplement, Self::AnswerSupplement, Self::Withdraw, Self::Recuse, Self::Decide];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Assign => "assign",
            Self::Vote => "vote",
            Self::RequestSupplement => "request_supplement",
            Self::AnswerSupplement => "answer_supplement",
            Self::Withdraw => "withdraw",
            Self::Recuse => "recuse",
            Self::Decide => "decide",
        }
    }
}

/// Who asks, relative to the application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    /// The operator (운영기관).
    Operator,
    /// A supplier of the company that applied.
    Owner,
    /// A reviewer assigned to it (and not recused).
    AssignedReviewer,
    /// A reviewer not assigned to it: it does not exist for them (404).
    OtherReviewer,
    /// A supplier of another company: 404.
    OtherSupplier,
    /// Anyone else (auditors read the audit log; buyers, SMEs … have no business here).
    Other,
}

impl Actor {
    pub const ALL: [Actor; 6] = [Self::Operator, Self::Owner, Self::AssignedReviewer, Self::OtherReviewer, Self::OtherSupplier, Self::Other];

    /// Whether it may read the application at all (else 404, or 403 for a role never allowed).
    pub fn sees(self) -> bool {
        matches!(self, Self::Operator | Self::Owner | Self::AssignedReviewer)
    }

    /// Whether it sees the reviewers and their votes.
    pub fn sees_reviewers(self) -> bool {
        matches!(self, Self::Operator | Self::AssignedReviewer)
    }
}

/// Why an action on an application is refused; each is one API error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// 403: the role may never do this.
    Forbidden,
    /// 404: the application is outside what the actor may see.
    NotFound,
    /// 409 `invalid_status`: its status forbids the action now.
    InvalidStatus(ApplicationStatus, Action),
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::InvalidStatus(..) => "invalid_status",
        }
    }

    pub fn http_status(self) -> u16 {
        match self {
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::InvalidStatus(..) => 409,
        }
    }

    pub fn message_en(self) -> String {
        match self {
            Self::Forbidden => "your role may not do this".into(),
            Self::NotFound => "application not found".into(),
            Self::InvalidStatus(s, a) => format!("an application that is {} cannot be acted on ({})", s.as_str(), a.as_str()),
        }
    }

    pub fn message_ko(self) -> String {
        match self {
            Self::Forbidden => "이 역할로는 할 수 없는 일입니다.".into(),
            Self::NotFound => "심사 신청을 찾을 수 없습니다.".into(),
            Self::InvalidStatus(s, _) => format!("{} 상태의 신청에는 할 수 없는 일입니다.", s.label_ko()),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

impl std::error::Error for Refusal {}

/// Who may ask for each action at all.
fn check_actor(action: Action, actor: Actor) -> Result<(), Refusal> {
    use Actor::*;
    let allowed: &[Actor] = match action {
        Action::Assign | Action::Decide => &[Operator],
        Action::Vote | Action::Recuse => &[AssignedReviewer],
        Action::RequestSupplement => &[AssignedReviewer, Operator],
        Action::AnswerSupplement | Action::Withdraw => &[Owner],
    };
    if allowed.contains(&actor) {
        return Ok(());
    }
    match actor {
        // Those who cannot see it are told it does not exist; those who see it but may not do
        // this are refused.
        OtherReviewer | OtherSupplier => Err(Refusal::NotFound),
        // A reviewer may ask of its own applications; a supplier of its own.
        _ => Err(Refusal::Forbidden),
    }
}

/// The one answer to "may `actor` do `action` to an application that is `status`, and where is
/// it afterwards?". `Decide` answers the status before the tally (the caller picks selected or
/// not from [`tally`]); everything else answers the status afterwards. Total over every input.
pub fn decide(status: ApplicationStatus, action: Action, actor: Actor) -> Result<ApplicationStatus, Refusal> {
    use ApplicationStatus::*;
    check_actor(action, actor)?;
    let refuse = Err(Refusal::InvalidStatus(status, action));
    match (action, status) {
        (_, Selected | NotSelected | Withdrawn) => refuse,
        (Action::Assign, Received) => Ok(Assigned),
        (Action::Assign, s) => Ok(s),
        (Action::Vote, Assigned | InReview) => Ok(InReview),
        (Action::Vote, _) => refuse,
        (Action::RequestSupplement, Assigned | InReview) => Ok(SupplementRequested),
        (Action::RequestSupplement, _) => refuse,
        (Action::AnswerSupplement, SupplementRequested) => Ok(InReview),
        (Action::AnswerSupplement, _) => refuse,
        (Action::Withdraw, _) => Ok(Withdrawn),
        (Action::Recuse, Received) => refuse,
        (Action::Recuse, s) => Ok(s),
        (Action::Decide, Received) => refuse,
        (Action::Decide, s) => Ok(s),
    }
}

/// Whether a reviewer is tied to a supplier: a member of the supplier's organisation, or one who
/// declared a conflict with its business number (10 digits).
pub fn is_tied(reviewer_org: &str, supplier_org: Option<&str>, declared: &[String], supplier_business_number: &str) -> bool {
    supplier_org == Some(reviewer_org) || declared.iter().any(|b| b == supplier_business_number)
}

/// A list operator change is listed at once; a first listing or a material change needs the
/// committee's selection (SPEC §4 Review: `list` of anything else is 409 `selection_required`).
/// `material` is what the submission recorded (`None` for a revision never submitted).
pub fn needs_selection(has_public: bool, material: Option<bool>) -> bool {
    !has_public || material != Some(false)
}

/// The document types a service may carry beyond those the settings require.
pub const BUILTIN_DOC_TYPES: [&str; 6] = ["service_definition", "price_list", "sla", "business_soundness", "no_debarment", "certificate"];

/// The kinds of service that must carry a certificate (the others are support and convergence).
pub fn needs_certificate(kind: crate::ServiceKind) -> bool {
    use crate::ServiceKind::*;
    matches!(kind, Iaas | Paas | Saas | Daas)
}

/// The operator's review settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewSettings {
    /// Document types a submission needs; `certificate` is asked only of iaas/paas/saas/daas.
    pub required_documents: Vec<String>,
    /// How many reviewers must vote before a round can close.
    pub quorum: u32,
    /// How long a selection is valid, in years.
    pub selection_years: u32,
    /// Business days each step should take.
    pub targets: BTreeMap<String, u32>,
}

impl Default for ReviewSettings {
    fn default() -> Self {
        Self {
            required_documents: BUILTIN_DOC_TYPES.iter().map(|s| s.to_string()).collect(),
            quorum: 2,
            selection_years: 3,
            targets: [("received", 5), ("assigned", 5), ("in_review", 10), ("supplement_requested", 10)]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        }
    }
}

/// The limits of the settings, as the API states them.
pub const MAX_QUORUM: u32 = 15;
pub const MAX_SELECTION_YEARS: u32 = 10;
pub const MAX_TARGET_DAYS: u32 = 120;
pub const MAX_DOC_TYPES: usize = 20;

/// A document type's name: lower-case snake case, 2–40 characters.
pub fn is_doc_type_name(s: &str) -> bool {
    let b = s.as_bytes();
    (2..=40).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
}

impl ReviewSettings {
    /// Checks the limits; the message names the field.
    pub fn validate(&self) -> Result<(), String> {
        if self.required_documents.len() > MAX_DOC_TYPES {
            return Err(format!("required_documents: at most {MAX_DOC_TYPES} document types"));
        }
        for (i, d) in self.required_documents.iter().enumerate() {
            if !is_doc_type_name(d) {
                return Err(format!("required_documents[{i}]: a document type is lower-case snake case, 2–40 characters"));
            }
            if self.required_documents[..i].contains(d) {
                return Err(format!("required_documents[{i}]: {d} is named twice"));
            }
        }
        if !(1..=MAX_QUORUM).contains(&self.quorum) {
            return Err(format!("quorum: 1 to {MAX_QUORUM}"));
        }
        if !(1..=MAX_SELECTION_YEARS).contains(&self.selection_years) {
            return Err(format!("selection_years: 1 to {MAX_SELECTION_YEARS}"));
        }
        for (k, v) in &self.targets {
            if ApplicationStatus::parse(k).is_none_or(|s| !s.has_target()) {
                return Err(format!("targets.{k}: only received, assigned, in_review and supplement_requested have targets"));
            }
            if !(1..=MAX_TARGET_DAYS).contains(v) {
                return Err(format!("targets.{k}: 1 to {MAX_TARGET_DAYS} business days"));
            }
        }
        Ok(())
    }

    /// The documents a service of this kind must carry before it is submitted.
    pub fn required_for(&self, kind: crate::ServiceKind) -> Vec<&str> {
        self.required_documents.iter().map(String::as_str).filter(|d| *d != "certificate" || needs_certificate(kind)).collect()
    }

    /// Whether a document type may be uploaded: a built-in one or one the settings require.
    pub fn accepts_doc_type(&self, doc_type: &str) -> bool {
        BUILTIN_DOC_TYPES.contains(&doc_type) || self.required_documents.iter().any(|d| d == doc_type)
    }

    /// A step's target in business days, when it has one.
    pub fn target(&self, step: ApplicationStatus) -> Option<u32> {
        self.targets.get(step.as_str()).copied()
    }
}

/// The date a selection made on `selected_on` ends (inclusive): the same day `years` later,
/// minus one day (a 29 February start ends on 27 February, as 28 February is the anniversary).
pub fn selection_valid_to(selected_on: time::Date, years: u32) -> time::Date {
    let year = selected_on.year() + years as i32;
    let anniversary = time::Date::from_calendar_date(year, selected_on.month(), selected_on.day())
        .or_else(|_| time::Date::from_calendar_date(year, selected_on.month(), 28))
        .unwrap_or(selected_on);
    anniversary.previous_day().unwrap_or(anniversary)
}

#[cfg(test)]
mod tests;

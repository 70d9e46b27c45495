//! The life of a supplier's service as one state machine (docs/RULES.md#lifecycle).
//!
//! Where a service stands is its status (what the public sees), the state of its open revision
//! (the one draft, submitted or in-review revision beside the public one) and whether it has a
//! public revision at all. [`decide`] answers, for one of those standings, an action and who
//! asks, either the [`Transition`] (where the service stands afterwards and what happens to its
//! revisions) or a typed [`Refusal`] whose variants are the API's error codes. Pages ask the same
//! function what to offer ([`Standing::can_submit`] …), so a button is shown exactly when the
//! action would be accepted.
//!
//! What the state cannot say is left to the caller, in this order, as the application does it:
//! a malformed body or a missing reason is a 400 before anything is looked up; a service code
//! already taken (409 `code_taken`) is found when listing or creating; an edit that changes no
//! field writes nothing.

use crate::account::Role;
use crate::revision::RevisionState;
use crate::status::ServiceStatus;
use std::fmt;

/// Where a service stands, as far as the lifecycle's rules look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Standing {
    /// The service's status (서비스 상태).
    pub status: ServiceStatus,
    /// The state of its open revision (`services.draft_revision`), when it has one.
    pub open: Option<RevisionState>,
    /// Whether a revision of it was ever listed (it has a public revision).
    pub has_public: bool,
}

/// What someone asks to do with an existing service. Creating one is not here: a new service
/// has no standing yet (any supplier of an approved company may create a draft).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// The supplier changes fields (수정): in the open draft, or in a new draft opened from the
    /// public revision (else the latest) when none is open.
    Edit,
    /// The supplier attaches a document (서비스 정의서, 가격표, SLA, 인증서).
    AttachDocument,
    /// The supplier sends the open draft to the operator (등록 신청).
    Submit,
    /// The operator takes a submitted revision into review (심사 시작).
    StartReview,
    /// The operator makes the open revision the public one (등록).
    List,
    /// The operator turns the open revision down with a reason (반려).
    Reject,
    /// The operator suspends a listed service with a reason (판매중지).
    Suspend,
    /// The operator lifts a suspension (판매중지 해제).
    Reinstate,
    /// The supplier takes its submitted revision back before a decision (신청 취하): it becomes
    /// a draft again (the review committee's application is withdrawn with it).
    Recall,
    /// The selection period ended without re-review (기간만료): a listed or suspended service
    /// becomes `expired`; the scheduled job does it for the operator the day after
    /// `selection_valid_to`. Its revisions are untouched: a re-review that selects it lists it again.
    Expire,
    /// The operator cancels a selection with a reason (선정취소): a listed, suspended or expired
    /// service becomes `cancelled`, out of the catalog; its revisions are kept for the record.
    Cancel,
}

impl Action {
    pub const ALL: [Action; 11] = [
        Self::Edit,
        Self::AttachDocument,
        Self::Submit,
        Self::StartReview,
        Self::List,
        Self::Reject,
        Self::Suspend,
        Self::Reinstate,
        Self::Recall,
        Self::Expire,
        Self::Cancel,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Edit => "edit",
            Self::AttachDocument => "attach_document",
            Self::Submit => "submit",
            Self::StartReview => "review",
            Self::List => "list",
            Self::Reject => "reject",
            Self::Suspend => "suspend",
            Self::Reinstate => "reinstate",
            Self::Recall => "recall",
            Self::Expire => "expire",
            Self::Cancel => "cancel",
        }
    }

    /// The one kind of actor that may do it: the owning supplier or the operator.
    pub fn performer(self) -> Actor {
        match self {
            Self::Edit | Self::AttachDocument | Self::Submit | Self::Recall => Actor::Owner,
            Self::StartReview | Self::List | Self::Reject | Self::Suspend | Self::Reinstate | Self::Expire | Self::Cancel => {
                Actor::Operator
            }
        }
    }
}

/// Who asks, relative to the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    /// A supplier of the company that owns the service.
    Owner,
    /// A supplier of another company: the service does not exist for it (404).
    OtherSupplier,
    /// The operator (운영기관).
    Operator,
    /// The auditor (감사): reads everything, changes nothing.
    Auditor,
    /// Anyone else: other roles, and a supplier whose organisation is not a catalog supplier.
    Other,
}

impl Actor {
    pub const ALL: [Actor; 5] = [Self::Owner, Self::OtherSupplier, Self::Operator, Self::Auditor, Self::Other];

    /// The actor a person is for a service: from their roles, the catalog supplier their
    /// organisation is (if any) and the service's supplier. An organisation's kind fixes its
    /// roles, so no one is both a supplier and an operator or auditor.
    pub fn of(roles: &[Role], own_supplier: Option<&str>, service_supplier: &str) -> Self {
        if roles.contains(&Role::Supplier) {
            match own_supplier {
                Some(s) if s == service_supplier => Self::Owner,
                Some(_) => Self::OtherSupplier,
                None => Self::Other,
            }
        } else if roles.contains(&Role::Operator) {
            Self::Operator
        } else if roles.contains(&Role::Auditor) {
            Self::Auditor
        } else {
            Self::Other
        }
    }

    /// Whether it sees a service's open revision and history: its owner, the operator and the
    /// auditor.
    pub fn sees_drafts(self) -> bool {
        matches!(self, Self::Owner | Self::Operator | Self::Auditor)
    }
}

/// What an allowed action does to the revisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RevisionChange {
    /// No revision is touched (suspension, reinstatement, expiry).
    None,
    /// The open draft's content is replaced; a draft is the one revision that may still change.
    EditOpen,
    /// A new draft revision is opened after the latest, from the public revision (else the
    /// latest); the public revision itself never changes.
    OpenNew,
    /// The document is attached to the open revision.
    AttachToOpen,
    /// The document is attached to the latest revision (none is open).
    AttachToLatest,
    /// The open revision moves on and stays open (to `submitted`, or to `in_review`).
    Advance(RevisionState),
    /// The open revision becomes the public one and is closed; the previous public revision
    /// becomes `superseded`.
    Publish,
    /// The open revision is closed as `rejected`; the public revision, if any, stays public.
    Reject,
}

/// An allowed action: where the service stands before and after, and what happens to its
/// revisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Transition {
    pub action: Action,
    pub before: Standing,
    pub after: Standing,
    pub change: RevisionChange,
}

impl Transition {
    /// Whether the service's status changes (the use case then writes it and tells the index).
    pub fn status_changed(&self) -> bool {
        self.before.status != self.after.status
    }
}

/// Why an action is refused. Each variant is one API error code ([`Refusal::code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// 403 `forbidden`: the actor's role may not do this to any service.
    Forbidden,
    /// 404 `not_found`: another supplier's service, as if it did not exist.
    NotFound,
    /// 409 `invalid_status`: the service's standing forbids the action now.
    InvalidState(Conflict),
}

/// What in the standing forbids an action (409 `invalid_status`), for the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Conflict {
    /// A cancelled (선정취소) or withdrawn (철회) service is never edited again.
    NotEditable(ServiceStatus),
    /// The open revision is with the operator (or no longer a draft).
    WithOperator,
    /// There is no open revision to submit.
    NoDraft,
    /// The open revision is no longer a draft.
    AlreadySubmitted,
    /// The operator's decisions need a submitted or in-review revision; the action says which.
    NotPending(Action),
    /// The revision is already in review.
    AlreadyInReview,
    /// Only a listed service is suspended.
    NotListed,
    /// Only a suspended service is reinstated.
    NotSuspended,
    /// Only a listed or suspended service's selection expires.
    NotSelected,
    /// Only a listed, suspended or expired service's selection is cancelled.
    NotCancellable,
}

impl Conflict {
    pub fn message_en(self) -> String {
        match self {
            Self::NotEditable(s) => format!("a {} service cannot be edited", s.as_str()),
            Self::WithOperator => "the revision is with the operator; it can be edited again once it is decided".into(),
            Self::NoDraft => "there is no draft to submit; edit the service first".into(),
            Self::AlreadySubmitted => "this revision was already submitted".into(),
            Self::NotPending(a) => {
                let what = match a {
                    Action::StartReview => "taken into review",
                    Action::List => "listed",
                    Action::Reject => "rejected",
                    Action::Recall => "withdrawn",
                    _ => "decided",
                };
                format!("only a submitted or in-review service can be {what}")
            }
            Self::AlreadyInReview => "this revision is already in review".into(),
            Self::NotListed => "only a listed service can be suspended".into(),
            Self::NotSuspended => "only a suspended service can be reinstated".into(),
            Self::NotSelected => "only a listed or suspended service's selection can expire".into(),
            Self::NotCancellable => "only a listed, suspended or expired service's selection can be cancelled".into(),
        }
    }

    pub fn message_ko(self) -> String {
        match self {
            Self::NotEditable(s) => format!("{} 상태의 서비스는 수정할 수 없습니다.", s.label_ko()),
            Self::WithOperator => "운영기관이 검토 중인 판입니다. 결정된 뒤에 다시 수정할 수 있습니다.".into(),
            Self::NoDraft => "제출할 작성중인 판이 없습니다. 먼저 서비스를 수정하세요.".into(),
            Self::AlreadySubmitted => "이미 제출된 판입니다.".into(),
            Self::NotPending(a) => {
                let what = match a {
                    Action::StartReview => "심사를 시작할",
                    Action::List => "등록할",
                    Action::Reject => "반려할",
                    Action::Recall => "취하할",
                    _ => "결정할",
                };
                format!("신청 또는 심사중인 서비스만 {what} 수 있습니다.")
            }
            Self::AlreadyInReview => "이미 심사중인 판입니다.".into(),
            Self::NotListed => "등록된 서비스만 판매중지할 수 있습니다.".into(),
            Self::NotSuspended => "판매중지된 서비스만 판매중지를 해제할 수 있습니다.".into(),
            Self::NotSelected => "등록 또는 판매중지 상태의 서비스만 선정 기간이 만료될 수 있습니다.".into(),
            Self::NotCancellable => "등록·판매중지·기간만료 상태의 서비스만 선정을 취소할 수 있습니다.".into(),
        }
    }
}

impl Refusal {
    /// The API's stable error code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::InvalidState(_) => "invalid_status",
        }
    }

    /// The HTTP status it is answered with.
    pub fn http_status(self) -> u16 {
        match self {
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::InvalidState(_) => 409,
        }
    }

    pub fn message_en(self) -> String {
        match self {
            Self::Forbidden => "your role may not do this".into(),
            Self::NotFound => "service not found".into(),
            Self::InvalidState(c) => c.message_en(),
        }
    }

    pub fn message_ko(self) -> String {
        match self {
            Self::Forbidden => "이 역할로는 할 수 없는 일입니다.".into(),
            Self::NotFound => "서비스를 찾을 수 없습니다.".into(),
            Self::InvalidState(c) => c.message_ko(),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

impl std::error::Error for Refusal {}

/// Who may ask at all: the owner for the supplier's actions (another supplier is told the
/// service does not exist), the operator for the operator's. Asked before the standing, as the
/// API checks the role and the owner before it looks at the state.
fn check_actor(action: Action, actor: Actor) -> Result<(), Refusal> {
    match (action.performer(), actor) {
        (Actor::Owner, Actor::Owner) | (Actor::Operator, Actor::Operator) => Ok(()),
        (Actor::Owner, Actor::OtherSupplier) => Err(Refusal::NotFound),
        _ => Err(Refusal::Forbidden),
    }
}

/// The one answer to "may `actor` do `action` to a service standing so, and what follows?".
/// Total: every standing, action and actor gets an answer.
pub fn decide(before: Standing, action: Action, actor: Actor) -> Result<Transition, Refusal> {
    check_actor(action, actor)?;
    let refuse = |c: Conflict| Err(Refusal::InvalidState(c));
    // A service never listed shows its open revision's progress as its status; a listed one
    // keeps its status while a change of it is reviewed (the public revision stays public).
    let first = !before.has_public;
    let (after, change) = match action {
        Action::Edit => {
            if matches!(before.status, ServiceStatus::Cancelled | ServiceStatus::Withdrawn) {
                return refuse(Conflict::NotEditable(before.status));
            }
            let change = match before.open {
                None => RevisionChange::OpenNew,
                Some(RevisionState::Draft) => RevisionChange::EditOpen,
                Some(_) => return refuse(Conflict::WithOperator),
            };
            // A rejected first listing becomes a draft again once it is edited.
            let status = if first && before.status == ServiceStatus::Rejected { ServiceStatus::Draft } else { before.status };
            (Standing { status, open: Some(RevisionState::Draft), ..before }, change)
        }
        Action::AttachDocument => {
            let change = if before.open.is_some() { RevisionChange::AttachToOpen } else { RevisionChange::AttachToLatest };
            (before, change)
        }
        Action::Submit => match before.open {
            None => return refuse(Conflict::NoDraft),
            Some(RevisionState::Draft) => {
                let status = if first { ServiceStatus::Submitted } else { before.status };
                (Standing { status, open: Some(RevisionState::Submitted), ..before }, RevisionChange::Advance(RevisionState::Submitted))
            }
            Some(_) => return refuse(Conflict::AlreadySubmitted),
        },
        Action::StartReview => match before.open {
            Some(RevisionState::Submitted) => {
                let status = if first { ServiceStatus::InReview } else { before.status };
                (Standing { status, open: Some(RevisionState::InReview), ..before }, RevisionChange::Advance(RevisionState::InReview))
            }
            Some(RevisionState::InReview) => return refuse(Conflict::AlreadyInReview),
            _ => return refuse(Conflict::NotPending(action)),
        },
        Action::List => {
            if !before.open.is_some_and(RevisionState::is_pending) {
                return refuse(Conflict::NotPending(action));
            }
            // A suspended service stays suspended until it is reinstated.
            let status = if before.status == ServiceStatus::Suspended { ServiceStatus::Suspended } else { ServiceStatus::Listed };
            (Standing { status, open: None, has_public: true }, RevisionChange::Publish)
        }
        Action::Reject => {
            if !before.open.is_some_and(RevisionState::is_pending) {
                return refuse(Conflict::NotPending(action));
            }
            let status = if first { ServiceStatus::Rejected } else { before.status };
            (Standing { status, open: None, ..before }, RevisionChange::Reject)
        }
        Action::Recall => match before.open {
            Some(open) if open.is_pending() => {
                let status = if first { ServiceStatus::Draft } else { before.status };
                (Standing { status, open: Some(RevisionState::Draft), ..before }, RevisionChange::Advance(RevisionState::Draft))
            }
            _ => return refuse(Conflict::NotPending(action)),
        },
        Action::Suspend => {
            if before.status != ServiceStatus::Listed {
                return refuse(Conflict::NotListed);
            }
            (Standing { status: ServiceStatus::Suspended, ..before }, RevisionChange::None)
        }
        Action::Reinstate => {
            if before.status != ServiceStatus::Suspended {
                return refuse(Conflict::NotSuspended);
            }
            (Standing { status: ServiceStatus::Listed, ..before }, RevisionChange::None)
        }
        Action::Expire => {
            if !matches!(before.status, ServiceStatus::Listed | ServiceStatus::Suspended) {
                return refuse(Conflict::NotSelected);
            }
            (Standing { status: ServiceStatus::Expired, ..before }, RevisionChange::None)
        }
        Action::Cancel => {
            if !matches!(before.status, ServiceStatus::Listed | ServiceStatus::Suspended | ServiceStatus::Expired) {
                return refuse(Conflict::NotCancellable);
            }
            (Standing { status: ServiceStatus::Cancelled, ..before }, RevisionChange::None)
        }
    };
    Ok(Transition { action, before, after, change })
}

impl Standing {
    pub fn new(status: ServiceStatus, open: Option<RevisionState>, has_public: bool) -> Self {
        Self { status, open, has_public }
    }

    /// Whether `actor` may do `action` now.
    pub fn can(self, action: Action, actor: Actor) -> bool {
        decide(self, action, actor).is_ok()
    }

    /// Whether the action's own performer (the owner, or the operator) may do it now.
    pub fn allows(self, action: Action) -> bool {
        self.can(action, action.performer())
    }

    /// The owner may change fields.
    pub fn can_edit(self) -> bool {
        self.allows(Action::Edit)
    }

    /// The open revision is with the operator, so the edit form is shown read-only.
    pub fn with_operator(self) -> bool {
        self.open.is_some_and(|r| r != RevisionState::Draft)
    }

    /// The owner may send the open draft to the operator.
    pub fn can_submit(self) -> bool {
        self.allows(Action::Submit)
    }

    /// The operator may take the open revision into review.
    pub fn can_review(self) -> bool {
        self.allows(Action::StartReview)
    }

    /// The operator may list the open revision (a taken code aside).
    pub fn can_list(self) -> bool {
        self.allows(Action::List)
    }

    /// The operator may turn the open revision down.
    pub fn can_reject(self) -> bool {
        self.allows(Action::Reject)
    }

    /// The operator may decide on the open revision (list it or reject it).
    pub fn can_decide(self) -> bool {
        self.can_list() && self.can_reject()
    }

    pub fn can_suspend(self) -> bool {
        self.allows(Action::Suspend)
    }

    pub fn can_reinstate(self) -> bool {
        self.allows(Action::Reinstate)
    }

    /// The selection may expire (the scheduled job's question).
    pub fn can_expire(self) -> bool {
        self.allows(Action::Expire)
    }

    /// The operator may cancel the selection (선정취소).
    pub fn can_cancel(self) -> bool {
        self.allows(Action::Cancel)
    }
}

#[cfg(test)]
mod tests;

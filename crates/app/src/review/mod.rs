//! The review committee as the application does it (docs/RULES.md#review, SPEC §4 "Review"):
//! the operator's settings, rounds, applications and their steps, reviewers' assignments,
//! declared ties and recusals, votes, supplement requests, withdrawal, and closing a round, which
//! lists every selected revision and rejects the others. The domain decides what is allowed
//! (`gureum_domain::review::decide`); every action is one write transaction with its audit event
//! and the notifications it owes.

use crate::actor::Principal;
use crate::context::Context;
use crate::error::{Code, Error};
use crate::notify::tell_user;
use gureum_domain::account::Role;
use gureum_domain::calendar::Holidays;
use gureum_domain::clock::{SEOUL, from_micros};
use gureum_domain::review::{self, Action, Actor, ApplicationStatus, ReviewSettings};
use gureum_storage::{Application, AssignedReviewer, NewAuditEvent, ServiceDocument, SupplementRequest, Vote, WriteTx};
use serde_json::{Value, json};
use time::Date;

mod act;
pub mod pages;
mod rounds;
mod settings;

pub use act::*;
pub use rounds::*;
pub use settings::*;

/// The longest message, reason or comment a person writes here.
pub const MAX_TEXT: usize = 2_000;

use crate::ids::new_id;

/// A UUID from a path or body, or 400 `invalid_id`.
pub fn uuid_of<'a>(what: &str, s: &'a str) -> Result<&'a str, Error> {
    crate::ids::hyphenated_uuid(s).map(|_| s).ok_or_else(|| Error::new(Code::InvalidId, format!("{what} must be a UUID")))
}

/// A required text of at most [`MAX_TEXT`] characters (trimmed), else 400 `code`.
fn required_text(field: &str, v: Option<&str>, code: Code) -> Result<String, Error> {
    let t = v.map(str::trim).unwrap_or_default();
    if t.is_empty() {
        return Err(Error::new(code, format!("{field} is required")));
    }
    if t.chars().count() > MAX_TEXT {
        return Err(Error::new(code, format!("{field}: at most {MAX_TEXT} characters")));
    }
    Ok(t.to_owned())
}

/// The Asia/Seoul date of an instant (µs).
pub fn seoul_date(us: i64) -> Date {
    from_micros(us).to_offset(SEOUL).date()
}

/// Who `p` is for an application, given its reviewers (user id, recused).
fn actor_for(p: &Principal, app: &Application, reviewers: &[(String, bool)]) -> Actor {
    if p.has_role(Role::Operator) {
        Actor::Operator
    } else if p.has_role(Role::Supplier) {
        if p.org().supplier_id.as_deref() == Some(app.supplier_id.as_str()) { Actor::Owner } else { Actor::OtherSupplier }
    } else if p.has_role(Role::Reviewer) {
        let me = p.user().map(|u| u.id.as_str());
        if reviewers.iter().any(|(id, recused)| Some(id.as_str()) == me && !recused) {
            Actor::AssignedReviewer
        } else {
            Actor::OtherReviewer
        }
    } else {
        Actor::Other
    }
}

impl From<review::Refusal> for Error {
    fn from(r: review::Refusal) -> Self {
        let code = match r {
            review::Refusal::Forbidden => Code::Forbidden,
            review::Refusal::NotFound => Code::NotFound,
            review::Refusal::InvalidStatus(..) => Code::InvalidStatus,
        };
        Self::new(code, r.message_en())
    }
}

/// The roles that have any business with applications (others are 403 at once).
pub const APPLICATION_ROLES: &[Role] = &[Role::Operator, Role::Supplier, Role::Reviewer];

/// One step of an application with its time against its target.
#[derive(Debug, Clone, PartialEq)]
pub struct StepFact {
    pub step: ApplicationStatus,
    pub started_at: i64,
    pub ended_at: Option<i64>,
    /// Business days from its start to its end (or today while it is open).
    pub business_days: i64,
    pub target_business_days: Option<u32>,
    pub overdue: bool,
}

/// An application as one reader may see it.
#[derive(Debug, Clone)]
pub struct ApplicationDetail {
    pub application: Application,
    pub steps: Vec<StepFact>,
    /// The reviewers, for the operator and assigned reviewers only.
    pub reviewers: Option<Vec<AssignedReviewer>>,
    /// `{"selected", "criteria", "comments"}` once decided.
    pub outcome: Option<Value>,
    pub supplements: Vec<SupplementRequest>,
    /// The documents of the applied revision (the latest of each type up to it).
    pub documents: Vec<ServiceDocument>,
    /// The reader's own vote, for an assigned reviewer.
    pub my_vote: Option<Vote>,
    /// The current step's elapsed business days, its target and whether it is overdue.
    pub current: StepFact,
}

/// The documents a revision carries: for each type, the newest attached to it or an earlier one.
pub fn documents_of_revision(mut docs: Vec<ServiceDocument>, revision: i64) -> Vec<ServiceDocument> {
    docs.retain(|d| d.revision <= revision);
    docs.sort_by(|a, b| (b.revision, b.created_at, &b.id).cmp(&(a.revision, a.created_at, &a.id)));
    let mut seen = std::collections::BTreeSet::new();
    docs.retain(|d| seen.insert(d.doc_type.clone()));
    docs.sort_by(|a, b| a.doc_type.cmp(&b.doc_type));
    docs
}

/// The required document types a revision lacks.
pub fn missing_documents(settings: &ReviewSettings, kind: gureum_domain::ServiceKind, docs: &[ServiceDocument]) -> Vec<String> {
    settings.required_for(kind).into_iter().filter(|t| !docs.iter().any(|d| d.doc_type == *t)).map(str::to_owned).collect()
}

fn step_facts(steps: Vec<gureum_storage::Step>, settings: &ReviewSettings, holidays: &Holidays, now: i64) -> Vec<StepFact> {
    steps
        .into_iter()
        .map(|s| {
            let end = s.ended_at.unwrap_or(now);
            let business_days = holidays.business_days_between(seoul_date(s.started_at), seoul_date(end));
            let target = settings.target(s.step);
            StepFact {
                step: s.step,
                started_at: s.started_at,
                ended_at: s.ended_at,
                business_days,
                target_business_days: target,
                overdue: target.is_some_and(|t| business_days > i64::from(t)),
            }
        })
        .collect()
}

/// The holidays business days skip.
pub async fn holidays(ctx: &Context) -> Result<Holidays, Error> {
    let days = ctx.db().holidays().await?;
    Ok(Holidays::new(days.iter().filter_map(|(d, _)| gureum_domain::clock::parse_date(d))))
}

async fn audit(
    tx: &mut WriteTx,
    p: &Principal,
    action: &str,
    (kind, id): (&str, &str),
    before: Option<Value>,
    after: Value,
    rid: Option<String>,
) -> Result<(), Error> {
    let mut ev = NewAuditEvent::new(&p.actor(), action, kind, id).request_id(rid).after(after);
    ev.before = before;
    ev.organisation = Some(p.org().id.clone());
    tx.audit(ev).await?;
    Ok(())
}

/// Tells every supplier person of the applicant's organisation, in the app and by e-mail.
async fn tell_applicant(ctx: &Context, tx: &mut WriteTx, app: &Application, kind: &str, ko: &str, en: &str) -> Result<(), Error> {
    if let Some(org) = ctx.db().organisation_of_supplier(&app.supplier_id).await? {
        crate::notify::tell_org_admins(ctx, tx, &org.id, kind, ko, en, &format!("/applications/{}", app.id)).await?;
    }
    Ok(())
}

/// Tells one person, with a link to the application.
async fn tell(ctx: &Context, tx: &mut WriteTx, user_id: &str, app_id: &str, kind: &str, ko: &str, en: &str) -> Result<(), Error> {
    tell_user(ctx, tx, user_id, kind, ko, en, &format!("/applications/{app_id}")).await
}

/// What one reader sees of an application, given who it is for it.
async fn detail(
    ctx: &Context,
    p: &Principal,
    app: Application,
    reviewers: Vec<AssignedReviewer>,
    settings: &ReviewSettings,
    holidays: &Holidays,
) -> Result<ApplicationDetail, Error> {
    let pairs: Vec<(String, bool)> = reviewers.iter().map(|r| (r.user_id.clone(), r.recused_at.is_some())).collect();
    let actor = actor_for(p, &app, &pairs);
    let now = ctx.clock().now_micros();
    let steps = step_facts(ctx.db().application_steps(&app.id).await?, settings, holidays, now);
    let current = steps.last().cloned().unwrap_or(StepFact {
        step: app.status,
        started_at: app.step_started_at,
        ended_at: None,
        business_days: 0,
        target_business_days: None,
        overdue: false,
    });
    let outcome = app.outcome.as_deref().map(serde_json::from_str::<Value>).transpose().map_err(Error::internal)?;
    let my_vote = match (actor, p.user()) {
        (Actor::AssignedReviewer, Some(me)) => ctx.db().application_votes(&app.id).await?.into_iter().find(|v| v.reviewer_id == me.id),
        _ => None,
    };
    let documents = documents_of_revision(ctx.db().service_documents(&app.service_id).await?, app.revision);
    Ok(ApplicationDetail {
        supplements: ctx.db().supplement_requests(&app.id).await?,
        reviewers: actor.sees_reviewers().then_some(reviewers),
        application: app,
        steps,
        outcome,
        documents,
        my_vote,
        current,
    })
}

/// Reads an application for `p`: 403 for roles that never see applications, 404 outside its
/// scope.
pub async fn application(ctx: &Context, p: &Principal, id: &str) -> Result<ApplicationDetail, Error> {
    p.require(crate::Rule::AnyRole(APPLICATION_ROLES))?;
    let id = uuid_of("id", id)?;
    let app = ctx.db().application(id).await?.ok_or_else(|| Error::not_found("application"))?;
    let reviewers = ctx.db().application_reviewers(id).await?;
    let pairs: Vec<(String, bool)> = reviewers.iter().map(|r| (r.user_id.clone(), r.recused_at.is_some())).collect();
    if !actor_for(p, &app, &pairs).sees() {
        return Err(Error::not_found("application"));
    }
    detail(ctx, p, app, reviewers, &settings(ctx).await?, &holidays(ctx).await?).await
}

/// The applications `p` may see, oldest first: all for the operator, its own for a supplier,
/// those assigned to it for a reviewer; other roles 403.
pub async fn applications(
    ctx: &Context,
    p: &Principal,
    status: Option<&str>,
    round_id: Option<&str>,
) -> Result<Vec<ApplicationDetail>, Error> {
    p.require(crate::Rule::AnyRole(APPLICATION_ROLES))?;
    let status = match status.filter(|s| !s.is_empty()) {
        Some(s) => Some(ApplicationStatus::parse(s).ok_or_else(|| {
            Error::new(
                Code::InvalidStatusFilter,
                "status is received, assigned, in_review, supplement_requested, selected, not_selected or withdrawn",
            )
        })?),
        None => None,
    };
    let round_id = round_id.filter(|s| !s.is_empty()).map(|r| uuid_of("round_id", r)).transpose()?;
    let mut filter = gureum_storage::ApplicationFilter { status, round_id, ..Default::default() };
    if p.has_role(Role::Operator) {
        // every application
    } else if p.has_role(Role::Supplier) {
        filter.supplier_id = Some(p.org().supplier_id.as_deref().ok_or_else(Error::forbidden)?);
    } else {
        filter.reviewer_id = Some(p.user().map(|u| u.id.as_str()).ok_or_else(Error::forbidden)?);
    }
    let list = ctx.db().applications(&filter).await?;
    let settings = settings(ctx).await?;
    let holidays = holidays(ctx).await?;
    let mut out = Vec::with_capacity(list.len());
    for app in list {
        let reviewers = ctx.db().application_reviewers(&app.id).await?;
        out.push(detail(ctx, p, app, reviewers, &settings, &holidays).await?);
    }
    Ok(out)
}

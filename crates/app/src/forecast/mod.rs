//! The demand forecast (수요예보, issue #26; SPEC §3 "Demand forecast", §4 "Demand forecast and
//! statistics"). One module a step — [`surveys`] (the operator opens a yearly survey; every
//! approved agency is asked in the app and by e-mail), [`response`] (an agency's buyer or budget
//! officer answers system by system, prefilled from its last answer, by form or CSV, and
//! submits before the close), [`report`] (the public aggregates, the operator's response rate
//! and who is missing, the figures the statistics page takes, and demand meeting supply) and
//! [`reminders`] (the leased job: 14, 7 and 1 days before the close).
//!
//! The rules are `gureum_domain::forecast`'s. No report ever names an agency.

pub mod reminders;
pub mod report;
pub mod response;
pub mod surveys;

pub use report::summary_for_stats;

use crate::actor::Principal;
use crate::error::{Code, Error, Result};
use gureum_domain::account::{OrgKind, Role};
use gureum_domain::clock::rfc3339_utc;
use gureum_domain::forecast::{self, AgencyKind, Phase};
use gureum_storage::{ForecastSurvey, ForecastSystem, NewAuditEvent, WriteTx};
use serde::Serialize;
use serde_json::Value;

/// Who answers for an agency: its buyers and budget officers.
pub const ANSWERERS: &[Role] = &[Role::Buyer, Role::BudgetOfficer];
/// Who reads the response rate and the missing agencies: the operator runs the survey, the
/// auditor checks it.
pub const OVERSIGHT: &[Role] = &[Role::Operator, Role::Auditor];

/// Whether the caller answers for an approved agency.
pub fn is_answerer(p: &Principal) -> bool {
    p.org_kind() == OrgKind::Agency && ANSWERERS.iter().any(|r| p.has_role(*r))
}

/// A survey as everyone sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SurveyView {
    pub id: String,
    pub year: i64,
    pub opens_on: String,
    pub closes_on: String,
    /// scheduled, open or closed today (Asia/Seoul).
    pub status: &'static str,
    pub created_at: String,
}

/// The dates of a survey.
pub fn dates(s: &ForecastSurvey) -> (time::Date, time::Date) {
    let d = |v: &str| crate::body::parse_date(v).unwrap_or(time::Date::MIN);
    (d(&s.opens_on), d(&s.closes_on))
}

pub fn phase(s: &ForecastSurvey, today: time::Date) -> Phase {
    let (o, c) = dates(s);
    forecast::phase(today, o, c)
}

pub fn survey_view(s: &ForecastSurvey, today: time::Date) -> SurveyView {
    SurveyView {
        id: s.id.clone(),
        year: s.year,
        opens_on: s.opens_on.clone(),
        closes_on: s.closes_on.clone(),
        status: phase(s, today).as_str(),
        created_at: rfc3339_utc(s.created_at),
    }
}

/// A system as answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SystemView {
    pub key: String,
    pub name: String,
    pub current_hosting: String,
    pub planned_year: Option<i64>,
    pub target_type: Option<String>,
    pub change: Option<String>,
    pub functions: Vec<String>,
    pub budget_krw: Option<i64>,
    pub no_plan_reason: Option<String>,
    pub updated_at: String,
}

pub fn system_view(s: &ForecastSystem) -> SystemView {
    SystemView {
        key: s.key.clone(),
        name: s.name.clone(),
        current_hosting: s.current_hosting.clone(),
        planned_year: s.planned_year,
        target_type: s.target_type.clone(),
        change: s.change.clone(),
        functions: s.functions.clone(),
        budget_krw: s.budget_krw,
        no_plan_reason: s.no_plan_reason.clone(),
        updated_at: rfc3339_utc(s.updated_at),
    }
}

/// A stored system as the domain reads it (a stored code it does not know is read as the most
/// neutral value, so a report never fails on one old row).
pub fn answer_of(s: &ForecastSystem) -> forecast::SystemAnswer {
    use forecast::{Change, Hosting, NoPlanReason, TargetType};
    forecast::SystemAnswer {
        key: s.key.clone(),
        name: s.name.clone(),
        current_hosting: Hosting::parse(&s.current_hosting).unwrap_or(Hosting::None),
        planned_year: s.planned_year.and_then(|y| i32::try_from(y).ok()),
        target_type: s.target_type.as_deref().and_then(TargetType::parse),
        change: s.change.as_deref().and_then(Change::parse),
        functions: s.functions.clone(),
        budget_krw: s.budget_krw,
        no_plan_reason: s.no_plan_reason.as_deref().and_then(NoPlanReason::parse),
    }
}

/// An agency's stored kind, `other` when it has none.
pub fn agency_kind(stored: Option<&str>) -> AgencyKind {
    stored.and_then(AgencyKind::parse).unwrap_or(AgencyKind::Other)
}

/// A survey by id, or 404.
pub async fn survey(ctx: &crate::Context, raw_id: &str) -> Result<ForecastSurvey> {
    let id = crate::buying::uuid(raw_id, "survey")?;
    ctx.db().forecast_survey(&id).await?.ok_or_else(|| Error::not_found("survey"))
}

/// 409 `survey_closed` unless the survey takes answers today.
pub fn require_open(s: &ForecastSurvey, today: time::Date) -> Result<()> {
    match phase(s, today) {
        Phase::Open => Ok(()),
        Phase::NotYetOpen => Err(Error::new(Code::SurveyClosed, format!("the survey opens on {}", s.opens_on))),
        Phase::Closed => Err(Error::new(Code::SurveyClosed, format!("the survey closed on {}", s.closes_on))),
    }
}

/// Appends one audit event of a forecast record `(kind, id)`.
pub async fn audit(
    tx: &mut WriteTx,
    (actor, org): (&str, Option<&str>),
    rid: Option<String>,
    action: &str,
    (kind, id): (&str, &str),
    before: Option<Value>,
    after: Value,
) -> Result<()> {
    let mut ev = NewAuditEvent::new(actor, action, kind, id).request_id(rid).after(after);
    ev.before = before;
    ev.organisation = org.map(str::to_owned);
    tx.audit(ev).await?;
    Ok(())
}

/// The audit form of a system.
pub fn system_json(s: &ForecastSystem) -> Value {
    serde_json::to_value(system_view(s)).unwrap_or(Value::Null)
}

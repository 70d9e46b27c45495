//! Surveys (수요예보 조사): the operator opens one per year with its window; every approved
//! agency is asked at once — a draft response prefilled with its last submitted answer, an
//! in-app notice and an e-mail to its buyers and budget officers. Everyone reads the surveys.

use super::{SurveyView, audit, survey_view};
use crate::actor::{OPERATOR, Principal, Rule};
use crate::body::{Fields, bad, required};
use crate::context::Context;
use crate::error::{Error, Result};
use gureum_domain::account::Role;
use gureum_domain::clock::format_date;
use gureum_domain::forecast::{self, Phase};
use gureum_storage::{ForecastSurvey, UserStatus, WriteTx};
use serde_json::json;

/// Every survey, newest year first (public).
pub async fn list(ctx: &Context) -> Result<Vec<SurveyView>> {
    let today = ctx.clock().today();
    Ok(ctx.db().forecast_surveys().await?.iter().map(|s| survey_view(s, today)).collect())
}

/// One survey (public).
pub async fn get(ctx: &Context, id: &str) -> Result<SurveyView> {
    Ok(survey_view(&super::survey(ctx, id).await?, ctx.clock().today()))
}

/// The link an agency answers at.
pub fn answer_link(survey_id: &str) -> String {
    format!("/agency/forecast/{survey_id}")
}

/// Opens a survey (the operator): `{"year", "opens_on", "closes_on"}`. Every approved agency is
/// asked in the same transaction.
pub async fn create(ctx: &Context, p: &Principal, body: &serde_json::Value, rid: Option<String>) -> Result<SurveyView> {
    p.require(Rule::AnyRole(OPERATOR))?;
    let f = Fields::of(body)?;
    let year = required(f.int("year")?, "year")?;
    let opens_on = required(f.date("opens_on")?, "opens_on")?;
    let closes_on = required(f.date("closes_on")?, "closes_on")?;
    forecast::check_survey(year, opens_on, closes_on).map_err(|(k, why)| bad(k, &why))?;
    let row = ForecastSurvey {
        id: crate::ids::new_id(),
        year,
        opens_on: format_date(opens_on),
        closes_on: format_date(closes_on),
        created_by: p.actor(),
        created_at: 0,
    };
    let mut tx = ctx.db().begin_write().await?;
    tx.insert_forecast_survey(&row).await?;
    let mut asked = 0;
    for (org_id, kind) in ctx.db().approved_agencies().await? {
        if ask(ctx, &mut tx, &row, &org_id, kind.as_deref()).await? {
            asked += 1;
        }
    }
    audit(
        &mut tx,
        (&p.actor(), Some(&p.org().id)),
        rid,
        "forecast_survey.create",
        ("forecast_survey", &row.id),
        None,
        json!({"year": row.year, "opens_on": row.opens_on, "closes_on": row.closes_on, "agencies_asked": asked}),
    )
    .await?;
    tx.commit().await?;
    let stored = ctx.db().forecast_survey(&row.id).await?.ok_or_else(|| Error::internal("the survey went away"))?;
    Ok(survey_view(&stored, ctx.clock().today()))
}

/// Asks an agency approved (or created approved) after surveys opened: in the transaction that
/// approves or creates it, every survey that has not closed asks it as at opening. Nothing for
/// an organisation that is not an agency. `agency_kind` is its kind when the caller knows it
/// (else read from the stored organisation). Answers how many surveys asked it.
pub async fn ask_new_agency(
    ctx: &Context,
    tx: &mut WriteTx,
    org_id: &str,
    org_kind: gureum_domain::account::OrgKind,
    agency_kind: Option<&str>,
) -> Result<usize> {
    if org_kind != gureum_domain::account::OrgKind::Agency {
        return Ok(0);
    }
    let stored = match agency_kind {
        Some(k) => Some(k.to_owned()),
        None => ctx.db().agency_kind(org_id).await?,
    };
    let today = ctx.clock().today();
    let mut asked = 0;
    for s in ctx.db().forecast_surveys().await? {
        if super::phase(&s, today) != Phase::Closed && ask(ctx, tx, &s, org_id, stored.as_deref()).await? {
            asked += 1;
        }
    }
    Ok(asked)
}

/// Asks one agency (its draft response, prefilled; its answerers told). `false` when it was
/// asked already.
pub async fn ask(ctx: &Context, tx: &mut WriteTx, s: &ForecastSurvey, org_id: &str, kind: Option<&str>) -> Result<bool> {
    let kind = super::agency_kind(kind);
    let Some(_prefilled) = tx.ask_agency(&super::response::response_id(&s.id, org_id), &s.id, org_id, kind.as_str()).await? else {
        return Ok(false);
    };
    let (ko, en) = if super::phase(s, ctx.clock().today()) == Phase::NotYetOpen {
        (
            format!(
                "{}년 클라우드 수요예보 조사가 {}부터 {}까지 진행됩니다. 정보시스템별 클라우드 도입 계획을 입력해 주세요.",
                s.year, s.opens_on, s.closes_on
            ),
            format!(
                "The {} cloud demand forecast survey runs from {} to {}. Enter each information system's cloud plan.",
                s.year, s.opens_on, s.closes_on
            ),
        )
    } else {
        (
            format!(
                "{}년 클라우드 수요예보 조사에 {}까지 응답해 주세요. 정보시스템별 클라우드 도입 계획을 입력합니다.",
                s.year, s.closes_on
            ),
            format!("Please answer the {} cloud demand forecast survey by {}: each information system's cloud plan.", s.year, s.closes_on),
        )
    };
    tell_answerers(ctx, tx, org_id, "forecast.asked", &ko, &en, &answer_link(&s.id)).await?;
    Ok(true)
}

/// Tells an agency's buyers, budget officers and admins, in the app and by e-mail.
pub async fn tell_answerers(ctx: &Context, tx: &mut WriteTx, org_id: &str, kind: &str, ko: &str, en: &str, link: &str) -> Result<()> {
    for u in ctx.db().users_of(org_id).await? {
        if u.status == UserStatus::Disabled {
            continue;
        }
        if u.is_admin || u.roles.iter().any(|r| matches!(r, Role::Buyer | Role::BudgetOfficer)) {
            crate::notify::tell_user(ctx, tx, &u.id, kind, ko, en, link).await?;
        }
    }
    Ok(())
}

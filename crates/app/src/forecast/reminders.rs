//! The reminders job (docs/RULES.md#jobs-and-notices): agencies that have not submitted an open
//! survey's response are reminded 14, 7 and 1 days before the close (a missed day still sends
//! the threshold it passed). Each reminder is recorded in the transaction that sends it, so it
//! goes once per survey, agency and threshold whatever restarts or other instances do.

use super::surveys::{answer_link, tell_answerers};
use crate::context::Context;
use crate::debarments::SYSTEM;
use crate::error::Result;
use gureum_domain::forecast;
use serde_json::json;

/// Sends the reminders due today; answers how many agencies were reminded.
pub async fn run_job(ctx: &Context) -> Result<usize> {
    let today = ctx.clock().today();
    let mut sent = 0;
    for s in ctx.db().forecast_surveys().await? {
        let (opens, closes) = super::dates(&s);
        let Some(threshold) = forecast::reminder_due(today, opens, closes) else { continue };
        let left = (closes - today).whole_days();
        for org in ctx.db().forecast_unsubmitted(&s.id).await? {
            let mut tx = ctx.db().begin_write().await?;
            if !tx.insert_forecast_reminder(&s.id, &org, threshold).await? {
                tx.rollback().await?;
                continue;
            }
            super::audit(
                &mut tx,
                (SYSTEM, Some(&org)),
                None,
                "forecast_response.remind",
                ("forecast_survey", &s.id),
                None,
                json!({"organisation": org, "threshold_days": threshold, "closes_on": s.closes_on}),
            )
            .await?;
            let ko = if left == 0 {
                format!("{}년 클라우드 수요예보 조사가 오늘({}) 마감됩니다. 아직 제출하지 않았습니다.", s.year, s.closes_on)
            } else {
                format!("{}년 클라우드 수요예보 조사 마감({})이 {left}일 남았습니다. 아직 제출하지 않았습니다.", s.year, s.closes_on)
            };
            let en = if left == 0 {
                format!("The {} cloud demand forecast survey closes today ({}); your agency has not submitted yet.", s.year, s.closes_on)
            } else {
                format!(
                    "The {} cloud demand forecast survey closes in {left} days ({}); your agency has not submitted yet.",
                    s.year, s.closes_on
                )
            };
            tell_answerers(ctx, &mut tx, &org, &format!("forecast.reminder.{threshold}"), &ko, &en, &answer_link(&s.id)).await?;
            tx.commit().await?;
            sent += 1;
        }
    }
    Ok(sent)
}

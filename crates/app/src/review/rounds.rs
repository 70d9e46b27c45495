//! Rounds of the committee (차수): created by the operator, closed by the operator, which
//! decides every application in them at once.

use super::*;
use gureum_domain::lifecycle::{Action as LifeAction, Actor as LifeActor, Standing, decide as life_decide};
use gureum_domain::review::{Criterion, RoundStatus, Verdicts, tally};
use gureum_storage::Round;

/// The operator opens a round: `name` (1–200 characters) and the day it meets (YYYY-MM-DD).
pub async fn create_round(ctx: &Context, p: &Principal, name: Option<&str>, meets_on: Option<&str>, rid: Option<String>) -> Result<Round, Error> {
    p.require(crate::Rule::AnyRole(crate::actor::OPERATOR))?;
    let name = name.map(str::trim).unwrap_or_default();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(Error::new(Code::InvalidName, "name: 1 to 200 characters"));
    }
    let meets = meets_on
        .and_then(gureum_domain::clock::parse_date)
        .ok_or_else(|| Error::new(Code::InvalidDate, "meets_on: a date YYYY-MM-DD"))?;
    let meets = gureum_domain::clock::format_date(meets);
    let id = new_id();
    let mut tx = ctx.db().begin_write().await?;
    tx.insert_round(&id, name, &meets).await?;
    audit(&mut tx, p, "round.create", "round", &id, None, json!({"name": name, "meets_on": meets, "status": "open"}), rid).await?;
    tx.commit().await?;
    ctx.db().round(&id).await?.ok_or_else(|| Error::internal("round vanished"))
}

/// The rounds, for the operator and reviewers (the auditor reads them too).
pub async fn rounds(ctx: &Context, p: &Principal) -> Result<Vec<Round>, Error> {
    p.require(crate::Rule::AnyRole(&[Role::Operator, Role::Reviewer, Role::Auditor]))?;
    Ok(ctx.db().rounds().await?)
}

/// One round, for the same readers.
pub async fn round(ctx: &Context, p: &Principal, id: &str) -> Result<Round, Error> {
    p.require(crate::Rule::AnyRole(&[Role::Operator, Role::Reviewer, Role::Auditor]))?;
    let id = uuid_of("id", id)?;
    ctx.db().round(id).await?.ok_or_else(|| Error::not_found("round"))
}

/// What closing a round decided.
#[derive(Debug, Clone)]
pub struct ClosedRound {
    pub round: Round,
    /// (application id, selected) for each decided application.
    pub decided: Vec<(String, bool)>,
}

/// The outcome written on an application: each criterion's result and the reviewers' comments
/// on it (joined, without their names), and the innovativeness notes.
fn outcome_json(outcome: &review::Outcome, votes: &[Vote]) -> Value {
    let mut comments = serde_json::Map::new();
    for c in Criterion::ALL {
        let texts: Vec<&str> = votes.iter().filter_map(|v| v.comments.get(c.as_str())).map(String::as_str).filter(|t| !t.is_empty()).collect();
        if !texts.is_empty() {
            comments.insert(c.as_str().into(), Value::from(texts.join("\n")));
        }
    }
    let criteria: serde_json::Map<String, Value> = outcome.criteria.iter().map(|(c, v)| (c.as_str().to_owned(), Value::from(v.as_str()))).collect();
    let innovativeness: Vec<&str> = votes.iter().map(|v| v.innovativeness.as_str()).filter(|t| !t.is_empty()).collect();
    json!({"selected": outcome.selected, "criteria": criteria, "comments": comments, "innovativeness": innovativeness, "votes": outcome.votes})
}

/// The operator closes a round: every undecided application in it needs votes from a quorum of
/// reviewers (else 409 `undecided_applications` naming them, and nothing changes). Selected
/// revisions are listed with their selection dates; the others are rejected with the failing
/// criteria, a listed revision staying public. The suppliers are told either way. Answers once
/// this instance's search shows the listed ones.
pub async fn close_round(ctx: &Context, p: &Principal, id: &str, rid: Option<String>) -> Result<ClosedRound, Error> {
    p.require(crate::Rule::AnyRole(crate::actor::OPERATOR))?;
    let id = uuid_of("id", id)?.to_owned();
    let mut tx = ctx.db().begin_write().await?;
    let round = tx.round(&id).await?.ok_or_else(|| Error::not_found("round"))?;
    if round.status == RoundStatus::Closed {
        return Err(Error::new(Code::RoundClosed, "this round is already closed"));
    }
    let settings = settings_for_write(&mut tx).await?;
    let apps: Vec<Application> = tx.round_applications(&id).await?.into_iter().filter(|a| !a.status.is_final()).collect();
    let mut tallied = Vec::new();
    let mut undecided = Vec::new();
    for app in apps {
        let votes = tx.application_votes(&app.id).await?;
        let verdicts: Vec<Verdicts> = votes.iter().map(|v| v.verdicts.clone()).collect();
        match tally(&verdicts, settings.quorum) {
            Some(o) if review::decide(app.status, Action::Decide, Actor::Operator).is_ok() => tallied.push((app, o, votes)),
            _ => undecided.push(app.id.clone()),
        }
    }
    if !undecided.is_empty() {
        return Err(Error::new(
            Code::UndecidedApplications,
            format!("{} application(s) lack votes from {} reviewers: {}", undecided.len(), settings.quorum, undecided.join(", ")),
        )
        .with("application_ids", json!(undecided)));
    }
    let today = ctx.clock().today();
    let valid_to = review::selection_valid_to(today, settings.selection_years);
    let mut decided = Vec::new();
    for (app, outcome, votes) in tallied {
        let to = if outcome.selected { ApplicationStatus::Selected } else { ApplicationStatus::NotSelected };
        let result = outcome_json(&outcome, &votes);
        tx.set_application_outcome(&app.id, &result.to_string()).await?;
        tx.set_application_status(&app.id, app.status, to).await?;
        publish_decision(&mut tx, &app, &outcome, today, valid_to).await?;
        // The service's own trail says who listed or turned down the revision, and why.
        audit(
            &mut tx,
            p,
            if outcome.selected { "service.list" } else { "service.reject" },
            "service",
            &app.service_id,
            None,
            json!({"revision": app.revision, "state": if outcome.selected { "listed" } else { "rejected" }, "application_id": app.id, "round_id": id}),
            rid.clone(),
        )
        .await?;
        audit(
            &mut tx,
            p,
            "application.decide",
            "application",
            &app.id,
            Some(json!({"status": app.status.as_str()})),
            json!({"status": to.as_str(), "round_id": id, "outcome": result}),
            rid.clone(),
        )
        .await?;
        let (name, code) = (&app.service_name, &app.code);
        if outcome.selected {
            let until = gureum_domain::clock::format_date(valid_to);
            tell_applicant(
                ctx,
                &mut tx,
                &app,
                "application.selected",
                &format!("심사위원회가 서비스를 선정했습니다: {name} ({code}). {} 차수, 선정 유효기간 {until}까지", round.name),
                &format!("The review committee selected your service: {name} ({code}), round {}, valid until {until}", round.name),
            )
            .await?;
        } else {
            let failing: Vec<Criterion> = outcome.failing();
            let ko: Vec<&str> = failing.iter().map(|c| c.label_ko()).collect();
            let en: Vec<&str> = failing.iter().map(|c| c.label_en()).collect();
            tell_applicant(
                ctx,
                &mut tx,
                &app,
                "application.not_selected",
                &format!("서비스가 선정되지 않았습니다: {name} ({code}). 미충족 기준: {}", ko.join(", ")),
                &format!("Your service was not selected: {name} ({code}). Criteria not met: {}", en.join(", ")),
            )
            .await?;
        }
        decided.push((app.id.clone(), outcome.selected));
    }
    tx.close_round(&id).await?;
    audit(&mut tx, p, "round.close", "round", &id, Some(json!({"status": "open"})), json!({"status": "closed", "decided": decided.len()}), rid).await?;
    tx.commit().await?;
    ctx.wait_for_index().await;
    let round = ctx.db().round(&id).await?.ok_or_else(|| Error::internal("round vanished"))?;
    Ok(ClosedRound { round, decided })
}

/// Carries a decision over to the service: a selected revision is stamped with its selection
/// dates and listed; another is rejected with the failing criteria (a listed revision stays).
async fn publish_decision(
    tx: &mut WriteTx,
    app: &Application,
    outcome: &review::Outcome,
    today: Date,
    valid_to: Date,
) -> Result<(), Error> {
    let head = tx.service_head(&app.service_id).await?.ok_or_else(|| Error::internal("service missing"))?;
    if head.draft_revision != Some(app.revision) {
        return Err(Error::internal(format!("application {} is not the open revision of its service", app.id)));
    }
    let mut rev = tx.service_revision(&head.id, app.revision).await?.ok_or_else(|| Error::internal("revision missing"))?;
    let standing = Standing::new(head.status, Some(rev.state), head.public_revision.is_some());
    if outcome.selected {
        let t = life_decide(standing, LifeAction::List, LifeActor::Operator)?;
        if rev.listing.code != head.code && tx.service_code_taken(&rev.listing.code).await? {
            return Err(Error::new(Code::CodeTaken, format!("the service code {} is already in use", rev.listing.code)));
        }
        rev.listing.selected_on = Some(today);
        rev.listing.selection_valid_to = Some(valid_to);
        tx.set_pending_revision_content(&head.id, rev.revision, &rev.listing).await?;
        tx.list_revision(&head, rev.revision, &rev.listing, t.after.status).await?;
        tx.record_change(&head.id).await?;
    } else {
        let t = life_decide(standing, LifeAction::Reject, LifeActor::Operator)?;
        let failing: Vec<&str> = outcome.failing().iter().map(|c| c.as_str()).collect();
        tx.reject_revision(&head.id, rev.revision, &format!("not selected by the review committee: {}", failing.join(", "))).await?;
        if t.status_changed() {
            tx.set_service_status(&head.id, t.after.status, None).await?;
            tx.record_change(&head.id).await?;
        }
    }
    Ok(())
}

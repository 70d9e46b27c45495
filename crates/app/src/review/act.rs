//! What people do with an application: the supplier's submission opens it, the operator assigns
//! it to a round and reviewers, reviewers declare ties, recuse themselves, vote and ask for
//! supplements, the supplier answers or withdraws.

use super::*;
use gureum_domain::BusinessNumber;
use gureum_domain::lifecycle::{Action as LifeAction, Actor as LifeActor, Standing, decide as life_decide};
use gureum_domain::review::{Criterion, Verdict, Verdicts};
use gureum_storage::{DeclaredConflict, Revision, ServiceHead};
use std::collections::BTreeMap;

/// Called by the supplier's submission, inside its transaction: every required document of the
/// revision must be in (else 400 `documents_missing` with `missing`); a first listing or a
/// material change opens an application (접수완료), returned by id.
pub(crate) async fn on_submit(
    ctx: &Context,
    tx: &mut WriteTx,
    head: &ServiceHead,
    rev: &Revision,
    material: bool,
) -> Result<Option<String>, Error> {
    let settings = settings_for_write(tx).await?;
    let docs = documents_of_revision(ctx.db().service_documents(&head.id).await?, rev.revision);
    let missing = missing_documents(&settings, rev.listing.kind, &docs);
    if !missing.is_empty() {
        return Err(Error::new(Code::DocumentsMissing, format!("upload these documents first: {}", missing.join(", ")))
            .with("missing", json!(missing)));
    }
    if !review::needs_selection(head.public_revision.is_some(), Some(material)) {
        return Ok(None);
    }
    let id = match tx.application_of_revision(&head.id, rev.revision).await? {
        Some(old) => {
            tx.reopen_application(&old.id).await?;
            old.id
        }
        None => {
            let id = new_id();
            tx.insert_application(&id, &head.id, rev.revision, &head.supplier_id).await?;
            id
        }
    };
    let link = format!("/applications/{id}");
    crate::notify::notify_operators(
        ctx,
        tx,
        "application.received",
        &format!("심사 신청 접수: {} ({})", rev.listing.name, rev.listing.code),
        &format!("Application received: {} ({})", rev.listing.name, rev.listing.code),
        &link,
    )
    .await?;
    Ok(Some(id))
}

/// The operator's `list` and `reject` and `review` are for non-material changes only: anything
/// the committee decides answers 409 `selection_required`.
pub(crate) fn check_operator_decision(head: &ServiceHead, rev: &Revision) -> Result<(), Error> {
    if review::needs_selection(head.public_revision.is_some(), rev.material) {
        return Err(Error::new(
            Code::SelectionRequired,
            "a first listing or a material change is listed or rejected by closing its review round",
        ));
    }
    Ok(())
}

/// Reads an application in a write transaction with who `p` is for it, and asks the domain.
async fn decide_in(tx: &mut WriteTx, p: &Principal, id: &str, action: Action) -> Result<(Application, ApplicationStatus), Error> {
    p.require(crate::Rule::AnyRole(APPLICATION_ROLES))?;
    let app = tx.application(id).await?.ok_or_else(|| Error::not_found("application"))?;
    let reviewers = tx.reviewers_of(id).await?;
    let actor = actor_for(p, &app, &reviewers);
    let to = review::decide(app.status, action, actor)?;
    Ok((app, to))
}

async fn round_open(tx: &mut WriteTx, round_id: Option<&str>) -> Result<(), Error> {
    if let Some(r) = round_id {
        let round = tx.round(r).await?.ok_or_else(|| Error::not_found("round"))?;
        if round.status == review::RoundStatus::Closed {
            return Err(Error::new(Code::RoundClosed, "the round of this application is closed"));
        }
    }
    Ok(())
}

/// The operator assigns an application to an open round and reviewers. A user without the
/// reviewer role is 400 `not_a_reviewer` (checked first); a reviewer tied to the supplier is
/// 409 `conflict_of_interest` naming it; nothing changes then. The revision goes into review.
pub async fn assign(
    ctx: &Context,
    p: &Principal,
    id: &str,
    round_id: Option<&str>,
    reviewer_ids: &[String],
    rid: Option<String>,
) -> Result<String, Error> {
    p.require(crate::Rule::AnyRole(crate::actor::OPERATOR))?;
    let id = uuid_of("id", id)?.to_owned();
    let round_id = uuid_of("round_id", round_id.unwrap_or_default())?.to_owned();
    if reviewer_ids.is_empty() || reviewer_ids.len() > 15 {
        return Err(Error::new(Code::InvalidField, "reviewer_ids: 1 to 15 user ids"));
    }
    for r in reviewer_ids {
        uuid_of("reviewer_ids", r)?;
    }
    let mut tx = ctx.db().begin_write().await?;
    let (app, to) = decide_in(&mut tx, p, &id, Action::Assign).await?;
    let round = tx.round(&round_id).await?.ok_or_else(|| Error::not_found("round"))?;
    if round.status == review::RoundStatus::Closed {
        return Err(Error::new(Code::RoundClosed, "this round is closed"));
    }
    if app.round_id.as_deref().is_some_and(|r| r != round_id) {
        return Err(Error::invalid_status("the application is already in another round"));
    }
    // Every reviewer first: who is not one at all, then who is tied.
    let mut people = Vec::new();
    for r in reviewer_ids {
        let user = ctx.db().user(r).await?.filter(|u| u.roles.contains(&Role::Reviewer) && u.status != gureum_domain::UserStatus::Disabled);
        match user {
            Some(u) => people.push(u),
            None => return Err(Error::new(Code::NotAReviewer, format!("{r} is not a reviewer")).with("user_id", json!(r))),
        }
    }
    let supplier_org = ctx.db().organisation_of_supplier(&app.supplier_id).await?;
    let supplier_bizno = ctx.db().supplier(&app.supplier_id).await?.map(|s| s.business_number).unwrap_or_default();
    for u in &people {
        let declared = tx.declared_business_numbers(&u.id).await?;
        if review::is_tied(&u.org_id, supplier_org.as_ref().map(|o| o.id.as_str()), &declared, &supplier_bizno) {
            return Err(Error::new(
                Code::ConflictOfInterest,
                format!("{} ({}) is tied to the supplier {}", u.name, u.id, app.supplier_name),
            )
            .with("user_id", json!(u.id)));
        }
    }
    let existing = tx.reviewers_of(&id).await?;
    tx.set_application_round(&id, &round_id).await?;
    for u in &people {
        if existing.iter().any(|(e, _)| *e == u.id) {
            continue;
        }
        tx.add_reviewer(&id, &u.id).await?;
        tell(
            ctx,
            &mut tx,
            &u.id,
            &id,
            "application.assigned",
            &format!("심사 배정: {} ({}), {} 차수", app.service_name, app.code, round.name),
            &format!("You are assigned to review {} ({}), round {}", app.service_name, app.code, round.name),
        )
        .await?;
    }
    tx.set_application_status(&id, app.status, to).await?;
    // The revision is with the committee now.
    let head = tx.service_head(&app.service_id).await?.ok_or_else(|| Error::internal("service missing"))?;
    if let Some(rev) = tx.service_revision(&head.id, app.revision).await?.filter(|r| r.state == gureum_storage::RevisionState::Submitted) {
        let t = life_decide(
            Standing::new(head.status, Some(rev.state), head.public_revision.is_some()),
            LifeAction::StartReview,
            LifeActor::Operator,
        )?;
        tx.set_revision_state(&head.id, rev.revision, gureum_storage::RevisionState::InReview).await?;
        if t.status_changed() {
            tx.set_service_status(&head.id, t.after.status, None).await?;
            tx.record_change(&head.id).await?;
        }
    }
    let ids: Vec<&str> = people.iter().map(|u| u.id.as_str()).collect();
    audit(&mut tx, p, "application.assign", ("application", &id),
        Some(json!({"status": app.status.as_str(), "round_id": app.round_id, "reviewers": existing.iter().map(|(u, _)| u).collect::<Vec<_>>()})),
        json!({"status": to.as_str(), "round_id": round_id, "reviewers": ids}),
        rid,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A reviewer declares a tie with a business ahead (이해충돌 신고): it is never assigned to that
/// supplier's applications.
pub async fn declare_conflict(
    ctx: &Context,
    p: &Principal,
    business_number: Option<&str>,
    reason: Option<&str>,
    rid: Option<String>,
) -> Result<DeclaredConflict, Error> {
    p.require(crate::Rule::AnyRole(&[Role::Reviewer]))?;
    let me = p.user().ok_or_else(Error::forbidden)?.id.clone();
    let bizno = BusinessNumber::parse(business_number.unwrap_or_default())
        .map_err(|e| Error::new(Code::InvalidBusinessNumber, format!("business_number: {e}")))?;
    let reason = required_text("reason", reason, Code::InvalidReason)?;
    let id = new_id();
    let mut tx = ctx.db().begin_write().await?;
    if tx.declared_business_numbers(&me).await?.iter().any(|b| b == bizno.digits()) {
        return Err(Error::new(Code::ConflictDeclared, "you have already declared a tie with this business"));
    }
    tx.insert_declared_conflict(&id, &me, bizno.digits(), &reason).await?;
    audit(
        &mut tx,
        p,
        "reviewer.conflict_declare",
        ("user", &me),
        None,
        json!({"conflict": id, "business_number": bizno.digits(), "reason": reason}),
        rid,
    )
    .await?;
    let c = tx.declared_conflict(&id).await?.ok_or_else(|| Error::internal("conflict vanished"))?;
    tx.commit().await?;
    Ok(c)
}

/// The ties a reviewer declared.
pub async fn my_conflicts(ctx: &Context, p: &Principal) -> Result<Vec<DeclaredConflict>, Error> {
    p.require(crate::Rule::AnyRole(&[Role::Reviewer]))?;
    let me = p.user().ok_or_else(Error::forbidden)?;
    Ok(ctx.db().declared_conflicts(&me.id).await?)
}

/// An assigned reviewer steps back with a reason; the operator is told to assign another.
pub async fn recuse(ctx: &Context, p: &Principal, id: &str, reason: Option<&str>, rid: Option<String>) -> Result<String, Error> {
    let id = uuid_of("id", id)?.to_owned();
    let reason = required_text("reason", reason, Code::ReasonRequired)?;
    let me = p.user().ok_or_else(Error::forbidden)?.id.clone();
    let mut tx = ctx.db().begin_write().await?;
    let (app, _) = decide_in(&mut tx, p, &id, Action::Recuse).await?;
    if tx.application_votes(&id).await?.iter().any(|v| v.reviewer_id == me) {
        return Err(Error::new(Code::AlreadyVoted, "you have voted on this application; a vote is not taken back"));
    }
    tx.recuse_reviewer(&id, &me, &reason).await?;
    audit(&mut tx, p, "application.recuse", ("application", &id), None, json!({"reviewer": me, "reason": reason}), rid).await?;
    crate::notify::notify_operators(
        ctx,
        &mut tx,
        "application.recused",
        &format!("심사위원 회피: {} ({}) — 다른 심사위원을 배정하세요. 사유: {reason}", app.service_name, app.code),
        &format!("A reviewer recused itself from {} ({}); assign another. Reason: {reason}", app.service_name, app.code),
        &format!("/applications/{id}"),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Reads a vote's body: every criterion `pass` or `fail` (400 `invalid_field` naming a missing
/// or wrong one), optional comments per criterion, an optional innovativeness note.
pub fn parse_vote(body: &Value) -> Result<(Verdicts, BTreeMap<String, String>, String), Error> {
    let obj = body.as_object().ok_or_else(|| Error::new(Code::InvalidBody, "the body must be a JSON object"))?;
    let invalid = |m: String| Error::new(Code::InvalidField, m);
    let criteria =
        obj.get("criteria").and_then(Value::as_object).ok_or_else(|| invalid("criteria: an object with a verdict per criterion".into()))?;
    let mut verdicts = Verdicts::new();
    for c in Criterion::ALL {
        let v = criteria
            .get(c.as_str())
            .and_then(Value::as_str)
            .and_then(Verdict::parse)
            .ok_or_else(|| invalid(format!("criteria.{}: pass or fail", c.as_str())))?;
        verdicts.insert(c, v);
    }
    if let Some(k) = criteria.keys().find(|k| Criterion::parse(k).is_none()) {
        return Err(invalid(format!("criteria.{k}: not a criterion")));
    }
    let mut comments = BTreeMap::new();
    match obj.get("comments") {
        None | Some(Value::Null) => {}
        Some(Value::Object(m)) => {
            for (k, v) in m {
                if Criterion::parse(k).is_none() {
                    return Err(invalid(format!("comments.{k}: not a criterion")));
                }
                let t = v.as_str().ok_or_else(|| invalid(format!("comments.{k}: a text")))?;
                if t.chars().count() > MAX_TEXT {
                    return Err(invalid(format!("comments.{k}: at most {MAX_TEXT} characters")));
                }
                comments.insert(k.clone(), t.trim().to_owned());
            }
        }
        Some(_) => return Err(invalid("comments: an object of texts per criterion".into())),
    }
    let innovativeness = match obj.get("innovativeness") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(t)) if t.chars().count() <= MAX_TEXT => t.trim().to_owned(),
        Some(_) => return Err(invalid(format!("innovativeness: a text of at most {MAX_TEXT} characters"))),
    };
    Ok((verdicts, comments, innovativeness))
}

/// An assigned reviewer records its verdicts: a second vote 409 `already_voted`, after the round
/// closed 409 `round_closed`.
pub async fn vote(ctx: &Context, p: &Principal, id: &str, body: &Value, rid: Option<String>) -> Result<Vote, Error> {
    let id = uuid_of("id", id)?.to_owned();
    let (verdicts, comments, innovativeness) = parse_vote(body)?;
    let me = p.user().ok_or_else(Error::forbidden)?.id.clone();
    let mut tx = ctx.db().begin_write().await?;
    p.require(crate::Rule::AnyRole(APPLICATION_ROLES))?;
    let app = tx.application(&id).await?.ok_or_else(|| Error::not_found("application"))?;
    let reviewers = tx.reviewers_of(&id).await?;
    let actor = actor_for(p, &app, &reviewers);
    if actor == Actor::AssignedReviewer {
        round_open(&mut tx, app.round_id.as_deref()).await?;
        if tx.application_votes(&id).await?.iter().any(|v| v.reviewer_id == me) {
            return Err(Error::new(Code::AlreadyVoted, "you have already voted on this application"));
        }
    }
    let to = review::decide(app.status, Action::Vote, actor)?;
    let vote = Vote { reviewer_id: me.clone(), verdicts, comments, innovativeness, created_at: tx.now() };
    tx.insert_vote(&id, &me, &vote).await?;
    tx.set_application_status(&id, app.status, to).await?;
    let verdicts: BTreeMap<&str, &str> = vote.verdicts.iter().map(|(c, v)| (c.as_str(), v.as_str())).collect();
    audit(&mut tx, p, "application.vote", ("application", &id),
        Some(json!({"status": app.status.as_str()})),
        json!({"status": to.as_str(), "reviewer": me, "criteria": verdicts, "comments": vote.comments, "innovativeness": vote.innovativeness}),
        rid,
    )
    .await?;
    tx.commit().await?;
    Ok(vote)
}

/// An assigned reviewer or the operator asks the supplier for more documents; the supplier is
/// told the message.
pub async fn request_supplement(
    ctx: &Context,
    p: &Principal,
    id: &str,
    message: Option<&str>,
    rid: Option<String>,
) -> Result<String, Error> {
    let id = uuid_of("id", id)?.to_owned();
    let message = required_text("message", message, Code::InvalidField)?;
    let mut tx = ctx.db().begin_write().await?;
    let (app, to) = decide_in(&mut tx, p, &id, Action::RequestSupplement).await?;
    round_open(&mut tx, app.round_id.as_deref()).await?;
    let by = p.user().map(|u| u.id.clone()).unwrap_or_else(|| p.actor());
    tx.insert_supplement_request(&new_id(), &id, &by, &message).await?;
    tx.set_application_status(&id, app.status, to).await?;
    audit(
        &mut tx,
        p,
        "application.supplement_request",
        ("application", &id),
        Some(json!({"status": app.status.as_str()})),
        json!({"status": to.as_str(), "message": message}),
        rid,
    )
    .await?;
    tell_applicant(
        ctx,
        &mut tx,
        &app,
        "application.supplement_requested",
        &format!("보완 요청: {} ({}) — {message}", app.service_name, app.code),
        &format!("Supplementary documents requested for {} ({}): {message}", app.service_name, app.code),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The supplier says the supplement is in (after uploading); whoever asked is told.
pub async fn answer_supplement(
    ctx: &Context,
    p: &Principal,
    id: &str,
    message: Option<&str>,
    rid: Option<String>,
) -> Result<String, Error> {
    let id = uuid_of("id", id)?.to_owned();
    let message = required_text("message", message, Code::InvalidField)?;
    let mut tx = ctx.db().begin_write().await?;
    let (app, to) = decide_in(&mut tx, p, &id, Action::AnswerSupplement).await?;
    let askers = tx.supplement_requesters(&id).await?;
    tx.answer_supplement(&id, &message).await?;
    tx.set_application_status(&id, app.status, to).await?;
    audit(
        &mut tx,
        p,
        "application.supplement",
        ("application", &id),
        Some(json!({"status": app.status.as_str()})),
        json!({"status": to.as_str(), "message": message}),
        rid,
    )
    .await?;
    for who in askers.iter().filter(|a| crate::ids::hyphenated_uuid(a).is_some()) {
        tell(
            ctx,
            &mut tx,
            who,
            &id,
            "application.supplemented",
            &format!("보완 제출: {} ({}) — {message}", app.service_name, app.code),
            &format!("Supplement submitted for {} ({}): {message}", app.service_name, app.code),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// The supplier withdraws its application before a decision: the revision is a draft again.
pub async fn withdraw(ctx: &Context, p: &Principal, id: &str, rid: Option<String>) -> Result<String, Error> {
    let id = uuid_of("id", id)?.to_owned();
    let mut tx = ctx.db().begin_write().await?;
    let (app, to) = decide_in(&mut tx, p, &id, Action::Withdraw).await?;
    let head = tx.service_head(&app.service_id).await?.ok_or_else(|| Error::internal("service missing"))?;
    if head.draft_revision == Some(app.revision) {
        let rev = tx.service_revision(&head.id, app.revision).await?.ok_or_else(|| Error::internal("revision missing"))?;
        let t =
            life_decide(Standing::new(head.status, Some(rev.state), head.public_revision.is_some()), LifeAction::Recall, LifeActor::Owner)?;
        tx.set_revision_state(&head.id, rev.revision, gureum_storage::RevisionState::Draft).await?;
        if t.status_changed() {
            tx.set_service_status(&head.id, t.after.status, None).await?;
            tx.record_change(&head.id).await?;
        }
    }
    tx.set_application_status(&id, app.status, to).await?;
    audit(
        &mut tx,
        p,
        "application.withdraw",
        ("application", &id),
        Some(json!({"status": app.status.as_str()})),
        json!({"status": to.as_str()}),
        rid,
    )
    .await?;
    for (reviewer, recused) in tx.reviewers_of(&id).await? {
        if !recused {
            tell(
                ctx,
                &mut tx,
                &reviewer,
                &id,
                "application.withdrawn",
                &format!("심사 신청 취하: {} ({})", app.service_name, app.code),
                &format!("Application withdrawn: {} ({})", app.service_name, app.code),
            )
            .await?;
        }
    }
    tx.commit().await?;
    ctx.wait_for_index().await;
    Ok(id)
}

/// When the operator cancels a service's selection, an application of it still before the
/// committee is withdrawn with it (inside the cancellation's transaction), so that no round's
/// close can list the cancelled service again.
pub(crate) async fn withdraw_open_application(tx: &mut WriteTx, p: &Principal, service_id: &str, rid: Option<String>) -> Result<(), Error> {
    let Some(head) = tx.service_head(service_id).await? else { return Ok(()) };
    let Some(revision) = head.draft_revision else { return Ok(()) };
    let Some(app) = tx.open_application_of(service_id, revision).await? else { return Ok(()) };
    if app.status.is_final() {
        return Ok(());
    }
    tx.set_application_status(&app.id, app.status, ApplicationStatus::Withdrawn).await?;
    audit(
        tx,
        p,
        "application.withdraw",
        ("application", &app.id),
        Some(json!({"status": app.status.as_str()})),
        json!({"status": "withdrawn", "reason": "selection cancelled"}),
        rid,
    )
    .await
}

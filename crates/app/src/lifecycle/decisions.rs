//! The operator's decisions on a service: take it into review, list it, reject it with a reason,
//! suspend it (판매중지) and reinstate it. The supplier is told each, in the app and by e-mail.

use super::*;

fn required_reason(reason: Option<&str>) -> Result<String, Error> {
    let r = reason.map(str::trim).unwrap_or_default();
    if r.is_empty() {
        return Err(Error::new(Code::ReasonRequired, "give the reason; the supplier is told it"));
    }
    if r.chars().count() > MAX_REASON {
        return Err(Error::new(Code::InvalidReason, format!("the reason may be at most {MAX_REASON} characters")));
    }
    Ok(r.to_owned())
}

/// Tells the supplier's organisation (admins and supplier staff), in the app and by e-mail.
async fn tell_supplier(ctx: &Context, tx: &mut WriteTx, head: &ServiceHead, kind: &str, ko: &str, en: &str) -> Result<(), Error> {
    if let Some(org) = ctx.db().organisation_of_supplier(&head.supplier_id).await? {
        tell_org_admins(ctx, tx, &org.id, kind, ko, en, "/supplier/services").await?;
    }
    Ok(())
}

/// The operator takes a submitted revision into review.
pub async fn start_review(ctx: &Context, p: &Principal, key: &str, request_id: Option<String>) -> Result<String, Error> {
    let id = any_head(ctx, key).await?.id;
    let mut tx = ctx.db().begin_write().await?;
    let head = tx.service_head(&id).await?.ok_or_else(|| Error::not_found("service"))?;
    let (t, open) = decide_for(&mut tx, p, &head, Action::StartReview).await?;
    let rev = open_revision(open)?;
    crate::review::check_operator_decision(&head, &rev)?;
    tx.set_revision_state(&id, rev.revision, RevisionState::InReview).await?;
    let status = write_status(&mut tx, &id, &t).await?;
    audit(
        &mut tx,
        p,
        "service.review",
        &id,
        Some(json!({"status": head.status.as_str(), "revision": rev.revision, "state": rev.state.as_str()})),
        Some(json!({"status": status.as_str(), "revision": rev.revision, "state": RevisionState::InReview.as_str()})),
        request_id,
    )
    .await?;
    tx.commit().await?;
    if status != head.status {
        ctx.wait_for_index().await;
    }
    Ok(id)
}

/// The operator lists the open revision: it becomes the public one, and the answer waits until
/// this instance's search finds it.
pub async fn list(ctx: &Context, p: &Principal, key: &str, request_id: Option<String>) -> Result<String, Error> {
    let id = any_head(ctx, key).await?.id;
    let mut tx = ctx.db().begin_write().await?;
    let head = tx.service_head(&id).await?.ok_or_else(|| Error::not_found("service"))?;
    let (t, open) = decide_for(&mut tx, p, &head, Action::List).await?;
    let rev = open_revision(open)?;
    crate::review::check_operator_decision(&head, &rev)?;
    if rev.listing.code != head.code && tx.service_code_taken(&rev.listing.code).await? {
        return Err(Error::new(Code::CodeTaken, format!("the service code {} is already in use", rev.listing.code)));
    }
    let status = t.after.status;
    tx.list_revision(&head, rev.revision, &rev.listing, status).await?;
    tx.record_change(&id).await?;
    audit(
        &mut tx,
        p,
        "service.list",
        &id,
        Some(json!({"status": head.status.as_str(), "public_revision": head.public_revision, "code": head.code})),
        Some(json!({"status": status.as_str(), "public_revision": rev.revision, "code": rev.listing.code, "material": rev.material})),
        request_id,
    )
    .await?;
    let (name, code) = (&rev.listing.name, &rev.listing.code);
    tell_supplier(
        ctx,
        &mut tx,
        &head,
        "service.listed",
        &format!("서비스가 등록되었습니다: {name} ({code}), 제{}판", rev.revision),
        &format!("Your service is listed: {name} ({code}), revision {}", rev.revision),
    )
    .await?;
    tx.commit().await?;
    ctx.wait_for_index().await;
    Ok(id)
}

/// The operator turns the open revision down with a reason; a listed service keeps its public
/// revision.
pub async fn reject(ctx: &Context, p: &Principal, key: &str, reason: Option<&str>, request_id: Option<String>) -> Result<String, Error> {
    let reason = required_reason(reason)?;
    let id = any_head(ctx, key).await?.id;
    let mut tx = ctx.db().begin_write().await?;
    let head = tx.service_head(&id).await?.ok_or_else(|| Error::not_found("service"))?;
    let (t, open) = decide_for(&mut tx, p, &head, Action::Reject).await?;
    let rev = open_revision(open)?;
    crate::review::check_operator_decision(&head, &rev)?;
    tx.reject_revision(&id, rev.revision, &reason).await?;
    let status = write_status(&mut tx, &id, &t).await?;
    audit(
        &mut tx,
        p,
        "service.reject",
        &id,
        Some(json!({"status": head.status.as_str(), "revision": rev.revision, "state": rev.state.as_str()})),
        Some(json!({"status": status.as_str(), "revision": rev.revision, "state": RevisionState::Rejected.as_str(), "reason": reason})),
        request_id,
    )
    .await?;
    let (name, code) = (&rev.listing.name, &rev.listing.code);
    tell_supplier(
        ctx,
        &mut tx,
        &head,
        "service.rejected",
        &format!("서비스 등록 신청이 반려되었습니다: {name} ({code}). 사유: {reason}"),
        &format!("Your service was not listed: {name} ({code}). Reason: {reason}"),
    )
    .await?;
    tx.commit().await?;
    if status != head.status {
        ctx.wait_for_index().await;
    }
    Ok(id)
}

/// The operator suspends a listed service (판매중지) with a reason shown as a notice.
pub async fn suspend(ctx: &Context, p: &Principal, key: &str, reason: Option<&str>, request_id: Option<String>) -> Result<String, Error> {
    let reason = required_reason(reason)?;
    set_status(ctx, p, key, Action::Suspend, Some(reason), request_id).await
}

/// The operator lifts a suspension.
pub async fn reinstate(ctx: &Context, p: &Principal, key: &str, request_id: Option<String>) -> Result<String, Error> {
    set_status(ctx, p, key, Action::Reinstate, None, request_id).await
}

/// The operator cancels a service's selection (선정취소) with a reason: it leaves the catalog for
/// good, and an application of it still before the committee is withdrawn with it.
pub async fn cancel(ctx: &Context, p: &Principal, key: &str, reason: Option<&str>, request_id: Option<String>) -> Result<String, Error> {
    let reason = required_reason(reason)?;
    set_status(ctx, p, key, Action::Cancel, Some(reason), request_id).await
}

/// A decision on the service's status alone (suspend, reinstate, cancel): the status and its
/// reason, the audit event, the supplier told, in one transaction.
async fn set_status(
    ctx: &Context,
    p: &Principal,
    key: &str,
    action: Action,
    reason: Option<String>,
    request_id: Option<String>,
) -> Result<String, Error> {
    let id = any_head(ctx, key).await?.id;
    let mut tx = ctx.db().begin_write().await?;
    let head = tx.service_head(&id).await?.ok_or_else(|| Error::not_found("service"))?;
    let (t, _) = decide_for(&mut tx, p, &head, action).await?;
    let (from, to) = (t.before.status, t.after.status);
    tx.set_service_status(&id, to, reason.as_deref()).await?;
    tx.record_change(&id).await?;
    if action == Action::Cancel {
        crate::review::withdraw_open_application(&mut tx, p, &id, request_id.clone()).await?;
    }
    audit(
        &mut tx,
        p,
        &format!("service.{}", action.as_str()),
        &id,
        Some(json!({"status": from.as_str(), "reason": head.status_reason})),
        Some(json!({"status": to.as_str(), "reason": reason})),
        request_id,
    )
    .await?;
    let name = match head.public_revision {
        Some(r) => tx.service_revision(&id, r).await?.map(|r| r.listing.name).unwrap_or_default(),
        None => String::new(),
    };
    let code = &head.code;
    let r = reason.as_deref().unwrap_or_default();
    let (kind, ko, en) = match action {
        Action::Cancel => (
            "service.cancelled",
            format!("서비스 선정이 취소되었습니다: {name} ({code}). 사유: {r}"),
            format!("The selection of your service was cancelled: {name} ({code}). Reason: {r}"),
        ),
        Action::Suspend => (
            "service.suspended",
            format!("서비스가 판매중지되었습니다: {name} ({code}). 사유: {r}"),
            format!("Your service is suspended: {name} ({code}). Reason: {r}"),
        ),
        _ => (
            "service.reinstated",
            format!("서비스 판매중지가 해제되었습니다: {name} ({code})"),
            format!("Your service is reinstated: {name} ({code})"),
        ),
    };
    tell_supplier(ctx, &mut tx, &head, kind, &ko, &en).await?;
    tx.commit().await?;
    ctx.wait_for_index().await;
    Ok(id)
}

//! Passwords: reset by an e-mailed one-time link, the first password through an invitation, and
//! a change by the signed-in person.

use super::*;
/// Asks for a reset link. Always succeeds, so the answer never tells whether an e-mail exists.
pub async fn request_reset(ctx: &Context, email: &str, client: Option<IpAddr>, request_id: Option<String>) -> Result<(), Error> {
    ctx.throttle().attempt(Door::ResetRequest, client, Some(email), ctx.clock().now_micros())?;
    let Some(e) = Email::parse(email) else { return Ok(()) };
    let Some(user) = ctx.db().user_by_email(e.as_str()).await? else { return Ok(()) };
    if user.status != UserStatus::Active {
        return Ok(());
    }
    let mut tx = ctx.db().begin_write().await?;
    let mut ev = NewAuditEvent::new(&user.id, "auth.reset_requested", "user", &user.id).request_id(request_id);
    ev.organisation = Some(user.org_id.clone());
    tx.audit(ev).await?;
    // Only the newest link works: one mailed earlier (perhaps read by someone else) is void.
    tx.void_links(&user.id, "reset").await?;
    let intro = "비밀번호 재설정 링크입니다(1시간 동안 한 번 쓸 수 있습니다). 요청하지 않았다면 무시하세요.\nYour password reset link (valid once, for 1 hour). Ignore this if you did not ask for it.";
    send_link(ctx, &mut tx, &user, "reset", RESET_LINK_MICROS, "[구름] 비밀번호 재설정 / Password reset", intro).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a password through a one-time link (`reset` or `invite`); every session of the person
/// ends and every other reset link becomes void.
pub async fn use_link(
    ctx: &Context,
    purpose: &str,
    token: &str,
    new_password: &str,
    client: Option<IpAddr>,
    request_id: Option<String>,
) -> Result<User, Error> {
    let now = ctx.clock().now_micros();
    ctx.throttle().attempt(Door::UseLink, client, None, now)?;
    let hash_of_link = secret_hash(token.trim());
    let user = ctx
        .db()
        .one_time_link(&hash_of_link, purpose, now)
        .await?
        .ok_or_else(|| Error::new(Code::InvalidLink, "this link has expired or was already used; ask for a new one"))?;
    check_password(new_password)?;
    let hash = ctx.hashing().hash(new_password.to_owned()).await?;
    let mut tx = ctx.db().begin_write().await?;
    if !tx.use_one_time_link(&hash_of_link, now).await? {
        tx.rollback().await?;
        return Err(Error::new(Code::InvalidLink, "this link has expired or was already used; ask for a new one"));
    }
    tx.set_password(&user.id, &hash, None).await?;
    // The password is new: no other reset link may set it again.
    tx.void_links(&user.id, "reset").await?;
    tx.reset_failed_logins(&user.id).await?;
    let action = if purpose == "invite" { "user.accept_invite" } else { "auth.password_reset" };
    let mut ev = NewAuditEvent::new(&user.id, action, "user", &user.id).request_id(request_id);
    ev.organisation = Some(user.org_id.clone());
    tx.audit(ev).await?;
    tx.commit().await?;
    Ok(user)
}

/// Changes the signed-in person's password. The current password is checked as one attempt of
/// the lock-out, so guessing it through this door locks the account as failed logins do. The
/// person's other sessions end, this one goes on; outstanding reset links become void.
pub async fn change_password(ctx: &Context, p: &Principal, current: &str, new: &str, request_id: Option<String>) -> Result<(), Error> {
    let user = p.user().ok_or_else(|| Error::new(Code::Forbidden, "a machine token has no password"))?;
    if !check_claimed_password(ctx, user, current, "auth.password_change_failed", request_id.clone()).await? {
        return Err(Error::new(Code::WrongPassword, "the current password is wrong"));
    }
    let weak = check_password(new);
    let hash = match weak {
        Ok(()) => Some(ctx.hashing().hash(new.to_owned()).await?),
        Err(_) => None,
    };
    let mut tx = ctx.db().begin_write().await?;
    // The right current password closes its claimed attempt (unless a lock came meanwhile).
    if !tx.login_succeeded(&user.id, tx.now()).await? {
        tx.rollback().await?;
        return Err(locked());
    }
    let Some(hash) = hash else {
        tx.commit().await?;
        return weak;
    };
    // The person's other sessions end (one may be a thief's); this one goes on.
    let current = match p {
        Principal::Person { token_hash, .. } => Some(token_hash.as_str()),
        Principal::Machine { .. } => None,
    };
    tx.set_password(&user.id, &hash, current).await?;
    tx.void_links(&user.id, "reset").await?;
    let mut ev = NewAuditEvent::new(&user.id, "auth.password_changed", "user", &user.id).request_id(request_id);
    ev.organisation = Some(user.org_id.clone());
    tx.audit(ev).await?;
    tx.commit().await?;
    Ok(())
}

//! The operator's and the admins' work on organisations and people: approving a signed-up
//! company, creating an organisation, inviting people, locking and unlocking accounts.

use super::*;
use crate::actor::Rule;
use crate::notify::tell_org_admins;
use gureum_domain::forecast::AgencyKind;
/// The operator approves or rejects a signed-up company. A rejection releases the company's
/// business number and catalog supplier, so that a sign-up cannot squat them.
pub async fn decide_organisation(
    ctx: &Context,
    p: &Principal,
    org_id: &str,
    approve: bool,
    reason: Option<&str>,
    request_id: Option<String>,
) -> Result<Organisation, Error> {
    let org = ctx.db().organisation(org_id).await?.ok_or_else(|| Error::not_found("organisation"))?;
    if org.status != OrgStatus::Pending {
        return Err(Error::new(Code::InvalidStatus, "only a company waiting for approval can be approved or rejected"));
    }
    if !approve && reason.is_none_or(|r| r.trim().is_empty()) {
        return Err(Error::new(Code::ReasonRequired, "a rejection needs a reason"));
    }
    let reason = optional(reason, MAX_REASON, Code::InvalidReason, "the reason")?;
    let reason = reason.as_deref();
    let status = if approve { OrgStatus::Approved } else { OrgStatus::Rejected };
    let mut tx = ctx.db().begin_write().await?;
    tx.set_organisation_status(org_id, status, reason).await?;
    let after = if approve {
        json!({"status": status.as_str(), "reason": reason})
    } else {
        // A rejected sign-up must not keep the company from signing up again.
        tx.release_claim(org_id).await?;
        json!({"status": status.as_str(), "reason": reason, "released_business_number": org.business_number, "released_supplier_id": org.supplier_id})
    };
    let mut ev = NewAuditEvent::new(&p.actor(), if approve { "org.approve" } else { "org.reject" }, "organisation", org_id)
        .before(json!({"status": org.status.as_str(), "business_number": org.business_number, "supplier_id": org.supplier_id}))
        .after(after)
        .request_id(request_id);
    ev.organisation = Some(org_id.to_owned());
    tx.audit(ev).await?;
    let (ko, en) = if approve {
        (format!("{} 가입이 승인되었습니다", org.name), format!("{} has been approved", org.name))
    } else {
        (
            format!("{} 가입이 반려되었습니다: {}", org.name, reason.unwrap_or_default()),
            format!("{} was not approved: {}", org.name, reason.unwrap_or_default()),
        )
    };
    tell_org_admins(ctx, &mut tx, org_id, "org.decision", &ko, &en, "/account").await?;
    if approve {
        crate::forecast::surveys::ask_new_agency(ctx, &mut tx, org_id, org.kind, None).await?;
    }
    tx.commit().await?;
    ctx.db().organisation(org_id).await?.ok_or_else(|| Error::not_found("organisation"))
}

/// Invites a person into an organisation: its admin for its own organisation, or the operator
/// for any (the first admin of an organisation it created).
#[allow(clippy::too_many_arguments)]
pub async fn invite(
    ctx: &Context,
    p: &Principal,
    org_id: &str,
    email: &str,
    name: &str,
    roles: &[Role],
    admin: bool,
    client: Option<IpAddr>,
    request_id: Option<String>,
) -> Result<User, Error> {
    let org = ctx.db().organisation(org_id).await?.ok_or_else(|| Error::not_found("organisation"))?;
    let allowed = p.has_role(Role::Operator) || (Rule::OrgAdmin.check(p).is_ok() && p.org().id == org.id);
    if !allowed {
        return Err(if p.org().id == org.id {
            Error::new(Code::Forbidden, "only an admin invites people")
        } else {
            Error::not_found("organisation")
        });
    }
    ctx.throttle().attempt(Door::Invite, client, Some(email), ctx.clock().now_micros())?;
    let email = Email::parse(email).ok_or_else(|| Error::new(Code::InvalidEmail, "the e-mail address is not valid"))?;
    let name = required(name, Code::InvalidName, "the name")?;
    if roles.is_empty() || roles.iter().any(|r| !org.kind.allowed_roles().contains(r)) {
        return Err(Error::new(Code::InvalidRoles, "give roles that this kind of organisation may hold"));
    }
    if ctx.db().user_by_email(email.as_str()).await?.is_some() {
        return Err(Error::new(Code::EmailTaken, "this e-mail already has an account"));
    }
    let user = NewUser {
        id: id(),
        org_id: org.id.clone(),
        email: email.as_str().to_owned(),
        name,
        phone: None,
        password_hash: None,
        roles: roles.to_vec(),
        is_admin: admin,
        status: UserStatus::Invited,
    };
    let mut tx = ctx.db().begin_write().await?;
    tx.insert_user(&user).await.map_err(map_unique)?;
    let mut ev = NewAuditEvent::new(&p.actor(), "user.invite", "user", &user.id)
        .after(json!({"email": user.email, "roles": roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(), "admin": admin}))
        .request_id(request_id);
    ev.organisation = Some(org.id.clone());
    tx.audit(ev).await?;
    let stored = User {
        id: user.id.clone(),
        org_id: user.org_id.clone(),
        email: user.email.clone(),
        name: user.name.clone(),
        phone: None,
        password_hash: None,
        roles: user.roles.clone(),
        is_admin: admin,
        status: UserStatus::Invited,
        failed_logins: 0,
        locked_until: None,
        created_at: tx.now(),
        lang: gureum_domain::account::Language::Ko,
    };
    let intro = format!(
        "{} 구름에 초대되었습니다. 아래 링크에서 비밀번호를 정하세요(7일 안).\nYou are invited to Gureum ({}). Set your password at the link below (within 7 days).",
        org.name, org.name
    );
    send_link(ctx, &mut tx, &stored, "invite", INVITE_LINK_MICROS, "[구름] 초대 / Invitation", &intro).await?;
    tx.commit().await?;
    Ok(stored)
}

/// The operator locks (disables) or unlocks a person's account.
pub async fn set_locked(ctx: &Context, p: &Principal, user_id: &str, locked: bool, request_id: Option<String>) -> Result<User, Error> {
    let user = ctx.db().user(user_id).await?.ok_or_else(|| Error::not_found("user"))?;
    let status = if locked {
        UserStatus::Disabled
    } else if user.password_hash.is_some() {
        UserStatus::Active
    } else {
        UserStatus::Invited
    };
    let mut tx = ctx.db().begin_write().await?;
    tx.set_user_status(user_id, status).await?;
    if !locked {
        tx.reset_failed_logins(user_id).await?;
    }
    let mut ev = NewAuditEvent::new(&p.actor(), if locked { "user.lock" } else { "user.unlock" }, "user", user_id)
        .before(json!({"status": user.status.as_str()}))
        .after(json!({"status": status.as_str()}))
        .request_id(request_id);
    ev.organisation = Some(user.org_id.clone());
    tx.audit(ev).await?;
    tx.commit().await?;
    ctx.db().user(user_id).await?.ok_or_else(|| Error::not_found("user"))
}

/// The operator creates an organisation of a kind that does not sign up itself; it is approved
/// at once, and its first admin is then invited.
pub async fn create_organisation(
    ctx: &Context,
    p: &Principal,
    kind: &str,
    name: &str,
    business_number: Option<&str>,
    agency_kind: Option<&str>,
    request_id: Option<String>,
) -> Result<Organisation, Error> {
    let kind = OrgKind::parse(kind).ok_or_else(|| Error::new(Code::InvalidKind, "unknown organisation kind"))?;
    if kind.self_service() {
        return Err(Error::new(Code::InvalidKind, "suppliers and SMEs sign up themselves"));
    }
    let agency_kind = agency_kind.filter(|k| !k.trim().is_empty()).map(|k| agency_kind_of(kind, k)).transpose()?;
    let name = required(name, Code::InvalidName, "the name")?;
    let bn = match business_number.filter(|b| !b.trim().is_empty()) {
        Some(b) => Some(BusinessNumber::parse(b).map_err(|e| Error::new(Code::InvalidBusinessNumber, e.to_string()))?.digits().to_owned()),
        None => None,
    };
    let org = NewOrganisation {
        id: id(),
        kind,
        name,
        business_number: bn,
        supplier_id: None,
        status: OrgStatus::Approved,
        registration_doc: None,
        representative: None,
        address: None,
        phone: None,
        contact_email: None,
        privacy_consent: false,
    };
    let mut tx = ctx.db().begin_write().await?;
    tx.insert_organisation(&org).await.map_err(map_unique)?;
    if let Some(k) = agency_kind {
        tx.set_agency_kind(&org.id, k.as_str()).await?;
    }
    let mut ev = NewAuditEvent::new(&p.actor(), "org.create", "organisation", &org.id)
        .after(json!({"kind": kind.as_str(), "name": org.name, "business_number": org.business_number, "agency_kind": agency_kind.map(|k| k.as_str())}))
        .request_id(request_id);
    ev.organisation = Some(org.id.clone());
    tx.audit(ev).await?;
    crate::forecast::surveys::ask_new_agency(ctx, &mut tx, &org.id, kind, agency_kind.map(|k| k.as_str())).await?;
    tx.commit().await?;
    ctx.db().organisation(&org.id).await?.ok_or_else(|| Error::internal("organisation vanished"))
}

/// An agency's kind, checked: only an agency has one, and it is one of the codes.
fn agency_kind_of(kind: OrgKind, code: &str) -> Result<AgencyKind, Error> {
    if kind != OrgKind::Agency {
        return Err(Error::new(Code::InvalidField, "agency_kind: only a public agency has one").with("field", "agency_kind".into()));
    }
    AgencyKind::parse(code.trim()).ok_or_else(|| {
        Error::new(Code::InvalidField, format!("agency_kind: one of {}", AgencyKind::codes().join(", ")))
            .with("field", "agency_kind".into())
    })
}

/// The operator says what kind of public body an agency is (`central`, `local`,
/// `public_institution`, `other`): the forecast's response rates and the statistics count by it.
pub async fn set_agency_kind(
    ctx: &Context,
    p: &Principal,
    org_id: &str,
    code: &str,
    request_id: Option<String>,
) -> Result<Organisation, Error> {
    if !p.has_role(Role::Operator) {
        return Err(Error::forbidden());
    }
    let org = ctx.db().organisation(org_id).await?.ok_or_else(|| Error::not_found("organisation"))?;
    let new = agency_kind_of(org.kind, code)?;
    let mut tx = ctx.db().begin_write().await?;
    if !tx.set_agency_kind(&org.id, new.as_str()).await? {
        return Err(Error::not_found("organisation"));
    }
    // the open surveys' response rates count it under its kind from now on
    tx.renew_forecast_agency_kind(&org.id, new.as_str(), &gureum_domain::clock::format_date(ctx.clock().today())).await?;
    let mut ev = NewAuditEvent::new(&p.actor(), "org.agency_kind", "organisation", &org.id)
        .before(json!({"agency_kind": org.agency_kind}))
        .after(json!({"agency_kind": new.as_str()}))
        .request_id(request_id);
    ev.organisation = Some(org.id.clone());
    tx.audit(ev).await?;
    tx.commit().await?;
    ctx.db().organisation(&org.id).await?.ok_or_else(|| Error::internal("organisation vanished"))
}

/// The operator removes an organisation that was never approved (a sign-up waiting or
/// rejected, e.g. one made to squat a company's business number): the organisation, its
/// people and their sessions go, the claim with them; the audit event keeps what it was.
pub async fn remove_organisation(ctx: &Context, p: &Principal, org_id: &str, request_id: Option<String>) -> Result<(), Error> {
    if !p.has_role(Role::Operator) {
        return Err(Error::forbidden());
    }
    let org = ctx.db().organisation(org_id).await?.ok_or_else(|| Error::not_found("organisation"))?;
    if !matches!(org.status, OrgStatus::Pending | OrgStatus::Rejected) {
        return Err(Error::new(Code::InvalidStatus, "only an organisation waiting for approval or rejected can be removed"));
    }
    let people = ctx.db().users_of(org_id).await?;
    let mut tx = ctx.db().begin_write().await?;
    if !tx.delete_organisation(org_id).await? {
        tx.rollback().await?;
        return Err(Error::not_found("organisation"));
    }
    let mut ev = NewAuditEvent::new(&p.actor(), "org.remove", "organisation", org_id)
        .before(json!({
            "kind": org.kind.as_str(), "name": org.name, "status": org.status.as_str(),
            "business_number": org.business_number.as_ref().or(org.released_business_number.as_ref()),
            "supplier_id": org.supplier_id, "registration_doc": org.registration_doc,
            "people": people.iter().map(|u| json!({"id": u.id, "email": mask_email(&u.email)})).collect::<Vec<_>>(),
        }))
        .request_id(request_id);
    ev.organisation = Some(org_id.to_owned());
    tx.audit(ev).await?;
    tx.commit().await?;
    Ok(())
}

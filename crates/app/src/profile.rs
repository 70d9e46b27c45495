//! What a company and its people keep up themselves, beside `accounts.rs`: the company profile
//! (대표자, 주소, 연락처, 기업 규모), the roles of the people an admin invited, and the reading of
//! in-app notifications. Each change is one write transaction with its audit event.

use crate::actor::Principal;
use crate::context::Context;
use crate::error::{Code, Error};
use gureum_domain::account::{Email, Language, Role};
use gureum_domain::listing::SupplierSize;
use gureum_storage::{NewAuditEvent, OrgStatus, Organisation, User};
use serde_json::json;

/// The editable part of a company profile. The name and the business number are those of the
/// registration certificate the operator approved, so they are not edited here.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CompanyEdit {
    pub representative: String,
    pub address: String,
    pub phone: String,
    pub contact_email: String,
    /// `small|medium|midsize|large`; suppliers only.
    pub size: String,
}

const MAX_TEXT: usize = 200;

fn optional_text(v: &str, code: Code, what: &str) -> Result<Option<String>, Error> {
    let v = v.trim();
    if v.chars().count() > MAX_TEXT {
        return Err(Error::new(code, format!("{what} has at most {MAX_TEXT} characters")));
    }
    Ok((!v.is_empty()).then(|| v.to_owned()))
}

/// A phone number as people write it: digits with spaces, dashes, dots, brackets or a leading
/// `+`, 7 to 15 digits.
pub fn phone_acceptable(p: &str) -> bool {
    let digits = p.chars().filter(char::is_ascii_digit).count();
    (7..=15).contains(&digits)
        && p.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')' | '+'))
        && !p.chars().skip(1).any(|c| c == '+')
}

fn admin_of_company(p: &Principal) -> Result<(&User, &Organisation), Error> {
    let user = p.user().ok_or_else(|| Error::new(Code::Forbidden, "a machine token cannot edit a company"))?;
    let org = p.org();
    if !user.is_admin || org.status != OrgStatus::Approved || !org.kind.self_service() {
        return Err(Error::new(Code::Forbidden, "only an admin of an approved supplier or SME edits its company profile"));
    }
    Ok((user, org))
}

/// Updates the caller's company profile. A supplier's representative, address and size are
/// also the catalog supplier's; a change of size feeds every service of the supplier to the
/// search indexes (the SME filter reads it).
pub async fn update_company(ctx: &Context, p: &Principal, edit: &CompanyEdit, request_id: Option<String>) -> Result<Organisation, Error> {
    let (user, org) = admin_of_company(p)?;
    let representative = optional_text(&edit.representative, Code::InvalidRepresentative, "the representative")?;
    let address = optional_text(&edit.address, Code::InvalidAddress, "the address")?;
    let phone = optional_text(&edit.phone, Code::InvalidPhone, "the phone number")?;
    if phone.as_deref().is_some_and(|v| !phone_acceptable(v)) {
        return Err(Error::new(Code::InvalidPhone, "write the phone number with 7 to 15 digits, e.g. 02-1234-5678"));
    }
    let contact_email = match edit.contact_email.trim() {
        "" => None,
        e => Some(Email::parse(e).ok_or_else(|| Error::new(Code::InvalidEmail, "the e-mail address is not valid"))?.as_str().to_owned()),
    };
    let supplier = match &org.supplier_id {
        Some(id) => Some(ctx.db().supplier(id).await?.ok_or_else(|| Error::internal("company without its supplier"))?),
        None => None,
    };
    let size = match &supplier {
        Some(_) => Some(
            SupplierSize::parse(edit.size.trim())
                .ok_or_else(|| Error::new(Code::InvalidSize, "size is small, medium, midsize or large"))?,
        ),
        None => None,
    };
    let mut tx = ctx.db().begin_write().await?;
    tx.update_organisation_profile(
        &org.id,
        &org.name,
        representative.as_deref(),
        address.as_deref(),
        phone.as_deref(),
        contact_email.as_deref(),
    )
    .await?;
    let mut fed = 0;
    if let (Some(s), Some(size)) = (&supplier, size) {
        fed = tx.update_supplier_profile(&s.id, representative.as_deref(), address.as_deref(), size).await?;
    }
    let mut ev = NewAuditEvent::new(&user.id, "org.profile_update", "organisation", &org.id)
        .before(json!({"representative": org.representative, "address": org.address, "phone": org.phone,
                       "contact_email": org.contact_email, "size": supplier.as_ref().map(|s| s.size.as_str())}))
        .after(json!({"representative": representative, "address": address, "phone": phone,
                      "contact_email": contact_email, "size": size.map(|s| s.as_str()), "services_reindexed": fed}))
        .request_id(request_id);
    ev.organisation = Some(org.id.clone());
    tx.audit(ev).await?;
    tx.commit().await?;
    if fed > 0
        && let Err(e) = ctx.sync().catch_up().await
    {
        // The change feed holds the rows; the next poll applies them.
        tracing::warn!(error = %e, "index catch-up after a size change failed");
    }
    ctx.db().organisation(&org.id).await?.ok_or_else(|| Error::not_found("organisation"))
}

/// An admin changes the roles (and the admin flag) of another person of its organisation.
pub async fn set_roles(
    ctx: &Context,
    p: &Principal,
    user_id: &str,
    roles: &[Role],
    admin: bool,
    request_id: Option<String>,
) -> Result<User, Error> {
    let me = p.user().ok_or_else(|| Error::new(Code::Forbidden, "only a person changes roles"))?;
    let org = p.org();
    if !me.is_admin || org.status != OrgStatus::Approved {
        return Err(Error::new(Code::Forbidden, "only an admin changes roles"));
    }
    let target = ctx.db().user(user_id).await?.filter(|u| u.org_id == org.id).ok_or_else(|| Error::not_found("user"))?;
    if target.id == me.id {
        return Err(Error::new(Code::CannotChangeSelf, "ask another admin to change your own roles"));
    }
    if roles.is_empty() || roles.iter().any(|r| !org.kind.allowed_roles().contains(r)) {
        return Err(Error::new(Code::InvalidRoles, "give roles that this kind of organisation may hold"));
    }
    let mut tx = ctx.db().begin_write().await?;
    tx.set_user_roles(&target.id, roles, admin).await?;
    let names = |rs: &[Role]| rs.iter().map(|r| r.as_str()).collect::<Vec<_>>();
    let mut ev = NewAuditEvent::new(&me.id, "user.roles", "user", &target.id)
        .before(json!({"roles": names(&target.roles), "admin": target.is_admin}))
        .after(json!({"roles": names(roles), "admin": admin}))
        .request_id(request_id);
    ev.organisation = Some(org.id.clone());
    tx.audit(ev).await?;
    tx.commit().await?;
    ctx.db().user(&target.id).await?.ok_or_else(|| Error::not_found("user"))
}

/// Sets the language the caller reads Gureum in (its pages signed in, its e-mails). The same
/// language again changes nothing and writes no event.
pub async fn set_language(ctx: &Context, p: &Principal, lang: Language, request_id: Option<String>) -> Result<User, Error> {
    let me = p.user().ok_or_else(|| Error::new(Code::Forbidden, "a machine token has no language"))?;
    if me.lang == lang {
        return Ok(me.clone());
    }
    let mut tx = ctx.db().begin_write().await?;
    tx.set_user_lang(&me.id, lang).await?;
    let mut ev = NewAuditEvent::new(&me.id, "user.language", "user", &me.id)
        .before(json!({"lang": me.lang.as_str()}))
        .after(json!({"lang": lang.as_str()}))
        .request_id(request_id);
    ev.organisation = Some(me.org_id.clone());
    tx.audit(ev).await?;
    tx.commit().await?;
    ctx.db().user(&me.id).await?.ok_or_else(|| Error::not_found("user"))
}

/// Marks one of the caller's notifications (or all of them) read.
pub async fn mark_read(ctx: &Context, p: &Principal, id: Option<&str>, request_id: Option<String>) -> Result<u64, Error> {
    let me = p.user().ok_or_else(|| Error::new(Code::Forbidden, "a machine token has no notifications"))?;
    let mut tx = ctx.db().begin_write().await?;
    let n = tx.mark_notifications_read(&me.id, id).await?;
    if n == 0 {
        tx.rollback().await?;
        return Ok(0);
    }
    let mut ev = NewAuditEvent::new(&me.id, "notification.read", "user", &me.id)
        .after(json!({"notification": id, "count": n}))
        .request_id(request_id);
    ev.organisation = Some(me.org_id.clone());
    tx.audit(ev).await?;
    tx.commit().await?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        for ok in ["02-1234-5678", "010 1234 5678", "+82 10-1234-5678", "(044) 000-0000", "0440000000"] {
            assert!(phone_acceptable(ok), "{ok}");
        }
        for bad in ["", "123", "02-1234-5678 ext", "1+2-3456-7890", "0101234567890123"] {
            assert!(!phone_acceptable(bad), "{bad}");
        }
    }

    #[test]
    fn text_limits() {
        assert_eq!(optional_text("  ", Code::InvalidName, "x"), Ok(None));
        assert_eq!(optional_text(" 세종 ", Code::InvalidAddress, "x"), Ok(Some("세종".into())));
        assert_eq!(optional_text(&"가".repeat(201), Code::InvalidAddress, "x").map_err(|e| e.code), Err(Code::InvalidAddress));
    }
}

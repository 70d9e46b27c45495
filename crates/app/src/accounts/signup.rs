//! Self-service sign-up of a supplier or an SME (SPEC §3 "Accounts"): the company and its first
//! admin, waiting for the operator's approval; a company that import created is claimed.

use super::*;
use crate::documents::check_upload;
use crate::notify::notify_operators;
/// A self-service sign-up (supplier or SME).
pub struct Signup {
    pub kind: OrgKind,
    pub business_number: String,
    pub company_name: String,
    pub size: Option<String>,
    pub representative: Option<String>,
    pub address: Option<String>,
    pub person_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub password: String,
    pub privacy_consent: bool,
    pub certificate: Option<Vec<u8>>,
}

/// Signs up a company and its first admin, waiting for the operator's approval. A company that
/// import created without an account is claimed; one that already has an account answers 409.
pub async fn signup(ctx: &Context, s: Signup, client: Option<IpAddr>, request_id: Option<String>) -> Result<(Organisation, User), Error> {
    ctx.throttle().attempt(Door::Signup, client, Some(&s.email), ctx.clock().now_micros())?;
    if !s.kind.self_service() {
        return Err(Error::new(Code::InvalidKind, "only suppliers and SMEs sign up themselves"));
    }
    if !s.privacy_consent {
        return Err(Error::new(Code::ConsentRequired, "consent to the collection and use of personal information is required"));
    }
    let bn = BusinessNumber::parse(&s.business_number).map_err(|e| Error::new(Code::InvalidBusinessNumber, e.to_string()))?;
    let email = Email::parse(&s.email).ok_or_else(|| Error::new(Code::InvalidEmail, "the e-mail address is not valid"))?;
    check_password(&s.password)?;
    let company = required(&s.company_name, Code::InvalidName, "the company name")?;
    let person = required(&s.person_name, Code::InvalidName, "your name")?;
    let representative = optional(s.representative.as_deref(), 200, Code::InvalidRepresentative, "the representative")?;
    let address = optional(s.address.as_deref(), 200, Code::InvalidAddress, "the address")?;
    let phone = optional(s.phone.as_deref(), 40, Code::InvalidPhone, "the phone number")?;
    if phone.as_deref().is_some_and(|p| !crate::profile::phone_acceptable(p)) {
        return Err(Error::new(Code::InvalidPhone, "write the phone number with 7 to 15 digits, e.g. 02-1234-5678"));
    }
    let size = match s.kind {
        OrgKind::Supplier => Some(
            s.size
                .as_deref()
                .and_then(SupplierSize::parse)
                .ok_or_else(|| Error::new(Code::InvalidSize, "size is small, medium, midsize or large"))?,
        ),
        _ => None,
    };
    let cert = s
        .certificate
        .as_deref()
        .ok_or_else(|| Error::new(Code::CertificateRequired, "attach the business registration certificate (PDF or image)"))?;
    let media = check_upload(cert, true)?;
    if ctx.db().organisation_by_bizno(s.kind, bn.digits()).await?.is_some() {
        return Err(Error::new(Code::CompanyExists, "this company already has an account; ask its admin to invite you"));
    }
    if ctx.db().user_by_email(email.as_str()).await?.is_some() {
        return Err(Error::new(Code::EmailTaken, "this e-mail already has an account"));
    }
    let hash = ctx.hashing().hash(s.password.clone()).await?;
    let store = ctx.documents().clone();
    let bytes = cert.to_vec();
    let sha = tokio::task::spawn_blocking(move || store.put(&bytes)).await.map_err(Error::internal)?.map_err(Error::internal)?;

    let mut tx = ctx.db().begin_write().await?;
    tx.record_document(&sha, cert.len() as i64, media.media_type()).await?;
    let supplier_id = match s.kind {
        OrgKind::Supplier => {
            let sref =
                SupplierRef { name: company.clone(), business_number: bn.digits().to_owned(), size: size.unwrap_or(SupplierSize::Small) };
            let (sid, created) = tx.supplier_for(&sref, &bn, id).await?;
            if !created {
                // Left by a sign-up that was rejected or removed: take this company's words.
                tx.refresh_unlisted_supplier(&sid, &sref.name, sref.size.as_str()).await?;
            }
            Some(sid)
        }
        _ => None,
    };
    let org = NewOrganisation {
        id: id(),
        kind: s.kind,
        name: company,
        business_number: Some(bn.digits().to_owned()),
        supplier_id,
        status: OrgStatus::Pending,
        registration_doc: Some(sha.clone()),
        representative,
        address,
        phone: phone.clone(),
        contact_email: Some(email.as_str().to_owned()),
        privacy_consent: true,
    };
    tx.insert_organisation(&org).await.map_err(map_unique)?;
    let user = NewUser {
        id: id(),
        org_id: org.id.clone(),
        email: email.as_str().to_owned(),
        name: person,
        phone,
        password_hash: Some(hash),
        roles: s.kind.allowed_roles().to_vec(),
        is_admin: true,
        status: UserStatus::Active,
    };
    tx.insert_user(&user).await.map_err(map_unique)?;
    let mut ev = NewAuditEvent::new(&user.id, "org.signup", "organisation", &org.id)
        .after(json!({"kind": org.kind.as_str(), "name": org.name, "business_number": org.business_number, "supplier_id": org.supplier_id,
                      "registration_doc": sha, "admin": user.id, "privacy_consent": true}))
        .request_id(request_id);
    ev.organisation = Some(org.id.clone());
    tx.audit(ev).await?;
    notify_operators(
        ctx,
        &mut tx,
        "org.signup",
        &format!("{} 가입 승인 요청", org.name),
        &format!("{} asks to be approved", org.name),
        "/operator/organisations",
    )
    .await?;
    tx.commit().await?;
    let org = ctx.db().organisation(&org.id).await?.ok_or_else(|| Error::internal("organisation vanished"))?;
    let user = ctx.db().user(&user.id).await?.ok_or_else(|| Error::internal("user vanished"))?;
    Ok((org, user))
}

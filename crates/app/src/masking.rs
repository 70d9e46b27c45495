//! Who sees people's contact details (docs/RULES.md#accounts: "shown masked to those who do not need them"):
//! the people of the same organisation, the operator who manages accounts and the auditor who
//! reads everything. Everyone else sees `ho***@agency.go.kr`, `010-****-**78`.

use crate::actor::Principal;
use gureum_domain::account::{Role, mask_email, mask_phone};
use gureum_storage::User;

/// Whether the viewer may see in full the contacts of a person of organisation `org_id`.
pub fn sees_contacts(viewer: Option<&Principal>, org_id: &str) -> bool {
    match viewer {
        None => false,
        Some(p) => p.org().id == org_id || p.has_role(Role::Operator) || p.has_role(Role::Auditor),
    }
}

/// A person's e-mail and phone as this viewer may see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub email: String,
    pub phone: String,
    pub masked: bool,
}

pub fn contact_for(viewer: Option<&Principal>, user: &User) -> Contact {
    let full = sees_contacts(viewer, &user.org_id);
    let phone = user.phone.clone().unwrap_or_default();
    if full {
        Contact { email: user.email.clone(), phone, masked: false }
    } else {
        Contact { email: mask_email(&user.email), phone: if phone.is_empty() { phone } else { mask_phone(&phone) }, masked: true }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gureum_domain::account::OrgKind;
    use gureum_storage::{OrgStatus, Organisation, SessionInfo, UserStatus};

    fn org(id: &str, kind: OrgKind) -> Organisation {
        Organisation {
            id: id.into(),
            kind,
            name: id.into(),
            business_number: None,
            supplier_id: None,
            status: OrgStatus::Approved,
            registration_doc: None,
            representative: None,
            address: None,
            phone: None,
            contact_email: None,
            status_reason: None,
            released_business_number: None,
            agency_kind: None,
            created_at: 0,
        }
    }

    fn user(org_id: &str, roles: Vec<Role>) -> User {
        User {
            id: format!("u-{org_id}"),
            org_id: org_id.into(),
            email: "hong@agency.go.kr".into(),
            name: "홍길동".into(),
            phone: Some("010-1234-5678".into()),
            password_hash: None,
            roles,
            is_admin: false,
            status: UserStatus::Active,
            failed_logins: 0,
            locked_until: None,
            created_at: 0,
            lang: gureum_domain::account::Language::Ko,
        }
    }

    fn person(org_id: &str, kind: OrgKind) -> Principal {
        let u = user(org_id, kind.allowed_roles().to_vec());
        Principal::Person {
            session: Box::new(SessionInfo { user: u, org: org(org_id, kind), csrf: String::new(), created_at: 0, expires_at: 0 }),
            token_hash: String::new(),
            via_cookie: true,
        }
    }

    #[test]
    fn same_organisation_operator_and_auditor_see_contacts() {
        let subject = user("agency-1", vec![Role::Buyer]);
        let colleague = person("agency-1", OrgKind::Agency);
        let operator = person("nia", OrgKind::Operator);
        let auditor = person("bai", OrgKind::Audit);
        let supplier = person("sup-1", OrgKind::Supplier);
        let other_agency = person("agency-2", OrgKind::Agency);
        for p in [&colleague, &operator, &auditor] {
            let c = contact_for(Some(p), &subject);
            assert_eq!((c.email.as_str(), c.phone.as_str(), c.masked), ("hong@agency.go.kr", "010-1234-5678", false));
        }
        for p in [Some(&supplier), Some(&other_agency), None] {
            let c = contact_for(p, &subject);
            assert_eq!((c.email.as_str(), c.phone.as_str(), c.masked), ("ho***@agency.go.kr", "010-****-**78", true));
        }
    }

    #[test]
    fn a_pending_operator_org_gets_no_operator_view() {
        let mut p = person("nia", OrgKind::Operator);
        if let Principal::Person { session, .. } = &mut p {
            session.org.status = OrgStatus::Pending;
        }
        assert!(!sees_contacts(Some(&p), "agency-1"));
    }
}

//! Demo mode (docs/API.md): one account per role, `ROLE@demo.gureum.kr` / `gureum-demo`, every
//! organisation approved; `buyer`, `budget` and `signatory` in one agency; the demo supplier is
//! its company's admin and owns listed services; `supplier2` is a second supplier company.

use crate::cli::Failure;
use gureum_domain::account::{OrgKind, Role};
use gureum_storage::{Db, NewAuditEvent, NewOrganisation, NewUser, OrgStatus, UserStatus};
use serde_json::json;

pub const DEMO_PASSWORD: &str = "gureum-demo";

/// (e-mail local part, organisation key, roles, admin)
const ACCOUNTS: &[(&str, &str, &[Role], bool)] = &[
    ("supplier", "supplier", &[Role::Supplier], true),
    ("supplier2", "supplier2", &[Role::Supplier], true),
    ("buyer", "agency", &[Role::Buyer], false),
    ("budget", "agency", &[Role::BudgetOfficer], false),
    ("signatory", "agency", &[Role::Signatory], true),
    ("reviewer", "reviewers", &[Role::Reviewer], true),
    ("reviewer2", "reviewers", &[Role::Reviewer], false),
    ("operator", "operator", &[Role::Operator], true),
    ("pps", "pps", &[Role::Pps], true),
    ("sme", "sme", &[Role::Sme], true),
    ("auditor", "audit", &[Role::Auditor], true),
];

/// Creates the demo organisations and accounts unless they exist; returns the e-mails.
pub async fn seed_demo_accounts(db: &Db) -> Result<Vec<String>, Failure> {
    if db.user_by_email("operator@demo.gureum.kr").await?.is_some() {
        return Ok(ACCOUNTS.iter().map(|a| format!("{}@demo.gureum.kr", a.0)).collect());
    }
    let hash = gureum_app::secrets::hash_password(DEMO_PASSWORD.to_owned()).await.map_err(|e| Failure::env(e.message))?;
    // The two suppliers that own the most listed services are the demo supplier companies.
    let suppliers = db.suppliers_by_listed_count(2).await?;
    let sme_bn = gureum_domain::BusinessNumber::from_first9([5, 0, 1, 8, 1, 2, 3, 4, 5]);
    let ids = crate::seed::seeded_ids(7);
    let mut ids = ids;
    let mut tx = db.begin_write().await?;
    // (key, kind, name, business number, catalog supplier, representative, address, phone): no
    // two demo organisations share a representative, address or phone (the voucher programme's
    // fraud flags look for exactly that).
    type DemoOrg = (&'static str, OrgKind, String, Option<String>, Option<String>);
    const CONTACTS: [(&str, &str, &str); 8] = [
        ("김구름", "서울특별시 강남구 테헤란로 231", "02-6000-1001"),
        ("이하늘", "경기도 성남시 분당구 판교역로 166", "031-6000-1002"),
        ("박정부", "세종특별자치시 도움6로 42", "044-205-1003"),
        ("최심사", "서울특별시 중구 세종대로 110", "02-6000-1004"),
        ("정진흥", "대구광역시 동구 첨단로 53", "053-230-1005"),
        ("한조달", "대전광역시 서구 청사로 189", "042-724-1006"),
        ("윤상회", "부산광역시 해운대구 센텀중앙로 79", "051-600-1007"),
        ("강감사", "서울특별시 종로구 북촌로 112", "02-2011-1008"),
    ];
    let orgs: Vec<DemoOrg> = vec![
        (
            "supplier",
            OrgKind::Supplier,
            suppliers.first().map(|s| s.name.clone()).unwrap_or_else(|| "구름 데모 공급사".into()),
            suppliers.first().map(|s| s.business_number.clone()),
            suppliers.first().map(|s| s.id.clone()),
        ),
        (
            "supplier2",
            OrgKind::Supplier,
            suppliers.get(1).map(|s| s.name.clone()).unwrap_or_else(|| "구름 데모 공급사 2".into()),
            suppliers.get(1).map(|s| s.business_number.clone()),
            suppliers.get(1).map(|s| s.id.clone()),
        ),
        ("agency", OrgKind::Agency, "행정안전부 (데모)".into(), None, None),
        ("reviewers", OrgKind::ReviewerPool, "디지털서비스 심사위원 풀".into(), None, None),
        ("operator", OrgKind::Operator, "한국지능정보사회진흥원 (NIA)".into(), None, None),
        ("pps", OrgKind::Procurement, "조달청".into(), None, None),
        ("sme", OrgKind::Sme, "구름데모상회".into(), Some(sme_bn.digits().to_owned()), None),
        ("audit", OrgKind::Audit, "감사원 (데모)".into(), None, None),
    ];
    let mut org_ids = std::collections::HashMap::new();
    for ((key, kind, name, bn, supplier_id), (representative, address, phone)) in orgs.into_iter().zip(CONTACTS) {
        let id = ids(&format!("demo-org:{key}"));
        tx.insert_organisation(&NewOrganisation {
            id: id.clone(),
            kind,
            name,
            business_number: bn,
            supplier_id,
            status: OrgStatus::Approved,
            registration_doc: None,
            representative: Some(representative.into()),
            address: Some(address.into()),
            phone: Some(phone.into()),
            contact_email: Some(format!("{key}@demo.gureum.kr")),
            privacy_consent: true,
        })
        .await?;
        org_ids.insert(key, id);
    }
    let mut emails = Vec::new();
    for (n, (local, org, roles, admin)) in ACCOUNTS.iter().enumerate() {
        let email = format!("{local}@demo.gureum.kr");
        let uid = ids(&format!("demo-user:{local}"));
        tx.insert_user(&NewUser {
            id: uid,
            org_id: org_ids.get(org).cloned().unwrap_or_default(),
            email: email.clone(),
            name: format!("데모 {}", roles.first().map(|r| r.label_ko()).unwrap_or_default()),
            phone: Some(format!("010-6000-{:04}", 2001 + n)),
            password_hash: Some(hash.clone()),
            roles: roles.to_vec(),
            is_admin: *admin,
            status: UserStatus::Active,
        })
        .await?;
        emails.push(email);
    }
    tx.audit(NewAuditEvent::new("system", "demo.accounts", "demo", "accounts").after(json!({"accounts": emails}))).await?;
    tx.commit().await?;
    Ok(emails)
}

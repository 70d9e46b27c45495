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
    ("reviewer3", "reviewers", &[Role::Reviewer], false),
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

/// A one-page PDF standing for a demo document (the store recognises PDFs by their content).
pub(crate) fn demo_pdf(title: &str) -> Vec<u8> {
    let text: String = title.chars().filter(char::is_ascii_alphanumeric).collect();
    format!(
        "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
         3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n% Gureum demo document {text}\n\
         trailer << /Root 1 0 R >>\n%%EOF\n"
    )
    .into_bytes()
}

pub(crate) async fn demo_principal(ctx: &gureum_app::Context, who: &str) -> Result<gureum_app::Principal, Failure> {
    let fail = |e: gureum_app::Error| Failure::env(format!("demo review ({who}): {}", e.message));
    let logged = gureum_app::accounts::login(ctx, &format!("{who}@demo.gureum.kr"), DEMO_PASSWORD, None, None).await.map_err(fail)?;
    gureum_app::actor::authenticate(ctx, &logged.token, false)
        .await
        .map_err(fail)?
        .ok_or_else(|| Failure::env(format!("demo review: {who} cannot sign in")))
}

/// A new service of `p`'s company with every required document, submitted: its application id.
async fn demo_application(
    ctx: &gureum_app::Context,
    p: &gureum_app::Principal,
    listing: serde_json::Value,
) -> Result<String, gureum_app::Error> {
    let id = gureum_app::lifecycle::create(ctx, p, &listing, None).await?;
    let settings = gureum_app::review::settings(ctx).await?;
    let kind = listing["kind"].as_str().and_then(gureum_domain::ServiceKind::parse).unwrap_or(gureum_domain::ServiceKind::Saas);
    for doc_type in settings.required_for(kind) {
        gureum_app::lifecycle::attach_document(ctx, p, &id, doc_type, &format!("{doc_type}.pdf"), demo_pdf(doc_type), None).await?;
    }
    gureum_app::lifecycle::submit(ctx, p, &id, None).await?;
    let mine = gureum_app::review::applications(ctx, p, Some("received"), None).await?;
    mine.into_iter()
        .find(|a| a.application.service_id == id)
        .map(|a| a.application.id)
        .ok_or_else(|| gureum_app::Error::internal("the demo submission opened no application"))
}

fn demo_listing(name: &str, name_en: &str, category: &str, tags: &[&str], price: i64, today: time::Date) -> serde_json::Value {
    let from = gureum_domain::clock::format_date(today - time::Duration::days(200));
    let to = gureum_domain::clock::format_date(today + time::Duration::days(5 * 365 - 200));
    json!({
        "name": name,
        "name_en": name_en,
        "kind": "saas",
        "category": category,
        "tags": tags,
        "summary": format!("{name}: 공공기관 업무용 SaaS (심사 데모)"),
        "description": "심사위원회 과정을 보여 주는 데모 신청 서비스입니다. 제출 서류 6종을 갖추었습니다.",
        "price_plans": [{"name": "기본", "model": "metered", "unit": "사용자/월", "unit_price_krw": price}],
        "sla": {"availability_pct": 99.9, "support_hours": "평일 09-18", "credit_pct": 10},
        "data_location": "국내 리전 (서울)",
        "certification": {"type": "standard", "grade": "low", "number": format!("CSAP-S-{}-D{price}", today.year()), "valid_from": from, "valid_to": to}
    })
}

/// The committee in the demo (issue #22): a closed round that selected one service of the demo
/// supplier, and an open round in which one application waits for the demo reviewer's vote
/// (`reviewer2` has voted) while another waits for assignment. Done once, through the same use
/// cases the API calls, so what a visitor sees is what the product does.
pub async fn seed_demo_review(ctx: &gureum_app::Context) -> Result<(), Failure> {
    if !ctx.db().rounds().await?.is_empty() {
        return Ok(());
    }
    let supplier = demo_principal(ctx, "supplier").await?;
    let supplier2 = demo_principal(ctx, "supplier2").await?;
    let operator = demo_principal(ctx, "operator").await?;
    let reviewer = demo_principal(ctx, "reviewer").await?;
    let reviewer2 = demo_principal(ctx, "reviewer2").await?;
    let reviewers: Vec<String> = [&reviewer, &reviewer2].iter().filter_map(|p| p.user().map(|u| u.id.clone())).collect();
    let today = ctx.clock().today();
    let fail = |e: gureum_app::Error| Failure::env(format!("demo review: {}", e.message));
    let pass = json!({
        "criteria": {"business_soundness": "pass", "debarment": "pass", "security": "pass", "operational_stability": "pass", "support_structure": "pass"},
        "comments": {"security": "CSAP 표준등급 인증서와 보안 점검 결과를 확인했습니다."},
        "innovativeness": "민원 응대 자동화로 담당자 업무를 줄입니다."
    });
    let date = |d: time::Date| gureum_domain::clock::format_date(d);

    // last month's round: selected and closed
    let selected = demo_application(
        ctx,
        &supplier,
        demo_listing("구름 민원응대 챗봇", "Gureum Civil Petition Chatbot", "민원", &["챗봇", "민원", "상담"], 3_000, today),
    )
    .await
    .map_err(fail)?;
    let past =
        gureum_app::review::create_round(ctx, &operator, Some("2026년 11월 정기 심사"), Some(&date(today - time::Duration::days(7))), None)
            .await
            .map_err(fail)?;
    gureum_app::review::assign(ctx, &operator, &selected, Some(&past.id), &reviewers, None).await.map_err(fail)?;
    gureum_app::review::vote(ctx, &reviewer, &selected, &pass, None).await.map_err(fail)?;
    gureum_app::review::vote(ctx, &reviewer2, &selected, &pass, None).await.map_err(fail)?;
    gureum_app::review::close_round(ctx, &operator, &past.id, None).await.map_err(fail)?;

    // this month's round: one waits for the demo reviewer, one for assignment
    let waiting_vote = demo_application(
        ctx,
        &supplier,
        demo_listing("구름 전자문서 보관소", "Gureum e-Records Vault", "문서관리", &["전자문서", "기록관리"], 4_500, today),
    )
    .await
    .map_err(fail)?;
    demo_application(
        ctx,
        &supplier2,
        demo_listing("하늘 영상회의 플러스", "Haneul Video Meeting Plus", "화상회의", &["화상회의", "영상"], 6_000, today),
    )
    .await
    .map_err(fail)?;
    let open = gureum_app::review::create_round(
        ctx,
        &operator,
        Some("2026년 12월 정기 심사"),
        Some(&date(today + time::Duration::days(14))),
        None,
    )
    .await
    .map_err(fail)?;
    gureum_app::review::assign(ctx, &operator, &waiting_vote, Some(&open.id), &reviewers, None).await.map_err(fail)?;
    gureum_app::review::vote(ctx, &reviewer2, &waiting_vote, &pass, None).await.map_err(fail)?;
    Ok(())
}

//! The SME cloud voucher through the API (issue #25; SPEC §4 "Cloud vouchers"): a programme, the
//! pool, an application and its selection, evidence, claims approved, questioned, rejected and
//! settled; every refusal a 4xx with its code that changes nothing; an SME never sees another
//! company's records; the fraud flags and the reason a flagged approval needs; the audit trail.

mod common;

use common::{PDF, TestApp, World, world};
use serde_json::{Value, json};

/// The clock is 2026-11-23: this window is open.
fn programme_body(total: i64, cap: i64) -> Value {
    json!({"year": 2026, "name": "2026 클라우드 바우처", "total_budget_krw": total, "company_cap_krw": cap, "government_share_pct": 80,
        "cost_types": ["consulting", "transition", "usage"], "apply_from": "2026-11-01", "apply_to": "2026-11-30", "use_until": "2027-06-30"})
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_else(|| panic!("an id in {v}")).to_owned()
}

/// A multipart upload of one evidence file.
async fn upload(app: &TestApp, token: &str, bytes: &[u8]) -> (u16, Value) {
    use tower::ServiceExt;
    let boundary = "voucher-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"세금계산서.pdf\"\r\nContent-Type: application/pdf\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/api/v1/voucher-documents")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(axum::body::Body::from(body))
        .expect("request");
    let resp = app.router.clone().oneshot(req).await.expect("response");
    let status = resp.status().as_u16();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 26).await.expect("body");
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// A listed service of the demo supplier with a certification valid today.
async fn certified_service(app: &TestApp, who: &str) -> String {
    let org = app.db.user_by_email(&format!("{who}@demo.gureum.kr")).await.expect("db").expect("user").org_id;
    let sid = app.db.organisation(&org).await.expect("db").and_then(|o| o.supplier_id).expect("supplier");
    let today = common::clock().today();
    for s in app.db.supplier_services(&sid, &[gureum_domain::ServiceStatus::Listed]).await.expect("db") {
        let rec = app.db.service(gureum_storage::ServiceKey::Id(&s.id)).await.expect("db").expect("service");
        if rec.listing.certification.as_ref().is_some_and(|c| c.valid_on(today)) {
            return rec.id;
        }
    }
    panic!("no certified listed service of {who}");
}

/// A second SME company, signed up and approved, with its representative (for the flags); answers its token.
async fn other_sme(app: &TestApp, operator: &str, n: u8, representative: &str, address: &str) -> String {
    let email = format!("sme{n}@other.kr");
    let (org, _) = gureum_app::accounts::signup(
        &app.state,
        gureum_app::accounts::Signup {
            kind: gureum_domain::account::OrgKind::Sme,
            business_number: gureum_domain::BusinessNumber::from_first9([3, 1, 4, 1, 5, 9, 2, 6, u32::from(n)]).digits().to_owned(),
            company_name: format!("다른상회 {n}"),
            size: None,
            representative: Some(representative.into()),
            address: Some(address.into()),
            person_name: "다른 담당자".into(),
            email: email.clone(),
            phone: None,
            password: "other-sme-password".into(),
            privacy_consent: true,
            certificate: Some(PDF.to_vec()),
        },
        None,
        None,
    )
    .await
    .expect("signup");
    let (s, v) = app.call("POST", &format!("/api/v1/organisations/{}/approve", org.id), Some(operator), None).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = app.call("POST", "/api/v1/auth/login", None, Some(json!({"email": email, "password": "other-sme-password"}))).await;
    assert_eq!(s, 200, "{v}");
    v["token"].as_str().expect("token").to_owned()
}

struct Setup {
    w: World,
    sme: String,
    programme: String,
    pool_entry: String,
}

/// A programme with one approved service of the demo supplier in its pool.
async fn setup(total: i64, cap: i64) -> Setup {
    let w = world().await;
    let sme = w.app.login("sme").await;
    let (s, p) = w.app.call("POST", "/api/v1/voucher-programmes", Some(&w.operator), Some(programme_body(total, cap))).await;
    assert_eq!(s, 201, "{p}");
    let programme = id(&p);
    let service = certified_service(&w.app, "supplier").await;
    let (s, e) = w
        .app
        .call("POST", &format!("/api/v1/voucher-programmes/{programme}/services"), Some(&w.supplier), Some(json!({"service_id": service})))
        .await;
    assert_eq!((s, e["status"].as_str()), (201, Some("pending")), "{e}");
    let pool_entry = id(&e);
    let (s, v) = w.app.call("POST", &format!("/api/v1/voucher-services/{pool_entry}/approve"), Some(&w.operator), None).await;
    assert_eq!(s, 200, "{v}");
    Setup { w, sme, programme, pool_entry }
}

/// The SME applies and the operator selects it with `granted`; answers the voucher.
async fn voucher(st: &Setup, granted: i64) -> Value {
    let app = &st.w.app;
    let body = json!({"programme_id": st.programme, "plan": "회계 시스템을 SaaS로 전환", "requested_krw": granted});
    let (s, a) = app.call("POST", "/api/v1/voucher-applications", Some(&st.sme), Some(body)).await;
    assert_eq!(s, 201, "{a}");
    let (s, v) = app
        .call(
            "POST",
            &format!("/api/v1/voucher-applications/{}/select", id(&a)),
            Some(&st.w.operator),
            Some(json!({"granted_krw": granted})),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    v
}

fn claim_body(voucher: &str, entry: &str, paid: i64, number: &str, docs: &[String]) -> Value {
    json!({"voucher_id": voucher, "voucher_service_id": entry, "cost_type": "usage", "paid_krw": paid, "paid_on": "2026-11-20",
        "tax_invoice_number": number, "evidence_document_ids": docs})
}

async fn programme_of(app: &TestApp, id: &str) -> Value {
    let (s, v) = app.call("GET", &format!("/api/v1/voucher-programmes/{id}"), None, None).await;
    assert_eq!(s, 200, "{v}");
    v
}

#[tokio::test]
async fn a_voucher_from_programme_to_settlement() {
    let st = setup(100_000_000, 20_000_000).await;
    let (app, op, sme) = (&st.w.app, st.w.operator.as_str(), st.sme.as_str());

    // public: the programme with its totals, and its approved pool
    let (s, list) = app.call("GET", "/api/v1/voucher-programmes", None, None).await;
    assert_eq!(s, 200);
    assert_eq!(list[0]["id"], st.programme.as_str());
    assert_eq!((list[0]["granted_krw"].as_i64(), list[0]["open"].as_bool()), (Some(0), Some(true)));
    let (s, pool) = app.call("GET", &format!("/api/v1/voucher-programmes/{}/services", st.programme), None, None).await;
    assert_eq!(s, 200);
    assert_eq!(pool[0]["id"], st.pool_entry.as_str());
    assert!(pool[0]["code"].is_string() && pool[0]["name"].is_string() && pool[0]["service_id"].is_string());

    // the application: twice is refused; a non-SME is refused; the operator sees it side by side
    let body = json!({"programme_id": st.programme, "plan": "회계 시스템 전환", "requested_krw": 15_000_000, "company_size": "small"});
    let (s, a) = app.call("POST", "/api/v1/voucher-applications", Some(sme), Some(body.clone())).await;
    assert_eq!((s, a["status"].as_str()), (201, Some("submitted")), "{a}");
    let (s, v) = app.call("POST", "/api/v1/voucher-applications", Some(sme), Some(body.clone())).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("already_applied")));
    let (s, v) = app.call("POST", "/api/v1/voucher-applications", Some(&st.w.buyer), Some(body.clone())).await;
    assert_eq!((s, v["code"].as_str()), (403, Some("not_sme")));
    let (s, apps) = app.call("GET", &format!("/api/v1/voucher-applications?programme_id={}", st.programme), Some(op), None).await;
    assert_eq!(s, 200);
    assert_eq!(apps.as_array().map(Vec::len), Some(1));
    assert_eq!((apps[0]["region"].as_str(), apps[0]["prior_vouchers"].as_i64()), (Some("부산광역시"), Some(0)));
    assert_eq!(apps[0]["company_size"], "small");

    // selection: above the cap 400, then a voucher; a second selection 409
    let app_id = id(&a);
    let select = format!("/api/v1/voucher-applications/{app_id}/select");
    let (s, v) = app.call("POST", &select, Some(op), Some(json!({"granted_krw": 20_000_001}))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("above_company_cap")));
    let (s, v) = app.call("POST", &select, Some(op), Some(json!({"granted_krw": 10_000_000}))).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (v["granted_krw"].as_i64(), v["reimbursed_krw"].as_i64(), v["remaining_krw"].as_i64()),
        (Some(10_000_000), Some(0), Some(10_000_000))
    );
    assert_eq!(v["programme_id"], st.programme.as_str());
    let voucher_id = id(&v);
    let (s, again) = app.call("POST", &select, Some(op), Some(json!({"granted_krw": 1}))).await;
    assert_eq!((s, again["code"].as_str()), (409, Some("invalid_status")));
    assert_eq!(programme_of(app, &st.programme).await["granted_krw"], 10_000_000);

    // evidence: a PDF is stored, anything else refused by its content
    let (s, doc) = upload(app, sme, PDF).await;
    assert_eq!(s, 201, "{doc}");
    let (s, v) = upload(app, sme, b"MZ not a pdf").await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_file_type")));
    let docs = vec![id(&doc)];

    // claims: every refusal changes nothing
    let refused = [
        (claim_body(&voucher_id, &st.pool_entry, 5_000_000, "A-1", &[]), 400, "evidence_required"),
        (claim_body(&voucher_id, &voucher_id, 5_000_000, "A-1", &docs), 400, "service_not_in_programme"),
        (
            {
                let mut b = claim_body(&voucher_id, &st.pool_entry, 5_000_000, "A-1", &docs);
                b["paid_on"] = json!("2027-07-01");
                b
            },
            409,
            "usage_period_over",
        ),
    ];
    for (body, status, code) in refused {
        let (s, v) = app.call("POST", "/api/v1/voucher-claims", Some(sme), Some(body)).await;
        assert_eq!((s, v["code"].as_str()), (status, Some(code)), "{v}");
    }
    let (s, c1) = app
        .call(
            "POST",
            "/api/v1/voucher-claims",
            Some(sme),
            Some(claim_body(&voucher_id, &st.pool_entry, 5_000_001, "2026-1120-0001", &docs)),
        )
        .await;
    assert_eq!((s, c1["status"].as_str()), (201, Some("submitted")), "{c1}");
    assert_eq!(c1["reimbursement_krw"], 4_000_000, "⌊5,000,001 × 80 / 100⌋");
    let (s, v) = app
        .call("POST", "/api/v1/voucher-claims", Some(sme), Some(claim_body(&voucher_id, &st.pool_entry, 1_000, "20261120 0001", &docs)))
        .await;
    assert_eq!((s, v["code"].as_str()), (409, Some("duplicate_invoice")), "the same number, written otherwise");
    // beyond what the voucher has left: accepted now, refused at approval
    let (s, c2) = app
        .call(
            "POST",
            "/api/v1/voucher-claims",
            Some(sme),
            Some(claim_body(&voucher_id, &st.pool_entry, 10_000_000, "2026-1120-0002", &docs)),
        )
        .await;
    assert_eq!(s, 201, "{c2}");
    let (c1, c2) = (id(&c1), id(&c2));

    let (s, v) = app.call("POST", &format!("/api/v1/voucher-claims/{c1}/approve"), Some(op), None).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("approved")), "{v}");
    let (s, v) = app.call("POST", &format!("/api/v1/voucher-claims/{c2}/approve"), Some(op), None).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("voucher_exhausted")), "{v}");
    let (_, vv) = app.call("GET", &format!("/api/v1/vouchers/{voucher_id}"), Some(sme), None).await;
    assert_eq!((vv["reimbursed_krw"].as_i64(), vv["remaining_krw"].as_i64()), (Some(4_000_000), Some(6_000_000)));
    let (s, v) = app
        .call(
            "POST",
            &format!("/api/v1/voucher-claims/{c2}/request-evidence"),
            Some(op),
            Some(json!({"message": "사용 내역서를 올려 주세요"})),
        )
        .await;
    assert_eq!(
        (s, v["status"].as_str(), v["evidence_message"].as_str()),
        (200, Some("evidence_requested"), Some("사용 내역서를 올려 주세요"))
    );
    // the SME answers with another file: the claim is back with the operator, citing both
    let evidence_path = format!("/api/v1/voucher-claims/{c2}/evidence");
    let (_, more) = upload(app, sme, PDF).await;
    let more = id(&more);
    let (s, v) = app.call("POST", &evidence_path, Some(op), Some(json!({"evidence_document_ids": [more]}))).await;
    assert_eq!((s, v["code"].as_str()), (403, Some("forbidden")), "only the SME answers: {v}");
    let (s, v) = app.call("POST", &evidence_path, Some(sme), Some(json!({"evidence_document_ids": []}))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("evidence_required")), "{v}");
    let (s, v) =
        app.call("POST", &evidence_path, Some(sme), Some(json!({"evidence_document_ids": ["00000000-0000-4000-8000-000000000000"]}))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("evidence_required")), "an unknown document: {v}");
    let (_, still) = app.call("GET", &format!("/api/v1/voucher-claims/{c2}"), Some(sme), None).await;
    assert_eq!(still["status"], "evidence_requested", "a refused answer changes nothing");
    let (s, v) =
        app.call("POST", &format!("/api/v1/voucher-claims/{c1}/evidence"), Some(sme), Some(json!({"evidence_document_ids": [more]}))).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("invalid_status")), "no evidence was asked for on an approved claim: {v}");
    let (s, v) = app.call("POST", &evidence_path, Some(sme), Some(json!({"evidence_document_ids": [more, more]}))).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("submitted")), "{v}");
    let decider = app.db.voucher_claim(&c2).await.expect("db").expect("claim").decided_by;
    assert_eq!(decider, Some(app.user_id("operator").await), "the operator who asked stays the last decider");
    let cited = v["evidence_document_ids"].as_array().expect("evidence");
    assert_eq!(cited.len(), 2, "the first file and the new one: {v}");
    assert!(cited.iter().any(|d| d == more.as_str()));
    let (s, v) = app.call("POST", &evidence_path, Some(sme), Some(json!({"evidence_document_ids": [more]}))).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("invalid_status")), "answered once: {v}");
    let (_, notes) = app.call("GET", "/api/v1/notifications", Some(op), None).await;
    assert!(notes.to_string().contains("voucher.claim_evidence_supplied"), "the operator is told: {notes}");
    let (s, v) = app.call("POST", &format!("/api/v1/voucher-claims/{c2}/reject"), Some(op), Some(json!({}))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("reason_required")));
    let (s, v) = app.call("POST", &format!("/api/v1/voucher-claims/{c2}/reject"), Some(op), Some(json!({"reason": "잔액 초과"}))).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("rejected")));
    let (s, v) =
        app.call("POST", &format!("/api/v1/voucher-claims/{c2}/settle"), Some(op), Some(json!({"settled_on": "2026-11-23"}))).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("invalid_status")));
    let (s, v) =
        app.call("POST", &format!("/api/v1/voucher-claims/{c1}/settle"), Some(op), Some(json!({"settled_on": "2026-11-23"}))).await;
    assert_eq!((s, v["status"].as_str(), v["settled_on"].as_str()), (200, Some("settled"), Some("2026-11-23")));

    let p = programme_of(app, &st.programme).await;
    assert_eq!(
        (p["granted_krw"].as_i64(), p["reimbursed_krw"].as_i64(), p["settled_krw"].as_i64()),
        (Some(10_000_000), Some(4_000_000), Some(4_000_000))
    );

    // the supplier sees the claims on its services, and reports money returned: a payback flag
    let (s, mine) = app.call("GET", "/api/v1/voucher-claims", Some(&st.w.supplier), None).await;
    assert_eq!((s, mine.as_array().map(Vec::len)), (200, Some(2)));
    let (s, none) = app.call("GET", "/api/v1/voucher-claims", Some(&st.w.supplier2), None).await;
    assert_eq!((s, none.as_array().map(Vec::len)), (200, Some(0)));
    let (s, v) =
        app.call("POST", &format!("/api/v1/voucher-claims/{c2}/refund-report"), Some(&st.w.supplier), Some(json!({"amount_krw": 1}))).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("invalid_status")), "a rejected claim was never reimbursed");
    let (s, v) = app
        .call("POST", &format!("/api/v1/voucher-claims/{c1}/refund-report"), Some(&st.w.supplier2), Some(json!({"amount_krw": 1})))
        .await;
    assert_eq!(s, 404, "{v}");
    let (s, v) = app
        .call(
            "POST",
            &format!("/api/v1/voucher-claims/{c1}/refund-report"),
            Some(&st.w.supplier),
            Some(json!({"amount_krw": 1_000_000, "note": "현금 환급"})),
        )
        .await;
    assert_eq!((s, v["refunded_krw"].as_i64()), (200, Some(1_000_000)), "{v}");
    let (s, flags) = app.call("GET", "/api/v1/voucher-flags", Some(op), None).await;
    assert_eq!(s, 200);
    assert!(flags.as_array().expect("flags").iter().any(|f| f["kind"] == "payback" && f["claim_id"] == c1.as_str()), "{flags}");
    let (s, _) = app.call("GET", "/api/v1/voucher-flags", Some(sme), None).await;
    assert_eq!(s, 403);

    // every step is in the audit log
    let actions: Vec<String> = app
        .db
        .audit_events(&gureum_storage::AuditFilter { action: Some("voucher".into()), ..Default::default() }, 0, 500)
        .await
        .expect("audit")
        .iter()
        .map(|e| e.event().action.clone())
        .collect();
    for a in [
        "voucher_programme.create",
        "voucher_service.offer",
        "voucher_service.approve",
        "voucher_application.submit",
        "voucher_application.select",
        "voucher.grant",
        "voucher_document.upload",
        "voucher_claim.submit",
        "voucher_claim.approve",
        "voucher_claim.request_evidence",
        "voucher_claim.supply_evidence",
        "voucher_claim.reject",
        "voucher_claim.settle",
        "voucher_claim.refund_report",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} is audited: {actions:?}");
    }
}

#[tokio::test]
async fn an_sme_never_sees_another_companys_records() {
    let st = setup(100_000_000, 20_000_000).await;
    let app = &st.w.app;
    let v = voucher(&st, 5_000_000).await;
    let voucher_id = id(&v);
    let (_, doc) = upload(app, &st.sme, PDF).await;
    let docs = vec![id(&doc)];
    let (s, c) = app
        .call("POST", "/api/v1/voucher-claims", Some(&st.sme), Some(claim_body(&voucher_id, &st.pool_entry, 100_000, "B-1", &docs)))
        .await;
    assert_eq!(s, 201, "{c}");
    let other = other_sme(app, &st.w.operator, 1, "남다른", "광주광역시 북구 첨단과기로 1").await;
    for path in [
        format!("/api/v1/vouchers/{voucher_id}"),
        format!("/api/v1/voucher-claims/{}", id(&c)),
        format!("/api/v1/voucher-applications/{}", v["application_id"].as_str().expect("application")),
        format!("/api/v1/voucher-documents/{}", docs[0]),
    ] {
        let (s, v) = app.call("GET", &path, Some(&other), None).await;
        assert_eq!(s, 404, "{path}: {v}");
    }
    for path in ["/api/v1/vouchers", "/api/v1/voucher-claims", "/api/v1/voucher-applications"] {
        let (s, v) = app.call("GET", path, Some(&other), None).await;
        assert_eq!((s, v.as_array().map(Vec::len)), (200, Some(0)), "{path}: {v}");
    }
    // claiming on another company's voucher, or with its evidence
    let (s, v) =
        app.call("POST", "/api/v1/voucher-claims", Some(&other), Some(claim_body(&voucher_id, &st.pool_entry, 1, "B-2", &docs))).await;
    assert_eq!(s, 404, "{v}");
    let (s, v) =
        app.call("POST", &format!("/api/v1/voucher-claims/{}/refund-report", id(&c)), Some(&other), Some(json!({"amount_krw": 1}))).await;
    assert_eq!(s, 404, "{v}");
    let (_, theirs) = upload(app, &other, PDF).await;
    let (s, v) = app
        .call(
            "POST",
            &format!("/api/v1/voucher-claims/{}/evidence", id(&c)),
            Some(&other),
            Some(json!({"evidence_document_ids": [id(&theirs)]})),
        )
        .await;
    assert_eq!(s, 404, "another company's claim is not there for it: {v}");
    // nor may the owner cite another company's file
    let (_, r) = app
        .call(
            "POST",
            &format!("/api/v1/voucher-claims/{}/request-evidence", id(&c)),
            Some(&st.w.operator),
            Some(json!({"message": "원본"})),
        )
        .await;
    assert_eq!(r["status"], "evidence_requested", "{r}");
    let (s, v) = app
        .call(
            "POST",
            &format!("/api/v1/voucher-claims/{}/evidence", id(&c)),
            Some(&st.sme),
            Some(json!({"evidence_document_ids": [id(&theirs)]})),
        )
        .await;
    assert_eq!((s, v["code"].as_str()), (400, Some("evidence_required")), "{v}");
    // the owner sees its own
    let (s, v) = app.call("GET", "/api/v1/voucher-claims", Some(&st.sme), None).await;
    assert_eq!((s, v.as_array().map(Vec::len)), (200, Some(1)));
}

#[tokio::test]
async fn windows_budgets_and_bad_input_are_refused_with_codes() {
    let st = setup(12_000_000, 10_000_000).await;
    let (app, op) = (&st.w.app, st.w.operator.as_str());
    // a closed programme
    let mut closed = programme_body(1_000_000, 1_000_000);
    closed["apply_from"] = json!("2026-01-01");
    closed["apply_to"] = json!("2026-03-31");
    let (s, p) = app.call("POST", "/api/v1/voucher-programmes", Some(op), Some(closed)).await;
    assert_eq!(s, 201, "{p}");
    let body = json!({"programme_id": id(&p), "plan": "늦은 신청", "requested_krw": 1});
    let (s, v) = app.call("POST", "/api/v1/voucher-applications", Some(&st.sme), Some(body)).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("programme_closed")));
    // a midsize company is not an SME
    let body = json!({"programme_id": st.programme, "plan": "중견기업", "requested_krw": 1, "company_size": "midsize"});
    let (s, v) = app.call("POST", "/api/v1/voucher-applications", Some(&st.sme), Some(body)).await;
    assert_eq!((s, v["code"].as_str()), (403, Some("not_sme")));
    // bad settings
    for (k, bad) in [
        ("government_share_pct", json!(0)),
        ("government_share_pct", json!(101)),
        ("cost_types", json!([])),
        ("cost_types", json!(["food"])),
        ("apply_to", json!("2026-10-01")),
        ("total_budget_krw", json!(-1)),
    ] {
        let mut b = programme_body(1, 1);
        b[k] = bad;
        let (s, v) = app.call("POST", "/api/v1/voucher-programmes", Some(op), Some(b)).await;
        assert_eq!((s, v["code"].as_str()), (400, Some("invalid_field")), "{k}: {v}");
    }
    let (s, _) = app.call("POST", "/api/v1/voucher-programmes", Some(&st.sme), Some(programme_body(1, 1))).await;
    assert_eq!(s, 403);
    // the budget: 12,000,000 holds one grant of 10,000,000 and not a second
    let _first = voucher(&st, 10_000_000).await;
    let other = other_sme(app, op, 2, "다른대표", "울산광역시 남구 1").await;
    let body = json!({"programme_id": st.programme, "plan": "두 번째 기업", "requested_krw": 5_000_000});
    let (s, a) = app.call("POST", "/api/v1/voucher-applications", Some(&other), Some(body)).await;
    assert_eq!(s, 201, "{a}");
    let (s, v) = app
        .call("POST", &format!("/api/v1/voucher-applications/{}/select", id(&a)), Some(op), Some(json!({"granted_krw": 5_000_000})))
        .await;
    assert_eq!((s, v["code"].as_str(), v["remaining_krw"].as_i64()), (409, Some("programme_budget_exceeded"), Some(2_000_000)));
    let (_, still) = app.call("GET", &format!("/api/v1/voucher-applications/{}", id(&a)), Some(op), None).await;
    assert_eq!(still["status"], "submitted", "a refused selection changes nothing");
    assert_eq!(programme_of(app, &st.programme).await["granted_krw"], 10_000_000);
    let (s, v) =
        app.call("POST", &format!("/api/v1/voucher-applications/{}/reject", id(&a)), Some(op), Some(json!({"reason": "예산 소진"}))).await;
    assert_eq!((s, v["status"].as_str(), v["reason"].as_str()), (200, Some("rejected"), Some("예산 소진")));
    // the pool: another supplier's service is not found; a second offer is refused
    let service = certified_service(app, "supplier").await;
    let (s, _) = app
        .call(
            "POST",
            &format!("/api/v1/voucher-programmes/{}/services", st.programme),
            Some(&st.w.supplier2),
            Some(json!({"service_id": service})),
        )
        .await;
    assert_eq!(s, 404);
    let (s, v) = app
        .call(
            "POST",
            &format!("/api/v1/voucher-programmes/{}/services", st.programme),
            Some(&st.w.supplier),
            Some(json!({"service_id": service})),
        )
        .await;
    assert_eq!((s, v["code"].as_str()), (409, Some("already_in_pool")));
    let (s, v) = app.call("POST", &format!("/api/v1/voucher-services/{}/approve", st.pool_entry), Some(op), None).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("invalid_status")));
    let (s, v) = app
        .call("POST", "/api/v1/voucher-programmes/not-a-uuid/services", Some(&st.w.supplier), Some(json!({"service_id": service})))
        .await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_id")));
}

#[tokio::test]
async fn flagged_claims_need_a_reason_to_be_approved() {
    let st = setup(100_000_000, 20_000_000).await;
    let (app, op) = (&st.w.app, st.w.operator.as_str());
    let v = voucher(&st, 10_000_000).await;
    let voucher_id = id(&v);
    let (_, doc) = upload(app, &st.sme, PDF).await;
    let docs = vec![id(&doc)];
    // late (paid 53 days before) and above the usage on the supplier's statement
    let mut body = claim_body(&voucher_id, &st.pool_entry, 2_000_000, "F-1", &docs);
    body["paid_on"] = json!("2026-10-01");
    body["usage_krw"] = json!(1_500_000);
    let (s, c) = app.call("POST", "/api/v1/voucher-claims", Some(&st.sme), Some(body)).await;
    assert_eq!(s, 201, "{c}");
    let cid = id(&c);
    let (s, flags) = app.call("GET", "/api/v1/voucher-flags", Some(op), None).await;
    assert_eq!(s, 200);
    let kinds: Vec<&str> =
        flags.as_array().expect("flags").iter().filter(|f| f["claim_id"] == cid.as_str()).filter_map(|f| f["kind"].as_str()).collect();
    assert!(kinds.contains(&"late_claim") && kinds.contains(&"claim_above_usage"), "{flags}");
    let (s, v) = app.call("POST", &format!("/api/v1/voucher-claims/{cid}/approve"), Some(op), Some(json!({}))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("flag_reason_required")), "{v}");
    let (s, v) = app
        .call("POST", &format!("/api/v1/voucher-claims/{cid}/approve"), Some(op), Some(json!({"reason": "공급기업 확인서로 사용량 확인"})))
        .await;
    assert_eq!((s, v["approval_reason"].as_str()), (200, Some("공급기업 확인서로 사용량 확인")), "{v}");
    let events = app
        .db
        .audit_events(
            &gureum_storage::AuditFilter {
                entity_id: Some(cid.clone()),
                action: Some("voucher_claim.approve".into()),
                ..Default::default()
            },
            0,
            10,
        )
        .await
        .expect("audit");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event().after.as_ref().map(|a| a["reason"].clone()), Some(json!("공급기업 확인서로 사용량 확인")));

    // a company sharing the demo supplier's representative, and two sharing an address
    let twin = other_sme(app, op, 3, "김구름", "서울특별시 마포구 월드컵북로 400").await;
    let neighbour = other_sme(app, op, 4, "옆집대표", "서울특별시 마포구 월드컵북로 400").await;
    for t in [&twin, &neighbour] {
        let body = json!({"programme_id": st.programme, "plan": "같은 주소", "requested_krw": 1_000_000});
        let (s, v) = app.call("POST", "/api/v1/voucher-applications", Some(t), Some(body)).await;
        assert_eq!(s, 201, "{v}");
    }
    let (_, flags) = app.call("GET", &format!("/api/v1/voucher-flags?programme_id={}", st.programme), Some(op), None).await;
    let shared = flags.as_array().expect("flags").iter().filter(|f| f["kind"] == "shared_address").count();
    assert_eq!(shared, 2, "{flags}");
    let (_, apps) = app.call("GET", "/api/v1/voucher-applications", Some(&twin), None).await;
    let (s, v2) = app
        .call(
            "POST",
            &format!("/api/v1/voucher-applications/{}/select", apps[0]["id"].as_str().expect("id")),
            Some(op),
            Some(json!({"granted_krw": 1_000_000})),
        )
        .await;
    assert_eq!(s, 200, "{v2}");
    let (_, doc) = upload(app, &twin, PDF).await;
    let (s, c) = app
        .call("POST", "/api/v1/voucher-claims", Some(&twin), Some(claim_body(&id(&v2), &st.pool_entry, 100_000, "F-2", &[id(&doc)])))
        .await;
    assert_eq!(s, 201, "{c}");
    let (_, flags) = app.call("GET", "/api/v1/voucher-flags", Some(op), None).await;
    let rep = flags.as_array().expect("flags").iter().find(|f| f["kind"] == "shared_representative" && f["claim_id"] == c["id"]).cloned();
    assert!(rep.is_some_and(|f| f["evidence"]["shared"] == json!(["representative"])), "{flags}");
    // its approval needs a reason too (its own flag and its application's)
    let (s, v) = app.call("POST", &format!("/api/v1/voucher-claims/{}/approve", id(&c)), Some(op), None).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("flag_reason_required")), "{v}");
}

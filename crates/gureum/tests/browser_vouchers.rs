//! The voucher journey in real Chromium against the real binary (`serve --demo`, the clock fixed
//! at 2026-11-23 09:00 in Seoul): on a programme the operator opened through the API with a
//! service of the demo supplier approved into its pool, the SME applies on `/sme/vouchers`, the
//! operator selects it on `/operator/vouchers` (the applications side by side), the SME claims
//! with an evidence file (a multipart form, no JavaScript), the operator approves and settles the
//! claim on its page; then the SME reports money returned after the reimbursement and the
//! operator finds the payback flag on the claim and on `/operator/vouchers/flags`. Every page
//! visited passes axe.

#[path = "support/demo_journey.rs"]
mod demo_journey;
#[path = "support/webdriver.rs"]
mod webdriver;

use demo_journey::{accessible, api, api_login, login, logout};
use reqwest::Method;
use serde_json::json;
use webdriver::{Browser, Server, browser_binaries};

#[tokio::test]
async fn an_sme_applies_claims_and_is_reimbursed_and_a_payback_is_flagged() {
    let Some((chromium, driver)) = browser_binaries() else { return };
    let server = Server::start_demo().await;
    let base = server.base.clone();

    // a programme open today, with a service of the demo supplier approved into its pool (the
    // same service the demo's own programme holds)
    let operator = api_login(&base, "operator").await;
    let supplier = api_login(&base, "supplier").await;
    let (s, programmes) = api(&base, Method::GET, "/api/v1/voucher-programmes", None, None).await;
    assert_eq!(s, 200, "{programmes}");
    let demo = programmes[0]["id"].as_str().expect("the demo's programme").to_owned();
    let (_, demo_pool) = api(&base, Method::GET, &format!("/api/v1/voucher-programmes/{demo}/services"), None, None).await;
    let service = demo_pool[0]["service_id"].as_str().expect("a service in the demo pool").to_owned();
    let (s, p) = api(
        &base,
        Method::POST,
        "/api/v1/voucher-programmes",
        Some(&operator),
        Some(json!({"year": 2026, "name": "브라우저 바우처 사업", "total_budget_krw": 500_000_000, "company_cap_krw": 15_000_000,
            "government_share_pct": 80, "cost_types": ["consulting", "usage"], "apply_from": "2026-11-01", "apply_to": "2026-11-30",
            "use_until": "2027-06-30"})),
    )
    .await;
    assert_eq!(s, 201, "{p}");
    let pid = p["id"].as_str().expect("id").to_owned();
    let (s, e) = api(
        &base,
        Method::POST,
        &format!("/api/v1/voucher-programmes/{pid}/services"),
        Some(&supplier),
        Some(json!({"service_id": service})),
    )
    .await;
    assert_eq!(s, 201, "{e}");
    let entry = e["id"].as_str().expect("id").to_owned();
    let (s, v) = api(&base, Method::POST, &format!("/api/v1/voucher-services/{entry}/approve"), Some(&operator), None).await;
    assert_eq!(s, 200, "{v}");

    // 0. The public pages show the programme and its pool.
    let b = Browser::start(&chromium, &driver).await;
    b.goto(&format!("{base}/vouchers")).await;
    accessible(&b, "the public programmes").await;
    b.goto(&format!("{base}/vouchers/{pid}")).await;
    accessible(&b, "a programme's pool").await;
    b.find(&format!("#pool a[href='/services/{service}']")).await;
    b.goto(&format!("{base}/vouchers/{pid}?lang=en")).await;
    assert!(b.body_text().await.contains("Supplier pool"), "in English");
    b.goto(&format!("{base}/vouchers?lang=ko")).await;

    // 1. The SME applies with its plan; an empty plan is refused first, its input kept.
    login(&b, &base, "sme").await;
    b.goto(&format!("{base}/sme/vouchers")).await;
    accessible(&b, "the SME's vouchers").await;
    b.set("#apply-programme", &pid).await;
    b.set("#apply-plan", " ").await;
    b.set("#apply-requested", "12,000,000").await;
    b.submit("#apply-form button[type='submit']").await;
    let plan = b.find("#apply-plan").await;
    assert_eq!(b.attr(&plan, "aria-invalid").await.as_deref(), Some("true"), "the refused field is marked");
    let requested = b.find("#apply-requested").await;
    assert_eq!(b.attr(&requested, "value").await.as_deref(), Some("12,000,000"), "the input is kept");
    accessible(&b, "a refused application").await;
    b.set("#apply-programme", &pid).await;
    b.fill("#apply-plan", "ERP를 SaaS로 옮기고 백업을 클라우드로 전환").await;
    b.submit("#apply-form button[type='submit']").await;
    b.wait_url("done=1").await;
    accessible(&b, "an application sent").await;
    logout(&b).await;

    // 2. The operator compares the applications and selects it with 10,000,000원.
    let (_, apps) = api(&base, Method::GET, &format!("/api/v1/voucher-applications?programme_id={pid}"), Some(&operator), None).await;
    let app = apps[0]["id"].as_str().expect("the application").to_owned();
    login(&b, &base, "operator").await;
    b.goto(&format!("{base}/operator/vouchers?programme={pid}")).await;
    accessible(&b, "the operator's voucher desk").await;
    let row = b.find(&format!("#application-{app}")).await;
    let text = b.text(&row).await;
    assert!(text.contains("부산광역시") && text.contains("12,000,000"), "region and requested amount side by side: {text}");
    b.set(&format!("#granted-{app}"), "10000000").await;
    b.submit(&format!("form[action='/operator/vouchers/applications/{app}/select'] button[type='submit']")).await;
    b.wait_url("done=1").await;
    accessible(&b, "a selection made").await;
    logout(&b).await;
    let sme = api_login(&base, "sme").await;
    let (_, vouchers) = api(&base, Method::GET, "/api/v1/vouchers", Some(&sme), None).await;
    let voucher = vouchers.as_array().expect("vouchers").iter().find(|v| v["programme_id"] == pid.as_str()).cloned().expect("the voucher");
    assert_eq!(voucher["granted_krw"].as_i64(), Some(10_000_000));
    let vid = voucher["id"].as_str().expect("id").to_owned();

    // 3. The SME claims 1,000,000원 paid with its tax invoice as a PDF file.
    login(&b, &base, "sme").await;
    b.goto(&format!("{base}/sme/vouchers")).await;
    assert!(b.body_text().await.contains("10,000,000"), "the voucher's remaining amount");
    let files = tempfile::tempdir().expect("tempdir");
    let pdf = files.path().join("tax-invoice.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n").expect("pdf");
    b.set("#claim-voucher", &vid).await;
    b.set("#claim-service", &entry).await;
    b.set("#claim-cost-type", "usage").await;
    b.set("#claim-paid", "1,000,000").await;
    b.set("#claim-paid-on", "2026-11-20").await;
    b.set("#claim-invoice", "20261120-4100-0012").await;
    let file = b.find("#claim-file").await;
    b.send_file(&file, &pdf).await;
    b.submit("#claim-form button[type='submit']").await;
    let url = b.wait_url("done=1").await;
    let claim = url.split("/vouchers/claims/").nth(1).and_then(|s| s.split('?').next()).expect("the claim's page").to_owned();
    let status = b.find("#claim-status").await;
    assert_eq!(b.text(&status).await, "접수");
    b.find("#claim-evidence a[href^='/vouchers/documents/']").await;
    accessible(&b, "a claim sent").await;
    logout(&b).await;

    // 4. The operator asks for the usage statement; the SME answers with a second file on the
    //    claim's page, and the claim is back with the operator, citing both files by name.
    login(&b, &base, "operator").await;
    b.goto(&format!("{base}/vouchers/claims/{claim}")).await;
    accessible(&b, "a claim to decide").await;
    b.fill("#request-message", "공급기업의 사용 내역서를 올려 주세요").await;
    b.submit("#claim-request button[type='submit']").await;
    b.wait_url("done=1").await;
    let status = b.find("#claim-status").await;
    assert_eq!(b.text(&status).await, "증빙 보완 요청");
    logout(&b).await;
    login(&b, &base, "sme").await;
    b.goto(&format!("{base}/vouchers/claims/{claim}")).await;
    assert!(b.body_text().await.contains("공급기업의 사용 내역서를 올려 주세요"), "the SME reads what is asked");
    accessible(&b, "evidence asked for").await;
    let statement = files.path().join("usage-statement.pdf");
    std::fs::write(&statement, b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n% usage\n%%EOF\n").expect("pdf");
    let file = b.find("#supply-file").await;
    b.send_file(&file, &statement).await;
    b.submit("#claim-supply button[type='submit']").await;
    b.wait_url("done=1").await;
    let status = b.find("#claim-status").await;
    assert_eq!(b.text(&status).await, "접수");
    let listed = b.text(&b.find("#claim-evidence").await).await;
    assert!(listed.contains("tax-invoice.pdf") && listed.contains("usage-statement.pdf"), "both files, by name: {listed}");
    accessible(&b, "evidence supplied").await;
    logout(&b).await;

    // 5. The operator approves it (800,000원 reimbursed) and settles it.
    login(&b, &base, "operator").await;
    b.goto(&format!("{base}/vouchers/claims/{claim}")).await;
    let money = b.find("#claim-reimbursement").await;
    assert_eq!(b.text(&money).await, "800,000원");
    b.submit("#claim-approve button[type='submit']").await;
    let status = b.find("#claim-status").await;
    assert_eq!(b.text(&status).await, "승인");
    accessible(&b, "an approved claim").await;
    b.submit("#claim-settle button[type='submit']").await;
    let status = b.find("#claim-status").await;
    assert_eq!(b.text(&status).await, "지급 완료");
    let on = b.find("#claim-settled-on").await;
    assert_eq!(b.text(&on).await, "2026-11-23");
    accessible(&b, "a settled claim").await;
    let (_, p) = api(&base, Method::GET, &format!("/api/v1/voucher-programmes/{pid}"), None, None).await;
    assert_eq!(
        (p["granted_krw"].as_i64(), p["reimbursed_krw"].as_i64(), p["settled_krw"].as_i64()),
        (Some(10_000_000), Some(800_000), Some(800_000))
    );
    logout(&b).await;

    // 6. The SME reports 200,000원 returned by the supplier after the reimbursement.
    login(&b, &base, "sme").await;
    b.goto(&format!("{base}/vouchers/claims/{claim}")).await;
    b.fill("#refund-amount", "200000").await;
    b.fill("#refund-note", "공급기업이 이용료 일부를 돌려줌").await;
    b.submit("#claim-refund button[type='submit']").await;
    b.wait_url("done=1").await;
    b.find("#claim-refunded").await;
    accessible(&b, "a refund reported").await;
    logout(&b).await;

    // 7. The operator sees the payback flag on the claim and among the fraud flags.
    login(&b, &base, "operator").await;
    b.goto(&format!("{base}/vouchers/claims/{claim}")).await;
    b.find("#claim-flags tr.flag-payback").await;
    accessible(&b, "a flagged claim").await;
    b.goto(&format!("{base}/operator/vouchers/flags")).await;
    let row = b.find("#flags tr.flag-payback").await;
    assert!(b.text(&row).await.contains("200000"), "the flag shows its evidence");
    b.find(&format!("#flags a[href='/vouchers/claims/{claim}']")).await;
    accessible(&b, "the fraud flags").await;
    b.quit().await;
}

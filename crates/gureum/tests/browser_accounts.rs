//! The people's journeys in real Chromium against the real binary (`serve --demo` with a real
//! SMTP sink): a supplier signs up, is approved, creates a service, uploads its documents and
//! submits it; a reviewer declares a tie; the operator opens a round and assigns two reviewers (the
//! tied one refused); both vote; the operator closes the round and a visitor finds the service with
//! its selection dates; a not-selected application shows its reasons and reaches the supplier by
//! e-mail; five wrong passwords lock an account; a forgotten password is reset through the
//! e-mailed link.

mod common;
#[path = "support/smtp_sink.rs"]
mod smtp_sink;
#[path = "support/webdriver.rs"]
mod webdriver;

use std::time::Duration;
use webdriver::{Browser, Server, browser_binaries};

const PW: &str = "gureum-demo";

async fn login(b: &Browser, base: &str, email: &str, password: &str) {
    b.goto(&format!("{base}/login")).await;
    b.fill("form[action='/login'] input[name='email']", email).await;
    b.fill("form[action='/login'] input[name='password']", password).await;
    b.submit("form[action='/login'] button[type='submit']").await;
}

async fn logout(b: &Browser) {
    b.submit("form[action='/logout'] button").await;
}

async fn accessible(b: &Browser, page: &str) {
    let v = b.axe_serious().await;
    assert!(v.is_empty(), "axe on {page}:\n{}", v.join("\n"));
}

/// Ticks or clears a reviewer's box on the assignment form.
async fn check(b: &Browser, user_id: &str, on: bool) {
    b.script(
        "const e = document.querySelector(arguments[0]); if (!e) throw new Error('no ' + arguments[0]); e.checked = arguments[1];",
        serde_json::json!([format!("input[name='reviewer'][value='{user_id}']"), on]),
    )
    .await;
}

async fn api(
    base: &str,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let mut req = reqwest::Client::new().request(method, format!("{base}{path}"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.expect("request");
    (res.status().as_u16(), res.json().await.unwrap_or(serde_json::Value::Null))
}

async fn api_login(base: &str, email: &str, password: &str) -> String {
    let (s, v) =
        api(base, reqwest::Method::POST, "/api/v1/auth/login", None, Some(serde_json::json!({"email": email, "password": password}))).await;
    assert_eq!(s, 200, "{email} logs in: {v}");
    v["token"].as_str().expect("token").to_owned()
}

async fn application_of(base: &str, operator: &str, service: &str) -> String {
    let (_, list) = api(base, reqwest::Method::GET, "/api/v1/applications", Some(operator), None).await;
    list.as_array().and_then(|l| l.iter().rev().find(|a| a["service_id"] == service)).expect("an application")["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// A service of `supplier` taken through a round by the API in which security fails: the
/// application's id.
async fn not_selected(base: &str, supplier: &str, operator: &str, reviewers: [(&str, &str); 2], pdf: &std::path::Path) -> String {
    use reqwest::Method;
    let body = serde_json::json!({"name": "선정되지 않을 서비스", "kind": "saas", "category": "그룹웨어", "summary": "미선정 확인용"});
    let (s, v) = api(base, Method::POST, "/api/v1/services", Some(supplier), Some(body)).await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_str().expect("id").to_owned();
    let bytes = std::fs::read(pdf).expect("pdf");
    for t in ["service_definition", "price_list", "sla", "business_soundness", "no_debarment", "certificate"] {
        let (content_type, body) = common::multipart_file(t, "doc.pdf", &bytes);
        let r = reqwest::Client::new()
            .post(format!("{base}/api/v1/services/{id}/documents"))
            .bearer_auth(supplier)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("upload");
        assert_eq!(r.status().as_u16(), 201, "upload {t}");
    }
    let (s, v) = api(base, Method::POST, &format!("/api/v1/services/{id}/submit"), Some(supplier), None).await;
    assert_eq!(s, 200, "{v}");
    let application = application_of(base, operator, &id).await;
    let (_, round) = api(
        base,
        Method::POST,
        "/api/v1/rounds",
        Some(operator),
        Some(serde_json::json!({"name": "미선정 차수", "meets_on": "2026-12-16"})),
    )
    .await;
    let round = round["id"].as_str().expect("round").to_owned();
    let (s, v) = api(
        base,
        Method::POST,
        &format!("/api/v1/applications/{application}/assign"),
        Some(operator),
        Some(serde_json::json!({"round_id": round, "reviewer_ids": reviewers.map(|r| r.1)})),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    for (t, _) in reviewers {
        let vote = serde_json::json!({
            "criteria": {"business_soundness": "pass", "debarment": "pass", "security": "fail", "operational_stability": "pass", "support_structure": "pass"},
            "comments": {"security": "이중화 구성이 확인되지 않습니다"}
        });
        let (s, v) = api(base, Method::POST, &format!("/api/v1/applications/{application}/votes"), Some(t), Some(vote)).await;
        assert_eq!(s, 201, "{v}");
    }
    let (s, v) = api(base, Method::POST, &format!("/api/v1/rounds/{round}/close"), Some(operator), None).await;
    assert_eq!(s, 200, "{v}");
    application
}

fn service_id_in(url: &str) -> String {
    url.split('/').find(|p| uuid::Uuid::try_parse(p).is_ok()).unwrap_or_else(|| panic!("no service id in {url}")).to_owned()
}

#[tokio::test]
async fn people_sign_up_list_reject_lock_and_reset() {
    let Some((chromium, driver)) = browser_binaries() else { return };
    let sink = smtp_sink::SmtpSink::start().await;
    let url = sink.url();
    let server = Server::start_demo_with(&["--smtp-url", &url]).await;
    let base = server.base.clone();
    let b = Browser::start(&chromium, &driver).await;

    // 1. A supplier signs up with its registration certificate and consent.
    let pdf = server.dir.path().join("certificate.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n% business registration certificate\n").expect("pdf");
    let bn = gureum_domain::BusinessNumber::from_first9([4, 4, 4, 8, 1, 2, 3, 4, 5]);
    b.goto(&format!("{base}/signup")).await;
    accessible(&b, "signup").await;
    b.set("input[name='kind'][value='supplier']", "supplier").await;
    b.fill("input[name='business_number']", &bn.formatted()).await;
    b.fill("input[name='company_name']", "브라우저클라우드").await;
    b.set("select[name='size']", "small").await;
    b.fill("input[name='name']", "박공급").await;
    b.fill("input[name='email']", "park@browsercloud.kr").await;
    b.fill("input[name='password']", "브라우저-비밀번호-2026").await;
    b.set("input[name='privacy_consent']", "true").await;
    let file = b.find("input[name='certificate']").await;
    b.send_file(&file, &pdf).await;
    b.submit("form[action='/signup'] button[type='submit']").await;
    let text = b.body_text().await;
    assert!(text.contains("승인"), "the sign-up waits for approval: {text}");

    // 2. The operator approves the company.
    login(&b, &base, "operator@demo.gureum.kr", PW).await;
    b.goto(&format!("{base}/operator")).await;
    assert!(b.body_text().await.contains("검색 색인"), "the desk shows the search index");
    accessible(&b, "operator desk").await;
    b.goto(&format!("{base}/operator/organisations")).await;
    accessible(&b, "operator organisations").await;
    let approve = b.find_all("form[action$='/approve'] button").await;
    assert!(!approve.is_empty(), "a company waits for approval");
    b.submit("form[action$='/approve'] button").await;
    logout(&b).await;

    // 3. The supplier creates a service, uploads the documents the review needs and submits it.
    login(&b, &base, "park@browsercloud.kr", "브라우저-비밀번호-2026").await;
    b.goto(&format!("{base}/supplier/services/new")).await;
    accessible(&b, "new service form").await;
    b.fill("input[name='name']", "브라우저 검증 전자결재").await;
    b.set("select[name='kind']", "saas").await;
    b.fill("input[name='category']", "전자결재").await;
    b.fill("input[name='tags']", "전자결재, 브라우저검증").await;
    b.fill("textarea[name='summary'], input[name='summary']", "브라우저로 등록한 전자결재 서비스").await;
    b.fill("textarea[name='description']", "실제 브라우저가 등록하고 운영기관이 등록 승인하는 서비스입니다.").await;
    b.fill("input[name='plan_name_0']", "기본").await;
    b.fill("input[name='plan_unit_0']", "사용자/월").await;
    b.fill("input[name='plan_price_0']", "7000").await;
    b.submit("form.listing-form button[type='submit'], form[action*='/supplier/services'] button[type='submit']").await;
    let after_create = b.current_url().await;
    let id = service_id_in(&after_create);
    // submitting before the documents are in names what is missing
    b.goto(&format!("{base}/supplier/services")).await;
    b.submit(&format!("form[action='/supplier/services/{id}/submit'] button")).await;
    assert!(b.source().await.contains("documents_missing"), "the missing documents are named");
    b.goto(&format!("{base}/supplier/services/{id}/documents")).await;
    accessible(&b, "documents").await;
    for doc_type in ["service_definition", "price_list", "sla", "business_soundness", "no_debarment", "certificate"] {
        b.set("select[name='doc_type']", doc_type).await;
        let f = b.find("input[name='file']").await;
        b.send_file(&f, &pdf).await;
        b.submit("form[action$='/documents'] button[type='submit']").await;
    }
    b.goto(&format!("{base}/supplier/services")).await;
    accessible(&b, "my services").await;
    b.submit(&format!("form[action='/supplier/services/{id}/submit'] button")).await;
    b.goto(&format!("{base}/supplier/applications")).await;
    accessible(&b, "my applications").await;
    logout(&b).await;
    let operator = api_login(&base, "operator@demo.gureum.kr", PW).await;
    let application = application_of(&base, &operator, &id).await;

    // 4. A reviewer declares a tie with the company ahead; the operator opens a round, and the
    //    assignment of that reviewer is refused, naming it; two others are assigned.
    login(&b, &base, "reviewer3@demo.gureum.kr", PW).await;
    b.goto(&format!("{base}/reviewer/conflicts")).await;
    accessible(&b, "declared ties").await;
    b.fill("input[name='business_number']", &bn.formatted()).await;
    b.fill("textarea[name='reason']", "브라우저클라우드 자문 이력").await;
    b.submit("form[action='/reviewer/conflicts'] button[type='submit']").await;
    logout(&b).await;
    login(&b, &base, "operator@demo.gureum.kr", PW).await;
    b.goto(&format!("{base}/operator/rounds")).await;
    accessible(&b, "rounds").await;
    b.fill("input[name='name']", "브라우저 검증 차수").await;
    b.set("input[name='meets_on']", "2026-12-15").await;
    b.submit("form[action='/operator/rounds'] button[type='submit']").await;
    b.goto(&format!("{base}/operator/applications")).await;
    accessible(&b, "operator applications").await;
    b.goto(&format!("{base}/operator/applications/{application}")).await;
    accessible(&b, "operator application").await;
    let round = b.script("const o = [...document.querySelectorAll('select[name=round_id] option')].find(o => o.textContent.includes('브라우저 검증 차수')); return o ? o.value : null;", serde_json::json!([])).await;
    let round = round.as_str().expect("the new round is offered").to_owned();
    b.set("select[name='round_id']", &round).await;
    // (API sign-ins are counted by the login throttle too: 20 a minute from one address, and the
    // journey signs in often; each token is made once and kept)
    let mut reviewers = Vec::new();
    for who in ["reviewer", "reviewer2", "reviewer3"] {
        let token = api_login(&base, &format!("{who}@demo.gureum.kr"), PW).await;
        let id = api(&base, reqwest::Method::GET, "/api/v1/me", Some(&token), None).await.1["id"].as_str().expect("id").to_owned();
        reviewers.push((token, id));
    }
    let (r1, r2, r3) = (reviewers[0].1.clone(), reviewers[1].1.clone(), reviewers[2].1.clone());
    check(&b, &r1, true).await;
    check(&b, &r3, true).await;
    b.submit(&format!("form[action='/operator/applications/{application}/assign'] button[type='submit']")).await;
    let text = b.body_text().await;
    assert!(text.contains("이해") || text.contains("conflict"), "the tied reviewer is refused: {text}");
    accessible(&b, "assignment refused").await;
    check(&b, &r3, false).await;
    check(&b, &r1, true).await;
    check(&b, &r2, true).await;
    b.submit(&format!("form[action='/operator/applications/{application}/assign'] button[type='submit']")).await;
    logout(&b).await;

    // 5. Both reviewers vote through the form: every criterion passes.
    for who in ["reviewer", "reviewer2"] {
        login(&b, &base, &format!("{who}@demo.gureum.kr"), PW).await;
        b.goto(&format!("{base}/reviewer/applications")).await;
        accessible(&b, "assigned applications").await;
        b.goto(&format!("{base}/reviewer/applications/{application}")).await;
        accessible(&b, "vote form").await;
        for c in ["business_soundness", "debarment", "security", "operational_stability", "support_structure"] {
            b.set(&format!("input[name='{c}'][value='pass']"), "pass").await;
        }
        b.fill("textarea[name='innovativeness']", "브라우저로 남긴 혁신성 의견").await;
        b.submit(&format!("form[action='/reviewer/applications/{application}/vote'] button[type='submit']")).await;
        logout(&b).await;
    }

    // 6. The operator closes the round; a visitor finds the service with its selection dates.
    login(&b, &base, "operator@demo.gureum.kr", PW).await;
    b.goto(&format!("{base}/operator/rounds/{round}")).await;
    accessible(&b, "round").await;
    b.submit(&format!("form[action='/operator/rounds/{round}/close'] button")).await;
    logout(&b).await;
    b.goto(&format!("{base}/services?q=%EB%B8%8C%EB%9D%BC%EC%9A%B0%EC%A0%80%EA%B2%80%EC%A6%9D")).await;
    let hits = b.body_text().await;
    assert!(hits.contains("브라우저 검증 전자결재"), "a visitor finds the selected service: {hits}");
    b.goto(&format!("{base}/services/{id}")).await;
    let page = b.body_text().await;
    assert!(
        page.contains("브라우저 검증 차수") && page.contains("2029-11-22"),
        "the round and the selection's end on the service page: {page}"
    );
    accessible(&b, "selected service").await;

    // 7. A second service is not selected: the supplier reads the failing criterion and its
    //    comment on its application, and the e-mail names the criterion.
    let park = api_login(&base, "park@browsercloud.kr", "브라우저-비밀번호-2026").await;
    let second = not_selected(&base, &park, &operator, [(&reviewers[0].0, &r1), (&reviewers[1].0, &r2)], &pdf).await;
    login(&b, &base, "park@browsercloud.kr", "브라우저-비밀번호-2026").await;
    b.goto(&format!("{base}/supplier/applications/{second}")).await;
    let text = b.body_text().await;
    assert!(text.contains("보안성") && text.contains("이중화 구성이 확인되지 않습니다"), "the reasons: {text}");
    accessible(&b, "not selected").await;
    logout(&b).await;
    let mail = sink
        .wait_for(|m| m.to.iter().any(|t| t.contains("park@browsercloud.kr")) && m.body.contains("보안성"), Duration::from_secs(30))
        .await;
    assert!(mail.is_some(), "the decision and the failing criterion reached the supplier by e-mail");

    // 6. Five wrong passwords lock an account.
    for _ in 0..5 {
        login(&b, &base, "pps@demo.gureum.kr", "not-the-password").await;
    }
    login(&b, &base, "pps@demo.gureum.kr", PW).await;
    let text = b.body_text().await;
    assert!(text.contains("잠겨") || text.contains("잠겼"), "locked after five failures: {text}");
    accessible(&b, "login error").await;

    // 9. A forgotten password is reset through the e-mailed link.
    b.goto(&format!("{base}/account/reset-request")).await;
    accessible(&b, "reset request").await;
    b.fill("input[name='email']", "sme@demo.gureum.kr").await;
    b.submit("form[action='/account/reset-request'] button").await;
    // (the demo's voucher notices also go to the SME: the reset mail is the one with the link)
    let mail = sink
        .wait_for(
            |m| m.to.iter().any(|t| t.contains("sme@demo.gureum.kr")) && m.body.contains("/account/reset?token="),
            Duration::from_secs(30),
        )
        .await
        .expect("reset mail");
    let link = mail.body.split_whitespace().find(|w| w.contains("/account/reset?token=")).expect("a link").to_owned();
    b.goto(&link).await;
    accessible(&b, "set password").await;
    b.fill("input[name='password']", "재설정된-비밀번호-2026").await;
    if !b.find_all("input[name='password_confirm']").await.is_empty() {
        b.fill("input[name='password_confirm']", "재설정된-비밀번호-2026").await;
    }
    b.submit("main form button[type='submit']").await;
    login(&b, &base, "sme@demo.gureum.kr", "재설정된-비밀번호-2026").await;
    assert!(b.source().await.contains("action=\"/logout\""), "signed in with the new password");
    // the link works once: a second visit is refused (at once, or when the form is sent)
    b.goto(&link).await;
    if !b.find_all("input[name='password']").await.is_empty() {
        b.fill("input[name='password']", "또-다른-비밀번호-2026").await;
        if !b.find_all("input[name='password_confirm']").await.is_empty() {
            b.fill("input[name='password_confirm']", "또-다른-비밀번호-2026").await;
        }
        b.submit("main form button[type='submit']").await;
    }
    let t = b.body_text().await;
    assert!(t.contains("만료") || t.contains("이미"), "a used link is refused: {t}");
    accessible(&b, "used link").await;
    b.quit().await;
}

//! The people's journeys in real Chromium against the real binary (`serve --demo` with a real
//! SMTP sink): a supplier signs up, is approved, creates and submits a service with a document,
//! the operator lists it and a visitor finds it; a rejection reaches the supplier by e-mail; five
//! wrong passwords lock an account; a forgotten password is reset through the e-mailed link.

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

    // 3. The supplier creates a service, attaches its service definition and submits it.
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
    b.goto(&format!("{base}/supplier/services/{id}/documents")).await;
    accessible(&b, "documents").await;
    b.set("select[name='doc_type']", "service_definition").await;
    let f = b.find("input[name='file']").await;
    b.send_file(&f, &pdf).await;
    b.submit("form[action$='/documents'] button[type='submit']").await;
    b.goto(&format!("{base}/supplier/services")).await;
    accessible(&b, "my services").await;
    b.submit(&format!("form[action='/supplier/services/{id}/submit'] button")).await;
    logout(&b).await;

    // 4. The operator lists it; a visitor finds it by search at once.
    login(&b, &base, "operator@demo.gureum.kr", PW).await;
    b.goto(&format!("{base}/operator/services")).await;
    accessible(&b, "operator queue").await;
    b.goto(&format!("{base}/operator/services/{id}")).await;
    accessible(&b, "operator review").await;
    b.submit(&format!("form[action='/operator/services/{id}/list'] button")).await;
    logout(&b).await;
    b.goto(&format!("{base}/services?q=%EB%B8%8C%EB%9D%BC%EC%9A%B0%EC%A0%80%EA%B2%80%EC%A6%9D")).await;
    let hits = b.body_text().await;
    assert!(hits.contains("브라우저 검증 전자결재"), "a visitor finds the listed service: {hits}");

    // 5. A rejection with a reason reaches the supplier by e-mail.
    login(&b, &base, "park@browsercloud.kr", "브라우저-비밀번호-2026").await;
    b.goto(&format!("{base}/supplier/services/new")).await;
    b.fill("input[name='name']", "반려될 서비스").await;
    b.set("select[name='kind']", "saas").await;
    b.fill("input[name='category']", "그룹웨어").await;
    b.fill("textarea[name='summary'], input[name='summary']", "반려 확인용").await;
    b.submit("form.listing-form button[type='submit'], form[action*='/supplier/services'] button[type='submit']").await;
    let second = service_id_in(&b.current_url().await);
    b.goto(&format!("{base}/supplier/services")).await;
    b.submit(&format!("form[action='/supplier/services/{second}/submit'] button")).await;
    logout(&b).await;
    login(&b, &base, "operator@demo.gureum.kr", PW).await;
    b.goto(&format!("{base}/operator/services/{second}")).await;
    b.fill(&format!("form[action='/operator/services/{second}/reject'] textarea, form[action='/operator/services/{second}/reject'] input[name='reason']"), "보안인증서 사본이 없습니다").await;
    b.submit(&format!("form[action='/operator/services/{second}/reject'] button")).await;
    logout(&b).await;
    let mail = sink
        .wait_for(
            |m| m.to.iter().any(|t| t.contains("park@browsercloud.kr")) && m.body.contains("보안인증서 사본이 없습니다"),
            Duration::from_secs(30),
        )
        .await;
    assert!(mail.is_some(), "the rejection and its reason reached the supplier by e-mail");

    // 6. Five wrong passwords lock an account.
    for _ in 0..5 {
        login(&b, &base, "pps@demo.gureum.kr", "not-the-password").await;
    }
    login(&b, &base, "pps@demo.gureum.kr", PW).await;
    let text = b.body_text().await;
    assert!(text.contains("잠겨") || text.contains("잠겼"), "locked after five failures: {text}");
    accessible(&b, "login error").await;

    // 7. A forgotten password is reset through the e-mailed link.
    b.goto(&format!("{base}/account/reset-request")).await;
    accessible(&b, "reset request").await;
    b.fill("input[name='email']", "sme@demo.gureum.kr").await;
    b.submit("form[action='/account/reset-request'] button").await;
    let mail = sink.wait_for(|m| m.to.iter().any(|t| t.contains("sme@demo.gureum.kr")), Duration::from_secs(30)).await.expect("reset mail");
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

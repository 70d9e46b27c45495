//! The account pages through the real router, as a browser without JavaScript uses them: a
//! cookie jar kept by hand, forms posted with their CSRF field, multipart sign-up with a file.
//! Runs on the engine the run asks for (`GUREUM_TEST_DATABASE=sqlite|postgres`). The last test
//! drives real Chromium over the signed-in pages with axe-core, when a browser is installed.

mod common;
#[path = "support/webdriver.rs"]
mod webdriver;

use axum::http::{HeaderMap, Method, Request, header};
use common::{TestApp, spawn_app};
use gureum_domain::BusinessNumber;
use gureum_domain::account::OrgKind;
use gureum_storage::OrgStatus;
use std::collections::BTreeMap;
use tower::ServiceExt;

const PASSWORD: &str = "gureum-demo";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89";

/// `application/x-www-form-urlencoded` encoding of one value.
fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn email(role: &str) -> String {
    format!("{role}@demo.gureum.kr")
}

struct Resp {
    status: u16,
    headers: HeaderMap,
    body: String,
}

impl Resp {
    fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// The value of a hidden field of the page, e.g. `_csrf` or `token`.
    fn hidden(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\" value=\"");
        let i = self.body.find(&marker)? + marker.len();
        Some(self.body[i..].split('"').next().unwrap_or_default().to_owned())
    }
}

/// A browser without JavaScript: a cookie jar, GETs and form POSTs through the router.
struct Client<'a> {
    app: &'a TestApp,
    jar: BTreeMap<String, String>,
}

impl<'a> Client<'a> {
    fn new(app: &'a TestApp) -> Self {
        Self { app, jar: BTreeMap::new() }
    }

    fn cookie(&self, name: &str) -> Option<&String> {
        self.jar.get(name)
    }

    async fn send(&mut self, method: Method, uri: &str, content_type: Option<String>, body: Vec<u8>) -> Resp {
        let mut req = Request::builder().method(method).uri(uri);
        if !self.jar.is_empty() {
            let c = self.jar.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
            req = req.header(header::COOKIE, c);
        }
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        let resp = self.app.router.clone().oneshot(req.body(axum::body::Body::from(body)).expect("request")).await.expect("response");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        for set in headers.get_all(header::SET_COOKIE) {
            let set = set.to_str().expect("cookie");
            let (kv, attrs) = set.split_once(';').unwrap_or((set, ""));
            let (k, v) = kv.split_once('=').expect("name=value");
            if attrs.contains("Max-Age=0") || v.is_empty() {
                self.jar.remove(k);
            } else {
                self.jar.insert(k.to_owned(), v.to_owned());
            }
        }
        let bytes = axum::body::to_bytes(resp.into_body(), 64 << 20).await.expect("body");
        Resp { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    async fn get(&mut self, uri: &str) -> Resp {
        self.send(Method::GET, uri, None, Vec::new()).await
    }

    async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Resp {
        let body = fields.iter().map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v))).collect::<Vec<_>>().join("&");
        self.send(Method::POST, uri, Some("application/x-www-form-urlencoded".into()), body.into_bytes()).await
    }

    /// Posts a form with the CSRF field the page's cookie holds, as the page's form would.
    async fn submit(&mut self, uri: &str, fields: &[(&str, &str)]) -> Resp {
        let csrf = self.cookie("gureum_csrf").cloned().expect("a CSRF cookie: open a page with the form first");
        let mut all: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post(uri, &all).await
    }

    async fn multipart(&mut self, uri: &str, fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> Resp {
        let boundary = "----gureum-test-boundary-7d1f";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
        }
        if let Some((filename, media, bytes)) = file {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"certificate\"; filename=\"{filename}\"\r\nContent-Type: {media}\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.send(Method::POST, uri, Some(format!("multipart/form-data; boundary={boundary}")), body).await
    }

    async fn login(&mut self, email: &str, password: &str) -> Resp {
        let page = self.get("/login").await;
        assert_eq!(page.status, 200, "{}", page.body);
        self.submit("/login", &[("email", email), ("password", password)]).await
    }
}

async fn demo_app(services: u64) -> TestApp {
    let app = spawn_app(services).await;
    gureum::demo::seed_demo_accounts(&app.db).await.expect("demo accounts");
    app
}

fn bizno(n: u32) -> BusinessNumber {
    BusinessNumber::from_first9([2, 1, 0, 8, 6, 0, 0, n / 10 % 10, n % 10])
}

fn signup_fields<'a>(kind: &'a str, bn: &'a str, company: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("kind", kind),
        ("business_number", bn),
        ("company_name", company),
        ("size", "small"),
        ("representative", "김대표"),
        ("address", "서울특별시 중구 세종대로 110"),
        ("name", "김담당"),
        ("email", email),
        ("phone", "010-1234-5678"),
        ("password", "correct-horse-1"),
        ("privacy_consent", "true"),
    ]
}

#[tokio::test]
async fn login_sets_a_session_the_pages_show_and_logout_ends_it() {
    let app = demo_app(20).await;
    let mut c = Client::new(&app);

    // A visitor is sent to the login page with a way back.
    let r = c.get("/account/people").await;
    assert_eq!((r.status, r.location()), (303, "/login?next=%2Faccount%2Fpeople"));

    let page = c.get("/login?next=%2Faccount%2Fpeople").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("회원가입") && page.body.contains("href=\"/privacy\""), "header links and privacy policy");
    let csrf = page.hidden("_csrf").expect("the form carries the CSRF field");
    assert_eq!(Some(&csrf), c.cookie("gureum_csrf"), "double submit: field = cookie");
    assert_eq!(page.hidden("next").as_deref(), Some("/account/people"));

    let r = c.submit("/login", &[("email", &email("supplier")), ("password", PASSWORD), ("next", "/account/people")]).await;
    assert_eq!((r.status, r.location()), (303, "/account/people"), "{}", r.body);
    let set: Vec<&str> = r.headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).collect();
    assert!(set.iter().any(|s| s.starts_with("gureum_session=gst_") && s.contains("HttpOnly") && s.contains("Max-Age=1800")), "{set:?}");
    assert!(c.cookie("gureum_session").is_some());

    let me = c.get("/account").await;
    assert_eq!(me.status, 200, "{}", me.body);
    assert!(me.body.contains("데모 제공기업 담당자"), "my name");
    assert!(me.body.contains("supplier@demo.gureum.kr"));
    assert!(me.body.contains("로그아웃") && me.body.contains("action=\"/logout\""), "logout button");
    assert!(me.body.contains("href=\"/supplier/services\""), "a supplier's desk link");
    assert!(!me.body.contains("href=\"/operator\""));
    assert_eq!(me.body.matches("<h1").count(), 1);

    // Only local addresses are followed after login.
    let mut c2 = Client::new(&app);
    c2.get("/login").await;
    let r = c2.submit("/login", &[("email", &email("buyer")), ("password", PASSWORD), ("next", "https://evil.example/")]).await;
    assert_eq!((r.status, r.location()), (303, "/account"));
    let r = c2.get("/account").await;
    assert!(r.body.contains("데모 수요기관 담당자"));

    // Logout: a POST with the CSRF field; then the pages need a login again.
    let r = c.submit("/logout", &[]).await;
    assert_eq!((r.status, r.location()), (303, "/login?done=logged_out"));
    assert!(c.cookie("gureum_session").is_none(), "cookie cleared");
    let r = c.get("/account").await;
    assert_eq!((r.status, r.location()), (303, "/login?next=%2Faccount"));
    let r = c.get("/login?done=logged_out").await;
    assert!(r.body.contains("로그아웃했습니다"));
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused_and_changes_nothing() {
    let app = demo_app(20).await;
    let mut c = Client::new(&app);
    c.get("/login").await;

    // Login without the field: 403, no session.
    let r = c.post("/login", &[("email", &email("supplier")), ("password", PASSWORD)]).await;
    assert_eq!(r.status, 403);
    assert!(r.body.contains("csrf_failed"), "{}", r.body);
    assert!(c.cookie("gureum_session").is_none());
    // With a wrong value: the same.
    let r = c.post("/login", &[("_csrf", "0123456789abcdef0123456789abcdef"), ("email", &email("supplier")), ("password", PASSWORD)]).await;
    assert_eq!(r.status, 403);

    assert_eq!(c.login(&email("supplier"), PASSWORD).await.status, 303);
    let org = app.db.user_by_email(&email("supplier")).await.expect("db").expect("user").org_id;
    let r = c.post("/account/tokens", &[("name", "usage reporter")]).await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("csrf_failed"));
    assert!(app.db.api_tokens_of(&org).await.expect("tokens").is_empty(), "nothing stored");
    let r = c.post("/account/people", &[("email", "new.person@example.kr"), ("name", "새 직원"), ("roles", "supplier")]).await;
    assert_eq!(r.status, 403);
    assert!(app.db.user_by_email("new.person@example.kr").await.expect("db").is_none());

    // A multipart sign-up without the field: nothing stored either.
    let bn = bizno(1);
    let mut fields = signup_fields("supplier", bn.digits(), "토큰없는상사", "no.csrf@example.kr");
    fields.retain(|(k, _)| *k != "_csrf");
    let r = c.multipart("/signup", &fields, Some(("cert.pdf", "application/pdf", PDF))).await;
    assert_eq!(r.status, 403);
    assert!(app.db.organisation_by_bizno(OrgKind::Supplier, bn.digits()).await.expect("db").is_none());
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account() {
    let app = demo_app(0).await;
    let mut c = Client::new(&app);
    for i in 1..=5 {
        let r = c.login(&email("auditor"), "wrong-password").await;
        assert_eq!(r.status, 401, "attempt {i}");
        assert!(r.body.contains("invalid_credentials") && r.body.contains("이메일 또는 비밀번호가 올바르지 않습니다"));
        assert!(r.body.contains("value=\"auditor@demo.gureum.kr\""), "the e-mail is kept");
        assert!(r.body.contains("aria-describedby=\"email-error\""), "the error is tied to its field");
    }
    let r = c.login(&email("auditor"), PASSWORD).await;
    assert_eq!(r.status, 401);
    assert!(r.body.contains("account_locked") && r.body.contains("15분"), "{}", r.body);
    assert!(c.cookie("gureum_session").is_none());
    // An unknown e-mail gets the same answer as a wrong password.
    let r = c.login("nobody@example.kr", PASSWORD).await;
    assert_eq!(r.status, 401);
    assert!(r.body.contains("invalid_credentials"));
}

#[tokio::test]
async fn signup_with_a_certificate_waits_for_the_operator_who_approves_it() {
    let app = demo_app(20).await;
    let mut c = Client::new(&app);
    let form = c.get("/signup").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("enctype=\"multipart/form-data\"") && form.body.contains("개인정보 수집·이용 동의"));
    let csrf = form.hidden("_csrf").expect("csrf");

    // A PDF certificate: the company waits for approval.
    let bn = bizno(11);
    let mut fields = signup_fields("supplier", bn.digits(), "구름테스트 주식회사", "kim@cloudtest.co.kr");
    fields.push(("_csrf", &csrf));
    let r = c.multipart("/signup", &fields, Some(("사업자등록증.pdf", "application/pdf", PDF))).await;
    assert_eq!((r.status, r.location()), (303, "/signup/done"), "{}", r.body);
    let org = app.db.organisation_by_bizno(OrgKind::Supplier, bn.digits()).await.expect("db").expect("org");
    assert_eq!(org.status, OrgStatus::Pending);
    let doc = org.registration_doc.clone().expect("certificate stored");
    assert!(c.get("/signup/done").await.body.contains("승인을 기다리는 중"));

    // The applicant can log in and sees that it waits.
    let mut applicant = Client::new(&app);
    assert_eq!(applicant.login("kim@cloudtest.co.kr", "correct-horse-1").await.status, 303);
    let r = applicant.get("/account").await;
    assert!(r.body.contains("승인 대기 중"), "{}", r.body);
    assert_eq!(applicant.get("/account/tokens").await.status, 403, "no admin pages before approval");

    // A PNG named .pdf is judged by its content: fine.
    let bn2 = bizno(12);
    let mut fields = signup_fields("sme", bn2.digits(), "구름바우처상회", "lee@voucher.co.kr");
    fields.push(("_csrf", &csrf));
    let r = c.multipart("/signup", &fields, Some(("scan.pdf", "application/pdf", PNG))).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(app.db.organisation_by_bizno(OrgKind::Sme, bn2.digits()).await.expect("db").is_some());

    // A text file named .pdf is not.
    let bn3 = bizno(13);
    let mut fields = signup_fields("supplier", bn3.digits(), "가짜문서 주식회사", "park@fake.co.kr");
    fields.push(("_csrf", &csrf));
    let r = c.multipart("/signup", &fields, Some(("cert.pdf", "application/pdf", b"just some text, not a PDF"))).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("invalid_file_type") && r.body.contains("href=\"#certificate\""), "{}", r.body);
    assert!(r.body.contains("value=\"가짜문서 주식회사\""), "entered values are kept");
    assert!(!r.body.contains("correct-horse-1"), "never the password");
    assert!(app.db.organisation_by_bizno(OrgKind::Supplier, bn3.digits()).await.expect("db").is_none());

    // A wrong check digit and a missing consent are told on their fields.
    let digits = bizno(14).digits().to_owned();
    let wrong = format!("{}{}", &digits[..9], (digits.as_bytes()[9] - b'0' + 1) % 10);
    let mut fields = signup_fields("supplier", &wrong, "체크디짓", "check@digit.co.kr");
    fields.push(("_csrf", &csrf));
    let r = c.multipart("/signup", &fields, Some(("c.pdf", "application/pdf", PDF))).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("invalid_business_number") && r.body.contains("id=\"business_number-error\""));
    let mut fields = signup_fields("supplier", bn3.digits(), "동의없음", "consent@none.co.kr");
    fields.retain(|(k, _)| *k != "privacy_consent");
    fields.push(("_csrf", &csrf));
    let r = c.multipart("/signup", &fields, Some(("c.pdf", "application/pdf", PDF))).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("consent_required"));

    // The same company again: 409.
    let mut fields = signup_fields("supplier", bn.digits(), "구름테스트 주식회사", "other@cloudtest.co.kr");
    fields.push(("_csrf", &csrf));
    let r = c.multipart("/signup", &fields, Some(("c.pdf", "application/pdf", PDF))).await;
    assert_eq!(r.status, 409);
    assert!(r.body.contains("company_exists"));

    // Only the operator decides; a buyer gets 403, a visitor the login page.
    let mut buyer = Client::new(&app);
    buyer.login(&email("buyer"), PASSWORD).await;
    assert_eq!(buyer.get("/operator/organisations").await.status, 403);
    assert_eq!(buyer.get(&format!("/operator/documents/{doc}")).await.status, 403);
    assert_eq!(Client::new(&app).get("/operator/organisations").await.status, 303);

    let mut op = Client::new(&app);
    assert_eq!(op.login(&email("operator"), PASSWORD).await.status, 303);
    let list = op.get("/operator/organisations").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("구름테스트 주식회사") && list.body.contains(&format!("/operator/documents/{doc}")));
    assert!(list.body.contains("kim@cloudtest.co.kr"), "the operator sees the applicant's contact");
    let file = op.get(&format!("/operator/documents/{doc}")).await;
    assert_eq!(file.status, 200);
    assert_eq!(file.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()), Some("application/pdf"));
    assert!(file.body.starts_with("%PDF-1.4"));

    // Rejecting needs a reason.
    let r = op.submit(&format!("/operator/organisations/{}/reject", org.id), &[("reason", ""), ("back", "/operator/organisations")]).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("reason_required"));
    let r = op.submit(&format!("/operator/organisations/{}/approve", org.id), &[("back", "/operator/organisations")]).await;
    assert_eq!((r.status, r.location()), (303, "/operator/organisations?done=approved"), "{}", r.body);
    let org = app.db.organisation(&org.id).await.expect("db").expect("org");
    assert_eq!(org.status, OrgStatus::Approved);
    let r = op.submit(&format!("/operator/organisations/{}/approve", org.id), &[]).await;
    assert_eq!(r.status, 409, "decided once");

    // Approved: the applicant's admin pages open, and a notification tells it.
    let r = applicant.get("/account").await;
    assert!(r.body.contains("가입이 승인되었습니다"), "{}", r.body);
    assert_eq!(applicant.get("/account/tokens").await.status, 200);
}

#[tokio::test]
async fn reset_and_invitation_links_set_passwords_once() {
    let app = demo_app(20).await;

    // Reset: always the same answer; the link works once.
    let mut c = Client::new(&app);
    c.get("/account/reset-request").await;
    let known = c.submit("/account/reset-request", &[("email", &email("buyer"))]).await;
    let unknown = c.submit("/account/reset-request", &[("email", "nobody@example.kr")]).await;
    assert_eq!((known.status, unknown.status), (200, 200));
    assert!(known.body.contains("가입된 계정이 있으면") && unknown.body.contains("가입된 계정이 있으면"));
    let mail = app.db.outbox_to(&email("buyer")).await.expect("outbox").pop().expect("a reset mail");
    let link = mail.body.split_whitespace().find(|w| w.contains("/account/reset?token=")).expect("link").to_owned();
    let path = link.trim_start_matches("http://gureum.test");
    let form = c.get(path).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert_eq!(form.headers.get("referrer-policy").and_then(|v| v.to_str().ok()), Some("no-referrer"));
    let token = form.hidden("token").expect("token");
    let r = c.submit("/account/reset", &[("token", &token), ("password", "short"), ("password_confirm", "short")]).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("weak_password"));
    let r = c.submit("/account/reset", &[("token", &token), ("password", "new-password-1"), ("password_confirm", "new-password-2")]).await;
    assert!(r.status == 400 && r.body.contains("password_mismatch"));
    let r = c.submit("/account/reset", &[("token", &token), ("password", "new-password-1"), ("password_confirm", "new-password-1")]).await;
    assert_eq!((r.status, r.location()), (303, "/login?done=reset"));
    let again = c.get(path).await;
    assert_eq!(again.status, 400);
    assert!(again.body.contains("invalid_link") && again.body.contains("/account/reset-request"));
    assert_eq!(Client::new(&app).login(&email("buyer"), "new-password-1").await.status, 303);
    assert_eq!(Client::new(&app).login(&email("buyer"), PASSWORD).await.status, 401);

    // Invitation by an organisation's admin, with roles limited to its kind.
    let mut admin = Client::new(&app);
    admin.login(&email("signatory"), PASSWORD).await;
    let people = admin.get("/account/people").await;
    assert_eq!(people.status, 200, "{}", people.body);
    assert!(people.body.contains("value=\"buyer\"") && people.body.contains("value=\"budget_officer\""));
    assert!(!people.body.contains("value=\"operator\""), "only the agency's roles");
    let r = admin.submit("/account/people", &[("email", "new.buyer@agency.go.kr"), ("name", "신규 담당자"), ("roles", "operator")]).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("invalid_roles") && r.body.contains("value=\"new.buyer@agency.go.kr\""));
    let r = admin.submit("/account/people", &[("email", "new.buyer@agency.go.kr"), ("name", "신규 담당자"), ("roles", "buyer")]).await;
    assert_eq!((r.status, r.location()), (303, "/account/people?done=invited"), "{}", r.body);
    let mail = app.db.outbox_to("new.buyer@agency.go.kr").await.expect("outbox").pop().expect("an invitation");
    let link = mail.body.split_whitespace().find(|w| w.contains("/account/accept?token=")).expect("link").to_owned();
    let mut invited = Client::new(&app);
    let form = invited.get(link.trim_start_matches("http://gureum.test")).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("new.buyer@agency.go.kr"));
    let token = form.hidden("token").expect("token");
    let r = invited
        .submit("/account/accept", &[("token", &token), ("password", "welcome-aboard"), ("password_confirm", "welcome-aboard")])
        .await;
    assert_eq!((r.status, r.location()), (303, "/login?done=accepted"));
    assert_eq!(invited.login("new.buyer@agency.go.kr", "welcome-aboard").await.status, 303);
    assert!(invited.get("/account").await.body.contains("신규 담당자"));
    // A non-admin may not open the people page.
    assert_eq!(invited.get("/account/people").await.status, 403);
}

#[tokio::test]
async fn tokens_are_shown_once_listed_and_revoked_within_their_organisation() {
    let app = demo_app(20).await;
    let mut c = Client::new(&app);
    c.login(&email("supplier"), PASSWORD).await;
    assert_eq!(c.get("/account/tokens").await.status, 200);
    let r = c.submit("/account/tokens", &[("name", "사용량 보고 서버")]).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()), Some("no-store"));
    let secret = r
        .body
        .split("id=\"secret\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .filter(|s| s.starts_with("gat_"))
        .expect("secret")
        .to_owned();
    assert!(r.body.contains("한 번만"));
    let list = c.get("/account/tokens").await;
    assert!(list.body.contains("사용량 보고 서버") && !list.body.contains(&secret), "listed, never shown again");
    // The token works for the API.
    let req = Request::builder()
        .uri("/api/v1/me")
        .header(header::AUTHORIZATION, format!("Bearer {secret}"))
        .body(axum::body::Body::empty())
        .expect("req");
    let resp = app.router.clone().oneshot(req).await.expect("resp");
    assert_ne!(resp.status().as_u16(), 401);

    // Another supplier cannot revoke it: 404.
    let org = app.db.user_by_email(&email("supplier")).await.expect("db").expect("user").org_id;
    let id = app.db.api_tokens_of(&org).await.expect("tokens")[0].id.clone();
    let mut other = Client::new(&app);
    other.login(&email("supplier2"), PASSWORD).await;
    other.get("/account/tokens").await;
    assert_eq!(other.submit(&format!("/account/tokens/{id}/revoke"), &[]).await.status, 404);
    let r = c.submit(&format!("/account/tokens/{id}/revoke"), &[]).await;
    assert_eq!((r.status, r.location()), (303, "/account/tokens?done=revoked"));
    assert!(app.db.api_tokens_of(&org).await.expect("tokens")[0].revoked_at.is_some());
}

#[tokio::test]
async fn a_size_change_feeds_every_service_of_the_supplier_to_the_index() {
    let app = demo_app(30).await;
    let mut c = Client::new(&app);
    c.login(&email("supplier"), PASSWORD).await;
    let form = c.get("/account/company").await;
    assert_eq!(form.status, 200, "{}", form.body);
    let user = app.db.user_by_email(&email("supplier")).await.expect("db").expect("user");
    let org = app.db.organisation(&user.org_id).await.expect("db").expect("org");
    let sid = org.supplier_id.clone().expect("a catalog supplier");
    let before = app.db.supplier(&sid).await.expect("db").expect("supplier");
    let services = app.db.supplier_services(&sid, &gureum_domain::ServiceStatus::ALL).await.expect("services").len();
    assert!(services > 0);
    let new_size = if before.size.is_sme() { "large" } else { "small" };
    let seq = app.db.max_change_seq().await.expect("seq");
    let r = c
        .submit(
            "/account/company",
            &[("size", new_size), ("representative", "새대표"), ("address", "세종"), ("phone", "bad phone"), ("contact_email", "")],
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("invalid_phone") && r.body.contains("value=\"새대표\""));
    let r = c
        .submit(
            "/account/company",
            &[
                ("size", new_size),
                ("representative", "새대표"),
                ("address", "세종"),
                ("phone", "044-123-4567"),
                ("contact_email", "sales@demo.gureum.kr"),
            ],
        )
        .await;
    assert_eq!((r.status, r.location()), (303, "/account/company?done=saved"), "{}", r.body);
    let after = app.db.supplier(&sid).await.expect("db").expect("supplier");
    assert_eq!((after.size.as_str(), after.representative.as_deref()), (new_size, Some("새대표")));
    assert_eq!(app.db.max_change_seq().await.expect("seq") - seq, services as i64, "one change-feed row per service");
    let org = app.db.organisation(&org.id).await.expect("db").expect("org");
    assert_eq!(org.phone.as_deref(), Some("044-123-4567"));
    // A buyer has no company profile here.
    let mut buyer = Client::new(&app);
    buyer.login(&email("signatory"), PASSWORD).await;
    assert_eq!(buyer.get("/account/company").await.status, 403);
}

/// The operator rebuilds the search index from the desk: a new generation is built beside the
/// live one and swapped in, searches keep answering, the action is in the audit log; an auditor
/// sees the index's state without the button; a second rebuild while one runs is refused.
#[tokio::test]
async fn the_operator_rebuilds_the_search_index_from_the_desk() {
    let app = demo_app(40).await;
    let before = app.state.sync().generation();
    let listed = app.get("/api/v1/services?per_page=1").await.1["total"].as_u64().expect("total");
    assert!(listed > 0);

    let mut auditor = Client::new(&app);
    assert_eq!(auditor.login(&email("auditor"), PASSWORD).await.status, 303);
    let hub = auditor.get("/operator").await;
    assert_eq!(hub.status, 200);
    assert!(hub.body.contains("검색 색인") && hub.body.contains(&before), "the auditor reads the index state");
    assert!(!hub.body.contains("/operator/search-index/rebuild"), "but has no rebuild button");
    let r = auditor.submit("/operator/search-index/rebuild", &[]).await;
    assert_eq!(r.status, 403, "{}", r.body);

    let mut op = Client::new(&app);
    assert_eq!(op.login(&email("operator"), PASSWORD).await.status, 303);
    let hub = op.get("/operator").await;
    assert!(hub.body.contains("action=\"/operator/search-index/rebuild\""), "the operator has the button");
    let r = op.post("/operator/search-index/rebuild", &[]).await;
    assert_eq!(r.status, 403, "no CSRF field, no rebuild: {}", r.body);
    let r = op.submit("/operator/search-index/rebuild", &[]).await;
    assert_eq!((r.status, r.location()), (303, "/operator?done=rebuilding"), "{}", r.body);
    // The spawned rebuild has not run yet (this test's runtime has one thread): a second one is refused.
    assert!(app.state.sync().is_rebuilding());
    let r = op.submit("/operator/search-index/rebuild", &[]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("rebuild_running"));

    // Searches answer in full while the rebuild runs and after the swap.
    let mut swapped = false;
    for _ in 0..600 {
        let (status, page) = app.get("/api/v1/services?per_page=1").await;
        assert_eq!((status, page["total"].as_u64()), (200, Some(listed)));
        if !app.state.sync().is_rebuilding() {
            swapped = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(swapped, "the rebuild finished within 12 s");
    let after = app.state.sync().generation();
    assert_ne!(before, after, "a new generation is live");
    assert_eq!(app.get("/api/v1/services?per_page=1").await.1["total"].as_u64(), Some(listed));
    let hub = op.get("/operator").await;
    assert!(hub.body.contains(&after) && hub.body.contains("최신 상태 유지 중"), "{}", hub.body);
    let events = app.db.audit_events(&gureum_storage::AuditFilter::default(), 0, 100).await.expect("audit");
    assert!(events.iter().any(|e| e.event().action == "search.rebuild" && e.event().entity_id == before), "the rebuild is audited");
}

#[tokio::test]
async fn the_operator_locks_and_unlocks_people_and_creates_organisations() {
    let app = demo_app(0).await;
    let mut op = Client::new(&app);
    op.login(&email("operator"), PASSWORD).await;
    let hub = op.get("/operator").await;
    assert!(hub.status == 200 && hub.body.contains("/operator/organisations") && hub.body.contains("/operator/users"));
    let users = op.get("/operator/users?q=buyer").await;
    assert_eq!(users.status, 200);
    assert!(users.body.contains("buyer@demo.gureum.kr") && users.body.contains("010-6000-2003"), "the operator sees contacts");
    let buyer = app.db.user_by_email(&email("buyer")).await.expect("db").expect("user");
    let mut b = Client::new(&app);
    assert_eq!(b.login(&email("buyer"), PASSWORD).await.status, 303);
    let r = op.submit(&format!("/operator/users/{}/lock", buyer.id), &[("back", "/operator/users?q=buyer")]).await;
    assert_eq!((r.status, r.location()), (303, "/operator/users?q=buyer&done=locked"));
    assert_eq!(b.get("/account").await.status, 303, "the session ended");
    assert_eq!(Client::new(&app).login(&email("buyer"), PASSWORD).await.status, 401);
    let r = op.submit(&format!("/operator/users/{}/unlock", buyer.id), &[]).await;
    assert_eq!(r.status, 303);
    assert_eq!(Client::new(&app).login(&email("buyer"), PASSWORD).await.status, 303);
    // Not oneself.
    let me = app.db.user_by_email(&email("operator")).await.expect("db").expect("user");
    assert_eq!(op.submit(&format!("/operator/users/{}/lock", me.id), &[]).await.status, 400);

    // The auditor reads the desk without its forms; a supplier may not.
    let mut aud = Client::new(&app);
    aud.login(&email("auditor"), PASSWORD).await;
    let r = aud.get("/operator/users").await;
    assert!(r.status == 200 && !r.body.contains("/lock\""));
    aud.get("/operator").await;
    assert_eq!(aud.submit(&format!("/operator/users/{}/lock", buyer.id), &[]).await.status, 403);
    let mut sup = Client::new(&app);
    sup.login(&email("supplier"), PASSWORD).await;
    assert_eq!(sup.get("/operator/users").await.status, 403);

    // A new agency, then its first admin.
    let r = op.submit("/operator/organisations", &[("kind", "agency"), ("name", "세종특별자치시청"), ("business_number", "")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = op.get(r.location()).await;
    assert!(page.body.contains("세종특별자치시청") && page.body.contains("기관을 만들었습니다"));
    let id = r.location().trim_start_matches("/operator/organisations/").split('?').next().expect("id").to_owned();
    let r = op
        .submit(
            &format!("/operator/organisations/{id}/invite"),
            &[("email", "admin@sejong.go.kr"), ("name", "세종 관리자"), ("roles", "buyer"), ("roles", "signatory"), ("admin", "true")],
        )
        .await;
    assert_eq!((r.status, r.location()), (303, format!("/operator/organisations/{id}?done=invited").as_str()));
    let u = app.db.user_by_email("admin@sejong.go.kr").await.expect("db").expect("invited");
    assert!(u.is_admin && u.org_id == id);
    // Suppliers sign up themselves.
    let r = op.submit("/operator/organisations", &[("kind", "supplier"), ("name", "직접 만든 공급사")]).await;
    assert_eq!(r.status, 400);
}

/// The signed-in pages in real Chromium, each checked with axe-core.
#[tokio::test]
async fn account_pages_pass_axe_in_a_browser() {
    let Some((chromium, driver)) = webdriver::browser_binaries() else { return };
    let server = webdriver::Server::start_demo().await;
    let b = webdriver::Browser::start(&chromium, &driver).await;
    let base = &server.base;
    async fn check(b: &webdriver::Browser, page: &str) {
        let v = b.axe_serious().await;
        assert!(v.is_empty(), "axe on {page}:\n{}", v.join("\n"));
    }
    for page in ["/login", "/signup", "/account/reset-request"] {
        b.goto(&format!("{base}{page}")).await;
        check(&b, page).await;
    }
    // A sign-up with errors shows them accessibly too.
    b.goto(&format!("{base}/signup")).await;
    let submit = b.find("form.stack-form button[type='submit']").await;
    b.click(&submit).await;
    b.wait_url("/signup").await;
    check(&b, "/signup with errors").await;

    async fn login(b: &webdriver::Browser, base: &str, who: &str) {
        b.goto(&format!("{base}/login")).await;
        let e = b.find("#email").await;
        b.type_into(&e, &format!("{who}@demo.gureum.kr")).await;
        let p = b.find("#password").await;
        b.type_into(&p, &format!("{PASSWORD}\u{E007}")).await;
        b.wait_url("/account").await;
    }
    login(&b, base, "supplier").await;
    for page in ["/account", "/account/people", "/account/tokens", "/account/company"] {
        b.goto(&format!("{base}{page}")).await;
        assert!(b.body_text().await.contains("로그아웃"), "{page} is signed in");
        check(&b, page).await;
    }
    let logout = b.find("form.logout button").await;
    b.click(&logout).await;
    b.wait_url("/login").await;
    login(&b, base, "operator").await;
    for page in ["/operator", "/operator/organisations", "/operator/users"] {
        b.goto(&format!("{base}{page}")).await;
        check(&b, page).await;
    }
    let org = b.find("table a[href^='/operator/organisations/']").await;
    b.click(&org).await;
    b.wait_url("/operator/organisations/").await;
    check(&b, "/operator/organisations/{id}").await;
    b.quit().await;
}

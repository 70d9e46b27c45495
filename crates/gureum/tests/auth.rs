//! Accounts through the API: login and lock-out, idle sessions, reset links through a real SMTP
//! sink, API tokens, sign-up, and secrets that never reach the audit log or the server's log.

mod common;
#[path = "support/smtp_sink.rs"]
mod smtp_sink;

use common::{TestApp, spawn_app};
use gureum_domain::Clock;
use serde_json::{Value, json};
use tower::ServiceExt;

const PW: &str = "gureum-demo";

async fn call(app: &TestApp, method: &str, uri: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    call_router(&app.router, method, uri, token, body).await
}

async fn call_router(router: &axum::Router, method: &str, uri: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    common::request(router, method, uri, token, body).await
}

async fn login(app: &TestApp, email: &str, password: &str) -> (u16, Value) {
    call(app, "POST", "/api/v1/auth/login", None, Some(json!({"email": email, "password": password}))).await
}

async fn token(app: &TestApp, who: &str) -> String {
    let (s, v) = login(app, &format!("{who}@demo.gureum.kr"), PW).await;
    assert_eq!(s, 200, "{who}: {v}");
    v["token"].as_str().expect("token").to_owned()
}

async fn app_with_accounts() -> TestApp {
    let app = spawn_app(30).await;
    gureum::demo::seed_demo_accounts(&app.db).await.expect("demo accounts");
    app
}

/// The same database and index seen at a later time.
fn later(app: &TestApp, minutes: i64) -> axum::Router {
    let t = common::clock().now() + time::Duration::minutes(minutes);
    let state = gureum_web::AppState::new(gureum_app::Context::new(
        app.db.clone(),
        app.state.sync().clone(),
        Clock::Fixed(t),
        gureum_storage::DocumentStore::new(app.dir.path().join("documents")),
        "http://gureum.test",
    ));
    state.set_ready(true);
    gureum_web::router(state)
}

#[tokio::test]
async fn login_me_logout() {
    let app = app_with_accounts().await;
    let (s, v) = login(&app, "buyer@demo.gureum.kr", PW).await;
    assert_eq!(s, 200);
    assert!(v["expires_at"].as_str().is_some_and(|e| e.starts_with("2026-11-23T00:30")), "30 idle minutes: {v}");
    assert_eq!(v["user"]["roles"], json!(["buyer"]));
    let t = v["token"].as_str().expect("token");
    let (s, me) = call(&app, "GET", "/api/v1/me", Some(t), None).await;
    assert_eq!((s, me["email"].as_str()), (200, Some("buyer@demo.gureum.kr")));
    assert_eq!(call(&app, "GET", "/api/v1/me", None, None).await.0, 401);
    assert_eq!(call(&app, "GET", "/api/v1/me", Some("gst_nonsense"), None).await.0, 401);
    assert_eq!(call(&app, "POST", "/api/v1/auth/logout", Some(t), None).await.0, 204);
    assert_eq!(call(&app, "GET", "/api/v1/me", Some(t), None).await.0, 401, "the token ended with logout");
    // malformed bodies are 400 with a code, never 422
    let (s, v) = call(&app, "POST", "/api/v1/auth/login", None, Some(json!({"email": 5}))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_field")));
}

#[tokio::test]
async fn the_same_answer_for_a_wrong_email_or_password_and_a_lock_after_five() {
    let app = app_with_accounts().await;
    let (s, a) = login(&app, "nobody@demo.gureum.kr", PW).await;
    let (s2, b) = login(&app, "buyer@demo.gureum.kr", "wrong-password!").await;
    assert_eq!((s, s2), (401, 401));
    assert_eq!(a["code"], "invalid_credentials");
    assert_eq!(b["code"], "invalid_credentials");
    assert_eq!(a["message"], b["message"]);
    for _ in 0..4 {
        assert_eq!(login(&app, "buyer@demo.gureum.kr", "wrong-password!").await.1["code"], "invalid_credentials");
    }
    let (s, v) = login(&app, "buyer@demo.gureum.kr", PW).await;
    assert_eq!((s, v["code"].as_str()), (401, Some("account_locked")), "locked even with the right password");
    // 15 minutes later it opens again
    let router = later(&app, 16);
    let (s, _) =
        call_router(&router, "POST", "/api/v1/auth/login", None, Some(json!({"email": "buyer@demo.gureum.kr", "password": PW}))).await;
    assert_eq!(s, 200);
    // every failure and the lock are audited, without the password
    let user = app.db.user_by_email("buyer@demo.gureum.kr").await.expect("db").expect("user");
    let events = app.db.audit_for_entity("user", &user.id).await.expect("audit");
    assert!(events.iter().filter(|e| e.event.action == "auth.login_failed").count() >= 4);
    assert!(events.iter().any(|e| e.event.action == "auth.account_locked"));
    assert!(events.iter().any(|e| e.event.action == "auth.login"));
}

#[tokio::test]
async fn a_session_ends_after_thirty_idle_minutes_and_use_moves_its_end() {
    let app = app_with_accounts().await;
    let t = token(&app, "sme").await;
    assert_eq!(call_router(&later(&app, 29), "GET", "/api/v1/me", Some(&t), None).await.0, 200, "still alive, and moved");
    assert_eq!(call_router(&later(&app, 50), "GET", "/api/v1/me", Some(&t), None).await.0, 200, "29 + 30 > 50");
    assert_eq!(call_router(&later(&app, 81), "GET", "/api/v1/me", Some(&t), None).await.0, 401, "idle for 31 minutes");
}

fn link_token(body: &str) -> String {
    body.split("token=").nth(1).map(|t| t.chars().take_while(|c| c.is_ascii_hexdigit()).collect()).expect("a link in the mail")
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_once_and_expires() {
    let app = app_with_accounts().await;
    let sink = smtp_sink::SmtpSink::start().await;
    let cfg = gureum_mail::MailConfig::from_url(&sink.url()).expect("smtp url");
    assert_eq!(call(&app, "POST", "/api/v1/auth/password-reset", None, Some(json!({"email": "signatory@demo.gureum.kr"}))).await.0, 202);
    // an unknown e-mail gets the same answer
    assert_eq!(call(&app, "POST", "/api/v1/auth/password-reset", None, Some(json!({"email": "ghost@demo.gureum.kr"}))).await.0, 202);
    gureum_mail::send_pending(&app.db, &cfg).await.expect("send");
    let mail = sink
        .wait_for(|m| m.to.iter().any(|t| t.contains("signatory@demo.gureum.kr")), std::time::Duration::from_secs(10))
        .await
        .expect("the reset mail arrived over SMTP");
    assert!(mail.subject.contains("비밀번호"), "{}", mail.subject);
    assert_eq!(sink.messages().len(), 1, "nothing sent for an unknown e-mail");
    let secret = link_token(&mail.body);
    let (s, v) = call(&app, "POST", "/api/v1/auth/password-reset/confirm", None, Some(json!({"token": secret, "password": "short"}))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("weak_password")));
    let (s, _) =
        call(&app, "POST", "/api/v1/auth/password-reset/confirm", None, Some(json!({"token": secret, "password": "새-비밀번호-2026"})))
            .await;
    assert_eq!(s, 204);
    assert_eq!(login(&app, "signatory@demo.gureum.kr", PW).await.0, 401);
    assert_eq!(login(&app, "signatory@demo.gureum.kr", "새-비밀번호-2026").await.0, 200);
    let (s, v) =
        call(&app, "POST", "/api/v1/auth/password-reset/confirm", None, Some(json!({"token": secret, "password": "또-다른-비밀번호"})))
            .await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_link")), "a link works once");
    // a fresh link, used after an hour, has expired
    call(&app, "POST", "/api/v1/auth/password-reset", None, Some(json!({"email": "signatory@demo.gureum.kr"}))).await;
    let mails = app.db.outbox_to("signatory@demo.gureum.kr").await.expect("outbox");
    let newest = mails.iter().max_by_key(|m| m.created_at).expect("second mail");
    let (s, v) = call_router(
        &later(&app, 61),
        "POST",
        "/api/v1/auth/password-reset/confirm",
        None,
        Some(json!({"token": link_token(&newest.body), "password": "늦은-비밀번호-2026"})),
    )
    .await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_link")));
    // no secret in the audit log
    assert_no_secrets(&app, &[&secret, "새-비밀번호-2026", PW]).await;
}

async fn assert_no_secrets(app: &TestApp, secrets: &[&str]) {
    let rows = sqlx::query("SELECT COALESCE(before_json, '') || COALESCE(after_json, '') || action || entity_id AS t FROM audit_events")
        .fetch_all(app.db.pool())
        .await
        .expect("audit rows");
    use sqlx::Row;
    for r in rows {
        let t: String = r.try_get("t").expect("text");
        for s in secrets {
            assert!(!t.contains(s), "a secret reached the audit log: {t}");
        }
    }
}

#[tokio::test]
async fn api_tokens_are_shown_once_and_revocable_by_admins_only() {
    let app = app_with_accounts().await;
    let admin = token(&app, "supplier").await;
    let buyer = token(&app, "buyer").await;
    assert_eq!(call(&app, "POST", "/api/v1/tokens", Some(&buyer), Some(json!({"name": "x"}))).await.0, 403, "not an admin");
    let (s, v) = call(&app, "POST", "/api/v1/tokens", Some(&admin), Some(json!({"name": "사용량 보고"}))).await;
    assert_eq!(s, 201);
    let secret = v["secret"].as_str().expect("secret").to_owned();
    assert!(secret.starts_with("gat_"));
    let (_, list) = call(&app, "GET", "/api/v1/tokens", Some(&admin), None).await;
    assert!(!list.to_string().contains(&secret), "listed without its secret");
    // the machine token authenticates, but is not a person
    assert_eq!(call(&app, "GET", "/api/v1/me", Some(&secret), None).await.0, 403);
    assert_eq!(call(&app, "GET", "/api/v1/tokens", Some(&secret), None).await.0, 403);
    // another organisation cannot revoke it: as if it did not exist
    let other = token(&app, "supplier2").await;
    let id = v["token"]["id"].as_str().expect("id");
    assert_eq!(call(&app, "DELETE", &format!("/api/v1/tokens/{id}"), Some(&other), None).await.0, 404);
    assert_eq!(call(&app, "DELETE", &format!("/api/v1/tokens/{id}"), Some(&admin), None).await.0, 204);
    assert_eq!(call(&app, "GET", "/api/v1/me", Some(&secret), None).await.0, 401, "revoked");
    assert_no_secrets(&app, &[&secret]).await;
}

fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----gureum-test-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
    }
    if let Some((name, bytes)) = file {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"certificate\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn signup(app: &TestApp, fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (u16, Value) {
    let (ct, body) = multipart(fields, file);
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/api/v1/signup")
        .header("content-type", ct)
        .body(axum::body::Body::from(body))
        .expect("req");
    let resp = app.router.clone().oneshot(req).await.expect("resp");
    let s = resp.status().as_u16();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20).await.expect("body");
    (s, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[tokio::test]
async fn sign_up_waits_for_approval_and_claims_an_imported_company() {
    let app = app_with_accounts().await;
    let bn = gureum_domain::BusinessNumber::from_first9([3, 1, 4, 1, 5, 9, 2, 6, 5]);
    let base = |email: &'static str| {
        vec![
            ("kind", "supplier"),
            ("company_name", "새구름소프트"),
            ("size", "small"),
            ("name", "김담당"),
            ("email", email),
            ("password", "충분히-긴-비밀번호"),
            ("privacy_consent", "true"),
        ]
    };
    let pdf: &[u8] = b"%PDF-1.4\n% registration certificate\n";
    let mut f = base("kim@newcloud.kr");
    f.push(("business_number", bn.digits()));
    // bad input, nothing stored
    let mut no_consent = f.clone();
    no_consent.retain(|(k, _)| *k != "privacy_consent");
    assert_eq!(signup(&app, &no_consent, Some(("c.pdf", pdf))).await.1["code"], "consent_required");
    let mut weak = f.clone();
    weak.retain(|(k, _)| *k != "password");
    weak.push(("password", "short"));
    assert_eq!(signup(&app, &weak, Some(("c.pdf", pdf))).await.1["code"], "weak_password");
    assert_eq!(signup(&app, &f, Some(("c.pdf", b"just text, named .pdf"))).await.1["code"], "invalid_file_type");
    let mut bad_bn = base("kim@newcloud.kr");
    bad_bn.push(("business_number", "123-45-67890"));
    assert_eq!(signup(&app, &bad_bn, Some(("c.pdf", pdf))).await.1["code"], "invalid_business_number");
    assert!(app.db.user_by_email("kim@newcloud.kr").await.expect("db").is_none(), "nothing stored");
    // a PNG certificate is fine too
    let (s, v) = signup(&app, &f, Some(("scan.png", b"\x89PNG\r\n\x1a\n rest of the image"))).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["organisation"]["status"], "pending");
    // a second sign-up for the same company
    let mut again = base("lee@newcloud.kr");
    again.push(("business_number", bn.digits()));
    let (s, v) = signup(&app, &again, Some(("c.pdf", pdf))).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("company_exists")));
    // the pending company logs in but has no supplier powers yet
    let t = token_for(&app, "kim@newcloud.kr", "충분히-긴-비밀번호").await;
    assert_eq!(call(&app, "GET", "/api/v1/tokens", Some(&t), None).await.0, 403);
    // the operator approves it
    let op = token(&app, "operator").await;
    let org = v_org(&app, "kim@newcloud.kr").await;
    assert_eq!(call(&app, "POST", &format!("/api/v1/organisations/{org}/approve"), Some(&t), None).await.0, 403, "not its own approver");
    let (s, o) = call(&app, "POST", &format!("/api/v1/organisations/{org}/approve"), Some(&op), None).await;
    assert_eq!((s, o["status"].as_str()), (200, Some("approved")));
    assert_eq!(call(&app, "GET", "/api/v1/tokens", Some(&t), None).await.0, 200);
    // an imported company without an account is claimed
    let (_, hits) = call(&app, "GET", "/api/v1/services?per_page=100", None, None).await;
    let mut claimed = None;
    for item in hits["items"].as_array().expect("items") {
        let sid = item["supplier"]["id"].as_str().unwrap_or_default();
        if app.db.organisation_of_supplier(sid).await.expect("db").is_none() {
            claimed = app.db.supplier(sid).await.expect("db");
            break;
        }
    }
    let sup = claimed.expect("an imported supplier without an account");
    let mut c = base("owner@imported.kr");
    c.push(("business_number", &sup.business_number));
    let (s, v) = signup(&app, &c, Some(("c.pdf", pdf))).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["organisation"]["supplier_id"].as_str(), Some(sup.id.as_str()), "claims the imported company");
}

async fn token_for(app: &TestApp, email: &str, pw: &str) -> String {
    let (s, v) = login(app, email, pw).await;
    assert_eq!(s, 200, "{v}");
    v["token"].as_str().expect("token").to_owned()
}

async fn v_org(app: &TestApp, email: &str) -> String {
    app.db.user_by_email(email).await.expect("db").expect("user").org_id
}

/// The real server with debug logs: log in, fail, reset by mail, create a token — and none of
/// the secrets appears in what it logged.
#[tokio::test]
async fn secrets_never_reach_the_server_log() {
    let sink = smtp_sink::SmtpSink::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let url = common::fresh_database_url(&dir).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("port");
    let log = dir.path().join("server.log");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_gureum"))
        .arg("--data-dir")
        .arg(dir.path())
        .arg("--database-url")
        .arg(&url)
        .args(["serve", "--demo", "--port", &port.to_string(), "--smtp-url", &sink.url()])
        .env("GUREUM_NOW", common::NOW)
        .env("RUST_LOG", "debug")
        .stdout(std::fs::File::create(dir.path().join("stdout.log")).expect("log"))
        .stderr(std::fs::File::create(&log).expect("log"))
        .spawn()
        .expect("serve");
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _g = Kill(child);
    let base = format!("http://127.0.0.1:{port}");
    let c = reqwest::Client::new();
    for _ in 0..600 {
        if c.get(format!("{base}/readyz")).send().await.map(|r| r.status() == 200).unwrap_or(false) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let post = |path: &str, body: Value, tok: Option<String>| {
        let mut r = c.post(format!("{base}{path}")).json(&body);
        if let Some(t) = tok {
            r = r.bearer_auth(t);
        }
        r.send()
    };
    post("/api/v1/auth/login", json!({"email": "pps@demo.gureum.kr", "password": "wrong-secret-Zq9"}), None).await.expect("login");
    let v: Value = post("/api/v1/auth/login", json!({"email": "supplier@demo.gureum.kr", "password": PW}), None)
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    let session = v["token"].as_str().expect("token").to_owned();
    let t: Value = post("/api/v1/tokens", json!({"name": "m"}), Some(session.clone())).await.expect("token").json().await.expect("json");
    let api_secret = t["secret"].as_str().expect("secret").to_owned();
    c.get(format!("{base}/api/v1/me")).bearer_auth(&api_secret).send().await.expect("me");
    post("/api/v1/auth/password-reset", json!({"email": "pps@demo.gureum.kr"}), None).await.expect("reset");
    let mail = sink
        .wait_for(|m| m.to.iter().any(|t| t.contains("pps@")), std::time::Duration::from_secs(20))
        .await
        .expect("mail sent by the worker");
    let link = link_token(&mail.body);
    c.get(format!("{base}/account/reset?token={link}")).send().await.expect("get link page");
    post("/api/v1/auth/password-reset/confirm", json!({"token": link, "password": "new-secret-Xy7-2026"}), None).await.expect("confirm");
    // Wait (with a deadline) until the server has logged the last answer, rather than a while.
    let answered =
        |t: &str| t.lines().any(|l| l.contains("/api/v1/auth/password-reset/confirm") && l.contains("finished processing request"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut text = String::new();
    while std::time::Instant::now() < deadline {
        text = std::fs::read_to_string(&log).expect("log");
        if answered(&text) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(answered(&text), "the last request was logged as answered");
    assert!(text.contains("request"), "debug logs were written");
    for secret in ["wrong-secret-Zq9", PW, &session, &api_secret, &link, "new-secret-Xy7-2026"] {
        assert!(!text.contains(secret), "the log holds a secret ({}…)", &secret[..secret.len().min(6)]);
    }
}

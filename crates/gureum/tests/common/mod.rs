//! Shared test harness: a fresh database per test on the engine the run asks for
//! (`GUREUM_TEST_DATABASE=sqlite|postgres`), the real router, and the real binary.
#![allow(dead_code)]

use gureum_app::index::IndexSync;
use gureum_domain::Clock;
use gureum_storage::Db;
use gureum_web::{AppState, router};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;
use tempfile::TempDir;

pub const NOW: &str = "2026-11-23T09:00:00+09:00";

pub fn clock() -> Clock {
    Clock::parse_fixed(NOW).expect("fixed clock")
}

pub fn engine() -> String {
    std::env::var("GUREUM_TEST_DATABASE").unwrap_or_else(|_| "sqlite".into())
}

fn pg_admin_url() -> String {
    std::env::var("GUREUM_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A fresh, empty database URL on the chosen engine. PostgreSQL that cannot be reached fails
/// the test loudly: a run that asked for it must not pass without it.
pub async fn fresh_database_url(dir: &TempDir) -> String {
    match engine().as_str() {
        "postgres" => {
            let admin = pg_admin_url();
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
            let name = format!("t_{now}_{}", uuid::Uuid::new_v4().simple());
            sqlx::any::install_default_drivers();
            let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin)
                .await
                .unwrap_or_else(|e| panic!("GUREUM_TEST_DATABASE=postgres but PostgreSQL at {admin} is unreachable: {e}"));
            drop_stale_test_databases(&mut conn, now).await;
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.expect("create test database");
            let base = admin.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap_or(admin);
            format!("{base}/{name}")
        }
        _ => format!("sqlite://{}", dir.path().join("gureum.sqlite3").display()),
    }
}

/// Test databases are not dropped when a test ends (a failing test's data stays to look at);
/// those of runs more than an hour old are dropped here, best effort.
async fn drop_stale_test_databases(conn: &mut sqlx::AnyConnection, now: u64) {
    use sqlx::Row;
    let Ok(rows) = sqlx::query("SELECT datname::text AS datname FROM pg_database WHERE datname LIKE 't\\_%'").fetch_all(&mut *conn).await
    else {
        return;
    };
    for row in rows {
        let Ok(name) = row.try_get::<String, _>("datname") else { continue };
        let stamp = name.strip_prefix("t_").and_then(|rest| rest.split_once('_')).and_then(|(secs, _)| secs.parse::<u64>().ok());
        // Names without a time stamp come from runs before stamps were added.
        if stamp.is_none_or(|t| t + 3_600 < now) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}"))).execute(&mut *conn).await;
        }
    }
}

pub struct TestApp {
    pub dir: TempDir,
    pub db: Db,
    pub state: AppState,
    pub router: axum::Router,
    pub url: String,
}

impl TestApp {
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// GET through the router (no socket); returns status and JSON (or the body as a string).
    pub async fn get(&self, uri: &str) -> (u16, Value) {
        use tower::ServiceExt;
        let req = axum::http::Request::builder().uri(uri).body(axum::body::Body::empty()).expect("request");
        let resp = self.router.clone().oneshot(req).await.expect("response");
        let status = resp.status().as_u16();
        let bytes = axum::body::to_bytes(resp.into_body(), 64 << 20).await.expect("body");
        let v = serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        (status, v)
    }

    pub async fn get_raw(&self, uri: &str) -> (u16, axum::http::HeaderMap, Vec<u8>) {
        use tower::ServiceExt;
        let req = axum::http::Request::builder().uri(uri).body(axum::body::Body::empty()).expect("request");
        let resp = self.router.clone().oneshot(req).await.expect("response");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = axum::body::to_bytes(resp.into_body(), 64 << 20).await.expect("body");
        (status, headers, bytes.to_vec())
    }
}

/// Sends a request through a router (no socket): an optional bearer token and JSON body; returns
/// the status and the JSON answer (or the body as a string).
pub async fn request(router: &axum::Router, method: &str, uri: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    use tower::ServiceExt;
    let mut req = axum::http::Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let body = match body {
        Some(b) => {
            req = req.header("content-type", "application/json");
            axum::body::Body::from(b.to_string())
        }
        None => axum::body::Body::empty(),
    };
    let resp = router.clone().oneshot(req.body(body).expect("request")).await.expect("response");
    let status = resp.status().as_u16();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 26).await.expect("body");
    (status, serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned())))
}

impl TestApp {
    /// [`request`] through this app's router.
    pub async fn call(&self, method: &str, uri: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
        request(&self.router, method, uri, token, body).await
    }
}

/// A fresh app seeded with `services` synthetic services (seed 2026) and a current index.
pub async fn spawn_app(services: u64) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = fresh_database_url(&dir).await;
    let db = Db::connect(&url, clock()).await.expect("connect");
    if services > 0 {
        gureum::seed::seed_catalog(&db, services, 2026, clock().today(), false).await.expect("seed");
    }
    let sync = Arc::new(IndexSync::open(db.clone(), &dir.path().join("index"), true).expect("index"));
    sync.rebuild(|_| {}).await.expect("rebuild");
    let documents = gureum_storage::DocumentStore::new(dir.path().join("documents"));
    let state = AppState::new(gureum_app::Context::new(db.clone(), sync, clock(), documents, "http://gureum.test"));
    state.set_ready(true);
    let router = router(state.clone());
    TestApp { dir, db, state, router, url }
}

/// Runs the real binary with the test's data folder and database.
pub fn gureum(app_dir: &std::path::Path, url: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_gureum"))
        .arg("--data-dir")
        .arg(app_dir)
        .arg("--database-url")
        .arg(url)
        .args(args)
        .env("GUREUM_NOW", NOW)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run gureum")
}

/// The demo password (`gureum::demo::DEMO_PASSWORD`).
pub const PW: &str = "gureum-demo";

/// The smallest file the document store takes as a PDF.
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// Every criterion a vote judges (SPEC §4 "Review").
pub const CRITERIA: [&str; 5] = ["business_soundness", "debarment", "security", "operational_stability", "support_structure"];

impl TestApp {
    /// Signs a demo account in (`who@demo.gureum.kr`) and answers its bearer token.
    pub async fn login(&self, who: &str) -> String {
        let body = serde_json::json!({"email": format!("{who}@demo.gureum.kr"), "password": PW});
        let (s, v) = self.call("POST", "/api/v1/auth/login", None, Some(body)).await;
        assert_eq!(s, 200, "{who} logs in: {v}");
        v["token"].as_str().expect("token").to_owned()
    }

    /// The user id of a demo account.
    pub async fn user_id(&self, who: &str) -> String {
        self.db.user_by_email(&format!("{who}@demo.gureum.kr")).await.expect("db").expect("user").id
    }

    /// A multipart upload of one file with a document type to a service's open revision.
    pub async fn upload(&self, id: &str, token: &str, doc_type: &str, filename: &str, bytes: &[u8]) -> (u16, Value) {
        use tower::ServiceExt;
        let (content_type, body) = multipart_file(doc_type, filename, bytes);
        let req = axum::http::Request::builder()
            .method("POST")
            .uri(format!("/api/v1/services/{id}/documents"))
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", content_type)
            .body(axum::body::Body::from(body))
            .expect("request");
        let resp = self.router.clone().oneshot(req).await.expect("response");
        let status = resp.status().as_u16();
        let bytes = axum::body::to_bytes(resp.into_body(), 1 << 26).await.expect("body");
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    /// Uploads a PDF of every document the default review settings ask of a service of `kind`.
    pub async fn upload_required(&self, id: &str, token: &str, kind: &str) {
        for t in required_documents(kind) {
            let (s, v) = self.upload(id, token, t, &format!("{t}.pdf"), PDF).await;
            assert_eq!(s, 201, "upload {t}: {v}");
        }
    }

    /// The open application of a service (the operator's view).
    pub async fn application_of(&self, service_id: &str, operator: &str) -> Value {
        let (s, v) = self.call("GET", "/api/v1/applications", Some(operator), None).await;
        assert_eq!(s, 200, "{v}");
        v.as_array()
            .expect("applications")
            .iter()
            .find(|a| {
                a["service_id"] == service_id && !["selected", "not_selected", "withdrawn"].contains(&a["status"].as_str().unwrap_or(""))
            })
            .unwrap_or_else(|| panic!("an open application of {service_id} in {v}"))
            .clone()
    }

    /// Takes a submitted service's application through a fresh round: assigned to `reviewer` and
    /// `reviewer2`, both voting `verdict` on every criterion, the round closed. Answers the
    /// close answer.
    pub async fn decide_by_committee(&self, service_id: &str, verdict: &str) -> Value {
        let operator = self.login("operator").await;
        let application = self.application_of(service_id, &operator).await;
        let app_id = application["id"].as_str().expect("id").to_owned();
        let body = serde_json::json!({"name": format!("심사 {}", uuid::Uuid::new_v4().simple()), "meets_on": "2026-11-30"});
        let (s, round) = self.call("POST", "/api/v1/rounds", Some(&operator), Some(body)).await;
        assert_eq!(s, 201, "{round}");
        let round_id = round["id"].as_str().expect("round id").to_owned();
        let reviewers = [self.user_id("reviewer").await, self.user_id("reviewer2").await];
        let body = serde_json::json!({"round_id": round_id, "reviewer_ids": reviewers});
        let (s, v) = self.call("POST", &format!("/api/v1/applications/{app_id}/assign"), Some(&operator), Some(body)).await;
        assert_eq!(s, 200, "assign: {v}");
        for who in ["reviewer", "reviewer2"] {
            let token = self.login(who).await;
            let (s, v) = self.call("POST", &format!("/api/v1/applications/{app_id}/votes"), Some(&token), Some(vote_body(verdict))).await;
            assert_eq!(s, 201, "{who} votes: {v}");
        }
        let (s, v) = self.call("POST", &format!("/api/v1/rounds/{round_id}/close"), Some(&operator), None).await;
        assert_eq!(s, 200, "close: {v}");
        v
    }
}

/// A vote with the same verdict on every criterion, a comment on each, and an innovativeness note.
pub fn vote_body(verdict: &str) -> Value {
    let criteria: serde_json::Map<String, Value> = CRITERIA.iter().map(|c| ((*c).to_owned(), Value::from(verdict))).collect();
    let comments: serde_json::Map<String, Value> =
        CRITERIA.iter().map(|c| ((*c).to_owned(), Value::from(format!("{c} 검토 의견")))).collect();
    serde_json::json!({"criteria": criteria, "comments": comments, "innovativeness": "공공 업무 자동화에 새로운 접근"})
}

/// The document types the default review settings ask of a service of `kind`.
pub fn required_documents(kind: &str) -> Vec<&'static str> {
    let mut types = vec!["service_definition", "price_list", "sla", "business_soundness", "no_debarment"];
    if ["iaas", "paas", "saas", "daas"].contains(&kind) {
        types.push("certificate");
    }
    types
}

/// A `multipart/form-data` body of one file with its document type: the content type and bytes.
pub fn multipart_file(doc_type: &str, filename: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "gureum-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"doc_type\"\r\n\r\n{doc_type}\r\n").as_bytes());
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/pdf\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A fresh app (40 synthetic services) with the demo accounts, and the bearer tokens of the
/// people most tests act as.
pub struct World {
    pub app: TestApp,
    pub supplier: String,
    pub supplier2: String,
    pub operator: String,
    pub reviewer: String,
    pub reviewer2: String,
    pub buyer: String,
}

pub async fn world() -> World {
    let app = spawn_app(40).await;
    gureum::demo::seed_demo_accounts(&app.db).await.expect("demo accounts");
    let supplier = app.login("supplier").await;
    let supplier2 = app.login("supplier2").await;
    let operator = app.login("operator").await;
    let reviewer = app.login("reviewer").await;
    let reviewer2 = app.login("reviewer2").await;
    let buyer = app.login("buyer").await;
    World { app, supplier, supplier2, operator, reviewer, reviewer2, buyer }
}

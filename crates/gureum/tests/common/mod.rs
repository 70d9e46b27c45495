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

//! A server killed (`kill -9`) in the middle of a usage batch stored all of it or none of it, and
//! the same batch sent again afterwards is safe (issue #24; SPEC §4 "Usage, invoices and
//! post-management"), on the engine the run asks for. The real `gureum serve` binary is started on
//! a database prepared beforehand, sent a 10,000-record batch over a raw socket and killed once
//! the whole request is written — at once, and after growing pauses, so that the kill lands
//! before, during or after the write depending on the machine; whichever it is, a restarted server
//! finds 0 or 10,000 records, never a part. No assertion depends on the timing.

mod common;

use gureum_storage::{Contract, ContractItem, Db};
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::io::AsyncWriteExt;

const RECORDS: usize = 10_000;

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `kill -9`.
    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("port")
}

async fn start(dir: &std::path::Path, url: &str) -> Server {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_gureum"))
        .arg("--data-dir")
        .arg(dir)
        .arg("--database-url")
        .arg(url)
        .args(["serve", "--port", &port.to_string()])
        .env("GUREUM_NOW", common::NOW)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let server = Server { child, port };
    let c = reqwest::Client::new();
    for _ in 0..1200 {
        if c.get(format!("{}/readyz", server.base())).send().await.map(|r| r.status() == 200).unwrap_or(false) {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server never became ready");
}

/// The demo accounts and a signed metered contract of the demo supplier, written before any
/// server runs; its id.
async fn prepare(url: &str) -> String {
    let db = Db::connect(url, common::clock()).await.expect("connect");
    gureum::seed::seed_catalog(&db, 20, 2026, common::clock().today(), false).await.expect("seed");
    gureum::demo::seed_demo_accounts(&db).await.expect("accounts");
    let user = |who: &'static str| {
        let db = db.clone();
        async move { db.user_by_email(&format!("{who}@demo.gureum.kr")).await.expect("user").expect("demo user") }
    };
    let (supplier, buyer) = (user("supplier").await, user("buyer").await);
    let supplier_id = db.organisation(&supplier.org_id).await.expect("org").expect("org").supplier_id.expect("a supplier");
    let mut tx = db.begin_write().await.expect("write");
    let c = Contract {
        id: uuid::Uuid::new_v4().to_string(),
        method: "negotiated".into(),
        agency_id: buyer.org_id.clone(),
        supplier_id: supplier_id.clone(),
        status: "signed".into(),
        kind: "single".into(),
        fee_model: "metered".into(),
        billing: "monthly".into(),
        total_krw: 1_000,
        starts_on: "2026-09-01".into(),
        ends_on: "2027-08-31".into(),
        text: "계약서".into(),
        text_hash: "x".into(),
        ttc_from: "quote_request".into(),
        created_by: buyer.id.clone(),
        items: vec![ContractItem {
            service_id: first_service(&db).await,
            service_code: "TEST".into(),
            service_name: "test".into(),
            plan: "vCPU".into(),
            meter: "vCPU-hour".into(),
            unit_price_krw: 50,
            quantity: 1,
            months: 12,
            model: "metered".into(),
            vat_included: false,
        }],
        ..Contract::default()
    };
    tx.insert_contract(&c).await.expect("contract");
    tx.commit().await.expect("commit");
    db.close().await;
    c.id
}

async fn first_service(db: &Db) -> String {
    use sqlx::Row;
    sqlx::query("SELECT id FROM services ORDER BY id LIMIT 1").fetch_one(db.pool()).await.expect("a service").try_get("id").expect("id")
}

async fn login(base: &str, who: &str) -> String {
    let v: Value = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": format!("{who}@demo.gureum.kr"), "password": "gureum-demo"}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    v["token"].as_str().expect("token").to_owned()
}

fn batch(contract: &str) -> String {
    let records: Vec<Value> = (0..RECORDS)
        .map(|i| {
            let start = 1_793_458_800 + (i as i64) * 60; // from 2026-11-01T00:00:00+09:00, a minute each
            let at = |s: i64| time::OffsetDateTime::from_unix_timestamp(s).expect("instant").format(&time::format_description::well_known::Rfc3339).expect("format");
            json!({"record_id": format!("k-{i}"), "contract_id": contract, "meter": "vCPU-hour", "quantity": format!("{}.{:06}", i % 7, i % 999_999),
                "period_start": at(start), "period_end": at(start + 60)})
        })
        .collect();
    json!({ "records": records }).to_string()
}

/// The records stored for the contract, read through the API.
async fn stored(base: &str, token: &str, contract: &str) -> u64 {
    let v: Value = reqwest::Client::new()
        .get(format!("{base}/api/v1/contracts/{contract}/usage"))
        .bearer_auth(token)
        .send()
        .await
        .expect("usage")
        .json()
        .await
        .expect("json");
    v["months"]
        .as_array()
        .expect("months")
        .iter()
        .flat_map(|m| m["meters"].as_array().cloned().unwrap_or_default())
        .map(|m| m["records"].as_u64().unwrap_or(0))
        .sum()
}

#[tokio::test]
async fn a_killed_server_stored_the_whole_batch_or_none_and_a_resend_is_safe() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = common::fresh_database_url(&dir).await;
    let contract = prepare(&url).await;
    let body = batch(&contract);
    let mut outcomes = Vec::new();
    for pause_ms in [0_u64, 25, 100, 400, 1500] {
        let server = start(dir.path(), &url).await;
        let token = login(&server.base(), "supplier").await;
        let before = stored(&server.base(), &token, &contract).await;
        assert!(before == 0 || before == RECORDS as u64, "{before} records after a kill");
        // the whole request written, then the server killed while it works on it
        let mut sock = tokio::net::TcpStream::connect(("127.0.0.1", server.port)).await.expect("connect");
        let head = format!(
            "POST /api/v1/usage HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        sock.write_all(head.as_bytes()).await.expect("head");
        sock.write_all(body.as_bytes()).await.expect("body");
        sock.flush().await.expect("flush");
        tokio::time::sleep(Duration::from_millis(pause_ms)).await;
        server.kill();
        drop(sock);
        let server = start(dir.path(), &url).await;
        let token = login(&server.base(), "supplier").await;
        let after = stored(&server.base(), &token, &contract).await;
        assert!(after == 0 || after == RECORDS as u64, "a killed batch left {after} of {RECORDS} records");
        outcomes.push(after);
        server.kill();
    }
    eprintln!("records stored after each kill: {outcomes:?}");
    // sent again on a running server: exactly the batch, once
    let server = start(dir.path(), &url).await;
    let token = login(&server.base(), "supplier").await;
    let before = stored(&server.base(), &token, &contract).await;
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/usage", server.base()))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(body.clone())
        .send()
        .await
        .expect("resend");
    assert_eq!(res.status().as_u16(), 200);
    let v: Value = res.json().await.expect("json");
    assert_eq!(v["accepted"].as_u64(), Some(RECORDS as u64 - before), "{v} (kills left {outcomes:?})");
    assert_eq!(v["duplicates"].as_u64(), Some(before), "{v}");
    assert_eq!(stored(&server.base(), &token, &contract).await, RECORDS as u64);
    // and again: nothing new
    let v: Value = reqwest::Client::new()
        .post(format!("{}/api/v1/usage", server.base()))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("resend")
        .json()
        .await
        .expect("json");
    assert_eq!(v, json!({"accepted": 0, "duplicates": RECORDS}));
    assert_eq!(stored(&server.base(), &token, &contract).await, RECORDS as u64);
}

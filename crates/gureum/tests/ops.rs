//! What people running Gureum rely on, against the real binary where it matters: `/metrics`
//! (who may read it, and that its counters move), `backup` taken while an import writes and
//! `restore` into an empty folder, and logs without terminal colours or as JSON lines.

mod common;

use common::{NOW, engine, fresh_database_url, gureum};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// A `gureum serve` child, killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The binary with the data folder, the fixed clock and quiet logs; `url` `None` leaves the
/// database to the folder's default.
fn command(data_dir: &Path, url: Option<&str>) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gureum"));
    c.arg("--data-dir").arg(data_dir);
    match url {
        Some(url) => c.arg("--database-url").arg(url),
        None => c.env_remove("DATABASE_URL"),
    };
    c.env_remove("GUREUM_DOCUMENTS_DIR");
    c.env("GUREUM_NOW", NOW).env("RUST_LOG", "warn").env_remove("GUREUM_LOG_FORMAT").env_remove("GUREUM_METRICS_TOKEN");
    c
}

/// Starts `serve` and waits (up to two minutes) until `/readyz` answers 200.
async fn serve(mut cmd: Command, extra: &[&str]) -> Server {
    let port = free_port();
    let child =
        cmd.args(["serve", "--port", &port.to_string()]).args(extra).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("serve");
    let mut server = Server { child, base: format!("http://127.0.0.1:{port}") };
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(r) = client.get(format!("{}/readyz", server.base)).send().await
            && r.status() == 200
        {
            return server;
        }
        assert!(server.child.try_wait().expect("wait").is_none(), "serve exited before it was ready");
        assert!(Instant::now() < deadline, "serve did not become ready within 120 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The samples of an exposition: the series (name and labels, as written) → value.
fn samples(text: &str) -> HashMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (series, value) = l.rsplit_once(' ').expect("a sample line has a value");
            let value = if value == "+Inf" { f64::INFINITY } else { value.parse().unwrap_or_else(|_| panic!("value of {l:?}")) };
            (series.to_owned(), value)
        })
        .collect()
}

async fn scrape(client: &reqwest::Client, base: &str) -> HashMap<String, f64> {
    let r = client.get(format!("{base}/metrics")).send().await.expect("scrape");
    assert_eq!(r.status(), 200);
    let content_type = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    samples(&r.text().await.expect("body"))
}

fn get(m: &HashMap<String, f64>, series: &str) -> f64 {
    m.get(series).copied().unwrap_or(0.0)
}

/// A client on this machine reads the metrics; its requests move the counters by route
/// template (never by the raw path), the search histogram counts the searches, and the gauges
/// report the index lag, the outbox and its leases, and the pool.
#[tokio::test]
async fn metrics_count_requests_by_route_and_read_the_gauges() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = fresh_database_url(&dir).await;
    let out = gureum(dir.path(), &url, &["seed", "--services", "40"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let server = serve(command(dir.path(), Some(&url)), &[]).await;
    let client = reqwest::Client::new();
    let base = &server.base;

    let before = scrape(&client, base).await;
    let search: Value = client.get(format!("{base}/api/v1/services?per_page=5")).send().await.expect("search").json().await.expect("json");
    let id = search["items"][0]["id"].as_str().expect("a service id").to_owned();
    for q in ["클라우드", "백업"] {
        let search = reqwest::Url::parse_with_params(&format!("{base}/api/v1/services"), [("q", q)]).expect("url");
        assert_eq!(client.get(search).send().await.expect("search").status(), 200);
    }
    for _ in 0..2 {
        assert_eq!(client.get(format!("{base}/api/v1/services/{id}")).send().await.expect("service").status(), 200);
    }
    assert_eq!(client.get(format!("{base}/no/such/page")).send().await.expect("fallback").status(), 404);
    let after = scrape(&client, base).await;

    let moved = |series: &str| get(&after, series) - get(&before, series);
    assert_eq!(moved(r#"gureum_http_requests_total{method="GET",route="/api/v1/services",status="200"}"#), 3.0);
    assert_eq!(moved(r#"gureum_http_requests_total{method="GET",route="/api/v1/services/{id}",status="200"}"#), 2.0);
    assert_eq!(moved(r#"gureum_http_requests_total{method="GET",route="unmatched",status="404"}"#), 1.0);
    assert_eq!(moved(r#"gureum_http_request_duration_seconds_count{method="GET",route="/api/v1/services/{id}"}"#), 2.0);
    assert_eq!(
        get(&after, r#"gureum_http_request_duration_seconds_bucket{method="GET",route="/api/v1/services/{id}",le="+Inf"}"#),
        get(&after, r#"gureum_http_request_duration_seconds_count{method="GET",route="/api/v1/services/{id}"}"#)
    );
    assert!(moved("gureum_search_duration_seconds_count") >= 3.0, "the three searches were timed");
    assert!(moved("gureum_search_duration_seconds_sum") > 0.0);
    assert!(after.keys().all(|k| !k.contains(&id)), "no raw id in any label");
    // The first scrape is counted too, under its own route.
    assert!(get(&after, r#"gureum_http_requests_total{method="GET",route="/metrics",status="200"}"#) >= 1.0);
    let backend = if engine() == "postgres" { "postgres" } else { "sqlite" };
    assert_eq!(get(&after, &format!(r#"gureum_build_info{{version="{}",backend="{backend}"}}"#, env!("CARGO_PKG_VERSION"))), 1.0);
    assert_eq!(get(&after, "gureum_index_ready"), 1.0);
    assert_eq!(get(&after, "gureum_database_up"), 1.0);
    assert_eq!(get(&after, "gureum_index_documents"), 40.0);
    assert!(get(&after, "gureum_db_pool_max_connections") >= 1.0);
    assert!(
        get(&after, r#"gureum_db_pool_connections{state="idle"}"#) + get(&after, r#"gureum_db_pool_connections{state="in_use"}"#) >= 1.0
    );

    // The index lag: a change the server has not applied yet shows, and goes once it follows.
    let db = gureum_storage::Db::connect(&url, common::clock()).await.expect("db");
    let head = db.max_change_seq().await.expect("head");
    assert_eq!(get(&after, "gureum_change_feed_seq"), head as f64);
    assert_eq!(get(&after, "gureum_index_applied_seq"), head as f64);
    assert_eq!(get(&after, "gureum_index_lag_changes"), 0.0);
    let service: String = sqlx::query_scalar("SELECT id FROM services ORDER BY id LIMIT 1").fetch_one(db.pool()).await.expect("a service");
    sqlx::query("INSERT INTO catalog_changes (seq, service_id, created_at) VALUES ($1, $2, $3)")
        .bind(head + 1_000_000)
        .bind(&service)
        .bind(common::clock().now_micros())
        .execute(db.pool())
        .await
        .expect("a change far ahead");
    let lag = scrape(&client, base).await;
    let lag = get(&lag, "gureum_index_lag_changes");
    assert!(lag == 1_000_000.0 || lag == 0.0, "{lag}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while get(&scrape(&client, base).await, "gureum_index_lag_changes") != 0.0 {
        assert!(Instant::now() < deadline, "the server applies the change and the lag returns to 0");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The outbox: two unsent mails queued 90 and 30 seconds ago (the server's clock is fixed),
    // one of them leased by a worker.
    let now = common::clock().now_micros();
    for (id, ago) in [("m-old", 90), ("m-new", 30)] {
        sqlx::query("INSERT INTO outbox (id, to_addr, subject, body, created_at, attempts, next_attempt_at) VALUES ($1, 'a@example.go.kr', 's', 'b', $2, 0, $2)")
            .bind(id)
            .bind(now - ago * 1_000_000)
            .execute(db.pool())
            .await
            .expect("queue a mail");
    }
    let claimed = db.claim_mail(now, now + 300_000_000, 1).await.expect("lease");
    assert_eq!(claimed.len(), 1);
    let m = scrape(&client, base).await;
    assert_eq!(get(&m, "gureum_outbox_unsent"), 2.0);
    assert_eq!(get(&m, "gureum_outbox_oldest_unsent_age_seconds"), 90.0);
    assert_eq!(get(&m, r#"gureum_job_leases{job="mail"}"#), 1.0);
    db.close().await;
}

/// A loopback request that a proxy relayed is not a local one; the configured token opens the
/// metrics to anyone who bears it (and only the right token does).
#[tokio::test]
async fn metrics_refuse_relayed_requests_without_the_token() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = fresh_database_url(&dir).await;
    let mut cmd = command(dir.path(), Some(&url));
    cmd.env("GUREUM_METRICS_TOKEN", "scrape-me-7f3a");
    let server = serve(cmd, &[]).await;
    let client = reqwest::Client::new();
    let metrics = format!("{}/metrics", server.base);
    let relayed = |token: Option<&str>| {
        let mut r = client.get(&metrics).header("x-forwarded-for", "203.0.113.7");
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send()
    };
    let refused = relayed(None).await.expect("relayed");
    assert_eq!(refused.status(), 404);
    let body: Value = refused.json().await.expect("json");
    assert_eq!(body["code"], "not_found");
    assert_eq!(relayed(Some("scrape-me-7f3")).await.expect("wrong token").status(), 404);
    assert_eq!(relayed(Some("scrape-me-7f3a-")).await.expect("longer token").status(), 404);
    let allowed = relayed(Some("scrape-me-7f3a")).await.expect("token");
    assert_eq!(allowed.status(), 200);
    assert!(allowed.text().await.expect("body").contains("# TYPE gureum_http_requests_total counter"));
    assert_eq!(client.get(&metrics).send().await.expect("local").status(), 200, "loopback without a token");
}

/// A peer that is not on this machine gets 404 without the token, through the same router the
/// server runs (the peer's address given as the server would give it).
#[tokio::test]
async fn metrics_refuse_a_peer_from_elsewhere() {
    use axum::extract::connect_info::MockConnectInfo;
    let app = common::spawn_app(0).await;
    let at = |peer: &str| app.router.clone().layer(MockConnectInfo(peer.parse::<std::net::SocketAddr>().expect("address")));
    let (status, body) = common::request(&at("203.0.113.9:41000"), "GET", "/metrics", None, None).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
    let (status, _) = common::request(&at("[2001:db8::5]:41000"), "GET", "/metrics", None, None).await;
    assert_eq!(status, 404);
    // No socket at all (a router called directly) is no proof of a local client either.
    let (status, _) = common::request(&app.router, "GET", "/metrics", None, None).await;
    assert_eq!(status, 404);
    let (status, body) = common::request(&at("127.0.0.1:41000"), "GET", "/metrics", None, None).await;
    assert_eq!(status, 200);
    assert!(body.as_str().is_some_and(|t| t.contains("gureum_index_lag_changes 0")), "{body}");
}

fn import_line(i: usize) -> String {
    json!({
        "name": format!("복원확인 서비스 {i}"), "code": format!("SAS-4-09-{:05}", 50_000 + i),
        "supplier": {"name": "복원클라우드", "business_number": "2208162517", "size": "small"},
        "kind": "saas", "category": "전자결재", "tags": ["전자결재"],
        "summary": "공공기관 전자결재", "description": "설명",
        "price_plans": [{"name": "기본", "model": "metered", "unit": "사용자/월", "unit_price_krw": 5000}],
        "certification": null, "integrations": []
    })
    .to_string()
}

/// A backup taken while `serve` runs and an import writes, restored into an empty folder: the
/// audit chain verifies, the restored catalog holds whole import batches only, and a server
/// started on it rebuilds its index and finds the services.
#[tokio::test]
async fn a_backup_taken_during_writes_restores_into_an_empty_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = fresh_database_url(&dir).await;
    if engine() == "postgres" {
        let out = gureum(dir.path(), &url, &["backup", "--output", dir.path().join("b.sqlite3").to_str().expect("path")]);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains("pg_dump"), "{}", stderr(&out));
        let out = gureum(dir.path(), &url, &["restore", dir.path().join("b.sqlite3").to_str().expect("path")]);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains("pg_restore"), "{}", stderr(&out));
        return;
    }
    let out = gureum(dir.path(), &url, &["seed", "--services", "300"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let _server = serve(command(dir.path(), Some(&url)), &[]).await;
    let file = dir.path().join("more.jsonl");
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&file).expect("create"));
        for i in 0..20_000 {
            writeln!(w, "{}", import_line(i)).expect("write");
        }
    }
    let db = gureum_storage::Db::connect(&url, common::clock()).await.expect("db");
    let mut import = command(dir.path(), Some(&url))
        .args(["import", "services", "--batch", "500", file.to_str().expect("path")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("import");
    let deadline = Instant::now() + Duration::from_secs(120);
    while db.count_all_services().await.expect("count") < 300 + 1_000 {
        assert!(Instant::now() < deadline, "the import writes");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(import.try_wait().expect("wait").is_none(), "the import is still writing when the backup starts");
    let backup = dir.path().join("backup.sqlite3");
    let out = gureum(dir.path(), &url, &["backup", "--output", backup.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with(&format!("backup written to {}", backup.display())), "{}", stdout(&out));
    assert!(stderr(&out).contains("documents folder is not in the backup"), "{}", stderr(&out));
    eprintln!("import still running after the backup: {}", import.try_wait().expect("wait").is_none());
    assert_eq!(import.wait().expect("import").code(), Some(0));
    db.close().await;
    let in_backup = gureum_storage::inspect_sqlite_file(&backup).expect("a sound backup");
    let imported = in_backup.services - 300;
    assert!(imported >= 1_000 && imported % 500 == 0, "whole import batches only: {imported}");
    // Once written, a backup is never overwritten.
    let out = gureum(dir.path(), &url, &["backup", "--output", backup.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("exists already"), "{}", stderr(&out));

    let restored = tempfile::tempdir().expect("tempdir");
    let data = restored.path().join("data");
    let out = command(&data, None).arg("restore").arg(&backup).output().expect("restore");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains(&format!("{} services", in_backup.services)), "{}", stdout(&out));
    assert!(stdout(&out).contains("audit chain intact"), "{}", stdout(&out));
    let out = command(&data, None).args(["audit", "verify"]).output().expect("verify");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out).trim(), format!("OK: {} events, chain intact", in_backup.audit_events));
    assert!(!data.join("index").exists(), "no index came with the backup");
    {
        let server = serve(command(&data, None), &[]).await;
        let client = reqwest::Client::new();
        let search = reqwest::Url::parse_with_params(&format!("{}/api/v1/services", server.base), [("q", "복원확인"), ("per_page", "1")])
            .expect("url");
        let found: Value = client.get(search).send().await.expect("search").json().await.expect("json");
        assert_eq!(found["total"].as_i64(), Some(imported), "every imported service of the backup is found");
    }
    // A folder that holds anything is refused, and left as it was.
    let out = command(&data, None).arg("restore").arg(&backup).output().expect("restore");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is not empty"), "{}", stderr(&out));
    let out = command(&data, None).args(["audit", "verify"]).output().expect("verify");
    assert_eq!(out.status.code(), Some(0));
    // A file that is not a Gureum database is rejected, and the new folder stays empty.
    let junk = restored.path().join("junk.sqlite3");
    std::fs::write(&junk, b"not a database at all, but long enough to look like a file header....").expect("junk");
    let empty = restored.path().join("empty");
    let out = command(&empty, None).arg("restore").arg(&junk).output().expect("restore");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(&empty).map(|d| d.count()).unwrap_or(0), 0, "nothing left behind");
}

/// Runs `serve` with standard error piped, until its log says the index is current and that
/// mail waits without a relay (in either order); returns what it logged by then.
fn serve_logs(dir: &Path, url: &str, args: &[&str]) -> String {
    let port = free_port().to_string();
    let mut child = command(dir, Some(url))
        .args(args)
        .args(["serve", "--port", &port])
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut lines = Vec::new();
    let seen = |lines: &[String], what: &str| lines.iter().any(|l| l.contains(what));
    while !(seen(&lines, "search index is current") && seen(&lines, "no --smtp-url")) {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => lines.push(line),
            Err(e) => panic!("the log lacks a line it should have ({e}):\n{}", lines.join("\n")),
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    lines.join("\n")
}

/// Logs to a pipe carry no terminal colour codes; `--log-format json` writes one JSON object a
/// line; an unknown format is a usage error.
#[tokio::test]
async fn logs_to_a_pipe_are_plain_or_json_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = fresh_database_url(&dir).await;
    let text = serve_logs(dir.path(), &url, &[]);
    assert!(text.contains("no --smtp-url"), "{text}");
    assert!(!text.contains('\u{1b}'), "no escape codes:\n{text:?}");
    let json = serve_logs(dir.path(), &url, &["--log-format", "json"]);
    let mut levels = Vec::new();
    for line in json.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line:?}"));
        levels.push(v["level"].as_str().expect("a level").to_owned());
        assert!(v["fields"]["message"].is_string(), "{line}");
    }
    assert!(levels.iter().any(|l| l == "WARN") && levels.iter().any(|l| l == "INFO"), "{levels:?}");
    let out = command(dir.path(), Some(&url)).args(["--log-format", "xml", "migrate"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

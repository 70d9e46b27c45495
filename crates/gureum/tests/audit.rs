//! The auditor's audit log: reading with filters, the chain check, CSV and JSON downloads, the
//! `/audit` page, and that auditors change nothing — black-box through the real router, on the
//! engine of the run.

mod common;

use axum::body::Body;
use axum::http::{HeaderMap, Request, header};
use common::{TestApp, spawn_app};
use gureum_domain::Clock;
use gureum_domain::audit::AuditEvent;
use gureum_storage::{Db, NewAuditEvent};
use serde_json::{Value, json};
use tower::ServiceExt;

const PASSWORD: &str = "gureum-demo";

struct Resp {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| Value::String(self.text()))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: &str) -> String {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
    }
}

async fn call(app: &TestApp, method: &str, uri: &str, token: Option<&str>, body: Option<Value>) -> Resp {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let req = match body {
        Some(b) => req.header(header::CONTENT_TYPE, "application/json").body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .expect("request");
    let resp = app.router.clone().oneshot(req).await.expect("response");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = axum::body::to_bytes(resp.into_body(), 256 << 20).await.expect("body").to_vec();
    Resp { status, headers, body }
}

async fn get(app: &TestApp, uri: &str, token: &str) -> Resp {
    call(app, "GET", uri, Some(token), None).await
}

/// Logs a demo account in; returns its bearer token and its user id.
async fn login(app: &TestApp, who: &str) -> (String, String) {
    let r =
        call(app, "POST", "/api/v1/auth/login", None, Some(json!({"email": format!("{who}@demo.gureum.kr"), "password": PASSWORD}))).await;
    assert_eq!(r.status, 200, "{who} logs in: {}", r.text());
    let v = r.json();
    (v["token"].as_str().expect("token").to_owned(), v["user"]["id"].as_str().expect("user id").to_owned())
}

/// A demo app with a few sign-in events: the auditor's and the operator's logins and a failed
/// login of the buyer.
async fn demo_app() -> TestApp {
    let app = spawn_app(50).await;
    gureum::demo::seed_demo_accounts(&app.db).await.expect("demo accounts");
    let r =
        call(&app, "POST", "/api/v1/auth/login", None, Some(json!({"email": "buyer@demo.gureum.kr", "password": "wrong-password"}))).await;
    assert_eq!(r.status, 401);
    app
}

fn items(v: &Value) -> &Vec<Value> {
    v["items"].as_array().expect("items")
}

fn seqs(v: &Value) -> Vec<i64> {
    items(v).iter().map(|i| i["seq"].as_i64().expect("seq")).collect()
}

fn actions(v: &Value) -> Vec<String> {
    items(v).iter().map(|i| i["action"].as_str().unwrap_or_default().to_owned()).collect()
}

/// Writes one event at another instant, through a second handle whose clock says so.
async fn event_at(app: &TestApp, when: &str, action: &str) {
    let db = Db::connect(&app.url, Clock::parse_fixed(when).expect("time")).await.expect("connect");
    let mut tx = db.begin_write().await.expect("write");
    tx.audit(NewAuditEvent::new("system", action, "test", when)).await.expect("audit");
    tx.commit().await.expect("commit");
    db.close().await;
}

#[tokio::test]
async fn auditor_reads_the_log_with_filters() {
    let app = demo_app().await;
    let (token, auditor_id) = login(&app, "auditor").await;
    let (_, _) = login(&app, "operator").await;
    let count = app.db.audit_count().await.expect("count");

    let r = get(&app, "/api/v1/audit/events?per_page=500", &token).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let all = r.json();
    assert_eq!(all["total"].as_i64(), Some(count));
    assert_eq!(all["page"], 1);
    let s = seqs(&all);
    assert_eq!(s.len() as i64, count);
    assert!(s.windows(2).all(|w| w[0] > w[1]), "newest first: {s:?}");
    let acts = actions(&all);
    for a in ["demo.accounts", "catalog.import_batch", "auth.login", "auth.login_failed"] {
        assert!(acts.iter().any(|x| x == a), "{a} is listed: {acts:?}");
    }
    // the auditor's login names the person and the organisation
    let mine = items(&all).iter().find(|i| i["action"] == "auth.login" && i["actor"] == auditor_id.as_str()).expect("auditor login");
    assert_eq!(mine["actor_kind"], "user");
    assert_eq!(mine["actor_email"], "auditor@demo.gureum.kr");
    assert!(mine["actor_name"].as_str().is_some_and(|n| !n.is_empty()));
    assert!(mine["organisation_name"].as_str().is_some_and(|n| n.contains("감사원")));
    assert_eq!(mine["at_seoul"], "2026-11-23 09:00");
    assert_eq!(mine["at"], "2026-11-23T00:00:00.000000Z");
    assert_eq!(mine["hash"].as_str().map(str::len), Some(64));
    let cli = items(&all).iter().find(|i| i["action"] == "catalog.import_batch").expect("import batch");
    assert_eq!(cli["actor_kind"], "cli");
    assert!(cli["after"]["lines"].is_array());

    // action is a prefix
    let auth = get(&app, "/api/v1/audit/events?action=auth.&per_page=500", &token).await.json();
    assert!(actions(&auth).iter().all(|a| a.starts_with("auth.")), "{auth}");
    assert_eq!(auth["total"].as_u64(), Some(items(&auth).len() as u64));
    assert_eq!(auth["total"], 3, "two logins and a failure");
    let login_only = get(&app, "/api/v1/audit/events?action=auth.login_failed", &token).await.json();
    assert_eq!(actions(&login_only), vec!["auth.login_failed"]);
    // a LIKE wildcard in the prefix is taken literally
    let none = get(&app, "/api/v1/audit/events?action=auth_", &token).await.json();
    assert_eq!(none["total"], 0);

    // entity kind and id
    let demo = get(&app, "/api/v1/audit/events?entity_kind=demo", &token).await.json();
    assert_eq!(actions(&demo), vec!["demo.accounts"]);
    let me = get(&app, &format!("/api/v1/audit/events?entity_kind=user&entity_id={auditor_id}"), &token).await.json();
    assert_eq!(actions(&me), vec!["auth.login"]);

    // actor: as stored, or by e-mail
    let by_id = get(&app, &format!("/api/v1/audit/events?actor={auditor_id}"), &token).await.json();
    let by_email = get(&app, "/api/v1/audit/events?actor=auditor%40demo.gureum.kr", &token).await.json();
    assert_eq!(seqs(&by_id), seqs(&by_email));
    assert_eq!(by_id["total"], 1);
    let by_cli = get(&app, "/api/v1/audit/events?actor=cli&per_page=500", &token).await.json();
    assert!(actions(&by_cli).iter().all(|a| a == "catalog.import_batch"));
    assert!(by_cli["total"].as_i64().unwrap_or(0) >= 1);

    // organisation: by id or by part of its name
    let org_id = mine["organisation"].as_str().expect("org id").to_owned();
    let by_org = get(&app, &format!("/api/v1/audit/events?organisation={org_id}"), &token).await.json();
    let by_name = get(&app, "/api/v1/audit/events?organisation=%EA%B0%90%EC%82%AC%EC%9B%90", &token).await.json();
    assert_eq!(seqs(&by_org), seqs(&by_name));
    assert_eq!(actions(&by_org), vec!["auth.login"]);

    // combined filters narrow
    let both = get(&app, &format!("/api/v1/audit/events?action=auth.&organisation={org_id}"), &token).await.json();
    assert_eq!(both["total"], 1);

    // pages
    let p2 = get(&app, "/api/v1/audit/events?per_page=2&page=2", &token).await.json();
    assert_eq!(seqs(&p2), s[2..4].to_vec());
    assert_eq!(p2["per_page"], 2);
    let far = get(&app, "/api/v1/audit/events?page=999", &token).await.json();
    assert!(items(&far).is_empty());
    assert_eq!(far["total"].as_i64(), Some(count));
    for (bad, code) in [
        ("per_page=501", "invalid_per_page"),
        ("page=0", "invalid_page"),
        ("from=2026-02-30", "invalid_date"),
        ("from=2026-11-24&to=2026-11-23", "invalid_date"),
    ] {
        let r = get(&app, &format!("/api/v1/audit/events?{bad}"), &token).await;
        assert_eq!(r.status, 400, "{bad}");
        assert_eq!(r.json()["code"], code, "{bad}");
    }
}

#[tokio::test]
async fn dates_are_asia_seoul_days() {
    let app = demo_app().await;
    let (token, _) = login(&app, "auditor").await;
    // 23:59:59 KST on the 22nd is 14:59:59 UTC; 00:00 KST on the 24th is 15:00 UTC on the 23rd.
    event_at(&app, "2026-11-22T23:59:59+09:00", "test.late").await;
    event_at(&app, "2026-11-23T15:00:00Z", "test.next_day").await;
    let total = app.db.audit_count().await.expect("count");
    let day = |q: &str| {
        let app = &app;
        let token = token.clone();
        let q = q.to_owned();
        async move { get(app, &format!("/api/v1/audit/events?per_page=500&{q}"), &token).await.json() }
    };
    let on_23 = day("from=2026-11-23&to=2026-11-23").await;
    assert_eq!(on_23["total"].as_i64(), Some(total - 2));
    assert!(!actions(&on_23).iter().any(|a| a.starts_with("test.")));
    let until_22 = day("to=2026-11-22").await;
    assert_eq!(actions(&until_22), vec!["test.late"]);
    assert_eq!(items(&until_22)[0]["at_seoul"], "2026-11-22 23:59");
    let from_24 = day("from=2026-11-24").await;
    assert_eq!(actions(&from_24), vec!["test.next_day"]);
    assert_eq!(items(&from_24)[0]["at_seoul"], "2026-11-24 00:00");
    let from_22 = day("from=2026-11-22").await;
    assert_eq!(from_22["total"].as_i64(), Some(total));
    let other = day("from=2026-01-01&to=2026-01-31").await;
    assert_eq!(other["total"], 0);
    // writes through another handle keep the chain whole
    let v = get(&app, "/api/v1/audit/verify", &token).await.json();
    assert_eq!(v, json!({"ok": true, "events": total}));
}

#[tokio::test]
async fn the_chain_check_finds_a_changed_event() {
    let app = demo_app().await;
    let (token, _) = login(&app, "auditor").await;
    let total = app.db.audit_count().await.expect("count");
    assert!(total >= 3);
    let r = get(&app, "/api/v1/audit/verify", &token).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!({"ok": true, "events": total}));
    // the page shows the same
    let page = get(&app, "/audit/verify", &token).await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains(&format!("{total}건을 모두 확인했습니다")), "{}", page.text());

    sqlx::query("UPDATE audit_events SET action = 'x' WHERE seq = 2").execute(app.db.pool()).await.expect("tamper");
    let v = get(&app, "/api/v1/audit/verify", &token).await.json();
    assert_eq!(v["ok"], false);
    assert_eq!(v["broken_at"], 2);
    assert!(v["reason"].as_str().is_some_and(|r| !r.is_empty()));
    assert!(v.get("events").is_none());
    let page = get(&app, "/audit/verify?lang=en", &token).await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("The chain is broken at event 2."), "{}", page.text());
}

/// Splits RFC 4180 CSV (quoted fields, doubled quotes, CRLF) into records.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
        } else {
            match c {
                '"' => quoted = true,
                ',' => record.push(std::mem::take(&mut field)),
                '\r' => {}
                '\n' => {
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                }
                _ => field.push(c),
            }
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

#[tokio::test]
async fn exports_hold_every_filtered_event() {
    let app = demo_app().await;
    let (token, _) = login(&app, "auditor").await;
    let total = app.db.audit_count().await.expect("count");

    let r = get(&app, "/api/v1/audit/export.csv", &token).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.header("content-type").starts_with("text/csv"));
    assert!(r.header("content-disposition").starts_with("attachment; filename=\"gureum-audit-"));
    assert!(r.body.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 byte-order mark");
    let text = std::str::from_utf8(&r.body[3..]).expect("utf-8");
    let rows = parse_csv(text);
    assert_eq!(rows[0], gureum_web::api::audit::CSV_HEADER.map(String::from).to_vec());
    assert_eq!(rows.len() as i64, total + 1, "a header and one line per event");
    assert!(rows.iter().all(|r| r.len() == rows[0].len()));
    let seq_col: Vec<i64> = rows[1..].iter().map(|r| r[0].parse().expect("seq")).collect();
    assert_eq!(seq_col, (1..=total).collect::<Vec<_>>(), "oldest first");
    let col = |name: &str| rows[0].iter().position(|h| h == name).expect("column");
    let batch = rows.iter().find(|r| r[col("action")] == "catalog.import_batch").expect("import batch");
    let after: Value = serde_json::from_str(&batch[col("after")]).expect("after is JSON");
    assert!(after["lines"].is_array());
    assert!(rows.iter().any(|r| r[col("actor_email")] == "auditor@demo.gureum.kr" && r[col("organisation_name")].contains("감사원")));

    // JSON: the same events, and enough to re-verify the chain outside the system
    let r = get(&app, "/api/v1/audit/export.json", &token).await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").starts_with("application/json"));
    let v: Value = serde_json::from_slice(&r.body).expect("JSON parses");
    assert_eq!(v["count"].as_i64(), Some(total));
    assert_eq!(items(&v).len() as i64, total);
    let mut previous = String::new();
    for item in items(&v) {
        let at = Clock::parse_fixed(item["at"].as_str().expect("at")).expect("rfc3339").now_micros();
        let s = |k: &str| item[k].as_str().map(str::to_owned);
        let ev = AuditEvent {
            seq: item["seq"].as_i64().expect("seq"),
            at,
            actor: s("actor").unwrap_or_default(),
            organisation: s("organisation"),
            action: s("action").unwrap_or_default(),
            entity_kind: s("entity_kind").unwrap_or_default(),
            entity_id: s("entity_id").unwrap_or_default(),
            before: Some(item["before"].clone()).filter(|b| !b.is_null()),
            after: Some(item["after"].clone()).filter(|a| !a.is_null()),
            request_id: s("request_id"),
        };
        let hash = ev.chain_hash(&previous);
        assert_eq!(item["hash"].as_str(), Some(hash.as_str()), "event {}", ev.seq);
        previous = hash;
    }

    // filters apply to both
    let r = get(&app, "/api/v1/audit/export.csv?action=auth.", &token).await;
    let rows = parse_csv(std::str::from_utf8(&r.body[3..]).expect("utf-8"));
    assert_eq!(rows.len(), 1 + 2, "the auditor's login and the buyer's failure");
    assert!(rows[1..].iter().all(|r| r[col("action")].starts_with("auth.")));
    let v: Value = serde_json::from_slice(&get(&app, "/api/v1/audit/export.json?entity_kind=demo", &token).await.body).expect("json");
    assert_eq!(v["count"], 1);
    assert_eq!(v["filter"], json!({"entity_kind": "demo"}));
    assert_eq!(get(&app, "/api/v1/audit/export.csv?to=x", &token).await.status, 400);
}

#[tokio::test]
async fn only_auditors_and_operators_read_and_auditors_change_nothing() {
    let app = demo_app().await;
    let routes = ["/api/v1/audit/events", "/api/v1/audit/verify", "/api/v1/audit/export.csv", "/api/v1/audit/export.json"];
    for uri in routes {
        let r = call(&app, "GET", uri, None, None).await;
        assert_eq!(r.status, 401, "{uri} without credentials");
        assert_eq!(r.json()["code"], "unauthenticated");
    }
    for who in ["buyer", "supplier", "reviewer", "pps", "sme"] {
        let (token, _) = login(&app, who).await;
        for uri in routes {
            let r = get(&app, uri, &token).await;
            assert_eq!(r.status, 403, "{who} on {uri}");
            assert_eq!(r.json()["code"], "forbidden");
        }
    }
    let (operator, _) = login(&app, "operator").await;
    for uri in routes {
        assert_eq!(get(&app, uri, &operator).await.status, 200, "operator on {uri}");
    }

    // the auditor cannot change anything, and trying changes nothing
    let (auditor, _) = login(&app, "auditor").await;
    let before = app.db.audit_count().await.expect("count");
    let org = app.db.organisations(None).await.expect("orgs").into_iter().next().expect("an organisation");
    let user = app.db.user_by_email("buyer@demo.gureum.kr").await.expect("user").expect("buyer");
    let attempts: Vec<(&str, String, Option<Value>)> = vec![
        ("POST", format!("/api/v1/organisations/{}/approve", org.id), None),
        ("POST", format!("/api/v1/organisations/{}/reject", org.id), Some(json!({"reason": "x"}))),
        ("POST", "/api/v1/organisations".into(), Some(json!({"kind": "agency", "name": "감사가 만든 기관"}))),
        ("POST", "/api/v1/tokens".into(), Some(json!({"name": "auditor token"}))),
        ("POST", format!("/api/v1/users/{}/lock", user.id), None),
    ];
    for (method, uri, body) in attempts {
        let r = call(&app, method, &uri, Some(&auditor), body).await;
        assert_eq!(r.status, 403, "auditor {method} {uri}: {}", r.text());
    }
    assert_eq!(app.db.audit_count().await.expect("count"), before, "nothing was written");
    let auditor_org = app.db.user_by_email("auditor@demo.gureum.kr").await.expect("user").expect("auditor").org_id;
    assert!(app.db.api_tokens_of(&auditor_org).await.expect("tokens").is_empty());
}

#[tokio::test]
async fn the_audit_page() {
    let app = demo_app().await;
    // visitors are sent to log in and come back
    for uri in ["/audit", "/audit?action=auth.", "/audit/verify", "/audit/export.csv", "/audit/export.json"] {
        let (status, headers, _) = app.get_raw(uri).await;
        assert_eq!(status, 303, "{uri}");
        let location = headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or_default();
        assert!(location.starts_with("/login?next=%2Faudit"), "{uri} → {location}");
    }
    let (status, headers, _) = app.get_raw("/audit?action=auth.").await;
    assert_eq!(status, 303);
    assert_eq!(headers.get("location").and_then(|v| v.to_str().ok()), Some("/login?next=%2Faudit%3Faction%3Dauth."));

    // other roles get the 403 page in the layout
    let (buyer, _) = login(&app, "buyer").await;
    let r = get(&app, "/audit", &buyer).await;
    assert_eq!(r.status, 403);
    assert!(r.header("content-type").starts_with("text/html"));
    assert!(r.text().contains("감사 기록은 감사와 운영기관 담당자만 볼 수 있습니다."));
    assert_eq!(get(&app, "/audit/export.csv", &buyer).await.status, 403);

    let (auditor, auditor_id) = login(&app, "auditor").await;
    let r = get(&app, "/audit", &auditor).await;
    assert_eq!(r.status, 200);
    let html = r.text();
    for needle in [
        "<table",
        "<caption>",
        "<th scope=\"col\">",
        "<th scope=\"row\"",
        "auth.login",
        "catalog.import_batch",
        "체인 검증",
        "<details>",
        "auditor@demo.gureum.kr",
        "2026-11-23 09:00",
    ] {
        assert!(html.contains(needle), "page has {needle}");
    }
    assert!(html.contains("href=\"/audit/export.csv\""));
    assert!(html.contains("<label for=\"f-from\">"));

    // filters are kept in the pager, the chain check and the downloads
    let r = get(&app, "/audit?action=catalog.&per_page=1&lang=en", &auditor).await;
    assert_eq!(r.status, 200);
    let html = r.text();
    assert!(html.contains("Audit log"));
    assert!(html.contains("value=\"catalog.\""));
    assert!(html.contains("/audit/export.csv?action=catalog."));
    assert!(html.contains("/audit/export.json?action=catalog."));
    assert!(html.contains("<input type=\"hidden\" name=\"action\" value=\"catalog.\">"));
    assert!(!html.contains(">auth.login<"), "filtered out");
    // (the `lang=en` above saved the auditor's language: its newest event is `user.language`)
    let r = get(&app, &format!("/audit?actor={auditor_id}&action=auth.&per_page=1"), &auditor).await;
    assert!(r.text().contains("auth.login"));

    // a wrong date shows the form again with the error
    let r = get(&app, "/audit?from=2026-13-01", &auditor).await;
    assert_eq!(r.status, 400);
    assert!(r.text().contains("YYYY-MM-DD"));
    assert!(r.text().contains("value=\"2026-13-01\""));

    // downloads from the page
    let r = get(&app, "/audit/export.csv?entity_kind=demo", &auditor).await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").starts_with("text/csv"));
    assert_eq!(parse_csv(std::str::from_utf8(&r.body[3..]).expect("utf-8")).len(), 2);
    let r = get(&app, "/audit/export.json", &auditor).await;
    assert_eq!(r.status, 200);
    assert!(serde_json::from_slice::<Value>(&r.body).is_ok());
}

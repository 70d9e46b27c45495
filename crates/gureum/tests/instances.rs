//! Several instances, one truth (docs/ARCHITECTURE.md): two `gureum serve` processes on one database, each
//! with its own index folder. A service listed through one is found through the other once its
//! change feed catches up (polled with a bounded wait, not timed), and an instance started after
//! changes catches up from the sequence its index stored.

mod common;

use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Instance {
    child: Child,
    base: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("port")
}

async fn start(data_dir: &std::path::Path, url: &str, shared_docs: &std::path::Path) -> Instance {
    let p = port();
    let child = Command::new(env!("CARGO_BIN_EXE_gureum"))
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--database-url")
        .arg(url)
        .arg("--documents-dir")
        .arg(shared_docs)
        .args(["serve", "--port", &p.to_string()])
        .env("GUREUM_NOW", common::NOW)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let inst = Instance { child, base: format!("http://127.0.0.1:{p}") };
    let c = reqwest::Client::new();
    for _ in 0..600 {
        if c.get(format!("{}/readyz", inst.base)).send().await.map(|r| r.status() == 200).unwrap_or(false) {
            return inst;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("instance at {} never became ready", inst.base);
}

async fn total(base: &str, q: &str) -> u64 {
    let v: Value = reqwest::get(format!("{base}/api/v1/services?q={q}")).await.expect("search").json().await.expect("json");
    v["total"].as_u64().unwrap_or(0)
}

/// Polls (bounded) until `base` finds `q`.
async fn eventually_found(base: &str, q: &str) -> bool {
    for _ in 0..200 {
        if total(base, q).await > 0 {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

async fn token(base: &str, email: &str) -> String {
    let v: Value = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": "gureum-demo"}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    v["token"].as_str().expect("token").to_owned()
}

/// One JSON call over HTTP; answers the status and the JSON.
async fn api(base: &str, method: reqwest::Method, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = reqwest::Client::new().request(method, format!("{base}{path}")).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.expect("request");
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

/// Creates a service through one instance, uploads its documents, submits it, and has the
/// committee select it (a round, two reviewers voting pass, the round closed); returns its code.
async fn list_new_service(base: &str, name: &str) -> String {
    use reqwest::Method;
    let sup = token(base, "supplier@demo.gureum.kr").await;
    let op = token(base, "operator@demo.gureum.kr").await;
    let body = json!({"name": name, "kind": "saas", "category": "협업", "summary": "여러 인스턴스 확인", "tags": ["다중인스턴스"]});
    let (_, created) = api(base, Method::POST, "/api/v1/services", &sup, Some(body)).await;
    let id = created["id"].as_str().unwrap_or_else(|| panic!("created: {created}")).to_owned();
    for t in common::required_documents("saas") {
        let (content_type, bytes) = common::multipart_file(t, "doc.pdf", common::PDF);
        let r = reqwest::Client::new()
            .post(format!("{base}/api/v1/services/{id}/documents"))
            .bearer_auth(&sup)
            .header("content-type", content_type)
            .body(bytes)
            .send()
            .await
            .expect("upload");
        assert_eq!(r.status().as_u16(), 201, "upload {t}");
    }
    let (s, v) = api(base, Method::POST, &format!("/api/v1/services/{id}/submit"), &sup, None).await;
    assert_eq!(s, 200, "submit: {v}");
    let (_, apps) = api(base, Method::GET, "/api/v1/applications?status=received", &op, None).await;
    let app_id = apps.as_array().and_then(|a| a.iter().find(|x| x["service_id"] == id.as_str())).expect("application")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let (s, round) =
        api(base, Method::POST, "/api/v1/rounds", &op, Some(json!({"name": format!("{name} 차수"), "meets_on": "2026-11-30"}))).await;
    assert_eq!(s, 201, "round: {round}");
    let mut reviewers = Vec::new();
    for who in ["reviewer", "reviewer2"] {
        let t = token(base, &format!("{who}@demo.gureum.kr")).await;
        let (_, me) = api(base, Method::GET, "/api/v1/me", &t, None).await;
        reviewers.push((t, me["id"].as_str().expect("my id").to_owned()));
    }
    let ids: Vec<&str> = reviewers.iter().map(|r| r.1.as_str()).collect();
    let (s, v) = api(
        base,
        Method::POST,
        &format!("/api/v1/applications/{app_id}/assign"),
        &op,
        Some(json!({"round_id": round["id"], "reviewer_ids": ids})),
    )
    .await;
    assert_eq!(s, 200, "assign: {v}");
    for (t, _) in &reviewers {
        let (s, v) = api(base, Method::POST, &format!("/api/v1/applications/{app_id}/votes"), t, Some(common::vote_body("pass"))).await;
        assert_eq!(s, 201, "vote: {v}");
    }
    let (s, v) = api(base, Method::POST, &format!("/api/v1/rounds/{}/close", round["id"].as_str().expect("id")), &op, None).await;
    assert_eq!(s, 200, "close: {v}");
    created["code"].as_str().expect("code").to_owned()
}

#[tokio::test]
async fn two_instances_share_one_database_and_follow_its_change_feed() {
    let root = tempfile::tempdir().expect("tempdir");
    let url = common::fresh_database_url(&root).await;
    let db = gureum_storage::Db::connect(&url, common::clock()).await.expect("db");
    gureum::seed::seed_catalog(&db, 60, 2026, common::clock().today(), false).await.expect("seed");
    gureum::demo::seed_demo_accounts(&db).await.expect("accounts");
    let docs = root.path().join("documents");
    let (dir_a, dir_b) = (root.path().join("a"), root.path().join("b"));

    let a = start(&dir_a, &url, &docs).await;
    let b = start(&dir_b, &url, &docs).await;
    // listed through A: A finds it as soon as the action returned; B once its feed catches up
    let code = list_new_service(&a.base, "첫째 인스턴스 서비스").await;
    assert!(total(&a.base, &code).await == 1, "the instance that answered finds it at once");
    assert!(eventually_found(&b.base, &code).await, "the other instance follows the change feed");

    // B stops; A lists another; B starts again and catches up from its stored sequence
    drop(b);
    let code2 = list_new_service(&a.base, "둘째 인스턴스 서비스").await;
    let b = start(&dir_b, &url, &docs).await;
    assert_eq!(total(&b.base, &code2).await, 1, "ready means caught up");
    // and both agree on the whole catalog
    let all_a: Value = reqwest::get(format!("{}/api/v1/services?per_page=1", a.base)).await.expect("a").json().await.expect("json");
    let all_b: Value = reqwest::get(format!("{}/api/v1/services?per_page=1", b.base)).await.expect("b").json().await.expect("json");
    assert_eq!(all_a["total"], all_b["total"]);
    assert_eq!(all_a["facets"], all_b["facets"]);
    db.close().await;
}

/// `gureum reindex` while a server answers: it builds a new generation beside the live one and
/// swaps it in; every search during the rebuild answers with the full result, and after the
/// swap the server writes to the new generation (a new listing is found at once).
#[tokio::test]
async fn reindex_while_serving_keeps_answering_with_full_results() {
    let root = tempfile::tempdir().expect("tempdir");
    let url = common::fresh_database_url(&root).await;
    let db = gureum_storage::Db::connect(&url, common::clock()).await.expect("db");
    gureum::seed::seed_catalog(&db, 400, 2026, common::clock().today(), false).await.expect("seed");
    gureum::demo::seed_demo_accounts(&db).await.expect("accounts");
    let listed = db.count_services(gureum_domain::ServiceStatus::Listed).await.expect("count") as u64;
    let data = root.path().join("a");
    let server = start(&data, &url, &root.path().join("documents")).await;
    let before = gureum_app::index::current_generation(&data.join("index")).expect("generation");

    let base = server.base.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop2 = stop.clone();
    let searcher = tokio::spawn(async move {
        let c = reqwest::Client::new();
        let mut answered = 0u32;
        let mut wrong = Vec::new();
        for _ in 0..5_000 {
            if stop2.load(std::sync::atomic::Ordering::Relaxed) {
                break;
            }
            let r = c.get(format!("{base}/api/v1/services?per_page=5")).send().await.expect("search");
            let status = r.status().as_u16();
            let v: Value = r.json().await.unwrap_or(Value::Null);
            if status != 200 || v["total"].as_u64() != Some(listed) {
                wrong.push(format!("{status} {}", v["total"]));
            }
            answered += 1;
        }
        (answered, wrong)
    });
    let out = Command::new(env!("CARGO_BIN_EXE_gureum"))
        .arg("--data-dir")
        .arg(&data)
        .arg("--database-url")
        .arg(&url)
        .arg("reindex")
        .env("GUREUM_NOW", common::NOW)
        .output()
        .expect("reindex");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let after = gureum_app::index::current_generation(&data.join("index")).expect("generation");
    assert_ne!(before, after, "a new generation is live");
    // The server has noticed the swap when it lets go of the old generation (it removes it once
    // unused); search on until then.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while data.join("index").join(&before).exists() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (answered, wrong) = searcher.await.expect("searcher");
    assert!(answered > 0);
    assert!(wrong.is_empty(), "{} of {answered} searches were not full: {:?}", wrong.len(), &wrong[..wrong.len().min(5)]);
    // the server now writes to the new generation
    let code = list_new_service(&server.base, "재색인 후 서비스").await;
    assert_eq!(total(&server.base, &code).await, 1);
    assert!(!data.join("index").join(&before).exists(), "the old generation was removed once unused");
    db.close().await;
}

/// Fifty contracts against one budget line, sent at once through two instances on one database
/// (SPEC §4 "Buying": never exceeded, even under concurrent requests on several instances):
/// exactly what fits is committed, the rest is refused with `budget_exceeded`.
#[tokio::test]
async fn fifty_contracts_through_two_instances_commit_exactly_what_fits() {
    use reqwest::Method;
    let root = tempfile::tempdir().expect("tempdir");
    let url = common::fresh_database_url(&root).await;
    let db = gureum_storage::Db::connect(&url, common::clock()).await.expect("db");
    gureum::seed::seed_catalog(&db, 60, 2026, common::clock().today(), false).await.expect("seed");
    gureum::demo::seed_demo_accounts(&db).await.expect("accounts");
    let docs = root.path().join("documents");
    let a = start(&root.path().join("a"), &url, &docs).await;
    let b = start(&root.path().join("b"), &url, &docs).await;
    let (buyer, supplier, budget) = (
        token(&a.base, "buyer@demo.gureum.kr").await,
        token(&a.base, "supplier@demo.gureum.kr").await,
        token(&a.base, "budget@demo.gureum.kr").await,
    );
    let (_, probe_line) = api(
        &a.base,
        Method::POST,
        "/api/v1/budget-lines",
        &budget,
        Some(json!({"fiscal_year": 2026, "name": "시험", "amount_krw": 1_000_000_000_000_i64})),
    )
    .await;

    // a quote on a service of the demo supplier that the gate lets through
    let u = db.user_by_email("supplier@demo.gureum.kr").await.expect("db").expect("user");
    let sid = db.organisation(&u.org_id).await.expect("db").and_then(|o| o.supplier_id).expect("supplier");
    let (_, sup) = api(&a.base, Method::GET, &format!("/api/v1/suppliers/{sid}"), &buyer, None).await;
    let quote = |service: Value, plan: Value, price: Value| {
        let (buyer, supplier, base) = (buyer.clone(), supplier.clone(), a.base.clone());
        async move {
            let (s, r) = api(&base, Method::POST, "/api/v1/quote-requests", &buyer, Some(json!({"service_id": service, "items": [{"plan": plan, "quantity": 1, "months": 1}], "starts_on": "2027-01-01", "ends_on": "2027-12-31"}))).await;
            assert_eq!(s, 201, "{r}");
            let path = format!("/api/v1/quote-requests/{}/quotes", r["id"].as_str().expect("id"));
            let (s, q) = api(
                &base,
                Method::POST,
                &path,
                &supplier,
                Some(json!({"items": [{"plan": plan, "unit_price_krw": price, "quantity": 1, "months": 1}], "valid_until": "2026-12-31"})),
            )
            .await;
            assert_eq!(s, 201, "{q}");
            q["id"].as_str().expect("quote id").to_owned()
        }
    };
    let contract = |base: String, qid: String, line: Value| {
        let buyer = buyer.clone();
        async move {
            let body = json!({"quote_id": qid, "type": "one_off", "fee_model": "fixed", "billing": "monthly", "budget_line_id": line});
            api(&base, Method::POST, "/api/v1/contracts", &buyer, Some(body)).await
        }
    };
    let mut chosen = None;
    for svc in sup["services"].as_array().expect("services") {
        let (_, detail) = api(&a.base, Method::GET, &format!("/api/v1/services/{}", svc["id"].as_str().expect("id")), &buyer, None).await;
        if detail["orderable"] != true {
            continue;
        }
        let Some(p) = detail["listing"]["price_plans"].as_array().and_then(|p| p.first()).cloned() else { continue };
        let (plan, price) = (p["name"].clone(), p["unit_price_krw"].clone());
        if price.as_i64().unwrap_or(0) < 1 {
            continue;
        }
        let qid = quote(svc["id"].clone(), plan.clone(), price.clone()).await;
        if contract(a.base.clone(), qid, probe_line["id"].clone()).await.0 == 201 {
            chosen = Some((svc["id"].clone(), plan, price));
            break;
        }
    }
    let (service, plan, price) = chosen.expect("an orderable priced service of the demo supplier");
    let each = price.as_i64().expect("price");
    let fits = 20;
    let (_, line) = api(
        &a.base,
        Method::POST,
        "/api/v1/budget-lines",
        &budget,
        Some(json!({"fiscal_year": 2026, "name": "동시 계약", "amount_krw": each * fits})),
    )
    .await;
    let mut quotes = Vec::new();
    for _ in 0..50 {
        quotes.push(quote(service.clone(), plan.clone(), price.clone()).await);
    }
    let mut set = tokio::task::JoinSet::new();
    for (n, qid) in quotes.into_iter().enumerate() {
        let base = if n % 2 == 0 { a.base.clone() } else { b.base.clone() };
        set.spawn(contract(base, qid, line["id"].clone()));
    }
    let answers = set.join_all().await;
    assert!(answers.iter().all(|(s, v)| *s == 201 || (*s == 409 && v["code"] == "budget_exceeded")), "{answers:?}");
    assert_eq!(answers.iter().filter(|(s, _)| *s == 201).count() as i64, fits, "exactly what fits");
    let (_, lines) = api(&b.base, Method::GET, "/api/v1/budget-lines", &budget, None).await;
    let l = lines.as_array().expect("lines").iter().find(|l| l["id"] == line["id"]).cloned().expect("line");
    assert_eq!((l["committed_krw"].as_i64(), l["available_krw"].as_i64()), (Some(each * fits), Some(0)));
    db.close().await;
}

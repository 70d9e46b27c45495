//! "Never exceeded, whatever the concurrency and however many instances" (SPEC §4 "Cloud
//! vouchers"): a hundred selections against one programme's budget and a hundred approvals
//! against one voucher's grant, sent at once through the real server — two `gureum serve`
//! instances on one PostgreSQL, one on SQLite — grant and approve exactly what fits.

mod common;

use gureum_domain::account::OrgKind;
use gureum_storage::{NewOrganisation, OrgStatus, VoucherApplication};
use reqwest::Method;
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

async fn token(base: &str, who: &str) -> String {
    let (s, v) = api(
        base,
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some(json!({"email": format!("{who}@demo.gureum.kr"), "password": common::PW})),
    )
    .await;
    assert_eq!(s, 200, "{who}: {v}");
    v["token"].as_str().expect("token").to_owned()
}

async fn api(base: &str, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    let mut req = reqwest::Client::new().request(method, format!("{base}{path}"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.expect("request");
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_else(|| panic!("an id in {v}")).to_owned()
}

const N: usize = 100;

#[tokio::test]
async fn a_hundred_selections_and_approvals_at_once_commit_exactly_what_fits() {
    let root = tempfile::tempdir().expect("tempdir");
    let url = common::fresh_database_url(&root).await;
    let db = gureum_storage::Db::connect(&url, common::clock()).await.expect("db");
    gureum::seed::seed_catalog(&db, 60, 2026, common::clock().today(), false).await.expect("seed");
    gureum::demo::seed_demo_accounts(&db).await.expect("accounts");
    let docs = root.path().join("documents");
    let a = start(&root.path().join("a"), &url, &docs).await;
    // two instances on one PostgreSQL; SQLite is one process's file
    let b = if common::engine() == "postgres" { Some(start(&root.path().join("b"), &url, &docs).await) } else { None };
    let base_of = |n: usize| match (&b, n % 2) {
        (Some(b), 1) => b.base.clone(),
        _ => a.base.clone(),
    };
    let (op, sup, sme) = (token(&a.base, "operator").await, token(&a.base, "supplier").await, token(&a.base, "sme").await);

    // ── a hundred selections against one budget: 37 grants of 1,000,000 fit ──
    let fits_grants = 37_i64;
    let body = json!({"year": 2026, "name": "동시 선정", "total_budget_krw": fits_grants * 1_000_000, "company_cap_krw": 1_000_000,
        "government_share_pct": 80, "cost_types": ["usage"], "apply_from": "2026-11-01", "apply_to": "2026-11-30", "use_until": "2027-06-30"});
    let (s, p1) = api(&a.base, Method::POST, "/api/v1/voucher-programmes", Some(&op), Some(body)).await;
    assert_eq!(s, 201, "{p1}");
    let p1 = id(&p1);
    // a hundred companies' applications, written straight (a hundred sign-ups would meet the throttle)
    let mut tx = db.begin_write().await.expect("tx");
    let mut apps = Vec::new();
    for n in 0..N {
        let org = uuid::Uuid::new_v4().to_string();
        tx.insert_organisation(&NewOrganisation {
            id: org.clone(),
            kind: OrgKind::Sme,
            name: format!("동시상회 {n}"),
            business_number: None,
            supplier_id: None,
            status: OrgStatus::Approved,
            registration_doc: None,
            representative: Some(format!("대표 {n}")),
            address: Some(format!("대전광역시 유성구 {n}")),
            phone: None,
            contact_email: None,
            privacy_consent: true,
        })
        .await
        .expect("org");
        let app = VoucherApplication {
            id: uuid::Uuid::new_v4().to_string(),
            programme_id: p1.clone(),
            org_id: org,
            user_id: "cli".into(),
            plan: "동시성 시험".into(),
            requested_krw: 1_000_000,
            company_size: None,
            client_network: None,
            status: "submitted".into(),
            reason: None,
            created_at: 0,
            decided_by: None,
            decided_at: None,
            company_name: String::new(),
            company_address: None,
            company_representative: None,
            company_phone: None,
            company_business_number: None,
            prior_vouchers: 0,
            voucher_id: None,
        };
        tx.insert_voucher_application(&app).await.expect("application");
        apps.push(app.id);
    }
    tx.commit().await.expect("commit");
    let mut set = tokio::task::JoinSet::new();
    for (n, app) in apps.iter().enumerate() {
        let (base, op, path) = (base_of(n), op.clone(), format!("/api/v1/voucher-applications/{app}/select"));
        set.spawn(async move { api(&base, Method::POST, &path, Some(&op), Some(json!({"granted_krw": 1_000_000}))).await });
    }
    let answers = set.join_all().await;
    assert!(answers.iter().all(|(s, v)| *s == 200 || (*s == 409 && v["code"] == "programme_budget_exceeded")), "{answers:?}");
    assert_eq!(answers.iter().filter(|(s, _)| *s == 200).count() as i64, fits_grants, "exactly what fits is granted");
    let (_, prog) = api(&base_of(1), Method::GET, &format!("/api/v1/voucher-programmes/{p1}"), None, None).await;
    assert_eq!((prog["granted_krw"].as_i64(), prog["remaining_krw"].as_i64()), (Some(fits_grants * 1_000_000), Some(0)));
    let (_, vouchers) = api(&a.base, Method::GET, "/api/v1/vouchers", Some(&op), None).await;
    assert_eq!(vouchers.as_array().map(Vec::len), Some(fits_grants as usize));

    // ── a hundred approvals against one voucher: 23 reimbursements of 800,000 fit ──
    let fits_claims = 23_i64;
    let grant = fits_claims * 800_000;
    let body = json!({"year": 2026, "name": "동시 승인", "total_budget_krw": 100_000_000, "company_cap_krw": 20_000_000,
        "government_share_pct": 80, "cost_types": ["usage"], "apply_from": "2026-11-01", "apply_to": "2026-11-30", "use_until": "2027-06-30"});
    let (s, p2) = api(&a.base, Method::POST, "/api/v1/voucher-programmes", Some(&op), Some(body)).await;
    assert_eq!(s, 201, "{p2}");
    let p2 = id(&p2);
    let org = db.user_by_email("supplier@demo.gureum.kr").await.expect("db").expect("user").org_id;
    let sid = db.organisation(&org).await.expect("db").and_then(|o| o.supplier_id).expect("supplier");
    let today = common::clock().today();
    let mut service = None;
    for s in db.supplier_services(&sid, &[gureum_domain::ServiceStatus::Listed]).await.expect("db") {
        let rec = db.service(gureum_storage::ServiceKey::Id(&s.id)).await.expect("db").expect("service");
        if rec.listing.certification.as_ref().is_some_and(|c| c.valid_on(today)) {
            service = Some(rec.id);
            break;
        }
    }
    let service = service.expect("a certified service of the demo supplier");
    let (s, entry) =
        api(&a.base, Method::POST, &format!("/api/v1/voucher-programmes/{p2}/services"), Some(&sup), Some(json!({"service_id": service})))
            .await;
    assert_eq!(s, 201, "{entry}");
    let entry = id(&entry);
    let (s, v) = api(&a.base, Method::POST, &format!("/api/v1/voucher-services/{entry}/approve"), Some(&op), None).await;
    assert_eq!(s, 200, "{v}");
    let (s, app) = api(
        &a.base,
        Method::POST,
        "/api/v1/voucher-applications",
        Some(&sme),
        Some(json!({"programme_id": p2, "plan": "전환", "requested_krw": grant})),
    )
    .await;
    assert_eq!(s, 201, "{app}");
    let (s, voucher) = api(
        &a.base,
        Method::POST,
        &format!("/api/v1/voucher-applications/{}/select", id(&app)),
        Some(&op),
        Some(json!({"granted_krw": grant})),
    )
    .await;
    assert_eq!(s, 200, "{voucher}");
    let voucher = id(&voucher);
    let boundary = "voucher-concurrency";
    let mut upload = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"proof.pdf\"\r\n\r\n").into_bytes();
    upload.extend_from_slice(common::PDF);
    upload.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let doc: Value = reqwest::Client::new()
        .post(format!("{}/api/v1/voucher-documents", a.base))
        .bearer_auth(&sme)
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(upload)
        .send()
        .await
        .expect("upload")
        .json()
        .await
        .expect("json");
    let doc = id(&doc);
    let mut claims = Vec::new();
    for n in 0..N {
        let body = json!({"voucher_id": voucher, "voucher_service_id": entry, "cost_type": "usage", "paid_krw": 1_000_000, "paid_on": "2026-11-20",
            "tax_invoice_number": format!("C-{n:04}"), "evidence_document_ids": [doc]});
        let (s, c) = api(&base_of(n), Method::POST, "/api/v1/voucher-claims", Some(&sme), Some(body)).await;
        assert_eq!((s, c["reimbursement_krw"].as_i64()), (201, Some(800_000)), "{c}");
        claims.push(id(&c));
    }
    let mut set = tokio::task::JoinSet::new();
    for (n, c) in claims.iter().enumerate() {
        let (base, op, path) = (base_of(n), op.clone(), format!("/api/v1/voucher-claims/{c}/approve"));
        set.spawn(async move { api(&base, Method::POST, &path, Some(&op), None).await });
    }
    let answers = set.join_all().await;
    assert!(answers.iter().all(|(s, v)| *s == 200 || (*s == 409 && v["code"] == "voucher_exhausted")), "{answers:?}");
    assert_eq!(answers.iter().filter(|(s, _)| *s == 200).count() as i64, fits_claims, "exactly what fits is approved");
    let (_, v) = api(&base_of(1), Method::GET, &format!("/api/v1/vouchers/{voucher}"), Some(&sme), None).await;
    assert_eq!((v["reimbursed_krw"].as_i64(), v["remaining_krw"].as_i64()), (Some(grant), Some(0)), "{v}");
    let (_, prog) = api(&a.base, Method::GET, &format!("/api/v1/voucher-programmes/{p2}"), None, None).await;
    assert_eq!(prog["reimbursed_krw"].as_i64(), Some(grant));
    let (_, all) = api(&a.base, Method::GET, &format!("/api/v1/voucher-claims?voucher_id={voucher}"), Some(&op), None).await;
    let approved = all.as_array().expect("claims").iter().filter(|c| c["status"] == "approved").count() as i64;
    assert_eq!(approved, fits_claims, "the refused ones stay submitted");
    drop(b);
    db.close().await;
}

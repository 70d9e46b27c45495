//! Open contracting data (issue #26 point 5; SPEC §4 "Open data"), on the engine the run asks
//! for: every package the demo produces — each page of the release feed, each process's record
//! package, each month's bulk file — is valid against the official OCDS 1.1.5 schema (the copy
//! in `tests/ocds-schema/1.1.5/`, every `$ref` answered from those files, never fetched); a
//! process built through the API shows each step as its release; nothing personal is published;
//! bad input is a 4xx with its code.

mod common;

use common::{TestApp, World, world};
use gureum_storage::{ServiceKey, ServiceRecord};
use serde_json::{Value, json};
use std::path::PathBuf;

// ───────────────────────────── the schema, offline ─────────────────────────────

fn schema_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/ocds-schema/1.1.5")
}

fn load(name: &str) -> Value {
    let path = schema_dir().join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).expect("schema JSON")
}

const BASE: &str = "https://standard.open-contracting.org/schema/1__1__5/";

/// Refuses every address: the schemas are all added from the local copy, nothing is fetched.
struct Offline;

impl boon::UrlLoader for Offline {
    fn load(&self, url: &str) -> Result<Value, Box<dyn std::error::Error>> {
        Err(format!("offline: {url} is not one of the local OCDS 1.1.5 schemas").into())
    }
}

/// A compiled package schema, with each `$ref` (`https://standard.open-contracting.org/schema/
/// 1__1__5/NAME`) answered from `tests/ocds-schema/1.1.5/NAME`.
struct Validator {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Validator {
    fn validate(&self, doc: &Value) -> Result<(), String> {
        self.schemas.validate(doc, self.index).map_err(|e| format!("{e:#}"))
    }
}

fn validator(name: &str) -> Validator {
    let mut compiler = boon::Compiler::new();
    compiler.set_default_draft(boon::Draft::V4);
    compiler.enable_format_assertions();
    compiler.use_loader(Box::new(Offline));
    for file in
        ["release-schema.json", "release-package-schema.json", "record-package-schema.json", "versioned-release-validation-schema.json"]
    {
        compiler.add_resource(&format!("{BASE}{file}"), load(file)).expect("a local schema");
    }
    let mut schemas = boon::Schemas::new();
    let index = compiler.compile(&format!("{BASE}{name}"), &mut schemas).unwrap_or_else(|e| panic!("the OCDS schema compiles: {e:#}"));
    Validator { schemas, index }
}

fn assert_valid(v: &Validator, doc: &Value, what: &str) {
    if let Err(e) = v.validate(doc) {
        panic!("{what} is not valid OCDS 1.1.5:\n{e}\n{doc:#}");
    }
}

// ───────────────────────────── helpers ─────────────────────────────

async fn get(app: &TestApp, uri: &str) -> (u16, Value) {
    app.call("GET", uri, None, None).await
}

fn path_of(url: &str) -> String {
    let at = url.find("/api/").expect("an API address");
    url[at..].to_owned()
}

/// Every page of the feed (from `first`), following `links.next`.
async fn feed(app: &TestApp, first: &str) -> Vec<Value> {
    let mut pages = Vec::new();
    let mut next = Some(first.to_owned());
    while let Some(uri) = next {
        let (s, p) = get(app, &uri).await;
        assert_eq!(s, 200, "{uri}: {p}");
        next = p["links"]["next"].as_str().map(path_of);
        pages.push(p);
        assert!(pages.len() < 50, "the feed ends");
    }
    pages
}

fn releases(pages: &[Value]) -> Vec<Value> {
    pages.iter().flat_map(|p| p["releases"].as_array().cloned().unwrap_or_default()).collect()
}

fn tags(rs: &[Value]) -> Vec<String> {
    let mut t: Vec<String> =
        rs.iter().flat_map(|r| r["tag"].as_array().cloned().unwrap_or_default()).filter_map(|t| t.as_str().map(str::to_owned)).collect();
    t.sort();
    t.dedup();
    t
}

async fn record(app: &TestApp, ocid: &str) -> Value {
    let (s, p) = get(app, &format!("/api/v1/ocds/records/{ocid}")).await;
    assert_eq!(s, 200, "{ocid}: {p}");
    p
}

async fn supplier_id_of(app: &TestApp, who: &str) -> String {
    let u = app.db.user_by_email(&format!("{who}@demo.gureum.kr")).await.expect("user").expect("demo user");
    let org = app.db.organisation(&u.org_id).await.expect("org").expect("demo org");
    org.supplier_id.expect("a supplier organisation")
}

async fn orderable(app: &TestApp) -> ServiceRecord {
    let sid = supplier_id_of(app, "supplier").await;
    let (_, hits) = gureum_app::catalog::supplier(&app.state, &sid).await.expect("supplier");
    for h in hits {
        let rec = app.db.service(ServiceKey::Id(&h.id)).await.expect("service").expect("listed");
        if !rec.listing.price_plans.is_empty() && gureum_app::buying::gate_reasons(&app.state, &rec, None).await.expect("gate").is_empty() {
            return rec;
        }
    }
    panic!("the demo supplier has an orderable service")
}

async fn created(app: &TestApp, uri: &str, token: &str, body: Value) -> Value {
    let (s, v) = app.call("POST", uri, Some(token), Some(body)).await;
    assert!(s == 201 || s == 200, "{uri}: {s} {v}");
    v
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

// ───────────────────────────── the demo ─────────────────────────────

#[tokio::test]
async fn every_package_the_demo_produces_is_valid_ocds_and_public_only() {
    let w = world().await;
    let app = &w.app;
    gureum::demo_buying::seed_demo_buying(&app.state).await.expect("demo buying");
    let release_package = validator("release-package-schema.json");
    let record_package = validator("record-package-schema.json");

    let pages = feed(app, "/api/v1/ocds/releases").await;
    let mut texts = Vec::new();
    for p in &pages {
        assert_valid(&release_package, p, "a page of the release feed");
        assert_eq!(p["version"], "1.1");
        texts.push(p.to_string());
    }
    let rs = releases(&pages);
    for t in ["planning", "tender", "award", "contract", "implementation"] {
        assert!(tags(&rs).iter().any(|x| x == t), "the demo publishes a {t} release: {:?}", tags(&rs));
    }
    let mut ids: Vec<&str> = rs.iter().map(|r| r["id"].as_str().unwrap_or_default()).collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "release ids are unique");
    let dates: Vec<&str> = rs.iter().map(|r| r["date"].as_str().unwrap_or_default()).collect();
    assert!(dates.windows(2).all(|d| d[0] <= d[1]), "oldest first: {dates:?}");
    assert!(rs.iter().all(|r| r["ocid"].as_str().is_some_and(|o| o.starts_with("ocds-gureum-"))));
    let payment = rs.iter().find(|r| r["tag"] == json!(["implementation"])).expect("a paid invoice");
    let t = &payment["contracts"][0]["implementation"]["transactions"][0];
    assert_eq!(t["value"]["currency"], "KRW");
    assert!(t["value"]["amount"].as_i64().is_some_and(|a| a > 0), "{t}");
    let supplier = payment["parties"]
        .as_array()
        .expect("parties")
        .iter()
        .find(|p| p["roles"].as_array().is_some_and(|r| r.contains(&json!("supplier"))))
        .expect("the supplier");
    assert_eq!(supplier["identifier"]["scheme"], "KR-BRN");
    assert_eq!(supplier["identifier"]["id"].as_str().map(str::len), Some(10), "{supplier}");

    // every process's record package
    let mut ocids: Vec<String> = rs.iter().filter_map(|r| r["ocid"].as_str().map(str::to_owned)).collect();
    ocids.sort();
    ocids.dedup();
    assert!(ocids.len() >= 3, "the decided project, the open one and the delivery request: {ocids:?}");
    for ocid in &ocids {
        let p = record(app, ocid).await;
        assert_valid(&record_package, &p, &format!("the record package of {ocid}"));
        let rec = &p["records"][0];
        assert_eq!(rec["ocid"], ocid.as_str());
        assert_eq!(rec["compiledRelease"]["tag"], json!(["compiled"]));
        let own: Vec<&Value> = rs.iter().filter(|r| r["ocid"] == ocid.as_str()).collect();
        assert_eq!(rec["releases"].as_array().map(Vec::len), Some(own.len()), "the record holds the feed's releases of {ocid}");
        texts.push(p.to_string());
    }
    let decided = ocids
        .iter()
        .find(|o| rs.iter().any(|r| r["ocid"] == o.as_str() && r["tag"] == json!(["award"])))
        .expect("the decided project's process");
    let compiled = record(app, decided).await["records"][0]["compiledRelease"].clone();
    assert!(compiled["awards"][0]["description"].as_str().is_some_and(|d| d.contains("보안인증")), "the recorded reason: {compiled}");
    assert_eq!(compiled["contracts"][0]["awardID"], compiled["awards"][0]["id"]);
    assert!(compiled["contracts"][0]["implementation"]["transactions"].as_array().is_some_and(|t| !t.is_empty()));

    // each month's bulk file holds that month's releases; a month without any is 404
    let mut in_bulk = 0;
    for year in 2025..=2027 {
        for month in 1..=12 {
            let uri = format!("/api/v1/ocds/bulk/{year}-{month:02}.json");
            let (s, p) = get(app, &uri).await;
            match s {
                200 => {
                    assert_valid(&release_package, &p, &uri);
                    in_bulk += p["releases"].as_array().map_or(0, Vec::len);
                    texts.push(p.to_string());
                }
                404 => assert_eq!(p["code"], "not_found"),
                _ => panic!("{uri}: {s} {p}"),
            }
        }
    }
    assert_eq!(in_bulk, rs.len(), "the bulk files hold every release once");

    // reproducible: the same data gives the same packages
    assert_eq!(feed(app, "/api/v1/ocds/releases").await, pages);

    // nothing personal: no e-mail, and no demo person's name, phone or representative
    let mut secrets = Vec::new();
    for who in ["buyer", "budget", "signatory", "supplier", "supplier2", "pps", "operator", "auditor", "sme", "reviewer"] {
        let Some(u) = app.db.user_by_email(&format!("{who}@demo.gureum.kr")).await.expect("user") else { continue };
        secrets.push(u.email.clone());
        secrets.push(u.name.clone());
        secrets.extend(u.phone.clone());
        let o = app.db.organisation(&u.org_id).await.expect("org").expect("org");
        secrets.extend([o.representative, o.phone, o.contact_email, o.address].into_iter().flatten());
    }
    secrets.retain(|s| s.chars().count() >= 2);
    assert!(!secrets.is_empty());
    for text in &texts {
        assert!(!text.contains("@demo.gureum.kr"), "an e-mail in a package");
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "{s:?} is published");
        }
    }
}

// ───────────────────────────── a process step by step ─────────────────────────────

#[tokio::test]
async fn each_step_of_a_process_is_its_release_and_the_record_compiles_them() {
    let w: World = world().await;
    let app = &w.app;
    let budget = app.login("budget").await;
    let signatory = app.login("signatory").await;
    let rec = orderable(app).await;
    let (plan, price) = (rec.listing.price_plans[0].name.clone(), rec.listing.price_plans[0].unit_price_krw.won());
    let line =
        id(&created(app, "/api/v1/budget-lines", &budget, json!({"fiscal_year": 2026, "name": "공개", "amount_krw": 10_000_000_000_i64}))
            .await);

    // a project: opened, searched, short-listed, decided; a quote request under it
    let project = id(&created(app, "/api/v1/projects", &w.buyer, json!({"title": "공개 테스트 사업", "required_grade": null})).await);
    created(app, &format!("/api/v1/projects/{project}/searches"), &w.buyer, json!({"q": rec.code})).await;
    let (s, v) =
        app.call("PUT", &format!("/api/v1/projects/{project}/shortlist"), Some(&w.buyer), Some(json!({"service_ids": [rec.id]}))).await;
    assert_eq!(s, 200, "{v}");
    let decision = created(
        app,
        &format!("/api/v1/projects/{project}/decision"),
        &w.buyer,
        json!({"chosen_service_ids": [rec.id], "reason": "요금과 보안인증을 비교해 선정"}),
    )
    .await;
    let request = created(
        app,
        "/api/v1/quote-requests",
        &w.buyer,
        json!({"project_id": project, "service_id": rec.id, "items": [{"plan": plan, "quantity": 2, "months": 12}], "starts_on": "2027-01-01", "ends_on": "2027-12-31", "message": "견적 요청"}),
    )
    .await;
    let quote = created(
        app,
        &format!("/api/v1/quote-requests/{}/quotes", id(&request)),
        &w.supplier,
        json!({"items": [{"plan": plan, "unit_price_krw": price, "quantity": 2, "months": 12}], "valid_until": "2026-12-31", "note": "견적"}),
    )
    .await;
    let contract = created(
        app,
        "/api/v1/contracts",
        &w.buyer,
        json!({"quote_id": id(&quote), "type": "one_off", "fee_model": "fixed", "billing": "monthly", "budget_line_id": line, "cap_krw": price * 24, "decision_record_id": id(&decision)}),
    )
    .await;
    let cid = id(&contract);
    let ocid = format!("ocds-gureum-{project}");
    let before_signing = record(app, &ocid).await;
    let tags_of =
        |p: &Value| -> Vec<Value> { p["records"][0]["releases"].as_array().expect("releases").iter().map(|r| r["tag"].clone()).collect() };
    assert_eq!(tags_of(&before_signing), [json!(["planning"]), json!(["tender"]), json!(["award"])], "a draft contract is not published");

    for who in [signatory.as_str(), w.supplier.as_str()] {
        let (s, v) = app
            .call("POST", &format!("/api/v1/contracts/{cid}/accept"), Some(who), Some(json!({"text_hash": contract["text_hash"]})))
            .await;
        assert_eq!(s, 200, "{v}");
    }
    let signed = record(app, &ocid).await;
    let contract_release = signed["records"][0]["releases"][3].clone();
    assert_eq!(contract_release["tag"], json!(["contract"]));
    assert_eq!(contract_release["contracts"][0]["value"], json!({"amount": price * 24, "currency": "KRW"}));
    assert_eq!(contract_release["contracts"][0]["awardID"], id(&decision));

    // an accepted amendment, then the termination
    let a = created(
        app,
        &format!("/api/v1/contracts/{cid}/amendments"),
        &w.supplier,
        json!({"changes": {"ends_on": "2028-06-30", "cap_krw": price * 30}, "reason": "이관 일정 연장"}),
    )
    .await;
    let (s, v) = app
        .call("POST", &format!("/api/v1/amendments/{}/accept", id(&a)), Some(&signatory), Some(json!({"text_hash": a["text_hash"]})))
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) =
        app.call("POST", &format!("/api/v1/contracts/{cid}/terminate"), Some(&signatory), Some(json!({"reason": "사업 종료"}))).await;
    assert_eq!(s, 200, "{v}");

    let p = record(app, &ocid).await;
    assert_valid(&validator("record-package-schema.json"), &p, "the record package");
    assert_eq!(
        tags_of(&p),
        [
            json!(["planning"]),
            json!(["tender"]),
            json!(["award"]),
            json!(["contract"]),
            json!(["contractAmendment"]),
            json!(["contractTermination"])
        ]
    );
    let rs = p["records"][0]["releases"].as_array().expect("releases").clone();
    assert_eq!(rs[3], contract_release, "the contract's release is what it was when signed");
    assert_eq!(rs[4]["contracts"][0]["value"]["amount"], price * 30);
    assert_eq!(rs[4]["contracts"][0]["period"]["endDate"], "2028-06-30T23:59:59+09:00");
    assert_eq!(rs[4]["contracts"][0]["amendments"][0]["rationale"], "이관 일정 연장");
    let c = &p["records"][0]["compiledRelease"];
    assert_eq!(c["contracts"][0]["status"], "terminated");
    assert_eq!(c["contracts"][0]["value"]["amount"], price * 30);
    assert_eq!(c["tender"]["title"], "공개 테스트 사업");
    assert_eq!(c["awards"][0]["description"], "요금과 보안인증을 비교해 선정");
    assert_eq!(c["buyer"]["name"], c["parties"][0]["name"]);
    assert!(!p.to_string().contains("견적 요청"), "messages between the parties stay private");
    assert_eq!(record(app, &ocid).await, p, "the same data gives the same record");

    // a quote request without a project is its own process: tender, then award and contract together
    let request = created(
        app,
        "/api/v1/quote-requests",
        &w.buyer,
        json!({"service_id": rec.id, "items": [{"plan": plan, "quantity": 1, "months": 12}], "starts_on": "2027-01-01", "ends_on": "2027-12-31", "message": "단독 견적"}),
    )
    .await;
    let quote = created(
        app,
        &format!("/api/v1/quote-requests/{}/quotes", id(&request)),
        &w.supplier,
        json!({"items": [{"plan": plan, "unit_price_krw": price, "quantity": 1, "months": 12}], "valid_until": "2026-12-31", "note": ""}),
    )
    .await;
    let contract = created(
        app,
        "/api/v1/contracts",
        &w.buyer,
        json!({"quote_id": id(&quote), "type": "one_off", "fee_model": "fixed", "billing": "monthly", "budget_line_id": line}),
    )
    .await;
    for who in [signatory.as_str(), w.supplier.as_str()] {
        app.call(
            "POST",
            &format!("/api/v1/contracts/{}/accept", id(&contract)),
            Some(who),
            Some(json!({"text_hash": contract["text_hash"]})),
        )
        .await;
    }
    let p = record(app, &format!("ocds-gureum-{}", id(&request))).await;
    assert_valid(&validator("record-package-schema.json"), &p, "a process without a project");
    assert_eq!(tags_of(&p), [json!(["tender"]), json!(["award", "contract"])]);

    // a delivery request refused: tender, then tenderUpdate (unsuccessful)
    let pps = app.login("pps").await;
    let cc = created(app, "/api/v1/catalog-contracts", &pps, json!({"supplier_id": rec.supplier.id, "number": "PPS-OCDS-1", "items": [{"service_id": rec.id, "plan": plan, "unit_price_krw": price}], "starts_on": "2026-01-01", "ends_on": "2027-12-31"})).await;
    let order = created(app, "/api/v1/delivery-requests", &w.buyer, json!({"catalog_contract_id": id(&cc), "items": [{"service_id": rec.id, "plan": plan, "quantity": 1, "months": 3}], "budget_line_id": line})).await;
    let (s, v) =
        app.call("POST", &format!("/api/v1/orders/{}/refuse", id(&order)), Some(&w.supplier), Some(json!({"reason": "재고 부족"}))).await;
    assert_eq!(s, 200, "{v}");
    let p = record(app, &format!("ocds-gureum-{}", id(&order))).await;
    assert_valid(&validator("record-package-schema.json"), &p, "a refused delivery request");
    assert_eq!(tags_of(&p), [json!(["tender"]), json!(["tenderUpdate"])]);
    assert_eq!(p["records"][0]["compiledRelease"]["tender"]["status"], "unsuccessful");

    // the prefix is a setting
    let other = app.state.ctx().clone().with_ocid_prefix("ocds-test1");
    let v = gureum_app::ocds::record(&other, &format!("ocds-test1-{project}")).await.expect("under the other prefix");
    assert_eq!(v["records"][0]["ocid"], format!("ocds-test1-{project}"));
    assert!(gureum_app::ocds::record(&other, &ocid).await.is_err(), "not under the default prefix any more");
}

// ───────────────────────────── since, pages and bad input ─────────────────────────────

#[tokio::test]
async fn since_and_pages_and_bad_input() {
    let w = world().await;
    let app = &w.app;
    let buyer = gureum_app::actor::authenticate(&app.state, &w.buyer, false).await.expect("auth").expect("a session");
    for n in 0..101 {
        let clock = gureum_domain::Clock::parse_fixed(&format!("2026-10-01T{:02}:{:02}:00+09:00", n / 60, n % 60)).expect("clock");
        gureum_app::buying::projects::create(&app.state.ctx().with_clock(clock), &buyer, &json!({"title": format!("사업 {n}")}), None)
            .await
            .expect("project");
    }
    let (s, first) = get(app, "/api/v1/ocds/releases").await;
    assert_eq!(s, 200);
    assert_eq!(first["releases"].as_array().map(Vec::len), Some(100));
    assert!(first["links"]["next"].as_str().is_some_and(|n| n.ends_with("/api/v1/ocds/releases?page=2")), "{}", first["links"]);
    assert_valid(&validator("release-package-schema.json"), &first, "page 1");
    let (_, second) = get(app, "/api/v1/ocds/releases?page=2").await;
    assert_eq!(second["releases"].as_array().map(Vec::len), Some(1));
    assert!(second.get("links").is_none(), "the last page");
    assert_eq!(second["releases"][0]["tender"]["title"], "사업 100");

    let (_, v) = get(app, "/api/v1/ocds/releases?since=2026-10-01T01:40:00%2B09:00").await;
    let titles: Vec<&str> =
        v["releases"].as_array().expect("releases").iter().map(|r| r["tender"]["title"].as_str().unwrap_or_default()).collect();
    assert_eq!(titles, ["사업 100"], "since is inclusive");
    // 2026-10-01T00:30+09:00 in UTC: projects 30 to 100
    let (_, v) = get(app, "/api/v1/ocds/releases?since=2026-09-30T15:30:00Z&page=1").await;
    assert_eq!(v["releases"].as_array().map(Vec::len), Some(71));
    assert_eq!(v["releases"][0]["tender"]["title"], "사업 30");
    let (_, v) = get(app, "/api/v1/ocds/releases?since=2030-01-01T00:00:00Z").await;
    assert_eq!(v["releases"], json!([]));
    // an empty parameter is the parameter left out
    let (s, v) = get(app, "/api/v1/ocds/releases?since=2026-09-30T15:30:00Z&page=").await;
    assert_eq!((s, v["releases"].as_array().map(Vec::len)), (200, Some(71)), "{v}");

    for bad in ["since=yesterday", "since=2026-10-01", "page=0", "page=100001", "page=abc", "page=-1"] {
        let (s, v) = get(app, &format!("/api/v1/ocds/releases?{bad}")).await;
        assert_eq!((s, v["code"].as_str()), (400, Some("invalid_parameter")), "{bad}: {v}");
    }
    let unknown = uuid::Uuid::new_v4();
    for ocid in [format!("ocds-gureum-{unknown}"), format!("ocds-other-{unknown}"), "ocds-gureum-x".to_owned(), "nothing".to_owned()] {
        let (s, v) = get(app, &format!("/api/v1/ocds/records/{ocid}")).await;
        assert_eq!((s, v["code"].as_str()), (404, Some("not_found")), "{ocid}: {v}");
    }
    for bad in ["2026-13.json", "2026-1.json", "abcd-ef.json", "2026-10", "2026-10.xml"] {
        let (s, v) = get(app, &format!("/api/v1/ocds/bulk/{bad}")).await;
        assert_eq!((s, v["code"].as_str()), (400, Some("invalid_parameter")), "{bad}: {v}");
    }
    let (s, _) = get(app, "/api/v1/ocds/bulk/2026-09.json").await;
    assert_eq!(s, 404, "a month without releases");
    let (s, h, body) = app.get_raw("/api/v1/ocds/bulk/2026-10.json").await;
    assert_eq!(s, 200);
    assert!(h.get("cache-control").and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("public")));
    let v: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(v["releases"].as_array().map(Vec::len), Some(101));
    assert_valid(&validator("release-package-schema.json"), &v, "the October bulk file");
}

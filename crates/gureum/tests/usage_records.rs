//! Usage records (SPEC §4 "Usage, invoices and post-management", first bullet), on the engine the
//! run asks for: a supplier's batch is stored whole or not at all, idempotent by `record_id`;
//! every bad record is named; conflicts are 409; only the contract's suppliers report and only its
//! parties read the totals; the CSV upload page goes through the same checks.

mod common;

use common::{TestApp, world};
use gureum_storage::{Contract, ContractItem, ContractShare};
use serde_json::{Value, json};

async fn supplier_id_of(app: &TestApp, who: &str) -> String {
    let u = app.db.user_by_email(&format!("{who}@demo.gureum.kr")).await.expect("user").expect("demo user");
    let org = app.db.organisation(&u.org_id).await.expect("org").expect("demo org");
    org.supplier_id.expect("a supplier organisation")
}

async fn org_of(app: &TestApp, who: &str) -> String {
    app.db.user_by_email(&format!("{who}@demo.gureum.kr")).await.expect("user").expect("demo user").org_id
}

/// How a test contract is made.
struct Spec {
    supplier: &'static str,
    method: &'static str,
    status: &'static str,
    billing: &'static str,
    starts_on: &'static str,
    ends_on: &'static str,
    /// A joint member.
    partner: Option<&'static str>,
}

const SIGNED: Spec = Spec {
    supplier: "supplier",
    method: "negotiated",
    status: "signed",
    billing: "monthly",
    starts_on: "2026-09-01",
    ends_on: "2027-08-31",
    partner: None,
};

/// A contract (or order) between the demo agency and a demo supplier, with two metered lines
/// (`vCPU-hour`, `GB-month`), written straight into the store: these tests are about usage,
/// not about how contracts are made (tests/buying.rs).
async fn contract(app: &TestApp, spec: Spec) -> String {
    let supplier_id = supplier_id_of(app, spec.supplier).await;
    let (_, hits) = gureum_app::catalog::supplier(&app.state, &supplier_id).await.expect("supplier");
    let service_id = hits.first().map(|h| h.id.clone()).expect("the demo supplier has a service");
    let item = |meter: &str, price: i64| ContractItem {
        service_id: service_id.clone(),
        service_code: "TEST".into(),
        service_name: "test".into(),
        plan: meter.into(),
        meter: meter.into(),
        unit_price_krw: price,
        quantity: 1,
        months: 12,
        model: "metered".into(),
        vat_included: false,
    };
    let mut shares = Vec::new();
    if let Some(p) = spec.partner {
        shares.push(ContractShare { supplier_id: supplier_id.clone(), pct: 60, amount_krw: 600 });
        shares.push(ContractShare { supplier_id: supplier_id_of(app, p).await, pct: 40, amount_krw: 400 });
    }
    let c = Contract {
        id: uuid::Uuid::new_v4().to_string(),
        method: spec.method.into(),
        agency_id: org_of(app, "buyer").await,
        supplier_id,
        status: spec.status.into(),
        kind: if spec.partner.is_some() { "joint".into() } else { "single".into() },
        fee_model: "metered".into(),
        billing: spec.billing.into(),
        total_krw: 1_000,
        starts_on: spec.starts_on.into(),
        ends_on: spec.ends_on.into(),
        text: "계약서".into(),
        text_hash: "x".into(),
        ttc_from: "quote_request".into(),
        created_by: app.user_id("buyer").await,
        items: vec![item("vCPU-hour", 50), item("GB-month", 120)],
        shares,
        ..Contract::default()
    };
    let mut tx = app.db.begin_write().await.expect("write");
    tx.insert_contract(&c).await.expect("contract");
    tx.commit().await.expect("commit");
    c.id
}

/// A usage:write token of a demo supplier (or other scopes).
async fn token(app: &TestApp, session: &str, scopes: &[&str]) -> String {
    let (s, v) = app.call("POST", "/api/v1/tokens", Some(session), Some(json!({"name": "미터링", "scopes": scopes}))).await;
    assert_eq!(s, 201, "{v}");
    v["secret"].as_str().expect("secret").to_owned()
}

fn rec(id: &str, contract: &str, meter: &str, quantity: Value, start: &str, end: &str) -> Value {
    json!({"record_id": id, "contract_id": contract, "meter": meter, "quantity": quantity, "period_start": start, "period_end": end})
}

/// An hour of November 2026 (Asia/Seoul), the `n`th.
fn hour(id: &str, contract: &str, n: u32, quantity: Value) -> Value {
    let (d, h) = (1 + n / 24, n % 24);
    rec(id, contract, "vCPU-hour", quantity, &format!("2026-11-{d:02}T{h:02}:00:00+09:00"), &format!("2026-11-{d:02}T{h:02}:59:59+09:00"))
}

async fn post(app: &TestApp, token: &str, records: Vec<Value>) -> (u16, Value) {
    app.call("POST", "/api/v1/usage", Some(token), Some(json!({ "records": records }))).await
}

async fn stored(app: &TestApp) -> i64 {
    app.db.usage_record_count(None).await.expect("count")
}

async fn usage(app: &TestApp, token: &str, contract: &str) -> (u16, Value) {
    app.call("GET", &format!("/api/v1/contracts/{contract}/usage"), Some(token), None).await
}

fn codes(v: &Value) -> Vec<(u64, String)> {
    v["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| (e["index"].as_u64().expect("index"), e["code"].as_str().expect("code").to_owned()))
        .collect()
}

#[tokio::test]
async fn a_batch_is_stored_once_and_a_resend_changes_nothing() {
    let w = world().await;
    let app = &w.app;
    let c = contract(app, SIGNED).await;
    let t = token(app, &w.supplier, &["usage:write"]).await;
    let events = app.db.audit_count().await.expect("count");
    let batch = vec![
        hour("r-1", &c, 0, json!("1.5")),
        hour("r-2", &c, 1, json!(2)),
        hour("r-3", &c, 2, json!("0.000001")),
        rec("r-4", &c, "GB-month", json!("10"), "2026-11-01T00:00:00+09:00", "2026-12-01T00:00:00+09:00"),
        // the same record twice in one batch counts once
        hour("r-1", &c, 0, json!("1.500000")),
    ];
    let (s, v) = post(app, &t, batch.clone()).await;
    assert_eq!((s, &v), (200, &json!({"accepted": 4, "duplicates": 1})));
    assert_eq!(stored(app).await, 4);
    assert_eq!(app.db.audit_count().await.expect("count"), events + 1, "one audit event per batch");
    // sent again: all duplicates, nothing written, no event
    let (s, v) = post(app, &t, batch).await;
    assert_eq!((s, &v), (200, &json!({"accepted": 0, "duplicates": 5})));
    assert_eq!(stored(app).await, 4);
    assert_eq!(app.db.audit_count().await.expect("count"), events + 1);
    // a batch with old and new records stores the new ones
    let (s, v) = post(app, &t, vec![hour("r-2", &c, 1, json!("2.0")), hour("r-5", &c, 3, json!("0.25"))]).await;
    assert_eq!((s, &v), (200, &json!({"accepted": 1, "duplicates": 1})));
    let (s, v) = usage(app, &w.buyer, &c).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        v,
        json!({"months": [{"month": "2026-11", "meters": [
            {"meter": "GB-month", "quantity": "10", "records": 1},
            {"meter": "vCPU-hour", "quantity": "3.750001", "records": 4}
        ]}]})
    );
}

#[tokio::test]
async fn every_bad_record_is_named_and_nothing_is_stored() {
    let w = world().await;
    let app = &w.app;
    let c = contract(app, SIGNED).await;
    let quarterly = contract(app, Spec { billing: "quarterly", ..SIGNED }).await;
    let theirs = contract(app, Spec { supplier: "supplier2", ..SIGNED }).await;
    let draft = contract(app, Spec { status: "draft", ..SIGNED }).await;
    let order = contract(app, Spec { method: "catalog", status: "confirmed", ..SIGNED }).await;
    let requested = contract(app, Spec { method: "catalog", status: "requested", ..SIGNED }).await;
    let t = token(app, &w.supplier, &["usage:write"]).await;
    let mut missing = hour("m", &c, 0, json!(1));
    missing.as_object_mut().expect("object").remove("quantity");
    let mut no_contract = hour("nc", &c, 0, json!(1));
    no_contract.as_object_mut().expect("object").remove("contract_id");
    let mut both = hour("both", &c, 0, json!(1));
    both["order_id"] = json!(order);
    let mut by_order = hour("ord", &c, 5, json!(1));
    by_order.as_object_mut().expect("object").remove("contract_id");
    by_order["order_id"] = json!(order);
    let batch = vec![
        hour("ok-1", &c, 0, json!(1)), // 0 fine
        missing,                       // 1
        json!({"record_id": 7, "contract_id": c, "meter": "vCPU-hour", "quantity": 1, "period_start": "2026-11-01T00:00:00Z", "period_end": "2026-11-01T01:00:00Z"}), // 2 wrong type
        hour("q7", &c, 1, json!("0.0000001")),                       // 3 seven places
        hour("neg", &c, 1, json!(-1)),                               // 4 negative
        hour("unk", &uuid::Uuid::new_v4().to_string(), 1, json!(1)), // 5 no such contract
        hour("theirs", &theirs, 1, json!(1)),                        // 6 another supplier's
        hour("draft", &draft, 1, json!(1)),                          // 7 not signed
        rec("meter", &c, "TB-year", json!(1), "2026-11-01T00:00:00+09:00", "2026-11-01T01:00:00+09:00"), // 8 unknown meter
        rec("cross", &c, "vCPU-hour", json!(1), "2026-10-31T23:00:00+09:00", "2026-11-01T01:00:00+09:00"), // 9 crosses a month
        rec("outside", &c, "vCPU-hour", json!(1), "2026-08-31T10:00:00+09:00", "2026-08-31T11:00:00+09:00"), // 10 before the contract
        rec("back", &c, "vCPU-hour", json!(1), "2026-11-02T10:00:00+09:00", "2026-11-02T09:00:00+09:00"), // 11 end before start
        hour("ok-1", &c, 0, json!(2)),                               // 12 same id, other content
        hour(&"x".repeat(101), &c, 0, json!(1)),                     // 13 id too long
        both,                                                        // 14 both ids
        no_contract,                                                 // 15 neither
        rec("when", &c, "vCPU-hour", json!(1), "yesterday", "2026-11-01T01:00:00+09:00"), // 16 not RFC 3339
        hour("req", &requested, 1, json!(1)),                        // 17 an order not confirmed
        json!("not an object"),                                      // 18
        // fine: a quarter's record inside the quarter, across a month; a confirmed order
        rec("q-ok", &quarterly, "vCPU-hour", json!(1), "2026-10-31T23:00:00+09:00", "2026-11-01T01:00:00+09:00"), // 19
        rec("q-cross", &quarterly, "vCPU-hour", json!(1), "2026-12-31T23:00:00+09:00", "2027-01-01T01:00:00+09:00"), // 20 crosses a quarter
        by_order,                                                                                                 // 21 fine
        // the end instant is exclusive: a month's record ends at the next month's first instant
        rec("month", &c, "GB-month", json!(1), "2026-11-01T00:00:00+09:00", "2026-12-01T00:00:00+09:00"), // 22 fine
    ];
    let (s, v) = post(app, &t, batch).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_records")), "{v}");
    let want: Vec<(u64, String)> = [
        (1, "missing_field"),
        (2, "invalid_field"),
        (3, "invalid_quantity"),
        (4, "invalid_quantity"),
        (5, "unknown_contract"),
        (6, "unknown_contract"),
        (7, "unknown_contract"),
        (8, "unknown_meter"),
        (9, "crosses_billing_period"),
        (10, "outside_contract"),
        (11, "invalid_field"),
        (12, "duplicate_record_id"),
        (13, "invalid_field"),
        (14, "invalid_field"),
        (15, "missing_field"),
        (16, "invalid_field"),
        (17, "unknown_contract"),
        (18, "invalid_field"),
        (20, "crosses_billing_period"),
    ]
    .into_iter()
    .map(|(i, c)| (i, c.to_owned()))
    .collect();
    assert_eq!(codes(&v), want, "{v}");
    assert!(v["errors"][0]["message"].as_str().is_some_and(|m| m.contains("quantity")), "the message names the field: {v}");
    assert_eq!(v["errors"][0]["field"], "quantity");
    assert_eq!(stored(app).await, 0, "nothing stored");

    // more than 10,000 records
    let many: Vec<Value> = (0..10_001).map(|i| hour(&format!("b{i}"), &c, i % 600, json!(1))).collect();
    let (s, v) = post(app, &t, many).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("batch_too_large")), "{v}");
    // a body over 8 MiB
    let big = json!({"records": [], "pad": "x".repeat(8 * 1024 * 1024)});
    let (s, v) = app.call("POST", "/api/v1/usage", Some(&t), Some(big)).await;
    assert_eq!((s, v["code"].as_str()), (413, Some("body_too_large")), "{v}");
    // not JSON, no records
    let (s, v) = app.call("POST", "/api/v1/usage", Some(&t), Some(json!({"rows": []}))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_field")), "{v}");
    assert_eq!(stored(app).await, 0);
}

#[tokio::test]
async fn a_record_id_stored_with_other_content_is_a_conflict() {
    let w = world().await;
    let app = &w.app;
    let c = contract(app, SIGNED).await;
    let t = token(app, &w.supplier, &["usage:write"]).await;
    let (s, _) = post(app, &t, vec![hour("a", &c, 0, json!("1")), hour("b", &c, 1, json!("1"))]).await;
    assert_eq!(s, 200);
    // "a" again with another quantity, "b" the same, "c" new: 409, "c" not stored
    let (s, v) = post(app, &t, vec![hour("b", &c, 1, json!(1)), hour("a", &c, 0, json!("1.1")), hour("c", &c, 2, json!(1))]).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("record_conflict")), "{v}");
    assert_eq!(v["indexes"], json!([1]));
    assert_eq!(stored(app).await, 2);
    // another period is another record too
    let mut moved = hour("b", &c, 1, json!(1));
    moved["period_end"] = json!("2026-11-01T01:59:58+09:00");
    let (s, v) = post(app, &t, vec![moved]).await;
    assert_eq!((s, &v["indexes"]), (409, &json!([0])), "{v}");
    // a conflict beside a bad record: 400 naming both
    let (s, v) = post(app, &t, vec![hour("a", &c, 0, json!("2")), hour("d", &c, 3, json!("x"))]).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_records")), "{v}");
    assert_eq!(codes(&v), vec![(0, "record_conflict".to_owned()), (1, "invalid_quantity".to_owned())]);
    assert_eq!(stored(app).await, 2);
    // the same record id of another supplier is another record
    let joint = contract(app, Spec { partner: Some("supplier2"), ..SIGNED }).await;
    let t2 = token(app, &w.supplier2, &["usage:write"]).await;
    let (s, v) = post(app, &t2, vec![hour("a", &joint, 0, json!("5"))]).await;
    assert_eq!((s, &v), (200, &json!({"accepted": 1, "duplicates": 0})), "a joint contract's member reports");
}

#[tokio::test]
async fn only_the_contracts_suppliers_report_and_its_parties_read() {
    let w = world().await;
    let app = &w.app;
    let c = contract(app, SIGNED).await;
    let batch = vec![hour("s-1", &c, 0, json!(1))];
    // a token without usage:write
    let read_only = token(app, &w.supplier, &["read"]).await;
    let (s, v) = post(app, &read_only, batch.clone()).await;
    assert_eq!((s, v["code"].as_str()), (403, Some("insufficient_scope")), "{v}");
    // the agency may not post; nobody unauthenticated
    let (s, v) = post(app, &w.buyer, batch.clone()).await;
    assert_eq!((s, v["code"].as_str()), (403, Some("forbidden")), "{v}");
    let (s, _) = app.call("POST", "/api/v1/usage", None, Some(json!({"records": batch}))).await;
    assert_eq!(s, 401);
    // another supplier: its records name an unknown contract
    let (s, v) = post(app, &w.supplier2, batch.clone()).await;
    assert_eq!((s, codes(&v)), (400, vec![(0, "unknown_contract".to_owned())]), "{v}");
    // the supplier's own people, signed in
    let (s, v) = post(app, &w.supplier, batch).await;
    assert_eq!((s, &v), (200, &json!({"accepted": 1, "duplicates": 0})));
    assert_eq!(stored(app).await, 1);

    let auditor = app.login("auditor").await;
    let budget = app.login("budget").await;
    for (who, want) in
        [(&w.buyer, 200), (&budget, 200), (&w.supplier, 200), (&w.operator, 200), (&auditor, 200), (&w.supplier2, 404), (&w.reviewer, 404)]
    {
        let (s, v) = usage(app, who, &c).await;
        assert_eq!(s, want, "{v}");
        if s == 200 {
            assert_eq!(v["months"][0]["meters"][0]["quantity"], "1");
        }
    }
    let (s, _) = usage(app, &w.buyer, "nope").await;
    assert_eq!(s, 400);
    let (s, _) = usage(app, &w.buyer, &uuid::Uuid::new_v4().to_string()).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn two_identical_batches_at_once_store_the_records_once() {
    let w = world().await;
    let app = &w.app;
    let c = contract(app, SIGNED).await;
    let t = token(app, &w.supplier, &["usage:write"]).await;
    let batch: Vec<Value> = (0..500).map(|i| hour(&format!("c{i}"), &c, i, json!("0.5"))).collect();
    let (a, b) = tokio::join!(post(app, &t, batch.clone()), post(app, &t, batch.clone()));
    assert_eq!((a.0, b.0), (200, 200), "{a:?} {b:?}");
    let accepted = a.1["accepted"].as_u64().expect("n") + b.1["accepted"].as_u64().expect("n");
    let dups = a.1["duplicates"].as_u64().expect("n") + b.1["duplicates"].as_u64().expect("n");
    assert_eq!((accepted, dups), (500, 500), "{a:?} {b:?}");
    assert_eq!(stored(app).await, 500);
}

fn multipart_csv(bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "gureum-usage-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"usage.csv\"\r\nContent-Type: text/csv\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Posts a CSV file to the upload page as `token`'s person (a bearer call needs no CSRF field;
/// tests/account_pages.rs covers the cookie and its field); the status and the page.
async fn upload(app: &TestApp, token: &str, csv: &str) -> (u16, String) {
    use tower::ServiceExt;
    let (ct, body) = multipart_csv(csv.as_bytes());
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/usage/upload?lang=en")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", ct)
        .body(axum::body::Body::from(body))
        .expect("request");
    let resp = app.router.clone().oneshot(req).await.expect("response");
    let status = resp.status().as_u16();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 24).await.expect("body");
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn the_upload_page_stores_a_good_file_and_names_every_bad_line() {
    let w = world().await;
    let app = &w.app;
    let c = contract(app, SIGNED).await;
    let (s, page) = app.call("GET", "/usage/upload", Some(&w.supplier), None).await;
    assert_eq!(s, 200, "{page}");
    assert!(
        page.as_str().is_some_and(|p| p.contains("record_id,contract_id,meter,quantity,period_start,period_end")),
        "the columns are named"
    );
    let (s, _) = app.call("GET", "/usage/upload", Some(&w.buyer), None).await;
    assert_eq!(s, 403, "suppliers only");

    let good = format!(
        "\u{feff}record_id,contract_id,meter,quantity,period_start,period_end\r\n\
         u-1,{c},vCPU-hour,1.25,2026-11-01T00:00:00+09:00,2026-11-01T01:00:00+09:00\r\n\
         \"u-2\",{c},GB-month,\"3\",2026-11-01T00:00:00+09:00,2026-12-01T00:00:00+09:00\r\n"
    );
    let (s, page) = upload(app, &w.supplier, &good).await;
    assert_eq!(s, 200, "{page}");
    assert!(page.contains(r#"<dd id="accepted">2</dd>"#) && page.contains(r#"<dd id="duplicates">0</dd>"#), "{page}");
    assert_eq!(stored(app).await, 2);
    let (s, page) = upload(app, &w.supplier, &good).await;
    assert_eq!(s, 200);
    assert!(page.contains(r#"<dd id="accepted">0</dd>"#) && page.contains(r#"<dd id="duplicates">2</dd>"#), "a resend stores nothing");

    let bad = format!(
        "record_id,contract_id,meter,quantity,period_start,period_end\n\
         u-3,{c},vCPU-hour,1,2026-11-02T00:00:00+09:00,2026-11-02T01:00:00+09:00\n\
         u-4,{c},vCPU-hour,1.0000001,2026-11-02T00:00:00+09:00,2026-11-02T01:00:00+09:00\n\
         u-5,{c},TB-year,1,2026-11-02T00:00:00+09:00,2026-11-02T01:00:00+09:00\n\
         u-6,{c},vCPU-hour\n\
         u-7,{c},vCPU-hour,1,2026-11-02T00:00:00+09:00,\n"
    );
    let (s, page) = upload(app, &w.supplier, &bad).await;
    assert_eq!(s, 400, "{page}");
    for (line, field, code) in
        [(3, "quantity", "invalid_quantity"), (4, "meter", "unknown_meter"), (5, "-", "invalid_field"), (6, "period_end", "missing_field")]
    {
        let row = format!(r#"<tr><th scope="row">{line}</th><td>{field}</td>"#);
        assert!(page.contains(&row) && page.contains(code), "line {line} named: {page}");
    }
    assert!(!page.contains(r#"<th scope="row">2</th>"#), "the good line is not named");
    assert_eq!(stored(app).await, 2, "nothing of the bad file stored");
    // a file without its header
    let (s, page) = upload(app, &w.supplier, "u-8,x,y,1,a,b\n").await;
    assert_eq!(s, 400);
    assert!(page.contains("invalid_field"), "{page}");
    // a conflict names its line
    let conflict = format!(
        "record_id,contract_id,meter,quantity,period_start,period_end\nu-1,{c},vCPU-hour,9,2026-11-01T00:00:00+09:00,2026-11-01T01:00:00+09:00\n"
    );
    let (s, page) = upload(app, &w.supplier, &conflict).await;
    assert_eq!(s, 409, "{page}");
    assert!(page.contains(r#"<tr><th scope="row">2</th><td>record_id</td>"#), "{page}");
    // the agency may not upload
    let (s, _) = upload(app, &w.buyer, &good).await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn a_terminated_contract_takes_no_usage_after_the_day_it_ended() {
    let w = world().await;
    let app = &w.app;
    let c = contract(app, SIGNED).await;
    // terminated on 2026-11-10 (Asia/Seoul), months before its planned end
    let mut row = app.db.contract(&c).await.expect("db").expect("contract");
    row.status = "terminated".into();
    row.ended_at = Some(gureum_domain::clock::to_micros(time::macros::datetime!(2026-11-10 15:00 +09:00)));
    let mut tx = app.db.begin_write().await.expect("write");
    tx.update_contract(&row).await.expect("terminate");
    tx.commit().await.expect("commit");
    let t = token(app, &w.supplier, &["usage:write"]).await;
    let before = rec("before", &c, "vCPU-hour", json!(1), "2026-11-10T10:00:00+09:00", "2026-11-10T11:00:00+09:00");
    let after = rec("after", &c, "vCPU-hour", json!(1), "2026-11-11T10:00:00+09:00", "2026-11-11T11:00:00+09:00");
    let (s, v) = post(app, &t, vec![before.clone(), after]).await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(codes(&v), vec![(1, "outside_contract".to_owned())], "{v}");
    assert!(v["errors"][0]["message"].as_str().unwrap_or("").contains("2026-11-10"), "the message names the end: {v}");
    let (s, v) = post(app, &t, vec![before]).await;
    assert_eq!((s, v["accepted"].as_u64()), (200, Some(1)), "{v}");
}

//! The invoice journey in real Chromium against the real binary (`serve --demo`, the clock fixed
//! at 2026-11-23 09:00 in Seoul): a metered contract signed through the API from 2026-08-01
//! reports October's usage (stored directly: the usage API is another part's), `gureum bill
//! --period 2026-10` drafts its invoice; the supplier finds it on `/invoices` and issues it on its
//! page, the buyer accepts it, and the budget officer records the payment. Every page visited
//! passes axe.

#[path = "support/demo_journey.rs"]
mod demo_journey;
#[path = "support/webdriver.rs"]
mod webdriver;

use demo_journey::{accessible, api, api_login, login, logout};
use reqwest::Method;
use serde_json::{Value, json};
use webdriver::{Browser, Server, browser_binaries};

/// A listed, orderable service of the supplier with a metered plan: (its public view, the plan, its price).
async fn orderable(base: &str, supplier: &str) -> (Value, String, i64) {
    let (s, mine) = api(base, Method::GET, "/api/v1/supplier/services", Some(supplier), None).await;
    assert_eq!(s, 200, "{mine}");
    for m in mine.as_array().expect("services") {
        if m["status"] != "listed" {
            continue;
        }
        let (s, v) = api(base, Method::GET, &format!("/api/v1/services/{}", m["id"].as_str().expect("id")), None, None).await;
        let plan = &v["listing"]["price_plans"][0];
        if s == 200 && v["orderable"] == true && plan.is_object() && plan["model"] == "metered" {
            return (v.clone(), plan["name"].as_str().expect("plan").to_owned(), plan["unit_price_krw"].as_i64().expect("price"));
        }
    }
    panic!("the demo supplier has an orderable service with a plan");
}

#[tokio::test]
async fn a_supplier_issues_a_buyer_accepts_and_the_budget_officer_pays() {
    let Some((chromium, driver)) = browser_binaries() else { return };
    let server = Server::start_demo().await;
    let base = server.base.clone();

    // a signed metered contract from 2026-08-01, billed monthly
    let budget = api_login(&base, "budget").await;
    let (s, line) = api(
        &base,
        Method::POST,
        "/api/v1/budget-lines",
        Some(&budget),
        Some(json!({"fiscal_year": 2026, "name": "브라우저 청구 이용료", "amount_krw": 1_000_000_000})),
    )
    .await;
    assert_eq!(s, 201, "{line}");
    let supplier = api_login(&base, "supplier").await;
    let buyer = api_login(&base, "buyer").await;
    let signatory = api_login(&base, "signatory").await;
    let (service, plan, price) = orderable(&base, &supplier).await;
    let (s, r) = api(
        &base,
        Method::POST,
        "/api/v1/quote-requests",
        Some(&buyer),
        Some(json!({"service_id": service["id"], "items": [{"plan": plan, "quantity": 1, "months": 12}],
            "starts_on": "2026-08-01", "ends_on": "2027-07-31", "message": "종량제 이용"})),
    )
    .await;
    assert_eq!(s, 201, "{r}");
    let (s, q) = api(
        &base,
        Method::POST,
        &format!("/api/v1/quote-requests/{}/quotes", r["id"].as_str().expect("id")),
        Some(&supplier),
        Some(json!({"items": [{"plan": plan, "unit_price_krw": price, "quantity": 1, "months": 12}], "valid_until": "2026-12-31"})),
    )
    .await;
    assert_eq!(s, 201, "{q}");
    let (s, c) = api(
        &base,
        Method::POST,
        "/api/v1/contracts",
        Some(&buyer),
        Some(json!({"quote_id": q["id"], "type": "one_off", "fee_model": "metered", "billing": "monthly", "budget_line_id": line["id"],
            "starts_on": "2026-08-01", "ends_on": "2027-07-31"})),
    )
    .await;
    assert_eq!(s, 201, "{c}");
    let cid = c["id"].as_str().expect("id").to_owned();
    for who in [&signatory, &supplier] {
        let (s, v) =
            api(&base, Method::POST, &format!("/api/v1/contracts/{cid}/accept"), Some(who), Some(json!({"text_hash": c["text_hash"]})))
                .await;
        assert_eq!(s, 200, "{v}");
    }
    let meter = c["items"][0]["meter"].as_str().expect("meter").to_owned();

    // October's usage, then the billing run
    let url = format!("sqlite://{}", server.dir.path().join("gureum.sqlite3").display());
    let db = gureum_storage::Db::connect(&url, gureum_domain::Clock::parse_fixed("2026-11-23T09:00:00+09:00").expect("clock"))
        .await
        .expect("the server's database");
    let oct = gureum_domain::usage::Month(202610);
    let mut tx = db.begin_write().await.expect("tx");
    let start = oct.start_micros() + 86_400_000_000;
    let supplier_id = service["supplier"]["id"].as_str().expect("supplier id");
    tx.insert_usage_record_for_tests(supplier_id, "browser-1", &cid, &meter, 12_500_000, (start, start + 3_600_000_000), oct.0)
        .await
        .expect("usage");
    tx.commit().await.expect("commit");
    db.close().await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gureum"))
        .arg("--data-dir")
        .arg(server.dir.path())
        .args(["bill", "--period", "2026-10"])
        .env("GUREUM_NOW", "2026-11-23T09:00:00+09:00")
        .env("RUST_LOG", "warn")
        .output()
        .expect("gureum bill");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let (s, list) = api(&base, Method::GET, &format!("/api/v1/invoices?contract_id={cid}"), Some(&buyer), None).await;
    assert_eq!(s, 200, "{list}");
    let invoice = list[0].clone();
    let id = invoice["id"].as_str().expect("an invoice drafted").to_owned();
    assert_eq!(invoice["lines"][0]["quantity"], "12.5");
    let total = invoice["total_krw"].as_i64().expect("total");

    let b = Browser::start(&chromium, &driver).await;
    // 1. The supplier finds the draft on its invoices and issues it.
    login(&b, &base, "supplier").await;
    b.goto(&format!("{base}/invoices")).await;
    accessible(&b, "invoices").await;
    let link = b.find(&format!("a[href='/invoices/{id}']")).await;
    b.click(&link).await;
    b.wait_url(&format!("/invoices/{id}")).await;
    accessible(&b, "a draft invoice").await;
    assert!(b.body_text().await.contains("12.5"), "the quantity is shown exactly");
    b.submit(&format!("form[action='/invoices/{id}/issue'] button[type='submit']")).await;
    assert!(b.current_url().await.contains("done=1"));
    let status = b.find("#invoice-status").await;
    assert_eq!(b.text(&status).await, "발행");
    accessible(&b, "an issued invoice").await;
    logout(&b).await;

    // 2. The buyer accepts it.
    login(&b, &base, "buyer").await;
    b.goto(&format!("{base}/invoices/{id}")).await;
    accessible(&b, "an invoice to answer").await;
    assert!(b.source().await.contains(&format!("action=\"/invoices/{id}/dispute\"")), "the dispute form is offered");
    b.submit(&format!("form[action='/invoices/{id}/accept'] button[type='submit']")).await;
    let status = b.find("#invoice-status").await;
    assert_eq!(b.text(&status).await, "승인");
    logout(&b).await;

    // 3. The budget officer records the payment; the budget line's spent amount grows.
    login(&b, &base, "budget").await;
    b.goto(&format!("{base}/invoices/{id}")).await;
    accessible(&b, "an invoice to pay").await;
    b.set("#paid-on", "2026-11-20").await;
    b.submit(&format!("form[action='/invoices/{id}/pay'] button[type='submit']")).await;
    let status = b.find("#invoice-status").await;
    assert_eq!(b.text(&status).await, "지급 완료");
    assert!(b.body_text().await.contains("2026-11-20"));
    accessible(&b, "a paid invoice").await;
    let (_, lines) = api(&base, Method::GET, "/api/v1/budget-lines", Some(&budget), None).await;
    let l = lines.as_array().expect("lines").iter().find(|l| l["id"] == line["id"]).cloned().expect("the line");
    assert_eq!(l["spent_krw"].as_i64(), Some(total));
    b.quit().await;
}

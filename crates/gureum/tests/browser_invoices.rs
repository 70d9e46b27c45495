//! The invoice journey in real Chromium against the real binary (`serve --demo`, the clock fixed
//! at 2026-11-23 09:00 in Seoul): on a metered contract signed through the API from 2026-08-01,
//! the supplier uploads October's usage as a CSV file on `/usage/upload` (a file with a bad row
//! is refused whole, the row named; the corrected file is stored); `gureum bill --period 2026-10`
//! (the billing job's run) drafts the invoice, lowered by the SLA credit of a 600-minute outage the
//! supplier recorded on `/incidents` from those records; the supplier finds it on
//! `/invoices` and issues it on its page, the buyer accepts it, and the budget officer records
//! the payment. Every page visited passes axe.

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

    // a signed metered contract from 2026-10-01, billed monthly
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
            "starts_on": "2026-10-01", "ends_on": "2027-09-30", "message": "종량제 이용"})),
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
            "starts_on": "2026-10-01", "ends_on": "2027-09-30"})),
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

    // 1. The supplier's people upload October's usage as a CSV file on `/usage/upload`: a file
    //    with a bad row is refused whole with the row named, the corrected file is stored.
    let b = Browser::start(&chromium, &driver).await;
    login(&b, &base, "supplier").await;
    b.goto(&format!("{base}/usage/upload")).await;
    accessible(&b, "the usage upload").await;
    let header = "record_id,contract_id,meter,quantity,period_start,period_end";
    let good = [
        format!("browser-1,{cid},{meter},10,2026-10-02T00:00:00+09:00,2026-10-02T01:00:00+09:00"),
        format!("browser-2,{cid},{meter},2.5,2026-10-02T01:00:00+09:00,2026-10-02T02:00:00+09:00"),
    ];
    let files = tempfile::tempdir().expect("tempdir");
    let bad = files.path().join("usage-bad.csv");
    std::fs::write(
        &bad,
        format!("{header}\n{}\nbrowser-3,{cid},no-such-meter,1,2026-10-03T00:00:00+09:00,2026-10-03T01:00:00+09:00\n", good.join("\n")),
    )
    .expect("csv");
    let file = b.find("#file").await;
    b.send_file(&file, &bad).await;
    b.submit("form[action='/usage/upload'] button[type='submit']").await;
    let rows = b.find_all("#bad-rows tbody tr").await;
    assert_eq!(rows.len(), 1, "one bad row");
    let named = b.find("#bad-rows tbody th").await;
    assert_eq!(b.text(&named).await, "4", "the bad row is named by its line in the file");
    let row = b.find("#bad-rows tbody tr").await;
    assert!(b.text(&row).await.contains("unknown_meter"));
    accessible(&b, "a refused upload").await;
    let (s, used) = api(&base, Method::GET, &format!("/api/v1/contracts/{cid}/usage"), Some(&supplier), None).await;
    assert_eq!(s, 200, "{used}");
    assert_eq!(used["months"].as_array().map(Vec::len), Some(0), "nothing of a refused file is stored: {used}");
    let ok = files.path().join("usage.csv");
    std::fs::write(&ok, format!("\u{feff}{header}\r\n{}\r\n", good.join("\r\n"))).expect("csv");
    let file = b.find("#file").await;
    b.send_file(&file, &ok).await;
    b.submit("form[action='/usage/upload'] button[type='submit']").await;
    let accepted = b.find("#accepted").await;
    assert_eq!(b.text(&accepted).await, "2");
    accessible(&b, "a stored upload").await;
    let (_, used) = api(&base, Method::GET, &format!("/api/v1/contracts/{cid}/usage"), Some(&supplier), None).await;
    assert_eq!(used["months"][0]["month"], "2026-10", "{used}");
    assert_eq!(used["months"][0]["meters"][0]["quantity"], "12.5", "{used}");

    // 2. The supplier records a 600-minute unannounced outage of the service on October 10th on
    //    `/incidents`: October falls below the service's SLA, so its invoice carries a credit.
    b.goto(&format!("{base}/incidents")).await;
    accessible(&b, "the incidents").await;
    b.set("#incident-service", service["id"].as_str().expect("id")).await;
    b.set("#incident-started", "2026-10-10T02:00").await;
    b.set("#incident-ended", "2026-10-10T12:00").await;
    b.fill("#incident-description", "사전 공지 없는 장애: 스토리지 응답 없음").await;
    b.submit("#incident-form button[type='submit']").await;
    b.wait_url("done=1").await;
    accessible(&b, "a recorded incident").await;
    let (s, av) = api(&base, Method::GET, &format!("/api/v1/contracts/{cid}/availability?month=2026-10"), Some(&buyer), None).await;
    assert_eq!(s, 200, "{av}");
    assert_eq!((av[0]["outage_minutes"].as_i64(), &av[0]["below_sla"]), (Some(600), &json!(true)), "{av}");
    let credit_pct = av[0]["credit_pct"].as_f64().expect("the service's SLA credit");

    // 3. October has ended (the clock says 2026-11-23): the billing run drafts its invoice.
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
    let fee = invoice["lines"][0]["amount_krw"].as_i64().expect("amount") + invoice["fixed_krw"].as_i64().expect("fixed");
    let credit = gureum_domain::usage::sla_credit(fee, credit_pct);
    assert!(credit > 0);
    assert_eq!(invoice["credit_krw"].as_i64(), Some(credit), "the incident lowers the invoice: {invoice}");
    let net = fee - credit;
    assert_eq!(total, net + gureum_domain::money::vat(net));

    // 4. The supplier finds the draft on its invoices and issues it.
    b.goto(&format!("{base}/invoices")).await;
    accessible(&b, "invoices").await;
    let link = b.find(&format!("a[href='/invoices/{id}']")).await;
    b.click(&link).await;
    b.wait_url(&format!("/invoices/{id}")).await;
    accessible(&b, "a draft invoice").await;
    assert!(b.body_text().await.contains("12.5"), "the quantity is shown exactly");
    b.find("#invoice-credits").await;
    b.submit(&format!("form[action='/invoices/{id}/issue'] button[type='submit']")).await;
    assert!(b.current_url().await.contains("done=1"));
    let status = b.find("#invoice-status").await;
    assert_eq!(b.text(&status).await, "발행");
    accessible(&b, "an issued invoice").await;
    logout(&b).await;

    // 5. The buyer accepts it.
    login(&b, &base, "buyer").await;
    b.goto(&format!("{base}/invoices/{id}")).await;
    accessible(&b, "an invoice to answer").await;
    assert!(b.source().await.contains(&format!("action=\"/invoices/{id}/dispute\"")), "the dispute form is offered");
    b.submit(&format!("form[action='/invoices/{id}/accept'] button[type='submit']")).await;
    let status = b.find("#invoice-status").await;
    assert_eq!(b.text(&status).await, "승인");
    logout(&b).await;

    // 6. The budget officer records the payment; the budget line's spent amount grows.
    login(&b, &base, "budget").await;
    b.goto(&format!("{base}/invoices/{id}")).await;
    accessible(&b, "an invoice to pay").await;
    b.set("#paid-on", "2026-11-23").await;
    b.submit(&format!("form[action='/invoices/{id}/pay'] button[type='submit']")).await;
    let status = b.find("#invoice-status").await;
    assert_eq!(b.text(&status).await, "지급 완료");
    assert!(b.body_text().await.contains("2026-11-23"));
    accessible(&b, "a paid invoice").await;
    let (_, lines) = api(&base, Method::GET, "/api/v1/budget-lines", Some(&budget), None).await;
    let l = lines.as_array().expect("lines").iter().find(|l| l["id"] == line["id"]).cloned().expect("the line");
    assert_eq!(l["spent_krw"].as_i64(), Some(total));
    b.quit().await;
}

//! Spend and its warnings (SPEC §3 "Usage and billing"; SPEC §4 "Usage, invoices and
//! post-management"; issue #24 point 3), on the engine the run asks for: a contract's and a
//! budget line's spend with the trend and the projections, the warnings at 70, 90 and 100 % sent
//! once each (in the app and by e-mail to the agency's buyers and budget officers), and who may
//! read what. Invoices are written as the invoices work will write them (its API merges later).

mod common;
#[path = "support/spend_fixtures.rs"]
mod spend_fixtures;

use common::{TestApp, world};
use serde_json::{Value, json};
use spend_fixtures::{contract, invoice};
use sqlx::Row;

async fn budget_line(app: &TestApp, budget: &str, name: &str, amount: i64) -> String {
    let (s, v) = app
        .call("POST", "/api/v1/budget-lines", Some(budget), Some(json!({"fiscal_year": 2026, "name": name, "amount_krw": amount})))
        .await;
    assert_eq!(s, 201, "{v}");
    v["id"].as_str().expect("id").to_owned()
}

fn figures(v: &Value) -> [i64; 8] {
    [
        "limit_krw",
        "invoiced_krw",
        "drafted_krw",
        "spent_krw",
        "trend_krw_per_month",
        "projected_period_end_krw",
        "projected_year_end_krw",
        "pct",
    ]
    .map(|k| v[k].as_i64().unwrap_or_else(|| panic!("{k} in {v}")))
}

async fn run_job(app: &TestApp) -> usize {
    gureum_app::jobs::Job::SpendWarnings.run(&app.state).await.expect("job")
}

#[tokio::test]
async fn spend_is_projected_and_warned_of_once_per_threshold() {
    let w = world().await;
    let app = &w.app;
    let budget = app.login("budget").await;
    let signatory = app.login("signatory").await;
    let line = budget_line(app, &budget, "클라우드 이용료", 800_000).await;
    let c = contract(app, "monthly", Some(1_000_000), 1_200_000, Some((&line, 800_000))).await;
    invoice(app, &c, "2026-09", 202609, 202609, 200_000, "paid").await;
    let october = invoice(app, &c, "2026-10", 202610, 202610, 300_000, "draft").await;

    // it is 23 November: September paid, October drafted; the trend (200,000 + 300,000) / 2;
    // November to the period's end, November and December to the year's end
    let (s, v) = app.call("GET", &format!("/api/v1/contracts/{c}/spend"), Some(&w.buyer), None).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(figures(&v), [1_000_000, 200_000, 300_000, 500_000, 250_000, 750_000, 1_000_000, 75]);
    assert_eq!(v["warnings_sent"], json!([]));
    // the line: the same invoices against 800,000
    let (s, v) = app.call("GET", &format!("/api/v1/budget-lines/{line}/spend"), Some(&budget), None).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(figures(&v), [800_000, 200_000, 300_000, 500_000, 250_000, 750_000, 1_000_000, 93]);

    // the job warns of 70 % on the contract, of 70 and 90 % on the line; a second run nothing
    assert_eq!(run_job(app).await, 3);
    assert_eq!(run_job(app).await, 0, "once per threshold");
    let (_, v) = app.call("GET", &format!("/api/v1/contracts/{c}/spend"), Some(&w.buyer), None).await;
    assert_eq!(v["warnings_sent"], json!([70]));
    let (_, v) = app.call("GET", &format!("/api/v1/budget-lines/{line}/spend"), Some(&budget), None).await;
    assert_eq!(v["warnings_sent"], json!([70, 90]));

    // in the app and by e-mail to the buyers and budget officers, not the signatory
    for who in [&w.buyer, &budget] {
        let (_, told) = app.call("GET", "/api/v1/notifications", Some(who), None).await;
        let spend: Vec<&Value> = told["items"].as_array().expect("items").iter().filter(|n| n["kind"] == "spend_warning").collect();
        assert_eq!(spend.len(), 3, "{told}");
    }
    let (_, told) = app.call("GET", "/api/v1/notifications", Some(&signatory), None).await;
    assert!(!told["items"].as_array().expect("items").iter().any(|n| n["kind"] == "spend_warning"));
    for addr in ["buyer@demo.gureum.kr", "budget@demo.gureum.kr"] {
        let mails = app.db.outbox_to(addr).await.expect("outbox");
        let spend: Vec<_> = mails.iter().filter(|m| m.body.contains("750,000")).collect();
        assert_eq!(spend.len(), 3, "{addr}: {mails:?}");
        assert!(spend.iter().any(|m| m.body.contains(&format!("/contracts/{c}")) && m.body.contains("70%")));
    }
    assert!(app.db.outbox_to("signatory@demo.gureum.kr").await.expect("outbox").iter().all(|m| !m.body.contains("750,000")));
    let events = app.db.audit_for_entity("contract", &c).await.expect("audit");
    assert_eq!(events.iter().filter(|e| e.event.action == "contract.spend_warning").count(), 1);
    assert_eq!(
        app.db
            .audit_for_entity("budget_line", &line)
            .await
            .expect("audit")
            .iter()
            .filter(|e| e.event.action == "budget_line.spend_warning")
            .count(),
        2
    );

    // late usage raises October's draft: 90 and 100 % on the contract, 100 % on the line, once
    sqlx::query("UPDATE invoices SET total_krw = 500000, net_krw = 454546, vat_krw = 45454 WHERE id = $1")
        .bind(&october)
        .execute(app.db.pool())
        .await
        .expect("recompute");
    let (_, v) = app.call("GET", &format!("/api/v1/contracts/{c}/spend"), Some(&w.buyer), None).await;
    assert_eq!(figures(&v), [1_000_000, 200_000, 500_000, 700_000, 350_000, 1_050_000, 1_400_000, 105]);
    assert_eq!(run_job(app).await, 3);
    assert_eq!(run_job(app).await, 0);
    let (_, v) = app.call("GET", &format!("/api/v1/contracts/{c}/spend"), Some(&w.buyer), None).await;
    assert_eq!(v["warnings_sent"], json!([70, 90, 100]));
    let (_, v) = app.call("GET", &format!("/api/v1/budget-lines/{line}/spend"), Some(&budget), None).await;
    assert_eq!(v["warnings_sent"], json!([70, 90, 100]));
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM spend_notices").fetch_one(app.db.pool()).await.expect("count").get("n");
    assert_eq!(n, 6);
}

#[tokio::test]
async fn a_quarter_counts_a_third_a_month_and_a_contract_without_a_cap_is_measured_by_its_total() {
    let w = world().await;
    let app = &w.app;
    let c = contract(app, "quarterly", None, 4_000_000, None).await;
    invoice(app, &c, "2026-Q3", 202607, 202609, 900_000, "issued").await;
    // Q3 invoiced; the trend 300,000 a month; October to December are the rest of Q4 and of the year
    let (s, v) = app.call("GET", &format!("/api/v1/contracts/{c}/spend"), Some(&w.supplier), None).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(figures(&v), [4_000_000, 900_000, 0, 900_000, 300_000, 1_800_000, 1_800_000, 45]);
    assert_eq!(run_job(app).await, 0, "45 % warns of nothing");

    // nothing invoiced: spent 0, projected 0
    let empty = contract(app, "monthly", Some(0), 0, None).await;
    let (_, v) = app.call("GET", &format!("/api/v1/contracts/{empty}/spend"), Some(&w.buyer), None).await;
    assert_eq!(figures(&v), [0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(run_job(app).await, 0);
}

#[tokio::test]
async fn only_the_parties_read_spend() {
    let w = world().await;
    let app = &w.app;
    let budget = app.login("budget").await;
    let signatory = app.login("signatory").await;
    let auditor = app.login("auditor").await;
    let line = budget_line(app, &budget, "정보화 사업비", 5_000_000).await;
    let c = contract(app, "monthly", Some(1_000_000), 1_000_000, Some((&line, 1_000_000))).await;

    for who in [&w.buyer, &budget, &signatory, &w.supplier] {
        assert_eq!(app.call("GET", &format!("/api/v1/contracts/{c}/spend"), Some(who), None).await.0, 200);
    }
    for who in [&w.supplier2, &w.operator, &w.reviewer, &auditor] {
        let (s, v) = app.call("GET", &format!("/api/v1/contracts/{c}/spend"), Some(who), None).await;
        assert_eq!((s, v["code"].as_str()), (404, Some("not_found")), "not a party: {v}");
    }
    assert_eq!(app.call("GET", &format!("/api/v1/contracts/{c}/spend"), None, None).await.0, 401);
    let (s, v) = app.call("GET", "/api/v1/contracts/not-a-uuid/spend", Some(&w.buyer), None).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_id")));
    assert_eq!(app.call("GET", "/api/v1/contracts/00000000-0000-4000-8000-000000000000/spend", Some(&w.buyer), None).await.0, 404);

    for who in [&w.buyer, &budget, &signatory] {
        assert_eq!(app.call("GET", &format!("/api/v1/budget-lines/{line}/spend"), Some(who), None).await.0, 200);
    }
    for who in [&w.supplier, &w.supplier2, &w.operator, &w.reviewer, &auditor] {
        let (s, v) = app.call("GET", &format!("/api/v1/budget-lines/{line}/spend"), Some(who), None).await;
        assert_eq!((s, v["code"].as_str()), (404, Some("not_found")), "not the agency's: {v}");
    }
    assert_eq!(app.call("GET", &format!("/api/v1/budget-lines/{line}/spend"), None, None).await.0, 401);
    let (s, v) = app.call("GET", "/api/v1/budget-lines/nope/spend", Some(&budget), None).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_id")));
}

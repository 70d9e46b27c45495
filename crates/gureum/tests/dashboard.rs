//! The agency's and the supplier's dashboards (issue #24 point 6), on the engine the run asks
//! for: `GET /api/v1/dashboard` (usage by month per meter and in won, invoices by state, open
//! incidents, contracts ending within 90 days) for the caller's organisation only, and the
//! `/dashboard` page with its SVG charts, their tables and the spend bars. Usage, invoices and
//! incidents are written as their own work will write them (their APIs merge later).

mod common;
#[path = "support/spend_fixtures.rs"]
mod spend_fixtures;

use common::{TestApp, request, world};
use serde_json::{Value, json};
use spend_fixtures::{contract, invoice, parties};
use sqlx::Row;

/// A usage record of the demo supplier (quantity in millionths) starting at `start` (µs), with
/// its rollup, as a stored batch leaves them.
async fn usage(app: &TestApp, contract_id: &str, meter: &str, micros: i64, month: i64, start: i64) {
    let (_, supplier) = parties(app).await;
    let mut tx = app.db.begin_write().await.expect("tx");
    tx.insert_usage_record_for_tests(
        &supplier,
        &uuid::Uuid::new_v4().to_string(),
        contract_id,
        meter,
        micros,
        (start, start + 3_600_000_000),
        month,
    )
    .await
    .expect("usage");
    tx.commit().await.expect("commit");
}

/// An incident of the contract's service; open when `ended_at` is `None`.
async fn incident(app: &TestApp, contract_id: &str, description: &str, started_at: i64, ended_at: Option<i64>) -> String {
    let (_, supplier) = parties(app).await;
    let sup = app.db.user_by_email("supplier@demo.gureum.kr").await.expect("db").expect("supplier");
    let service: String = sqlx::query("SELECT service_id FROM contract_items WHERE contract_id = $1")
        .bind(contract_id)
        .fetch_one(app.db.pool())
        .await
        .expect("item")
        .get("service_id");
    let id = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO incidents (id, service_id, supplier_id, reported_by, reporter_org_id, started_at, ended_at, announced, description, \
         notified_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, NULL, $6, $6)",
    )
    .bind(&id)
    .bind(&service)
    .bind(&supplier)
    .bind(&sup.id)
    .bind(&sup.org_id)
    .bind(started_at)
    .bind(ended_at)
    .bind(description)
    .execute(app.db.pool())
    .await
    .expect("incident");
    id
}

/// 2026-10-15 and 2026-11-10 00:00 in Asia/Seoul, µs.
const OCT_15: i64 = 1_791_990_000_000_000;
const NOV_10: i64 = 1_794_236_400_000_000;

async fn page(app: &TestApp, token: Option<&str>) -> (u16, String) {
    let (s, v) = request(&app.router, "GET", "/dashboard", token, None).await;
    (s, v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()))
}

#[tokio::test]
async fn each_side_sees_its_own_dashboard() {
    let w = world().await;
    let app = &w.app;
    let budget = app.login("budget").await;
    let c = contract(app, "monthly", Some(1_000_000), 1_200_000, None).await;
    sqlx::query("UPDATE contracts SET ends_on = '2027-01-31' WHERE id = $1").bind(&c).execute(app.db.pool()).await.expect("ends");
    let later = contract(app, "monthly", None, 500_000, None).await; // ends 2027-06-30: not within 90 days
    invoice(app, &c, "2026-09", 202609, 202609, 200_000, "paid").await;
    invoice(app, &c, "2026-10", 202610, 202610, 300_000, "draft").await;
    invoice(app, &later, "2026-Q3", 202607, 202609, 90_000, "issued").await;
    usage(app, &c, "vCPU-시간", 1_500_000, 202610, OCT_15).await;
    usage(app, &c, "vCPU-시간", 2_250_000, 202610, OCT_15 + 1).await;
    usage(app, &c, "스토리지-GB", 100_000_000, 202611, NOV_10).await;
    incident(app, &c, "API 응답 지연", NOV_10, None).await;
    incident(app, &c, "지난 장애", OCT_15, Some(OCT_15 + 600_000_000)).await;

    for who in [&w.buyer, &budget, &w.supplier] {
        let (s, v) = app.call("GET", "/api/v1/dashboard", Some(who), None).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["side"], if who == &w.supplier { "supplier" } else { "agency" });
        let months: Vec<&str> = v["months"].as_array().expect("months").iter().filter_map(Value::as_str).collect();
        assert_eq!((months.len(), months[0], months[11]), (12, "2025-12", "2026-11"));
        assert_eq!(
            v["usage_by_month"],
            json!([
                {"month": "2026-10", "meter": "vCPU-시간", "quantity": "3.75"},
                {"month": "2026-11", "meter": "스토리지-GB", "quantity": "100"}
            ])
        );
        let won: Vec<(String, i64)> = v["invoiced_by_month"]
            .as_array()
            .expect("won")
            .iter()
            .filter(|m| m["total_krw"] != 0)
            .map(|m| (m["month"].as_str().unwrap_or_default().to_owned(), m["total_krw"].as_i64().unwrap_or_default()))
            .collect();
        assert_eq!(won, [("2026-07".into(), 30_000), ("2026-08".into(), 30_000), ("2026-09".into(), 230_000), ("2026-10".into(), 300_000)]);
        assert_eq!(
            v["invoices_by_state"],
            json!([
                {"status": "draft", "count": 1, "total_krw": 300_000},
                {"status": "issued", "count": 1, "total_krw": 90_000},
                {"status": "accepted", "count": 0, "total_krw": 0},
                {"status": "disputed", "count": 0, "total_krw": 0},
                {"status": "paid", "count": 1, "total_krw": 200_000}
            ])
        );
        let open = v["open_incidents"].as_array().expect("incidents");
        assert_eq!(open.len(), 1, "the ended one is not open: {v}");
        assert_eq!((open[0]["description"].as_str(), open[0]["announced"].as_bool()), (Some("API 응답 지연"), Some(false)));
        let ending = v["contracts_ending"].as_array().expect("ending");
        assert_eq!(ending.len(), 1, "{v}");
        assert_eq!((ending[0]["id"].as_str(), ending[0]["days_left"].as_i64()), (Some(c.as_str()), Some(69)));
        assert_eq!(ending[0]["title"], "민원 상담 챗봇");
    }

    // another supplier sees nothing of it
    let (s, v) = app.call("GET", "/api/v1/dashboard", Some(&w.supplier2), None).await;
    assert_eq!(s, 200);
    assert_eq!(v["usage_by_month"], json!([]));
    assert_eq!(v["open_incidents"], json!([]));
    assert_eq!(v["contracts_ending"], json!([]));
    assert!(v["invoices_by_state"].as_array().expect("states").iter().all(|s| s["count"] == 0));
    assert!(v["invoiced_by_month"].as_array().expect("won").iter().all(|m| m["total_krw"] == 0));

    // nobody else has one
    let auditor = app.login("auditor").await;
    let pps = app.login("pps").await;
    for who in [&w.operator, &w.reviewer, &auditor, &pps] {
        let (s, v) = app.call("GET", "/api/v1/dashboard", Some(who), None).await;
        assert_eq!((s, v["code"].as_str()), (403, Some("forbidden")), "{v}");
    }
    assert_eq!(app.call("GET", "/api/v1/dashboard", None, None).await.0, 401);
}

#[tokio::test]
async fn the_dashboard_page_draws_its_charts_with_their_tables() {
    let w = world().await;
    let app = &w.app;
    let budget = app.login("budget").await;
    let (s, v) = app
        .call(
            "POST",
            "/api/v1/budget-lines",
            Some(&budget),
            Some(json!({"fiscal_year": 2026, "name": "클라우드 이용료", "amount_krw": 800_000})),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let line = v["id"].as_str().expect("id").to_owned();
    let c = contract(app, "monthly", Some(1_000_000), 1_200_000, Some((&line, 800_000))).await;
    invoice(app, &c, "2026-09", 202609, 202609, 200_000, "paid").await;
    invoice(app, &c, "2026-10", 202610, 202610, 300_000, "draft").await;
    usage(app, &c, "vCPU-시간", 1_500_000, 202610, OCT_15).await;
    incident(app, &c, "API <응답> 지연", NOV_10, None).await;

    let (s, html) = page(app, Some(&budget)).await;
    assert_eq!(s, 200, "{html}");
    // the invoiced chart: an image with its title and description, and its table
    assert!(html.contains("class=\"chart chart-bars\" viewBox=\"0 0 640 240\" role=\"img\" aria-labelledby=\"won-t won-d\""), "{html}");
    assert!(html.contains("<title id=\"won-t\">월별 청구액 (최근 12개월)</title>"));
    assert!(html.contains("<tr><th scope=\"row\">2026-10</th><td>300,000원</td></tr>"), "the table beside the chart");
    assert!(html.contains("<tr><th scope=\"row\">2026-09</th><td>200,000원</td></tr>"));
    // the usage chart with its meter
    assert!(html.contains("chart chart-lines") && html.contains("<th scope=\"col\">vCPU-시간</th>") && html.contains("<td>1.5</td>"));
    // invoices by state, the open incident (escaped), the spend bars against the limits
    assert!(html.contains("chart chart-shares") && html.contains("<th scope=\"row\">초안</th><td>1</td><td>300,000원</td>"));
    assert!(
        html.contains("API &#60;응답&#62; 지연") && !html.contains("API <응답>"),
        "escaped: {}",
        html.split("API").nth(1).unwrap_or_default().chars().take(40).collect::<String>()
    );
    assert!(html.contains(&format!("aria-labelledby=\"spend-{c}-t spend-{c}-d\"")), "the contract's bar");
    assert!(html.contains(&format!("aria-labelledby=\"spend-{line}-t spend-{line}-d\"")), "the budget line's bar");
    assert!(html.contains("한도의 75%") && html.contains("한도의 93%"), "the contract at 75 %, the line at 93 %");
    assert!(html.contains("chart-warn") && html.contains("class=\"chart-mark\""));
    assert!(html.contains("계약 약정 800,000원"), "the line's commitment beside its spend");
    assert!(!html.contains("style=") && !html.contains("<script"), "no inline style, no script");
    assert!(html.contains("href=\"/dashboard\""), "the desk link");

    // English
    let (s, html) = request(&app.router, "GET", "/dashboard?lang=en", Some(&budget), None).await;
    assert_eq!(s, 200);
    let html = html.as_str().unwrap_or_default().to_owned();
    assert!(html.contains("Invoiced by month (last 12 months)") && html.contains("KRW 300,000"), "{html}");

    // the supplier has one without budget lines; others 403; a visitor goes to the login page
    let (s, html) = page(app, Some(&w.supplier)).await;
    assert_eq!(s, 200);
    assert!(html.contains("chart chart-bars") && !html.contains(&format!("spend-{line}-t")));
    for who in [&w.operator, &w.reviewer] {
        assert_eq!(page(app, Some(who)).await.0, 403);
    }
    let (s, _, _) = app.get_raw("/dashboard").await;
    assert!(s == 303 || s == 302, "to the login page: {s}");
}

//! The dashboard in real Chromium against the real binary (`serve --demo`, the clock fixed at
//! 2026-11-23 09:00 in Seoul): with the months the demo invoiced on its metered contract, the demo
//! budget officer opens `/dashboard` from the menu and sees the invoiced-by-month chart (an SVG
//! image with its title) and its table with the months' amounts, the spend bar of the contract
//! and of the budget lines, in Korean and in English. Every page visited passes axe.

#[path = "support/demo_journey.rs"]
mod demo_journey;
#[path = "support/webdriver.rs"]
mod webdriver;

use demo_journey::{accessible, login};
use sqlx::Row;
use webdriver::{Browser, Server, browser_binaries};

/// The demo's metered contract and the totals of its September and October invoices (the demo
/// billed every ended month: September paid, October a draft).
async fn the_demo_invoices(server: &Server) -> (String, i64, i64) {
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}", server.dir.path().join("gureum.sqlite3").display());
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&url).await.expect("the demo database");
    let row =
        sqlx::query("SELECT id FROM contracts WHERE method = 'negotiated' AND status IN ('signed', 'active') ORDER BY created_at LIMIT 1")
            .fetch_one(&mut conn)
            .await
            .expect("the demo has a signed contract");
    let contract: String = row.get("id");
    let mut totals = Vec::new();
    for period in ["2026-09", "2026-10"] {
        let total: i64 = sqlx::query("SELECT total_krw FROM invoices WHERE contract_id = $1 AND period = $2")
            .bind(&contract)
            .bind(period)
            .fetch_one(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("the demo invoiced {period}: {e}"))
            .get("total_krw");
        assert!(total > 0, "{period}");
        totals.push(total);
    }
    (contract, totals[0], totals[1])
}

/// `1234567` → `1,234,567`.
fn grouped(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[tokio::test]
async fn a_budget_officer_sees_the_usage_chart_and_its_table() {
    let Some((chromium, driver)) = browser_binaries() else { return };
    let server = Server::start_demo().await;
    let base = server.base.clone();
    let (contract, september, october) = the_demo_invoices(&server).await;
    let b = Browser::start(&chromium, &driver).await;

    login(&b, &base, "budget").await;
    // the desk link leads there
    assert!(!b.find_all("a[href='/dashboard']").await.is_empty(), "the menu links the dashboard");
    b.goto(&format!("{base}/dashboard")).await;
    b.wait_url("/dashboard").await;
    let text = b.body_text().await;
    assert!(text.contains("대시보드") && text.contains("월별 청구액 (최근 12개월)"), "{text}");

    // the chart: an SVG image named by its title and description
    let charts = b.find_all("svg.chart-bars[role='img']").await;
    assert_eq!(charts.len(), 1, "the invoiced-by-month chart");
    let title = b.script("return document.querySelector('svg.chart-bars title').textContent;", serde_json::json!([])).await;
    assert_eq!(title, "월별 청구액 (최근 12개월)");
    let bars = b.find_all("svg.chart-bars rect").await;
    assert_eq!(bars.len(), 12, "a bar per month");
    // its table beside it: the months and their amounts
    let rows = b.find_all(".chart-table tbody tr").await;
    assert!(rows.len() >= 12, "a row per month");
    assert!(text.contains("2026-09") && text.contains(&format!("{}원", grouped(september))), "September's amount in the table: {text}");
    assert!(text.contains("2026-10") && text.contains(&format!("{}원", grouped(october))), "October's: {text}");
    // the contract's spend bar against its limit, the budget lines of this year
    assert!(!b.find_all(&format!("svg[aria-labelledby='spend-{contract}-t spend-{contract}-d']")).await.is_empty());
    assert!(text.contains("예산 항목별 지출"), "{text}");
    accessible(&b, "dashboard").await;

    // in English
    b.goto(&format!("{base}/dashboard?lang=en")).await;
    let text = b.body_text().await;
    assert!(text.contains("Invoiced by month (last 12 months)") && text.contains(&format!("KRW {}", grouped(october))), "{text}");
    accessible(&b, "dashboard (English)").await;
    b.quit().await;
}

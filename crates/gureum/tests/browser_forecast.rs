//! The demand forecast journey in real Chromium against the real binary (`serve --demo`, the
//! clock fixed at 2026-11-23 09:00 in Seoul): the demo's survey of this year is open and the
//! demo agency's answer is prefilled from last year's; its buyer adds two systems on
//! `/agency/forecast/{id}` (a system without a plan and without a reason is refused first, its
//! input kept), edits one, and submits; the public report `/forecast/{id}` then counts them in
//! its charts and their tables. The operator sees the response rate on its desk. Every page
//! visited passes axe.

#[path = "support/demo_journey.rs"]
mod demo_journey;
#[path = "support/webdriver.rs"]
mod webdriver;

use demo_journey::{accessible, api, login, logout};
use reqwest::Method;
use webdriver::{Browser, Server, browser_binaries};

#[tokio::test]
async fn an_agency_answers_two_systems_and_the_public_report_draws_them() {
    let Some((chromium, driver)) = browser_binaries() else { return };
    let server = Server::start_demo().await;
    let base = server.base.clone();

    let (s, surveys) = api(&base, Method::GET, "/api/v1/forecast-surveys", None, None).await;
    assert_eq!(s, 200, "{surveys}");
    let sid = surveys[0]["id"].as_str().expect("the demo's open survey").to_owned();
    assert_eq!(surveys[0]["status"], "open");
    let (_, before) = api(&base, Method::GET, &format!("/api/v1/forecast-surveys/{sid}/report"), None, None).await;
    let systems_before = before["systems"].as_i64().expect("systems");

    // 0. The public list and the report, in both languages.
    let b = Browser::start(&chromium, &driver).await;
    b.goto(&format!("{base}/forecast")).await;
    accessible(&b, "the public surveys").await;
    b.goto(&format!("{base}/forecast/{sid}?lang=en")).await;
    assert!(b.body_text().await.contains("Demand meets supply"), "in English");
    b.goto(&format!("{base}/forecast/{sid}?lang=ko")).await;
    accessible(&b, "the public report").await;

    // 1. The buyer finds its prefilled answer.
    login(&b, &base, "buyer").await;
    b.goto(&format!("{base}/agency/forecast")).await;
    accessible(&b, "the agency's surveys").await;
    b.goto(&format!("{base}/agency/forecast/{sid}")).await;
    b.find("#prefilled-note").await;
    accessible(&b, "the agency's answer").await;

    // 2. A system without a planned year and without a reason is refused, its input kept.
    b.fill("#sys-key", "WEB-2026").await;
    b.fill("#sys-name", "브라우저 여정 홈페이지").await;
    b.set("#sys-hosting", "own").await;
    b.submit("#system-form button[type='submit']").await;
    let reason = b.find("#sys-reason").await;
    assert_eq!(b.attr(&reason, "aria-invalid").await.as_deref(), Some("true"), "the reason is marked");
    let name = b.find("#sys-name").await;
    assert_eq!(b.attr(&name, "value").await.as_deref(), Some("브라우저 여정 홈페이지"), "the input is kept");
    assert!(b.body_text().await.contains("reason_required"));
    accessible(&b, "a refused system").await;

    // 3. Two systems: one planned (SaaS, 2027), one without a plan for lack of budget.
    b.fill("#sys-key", "WEB-2026").await;
    b.fill("#sys-name", "브라우저 여정 홈페이지").await;
    b.set("#sys-hosting", "own").await;
    b.fill("#sys-year", "2027").await;
    b.set("#sys-target", "saas").await;
    b.set("#sys-change", "conversion").await;
    b.fill("#sys-functions", "여정기능, 전자결재").await;
    b.fill("#sys-budget", "70,000,000").await;
    b.set("#sys-reason", "").await;
    b.submit("#system-form button[type='submit']").await;
    b.wait_url("done=1").await;
    b.find("#system-WEB-2026").await;
    b.fill("#sys-key", "OLD-2026").await;
    b.fill("#sys-name", "브라우저 여정 구 시스템").await;
    b.set("#sys-hosting", "nirs").await;
    b.set("#sys-reason", "no_budget").await;
    b.submit("#system-form button[type='submit']").await;
    b.wait_url("done=1").await;
    b.find("#system-OLD-2026").await;
    accessible(&b, "two systems added").await;

    // 4. The planned one is edited through its link (the form is filled with it).
    b.goto(&format!("{base}/agency/forecast/{sid}?edit=WEB-2026")).await;
    let year = b.find("#sys-year").await;
    assert_eq!(b.attr(&year, "value").await.as_deref(), Some("2027"));
    b.set("#sys-target", "paas").await;
    b.submit("#system-form button[type='submit']").await;
    b.wait_url("done=1").await;
    let row = b.find("#system-WEB-2026").await;
    assert!(b.text(&row).await.contains("PaaS"), "edited");

    // 5. Submit.
    b.submit("#submit-form button[type='submit']").await;
    b.wait_url("done=1").await;
    let status = b.find("#response-status").await;
    assert_eq!(b.text(&status).await, "제출 완료");
    accessible(&b, "a submitted answer").await;
    logout(&b).await;

    // 6. The public report counts them: the function and the reason in the charts' tables.
    let (_, after) = api(&base, Method::GET, &format!("/api/v1/forecast-surveys/{sid}/report"), None, None).await;
    let added = after["systems"].as_i64().expect("systems") - systems_before;
    assert!(added >= 2, "the demo agency's systems now count: {added}");
    // a function named by one agency only is never public: it counts as `other`
    assert_eq!(after["by_function"].get("여정기능"), None, "{after}");
    assert!(after["by_function"]["other"].as_i64().unwrap_or(0) >= 1, "{after}");
    b.goto(&format!("{base}/forecast/{sid}")).await;
    let count = b.find("#systems-count").await;
    assert_eq!(b.text(&count).await, after["systems"].to_string());
    b.find("#fc-function svg[role='img']").await;
    let table = b.find("#fc-function table").await;
    assert!(b.text(&table).await.contains("전자결재"), "the function's chart table");
    let reasons = b.find("#fc-reason table").await;
    assert!(b.text(&reasons).await.contains("예산 부족"));
    let body = b.body_text().await;
    assert!(!body.contains("여정기능"), "one agency's free text is not public");
    assert!(!body.contains("행정안전부"), "no agency is named");
    accessible(&b, "the report with the new answer").await;

    // 7. The statistics page draws the same survey's submitted systems by target type.
    let (_, stats) = api(&base, Method::GET, "/api/v1/stats", None, None).await;
    assert_eq!(stats["forecast"]["systems"], after["systems"], "the statistics count the open survey: {}", stats["forecast"]);
    b.goto(&format!("{base}/stats")).await;
    let n = b.find("#stats-forecast-systems").await;
    assert_eq!(b.text(&n).await, after["systems"].to_string());
    b.find("#stats-forecast svg[role='img']").await;
    let table = b.find("#stats-forecast table").await;
    assert!(b.text(&table).await.contains("PaaS"), "the edited system's target type among the rows");
    assert!(!b.body_text().await.contains("행정안전부"), "no agency is named");
    accessible(&b, "the statistics").await;

    // 8. The operator sees the response rate by agency kind.
    login(&b, &base, "operator").await;
    b.goto(&format!("{base}/operator/forecast")).await;
    accessible(&b, "the operator's forecast desk").await;
    b.goto(&format!("{base}/operator/forecast/{sid}")).await;
    b.find("#by-kind").await;
    assert!(b.text(&b.find("#missing").await).await.contains("(데모)"), "who is missing, by name");
    accessible(&b, "the response rate").await;
    b.quit().await;
}

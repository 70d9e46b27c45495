//! Ratings and incidents in real Chromium against the real binary (`serve --demo`, the clock
//! fixed at 2026-11-23 09:00 in Seoul): the demo buyer, whose agency holds the demo's signed
//! contract, rates the contract's service on its page and the rating appears there with the
//! average; the supplier replies on the same page, once; the supplier records an incident on
//! `/incidents` and finds it there. Every page visited passes axe.

#[path = "support/demo_journey.rs"]
mod demo_journey;
#[path = "support/webdriver.rs"]
mod webdriver;

use demo_journey::{accessible, api, api_login, login, logout};
use reqwest::Method;
use serde_json::Value;
use webdriver::{Browser, Server, browser_binaries};

/// The service of the demo agency's signed negotiated contract.
async fn contracted_service(base: &str, buyer: &str) -> (String, String) {
    let (s, list) = api(base, Method::GET, "/api/v1/contracts", Some(buyer), None).await;
    assert_eq!(s, 200, "{list}");
    let c = list
        .as_array()
        .expect("contracts")
        .iter()
        .find(|c| matches!(c["status"].as_str(), Some("active" | "signed")))
        .unwrap_or_else(|| panic!("the demo agency holds a signed contract: {list}"));
    let item = &c["items"][0];
    (item["service_id"].as_str().expect("service").to_owned(), item["name"].as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn an_agency_rates_a_service_the_supplier_replies_and_records_an_incident() {
    let Some((chromium, driver)) = browser_binaries() else { return };
    let server = Server::start_demo().await;
    let base = server.base.clone();
    let b = Browser::start(&chromium, &driver).await;
    let buyer = api_login(&base, "buyer").await;
    let (service, name) = contracted_service(&base, &buyer).await;
    let page = format!("{base}/services/{service}");

    // 1. The buyer rates the service on its page.
    login(&b, &base, "buyer").await;
    b.goto(&page).await;
    accessible(&b, "service page with the rating form").await;
    b.set("#rate-stars-4", "4").await;
    b.fill("#rate-comment", "브라우저에서 남긴 평가: 장애 대응이 빠릅니다.").await;
    b.submit("#rate-form button[type='submit']").await;
    assert!(b.current_url().await.contains("rated=1"), "back on the service page");
    let text = b.body_text().await;
    assert!(text.contains("브라우저에서 남긴 평가: 장애 대응이 빠릅니다."), "the rating appears: {text}");
    assert!(text.contains("등록되었습니다."), "{text}");
    let (_, ratings) = api(&base, Method::GET, &format!("/api/v1/services/{service}/ratings"), None, None).await;
    let mine: Vec<&Value> = ratings["ratings"]
        .as_array()
        .expect("ratings")
        .iter()
        .filter(|r| r["comment"] == "브라우저에서 남긴 평가: 장애 대응이 빠릅니다.")
        .collect();
    assert_eq!(mine.len(), 1, "{ratings}");
    assert_eq!(mine[0]["stars"], 4);
    let average = ratings["average"].as_f64().expect("average");
    assert!(text.contains(&format!("평균 {average:.2}점")), "the average is shown: {text}");
    accessible(&b, "service page after rating").await;
    let rid = mine[0]["id"].as_str().expect("id").to_owned();
    logout(&b).await;

    // 2. The supplier replies on the page, once.
    login(&b, &base, "supplier").await;
    b.goto(&page).await;
    accessible(&b, "service page with the reply form").await;
    b.fill(&format!("#reply-{rid}-text"), "소중한 의견 감사합니다.").await;
    b.submit(&format!("form[action='/ratings/{rid}/reply'] button[type='submit']")).await;
    let text = b.body_text().await;
    assert!(text.contains("소중한 의견 감사합니다."), "the reply appears: {text}");
    assert!(b.find_all(&format!("form[action='/ratings/{rid}/reply']")).await.is_empty(), "replied once");
    accessible(&b, "service page after the reply").await;

    // 3. The supplier records an incident on /incidents.
    b.goto(&format!("{base}/incidents")).await;
    accessible(&b, "incidents").await;
    b.set("#incident-service", &service).await;
    b.set("#incident-started", "2026-11-23T07:40").await;
    b.set("#incident-ended", "2026-11-23T08:05").await;
    b.fill("#incident-description", "브라우저 여정: 로그인 API 응답 지연").await;
    b.submit("#incident-form button[type='submit']").await;
    let url = b.current_url().await;
    assert!(url.contains("/incidents/"), "the incident's page: {url}");
    let text = b.body_text().await;
    assert!(text.contains("브라우저 여정: 로그인 API 응답 지연") && text.contains("2026-11-23 07:40") && text.contains("25"), "{text}");
    accessible(&b, "incident").await;
    b.goto(&format!("{base}/incidents")).await;
    let text = b.body_text().await;
    assert!(text.contains(&name) || name.is_empty(), "listed: {text}");
    accessible(&b, "incidents after recording").await;
    let supplier = api_login(&base, "supplier").await;
    let (_, list) = api(&base, Method::GET, &format!("/api/v1/incidents?service_id={service}"), Some(&supplier), None).await;
    let rec = list.as_array().expect("incidents").iter().find(|i| i["description"] == "브라우저 여정: 로그인 API 응답 지연").cloned();
    let rec = rec.unwrap_or_else(|| panic!("recorded: {list}"));
    assert_eq!((rec["minutes"].as_i64(), rec["announced"].as_bool()), (Some(25), Some(false)));
    assert!(rec["notified_at"].is_string(), "25 minutes unannounced: the agencies were told {rec}");
    logout(&b).await;
    b.quit().await;
}

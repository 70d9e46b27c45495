//! The buying journey in real Chromium against the real binary (`serve --demo`, the clock fixed
//! at 2026-11-23 09:00 in Seoul): the PPS officer records a catalog contract over a listed,
//! orderable service of the demo supplier on its page; the demo buyer places a delivery request
//! on it; the supplier confirms it and the order shows `confirmed` with its time to contract.
//! Then a negotiated contract drafted through the API is refused once with a stale text hash
//! (shown on the page), accepted on its page by the signatory and by the supplier's admin, and
//! shows as active from 2026-11-23; the supplier proposes a longer period, the signatory accepts
//! it and terminates the contract, the supplier reports the data returned and the agency
//! confirms it. Every page visited passes axe.

#[path = "support/demo_journey.rs"]
mod demo_journey;
#[path = "support/webdriver.rs"]
mod webdriver;

use demo_journey::{accessible, api, api_login, login, logout};
use reqwest::Method;
use serde_json::{Value, json};
use webdriver::{Browser, Server, browser_binaries};

/// A listed service of the supplier that can be ordered today, with a plan: (its public view,
/// the plan's name, its listed unit price).
async fn orderable(base: &str, supplier: &str) -> (Value, String, i64) {
    let (s, mine) = api(base, Method::GET, "/api/v1/supplier/services", Some(supplier), None).await;
    assert_eq!(s, 200, "{mine}");
    for m in mine.as_array().expect("services") {
        if m["status"] != "listed" {
            continue;
        }
        let (s, v) = api(base, Method::GET, &format!("/api/v1/services/{}", m["id"].as_str().expect("id")), None, None).await;
        let plan = &v["listing"]["price_plans"][0];
        if s == 200 && v["orderable"] == true && plan.is_object() {
            let name = plan["name"].as_str().expect("plan name").to_owned();
            let price = plan["unit_price_krw"].as_i64().expect("price");
            return (v, name, price);
        }
    }
    panic!("the demo supplier has an orderable service with a plan");
}

/// The id in a URL after `prefix` (`/orders/` …).
fn id_after(url: &str, prefix: &str) -> String {
    let rest = url.split(prefix).nth(1).unwrap_or_else(|| panic!("{prefix} not in {url}"));
    rest.split(['?', '/', '#']).next().expect("id").to_owned()
}

#[tokio::test]
async fn a_catalog_order_and_a_negotiated_contract_through_the_pages() {
    let Some((chromium, driver)) = browser_binaries() else { return };
    let server = Server::start_demo().await;
    let base = server.base.clone();
    let b = Browser::start(&chromium, &driver).await;

    // the world: a budget line of 2026 for the demo agency, an orderable service of the supplier
    let budget = api_login(&base, "budget").await;
    let (s, line) = api(
        &base,
        Method::POST,
        "/api/v1/budget-lines",
        Some(&budget),
        Some(json!({"fiscal_year": 2026, "name": "브라우저 클라우드 이용료", "amount_krw": 1_000_000_000})),
    )
    .await;
    assert_eq!(s, 201, "{line}");
    let line = line["id"].as_str().expect("line").to_owned();
    let supplier = api_login(&base, "supplier").await;
    let (service, plan, price) = orderable(&base, &supplier).await;
    let service_id = service["id"].as_str().expect("id").to_owned();
    let supplier_id = service["supplier"]["id"].as_str().expect("supplier id").to_owned();

    // 1. The PPS officer records a catalog contract on the page.
    login(&b, &base, "pps").await;
    b.goto(&format!("{base}/catalog-contracts")).await;
    accessible(&b, "catalog contracts").await;
    b.fill("input[name='supplier_id']", &supplier_id).await;
    b.fill("input[name='number']", "PPS-BROWSER-2026-1").await;
    b.set("input[name='starts_on']", "2026-01-01").await;
    b.set("input[name='ends_on']", "2027-12-31").await;
    b.fill("#cc-service-1", &service_id).await;
    b.fill("#cc-plan-1", &plan).await;
    b.fill("#cc-price-1", &price.to_string()).await;
    b.submit("form[action='/catalog-contracts'] button[type='submit']").await;
    let url = b.current_url().await;
    let catalog = id_after(&url, "/catalog-contracts/");
    let text = b.body_text().await;
    assert!(text.contains("PPS-BROWSER-2026-1") && text.contains("진행 중"), "the recorded contract runs: {text}");
    accessible(&b, "catalog contract (PPS)").await;
    logout(&b).await;

    // 2. The buyer places a delivery request on it.
    login(&b, &base, "buyer").await;
    b.goto(&format!("{base}/catalog-contracts/{catalog}")).await;
    accessible(&b, "catalog contract (buyer)").await;
    b.fill("input[name='quantity_1']", "2").await;
    b.fill("input[name='months_1']", "3").await;
    b.set("select[name='budget_line_id']", &line).await;
    b.submit(&format!("form[action='/catalog-contracts/{catalog}/order'] button[type='submit']")).await;
    let url = b.current_url().await;
    assert!(url.contains("/orders/"), "the request leads to its order: {url} {}", b.body_text().await);
    let order = id_after(&url, "/orders/");
    let text = b.body_text().await;
    assert!(text.contains("확인 대기"), "the order waits for the supplier: {text}");
    assert!(!text.contains("납품요구 확인"), "the buyer is not offered the supplier's answer");
    accessible(&b, "order (buyer)").await;
    logout(&b).await;

    // 3. The supplier confirms it; the order shows confirmed with its time to contract.
    login(&b, &base, "supplier").await;
    b.goto(&format!("{base}/orders/{order}")).await;
    accessible(&b, "order (supplier)").await;
    b.submit(&format!("form[action='/orders/{order}/confirm'] button[type='submit']")).await;
    let text = b.body_text().await;
    assert!(text.contains("확인됨"), "confirmed: {text}");
    assert!(text.contains("0일 (영업일 0일)"), "the time to contract, counted from the request: {text}");
    assert!(b.find_all(&format!("form[action='/orders/{order}/confirm']")).await.is_empty(), "answered once");
    accessible(&b, "order confirmed").await;
    let (_, o) = api(&base, Method::GET, &format!("/api/v1/orders/{order}"), Some(&supplier), None).await;
    assert_eq!(o["status"], "confirmed", "{o}");
    assert_eq!(o["total_krw"].as_i64(), Some(price * 2 * 3), "{o}");
    b.goto(&format!("{base}/contracts")).await;
    assert!(b.body_text().await.contains(service["listing"]["name"].as_str().expect("name")), "the order is listed");
    accessible(&b, "contracts list").await;
    logout(&b).await;

    // 4. A negotiated contract drafted through the API from a quote.
    let buyer = api_login(&base, "buyer").await;
    let (s, r) = api(
        &base,
        Method::POST,
        "/api/v1/quote-requests",
        Some(&buyer),
        Some(json!({"service_id": service_id, "items": [{"plan": plan, "quantity": 1, "months": 12}],
            "starts_on": "2026-11-23", "ends_on": "2027-11-22", "message": "이용 견적을 요청합니다."})),
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
        Some(json!({"quote_id": q["id"], "type": "one_off", "fee_model": "fixed", "billing": "monthly", "budget_line_id": line})),
    )
    .await;
    assert_eq!(s, 201, "{c}");
    let contract = c["id"].as_str().expect("id").to_owned();
    let hash = c["text_hash"].as_str().expect("hash").to_owned();

    // 5. The signatory reads the text; a stale hash is refused on the page, the shown one accepted.
    login(&b, &base, "signatory").await;
    b.goto(&format!("{base}/contracts/{contract}")).await;
    accessible(&b, "contract (signatory)").await;
    assert_eq!(b.text(&b.find("#text-hash").await).await, hash, "the hash shown is the text's");
    let accept = format!("form[action='/contracts/{contract}/accept']");
    b.set(&format!("{accept} input[name='text_hash']"), &"0".repeat(64)).await;
    b.submit(&format!("{accept} button[type='submit']")).await;
    assert!(b.source().await.contains("text_changed"), "a stale text is refused on the form");
    accessible(&b, "acceptance refused").await;
    b.submit(&format!("{accept} button[type='submit']")).await;
    assert!(b.find_all(&accept).await.is_empty(), "accepted once: {}", b.body_text().await);
    assert!(b.body_text().await.contains("동의 대기"), "still waiting for the supplier");
    logout(&b).await;

    // 6. The supplier's admin accepts: signed, and active from its start today.
    login(&b, &base, "supplier").await;
    b.goto(&format!("{base}/contracts/{contract}")).await;
    accessible(&b, "contract (supplier)").await;
    b.submit(&format!("{accept} button[type='submit']")).await;
    let text = b.body_text().await;
    assert!(text.contains("이행 중") && text.contains("2026-11-23 ~ 2027-11-22"), "signed and active: {text}");
    assert!(b.find_all(&accept).await.is_empty(), "nothing left to accept");
    accessible(&b, "contract signed").await;
    let (_, v) = api(&base, Method::GET, &format!("/api/v1/contracts/{contract}"), Some(&supplier), None).await;
    assert_eq!((v["status"].as_str(), v["starts_on"].as_str()), (Some("active"), Some("2026-11-23")), "{v}");
    assert!(v["signed_at"].is_string() && v["time_to_contract"].is_object(), "{v}");

    // 7. The supplier proposes a longer period; it waits for the agency, not for itself.
    b.set("#propose-ends-on", "2027-12-31").await;
    b.fill("#propose-reason", "이용 기간 연장 요청").await;
    b.submit(&format!("form[action='/contracts/{contract}/amendments'] button[type='submit']")).await;
    let text = b.body_text().await;
    assert!(text.contains("답변 대기") && text.contains("2027-12-31"), "the proposal is listed: {text}");
    let answer = format!("form[action^='/contracts/{contract}/amendments/'][action$='/accept']");
    assert!(b.find_all(&answer).await.is_empty(), "the proposer does not answer its own amendment");
    accessible(&b, "amendment proposed").await;
    logout(&b).await;

    // 8. The signatory accepts it (the period changes), then terminates the contract.
    login(&b, &base, "signatory").await;
    b.goto(&format!("{base}/contracts/{contract}")).await;
    accessible(&b, "amendment to answer").await;
    b.submit(&format!("{answer} button[type='submit']")).await;
    let text = b.body_text().await;
    assert!(text.contains("수락됨") && text.contains("2026-11-23 ~ 2027-12-31"), "the amendment applies: {text}");
    b.fill("#terminate-reason", "다른 서비스로 이전").await;
    b.submit(&format!("form[action='/contracts/{contract}/terminate'] button[type='submit']")).await;
    assert!(b.body_text().await.contains("해지"), "terminated");
    accessible(&b, "contract terminated").await;
    logout(&b).await;

    // 9. The supplier's admin reports the data returned; the agency confirms it.
    login(&b, &base, "supplier").await;
    b.goto(&format!("{base}/contracts/{contract}")).await;
    b.submit(&format!("form[action='/contracts/{contract}/data-return'] button[type='submit']")).await;
    assert!(b.body_text().await.contains("데이터 반환됨"), "the data return is reported");
    accessible(&b, "data returned").await;
    logout(&b).await;
    login(&b, &base, "signatory").await;
    b.goto(&format!("{base}/contracts/{contract}")).await;
    b.submit(&format!("form[action='/contracts/{contract}/data-return/confirm'] button[type='submit']")).await;
    assert!(b.body_text().await.contains("종결"), "closed");
    // the same page in English
    b.goto(&format!("{base}/contracts/{contract}?lang=en")).await;
    let text = b.body_text().await;
    assert!(text.contains("Closed") && text.contains("Contract text") && text.contains("Time to contract"), "in English: {text}");
    accessible(&b, "contract in English").await;
    b.quit().await;
}

//! The buyer's journey in real Chromium against the real binary (`serve --demo`), axe-clean on
//! every page it visits: the demo buyer opens a project, searches from it, marks a short list,
//! compares it, chooses with a reason and reads the decision record (its hash the API's), then
//! asks for a quote; the demo supplier answers it; the buyer drafts the contract; the signatory
//! and the supplier admin accept it through the API and it is active from today (2026-11-23, the
//! tests' clock).

#[path = "support/demo_journey.rs"]
mod demo_journey;
#[path = "support/webdriver.rs"]
mod webdriver;

use demo_journey::{accessible, api, api_login, login, logout};
use reqwest::Method;
use serde_json::json;
use webdriver::{Browser, Server, browser_binaries};

/// The last UUID in a URL's path.
fn id_in(url: &str, after: &str) -> String {
    let rest = &url[url.find(after).unwrap_or_else(|| panic!("{after} not in {url}")) + after.len()..];
    let id: String = rest.chars().take_while(|c| c.is_ascii_hexdigit() || *c == '-').collect();
    assert!(uuid::Uuid::try_parse(&id).is_ok(), "no id after {after} in {url}");
    id
}

/// Two listed services of the demo supplier, the first orderable today with a price plan, and
/// the supplier's business number (a search for it finds its services).
async fn supplier_services(base: &str, supplier: &str) -> (String, String, String) {
    let (s, mine) = api(base, Method::GET, "/api/v1/supplier/services", Some(supplier), None).await;
    assert_eq!(s, 200, "{mine}");
    let mut orderable = Vec::new();
    let mut others = Vec::new();
    let mut supplier_id = String::new();
    for m in mine.as_array().expect("a list") {
        let id = m["id"].as_str().expect("id");
        let (s, v) = api(base, Method::GET, &format!("/api/v1/services/{id}"), None, None).await;
        if s != 200 || v["status"] != "listed" {
            continue;
        }
        supplier_id = v["supplier"]["id"].as_str().expect("supplier").to_owned();
        let plans = v["listing"]["price_plans"].as_array().is_some_and(|p| !p.is_empty());
        if v["orderable"] == true && plans { orderable.push(id.to_owned()) } else { others.push(id.to_owned()) }
    }
    let first = orderable.first().expect("an orderable service of the demo supplier with a plan").clone();
    let second = orderable.get(1).or(others.first()).expect("a second listed service of the demo supplier").clone();
    let (s, sup) = api(base, Method::GET, &format!("/api/v1/suppliers/{supplier_id}"), None, None).await;
    assert_eq!(s, 200, "{sup}");
    (first, second, sup["business_number"].as_str().expect("business number").to_owned())
}

#[tokio::test]
async fn a_buyer_goes_from_a_search_to_an_active_contract() {
    let Some((chromium, driver)) = browser_binaries() else { return };
    let server = Server::start_demo().await;
    let base = server.base.clone();
    let supplier_token = api_login(&base, "supplier").await;
    let budget = api_login(&base, "budget").await;
    let (chosen, second, business_number) = supplier_services(&base, &supplier_token).await;
    let line = json!({"fiscal_year": 2026, "name": "브라우저 여정 이용료", "amount_krw": 1_000_000_000});
    let (s, line) = api(&base, Method::POST, "/api/v1/budget-lines", Some(&budget), Some(line)).await;
    assert_eq!(s, 201, "{line}");
    let line_id = line["id"].as_str().expect("line").to_owned();
    let b = Browser::start(&chromium, &driver).await;

    // 1. The buyer opens a project from the worklist's menu.
    login(&b, &base, "buyer").await;
    b.goto(&format!("{base}/buying")).await;
    accessible(&b, "worklist").await;
    assert!(!b.find_all("a[href='/buyer/projects']").await.is_empty(), "the menu leads to the projects");
    b.goto(&format!("{base}/buyer/projects")).await;
    accessible(&b, "projects").await;
    b.fill("#project-title", "브라우저 협업도구 도입").await;
    b.submit("form[action='/buyer/projects'] button[type='submit']").await;
    let project = id_in(&b.wait_url("/buyer/projects/").await, "/buyer/projects/");
    accessible(&b, "a new project").await;

    // 2. A search from the project fills the long list; two services make the short list.
    b.fill("#search-q", &business_number).await;
    b.submit(&format!("form[action='/buyer/projects/{project}/search'] button[type='submit']")).await;
    b.wait_url("done=searched").await;
    accessible(&b, "the project after a search").await;
    let text = b.body_text().await;
    assert!(text.contains("검색을 기록"), "the search is recorded: {text}");
    for id in [&chosen, &second] {
        b.set(&format!("input[name='service_ids'][value='{id}']"), "on").await;
    }
    b.submit(&format!("form[action='/buyer/projects/{project}/shortlist'] button[type='submit']")).await;
    b.wait_url("done=shortlisted").await;
    accessible(&b, "the project with a short list").await;

    // 3. The comparison of the short list.
    let compare = b.find("a[href^='/compare?']").await;
    let href = b.attr(&compare, "href").await.expect("href");
    assert!(href.contains(&chosen) && href.contains(&second), "{href}");
    b.goto(&format!("{base}{href}")).await;
    accessible(&b, "compare").await;

    // 4. A choice without a reason is refused on its form; with one, the record is frozen.
    b.goto(&format!("{base}/buyer/projects/{project}")).await;
    b.set(&format!("#choose-{chosen}"), "on").await;
    b.script("document.querySelector('#decide-reason').removeAttribute('required');", json!([])).await;
    b.submit(&format!("form[action='/buyer/projects/{project}/decision'] button[type='submit']")).await;
    assert!(b.source().await.contains("reason_required"), "the missing reason is named on the form");
    accessible(&b, "a refused choice").await;
    b.set(&format!("#choose-{chosen}"), "on").await;
    b.fill("#decide-reason", "보안등급과 가격을 비교해 가장 낮은 가격의 서비스를 선정함").await;
    b.submit(&format!("form[action='/buyer/projects/{project}/decision'] button[type='submit']")).await;
    let record = id_in(&b.wait_url("/decision-records/").await, "/decision-records/");
    accessible(&b, "the decision record").await;
    let text = b.body_text().await;
    assert!(text.contains("선정 사유서") && text.contains("가장 낮은 가격"), "{text}");
    let shown = b.text(&b.find("#record-hash").await).await;
    let buyer = api_login(&base, "buyer").await;
    let (s, api_record) = api(&base, Method::GET, &format!("/api/v1/decision-records/{record}"), Some(&buyer), None).await;
    assert_eq!(s, 200, "{api_record}");
    assert_eq!(shown.trim(), api_record["hash"].as_str().expect("hash"), "the page shows the API's hash");

    // 5. A quote request for the chosen service from the project's page.
    b.goto(&format!("{base}/buyer/projects/{project}")).await;
    assert!(b.body_text().await.contains("선정을 마친 사업"), "the decided project shows the record link");
    assert!(b.find_all(&format!("form[action='/buyer/projects/{project}/decision']")).await.is_empty(), "no second choice");
    b.fill("#quote-0-quantity", "3").await;
    b.submit(&format!("form[action='/buyer/projects/{project}/quote-request'] button[type='submit']")).await;
    let request = id_in(&b.wait_url("/quote-requests/").await, "/quote-requests/");
    accessible(&b, "a quote request (buyer)").await;
    logout(&b).await;

    // 6. The supplier answers it at the listed prices.
    login(&b, &base, "supplier").await;
    b.goto(&format!("{base}/quote-requests")).await;
    accessible(&b, "quote requests (supplier)").await;
    assert!(!b.find_all(&format!("a[href='/quote-requests/{request}']")).await.is_empty(), "the request is listed");
    b.goto(&format!("{base}/quote-requests/{request}")).await;
    accessible(&b, "a quote request (supplier)").await;
    b.submit(&format!("form[action='/quote-requests/{request}/quote'] button[type='submit']")).await;
    b.wait_url("done=offered").await;
    accessible(&b, "an offered quote (supplier)").await;
    assert!(!b.find_all(&format!("form[action='/quote-requests/{request}/withdraw']")).await.is_empty(), "it may be withdrawn");
    logout(&b).await;

    // 7. The buyer drafts the contract from the quote, citing the project's decision record.
    login(&b, &base, "buyer").await;
    b.goto(&format!("{base}/buying")).await;
    assert!(!b.find_all(&format!("a[href='/quote-requests/{request}']")).await.is_empty(), "the quote waits in the worklist");
    b.goto(&format!("{base}/quote-requests/{request}")).await;
    accessible(&b, "an offered quote (buyer)").await;
    let record_option = b.find("#contract-record option:checked").await;
    assert_eq!(b.attr(&record_option, "value").await.as_deref(), Some(record.as_str()), "the project's record is cited");
    b.set("#contract-line", &line_id).await;
    b.submit(&format!("form[action='/quote-requests/{request}/contract'] button[type='submit']")).await;
    let contract = id_in(&b.wait_url("/contracts/").await, "/contracts/");
    // the same pages in English
    b.goto(&format!("{base}/decision-records/{record}?lang=en")).await;
    accessible(&b, "the decision record in English").await;
    assert!(b.body_text().await.contains("Integrity hash (SHA-256)"), "the record speaks English");
    b.goto(&format!("{base}/quote-requests/{request}")).await;
    let text = b.body_text().await;
    assert!(text.contains("Contract drafted") && text.contains("Quote request:"), "{text}");
    accessible(&b, "a used quote in English").await;
    b.quit().await;

    // 8. The signatory and the supplier admin accept its text: it is active from today.
    let (s, c) = api(&base, Method::GET, &format!("/api/v1/contracts/{contract}"), Some(&buyer), None).await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["status"], "draft", "{c}");
    assert_eq!(c["decision_record_id"], record.as_str(), "{c}");
    let hash = c["text_hash"].as_str().expect("text hash").to_owned();
    let signatory = api_login(&base, "signatory").await;
    for t in [&signatory, &supplier_token] {
        let (s, v) =
            api(&base, Method::POST, &format!("/api/v1/contracts/{contract}/accept"), Some(t), Some(json!({"text_hash": hash}))).await;
        assert_eq!(s, 200, "{v}");
    }
    let (_, c) = api(&base, Method::GET, &format!("/api/v1/contracts/{contract}"), Some(&buyer), None).await;
    assert_eq!(c["status"], "active", "{c}");
    assert_eq!(c["starts_on"], "2026-11-23", "{c}");
}

//! The visitor's journey in real Chromium against the real binary (`serve --demo`), with an
//! axe-core check on every page: no serious or critical accessibility violation.

#[path = "support/webdriver.rs"]
mod webdriver;

use webdriver::{Browser, Server, browser_binaries};

async fn assert_accessible(b: &Browser, page: &str) {
    let v = b.axe_serious().await;
    assert!(v.is_empty(), "axe on {page}:\n{}", v.join("\n"));
}

async fn submit_search_from(b: &Browser, input: &str, text: &str) {
    let q = b.find(input).await;
    b.type_into(&q, text).await;
    b.type_into(&q, &format!("{text}\u{E007}")).await;
}

#[tokio::test]
async fn visitor_searches_filters_compares_and_browses() {
    let Some((chromium, driver)) = browser_binaries() else { return };
    let server = Server::start_demo().await;
    let b = Browser::start(&chromium, &driver).await;
    let base = &server.base;

    // Home, in Korean, searchable.
    b.goto(&format!("{base}/")).await;
    let src = b.source().await;
    assert!(src.contains("lang=\"ko\""), "Korean first");
    assert!(src.contains("이 누리집은 대한민국 공식 전자정부 누리집입니다"));
    assert!(src.contains("/privacy"), "privacy policy linked");
    assert_accessible(&b, "home").await;

    // Korean search from the home page; the URL holds the search.
    submit_search_from(&b, "#home-q", "전자결재").await;
    let url = b.wait_url("/services?").await;
    assert!(url.contains("/services?") && url.contains("q="), "{url}");
    let results = b.find_all(".result-list > li").await;
    assert!(!results.is_empty(), "전자결재 finds services");
    assert!(b.body_text().await.contains("전자결재"));
    assert_accessible(&b, "search results").await;

    // The other queries of the journey each find something.
    for q in ["예산 회계", "예산회계", "영상회의 SaaS", "backup"] {
        b.goto(&format!("{base}/services")).await;
        submit_search_from(&b, "#q", q).await;
        b.wait_url("q=").await;
        assert!(!b.find_all(".result-list > li").await.is_empty(), "{q} finds services");
    }

    // Filter by kind (facet with counts), certified only, then sort by price.
    b.goto(&format!("{base}/services?q=%ED%81%B4%EB%9D%BC%EC%9A%B0%EB%93%9C")).await;
    let saas = b.find("input[name='kind'][value='saas']").await;
    let saas_id = b.attr(&saas, "id").await.unwrap_or_default();
    let label = b.find(&format!("label[for='{saas_id}']")).await;
    assert!(b.text(&label).await.chars().any(|c| c.is_ascii_digit()), "facet shows a count");
    b.click(&label).await;
    let cert_label = b.find("label[for='certified']").await;
    b.click(&cert_label).await;
    b.script("document.getElementById('sort').value = 'price_asc';", serde_json::json!([])).await;
    let apply = b.find("form.filters button.btn:not(.small)").await;
    b.click(&apply).await;
    let url = b.wait_url("sort=price_asc").await;
    assert!(url.contains("kind=saas") && url.contains("certified=true") && url.contains("sort=price_asc"), "{url}");
    let bookmarked = url.clone();
    assert!(!b.find_all(".result-list > li").await.is_empty());
    // Bookmarkable: the same URL gives the same page.
    b.goto(&bookmarked).await;
    assert!(!b.find_all(".result-list > li").await.is_empty());

    // Paging through all listed services.
    b.goto(&format!("{base}/services")).await;
    let next = b.find_all(".pagination a[href*='page=2']").await;
    assert!(!next.is_empty(), "a second page");
    b.click(&next[0]).await;
    b.wait_url("page=2").await;
    assert_accessible(&b, "page 2").await;

    // An empty result says so and offers to drop a filter.
    b.goto(&format!("{base}/services?q=%EC%A0%84%EC%9E%90%EA%B2%B0%EC%9E%AC&kind=daas")).await;
    let text = b.body_text().await;
    assert!(text.contains("검색 결과가 없습니다"), "{text}");
    let drops = b.find_all(".drop-list a").await;
    assert!(!drops.is_empty());
    let drop = &drops[drops.len() - 1];
    let href = b.attr(drop, "href").await.expect("href");
    b.click(drop).await;
    b.wait_url(href.rsplit('/').next().unwrap_or_default()).await;
    assert!(!b.find_all(".result-list > li").await.is_empty(), "dropping a filter finds services");
    assert_accessible(&b, "empty result").await;

    // Compare two services from the results.
    b.goto(&format!("{base}/services?q=%EC%98%81%EC%83%81%ED%9A%8C%EC%9D%98")).await;
    let picks = b.find_all(".compare-pick label").await;
    assert!(picks.len() >= 2);
    b.click(&picks[0]).await;
    b.click(&picks[1]).await;
    let compare = b.find("#compare-form button").await;
    b.click(&compare).await;
    b.wait_url("/compare?").await;
    let heads = b.find_all("table th[scope='col']").await;
    assert!(heads.len() >= 2, "two services side by side");
    assert_accessible(&b, "compare").await;
    let xlsx = b.find("a[href*='compare.xlsx']").await;
    let href = b.attr(&xlsx, "href").await.expect("xlsx link");
    let href = if href.starts_with("http") { href } else { format!("{base}{href}") };
    let resp = reqwest::get(&href).await.expect("xlsx");
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap_or_default().contains("spreadsheetml"));
    let bytes = resp.bytes().await.expect("bytes");
    assert!(bytes.starts_with(b"PK"), "an XLSX is a zip");

    // A certified service's page, and finding it again by typing its code.
    b.goto(&format!("{base}/services?q=%EB%B0%B1%EC%97%85&certified=true")).await;
    let code = b.script("return document.querySelector('.result-list > li dl.meta dd').textContent.trim();", serde_json::json!([])).await;
    let code = code.as_str().expect("first result's code").to_owned();
    assert!(gureum_domain::ServiceCode::parse(&code).is_ok(), "{code}");
    let link = b.find(".result-list > li h3 a").await;
    b.click(&link).await;
    b.wait_url("/services/").await;
    let page = b.body_text().await;
    for must in [code.as_str(), "CSAP", "SLA"] {
        assert!(page.contains(must), "service page shows {must}");
    }
    assert_accessible(&b, "service").await;
    b.goto(&format!("{base}/services")).await;
    submit_search_from(&b, "#q", &code).await;
    b.wait_url("q=").await;
    let found = b.find_all(".result-list > li").await;
    assert_eq!(found.len(), 1, "the code finds exactly its service");

    // English keeps the page.
    let before = b.current_url().await;
    let en = b.find("a[hreflang='en']").await;
    b.click(&en).await;
    let after = b.wait_url("lang=en").await;
    assert!(after.contains("lang=en"));
    assert_eq!(before.split('?').next(), after.split('?').next(), "same page");
    assert!(b.source().await.contains("lang=\"en\""));
    assert_accessible(&b, "search in English").await;
    b.goto(&format!("{base}/")).await;
    assert!(b.source().await.contains("lang=\"en\""), "the choice is remembered");
    let ko = b.find("a[hreflang='ko']").await;
    b.click(&ko).await;

    // Categories and a supplier page.
    b.goto(&format!("{base}/categories")).await;
    assert_accessible(&b, "categories").await;
    let cat = b.find("main a[href*='category=']").await;
    b.click(&cat).await;
    b.wait_url("category=").await;
    assert!(!b.find_all(".result-list > li").await.is_empty());
    let sup = b.find(".result-list > li a[href^='/suppliers/']").await;
    b.click(&sup).await;
    b.wait_url("/suppliers/").await;
    assert!(!b.find_all(".result-list > li").await.is_empty(), "a supplier page lists its services");
    assert_accessible(&b, "supplier").await;

    // The privacy policy, the API docs, and a 404 page.
    for (path, name) in [("/privacy", "privacy"), ("/api/docs", "api docs"), ("/no-such-page", "404")] {
        b.goto(&format!("{base}{path}")).await;
        assert_accessible(&b, name).await;
    }
    assert!(b.body_text().await.contains("404") || b.source().await.contains("찾을 수 없"));
    b.quit().await;
}

//! The public statistics (issue #26 point 4): `GET /api/v1/stats`, its CSV and the `/stats` page
//! agree with what the catalog, the contracts and the voucher programmes hold, after the buying
//! and voucher demos ran; no agency or company is named anywhere in them.

mod common;

use common::world;
use serde_json::Value;

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("an integer: {v}"))
}

fn sum_of(map: &Value, field: Option<&str>) -> i64 {
    map.as_object().expect("an object").values().map(|v| int(field.map_or(v, |f| &v[f]))).sum()
}

#[tokio::test]
async fn the_statistics_add_up_and_name_no_one() {
    let w = world().await;
    let app = &w.app;
    let (s, empty) = app.get("/api/v1/stats").await;
    assert_eq!(s, 200, "{empty}");
    assert_eq!(int(&empty["contracts"]["count"]), 0, "no contract before the demo: {empty}");
    assert_eq!(empty["time_to_contract"]["median_days"], Value::Null);
    assert_eq!(empty["forecast"], Value::Null, "no survey yet");

    gureum::demo_buying::seed_demo_buying(&app.state).await.expect("demo buying");
    gureum::demo_voucher::seed_demo_voucher(&app.state).await.expect("demo voucher");
    gureum::demo_forecast::seed_demo_forecast(&app.state).await.expect("demo forecast");
    app.state.sync().catch_up().await.expect("index");
    let (s, st) = app.get("/api/v1/stats").await;
    assert_eq!(s, 200, "{st}");

    // the catalog: what a search of the listed services counts, by kind
    let (_, search) = app.get("/api/v1/services?per_page=1").await;
    let listed = sum_of(&st["services_by_kind"], None);
    assert_eq!(listed, int(&search["total"]), "{st} / {search}");
    for (kind, n) in search["facets"]["kind"].as_object().expect("kind facet") {
        assert_eq!(st["services_by_kind"][kind], *n, "{kind}");
    }
    let months = st["services_listed_by_month"].as_array().expect("months");
    assert_eq!(months.len(), 24);
    assert_eq!(months.last().map(|m| m["month"].clone()), Some(Value::from("2026-11")), "ends with this month (the test clock)");
    assert_eq!(months.last().map(|m| m["total_by_kind"].clone()), Some(st["services_by_kind"].clone()), "every listed service by now");
    let totals: Vec<i64> = months.iter().map(|m| sum_of(&m["total_by_kind"], None)).collect();
    assert!(totals.windows(2).all(|w| w[0] <= w[1]), "running totals never fall: {totals:?}");

    // contracts: the sums by kind and by method are the whole
    let c = &st["contracts"];
    assert!(int(&c["count"]) >= 1, "the demo signed contracts: {c}");
    assert!(int(&c["amount_krw"]) > 0);
    for group in ["by_kind", "by_agency_kind", "by_method"] {
        assert_eq!(sum_of(&c[group], Some("count")), int(&c["count"]), "{group}: {c}");
        assert_eq!(sum_of(&c[group], Some("amount_krw")), int(&c["amount_krw"]), "{group}: {c}");
    }
    assert!(c["by_kind"].get("unknown").is_none(), "every contracted service has its kind: {c}");
    let (_, ttc) = app.get("/api/v1/stats/time-to-contract").await;
    for key in ["count", "median_days", "p90_days", "within_target"] {
        assert_eq!(st["time_to_contract"][key], ttc[key], "{key}");
    }
    assert_eq!(st["time_to_contract"]["target_days"], 14);
    for key in ["services", "contracts", "amount"] {
        let r = st["saas_share"][key].as_f64().expect("a ratio");
        assert!((0.0..=1.0).contains(&r), "{key}: {r}");
    }

    // vouchers: the programmes' own totals
    let (_, programmes) = app.get("/api/v1/voucher-programmes").await;
    let programmes = programmes.as_array().expect("programmes");
    assert_eq!(int(&st["vouchers"]["programmes"]), programmes.len() as i64);
    assert_eq!(int(&st["vouchers"]["granted_krw"]), programmes.iter().map(|p| int(&p["granted_krw"])).sum::<i64>());
    assert_eq!(int(&st["vouchers"]["reimbursed_krw"]), programmes.iter().map(|p| int(&p["reimbursed_krw"])).sum::<i64>());

    // the forecast: the latest survey that has opened, as its own public report counts it
    let f = &st["forecast"];
    let (_, surveys) = app.get("/api/v1/forecast-surveys").await;
    let latest = surveys.as_array().expect("surveys").iter().find(|s| s["year"] == f["year"]).cloned().expect("the survey counted");
    let (_, report) = app.get(&format!("/api/v1/forecast-surveys/{}/report", latest["id"].as_str().expect("id"))).await;
    assert_eq!(
        (f["systems"].clone(), f["by_target_type"].clone()),
        (report["systems"].clone(), report["by_target_type"].clone()),
        "{f} / {report}"
    );
    assert!(int(&f["systems"]) > 0, "the demo's answers: {f}");

    // the CSV says the same
    let (s, headers, csv) = app.get_raw("/api/v1/stats.csv").await;
    assert_eq!(s, 200);
    assert!(headers["content-type"].to_str().expect("type").starts_with("text/csv"));
    let csv = String::from_utf8(csv).expect("utf-8");
    assert!(csv.contains(&format!("\"contracts\",\"count\",\"{}\"", int(&c["count"]))), "{csv}");
    assert!(csv.contains(&format!("\"vouchers\",\"granted_krw\",\"{}\"", int(&st["vouchers"]["granted_krw"]))), "{csv}");

    // the page: charts with their titles and tables, in Korean and in English
    let (s, page) = app.get("/stats").await;
    assert_eq!(s, 200);
    let page = page.as_str().expect("html").to_owned();
    for needle in [
        "role=\"img\"",
        "<title id=\"growth-t\">",
        "<desc id=\"kinds-d\">",
        "<title id=\"forecast-t\">",
        "<table",
        "/api/v1/stats.csv",
        "구름 통계",
    ] {
        assert!(page.contains(needle), "{needle} on /stats");
    }
    assert!(!page.contains("<script"), "no script on the statistics page");
    let (s, en) = app.get("/stats?lang=en").await;
    assert_eq!(s, 200);
    assert!(en.as_str().expect("html").contains("Gureum in figures"));

    // no organisation is named in any of them
    let (_, orgs) = app.call("GET", "/api/v1/organisations", Some(&w.operator), None).await;
    let orgs = orgs.as_array().or_else(|| orgs["items"].as_array()).expect("organisations").clone();
    assert!(!orgs.is_empty());
    let json = st.to_string();
    for o in &orgs {
        let name = o["name"].as_str().expect("name");
        for (what, text) in [("JSON", json.as_str()), ("CSV", csv.as_str()), ("page", page.as_str())] {
            assert!(!text.contains(name), "{name} appears in the {what}");
        }
    }
}

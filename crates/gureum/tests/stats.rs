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

#[tokio::test]
async fn the_operator_says_what_kind_an_agency_is_and_the_contracts_are_counted_by_it() {
    let w = world().await;
    let app = &w.app;
    let op = w.operator.as_str();
    let (s, survey) = app
        .call(
            "POST",
            "/api/v1/forecast-surveys",
            Some(op),
            Some(serde_json::json!({"year": 2027, "opens_on": "2026-11-01", "closes_on": "2026-12-31"})),
        )
        .await;
    assert_eq!(s, 201, "{survey}");
    let progress = format!("/api/v1/forecast-surveys/{}/progress", survey["id"].as_str().expect("id"));
    // made with its kind, or told later; only an agency has one, and only one of the codes
    let (s, made) = app
        .call(
            "POST",
            "/api/v1/organisations",
            Some(op),
            Some(serde_json::json!({"kind": "agency", "name": "구름시청", "agency_kind": "local"})),
        )
        .await;
    assert_eq!((s, made["agency_kind"].as_str()), (201, Some("local")), "{made}");
    let (s, v) = app
        .call(
            "POST",
            "/api/v1/organisations",
            Some(op),
            Some(serde_json::json!({"kind": "operator", "name": "운영 둘", "agency_kind": "local"})),
        )
        .await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_field")), "{v}");
    let buyer_org = app.db.user_by_email("buyer@demo.gureum.kr").await.expect("db").expect("user").org_id;
    let path = format!("/api/v1/organisations/{buyer_org}/agency-kind");
    for (token, body, status, code) in [
        (Some(w.buyer.as_str()), serde_json::json!({"agency_kind": "central"}), 403, "forbidden"),
        (Some(op), serde_json::json!({"agency_kind": "ministry"}), 400, "invalid_field"),
        (Some(op), serde_json::json!({}), 400, "invalid_field"),
    ] {
        let (s, v) = app.call("PUT", &path, token, Some(body)).await;
        assert_eq!((s, v["code"].as_str()), (status, Some(code)), "{v}");
    }
    let supplier_org = app.db.user_by_email("supplier@demo.gureum.kr").await.expect("db").expect("user").org_id;
    let (s, v) = app
        .call(
            "PUT",
            &format!("/api/v1/organisations/{supplier_org}/agency-kind"),
            Some(op),
            Some(serde_json::json!({"agency_kind": "local"})),
        )
        .await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_field")), "a supplier is no agency: {v}");
    let (s, v) = app
        .call(
            "PUT",
            "/api/v1/organisations/00000000-0000-4000-8000-000000000000/agency-kind",
            Some(op),
            Some(serde_json::json!({"agency_kind": "local"})),
        )
        .await;
    assert_eq!(s, 404, "{v}");
    let (s, v) = app.call("PUT", &path, Some(op), Some(serde_json::json!({"agency_kind": "central"}))).await;
    assert_eq!((s, v["agency_kind"].as_str()), (200, Some("central")), "{v}");
    let events = app
        .db
        .audit_events(&gureum_storage::AuditFilter { action: Some("org.agency_kind".into()), ..Default::default() }, 0, 10)
        .await
        .expect("audit");
    assert_eq!(events.len(), 1, "one change, audited");
    // the open survey asks the new agency under its kind, and counts the buyer's under the new one
    let (s, p) = app.call("GET", &progress, Some(op), None).await;
    assert_eq!(s, 200, "{p}");
    let asked = |kind: &str| {
        p["by_agency_kind"].as_array().expect("by kind").iter().find(|r| r["agency_kind"] == kind).map_or(0, |r| int(&r["asked"]))
    };
    assert_eq!((asked("local"), asked("central")), (1, 1), "{p}");

    // the demo buyer's contracts now count as a central government's
    gureum::demo_buying::seed_demo_buying(&app.state).await.expect("demo buying");
    app.state.sync().catch_up().await.expect("index");
    let (_, st) = app.get("/api/v1/stats").await;
    let by = &st["contracts"]["by_agency_kind"];
    assert_eq!(by["central"]["count"], st["contracts"]["count"], "{by}");
    assert!(by.get("other").is_none(), "{by}");
    // and the operator's page shows and changes it
    let (s, page) = app.call("GET", &format!("/operator/organisations/{buyer_org}"), Some(op), None).await;
    assert_eq!(s, 200);
    assert!(page.as_str().expect("html").contains("중앙행정기관"), "the kind on the organisation's page");
}

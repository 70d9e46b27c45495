//! The forecast demo (issue #26): last year's survey closed with answers from the demo agency
//! and generated agencies, this year's open with the demo agency's answer prefilled; a second
//! run changes nothing; and no demo agency's name appears in any public report or download
//! (JSON, CSV, page) — the "reports never expose one agency's answers".

mod common;

use common::world;
use serde_json::Value;

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[tokio::test]
async fn the_demo_forecast_shows_real_shapes_and_names_no_agency() {
    let w = world().await;
    let app = &w.app;
    gureum::demo_forecast::seed_demo_forecast(&app.state).await.expect("demo forecast");
    gureum::demo_forecast::seed_demo_forecast(&app.state).await.expect("a second run changes nothing");

    let (s, list) = app.call("GET", "/api/v1/forecast-surveys", None, None).await;
    assert_eq!(s, 200, "{list}");
    let list = list.as_array().expect("surveys").clone();
    assert_eq!(list.len(), 2, "{list:?}");
    assert_eq!((list[0]["year"].as_i64(), text(&list[0]["status"])), (Some(2026), "open".into()));
    assert_eq!((list[1]["year"].as_i64(), text(&list[1]["status"])), (Some(2025), "closed".into()));

    // last year: the demo agency and six of eight generated agencies answered
    let past = text(&list[1]["id"]);
    let (_, rep) = app.get(&format!("/api/v1/forecast-surveys/{past}/report")).await;
    assert_eq!((rep["agencies_asked"].as_i64(), rep["agencies_answered"].as_i64()), (Some(9), Some(7)), "{rep}");
    assert!(rep["systems"].as_i64().unwrap_or(0) > 20, "{rep}");
    for kind in ["central", "local", "public_institution"] {
        assert!(rep["by_agency_kind"][kind].as_i64().unwrap_or(0) > 0, "{kind}: {rep}");
    }
    assert!(rep["by_target_type"]["saas"].as_i64().unwrap_or(0) > 0);
    assert!(rep["no_plan_reasons"]["security"].as_i64().unwrap_or(0) > 0);

    // this year: the demo agency's answer is prefilled from last year's
    let now = text(&list[0]["id"]);
    let (s, r) = app.call("GET", &format!("/api/v1/forecast-surveys/{now}/response"), Some(&w.buyer), None).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(
        (r["prefilled"].as_bool(), r["status"].as_str(), r["systems"].as_array().map(Vec::len)),
        (Some(true), Some("draft"), Some(4))
    );

    // no agency's name in any public report or download
    let names: Vec<String> = app
        .db
        .organisations(None)
        .await
        .expect("organisations")
        .into_iter()
        .filter(|o| o.kind == gureum_domain::account::OrgKind::Agency)
        .map(|o| o.name)
        .collect();
    assert_eq!(names.len(), 9, "{names:?}");
    let mut public = vec![("/forecast".to_owned(), app.get("/forecast").await)];
    for sid in [&past, &now] {
        for path in [
            format!("/api/v1/forecast-surveys/{sid}/report"),
            format!("/api/v1/forecast-surveys/{sid}/report.csv"),
            format!("/forecast/{sid}"),
        ] {
            let got = app.get(&path).await;
            public.push((path, got));
        }
    }
    for (path, (s, body)) in &public {
        assert_eq!(*s, 200, "{path}");
        let body = text(body);
        for name in &names {
            assert!(!body.contains(name.as_str()), "{path} names {name}");
            let short = name.trim_end_matches(" (데모)");
            assert!(!body.contains(short), "{path} names {short}");
        }
    }
    // the page draws the charts with their tables, and demand meets supply
    let (_, page) = app.get(&format!("/forecast/{past}")).await;
    let page = text(&page);
    assert!(page.contains("<svg") && page.contains("fc-target-t") && page.contains("<table"), "charts with tables");
    assert!(page.contains("id=\"supply-table\"") && page.contains("블록체인 전자증명"), "demand meets supply");

    // the operator sees who is missing this year, by name
    let (_, p) = app.call("GET", &format!("/api/v1/forecast-surveys/{now}/progress"), Some(&w.operator), None).await;
    assert_eq!(p["agencies_answered"].as_i64(), Some(3), "{p}");
    assert!(p["missing"].to_string().contains("국립중앙도서관 (데모)"), "{p}");
}

//! Budget lines through the API (SPEC §4 "Buying"; docs/RULES.md#budget-lines), on the engine
//! the run asks for: the agency's budget officer keeps them, its buyers and signatories read them,
//! nobody else sees them; bad figures are refused and change nothing; an amount never goes below
//! what is committed.

mod common;

use common::{TestApp, world};
use serde_json::json;

async fn count(app: &TestApp) -> i64 {
    app.db.audit_count().await.expect("count")
}

#[tokio::test]
async fn the_budget_officer_keeps_lines_the_agency_reads_them() {
    let w = world().await;
    let app = &w.app;
    let budget = app.login("budget").await;
    let signatory = app.login("signatory").await;

    let (s, v) = app
        .call(
            "POST",
            "/api/v1/budget-lines",
            Some(&budget),
            Some(json!({"fiscal_year": 2027, "name": "클라우드 이용료", "amount_krw": 120_000_000})),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_str().expect("id").to_owned();
    assert_eq!(
        (v["amount_krw"].as_i64(), v["committed_krw"].as_i64(), v["spent_krw"].as_i64(), v["available_krw"].as_i64()),
        (Some(120_000_000), Some(0), Some(0), Some(120_000_000))
    );
    app.call(
        "POST",
        "/api/v1/budget-lines",
        Some(&budget),
        Some(json!({"fiscal_year": 2026, "name": "정보화 사업비", "amount_krw": 5_000_000})),
    )
    .await;

    // the agency's people read them, newest year first; a year filter narrows
    for who in [&w.buyer, &budget, &signatory] {
        let (s, list) = app.call("GET", "/api/v1/budget-lines", Some(who), None).await;
        assert_eq!(s, 200, "{list}");
        let years: Vec<i64> = list.as_array().expect("lines").iter().filter_map(|l| l["fiscal_year"].as_i64()).collect();
        assert_eq!(years, [2027, 2026]);
    }
    let (_, list) = app.call("GET", "/api/v1/budget-lines?fiscal_year=2026", Some(&w.buyer), None).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let (s, v) = app.call("GET", "/api/v1/budget-lines?fiscal_year=twenty", Some(&w.buyer), None).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_field")));
    let (s, v) = app.call("GET", "/api/v1/budget-lines?fiscal_year=2026&fiscal_year=2027", Some(&w.buyer), None).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_field")), "a year is given once: {v}");

    // nobody else: other roles 403, visitors 401
    for who in [&w.supplier, &w.operator, &w.reviewer] {
        assert_eq!(app.call("GET", "/api/v1/budget-lines", Some(who), None).await.0, 403);
    }
    assert_eq!(app.call("GET", "/api/v1/budget-lines", None, None).await.0, 401);
    let (s, _) =
        app.call("POST", "/api/v1/budget-lines", Some(&w.buyer), Some(json!({"fiscal_year": 2027, "name": "x", "amount_krw": 1}))).await;
    assert_eq!(s, 403, "a buyer reads, the budget officer keeps");

    // bad figures are refused, naming the field, and change nothing
    let events = count(app).await;
    for (bad, field) in [
        (json!({"fiscal_year": 1999, "name": "x", "amount_krw": 1}), "fiscal_year"),
        (json!({"fiscal_year": 2027, "name": "  ", "amount_krw": 1}), "name"),
        (json!({"fiscal_year": 2027, "name": "x", "amount_krw": -5}), "amount_krw"),
        (json!({"fiscal_year": 2027, "name": "x", "amount_krw": 1.5}), "amount_krw"),
        (json!({"fiscal_year": 2027, "name": "x"}), "amount_krw"),
    ] {
        let (s, v) = app.call("POST", "/api/v1/budget-lines", Some(&budget), Some(bad.clone())).await;
        assert_eq!((s, v["code"].as_str()), (400, Some("invalid_field")), "{bad}");
        assert!(v["message"].as_str().is_some_and(|m| m.starts_with(field)), "{bad} → {v}");
    }
    let (s, v) = app
        .call("POST", "/api/v1/budget-lines", Some(&budget), Some(json!({"fiscal_year": 2027, "name": "클라우드 이용료", "amount_krw": 1})))
        .await;
    assert_eq!((s, v["code"].as_str()), (409, Some("budget_line_exists")));
    assert_eq!(count(app).await, events);

    // a change: the amount, the name; another agency's line does not exist for it
    let (s, v) = app.call("PATCH", &format!("/api/v1/budget-lines/{id}"), Some(&budget), Some(json!({"amount_krw": 150_000_000}))).await;
    assert_eq!((s, v["amount_krw"].as_i64(), v["name"].as_str()), (200, Some(150_000_000), Some("클라우드 이용료")), "{v}");
    let (s, v) = app.call("PATCH", &format!("/api/v1/budget-lines/{id}"), Some(&budget), Some(json!({"amount_krw": -1}))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_field")));
    assert_eq!(app.call("PATCH", &format!("/api/v1/budget-lines/{id}"), Some(&w.buyer), Some(json!({"amount_krw": 1}))).await.0, 403);
    assert_eq!(app.call("PATCH", "/api/v1/budget-lines/00000000-0000-4000-8000-000000000000", Some(&budget), Some(json!({}))).await.0, 404);
    let rows = app.db.audit_for_entity("budget_line", &id).await.expect("audit");
    let actions: Vec<&str> = rows.iter().map(|r| r.event.action.as_str()).collect();
    assert_eq!(actions, ["budget_line.create", "budget_line.update"]);
    assert_eq!(rows[1].event.before.as_ref().map(|b| b["amount_krw"].clone()), Some(json!(120_000_000)));
}

#[tokio::test]
async fn an_amount_never_goes_below_what_is_committed() {
    let w = world().await;
    let app = &w.app;
    let budget = app.login("budget").await;
    let (_, v) = app
        .call("POST", "/api/v1/budget-lines", Some(&budget), Some(json!({"fiscal_year": 2027, "name": "이용료", "amount_krw": 10_000_000})))
        .await;
    let id = v["id"].as_str().expect("id").to_owned();
    // a contract has committed 8,000,000 won (contracts come with buying; set it as they will)
    sqlx::query("UPDATE budget_lines SET committed_krw = 8000000 WHERE id = $1").bind(&id).execute(app.db.pool()).await.expect("commit");
    let (_, list) = app.call("GET", "/api/v1/budget-lines", Some(&budget), None).await;
    assert_eq!(list[0]["available_krw"], 2_000_000);
    let events = app.db.audit_count().await.expect("count");
    let (s, v) = app.call("PATCH", &format!("/api/v1/budget-lines/{id}"), Some(&budget), Some(json!({"amount_krw": 7_999_999}))).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("below_committed")), "{v}");
    assert_eq!(app.db.audit_count().await.expect("count"), events, "nothing changed");
    let (s, v) = app.call("PATCH", &format!("/api/v1/budget-lines/{id}"), Some(&budget), Some(json!({"amount_krw": 8_000_000}))).await;
    assert_eq!((s, v["available_krw"].as_i64()), (200, Some(0)), "exactly what is committed is allowed");
}

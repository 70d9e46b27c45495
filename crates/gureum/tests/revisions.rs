//! A service's revision history (docs/RULES.md#revision-history, docs/API.md): everyone sees the
//! revisions that were public, the owner, the operator and the auditor every one; the diff of a
//! revision against the previous one the reader may see (or one chosen), field by field with the
//! material flag; what may not be seen is 404. Through the API and the pages, on the engine the
//! run asks for (`GUREUM_TEST_DATABASE=sqlite|postgres`).

mod common;

use common::{TestApp, spawn_app};
use serde_json::{Value, json};
use tower::ServiceExt;

struct World {
    app: TestApp,
    supplier: String,
    supplier2: String,
    operator: String,
    auditor: String,
    buyer: String,
    /// The supplier's listed service and its revisions: the seeded one (superseded), a wording
    /// fix (listed), a rejected one and a material change waiting for the committee.
    id: String,
    code: String,
    revs: [i64; 4],
}

async fn call(app: &TestApp, method: &str, uri: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    app.call(method, uri, token, body).await
}

/// Edits the service and submits the edit; answers the open revision's number.
async fn edit_and_submit(app: &TestApp, supplier: &str, id: &str, patch: Value) -> i64 {
    let (s, v) = call(app, "PATCH", &format!("/api/v1/services/{id}"), Some(supplier), Some(patch)).await;
    assert_eq!(s, 200, "{v}");
    app.upload_required(id, supplier, v["listing"]["kind"].as_str().expect("kind")).await;
    let (s, v) = call(app, "POST", &format!("/api/v1/services/{id}/submit"), Some(supplier), None).await;
    assert_eq!(s, 200, "{v}");
    v["draft"]["revision"].as_i64().expect("open revision")
}

async fn world() -> World {
    let app = spawn_app(40).await;
    gureum::demo::seed_demo_accounts(&app.db).await.expect("demo accounts");
    let supplier = app.login("supplier").await;
    let supplier2 = app.login("supplier2").await;
    let operator = app.login("operator").await;
    let auditor = app.login("auditor").await;
    let buyer = app.login("buyer").await;
    let (s, mine) = call(&app, "GET", "/api/v1/supplier/services", Some(&supplier), None).await;
    assert_eq!(s, 200);
    let svc = mine.as_array().expect("list").iter().find(|x| x["status"] == "listed").expect("a listed service").clone();
    let id = svc["id"].as_str().expect("id").to_owned();
    let code = svc["code"].as_str().expect("code").to_owned();
    let (_, public) = app.get(&format!("/api/v1/services/{id}")).await;
    let first = public["revision"].as_i64().expect("public revision");
    let price = public["listing"]["price_plans"][0]["unit_price_krw"].as_i64().expect("a priced plan");

    // a wording fix, listed by the operator at once
    let fix = edit_and_submit(&app, &supplier, &id, json!({"summary": "문구를 고친 요약"})).await;
    let (s, v) = call(&app, "POST", &format!("/api/v1/services/{id}/list"), Some(&operator), None).await;
    assert_eq!(s, 200, "{v}");
    // another wording fix, turned down
    let rejected = edit_and_submit(&app, &supplier, &id, json!({"summary": "반려될 요약"})).await;
    let (s, v) =
        call(&app, "POST", &format!("/api/v1/services/{id}/reject"), Some(&operator), Some(json!({"reason": "문구 불명확"}))).await;
    assert_eq!(s, 200, "{v}");
    // a price increase: material, waiting for the committee
    let mut plans = public["listing"]["price_plans"].clone();
    plans[0]["unit_price_krw"] = json!(price + 1000);
    let material = edit_and_submit(&app, &supplier, &id, json!({"price_plans": plans, "name_en": "Renamed in English"})).await;
    World { app, supplier, supplier2, operator, auditor, buyer, id, code, revs: [first, fix, rejected, material] }
}

fn numbers(v: &Value) -> Vec<i64> {
    v["items"].as_array().expect("items").iter().filter_map(|r| r["revision"].as_i64()).collect()
}

fn change<'a>(d: &'a Value, field: &str) -> Option<&'a Value> {
    d["changes"].as_array().expect("changes").iter().find(|c| c["field"] == field)
}

#[tokio::test]
async fn everyone_sees_the_public_revisions_and_the_owner_all() {
    let w = world().await;
    let app = &w.app;
    let [first, fix, rejected, material] = w.revs;
    assert!(first < fix && fix < rejected && rejected < material, "{:?}", w.revs);

    // visitors, buyers and another supplier: the listed one and the one it replaced
    for token in [None, Some(w.buyer.as_str()), Some(w.supplier2.as_str())] {
        let (s, v) = call(app, "GET", &format!("/api/v1/services/{}/revisions", w.id), token, None).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(numbers(&v), [first, fix], "{v}");
        let states: Vec<&str> = v["items"].as_array().expect("items").iter().filter_map(|r| r["state"].as_str()).collect();
        assert_eq!(states, ["superseded", "listed"]);
        assert_eq!((v["full"].as_bool(), v["code"].as_str()), (Some(false), Some(w.code.as_str())));
    }
    // by its code too
    let (s, v) = call(app, "GET", &format!("/api/v1/services/{}/revisions", w.code), None, None).await;
    assert_eq!((s, numbers(&v)), (200, vec![first, fix]));
    // the owner, the operator and the auditor: every revision
    for token in [&w.supplier, &w.operator, &w.auditor] {
        let (s, v) = call(app, "GET", &format!("/api/v1/services/{}/revisions", w.id), Some(token), None).await;
        assert_eq!((s, v["full"].as_bool()), (200, Some(true)), "{v}");
        assert_eq!(numbers(&v), [first, fix, rejected, material]);
        let last = v["items"].as_array().and_then(|i| i.last()).cloned().expect("last");
        assert_eq!((last["state"].as_str(), last["material"].as_bool()), (Some("submitted"), Some(true)), "{last}");
        assert_eq!(v["items"][2]["decision_reason"], "문구 불명확");
    }

    // a revision never listed is not found for the public, nor a comparison with one
    for path in [format!("revisions/{rejected}"), format!("revisions/{material}"), format!("revisions/{fix}?against={rejected}")] {
        let (s, v) = call(app, "GET", &format!("/api/v1/services/{}/{path}", w.id), None, None).await;
        assert_eq!((s, v["code"].as_str()), (404, Some("not_found")), "{path}: {v}");
        let (s, _) = call(app, "GET", &format!("/api/v1/services/{}/{path}", w.id), Some(&w.buyer), None).await;
        assert_eq!(s, 404, "{path} for a buyer");
    }
    // no such revision, no such service, a malformed one
    let (s, _) = call(app, "GET", &format!("/api/v1/services/{}/revisions/{}", w.id, material + 1), Some(&w.operator), None).await;
    assert_eq!(s, 404);
    let (s, _) = call(app, "GET", "/api/v1/services/00000000-0000-4000-8000-000000000000/revisions", None, None).await;
    assert_eq!(s, 404);
    for (path, code) in
        [("revisions/0", "invalid_id"), ("revisions/x", "invalid_id"), (&*format!("revisions/{fix}?against=x"), "invalid_parameter")]
    {
        let (s, v) = call(app, "GET", &format!("/api/v1/services/{}/{path}", w.id), None, None).await;
        assert_eq!((s, v["code"].as_str()), (400, Some(code)), "{path}: {v}");
    }
    let (s, v) = call(app, "GET", "/api/v1/services/not-a-key/revisions", None, None).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_id")));
}

#[tokio::test]
async fn a_diff_names_each_changed_field_and_whether_it_is_material() {
    let w = world().await;
    let app = &w.app;
    let [first, fix, rejected, material] = w.revs;

    // the wording fix against the revision it replaced: only the summary, not material
    let (s, d) = call(app, "GET", &format!("/api/v1/services/{}/revisions/{fix}", w.id), None, None).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!((d["revision"]["revision"].as_i64(), d["against"]["revision"].as_i64()), (Some(fix), Some(first)));
    assert_eq!(d["listing"]["summary"], "문구를 고친 요약");
    let fields: Vec<&str> = d["changes"].as_array().expect("changes").iter().filter_map(|c| c["field"].as_str()).collect();
    assert_eq!(fields, ["summary"], "{d}");
    assert_eq!(change(&d, "summary").map(|c| (c["after"].clone(), c["material"].clone())), Some((json!("문구를 고친 요약"), json!(false))));

    // the first public revision: nothing before it, code and kind are new (material)
    let (s, d) = call(app, "GET", &format!("/api/v1/services/{}/revisions/{first}", w.id), None, None).await;
    assert_eq!(s, 200, "{d}");
    assert!(d["against"].is_null());
    let code = change(&d, "code").expect("the code is new");
    assert_eq!(
        (code["before"].clone(), code["after"].as_str(), code["material"].as_bool()),
        (Value::Null, Some(w.code.as_str()), Some(true))
    );
    assert_eq!(change(&d, "name").map(|c| c["material"].clone()), Some(json!(false)));

    // the owner's view of the material change: against the rejected revision by default
    let (s, d) = call(app, "GET", &format!("/api/v1/services/{}/revisions/{material}", w.id), Some(&w.supplier), None).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["against"]["revision"].as_i64(), Some(rejected), "the previous revision the owner sees");
    assert_eq!(change(&d, "summary").map(|c| c["material"].clone()), Some(json!(false)));
    let price = change(&d, "price_plans").expect("the price changed");
    assert_eq!(price["material"], true, "a price increase is material: {price}");
    assert_eq!(
        change(&d, "name_en").map(|c| (c["after"].clone(), c["material"].clone())),
        Some((json!("Renamed in English"), json!(false)))
    );
    // ... and against the listed one, chosen: the summary is back to it
    let (s, d) = call(app, "GET", &format!("/api/v1/services/{}/revisions/{material}?against={fix}", w.id), Some(&w.operator), None).await;
    assert_eq!((s, d["against"]["revision"].as_i64()), (200, Some(fix)), "{d}");
    assert!(change(&d, "summary").is_none(), "{d}");
    // a price decrease (the other way round) is not material
    let (s, d) = call(app, "GET", &format!("/api/v1/services/{}/revisions/{fix}?against={material}", w.id), Some(&w.auditor), None).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(change(&d, "price_plans").map(|c| c["material"].clone()), Some(json!(false)));
    // the same revision: nothing changed
    let (_, d) = call(app, "GET", &format!("/api/v1/services/{}/revisions/{fix}?against={fix}", w.id), None, None).await;
    assert_eq!(d["changes"], json!([]));
}

async fn html(app: &TestApp, uri: &str, token: Option<&str>) -> (u16, String) {
    let mut req = axum::http::Request::builder().uri(uri);
    if let Some(t) = token {
        req = req.header("cookie", format!("gureum_session={t}"));
    }
    let resp = app.router.clone().oneshot(req.body(axum::body::Body::empty()).expect("request")).await.expect("response");
    let status = resp.status().as_u16();
    (status, String::from_utf8_lossy(&axum::body::to_bytes(resp.into_body(), 1 << 24).await.expect("body")).into_owned())
}

#[tokio::test]
async fn the_pages_show_the_history_and_the_diff() {
    let w = world().await;
    let app = &w.app;
    let [first, fix, rejected, material] = w.revs;
    let base = format!("/services/{}/revisions", w.id);

    // the service page links to its history
    let (s, page) = html(app, &format!("/services/{}", w.id), None).await;
    assert_eq!(s, 200);
    assert!(page.contains(&format!("href=\"{base}\"")) && page.contains(">변경 이력</a>"), "the History link");

    // the history: the public revisions for a visitor, every one for the owner
    let (s, page) = html(app, &base, None).await;
    assert_eq!(s, 200, "{page}");
    assert!(page.contains("<caption>") && page.contains("scope=\"col\""), "a captioned table");
    for n in [first, fix] {
        assert!(page.contains(&format!("href=\"{base}/{n}\"")), "revision {n} listed");
    }
    for n in [rejected, material] {
        assert!(!page.contains(&format!("href=\"{base}/{n}\"")), "revision {n} hidden from visitors");
    }
    assert!(!page.contains("문구 불명확"), "no rejection reason for visitors");
    let (s, page) = html(app, &base, Some(&w.supplier)).await;
    assert_eq!(s, 200);
    assert!(page.contains(&format!("href=\"{base}/{material}\"")) && page.contains("문구 불명확"), "the owner sees all");

    // the diff as a table: field, before, after, the material marker
    let (s, page) = html(app, &format!("{base}/{material}?against={fix}"), Some(&w.supplier)).await;
    assert_eq!(s, 200, "{page}");
    assert!(page.contains("<caption>") && page.contains("중대 변경 (재심사)"), "a material marker");
    assert!(page.contains("<th scope=\"row\">") && page.contains("Renamed in English"));
    assert!(page.contains(&format!("<option value=\"{fix}\" selected>")), "the comparison chosen");
    let (s, page) = html(app, &format!("{base}/{fix}?lang=en"), None).await;
    assert_eq!(s, 200);
    assert!(page.contains("문구를 고친 요약") && page.contains("Minor") && !page.contains("Material (reviewed again)"), "in English");
    assert!(page.contains(&format!("Compared with revision {first}")));

    // what a visitor may not see is the 404 page
    for uri in [format!("{base}/{rejected}"), format!("{base}/{material}"), format!("{base}/{fix}?against={material}")] {
        assert_eq!(html(app, &uri, None).await.0, 404, "{uri}");
    }
    assert_eq!(html(app, &format!("{base}/x"), None).await.0, 400);
    assert_eq!(html(app, "/services/00000000-0000-4000-8000-000000000000/revisions", None).await.0, 404);
}

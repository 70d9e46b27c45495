//! Ratings through the API (SPEC §4 "Usage, invoices and post-management"), on the engine the
//! run asks for: only an agency that has or had a signed contract rates a service (else 403
//! `no_contract`), one rating per agency and service (a new one replaces it with a new id and no
//! reply), the supplier replies once (409 `already_replied`), everyone reads them; the search
//! items and the service detail carry `rating`, and `sort=rating` orders by the average once the
//! index has caught up.

#[path = "support/aftercare.rs"]
mod aftercare;
mod common;

use aftercare::{contract, orderable, page};
use common::{TestApp, world};
use gureum_storage::ServiceRecord;
use serde_json::{Value, json};

async fn ratings_of(app: &TestApp, service: &str) -> Value {
    let (s, v) = app.call("GET", &format!("/api/v1/services/{service}/ratings"), None, None).await;
    assert_eq!(s, 200, "{v}");
    v
}

async fn audit_actions(app: &TestApp, id: &str) -> Vec<String> {
    let rows = app.db.audit_for_entity("rating", id).await.expect("audit");
    rows.into_iter().map(|e| e.event.action).collect()
}

#[tokio::test]
async fn agencies_with_a_contract_rate_and_the_supplier_replies_once() {
    let w = world().await;
    let app = &w.app;
    let recs = orderable(app).await;
    let (rec, other) = (&recs[0], &recs[1]);
    let sid = rec.id.as_str();
    let uri = format!("/api/v1/services/{sid}/ratings");
    let body = json!({"stars": 4, "comment": "안정적으로 운영되고 있습니다."});

    // nobody rates without a signed contract: a draft is not one
    assert_eq!(app.call("POST", &uri, None, Some(body.clone())).await.0, 401);
    let draft = contract(&w, rec, false).await;
    let (s, v) = app.call("POST", &uri, Some(&w.buyer), Some(body.clone())).await;
    assert_eq!((s, v["code"].as_str()), (403, Some("no_contract")), "a draft contract is not enough: {v}");
    for who in [&w.supplier, &w.operator, &w.supplier2] {
        let (s, v) = app.call("POST", &uri, Some(who), Some(body.clone())).await;
        assert_eq!((s, v["code"].as_str()), (403, Some("no_contract")), "{v}");
    }
    assert_eq!(ratings_of(app, sid).await["count"], 0);
    assert!(!draft.is_empty());

    // signed: the agency's users rate
    contract(&w, rec, true).await;
    let budget = app.login("budget").await;
    for (bad, field) in [
        (json!({"stars": 0}), "stars"),
        (json!({"stars": 6}), "stars"),
        (json!({"stars": "5"}), "stars"),
        (json!({"comment": "별점 없음"}), "stars"),
        (json!({"stars": 3, "comment": "가".repeat(2001)}), "comment"),
    ] {
        let (s, v) = app.call("POST", &uri, Some(&w.buyer), Some(bad)).await;
        assert_eq!((s, v["code"].as_str()), (400, Some("invalid_field")), "{v}");
        assert!(v["message"].as_str().unwrap_or("").starts_with(field), "{v}");
    }
    assert_eq!(app.call("POST", &uri, Some(&w.buyer), Some(json!([1]))).await.1["code"], "invalid_body");
    assert_eq!(ratings_of(app, sid).await["count"], 0, "nothing half-written");
    let (s, first) = app.call("POST", &uri, Some(&w.buyer), Some(body.clone())).await;
    assert_eq!(s, 201, "{first}");
    assert_eq!(first["service_id"], sid);
    assert_eq!(first["stars"], 4);
    assert_eq!(first["comment"], "안정적으로 운영되고 있습니다.");
    assert!(first["agency"].as_str().is_some_and(|a| !a.is_empty()), "the agency's name: {first}");
    assert!(first["created_at"].is_string());
    assert!(first["reply"].is_null());
    let first_id = first["id"].as_str().expect("id").to_owned();
    assert_eq!(audit_actions(app, &first_id).await, vec!["rating.create"]);

    // the supplier replies once; nobody else does
    let reply = format!("/api/v1/ratings/{first_id}/reply");
    let text = json!({"text": "감사합니다. 더 좋은 서비스로 보답하겠습니다."});
    for who in [&w.buyer, &w.supplier2, &w.operator] {
        let (s, v) = app.call("POST", &reply, Some(who), Some(text.clone())).await;
        assert_eq!((s, v["code"].as_str()), (403, Some("forbidden")), "{v}");
    }
    let (s, v) = app.call("POST", &reply, Some(&w.supplier), Some(json!({"text": "  "}))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_field")), "{v}");
    let (s, v) = app.call("POST", &reply, Some(&w.supplier), Some(text.clone())).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["reply"]["text"], "감사합니다. 더 좋은 서비스로 보답하겠습니다.");
    assert!(v["reply"]["created_at"].is_string());
    let (s, v) = app.call("POST", &reply, Some(&w.supplier), Some(json!({"text": "두 번째 답글"}))).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("already_replied")), "{v}");
    let (s, v) =
        app.call("POST", "/api/v1/ratings/00000000-0000-4000-8000-000000000001/reply", Some(&w.supplier), Some(text.clone())).await;
    assert_eq!((s, v["code"].as_str()), (404, Some("not_found")), "{v}");
    assert_eq!(app.call("POST", "/api/v1/ratings/x/reply", Some(&w.supplier), Some(text.clone())).await.1["code"], "invalid_id");
    assert_eq!(audit_actions(app, &first_id).await, vec!["rating.create", "rating.reply"]);

    // public, with its reply
    let list = ratings_of(app, sid).await;
    assert_eq!((list["count"].as_i64(), list["average"].as_f64()), (Some(1), Some(4.0)), "{list}");
    assert_eq!(list["ratings"][0]["reply"]["text"], "감사합니다. 더 좋은 서비스로 보답하겠습니다.");
    assert_eq!(ratings_of(app, &rec.code).await["count"], 1, "by code too");
    let (s, v) = app.call("GET", "/api/v1/services/00000000-0000-4000-8000-000000000001/ratings", None, None).await;
    assert_eq!((s, v["code"].as_str()), (404, Some("not_found")));

    // another user of the same agency replaces the agency's rating: a new id, no reply
    let (s, second) = app.call("POST", &uri, Some(&budget), Some(json!({"stars": 2}))).await;
    assert_eq!(s, 201, "{second}");
    assert_ne!(second["id"], first["id"]);
    assert!(second["reply"].is_null());
    assert_eq!(second["comment"], "");
    let list = ratings_of(app, sid).await;
    assert_eq!((list["count"].as_i64(), list["average"].as_f64()), (Some(1), Some(2.0)), "one per agency: {list}");
    assert_eq!(list["ratings"][0]["id"], second["id"]);
    let (s, v) = app.call("POST", &reply, Some(&w.supplier), Some(text.clone())).await;
    assert_eq!(s, 404, "the replaced rating is gone: {v}");

    // the service detail carries the rating; another service none
    let (_, detail) = app.call("GET", &format!("/api/v1/services/{sid}"), None, None).await;
    assert_eq!(detail["rating"], json!({"average": 2.0, "count": 1}), "{}", detail["rating"]);
    let (_, detail) = app.call("GET", &format!("/api/v1/services/{}", other.id), None, None).await;
    assert!(detail.get("rating").is_some_and(Value::is_null), "unrated: null");
}

/// The search items' `rating` and `sort=rating`: the index learns of ratings through the change feed.
#[tokio::test]
async fn search_shows_the_average_and_sorts_by_it() {
    let w = world().await;
    let app = &w.app;
    let recs = orderable(app).await;
    let (a, b) = (&recs[0], &recs[1]);
    for rec in [a, b] {
        contract(&w, rec, true).await;
    }
    let budget = app.login("budget").await;
    let rate = |rec: &ServiceRecord, who: &str, stars: i64| {
        let uri = format!("/api/v1/services/{}/ratings", rec.id);
        let who = who.to_owned();
        async move {
            let (s, v) = app.call("POST", &uri, Some(&who), Some(json!({"stars": stars, "comment": "평가"}))).await;
            assert_eq!(s, 201, "{v}");
        }
    };
    rate(a, &w.buyer, 3).await;
    rate(b, &budget, 5).await;

    let bizno = &a.supplier.business_number;
    let (s, v) = app.call("GET", &format!("/api/v1/services?q={bizno}&sort=rating&per_page=100"), None, None).await;
    assert_eq!(s, 200, "{v}");
    let items = v["items"].as_array().expect("items");
    let ids: Vec<&str> = items.iter().filter_map(|i| i["id"].as_str()).collect();
    assert_eq!(&ids[..2], &[b.id.as_str(), a.id.as_str()], "rated first, the higher average first");
    assert_eq!(items[0]["rating"], json!({"average": 5.0, "count": 1}));
    assert_eq!(items[1]["rating"], json!({"average": 3.0, "count": 1}));
    assert!(items[2..].iter().all(|i| i["rating"].is_null()), "the unrated after, with null");

    // a new rating reaches the index: b falls below a
    rate(b, &budget, 1).await;
    let (_, v) = app.call("GET", &format!("/api/v1/services?q={bizno}&sort=rating&per_page=100"), None, None).await;
    let items = v["items"].as_array().expect("items");
    assert_eq!(items[0]["id"], a.id.as_str());
    assert_eq!(items[1]["id"], b.id.as_str());
    assert_eq!(items[1]["rating"], json!({"average": 1.0, "count": 1}));

    // a rebuilt index keeps them
    app.state.sync().rebuild(|_| {}).await.expect("rebuild");
    let (_, v) = app.call("GET", &format!("/api/v1/services?q={bizno}&sort=rating&per_page=100"), None, None).await;
    assert_eq!(v["items"][0]["rating"], json!({"average": 3.0, "count": 1}), "{}", v["items"][0]);
}

/// The service page shows the ratings with their replies and the average, a rating form to an
/// agency with a contract and a reply form to the supplier; the forms work without script; search
/// hits show the average.
#[tokio::test]
async fn the_service_page_shows_ratings_and_takes_them() {
    let w = world().await;
    let app = &w.app;
    let recs = orderable(app).await;
    let rec = &recs[0];
    contract(&w, rec, true).await;
    let here = format!("/services/{}", rec.id);

    let visitor = page(app, "GET", &here, None, None).await;
    assert_eq!(visitor.status, 200);
    assert!(visitor.body.contains("id=\"ratings\"") && visitor.body.contains("아직 평가가 없습니다"), "the empty section");
    assert!(!visitor.body.contains("id=\"rate-form\""), "no form for visitors");
    let supplier2 = page(app, "GET", &here, Some(&w.supplier2), None).await;
    assert!(!supplier2.body.contains("id=\"rate-form\""), "no form without a contract");
    let buyer = page(app, "GET", &here, Some(&w.buyer), None).await;
    assert!(buyer.body.contains("id=\"rate-form\"") && buyer.body.contains(&format!("action=\"/services/{}/ratings\"", rec.id)));

    // a refused form comes back with its reason; a good one goes back to the section
    let uri = format!("/services/{}/ratings", rec.id);
    let bad = page(app, "POST", &uri, Some(&w.buyer), Some(&[("stars", "9"), ("comment", "너무 좋아요")])).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("id=\"rate-error\"") && bad.body.contains("invalid_field") && bad.body.contains("너무 좋아요"), "kept");
    let done = page(app, "POST", &uri, Some(&w.buyer), Some(&[("stars", "3"), ("comment", "<b>무난합니다</b>")])).await;
    assert_eq!((done.status, done.location.as_str()), (303, format!("/services/{}?rated=1#ratings", rec.id).as_str()), "{}", done.body);
    let refused = page(app, "POST", &uri, Some(&w.supplier2), Some(&[("stars", "5")])).await;
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("no_contract"));

    let shown = page(app, "GET", &here, None, None).await;
    assert!(shown.body.contains("평균 3.00점 · 1건") && shown.body.contains("★★★☆☆"), "the average and the stars");
    assert!(shown.body.contains("&lt;b&gt;무난합니다&lt;/b&gt;") || shown.body.contains("&#60;b&#62;무난합니다"), "escaped");
    let en = page(app, "GET", &format!("{here}?lang=en"), None, None).await;
    assert!(en.body.contains("Average 3.00 of 5 · 1 rating"));

    // the supplier replies on the page, once
    let list = app.call("GET", &format!("/api/v1/services/{}/ratings", rec.id), None, None).await.1;
    let rid = list["ratings"][0]["id"].as_str().expect("id").to_owned();
    let sup = page(app, "GET", &here, Some(&w.supplier), None).await;
    assert!(sup.body.contains(&format!("action=\"/ratings/{rid}/reply\"")), "the reply form");
    let empty = page(app, "POST", &format!("/ratings/{rid}/reply"), Some(&w.supplier), Some(&[("text", " ")])).await;
    assert_eq!(empty.status, 400);
    assert!(empty.body.contains(&format!("id=\"reply-{rid}-error\"")));
    let replied = page(app, "POST", &format!("/ratings/{rid}/reply"), Some(&w.supplier), Some(&[("text", "의견 감사합니다")])).await;
    assert_eq!(replied.status, 303, "{}", replied.body);
    let sup = page(app, "GET", &here, Some(&w.supplier), None).await;
    assert!(sup.body.contains("의견 감사합니다") && !sup.body.contains(&format!("action=\"/ratings/{rid}/reply\"")), "replied once");

    // search hits show the average
    let hits = page(app, "GET", &format!("/services?q={}&sort=rating", rec.supplier.business_number), None, None).await;
    assert_eq!(hits.status, 200);
    assert!(hits.body.contains("평균 3.00점 · 1건"), "the hit's average");
}

//! A supplier's own services and the operator's decisions (docs/RULES.md#lifecycle, docs/API.md), through
//! the API and the desk pages, on the engine the run asks for: create → edit → documents →
//! submit → list (searchable at once) / reject (told in the app and by e-mail); editing a listed
//! service keeps its public revision; suspend and reinstate; the refusals with their codes, and
//! the audit events of every change.

mod common;

use common::{PDF, TestApp, World, world};
use serde_json::{Value, json};
use sqlx::Row;
use tower::ServiceExt;

async fn call(app: &TestApp, method: &str, uri: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    app.call(method, uri, token, body).await
}

/// A page request with a session cookie (the login token is a session) and a CSRF cookie.
async fn page(
    app: &TestApp,
    method: &str,
    uri: &str,
    token: Option<&str>,
    form: Option<&[(&str, &str)]>,
) -> (u16, axum::http::HeaderMap, String) {
    let mut req = axum::http::Request::builder().method(method).uri(uri);
    // A signed-in form carries its session's own CSRF token, which the session's pages show.
    let mut csrf = "csrf-token-for-tests-0123456789abcdef".to_owned();
    if let Some(t) = token {
        req = req.header("cookie", format!("gureum_session={t}; gureum_csrf={csrf}"));
        if form.is_some() {
            let get = axum::http::Request::builder().uri("/account").header("cookie", format!("gureum_session={t}"));
            let resp = app.router.clone().oneshot(get.body(axum::body::Body::empty()).expect("request")).await.expect("response");
            let html = String::from_utf8_lossy(&axum::body::to_bytes(resp.into_body(), 1 << 24).await.expect("body")).into_owned();
            let marker = "name=\"_csrf\" value=\"";
            if let Some(i) = html.find(marker) {
                csrf = html[i + marker.len()..].split('"').next().unwrap_or_default().to_owned();
            }
        }
    }
    let body = match form {
        Some(pairs) => {
            req = req.header("content-type", "application/x-www-form-urlencoded");
            let mut body = format!("_csrf={}", enc(&csrf));
            for (k, v) in pairs {
                body.push_str(&format!("&{}={}", enc(k), enc(v)));
            }
            axum::body::Body::from(body)
        }
        None => axum::body::Body::empty(),
    };
    let resp = app.router.clone().oneshot(req.body(body).expect("request")).await.expect("response");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 24).await.expect("body");
    (status, headers, String::from_utf8_lossy(&bytes).into_owned())
}

/// Percent-encodes a query or form value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect()
}

fn new_service() -> Value {
    json!({
        "name": "구름 전자결재 라이트",
        "name_en": "Gureum e-Approval Lite",
        "kind": "saas",
        "category": "전자결재",
        "subcategory": "결재",
        "tags": ["전자결재", "결재"],
        "summary": "작은 기관을 위한 전자결재",
        "description": "결재선 지정과 문서 보관을 제공합니다.",
        "price_plans": [{"name": "기본", "model": "metered", "unit": "사용자/월", "unit_price_krw": 4000}],
        "sla": {"availability_pct": 99.9, "support_hours": "평일 09-18", "credit_pct": 10},
        "data_location": "서울 리전",
        "integrations": ["GPKI"],
        "certification": {"type": "standard", "grade": "low", "number": "CSAP-S-2026-77", "valid_from": "2026-01-01", "valid_to": "2030-12-31"}
    })
}

async fn search_total(app: &TestApp, q: &str) -> u64 {
    let (s, v) = app.get(&format!("/api/v1/services?q={}", enc(q))).await;
    assert_eq!(s, 200, "{v}");
    v["total"].as_u64().expect("total")
}

async fn own_listed_service(w: &World) -> (String, String, String) {
    let (s, mine) = call(&w.app, "GET", "/api/v1/supplier/services", Some(&w.supplier), None).await;
    assert_eq!(s, 200);
    let svc = mine.as_array().expect("list").iter().find(|x| x["status"] == "listed").expect("a listed service").clone();
    let id = svc["id"].as_str().expect("id").to_owned();
    let (_, public) = w.app.get(&format!("/api/v1/services/{id}")).await;
    (id, svc["code"].as_str().expect("code").to_owned(), public["listing"]["name"].as_str().expect("name").to_owned())
}

fn actions(rows: &[gureum_storage::AuditRow]) -> Vec<String> {
    rows.iter().map(|r| r.event.action.clone()).collect()
}

#[tokio::test]
async fn create_edit_submit_list_and_find_at_once() {
    let w = world().await;
    let app = &w.app;
    let (s, v) = call(app, "POST", "/api/v1/services", Some(&w.supplier), Some(new_service())).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["status"], "draft");
    let id = v["id"].as_str().expect("id").to_owned();
    let code = v["code"].as_str().expect("code").to_owned();
    assert!(gureum_domain::ServiceCode::parse(&code).is_ok() && code.starts_with("SAS-"), "assigned code {code}");
    assert_eq!(v["draft"]["state"], "draft");
    assert_eq!(v["draft"]["material"], true, "a first listing is always reviewed");

    // a draft is not public: visitors do not see it, its owner does
    assert_eq!(app.get(&format!("/api/v1/services/{id}")).await.0, 404);
    assert_eq!(search_total(app, &code).await, 0);

    // a partial edit keeps every other field and validates the whole listing
    let (s, v) =
        call(app, "PATCH", &format!("/api/v1/services/{id}"), Some(&w.supplier), Some(json!({"summary": "기관용 전자결재 (개정)"}))).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["draft"]["listing"]["summary"], "기관용 전자결재 (개정)");
    assert_eq!(v["draft"]["listing"]["name"], "구름 전자결재 라이트");
    assert_eq!(v["draft"]["revision"], 1, "the open draft is edited in place");
    let (s, v) = call(
        app,
        "PATCH",
        &format!("/api/v1/services/{id}"),
        Some(&w.supplier),
        Some(json!({"price_plans": [{"name": "기본", "model": "metered", "unit": "사용자/월", "unit_price_krw": -1}]})),
    )
    .await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_field")), "{v}");
    assert!(v["message"].as_str().is_some_and(|m| m.contains("price_plans[0].unit_price_krw")));
    let (s, v) = call(app, "PATCH", &format!("/api/v1/services/{id}"), Some(&w.supplier), Some(json!({"status": "listed"}))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_field")), "a supplier cannot list itself");

    // listing a draft is refused
    let (s, v) = call(app, "POST", &format!("/api/v1/services/{id}/list"), Some(&w.operator), None).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("invalid_status")), "{v}");

    // a submission with a required document missing is refused, naming each one, and changes nothing
    let (s, doc) = app.upload(&id, &w.supplier, "service_definition", "정의서.pdf", PDF).await;
    assert_eq!(s, 201, "{doc}");
    let (s, v) = call(app, "POST", &format!("/api/v1/services/{id}/submit"), Some(&w.supplier), None).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("documents_missing")), "{v}");
    assert_eq!(v["missing"], json!(["price_list", "sla", "business_soundness", "no_debarment", "certificate"]));
    let (_, mine) = call(app, "GET", &format!("/api/v1/services/{id}"), Some(&w.supplier), None).await;
    assert_eq!(mine["draft"]["state"], "draft");
    app.upload_required(&id, &w.supplier, "saas").await;
    let (s, v) = call(app, "POST", &format!("/api/v1/services/{id}/submit"), Some(&w.supplier), None).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "submitted");
    assert_eq!(v["draft"]["state"], "submitted");
    let (s, v) = call(app, "PATCH", &format!("/api/v1/services/{id}"), Some(&w.supplier), Some(json!({"summary": "x"}))).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("invalid_status")), "a submitted revision waits for the decision");

    // the operator's queue shows it with its age in days; the operator is told in the app
    let (s, q) = call(app, "GET", "/api/v1/operator/services", Some(&w.operator), None).await;
    assert_eq!(s, 200);
    let item = q.as_array().expect("queue").iter().find(|i| i["id"] == id.as_str()).expect("queued").clone();
    assert_eq!(
        (item["age_days"].as_i64(), item["first_listing"].as_bool(), item["state"].as_str()),
        (Some(0), Some(true), Some("submitted"))
    );
    let (s, _) = call(app, "GET", "/api/v1/operator/services", Some(&w.supplier), None).await;
    assert_eq!(s, 403);

    // the operator sees the draft and the documents
    let (s, v) = call(app, "GET", &format!("/api/v1/services/{id}"), Some(&w.operator), None).await;
    assert_eq!((s, v["draft"]["state"].as_str()), (200, Some("submitted")));
    let (s, docs) = call(app, "GET", &format!("/api/v1/services/{id}/documents"), Some(&w.operator), None).await;
    assert_eq!((s, docs.as_array().map(Vec::len)), (200, Some(7)), "{docs}");

    // a first listing is the committee's to select, not one operator's click
    let (s, v) = call(app, "POST", &format!("/api/v1/services/{id}/list"), Some(&w.operator), None).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("selection_required")), "{v}");
    assert_eq!(app.application_of(&id, &w.operator).await["status"], "received");

    // selected: searchable as soon as the round's close has answered
    app.decide_by_committee(&id, "pass").await;
    let (s, v) = call(app, "GET", &format!("/api/v1/services/{id}"), Some(&w.supplier), None).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "listed");
    assert!(v.get("draft").is_none_or(Value::is_null), "no open revision after listing");
    assert_eq!(v["listing"]["selected_on"], "2026-11-23", "selected on the close date (Asia/Seoul)");
    assert_eq!(v["listing"]["selection_valid_to"], "2029-11-22", "three years less a day");
    let (s, found) = app.get(&format!("/api/v1/services?q={code}")).await;
    assert_eq!(s, 200);
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["items"][0]["id"], id.as_str());
    let (s, v) = app.get(&format!("/api/v1/services/{id}")).await;
    assert_eq!((s, v["listing"]["summary"].as_str()), (200, Some("기관용 전자결재 (개정)")));
    assert!(v.get("draft").is_none(), "visitors never see drafts");

    // the supplier is told in the app and by e-mail
    let supplier_user = app.db.user_by_email("supplier@demo.gureum.kr").await.expect("db").expect("user");
    let kinds: Vec<String> = sqlx::query("SELECT kind FROM notifications WHERE user_id = $1")
        .bind(&supplier_user.id)
        .fetch_all(app.db.pool())
        .await
        .expect("notifications")
        .iter()
        .map(|r| r.try_get::<String, _>("kind").expect("kind"))
        .collect();
    assert!(kinds.iter().any(|k| k == "application.selected"), "{kinds:?}");
    assert!(app.db.outbox_to("supplier@demo.gureum.kr").await.expect("outbox").iter().any(|m| m.subject.contains(&code)));

    // every change is audited with the person, the organisation and the request id
    let rows = app.db.audit_for_entity("service", &id).await.expect("audit");
    let mut expected = vec!["service.create", "service.update"];
    expected.extend(["service.document_add"; 7]);
    expected.extend(["service.submit", "service.list"]);
    assert_eq!(actions(&rows), expected);
    let operator_user = app.db.user_by_email("operator@demo.gureum.kr").await.expect("db").expect("user");
    assert_eq!(rows[0].event.actor, supplier_user.id);
    assert_eq!(rows[0].event.organisation.as_deref(), Some(supplier_user.org_id.as_str()));
    let (submit, list) = (&rows[9], &rows[10]);
    assert_eq!(list.event.actor, operator_user.id, "the operator who closed the round");
    assert!(rows.iter().all(|r| r.event.request_id.is_some()), "request ids recorded");
    assert_eq!(rows[1].event.before.as_ref().map(|b| b["fields"]["summary"].clone()), Some(json!("작은 기관을 위한 전자결재")));
    assert_eq!(list.event.after.as_ref().map(|a| a["state"].clone()), Some(json!("listed")));
    assert!(list.event.after.as_ref().is_some_and(|a| a["round_id"].is_string() && a["application_id"].is_string()));
    // the submission records the revision's state before and after
    assert_eq!(submit.event.before.as_ref().map(|b| b["state"].clone()), Some(json!("draft")));
    assert_eq!(submit.event.after.as_ref().map(|a| a["state"].clone()), Some(json!("submitted")));
    assert!(matches!(app.db.verify_audit_chain().await.expect("verify"), gureum_storage::VerifyReport::Ok { .. }));
}

#[tokio::test]
async fn rejections_need_a_reason_and_tell_the_supplier() {
    let w = world().await;
    let app = &w.app;
    // a wording fix of a listed service is the operator's to list or turn down
    let (id, _, _) = own_listed_service(&w).await;
    let (s, v) = call(app, "PATCH", &format!("/api/v1/services/{id}"), Some(&w.supplier), Some(json!({"summary": "문구 수정"}))).await;
    assert_eq!((s, v["draft"]["material"].as_bool()), (200, Some(false)), "{v}");
    app.upload_required(&id, &w.supplier, v["listing"]["kind"].as_str().expect("kind")).await;
    let (s, v) = call(app, "POST", &format!("/api/v1/services/{id}/submit"), Some(&w.supplier), None).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = call(app, "POST", &format!("/api/v1/services/{id}/review"), Some(&w.operator), None).await;
    assert_eq!((s, v["status"].as_str(), v["draft"]["state"].as_str()), (200, Some("listed"), Some("in_review")), "{v}");

    let events = app.db.audit_count().await.expect("count");
    for body in [None, Some(json!({})), Some(json!({"reason": "   "}))] {
        let (s, v) = call(app, "POST", &format!("/api/v1/services/{id}/reject"), Some(&w.operator), body).await;
        assert_eq!((s, v["code"].as_str()), (400, Some("reason_required")), "{v}");
    }
    let (s, v) = call(app, "POST", &format!("/api/v1/services/{id}/reject"), Some(&w.operator), Some(json!({"reason": 5}))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_field")));
    assert_eq!(app.db.audit_count().await.expect("count"), events, "nothing stored");

    let mails_before = app.db.outbox_to("supplier@demo.gureum.kr").await.expect("outbox").len();
    let (s, v) = call(
        app,
        "POST",
        &format!("/api/v1/services/{id}/reject"),
        Some(&w.operator),
        Some(json!({"reason": "가격표가 첨부되지 않았습니다"})),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "listed", "the listed revision stays public");
    let revs = v["revisions"].as_array().expect("revisions");
    let last = revs.last().expect("the turned-down revision");
    assert_eq!(last["state"], "rejected");
    assert_eq!(last["decision_reason"], "가격표가 첨부되지 않았습니다");
    let mails = app.db.outbox_to("supplier@demo.gureum.kr").await.expect("outbox");
    assert_eq!(mails.len(), mails_before + 1);
    assert!(mails.last().is_some_and(|m| m.body.contains("가격표가 첨부되지 않았습니다")));
    let supplier_user = app.db.user_by_email("supplier@demo.gureum.kr").await.expect("db").expect("user");
    let n = sqlx::query("SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1 AND kind = 'service.rejected'")
        .bind(&supplier_user.id)
        .fetch_one(app.db.pool())
        .await
        .expect("count")
        .try_get::<i64, _>("n")
        .expect("n");
    assert_eq!(n, 1);
    // a rejected service is edited again: a new draft from the rejected one
    let (s, v) =
        call(app, "PATCH", &format!("/api/v1/services/{id}"), Some(&w.supplier), Some(json!({"description": "가격표를 붙였습니다"}))).await;
    assert_eq!(
        (s, v["status"].as_str(), v["draft"]["revision"].as_i64()),
        (200, Some("listed"), last["revision"].as_i64().map(|r| r + 1)),
        "{v}"
    );
    // a second decision on a decided revision is refused
    let (s, v) = call(app, "POST", &format!("/api/v1/services/{id}/reject"), Some(&w.operator), Some(json!({"reason": "again"}))).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("invalid_status")));
}

#[tokio::test]
async fn who_may_do_what() {
    let w = world().await;
    let app = &w.app;
    let (own, _, _) = own_listed_service(&w).await;
    // another supplier's service does not exist for supplier2
    let (s, v) = call(app, "PATCH", &format!("/api/v1/services/{own}"), Some(&w.supplier2), Some(json!({"summary": "남의 것"}))).await;
    assert_eq!((s, v["code"].as_str()), (404, Some("not_found")));
    let (s, _) = call(app, "POST", &format!("/api/v1/services/{own}/submit"), Some(&w.supplier2), None).await;
    assert_eq!(s, 404);
    let (s, _) = app.upload(&own, &w.supplier2, "sla", "sla.pdf", PDF).await;
    assert_eq!(s, 404);
    let (s, _) = call(app, "GET", &format!("/api/v1/services/{own}/documents"), Some(&w.supplier2), None).await;
    assert_eq!(s, 404);
    // other roles, visitors, bad ids
    let (s, v) = call(app, "POST", "/api/v1/services", Some(&w.buyer), Some(new_service())).await;
    assert_eq!((s, v["code"].as_str()), (403, Some("forbidden")));
    let (s, v) = call(app, "POST", "/api/v1/services", None, Some(new_service())).await;
    assert_eq!((s, v["code"].as_str()), (401, Some("unauthenticated")));
    let (s, _) = call(app, "POST", &format!("/api/v1/services/{own}/list"), Some(&w.supplier), None).await;
    assert_eq!(s, 403, "a supplier does not list");
    let (s, v) = call(app, "PATCH", "/api/v1/services/not-an-id", Some(&w.supplier), Some(json!({}))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_id")));
    let (s, v) = call(app, "POST", "/api/v1/services/nope/list", Some(&w.operator), None).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_id")));
    // malformed and mistyped bodies are 400 with a code, never 422
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/api/v1/services")
        .header("authorization", format!("Bearer {}", w.supplier))
        .header("content-type", "application/json")
        .body(axum::body::Body::from("{not json"))
        .expect("request");
    assert_eq!(app.router.clone().oneshot(req).await.expect("response").status().as_u16(), 400);
    let mut bad = new_service();
    bad["tags"] = json!("a,b");
    let (s, v) = call(app, "POST", "/api/v1/services", Some(&w.supplier), Some(bad)).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_field")));
    let mut taken = new_service();
    let existing = app.db.service(gureum_storage::ServiceKey::Id(&own)).await.expect("db").expect("svc");
    taken["code"] = json!(existing.code);
    taken["kind"] = json!(existing.listing.kind.as_str());
    let (s, v) = call(app, "POST", "/api/v1/services", Some(&w.supplier), Some(taken)).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("code_taken")));
}

#[tokio::test]
async fn an_edit_of_a_listed_service_stays_private_until_listed() {
    let w = world().await;
    let app = &w.app;
    let (id, code, old_name) = own_listed_service(&w).await;
    let (_, before) = app.get(&format!("/api/v1/services/{id}")).await;
    let public_rev = before["revision"].as_i64().expect("revision");
    let old_plans = before["listing"]["price_plans"].clone();

    let (s, v) = call(
        app,
        "PATCH",
        &format!("/api/v1/services/{id}"),
        Some(&w.supplier),
        Some(json!({"name": "새 이름 클라우드", "tags": ["새태그"]})),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "listed");
    assert_eq!(v["draft"]["revision"], public_rev + 1, "a draft opened from the listed revision");
    let fields: Vec<&str> = v["draft"]["changes"].as_array().expect("changes").iter().filter_map(|c| c["field"].as_str()).collect();
    assert_eq!(fields, ["name", "tags"]);
    assert_eq!(v["draft"]["material"], false, "a new name and tags are not material");
    assert_eq!(v["listing"]["name"], old_name.as_str(), "the owner's view keeps the public revision as the service");

    // the public sees the listed revision, search too
    let (_, public) = app.get(&format!("/api/v1/services/{id}")).await;
    assert_eq!((public["listing"]["name"].as_str(), public["revision"].as_i64()), (Some(old_name.as_str()), Some(public_rev)));
    assert_eq!(search_total(app, "새 이름 클라우드").await, 0);
    let (_, _, html) = page(app, "GET", &format!("/services/{code}"), None, None).await;
    assert!(html.contains(&old_name) && !html.contains("새 이름 클라우드"));

    // a price increase on top makes it material
    if let Some(plan) = old_plans.as_array().and_then(|a| a.first()) {
        let mut up = plan.clone();
        up["unit_price_krw"] = json!(plan["unit_price_krw"].as_i64().expect("price") + 1000);
        let (s, v) = call(app, "PATCH", &format!("/api/v1/services/{id}"), Some(&w.supplier), Some(json!({"price_plans": [up]}))).await;
        assert_eq!(s, 200);
        assert_eq!(v["draft"]["material"], true, "{}", v["draft"]["changes"]);
    }
    app.upload_required(&id, &w.supplier, before["listing"]["kind"].as_str().expect("kind")).await;
    let (s, v) = call(app, "POST", &format!("/api/v1/services/{id}/submit"), Some(&w.supplier), None).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("listed")), "a listed service stays listed while its change is reviewed");
    let (_, public) = app.get(&format!("/api/v1/services/{id}")).await;
    assert_eq!(public["listing"]["name"], old_name.as_str());

    // a material change goes to the committee; the operator alone cannot list it
    let (s, v) = call(app, "POST", &format!("/api/v1/services/{id}/list"), Some(&w.operator), None).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("selection_required")), "{v}");
    app.decide_by_committee(&id, "pass").await;
    let (_, public) = app.get(&format!("/api/v1/services/{id}")).await;
    assert_eq!(public["listing"]["selected_on"], "2026-11-23", "a new selection from the round's close");
    let (_, public) = app.get(&format!("/api/v1/services/{id}")).await;
    assert_eq!((public["listing"]["name"].as_str(), public["revision"].as_i64()), (Some("새 이름 클라우드"), Some(public_rev + 1)));
    assert_eq!(search_total(app, "새 이름 클라우드").await, 1);
    let (_, owner) = call(app, "GET", &format!("/api/v1/services/{id}"), Some(&w.supplier), None).await;
    let states: Vec<&str> = owner["revisions"].as_array().expect("revisions").iter().filter_map(|r| r["state"].as_str()).collect();
    assert_eq!(states.last(), Some(&"listed"));
    assert_eq!(states.get(states.len() - 2), Some(&"superseded"));
}

#[tokio::test]
async fn cancelling_a_selection_takes_the_service_out_and_withdraws_its_application() {
    let w = world().await;
    let app = &w.app;
    let (id, code, _) = own_listed_service(&w).await;
    // a material change before the committee
    let (_, before) = app.get(&format!("/api/v1/services/{id}")).await;
    let kind = before["listing"]["kind"].as_str().expect("kind").to_owned();
    let (s, v) = call(
        app,
        "PATCH",
        &format!("/api/v1/services/{id}"),
        Some(&w.supplier),
        Some(json!({"sla": {"availability_pct": 90.0, "support_hours": "평일", "credit_pct": 5}})),
    )
    .await;
    assert_eq!((s, v["draft"]["material"].as_bool()), (200, Some(true)), "a lower SLA is material: {v}");
    app.upload_required(&id, &w.supplier, &kind).await;
    let (s, _) = call(app, "POST", &format!("/api/v1/services/{id}/submit"), Some(&w.supplier), None).await;
    assert_eq!(s, 200);
    let application = app.application_of(&id, &w.operator).await;

    // a reason is required, and only the operator cancels
    let events = app.db.audit_count().await.expect("count");
    let (s, v) = call(app, "POST", &format!("/api/v1/services/{id}/cancel"), Some(&w.operator), Some(json!({"reason": " "}))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("reason_required")));
    let (s, _) = call(app, "POST", &format!("/api/v1/services/{id}/cancel"), Some(&w.supplier), Some(json!({"reason": "x"}))).await;
    assert_eq!(s, 403);
    assert_eq!(app.db.audit_count().await.expect("count"), events, "nothing changed");

    let (s, v) =
        call(app, "POST", &format!("/api/v1/services/{id}/cancel"), Some(&w.operator), Some(json!({"reason": "허위 서류 제출 확인"})))
            .await;
    assert_eq!((s, v["status"].as_str(), v["status_reason"].as_str()), (200, Some("cancelled"), Some("허위 서류 제출 확인")), "{v}");
    assert_eq!(search_total(app, &code).await, 0, "out of the catalog at once");
    assert_eq!(app.get(&format!("/api/v1/services/{id}")).await.0, 404, "visitors see listed and suspended services only");
    let (_, a) =
        call(app, "GET", &format!("/api/v1/applications/{}", application["id"].as_str().expect("id")), Some(&w.operator), None).await;
    assert_eq!(a["status"], "withdrawn", "its application left the committee with it");
    assert!(app.db.outbox_to("supplier@demo.gureum.kr").await.expect("outbox").iter().any(|m| m.body.contains("허위 서류 제출 확인")));
    let (s, v) = call(app, "POST", &format!("/api/v1/services/{id}/cancel"), Some(&w.operator), Some(json!({"reason": "again"}))).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("invalid_status")));
    let (s, v) = call(app, "PATCH", &format!("/api/v1/services/{id}"), Some(&w.supplier), Some(json!({"summary": "되살리기"}))).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("invalid_status")), "a cancelled service is not edited");
    let rows = app.db.audit_for_entity("service", &id).await.expect("audit");
    assert_eq!(rows.last().map(|r| r.event.action.as_str()), Some("service.cancel"));
}

#[tokio::test]
async fn suspend_and_reinstate() {
    let w = world().await;
    let app = &w.app;
    let (id, code, _) = own_listed_service(&w).await;
    assert_eq!(search_total(app, &code).await, 1);
    let (s, v) = call(app, "POST", &format!("/api/v1/services/{id}/suspend"), Some(&w.operator), Some(json!({}))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("reason_required")));
    let (s, v) =
        call(app, "POST", &format!("/api/v1/services/{id}/suspend"), Some(&w.operator), Some(json!({"reason": "보안인증 갱신 확인 중"})))
            .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("suspended")), "{v}");
    assert_eq!(search_total(app, &code).await, 0, "a suspended service leaves the default search");
    let (s, v) = app.get(&format!("/api/v1/services/{id}")).await;
    assert_eq!((s, v["status"].as_str(), v["status_reason"].as_str()), (200, Some("suspended"), Some("보안인증 갱신 확인 중")));
    let (s, _, html) = page(app, "GET", &format!("/services/{id}"), None, None).await;
    assert_eq!(s, 200);
    assert!(html.contains("판매중지") && html.contains("보안인증 갱신 확인 중"), "the page shows the notice");
    let (s, v) = call(app, "POST", &format!("/api/v1/services/{id}/suspend"), Some(&w.operator), Some(json!({"reason": "again"}))).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("invalid_status")));
    assert!(app.db.outbox_to("supplier@demo.gureum.kr").await.expect("outbox").iter().any(|m| m.body.contains("보안인증 갱신 확인 중")));

    let (s, v) = call(app, "POST", &format!("/api/v1/services/{id}/reinstate"), Some(&w.operator), None).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("listed")));
    assert!(v["status_reason"].is_null());
    assert_eq!(search_total(app, &code).await, 1);
    let rows = app.db.audit_for_entity("service", &id).await.expect("audit");
    assert_eq!(actions(&rows), ["service.suspend", "service.reinstate"]);
    assert_eq!(rows[0].event.after.as_ref().map(|a| a["reason"].clone()), Some(json!("보안인증 갱신 확인 중")));
}

#[tokio::test]
async fn documents_are_pdfs_by_content() {
    let w = world().await;
    let app = &w.app;
    let (_, v) = call(app, "POST", "/api/v1/services", Some(&w.supplier), Some(new_service())).await;
    let id = v["id"].as_str().expect("id").to_owned();
    let events = app.db.audit_count().await.expect("count");
    let (s, v) = app.upload(&id, &w.supplier, "price_list", "가격표.pdf", b"PK\x03\x04 a zip named .pdf").await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_file_type")));
    let (s, v) = app.upload(&id, &w.supplier, "brochure", "x.pdf", PDF).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_doc_type")));
    let mut big = PDF.to_vec();
    big.resize(20 * 1024 * 1024 + 1, b' ');
    let (s, v) = app.upload(&id, &w.supplier, "price_list", "big.pdf", &big).await;
    assert_eq!((s, v["code"].as_str()), (413, Some("file_too_large")));
    let mut huge = PDF.to_vec();
    huge.resize(25 * 1024 * 1024, b' ');
    let (s, v) = app.upload(&id, &w.supplier, "price_list", "huge.pdf", &huge).await;
    assert_eq!((s, v["code"].as_str()), (413, Some("file_too_large")), "past the body limit too");
    assert_eq!(app.db.audit_count().await.expect("count"), events, "nothing stored");
    let (_, docs) = call(app, "GET", &format!("/api/v1/services/{id}/documents"), Some(&w.supplier), None).await;
    assert_eq!(docs.as_array().map(Vec::len), Some(0));

    // a PDF named anything is stored by its SHA-256, once
    let (s, a) = app.upload(&id, &w.supplier, "certificate", "인증서.bin", PDF).await;
    assert_eq!(s, 201, "{a}");
    let (s, b) = app.upload(&id, &w.supplier, "sla", "sla.pdf", PDF).await;
    assert_eq!(s, 201);
    assert_eq!(a["sha256"], b["sha256"]);
    assert_eq!(a["sha256"].as_str(), Some(gureum_domain::audit::sha256_hex(PDF).as_str()));
    let (s, headers, body) = app.get_raw(a["href"].as_str().expect("href")).await;
    assert_eq!(s, 401, "documents need sign-in");
    let _ = (headers, body);
    let req = axum::http::Request::builder()
        .uri(a["href"].as_str().expect("href"))
        .header("authorization", format!("Bearer {}", w.operator))
        .body(axum::body::Body::empty())
        .expect("request");
    let resp = app.router.clone().oneshot(req).await.expect("response");
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    assert!(resp.headers()["content-disposition"].to_str().expect("ascii").contains("filename*=UTF-8''%EC%9D%B8"));
    assert_eq!(axum::body::to_bytes(resp.into_body(), 1 << 20).await.expect("body").as_ref(), PDF);
    let rows = app.db.audit_for_entity("service", &id).await.expect("audit");
    assert_eq!(actions(&rows), ["service.create", "service.document_add", "service.document_add"]);
}

#[tokio::test]
async fn a_new_kind_gets_a_new_code() {
    let w = world().await;
    let app = &w.app;
    let (_, v) = call(app, "POST", "/api/v1/services", Some(&w.supplier), Some(new_service())).await;
    let id = v["id"].as_str().expect("id").to_owned();
    let (s, v) = call(app, "PATCH", &format!("/api/v1/services/{id}"), Some(&w.supplier), Some(json!({"kind": "paas"}))).await;
    assert_eq!(s, 200, "{v}");
    assert!(v["code"].as_str().is_some_and(|c| c.starts_with("PAS-")), "{}", v["code"]);
    let (s, v) = call(app, "PATCH", &format!("/api/v1/services/{id}"), Some(&w.supplier), Some(json!({"code": "SAS-1-01-99999"}))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_field")));
}

#[tokio::test]
async fn the_desk_pages() {
    let w = world().await;
    let app = &w.app;
    // sign in first; the wrong role gets 403
    let (s, h, _) = page(app, "GET", "/supplier/services", None, None).await;
    assert_eq!(s, 303);
    assert_eq!(h["location"], "/login?next=%2Fsupplier%2Fservices");
    assert_eq!(page(app, "GET", "/supplier/services", Some(&w.buyer), None).await.0, 403);
    assert_eq!(page(app, "GET", "/operator/services", Some(&w.supplier), None).await.0, 403);

    // create through the form (no JavaScript): a bad field is shown on the form, nothing stored
    let (s, _, html) = page(app, "GET", "/supplier/services/new", Some(&w.supplier), None).await;
    assert_eq!(s, 200);
    assert!(html.contains("name=\"_csrf\"") && html.contains("<fieldset>") && html.matches("<h1").count() == 1);
    let fields: Vec<(&str, &str)> = vec![
        ("name", "구름 화상회의"),
        ("kind", "saas"),
        ("category", "화상회의"),
        ("tags", "회의, 영상"),
        ("summary", "기관 화상회의"),
        ("plan_name_0", "기본"),
        ("plan_model_0", "metered"),
        ("plan_unit_0", "사용자/월"),
        ("plan_price_0", "3,000"),
        ("sla_availability", "99.5"),
        ("integration", "GPKI"),
        ("cert_type", ""),
    ];
    let mut bad = fields.clone();
    bad.push(("plan_price_1", "비쌈"));
    bad.push(("plan_name_1", "고급"));
    bad.push(("plan_unit_1", "월"));
    bad.push(("plan_model_1", "fixed"));
    let before = app.db.count_all_services().await.expect("count");
    let (s, _, html) = page(app, "POST", "/supplier/services/new", Some(&w.supplier), Some(&bad)).await;
    assert_eq!(s, 400);
    assert!(html.contains("price_plans[1].unit_price_krw") && html.contains("구름 화상회의"), "the error and the values are kept");
    assert_eq!(app.db.count_all_services().await.expect("count"), before);
    let (s, h, _) = page(app, "POST", "/supplier/services/new", Some(&w.supplier), Some(&fields)).await;
    assert_eq!(s, 303);
    let location = h["location"].to_str().expect("location").to_owned();
    let id = location.trim_start_matches("/supplier/services/").split('/').next().expect("id").to_owned();
    assert!(location.ends_with("/documents?done=created"), "{location}");
    // a form without its CSRF token is refused
    let req = axum::http::Request::builder()
        .method("POST")
        .uri(format!("/supplier/services/{id}/submit"))
        .header("cookie", format!("gureum_session={}", w.supplier))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(""))
        .expect("request");
    assert_eq!(app.router.clone().oneshot(req).await.expect("response").status().as_u16(), 403);

    // edit, see the list, submit
    let (s, _, html) = page(app, "GET", &format!("/supplier/services/{id}/edit"), Some(&w.supplier), None).await;
    assert_eq!(s, 200);
    assert!(html.contains("value=\"구름 화상회의\"") && html.contains("value=\"3000\""));
    let mut edited = fields.clone();
    edited[4] = ("summary", "기관 화상회의 (고침)");
    let (s, h, _) = page(app, "POST", &format!("/supplier/services/{id}/edit"), Some(&w.supplier), Some(&edited)).await;
    assert_eq!((s, h["location"].to_str().ok()), (303, Some(format!("/supplier/services/{id}/edit?done=saved").as_str())));
    let (s, _, html) = page(app, "GET", &format!("/supplier/services/{id}/documents"), Some(&w.supplier), None).await;
    assert_eq!(s, 200);
    assert!(html.contains("enctype=\"multipart/form-data\"") && html.contains("서비스 정의서"));
    // submitting before the documents are in shows what is missing, and changes nothing
    let (s, _, html) = page(app, "POST", &format!("/supplier/services/{id}/submit"), Some(&w.supplier), Some(&[])).await;
    assert_eq!(s, 400);
    assert!(html.contains("documents_missing") && html.contains("price_list"), "the missing documents named");
    app.upload_required(&id, &w.supplier, "saas").await;
    let (s, _, _) = page(app, "POST", &format!("/supplier/services/{id}/submit"), Some(&w.supplier), Some(&[])).await;
    assert_eq!(s, 303);
    let (s, _, html) = page(app, "GET", "/supplier/services", Some(&w.supplier), None).await;
    assert_eq!(s, 200);
    assert!(html.contains("구름 화상회의") && html.contains("제출됨"), "status and revision state shown");

    // the operator's queue and decision
    let (s, _, html) = page(app, "GET", "/operator/services", Some(&w.operator), None).await;
    assert_eq!(s, 200);
    assert!(html.contains(&format!("/operator/services/{id}")) && html.contains("0일"), "queued with its age in days");
    let (s, _, html) = page(app, "GET", &format!("/operator/services/{id}"), Some(&w.operator), None).await;
    assert_eq!(s, 200);
    assert!(html.contains("기관 화상회의 (고침)") && html.contains("action=\"/operator/services/"), "the change and the forms");
    let (s, _, html) = page(app, "POST", &format!("/operator/services/{id}/reject"), Some(&w.operator), Some(&[("reason", "")])).await;
    assert_eq!(s, 400);
    assert!(html.contains("reason_required"));
    let (s, _, html) = page(app, "POST", &format!("/operator/services/{id}/list"), Some(&w.operator), Some(&[])).await;
    assert_eq!(s, 409);
    assert!(html.contains("selection_required"), "a first listing is the committee's");
    app.decide_by_committee(&id, "pass").await;
    assert_eq!(search_total(app, "구름 화상회의").await, 1);

    // an edit of the listed service shows what changed, field by field
    let mut changed = fields.clone();
    changed[8] = ("plan_price_0", "3,500");
    let (s, _, _) = page(app, "POST", &format!("/supplier/services/{id}/edit"), Some(&w.supplier), Some(&changed)).await;
    assert_eq!(s, 303);
    let (_, _, html) = page(app, "GET", "/supplier/services", Some(&w.supplier), None).await;
    assert!(html.contains("3,000원") && html.contains("3,500원") && html.contains("중대 변경"), "the diff with its material flag");
    // the operator finds a service by its code and suspends it from the desk
    let code = app.db.service(gureum_storage::ServiceKey::Id(&id)).await.expect("db").expect("svc").code;
    let (s, h, _) = page(app, "GET", &format!("/operator/services?find={code}"), Some(&w.operator), None).await;
    assert_eq!((s, h["location"].to_str().ok()), (303, Some(format!("/operator/services/{id}").as_str())));
    let (s, _, _) = page(app, "POST", &format!("/operator/services/{id}/suspend"), Some(&w.operator), Some(&[("reason", "점검")])).await;
    assert_eq!(s, 303);
    assert_eq!(search_total(app, "구름 화상회의").await, 0);
}

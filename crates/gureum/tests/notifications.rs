//! A person's notifications and language (docs/RULES.md#notifications, docs/API.md): the API
//! (`GET /api/v1/notifications`, `POST /api/v1/notifications/{id}/read`, `PATCH /api/v1/me`),
//! the header's unread count and the `/notifications` page with its forms, the language switch
//! saved as the person's, and e-mails written in the recipient's language. Runs on the engine the
//! run asks for (`GUREUM_TEST_DATABASE=sqlite|postgres`).

mod common;

use common::{TestApp, World, world};
use serde_json::{Value, json};
use tower::ServiceExt;

/// A listed service of a supplier (by its token).
async fn listed_service(w: &World, supplier: &str) -> (String, String) {
    let (s, mine) = w.app.call("GET", "/api/v1/supplier/services", Some(supplier), None).await;
    assert_eq!(s, 200, "{mine}");
    let svc = mine.as_array().expect("list").iter().find(|x| x["status"] == "listed").expect("a listed service").clone();
    (svc["id"].as_str().expect("id").to_owned(), svc["code"].as_str().expect("code").to_owned())
}

/// The operator suspends a service and reinstates it: its supplier is told twice.
async fn suspend_and_reinstate(w: &World, id: &str) {
    let (s, v) = w.app.call("POST", &format!("/api/v1/services/{id}/suspend"), Some(&w.operator), Some(json!({"reason": "점검"}))).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = w.app.call("POST", &format!("/api/v1/services/{id}/reinstate"), Some(&w.operator), None).await;
    assert_eq!(s, 200, "{v}");
}

async fn list(w: &World, token: &str, query: &str) -> Value {
    let (s, v) = w.app.call("GET", &format!("/api/v1/notifications{query}"), Some(token), None).await;
    assert_eq!(s, 200, "{v}");
    v
}

#[tokio::test]
async fn the_api_lists_my_notifications_and_marks_them_read() {
    let w = world().await;
    let app = &w.app;
    let (id, code) = listed_service(&w, &w.supplier).await;
    suspend_and_reinstate(&w, &id).await;

    assert_eq!(app.call("GET", "/api/v1/notifications", None, None).await.0, 401, "visitors have none");
    let v = list(&w, &w.supplier, "").await;
    assert_eq!(
        (v["unread"].as_i64(), v["total"].as_i64(), v["page"].as_u64(), v["per_page"].as_u64()),
        (Some(2), Some(2), Some(1), Some(20))
    );
    let items = v["items"].as_array().expect("items").clone();
    let kinds: Vec<&str> = items.iter().filter_map(|n| n["kind"].as_str()).collect();
    assert_eq!(kinds, ["service.reinstated", "service.suspended"], "newest first");
    for n in &items {
        assert_eq!(n["message"], n["message_ko"], "a Korean reader by default");
        assert!(n["message_en"].as_str().is_some_and(|m| m.contains(&code)), "{n}");
        assert_eq!(n["link"], "/supplier/services");
        assert!(n["created_at"].is_string() && n["read_at"].is_null(), "{n}");
    }
    // another person does not see them
    assert_eq!(list(&w, &w.buyer, "").await["total"], 0);

    // pages of one, and the unread filter
    let p2 = list(&w, &w.supplier, "?per_page=1&page=2").await;
    assert_eq!((p2["total"].as_i64(), p2["items"][0]["id"].as_str()), (Some(2), items[1]["id"].as_str()));
    for (q, code) in [("?unread=maybe", "invalid_parameter"), ("?per_page=0", "invalid_per_page"), ("?page=0", "invalid_page")] {
        let (s, v) = app.call("GET", &format!("/api/v1/notifications{q}"), Some(&w.supplier), None).await;
        assert_eq!((s, v["code"].as_str()), (400, Some(code)), "{q}: {v}");
    }

    // reading one: 204, twice too; the count and the filter follow
    let first = items[0]["id"].as_str().expect("id").to_owned();
    let events = app.db.audit_count().await.expect("count");
    for _ in 0..2 {
        let (s, v) = app.call("POST", &format!("/api/v1/notifications/{first}/read"), Some(&w.supplier), None).await;
        assert_eq!(s, 204, "{v}");
    }
    assert_eq!(app.db.audit_count().await.expect("count"), events + 1, "one notification.read event; reading again changes nothing");
    let v = list(&w, &w.supplier, "").await;
    assert_eq!(v["unread"], 1);
    assert!(v["items"][0]["read_at"].is_string());
    let unread = list(&w, &w.supplier, "?unread=true").await;
    assert_eq!((unread["total"].as_i64(), unread["items"][0]["id"].as_str()), (Some(1), items[1]["id"].as_str()));

    // another person's is not found, a malformed id is 400, and nothing changes
    let second = items[1]["id"].as_str().expect("id");
    let (s, v) = app.call("POST", &format!("/api/v1/notifications/{second}/read"), Some(&w.buyer), None).await;
    assert_eq!((s, v["code"].as_str()), (404, Some("not_found")), "{v}");
    let (s, v) = app.call("POST", "/api/v1/notifications/not-an-id/read", Some(&w.supplier), None).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_id")), "{v}");
    let (s, _) = app.call("POST", &format!("/api/v1/notifications/{second}/read"), None, None).await;
    assert_eq!(s, 401);
    assert_eq!(list(&w, &w.supplier, "").await["unread"], 1, "still unread");

    // in English once the person says so
    let (s, me) = app.call("PATCH", "/api/v1/me", Some(&w.supplier), Some(json!({"lang": "en"}))).await;
    assert_eq!((s, me["lang"].as_str()), (200, Some("en")), "{me}");
    let v = list(&w, &w.supplier, "").await;
    assert!(v["items"].as_array().expect("items").iter().all(|n| n["message"] == n["message_en"]), "{v}");
}

#[tokio::test]
async fn mails_are_written_in_the_recipients_language() {
    let w = world().await;
    let app = &w.app;
    let (s, me) = app.call("GET", "/api/v1/me", Some(&w.supplier), None).await;
    assert_eq!((s, me["lang"].as_str()), (200, Some("ko")), "Korean unless chosen");

    // a wrong language is refused and changes nothing
    let events = app.db.audit_count().await.expect("count");
    for body in [json!({"lang": "fr"}), json!({"lang": "EN"}), json!({"lang": 5})] {
        let (s, v) = app.call("PATCH", "/api/v1/me", Some(&w.supplier), Some(body.clone())).await;
        assert_eq!(s, 400, "{body}: {v}");
        assert!(["invalid_field", "invalid_body"].contains(&v["code"].as_str().unwrap_or("")), "{v}");
    }
    assert_eq!(app.call("PATCH", "/api/v1/me", None, Some(json!({"lang": "en"}))).await.0, 401);
    assert_eq!(app.db.audit_count().await.expect("count"), events);

    let (s, me) = app.call("PATCH", "/api/v1/me", Some(&w.supplier), Some(json!({"lang": "en"}))).await;
    assert_eq!((s, me["lang"].as_str()), (200, Some("en")), "{me}");
    let (_, again) = app.call("PATCH", "/api/v1/me", Some(&w.supplier), Some(json!({"lang": "en"}))).await;
    assert_eq!(again["lang"], "en");
    let user = app.db.user_by_email("supplier@demo.gureum.kr").await.expect("db").expect("user");
    assert_eq!(user.lang, gureum_domain::account::Language::En);
    let rows = app.db.audit_for_entity("user", &user.id).await.expect("audit");
    let changes: Vec<&gureum_storage::AuditRow> = rows.iter().filter(|r| r.event.action == "user.language").collect();
    assert_eq!(changes.len(), 1, "the same language again writes nothing");
    assert_eq!(changes[0].event.after.as_ref().map(|a| a["lang"].clone()), Some(json!("en")));

    // the English-speaking supplier gets English mail, the Korean-speaking one Korean
    let (id, code) = listed_service(&w, &w.supplier).await;
    let (id2, code2) = listed_service(&w, &w.supplier2).await;
    for id in [&id, &id2] {
        let (s, v) =
            app.call("POST", &format!("/api/v1/services/{id}/suspend"), Some(&w.operator), Some(json!({"reason": "점검 / check"}))).await;
        assert_eq!(s, 200, "{v}");
    }
    let en = app.db.outbox_to("supplier@demo.gureum.kr").await.expect("outbox");
    let mail = en.last().expect("a mail to the supplier");
    assert!(mail.subject.starts_with("[Gureum] Your service is suspended") && mail.subject.contains(&code), "{}", mail.subject);
    assert!(mail.body.starts_with("Your service is suspended") && mail.body.contains("/supplier/services"), "{}", mail.body);
    assert!(!mail.subject.contains("판매중지") && !mail.body.contains("판매중지"), "no Korean in an English mail: {}", mail.body);
    let ko = app.db.outbox_to("supplier2@demo.gureum.kr").await.expect("outbox");
    let mail = ko.last().expect("a mail to supplier2");
    assert!(mail.subject.starts_with("[구름] 서비스가 판매중지되었습니다") && mail.subject.contains(&code2), "{}", mail.subject);
    assert!(!mail.body.contains("Your service"), "no English in a Korean mail: {}", mail.body);
    // the in-app notification keeps both languages
    let v = list(&w, &w.supplier, "").await;
    assert!(v["items"][0]["message_ko"].as_str().is_some_and(|m| m.contains("판매중지")), "{v}");
}

/// Percent-encodes a form value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect()
}

struct Page {
    status: u16,
    location: String,
    body: String,
}

/// A page request as a signed-in browser makes it: the login token is the session cookie; a form
/// carries the session's CSRF token, read from a page first.
async fn page(app: &TestApp, method: &str, uri: &str, token: Option<&str>, form: Option<&[(&str, &str)]>) -> Page {
    let mut req = axum::http::Request::builder().method(method).uri(uri);
    let mut csrf = String::new();
    if let Some(t) = token {
        req = req.header("cookie", format!("gureum_session={t}"));
        if form.is_some() {
            let html = page_get(app, "/account", t).await;
            let marker = "name=\"_csrf\" value=\"";
            let i = html.find(marker).expect("a form with the CSRF field") + marker.len();
            csrf = html[i..].split('"').next().unwrap_or_default().to_owned();
        }
    }
    let body = match form {
        Some(pairs) => {
            req = req.header("content-type", "application/x-www-form-urlencoded");
            let mut all = vec![("_csrf", csrf.as_str())];
            all.extend_from_slice(pairs);
            axum::body::Body::from(all.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&"))
        }
        None => axum::body::Body::empty(),
    };
    let resp = app.router.clone().oneshot(req.body(body).expect("request")).await.expect("response");
    let status = resp.status().as_u16();
    let location = resp.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 24).await.expect("body");
    Page { status, location, body: String::from_utf8_lossy(&bytes).into_owned() }
}

async fn page_get(app: &TestApp, uri: &str, token: &str) -> String {
    let req = axum::http::Request::builder().uri(uri).header("cookie", format!("gureum_session={token}"));
    let resp = app.router.clone().oneshot(req.body(axum::body::Body::empty()).expect("request")).await.expect("response");
    assert_eq!(resp.status().as_u16(), 200, "{uri}");
    String::from_utf8_lossy(&axum::body::to_bytes(resp.into_body(), 1 << 24).await.expect("body")).into_owned()
}

#[tokio::test]
async fn the_header_counts_and_the_page_marks_read() {
    let w = world().await;
    let app = &w.app;
    let (id, code) = listed_service(&w, &w.supplier).await;
    suspend_and_reinstate(&w, &id).await;

    // the header's count, on any page, as a link with its words
    let home = page_get(app, "/", &w.supplier).await;
    assert!(home.contains("href=\"/notifications\"") && home.contains(">알림 2건</a>"), "the header's count");
    let buyer_home = page_get(app, "/", &w.buyer).await;
    assert!(buyer_home.contains(">알림 0건</a>"), "the buyer has none");
    let visitor = page(app, "GET", "/", None, None).await;
    assert!(!visitor.body.contains("href=\"/notifications\""), "no count for visitors");
    let visitor = page(app, "GET", "/notifications", None, None).await;
    assert_eq!((visitor.status, visitor.location.as_str()), (303, "/login?next=%2Fnotifications"));

    // the list: newest first, each linking to its page, a form per unread one and one for all
    let html = page_get(app, "/notifications", &w.supplier).await;
    let (s, v) = app.call("GET", "/api/v1/notifications", Some(&w.supplier), None).await;
    assert_eq!(s, 200);
    let ids: Vec<String> = v["items"].as_array().expect("items").iter().map(|n| n["id"].as_str().expect("id").to_owned()).collect();
    let reinstated = html.find("서비스 판매중지가 해제되었습니다").expect("the newest");
    let suspended = html.find("서비스가 판매중지되었습니다").expect("the older");
    assert!(reinstated < suspended, "newest first");
    assert!(html.contains(&code) && html.contains("href=\"/supplier/services\""));
    for id in &ids {
        assert!(html.contains(&format!("action=\"/notifications/{id}/read\"")), "a mark-read form for {id}");
    }
    assert!(html.contains("action=\"/notifications/read\"") && html.contains("name=\"_csrf\""), "mark all read");

    // a form without the CSRF token changes nothing
    let req = axum::http::Request::builder()
        .method("POST")
        .uri(format!("/notifications/{}/read", ids[0]))
        .header("cookie", format!("gureum_session={}", w.supplier))
        .header("content-type", "application/x-www-form-urlencoded");
    let resp =
        app.router.clone().oneshot(req.body(axum::body::Body::from("back=%2Fnotifications")).expect("request")).await.expect("response");
    assert_eq!(resp.status().as_u16(), 403);
    assert!(page_get(app, "/", &w.supplier).await.contains(">알림 2건</a>"));

    // mark one read: back to the list, one fewer in the header
    let r =
        page(app, "POST", &format!("/notifications/{}/read", ids[0]), Some(&w.supplier), Some(&[("back", "/notifications?unread=true")]))
            .await;
    assert_eq!((r.status, r.location.as_str()), (303, "/notifications?unread=true&done=read"), "{}", r.body);
    let html = page_get(app, "/notifications?unread=true", &w.supplier).await;
    assert!(
        html.contains(">알림 1건</a>")
            && !html.contains("서비스 판매중지가 해제되었습니다")
            && html.contains("서비스가 판매중지되었습니다")
    );
    // another person's is the 404 page; a foreign `back` is not followed
    let r = page(app, "POST", &format!("/notifications/{}/read", ids[1]), Some(&w.buyer), Some(&[])).await;
    assert_eq!(r.status, 404);
    let r = page(app, "POST", "/notifications/read", Some(&w.supplier), Some(&[("back", "https://evil.example/")])).await;
    assert_eq!((r.status, r.location.as_str()), (303, "/notifications?done=read"));
    let html = page_get(app, "/notifications", &w.supplier).await;
    assert!(html.contains(">알림 0건</a>") && !html.contains("action=\"/notifications/read\""), "all read: no mark-all form");
}

#[tokio::test]
async fn the_language_switch_is_saved_as_the_persons() {
    let w = world().await;
    let app = &w.app;
    let (id, _) = listed_service(&w, &w.supplier).await;
    suspend_and_reinstate(&w, &id).await;

    // choosing English on a page saves it: later pages (no cookie) and mails follow it
    let html = page_get(app, "/notifications?lang=en", &w.supplier).await;
    assert!(html.contains(">2 notifications</a>") && html.contains("Your service is reinstated"), "in English");
    let user = app.db.user_by_email("supplier@demo.gureum.kr").await.expect("db").expect("user");
    assert_eq!(user.lang, gureum_domain::account::Language::En);
    let html = page_get(app, "/account", &w.supplier).await;
    assert!(html.contains("<html lang=\"en\"") && html.contains(">2 notifications</a>"), "the saved language without a cookie");
    let (_, me) = app.call("GET", "/api/v1/me", Some(&w.supplier), None).await;
    assert_eq!(me["lang"], "en");
    let (s, _) = app.call("POST", &format!("/api/v1/services/{id}/suspend"), Some(&w.operator), Some(json!({"reason": "again"}))).await;
    assert_eq!(s, 200);
    let mails = app.db.outbox_to("supplier@demo.gureum.kr").await.expect("outbox");
    assert!(mails.last().is_some_and(|m| m.subject.starts_with("[Gureum]")), "{:?}", mails.last().map(|m| &m.subject));

    // and back to Korean
    let html = page_get(app, "/?lang=ko", &w.supplier).await;
    assert!(html.contains(">알림 3건</a>"));
    let user = app.db.user_by_email("supplier@demo.gureum.kr").await.expect("db").expect("user");
    assert_eq!(user.lang, gureum_domain::account::Language::Ko);
    // a visitor's switch saves nothing and needs no account
    let visitor = page(app, "GET", "/?lang=en", None, None).await;
    assert_eq!(visitor.status, 200);
    // the other supplier never chose: Korean
    let (_, me2) = app.call("GET", "/api/v1/me", Some(&w.supplier2), None).await;
    assert_eq!(me2["lang"], "ko");
}

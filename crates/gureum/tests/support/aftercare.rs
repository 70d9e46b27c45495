//! What the incidents and ratings tests share: the demo supplier's orderable services and a
//! contract between the demo agency and the demo supplier, made through the API.
#![allow(dead_code)]

use crate::common::{TestApp, World};
use gureum_storage::{ServiceKey, ServiceRecord};
use serde_json::json;

/// Listed services of the demo supplier that pass the gate today, with a plan.
pub async fn orderable(app: &TestApp) -> Vec<ServiceRecord> {
    let u = app.db.user_by_email("supplier@demo.gureum.kr").await.expect("user").expect("demo user");
    let sid = app.db.organisation(&u.org_id).await.expect("org").and_then(|o| o.supplier_id).expect("supplier");
    let (_, hits) = gureum_app::catalog::supplier(&app.state, &sid).await.expect("supplier");
    let mut out = Vec::new();
    for h in hits {
        let rec = app.db.service(ServiceKey::Id(&h.id)).await.expect("service").expect("listed");
        if !rec.listing.price_plans.is_empty() && gureum_app::buying::gate_reasons(&app.state, &rec, None).await.expect("gate").is_empty() {
            out.push(rec);
        }
    }
    assert!(out.len() >= 2, "the demo supplier has two orderable services");
    out
}

/// A contract for `rec` between the demo agency and the demo supplier from today for a year;
/// `sign`: both sides accept it. Answers its id.
pub async fn contract(w: &World, rec: &ServiceRecord, sign: bool) -> String {
    let app = &w.app;
    let budget = app.login("budget").await;
    let (s, line) = app
        .call(
            "POST",
            "/api/v1/budget-lines",
            Some(&budget),
            Some(json!({"fiscal_year": 2026, "name": format!("이용료 {}", uuid::Uuid::new_v4().simple()), "amount_krw": 1_000_000_000})),
        )
        .await;
    assert_eq!(s, 201, "{line}");
    let plan = rec.listing.price_plans[0].name.clone();
    let price = rec.listing.price_plans[0].unit_price_krw.won();
    let (s, r) = app
        .call(
            "POST",
            "/api/v1/quote-requests",
            Some(&w.buyer),
            Some(json!({"service_id": rec.id, "items": [{"plan": plan, "quantity": 1, "months": 12}],
                "starts_on": "2026-11-23", "ends_on": "2027-11-22", "message": "이용 견적 요청"})),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    let (s, q) = app
        .call(
            "POST",
            &format!("/api/v1/quote-requests/{}/quotes", r["id"].as_str().expect("id")),
            Some(&w.supplier),
            Some(json!({"items": [{"plan": plan, "unit_price_krw": price, "quantity": 1, "months": 12}], "valid_until": "2026-12-31"})),
        )
        .await;
    assert_eq!(s, 201, "{q}");
    let (s, c) = app
        .call(
            "POST",
            "/api/v1/contracts",
            Some(&w.buyer),
            Some(json!({"quote_id": q["id"], "type": "one_off", "fee_model": "fixed", "billing": "monthly", "budget_line_id": line["id"]})),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    let id = c["id"].as_str().expect("id").to_owned();
    if sign {
        let signatory = app.login("signatory").await;
        for who in [&signatory, &w.supplier] {
            let (s, v) =
                app.call("POST", &format!("/api/v1/contracts/{id}/accept"), Some(who), Some(json!({"text_hash": c["text_hash"]}))).await;
            assert_eq!(s, 200, "{v}");
        }
    }
    id
}

/// A page answer: status, `Location` and the body as text.
pub struct PageAnswer {
    pub status: u16,
    pub location: String,
    pub body: String,
}

/// Requests a page (a bearer token stands for the person; a form body is urlencoded).
pub async fn page(app: &TestApp, method: &str, uri: &str, token: Option<&str>, form: Option<&[(&str, &str)]>) -> PageAnswer {
    use tower::ServiceExt;
    let mut req = axum::http::Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let body = match form {
        Some(pairs) => {
            req = req.header("content-type", "application/x-www-form-urlencoded");
            let escape = |s: &str| -> String {
                s.bytes().map(|b| if b.is_ascii_alphanumeric() { char::from(b).to_string() } else { format!("%{b:02X}") }).collect()
            };
            axum::body::Body::from(pairs.iter().map(|(k, v)| format!("{}={}", escape(k), escape(v))).collect::<Vec<_>>().join("&"))
        }
        None => axum::body::Body::empty(),
    };
    let resp = app.router.clone().oneshot(req.body(body).expect("request")).await.expect("response");
    let status = resp.status().as_u16();
    let location = resp.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 26).await.expect("body");
    PageAnswer { status, location, body: String::from_utf8_lossy(&bytes).into_owned() }
}

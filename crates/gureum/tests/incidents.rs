//! Incidents and SLA availability through the API (SPEC §3 "Post-management", §4 "Usage,
//! invoices and post-management"), on the engine the run asks for: who records, reads and
//! resolves an incident; what is refused; an unannounced outage of 10 minutes or more tells every
//! user of the agencies using the service once, in the app and by e-mail (not an announced one,
//! not one of 9 minutes); a contract's monthly availability counts unannounced outages once.

#[path = "support/aftercare.rs"]
mod aftercare;
mod common;

use aftercare::{contract, orderable, page};
use common::{TestApp, world};
use serde_json::{Value, json};

const AGENCY: [&str; 3] = ["buyer", "budget", "signatory"];

/// Outage notices (in the app) and mails of a demo account.
async fn told(app: &TestApp, who: &str) -> (usize, usize) {
    let id = app.user_id(who).await;
    let notes = app.db.notifications_of(&id, 500).await.expect("notifications");
    let mails = app.db.outbox_to(&format!("{who}@demo.gureum.kr")).await.expect("outbox");
    (notes.iter().filter(|n| n.kind == "incident_outage").count(), mails.iter().filter(|m| m.body.contains("/incidents/")).count())
}

async fn record(app: &TestApp, token: &str, body: Value) -> Value {
    let (s, v) = app.call("POST", "/api/v1/incidents", Some(token), Some(body)).await;
    assert_eq!(s, 201, "{v}");
    v
}

fn outage(service: &str, start: &str, end: Option<&str>, announced: bool) -> Value {
    json!({"service_id": service, "started_at": start, "ended_at": end, "announced": announced, "description": "API 응답 지연 및 접속 장애"})
}

#[tokio::test]
async fn incidents_are_recorded_told_once_and_counted_against_the_sla() {
    let w = world().await;
    let app = &w.app;
    let recs = orderable(app).await;
    let (rec, other) = (&recs[0], &recs[1]);
    let sid = rec.id.as_str();
    let budget = app.login("budget").await;
    let auditor = app.login("auditor").await;
    let reviewer = app.login("reviewer").await;
    let c = contract(&w, rec, true).await;
    let ok = outage(sid, "2026-11-22T08:00:00+09:00", Some("2026-11-22T08:09:00+09:00"), false);

    // who may record
    assert_eq!(app.call("POST", "/api/v1/incidents", None, Some(ok.clone())).await.0, 401);
    for who in [&w.operator, &reviewer, &w.supplier2, &auditor] {
        let (s, v) = app.call("POST", "/api/v1/incidents", Some(who), Some(ok.clone())).await;
        assert_eq!((s, v["code"].as_str()), (403, Some("forbidden")), "{v}");
    }
    let other_body = outage(&other.id, "2026-11-22T08:00:00+09:00", None, false);
    let (s, v) = app.call("POST", "/api/v1/incidents", Some(&w.buyer), Some(other_body)).await;
    assert_eq!((s, v["code"].as_str()), (403, Some("no_contract")), "an agency without a contract for it: {v}");

    // what is refused, and nothing stored
    let mut bad: Vec<(Value, u16, &str)> = vec![
        (json!({"started_at": "2026-11-22T08:00:00+09:00", "description": "x"}), 400, "invalid_field"),
        (json!([1]), 400, "invalid_body"),
        (json!({"service_id": "nope", "started_at": "2026-11-22T08:00:00+09:00", "description": "x"}), 400, "invalid_id"),
        (
            json!({"service_id": "00000000-0000-4000-8000-000000000001", "started_at": "2026-11-22T08:00:00+09:00", "description": "x"}),
            404,
            "not_found",
        ),
    ];
    for (k, v) in [
        ("started_at", json!("어제")),
        ("started_at", json!("2026-11-24T08:00:00+09:00")),
        ("ended_at", json!("2026-11-22T07:59:00+09:00")),
        ("ended_at", json!("2026-11-23T09:01:00+09:00")),
        ("description", json!("  ")),
        ("description", json!("가".repeat(2001))),
        ("announced", json!("yes")),
        // maintenance is announced before it starts, not after
        ("announced", json!(true)),
    ] {
        let mut b = ok.clone();
        b[k] = v;
        bad.push((b, 400, "invalid_field"));
    }
    for (body, status, code) in bad {
        let (s, v) = app.call("POST", "/api/v1/incidents", Some(&w.supplier), Some(body.clone())).await;
        assert_eq!((s, v["code"].as_str()), (status, Some(code)), "{body}: {v}");
    }
    let ahead = outage(sid, "2026-11-24T02:00:00+09:00", Some("2026-11-24T04:00:00+09:00"), true);
    let (s, v) = app.call("POST", "/api/v1/incidents", Some(&w.buyer), Some(ahead.clone())).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_field")), "only the supplier announces maintenance: {v}");
    assert!(v["message"].as_str().is_some_and(|m| m.starts_with("announced")), "{v}");
    let (_, list) = app.call("GET", "/api/v1/incidents", Some(&w.operator), None).await;
    assert_eq!(list.as_array().map(Vec::len), Some(0), "nothing stored");

    // announced maintenance and a 9-minute outage tell nobody; 10 minutes and more do, once
    let a = record(app, &w.supplier, ahead).await;
    assert_eq!(a["confirmation"], "confirmed", "the supplier's own record counts at once");
    let b = record(app, &w.supplier, ok.clone()).await;
    for v in [&a, &b] {
        assert!(v["notified_at"].is_null(), "{v}");
    }
    assert_eq!((a["minutes"].as_i64(), b["minutes"].as_i64()), (Some(120), Some(9)));
    for who in AGENCY {
        assert_eq!(told(app, who).await, (0, 0), "{who}: nothing yet");
    }
    let cc = record(app, &w.supplier, outage(sid, "2026-11-22T10:00:00+09:00", Some("2026-11-22T10:10:00+09:00"), false)).await;
    assert!(cc["notified_at"].is_string(), "10 minutes: told {cc}");
    assert_eq!((cc["minutes"].as_i64(), cc["open"].as_bool(), cc["announced"].as_bool()), (Some(10), Some(false), Some(false)));
    assert_eq!(cc["service_id"], sid);
    for who in AGENCY {
        assert_eq!(told(app, who).await, (1, 1), "{who} is told in the app and by e-mail");
    }
    assert_eq!(told(app, "supplier").await, (0, 0), "the supplier is not an agency using it");
    // the agency reports an overlapping outage: its own notice
    let d = record(app, &budget, outage(sid, "2026-11-22T10:05:00+09:00", Some("2026-11-22T11:00:00+09:00"), false)).await;
    assert!(d["notified_at"].is_string());
    assert_eq!(d["confirmation"], "pending", "an agency's report awaits the supplier");
    // an outage still going on for 30 minutes is told at once, and not again when resolved
    let e = record(app, &w.buyer, outage(sid, "2026-11-23T08:30:00+09:00", None, false)).await;
    assert_eq!((e["open"].as_bool(), e["minutes"].as_i64()), (Some(true), Some(30)));
    assert!(e["notified_at"].is_string() && e["ended_at"].is_null(), "{e}");
    for who in AGENCY {
        assert_eq!(told(app, who).await, (3, 3), "{who}");
    }
    let eid = e["id"].as_str().expect("id");
    let resolve = format!("/api/v1/incidents/{eid}/resolve");
    let end = json!({"ended_at": "2026-11-23T08:50:00+09:00"});
    let (s, v) = app.call("POST", &resolve, Some(&w.supplier2), Some(end.clone())).await;
    assert_eq!((s, v["code"].as_str()), (404, Some("not_found")), "another supplier does not see it");
    let (s, v) = app.call("POST", &resolve, Some(&budget), Some(end.clone())).await;
    assert_eq!((s, v["code"].as_str()), (403, Some("forbidden")), "a colleague of the reporter reads it but does not resolve it");
    let (s, v) = app.call("POST", &resolve, Some(&w.buyer), Some(json!({"ended_at": "2026-11-23T08:00:00+09:00"}))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_field")), "before its start");
    let (s, v) = app.call("POST", &resolve, Some(&w.buyer), Some(end.clone())).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!((v["open"].as_bool(), v["minutes"].as_i64()), (Some(false), Some(20)));
    let (s, v) = app.call("POST", &resolve, Some(&w.supplier), Some(end.clone())).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("invalid_status")), "{v}");
    for who in AGENCY {
        assert_eq!(told(app, who).await, (3, 3), "{who}: once per incident");
    }
    let kinds: Vec<String> = app.db.audit_for_entity("incident", eid).await.expect("audit").into_iter().map(|r| r.event.action).collect();
    assert_eq!(kinds, vec!["incident.create", "incident.notify", "incident.resolve"]);

    // who reads what
    let (s, v) = app.call("GET", "/api/v1/incidents", Some(&w.supplier), None).await;
    assert_eq!((s, v.as_array().map(Vec::len)), (200, Some(5)), "{v}");
    assert_eq!(app.call("GET", "/api/v1/incidents", Some(&w.supplier2), None).await.1.as_array().map(Vec::len), Some(0));
    assert_eq!(app.call("GET", "/api/v1/incidents", Some(&budget), None).await.1.as_array().map(Vec::len), Some(5));
    assert_eq!(app.call("GET", "/api/v1/incidents", Some(&auditor), None).await.1.as_array().map(Vec::len), Some(5));
    assert_eq!(app.call("GET", "/api/v1/incidents", Some(&reviewer), None).await.0, 403);
    assert_eq!(app.call("GET", "/api/v1/incidents", None, None).await.0, 401);
    let (_, v) = app.call("GET", &format!("/api/v1/incidents?service_id={}", other.id), Some(&w.supplier), None).await;
    assert_eq!(v.as_array().map(Vec::len), Some(0));
    let (_, v) = app.call("GET", "/api/v1/incidents?open=true", Some(&w.supplier), None).await;
    assert_eq!(v.as_array().map(Vec::len), Some(0), "none open now");
    assert_eq!(app.call("GET", "/api/v1/incidents?open=maybe", Some(&w.supplier), None).await.1["code"], "invalid_field");
    let one = format!("/api/v1/incidents/{}", cc["id"].as_str().expect("id"));
    assert_eq!(app.call("GET", &one, Some(&auditor), None).await.0, 200);
    assert_eq!(app.call("GET", &one, Some(&w.buyer), None).await.1["description"], "API 응답 지연 및 접속 장애");
    assert_eq!(app.call("GET", &one, Some(&w.supplier2), None).await.0, 404);
    assert_eq!(app.call("GET", &one, Some(&reviewer), None).await.0, 404);

    // availability: unannounced outages only, overlaps once: 9 + (10:00–11:00) 60 + 20 = 89 minutes
    let uri = format!("/api/v1/contracts/{c}/availability");
    let (s, v) = app.call("GET", &format!("{uri}?month=2026-11"), Some(&w.buyer), None).await;
    assert_eq!(s, 200, "{v}");
    let row = &v[0];
    assert_eq!(v.as_array().map(Vec::len), Some(1));
    assert_eq!((row["service_id"].as_str(), row["month"].as_str(), row["outage_minutes"].as_i64()), (Some(sid), Some("2026-11"), Some(89)));
    assert_eq!(row["availability_pct"].as_f64(), Some(99.793), "1 − 89 / 43,200 = 99.7939…, rounded down: {row}");
    let sla = rec.listing.sla.as_ref();
    assert_eq!(row["sla_pct"].as_f64(), sla.and_then(|s| s.availability_pct));
    assert_eq!(row["credit_pct"].as_f64(), sla.and_then(|s| s.credit_pct));
    let below = sla.and_then(|s| s.availability_pct).is_some_and(|p| p > 99.793);
    assert_eq!(row["below_sla"].as_bool(), Some(below));
    let (_, v) = app.call("GET", &uri, Some(&w.supplier), None).await;
    assert_eq!(v, json!([row]), "by default the months of the contract so far");
    let (_, v) = app.call("GET", &format!("{uri}?month=2026-10"), Some(&auditor), None).await;
    assert_eq!(
        (v[0]["outage_minutes"].as_i64(), v[0]["availability_pct"].as_f64(), v[0]["below_sla"].as_bool()),
        (Some(0), Some(100.0), Some(false))
    );
    for m in ["2026-13", "11-2026", "x"] {
        assert_eq!(app.call("GET", &format!("{uri}?month={m}"), Some(&w.buyer), None).await.1["code"], "invalid_field", "{m}");
    }
    for who in [&w.supplier2, &reviewer] {
        assert_eq!(app.call("GET", &uri, Some(who), None).await.0, 404);
    }
    assert_eq!(app.call("GET", &uri, None, None).await.0, 401);

    // the supplier answers the agency's reports: confirmed it counts for every agency, contested
    // for none (pending, it counted for the reporting agency's contracts, as above)
    let did = d["id"].as_str().expect("id");
    let confirm = format!("/api/v1/incidents/{did}/confirm");
    for (who, status) in [(&budget, 403), (&w.operator, 403), (&w.supplier2, 404)] {
        assert_eq!(app.call("POST", &confirm, Some(who), None).await.0, status);
    }
    let (s, v) = app.call("POST", &confirm, Some(&w.supplier), None).await;
    assert_eq!((s, v["confirmation"].as_str()), (200, Some("confirmed")), "{v}");
    let (s, v) = app.call("POST", &confirm, Some(&w.supplier), None).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("invalid_status")), "answered once: {v}");
    let own = format!("/api/v1/incidents/{}/confirm", b["id"].as_str().expect("id"));
    assert_eq!(app.call("POST", &own, Some(&w.supplier), None).await.1["code"], "invalid_status", "its own record needs no answer");
    let contest = format!("/api/v1/incidents/{eid}/contest");
    let (s, v) = app.call("POST", &contest, Some(&w.supplier), Some(json!({"reason": "  "}))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("reason_required")), "a reason is required: {v}");
    let (s, v) = app.call("POST", &contest, Some(&w.supplier), Some(json!({"reason": "당사 모니터링상 정상 응답"}))).await;
    assert_eq!((s, v["confirmation"].as_str(), v["contest_reason"].as_str()), (200, Some("contested"), Some("당사 모니터링상 정상 응답")));
    let (_, v) = app.call("GET", &format!("{uri}?month=2026-11"), Some(&w.buyer), None).await;
    assert_eq!(v[0]["outage_minutes"].as_i64(), Some(69), "the contested 20 minutes no longer count: 9 + 60");
    let buyer_id = app.user_id("buyer").await;
    let kinds: Vec<String> = app.db.notifications_of(&buyer_id, 500).await.expect("notes").into_iter().map(|n| n.kind).collect();
    assert!(kinds.iter().any(|k| k == "incident_confirmed") && kinds.iter().any(|k| k == "incident_contested"), "{kinds:?}");
    let acts: Vec<String> = app.db.audit_for_entity("incident", eid).await.expect("audit").into_iter().map(|r| r.event.action).collect();
    assert_eq!(acts.last().map(String::as_str), Some("incident.contest"));
    // once the supplier confirmed an open report, its end is the supplier's to record
    let f = record(app, &w.buyer, outage(sid, "2026-11-23T08:40:00+09:00", None, false)).await;
    let fid = f["id"].as_str().expect("id");
    assert_eq!(app.call("POST", &format!("/api/v1/incidents/{fid}/confirm"), Some(&w.supplier), None).await.0, 200);
    let end = json!({"ended_at": "2026-11-23T08:55:00+09:00"});
    let (s, v) = app.call("POST", &format!("/api/v1/incidents/{fid}/resolve"), Some(&w.buyer), Some(end.clone())).await;
    assert_eq!((s, v["code"].as_str()), (403, Some("forbidden")), "{v}");
    assert_eq!(app.call("POST", &format!("/api/v1/incidents/{fid}/resolve"), Some(&w.supplier), Some(end)).await.0, 200);
}

/// An outage recorded while shorter than 10 minutes is told when it is resolved at 10 or more.
#[tokio::test]
async fn an_outage_is_told_when_it_is_resolved_long_enough() {
    let w = world().await;
    let app = &w.app;
    let recs = orderable(app).await;
    let rec = &recs[0];
    contract(&w, rec, true).await;
    let e = record(app, &w.supplier, outage(&rec.id, "2026-11-23T08:55:00+09:00", None, false)).await;
    assert!(e["notified_at"].is_null(), "5 minutes so far: {e}");
    for who in AGENCY {
        assert_eq!(told(app, who).await, (0, 0));
    }
    // twenty minutes later
    let later = app.state.with_clock(gureum_domain::Clock::parse_fixed("2026-11-23T09:20:00+09:00").expect("clock"));
    let supplier = gureum_app::actor::authenticate(&later, &w.supplier, false).await.expect("auth").expect("the supplier's session");
    let id = e["id"].as_str().expect("id");
    let v = gureum_app::usage::incidents::resolve(&later, &supplier, id, &json!({"ended_at": "2026-11-23T09:10:00+09:00"}), None)
        .await
        .expect("resolve");
    assert_eq!(v.minutes, 15);
    assert!(v.notified_at.is_some());
    for who in AGENCY {
        assert_eq!(told(app, who).await, (1, 1), "{who}");
    }
}

/// `/incidents`: the caller's list and a form to record one (for the supplier and agencies with
/// a contract), `/incidents/{id}` with the resolve form; without script.
#[tokio::test]
async fn incident_pages_record_and_resolve() {
    let w = world().await;
    let app = &w.app;
    let recs = orderable(app).await;
    let rec = &recs[0];
    contract(&w, rec, true).await;
    let reviewer = app.login("reviewer").await;
    assert_eq!(page(app, "GET", "/incidents", None, None).await.status, 303, "visitors sign in");
    assert_eq!(page(app, "GET", "/incidents", Some(&reviewer), None).await.status, 403);
    let op = page(app, "GET", "/incidents", Some(&w.operator), None).await;
    assert_eq!(op.status, 200);
    assert!(op.body.contains("기록된 장애가 없습니다") && !op.body.contains("id=\"incident-form\""), "the operator reads, records nothing");
    let list = page(app, "GET", "/incidents", Some(&w.supplier), None).await;
    assert_eq!(list.status, 200);
    assert!(
        list.body.contains("id=\"incident-form\"") && list.body.contains(&format!("value=\"{}\"", rec.id)),
        "the form offers its services"
    );
    assert!(page(app, "GET", "/incidents", Some(&w.buyer), None).await.body.contains(&format!("value=\"{}\"", rec.id)), "and the agency's");

    let fields = |start: &'static str, desc: &'static str| {
        vec![
            ("service_id", rec.id.clone()),
            ("started_at", start.to_owned()),
            ("ended_at", String::new()),
            ("description", desc.to_owned()),
        ]
    };
    let bad = fields("2026-11-23T08:30", " ");
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = page(app, "POST", "/incidents", Some(&w.supplier), Some(&bad)).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("id=\"incident-error\"") && refused.body.contains("2026-11-23T08:30"), "kept with the reason");
    let good = fields("2026-11-23T08:30", "로그인 장애");
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let done = page(app, "POST", "/incidents", Some(&w.supplier), Some(&good)).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let href = done.location.split('?').next().expect("path").to_owned();
    assert!(href.starts_with("/incidents/"));
    let one = page(app, "GET", &href, Some(&w.buyer), None).await;
    assert!(one.body.contains("로그인 장애") && one.body.contains("2026-11-23 08:30") && one.body.contains("진행 중"), "{}", one.body);
    assert!(!one.body.contains("/resolve\""), "the buyer neither reported it nor supplies it");
    let sup = page(app, "GET", &href, Some(&w.supplier), None).await;
    assert!(sup.body.contains(&format!("action=\"{href}/resolve\"")));
    let resolved = page(app, "POST", &format!("{href}/resolve"), Some(&w.supplier), Some(&[("ended_at", "2026-11-23T08:45")])).await;
    assert_eq!(resolved.status, 303, "{}", resolved.body);
    let v = app.call("GET", &format!("/api/v1{href}"), Some(&w.supplier), None).await.1;
    assert_eq!((v["minutes"].as_i64(), v["open"].as_bool()), (Some(15), Some(false)));
    assert!(v["notified_at"].is_string(), "an open outage of 30 minutes was told when recorded");
    let again = page(app, "POST", &format!("{href}/resolve"), Some(&w.supplier), Some(&[("ended_at", "2026-11-23T08:45")])).await;
    assert_eq!(again.status, 409);
    assert!(page(app, "GET", "/incidents", Some(&w.buyer), None).await.body.contains(&format!("href=\"{href}\"")));
}

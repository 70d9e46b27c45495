//! The scheduled jobs (docs/RULES.md#jobs-and-notices): certificate notices, selection reminders
//! and expiry, debarments; the "not orderable" flags they go with; and the leases that let
//! several `gureum serve` instances on one database send each notice once, a dead holder's
//! lease running out so that another takes over.
//!
//! In-process tests move time with `Context::with_clock` and call a job directly; the instance
//! tests run the real binary with `GUREUM_NOW` and short intervals and leases.

mod common;

use common::{TestApp, spawn_app};
use gureum_app::Context;
use gureum_app::jobs::Job;
use gureum_domain::{Clock, ServiceStatus};
use gureum_web::AppState;
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The context seen on another day (09:00 in Seoul).
fn on(app: &TestApp, day: &str) -> Context {
    app.state.ctx().with_clock(Clock::parse_fixed(&format!("{day}T09:00:00+09:00")).expect("clock"))
}

/// The API as it answers on another day.
fn router_on(ctx: &Context) -> axum::Router {
    let state = AppState::new(ctx.clone());
    state.set_ready(true);
    gureum_web::router(state)
}

async fn world() -> TestApp {
    let app = spawn_app(40).await;
    gureum::demo::seed_demo_accounts(&app.db).await.expect("demo accounts");
    app
}

/// A new SaaS of the demo supplier with a certificate ending on `cert_to`, selected by the
/// committee today (2026-11-23: its selection runs to 2029-11-22). Answers its id and code.
async fn selected_service(app: &TestApp, name: &str, cert_to: &str) -> (String, String) {
    let supplier = app.login("supplier").await;
    let body = json!({
        "name": name, "kind": "saas", "category": "협업", "summary": "예약 작업 확인용",
        "price_plans": [{"name": "기본", "model": "metered", "unit": "사용자/월", "unit_price_krw": 5000}],
        "certification": {"type": "standard", "grade": "low", "number": "CSAP-S-2026-55", "valid_from": "2024-01-01", "valid_to": cert_to}
    });
    let (s, v) = app.call("POST", "/api/v1/services", Some(&supplier), Some(body)).await;
    assert_eq!(s, 201, "{v}");
    let (id, code) = (v["id"].as_str().expect("id").to_owned(), v["code"].as_str().expect("code").to_owned());
    app.upload_required(&id, &supplier, "saas").await;
    let (s, v) = app.call("POST", &format!("/api/v1/services/{id}/submit"), Some(&supplier), None).await;
    assert_eq!(s, 200, "{v}");
    app.decide_by_committee(&id, "pass").await;
    let (s, v) = app.call("GET", &format!("/api/v1/services/{id}"), None, None).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("listed")), "{v}");
    assert_eq!(v["listing"]["selection_valid_to"], "2029-11-22");
    (id, code)
}

/// The thresholds recorded for a service, `kind:threshold`, in the order the thresholds come.
async fn sent(app: &TestApp, id: &str) -> Vec<String> {
    let rank = |t: &str| match t {
        "d90" => 0,
        "d60" => 1,
        "d30" => 2,
        _ => 3,
    };
    let mut v = app.db.sent_notices(id).await.expect("notices");
    v.sort_by_key(|n| (n.kind.clone(), rank(&n.threshold)));
    v.iter().map(|n| format!("{}:{}", n.kind, n.threshold)).collect()
}

/// The demo supplier's notifications and e-mails that name `code`.
async fn told(app: &TestApp, code: &str) -> (Vec<String>, usize) {
    let user = app.user_id("supplier").await;
    let notes: Vec<String> = app
        .db
        .notifications_of(&user, 1000)
        .await
        .expect("notifications")
        .into_iter()
        .filter(|n| n.message_ko.contains(code) && (n.kind.starts_with("certificate.") || n.kind.starts_with("selection.")))
        .map(|n| n.kind)
        .collect();
    let mails = app
        .db
        .outbox_to("supplier@demo.gureum.kr")
        .await
        .expect("outbox")
        .into_iter()
        .filter(|m| m.body.contains(code) && (m.subject.starts_with("[구름] 보안인증") || m.subject.starts_with("[구름] 선정 유효기간")))
        .count();
    (notes, mails)
}

#[tokio::test]
async fn certificate_notices_come_once_at_each_threshold_and_the_service_is_not_orderable_after_the_end() {
    let app = world().await;
    let (id, code) = selected_service(&app, "인증 만료 알림 서비스", "2027-03-31").await;
    let (s, v) = app.call("GET", &format!("/api/v1/services/{id}"), None, None).await;
    assert_eq!((s, &v["orderable"], &v["not_orderable_reasons"]), (200, &json!(true), &json!([])), "{v}");

    let steps = [
        ("2026-12-30", vec![]),
        ("2026-12-31", vec!["certificate:d90"]),
        ("2027-01-29", vec!["certificate:d90"]),
        ("2027-01-30", vec!["certificate:d90", "certificate:d60"]),
        ("2027-03-31", vec!["certificate:d90", "certificate:d60", "certificate:d30"]),
        ("2027-04-01", vec!["certificate:d90", "certificate:d60", "certificate:d30", "certificate:ended"]),
        ("2027-04-20", vec!["certificate:d90", "certificate:d60", "certificate:d30", "certificate:ended"]),
    ];
    for (day, expected) in steps {
        let ctx = on(&app, day);
        // Twice a day: a restarted or second run sends nothing new.
        Job::CertificateNotices.run(&ctx).await.expect("job");
        Job::CertificateNotices.run(&ctx).await.expect("job again");
        assert_eq!(sent(&app, &id).await, expected, "on {day}");
        let (notes, mails) = told(&app, &code).await;
        assert_eq!(notes.len(), expected.len(), "one notification a notice on {day}: {notes:?}");
        assert_eq!(mails, expected.len(), "one e-mail a notice on {day}");
    }
    let (notes, _) = told(&app, &code).await;
    assert!(notes.contains(&"certificate.ended".to_owned()) && notes.contains(&"certificate.d30".to_owned()), "{notes:?}");

    // Worked out when asked: no job had to run for the flag to turn.
    let (s, v) = common::request(&router_on(&on(&app, "2027-03-31")), "GET", &format!("/api/v1/services/{id}"), None, None).await;
    assert_eq!((s, &v["orderable"]), (200, &json!(true)), "the last valid day: {v}");
    let after = router_on(&on(&app, "2027-04-01"));
    let (s, v) = common::request(&after, "GET", &format!("/api/v1/services/{id}"), None, None).await;
    assert_eq!((s, &v["orderable"], &v["not_orderable_reasons"]), (200, &json!(false), &json!(["certification_expired"])), "{v}");
    let (s, page) = common::request(&after, "GET", &format!("/services/{id}"), None, None).await;
    let html = page.as_str().unwrap_or_default();
    assert_eq!(s, 200);
    assert!(html.contains("주문 불가") && html.contains("보안인증 기간이 끝났습니다"), "the page says why");
    let (_, page) = common::request(&router_on(&on(&app, "2027-03-31")), "GET", &format!("/services/{id}"), None, None).await;
    assert!(!page.as_str().unwrap_or_default().contains("주문 불가"), "nothing said while it can be ordered");
}

#[tokio::test]
async fn selection_reminders_at_90_and_30_days_then_the_service_expires() {
    let app = world().await;
    let (id, code) = selected_service(&app, "선정 만료 서비스", "2031-12-31").await;
    for (day, expected) in [
        ("2029-08-23", vec![]),
        ("2029-08-24", vec!["selection:d90"]),
        ("2029-10-23", vec!["selection:d90", "selection:d30"]),
        ("2029-11-22", vec!["selection:d90", "selection:d30"]),
    ] {
        Job::Selections.run(&on(&app, day)).await.expect("job");
        Job::Selections.run(&on(&app, day)).await.expect("job again");
        assert_eq!(sent(&app, &id).await, expected, "on {day}");
        let head = app.db.service_head(gureum_storage::ServiceKey::Id(&id)).await.expect("db").expect("head");
        assert_eq!(head.status, ServiceStatus::Listed, "still listed on {day}");
    }
    // The last day is still valid: orderable; the day after, not, even before the job runs.
    let (_, v) = common::request(&router_on(&on(&app, "2029-11-22")), "GET", &format!("/api/v1/services/{id}"), None, None).await;
    assert_eq!(v["orderable"], json!(true), "{v}");
    let day_after = on(&app, "2029-11-23");
    let (_, v) = common::request(&router_on(&day_after), "GET", &format!("/api/v1/services/{id}"), None, None).await;
    assert_eq!(v["not_orderable_reasons"], json!(["selection_expired"]), "{v}");

    Job::Selections.run(&day_after).await.expect("expire");
    Job::Selections.run(&day_after).await.expect("again");
    let head = app.db.service_head(gureum_storage::ServiceKey::Id(&id)).await.expect("db").expect("head");
    assert_eq!(head.status, ServiceStatus::Expired);
    assert_eq!(sent(&app, &id).await, ["selection:d90", "selection:d30", "selection:ended"]);
    let (mut notes, mails) = told(&app, &code).await;
    notes.sort();
    assert_eq!(notes, ["selection.d30", "selection.d90", "selection.ended"]);
    assert_eq!(mails, 3);
    // Visitors no longer see it; its owner does, expired and not orderable.
    let (s, _) = app.call("GET", &format!("/api/v1/services/{id}"), None, None).await;
    assert_eq!(s, 404);
    let supplier = app.login("supplier").await;
    let (s, v) = app.call("GET", &format!("/api/v1/services/{id}"), Some(&supplier), None).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("expired")), "{v}");
    assert_eq!(v["not_orderable_reasons"], json!(["selection_expired"]));
    // Audited as the system's doing.
    let operator = app.login("operator").await;
    let (_, events) = app.call("GET", &format!("/api/v1/audit/events?entity_id={id}&action=service.expire"), Some(&operator), None).await;
    let items = events["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 1, "{events}");
    assert_eq!(items[0]["actor"], "system");
}

/// A run stopped at any point (its future dropped, as when its lease is lost or the process
/// stops) leaves every notice either sent with its record or not at all; the next run sends
/// the rest, and none twice.
#[tokio::test]
async fn a_run_stopped_half_way_neither_loses_nor_repeats_a_notice() {
    use gureum_domain::notice::{CERTIFICATE_DAYS, due};
    let app = world().await;
    let org = app.db.user_by_email("supplier@demo.gureum.kr").await.expect("db").expect("user").org_id;
    let demo = app.db.organisation(&org).await.expect("db").and_then(|o| o.supplier_id).expect("supplier");
    let services = app.db.job_services("", 10_000).await.expect("db");
    let ends: Vec<(time::Date, bool)> = services
        .iter()
        .filter_map(|r| r.listing.certification.as_ref().filter(|c| !c.revoked).map(|c| (c.valid_to, r.supplier.id == demo)))
        .collect();
    let due_on = |d: time::Date, demo_only: bool| {
        ends.iter().filter(|(e, mine)| (!demo_only || *mine) && due(*e, d, &CERTIFICATE_DAYS).is_some()).count()
    };
    // The day with the most certificate notices due.
    let day = (0..400).map(|n| common::clock().today() + time::Duration::days(n)).max_by_key(|d| due_on(*d, false)).expect("a day");
    let (due_all, due_demo) = (due_on(day, false), due_on(day, true));
    assert!(due_all >= 3, "several notices due on {day}");
    let ctx = on(&app, &gureum_domain::clock::format_date(day));
    let mut stops = 0;
    for micros in [200u64, 500, 1_000, 2_000, 5_000, 10_000, 20_000] {
        if tokio::time::timeout(Duration::from_micros(micros), Job::CertificateNotices.run(&ctx)).await.is_err() {
            stops += 1;
        }
    }
    assert!(stops > 0, "some runs were stopped half-way");
    Job::CertificateNotices.run(&ctx).await.expect("the run to the end");
    let mut notices = 0;
    for r in &services {
        notices += app.db.sent_notices(&r.id).await.expect("notices").len();
    }
    assert_eq!(notices, due_all, "every due notice recorded once");
    let user = app.user_id("supplier").await;
    let notes: Vec<_> =
        app.db.notifications_of(&user, 1000).await.expect("db").into_iter().filter(|n| n.kind.starts_with("certificate.")).collect();
    assert_eq!(notes.len(), due_demo, "each told once");
    let mails = app.db.outbox_to("supplier@demo.gureum.kr").await.expect("outbox");
    assert_eq!(mails.iter().filter(|m| m.subject.starts_with("[구름] 보안인증")).count(), due_demo, "each mailed once");
    assert!(matches!(app.db.verify_audit_chain().await.expect("verify"), gureum_storage::VerifyReport::Ok { .. }), "the chain holds");
}

fn debarment(from: &str, to: &str) -> Value {
    json!({"from": from, "to": to, "reason": "입찰 담합으로 6개월 입찰참가자격 제한"})
}

async fn statuses(app: &TestApp, ids: &[String]) -> Vec<ServiceStatus> {
    let mut out = Vec::new();
    for id in ids {
        out.push(app.db.service_head(gureum_storage::ServiceKey::Id(id)).await.expect("db").expect("head").status);
    }
    out
}

#[tokio::test]
async fn a_debarment_suspends_the_suppliers_services_for_its_period_and_lists_them_again_after() {
    let app = world().await;
    let operator = app.login("operator").await;
    let org = app.db.user_by_email("supplier@demo.gureum.kr").await.expect("db").expect("user").org_id;
    let supplier_id = app.db.organisation(&org).await.expect("db").and_then(|o| o.supplier_id).expect("supplier");
    let listed: Vec<String> =
        app.db.supplier_services(&supplier_id, &[ServiceStatus::Listed]).await.expect("db").into_iter().map(|r| r.id).collect();
    assert!(listed.len() >= 2, "the demo supplier has listed services");
    let path = format!("/api/v1/suppliers/{supplier_id}/debarments");

    // Bad input changes nothing.
    for (body, code) in [
        (json!({"from": "2026-12-10", "to": "2026-12-01", "reason": "x"}), "invalid_date"),
        (json!({"from": "2026-12-01", "reason": "x"}), "invalid_date"),
        (json!({"from": "2026-12-1", "to": "2026-12-10", "reason": "x"}), "invalid_date"),
        (json!({"from": "2026-12-01", "to": "2026-12-10", "reason": "  "}), "reason_required"),
        (json!({"from": "2026-12-01", "to": "2026-12-10", "reason": 3}), "invalid_field"),
    ] {
        let (s, v) = app.call("POST", &path, Some(&operator), Some(body)).await;
        assert_eq!((s, v["code"].as_str()), (400, Some(code)), "{v}");
    }
    let unknown = "0190f5c2-7b1e-7d3a-9c4e-2a1b3c4d5e6f";
    let (s, v) = app
        .call("POST", &format!("/api/v1/suppliers/{unknown}/debarments"), Some(&operator), Some(debarment("2026-11-20", "2026-12-10")))
        .await;
    assert_eq!((s, v["code"].as_str()), (404, Some("not_found")));
    let (s, _) = app.call("POST", "/api/v1/suppliers/nope/debarments", Some(&operator), Some(debarment("2026-11-20", "2026-12-10"))).await;
    assert_eq!(s, 400);
    let buyer = app.login("buyer").await;
    let (s, _) = app.call("POST", &path, Some(&buyer), Some(debarment("2026-11-20", "2026-12-10"))).await;
    assert_eq!(s, 403);
    assert!(statuses(&app, &listed).await.iter().all(|s| *s == ServiceStatus::Listed), "nothing changed");

    // Begun already (today is 2026-11-23): every listed service is suspended at once.
    let (s, d) = app.call("POST", &path, Some(&operator), Some(debarment("2026-11-20", "2026-12-10"))).await;
    assert_eq!(s, 201, "{d}");
    assert_eq!((d["from"].as_str(), d["to"].as_str(), &d["in_force"]), (Some("2026-11-20"), Some("2026-12-10"), &json!(true)));
    assert!(statuses(&app, &listed).await.iter().all(|s| *s == ServiceStatus::Suspended));
    let (_, v) = app.call("GET", &format!("/api/v1/services/{}", listed[0]), None, None).await;
    assert_eq!(v["orderable"], json!(false));
    let reasons = v["not_orderable_reasons"].as_array().cloned().unwrap_or_default();
    assert!(reasons.contains(&json!("service_suspended")) && reasons.contains(&json!("supplier_debarred")), "{v}");
    assert!(v["status_reason"].as_str().unwrap_or_default().contains("부정당업자 제재"), "{v}");
    let (_, sup) = app.call("GET", &format!("/api/v1/suppliers/{supplier_id}"), None, None).await;
    assert_eq!(sup["debarment"]["to"], "2026-12-10", "the public supplier page shows it");
    let (_, page) = app.call("GET", &format!("/suppliers/{supplier_id}"), None, None).await;
    assert!(page.as_str().unwrap_or_default().contains("부정당업자 제재 중"));
    let notes: Vec<String> =
        app.db.notifications_of(&app.user_id("supplier").await, 100).await.expect("db").into_iter().map(|n| n.kind).collect();
    assert!(notes.contains(&"supplier.debarred".to_owned()), "{notes:?}");
    let auditor = app.login("auditor").await;
    let (s, list) = app.call("GET", &path, Some(&auditor), None).await;
    assert_eq!((s, list.as_array().map(Vec::len)), (200, Some(1)), "{list}");
    let supplier = app.login("supplier").await;
    let (s, _) = app.call("GET", &path, Some(&supplier), None).await;
    assert_eq!(s, 403);

    // The operator reinstates one during the period: the job does not suspend it again.
    let (s, v) = app.call("POST", &format!("/api/v1/services/{}/reinstate", listed[0]), Some(&operator), None).await;
    assert_eq!(s, 200, "{v}");
    Job::Debarments.run(&on(&app, "2026-12-01")).await.expect("job");
    assert_eq!(statuses(&app, &listed[..1]).await, [ServiceStatus::Listed]);
    assert!(statuses(&app, &listed[1..]).await.iter().all(|s| *s == ServiceStatus::Suspended));
    Job::Debarments.run(&on(&app, "2026-12-10")).await.expect("job on the last day");
    assert!(statuses(&app, &listed[1..]).await.iter().all(|s| *s == ServiceStatus::Suspended), "still in force on its last day");

    // The day after it ends, what it suspended is listed again.
    let after = on(&app, "2026-12-11");
    Job::Debarments.run(&after).await.expect("job");
    assert!(statuses(&app, &listed).await.iter().all(|s| *s == ServiceStatus::Listed));
    let (_, v) = common::request(&router_on(&after), "GET", &format!("/api/v1/services/{}", listed[1]), None, None).await;
    assert!(!v["not_orderable_reasons"].as_array().cloned().unwrap_or_default().contains(&json!("supplier_debarred")), "{v}");
    let (_, events) =
        app.call("GET", &format!("/api/v1/audit/events?entity_id={}&action=service.reinstate", listed[1]), Some(&operator), None).await;
    assert_eq!(events["items"][0]["actor"], "system", "{events}");

    // A debarment in the future suspends nothing until its first day.
    let (s, _) = app.call("POST", &path, Some(&operator), Some(debarment("2027-01-01", "2027-01-31"))).await;
    assert_eq!(s, 201);
    assert!(statuses(&app, &listed).await.iter().all(|s| *s == ServiceStatus::Listed));
    Job::Debarments.run(&on(&app, "2026-12-31")).await.expect("job");
    assert!(statuses(&app, &listed).await.iter().all(|s| *s == ServiceStatus::Listed));
    Job::Debarments.run(&on(&app, "2027-01-01")).await.expect("job");
    assert!(statuses(&app, &listed).await.iter().all(|s| *s == ServiceStatus::Suspended));
    Job::Debarments.run(&on(&app, "2027-02-01")).await.expect("job");
    assert!(statuses(&app, &listed).await.iter().all(|s| *s == ServiceStatus::Listed));
    let (_, list) = app.call("GET", &path, Some(&operator), None).await;
    assert_eq!(list.as_array().map(Vec::len), Some(2));
}

// ---------------------------------------------------------------------------------------------
// Several instances

struct Instance {
    child: Child,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("port")
}

/// A `gureum serve` on the shared database, at `now`, with a one-second job interval and a
/// lease of `lease_secs`; answers once it is ready.
async fn start(root: &std::path::Path, name: &str, url: &str, now: &str, lease_secs: u64) -> Instance {
    let p = port();
    let child = Command::new(env!("CARGO_BIN_EXE_gureum"))
        .arg("--data-dir")
        .arg(root.join(name))
        .arg("--database-url")
        .arg(url)
        .arg("--documents-dir")
        .arg(root.join("documents"))
        .args(["serve", "--port", &p.to_string()])
        .env("GUREUM_NOW", now)
        .env("GUREUM_JOB_INTERVAL_SECS", "1")
        .env("GUREUM_JOB_LEASE_SECS", lease_secs.to_string())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let inst = Instance { child };
    let c = reqwest::Client::new();
    for _ in 0..600 {
        if c.get(format!("http://127.0.0.1:{p}/readyz")).send().await.map(|r| r.status() == 200).unwrap_or(false) {
            return inst;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("instance {name} never became ready");
}

/// Polls (bounded) until every job's lease records a complete run on `day`.
async fn all_done_on(db: &gureum_storage::Db, day: &str) -> Vec<gureum_storage::Lease> {
    for _ in 0..300 {
        let mut leases = Vec::new();
        for job in Job::ALL {
            if let Some(l) = db.lease(job.name()).await.expect("lease") {
                leases.push(l);
            }
        }
        if leases.len() == Job::ALL.len() && leases.iter().all(|l| l.done_on.as_deref() == Some(day)) {
            return leases;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the jobs never finished their run of {day}");
}

/// The demo supplier's listed services, and a day on which the selection that ends last is 60
/// days from its end (its 90-day reminder due; its 30-day one 40 days later), so that each run
/// has something to send.
async fn shared_world(root: &tempfile::TempDir) -> (String, gureum_storage::Db, Vec<String>, time::Date) {
    let url = common::fresh_database_url(root).await;
    let db = gureum_storage::Db::connect(&url, common::clock()).await.expect("db");
    gureum::seed::seed_catalog(&db, 60, 2026, common::clock().today(), false).await.expect("seed");
    gureum::demo::seed_demo_accounts(&db).await.expect("accounts");
    let org = db.user_by_email("supplier@demo.gureum.kr").await.expect("db").expect("user").org_id;
    let supplier = db.organisation(&org).await.expect("db").and_then(|o| o.supplier_id).expect("supplier");
    let services = db.supplier_services(&supplier, &[ServiceStatus::Listed]).await.expect("db");
    let end = services.iter().filter_map(|r| r.listing.selection_valid_to).max().expect("a selected service of the demo supplier");
    let ids = services.into_iter().map(|r| r.id).collect();
    (url, db, ids, end - time::Duration::days(60))
}

/// Every notice recorded for the services, and the demo supplier's notifications of notices:
/// each notice exactly one notification, none twice.
async fn notices_and_notifications(db: &gureum_storage::Db, ids: &[String]) -> (usize, usize) {
    let mut notices = 0;
    for id in ids {
        notices += db.sent_notices(id).await.expect("notices").len();
    }
    let user = db.user_by_email("supplier@demo.gureum.kr").await.expect("db").expect("user").id;
    let notes: Vec<_> = db
        .notifications_of(&user, 10_000)
        .await
        .expect("notifications")
        .into_iter()
        .filter(|n| n.kind.starts_with("certificate.") || n.kind.starts_with("selection."))
        .collect();
    let distinct: std::collections::BTreeSet<&str> = notes.iter().map(|n| n.message_ko.as_str()).collect();
    assert_eq!(distinct.len(), notes.len(), "a notice sent twice");
    (notices, notes.len())
}

fn at(day: time::Date) -> String {
    format!("{}T09:00:00+09:00", gureum_domain::clock::format_date(day))
}

#[tokio::test]
async fn two_instances_on_one_database_send_each_notice_once() {
    let root = tempfile::tempdir().expect("tempdir");
    let (url, db, ids, day) = shared_world(&root).await;
    let now = at(day);
    let (a, b) = tokio::join!(start(root.path(), "a", &url, &now, 60), start(root.path(), "b", &url, &now, 60));
    let leases = all_done_on(&db, &gureum_domain::clock::format_date(day)).await;
    // Let both go round a few more times: nothing more is sent.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (notices, notes) = notices_and_notifications(&db, &ids).await;
    assert!(notices > 0, "something was due on {day}");
    assert_eq!(notes, notices, "each notice told once");
    let holders: std::collections::BTreeSet<&str> = leases.iter().map(|l| l.holder.as_str()).collect();
    assert!(!holders.is_empty());
    for l in &leases {
        assert_eq!(db.lease(&l.job).await.expect("lease").map(|x| x.holder), Some(l.holder.clone()), "one holder keeps {}", l.job);
    }
    drop((a, b));
}

#[tokio::test]
async fn a_killed_holders_lease_runs_out_and_another_instance_takes_over() {
    let root = tempfile::tempdir().expect("tempdir");
    let (url, db, ids, day) = shared_world(&root).await;
    let lease_secs = 4;
    let a = start(root.path(), "a", &url, &at(day), lease_secs).await;
    let first = all_done_on(&db, &gureum_domain::clock::format_date(day)).await;
    let (before, _) = notices_and_notifications(&db, &ids).await;
    assert!(before > 0);
    // Killed without a goodbye: its leases stay until they run out.
    drop(a);
    // The next instance lives 40 days later: the 30-day reminder is due.
    let later = day + time::Duration::days(40);
    let b = start(root.path(), "b", &url, &at(later), lease_secs).await;
    let taken = all_done_on(&db, &gureum_domain::clock::format_date(later)).await;
    for (old, new) in first.iter().zip(&taken) {
        assert_ne!(old.holder, new.holder, "{} changed hands", old.job);
        assert!(new.acquired_at >= old.expires_at, "{} was taken only once the dead holder's lease ran out", new.job);
    }
    let (after, notes) = notices_and_notifications(&db, &ids).await;
    assert!(after > before, "the new holder sent the notices due on its day");
    assert_eq!(notes, after, "nothing lost, nothing twice");
    drop(b);
}

//! The demand forecast through the API (issue #26; SPEC §4 "Demand forecast (수요예보) and
//! statistics"): the operator opens a survey and every approved agency is asked; an agency's
//! buyer answers system by system (by form body or CSV), prefilled from its last answer, and
//! submits; the public report counts submitted answers and never names an agency; every bad
//! input is a 4xx with its code that changes nothing; the reminders go 14, 7 and 1 days before
//! the close, once each; the audit trail.

mod common;

use common::{TestApp, World, world};
use gureum_app::forecast::{reminders, response, summary_for_stats};
use serde_json::{Value, json};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_else(|| panic!("an id in {v}")).to_owned()
}

/// The clock is 2026-11-23: this window is open.
fn survey_body() -> Value {
    json!({"year": 2027, "opens_on": "2026-11-01", "closes_on": "2026-12-15"})
}

fn planned(name: &str, year: i64, target: &str, functions: &[&str]) -> Value {
    json!({"name": name, "current_hosting": "own", "planned_year": year, "target_type": target, "change": "conversion",
        "functions": functions, "budget_krw": 10_000_000})
}

async fn open_survey(w: &World, body: Value) -> String {
    let (s, v) = w.app.call("POST", "/api/v1/forecast-surveys", Some(&w.operator), Some(body)).await;
    assert_eq!(s, 201, "{v}");
    id(&v)
}

/// A second approved agency with a buyer (written directly); answers the buyer's token and the
/// agency's id.
async fn other_agency(app: &TestApp, _operator: &str, n: u8) -> (String, String) {
    use gureum_storage::{NewOrganisation, NewUser, OrgStatus, UserStatus};
    let org_id = uuid::Uuid::new_v4().to_string();
    let email = format!("buyer{n}@other-agency.kr");
    let hash = gureum_app::secrets::hash_password("other-agency-password".into()).await.expect("hash");
    let mut tx = app.db.begin_write().await.expect("tx");
    tx.insert_organisation(&NewOrganisation {
        id: org_id.clone(),
        kind: gureum_domain::account::OrgKind::Agency,
        name: format!("다른 기관 {n}"),
        business_number: None,
        supplier_id: None,
        status: OrgStatus::Approved,
        registration_doc: None,
        representative: None,
        address: None,
        phone: None,
        contact_email: None,
        privacy_consent: true,
    })
    .await
    .expect("org");
    tx.set_agency_kind(&org_id, "local").await.expect("kind");
    tx.insert_user(&NewUser {
        id: uuid::Uuid::new_v4().to_string(),
        org_id: org_id.clone(),
        email: email.clone(),
        name: "다른 담당자".into(),
        phone: None,
        password_hash: Some(hash),
        roles: vec![gureum_domain::account::Role::Buyer],
        is_admin: false,
        status: UserStatus::Active,
    })
    .await
    .expect("user");
    tx.commit().await.expect("commit");
    let (s, v) = app.call("POST", "/api/v1/auth/login", None, Some(json!({"email": email, "password": "other-agency-password"}))).await;
    assert_eq!(s, 200, "{v}");
    (v["token"].as_str().expect("token").to_owned(), org_id)
}

#[tokio::test]
async fn an_agency_answers_system_by_system_and_the_report_counts_it() {
    let w = world().await;
    let app = &w.app;
    let (o1, _) = other_agency(app, &w.operator, 11).await;
    let (o2, _) = other_agency(app, &w.operator, 12).await;
    let sid = open_survey(&w, survey_body()).await;
    let (s, list) = app.get("/api/v1/forecast-surveys").await;
    assert_eq!(s, 200);
    assert_eq!(list[0]["status"], "open", "{list}");

    // the demo agency was asked, in the app and by e-mail
    let (s, notes) = app.call("GET", "/api/v1/notifications", Some(&w.buyer), None).await;
    assert_eq!(s, 200, "{notes}");
    assert!(notes.to_string().contains("수요예보"), "{notes}");

    let (s, r) = app.call("GET", &format!("/api/v1/forecast-surveys/{sid}/response"), Some(&w.buyer), None).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!((r["status"].as_str(), r["systems"].as_array().map(Vec::len), r["open"].as_bool()), (Some("draft"), Some(0), Some(true)));

    let buyer = w.buyer.as_str();
    let put = |key: &str, body: Value| {
        let uri = format!("/api/v1/forecast-surveys/{sid}/response/systems/{key}");
        async move { app.call("PUT", &uri, Some(buyer), Some(body)).await }
    };
    let (s, v) = put("EAP-01", planned("전자결재", 2027, "saas", &["전자결재", " 전자결재 ", "영상회의"])).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["functions"], json!(["전자결재", "영상회의"]));
    let (s, v) = put("HR-01", planned("인사 급여", 2028, "iaas", &["인사"])).await;
    assert_eq!(s, 200, "{v}");
    // replaced by its key
    let (s, v) = put("HR-01", planned("인사·급여", 2028, "paas", &["인사"])).await;
    assert_eq!((s, v["target_type"].as_str()), (200, Some("paas")));
    let (s, v) =
        put("SEC-01", json!({"name": "보안관제", "current_hosting": "nirs", "planned_year": null, "no_plan_reason": "security"})).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = put("TMP-01", json!({"name": "지울 시스템", "current_hosting": "private", "no_plan_reason": "other"})).await;
    assert_eq!(s, 200, "{v}");
    let (s, _) = app.call("DELETE", &format!("/api/v1/forecast-surveys/{sid}/response/systems/TMP-01"), Some(&w.buyer), None).await;
    assert_eq!(s, 204);
    let (s, _) = app.call("DELETE", &format!("/api/v1/forecast-surveys/{sid}/response/systems/TMP-01"), Some(&w.buyer), None).await;
    assert_eq!(s, 404);

    // nothing counts before the submission
    let (_, rep) = app.get(&format!("/api/v1/forecast-surveys/{sid}/report")).await;
    assert_eq!(rep["systems"], 0, "{rep}");

    // the budget officer of the same agency submits
    let budget = app.login("budget").await;
    let (s, r) = app.call("POST", &format!("/api/v1/forecast-surveys/{sid}/response/submit"), Some(&budget), None).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!((r["status"].as_str(), r["systems"].as_array().map(Vec::len)), (Some("submitted"), Some(3)));

    // one agency alone is never broken down (k-anonymity): only the counts of agencies
    let (s, rep) = app.get(&format!("/api/v1/forecast-surveys/{sid}/report")).await;
    assert_eq!(s, 200, "{rep}");
    assert_eq!(
        (rep["withheld"].as_bool(), rep["agencies_asked"].as_i64(), rep["agencies_answered"].as_i64()),
        (Some(true), Some(3), Some(1))
    );
    assert_eq!((rep["systems"].as_i64(), rep["budget_krw"].as_i64()), (Some(0), Some(0)), "{rep}");
    for k in ["by_target_type", "by_planned_year", "by_agency_kind", "by_hosting", "by_function", "no_plan_reasons"] {
        assert_eq!(rep[k], json!({}), "{k}: {rep}");
    }
    let stats = summary_for_stats(&app.state).await.expect("stats").expect("a survey");
    assert_eq!((stats.systems, stats.by_target_type.len()), (0, 0));

    // two more agencies submit: now it is
    for (token, key, target) in [(&o1, "O-1", "saas"), (&o2, "O-2", "iaas")] {
        let uri = format!("/api/v1/forecast-surveys/{sid}/response/systems/{key}");
        let (s, v) = app.call("PUT", &uri, Some(token), Some(planned("전자결재", 2027, target, &["전자결재"]))).await;
        assert_eq!(s, 200, "{v}");
        let (s, v) = app.call("POST", &format!("/api/v1/forecast-surveys/{sid}/response/submit"), Some(token), None).await;
        assert_eq!(s, 200, "{v}");
    }
    let (s, rep) = app.get(&format!("/api/v1/forecast-surveys/{sid}/report")).await;
    assert_eq!(s, 200, "{rep}");
    assert_eq!(rep["withheld"], false);
    assert_eq!(rep["agencies_asked"], 3);
    assert_eq!(rep["agencies_answered"], 3);
    assert_eq!(rep["response_rate"], 100.0);
    assert_eq!(rep["systems"], 5);
    assert_eq!(rep["by_target_type"], json!({"iaas": 1, "paas": 1, "saas": 2}));
    assert_eq!(rep["by_planned_year"], json!({"2027": 3, "2028": 1}));
    assert_eq!(rep["by_hosting"]["own"], 4);
    assert_eq!(rep["by_hosting"]["nirs"], 1);
    // 영상회의 and 인사 are named by one agency only: reported as `other`
    assert_eq!(rep["by_function"], json!({"other": 2, "전자결재": 3}));
    assert_eq!(rep["no_plan_reasons"]["security"], 1);
    assert_eq!(rep["by_agency_kind"]["other"], 3);
    assert_eq!(rep["by_agency_kind"]["local"], 2);
    assert_eq!(rep["budget_krw"], 40_000_000);
    // never the agency's name
    let agency = app
        .db
        .organisation(&app.db.user_by_email("buyer@demo.gureum.kr").await.expect("db").expect("buyer").org_id)
        .await
        .expect("db")
        .expect("org");
    assert!(!rep.to_string().contains(&agency.name));
    assert!(!rep.to_string().contains(&agency.id));
    let (s, headers, csv) = app.get_raw(&format!("/api/v1/forecast-surveys/{sid}/report.csv")).await;
    assert_eq!(s, 200);
    assert!(headers["content-type"].to_str().expect("type").starts_with("text/csv"));
    let csv = String::from_utf8(csv).expect("utf-8");
    assert!(csv.contains("\"function\",\"전자결재\",\"3\""), "{csv}");
    assert!(!csv.contains("영상회의"), "{csv}");
    assert!(!csv.contains(&agency.name));

    // the statistics' part
    let stats = summary_for_stats(&app.state).await.expect("stats").expect("a survey");
    assert_eq!((stats.year, stats.systems), (2027, 5));
    assert_eq!(stats.by_target_type["saas"], 2);

    // an edit after submitting puts the answer back to draft: it counts again only once submitted anew
    let (s, v) = put("HR-01", planned("인사·급여", 2029, "paas", &["인사"])).await;
    assert_eq!(s, 200, "{v}");
    let (_, r) = app.call("GET", &format!("/api/v1/forecast-surveys/{sid}/response"), Some(&w.buyer), None).await;
    assert_eq!((r["status"].as_str(), r["submitted_at"].as_str()), (Some("draft"), None), "{r}");
    let (_, rep) = app.get(&format!("/api/v1/forecast-surveys/{sid}/report")).await;
    assert_eq!((rep["agencies_answered"].as_i64(), rep["withheld"].as_bool(), rep["systems"].as_i64()), (Some(2), Some(true), Some(0)));
    let (s, _) = app.call("POST", &format!("/api/v1/forecast-surveys/{sid}/response/submit"), Some(&budget), None).await;
    assert_eq!(s, 200);
    let (_, rep) = app.get(&format!("/api/v1/forecast-surveys/{sid}/report")).await;
    assert_eq!((rep["agencies_answered"].as_i64(), rep["systems"].as_i64()), (Some(3), Some(5)));
    assert_eq!(rep["by_planned_year"], json!({"2027": 3, "2029": 1}));

    // the operator sees the rate by kind and who is missing (nobody)
    let (s, p) = app.call("GET", &format!("/api/v1/forecast-surveys/{sid}/progress"), Some(&w.operator), None).await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["missing"], json!([]));
    assert_eq!(p["response_rate"], 100.0);

    // audit events for the survey and the response
    let filter = gureum_storage::AuditFilter { action: Some("forecast_".into()), ..Default::default() };
    let events = app.db.audit_events(&filter, 0, 1000).await.expect("audit");
    for action in [
        "forecast_survey.create",
        "forecast_system.create",
        "forecast_system.replace",
        "forecast_system.delete",
        "forecast_response.submit",
    ] {
        assert!(events.iter().any(|e| e.row.event.action == action), "{action}");
    }
}

#[tokio::test]
async fn bad_answers_are_refused_and_change_nothing() {
    let w = world().await;
    let app = &w.app;
    let sid = open_survey(&w, survey_body()).await;
    let uri = |k: &str| format!("/api/v1/forecast-surveys/{sid}/response/systems/{k}");
    let cases: Vec<(&str, Value, u16, &str)> = vec![
        ("A-1", json!({"name": "계획 없음", "current_hosting": "own", "planned_year": null}), 400, "reason_required"),
        ("A-1", json!({"name": "계획 없음", "current_hosting": "own"}), 400, "reason_required"),
        ("A-1", json!({"name": "x", "current_hosting": "cloud", "planned_year": 2027}), 400, "invalid_field"),
        ("A-1", json!({"name": "x", "current_hosting": "own", "planned_year": 2027, "target_type": "xaas"}), 400, "invalid_field"),
        ("A-1", json!({"name": "x", "current_hosting": "own", "planned_year": 2027, "change": "maybe"}), 400, "invalid_field"),
        ("A-1", json!({"name": "x", "current_hosting": "own", "no_plan_reason": "lazy"}), 400, "invalid_field"),
        ("A-1", json!({"name": "x", "current_hosting": "own", "planned_year": 1999}), 400, "invalid_field"),
        ("A-1", json!({"name": "x", "current_hosting": "own", "planned_year": 2027, "budget_krw": -1}), 400, "invalid_field"),
        ("A-1", json!({"name": " ", "current_hosting": "own", "planned_year": 2027}), 400, "invalid_field"),
        ("A-1", json!({"current_hosting": "own", "planned_year": 2027}), 400, "invalid_field"),
        ("A-1", json!({"name": "x", "planned_year": 2027}), 400, "invalid_field"),
        ("A-1", json!([1, 2]), 400, "invalid_body"),
        ("-bad", json!({"name": "x", "current_hosting": "own", "planned_year": 2027}), 400, "invalid_id"),
    ];
    for (key, body, status, code) in cases {
        let (s, v) = app.call("PUT", &uri(key), Some(&w.buyer), Some(body.clone())).await;
        assert_eq!((s, v["code"].as_str()), (status, Some(code)), "{body}: {v}");
    }
    let (s, v) = app.call("GET", &format!("/api/v1/forecast-surveys/{sid}/response"), Some(&w.buyer), None).await;
    assert_eq!((s, v["systems"].as_array().map(Vec::len)), (200, Some(0)), "{v}");

    // submitting nothing
    let (s, v) = app.call("POST", &format!("/api/v1/forecast-surveys/{sid}/response/submit"), Some(&w.buyer), None).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_field")), "{v}");

    // survey settings
    for (body, code) in [
        (json!({"year": 2027, "opens_on": "2026-12-01", "closes_on": "2026-11-01"}), "invalid_field"),
        (json!({"year": 1800, "opens_on": "2026-11-01", "closes_on": "2026-12-01"}), "invalid_field"),
        (json!({"year": 2027, "opens_on": "someday", "closes_on": "2026-12-01"}), "invalid_field"),
        (json!("survey"), "invalid_body"),
    ] {
        let (s, v) = app.call("POST", "/api/v1/forecast-surveys", Some(&w.operator), Some(body)).await;
        assert_eq!((s, v["code"].as_str()), (400, Some(code)), "{v}");
    }
    // who may
    let (s, _) = app.call("POST", "/api/v1/forecast-surveys", Some(&w.buyer), Some(survey_body())).await;
    assert_eq!(s, 403);
    let (s, _) = app.call("PUT", &uri("A-1"), Some(&w.supplier), Some(planned("x", 2027, "saas", &[]))).await;
    assert_eq!(s, 403);
    let (s, _) = app.call("GET", &format!("/api/v1/forecast-surveys/{sid}/response"), Some(&w.operator), None).await;
    assert_eq!(s, 403);
    let (s, _) = app.call("GET", &format!("/api/v1/forecast-surveys/{sid}/progress"), Some(&w.buyer), None).await;
    assert_eq!(s, 403);
    let (s, v) = app.get("/api/v1/forecast-surveys/not-a-uuid/report").await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_id")));
    let (s, _) = app.get(&format!("/api/v1/forecast-surveys/{}/report", uuid::Uuid::new_v4())).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn after_the_close_nothing_changes() {
    let w = world().await;
    let app = &w.app;
    let sid = open_survey(&w, json!({"year": 2026, "opens_on": "2026-10-01", "closes_on": "2026-11-22"})).await;
    let (s, r) = app.call("GET", &format!("/api/v1/forecast-surveys/{sid}/response"), Some(&w.buyer), None).await;
    assert_eq!((s, r["open"].as_bool()), (200, Some(false)), "{r}");
    let (s, v) = app
        .call("PUT", &format!("/api/v1/forecast-surveys/{sid}/response/systems/A-1"), Some(&w.buyer), Some(planned("x", 2027, "saas", &[])))
        .await;
    assert_eq!((s, v["code"].as_str()), (409, Some("survey_closed")), "{v}");
    let (s, v) = app.call("POST", &format!("/api/v1/forecast-surveys/{sid}/response/submit"), Some(&w.buyer), None).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("survey_closed")), "{v}");
    let (s, v) = app.call("DELETE", &format!("/api/v1/forecast-surveys/{sid}/response/systems/A-1"), Some(&w.buyer), None).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("survey_closed")), "{v}");
    // not yet open
    let later = open_survey(&w, json!({"year": 2028, "opens_on": "2027-01-01", "closes_on": "2027-02-01"})).await;
    let (s, v) = app
        .call(
            "PUT",
            &format!("/api/v1/forecast-surveys/{later}/response/systems/A-1"),
            Some(&w.buyer),
            Some(planned("x", 2028, "saas", &[])),
        )
        .await;
    assert_eq!((s, v["code"].as_str()), (409, Some("survey_closed")), "{v}");
    let (_, r) = app.call("GET", &format!("/api/v1/forecast-surveys/{sid}/response"), Some(&w.buyer), None).await;
    assert_eq!(r["systems"], json!([]));
}

#[tokio::test]
async fn another_agency_never_touches_this_ones_answer_and_last_years_answer_prefills() {
    let w = world().await;
    let app = &w.app;
    let (other, other_org) = other_agency(app, &w.operator, 1).await;
    let sid = open_survey(&w, json!({"year": 2026, "opens_on": "2026-11-01", "closes_on": "2026-11-30"})).await;
    let (s, _) = app
        .call(
            "PUT",
            &format!("/api/v1/forecast-surveys/{sid}/response/systems/EAP-01"),
            Some(&w.buyer),
            Some(planned("전자결재", 2027, "saas", &["전자결재"])),
        )
        .await;
    assert_eq!(s, 200);
    // the other agency's buyer sees its own (empty) response, and its PUT of the same key is its own
    let (s, r) = app.call("GET", &format!("/api/v1/forecast-surveys/{sid}/response"), Some(&other), None).await;
    assert_eq!((s, r["systems"].as_array().map(Vec::len)), (200, Some(0)), "{r}");
    assert_eq!(r["organisation_id"], other_org);
    let (s, _) = app.call("DELETE", &format!("/api/v1/forecast-surveys/{sid}/response/systems/EAP-01"), Some(&other), None).await;
    assert_eq!(s, 404, "another agency's system is not there for it");
    let (_, mine) = app.call("GET", &format!("/api/v1/forecast-surveys/{sid}/response"), Some(&w.buyer), None).await;
    assert_eq!(mine["systems"].as_array().map(Vec::len), Some(1));
    let (s, _) = app.call("POST", &format!("/api/v1/forecast-surveys/{sid}/response/submit"), Some(&w.buyer), None).await;
    assert_eq!(s, 200);

    // the operator sees the other agency missing, by name
    let (_, p) = app.call("GET", &format!("/api/v1/forecast-surveys/{sid}/progress"), Some(&w.operator), None).await;
    assert_eq!(p["missing"].as_array().map(Vec::len), Some(1), "{p}");
    assert_eq!(p["missing"][0]["name"], "다른 기관 1");
    assert_eq!(p["response_rate"], 50.0);

    // next survey: prefilled with last answer
    let next = open_survey(&w, json!({"year": 2027, "opens_on": "2026-11-20", "closes_on": "2026-12-20"})).await;
    let (_, r) = app.call("GET", &format!("/api/v1/forecast-surveys/{next}/response"), Some(&w.buyer), None).await;
    assert_eq!((r["prefilled"].as_bool(), r["systems"][0]["key"].as_str()), (Some(true), Some("EAP-01")), "{r}");
    let (_, r) = app.call("GET", &format!("/api/v1/forecast-surveys/{next}/response"), Some(&other), None).await;
    assert_eq!(r["prefilled"].as_bool(), Some(false));
}

#[tokio::test]
async fn a_csv_upload_puts_every_line_or_names_the_bad_one() {
    let w = world().await;
    let app = &w.app;
    let sid = open_survey(&w, survey_body()).await;
    let p = common_principal(app, "buyer").await;
    let header = "key,name,current_hosting,planned_year,target_type,change,functions,budget_krw,no_plan_reason\n";
    let bad = format!("{header}S-1,전자결재,own,2027,saas,conversion,전자결재;전자문서,\"50,000,000\",\nS-2,포털,cloud,2027,iaas,new,,,\n");
    let e = response::upload_csv(&app.state, &p, &sid, bad.as_bytes(), None).await.expect_err("line 3 is bad");
    assert_eq!(e.code.as_str(), "invalid_field");
    assert!(e.message.starts_with("line 3: current_hosting"), "{}", e.message);
    let no_reason = format!("{header}S-1,전자결재,own,,,,,,\n");
    let e = response::upload_csv(&app.state, &p, &sid, no_reason.as_bytes(), None).await.expect_err("no reason");
    assert_eq!(e.code.as_str(), "reason_required");
    assert!(e.message.starts_with("line 2:"), "{}", e.message);
    let e = response::upload_csv(&app.state, &p, &sid, b"a,b\n1,2\n", None).await.expect_err("no header");
    assert!(e.message.starts_with("file:"), "{}", e.message);
    let (_, r) = app.call("GET", &format!("/api/v1/forecast-surveys/{sid}/response"), Some(&w.buyer), None).await;
    assert_eq!(r["systems"], json!([]), "nothing was put");

    let good =
        format!("\u{feff}{header}S-1,전자결재,own,2027,saas,conversion,전자결재;전자문서,\"50,000,000\",\nS-2,포털,nirs,,,,,,security\n");
    let n = response::upload_csv(&app.state, &p, &sid, good.as_bytes(), None).await.expect("upload");
    assert_eq!(n, 2);
    let (_, r) = app.call("GET", &format!("/api/v1/forecast-surveys/{sid}/response"), Some(&w.buyer), None).await;
    assert_eq!(r["systems"][0]["functions"], json!(["전자결재", "전자문서"]), "{r}");
    assert_eq!(r["systems"][0]["budget_krw"], 50_000_000);
    assert_eq!(r["systems"][1]["no_plan_reason"], "security");
    // the template itself uploads
    let n = response::upload_csv(&app.state, &p, &sid, response::csv_template().as_bytes(), None).await.expect("template");
    assert_eq!(n, 2);
}

#[tokio::test]
async fn reminders_go_14_7_and_1_days_before_the_close_once_each() {
    let w = world().await;
    let app = &w.app;
    let (_other, _) = other_agency(app, &w.operator, 2).await;
    let sid = open_survey(&w, json!({"year": 2027, "opens_on": "2026-11-01", "closes_on": "2026-12-15"})).await;
    // the demo agency submits; only the other one is reminded
    let (s, _) = app
        .call("PUT", &format!("/api/v1/forecast-surveys/{sid}/response/systems/A"), Some(&w.buyer), Some(planned("x", 2027, "saas", &[])))
        .await;
    assert_eq!(s, 200);
    let (s, _) = app.call("POST", &format!("/api/v1/forecast-surveys/{sid}/response/submit"), Some(&w.buyer), None).await;
    assert_eq!(s, 200);
    let on = |day: &str| app.state.with_clock(gureum_domain::Clock::parse_fixed(&format!("{day}T09:00:00+09:00")).expect("clock"));
    let mut sent = Vec::new();
    for day in ["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-08", "2026-12-09", "2026-12-14", "2026-12-15", "2026-12-16"] {
        let n = reminders::run_job(&on(day)).await.expect("job");
        let again = reminders::run_job(&on(day)).await.expect("job again");
        assert_eq!(again, 0, "{day}: once");
        sent.push((day, n));
    }
    assert_eq!(
        sent,
        [
            ("2026-11-30", 0),
            ("2026-12-01", 1),
            ("2026-12-02", 0),
            ("2026-12-08", 1),
            ("2026-12-09", 0),
            ("2026-12-14", 1),
            ("2026-12-15", 0),
            ("2026-12-16", 0)
        ]
    );
    let mails = app.db.outbox_to("buyer2@other-agency.kr").await.expect("outbox");
    assert!(mails.iter().filter(|m| m.body.contains("수요예보") || m.body.contains("demand forecast")).count() >= 4, "asked + 3 reminders");
}

/// A demo account's principal, for calls made through a use case (the CSV upload).
async fn common_principal(app: &TestApp, who: &str) -> gureum_app::Principal {
    let token = app.login(who).await;
    gureum_app::actor::authenticate(&app.state, &token, false).await.expect("auth").expect("principal")
}

/// Posts to a page as `token`'s person (a bearer call needs no CSRF field): the status, the
/// `Location` and the page.
async fn post_page(app: &TestApp, token: &str, uri: &str, content_type: &str, body: Vec<u8>) -> (u16, String, String) {
    use tower::ServiceExt;
    let req = axum::http::Request::builder()
        .method("POST")
        .uri(uri)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", content_type)
        .body(axum::body::Body::from(body))
        .expect("request");
    let resp = app.router.clone().oneshot(req).await.expect("response");
    let status = resp.status().as_u16();
    let location = resp.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 24).await.expect("body");
    (status, location, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn the_answer_page_takes_forms_and_csv_files_and_names_the_bad_line() {
    let w = world().await;
    let app = &w.app;
    let sid = open_survey(&w, survey_body()).await;
    let (s, page) = app.call("GET", &format!("/agency/forecast/{sid}"), Some(&w.buyer), None).await;
    assert_eq!(s, 200, "{page}");
    assert!(page.as_str().is_some_and(|p| p.contains("id=\"system-form\"") && p.contains("/agency/forecast/template.csv")));
    let (s, template) = app.call("GET", "/agency/forecast/template.csv", Some(&w.buyer), None).await;
    assert_eq!(s, 200);
    assert!(template.as_str().is_some_and(|t| t.contains("\"key\",\"name\",\"current_hosting\"")), "{template}");

    // a form without a reason stays on the page, marked
    let form = "key=F-1&name=%ED%8F%AC%ED%84%B8&current_hosting=own&planned_year=&no_plan_reason=";
    let (s, _, page) =
        post_page(app, &w.buyer, &format!("/agency/forecast/{sid}/systems"), "application/x-www-form-urlencoded", form.into()).await;
    assert_eq!(s, 400, "{page}");
    assert!(page.contains("reason_required") && page.contains("id=\"sys-reason\" name=\"no_plan_reason\" aria-invalid=\"true\""), "{page}");
    let form = "key=F-1&name=%ED%8F%AC%ED%84%B8&current_hosting=own&planned_year=2027&target_type=saas&functions=%EC%A0%84%EC%9E%90%EA%B2%B0%EC%9E%AC%2C+%EB%A9%94%EC%9D%BC&budget_krw=1%2C000%2C000";
    let (s, to, _) =
        post_page(app, &w.buyer, &format!("/agency/forecast/{sid}/systems"), "application/x-www-form-urlencoded", form.into()).await;
    assert_eq!((s, to.contains("done=1")), (303, true));

    // a CSV with a bad third line: nothing put, the line named
    let boundary = "forecast-boundary";
    let multipart = |csv: &str| {
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"systems.csv\"\r\nContent-Type: text/csv\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(csv.as_bytes());
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        body
    };
    let ct = format!("multipart/form-data; boundary={boundary}");
    let header = "key,name,current_hosting,planned_year,target_type,change,functions,budget_krw,no_plan_reason\r\n";
    let bad = format!("{header}C-1,전자결재,own,2027,saas,,,,\r\nC-2,포털,own,2027,xaas,,,,\r\n");
    let (s, _, page) = post_page(app, &w.buyer, &format!("/agency/forecast/{sid}/upload"), &ct, multipart(&bad)).await;
    assert_eq!(s, 400, "{page}");
    assert!(page.contains("line 3: target_type"), "{page}");
    let good = format!("{header}C-1,전자결재,own,2027,saas,,,,\r\nC-2,포털,nirs,,,,,,policy\r\n");
    let (s, to, page) = post_page(app, &w.buyer, &format!("/agency/forecast/{sid}/upload"), &ct, multipart(&good)).await;
    assert_eq!((s, to.contains("done=1")), (303, true), "{page}");
    let (_, r) = app.call("GET", &format!("/api/v1/forecast-surveys/{sid}/response"), Some(&w.buyer), None).await;
    let keys: Vec<&str> = r["systems"].as_array().expect("systems").iter().filter_map(|s| s["key"].as_str()).collect();
    assert_eq!(keys, ["C-1", "C-2", "F-1"]);

    // delete and submit through the page
    let (s, _, _) =
        post_page(app, &w.buyer, &format!("/agency/forecast/{sid}/systems/C-2/delete"), "application/x-www-form-urlencoded", Vec::new())
            .await;
    assert_eq!(s, 303);
    let (s, _, _) =
        post_page(app, &w.buyer, &format!("/agency/forecast/{sid}/submit"), "application/x-www-form-urlencoded", Vec::new()).await;
    assert_eq!(s, 303);
    let (_, rep) = app.get(&format!("/api/v1/forecast-surveys/{sid}/report")).await;
    assert_eq!((rep["agencies_answered"].as_i64(), rep["withheld"].as_bool()), (Some(1), Some(true)), "{rep}");
    // the public page says it is withheld (one agency only) and names no function; the
    // operator's page names who is missing (nobody)
    let (s, page) = app.get(&format!("/forecast/{sid}")).await;
    assert_eq!(s, 200);
    assert!(page.as_str().is_some_and(|p| p.contains("id=\"report-withheld\"") && !p.contains("메일")), "{page}");
    let (s, page) = app.call("GET", &format!("/operator/forecast/{sid}"), Some(&w.operator), None).await;
    assert_eq!(s, 200);
    assert!(page.as_str().is_some_and(|p| p.contains("id=\"missing-none\"")), "{page}");
}

async fn submit_ok(app: &TestApp, token: &str, sid: &str) {
    let (s, v) = app.call("POST", &format!("/api/v1/forecast-surveys/{sid}/response/submit"), Some(token), None).await;
    assert_eq!(s, 200, "{v}");
}

async fn status_of(app: &TestApp, token: &str, sid: &str) -> (String, Option<String>) {
    let (s, r) = app.call("GET", &format!("/api/v1/forecast-surveys/{sid}/response"), Some(token), None).await;
    assert_eq!(s, 200, "{r}");
    (r["status"].as_str().expect("status").to_owned(), r["submitted_at"].as_str().map(str::to_owned))
}

#[tokio::test]
async fn a_delete_or_a_csv_upload_after_submitting_puts_the_answer_back_to_draft() {
    let w = world().await;
    let app = &w.app;
    let sid = open_survey(&w, survey_body()).await;
    let uri = |k: &str| format!("/api/v1/forecast-surveys/{sid}/response/systems/{k}");
    for k in ["A", "B"] {
        let (s, _) = app.call("PUT", &uri(k), Some(&w.buyer), Some(planned("x", 2027, "saas", &[]))).await;
        assert_eq!(s, 200);
    }
    submit_ok(app, &w.buyer, &sid).await;
    assert_eq!(status_of(app, &w.buyer, &sid).await.0, "submitted");
    let (s, _) = app.call("DELETE", &uri("B"), Some(&w.buyer), None).await;
    assert_eq!(s, 204);
    assert_eq!(status_of(app, &w.buyer, &sid).await, ("draft".to_owned(), None));
    let (_, p) = app.call("GET", &format!("/api/v1/forecast-surveys/{sid}/progress"), Some(&w.operator), None).await;
    assert_eq!(p["agencies_answered"], 0, "{p}");
    submit_ok(app, &w.buyer, &sid).await;
    let p = common_principal(app, "buyer").await;
    let csv = "key,name,current_hosting,planned_year,target_type,change,functions,budget_krw,no_plan_reason\nC,포털,nirs,,,,,,security\n";
    response::upload_csv(&app.state, &p, &sid, csv.as_bytes(), None).await.expect("upload");
    assert_eq!(status_of(app, &w.buyer, &sid).await, ("draft".to_owned(), None));
    submit_ok(app, &w.buyer, &sid).await;
    assert_eq!(status_of(app, &w.buyer, &sid).await.0, "submitted");
    // the page says so
    let (s, page) = app.call("GET", &format!("/agency/forecast/{sid}"), Some(&w.buyer), None).await;
    assert_eq!(s, 200);
    assert!(page.as_str().is_some_and(|p| p.contains("id=\"edit-resets-note\"")), "{page}");
}

#[tokio::test]
async fn the_submit_is_refused_when_the_last_system_went_away_meanwhile() {
    let w = world().await;
    let app = &w.app;
    let sid = open_survey(&w, survey_body()).await;
    let (_, r) = app.call("GET", &format!("/api/v1/forecast-surveys/{sid}/response"), Some(&w.buyer), None).await;
    let rid = r["id"].as_str().expect("id").to_owned();
    // the conditional update itself: no system, no submission
    let mut tx = app.db.begin_write().await.expect("tx");
    assert!(!tx.submit_forecast_response(&rid, "someone").await.expect("submit"));
    tx.commit().await.expect("commit");
    assert_eq!(status_of(app, &w.buyer, &sid).await.0, "draft");
}

#[tokio::test]
async fn a_planned_year_before_the_surveys_is_refused_and_a_prefilled_one_must_be_fixed() {
    let w = world().await;
    let app = &w.app;
    let first = open_survey(&w, json!({"year": 2026, "opens_on": "2026-11-01", "closes_on": "2026-11-30"})).await;
    let uri = |sid: &str, k: &str| format!("/api/v1/forecast-surveys/{sid}/response/systems/{k}");
    let (s, v) = app.call("PUT", &uri(&first, "OLD-1"), Some(&w.buyer), Some(planned("x", 2025, "saas", &[]))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_field")), "{v}");
    assert!(v["message"].as_str().unwrap_or("").contains("planned_year"), "{v}");
    let (s, _) = app.call("PUT", &uri(&first, "OLD-1"), Some(&w.buyer), Some(planned("x", 2026, "saas", &[]))).await;
    assert_eq!(s, 200);
    submit_ok(app, &w.buyer, &first).await;
    let next = open_survey(&w, survey_body()).await;
    let (_, r) = app.call("GET", &format!("/api/v1/forecast-surveys/{next}/response"), Some(&w.buyer), None).await;
    assert_eq!(r["systems"][0]["planned_year"], 2026, "{r}");
    let (s, v) = app.call("POST", &format!("/api/v1/forecast-surveys/{next}/response/submit"), Some(&w.buyer), None).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_field")), "{v}");
    assert!(v["message"].as_str().unwrap_or("").contains("OLD-1"), "{v}");
    assert_eq!(status_of(app, &w.buyer, &next).await.0, "draft");
    let (s, _) = app.call("PUT", &uri(&next, "OLD-1"), Some(&w.buyer), Some(planned("x", 2027, "saas", &[]))).await;
    assert_eq!(s, 200);
    submit_ok(app, &w.buyer, &next).await;
}

#[tokio::test]
async fn an_agency_created_after_the_survey_opened_is_asked_and_a_rejected_one_is_not_counted() {
    let w = world().await;
    let app = &w.app;
    let sid = open_survey(&w, survey_body()).await;
    let closed = open_survey(&w, json!({"year": 2026, "opens_on": "2026-10-01", "closes_on": "2026-11-22"})).await;
    let (s, org) = app.call("POST", "/api/v1/organisations", Some(&w.operator), Some(json!({"kind": "agency", "name": "새 기관"}))).await;
    assert_eq!(s, 201, "{org}");
    let org_id = id(&org);
    let r = app.db.forecast_response(&sid, &org_id).await.expect("db").expect("asked at creation");
    assert_eq!(r.status, "draft");
    assert!(app.db.forecast_response(&closed, &org_id).await.expect("db").is_none(), "a closed survey does not ask");
    let (_, p) = app.call("GET", &format!("/api/v1/forecast-surveys/{sid}/progress"), Some(&w.operator), None).await;
    assert_eq!(p["agencies_asked"], 2, "{p}");

    // an agency no longer approved is neither counted nor reminded
    let (_other, other_org) = other_agency(app, &w.operator, 21).await;
    let (s, _) = app.call("GET", &format!("/api/v1/forecast-surveys/{sid}/response"), Some(&_other), None).await;
    assert_eq!(s, 200);
    let mut tx = app.db.begin_write().await.expect("tx");
    tx.set_organisation_status(&org_id, gureum_storage::OrgStatus::Rejected, Some("test")).await.expect("status");
    tx.set_organisation_status(&other_org, gureum_storage::OrgStatus::Pending, None).await.expect("status");
    tx.commit().await.expect("commit");
    let (_, p) = app.call("GET", &format!("/api/v1/forecast-surveys/{sid}/progress"), Some(&w.operator), None).await;
    assert_eq!(p["agencies_asked"], 1, "{p}");
    assert_eq!(p["missing"].as_array().map(Vec::len), Some(1), "{p}");
    let (_, rep) = app.get(&format!("/api/v1/forecast-surveys/{sid}/report")).await;
    assert_eq!(rep["agencies_asked"], 1, "{rep}");
    let on = app.state.with_clock(gureum_domain::Clock::parse_fixed("2026-12-01T09:00:00+09:00").expect("clock"));
    assert_eq!(reminders::run_job(&on).await.expect("job"), 1, "only the demo agency");
}

#[tokio::test]
async fn an_agency_approved_after_the_survey_opened_is_asked() {
    use gureum_storage::{NewOrganisation, OrgStatus};
    let w = world().await;
    let app = &w.app;
    let sid = open_survey(&w, survey_body()).await;
    let org_id = uuid::Uuid::new_v4().to_string();
    let mut tx = app.db.begin_write().await.expect("tx");
    tx.insert_organisation(&NewOrganisation {
        id: org_id.clone(),
        kind: gureum_domain::account::OrgKind::Agency,
        name: "승인 대기 기관".into(),
        business_number: None,
        supplier_id: None,
        status: OrgStatus::Pending,
        registration_doc: None,
        representative: None,
        address: None,
        phone: None,
        contact_email: None,
        privacy_consent: true,
    })
    .await
    .expect("org");
    tx.set_agency_kind(&org_id, "central").await.expect("kind");
    tx.commit().await.expect("commit");
    assert!(app.db.forecast_response(&sid, &org_id).await.expect("db").is_none());
    let op = common_principal(app, "operator").await;
    gureum_app::accounts::decide_organisation(&app.state, &op, &org_id, true, None, None).await.expect("approve");
    let r = app.db.forecast_response(&sid, &org_id).await.expect("db").expect("asked on approval");
    assert_eq!((r.status.as_str(), r.agency_kind.as_str()), ("draft", "central"));
}

#[tokio::test]
async fn reading_the_response_writes_nothing_and_the_first_write_makes_it() {
    let w = world().await;
    let app = &w.app;
    let sid = open_survey(&w, survey_body()).await;
    // made after the survey opened, directly (no approval path asked it)
    let (other, other_org) = other_agency(app, &w.operator, 31).await;
    let (s, r) = app.call("GET", &format!("/api/v1/forecast-surveys/{sid}/response"), Some(&other), None).await;
    assert_eq!((s, r["status"].as_str(), r["open"].as_bool()), (200, Some("draft"), Some(true)), "{r}");
    let (s, _) = app.call("DELETE", &format!("/api/v1/forecast-surveys/{sid}/response/systems/X"), Some(&other), None).await;
    assert_eq!(s, 404);
    assert!(app.db.forecast_response(&sid, &other_org).await.expect("db").is_none(), "a GET writes nothing");
    let (_, notes) = app.call("GET", "/api/v1/notifications", Some(&other), None).await;
    assert!(!notes.to_string().contains("수요예보"), "{notes}");
    let (s, v) = app
        .call("PUT", &format!("/api/v1/forecast-surveys/{sid}/response/systems/OWN-1"), Some(&other), Some(planned("x", 2027, "saas", &[])))
        .await;
    assert_eq!(s, 200, "{v}");
    let made = app.db.forecast_response(&sid, &other_org).await.expect("db").expect("made on the first write");
    assert_eq!(Some(made.id.as_str()), r["id"].as_str(), "the id read before");
    let filter = gureum_storage::AuditFilter { action: Some("forecast_response.create".into()), ..Default::default() };
    assert_eq!(app.db.audit_events(&filter, 0, 10).await.expect("audit").len(), 1);
    let (_, notes) = app.call("GET", "/api/v1/notifications", Some(&other), None).await;
    assert!(notes.to_string().contains("수요예보"), "{notes}");
}

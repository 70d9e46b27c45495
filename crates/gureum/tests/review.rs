//! The review committee through the API (SPEC §3 "Review", §4 "Review"; docs/RULES.md#review),
//! on the engine the run asks for: documents → application → round → assignment (ties refused)
//! → votes → close → selection on the service; a not-selected change keeping the listed
//! revision; supplements, recusal, withdrawal; the settings; and every refusal with its code,
//! changing nothing.

mod common;

use common::{CRITERIA, PDF, TestApp, World, vote_body, world};
use serde_json::{Value, json};

fn new_service(name: &str) -> Value {
    json!({
        "name": name,
        "kind": "saas",
        "category": "협업",
        "tags": ["심사", "협업"],
        "summary": "심사위원회 확인용 협업 서비스",
        "price_plans": [{"name": "기본", "model": "metered", "unit": "사용자/월", "unit_price_krw": 5000}],
        "certification": {"type": "standard", "grade": "low", "number": "CSAP-S-2026-91", "valid_from": "2026-01-01", "valid_to": "2030-12-31"}
    })
}

/// A new service of the demo supplier, every document in, submitted: its id and application.
async fn applied(w: &World, name: &str) -> (String, Value) {
    let (s, v) = w.app.call("POST", "/api/v1/services", Some(&w.supplier), Some(new_service(name))).await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_str().expect("id").to_owned();
    w.app.upload_required(&id, &w.supplier, "saas").await;
    let (s, v) = w.app.call("POST", &format!("/api/v1/services/{id}/submit"), Some(&w.supplier), None).await;
    assert_eq!(s, 200, "{v}");
    let application = w.app.application_of(&id, &w.operator).await;
    (id, application)
}

async fn new_round(w: &World, name: &str) -> String {
    let (s, v) = w.app.call("POST", "/api/v1/rounds", Some(&w.operator), Some(json!({"name": name, "meets_on": "2026-12-15"}))).await;
    assert_eq!(s, 201, "{v}");
    v["id"].as_str().expect("id").to_owned()
}

/// The demo's third reviewer, signed in: its id and token.
async fn third_reviewer(app: &TestApp) -> (String, String) {
    (app.user_id("reviewer3").await, app.login("reviewer3").await)
}

fn kinds(list: &[gureum_storage::Notification]) -> Vec<String> {
    list.iter().map(|n| n.kind.clone()).collect()
}

async fn notified(app: &TestApp, who: &str) -> Vec<String> {
    kinds(&app.db.notifications_of(&app.user_id(who).await, 100).await.expect("notifications"))
}

#[tokio::test]
async fn a_committee_selects_a_service_and_the_catalog_shows_it() {
    let w = world().await;
    let app = &w.app;
    let (s, v) = app.call("POST", "/api/v1/services", Some(&w.supplier), Some(new_service("심사 협업 서비스"))).await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_str().expect("id").to_owned();
    let code = v["code"].as_str().expect("code").to_owned();

    // a submission with documents missing names them and opens nothing
    app.upload(&id, &w.supplier, "sla", "sla.pdf", PDF).await;
    let (s, v) = app.call("POST", &format!("/api/v1/services/{id}/submit"), Some(&w.supplier), None).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("documents_missing")), "{v}");
    assert_eq!(v["missing"], json!(["service_definition", "price_list", "business_soundness", "no_debarment", "certificate"]));
    let (_, list) = app.call("GET", "/api/v1/applications", Some(&w.operator), None).await;
    assert!(list.as_array().expect("list").iter().all(|a| a["service_id"] != id.as_str()), "no application yet");

    // complete: received (접수완료), the operators told
    app.upload_required(&id, &w.supplier, "saas").await;
    let (s, v) = app.call("POST", &format!("/api/v1/services/{id}/submit"), Some(&w.supplier), None).await;
    assert_eq!(s, 200, "{v}");
    let a = app.application_of(&id, &w.operator).await;
    let app_id = a["id"].as_str().expect("id").to_owned();
    assert_eq!((a["status"].as_str(), a["round_id"].as_str(), a["code"].as_str()), (Some("received"), None, Some(code.as_str())));
    assert_eq!(a["steps"].as_array().map(Vec::len), Some(1));
    assert_eq!((a["steps"][0]["step"].as_str(), a["steps"][0]["business_days"].as_i64()), (Some("received"), Some(0)));
    assert_eq!((a["target_business_days"].as_u64(), a["overdue"].as_bool()), (Some(5), Some(false)));
    assert_eq!(a["documents"].as_array().map(Vec::len), Some(6), "the revision's documents");
    assert!(notified(app, "operator").await.contains(&"application.received".to_owned()));

    // who sees it: the supplier its own (without the reviewers), nobody else
    let (s, mine) = app.call("GET", &format!("/api/v1/applications/{app_id}"), Some(&w.supplier), None).await;
    assert_eq!(s, 200, "{mine}");
    assert!(mine.get("reviewers").is_none(), "a supplier does not see who reviews it");
    assert_eq!(app.call("GET", &format!("/api/v1/applications/{app_id}"), Some(&w.supplier2), None).await.0, 404);
    assert_eq!(app.call("GET", &format!("/api/v1/applications/{app_id}"), Some(&w.reviewer), None).await.0, 404, "not assigned yet");
    assert_eq!(app.call("GET", &format!("/api/v1/applications/{app_id}"), Some(&w.buyer), None).await.0, 403);
    assert_eq!(app.call("GET", &format!("/api/v1/applications/{app_id}"), None, None).await.0, 401);
    let (_, theirs) = app.call("GET", "/api/v1/applications", Some(&w.supplier2), None).await;
    assert!(theirs.as_array().expect("list").iter().all(|x| x["id"] != app_id.as_str()));
    let (_, assigned) = app.call("GET", "/api/v1/applications", Some(&w.reviewer), None).await;
    assert_eq!(assigned, json!([]), "a reviewer sees only what is assigned to it");

    // a round; assignment refuses a non-reviewer first, then a tied reviewer, naming it
    let round = new_round(&w, "2026년 12월 차수").await;
    let (third, third_token) = third_reviewer(app).await;
    let bn = app.db.organisation(&app.db.user_by_email("supplier@demo.gureum.kr").await.expect("db").expect("u").org_id).await.expect("db");
    let bn = bn.and_then(|o| o.business_number).expect("business number");
    let (s, v) =
        app.call("POST", "/api/v1/me/conflicts", Some(&third_token), Some(json!({"business_number": bn, "reason": "전 직장"}))).await;
    assert_eq!(s, 201, "{v}");
    let (s, v) = app.call("POST", "/api/v1/me/conflicts", Some(&third_token), Some(json!({"business_number": bn, "reason": "다시"}))).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("conflict_declared")));
    let (r1, r2, buyer) = (app.user_id("reviewer").await, app.user_id("reviewer2").await, app.user_id("buyer").await);
    let events = app.db.audit_count().await.expect("count");
    let (s, v) = app
        .call(
            "POST",
            &format!("/api/v1/applications/{app_id}/assign"),
            Some(&w.operator),
            Some(json!({"round_id": round, "reviewer_ids": [third, buyer]})),
        )
        .await;
    assert_eq!((s, v["code"].as_str()), (400, Some("not_a_reviewer")), "{v}");
    let (s, v) = app
        .call(
            "POST",
            &format!("/api/v1/applications/{app_id}/assign"),
            Some(&w.operator),
            Some(json!({"round_id": round, "reviewer_ids": [r1, third]})),
        )
        .await;
    assert_eq!((s, v["code"].as_str(), v["user_id"].as_str()), (409, Some("conflict_of_interest"), Some(third.as_str())), "{v}");
    assert_eq!(app.db.audit_count().await.expect("count"), events, "nothing changed");
    assert_eq!(app.application_of(&id, &w.operator).await["status"], "received");
    let (s, v) = app
        .call(
            "POST",
            &format!("/api/v1/applications/{app_id}/assign"),
            Some(&w.operator),
            Some(json!({"round_id": round, "reviewer_ids": [r1, r2]})),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!((v["status"].as_str(), v["round_id"].as_str()), (Some("assigned"), Some(round.as_str())));
    assert_eq!(v["reviewers"].as_array().map(Vec::len), Some(2));
    assert!(notified(app, "reviewer").await.contains(&"application.assigned".to_owned()));
    // the revision is in review now, and the public never saw it
    let (_, svc) = app.call("GET", &format!("/api/v1/services/{id}"), Some(&w.supplier), None).await;
    assert_eq!(svc["draft"]["state"], "in_review");
    assert_eq!(app.get(&format!("/api/v1/services/{id}")).await.0, 404);

    // the assigned reviewer reads it with its documents
    let (s, v) = app.call("GET", &format!("/api/v1/applications/{app_id}"), Some(&w.reviewer), None).await;
    assert_eq!(s, 200, "{v}");
    assert!(v["documents"][0]["href"].as_str().is_some_and(|h| h.starts_with(&format!("/applications/{app_id}/documents/"))));

    // votes: a criterion missing or a verdict misspelled is refused and stores nothing
    let mut partial = vote_body("pass");
    partial["criteria"].as_object_mut().expect("criteria").remove("security");
    let (s, v) = app.call("POST", &format!("/api/v1/applications/{app_id}/votes"), Some(&w.reviewer), Some(partial)).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_field")), "{v}");
    assert!(v["message"].as_str().is_some_and(|m| m.contains("security")), "{v}");
    let mut misspelled = vote_body("pass");
    misspelled["criteria"]["debarment"] = json!("yes");
    let (s, _) = app.call("POST", &format!("/api/v1/applications/{app_id}/votes"), Some(&w.reviewer), Some(misspelled)).await;
    assert_eq!(s, 400);
    assert_eq!(app.db.audit_count().await.expect("count"), events + 1, "only the assignment was recorded");
    let (s, v) = app.call("POST", &format!("/api/v1/applications/{app_id}/votes"), Some(&w.reviewer), Some(vote_body("pass"))).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["criteria"]["security"], "pass");
    let (s, v) = app.call("POST", &format!("/api/v1/applications/{app_id}/votes"), Some(&w.reviewer), Some(vote_body("fail"))).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("already_voted")));
    let (_, v) = app.call("GET", &format!("/api/v1/applications/{app_id}"), Some(&w.reviewer), None).await;
    assert_eq!((v["status"].as_str(), v["my_vote"]["criteria"]["security"].as_str()), (Some("in_review"), Some("pass")));

    // one vote is not a quorum: the close names the undecided application and changes nothing
    let events = app.db.audit_count().await.expect("count");
    let (s, v) = app.call("POST", &format!("/api/v1/rounds/{round}/close"), Some(&w.operator), None).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("undecided_applications")), "{v}");
    assert_eq!(v["application_ids"], json!([app_id]));
    assert_eq!(app.db.audit_count().await.expect("count"), events);
    assert_eq!(app.call("GET", &format!("/api/v1/rounds/{round}"), Some(&w.operator), None).await.1["status"], "open");

    // the second reviewer asks for a supplement; the supplier uploads and answers
    let (s, v) = app
        .call(
            "POST",
            &format!("/api/v1/applications/{app_id}/supplement-requests"),
            Some(&w.reviewer2),
            Some(json!({"message": "최근 3년 재무제표를 보완해 주십시오"})),
        )
        .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("supplement_requested")), "{v}");
    assert!(notified(app, "supplier").await.contains(&"application.supplement_requested".to_owned()));
    let (s, v) = app
        .call("POST", &format!("/api/v1/applications/{app_id}/supplement"), Some(&w.supplier2), Some(json!({"message": "남의 것"})))
        .await;
    assert_eq!((s, v["code"].as_str()), (404, Some("not_found")), "another organisation's application");
    app.upload(&id, &w.supplier, "business_soundness", "재무제표-2023-2025.pdf", PDF).await;
    let (s, v) = app
        .call(
            "POST",
            &format!("/api/v1/applications/{app_id}/supplement"),
            Some(&w.supplier),
            Some(json!({"message": "재무제표를 올렸습니다"})),
        )
        .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("in_review")), "{v}");
    assert_eq!(v["supplement_requests"][0]["answer"], "재무제표를 올렸습니다");
    let (s, v) = app.call("POST", &format!("/api/v1/applications/{app_id}/votes"), Some(&w.reviewer2), Some(vote_body("pass"))).await;
    assert_eq!(s, 201, "{v}");

    // the close publishes the decision: listed, searchable at once, with its selection dates
    let (s, v) = app.call("POST", &format!("/api/v1/rounds/{round}/close"), Some(&w.operator), None).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "closed");
    let (s, public) = app.get(&format!("/api/v1/services/{id}")).await;
    assert_eq!((s, public["status"].as_str()), (200, Some("listed")), "{public}");
    assert_eq!(
        (public["listing"]["selected_on"].as_str(), public["listing"]["selection_valid_to"].as_str()),
        (Some("2026-11-23"), Some("2029-11-22"))
    );
    let (_, found) = app.get(&format!("/api/v1/services?q={code}")).await;
    assert_eq!(found["total"], 1, "{found}");
    let (_, a) = app.call("GET", &format!("/api/v1/applications/{app_id}"), Some(&w.supplier), None).await;
    assert_eq!((a["status"].as_str(), a["outcome"]["selected"].as_bool()), (Some("selected"), Some(true)));
    for c in CRITERIA {
        assert_eq!(a["outcome"]["criteria"][c], "pass", "{c}");
    }
    let steps: Vec<&str> = a["steps"].as_array().expect("steps").iter().filter_map(|s| s["step"].as_str()).collect();
    assert_eq!(steps, ["received", "assigned", "in_review", "supplement_requested", "in_review", "selected"]);
    assert!(a["steps"].as_array().expect("steps").iter().rev().skip(1).all(|s| s["ended_at"].is_string()), "every earlier step ended");
    assert!(notified(app, "supplier").await.contains(&"application.selected".to_owned()));
    assert!(app.db.outbox_to("supplier@demo.gureum.kr").await.expect("outbox").iter().any(|m| m.body.contains(&code)));

    // after the close: no vote, no second close
    let (s, v) = app.call("POST", &format!("/api/v1/rounds/{round}/close"), Some(&w.operator), None).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("round_closed")));
    let (s, v) = app.call("POST", &format!("/api/v1/applications/{app_id}/votes"), Some(&w.reviewer2), Some(vote_body("fail"))).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("round_closed")), "the closed round is named first: {v}");

    // every step is in the audit log, with the request id
    let rows = app.db.audit_for_entity("application", &app_id).await.expect("audit");
    let actions: Vec<&str> = rows.iter().map(|r| r.event.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "application.assign",
            "application.vote",
            "application.supplement_request",
            "application.supplement",
            "application.vote",
            "application.decide"
        ]
    );
    assert!(rows.iter().all(|r| r.event.request_id.is_some()));
    assert!(matches!(app.db.verify_audit_chain().await.expect("verify"), gureum_storage::VerifyReport::Ok { .. }));
}

#[tokio::test]
async fn a_material_change_not_selected_keeps_the_listed_revision_and_says_why() {
    let w = world().await;
    let app = &w.app;
    let (_, mine) = app.call("GET", "/api/v1/supplier/services", Some(&w.supplier), None).await;
    let listed = mine.as_array().expect("list").iter().find(|s| s["status"] == "listed" && s["kind"] == "saas").cloned();
    let listed = listed.unwrap_or_else(|| mine.as_array().expect("list").iter().find(|s| s["status"] == "listed").expect("listed").clone());
    let id = listed["id"].as_str().expect("id").to_owned();
    let (_, before) = app.get(&format!("/api/v1/services/{id}")).await;
    let public_rev = before["revision"].as_i64().expect("revision");
    // a host change is material
    let (s, v) = app
        .call(
            "PATCH",
            &format!("/api/v1/services/{id}"),
            Some(&w.supplier),
            Some(json!({"data_location": "해외 리전", "sla": {"availability_pct": 90.0, "support_hours": "평일", "credit_pct": 5}})),
        )
        .await;
    assert_eq!((s, v["draft"]["material"].as_bool()), (200, Some(true)), "{v}");
    app.upload_required(&id, &w.supplier, before["listing"]["kind"].as_str().expect("kind")).await;
    let (s, v) = app.call("POST", &format!("/api/v1/services/{id}/submit"), Some(&w.supplier), None).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("listed")), "{v}");

    let operator = w.operator.clone();
    let a = app.application_of(&id, &operator).await;
    let app_id = a["id"].as_str().expect("id").to_owned();
    let round = new_round(&w, "재심사 차수").await;
    let (r1, r2) = (app.user_id("reviewer").await, app.user_id("reviewer2").await);
    let (s, v) = app
        .call(
            "POST",
            &format!("/api/v1/applications/{app_id}/assign"),
            Some(&operator),
            Some(json!({"round_id": round, "reviewer_ids": [r1, r2]})),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    // one passes everything; the other fails security: one pass in two is not a majority
    let mut fail = vote_body("pass");
    fail["criteria"]["security"] = json!("fail");
    fail["comments"]["security"] = json!("SLA 가용성 90%는 공공 기준에 못 미칩니다");
    let (s, _) = app.call("POST", &format!("/api/v1/applications/{app_id}/votes"), Some(&w.reviewer), Some(vote_body("pass"))).await;
    assert_eq!(s, 201);
    let (s, _) = app.call("POST", &format!("/api/v1/applications/{app_id}/votes"), Some(&w.reviewer2), Some(fail)).await;
    assert_eq!(s, 201);
    let (s, v) = app.call("POST", &format!("/api/v1/rounds/{round}/close"), Some(&operator), None).await;
    assert_eq!(s, 200, "{v}");

    let (_, a) = app.call("GET", &format!("/api/v1/applications/{app_id}"), Some(&w.supplier), None).await;
    assert_eq!((a["status"].as_str(), a["outcome"]["selected"].as_bool()), (Some("not_selected"), Some(false)), "{a}");
    assert_eq!(a["outcome"]["criteria"]["security"], "fail");
    assert_eq!(a["outcome"]["criteria"]["debarment"], "pass");
    assert!(a["outcome"]["comments"]["security"].as_str().is_some_and(|c| c.contains("SLA 가용성 90%")), "{a}");
    // the listed revision stays public; the change is rejected with the failing criterion
    let (_, public) = app.get(&format!("/api/v1/services/{id}")).await;
    assert_eq!((public["status"].as_str(), public["revision"].as_i64()), (Some("listed"), Some(public_rev)));
    let (_, owner) = app.call("GET", &format!("/api/v1/services/{id}"), Some(&w.supplier), None).await;
    let last = owner["revisions"].as_array().and_then(|r| r.last()).cloned().expect("revisions");
    assert_eq!(last["state"], "rejected");
    assert!(last["decision_reason"].as_str().is_some_and(|r| r.contains("security")), "{last}");
    assert!(notified(app, "supplier").await.contains(&"application.not_selected".to_owned()));
    let mails = app.db.outbox_to("supplier@demo.gureum.kr").await.expect("outbox");
    assert!(mails.iter().any(|m| m.body.contains("보안성")), "the failing criterion named in the mail");
}

#[tokio::test]
async fn withdrawal_recusal_and_who_may_act() {
    let w = world().await;
    let app = &w.app;
    let (id, a) = applied(&w, "철회할 서비스").await;
    let app_id = a["id"].as_str().expect("id").to_owned();
    // another organisation's application is not there for it
    let events = app.db.audit_count().await.expect("count");
    let (s, v) = app.call("POST", &format!("/api/v1/applications/{app_id}/withdraw"), Some(&w.supplier2), None).await;
    assert_eq!((s, v["code"].as_str()), (404, Some("not_found")));
    // a reviewer acts only on what it was assigned; the operator does not vote
    let (s, _) = app.call("POST", &format!("/api/v1/applications/{app_id}/votes"), Some(&w.reviewer), Some(vote_body("pass"))).await;
    assert_eq!(s, 404);
    let (s, _) = app.call("POST", &format!("/api/v1/applications/{app_id}/votes"), Some(&w.operator), Some(vote_body("pass"))).await;
    assert_eq!(s, 403);
    let (s, v) = app.call("POST", &format!("/api/v1/applications/{app_id}/votes"), Some(&w.buyer), Some(vote_body("pass"))).await;
    assert_eq!((s, v["code"].as_str()), (403, Some("forbidden")));
    assert_eq!(app.db.audit_count().await.expect("count"), events, "nothing changed");

    // assigned: a reviewer recuses with a reason (not without one), and may not vote after
    let round = new_round(&w, "기피 차수").await;
    let (r1, r2) = (app.user_id("reviewer").await, app.user_id("reviewer2").await);
    let (s, _) = app
        .call(
            "POST",
            &format!("/api/v1/applications/{app_id}/assign"),
            Some(&w.operator),
            Some(json!({"round_id": round, "reviewer_ids": [r1, r2]})),
        )
        .await;
    assert_eq!(s, 200);
    let (s, v) = app.call("POST", &format!("/api/v1/applications/{app_id}/recuse"), Some(&w.reviewer2), Some(json!({"reason": " "}))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("reason_required")));
    let (s, v) = app.call("POST", &format!("/api/v1/applications/{app_id}/votes"), Some(&w.reviewer), Some(vote_body("pass"))).await;
    assert_eq!(s, 201, "{v}");
    let (s, v) =
        app.call("POST", &format!("/api/v1/applications/{app_id}/recuse"), Some(&w.reviewer), Some(json!({"reason": "이해관계"}))).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("already_voted")), "a vote cast is not taken back");
    let (s, v) = app
        .call("POST", &format!("/api/v1/applications/{app_id}/recuse"), Some(&w.reviewer2), Some(json!({"reason": "공동연구 수행 이력"})))
        .await;
    assert_eq!((s, v["reviewer_id"].as_str()), (200, Some(r2.as_str())), "{v}");
    assert_eq!(app.call("GET", &format!("/api/v1/applications/{app_id}"), Some(&w.reviewer2), None).await.0, 404, "no longer its to see");
    let (_, v) = app.call("GET", &format!("/api/v1/applications/{app_id}"), Some(&w.operator), None).await;
    let me = v["reviewers"].as_array().expect("reviewers").iter().find(|r| r["user_id"] == r2.as_str()).cloned().expect("r2");
    assert_eq!((me["recused"].as_bool(), me["recuse_reason"].as_str()), (Some(true), Some("공동연구 수행 이력")));
    let (s, _) = app.call("POST", &format!("/api/v1/applications/{app_id}/votes"), Some(&w.reviewer2), Some(vote_body("pass"))).await;
    assert_eq!(s, 404, "a recused reviewer is no longer assigned");
    // an assignment to a closed round is refused
    let closed = new_round(&w, "닫힌 차수").await;
    let (s, _) = app.call("POST", &format!("/api/v1/rounds/{closed}/close"), Some(&w.operator), None).await;
    assert_eq!(s, 200);
    let (s, v) = app
        .call(
            "POST",
            &format!("/api/v1/applications/{app_id}/assign"),
            Some(&w.operator),
            Some(json!({"round_id": closed, "reviewer_ids": [r2]})),
        )
        .await;
    assert_eq!((s, v["code"].as_str()), (409, Some("round_closed")), "{v}");
    let (s, v) = app
        .call(
            "POST",
            &format!("/api/v1/applications/{app_id}/assign"),
            Some(&w.operator),
            Some(json!({"round_id": "00000000-0000-4000-8000-000000000000", "reviewer_ids": [r2]})),
        )
        .await;
    assert_eq!((s, v["code"].as_str()), (404, Some("not_found")), "no such round: {v}");

    // the supplier withdraws before a decision: the revision is its draft again
    let (s, v) = app.call("POST", &format!("/api/v1/applications/{app_id}/withdraw"), Some(&w.supplier), None).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("withdrawn")), "{v}");
    let (_, svc) = app.call("GET", &format!("/api/v1/services/{id}"), Some(&w.supplier), None).await;
    assert_eq!((svc["status"].as_str(), svc["draft"]["state"].as_str()), (Some("draft"), Some("draft")), "{svc}");
    let (s, v) = app.call("POST", &format!("/api/v1/applications/{app_id}/withdraw"), Some(&w.supplier), None).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("invalid_status")));
    // the round closes without it (a withdrawn application is decided)
    let (s, v) = app.call("POST", &format!("/api/v1/rounds/{round}/close"), Some(&w.operator), None).await;
    assert_eq!(s, 200, "{v}");
    // submitting again reopens the same application for the same revision
    let (s, v) = app.call("POST", &format!("/api/v1/services/{id}/submit"), Some(&w.supplier), None).await;
    assert_eq!(s, 200, "{v}");
    let again = app.application_of(&id, &w.operator).await;
    assert_eq!((again["status"].as_str(), again["round_id"].as_str()), (Some("received"), None), "{again}");
}

#[tokio::test]
async fn settings_shape_what_a_submission_needs_and_how_long_a_step_may_take() {
    let w = world().await;
    let app = &w.app;
    let (s, v) = app.get("/api/v1/settings/review").await;
    assert_eq!(s, 200);
    assert_eq!(v["quorum"], 2);
    assert_eq!(v["selection_years"], 3);
    assert_eq!(v["targets"], json!({"received": 5, "assigned": 5, "in_review": 10, "supplement_requested": 10}));
    assert_eq!(v["required_documents"].as_array().map(Vec::len), Some(6));

    // bad settings are refused whole
    let events = app.db.audit_count().await.expect("count");
    for bad in [
        json!({"quorum": 0}),
        json!({"selection_years": 0}),
        json!({"required_documents": ["Not A Type"]}),
        json!({"targets": {"received": 0}}),
        json!({"targets": {"selected": 5}}),
        json!({"quorum": "two"}),
    ] {
        let (s, v) = app.call("PUT", "/api/v1/settings/review", Some(&w.operator), Some(bad.clone())).await;
        assert_eq!(s, 400, "{bad} → {v}");
        assert!(v["code"].is_string());
    }
    let (s, v) = app.call("PUT", "/api/v1/settings/review", Some(&w.operator), None).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_body")), "a PUT without a body says nothing");
    let (s, _) = app.call("PUT", "/api/v1/settings/review", Some(&w.supplier), Some(json!({"quorum": 1}))).await;
    assert_eq!(s, 403);
    assert_eq!(app.db.audit_count().await.expect("count"), events);

    // a new required document is asked of the next submission; a shorter target marks it overdue
    let (s, v) = app
        .call(
            "PUT",
            "/api/v1/settings/review",
            Some(&w.operator),
            Some(json!({"required_documents": ["service_definition", "price_list", "sla", "business_soundness", "no_debarment", "certificate", "security_audit"], "targets": {"received": 1}})),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["targets"]["received"], 1);
    assert_eq!(v["targets"]["in_review"], 10, "the fields not given keep their values");
    let (s, created) = app.call("POST", "/api/v1/services", Some(&w.supplier), Some(new_service("감사보고서 서비스"))).await;
    assert_eq!(s, 201);
    let id = created["id"].as_str().expect("id").to_owned();
    app.upload_required(&id, &w.supplier, "saas").await;
    let (s, v) = app.call("POST", &format!("/api/v1/services/{id}/submit"), Some(&w.supplier), None).await;
    assert_eq!((s, v["missing"].clone()), (400, json!(["security_audit"])), "{v}");
    let (s, v) = app.upload(&id, &w.supplier, "security_audit", "보안감사.pdf", PDF).await;
    assert_eq!(s, 201, "the settings' own document type is accepted: {v}");
    let (s, _) = app.call("POST", &format!("/api/v1/services/{id}/submit"), Some(&w.supplier), None).await;
    assert_eq!(s, 200);
    // received on Thursday 2026-11-19, two business days before Monday 2026-11-23: past its target of 1
    let a = app.application_of(&id, &w.operator).await;
    let app_id = a["id"].as_str().expect("id").to_owned();
    let earlier = common::clock().now_micros() - 4 * 86_400_000_000;
    sqlx::query("UPDATE application_steps SET started_at = $1 WHERE application_id = $2")
        .bind(earlier)
        .bind(&app_id)
        .execute(app.db.pool())
        .await
        .expect("move the step back");
    let a = app.application_of(&id, &w.operator).await;
    assert_eq!(
        (a["business_days"].as_i64(), a["target_business_days"].as_u64(), a["overdue"].as_bool()),
        (Some(2), Some(1), Some(true)),
        "{a}"
    );
}

#[tokio::test]
async fn rounds_take_a_name_and_a_date() {
    let w = world().await;
    let app = &w.app;
    for bad in [
        json!({}),
        json!({"name": "", "meets_on": "2026-12-15"}),
        json!({"name": "차수", "meets_on": "2026-13-01"}),
        json!({"name": "차수"}),
    ] {
        let (s, v) = app.call("POST", "/api/v1/rounds", Some(&w.operator), Some(bad.clone())).await;
        assert_eq!(s, 400, "{bad} → {v}");
    }
    let id = new_round(&w, "2027년 1월 차수").await;
    let (s, v) = app.call("GET", &format!("/api/v1/rounds/{id}"), Some(&w.reviewer), None).await;
    assert_eq!(
        (s, v["name"].as_str(), v["meets_on"].as_str(), v["status"].as_str()),
        (200, Some("2027년 1월 차수"), Some("2026-12-15"), Some("open"))
    );
    let (_, list) = app.call("GET", "/api/v1/rounds", Some(&w.operator), None).await;
    assert!(list.as_array().expect("rounds").iter().any(|r| r["id"] == id.as_str()));
    assert_eq!(app.call("GET", "/api/v1/rounds/00000000-0000-4000-8000-000000000000", Some(&w.operator), None).await.0, 404);
    assert_eq!(app.call("GET", "/api/v1/rounds/nope", Some(&w.operator), None).await.0, 400);
    assert_eq!(app.call("GET", "/api/v1/rounds", Some(&w.supplier), None).await.0, 403);
    let (s, v) = app.call("GET", "/api/v1/applications?status=maybe", Some(&w.operator), None).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_status_filter")));
}

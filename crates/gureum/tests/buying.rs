//! Buying through the API (SPEC §4 "Buying"; docs/RULES.md#buying), on the engine the run asks
//! for: a search becomes a project's long list, a short list and a frozen decision record; a
//! quote within the listed prices; a contract drafted from it, checked by the certification gate
//! and the budget, accepted by both sides by its text's hash and signed with its time to
//! contract; the catalog channel; amendments and the end. Every refusal answers its code and
//! changes nothing; nobody outside the parties sees anything.

mod common;

use common::{TestApp, World, world};
use gureum_storage::{ServiceKey, ServiceRecord};
use serde_json::{Value, json};

/// The catalog supplier behind a demo supplier account.
async fn supplier_id_of(app: &TestApp, who: &str) -> String {
    let u = app.db.user_by_email(&format!("{who}@demo.gureum.kr")).await.expect("user").expect("demo user");
    let org = app.db.organisation(&u.org_id).await.expect("org").expect("demo org");
    org.supplier_id.expect("a supplier organisation")
}

/// Listed services of a demo supplier that pass the gate today (no grade asked), with a plan.
async fn orderable(app: &TestApp, who: &str) -> Vec<ServiceRecord> {
    let sid = supplier_id_of(app, who).await;
    let (_, hits) = gureum_app::catalog::supplier(&app.state, &sid).await.expect("supplier");
    let mut out = Vec::new();
    for h in hits {
        let rec = app.db.service(ServiceKey::Id(&h.id)).await.expect("service").expect("listed");
        if !rec.listing.price_plans.is_empty() && gureum_app::buying::gate_reasons(&app.state, &rec, None).await.expect("gate").is_empty() {
            out.push(rec);
        }
    }
    assert!(!out.is_empty(), "the demo supplier {who} has an orderable service");
    out
}

fn plan(rec: &ServiceRecord) -> (String, i64) {
    let p = &rec.listing.price_plans[0];
    (p.name.clone(), p.unit_price_krw.won())
}

async fn budget_line(app: &TestApp, budget: &str, name: &str, amount: i64) -> String {
    let (s, v) = app
        .call("POST", "/api/v1/budget-lines", Some(budget), Some(json!({"fiscal_year": 2026, "name": name, "amount_krw": amount})))
        .await;
    assert_eq!(s, 201, "{v}");
    v["id"].as_str().expect("id").to_owned()
}

async fn line_figures(app: &TestApp, budget: &str, id: &str) -> (i64, i64) {
    let (_, list) = app.call("GET", "/api/v1/budget-lines", Some(budget), None).await;
    let l = list.as_array().expect("lines").iter().find(|l| l["id"] == id).cloned().expect("the line");
    (l["committed_krw"].as_i64().expect("committed"), l["available_krw"].as_i64().expect("available"))
}

/// A quote request for `quantity` × 12 months of the service's first plan, answered at `price`.
async fn quote(w: &World, rec: &ServiceRecord, project: Option<&str>, quantity: i64, price: i64) -> (String, String) {
    let app = &w.app;
    let (plan, _) = plan(rec);
    let (s, r) = app
        .call(
            "POST",
            "/api/v1/quote-requests",
            Some(&w.buyer),
            Some(json!({"project_id": project, "service_id": rec.id, "items": [{"plan": plan, "quantity": quantity, "months": 12}],
                "starts_on": "2027-01-01", "ends_on": "2027-12-31", "message": "내년도 이용 견적을 요청합니다."})),
        )
        .await;
    assert_eq!((s, r["status"].as_str()), (201, Some("requested")), "{r}");
    let rid = r["id"].as_str().expect("id").to_owned();
    let (s, q) = app
        .call(
            "POST",
            &format!("/api/v1/quote-requests/{rid}/quotes"),
            Some(&w.supplier),
            Some(json!({"items": [{"plan": plan, "unit_price_krw": price, "quantity": quantity, "months": 12}], "valid_until": "2026-12-31", "note": "공공기관 할인"})),
        )
        .await;
    assert_eq!((s, q["status"].as_str()), (201, Some("offered")), "{q}");
    assert_eq!(q["total_krw"].as_i64(), Some(price * quantity * 12));
    (rid, q["id"].as_str().expect("quote id").to_owned())
}

async fn events(app: &TestApp) -> i64 {
    app.db.audit_count().await.expect("count")
}

#[tokio::test]
async fn from_a_search_to_a_signed_contract() {
    let w = world().await;
    let app = &w.app;
    let budget = app.login("budget").await;
    let signatory = app.login("signatory").await;
    let auditor = app.login("auditor").await;
    let recs = orderable(app, "supplier").await;
    let rec = &recs[0];
    let (plan_name, price) = plan(rec);
    let line = budget_line(app, &budget, "클라우드 이용료", 1_000_000_000).await;

    // a project, a search from it, the long list
    let (s, p) =
        app.call("POST", "/api/v1/projects", Some(&w.buyer), Some(json!({"title": "민원 상담 챗봇 도입", "required_grade": null}))).await;
    assert_eq!((s, p["status"].as_str()), (201, Some("open")), "{p}");
    let pid = p["id"].as_str().expect("id").to_owned();
    let bizno = rec.supplier.business_number.clone();
    let (s, v) =
        app.call("POST", &format!("/api/v1/projects/{pid}/searches"), Some(&w.buyer), Some(json!({"q": bizno, "per_page": 50}))).await;
    assert_eq!(s, 200, "{v}");
    let long: Vec<&str> = v["long_list"].as_array().expect("long list").iter().filter_map(|e| e["service_id"].as_str()).collect();
    assert!(long.contains(&rec.id.as_str()), "the search's results join the long list: {v}");
    assert_eq!(v["left_out"], 0);
    assert!(v["long_list"][0]["revision"].as_i64().is_some_and(|r| r >= 1), "the listed revision seen");
    let (s, v) = app.call("POST", &format!("/api/v1/projects/{pid}/searches"), Some(&w.buyer), Some(json!({"kind": "nonsense"}))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_kind")), "the search API's own refusals");
    let (s, _) = app.call("POST", &format!("/api/v1/projects/{pid}/searches"), Some(&budget), Some(json!({"q": "x"}))).await;
    assert_eq!(s, 403, "the budget officer reads projects, the buyer runs them");

    // the short list: 1–10 of the long list
    let other = "00000000-0000-4000-8000-000000000001";
    for (ids, code) in [(json!([]), "shortlist_size"), (json!([other]), "not_in_long_list")] {
        let (s, v) = app.call("PUT", &format!("/api/v1/projects/{pid}/shortlist"), Some(&w.buyer), Some(json!({"service_ids": ids}))).await;
        assert_eq!((s, v["code"].as_str()), (400, Some(code)), "{v}");
    }
    let short: Vec<&str> = long.iter().copied().take(3).chain([rec.id.as_str()]).collect();
    let (s, v) = app.call("PUT", &format!("/api/v1/projects/{pid}/shortlist"), Some(&w.buyer), Some(json!({"service_ids": short}))).await;
    assert_eq!(s, 200, "{v}");
    assert!(v["shortlisted_at"].is_string());

    // the choice freezes the decision record
    let (s, v) = app
        .call(
            "POST",
            &format!("/api/v1/projects/{pid}/decision"),
            Some(&w.buyer),
            Some(json!({"chosen_service_ids": [rec.id], "reason": ""})),
        )
        .await;
    assert_eq!((s, v["code"].as_str()), (400, Some("reason_required")));
    let (s, record) = app
        .call(
            "POST",
            &format!("/api/v1/projects/{pid}/decision"),
            Some(&w.buyer),
            Some(json!({"chosen_service_ids": [rec.id], "reason": "보안인증 등급과 가격, 국내 데이터 보관을 비교해 선정"})),
        )
        .await;
    assert_eq!(s, 201, "{record}");
    let rid = record["id"].as_str().expect("id").to_owned();
    assert_eq!(
        record["hash"].as_str().map(str::to_owned),
        Some(gureum_app::buying::projects::record_hash(&record)),
        "the hash covers the record"
    );
    assert_eq!(record["comparison"].as_array().map(Vec::len), Some(record["short_list"].as_array().map(Vec::len).unwrap_or(0)));
    assert!(record["comparison"].as_array().expect("rows").iter().any(|r| r["service_id"] == rec.id.as_str() && r["plans"].is_array()));
    let (s, v) =
        app.call("PUT", &format!("/api/v1/projects/{pid}/shortlist"), Some(&w.buyer), Some(json!({"service_ids": [rec.id]}))).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("project_decided")), "a decided project changes no more");
    for who in [&w.buyer, &budget, &signatory, &w.operator, &auditor] {
        let (s, v) = app.call("GET", &format!("/api/v1/decision-records/{rid}"), Some(who), None).await;
        assert_eq!((s, v["hash"].clone()), (200, record["hash"].clone()));
    }
    for who in [&w.supplier, &w.supplier2, &w.reviewer] {
        assert_eq!(app.call("GET", &format!("/api/v1/decision-records/{rid}"), Some(who), None).await.0, 404, "no contract cites it yet");
    }
    let (s, csv) = app.call("GET", &format!("/api/v1/decision-records/{rid}.csv"), Some(&w.buyer), None).await;
    assert_eq!(s, 200);
    let csv = csv.as_str().expect("CSV text").to_owned();
    assert!(
        csv.contains(&format!("\"hash\",\"{}\"", record["hash"].as_str().unwrap_or_default())) && csv.contains(",\"true\"\r\n"),
        "{csv}"
    );

    // a quote within the listed price; above it is refused and changes nothing
    let (s, r) = app
        .call(
            "POST",
            "/api/v1/quote-requests",
            Some(&w.buyer),
            Some(json!({"project_id": pid, "service_id": rec.id, "items": [{"plan": plan_name, "quantity": 10, "months": 12}], "starts_on": "2027-01-01", "ends_on": "2027-12-31"})),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    let qrid = r["id"].as_str().expect("id").to_owned();
    let (_, mine) = app.call("GET", "/api/v1/quote-requests", Some(&w.supplier), None).await;
    assert!(mine.as_array().expect("list").iter().any(|q| q["id"] == qrid.as_str()), "the supplier sees the request");
    let (_, theirs) = app.call("GET", "/api/v1/quote-requests", Some(&w.supplier2), None).await;
    assert!(!theirs.as_array().expect("list").iter().any(|q| q["id"] == qrid.as_str()), "another supplier does not");
    assert_eq!(app.call("GET", &format!("/api/v1/quote-requests/{qrid}"), Some(&w.supplier2), None).await.0, 404);
    let before = events(app).await;
    let offer =
        |p: i64| json!({"items": [{"plan": plan_name, "unit_price_krw": p, "quantity": 10, "months": 12}], "valid_until": "2026-12-31"});
    let (s, v) = app.call("POST", &format!("/api/v1/quote-requests/{qrid}/quotes"), Some(&w.supplier), Some(offer(price + 1))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("price_above_listed")), "{v}");
    assert_eq!(app.call("POST", &format!("/api/v1/quote-requests/{qrid}/quotes"), Some(&w.supplier2), Some(offer(price))).await.0, 404);
    assert_eq!(app.call("POST", &format!("/api/v1/quote-requests/{qrid}/quotes"), Some(&w.buyer), Some(offer(price))).await.0, 403);
    assert_eq!(events(app).await, before, "refusals change nothing");
    let (_, tasks) = app.call("GET", "/api/v1/worklist", Some(&w.supplier), None).await;
    assert!(tasks.as_array().expect("tasks").iter().any(|t| t["kind"] == "answer_quote" && t["id"] == qrid.as_str()), "{tasks}");
    // the supplier was told in the app and by e-mail
    let (_, told) = app.call("GET", "/api/v1/notifications", Some(&w.supplier), None).await;
    assert!(told["items"].as_array().is_some_and(|n| n.iter().any(|n| n["kind"] == "quote_requested")), "{told}");
    let mails = app.db.outbox_to("supplier@demo.gureum.kr").await.expect("outbox");
    assert!(mails.iter().any(|m| m.body.contains(&format!("/quote-requests/{qrid}"))), "a mail with the link");
    let (s, q) = app.call("POST", &format!("/api/v1/quote-requests/{qrid}/quotes"), Some(&w.supplier), Some(offer(price))).await;
    assert_eq!((s, q["total_krw"].as_i64()), (201, Some(price * 120)), "{q}");
    let qid = q["id"].as_str().expect("quote id").to_owned();

    // the contract: drafted by the buyer, committed on the budget line
    let body = json!({"quote_id": qid, "type": "one_off", "fee_model": "fixed", "billing": "monthly", "budget_line_id": line,
        "starts_on": "2027-01-01", "ends_on": "2027-12-31", "decision_record_id": rid});
    assert_eq!(app.call("POST", "/api/v1/contracts", Some(&signatory), Some(body.clone())).await.0, 403, "the buyer drafts");
    let (s, c) = app.call("POST", "/api/v1/contracts", Some(&w.buyer), Some(body.clone())).await;
    assert_eq!((s, c["status"].as_str()), (201, Some("draft")), "{c}");
    assert!(c["time_to_contract"].is_null());
    let cid = c["id"].as_str().expect("id").to_owned();
    assert_eq!(c["total_krw"].as_i64(), Some(price * 120));
    assert_eq!(line_figures(app, &budget, &line).await.0, price * 120, "the total is committed");
    let (s, v) = app.call("POST", "/api/v1/contracts", Some(&w.buyer), Some(body)).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("invalid_status")), "a quote is used once: {v}");
    let (s, t) = app.call("GET", &format!("/api/v1/contracts/{cid}/text"), Some(&w.supplier), None).await;
    assert_eq!(s, 200);
    let text = t["text"].as_str().expect("text");
    assert!(text.contains(&rec.listing.name) && text.contains(&rec.code) && text.contains("부가가치세"), "{text}");
    assert_eq!(t["text_hash"], c["text_hash"]);
    let hash = t["text_hash"].as_str().expect("hash").to_owned();
    let (s, v) = app.call("GET", &format!("/api/v1/decision-records/{rid}"), Some(&w.supplier), None).await;
    assert_eq!(s, 200, "the supplier of a contract citing the record reads it: {v}");

    // the text waits on both sides' worklists
    for who in [&signatory, &w.supplier] {
        let (_, tasks) = app.call("GET", "/api/v1/worklist", Some(who), None).await;
        assert!(tasks.as_array().expect("tasks").iter().any(|t| t["kind"] == "accept_contract" && t["id"] == cid.as_str()), "{tasks}");
    }
    let (_, tasks) = app.call("GET", "/api/v1/worklist", Some(&w.supplier2), None).await;
    assert_eq!(tasks, json!([]), "nothing waits on another supplier");

    // both sides accept by the hash; other roles are forbidden, outsiders see nothing
    for who in [&w.supplier2, &w.reviewer] {
        assert_eq!(app.call("GET", &format!("/api/v1/contracts/{cid}"), Some(who), None).await.0, 404);
        assert_eq!(app.call("POST", &format!("/api/v1/contracts/{cid}/accept"), Some(who), Some(json!({"text_hash": hash}))).await.0, 404);
    }
    for who in [&w.buyer, &budget] {
        assert_eq!(app.call("POST", &format!("/api/v1/contracts/{cid}/accept"), Some(who), Some(json!({"text_hash": hash}))).await.0, 403);
    }
    let (s, v) =
        app.call("POST", &format!("/api/v1/contracts/{cid}/accept"), Some(&signatory), Some(json!({"text_hash": "0".repeat(64)}))).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("text_changed")));
    let (s, v) = app.call("POST", &format!("/api/v1/contracts/{cid}/accept"), Some(&signatory), Some(json!({"text_hash": hash}))).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("draft")), "one side is not enough: {v}");
    let (s, v) = app.call("POST", &format!("/api/v1/contracts/{cid}/accept"), Some(&w.supplier), Some(json!({"text_hash": hash}))).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("signed")), "{v}");
    assert_eq!(v["time_to_contract"]["from"], "shortlist");
    assert_eq!((v["time_to_contract"]["calendar_days"].as_i64(), v["time_to_contract"]["business_days"].as_i64()), (Some(0), Some(0)));
    assert_eq!(v["decision_record_id"], rid.as_str());
    assert!(v["items"][0]["meter"].is_string());

    // each side's list; the operator and the auditor read every contract
    for who in [&w.buyer, &signatory, &budget, &w.supplier, &w.operator, &auditor] {
        let (s, list) = app.call("GET", "/api/v1/contracts", Some(who), None).await;
        assert_eq!(s, 200);
        assert!(list.as_array().expect("list").iter().any(|c| c["id"] == cid.as_str()));
    }
    let (_, list) = app.call("GET", "/api/v1/contracts", Some(&w.supplier2), None).await;
    assert!(list.as_array().expect("list").is_empty());
    let actions: Vec<String> =
        app.db.audit_for_entity("contract", &cid).await.expect("audit").iter().map(|r| r.event.action.clone()).collect();
    assert_eq!(actions, ["contract.create", "contract.accept", "contract.accept", "contract.sign"]);
    let (s, st) = app.get("/api/v1/stats/time-to-contract").await;
    assert_eq!(
        (s, st["count"].as_i64(), st["target_days"].as_i64(), st["median_days"].as_i64()),
        (200, Some(1), Some(14), Some(0)),
        "{st}"
    );
    assert_eq!(st["by_method"]["negotiated"]["count"], 1);
}

#[tokio::test]
async fn the_gate_and_the_budget_refuse_and_change_nothing() {
    let w = world().await;
    let app = &w.app;
    let budget = app.login("budget").await;
    let rec = orderable(app, "supplier").await.remove(0);
    let (_, price) = plan(&rec);
    let small = budget_line(app, &budget, "소액", price * 12 - 1).await;
    let (_, qid) = quote(&w, &rec, None, 1, price).await;
    let contract =
        |line: &str| json!({"quote_id": qid, "type": "one_off", "fee_model": "metered", "billing": "quarterly", "budget_line_id": line});

    // beyond the budget line
    let before = events(app).await;
    let (s, v) = app.call("POST", "/api/v1/contracts", Some(&w.buyer), Some(contract(&small))).await;
    assert_eq!((s, v["code"].as_str(), v["available_krw"].as_i64()), (409, Some("budget_exceeded"), Some(price * 12 - 1)), "{v}");
    assert_eq!(events(app).await, before);
    assert_eq!(line_figures(app, &budget, &small).await.0, 0);

    // a debarred supplier cannot be contracted, with the reason
    let line = budget_line(app, &budget, "충분", 10_000_000_000).await;
    let (s, v) = app
        .call(
            "POST",
            &format!("/api/v1/suppliers/{}/debarments", rec.supplier.id),
            Some(&w.operator),
            Some(json!({"from": "2026-11-20", "to": "2027-02-28", "reason": "입찰 담합"})),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let before = events(app).await;
    let (s, v) = app.call("POST", "/api/v1/contracts", Some(&w.buyer), Some(contract(&line))).await;
    assert_eq!(s, 409, "{v}");
    assert_eq!(v["code"], "not_orderable");
    assert!(v["reasons"].as_array().is_some_and(|r| r.iter().any(|x| x == "supplier_debarred")), "{v}");
    assert_eq!(events(app).await, before);
    assert_eq!(line_figures(app, &budget, &line).await.0, 0, "nothing committed");
}

#[tokio::test]
async fn a_project_grade_above_the_service_s_is_refused() {
    let w = world().await;
    let app = &w.app;
    let budget = app.login("budget").await;
    // a service whose effective grade is below high
    let mut chosen = None;
    for rec in orderable(app, "supplier").await {
        let cert = gureum_app::catalog::certification_today(&app.state, &rec).await.expect("cert");
        if cert.and_then(|c| c.effective_grade) != Some(gureum_domain::CsapGrade::High) {
            chosen = Some(rec);
            break;
        }
    }
    let Some(rec) = chosen else {
        panic!("the demo supplier has a service certified below high");
    };
    let line = budget_line(app, &budget, "이용료", 10_000_000_000).await;
    let (_, p) =
        app.call("POST", "/api/v1/projects", Some(&w.buyer), Some(json!({"title": "국가 핵심 시스템", "required_grade": "high"}))).await;
    let pid = p["id"].as_str().expect("id").to_owned();
    let (_, price) = plan(&rec);
    let (_, qid) = quote(&w, &rec, Some(&pid), 1, price).await;
    let (s, v) = app
        .call(
            "POST",
            "/api/v1/contracts",
            Some(&w.buyer),
            Some(json!({"quote_id": qid, "type": "one_off", "fee_model": "fixed", "billing": "monthly", "budget_line_id": line})),
        )
        .await;
    assert_eq!((s, v["code"].as_str(), v["reason"].as_str()), (409, Some("not_orderable"), Some("grade_below_required")), "{v}");
}

#[tokio::test]
async fn joint_and_long_term_contracts_keep_their_terms() {
    let w = world().await;
    let app = &w.app;
    let budget = app.login("budget").await;
    let rec = orderable(app, "supplier").await.remove(0);
    let (_, price) = plan(&rec);
    let line = budget_line(app, &budget, "이용료", 10_000_000_000).await;
    let partner = supplier_id_of(app, "supplier2").await;
    let (_, qid) = quote(&w, &rec, None, 7, price).await;
    let total = price * 7 * 12;
    let joint = |a: i64, b: i64| {
        json!({"quote_id": qid, "type": "joint", "fee_model": "fixed", "billing": "monthly", "budget_line_id": line,
            "shares": [{"supplier_id": rec.supplier.id, "pct": a}, {"supplier_id": partner, "pct": b}]})
    };
    let (s, v) = app.call("POST", "/api/v1/contracts", Some(&w.buyer), Some(joint(60, 30))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("shares_not_100")), "{v}");
    let (s, c) = app.call("POST", "/api/v1/contracts", Some(&w.buyer), Some(joint(67, 33))).await;
    assert_eq!(s, 201, "{c}");
    let amounts: Vec<i64> = c["shares"].as_array().expect("shares").iter().filter_map(|s| s["amount_krw"].as_i64()).collect();
    assert_eq!(amounts.iter().sum::<i64>(), total, "the shares add up to the total exactly");
    // the partner is a party too: it reads the contract
    let cid = c["id"].as_str().expect("id");
    assert_eq!(app.call("GET", &format!("/api/v1/contracts/{cid}"), Some(&w.supplier2), None).await.0, 200);

    let (_, qid) = quote(&w, &rec, None, 1, price).await;
    let long = |a: i64| {
        json!({"quote_id": qid, "type": "long_term", "fee_model": "fixed", "billing": "monthly", "budget_line_id": line,
            "starts_on": "2026-12-01", "ends_on": "2027-11-30", "installments": [{"fiscal_year": 2026, "amount_krw": a}, {"fiscal_year": 2027, "amount_krw": price * 12 - a}]})
    };
    let bad = json!({"quote_id": qid, "type": "long_term", "fee_model": "fixed", "billing": "monthly", "budget_line_id": line,
        "starts_on": "2026-12-01", "ends_on": "2027-11-30", "installments": [{"fiscal_year": 2026, "amount_krw": price}]});
    let (s, v) = app.call("POST", "/api/v1/contracts", Some(&w.buyer), Some(bad)).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("installments_not_total")), "{v}");
    let committed = line_figures(app, &budget, &line).await.0;
    let (s, c) = app.call("POST", "/api/v1/contracts", Some(&w.buyer), Some(long(price))).await;
    assert_eq!(s, 201, "{c}");
    assert_eq!(
        line_figures(app, &budget, &line).await.0 - committed,
        price,
        "only this year's instalment is committed on this year's line"
    );
}

#[tokio::test]
async fn concurrent_contracts_commit_exactly_what_fits() {
    let w = world().await;
    let app = &w.app;
    let budget = app.login("budget").await;
    let rec = orderable(app, "supplier").await.remove(0);
    let (_, price) = plan(&rec);
    let each = price * 12;
    let fits = 4;
    let line = budget_line(app, &budget, "동시성", each * fits).await;
    let mut quotes = Vec::new();
    for _ in 0..12 {
        quotes.push(quote(&w, &rec, None, 1, price).await.1);
    }
    let mut set = tokio::task::JoinSet::new();
    for qid in quotes {
        let (router, token, line) = (app.router.clone(), w.buyer.clone(), line.clone());
        set.spawn(async move {
            let body = json!({"quote_id": qid, "type": "one_off", "fee_model": "fixed", "billing": "monthly", "budget_line_id": line});
            common::request(&router, "POST", "/api/v1/contracts", Some(&token), Some(body)).await
        });
    }
    let answers: Vec<(u16, Value)> = set.join_all().await;
    let ok = answers.iter().filter(|(s, _)| *s == 201).count() as i64;
    assert!(answers.iter().all(|(s, v)| *s == 201 || (*s == 409 && v["code"] == "budget_exceeded")), "{answers:?}");
    assert_eq!(ok, fits, "exactly what fits is committed");
    assert_eq!(line_figures(app, &budget, &line).await, (each * fits, 0));
}

#[tokio::test]
async fn the_catalog_channel_from_master_contract_to_confirmed_order() {
    let w = world().await;
    let app = &w.app;
    let budget = app.login("budget").await;
    let pps = app.login("pps").await;
    let rec = orderable(app, "supplier").await.remove(0);
    let (plan_name, price) = plan(&rec);
    let line = budget_line(app, &budget, "카탈로그 구매", 10_000_000_000).await;
    let master = |number: &str, p: i64, from: &str, to: &str| json!({"supplier_id": rec.supplier.id, "number": number, "items": [{"service_id": rec.id, "plan": plan_name, "unit_price_krw": p}], "starts_on": from, "ends_on": to});
    let (s, v) = app
        .call("POST", "/api/v1/catalog-contracts", Some(&pps), Some(master("PPS-2026-001", price + 1, "2026-01-01", "2027-12-31")))
        .await;
    assert_eq!((s, v["code"].as_str()), (400, Some("price_above_listed")));
    let methods = |v: &Value| v["purchase_methods"].as_array().is_some_and(|m| m.iter().any(|x| x == "catalog"));
    let (_, svc) = app.get(&format!("/api/v1/services/{}", rec.id)).await;
    assert_eq!(methods(&svc), rec.listing.catalog_contract.is_some(), "before any master contract: {svc}");
    assert_eq!(
        app.call("POST", "/api/v1/catalog-contracts", Some(&w.buyer), Some(master("PPS-2026-001", price, "2026-01-01", "2027-12-31")))
            .await
            .0,
        403
    );
    let (s, cc) =
        app.call("POST", "/api/v1/catalog-contracts", Some(&pps), Some(master("PPS-2026-001", price, "2026-01-01", "2027-12-31"))).await;
    assert_eq!((s, cc["status"].as_str()), (201, Some("running")), "{cc}");
    let (s, v) =
        app.call("POST", "/api/v1/catalog-contracts", Some(&pps), Some(master("PPS-2026-001", price, "2026-01-01", "2027-12-31"))).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("catalog_number_taken")));
    let (_, ended) =
        app.call("POST", "/api/v1/catalog-contracts", Some(&pps), Some(master("PPS-2024-009", price, "2024-01-01", "2025-12-31"))).await;
    let ccid = cc["id"].as_str().expect("id").to_owned();
    let (_, svc) = app.get(&format!("/api/v1/services/{}", rec.id)).await;
    assert!(methods(&svc), "a running catalog contract: {svc}");

    let order = |cc: &str| json!({"catalog_contract_id": cc, "items": [{"service_id": rec.id, "plan": plan_name, "quantity": 3, "months": 6}], "budget_line_id": line});
    let before = events(app).await;
    let (s, v) = app.call("POST", "/api/v1/delivery-requests", Some(&w.buyer), Some(order(ended["id"].as_str().expect("id")))).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("catalog_contract_ended")), "{v}");
    assert_eq!(events(app).await, before);
    let (s, o) = app.call("POST", "/api/v1/delivery-requests", Some(&w.buyer), Some(order(&ccid))).await;
    assert_eq!((s, o["status"].as_str(), o["total_krw"].as_i64()), (201, Some("requested"), Some(price * 18)), "{o}");
    assert_eq!(line_figures(app, &budget, &line).await.0, price * 18);
    let oid = o["id"].as_str().expect("id").to_owned();
    assert_eq!(app.call("POST", &format!("/api/v1/orders/{oid}/confirm"), Some(&w.supplier2), None).await.0, 404);
    assert_eq!(app.call("POST", &format!("/api/v1/orders/{oid}/confirm"), Some(&w.buyer), None).await.0, 403);
    let (s, v) = app.call("POST", &format!("/api/v1/orders/{oid}/confirm"), Some(&w.supplier), None).await;
    assert_eq!(
        (s, v["status"].as_str(), v["time_to_contract"]["from"].as_str()),
        (200, Some("confirmed"), Some("delivery_request")),
        "{v}"
    );
    let (_, mine) = app.call("GET", "/api/v1/orders", Some(&w.supplier), None).await;
    assert!(mine.as_array().expect("orders").iter().any(|o| o["id"] == oid.as_str()));

    // a refused one gives its budget back
    let (_, o) = app.call("POST", "/api/v1/delivery-requests", Some(&w.buyer), Some(order(&ccid))).await;
    let oid = o["id"].as_str().expect("id").to_owned();
    assert_eq!(line_figures(app, &budget, &line).await.0, price * 36);
    let (s, v) = app.call("POST", &format!("/api/v1/orders/{oid}/refuse"), Some(&w.supplier), Some(json!({"reason": ""}))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("reason_required")));
    let (s, v) = app.call("POST", &format!("/api/v1/orders/{oid}/refuse"), Some(&w.supplier), Some(json!({"reason": "재고 부족"}))).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("refused")));
    assert_eq!(line_figures(app, &budget, &line).await.0, price * 18, "the refused order's budget is back");
}

/// A signed contract between the demo agency and the demo supplier; answers its id.
async fn signed(w: &World, budget: &str, signatory: &str) -> (String, ServiceRecord, String) {
    let app = &w.app;
    let rec = orderable(app, "supplier").await.remove(0);
    let (_, price) = plan(&rec);
    let line = budget_line(app, budget, "서명", 10_000_000_000).await;
    let (_, qid) = quote(w, &rec, None, 2, price).await;
    let (s, c) = app
        .call(
            "POST",
            "/api/v1/contracts",
            Some(&w.buyer),
            Some(json!({"quote_id": qid, "type": "one_off", "fee_model": "fixed", "billing": "monthly", "budget_line_id": line, "cap_krw": price * 24})),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    let cid = c["id"].as_str().expect("id").to_owned();
    let hash = c["text_hash"].as_str().expect("hash").to_owned();
    for who in [signatory, w.supplier.as_str()] {
        let (s, v) = app.call("POST", &format!("/api/v1/contracts/{cid}/accept"), Some(who), Some(json!({"text_hash": hash}))).await;
        assert_eq!(s, 200, "{v}");
    }
    (cid, rec, line)
}

#[tokio::test]
async fn amendments_termination_and_the_data_return() {
    let w = world().await;
    let app = &w.app;
    let budget = app.login("budget").await;
    let signatory = app.login("signatory").await;
    let (cid, _rec, line) = signed(&w, &budget, &signatory).await;
    let (_, c) = app.call("GET", &format!("/api/v1/contracts/{cid}"), Some(&w.buyer), None).await;
    let old_hash = c["text_hash"].as_str().expect("hash").to_owned();
    let cap = c["cap_krw"].as_i64().expect("cap");

    // the supplier proposes a longer period; it cannot answer its own proposal
    let (s, a) = app
        .call(
            "POST",
            &format!("/api/v1/contracts/{cid}/amendments"),
            Some(&w.supplier),
            Some(json!({"changes": {"ends_on": "2028-06-30"}, "reason": "이관 일정 연장"})),
        )
        .await;
    assert_eq!((s, a["status"].as_str(), a["proposed_by"].as_str()), (201, Some("proposed"), Some("supplier")), "{a}");
    let aid = a["id"].as_str().expect("id").to_owned();
    let new_hash = a["text_hash"].as_str().expect("hash").to_owned();
    assert_ne!(new_hash, old_hash);
    let (s, v) = app
        .call(
            "POST",
            &format!("/api/v1/contracts/{cid}/amendments"),
            Some(&w.buyer),
            Some(json!({"changes": {"cap_krw": cap + 1}, "reason": "증액"})),
        )
        .await;
    assert_eq!((s, v["code"].as_str()), (409, Some("amendment_pending")));
    let (s, v) =
        app.call("POST", &format!("/api/v1/amendments/{aid}/accept"), Some(&w.supplier), Some(json!({"text_hash": new_hash}))).await;
    assert_eq!((s, v["code"].as_str()), (403, Some("own_amendment")));
    let (s, v) =
        app.call("POST", &format!("/api/v1/amendments/{aid}/accept"), Some(&signatory), Some(json!({"text_hash": old_hash}))).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("text_changed")));
    assert_eq!(
        app.call("POST", &format!("/api/v1/amendments/{aid}/accept"), Some(&w.supplier2), Some(json!({"text_hash": new_hash}))).await.0,
        404
    );
    let (s, v) =
        app.call("POST", &format!("/api/v1/amendments/{aid}/accept"), Some(&signatory), Some(json!({"text_hash": new_hash}))).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("accepted")), "{v}");
    let (_, c) = app.call("GET", &format!("/api/v1/contracts/{cid}"), Some(&w.buyer), None).await;
    assert_eq!((c["ends_on"].as_str(), c["text_hash"].as_str()), (Some("2028-06-30"), Some(new_hash.as_str())));
    let (_, list) = app.call("GET", &format!("/api/v1/contracts/{cid}/amendments"), Some(&w.supplier), None).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1), "the history is kept");

    // a cap below what was invoiced is refused; a higher cap commits the difference
    sqlx::query("UPDATE contracts SET invoiced_krw = $2 WHERE id = $1")
        .bind(&cid)
        .bind(cap - 10)
        .execute(app.db.pool())
        .await
        .expect("invoice");
    let (s, v) = app
        .call(
            "POST",
            &format!("/api/v1/contracts/{cid}/amendments"),
            Some(&w.buyer),
            Some(json!({"changes": {"cap_krw": cap - 11}, "reason": "감액"})),
        )
        .await;
    assert_eq!((s, v["code"].as_str()), (409, Some("below_invoiced")), "{v}");
    let (committed, _) = line_figures(app, &budget, &line).await;
    let (_, a) = app
        .call(
            "POST",
            &format!("/api/v1/contracts/{cid}/amendments"),
            Some(&w.buyer),
            Some(json!({"changes": {"cap_krw": cap + 500}, "reason": "증액"})),
        )
        .await;
    let (s, v) = app
        .call(
            "POST",
            &format!("/api/v1/amendments/{}/refuse", a["id"].as_str().expect("id")),
            Some(&w.supplier),
            Some(json!({"reason": "단가 재협의 필요"})),
        )
        .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("refused")));
    let (_, a) = app
        .call(
            "POST",
            &format!("/api/v1/contracts/{cid}/amendments"),
            Some(&w.buyer),
            Some(json!({"changes": {"cap_krw": cap + 500}, "reason": "증액"})),
        )
        .await;
    let (s, v) = app
        .call(
            "POST",
            &format!("/api/v1/amendments/{}/accept", a["id"].as_str().expect("id")),
            Some(&w.supplier),
            Some(json!({"text_hash": a["text_hash"]})),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(line_figures(app, &budget, &line).await.0, committed + 500);

    // termination, then the data return confirmed by both
    let (s, v) =
        app.call("POST", &format!("/api/v1/contracts/{cid}/terminate"), Some(&w.buyer), Some(json!({"reason": "사업 종료"}))).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("terminated")), "{v}");
    assert_eq!(line_figures(app, &budget, &line).await.0, cap - 10, "what was not invoiced goes back");
    assert_eq!(app.call("POST", &format!("/api/v1/contracts/{cid}/data-return"), Some(&w.buyer), None).await.0, 403);
    let (s, v) = app.call("POST", &format!("/api/v1/contracts/{cid}/data-return/confirm"), Some(&w.buyer), None).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("invalid_status")));
    let (s, v) = app.call("POST", &format!("/api/v1/contracts/{cid}/data-return"), Some(&w.supplier), None).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("data_returned")));
    let (s, v) = app.call("POST", &format!("/api/v1/contracts/{cid}/data-return/confirm"), Some(&signatory), None).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("closed")));
}

#[tokio::test]
async fn the_demo_shows_buying_at_every_step() {
    let w = world().await;
    let app = &w.app;
    gureum::demo_buying::seed_demo_buying(&app.state).await.expect("demo buying");
    gureum::demo_buying::seed_demo_buying(&app.state).await.expect("a second run changes nothing");
    let budget = app.login("budget").await;
    let (_, lines) = app.call("GET", "/api/v1/budget-lines", Some(&budget), None).await;
    assert_eq!(lines.as_array().map(Vec::len), Some(3), "{lines}");
    let (_, projects) = app.call("GET", "/api/v1/projects", Some(&w.buyer), None).await;
    let states: Vec<(&str, usize)> = projects
        .as_array()
        .expect("projects")
        .iter()
        .map(|p| (p["status"].as_str().unwrap_or(""), p["short_list"].as_array().map(Vec::len).unwrap_or(0)))
        .collect();
    assert!(states.iter().any(|(s, n)| *s == "open" && *n > 0), "an open project with a short list: {states:?}");
    assert!(states.iter().any(|(s, _)| *s == "decided"), "a decided one: {states:?}");
    let (_, contracts) = app.call("GET", "/api/v1/contracts", Some(&w.supplier), None).await;
    let c = &contracts[0];
    assert_eq!((c["status"].as_str(), c["decision_record_id"].is_string()), (Some("active"), true), "{contracts}");
    // metered, billed monthly, begun at least three months before the clock (2026-11-23), a year long
    assert_eq!((c["fee_model"].as_str(), c["billing"].as_str()), (Some("metered"), Some("monthly")), "{c}");
    assert_eq!((c["starts_on"].as_str(), c["ends_on"].as_str()), (Some("2026-07-01"), Some("2027-06-30")), "{c}");
    // its use (issue #24): usage in every month, the earlier months' invoices paid, the
    // previous month's a draft, an outage's SLA credit on August's, a rating with its reply
    let cid = c["id"].as_str().expect("id");
    let (_, usage) = app.call("GET", &format!("/api/v1/contracts/{cid}/usage"), Some(&w.supplier), None).await;
    let months: Vec<&str> = usage["months"].as_array().expect("months").iter().filter_map(|m| m["month"].as_str()).collect();
    assert_eq!(months, ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11"], "{usage}");
    let (_, invoices) = app.call("GET", &format!("/api/v1/invoices?contract_id={cid}"), Some(&w.buyer), None).await;
    let mut states: Vec<(String, String, i64)> = invoices
        .as_array()
        .expect("invoices")
        .iter()
        .map(|i| {
            (
                i["period"].as_str().unwrap_or("").to_owned(),
                i["status"].as_str().unwrap_or("").to_owned(),
                i["credit_krw"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    states.sort();
    let shape: Vec<(&str, &str, bool)> = states.iter().map(|(p, s, c)| (p.as_str(), s.as_str(), *c > 0)).collect();
    assert_eq!(
        shape,
        [("2026-07", "paid", false), ("2026-08", "paid", true), ("2026-09", "paid", false), ("2026-10", "draft", false)],
        "{invoices}"
    );
    let service = c["items"][0]["service_id"].as_str().expect("service");
    let (_, ratings) = app.call("GET", &format!("/api/v1/services/{service}/ratings"), None, None).await;
    assert_eq!(ratings["count"].as_i64(), Some(1), "{ratings}");
    assert!(ratings["ratings"][0]["reply"].is_object() || ratings["ratings"][0]["reply"].is_string(), "{ratings}");
    let (_, line) = app.call("GET", "/api/v1/budget-lines", Some(&budget), None).await;
    assert!(line.as_array().expect("lines").iter().any(|l| l["spent_krw"].as_i64().unwrap_or(0) > 0), "payments spent: {line}");
    let (_, tasks) = app.call("GET", "/api/v1/worklist", Some(&w.supplier), None).await;
    assert!(
        tasks.as_array().expect("tasks").iter().any(|t| t["kind"] == "confirm_order"),
        "a delivery request waits for the supplier: {tasks}"
    );
}

#[tokio::test]
async fn call_offs_never_pass_a_unit_price_contract_s_cap() {
    let w = world().await;
    let app = &w.app;
    let budget = app.login("budget").await;
    let signatory = app.login("signatory").await;
    let rec = orderable(app, "supplier").await.remove(0);
    let (plan_name, price) = plan(&rec);
    let line = budget_line(app, &budget, "단가계약", 10_000_000_000).await;
    let (_, qid) = quote(&w, &rec, None, 1, price).await;
    let fits = 3;
    let (s, c) = app
        .call(
            "POST",
            "/api/v1/contracts",
            Some(&w.buyer),
            Some(json!({"quote_id": qid, "type": "unit_price", "fee_model": "metered", "billing": "monthly", "budget_line_id": line,
                "starts_on": "2026-11-23", "ends_on": "2027-11-22", "cap_krw": price * 2 * fits})),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    assert_eq!(line_figures(app, &budget, &line).await.0, price * 2 * fits, "the cap is committed, not the quote");
    let cid = c["id"].as_str().expect("id").to_owned();
    let order = json!({"contract_id": cid, "items": [{"service_id": rec.id, "plan": plan_name, "quantity": 1, "months": 2}]});
    let (s, v) = app.call("POST", "/api/v1/delivery-requests", Some(&w.buyer), Some(order.clone())).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("invalid_status")), "not before it is signed: {v}");
    for who in [&signatory, &w.supplier] {
        app.call("POST", &format!("/api/v1/contracts/{cid}/accept"), Some(who), Some(json!({"text_hash": c["text_hash"]}))).await;
    }
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (router, token, body) = (app.router.clone(), w.buyer.clone(), order.clone());
        set.spawn(async move { common::request(&router, "POST", "/api/v1/delivery-requests", Some(&token), Some(body)).await });
    }
    let answers = set.join_all().await;
    assert!(answers.iter().all(|(s, v)| *s == 201 || (*s == 409 && v["code"] == "cap_exceeded")), "{answers:?}");
    assert_eq!(answers.iter().filter(|(s, _)| *s == 201).count(), fits as usize, "exactly what fits under the cap");
    let (_, c) = app.call("GET", &format!("/api/v1/contracts/{cid}"), Some(&w.buyer), None).await;
    assert_eq!(c["ordered_krw"].as_i64(), Some(price * 2 * fits));
    assert_eq!(line_figures(app, &budget, &line).await.0, price * 2 * fits, "call-offs draw on the cap, not the line again");
    // a refused call-off frees its part of the cap
    let (_, orders) = app.call("GET", "/api/v1/orders", Some(&w.supplier), None).await;
    let oid = orders[0]["id"].as_str().expect("id").to_owned();
    assert_eq!(orders[0]["method"], "call_off");
    let (s, _) = app.call("POST", &format!("/api/v1/orders/{oid}/refuse"), Some(&w.supplier), Some(json!({"reason": "중복 주문"}))).await;
    assert_eq!(s, 200);
    let (_, c) = app.call("GET", &format!("/api/v1/contracts/{cid}"), Some(&w.buyer), None).await;
    assert_eq!(c["ordered_krw"].as_i64(), Some(price * 2 * (fits - 1)));
}

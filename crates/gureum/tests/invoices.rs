//! Invoices through the API (SPEC §3 "Usage and billing", §4 invoices), on the engine the run
//! asks for: a signed metered contract's ended periods are drafted to the letter (metered lines
//! net of VAT, fixed fees, an SLA credit from an unannounced outage, VAT truncated), a second
//! run changes nothing, invoices are issued in period order once their period has ended, late
//! usage lands on the next draft, dispute → re-issue → accept → pay moves the budget line's
//! spent amount; a joint contract's members invoice their shares; `gureum bill` twice; the
//! billing job runs on every pass. Usage arrives through `POST /api/v1/usage` with the supplier's
//! `usage:write` token, outages through `POST /api/v1/incidents`; and an incident lowers the next
//! invoice, its availability and the contract's spend, end to end.

mod common;

use common::{TestApp, World, world};
use gureum_domain::billing::{self, ContractLine, Input, SlaMonth};
use gureum_domain::usage::{Month, Period, Quantity};
use gureum_storage::{ContractItem, ServiceKey, ServiceRecord};
use serde_json::{Value, json};

async fn supplier_id_of(app: &TestApp, who: &str) -> String {
    let u = app.db.user_by_email(&format!("{who}@demo.gureum.kr")).await.expect("user").expect("demo user");
    let org = app.db.organisation(&u.org_id).await.expect("org").expect("demo org");
    org.supplier_id.expect("a supplier organisation")
}

/// A listed service of the demo supplier that passes the gate and has an SLA with a credit.
async fn service_with_sla(app: &TestApp) -> ServiceRecord {
    let sid = supplier_id_of(app, "supplier").await;
    let (_, hits) = gureum_app::catalog::supplier(&app.state, &sid).await.expect("supplier");
    for h in hits {
        let rec = app.db.service(ServiceKey::Id(&h.id)).await.expect("service").expect("listed");
        let sla = rec.listing.sla.as_ref();
        if !rec.listing.price_plans.is_empty()
            && sla.is_some_and(|s| s.availability_pct.is_some() && s.credit_pct.is_some_and(|c| c > 0.0))
            && gureum_app::buying::gate_reasons(&app.state, &rec, None).await.expect("gate").is_empty()
        {
            return rec;
        }
    }
    panic!("the demo supplier has an orderable service with an SLA");
}

struct Deal {
    contract_id: String,
    line_id: String,
    rec: ServiceRecord,
}

/// A signed contract of the demo supplier (or a joint one with supplier2 at 67/33), billed
/// monthly from 2026-08-01 for a year, whose lines are then set to: 100원 per vCPU-hour, 110원
/// (VAT included) per GB, and a fixed 50,000원 a month.
async fn signed(w: &World, budget: &str, joint: bool) -> Deal {
    let app = &w.app;
    let rec = service_with_sla(app).await;
    let plan = rec.listing.price_plans[0].name.clone();
    let price = rec.listing.price_plans[0].unit_price_krw.won();
    let (s, line) = app
        .call(
            "POST",
            "/api/v1/budget-lines",
            Some(budget),
            Some(json!({"fiscal_year": 2026, "name": format!("이용료 {joint}"), "amount_krw": 10_000_000_000_i64})),
        )
        .await;
    assert_eq!(s, 201, "{line}");
    let line_id = line["id"].as_str().expect("id").to_owned();
    let (s, r) = app
        .call(
            "POST",
            "/api/v1/quote-requests",
            Some(&w.buyer),
            Some(json!({"service_id": rec.id, "items": [{"plan": plan, "quantity": 1, "months": 12}],
                "starts_on": "2026-09-01", "ends_on": "2027-08-31", "message": "종량제 이용 견적을 요청합니다."})),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    let rid = r["id"].as_str().expect("id");
    let (s, q) = app
        .call(
            "POST",
            &format!("/api/v1/quote-requests/{rid}/quotes"),
            Some(&w.supplier),
            Some(json!({"items": [{"plan": plan, "unit_price_krw": price, "quantity": 1, "months": 12}], "valid_until": "2026-12-31", "note": "종량제"})),
        )
        .await;
    assert_eq!(s, 201, "{q}");
    let mut body = json!({"quote_id": q["id"], "type": "one_off", "fee_model": "metered", "billing": "monthly", "budget_line_id": line_id,
        "starts_on": "2026-09-01", "ends_on": "2027-08-31"});
    if joint {
        let partner = supplier_id_of(app, "supplier2").await;
        body["type"] = json!("joint");
        body["shares"] = json!([{"supplier_id": rec.supplier.id, "pct": 67}, {"supplier_id": partner, "pct": 33}]);
    }
    let (s, c) = app.call("POST", "/api/v1/contracts", Some(&w.buyer), Some(body)).await;
    assert_eq!(s, 201, "{c}");
    let cid = c["id"].as_str().expect("id").to_owned();
    let signatory = app.login("signatory").await;
    for who in [signatory.as_str(), w.supplier.as_str()] {
        let (s, v) =
            app.call("POST", &format!("/api/v1/contracts/{cid}/accept"), Some(who), Some(json!({"text_hash": c["text_hash"]}))).await;
        assert_eq!(s, 200, "{v}");
    }
    let item = |meter: &str, model: &str, price: i64, vat: bool, quantity: i64| ContractItem {
        service_id: rec.id.clone(),
        service_code: rec.code.clone(),
        service_name: rec.listing.name.clone(),
        plan: format!("{meter} 요금"),
        meter: meter.into(),
        unit_price_krw: price,
        quantity,
        months: 12,
        model: model.into(),
        vat_included: vat,
    };
    let mut tx = app.db.begin_write().await.expect("tx");
    tx.replace_items(
        &cid,
        &[item("vCPU-hour", "metered", 100, false, 1), item("GB", "metered", 110, true, 1), item("지원", "fixed", 50_000, false, 1)],
    )
    .await
    .expect("items");
    tx.commit().await.expect("commit");
    Deal { contract_id: cid, line_id, rec }
}

/// A `usage:write` API token of a demo supplier, made with its session.
async fn usage_token(app: &TestApp, session: &str) -> String {
    let (s, v) = app.call("POST", "/api/v1/tokens", Some(session), Some(json!({"name": "미터링", "scopes": ["usage:write"]}))).await;
    assert_eq!(s, 201, "{v}");
    v["secret"].as_str().expect("secret").to_owned()
}

fn rfc3339(micros: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1000)
        .expect("instant")
        .format(&time::format_description::well_known::Rfc3339)
        .expect("rfc3339")
}

/// Usage records as the supplier's machines send them (`POST /api/v1/usage` with a `usage:write`
/// token): `(record_id, meter, quantity, month)`, each a minute from 01:00 of the month's first day.
fn records(d: &Deal, records: &[(&str, &str, &str, i64)]) -> Value {
    let rows: Vec<Value> = records
        .iter()
        .map(|(rid, meter, q, month)| {
            let start = Month(*month).start_micros() + 3_600_000_000;
            json!({"record_id": rid, "contract_id": d.contract_id, "meter": meter, "quantity": q,
                "period_start": rfc3339(start), "period_end": rfc3339(start + 60_000_000)})
        })
        .collect();
    json!({ "records": rows })
}

/// Sends usage through the API with a fresh `usage:write` token of the contract's lead supplier;
/// all of it is accepted.
async fn usage(w: &World, d: &Deal, rows: &[(&str, &str, &str, i64)]) {
    let token = usage_token(&w.app, &w.supplier).await;
    let (s, v) = w.app.call("POST", "/api/v1/usage", Some(&token), Some(records(d, rows))).await;
    assert_eq!((s, v["accepted"].as_u64()), (200, Some(rows.len() as u64)), "{v}");
}

/// An unannounced outage of the service recorded by its supplier through `POST /api/v1/incidents`:
/// `minutes` from the 10th of `month` 02:00 (Seoul).
async fn outage(w: &World, d: &Deal, month: i64, minutes: i64) -> Value {
    let start = Month(month).start_micros() + 9 * 86_400_000_000 + 7_200_000_000;
    let (s, v) = w
        .app
        .call(
            "POST",
            "/api/v1/incidents",
            Some(&w.supplier),
            Some(json!({"service_id": d.rec.id, "started_at": rfc3339(start), "ended_at": rfc3339(start + minutes * 60_000_000),
                "announced": false, "description": "사전 공지 없는 장애"})),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    v
}

async fn bill(app: &TestApp, period: &str) -> gureum_app::usage::invoices::BillOutcome {
    gureum_app::usage::invoices::bill(&app.state, Period::parse(period).expect("period")).await.expect("bill")
}

async fn invoice_of(app: &TestApp, token: &str, cid: &str, period: &str) -> Value {
    let (s, list) = app.call("GET", &format!("/api/v1/invoices?contract_id={cid}&period={period}"), Some(token), None).await;
    assert_eq!(s, 200, "{list}");
    let list = list.as_array().expect("a list").clone();
    assert_eq!(list.len(), 1, "one invoice of {period}: {list:?}");
    list[0].clone()
}

fn amounts(v: &Value) -> [i64; 5] {
    ["fixed_krw", "credit_krw", "net_krw", "vat_krw", "total_krw"].map(|k| v[k].as_i64().expect(k))
}

async fn act(app: &TestApp, token: &str, id: &str, step: &str, body: Option<Value>) -> (u16, Value) {
    app.call("POST", &format!("/api/v1/invoices/{id}/{step}"), Some(token), body).await
}

async fn spent(app: &TestApp, line_id: &str) -> i64 {
    app.db.budget_line_by_id(line_id).await.expect("line").expect("the line").spent_krw
}

#[tokio::test]
async fn invoices_are_drafted_issued_answered_and_paid_to_the_letter() {
    let w = world().await;
    let app = &w.app;
    let budget = app.login("budget").await;
    let d = signed(&w, &budget, false).await;
    let cid = d.contract_id.clone();
    // September in two batches, in any order; October with a 600-minute unannounced outage
    usage(&w, &d, &[("s-1", "vCPU-hour", "10.5", 202609), ("s-2", "GB", "3", 202609), ("s-3", "vCPU-hour", "0.004", 202609)]).await;
    usage(&w, &d, &[("o-1", "vCPU-hour", "200", 202610)]).await;
    // a meter the contract does not have is refused, and nothing of its batch is stored
    let token = usage_token(app, &w.supplier).await;
    let (s, v) = app
        .call(
            "POST",
            "/api/v1/usage",
            Some(&token),
            Some(records(&d, &[("o-1b", "vCPU-hour", "1", 202610), ("o-2", "unknown-meter", "5", 202610)])),
        )
        .await;
    assert_eq!((s, v["code"].as_str(), v["errors"][0]["code"].as_str()), (400, Some("invalid_records"), Some("unknown_meter")), "{v}");
    // a fixed line's unit is not a meter: it is billed by the month, never from usage
    let (s, v) = app.call("POST", "/api/v1/usage", Some(&token), Some(records(&d, &[("o-3", "지원", "1", 202610)]))).await;
    assert_eq!((s, v["errors"][0]["code"].as_str()), (400, Some("unknown_meter")), "{v}");
    outage(&w, &d, 202610, 600).await;

    assert_eq!(bill(app, "2026-09").await, gureum_app::usage::invoices::BillOutcome { drafted: 1, recomputed: 0, unchanged: 0, failed: 0 });
    let events = app.db.audit_count().await.expect("count");
    assert_eq!(bill(app, "2026-09").await, gureum_app::usage::invoices::BillOutcome { drafted: 0, recomputed: 0, unchanged: 1, failed: 0 });
    assert_eq!(app.db.audit_count().await.expect("count"), events, "a second run changes nothing");
    bill(app, "2026-10").await;

    let sep = invoice_of(app, &w.buyer, &cid, "2026-09").await;
    assert_eq!(sep["status"], "draft");
    assert_eq!(sep["period"], "2026-09");
    assert_eq!(sep["supplier_id"], json!(d.rec.supplier.id));
    let lines = sep["lines"].as_array().expect("lines");
    assert_eq!(lines.len(), 2, "one line per metered contract line: {sep}");
    assert_eq!((lines[0]["meter"].as_str(), lines[0]["quantity"].as_str()), (Some("vCPU-hour"), Some("10.504")));
    assert_eq!((lines[0]["unit_price_krw"].as_i64(), lines[0]["amount_krw"].as_i64()), (Some(100), Some(1050)), "1050.4 → 1050");
    assert_eq!((lines[1]["unit_price_krw"].as_i64(), lines[1]["amount_krw"].as_i64()), (Some(100), Some(300)), "110 with VAT → 100 net");
    // 1,350 + 50,000 fixed = 51,350; VAT 5,135
    assert_eq!(amounts(&sep), [50_000, 0, 51_350, 5_135, 56_485]);

    // October: the outage puts the month below the SLA; the credit is that service's fee × credit %
    let oct = invoice_of(app, &w.buyer, &cid, "2026-10").await;
    let sla = d.rec.listing.sla.clone().expect("sla");
    let below = gureum_domain::usage::below_sla(600, Month(202610), sla.availability_pct.expect("pct"));
    let fee = 20_000 + 50_000;
    let credit = if below { gureum_domain::usage::sla_credit(fee, sla.credit_pct.expect("credit")) } else { 0 };
    assert!(below, "600 minutes in a 31-day month is below every seeded SLA (≥ 99.5 %)");
    let net = fee - credit;
    assert_eq!(amounts(&oct), [50_000, credit, net, gureum_domain::money::vat(net), net + gureum_domain::money::vat(net)]);
    assert_eq!(oct["lines"][0]["quantity"], "200", "a refused batch bills nothing");

    let sep_id = sep["id"].as_str().expect("id").to_owned();
    let oct_id = oct["id"].as_str().expect("id").to_owned();
    // reads: the parties, the operator and the auditor; others 404
    for (who, want) in [(&w.supplier, 200), (&budget, 200), (&w.operator, 200), (&w.supplier2, 404)] {
        assert_eq!(app.call("GET", &format!("/api/v1/invoices/{sep_id}"), Some(who), None).await.0, want);
    }
    let (s, list) = app.call("GET", "/api/v1/invoices", Some(&w.supplier2), None).await;
    assert_eq!((s, list.as_array().map(Vec::len)), (200, Some(0)), "another supplier lists none of them");
    assert_eq!(app.call("GET", "/api/v1/invoices?status=odd", Some(&w.buyer), None).await.0, 400);
    assert_eq!(app.call("GET", "/api/v1/invoices?period=2026-13", Some(&w.buyer), None).await.0, 400);
    assert_eq!(app.call("GET", "/api/v1/invoices/not-a-uuid", Some(&w.buyer), None).await.0, 400);

    // issue in period order, only by the supplier
    let (s, v) = act(app, &w.supplier, &oct_id, "issue", None).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("earlier_invoice_draft")), "{v}");
    let (s, v) = act(app, &w.buyer, &sep_id, "issue", None).await;
    assert_eq!((s, v["code"].as_str()), (403, Some("forbidden")), "{v}");
    assert_eq!(act(app, &w.supplier2, &sep_id, "issue", None).await.0, 404);
    let (s, v) = act(app, &w.supplier, &sep_id, "issue", None).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("issued")), "{v}");
    assert_eq!(amounts(&v), amounts(&sep), "recomputed at issue from the same records");
    let (s, v) = act(app, &w.supplier, &sep_id, "issue", None).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("invalid_status")), "{v}");
    let c = app.db.contract(&cid).await.expect("contract").expect("the contract");
    assert_eq!(c.invoiced_krw, 56_485, "issuing moves the contract's invoiced amount");

    // late usage of September, after its issue, lands on October's draft
    usage(&w, &d, &[("s-late", "vCPU-hour", "1", 202609)]).await;
    let r = bill(app, "2026-10").await;
    assert_eq!(r.recomputed, 1, "{r:?}");
    assert_eq!(bill(app, "2026-09").await.unchanged, 1, "an issued invoice is left as it is");
    let oct2 = invoice_of(app, &w.buyer, &cid, "2026-10").await;
    assert_eq!(oct2["lines"][0]["quantity"], "201");
    assert_eq!(invoice_of(app, &w.buyer, &cid, "2026-09").await["lines"][0]["quantity"], "10.504");

    // November has not ended (the clock says 2026-11-23)
    bill(app, "2026-10").await;
    let (s, _) = act(app, &w.supplier, &oct_id, "issue", None).await;
    assert_eq!(s, 200);
    bill(app, "2026-11").await;
    let nov = invoice_of(app, &w.buyer, &cid, "2026-11").await;
    let (s, v) = act(app, &w.supplier, nov["id"].as_str().expect("id"), "issue", None).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("period_not_ended")), "{v}");

    // dispute → re-issue → accept → pay
    let (s, v) = act(app, &w.buyer, &sep_id, "dispute", Some(json!({}))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("reason_required")), "{v}");
    let (s, v) = act(app, &w.supplier, &sep_id, "dispute", Some(json!({"reason": "x"}))).await;
    assert_eq!((s, v["code"].as_str()), (403, Some("forbidden")), "{v}");
    let (s, v) = act(app, &w.buyer, &sep_id, "dispute", Some(json!({"reason": "GB 사용량이 계약과 다릅니다"}))).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("disputed")), "{v}");
    let (s, v) = act(app, &budget, &sep_id, "accept", None).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("invalid_status")), "a disputed invoice is re-issued first: {v}");
    let (s, v) = act(app, &w.supplier, &sep_id, "issue", None).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("issued")), "{v}");
    assert_eq!(
        app.db.contract(&cid).await.expect("c").expect("c").invoiced_krw,
        56_485 + oct2["total_krw"].as_i64().unwrap_or(0),
        "a re-issue counts once"
    );
    let (s, v) = act(app, &w.buyer, &sep_id, "pay", Some(json!({"paid_on": "2026-11-20"}))).await;
    assert_eq!((s, v["code"].as_str()), (403, Some("forbidden")), "the buyer does not pay: {v}");
    let (s, v) = act(app, &budget, &sep_id, "pay", Some(json!({"paid_on": "2026-11-20"}))).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("invalid_status")), "only an accepted invoice is paid: {v}");
    let (s, v) = act(app, &w.buyer, &sep_id, "accept", None).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("accepted")), "{v}");
    let before = spent(app, &d.line_id).await;
    let (s, v) = act(app, &budget, &sep_id, "pay", Some(json!({"paid_on": "2027-01-01"}))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_field")), "not after today: {v}");
    let (s, v) = act(app, &budget, &sep_id, "pay", Some(json!({"paid_on": "2026-11-20"}))).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_field")), "not before its acceptance (today): {v}");
    let (s, v) = act(app, &budget, &sep_id, "pay", Some(json!({"paid_on": "2026-11-23"}))).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("paid")), "{v}");
    assert_eq!(spent(app, &d.line_id).await - before, 56_485, "the budget line's spent amount grows by the total");
    assert_eq!(act(app, &budget, &sep_id, "pay", Some(json!({"paid_on": "2026-11-23"}))).await.0, 409);
    // told: the agency's buyers and budget officers of the issue, the supplier of the dispute and the payment
    for (token, kind) in
        [(&w.buyer, "invoice_issued"), (&budget, "invoice_issued"), (&w.supplier, "invoice_disputed"), (&w.supplier, "invoice_paid")]
    {
        let (_, told) = app.call("GET", "/api/v1/notifications", Some(token), None).await;
        assert!(told["items"].as_array().is_some_and(|n| n.iter().any(|n| n["kind"] == kind)), "{kind}: {told}");
    }
    let mails = app.db.outbox_to("buyer@demo.gureum.kr").await.expect("outbox");
    assert!(mails.iter().any(|m| m.body.contains(&format!("/invoices/{sep_id}"))), "a mail with the link");
    let actions: Vec<String> =
        app.db.audit_for_entity("invoice", &sep_id).await.expect("audit").iter().map(|r| r.event.action.clone()).collect();
    assert_eq!(actions, ["invoice.draft", "invoice.issue", "invoice.dispute", "invoice.issue", "invoice.accept", "invoice.pay"]);

    // the printable page shows the credit with its month and availability, and offers no form to the supplier
    let (s, page) = app.call("GET", &format!("/invoices/{oct_id}"), Some(&w.buyer), None).await;
    assert_eq!(s, 200);
    let page = page.as_str().expect("html").to_owned();
    assert!(page.contains("id=\"invoice-credits\"") && page.contains("98.655%") && page.contains("2026-10"), "{page}");
    let (_, page) = app.call("GET", &format!("/invoices/{sep_id}"), Some(&w.supplier), None).await;
    assert!(!page.as_str().expect("html").contains("<form method=\"post\" action=\"/invoices/"), "nothing left for the supplier to do");

    // the CSV
    let (s, csv) = app.call("GET", &format!("/api/v1/invoices/{sep_id}/csv"), Some(&budget), None).await;
    assert_eq!(s, 200);
    let csv = csv.as_str().expect("text").to_owned();
    assert!(csv.contains("total_krw") && csv.contains("56485") && csv.contains("10.504"), "{csv}");
}

#[tokio::test]
async fn a_joint_contract_s_members_invoice_their_shares() {
    let w = world().await;
    let app = &w.app;
    let budget = app.login("budget").await;
    let d = signed(&w, &budget, true).await;
    usage(&w, &d, &[("j-1", "vCPU-hour", "77.7", 202609), ("j-2", "GB", "1.5", 202609)]).await;
    assert_eq!(bill(app, "2026-09").await.drafted, 2, "one invoice per member");
    let (_, list) = app.call("GET", &format!("/api/v1/invoices?contract_id={}", d.contract_id), Some(&w.buyer), None).await;
    let list = list.as_array().expect("list").clone();
    assert_eq!(list.len(), 2);
    // the whole, as one supplier would invoice it
    let lines = [
        ContractLine {
            service_id: d.rec.id.clone(),
            description: String::new(),
            meter: "vCPU-hour".into(),
            metered: true,
            unit_price_krw: 100,
            vat_included: false,
            quantity: 1,
        },
        ContractLine {
            service_id: d.rec.id.clone(),
            description: String::new(),
            meter: "GB".into(),
            metered: true,
            unit_price_krw: 110,
            vat_included: true,
            quantity: 1,
        },
        ContractLine {
            service_id: d.rec.id.clone(),
            description: String::new(),
            meter: "지원".into(),
            metered: false,
            unit_price_krw: 50_000,
            vat_included: false,
            quantity: 1,
        },
    ];
    let use_ = vec![
        ("vCPU-hour".to_string(), Month(202609), Quantity::parse("77.7").expect("q")),
        ("GB".to_string(), Month(202609), Quantity::parse("1.5").expect("q")),
    ];
    let sla: Vec<SlaMonth> = Vec::new();
    let whole = billing::compute(Input {
        lines: &lines,
        period: Period::parse("2026-09").expect("p"),
        starts_on: time::macros::date!(2026 - 09 - 01),
        ends_on: time::macros::date!(2027 - 08 - 31),
        usage: &use_,
        sla: &sla,
        earlier_usage: &[],
        credited: &[],
    });
    for (i, k) in ["fixed_krw", "credit_krw", "net_krw"].iter().enumerate() {
        let sum: i64 = list.iter().map(|v| v[*k].as_i64().expect(k)).sum();
        let want = [whole.fixed_krw, whole.credit_krw, whole.net_krw][i];
        assert_eq!(sum, want, "{k}: the members' invoices sum to the whole");
    }
    // each member's VAT is 10 % of its own net, truncated: its own tax invoice
    for v in &list {
        let net = v["net_krw"].as_i64().expect("net");
        assert_eq!(v["vat_krw"].as_i64(), Some(gureum_domain::money::vat(net)), "{v}");
        assert_eq!(v["total_krw"].as_i64(), Some(net + gureum_domain::money::vat(net)), "{v}");
    }
    let mine = list.iter().find(|v| v["supplier_id"] == json!(d.rec.supplier.id)).expect("the lead's");
    assert_eq!(mine["fixed_krw"].as_i64(), Some(33_500), "67 % of 50,000");
    // each member issues its own; the partner reads both, issues only its own
    let partner_inv = list.iter().find(|v| v["supplier_id"] != json!(d.rec.supplier.id)).expect("the partner's");
    let pid = partner_inv["id"].as_str().expect("id");
    assert_eq!(act(app, &w.supplier, pid, "issue", None).await.0, 403);
    let (s, v) = act(app, &w.supplier2, pid, "issue", None).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("issued")), "{v}");
    assert_eq!(amounts(&v), amounts(partner_inv));
    let (s, v) = act(app, &w.supplier, mine["id"].as_str().expect("id"), "issue", None).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(amounts(&v), amounts(mine), "the lead issues its share as drafted, after the partner issued its own");
}

#[tokio::test]
async fn gureum_bill_twice_changes_nothing_and_the_job_runs_every_pass() {
    let w = world().await;
    let app = &w.app;
    let budget = app.login("budget").await;
    let d = signed(&w, &budget, false).await;
    usage(&w, &d, &[("b-1", "vCPU-hour", "3", 202610)]).await;
    let out = common::gureum(&app.data_dir(), &app.url, &["bill", "--period", "2026-10"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(out.stdout.trim_ascii()).expect("json");
    // October, and September before it: a contract signed after some of its months ended is
    // billed for every one of them
    assert_eq!(v, json!({"period": "2026-10", "drafted": 2, "recomputed": 0, "unchanged": 0, "failed": 0}));
    let sep = invoice_of(app, &w.buyer, &d.contract_id, "2026-09").await;
    assert_eq!((sep["fixed_krw"].as_i64(), sep["lines"].as_array().map(Vec::len)), (Some(50_000), Some(2)), "{sep}");
    let out = common::gureum(&app.data_dir(), &app.url, &["bill", "--period", "2026-10"]);
    let v: Value = serde_json::from_slice(out.stdout.trim_ascii()).expect("json");
    assert_eq!(v, json!({"period": "2026-10", "drafted": 0, "recomputed": 0, "unchanged": 2, "failed": 0}));
    let out = common::gureum(&app.data_dir(), &app.url, &["bill", "--period", "2026-13"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("2026-Q4"), "a clear message");

    // the job: the last ended month (October at the clock) and every draft; again, nothing
    use gureum_app::jobs::Job;
    assert!(!Job::Billing.once_a_day() && Job::CertificateNotices.once_a_day());
    usage(&w, &d, &[("b-2", "vCPU-hour", "4", 202610)]).await;
    assert_eq!(Job::Billing.run(&app.state).await.expect("job"), 1, "late usage shows within a pass");
    assert_eq!(Job::Billing.run(&app.state).await.expect("job"), 0);
    // nothing changed since: the next pass does not even recompute (its computation time stays)
    let computed = |v: Vec<gureum_storage::Invoice>| v.into_iter().map(|i| (i.period, i.computed_at)).collect::<Vec<_>>();
    let before = computed(app.db.invoices_of_contract(&d.contract_id).await.expect("invoices"));
    assert_eq!(Job::Billing.run(&app.state).await.expect("job"), 0);
    assert_eq!(computed(app.db.invoices_of_contract(&d.contract_id).await.expect("invoices")), before);
    let oct = invoice_of(app, &w.buyer, &d.contract_id, "2026-10").await;
    assert_eq!(oct["lines"][0]["quantity"], "7");
    // a month later the job drafts November by itself
    let later = app.state.with_clock(gureum_domain::Clock::parse_fixed("2026-12-02T09:00:00+09:00").expect("clock"));
    usage(&w, &d, &[("b-3", "vCPU-hour", "5", 202611)]).await;
    assert!(Job::Billing.run(&later).await.expect("job") >= 1);
    assert_eq!(invoice_of(app, &w.buyer, &d.contract_id, "2026-11").await["lines"][0]["quantity"], "5");
}

#[tokio::test]
async fn an_incident_lowers_the_next_invoice_end_to_end() {
    let w = world().await;
    let app = &w.app;
    let budget = app.login("budget").await;
    let d = signed(&w, &budget, false).await;
    let cid = d.contract_id.clone();
    // November's usage from the supplier's machines, and a 600-minute unannounced outage on the 10th
    usage(&w, &d, &[("n-1", "vCPU-hour", "200", 202611), ("n-2", "GB", "3.3", 202611)]).await;
    let incident = outage(&w, &d, 202611, 600).await;
    assert_eq!(incident["announced"], false, "{incident}");
    let (_, told) = app.call("GET", "/api/v1/notifications", Some(&w.buyer), None).await;
    assert!(told["items"].as_array().is_some_and(|n| n.iter().any(|n| n["kind"] == "incident_outage")), "the agency is told: {told}");

    // the month below the SLA, as the availability shows it
    let sla = d.rec.listing.sla.clone().expect("sla");
    let (s, av) = app.call("GET", &format!("/api/v1/contracts/{cid}/availability?month=2026-11"), Some(&w.buyer), None).await;
    assert_eq!(s, 200, "{av}");
    let nov = av.as_array().expect("a list").iter().find(|a| a["service_id"] == json!(d.rec.id)).cloned().expect("the service");
    assert_eq!((nov["month"].as_str(), nov["outage_minutes"].as_i64()), (Some("2026-11"), Some(600)), "{nov}");
    assert_eq!(nov["below_sla"], true, "600 minutes in a 30-day month is below every seeded SLA (≥ 99.5 %): {nov}");
    assert!(gureum_domain::usage::below_sla(600, Month(202611), sla.availability_pct.expect("pct")));

    // billed once November has ended: the credit is the service's fee that month × credit %
    let later = app.state.with_clock(gureum_domain::Clock::parse_fixed("2026-12-02T09:00:00+09:00").expect("clock"));
    let r = gureum_app::usage::invoices::bill(&later, Period::parse("2026-11").expect("period")).await.expect("bill");
    assert_eq!(r.drafted, 3, "September and October (no usage, the fixed fee) before it: {r:?}");
    let inv = invoice_of(app, &w.buyer, &cid, "2026-11").await;
    // 200 × 100 + 3.3 × 100 (110 with VAT, net) + 50,000 fixed
    let fee = 20_000 + 330 + 50_000;
    let credit = gureum_domain::usage::sla_credit(fee, sla.credit_pct.expect("credit"));
    assert!(credit > 0);
    let net = fee - credit;
    let vat = gureum_domain::money::vat(net);
    assert_eq!(amounts(&inv), [50_000, credit, net, vat, net + vat], "{inv}");
    let lines: i64 = inv["lines"].as_array().expect("lines").iter().map(|l| l["amount_krw"].as_i64().expect("amount")).sum();
    assert_eq!(lines + inv["fixed_krw"].as_i64().expect("fixed") - credit, net, "lines sum to the total");

    // the contract's spend counts the invoice
    let (s, spend) = app.call("GET", &format!("/api/v1/contracts/{cid}/spend"), Some(&w.buyer), None).await;
    assert_eq!(s, 200, "{spend}");
    // September's and October's fixed fees (55,000 won each with VAT) and November's
    assert_eq!(spend["spent_krw"].as_i64(), Some(2 * 55_000 + net + vat), "{spend}");
}

/// The principal of a session, to act with at a later clock (after a period ends).
async fn at(state: &gureum_app::Context, token: &str) -> gureum_app::actor::Principal {
    gureum_app::actor::authenticate(state, token, false).await.expect("auth").expect("a session")
}

/// Issues every invoice of the contract in period order at `ctx`'s clock; answers their ids in
/// that order.
async fn issue_all(w: &World, ctx: &gureum_app::Context, supplier: &gureum_app::actor::Principal, cid: &str) -> Vec<String> {
    let (_, list) = w.app.call("GET", &format!("/api/v1/invoices?contract_id={cid}"), Some(&w.buyer), None).await;
    let mut ids: Vec<(String, String)> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|v| (v["period"].as_str().expect("p").to_owned(), v["id"].as_str().expect("id").to_owned()))
        .collect();
    ids.sort();
    for (_, id) in &ids {
        gureum_app::usage::invoices::issue(ctx, supplier, id, None).await.expect("issued in period order");
    }
    ids.into_iter().map(|(_, id)| id).collect()
}

fn quantity_of(inv: &Value, meter: &str) -> String {
    inv["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["meter"] == meter)
        .map(|l| l["quantity"].as_str().unwrap_or("").to_owned())
        .unwrap_or_default()
}

/// Each member of a joint contract bills a late record of an issued month once, on its next
/// draft, whichever member issued first; an outage of an issued month recorded late credits the
/// next drafts once.
#[tokio::test]
async fn late_usage_and_late_credits_go_on_each_member_s_next_draft_once() {
    let w = world().await;
    let app = &w.app;
    let budget = app.login("budget").await;
    let d = signed(&w, &budget, true).await;
    let cid = d.contract_id.clone();
    let lead = d.rec.supplier.id.clone();
    usage(&w, &d, &[("j-1", "vCPU-hour", "77.7", 202609), ("j-2", "GB", "1.5", 202609)]).await;
    bill(app, "2026-10").await;
    let mine = |list: &Value, supplier: &str, period: &str| -> Value {
        list.as_array().expect("list").iter().find(|v| v["supplier_id"] == supplier && v["period"] == period).cloned().expect("invoice")
    };
    let (_, list) = app.call("GET", &format!("/api/v1/invoices?contract_id={cid}"), Some(&w.buyer), None).await;
    let partner = list.as_array().expect("list").iter().find(|v| v["supplier_id"] != json!(lead)).expect("partner")["supplier_id"]
        .as_str()
        .expect("id")
        .to_owned();
    // the partner issues September first; then a late September record arrives
    let psep = mine(&list, &partner, "2026-09")["id"].as_str().expect("id").to_owned();
    assert_eq!(act(app, &w.supplier2, &psep, "issue", None).await.0, 200);
    usage(&w, &d, &[("j-late", "vCPU-hour", "10", 202609)]).await;
    bill(app, "2026-10").await;
    let (_, list) = app.call("GET", &format!("/api/v1/invoices?contract_id={cid}"), Some(&w.buyer), None).await;
    assert_eq!(quantity_of(&mine(&list, &lead, "2026-09"), "vCPU-hour"), "87.7", "the lead's September is still a draft: it takes it");
    assert_eq!(quantity_of(&mine(&list, &partner, "2026-09"), "vCPU-hour"), "77.7", "the partner's issued September is left");
    assert_eq!(quantity_of(&mine(&list, &partner, "2026-10"), "vCPU-hour"), "10", "the partner bills it on October");
    assert_eq!(quantity_of(&mine(&list, &lead, "2026-10"), "vCPU-hour"), "0", "the lead does not bill it twice");
    let lsep = mine(&list, &lead, "2026-09")["id"].as_str().expect("id").to_owned();
    let (s, v) = act(app, &w.supplier, &lsep, "issue", None).await;
    assert_eq!((s, quantity_of(&v, "vCPU-hour")), (200, "87.7".to_owned()), "{v}");
    bill(app, "2026-10").await;
    let (_, list) = app.call("GET", &format!("/api/v1/invoices?contract_id={cid}"), Some(&w.buyer), None).await;
    assert_eq!(quantity_of(&mine(&list, &lead, "2026-10"), "vCPU-hour"), "0", "issued with it, the lead's October stays without it");
    assert_eq!(quantity_of(&mine(&list, &partner, "2026-10"), "vCPU-hour"), "10");
    let ledger: i64 = {
        let mut tx = app.db.begin_write().await.expect("tx");
        let rows = tx.billed_usage(&cid, &lead, (202609, 202609)).await.expect("ledger");
        tx.rollback().await.expect("rollback");
        rows.iter().filter(|r| r.0 == "vCPU-hour").map(|r| r.2).sum()
    };
    assert_eq!(ledger, 87_700_000, "the lead's issued September billed 87.7 vCPU-hours, kept in millionths");

    // a 600-minute outage of September recorded now: both Octobers credit September once
    outage(&w, &d, 202609, 600).await;
    bill(app, "2026-10").await;
    let (_, list) = app.call("GET", &format!("/api/v1/invoices?contract_id={cid}"), Some(&w.buyer), None).await;
    let sla = d.rec.listing.sla.clone().expect("sla");
    // September's whole fee for the service: 87.7 × 100 + 1.5 × 100 + 50,000 fixed
    let whole = gureum_domain::usage::sla_credit(8_770 + 150 + 50_000, sla.credit_pct.expect("credit"));
    assert!(whole > 0);
    let credits: Vec<i64> = [&lead, &partner].iter().map(|s| mine(&list, s, "2026-10")["credit_krw"].as_i64().expect("credit")).collect();
    assert_eq!(credits.iter().sum::<i64>(), whole, "the members' late credits sum to September's credit: {credits:?}");
    let loct = mine(&list, &lead, "2026-10")["id"].as_str().expect("id").to_owned();
    let (_, page) = app.call("GET", &format!("/invoices/{loct}"), Some(&w.buyer), None).await;
    assert!(page.as_str().expect("html").contains("2026-09"), "the printable invoice names the credited month");
    // issued, it is not credited again on November's draft
    assert_eq!(act(app, &w.supplier, &loct, "issue", None).await.0, 200);
    let later = app.state.with_clock(gureum_domain::Clock::parse_fixed("2026-12-02T09:00:00+09:00").expect("clock"));
    gureum_app::usage::invoices::bill(&later, Period::parse("2026-11").expect("period")).await.expect("bill");
    let (_, list) = app.call("GET", &format!("/api/v1/invoices?contract_id={cid}"), Some(&w.buyer), None).await;
    assert_eq!(mine(&list, &lead, "2026-11")["credit_krw"].as_i64(), Some(0), "given once");
}

/// Payment charges the budget line the contract committed for the invoice's fiscal year.
#[tokio::test]
async fn payment_charges_the_budget_line_of_the_invoice_s_fiscal_year() {
    let w = world().await;
    let app = &w.app;
    let budget = app.login("budget").await;
    let d = signed(&w, &budget, false).await;
    let cid = d.contract_id.clone();
    let (s, line) = app
        .call(
            "POST",
            "/api/v1/budget-lines",
            Some(&budget),
            Some(json!({"fiscal_year": 2027, "name": "2027 이용료", "amount_krw": 1_000_000_000})),
        )
        .await;
    assert_eq!(s, 201, "{line}");
    let next_year = line["id"].as_str().expect("id").to_owned();
    let agency = app.db.contract(&cid).await.expect("c").expect("the contract").agency_id;
    let mut tx = app.db.begin_write().await.expect("tx");
    assert!(tx.commit_budget(&cid, &next_year, &agency, 2027, 300_000).await.expect("commit"));
    tx.commit().await.expect("commit");
    usage(&w, &d, &[("y-1", "vCPU-hour", "10", 202701)]).await;

    let later = app.state.with_clock(gureum_domain::Clock::parse_fixed("2027-02-02T09:00:00+09:00").expect("clock"));
    let out = gureum_app::usage::invoices::bill(&later, Period::parse("2027-01").expect("period")).await.expect("bill");
    assert_eq!(out.drafted, 5, "September to January: {out:?}");
    let (supplier, buyer, officer) = (at(&app.state, &w.supplier).await, at(&app.state, &w.buyer).await, at(&app.state, &budget).await);
    let ids = issue_all(&w, &later, &supplier, &cid).await;
    let jan = ids.last().expect("January").clone();
    gureum_app::usage::invoices::accept(&later, &buyer, &jan, None).await.expect("accepted");
    let (this_year, next_before) = (spent(app, &d.line_id).await, spent(app, &next_year).await);
    let paid = gureum_app::usage::invoices::pay(&later, &officer, &jan, &json!({"paid_on": "2027-02-02"}), None).await.expect("paid");
    assert_eq!(spent(app, &next_year).await - next_before, paid.total_krw, "January is paid from the 2027 line");
    assert_eq!(spent(app, &d.line_id).await, this_year, "not from the 2026 line");
}

/// Usage that arrives after a contract's last invoice was issued goes on an adjustment invoice of
/// the next period (no fixed fee), drafted by the billing job, never lost.
#[tokio::test]
async fn usage_after_the_last_invoice_goes_on_an_adjustment_invoice() {
    let w = world().await;
    let app = &w.app;
    let budget = app.login("budget").await;
    let d = signed(&w, &budget, false).await;
    let cid = d.contract_id.clone();
    usage(&w, &d, &[("a-1", "vCPU-hour", "5", 202610)]).await;
    let (s, v) =
        app.call("POST", &format!("/api/v1/contracts/{cid}/terminate"), Some(&w.buyer), Some(json!({"reason": "사업 종료"}))).await;
    assert_eq!(s, 200, "{v}");
    use gureum_app::jobs::Job;
    let later = app.state.with_clock(gureum_domain::Clock::parse_fixed("2026-12-02T09:00:00+09:00").expect("clock"));
    assert_eq!(Job::Billing.run(&later).await.expect("job"), 3, "September to November, the month it ended");
    let supplier = at(&app.state, &w.supplier).await;
    issue_all(&w, &later, &supplier, &cid).await;
    assert_eq!(Job::Billing.run(&later).await.expect("job"), 0, "nothing due: no adjustment");
    // a late October record after every invoice was issued (sent at that later time)
    let later = app.state.with_clock(gureum_domain::Clock::parse_fixed("2026-12-02T09:05:00+09:00").expect("clock"));
    let out = gureum_app::usage::records::submit(&later, &supplier, &records(&d, &[("a-late", "vCPU-hour", "2.5", 202610)]), None)
        .await
        .expect("stored");
    assert_eq!(out.accepted, 1);
    assert_eq!(Job::Billing.run(&later).await.expect("job"), 1, "an adjustment invoice");
    let adj = invoice_of(app, &w.buyer, &cid, "2026-12").await;
    assert_eq!((adj["status"].as_str(), adj["fixed_krw"].as_i64()), (Some("draft"), Some(0)), "{adj}");
    assert_eq!(quantity_of(&adj, "vCPU-hour"), "2.5");
    assert_eq!(Job::Billing.run(&later).await.expect("job"), 0, "and once");
}

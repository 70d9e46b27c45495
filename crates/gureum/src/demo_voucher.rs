//! The SME cloud voucher in the demo (issue #25): an open programme of this year with the demo
//! supplier's certified services approved into its pool, the demo SME applied and selected (a
//! voucher), one claim approved and settled and one waiting for the operator — so the operator,
//! the supplier and the SME each find their part. Made once (a second run finds the programme
//! and changes nothing), through the same use cases the API calls, dated from the clock.

use crate::cli::Failure;
use crate::demo::{demo_pdf, demo_principal};
use gureum_app::Context;
use gureum_app::voucher::{applications, claims, documents, pool, programmes};
use gureum_domain::ServiceStatus;
use gureum_domain::clock::format_date;
use gureum_domain::voucher::PoolAction;
use gureum_storage::ServiceKey;
use serde_json::json;

fn fail(what: &'static str) -> impl Fn(gureum_app::Error) -> Failure {
    move |e| Failure::env(format!("demo voucher ({what}): {} {}", e.code, e.message))
}

/// The demo programme's name for the clock's year.
pub fn programme_name(year: i32) -> String {
    format!("{year}년 클라우드 바우처 (데모)")
}

pub async fn seed_demo_voucher(ctx: &Context) -> Result<(), Failure> {
    let today = ctx.clock().today();
    let name = programme_name(today.year());
    if programmes::list(ctx).await.map_err(fail("programmes"))?.iter().any(|p| p.name == name) {
        return Ok(());
    }
    let operator = demo_principal(ctx, "operator").await?;
    let supplier = demo_principal(ctx, "supplier").await?;
    let sme = demo_principal(ctx, "sme").await?;
    let day = |n: i64| format_date(today + time::Duration::days(n));

    // the programme: applications open since three weeks, for a month more; usage until summer
    let programme = programmes::create(
        ctx,
        &operator,
        &json!({"name": name, "year": today.year(), "total_budget_krw": 8_000_000_000_i64, "company_cap_krw": 20_000_000,
            "government_share_pct": 80, "cost_types": ["consulting", "transition", "usage"],
            "apply_from": day(-21), "apply_to": day(30), "use_until": day(220)}),
        None,
    )
    .await
    .map_err(fail("programme"))?;

    // the demo supplier's listed services with a certification valid today, up to three, approved
    let mut entries = Vec::new();
    if let Some(sid) = supplier.org().supplier_id.clone() {
        for s in ctx.db().supplier_services(&sid, &[ServiceStatus::Listed]).await? {
            if entries.len() == 3 {
                break;
            }
            let Some(rec) = ctx.db().service(ServiceKey::Id(&s.id)).await? else { continue };
            if !rec.listing.certification.as_ref().is_some_and(|c| c.valid_on(today)) {
                continue;
            }
            let e = pool::offer(ctx, &supplier, &programme.id, &json!({"service_id": rec.id}), None).await.map_err(fail("offer"))?;
            pool::decide(ctx, &operator, &e.id, PoolAction::Approve, &json!({}), None).await.map_err(fail("approve"))?;
            entries.push(e);
        }
    }
    let Some(entry) = entries.first() else { return Ok(()) };

    // the demo SME applies and is selected
    let app = applications::apply(
        ctx,
        &sme,
        &json!({"programme_id": programme.id, "plan": "회계·재고 관리를 SaaS로 옮기고 백업을 클라우드로 전환합니다.",
            "requested_krw": 15_000_000, "company_size": "small"}),
        None,
        None,
    )
    .await
    .map_err(fail("apply"))?;
    let voucher = applications::select(ctx, &operator, &app.id, &json!({"granted_krw": 12_000_000}), None).await.map_err(fail("select"))?;

    // two claims with their evidence: the first approved and settled, the second waiting
    let year = today.year();
    let mut claimed = Vec::new();
    for (n, paid, paid_on) in [(1, 2_500_000_i64, day(-12)), (2, 1_200_000, day(-3))] {
        let doc = documents::upload(ctx, &sme, &format!("세금계산서-{n}.pdf"), demo_pdf(&format!("tax invoice {n}")), None)
            .await
            .map_err(fail("evidence"))?;
        let c = claims::submit(
            ctx,
            &sme,
            &json!({"voucher_id": voucher.id, "voucher_service_id": entry.id, "cost_type": "usage", "paid_krw": paid,
                "paid_on": paid_on, "tax_invoice_number": format!("DEMO-{year}-{n:04}"), "evidence_document_ids": [doc.id]}),
            None,
        )
        .await
        .map_err(fail("claim"))?;
        claimed.push(c);
    }
    if let Some(first) = claimed.first() {
        claims::approve(ctx, &operator, &first.id, &json!({}), None).await.map_err(fail("approve claim"))?;
        claims::settle(ctx, &operator, &first.id, &json!({"settled_on": day(0)}), None).await.map_err(fail("settle"))?;
    }
    Ok(())
}

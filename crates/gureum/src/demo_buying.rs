//! Buying in the demo (issue #23): the agency's budget lines; a decided project whose decision
//! record a signed, active, metered contract cites (begun four months ago, with its usage,
//! invoices and ratings: `demo_usage`); an open project with a short list; a PPS catalog
//! contract with a delivery request waiting for the demo supplier. Made once, through the same
//! use cases the API calls, after the search index is current (a project's searches run on it).

use crate::cli::Failure;
use crate::demo::demo_principal;
use gureum_app::buying::{catalog, contracts, projects, quotes};
use gureum_app::{Context, Principal};
use gureum_domain::Clock;
use gureum_domain::clock::format_date;
use gureum_domain::listing::PriceModel;
use gureum_domain::usage::Month;
use gureum_storage::{ServiceKey, ServiceRecord};
use serde_json::{Value, json};

fn fail(what: &'static str) -> impl Fn(gureum_app::Error) -> Failure {
    move |e| Failure::env(format!("demo buying ({what}): {} {}", e.code, e.message))
}

/// Listed services of the demo supplier that the gate lets through today, with a plan.
async fn orderable(ctx: &Context, supplier: &Principal) -> Result<Vec<ServiceRecord>, Failure> {
    let Some(sid) = supplier.org().supplier_id.clone() else { return Ok(Vec::new()) };
    let (_, hits) = gureum_app::catalog::supplier(ctx, &sid).await.map_err(fail("supplier"))?;
    let mut out = Vec::new();
    for h in hits {
        let Some(rec) = ctx.db().service(ServiceKey::Id(&h.id)).await? else { continue };
        if !rec.listing.price_plans.is_empty() && gureum_app::buying::gate_reasons(ctx, &rec, None).await.map_err(fail("gate"))?.is_empty()
        {
            out.push(rec);
        }
    }
    Ok(out)
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_default().to_owned()
}

pub async fn seed_demo_buying(ctx: &Context) -> Result<(), Failure> {
    let buyer = demo_principal(ctx, "buyer").await?;
    if !ctx.db().projects_of(&buyer.org().id).await?.is_empty() {
        return Ok(());
    }
    let budget = demo_principal(ctx, "budget").await?;
    let signatory = demo_principal(ctx, "signatory").await?;
    let supplier = demo_principal(ctx, "supplier").await?;
    let pps = demo_principal(ctx, "pps").await?;
    let today = ctx.clock().today();
    let year = i64::from(today.year());
    // The metered contract runs from the first day of the month four months back, for a year;
    // its project, quote and signatures happened in the days before, on a clock moved back.
    let start = Month::of_date(today).prev().prev().prev().prev().first_day();
    let ends = start.replace_year(start.year() + 1).unwrap_or(start) - time::Duration::days(1);
    let past = ctx.with_clock(
        Clock::parse_fixed(&format!("{}T10:00:00+09:00", format_date(start - time::Duration::days(12))))
            .map_err(|_| Failure::env("demo buying: a past clock"))?,
    );
    let signed_on = ctx.with_clock(
        Clock::parse_fixed(&format!("{}T15:00:00+09:00", format_date(start - time::Duration::days(3))))
            .map_err(|_| Failure::env("demo buying: a past clock"))?,
    );
    let mut services = orderable(&past, &supplier).await?;
    // a metered plan first: the usage, invoices and spend of the demo follow it
    services.sort_by_key(|s| !s.listing.price_plans.iter().any(|p| p.model == PriceModel::Metered));
    let (Some(first), Some(second)) = (services.first(), services.get(1).or(services.first())) else {
        tracing::warn!("the demo supplier has no orderable service; no buying demo");
        return Ok(());
    };

    // budget lines: this year's two, next year's one, and the contract's first year's if earlier
    let mut lines = Vec::new();
    let mut wanted =
        vec![(year, "클라우드 이용료", 500_000_000), (year, "정보화 사업비", 200_000_000), (year + 1, "클라우드 이용료", 600_000_000)];
    if i64::from(start.year()) < year {
        wanted.push((i64::from(start.year()), "클라우드 이용료", 300_000_000));
    }
    for (fy, name, amount) in wanted {
        let l = gureum_app::budget::create(ctx, &budget, &json!({"fiscal_year": fy, "name": name, "amount_krw": amount}), None)
            .await
            .map_err(fail("budget line"))?;
        lines.push(l.id);
    }
    let start_line = if i64::from(start.year()) < year { lines[3].clone() } else { lines[0].clone() };

    // a decided project: search, short list, decision record
    let bizno = first.supplier.business_number.clone();
    let decided = projects::create(&past, &buyer, &json!({"title": "민원 상담 챗봇 도입", "required_grade": null}), None)
        .await
        .map_err(fail("project"))?;
    projects::record_search(&past, &buyer, &decided.id, &json!({"q": bizno, "per_page": 20}), None).await.map_err(fail("search"))?;
    let shortlist: Vec<String> = services.iter().take(3).map(|s| s.id.clone()).collect();
    projects::set_shortlist(&past, &buyer, &decided.id, &json!({"service_ids": shortlist}), None).await.map_err(fail("short list"))?;
    let record = projects::decide(
        &past,
        &buyer,
        &decided.id,
        &json!({"chosen_service_ids": [first.id], "reason": "보안인증 유효기간, 요금, 국내 데이터 보관 조건을 비교해 가장 적합한 서비스를 선정함"}),
        None,
    )
    .await
    .map_err(fail("decision"))?;

    // a quote, a metered contract billed monthly citing the record, accepted by both sides
    let pp = first.listing.price_plans.iter().find(|p| p.model == PriceModel::Metered).unwrap_or(&first.listing.price_plans[0]);
    let (plan, price) = (pp.name.clone(), pp.unit_price_krw.won());
    let request = quotes::request(
        &past,
        &buyer,
        &json!({"project_id": decided.id, "service_id": first.id, "items": [{"plan": plan, "quantity": 50, "months": 12}],
            "starts_on": format_date(start), "ends_on": format_date(ends), "message": "민원 상담 챗봇 연간 이용 견적을 요청합니다."}),
        None,
    )
    .await
    .map_err(fail("quote request"))?;
    let quote = quotes::offer(
        &past,
        &supplier,
        &request.id,
        &json!({"items": [{"plan": plan, "unit_price_krw": price, "quantity": 50, "months": 12}], "valid_until": format_date(start + time::Duration::days(20)), "note": "공공기관 표준 단가"}),
        None,
    )
    .await
    .map_err(fail("quote"))?;
    let contract = contracts::create(
        &past,
        &buyer,
        &json!({"quote_id": quote.id, "type": "one_off", "fee_model": "metered", "billing": "monthly", "budget_line_id": start_line,
            "starts_on": format_date(start), "ends_on": format_date(ends), "decision_record_id": id(&record)}),
        None,
    )
    .await
    .map_err(fail("contract"))?;
    for p in [&signatory, &supplier] {
        contracts::accept(&signed_on, p, &contract.id, &json!({"text_hash": contract.text_hash}), None).await.map_err(fail("accept"))?;
    }
    crate::demo_usage::seed_demo_usage(ctx, &contract.id).await?;

    // an open project with a short list
    let open = projects::create(ctx, &buyer, &json!({"title": "전자문서 보관 시스템 클라우드 전환", "required_grade": "low"}), None)
        .await
        .map_err(fail("project"))?;
    let found =
        projects::record_search(ctx, &buyer, &open.id, &json!({"q": "클라우드", "per_page": 30}), None).await.map_err(fail("search"))?;
    let short: Vec<String> = found.long_list.iter().take(4).map(|s| s.service_id.clone()).collect();
    if !short.is_empty() {
        projects::set_shortlist(ctx, &buyer, &open.id, &json!({"service_ids": short}), None).await.map_err(fail("short list"))?;
    }

    // a catalog contract and a delivery request waiting for the supplier
    let plan2 = second.listing.price_plans[0].name.clone();
    let price2 = second.listing.price_plans[0].unit_price_krw.won();
    let master = catalog::create(
        ctx,
        &pps,
        &json!({"supplier_id": second.supplier.id, "number": format!("PPS-{year}-DS-0001"), "items": [{"service_id": second.id, "plan": plan2, "unit_price_krw": price2}],
            "starts_on": format!("{year}-01-01"), "ends_on": format!("{}-12-31", year + 1)}),
        None,
    )
    .await
    .map_err(fail("catalog contract"))?;
    catalog::request(
        ctx,
        &buyer,
        &json!({"catalog_contract_id": master.id, "items": [{"service_id": second.id, "plan": plan2, "quantity": 10, "months": 6}], "budget_line_id": lines[1]}),
        None,
    )
    .await
    .map_err(fail("delivery request"))?;
    Ok(())
}

//! Use after the contract in the demo (issue #24): usage in every month of the demo's metered
//! contract, the earlier months' invoices issued, accepted and paid, the previous month's still a
//! draft, an unannounced outage whose SLA credit lowers one of them, and a rating with the
//! supplier's reply. Made through the same use cases the API calls, each on its day (a clock
//! moved back), so the demo shows what the product does.

use crate::cli::Failure;
use crate::demo::demo_principal;
use gureum_app::usage::{incidents, invoices, ratings, records};
use gureum_app::{Context, Principal};
use gureum_domain::Clock;
use gureum_domain::clock::{format_date, rfc3339_utc};
use gureum_domain::usage::{Billing, Month, Period};
use serde_json::json;

fn fail(what: &'static str) -> impl Fn(gureum_app::Error) -> Failure {
    move |e| Failure::env(format!("demo usage ({what}): {} {}", e.code, e.message))
}

/// The context with its clock at `day` `hh:00` Asia/Seoul.
fn on(ctx: &Context, day: time::Date, hh: u8) -> Result<Context, Failure> {
    let c = Clock::parse_fixed(&format!("{}T{hh:02}:00:00+09:00", format_date(day))).map_err(|_| Failure::env("demo usage: a clock"))?;
    Ok(ctx.with_clock(c))
}

/// A day's users of the service: a working-day rhythm over a slowly growing base.
fn users_on(day: time::Date, month_index: i64) -> i64 {
    let base = 42 + 3 * month_index;
    let weekday = day.weekday().number_days_from_monday();
    if weekday >= 5 { base / 3 } else { base + i64::from(day.day() % 5) }
}

/// Fills the demo's metered contract `contract_id` with its months of use.
pub async fn seed_demo_usage(ctx: &Context, contract_id: &str) -> Result<(), Failure> {
    let supplier = demo_principal(ctx, "supplier").await?;
    let buyer = demo_principal(ctx, "buyer").await?;
    let budget = demo_principal(ctx, "budget").await?;
    let Some(contract) = ctx.db().contract(contract_id).await? else { return Ok(()) };
    let Some(item) = contract.items.iter().find(|i| i.model == "metered").cloned() else { return Ok(()) };
    let today = ctx.clock().today();
    let first = Month::of_date(gureum_domain::clock::parse_date(&contract.starts_on).unwrap_or(today));
    let this_month = Month::of_date(today);

    // usage: one record a day, each day's users as a share of the month (사용자/월), up to yesterday
    let mut month = first;
    let mut index = 0_i64;
    while month <= this_month {
        let mut batch = Vec::new();
        let days = month.days();
        for d in 0..days {
            let day = month.first_day() + time::Duration::days(d);
            if day >= today {
                break;
            }
            let users = users_on(day, index);
            // users ÷ days in the month, to six places
            let micros = users * 1_000_000 / days;
            let start = Month::of_date(day).start_micros() + d * 86_400_000_000;
            batch.push(json!({
                "record_id": format!("demo-{}-{}", &contract.id[..8], format_date(day)),
                "contract_id": contract.id,
                "meter": item.meter,
                "quantity": format!("{}.{:06}", micros / 1_000_000, micros % 1_000_000),
                "period_start": rfc3339_utc(start),
                "period_end": rfc3339_utc(start + 86_400_000_000),
            }));
        }
        if !batch.is_empty() {
            let at = on(ctx, (month.first_day() + time::Duration::days(days - 1)).min(today), 23)?;
            records::submit(&at, &supplier, &json!({"records": batch}), None).await.map_err(fail("usage"))?;
        }
        month = month.next();
        index += 1;
    }

    // an unannounced outage of 95 minutes in the second month: below a 99.9 % SLA, so its
    // invoice carries the SLA credit
    let outage_day = first.next().first_day() + time::Duration::days(9);
    let started = Month::of_date(outage_day).start_micros() + 9 * 86_400_000_000 + 2 * 3_600_000_000;
    incidents::create(
        &on(ctx, outage_day, 14)?,
        &supplier,
        &json!({"service_id": item.service_id, "started_at": rfc3339_utc(started), "ended_at": rfc3339_utc(started + 95 * 60_000_000),
            "announced": false, "description": "스토리지 계층 장애로 서비스 접속이 95분간 중단되었습니다. 원인 분석 후 재발 방지 조치를 완료했습니다."}),
        None,
    )
    .await
    .map_err(fail("incident"))?;

    // the ended months billed; all but the previous one issued, accepted and paid
    let last_ended = Period::last_ended(Billing::Monthly, ctx.clock().now_micros());
    let mut period = Period::of(Billing::Monthly, first);
    while period <= last_ended {
        let next_first = period.last.next().first_day();
        invoices::bill(&on(ctx, next_first, 1)?, period).await.map_err(fail("bill"))?;
        if period < last_ended {
            let id = invoice_of(ctx, &buyer, &contract.id, &period.key()).await?;
            invoices::issue(&on(ctx, next_first + time::Duration::days(2), 10)?, &supplier, &id, None).await.map_err(fail("issue"))?;
            invoices::accept(&on(ctx, next_first + time::Duration::days(6), 11)?, &buyer, &id, None).await.map_err(fail("accept"))?;
            let paid_on = next_first + time::Duration::days(20);
            invoices::pay(&on(ctx, paid_on, 15)?, &budget, &id, &json!({"paid_on": format_date(paid_on)}), None)
                .await
                .map_err(fail("pay"))?;
        }
        period = period.next();
    }

    // a rating by the agency, answered by the supplier
    let rated = ratings::rate(
        &on(ctx, today - time::Duration::days(10), 16)?,
        &buyer,
        &item.service_id,
        &json!({"stars": 4, "comment": "민원 응대 시간이 크게 줄었습니다. 장애 한 번이 있었지만 공지와 보상이 빨랐습니다."}),
        None,
    )
    .await
    .map_err(fail("rating"))?;
    ratings::reply(
        &on(ctx, today - time::Duration::days(9), 10)?,
        &supplier,
        &rated.id,
        &json!({"text": "소중한 평가 감사합니다. 장애 재발 방지를 위해 이중화를 강화했습니다."}),
        None,
    )
    .await
    .map_err(fail("reply"))?;
    Ok(())
}

async fn invoice_of(ctx: &Context, p: &Principal, contract_id: &str, period: &str) -> Result<String, Failure> {
    let q = invoices::ListQuery { contract_id: Some(contract_id.to_owned()), period: Some(period.to_owned()), status: None };
    let list = invoices::list(ctx, p, &q).await.map_err(fail("invoices"))?;
    list.first().map(|i| i.id.clone()).ok_or_else(|| Failure::env(format!("demo usage: no invoice for {period}")))
}

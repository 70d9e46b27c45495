//! The demand forecast in the demo (issue #26): the demo agency is a central ministry, and eight
//! generated public bodies (local governments, public institutions, another ministry) stand
//! beside it; last year's survey is closed with answers from the demo agency and most of them,
//! and this year's survey is open now — the demo agency's answer prefilled from last year, some
//! agencies already submitted — so the report, its charts and the response rate show real
//! shapes. Made once (a second run finds last year's survey and changes nothing), dated from
//! the clock. The demo agency answers through the same use cases the API calls, at a time
//! inside last year's window; the generated agencies' answers are written directly.

use crate::cli::Failure;
use crate::demo::demo_principal;
use gureum_app::Context;
use gureum_app::forecast::{response, surveys};
use gureum_domain::account::OrgKind;
use gureum_domain::clock::Clock;
use gureum_storage::{ForecastSystem, NewAuditEvent, NewOrganisation, OrgStatus};
use serde_json::json;

fn fail(what: &'static str) -> impl Fn(gureum_app::Error) -> Failure {
    move |e| Failure::env(format!("demo forecast ({what}): {} {}", e.code, e.message))
}

/// The generated agencies: name and kind. Their names never appear in a public report.
pub const AGENCIES: [(&str, &str); 8] = [
    ("수원시 (데모)", "local"),
    ("경상북도 (데모)", "local"),
    ("부산광역시 해운대구 (데모)", "local"),
    ("한국전력공사 (데모)", "public_institution"),
    ("국민건강보험공단 (데모)", "public_institution"),
    ("한국교육학술정보원 (데모)", "public_institution"),
    ("문화체육관광부 (데모)", "central"),
    ("국립중앙도서관 (데모)", "other"),
];

/// A system of a generated agency: (key, name, hosting, planned year offset from the survey
/// year or none, target type, change, functions, budget, reason when no plan).
type Sys = (
    &'static str,
    &'static str,
    &'static str,
    Option<i64>,
    Option<&'static str>,
    Option<&'static str>,
    &'static [&'static str],
    i64,
    Option<&'static str>,
);

const SYSTEMS: [Sys; 10] = [
    ("EAP-01", "전자결재 시스템", "own", Some(1), Some("saas"), Some("conversion"), &["전자결재", "전자문서"], 120_000_000, None),
    ("GW-01", "그룹웨어", "own", Some(1), Some("saas"), Some("conversion"), &["그룹웨어", "메일"], 80_000_000, None),
    ("VC-01", "영상회의", "none", Some(1), Some("saas"), Some("new"), &["영상회의"], 30_000_000, None),
    ("HR-01", "인사·급여 시스템", "nirs", Some(2), Some("saas"), Some("conversion"), &["인사", "급여"], 150_000_000, None),
    ("WEB-01", "대표 홈페이지", "own", Some(1), Some("iaas"), Some("conversion"), &["홈페이지 관리"], 60_000_000, None),
    ("DATA-01", "빅데이터 분석 플랫폼", "own", Some(2), Some("paas"), Some("new"), &["빅데이터 분석", "디지털트윈"], 400_000_000, None),
    ("CERT-01", "전자증명서 발급", "nirs", Some(3), Some("paas"), Some("new"), &["블록체인 전자증명"], 250_000_000, None),
    ("ERP-01", "재무회계 시스템", "nirs", None, None, None, &[], 0, Some("security")),
    ("MW-01", "민원 접수 시스템", "own", None, None, None, &[], 0, Some("no_budget")),
    ("LEGACY-01", "구 전산 자료 보관", "own", None, None, None, &[], 0, Some("hardware_life")),
];

fn system(s: &Sys, year: i64) -> ForecastSystem {
    ForecastSystem {
        key: s.0.into(),
        name: s.1.into(),
        current_hosting: s.2.into(),
        planned_year: s.3.map(|o| year + o),
        target_type: s.4.map(str::to_owned),
        change: s.5.map(str::to_owned),
        functions: s.6.iter().map(|f| (*f).to_owned()).collect(),
        budget_krw: s.3.map(|_| s.7),
        no_plan_reason: s.8.map(str::to_owned),
        updated_at: 0,
    }
}

/// A clock at `date` 10:00 Asia/Seoul.
fn at(date: time::Date) -> Clock {
    Clock::Fixed(date.with_hms(1, 0, 0).map(|t| t.assume_utc()).unwrap_or(time::OffsetDateTime::UNIX_EPOCH))
}

pub async fn seed_demo_forecast(ctx: &Context) -> Result<(), Failure> {
    let today = ctx.clock().today();
    let this_year = i64::from(today.year());
    let last_year = this_year - 1;
    if surveys::list(ctx).await.map_err(fail("surveys"))?.iter().any(|s| s.year == last_year) {
        return Ok(());
    }
    let operator = demo_principal(ctx, "operator").await?;
    let buyer = demo_principal(ctx, "buyer").await?;
    let demo_agency = buyer.org().id.clone();

    // the agencies' kinds, and the generated agencies
    let mut ids = crate::seed::seeded_ids(26);
    let mut agencies = Vec::new();
    let mut tx = ctx.db().begin_write().await?;
    tx.set_agency_kind(&demo_agency, "central").await?;
    for (n, (name, kind)) in AGENCIES.iter().enumerate() {
        let id = ids(&format!("demo-forecast-agency:{n}"));
        tx.insert_organisation(&NewOrganisation {
            id: id.clone(),
            kind: OrgKind::Agency,
            name: (*name).into(),
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
        .await?;
        tx.set_agency_kind(&id, kind).await?;
        agencies.push(id);
    }
    tx.audit(NewAuditEvent::new("system", "demo.forecast_agencies", "demo", "forecast").after(json!({"agencies": agencies.len()}))).await?;
    tx.commit().await?;

    // last year's survey, in March, answered while it was open
    let d = |y: i64, m: time::Month, day: u8| time::Date::from_calendar_date(y as i32, m, day).map_err(Failure::env);
    let (opens, closes) = (d(last_year, time::Month::March, 2)?, d(last_year, time::Month::March, 31)?);
    let then = ctx.with_clock(at(d(last_year, time::Month::March, 16)?));
    let fmt = gureum_domain::clock::format_date;
    let past = surveys::create(&then, &operator, &json!({"year": last_year, "opens_on": fmt(opens), "closes_on": fmt(closes)}), None)
        .await
        .map_err(fail("last year's survey"))?;
    for (key, body) in [
        (
            "MOIS-EAP",
            json!({"name": "온나라 전자결재 연계", "current_hosting": "nirs", "planned_year": this_year, "target_type": "saas",
            "change": "conversion", "functions": ["전자결재", "전자문서"], "budget_krw": 300_000_000}),
        ),
        (
            "MOIS-VC",
            json!({"name": "원격 영상회의", "current_hosting": "none", "planned_year": this_year, "target_type": "saas",
            "change": "new", "functions": ["영상회의"], "budget_krw": 45_000_000}),
        ),
        (
            "MOIS-DATA",
            json!({"name": "행정 데이터 분석", "current_hosting": "own", "planned_year": this_year + 1, "target_type": "paas",
            "change": "new", "functions": ["빅데이터 분석"], "budget_krw": 500_000_000}),
        ),
        ("MOIS-SEC", json!({"name": "보안관제 시스템", "current_hosting": "own", "planned_year": null, "no_plan_reason": "security"})),
    ] {
        response::put_system(&then, &buyer, &past.id, key, &body, None).await.map_err(fail("demo agency's system"))?;
    }
    response::submit(&then, &buyer, &past.id, None).await.map_err(fail("demo agency's answer"))?;
    // the generated agencies: six of eight answered last year, each a share of the systems
    answer(&then, &past.id, &agencies[..6], last_year, 0).await?;

    // this year's survey: open since ten days, closing in twenty; the demo agency's answer is
    // prefilled from last year's, three generated agencies already submitted
    let now = surveys::create(
        ctx,
        &operator,
        &json!({"year": this_year, "opens_on": fmt(today - time::Duration::days(10)), "closes_on": fmt(today + time::Duration::days(20))}),
        None,
    )
    .await
    .map_err(fail("this year's survey"))?;
    answer(ctx, &now.id, &agencies[..3], this_year, 3).await?;
    Ok(())
}

/// Each agency answers a share of [`SYSTEMS`] (a different share each, from `shift`) and submits.
async fn answer(ctx: &Context, survey_id: &str, agencies: &[String], year: i64, shift: usize) -> Result<(), Failure> {
    for (n, org) in agencies.iter().enumerate() {
        let Some(r) = ctx.db().forecast_response(survey_id, org).await? else { continue };
        let mut tx = ctx.db().begin_write().await?;
        let take = 3 + (n + shift) % 6;
        for i in 0..take {
            let s = &SYSTEMS[(n * 3 + i + shift) % SYSTEMS.len()];
            tx.put_forecast_system(&r.id, &system(s, year)).await?;
        }
        tx.submit_forecast_response(&r.id, "system").await?;
        tx.audit(
            NewAuditEvent::new("system", "forecast_response.submit", "forecast_response", &r.id)
                .after(json!({"status": "submitted", "survey_id": survey_id, "systems": take, "demo": true})),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(())
}

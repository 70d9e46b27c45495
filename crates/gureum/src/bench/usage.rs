//! `gureum bench usage --records N [--database sqlite|postgres] [--clients C]`: usage ingestion
//! and billing at volume (issue #24; SPEC §6: 10 million records a month), in a scratch folder
//! (and, for PostgreSQL, a scratch database).
//!
//! 1. **HTTP**: the real router on a loopback port in this process; C clients send N records as
//!    `POST /api/v1/usage` batches of 10,000 (each batch built by its client as it goes, as a
//!    supplier's machine would).
//! 2. **Direct**: N other records through the same use case the HTTP door calls
//!    (`gureum_app::usage::records::submit_json`, the batch's JSON bytes in) without HTTP; only
//!    the calls are timed (the reading of the JSON included), not the building of each batch.
//! 3. **Engine**: the direct records written again by the database alone, in the same batches
//!    ([`gureum_storage::Db::rewrite_usage`]): the rate no ingestion of those rows can beat here.
//! 4. **Billing**: `gureum_app::usage::invoices::bill` for the month the records fall in.
//!
//! The last stdout line is `{"records", "http_records_per_s", "direct_records_per_s", "bill_s",
//! "peak_rss_bytes", …}` (peak RSS of this process, which holds the server and the clients).

use super::baseline::{PgScratch, pg_admin_url};
use super::server::peak_rss_of;
use crate::cli::{CmdResult, Failure};
use gureum_app::index::IndexSync;
use gureum_app::usage::records::MAX_BATCH;
use gureum_domain::Clock;
use gureum_domain::clock::rfc3339_utc;
use gureum_domain::usage::{Billing, Month, Period};
use gureum_storage::{Contract, ContractItem, Db};
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Contracts the records are spread over.
const CONTRACTS: usize = 10;
const METERS: [&str; 2] = ["vCPU-hour", "GB-month"];

pub async fn usage(records: u64, database: &str, clients: u32, clock: Clock) -> CmdResult {
    if database != "sqlite" && database != "postgres" {
        return Err(Failure::env(format!("--database must be sqlite or postgres, not {database:?}")));
    }
    let scratch = std::env::temp_dir().join(format!("gureum-bench-usage-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&scratch)?;
    let pg = if database == "postgres" { Some(PgScratch::create(&pg_admin_url()).await?) } else { None };
    let url = match &pg {
        Some(pg) => pg.url.clone(),
        None => format!("sqlite://{}", scratch.join("usage.sqlite3").display()),
    };
    let result = run(&scratch, &url, database, records, clients.max(1), clock).await;
    if let Some(pg) = pg {
        pg.drop_db().await;
    }
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

/// The month the records fall in: the last one ended, so that it can be billed.
fn bench_month(clock: Clock) -> Month {
    Period::last_ended(Billing::Monthly, clock.now_micros()).first
}

/// Record `i` of a phase (`prefix` `h` or `d`) as the API takes it.
fn record(prefix: &str, i: u64, contracts: &[String], month: Month) -> Value {
    let minute = (i % 40_000) as i64; // fits February
    let start = month.start_micros() + minute * 60_000_000;
    json!({
        "record_id": format!("{prefix}-{i:010}"),
        "contract_id": contracts[(i as usize) % contracts.len()],
        "meter": METERS[((i / contracts.len() as u64) % 2) as usize],
        "quantity": format!("{}.{:06}", i % 100, (i * 7919) % 1_000_000),
        "period_start": rfc3339_utc(start),
        "period_end": rfc3339_utc(start + 60_000_000),
    })
}

fn batch(prefix: &str, from: u64, to: u64, contracts: &[String], month: Month) -> Value {
    json!({"records": (from..to).map(|i| record(prefix, i, contracts, month)).collect::<Vec<_>>()})
}

async fn run(scratch: &Path, url: &str, database: &str, records: u64, clients: u32, clock: Clock) -> CmdResult {
    let db = Db::connect(url, clock).await?;
    crate::seed::seed_catalog(&db, 20, 2026, clock.today(), false).await?;
    crate::demo::seed_demo_accounts(&db).await?;
    let sync = Arc::new(IndexSync::open(db.clone(), &scratch.join("index"), true).map_err(Failure::env)?);
    sync.rebuild(|_| {}).await.map_err(Failure::env)?;
    let documents = gureum_storage::DocumentStore::new(scratch.join("documents"));
    let state = gureum_web::AppState::new(gureum_app::Context::new(db.clone(), sync, clock, documents, "http://127.0.0.1"));
    state.set_ready(true);
    let month = bench_month(clock);
    let (contracts, supplier_id) = bench_contracts(&db, month).await?;
    let supplier = crate::demo::demo_principal(&state, "supplier").await?;
    let token = gureum_app::accounts::login(&state, "supplier@demo.gureum.kr", crate::demo::DEMO_PASSWORD, None, None)
        .await
        .map_err(|e| Failure::env(e.message))?
        .token;
    eprintln!("{database}: {records} records over HTTP and {records} directly, into {} contracts, month {}", contracts.len(), month.key());

    // 1. HTTP
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let base = format!("http://{}", listener.local_addr()?);
    let app = gureum_web::router(state.clone());
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).await;
    });
    let batches = records.div_ceil(MAX_BATCH as u64);
    let next = Arc::new(AtomicU64::new(0));
    let t = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (next, base, token, contracts) = (next.clone(), base.clone(), token.clone(), contracts.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k >= batches {
                    return Ok::<u64, Failure>(0);
                }
                let (from, to) = (k * MAX_BATCH as u64, ((k + 1) * MAX_BATCH as u64).min(records));
                let body = batch("h", from, to, &contracts, month).to_string();
                let res = http
                    .post(format!("{base}/api/v1/usage"))
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .map_err(|e| Failure::env(format!("POST /api/v1/usage: {e}")))?;
                let status = res.status();
                let v: Value = res.json().await.map_err(|e| Failure::env(format!("POST /api/v1/usage: {e}")))?;
                if !status.is_success() || v["accepted"].as_u64() != Some(to - from) {
                    return Err(Failure::env(format!("POST /api/v1/usage: {status}: {v}")));
                }
                if k % 10 == 9 {
                    eprintln!("  http: {} batches", k + 1);
                }
            }
        }));
    }
    for task in tasks {
        task.await.map_err(Failure::env)??;
    }
    let http_s = t.elapsed().as_secs_f64();
    server.abort();
    let http_per_s = records as f64 / http_s.max(1e-9);
    println!("http      {records} records in {http_s:.2} s = {http_per_s:.0} records/s ({clients} clients, batches of {MAX_BATCH})");

    // 2. Direct
    let mut direct_s = 0.0;
    for k in 0..batches {
        let (from, to) = (k * MAX_BATCH as u64, ((k + 1) * MAX_BATCH as u64).min(records));
        let body = batch("d", from, to, &contracts, month).to_string().into_bytes();
        let t = Instant::now();
        let o = gureum_app::usage::records::submit_json(&state, &supplier, &body, None).await.map_err(|e| Failure::env(e.message))?;
        direct_s += t.elapsed().as_secs_f64();
        if o.accepted != to - from {
            return Err(Failure::env(format!("direct batch {k}: {o:?}")));
        }
    }
    let direct_per_s = records as f64 / direct_s.max(1e-9);
    println!(
        "direct    {records} records in {direct_s:.2} s = {direct_per_s:.0} records/s (the use case's calls only, reading the JSON bytes included)"
    );

    // 3. The engine alone, the same rows
    let engine = db.rewrite_usage(&supplier_id, "d-", MAX_BATCH).await?;
    let engine_per_s = engine.rows as f64 / engine.seconds.max(1e-9);
    let ratio = direct_per_s / engine_per_s.max(1e-9);
    println!(
        "engine    the same {} rows written again by the database alone in {} transactions: {:.2} s = {engine_per_s:.0} records/s; direct = {ratio:.2}× the engine",
        engine.rows, engine.batches, engine.seconds
    );

    // 4. Billing
    let stored = db.usage_record_count(None).await?;
    let t = Instant::now();
    let billed =
        gureum_app::usage::invoices::bill(&state, Period::of(Billing::Monthly, month)).await.map_err(|e| Failure::env(e.message))?;
    let bill_s = t.elapsed().as_secs_f64();
    if billed.drafted + billed.recomputed == 0 {
        return Err(Failure::env("the billing run drafted no invoice: the benchmark measured nothing"));
    }
    println!("bill      {stored} records of {} in {bill_s:.2} s: {billed:?}", month.key());
    let peak = peak_rss_of(std::process::id());
    println!("peak RSS  {:.0} MiB", peak as f64 / 1048576.0);
    db.close().await;
    let figures = json!({
        "records": records,
        "database": database,
        "http_records_per_s": http_per_s,
        "http_s": http_s,
        "direct_records_per_s": direct_per_s,
        "direct_s": direct_s,
        "engine_records_per_s": engine_per_s,
        "engine_s": engine.seconds,
        "direct_over_engine": ratio,
        "billed_records": stored,
        "bill_s": bill_s,
        "peak_rss_bytes": peak,
    });
    println!("{figures}");
    Ok(0)
}

/// The demo supplier's signed monthly contracts with the demo agency, covering `month`.
async fn bench_contracts(db: &Db, month: Month) -> Result<(Vec<String>, String), Failure> {
    let user = |who: &'static str| async move {
        db.user_by_email(&format!("{who}@demo.gureum.kr")).await?.ok_or_else(|| Failure::env(format!("no demo {who}")))
    };
    let (supplier, buyer) = (user("supplier").await?, user("buyer").await?);
    let supplier_id = db
        .organisation(&supplier.org_id)
        .await?
        .and_then(|o| o.supplier_id)
        .ok_or_else(|| Failure::env("the demo supplier has no catalog supplier"))?;
    // one of the demo supplier's own listed services, read through the storage crate
    let service_id = db
        .supplier_services(&supplier_id, &[gureum_domain::ServiceStatus::Listed])
        .await?
        .into_iter()
        .next()
        .map(|r| r.id)
        .ok_or_else(|| Failure::env("the demo supplier lists no service"))?;
    let from = month.prev().first_day();
    let to = Month::new(month.year() + 1, month.month()).first_day();
    let mut ids = Vec::new();
    let mut tx = db.begin_write().await?;
    for n in 0..CONTRACTS {
        let item = |meter: &str, price: i64| ContractItem {
            service_id: service_id.clone(),
            service_code: "BENCH".into(),
            service_name: format!("bench {n}"),
            plan: meter.into(),
            meter: meter.into(),
            unit_price_krw: price,
            quantity: 1,
            months: 12,
            model: "metered".into(),
            vat_included: false,
        };
        let c = Contract {
            id: uuid::Uuid::new_v4().to_string(),
            method: "negotiated".into(),
            agency_id: buyer.org_id.clone(),
            supplier_id: supplier_id.clone(),
            status: "signed".into(),
            kind: "one_off".into(),
            fee_model: "metered".into(),
            billing: "monthly".into(),
            total_krw: 1_000_000,
            starts_on: gureum_domain::clock::format_date(from),
            ends_on: gureum_domain::clock::format_date(to),
            text: "벤치마크 계약".into(),
            text_hash: "bench".into(),
            ttc_from: "quote_request".into(),
            signed_at: Some(month.prev().start_micros()),
            created_by: buyer.id.clone(),
            items: vec![item(METERS[0], 50), item(METERS[1], 120)],
            ..Contract::default()
        };
        tx.insert_contract(&c).await?;
        // signed as the product signs: the row's signature fields are written by the update
        tx.update_contract(&c).await?;
        ids.push(c.id);
    }
    tx.commit().await?;
    Ok((ids, supplier_id))
}

//! `gureum bench search --services N [--baseline sqlite|postgres]`: seeds a synthetic catalog into
//! a scratch folder, builds the index, starts the real server on a loopback port and sends the
//! repository's fixed query set to `/api/v1/services` over HTTP, alternating query by query with
//! the same searches on the baseline; then C concurrent clients; prints the figures, the last line
//! one JSON object. `gureum bench import --lines N`: see [`import`]. `gureum bench usage --records N`:
//! see [`usage`].

mod baseline;
mod import;
mod server;
mod usage;

pub use import::import;
pub use usage::usage;

use crate::cli::{CmdResult, Failure};
use baseline::{Baseline, PgScratch, Search, pg_admin_url};
use gureum_app::index::IndexSync;
use gureum_domain::Clock;
use gureum_search::TextEngine;
use gureum_storage::Db;
use server::{Server, http_get, http_search, peak_rss_of, rss_of, start_server};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const QUERY_SET: &str = include_str!("../bench/queries.txt");

/// The query set as query-string lines.
pub fn queries() -> Vec<&'static str> {
    QUERY_SET.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

fn dir_size(path: &std::path::Path) -> u64 {
    std::fs::read_dir(path)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

pub fn percentile(sorted_ms: &[f64], p: f64) -> f64 {
    if sorted_ms.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted_ms.len() as f64).ceil() as usize;
    sorted_ms[rank.clamp(1, sorted_ms.len()) - 1]
}

/// The options of `gureum bench search`.
#[derive(Debug, Clone)]
pub struct SearchOpts {
    pub services: u64,
    pub seed: u64,
    pub rounds: u32,
    pub baseline: Option<String>,
    pub clients: u32,
    /// Requests of the concurrency phase (it also stops after [`CONCURRENT_MAX`]); 100,000 of
    /// them show whether the server's memory stays flat.
    pub requests: u32,
}

/// The longest the concurrency phase runs.
const CONCURRENT_MAX: Duration = Duration::from_secs(900);
/// The longest one HTTP request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Timed requests of the statistics and of the search over everything it is compared with.
const STATS_ROUNDS: usize = 11;

pub async fn search(opts: SearchOpts, clock: Clock) -> CmdResult {
    if let Some(b) = opts.baseline.as_deref()
        && b != "sqlite"
        && b != "postgres"
    {
        return Err(Failure::env(format!("--baseline must be sqlite or postgres, not {b:?}")));
    }
    let scratch = std::env::temp_dir().join(format!("gureum-bench-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&scratch)?;
    let mut cleanup = Cleanup { server: None, pg: None };
    let result = run(&scratch, &opts, clock, &mut cleanup).await;
    cleanup.server.take();
    if let Some(pg) = cleanup.pg.take() {
        pg.drop_db().await;
    }
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

/// What `search` undoes whatever happens.
struct Cleanup {
    server: Option<Server>,
    pg: Option<PgScratch>,
}

fn pcts(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(|a, b| a.total_cmp(b));
    (percentile(&v, 50.0), percentile(&v, 95.0), percentile(&v, 99.0))
}

async fn run(scratch: &Path, opts: &SearchOpts, clock: Clock, cleanup: &mut Cleanup) -> CmdResult {
    let services = opts.services;
    let rounds = opts.rounds.max(1);
    let today = clock.today();
    let today_s = format!("{:04}-{:02}-{:02}", today.year(), u8::from(today.month()), today.day());
    let url = format!("sqlite://{}", scratch.join("bench.sqlite3").display());
    let db = Db::connect(&url, clock).await?;
    eprintln!("seeding {services} services…");
    let t = Instant::now();
    crate::seed::seed_catalog(&db, services, opts.seed, today, true).await?;
    let seed_s = t.elapsed().as_secs_f64();
    let index_dir = scratch.join("index");
    let qs = queries();
    let (build_s, index_bytes, inproc) = {
        let sync = Arc::new(IndexSync::open(db.clone(), &index_dir, true).map_err(Failure::env)?);
        let t = Instant::now();
        sync.rebuild(|_| {}).await.map_err(Failure::env)?;
        let build_s = t.elapsed().as_secs_f64();
        let index_bytes = dir_size(&index_dir);
        let parsed = qs
            .iter()
            .map(|q| {
                gureum_app::query::parse_search(&gureum_app::query::pairs(Some(q)), today, false)
                    .map_err(|e| Failure::env(format!("query set line {q:?}: {}", e.message)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        // In process, without the result cache: the engine alone, one warm-up pass then one round.
        // The live generation, read-only beside the server's folder (opening the folder itself
        // would find no index there and start it afresh).
        let live = gureum_app::index::current_generation(&index_dir).ok_or_else(|| Failure::env("the build left no live generation"))?;
        let (mut index, opened) = gureum_search::CatalogIndex::open_or_create(&index_dir.join(live)).map_err(Failure::env)?;
        if opened != gureum_search::Opened::Existing {
            return Err(Failure::env("the index just built could not be opened"));
        }
        index.set_result_cache(false);
        // The bitset text engine against tantivy's own query and scorers on the same index,
        // alternating query by query; their answers must be equal.
        let mut times = Vec::with_capacity(parsed.len());
        let mut tantivy_times = Vec::with_capacity(parsed.len());
        for pass in 0..2 {
            for q in &parsed {
                index.set_text_engine(TextEngine::Bitsets);
                let t = Instant::now();
                let ours = index.search(q).map_err(Failure::env)?;
                let ours_ms = t.elapsed().as_secs_f64() * 1000.0;
                index.set_text_engine(TextEngine::Tantivy);
                let t = Instant::now();
                let theirs = index.search(q).map_err(Failure::env)?;
                let theirs_ms = t.elapsed().as_secs_f64() * 1000.0;
                if ours.total != theirs.total || ours.facets != theirs.facets {
                    return Err(Failure::env(format!("the text engines disagree on {q:?}")));
                }
                if pass == 1 {
                    times.push(ours_ms);
                    tantivy_times.push(theirs_ms);
                }
            }
        }
        let mut slowest: Vec<(f64, f64, &str)> = times.iter().zip(&tantivy_times).zip(&qs).map(|((a, b), q)| (*a, *b, *q)).collect();
        slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
        slowest.truncate(5);
        let dense = index.dense_terms();
        (build_s, index_bytes, (pcts(times), pcts(tantivy_times), dense, slowest))
    };
    db.close().await;

    // The baseline, built before the server starts so that it does not compete with it.
    let mut baseline_build_s = 0.0;
    let baseline = match opts.baseline.as_deref() {
        None => None,
        Some(kind) => {
            let t = Instant::now();
            let b = if kind == "sqlite" {
                eprintln!("building the SQLite FTS5 baseline…");
                Baseline::build_sqlite(&url, &scratch.join("baseline.sqlite3"), &today_s).await?
            } else {
                let pg = PgScratch::create(&pg_admin_url()).await?;
                let pg_url = pg.url.clone();
                cleanup.pg = Some(pg);
                eprintln!("seeding {services} services into PostgreSQL…");
                let pdb = Db::connect(&pg_url, clock).await?;
                let seeded = crate::seed::seed_catalog(&pdb, services, opts.seed, today, true).await;
                pdb.close().await;
                seeded?;
                eprintln!("building the PostgreSQL tsvector baseline…");
                Baseline::build_postgres(&pg_url, &today_s).await?
            };
            baseline_build_s = t.elapsed().as_secs_f64();
            Some(b)
        }
    };

    let http = reqwest::Client::builder().timeout(REQUEST_TIMEOUT).no_proxy().pool_max_idle_per_host(1024).build()?;
    eprintln!("starting the server…");
    let server = start_server(scratch, &url, &http).await?;
    let base = server.base.clone();
    let pid = server.pid();
    cleanup.server = Some(server);

    // Every request asks for the top 20 (the API's default page) with total and facets; the
    // server runs with its cache of repeated searches off, so each one is a real search.
    let top20: Vec<String> = qs.iter().map(|q| format!("{q}&per_page=20")).collect();
    // Warm-up (page and segment caches, connections): each query once on both sides.
    for q in &top20 {
        http_search(&http, &base, q).await?;
        if let Some(b) = &baseline {
            b.search(&Search::parse(q)).await?;
        }
    }
    // Timed rounds, alternating query by query.
    let mut times = Vec::with_capacity(qs.len() * rounds as usize);
    let mut base_times = Vec::with_capacity(qs.len() * rounds as usize);
    let (mut hits, mut base_hits) = (0u64, 0i64);
    for _ in 0..rounds {
        for q in &top20 {
            let (ms, total) = http_search(&http, &base, q).await?;
            times.push(ms);
            hits += total;
            if let Some(b) = &baseline {
                let s = Search::parse(q);
                let t = Instant::now();
                let a = b.search(&s).await?;
                base_times.push(t.elapsed().as_secs_f64() * 1000.0);
                base_hits += a.total;
                std::hint::black_box((a.items, a.facet_values));
            }
        }
    }
    let n_sequential = times.len();
    let (p50, p95, p99) = pcts(times);
    let base_p = (!base_times.is_empty()).then(|| pcts(base_times));

    // The public statistics (`/api/v1/stats`: the catalog by kind and month from the index's
    // columns, contracts and vouchers summed in SQL) against a search over every listed service
    // with its facets (the same pass over the catalog), alternating, medians.
    let everything = format!("{base}/api/v1/services?per_page=1");
    let stats_url = format!("{base}/api/v1/stats");
    http_get(&http, &stats_url).await?;
    http_get(&http, &everything).await?;
    let (mut stats_times, mut all_times) = (Vec::new(), Vec::new());
    for _ in 0..STATS_ROUNDS {
        stats_times.push(http_get(&http, &stats_url).await?.0);
        all_times.push(http_get(&http, &everything).await?.0);
    }
    let (stats_p50, _, _) = pcts(stats_times);
    let (all_p50, _, _) = pcts(all_times);
    println!(
        "statistics        p50 {stats_p50:.3} ms; a search over every service p50 {all_p50:.3} ms (×{:.2})",
        stats_p50 / all_p50.max(1e-9)
    );

    // Concurrency: C clients share a bounded number of requests, stopped after CONCURRENT_MAX;
    // the server's resident memory is read before and after.
    let rss_before = rss_of(pid);
    let clients = opts.clients.max(1);
    let budget = opts.requests.max(1) as u64;
    let next = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let queries: Arc<Vec<String>> = Arc::new(top20.clone());
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (http, base, next, queries) = (http.clone(), base.clone(), next.clone(), queries.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= budget || started.elapsed() > CONCURRENT_MAX {
                    break;
                }
                let n = queries.len() as u64;
                let (ms, _) = http_search(&http, &base, &queries[(i % n) as usize]).await?;
                lat.push(ms);
            }
            Ok::<_, Failure>(lat)
        }));
    }
    let mut conc = Vec::new();
    for t in tasks {
        conc.extend(t.await.map_err(Failure::env)??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let completed = conc.len();
    let qps = completed as f64 / elapsed.max(1e-9);
    let (_, _, conc_p99) = pcts(conc);
    let rss = peak_rss_of(pid);
    let rss_after = rss_of(pid);
    cleanup.server.take();
    if let Some(b) = &baseline {
        b.close().await;
    }

    println!("services          {services}");
    println!("seed              {seed_s:.2} s");
    println!("index build       {build_s:.2} s");
    println!("index size        {:.1} MiB", index_bytes as f64 / 1048576.0);
    let (inproc, inproc_tantivy, dense, slowest) = inproc;
    println!("dense terms       {} held as bitsets, {:.1} MiB", dense.0, dense.1 as f64 / 1048576.0);
    println!("in process        p50/p95/p99 {:.3} / {:.3} / {:.3} ms (engine only, no cache)", inproc.0, inproc.1, inproc.2);
    println!(
        "  tantivy query   p50/p95/p99 {:.3} / {:.3} / {:.3} ms (same index, same run: p99 ×{:.2})",
        inproc_tantivy.0,
        inproc_tantivy.1,
        inproc_tantivy.2,
        inproc_tantivy.2 / inproc.2.max(1e-9)
    );
    for (ms, tantivy_ms, q) in &slowest {
        println!("  slowest         {ms:7.3} ms (tantivy query {tantivy_ms:7.3} ms)  {q}");
    }
    println!("HTTP queries      {n_sequential} ({} distinct × {rounds} rounds, one at a time)", qs.len());
    println!("gureum HTTP       p50/p95/p99 {p50:.3} / {p95:.3} / {p99:.3} ms");
    if let (Some(b), Some((b50, b95, b99))) = (&baseline, base_p) {
        println!(
            "{:<17} p50/p95/p99 {b50:.3} / {b95:.3} / {b99:.3} ms (built in {baseline_build_s:.2} s)",
            format!("{} baseline", b.name())
        );
        println!("baseline/gureum   p50 ×{:.2}, p99 ×{:.2}", b50 / p50.max(1e-9), b99 / p99.max(1e-9));
    }
    println!("concurrent        {completed} requests, {clients} clients, {elapsed:.2} s: {qps:.0} q/s, p99 {conc_p99:.3} ms");
    println!(
        "server RSS        peak {:.1} MiB; {:.1} MiB before the concurrent requests, {:.1} MiB after",
        rss as f64 / 1048576.0,
        rss_before as f64 / 1048576.0,
        rss_after as f64 / 1048576.0
    );
    let mut out = serde_json::json!({
        "services": services, "build_s": build_s, "index_bytes": index_bytes,
        "p50_ms": p50, "p95_ms": p95, "p99_ms": p99, "qps": qps, "concurrent_p99_ms": conc_p99,
        "clients": clients, "requests": completed, "peak_rss_bytes": rss, "rss_before_concurrent_bytes": rss_before,
        "rss_after_concurrent_bytes": rss_after, "matched_total": hits,
        "inproc_p50_ms": inproc.0, "inproc_p99_ms": inproc.2,
        "inproc_tantivy_p50_ms": inproc_tantivy.0, "inproc_tantivy_p99_ms": inproc_tantivy.2,
        "dense_terms": dense.0, "dense_bytes": dense.1,
        "stats_p50_ms": stats_p50, "all_search_p50_ms": all_p50, "stats_over_all_search": stats_p50 / all_p50.max(1e-9),
    });
    if let (Some(b), Some((b50, b95, b99))) = (&baseline, base_p) {
        out["baseline"] = b.name().into();
        out["baseline_build_s"] = baseline_build_s.into();
        out["baseline_p50_ms"] = b50.into();
        out["baseline_p95_ms"] = b95.into();
        out["baseline_p99_ms"] = b99.into();
        out["baseline_matched_total"] = base_hits.into();
        out["ratio_p50"] = (b50 / p50.max(1e-9)).into();
        out["ratio_p99"] = (b99 / p99.max(1e-9)).into();
    }
    println!("{out}");
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 99.0), 99.0);
        assert_eq!(percentile(&[3.0], 99.0), 3.0);
    }

    #[test]
    fn query_set_parses_and_mixes_filters() {
        let today = time::macros::date!(2026 - 11 - 23);
        let qs = queries();
        assert!(qs.len() >= 30);
        let filtered = qs.iter().filter(|q| q.contains('&') || !q.starts_with("q=")).count();
        assert!(filtered * 3 >= qs.len(), "at least a third carry filters");
        for q in qs {
            assert!(gureum_app::query::parse_search(&gureum_app::query::pairs(Some(q)), today, false).is_ok(), "{q}");
        }
    }
}

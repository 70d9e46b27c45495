//! `gureum bench search --services N`: seeds a synthetic catalog into a scratch folder, builds
//! the index, runs the repository's fixed query set and prints the figures.

use crate::cli::{CmdResult, Failure};
use gureum_domain::Clock;
use gureum_storage::Db;
use gureum_web::sync::IndexSync;
use std::sync::Arc;
use std::time::Instant;

pub const QUERY_SET: &str = include_str!("../bench/queries.txt");

/// The query set as query-string lines.
pub fn queries() -> Vec<&'static str> {
    QUERY_SET.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

/// Peak resident memory of this process (VmHWM), in bytes; 0 where /proc is not there.
pub fn peak_rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)).and_then(|kb| kb.parse::<u64>().ok())
        })
        .map(|kb| kb * 1024)
        .unwrap_or(0)
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

pub async fn search(services: u64, seed: u64, rounds: u32, clock: Clock) -> CmdResult {
    let scratch = std::env::temp_dir().join(format!("gureum-bench-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&scratch)?;
    let result = run(&scratch, services, seed, rounds, clock).await;
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

async fn run(scratch: &std::path::Path, services: u64, seed: u64, rounds: u32, clock: Clock) -> CmdResult {
    let url = format!("sqlite://{}", scratch.join("bench.sqlite3").display());
    let db = Db::connect(&url, clock).await?;
    eprintln!("seeding {services} services…");
    let t = Instant::now();
    crate::seed::seed_catalog(&db, services, seed, clock.today(), true).await?;
    let seed_s = t.elapsed().as_secs_f64();
    let index_dir = scratch.join("index");
    let sync = Arc::new(IndexSync::open(db.clone(), &index_dir, true).map_err(Failure::env)?);
    let t = Instant::now();
    sync.rebuild(|_| {}).await.map_err(Failure::env)?;
    let build_s = t.elapsed().as_secs_f64();
    let index_bytes = dir_size(&index_dir);
    let qs = queries();
    let parsed = qs
        .iter()
        .map(|q| {
            gureum_web::query::parse_search(&gureum_web::query::pairs(Some(q)), clock.today(), false)
                .map_err(|e| Failure::env(format!("query set line {q:?}: {}", e.message)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    // A second handle on the same folder, without the result cache, so that repeated rounds
    // measure real searches and not cache hits.
    let (mut index, _) = gureum_search::CatalogIndex::open_or_create(&index_dir).map_err(Failure::env)?;
    index.set_result_cache(false);
    // One warm-up pass, then the timed rounds.
    for q in &parsed {
        index.search(q).map_err(Failure::env)?;
    }
    let mut times = Vec::with_capacity(parsed.len() * rounds as usize);
    let mut hits = 0u64;
    for _ in 0..rounds {
        for q in &parsed {
            let t = Instant::now();
            let r = index.search(q).map_err(Failure::env)?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            hits += r.total;
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let (p50, p95, p99) = (percentile(&times, 50.0), percentile(&times, 95.0), percentile(&times, 99.0));
    let rss = peak_rss_bytes();
    println!("services          {services}");
    println!("seed              {seed_s:.2} s");
    println!("index build       {build_s:.2} s");
    println!("index size        {:.1} MiB", index_bytes as f64 / 1048576.0);
    println!("queries           {} ({} distinct × {rounds} rounds, in process)", times.len(), parsed.len());
    println!("latency p50/p95/p99  {p50:.3} / {p95:.3} / {p99:.3} ms");
    println!("peak RSS          {:.1} MiB", rss as f64 / 1048576.0);
    println!(
        "{}",
        serde_json::json!({
            "services": services, "build_s": build_s, "index_bytes": index_bytes,
            "p50_ms": p50, "p95_ms": p95, "p99_ms": p99, "peak_rss_bytes": rss, "matched_total": hits
        })
    );
    db.close().await;
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
            assert!(gureum_web::query::parse_search(&gureum_web::query::pairs(Some(q)), today, false).is_ok(), "{q}");
        }
    }
}

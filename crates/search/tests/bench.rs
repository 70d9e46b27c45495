//! A rough latency check on a synthetic catalog (ignored by default):
//! `GUREUM_BENCH_DOCS=1000000 cargo test -p gureum-search --release --test bench -- --ignored --nocapture`
#![allow(clippy::unwrap_used)]

use gureum_domain::{CertType, CsapGrade, ServiceKind, ServiceStatus};
use gureum_search::{CatalogIndex, CertFacts, Opened, SearchDoc, SearchQuery, Sort};
use std::time::{Duration, Instant};
use time::macros::date;

const WORDS: [&str; 16] = [
    "전자결재",
    "예산회계",
    "영상회의",
    "문서관리",
    "클라우드",
    "보안관제",
    "데이터",
    "분석",
    "협업",
    "메신저",
    "백업",
    "민원",
    "인사급여",
    "그룹웨어",
    "CRM",
    "Backup",
];
const CATEGORIES: [&str; 8] = ["업무관리", "인프라", "보안", "데이터", "협업", "교육", "의료", "행정"];

fn synthetic(n: u32) -> SearchDoc {
    let h = gureum_domain::fair::fnv1a64(&n.to_le_bytes());
    let w = |k: u64| WORDS[((h >> (k * 4)) % WORDS.len() as u64) as usize];
    let grade = [CsapGrade::Low, CsapGrade::Medium, CsapGrade::High][(h % 3) as usize];
    SearchDoc {
        id: format!("{:08x}-0000-4000-8000-{n:012}", h as u32),
        code: format!("SAS-4-09-{:07}", n % 10_000_000),
        status: if h.is_multiple_of(50) { ServiceStatus::Suspended } else { ServiceStatus::Listed },
        name: format!("{} {} 서비스", w(0), w(1)),
        name_en: Some(format!("Service {n}")),
        kind: ServiceKind::ALL[(h % 6) as usize],
        category: CATEGORIES[((h >> 8) % 8) as usize].to_owned(),
        tags: vec![w(2).to_owned(), w(3).to_owned()],
        supplier_id: format!("sup-{}", n % 5000),
        supplier_name: format!("{}테크 {}", w(4), n % 5000),
        business_number: "2208162517".into(),
        supplier_sme: h.is_multiple_of(2),
        summary: format!("{} 와 {} 를 지원하는 {} 솔루션", w(5), w(6), w(7)),
        summary_en: None,
        description: format!("{} {} {} {} 기능을 제공합니다.", w(8), w(9), w(10), w(11)),
        price_from_krw: (!h.is_multiple_of(7)).then_some(((h >> 16) % 1_000_000) as i64),
        first_listed_at: Some(((h >> 20) % 1_000_000_000) as i64),
        rating_x100: (h.is_multiple_of(3)).then_some(((h >> 24) % 500) as i64),
        cert: (!h.is_multiple_of(4)).then_some(CertFacts {
            cert_type: CertType::Standard,
            grade,
            valid_from: date!(2023 - 01 - 01),
            valid_to: if h % 10 == 1 { date!(2026 - 01 - 01) } else { date!(2028 - 01 - 01) },
            revoked: false,
        }),
        host_code: None,
        host_listed: false,
        host_cert: None,
    }
}

#[test]
#[ignore]
fn latency_on_a_synthetic_catalog() {
    let n: u32 = std::env::var("GUREUM_BENCH_DOCS").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    // GUREUM_BENCH_DIR keeps the index between runs (it is built only when that folder is new).
    let tmp = tempfile::tempdir().unwrap();
    let path = std::env::var_os("GUREUM_BENCH_DIR").map_or_else(|| tmp.path().to_owned(), std::path::PathBuf::from);
    let (mut index, opened) = CatalogIndex::open_or_create(&path).unwrap();
    let threads: usize = std::env::var("GUREUM_BENCH_THREADS").ok().and_then(|s| s.parse().ok()).unwrap_or(1);
    index.set_search_threads(threads).unwrap();
    index.set_result_cache(false);
    if opened == Opened::Created {
        let t = Instant::now();
        let mut up = index.updater().unwrap();
        for i in 0..n {
            up.upsert(&synthetic(i)).unwrap();
        }
        up.commit(1).unwrap();
        up.finish().unwrap();
        index.reload().unwrap();
        println!("indexed {n} docs in {:?}", t.elapsed());
    }
    println!(
        "{} docs, {} MB, {} segments, {threads} search threads",
        index.doc_count(),
        index.size_bytes() / 1_000_000,
        index.segment_count()
    );

    let today = date!(2026 - 11 - 23);
    let mut queries: Vec<(&str, SearchQuery)> = Vec::new();
    let base = SearchQuery::new(today);
    queries.push(("default", base.clone()));
    let mut q = base.clone();
    q.q = Some("전자결재".into());
    queries.push(("q=전자결재", q));
    let mut q = base.clone();
    q.q = Some("예산 회계 클라우드".into());
    queries.push(("q=예산 회계 클라우드", q));
    let mut q = base.clone();
    q.q = Some("결".into());
    queries.push(("q=결", q));
    let mut q = base.clone();
    q.q = Some("backup".into());
    q.sort = Some(Sort::PriceAsc);
    queries.push(("q=backup price_asc", q));
    let mut q = base.clone();
    q.kinds = vec![ServiceKind::Saas];
    q.grades = vec![CsapGrade::High];
    q.categories = vec!["보안".into()];
    q.min_price = Some(10_000);
    q.sort = Some(Sort::Rating);
    queries.push(("filters rating", q));

    // The first search of a date builds the per-segment date arrays.
    let t = Instant::now();
    index.search(&base).unwrap();
    println!("first search of the day: {:?}", t.elapsed());
    let only = std::env::var("GUREUM_BENCH_ONLY").ok();
    for (label, q) in queries.iter().filter(|(l, _)| only.as_deref().is_none_or(|o| l.starts_with(o))) {
        let mut times: Vec<Duration> = (0..50)
            .map(|_| {
                let t = Instant::now();
                let r = index.search(q).unwrap();
                std::hint::black_box(r.total);
                t.elapsed()
            })
            .collect();
        times.sort();
        let total = index.search(q).unwrap().total;
        println!("{label:24} total {total:8}  p50 {:?}  p99 {:?}", times[25], times[49]);
    }
}

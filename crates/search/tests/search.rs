//! The catalog index against the search rules (docs/RULES.md#search, `GET /api/v1/services`),
//! on small hand-made catalogs.
#![allow(clippy::unwrap_used)]

use gureum_domain::fair::fair_key;
use gureum_domain::{BusinessNumber, CertType, CsapGrade, ServiceKind, ServiceStatus};
use gureum_search::{CatalogIndex, CertFacts, Opened, SearchDoc, SearchError, SearchQuery, SearchResult, Sort};
use time::Date;
use time::macros::date;

const TODAY: Date = date!(2026 - 11 - 23);

fn id(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn bizno(n: u32) -> String {
    let d = [1, 2, 3, 4, 5, 6, 7, 8, n % 10];
    BusinessNumber::from_first9(d).digits().to_owned()
}

fn doc(n: u32, name: &str) -> SearchDoc {
    SearchDoc {
        id: id(n),
        code: format!("SAS-4-09-{:05}", 10000 + n),
        status: ServiceStatus::Listed,
        name: name.to_owned(),
        name_en: None,
        kind: ServiceKind::Saas,
        category: "업무관리".into(),
        tags: vec![],
        supplier_id: format!("sup-{}", n % 3),
        supplier_name: format!("공급사{}", n % 3),
        business_number: bizno(n % 3),
        supplier_sme: false,
        summary: String::new(),
        summary_en: None,
        description: String::new(),
        price_from_krw: None,
        first_listed_at: None,
        rating_x100: None,
        rating_count: 0,
        cert: None,
        host_code: None,
        host_listed: false,
        host_cert: None,
    }
}

fn cert(grade: CsapGrade, from: Date, to: Date) -> CertFacts {
    CertFacts { cert_type: CertType::Standard, grade, valid_from: from, valid_to: to, revoked: false }
}

fn valid_cert(grade: CsapGrade) -> CertFacts {
    cert(grade, date!(2024 - 01 - 01), date!(2029 - 12 - 31))
}

fn build(docs: &[SearchDoc]) -> (tempfile::TempDir, CatalogIndex) {
    let dir = tempfile::tempdir().unwrap();
    let (index, opened) = CatalogIndex::open_or_create(&dir.path().join("index")).unwrap();
    assert_eq!(opened, Opened::Created);
    let mut up = index.updater().unwrap();
    for d in docs {
        up.upsert(d).unwrap();
    }
    up.commit(1).unwrap();
    (dir, index)
}

fn q(text: &str) -> SearchQuery {
    let mut q = SearchQuery::new(TODAY);
    q.q = Some(text.to_owned());
    q.per_page = 100;
    q
}

fn all() -> SearchQuery {
    let mut q = SearchQuery::new(TODAY);
    q.per_page = 100;
    q
}

fn ids(r: &SearchResult) -> Vec<String> {
    r.items.iter().map(|h| h.id.clone()).collect()
}

fn sorted_ids(r: &SearchResult) -> Vec<String> {
    let mut v = ids(r);
    v.sort();
    v
}

fn find(index: &CatalogIndex, text: &str) -> Vec<String> {
    sorted_ids(&index.search(&q(text)).unwrap())
}

fn fair_sorted(mut v: Vec<String>, day: Date) -> Vec<String> {
    v.sort_by_key(|i| fair_key(i, day));
    v
}

fn text_catalog() -> Vec<SearchDoc> {
    let mut d1 = doc(1, "전자결재 시스템");
    d1.summary = "기안과 결재를 온라인으로".into();
    let d2 = doc(2, "예산회계 관리");
    let d3 = doc(3, "예산 회계 솔루션");
    let mut d4 = doc(4, "영상회의 서비스");
    d4.summary = "클라우드 SaaS 영상회의".into();
    let d5 = doc(5, "영상회의 설치형");
    let mut d6 = doc(6, "데이터 보호");
    d6.name_en = Some("Cloud Backups".into());
    let mut d7 = doc(7, "SaaS형 협업도구");
    d7.description = "메신저와 메일".into();
    let mut d8 = doc(8, "문서 보관");
    d8.tags = vec!["기록물".into(), "전자문서".into()];
    d8.category = "기록관리".into();
    vec![d1, d2, d3, d4, d5, d6, d7, d8]
}

#[test]
fn korean_matching() {
    let (_d, index) = build(&text_catalog());
    assert_eq!(find(&index, "전자결재"), [id(1)]);
    assert_eq!(find(&index, "예산회계"), [id(2), id(3)]);
    assert_eq!(find(&index, "예산 회계"), [id(2), id(3)]);
    assert_eq!(find(&index, "  예산회계  "), [id(2), id(3)]);
    // A one-syllable word: the syllable itself or any bigram with it.
    assert_eq!(find(&index, "결"), [id(1)]);
    assert_eq!(find(&index, "형"), [id(5), id(7)]);
    // Tags and category are searched too.
    assert_eq!(find(&index, "기록물"), [id(8)]);
    assert_eq!(find(&index, "기록관리"), [id(8)]);
    // Supplier names.
    assert_eq!(find(&index, "공급사1").len(), 3);
    // The summary and the description.
    assert_eq!(find(&index, "기안"), [id(1)]);
    assert_eq!(find(&index, "메신저"), [id(7)]);
}

#[test]
fn mixed_words_and_and_semantics() {
    let (_d, index) = build(&text_catalog());
    assert_eq!(find(&index, "영상회의"), [id(4), id(5)]);
    assert_eq!(find(&index, "영상회의 SaaS"), [id(4)]);
    assert_eq!(find(&index, "SaaS형"), [id(7)]);
    assert_eq!(find(&index, "전자결재 backup"), Vec::<String>::new());
    assert_eq!(find(&index, "전자결재 없는말"), Vec::<String>::new());
    assert_eq!(find(&index, "!!!"), Vec::<String>::new());
}

#[test]
fn english_stemming_and_case() {
    let (_d, index) = build(&text_catalog());
    assert_eq!(find(&index, "backup"), [id(6)]);
    assert_eq!(find(&index, "backups"), [id(6)]);
    assert_eq!(find(&index, "BACKUP"), [id(6)]);
    assert_eq!(find(&index, "cloud backup"), [id(6)]);
    assert_eq!(find(&index, "saas"), [id(4), id(7)]);
}

#[test]
fn relevance_prefers_the_name() {
    let mut a = doc(1, "일반 도구");
    a.description = "전자결재 기능 포함".into();
    let b = doc(2, "전자결재");
    let (_d, index) = build(&[a, b]);
    assert_eq!(ids(&index.search(&q("전자결재")).unwrap()), [id(2), id(1)]);
}

#[test]
fn code_and_business_number_lookups() {
    let (_d, index) = build(&text_catalog());
    let r = index.search(&q("SAS-4-09-10003")).unwrap();
    assert_eq!(ids(&r), [id(3)]);
    assert_eq!(r.total, 1);
    assert_eq!(r.items[0].code, "SAS-4-09-10003");
    let b = BusinessNumber::parse(&bizno(1)).unwrap();
    let expected: Vec<String> = [1, 4, 7].map(id).to_vec();
    assert_eq!(find(&index, &b.formatted()), expected);
    assert_eq!(find(&index, b.digits()), expected);
    // Other filters still apply.
    let mut fq = q(&b.formatted());
    fq.kinds = vec![ServiceKind::Iaas];
    assert_eq!(index.search(&fq).unwrap().total, 0);
}

fn filter_catalog() -> Vec<SearchDoc> {
    let mut d = Vec::new();
    let mut a = doc(1, "가 서비스");
    a.kind = ServiceKind::Iaas;
    a.category = "인프라".into();
    a.price_from_krw = Some(1000);
    a.supplier_sme = true;
    a.cert = Some(valid_cert(CsapGrade::High));
    a.tags = vec!["보안".into()];
    d.push(a);
    let mut b = doc(2, "나 서비스");
    b.price_from_krw = Some(5000);
    b.cert = Some(valid_cert(CsapGrade::Low));
    b.tags = vec!["보안".into(), "협업".into()];
    d.push(b);
    let mut c = doc(3, "다 서비스");
    c.price_from_krw = Some(3000);
    c.cert = Some(cert(CsapGrade::Medium, date!(2020 - 01 - 01), date!(2026 - 11 - 22)));
    c.tags = vec!["협업".into()];
    c.supplier_sme = true;
    d.push(c);
    let mut e = doc(4, "라 서비스");
    e.category = "인프라".into();
    e.kind = ServiceKind::Paas;
    e.cert = Some(valid_cert(CsapGrade::Medium));
    d.push(e);
    let mut s = doc(5, "마 서비스");
    s.status = ServiceStatus::Suspended;
    s.price_from_krw = Some(2000);
    d.push(s);
    let mut r = doc(6, "바 서비스");
    r.cert = Some(CertFacts { revoked: true, ..valid_cert(CsapGrade::High) });
    r.price_from_krw = Some(3000);
    d.push(r);
    d
}

#[test]
fn filters() {
    let (_d, index) = build(&filter_catalog());
    let run = |f: &dyn Fn(&mut SearchQuery)| {
        let mut query = all();
        f(&mut query);
        sorted_ids(&index.search(&query).unwrap())
    };
    let listed: Vec<String> = [1, 2, 3, 4, 6].map(id).to_vec();
    assert_eq!(run(&|_| {}), listed);
    assert_eq!(run(&|q| q.statuses = vec![ServiceStatus::Suspended]), [id(5)]);
    assert_eq!(run(&|q| q.statuses = vec![ServiceStatus::Suspended, ServiceStatus::Listed]).len(), 6);
    assert_eq!(run(&|q| q.kinds = vec![ServiceKind::Iaas, ServiceKind::Paas]), [id(1), id(4)]);
    assert_eq!(run(&|q| q.categories = vec!["인프라".into()]), [id(1), id(4)]);
    assert_eq!(run(&|q| q.categories = vec!["없음".into()]), Vec::<String>::new());
    assert_eq!(run(&|q| q.tags = vec!["보안".into()]), [id(1), id(2)]);
    assert_eq!(run(&|q| q.tags = vec!["보안".into(), "협업".into()]), [id(1), id(2), id(3)]);
    assert_eq!(
        run(&|q| {
            q.tags = vec!["협업".into()];
            q.kinds = vec![ServiceKind::Saas];
            q.sme = true;
        }),
        [id(3)]
    );
    // Certified: valid today (id 3 expired yesterday, id 6 revoked).
    assert_eq!(run(&|q| q.certified = true), [id(1), id(2), id(4)]);
    assert_eq!(run(&|q| q.grades = vec![CsapGrade::High]), [id(1)]);
    assert_eq!(run(&|q| q.grades = vec![CsapGrade::Medium]), [id(4)]);
    assert_eq!(run(&|q| q.grades = vec![CsapGrade::Medium, CsapGrade::Low]), [id(2), id(4)]);
    assert_eq!(run(&|q| q.min_price = Some(3000)), [id(2), id(3), id(6)]);
    assert_eq!(run(&|q| q.max_price = Some(3000)), [id(1), id(3), id(6)]);
    assert_eq!(
        run(&|q| {
            q.min_price = Some(1000);
            q.max_price = Some(1000);
        }),
        [id(1)]
    );
    assert_eq!(run(&|q| q.min_price = Some(0)).len(), 4, "no price is left out");
    assert_eq!(run(&|q| q.sme = true), [id(1), id(3)]);
    // The certified filter applies to the test date: on 2026-11-22 id 3 is valid too.
    assert_eq!(
        run(&|q| {
            q.certified = true;
            q.today = date!(2026 - 11 - 22);
        }),
        [id(1), id(2), id(3), id(4)]
    );
}

#[test]
fn facets_exclude_their_own_filter() {
    let (_d, index) = build(&filter_catalog());
    let r = index.search(&all()).unwrap();
    assert_eq!(r.total, 5);
    assert_eq!(r.facets.kind.get("saas"), Some(&3));
    assert_eq!(r.facets.kind.get("iaas"), Some(&1));
    assert_eq!(r.facets.kind.get("paas"), Some(&1));
    assert_eq!(r.facets.kind.get("daas"), None, "only non-zero counts");
    assert_eq!(r.facets.category.get("인프라"), Some(&2));
    assert_eq!(r.facets.category.get("업무관리"), Some(&3));
    assert_eq!(r.facets.csap_grade.get("high"), Some(&1));
    assert_eq!(r.facets.csap_grade.get("medium"), Some(&1));
    assert_eq!(r.facets.csap_grade.get("low"), Some(&1));

    let mut fq = all();
    fq.kinds = vec![ServiceKind::Saas];
    let r = index.search(&fq).unwrap();
    assert_eq!(r.total, 3);
    assert_eq!(r.facets.kind.get("iaas"), Some(&1), "kind facet ignores the kind filter");
    assert_eq!(r.facets.kind.get("saas"), Some(&3));
    assert_eq!(r.facets.category.get("인프라"), None, "category facet follows the kind filter");
    assert_eq!(r.facets.category.get("업무관리"), Some(&3));
    assert_eq!(r.facets.csap_grade.get("low"), Some(&1));
    assert_eq!(r.facets.csap_grade.get("high"), None);

    let mut gq = all();
    gq.grades = vec![CsapGrade::High];
    let r = index.search(&gq).unwrap();
    assert_eq!(r.total, 1);
    assert_eq!(r.facets.csap_grade.get("medium"), Some(&1), "grade facet ignores the grade filter");
    assert_eq!(r.facets.kind.len(), 1);
    assert_eq!(r.facets.kind.get("iaas"), Some(&1));

    let mut cq = all();
    cq.categories = vec!["인프라".into()];
    cq.kinds = vec![ServiceKind::Iaas];
    let r = index.search(&cq).unwrap();
    assert_eq!(r.total, 1);
    assert_eq!(r.facets.category.get("업무관리"), None);
    assert_eq!(r.facets.category.get("인프라"), Some(&1));
    assert_eq!(r.facets.kind.get("paas"), Some(&1));
}

#[test]
fn effective_grade_follows_a_listed_host() {
    let mut host = doc(1, "호스트 IaaS");
    host.kind = ServiceKind::Iaas;
    host.code = "IAS-1-01-00001".into();
    host.cert = Some(valid_cert(CsapGrade::High));
    let mut saas = doc(2, "올라탄 서비스");
    saas.cert = Some(valid_cert(CsapGrade::Low));
    saas.host_code = Some(host.code.clone());
    saas.host_listed = true;
    saas.host_cert = host.cert.clone();
    let mut stale = doc(3, "만료된 호스트 위 서비스");
    stale.cert = Some(valid_cert(CsapGrade::Low));
    stale.host_code = Some("IAS-1-01-00002".into());
    stale.host_listed = true;
    stale.host_cert = Some(cert(CsapGrade::High, date!(2020 - 01 - 01), date!(2025 - 01 - 01)));
    let mut unlisted = doc(4, "외부 호스트 위 서비스");
    unlisted.cert = Some(valid_cert(CsapGrade::Medium));
    unlisted.host_code = Some("IAS-1-01-00009".into());
    let (_d, index) = build(&[host, saas, stale, unlisted]);

    let r = index.search(&all()).unwrap();
    assert_eq!(r.facets.csap_grade.get("high"), Some(&2));
    assert_eq!(r.facets.csap_grade.get("medium"), Some(&1));
    assert_eq!(r.facets.csap_grade.get("low"), None, "an expired host cert gives no grade");
    let hit = |n: u32| r.items.iter().find(|h| h.id == id(n)).unwrap().csap.clone().unwrap();
    assert_eq!(hit(2).grade, Some("high"));
    assert_eq!(hit(3).grade, None);
    assert_eq!(hit(3).cert_type, "standard");
    assert_eq!(hit(3).valid_to, "2029-12-31");
    assert_eq!(hit(4).grade, Some("medium"));

    let mut gq = all();
    gq.grades = vec![CsapGrade::High];
    assert_eq!(sorted_ids(&index.search(&gq).unwrap()), [id(1), id(2)]);
    gq.grades = vec![CsapGrade::Low];
    assert_eq!(index.search(&gq).unwrap().total, 0);
    // Still certified: its own certificate is valid.
    let mut cq = all();
    cq.certified = true;
    assert_eq!(index.search(&cq).unwrap().total, 4);

    assert_eq!(index.ids_with_host("IAS-1-01-00001").unwrap(), [id(2)]);
    assert_eq!(index.ids_with_host("IAS-1-01-00404").unwrap(), Vec::<String>::new());
}

#[test]
fn hit_fields() {
    let mut d = doc(1, "전자결재");
    d.tags = vec!["결재".into()];
    d.summary = "요약".into();
    d.price_from_krw = Some(12_000);
    d.cert = Some(cert(CsapGrade::Medium, date!(2020 - 01 - 01), date!(2025 - 06 - 30)));
    let (_d, index) = build(&[d.clone()]);
    let r = index.search(&q("전자결재")).unwrap();
    let h = &r.items[0];
    assert_eq!(h.code, d.code);
    assert_eq!(h.name, "전자결재");
    assert_eq!(h.supplier.id, d.supplier_id);
    assert_eq!(h.supplier.name, d.supplier_name);
    assert_eq!((h.kind, h.status), ("saas", "listed"));
    assert_eq!(h.category, "업무관리");
    assert_eq!(h.tags, ["결재"]);
    assert_eq!(h.summary, "요약");
    assert_eq!(h.price_from_krw, Some(12_000));
    let csap = h.csap.clone().unwrap();
    assert_eq!((csap.cert_type, csap.grade, csap.valid_to.as_str()), ("standard", Some("medium"), "2025-06-30"));
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["items"][0]["csap"]["type"], "standard");
}

fn sort_catalog() -> Vec<SearchDoc> {
    (1..=8)
        .map(|n| {
            let mut d = doc(n, "정렬 서비스");
            d.price_from_krw = [Some(3000), None, Some(1000), Some(3000), None, Some(2000), Some(3000), Some(1000)][n as usize - 1];
            d.first_listed_at = [Some(30), Some(10), None, Some(30), Some(20), None, Some(5), Some(30)][n as usize - 1];
            d.rating_x100 = [None, Some(450), Some(450), Some(300), None, Some(500), Some(450), None][n as usize - 1];
            d
        })
        .collect()
}

/// Groups of ids in sort order; each group is in the fair order.
fn expected(groups: &[&[u32]]) -> Vec<String> {
    groups.iter().flat_map(|g| fair_sorted(g.iter().map(|n| id(*n)).collect(), TODAY)).collect()
}

#[test]
fn sorts_with_missing_last_and_fair_ties() {
    let (_d, index) = build(&sort_catalog());
    let sorted = |s: Option<Sort>| {
        let mut query = all();
        query.sort = s;
        ids(&index.search(&query).unwrap())
    };
    assert_eq!(sorted(None), expected(&[&[1, 2, 3, 4, 5, 6, 7, 8]]));
    assert_eq!(sorted(Some(Sort::Relevance)), expected(&[&[1, 2, 3, 4, 5, 6, 7, 8]]));
    assert_eq!(sorted(Some(Sort::PriceAsc)), expected(&[&[3, 8], &[6], &[1, 4, 7], &[2, 5]]));
    assert_eq!(sorted(Some(Sort::PriceDesc)), expected(&[&[1, 4, 7], &[6], &[3, 8], &[2, 5]]));
    assert_eq!(sorted(Some(Sort::Newest)), expected(&[&[1, 4, 8], &[5], &[2], &[7], &[3, 6]]));
    assert_eq!(sorted(Some(Sort::Rating)), expected(&[&[6], &[2, 3, 7], &[4], &[1, 5, 8]]));
    // With a query, equal scores fall in the fair order too.
    let r = index.search(&q("정렬")).unwrap();
    assert_eq!(ids(&r), expected(&[&[1, 2, 3, 4, 5, 6, 7, 8]]));
}

#[test]
fn fair_order_is_stable_and_rotates_daily() {
    let docs: Vec<SearchDoc> = (1..=30).map(|n| doc(n, "공정 서비스")).collect();
    let (_d, index) = build(&docs);
    let all_ids: Vec<String> = (1..=30).map(id).collect();
    let today = ids(&index.search(&all()).unwrap());
    assert_eq!(today, fair_sorted(all_ids.clone(), TODAY));
    assert_eq!(ids(&index.search(&all()).unwrap()), today, "deterministic");
    // The order is the rule's on any date, and another one the next day.
    for day in [date!(2026 - 11 - 24), date!(2026 - 12 - 05)] {
        let mut other = all();
        other.today = day;
        assert_eq!(ids(&index.search(&other).unwrap()), fair_sorted(all_ids.clone(), day));
        assert_ne!(ids(&index.search(&other).unwrap()), today);
    }
    // Back to today (the per-date cache keeps both).
    assert_eq!(ids(&index.search(&all()).unwrap()), today);
}

/// The fair order reshuffles every day (docs/RULES.md#fair-order): over a catalog of a few
/// hundred services, the first 20 of an unfiltered search on one day and on the next share few
/// services (about 20 × 20 / 300 ≈ 1.3 by chance), also across a month's and a year's end.
/// (With FNV-1a alone, 23 and 24 November 2026 shared all 20.)
#[test]
fn consecutive_days_share_few_of_the_first_page() {
    let docs: Vec<SearchDoc> = (1..=300).map(|n| doc(n, "공정 서비스")).collect();
    let (_d, index) = build(&docs);
    let first_page = |day: Date| {
        let mut query = SearchQuery::new(day);
        query.per_page = 20;
        let r = index.search(&query).unwrap();
        assert_eq!((r.total, r.items.len()), (300, 20));
        ids(&r)
    };
    for day in [date!(2026 - 11 - 23), date!(2026 - 11 - 30), date!(2026 - 12 - 31), date!(2027 - 02 - 28)] {
        let next = day.next_day().unwrap();
        let (a, b) = (first_page(day), first_page(next));
        let shared = a.iter().filter(|id| b.contains(id)).count();
        assert!(shared <= 5, "{day} and {next} share {shared} of the first 20");
    }
}

#[test]
fn paging() {
    let docs: Vec<SearchDoc> = (1..=7).map(|n| doc(n, "페이지 서비스")).collect();
    let (_d, index) = build(&docs);
    let full = ids(&index.search(&all()).unwrap());
    let mut paged = Vec::new();
    for page in 1..=4 {
        let mut query = all();
        query.page = page;
        query.per_page = 2;
        let r = index.search(&query).unwrap();
        assert_eq!((r.total, r.page, r.per_page), (7, page, 2));
        assert!(r.items.len() <= 2);
        paged.extend(ids(&r));
    }
    assert_eq!(paged, full);
    let mut beyond = all();
    beyond.page = 9;
    beyond.per_page = 5;
    let r = index.search(&beyond).unwrap();
    assert_eq!((r.total, r.items.len()), (7, 0));
}

#[test]
fn updates_deletes_and_clear() {
    let (_d, index) = build(&text_catalog());
    assert_eq!(index.doc_count(), 8);
    let mut up = index.updater().unwrap();
    let mut changed = doc(1, "이름 바뀜");
    changed.status = ServiceStatus::Suspended;
    up.upsert(&changed).unwrap();
    up.delete(&id(2)).unwrap();
    // Not visible before the commit.
    assert_eq!(find(&index, "전자결재"), [id(1)]);
    up.commit(7).unwrap();
    assert_eq!(index.applied_seq(), Some(7));
    assert_eq!(index.doc_count(), 7);
    assert_eq!(find(&index, "전자결재"), Vec::<String>::new());
    let all_ids = index.all_ids().unwrap();
    assert_eq!(all_ids.len(), 7);
    assert!(all_ids.contains(&(id(1), "suspended".to_owned())));
    assert!(all_ids.contains(&(id(3), "listed".to_owned())));
    assert!(!all_ids.iter().any(|(i, _)| *i == id(2)));
    up.clear().unwrap();
    up.commit(8).unwrap();
    assert_eq!(index.doc_count(), 0);
    assert_eq!(index.search(&all()).unwrap().total, 0);
    assert!(index.size_bytes() > 0);
}

#[test]
fn applied_seq_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("idx");
    {
        let (index, opened) = CatalogIndex::open_or_create(&path).unwrap();
        assert_eq!(opened, Opened::Created);
        assert_eq!(index.applied_seq(), None);
        let mut up = index.updater().unwrap();
        up.upsert(&doc(1, "전자결재")).unwrap();
        up.commit(42).unwrap();
        up.finish().unwrap();
        assert_eq!(index.applied_seq(), Some(42));
    }
    let (index, opened) = CatalogIndex::open_or_create(&path).unwrap();
    assert_eq!(opened, Opened::Existing);
    assert_eq!(index.applied_seq(), Some(42));
    assert_eq!(find(&index, "전자결재"), [id(1)]);
}

#[test]
fn a_second_handle_sees_commits_after_reload() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = CatalogIndex::open_or_create(dir.path()).unwrap();
    let (b, opened) = CatalogIndex::open_or_create(dir.path()).unwrap();
    assert_eq!(opened, Opened::Existing);
    let mut up = a.updater().unwrap();
    up.upsert(&doc(1, "전자결재")).unwrap();
    up.commit(3).unwrap();
    assert_eq!(b.doc_count(), 0);
    b.reload().unwrap();
    assert_eq!((b.doc_count(), b.applied_seq()), (1, Some(3)));
}

#[test]
fn damaged_or_foreign_folders_are_recreated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("idx");
    {
        let (index, _) = CatalogIndex::open_or_create(&path).unwrap();
        let mut up = index.updater().unwrap();
        up.upsert(&doc(1, "전자결재")).unwrap();
        up.commit(5).unwrap();
    }
    std::fs::write(path.join("meta.json"), b"{ not json").unwrap();
    let (index, opened) = CatalogIndex::open_or_create(&path).unwrap();
    assert_eq!(opened, Opened::Created);
    assert_eq!((index.doc_count(), index.applied_seq()), (0, None));
    drop(index);

    // Another schema version.
    std::fs::write(path.join("gureum-schema-version"), b"gureum-search/0").unwrap();
    assert_eq!(CatalogIndex::open_or_create(&path).unwrap().1, Opened::Created);
    // A folder of unrelated files.
    let other = dir.path().join("other");
    std::fs::create_dir_all(other.join("sub")).unwrap();
    std::fs::write(other.join("sub/x.txt"), b"x").unwrap();
    assert_eq!(CatalogIndex::open_or_create(&other).unwrap().1, Opened::Created);
    assert!(!other.join("sub").exists());
    // An empty folder, then the same folder again.
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    assert_eq!(CatalogIndex::open_or_create(&empty).unwrap().1, Opened::Created);
    assert_eq!(CatalogIndex::open_or_create(&empty).unwrap().1, Opened::Existing);
}

#[test]
fn one_updater_per_folder() {
    let (_d, index) = build(&[]);
    let first = index.updater().unwrap();
    assert!(matches!(index.updater(), Err(SearchError::Locked)));
    drop(first);
    assert!(index.updater().is_ok());
}

#[test]
fn concurrent_searches() {
    let docs: Vec<SearchDoc> = (1..=50).map(|n| doc(n, "동시 검색 서비스")).collect();
    let (_d, index) = build(&docs);
    let index = std::sync::Arc::new(index);
    let expected = ids(&index.search(&q("검색")).unwrap());
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let index = index.clone();
            std::thread::spawn(move || (0..20).map(|_| ids(&index.search(&q("검색")).unwrap())).collect::<Vec<_>>())
        })
        .collect();
    for h in handles {
        for got in h.join().unwrap() {
            assert_eq!(got, expected);
        }
    }
}

#[test]
fn many_segments_merge_into_one_answer() {
    let dir = tempfile::tempdir().unwrap();
    let (index, _) = CatalogIndex::open_or_create(dir.path()).unwrap();
    let mut up = index.updater().unwrap();
    for n in 1..=12 {
        let mut d = doc(n, "세그먼트 서비스");
        d.category = if n % 2 == 0 { "짝".into() } else { "홀".into() };
        d.price_from_krw = Some(i64::from(n % 4) * 100);
        up.upsert(&d).unwrap();
        up.commit(i64::from(n)).unwrap();
    }
    let mut query = all();
    query.sort = Some(Sort::PriceAsc);
    let r = index.search(&query).unwrap();
    assert_eq!(r.total, 12);
    assert_eq!((r.facets.category.get("짝"), r.facets.category.get("홀")), (Some(&6), Some(&6)));
    let prices: Vec<i64> = r.items.iter().filter_map(|h| h.price_from_krw).collect();
    assert!(prices.windows(2).all(|w| w[0] <= w[1]), "{prices:?}");
    query.categories = vec!["짝".into()];
    assert_eq!(index.search(&query).unwrap().total, 6);
}

#[test]
fn cached_results_equal_fresh_ones() {
    let docs: Vec<SearchDoc> = filter_catalog()
        .into_iter()
        .chain(sort_catalog().into_iter().map(|mut d| {
            d.id = format!("x{}", d.id);
            d
        }))
        .collect();
    let (_d, mut index) = build(&docs);
    let queries: Vec<SearchQuery> = vec![all(), q("서비스"), q("정렬"), {
        let mut x = all();
        x.sort = Some(Sort::PriceDesc);
        x.per_page = 3;
        x.page = 2;
        x
    }];
    let cached: Vec<Vec<SearchResult>> = queries.iter().map(|query| (0..2).map(|_| index.search(query).unwrap()).collect()).collect();
    index.set_result_cache(false);
    for (query, twice) in queries.iter().zip(cached) {
        let fresh = index.search(query).unwrap();
        assert_eq!(twice[0], fresh);
        assert_eq!(twice[1], fresh);
    }
}

/// A deterministic catalog of `n` services over a small vocabulary, so that words are in many
/// documents and fields, term frequencies above one occur, and scores tie.
fn vocabulary_catalog(n: u32) -> Vec<SearchDoc> {
    const WORDS: [&str; 18] = [
        "클라우드",
        "서버",
        "백업",
        "전자결재",
        "영상회의",
        "보안",
        "데이터",
        "관리",
        "플랫폼",
        "스토리지",
        "서비스",
        "시스템",
        "통합",
        "민원",
        "cloud",
        "backup",
        "storage",
        "platform",
    ];
    const CATEGORIES: [&str; 5] = ["업무관리", "보안", "인프라", "민원", "데이터"];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |m: u64| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % m
    };
    let words = |k: u64, next: &mut dyn FnMut(u64) -> u64| -> String {
        (0..k).map(|_| WORDS[next(WORDS.len() as u64) as usize]).collect::<Vec<_>>().join(" ")
    };
    (1..=n)
        .map(|i| {
            let mut d = doc(i, &words(1 + next(3), &mut next));
            if next(3) == 0 {
                d.name_en = Some(words(1 + next(2), &mut next));
            }
            d.tags = (0..next(3)).map(|_| WORDS[next(WORDS.len() as u64) as usize].to_owned()).collect();
            d.category = CATEGORIES[next(5) as usize].into();
            d.supplier_name =
                format!("{}{}", ["한빛", "누리", "가람"][next(3) as usize], ["클라우드", "시스템", "데이터", "소프트"][next(4) as usize]);
            d.supplier_sme = next(2) == 0;
            d.summary = words(3 + next(5), &mut next);
            d.description = words(8 + next(20), &mut next);
            d.kind = [ServiceKind::Saas, ServiceKind::Iaas, ServiceKind::Paas][next(3) as usize];
            d.price_from_krw = (next(4) != 0).then(|| next(50) as i64 * 1000);
            d.first_listed_at = Some(1_700_000_000 + i64::from(i) * 60);
            d.cert = match next(4) {
                0 => None,
                1 => Some(valid_cert(CsapGrade::Low)),
                2 => Some(valid_cert(CsapGrade::Medium)),
                _ => Some(valid_cert(CsapGrade::High)),
            };
            if next(20) == 0 {
                d.status = ServiceStatus::Suspended;
            }
            d
        })
        .collect()
}

fn engine_queries() -> Vec<SearchQuery> {
    let texts = [
        "클라우드",
        "서버",
        "클라우드 서버",
        "백업 스토리지",
        "전자결재",
        "영상회의 보안",
        "데이터 관리",
        "클라우드서버",
        "cloud",
        "backup storage",
        "platform 클라우드",
        "관리 시스템 통합",
        "없는말",
        "민원 cloud",
        "한빛클라우드",
    ];
    let mut queries = Vec::new();
    for text in texts.into_iter().chain([""]) {
        let base = if text.is_empty() { all() } else { q(text) };
        queries.push(SearchQuery { per_page: 20, ..base.clone() });
        queries.push(SearchQuery { per_page: 7, page: 3, ..base.clone() });
        queries.push(SearchQuery { sme: true, certified: true, per_page: 10, ..base.clone() });
        queries.push(SearchQuery { kinds: vec![ServiceKind::Iaas], categories: vec!["보안".into(), "인프라".into()], ..base.clone() });
        queries.push(SearchQuery { grades: vec![CsapGrade::High], max_price: Some(20_000), ..base.clone() });
        queries.push(SearchQuery { grades: vec![CsapGrade::Medium, CsapGrade::High], per_page: 10, ..base.clone() });
        queries.push(SearchQuery { tags: vec!["백업".into(), "cloud".into()], per_page: 15, ..base.clone() });
        queries.push(SearchQuery { sort: Some(Sort::Newest), per_page: 10, ..base.clone() });
        queries.push(SearchQuery { sort: Some(Sort::PriceAsc), per_page: 10, ..base.clone() });
        queries.push(SearchQuery { statuses: vec![ServiceStatus::Listed, ServiceStatus::Suspended], per_page: 30, ..base });
    }
    queries
}

/// Runs every query with `reference` and with each of `engines`; the answers must be equal.
/// Returns how many answers had items.
fn compare_engines(index: &mut CatalogIndex, reference: gureum_search::TextEngine, engines: &[gureum_search::TextEngine]) -> usize {
    let queries = engine_queries();
    let mut found = 0;
    for query in &queries {
        index.set_text_engine(reference);
        let expected = index.search(query).unwrap();
        for engine in engines {
            index.set_text_engine(*engine);
            let got = index.search(query).unwrap();
            assert_eq!(got, expected, "{engine:?} differs from {reference:?} on {query:?}");
        }
        found += usize::from(!expected.items.is_empty());
    }
    // Not vacuous: most searches find something.
    assert!(found > queries.len() * 3 / 4, "{found} of {}", queries.len());
    found
}

/// The vocabulary catalog committed in chunks ending at `ends` (a segment each), then every
/// 17th service deleted and, when `replace`, every 23rd from the 6th replaced with a longer name.
fn engine_index(ends: &[usize], replace: bool) -> (tempfile::TempDir, CatalogIndex) {
    let docs = vocabulary_catalog(3_000);
    let dir = tempfile::tempdir().unwrap();
    let (mut index, _) = CatalogIndex::open_or_create(dir.path()).unwrap();
    let mut up = index.updater().unwrap();
    let mut from = 0;
    for (i, end) in ends.iter().enumerate() {
        for d in &docs[from..*end] {
            up.upsert(d).unwrap();
        }
        up.commit(i as i64 + 1).unwrap();
        from = *end;
    }
    for d in docs.iter().step_by(17) {
        up.delete(&d.id).unwrap();
    }
    if replace {
        for d in docs.iter().skip(5).step_by(23) {
            let mut changed = d.clone();
            changed.name = format!("{} 클라우드 백업", d.name);
            up.upsert(&changed).unwrap();
        }
    }
    up.commit(10).unwrap();
    index.set_result_cache(false);
    (dir, index)
}

/// The bitset engine, with and without its score bounds, gives tantivy's own answer: totals,
/// facets, the same documents in the same order. One segment (with deletions): tantivy sums a
/// document's term scores in an order that depends on each segment's term statistics, so
/// across segments its equal scores can differ in the last bit and exact ties fall differently.
#[test]
fn text_engines_agree_with_tantivy() {
    use gureum_search::TextEngine;
    let (_dir, mut index) = engine_index(&[3_000], false);
    assert_eq!(index.segment_count(), 1);
    compare_engines(&mut index, TextEngine::Tantivy, &[TextEngine::Bitsets, TextEngine::Exhaustive]);
}

/// Over several segments with deletions and replaced documents, the bounded ranking equals
/// scoring every match.
#[test]
fn bounded_ranking_equals_exhaustive_ranking() {
    use gureum_search::TextEngine;
    let (_dir, mut index) = engine_index(&[1_600, 2_400, 3_000], true);
    assert!(index.segment_count() >= 3);
    compare_engines(&mut index, TextEngine::Exhaustive, &[TextEngine::Bitsets]);
}

/// Searching a search's segments on the shared threads (as a server does, through
/// `search_then` too) gives exactly the answers of searching them one after another.
#[test]
fn searching_on_threads_gives_the_same_answers() {
    let (_dir, mut index) = engine_index(&[1_000, 2_000, 3_000], true);
    assert!(index.segment_count() >= 3);
    let queries = engine_queries();
    let alone: Vec<_> = queries.iter().map(|q| index.search(q).unwrap()).collect();
    index.set_search_threads(2).unwrap();
    let index = std::sync::Arc::new(index);
    for (q, expected) in queries.iter().zip(&alone) {
        assert_eq!(&index.search(q).unwrap(), expected, "{q:?}");
        let (tx, rx) = std::sync::mpsc::channel();
        index.clone().search_then(q.clone(), move |answer| tx.send(answer.unwrap()).unwrap());
        assert_eq!(&rx.recv().unwrap(), expected, "{q:?} through search_then");
    }
    assert!(alone.iter().filter(|r| !r.items.is_empty()).count() > queries.len() * 3 / 4);
}

/// Documents equal in their best field and differing only in the lengths of later fields (more
/// distinct lengths than the ranking's length bands hold): every page of the bounded ranking is
/// the exhaustive one and tantivy's. A bound a few lengths too tight leaves documents out here.
#[test]
fn later_field_lengths_decide_the_ranking_exactly() {
    use gureum_search::TextEngine;
    let dir = tempfile::tempdir().unwrap();
    let (mut index, _) = CatalogIndex::open_or_create(dir.path()).unwrap();
    let mut up = index.updater().unwrap();
    let filler = |k: u32| vec!["가나"; k as usize].join(" ");
    for i in 1..=600u32 {
        let mut d = doc(i, "보안 서비스");
        d.summary = format!("보안 {}", filler(i % 41));
        if i % 3 != 0 {
            d.description = format!("{} 보안 {}", filler(i % 7), filler((i * 7) % 53));
        }
        up.upsert(&d).unwrap();
    }
    up.commit(1).unwrap();
    index.set_result_cache(false);
    for page in 1..=4 {
        let query = SearchQuery { per_page: 20, page, ..q("보안") };
        index.set_text_engine(TextEngine::Tantivy);
        let expected = index.search(&query).unwrap();
        assert_eq!(expected.items.len(), 20);
        for engine in [TextEngine::Exhaustive, TextEngine::Bitsets] {
            index.set_text_engine(engine);
            assert_eq!(index.search(&query).unwrap(), expected, "{engine:?}, page {page}");
        }
    }
}

/// Thousands of documents with one equal score: the page holds those of the smallest fair keys,
/// whether two keys differ in their highest byte (most pairs) or only below it (with 3,000
/// keys, many pairs share it), for every page size up to 60.
#[test]
fn equal_scores_are_ordered_by_the_whole_fair_key() {
    use gureum_search::TextEngine;
    let dir = tempfile::tempdir().unwrap();
    let (mut index, _) = CatalogIndex::open_or_create(dir.path()).unwrap();
    let mut up = index.updater().unwrap();
    for i in 1..=3_000u32 {
        up.upsert(&doc(i, "보안 서비스")).unwrap();
    }
    up.commit(1).unwrap();
    index.set_result_cache(false);
    for per_page in 1..=60 {
        let query = SearchQuery { per_page, ..q("보안") };
        index.set_text_engine(TextEngine::Exhaustive);
        let expected = index.search(&query).unwrap();
        assert_eq!(expected.items.len(), per_page as usize);
        index.set_text_engine(TextEngine::Bitsets);
        assert_eq!(index.search(&query).unwrap(), expected, "per_page {per_page}");
    }
}

//! The catalog API, black-box through the real router, on the engine of the run.

mod common;

use common::spawn_app;
use serde_json::Value;

fn items(v: &Value) -> &Vec<Value> {
    v["items"].as_array().expect("items")
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

fn text_of(item: &Value) -> String {
    format!("{} {} {} {} {}", item["name"], item["tags"], item["category"], item["supplier"]["name"], item["summary"])
}

#[tokio::test]
async fn korean_english_and_mixed_queries_find_matching_services() {
    let app = spawn_app(500).await;
    for q in ["전자결재", "영상회의", "backup", "예산회계", "예산 회계", "영상회의 SaaS"] {
        let (status, v) = app.get(&format!("/api/v1/services?q={}", enc(q))).await;
        assert_eq!(status, 200, "{q}: {v}");
        assert!(v["total"].as_u64().unwrap_or(0) > 0, "{q} finds something");
        assert!(items(&v).len() <= 20);
    }
    // `예산회계` and `예산 회계` find each other's spelling: the spaced query may find more.
    let (_, joined) = app.get(&format!("/api/v1/services?q={}&per_page=100", enc("예산회계"))).await;
    let (_, spaced) = app.get(&format!("/api/v1/services?q={}&per_page=100", enc("예산 회계"))).await;
    assert!(spaced["total"].as_u64() >= joined["total"].as_u64());
    let joined_ids: Vec<&Value> = items(&joined).iter().map(|i| &i["id"]).collect();
    assert!(items(&spaced).iter().any(|i| joined_ids.contains(&&i["id"])));
    // every hit of a one-word query mentions it somewhere
    let (_, v) = app.get(&format!("/api/v1/services?q={}&per_page=100", enc("전자결재"))).await;
    let mut mentions = 0;
    for item in items(&v) {
        let (_, detail) = app.get(&format!("/api/v1/services/{}", item["id"].as_str().unwrap_or_default())).await;
        let all = format!("{} {}", text_of(item), detail["listing"]["description"]).replace(' ', "");
        if all.contains("전자결재") {
            mentions += 1;
        }
    }
    assert_eq!(mentions, items(&v).len());
    // AND: a word that matches nothing empties the result
    let (_, v) = app.get(&format!("/api/v1/services?q={}", enc("전자결재 존재하지않는낱말"))).await;
    assert_eq!(v["total"], 0);
}

#[tokio::test]
async fn answer_has_the_contract_shape() {
    let app = spawn_app(200).await;
    let (status, v) = app.get("/api/v1/services?per_page=5").await;
    assert_eq!(status, 200);
    assert_eq!(v["page"], 1);
    assert_eq!(v["per_page"], 5);
    let item = &items(&v)[0];
    for key in ["id", "code", "name", "supplier", "kind", "category", "tags", "summary", "price_from_krw", "csap", "status"] {
        assert!(item.get(key).is_some(), "item has {key}: {item}");
    }
    assert!(item["supplier"]["id"].is_string() && item["supplier"]["name"].is_string());
    for f in ["kind", "category", "csap_grade"] {
        assert!(v["facets"][f].is_object(), "facet {f}");
    }
    // the listed total equals the kind facet's sum
    let sum: u64 = v["facets"]["kind"].as_object().map(|m| m.values().filter_map(Value::as_u64).sum()).unwrap_or(0);
    assert_eq!(Some(sum), v["total"].as_u64());
    // visitors only ever see listed services
    let (_, all) = app.get("/api/v1/services?per_page=100").await;
    assert!(items(&all).iter().all(|i| i["status"] == "listed"));
}

#[tokio::test]
async fn filters_narrow_and_facets_exclude_their_own_filter() {
    let app = spawn_app(400).await;
    let (_, all) = app.get("/api/v1/services?per_page=1").await;
    let (_, saas) = app.get("/api/v1/services?kind=saas&per_page=100").await;
    assert!(items(&saas).iter().all(|i| i["kind"] == "saas"));
    assert_eq!(saas["total"], all["facets"]["kind"]["saas"]);
    // the kind facet still shows the other kinds, so the user can widen
    assert!(saas["facets"]["kind"].as_object().map(|m| m.len()).unwrap_or(0) > 1);
    assert_eq!(saas["facets"]["kind"], all["facets"]["kind"]);
    // OR within a parameter
    let (_, two) = app.get("/api/v1/services?kind=saas&kind=iaas&per_page=1").await;
    let expect = all["facets"]["kind"]["saas"].as_u64().unwrap_or(0) + all["facets"]["kind"]["iaas"].as_u64().unwrap_or(0);
    assert_eq!(two["total"].as_u64(), Some(expect));
    // certified and grade
    let (_, cert) = app.get("/api/v1/services?certified=true&per_page=100").await;
    assert!(cert["total"].as_u64() < all["total"].as_u64());
    assert!(items(&cert).iter().all(|i| i["csap"].is_object() && i["csap"]["valid_to"].as_str() >= Some("2026-11-23")));
    let (_, high) = app.get("/api/v1/services?csap_grade=high&per_page=100").await;
    assert!(high["total"].as_u64().unwrap_or(0) > 0);
    assert!(items(&high).iter().all(|i| i["csap"]["grade"] == "high"));
    assert_eq!(high["total"], cert["facets"]["csap_grade"]["high"]);
    // price range, inclusive, services without a price left out
    let (_, priced) = app.get("/api/v1/services?min_price=1000&max_price=20000&per_page=100").await;
    assert!(items(&priced).iter().all(|i| i["price_from_krw"].as_i64().is_some_and(|p| (1000..=20000).contains(&p))));
    // SME suppliers
    let (_, sme) = app.get("/api/v1/services?sme=true&per_page=100").await;
    for i in items(&sme).iter().take(10) {
        let (_, d) = app.get(&format!("/api/v1/services/{}", i["id"].as_str().unwrap_or_default())).await;
        assert_eq!(d["supplier"]["sme"], true);
    }
    // category and tag
    let cat = all["facets"]["category"].as_object().and_then(|m| m.keys().next().cloned()).expect("a category");
    let (_, c) = app.get(&format!("/api/v1/services?category={}&per_page=100", enc(&cat))).await;
    assert!(items(&c).iter().all(|i| i["category"] == cat.as_str()));
    let (_, t) = app.get(&format!("/api/v1/services?tag={}&per_page=100", enc("백업"))).await;
    assert!(t["total"].as_u64().unwrap_or(0) > 0);
    assert!(items(&t).iter().all(|i| i["tags"].as_array().is_some_and(|a| a.iter().any(|x| x == "백업"))));
}

#[tokio::test]
async fn sorts_and_pages() {
    let app = spawn_app(300).await;
    let (_, asc) = app.get("/api/v1/services?sort=price_asc&per_page=100&page=3").await;
    let prices: Vec<Option<i64>> = items(&asc).iter().map(|i| i["price_from_krw"].as_i64()).collect();
    // prices ascend, and services without a price come last
    let mut seen_none = false;
    let mut last = i64::MIN;
    for p in &prices {
        match p {
            Some(p) => {
                assert!(!seen_none, "priced after unpriced");
                assert!(*p >= last);
                last = *p;
            }
            None => seen_none = true,
        }
    }
    let (_, desc) = app.get("/api/v1/services?sort=price_desc&per_page=100").await;
    let d: Vec<i64> = items(&desc).iter().filter_map(|i| i["price_from_krw"].as_i64()).collect();
    assert!(d.windows(2).all(|w| w[0] >= w[1]));
    // pages do not overlap and add up
    let (_, p1) = app.get("/api/v1/services?per_page=10&page=1").await;
    let (_, p2) = app.get("/api/v1/services?per_page=10&page=2").await;
    let ids1: Vec<&Value> = items(&p1).iter().map(|i| &i["id"]).collect();
    assert!(items(&p2).iter().all(|i| !ids1.contains(&&i["id"])));
    assert_eq!(p1["total"], p2["total"]);
    // the default order is the fair order: ascending FNV-1a of id + Seoul date
    let today = common::clock().today();
    let keys: Vec<u64> = items(&p1).iter().map(|i| gureum_domain::fair::fair_key(i["id"].as_str().unwrap_or_default(), today)).collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "fair order");
    let (_, newest) = app.get("/api/v1/services?sort=newest&per_page=20").await;
    assert_eq!(items(&newest).len(), 20);
}

#[tokio::test]
async fn code_and_business_number_find_their_services() {
    let app = spawn_app(200).await;
    let (_, v) = app.get("/api/v1/services?per_page=1").await;
    let item = &items(&v)[0];
    let code = item["code"].as_str().expect("code");
    let (_, by_code) = app.get(&format!("/api/v1/services?q={code}")).await;
    assert_eq!(by_code["total"], 1);
    assert_eq!(items(&by_code)[0]["id"], item["id"]);
    let (_, detail) = app.get(&format!("/api/v1/services/{code}")).await;
    assert_eq!(detail["id"], item["id"]);
    let bn = detail["supplier"]["business_number"].as_str().expect("bn").to_owned();
    let dashed = format!("{}-{}-{}", &bn[..3], &bn[3..5], &bn[5..]);
    let (_, by_bn) = app.get(&format!("/api/v1/services?q={dashed}&per_page=100")).await;
    assert!(by_bn["total"].as_u64().unwrap_or(0) >= 1);
    assert!(items(&by_bn).iter().all(|i| i["supplier"]["id"] == detail["supplier"]["id"]));
    let (status, sup) = app.get(&format!("/api/v1/suppliers/{}", detail["supplier"]["id"].as_str().unwrap_or_default())).await;
    assert_eq!(status, 200);
    assert_eq!(sup["services"].as_array().map(Vec::len), by_bn["total"].as_u64().map(|n| n as usize));
    let (status, cats) = app.get("/api/v1/categories").await;
    assert_eq!(status, 200);
    assert!(cats.as_array().is_some_and(|c| c.len() > 5 && c.iter().all(|x| x["count"].as_u64() > Some(0))));
}

#[tokio::test]
async fn bad_parameters_get_400_with_a_code() {
    let app = spawn_app(20).await;
    for (uri, status, code) in [
        ("/api/v1/services?kind=cloud", 400, "invalid_kind"),
        ("/api/v1/services?per_page=101", 400, "invalid_per_page"),
        ("/api/v1/services?page=0", 400, "invalid_page"),
        ("/api/v1/services?page=abc", 400, "invalid_page"),
        ("/api/v1/services?sort=popular", 400, "invalid_sort"),
        ("/api/v1/services?min_price=cheap", 400, "invalid_price"),
        ("/api/v1/services?csap_grade=top", 400, "invalid_csap_grade"),
        ("/api/v1/services?certified=maybe", 400, "invalid_certified"),
        ("/api/v1/services?status=draft", 403, "forbidden_status"),
        ("/api/v1/services/not-an-id", 400, "invalid_id"),
        ("/api/v1/services/00000000-0000-4000-8000-000000000000", 404, "not_found"),
        ("/api/v1/services/SAS-9-99-9999999", 404, "not_found"),
        ("/api/v1/suppliers/nope", 400, "invalid_id"),
        ("/api/v1/suppliers/00000000-0000-4000-8000-000000000000", 404, "not_found"),
        ("/api/v1/nothing-here", 404, "not_found"),
    ] {
        let (s, v) = app.get(uri).await;
        assert_eq!((s, v["code"].as_str()), (status, Some(code)), "{uri}: {v}");
        assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    // unknown parameters are ignored
    let (s, _) = app.get("/api/v1/services?colour=blue").await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn not_ready_until_the_index_has_caught_up() {
    let app = spawn_app(10).await;
    app.state.set_ready(false);
    let (s, v) = app.get("/api/v1/services").await;
    assert_eq!((s, v["code"].as_str()), (503, Some("index_not_ready")));
    let (s, _) = app.get("/readyz").await;
    assert_eq!(s, 503);
    let (s, _) = app.get("/healthz").await;
    assert_eq!(s, 200);
    app.state.set_ready(true);
    let (s, _) = app.get("/readyz").await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn service_detail_shows_the_public_revision() {
    let app = spawn_app(100).await;
    let (_, v) = app.get("/api/v1/services?certified=true&per_page=1").await;
    let id = items(&v)[0]["id"].as_str().expect("id").to_owned();
    let (s, d) = app.get(&format!("/api/v1/services/{id}")).await;
    assert_eq!(s, 200);
    assert_eq!(d["revision"], 1);
    assert!(d["certification"]["standing"].is_string());
    assert!(d["listing"]["price_plans"].is_array());
    assert!(d["purchase_methods"].as_array().is_some_and(|m| m.iter().any(|x| x == "negotiated")));
}

/// The OpenAPI document is generated from the router; a change to it is a visible diff. A test
/// run only compares: the snapshot is written by a run asked to (`UPDATE_SNAPSHOTS=1`), never by
/// one that happens to find it missing, so a test cannot pass by writing what it checks.
#[tokio::test]
async fn openapi_document_matches_its_snapshot() {
    let app = spawn_app(0).await;
    let (s, v) = app.get("/api/openapi.json").await;
    assert_eq!(s, 200);
    assert_eq!(v["openapi"].as_str().map(|s| s.starts_with("3.")), Some(true));
    for p in ["/api/v1/services", "/api/v1/services/{id}", "/api/v1/categories", "/api/v1/suppliers/{id}"] {
        assert!(v["paths"][p].is_object(), "{p} documented");
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/openapi.json");
    let pretty = serde_json::to_string_pretty(&v).expect("json") + "\n";
    let how =
        "review the change, then write it with: UPDATE_SNAPSHOTS=1 cargo test -p gureum --test api openapi_document_matches_its_snapshot";
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().expect("dir")).expect("mkdir");
        std::fs::write(&path, &pretty).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("no snapshot at {} ({e}); {how}", path.display()));
    if pretty != expected {
        // The first line that differs says where to look; the whole document would drown it.
        let (n, (got, want)) = pretty
            .lines()
            .zip(expected.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .unwrap_or((pretty.lines().count().min(expected.lines().count()), ("(end of document)", "(end of document)")));
        panic!("the OpenAPI document differs from {} at line {}:\n  now:      {got}\n  snapshot: {want}\n{how}", path.display(), n + 1);
    }
}

/// What the OpenAPI document promises of ids and bounds, held by the handlers: a malformed id is
/// 400 `invalid_id` wherever it appears (it was 404 for organisations, people and tokens), a price
/// bound above any plan's price is 400, and a well-formed id that names nothing is 404.
#[tokio::test]
async fn malformed_ids_and_out_of_range_values_are_400_with_a_code() {
    let app = spawn_app(30).await;
    gureum::demo::seed_demo_accounts(&app.db).await.expect("demo accounts");
    let token = |who: &'static str| {
        let app = &app;
        async move {
            let body = serde_json::json!({"email": format!("{who}@demo.gureum.kr"), "password": "gureum-demo"});
            let (s, v) = app.call("POST", "/api/v1/auth/login", None, Some(body)).await;
            assert_eq!(s, 200, "{who}: {v}");
            v["token"].as_str().expect("token").to_owned()
        }
    };
    let (operator, supplier) = (token("operator").await, token("supplier").await);
    let unknown = "0190f5c2-7b1e-7d3a-9c4e-2a1b3c4d5e6f";
    let (_, listed) = app.get("/api/v1/services?per_page=1").await;
    let service = listed["items"][0]["id"].as_str().expect("a listed service").to_owned();
    for (method, path, who) in [
        ("GET", "/api/v1/suppliers/{}", None),
        ("POST", "/api/v1/organisations/{}/approve", Some(&operator)),
        ("POST", "/api/v1/users/{}/lock", Some(&operator)),
        ("DELETE", "/api/v1/tokens/{}", Some(&supplier)),
        ("GET", "/api/v1/services/{}", None),
    ] {
        for (id, want) in [
            ("not-a-uuid", (400, Some("invalid_id"))),
            ("0190f5c27b1e7d3a9c4e2a1b3c4d5e6f", (400, Some("invalid_id"))),
            (unknown, (404, Some("not_found"))),
        ] {
            let uri = path.replace("{}", id);
            let (s, v) = app.call(method, &uri, who.map(String::as_str), None).await;
            assert_eq!((s, v["code"].as_str()), want, "{method} {uri}: {v}");
        }
    }
    let uri = format!("/api/v1/services/{service}/documents/not-a-uuid");
    let (s, v) = app.call("GET", &uri, Some(&operator), None).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_id")), "{v}");
    for q in ["max_price=1000000000001", "min_price=-1", "per_page=101", "page=0"] {
        let (s, v) = app.get(&format!("/api/v1/services?{q}")).await;
        assert_eq!(s, 400, "{q}: {v}");
        assert!(v["code"].as_str().is_some_and(|c| c.starts_with("invalid_")), "{q}: {v}");
    }
    let (s, _) = app.get("/api/v1/services?max_price=1000000000000&min_price=&per_page=100").await;
    assert_eq!(s, 200, "the largest bound and an empty value are accepted");
}

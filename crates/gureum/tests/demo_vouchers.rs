//! The voucher demo (issue #25): an open programme with the demo supplier's services in the
//! pool, the demo SME selected with a voucher, one claim approved and settled and one waiting
//! for the operator; a second run changes nothing; each role's voucher page shows its part.

mod common;

use common::world;
use serde_json::Value;

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

#[tokio::test]
async fn the_demo_shows_vouchers_to_every_role() {
    let w = world().await;
    let app = &w.app;
    gureum::demo_voucher::seed_demo_voucher(&app.state).await.expect("demo voucher");
    gureum::demo_voucher::seed_demo_voucher(&app.state).await.expect("a second run changes nothing");

    let (s, list) = app.call("GET", "/api/v1/voucher-programmes", None, None).await;
    assert_eq!(s, 200, "{list}");
    let list = list.as_array().expect("programmes");
    assert_eq!(list.len(), 1, "one programme, however often the demo runs: {list:?}");
    let p = &list[0];
    assert_eq!(p["name"], gureum::demo_voucher::programme_name(2026));
    assert_eq!(p["open"], true, "{p}");
    // 12,000,000 granted; 2,500,000 paid × 80 % approved and settled
    assert_eq!(
        (p["granted_krw"].as_i64(), p["reimbursed_krw"].as_i64(), p["settled_krw"].as_i64()),
        (Some(12_000_000), Some(2_000_000), Some(2_000_000)),
        "{p}"
    );
    let pid = text(&p["id"]);
    let (_, pool) = app.call("GET", &format!("/api/v1/voucher-programmes/{pid}/services"), None, None).await;
    assert!(!pool.as_array().expect("pool").is_empty(), "the demo supplier's services are in the pool: {pool}");

    let sme = app.login("sme").await;
    let (_, vouchers) = app.call("GET", "/api/v1/vouchers", Some(&sme), None).await;
    assert_eq!(vouchers[0]["remaining_krw"].as_i64(), Some(10_000_000), "{vouchers}");
    let (_, claims) = app.call("GET", "/api/v1/voucher-claims", Some(&w.operator), None).await;
    let mut states: Vec<&str> = claims.as_array().expect("claims").iter().map(|c| text(&c["status"])).collect();
    states.sort_unstable();
    assert_eq!(states, ["settled", "submitted"], "{claims}");
    let (_, theirs) = app.call("GET", "/api/v1/voucher-claims", Some(&w.supplier), None).await;
    assert_eq!(theirs.as_array().map(Vec::len), Some(2), "the supplier sees the vouchers used on its services: {theirs}");

    // every role finds its part on its page (tax invoice numbers are kept as their letters and digits)
    for (who, token, path, expect) in [
        ("visitor", None, "/vouchers", "2026년 클라우드 바우처 (데모)"),
        ("operator", Some(w.operator.as_str()), "/operator/vouchers", "DEMO20260002"),
        ("supplier", Some(w.supplier.as_str()), "/supplier/vouchers", "DEMO20260001"),
        ("sme", Some(sme.as_str()), "/sme/vouchers", "10,000,000"),
    ] {
        let (s, page) = app.call("GET", path, token, None).await;
        assert_eq!(s, 200, "{who} {path}");
        assert!(text(&page).contains(expect), "{who} finds {expect} on {path}");
    }
    let (s, page) = app.call("GET", &format!("/vouchers/{pid}"), None, None).await;
    assert_eq!(s, 200);
    assert!(text(&page).contains("/services/"), "the pool links to its services");
}

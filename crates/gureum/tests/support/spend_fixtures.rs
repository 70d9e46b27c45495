//! Spend and dashboard fixtures: a signed metered contract between the demo agency and
//! supplier written as buying writes it, and invoices written as the billing run writes them,
//! so that spend figures can be set to the won.
#![allow(dead_code)]

use crate::common::TestApp;
use gureum_storage::{Contract, ContractItem};
use sqlx::Row;

/// The demo agency's organisation and the demo supplier's id.
pub async fn parties(app: &TestApp) -> (String, String) {
    let buyer = app.db.user_by_email("buyer@demo.gureum.kr").await.expect("db").expect("buyer");
    let sup = app.db.user_by_email("supplier@demo.gureum.kr").await.expect("db").expect("supplier");
    let org = app.db.organisation(&sup.org_id).await.expect("db").expect("org");
    (buyer.org_id, org.supplier_id.expect("a supplier"))
}

/// A signed, active metered contract between the demo agency and supplier, written as buying
/// writes it; optionally committed on a budget line.
pub async fn contract(app: &TestApp, billing: &str, cap: Option<i64>, total: i64, line: Option<(&str, i64)>) -> String {
    let (agency, supplier) = parties(app).await;
    let row = sqlx::query("SELECT id, code FROM services WHERE supplier_id = $1 ORDER BY id LIMIT 1")
        .bind(&supplier)
        .fetch_one(app.db.pool())
        .await
        .expect("a service of the supplier");
    let id = uuid::Uuid::new_v4().to_string();
    let c = Contract {
        id: id.clone(),
        method: "negotiated".into(),
        agency_id: agency.clone(),
        supplier_id: supplier,
        status: "active".into(),
        kind: "saas".into(),
        fee_model: "metered".into(),
        billing: billing.into(),
        cap_krw: cap,
        total_krw: total,
        starts_on: "2026-01-01".into(),
        ends_on: "2027-06-30".into(),
        text: "계약서".into(),
        text_hash: "0".repeat(64),
        ttc_from: "quote_request".into(),
        created_by: "test".into(),
        items: vec![ContractItem {
            service_id: row.try_get("id").expect("id"),
            service_code: row.try_get("code").expect("code"),
            service_name: "민원 상담 챗봇".into(),
            plan: "기본".into(),
            meter: "호출".into(),
            unit_price_krw: 10,
            quantity: 1,
            months: 12,
            model: "metered".into(),
            vat_included: false,
        }],
        ..Contract::default()
    };
    let mut tx = app.db.begin_write().await.expect("tx");
    tx.insert_contract(&c).await.expect("contract");
    if let Some((line, amount)) = line {
        assert!(tx.commit_budget(&id, line, &agency, 2026, amount).await.expect("commit"), "the line holds it");
    }
    tx.commit().await.expect("commit");
    id
}

/// An invoice of the contract's lead supplier.
pub async fn invoice(app: &TestApp, contract_id: &str, period: &str, first: i64, last: i64, total: i64, status: &str) -> String {
    let (agency, supplier) = parties(app).await;
    let id = uuid::Uuid::new_v4().to_string();
    let mut tx = app.db.begin_write().await.expect("tx");
    tx.insert_spend_test_invoice(&id, contract_id, &supplier, &agency, period, first, last, total, status).await.expect("invoice");
    tx.commit().await.expect("commit");
    id
}

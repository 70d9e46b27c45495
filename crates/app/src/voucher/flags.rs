//! Fraud flags (부정수급 의심 신호), worked out when asked from what is stored — nothing to keep in
//! step, and a flag disappears when its cause is corrected:
//!
//! - `shared_address`: applications of two or more companies whose organisations give one
//!   address (compared without spaces and punctuation);
//! - `shared_network`: applications of two or more companies sent from one client network (the
//!   /24 of an IPv4 peer address, the /48 of an IPv6 one, recorded with each application);
//! - `shared_representative`: a claim whose supplier (its company account or its catalog record)
//!   and whose SME share a representative, an address or a phone;
//! - `payback`: money reported returned on an approved or settled claim;
//! - `late_claim`: a claim submitted more than 30 days after its payment;
//! - `claim_above_usage`: a claim that paid more than the usage amount on the supplier's usage
//!   statement it gave (`usage_krw`). An SME buys outside the agencies' contracts, so no usage
//!   record of a contract links to a voucher claim; the statement's amount is the usage compared.
//!
//! Approving a claim that carries a flag, or whose application carries one, needs a reason.

use crate::actor::{OPERATOR, Principal, Rule};
use crate::context::Context;
use crate::error::Result;
use gureum_domain::voucher::{self, FlagKind};
use gureum_storage::{ClaimFilter, Organisation, VoucherApplication, VoucherClaim};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One flag: its kind, the claim or the application it concerns, what was found, and the
/// evidence (the other records and the shared value).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlagView {
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
    pub detail: String,
    pub evidence: Value,
}

fn on_application(kind: FlagKind, id: &str, detail: String, evidence: Value) -> FlagView {
    FlagView { kind: kind.as_str().into(), claim_id: None, application_id: Some(id.into()), detail, evidence }
}

fn on_claim(kind: FlagKind, id: &str, detail: String, evidence: Value) -> FlagView {
    FlagView { kind: kind.as_str().into(), claim_id: Some(id.into()), application_id: None, detail, evidence }
}

/// Every flag (the operator only), of one programme when asked.
pub async fn list(ctx: &Context, p: &Principal, programme_id: Option<&str>) -> Result<Vec<FlagView>> {
    p.require(Rule::AnyRole(OPERATOR))?;
    let programme = programme_id.filter(|s| !s.is_empty()).map(|s| super::id(s, "programme")).transpose()?;
    all(ctx, programme.as_deref()).await
}

/// The flags that concern one claim: its own and its voucher's application's.
pub async fn of_claim(ctx: &Context, c: &VoucherClaim) -> Result<Vec<FlagView>> {
    let application = ctx.db().voucher(&c.voucher_id).await?.map(|v| v.application_id);
    Ok(all(ctx, Some(&c.programme_id))
        .await?
        .into_iter()
        .filter(|f| f.claim_id.as_deref() == Some(c.id.as_str()) || (f.application_id.is_some() && f.application_id == application))
        .collect())
}

/// Applications grouped by a key; groups of two or more companies flag each application.
fn shared(apps: &[VoucherApplication], kind: FlagKind, key: impl Fn(&VoucherApplication) -> Option<String>, what: &str) -> Vec<FlagView> {
    let mut groups: BTreeMap<String, Vec<&VoucherApplication>> = BTreeMap::new();
    for a in apps {
        if let Some(k) = key(a) {
            groups.entry(k).or_default().push(a);
        }
    }
    let mut out = Vec::new();
    for (k, group) in groups {
        let companies: BTreeSet<&str> = group.iter().map(|a| a.org_id.as_str()).collect();
        if companies.len() < 2 {
            continue;
        }
        for a in &group {
            let others: Vec<&str> = group.iter().filter(|o| o.id != a.id).map(|o| o.id.as_str()).collect();
            let names: BTreeSet<&str> = group.iter().map(|o| o.company_name.as_str()).collect();
            out.push(on_application(
                kind,
                &a.id,
                format!("{} companies applied from one {what}: {}", companies.len(), names.into_iter().collect::<Vec<_>>().join(", ")),
                json!({"shared": k, "other_application_ids": others, "company_ids": companies}),
            ));
        }
    }
    out
}

/// What two parties share: representative, address, phone.
fn shared_contacts(sme: &Organisation, supplier: &[(Option<String>, Option<String>, Option<String>)]) -> Vec<&'static str> {
    let mut found = Vec::new();
    let mine = (
        sme.representative.as_deref().and_then(voucher::name_key),
        sme.address.as_deref().and_then(voucher::address_key),
        sme.phone.as_deref().and_then(voucher::phone_key),
    );
    for (rep, addr, phone) in supplier {
        if mine.0.is_some() && rep.as_deref().and_then(voucher::name_key) == mine.0 && !found.contains(&"representative") {
            found.push("representative");
        }
        if mine.1.is_some() && addr.as_deref().and_then(voucher::address_key) == mine.1 && !found.contains(&"address") {
            found.push("address");
        }
        if mine.2.is_some() && phone.as_deref().and_then(voucher::phone_key) == mine.2 && !found.contains(&"phone") {
            found.push("phone");
        }
    }
    found
}

/// Every flag of one programme, or of all.
pub async fn all(ctx: &Context, programme_id: Option<&str>) -> Result<Vec<FlagView>> {
    let db = ctx.db();
    let apps = db.voucher_applications(None, programme_id).await?;
    let mut out = shared(&apps, FlagKind::SharedAddress, |a| a.company_address.as_deref().and_then(voucher::address_key), "address");
    out.extend(shared(&apps, FlagKind::SharedNetwork, |a| a.client_network.clone(), "client network"));

    let claims: Vec<VoucherClaim> =
        db.voucher_claims(ClaimFilter::default()).await?.into_iter().filter(|c| programme_id.is_none_or(|p| c.programme_id == p)).collect();
    let mut smes: HashMap<String, Option<Organisation>> = HashMap::new();
    type Contacts = Vec<(Option<String>, Option<String>, Option<String>)>;
    let mut suppliers: HashMap<String, Contacts> = HashMap::new();
    for c in &claims {
        if !smes.contains_key(&c.org_id) {
            smes.insert(c.org_id.clone(), db.organisation(&c.org_id).await?);
        }
        if !suppliers.contains_key(&c.supplier_id) {
            let mut contacts = Vec::new();
            if let Some(o) = db.organisation_of_supplier(&c.supplier_id).await? {
                contacts.push((o.representative, o.address, o.phone));
            }
            if let Some(s) = db.supplier(&c.supplier_id).await? {
                contacts.push((s.representative, s.address, None));
            }
            suppliers.insert(c.supplier_id.clone(), contacts);
        }
        if let (Some(Some(sme)), Some(sup)) = (smes.get(&c.org_id), suppliers.get(&c.supplier_id)) {
            let found = shared_contacts(sme, sup);
            if !found.is_empty() {
                out.push(on_claim(
                    FlagKind::SharedRepresentative,
                    &c.id,
                    format!("the supplier and {} share: {}", sme.name, found.join(", ")),
                    json!({"shared": found, "supplier_id": c.supplier_id, "company_id": c.org_id}),
                ));
            }
        }
        if c.refunded_krw > 0 {
            out.push(on_claim(
                FlagKind::Payback,
                &c.id,
                format!("{} KRW reported returned after a reimbursement of {} KRW", c.refunded_krw, c.reimbursement_krw),
                json!({"refunded_krw": c.refunded_krw, "reimbursement_krw": c.reimbursement_krw, "status": c.status}),
            ));
        }
        if let (Some(paid), Some(sent)) = (crate::body::parse_date(&c.paid_on), crate::body::parse_date(&c.submitted_on))
            && voucher::is_late_claim(paid, sent)
        {
            out.push(on_claim(
                FlagKind::LateClaim,
                &c.id,
                format!("submitted {} days after the payment", (sent - paid).whole_days()),
                json!({"paid_on": c.paid_on, "submitted_on": c.submitted_on, "days": (sent - paid).whole_days()}),
            ));
        }
        if let Some(u) = c.usage_krw.filter(|u| c.paid_krw > *u) {
            out.push(on_claim(
                FlagKind::ClaimAboveUsage,
                &c.id,
                format!("paid {} KRW for a usage of {u} KRW on the supplier's statement", c.paid_krw),
                json!({"paid_krw": c.paid_krw, "usage_krw": u}),
            ));
        }
    }
    Ok(out)
}

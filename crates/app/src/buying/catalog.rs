//! The catalog channel (카탈로그 계약 → 납품요구, docs/RULES.md#buying): the PPS officer records a
//! master contract with a supplier over its existing listings (no second registration, no second
//! set of documents; prices at most the listed ones); a buyer places a delivery request at those
//! unit prices while the master contract runs, the gate and the budget checked in the same
//! transaction; the supplier confirms (the time to contract counted from the request) or refuses
//! with a reason (the budget given back). A unit-price contract's call-off orders go the same
//! way, against its cap instead of a budget line.

use super::contracts::{
    CALL_OFF, CATALOG, ContractView, commit, contract_status, current_fiscal_year, item_of, sign, suppliers_of, view, write_text,
};
use super::{BUYER, Note, audit, tell_agency, tell_supplier, uuid};
use crate::actor::{Principal, Rule};
use crate::body::{Fields, format_date, objects, parse_date, required};
use crate::context::Context;
use crate::error::{Code, Error, Result};
use gureum_domain::account::Role;
use gureum_domain::buying::{self as rules, Actor, ContractType, Item, OrderAction, OrderStatus, Refusal};
use gureum_domain::clock::rfc3339_utc;
use gureum_storage::{CatalogContract, CatalogItem, Contract, ContractItem, ServiceKey};
use serde::Serialize;
use serde_json::{Value, json};

/// Who records master contracts.
pub const PPS: &[Role] = &[Role::Pps];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogItemView {
    pub service_id: String,
    pub code: String,
    pub name: String,
    pub plan: String,
    pub meter: String,
    pub unit_price_krw: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogContractView {
    pub id: String,
    pub number: String,
    pub supplier: super::contracts::PartyRef,
    pub items: Vec<CatalogItemView>,
    pub starts_on: String,
    pub ends_on: String,
    /// `upcoming`, `running` or `ended` today.
    pub status: String,
    pub created_at: String,
}

async fn catalog_view(ctx: &Context, c: &CatalogContract) -> Result<CatalogContractView> {
    let mut items = Vec::new();
    for i in &c.items {
        let rec = ctx.db().service(ServiceKey::Id(&i.service_id)).await?;
        let (code, name, meter) = rec
            .as_ref()
            .map(|r| (r.code.clone(), r.listing.name.clone(), super::plan_of(r, &i.plan).map(|p| p.unit.clone()).unwrap_or_default()))
            .unwrap_or_default();
        items.push(CatalogItemView {
            service_id: i.service_id.clone(),
            code,
            name,
            plan: i.plan.clone(),
            meter,
            unit_price_krw: i.unit_price_krw,
        });
    }
    let today = ctx.clock().today();
    let status = match (parse_date(&c.starts_on), parse_date(&c.ends_on)) {
        (Some(s), Some(e)) => match rules::check_catalog_open(s, e, today) {
            Ok(()) => "running",
            Err(Refusal::CatalogContractNotStarted) => "upcoming",
            Err(_) => "ended",
        },
        _ => "ended",
    };
    Ok(CatalogContractView {
        id: c.id.clone(),
        number: c.number.clone(),
        supplier: super::contracts::PartyRef {
            id: c.supplier_id.clone(),
            name: ctx.db().supplier(&c.supplier_id).await?.map(|s| s.name).unwrap_or_default(),
        },
        items,
        starts_on: c.starts_on.clone(),
        ends_on: c.ends_on.clone(),
        status: status.into(),
        created_at: rfc3339_utc(c.created_at),
    })
}

/// The PPS officer records a master contract (`{"supplier_id", "number", "items": [{"service_id",
/// "plan", "unit_price_krw"}], "starts_on", "ends_on"}`) over the supplier's listed services.
pub async fn create(ctx: &Context, p: &Principal, body: &Value, rid: Option<String>) -> Result<CatalogContractView> {
    p.require(Rule::AnyRole(PPS))?;
    let f = Fields::of(body)?;
    let supplier_id = uuid(required(f.string("supplier_id")?, "supplier_id")?, "supplier")?;
    let supplier = ctx.db().supplier(&supplier_id).await?.ok_or_else(|| Error::not_found("supplier"))?;
    let number = required(f.string("number")?, "number")?.trim().to_owned();
    if number.is_empty() || number.chars().count() > 100 {
        return Err(crate::body::bad("number", "1 to 100 characters"));
    }
    let starts_on = required(f.date("starts_on")?, "starts_on")?;
    let ends_on = required(f.date("ends_on")?, "ends_on")?;
    rules::check_period(starts_on, ends_on)?;
    let list = required(f.array("items")?, "items")?;
    if list.is_empty() {
        return Err(Refusal::ItemsRequired.into());
    }
    let mut items = Vec::new();
    for (n, o) in objects(list, "items")?.iter().enumerate() {
        let at = format!("items[{n}]");
        let rec = super::service(
            ctx,
            o.string("service_id").ok().flatten().ok_or_else(|| crate::body::bad(&format!("{at}.service_id"), "required"))?,
        )
        .await?;
        if rec.supplier.id != supplier_id {
            return Err(crate::body::bad(&format!("{at}.service_id"), "a service of this supplier"));
        }
        let plan = o.string("plan").ok().flatten().ok_or_else(|| crate::body::bad(&format!("{at}.plan"), "required"))?;
        let price = o.int("unit_price_krw").ok().flatten().ok_or_else(|| crate::body::bad(&format!("{at}.unit_price_krw"), "whole won"))?;
        let item = Item { plan: plan.to_owned(), unit_price_krw: price, quantity: 1, months: 1 };
        rules::check_items(std::slice::from_ref(&item), |pl| super::plan_of(&rec, pl).map(|x| x.unit_price_krw.won()))?;
        super::require_orderable(ctx, &rec, None).await?;
        items.push(CatalogItem { service_id: rec.id.clone(), plan: plan.to_owned(), unit_price_krw: price });
    }
    let mut tx = ctx.db().begin_write().await?;
    if tx.catalog_number_taken(&number).await? {
        return Err(Error::new(Code::CatalogNumberTaken, format!("catalog contract {number} already exists")));
    }
    let c = CatalogContract {
        id: crate::ids::new_id(),
        supplier_id: supplier.id.clone(),
        number,
        starts_on: format_date(starts_on),
        ends_on: format_date(ends_on),
        created_by: p.actor(),
        created_at: tx.now(),
        items,
    };
    tx.insert_catalog_contract(&c).await?;
    let after = json!({"supplier_id": c.supplier_id, "number": c.number, "starts_on": c.starts_on, "ends_on": c.ends_on,
        "items": c.items.iter().map(|i| json!({"service_id": i.service_id, "plan": i.plan, "unit_price_krw": i.unit_price_krw})).collect::<Vec<_>>()});
    audit(&mut tx, p, rid, "catalog_contract.create", ("catalog_contract", &c.id), None, after).await?;
    tx.commit().await?;
    catalog_view(ctx, &c).await
}

/// Catalog contracts: a supplier sees its own; buyers, PPS, the operator and the auditor see
/// every one (they are public procurement facts).
pub async fn list(ctx: &Context, p: &Principal) -> Result<Vec<CatalogContractView>> {
    let only = if p.has_role(Role::Supplier) {
        Some(p.org().supplier_id.clone().ok_or_else(Error::forbidden)?)
    } else {
        p.require(Rule::AnyRole(&[Role::Buyer, Role::BudgetOfficer, Role::Signatory, Role::Pps, Role::Operator, Role::Auditor]))?;
        None
    };
    let mut out = Vec::new();
    for c in ctx.db().catalog_contracts(only.as_deref()).await? {
        out.push(catalog_view(ctx, &c).await?);
    }
    Ok(out)
}

pub async fn get(ctx: &Context, p: &Principal, id: &str) -> Result<CatalogContractView> {
    let id = uuid(id, "catalog contract")?;
    let c = ctx.db().catalog_contract(&id).await?.ok_or_else(|| Error::not_found("catalog contract"))?;
    if p.has_role(Role::Supplier) && p.org().supplier_id.as_deref() != Some(c.supplier_id.as_str()) {
        return Err(Error::not_found("catalog contract"));
    }
    if !p.has_role(Role::Supplier) {
        p.require(Rule::AnyRole(&[Role::Buyer, Role::BudgetOfficer, Role::Signatory, Role::Pps, Role::Operator, Role::Auditor]))?;
    }
    catalog_view(ctx, &c).await
}

/// What an order is placed against: a running master contract, or a unit-price contract in force.
enum Against {
    Catalog(CatalogContract),
    CallOff(Box<Contract>),
}

/// A delivery request (`{"catalog_contract_id", "items": [{"service_id", "plan", "quantity",
/// "months"}], "budget_line_id", "required_grade"}`), or a call-off order under a unit-price
/// contract (`"contract_id"` instead of `"catalog_contract_id"`, no budget line: the contract
/// committed its cap).
pub async fn request(ctx: &Context, p: &Principal, body: &Value, rid: Option<String>) -> Result<ContractView> {
    p.require(Rule::AnyRole(BUYER))?;
    let f = Fields::of(body)?;
    let grade = super::grade(f.string("required_grade")?, "required_grade")?;
    let list = required(f.array("items")?, "items")?;
    if list.is_empty() {
        return Err(Refusal::ItemsRequired.into());
    }
    let wanted: Vec<(String, String, i64, i64)> = objects(list, "items")?
        .iter()
        .enumerate()
        .map(|(n, o)| {
            let at = format!("items[{n}]");
            let get =
                |k: &str| o.string(k).ok().flatten().map(str::to_owned).ok_or_else(|| crate::body::bad(&format!("{at}.{k}"), "required"));
            let int = |k: &str| o.int(k).ok().flatten().ok_or_else(|| crate::body::bad(&format!("{at}.{k}"), "a whole number"));
            Ok((get("service_id")?, get("plan")?, int("quantity")?, int("months")?))
        })
        .collect::<Result<_>>()?;
    let today = ctx.clock().today();
    let mut tx = ctx.db().begin_write().await?;
    let against = match (f.string("catalog_contract_id")?, f.string("contract_id")?) {
        (Some(id), None) => {
            let id = uuid(id, "catalog contract")?;
            let cc = tx.catalog_contract(&id).await?.ok_or_else(|| Error::not_found("catalog contract"))?;
            let (s, e) = (parse_date(&cc.starts_on), parse_date(&cc.ends_on));
            rules::check_catalog_open(s.unwrap_or(today), e.unwrap_or(today), today)?;
            Against::Catalog(cc)
        }
        (None, Some(id)) => {
            let id = uuid(id, "contract")?;
            let c = tx.contract(&id).await?.filter(|c| c.agency_id == p.org().id).ok_or_else(|| Error::not_found("contract"))?;
            if c.kind != ContractType::UnitPrice.as_str() || c.method != super::contracts::NEGOTIATED {
                return Err(crate::body::bad("contract_id", "a unit-price contract"));
            }
            if !contract_status(&c, today)?.in_force() {
                return Err(Error::invalid_status("the unit-price contract is not in force"));
            }
            Against::CallOff(Box::new(c))
        }
        _ => return Err(crate::body::bad("catalog_contract_id", "give a catalog_contract_id, or a contract_id of a unit-price contract")),
    };

    let supplier_id = match &against {
        Against::Catalog(cc) => cc.supplier_id.clone(),
        Against::CallOff(c) => c.supplier_id.clone(),
    };
    let mut items: Vec<ContractItem> = Vec::new();
    for (n, (sid, plan, quantity, months)) in wanted.iter().enumerate() {
        let at = format!("items[{n}]");
        let price = match &against {
            Against::Catalog(cc) => cc.items.iter().find(|i| &i.service_id == sid && &i.plan == plan).map(|i| i.unit_price_krw),
            Against::CallOff(c) => c.items.iter().find(|i| &i.service_id == sid && &i.plan == plan).map(|i| i.unit_price_krw),
        }
        .ok_or_else(|| crate::body::bad(&format!("{at}.plan"), "a service plan of the contract ordered against"))?;
        if *quantity < 1 || *months < 1 {
            return Err(Refusal::InvalidQuantity.into());
        }
        let rec = ctx.db().service(ServiceKey::Id(sid)).await?.ok_or_else(|| Error::not_found("service"))?;
        super::require_orderable(ctx, &rec, grade).await?;
        items.push(item_of(&rec, plan, price, *quantity, *months)?);
    }
    super::contracts::distinct_meters(&mut items);
    let total = rules::total(&super::contracts::as_items(&items))?;
    let months = items.iter().map(|i| i.months).max().unwrap_or(1);
    let starts_on = f.date("starts_on")?.unwrap_or(today);
    let ends_on = match f.date("ends_on")? {
        Some(e) => e,
        None => starts_on.checked_add(time::Duration::days(months * 30 - 1)).unwrap_or(starts_on),
    };
    rules::check_period(starts_on, ends_on)?;
    let id = crate::ids::new_id();
    let (method, line_id, catalog_id, call_off_of) = match &against {
        Against::Catalog(cc) => {
            (CATALOG, Some(uuid(required(f.string("budget_line_id")?, "budget_line_id")?, "budget line")?), Some(cc.id.clone()), None)
        }
        Against::CallOff(c) => (CALL_OFF, c.budget_line_id.clone(), None, Some(c.id.clone())),
    };
    let mut order = Contract {
        id: id.clone(),
        method: method.into(),
        agency_id: p.org().id.clone(),
        supplier_id: supplier_id.clone(),
        status: OrderStatus::Requested.as_str().into(),
        kind: ContractType::OneOff.as_str().into(),
        fee_model: "fixed".into(),
        billing: "monthly".into(),
        budget_line_id: line_id.clone(),
        cap_krw: None,
        total_krw: total,
        starts_on: format_date(starts_on),
        ends_on: format_date(ends_on),
        required_grade: grade.map(|g| g.as_str().to_owned()),
        catalog_contract_id: catalog_id,
        call_off_of: call_off_of.clone(),
        ttc_from: "delivery_request".into(),
        ttc_start: tx.now(),
        created_by: p.actor(),
        created_at: tx.now(),
        updated_at: tx.now(),
        items,
        ..Contract::default()
    };
    write_text(ctx, &mut order).await?;
    tx.insert_contract(&order).await?;
    match (&against, &line_id) {
        (Against::Catalog(_), Some(line)) => commit(&mut tx, &id, line, &order.agency_id, current_fiscal_year(ctx), total).await?,
        (Against::CallOff(c), _) if !tx.reserve_cap(&c.id, total).await? => {
            let left = c.cap_krw.unwrap_or(0) - c.ordered_krw;
            return Err(Error::new(Code::CapExceeded, format!("{total} won asked, {left} won left under the cap"))
                .with("available_krw", left.max(0).into()));
        }
        _ => {}
    }
    audit(&mut tx, p, rid, "order.request", ("order", &id), None, super::contracts::summary(&order)).await?;
    let n = Note {
        kind: "order_to_confirm",
        ko: format!("{}의 납품요구가 왔습니다. 확인하거나 거절하세요.", p.org().name),
        en: format!("{} placed a delivery request; confirm or refuse it.", p.org().name),
        link: format!("/orders/{id}"),
    };
    tell_supplier(ctx, &mut tx, &supplier_id, &n).await?;
    tx.commit().await?;
    view(ctx, &order).await
}

async fn decide(ctx: &Context, p: &Principal, id: &str, action: OrderAction, body: &Value, rid: Option<String>) -> Result<ContractView> {
    let id = uuid(id, "order")?;
    let f = Fields::of(body)?;
    let mut tx = ctx.db().begin_write().await?;
    let mut o = tx.contract(&id).await?.filter(|c| c.method != super::contracts::NEGOTIATED).ok_or_else(|| Error::not_found("order"))?;
    let actor = super::party(p, &o.agency_id, &suppliers_of(&o), &[Actor::Buyer]);
    let status = OrderStatus::parse(&o.status).ok_or_else(|| Error::internal("an order without an order status"))?;
    let to = rules::decide_order(status, action, actor)?;
    let reason = if action == OrderAction::Refuse { Some(super::reason(f.string("reason")?)?) } else { None };
    let now = tx.now();
    o.status = to.as_str().into();
    if action == OrderAction::Confirm {
        sign(ctx, &mut o, now).await?;
        o.supplier_accepted_hash = Some(o.text_hash.clone());
        o.supplier_accepted_by = Some(p.actor());
        o.supplier_accepted_at = Some(now);
    } else {
        o.end_reason = reason.clone();
        o.ended_at = Some(now);
        for m in tx.commitments(&o.id).await? {
            tx.release_budget(&o.id, &m.budget_line_id, m.amount_krw).await?;
        }
        if let Some(parent) = &o.call_off_of {
            tx.release_cap(parent, o.total_krw).await?;
        }
    }
    tx.update_contract(&o).await?;
    audit(
        &mut tx,
        p,
        rid,
        &format!("order.{}", action.as_str()),
        ("order", &id),
        Some(json!({"status": status.as_str()})),
        json!({"status": to.as_str(), "reason": reason}),
    )
    .await?;
    let n = Note {
        kind: "order_answered",
        ko: if to == OrderStatus::Confirmed {
            "납품요구가 확인되었습니다.".to_owned()
        } else {
            format!("납품요구가 거절되었습니다: {}", reason.as_deref().unwrap_or(""))
        },
        en: if to == OrderStatus::Confirmed {
            "Your delivery request was confirmed.".to_owned()
        } else {
            format!("Your delivery request was refused: {}", reason.as_deref().unwrap_or(""))
        },
        link: format!("/orders/{id}"),
    };
    tell_agency(ctx, &mut tx, &o.agency_id, BUYER, &n).await?;
    tx.commit().await?;
    view(ctx, &o).await
}

/// The supplier confirms a delivery request; the time to contract is counted from the request.
pub async fn confirm(ctx: &Context, p: &Principal, id: &str, rid: Option<String>) -> Result<ContractView> {
    decide(ctx, p, id, OrderAction::Confirm, &json!({}), rid).await
}

/// The supplier refuses a delivery request with a reason (`{"reason"}`); its budget goes back.
pub async fn refuse(ctx: &Context, p: &Principal, id: &str, body: &Value, rid: Option<String>) -> Result<ContractView> {
    decide(ctx, p, id, OrderAction::Refuse, body, rid).await
}

/// One order, for its parties and the oversight roles.
pub async fn order(ctx: &Context, p: &Principal, id: &str) -> Result<ContractView> {
    let c = super::contracts::readable(ctx, p, id).await?;
    if c.method == super::contracts::NEGOTIATED {
        return Err(Error::not_found("order"));
    }
    view(ctx, &c).await
}

/// The numbers of the PPS catalog contracts through which a service can be ordered today.
pub async fn running_for_service(ctx: &Context, service_id: &str) -> Result<Vec<String>> {
    Ok(ctx.db().running_catalog_numbers(service_id, &format_date(ctx.clock().today())).await?)
}

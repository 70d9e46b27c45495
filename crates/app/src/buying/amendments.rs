//! Amendments (변경계약) and the end of a contract (docs/RULES.md#buying): either side proposes a
//! change of the end date, the cap or the lines with a reason; the other side accepts it by the
//! hash of the text it would give, or refuses it; the history is kept and the accepted text's
//! hash becomes the contract's. Termination with a reason starts the data return: the supplier
//! reports the data returned and destroyed, the agency confirms.

use super::contracts::{ContractView, NEGOTIATED, commit, contract_status, item_of, readable, suppliers_of, view, write_text};
use super::{Note, audit, tell_agency, tell_supplier, uuid};
use crate::actor::Principal;
use crate::body::{Fields, format_date, objects, parse_date, required};
use crate::context::Context;
use crate::error::{Code, Error, Result};
use gureum_domain::account::Role;
use gureum_domain::buying::{self as rules, Actor, AmendmentAction, AmendmentStatus, ContractAction, ContractStatus, Item, Side};
use gureum_domain::clock::rfc3339_utc;
use gureum_storage::{Amendment, Contract, ContractItem, ServiceKey, WriteTx};
use serde::Serialize;
use serde_json::{Value, json};

/// An amendment as both sides see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AmendmentView {
    pub id: String,
    pub contract_id: String,
    /// `agency` or `supplier`: who proposed it.
    pub proposed_by: String,
    pub status: String,
    pub changes: Value,
    pub reason: String,
    pub text_hash: String,
    pub answer_reason: Option<String>,
    pub created_at: String,
    pub answered_at: Option<String>,
}

pub fn amendment_view(a: &Amendment) -> AmendmentView {
    AmendmentView {
        id: a.id.clone(),
        contract_id: a.contract_id.clone(),
        proposed_by: a.side.clone(),
        status: a.status.clone(),
        changes: serde_json::from_str(&a.changes).unwrap_or(Value::Null),
        reason: a.reason.clone(),
        text_hash: a.text_hash.clone(),
        answer_reason: a.answer_reason.clone(),
        created_at: rfc3339_utc(a.created_at),
        answered_at: a.answered_at.map(rfc3339_utc),
    }
}

/// A contract's amendments, oldest first, for whoever may read it.
pub async fn list(ctx: &Context, p: &Principal, contract_id: &str) -> Result<Vec<AmendmentView>> {
    let c = readable(ctx, p, contract_id).await?;
    Ok(ctx.db().amendments(&c.id).await?.iter().map(amendment_view).collect())
}

/// The contract inside the write, the caller's side of it (404 outside), and its status today.
async fn locked(ctx: &Context, tx: &mut WriteTx, p: &Principal, id: &str, prefer: &[Actor]) -> Result<(Contract, Actor, ContractStatus)> {
    let c = tx.contract(id).await?.ok_or_else(|| Error::not_found("contract"))?;
    let actor = super::party(p, &c.agency_id, &suppliers_of(&c), prefer);
    if actor == Actor::Outsider {
        return Err(Error::not_found("contract"));
    }
    if c.method != NEGOTIATED {
        return Err(Error::invalid_status("an order has no amendments or termination; refuse it or let it run"));
    }
    // only the lead supplier's admin speaks for the supplier side
    let actor = if matches!(actor, Actor::SupplierAdmin) && p.org().supplier_id.as_deref() != Some(c.supplier_id.as_str()) {
        Actor::SupplierMember
    } else {
        actor
    };
    let status = contract_status(&c, ctx.clock().today())?;
    Ok((c, actor, status))
}

fn side_of(actor: Actor) -> Side {
    if matches!(actor, Actor::SupplierAdmin | Actor::SupplierMember) { Side::Supplier } else { Side::Agency }
}

/// Applies `changes` to a copy of the contract (prices within the listed ones, the cap never
/// below what was invoiced).
async fn changed(ctx: &Context, c: &Contract, changes: &Fields<'_>) -> Result<Contract> {
    let mut next = c.clone();
    if let Some(end) = changes.date("ends_on").map_err(|_| crate::body::bad("changes.ends_on", "a date such as 2027-12-31"))? {
        let start = parse_date(&c.starts_on).ok_or_else(|| Error::internal("a contract without a start"))?;
        rules::check_period(start, end)?;
        next.ends_on = format_date(end);
    }
    if let Some(cap) = changes.int("cap_krw").map_err(|_| crate::body::bad("changes.cap_krw", "whole won"))? {
        if cap < 0 {
            return Err(crate::body::bad("changes.cap_krw", "whole won from 0"));
        }
        rules::check_cap(cap, c.invoiced_krw.max(c.ordered_krw))?;
        next.cap_krw = Some(cap);
    }
    if let Some(list) = changes.array("items").map_err(|_| crate::body::bad("changes.items", "a list"))? {
        let mut items: Vec<ContractItem> = Vec::new();
        for (n, o) in objects(list, "changes.items")?.iter().enumerate() {
            let at = format!("changes.items[{n}]");
            let sid = o.string("service_id").ok().flatten().or_else(|| c.items.first().map(|i| i.service_id.as_str())).unwrap_or("");
            if !c.items.iter().any(|i| i.service_id == sid) {
                return Err(crate::body::bad(&format!("{at}.service_id"), "a service of this contract"));
            }
            let rec = ctx.db().service(ServiceKey::Id(sid)).await?.ok_or_else(|| Error::not_found("service"))?;
            let plan = o.string("plan").ok().flatten().ok_or_else(|| crate::body::bad(&format!("{at}.plan"), "required"))?;
            let int = |k: &str| o.int(k).ok().flatten().ok_or_else(|| crate::body::bad(&format!("{at}.{k}"), "a whole number"));
            let item =
                Item { plan: plan.to_owned(), unit_price_krw: int("unit_price_krw")?, quantity: int("quantity")?, months: int("months")? };
            rules::check_items(std::slice::from_ref(&item), |pl| super::plan_of(&rec, pl).map(|x| x.unit_price_krw.won()))?;
            items.push(item_of(&rec, &item.plan, item.unit_price_krw, item.quantity, item.months)?);
        }
        if items.is_empty() {
            return Err(rules::Refusal::ItemsRequired.into());
        }
        super::contracts::distinct_meters_keeping(&mut items, &c.items);
        let total = rules::total(&super::contracts::as_items(&items))?;
        rules::check_cap(total, c.invoiced_krw)?;
        next.items = items;
        next.total_krw = total;
        if next.kind == "joint" {
            let parts = rules::split_by_shares(total, &next.shares.iter().map(|s| u32::try_from(s.pct).unwrap_or(0)).collect::<Vec<_>>());
            for (s, amount) in next.shares.iter_mut().zip(parts) {
                s.amount_krw = amount;
            }
        }
        if next.kind == "long_term" {
            return Err(crate::body::bad(
                "changes.items",
                "a long-term contract's lines change with its instalments: terminate and contract again",
            ));
        }
    }
    write_text(ctx, &mut next).await?;
    Ok(next)
}

/// Either party proposes an amendment (`{"changes": {"ends_on", "cap_krw", "items"}, "reason"}`).
pub async fn propose(ctx: &Context, p: &Principal, contract_id: &str, body: &Value, rid: Option<String>) -> Result<AmendmentView> {
    let id = uuid(contract_id, "contract")?;
    let f = Fields::of(body)?;
    let changes = required(f.object("changes")?, "changes")?;
    if changes.0.is_empty() {
        return Err(crate::body::bad("changes", "at least one of ends_on, cap_krw, items"));
    }
    let reason = super::reason(f.string("reason")?)?;
    let mut tx = ctx.db().begin_write().await?;
    let (c, actor, status) = locked(ctx, &mut tx, p, &id, &[Actor::Signatory, Actor::Buyer]).await?;
    rules::decide_contract(status, ContractAction::Amend, actor)?;
    if let Some(open) = tx.open_amendment(&c.id).await? {
        return Err(Error::new(Code::AmendmentPending, "an amendment is already waiting for an answer").with("amendment_id", open.into()));
    }
    let next = changed(ctx, &c, &changes).await?;
    let side = side_of(actor);
    let a = Amendment {
        id: crate::ids::new_id(),
        contract_id: c.id.clone(),
        side: if side == Side::Agency { "agency" } else { "supplier" }.into(),
        status: AmendmentStatus::Proposed.as_str().into(),
        changes: serde_json::to_string(&Value::Object(changes.0.clone())).map_err(Error::internal)?,
        reason,
        text: next.text.clone(),
        text_hash: next.text_hash.clone(),
        proposed_by: p.actor(),
        answered_by: None,
        answer_reason: None,
        created_at: tx.now(),
        answered_at: None,
    };
    tx.insert_amendment(&a).await?;
    audit(&mut tx, p, rid, "amendment.propose", ("amendment", &a.id), None, json!({"contract_id": c.id, "side": a.side, "changes": serde_json::from_str::<Value>(&a.changes).unwrap_or(Value::Null), "text_hash": a.text_hash}))
        .await?;
    let n = Note {
        kind: "amendment_proposed",
        ko: "변경계약 제안이 왔습니다.".into(),
        en: "An amendment was proposed.".into(),
        link: format!("/contracts/{}", c.id),
    };
    if side == Side::Agency {
        tell_supplier(ctx, &mut tx, &c.supplier_id, &n).await?;
    } else {
        tell_agency(ctx, &mut tx, &c.agency_id, &[Role::Buyer, Role::Signatory], &n).await?;
    }
    tx.commit().await?;
    Ok(amendment_view(&a))
}

async fn answer(
    ctx: &Context,
    p: &Principal,
    amendment_id: &str,
    body: &Value,
    action: AmendmentAction,
    rid: Option<String>,
) -> Result<AmendmentView> {
    let id = uuid(amendment_id, "amendment")?;
    let f = Fields::of(body)?;
    let mut tx = ctx.db().begin_write().await?;
    let a = tx.amendment(&id).await?.ok_or_else(|| Error::not_found("amendment"))?;
    let (c, actor, status) = locked(ctx, &mut tx, p, &a.contract_id, &[Actor::Signatory, Actor::Buyer])
        .await
        .map_err(|e| if e.code == Code::NotFound { Error::not_found("amendment") } else { e })?;
    let proposer = if a.side == "agency" { Side::Agency } else { Side::Supplier };
    let to = rules::decide_amendment(AmendmentStatus::parse(&a.status).unwrap_or(AmendmentStatus::Proposed), action, actor, proposer)?;
    let mut answer_reason = None;
    if action == AmendmentAction::Accept {
        rules::decide_contract(status, ContractAction::Amend, actor)?;
        let given = required(f.string("text_hash")?, "text_hash")?;
        // the text the amendment gives, worked out again now: a contract changed meanwhile
        // (or a listing's plan gone) gives another hash
        let changes: Value = serde_json::from_str(&a.changes).map_err(Error::internal)?;
        let next = changed(ctx, &c, &Fields::of(&changes)?).await?;
        if given != a.text_hash || next.text_hash != a.text_hash {
            return Err(rules::Refusal::TextChanged.into());
        }
        apply(&mut tx, &c, next, &a, rid.clone(), p).await?;
    } else {
        answer_reason = Some(super::reason(f.string("reason")?)?);
    }
    tx.answer_amendment(&a.id, to.as_str(), &p.actor(), answer_reason.as_deref()).await?;
    audit(
        &mut tx,
        p,
        rid,
        &format!("amendment.{}", action.as_str()),
        ("amendment", &a.id),
        Some(json!({"status": a.status})),
        json!({"status": to.as_str(), "reason": answer_reason}),
    )
    .await?;
    let n = Note {
        kind: "amendment_answered",
        ko: if to == AmendmentStatus::Accepted {
            "변경계약이 수락되었습니다."
        } else {
            "변경계약이 거절되었습니다."
        }
        .into(),
        en: format!("The amendment was {}.", to.as_str()),
        link: format!("/contracts/{}", c.id),
    };
    if proposer == Side::Agency {
        tell_agency(ctx, &mut tx, &c.agency_id, &[Role::Buyer, Role::Signatory], &n).await?;
    } else {
        tell_supplier(ctx, &mut tx, &c.supplier_id, &n).await?;
    }
    tx.commit().await?;
    let a = ctx.db().amendment(&a.id).await?.ok_or_else(|| Error::internal("amendment vanished"))?;
    Ok(amendment_view(&a))
}

/// Writes an accepted amendment: the new figures and text (accepted by both sides by its hash),
/// the budget moved by the change of what the contract commits.
async fn apply(tx: &mut WriteTx, c: &Contract, mut next: Contract, a: &Amendment, rid: Option<String>, p: &Principal) -> Result<()> {
    let old = c.cap_krw.unwrap_or(c.total_krw);
    let new = next.cap_krw.unwrap_or(next.total_krw);
    if c.kind != "long_term" && new != old {
        let commitments = tx.commitments(&c.id).await?;
        let line = commitments.first().map(|m| m.budget_line_id.clone()).or_else(|| c.budget_line_id.clone());
        if let Some(line) = line {
            if new > old {
                let fy = i64::from(tx.budget_line(&line).await?.map(|l| l.fiscal_year).unwrap_or_default());
                commit(tx, &c.id, &line, &c.agency_id, fy, new - old).await?;
            } else {
                let held = commitments.iter().find(|m| m.budget_line_id == line).map(|m| m.amount_krw).unwrap_or(0);
                tx.release_budget(&c.id, &line, (old - new).min(held)).await?;
            }
        }
    }
    // what the contract was before, for its open contracting releases
    tx.set_amendment_before(&a.id, &crate::ocds::terms_json(c)).await?;
    next.text = a.text.clone();
    next.text_hash = a.text_hash.clone();
    next.supplier_accepted_hash = Some(a.text_hash.clone());
    next.agency_accepted_hash = Some(a.text_hash.clone());
    if next.items != c.items {
        tx.replace_items(&c.id, &next.items).await?;
    }
    tx.update_contract(&next).await?;
    audit(tx, p, rid, "contract.amend", ("contract", &c.id), Some(super::contracts::summary(c)), super::contracts::summary(&next)).await?;
    Ok(())
}

/// The other side accepts an amendment by the hash of its text (`{"text_hash"}`).
pub async fn accept(ctx: &Context, p: &Principal, id: &str, body: &Value, rid: Option<String>) -> Result<AmendmentView> {
    answer(ctx, p, id, body, AmendmentAction::Accept, rid).await
}

/// The other side refuses an amendment with a reason (`{"reason"}`).
pub async fn refuse(ctx: &Context, p: &Principal, id: &str, body: &Value, rid: Option<String>) -> Result<AmendmentView> {
    answer(ctx, p, id, body, AmendmentAction::Refuse, rid).await
}

/// Either party terminates a signed or active contract early with a reason (`{"reason"}`); what
/// it holds committed beyond what was invoiced goes back to the budget line; the data return
/// begins.
pub async fn terminate(ctx: &Context, p: &Principal, id: &str, body: &Value, rid: Option<String>) -> Result<ContractView> {
    let id = uuid(id, "contract")?;
    let reason = super::reason(Fields::of(body)?.string("reason")?)?;
    let mut tx = ctx.db().begin_write().await?;
    let (mut c, actor, status) = locked(ctx, &mut tx, p, &id, &[Actor::Signatory, Actor::Buyer]).await?;
    let to = rules::decide_contract(status, ContractAction::Terminate, actor)?;
    let mut spent = c.invoiced_krw;
    for m in tx.commitments(&c.id).await? {
        let keep = m.amount_krw.min(spent);
        spent -= keep;
        if m.amount_krw > keep {
            tx.release_budget(&c.id, &m.budget_line_id, m.amount_krw - keep).await?;
        }
    }
    let before = c.status.clone();
    c.status = to.as_str().into();
    c.end_reason = Some(reason.clone());
    c.ended_at = Some(tx.now());
    tx.update_contract(&c).await?;
    audit(
        &mut tx,
        p,
        rid,
        "contract.terminate",
        ("contract", &id),
        Some(json!({"status": before})),
        json!({"status": c.status, "reason": reason}),
    )
    .await?;
    let n = Note {
        kind: "contract_terminated",
        ko: "계약이 해지되었습니다. 데이터 반환·파기 절차를 진행하세요.".into(),
        en: "The contract was terminated; the data return and destruction begin.".into(),
        link: format!("/contracts/{id}"),
    };
    tell_agency(ctx, &mut tx, &c.agency_id, &[Role::Buyer, Role::Signatory], &n).await?;
    tell_supplier(ctx, &mut tx, &c.supplier_id, &n).await?;
    tx.commit().await?;
    view(ctx, &c).await
}

async fn data_step(ctx: &Context, p: &Principal, id: &str, action: ContractAction, rid: Option<String>) -> Result<ContractView> {
    let id = uuid(id, "contract")?;
    let mut tx = ctx.db().begin_write().await?;
    let (mut c, actor, status) = locked(ctx, &mut tx, p, &id, &[Actor::Signatory, Actor::Buyer]).await?;
    let to = rules::decide_contract(status, action, actor)?;
    let before = status.as_str();
    c.status = to.as_str().into();
    if c.ended_at.is_none() {
        c.ended_at = Some(tx.now());
    }
    let n = if action == ContractAction::ReturnData {
        c.data_returned_at = Some(tx.now());
        Note {
            kind: "data_returned",
            ko: "공급기업이 데이터 반환·파기를 알렸습니다. 확인하세요.".into(),
            en: "The supplier reports the data returned and destroyed; please confirm.".into(),
            link: format!("/contracts/{id}"),
        }
    } else {
        c.closed_at = Some(tx.now());
        Note {
            kind: "data_return_confirmed",
            ko: "수요기관이 데이터 반환·파기를 확인했습니다.".into(),
            en: "The agency confirmed the data return.".into(),
            link: format!("/contracts/{id}"),
        }
    };
    tx.update_contract(&c).await?;
    let act = if action == ContractAction::ReturnData { "contract.data_return" } else { "contract.data_return_confirm" };
    audit(&mut tx, p, rid, act, ("contract", &id), Some(json!({"status": before})), json!({"status": c.status})).await?;
    if action == ContractAction::ReturnData {
        tell_agency(ctx, &mut tx, &c.agency_id, &[Role::Buyer, Role::Signatory], &n).await?;
    } else {
        tell_supplier(ctx, &mut tx, &c.supplier_id, &n).await?;
    }
    tx.commit().await?;
    view(ctx, &c).await
}

/// The supplier's admin reports the data returned and destroyed (after termination or the end).
pub async fn data_return(ctx: &Context, p: &Principal, id: &str, rid: Option<String>) -> Result<ContractView> {
    data_step(ctx, p, id, ContractAction::ReturnData, rid).await
}

/// The agency confirms the return; nothing is left to do.
pub async fn confirm_data_return(ctx: &Context, p: &Principal, id: &str, rid: Option<String>) -> Result<ContractView> {
    data_step(ctx, p, id, ContractAction::ConfirmReturn, rid).await
}

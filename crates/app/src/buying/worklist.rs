//! What waits on the caller (docs/RULES.md#buying): quotes to answer, contract texts to accept,
//! delivery requests to confirm, amendments to answer, data returns to report or confirm, quotes
//! ready to become contracts. Each party sees only its own; the oldest first.

use super::contracts::{self, ContractView, NEGOTIATED};
use super::quotes;
use crate::actor::Principal;
use crate::context::Context;
use crate::error::Result;
use gureum_domain::account::Role;
use serde::Serialize;

/// One thing waiting on the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Task {
    /// `answer_quote`, `use_quote`, `accept_contract`, `confirm_order`, `answer_amendment`,
    /// `return_data` or `confirm_data_return`.
    pub kind: String,
    /// The id of the thing to act on (a quote request, a contract, an order, an amendment).
    pub id: String,
    /// What it is about, in words (a service's name, a contract's parties).
    pub title: String,
    /// The page to act on it.
    pub link: String,
    /// Since when it waits (RFC 3339).
    pub since: String,
}

fn title_of(c: &ContractView) -> String {
    let service = c.items.first().map(|i| i.name.as_str()).unwrap_or("");
    format!("{service} — {} / {}", c.agency.name, c.supplier.name)
}

/// The caller's worklist; an empty list for roles that wait on nothing here.
pub async fn tasks(ctx: &Context, p: &Principal) -> Result<Vec<Task>> {
    let supplier = p.has_role(Role::Supplier) && p.org().supplier_id.is_some();
    let buyer = p.has_role(Role::Buyer);
    let signatory = p.has_role(Role::Signatory);
    if !(supplier || buyer || signatory) {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for r in quotes::list(ctx, p).await? {
        match r.status.as_str() {
            "requested" if supplier => out.push(Task {
                kind: "answer_quote".into(),
                id: r.id.clone(),
                title: format!("{} — {}", r.service.name, r.agency.name),
                link: format!("/quote-requests/{}", r.id),
                since: r.created_at.clone(),
            }),
            "offered" if buyer => out.push(Task {
                kind: "use_quote".into(),
                id: r.id.clone(),
                title: format!("{} — {}", r.service.name, r.supplier.name),
                link: format!("/quote-requests/{}", r.id),
                since: r.quote.as_ref().map(|q| q.created_at.clone()).unwrap_or_else(|| r.created_at.clone()),
            }),
            _ => {}
        }
    }
    let admin = p.is_admin();
    for c in contracts::list(ctx, p, &[NEGOTIATED, contracts::CATALOG, contracts::CALL_OFF]).await? {
        let link = if c.method == NEGOTIATED { format!("/contracts/{}", c.id) } else { format!("/orders/{}", c.id) };
        let mut push = |kind: &str| {
            out.push(Task { kind: kind.into(), id: c.id.clone(), title: title_of(&c), link: link.clone(), since: c.created_at.clone() })
        };
        match c.status.as_str() {
            "draft" if (supplier && admin && c.accepted.supplier.is_none()) || (signatory && c.accepted.agency.is_none()) => {
                push("accept_contract")
            }
            "requested" if supplier => push("confirm_order"),
            "terminated" | "ended" if supplier && admin && c.method == NEGOTIATED => push("return_data"),
            "data_returned" if buyer || signatory => push("confirm_data_return"),
            _ => {}
        }
        if matches!(c.status.as_str(), "signed" | "active") {
            for a in ctx.db().amendments(&c.id).await? {
                let theirs = (a.side == "agency" && supplier && admin) || (a.side == "supplier" && (buyer || signatory));
                if a.status == "proposed" && theirs {
                    out.push(Task {
                        kind: "answer_amendment".into(),
                        id: a.id.clone(),
                        title: title_of(&c),
                        link: format!("/contracts/{}", c.id),
                        since: gureum_domain::clock::rfc3339_utc(a.created_at),
                    });
                }
            }
        }
    }
    out.sort_by(|a, b| a.since.cmp(&b.since).then_with(|| a.id.cmp(&b.id)));
    Ok(out)
}

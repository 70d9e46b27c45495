//! Budget lines (예산 항목, docs/RULES.md#budget-lines): the agency's budget officer keeps them
//! per fiscal year; the agency's buyers, budget officers and signatories read them with what is
//! committed, spent and available. Another organisation's line does not exist for the caller.

use crate::actor::{Principal, Rule};
use crate::error::{Code, Error, Result};
use gureum_domain::account::Role;
use gureum_domain::budget::{self, BudgetRefusal};
use gureum_storage::{BudgetLine, NewAuditEvent, StorageError, UniqueKey};
use serde_json::{Value, json};

use crate::context::Context;

/// Who reads an agency's lines.
pub const READERS: &[Role] = &[Role::Buyer, Role::BudgetOfficer, Role::Signatory];
/// Who keeps them.
pub const KEEPER: &[Role] = &[Role::BudgetOfficer];

fn refused(r: BudgetRefusal) -> Error {
    match r {
        BudgetRefusal::FiscalYear => Error::new(Code::InvalidField, "fiscal_year: a year from 2000 to 2100"),
        BudgetRefusal::Name => Error::new(Code::InvalidField, "name: 1 to 200 characters"),
        BudgetRefusal::Amount => Error::new(Code::InvalidField, "amount_krw: whole won from 0 to 1,000,000,000,000,000"),
        BudgetRefusal::BelowCommitted => Error::new(Code::BelowCommitted, "amount_krw is below what contracts have committed on this line"),
    }
}

fn object(body: &Value) -> Result<&serde_json::Map<String, Value>> {
    body.as_object().ok_or_else(|| Error::new(Code::InvalidBody, "the body must be a JSON object"))
}

/// An integer field: absent is `None`; anything but a whole number is 400 naming it.
fn int(o: &serde_json::Map<String, Value>, key: &str) -> Result<Option<i64>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_i64().map(Some).ok_or_else(|| Error::new(Code::InvalidField, format!("{key}: a whole number"))),
    }
}

fn string<'a>(o: &'a serde_json::Map<String, Value>, key: &str) -> Result<Option<&'a str>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Error::new(Code::InvalidField, format!("{key}: text"))),
    }
}

fn required<T>(v: Option<T>, key: &str) -> Result<T> {
    v.ok_or_else(|| Error::new(Code::InvalidField, format!("{key}: required")))
}

async fn audit(
    tx: &mut gureum_storage::WriteTx,
    p: &Principal,
    action: &str,
    id: &str,
    before: Option<Value>,
    after: Value,
    rid: Option<String>,
) -> Result<()> {
    let mut ev = NewAuditEvent::new(&p.actor(), action, "budget_line", id).request_id(rid).after(after);
    ev.before = before;
    ev.organisation = Some(p.org().id.clone());
    tx.audit(ev).await?;
    Ok(())
}

fn figures(l: &BudgetLine) -> Value {
    json!({"fiscal_year": l.fiscal_year, "name": l.name, "amount_krw": l.amount_krw, "committed_krw": l.committed_krw})
}

/// The budget officer adds a line (`{"fiscal_year", "name", "amount_krw"}`); a second line of
/// the same name in the same year is 409 `budget_line_exists`.
pub async fn create(ctx: &Context, p: &Principal, body: &Value, rid: Option<String>) -> Result<BudgetLine> {
    p.require(Rule::AnyRole(KEEPER))?;
    let o = object(body)?;
    let year = budget::check_fiscal_year(required(int(o, "fiscal_year")?, "fiscal_year")?).map_err(refused)?;
    let name = budget::check_name(required(string(o, "name")?, "name")?).map_err(refused)?;
    let amount = budget::check_amount(required(int(o, "amount_krw")?, "amount_krw")?).map_err(refused)?;
    let id = crate::ids::new_id();
    let mut tx = ctx.db().begin_write().await?;
    match tx.insert_budget_line(&id, &p.org().id, year, &name, amount).await {
        Err(StorageError::Unique(UniqueKey::BudgetLineName)) => {
            return Err(Error::new(Code::BudgetLineExists, format!("{year} already has a line named {name}")));
        }
        other => other?,
    }
    let line = tx.budget_line(&id).await?.ok_or_else(|| Error::internal("budget line vanished"))?;
    audit(&mut tx, p, "budget_line.create", &id, None, figures(&line), rid).await?;
    tx.commit().await?;
    Ok(line)
}

/// The caller's agency's lines, optionally of one fiscal year.
pub async fn lines(ctx: &Context, p: &Principal, fiscal_year: Option<&str>) -> Result<Vec<BudgetLine>> {
    p.require(Rule::AnyRole(READERS))?;
    let year = match fiscal_year.filter(|y| !y.is_empty()) {
        Some(y) => Some(
            y.parse::<i64>()
                .ok()
                .and_then(|y| budget::check_fiscal_year(y).ok())
                .ok_or_else(|| Error::new(Code::InvalidField, "fiscal_year: a year from 2000 to 2100"))?,
        ),
        None => None,
    };
    Ok(ctx.db().budget_lines(&p.org().id, year).await?)
}

/// The budget officer changes a line's amount or name (any subset); never below what is
/// committed (409 `below_committed`, also when a commitment lands meanwhile).
pub async fn update(ctx: &Context, p: &Principal, id: &str, body: &Value, rid: Option<String>) -> Result<BudgetLine> {
    p.require(Rule::AnyRole(KEEPER))?;
    let id = crate::ids::hyphenated_uuid(id).ok_or_else(|| Error::new(Code::InvalidId, "a budget line id is a UUID"))?;
    let o = object(body)?;
    let amount = int(o, "amount_krw")?.map(budget::check_amount).transpose().map_err(refused)?;
    let name = string(o, "name")?.map(budget::check_name).transpose().map_err(refused)?;
    let mut tx = ctx.db().begin_write().await?;
    let before = tx.budget_line(&id).await?.filter(|l| l.org_id == p.org().id).ok_or_else(|| Error::not_found("budget line"))?;
    let amount = budget::check_new_amount(amount.unwrap_or(before.amount_krw), before.committed_krw).map_err(refused)?;
    let name = name.unwrap_or_else(|| before.name.clone());
    if amount == before.amount_krw && name == before.name {
        return Ok(before);
    }
    let updated = match tx.update_budget_line(&id, &name, amount).await {
        Err(StorageError::Unique(UniqueKey::BudgetLineName)) => {
            return Err(Error::new(Code::BudgetLineExists, format!("{} already has a line named {name}", before.fiscal_year)));
        }
        other => other?,
    };
    if !updated {
        return Err(refused(BudgetRefusal::BelowCommitted));
    }
    let line = tx.budget_line(&id).await?.ok_or_else(|| Error::internal("budget line vanished"))?;
    audit(&mut tx, p, "budget_line.update", &id, Some(figures(&before)), figures(&line), rid).await?;
    tx.commit().await?;
    Ok(line)
}

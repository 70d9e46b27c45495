//! Voucher programmes (사업): the operator configures one per year; everyone reads them with
//! their totals granted, reimbursed and settled.

use super::{ProgrammeView, audit, programme_view, text, won};
use crate::actor::{OPERATOR, Principal, Rule};
use crate::body::{Fields, bad, required};
use crate::context::Context;
use crate::error::Result;
use gureum_domain::clock::format_date;
use gureum_domain::voucher::{CostType, ProgrammeSettings};
use gureum_storage::VoucherProgramme;
use serde_json::json;

/// The longest programme name, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// Every programme, newest year first, with its totals (public).
pub async fn list(ctx: &Context) -> Result<Vec<ProgrammeView>> {
    let today = ctx.clock().today();
    Ok(ctx.db().voucher_programmes().await?.iter().map(|p| programme_view(p, today)).collect())
}

/// One programme (public).
pub async fn get(ctx: &Context, id: &str) -> Result<ProgrammeView> {
    Ok(programme_view(&super::programme(ctx, id).await?, ctx.clock().today()))
}

/// Reads a programme's settings from a body.
pub fn settings(body: &serde_json::Value) -> Result<(String, ProgrammeSettings)> {
    let f = Fields::of(body)?;
    let name = text(f.string("name")?, "name", true, MAX_NAME_CHARS)?;
    let year = required(f.int("year")?, "year")?;
    let year = i32::try_from(year).map_err(|_| bad("year", "a year from 2000 to 2100"))?;
    let mut cost_types = Vec::new();
    for t in required(f.strings("cost_types")?, "cost_types")? {
        let c = CostType::parse(t).ok_or_else(|| bad("cost_types", "each one of consulting, transition, usage"))?;
        if !cost_types.contains(&c) {
            cost_types.push(c);
        }
    }
    cost_types.sort();
    let s = ProgrammeSettings {
        year,
        total_budget_krw: won(f.int("total_budget_krw")?, "total_budget_krw", 1)?,
        company_cap_krw: won(f.int("company_cap_krw")?, "company_cap_krw", 1)?,
        government_share_pct: required(f.int("government_share_pct")?, "government_share_pct")?,
        cost_types,
        apply_from: required(f.date("apply_from")?, "apply_from")?,
        apply_to: required(f.date("apply_to")?, "apply_to")?,
        use_until: required(f.date("use_until")?, "use_until")?,
    };
    s.check().map_err(|(k, why)| bad(k, why))?;
    Ok((name, s))
}

/// Creates a programme (the operator).
pub async fn create(ctx: &Context, p: &Principal, body: &serde_json::Value, rid: Option<String>) -> Result<ProgrammeView> {
    p.require(Rule::AnyRole(OPERATOR))?;
    let (name, s) = settings(body)?;
    let row = VoucherProgramme {
        id: crate::ids::new_id(),
        year: i64::from(s.year),
        name,
        total_budget_krw: s.total_budget_krw,
        company_cap_krw: s.company_cap_krw,
        government_share_pct: s.government_share_pct,
        cost_types: s.cost_types.iter().map(|c| c.as_str().to_owned()).collect(),
        apply_from: format_date(s.apply_from),
        apply_to: format_date(s.apply_to),
        use_until: format_date(s.use_until),
        granted_krw: 0,
        reimbursed_krw: 0,
        settled_krw: 0,
        created_by: p.actor(),
        created_at: 0,
    };
    let mut tx = ctx.db().begin_write().await?;
    tx.insert_voucher_programme(&row).await?;
    audit(
        &mut tx,
        p,
        rid,
        "voucher_programme.create",
        ("voucher_programme", &row.id),
        None,
        json!({"year": row.year, "name": row.name, "total_budget_krw": row.total_budget_krw, "company_cap_krw": row.company_cap_krw,
               "government_share_pct": row.government_share_pct, "cost_types": row.cost_types, "apply_from": row.apply_from,
               "apply_to": row.apply_to, "use_until": row.use_until}),
    )
    .await?;
    let stored = tx.voucher_programme(&row.id).await?.ok_or_else(|| crate::Error::internal("the programme went away"))?;
    tx.commit().await?;
    Ok(programme_view(&stored, ctx.clock().today()))
}

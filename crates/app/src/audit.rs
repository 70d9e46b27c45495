//! The audit log for auditors and operators (감사 기록): its query (the API and the page accept
//! exactly the same), one page of it, the whole filtered log in order for exports, and the check
//! of the hash chain. Only reads: an auditor changes nothing anywhere.

use crate::context::Context;
use crate::error::{Code, Error, Result};
use gureum_domain::clock::parse_date;
use gureum_storage::{AuditEntry, AuditFilter, VerifyReport};

pub const DEFAULT_PER_PAGE: u32 = 50;
pub const MAX_PER_PAGE: u32 = 500;
/// The filter keys of the audit log, in the order links repeat them.
pub const FILTER_KEYS: [&str; 7] = ["organisation", "actor", "entity_kind", "entity_id", "action", "from", "to"];

/// A parsed audit query: the filter and the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditQuery {
    pub filter: AuditFilter,
    pub page: u32,
    pub per_page: u32,
}

/// Parses the audit log's query (the API and the page accept exactly the same). Empty values
/// count as absent; unknown parameters are ignored; the last of a repeated key wins.
pub fn parse_audit_query(pairs: &[(String, String)]) -> Result<AuditQuery> {
    let mut q = AuditQuery { filter: AuditFilter::default(), page: 1, per_page: DEFAULT_PER_PAGE };
    for (k, v) in pairs {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        let text = Some(v.to_owned());
        match k.as_str() {
            "organisation" => q.filter.organisation = text,
            "actor" => q.filter.actor = text,
            "entity_kind" => q.filter.entity_kind = text,
            "entity_id" => q.filter.entity_id = text,
            "action" => q.filter.action = text,
            "from" | "to" => {
                let d = parse_date(v).ok_or_else(|| Error::new(Code::InvalidDate, format!("{k} must be a date YYYY-MM-DD")))?;
                if k == "from" {
                    q.filter.from = Some(d);
                } else {
                    q.filter.to = Some(d);
                }
            }
            "page" => {
                q.page = v
                    .parse::<u32>()
                    .ok()
                    .filter(|p| (1..=1_000_000).contains(p))
                    .ok_or_else(|| Error::new(Code::InvalidPage, "page is a whole number from 1"))?;
            }
            "per_page" => {
                q.per_page = v
                    .parse::<u32>()
                    .ok()
                    .filter(|p| (1..=MAX_PER_PAGE).contains(p))
                    .ok_or_else(|| Error::new(Code::InvalidPerPage, format!("per_page is 1–{MAX_PER_PAGE}")))?;
            }
            _ => {}
        }
    }
    if let (Some(from), Some(to)) = (q.filter.from, q.filter.to)
        && from > to
    {
        return Err(Error::new(Code::InvalidDate, "from must not be after to"));
    }
    Ok(q)
}

/// One page of the filtered log, newest first, with the filtered total.
pub async fn page(ctx: &Context, q: &AuditQuery) -> Result<(i64, Vec<AuditEntry>)> {
    let db = ctx.db();
    let total = db.audit_events_count(&q.filter).await?;
    let offset = i64::from(q.page - 1) * i64::from(q.per_page);
    let items = if offset < total { db.audit_events(&q.filter, offset, i64::from(q.per_page)).await? } else { Vec::new() };
    Ok((total, items))
}

/// The filtered log, oldest first, read `batch` rows a query; `each` sees every event in turn.
pub async fn for_each(ctx: &Context, filter: &AuditFilter, batch: i64, mut each: impl FnMut(&AuditEntry)) -> Result<()> {
    let mut after = 0;
    loop {
        let rows = ctx.db().audit_events_after(filter, after, batch).await?;
        let Some(last) = rows.last() else { break };
        after = last.event().seq;
        let full = rows.len() as i64 == batch;
        rows.iter().for_each(&mut each);
        if !full {
            break;
        }
    }
    Ok(())
}

/// Recomputes every hash of the chain in order and names the first event that does not match.
pub async fn verify(ctx: &Context) -> Result<VerifyReport> {
    Ok(ctx.db().verify_audit_chain().await?)
}

//! Time to contract in aggregate (public, docs/RULES.md#buying): how many contracts and orders
//! were signed (or confirmed) in a window, the median and 90th percentile of their calendar days
//! against the 14-day target, in all and by method. Aggregates only: no contract is named.

use super::contracts::{CALL_OFF, CATALOG, NEGOTIATED};
use crate::body::parse_date;
use crate::context::Context;
use crate::error::{Code, Error, Result};
use gureum_domain::buying::{TARGET_DAYS, median, percentile};
use gureum_domain::clock::SEOUL;
use serde::Serialize;
use std::collections::BTreeMap;

/// One group's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub count: i64,
    pub median_days: Option<i64>,
    pub p90_days: Option<i64>,
    pub median_business_days: Option<i64>,
    /// How many took at most the target.
    pub within_target: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimeToContractStats {
    pub count: i64,
    pub median_days: Option<i64>,
    pub p90_days: Option<i64>,
    pub median_business_days: Option<i64>,
    pub within_target: i64,
    pub target_days: i64,
    pub by_method: BTreeMap<String, Figures>,
    pub from: Option<String>,
    pub to: Option<String>,
}

fn figures(mut days: Vec<i64>, mut business: Vec<i64>) -> Figures {
    days.sort_unstable();
    business.sort_unstable();
    Figures {
        count: days.len() as i64,
        median_days: median(&days),
        p90_days: percentile(&days, 90),
        median_business_days: median(&business),
        within_target: days.iter().filter(|d| **d <= TARGET_DAYS).count() as i64,
    }
}

/// The methods the statistics know.
pub const METHODS: [&str; 3] = [NEGOTIATED, CATALOG, CALL_OFF];

/// `?method=&from=&to=` (dates inclusive, Asia/Seoul; signatures within them).
pub async fn time_to_contract(ctx: &Context, method: Option<&str>, from: Option<&str>, to: Option<&str>) -> Result<TimeToContractStats> {
    let method = method.filter(|m| !m.is_empty());
    if let Some(m) = method
        && !METHODS.contains(&m)
    {
        return Err(Error::new(Code::InvalidParameter, "method: negotiated, catalog or call_off"));
    }
    let day = |v: Option<&str>, key: &str| -> Result<Option<time::Date>> {
        v.filter(|s| !s.is_empty())
            .map(|s| parse_date(s).ok_or_else(|| Error::new(Code::InvalidDate, format!("{key}: a date such as 2026-01-31"))))
            .transpose()
    };
    let (from_d, to_d) = (day(from, "from")?, day(to, "to")?);
    if let (Some(f), Some(t)) = (from_d, to_d)
        && t < f
    {
        return Err(Error::new(Code::InvalidDate, "to: on or after from"));
    }
    let start = from_d.map(|d| gureum_domain::clock::to_micros(d.midnight().assume_offset(SEOUL))).unwrap_or(i64::MIN);
    let end =
        to_d.and_then(|d| d.next_day()).map(|d| gureum_domain::clock::to_micros(d.midnight().assume_offset(SEOUL))).unwrap_or(i64::MAX);
    let rows = ctx.db().times_to_contract(method, start, end).await?;
    let all = figures(rows.iter().map(|r| r.calendar_days).collect(), rows.iter().map(|r| r.business_days).collect());
    let mut by_method = BTreeMap::new();
    for m in METHODS {
        let of: Vec<_> = rows.iter().filter(|r| r.method == m).collect();
        if method.is_none_or(|x| x == m) {
            by_method
                .insert(m.to_owned(), figures(of.iter().map(|r| r.calendar_days).collect(), of.iter().map(|r| r.business_days).collect()));
        }
    }
    Ok(TimeToContractStats {
        count: all.count,
        median_days: all.median_days,
        p90_days: all.p90_days,
        median_business_days: all.median_business_days,
        within_target: all.within_target,
        target_days: TARGET_DAYS,
        by_method,
        from: from_d.map(crate::body::format_date),
        to: to_d.map(crate::body::format_date),
    })
}

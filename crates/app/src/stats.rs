//! The public statistics (SPEC §4 "Demand forecast (수요예보) and statistics"; issue #26 point
//! 4): services by kind over time, contracts by count and amount by kind and method, time to
//! contract against the 14-day target, the SaaS share, the voucher programmes and the latest
//! demand forecast. Aggregates only: no contract, agency or company is named. The catalog's
//! figures come from the search index (one pass over two columns), the rest from sums taken in
//! SQL.

use crate::context::Context;
use crate::error::{Error, Result};
use gureum_domain::ServiceKind;
use gureum_domain::buying::TARGET_DAYS;
use gureum_domain::stats::{SERIES_MONTHS, month_bounds, months_ending, running, share};
use serde::Serialize;
use std::collections::BTreeMap;

/// A count and an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct CountAmount {
    pub count: i64,
    pub amount_krw: i64,
}

impl CountAmount {
    fn add(&mut self, count: i64, amount: i64) {
        self.count += count;
        self.amount_krw += amount;
    }
}

/// One month of the catalog's growth.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListedMonth {
    /// `YYYY-MM` (Asia/Seoul).
    pub month: String,
    /// Services first listed in the month (of those listed now), by kind.
    pub new_by_kind: BTreeMap<String, u64>,
    /// Services listed now that were first listed by the month's end, by kind.
    pub total_by_kind: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContractStats {
    pub count: i64,
    pub amount_krw: i64,
    /// By the kind of the service on the contract's first line.
    pub by_kind: BTreeMap<String, CountAmount>,
    /// By the kind of the agency that signed (`central`, `local`, `public_institution`, `other`).
    pub by_agency_kind: BTreeMap<String, CountAmount>,
    pub by_method: BTreeMap<String, CountAmount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimeToContract {
    pub count: i64,
    pub median_days: Option<i64>,
    pub p90_days: Option<i64>,
    pub within_target: i64,
    pub target_days: i64,
}

/// SaaS's share (0–1) of the listed services, of the contracts and of their amount.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SaasShare {
    pub services: f64,
    pub contracts: f64,
    pub amount: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VoucherStats {
    pub programmes: i64,
    pub granted_krw: i64,
    pub reimbursed_krw: i64,
}

/// `GET /api/v1/stats`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// Listed services now, by kind.
    pub services_by_kind: BTreeMap<String, u64>,
    /// The last 24 months, oldest first.
    pub services_listed_by_month: Vec<ListedMonth>,
    pub contracts: ContractStats,
    pub time_to_contract: TimeToContract,
    pub saas_share: SaasShare,
    pub vouchers: VoucherStats,
    /// The latest demand forecast that has opened (submitted answers only); `None` before the
    /// first.
    pub forecast: Option<crate::forecast::report::StatsForecast>,
    /// When the figures were taken (RFC 3339, UTC).
    pub generated_at: String,
}

fn by_kind_map(counts: &[u64]) -> BTreeMap<String, u64> {
    ServiceKind::ALL.iter().zip(counts).map(|(k, n)| (k.as_str().to_owned(), *n)).collect()
}

/// The statistics as of now.
pub async fn get(ctx: &Context) -> Result<Stats> {
    let today = ctx.clock().today();
    let months = months_ending(today, SERIES_MONTHS);
    let bounds = month_bounds(&months);
    let index = ctx.index();
    let hist = {
        let bounds = bounds.clone();
        tokio::task::spawn_blocking(move || index.listing_histogram(&bounds)).await.map_err(Error::internal)?.map_err(Error::internal)?
    };
    // hist[0]: before the first month; hist[1..=n]: each month; hist[n + 1]: after
    let kinds = ServiceKind::ALL.len();
    let listed_now: Vec<u64> = (0..kinds).map(|k| hist.iter().map(|b| b[k]).sum()).collect();
    let mut columns: Vec<Vec<u64>> = Vec::with_capacity(kinds);
    for k in 0..kinds {
        let per_month: Vec<u64> = hist[1..=months.len()].iter().map(|b| b[k]).collect();
        columns.push(running(hist[0][k], &per_month));
    }
    let services_listed_by_month = months
        .iter()
        .enumerate()
        .map(|(i, m)| ListedMonth {
            month: m.label(),
            new_by_kind: by_kind_map(&hist[i + 1]),
            total_by_kind: by_kind_map(&columns.iter().map(|c| c[i]).collect::<Vec<_>>()),
        })
        .collect();

    let groups = ctx.db().contract_groups().await?;
    let ids: Vec<String> = {
        let mut ids: Vec<String> = groups.iter().filter_map(|g| g.service_id.clone()).collect();
        ids.sort();
        ids.dedup();
        ids
    };
    let index = ctx.index();
    let kinds_of = tokio::task::spawn_blocking(move || index.kinds_of(&ids)).await.map_err(Error::internal)?.map_err(Error::internal)?;
    let mut contracts =
        ContractStats { count: 0, amount_krw: 0, by_kind: BTreeMap::new(), by_agency_kind: BTreeMap::new(), by_method: BTreeMap::new() };
    for g in &groups {
        contracts.count += g.count;
        contracts.amount_krw += g.amount_krw;
        contracts.by_method.entry(g.method.clone()).or_default().add(g.count, g.amount_krw);
        contracts.by_agency_kind.entry(g.agency_kind.clone()).or_default().add(g.count, g.amount_krw);
        let kind = g.service_id.as_ref().and_then(|id| kinds_of.get(id)).map_or("unknown", |k| k.as_str());
        contracts.by_kind.entry(kind.to_owned()).or_default().add(g.count, g.amount_krw);
    }

    let ttc = crate::buying::stats::time_to_contract(ctx, None, None, None).await?;
    let saas = contracts.by_kind.get(ServiceKind::Saas.as_str()).copied().unwrap_or_default();
    let listed_all: u64 = listed_now.iter().sum();
    let saas_listed = listed_now[ServiceKind::ALL.iter().position(|k| *k == ServiceKind::Saas).unwrap_or(0)];
    let v = ctx.db().voucher_totals().await?;
    Ok(Stats {
        services_by_kind: by_kind_map(&listed_now),
        services_listed_by_month,
        saas_share: SaasShare {
            services: share(saas_listed as i64, listed_all as i64),
            contracts: share(saas.count, contracts.count),
            amount: share(saas.amount_krw, contracts.amount_krw),
        },
        contracts,
        time_to_contract: TimeToContract {
            count: ttc.count,
            median_days: ttc.median_days,
            p90_days: ttc.p90_days,
            within_target: ttc.within_target,
            target_days: TARGET_DAYS,
        },
        vouchers: VoucherStats { programmes: v.programmes, granted_krw: v.granted_krw, reimbursed_krw: v.reimbursed_krw },
        forecast: crate::forecast::summary_for_stats(ctx).await?,
        generated_at: gureum_domain::clock::rfc3339_utc(ctx.clock().now_micros()),
    })
}

/// The statistics as CSV: one figure a row (`section,key,value`), the months' series by kind.
pub fn csv(s: &Stats) -> String {
    use crate::csv::csv_line;
    let mut out = String::new();
    csv_line(&mut out, &["section", "key", "value"]);
    let mut row = |section: &str, key: &str, value: String| csv_line(&mut out, &[section, key, &value]);
    for (k, n) in &s.services_by_kind {
        row("services_by_kind", k, n.to_string());
    }
    for m in &s.services_listed_by_month {
        for (k, n) in &m.new_by_kind {
            row("services_listed_by_month.new", &format!("{} {k}", m.month), n.to_string());
        }
        for (k, n) in &m.total_by_kind {
            row("services_listed_by_month.total", &format!("{} {k}", m.month), n.to_string());
        }
    }
    row("contracts", "count", s.contracts.count.to_string());
    row("contracts", "amount_krw", s.contracts.amount_krw.to_string());
    for (section, map) in [
        ("contracts.by_kind", &s.contracts.by_kind),
        ("contracts.by_agency_kind", &s.contracts.by_agency_kind),
        ("contracts.by_method", &s.contracts.by_method),
    ] {
        for (k, v) in map {
            row(section, &format!("{k} count"), v.count.to_string());
            row(section, &format!("{k} amount_krw"), v.amount_krw.to_string());
        }
    }
    let t = &s.time_to_contract;
    let opt = |v: Option<i64>| v.map(|d| d.to_string()).unwrap_or_default();
    row("time_to_contract", "count", t.count.to_string());
    row("time_to_contract", "median_days", opt(t.median_days));
    row("time_to_contract", "p90_days", opt(t.p90_days));
    row("time_to_contract", "within_target", t.within_target.to_string());
    row("time_to_contract", "target_days", t.target_days.to_string());
    row("saas_share", "services", s.saas_share.services.to_string());
    row("saas_share", "contracts", s.saas_share.contracts.to_string());
    row("saas_share", "amount", s.saas_share.amount.to_string());
    row("vouchers", "programmes", s.vouchers.programmes.to_string());
    row("vouchers", "granted_krw", s.vouchers.granted_krw.to_string());
    row("vouchers", "reimbursed_krw", s.vouchers.reimbursed_krw.to_string());
    if let Some(f) = &s.forecast {
        row("forecast", "year", f.year.to_string());
        row("forecast", "systems", f.systems.to_string());
        for (k, n) in &f.by_target_type {
            row("forecast.by_target_type", k, n.to_string());
        }
    }
    row("generated_at", "", s.generated_at.clone());
    out
}

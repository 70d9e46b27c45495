//! Spend and dashboards (SPEC §4 "Usage, invoices and post-management"; issue #24 points 3 and
//! 6): a contract's and a budget line's spend with its projections and the warnings sent, and the
//! caller's organisation's dashboard. Extract, call `gureum_app::usage::{spend, dashboard}`,
//! answer.

use super::super::schema::Uuid;
use crate::auth::{Auth, Rule};
use crate::error::{AppError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use gureum_app::usage::dashboard::{self, Dashboard};
use gureum_app::usage::spend::{self, Spend};
use gureum_domain::clock::rfc3339_utc;
use gureum_domain::usage::Quantity;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(contract_spend)).routes(routes!(budget_line_spend)).routes(routes!(get_dashboard))
}

/// Spend against a limit, in whole won.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpendView {
    /// A contract's cap, else its total; a budget line's amount.
    #[schema(minimum = 0)]
    pub limit_krw: i64,
    /// Totals of invoices issued, accepted, disputed or paid.
    #[schema(minimum = 0)]
    pub invoiced_krw: i64,
    /// Totals of draft invoices.
    #[schema(minimum = 0)]
    pub drafted_krw: i64,
    /// Invoiced plus drafted.
    #[schema(minimum = 0)]
    pub spent_krw: i64,
    /// The mean of the last (up to 3) invoiced months, a quarterly invoice counting a third per
    /// month, rounded half-up.
    #[schema(minimum = 0)]
    pub trend_krw_per_month: i64,
    /// Spent plus the trend for each month not yet invoiced up to the end of the current billing
    /// period.
    #[schema(minimum = 0)]
    pub projected_period_end_krw: i64,
    /// ... up to the end of the fiscal year (31 December, Asia/Seoul) or the contract's end if
    /// earlier.
    #[schema(minimum = 0)]
    pub projected_year_end_krw: i64,
    /// `projected_period_end_krw` as a whole percent of `limit_krw`, rounded down (100 for any
    /// spend against a limit of 0).
    #[schema(minimum = 0)]
    pub pct: i64,
    /// The thresholds (70, 90, 100) warned of so far, once each.
    pub warnings_sent: Vec<i64>,
}

impl From<Spend> for SpendView {
    fn from(s: Spend) -> Self {
        Self {
            limit_krw: s.limit_krw,
            invoiced_krw: s.invoiced_krw,
            drafted_krw: s.drafted_krw,
            spent_krw: s.spent_krw,
            trend_krw_per_month: s.trend_krw_per_month,
            projected_period_end_krw: s.projected_period_end_krw,
            projected_year_end_krw: s.projected_year_end_krw,
            pct: s.pct,
            warnings_sent: s.warnings_sent,
        }
    }
}

/// A contract's (or order's) spend against its cap (or total), with its projections (the
/// contract's parties).
#[utoipa::path(get, path = "/api/v1/contracts/{id}/spend", tag = "usage", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The contract's spend", body = SpendView),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found: no such contract among the caller's", body = ErrorBody),
    ))]
pub async fn contract_spend(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Json<SpendView>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    Ok(Json(spend::contract_spend(&state, p, &id).await?.into()))
}

/// A budget line's spend in its fiscal year: its contracts' invoices, each projected with its own
/// trend (the agency's buyers, budget officers and signatories).
#[utoipa::path(get, path = "/api/v1/budget-lines/{id}/spend", tag = "usage", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The line's spend", body = SpendView),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found: no such line in the caller's agency", body = ErrorBody),
    ))]
pub async fn budget_line_spend(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Json<SpendView>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    Ok(Json(spend::budget_line_spend(&state, p, &id).await?.into()))
}

/// Metered usage of one month and meter.
#[derive(Debug, Serialize, ToSchema)]
pub struct UsageMonthView {
    /// `"2026-11"` (Asia/Seoul).
    pub month: String,
    pub meter: String,
    /// The exact decimal sum, as a string.
    pub quantity: String,
}

/// Won invoiced in one month (a quarterly invoice a third per month; drafts included).
#[derive(Debug, Serialize, ToSchema)]
pub struct InvoicedMonthView {
    pub month: String,
    #[schema(minimum = 0)]
    pub total_krw: i64,
}

/// Invoices of one status.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceStateView {
    /// `draft`, `issued`, `accepted`, `disputed` or `paid`.
    pub status: String,
    #[schema(minimum = 0)]
    pub count: i64,
    #[schema(minimum = 0)]
    pub total_krw: i64,
}

/// An incident not yet ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpenIncidentView {
    #[schema(value_type = Uuid)]
    pub id: String,
    #[schema(value_type = Uuid)]
    pub service_id: String,
    pub service_code: String,
    /// RFC 3339, UTC.
    pub started_at: String,
    pub announced: bool,
    pub description: String,
}

/// A signed or active contract ending within 90 days.
#[derive(Debug, Serialize, ToSchema)]
pub struct EndingContractView {
    #[schema(value_type = Uuid)]
    pub id: String,
    /// What it is for (its first line's service).
    pub title: String,
    pub ends_on: String,
    #[schema(minimum = 0, maximum = 90)]
    pub days_left: i64,
    #[schema(minimum = 0)]
    pub total_krw: i64,
}

/// The caller's organisation's dashboard.
#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardView {
    /// `agency` or `supplier`.
    pub side: String,
    pub organisation: String,
    /// The last 12 months, oldest first (`"2026-11"`).
    pub months: Vec<String>,
    /// Metered usage by month and meter within those months.
    pub usage_by_month: Vec<UsageMonthView>,
    /// Won invoiced each of those months.
    pub invoiced_by_month: Vec<InvoicedMonthView>,
    /// Every status, with zeros.
    pub invoices_by_state: Vec<InvoiceStateView>,
    pub open_incidents: Vec<OpenIncidentView>,
    pub contracts_ending: Vec<EndingContractView>,
}

impl From<Dashboard> for DashboardView {
    fn from(d: Dashboard) -> Self {
        Self {
            side: d.whose.kind().to_owned(),
            organisation: d.org_name,
            months: d.months.iter().map(|m| m.key()).collect(),
            usage_by_month: d
                .usage
                .into_iter()
                .map(|u| UsageMonthView {
                    month: gureum_domain::usage::Month(u.month).key(),
                    meter: u.meter,
                    quantity: Quantity::from_micros(u.quantity_micros).to_decimal(),
                })
                .collect(),
            invoiced_by_month: d.invoiced.into_iter().map(|(m, t)| InvoicedMonthView { month: m.key(), total_krw: t }).collect(),
            invoices_by_state: d
                .invoices_by_state
                .into_iter()
                .map(|s| InvoiceStateView { status: s.status, count: s.count, total_krw: s.total_krw })
                .collect(),
            open_incidents: d
                .open_incidents
                .into_iter()
                .map(|i| OpenIncidentView {
                    id: i.id,
                    service_id: i.service_id,
                    service_code: i.service_code,
                    started_at: rfc3339_utc(i.started_at),
                    announced: i.announced,
                    description: i.description,
                })
                .collect(),
            contracts_ending: d
                .ending
                .into_iter()
                .map(|e| EndingContractView {
                    id: e.contract.id,
                    title: e.contract.title,
                    ends_on: e.contract.ends_on,
                    days_left: e.days_left,
                    total_krw: e.contract.total_krw,
                })
                .collect(),
        }
    }
}

/// The caller's organisation's dashboard: usage by month over the last 12 months (per meter and
/// in won), invoices by state, open incidents, contracts ending within 90 days (an agency's
/// buyers, budget officers and signatories; a supplier's people).
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "usage", security(("bearer" = [])),
    responses(
        (status = 200, description = "The dashboard", body = DashboardView),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: neither an agency's buyer, budget officer or signatory nor a supplier", body = ErrorBody),
    ))]
pub async fn get_dashboard(State(state): State<AppState>, auth: Auth) -> Result<Json<DashboardView>, AppError> {
    let p = auth.require(Rule::AnyRole(dashboard::VIEWERS))?;
    Ok(Json(dashboard::dashboard(&state, p).await?.into()))
}

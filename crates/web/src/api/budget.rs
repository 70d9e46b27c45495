//! Budget lines (예산 항목, SPEC §4 "Buying"): the agency's budget officer keeps them per fiscal
//! year; the agency's buyers, budget officers and signatories read them. Extract, call
//! `gureum_app::budget`, answer.

use super::review::body_value;
use super::schema::{Uuid, component, text};
use crate::auth::{Auth, Rule, request_id};
use crate::error::{AppError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use gureum_app::budget;
use gureum_domain::budget::{FISCAL_YEARS, MAX_AMOUNT_KRW, MAX_NAME_CHARS, available};
use gureum_storage::BudgetLine;
use serde::Serialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_lines, create_line)).routes(routes!(update_line))
}

/// A budget line with what is committed against it, spent, and still available.
#[derive(Debug, Serialize, ToSchema)]
pub struct BudgetLineView {
    #[schema(value_type = Uuid)]
    pub id: String,
    #[schema(minimum = 2000, maximum = 2100)]
    pub fiscal_year: i32,
    pub name: String,
    /// Whole won.
    #[schema(minimum = 0)]
    pub amount_krw: i64,
    /// Committed by contracts and delivery requests (whole won).
    #[schema(minimum = 0)]
    pub committed_krw: i64,
    /// Paid on invoices (whole won).
    #[schema(minimum = 0)]
    pub spent_krw: i64,
    /// The amount less what is committed.
    #[schema(minimum = 0)]
    pub available_krw: i64,
}

impl From<&BudgetLine> for BudgetLineView {
    fn from(l: &BudgetLine) -> Self {
        Self {
            id: l.id.clone(),
            fiscal_year: l.fiscal_year,
            name: l.name.clone(),
            amount_krw: l.amount_krw,
            committed_krw: l.committed_krw,
            spent_krw: l.spent_krw,
            available_krw: available(l.amount_krw, l.committed_krw),
        }
    }
}

fn amount() -> serde_json::Value {
    json!({"type": "integer", "minimum": 0, "maximum": MAX_AMOUNT_KRW, "description": "Whole won"})
}

component!(
    /// A new budget line.
    NewBudgetLineDoc,
    "NewBudgetLine",
    json!({
        "type": "object",
        "required": ["fiscal_year", "name", "amount_krw"],
        "properties": {
            "fiscal_year": {"type": "integer", "minimum": FISCAL_YEARS.start(), "maximum": FISCAL_YEARS.end()},
            "name": text(MAX_NAME_CHARS),
            "amount_krw": amount()
        }
    })
);

component!(
    /// A change of a budget line: any subset of its name and amount.
    BudgetLineChangeDoc,
    "BudgetLineChange",
    json!({
        "type": "object",
        "properties": {
            "name": text(MAX_NAME_CHARS),
            "amount_krw": amount()
        }
    })
);

#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LinesQuery {
    /// Only the lines of this fiscal year.
    #[param(value_type = Option<i32>, minimum = 2000, maximum = 2100)]
    pub fiscal_year: Option<String>,
}

/// The caller's agency's budget lines, newest fiscal year first (buyer, budget officer,
/// signatory).
#[utoipa::path(get, path = "/api/v1/budget-lines", tag = "buying", params(LinesQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "The lines", body = Vec<BudgetLineView>),
        (status = 400, description = "invalid_field: fiscal_year", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the agency's buyer, budget officer or signatory", body = ErrorBody),
    ))]
pub async fn list_lines(State(state): State<AppState>, auth: Auth, RawQuery(raw): RawQuery) -> Result<Json<Vec<BudgetLineView>>, AppError> {
    let p = auth.require(Rule::AnyRole(budget::READERS))?;
    let pairs = gureum_app::query::pairs(raw.as_deref());
    let years: Vec<&str> = pairs.iter().filter(|(k, _)| k == "fiscal_year").map(|(_, v)| v.as_str()).collect();
    if years.len() > 1 {
        return Err(AppError::new(gureum_app::Code::InvalidField, "fiscal_year: give it once"));
    }
    Ok(Json(budget::lines(&state, p, years.first().copied()).await?.iter().map(BudgetLineView::from).collect()))
}

/// Add a budget line (budget officer).
#[utoipa::path(post, path = "/api/v1/budget-lines", tag = "buying", request_body = NewBudgetLineDoc, security(("bearer" = [])),
    responses(
        (status = 201, description = "Added", body = BudgetLineView),
        (status = 400, description = "invalid_body, invalid_field", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not a budget officer", body = ErrorBody),
        (status = 409, description = "budget_line_exists: that name in that fiscal year", body = ErrorBody),
    ))]
pub async fn create_line(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<BudgetLineView>), AppError> {
    let p = auth.require(Rule::AnyRole(budget::KEEPER))?;
    let line = budget::create(&state, p, &body_value(&body)?, request_id(&headers)).await?;
    Ok((StatusCode::CREATED, Json((&line).into())))
}

/// Change a budget line's name or amount (budget officer); never below what is committed.
#[utoipa::path(patch, path = "/api/v1/budget-lines/{id}", tag = "buying", request_body = BudgetLineChangeDoc, security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "Changed", body = BudgetLineView),
        (status = 400, description = "invalid_id, invalid_body, invalid_field", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not a budget officer", body = ErrorBody),
        (status = 404, description = "not_found: no such line in the caller's agency", body = ErrorBody),
        (status = 409, description = "below_committed, budget_line_exists", body = ErrorBody),
    ))]
pub async fn update_line(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<BudgetLineView>, AppError> {
    let p = auth.require(Rule::AnyRole(budget::KEEPER))?;
    let line = budget::update(&state, p, &id, &body_value(&body)?, request_id(&headers)).await?;
    Ok(Json((&line).into()))
}

//! Pages of use after the contract: usage uploads, invoices, incidents, ratings and the
//! agency's and supplier's dashboards.

mod dashboard;
mod incidents;
mod invoices;
pub(crate) mod ratings;
mod records;

use crate::state::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(records::routes())
        .merge(invoices::routes())
        .merge(incidents::routes())
        .merge(ratings::routes())
        .merge(dashboard::routes())
}

//! The API of use after the contract (SPEC §4 "Usage, invoices and post-management"): usage
//! batches, invoices, incidents, ratings, spend and dashboards.

pub mod dashboard;
pub mod incidents;
pub mod invoices;
pub mod ratings;
pub mod records;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(records::routes())
        .merge(invoices::routes())
        .merge(incidents::routes())
        .merge(ratings::routes())
        .merge(dashboard::routes())
}

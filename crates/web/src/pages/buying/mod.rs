//! Buying's pages (SPEC §4 "Buying"): the buyer's projects with their searches, short lists and
//! decision records (printable on A4), quote requests and answers, contracts with their text and
//! acceptance, amendments and the end, PPS catalog contracts and delivery requests, and each
//! party's worklist. Everything is read and changed through `gureum_app::buying`; every form
//! posts with `_csrf` and works without JavaScript.

mod catalog;
mod contract_words;
mod contracts;
mod orders;
mod projects;
mod quotes;
mod records;
mod words;
mod worklist;

use crate::state::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(projects::routes())
        .merge(records::routes())
        .merge(quotes::routes())
        .merge(worklist::routes())
        .merge(contracts::routes())
        .merge(orders::routes())
        .merge(catalog::routes())
}

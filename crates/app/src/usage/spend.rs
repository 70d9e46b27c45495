//! (filled by the spend work of issue #24)

use crate::context::Context;
use crate::error::Result;

/// Sends the spend warnings now due (the leased spend-warnings job). Answers how many things it did.
pub async fn run_job(_ctx: &Context) -> Result<usize> {
    Ok(0)
}

//! Whether a service can be ordered today and why not (docs/RULES.md#orderable): the domain's
//! rule, given the service's public revision, its status and its supplier's debarment in force
//! today (the injectable clock's Asia/Seoul date).

use crate::context::Context;
use crate::error::Result;
pub use gureum_domain::orderable::NotOrderable;
use gureum_domain::orderable::{Facts, not_orderable};
use gureum_storage::ServiceRecord;

/// What the rules look at of a service today: its status, kind, certification, selection and
/// whether a debarment of its supplier is in force.
pub async fn facts<'a>(ctx: &Context, rec: &'a ServiceRecord) -> Result<Facts<'a>> {
    let debarred = ctx.db().debarment_in_force(&rec.supplier.id, ctx.clock().today()).await?.is_some();
    Ok(Facts {
        status: rec.status,
        kind: rec.listing.kind,
        certification: rec.listing.certification.as_ref(),
        selection_valid_to: rec.listing.selection_valid_to,
        supplier_debarred: debarred,
    })
}

/// Every reason the service cannot be ordered today; empty when it can.
pub async fn reasons(ctx: &Context, rec: &ServiceRecord) -> Result<Vec<NotOrderable>> {
    Ok(not_orderable(facts(ctx, rec).await?, ctx.clock().today()))
}

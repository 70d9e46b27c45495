//! Use after the contract (issue #24; SPEC §3 "Usage and billing", "Post-management"; SPEC §4
//! "Usage, invoices and post-management"): metered usage reported by suppliers' machines,
//! invoices per billing period, spend against caps and budget lines with warnings, incidents and
//! SLA credits, ratings, and the dashboards that show them.

pub mod dashboard;
pub mod incidents;
pub mod invoices;
pub mod ratings;
pub mod records;
pub mod spend;

//! Gureum's use cases: one module per capability, each a set of functions that take the
//! [`Context`] (database, index, clock, documents) and the acting [`Principal`], ask the domain
//! what is allowed, write the change and its audit event in one transaction, and return a domain
//! value or an [`Error`] with a stable [`Code`]. No HTTP types live here: the web edge, the pages,
//! the CLI and the jobs call the same functions, so they accept and refuse exactly the same things.

pub mod accounts;
pub mod actor;
pub mod audit;
pub mod body;
pub mod budget;
pub mod buying;
pub mod catalog;
pub mod context;
pub mod csv;
pub mod debarments;
pub mod documents;
pub mod error;
pub mod forecast;
pub mod ids;
pub mod index;
pub mod jobs;
pub mod lifecycle;
pub mod masking;
pub mod metrics;
pub mod notifications;
pub mod notify;
pub mod ocds;
pub mod orderable;
pub mod profile;
pub mod query;
pub mod review;
pub mod revisions;
pub mod secrets;
pub mod stats;
pub mod throttle;
pub mod usage;
pub mod voucher;

pub use actor::{Principal, Rule};
pub use context::Context;
pub use error::{Code, Error, Result};

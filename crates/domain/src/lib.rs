//! Gureum's domain: the pure rules of the digital-service marketplace (디지털서비스 전문계약제도).
//!
//! Nothing here performs I/O or knows about SQL or HTTP. Values are parsed at the edge into
//! types that cannot hold an invalid state ("parse, don't validate"). The rules themselves are
//! written out in docs/RULES.md, which the modules cite.

pub mod account;
pub mod account_status;
pub mod audit;
pub mod billing;
pub mod bizno;
pub mod budget;
pub mod buying;
pub mod calendar;
pub mod canonical;
pub mod cert;
pub mod change;
pub mod clock;
pub mod code;
pub mod debarment;
pub mod fair;
pub mod forecast;
pub mod json;
pub mod kind;
pub mod lifecycle;
pub mod listing;
pub mod money;
pub mod notice;
pub mod ocds;
pub mod orderable;
pub mod patch;
pub mod review;
pub mod revision;
pub mod spend;
pub mod stats;
pub mod status;
pub mod usage;
pub mod voucher;

pub use account_status::{OrgStatus, UserStatus};
pub use bizno::BusinessNumber;
pub use cert::{CertType, Certification, CsapGrade};
pub use clock::Clock;
pub use code::ServiceCode;
pub use kind::ServiceKind;
pub use listing::{FieldError, Listing, PricePlan, Sla, SupplierRef};
pub use money::Krw;
pub use revision::RevisionState;
pub use status::ServiceStatus;

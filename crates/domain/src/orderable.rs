//! Whether a service can be ordered today, and why not (docs/RULES.md#orderable), worked out
//! when asked with the clock: no job has to run at midnight for the answer to be right. Buying
//! will enforce the same reasons (SPEC §4 "Buying": 409 `not_orderable` with one of them).

use crate::cert::Certification;
use crate::review::needs_certificate;
use crate::{ServiceKind, ServiceStatus};
use time::Date;

/// Why a service cannot be ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NotOrderable {
    /// Not a public service (a draft, rejected, cancelled or withdrawn one).
    NotListed,
    /// A cloud service (IaaS, PaaS, SaaS, DaaS) without a certification valid today: none, or
    /// one that has not begun.
    CertificationMissing,
    /// Its certification ended (or was revoked).
    CertificationExpired,
    /// Suspended (판매중지).
    ServiceSuspended,
    /// Its selection period ended (expired, or past `selection_valid_to`).
    SelectionExpired,
    /// Its supplier is debarred today (부정당업자 제재).
    SupplierDebarred,
}

impl NotOrderable {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotListed => "not_listed",
            Self::CertificationMissing => "certification_missing",
            Self::CertificationExpired => "certification_expired",
            Self::ServiceSuspended => "service_suspended",
            Self::SelectionExpired => "selection_expired",
            Self::SupplierDebarred => "supplier_debarred",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|n| n.as_str() == s)
    }

    pub const ALL: [NotOrderable; 6] = [
        Self::NotListed,
        Self::CertificationMissing,
        Self::CertificationExpired,
        Self::ServiceSuspended,
        Self::SelectionExpired,
        Self::SupplierDebarred,
    ];

    pub fn label_ko(self) -> &'static str {
        match self {
            Self::NotListed => "등록된 서비스가 아닙니다",
            Self::CertificationMissing => "유효한 보안인증이 없습니다",
            Self::CertificationExpired => "보안인증 기간이 끝났습니다",
            Self::ServiceSuspended => "판매중지된 서비스입니다",
            Self::SelectionExpired => "선정 기간이 끝났습니다",
            Self::SupplierDebarred => "제공기업이 부정당업자 제재 중입니다",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::NotListed => "the service is not listed",
            Self::CertificationMissing => "no valid security certification",
            Self::CertificationExpired => "the security certification has ended",
            Self::ServiceSuspended => "the service is suspended",
            Self::SelectionExpired => "the selection period has ended",
            Self::SupplierDebarred => "the supplier is debarred",
        }
    }
}

/// What the answer looks at.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    pub status: ServiceStatus,
    pub kind: ServiceKind,
    pub certification: Option<&'a Certification>,
    pub selection_valid_to: Option<Date>,
    /// A debarment of its supplier is in force today.
    pub supplier_debarred: bool,
}

/// Every reason the service cannot be ordered on `today`, in a fixed order; empty when it can.
pub fn not_orderable(f: Facts<'_>, today: Date) -> Vec<NotOrderable> {
    let mut out = Vec::new();
    match f.status {
        ServiceStatus::Listed => {}
        ServiceStatus::Suspended => out.push(NotOrderable::ServiceSuspended),
        ServiceStatus::Expired => out.push(NotOrderable::SelectionExpired),
        _ => out.push(NotOrderable::NotListed),
    }
    if f.selection_valid_to.is_some_and(|end| today > end) && !out.contains(&NotOrderable::SelectionExpired) {
        out.push(NotOrderable::SelectionExpired);
    }
    if needs_certificate(f.kind) {
        match f.certification {
            None => out.push(NotOrderable::CertificationMissing),
            Some(c) if c.revoked || today > c.valid_to => out.push(NotOrderable::CertificationExpired),
            Some(c) if today < c.valid_from => out.push(NotOrderable::CertificationMissing),
            Some(_) => {}
        }
    }
    if f.supplier_debarred {
        out.push(NotOrderable::SupplierDebarred);
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::{CertType, CsapGrade};
    use NotOrderable as N;
    use time::macros::date;

    fn cert(from: Date, to: Date) -> Certification {
        Certification {
            scheme: "CSAP".into(),
            issuer: None,
            cert_type: CertType::Standard,
            grade: CsapGrade::Low,
            number: "CSAP-1".into(),
            valid_from: from,
            valid_to: to,
            scope: None,
            host_infra: None,
            revoked: false,
        }
    }

    #[test]
    fn reasons() {
        let c = cert(date!(2024 - 01 - 01), date!(2026 - 11 - 23));
        let f = Facts {
            status: ServiceStatus::Listed,
            kind: ServiceKind::Saas,
            certification: Some(&c),
            selection_valid_to: Some(date!(2027 - 01 - 31)),
            supplier_debarred: false,
        };
        assert_eq!(not_orderable(f, date!(2026 - 11 - 23)), [], "the certificate's last day is still valid");
        assert_eq!(not_orderable(f, date!(2026 - 11 - 24)), [N::CertificationExpired]);
        assert_eq!(not_orderable(f, date!(2023 - 12 - 31)), [N::CertificationMissing], "not begun");
        assert_eq!(not_orderable(Facts { certification: None, ..f }, date!(2026 - 01 - 01)), [N::CertificationMissing]);
        assert_eq!(
            not_orderable(Facts { certification: None, kind: ServiceKind::Support, ..f }, date!(2026 - 01 - 01)),
            [],
            "a support service needs no certificate"
        );
        let mut revoked = c.clone();
        revoked.revoked = true;
        assert_eq!(not_orderable(Facts { certification: Some(&revoked), ..f }, date!(2026 - 01 - 01)), [N::CertificationExpired]);
        assert_eq!(not_orderable(f, date!(2027 - 02 - 01)), [N::CertificationExpired, N::SelectionExpired], "no job needed");
        assert_eq!(
            not_orderable(Facts { status: ServiceStatus::Expired, ..f }, date!(2027 - 02 - 01)),
            [N::CertificationExpired, N::SelectionExpired],
            "said once"
        );
        assert_eq!(
            not_orderable(Facts { status: ServiceStatus::Suspended, supplier_debarred: true, ..f }, date!(2026 - 01 - 01)),
            [N::ServiceSuspended, N::SupplierDebarred]
        );
        assert_eq!(not_orderable(Facts { status: ServiceStatus::Draft, ..f }, date!(2026 - 01 - 01)), [N::NotListed]);
        assert_eq!(not_orderable(Facts { selection_valid_to: None, ..f }, date!(2026 - 01 - 01)), []);
    }

    #[test]
    fn codes_are_the_specs() {
        let codes: Vec<&str> = NotOrderable::ALL.iter().map(|n| n.as_str()).collect();
        for spec in ["certification_missing", "certification_expired", "service_suspended", "selection_expired", "supplier_debarred"] {
            assert!(codes.contains(&spec), "{spec}");
        }
        for n in NotOrderable::ALL {
            assert_eq!(NotOrderable::parse(n.as_str()), Some(n));
            assert!(!n.label_ko().is_empty() && !n.label_en().is_empty());
        }
    }
}

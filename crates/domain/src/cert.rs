//! Certifications (보안인증). Generic, because CSAP is due to merge into one NIS verification in
//! 2027; CSAP's types and grades are the ones validated today (docs/RULES.md#certificates).

use serde::{Deserialize, Serialize};
use time::Date;

/// CSAP certification types: IaaS, SaaS 표준 (standard), SaaS 간편 (simplified), DaaS, PaaS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CertType {
    Iaas,
    Standard,
    Simplified,
    Daas,
    Paas,
}

impl CertType {
    pub const ALL: [CertType; 5] = [Self::Iaas, Self::Standard, Self::Simplified, Self::Daas, Self::Paas];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Iaas => "iaas",
            Self::Standard => "standard",
            Self::Simplified => "simplified",
            Self::Daas => "daas",
            Self::Paas => "paas",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            Self::Iaas => "IaaS",
            Self::Standard => "SaaS 표준등급",
            Self::Simplified => "SaaS 간편등급",
            Self::Daas => "DaaS",
            Self::Paas => "PaaS",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Iaas => "IaaS",
            Self::Standard => "SaaS standard",
            Self::Simplified => "SaaS simplified",
            Self::Daas => "DaaS",
            Self::Paas => "PaaS",
        }
    }
}

/// CSAP grades 상/중/하.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CsapGrade {
    Low,
    Medium,
    High,
}

impl CsapGrade {
    pub const ALL: [CsapGrade; 3] = [Self::High, Self::Medium, Self::Low];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low => "low",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            Self::High => "상",
            Self::Medium => "중",
            Self::Low => "하",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::High => "High",
            Self::Medium => "Medium",
            Self::Low => "Low",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Certification {
    pub scheme: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(rename = "type")]
    pub cert_type: CertType,
    pub grade: CsapGrade,
    pub number: String,
    #[serde(with = "date_str")]
    pub valid_from: Date,
    /// Inclusive (Asia/Seoul date).
    #[serde(with = "date_str")]
    pub valid_to: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The IaaS this service runs on: a service code when it is listed here, else a name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_infra: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub revoked: bool,
}

impl Certification {
    /// Valid on a Seoul date: `valid_from ≤ day ≤ valid_to` and not revoked.
    pub fn valid_on(&self, day: Date) -> bool {
        !self.revoked && self.valid_from <= day && day <= self.valid_to
    }

    /// Days from `day` until the last valid day (negative once expired).
    pub fn days_left(&self, day: Date) -> i64 {
        (self.valid_to - day).whole_days()
    }
}

/// How a certificate stands on a given day, for warnings on pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertStanding {
    NotYetValid,
    Valid,
    /// Valid, but ends within 90 days.
    ExpiringSoon(i64),
    Expired,
    Revoked,
}

pub fn standing(cert: &Certification, day: Date) -> CertStanding {
    if cert.revoked {
        CertStanding::Revoked
    } else if day < cert.valid_from {
        CertStanding::NotYetValid
    } else if day > cert.valid_to {
        CertStanding::Expired
    } else {
        let left = cert.days_left(day);
        if left <= 90 { CertStanding::ExpiringSoon(left) } else { CertStanding::Valid }
    }
}

/// The effective grade on `day`: when the host IaaS is listed here, its valid-today grade (or
/// none); otherwise the service's own grade.
pub fn effective_grade(own: &Certification, host: Option<&Certification>, host_listed_here: bool, day: Date) -> Option<CsapGrade> {
    if host_listed_here { host.filter(|h| h.valid_on(day)).map(|h| h.grade) } else { Some(own.grade) }
}

pub(crate) mod date_str {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::clock::format_date(*d))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        crate::clock::parse_date(&s).ok_or_else(|| serde::de::Error::custom("expected YYYY-MM-DD"))
    }
}

pub(crate) mod opt_date_str {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&crate::clock::format_date(*d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        let s = Option::<String>::deserialize(d)?;
        match s {
            None => Ok(None),
            Some(s) => crate::clock::parse_date(&s).map(Some).ok_or_else(|| serde::de::Error::custom("expected YYYY-MM-DD")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn cert(from: Date, to: Date) -> Certification {
        Certification {
            scheme: "CSAP".into(),
            issuer: None,
            cert_type: CertType::Standard,
            grade: CsapGrade::Low,
            number: "CSAP-2024-001".into(),
            valid_from: from,
            valid_to: to,
            scope: None,
            host_infra: None,
            revoked: false,
        }
    }

    #[test]
    fn validity_is_inclusive() {
        let c = cert(date!(2024 - 01 - 01), date!(2026 - 11 - 23));
        assert!(c.valid_on(date!(2026 - 11 - 23)));
        assert!(!c.valid_on(date!(2026 - 11 - 24)));
        assert!(c.valid_on(date!(2024 - 01 - 01)));
        assert!(!c.valid_on(date!(2023 - 12 - 31)));
        assert_eq!(standing(&c, date!(2026 - 11 - 23)), CertStanding::ExpiringSoon(0));
        assert_eq!(standing(&c, date!(2026 - 11 - 24)), CertStanding::Expired);
        let mut r = c.clone();
        r.revoked = true;
        assert!(!r.valid_on(date!(2025 - 01 - 01)));
    }

    #[test]
    fn grade_follows_a_listed_host() {
        let own = cert(date!(2024 - 01 - 01), date!(2029 - 01 - 01));
        let mut host = cert(date!(2024 - 01 - 01), date!(2027 - 01 - 01));
        host.grade = CsapGrade::High;
        let day = date!(2026 - 11 - 23);
        assert_eq!(effective_grade(&own, Some(&host), true, day), Some(CsapGrade::High));
        assert_eq!(effective_grade(&own, Some(&host), false, day), Some(CsapGrade::Low));
        assert_eq!(effective_grade(&own, Some(&host), true, date!(2027 - 06 - 01)), None);
    }
}

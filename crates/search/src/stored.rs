//! The stored blob of a service: what a result item needs, no database required.

use crate::model::{CertFacts, CsapBrief, Hit, SearchDoc, SupplierBrief};
use gureum_domain::clock::{epoch_day, format_date, from_epoch_day};
use gureum_domain::{CertType, CsapGrade, ServiceKind, ServiceStatus};
use serde::{Deserialize, Serialize};
use time::Date;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredCert {
    pub cert_type: CertType,
    pub grade: CsapGrade,
    /// Epoch days, inclusive.
    pub from: i64,
    pub to: i64,
    pub revoked: bool,
}

impl StoredCert {
    fn from_facts(c: &CertFacts) -> Self {
        Self { cert_type: c.cert_type, grade: c.grade, from: epoch_day(c.valid_from), to: epoch_day(c.valid_to), revoked: c.revoked }
    }

    fn valid_on(&self, day: i64) -> bool {
        !self.revoked && self.from <= day && day <= self.to
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stored {
    pub id: String,
    pub code: String,
    pub name: String,
    pub supplier_id: String,
    pub supplier_name: String,
    pub kind: ServiceKind,
    pub category: String,
    pub tags: Vec<String>,
    pub summary: String,
    pub price_from_krw: Option<i64>,
    pub status: ServiceStatus,
    pub cert: Option<StoredCert>,
    pub host_listed: bool,
    pub host_cert: Option<StoredCert>,
    /// Average × 100 and count of its ratings (absent in blobs written before ratings).
    #[serde(default)]
    pub rating_x100: Option<i64>,
    #[serde(default)]
    pub rating_count: u32,
}

impl Stored {
    pub fn from_doc(d: &SearchDoc) -> Self {
        Self {
            id: d.id.clone(),
            code: d.code.clone(),
            name: d.name.clone(),
            supplier_id: d.supplier_id.clone(),
            supplier_name: d.supplier_name.clone(),
            kind: d.kind,
            category: d.category.clone(),
            tags: d.tags.clone(),
            summary: d.summary.clone(),
            price_from_krw: d.price_from_krw,
            status: d.status,
            cert: d.cert.as_ref().map(StoredCert::from_facts),
            host_listed: d.host_listed,
            host_cert: d.host_cert.as_ref().map(StoredCert::from_facts),
            rating_x100: d.rating_x100,
            rating_count: d.rating_count,
        }
    }

    /// The result item on `today`: `csap` is its own certificate, its grade the effective grade
    /// when the certificate is valid today, else the certificate's own grade.
    pub fn into_hit(self, today: Date) -> Hit {
        let day = epoch_day(today);
        let csap = self.cert.as_ref().map(|c| {
            let grade = if c.valid_on(day) {
                if self.host_listed { self.host_cert.as_ref().filter(|h| h.valid_on(day)).map(|h| h.grade) } else { Some(c.grade) }
            } else {
                Some(c.grade)
            };
            CsapBrief { cert_type: c.cert_type.as_str(), grade: grade.map(CsapGrade::as_str), valid_to: format_date(from_epoch_day(c.to)) }
        });
        Hit {
            id: self.id,
            code: self.code,
            name: self.name,
            supplier: SupplierBrief { id: self.supplier_id, name: self.supplier_name },
            kind: self.kind.as_str(),
            category: self.category,
            tags: self.tags,
            summary: self.summary,
            price_from_krw: self.price_from_krw,
            csap,
            status: self.status.as_str(),
            rating: match (self.rating_x100, self.rating_count) {
                (Some(x), n) if n > 0 => Some(crate::model::RatingBrief { average: x as f64 / 100.0, count: n }),
                _ => None,
            },
        }
    }
}

//! The catalog: suppliers, services and their revisions, read for pages, exports and indexes.

use crate::{Db, Result, StorageError, WriteTx};
use gureum_domain::audit::sha256_hex;
use gureum_domain::listing::{ImportLine, SupplierRef, SupplierSize};
use gureum_domain::{BusinessNumber, Certification, Listing, ServiceCode, ServiceStatus};
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, PartialEq)]
pub struct SupplierRecord {
    pub id: String,
    pub business_number: String,
    pub name: String,
    pub size: SupplierSize,
    pub representative: Option<String>,
    pub address: Option<String>,
    pub created_at: i64,
}

/// A service with the revision a reader should see.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceRecord {
    pub id: String,
    pub code: String,
    pub status: ServiceStatus,
    pub status_reason: Option<String>,
    pub supplier: SupplierRecord,
    /// The public (listed) revision, or the latest when none was ever listed.
    pub revision: i64,
    pub revision_created_at: i64,
    pub latest_revision: i64,
    pub public_revision: Option<i64>,
    pub first_listed_at: Option<i64>,
    pub listing: Listing,
}

/// What an index needs of one service: its record and, when its host IaaS is listed here, that
/// host's certification.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexSource {
    pub record: ServiceRecord,
    pub host_listed: bool,
    pub host_cert: Option<Certification>,
    /// Its ratings (#24): the index keeps their average for `sort=rating` and search items.
    pub rating: crate::RatingSummary,
}

/// One listed service in export form.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    pub line: ImportLine,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    Imported,
    Revised,
    Unchanged,
}

pub enum ServiceKey<'a> {
    Id(&'a str),
    Code(&'a str),
}

pub(crate) const SERVICE_COLUMNS: &str = "s.id, s.code, s.status, s.status_reason, s.public_revision, s.latest_revision, s.first_listed_at, \
     r.revision, r.content, r.created_at AS revision_created_at, \
     p.id AS supplier_id, p.business_number, p.name AS supplier_name, p.size AS supplier_size, p.representative, p.address, p.created_at AS supplier_created_at";

pub(crate) const SERVICE_FROM: &str = "FROM services s \
     JOIN service_revisions r ON r.service_id = s.id AND r.revision = COALESCE(s.public_revision, s.latest_revision) \
     JOIN suppliers p ON p.id = s.supplier_id";

/// A result row read by column name: the pool's rows and the bulk SQLite connection's rows map
/// to records through the same functions.
pub(crate) trait Columns {
    fn string(&self, name: &str) -> Result<String>;
    fn opt_string(&self, name: &str) -> Result<Option<String>>;
    fn int(&self, name: &str) -> Result<i64>;
    fn opt_int(&self, name: &str) -> Result<Option<i64>>;
}

/// Both row types read a typed column by name with one method (`try_get` / `get`).
macro_rules! columns_through {
    ($row:ty, $get:ident) => {
        impl Columns for $row {
            fn string(&self, name: &str) -> Result<String> {
                Ok(self.$get(name)?)
            }
            fn opt_string(&self, name: &str) -> Result<Option<String>> {
                Ok(self.$get(name)?)
            }
            fn int(&self, name: &str) -> Result<i64> {
                Ok(self.$get(name)?)
            }
            fn opt_int(&self, name: &str) -> Result<Option<i64>> {
                Ok(self.$get(name)?)
            }
        }
    };
}
columns_through!(AnyRow, try_get);
columns_through!(rusqlite::Row<'_>, get);

fn supplier_from_row(row: &impl Columns, prefix: bool) -> Result<SupplierRecord> {
    let col = |c: &'static str, p: &'static str| if prefix { p } else { c };
    let size_s = row.string(col("size", "supplier_size"))?;
    Ok(SupplierRecord {
        id: row.string(col("id", "supplier_id"))?,
        business_number: row.string("business_number")?,
        name: row.string(col("name", "supplier_name"))?,
        size: SupplierSize::parse(&size_s).ok_or_else(|| StorageError::Corrupt(format!("supplier size {size_s}")))?,
        representative: row.opt_string("representative")?,
        address: row.opt_string("address")?,
        created_at: row.int(col("created_at", "supplier_created_at"))?,
    })
}

pub(crate) fn service_from_row(row: &impl Columns) -> Result<ServiceRecord> {
    let status_s = row.string("status")?;
    let content = row.string("content")?;
    let id = row.string("id")?;
    Ok(ServiceRecord {
        status: ServiceStatus::parse(&status_s).ok_or_else(|| StorageError::Corrupt(format!("status {status_s}")))?,
        status_reason: row.opt_string("status_reason")?,
        code: row.string("code")?,
        supplier: supplier_from_row(row, true)?,
        revision: row.int("revision")?,
        revision_created_at: row.int("revision_created_at")?,
        latest_revision: row.int("latest_revision")?,
        public_revision: row.opt_int("public_revision")?,
        first_listed_at: row.opt_int("first_listed_at")?,
        listing: Listing::from_json(&content).map_err(|e| StorageError::Corrupt(format!("revision of {id}: {e}")))?,
        id,
    })
}

impl Db {
    pub async fn service(&self, key: ServiceKey<'_>) -> Result<Option<ServiceRecord>> {
        let (cond, val) = match key {
            ServiceKey::Id(id) => ("s.id = $1", id),
            ServiceKey::Code(code) => ("s.code = $1", code),
        };
        let sql = format!("SELECT {SERVICE_COLUMNS} {SERVICE_FROM} WHERE {cond}");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(val).fetch_optional(&self.pool).await?;
        row.as_ref().map(service_from_row).transpose()
    }

    pub async fn supplier(&self, id: &str) -> Result<Option<SupplierRecord>> {
        let row = sqlx::query("SELECT id, business_number, name, size, representative, address, created_at FROM suppliers WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(|r| supplier_from_row(r, false)).transpose()
    }

    /// Services of a supplier with the given statuses, by code.
    pub async fn supplier_services(&self, supplier_id: &str, statuses: &[ServiceStatus]) -> Result<Vec<ServiceRecord>> {
        let sql = format!("SELECT {SERVICE_COLUMNS} {SERVICE_FROM} WHERE s.supplier_id = $1 ORDER BY s.code");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(supplier_id).fetch_all(&self.pool).await?;
        let mut out = Vec::new();
        for row in &rows {
            let rec = service_from_row(row)?;
            if statuses.contains(&rec.status) {
                out.push(rec);
            }
        }
        Ok(out)
    }

    pub async fn count_all_services(&self) -> Result<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM services").fetch_one(&self.pool).await?;
        Ok(row.try_get("n")?)
    }

    pub async fn count_services(&self, status: ServiceStatus) -> Result<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM services WHERE status = $1").bind(status.as_str()).fetch_one(&self.pool).await?;
        Ok(row.try_get("n")?)
    }

    /// Listed services in export form, in code order, `limit` at a time after `after_code`.
    pub async fn export_batch(&self, after_code: &str, limit: i64) -> Result<Vec<ExportRow>> {
        let sql = format!("SELECT {SERVICE_COLUMNS} {SERVICE_FROM} WHERE s.status = $1 AND s.code > $2 ORDER BY s.code LIMIT $3");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(ServiceStatus::Listed.as_str())
            .bind(after_code)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let rec = service_from_row(row)?;
                let bn = BusinessNumber::parse(&rec.supplier.business_number)
                    .map_err(|_| StorageError::Corrupt(format!("business number of supplier {}", rec.supplier.id)))?;
                Ok(ExportRow {
                    line: ImportLine {
                        supplier: SupplierRef { name: rec.supplier.name, business_number: bn.formatted(), size: rec.supplier.size },
                        business_number: bn,
                        status: rec.status,
                        listing: rec.listing,
                    },
                })
            })
            .collect()
    }

    /// The latest change-feed sequence (0 when empty).
    pub async fn max_change_seq(&self) -> Result<i64> {
        let row = sqlx::query("SELECT COALESCE(MAX(seq), 0) AS m FROM catalog_changes").fetch_one(&self.pool).await?;
        Ok(row.try_get("m")?)
    }

    /// Change-feed entries after `seq`, oldest first.
    pub async fn changes_after(&self, seq: i64, limit: i64) -> Result<Vec<(i64, String)>> {
        let rows = sqlx::query("SELECT seq, service_id FROM catalog_changes WHERE seq > $1 ORDER BY seq LIMIT $2")
            .bind(seq)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((r.try_get("seq")?, r.try_get("service_id")?))).collect()
    }

    /// Index sources for the given services (missing ids are left out).
    pub async fn index_sources(&self, ids: &[String]) -> Result<Vec<IndexSource>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!("SELECT {SERVICE_COLUMNS} {SERVICE_FROM} WHERE s.id IN ({})", placeholders.join(","));
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                q = q.bind(id);
            }
            let rows = q.fetch_all(&self.pool).await?;
            let records = rows.iter().map(service_from_row).collect::<Result<Vec<_>>>()?;
            out.extend(self.with_hosts(records).await?);
        }
        Ok(out)
    }

    /// Every service in id order, `limit` at a time after `after_id` (for a full rebuild).
    pub async fn index_sources_batch(&self, after_id: &str, limit: i64) -> Result<Vec<IndexSource>> {
        let rows = sqlx::query(INDEX_SOURCES_SQL).bind(after_id).bind(limit).fetch_all(&self.pool).await?;
        let records = rows.iter().map(service_from_row).collect::<Result<Vec<_>>>()?;
        self.with_hosts(records).await
    }

    async fn with_hosts(&self, records: Vec<ServiceRecord>) -> Result<Vec<IndexSource>> {
        let codes = host_codes(&records);
        let mut hosts = HostCerts::new();
        for chunk in codes.chunks(500) {
            let placeholders: Vec<String> = (2..=chunk.len() + 1).map(|i| format!("${i}")).collect();
            let sql = format!("{HOSTS_SQL} IN ({})", placeholders.join(","));
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(ServiceStatus::Listed.as_str());
            for c in chunk {
                q = q.bind(*c);
            }
            for row in q.fetch_all(&self.pool).await? {
                add_host(&mut hosts, row.try_get("code")?, &row.try_get::<String, _>("content")?)?;
            }
        }
        let mut sources = with_host_certs(records, &hosts);
        let ids: Vec<String> = sources.iter().map(|s| s.record.id.clone()).collect();
        let ratings = self.rating_summaries(&ids).await?;
        for s in &mut sources {
            s.rating = ratings.get(&s.record.id).copied().unwrap_or_default();
        }
        Ok(sources)
    }
}

/// Index sources in id order after `$1`, `$2` at a time.
pub(crate) const INDEX_SOURCES_SQL: &str = "SELECT s.id, s.code, s.status, s.status_reason, s.public_revision, s.latest_revision, \
     s.first_listed_at, r.revision, r.content, r.created_at AS revision_created_at, p.id AS supplier_id, p.business_number, \
     p.name AS supplier_name, p.size AS supplier_size, p.representative, p.address, p.created_at AS supplier_created_at \
     FROM services s JOIN service_revisions r ON r.service_id = s.id AND r.revision = COALESCE(s.public_revision, s.latest_revision) \
     JOIN suppliers p ON p.id = s.supplier_id WHERE s.id > $1 ORDER BY s.id LIMIT $2";
/// The listed services among codes (`$1` is the listed status; the codes follow `IN`).
pub(crate) const HOSTS_SQL: &str = "SELECT s.code, r.content FROM services s \
     JOIN service_revisions r ON r.service_id = s.id AND r.revision = s.public_revision WHERE s.status = $1 AND s.code";

/// A listed host's certification (none when it has none), by code.
pub(crate) type HostCerts = std::collections::HashMap<String, Option<Certification>>;

/// The host codes the records name, each once.
pub(crate) fn host_codes(records: &[ServiceRecord]) -> Vec<&str> {
    let mut codes: Vec<&str> = records
        .iter()
        .filter_map(|r| r.listing.certification.as_ref().and_then(|c| c.host_infra.as_deref()))
        .filter(|h| ServiceCode::parse(h).is_ok())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

pub(crate) fn add_host(hosts: &mut HostCerts, code: String, content: &str) -> Result<()> {
    let listing = Listing::from_json(content).map_err(|e| StorageError::Corrupt(format!("revision of {code}: {e}")))?;
    hosts.insert(code, listing.certification);
    Ok(())
}

/// Each record with its host's certification when the host is listed.
pub(crate) fn with_host_certs(records: Vec<ServiceRecord>, hosts: &HostCerts) -> Vec<IndexSource> {
    records
        .into_iter()
        .map(|record| {
            let host = record.listing.certification.as_ref().and_then(|c| c.host_infra.as_ref()).and_then(|h| hosts.get(h));
            IndexSource { host_listed: host.is_some(), host_cert: host.cloned().flatten(), record, rating: Default::default() }
        })
        .collect()
}

impl Db {
    /// Ids of services whose certification names `host_code` as its host.
    pub async fn dependents_of(&self, host_code: &str) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT id FROM services WHERE host_code = $1").bind(host_code).fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
    }
}

/// The stored digest of a listing's content.
pub fn content_digest(listing: &Listing) -> (String, String) {
    let json = listing.to_json();
    let digest = sha256_hex(json.as_bytes());
    (json, digest)
}

/// A service is first listed when the committee selected it (Seoul midnight), never later than now.
pub(crate) fn first_listed_from(selected_on: Option<time::Date>, now: i64) -> i64 {
    selected_on
        .map(|d| gureum_domain::clock::to_micros(d.midnight().assume_offset(gureum_domain::clock::SEOUL)))
        .filter(|t| *t <= now)
        .unwrap_or(now)
}

pub(crate) fn host_code_of(listing: &Listing) -> Option<&str> {
    listing.certification.as_ref().and_then(|c| c.host_infra.as_deref()).filter(|h| ServiceCode::parse(h).is_ok())
}

impl WriteTx {
    /// Finds a supplier by its business number, or creates it from the line's name and size.
    pub async fn supplier_for(&mut self, s: &SupplierRef, bn: &BusinessNumber, new_id: impl FnOnce() -> String) -> Result<(String, bool)> {
        let row =
            sqlx::query("SELECT id FROM suppliers WHERE business_number = $1").bind(bn.digits()).fetch_optional(&mut *self.tx).await?;
        if let Some(row) = row {
            return Ok((row.try_get("id")?, false));
        }
        let id = new_id();
        self.insert_supplier(&id, s, bn).await?;
        Ok((id, true))
    }

    pub async fn insert_supplier(&mut self, id: &str, s: &SupplierRef, bn: &BusinessNumber) -> Result<()> {
        sqlx::query("INSERT INTO suppliers (id, business_number, name, size, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)")
            .bind(id)
            .bind(bn.digits())
            .bind(&s.name)
            .bind(s.size.as_str())
            .bind(self.now)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

impl Db {
    /// The suppliers with the most listed services, most first (ties by id).
    pub async fn suppliers_by_listed_count(&self, limit: i64) -> Result<Vec<SupplierRecord>> {
        let rows = sqlx::query(
            "SELECT p.id, p.business_number, p.name, p.size, p.representative, p.address, p.created_at, COUNT(s.id) AS n \
             FROM suppliers p JOIN services s ON s.supplier_id = p.id AND s.status = $1 \
             GROUP BY p.id, p.business_number, p.name, p.size, p.representative, p.address, p.created_at ORDER BY n DESC, p.id LIMIT $2",
        )
        .bind(ServiceStatus::Listed.as_str())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| supplier_from_row(r, false)).collect()
    }
}

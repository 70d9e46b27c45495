//! What the account pages need beyond `accounts.rs`: a person's in-app notifications, a
//! supplier's company profile (whose size drives the SME filter, so it feeds the change feed),
//! and paged lists of people and organisations for the operator's desk.

use crate::{Db, Result, WriteTx};
use gureum_domain::listing::SupplierSize;
use sqlx::Row;

/// One in-app notification (알림).
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    pub id: String,
    pub kind: String,
    pub message_ko: String,
    pub message_en: String,
    pub link: Option<String>,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

const NOTIFICATION_COLS: &str = "id, kind, message_ko, message_en, link, created_at, read_at";

fn notification_from(r: &sqlx::any::AnyRow) -> Result<Notification> {
    Ok(Notification {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        message_ko: r.try_get("message_ko")?,
        message_en: r.try_get("message_en")?,
        link: r.try_get("link")?,
        created_at: r.try_get("created_at")?,
        read_at: r.try_get("read_at")?,
    })
}

/// A page of ids and the total that matched.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IdPage {
    pub ids: Vec<String>,
    pub total: i64,
}

/// `%text%` for LIKE, lower-cased, with the wildcards of the text itself taken literally.
fn like_pattern(q: &str) -> String {
    let escaped: String =
        q.trim().to_lowercase().chars().flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] }).collect();
    format!("%{escaped}%")
}

impl Db {
    /// A person's notifications, newest first.
    pub async fn notifications_of(&self, user_id: &str, limit: i64) -> Result<Vec<Notification>> {
        Ok(self.notifications_page(user_id, false, 0, limit).await?.0)
    }

    /// A page of a person's notifications (only the unread ones when asked), newest first, with
    /// how many there are in all.
    pub async fn notifications_page(&self, user_id: &str, unread_only: bool, offset: i64, limit: i64) -> Result<(Vec<Notification>, i64)> {
        let cond = "FROM notifications WHERE user_id = $1 AND ($2 = 0 OR read_at IS NULL)";
        let total: i64 = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) AS n {cond}")))
            .bind(user_id)
            .bind(i64::from(unread_only))
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        let sql = format!("SELECT {NOTIFICATION_COLS} {cond} ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .bind(i64::from(unread_only))
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await?;
        Ok((rows.iter().map(notification_from).collect::<Result<_>>()?, total))
    }

    /// One notification of a person (none when it is someone else's).
    pub async fn notification_of(&self, user_id: &str, id: &str) -> Result<Option<Notification>> {
        let sql = format!("SELECT {NOTIFICATION_COLS} FROM notifications WHERE user_id = $1 AND id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(user_id).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(notification_from).transpose()
    }

    pub async fn unread_notifications(&self, user_id: &str) -> Result<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    /// People whose name, e-mail or organisation name contains `q` (any when empty), ordered
    /// by organisation name and e-mail.
    pub async fn search_user_ids(&self, q: &str, offset: i64, limit: i64) -> Result<IdPage> {
        let pat = like_pattern(q);
        let cond = "FROM users u JOIN organisations o ON o.id = u.org_id \
                    WHERE (LOWER(u.name) LIKE $1 ESCAPE '\\' OR u.email LIKE $1 ESCAPE '\\' OR LOWER(o.name) LIKE $1 ESCAPE '\\')";
        let total: i64 = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) AS n {cond}")))
            .bind(&pat)
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT u.id {cond} ORDER BY o.name, u.email LIMIT $2 OFFSET $3")))
            .bind(&pat)
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await?;
        let ids = rows.iter().map(|r| r.try_get::<String, _>("id")).collect::<std::result::Result<_, _>>()?;
        Ok(IdPage { ids, total })
    }

    /// Organisations that are not waiting for approval, whose name or business number contains
    /// `q`, newest first.
    pub async fn search_settled_organisation_ids(&self, q: &str, offset: i64, limit: i64) -> Result<IdPage> {
        let pat = like_pattern(q);
        let cond = "FROM organisations o WHERE o.status <> 'pending' \
                    AND (LOWER(o.name) LIKE $1 ESCAPE '\\' OR COALESCE(o.business_number, '') LIKE $1 ESCAPE '\\')";
        let total: i64 = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) AS n {cond}")))
            .bind(&pat)
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT o.id {cond} ORDER BY o.created_at DESC, o.id LIMIT $2 OFFSET $3")))
            .bind(&pat)
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await?;
        let ids = rows.iter().map(|r| r.try_get::<String, _>("id")).collect::<std::result::Result<_, _>>()?;
        Ok(IdPage { ids, total })
    }
}

impl WriteTx {
    /// Marks one notification of the person (or all of them) read; returns how many changed.
    pub async fn mark_notifications_read(&mut self, user_id: &str, id: Option<&str>) -> Result<u64> {
        let r = sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL AND ($3 = '' OR id = $3)")
            .bind(self.now)
            .bind(user_id)
            .bind(id.unwrap_or(""))
            .execute(&mut *self.tx)
            .await?;
        Ok(r.rows_affected())
    }

    /// Updates the catalog supplier behind a company: representative, address and size. When
    /// the size changes, every service of the supplier goes on the change feed, since the SME
    /// filter of the search reads it. Returns the number of services fed.
    pub async fn update_supplier_profile(
        &mut self,
        supplier_id: &str,
        representative: Option<&str>,
        address: Option<&str>,
        size: SupplierSize,
    ) -> Result<usize> {
        let before = sqlx::query("SELECT size FROM suppliers WHERE id = $1").bind(supplier_id).fetch_optional(&mut *self.tx).await?;
        let Some(before) = before else { return Ok(0) };
        let old_size: String = before.try_get("size")?;
        sqlx::query("UPDATE suppliers SET representative = $1, address = $2, size = $3, updated_at = $4 WHERE id = $5")
            .bind(representative)
            .bind(address)
            .bind(size.as_str())
            .bind(self.now)
            .bind(supplier_id)
            .execute(&mut *self.tx)
            .await?;
        if old_size == size.as_str() {
            return Ok(0);
        }
        let rows =
            sqlx::query("SELECT id FROM services WHERE supplier_id = $1 ORDER BY id").bind(supplier_id).fetch_all(&mut *self.tx).await?;
        let ids: Vec<String> = rows.iter().map(|r| r.try_get::<String, _>("id")).collect::<std::result::Result<_, _>>()?;
        for id in &ids {
            self.record_change(id).await?;
        }
        Ok(ids.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(like_pattern(" Hong "), "%hong%");
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
        assert_eq!(like_pattern(""), "%%");
    }
}

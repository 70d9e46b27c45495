//! Ratings of a service by agencies that have or had a contract or order for it (SPEC §3
//! "Post-management"): one per agency and service (a new one replaces it, with a new id and no
//! reply), the supplier's reply once. The average goes into the search index through the
//! change feed: the use case records a catalog change in the rating's transaction.

use crate::{Db, Result, WriteTx};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};
use std::collections::HashMap;

/// One rating, with the rating agency's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    pub id: String,
    pub service_id: String,
    pub agency_id: String,
    pub agency_name: String,
    pub user_id: String,
    /// 1–5.
    pub stars: i64,
    pub comment: String,
    pub reply: Option<String>,
    pub replied_by: Option<String>,
    pub replied_at: Option<i64>,
    pub created_at: i64,
}

fn rating_from(row: &AnyRow) -> Result<Rating> {
    Ok(Rating {
        id: row.try_get("id")?,
        service_id: row.try_get("service_id")?,
        agency_id: row.try_get("agency_id")?,
        agency_name: row.try_get::<Option<String>, _>("agency_name")?.unwrap_or_default(),
        user_id: row.try_get("user_id")?,
        stars: row.try_get("stars")?,
        comment: row.try_get("comment")?,
        reply: row.try_get::<Option<String>, _>("reply")?,
        replied_by: row.try_get::<Option<String>, _>("replied_by")?,
        replied_at: row.try_get::<Option<i64>, _>("replied_at")?,
        created_at: row.try_get("created_at")?,
    })
}

const RATING_SELECT: &str = "SELECT r.id, r.service_id, r.agency_id, o.name AS agency_name, r.user_id, r.stars, r.comment, r.reply, \
     r.replied_by, r.replied_at, r.created_at FROM ratings r LEFT JOIN organisations o ON o.id = r.agency_id";

/// A service's ratings in sum: how many, and the sum of their stars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RatingSummary {
    pub count: i64,
    pub stars: i64,
}

impl RatingSummary {
    /// The average × 100, rounded half up (4.25 → 425); `None` when unrated.
    pub fn average_x100(self) -> Option<i64> {
        (self.count > 0).then(|| (self.stars * 200 + self.count) / (2 * self.count))
    }

    /// The average to two decimals; `None` when unrated.
    pub fn average(self) -> Option<f64> {
        self.average_x100().map(|x| x as f64 / 100.0)
    }
}

async fn fetch_rating<'e, E: Executor<'e, Database = Any>>(e: E, id: &str) -> Result<Option<Rating>> {
    let sql = format!("{RATING_SELECT} WHERE r.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(e).await?;
    row.as_ref().map(rating_from).transpose()
}

/// The SQL that sums the ratings of the services listed after `IN` (by the caller).
pub(crate) const SUMMARY_SQL: &str = "SELECT service_id, COUNT(*) AS n, CAST(SUM(stars) AS BIGINT) AS s FROM ratings WHERE service_id IN";

impl Db {
    pub async fn rating(&self, id: &str) -> Result<Option<Rating>> {
        fetch_rating(&self.pool, id).await
    }

    /// A service's ratings, newest first.
    pub async fn ratings_of(&self, service_id: &str) -> Result<Vec<Rating>> {
        let sql = format!("{RATING_SELECT} WHERE r.service_id = $1 ORDER BY r.created_at DESC, r.id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(service_id).fetch_all(&self.pool).await?;
        rows.iter().map(rating_from).collect()
    }

    /// The agency's rating of the service, if it gave one.
    pub async fn rating_by(&self, service_id: &str, agency_id: &str) -> Result<Option<Rating>> {
        let sql = format!("{RATING_SELECT} WHERE r.service_id = $1 AND r.agency_id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(service_id).bind(agency_id).fetch_optional(&self.pool).await?;
        row.as_ref().map(rating_from).transpose()
    }

    /// The rating summaries of these services (the unrated left out).
    pub async fn rating_summaries(&self, ids: &[String]) -> Result<HashMap<String, RatingSummary>> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
            let sql = format!("{SUMMARY_SQL} ({}) GROUP BY service_id", marks.join(", "));
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                q = q.bind(id);
            }
            for r in q.fetch_all(&self.pool).await? {
                out.insert(r.try_get::<String, _>("service_id")?, RatingSummary { count: r.try_get("n")?, stars: r.try_get("s")? });
            }
        }
        Ok(out)
    }
}

impl WriteTx {
    pub async fn rating(&mut self, id: &str) -> Result<Option<Rating>> {
        fetch_rating(&mut *self.tx, id).await
    }

    /// Stores the agency's rating of the service in place of the one it gave before (answered).
    pub async fn replace_rating(&mut self, r: &Rating) -> Result<Option<Rating>> {
        let sql = format!("{RATING_SELECT} WHERE r.service_id = $1 AND r.agency_id = $2");
        let old = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(&r.service_id).bind(&r.agency_id).fetch_optional(&mut *self.tx).await?;
        let old = old.as_ref().map(rating_from).transpose()?;
        sqlx::query("DELETE FROM ratings WHERE service_id = $1 AND agency_id = $2")
            .bind(&r.service_id)
            .bind(&r.agency_id)
            .execute(&mut *self.tx)
            .await?;
        sqlx::query(
            "INSERT INTO ratings (id, service_id, agency_id, user_id, stars, comment, reply, replied_by, replied_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL, NULL, $7)",
        )
        .bind(&r.id)
        .bind(&r.service_id)
        .bind(&r.agency_id)
        .bind(&r.user_id)
        .bind(r.stars)
        .bind(&r.comment)
        .bind(r.created_at)
        .execute(&mut *self.tx)
        .await?;
        Ok(old)
    }

    /// The supplier's reply; `false` when the rating already has one.
    pub async fn reply_rating(&mut self, id: &str, text: &str, by: &str) -> Result<bool> {
        let done = sqlx::query("UPDATE ratings SET reply = $2, replied_by = $3, replied_at = $4 WHERE id = $1 AND reply IS NULL")
            .bind(id)
            .bind(text)
            .bind(by)
            .bind(self.now)
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_round_half_up_to_hundredths() {
        assert_eq!(RatingSummary::default().average_x100(), None);
        assert_eq!(RatingSummary { count: 2, stars: 9 }.average_x100(), Some(450));
        assert_eq!(RatingSummary { count: 3, stars: 13 }.average_x100(), Some(433));
        assert_eq!(RatingSummary { count: 3, stars: 14 }.average_x100(), Some(467));
        assert_eq!(RatingSummary { count: 8, stars: 33 }.average_x100(), Some(413)); // 4.125 → 4.13
        assert_eq!(RatingSummary { count: 1, stars: 5 }.average(), Some(5.0));
    }
}

//! One-time links (password reset, invitation), stored as the hash of their secret.

use super::*;

impl Db {
    /// The user of an unused, unexpired one-time link.
    pub async fn one_time_link(&self, token_hash: &str, purpose: &str, now: i64) -> Result<Option<User>> {
        let row = sqlx::query(
            "SELECT user_id FROM one_time_links WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
        )
        .bind(token_hash)
        .bind(purpose)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            None => Ok(None),
            Some(r) => self.user(&r.try_get::<String, _>("user_id")?).await,
        }
    }
}

impl WriteTx {
    pub async fn insert_one_time_link(&mut self, token_hash: &str, purpose: &str, user_id: &str, expires_at: i64) -> Result<()> {
        sqlx::query("INSERT INTO one_time_links (token_hash, purpose, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash)
            .bind(purpose)
            .bind(user_id)
            .bind(self.now)
            .bind(expires_at)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Uses a one-time link; false when it was used (or expired) meanwhile.
    pub async fn use_one_time_link(&mut self, token_hash: &str, now: i64) -> Result<bool> {
        let r = sqlx::query("UPDATE one_time_links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1")
            .bind(now)
            .bind(token_hash)
            .execute(&mut *self.tx)
            .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Ends every outstanding link of a purpose for a person (a newer link, a reset or a change
    /// of password makes them void); returns how many.
    pub async fn void_links(&mut self, user_id: &str, purpose: &str) -> Result<u64> {
        let r = sqlx::query("UPDATE one_time_links SET used_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL")
            .bind(self.now)
            .bind(user_id)
            .bind(purpose)
            .execute(&mut *self.tx)
            .await?;
        Ok(r.rows_affected())
    }
}

//! Sessions (a browser's cookie or a bearer login token), stored as the hash of their secret.

use super::*;

impl Db {
    /// The session behind a token hash, when it has not ended at `now`: neither idle past its
    /// end nor begun at or before `started_after` (its absolute lifetime).
    pub async fn session(&self, token_hash: &str, now: i64, started_after: i64) -> Result<Option<SessionInfo>> {
        let sql = format!(
            "SELECT s.csrf, s.created_at AS s_created, s.expires_at, {USER_COLS}, {ORG_COLS} FROM sessions s JOIN users u ON u.id = s.user_id \
             JOIN organisations o ON o.id = u.org_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.created_at > $3"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(token_hash).bind(now).bind(started_after).fetch_optional(&self.pool).await?;
        match row {
            None => Ok(None),
            Some(r) => Ok(Some(SessionInfo {
                user: user_from(&r)?,
                org: org_from(&r)?,
                csrf: r.try_get("csrf")?,
                created_at: r.try_get("s_created")?,
                expires_at: r.try_get("expires_at")?,
            })),
        }
    }

    /// Moves a session's end with use (idle timeout). Not audited: it is not a state change of
    /// anything a person decided.
    pub async fn touch_session(&self, token_hash: &str, expires_at: i64) -> Result<()> {
        sqlx::query("UPDATE sessions SET expires_at = $1 WHERE token_hash = $2 AND expires_at < $1")
            .bind(expires_at)
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

impl WriteTx {
    pub async fn insert_session(&mut self, token_hash: &str, user_id: &str, csrf: &str, expires_at: i64) -> Result<()> {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash)
            .bind(user_id)
            .bind(csrf)
            .bind(self.now)
            .bind(expires_at)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Deletes the sessions that have ended by `now` (a session's end never passes its absolute
    /// lifetime, so its end alone tells); returns how many.
    pub async fn purge_ended_sessions(&mut self, now: i64) -> Result<u64> {
        let r = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(&mut *self.tx).await?;
        Ok(r.rows_affected())
    }

    pub async fn delete_session(&mut self, token_hash: &str) -> Result<bool> {
        let r = sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&mut *self.tx).await?;
        Ok(r.rows_affected() == 1)
    }
}

//! Long-lived API tokens of an organisation, for machines.

use super::*;

impl Db {
    /// The live API token with this hash, and its organisation.
    pub async fn api_token(&self, token_hash: &str) -> Result<Option<(ApiToken, Organisation)>> {
        let sql = format!(
            "SELECT t.id AS t_id, t.org_id AS t_org, t.name AS t_name, t.created_by AS t_by, t.created_at AS t_at, t.last_used_at AS t_used, \
             t.revoked_at AS t_revoked, {ORG_COLS} FROM api_tokens t JOIN organisations o ON o.id = t.org_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(token_hash).fetch_optional(&self.pool).await?;
        match row {
            None => Ok(None),
            Some(r) => Ok(Some((token_from(&r)?, org_from(&r)?))),
        }
    }

    pub async fn api_tokens_of(&self, org_id: &str) -> Result<Vec<ApiToken>> {
        let rows = sqlx::query(
            "SELECT id AS t_id, org_id AS t_org, name AS t_name, created_by AS t_by, created_at AS t_at, last_used_at AS t_used, \
             revoked_at AS t_revoked FROM api_tokens WHERE org_id = $1 ORDER BY created_at DESC, id",
        )
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(token_from).collect()
    }

    pub async fn mark_token_used(&self, id: &str, now: i64) -> Result<()> {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2").bind(now).bind(id).execute(&self.pool).await?;
        Ok(())
    }
}

fn token_from(r: &AnyRow) -> Result<ApiToken> {
    Ok(ApiToken {
        id: r.try_get("t_id")?,
        org_id: r.try_get("t_org")?,
        name: r.try_get("t_name")?,
        created_by: r.try_get("t_by")?,
        created_at: r.try_get("t_at")?,
        last_used_at: r.try_get("t_used")?,
        revoked_at: r.try_get("t_revoked")?,
    })
}

impl WriteTx {
    pub async fn insert_api_token(&mut self, id: &str, org_id: &str, name: &str, token_hash: &str, created_by: &str) -> Result<()> {
        sqlx::query("INSERT INTO api_tokens (id, org_id, name, token_hash, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id)
            .bind(org_id)
            .bind(name)
            .bind(token_hash)
            .bind(created_by)
            .bind(self.now)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Revokes a token of the organisation; false when there is no such live token.
    pub async fn revoke_api_token(&mut self, org_id: &str, id: &str) -> Result<bool> {
        let r = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND org_id = $3 AND revoked_at IS NULL")
            .bind(self.now)
            .bind(id)
            .bind(org_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(r.rows_affected() == 1)
    }
}

//! Long-lived API tokens of an organisation, for machines.

use super::*;

const TOKEN_COLS: &str = "t.id AS t_id, t.org_id AS t_org, t.name AS t_name, t.created_by AS t_by, t.created_at AS t_at, \
    t.last_used_at AS t_used, t.revoked_at AS t_revoked, t.scopes AS t_scopes, t.expires_at AS t_expires";

impl Db {
    /// The live API token with this hash (not revoked, not expired at `now`), its organisation
    /// and the person who created it (whose rights bound it).
    pub async fn api_token(&self, token_hash: &str, now: i64) -> Result<Option<(ApiToken, Organisation, User)>> {
        let sql = format!(
            "SELECT {TOKEN_COLS}, {ORG_COLS}, {USER_COLS} FROM api_tokens t JOIN organisations o ON o.id = t.org_id \
             JOIN users u ON u.id = t.created_by \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(token_hash).bind(now).fetch_optional(&self.pool).await?;
        match row {
            None => Ok(None),
            Some(r) => Ok(Some((token_from(&r)?, org_from(&r)?, user_from(&r)?))),
        }
    }

    pub async fn api_tokens_of(&self, org_id: &str) -> Result<Vec<ApiToken>> {
        let sql = format!("SELECT {TOKEN_COLS} FROM api_tokens t WHERE t.org_id = $1 ORDER BY t.created_at DESC, t.id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org_id).fetch_all(&self.pool).await?;
        rows.iter().map(token_from).collect()
    }

    pub async fn mark_token_used(&self, id: &str, now: i64) -> Result<()> {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2").bind(now).bind(id).execute(&self.pool).await?;
        Ok(())
    }
}

/// A token to store.
#[derive(Debug, Clone)]
pub struct NewApiToken<'a> {
    pub id: &'a str,
    pub org_id: &'a str,
    pub name: &'a str,
    pub token_hash: &'a str,
    pub created_by: &'a str,
    pub scopes: &'a [&'a str],
    pub expires_at: i64,
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
        scopes: r.try_get::<String, _>("t_scopes")?.split_whitespace().map(str::to_owned).collect(),
        expires_at: r.try_get("t_expires")?,
    })
}

impl WriteTx {
    /// A new token with its scopes and the instant it stops working (µs).
    pub async fn insert_api_token(&mut self, t: &NewApiToken<'_>) -> Result<()> {
        sqlx::query(
            "INSERT INTO api_tokens (id, org_id, name, token_hash, created_by, created_at, scopes, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(t.id)
        .bind(t.org_id)
        .bind(t.name)
        .bind(t.token_hash)
        .bind(t.created_by)
        .bind(self.now)
        .bind(t.scopes.join(" "))
        .bind(t.expires_at)
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

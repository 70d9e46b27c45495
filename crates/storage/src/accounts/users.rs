//! People: read, invited, their roles, status, password and failed logins.

use super::*;

impl Db {
    pub async fn user(&self, id: &str) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLS} FROM users u WHERE u.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(user_from).transpose()
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLS} FROM users u WHERE u.email = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(email).fetch_optional(&self.pool).await?;
        row.as_ref().map(user_from).transpose()
    }

    pub async fn users_of(&self, org_id: &str) -> Result<Vec<User>> {
        let sql = format!("SELECT {USER_COLS} FROM users u WHERE u.org_id = $1 ORDER BY u.created_at, u.email");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org_id).fetch_all(&self.pool).await?;
        rows.iter().map(user_from).collect()
    }

    /// Active people of every organisation of a kind (e.g. the operators to notify).
    pub async fn active_users_of_kind(&self, kind: OrgKind) -> Result<Vec<User>> {
        let sql = format!(
            "SELECT {USER_COLS} FROM users u JOIN organisations o ON o.id = u.org_id WHERE o.kind = $1 AND u.status = 'active' ORDER BY u.email"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(kind.as_str()).fetch_all(&self.pool).await?;
        rows.iter().map(user_from).collect()
    }

    /// All people, for the operator's account desk.
    pub async fn all_users(&self) -> Result<Vec<(User, Organisation)>> {
        let sql = format!("SELECT {USER_COLS}, {ORG_COLS} FROM users u JOIN organisations o ON o.id = u.org_id ORDER BY o.name, u.email");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok((user_from(r)?, org_from(r)?))).collect()
    }
}

impl WriteTx {
    pub async fn insert_user(&mut self, u: &NewUser) -> Result<()> {
        sqlx::query(
            "INSERT INTO users (id, org_id, email, name, phone, password_hash, roles, is_admin, status, failed_logins, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $10)",
        )
        .bind(&u.id)
        .bind(&u.org_id)
        .bind(&u.email)
        .bind(&u.name)
        .bind(&u.phone)
        .bind(&u.password_hash)
        .bind(roles_to_string(&u.roles))
        .bind(i64::from(u.is_admin))
        .bind(u.status.as_str())
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    pub async fn reset_failed_logins(&mut self, user_id: &str) -> Result<()> {
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1").bind(user_id).execute(&mut *self.tx).await?;
        Ok(())
    }

    pub async fn set_user_status(&mut self, user_id: &str, status: UserStatus) -> Result<()> {
        sqlx::query("UPDATE users SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(status.as_str())
            .bind(self.now)
            .bind(user_id)
            .execute(&mut *self.tx)
            .await?;
        if status == UserStatus::Disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Sets the language a person reads Gureum in.
    pub async fn set_user_lang(&mut self, user_id: &str, lang: Language) -> Result<()> {
        sqlx::query("UPDATE users SET lang = $1, updated_at = $2 WHERE id = $3")
            .bind(lang.as_str())
            .bind(self.now)
            .bind(user_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    pub async fn set_user_roles(&mut self, user_id: &str, roles: &[Role], is_admin: bool) -> Result<()> {
        sqlx::query("UPDATE users SET roles = $1, is_admin = $2, updated_at = $3 WHERE id = $4")
            .bind(roles_to_string(roles))
            .bind(i64::from(is_admin))
            .bind(self.now)
            .bind(user_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Sets a password (and activates an invited person); ends the person's sessions but the
    /// one named by `keep` (the session that changed it).
    pub async fn set_password(&mut self, user_id: &str, hash: &str, keep: Option<&str>) -> Result<()> {
        sqlx::query("UPDATE users SET password_hash = $1, status = CASE WHEN status = 'invited' THEN 'active' ELSE status END, updated_at = $2 WHERE id = $3")
            .bind(hash)
            .bind(self.now)
            .bind(user_id)
            .execute(&mut *self.tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(keep.unwrap_or(""))
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    pub async fn delete_user(&mut self, user_id: &str) -> Result<()> {
        for sql in [
            "DELETE FROM sessions WHERE user_id = $1",
            "DELETE FROM one_time_links WHERE user_id = $1",
            "DELETE FROM notifications WHERE user_id = $1",
            "DELETE FROM users WHERE id = $1",
        ] {
            sqlx::query(sql).bind(user_id).execute(&mut *self.tx).await?;
        }
        Ok(())
    }
}

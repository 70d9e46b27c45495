//! Organisations, people, sessions, API tokens and one-time links.

use crate::{Db, Result, StorageError, WriteTx};
use gureum_domain::account::{OrgKind, Role, roles_from_string, roles_to_string};
use sqlx::Row;
use sqlx::any::AnyRow;

// The statuses are the domain's (their rules live there); re-exported so that
// `gureum_storage::OrgStatus` and `gureum_storage::UserStatus` keep naming them.
pub use gureum_domain::{OrgStatus, UserStatus};

#[derive(Debug, Clone, PartialEq)]
pub struct Organisation {
    pub id: String,
    pub kind: OrgKind,
    pub name: String,
    pub business_number: Option<String>,
    pub supplier_id: Option<String>,
    pub status: OrgStatus,
    pub registration_doc: Option<String>,
    pub representative: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub contact_email: Option<String>,
    pub status_reason: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: String,
    pub org_id: String,
    pub email: String,
    pub name: String,
    pub phone: Option<String>,
    pub password_hash: Option<String>,
    pub roles: Vec<Role>,
    pub is_admin: bool,
    pub status: UserStatus,
    pub failed_logins: i64,
    pub locked_until: Option<i64>,
    pub created_at: i64,
}

/// A live session (or bearer login token) with the person and organisation behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionInfo {
    pub user: User,
    pub org: Organisation,
    pub csrf: String,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ApiToken {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub created_by: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

const ORG_COLS: &str = "o.id AS org_id_, o.kind AS org_kind, o.name AS org_name, o.business_number AS org_bn, o.supplier_id AS org_supplier, \
    o.status AS org_status, o.registration_doc AS org_doc, o.representative AS org_rep, o.address AS org_address, o.phone AS org_phone, \
    o.contact_email AS org_email, o.status_reason AS org_reason, o.created_at AS org_created";

const USER_COLS: &str = "u.id AS user_id_, u.org_id AS user_org, u.email AS user_email, u.name AS user_name, u.phone AS user_phone, \
    u.password_hash AS user_hash, u.roles AS user_roles, u.is_admin AS user_admin, u.status AS user_status, \
    u.failed_logins AS user_failed, u.locked_until AS user_locked, u.created_at AS user_created";

fn org_from(row: &AnyRow) -> Result<Organisation> {
    let kind: String = row.try_get("org_kind")?;
    let status: String = row.try_get("org_status")?;
    Ok(Organisation {
        id: row.try_get("org_id_")?,
        kind: OrgKind::parse(&kind).ok_or_else(|| StorageError::Corrupt(format!("organisation kind {kind}")))?,
        name: row.try_get("org_name")?,
        business_number: row.try_get("org_bn")?,
        supplier_id: row.try_get("org_supplier")?,
        status: OrgStatus::parse(&status).ok_or_else(|| StorageError::Corrupt(format!("organisation status {status}")))?,
        registration_doc: row.try_get("org_doc")?,
        representative: row.try_get("org_rep")?,
        address: row.try_get("org_address")?,
        phone: row.try_get("org_phone")?,
        contact_email: row.try_get("org_email")?,
        status_reason: row.try_get("org_reason")?,
        created_at: row.try_get("org_created")?,
    })
}

fn user_from(row: &AnyRow) -> Result<User> {
    let status: String = row.try_get("user_status")?;
    let roles: String = row.try_get("user_roles")?;
    Ok(User {
        id: row.try_get("user_id_")?,
        org_id: row.try_get("user_org")?,
        email: row.try_get("user_email")?,
        name: row.try_get("user_name")?,
        phone: row.try_get("user_phone")?,
        password_hash: row.try_get("user_hash")?,
        roles: roles_from_string(&roles),
        is_admin: row.try_get::<i64, _>("user_admin")? != 0,
        status: UserStatus::parse(&status).ok_or_else(|| StorageError::Corrupt(format!("user status {status}")))?,
        failed_logins: row.try_get("user_failed")?,
        locked_until: row.try_get("user_locked")?,
        created_at: row.try_get("user_created")?,
    })
}

/// New organisation fields.
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    pub id: String,
    pub kind: OrgKind,
    pub name: String,
    pub business_number: Option<String>,
    pub supplier_id: Option<String>,
    pub status: OrgStatus,
    pub registration_doc: Option<String>,
    pub representative: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub contact_email: Option<String>,
    pub privacy_consent: bool,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: String,
    pub org_id: String,
    pub email: String,
    pub name: String,
    pub phone: Option<String>,
    pub password_hash: Option<String>,
    pub roles: Vec<Role>,
    pub is_admin: bool,
    pub status: UserStatus,
}

impl Db {
    pub async fn organisation(&self, id: &str) -> Result<Option<Organisation>> {
        let sql = format!("SELECT {ORG_COLS} FROM organisations o WHERE o.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(org_from).transpose()
    }

    pub async fn organisation_by_bizno(&self, kind: OrgKind, bn: &str) -> Result<Option<Organisation>> {
        let sql = format!("SELECT {ORG_COLS} FROM organisations o WHERE o.kind = $1 AND o.business_number = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(kind.as_str()).bind(bn).fetch_optional(&self.pool).await?;
        row.as_ref().map(org_from).transpose()
    }

    pub async fn organisation_of_supplier(&self, supplier_id: &str) -> Result<Option<Organisation>> {
        let sql = format!("SELECT {ORG_COLS} FROM organisations o WHERE o.supplier_id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(supplier_id).fetch_optional(&self.pool).await?;
        row.as_ref().map(org_from).transpose()
    }

    /// Organisations, optionally of one status, newest first.
    pub async fn organisations(&self, status: Option<OrgStatus>) -> Result<Vec<Organisation>> {
        let sql = format!("SELECT {ORG_COLS} FROM organisations o WHERE ($1 = '' OR o.status = $1) ORDER BY o.created_at DESC, o.id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(status.map(|s| s.as_str()).unwrap_or("")).fetch_all(&self.pool).await?;
        rows.iter().map(org_from).collect()
    }

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

    /// The session behind a token hash, when it has not expired at `now`.
    pub async fn session(&self, token_hash: &str, now: i64) -> Result<Option<SessionInfo>> {
        let sql = format!(
            "SELECT s.csrf, s.expires_at, {USER_COLS}, {ORG_COLS} FROM sessions s JOIN users u ON u.id = s.user_id \
             JOIN organisations o ON o.id = u.org_id WHERE s.token_hash = $1 AND s.expires_at > $2"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(token_hash).bind(now).fetch_optional(&self.pool).await?;
        match row {
            None => Ok(None),
            Some(r) => Ok(Some(SessionInfo {
                user: user_from(&r)?,
                org: org_from(&r)?,
                csrf: r.try_get("csrf")?,
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
    pub async fn insert_organisation(&mut self, o: &NewOrganisation) -> Result<()> {
        sqlx::query(
            "INSERT INTO organisations (id, kind, name, business_number, supplier_id, status, registration_doc, representative, address, phone, \
             contact_email, privacy_consent_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
        )
        .bind(&o.id)
        .bind(o.kind.as_str())
        .bind(&o.name)
        .bind(&o.business_number)
        .bind(&o.supplier_id)
        .bind(o.status.as_str())
        .bind(&o.registration_doc)
        .bind(&o.representative)
        .bind(&o.address)
        .bind(&o.phone)
        .bind(&o.contact_email)
        .bind(if o.privacy_consent { Some(self.now) } else { None })
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    pub async fn set_organisation_status(&mut self, id: &str, status: OrgStatus, reason: Option<&str>) -> Result<bool> {
        let r = sqlx::query("UPDATE organisations SET status = $1, status_reason = $2, updated_at = $3 WHERE id = $4")
            .bind(status.as_str())
            .bind(reason)
            .bind(self.now)
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Updates the editable company profile.
    pub async fn update_organisation_profile(
        &mut self,
        id: &str,
        name: &str,
        representative: Option<&str>,
        address: Option<&str>,
        phone: Option<&str>,
        contact_email: Option<&str>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE organisations SET name = $1, representative = $2, address = $3, phone = $4, contact_email = $5, updated_at = $6 WHERE id = $7",
        )
        .bind(name)
        .bind(representative)
        .bind(address)
        .bind(phone)
        .bind(contact_email)
        .bind(self.now)
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

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

    /// Records a failed login; returns the new count.
    pub async fn record_failed_login(&mut self, user_id: &str, lock_at: i64, lock_until: i64) -> Result<i64> {
        let row = sqlx::query("UPDATE users SET failed_logins = failed_logins + 1, updated_at = $1 WHERE id = $2 RETURNING failed_logins")
            .bind(self.now)
            .bind(user_id)
            .fetch_one(&mut *self.tx)
            .await?;
        let n: i64 = row.try_get("failed_logins")?;
        if n >= lock_at {
            sqlx::query("UPDATE users SET locked_until = $1, failed_logins = 0 WHERE id = $2")
                .bind(lock_until)
                .bind(user_id)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(n)
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

    /// Sets a password (and activates an invited person); ends every other session.
    pub async fn set_password(&mut self, user_id: &str, hash: &str) -> Result<()> {
        sqlx::query("UPDATE users SET password_hash = $1, status = CASE WHEN status = 'invited' THEN 'active' ELSE status END, updated_at = $2 WHERE id = $3")
            .bind(hash)
            .bind(self.now)
            .bind(user_id)
            .execute(&mut *self.tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *self.tx).await?;
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

    pub async fn delete_session(&mut self, token_hash: &str) -> Result<bool> {
        let r = sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&mut *self.tx).await?;
        Ok(r.rows_affected() == 1)
    }

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

    /// Queues an e-mail in the outbox, sent after commit by the mail worker.
    pub async fn enqueue_mail(&mut self, id: &str, to: &str, subject: &str, body: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO outbox (id, to_addr, subject, body, created_at, attempts, next_attempt_at) VALUES ($1, $2, $3, $4, $5, 0, $5)",
        )
        .bind(id)
        .bind(to)
        .bind(subject)
        .bind(body)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    pub async fn notify(&mut self, id: &str, user_id: &str, kind: &str, ko: &str, en: &str, link: Option<&str>) -> Result<()> {
        sqlx::query(
            "INSERT INTO notifications (id, user_id, kind, message_ko, message_en, link, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(user_id)
        .bind(kind)
        .bind(ko)
        .bind(en)
        .bind(link)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

//! Organisations: read by id, business number or supplier; created, decided, edited.

use super::*;

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

    /// A rejected sign-up lets go of the company it claimed: its business number (kept as
    /// released, for the record) and its catalog supplier, so the company can sign up again.
    pub async fn release_claim(&mut self, id: &str) -> Result<()> {
        sqlx::query(
            "UPDATE organisations SET released_business_number = COALESCE(business_number, released_business_number), \
             business_number = NULL, supplier_id = NULL, updated_at = $1 WHERE id = $2",
        )
        .bind(self.now)
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Removes an organisation with its people (their sessions, links and notifications) and
    /// its API tokens. Its audit events stay.
    pub async fn delete_organisation(&mut self, id: &str) -> Result<bool> {
        for sql in [
            "DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE org_id = $1)",
            "DELETE FROM one_time_links WHERE user_id IN (SELECT id FROM users WHERE org_id = $1)",
            "DELETE FROM notifications WHERE user_id IN (SELECT id FROM users WHERE org_id = $1)",
            "DELETE FROM api_tokens WHERE org_id = $1",
            "DELETE FROM users WHERE org_id = $1",
        ] {
            sqlx::query(sql).bind(id).execute(&mut *self.tx).await?;
        }
        let r = sqlx::query("DELETE FROM organisations WHERE id = $1").bind(id).execute(&mut *self.tx).await?;
        Ok(r.rows_affected() == 1)
    }

    /// A catalog supplier that a sign-up created and nobody listed services for takes the name
    /// and size of the company that now signs up for it (an abandoned claim's words do not
    /// stay); a supplier with services is left as the catalog has it.
    pub async fn refresh_unlisted_supplier(&mut self, supplier_id: &str, name: &str, size: &str) -> Result<()> {
        sqlx::query(
            "UPDATE suppliers SET name = $1, size = $2, updated_at = $3 WHERE id = $4 \
             AND NOT EXISTS (SELECT 1 FROM services s WHERE s.supplier_id = suppliers.id)",
        )
        .bind(name)
        .bind(size)
        .bind(self.now)
        .bind(supplier_id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

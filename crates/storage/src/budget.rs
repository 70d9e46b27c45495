//! Budget lines (docs/RULES.md#budget-lines): an agency's amounts per fiscal year with what is
//! committed and spent against them. Reads and writes only; the rules are
//! `gureum_domain::budget`'s.

use crate::{Db, Result, WriteTx};
use sqlx::Row;
use sqlx::any::AnyRow;

/// One budget line of an agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetLine {
    pub id: String,
    pub org_id: String,
    pub fiscal_year: i32,
    pub name: String,
    pub amount_krw: i64,
    pub committed_krw: i64,
    pub spent_krw: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, org_id, fiscal_year, name, amount_krw, committed_krw, spent_krw, created_at, updated_at";

fn line_from(row: &AnyRow) -> Result<BudgetLine> {
    Ok(BudgetLine {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        fiscal_year: i32::try_from(row.try_get::<i64, _>("fiscal_year")?).unwrap_or_default(),
        name: row.try_get("name")?,
        amount_krw: row.try_get("amount_krw")?,
        committed_krw: row.try_get("committed_krw")?,
        spent_krw: row.try_get("spent_krw")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

impl Db {
    /// An organisation's budget lines, newest fiscal year first, then by name.
    pub async fn budget_lines(&self, org_id: &str, fiscal_year: Option<i32>) -> Result<Vec<BudgetLine>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM budget_lines WHERE org_id = $1 AND ($2 = 0 OR fiscal_year = $2) ORDER BY fiscal_year DESC, name, id"
        );
        let rows =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org_id).bind(i64::from(fiscal_year.unwrap_or(0))).fetch_all(&self.pool).await?;
        rows.iter().map(line_from).collect()
    }
}

impl Db {
    /// One budget line by id, whatever its organisation (the caller scopes it).
    pub async fn budget_line_by_id(&self, id: &str) -> Result<Option<BudgetLine>> {
        let sql = format!("SELECT {COLUMNS} FROM budget_lines WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(line_from).transpose()
    }
}

impl WriteTx {
    pub async fn budget_line(&mut self, id: &str) -> Result<Option<BudgetLine>> {
        let sql = format!("SELECT {COLUMNS} FROM budget_lines WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *self.tx).await?;
        row.as_ref().map(line_from).transpose()
    }

    pub async fn insert_budget_line(&mut self, id: &str, org_id: &str, fiscal_year: i32, name: &str, amount_krw: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO budget_lines (id, org_id, fiscal_year, name, amount_krw, committed_krw, spent_krw, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 0, 0, $6, $6)",
        )
        .bind(id)
        .bind(org_id)
        .bind(i64::from(fiscal_year))
        .bind(name)
        .bind(amount_krw)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Sets a line's name and amount; `false` when the amount would fall below what is committed
    /// at this moment (the condition is in the statement, so a commitment made meanwhile counts).
    pub async fn update_budget_line(&mut self, id: &str, name: &str, amount_krw: i64) -> Result<bool> {
        let done = sqlx::query("UPDATE budget_lines SET name = $2, amount_krw = $3, updated_at = $4 WHERE id = $1 AND committed_krw <= $3")
            .bind(id)
            .bind(name)
            .bind(amount_krw)
            .bind(self.now)
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

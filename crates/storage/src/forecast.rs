//! The demand forecast's records (수요예보, issue #26; migrations `0014_forecast.sql`): surveys,
//! one response per survey and agency with its systems, the reminders sent, and each agency's
//! kind. Reports read submitted responses only, with the agency's kind and nothing else of it.

use crate::{Db, Result, WriteTx};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A yearly survey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForecastSurvey {
    pub id: String,
    pub year: i64,
    /// YYYY-MM-DD, inclusive.
    pub opens_on: String,
    pub closes_on: String,
    pub created_by: String,
    pub created_at: i64,
}

/// An agency's response to a survey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForecastResponse {
    pub id: String,
    pub survey_id: String,
    pub org_id: String,
    pub agency_kind: String,
    /// draft or submitted.
    pub status: String,
    pub prefilled_from: Option<String>,
    pub submitted_at: Option<i64>,
    pub submitted_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One system of a response, as stored (codes as text; `functions` decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForecastSystem {
    pub key: String,
    pub name: String,
    pub current_hosting: String,
    pub planned_year: Option<i64>,
    pub target_type: Option<String>,
    pub change: Option<String>,
    pub functions: Vec<String>,
    pub budget_krw: Option<i64>,
    pub no_plan_reason: Option<String>,
    pub updated_at: i64,
}

/// Where one agency stands on a survey (the operator's response-rate page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForecastProgress {
    pub org_id: String,
    pub org_name: String,
    pub agency_kind: String,
    pub status: String,
    pub submitted_at: Option<i64>,
    pub systems: i64,
}

const PREFILL_SOURCE: &str = "SELECT r.id FROM forecast_responses r JOIN forecast_surveys s ON s.id = r.survey_id \
     WHERE r.org_id = $1 AND r.survey_id <> $2 AND r.status = 'submitted' \
     ORDER BY s.year DESC, s.closes_on DESC, r.submitted_at DESC, r.id LIMIT 1";

const SURVEY_SELECT: &str = "SELECT id, year, opens_on, closes_on, created_by, created_at FROM forecast_surveys";

fn survey_from(r: &AnyRow) -> Result<ForecastSurvey> {
    Ok(ForecastSurvey {
        id: r.try_get("id")?,
        year: r.try_get("year")?,
        opens_on: r.try_get("opens_on")?,
        closes_on: r.try_get("closes_on")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

const RESPONSE_SELECT: &str = "SELECT id, survey_id, org_id, agency_kind, status, prefilled_from, submitted_at, submitted_by, created_at, \
     updated_at FROM forecast_responses";

fn response_from(r: &AnyRow) -> Result<ForecastResponse> {
    Ok(ForecastResponse {
        id: r.try_get("id")?,
        survey_id: r.try_get("survey_id")?,
        org_id: r.try_get("org_id")?,
        agency_kind: r.try_get("agency_kind")?,
        status: r.try_get("status")?,
        prefilled_from: r.try_get::<Option<String>, _>("prefilled_from")?,
        submitted_at: r.try_get::<Option<i64>, _>("submitted_at")?,
        submitted_by: r.try_get::<Option<String>, _>("submitted_by")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

const SYSTEM_COLS: &str = "s.system_key, s.name, s.current_hosting, s.planned_year, s.target_type, s.change_kind, s.functions, s.budget_krw, \
     s.no_plan_reason, s.updated_at";

fn system_from(r: &AnyRow) -> Result<ForecastSystem> {
    let functions: String = r.try_get("functions")?;
    Ok(ForecastSystem {
        key: r.try_get("system_key")?,
        name: r.try_get("name")?,
        current_hosting: r.try_get("current_hosting")?,
        planned_year: r.try_get::<Option<i64>, _>("planned_year")?,
        target_type: r.try_get::<Option<String>, _>("target_type")?,
        change: r.try_get::<Option<String>, _>("change_kind")?,
        functions: serde_json::from_str(&functions).unwrap_or_default(),
        budget_krw: r.try_get::<Option<i64>, _>("budget_krw")?,
        no_plan_reason: r.try_get::<Option<String>, _>("no_plan_reason")?,
        updated_at: r.try_get("updated_at")?,
    })
}

impl Db {
    /// Every survey, newest year first.
    pub async fn forecast_surveys(&self) -> Result<Vec<ForecastSurvey>> {
        let sql = format!("{SURVEY_SELECT} ORDER BY year DESC, opens_on DESC, created_at DESC, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(survey_from).collect()
    }

    pub async fn forecast_survey(&self, id: &str) -> Result<Option<ForecastSurvey>> {
        let sql = format!("{SURVEY_SELECT} WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(survey_from).transpose()
    }

    /// An agency's response to a survey.
    pub async fn forecast_response(&self, survey_id: &str, org_id: &str) -> Result<Option<ForecastResponse>> {
        let sql = format!("{RESPONSE_SELECT} WHERE survey_id = $1 AND org_id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(survey_id).bind(org_id).fetch_optional(&self.pool).await?;
        row.as_ref().map(response_from).transpose()
    }

    /// The response an agency's new response to a survey is prefilled from: its last submitted
    /// response to another survey.
    pub async fn forecast_prefill_source(&self, survey_id: &str, org_id: &str) -> Result<Option<String>> {
        let row = sqlx::query(PREFILL_SOURCE).bind(org_id).bind(survey_id).fetch_optional(&self.pool).await?;
        row.map(|r| Ok(r.try_get("id")?)).transpose()
    }

    /// A response's systems, by key.
    pub async fn forecast_systems(&self, response_id: &str) -> Result<Vec<ForecastSystem>> {
        let sql = format!("SELECT {SYSTEM_COLS} FROM forecast_systems s WHERE s.response_id = $1 ORDER BY s.system_key");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(response_id).fetch_all(&self.pool).await?;
        rows.iter().map(system_from).collect()
    }

    /// The systems of a survey's submitted responses of approved agencies, each with its
    /// agency's kind and an opaque index of its response (for k-anonymity; nothing else of it).
    pub async fn forecast_submitted_systems(&self, survey_id: &str) -> Result<Vec<(String, String, ForecastSystem)>> {
        let sql = format!(
            "SELECT r.agency_kind, r.id AS response_id, {SYSTEM_COLS} FROM forecast_systems s JOIN forecast_responses r ON r.id = s.response_id \
             JOIN organisations o ON o.id = r.org_id \
             WHERE r.survey_id = $1 AND r.status = 'submitted' AND o.status = 'approved' ORDER BY r.agency_kind, s.system_key"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(survey_id).fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok((r.try_get("agency_kind")?, r.try_get("response_id")?, system_from(r)?))).collect()
    }

    /// How many approved agencies a survey asked and how many of them submitted (a suspended
    /// agency counts in neither).
    pub async fn forecast_counts(&self, survey_id: &str) -> Result<(i64, i64)> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS asked, COALESCE(SUM(CASE WHEN r.status = 'submitted' THEN 1 ELSE 0 END), 0) AS answered \
             FROM forecast_responses r JOIN organisations o ON o.id = r.org_id WHERE r.survey_id = $1 AND o.status = 'approved'",
        )
        .bind(survey_id)
        .fetch_one(&self.pool)
        .await?;
        Ok((row.try_get("asked")?, row.try_get("answered")?))
    }

    /// Every asked agency's standing on a survey, by name.
    pub async fn forecast_progress(&self, survey_id: &str) -> Result<Vec<ForecastProgress>> {
        let rows = sqlx::query(
            "SELECT r.org_id, o.name AS org_name, r.agency_kind, r.status, r.submitted_at, \
             (SELECT COUNT(*) FROM forecast_systems s WHERE s.response_id = r.id) AS systems \
             FROM forecast_responses r JOIN organisations o ON o.id = r.org_id WHERE r.survey_id = $1 AND o.status = 'approved' \
             ORDER BY o.name, r.org_id",
        )
        .bind(survey_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ForecastProgress {
                    org_id: r.try_get("org_id")?,
                    org_name: r.try_get("org_name")?,
                    agency_kind: r.try_get("agency_kind")?,
                    status: r.try_get("status")?,
                    submitted_at: r.try_get::<Option<i64>, _>("submitted_at")?,
                    systems: r.try_get("systems")?,
                })
            })
            .collect()
    }

    /// Every approved agency: its id and kind (NULL when not said).
    pub async fn approved_agencies(&self) -> Result<Vec<(String, Option<String>)>> {
        let rows = sqlx::query("SELECT id, agency_kind FROM organisations WHERE kind = 'agency' AND status = 'approved' ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get::<Option<String>, _>("agency_kind")?))).collect()
    }

    /// An organisation's agency kind (NULL when not said).
    pub async fn agency_kind(&self, org_id: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT agency_kind FROM organisations WHERE id = $1").bind(org_id).fetch_optional(&self.pool).await?;
        Ok(match row {
            Some(r) => r.try_get::<Option<String>, _>("agency_kind")?,
            None => None,
        })
    }

    /// The approved agencies that have not submitted a survey's response.
    pub async fn forecast_unsubmitted(&self, survey_id: &str) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT r.org_id FROM forecast_responses r JOIN organisations o ON o.id = r.org_id \
             WHERE r.survey_id = $1 AND r.status <> 'submitted' AND o.status = 'approved' ORDER BY r.org_id",
        )
        .bind(survey_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(r.try_get("org_id")?)).collect()
    }
}

impl WriteTx {
    /// An agency's kind, said anew, on its responses to the surveys still open on `today`
    /// (`YYYY-MM-DD`; a closed survey keeps the kind it was answered under).
    pub async fn renew_forecast_agency_kind(&mut self, org_id: &str, kind: &str, today: &str) -> Result<u64> {
        let done = sqlx::query(
            "UPDATE forecast_responses SET agency_kind = $2 WHERE org_id = $1 AND survey_id IN \
             (SELECT id FROM forecast_surveys WHERE closes_on >= $3)",
        )
        .bind(org_id)
        .bind(kind)
        .bind(today)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected())
    }

    pub async fn insert_forecast_survey(&mut self, s: &ForecastSurvey) -> Result<()> {
        sqlx::query("INSERT INTO forecast_surveys (id, year, opens_on, closes_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&s.id)
            .bind(s.year)
            .bind(&s.opens_on)
            .bind(&s.closes_on)
            .bind(&s.created_by)
            .bind(self.now)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    pub async fn forecast_response(&mut self, survey_id: &str, org_id: &str) -> Result<Option<ForecastResponse>> {
        let sql = format!("{RESPONSE_SELECT} WHERE survey_id = $1 AND org_id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(survey_id).bind(org_id).fetch_optional(&mut *self.tx).await?;
        row.as_ref().map(response_from).transpose()
    }

    /// Asks an agency: its draft response, with the systems of its last submitted response to
    /// another survey copied in. `None` when it was asked already; else the response's id and
    /// the response its systems came from.
    pub async fn ask_agency(&mut self, id: &str, survey_id: &str, org_id: &str, agency_kind: &str) -> Result<Option<Option<String>>> {
        let done = sqlx::query(
            "INSERT INTO forecast_responses (id, survey_id, org_id, agency_kind, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'draft', $5, $5) ON CONFLICT (survey_id, org_id) DO NOTHING",
        )
        .bind(id)
        .bind(survey_id)
        .bind(org_id)
        .bind(agency_kind)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(None);
        }
        let source = sqlx::query(PREFILL_SOURCE).bind(org_id).bind(survey_id).fetch_optional(&mut *self.tx).await?;
        let Some(source) = source else { return Ok(Some(None)) };
        let source: String = source.try_get("id")?;
        sqlx::query(
            "INSERT INTO forecast_systems (response_id, system_key, name, current_hosting, planned_year, target_type, change_kind, functions, \
             budget_krw, no_plan_reason, updated_at) SELECT $1, system_key, name, current_hosting, planned_year, target_type, change_kind, \
             functions, budget_krw, no_plan_reason, $2 FROM forecast_systems WHERE response_id = $3",
        )
        .bind(id)
        .bind(self.now)
        .bind(&source)
        .execute(&mut *self.tx)
        .await?;
        sqlx::query("UPDATE forecast_responses SET prefilled_from = $2 WHERE id = $1")
            .bind(id)
            .bind(&source)
            .execute(&mut *self.tx)
            .await?;
        Ok(Some(Some(source)))
    }

    /// One system of a response as the transaction sees it.
    pub async fn forecast_system(&mut self, response_id: &str, key: &str) -> Result<Option<ForecastSystem>> {
        let sql = format!("SELECT {SYSTEM_COLS} FROM forecast_systems s WHERE s.response_id = $1 AND s.system_key = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(response_id).bind(key).fetch_optional(&mut *self.tx).await?;
        row.as_ref().map(system_from).transpose()
    }

    /// Creates or replaces a system; the response's `updated_at` moves.
    pub async fn put_forecast_system(&mut self, response_id: &str, s: &ForecastSystem) -> Result<()> {
        sqlx::query("DELETE FROM forecast_systems WHERE response_id = $1 AND system_key = $2")
            .bind(response_id)
            .bind(&s.key)
            .execute(&mut *self.tx)
            .await?;
        sqlx::query(
            "INSERT INTO forecast_systems (response_id, system_key, name, current_hosting, planned_year, target_type, change_kind, functions, \
             budget_krw, no_plan_reason, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(response_id)
        .bind(&s.key)
        .bind(&s.name)
        .bind(&s.current_hosting)
        .bind(s.planned_year)
        .bind(s.target_type.as_deref())
        .bind(s.change.as_deref())
        .bind(serde_json::to_string(&s.functions).unwrap_or_else(|_| "[]".into()))
        .bind(s.budget_krw)
        .bind(s.no_plan_reason.as_deref())
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        self.touch_forecast_response(response_id).await
    }

    /// Deletes a system; `false` when there was none.
    pub async fn delete_forecast_system(&mut self, response_id: &str, key: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM forecast_systems WHERE response_id = $1 AND system_key = $2")
            .bind(response_id)
            .bind(key)
            .execute(&mut *self.tx)
            .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        self.touch_forecast_response(response_id).await?;
        Ok(true)
    }

    /// A response's systems as the transaction sees them, by key.
    pub async fn forecast_systems(&mut self, response_id: &str) -> Result<Vec<ForecastSystem>> {
        let sql = format!("SELECT {SYSTEM_COLS} FROM forecast_systems s WHERE s.response_id = $1 ORDER BY s.system_key");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(response_id).fetch_all(&mut *self.tx).await?;
        rows.iter().map(system_from).collect()
    }

    /// How many systems a response holds.
    pub async fn forecast_system_count(&mut self, response_id: &str) -> Result<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM forecast_systems WHERE response_id = $1")
            .bind(response_id)
            .fetch_one(&mut *self.tx)
            .await?;
        Ok(row.try_get("n")?)
    }

    /// A change to a response puts it back to `draft` (its submission cleared): an edit after
    /// submitting counts in the reports again only once the response is submitted anew.
    async fn touch_forecast_response(&mut self, id: &str) -> Result<()> {
        sqlx::query(
            "UPDATE forecast_responses SET updated_at = $2, status = 'draft', submitted_at = NULL, submitted_by = NULL WHERE id = $1",
        )
        .bind(id)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Submits a response (again: a later submission moves `submitted_at`) — only while it holds
    /// a system (a concurrent delete of its last one wins); `false` when it holds none.
    pub async fn submit_forecast_response(&mut self, id: &str, by: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE forecast_responses SET status = 'submitted', submitted_at = $2, submitted_by = $3, updated_at = $2 WHERE id = $1 \
             AND EXISTS (SELECT 1 FROM forecast_systems s WHERE s.response_id = forecast_responses.id)",
        )
        .bind(id)
        .bind(self.now)
        .bind(by)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records a reminder; `false` when this one was sent already.
    pub async fn insert_forecast_reminder(&mut self, survey_id: &str, org_id: &str, threshold: i64) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO forecast_reminders (survey_id, org_id, threshold, sent_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (survey_id, org_id, threshold) DO NOTHING",
        )
        .bind(survey_id)
        .bind(org_id)
        .bind(threshold)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Sets an agency's kind.
    pub async fn set_agency_kind(&mut self, org_id: &str, kind: &str) -> Result<bool> {
        let done = sqlx::query("UPDATE organisations SET agency_kind = $2 WHERE id = $1 AND kind = 'agency'")
            .bind(org_id)
            .bind(kind)
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

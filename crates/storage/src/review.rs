//! The review committee's records (docs/RULES.md#review): settings, holidays, rounds,
//! applications with their steps, reviewers, votes and supplement requests, and reviewers'
//! declared ties. The rules (which status follows which, how votes tally) are the domain's
//! (`gureum_domain::review`); this module only reads and writes.

use crate::{Db, Result, StorageError, WriteTx};
use gureum_domain::review::{ApplicationStatus, RoundStatus, Verdicts};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::BTreeMap;

/// A round of the committee (차수).
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    pub id: String,
    pub name: String,
    /// YYYY-MM-DD.
    pub meets_on: String,
    pub status: RoundStatus,
    pub created_at: i64,
    pub closed_at: Option<i64>,
}

/// An application with what the lists show beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Application {
    pub id: String,
    pub service_id: String,
    pub revision: i64,
    pub supplier_id: String,
    pub supplier_name: String,
    pub code: String,
    pub service_name: String,
    pub status: ApplicationStatus,
    pub round_id: Option<String>,
    /// The outcome as JSON text, once decided.
    pub outcome: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub decided_at: Option<i64>,
    /// When its current status began.
    pub step_started_at: i64,
}

/// One status an application was in.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub step: ApplicationStatus,
    pub started_at: i64,
    pub ended_at: Option<i64>,
}

/// A reviewer assigned to an application.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignedReviewer {
    pub user_id: String,
    pub name: String,
    pub assigned_at: i64,
    pub recused_at: Option<i64>,
    pub recuse_reason: Option<String>,
    pub voted: bool,
}

/// One reviewer's vote.
#[derive(Debug, Clone, PartialEq)]
pub struct Vote {
    pub reviewer_id: String,
    pub verdicts: Verdicts,
    pub comments: BTreeMap<String, String>,
    pub innovativeness: String,
    pub created_at: i64,
}

/// A request for supplementary documents and its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplementRequest {
    pub id: String,
    pub requested_by: String,
    pub message: String,
    pub requested_at: i64,
    pub answered_at: Option<i64>,
    pub answer: Option<String>,
}

/// A tie a reviewer declared ahead (이해충돌 신고).
#[derive(Debug, Clone, PartialEq)]
pub struct DeclaredConflict {
    pub id: String,
    pub user_id: String,
    pub business_number: String,
    pub reason: String,
    pub created_at: i64,
}

/// Which applications a list shows: all of them, or those of one supplier, or those assigned to
/// one reviewer (not recused), narrowed by status and round.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter<'a> {
    pub supplier_id: Option<&'a str>,
    pub reviewer_id: Option<&'a str>,
    pub status: Option<ApplicationStatus>,
    pub round_id: Option<&'a str>,
    pub service_id: Option<&'a str>,
}

const APPLICATION_SELECT: &str = "SELECT a.id, a.service_id, a.revision, a.supplier_id, p.name AS supplier_name, s.code, \
     r.content, a.status, a.round_id, a.outcome, a.created_at, a.updated_at, a.decided_at, \
     (SELECT MAX(st.started_at) FROM application_steps st WHERE st.application_id = a.id) AS step_started_at \
     FROM applications a JOIN suppliers p ON p.id = a.supplier_id JOIN services s ON s.id = a.service_id \
     JOIN service_revisions r ON r.service_id = a.service_id AND r.revision = a.revision";

fn application_from(row: &AnyRow) -> Result<Application> {
    let status: String = row.try_get("status")?;
    let content: String = row.try_get("content")?;
    let id: String = row.try_get("id")?;
    let listing = gureum_domain::Listing::from_json(&content).map_err(|e| StorageError::Corrupt(format!("application {id}: {e}")))?;
    Ok(Application {
        service_id: row.try_get("service_id")?,
        revision: row.try_get("revision")?,
        supplier_id: row.try_get("supplier_id")?,
        supplier_name: row.try_get("supplier_name")?,
        code: row.try_get("code")?,
        service_name: listing.name,
        status: ApplicationStatus::parse(&status).ok_or_else(|| StorageError::Corrupt(format!("application status {status}")))?,
        round_id: row.try_get("round_id")?,
        outcome: row.try_get("outcome")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        decided_at: row.try_get("decided_at")?,
        step_started_at: row.try_get::<Option<i64>, _>("step_started_at")?.unwrap_or_default(),
        id,
    })
}

fn round_from(row: &AnyRow) -> Result<Round> {
    let status: String = row.try_get("status")?;
    Ok(Round {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        meets_on: row.try_get("meets_on")?,
        status: RoundStatus::parse(&status).ok_or_else(|| StorageError::Corrupt(format!("round status {status}")))?,
        created_at: row.try_get("created_at")?,
        closed_at: row.try_get("closed_at")?,
    })
}

fn vote_from(row: &AnyRow) -> Result<Vote> {
    let verdicts: String = row.try_get("verdicts")?;
    let comments: String = row.try_get("comments")?;
    Ok(Vote {
        reviewer_id: row.try_get("reviewer_id")?,
        verdicts: serde_json::from_str(&verdicts).map_err(|e| StorageError::Corrupt(format!("vote verdicts: {e}")))?,
        comments: serde_json::from_str(&comments).map_err(|e| StorageError::Corrupt(format!("vote comments: {e}")))?,
        innovativeness: row.try_get("innovativeness")?,
        created_at: row.try_get("created_at")?,
    })
}

const ROUND_SELECT: &str = "SELECT id, name, meets_on, status, created_at, closed_at FROM review_rounds";
const VOTE_SELECT: &str = "SELECT reviewer_id, verdicts, comments, innovativeness, created_at FROM review_votes";

impl Db {
    /// A setting's JSON text, when the operator saved one.
    pub async fn setting(&self, name: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT value FROM settings WHERE name = $1").bind(name).fetch_optional(&self.pool).await?;
        Ok(row.map(|r| r.try_get("value")).transpose()?)
    }

    /// The public holidays, as (YYYY-MM-DD, name), in date order.
    pub async fn holidays(&self) -> Result<Vec<(String, String)>> {
        let rows = sqlx::query("SELECT day, name FROM holidays ORDER BY day").fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok((r.try_get("day")?, r.try_get("name")?))).collect()
    }

    /// Every round, the latest meeting first.
    pub async fn rounds(&self) -> Result<Vec<Round>> {
        let sql = format!("{ROUND_SELECT} ORDER BY meets_on DESC, created_at DESC");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(round_from).collect()
    }

    pub async fn round(&self, id: &str) -> Result<Option<Round>> {
        let sql = format!("{ROUND_SELECT} WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(round_from).transpose()
    }

    pub async fn application(&self, id: &str) -> Result<Option<Application>> {
        let sql = format!("{APPLICATION_SELECT} WHERE a.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(application_from).transpose()
    }

    /// Applications as the filter says, oldest first.
    pub async fn applications(&self, f: &ApplicationFilter<'_>) -> Result<Vec<Application>> {
        let reviewer = "EXISTS (SELECT 1 FROM application_reviewers ar WHERE ar.application_id = a.id AND ar.user_id = ? AND ar.recused_at IS NULL)";
        let wanted = [
            ("a.supplier_id = ?", f.supplier_id),
            (reviewer, f.reviewer_id),
            ("a.status = ?", f.status.map(ApplicationStatus::as_str)),
            ("a.round_id = ?", f.round_id),
            ("a.service_id = ?", f.service_id),
        ];
        let mut conds = Vec::new();
        let mut binds = Vec::new();
        for (cond, value) in wanted {
            if let Some(v) = value {
                binds.push(v);
                conds.push(cond.replace('?', &format!("${}", binds.len())));
            }
        }
        let filter = if conds.is_empty() { String::new() } else { format!(" WHERE {}", conds.join(" AND ")) };
        let sql = format!("{APPLICATION_SELECT}{filter} ORDER BY a.created_at, a.id");
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in binds {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(application_from).collect()
    }

    /// The statuses an application went through, in order.
    pub async fn application_steps(&self, id: &str) -> Result<Vec<Step>> {
        let rows = sqlx::query("SELECT step, started_at, ended_at FROM application_steps WHERE application_id = $1 ORDER BY seq")
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let step: String = r.try_get("step")?;
                Ok(Step {
                    step: ApplicationStatus::parse(&step).ok_or_else(|| StorageError::Corrupt(format!("step {step}")))?,
                    started_at: r.try_get("started_at")?,
                    ended_at: r.try_get("ended_at")?,
                })
            })
            .collect()
    }

    /// The reviewers assigned to an application (recused ones too), in assignment order.
    pub async fn application_reviewers(&self, id: &str) -> Result<Vec<AssignedReviewer>> {
        let rows = sqlx::query(
            "SELECT ar.user_id, u.name, ar.assigned_at, ar.recused_at, ar.recuse_reason, \
             (SELECT COUNT(*) FROM review_votes v WHERE v.application_id = ar.application_id AND v.reviewer_id = ar.user_id) AS votes \
             FROM application_reviewers ar JOIN users u ON u.id = ar.user_id WHERE ar.application_id = $1 ORDER BY ar.assigned_at, u.name",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AssignedReviewer {
                    user_id: r.try_get("user_id")?,
                    name: r.try_get("name")?,
                    assigned_at: r.try_get("assigned_at")?,
                    recused_at: r.try_get("recused_at")?,
                    recuse_reason: r.try_get("recuse_reason")?,
                    voted: r.try_get::<i64, _>("votes")? > 0,
                })
            })
            .collect()
    }

    pub async fn application_votes(&self, id: &str) -> Result<Vec<Vote>> {
        let sql = format!("{VOTE_SELECT} WHERE application_id = $1 ORDER BY created_at, reviewer_id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_all(&self.pool).await?;
        rows.iter().map(vote_from).collect()
    }

    pub async fn supplement_requests(&self, application_id: &str) -> Result<Vec<SupplementRequest>> {
        let rows = sqlx::query(
            "SELECT id, requested_by, message, requested_at, answered_at, answer FROM supplement_requests \
             WHERE application_id = $1 ORDER BY requested_at, id",
        )
        .bind(application_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SupplementRequest {
                    id: r.try_get("id")?,
                    requested_by: r.try_get("requested_by")?,
                    message: r.try_get("message")?,
                    requested_at: r.try_get("requested_at")?,
                    answered_at: r.try_get("answered_at")?,
                    answer: r.try_get("answer")?,
                })
            })
            .collect()
    }

    /// The ties a reviewer declared, newest first.
    pub async fn declared_conflicts(&self, user_id: &str) -> Result<Vec<DeclaredConflict>> {
        let rows = sqlx::query(
            "SELECT id, user_id, business_number, reason, created_at FROM reviewer_conflicts WHERE user_id = $1 ORDER BY created_at DESC, id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(conflict_from).collect()
    }

    /// The round in which a service's revision was selected, with its name, when it was.
    pub async fn selection_round(&self, service_id: &str, revision: i64) -> Result<Option<Round>> {
        let sql = format!(
            "{ROUND_SELECT} WHERE id = (SELECT round_id FROM applications WHERE service_id = $1 AND revision = $2 AND status = 'selected')"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(service_id).bind(revision).fetch_optional(&self.pool).await?;
        row.as_ref().map(round_from).transpose()
    }
}

fn conflict_from(r: &AnyRow) -> Result<DeclaredConflict> {
    Ok(DeclaredConflict {
        id: r.try_get("id")?,
        user_id: r.try_get("user_id")?,
        business_number: r.try_get("business_number")?,
        reason: r.try_get("reason")?,
        created_at: r.try_get("created_at")?,
    })
}

impl WriteTx {
    /// Saves a setting's JSON text.
    pub async fn put_setting(&mut self, name: &str, value: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO settings (name, value, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(name)
        .bind(value)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// A setting's JSON text, read inside the transaction.
    pub async fn setting(&mut self, name: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT value FROM settings WHERE name = $1").bind(name).fetch_optional(&mut *self.tx).await?;
        Ok(row.map(|r| r.try_get("value")).transpose()?)
    }

    pub async fn insert_round(&mut self, id: &str, name: &str, meets_on: &str) -> Result<()> {
        sqlx::query("INSERT INTO review_rounds (id, name, meets_on, status, created_at) VALUES ($1, $2, $3, 'open', $4)")
            .bind(id)
            .bind(name)
            .bind(meets_on)
            .bind(self.now)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    pub async fn round(&mut self, id: &str) -> Result<Option<Round>> {
        let sql = format!("{ROUND_SELECT} WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *self.tx).await?;
        row.as_ref().map(round_from).transpose()
    }

    pub async fn close_round(&mut self, id: &str) -> Result<()> {
        sqlx::query("UPDATE review_rounds SET status = 'closed', closed_at = $1 WHERE id = $2")
            .bind(self.now)
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    pub async fn application(&mut self, id: &str) -> Result<Option<Application>> {
        let sql = format!("{APPLICATION_SELECT} WHERE a.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *self.tx).await?;
        row.as_ref().map(application_from).transpose()
    }

    /// The undecided application of a service's revision, if any.
    pub async fn open_application_of(&mut self, service_id: &str, revision: i64) -> Result<Option<Application>> {
        let sql = format!(
            "{APPLICATION_SELECT} WHERE a.service_id = $1 AND a.revision = $2 AND a.status NOT IN ('selected', 'not_selected', 'withdrawn')"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(service_id).bind(revision).fetch_optional(&mut *self.tx).await?;
        row.as_ref().map(application_from).transpose()
    }

    /// The applications of a round, oldest first.
    pub async fn round_applications(&mut self, round_id: &str) -> Result<Vec<Application>> {
        let sql = format!("{APPLICATION_SELECT} WHERE a.round_id = $1 ORDER BY a.created_at, a.id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(round_id).fetch_all(&mut *self.tx).await?;
        rows.iter().map(application_from).collect()
    }

    /// Opens an application of a submitted revision; its first step (`received`) starts now. A
    /// revision applied for before (and withdrawn) is applied for again under the same id.
    pub async fn insert_application(&mut self, id: &str, service_id: &str, revision: i64, supplier_id: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO applications (id, service_id, revision, supplier_id, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'received', $5, $5)",
        )
        .bind(id)
        .bind(service_id)
        .bind(revision)
        .bind(supplier_id)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        self.start_step(id, ApplicationStatus::Received).await
    }

    /// The application of a service's revision, whatever its status.
    pub async fn application_of_revision(&mut self, service_id: &str, revision: i64) -> Result<Option<Application>> {
        let sql = format!("{APPLICATION_SELECT} WHERE a.service_id = $1 AND a.revision = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(service_id).bind(revision).fetch_optional(&mut *self.tx).await?;
        row.as_ref().map(application_from).transpose()
    }

    /// Opens a withdrawn application again (the same revision submitted anew): it is received
    /// again, out of any round, its reviewers and votes kept as history.
    pub async fn reopen_application(&mut self, id: &str) -> Result<()> {
        sqlx::query("UPDATE applications SET status = 'received', round_id = NULL, outcome = NULL, decided_at = NULL, updated_at = $1 WHERE id = $2")
            .bind(self.now)
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        sqlx::query("DELETE FROM review_votes WHERE application_id = $1").bind(id).execute(&mut *self.tx).await?;
        sqlx::query("DELETE FROM application_reviewers WHERE application_id = $1").bind(id).execute(&mut *self.tx).await?;
        self.start_step(id, ApplicationStatus::Received).await
    }

    async fn start_step(&mut self, id: &str, step: ApplicationStatus) -> Result<()> {
        sqlx::query("UPDATE application_steps SET ended_at = $1 WHERE application_id = $2 AND ended_at IS NULL")
            .bind(self.now)
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        sqlx::query(
            "INSERT INTO application_steps (application_id, seq, step, started_at) \
             VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM application_steps WHERE application_id = $1), $2, $3)",
        )
        .bind(id)
        .bind(step.as_str())
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Moves an application to a new status: the current step ends now and the new one starts
    /// (a final status is a step that never ends). Nothing is written when the status stays.
    pub async fn set_application_status(&mut self, id: &str, from: ApplicationStatus, to: ApplicationStatus) -> Result<()> {
        if from == to {
            return Ok(());
        }
        let decided = if to.is_final() { Some(self.now) } else { None };
        sqlx::query("UPDATE applications SET status = $1, updated_at = $2, decided_at = COALESCE($3, decided_at) WHERE id = $4")
            .bind(to.as_str())
            .bind(self.now)
            .bind(decided)
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        self.start_step(id, to).await?;
        if to.is_final() {
            sqlx::query("UPDATE application_steps SET ended_at = $1 WHERE application_id = $2 AND ended_at IS NULL")
                .bind(self.now)
                .bind(id)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    pub async fn set_application_round(&mut self, id: &str, round_id: &str) -> Result<()> {
        sqlx::query("UPDATE applications SET round_id = $1, updated_at = $2 WHERE id = $3")
            .bind(round_id)
            .bind(self.now)
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    pub async fn set_application_outcome(&mut self, id: &str, outcome: &str) -> Result<()> {
        sqlx::query("UPDATE applications SET outcome = $1, updated_at = $2 WHERE id = $3")
            .bind(outcome)
            .bind(self.now)
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// The user ids assigned to an application and whether each has recused itself.
    pub async fn reviewers_of(&mut self, application_id: &str) -> Result<Vec<(String, bool)>> {
        let rows = sqlx::query("SELECT user_id, recused_at FROM application_reviewers WHERE application_id = $1")
            .bind(application_id)
            .fetch_all(&mut *self.tx)
            .await?;
        rows.iter().map(|r| Ok((r.try_get("user_id")?, r.try_get::<Option<i64>, _>("recused_at")?.is_some()))).collect()
    }

    /// Assigns a reviewer (a recused one is not assigned again by this).
    pub async fn add_reviewer(&mut self, application_id: &str, user_id: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO application_reviewers (application_id, user_id, assigned_at) VALUES ($1, $2, $3) \
             ON CONFLICT (application_id, user_id) DO NOTHING",
        )
        .bind(application_id)
        .bind(user_id)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    pub async fn recuse_reviewer(&mut self, application_id: &str, user_id: &str, reason: &str) -> Result<()> {
        sqlx::query("UPDATE application_reviewers SET recused_at = $1, recuse_reason = $2 WHERE application_id = $3 AND user_id = $4")
            .bind(self.now)
            .bind(reason)
            .bind(application_id)
            .bind(user_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    pub async fn application_votes(&mut self, id: &str) -> Result<Vec<Vote>> {
        let sql = format!("{VOTE_SELECT} WHERE application_id = $1 ORDER BY created_at, reviewer_id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_all(&mut *self.tx).await?;
        rows.iter().map(vote_from).collect()
    }

    pub async fn insert_vote(&mut self, application_id: &str, reviewer_id: &str, vote: &Vote) -> Result<()> {
        let verdicts = serde_json::to_string(&vote.verdicts).map_err(|e| StorageError::Corrupt(e.to_string()))?;
        let comments = serde_json::to_string(&vote.comments).map_err(|e| StorageError::Corrupt(e.to_string()))?;
        sqlx::query(
            "INSERT INTO review_votes (application_id, reviewer_id, verdicts, comments, innovativeness, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(application_id)
        .bind(reviewer_id)
        .bind(verdicts)
        .bind(comments)
        .bind(&vote.innovativeness)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    pub async fn insert_supplement_request(&mut self, id: &str, application_id: &str, requested_by: &str, message: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO supplement_requests (id, application_id, requested_by, message, requested_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(application_id)
        .bind(requested_by)
        .bind(message)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Answers every open supplement request of an application.
    pub async fn answer_supplement(&mut self, application_id: &str, answer: &str) -> Result<()> {
        sqlx::query("UPDATE supplement_requests SET answered_at = $1, answer = $2 WHERE application_id = $3 AND answered_at IS NULL")
            .bind(self.now)
            .bind(answer)
            .bind(application_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Who asked for the open supplement requests of an application (to tell them it is in).
    pub async fn supplement_requesters(&mut self, application_id: &str) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT DISTINCT requested_by FROM supplement_requests WHERE application_id = $1 AND answered_at IS NULL")
            .bind(application_id)
            .fetch_all(&mut *self.tx)
            .await?;
        rows.iter().map(|r| Ok(r.try_get("requested_by")?)).collect()
    }

    pub async fn insert_declared_conflict(&mut self, id: &str, user_id: &str, business_number: &str, reason: &str) -> Result<()> {
        sqlx::query("INSERT INTO reviewer_conflicts (id, user_id, business_number, reason, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(user_id)
            .bind(business_number)
            .bind(reason)
            .bind(self.now)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// The business numbers a reviewer declared ties with.
    pub async fn declared_business_numbers(&mut self, user_id: &str) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT business_number FROM reviewer_conflicts WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(&mut *self.tx)
            .await?;
        rows.iter().map(|r| Ok(r.try_get("business_number")?)).collect()
    }

    pub async fn declared_conflict(&mut self, id: &str) -> Result<Option<DeclaredConflict>> {
        let row = sqlx::query("SELECT id, user_id, business_number, reason, created_at FROM reviewer_conflicts WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?;
        row.as_ref().map(conflict_from).transpose()
    }
}

impl WriteTx {
    /// Replaces the content of a revision waiting for its decision (the committee's selection
    /// dates are written into it as it is listed).
    pub async fn set_pending_revision_content(&mut self, service_id: &str, revision: i64, listing: &gureum_domain::Listing) -> Result<()> {
        let (json, digest) = crate::content_digest(listing);
        let r = sqlx::query(
            "UPDATE service_revisions SET content = $1, content_sha256 = $2 WHERE service_id = $3 AND revision = $4 AND state IN ('submitted', 'in_review')",
        )
        .bind(&json)
        .bind(&digest)
        .bind(service_id)
        .bind(revision)
        .execute(&mut *self.tx)
        .await?;
        if r.rows_affected() != 1 {
            return Err(StorageError::Corrupt(format!("revision {revision} of {service_id} is not waiting for a decision")));
        }
        Ok(())
    }
}

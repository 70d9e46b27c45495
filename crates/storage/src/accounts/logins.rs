//! Failed logins and the lock-out (SPEC §3 "Accounts": the 5th failure in a row locks for 15
//! minutes), decided so that concurrent attempts cannot race past it.
//!
//! An attempt is *claimed* before its password is checked, in one statement that both reads the
//! lock and counts the attempt: while the account is locked, or while as many attempts as the
//! limit are already counted (failed, or still being checked), the claim is refused. A burst of
//! concurrent wrong passwords therefore gets at most the limit's number of checks. A claimed
//! attempt counts as a failure until the check succeeds; a success takes the count back only if
//! the account is not locked at that moment, in one statement too, so a correct password inside
//! a burst cannot clear the lock the burst set.

use super::*;

impl Db {
    /// Claims one password check for a person: false while the account is locked or while `max`
    /// attempts are already counted. A lock that has run out is cleared and the count starts
    /// again at this attempt.
    pub async fn claim_login_attempt(&self, user_id: &str, max: i64, now: i64) -> Result<bool> {
        let r = sqlx::query(
            "UPDATE users SET \
               failed_logins = CASE WHEN locked_until IS NULL THEN failed_logins + 1 ELSE 1 END, \
               locked_until = NULL \
             WHERE id = $1 AND ((locked_until IS NULL AND failed_logins < $2) OR locked_until <= $3)",
        )
        .bind(user_id)
        .bind(max)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() == 1)
    }
}

/// What a failed check did to the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginFailure {
    /// Failures counted in a row (attempts still being checked included).
    pub failures: i64,
    /// This failure locked the account.
    pub locked: bool,
}

impl WriteTx {
    /// Keeps a claimed attempt as a failure; once `lock_at` are counted, locks the account until
    /// `lock_until` (one statement decides, so only one failure of a burst locks it).
    pub async fn login_failed(&mut self, user_id: &str, lock_at: i64, lock_until: i64) -> Result<LoginFailure> {
        let r = sqlx::query(
            "UPDATE users SET locked_until = $1, updated_at = $2 WHERE id = $3 AND locked_until IS NULL AND failed_logins >= $4",
        )
        .bind(lock_until)
        .bind(self.now)
        .bind(user_id)
        .bind(lock_at)
        .execute(&mut *self.tx)
        .await?;
        let row = sqlx::query("SELECT failed_logins FROM users WHERE id = $1").bind(user_id).fetch_one(&mut *self.tx).await?;
        Ok(LoginFailure { failures: row.try_get("failed_logins")?, locked: r.rows_affected() == 1 })
    }

    /// A claimed attempt succeeded: the count starts again, unless the account is locked at
    /// this moment (false: the lock stands and the success must be refused).
    pub async fn login_succeeded(&mut self, user_id: &str, now: i64) -> Result<bool> {
        let r = sqlx::query(
            "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $2)",
        )
        .bind(user_id)
        .bind(now)
        .execute(&mut *self.tx)
        .await?;
        Ok(r.rows_affected() == 1)
    }
}

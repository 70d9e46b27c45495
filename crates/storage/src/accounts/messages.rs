//! What people are told: e-mails queued in the outbox and in-app notifications.

use super::*;

impl WriteTx {
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

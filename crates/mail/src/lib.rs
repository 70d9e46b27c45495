//! The mail worker: takes the mails the outbox holds (written in the same transaction as the
//! change that caused them) and hands them to an SMTP relay.
//!
//! Each pass leases a batch first, so any number of app instances can run the worker against one
//! database without sending a mail twice; a failed mail is retried with exponential backoff.
//! Delivery is at least once: a crash between the SMTP server's `250` and the database's
//! "sent" leaves the mail to be sent again when its lease ends. The `Message-ID` is derived
//! from the outbox id, so such a repeat is recognisable by the receiver.
//!
//! Transport is plain SMTP (no TLS yet), see [`MailConfig`].

mod config;

pub use config::{DEFAULT_FROM, MailConfig};

use gureum_storage::{Db, OutboxMail, StorageError};
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::{Duration, Instant};

/// How many mails one pass leases at most.
pub const BATCH: i64 = 50;
/// How long a pass holds its mails; a worker that dies frees them after this.
pub const LEASE: Duration = Duration::from_secs(5 * 60);
/// The first retry waits this long, doubling with every failed attempt…
pub const BACKOFF_BASE: Duration = Duration::from_secs(60);
/// …up to this.
pub const BACKOFF_CAP: Duration = Duration::from_secs(60 * 60);
/// Per SMTP command; keeps one dead relay from eating the whole lease.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);
/// A pass stops starting new sends this long before its lease ends, so no mail is still being
/// sent when another instance may claim it.
const LEASE_MARGIN: Duration = Duration::from_secs(60);
/// `last_error` is for people; a relay's multi-line rant is cut.
const MAX_ERROR_CHARS: usize = 1000;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid SMTP URL: {0}")]
    InvalidUrl(String),
    #[error("invalid sender address {from:?}: {reason}")]
    InvalidFrom { from: String, reason: String },
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// The wait before the next attempt of a mail that has failed `attempts` times before this
/// failure: 1 min × 2^attempts, at most 1 hour.
pub fn backoff(attempts: i64) -> Duration {
    // 2^6 min already passes the cap; clamping first keeps the shift from overflowing.
    let exp = attempts.clamp(0, 6) as u32;
    (BACKOFF_BASE * 2u32.pow(exp)).min(BACKOFF_CAP)
}

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

/// One pass over the outbox: leases up to [`BATCH`] due mails for [`LEASE`], sends each, and
/// marks it sent, or failed with the next attempt [`backoff`] later. Returns how many were sent.
/// A mail that fails is not an error of the pass; an unreadable configuration or the database
/// is.
#[tracing::instrument(skip_all, fields(relay = %cfg.smtp_host, port = cfg.smtp_port))]
pub async fn send_pending(db: &Db, cfg: &MailConfig) -> Result<usize, MailError> {
    let from: Mailbox = cfg
        .from
        .parse()
        .map_err(|e: lettre::address::AddressError| MailError::InvalidFrom { from: cfg.from.clone(), reason: e.to_string() })?;
    let started = Instant::now();
    let now = db.clock().now_micros();
    let mails = db.claim_mail(now, now.saturating_add(micros(LEASE)), BATCH).await?;
    if mails.is_empty() {
        return Ok(0);
    }
    let transport = transport(cfg, &from);
    let mut sent = 0;
    let claimed = mails.len();
    for mail in mails {
        // Measured on the real clock: the database clock may be fixed (demos, tests).
        if started.elapsed() + LEASE_MARGIN >= LEASE {
            tracing::warn!(claimed, sent, "lease nearly over; the rest waits for the next pass");
            break;
        }
        match deliver(&transport, &from, &mail).await {
            Ok(()) => {
                db.mark_mail_sent(&mail.id, db.clock().now_micros()).await?;
                sent += 1;
            }
            Err(error) => {
                let wait = backoff(mail.attempts);
                tracing::warn!(id = %mail.id, attempts = mail.attempts + 1, retry_in_s = wait.as_secs(), %error, "mail not sent");
                let error: String = error.chars().take(MAX_ERROR_CHARS).collect();
                db.mark_mail_failed(&mail.id, &error, db.clock().now_micros().saturating_add(micros(wait))).await?;
            }
        }
    }
    tracing::debug!(claimed, sent, "mail pass done");
    Ok(sent)
}

/// Runs [`send_pending`] forever, every `poll` (at once again after a full batch). Errors are
/// logged and the loop goes on; stop it by dropping or aborting its task.
pub async fn run_worker(db: Db, cfg: MailConfig, poll: Duration) {
    tracing::info!(relay = %cfg.smtp_host, port = cfg.smtp_port, poll_ms = poll.as_millis() as u64, "mail worker started");
    loop {
        match send_pending(&db, &cfg).await {
            Ok(n) if n as i64 >= BATCH => continue,
            Ok(n) if n > 0 => tracing::info!(sent = n, "mail sent"),
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "mail pass failed"),
        }
        tokio::time::sleep(poll).await;
    }
}

fn transport(cfg: &MailConfig, from: &Mailbox) -> AsyncSmtpTransport<Tokio1Executor> {
    // No TLS: `builder_dangerous` speaks plain SMTP (see `MailConfig`).
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(cfg.smtp_host.as_str())
        .port(cfg.smtp_port)
        .timeout(Some(SMTP_TIMEOUT))
        // Relays often refuse `EHLO localhost`; greet with the sender's domain.
        .hello_name(ClientId::Domain(from.email.domain().to_owned()));
    if let Some(user) = &cfg.username {
        builder = builder.credentials(Credentials::new(user.clone(), cfg.password.clone().unwrap_or_default()));
    }
    builder.build()
}

/// Builds and sends one mail; the error is what `last_error` records.
async fn deliver(transport: &AsyncSmtpTransport<Tokio1Executor>, from: &Mailbox, mail: &OutboxMail) -> Result<(), String> {
    let to: Mailbox = mail.to_addr.parse().map_err(|e| format!("invalid recipient {:?}: {e}", mail.to_addr))?;
    let message = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.as_str())
        .message_id(Some(format!("<{}@{}>", mail.id, from.email.domain())))
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body.clone())
        .map_err(|e| format!("cannot build the message: {e}"))?;
    transport.send(message).await.map_err(|e| smtp_error_text(&e))?;
    Ok(())
}

/// The error with its causes (lettre's own text often just says "Connection error").
fn smtp_error_text(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let part = cause.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_one_minute_and_caps_at_an_hour() {
        let mins = |a| backoff(a).as_secs() / 60;
        assert_eq!([0, 1, 2, 3, 4, 5].map(mins), [1, 2, 4, 8, 16, 32]);
        assert_eq!(mins(6), 60);
        assert_eq!(mins(7), 60);
        assert_eq!(mins(1_000), 60);
        assert_eq!(mins(i64::MAX), 60);
        assert_eq!(mins(-3), 1);
    }

    #[test]
    fn default_sender_parses() {
        let from: Mailbox = DEFAULT_FROM.parse().expect("default sender");
        assert_eq!(from.email.to_string(), "no-reply@gureum.kr");
        assert_eq!(from.name.as_deref(), Some("구름 Gureum"));
    }
}

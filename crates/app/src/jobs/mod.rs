//! The scheduled jobs inside `serve` (docs/RULES.md#jobs-and-notices): certificate notices,
//! selection reminders and expiry, and debarments beginning and ending.
//!
//! Every instance runs the same loop; a job runs on the instance that holds its lease in the
//! database. A lease is taken only when it is free or has run out (one conditional statement),
//! renewed while the job runs, and left to run out when its holder dies, so another instance
//! takes over. Leases count real time (a fixed `GUREUM_NOW` never advances, and a dead holder
//! must still lose its lease); what is due is decided with the injectable clock's Asia/Seoul
//! date. A job runs once per date (its lease row records the date of its last complete run),
//! except billing, which runs on every pass so that late usage shows on its draft within one
//! interval ([`Job::once_a_day`]);
//! each notice is recorded in the transaction that sends it, so two holders at once (a lease
//! that ran out under a slow run) still send each notice once.

pub mod notices;

use crate::context::Context;
use crate::error::Result;
use std::time::Duration;

/// One scheduled job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Job {
    CertificateNotices,
    Selections,
    Debarments,
    /// Drafts and recomputes invoices of ended billing periods (issue #24).
    Billing,
    /// Spend warnings at 70/90/100 % of contracts' caps and budget lines (issue #24).
    SpendWarnings,
    /// Demand forecast reminders 14, 7 and 1 days before a survey's close (issue #26).
    ForecastReminders,
}

impl Job {
    pub const ALL: [Job; 6] =
        [Self::CertificateNotices, Self::Selections, Self::Debarments, Self::Billing, Self::SpendWarnings, Self::ForecastReminders];

    /// Its lease's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::CertificateNotices => "certificate_notices",
            Self::Selections => "selections",
            Self::Debarments => "debarments",
            Self::Billing => "billing",
            Self::SpendWarnings => "spend_warnings",
            Self::ForecastReminders => "forecast_reminders",
        }
    }

    /// Whether the job runs once per Asia/Seoul date (the notices); the billing job runs on
    /// every pass instead, so accepted usage shows on its draft within one interval.
    pub fn once_a_day(self) -> bool {
        !matches!(self, Self::Billing)
    }

    /// Runs the job once for the context's date, whoever holds the lease (tests move the clock
    /// with [`Context::with_clock`] and call this). Answers how many things it did.
    pub async fn run(self, ctx: &Context) -> Result<usize> {
        Ok(match self {
            Self::CertificateNotices => notices::certificate_notices(ctx).await?,
            Self::Selections => {
                let r = notices::selections(ctx).await?;
                r.reminders + r.expired.len()
            }
            Self::Debarments => {
                let r = crate::debarments::run_job(ctx).await?;
                r.suspended.len() + r.relisted.len()
            }
            Self::Billing => crate::usage::invoices::run_job(ctx).await?,
            Self::SpendWarnings => crate::usage::spend::run_job(ctx).await?,
            Self::ForecastReminders => crate::forecast::reminders::run_job(ctx).await?,
        })
    }
}

/// How often the loop looks and how long a lease lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub interval: Duration,
    pub lease: Duration,
}

impl Default for Schedule {
    fn default() -> Self {
        Self { interval: Duration::from_secs(60), lease: Duration::from_secs(60) }
    }
}

impl Schedule {
    /// From `GUREUM_JOB_INTERVAL_SECS` and `GUREUM_JOB_LEASE_SECS` (whole seconds ≥ 1; 60 each
    /// by default).
    pub fn from_env() -> std::result::Result<Self, String> {
        let secs = |name: &str, default: u64| match std::env::var(name) {
            Ok(v) if !v.trim().is_empty() => match v.trim().parse::<u64>() {
                Ok(n) if n >= 1 => Ok(n),
                _ => Err(format!("{name} must be a whole number of seconds, at least 1 (got {v:?})")),
            },
            _ => Ok(default),
        };
        Ok(Self {
            interval: Duration::from_secs(secs("GUREUM_JOB_INTERVAL_SECS", 60)?),
            lease: Duration::from_secs(secs("GUREUM_JOB_LEASE_SECS", 60)?),
        })
    }
}

/// Real time (µs since the epoch), which leases count in.
pub fn real_now_micros() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_micros() as i64)
}

/// A name for this instance as a lease holder: unique per process.
pub fn holder_id() -> String {
    format!("{}-{}", std::process::id(), &uuid::Uuid::new_v4().simple().to_string()[..12])
}

async fn take(ctx: &Context, job: Job, holder: &str, lease: Duration) -> Result<bool> {
    let now = real_now_micros();
    Ok(ctx.db().take_lease(job.name(), holder, now, now + lease.as_micros() as i64).await?)
}

/// Renews the lease every third of its length; returns when it was lost (or cannot be renewed).
async fn keep(ctx: &Context, job: Job, holder: &str, lease: Duration) {
    loop {
        tokio::time::sleep(lease / 3).await;
        match take(ctx, job, holder, lease).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(job = job.name(), "lost the job's lease; stopping it");
                return;
            }
            Err(e) => {
                tracing::warn!(job = job.name(), error = %e, "could not renew the job's lease; stopping it");
                return;
            }
        }
    }
}

/// What one pass did with a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// Another instance holds it.
    HeldElsewhere,
    /// Already done for today.
    DoneToday,
    /// Ran to the end, doing this many things.
    Ran(usize),
    /// Stopped: the lease was lost, or the job failed (logged); the next pass tries again.
    Stopped,
}

/// One pass over every job: takes (or renews) each lease, and runs what holds and is not done
/// for today, renewing the lease meanwhile.
pub async fn pass(ctx: &Context, holder: &str, schedule: Schedule) -> Vec<(Job, Pass)> {
    let mut out = Vec::new();
    for job in Job::ALL {
        out.push((job, pass_one(ctx, job, holder, schedule).await));
    }
    out
}

async fn pass_one(ctx: &Context, job: Job, holder: &str, schedule: Schedule) -> Pass {
    match take(ctx, job, holder, schedule.lease).await {
        Ok(true) => {}
        Ok(false) => return Pass::HeldElsewhere,
        Err(e) => {
            tracing::warn!(job = job.name(), error = %e, "could not take the job's lease");
            return Pass::Stopped;
        }
    }
    let today = ctx.clock().today();
    let today_s = gureum_domain::clock::format_date(today);
    match ctx.db().lease(job.name()).await {
        Ok(Some(l)) if job.once_a_day() && l.done_on.as_deref() == Some(today_s.as_str()) => return Pass::DoneToday,
        Ok(_) => {}
        Err(e) => {
            tracing::warn!(job = job.name(), error = %e, "could not read the job's lease");
            return Pass::Stopped;
        }
    }
    // Dropping the job's future when the lease is lost rolls its open transaction back.
    let outcome = tokio::select! {
        r = job.run(ctx) => Some(r),
        () = keep(ctx, job, holder, schedule.lease) => None,
    };
    match outcome {
        Some(Ok(n)) => {
            if let Err(e) = ctx.db().mark_job_done(job.name(), holder, today).await {
                tracing::warn!(job = job.name(), error = %e, "could not record the job's run");
            }
            if n > 0 {
                tracing::info!(job = job.name(), done = n, day = %today_s, "job ran");
            }
            Pass::Ran(n)
        }
        Some(Err(e)) => {
            tracing::error!(job = job.name(), error = %e, "job failed; the next pass tries again");
            Pass::Stopped
        }
        None => Pass::Stopped,
    }
}

/// The loop `serve` runs: a pass, then a pause of `schedule.interval`, for ever.
pub async fn run_forever(ctx: Context, holder: String, schedule: Schedule) {
    tracing::info!(holder = %holder, interval_s = schedule.interval.as_secs(), lease_s = schedule.lease.as_secs(), "scheduled jobs start");
    loop {
        pass(&ctx, &holder, schedule).await;
        tokio::time::sleep(schedule.interval).await;
    }
}

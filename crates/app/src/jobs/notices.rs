//! The certificate and selection jobs (docs/RULES.md#jobs-and-notices): notices to the supplier
//! as a certificate's or a selection's end approaches, and the selection's expiry the day after
//! it. Each notice is recorded in `sent_notices` in the transaction that writes it (in the app
//! and in the outbox), so it is sent once per service, kind, threshold and end date whatever
//! restarts or other instances do.

use crate::context::Context;
use crate::debarments::{SYSTEM, tell_supplier};
use crate::error::Result;
use crate::lifecycle::standing;
use gureum_domain::ServiceStatus;
use gureum_domain::clock::format_date;
use gureum_domain::lifecycle::{Action, Actor, decide};
use gureum_domain::notice::{CERTIFICATE_DAYS, Due, SELECTION_DAYS, due, selection_ended};
use gureum_storage::{NewAuditEvent, ServiceRecord};
use serde_json::json;
use time::Date;

/// Services read at a time.
const PAGE: i64 = 500;

pub const CERTIFICATE: &str = "certificate";
pub const SELECTION: &str = "selection";

/// Every listed and suspended service, a page at a time.
#[derive(Default)]
struct Pages {
    after: String,
    done: bool,
}

impl Pages {
    async fn next(&mut self, ctx: &Context) -> Result<Option<Vec<ServiceRecord>>> {
        if self.done {
            return Ok(None);
        }
        let page = ctx.db().job_services(&self.after, PAGE).await?;
        self.done = (page.len() as i64) < PAGE;
        match page.last() {
            Some(last) => self.after = last.id.clone(),
            None => return Ok(None),
        }
        Ok(Some(page))
    }
}

/// Writes one notice unless it was sent already; answers whether it was sent now.
async fn send_once(ctx: &Context, rec: &ServiceRecord, kind: &str, due: Due, ends_on: Date, ko: &str, en: &str) -> Result<bool> {
    let mut tx = ctx.db().begin_write().await?;
    if !tx.insert_sent_notice(&rec.id, kind, &due.key(), ends_on).await? {
        tx.rollback().await?;
        return Ok(false);
    }
    tx.audit(NewAuditEvent::new(SYSTEM, "service.notice", "service", &rec.id).after(json!({
        "kind": kind, "threshold": due.key(), "ends_on": format_date(ends_on)
    })))
    .await?;
    tell_supplier(ctx, &mut tx, &rec.supplier.id, &format!("{kind}.{}", due.key()), ko, en).await?;
    tx.commit().await?;
    Ok(true)
}

/// Certificate notices: 90, 60 and 30 days before a listed or suspended service's certificate
/// ends, and after it ended. Answers how many were sent.
pub async fn certificate_notices(ctx: &Context) -> Result<usize> {
    let today = ctx.clock().today();
    let mut sent = 0;
    let mut pages = Pages::default();
    while let Some(page) = pages.next(ctx).await? {
        for rec in page {
            let Some(cert) = rec.listing.certification.as_ref().filter(|c| !c.revoked) else { continue };
            let Some(d) = due(cert.valid_to, today, &CERTIFICATE_DAYS) else { continue };
            let (name, code, end) = (&rec.listing.name, &rec.code, format_date(cert.valid_to));
            let left = (cert.valid_to - today).whole_days();
            let (ko, en) = match d {
                Due::DaysBefore(_) => (
                    format!("보안인증이 {left}일 뒤({end}까지 유효) 끝납니다: {name} ({code}). 갱신한 인증서를 올려 주세요."),
                    format!(
                        "The security certification of {name} ({code}) ends in {left} days (valid until {end}). Upload the renewed certificate."
                    ),
                ),
                Due::Ended => (
                    format!(
                        "보안인증 기간이 끝났습니다({end}까지 유효): {name} ({code}). 유효한 인증서를 올려 확인받기 전까지 주문할 수 없습니다."
                    ),
                    format!(
                        "The security certification of {name} ({code}) ended (valid until {end}). It cannot be ordered until a valid certificate is uploaded and checked."
                    ),
                ),
            };
            if send_once(ctx, &rec, CERTIFICATE, d, cert.valid_to, &ko, &en).await? {
                sent += 1;
            }
        }
    }
    Ok(sent)
}

/// What the selections job did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SelectionRun {
    pub reminders: usize,
    /// The services that expired.
    pub expired: Vec<String>,
}

/// Selection reminders 90 and 30 days before `selection_valid_to`, and the day after it the
/// service becomes `expired` (the supplier told).
pub async fn selections(ctx: &Context) -> Result<SelectionRun> {
    let today = ctx.clock().today();
    let mut run = SelectionRun::default();
    let mut pages = Pages::default();
    while let Some(page) = pages.next(ctx).await? {
        for rec in page {
            let Some(end) = rec.listing.selection_valid_to else { continue };
            if selection_ended(end, today) {
                if expire(ctx, &rec, end).await? {
                    run.expired.push(rec.id.clone());
                }
                continue;
            }
            let Some(d) = due(end, today, &SELECTION_DAYS) else { continue };
            let (name, code, end_s) = (&rec.listing.name, &rec.code, format_date(end));
            let left = (end - today).whole_days();
            let ko = format!("선정 유효기간이 {left}일 뒤({end_s}까지) 끝납니다: {name} ({code}). 계속 판매하려면 재심사를 신청하세요.");
            let en = format!(
                "The selection of {name} ({code}) ends in {left} days (valid until {end_s}). Apply for re-review to keep it listed."
            );
            if send_once(ctx, &rec, SELECTION, d, end, &ko, &en).await? {
                run.reminders += 1;
            }
        }
    }
    if !run.expired.is_empty() {
        ctx.wait_for_index().await;
    }
    Ok(run)
}

/// The selection ended: the service becomes `expired` (the domain's `Expire`), with its notice,
/// audit event and change-feed entry in one transaction. `false` when it no longer stands so.
async fn expire(ctx: &Context, rec: &ServiceRecord, end: Date) -> Result<bool> {
    let mut tx = ctx.db().begin_write().await?;
    let Some(head) = tx.service_head(&rec.id).await? else {
        tx.rollback().await?;
        return Ok(false);
    };
    let (st, _) = standing(&mut tx, &head).await?;
    let Ok(t) = decide(st, Action::Expire, Actor::Operator) else {
        tx.rollback().await?;
        return Ok(false);
    };
    tx.set_service_status(&rec.id, t.after.status, None).await?;
    tx.record_change(&rec.id).await?;
    tx.insert_sent_notice(&rec.id, SELECTION, &Due::Ended.key(), end).await?;
    tx.audit(
        NewAuditEvent::new(SYSTEM, "service.expire", "service", &rec.id)
            .before(json!({"status": head.status.as_str(), "reason": head.status_reason}))
            .after(json!({"status": ServiceStatus::Expired.as_str(), "selection_valid_to": format_date(end)})),
    )
    .await?;
    let (name, code, end_s) = (&rec.listing.name, &rec.code, format_date(end));
    tell_supplier(
        ctx,
        &mut tx,
        &rec.supplier.id,
        "selection.ended",
        &format!("선정 유효기간({end_s}까지)이 끝나 서비스가 기간만료되었습니다: {name} ({code}). 재심사에서 선정되면 다시 등록됩니다."),
        &format!(
            "The selection of {name} ({code}) ended on {end_s}; the service has expired. It is listed again once a re-review selects it."
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

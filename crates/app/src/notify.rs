//! Telling people: in-app notifications and e-mails through the outbox, written in the same
//! transaction as the change they report.

use crate::context::Context;
use crate::error::Error;
use gureum_domain::account::{OrgKind, Role};
use gureum_storage::WriteTx;

fn id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// In-app notifications and e-mails to every operator.
pub async fn notify_operators(ctx: &Context, tx: &mut WriteTx, kind: &str, ko: &str, en: &str, link: &str) -> Result<(), Error> {
    for u in ctx.db().active_users_of_kind(OrgKind::Operator).await? {
        tx.notify(&id(), &u.id, kind, ko, en, Some(link)).await?;
    }
    Ok(())
}

/// Notifies every admin of an organisation in the app and by e-mail.
pub async fn tell_org_admins(
    ctx: &Context,
    tx: &mut WriteTx,
    org_id: &str,
    kind: &str,
    ko: &str,
    en: &str,
    link: &str,
) -> Result<(), Error> {
    for u in ctx.db().users_of(org_id).await? {
        if u.is_admin || u.roles.contains(&Role::Supplier) {
            tx.notify(&id(), &u.id, kind, ko, en, Some(link)).await?;
            let body = format!("{ko}\n\n{en}\n\n{}{link}\n\n— 구름 Gureum", ctx.public_url());
            tx.enqueue_mail(&id(), &u.email, &format!("[구름] {ko}"), &body).await?;
        }
    }
    Ok(())
}

/// Tells one person in the app and by e-mail.
pub async fn tell_user(ctx: &Context, tx: &mut WriteTx, user_id: &str, kind: &str, ko: &str, en: &str, link: &str) -> Result<(), Error> {
    let Some(u) = ctx.db().user(user_id).await? else { return Ok(()) };
    tx.notify(&id(), &u.id, kind, ko, en, Some(link)).await?;
    let body = format!("{ko}\n\n{en}\n\n{}{link}\n\n— 구름 Gureum", ctx.public_url());
    tx.enqueue_mail(&id(), &u.email, &format!("[구름] {ko}"), &body).await?;
    Ok(())
}

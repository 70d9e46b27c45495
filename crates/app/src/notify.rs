//! Telling people: in-app notifications and e-mails through the outbox, written in the same
//! transaction as the change they report.
//!
//! A notification keeps both languages (the pages show the reader's); an e-mail is written in
//! its recipient's language, subject and body (docs/RULES.md#notifications).

use crate::context::Context;
use crate::error::Error;
use gureum_domain::account::{Language, OrgKind, Role};
use gureum_storage::{User, WriteTx};

/// Time-ordered ids (UUID v7, monotonic within a process): notices written at the same instant
/// (one transaction, or a fixed clock) still list newest first and mail oldest first by id.
fn id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The subject and body of a notice's e-mail in one language: the message, the link to act on,
/// the signature.
pub fn mail_text(lang: Language, ko: &str, en: &str, public_url: &str, link: &str) -> (String, String) {
    match lang {
        Language::Ko => (format!("[구름] {ko}"), format!("{ko}\n\n{public_url}{link}\n\n— 구름")),
        Language::En => (format!("[Gureum] {en}"), format!("{en}\n\n{public_url}{link}\n\n— Gureum")),
    }
}

/// Queues the e-mail of a notice to one person, in the person's language.
async fn mail(ctx: &Context, tx: &mut WriteTx, u: &User, ko: &str, en: &str, link: &str) -> Result<(), Error> {
    let (subject, body) = mail_text(u.lang, ko, en, ctx.public_url(), link);
    tx.enqueue_mail(&id(), &u.email, &subject, &body).await?;
    Ok(())
}

/// In-app notifications and e-mails to every operator.
pub async fn notify_operators(ctx: &Context, tx: &mut WriteTx, kind: &str, ko: &str, en: &str, link: &str) -> Result<(), Error> {
    for u in ctx.db().active_users_of_kind(OrgKind::Operator).await? {
        tx.notify(&id(), &u.id, kind, ko, en, Some(link)).await?;
        mail(ctx, tx, &u, ko, en, link).await?;
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
            mail(ctx, tx, &u, ko, en, link).await?;
        }
    }
    Ok(())
}

/// Tells one person in the app and by e-mail.
pub async fn tell_user(ctx: &Context, tx: &mut WriteTx, user_id: &str, kind: &str, ko: &str, en: &str, link: &str) -> Result<(), Error> {
    let Some(u) = ctx.db().user(user_id).await? else { return Ok(()) };
    tx.notify(&id(), &u.id, kind, ko, en, Some(link)).await?;
    mail(ctx, tx, &u, ko, en, link).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mail_speaks_its_recipients_language() {
        let (s, b) = mail_text(Language::Ko, "서비스가 등록되었습니다", "Your service is listed", "https://g.kr", "/supplier/services");
        assert_eq!(s, "[구름] 서비스가 등록되었습니다");
        assert!(b.starts_with("서비스가 등록되었습니다\n") && b.contains("https://g.kr/supplier/services") && !b.contains("listed"));
        let (s, b) = mail_text(Language::En, "서비스가 등록되었습니다", "Your service is listed", "https://g.kr", "/supplier/services");
        assert_eq!(s, "[Gureum] Your service is listed");
        assert!(b.starts_with("Your service is listed\n") && b.contains("https://g.kr/supplier/services") && !b.contains("등록"));
    }
}

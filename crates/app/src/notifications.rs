//! A person's own in-app notifications (알림): read them a page at a time, newest first, and mark
//! them read (docs/RULES.md#notifications). Only a signed-in person has notifications; another
//! person's notification is not found, as if it did not exist. What is written and mailed is in
//! [`crate::notify`].

use crate::actor::Principal;
use crate::context::Context;
use crate::error::{Code, Error};
use gureum_storage::{Notification, User};

/// The page size when none is asked for, and the largest one.
pub const PER_PAGE: u32 = 20;
pub const MAX_PER_PAGE: u32 = 100;

/// Which notifications to list, as a query string asks (`unread`, `page`, `per_page`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotificationQuery {
    pub unread_only: bool,
    pub page: u32,
    pub per_page: u32,
}

impl Default for NotificationQuery {
    fn default() -> Self {
        Self { unread_only: false, page: 1, per_page: PER_PAGE }
    }
}

/// Reads `unread` (true/false, 1/0, on), `page` (from 1) and `per_page` (1–100) from query
/// pairs; an empty value counts as absent, unknown parameters are ignored.
pub fn parse_query(pairs: &[(String, String)]) -> Result<NotificationQuery, Error> {
    let mut q = NotificationQuery::default();
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        match k.as_str() {
            "unread" => {
                q.unread_only = match v.as_str() {
                    "true" | "1" | "on" => true,
                    "false" | "0" => false,
                    _ => return Err(Error::new(Code::InvalidParameter, "unread is true or false")),
                }
            }
            "page" => match v.parse::<u32>() {
                Ok(n) if (1..=100_000).contains(&n) => q.page = n,
                _ => return Err(Error::new(Code::InvalidPage, "page must be a whole number from 1 to 100000")),
            },
            "per_page" => match v.parse::<u32>() {
                Ok(n) if (1..=MAX_PER_PAGE).contains(&n) => q.per_page = n,
                _ => return Err(Error::new(Code::InvalidPerPage, "per_page must be a whole number from 1 to 100")),
            },
            _ => {}
        }
    }
    Ok(q)
}

/// One page of a person's notifications.
#[derive(Debug, Clone, PartialEq)]
pub struct NotificationPage {
    /// Unread notifications of the person in all (whatever the filter).
    pub unread: i64,
    /// Notifications the filter matches in all.
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    pub items: Vec<Notification>,
}

fn person(p: &Principal) -> Result<&User, Error> {
    p.user().ok_or_else(|| Error::new(Code::Forbidden, "a machine token has no notifications"))
}

/// The caller's notifications, newest first.
pub async fn list(ctx: &Context, p: &Principal, q: NotificationQuery) -> Result<NotificationPage, Error> {
    let me = person(p)?;
    let offset = i64::from(q.page - 1) * i64::from(q.per_page);
    let (items, total) = ctx.db().notifications_page(&me.id, q.unread_only, offset, i64::from(q.per_page)).await?;
    let unread = ctx.db().unread_notifications(&me.id).await?;
    Ok(NotificationPage { unread, total, page: q.page, per_page: q.per_page, items })
}

/// How many notifications the person has not read (the header's count).
pub async fn unread_count(ctx: &Context, p: &Principal) -> Result<i64, Error> {
    Ok(ctx.db().unread_notifications(&person(p)?.id).await?)
}

/// Marks one of the caller's notifications read: a malformed id is 400 `invalid_id`, another
/// person's (or none) 404; reading it again changes nothing and is no error.
pub async fn mark_one_read(ctx: &Context, p: &Principal, id: &str, request_id: Option<String>) -> Result<(), Error> {
    let me = person(p)?;
    let id = crate::ids::hyphenated_uuid(id).ok_or_else(|| Error::new(Code::InvalidId, "a notification id is a UUID"))?;
    if ctx.db().notification_of(&me.id, &id).await?.is_none() {
        return Err(Error::not_found("notification"));
    }
    crate::profile::mark_read(ctx, p, Some(&id), request_id).await?;
    Ok(())
}

/// Marks every notification of the caller read; returns how many were unread.
pub async fn mark_all_read(ctx: &Context, p: &Principal, request_id: Option<String>) -> Result<u64, Error> {
    crate::profile::mark_read(ctx, p, None, request_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &str) -> Vec<(String, String)> {
        crate::query::pairs(Some(q))
    }

    #[test]
    fn queries() {
        assert_eq!(parse_query(&pairs("")), Ok(NotificationQuery::default()));
        assert_eq!(
            parse_query(&pairs("unread=true&page=2&per_page=5&x=y")),
            Ok(NotificationQuery { unread_only: true, page: 2, per_page: 5 })
        );
        assert_eq!(parse_query(&pairs("unread=&page=")), Ok(NotificationQuery::default()));
        assert_eq!(parse_query(&pairs("unread=on")).map(|q| q.unread_only), Ok(true));
        for (q, code) in [
            ("unread=maybe", Code::InvalidParameter),
            ("page=0", Code::InvalidPage),
            ("page=x", Code::InvalidPage),
            ("page=100001", Code::InvalidPage),
            ("per_page=0", Code::InvalidPerPage),
            ("per_page=101", Code::InvalidPerPage),
        ] {
            assert_eq!(parse_query(&pairs(q)).map_err(|e| e.code), Err(code), "{q}");
        }
    }
}

//! Ratings (SPEC §3 "Post-management", §4 "Usage, invoices and post-management"): a user of an
//! agency that has or had a signed contract or a confirmed order for a service rates it (1–5
//! stars and a comment), one rating per agency and service — a new one replaces it, with a new
//! id and no reply; the service's supplier replies once (409 `already_replied`). Everyone reads
//! them. Each rating records a catalog change in its transaction, so the search index learns the
//! new average through its change feed (`sort=rating`, the items' `rating`).

use crate::actor::Principal;
use crate::body::{Fields, bad};
use crate::buying::{AGENCY_READERS, audit};
use crate::context::Context;
use crate::error::{Code, Error, Result};
use gureum_domain::account::Role;
use gureum_domain::clock::rfc3339_utc;
use gureum_storage::{Holding, Rating, RatingSummary, ServiceRecord};
use serde::Serialize;
use serde_json::json;

/// The longest comment or reply, in characters.
pub const MAX_TEXT_CHARS: usize = 2_000;

/// The supplier's reply to a rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReplyView {
    pub text: String,
    pub created_at: String,
}

/// A rating as everyone reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RatingView {
    pub id: String,
    pub service_id: String,
    pub stars: i64,
    pub comment: String,
    /// The rating agency's name.
    pub agency: String,
    pub created_at: String,
    pub reply: Option<ReplyView>,
}

pub fn rating_view(r: &Rating) -> RatingView {
    RatingView {
        id: r.id.clone(),
        service_id: r.service_id.clone(),
        stars: r.stars,
        comment: r.comment.clone(),
        agency: r.agency_name.clone(),
        created_at: rfc3339_utc(r.created_at),
        reply: r.reply.as_ref().map(|t| ReplyView { text: t.clone(), created_at: r.replied_at.map(rfc3339_utc).unwrap_or_default() }),
    }
}

/// A service's ratings with their average (two decimals) and count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RatingsView {
    pub service_id: String,
    /// Null when unrated.
    pub average: Option<f64>,
    pub count: i64,
    pub ratings: Vec<RatingView>,
}

/// A service's rating in a search item or its detail: `{"average", "count"}`, null when unrated.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RatingBrief {
    pub average: f64,
    pub count: i64,
}

pub fn brief(s: RatingSummary) -> Option<RatingBrief> {
    s.average().map(|average| RatingBrief { average, count: s.count })
}

/// A service's rating summary (for its detail).
pub async fn summary(ctx: &Context, service_id: &str) -> Result<Option<RatingBrief>> {
    let all = ctx.db().rating_summaries(&[service_id.to_owned()]).await?;
    Ok(brief(all.get(service_id).copied().unwrap_or_default()))
}

/// The ratings of a public service (by id or code), newest first; public.
pub async fn list(ctx: &Context, service_key: &str) -> Result<RatingsView> {
    let rec = crate::catalog::public_service(ctx, service_key).await?;
    let ratings = ctx.db().ratings_of(&rec.id).await?;
    let s = RatingSummary { count: ratings.len() as i64, stars: ratings.iter().map(|r| r.stars).sum() };
    Ok(RatingsView { service_id: rec.id, average: s.average(), count: s.count, ratings: ratings.iter().map(rating_view).collect() })
}

/// Whether the caller may rate the service: a user (buyer, budget officer, signatory) of an
/// agency that has or had a signed contract or a confirmed order for it.
pub async fn may_rate(ctx: &Context, p: &Principal, service_id: &str) -> Result<bool> {
    if !AGENCY_READERS.iter().any(|r| p.has_role(*r)) {
        return Ok(false);
    }
    Ok(ctx.db().agency_holds(&p.org().id, service_id, Holding::HasOrHad).await?)
}

/// Whether the caller speaks for the service's supplier (a supplier user of its company).
pub fn is_supplier_of(p: &Principal, rec: &ServiceRecord) -> bool {
    p.has_role(Role::Supplier) && p.org().supplier_id.as_deref() == Some(rec.supplier.id.as_str())
}

fn text(v: Option<&str>, key: &str, required: bool) -> Result<String> {
    let t = v.unwrap_or("").trim();
    if required && t.is_empty() {
        return Err(bad(key, "required"));
    }
    if t.chars().count() > MAX_TEXT_CHARS {
        return Err(bad(key, "at most 2,000 characters"));
    }
    Ok(t.to_owned())
}

/// Rates a service (`{"stars", "comment"}`), replacing the agency's earlier rating.
pub async fn rate(ctx: &Context, p: &Principal, service_key: &str, body: &serde_json::Value, rid: Option<String>) -> Result<RatingView> {
    let rec = crate::catalog::public_service(ctx, service_key).await?;
    if !may_rate(ctx, p, &rec.id).await? {
        return Err(Error::new(
            Code::NoContract,
            "only an agency that has or had a signed contract or a confirmed order for this service rates it",
        ));
    }
    let user_id = p.user().map(|u| u.id.clone()).ok_or_else(Error::forbidden)?;
    let f = Fields::of(body)?;
    let stars = f.int("stars").map_err(|_| bad("stars", "a whole number from 1 to 5"))?.ok_or_else(|| bad("stars", "required"))?;
    if !(1..=5).contains(&stars) {
        return Err(bad("stars", "a whole number from 1 to 5"));
    }
    let comment = text(f.string("comment")?, "comment", false)?;
    let mut tx = ctx.db().begin_write().await?;
    let r = Rating {
        id: crate::ids::new_id(),
        service_id: rec.id.clone(),
        agency_id: p.org().id.clone(),
        agency_name: p.org().name.clone(),
        user_id,
        stars,
        comment,
        reply: None,
        replied_by: None,
        replied_at: None,
        created_at: tx.now(),
    };
    let old = tx.replace_rating(&r).await?;
    tx.record_change(&rec.id).await?;
    let before = old.as_ref().map(|o| json!({"id": o.id, "stars": o.stars, "comment": o.comment, "reply": o.reply}));
    audit(
        &mut tx,
        p,
        rid,
        "rating.create",
        ("rating", &r.id),
        before,
        json!({"service_id": r.service_id, "stars": r.stars, "comment": r.comment, "replaces": old.as_ref().map(|o| o.id.clone())}),
    )
    .await?;
    tx.commit().await?;
    // the answer goes once search agrees with it (else the change feed's follower catches up)
    ctx.wait_for_index().await;
    Ok(rating_view(&r))
}

/// The service's supplier replies to a rating (`{"text"}`), once.
pub async fn reply(ctx: &Context, p: &Principal, rating_id: &str, body: &serde_json::Value, rid: Option<String>) -> Result<RatingView> {
    let id = crate::buying::uuid(rating_id, "rating")?;
    let r = ctx.db().rating(&id).await?.ok_or_else(|| Error::not_found("rating"))?;
    let rec = ctx.db().service(gureum_storage::ServiceKey::Id(&r.service_id)).await?.ok_or_else(|| Error::not_found("service"))?;
    if !is_supplier_of(p, &rec) {
        return Err(Error::forbidden());
    }
    let f = Fields::of(body)?;
    let t = text(f.string("text")?, "text", true)?;
    let mut tx = ctx.db().begin_write().await?;
    if !tx.reply_rating(&id, &t, &p.actor()).await? {
        return Err(if tx.rating(&id).await?.is_none() {
            Error::not_found("rating")
        } else {
            Error::new(Code::AlreadyReplied, "the supplier already replied to this rating")
        });
    }
    audit(&mut tx, p, rid, "rating.reply", ("rating", &id), None, json!({"service_id": r.service_id, "text": t})).await?;
    let mut done = tx.rating(&id).await?.ok_or_else(|| Error::internal("the rating went away"))?;
    tx.commit().await?;
    done.agency_name = r.agency_name;
    Ok(rating_view(&done))
}

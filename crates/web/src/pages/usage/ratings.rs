//! Ratings on the service page (`/services/{id}`): the ratings with their replies and the
//! average, a rating form for a user of an agency that has or had a contract or order for the
//! service, a reply form for its supplier. The forms post here and come back to the service page
//! (its `#ratings` section); a refused form is shown there with its reason.

pub use super::incidents::Problem;
use crate::auth::{Principal, Rule, request_id};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::desk::{posted, see_other};
use crate::pages::form::require;
use crate::pages::layout::Ctx;
use crate::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use gureum_app::usage::ratings::{self, RatingsView};
use gureum_domain::clock::seoul_minute;
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new().route("/services/{id}/ratings", post(rate)).route("/ratings/{id}/reply", post(reply))
}

/// The words of the ratings section, Korean first.
#[derive(Debug, Clone, Copy, Default)]
pub struct RW(pub Lang);

impl RW {
    pub fn t(&self, key: &str) -> &'static str {
        let (ko, en) = match key {
            "title" => ("이용기관 평가", "Ratings by agencies"),
            "none" => ("아직 평가가 없습니다.", "No ratings yet."),
            "stars" => ("별점", "Stars"),
            "comment" => ("의견", "Comment"),
            "comment.hint" => ("2,000자 이내, 선택", "Optional, at most 2,000 characters"),
            "rate" => ("평가하기", "Rate this service"),
            "rate.hint" => (
                "계약 또는 납품요구를 한 기관만 평가할 수 있으며, 기관별로 하나의 평가만 남습니다(새 평가가 이전 평가를 대신합니다).",
                "Only agencies with a contract or order rate; one rating per agency (a new one replaces the earlier).",
            ),
            "submit" => ("평가 등록", "Submit rating"),
            "reply" => ("공급기업 답글", "Supplier's reply"),
            "reply.form" => ("답글 달기", "Reply"),
            "reply.submit" => ("답글 등록", "Submit reply"),
            "reply.once" => ("답글은 한 번만 달 수 있습니다.", "You can reply once."),
            "error" => ("처리하지 못했습니다", "This could not be done"),
            "done" => ("등록되었습니다.", "Saved."),
            _ => ("", ""),
        };
        self.0.pick(ko, en)
    }
}

/// One rating as the page shows it.
pub struct RatingItem {
    pub id: String,
    /// `★★★★☆`.
    pub stars_art: String,
    /// `별점 4점 (5점 만점)`.
    pub stars_label: String,
    pub agency: String,
    pub created: String,
    pub comment: String,
    pub reply: Option<(String, String)>,
    /// The reader is the supplier and it has not replied yet.
    pub can_reply: bool,
}

/// The ratings section of the service page.
#[derive(Default)]
pub struct RatingsSection {
    pub w: RW,
    pub service_id: String,
    /// `평균 4.50점 · 2건`, or nothing when unrated.
    pub average: Option<String>,
    pub items: Vec<RatingItem>,
    pub can_rate: bool,
    /// The form (`rate` or `reply-<id>`) a refusal belongs to, and the refusal.
    pub problem: Option<(String, Problem)>,
    pub done: bool,
    /// What the rate form held (stars, comment).
    pub stars: i64,
    pub comment: String,
}

pub fn stars_art(n: i64) -> String {
    let n = n.clamp(0, 5) as usize;
    format!("{}{}", "★".repeat(n), "☆".repeat(5 - n))
}

/// `4.5` → `평균 4.50점 · 2건` / `Average 4.50 of 5 · 2 ratings`.
pub fn average_label(lang: Lang, average: f64, count: i64) -> String {
    match lang {
        Lang::Ko => format!("평균 {average:.2}점 · {count}건"),
        Lang::En => format!("Average {average:.2} of 5 · {count} rating{}", if count == 1 { "" } else { "s" }),
    }
}

fn at(rfc: &str) -> String {
    time::OffsetDateTime::parse(rfc, &time::format_description::well_known::Rfc3339)
        .map(|t| seoul_minute(gureum_domain::clock::to_micros(t)))
        .unwrap_or_else(|_| rfc.to_owned())
}

/// The section for this reader: who may rate, who may reply.
pub async fn section(state: &AppState, ctx: &Ctx, service_id: &str) -> Result<RatingsSection, AppError> {
    let lang = ctx.lang;
    let view: RatingsView = ratings::list(state, service_id).await?;
    let viewer: Option<&Principal> = ctx.person();
    let (can_rate, supplier) = match viewer {
        Some(p) => {
            let rec = gureum_app::catalog::public_service(state, service_id).await?;
            (ratings::may_rate(state, p, &rec.id).await?, ratings::is_supplier_of(p, &rec))
        }
        None => (false, false),
    };
    let items = view
        .ratings
        .iter()
        .map(|r| RatingItem {
            id: r.id.clone(),
            stars_art: stars_art(r.stars),
            stars_label: lang.pick(&format!("별점 {}점 (5점 만점)", r.stars), &format!("{} of 5 stars", r.stars)).to_owned(),
            agency: r.agency.clone(),
            created: at(&r.created_at),
            comment: r.comment.clone(),
            reply: r.reply.as_ref().map(|x| (x.text.clone(), at(&x.created_at))),
            can_reply: supplier && r.reply.is_none(),
        })
        .collect();
    Ok(RatingsSection {
        w: RW(lang),
        service_id: view.service_id.clone(),
        average: view.average.map(|a| average_label(lang, a, view.count)),
        items,
        can_rate,
        problem: None,
        done: ctx.pairs().iter().any(|(k, _)| k == "rated"),
        stars: 5,
        comment: String::new(),
    })
}

async fn rate(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let p = match require(&ctx, Rule::Authenticated) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let stars = form.get("stars").trim().parse::<i64>().map(|n| json!(n)).unwrap_or_else(|_| json!(form.get("stars")));
    let body = json!({"stars": stars, "comment": form.get("comment")});
    match ratings::rate(&state, p, &id, &body, request_id(&headers)).await.map_err(AppError::from) {
        Ok(r) => see_other(&format!("/services/{}?rated=1#ratings", r.service_id)),
        // not found, or one who may not rate (the form is not theirs to see): the error page
        Err(e) if e.status == StatusCode::NOT_FOUND || e.status == StatusCode::FORBIDDEN || e.code == gureum_app::Code::InvalidId => {
            ctx.error(&e)
        }
        Err(e) => {
            let problem = Problem::new(ctx.lang, &e);
            let kept = (form.get("stars").parse().unwrap_or(5), form.get("comment").to_owned());
            crate::pages::service::render(&state, &ctx, &id, e.status, Some(("rate".into(), problem)), kept).await
        }
    }
}

async fn reply(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let p = match require(&ctx, Rule::Authenticated) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let body = json!({"text": form.get("text")});
    match ratings::reply(&state, p, &id, &body, request_id(&headers)).await.map_err(AppError::from) {
        Ok(r) => see_other(&format!("/services/{}?rated=1#ratings", r.service_id)),
        Err(e) => {
            let service = match gureum_app::ids::hyphenated_uuid(&id) {
                Some(rid) => state.db().rating(&rid).await.ok().flatten().map(|r| r.service_id),
                None => None,
            };
            match service {
                Some(sid) if e.status != StatusCode::NOT_FOUND && e.status != StatusCode::FORBIDDEN => {
                    let problem = Problem::new(ctx.lang, &e);
                    crate::pages::service::render(&state, &ctx, &sid, e.status, Some((format!("reply-{id}"), problem)), (5, String::new()))
                        .await
                }
                _ => ctx.error(&e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_and_averages_read_in_both_languages() {
        assert_eq!(stars_art(4), "★★★★☆");
        assert_eq!(stars_art(9), "★★★★★");
        assert_eq!(average_label(Lang::Ko, 4.5, 2), "평균 4.50점 · 2건");
        assert_eq!(average_label(Lang::En, 4.0, 1), "Average 4.00 of 5 · 1 rating");
        assert!(!RW(Lang::Ko).t("rate").is_empty() && !RW(Lang::En).t("rate").is_empty());
    }
}

//! Ratings of services (SPEC §4 "Usage, invoices and post-management"). Extract, call
//! `gureum_app::usage::ratings`, answer.

use crate::api::review::body_value;
use crate::api::schema::{ServiceKeyText, Uuid, component, reference, text};
use crate::auth::{Auth, Rule, request_id};
use crate::error::{AppError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use gureum_app::usage::ratings;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_ratings, rate_service)).routes(routes!(reply_rating))
}

fn ok<T: serde::Serialize>(v: T) -> Result<Json<Value>, AppError> {
    Ok(Json(serde_json::to_value(v).map_err(|e| AppError::from(gureum_app::Error::internal(e)))?))
}

fn rating_schema() -> Value {
    json!({"type": "object", "required": ["id", "service_id", "stars", "comment", "agency", "created_at", "reply"], "properties": {
        "id": reference("Uuid"), "service_id": reference("Uuid"),
        "stars": {"type": "integer", "minimum": 1, "maximum": 5},
        "comment": {"type": "string"},
        "agency": {"type": "string", "description": "The rating agency's name"},
        "created_at": {"type": "string", "format": "date-time"},
        "reply": {"anyOf": [
            {"type": "object", "required": ["text", "created_at"], "properties": {"text": {"type": "string"}, "created_at": {"type": "string", "format": "date-time"}}},
            {"type": "null"}
        ], "description": "The supplier's reply; null until it replies"}
    }})
}

component!(
    /// A rating: 1–5 stars and an optional comment.
    NewRatingDoc,
    "NewRating",
    json!({"type": "object", "required": ["stars"], "properties": {
        "stars": {"type": "integer", "minimum": 1, "maximum": 5},
        "comment": {"type": ["string", "null"], "maxLength": ratings::MAX_TEXT_CHARS}
    }})
);

component!(
    /// The supplier's reply to a rating.
    RatingReplyDoc,
    "RatingReply",
    json!({"type": "object", "required": ["text"], "properties": {"text": text(ratings::MAX_TEXT_CHARS)}})
);

component!(
    /// A rating of a service by an agency, with the supplier's reply.
    RatingDoc,
    "Rating",
    rating_schema(),
    uses [Uuid]
);

component!(
    /// A service's ratings, newest first, with their average and count.
    RatingsDoc,
    "Ratings",
    json!({"type": "object", "required": ["service_id", "average", "count", "ratings"], "properties": {
        "service_id": reference("Uuid"),
        "average": {"type": ["number", "null"], "description": "Two decimals, rounded half up; null when unrated"},
        "count": {"type": "integer", "minimum": 0},
        "ratings": {"type": "array", "items": reference("Rating")}
    }}),
    uses [Uuid, RatingDoc]
);

/// A service's ratings, each with its reply, and their average and count (public).
#[utoipa::path(get, path = "/api/v1/services/{id}/ratings", tag = "usage", params(("id" = ServiceKeyText, Path)),
    responses(
        (status = 200, description = "The ratings", body = RatingsDoc),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 404, description = "not_found: no such public service", body = ErrorBody),
    ))]
pub async fn list_ratings(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    ok(ratings::list(&state, &id).await?)
}

/// Rate a service: a user of an agency that has or had a signed contract or confirmed order for
/// it. One rating per agency and service: a new one replaces it, with a new id and no reply.
#[utoipa::path(post, path = "/api/v1/services/{id}/ratings", tag = "usage", request_body = NewRatingDoc, params(("id" = ServiceKeyText, Path)), security(("bearer" = [])),
    responses(
        (status = 201, description = "Rated", body = RatingDoc),
        (status = 400, description = "invalid_id, invalid_body, invalid_field (stars 1–5, comment at most 2000 characters)", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "no_contract: not a user of an agency that has or had a signed contract or confirmed order for the service", body = ErrorBody),
        (status = 404, description = "not_found: no such public service", body = ErrorBody),
    ))]
pub async fn rate_service(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let p = auth.require(Rule::Authenticated)?;
    let v = ratings::rate(&state, p, &id, &body_value(&body)?, request_id(&headers)).await?;
    Ok((StatusCode::CREATED, ok(v)?))
}

/// The service's supplier replies to a rating, once.
#[utoipa::path(post, path = "/api/v1/ratings/{id}/reply", tag = "usage", request_body = RatingReplyDoc, params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Replied", body = RatingDoc),
        (status = 400, description = "invalid_id, invalid_body, invalid_field (text 1–2000 characters)", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the service's supplier", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "already_replied", body = ErrorBody),
    ))]
pub async fn reply_rating(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(ratings::reply(&state, p, &id, &body_value(&body)?, request_id(&headers)).await?)
}

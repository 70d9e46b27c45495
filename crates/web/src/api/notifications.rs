//! `GET /api/v1/notifications` and `POST /api/v1/notifications/{id}/read`: the caller's own
//! in-app notifications (docs/API.md#notifications).

use super::schema::Uuid;
use crate::auth::{Auth, Rule, request_id};
use crate::error::{AppError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use gureum_app::notifications::{self, parse_query};
use gureum_app::query::pairs;
use gureum_domain::clock::rfc3339_utc;
use gureum_storage::Notification;
use serde::Serialize;
use utoipa::ToSchema;

/// One notification, in the caller's language and in both.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationView {
    #[schema(value_type = Uuid)]
    pub id: String,
    /// What it is about, e.g. `application.selected`, `org.decision`.
    pub kind: String,
    /// In the caller's language (`PATCH /api/v1/me` sets it).
    pub message: String,
    pub message_ko: String,
    pub message_en: String,
    /// The page to act on, a path of this site.
    pub link: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    /// When it was marked read; null while unread.
    #[schema(format = DateTime)]
    pub read_at: Option<String>,
}

impl NotificationView {
    pub fn new(n: &Notification, lang: gureum_domain::account::Language) -> Self {
        Self {
            id: n.id.clone(),
            kind: n.kind.clone(),
            message: lang.pick(&n.message_ko, &n.message_en).to_owned(),
            message_ko: n.message_ko.clone(),
            message_en: n.message_en.clone(),
            link: n.link.clone(),
            created_at: rfc3339_utc(n.created_at),
            read_at: n.read_at.map(rfc3339_utc),
        }
    }
}

/// A page of the caller's notifications, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationList {
    /// The caller's unread notifications in all (whatever the filter).
    #[schema(minimum = 0)]
    pub unread: i64,
    /// Notifications the filter matches in all.
    #[schema(minimum = 0)]
    pub total: i64,
    #[schema(minimum = 1)]
    pub page: u32,
    #[schema(minimum = 1, maximum = 100)]
    pub per_page: u32,
    pub items: Vec<NotificationView>,
}

/// My notifications, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", security(("bearer" = [])),
    params(
        ("unread" = Option<super::services::FlagParam>, Query, description = "true: only the unread ones"),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 100000, description = "From 1 (default 1)"),
        ("per_page" = Option<u32>, Query, minimum = 1, maximum = 100, description = "1–100, default 20"),
    ),
    responses(
        (status = 200, description = "The caller's notifications with the unread count", body = NotificationList),
        (status = 400, description = "invalid_parameter (unread), invalid_page, invalid_per_page", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: a machine token has no notifications", body = ErrorBody),
    ))]
pub async fn list_notifications(
    State(state): State<AppState>,
    auth: Auth,
    RawQuery(raw): RawQuery,
) -> Result<Json<NotificationList>, AppError> {
    let p = auth.require(Rule::Person)?;
    let q = parse_query(&pairs(raw.as_deref()))?;
    let lang = p.user().map(|u| u.lang).unwrap_or_default();
    let page = notifications::list(&state, p, q).await?;
    Ok(Json(NotificationList {
        unread: page.unread,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        items: page.items.iter().map(|n| NotificationView::new(n, lang)).collect(),
    }))
}

/// Mark one of my notifications read (again is fine).
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "notifications", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 204, description = "Read (also when it already was)"),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: a machine token has no notifications; insufficient_scope", body = ErrorBody),
        (status = 404, description = "not_found: no such notification of the caller (another person's too)", body = ErrorBody),
    ))]
pub async fn read_notification(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    let p = auth.require(Rule::Person)?;
    notifications::mark_one_read(&state, p, &id, request_id(&headers)).await?;
    Ok(StatusCode::NO_CONTENT)
}

//! Log in and out, who am I, password reset and change, invitations (SPEC §4 auth contract).

use super::json::ApiJson;
use super::schema::{LanguageName, OrgKindName, OrgStatusName, RoleName, UserStatusName, Uuid};
use crate::auth::{Auth, Client, Rule, request_id};
use crate::error::{AppError, Code, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use gureum_app::{accounts, profile};
use gureum_domain::account::Language;
use gureum_domain::clock::rfc3339_utc;
use gureum_storage::{Organisation, User};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Any e-mail and password may be tried: a wrong one is 401 `invalid_credentials`, never a 400.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgView {
    #[schema(value_type = Uuid)]
    pub id: String,
    #[schema(value_type = OrgKindName)]
    pub kind: String,
    pub name: String,
    #[schema(value_type = OrgStatusName)]
    pub status: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    #[schema(value_type = Uuid)]
    pub id: String,
    pub email: String,
    pub name: String,
    /// The roles held; those of an organisation not yet approved are not in force.
    #[schema(value_type = Vec<RoleName>)]
    pub roles: Vec<String>,
    pub is_admin: bool,
    #[schema(value_type = UserStatusName)]
    pub status: String,
    /// The language of the pages signed in and of the e-mails (`PATCH /api/v1/me` changes it).
    #[schema(value_type = LanguageName)]
    pub lang: String,
    pub organisation: OrgView,
}

impl UserView {
    pub fn new(u: &User, o: &Organisation) -> Self {
        Self {
            id: u.id.clone(),
            email: u.email.clone(),
            name: u.name.clone(),
            roles: u.roles.iter().map(|r| r.as_str().to_owned()).collect(),
            is_admin: u.is_admin,
            status: u.status.as_str().into(),
            lang: u.lang.as_str().into(),
            organisation: OrgView {
                id: o.id.clone(),
                kind: o.kind.as_str().into(),
                name: o.name.clone(),
                status: o.status.as_str().into(),
            },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer TOKEN`.
    pub token: String,
    /// Moves with use: 30 idle minutes.
    #[schema(format = DateTime)]
    pub expires_at: String,
    pub user: UserView,
}

/// Log in with e-mail and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 413, description = "body_too_large: an account request takes at most 16 KiB", body = ErrorBody), 
        (status = 200, description = "A login token", body = LoginResponse),
        (status = 400, description = "invalid_body / invalid_field", body = ErrorBody),
        (status = 401, description = "invalid_credentials (wrong e-mail or password) or account_locked", body = ErrorBody),
        (status = 429, description = "too_many_requests: more than 20 attempts a minute from this address or 10 for this e-mail; wait `Retry-After` seconds", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "busy: too many passwords being checked; wait `Retry-After` seconds", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: Client,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, AppError> {
    let li = accounts::login(&state, &body.email, &body.password, client.0, request_id(&headers)).await?;
    Ok(Json(LoginResponse { token: li.token, expires_at: rfc3339_utc(li.expires_at), user: UserView::new(&li.user, &li.org) }))
}

/// End this login token (or session).
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 204, description = "Logged out"),
        (status = 400, description = "not_a_session: an API token is revoked, not logged out", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
    ))]
pub async fn logout(State(state): State<AppState>, headers: HeaderMap, auth: Auth) -> Result<StatusCode, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    accounts::logout(&state, p, request_id(&headers)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who am I.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in person", body = UserView),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: a machine token has no person", body = ErrorBody),
    ))]
pub async fn me(auth: Auth) -> Result<Json<UserView>, AppError> {
    let p = auth.require(Rule::Person)?;
    let u = p.user().ok_or_else(|| AppError::new(Code::Forbidden, "a machine token has no person"))?;
    Ok(Json(UserView::new(u, p.org())))
}

/// What a person changes about itself; an absent field stays as it is.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MeUpdate {
    /// `ko` or `en`: the language of the pages signed in and of the e-mails.
    #[schema(value_type = Option<LanguageName>)]
    pub lang: Option<String>,
}

/// Change my language (more fields may follow).
#[utoipa::path(patch, path = "/api/v1/me", tag = "auth", request_body = MeUpdate, security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in person as it now is", body = UserView),
        (status = 400, description = "invalid_body; invalid_field: `lang` is neither ko nor en", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: a machine token has no person", body = ErrorBody),
    ))]
pub async fn update_me(
    auth: Auth,
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<MeUpdate>,
) -> Result<Json<UserView>, AppError> {
    let p = auth.require(Rule::Person)?;
    let u = p.user().ok_or_else(|| AppError::new(Code::Forbidden, "a machine token has no person"))?;
    let u = match body.lang.as_deref() {
        Some(l) => {
            let lang = Language::parse(l).ok_or_else(|| AppError::new(Code::InvalidField, "lang: ko or en"))?;
            profile::set_language(&state, p, lang, request_id(&headers)).await?
        }
        None => u.clone(),
    };
    Ok(Json(UserView::new(&u, p.org())))
}

/// Any e-mail may be given: the answer never tells whether it has an account.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ResetRequest {
    pub email: String,
}

/// Ask for a password reset link by e-mail (answers 202 whether or not the e-mail exists).
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "auth", request_body = ResetRequest,
    responses(
        (status = 202, description = "If the account exists, a link valid for 1 hour was e-mailed (older links are void)"),
        (status = 400, description = "invalid_body, invalid_field", body = ErrorBody),
        (status = 413, description = "body_too_large: an account request takes at most 16 KiB", body = ErrorBody),
        (status = 429, description = "too_many_requests: more than 10 a minute for one e-mail or 20 from one address (see `Retry-After`)", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn request_reset(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: Client,
    ApiJson(body): ApiJson<ResetRequest>,
) -> Result<StatusCode, AppError> {
    accounts::request_reset(&state, &body.email, client.0, request_id(&headers)).await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LinkRequest {
    /// The token from the e-mailed link; one that is unknown, used or expired is 400 `invalid_link`.
    pub token: String,
    /// The new password: 10–200 characters.
    #[schema(min_length = 10, max_length = 200)]
    pub password: String,
}

/// Set a new password with a reset link.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", tag = "auth", request_body = LinkRequest,
    responses(
        (status = 204, description = "Password set; every session of the person ended and every other reset link is void"),
        (status = 400, description = "invalid_body, invalid_field, invalid_link (unknown, used or expired), weak_password", body = ErrorBody),
        (status = 413, description = "body_too_large: an account request takes at most 16 KiB", body = ErrorBody),
        (status = 429, description = "too_many_requests: more than 10 a minute for one e-mail or 20 from one address (see `Retry-After`)", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "busy: too many passwords being checked; wait `Retry-After` seconds", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn confirm_reset(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: Client,
    ApiJson(body): ApiJson<LinkRequest>,
) -> Result<StatusCode, AppError> {
    accounts::use_link(&state, "reset", &body.token, &body.password, client.0, request_id(&headers)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Accept an invitation by setting a password.
#[utoipa::path(post, path = "/api/v1/auth/invitations/accept", tag = "auth", request_body = LinkRequest,
    responses(
        (status = 204, description = "Account activated"),
        (status = 400, description = "invalid_body, invalid_field, invalid_link (unknown, used or expired), weak_password", body = ErrorBody),
        (status = 413, description = "body_too_large: an account request takes at most 16 KiB", body = ErrorBody),
        (status = 429, description = "too_many_requests: more than 10 a minute for one e-mail or 20 from one address (see `Retry-After`)", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "busy: too many passwords being checked; wait `Retry-After` seconds", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn accept_invitation(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: Client,
    ApiJson(body): ApiJson<LinkRequest>,
) -> Result<StatusCode, AppError> {
    accounts::use_link(&state, "invite", &body.token, &body.password, client.0, request_id(&headers)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordChange {
    /// A wrong one is 400 `wrong_password`.
    pub current_password: String,
    /// 10–200 characters.
    #[schema(min_length = 10, max_length = 200)]
    pub new_password: String,
}

/// Change my password.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "auth", request_body = PasswordChange, security(("bearer" = [])),
    responses(
        (status = 204, description = "Changed; the person's other sessions ended (this one goes on) and outstanding reset links are void"),
        (status = 400, description = "invalid_body, invalid_field, wrong_password, weak_password", body = ErrorBody),
        (status = 401, description = "unauthenticated, or account_locked (the 5th wrong password in a row, logins included, locks the account)", body = ErrorBody),
        (status = 403, description = "forbidden: a machine token has no password", body = ErrorBody),
        (status = 413, description = "body_too_large: an account request takes at most 16 KiB", body = ErrorBody),
        (status = 503, description = "busy: too many passwords being checked; wait `Retry-After` seconds", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn change_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    ApiJson(body): ApiJson<PasswordChange>,
) -> Result<StatusCode, AppError> {
    let p = auth.require(Rule::Person)?;
    accounts::change_password(&state, p, &body.current_password, &body.new_password, request_id(&headers)).await?;
    Ok(StatusCode::NO_CONTENT)
}

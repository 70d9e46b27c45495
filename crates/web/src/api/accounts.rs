//! Sign-up, organisations, people and API tokens.

use super::auth::UserView;
use super::json::ApiJson;
use crate::auth::{Auth, Client, OPERATOR, Rule, request_id};
use crate::error::{AppError, Code, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use gureum_app::accounts::{self, Signup};
use gureum_domain::account::{OrgKind, Role};
use gureum_domain::clock::rfc3339_utc;
use gureum_storage::{OrgStatus, Organisation};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationView {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub business_number: Option<String>,
    pub supplier_id: Option<String>,
    pub status: String,
    pub status_reason: Option<String>,
    pub representative: Option<String>,
    pub address: Option<String>,
    pub created_at: String,
}

impl From<&Organisation> for OrganisationView {
    fn from(o: &Organisation) -> Self {
        Self {
            id: o.id.clone(),
            kind: o.kind.as_str().into(),
            name: o.name.clone(),
            business_number: o.business_number.clone(),
            supplier_id: o.supplier_id.clone(),
            status: o.status.as_str().into(),
            status_reason: o.status_reason.clone(),
            representative: o.representative.clone(),
            address: o.address.clone(),
            created_at: rfc3339_utc(o.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignupResponse {
    pub organisation: OrganisationView,
    pub user: UserView,
}

/// Reads a multipart sign-up form (the same fields as the web form).
pub async fn read_signup(mut mp: Multipart) -> Result<(Signup, Option<String>), AppError> {
    let mut f = std::collections::HashMap::<String, String>::new();
    let mut certificate = None;
    // The fields beside the certificate are held to the account doors' 16 KiB.
    let mut text_bytes = 0usize;
    while let Some(field) =
        mp.next_field().await.map_err(|e| AppError::new(Code::InvalidBody, format!("the form could not be read: {e}")))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "certificate" {
            let bytes = field.bytes().await.map_err(|e| AppError::new(Code::InvalidBody, format!("the file could not be read: {e}")))?;
            if !bytes.is_empty() {
                certificate = Some(bytes.to_vec());
            }
        } else {
            let mut field = field;
            let mut bytes = Vec::new();
            text_bytes += name.len();
            while let Some(chunk) =
                field.chunk().await.map_err(|e| AppError::new(Code::InvalidBody, format!("the form could not be read: {e}")))?
            {
                text_bytes += chunk.len();
                if text_bytes > crate::limits::ACCOUNT_BODY_LIMIT {
                    return Err(crate::limits::too_large(crate::limits::ACCOUNT_BODY_LIMIT));
                }
                bytes.extend_from_slice(&chunk);
            }
            let text =
                String::from_utf8(bytes).map_err(|_| AppError::new(Code::InvalidBody, format!("the field {name} is not UTF-8 text")))?;
            f.insert(name, text);
        }
    }
    let kind = match f.get("kind").map(String::as_str) {
        Some("supplier") | None => OrgKind::Supplier,
        Some("sme") => OrgKind::Sme,
        Some(_) => return Err(AppError::new(Code::InvalidKind, "kind is supplier or sme")),
    };
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let opt = |k: &str| f.get(k).cloned().filter(|v| !v.trim().is_empty());
    let csrf = f.get(crate::auth::CSRF_FIELD).cloned();
    Ok((
        Signup {
            kind,
            business_number: get("business_number"),
            company_name: get("company_name"),
            size: opt("size"),
            representative: opt("representative"),
            address: opt("address"),
            person_name: get("name"),
            email: get("email"),
            phone: opt("phone"),
            password: get("password"),
            privacy_consent: matches!(f.get("privacy_consent").map(String::as_str), Some("true" | "on" | "yes" | "1")),
            certificate,
        },
        csrf,
    ))
}

/// Sign up a supplier or an SME (multipart form: kind, business_number, company_name, size,
/// representative, address, name, email, phone, password, privacy_consent=true, certificate = the
/// business registration certificate as a PDF or an image). The company waits for approval.
#[utoipa::path(post, path = "/api/v1/signup", tag = "accounts",
    request_body(content_type = "multipart/form-data", description = "The sign-up form with the registration certificate"),
    responses(
        (status = 201, description = "Signed up; waiting for the operator's approval", body = SignupResponse),
        (status = 400, description = "consent_required, weak_password, invalid_business_number, invalid_email, invalid_name, invalid_representative, invalid_address, invalid_phone, invalid_size, invalid_file_type, certificate_required", body = ErrorBody),
        (status = 409, description = "company_exists, email_taken", body = ErrorBody),
        (status = 413, description = "file_too_large (the certificate over 20 MiB), body_too_large (the other fields over 16 KiB)", body = ErrorBody),
        (status = 429, description = "too_many_requests (see `Retry-After`)", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "busy: too many passwords being checked; wait `Retry-After` seconds", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn signup(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: Client,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<SignupResponse>), AppError> {
    let mp = mp.map_err(|e| AppError::new(Code::InvalidBody, format!("send the sign-up as multipart/form-data: {e}")))?;
    let (form, _) = read_signup(mp).await?;
    let (org, user) = accounts::signup(&state, form, client.0, request_id(&headers)).await?;
    Ok((StatusCode::CREATED, Json(SignupResponse { organisation: (&org).into(), user: UserView::new(&user, &org) })))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct OrgFilter {
    /// pending | approved | rejected
    pub status: Option<String>,
}

/// Organisations (operator).
#[utoipa::path(get, path = "/api/v1/organisations", tag = "accounts", params(OrgFilter), security(("bearer" = [])),
    responses((status = 200, description = "Organisations, newest first", body = Vec<OrganisationView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_organisations(
    State(state): State<AppState>,
    auth: Auth,
    Query(f): Query<OrgFilter>,
) -> Result<Json<Vec<OrganisationView>>, AppError> {
    auth.require(Rule::AnyRole(OPERATOR))?;
    let status = match f.status.as_deref() {
        None | Some("") => None,
        Some(s) => {
            Some(OrgStatus::parse(s).ok_or_else(|| AppError::new(Code::InvalidStatusFilter, "status is pending, approved or rejected"))?)
        }
    };
    Ok(Json(state.db().organisations(status).await?.iter().map(OrganisationView::from).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewOrgRequest {
    /// agency | operator | procurement | audit | reviewer_pool (suppliers and SMEs sign up themselves)
    pub kind: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    pub business_number: Option<String>,
}

/// Create an organisation (operator); then invite its first admin.
#[utoipa::path(post, path = "/api/v1/organisations", tag = "accounts", request_body = NewOrgRequest, security(("bearer" = [])),
    responses((status = 413, description = "body_too_large: an account request takes at most 16 KiB", body = ErrorBody), (status = 201, description = "Created and approved", body = OrganisationView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_organisation(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    ApiJson(body): ApiJson<NewOrgRequest>,
) -> Result<(StatusCode, Json<OrganisationView>), AppError> {
    let p = auth.require(Rule::AnyRole(OPERATOR))?;
    let org =
        accounts::create_organisation(&state, p, &body.kind, &body.name, body.business_number.as_deref(), request_id(&headers)).await?;
    Ok((StatusCode::CREATED, Json((&org).into())))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Decision {
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

async fn decide(
    state: AppState,
    headers: HeaderMap,
    auth: Auth,
    id: String,
    approve: bool,
    reason: Option<String>,
) -> Result<Json<OrganisationView>, AppError> {
    let p = auth.require(Rule::AnyRole(OPERATOR))?;
    let org = accounts::decide_organisation(&state, p, &id, approve, reason.as_deref(), request_id(&headers)).await?;
    Ok(Json((&org).into()))
}

/// Approve a signed-up company (operator).
#[utoipa::path(post, path = "/api/v1/organisations/{id}/approve", tag = "accounts", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = OrganisationView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "invalid_status", body = ErrorBody)))]
pub async fn approve_organisation(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<OrganisationView>, AppError> {
    decide(state, headers, auth, id, true, None).await
}

/// Reject a signed-up company with a reason (operator); its claim on the business number (and
/// the catalog supplier) is released, so the company can sign up again.
#[utoipa::path(post, path = "/api/v1/organisations/{id}/reject", tag = "accounts", params(("id" = String, Path)), request_body = Decision, security(("bearer" = [])),
    responses((status = 413, description = "body_too_large: an account request takes at most 16 KiB", body = ErrorBody), (status = 200, body = OrganisationView), (status = 400, description = "reason_required, invalid_reason (over 2,000 characters)", body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reject_organisation(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Decision>,
) -> Result<Json<OrganisationView>, AppError> {
    decide(state, headers, auth, id, false, body.reason).await
}

/// Remove an organisation never approved — a sign-up waiting or rejected, e.g. one made to squat
/// a company's business number — with its people (operator). The business number can sign up
/// again; the audit log keeps what was removed.
#[utoipa::path(delete, path = "/api/v1/organisations/{id}", tag = "accounts", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 204, description = "Removed"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "invalid_status: an approved organisation is not removed", body = ErrorBody)))]
pub async fn remove_organisation(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    let p = auth.require(Rule::AnyRole(OPERATOR))?;
    accounts::remove_organisation(&state, p, &id, request_id(&headers)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct InviteRequest {
    pub email: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    pub roles: Vec<String>,
    #[serde(default)]
    pub admin: bool,
}

/// Invite a person (the organisation's admin, or the operator for any organisation).
#[utoipa::path(post, path = "/api/v1/organisations/{id}/invitations", tag = "accounts", params(("id" = String, Path)), request_body = InviteRequest, security(("bearer" = [])),
    responses((status = 413, description = "body_too_large: an account request takes at most 16 KiB", body = ErrorBody), (status = 201, description = "Invited; a link was e-mailed", body = UserView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "email_taken", body = ErrorBody),
        (status = 429, description = "too_many_requests: more than 10 invitations a minute for one e-mail or 20 from one address (see `Retry-After`)", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait")))))]
pub async fn invite(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: Client,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<InviteRequest>,
) -> Result<(StatusCode, Json<UserView>), AppError> {
    let p = auth.require(Rule::Person)?;
    let roles = body
        .roles
        .iter()
        .map(|r| Role::parse(r).ok_or_else(|| AppError::new(Code::InvalidRoles, format!("unknown role {r:?}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let user = accounts::invite(&state, p, &id, &body.email, &body.name, &roles, body.admin, client.0, request_id(&headers)).await?;
    let org = state.db().organisation(&user.org_id).await?.ok_or_else(|| AppError::not_found("organisation"))?;
    Ok((StatusCode::CREATED, Json(UserView::new(&user, &org))))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    pub id: String,
    pub name: String,
    /// What it may do: `read` (GET only), `services:write`, `usage:write`, `invoices:write`.
    pub scopes: Vec<String>,
    /// The day it stops working (it works until that day begins, Asia/Seoul), `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub expires_on: Option<String>,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NewToken {
    pub token: TokenView,
    /// Shown once; stored only as a hash.
    pub secret: String,
}

fn token_view(t: &gureum_storage::ApiToken) -> TokenView {
    TokenView {
        id: t.id.clone(),
        name: t.name.clone(),
        scopes: t.scopes.clone(),
        expires_on: t.expires_at.map(accounts::expires_on),
        created_at: rfc3339_utc(t.created_at),
        last_used_at: t.last_used_at.map(rfc3339_utc),
        revoked_at: t.revoked_at.map(rfc3339_utc),
    }
}

/// My organisation's API tokens (admin).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = Vec<TokenView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_tokens(State(state): State<AppState>, auth: Auth) -> Result<Json<Vec<TokenView>>, AppError> {
    let p = auth.require(Rule::OrgAdmin)?;
    Ok(Json(state.db().api_tokens_of(&p.org().id).await?.iter().map(token_view).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Default `["read"]`. The writes need the creator to hold the role they serve (a
    /// supplier's): a token never does more than its creator.
    #[schema(example = json!(["read", "services:write"]))]
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    /// `YYYY-MM-DD`, after today and at most two years away; default a year from today.
    #[schema(format = Date)]
    #[serde(default)]
    pub expires_on: Option<String>,
}

/// Create an API token for machines (admin); the secret is shown once. A machine token calls
/// within its scopes only (else 403 `insufficient_scope`) and dies with its creator's account.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = TokenRequest, security(("bearer" = [])),
    responses((status = 413, description = "body_too_large: an account request takes at most 16 KiB", body = ErrorBody), (status = 201, body = NewToken), (status = 400, description = "invalid_name, invalid_scopes, invalid_expiry", body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, description = "forbidden: not an admin, a scope its creator may not grant, or the operator's or an auditor's organisation (no machine tokens)", body = ErrorBody)))]
pub async fn create_token(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    ApiJson(body): ApiJson<TokenRequest>,
) -> Result<(StatusCode, Json<NewToken>), AppError> {
    let p = auth.require(Rule::OrgAdmin)?;
    let scopes = body.scopes.unwrap_or_default();
    let (t, secret) = accounts::create_api_token(&state, p, &body.name, &scopes, body.expires_on.as_deref(), request_id(&headers)).await?;
    Ok((StatusCode::CREATED, Json(NewToken { token: token_view(&t), secret })))
}

/// Revoke an API token of my organisation (admin).
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    let p = auth.require(Rule::OrgAdmin)?;
    accounts::revoke_api_token(&state, p, &id, request_id(&headers)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn lock(state: AppState, headers: HeaderMap, auth: Auth, id: String, locked: bool) -> Result<Json<UserView>, AppError> {
    let p = auth.require(Rule::AnyRole(OPERATOR))?;
    let u = accounts::set_locked(&state, p, &id, locked, request_id(&headers)).await?;
    let org = state.db().organisation(&u.org_id).await?.ok_or_else(|| AppError::not_found("organisation"))?;
    Ok(Json(UserView::new(&u, &org)))
}

/// Lock a person's account (operator).
#[utoipa::path(post, path = "/api/v1/users/{id}/lock", tag = "accounts", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn lock_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<UserView>, AppError> {
    lock(state, headers, auth, id, true).await
}

/// Unlock a person's account (operator).
#[utoipa::path(post, path = "/api/v1/users/{id}/unlock", tag = "accounts", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unlock_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<UserView>, AppError> {
    lock(state, headers, auth, id, false).await
}

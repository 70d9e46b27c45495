//! Sign-up, organisations, people and API tokens.

use super::auth::UserView;
use super::json::ApiJson;
use super::schema::{EMAIL_PATTERN, NOT_BLANK, OrgKindName, OrgStatusName, RoleName, Uuid, component, text, uuid_path};
use crate::auth::{Auth, Client, OPERATOR, Rule, request_id};
use crate::error::{AppError, Code, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use gureum_app::accounts::{self, Signup};
use gureum_domain::account::{OrgKind, Role};
use gureum_domain::clock::rfc3339_utc;
use gureum_domain::listing::SupplierSize;
use gureum_storage::{OrgStatus, Organisation};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationView {
    #[schema(value_type = Uuid)]
    pub id: String,
    #[schema(value_type = OrgKindName)]
    pub kind: String,
    pub name: String,
    /// 사업자등록번호, 10 digits.
    #[schema(pattern = "^[0-9]{10}$")]
    pub business_number: Option<String>,
    /// The catalog supplier it acts for (a supplier company).
    #[schema(value_type = Option<Uuid>)]
    pub supplier_id: Option<String>,
    #[schema(value_type = OrgStatusName)]
    pub status: String,
    /// The operator's reason of a rejection.
    pub status_reason: Option<String>,
    pub representative: Option<String>,
    pub address: Option<String>,
    /// An agency's kind (수요기관 구분), null until the operator says.
    #[schema(value_type = Option<AgencyKindName>)]
    pub agency_kind: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
}

component!(
    AgencyKindName,
    "AgencyKind",
    json!({"type": "string", "enum": gureum_domain::forecast::AgencyKind::codes(), "description": "central 중앙행정기관, local 지방자치단체, public_institution 공공기관, other 기타"})
);

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
            agency_kind: o.agency_kind.clone(),
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
    // A size is asked of a supplier only, but a wrong one is refused whoever sends it, as the
    // document says (a blank one counts as absent).
    if opt("size").is_some_and(|s| SupplierSize::parse(s.trim()).is_none()) {
        return Err(AppError::new(Code::InvalidSize, "size is small, medium, midsize or large"));
    }
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

fn sizes_or_blank() -> Vec<&'static str> {
    SupplierSize::ALL.iter().map(|s| s.as_str()).chain([""]).collect()
}

component!(
    /// The sign-up form's fields (all text but the certificate).
    SignupDoc,
    "Signup",
    json!({
        "type": "object",
        "required": ["business_number", "company_name", "name", "email", "password", "privacy_consent", "certificate"],
        "propertyNames": super::schema::form_field_name(),
        "properties": {
            "kind": {"type": "string", "enum": ["supplier", "sme"], "description": "Default supplier"},
            "business_number": {"$ref": "#/components/schemas/BusinessNumber"},
            "company_name": text(200),
            "size": {"type": "string", "enum": sizes_or_blank(), "description": "Required for a supplier (400 invalid_size without it); an SME's is not asked. Blank counts as absent."},
            "representative": {"type": "string"},
            "address": {"type": "string"},
            "name": text(200),
            "email": {"$ref": "#/components/schemas/Email"},
            "phone": {"type": "string"},
            "password": {"type": "string", "minLength": 10, "maxLength": 200},
            "privacy_consent": {"type": "string", "enum": ["true", "on", "yes", "1"], "description": "Consent to the collection and use of personal information (개인정보 수집·이용 동의)"},
            "certificate": {"type": "string", "format": "binary", "description": "The business registration certificate (사업자등록증): a PDF or an image (PNG, JPEG, GIF, WebP), recognised by its content, at most 20 MiB"}
        }
    }),
    uses [BusinessNumberText, EmailText]
);

/// Sign up a supplier or an SME (multipart form: kind, business_number, company_name, size,
/// representative, address, name, email, phone, password, privacy_consent=true, certificate = the
/// business registration certificate as a PDF or an image). The company waits for approval.
#[utoipa::path(post, path = "/api/v1/signup", tag = "accounts",
    request_body(content = SignupDoc, content_type = "multipart/form-data", description = "The sign-up form with the registration certificate"),
    responses(
        (status = 201, description = "Signed up; waiting for the operator's approval", body = SignupResponse),
        (status = 400, description = "invalid_body, invalid_kind, consent_required, invalid_business_number (also a wrong check digit), invalid_email, weak_password, invalid_name, invalid_representative, invalid_address, invalid_phone, invalid_size, certificate_required, invalid_file_type (neither a PDF nor an image by its content)", body = ErrorBody),
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

/// Organisations (operator).
#[utoipa::path(get, path = "/api/v1/organisations", tag = "accounts",
    params(("status" = Option<OrgStatusName>, Query, description = "Only those of this status")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Organisations, newest first", body = Vec<OrganisationView>),
        (status = 400, description = "invalid_status", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
    ))]
pub async fn list_organisations(
    State(state): State<AppState>,
    auth: Auth,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<OrganisationView>>, AppError> {
    auth.require(Rule::AnyRole(OPERATOR))?;
    // Read as the search reads its query: an empty value is absent, unknown keys are ignored, and
    // a malformed query string is a 400 with a code like any other (not axum's plain text).
    let pairs = gureum_app::query::pairs(raw.as_deref());
    let status = match pairs.iter().rev().find(|(k, v)| k == "status" && !v.trim().is_empty()) {
        None => None,
        Some((_, s)) => Some(
            OrgStatus::parse(s.trim())
                .ok_or_else(|| AppError::new(Code::InvalidStatusFilter, "status is pending, approved or rejected"))?,
        ),
    };
    Ok(Json(state.db().organisations(status).await?.iter().map(OrganisationView::from).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewOrgRequest {
    /// Suppliers and SMEs sign up themselves.
    #[schema(value_type = CreatableOrgKind)]
    pub kind: String,
    #[schema(value_type = NameText)]
    pub name: String,
    /// 사업자등록번호: 10 digits, dashes and spaces allowed, with its check digit; blank counts as absent.
    #[schema(value_type = Option<OptionalBusinessNumberText>)]
    pub business_number: Option<String>,
    /// An agency's kind (only for `agency`; otherwise 400 invalid_field).
    #[schema(value_type = Option<AgencyKindName>)]
    pub agency_kind: Option<String>,
}

component!(
    CreatableOrgKind,
    "CreatableOrgKind",
    json!({"type": "string", "enum": OrgKind::ALL.iter().filter(|k| !k.self_service()).map(|k| k.as_str()).collect::<Vec<_>>()})
);

component!(NameText, "Name", text(200));

component!(
    BusinessNumberText,
    "BusinessNumber",
    json!({
        "type": "string",
        "pattern": "^[ -]*([0-9][ -]*){10}$",
        "description": "10 digits (dashes and spaces are ignored) whose last is the check digit of the first nine; a wrong one is 400 invalid_business_number"
    })
);

component!(
    OptionalBusinessNumberText,
    "OptionalBusinessNumber",
    json!({
        "type": "string",
        "pattern": "^ *$|^[ -]*([0-9][ -]*){10}$",
        "description": "A business number as BusinessNumber, or blank for none"
    })
);

/// Create an organisation (operator); then invite its first admin.
#[utoipa::path(post, path = "/api/v1/organisations", tag = "accounts", request_body = NewOrgRequest, security(("bearer" = [])),
    responses(
        (status = 201, description = "Created and approved", body = OrganisationView),
        (status = 400, description = "invalid_body, invalid_field, invalid_kind, invalid_name, invalid_business_number (also a wrong check digit)", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
        (status = 409, description = "company_exists", body = ErrorBody),
        (status = 413, description = "body_too_large: an account request takes at most 16 KiB", body = ErrorBody),
    ))]
pub async fn create_organisation(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    ApiJson(body): ApiJson<NewOrgRequest>,
) -> Result<(StatusCode, Json<OrganisationView>), AppError> {
    let p = auth.require(Rule::AnyRole(OPERATOR))?;
    let org = accounts::create_organisation(
        &state,
        p,
        &body.kind,
        &body.name,
        body.business_number.as_deref(),
        body.agency_kind.as_deref(),
        request_id(&headers),
    )
    .await?;
    Ok((StatusCode::CREATED, Json((&org).into())))
}

/// An agency's kind.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AgencyKindRequest {
    #[schema(value_type = AgencyKindName)]
    pub agency_kind: String,
}

/// Say what kind of public body an agency is (operator): the demand forecast's response rates
/// and the statistics count by it.
#[utoipa::path(put, path = "/api/v1/organisations/{id}/agency-kind", tag = "accounts", params(("id" = Uuid, Path)), request_body = AgencyKindRequest, security(("bearer" = [])),
    responses(
        (status = 200, description = "Set", body = OrganisationView),
        (status = 400, description = "invalid_id, invalid_body, invalid_field (not an agency, or not one of the kinds)", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 413, description = "body_too_large: an account request takes at most 16 KiB", body = ErrorBody),
    ))]
pub async fn set_agency_kind(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AgencyKindRequest>,
) -> Result<Json<OrganisationView>, AppError> {
    let p = auth.require(Rule::AnyRole(OPERATOR))?;
    let id = uuid_path(&id, "an organisation")?;
    let org = accounts::set_agency_kind(&state, p, &id, &body.agency_kind, request_id(&headers)).await?;
    Ok(Json((&org).into()))
}

/// A rejection's reason, told to the company.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Decision {
    #[schema(value_type = ReasonText, required = true)]
    pub reason: Option<String>,
}

component!(ReasonText, "Reason", json!({"type": "string", "minLength": 1, "maxLength": 2000, "pattern": NOT_BLANK}));

async fn decide(
    state: AppState,
    headers: HeaderMap,
    auth: Auth,
    id: String,
    approve: bool,
    reason: Option<String>,
) -> Result<Json<OrganisationView>, AppError> {
    let p = auth.require(Rule::AnyRole(OPERATOR))?;
    let id = uuid_path(&id, "an organisation")?;
    let org = accounts::decide_organisation(&state, p, &id, approve, reason.as_deref(), request_id(&headers)).await?;
    Ok(Json((&org).into()))
}

/// Approve a signed-up company (operator).
#[utoipa::path(post, path = "/api/v1/organisations/{id}/approve", tag = "accounts", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Approved", body = OrganisationView),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status: not waiting for approval", body = ErrorBody),
    ))]
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
#[utoipa::path(post, path = "/api/v1/organisations/{id}/reject", tag = "accounts", params(("id" = Uuid, Path)), request_body = Decision, security(("bearer" = [])),
    responses(
        (status = 200, description = "Rejected", body = OrganisationView),
        (status = 400, description = "invalid_id, invalid_body, invalid_field, reason_required, invalid_reason (over 2,000 characters)", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status: not waiting for approval", body = ErrorBody),
        (status = 413, description = "body_too_large: an account request takes at most 16 KiB", body = ErrorBody),
    ))]
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
    #[schema(value_type = EmailText)]
    pub email: String,
    #[schema(value_type = NameText)]
    pub name: String,
    /// Roles the organisation's kind may hold (an agency's buyer, budget_officer, signatory …); others are 400 invalid_roles.
    #[schema(value_type = Vec<RoleName>, min_items = 1)]
    pub roles: Vec<String>,
    /// Whether the person administers the organisation (default false).
    #[serde(default)]
    pub admin: bool,
}

component!(
    EmailText,
    "Email",
    json!({"type": "string", "maxLength": 254, "pattern": EMAIL_PATTERN, "description": "An e-mail address (stored in lower case)"})
);

/// Invite a person (the organisation's admin, or the operator for any organisation).
#[utoipa::path(post, path = "/api/v1/organisations/{id}/invitations", tag = "accounts", params(("id" = Uuid, Path)), request_body = InviteRequest, security(("bearer" = [])),
    responses(
        (status = 201, description = "Invited; a link was e-mailed", body = UserView),
        (status = 400, description = "invalid_id, invalid_body, invalid_field, invalid_email, invalid_name, invalid_roles (also roles the organisation's kind may not hold)", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not a person, or not an admin of this organisation", body = ErrorBody),
        (status = 404, description = "not_found (also another organisation, for all but the operator)", body = ErrorBody),
        (status = 409, description = "email_taken", body = ErrorBody),
        (status = 413, description = "body_too_large: an account request takes at most 16 KiB", body = ErrorBody),
        (status = 429, description = "too_many_requests: more than 10 a minute for one e-mail or 20 from one address (see `Retry-After`)", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn invite(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: Client,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<InviteRequest>,
) -> Result<(StatusCode, Json<UserView>), AppError> {
    let p = auth.require(Rule::Person)?;
    let id = uuid_path(&id, "an organisation")?;
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
    #[schema(value_type = Uuid)]
    pub id: String,
    pub name: String,
    /// What it may do: `read` (GET only), `services:write`, `usage:write`, `invoices:write`.
    pub scopes: Vec<String>,
    /// The day it stops working (it works until that day begins, Asia/Seoul), `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub expires_on: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub last_used_at: Option<String>,
    #[schema(format = DateTime)]
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
    responses(
        (status = 200, description = "Newest first, revoked ones too", body = Vec<TokenView>),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not an admin of an approved organisation", body = ErrorBody),
    ))]
pub async fn list_tokens(State(state): State<AppState>, auth: Auth) -> Result<Json<Vec<TokenView>>, AppError> {
    let p = auth.require(Rule::OrgAdmin)?;
    Ok(Json(state.db().api_tokens_of(&p.org().id).await?.iter().map(token_view).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    #[schema(value_type = NameText)]
    pub name: String,
    /// Default `["read"]`. The writes need the creator to hold the role they serve (a
    /// supplier's): a token never does more than its creator.
    #[schema(value_type = Option<Vec<ScopeName>>, example = json!(["read", "services:write"]))]
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    /// `YYYY-MM-DD`, after today and at most two years away; default a year from today.
    #[schema(format = Date)]
    #[serde(default)]
    pub expires_on: Option<String>,
}

component!(ScopeName, "Scope", json!({"type": "string", "enum": super::schema::names(&accounts::Scope::ALL, accounts::Scope::as_str)}));

/// Create an API token for machines (admin); the secret is shown once. A machine token calls
/// within its scopes only (else 403 `insufficient_scope`) and dies with its creator's account.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = TokenRequest, security(("bearer" = [])),
    responses(
        (status = 201, description = "The token and its secret", body = NewToken),
        (status = 400, description = "invalid_body, invalid_field, invalid_name, invalid_scopes, invalid_expiry (not after today, or more than two years away)", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not an admin, a scope its creator may not grant, or the operator's or an auditor's organisation (no machine tokens)", body = ErrorBody),
        (status = 413, description = "body_too_large: an account request takes at most 16 KiB", body = ErrorBody),
    ))]
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
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 204, description = "Revoked"),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not an admin of an approved organisation", body = ErrorBody),
        (status = 404, description = "not_found: no such token of this organisation", body = ErrorBody),
    ))]
pub async fn revoke_token(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    let p = auth.require(Rule::OrgAdmin)?;
    let id = uuid_path(&id, "an API token")?;
    accounts::revoke_api_token(&state, p, &id, request_id(&headers)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn lock(state: AppState, headers: HeaderMap, auth: Auth, id: String, locked: bool) -> Result<Json<UserView>, AppError> {
    let p = auth.require(Rule::AnyRole(OPERATOR))?;
    let id = uuid_path(&id, "a user")?;
    let u = accounts::set_locked(&state, p, &id, locked, request_id(&headers)).await?;
    let org = state.db().organisation(&u.org_id).await?.ok_or_else(|| AppError::not_found("organisation"))?;
    Ok(Json(UserView::new(&u, &org)))
}

/// Lock a person's account (operator).
#[utoipa::path(post, path = "/api/v1/users/{id}/lock", tag = "accounts", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Locked", body = UserView),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
    ))]
pub async fn lock_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<UserView>, AppError> {
    lock(state, headers, auth, id, true).await
}

/// Unlock a person's account (operator).
#[utoipa::path(post, path = "/api/v1/users/{id}/unlock", tag = "accounts", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Unlocked", body = UserView),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
    ))]
pub async fn unlock_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<UserView>, AppError> {
    lock(state, headers, auth, id, false).await
}

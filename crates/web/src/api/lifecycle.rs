//! A supplier's own services and the operator's decisions on them (docs/API.md): create, edit,
//! attach documents, submit; the operator's queue, list, reject, suspend and reinstate.

use super::json::ApiJson;
use super::listing_doc::{ListingDoc, ServiceCreateDoc, ServicePatchDoc};
use super::schema::{
    AnyValue, Binary, DocTypeName, RevisionStateName, ServiceCodeText, ServiceKeyText, ServiceStatusName, Uuid, component, text, uuid_path,
};
use super::services::ServiceView;
use crate::auth::{AUDIT_READERS, Auth, OPERATOR, Principal, Rule, SUPPLIER, request_id};
use crate::error::{AppError, Code, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gureum_app::lifecycle::{self, FieldChange};
use gureum_domain::Listing;
use gureum_domain::clock::rfc3339_utc;
use gureum_storage::{Revision, ServiceDocument, ServiceHead, ServiceKey};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_service))
        .routes(routes!(update_service))
        .routes(routes!(submit_service))
        .routes(routes!(review_service))
        .routes(routes!(list_service))
        .routes(routes!(reject_service))
        .routes(routes!(suspend_service))
        .routes(routes!(reinstate_service))
        .routes(routes!(list_documents, upload_document))
        .routes(routes!(download_document))
        .routes(routes!(my_services))
        .routes(routes!(review_queue))
}

/// One field that differs between the public revision and the open one.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldChangeView {
    /// The listing field, e.g. `price_plans`.
    pub field: String,
    /// Its value in the public revision (null when absent or for a first listing).
    #[schema(value_type = AnyValue)]
    pub before: Option<Value>,
    /// Its value in the open revision (null when cleared).
    #[schema(value_type = AnyValue)]
    pub after: Option<Value>,
    /// A price increase, a lower SLA, a new or changed certification or host, another kind.
    pub material: bool,
}

impl From<&FieldChange> for FieldChangeView {
    fn from(c: &FieldChange) -> Self {
        Self { field: c.field.into(), before: c.before.clone(), after: c.after.clone(), material: c.material }
    }
}

/// One revision of a service and where it stands.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RevisionView {
    #[schema(minimum = 1)]
    pub revision: i64,
    #[schema(value_type = RevisionStateName)]
    pub state: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub submitted_at: Option<String>,
    #[schema(format = DateTime)]
    pub decided_at: Option<String>,
    /// The operator's reason when it was rejected.
    pub decision_reason: Option<String>,
    /// The public revision it was compared with when submitted.
    pub base_revision: Option<i64>,
    /// Whether that change was material (set on submission).
    pub material: Option<bool>,
}

impl From<&Revision> for RevisionView {
    fn from(r: &Revision) -> Self {
        Self {
            revision: r.revision,
            state: r.state.as_str().into(),
            created_at: rfc3339_utc(r.created_at),
            submitted_at: r.submitted_at.map(rfc3339_utc),
            decided_at: r.decided_at.map(rfc3339_utc),
            decision_reason: r.decision_reason.clone(),
            base_revision: r.base_revision,
            material: r.material,
        }
    }
}

/// The open revision (draft, submitted or in review) with what it changes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DraftView {
    #[schema(minimum = 1)]
    pub revision: i64,
    /// draft, submitted or in_review.
    #[schema(value_type = RevisionStateName)]
    pub state: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub submitted_at: Option<String>,
    /// Whether it must go through review again (always for a first listing).
    pub material: bool,
    #[schema(value_type = ListingDoc)]
    pub listing: Listing,
    /// Field by field against the public revision.
    pub changes: Vec<FieldChangeView>,
}

/// A service: its public revision (or, for its owner and the operator, its latest when it was
/// never listed), and for them also the open draft and every revision.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ServiceDetail {
    #[serde(flatten)]
    pub service: ServiceView,
    /// Shown to the owner, the operator and the auditor only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draft: Option<DraftView>,
    /// Shown to the owner, the operator and the auditor only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revisions: Option<Vec<RevisionView>>,
}

impl ServiceDetail {
    pub fn public(service: ServiceView) -> Self {
        Self { service, draft: None, revisions: None }
    }
}

/// Whether a principal sees a service's drafts: its owner, the operator, the auditor.
pub fn sees_drafts(p: &Principal, head: &ServiceHead) -> bool {
    lifecycle::owns(p, head) || AUDIT_READERS.iter().any(|r| p.has_role(*r))
}

/// The open revision with its changes against the public one.
pub fn draft_of(head: &ServiceHead, revisions: &[Revision]) -> Option<DraftView> {
    let open = revisions.iter().find(|r| Some(r.revision) == head.draft_revision)?;
    let public = revisions.iter().find(|r| Some(r.revision) == head.public_revision).map(|r| &r.listing);
    let changes = lifecycle::diff(public, &open.listing);
    Some(DraftView {
        revision: open.revision,
        state: open.state.as_str().into(),
        created_at: rfc3339_utc(open.created_at),
        submitted_at: open.submitted_at.map(rfc3339_utc),
        material: public.is_none() || changes.iter().any(|c| c.material),
        listing: open.listing.clone(),
        changes: changes.iter().map(FieldChangeView::from).collect(),
    })
}

/// The full view of a service for one who sees its drafts.
pub async fn detail(state: &AppState, head: &ServiceHead) -> Result<ServiceDetail, AppError> {
    let rec = state.db().service(ServiceKey::Id(&head.id)).await?.ok_or_else(|| AppError::not_found("service"))?;
    let revisions = state.db().service_revisions(&head.id).await?;
    Ok(ServiceDetail {
        service: ServiceView::build(state, rec).await?,
        draft: draft_of(head, &revisions),
        revisions: Some(revisions.iter().map(RevisionView::from).collect()),
    })
}

async fn detail_of(state: &AppState, id: &str) -> Result<ServiceDetail, AppError> {
    let head = state.db().service_head(ServiceKey::Id(id)).await?.ok_or_else(|| AppError::not_found("service"))?;
    detail(state, &head).await
}

/// Create a service (a draft of the caller's supplier company).
#[utoipa::path(post, path = "/api/v1/services", tag = "services", request_body = ServiceCreateDoc, security(("bearer" = [])),
    responses(
        (status = 201, description = "The new draft, with its id, its code and status `draft`", body = ServiceDetail),
        (status = 400, description = "invalid_body; invalid_field (names the field and why: also a code whose prefix is not the kind's, a certificate that ends before it starts, an operator's field)", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not a supplier of an approved company", body = ErrorBody),
        (status = 409, description = "code_taken", body = ErrorBody),
    ))]
pub async fn create_service(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Value>,
) -> Result<(StatusCode, Json<ServiceDetail>), AppError> {
    let p = auth.require(Rule::AnyRole(SUPPLIER))?;
    let id = lifecycle::create(&state, p, &body, request_id(&headers)).await?;
    Ok((StatusCode::CREATED, Json(detail_of(&state, &id).await?)))
}

/// Edit a service: merges the given fields into the open draft (opening one from the listed
/// revision when there is none) and validates the whole listing again. `null` clears a field.
#[utoipa::path(patch, path = "/api/v1/services/{id}", tag = "services", request_body = ServicePatchDoc, security(("bearer" = [])),
    params(("id" = ServiceKeyText, Path)),
    responses(
        (status = 200, description = "The service with its open draft", body = ServiceDetail),
        (status = 400, description = "invalid_id; invalid_body; invalid_field (names the field and why, also when the merged listing misses a field or changes the code)", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not a supplier of an approved company", body = ErrorBody),
        (status = 404, description = "not_found (also another supplier's service)", body = ErrorBody),
        (status = 409, description = "invalid_status: the revision is with the operator, or the service is cancelled or withdrawn", body = ErrorBody),
    ))]
pub async fn update_service(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<ServiceDetail>, AppError> {
    let p = auth.require(Rule::AnyRole(SUPPLIER))?;
    let id = lifecycle::update(&state, p, &id, &body, request_id(&headers)).await?;
    Ok(Json(detail_of(&state, &id).await?))
}

/// Submit the open draft to the operator.
#[utoipa::path(post, path = "/api/v1/services/{id}/submit", tag = "services", security(("bearer" = [])),
    params(("id" = ServiceKeyText, Path)),
    responses(
        (status = 200, description = "Submitted", body = ServiceDetail),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not a supplier of an approved company", body = ErrorBody),
        (status = 404, description = "not_found (also another supplier's service)", body = ErrorBody),
        (status = 409, description = "invalid_status: no draft, or already submitted", body = ErrorBody),
    ))]
pub async fn submit_service(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<ServiceDetail>, AppError> {
    let p = auth.require(Rule::AnyRole(SUPPLIER))?;
    let id = lifecycle::submit(&state, p, &id, request_id(&headers)).await?;
    Ok(Json(detail_of(&state, &id).await?))
}

/// Take a submitted service into review (operator).
#[utoipa::path(post, path = "/api/v1/services/{id}/review", tag = "services", security(("bearer" = [])),
    params(("id" = ServiceKeyText, Path)),
    responses(
        (status = 200, description = "In review", body = ServiceDetail),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status: not submitted", body = ErrorBody),
    ))]
pub async fn review_service(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<ServiceDetail>, AppError> {
    let p = auth.require(Rule::AnyRole(OPERATOR))?;
    let id = lifecycle::start_review(&state, p, &id, request_id(&headers)).await?;
    Ok(Json(detail_of(&state, &id).await?))
}

/// List a submitted or in-review service (operator). Answers once this instance's search finds
/// it; the supplier is told in the app and by e-mail.
#[utoipa::path(post, path = "/api/v1/services/{id}/list", tag = "services", security(("bearer" = [])),
    params(("id" = ServiceKeyText, Path)),
    responses(
        (status = 200, description = "Listed: the open revision is now the public one", body = ServiceDetail),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status: neither submitted nor in review; code_taken", body = ErrorBody),
    ))]
pub async fn list_service(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<ServiceDetail>, AppError> {
    let p = auth.require(Rule::AnyRole(OPERATOR))?;
    let id = lifecycle::list(&state, p, &id, request_id(&headers)).await?;
    Ok(Json(detail_of(&state, &id).await?))
}

/// A reason for a rejection or a suspension; the supplier is told it.
#[derive(Debug, Deserialize)]
pub struct ReasonRequest {
    #[serde(default)]
    pub reason: Option<String>,
}

component!(
    /// The documented body of a rejection or a suspension: the reason is required (an empty or
    /// missing body is 400 `reason_required`).
    ReasonDoc,
    "ReasonRequest",
    json!({
        "type": "object",
        "required": ["reason"],
        "properties": {"reason": text(2_000)},
        "description": "The reason, told to the supplier (at most 2 000 characters)"
    })
);

component!(
    /// A document upload: its type and a PDF.
    DocumentUploadDoc,
    "DocumentUpload",
    json!({
        "type": "object",
        "required": ["doc_type", "file"],
        "propertyNames": super::schema::form_field_name(),
        "properties": {
            "doc_type": {"type": "string", "enum": lifecycle::DOC_TYPES},
            "file": {"type": "string", "format": "binary", "minLength": 1, "contentMediaType": "application/pdf", "description": "A PDF (recognised by its content) of at most 20 MiB"}
        }
    })
);

/// The reason of a body that may be empty (an empty body is a missing reason, not a bad body).
fn reason_of(body: &Bytes) -> Result<Option<String>, AppError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice::<ReasonRequest>(body).map(|r| r.reason).map_err(|e| {
        let code = if e.is_data() { Code::InvalidField } else { Code::InvalidBody };
        AppError::new(code, format!("the JSON body is not as expected: {e}"))
    })
}

/// Reject a submitted or in-review service with a reason (operator). A listed service keeps its
/// public revision.
#[utoipa::path(post, path = "/api/v1/services/{id}/reject", tag = "services", request_body = ReasonDoc, security(("bearer" = [])),
    params(("id" = ServiceKeyText, Path)),
    responses(
        (status = 200, description = "Rejected", body = ServiceDetail),
        (status = 400, description = "invalid_id, invalid_body, invalid_field, reason_required, invalid_reason", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status: neither submitted nor in review", body = ErrorBody),
    ))]
pub async fn reject_service(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<ServiceDetail>, AppError> {
    let p = auth.require(Rule::AnyRole(OPERATOR))?;
    let reason = reason_of(&body)?;
    let id = lifecycle::reject(&state, p, &id, reason.as_deref(), request_id(&headers)).await?;
    Ok(Json(detail_of(&state, &id).await?))
}

/// Suspend a listed service (판매중지) with a reason shown as a notice (operator). It stays
/// visible but leaves the default search.
#[utoipa::path(post, path = "/api/v1/services/{id}/suspend", tag = "services", request_body = ReasonDoc, security(("bearer" = [])),
    params(("id" = ServiceKeyText, Path)),
    responses(
        (status = 200, description = "Suspended", body = ServiceDetail),
        (status = 400, description = "invalid_id, invalid_body, invalid_field, reason_required, invalid_reason", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status: not listed", body = ErrorBody),
    ))]
pub async fn suspend_service(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<ServiceDetail>, AppError> {
    let p = auth.require(Rule::AnyRole(OPERATOR))?;
    let reason = reason_of(&body)?;
    let id = lifecycle::suspend(&state, p, &id, reason.as_deref(), request_id(&headers)).await?;
    Ok(Json(detail_of(&state, &id).await?))
}

/// Lift a suspension (operator).
#[utoipa::path(post, path = "/api/v1/services/{id}/reinstate", tag = "services", security(("bearer" = [])),
    params(("id" = ServiceKeyText, Path)),
    responses(
        (status = 200, description = "Listed again", body = ServiceDetail),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status: not suspended", body = ErrorBody),
    ))]
pub async fn reinstate_service(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<ServiceDetail>, AppError> {
    let p = auth.require(Rule::AnyRole(OPERATOR))?;
    let id = lifecycle::reinstate(&state, p, &id, request_id(&headers)).await?;
    Ok(Json(detail_of(&state, &id).await?))
}

/// A document attached to a service.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentView {
    #[schema(value_type = Uuid)]
    pub id: String,
    #[schema(value_type = DocTypeName)]
    pub doc_type: String,
    pub filename: String,
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub sha256: String,
    #[schema(minimum = 1)]
    pub size_bytes: i64,
    pub media_type: String,
    /// The revision that was open when it was attached.
    #[schema(minimum = 1)]
    pub revision: i64,
    #[schema(format = DateTime)]
    pub created_at: String,
    /// Where to download it (owner, operator, auditor).
    pub href: String,
}

impl From<&ServiceDocument> for DocumentView {
    fn from(d: &ServiceDocument) -> Self {
        Self {
            id: d.id.clone(),
            doc_type: d.doc_type.clone(),
            filename: d.filename.clone(),
            sha256: d.sha256.clone(),
            size_bytes: d.size_bytes,
            media_type: d.media_type.clone(),
            revision: d.revision,
            created_at: rfc3339_utc(d.created_at),
            href: format!("/api/v1/services/{}/documents/{}", d.service_id, d.id),
        }
    }
}

fn upload_error(e: axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::new(Code::FileTooLarge, "a file may be at most 20 MiB")
    } else {
        AppError::new(Code::InvalidBody, format!("the form could not be read: {e}"))
    }
}

/// A body that is not a multipart form: 400 with a code, as every API error.
pub fn not_multipart(e: MultipartRejection) -> AppError {
    AppError::new(Code::InvalidBody, format!("send a multipart/form-data form: {e}"))
}

/// A read multipart document upload: fields by name, and the file with its name.
pub struct Upload {
    pub fields: std::collections::HashMap<String, String>,
    pub file: Option<(String, Vec<u8>)>,
}

/// Reads a multipart form with one file field named `file`.
pub async fn read_upload(mut mp: Multipart) -> Result<Upload, AppError> {
    let mut fields = std::collections::HashMap::new();
    let mut file = None;
    while let Some(field) = mp.next_field().await.map_err(upload_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let filename = field.file_name().unwrap_or_default().to_owned();
            let bytes = field.bytes().await.map_err(upload_error)?;
            if !bytes.is_empty() {
                file = Some((filename, bytes.to_vec()));
            }
        } else {
            let text = field.text().await.map_err(upload_error)?;
            fields.insert(name, text);
        }
    }
    Ok(Upload { fields, file })
}

/// Attach a document to one's service (multipart: `doc_type` = service_definition | price_list |
/// sla | certificate, `file` = a PDF of at most 20 MiB, recognised by its content).
#[utoipa::path(post, path = "/api/v1/services/{id}/documents", tag = "services", security(("bearer" = [])),
    params(("id" = ServiceKeyText, Path)),
    request_body(content = DocumentUploadDoc, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Attached", body = DocumentView),
        (status = 400, description = "invalid_id, invalid_body, file_required, invalid_doc_type, invalid_file_type (the file is not a PDF by its content)", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not a supplier of an approved company", body = ErrorBody),
        (status = 404, description = "not_found (also another supplier's service)", body = ErrorBody),
        (status = 413, description = "file_too_large", body = ErrorBody),
    ))]
pub async fn upload_document(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<DocumentView>), AppError> {
    let p = auth.require(Rule::AnyRole(SUPPLIER))?;
    // Another supplier's service is 404 before its body is even read.
    lifecycle::owned_head(&state, p, &id).await?;
    let up = read_upload(mp.map_err(not_multipart)?).await?;
    let (filename, bytes) = up.file.ok_or_else(|| AppError::new(Code::FileRequired, "attach a PDF file in the field `file`"))?;
    let doc_type = up.fields.get("doc_type").map(String::as_str).unwrap_or_default();
    let doc = lifecycle::attach_document(&state, p, &id, doc_type, &filename, bytes, request_id(&headers)).await?;
    Ok((StatusCode::CREATED, Json(DocumentView::from(&doc))))
}

/// A service the caller may see the documents of: its owner's, or any for the operator and the
/// auditor; 404 otherwise.
async fn document_holder(state: &AppState, p: &Principal, key: &str) -> Result<ServiceHead, AppError> {
    lifecycle::find_head(state, key).await?.filter(|h| sees_drafts(p, h)).ok_or_else(|| AppError::not_found("service"))
}

/// The documents of a service (owner, operator, auditor).
#[utoipa::path(get, path = "/api/v1/services/{id}/documents", tag = "services", security(("bearer" = [])),
    params(("id" = ServiceKeyText, Path)),
    responses(
        (status = 200, description = "Newest first", body = Vec<DocumentView>),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found: no such service, or one whose documents the caller may not see", body = ErrorBody),
    ))]
pub async fn list_documents(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Vec<DocumentView>>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    let head = document_holder(&state, p, &id).await?;
    Ok(Json(state.db().service_documents(&head.id).await?.iter().map(DocumentView::from).collect()))
}

/// `filename*` of a Content-Disposition header (RFC 5987/6266).
fn disposition(filename: &str) -> String {
    let mut enc = String::new();
    for b in filename.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            enc.push(char::from(b));
        } else {
            enc.push_str(&format!("%{b:02X}"));
        }
    }
    let ascii: String = filename.chars().map(|c| if c.is_ascii_alphanumeric() || "-._".contains(c) { c } else { '_' }).collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{enc}")
}

/// Download a document (owner, operator, auditor).
#[utoipa::path(get, path = "/api/v1/services/{id}/documents/{doc_id}", tag = "services", security(("bearer" = [])),
    params(("id" = ServiceKeyText, Path), ("doc_id" = Uuid, Path, description = "The document id")),
    responses(
        (status = 200, description = "The file", content_type = "application/pdf", body = Binary),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
    ))]
pub async fn download_document(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, doc_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    let doc_id = uuid_path(&doc_id, "a document")?;
    let head = document_holder(&state, p, &id).await?;
    let doc = state.db().service_document(&head.id, &doc_id).await?.ok_or_else(|| AppError::not_found("document"))?;
    let store = state.documents().clone();
    let sha = doc.sha256.clone();
    let bytes = tokio::task::spawn_blocking(move || store.get(&sha)).await.map_err(AppError::internal)?.map_err(AppError::internal)?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_str(&doc.media_type).map_err(AppError::internal)?);
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition(&doc.filename)).map_err(AppError::internal)?);
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(res)
}

/// One of the caller's services, as its list shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyServiceView {
    #[schema(value_type = Uuid)]
    pub id: String,
    #[schema(value_type = ServiceCodeText)]
    pub code: String,
    /// The name in the open revision, else the public one.
    pub name: String,
    #[schema(value_type = ServiceStatusName)]
    pub status: String,
    pub status_reason: Option<String>,
    pub public_revision: Option<i64>,
    /// The open revision and its state (draft, submitted, in_review), if any.
    pub open_revision: Option<i64>,
    #[schema(value_type = Option<RevisionStateName>)]
    pub open_state: Option<String>,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// One's own services, whatever their status (supplier).
#[utoipa::path(get, path = "/api/v1/supplier/services", tag = "services", security(("bearer" = [])),
    responses(
        (status = 200, description = "By code", body = Vec<MyServiceView>),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not a supplier of an approved company", body = ErrorBody),
    ))]
pub async fn my_services(State(state): State<AppState>, auth: Auth) -> Result<Json<Vec<MyServiceView>>, AppError> {
    let p = auth.require(Rule::AnyRole(SUPPLIER))?;
    let supplier = lifecycle::supplier_of(p)?;
    let heads = state.db().supplier_service_heads(supplier).await?;
    let revisions = state.db().supplier_revisions(supplier).await?;
    let out = heads
        .iter()
        .map(|h| {
            let rev = |n: Option<i64>| revisions.iter().find(|r| r.service_id == h.id && Some(r.revision) == n);
            let open = rev(h.draft_revision);
            let shown = open.or_else(|| rev(h.public_revision)).or_else(|| rev(Some(h.latest_revision)));
            MyServiceView {
                id: h.id.clone(),
                code: h.code.clone(),
                name: shown.map(|r| r.listing.name.clone()).unwrap_or_default(),
                status: h.status.as_str().into(),
                status_reason: h.status_reason.clone(),
                public_revision: h.public_revision,
                open_revision: open.map(|r| r.revision),
                open_state: open.map(|r| r.state.as_str().to_owned()),
                updated_at: rfc3339_utc(h.updated_at),
            }
        })
        .collect();
    Ok(Json(out))
}

/// A submitted revision waiting for the operator.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueueItemView {
    #[schema(value_type = Uuid)]
    pub id: String,
    #[schema(value_type = ServiceCodeText)]
    pub code: String,
    pub name: String,
    #[schema(value_type = Uuid)]
    pub supplier_id: String,
    pub supplier_name: String,
    #[schema(value_type = ServiceStatusName)]
    pub status: String,
    #[schema(minimum = 1)]
    pub revision: i64,
    /// submitted or in_review.
    #[schema(value_type = RevisionStateName)]
    pub state: String,
    #[schema(format = DateTime)]
    pub submitted_at: Option<String>,
    /// Whole days since submission (Asia/Seoul dates).
    pub age_days: i64,
    /// A first listing (no public revision yet).
    pub first_listing: bool,
    pub material: Option<bool>,
}

/// The operator's queue: submitted and in-review services, oldest first.
#[utoipa::path(get, path = "/api/v1/operator/services", tag = "services", security(("bearer" = [])),
    responses(
        (status = 200, description = "Oldest submission first", body = Vec<QueueItemView>),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
    ))]
pub async fn review_queue(State(state): State<AppState>, auth: Auth) -> Result<Json<Vec<QueueItemView>>, AppError> {
    auth.require(Rule::AnyRole(OPERATOR))?;
    Ok(Json(queue(&state).await?))
}

/// The queue as the API and the desk page show it.
pub async fn queue(state: &AppState) -> Result<Vec<QueueItemView>, AppError> {
    let today = state.clock().today();
    Ok(state
        .db()
        .review_queue(1_000)
        .await?
        .into_iter()
        .map(|e| QueueItemView {
            id: e.head.id.clone(),
            code: e.revision.listing.code.clone(),
            name: e.revision.listing.name.clone(),
            supplier_id: e.head.supplier_id.clone(),
            supplier_name: e.supplier_name,
            status: e.head.status.as_str().into(),
            revision: e.revision.revision,
            state: e.revision.state.as_str().into(),
            submitted_at: e.revision.submitted_at.map(rfc3339_utc),
            age_days: e.revision.submitted_at.map(|t| lifecycle::age_days(t, today)).unwrap_or(0),
            first_listing: e.head.public_revision.is_none(),
            material: e.revision.material,
        })
        .collect())
}

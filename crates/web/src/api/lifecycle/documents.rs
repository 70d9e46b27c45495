//! A service's documents: upload (multipart), list and download.

use super::*;

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

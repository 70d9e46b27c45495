//! The supplier's desk: my services with their revisions and what changed, the listing form
//! (new and edit), documents, and submitting.

use super::form::{FormView, ListingForm};
use super::show::{ChangeRow, RevRow, change_rows, rev_rows, status_badge};
use super::words::{Words, doc_label};
use super::{Desk, FormError, desk, done_notice, posted, see_other};
use crate::api::lifecycle::{not_multipart, read_upload};
use crate::auth::{SUPPLIER, request_id};
use crate::error::{AppError, Code};
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gureum_app::lifecycle;
use gureum_app::review::pages::documents_owed;
use gureum_domain::clock::seoul_minute;
use gureum_storage::{Revision, RevisionState, ServiceHead};

/// One service on the list.
pub struct Card {
    pub id: String,
    pub code: String,
    pub name: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub status_reason: Option<String>,
    pub open_note: Option<String>,
    pub can_submit: bool,
    pub first: bool,
    pub changes: Vec<ChangeRow>,
    pub revisions: Vec<RevRow>,
    pub rev_caption: String,
    pub public_href: Option<String>,
    /// The service's application to the committee still waiting for a decision.
    pub application_href: Option<String>,
}

fn card(w: Words, head: &ServiceHead, revisions: &[&Revision], open_application: Option<&str>) -> Card {
    let find = |n: Option<i64>| revisions.iter().copied().find(|r| Some(r.revision) == n);
    let open = find(head.draft_revision);
    let public = find(head.public_revision);
    let shown = open.or(public).or_else(|| find(Some(head.latest_revision)));
    let (status, status_class) = status_badge(w.0, head.status);
    let open_note = open.map(|r| {
        let key = match r.state {
            RevisionState::Submitted => "my.open.submitted",
            RevisionState::InReview => "my.open.in_review",
            _ => "my.open.draft",
        };
        w.t(key).replace("{n}", &r.revision.to_string())
    });
    let changes = match (public, open) {
        (Some(p), Some(o)) => change_rows(w, &lifecycle::diff(Some(&p.listing), &o.listing)),
        _ => Vec::new(),
    };
    Card {
        id: head.id.clone(),
        code: head.code.clone(),
        name: shown.map(|r| r.listing.name.clone()).unwrap_or_default(),
        status,
        status_class,
        status_reason: head.status_reason.clone(),
        can_submit: super::standing(head, open).can_submit(),
        first: open.is_some() && public.is_none(),
        open_note,
        changes,
        revisions: rev_rows(w, revisions),
        rev_caption: w.t("my.revisions.caption").replace("{code}", &head.code),
        public_href: head.status.is_public().then(|| format!("/services/{}", head.id)),
        application_href: open_application.map(|a| format!("/supplier/applications/{a}")),
    }
}

#[derive(Template)]
#[template(path = "desk/my_services.html")]
struct ListTpl {
    layout: Layout,
    w: Words,
    csrf: String,
    notice: Option<&'static str>,
    cards: Vec<Card>,
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Response {
    let d = match desk(&ctx, SUPPLIER) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let w = Words(ctx.lang);
    let build = async {
        let supplier = lifecycle::supplier_of(&d.p)?;
        let heads = state.db().supplier_service_heads(supplier).await?;
        let revisions = state.db().supplier_revisions(supplier).await?;
        let open: Vec<_> = gureum_app::review::applications(&state, &d.p, None, None)
            .await?
            .into_iter()
            .filter(|a| !a.application.status.is_final())
            .collect();
        Ok::<_, AppError>(
            heads
                .iter()
                .map(|h| {
                    let application = open.iter().find(|a| a.application.service_id == h.id).map(|a| a.application.id.as_str());
                    card(w, h, &revisions.iter().filter(|r| r.service_id == h.id).collect::<Vec<_>>(), application)
                })
                .collect::<Vec<_>>(),
        )
    };
    match build.await {
        Ok(cards) => {
            let tpl =
                ListTpl { layout: ctx.layout(w.t("my.title"), Section::None), w, csrf: d.csrf.clone(), notice: done_notice(&ctx), cards };
            ctx.render(StatusCode::OK, &tpl)
        }
        Err(e) => ctx.error(&e),
    }
}

#[derive(Template)]
#[template(path = "desk/listing_form.html")]
struct FormTpl {
    layout: Layout,
    w: Words,
    csrf: String,
    heading: String,
    action: String,
    /// A new service may name its own code; an existing one shows it.
    new: bool,
    code: String,
    status: Option<(&'static str, &'static str)>,
    locked: bool,
    notice: Option<&'static str>,
    error: Option<FormError>,
    v: FormView,
    docs_href: Option<String>,
}

/// What the listing form shows: the service (none for a new one), the values, and why the last
/// post failed.
struct FormState<'a> {
    head: Option<&'a ServiceHead>,
    name: &'a str,
    form: ListingForm,
    locked: bool,
    error: Option<FormError>,
}

fn render_form(ctx: &Ctx, d: &Desk, status: StatusCode, st: FormState<'_>) -> Response {
    let FormState { head, name, form, locked, error } = st;
    let w = Words(ctx.lang);
    let heading = match head {
        None => w.t("form.new.title").to_owned(),
        Some(_) => w.t("form.edit.title").replace("{name}", name),
    };
    let tpl = FormTpl {
        layout: ctx.layout(heading.clone(), Section::None),
        w,
        csrf: d.csrf.clone(),
        heading,
        action: head.map(|h| format!("/supplier/services/{}/edit", h.id)).unwrap_or_else(|| "/supplier/services/new".into()),
        new: head.is_none(),
        code: head.map(|h| h.code.clone()).unwrap_or_else(|| form.code.clone()),
        status: head.map(|h| status_badge(ctx.lang, h.status)),
        locked,
        notice: done_notice(ctx),
        error,
        v: FormView::new(ctx.lang, form),
        docs_href: head.map(|h| format!("/supplier/services/{}/documents", h.id)),
    };
    ctx.render(status, &tpl)
}

pub async fn new_form(ctx: Ctx) -> Response {
    match desk(&ctx, SUPPLIER) {
        Ok(d) => render_form(
            &ctx,
            &d,
            StatusCode::OK,
            FormState { head: None, name: "", form: ListingForm::blank(), locked: false, error: None },
        ),
        Err(r) => r,
    }
}

pub async fn create(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, body: Bytes) -> Response {
    let d = match desk(&ctx, SUPPLIER) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let posted_form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let form = ListingForm::from_pairs(posted_form.pairs());
    match lifecycle::create(&state, &d.p, &form.to_json(true), request_id(&headers)).await.map_err(AppError::from) {
        Ok(id) => see_other(&format!("/supplier/services/{id}/documents?done=created")),
        Err(e) => render_form(
            &ctx,
            &d,
            e.status,
            FormState { head: None, name: "", form, locked: false, error: Some(FormError::new(ctx.lang, &e)) },
        ),
    }
}

/// The caller's service with its revisions: the open one and the one the form starts from.
async fn load_own(state: &AppState, d: &Desk, id: &str) -> Result<(ServiceHead, Vec<Revision>), AppError> {
    let head = lifecycle::owned_head(state, &d.p, id).await?;
    let revisions = state.db().service_revisions(&head.id).await?;
    Ok((head, revisions))
}

/// The listing an edit starts from, and whether the open revision is with the operator.
fn editable(head: &ServiceHead, revisions: &[Revision]) -> (Option<Revision>, bool) {
    let find = |n: Option<i64>| revisions.iter().find(|r| Some(r.revision) == n).cloned();
    let open = find(head.draft_revision);
    let locked = super::standing(head, open.as_ref()).with_operator();
    (open.or_else(|| find(head.public_revision)).or_else(|| find(Some(head.latest_revision))), locked)
}

pub async fn edit_form(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let d = match desk(&ctx, SUPPLIER) {
        Ok(d) => d,
        Err(r) => return r,
    };
    match load_own(&state, &d, &id).await {
        Ok((head, revisions)) => {
            let (base, locked) = editable(&head, &revisions);
            let Some(base) = base else { return ctx.error(&AppError::not_found("service")) };
            render_form(
                &ctx,
                &d,
                StatusCode::OK,
                FormState {
                    head: Some(&head),
                    name: &base.listing.name,
                    form: ListingForm::from_listing(&base.listing),
                    locked,
                    error: None,
                },
            )
        }
        Err(e) => ctx.error(&e),
    }
}

pub async fn save(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let d = match desk(&ctx, SUPPLIER) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let posted_form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let form = ListingForm::from_pairs(posted_form.pairs());
    match lifecycle::update(&state, &d.p, &id, &form.to_json(false), request_id(&headers)).await.map_err(AppError::from) {
        Ok(id) => see_other(&format!("/supplier/services/{id}/edit?done=saved")),
        Err(e) => match load_own(&state, &d, &id).await {
            Ok((head, revisions)) => {
                let (base, locked) = editable(&head, &revisions);
                let name = base.map(|b| b.listing.name).unwrap_or_default();
                render_form(
                    &ctx,
                    &d,
                    e.status,
                    FormState { head: Some(&head), name: &name, form, locked, error: Some(FormError::new(ctx.lang, &e)) },
                )
            }
            Err(e) => ctx.error(&e),
        },
    }
}

/// One attached document.
pub struct DocRow {
    pub kind: String,
    pub filename: String,
    pub size: String,
    pub revision: String,
    pub at: String,
    pub href: String,
}

pub struct DocType {
    pub value: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "desk/documents.html")]
struct DocsTpl {
    layout: Layout,
    w: Words,
    csrf: String,
    heading: String,
    id: String,
    code: String,
    notice: Option<&'static str>,
    error: Option<FormError>,
    docs: Vec<DocRow>,
    types: Vec<DocType>,
    /// The required documents the open revision still lacks.
    missing: Vec<String>,
    can_submit: bool,
}

/// `1.2 MB`, `340 KB`.
pub fn size_label(bytes: i64) -> String {
    if bytes >= 1024 * 1024 { format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0)) } else { format!("{} KB", (bytes + 1023) / 1024) }
}

pub fn doc_rows(w: Words, docs: &[gureum_storage::ServiceDocument]) -> Vec<DocRow> {
    docs.iter()
        .map(|doc| DocRow {
            kind: doc_label(w, &doc.doc_type),
            filename: doc.filename.clone(),
            size: size_label(doc.size_bytes),
            revision: w.t("rev.n").replace("{n}", &doc.revision.to_string()),
            at: seoul_minute(doc.created_at),
            href: format!("/api/v1/services/{}/documents/{}", doc.service_id, doc.id),
        })
        .collect()
}

async fn render_docs(state: &AppState, ctx: &Ctx, d: &Desk, id: &str, status: StatusCode, error: Option<FormError>) -> Response {
    let w = Words(ctx.lang);
    let (head, revisions) = match load_own(state, d, id).await {
        Ok(x) => x,
        Err(e) => return ctx.error(&e),
    };
    let docs = match state.db().service_documents(&head.id).await {
        Ok(docs) => docs,
        Err(e) => return ctx.error(&e.into()),
    };
    let (missing, types) = match documents_owed(state, &d.p, &head.id).await {
        Ok(x) => x,
        Err(e) => return ctx.error(&e.into()),
    };
    let (base, _) = editable(&head, &revisions);
    let name = base.map(|b| b.listing.name).unwrap_or_default();
    let open = revisions.iter().find(|r| Some(r.revision) == head.draft_revision);
    let heading = w.t("docs.title").replace("{name}", &name);
    let tpl = DocsTpl {
        layout: ctx.layout(heading.clone(), Section::None),
        w,
        csrf: d.csrf.clone(),
        heading,
        id: head.id.clone(),
        code: head.code.clone(),
        notice: if error.is_none() { done_notice(ctx) } else { None },
        error,
        docs: doc_rows(w, &docs),
        types: types.iter().map(|t| DocType { value: t.clone(), label: doc_label(w, t) }).collect(),
        missing: missing.iter().map(|t| doc_label(w, t)).collect(),
        can_submit: super::standing(&head, open).can_submit(),
    };
    ctx.render(status, &tpl)
}

pub async fn documents(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match desk(&ctx, SUPPLIER) {
        Ok(d) => render_docs(&state, &ctx, &d, &id, StatusCode::OK, None).await,
        Err(r) => r,
    }
}

pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let d = match desk(&ctx, SUPPLIER) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let result = async {
        lifecycle::owned_head(&state, &d.p, &id).await?;
        let up = read_upload(mp.map_err(not_multipart)?).await?;
        crate::auth::check_csrf(&headers, ctx.viewer.as_ref(), ctx.https, up.fields.get(crate::auth::CSRF_FIELD).map(String::as_str))?;
        let (filename, bytes) = up.file.ok_or_else(|| AppError::new(Code::FileRequired, "attach a PDF file in the field `file`"))?;
        let doc_type = up.fields.get("doc_type").map(String::as_str).unwrap_or_default();
        lifecycle::attach_document(&state, &d.p, &id, doc_type, &filename, bytes, request_id(&headers)).await.map_err(AppError::from)
    };
    match result.await {
        Ok(doc) => see_other(&format!("/supplier/services/{}/documents?done=uploaded", doc.service_id)),
        Err(e) if e.code == "csrf_failed" || e.status == StatusCode::NOT_FOUND => ctx.error(&e),
        Err(e) => render_docs(&state, &ctx, &d, &id, e.status, Some(FormError::new(ctx.lang, &e))).await,
    }
}

pub async fn submit(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let d = match desk(&ctx, SUPPLIER) {
        Ok(d) => d,
        Err(r) => return r,
    };
    if let Err(r) = posted(&ctx, &headers, &body) {
        return r;
    }
    match lifecycle::submit(&state, &d.p, &id, request_id(&headers)).await.map_err(AppError::from) {
        Ok(id) => see_other(&format!("/supplier/services?done=submitted#svc-{id}")),
        Err(e) if e.status == StatusCode::CONFLICT || e.code == Code::DocumentsMissing => {
            render_docs(&state, &ctx, &d, &id, e.status, Some(FormError::new(ctx.lang, &e))).await
        }
        Err(e) => ctx.error(&e),
    }
}

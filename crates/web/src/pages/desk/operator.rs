//! The operator's desk: the queue of submitted services with their age in days, and one service
//! with its change against the listed revision, its documents, and the decisions (review, list,
//! reject with a reason, suspend with a reason, reinstate).

use super::show::{ChangeRow, RevRow, change_rows, rev_rows, state_badge, status_badge};
use super::supplier::{DocRow, doc_rows};
use super::words::Words;
use super::{Desk, FormError, desk, done_notice, posted, see_other, standing};
use crate::auth::{OPERATOR, request_id};
use crate::error::AppError;
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gureum_app::lifecycle;
use gureum_domain::clock::seoul_minute;
use gureum_storage::QueueEntry;

pub struct QueueRow {
    pub href: String,
    pub code: String,
    pub name: String,
    pub supplier: String,
    pub kind: &'static str,
    pub material: bool,
    pub state: &'static str,
    pub state_class: &'static str,
    pub submitted: String,
    pub age: String,
}

fn queue_row(w: Words, e: &QueueEntry, today: time::Date) -> QueueRow {
    let (state, state_class) = state_badge(w, e.revision.state);
    let first = e.head.public_revision.is_none();
    QueueRow {
        href: format!("/operator/services/{}", e.head.id),
        code: e.revision.listing.code.clone(),
        name: e.revision.listing.name.clone(),
        supplier: e.supplier_name.clone(),
        kind: w.t(if first { "queue.first" } else { "queue.change" }),
        material: !first && e.revision.material == Some(true),
        state,
        state_class,
        submitted: e.revision.submitted_at.map(seoul_minute).unwrap_or_else(|| "-".into()),
        age: w.t("queue.days").replace("{n}", &e.revision.submitted_at.map(|t| lifecycle::age_days(t, today)).unwrap_or(0).to_string()),
    }
}

#[derive(Template)]
#[template(path = "desk/queue.html")]
struct QueueTpl {
    layout: Layout,
    w: Words,
    rows: Vec<QueueRow>,
    find: String,
    not_found: bool,
}

pub async fn queue(State(state): State<AppState>, ctx: Ctx) -> Response {
    if let Err(r) = desk(&ctx, OPERATOR) {
        return r;
    }
    let w = Words(ctx.lang);
    let find = ctx.pairs().into_iter().find(|(k, _)| k == "find").map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let mut not_found = false;
    if !find.is_empty() {
        match lifecycle::find_head(&state, &find).await.map_err(AppError::from) {
            Ok(Some(h)) => return see_other(&format!("/operator/services/{}", h.id)),
            Ok(None) | Err(_) => not_found = true,
        }
    }
    let entries = match state.db().review_queue(1_000).await {
        Ok(entries) => entries,
        Err(e) => return ctx.error(&e.into()),
    };
    let today = state.clock().today();
    let rows = entries.iter().map(|e| queue_row(w, e, today)).collect();
    let tpl = QueueTpl { layout: ctx.layout(w.t("queue.title"), Section::None), w, rows, find, not_found };
    ctx.render(if not_found { StatusCode::NOT_FOUND } else { StatusCode::OK }, &tpl)
}

#[derive(Template)]
#[template(path = "desk/review.html")]
struct ServiceTpl {
    layout: Layout,
    w: Words,
    csrf: String,
    heading: String,
    id: String,
    code: String,
    supplier: String,
    status: (&'static str, &'static str),
    status_reason: Option<String>,
    public_label: String,
    public_href: Option<String>,
    open_label: Option<String>,
    open_state: Option<(&'static str, &'static str)>,
    submitted: String,
    age: String,
    material: Option<bool>,
    changes: Vec<ChangeRow>,
    revisions: Vec<RevRow>,
    docs: Vec<DocRow>,
    can_review: bool,
    can_decide: bool,
    can_suspend: bool,
    can_reinstate: bool,
    can_cancel: bool,
    notice: Option<&'static str>,
    error: Option<FormError>,
}

async fn render_service(state: &AppState, ctx: &Ctx, d: &Desk, id: &str, status: StatusCode, error: Option<FormError>) -> Response {
    let w = Words(ctx.lang);
    let built = async {
        let head = lifecycle::any_head(state, id).await?;
        let revisions = state.db().service_revisions(&head.id).await?;
        let docs = state.db().service_documents(&head.id).await?;
        let supplier = state.db().supplier(&head.supplier_id).await?.map(|s| s.name).unwrap_or_default();
        Ok::<_, AppError>((head, revisions, docs, supplier))
    };
    let (head, revisions, docs, supplier) = match built.await {
        Ok(x) => x,
        Err(e) => return ctx.error(&e),
    };
    let find = |n: Option<i64>| revisions.iter().find(|r| Some(r.revision) == n);
    let open = find(head.draft_revision);
    let public = find(head.public_revision);
    let shown = open.or(public).or_else(|| find(Some(head.latest_revision)));
    let name = shown.map(|r| r.listing.name.clone()).unwrap_or_default();
    let heading = w.t("op.title").replace("{name}", &name);
    let today = state.clock().today();
    let tpl = ServiceTpl {
        layout: ctx.layout(heading.clone(), Section::None),
        w,
        csrf: d.csrf.clone(),
        heading,
        id: head.id.clone(),
        code: head.code.clone(),
        supplier,
        status: status_badge(ctx.lang, head.status),
        status_reason: head.status_reason.clone(),
        public_label: public.map(|r| w.t("rev.n").replace("{n}", &r.revision.to_string())).unwrap_or_else(|| w.t("op.none").to_owned()),
        public_href: head.status.is_public().then(|| format!("/services/{}", head.id)),
        open_label: open.map(|r| w.t("rev.n").replace("{n}", &r.revision.to_string())),
        open_state: open.map(|r| state_badge(w, r.state)),
        submitted: open.and_then(|r| r.submitted_at).map(seoul_minute).unwrap_or_else(|| "-".into()),
        age: open
            .and_then(|r| r.submitted_at)
            .map(|t| w.t("queue.days").replace("{n}", &lifecycle::age_days(t, today).to_string()))
            .unwrap_or_else(|| "-".into()),
        material: open.map(|r| lifecycle::is_material(public.map(|p| &p.listing), &r.listing)),
        changes: open.map(|r| change_rows(w, &lifecycle::diff(public.map(|p| &p.listing), &r.listing))).unwrap_or_default(),
        revisions: rev_rows(w, &revisions.iter().collect::<Vec<_>>()),
        docs: doc_rows(w, &docs),
        can_review: standing(&head, open).can_review(),
        can_decide: standing(&head, open).can_decide(),
        can_suspend: standing(&head, open).can_suspend(),
        can_reinstate: standing(&head, open).can_reinstate(),
        can_cancel: standing(&head, open).can_cancel(),
        notice: if error.is_none() { done_notice(ctx) } else { None },
        error,
    };
    ctx.render(status, &tpl)
}

pub async fn service(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match desk(&ctx, OPERATOR) {
        Ok(d) => render_service(&state, &ctx, &d, &id, StatusCode::OK, None).await,
        Err(r) => r,
    }
}

pub async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let d = match desk(&ctx, OPERATOR) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let posted_form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let rid = request_id(&headers);
    let reason = Some(posted_form.get("reason"));
    let (result, done) = match action.as_str() {
        "review" => (lifecycle::start_review(&state, &d.p, &id, rid).await.map_err(AppError::from), "review"),
        "list" => (lifecycle::list(&state, &d.p, &id, rid).await.map_err(AppError::from), "listed"),
        "reject" => (lifecycle::reject(&state, &d.p, &id, reason, rid).await.map_err(AppError::from), "rejected"),
        "suspend" => (lifecycle::suspend(&state, &d.p, &id, reason, rid).await.map_err(AppError::from), "suspended"),
        "reinstate" => (lifecycle::reinstate(&state, &d.p, &id, rid).await.map_err(AppError::from), "reinstated"),
        "cancel" => (lifecycle::cancel(&state, &d.p, &id, reason, rid).await.map_err(AppError::from), "cancelled"),
        _ => return ctx.error(&AppError::not_found("page")),
    };
    match result {
        Ok(id) => see_other(&format!("/operator/services/{id}?done={done}")),
        Err(e) if e.status == StatusCode::NOT_FOUND || e.code == "invalid_id" => ctx.error(&e),
        Err(e) => render_service(&state, &ctx, &d, &id, e.status, Some(FormError::new(ctx.lang, &e))).await,
    }
}

//! `/services/{id}/revisions` (변경 이력: the revisions the reader may see) and
//! `/services/{id}/revisions/{n}` (what revision n changed, field by field, against the previous
//! one the reader may see or the one chosen), docs/RULES.md#revision-history.

use super::desk::show::{ChangeRow, RevRow, change_rows, rev_rows};
use super::desk::words::Words;
use super::layout::{Ctx, Layout, Section};
use crate::error::{AppError, Code};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gureum_app::revisions::{self, History, revision_number};

/// One row of the history: the revision's link and its row.
pub struct HistoryRow {
    pub href: String,
    pub row: RevRow,
}

/// A revision the diff may be compared against (the form's choices).
pub struct Choice {
    pub n: i64,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "revisions.html")]
struct HistoryTpl {
    layout: Layout,
    w: Words,
    name: String,
    code: String,
    service_href: String,
    /// Every revision shown (owner, operator, auditor), with its reason column.
    full: bool,
    rows: Vec<HistoryRow>,
}

#[derive(Template)]
#[template(path = "revision.html")]
struct RevisionTpl {
    layout: Layout,
    w: Words,
    name: String,
    code: String,
    title: String,
    service_href: String,
    history_href: String,
    action: String,
    /// "제2판과 비교" or "the first revision".
    against_label: String,
    state: &'static str,
    state_class: &'static str,
    choices: Vec<Choice>,
    changes: Vec<ChangeRow>,
}

/// The name the reader sees: of the newest revision shown.
fn name_of(ctx: &Ctx, h: &History) -> String {
    h.revisions
        .last()
        .map(|r| match (&r.listing.name_en, ctx.lang.is_ko()) {
            (Some(en), false) => en.clone(),
            _ => r.listing.name.clone(),
        })
        .unwrap_or_else(|| h.head.code.clone())
}

fn viewer(ctx: &Ctx) -> Option<&crate::auth::Principal> {
    ctx.viewer.as_ref()
}

pub async fn history(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let h = match revisions::history(&state, viewer(&ctx), &id).await {
        Ok(h) => h,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let w = Words(ctx.lang);
    let refs: Vec<_> = h.revisions.iter().collect();
    let rows = rev_rows(w, &refs)
        .into_iter()
        .zip(h.revisions.iter().rev())
        .map(|(row, r)| HistoryRow { href: format!("/services/{}/revisions/{}", h.head.id, r.revision), row })
        .collect();
    let name = name_of(&ctx, &h);
    let tpl = HistoryTpl {
        layout: ctx.layout(format!("{name} {}", ctx.t("history.title")), Section::Services),
        w,
        code: h.head.code.clone(),
        service_href: format!("/services/{}", h.head.id),
        full: h.full,
        rows,
        name,
    };
    ctx.render(StatusCode::OK, &tpl)
}

pub async fn revision(State(state): State<AppState>, ctx: Ctx, Path((id, n)): Path<(String, String)>) -> Response {
    let n = match revision_number(&n, Code::InvalidId) {
        Ok(n) => n,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let against = match ctx.pairs().into_iter().find(|(k, v)| k == "against" && !v.is_empty()) {
        Some((_, v)) => match revision_number(&v, Code::InvalidParameter) {
            Ok(m) => Some(m),
            Err(e) => return ctx.error(&AppError::from(e)),
        },
        None => None,
    };
    let (h, d) = match revisions::revision(&state, viewer(&ctx), &id, n, against).await {
        Ok(x) => x,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let w = Words(ctx.lang);
    let rev_label = |n: i64| w.t("rev.n").replace("{n}", &n.to_string());
    let (state_label, state_class) = super::desk::show::state_badge(w, d.revision.state);
    let against_n = d.against.as_ref().map(|r| r.revision);
    let name = name_of(&ctx, &h);
    let title = rev_label(n);
    let tpl = RevisionTpl {
        layout: ctx.layout(format!("{name} {title}"), Section::Services),
        code: h.head.code.clone(),
        service_href: format!("/services/{}", h.head.id),
        history_href: format!("/services/{}/revisions", h.head.id),
        action: format!("/services/{}/revisions/{n}", h.head.id),
        against_label: match against_n {
            Some(m) => w.t("history.against").replace("{n}", &m.to_string()),
            None => w.t("history.first").to_owned(),
        },
        state: state_label,
        state_class,
        choices: h
            .revisions
            .iter()
            .filter(|r| r.revision != n)
            .map(|r| Choice { n: r.revision, label: rev_label(r.revision), selected: Some(r.revision) == against_n })
            .collect(),
        changes: change_rows(w, &d.changes),
        w,
        name,
        title,
    };
    ctx.render(StatusCode::OK, &tpl)
}

//! Pages of the service desks: the supplier's own services (`/supplier/services…`: list, the
//! listing form, documents, submit) and the operator's queue and decisions
//! (`/operator/services…`). Signed-in pages: a visitor is sent to sign in, another role gets a
//! 403 page. Every form posts with the `_csrf` field and works without JavaScript.

pub(super) mod form;
mod operator;
pub(crate) mod show;
pub(super) mod supplier;
pub(crate) mod words;

use super::form::{FormData, check_csrf, require};
use super::layout::Ctx;
use crate::auth::{Principal, Rule};
use crate::error::AppError;
use crate::state::AppState;
use axum::Router;
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gureum_domain::account::Role;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/supplier/services", get(supplier::list))
        .route("/supplier/services/new", get(supplier::new_form).post(supplier::create))
        .route("/supplier/services/{id}/edit", get(supplier::edit_form).post(supplier::save))
        .route("/supplier/services/{id}/documents", get(supplier::documents).post(supplier::upload))
        .route("/supplier/services/{id}/submit", axum::routing::post(supplier::submit))
        .route("/operator/services", get(operator::queue))
        .route("/operator/services/{id}", get(operator::service))
        .route("/operator/services/{id}/{action}", axum::routing::post(operator::act))
}

/// A signed-in desk page's caller and the CSRF token of its forms (the page's `Ctx` resolved
/// both once; its render sets a fresh CSRF cookie).
pub(super) struct Desk {
    pub p: Principal,
    pub csrf: String,
}

pub(super) fn see_other(location: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        res.headers_mut().insert(LOCATION, v);
    }
    res
}

/// The caller of a desk page: a visitor is sent to sign in; a role not among `roles` gets the
/// 403 page.
#[allow(clippy::result_large_err)] // the Err is the answer itself, returned at once
pub(super) fn desk(ctx: &Ctx, roles: &'static [Role]) -> Result<Desk, Response> {
    let p = require(ctx, Rule::AnyRole(roles))?;
    Ok(Desk { p: p.clone(), csrf: ctx.csrf.clone() })
}

/// A posted form, after the CSRF check.
#[allow(clippy::result_large_err)] // the Err is the answer itself, returned at once
pub(super) fn posted(ctx: &Ctx, headers: &HeaderMap, body: &[u8]) -> Result<FormData, Response> {
    let form = FormData::parse(body);
    check_csrf(ctx, headers, form.csrf())?;
    Ok(form)
}

/// Where a service stands for the domain's lifecycle rules: pages ask it which actions to offer,
/// so a button is shown exactly when the use case would accept it.
pub(super) fn standing(head: &gureum_storage::ServiceHead, open: Option<&gureum_storage::Revision>) -> gureum_domain::lifecycle::Standing {
    gureum_domain::lifecycle::Standing::new(head.status, open.map(|r| r.state), head.public_revision.is_some())
}

/// An error shown on the form that caused it: the translated message and the code.
pub(super) struct FormError {
    pub message: String,
    pub detail: String,
    pub code: &'static str,
}

impl FormError {
    pub fn new(lang: crate::i18n::Lang, e: &AppError) -> Self {
        Self { message: words::error_message(lang, e.code).to_owned(), detail: e.message.clone(), code: e.code.as_str() }
    }
}

/// The `?done=` notice of a page after a successful post.
pub(super) fn done_notice(ctx: &Ctx) -> Option<&'static str> {
    let done = ctx.pairs().into_iter().find(|(k, _)| k == "done").map(|(_, v)| v)?;
    words::word(&format!("done.{done}")).map(|(ko, en)| ctx.lang.pick(ko, en))
}

#[cfg(test)]
mod tests {
    use super::words::word;

    /// Every `w.t("…")` key of the desk templates is known.
    #[test]
    fn every_desk_template_key_exists() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/desk");
        let mut checked = 0;
        for item in std::fs::read_dir(&dir).expect("templates/desk") {
            let path = item.expect("entry").path();
            let text = std::fs::read_to_string(&path).expect("template");
            for pat in ["w.t(\"", "layout.t(\""] {
                for (i, _) in text.match_indices(pat) {
                    let rest = &text[i + pat.len()..];
                    let key = &rest[..rest.find('"').expect("closing quote")];
                    let known = word(key).is_some() || crate::i18n::Lang::Ko.t(key) != key;
                    assert!(known, "{}: unknown key {key}", path.display());
                    checked += 1;
                }
            }
        }
        assert!(checked > 40);
    }
}

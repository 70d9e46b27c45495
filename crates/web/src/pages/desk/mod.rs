//! Pages of the service desks: the supplier's own services (`/supplier/services…`: list, the
//! listing form, documents, submit) and the operator's queue and decisions
//! (`/operator/services…`). Signed-in pages: a visitor is sent to sign in, another role gets a
//! 403 page. Every form posts with the `_csrf` field and works without JavaScript.

mod form;
mod operator;
mod show;
mod supplier;
mod words;

use super::layout::Ctx;
use crate::auth::{self, Principal, Rule};
use crate::error::AppError;
use crate::state::AppState;
use axum::Router;
use axum::http::header::{LOCATION, SET_COOKIE};
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

/// A signed-in page's caller and the CSRF token of its forms.
pub(super) struct Desk {
    pub p: Principal,
    pub csrf: String,
    /// `Set-Cookie` for a fresh CSRF token.
    pub set_cookie: Option<String>,
}

impl Desk {
    /// Adds the CSRF cookie to a page when the token is fresh.
    pub fn finish(&self, mut res: Response) -> Response {
        if let Some(c) = &self.set_cookie
            && let Ok(v) = HeaderValue::from_str(c)
        {
            res.headers_mut().append(SET_COOKIE, v);
        }
        res
    }
}

/// 303 to the sign-in page, coming back here afterwards.
fn to_login(ctx: &Ctx) -> Response {
    let here = match ctx.query.as_deref().filter(|q| !q.is_empty()) {
        Some(q) => format!("{}?{q}", ctx.path),
        None => ctx.path.clone(),
    };
    see_other(&format!("/login?{}", super::links::query1("next", &here)))
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
pub(super) async fn desk(state: &AppState, ctx: &Ctx, headers: &HeaderMap, roles: &'static [Role]) -> Result<Desk, Response> {
    let p = match auth::principal(state, headers).await {
        Ok(Some(p)) => p,
        Ok(None) => return Err(to_login(ctx)),
        Err(e) => return Err(ctx.error(&e)),
    };
    Rule::AnyRole(roles).check(&p).map_err(|e| ctx.error(&e))?;
    let (csrf, set_cookie) = auth::form_csrf(headers).map_err(|e| ctx.error(&e))?;
    Ok(Desk { p, csrf, set_cookie })
}

/// A posted urlencoded form as pairs, after the CSRF check.
pub(super) fn posted(headers: &HeaderMap, body: &[u8]) -> Result<Vec<(String, String)>, AppError> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    let token = pairs.iter().find(|(k, _)| k == auth::CSRF_FIELD).map(|(_, v)| v.as_str());
    auth::check_csrf(headers, token)?;
    Ok(pairs)
}

pub(super) fn field<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// An error shown on the form that caused it: the translated message and the code.
pub(super) struct FormError {
    pub message: String,
    pub detail: String,
    pub code: &'static str,
}

impl FormError {
    pub fn new(lang: crate::i18n::Lang, e: &AppError) -> Self {
        Self { message: words::error_message(lang, e.code).to_owned(), detail: e.message.clone(), code: e.code }
    }
}

/// The `?done=` notice of a page after a successful post.
pub(super) fn done_notice(ctx: &Ctx) -> Option<&'static str> {
    let done = ctx.pairs().into_iter().find(|(k, _)| k == "done").map(|(_, v)| v)?;
    let key = match done.as_str() {
        "created" => "done.created",
        "saved" => "done.saved",
        "submitted" => "done.submitted",
        "uploaded" => "done.uploaded",
        "listed" => "done.listed",
        "rejected" => "done.rejected",
        "suspended" => "done.suspended",
        "reinstated" => "done.reinstated",
        "review" => "done.review",
        _ => return None,
    };
    words::word(key).map(|(ko, en)| ctx.lang.pick(ko, en))
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

//! Pages: accounts (SPEC §3 "Accounts"). Signing in and out, a supplier's or SME's sign-up with
//! its registration certificate, password reset and invitation links, a person's account and
//! notifications, its organisation's people, API tokens and company profile, and the operator's
//! account desk (approvals, organisations, people, locks).
//!
//! Every form works without JavaScript and carries the CSRF field; every POST checks it first
//! (403 `csrf_failed`, nothing stored). Visitors are sent to `/login?next=…` (303); a signed-in
//! person whose role may not gets a 403 page; another organisation's object is a 404.

mod company;
mod me;
mod notifications;
mod operator;
mod operator_orgs;
mod org;
mod session;
mod signup;

pub use super::form::{FieldError, FormErrors};
pub(crate) use super::form::{FormData, check_csrf, checked_form, require};
use super::layout::Ctx;
use crate::auth::{self};
use crate::state::AppState;
use axum::Router;
use axum::http::header::{CACHE_CONTROL, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(session::login_form).post(session::login))
        .route("/logout", post(session::logout))
        .route("/signup", get(signup::form).post(signup::submit))
        .route("/signup/done", get(signup::done))
        .route("/account/reset-request", get(session::reset_request_form).post(session::reset_request))
        .route("/account/reset", get(session::reset_form).post(session::reset))
        .route("/account/accept", get(session::accept_form).post(session::accept))
        .route("/account", get(me::account))
        .route("/account/password", post(me::change_password))
        .route("/account/notifications/read", post(me::mark_read))
        .route("/notifications", get(notifications::list))
        .route("/notifications/read", post(notifications::read_all))
        .route("/notifications/{id}/read", post(notifications::read_one))
        .route("/account/people", get(org::people).post(org::invite))
        .route("/account/people/{id}/roles", post(org::set_roles))
        .route("/account/tokens", get(org::tokens).post(org::create_token))
        .route("/account/tokens/{id}/revoke", post(org::revoke_token))
        .route("/account/company", get(company::form).post(company::save))
        .route("/operator", get(operator::hub))
        .route("/operator/search-index/rebuild", post(operator::rebuild_index))
        .route("/operator/organisations", get(operator::organisations).post(operator::create_organisation))
        .route("/operator/organisations/{id}", get(operator::organisation))
        .route("/operator/organisations/{id}/approve", post(operator::approve))
        .route("/operator/organisations/{id}/agency-kind", post(operator::set_agency_kind))
        .route("/operator/organisations/{id}/reject", post(operator::reject))
        .route("/operator/organisations/{id}/invite", post(operator::invite))
        .route("/operator/organisations/{id}/remove", post(operator::remove))
        .route("/operator/documents/{sha256}", get(operator::document))
        .route("/operator/users", get(operator::users))
        .route("/operator/users/{id}/lock", post(operator::lock))
        .route("/operator/users/{id}/unlock", post(operator::unlock))
}

/// A 303 to a local address.
pub(crate) fn redirect(to: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(LOCATION, v);
    }
    res
}

pub(crate) fn with_cookie(mut res: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        res.headers_mut().append(SET_COOKIE, v);
    }
    res
}

/// Pages that show a secret or carry one in their address: never stored, never referred.
pub(crate) fn private(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    res
}

/// Where to go after signing in: a local path only (never `//host`, `/\host` or a scheme),
/// else `/account`.
pub fn safe_next(next: &str) -> String {
    let n = next.trim();
    let local = n.starts_with('/')
        && !n.starts_with("//")
        && !n.starts_with("/\\")
        && !n.chars().any(|c| c.is_control() || c == '\\' || c.is_whitespace())
        && n.len() <= 2000;
    if local { n.to_owned() } else { "/account".to_owned() }
}

/// The translated confirmation of what the last form did (`?done=…`), for a status message.
pub(crate) fn notice(ctx: &Ctx) -> Option<&'static str> {
    const DONE: [&str; 18] = [
        "invited",
        "roles_saved",
        "revoked",
        "saved",
        "read",
        "approved",
        "rejected",
        "created",
        "locked",
        "unlocked",
        "logged_out",
        "reset",
        "accepted",
        "password_changed",
        "reset_requested",
        "signed_up",
        "rebuilding",
        "removed",
    ];
    let v = ctx.pairs().into_iter().find(|(k, _)| k == "done").map(|(_, v)| v)?;
    let key = DONE.iter().find(|d| **d == v)?;
    Some(crate::i18n::done_message(ctx.lang, key))
}

/// The request id, for the audit events the change writes.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    auth::request_id(headers)
}

/// Days from `from` to `now` (µs), at least 0.
pub fn age_days(from: i64, now: i64) -> i64 {
    ((now - from) / 86_400_000_000).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_local_only() {
        assert_eq!(safe_next("/services?q=a"), "/services?q=a");
        assert_eq!(safe_next("/account/people"), "/account/people");
        for bad in
            ["", "https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)", "evil", "/a\nb", "/a b", "/\t/x"]
        {
            assert_eq!(safe_next(bad), "/account", "{bad:?}");
        }
    }

    #[test]
    fn ages() {
        assert_eq!(age_days(0, 86_400_000_000 * 3 + 5), 3);
        assert_eq!(age_days(10, 0), 0);
    }
}

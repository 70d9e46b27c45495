//! `/login`, `/logout`, and the one-time links: `/account/reset-request`, `/account/reset`
//! (a forgotten password) and `/account/accept` (an invitation).

use super::{FormData, FormErrors, check_csrf, notice, private, redirect, request_id, safe_next, with_cookie};
use crate::auth::{self, Client, SESSION_IDLE_MICROS};
use crate::error::{AppError, Code};
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gureum_app::accounts;

#[derive(Template)]
#[template(path = "account/login.html")]
struct LoginTpl {
    layout: Layout,
    email: String,
    next: String,
    errs: FormErrors,
    notice: Option<&'static str>,
    expired: bool,
}

fn next_of(ctx: &Ctx) -> String {
    ctx.pairs().into_iter().find(|(k, _)| k == "next").map(|(_, v)| v).filter(|v| safe_next(v) == *v).unwrap_or_default()
}

pub async fn login_form(ctx: Ctx) -> Response {
    let next = next_of(&ctx);
    if ctx.person().is_some() && ctx.pairs().iter().all(|(k, _)| k != "done") {
        return redirect(&safe_next(&next));
    }
    let ctx = ctx.with_forms();
    let expired = ctx.pairs().iter().any(|(k, v)| k == "expired" && v == "1");
    let tpl = LoginTpl {
        layout: ctx.layout(ctx.t("login.title"), Section::None),
        email: String::new(),
        next,
        errs: FormErrors::default(),
        notice: notice(&ctx),
        expired,
    };
    ctx.render(StatusCode::OK, &tpl)
}

pub async fn login(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, client: Client, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    if let Err(r) = check_csrf(&ctx, &headers, form.csrf()) {
        return r;
    }
    let next = form.get("next").to_owned();
    match accounts::login(&state, form.get("email"), form.get("password"), client.0, request_id(&headers)).await.map_err(AppError::from) {
        Ok(li) => {
            let res = redirect(&safe_next(&next));
            let res = with_cookie(res, &auth::session_cookie(ctx.https, &li.token, SESSION_IDLE_MICROS / 1_000_000));
            // The cookie follows the new session's token, the one its forms carry from now on.
            with_cookie(res, &auth::csrf_cookie(ctx.https, &li.csrf))
        }
        Err(e) if e.status == StatusCode::UNAUTHORIZED => {
            let ctx = ctx.with_forms();
            let field = if e.code == "invalid_credentials" { "email" } else { "" };
            let tpl = LoginTpl {
                layout: ctx.layout(ctx.t("login.title"), Section::None),
                email: form.get("email").trim().to_owned(),
                next: if safe_next(&next) == next { next } else { String::new() },
                errs: FormErrors::one(ctx.lang, field, &e),
                notice: None,
                expired: false,
            };
            ctx.render(e.status, &tpl)
        }
        Err(e) => ctx.error(&e),
    }
}

pub async fn logout(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    if let Err(r) = check_csrf(&ctx, &headers, form.csrf()) {
        return r;
    }
    if let Some(p) = ctx.person()
        && let Err(e) = accounts::logout(&state, p, request_id(&headers)).await.map_err(AppError::from)
    {
        return ctx.error(&e);
    }
    with_cookie(redirect("/login?done=logged_out"), &auth::session_cookie(ctx.https, "", 0))
}

#[derive(Template)]
#[template(path = "account/reset_request.html")]
struct ResetRequestTpl {
    layout: Layout,
    email: String,
    sent: bool,
}

pub async fn reset_request_form(ctx: Ctx) -> Response {
    let ctx = ctx.with_forms();
    let tpl = ResetRequestTpl { layout: ctx.layout(ctx.t("reset.request_title"), Section::None), email: String::new(), sent: false };
    ctx.render(StatusCode::OK, &tpl)
}

/// Always the same answer, so the page never tells whether an account exists.
pub async fn reset_request(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, client: Client, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    if let Err(r) = check_csrf(&ctx, &headers, form.csrf()) {
        return r;
    }
    if let Err(e) = accounts::request_reset(&state, form.get("email"), client.0, request_id(&headers)).await.map_err(AppError::from) {
        return ctx.error(&e);
    }
    let tpl = ResetRequestTpl {
        layout: ctx.layout(ctx.t("reset.sent_title"), Section::None),
        email: form.get("email").trim().to_owned(),
        sent: true,
    };
    ctx.render(StatusCode::OK, &tpl)
}

/// Which link a set-password page answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Reset,
    Invite,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::Reset => "reset",
            Self::Invite => "invite",
        }
    }

    fn action(self) -> &'static str {
        match self {
            Self::Reset => "/account/reset",
            Self::Invite => "/account/accept",
        }
    }

    fn title_key(self) -> &'static str {
        match self {
            Self::Reset => "reset.title",
            Self::Invite => "accept.title",
        }
    }

    fn done(self) -> &'static str {
        match self {
            Self::Reset => "/login?done=reset",
            Self::Invite => "/login?done=accepted",
        }
    }
}

#[derive(Template)]
#[template(path = "account/set_password.html")]
struct SetPasswordTpl {
    layout: Layout,
    invite: bool,
    action: &'static str,
    token: String,
    email: String,
    org: String,
    errs: FormErrors,
}

#[derive(Template)]
#[template(path = "account/link_invalid.html")]
struct LinkInvalidTpl {
    layout: Layout,
    invite: bool,
}

fn link_invalid(ctx: &Ctx, purpose: Purpose) -> Response {
    let tpl = LinkInvalidTpl { layout: ctx.layout(ctx.t("link.invalid_title"), Section::None), invite: purpose == Purpose::Invite };
    private(ctx.render(StatusCode::BAD_REQUEST, &tpl))
}

async fn set_password_page(state: &AppState, ctx: &Ctx, purpose: Purpose, token: &str, errs: FormErrors, status: StatusCode) -> Response {
    let now = state.clock().now_micros();
    let user = match state.db().one_time_link(&auth::secret_hash(token.trim()), purpose.as_str(), now).await {
        Ok(Some(u)) => u,
        Ok(None) => return link_invalid(ctx, purpose),
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let org = match state.db().organisation(&user.org_id).await {
        Ok(o) => o.map(|o| o.name).unwrap_or_default(),
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let tpl = SetPasswordTpl {
        layout: ctx.layout(ctx.t(purpose.title_key()), Section::None),
        invite: purpose == Purpose::Invite,
        action: purpose.action(),
        token: token.trim().to_owned(),
        email: user.email,
        org,
        errs,
    };
    private(ctx.render(status, &tpl))
}

async fn link_form(state: AppState, ctx: Ctx, purpose: Purpose) -> Response {
    let ctx = ctx.with_forms();
    let token = ctx.pairs().into_iter().find(|(k, _)| k == "token").map(|(_, v)| v).unwrap_or_default();
    set_password_page(&state, &ctx, purpose, &token, FormErrors::default(), StatusCode::OK).await
}

async fn link_submit(state: AppState, ctx: Ctx, headers: HeaderMap, client: Client, body: Bytes, purpose: Purpose) -> Response {
    let form = FormData::parse(&body);
    if let Err(r) = check_csrf(&ctx, &headers, form.csrf()) {
        return r;
    }
    let ctx = ctx.with_forms();
    let token = form.get("token");
    if form.get("password") != form.get("password_confirm") {
        let e = AppError::new(Code::PasswordMismatch, "the two passwords differ");
        let errs = FormErrors::one(ctx.lang, "password_confirm", &e);
        return set_password_page(&state, &ctx, purpose, token, errs, e.status).await;
    }
    match accounts::use_link(&state, purpose.as_str(), token, form.get("password"), client.0, request_id(&headers))
        .await
        .map_err(AppError::from)
    {
        Ok(_) => redirect(purpose.done()),
        Err(e) if e.code == "invalid_link" => link_invalid(&ctx, purpose),
        Err(e) if e.status == StatusCode::BAD_REQUEST => {
            let errs = FormErrors::one(ctx.lang, "password", &e);
            set_password_page(&state, &ctx, purpose, token, errs, e.status).await
        }
        Err(e) => ctx.error(&e),
    }
}

pub async fn reset_form(State(state): State<AppState>, ctx: Ctx) -> Response {
    link_form(state, ctx, Purpose::Reset).await
}

pub async fn reset(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, client: Client, body: Bytes) -> Response {
    link_submit(state, ctx, headers, client, body, Purpose::Reset).await
}

pub async fn accept_form(State(state): State<AppState>, ctx: Ctx) -> Response {
    link_form(state, ctx, Purpose::Invite).await
}

pub async fn accept(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, client: Client, body: Bytes) -> Response {
    link_submit(state, ctx, headers, client, body, Purpose::Invite).await
}

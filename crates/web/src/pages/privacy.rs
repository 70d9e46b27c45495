//! `/privacy`: the privacy policy (개인정보 처리방침), Korean with English.

use super::layout::{Ctx, Layout, Section};
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyTpl {
    layout: Layout,
}

pub async fn privacy(ctx: Ctx) -> Response {
    let tpl = PrivacyTpl { layout: ctx.layout(ctx.t("privacy.title"), Section::None) };
    ctx.render(StatusCode::OK, &tpl)
}

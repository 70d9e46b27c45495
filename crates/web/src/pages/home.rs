//! `/`: the big search box, quick links by kind, top categories and "search → use".

use super::catalog::{CategoryLink, category_links};
use super::layout::{Ctx, Layout, Section};
use crate::api::catalog::category_counts;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use gureum_domain::ServiceKind;

/// How many categories the home page shows.
const TOP_CATEGORIES: usize = 12;

pub struct KindLink {
    pub href: String,
    pub label: String,
    pub desc: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomeTpl {
    layout: Layout,
    kinds: Vec<KindLink>,
    categories: Vec<CategoryLink>,
    categories_unavailable: bool,
}

pub async fn home(State(state): State<AppState>, ctx: Ctx) -> Response {
    let lang = ctx.lang;
    let kinds = ServiceKind::ALL
        .iter()
        .map(|k| KindLink {
            href: format!("/services?kind={}", k.as_str()),
            label: lang.kind(*k).to_owned(),
            desc: lang.t(&format!("kind.desc.{}", k.as_str())).to_owned(),
        })
        .collect();
    let (categories, categories_unavailable) = match category_counts(&state).await {
        Ok(mut cats) => {
            cats.truncate(TOP_CATEGORIES);
            (category_links(lang, &cats), false)
        }
        // The home page still works while the index catches up.
        Err(_) => (Vec::new(), true),
    };
    let tpl = HomeTpl { layout: ctx.layout(ctx.t("site.tagline"), Section::None), kinds, categories, categories_unavailable };
    ctx.render(StatusCode::OK, &tpl)
}

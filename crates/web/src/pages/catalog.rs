//! `/categories` (every category with its count) and `/suppliers/{id}` (a supplier and its
//! listed services).

use super::layout::{Ctx, Layout, Section};
use super::links;
use super::search::HitView;
use crate::api::catalog::{CategoryCount, category_counts, supplier_view};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gureum_domain::BusinessNumber;
use gureum_domain::listing::SupplierSize;

/// A category as a link to its search.
pub struct CategoryLink {
    pub name: String,
    pub href: String,
    pub count_label: String,
}

pub fn category_links(lang: Lang, cats: &[CategoryCount]) -> Vec<CategoryLink> {
    cats.iter()
        .map(|c| CategoryLink {
            name: c.name.clone(),
            href: format!("/services?{}", links::query1("category", &c.name)),
            count_label: lang.count(c.count),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "categories.html")]
struct CategoriesTpl {
    layout: Layout,
    categories: Vec<CategoryLink>,
}

pub async fn categories(State(state): State<AppState>, ctx: Ctx) -> Response {
    match category_counts(&state).await {
        Ok(cats) => {
            let tpl = CategoriesTpl {
                layout: ctx.layout(ctx.t("categories.title"), Section::Categories),
                categories: category_links(ctx.lang, &cats),
            };
            ctx.render(StatusCode::OK, &tpl)
        }
        Err(e) => ctx.error(&e),
    }
}

/// `1234567890` → `123-45-67890` (as stored, when it is not 10 digits).
pub fn format_business_number(s: &str) -> String {
    BusinessNumber::parse(s).map(|b| b.formatted()).unwrap_or_else(|_| s.to_owned())
}

#[derive(Template)]
#[template(path = "supplier.html")]
struct SupplierTpl {
    layout: Layout,
    name: String,
    business_number: String,
    size: String,
    sme: bool,
    count_label: String,
    hits: Vec<HitView>,
    show_supplier: bool,
    show_compare: bool,
    /// The debarment in force today, as a sentence (with its reason).
    debarment: Option<(String, String)>,
    /// The operator's (and the auditor's) link to the supplier's debarments.
    debarments_href: Option<String>,
}

pub async fn supplier(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let sup = match supplier_view(&state, &id).await {
        Ok(s) => s,
        Err(e) => return ctx.error(&e),
    };
    let lang = ctx.lang;
    let tpl = SupplierTpl {
        layout: ctx.layout(sup.name.clone(), Section::None),
        business_number: format_business_number(&sup.business_number),
        size: SupplierSize::parse(&sup.size).map(|s| lang.size(s).to_owned()).unwrap_or_else(|| sup.size.clone()),
        sme: sup.sme,
        count_label: format!("({})", lang.count(sup.services.len() as u64)),
        hits: sup.services.iter().map(|h| HitView::new(lang, h)).collect(),
        debarment: sup
            .debarment
            .as_ref()
            .map(|d| (lang.t("supplier.debarred.body").replace("{from}", &d.from).replace("{to}", &d.to), d.reason.clone())),
        debarments_href: ctx
            .viewer
            .as_ref()
            .filter(|p| p.has_role(gureum_domain::account::Role::Operator) || p.has_role(gureum_domain::account::Role::Auditor))
            .map(|_| format!("/operator/suppliers/{}/debarments", sup.id)),
        name: sup.name,
        show_supplier: false,
        show_compare: false,
    };
    ctx.render(StatusCode::OK, &tpl)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn business_numbers_are_dashed() {
        assert_eq!(format_business_number("2208162517"), "220-81-62517");
        assert_eq!(format_business_number("12"), "12");
    }
}

//! `/compare?id=A&id=B[&id=C&id=D]`: 2–4 services side by side, and the same table as an XLSX
//! workbook (`/compare.xlsx`) to attach to an internal approval document (내부결재).

use super::layout::{Ctx, Layout, Section};
use super::links;
use super::service::{cert_type_label, grade_label, host_view, load_view, pct, plan_rows, purchase_labels};
use crate::api::services::ServiceView;
use crate::error::{AppError, Code};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use gureum_domain::listing::SupplierSize;

pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The ids to compare, in order and each once: 2 to 4 of them.
pub fn compare_ids(pairs: &[(String, String)]) -> Result<Vec<String>, AppError> {
    let mut ids: Vec<String> = Vec::new();
    for (k, v) in pairs {
        let v = v.trim();
        if k == "id" && !v.is_empty() && !ids.iter().any(|x| x.eq_ignore_ascii_case(v)) {
            ids.push(v.to_owned());
        }
    }
    if !(2..=4).contains(&ids.len()) {
        return Err(AppError::new(Code::InvalidCompare, "choose from 2 to 4 services to compare (id=…&id=…)"));
    }
    Ok(ids)
}

/// One column head: a compared service.
pub struct Column {
    pub name: String,
    pub code: String,
    pub href: String,
}

/// One row: a label and one cell (lines of text) per service.
pub struct Row {
    pub label: String,
    pub cells: Vec<Vec<String>>,
}

/// The comparison's rows, in the reader's language (the page and the workbook share them).
pub fn rows(lang: Lang, views: &[ServiceView]) -> Vec<Row> {
    let row =
        |key: &str, f: &dyn Fn(&ServiceView) -> Vec<String>| Row { label: lang.t(key).to_owned(), cells: views.iter().map(f).collect() };
    let unknown = || lang.t("common.unknown").to_owned();
    let none = || vec![lang.t("common.none").to_owned()];
    vec![
        row("field.code", &|v| vec![v.code.clone()]),
        row("field.supplier", &|v| {
            let size = SupplierSize::parse(&v.supplier.size).map(|s| lang.size(s)).unwrap_or(&v.supplier.size);
            let sme = if v.supplier.sme { format!(" · {}", lang.t("badge.sme")) } else { String::new() };
            vec![v.supplier.name.clone(), format!("{size}{sme}")]
        }),
        row("field.kind", &|v| vec![lang.kind(v.listing.kind).to_owned()]),
        row("field.category", &|v| {
            vec![match &v.listing.subcategory {
                Some(sub) => format!("{} › {sub}", v.listing.category),
                None => v.listing.category.clone(),
            }]
        }),
        row("field.price_plans", &|v| {
            let plans = plan_rows(lang, v);
            if plans.is_empty() {
                return vec![lang.t("price.ask").to_owned()];
            }
            plans.into_iter().map(|p| format!("{}: {} / {} ({}, {})", p.name, p.price, p.unit, p.model, p.vat)).collect()
        }),
        row("compare.lowest", &|v| vec![v.price_from_krw.map(|w| lang.won(w)).unwrap_or_else(|| lang.t("price.ask").to_owned())]),
        row("field.sla", &|v| match &v.listing.sla {
            None => vec![unknown()],
            Some(s) => vec![
                format!("{}: {}", lang.t("sla.availability"), s.availability_pct.map(pct).unwrap_or_else(unknown)),
                format!("{}: {}", lang.t("sla.support_hours"), s.support_hours.clone().unwrap_or_else(unknown)),
                format!("{}: {}", lang.t("sla.credit"), s.credit_pct.map(pct).unwrap_or_else(unknown)),
            ],
        }),
        row("field.csap", &|v| match &v.certification {
            None => vec![lang.t("cert.uncertified").to_owned()],
            Some(c) => vec![
                format!("{} {}", c.scheme, cert_type_label(lang, &c.cert_type)),
                format!(
                    "{}: {}",
                    lang.t("cert.effective"),
                    c.effective_grade.as_deref().map(|g| grade_label(lang, g)).unwrap_or_else(|| lang.t("cert.no_grade").to_owned())
                ),
                format!(
                    "{}: {} ({})",
                    lang.t("cert.validity"),
                    lang.t("cert.until").replace("{v}", &c.valid_to),
                    lang.t(&format!("standing.{}", c.standing))
                ),
            ],
        }),
        row("field.data_location", &|v| vec![v.listing.data_location.clone().unwrap_or_else(unknown)]),
        row("field.integrations", &|v| if v.listing.integrations.is_empty() { none() } else { v.listing.integrations.clone() }),
        row("field.host", &|v| host_view(v).map(|h| vec![h.label]).unwrap_or_else(none)),
        row("field.purchase", &|v| purchase_labels(lang, v)),
    ]
}

fn columns(views: &[ServiceView]) -> Vec<Column> {
    views.iter().map(|v| Column { name: v.listing.name.clone(), code: v.code.clone(), href: format!("/services/{}", v.id) }).collect()
}

/// Loads the services named by the query, in its order.
async fn load(state: &AppState, ctx: &Ctx) -> Result<(Vec<String>, Vec<ServiceView>), AppError> {
    let ids = compare_ids(&ctx.pairs())?;
    let mut views = Vec::with_capacity(ids.len());
    for id in &ids {
        views.push(load_view(state, id).await?.0);
    }
    Ok((ids, views))
}

#[derive(Template)]
#[template(path = "compare.html")]
struct CompareTpl {
    layout: Layout,
    caption: String,
    columns: Vec<Column>,
    rows: Vec<Row>,
    xlsx_href: String,
}

pub async fn compare(State(state): State<AppState>, ctx: Ctx) -> Response {
    let (ids, views) = match load(&state, &ctx).await {
        Ok(x) => x,
        Err(e) => return ctx.error(&e),
    };
    let names: Vec<&str> = views.iter().map(|v| v.listing.name.as_str()).collect();
    let mut id_pairs: Vec<(String, String)> = ids.iter().map(|id| ("id".to_owned(), id.clone())).collect();
    if ctx.remember {
        id_pairs.push(("lang".into(), ctx.lang.code().into()));
    }
    let tpl = CompareTpl {
        layout: ctx.layout(ctx.t("compare.title"), Section::Services),
        caption: ctx.t("compare.caption").replace("{names}", &names.join(", ")),
        columns: columns(&views),
        rows: rows(ctx.lang, &views),
        xlsx_href: links::href("/compare.xlsx", &id_pairs),
    };
    ctx.render(StatusCode::OK, &tpl)
}

pub async fn compare_xlsx(State(state): State<AppState>, ctx: Ctx) -> Response {
    let views = match load(&state, &ctx).await {
        Ok((_, v)) => v,
        Err(e) => return ctx.error(&e),
    };
    let lang = ctx.lang;
    let mut header = vec![lang.t("compare.item").to_owned()];
    header.extend(views.iter().map(|v| format!("{} ({})", v.listing.name, v.code)));
    let body: Vec<(String, Vec<String>)> =
        rows(lang, &views).into_iter().map(|r| (r.label, r.cells.into_iter().map(|c| c.join("\n")).collect())).collect();
    let sheet = lang.t("compare.title").to_owned();
    let built = tokio::task::spawn_blocking(move || super::xlsx::workbook(&sheet, &header, &body)).await;
    let bytes = match built {
        Ok(Ok(b)) => b,
        Ok(Err(e)) => return ctx.error(&AppError::internal(format!("xlsx: {e}"))),
        Err(e) => return ctx.error(&AppError::internal(format!("xlsx task: {e}"))),
    };
    let d = state.clock().today();
    let filename = format!("gureum-compare-{:04}{:02}{:02}.xlsx", d.year(), u8::from(d.month()), d.day());
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(XLSX_TYPE));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(CONTENT_DISPOSITION, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Vec<(String, String)> {
        gureum_app::query::pairs(Some(s))
    }

    #[test]
    fn two_to_four_distinct_ids() {
        assert_eq!(compare_ids(&p("id=a&id=b&id=a&x=1")).ok(), Some(vec!["a".to_owned(), "b".to_owned()]));
        assert_eq!(compare_ids(&p("id=a&id=a")).err().map(|e| e.code.as_str()), Some("invalid_compare"));
        assert_eq!(compare_ids(&p("")).err().map(|e| e.status), Some(StatusCode::BAD_REQUEST));
        assert!(compare_ids(&p("id=a&id=b&id=c&id=d")).is_ok());
        assert!(compare_ids(&p("id=a&id=b&id=c&id=d&id=e")).is_err());
    }

    #[test]
    fn rows_cover_every_item_for_every_service() {
        use crate::pages::service::tests::view;
        let views = vec![view("SAS-4-09-10374", "valid"), view("SAS-4-09-10375", "expired")];
        let rows = rows(Lang::Ko, &views);
        assert_eq!(rows.len(), 12);
        assert!(rows.iter().all(|r| r.cells.len() == 2));
        let cert = rows.iter().find(|r| r.label == "보안인증").expect("certification row");
        assert!(cert.cells[0].iter().any(|l| l.contains("상")));
        assert!(cert.cells[1].iter().any(|l| l.contains("만료")));
        let buy = rows.iter().find(|r| r.label == "구매 방법").expect("purchase row");
        assert_eq!(buy.cells[0].len(), 2);
    }
}

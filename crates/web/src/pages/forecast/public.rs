//! `/forecast` (every survey, linking to its report) and `/forecast/{id}` (the aggregated report:
//! the totals, a chart with its data table per dimension, the CSV and JSON downloads, and demand
//! meeting supply). Public: counts only, no agency is ever named.

use super::W;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::chart::{self, Data, Series};
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gureum_app::forecast::report::{self, DemandMatch, ReportView};
use gureum_app::forecast::{SurveyView, surveys};
use std::collections::BTreeMap;

#[derive(Template)]
#[template(path = "forecast/list.html")]
struct ListTpl {
    layout: Layout,
    w: W,
    surveys: Vec<SurveyView>,
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Response {
    let w = W(ctx.lang);
    let surveys = match surveys::list(&state).await {
        Ok(s) => s,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let tpl = ListTpl { layout: ctx.layout(w.t("title"), Section::Stats), w, surveys };
    ctx.render(StatusCode::OK, &tpl)
}

/// One chart: its SVG, and its data as a table.
pub struct Figure {
    pub id: &'static str,
    pub title: &'static str,
    pub html: String,
}

#[derive(Template)]
#[template(path = "forecast/report.html")]
struct ReportTpl {
    layout: Layout,
    w: W,
    r: ReportView,
    figures: Vec<Figure>,
    matches: Vec<DemandMatch>,
}

impl ReportTpl {
    fn won(&self, n: &i64) -> String {
        self.layout.lang.won(*n)
    }

    fn rate(&self) -> String {
        format!("{:.1}%", self.r.response_rate)
    }

    fn gaps(&self) -> Vec<&DemandMatch> {
        self.matches.iter().filter(|m| m.matches == 0).collect()
    }

    fn tag_link(&self, m: &DemandMatch) -> String {
        let q: String = form_urlencoded::Serializer::new(String::new()).append_pair("tag", &m.function).finish();
        format!("/services?{q}")
    }

    fn more(&self, m: &DemandMatch) -> u64 {
        m.matches.saturating_sub(m.services.len() as u64)
    }
}

/// A bars chart of counts with its table, labels in words.
fn bars(id: &'static str, title: &'static str, desc: &'static str, head: &str, rows: &[(String, i64)], lang: Lang) -> Figure {
    let labels: Vec<String> = rows.iter().map(|(l, _)| l.clone()).collect();
    let series = [Series { name: W(lang).t("col.count").to_owned(), values: rows.iter().map(|(_, n)| *n).collect() }];
    let fmt = |v: i64| v.to_string();
    let d = Data { id, title, desc, labels: &labels, series: &series, fmt: &fmt };
    let html = format!("<figure class=\"chart-figure\">{}{}</figure>", chart::bars(&d), chart::table(&d, head, false));
    Figure { id, title, html }
}

/// The rows of a count map in the order of `codes` (known values), then the rest.
fn ordered(map: &BTreeMap<String, i64>, codes: &[&str], word: impl Fn(&str) -> String) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = codes.iter().map(|c| (word(c), map.get(*c).copied().unwrap_or(0))).collect();
    for (k, v) in map {
        if !codes.contains(&k.as_str()) {
            out.push((word(k), *v));
        }
    }
    out
}

fn figures(r: &ReportView, lang: Lang) -> Vec<Figure> {
    use gureum_domain::forecast::{AgencyKind, Hosting, NoPlanReason, TargetType};
    let w = W(lang);
    let mut out = Vec::new();
    let target = ordered(&r.by_target_type, &TargetType::codes(), |c| if c == "unspecified" { "-".into() } else { w.target(c) });
    out.push(bars("fc-target", w.t("chart.target"), w.t("chart.target.desc"), w.t("col.value"), &target, lang));
    let years: Vec<(String, i64)> = r.by_planned_year.iter().map(|(k, v)| (k.clone(), *v)).collect();
    out.push(bars("fc-year", w.t("chart.year"), w.t("chart.year.desc"), w.t("col.year"), &years, lang));
    let kinds = ordered(&r.by_agency_kind, &AgencyKind::codes(), |c| w.kind(c));
    out.push(bars("fc-kind", w.t("chart.kind"), w.t("chart.kind.desc"), w.t("col.value"), &kinds, lang));
    let hosting = ordered(&r.by_hosting, &Hosting::codes(), |c| w.hosting(c));
    out.push(bars("fc-hosting", w.t("chart.hosting"), w.t("chart.hosting.desc"), w.t("col.value"), &hosting, lang));
    let mut functions: Vec<(String, i64)> = r.by_function.iter().map(|(k, v)| (k.clone(), *v)).collect();
    functions.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    functions.truncate(15);
    out.push(bars("fc-function", w.t("chart.function"), w.t("chart.function.desc"), w.t("col.value"), &functions, lang));
    let reasons = ordered(&r.no_plan_reasons, &NoPlanReason::codes(), |c| w.reason(c));
    out.push(bars("fc-reason", w.t("chart.reason"), w.t("chart.reason.desc"), w.t("col.value"), &reasons, lang));
    out
}

pub async fn report(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let w = W(ctx.lang);
    let loaded = async {
        let r = report::report(&state, &id).await?;
        let matches = report::demand_meets_supply(&state, &r).await?;
        Ok::<_, gureum_app::Error>((r, matches))
    };
    let (r, matches) = match loaded.await {
        Ok(l) => l,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let figures = figures(&r, ctx.lang);
    let title = format!("{} — {}", r.survey.year, w.t("report.title"));
    let tpl = ReportTpl { layout: ctx.layout(title, Section::Stats), w, r, figures, matches };
    ctx.render(StatusCode::OK, &tpl)
}

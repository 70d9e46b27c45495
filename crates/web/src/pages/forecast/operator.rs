//! The operator's forecast desk: `/operator/forecast` (every survey with its status, and the
//! form to open one) and `/operator/forecast/{id}` (the response rate by agency kind and the
//! agencies that have not submitted; the auditor reads it too).

use super::{Problem, W, stays_on_form};
use crate::auth::{OPERATOR, Rule, request_id};
use crate::error::AppError;
use crate::pages::desk::{posted, see_other};
use crate::pages::form::{FormData, require};
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gureum_app::forecast::report::{self, ProgressView};
use gureum_app::forecast::{OVERSIGHT, SurveyView, surveys};
use serde_json::{Value, json};

#[derive(Template)]
#[template(path = "forecast/operator.html")]
struct DeskTpl {
    layout: Layout,
    w: W,
    surveys: Vec<SurveyView>,
    done: bool,
    problem: Option<Problem>,
    draft: FormData,
    /// The form's defaults: next year, opening today, closing in a month.
    year: String,
    opens_on: String,
    closes_on: String,
}

impl DeskTpl {
    fn value(&self, field: &str, fallback: &str) -> String {
        if self.problem.is_some() { self.draft.get(field).to_owned() } else { fallback.to_owned() }
    }

    fn bad(&self, field: &str) -> bool {
        self.problem.as_ref().is_some_and(|p| p.field == field)
    }
}

async fn render(state: &AppState, ctx: &Ctx, status: StatusCode, problem: Option<Problem>, draft: FormData) -> Response {
    let w = W(ctx.lang);
    let surveys = match surveys::list(state).await {
        Ok(s) => s,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let today = state.clock().today();
    let fmt = gureum_domain::clock::format_date;
    let done = problem.is_none() && ctx.pairs().iter().any(|(k, _)| k == "done");
    let tpl = DeskTpl {
        layout: ctx.layout(w.t("op.title"), Section::Desk),
        w,
        surveys,
        done,
        problem,
        draft,
        year: (today.year() + 1).to_string(),
        opens_on: fmt(today),
        closes_on: fmt(today + time::Duration::days(30)),
    };
    ctx.render(status, &tpl)
}

pub async fn desk(State(state): State<AppState>, ctx: Ctx) -> Response {
    if let Err(r) = require(&ctx, Rule::AnyRole(OPERATOR)) {
        return r;
    }
    render(&state, &ctx, StatusCode::OK, None, FormData::default()).await
}

/// A whole number from a form field; text that is no number stays text so that the use case
/// refuses it by name.
fn number(raw: &str) -> Value {
    let t = raw.trim();
    if t.is_empty() {
        return Value::Null;
    }
    t.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::from(t))
}

/// Opens a survey from the form.
pub async fn create(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, body: Bytes) -> Response {
    let p = match require(&ctx, Rule::AnyRole(OPERATOR)) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let body = json!({"year": number(form.get("year")), "opens_on": form.get("opens_on"), "closes_on": form.get("closes_on")});
    match surveys::create(&state, p, &body, request_id(&headers)).await.map_err(AppError::from) {
        Ok(s) => see_other(&format!("/operator/forecast/{}?done=1", s.id)),
        Err(e) if !stays_on_form(&e) => ctx.error(&e),
        Err(e) => {
            let problem = Problem::new(ctx.lang, &e);
            render(&state, &ctx, e.status, Some(problem), form).await
        }
    }
}

#[derive(Template)]
#[template(path = "forecast/progress.html")]
struct ProgressTpl {
    layout: Layout,
    w: W,
    v: ProgressView,
    done: bool,
}

impl ProgressTpl {
    fn pct(&self, v: &f64) -> String {
        format!("{v:.1}%")
    }
}

/// The response rate by agency kind and who is missing.
pub async fn progress(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let p = match require(&ctx, Rule::AnyRole(OVERSIGHT)) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let w = W(ctx.lang);
    let v = match report::progress(&state, p, &id).await {
        Ok(v) => v,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let done = ctx.pairs().iter().any(|(k, _)| k == "done");
    let tpl = ProgressTpl { layout: ctx.layout(format!("{} — {}", v.survey.year, w.t("op.progress.title")), Section::Desk), w, v, done };
    ctx.render(StatusCode::OK, &tpl)
}

//! The agency's forecast pages (its buyers and budget officers): `/agency/forecast` (the
//! surveys), `/agency/forecast/{id}` (its systems in a table, the add/edit form — `?edit=KEY`
//! fills it with one system — delete, the CSV upload with its template, and submit). Every form
//! works without JavaScript; a refused form stays on the page with what was typed.

use super::{Problem, W, stays_on_form};
use crate::api::lifecycle::{not_multipart, read_upload};
use crate::auth::{Rule, request_id};
use crate::error::AppError;
use crate::pages::desk::{posted, see_other};
use crate::pages::form::{FormData, check_csrf, require};
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gureum_app::Principal;
use gureum_app::forecast::response::{self, ResponseView};
use gureum_app::forecast::{ANSWERERS, SurveyView, SystemView, surveys};
use gureum_domain::forecast::{Change, Hosting, NoPlanReason, TargetType};
use serde_json::{Value, json};

#[allow(clippy::result_large_err)] // the Err is the answer itself, returned at once
fn answerer(ctx: &Ctx) -> Result<&Principal, Response> {
    let p = require(ctx, Rule::AnyRole(ANSWERERS))?;
    if !gureum_app::forecast::is_answerer(p) {
        return Err(ctx.error(&AppError::from(gureum_app::Error::forbidden())));
    }
    Ok(p)
}

#[derive(Template)]
#[template(path = "forecast/agency_list.html")]
struct ListTpl {
    layout: Layout,
    w: W,
    surveys: Vec<SurveyView>,
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Response {
    if let Err(r) = answerer(&ctx) {
        return r;
    }
    let w = W(ctx.lang);
    let surveys = match surveys::list(&state).await {
        Ok(s) => s,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let tpl = ListTpl { layout: ctx.layout(w.t("ag.title"), Section::Desk), w, surveys };
    ctx.render(StatusCode::OK, &tpl)
}

/// The CSV template (a header line and two examples).
pub async fn template(ctx: Ctx) -> Response {
    if let Err(r) = answerer(&ctx) {
        return r;
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"forecast-systems-template.csv\""),
        ],
        response::csv_template(),
    )
        .into_response()
}

/// The form's values: the system being edited, or what a refused form held.
struct FormValues {
    key: String,
    name: String,
    hosting: String,
    year: String,
    target: String,
    change: String,
    functions: String,
    budget: String,
    reason: String,
}

impl FormValues {
    fn of(s: &SystemView) -> Self {
        Self {
            key: s.key.clone(),
            name: s.name.clone(),
            hosting: s.current_hosting.clone(),
            year: s.planned_year.map(|y| y.to_string()).unwrap_or_default(),
            target: s.target_type.clone().unwrap_or_default(),
            change: s.change.clone().unwrap_or_default(),
            functions: s.functions.join(", "),
            budget: s.budget_krw.map(|b| b.to_string()).unwrap_or_default(),
            reason: s.no_plan_reason.clone().unwrap_or_default(),
        }
    }

    fn from_form(f: &FormData) -> Self {
        Self {
            key: f.get("key").to_owned(),
            name: f.get("name").to_owned(),
            hosting: f.get("current_hosting").to_owned(),
            year: f.get("planned_year").to_owned(),
            target: f.get("target_type").to_owned(),
            change: f.get("change").to_owned(),
            functions: f.get("functions").to_owned(),
            budget: f.get("budget_krw").to_owned(),
            reason: f.get("no_plan_reason").to_owned(),
        }
    }

    fn empty() -> Self {
        Self::from_form(&FormData::default())
    }
}

#[derive(Template)]
#[template(path = "forecast/answer.html")]
struct AnswerTpl {
    layout: Layout,
    w: W,
    survey: SurveyView,
    r: ResponseView,
    f: FormValues,
    editing: bool,
    done: bool,
    problem: Option<Problem>,
    /// Which form the problem is on: system, upload or submit.
    problem_form: &'static str,
    hostings: Vec<(&'static str, String)>,
    targets: Vec<(&'static str, String)>,
    changes: Vec<(&'static str, String)>,
    reasons: Vec<(&'static str, String)>,
}

impl AnswerTpl {
    fn won(&self, n: &i64) -> String {
        self.layout.lang.won(*n)
    }

    fn bad(&self, field: &str) -> bool {
        self.problem_form == "system" && self.problem.as_ref().is_some_and(|p| p.field == field)
    }

    fn plan(&self, s: &SystemView) -> String {
        match s.planned_year {
            Some(y) => {
                let mut parts = vec![y.to_string()];
                if let Some(t) = &s.target_type {
                    parts.push(self.w.target(t));
                }
                if let Some(c) = &s.change {
                    parts.push(self.w.change(c));
                }
                parts.join(" · ")
            }
            None => format!("{} ({})", self.w.t("ag.no_plan"), s.no_plan_reason.as_deref().map(|r| self.w.reason(r)).unwrap_or_default()),
        }
    }
}

fn options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    ko: fn(T) -> &'static str,
    en: fn(T) -> &'static str,
    w: W,
) -> Vec<(&'static str, String)> {
    all.iter().map(|v| (code(*v), w.0.pick(ko(*v), en(*v)).to_owned())).collect()
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    id: &str,
    status: StatusCode,
    problem: Option<(&'static str, Problem, FormValues)>,
) -> Response {
    let w = W(ctx.lang);
    let loaded = async {
        let survey = surveys::get(state, id).await?;
        let r = response::get(state, p, id).await?;
        Ok::<_, gureum_app::Error>((survey, r))
    };
    let (survey, r) = match loaded.await {
        Ok(l) => l,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let edit = ctx.pairs().into_iter().find(|(k, _)| k == "edit").map(|(_, v)| v);
    let (problem_form, problem, f, editing) = match problem {
        Some((form, pr, values)) => (form, Some(pr), values, false),
        None => match edit.and_then(|k| r.systems.iter().find(|s| s.key == k)) {
            Some(s) => ("", None, FormValues::of(s), true),
            None => ("", None, FormValues::empty(), false),
        },
    };
    let done = problem.is_none() && ctx.pairs().iter().any(|(k, _)| k == "done");
    let tpl = AnswerTpl {
        layout: ctx.layout(format!("{} — {}", survey.year, w.t("ag.title")), Section::Desk),
        w,
        hostings: options(Hosting::ALL, Hosting::as_str, Hosting::label_ko, Hosting::label_en, w),
        targets: options(TargetType::ALL, TargetType::as_str, TargetType::label_ko, TargetType::label_en, w),
        changes: options(Change::ALL, Change::as_str, Change::label_ko, Change::label_en, w),
        reasons: options(NoPlanReason::ALL, NoPlanReason::as_str, NoPlanReason::label_ko, NoPlanReason::label_en, w),
        survey,
        r,
        f,
        editing,
        done,
        problem,
        problem_form,
    };
    ctx.render(status, &tpl)
}

pub async fn answer(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let p = match answerer(&ctx) {
        Ok(p) => p,
        Err(r) => return r,
    };
    render(&state, &ctx, p, &id, StatusCode::OK, None).await
}

fn number(raw: &str) -> Value {
    let t: String = raw.chars().filter(|c| !matches!(c, ',' | ' ' | '_')).collect();
    if t.is_empty() {
        return Value::Null;
    }
    t.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::from(raw.trim()))
}

fn text_or_null(raw: &str) -> Value {
    if raw.trim().is_empty() { Value::Null } else { Value::from(raw.trim()) }
}

/// Saves one system from the form (created or replaced by its key).
pub async fn save(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let p = match answerer(&ctx) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let functions: Vec<&str> = form.get("functions").split([',', ';', '\n']).collect();
    let body = json!({
        "name": form.get("name"),
        "current_hosting": text_or_null(form.get("current_hosting")),
        "planned_year": number(form.get("planned_year")),
        "target_type": text_or_null(form.get("target_type")),
        "change": text_or_null(form.get("change")),
        "functions": functions,
        "budget_krw": number(form.get("budget_krw")),
        "no_plan_reason": text_or_null(form.get("no_plan_reason")),
    });
    let key = form.get("key").trim().to_owned();
    let done = response::put_system(&state, p, &id, &key, &body, request_id(&headers)).await.map_err(AppError::from);
    match done {
        Ok(_) => see_other(&format!("/agency/forecast/{id}?done=1#systems-title")),
        Err(e) if !stays_on_form(&e) && e.code != crate::error::Code::InvalidId => ctx.error(&e),
        Err(e) => {
            let mut problem = Problem::new(ctx.lang, &e);
            if e.code == crate::error::Code::InvalidId {
                problem.field = "key".into();
            }
            render(&state, &ctx, p, &id, e.status, Some(("system", problem, FormValues::from_form(&form)))).await
        }
    }
}

/// Deletes one system.
pub async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((id, key)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let p = match answerer(&ctx) {
        Ok(p) => p,
        Err(r) => return r,
    };
    if let Err(r) = posted(&ctx, &headers, &body) {
        return r;
    }
    match response::delete_system(&state, p, &id, &key, request_id(&headers)).await.map_err(AppError::from) {
        Ok(()) => see_other(&format!("/agency/forecast/{id}?done=1#systems-title")),
        Err(e) if !stays_on_form(&e) => ctx.error(&e),
        Err(e) => render(&state, &ctx, p, &id, e.status, Some(("submit", Problem::new(ctx.lang, &e), FormValues::empty()))).await,
    }
}

/// Submits the response.
pub async fn submit(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let p = match answerer(&ctx) {
        Ok(p) => p,
        Err(r) => return r,
    };
    if let Err(r) = posted(&ctx, &headers, &body) {
        return r;
    }
    match response::submit(&state, p, &id, request_id(&headers)).await.map_err(AppError::from) {
        Ok(_) => see_other(&format!("/agency/forecast/{id}?done=1")),
        Err(e) if !stays_on_form(&e) => ctx.error(&e),
        Err(e) => render(&state, &ctx, p, &id, e.status, Some(("submit", Problem::new(ctx.lang, &e), FormValues::empty()))).await,
    }
}

/// The CSV upload (`multipart/form-data`: `file`, and the CSRF field inside the body).
pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let p = match answerer(&ctx) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let up = match mp.map_err(not_multipart) {
        Ok(mp) => read_upload(mp).await,
        Err(e) => Err(e),
    };
    let up = match up {
        Ok(up) => up,
        Err(e) => return ctx.error(&e),
    };
    if let Err(r) = check_csrf(&ctx, &headers, up.fields.get(crate::auth::CSRF_FIELD).map(String::as_str)) {
        return r;
    }
    let outcome = match up.file {
        None => Err(AppError::new(crate::error::Code::FileRequired, "attach the CSV file in the field `file`")),
        Some((_, bytes)) => response::upload_csv(&state, p, &id, &bytes, request_id(&headers)).await.map_err(AppError::from),
    };
    match outcome {
        Ok(_) => see_other(&format!("/agency/forecast/{id}?done=1#systems-title")),
        Err(e) if !stays_on_form(&e) => ctx.error(&e),
        Err(e) => render(&state, &ctx, p, &id, e.status, Some(("upload", Problem::new(ctx.lang, &e), FormValues::empty()))).await,
    }
}

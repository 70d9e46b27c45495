//! The operator's committee pages: the rounds (list, create, one round with its applications
//! and votes, close) and the review settings.

use super::application::{AppRow, app_row};
use super::{Problem, Seat, status_badge};
use crate::auth::{OPERATOR, request_id};
use crate::error::AppError;
use crate::pages::desk::words::{Words, doc_label};
use crate::pages::desk::{Desk, desk, done_notice, posted, see_other};
use crate::pages::form::FormData;
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gureum_app::review::{self, ApplicationDetail};
use gureum_domain::clock::seoul_minute;
use gureum_domain::review::{ApplicationStatus, BUILTIN_DOC_TYPES, ReviewSettings, RoundStatus};
use gureum_storage::Round;
use serde_json::{Map, Value, json};

fn round_status(w: Words, s: RoundStatus) -> (&'static str, &'static str) {
    match s {
        RoundStatus::Open => (w.t("rv.rounds.open"), "primary"),
        RoundStatus::Closed => (w.t("rv.rounds.closed"), "gray"),
    }
}

pub struct RoundRow {
    pub href: String,
    pub name: String,
    pub meets_on: String,
    pub status: (&'static str, &'static str),
    pub apps: usize,
}

#[derive(Template)]
#[template(path = "review/rounds.html")]
struct RoundsTpl {
    layout: Layout,
    w: Words,
    csrf: String,
    rows: Vec<RoundRow>,
    name: String,
    meets_on: String,
    notice: Option<&'static str>,
    problem: Option<Problem>,
}

async fn render_rounds(state: &AppState, ctx: &Ctx, d: &Desk, status: StatusCode, refused: Option<(AppError, FormData)>) -> Response {
    let w = Words(ctx.lang);
    let built =
        async { Ok::<_, gureum_app::Error>((review::rounds(state, &d.p).await?, review::applications(state, &d.p, None, None).await?)) };
    let (rounds, apps) = match built.await {
        Ok(x) => x,
        Err(e) => return ctx.error(&e.into()),
    };
    let (posted, problem) = match refused {
        Some((e, f)) => (f, Some(Problem::new(ctx, "round", &e, |_| None))),
        None => (FormData::default(), None),
    };
    let tpl = RoundsTpl {
        layout: ctx.layout(w.t("rv.rounds.title"), Section::Desk),
        w,
        csrf: d.csrf.clone(),
        rows: rounds
            .iter()
            .map(|r| RoundRow {
                href: format!("/operator/rounds/{}", r.id),
                name: r.name.clone(),
                meets_on: r.meets_on.clone(),
                status: round_status(w, r.status),
                apps: apps.iter().filter(|a| a.application.round_id.as_deref() == Some(r.id.as_str())).count(),
            })
            .collect(),
        name: posted.get("name").to_owned(),
        meets_on: posted.get("meets_on").to_owned(),
        notice: if problem.is_none() { done_notice(ctx) } else { None },
        problem,
    };
    ctx.render(status, &tpl)
}

pub async fn rounds(State(state): State<AppState>, ctx: Ctx) -> Response {
    match desk(&ctx, OPERATOR) {
        Ok(d) => render_rounds(&state, &ctx, &d, StatusCode::OK, None).await,
        Err(r) => r,
    }
}

pub async fn create_round(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, body: Bytes) -> Response {
    let d = match desk(&ctx, OPERATOR) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match review::create_round(&state, &d.p, Some(form.get("name")), Some(form.get("meets_on")), request_id(&headers))
        .await
        .map_err(AppError::from)
    {
        Ok(r) => see_other(&format!("/operator/rounds/{}?done=round_created", r.id)),
        Err(e) => render_rounds(&state, &ctx, &d, e.status, Some((e, form))).await,
    }
}

/// One application of a round: its row and who voted.
pub struct RoundApp {
    pub row: AppRow,
    pub status: (&'static str, &'static str),
    pub reviewers: String,
}

#[derive(Template)]
#[template(path = "review/round.html")]
struct RoundTpl {
    layout: Layout,
    w: Words,
    csrf: String,
    heading: String,
    id: String,
    name: String,
    meets_on: String,
    status: (&'static str, &'static str),
    closed_at: Option<String>,
    quorum: u32,
    apps: Vec<RoundApp>,
    can_close: bool,
    notice: Option<&'static str>,
    problem: Option<Problem>,
}

fn reviewers_label(d: &ApplicationDetail) -> String {
    let names: Vec<String> = d.reviewers.iter().flatten().filter(|r| r.recused_at.is_none()).map(|r| r.name.clone()).collect();
    if names.is_empty() { "-".into() } else { names.join(", ") }
}

async fn render_round(state: &AppState, ctx: &Ctx, d: &Desk, id: &str, status: StatusCode, refused: Option<AppError>) -> Response {
    let w = Words(ctx.lang);
    let built = async {
        let round: Round = review::round(state, &d.p, id).await?;
        let apps = review::applications(state, &d.p, None, Some(round.id.as_str())).await?;
        Ok::<_, gureum_app::Error>((round, apps, review::settings(state).await?.quorum))
    };
    let (round, apps, quorum) = match built.await {
        Ok(x) => x,
        Err(e) => return ctx.error(&e.into()),
    };
    let problem = refused.map(|e| {
        let name = |aid: &str| {
            apps.iter().find(|a| a.application.id == aid).map(|a| format!("{} ({})", a.application.service_name, a.application.code))
        };
        Problem::new(ctx, "close", &e, name)
    });
    let rounds = [round.clone()];
    let heading = w.t("rv.round.title").replace("{name}", &round.name);
    let tpl = RoundTpl {
        layout: ctx.layout(heading.clone(), Section::Desk),
        w,
        csrf: d.csrf.clone(),
        heading,
        id: round.id.clone(),
        name: round.name.clone(),
        meets_on: round.meets_on.clone(),
        status: round_status(w, round.status),
        closed_at: round.closed_at.map(seoul_minute),
        quorum,
        apps: apps
            .iter()
            .map(|a| RoundApp {
                row: app_row(Seat::Operator.base(), a, &rounds, quorum, w),
                status: status_badge(w, a.application.status),
                reviewers: reviewers_label(a),
            })
            .collect(),
        can_close: round.status == RoundStatus::Open,
        notice: if problem.is_none() { done_notice(ctx) } else { None },
        problem,
    };
    ctx.render(status, &tpl)
}

pub async fn round(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match desk(&ctx, OPERATOR) {
        Ok(d) => render_round(&state, &ctx, &d, &id, StatusCode::OK, None).await,
        Err(r) => r,
    }
}

pub async fn close_round(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let d = match desk(&ctx, OPERATOR) {
        Ok(d) => d,
        Err(r) => return r,
    };
    if let Err(r) = posted(&ctx, &headers, &body) {
        return r;
    }
    match review::close_round(&state, &d.p, &id, request_id(&headers)).await.map_err(AppError::from) {
        Ok(r) => see_other(&format!("/operator/rounds/{}?done=closed", r.round.id)),
        Err(e) if e.status == StatusCode::NOT_FOUND || e.status == StatusCode::BAD_REQUEST => ctx.error(&e),
        Err(e) => render_round(&state, &ctx, &d, &id, e.status, Some(e)).await,
    }
}

/// One document type of the settings' checkboxes.
pub struct DocChoice {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// One step's target field.
pub struct TargetField {
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
    pub invalid: bool,
}

#[derive(Template)]
#[template(path = "review/settings.html")]
struct SettingsTpl {
    layout: Layout,
    w: Words,
    csrf: String,
    docs: Vec<DocChoice>,
    extra: String,
    quorum: String,
    years: String,
    targets: Vec<TargetField>,
    notice: Option<&'static str>,
    problem: Option<Problem>,
}

impl SettingsTpl {
    /// Whether the refusal names this field.
    fn bad(&self, field: &str) -> bool {
        self.problem.as_ref().is_some_and(|p| p.names_field(field))
    }
}

/// The steps that have a target.
fn target_steps() -> impl Iterator<Item = ApplicationStatus> {
    ApplicationStatus::ALL.into_iter().filter(|s| s.has_target())
}

/// The settings form as the API's body; a field that does not read as a number is sent as text
/// so that the use case names it.
fn settings_body(form: &FormData) -> Value {
    let number = |s: &str| -> Value { s.trim().parse::<u64>().map(Value::from).unwrap_or_else(|_| Value::from(s.trim())) };
    let mut docs: Vec<String> = form.all("doc").into_iter().map(str::to_owned).collect();
    for t in form.get("extra_docs").split([',', ' ', '\n']).map(str::trim).filter(|t| !t.is_empty()) {
        if !docs.iter().any(|d| d == t) {
            docs.push(t.to_owned());
        }
    }
    let targets: Map<String, Value> =
        target_steps().map(|s| (s.as_str().to_owned(), number(form.get(&format!("target_{}", s.as_str()))))).collect();
    json!({"required_documents": docs, "quorum": number(form.get("quorum")), "selection_years": number(form.get("selection_years")), "targets": targets})
}

fn render_settings(ctx: &Ctx, d: &Desk, current: &ReviewSettings, status: StatusCode, refused: Option<(AppError, FormData)>) -> Response {
    let w = Words(ctx.lang);
    let (form, problem) = match refused {
        Some((e, f)) => (Some(f), Some(Problem::new(ctx, "settings", &e, |_| None))),
        None => (None, None),
    };
    // The values shown: what was posted when it was refused, else the settings in force.
    let chosen: Vec<String> = match &form {
        Some(f) => f.all("doc").into_iter().map(str::to_owned).collect(),
        None => current.required_documents.clone(),
    };
    let mut types: Vec<String> = BUILTIN_DOC_TYPES.iter().map(|t| (*t).to_owned()).collect();
    let extra: Vec<String> = current.required_documents.iter().filter(|t| !types.contains(t)).cloned().collect();
    types.extend(extra.iter().cloned());
    let value = |name: &str, now: String| form.as_ref().map(|f| f.get(name).to_owned()).unwrap_or(now);
    let tpl = SettingsTpl {
        layout: ctx.layout(w.t("rv.settings.title"), Section::Desk),
        w,
        csrf: d.csrf.clone(),
        docs: types.iter().map(|t| DocChoice { value: t.clone(), label: doc_label(w, t), checked: chosen.contains(t) }).collect(),
        extra: form.as_ref().map(|f| f.get("extra_docs").to_owned()).unwrap_or_default(),
        quorum: value("quorum", current.quorum.to_string()),
        years: value("selection_years", current.selection_years.to_string()),
        targets: target_steps()
            .map(|s| TargetField {
                key: s.as_str(),
                label: w.0.pick(s.label_ko(), s.label_en()),
                value: value(&format!("target_{}", s.as_str()), current.target(s).map(|t| t.to_string()).unwrap_or_default()),
                invalid: problem.as_ref().is_some_and(|p| p.names_field(&format!("targets.{}", s.as_str()))),
            })
            .collect(),
        notice: if problem.is_none() { done_notice(ctx) } else { None },
        problem,
    };
    ctx.render(status, &tpl)
}

pub async fn settings(State(state): State<AppState>, ctx: Ctx) -> Response {
    let d = match desk(&ctx, OPERATOR) {
        Ok(d) => d,
        Err(r) => return r,
    };
    match review::settings(&state).await {
        Ok(s) => render_settings(&ctx, &d, &s, StatusCode::OK, None),
        Err(e) => ctx.error(&e.into()),
    }
}

pub async fn save_settings(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, body: Bytes) -> Response {
    let d = match desk(&ctx, OPERATOR) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match review::put_settings(&state, &d.p, &settings_body(&form), request_id(&headers)).await.map_err(AppError::from) {
        Ok(_) => see_other("/operator/settings/review?done=settings"),
        Err(e) => match review::settings(&state).await {
            Ok(current) => render_settings(&ctx, &d, &current, e.status, Some((e, form))),
            Err(e) => ctx.error(&e.into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_settings_form_reads_as_the_api_body() {
        let f = FormData::parse(
            "doc=sla&doc=price_list&extra_docs=iso_27001,+sla&quorum=3&selection_years=x&target_received=7&target_assigned=&target_in_review=10&target_supplement_requested=10"
                .as_bytes(),
        );
        let v = settings_body(&f);
        assert_eq!(v["required_documents"], json!(["sla", "price_list", "iso_27001"]));
        assert_eq!(v["quorum"], json!(3));
        assert_eq!(v["selection_years"], json!("x"), "named by the use case");
        assert_eq!(v["targets"]["received"], json!(7));
        assert_eq!(v["targets"]["assigned"], json!(""));
    }
}

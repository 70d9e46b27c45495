//! `/incidents` (the caller's incidents, a form to record one for the supplier and for agencies
//! holding a contract) and `/incidents/{id}` (one incident, its resolve form for the supplier
//! or the reporter). Read and changed only through `gureum_app::usage::incidents`; forms work
//! without JavaScript (the times are Asia/Seoul `datetime-local` values).

use crate::auth::{Principal, Rule, request_id};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::desk::{posted, see_other};
use crate::pages::form::require;
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use gureum_app::usage::incidents::{self, IncidentView};
use gureum_domain::clock::seoul_minute;
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/incidents", get(list).post(create))
        .route("/incidents/{id}", get(detail))
        .route("/incidents/{id}/resolve", post(resolve))
        .route("/incidents/{id}/confirm", post(confirm))
        .route("/incidents/{id}/contest", post(contest))
}

/// The words of the incident pages, Korean first.
#[derive(Debug, Clone, Copy)]
pub struct W(pub Lang);

impl W {
    pub fn t(&self, key: &str) -> &'static str {
        let (ko, en) = match key {
            "title" => ("장애 이력", "Incidents"),
            "intro" => (
                "사전 공지 없는 10분 이상의 장애는 서비스를 이용하는 모든 기관에 알림과 전자우편으로 알려집니다. 사전 공지된 점검은 가용성 계산에 들어가지 않습니다.",
                "An unannounced outage of 10 minutes or more is told to every agency using the service, in the app and by e-mail. Announced maintenance does not count against availability.",
            ),
            "none" => ("기록된 장애가 없습니다.", "No incidents recorded."),
            "caption" => ("장애 목록 (최근 시작 순)", "Incidents, latest start first"),
            "col.service" => ("서비스", "Service"),
            "col.started" => ("시작 (KST)", "Started (KST)"),
            "col.ended" => ("종료 (KST)", "Ended (KST)"),
            "col.minutes" => ("시간(분)", "Minutes"),
            "col.kind" => ("구분", "Kind"),
            "col.notified" => ("이용기관 통보", "Agencies told"),
            "ongoing" => ("진행 중", "Ongoing"),
            "announced" => ("사전 공지 점검", "Announced maintenance"),
            "unannounced" => ("장애", "Outage"),
            "yes" => ("통보함", "Told"),
            "no" => ("-", "-"),
            "new" => ("장애 기록", "Record an incident"),
            "f.service" => ("서비스", "Service"),
            "f.started" => ("시작 일시 (KST)", "Start (KST)"),
            "f.ended" => ("종료 일시 (KST)", "End (KST)"),
            "f.ended.hint" => ("아직 진행 중이면 비워 두십시오.", "Leave empty while it goes on."),
            "f.announced" => (
                "사전 공지하는 점검입니다 (공급자만, 시작 전에 기록)",
                "Maintenance announced ahead (the supplier only, recorded before it starts)",
            ),
            "confirmation" => ("SLA 반영", "Counts for the SLA"),
            "c.confirmed" => ("확인됨 — 모든 이용기관의 SLA에 반영", "Confirmed — counts for every agency"),
            "c.pending" => ("공급자 확인 대기 — 신고 기관의 계약에만 반영", "Awaiting the supplier — counts for the reporting agency only"),
            "c.contested" => ("공급자 이의 — 반영하지 않음", "Contested by the supplier — counts for none"),
            "contest_reason" => ("이의 사유", "Why contested"),
            "answer" => ("기관 신고에 대한 답변", "Answer the agency's report"),
            "answer.intro" => (
                "확인하면 모든 이용기관의 가용성과 다음 청구서의 SLA 감액에 반영됩니다. 이의를 제기하면 반영되지 않으며, 기관은 청구서에 이의를 제기할 수 있습니다.",
                "Confirmed, it counts against every agency's availability and the next invoice's SLA credit. Contested, it counts for none, and the agency may dispute the invoice.",
            ),
            "confirm.submit" => ("장애 확인", "Confirm the outage"),
            "contest.reason" => ("이의 사유", "Reason"),
            "contest.submit" => ("이의 제기", "Contest"),
            "f.description" => ("내용", "Description"),
            "f.description.hint" => ("2,000자 이내", "At most 2,000 characters"),
            "submit" => ("기록", "Record"),
            "error" => ("처리하지 못했습니다", "This could not be done"),
            "done" => ("처리되었습니다.", "Done."),
            "detail" => ("장애", "Incident"),
            "reporter" => ("기록한 기관", "Recorded by"),
            "resolve" => ("종료 처리", "Resolve"),
            "resolve.submit" => ("종료 처리", "Resolve"),
            "created" => ("기록 일시 (KST)", "Recorded (KST)"),
            "notified_at" => ("이용기관 통보 (KST)", "Agencies told (KST)"),
            "back" => ("장애 이력으로", "Back to incidents"),
            "open_only" => ("진행 중인 장애만", "Ongoing only"),
            "filter" => ("보기", "Show"),
            _ => ("", ""),
        };
        self.0.pick(ko, en)
    }
}

/// An incident as a table row or a detail page shows it.
pub struct Row {
    pub id: String,
    pub service: String,
    pub service_href: String,
    pub started: String,
    pub ended: String,
    pub open: bool,
    pub minutes: i64,
    pub kind: &'static str,
    pub announced: bool,
    pub notified: String,
    pub description: String,
    pub created: String,
    pub confirmation: &'static str,
    pub contest_reason: String,
}

fn at(rfc: &str) -> String {
    time::OffsetDateTime::parse(rfc, &time::format_description::well_known::Rfc3339)
        .map(|t| seoul_minute(gureum_domain::clock::to_micros(t)))
        .unwrap_or_else(|_| rfc.to_owned())
}

fn row(w: W, i: &IncidentView) -> Row {
    Row {
        id: i.id.clone(),
        service: i.service_name.clone(),
        service_href: format!("/services/{}", i.service_id),
        started: at(&i.started_at),
        ended: i.ended_at.as_deref().map(at).unwrap_or_else(|| w.t("ongoing").to_owned()),
        open: i.open,
        minutes: i.minutes,
        kind: w.t(if i.announced { "announced" } else { "unannounced" }),
        announced: i.announced,
        notified: i.notified_at.as_deref().map(at).unwrap_or_else(|| w.t("no").to_owned()),
        description: i.description.clone(),
        created: at(&i.created_at),
        confirmation: w.t(match i.confirmation.as_str() {
            "pending" => "c.pending",
            "contested" => "c.contested",
            _ => "c.confirmed",
        }),
        contest_reason: i.contest_reason.clone().unwrap_or_default(),
    }
}

/// A refused form: the message in the reader's language, its code and the field it names.
pub struct Problem {
    pub message: String,
    pub detail: String,
    pub code: &'static str,
}

impl Problem {
    pub fn new(lang: Lang, e: &AppError) -> Self {
        Self { message: lang.error_message(e.code).to_owned(), detail: e.message.clone(), code: e.code.as_str() }
    }
}

/// What the record form held.
#[derive(Default)]
pub struct Draft {
    pub service_id: String,
    pub started: String,
    pub ended: String,
    pub announced: bool,
    pub description: String,
}

#[derive(Template)]
#[template(path = "usage/incidents.html")]
struct ListTpl {
    layout: Layout,
    w: W,
    rows: Vec<Row>,
    open_only: bool,
    services: Vec<(String, String)>,
    draft: Draft,
    problem: Option<Problem>,
}

#[derive(Template)]
#[template(path = "usage/incident.html")]
struct DetailTpl {
    layout: Layout,
    w: W,
    r: Row,
    reporter: String,
    can_resolve: bool,
    can_answer: bool,
    done: bool,
    ended: String,
    problem: Option<Problem>,
}

async fn render_list(state: &AppState, ctx: &Ctx, p: &Principal, status: StatusCode, draft: Draft, problem: Option<Problem>) -> Response {
    let w = W(ctx.lang);
    if !incidents::may_list(p) {
        return ctx.error(&AppError::from(gureum_app::Error::forbidden()));
    }
    let open_only = ctx.pairs().iter().any(|(k, v)| k == "open" && v == "true");
    let list = match incidents::list(state, p, None, open_only.then_some("true")).await {
        Ok(l) => l,
        Err(e) => return ctx.error(&e.into()),
    };
    let services = match incidents::reportable_services(state, p).await {
        Ok(s) => s,
        Err(e) => return ctx.error(&e.into()),
    };
    let tpl = ListTpl {
        layout: ctx.layout(w.t("title"), Section::Desk),
        w,
        rows: list.iter().map(|i| row(w, i)).collect(),
        open_only,
        services,
        draft,
        problem,
    };
    ctx.render(status, &tpl)
}

async fn list(State(state): State<AppState>, ctx: Ctx) -> Response {
    match require(&ctx, Rule::Authenticated) {
        Ok(p) => render_list(&state, &ctx, p, StatusCode::OK, Draft::default(), None).await,
        Err(r) => r,
    }
}

/// A `datetime-local` value (Asia/Seoul, `2026-11-23T08:30`) as RFC 3339; other text as given
/// (so that the use case refuses it by name).
fn seoul_instant(v: &str) -> Value {
    let v = v.trim();
    if v.is_empty() {
        return Value::Null;
    }
    let with_seconds = if v.len() == 16 { format!("{v}:00") } else { v.to_owned() };
    if with_seconds.len() == 19 && !with_seconds.contains('+') && !with_seconds.ends_with('Z') {
        json!(format!("{with_seconds}+09:00"))
    } else {
        json!(v)
    }
}

async fn create(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, body: Bytes) -> Response {
    let p = match require(&ctx, Rule::Authenticated) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let draft = Draft {
        service_id: form.get("service_id").to_owned(),
        started: form.get("started_at").to_owned(),
        ended: form.get("ended_at").to_owned(),
        announced: form.checked("announced"),
        description: form.get("description").to_owned(),
    };
    let body = json!({
        "service_id": draft.service_id,
        "started_at": seoul_instant(&draft.started),
        "ended_at": seoul_instant(&draft.ended),
        "announced": draft.announced,
        "description": draft.description,
    });
    match incidents::create(&state, p, &body, request_id(&headers)).await.map_err(AppError::from) {
        Ok(i) => see_other(&format!("/incidents/{}?done=1", i.id)),
        Err(e) => {
            let problem = Problem::new(ctx.lang, &e);
            render_list(&state, &ctx, p, e.status, draft, Some(problem)).await
        }
    }
}

async fn render_detail(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    id: &str,
    status: StatusCode,
    ended: String,
    problem: Option<Problem>,
) -> Response {
    let w = W(ctx.lang);
    let i = match incidents::get(state, p, id).await {
        Ok(i) => i,
        Err(e) => return ctx.error(&e.into()),
    };
    let reporter = match state.db().organisation(&i.reporter_org_id).await {
        Ok(o) => o.map(|o| o.name).unwrap_or_default(),
        Err(e) => return ctx.error(&AppError::from(gureum_app::Error::from(e))),
    };
    let tpl = DetailTpl {
        layout: ctx.layout(format!("{} — {}", w.t("detail"), i.service_name), Section::Desk),
        w,
        can_resolve: incidents::may_resolve(p, &i),
        can_answer: incidents::may_answer(p, &i),
        r: row(w, &i),
        reporter,
        done: problem.is_none() && ctx.pairs().iter().any(|(k, _)| k == "done"),
        ended,
        problem,
    };
    ctx.render(status, &tpl)
}

async fn detail(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match require(&ctx, Rule::Authenticated) {
        Ok(p) => render_detail(&state, &ctx, p, &id, StatusCode::OK, String::new(), None).await,
        Err(r) => r,
    }
}

async fn resolve(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let p = match require(&ctx, Rule::Authenticated) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let ended = form.get("ended_at").to_owned();
    let body = json!({"ended_at": seoul_instant(&ended)});
    match incidents::resolve(&state, p, &id, &body, request_id(&headers)).await.map_err(AppError::from) {
        Ok(_) => see_other(&format!("/incidents/{id}?done=1")),
        Err(e) if e.status == StatusCode::NOT_FOUND || e.status == StatusCode::BAD_REQUEST && e.code == gureum_app::Code::InvalidId => {
            ctx.error(&e)
        }
        Err(e) => {
            let problem = Problem::new(ctx.lang, &e);
            render_detail(&state, &ctx, p, &id, e.status, ended, Some(problem)).await
        }
    }
}

async fn confirm(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    answer(state, ctx, headers, id, body, true).await
}

async fn contest(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    answer(state, ctx, headers, id, body, false).await
}

/// The supplier's answer to an agency's report, from the detail page's forms.
async fn answer(state: AppState, ctx: Ctx, headers: HeaderMap, id: String, body: Bytes, confirm: bool) -> Response {
    let p = match require(&ctx, Rule::Authenticated) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let body = json!({"reason": form.get("reason")});
    match incidents::answer(&state, p, &id, confirm, &body, request_id(&headers)).await.map_err(AppError::from) {
        Ok(_) => see_other(&format!("/incidents/{id}?done=1")),
        Err(e) if e.status == StatusCode::NOT_FOUND || e.status == StatusCode::BAD_REQUEST && e.code == gureum_app::Code::InvalidId => {
            ctx.error(&e)
        }
        Err(e) => {
            let problem = Problem::new(ctx.lang, &e);
            render_detail(&state, &ctx, p, &id, e.status, String::new(), Some(problem)).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_times_are_seoul() {
        assert_eq!(seoul_instant("2026-11-23T08:30"), json!("2026-11-23T08:30:00+09:00"));
        assert_eq!(seoul_instant("2026-11-23T08:30:15"), json!("2026-11-23T08:30:15+09:00"));
        assert_eq!(seoul_instant(" "), Value::Null);
        assert_eq!(seoul_instant("어제"), json!("어제"));
        assert_eq!(seoul_instant("2026-11-23T08:30:00Z"), json!("2026-11-23T08:30:00Z"));
    }

    #[test]
    fn every_word_has_both_languages() {
        for key in ["title", "intro", "new", "submit", "resolve", "ongoing", "announced"] {
            assert!(!W(Lang::Ko).t(key).is_empty() && !W(Lang::En).t(key).is_empty(), "{key}");
        }
    }
}

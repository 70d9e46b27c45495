//! The buyer's procurement projects (구매 사업, SPEC §4 "Buying"): the agency's list and a new
//! project's form; one project with its searches, the long list with a checkbox a service to set
//! the short list, the link to compare it, the choice with its reason (which freezes the decision
//! record), and a quote request a short-listed or chosen service. Everything goes through
//! `gureum_app::buying::{projects, quotes}`.

use super::words::{Problem, W, done_notice, grade_words, seoul, status_badge};
use crate::auth::request_id;
use crate::error::AppError;
use crate::pages::desk::{Desk, desk, posted, see_other};
use crate::pages::form::FormData;
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use gureum_app::buying::projects::{self, ProjectView};
use gureum_app::buying::{self, AGENCY_READERS};
use gureum_domain::ServiceKind;
use gureum_domain::account::Role;
use gureum_domain::cert::CsapGrade;
use gureum_domain::clock::format_date;
use serde_json::{Map, Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/buyer/projects", get(list).post(create))
        .route("/buyer/projects/{id}", get(show))
        .route("/buyer/projects/{id}/search", post(search))
        .route("/buyer/projects/{id}/shortlist", post(shortlist))
        .route("/buyer/projects/{id}/decision", post(decide))
        .route("/buyer/projects/{id}/quote-request", post(quote_request))
}

/// One option of a select or a checkbox group.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

fn grade_opts(w: W, chosen: &str) -> Vec<Opt> {
    [CsapGrade::High, CsapGrade::Medium, CsapGrade::Low]
        .into_iter()
        .map(|g| Opt { value: g.as_str().into(), label: format!("CSAP {}", w.0.grade(g)), checked: chosen == g.as_str() })
        .collect()
}

pub struct ProjectRow {
    pub id: String,
    pub title: String,
    pub grade: String,
    pub status: (String, &'static str),
    pub created: String,
    pub searches: usize,
}

#[derive(Template)]
#[template(path = "buyer/projects.html")]
struct ListTpl {
    layout: Layout,
    w: W,
    rows: Vec<ProjectRow>,
    can_create: bool,
    title: String,
    grades: Vec<Opt>,
    notice: Option<&'static str>,
    problem: Option<Problem>,
}

async fn render_list(state: &AppState, ctx: &Ctx, d: &Desk, status: StatusCode, problem: Option<Problem>, form: &FormData) -> Response {
    let w = W(ctx.lang);
    let list = match projects::list(state, &d.p).await {
        Ok(l) => l,
        Err(e) => return ctx.error(&e.into()),
    };
    let tpl = ListTpl {
        layout: ctx.layout(w.t("by.projects.title"), Section::Desk),
        w,
        rows: list
            .iter()
            .map(|p| ProjectRow {
                id: p.id.clone(),
                title: p.title.clone(),
                grade: grade_words(w, p.required_grade.as_deref()),
                status: status_badge(w, &p.status),
                created: seoul(&p.created_at),
                searches: p.searches.len(),
            })
            .collect(),
        can_create: d.p.has_role(Role::Buyer),
        title: form.get("title").to_owned(),
        grades: grade_opts(w, form.get("required_grade")),
        notice: if problem.is_none() { done_notice(ctx) } else { None },
        problem,
    };
    ctx.render(status, &tpl)
}

async fn list(State(state): State<AppState>, ctx: Ctx) -> Response {
    match desk(&ctx, AGENCY_READERS) {
        Ok(d) => render_list(&state, &ctx, &d, StatusCode::OK, None, &FormData::default()).await,
        Err(r) => r,
    }
}

async fn create(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, body: Bytes) -> Response {
    let d = match desk(&ctx, AGENCY_READERS) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let grade = Some(form.get("required_grade")).filter(|g| !g.is_empty());
    let input = json!({"title": form.get("title"), "required_grade": grade});
    match projects::create(&state, &d.p, &input, request_id(&headers)).await.map_err(AppError::from) {
        Ok(p) => see_other(&format!("/buyer/projects/{}?done=created", p.id)),
        Err(e) => render_list(&state, &ctx, &d, e.status, Some(Problem::new(&ctx, "create", &e)), &form).await,
    }
}

pub struct SearchRow {
    pub seq: i64,
    pub params: String,
    pub at: String,
    pub total: i64,
    pub added: i64,
    pub left_out: i64,
}

/// A long-listed service as the page shows it.
pub struct LongRow {
    pub id: String,
    pub name: String,
    pub code: String,
    pub revision: i64,
    pub supplier: String,
    pub kind: String,
    pub short: bool,
}

/// A short-listed (or chosen) service's quote request form.
pub struct QuoteForm {
    pub n: usize,
    pub service_id: String,
    /// The form's name for a refusal shown on it: `quote-{service id}`.
    pub form_id: String,
    pub heading: String,
    pub plans: Vec<Opt>,
}

#[derive(Template)]
#[template(path = "buyer/project.html")]
struct ProjectTpl {
    layout: Layout,
    w: W,
    id: String,
    title: String,
    grade: String,
    status: (String, &'static str),
    created: String,
    searches: Vec<SearchRow>,
    long: Vec<LongRow>,
    short: Vec<LongRow>,
    compare_href: Option<String>,
    open: bool,
    buyer: bool,
    record_id: Option<String>,
    q: String,
    kinds: Vec<Opt>,
    grades: Vec<Opt>,
    certified: bool,
    quote_forms: Vec<QuoteForm>,
    starts_on: String,
    ends_on: String,
    reason: String,
    notice: Option<&'static str>,
    problem: Option<Problem>,
}

/// A search's parameters in one line: `q=클라우드, kind=saas`.
fn params_line(v: &Value) -> String {
    let Some(o) = v.as_object() else { return String::new() };
    o.iter()
        .map(|(k, v)| {
            let s = match v {
                Value::String(s) => s.clone(),
                Value::Array(a) => {
                    a.iter().map(|x| x.as_str().map(str::to_owned).unwrap_or_else(|| x.to_string())).collect::<Vec<_>>().join("·")
                }
                v => v.to_string(),
            };
            format!("{k}={s}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The compare page's address for 2 to 4 services (`/compare?id=…&id=…`).
fn compare_href(ids: &[String]) -> Option<String> {
    (2..=4).contains(&ids.len()).then(|| format!("/compare?{}", ids.iter().map(|i| format!("id={i}")).collect::<Vec<_>>().join("&")))
}

async fn render_project(
    state: &AppState,
    ctx: &Ctx,
    d: &Desk,
    id: &str,
    status: StatusCode,
    problem: Option<Problem>,
    form: &FormData,
) -> Response {
    let w = W(ctx.lang);
    let p: ProjectView = match projects::get(state, &d.p, id).await {
        Ok(p) => p,
        Err(e) => return ctx.error(&e.into()),
    };
    let mut long = Vec::new();
    let mut plans_of = std::collections::HashMap::new();
    for s in &p.long_list {
        let rec = buying::service(state, &s.service_id).await.ok();
        let (name, supplier, kind) = match &rec {
            Some(r) => (r.listing.name.clone(), r.supplier.name.clone(), w.0.kind(r.listing.kind).to_owned()),
            None => (s.code.clone(), String::new(), String::new()),
        };
        if let Some(r) = rec {
            let plans: Vec<Opt> = r
                .listing
                .price_plans
                .iter()
                .map(|pl| Opt {
                    value: pl.name.clone(),
                    label: format!("{} — {} / {}", pl.name, w.won(pl.unit_price_krw.won()), pl.unit),
                    checked: false,
                })
                .collect();
            plans_of.insert(s.service_id.clone(), plans);
        }
        long.push(LongRow {
            id: s.service_id.clone(),
            name,
            code: s.code.clone(),
            revision: s.revision,
            supplier,
            kind,
            short: p.short_list.contains(&s.service_id),
        });
    }
    let short: Vec<LongRow> = p
        .short_list
        .iter()
        .filter_map(|sid| long.iter().find(|l| &l.id == sid))
        .map(|l| LongRow {
            id: l.id.clone(),
            name: l.name.clone(),
            code: l.code.clone(),
            revision: l.revision,
            supplier: l.supplier.clone(),
            kind: l.kind.clone(),
            short: true,
        })
        .collect();
    // quote requests: for the chosen services once decided, else for the short list
    let mut quotable: Vec<String> = p.short_list.clone();
    if let Some(rid) = &p.decision_record_id
        && let Ok(rec) = projects::record(state, &d.p, rid).await
    {
        quotable = rec["chosen"].as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()).unwrap_or_default();
    }
    let quote_forms = quotable
        .iter()
        .enumerate()
        .map(|(n, sid)| {
            let name = long.iter().find(|l| &l.id == sid).map(|l| l.name.clone()).unwrap_or_else(|| sid.clone());
            let mut plans: Vec<Opt> = plans_of
                .get(sid)
                .map(|v: &Vec<Opt>| v.iter().map(|o| Opt { value: o.value.clone(), label: o.label.clone(), checked: false }).collect())
                .unwrap_or_default();
            if form.get("service_id") == sid
                && let Some(o) = plans.iter_mut().find(|o| o.value == form.get("plan"))
            {
                o.checked = true;
            }
            QuoteForm {
                n,
                service_id: sid.clone(),
                form_id: format!("quote-{sid}"),
                heading: w.t("by.quote.for").replace("{name}", &name),
                plans,
            }
        })
        .collect();
    let today = state.clock().today();
    let or = |key: &str, default: String| {
        let v = form.get(key);
        if v.is_empty() { default } else { v.to_owned() }
    };
    let kinds_checked = form.all("kind");
    let grades_checked = form.all("csap_grade");
    let tpl = ProjectTpl {
        layout: ctx.layout(format!("{} — {}", p.title, w.t("by.projects.title")), Section::Desk),
        w,
        id: p.id.clone(),
        title: p.title.clone(),
        grade: grade_words(w, p.required_grade.as_deref()),
        status: status_badge(w, &p.status),
        created: seoul(&p.created_at),
        searches: p
            .searches
            .iter()
            .map(|s| SearchRow {
                seq: s.seq,
                params: params_line(&s.params),
                at: seoul(&s.searched_at),
                total: s.total,
                added: s.added,
                left_out: s.left_out,
            })
            .collect(),
        compare_href: compare_href(&p.short_list),
        long,
        short,
        open: p.status == "open",
        buyer: d.p.has_role(Role::Buyer),
        record_id: p.decision_record_id.clone(),
        q: form.get("q").to_owned(),
        kinds: ServiceKind::ALL
            .into_iter()
            .map(|k| Opt { value: k.as_str().into(), label: w.0.kind(k).into(), checked: kinds_checked.contains(&k.as_str()) })
            .collect(),
        grades: [CsapGrade::High, CsapGrade::Medium, CsapGrade::Low]
            .into_iter()
            .map(|g| Opt {
                value: g.as_str().into(),
                label: format!("CSAP {}", w.0.grade(g)),
                checked: grades_checked.contains(&g.as_str()),
            })
            .collect(),
        certified: form.checked("certified"),
        quote_forms,
        starts_on: or("starts_on", format_date(today)),
        ends_on: or("ends_on", format_date(today + time::Duration::days(364))),
        reason: form.get("reason").to_owned(),
        notice: if problem.is_none() { done_notice(ctx) } else { None },
        problem,
    };
    ctx.render(status, &tpl)
}

async fn show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match desk(&ctx, AGENCY_READERS) {
        Ok(d) => render_project(&state, &ctx, &d, &id, StatusCode::OK, None, &FormData::default()).await,
        Err(r) => r,
    }
}

/// The steps posted from a project's page.
#[derive(Clone, Copy)]
enum Step {
    Search,
    Shortlist,
    Decide,
    QuoteRequest,
}

impl Step {
    fn form(self) -> &'static str {
        match self {
            Self::Search => "search",
            Self::Shortlist => "shortlist",
            Self::Decide => "decide",
            Self::QuoteRequest => "quote",
        }
    }

    /// The form a refusal is shown on (a quote request's: the service's own form).
    fn form_of(self, form: &FormData) -> String {
        match self {
            Self::QuoteRequest => format!("quote-{}", form.get("service_id")),
            s => s.form().to_owned(),
        }
    }
}

/// The search API's parameters from the search form: `q`, `kind`s, `csap_grade`s and
/// `certified`, with up to 100 results so that the whole answer may join the long list.
fn search_body(form: &FormData) -> Value {
    let mut o = Map::new();
    let q = form.get("q").trim();
    if !q.is_empty() {
        o.insert("q".into(), q.into());
    }
    for key in ["kind", "csap_grade"] {
        let vals: Vec<Value> = form.all(key).into_iter().filter(|v| !v.is_empty()).map(Value::from).collect();
        if !vals.is_empty() {
            o.insert(key.into(), Value::Array(vals));
        }
    }
    if form.checked("certified") {
        o.insert("certified".into(), true.into());
    }
    o.insert("per_page".into(), 100.into());
    Value::Object(o)
}

/// A whole number from a form field, or the text itself (for the use case to refuse).
fn number(s: &str) -> Value {
    s.trim().parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::from(s))
}

fn quote_request_body(project_id: &str, form: &FormData) -> Value {
    let message = Some(form.get("message")).filter(|m| !m.trim().is_empty());
    json!({
        "project_id": project_id,
        "service_id": form.get("service_id"),
        "items": [{"plan": form.get("plan"), "quantity": number(form.get("quantity")), "months": number(form.get("months"))}],
        "starts_on": form.get("starts_on"),
        "ends_on": form.get("ends_on"),
        "message": message,
    })
}

async fn step(state: AppState, ctx: Ctx, headers: HeaderMap, id: String, body: Bytes, step: Step) -> Response {
    let d = match desk(&ctx, AGENCY_READERS) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let rid = request_id(&headers);
    let done: Result<String, gureum_app::error::Error> = match step {
        Step::Search => projects::record_search(&state, &d.p, &id, &search_body(&form), rid)
            .await
            .map(|_| format!("/buyer/projects/{id}?done=searched#long-list")),
        Step::Shortlist => {
            let body = json!({"service_ids": form.all("service_ids")});
            projects::set_shortlist(&state, &d.p, &id, &body, rid)
                .await
                .map(|_| format!("/buyer/projects/{id}?done=shortlisted#short-list"))
        }
        Step::Decide => {
            let body = json!({"chosen_service_ids": form.all("chosen_service_ids"), "reason": form.get("reason")});
            projects::decide(&state, &d.p, &id, &body, rid)
                .await
                .map(|rec| format!("/decision-records/{}", rec["id"].as_str().unwrap_or_default()))
        }
        Step::QuoteRequest => buying::quotes::request(&state, &d.p, &quote_request_body(&id, &form), rid)
            .await
            .map(|r| format!("/quote-requests/{}?done=requested", r.id)),
    };
    match done.map_err(AppError::from) {
        Ok(to) => see_other(&to),
        Err(e) if e.status == StatusCode::NOT_FOUND && e.message.contains("project") => ctx.error(&e),
        Err(e) => render_project(&state, &ctx, &d, &id, e.status, Some(Problem::new(&ctx, &step.form_of(&form), &e)), &form).await,
    }
}

async fn search(State(s): State<AppState>, ctx: Ctx, h: HeaderMap, Path(id): Path<String>, b: Bytes) -> Response {
    step(s, ctx, h, id, b, Step::Search).await
}

async fn shortlist(State(s): State<AppState>, ctx: Ctx, h: HeaderMap, Path(id): Path<String>, b: Bytes) -> Response {
    step(s, ctx, h, id, b, Step::Shortlist).await
}

async fn decide(State(s): State<AppState>, ctx: Ctx, h: HeaderMap, Path(id): Path<String>, b: Bytes) -> Response {
    step(s, ctx, h, id, b, Step::Decide).await
}

async fn quote_request(State(s): State<AppState>, ctx: Ctx, h: HeaderMap, Path(id): Path<String>, b: Bytes) -> Response {
    step(s, ctx, h, id, b, Step::QuoteRequest).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compare_link_takes_two_to_four() {
        let ids = |n: usize| (0..n).map(|i| format!("s{i}")).collect::<Vec<_>>();
        assert_eq!(compare_href(&ids(1)), None);
        assert_eq!(compare_href(&ids(2)).as_deref(), Some("/compare?id=s0&id=s1"));
        assert_eq!(compare_href(&ids(5)), None);
    }

    #[test]
    fn the_search_form_becomes_the_search_apis_parameters() {
        let f = FormData::parse(b"_csrf=x&q=+%ED%81%B4+&kind=saas&kind=iaas&csap_grade=&certified=true");
        assert_eq!(search_body(&f), json!({"q": "클", "kind": ["saas", "iaas"], "certified": true, "per_page": 100}));
        assert_eq!(search_body(&FormData::parse(b"q=")), json!({"per_page": 100}));
        assert_eq!(params_line(&json!({"kind": ["saas", "iaas"], "q": "a"})), "kind=saas·iaas, q=a");
    }

    #[test]
    fn quote_requests_keep_what_is_not_a_number_for_the_use_case_to_refuse() {
        let f = FormData::parse(b"service_id=s&plan=p&quantity=2&months=x&starts_on=2026-11-23&ends_on=2027-11-22&message=");
        let b = quote_request_body("pr", &f);
        assert_eq!(b["items"][0], json!({"plan": "p", "quantity": 2, "months": "x"}));
        assert_eq!(b["message"], Value::Null);
        assert_eq!(b["project_id"], "pr");
    }
}

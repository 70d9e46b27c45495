//! Applications on each desk: the list by step (the operator's filtered by status and round)
//! and one application with the forms its reader may use now.

use super::{Problem, Seat, StepRow, days_label, status_badge, step_rows};
use crate::auth::request_id;
use crate::error::{AppError, Code};
use crate::pages::desk::form::Opt;
use crate::pages::desk::supplier::{DocRow, doc_rows};
use crate::pages::desk::words::Words;
use crate::pages::desk::{Desk, desk, done_notice, posted, see_other};
use crate::pages::form::FormData;
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gureum_app::review::{self, ApplicationDetail};
use gureum_domain::clock::seoul_minute;
use gureum_domain::review::{Action, ApplicationStatus, Criterion, RoundStatus};
use gureum_storage::Round;
use serde_json::{Map, Value, json};

/// One application in a list.
pub struct AppRow {
    pub href: String,
    pub code: String,
    pub name: String,
    pub supplier: String,
    pub round: String,
    pub days: String,
    pub overdue: bool,
    pub received: String,
    /// Votes received against the quorum (operator and reviewers).
    pub votes: String,
}

/// The applications of one step.
pub struct Group {
    pub label: &'static str,
    pub class: &'static str,
    pub caption: String,
    pub rows: Vec<AppRow>,
}

fn round_name(rounds: &[Round], id: Option<&str>) -> String {
    id.and_then(|id| rounds.iter().find(|r| r.id == id)).map(|r| r.name.clone()).unwrap_or_else(|| "-".into())
}

/// Votes from reviewers still assigned, against the quorum: `1 / 2`.
pub(super) fn votes_label(d: &ApplicationDetail, quorum: u32) -> String {
    match &d.reviewers {
        Some(rs) => format!("{} / {quorum}", rs.iter().filter(|r| r.voted).count()),
        None => "-".into(),
    }
}

pub(super) fn app_row(base: &str, d: &ApplicationDetail, rounds: &[Round], quorum: u32, w: Words) -> AppRow {
    let a = &d.application;
    AppRow {
        href: format!("{base}/{}", a.id),
        code: a.code.clone(),
        name: a.service_name.clone(),
        supplier: a.supplier_name.clone(),
        round: round_name(rounds, a.round_id.as_deref()),
        days: days_label(w, &d.current),
        overdue: d.current.overdue,
        received: seoul_minute(a.created_at),
        votes: votes_label(d, quorum),
    }
}

/// Every step that has applications, in the order of the process, the longest waiting first.
fn groups(w: Words, base: &str, apps: &[ApplicationDetail], rounds: &[Round], quorum: u32) -> Vec<Group> {
    ApplicationStatus::ALL
        .iter()
        .filter_map(|step| {
            let mut of: Vec<&ApplicationDetail> = apps.iter().filter(|d| d.application.status == *step).collect();
            if of.is_empty() {
                return None;
            }
            of.sort_by_key(|d| (d.current.started_at, d.application.created_at));
            let (label, class) = status_badge(w, *step);
            Some(Group {
                label,
                class,
                caption: w.t("rv.list.caption").replace("{step}", label).replace("{n}", &of.len().to_string()),
                rows: of.into_iter().map(|d| app_row(base, d, rounds, quorum, w)).collect(),
            })
        })
        .collect()
}

#[derive(Template)]
#[template(path = "review/applications.html")]
struct ListTpl {
    layout: Layout,
    w: Words,
    heading: &'static str,
    lead: &'static str,
    operator: bool,
    reviewer: bool,
    groups: Vec<Group>,
    statuses: Vec<Opt>,
    rounds: Vec<Opt>,
    overdue: usize,
    notice: Option<&'static str>,
}

/// A choice of a filter select: "all" first.
fn choices(w: Words, current: &str, items: impl Iterator<Item = (String, String)>) -> Vec<Opt> {
    let mut out = vec![Opt { value: String::new(), label: w.t("rv.filter.all").to_owned(), selected: current.is_empty() }];
    out.extend(items.map(|(value, label)| Opt { selected: value == current, value, label }));
    out
}

pub async fn list(State(state): State<AppState>, ctx: Ctx, seat: Seat) -> Response {
    let d = match desk(&ctx, seat.roles()) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let w = Words(ctx.lang);
    let pairs = ctx.pairs();
    let q =
        |k: &str| pairs.iter().rev().find(|(n, v)| n == k && !v.trim().is_empty()).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let (status, round) = (q("status"), q("round_id"));
    let built = async {
        let apps = review::applications(&state, &d.p, Some(status.as_str()), Some(round.as_str())).await?;
        let rounds = if seat == Seat::Supplier { Vec::new() } else { review::rounds(&state, &d.p).await? };
        Ok::<_, gureum_app::Error>((apps, rounds, review::settings(&state).await?.quorum))
    };
    let (apps, rounds, quorum) = match built.await {
        Ok(x) => x,
        Err(e) => return ctx.error(&e.into()),
    };
    let (heading, lead) = match seat {
        Seat::Supplier => ("rv.list.supplier", "rv.list.lead.supplier"),
        Seat::Operator => ("rv.list.operator", "rv.list.lead.operator"),
        Seat::Reviewer => ("rv.list.reviewer", "rv.list.lead.reviewer"),
    };
    let tpl = ListTpl {
        layout: ctx.layout(w.t(heading), Section::Desk),
        w,
        heading: w.t(heading),
        lead: w.t(lead),
        operator: seat == Seat::Operator,
        reviewer: seat == Seat::Reviewer,
        groups: groups(w, seat.base(), &apps, &rounds, quorum),
        statuses: choices(w, &status, ApplicationStatus::ALL.iter().map(|s| (s.as_str().to_owned(), status_badge(w, *s).0.to_owned()))),
        rounds: choices(w, &round, rounds.iter().map(|r| (r.id.clone(), r.name.clone()))),
        overdue: apps.iter().filter(|a| a.current.overdue).count(),
        notice: done_notice(&ctx),
    };
    ctx.render(StatusCode::OK, &tpl)
}

/// One criterion's result with its comment lines, as a vote or an outcome shows it.
pub struct VerdictRow {
    pub label: &'static str,
    pub pass: bool,
    pub result: &'static str,
    pub lines: Vec<String>,
}

pub struct OutcomeView {
    pub selected: bool,
    pub rows: Vec<VerdictRow>,
    pub innovativeness: Vec<String>,
}

pub struct MyVote {
    pub rows: Vec<VerdictRow>,
    pub innovativeness: String,
    pub at: String,
}

pub struct SupplementRow {
    pub message: String,
    pub at: String,
    pub answer: String,
    pub answered: String,
}

pub struct ReviewerRow {
    pub name: String,
    pub voted: bool,
    pub recused: Option<String>,
}

/// A reviewer the operator may tick.
pub struct Candidate {
    pub id: String,
    pub label: String,
    pub checked: bool,
    pub assigned: bool,
}

/// One criterion of the vote form, with what was posted.
pub struct CriterionRow {
    pub key: &'static str,
    pub label: &'static str,
    pub pass: bool,
    pub fail: bool,
    pub comment: String,
    pub invalid: bool,
}

fn verdict_row(w: Words, c: Criterion, verdict: Option<&str>, comment: Option<&str>) -> VerdictRow {
    let pass = verdict == Some("pass");
    VerdictRow {
        label: w.0.pick(c.label_ko(), c.label_en()),
        pass,
        result: w.t(if pass { "rv.pass" } else { "rv.fail" }),
        lines: comment.unwrap_or_default().lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect(),
    }
}

fn outcome_view(w: Words, v: &Value) -> OutcomeView {
    OutcomeView {
        selected: v["selected"].as_bool().unwrap_or(false),
        rows: Criterion::ALL
            .iter()
            .filter(|c| v["criteria"].get(c.as_str()).is_some())
            .map(|c| verdict_row(w, *c, v["criteria"][c.as_str()].as_str(), v["comments"][c.as_str()].as_str()))
            .collect(),
        innovativeness: v["innovativeness"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "review/application.html")]
struct DetailTpl {
    layout: Layout,
    w: Words,
    csrf: String,
    seat_supplier: bool,
    seat_operator: bool,
    base: &'static str,
    id: String,
    heading: String,
    code: String,
    revision: String,
    supplier: String,
    service_href: Option<String>,
    docs_href: String,
    status: (&'static str, &'static str),
    round: Option<String>,
    current: String,
    overdue: bool,
    steps: Vec<StepRow>,
    docs: Vec<DocRow>,
    supplements: Vec<SupplementRow>,
    outcome: Option<OutcomeView>,
    reviewers: Option<Vec<ReviewerRow>>,
    my_vote: Option<MyVote>,
    can_answer: bool,
    can_withdraw: bool,
    can_assign: bool,
    can_request: bool,
    can_vote: bool,
    can_recuse: bool,
    rounds: Vec<Opt>,
    candidates: Vec<Candidate>,
    criteria: Vec<CriterionRow>,
    innovativeness: String,
    /// The text of the last posted message or reason, kept when it was refused.
    kept: FormData,
    notice: Option<&'static str>,
    problem: Option<Problem>,
}

impl DetailTpl {
    /// The refusal of the form named `form`, if the last post of it was refused.
    fn err(&self, form: &str) -> Option<&Problem> {
        self.problem.as_ref().filter(|p| p.form == form)
    }

    /// A refusal whose form the page no longer offers (a vote after the round closed …).
    fn orphan(&self) -> Option<&Problem> {
        let shown = |form: &str| match form {
            "supplement" => self.can_answer,
            "withdraw" => self.can_withdraw,
            "assign" => self.can_assign,
            "supplement-request" => self.can_request,
            "vote" => self.can_vote,
            "recuse" => self.can_recuse,
            _ => false,
        };
        self.problem.as_ref().filter(|p| !shown(&p.form))
    }

    fn again(&self, form: &str, field: &str) -> &str {
        if self.err(form).is_some() { self.kept.get(field) } else { "" }
    }
}

/// What a refused post leaves for the page: the status, the refusal (by form) and the values.
struct Refused {
    status: StatusCode,
    form: String,
    e: AppError,
    posted: FormData,
}

async fn render(state: &AppState, ctx: &Ctx, d: &Desk, seat: Seat, id: &str, refused: Option<Refused>) -> Response {
    let w = Words(ctx.lang);
    let built = async {
        let detail = review::application(state, &d.p, id).await?;
        let rounds = if seat == Seat::Supplier { Vec::new() } else { review::rounds(state, &d.p).await? };
        let candidates = if seat == Seat::Operator && seat.may(detail.application.status, Action::Assign) {
            review::pages::reviewer_candidates(state, &d.p).await?
        } else {
            Vec::new()
        };
        Ok::<_, gureum_app::Error>((detail, rounds, candidates))
    };
    let (detail, rounds, candidates) = match built.await {
        Ok(x) => x,
        Err(e) => return ctx.error(&e.into()),
    };
    let a = &detail.application;
    let round = a.round_id.as_deref().and_then(|r| rounds.iter().find(|x| x.id == r));
    let round_open = round.is_none_or(|r| r.status == RoundStatus::Open);
    let assigned: Vec<&str> = detail.reviewers.iter().flatten().filter(|r| r.recused_at.is_none()).map(|r| r.user_id.as_str()).collect();
    let (status, posted, problem) = match refused {
        Some(r) => {
            let names = |uid: &str| candidates.iter().find(|(u, _)| u.id == uid).map(|(u, o)| format!("{} ({})", u.name, o.name));
            let problem = Problem::new(ctx, &r.form, &r.e, names);
            (r.status, r.posted, Some(problem))
        }
        None => (StatusCode::OK, FormData::default(), None),
    };
    let vote_refused = problem.as_ref().is_some_and(|p| p.form == "vote");
    let ticked = posted.all("reviewer");
    let chosen_round =
        if problem.as_ref().is_some_and(|p| p.form == "assign") { posted.get("round_id") } else { a.round_id.as_deref().unwrap_or("") };
    let mut docs = doc_rows(w, &detail.documents);
    for (row, doc) in docs.iter_mut().zip(&detail.documents) {
        row.href = format!("/applications/{}/documents/{}", a.id, doc.id);
    }
    let heading = w.t("rv.app.title").replace("{name}", &a.service_name);
    let tpl = DetailTpl {
        layout: ctx.layout(heading.clone(), Section::Desk),
        w,
        csrf: d.csrf.clone(),
        seat_supplier: seat == Seat::Supplier,
        seat_operator: seat == Seat::Operator,
        base: seat.base(),
        id: a.id.clone(),
        heading,
        code: a.code.clone(),
        revision: w.t("rev.n").replace("{n}", &a.revision.to_string()),
        supplier: a.supplier_name.clone(),
        service_href: (seat == Seat::Operator).then(|| format!("/operator/services/{}", a.service_id)),
        docs_href: format!("/supplier/services/{}/documents", a.service_id),
        status: status_badge(w, a.status),
        round: round.map(|r| r.name.clone()),
        current: days_label(w, &detail.current),
        overdue: detail.current.overdue,
        steps: step_rows(w, &detail.steps),
        docs,
        supplements: detail
            .supplements
            .iter()
            .map(|s| SupplementRow {
                message: s.message.clone(),
                at: seoul_minute(s.requested_at),
                answer: s.answer.clone().unwrap_or_else(|| "-".into()),
                answered: s.answered_at.map(seoul_minute).unwrap_or_else(|| "-".into()),
            })
            .collect(),
        outcome: detail.outcome.as_ref().map(|v| outcome_view(w, v)),
        reviewers: detail.reviewers.as_ref().map(|rs| {
            rs.iter()
                .map(|r| ReviewerRow {
                    name: r.name.clone(),
                    voted: r.voted,
                    recused: r.recuse_reason.clone().filter(|_| r.recused_at.is_some()),
                })
                .collect()
        }),
        my_vote: detail.my_vote.as_ref().map(|v| MyVote {
            rows: v
                .verdicts
                .iter()
                .map(|(c, x)| verdict_row(w, *c, Some(x.as_str()), v.comments.get(c.as_str()).map(String::as_str)))
                .collect(),
            innovativeness: v.innovativeness.clone(),
            at: seoul_minute(v.created_at),
        }),
        can_answer: seat == Seat::Supplier && seat.may(a.status, Action::AnswerSupplement),
        can_withdraw: seat == Seat::Supplier && seat.may(a.status, Action::Withdraw),
        can_assign: seat == Seat::Operator && seat.may(a.status, Action::Assign),
        can_request: seat != Seat::Supplier && round_open && seat.may(a.status, Action::RequestSupplement),
        can_vote: seat == Seat::Reviewer && detail.my_vote.is_none() && round_open && seat.may(a.status, Action::Vote),
        can_recuse: seat == Seat::Reviewer && detail.my_vote.is_none() && seat.may(a.status, Action::Recuse),
        rounds: rounds
            .iter()
            .filter(|r| r.status == RoundStatus::Open)
            .map(|r| Opt { value: r.id.clone(), label: format!("{} ({})", r.name, r.meets_on), selected: r.id == chosen_round })
            .collect(),
        candidates: candidates
            .iter()
            .map(|(u, o)| Candidate {
                id: u.id.clone(),
                label: format!("{} ({})", u.name, o.name),
                checked: ticked.contains(&u.id.as_str()) || assigned.contains(&u.id.as_str()),
                assigned: assigned.contains(&u.id.as_str()),
            })
            .collect(),
        criteria: Criterion::ALL
            .iter()
            .map(|c| {
                let v = if vote_refused { posted.get(c.as_str()) } else { "" };
                CriterionRow {
                    key: c.as_str(),
                    label: w.0.pick(c.label_ko(), c.label_en()),
                    pass: v == "pass",
                    fail: v == "fail",
                    comment: if vote_refused { posted.get(&format!("comment_{}", c.as_str())).to_owned() } else { String::new() },
                    invalid: problem.as_ref().is_some_and(|p| p.form == "vote" && p.names_field(&format!("criteria.{}", c.as_str()))),
                }
            })
            .collect(),
        innovativeness: if vote_refused { posted.get("innovativeness").to_owned() } else { String::new() },
        kept: posted,
        notice: if problem.is_none() { done_notice(ctx) } else { None },
        problem,
    };
    ctx.render(status, &tpl)
}

pub async fn detail(State(state): State<AppState>, ctx: Ctx, id: String, seat: Seat) -> Response {
    match desk(&ctx, seat.roles()) {
        Ok(d) => render(&state, &ctx, &d, seat, &id, None).await,
        Err(r) => r,
    }
}

/// The vote form as the API's body: only the criteria given, so a missing one is refused by
/// the use case and named.
fn vote_body(form: &FormData) -> Value {
    let mut criteria = Map::new();
    let mut comments = Map::new();
    for c in Criterion::ALL {
        let v = form.get(c.as_str());
        if !v.is_empty() {
            criteria.insert(c.as_str().to_owned(), Value::from(v));
        }
        let t = form.get(&format!("comment_{}", c.as_str()));
        if !t.trim().is_empty() {
            comments.insert(c.as_str().to_owned(), Value::from(t));
        }
    }
    json!({"criteria": criteria, "comments": comments, "innovativeness": form.get("innovativeness")})
}

/// A form of an application's page: `action` names it. Done: back to the page with a notice;
/// refused: the page again with the error on that form and the error's status.
pub async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    id: String,
    action: String,
    body: Bytes,
    seat: Seat,
) -> Response {
    let d = match desk(&ctx, seat.roles()) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let (rid, p) = (request_id(&headers), &d.p);
    let text = |name: &str| Some(form.get(name));
    let (result, done) = match (seat, action.as_str()) {
        (Seat::Supplier, "supplement") => (review::answer_supplement(&state, p, &id, text("message"), rid).await, "answered"),
        (Seat::Supplier, "withdraw") => (review::withdraw(&state, p, &id, rid).await, "withdrawn"),
        (Seat::Operator, "assign") => {
            let reviewers: Vec<String> = form.all("reviewer").into_iter().map(str::to_owned).collect();
            (review::assign(&state, p, &id, text("round_id"), &reviewers, rid).await, "assigned")
        }
        (Seat::Operator | Seat::Reviewer, "supplement-request") => {
            (review::request_supplement(&state, p, &id, text("message"), rid).await, "requested")
        }
        (Seat::Reviewer, "vote") => (review::vote(&state, p, &id, &vote_body(&form), rid).await.map(|_| id.clone()), "voted"),
        (Seat::Reviewer, "recuse") => (review::recuse(&state, p, &id, text("reason"), rid).await, "recused"),
        _ => return ctx.error(&AppError::not_found("page")),
    };
    match result.map_err(AppError::from) {
        // A reviewer who stepped back no longer sees the application.
        Ok(_) if done == "recused" => see_other(&format!("{}?done={done}", seat.base())),
        Ok(id) => see_other(&format!("{}/{id}?done={done}", seat.base())),
        Err(e) if e.status == StatusCode::NOT_FOUND || e.code == Code::InvalidId => ctx.error(&e),
        Err(e) => render(&state, &ctx, &d, seat, &id, Some(Refused { status: e.status, form: action, e, posted: form })).await,
    }
}

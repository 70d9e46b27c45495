//! The review committee's pages (SPEC §4 "Review"): the supplier follows its applications,
//! answers supplement requests and withdraws; the operator sees one queue by step, assigns a
//! round and reviewers, keeps the rounds and the settings; a reviewer reads what is assigned to
//! it, votes, recuses itself, asks for supplements and declares ties. Applications are read and
//! changed only through `gureum_app::review`; every form posts with `_csrf` and works without
//! JavaScript, and a refusal is shown on the form that caused it with the error's status.

mod application;
mod debarments;
mod operator;
mod reviewer;
pub mod words;

use super::desk::words::Words;
use super::desk::{FormError, see_other};
use super::form::require;
use super::layout::Ctx;
use crate::auth::{OPERATOR, Rule, SUPPLIER};
use crate::error::AppError;
use crate::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use gureum_app::review::{self, StepFact};
use gureum_domain::account::Role;
use gureum_domain::clock::seoul_minute;
use gureum_domain::review::ApplicationStatus;
use serde_json::Value;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/supplier/applications", list_get(Seat::Supplier))
        .route("/supplier/applications/{id}", detail_get(Seat::Supplier))
        .route("/supplier/applications/{id}/{action}", act_post(Seat::Supplier))
        .route("/operator/applications", list_get(Seat::Operator))
        .route("/operator/applications/{id}", detail_get(Seat::Operator))
        .route("/operator/applications/{id}/{action}", act_post(Seat::Operator))
        .route("/reviewer/applications", list_get(Seat::Reviewer))
        .route("/reviewer/applications/{id}", detail_get(Seat::Reviewer))
        .route("/reviewer/applications/{id}/{action}", act_post(Seat::Reviewer))
        .route("/operator/rounds", get(operator::rounds).post(operator::create_round))
        .route("/operator/rounds/{id}", get(operator::round))
        .route("/operator/rounds/{id}/close", post(operator::close_round))
        .route("/operator/settings/review", get(operator::settings).post(operator::save_settings))
        .route("/reviewer/conflicts", get(reviewer::conflicts).post(reviewer::declare))
        .route("/operator/suppliers/{id}/debarments", get(debarments::list).post(debarments::debar))
        .route("/applications/{id}", get(open))
        .route("/applications/{id}/documents/{doc_id}", get(document))
}

/// A desk's list of applications (GET).
fn list_get(seat: Seat) -> MethodRouter<AppState> {
    get(move |s: State<AppState>, c: Ctx| application::list(s, c, seat))
}

/// One application on a desk (GET).
fn detail_get(seat: Seat) -> MethodRouter<AppState> {
    get(move |s: State<AppState>, c: Ctx, Path(id): Path<String>| application::detail(s, c, id, seat))
}

/// A desk's action on an application (POST, a form).
fn act_post(seat: Seat) -> MethodRouter<AppState> {
    post(move |s: State<AppState>, c: Ctx, h: HeaderMap, Path((id, action)): Path<(String, String)>, b: Bytes| {
        application::act(s, c, h, id, action, b, seat)
    })
}

/// Whose desk a page of an application belongs to; the same application reads differently
/// from each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Seat {
    Supplier,
    Operator,
    Reviewer,
}

impl Seat {
    fn roles(self) -> &'static [Role] {
        match self {
            Self::Supplier => SUPPLIER,
            Self::Operator => OPERATOR,
            Self::Reviewer => &[Role::Reviewer],
        }
    }

    fn base(self) -> &'static str {
        match self {
            Self::Supplier => "/supplier/applications",
            Self::Operator => "/operator/applications",
            Self::Reviewer => "/reviewer/applications",
        }
    }

    /// Who the seat is for the domain's rules on an application it can see.
    fn actor(self) -> gureum_domain::review::Actor {
        use gureum_domain::review::Actor;
        match self {
            Self::Supplier => Actor::Owner,
            Self::Operator => Actor::Operator,
            Self::Reviewer => Actor::AssignedReviewer,
        }
    }

    /// Whether the domain lets this seat do `action` to an application in `status` now: pages
    /// offer a form exactly when the use case would accept it.
    fn may(self, status: ApplicationStatus, action: gureum_domain::review::Action) -> bool {
        gureum_domain::review::decide(status, action, self.actor()).is_ok()
    }

    /// The seat of the first desk a person's roles lead to.
    fn of(p: &crate::auth::Principal) -> Option<Self> {
        [Self::Operator, Self::Supplier, Self::Reviewer].into_iter().find(|s| s.roles().iter().any(|r| p.has_role(*r)))
    }
}

/// A refusal shown on the form that caused it (`form` names the form), with the people or
/// applications it concerns by name.
pub(super) struct Problem {
    pub form: String,
    pub e: FormError,
    pub names: Vec<String>,
    /// The field the message names (`quorum`, `criteria.security` …), if any.
    pub field: String,
}

impl Problem {
    /// `names` resolves the ids the error carries (`user_id`, `application_ids`).
    pub fn new(ctx: &Ctx, form: &str, e: &AppError, names: impl Fn(&str) -> Option<String>) -> Self {
        let mut ids: Vec<String> = Vec::new();
        if let Some(d) = &e.details {
            for key in ["user_id", "application_ids"] {
                match d.get(key) {
                    Some(Value::String(s)) => ids.push(s.clone()),
                    Some(Value::Array(a)) => ids.extend(a.iter().filter_map(Value::as_str).map(str::to_owned)),
                    _ => {}
                }
            }
        }
        let field = e
            .message
            .split([':', ' '])
            .next()
            .filter(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_lowercase() || "._[]0123456789".contains(c)));
        Self {
            form: form.to_owned(),
            e: FormError::new(ctx.lang, e),
            names: ids.iter().map(|id| names(id).unwrap_or_else(|| id.clone())).collect(),
            field: field.unwrap_or_default().to_owned(),
        }
    }

    /// Whether the message names `field` (or one of its members: `targets` for `targets.x`).
    pub fn names_field(&self, field: &str) -> bool {
        self.field == field || self.field.starts_with(&format!("{field}.")) || self.field.starts_with(&format!("{field}["))
    }
}

/// An application's status as a badge: its label and its KRDS class.
pub(super) fn status_badge(w: Words, s: ApplicationStatus) -> (&'static str, &'static str) {
    let class = match s {
        ApplicationStatus::Received | ApplicationStatus::Assigned | ApplicationStatus::InReview => "primary",
        ApplicationStatus::SupplementRequested => "warning",
        ApplicationStatus::Selected => "success",
        ApplicationStatus::NotSelected => "danger",
        ApplicationStatus::Withdrawn => "gray",
    };
    (w.0.pick(s.label_ko(), s.label_en()), class)
}

/// A step's business days against its target: `3 / 5영업일`; none for a final step.
pub(super) fn days_label(w: Words, s: &StepFact) -> String {
    if s.step.is_final() {
        return w.t("rv.none").to_owned();
    }
    match s.target_business_days {
        Some(t) => w.t("rv.days.of").replace("{n}", &s.business_days.to_string()).replace("{t}", &t.to_string()),
        None => w.t("rv.days").replace("{n}", &s.business_days.to_string()),
    }
}

/// One step of an application as a table row.
pub struct StepRow {
    pub label: &'static str,
    pub started: String,
    pub ended: String,
    pub days: String,
    pub target: String,
    pub overdue: bool,
    pub open: bool,
}

pub(super) fn step_rows(w: Words, steps: &[StepFact]) -> Vec<StepRow> {
    steps
        .iter()
        .map(|s| StepRow {
            label: w.0.pick(s.step.label_ko(), s.step.label_en()),
            started: seoul_minute(s.started_at),
            ended: s
                .ended_at
                .map(seoul_minute)
                .unwrap_or_else(|| w.t(if s.step.is_final() { "rv.none" } else { "rv.steps.open" }).to_owned()),
            days: if s.step.is_final() { w.t("rv.none").to_owned() } else { s.business_days.to_string() },
            target: s.target_business_days.map(|t| t.to_string()).unwrap_or_else(|| w.t("rv.none").to_owned()),
            overdue: s.overdue,
            open: !s.step.is_final(),
        })
        .collect()
}

/// A notification's link `/applications/{id}`: the application on the reader's own desk.
async fn open(ctx: Ctx, Path(id): Path<String>) -> Response {
    let p = match require(&ctx, Rule::Authenticated) {
        Ok(p) => p,
        Err(r) => return r,
    };
    match (Seat::of(p), review::uuid_of("id", &id)) {
        (Some(seat), Ok(id)) => see_other(&format!("{}/{id}", seat.base())),
        (_, Err(e)) => ctx.error(&e.into()),
        (None, _) => ctx.error(&AppError::not_found("application")),
    }
}

/// `Content-Disposition` naming the file: an ASCII fallback and the UTF-8 name (RFC 6266).
fn attachment(filename: &str) -> String {
    let plain: String = filename.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') { c } else { '_' }).collect();
    let utf8 = form_urlencoded::byte_serialize(filename.as_bytes()).collect::<String>().replace('+', "%20").replace('*', "%2A");
    format!("attachment; filename=\"{plain}\"; filename*=UTF-8''{utf8}")
}

/// One document of an application, for those who see the application (else 404), saved by the
/// browser under its name, never sniffed, never cached by others.
async fn document(State(state): State<AppState>, ctx: Ctx, Path((id, doc_id)): Path<(String, String)>) -> Response {
    let p = match require(&ctx, Rule::Authenticated) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let found = async {
        let doc = review::pages::application_document(&state, p, &id, &doc_id).await?;
        let (store, sha) = (state.documents().clone(), doc.sha256.clone());
        let bytes = match tokio::task::spawn_blocking(move || store.get(&sha)).await.map_err(AppError::internal)? {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(AppError::not_found("document")),
            read => read.map_err(AppError::internal)?,
        };
        Ok::<_, AppError>((doc, bytes))
    };
    let (doc, bytes) = match found.await {
        Ok(x) => x,
        Err(e) => return ctx.error(&e),
    };
    let headers = [
        (CONTENT_TYPE, HeaderValue::from_str(&doc.media_type).ok().or(Some(HeaderValue::from_static("application/octet-stream")))),
        (CONTENT_DISPOSITION, HeaderValue::from_str(&attachment(&doc.filename)).ok()),
        (X_CONTENT_TYPE_OPTIONS, Some(HeaderValue::from_static("nosniff"))),
        (CACHE_CONTROL, Some(HeaderValue::from_static("private, no-store"))),
    ];
    let mut res = bytes.into_response();
    for (name, value) in headers {
        if let Some(v) = value {
            res.headers_mut().insert(name, v);
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_survive_the_header() {
        assert_eq!(
            attachment("정의서 v1.pdf"),
            "attachment; filename=\"____v1.pdf\"; filename*=UTF-8''%EC%A0%95%EC%9D%98%EC%84%9C%20v1.pdf"
        );
        assert_eq!(attachment("a*b.pdf"), "attachment; filename=\"a_b.pdf\"; filename*=UTF-8''a%2Ab.pdf");
    }

    /// Every `w.t("…")` key of the committee's templates is known.
    #[test]
    fn every_review_template_key_exists() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/review");
        let mut checked = 0;
        for item in std::fs::read_dir(&dir).expect("templates/review") {
            let path = item.expect("entry").path();
            let text = std::fs::read_to_string(&path).expect("template");
            for (i, _) in text.match_indices("w.t(\"") {
                let rest = &text[i + 5..];
                let key = &rest[..rest.find('"').expect("closing quote")];
                assert!(Words(crate::i18n::Lang::En).t(key) != key, "{}: unknown key {key}", path.display());
                checked += 1;
            }
        }
        assert!(checked > 50, "{checked}");
    }

    #[test]
    fn every_word_has_both_languages() {
        for key in ["rv.days.of", "rv.overdue", "nav.committee", "done.assigned", "doc.no_debarment"] {
            let (ko, en) = words::word(key).expect(key);
            assert!(!ko.is_empty() && !en.is_empty() && ko != en, "{key}");
        }
    }
}

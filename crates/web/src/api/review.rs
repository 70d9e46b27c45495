//! The review committee (SPEC §4 "Review", docs/API.md): settings, rounds, applications,
//! assignment, declared ties, recusal, votes, supplement requests, withdrawal, closing a round.
//! Extract, call one use case of `gureum_app::review`, answer.

use super::schema::{NOT_BLANK, Uuid, component, reference, text, uuid_path};
use crate::auth::{Auth, OPERATOR, Rule, request_id};
use crate::error::{AppError, Code, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use gureum_app::review::{self, ApplicationDetail, StepFact};
use gureum_domain::clock::rfc3339_utc;
use gureum_domain::review::{
    ApplicationStatus, Criterion, MAX_DOC_TYPES, MAX_QUORUM, MAX_SELECTION_YEARS, MAX_TARGET_DAYS, ReviewSettings,
};
use gureum_storage::{DeclaredConflict, Round, Vote};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(list_rounds, create_round))
        .routes(routes!(get_round))
        .routes(routes!(close_round))
        .routes(routes!(list_applications))
        .routes(routes!(get_application))
        .routes(routes!(assign))
        .routes(routes!(recuse))
        .routes(routes!(vote))
        .routes(routes!(request_supplement))
        .routes(routes!(answer_supplement))
        .routes(routes!(withdraw))
        .routes(routes!(list_conflicts, declare_conflict))
}

/// A JSON body as a value: an empty body is `{}`; a malformed one 400 `invalid_body`.
pub(crate) fn body_value(body: &Bytes) -> Result<Value, AppError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(body).map_err(|e| AppError::new(Code::InvalidBody, format!("the body is not JSON: {e}")))
}

/// A text field of a JSON object body: absent or null is `None`; another type 400.
pub(crate) fn text_field<'a>(v: &'a Value, key: &str) -> Result<Option<&'a str>, AppError> {
    if !v.is_object() {
        return Err(AppError::new(Code::InvalidBody, "the body must be a JSON object"));
    }
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(AppError::new(Code::InvalidField, format!("{key}: a text"))),
    }
}

// ---------------------------------------------------------------------------------------------
// Settings

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewSettingsView {
    /// Document types a submission needs; `certificate` is asked only of iaas/paas/saas/daas.
    #[schema(value_type = Vec<DocTypeText>)]
    pub required_documents: Vec<String>,
    #[schema(minimum = 1, maximum = 15)]
    pub quorum: u32,
    #[schema(minimum = 1, maximum = 10)]
    pub selection_years: u32,
    /// Business days per application status.
    #[schema(value_type = TargetsDoc)]
    pub targets: BTreeMap<String, u32>,
}

impl From<ReviewSettings> for ReviewSettingsView {
    fn from(s: ReviewSettings) -> Self {
        Self { required_documents: s.required_documents, quorum: s.quorum, selection_years: s.selection_years, targets: s.targets }
    }
}

component!(
    /// A document type: lower-case snake case.
    DocTypeText,
    "DocTypeText",
    json!({"type": "string", "pattern": "^[a-z][a-z0-9_]{1,39}$"})
);

component!(
    /// Each step's target in business days.
    TargetsDoc,
    "ReviewTargets",
    json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "received": {"type": "integer", "minimum": 1, "maximum": MAX_TARGET_DAYS},
            "assigned": {"type": "integer", "minimum": 1, "maximum": MAX_TARGET_DAYS},
            "in_review": {"type": "integer", "minimum": 1, "maximum": MAX_TARGET_DAYS},
            "supplement_requested": {"type": "integer", "minimum": 1, "maximum": MAX_TARGET_DAYS}
        }
    })
);

component!(
    /// A change of the review settings: any subset of the fields; the others stay.
    SettingsUpdateDoc,
    "ReviewSettingsUpdate",
    json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "required_documents": {"type": "array", "maxItems": MAX_DOC_TYPES, "uniqueItems": true, "items": reference("DocTypeText")},
            "quorum": {"type": "integer", "minimum": 1, "maximum": MAX_QUORUM},
            "selection_years": {"type": "integer", "minimum": 1, "maximum": MAX_SELECTION_YEARS},
            "targets": reference("ReviewTargets")
        }
    }),
    uses [DocTypeText, TargetsDoc]
);

/// The review settings in force: public, so that a supplier (or a company thinking of becoming
/// one) knows which documents a submission needs and how long each step should take.
#[utoipa::path(get, path = "/api/v1/settings/review", tag = "review",
    responses(
        (status = 200, description = "The settings in force", body = ReviewSettingsView),
    ))]
pub async fn get_settings(State(state): State<AppState>) -> Result<Json<ReviewSettingsView>, AppError> {
    Ok(Json(review::settings(&state).await?.into()))
}

/// Change the review settings (operator): any subset of the fields.
#[utoipa::path(put, path = "/api/v1/settings/review", tag = "review", request_body = SettingsUpdateDoc, security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings now in force", body = ReviewSettingsView),
        (status = 400, description = "invalid_body, invalid_field", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
    ))]
pub async fn put_settings(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ReviewSettingsView>, AppError> {
    let p = auth.require(Rule::AnyRole(OPERATOR))?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(AppError::new(Code::InvalidBody, "send the settings to change as a JSON object"));
    }
    let v = body_value(&body)?;
    Ok(Json(review::put_settings(&state, p, &v, request_id(&headers)).await?.into()))
}

// ---------------------------------------------------------------------------------------------
// Rounds

#[derive(Debug, Serialize, ToSchema)]
pub struct RoundView {
    #[schema(value_type = Uuid)]
    pub id: String,
    pub name: String,
    #[schema(format = Date)]
    pub meets_on: String,
    #[schema(value_type = RoundStatusName)]
    pub status: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub closed_at: Option<String>,
}

impl From<&Round> for RoundView {
    fn from(r: &Round) -> Self {
        Self {
            id: r.id.clone(),
            name: r.name.clone(),
            meets_on: r.meets_on.clone(),
            status: r.status.as_str().into(),
            created_at: rfc3339_utc(r.created_at),
            closed_at: r.closed_at.map(rfc3339_utc),
        }
    }
}

component!(RoundStatusName, "RoundStatus", json!({"type": "string", "enum": ["open", "closed"]}));

component!(
    /// A new round: its name and the day it meets.
    NewRoundDoc,
    "NewRound",
    json!({
        "type": "object",
        "required": ["name", "meets_on"],
        "properties": {
            "name": text(200),
            "meets_on": {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
        }
    })
);

/// Open a round of the committee (operator).
#[utoipa::path(post, path = "/api/v1/rounds", tag = "review", request_body = NewRoundDoc, security(("bearer" = [])),
    responses(
        (status = 201, description = "Opened", body = RoundView),
        (status = 400, description = "invalid_body, invalid_field, invalid_name, invalid_date", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
    ))]
pub async fn create_round(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<RoundView>), AppError> {
    let p = auth.require(Rule::AnyRole(OPERATOR))?;
    let v = body_value(&body)?;
    let (name, meets_on) = (text_field(&v, "name")?, text_field(&v, "meets_on")?);
    let r = review::create_round(&state, p, name, meets_on, request_id(&headers)).await?;
    Ok((StatusCode::CREATED, Json((&r).into())))
}

/// The rounds, latest meeting first (operator, reviewers, auditors).
#[utoipa::path(get, path = "/api/v1/rounds", tag = "review", security(("bearer" = [])),
    responses(
        (status = 200, description = "The rounds", body = Vec<RoundView>),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
    ))]
pub async fn list_rounds(State(state): State<AppState>, auth: Auth) -> Result<Json<Vec<RoundView>>, AppError> {
    Ok(Json(review::rounds(&state, &auth.0).await?.iter().map(RoundView::from).collect()))
}

/// One round.
#[utoipa::path(get, path = "/api/v1/rounds/{id}", tag = "review", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The round", body = RoundView),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
    ))]
pub async fn get_round(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Json<RoundView>, AppError> {
    auth.require(Rule::AnyRole(&[
        gureum_domain::account::Role::Operator,
        gureum_domain::account::Role::Reviewer,
        gureum_domain::account::Role::Auditor,
    ]))?;
    let id = uuid_path(&id, "a round")?;
    Ok(Json((&review::round(&state, &auth.0, &id).await?).into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionView {
    #[schema(value_type = Uuid)]
    pub application_id: String,
    pub selected: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClosedRoundView {
    #[serde(flatten)]
    pub round: RoundView,
    /// Each application the closing decided.
    pub decided: Vec<DecisionView>,
}

/// Close a round (operator): decides every application in it at once. Every undecided
/// application needs votes from a quorum of reviewers, else 409 `undecided_applications` with
/// their ids and nothing changes. Answers once search shows the selected services.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/close", tag = "review", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "Closed; the decisions are published", body = ClosedRoundView),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "undecided_applications (with `application_ids`), round_closed, code_taken", body = ErrorBody),
    ))]
pub async fn close_round(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<ClosedRoundView>, AppError> {
    let p = auth.require(Rule::AnyRole(OPERATOR))?;
    let id = uuid_path(&id, "a round")?;
    let closed = review::close_round(&state, p, &id, request_id(&headers)).await?;
    Ok(Json(ClosedRoundView {
        round: (&closed.round).into(),
        decided: closed.decided.into_iter().map(|(application_id, selected)| DecisionView { application_id, selected }).collect(),
    }))
}

// ---------------------------------------------------------------------------------------------
// Applications

component!(
    ApplicationStatusName,
    "ApplicationStatus",
    json!({"type": "string", "enum": gureum_domain::review::ApplicationStatus::ALL.map(ApplicationStatus::as_str)})
);
component!(VerdictName, "Verdict", json!({"type": "string", "enum": ["pass", "fail"]}));

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicantView {
    #[schema(value_type = Uuid)]
    pub id: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewerView {
    #[schema(value_type = Uuid)]
    pub user_id: String,
    pub name: String,
    pub voted: bool,
    /// Stepped back (기피·회피), with the reason.
    pub recused: bool,
    pub recuse_reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StepView {
    #[schema(value_type = ApplicationStatusName)]
    pub step: String,
    #[schema(format = DateTime)]
    pub started_at: String,
    #[schema(format = DateTime)]
    pub ended_at: Option<String>,
    /// Business days from its start to its end, or to today while it is open.
    #[schema(minimum = 0)]
    pub business_days: i64,
    /// The settings' target for this step (none for a final status).
    pub target_business_days: Option<u32>,
    pub overdue: bool,
}

impl From<&StepFact> for StepView {
    fn from(s: &StepFact) -> Self {
        Self {
            step: s.step.as_str().into(),
            started_at: rfc3339_utc(s.started_at),
            ended_at: s.ended_at.map(rfc3339_utc),
            business_days: s.business_days,
            target_business_days: s.target_business_days,
            overdue: s.overdue,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SupplementView {
    pub message: String,
    #[schema(format = DateTime)]
    pub requested_at: String,
    pub answer: Option<String>,
    #[schema(format = DateTime)]
    pub answered_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationDocumentView {
    #[schema(value_type = Uuid)]
    pub id: String,
    #[schema(value_type = DocTypeText)]
    pub doc_type: String,
    pub filename: String,
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub sha256: String,
    #[schema(minimum = 0)]
    pub size_bytes: i64,
    /// Where the document is downloaded.
    pub href: String,
}

component!(
    /// The committee's decision: each criterion's result, the reviewers' comments on it, the
    /// innovativeness notes.
    OutcomeDoc,
    "ApplicationOutcome",
    json!({
        "type": "object",
        "required": ["selected", "criteria", "comments"],
        "properties": {
            "selected": {"type": "boolean"},
            "criteria": {"type": "object", "additionalProperties": reference("Verdict")},
            "comments": {"type": "object", "additionalProperties": {"type": "string"}},
            "innovativeness": {"type": "array", "items": {"type": "string"}},
            "votes": {"type": "integer", "minimum": 0}
        }
    }),
    uses [VerdictName]
);

#[derive(Debug, Serialize, ToSchema)]
pub struct VoteView {
    #[schema(value_type = Uuid)]
    pub application_id: String,
    #[schema(value_type = Uuid)]
    pub reviewer_id: String,
    #[schema(value_type = Object)]
    pub criteria: BTreeMap<String, String>,
    pub comments: BTreeMap<String, String>,
    pub innovativeness: String,
    #[schema(format = DateTime)]
    pub created_at: String,
}

fn vote_view(application_id: &str, v: &Vote) -> VoteView {
    VoteView {
        application_id: application_id.to_owned(),
        reviewer_id: v.reviewer_id.clone(),
        criteria: v.verdicts.iter().map(|(c, x)| (c.as_str().to_owned(), x.as_str().to_owned())).collect(),
        comments: v.comments.clone(),
        innovativeness: v.innovativeness.clone(),
        created_at: rfc3339_utc(v.created_at),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationView {
    #[schema(value_type = Uuid)]
    pub id: String,
    #[schema(value_type = Uuid)]
    pub service_id: String,
    pub code: String,
    pub service_name: String,
    #[schema(minimum = 1)]
    pub revision: i64,
    pub supplier: ApplicantView,
    #[schema(value_type = ApplicationStatusName)]
    pub status: String,
    #[schema(value_type = Option<Uuid>)]
    pub round_id: Option<String>,
    /// The operator and assigned reviewers only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewers: Option<Vec<ReviewerView>>,
    /// Each status it has been in, in order.
    pub steps: Vec<StepView>,
    /// The current step's business days, target and overdue marker.
    #[schema(minimum = 0)]
    pub business_days: i64,
    pub target_business_days: Option<u32>,
    pub overdue: bool,
    #[schema(value_type = Option<OutcomeDoc>)]
    pub outcome: Option<Value>,
    pub supplement_requests: Vec<SupplementView>,
    /// The documents of the applied revision.
    pub documents: Vec<ApplicationDocumentView>,
    /// The reader's own vote (an assigned reviewer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub my_vote: Option<VoteView>,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<&ApplicationDetail> for ApplicationView {
    fn from(d: &ApplicationDetail) -> Self {
        let a = &d.application;
        Self {
            id: a.id.clone(),
            service_id: a.service_id.clone(),
            code: a.code.clone(),
            service_name: a.service_name.clone(),
            revision: a.revision,
            supplier: ApplicantView { id: a.supplier_id.clone(), name: a.supplier_name.clone() },
            status: a.status.as_str().into(),
            round_id: a.round_id.clone(),
            reviewers: d.reviewers.as_ref().map(|rs| {
                rs.iter()
                    .map(|r| ReviewerView {
                        user_id: r.user_id.clone(),
                        name: r.name.clone(),
                        voted: r.voted,
                        recused: r.recused_at.is_some(),
                        recuse_reason: r.recuse_reason.clone(),
                    })
                    .collect()
            }),
            steps: d.steps.iter().map(StepView::from).collect(),
            business_days: d.current.business_days,
            target_business_days: d.current.target_business_days,
            overdue: d.current.overdue,
            outcome: d.outcome.clone(),
            supplement_requests: d
                .supplements
                .iter()
                .map(|s| SupplementView {
                    message: s.message.clone(),
                    requested_at: rfc3339_utc(s.requested_at),
                    answer: s.answer.clone(),
                    answered_at: s.answered_at.map(rfc3339_utc),
                })
                .collect(),
            documents: d
                .documents
                .iter()
                .map(|doc| ApplicationDocumentView {
                    id: doc.id.clone(),
                    doc_type: doc.doc_type.clone(),
                    filename: doc.filename.clone(),
                    sha256: doc.sha256.clone(),
                    size_bytes: doc.size_bytes,
                    href: format!("/applications/{}/documents/{}", a.id, doc.id),
                })
                .collect(),
            my_vote: d.my_vote.as_ref().map(|v| vote_view(&a.id, v)),
            created_at: rfc3339_utc(a.created_at),
        }
    }
}

/// The applications the caller may see, oldest first: the operator all, a supplier its own, a
/// reviewer those assigned to it; other roles 403. `status` and `round_id` narrow the list.
#[utoipa::path(get, path = "/api/v1/applications", tag = "review", security(("bearer" = [])),
    params(
        ("status" = Option<ApplicationStatusName>, Query, description = "Only applications in this status"),
        ("round_id" = Option<Uuid>, Query, description = "Only applications of this round"),
    ),
    responses(
        (status = 200, description = "The applications", body = Vec<ApplicationView>),
        (status = 400, description = "invalid_status_filter, invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not an operator, supplier or reviewer", body = ErrorBody),
    ))]
pub async fn list_applications(
    State(state): State<AppState>,
    auth: Auth,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<ApplicationView>>, AppError> {
    let pairs = gureum_app::query::pairs(raw.as_deref());
    let last = |key: &str| pairs.iter().rev().find(|(k, v)| k == key && !v.trim().is_empty()).map(|(_, v)| v.trim().to_owned());
    let (status, round) = (last("status"), last("round_id"));
    let list = review::applications(&state, &auth.0, status.as_deref(), round.as_deref()).await?;
    Ok(Json(list.iter().map(ApplicationView::from).collect()))
}

/// One application (404 outside the caller's scope).
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "review", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The application", body = ApplicationView),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not an operator, supplier or reviewer", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
    ))]
pub async fn get_application(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Json<ApplicationView>, AppError> {
    auth.require(Rule::AnyRole(review::APPLICATION_ROLES))?;
    let id = uuid_path(&id, "an application")?;
    Ok(Json((&review::application(&state, &auth.0, &id).await?).into()))
}

async fn answer(state: &AppState, auth: &Auth, id: &str) -> Result<Json<ApplicationView>, AppError> {
    Ok(Json((&review::application(state, &auth.0, id).await?).into()))
}

component!(
    /// An assignment: the round and the reviewers (user ids).
    AssignDoc,
    "AssignRequest",
    json!({
        "type": "object",
        "required": ["round_id", "reviewer_ids"],
        "properties": {
            "round_id": reference("Uuid"),
            "reviewer_ids": {"type": "array", "minItems": 1, "maxItems": 15, "items": reference("Uuid")}
        }
    }),
    uses [Uuid]
);

/// Assign an application to a round and reviewers (operator). A user without the reviewer role
/// is 400 `not_a_reviewer` (checked first); a reviewer tied to the supplier 409
/// `conflict_of_interest` naming it; nothing changes then.
#[utoipa::path(post, path = "/api/v1/applications/{id}/assign", tag = "review", request_body = AssignDoc, security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "Assigned", body = ApplicationView),
        (status = 400, description = "invalid_id, invalid_body, invalid_field, not_a_reviewer", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
        (status = 404, description = "not_found: the application or the round", body = ErrorBody),
        (status = 409, description = "conflict_of_interest (with `user_id`), round_closed, invalid_status", body = ErrorBody),
    ))]
pub async fn assign(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<ApplicationView>, AppError> {
    let p = auth.require(Rule::AnyRole(OPERATOR))?;
    let id = uuid_path(&id, "an application")?;
    let v = body_value(&body)?;
    let round = text_field(&v, "round_id")?;
    let reviewers: Vec<String> = match v.get("reviewer_ids") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| x.as_str().map(str::to_owned).ok_or_else(|| AppError::new(Code::InvalidField, "reviewer_ids: a list of user ids")))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(AppError::new(Code::InvalidField, "reviewer_ids: a list of user ids")),
    };
    let id = review::assign(&state, p, &id, round, &reviewers, request_id(&headers)).await?;
    answer(&state, &auth, &id).await
}

component!(
    /// A reason, told to those it concerns.
    ReviewReasonDoc,
    "ReviewReason",
    json!({"type": "object", "required": ["reason"], "properties": {"reason": text(review::MAX_TEXT)}})
);

component!(
    /// A message to the other side.
    MessageDoc,
    "ReviewMessage",
    json!({"type": "object", "required": ["message"], "properties": {"message": text(review::MAX_TEXT)}})
);

/// What a recusal recorded: the recused reviewer no longer sees the application.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecusalView {
    #[schema(value_type = Uuid)]
    pub application_id: String,
    #[schema(value_type = Uuid)]
    pub reviewer_id: String,
    pub reason: String,
}

/// Step back from an assigned application (an assigned reviewer that has not voted), with the
/// reason; the operator is told to assign another. The reviewer no longer sees it afterwards.
#[utoipa::path(post, path = "/api/v1/applications/{id}/recuse", tag = "review", request_body = ReviewReasonDoc, security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "Recused", body = RecusalView),
        (status = 400, description = "invalid_id, invalid_body, invalid_field, reason_required", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not an assigned reviewer", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "already_voted, invalid_status", body = ErrorBody),
    ))]
pub async fn recuse(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<RecusalView>, AppError> {
    auth.require(Rule::AnyRole(review::APPLICATION_ROLES))?;
    let id = uuid_path(&id, "an application")?;
    let v = body_value(&body)?;
    let reason = text_field(&v, "reason")?;
    let application_id = review::recuse(&state, &auth.0, &id, reason, request_id(&headers)).await?;
    let reviewer_id = auth.0.user().map(|u| u.id.clone()).unwrap_or_default();
    Ok(Json(RecusalView { application_id, reviewer_id, reason: reason.unwrap_or_default().trim().to_owned() }))
}

component!(
    /// A vote: pass or fail on each of the five criteria, comments per criterion, an
    /// innovativeness note.
    VoteDoc,
    "VoteRequest",
    json!({
        "type": "object",
        "required": ["criteria"],
        "properties": {
            "criteria": {
                "type": "object",
                "required": Criterion::ALL.map(Criterion::as_str),
                "additionalProperties": false,
                "properties": Criterion::ALL.iter().map(|c| (c.as_str().to_owned(), reference("Verdict"))).collect::<serde_json::Map<String, Value>>()
            },
            "comments": {
                "type": ["object", "null"],
                "additionalProperties": false,
                "properties": Criterion::ALL.iter().map(|c| (c.as_str().to_owned(), json!({"type": "string", "maxLength": review::MAX_TEXT}))).collect::<serde_json::Map<String, Value>>()
            },
            "innovativeness": {"type": ["string", "null"], "maxLength": review::MAX_TEXT}
        }
    }),
    uses [VerdictName]
);

/// Record a vote (an assigned reviewer, once): 400 when a criterion is missing, 409
/// `already_voted` for a second vote, 409 `round_closed` after the round closed.
#[utoipa::path(post, path = "/api/v1/applications/{id}/votes", tag = "review", request_body = VoteDoc, security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 201, description = "Recorded", body = VoteView),
        (status = 400, description = "invalid_id, invalid_body, invalid_field", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not an assigned reviewer", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "already_voted, round_closed, invalid_status", body = ErrorBody),
    ))]
pub async fn vote(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<VoteView>), AppError> {
    auth.require(Rule::AnyRole(review::APPLICATION_ROLES))?;
    let id = uuid_path(&id, "an application")?;
    let v = body_value(&body)?;
    let vote = review::vote(&state, &auth.0, &id, &v, request_id(&headers)).await?;
    Ok((StatusCode::CREATED, Json(vote_view(&id, &vote))))
}

/// Ask the supplier for supplementary documents (an assigned reviewer or the operator).
#[utoipa::path(post, path = "/api/v1/applications/{id}/supplement-requests", tag = "review", request_body = MessageDoc, security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "Supplement requested; the supplier is told", body = ApplicationView),
        (status = 400, description = "invalid_id, invalid_body, invalid_field", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status, round_closed", body = ErrorBody),
    ))]
pub async fn request_supplement(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<ApplicationView>, AppError> {
    auth.require(Rule::AnyRole(review::APPLICATION_ROLES))?;
    let id = uuid_path(&id, "an application")?;
    let v = body_value(&body)?;
    let id = review::request_supplement(&state, &auth.0, &id, text_field(&v, "message")?, request_id(&headers)).await?;
    answer(&state, &auth, &id).await
}

/// Say the supplement is in (the supplier, after uploading): back in review.
#[utoipa::path(post, path = "/api/v1/applications/{id}/supplement", tag = "review", request_body = MessageDoc, security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "In review again", body = ApplicationView),
        (status = 400, description = "invalid_id, invalid_body, invalid_field", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status: no supplement was asked", body = ErrorBody),
    ))]
pub async fn answer_supplement(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<ApplicationView>, AppError> {
    auth.require(Rule::AnyRole(review::APPLICATION_ROLES))?;
    let id = uuid_path(&id, "an application")?;
    let v = body_value(&body)?;
    let id = review::answer_supplement(&state, &auth.0, &id, text_field(&v, "message")?, request_id(&headers)).await?;
    answer(&state, &auth, &id).await
}

/// Withdraw an application before its decision (the supplier): its revision is a draft again.
#[utoipa::path(post, path = "/api/v1/applications/{id}/withdraw", tag = "review", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "Withdrawn", body = ApplicationView),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status: already decided or withdrawn", body = ErrorBody),
    ))]
pub async fn withdraw(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<ApplicationView>, AppError> {
    auth.require(Rule::AnyRole(review::APPLICATION_ROLES))?;
    let id = uuid_path(&id, "an application")?;
    let id = review::withdraw(&state, &auth.0, &id, request_id(&headers)).await?;
    answer(&state, &auth, &id).await
}

// ---------------------------------------------------------------------------------------------
// Declared ties

#[derive(Debug, Serialize, ToSchema)]
pub struct ConflictView {
    #[schema(value_type = Uuid)]
    pub id: String,
    #[schema(pattern = "^[0-9]{10}$")]
    pub business_number: String,
    pub reason: String,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<&DeclaredConflict> for ConflictView {
    fn from(c: &DeclaredConflict) -> Self {
        Self {
            id: c.id.clone(),
            business_number: c.business_number.clone(),
            reason: c.reason.clone(),
            created_at: rfc3339_utc(c.created_at),
        }
    }
}

component!(
    /// A tie with a business, declared ahead: its business number and why.
    ConflictDoc,
    "ConflictDeclaration",
    json!({
        "type": "object",
        "required": ["business_number", "reason"],
        "properties": {
            "business_number": {"type": "string", "pattern": "^[0-9]{3}-?[0-9]{2}-?[0-9]{5}$", "description": "사업자등록번호 with its check digit"},
            "reason": {"type": "string", "minLength": 1, "maxLength": review::MAX_TEXT, "pattern": NOT_BLANK}
        }
    })
);

/// Declare a tie with a business ahead (a reviewer): never assigned to its applications.
#[utoipa::path(post, path = "/api/v1/me/conflicts", tag = "review", request_body = ConflictDoc, security(("bearer" = [])),
    responses(
        (status = 201, description = "Declared", body = ConflictView),
        (status = 400, description = "invalid_body, invalid_field, invalid_business_number, invalid_reason", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not a reviewer", body = ErrorBody),
        (status = 409, description = "conflict_declared: declared before", body = ErrorBody),
    ))]
pub async fn declare_conflict(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<ConflictView>), AppError> {
    let p = auth.require(Rule::AnyRole(&[gureum_domain::account::Role::Reviewer]))?;
    let v = body_value(&body)?;
    let c =
        review::declare_conflict(&state, p, text_field(&v, "business_number")?, text_field(&v, "reason")?, request_id(&headers)).await?;
    Ok((StatusCode::CREATED, Json((&c).into())))
}

/// The ties the caller declared (a reviewer).
#[utoipa::path(get, path = "/api/v1/me/conflicts", tag = "review", security(("bearer" = [])),
    responses(
        (status = 200, description = "Declared ties, newest first", body = Vec<ConflictView>),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not a reviewer", body = ErrorBody),
    ))]
pub async fn list_conflicts(State(state): State<AppState>, auth: Auth) -> Result<Json<Vec<ConflictView>>, AppError> {
    let p = auth.require(Rule::AnyRole(&[gureum_domain::account::Role::Reviewer]))?;
    Ok(Json(review::my_conflicts(&state, p).await?.iter().map(ConflictView::from).collect()))
}

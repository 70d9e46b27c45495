//! The audit log for auditors (and operators): read, verify, download. Every route here only
//! reads; an auditor has no write route anywhere (docs/RULES.md#accounts: reads everything, changes nothing).

use super::schema::{AnyValue, component};
use crate::auth::{AUDIT_READERS, Auth, Rule};
use crate::error::{AppError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use gureum_app::csv::csv_line;
use gureum_domain::clock::{rfc3339_utc, seoul_minute};
use gureum_storage::{AuditEntry, AuditFilter, VerifyReport};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_events)).routes(routes!(verify_chain)).routes(routes!(export_csv)).routes(routes!(export_json))
}

pub use gureum_app::audit::{AuditQuery, DEFAULT_PER_PAGE, FILTER_KEYS, MAX_PER_PAGE, parse_audit_query};

/// Rows read per query while an export is assembled.
const EXPORT_BATCH: i64 = 1000;

/// The filter as query pairs (for links that keep it), in [`FILTER_KEYS`] order.
pub fn filter_pairs(f: &AuditFilter) -> Vec<(String, String)> {
    let d = |d: &Option<time::Date>| d.map(gureum_domain::clock::format_date);
    let values = [&f.organisation, &f.actor, &f.entity_kind, &f.entity_id, &f.action, &d(&f.from), &d(&f.to)];
    FILTER_KEYS.iter().zip(values).filter_map(|(k, v)| v.as_ref().map(|v| ((*k).to_owned(), v.clone()))).collect()
}

component!(ActorKindName, "ActorKind", json!({"type": "string", "enum": ["user", "token", "cli", "system", "anonymous", "other"]}));

/// How an actor is recorded: `user`, `token`, `cli`, `system`, `anonymous`, or `other`.
pub fn actor_kind(e: &AuditEntry) -> &'static str {
    let a = e.event().actor.as_str();
    match a {
        "cli" => "cli",
        "system" => "system",
        "anonymous" => "anonymous",
        _ if a.starts_with("token:") => "token",
        _ if e.actor_email.is_some() => "user",
        _ => "other",
    }
}

/// One audit event as the API and the exports give it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEventView {
    /// Position in the chain, from 1.
    #[schema(minimum = 1)]
    pub seq: i64,
    /// When (RFC 3339, UTC, microseconds).
    #[schema(format = DateTime)]
    pub at: String,
    /// When, in Asia/Seoul (`YYYY-MM-DD HH:MM`).
    pub at_seoul: String,
    /// As stored: a user id, `cli`, `system`, `anonymous` or `token:<id>`.
    pub actor: String,
    /// `other`: an id no longer known.
    #[schema(value_type = ActorKindName)]
    pub actor_kind: String,
    /// The person's name (a user actor) or the API token's name (a token actor).
    pub actor_name: Option<String>,
    /// The person's e-mail (a user actor).
    pub actor_email: Option<String>,
    /// The organisation id the event belongs to.
    pub organisation: Option<String>,
    pub organisation_name: Option<String>,
    pub action: String,
    pub entity_kind: String,
    pub entity_id: String,
    /// The state before (JSON), when the action changed one.
    #[schema(value_type = AnyValue)]
    pub before: Option<Value>,
    /// The state after (JSON).
    #[schema(value_type = AnyValue)]
    pub after: Option<Value>,
    pub request_id: Option<String>,
    /// SHA-256 of the previous event's hash followed by this event's canonical JSON.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub hash: String,
}

impl From<&AuditEntry> for AuditEventView {
    fn from(e: &AuditEntry) -> Self {
        let ev = e.event();
        Self {
            seq: ev.seq,
            at: rfc3339_utc(ev.at),
            at_seoul: seoul_minute(ev.at),
            actor: ev.actor.clone(),
            actor_kind: actor_kind(e).into(),
            actor_name: e.actor_name.clone().or_else(|| e.actor_token_name.clone()),
            actor_email: e.actor_email.clone(),
            organisation: ev.organisation.clone(),
            organisation_name: e.organisation_name.clone(),
            action: ev.action.clone(),
            entity_kind: ev.entity_kind.clone(),
            entity_id: ev.entity_id.clone(),
            before: ev.before.clone(),
            after: ev.after.clone(),
            request_id: ev.request_id.clone(),
            hash: e.row.hash.clone(),
        }
    }
}

/// A page of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    /// Events the filter matches.
    #[schema(minimum = 0)]
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    /// Newest first.
    pub items: Vec<AuditEventView>,
}

/// Reads one page of the filtered log (the page and the API share it).
pub async fn load_page(state: &AppState, q: &AuditQuery) -> Result<(i64, Vec<AuditEntry>), AppError> {
    Ok(gureum_app::audit::page(state, q).await?)
}

/// The audit log, filtered and newest first (auditor, operator).
#[utoipa::path(
    get,
    path = "/api/v1/audit/events",
    tag = "audit",
    params(
        ("organisation" = Option<String>, Query, description = "An organisation id, or part of an organisation's name"),
        ("actor" = Option<String>, Query, description = "A stored actor (user id, cli, system, anonymous, token:<id>), or part of a person's e-mail or name"),
        ("entity_kind" = Option<String>, Query, description = "Exact entity kind, e.g. user, organisation, service, import"),
        ("entity_id" = Option<String>, Query, description = "Exact entity id"),
        ("action" = Option<String>, Query, description = "Action prefix, e.g. `auth.` or `org.approve`"),
        ("from" = Option<String>, Query, format = Date, description = "From this Asia/Seoul date (YYYY-MM-DD), inclusive; not after `to`"),
        ("to" = Option<String>, Query, format = Date, description = "Until this Asia/Seoul date (YYYY-MM-DD), inclusive"),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 1000000, description = "From 1, default 1"),
        ("per_page" = Option<u32>, Query, minimum = 1, maximum = 500, description = "1–500, default 50"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of events, newest first, with the filtered total", body = AuditPage),
        (status = 400, description = "invalid_date, invalid_page, invalid_per_page", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not an auditor or an operator", body = ErrorBody),
    )
)]
pub async fn list_events(State(state): State<AppState>, auth: Auth, RawQuery(raw): RawQuery) -> Result<Json<AuditPage>, AppError> {
    auth.require(Rule::AnyRole(AUDIT_READERS))?;
    let q = parse_audit_query(&gureum_app::query::pairs(raw.as_deref()))?;
    let (total, items) = load_page(&state, &q).await?;
    Ok(Json(AuditPage { total, page: q.page, per_page: q.per_page, items: items.iter().map(AuditEventView::from).collect() }))
}

/// The answer of a chain check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct VerifyView {
    /// Whether every hash matches and the chain head is the last event.
    pub ok: bool,
    /// Events checked (when ok).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0)]
    pub events: Option<i64>,
    /// The first event whose hash or sequence breaks the chain (when not ok).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broken_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl From<VerifyReport> for VerifyView {
    fn from(r: VerifyReport) -> Self {
        match r {
            VerifyReport::Ok { events } => Self { ok: true, events: Some(events), broken_at: None, reason: None },
            VerifyReport::Broken { seq, reason } => Self { ok: false, events: None, broken_at: Some(seq), reason: Some(reason) },
        }
    }
}

/// Check the whole audit chain (auditor, operator): recompute every hash in order.
#[utoipa::path(
    get,
    path = "/api/v1/audit/verify",
    tag = "audit",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "`{\"ok\": true, \"events\": n}` or `{\"ok\": false, \"broken_at\": seq, \"reason\"}`", body = VerifyView),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not an auditor or an operator", body = ErrorBody),
    )
)]
pub async fn verify_chain(State(state): State<AppState>, auth: Auth) -> Result<Json<VerifyView>, AppError> {
    auth.require(Rule::AnyRole(AUDIT_READERS))?;
    Ok(Json(gureum_app::audit::verify(&state).await?.into()))
}

pub const CSV_HEADER: [&str; 16] = [
    "seq",
    "at",
    "at_seoul",
    "actor",
    "actor_kind",
    "actor_name",
    "actor_email",
    "organisation",
    "organisation_name",
    "action",
    "entity_kind",
    "entity_id",
    "before",
    "after",
    "request_id",
    "hash",
];

fn csv_row(out: &mut String, v: &AuditEventView) {
    let json = |v: &Option<Value>| v.as_ref().map(Value::to_string).unwrap_or_default();
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let seq = v.seq.to_string();
    let (before, after) = (json(&v.before), json(&v.after));
    let (name, email, org, org_name, rid) =
        (o(&v.actor_name), o(&v.actor_email), o(&v.organisation), o(&v.organisation_name), o(&v.request_id));
    csv_line(
        out,
        &[
            &seq,
            &v.at,
            &v.at_seoul,
            &v.actor,
            &v.actor_kind,
            &name,
            &email,
            &org,
            &org_name,
            &v.action,
            &v.entity_kind,
            &v.entity_id,
            &before,
            &after,
            &rid,
            &v.hash,
        ],
    );
}

/// The filtered log, oldest first, read in batches; `each` sees every event in turn.
async fn for_each_event(state: &AppState, filter: &AuditFilter, mut each: impl FnMut(AuditEventView)) -> Result<(), AppError> {
    Ok(gureum_app::audit::for_each(state, filter, EXPORT_BATCH, |e| each(AuditEventView::from(e))).await?)
}

fn download(body: Vec<u8>, content_type: &'static str, filename: String) -> Response {
    let mut res = (StatusCode::OK, body).into_response();
    let h = res.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(CONTENT_DISPOSITION, v);
    }
    res
}

/// `gureum-audit-20261123-0900` (Asia/Seoul), the stem of an export's file name.
fn file_stem(state: &AppState) -> String {
    let t = seoul_minute(state.clock().now_micros()).replace(['-', ':'], "").replace(' ', "-");
    format!("gureum-audit-{t}")
}

/// The filtered log as CSV: UTF-8 with a byte-order mark (so Excel reads Korean), a header row,
/// one CRLF line per event, oldest first.
pub async fn csv_response(state: &AppState, filter: &AuditFilter) -> Result<Response, AppError> {
    let mut out = String::from("\u{feff}");
    csv_line(&mut out, &CSV_HEADER);
    for_each_event(state, filter, |v| csv_row(&mut out, &v)).await?;
    Ok(download(out.into_bytes(), "text/csv; charset=utf-8", format!("{}.csv", file_stem(state))))
}

/// The filtered log as one JSON document: `{"generated_at", "filter", "count", "items": [...]}`,
/// items oldest first in the shape of `GET /api/v1/audit/events`.
pub async fn json_response(state: &AppState, filter: &AuditFilter) -> Result<Response, AppError> {
    let filter_obj: serde_json::Map<String, Value> = filter_pairs(filter).into_iter().map(|(k, v)| (k, Value::String(v))).collect();
    let mut items = String::from("[");
    let mut count = 0u64;
    let mut failure = None;
    for_each_event(state, filter, |v| {
        if count > 0 {
            items.push(',');
        }
        match serde_json::to_string(&v) {
            Ok(s) => items.push_str(&s),
            Err(e) => failure = Some(e),
        }
        count += 1;
    })
    .await?;
    if let Some(e) = failure {
        return Err(AppError::internal(e));
    }
    items.push(']');
    let head = serde_json::json!({
        "generated_at": rfc3339_utc(state.clock().now_micros()),
        "filter": filter_obj,
        "count": count,
    })
    .to_string();
    // `head` is an object; splice the items in before its closing brace.
    let mut out = head;
    out.pop();
    out.push_str(",\"items\":");
    out.push_str(&items);
    out.push('}');
    Ok(download(out.into_bytes(), "application/json", format!("{}.json", file_stem(state))))
}

/// Download the filtered audit log as CSV (auditor, operator): UTF-8 with BOM, a header row, one
/// line per event, oldest first; every field quoted.
#[utoipa::path(
    get,
    path = "/api/v1/audit/export.csv",
    tag = "audit",
    params(
        ("organisation" = Option<String>, Query, description = "An organisation id, or part of an organisation's name"),
        ("actor" = Option<String>, Query, description = "A stored actor, or part of a person's e-mail or name"),
        ("entity_kind" = Option<String>, Query, description = "Exact entity kind"),
        ("entity_id" = Option<String>, Query, description = "Exact entity id"),
        ("action" = Option<String>, Query, description = "Action prefix"),
        ("from" = Option<String>, Query, format = Date, description = "From this Asia/Seoul date, inclusive; not after `to`"),
        ("to" = Option<String>, Query, format = Date, description = "Until this Asia/Seoul date, inclusive"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The CSV file (text/csv; charset=utf-8)", content_type = "text/csv", body = String),
        (status = 400, description = "invalid_date", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not an auditor or an operator", body = ErrorBody),
    )
)]
pub async fn export_csv(State(state): State<AppState>, auth: Auth, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    auth.require(Rule::AnyRole(AUDIT_READERS))?;
    let q = parse_audit_query(&gureum_app::query::pairs(raw.as_deref()))?;
    csv_response(&state, &q.filter).await
}

/// The documented shape of the JSON export.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AuditExportDoc {
    /// When the file was made (RFC 3339, UTC).
    #[schema(format = DateTime)]
    generated_at: String,
    /// The filters applied, by their query names.
    filter: std::collections::BTreeMap<String, String>,
    count: u64,
    /// Oldest first.
    items: Vec<AuditEventView>,
}

/// Download the filtered audit log as JSON (auditor, operator), oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/audit/export.json",
    tag = "audit",
    params(
        ("organisation" = Option<String>, Query, description = "An organisation id, or part of an organisation's name"),
        ("actor" = Option<String>, Query, description = "A stored actor, or part of a person's e-mail or name"),
        ("entity_kind" = Option<String>, Query, description = "Exact entity kind"),
        ("entity_id" = Option<String>, Query, description = "Exact entity id"),
        ("action" = Option<String>, Query, description = "Action prefix"),
        ("from" = Option<String>, Query, format = Date, description = "From this Asia/Seoul date, inclusive; not after `to`"),
        ("to" = Option<String>, Query, format = Date, description = "Until this Asia/Seoul date, inclusive"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The JSON file", body = AuditExportDoc),
        (status = 400, description = "invalid_date", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not an auditor or an operator", body = ErrorBody),
    )
)]
pub async fn export_json(State(state): State<AppState>, auth: Auth, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    auth.require(Rule::AnyRole(AUDIT_READERS))?;
    let q = parse_audit_query(&gureum_app::query::pairs(raw.as_deref()))?;
    json_response(&state, &q.filter).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Vec<(String, String)> {
        gureum_app::query::pairs(Some(s))
    }

    #[test]
    fn query_parses_filters_and_pages() {
        let q = parse_audit_query(&p("action=auth.&from=2026-11-01&to=2026-11-23&page=2&per_page=500&actor=&x=1")).expect("valid");
        assert_eq!(q.filter.action.as_deref(), Some("auth."));
        assert_eq!(q.filter.actor, None);
        assert_eq!((q.page, q.per_page), (2, 500));
        assert_eq!(
            filter_pairs(&q.filter),
            vec![("action".into(), "auth.".into()), ("from".into(), "2026-11-01".into()), ("to".into(), "2026-11-23".into())]
        );
        for (bad, code) in [
            ("from=2026-13-01", "invalid_date"),
            ("to=yesterday", "invalid_date"),
            ("from=2026-11-02&to=2026-11-01", "invalid_date"),
            ("page=0", "invalid_page"),
            ("per_page=501", "invalid_per_page"),
            ("per_page=x", "invalid_per_page"),
        ] {
            assert_eq!(parse_audit_query(&p(bad)).err().map(|e| e.code.as_str()), Some(code), "{bad}");
        }
    }
}

//! Open contracting data (OCDS 1.1; SPEC §4 "Open data", docs/API.md "Open data"), public: the
//! release feed, a process's record package, the monthly bulk files. Extract, call
//! `gureum_app::ocds`, answer with cache headers.

use crate::api::schema::component;
use crate::error::{AppError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use gureum_app::ocds;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(releases)).routes(routes!(record)).routes(routes!(bulk))
}

/// An ocid: the prefix, `-`, a UUID.
pub const OCID_PATTERN: &str = "^[A-Za-z0-9-]+-[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$";
/// A bulk file's name: `YYYY-MM.json`.
pub const BULK_PATTERN: &str = "^[0-9]{4}-(0[1-9]|1[0-2])\\.json$";

fn publisher() -> Value {
    json!({"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "uri": {"type": "string"}}})
}

fn release() -> Value {
    json!({"type": "object", "required": ["ocid", "id", "date", "tag", "initiationType"], "description": "An OCDS 1.1 release (release-schema.json)",
        "properties": {"ocid": {"type": "string"}, "id": {"type": "string"}, "date": {"type": "string", "format": "date-time"},
            "tag": {"type": "array", "items": {"type": "string"}}, "initiationType": {"type": "string", "enum": ["tender"]}}})
}

component!(
    /// An OCDS 1.1 release package.
    ReleasePackageDoc,
    "OcdsReleasePackage",
    json!({"type": "object", "required": ["uri", "version", "publishedDate", "publisher", "releases"],
        "description": "OCDS 1.1 release package (release-package-schema.json); `links.next` names the next page while more follow",
        "properties": {
            "uri": {"type": "string"}, "version": {"type": "string", "enum": ["1.1"]},
            "publishedDate": {"type": "string", "format": "date-time"}, "publisher": publisher(), "license": {"type": "string"},
            "releases": {"type": "array", "items": release()},
            "links": {"type": "object", "properties": {"next": {"type": "string"}}}
        }})
);

component!(
    /// An OCDS 1.1 record package.
    RecordPackageDoc,
    "OcdsRecordPackage",
    json!({"type": "object", "required": ["uri", "version", "publishedDate", "publisher", "records"],
        "description": "OCDS 1.1 record package (record-package-schema.json): one record with its releases and its compiled release",
        "properties": {
            "uri": {"type": "string"}, "version": {"type": "string", "enum": ["1.1"]},
            "publishedDate": {"type": "string", "format": "date-time"}, "publisher": publisher(), "license": {"type": "string"},
            "records": {"type": "array", "minItems": 1, "maxItems": 1, "items": {"type": "object", "required": ["ocid", "releases", "compiledRelease"],
                "properties": {"ocid": {"type": "string"}, "releases": {"type": "array", "items": release()}, "compiledRelease": release()}}}
        }})
);

fn cached(v: Value, max_age: u32) -> Response {
    let mut r = Json(v).into_response();
    if let Ok(h) = HeaderValue::from_str(&format!("public, max-age={max_age}")) {
        r.headers_mut().insert(header::CACHE_CONTROL, h);
    }
    r
}

/// The release feed (public): every release dated at or after `since`, oldest first, 100 a
/// page, with `links.next` while more follow.
#[utoipa::path(get, path = "/api/v1/ocds/releases", tag = "open data",
    params(
        ("since" = Option<String>, Query, format = DateTime, description = "RFC 3339 date-time: releases dated at or after it"),
        ("page" = Option<i64>, Query, minimum = 1, maximum = 100_000, description = "From 1 (default 1); 100 releases a page"),
    ),
    responses(
        (status = 200, description = "A release package (an empty `releases` past the last page)", body = ReleasePackageDoc),
        (status = 400, description = "invalid_parameter (since or page)", body = ErrorBody),
    ))]
pub async fn releases(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    let pairs = gureum_app::query::pairs(raw.as_deref());
    let get = |k: &str| pairs.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    Ok(cached(ocds::releases(&state, get("since"), get("page")).await?, 60))
}

/// One process's record package (public): its releases and its compiled release.
#[utoipa::path(get, path = "/api/v1/ocds/records/{ocid}", tag = "open data",
    params(("ocid" = String, Path, pattern = r"^[A-Za-z0-9-]+-[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$",
        description = "The ocid: this instance's prefix (default ocds-gureum), `-`, and the id of the project, quote request or delivery request")),
    responses(
        (status = 200, description = "A record package", body = RecordPackageDoc),
        (status = 404, description = "not_found: no process of this ocid here", body = ErrorBody),
    ))]
pub async fn record(State(state): State<AppState>, Path(ocid): Path<String>) -> Result<Response, AppError> {
    Ok(cached(ocds::record(&state, &ocid).await?, 60))
}

/// A month's bulk file (public): a release package of every release dated in that month
/// (Asia/Seoul).
#[utoipa::path(get, path = "/api/v1/ocds/bulk/{file}", tag = "open data",
    params(("file" = String, Path, pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])\.json$", description = "The month's file, `YYYY-MM.json`")),
    responses(
        (status = 200, description = "A release package", body = ReleasePackageDoc),
        (status = 400, description = "invalid_parameter: not a YYYY-MM.json name", body = ErrorBody),
        (status = 404, description = "not_found: no release in that month", body = ErrorBody),
    ))]
pub async fn bulk(State(state): State<AppState>, Path(file): Path<String>) -> Result<Response, AppError> {
    let month = file.strip_suffix(".json").unwrap_or("");
    Ok(cached(ocds::bulk(&state, month).await?, 3_600))
}

//! The decision record (선정 사유서) as a document to print on A4 for internal approval
//! (내부결재), and its CSV, for exactly those `gureum_app::buying::projects::record` lets read it
//! (404 for others; a visitor signs in first).

use super::words::{W, grade_words, seoul};
use crate::auth::Rule;
use crate::error::AppError;
use crate::pages::form::require;
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gureum_app::buying::projects;
use gureum_domain::{CertType, CsapGrade, ServiceKind};
use serde_json::Value;

pub fn routes() -> Router<AppState> {
    Router::new().route("/decision-records/{id}", get(show)).route("/decision-records/{id}/download.csv", get(csv))
}

/// One short-listed service of the comparison as it stood at the choice.
pub struct CompareRow {
    pub name: String,
    pub code: String,
    pub supplier: String,
    pub kind: String,
    pub csap_type: String,
    pub grade: String,
    pub valid_to: String,
    pub location: String,
    pub lowest: String,
    pub chosen: bool,
}

pub struct SearchRow {
    pub seq: String,
    pub params: String,
    pub at: String,
    pub total: String,
    pub added: String,
    pub left_out: String,
}

#[derive(Template)]
#[template(path = "buyer/record.html")]
struct RecordTpl {
    layout: Layout,
    w: W,
    id: String,
    agency: String,
    project: String,
    project_id: String,
    /// The reader is of the record's agency (its project's page is theirs to open).
    own: bool,
    grade: String,
    created: String,
    searches: Vec<SearchRow>,
    long_count: usize,
    rows: Vec<CompareRow>,
    chosen: Vec<String>,
    reason: String,
    hash: String,
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        v => v.to_string(),
    }
}

fn compare_rows(w: W, rec: &Value) -> Vec<CompareRow> {
    let chosen: Vec<&str> = rec["chosen"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let dash = || "-".to_owned();
    rec["comparison"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            let lowest = r["plans"].as_array().and_then(|ps| ps.iter().filter_map(|p| p["unit_price_krw"].as_i64()).min());
            CompareRow {
                name: text(&r["name"]),
                code: text(&r["code"]),
                supplier: text(&r["supplier"]["name"]),
                kind: r["kind"].as_str().and_then(ServiceKind::parse).map(|k| w.0.kind(k).to_owned()).unwrap_or_else(|| text(&r["kind"])),
                csap_type: r["csap_type"].as_str().and_then(CertType::parse).map(|c| w.0.cert_type(c).to_owned()).unwrap_or_else(dash),
                grade: r["effective_grade"]
                    .as_str()
                    .and_then(CsapGrade::parse)
                    .map(|g| format!("CSAP {}", w.0.grade(g)))
                    .unwrap_or_else(dash),
                valid_to: r["valid_to"].as_str().map(str::to_owned).unwrap_or_else(dash),
                location: r["data_location"].as_str().map(str::to_owned).unwrap_or_else(dash),
                lowest: lowest.map(|n| w.won(n)).unwrap_or_else(dash),
                chosen: r["service_id"].as_str().is_some_and(|id| chosen.contains(&id)),
            }
        })
        .collect()
}

fn params_line(v: &Value) -> String {
    let Some(o) = v.as_object() else { return String::new() };
    o.iter()
        .map(|(k, v)| match v {
            Value::Array(a) => format!("{k}={}", a.iter().map(text).collect::<Vec<_>>().join("·")),
            v => format!("{k}={}", text(v)),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

async fn show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let p = match require(&ctx, Rule::Authenticated) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let rec = match projects::record(&state, p, &id).await {
        Ok(r) => r,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let w = W(ctx.lang);
    let rows = compare_rows(w, &rec);
    let chosen = rows.iter().filter(|r| r.chosen).map(|r| format!("{} ({}, {})", r.name, r.code, r.supplier)).collect();
    let tpl = RecordTpl {
        layout: ctx.layout(format!("{} — {}", w.t("by.record.title"), text(&rec["project_title"])), Section::Desk),
        w,
        id: text(&rec["id"]),
        agency: text(&rec["agency"]["name"]),
        project: text(&rec["project_title"]),
        project_id: text(&rec["project_id"]),
        own: rec["agency"]["id"].as_str() == Some(p.org().id.as_str()),
        grade: grade_words(w, rec["required_grade"].as_str()),
        created: seoul(&text(&rec["created_at"])),
        searches: rec["searches"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| SearchRow {
                seq: text(&s["seq"]),
                params: params_line(&s["params"]),
                at: seoul(&text(&s["searched_at"])),
                total: text(&s["total"]),
                added: text(&s["added"]),
                left_out: text(&s["left_out"]),
            })
            .collect(),
        long_count: rec["long_list"].as_array().map(Vec::len).unwrap_or(0),
        rows,
        chosen,
        reason: text(&rec["reason"]),
        hash: text(&rec["hash"]),
    };
    ctx.render(StatusCode::OK, &tpl)
}

/// The record as CSV, saved by the browser (`decision-record-{id}.csv`), never cached by others.
async fn csv(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let p = match require(&ctx, Rule::Authenticated) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let rec = match projects::record(&state, p, &id).await {
        Ok(r) => r,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let name = format!("attachment; filename=\"decision-record-{}.csv\"", text(&rec["id"]));
    let mut res = projects::record_csv(&rec).into_response();
    let h = res.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(&name) {
        h.insert(CONTENT_DISPOSITION, v);
    }
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use serde_json::json;

    #[test]
    fn the_comparison_shows_the_lowest_price_and_the_choice() {
        let rec = json!({"chosen": ["a"], "comparison": [
            {"service_id": "a", "name": "A", "code": "SAS-1", "supplier": {"name": "S"}, "kind": "saas", "csap_type": null,
             "effective_grade": "low", "valid_to": "2027-01-31", "data_location": "서울", "plans": [{"unit_price_krw": 9000}, {"unit_price_krw": 1200}]},
            {"service_id": "b", "name": "B", "code": "SAS-2", "supplier": {"name": "T"}, "kind": "iaas", "plans": []}]});
        let rows = compare_rows(W(Lang::Ko), &rec);
        assert_eq!(rows.len(), 2);
        assert!(rows[0].chosen && !rows[1].chosen);
        assert_eq!(rows[0].lowest, "1,200원");
        assert_eq!(rows[1].lowest, "-");
        assert_eq!(rows[0].csap_type, "-");
        assert_eq!(rows[0].location, "서울");
    }
}

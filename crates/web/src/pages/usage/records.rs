//! `/usage/upload` (a supplier's people): a CSV file of usage records
//! (`record_id,contract_id,meter,quantity,period_start,period_end`, a header line, UTF-8 with or
//! without a byte-order mark), stored all or nothing through the same use case as
//! `POST /api/v1/usage`; every bad row named by its line and field, in Korean or English.

use crate::api::lifecycle::{not_multipart, read_upload};
use crate::auth::{Rule, SUPPLIER, request_id};
use crate::error::{AppError, Code};
use crate::pages::form::{check_csrf, require};
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::Multipart;
use axum::extract::State;
use axum::extract::multipart::MultipartRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use gureum_app::usage::records::{self, BatchOutcome, CSV_COLUMNS, MAX_BATCH, Refused};

pub fn routes() -> Router<AppState> {
    Router::new().route("/usage/upload", get(show).post(upload))
}

/// One bad row, as the page names it.
pub struct BadRow {
    pub line: String,
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

/// The page's words, picked for the reader's language.
pub struct Words {
    pub title: &'static str,
    pub lead: String,
    pub file: &'static str,
    pub hint: String,
    pub submit: &'static str,
    pub api_note: &'static str,
    pub done_title: &'static str,
    pub accepted: &'static str,
    pub duplicates: &'static str,
    pub refused_title: &'static str,
    pub refused_lead: &'static str,
    pub caption: &'static str,
    pub col_line: &'static str,
    pub col_field: &'static str,
    pub col_problem: &'static str,
    pub code_label: &'static str,
    pub home: &'static str,
    pub breadcrumb: &'static str,
}

fn words(lang: crate::i18n::Lang) -> Words {
    let p = |ko, en| lang.pick(ko, en);
    let cols = CSV_COLUMNS.join(",");
    Words {
        title: p("사용량 올리기", "Upload usage"),
        lead: if lang.is_ko() {
            format!(
                "계약별 종량 사용량을 CSV 파일로 올립니다. 파일 하나에 {MAX_BATCH}건까지, 전부 저장되거나 하나도 저장되지 않습니다. 같은 record_id의 같은 기록은 다시 올려도 한 번만 저장됩니다."
            )
        } else {
            format!(
                "Upload metered usage per contract as a CSV file: up to {MAX_BATCH} records a file, all stored or none. The same record with the same record_id is stored once, however often it is sent."
            )
        },
        file: p("CSV 파일", "CSV file"),
        hint: if lang.is_ko() {
            format!(
                "첫 줄은 열 이름 {cols} 입니다. UTF-8(BOM 있어도 됨). 기간은 RFC 3339 (예: 2026-11-01T00:00:00+09:00), 사용량은 소수점 아래 6자리까지."
            )
        } else {
            format!(
                "The first line names the columns {cols}. UTF-8 (a BOM is fine). Periods in RFC 3339 (e.g. 2026-11-01T00:00:00+09:00), quantities with at most 6 decimal places."
            )
        },
        submit: p("올리기", "Upload"),
        api_note: p(
            "기계에서 보낼 때는 usage:write 권한의 API 토큰으로 POST /api/v1/usage 를 쓰세요.",
            "Machines send the same records to POST /api/v1/usage with an API token holding usage:write.",
        ),
        done_title: p("저장했습니다", "Stored"),
        accepted: p("새로 저장한 기록", "Records stored"),
        duplicates: p("이미 있던 같은 기록", "Already stored (same content)"),
        refused_title: p("아무것도 저장하지 않았습니다", "Nothing was stored"),
        refused_lead: p("아래 줄을 고쳐 파일 전체를 다시 올리세요.", "Fix the lines below and upload the whole file again."),
        caption: p("잘못된 줄", "Lines with problems"),
        col_line: p("줄", "Line"),
        col_field: p("항목", "Field"),
        col_problem: p("문제", "Problem"),
        code_label: p("코드", "Code"),
        home: p("홈", "Home"),
        breadcrumb: p("현재 위치", "You are here"),
    }
}

#[derive(Template)]
#[template(path = "usage/records_upload.html")]
struct UploadTpl {
    layout: Layout,
    w: Words,
    csrf: String,
    done: Option<BatchOutcome>,
    /// A refusal of the whole file (not UTF-8, no header, …): its message.
    error: Option<(String, &'static str)>,
    rows: Vec<BadRow>,
}

fn render(ctx: &Ctx, status: StatusCode, done: Option<BatchOutcome>, error: Option<(String, &'static str)>, rows: Vec<BadRow>) -> Response {
    let w = words(ctx.lang);
    let tpl = UploadTpl { layout: ctx.layout(w.title, Section::Desk), csrf: ctx.csrf.clone(), w, done, error, rows };
    ctx.render(status, &tpl)
}

async fn show(ctx: Ctx) -> Response {
    if let Err(r) = require(&ctx, Rule::AnyRole(SUPPLIER)) {
        return r;
    }
    render(&ctx, StatusCode::OK, None, None, Vec::new())
}

async fn upload(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, mp: Result<Multipart, MultipartRejection>) -> Response {
    // As the document uploads: who first (a visitor signs in, another role is refused), then the
    // form, whose CSRF field is inside the multipart body.
    let p = match require(&ctx, Rule::AnyRole(SUPPLIER)) {
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
    let Some((_, bytes)) = up.file else {
        let e = AppError::new(Code::FileRequired, "attach a CSV file in the field `file`");
        return render(
            &ctx,
            e.status,
            None,
            Some((ctx.lang.pick("CSV 파일을 첨부하세요.", "Attach a CSV file.").to_owned(), e.code.as_str())),
            Vec::new(),
        );
    };
    match records::submit_csv(&state, p, &bytes, request_id(&headers)).await {
        Ok(Ok(done)) => render(&ctx, StatusCode::OK, Some(done), None, Vec::new()),
        Ok(Err(Refused::Invalid(errors))) => {
            let rows = errors
                .iter()
                .map(|e| BadRow {
                    line: e.line.map(|l| l.to_string()).unwrap_or_default(),
                    field: e.field.unwrap_or("-").to_owned(),
                    code: e.code,
                    message: if ctx.lang.is_ko() { e.message_ko() } else { e.message.clone() },
                })
                .collect();
            render(&ctx, StatusCode::BAD_REQUEST, None, None, rows)
        }
        Ok(Err(Refused::Conflict(indexes))) => {
            let e = AppError::from(gureum_app::Error::from(Refused::Conflict(indexes.clone())));
            // A conflict names the rows by their place in the file: the header is line 1.
            let rows = indexes
                .iter()
                .map(|i| BadRow {
                    line: (i + 2).to_string(),
                    field: "record_id".into(),
                    code: "record_conflict",
                    message: ctx
                        .lang
                        .pick("이 record_id는 이미 다른 내용으로 저장되어 있습니다", "this record_id is already stored with other content")
                        .to_owned(),
                })
                .collect();
            render(&ctx, e.status, None, None, rows)
        }
        Err(e) => {
            let e = AppError::from(e);
            if e.status == StatusCode::FORBIDDEN {
                return ctx.error(&e);
            }
            let msg = if ctx.lang.is_ko() { format!("파일을 읽을 수 없습니다: {}", e.message) } else { e.message.clone() };
            render(&ctx, e.status, None, Some((msg, e.code.as_str())), Vec::new())
        }
    }
}

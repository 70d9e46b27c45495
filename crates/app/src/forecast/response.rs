//! An agency's answer (수요예보 응답): its buyer or budget officer reads it (prefilled with the
//! systems of its last submitted answer), puts and deletes systems by the agency's own key, or
//! uploads them as CSV, and submits — all only while the survey is open (409 `survey_closed`).
//! The response is always the caller's own agency's: no path names another's.

use super::{SystemView, audit, is_answerer, require_open, system_json, system_view};
use crate::actor::Principal;
use crate::body::{Fields, bad};
use crate::context::Context;
use crate::error::{Code, Error, Result};
use gureum_domain::forecast::{self, AnswerError, Change, Hosting, NoPlanReason, SystemAnswer, TargetType};
use gureum_storage::{ForecastResponse, ForecastSurvey, ForecastSystem};
use serde::Serialize;
use serde_json::{Value, json};

/// The columns of the CSV upload, in order (the template's header line).
pub const CSV_COLUMNS: [&str; 9] =
    ["key", "name", "current_hosting", "planned_year", "target_type", "change", "functions", "budget_krw", "no_plan_reason"];
/// The most systems one CSV file may hold.
pub const MAX_CSV_ROWS: usize = 5_000;

/// An agency's response with its systems.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResponseView {
    pub id: String,
    pub survey_id: String,
    pub organisation_id: String,
    /// draft or submitted.
    pub status: String,
    pub submitted_at: Option<String>,
    /// Whether the systems were copied from the agency's answer to an earlier survey.
    pub prefilled: bool,
    /// Whether it can be changed and submitted today.
    pub open: bool,
    pub systems: Vec<SystemView>,
}

/// The id an agency's response to a survey has, or will have once it is made: derived from
/// both ids (FNV-1a, two seeds, as a UUID v8), so the view read before the row exists names the
/// row that the agency's first write makes.
pub fn response_id(survey_id: &str, org_id: &str) -> String {
    fn fnv(seed: u64, bytes: &[u8]) -> u64 {
        let mut h = 0xcbf2_9ce4_8422_2325_u64 ^ seed;
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h
    }
    let key = format!("{survey_id}/{org_id}");
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&fnv(0x9e37_79b9_7f4a_7c15, key.as_bytes()).to_be_bytes());
    bytes[8..].copy_from_slice(&fnv(0xc2b2_ae3d_27d4_eb4f, key.as_bytes()).to_be_bytes());
    uuid::Builder::from_custom_bytes(bytes).into_uuid().to_string()
}

/// The caller's agency's survey and response, if it has one yet. 403 for anyone but an
/// agency's buyer or budget officer.
async fn own_read(ctx: &Context, p: &Principal, survey_id: &str) -> Result<(ForecastSurvey, Option<ForecastResponse>)> {
    if !is_answerer(p) {
        return Err(Error::forbidden());
    }
    let s = super::survey(ctx, survey_id).await?;
    let r = ctx.db().forecast_response(&s.id, &p.org().id).await?;
    Ok((s, r))
}

/// The caller's agency's response for a write, made now (asked as at opening, with an audit
/// event) when the agency had none yet — one approved by a path that did not ask it — while the
/// survey is not closed. 404 when the agency was never asked of a closed survey.
async fn own(ctx: &Context, p: &Principal, survey_id: &str) -> Result<(ForecastSurvey, ForecastResponse)> {
    let (s, r) = own_read(ctx, p, survey_id).await?;
    if let Some(r) = r {
        return Ok((s, r));
    }
    if super::phase(&s, ctx.clock().today()) == forecast::Phase::Closed {
        return Err(Error::not_found("response"));
    }
    let org = p.org().id.clone();
    let kind = ctx.db().agency_kind(&org).await?;
    let mut tx = ctx.db().begin_write().await?;
    if super::surveys::ask(ctx, &mut tx, &s, &org, kind.as_deref()).await? {
        let id = response_id(&s.id, &org);
        audit(
            &mut tx,
            (&p.actor(), Some(&org)),
            None,
            "forecast_response.create",
            ("forecast_response", &id),
            None,
            json!({"survey_id": s.id, "status": "draft"}),
        )
        .await?;
    }
    tx.commit().await?;
    let r = ctx.db().forecast_response(&s.id, &org).await?.ok_or_else(|| Error::internal("the response went away"))?;
    Ok((s, r))
}

async fn view(ctx: &Context, s: &ForecastSurvey, r: &ForecastResponse) -> Result<ResponseView> {
    let systems = ctx.db().forecast_systems(&r.id).await?;
    Ok(ResponseView {
        id: r.id.clone(),
        survey_id: r.survey_id.clone(),
        organisation_id: r.org_id.clone(),
        status: r.status.clone(),
        submitted_at: r.submitted_at.map(gureum_domain::clock::rfc3339_utc),
        prefilled: r.prefilled_from.is_some(),
        open: super::phase(s, ctx.clock().today()) == forecast::Phase::Open,
        systems: systems.iter().map(system_view).collect(),
    })
}

/// The caller's agency's response. It writes nothing: an agency not asked yet (while the survey
/// is not closed) reads the draft it would have — prefilled from its last submitted answer —
/// and its first write makes it. 404 when it was never asked of a closed survey.
pub async fn get(ctx: &Context, p: &Principal, survey_id: &str) -> Result<ResponseView> {
    let (s, r) = own_read(ctx, p, survey_id).await?;
    if let Some(r) = r {
        return view(ctx, &s, &r).await;
    }
    let phase = super::phase(&s, ctx.clock().today());
    if phase == forecast::Phase::Closed {
        return Err(Error::not_found("response"));
    }
    let org = p.org().id.clone();
    let source = ctx.db().forecast_prefill_source(&s.id, &org).await?;
    let systems = match &source {
        Some(src) => ctx.db().forecast_systems(src).await?,
        None => Vec::new(),
    };
    Ok(ResponseView {
        id: response_id(&s.id, &org),
        survey_id: s.id.clone(),
        organisation_id: org,
        status: "draft".into(),
        submitted_at: None,
        prefilled: source.is_some(),
        open: phase == forecast::Phase::Open,
        systems: systems.iter().map(system_view).collect(),
    })
}

/// A refused answer as an API error; `prefix` names the CSV line.
fn answer_error(e: AnswerError, prefix: &str) -> Error {
    match e {
        AnswerError::Field(k, why) => Error::new(Code::InvalidField, format!("{prefix}{k}: {why}")),
        AnswerError::ReasonRequired => Error::new(
            Code::ReasonRequired,
            format!("{prefix}no_plan_reason: a system without a planned year needs a reason for having no plan"),
        ),
    }
}

fn code_of<T: Copy>(v: Option<&str>, key: &str, parse: fn(&str) -> Option<T>, codes: &[&str]) -> Result<Option<T>> {
    match v.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => parse(t).map(Some).ok_or_else(|| bad(key, &format!("one of {}", codes.join(", ")))),
    }
}

/// Reads a system from a body (the key comes from the path); its planned year is not before
/// the survey's `year`.
pub fn answer_from(key: &str, year: i64, body: &Value) -> Result<SystemAnswer> {
    let f = Fields::of(body)?;
    let name = f.string("name")?.unwrap_or("").to_owned();
    let hosting = code_of(f.string("current_hosting")?, "current_hosting", Hosting::parse, &Hosting::codes())?
        .ok_or_else(|| bad("current_hosting", "required: one of own, nirs, private, none"))?;
    let planned_year = f
        .int("planned_year")?
        .map(|y| {
            i32::try_from(y).map_err(|_| bad("planned_year", &format!("a year from {} to {}", forecast::MIN_YEAR, forecast::MAX_YEAR)))
        })
        .transpose()?;
    let functions = match f.strings("functions")? {
        Some(list) => forecast::functions(&list).map_err(|e| answer_error(e, ""))?,
        None => Vec::new(),
    };
    SystemAnswer {
        key: key.to_owned(),
        name,
        current_hosting: hosting,
        planned_year,
        target_type: code_of(f.string("target_type")?, "target_type", TargetType::parse, &TargetType::codes())?,
        change: code_of(f.string("change")?, "change", Change::parse, &Change::codes())?,
        functions,
        budget_krw: f.int("budget_krw")?,
        no_plan_reason: code_of(f.string("no_plan_reason")?, "no_plan_reason", NoPlanReason::parse, &NoPlanReason::codes())?,
    }
    .check_for(year)
    .map_err(|e| answer_error(e, ""))
}

fn stored(a: &SystemAnswer) -> ForecastSystem {
    ForecastSystem {
        key: a.key.clone(),
        name: a.name.clone(),
        current_hosting: a.current_hosting.as_str().to_owned(),
        planned_year: a.planned_year.map(i64::from),
        target_type: a.target_type.map(|t| t.as_str().to_owned()),
        change: a.change.map(|c| c.as_str().to_owned()),
        functions: a.functions.clone(),
        budget_krw: a.budget_krw,
        no_plan_reason: a.no_plan_reason.map(|r| r.as_str().to_owned()),
        updated_at: 0,
    }
}

/// 400 `invalid_id`-like refusal of a malformed key in a path.
fn key_of(raw: &str) -> Result<String> {
    if forecast::key_ok(raw) {
        Ok(raw.to_owned())
    } else {
        Err(Error::new(Code::InvalidId, "a system key is a letter or digit, then letters, digits, '.', '_' or '-' (at most 64)"))
    }
}

/// Creates or replaces one system (while the survey is open).
pub async fn put_system(ctx: &Context, p: &Principal, survey_id: &str, key: &str, body: &Value, rid: Option<String>) -> Result<SystemView> {
    let key = key_of(key)?;
    let (s, r) = own(ctx, p, survey_id).await?;
    let answer = answer_from(&key, s.year, body)?;
    require_open(&s, ctx.clock().today())?;
    let row = stored(&answer);
    let mut tx = ctx.db().begin_write().await?;
    let before = tx.forecast_system(&r.id, &key).await?;
    tx.put_forecast_system(&r.id, &row).await?;
    let after = tx.forecast_system(&r.id, &key).await?.ok_or_else(|| Error::internal("the system went away"))?;
    audit(
        &mut tx,
        (&p.actor(), Some(&p.org().id)),
        rid,
        if before.is_some() { "forecast_system.replace" } else { "forecast_system.create" },
        ("forecast_response", &r.id),
        before.as_ref().map(system_json),
        system_json(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(system_view(&after))
}

/// Deletes one system (while the survey is open); 404 when the response has none by that key.
pub async fn delete_system(ctx: &Context, p: &Principal, survey_id: &str, key: &str, rid: Option<String>) -> Result<()> {
    let key = key_of(key)?;
    let (s, r) = own_read(ctx, p, survey_id).await?;
    require_open(&s, ctx.clock().today())?;
    let Some(r) = r else { return Err(Error::not_found("system")) };
    let mut tx = ctx.db().begin_write().await?;
    let Some(before) = tx.forecast_system(&r.id, &key).await? else {
        tx.rollback().await?;
        return Err(Error::not_found("system"));
    };
    tx.delete_forecast_system(&r.id, &key).await?;
    audit(
        &mut tx,
        (&p.actor(), Some(&p.org().id)),
        rid,
        "forecast_system.delete",
        ("forecast_response", &r.id),
        Some(system_json(&before)),
        json!({"key": key, "deleted": true}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Submits the response (while the survey is open; again after a change). A response without
/// any system is refused (400 `invalid_field` naming `systems`), also when its last system is
/// deleted meanwhile; so is one holding a system (prefilled from an earlier survey) planned for
/// a year before the survey's (400 `invalid_field` naming the system's key).
pub async fn submit(ctx: &Context, p: &Principal, survey_id: &str, rid: Option<String>) -> Result<ResponseView> {
    let (s, r) = own(ctx, p, survey_id).await?;
    require_open(&s, ctx.clock().today())?;
    let no_systems = || bad("systems", "enter at least one information system before submitting");
    let mut tx = ctx.db().begin_write().await?;
    let n = tx.forecast_system_count(&r.id).await?;
    if n == 0 {
        tx.rollback().await?;
        return Err(no_systems());
    }
    if let Some(old) = tx.forecast_systems(&r.id).await?.into_iter().find(|x| x.planned_year.is_some_and(|y| y < s.year)) {
        tx.rollback().await?;
        return Err(Error::new(
            Code::InvalidField,
            format!(
                "systems.{}.planned_year: planned for {}, before the survey's year {}; change it before submitting",
                old.key,
                old.planned_year.unwrap_or_default(),
                s.year
            ),
        ));
    }
    if !tx.submit_forecast_response(&r.id, &p.actor()).await? {
        tx.rollback().await?;
        return Err(no_systems());
    }
    audit(
        &mut tx,
        (&p.actor(), Some(&p.org().id)),
        rid,
        "forecast_response.submit",
        ("forecast_response", &r.id),
        Some(json!({"status": r.status})),
        json!({"status": "submitted", "survey_id": s.id, "systems": n}),
    )
    .await?;
    tx.commit().await?;
    let r = ctx.db().forecast_response(&s.id, &r.org_id).await?.ok_or_else(|| Error::internal("the response went away"))?;
    view(ctx, &s, &r).await
}

/// The CSV template: the header line and two example rows (one planned, one without a plan).
pub fn csv_template() -> String {
    let mut out = String::from("\u{feff}");
    crate::csv::csv_line(&mut out, &CSV_COLUMNS);
    crate::csv::csv_line(
        &mut out,
        &["SYS-001", "전자결재 시스템", "own", "2027", "saas", "conversion", "전자결재;전자문서", "50000000", ""],
    );
    crate::csv::csv_line(&mut out, &["SYS-002", "내부 업무 포털", "nirs", "", "", "", "", "", "security"]);
    out
}

/// The CSV upload: the systems of every line put at once, or — when any line is bad — none,
/// with the first bad line named (`line N: field: why`). Functions are separated by `;`.
/// Answers how many systems were put.
pub async fn upload_csv(ctx: &Context, p: &Principal, survey_id: &str, bytes: &[u8], rid: Option<String>) -> Result<usize> {
    let (s, r) = own(ctx, p, survey_id).await?;
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| Error::new(Code::InvalidField, "file: the file is not UTF-8 text"))?;
    let rows = crate::usage::records::parse_csv(text);
    let mut rows = rows.into_iter().filter(|(_, f)| !(f.len() == 1 && f[0].trim().is_empty()));
    let Some((_, header)) = rows.next() else {
        return Err(bad("file", &format!("the file is empty; its first line names the columns {}", CSV_COLUMNS.join(","))));
    };
    if header.iter().map(|h| h.trim()).ne(CSV_COLUMNS.iter().copied()) {
        return Err(bad("file", &format!("the first line must name the columns {}", CSV_COLUMNS.join(","))));
    }
    let rows: Vec<(usize, Vec<String>)> = rows.collect();
    if rows.is_empty() {
        return Err(bad("file", "the file holds no system"));
    }
    if rows.len() > MAX_CSV_ROWS {
        return Err(bad("file", &format!("a file holds at most {MAX_CSV_ROWS} systems; this one holds {}", rows.len())));
    }
    let mut answers: Vec<SystemAnswer> = Vec::with_capacity(rows.len());
    for (line, cols) in &rows {
        let prefix = format!("line {line}: ");
        if cols.len() != CSV_COLUMNS.len() {
            return Err(Error::new(Code::InvalidField, format!("{prefix}the line has {} columns, not {}", cols.len(), CSV_COLUMNS.len())));
        }
        let cell = |k: usize| -> Value {
            match cols[k].trim() {
                "" => Value::Null,
                v => Value::from(v),
            }
        };
        let key = cols[0].trim();
        if !forecast::key_ok(key) {
            return Err(Error::new(Code::InvalidField, format!("{prefix}key: a letter or digit, then letters, digits, '.', '_' or '-'")));
        }
        let year = match cols[3].trim() {
            "" => Value::Null,
            y => y.parse::<i64>().map(Value::from).map_err(|_| Error::new(Code::InvalidField, format!("{prefix}planned_year: a year")))?,
        };
        let budget = match cols[7].trim().replace(',', "").as_str() {
            "" => Value::Null,
            b => b
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| Error::new(Code::InvalidField, format!("{prefix}budget_krw: a whole number of won")))?,
        };
        let functions: Vec<&str> = cols[6].split([';', '|']).collect();
        let body = json!({"name": cell(1), "current_hosting": cell(2), "planned_year": year, "target_type": cell(4), "change": cell(5),
            "functions": functions, "budget_krw": budget, "no_plan_reason": cell(8)});
        let a = answer_from(key, s.year, &body).map_err(|e| Error::new(e.code, format!("{prefix}{}", e.message)))?;
        if answers.iter().any(|b| b.key == a.key) {
            return Err(Error::new(Code::InvalidField, format!("{prefix}key: {} appears on an earlier line", a.key)));
        }
        answers.push(a);
    }
    require_open(&s, ctx.clock().today())?;
    let mut tx = ctx.db().begin_write().await?;
    for a in &answers {
        tx.put_forecast_system(&r.id, &stored(a)).await?;
    }
    audit(
        &mut tx,
        (&p.actor(), Some(&p.org().id)),
        rid,
        "forecast_system.upload",
        ("forecast_response", &r.id),
        None,
        json!({"systems": answers.iter().map(|a| a.key.clone()).collect::<Vec<_>>()}),
    )
    .await?;
    tx.commit().await?;
    Ok(answers.len())
}

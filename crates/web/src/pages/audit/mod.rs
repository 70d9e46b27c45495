//! `/audit`: the audit log for auditors (and operators). One GET form filters it (so its address
//! can be bookmarked); the chain check and the downloads keep the filters. Nothing here writes:
//! the chain check is a GET, and the auditor has no form that changes anything.

use super::layout::{Ctx, Layout, Section};
use super::links::{self, Pager};
use crate::api::audit::{self as api, AuditQuery, VerifyView};
use crate::auth::{AUDIT_READERS, MaybeAuth, Rule};
use crate::error::{AppError, Code};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use gureum_domain::clock::{rfc3339_utc, seoul_minute};
use gureum_storage::AuditEntry;
use serde_json::Value;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/audit", get(audit_page))
        .route("/audit/verify", get(verify_page))
        .route("/audit/export.csv", get(export_csv))
        .route("/audit/export.json", get(export_json))
}

/// The longest before/after text shown in a row; the downloads carry everything.
const SHOWN_JSON_CHARS: usize = 3000;

/// Lets auditors and operators through (`None`); a visitor is sent to log in and come back,
/// anyone else gets the 403 page.
fn gate(ctx: &Ctx, auth: &MaybeAuth) -> Option<Response> {
    match &auth.0 {
        None => {
            let back = match &ctx.query {
                Some(q) if !q.is_empty() => format!("{}?{q}", ctx.path),
                _ => ctx.path.clone(),
            };
            Some(Redirect::to(&format!("/login?{}", links::query1("next", &back))).into_response())
        }
        Some(p) => Rule::AnyRole(AUDIT_READERS)
            .check(p)
            .err()
            .map(|_| ctx.error(&AppError::new(Code::AuditForbidden, "only auditors and operators may read the audit log"))),
    }
}

/// The filter form as filled in (raw strings, so a wrong value is shown back as typed).
#[derive(Debug, Default)]
pub struct FormState {
    pub organisation: String,
    pub actor: String,
    pub entity_kind: String,
    pub entity_id: String,
    pub action: String,
    pub from: String,
    pub to: String,
    pub per_page: String,
}

impl FormState {
    fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut f = Self::default();
        for (k, v) in pairs {
            let v = v.trim().to_owned();
            match k.as_str() {
                "organisation" => f.organisation = v,
                "actor" => f.actor = v,
                "entity_kind" => f.entity_kind = v,
                "entity_id" => f.entity_id = v,
                "action" => f.action = v,
                "from" => f.from = v,
                "to" => f.to = v,
                "per_page" => f.per_page = v,
                _ => {}
            }
        }
        f
    }

    /// The non-empty filters as pairs (hidden fields of the chain-check form, download links).
    fn pairs(&self) -> Vec<(String, String)> {
        [
            ("organisation", &self.organisation),
            ("actor", &self.actor),
            ("entity_kind", &self.entity_kind),
            ("entity_id", &self.entity_id),
            ("action", &self.action),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .collect()
    }
}

/// One event as a table row.
pub struct EventRow {
    pub seq: i64,
    pub at_iso: String,
    pub at: String,
    pub actor_label: String,
    /// The e-mail of a person, or the stored actor when it is not shown as the label.
    pub actor_sub: String,
    pub actor_href: String,
    pub org_label: String,
    pub org_href: String,
    pub action: String,
    pub action_href: String,
    pub entity_kind: String,
    pub entity_id: String,
    pub entity_href: String,
    pub summary: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub truncated: bool,
    pub request_id: String,
    pub hash: String,
}

/// A value in one short line: strings bare, anything else as compact JSON, at most `max` chars.
fn short(v: &Value, max: usize) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    clip(&s, max).0
}

/// The first `max` characters, and whether anything was cut.
fn clip(s: &str, max: usize) -> (String, bool) {
    match s.char_indices().nth(max) {
        Some((i, _)) => (format!("{}…", &s[..i]), true),
        None => (s.to_owned(), false),
    }
}

/// The change in one line: `key: before → after` for changed keys of two objects, else the
/// keys and values recorded, at most three of them.
pub fn change_summary(before: Option<&Value>, after: Option<&Value>) -> String {
    const KEYS: usize = 3;
    const VAL: usize = 32;
    let mut parts: Vec<String> = Vec::new();
    let mut more = 0;
    let mut add = |s: String| {
        if parts.len() < KEYS {
            parts.push(s);
        } else {
            more += 1;
        }
    };
    match (before, after) {
        (Some(Value::Object(b)), Some(Value::Object(a))) => {
            for (k, av) in a {
                match b.get(k) {
                    Some(bv) if bv == av => {}
                    Some(bv) => add(format!("{k}: {} → {}", short(bv, VAL), short(av, VAL))),
                    None => add(format!("{k}: → {}", short(av, VAL))),
                }
            }
            for (k, bv) in b {
                if !a.contains_key(k) {
                    add(format!("{k}: {} →", short(bv, VAL)));
                }
            }
        }
        (b, a) => {
            for (v, arrow_after) in [(b, false), (a, true)] {
                match v {
                    Some(Value::Object(m)) => {
                        for (k, x) in m {
                            add(if arrow_after { format!("{k}: {}", short(x, VAL)) } else { format!("{k}: {} →", short(x, VAL)) });
                        }
                    }
                    Some(Value::Null) | None => {}
                    Some(x) => add(if arrow_after { short(x, VAL) } else { format!("{} →", short(x, VAL)) }),
                }
            }
        }
    }
    let mut s = parts.join(", ");
    if more > 0 {
        s.push_str(&format!(" (+{more})"));
    }
    s
}

fn pretty(v: &Option<Value>) -> (Option<String>, bool) {
    match v {
        None => (None, false),
        Some(v) => {
            let text = serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string());
            let (s, cut) = clip(&text, SHOWN_JSON_CHARS);
            (Some(s), cut)
        }
    }
}

impl EventRow {
    fn new(lang: Lang, e: &AuditEntry) -> Self {
        let ev = e.event();
        let filter = |k: &str, v: &str| links::href("/audit", &[(k.to_owned(), v.to_owned())]);
        let (actor_label, actor_sub) = match api::actor_kind(e) {
            "cli" => (lang.t("audit.actor.cli").to_owned(), String::new()),
            "system" => (lang.t("audit.actor.system").to_owned(), String::new()),
            "anonymous" => (lang.t("audit.actor.anonymous").to_owned(), String::new()),
            "token" => (
                format!(
                    "{}: {}",
                    lang.t("audit.actor.token"),
                    e.actor_token_name.clone().unwrap_or_else(|| ev.actor.trim_start_matches("token:").to_owned())
                ),
                ev.actor.clone(),
            ),
            "user" => (e.actor_name.clone().unwrap_or_default(), e.actor_email.clone().unwrap_or_default()),
            _ => (lang.t("audit.actor.unknown").to_owned(), ev.actor.clone()),
        };
        let (org_label, org_href) = match &ev.organisation {
            Some(id) => (e.organisation_name.clone().unwrap_or_else(|| id.clone()), filter("organisation", id)),
            None => (String::new(), String::new()),
        };
        let (before, cut_b) = pretty(&ev.before);
        let (after, cut_a) = pretty(&ev.after);
        let mut entity = vec![("entity_kind".to_owned(), ev.entity_kind.clone())];
        entity.push(("entity_id".to_owned(), ev.entity_id.clone()));
        Self {
            seq: ev.seq,
            at_iso: rfc3339_utc(ev.at),
            at: seoul_minute(ev.at),
            actor_label,
            actor_sub,
            actor_href: filter("actor", &ev.actor),
            org_label,
            org_href,
            action: ev.action.clone(),
            action_href: filter("action", &ev.action),
            entity_kind: ev.entity_kind.clone(),
            entity_id: ev.entity_id.clone(),
            entity_href: links::href("/audit", &entity),
            summary: change_summary(ev.before.as_ref(), ev.after.as_ref()),
            before,
            after,
            truncated: cut_b || cut_a,
            request_id: ev.request_id.clone().unwrap_or_default(),
            hash: e.row.hash.clone(),
        }
    }
}

pub struct ErrorView {
    pub message: &'static str,
    pub code: &'static str,
}

/// The chain check's answer, as shown.
pub struct VerifyBox {
    pub ok: bool,
    pub message: String,
    pub reason: String,
}

impl VerifyBox {
    fn new(lang: Lang, v: &VerifyView) -> Self {
        if v.ok {
            Self { ok: true, message: lang.t("audit.verify.ok").replace("{n}", &v.events.unwrap_or(0).to_string()), reason: String::new() }
        } else {
            Self {
                ok: false,
                message: lang.t("audit.verify.broken").replace("{seq}", &v.broken_at.unwrap_or(0).to_string()),
                reason: v.reason.clone().unwrap_or_default(),
            }
        }
    }
}

#[derive(Template)]
#[template(path = "audit/index.html")]
struct AuditTpl {
    layout: Layout,
    form: FormState,
    hidden: Vec<(String, String)>,
    error: Option<ErrorView>,
    verify: Option<VerifyBox>,
    total_label: String,
    caption: String,
    rows: Vec<EventRow>,
    pager: Option<Pager>,
    csv_href: String,
    json_href: String,
}

async fn render(state: &AppState, ctx: &Ctx, verify: Option<VerifyView>) -> Response {
    let lang = ctx.lang;
    let pairs = ctx.pairs();
    let form = FormState::from_pairs(&pairs);
    let hidden = form.pairs();
    let parsed: Result<AuditQuery, AppError> = api::parse_audit_query(&pairs).map_err(AppError::from);
    let mut status = StatusCode::OK;
    let (mut error, mut rows, mut pager, mut total_label, mut caption) = (None, Vec::new(), None, String::new(), String::new());
    let mut downloads = hidden.clone();
    match parsed {
        Err(e) => {
            status = e.status;
            error = Some(ErrorView { message: lang.error_message(e.code), code: e.code.as_str() });
        }
        Ok(q) => match api::load_page(state, &q).await {
            Err(e) => return ctx.error(&e),
            Ok((total, entries)) => {
                downloads = api::filter_pairs(&q.filter);
                total_label = lang.t("audit.total").replace("{n}", &total.to_string());
                let first = i64::from(q.page - 1) * i64::from(q.per_page);
                let last = first + entries.len() as i64;
                caption = lang
                    .t("audit.caption")
                    .replace("{from}", &(first + 1).min(last).to_string())
                    .replace("{to}", &last.to_string())
                    .replace("{n}", &total.to_string());
                rows = entries.iter().map(|e| EventRow::new(lang, e)).collect();
                let page_pairs: Vec<(String, String)> = pairs.iter().filter(|(k, _)| k != "lang").cloned().collect();
                pager = links::pager("/audit", &page_pairs, q.page, u64::try_from(total).unwrap_or(0), q.per_page);
            }
        },
    }
    let tpl = AuditTpl {
        layout: ctx.layout(ctx.t("audit.title"), Section::None),
        form,
        hidden,
        error,
        verify: verify.as_ref().map(|v| VerifyBox::new(lang, v)),
        total_label,
        caption,
        rows,
        pager,
        csv_href: links::href("/audit/export.csv", &downloads),
        json_href: links::href("/audit/export.json", &downloads),
    };
    ctx.render(status, &tpl)
}

pub async fn audit_page(State(state): State<AppState>, ctx: Ctx, auth: MaybeAuth) -> Response {
    if let Some(r) = gate(&ctx, &auth) {
        return r;
    }
    render(&state, &ctx, None).await
}

/// The chain check, from the page: the same page with the answer on top, filters kept.
pub async fn verify_page(State(state): State<AppState>, ctx: Ctx, auth: MaybeAuth) -> Response {
    if let Some(r) = gate(&ctx, &auth) {
        return r;
    }
    match state.db().verify_audit_chain().await {
        Ok(report) => render(&state, &ctx, Some(report.into())).await,
        Err(e) => ctx.error(&e.into()),
    }
}

pub async fn export_csv(State(state): State<AppState>, ctx: Ctx, auth: MaybeAuth) -> Response {
    if let Some(r) = gate(&ctx, &auth) {
        return r;
    }
    let result = match api::parse_audit_query(&ctx.pairs()).map_err(AppError::from) {
        Ok(q) => api::csv_response(&state, &q.filter).await,
        Err(e) => Err(e),
    };
    result.unwrap_or_else(|e| ctx.error(&e))
}

pub async fn export_json(State(state): State<AppState>, ctx: Ctx, auth: MaybeAuth) -> Response {
    if let Some(r) = gate(&ctx, &auth) {
        return r;
    }
    let result = match api::parse_audit_query(&ctx.pairs()).map_err(AppError::from) {
        Ok(q) => api::json_response(&state, &q.filter).await,
        Err(e) => Err(e),
    };
    result.unwrap_or_else(|e| ctx.error(&e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn summaries_show_what_changed() {
        let b = json!({"status": "pending", "name": "A"});
        let a = json!({"status": "approved", "name": "A", "reason": "ok"});
        assert_eq!(change_summary(Some(&b), Some(&a)), "reason: → ok, status: pending → approved");
        assert_eq!(change_summary(None, Some(&json!({"email": "k***@x.kr"}))), "email: k***@x.kr");
        assert_eq!(change_summary(None, None), "");
        let many = json!({"a": 1, "b": 2, "c": 3, "d": 4, "e": 5});
        assert_eq!(change_summary(None, Some(&many)), "a: 1, b: 2, c: 3 (+2)");
        let long = "가".repeat(50);
        assert!(change_summary(None, Some(&json!({ "x": long }))).ends_with('…'));
    }

    #[test]
    fn clip_cuts_on_characters() {
        assert_eq!(clip("감사원", 2), ("감사…".to_owned(), true));
        assert_eq!(clip("감사원", 3), ("감사원".to_owned(), false));
    }

    #[test]
    fn every_audit_template_key_exists() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/audit");
        let mut checked = 0;
        for item in std::fs::read_dir(&dir).expect("templates dir") {
            let path = item.expect("dir entry").path();
            let text = std::fs::read_to_string(&path).expect("template");
            for (i, _) in text.match_indices("layout.t(\"") {
                let rest = &text[i + "layout.t(\"".len()..];
                let key = &rest[..rest.find('"').expect("closing quote")];
                assert_ne!(Lang::En.t(key), key, "{}: unknown key {key}", path.display());
                checked += 1;
            }
        }
        for key in ["audit.verify.ok", "audit.verify.broken", "audit.total", "audit.caption", "audit.actor.cli", "audit.actor.token"] {
            assert_ne!(Lang::Ko.t(key), key);
        }
        assert!(checked > 20);
    }
}

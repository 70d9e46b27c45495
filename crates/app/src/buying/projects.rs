//! Procurement projects (구매 사업, docs/RULES.md#buying): a buyer opens one with the security
//! grade its system needs, runs searches from it (each recorded with its parameters, time and
//! total; the listed revisions seen go on the long list, up to 100), marks a short list of 1–10
//! and chooses with a written reason. The choice freezes the **decision record**: the searches,
//! the lists, a side-by-side comparison of the short list as it stood, the choice and the reason,
//! with the SHA-256 of its RFC 8785 JSON.

use super::{AGENCY_READERS, BUYER, OVERSIGHT, audit, grade, uuid};
use crate::actor::{Principal, Rule};
use crate::body::{Fields, required};
use crate::context::Context;
use crate::csv::csv_line;
use crate::error::{Code, Error, Result};
use gureum_domain::audit::sha256_hex;
use gureum_domain::buying::{self as rules, Actor, ProjectAction, ProjectStatus};
use gureum_domain::canonical::canonical_json;
use gureum_domain::clock::rfc3339_utc;
use gureum_storage::{DecisionRecordRow, Project, ProjectSearch, ServiceKey};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The longest project title, in characters.
pub const TITLE_MAX_CHARS: usize = 200;

/// A service on a project's long list: the listed revision the buyer saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    pub service_id: String,
    pub code: String,
    pub revision: i64,
}

/// A search as the project records it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchView {
    pub seq: i64,
    pub params: Value,
    pub searched_at: String,
    pub total: i64,
    pub added: i64,
    pub left_out: i64,
}

/// A project as its agency sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectView {
    pub id: String,
    pub title: String,
    pub required_grade: Option<String>,
    pub status: String,
    pub created_at: String,
    pub searches: Vec<SearchView>,
    pub long_list: Vec<Seen>,
    pub short_list: Vec<String>,
    pub shortlisted_at: Option<String>,
    pub decision_record_id: Option<String>,
}

fn lists(p: &Project) -> Result<(Vec<Seen>, Vec<String>)> {
    let long: Vec<Seen> = serde_json::from_str(&p.long_list).map_err(Error::internal)?;
    let short: Vec<String> = serde_json::from_str(&p.short_list).map_err(Error::internal)?;
    Ok((long, short))
}

fn search_view(s: &ProjectSearch) -> SearchView {
    SearchView {
        seq: s.seq,
        params: serde_json::from_str(&s.params).unwrap_or(Value::Null),
        searched_at: rfc3339_utc(s.searched_at),
        total: s.total,
        added: s.added,
        left_out: s.left_out,
    }
}

async fn view(ctx: &Context, p: &Project) -> Result<ProjectView> {
    let (long_list, short_list) = lists(p)?;
    let searches = ctx.db().project_searches(&p.id).await?.iter().map(search_view).collect();
    Ok(ProjectView {
        id: p.id.clone(),
        title: p.title.clone(),
        required_grade: p.required_grade.clone(),
        status: p.status.clone(),
        created_at: rfc3339_utc(p.created_at),
        searches,
        long_list,
        short_list,
        shortlisted_at: p.shortlisted_at.map(rfc3339_utc),
        decision_record_id: p.decision_record_id.clone(),
    })
}

fn status(p: &Project) -> Result<ProjectStatus> {
    ProjectStatus::parse(&p.status).ok_or_else(|| Error::internal(format!("project {} has status {}", p.id, p.status)))
}

/// A project of the caller's agency, or 404.
async fn own(ctx: &Context, p: &Principal, id: &str) -> Result<Project> {
    let id = uuid(id, "project")?;
    ctx.db().project(&id).await?.filter(|pr| pr.org_id == p.org().id).ok_or_else(|| Error::not_found("project"))
}

/// Opens a project (`{"title", "required_grade"}`).
pub async fn create(ctx: &Context, p: &Principal, body: &Value, rid: Option<String>) -> Result<ProjectView> {
    p.require(Rule::AnyRole(BUYER))?;
    let f = Fields::of(body)?;
    let title = required(f.string("title")?, "title")?.trim().to_owned();
    if title.is_empty() || title.chars().count() > TITLE_MAX_CHARS {
        return Err(crate::body::bad("title", "1 to 200 characters"));
    }
    let required_grade = grade(f.string("required_grade")?, "required_grade")?;
    let mut tx = ctx.db().begin_write().await?;
    let project = Project {
        id: crate::ids::new_id(),
        org_id: p.org().id.clone(),
        title,
        required_grade: required_grade.map(|g| g.as_str().to_owned()),
        status: ProjectStatus::Open.as_str().into(),
        created_by: p.actor(),
        long_list: "[]".into(),
        short_list: "[]".into(),
        shortlisted_at: None,
        decision_record_id: None,
        created_at: tx.now(),
        updated_at: tx.now(),
    };
    tx.insert_project(&project).await?;
    let after = json!({"title": project.title, "required_grade": project.required_grade, "status": project.status});
    audit(&mut tx, p, rid, "project.create", ("project", &project.id), None, after).await?;
    tx.commit().await?;
    view(ctx, &project).await
}

/// The caller's agency's projects, newest first.
pub async fn list(ctx: &Context, p: &Principal) -> Result<Vec<ProjectView>> {
    p.require(Rule::AnyRole(AGENCY_READERS))?;
    let mut out = Vec::new();
    for pr in ctx.db().projects_of(&p.org().id).await? {
        out.push(view(ctx, &pr).await?);
    }
    Ok(out)
}

/// One project of the caller's agency.
pub async fn get(ctx: &Context, p: &Principal, id: &str) -> Result<ProjectView> {
    p.require(Rule::AnyRole(AGENCY_READERS))?;
    view(ctx, &own(ctx, p, id).await?).await
}

/// Re-reads the project inside the write and asks the domain whether `action` may happen.
async fn locked(tx: &mut gureum_storage::WriteTx, p: &Principal, id: &str, action: ProjectAction) -> Result<Project> {
    let pr = tx.project(id).await?.ok_or_else(|| Error::not_found("project"))?;
    let actor = super::agency_actor(p, &pr.org_id, &[Actor::Buyer]);
    rules::decide_project(status(&pr)?, action, actor)?;
    Ok(pr)
}

/// The answer to a recorded search: the long list afterwards, how many new services did not fit,
/// and the search as recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchAnswer {
    pub long_list: Vec<Seen>,
    pub left_out: i64,
    pub search: SearchView,
}

/// The search API's parameters a project's search takes (`status` is the operator's alone).
pub const SEARCH_PARAMS: [&str; 12] =
    ["q", "kind", "category", "tag", "csap_grade", "certified", "sme", "min_price", "max_price", "sort", "page", "per_page"];

/// The body's known parameters as query pairs (a list gives one pair per element); other
/// members are ignored, as a query's unknown parameters are.
fn search_pairs(body: &Value) -> Result<Vec<(String, String)>> {
    let f = Fields::of(body)?;
    let mut pairs = Vec::new();
    for (k, v) in f.0.iter().filter(|(k, _)| SEARCH_PARAMS.contains(&k.as_str())) {
        let mut push = |v: &Value| -> Result<()> {
            let s = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Null => return Ok(()),
                _ => return Err(crate::body::bad(k, "text, a number, true/false or a list of those")),
            };
            pairs.push((k.clone(), s));
            Ok(())
        };
        match v {
            Value::Array(a) => a.iter().try_for_each(&mut push)?,
            v => push(v)?,
        }
    }
    Ok(pairs)
}

/// Runs a search from the project with the search API's parameters (a JSON object of them) and
/// records it; the results' listed revisions join the long list, up to 100.
pub async fn record_search(ctx: &Context, p: &Principal, id: &str, body: &Value, rid: Option<String>) -> Result<SearchAnswer> {
    p.require(Rule::AnyRole(AGENCY_READERS))?;
    let pr = own(ctx, p, id).await?;
    rules::decide_project(status(&pr)?, ProjectAction::RecordSearch, super::agency_actor(p, &pr.org_id, &[Actor::Buyer]))?;
    let pairs = search_pairs(body)?;
    let query = crate::query::parse_search(&pairs, ctx.clock().today(), false)?;
    let result = crate::catalog::search(ctx, query).await?;
    let ids: Vec<String> = result.items.iter().map(|h| h.id.clone()).collect();
    let seen: Vec<Seen> = ctx
        .db()
        .public_revisions(&ids)
        .await?
        .into_iter()
        .map(|(service_id, code, revision)| Seen { service_id, code, revision })
        .collect();
    let params: serde_json::Map<String, Value> = Fields::of(body)?
        .0
        .iter()
        .filter(|(k, v)| !v.is_null() && SEARCH_PARAMS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();

    let mut tx = ctx.db().begin_write().await?;
    let mut pr = locked(&mut tx, p, &pr.id, ProjectAction::RecordSearch).await?;
    let (mut long, _) = lists(&pr)?;
    let before = long.len();
    let left_out = rules::merge_long_list(&mut long, seen, |s| s.service_id.clone()) as i64;
    let added = (long.len() - before) as i64;
    let mut search = ProjectSearch {
        project_id: pr.id.clone(),
        seq: 0,
        params: canonical_json(&Value::Object(params)),
        total: i64::try_from(result.total).unwrap_or(i64::MAX),
        added,
        left_out,
        searched_by: p.actor(),
        searched_at: tx.now(),
    };
    search.seq = tx.insert_project_search(&search).await?;
    pr.long_list = serde_json::to_string(&long).map_err(Error::internal)?;
    tx.update_project(&pr).await?;
    let after = json!({"seq": search.seq, "params": serde_json::from_str::<Value>(&search.params).unwrap_or(Value::Null),
        "total": search.total, "added": added, "left_out": left_out, "long_list": long.len()});
    audit(&mut tx, p, rid, "project.search", ("project", &pr.id), None, after).await?;
    tx.commit().await?;
    Ok(SearchAnswer { long_list: long, left_out, search: search_view(&search) })
}

/// Sets the short list (`{"service_ids"}`: 1–10, each on the long list). The first short list
/// starts the time to contract.
pub async fn set_shortlist(ctx: &Context, p: &Principal, id: &str, body: &Value, rid: Option<String>) -> Result<ProjectView> {
    p.require(Rule::AnyRole(AGENCY_READERS))?;
    let id = own(ctx, p, id).await?.id;
    let f = Fields::of(body)?;
    let wanted: Vec<String> = required(f.strings("service_ids")?, "service_ids")?.into_iter().map(str::to_owned).collect();
    let mut tx = ctx.db().begin_write().await?;
    let mut pr = locked(&mut tx, p, &id, ProjectAction::SetShortlist).await?;
    let (long, old_short) = lists(&pr)?;
    let long_ids: Vec<String> = long.iter().map(|s| s.service_id.clone()).collect();
    let short = rules::check_shortlist(&long_ids, &wanted)?;
    pr.short_list = serde_json::to_string(&short).map_err(Error::internal)?;
    if pr.shortlisted_at.is_none() {
        pr.shortlisted_at = Some(tx.now());
    }
    tx.update_project(&pr).await?;
    audit(&mut tx, p, rid, "project.shortlist", ("project", &pr.id), Some(json!({"short_list": old_short})), json!({"short_list": short}))
        .await?;
    tx.commit().await?;
    view(ctx, &pr).await
}

/// One short-listed service as it stood when the choice was made.
async fn comparison_row(ctx: &Context, service_id: &str) -> Result<Value> {
    let Some(rec) = ctx.db().service(ServiceKey::Id(service_id)).await? else {
        return Ok(json!({"service_id": service_id}));
    };
    let cert = crate::catalog::certification_today(ctx, &rec).await?;
    let l = &rec.listing;
    let plans: Vec<Value> = l
        .price_plans
        .iter()
        .map(|pl| json!({"name": pl.name, "model": pl.model.as_str(), "unit": pl.unit, "unit_price_krw": pl.unit_price_krw.won(), "vat_included": pl.vat_included}))
        .collect();
    let sla = l.sla.as_ref().map(|s| {
        // percentages as text so that the canonical JSON holds integers and text only
        json!({"availability_pct": s.availability_pct.map(|v| v.to_string()), "support_hours": s.support_hours, "credit_pct": s.credit_pct.map(|v| v.to_string())})
    });
    Ok(json!({
        "service_id": rec.id,
        "code": rec.code,
        "revision": rec.revision,
        "name": l.name,
        "supplier": {"id": rec.supplier.id, "name": rec.supplier.name},
        "kind": l.kind.as_str(),
        "status": rec.status.as_str(),
        "plans": plans,
        "sla": sla,
        "csap_type": l.certification.as_ref().map(|c| c.cert_type.as_str()),
        "effective_grade": cert.as_ref().and_then(|c| c.effective_grade).map(|g| g.as_str()),
        "valid_to": l.certification.as_ref().map(|c| crate::body::format_date(c.valid_to)),
        "data_location": l.data_location,
    }))
}

/// Chooses (`{"chosen_service_ids", "reason"}`) and freezes the decision record.
pub async fn decide(ctx: &Context, p: &Principal, id: &str, body: &Value, rid: Option<String>) -> Result<Value> {
    p.require(Rule::AnyRole(AGENCY_READERS))?;
    let pr = own(ctx, p, id).await?;
    rules::decide_project(status(&pr)?, ProjectAction::Decide, super::agency_actor(p, &pr.org_id, &[Actor::Buyer]))?;
    let f = Fields::of(body)?;
    let chosen: Vec<String> = required(f.strings("chosen_service_ids")?, "chosen_service_ids")?.into_iter().map(str::to_owned).collect();
    let reason = f.string("reason")?.unwrap_or("").trim().to_owned();
    let (long, short) = lists(&pr)?;
    rules::check_decision(&short, &chosen, &reason)?;
    let mut comparison = Vec::new();
    for s in &short {
        comparison.push(comparison_row(ctx, s).await?);
    }
    let searches: Vec<Value> =
        ctx.db().project_searches(&pr.id).await?.iter().map(|s| serde_json::to_value(search_view(s)).unwrap_or(Value::Null)).collect();

    let mut tx = ctx.db().begin_write().await?;
    let mut pr = locked(&mut tx, p, &pr.id, ProjectAction::Decide).await?;
    if lists(&pr)? != (long.clone(), short.clone()) {
        return Err(Error::new(Code::InvalidStatus, "the project's lists changed meanwhile; choose again"));
    }
    let record_id = crate::ids::new_id();
    let mut chosen_unique: Vec<String> = Vec::new();
    for c in chosen {
        if !chosen_unique.contains(&c) {
            chosen_unique.push(c);
        }
    }
    let body = json!({
        "id": record_id,
        "project_id": pr.id,
        "project_title": pr.title,
        "required_grade": pr.required_grade,
        "agency": {"id": p.org().id, "name": p.org().name},
        "created_at": rfc3339_utc(tx.now()),
        "searches": searches,
        "long_list": long,
        "short_list": short,
        "comparison": comparison,
        "chosen": chosen_unique,
        "reason": reason,
    });
    let canonical = canonical_json(&body);
    let hash = sha256_hex(canonical.as_bytes());
    tx.insert_decision_record(&DecisionRecordRow {
        id: record_id.clone(),
        project_id: pr.id.clone(),
        org_id: pr.org_id.clone(),
        body: canonical,
        hash: hash.clone(),
        created_by: p.actor(),
        created_at: tx.now(),
    })
    .await?;
    pr.status = ProjectStatus::Decided.as_str().into();
    pr.decision_record_id = Some(record_id.clone());
    tx.update_project(&pr).await?;
    audit(
        &mut tx,
        p,
        rid.clone(),
        "project.decide",
        ("project", &pr.id),
        Some(json!({"status": "open"})),
        json!({"status": "decided", "decision_record_id": record_id}),
    )
    .await?;
    audit(
        &mut tx,
        p,
        rid,
        "decision_record.create",
        ("decision_record", &record_id),
        None,
        json!({"hash": hash, "chosen": body["chosen"]}),
    )
    .await?;
    tx.commit().await?;
    with_hash(&body, &hash)
}

fn with_hash(body: &Value, hash: &str) -> Result<Value> {
    let mut v = body.clone();
    v.as_object_mut().ok_or_else(|| Error::internal("a decision record is an object"))?.insert("hash".into(), hash.into());
    Ok(v)
}

/// A decision record with its hash, for the agency's buyers, budget officers and signatories,
/// the operator, the auditor and the supplier of a contract citing it; anyone else 404.
pub async fn record(ctx: &Context, p: &Principal, id: &str) -> Result<Value> {
    let id = uuid(id, "decision record")?;
    let row = ctx.db().decision_record(&id).await?.ok_or_else(|| Error::not_found("decision record"))?;
    let agency = row.org_id == p.org().id && AGENCY_READERS.iter().any(|r| p.has_role(*r));
    let oversight = OVERSIGHT.iter().any(|r| p.has_role(*r));
    let supplier = match p.org().supplier_id.as_deref() {
        Some(s) if p.has_role(gureum_domain::account::Role::Supplier) => ctx.db().decision_record_cited_for(&id, s).await?,
        _ => false,
    };
    if !(agency || oversight || supplier) {
        return Err(Error::not_found("decision record"));
    }
    let body: Value = serde_json::from_str(&row.body).map_err(Error::internal)?;
    with_hash(&body, &row.hash)
}

/// The hash a decision record's body gives (to verify one): SHA-256 hex of its RFC 8785 JSON
/// without `hash`.
pub fn record_hash(record: &Value) -> String {
    let mut v = record.clone();
    if let Some(o) = v.as_object_mut() {
        o.remove("hash");
    }
    sha256_hex(canonical_json(&v).as_bytes())
}

/// A decision record as CSV: one row a short-listed service with its comparison figures and
/// whether it was chosen, after a header block with the project, the reason and the hash.
pub fn record_csv(record: &Value) -> String {
    let s = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        v => v.to_string(),
    };
    let mut out = String::new();
    for (k, v) in [
        ("decision_record_id", &record["id"]),
        ("project_id", &record["project_id"]),
        ("project_title", &record["project_title"]),
        ("created_at", &record["created_at"]),
        ("reason", &record["reason"]),
        ("hash", &record["hash"]),
    ] {
        csv_line(&mut out, &[k, &s(v)]);
    }
    out.push_str("\r\n");
    csv_line(
        &mut out,
        &[
            "service_id",
            "code",
            "revision",
            "name",
            "supplier",
            "kind",
            "csap_type",
            "effective_grade",
            "valid_to",
            "data_location",
            "lowest_price_krw",
            "chosen",
        ],
    );
    let chosen: Vec<String> = record["chosen"].as_array().map(|a| a.iter().map(s).collect()).unwrap_or_default();
    for row in record["comparison"].as_array().into_iter().flatten() {
        let lowest = row["plans"].as_array().and_then(|ps| ps.iter().filter_map(|p| p["unit_price_krw"].as_i64()).min());
        let id = s(&row["service_id"]);
        let cells = [
            id.clone(),
            s(&row["code"]),
            s(&row["revision"]),
            s(&row["name"]),
            s(&row["supplier"]["name"]),
            s(&row["kind"]),
            s(&row["csap_type"]),
            s(&row["effective_grade"]),
            s(&row["valid_to"]),
            s(&row["data_location"]),
            lowest.map(|n| n.to_string()).unwrap_or_default(),
            (chosen.contains(&id)).to_string(),
        ];
        csv_line(&mut out, &cells.iter().map(String::as_str).collect::<Vec<_>>());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_hash_is_that_of_its_canonical_json_without_the_hash() {
        let body = json!({"b": 1, "a": "가", "chosen": ["x"]});
        let hash = sha256_hex(canonical_json(&body).as_bytes());
        let rec = with_hash(&body, &hash).expect("object");
        assert_eq!(record_hash(&rec), hash);
        let mut tampered = rec.clone();
        tampered["b"] = json!(2);
        assert_ne!(record_hash(&tampered), hash, "a changed field changes the hash");
    }

    #[test]
    fn the_csv_quotes_what_needs_quoting_and_marks_the_choice() {
        let rec = json!({"id": "r", "project_id": "p", "project_title": "업무, 협업", "created_at": "t", "reason": "가격 \"최저\"", "hash": "h",
            "chosen": ["s1"],
            "comparison": [{"service_id": "s1", "code": "SAS-1", "revision": 2, "name": "A", "supplier": {"name": "S"}, "kind": "saas",
                "plans": [{"unit_price_krw": 900}, {"unit_price_krw": 500}]},
                {"service_id": "s2", "code": "SAS-2", "revision": 1, "name": "B", "supplier": {"name": "T"}, "kind": "saas", "plans": []}]});
        let csv = record_csv(&rec);
        assert!(csv.contains("\"project_title\",\"업무, 협업\"\r\n"), "{csv}");
        assert!(csv.contains("\"reason\",\"가격 \"\"최저\"\"\"\r\n"), "{csv}");
        assert!(csv.contains("\"s1\",\"SAS-1\",\"2\",\"A\",\"S\",\"saas\",\"\",\"\",\"\",\"\",\"500\",\"true\"\r\n"), "{csv}");
        assert!(csv.contains("\"s2\",\"SAS-2\",\"1\",\"B\",\"T\",\"saas\",\"\",\"\",\"\",\"\",\"\",\"false\"\r\n"), "{csv}");
    }
}

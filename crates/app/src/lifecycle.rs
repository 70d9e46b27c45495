//! A supplier's own services and the operator's decisions on them (SPEC §3 "Service status", §4),
//! as the application does them: who may do what in which ctx, the field-by-field change
//! between the public revision and the open one (and whether it is material), and the
//! notifications. Every action is one write transaction with its audit event; the API and the
//! pages both call these functions, so both accept and refuse exactly the same things.

use crate::actor::Principal;
use crate::context::Context;
use crate::documents::{check_upload, clean_filename};
use crate::error::{Code, Error};
use crate::notify::tell_org_admins;
pub use gureum_domain::change::{diff, is_material};
use gureum_domain::code::classification;
use gureum_domain::lifecycle::{Action, Actor, RevisionChange, Standing, Transition, decide};
use gureum_domain::listing::parse_listing;
use gureum_domain::patch::merge_patch;
use gureum_domain::{ServiceCode, ServiceStatus};
use gureum_storage::{NewAuditEvent, Revision, RevisionState, ServiceDocument, ServiceHead, ServiceKey, WriteTx};

pub use gureum_domain::change::{DIFF_FIELDS, FieldChange};
pub use gureum_domain::clock::age_days;
use serde_json::{Map, Value, json};

/// The kinds of document a service carries (서비스 정의서, 가격표, SLA, 인증서).
pub const DOC_TYPES: [&str; 4] = ["service_definition", "price_list", "sla", "certificate"];

/// Fields of an import line a supplier may not set: the operator's and the committee's.
pub const NOT_SUPPLIER_FIELDS: [&str; 5] = ["supplier", "status", "selected_on", "selection_valid_to", "catalog_contract"];

const MAX_REASON: usize = 2_000;

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A service id (UUID) or code from a path; anything else is 400 `invalid_id`.
pub fn service_key(key: &str) -> Result<ServiceKey<'_>, Error> {
    if uuid::Uuid::try_parse(key).is_ok() {
        Ok(ServiceKey::Id(key))
    } else if ServiceCode::parse(key).is_ok() {
        Ok(ServiceKey::Code(key))
    } else {
        Err(Error::new(Code::InvalidId, "a service id is a UUID or a service code such as SAS-4-09-10374"))
    }
}

/// Any service by id or code (no visibility rule applied).
pub async fn find_head(ctx: &Context, key: &str) -> Result<Option<ServiceHead>, Error> {
    let lowered;
    let key = match service_key(key)? {
        ServiceKey::Id(id) => {
            lowered = id.to_ascii_lowercase();
            ServiceKey::Id(&lowered)
        }
        k => k,
    };
    Ok(ctx.db().service_head(key).await?)
}

/// The catalog supplier a principal acts for (its organisation's), or 403.
pub fn supplier_of(p: &Principal) -> Result<&str, Error> {
    p.org().supplier_id.as_deref().ok_or_else(|| Error::new(Code::Forbidden, "this organisation is not a catalog supplier"))
}

/// Whether the principal is the supplier that owns a service.
pub fn owns(p: &Principal, head: &ServiceHead) -> bool {
    p.has_role(gureum_domain::account::Role::Supplier) && p.org().supplier_id.as_deref() == Some(head.supplier_id.as_str())
}

/// The caller's own service, or 404 as if it did not exist.
pub async fn owned_head(ctx: &Context, p: &Principal, key: &str) -> Result<ServiceHead, Error> {
    let supplier = supplier_of(p)?;
    find_head(ctx, key).await?.filter(|h| h.supplier_id == supplier).ok_or_else(|| Error::not_found("service"))
}

/// Any service, for the operator: 404 when there is none.
pub async fn any_head(ctx: &Context, key: &str) -> Result<ServiceHead, Error> {
    find_head(ctx, key).await?.ok_or_else(|| Error::not_found("service"))
}

fn field_error(e: gureum_domain::FieldError) -> Error {
    Error::new(Code::InvalidField, e.to_string())
}

fn reject_operator_fields(obj: &Map<String, Value>) -> Result<(), Error> {
    match NOT_SUPPLIER_FIELDS.iter().find(|k| obj.contains_key(**k)) {
        Some(k) => Err(Error::new(Code::InvalidField, format!("{k}: set by the operator, not by the supplier"))),
        None => Ok(()),
    }
}

async fn audit(
    tx: &mut WriteTx,
    p: &Principal,
    action: &str,
    service_id: &str,
    before: Option<Value>,
    after: Option<Value>,
    request_id: Option<String>,
) -> Result<(), Error> {
    let mut ev = NewAuditEvent::new(&p.actor(), action, "service", service_id).request_id(request_id);
    ev.before = before;
    ev.after = after;
    ev.organisation = Some(p.org().id.clone());
    tx.audit(ev).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// What changed

fn changes_json(changes: &[FieldChange]) -> (Value, Value) {
    let mut before = Map::new();
    let mut after = Map::new();
    for c in changes {
        before.insert(c.field.into(), c.before.clone().unwrap_or(Value::Null));
        after.insert(c.field.into(), c.after.clone().unwrap_or(Value::Null));
    }
    (Value::Object(before), Value::Object(after))
}

/// Where a service stands for the domain's rules, with its open revision when it has one.
async fn standing(tx: &mut WriteTx, head: &ServiceHead) -> Result<(Standing, Option<Revision>), Error> {
    let open = match head.draft_revision {
        Some(r) => tx.service_revision(&head.id, r).await?,
        None => None,
    };
    Ok((Standing::new(head.status, open.as_ref().map(|r| r.state), head.public_revision.is_some()), open))
}

/// Asks the domain whether `p` may do `action` to the service now (docs/RULES.md#lifecycle).
async fn decide_for(tx: &mut WriteTx, p: &Principal, head: &ServiceHead, action: Action) -> Result<(Transition, Option<Revision>), Error> {
    let (standing, open) = standing(tx, head).await?;
    let actor = Actor::of(&p.roles(), p.org().supplier_id.as_deref(), &head.supplier_id);
    Ok((decide(standing, action, actor)?, open))
}

/// The open revision a transition acts on (the domain allowed it only when there is one).
fn open_revision(open: Option<Revision>) -> Result<Revision, Error> {
    open.ok_or_else(|| Error::internal("the open revision is missing"))
}

// ---------------------------------------------------------------------------------------------
// The supplier's actions

/// Creates a draft service from the import line's fields (without the operator's). The code is
/// assigned when absent. Returns the new service's id.
pub async fn create(ctx: &Context, p: &Principal, body: &Value, request_id: Option<String>) -> Result<String, Error> {
    let supplier_id = supplier_of(p)?.to_owned();
    let obj = body.as_object().ok_or_else(|| Error::new(Code::InvalidBody, "the body must be a JSON object"))?;
    reject_operator_fields(obj)?;
    let mut listing = parse_listing(obj, false).map_err(field_error)?;
    let mut tx = ctx.db().begin_write().await?;
    if listing.code.is_empty() {
        let (class, sub) = classification(&listing);
        listing.code = tx.assign_service_code(listing.kind, class, sub).await?;
    } else if tx.service_code_taken(&listing.code).await? {
        return Err(Error::new(Code::CodeTaken, format!("the service code {} is already in use", listing.code)));
    }
    let id = new_id();
    tx.create_draft_service(&id, &supplier_id, &listing).await?;
    tx.record_change(&id).await?;
    let after = json!({"code": listing.code, "status": ServiceStatus::Draft.as_str(), "revision": 1, "listing": listing});
    audit(&mut tx, p, "service.create", &id, None, Some(after), request_id).await?;
    tx.commit().await?;
    Ok(id)
}

/// Edits the open draft with a merge patch of listing fields, opening a draft from the public
/// revision (else the latest) when there is none; the whole listing is validated again. A new
/// kind gets a new code. Returns the service's id.
pub async fn update(ctx: &Context, p: &Principal, key: &str, patch: &Value, request_id: Option<String>) -> Result<String, Error> {
    let obj = patch.as_object().ok_or_else(|| Error::new(Code::InvalidBody, "the body must be a JSON object"))?;
    reject_operator_fields(obj)?;
    let id = owned_head(ctx, p, key).await?.id;
    let mut tx = ctx.db().begin_write().await?;
    let head = tx.service_head(&id).await?.ok_or_else(|| Error::not_found("service"))?;
    let (t, open_rev) = decide_for(&mut tx, p, &head, Action::Edit).await?;
    let (open, current) = match t.change {
        RevisionChange::EditOpen => {
            let rev = open_revision(open_rev)?;
            (Some(rev.revision), rev.listing)
        }
        _ => {
            let base = head.public_revision.unwrap_or(head.latest_revision);
            let rev = tx.service_revision(&id, base).await?.ok_or_else(|| Error::internal("revision missing"))?;
            (None, rev.listing)
        }
    };
    if let Some(code) = obj.get("code")
        && code.as_str() != Some(current.code.as_str())
    {
        return Err(Error::new(Code::InvalidField, "code: a service keeps its code; a new kind is given a new one"));
    }
    let mut merged = serde_json::to_value(&current).map_err(Error::internal)?;
    merge_patch(&mut merged, patch);
    let kind_changed = merged.get("kind").and_then(Value::as_str) != Some(current.kind.as_str());
    let Value::Object(mut merged) = merged else { return Err(Error::internal("listing is not an object")) };
    if kind_changed {
        merged.remove("code");
    }
    let mut listing = parse_listing(&merged, !kind_changed).map_err(field_error)?;
    if kind_changed {
        let (class, sub) = classification(&listing);
        listing.code = tx.assign_service_code(listing.kind, class, sub).await?;
    }
    let changes = diff(Some(&current), &listing);
    if changes.is_empty() {
        return Ok(id);
    }
    let revision = match open {
        Some(r) => {
            tx.save_draft_revision(&id, r, &listing).await?;
            r
        }
        None => tx.open_draft_revision(&head, &listing).await?,
    };
    let status_after = t.after.status;
    if head.public_revision.is_none() {
        if listing.code != head.code {
            tx.set_service_code(&id, &listing.code).await?;
        }
        if t.status_changed() {
            tx.set_service_status(&id, status_after, None).await?;
        }
        tx.record_change(&id).await?;
    }
    let (before, after) = changes_json(&changes);
    audit(
        &mut tx,
        p,
        "service.update",
        &id,
        Some(json!({"revision": open, "status": head.status.as_str(), "fields": before})),
        Some(json!({"revision": revision, "status": status_after.as_str(), "fields": after})),
        request_id,
    )
    .await?;
    tx.commit().await?;
    if head.public_revision.is_none() {
        ctx.wait_for_index().await;
    }
    Ok(id)
}

/// Sends the open draft to the operator.
pub async fn submit(ctx: &Context, p: &Principal, key: &str, request_id: Option<String>) -> Result<String, Error> {
    let id = owned_head(ctx, p, key).await?.id;
    let mut tx = ctx.db().begin_write().await?;
    let head = tx.service_head(&id).await?.ok_or_else(|| Error::not_found("service"))?;
    let (t, open) = decide_for(&mut tx, p, &head, Action::Submit).await?;
    let rev = open_revision(open)?;
    let r = rev.revision;
    let base = match head.public_revision {
        Some(pr) => tx.service_revision(&id, pr).await?.map(|r| r.listing),
        None => None,
    };
    let material = is_material(base.as_ref(), &rev.listing);
    tx.submit_revision(&id, r, head.public_revision, material).await?;
    let status = t.after.status;
    if t.status_changed() {
        tx.set_service_status(&id, status, None).await?;
        tx.record_change(&id).await?;
    }
    audit(
        &mut tx,
        p,
        "service.submit",
        &id,
        Some(json!({"status": head.status.as_str(), "revision": r, "ctx": rev.state.as_str()})),
        Some(json!({"status": status.as_str(), "revision": r, "ctx": RevisionState::Submitted.as_str(), "material": material, "base_revision": head.public_revision})),
        request_id,
    )
    .await?;
    let name = &rev.listing.name;
    let code = &rev.listing.code;
    let link = format!("/operator/services/{id}");
    crate::notify::notify_operators(
        ctx,
        &mut tx,
        "service.submitted",
        &format!("서비스 등록 신청: {name} ({code})"),
        &format!("Service submitted for listing: {name} ({code})"),
        &link,
    )
    .await?;
    tx.commit().await?;
    if status != head.status {
        ctx.wait_for_index().await;
    }
    Ok(id)
}

/// Attaches a PDF to a service (to its open revision, else its latest). The file is recognised
/// by its content and stored once by its SHA-256.
pub async fn attach_document(
    ctx: &Context,
    p: &Principal,
    key: &str,
    doc_type: &str,
    filename: &str,
    bytes: Vec<u8>,
    request_id: Option<String>,
) -> Result<ServiceDocument, Error> {
    let id = owned_head(ctx, p, key).await?.id;
    if !DOC_TYPES.contains(&doc_type) {
        return Err(Error::new(Code::InvalidDocType, "doc_type is service_definition, price_list, sla or certificate"));
    }
    let media = check_upload(&bytes, false)?;
    let filename = clean_filename(filename);
    let size = bytes.len() as i64;
    let store = ctx.documents().clone();
    let sha = tokio::task::spawn_blocking(move || store.put(&bytes)).await.map_err(Error::internal)?.map_err(Error::internal)?;
    let doc_id = new_id();
    let mut tx = ctx.db().begin_write().await?;
    let head = tx.service_head(&id).await?.ok_or_else(|| Error::not_found("service"))?;
    let (t, _) = decide_for(&mut tx, p, &head, Action::AttachDocument).await?;
    let revision = match (t.change, head.draft_revision) {
        (RevisionChange::AttachToOpen, Some(open)) => open,
        _ => head.latest_revision,
    };
    tx.record_document(&sha, size, media.media_type()).await?;
    tx.insert_service_document(&doc_id, &id, revision, doc_type, &sha, &filename).await?;
    let after =
        json!({"document": doc_id, "doc_type": doc_type, "sha256": sha, "filename": filename, "size_bytes": size, "revision": revision});
    audit(&mut tx, p, "service.document_add", &id, None, Some(after), request_id).await?;
    tx.commit().await?;
    ctx.db().service_document(&id, &doc_id).await?.ok_or_else(|| Error::internal("document vanished"))
}

// ---------------------------------------------------------------------------------------------
// The operator's decisions

fn required_reason(reason: Option<&str>) -> Result<String, Error> {
    let r = reason.map(str::trim).unwrap_or_default();
    if r.is_empty() {
        return Err(Error::new(Code::ReasonRequired, "give the reason; the supplier is told it"));
    }
    if r.chars().count() > MAX_REASON {
        return Err(Error::new(Code::InvalidReason, format!("the reason may be at most {MAX_REASON} characters")));
    }
    Ok(r.to_owned())
}

/// Tells the supplier's organisation (admins and supplier staff), in the app and by e-mail.
async fn tell_supplier(ctx: &Context, tx: &mut WriteTx, head: &ServiceHead, kind: &str, ko: &str, en: &str) -> Result<(), Error> {
    if let Some(org) = ctx.db().organisation_of_supplier(&head.supplier_id).await? {
        tell_org_admins(ctx, tx, &org.id, kind, ko, en, "/supplier/services").await?;
    }
    Ok(())
}

/// The operator takes a submitted revision into review.
pub async fn start_review(ctx: &Context, p: &Principal, key: &str, request_id: Option<String>) -> Result<String, Error> {
    let id = any_head(ctx, key).await?.id;
    let mut tx = ctx.db().begin_write().await?;
    let head = tx.service_head(&id).await?.ok_or_else(|| Error::not_found("service"))?;
    let (t, open) = decide_for(&mut tx, p, &head, Action::StartReview).await?;
    let rev = open_revision(open)?;
    tx.set_revision_state(&id, rev.revision, RevisionState::InReview).await?;
    let status = t.after.status;
    if t.status_changed() {
        tx.set_service_status(&id, status, None).await?;
        tx.record_change(&id).await?;
    }
    audit(
        &mut tx,
        p,
        "service.review",
        &id,
        Some(json!({"status": head.status.as_str(), "revision": rev.revision, "ctx": rev.state.as_str()})),
        Some(json!({"status": status.as_str(), "revision": rev.revision, "ctx": RevisionState::InReview.as_str()})),
        request_id,
    )
    .await?;
    tx.commit().await?;
    if status != head.status {
        ctx.wait_for_index().await;
    }
    Ok(id)
}

/// The operator lists the open revision: it becomes the public one, and the answer waits until
/// this instance's search finds it.
pub async fn list(ctx: &Context, p: &Principal, key: &str, request_id: Option<String>) -> Result<String, Error> {
    let id = any_head(ctx, key).await?.id;
    let mut tx = ctx.db().begin_write().await?;
    let head = tx.service_head(&id).await?.ok_or_else(|| Error::not_found("service"))?;
    let (t, open) = decide_for(&mut tx, p, &head, Action::List).await?;
    let rev = open_revision(open)?;
    if rev.listing.code != head.code && tx.service_code_taken(&rev.listing.code).await? {
        return Err(Error::new(Code::CodeTaken, format!("the service code {} is already in use", rev.listing.code)));
    }
    let status = t.after.status;
    tx.list_revision(&head, rev.revision, &rev.listing, status).await?;
    tx.record_change(&id).await?;
    audit(
        &mut tx,
        p,
        "service.list",
        &id,
        Some(json!({"status": head.status.as_str(), "public_revision": head.public_revision, "code": head.code})),
        Some(json!({"status": status.as_str(), "public_revision": rev.revision, "code": rev.listing.code, "material": rev.material})),
        request_id,
    )
    .await?;
    let (name, code) = (&rev.listing.name, &rev.listing.code);
    tell_supplier(
        ctx,
        &mut tx,
        &head,
        "service.listed",
        &format!("서비스가 등록되었습니다: {name} ({code}), 제{}판", rev.revision),
        &format!("Your service is listed: {name} ({code}), revision {}", rev.revision),
    )
    .await?;
    tx.commit().await?;
    ctx.wait_for_index().await;
    Ok(id)
}

/// The operator turns the open revision down with a reason; a listed service keeps its public
/// revision.
pub async fn reject(ctx: &Context, p: &Principal, key: &str, reason: Option<&str>, request_id: Option<String>) -> Result<String, Error> {
    let reason = required_reason(reason)?;
    let id = any_head(ctx, key).await?.id;
    let mut tx = ctx.db().begin_write().await?;
    let head = tx.service_head(&id).await?.ok_or_else(|| Error::not_found("service"))?;
    let (t, open) = decide_for(&mut tx, p, &head, Action::Reject).await?;
    let rev = open_revision(open)?;
    tx.reject_revision(&id, rev.revision, &reason).await?;
    let status = t.after.status;
    if t.status_changed() {
        tx.set_service_status(&id, status, None).await?;
        tx.record_change(&id).await?;
    }
    audit(
        &mut tx,
        p,
        "service.reject",
        &id,
        Some(json!({"status": head.status.as_str(), "revision": rev.revision, "ctx": rev.state.as_str()})),
        Some(json!({"status": status.as_str(), "revision": rev.revision, "ctx": RevisionState::Rejected.as_str(), "reason": reason})),
        request_id,
    )
    .await?;
    let (name, code) = (&rev.listing.name, &rev.listing.code);
    tell_supplier(
        ctx,
        &mut tx,
        &head,
        "service.rejected",
        &format!("서비스 등록 신청이 반려되었습니다: {name} ({code}). 사유: {reason}"),
        &format!("Your service was not listed: {name} ({code}). Reason: {reason}"),
    )
    .await?;
    tx.commit().await?;
    if status != head.status {
        ctx.wait_for_index().await;
    }
    Ok(id)
}

/// The operator suspends a listed service (판매중지) with a reason shown as a notice.
pub async fn suspend(ctx: &Context, p: &Principal, key: &str, reason: Option<&str>, request_id: Option<String>) -> Result<String, Error> {
    let reason = required_reason(reason)?;
    set_suspended(ctx, p, key, Some(reason), request_id).await
}

/// The operator lifts a suspension.
pub async fn reinstate(ctx: &Context, p: &Principal, key: &str, request_id: Option<String>) -> Result<String, Error> {
    set_suspended(ctx, p, key, None, request_id).await
}

async fn set_suspended(
    ctx: &Context,
    p: &Principal,
    key: &str,
    reason: Option<String>,
    request_id: Option<String>,
) -> Result<String, Error> {
    let id = any_head(ctx, key).await?.id;
    let suspend = reason.is_some();
    let mut tx = ctx.db().begin_write().await?;
    let head = tx.service_head(&id).await?.ok_or_else(|| Error::not_found("service"))?;
    let (t, _) = decide_for(&mut tx, p, &head, if suspend { Action::Suspend } else { Action::Reinstate }).await?;
    let (from, to) = (t.before.status, t.after.status);
    tx.set_service_status(&id, to, reason.as_deref()).await?;
    tx.record_change(&id).await?;
    audit(
        &mut tx,
        p,
        if suspend { "service.suspend" } else { "service.reinstate" },
        &id,
        Some(json!({"status": from.as_str(), "reason": head.status_reason})),
        Some(json!({"status": to.as_str(), "reason": reason})),
        request_id,
    )
    .await?;
    let name = match head.public_revision {
        Some(r) => tx.service_revision(&id, r).await?.map(|r| r.listing.name).unwrap_or_default(),
        None => String::new(),
    };
    let code = &head.code;
    let (kind, ko, en) = match &reason {
        Some(r) => (
            "service.suspended",
            format!("서비스가 판매중지되었습니다: {name} ({code}). 사유: {r}"),
            format!("Your service is suspended: {name} ({code}). Reason: {r}"),
        ),
        None => (
            "service.reinstated",
            format!("서비스 판매중지가 해제되었습니다: {name} ({code})"),
            format!("Your service is reinstated: {name} ({code})"),
        ),
    };
    tell_supplier(ctx, &mut tx, &head, kind, &ko, &en).await?;
    tx.commit().await?;
    ctx.wait_for_index().await;
    Ok(id)
}

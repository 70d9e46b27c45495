//! A supplier's own services and the operator's decisions on them (docs/RULES.md#lifecycle, docs/API.md),
//! as the application does them: who may do what in which state, the field-by-field change
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
pub const DOC_TYPES: [&str; 6] = gureum_domain::review::BUILTIN_DOC_TYPES;

/// Fields of an import line a supplier may not set: the operator's and the committee's.
pub const NOT_SUPPLIER_FIELDS: [&str; 5] = ["supplier", "status", "selected_on", "selection_valid_to", "catalog_contract"];

pub(crate) const MAX_REASON: usize = 2_000;

use crate::ids::new_id;

/// A service id (UUID) or code from a path; anything else is 400 `invalid_id`.
pub fn service_key(key: &str) -> Result<ServiceKey<'_>, Error> {
    if crate::ids::hyphenated_uuid(key).is_some() {
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
pub(crate) async fn standing(tx: &mut WriteTx, head: &ServiceHead) -> Result<(Standing, Option<Revision>), Error> {
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

/// Writes the status a transition moves the service to, with its change-feed entry (the index
/// shows statuses), and answers that status.
async fn write_status(tx: &mut WriteTx, id: &str, t: &Transition) -> Result<ServiceStatus, Error> {
    if t.status_changed() {
        tx.set_service_status(id, t.after.status, None).await?;
        tx.record_change(id).await?;
    }
    Ok(t.after.status)
}

/// The open revision a transition acts on (the domain allowed it only when there is one).
fn open_revision(open: Option<Revision>) -> Result<Revision, Error> {
    open.ok_or_else(|| Error::internal("the open revision is missing"))
}

mod decisions;
mod supplier;

pub use decisions::*;
pub use supplier::*;

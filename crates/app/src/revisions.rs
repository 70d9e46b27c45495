//! A service's revision history (변경 이력) and what changed from one revision to another, field
//! by field with the material-change flag (docs/RULES.md#revision-history).
//!
//! Everyone sees the revisions that were public (`listed`, then `superseded`) of a service that is
//! public; its owner, the operator and the auditor see every revision of any service. A service
//! or a revision the caller may not see is not found, as if it did not exist.

use crate::actor::Principal;
use crate::context::Context;
use crate::error::{Code, Error};
use crate::lifecycle::{find_head, owns};
use gureum_domain::account::Role;
use gureum_domain::change::{FieldChange, diff};
use gureum_storage::{Revision, RevisionState, ServiceHead};

/// The revisions of a service the caller may see, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub head: ServiceHead,
    pub revisions: Vec<Revision>,
    /// The caller sees every revision (owner, operator, auditor), not only the public ones.
    pub full: bool,
}

/// One revision and what changed against another one the caller may see.
#[derive(Debug, Clone, PartialEq)]
pub struct RevisionDiff {
    pub revision: Revision,
    /// The revision compared against: the one asked for, else the previous one the caller may
    /// see; none for the first.
    pub against: Option<Revision>,
    pub changes: Vec<FieldChange>,
}

/// Whether a revision was ever public.
pub fn was_public(state: RevisionState) -> bool {
    matches!(state, RevisionState::Listed | RevisionState::Superseded)
}

/// Whether the caller sees every revision of the service: its owner, the operator, the auditor.
pub fn sees_every_revision(p: Option<&Principal>, head: &ServiceHead) -> bool {
    p.is_some_and(|p| owns(p, head) || p.has_role(Role::Operator) || p.has_role(Role::Auditor))
}

/// The revisions of a service (by id or code) the caller may see; 404 for a service it may not
/// see, 400 `invalid_id` for a malformed key.
pub async fn history(ctx: &Context, p: Option<&Principal>, key: &str) -> Result<History, Error> {
    let head = find_head(ctx, key).await?.ok_or_else(|| Error::not_found("service"))?;
    let full = sees_every_revision(p, &head);
    let public = head.status.is_public() && head.public_revision.is_some();
    if !(full || public) {
        return Err(Error::not_found("service"));
    }
    let mut revisions = ctx.db().service_revisions(&head.id).await?;
    if !full {
        revisions.retain(|r| was_public(r.state));
    }
    Ok(History { head, revisions, full })
}

/// A revision number from a path or a query: a whole number from 1.
pub fn revision_number(raw: &str, code: Code) -> Result<i64, Error> {
    match raw.parse::<i64>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(Error::new(code, "a revision is a whole number from 1")),
    }
}

/// Revision `n` of a service and its changes against revision `against` (default: the previous
/// revision the caller may see). Either one the caller may not see is 404.
pub fn compare(history: &History, n: i64, against: Option<i64>) -> Result<RevisionDiff, Error> {
    let find = |n: i64| history.revisions.iter().find(|r| r.revision == n);
    let revision = find(n).ok_or_else(|| Error::not_found("revision"))?;
    let base = match against {
        Some(m) => Some(find(m).ok_or_else(|| Error::not_found("revision"))?),
        None => history.revisions.iter().filter(|r| r.revision < n).max_by_key(|r| r.revision),
    };
    Ok(RevisionDiff { revision: revision.clone(), against: base.cloned(), changes: diff(base.map(|r| &r.listing), &revision.listing) })
}

/// [`history`] and [`compare`] in one call.
pub async fn revision(
    ctx: &Context,
    p: Option<&Principal>,
    key: &str,
    n: i64,
    against: Option<i64>,
) -> Result<(History, RevisionDiff), Error> {
    let h = history(ctx, p, key).await?;
    let d = compare(&h, n, against)?;
    Ok((h, d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use gureum_domain::ServiceStatus;
    use gureum_domain::listing::parse_listing;
    use serde_json::json;

    fn listing(price: i64, name: &str) -> gureum_domain::Listing {
        let v = json!({
            "code": "SAS-4-09-10374", "name": name, "kind": "saas", "category": "협업", "summary": "전자결재",
            "price_plans": [{"name": "기본", "model": "metered", "unit": "사용자/월", "unit_price_krw": price}]
        });
        parse_listing(v.as_object().expect("object"), false).expect("listing")
    }

    fn rev(n: i64, state: RevisionState, price: i64, name: &str) -> Revision {
        Revision {
            service_id: "s".into(),
            revision: n,
            state,
            listing: listing(price, name),
            created_at: 0,
            submitted_at: None,
            decided_at: None,
            decision_reason: None,
            base_revision: None,
            material: None,
        }
    }

    fn history(revisions: Vec<Revision>) -> History {
        let head = ServiceHead {
            id: "s".into(),
            code: "SAS-4-09-10374".into(),
            supplier_id: "sup".into(),
            status: ServiceStatus::Listed,
            status_reason: None,
            public_revision: Some(3),
            latest_revision: 4,
            draft_revision: None,
            first_listed_at: None,
            created_at: 0,
            updated_at: 0,
        };
        History { head, revisions, full: false }
    }

    #[test]
    fn against_the_previous_visible_revision_by_default() {
        // as a visitor sees it: revision 2 was rejected, so it is not in the history
        let h = history(vec![rev(1, RevisionState::Superseded, 10_000, "결재"), rev(3, RevisionState::Listed, 12_000, "새 결재")]);
        let d = compare(&h, 3, None).expect("diff");
        assert_eq!(d.against.as_ref().map(|r| r.revision), Some(1));
        let fields: Vec<(&str, bool)> = d.changes.iter().map(|c| (c.field, c.material)).collect();
        assert_eq!(fields, [("name", false), ("price_plans", true)], "a price increase is material, a new name is not");
        let first = compare(&h, 1, None).expect("first");
        assert!(first.against.is_none());
        assert!(first.changes.iter().any(|c| c.field == "code" && c.material && c.before.is_none()));
        let back = compare(&h, 1, Some(3)).expect("backwards");
        assert!(back.changes.iter().any(|c| c.field == "price_plans" && !c.material), "a price decrease is not material");
        assert!(compare(&h, 3, Some(3)).expect("same").changes.is_empty());
    }

    #[test]
    fn what_is_not_visible_is_not_found() {
        let h = history(vec![rev(1, RevisionState::Listed, 10_000, "결재")]);
        assert_eq!(compare(&h, 2, None).map_err(|e| e.code), Err(Code::NotFound));
        assert_eq!(compare(&h, 1, Some(2)).map_err(|e| e.code), Err(Code::NotFound));
    }

    #[test]
    fn revision_numbers() {
        assert_eq!(revision_number("3", Code::InvalidId), Ok(3));
        for bad in ["0", "-1", "x", "", "1.5"] {
            assert_eq!(revision_number(bad, Code::InvalidParameter).map_err(|e| e.code), Err(Code::InvalidParameter), "{bad}");
        }
    }
}

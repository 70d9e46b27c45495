//! Long-lived API tokens for machines (SPEC §4), created and revoked by an organisation's
//! admin. A token carries scopes and an expiry (default one year, at most two), never more
//! than the person who created it may do; the operator's and the auditors' organisations get
//! none; a token dies with its creator's account.

use super::*;
use gureum_domain::clock::{SEOUL, format_date, from_micros, parse_date, to_micros};
use time::{Date, Month};

/// What a machine token may do. `read` may only read (GET); each `…:write` opens the writes
/// of its routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Read,
    /// A supplier's own services (create, edit, submit, documents).
    ServicesWrite,
    /// Usage reports (metered usage per contract).
    UsageWrite,
    /// Invoices.
    InvoicesWrite,
}

impl Scope {
    pub const ALL: [Scope; 4] = [Scope::Read, Scope::ServicesWrite, Scope::UsageWrite, Scope::InvoicesWrite];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::ServicesWrite => "services:write",
            Self::UsageWrite => "usage:write",
            Self::InvoicesWrite => "invoices:write",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// The role a person needs to grant it: writes are a supplier's (its services, its usage
    /// reports, its invoices); anyone reads.
    pub fn needs(self) -> Option<Role> {
        match self {
            Self::Read => None,
            Self::ServicesWrite | Self::UsageWrite | Self::InvoicesWrite => Some(Role::Supplier),
        }
    }
}

/// The scopes a principal may put on a token it creates (its own rights bound them).
pub fn grantable_scopes(p: &Principal) -> Vec<Scope> {
    Scope::ALL.into_iter().filter(|s| s.needs().is_none_or(|r| p.has_role(r))).collect()
}

/// The operator's and the auditors' organisations get no machine tokens: what they do is done
/// by a person, in the audit log under a person's name.
pub fn machine_tokens_allowed(kind: OrgKind) -> bool {
    !matches!(kind, OrgKind::Operator | OrgKind::Audit)
}

/// The same day `years` later (29 February becomes 28 February).
fn years_after(d: Date, years: i32) -> Date {
    let y = d.year() + years;
    Date::from_calendar_date(y, d.month(), d.day()).or_else(|_| Date::from_calendar_date(y, Month::February, 28)).unwrap_or(d)
}

/// The instant a token expiring on `d` stops working: the start of that day in Asia/Seoul.
fn start_of(d: Date) -> i64 {
    to_micros(d.midnight().assume_offset(SEOUL))
}

/// The day a token stops working, as shown (`expires_on`).
pub fn expires_on(expires_at: i64) -> String {
    format_date(from_micros(expires_at).to_offset(SEOUL).date())
}

/// Creates an API token for the caller's organisation; the secret is returned once. `scopes`
/// default to `read`; `expires_on` (`YYYY-MM-DD`, Asia/Seoul; the token stops working when that
/// day begins) defaults to a year from today and may be at most two years away.
pub async fn create_api_token(
    ctx: &Context,
    p: &Principal,
    name: &str,
    scopes: &[String],
    expires_on: Option<&str>,
    request_id: Option<String>,
) -> Result<(gureum_storage::ApiToken, String), Error> {
    if !machine_tokens_allowed(p.org().kind) {
        return Err(Error::new(Code::Forbidden, "the operator's and auditors' organisations get no machine tokens"));
    }
    let name = required(name, Code::InvalidName, "the token name")?;
    let mut wanted = Vec::new();
    for s in scopes.iter().filter(|s| !s.trim().is_empty()) {
        let scope = Scope::parse(s).ok_or_else(|| {
            Error::new(Code::InvalidScopes, format!("unknown scope {s:?}; use read, services:write, usage:write or invoices:write"))
        })?;
        if !wanted.contains(&scope) {
            wanted.push(scope);
        }
    }
    if wanted.is_empty() {
        wanted.push(Scope::Read);
    }
    let grantable = grantable_scopes(p);
    if let Some(s) = wanted.iter().find(|s| !grantable.contains(s)) {
        return Err(Error::new(Code::Forbidden, format!("you may not grant {}: a token never does more than its creator", s.as_str()))
            .with("scope", s.as_str().into()));
    }
    let today = ctx.clock().today();
    let last = years_after(today, 2);
    let day = match expires_on.map(str::trim).filter(|v| !v.is_empty()) {
        None => years_after(today, 1),
        Some(v) => {
            let d = parse_date(v).ok_or_else(|| Error::new(Code::InvalidExpiry, "expires_on is a date, YYYY-MM-DD"))?;
            if d <= today || d > last {
                return Err(Error::new(
                    Code::InvalidExpiry,
                    format!("expires_on is after today and at most two years away ({})", format_date(last)),
                ));
            }
            d
        }
    };
    let scope_names: Vec<&str> = wanted.iter().map(|s| s.as_str()).collect();
    let secret = new_secret(API_TOKEN_PREFIX)?;
    let tid = id();
    let token_hash = secret_hash(&secret);
    let actor = p.actor();
    let mut tx = ctx.db().begin_write().await?;
    tx.insert_api_token(&gureum_storage::NewApiToken {
        id: &tid,
        org_id: &p.org().id,
        name: &name,
        token_hash: &token_hash,
        created_by: &actor,
        scopes: &scope_names,
        expires_at: start_of(day),
    })
    .await?;
    let mut ev = NewAuditEvent::new(&actor, "api_token.create", "api_token", &tid)
        .after(json!({"name": name, "scopes": scope_names, "expires_on": format_date(day)}))
        .request_id(request_id);
    ev.organisation = Some(p.org().id.clone());
    tx.audit(ev).await?;
    tx.commit().await?;
    let token =
        ctx.db().api_tokens_of(&p.org().id).await?.into_iter().find(|t| t.id == tid).ok_or_else(|| Error::internal("token vanished"))?;
    Ok((token, secret))
}

pub async fn revoke_api_token(ctx: &Context, p: &Principal, token_id: &str, request_id: Option<String>) -> Result<(), Error> {
    let mut tx = ctx.db().begin_write().await?;
    if !tx.revoke_api_token(&p.org().id, token_id).await? {
        tx.rollback().await?;
        return Err(Error::not_found("api token"));
    }
    let mut ev = NewAuditEvent::new(&p.actor(), "api_token.revoke", "api_token", token_id).request_id(request_id);
    ev.organisation = Some(p.org().id.clone());
    tx.audit(ev).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn scopes_round_trip_and_writes_are_a_suppliers() {
        for s in Scope::ALL {
            assert_eq!(Scope::parse(s.as_str()), Some(s));
        }
        assert_eq!(Scope::parse("admin"), None);
        assert_eq!(Scope::Read.needs(), None);
        assert_eq!(Scope::ServicesWrite.needs(), Some(Role::Supplier));
    }

    #[test]
    fn expiry_days_and_their_instants() {
        assert_eq!(years_after(date!(2026 - 11 - 23), 1), date!(2027 - 11 - 23));
        assert_eq!(years_after(date!(2028 - 02 - 29), 1), date!(2029 - 02 - 28));
        // 2027-11-23 00:00 in Seoul is 2027-11-22 15:00 UTC, and shows as the 23rd
        let at = start_of(date!(2027 - 11 - 23));
        assert_eq!(gureum_domain::clock::rfc3339_utc(at), "2027-11-22T15:00:00.000000Z");
        assert_eq!(expires_on(at), "2027-11-23");
        assert!(!machine_tokens_allowed(OrgKind::Operator) && !machine_tokens_allowed(OrgKind::Audit));
        assert!(machine_tokens_allowed(OrgKind::Supplier) && machine_tokens_allowed(OrgKind::Agency));
    }
}

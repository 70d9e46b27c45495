//! Who acts: a person (through a session) or a machine (through an organisation's API token), the
//! roles in force, and the permission rule each action declares (docs/RULES.md#accounts: a role never allowed →
//! 403 `forbidden`; another organisation's private object → 404, decided by the use case).

use crate::accounts::{Scope, machine_tokens_allowed};
use crate::context::Context;
use crate::error::{Code, Error, Result};
use crate::secrets::{API_TOKEN_PREFIX, secret_hash};
use gureum_domain::account::{OrgKind, Role};
use gureum_storage::{ApiToken, OrgStatus, Organisation, SessionInfo, User, UserStatus};

/// A session ends after this much idle time; each use moves its end.
pub const SESSION_IDLE_MICROS: i64 = 30 * 60 * 1_000_000;
/// ... and after this long whatever the use (its absolute lifetime).
pub const SESSION_MAX_MICROS: i64 = 12 * 60 * 60 * 1_000_000;

/// How the caller proved who it is.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // built once per request; boxing buys nothing
pub enum Principal {
    /// A person, through a session cookie or a bearer login token.
    Person { session: Box<SessionInfo>, token_hash: String, via_cookie: bool },
    /// A machine, through an organisation's API token; it never does more than the person who
    /// created it may.
    Machine { token: ApiToken, org: Organisation, creator: Box<User> },
}

impl Principal {
    pub fn org(&self) -> &Organisation {
        match self {
            Self::Person { session, .. } => &session.org,
            Self::Machine { org, .. } => org,
        }
    }

    pub fn user(&self) -> Option<&User> {
        match self {
            Self::Person { session, .. } => Some(&session.user),
            Self::Machine { .. } => None,
        }
    }

    /// The actor recorded in audit events: the user id, or `token:<id>`.
    pub fn actor(&self) -> String {
        match self {
            Self::Person { session, .. } => session.user.id.clone(),
            Self::Machine { token, .. } => format!("token:{}", token.id),
        }
    }

    /// The roles in force. A machine token acts with its creator's roles; an organisation not
    /// yet approved has none.
    pub fn roles(&self) -> Vec<Role> {
        if self.org().status != OrgStatus::Approved {
            return Vec::new();
        }
        match self {
            Self::Person { session, .. } => {
                session.user.roles.iter().copied().filter(|r| session.org.kind.allowed_roles().contains(r)).collect()
            }
            Self::Machine { org, creator, .. } => creator.roles.iter().copied().filter(|r| org.kind.allowed_roles().contains(r)).collect(),
        }
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.roles().contains(&role)
    }

    pub fn is_admin(&self) -> bool {
        matches!(self, Self::Person { session, .. } if session.user.is_admin)
    }

    pub fn csrf(&self) -> Option<&str> {
        match self {
            Self::Person { session, .. } => Some(&session.csrf),
            Self::Machine { .. } => None,
        }
    }

    /// The organisation kind acted for.
    pub fn org_kind(&self) -> OrgKind {
        self.org().kind
    }

    /// A machine token's scopes must hold `scope` (403 `insufficient_scope`); a person's
    /// rights are its roles alone.
    pub fn require_scope(&self, scope: Scope) -> Result<&Self> {
        match self {
            Self::Person { .. } => Ok(self),
            Self::Machine { token, .. } if token.scopes.iter().any(|s| s == scope.as_str()) => Ok(self),
            Self::Machine { .. } => Err(Error::new(Code::InsufficientScope, format!("this API token lacks the scope {}", scope.as_str()))
                .with("required_scope", scope.as_str().into())),
        }
    }

    /// Checks a rule: `Ok(self)` or 403 `forbidden`.
    pub fn require(&self, rule: Rule) -> Result<&Self> {
        rule.check(self)?;
        Ok(self)
    }
}

/// The permission rule an action declares.
#[derive(Debug, Clone, Copy)]
pub enum Rule {
    /// Any signed-in person or machine, even of an organisation not yet approved.
    Authenticated,
    /// Any of these roles (in an approved organisation).
    AnyRole(&'static [Role]),
    /// An admin of an approved organisation (never an auditor: it reads and changes nothing).
    OrgAdmin,
    /// A person (not a machine token).
    Person,
}

impl Rule {
    /// Checks the rule: `Ok` or 403 `forbidden`.
    pub fn check(self, p: &Principal) -> Result<()> {
        let ok = match self {
            Self::Authenticated => true,
            Self::AnyRole(roles) => roles.iter().any(|r| p.has_role(*r)),
            Self::OrgAdmin => p.is_admin() && p.org().status == OrgStatus::Approved && !p.has_role(Role::Auditor),
            Self::Person => p.user().is_some(),
        };
        if ok { Ok(()) } else { Err(Error::forbidden()) }
    }
}

pub const OPERATOR: &[Role] = &[Role::Operator];
pub const AUDIT_READERS: &[Role] = &[Role::Operator, Role::Auditor];
pub const SUPPLIER: &[Role] = &[Role::Supplier];

/// Resolves a presented secret (a bearer token or a session cookie's value) to the principal it
/// stands for, moving a session's idle end. `None` when it stands for nobody (unknown, expired
/// — idle for 30 minutes, or begun 12 hours ago — revoked, or its user disabled).
pub async fn authenticate(ctx: &Context, secret: &str, via_cookie: bool) -> Result<Option<Principal>> {
    let now = ctx.clock().now_micros();
    let hash = secret_hash(secret);
    if secret.starts_with(API_TOKEN_PREFIX) && !via_cookie {
        let Some((token, org, creator)) = ctx.db().api_token(&hash, now).await? else { return Ok(None) };
        // Dead with its creator's account (disabled, or moved away), and never one for the
        // operator's or an auditor's organisation (one may have been made before the rule).
        if creator.status == UserStatus::Disabled || creator.org_id != org.id || !machine_tokens_allowed(org.kind) {
            return Ok(None);
        }
        ctx.db().mark_token_used(&token.id, now).await?;
        return Ok(Some(Principal::Machine { token, org, creator: Box::new(creator) }));
    }
    let Some(session) = ctx.db().session(&hash, now, now - SESSION_MAX_MICROS).await? else { return Ok(None) };
    if session.user.status == UserStatus::Disabled {
        return Ok(None);
    }
    // Touch only when a minute has passed, to keep reads cheap; never past the absolute end.
    let new_end = (now + SESSION_IDLE_MICROS).min(session.created_at + SESSION_MAX_MICROS);
    if new_end - session.expires_at > 60_000_000 {
        ctx.db().touch_session(&hash, new_end).await?;
    }
    Ok(Some(Principal::Person { session: Box::new(session), token_hash: hash, via_cookie }))
}

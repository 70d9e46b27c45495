//! Where an organisation and a person stand (가입 승인, 계정 상태): see docs/RULES.md#accounts.

use serde::{Deserialize, Serialize};

/// An organisation's standing with the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgStatus {
    /// Signed up, waiting for the operator's approval (승인 대기).
    Pending,
    /// 승인.
    Approved,
    /// 반려.
    Rejected,
}

impl OrgStatus {
    pub const ALL: [OrgStatus; 3] = [Self::Pending, Self::Approved, Self::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A person's account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    /// Invited; sets a password through the e-mailed link.
    Invited,
    Active,
    /// Locked by an operator until unlocked.
    Disabled,
}

impl UserStatus {
    pub const ALL: [UserStatus; 3] = [Self::Invited, Self::Active, Self::Disabled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invited => "invited",
            Self::Active => "active",
            Self::Disabled => "disabled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    #[test]
    fn org_statuses_round_trip() {
        let names: Vec<&str> = OrgStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, ["pending", "approved", "rejected"]);
        for s in OrgStatus::ALL {
            assert_eq!(OrgStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).ok(), Some(Value::from(s.as_str())));
            assert_eq!(serde_json::from_value::<OrgStatus>(s.as_str().into()).ok(), Some(s));
        }
        assert_eq!(OrgStatus::parse("Approved"), None);
        assert_eq!(OrgStatus::parse(" pending"), None);
    }

    #[test]
    fn user_statuses_round_trip() {
        let names: Vec<&str> = UserStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, ["invited", "active", "disabled"]);
        for s in UserStatus::ALL {
            assert_eq!(UserStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).ok(), Some(Value::from(s.as_str())));
            assert_eq!(serde_json::from_value::<UserStatus>(s.as_str().into()).ok(), Some(s));
        }
        assert_eq!(UserStatus::parse("locked"), None);
        assert_eq!(UserStatus::parse(""), None);
    }

    proptest! {
        #[test]
        fn parse_accepts_only_the_stored_names(s in prop_oneof![
            proptest::sample::select(["pending", "approved", "rejected", "invited", "active", "disabled"].map(String::from).to_vec()),
            "[a-z_ ]{0,10}",
        ]) {
            match OrgStatus::parse(&s) {
                Some(o) => prop_assert_eq!(o.as_str(), s.as_str()),
                None => prop_assert!(OrgStatus::ALL.iter().all(|k| k.as_str() != s)),
            }
            match UserStatus::parse(&s) {
                Some(u) => prop_assert_eq!(u.as_str(), s.as_str()),
                None => prop_assert!(UserStatus::ALL.iter().all(|k| k.as_str() != s)),
            }
        }
    }
}

//! Where one revision of a listing stands (판 상태): see docs/RULES.md#lifecycle.

use serde::{Deserialize, Serialize};

/// Where one revision stands. A service has at most one open revision (draft, submitted or in
/// review) beside its public one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevisionState {
    /// Being edited by its supplier (작성중).
    Draft,
    /// Sent to the operator (제출됨).
    Submitted,
    /// The operator (later the committee) is looking at it (심사중).
    InReview,
    /// The public revision (공개).
    Listed,
    /// Turned down, with a reason (반려).
    Rejected,
    /// Was listed; a later revision replaced it (이전 판).
    Superseded,
}

impl RevisionState {
    pub const ALL: [RevisionState; 6] = [Self::Draft, Self::Submitted, Self::InReview, Self::Listed, Self::Rejected, Self::Superseded];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::InReview => "in_review",
            Self::Listed => "listed",
            Self::Rejected => "rejected",
            Self::Superseded => "superseded",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Waiting for the operator's decision.
    pub fn is_pending(self) -> bool {
        matches!(self, Self::Submitted | Self::InReview)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn stored_names() {
        let names: Vec<&str> = RevisionState::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, ["draft", "submitted", "in_review", "listed", "rejected", "superseded"]);
        for s in RevisionState::ALL {
            assert_eq!(RevisionState::parse(s.as_str()), Some(s));
            // The JSON form is the stored form, so an API can show either.
            assert_eq!(serde_json::to_value(s).ok(), Some(serde_json::Value::from(s.as_str())));
            assert_eq!(serde_json::from_value::<RevisionState>(s.as_str().into()).ok(), Some(s));
        }
        assert_eq!(RevisionState::parse("Draft"), None);
        assert_eq!(RevisionState::parse("inreview"), None);
        assert_eq!(RevisionState::parse(""), None);
    }

    #[test]
    fn pending_is_with_the_operator() {
        let pending: Vec<RevisionState> = RevisionState::ALL.into_iter().filter(|s| s.is_pending()).collect();
        assert_eq!(pending, [RevisionState::Submitted, RevisionState::InReview]);
    }

    proptest! {
        #[test]
        fn parse_accepts_only_the_stored_names(s in prop_oneof![proptest::sample::select(RevisionState::ALL.map(|k| k.as_str().to_owned()).to_vec()), "[a-z_]{0,12}"]) {
            match RevisionState::parse(&s) {
                Some(state) => prop_assert_eq!(state.as_str(), s.as_str()),
                None => prop_assert!(RevisionState::ALL.iter().all(|k| k.as_str() != s)),
            }
        }
    }
}

//! The life of a listing (서비스 상태): docs/RULES.md#statuses; what moves it is
//! [`lifecycle`](crate::lifecycle).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ServiceStatus {
    Draft,
    Submitted,
    InReview,
    Listed,
    Rejected,
    /// 판매중지: visible with a notice, not orderable.
    Suspended,
    /// 선정취소.
    Cancelled,
    /// Withdrawn by its supplier.
    Withdrawn,
    /// The selection period ended without re-review.
    Expired,
}

impl ServiceStatus {
    pub const ALL: [ServiceStatus; 9] = [
        Self::Draft,
        Self::Submitted,
        Self::InReview,
        Self::Listed,
        Self::Rejected,
        Self::Suspended,
        Self::Cancelled,
        Self::Withdrawn,
        Self::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::InReview => "in_review",
            Self::Listed => "listed",
            Self::Rejected => "rejected",
            Self::Suspended => "suspended",
            Self::Cancelled => "cancelled",
            Self::Withdrawn => "withdrawn",
            Self::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether a visitor may see the service page.
    pub fn is_public(self) -> bool {
        matches!(self, Self::Listed | Self::Suspended)
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            Self::Draft => "작성중",
            Self::Submitted => "신청",
            Self::InReview => "심사중",
            Self::Listed => "등록",
            Self::Rejected => "반려",
            Self::Suspended => "판매중지",
            Self::Cancelled => "선정취소",
            Self::Withdrawn => "철회",
            Self::Expired => "기간만료",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Submitted => "Submitted",
            Self::InReview => "In review",
            Self::Listed => "Listed",
            Self::Rejected => "Rejected",
            Self::Suspended => "Suspended",
            Self::Cancelled => "Cancelled",
            Self::Withdrawn => "Withdrawn",
            Self::Expired => "Expired",
        }
    }
}

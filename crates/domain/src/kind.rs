//! The kind of a digital service (디지털서비스 유형).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ServiceKind {
    Iaas,
    Paas,
    Saas,
    Daas,
    /// 지원서비스: consulting, MSP, migration.
    Support,
    /// 융합서비스: cloud + AI / IoT / big data / blockchain.
    Convergence,
}

impl ServiceKind {
    pub const ALL: [ServiceKind; 6] = [Self::Iaas, Self::Paas, Self::Saas, Self::Daas, Self::Support, Self::Convergence];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Iaas => "iaas",
            Self::Paas => "paas",
            Self::Saas => "saas",
            Self::Daas => "daas",
            Self::Support => "support",
            Self::Convergence => "convergence",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The prefix of its service codes.
    pub fn code_prefix(self) -> &'static str {
        match self {
            Self::Iaas => "IAS",
            Self::Paas => "PAS",
            Self::Saas => "SAS",
            Self::Daas => "DAS",
            Self::Support => "SUP",
            Self::Convergence => "CNV",
        }
    }

    pub fn from_code_prefix(p: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code_prefix() == p)
    }

    /// Whether this is a cloud computing service (as opposed to support or convergence).
    pub fn is_cloud(self) -> bool {
        matches!(self, Self::Iaas | Self::Paas | Self::Saas | Self::Daas)
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            Self::Iaas => "IaaS",
            Self::Paas => "PaaS",
            Self::Saas => "SaaS",
            Self::Daas => "DaaS",
            Self::Support => "지원서비스",
            Self::Convergence => "융합서비스",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Iaas => "IaaS",
            Self::Paas => "PaaS",
            Self::Saas => "SaaS",
            Self::Daas => "DaaS",
            Self::Support => "Support service",
            Self::Convergence => "Convergence service",
        }
    }
}

//! Organisations, roles and people (docs/RULES.md#accounts): the rules, without storage.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The kind of an organisation fixes the roles its people may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// 제공기업
    Supplier,
    /// 수요기관
    Agency,
    /// 바우처 수요기업
    Sme,
    /// 운영기관 (NIA)
    Operator,
    /// 조달청 (PPS)
    Procurement,
    /// 감사
    Audit,
    /// 심사위원 풀
    ReviewerPool,
}

impl OrgKind {
    pub const ALL: [OrgKind; 7] =
        [Self::Supplier, Self::Agency, Self::Sme, Self::Operator, Self::Procurement, Self::Audit, Self::ReviewerPool];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Supplier => "supplier",
            Self::Agency => "agency",
            Self::Sme => "sme",
            Self::Operator => "operator",
            Self::Procurement => "procurement",
            Self::Audit => "audit",
            Self::ReviewerPool => "reviewer_pool",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The roles people of such an organisation may hold.
    pub fn allowed_roles(self) -> &'static [Role] {
        match self {
            Self::Supplier => &[Role::Supplier],
            Self::Agency => &[Role::Buyer, Role::BudgetOfficer, Role::Signatory],
            Self::Sme => &[Role::Sme],
            Self::Operator => &[Role::Operator],
            Self::Procurement => &[Role::Pps],
            Self::Audit => &[Role::Auditor],
            Self::ReviewerPool => &[Role::Reviewer],
        }
    }

    /// Suppliers and SMEs sign up themselves; the operator creates every other organisation.
    pub fn self_service(self) -> bool {
        matches!(self, Self::Supplier | Self::Sme)
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            Self::Supplier => "제공기업",
            Self::Agency => "수요기관",
            Self::Sme => "바우처 수요기업",
            Self::Operator => "운영기관",
            Self::Procurement => "조달청",
            Self::Audit => "감사기관",
            Self::ReviewerPool => "심사위원 풀",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Supplier => "Supplier",
            Self::Agency => "Agency",
            Self::Sme => "Voucher SME",
            Self::Operator => "Operator",
            Self::Procurement => "Public Procurement Service",
            Self::Audit => "Audit office",
            Self::ReviewerPool => "Reviewer pool",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Supplier,
    Buyer,
    BudgetOfficer,
    Signatory,
    Sme,
    Operator,
    Pps,
    Auditor,
    Reviewer,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Self::Supplier,
        Self::Buyer,
        Self::BudgetOfficer,
        Self::Signatory,
        Self::Sme,
        Self::Operator,
        Self::Pps,
        Self::Auditor,
        Self::Reviewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Supplier => "supplier",
            Self::Buyer => "buyer",
            Self::BudgetOfficer => "budget_officer",
            Self::Signatory => "signatory",
            Self::Sme => "sme",
            Self::Operator => "operator",
            Self::Pps => "pps",
            Self::Auditor => "auditor",
            Self::Reviewer => "reviewer",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            Self::Supplier => "제공기업 담당자",
            Self::Buyer => "수요기관 담당자",
            Self::BudgetOfficer => "예산 담당자",
            Self::Signatory => "계약 서명권자",
            Self::Sme => "바우처 기업 담당자",
            Self::Operator => "운영기관 담당자",
            Self::Pps => "조달청 계약담당",
            Self::Auditor => "감사",
            Self::Reviewer => "심사위원",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Supplier => "Supplier",
            Self::Buyer => "Buyer",
            Self::BudgetOfficer => "Budget officer",
            Self::Signatory => "Signatory",
            Self::Sme => "SME",
            Self::Operator => "Operator",
            Self::Pps => "Procurement officer",
            Self::Auditor => "Auditor",
            Self::Reviewer => "Reviewer",
        }
    }
}

/// Roles as stored: a comma-separated list.
pub fn roles_to_string(roles: &[Role]) -> String {
    roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")
}

pub fn roles_from_string(s: &str) -> Vec<Role> {
    s.split(',').filter_map(|r| Role::parse(r.trim())).collect()
}

/// An e-mail address, trimmed and lower-cased; a plain structural check (one `@`, a dot in the
/// domain, no spaces), since delivery is the real test.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_lowercase();
        let (local, domain) = s.split_once('@')?;
        let ok = !local.is_empty()
            && local.len() <= 64
            && domain.len() <= 253
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && s.chars().all(|c| !c.is_whitespace() && !c.is_control());
        ok.then_some(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 200;

/// The password policy: at least 10 characters (and a sane maximum).
pub fn password_acceptable(p: &str) -> bool {
    let n = p.chars().count();
    (MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&n)
}

/// Masks an e-mail for people who do not need it: `ho***@agency.go.kr`.
pub fn mask_email(e: &str) -> String {
    match e.split_once('@') {
        Some((local, domain)) => {
            let keep: String = local.chars().take(2).collect();
            format!("{keep}***@{domain}")
        }
        None => "***".into(),
    }
}

/// Masks a phone number, keeping the first group and the last two digits: `010-****-**78`.
pub fn mask_phone(p: &str) -> String {
    let digits: Vec<char> = p.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 4 {
        return "***".into();
    }
    let head: String = digits.iter().take(3).collect();
    let tail: String = digits[digits.len() - 2..].iter().collect();
    format!("{head}-****-**{tail}")
}

/// Masks a person's name: `홍*동`, `김*`.
pub fn mask_name(n: &str) -> String {
    let chars: Vec<char> = n.chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        2 => format!("{}*", chars[0]),
        k => format!("{}{}{}", chars[0], "*".repeat(k - 2), chars[k - 1]),
    }
}

/// The language a person reads Gureum in (the pages they open signed in, the e-mails they
/// get): Korean unless they chose English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    Ko,
    En,
}

impl Language {
    pub const ALL: [Language; 2] = [Self::Ko, Self::En];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ko => "ko",
            Self::En => "en",
        }
    }

    /// Exactly `ko` or `en`, as stored and as the API takes it.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// The Korean or the English of a pair.
    pub fn pick<'a>(self, ko: &'a str, en: &'a str) -> &'a str {
        match self {
            Self::Ko => ko,
            Self::En => en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn roles_follow_the_organisation_kind() {
        assert_eq!(OrgKind::Agency.allowed_roles(), &[Role::Buyer, Role::BudgetOfficer, Role::Signatory]);
        assert!(OrgKind::Supplier.self_service() && OrgKind::Sme.self_service() && !OrgKind::Agency.self_service());
        let every: Vec<Role> = OrgKind::ALL.iter().flat_map(|k| k.allowed_roles().iter().copied()).collect();
        for r in Role::ALL {
            assert_eq!(every.iter().filter(|x| **x == r).count(), 1, "{r:?} belongs to exactly one kind");
        }
        assert_eq!(roles_from_string(&roles_to_string(&[Role::Buyer, Role::Signatory])), vec![Role::Buyer, Role::Signatory]);
    }

    #[test]
    fn emails_and_masks() {
        assert_eq!(Email::parse(" Hong@Agency.go.kr ").map(|e| e.0), Some("hong@agency.go.kr".into()));
        for bad in ["", "a", "a@b", "@b.kr", "a b@c.kr", "a@.kr", "a@b.kr."] {
            assert!(Email::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(mask_email("hong@agency.go.kr"), "ho***@agency.go.kr");
        assert_eq!(mask_phone("010-1234-5678"), "010-****-**78");
        assert_eq!(mask_name("홍길동"), "홍*동");
        assert_eq!(mask_name("김구"), "김*");
        assert!(!password_acceptable("short"));
        assert!(password_acceptable("gureum-demo"));
        assert!(password_acceptable("열글자비밀번호입니다요"));
    }

    proptest! {
        #[test]
        fn masks_never_reveal_the_middle(local in "[a-z]{5,20}", domain in "[a-z]{2,10}\\.kr") {
            let m = mask_email(&format!("{local}@{domain}"));
            prop_assert!(!m.contains(&local));
            prop_assert!(m.ends_with(&domain));
        }
    }

    #[test]
    fn languages() {
        for l in Language::ALL {
            assert_eq!(Language::parse(l.as_str()), Some(l));
            assert_eq!(serde_json::to_value(l).ok(), Some(serde_json::Value::from(l.as_str())));
        }
        assert_eq!(Language::default(), Language::Ko);
        assert_eq!(Language::parse("EN"), None);
        assert_eq!(Language::parse("fr"), None);
        assert_eq!(Language::En.pick("한", "en"), "en");
        assert_eq!(Language::Ko.pick("한", "en"), "한");
    }
}

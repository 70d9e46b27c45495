//! Service codes such as `SAS-4-09-10374`: `^(IAS|PAS|SAS|DAS|SUP|CNV)-\d{1,2}-\d{2}-\d{5,7}$`.

use crate::fair::fnv1a64;
use crate::kind::ServiceKind;
use crate::listing::Listing;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServiceCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceCodeError {
    #[error("a service code looks like SAS-4-09-10374")]
    Format,
}

fn all_digits(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

impl ServiceCode {
    pub fn parse(input: &str) -> Result<Self, ServiceCodeError> {
        let parts: Vec<&str> = input.split('-').collect();
        let [prefix, class, sub, serial] = parts.as_slice() else {
            return Err(ServiceCodeError::Format);
        };
        if ServiceKind::from_code_prefix(prefix).is_none()
            || !all_digits(class, 1, 2)
            || !all_digits(sub, 2, 2)
            || !all_digits(serial, 5, 7)
        {
            return Err(ServiceCodeError::Format);
        }
        Ok(Self(input.to_owned()))
    }

    /// Builds a code from its parts; the serial is zero-padded to 5 digits.
    pub fn assemble(kind: ServiceKind, class: u8, sub: u8, serial: u32) -> Self {
        Self(format!("{}-{}-{:02}-{:05}", kind.code_prefix(), class % 100, sub % 100, serial % 10_000_000))
    }

    pub fn kind(&self) -> ServiceKind {
        // parse() guarantees a known prefix
        ServiceKind::from_code_prefix(&self.0[..3]).unwrap_or(ServiceKind::Saas)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The classification digits of an assigned code (docs/RULES.md#service-codes): derived from
/// the category and the subcategory (the category when there is none), so services of one
/// category share the first and of one subcategory the second. The class is 1–20, the
/// subclass 1–99.
pub fn classification(listing: &Listing) -> (u8, u8) {
    let class = 1 + (fnv1a64(listing.category.as_bytes()) % 20) as u8;
    let sub_src = listing.subcategory.as_deref().unwrap_or(&listing.category);
    let sub = 1 + (fnv1a64(sub_src.as_bytes()) % 99) as u8;
    (class, sub)
}

impl fmt::Display for ServiceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn examples() {
        assert!(ServiceCode::parse("SAS-4-09-10374").is_ok());
        assert!(ServiceCode::parse("IAS-12-01-1234567").is_ok());
        assert_eq!(ServiceCode::parse("SAS-4-09-10374").map(|c| c.kind()), Ok(ServiceKind::Saas));
        for bad in [
            "",
            "SAS-4-09-1037",
            "SAS-123-09-10374",
            "XYZ-4-09-10374",
            "SAS-4-9-10374",
            "sas-4-09-10374",
            "SAS-4-09-12345678",
            "SAS-4-09-10374-1",
            "SAS-a-09-10374",
        ] {
            assert!(ServiceCode::parse(bad).is_err(), "{bad}");
        }
    }

    fn listing(category: &str, subcategory: Option<&str>) -> Listing {
        let mut v = serde_json::json!({"name": "서비스", "kind": "saas", "category": category, "summary": "요약"});
        if let Some(s) = subcategory {
            v["subcategory"] = s.into();
        }
        crate::listing::parse_listing(v.as_object().expect("object"), false).expect("valid listing")
    }

    #[test]
    fn classification_follows_the_category() {
        // The digits are FNV-1a 64 of the names: 1 + h % 20 and 1 + h % 99.
        let l = listing("전자결재", None);
        let h = fnv1a64("전자결재".as_bytes());
        assert_eq!(classification(&l), (1 + (h % 20) as u8, 1 + (h % 99) as u8));
        let with_sub = listing("전자결재", Some("기안"));
        assert_eq!(classification(&with_sub).0, classification(&l).0, "the category fixes the class");
        assert_eq!(classification(&with_sub).1, 1 + (fnv1a64("기안".as_bytes()) % 99) as u8);
    }

    proptest! {
        #[test]
        fn classified_codes_parse(category in "[가-힣a-z][가-힣a-z ]{0,11}", sub in proptest::option::of("[가-힣a-z]{1,8}"), serial in 0u32..10_000_000) {
            let l = listing(&category, sub.as_deref());
            let (class, subclass) = classification(&l);
            prop_assert!((1..=20).contains(&class) && (1..=99).contains(&subclass));
            let code = ServiceCode::assemble(l.kind, class, subclass, serial);
            prop_assert!(ServiceCode::parse(code.as_str()).is_ok());
            // Services of one category share the class whatever their subcategory.
            prop_assert_eq!(classification(&listing(&category, Some("다른"))).0, class);
        }

        #[test]
        fn assembled_codes_parse(k in 0usize..6, class in 0u8..100, sub in 0u8..100, serial in 0u32..10_000_000) {
            let kind = ServiceKind::ALL[k];
            let code = ServiceCode::assemble(kind, class, sub, serial);
            let parsed = ServiceCode::parse(code.as_str());
            prop_assert_eq!(parsed.clone(), Ok(code));
            prop_assert_eq!(parsed.map(|c| c.kind()), Ok(kind));
        }

        #[test]
        fn never_panics(s in ".{0,30}") {
            let _ = ServiceCode::parse(&s);
        }
    }
}

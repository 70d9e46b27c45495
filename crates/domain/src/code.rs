//! Service codes such as `SAS-4-09-10374`: `^(IAS|PAS|SAS|DAS|SUP|CNV)-\d{1,2}-\d{2}-\d{5,7}$`.

use crate::kind::ServiceKind;
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

    proptest! {
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

//! 사업자등록번호 — the Korean business registration number: 10 digits, the last a check digit.

use std::fmt;

/// A business registration number whose check digit is correct. Stored as its 10 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BusinessNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BusinessNumberError {
    #[error("a business number has 10 digits (dashes allowed)")]
    Format,
    #[error("the check digit of the business number is wrong")]
    CheckDigit,
}

const WEIGHTS: [u32; 9] = [1, 3, 7, 1, 3, 7, 1, 3, 5];

/// The check digit for the first nine digits (국세청 검증 규칙).
pub fn check_digit(first9: &[u32; 9]) -> u32 {
    let mut sum: u32 = first9.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    sum += first9[8] * 5 / 10;
    (10 - sum % 10) % 10
}

impl BusinessNumber {
    /// Accepts `1234567890` or `123-45-67890` (dashes and spaces anywhere are ignored).
    pub fn parse(input: &str) -> Result<Self, BusinessNumberError> {
        let mut digits = Vec::with_capacity(10);
        for c in input.trim().chars() {
            match c {
                '0'..='9' => digits.push(c as u32 - '0' as u32),
                '-' | ' ' => {}
                _ => return Err(BusinessNumberError::Format),
            }
        }
        if digits.len() != 10 {
            return Err(BusinessNumberError::Format);
        }
        let mut first9 = [0u32; 9];
        first9.copy_from_slice(&digits[..9]);
        if check_digit(&first9) != digits[9] {
            return Err(BusinessNumberError::CheckDigit);
        }
        Ok(Self(digits.iter().map(|d| char::from(b'0' + *d as u8)).collect()))
    }

    /// Builds a valid number from nine leading digits (used by the synthetic catalog).
    pub fn from_first9(first9: [u32; 9]) -> Self {
        let check = check_digit(&first9);
        let s: String = first9.iter().chain(std::iter::once(&check)).map(|d| char::from(b'0' + (*d % 10) as u8)).collect();
        Self(s)
    }

    /// The 10 digits without dashes.
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// The usual display form `123-45-67890`.
    pub fn formatted(&self) -> String {
        format!("{}-{}-{}", &self.0[..3], &self.0[3..5], &self.0[5..])
    }
}

impl fmt::Display for BusinessNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.formatted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_numbers() {
        // 220-81-62517 is a published, valid number (a large Korean company's).
        assert_eq!(BusinessNumber::parse("220-81-62517").map(|b| b.digits().to_owned()), Ok("2208162517".into()));
        assert_eq!(BusinessNumber::parse("2208162517").map(|b| b.formatted()), Ok("220-81-62517".into()));
        assert_eq!(BusinessNumber::parse("2208162518"), Err(BusinessNumberError::CheckDigit));
        assert_eq!(BusinessNumber::parse("220816251"), Err(BusinessNumberError::Format));
        assert_eq!(BusinessNumber::parse("22O8162517"), Err(BusinessNumberError::Format));
        assert_eq!(BusinessNumber::parse(""), Err(BusinessNumberError::Format));
    }

    proptest! {
        #[test]
        fn generated_numbers_round_trip(d in proptest::array::uniform9(0u32..10)) {
            let b = BusinessNumber::from_first9(d);
            prop_assert_eq!(BusinessNumber::parse(&b.formatted()), Ok(b.clone()));
            prop_assert_eq!(BusinessNumber::parse(b.digits()), Ok(b));
        }

        #[test]
        fn exactly_one_check_digit_is_valid(d in proptest::array::uniform9(0u32..10)) {
            let first: String = d.iter().map(|x| char::from(b'0' + *x as u8)).collect();
            let valid = (0..10).filter(|c| BusinessNumber::parse(&format!("{first}{c}")).is_ok()).count();
            prop_assert_eq!(valid, 1);
        }

        #[test]
        fn never_panics(s in ".{0,20}") {
            let _ = BusinessNumber::parse(&s);
        }
    }
}

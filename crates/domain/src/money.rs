//! Money: whole Korean won (KRW has no minor unit) in an integer (docs/RULES.md#money).

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of whole won. Prices are never negative; the type allows negative amounts only
/// where arithmetic needs them (credits), and constructors for prices reject them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct Krw(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KrwError {
    #[error("an amount in won must be a whole number")]
    NotWhole,
    #[error("a price cannot be negative")]
    Negative,
    #[error("the amount is too large")]
    TooLarge,
}

/// The largest price accepted: 1조원 per unit is beyond any real catalog.
pub const MAX_PRICE: i64 = 1_000_000_000_000;

impl Krw {
    pub const ZERO: Krw = Krw(0);

    pub fn new(won: i64) -> Self {
        Self(won)
    }

    /// A price: a whole, non-negative number of won from a JSON number.
    pub fn price_from_json(v: &serde_json::Value) -> Result<Self, KrwError> {
        if let Some(i) = v.as_i64() {
            return Self::price(i);
        }
        if v.as_u64().is_some() {
            return Err(KrwError::TooLarge);
        }
        match v.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Self::price(f as i64),
            Some(f) if f < 0.0 => Err(KrwError::Negative),
            _ => Err(KrwError::NotWhole),
        }
    }

    pub fn price(won: i64) -> Result<Self, KrwError> {
        if won < 0 {
            Err(KrwError::Negative)
        } else if won > MAX_PRICE {
            Err(KrwError::TooLarge)
        } else {
            Ok(Self(won))
        }
    }

    pub fn won(self) -> i64 {
        self.0
    }

    /// `1234567` → `1,234,567`.
    pub fn grouped(self) -> String {
        let digits = self.0.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if self.0 < 0 {
            out.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    }
}

impl fmt::Display for Krw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}원", self.grouped())
    }
}

/// Rounds `numerator / denominator` half-up to a whole number (for non-negative inputs), the one
/// rounding rule for money. `denominator` must be positive.
pub fn div_round_half_up(numerator: i128, denominator: i128) -> i128 {
    debug_assert!(denominator > 0);
    let q = numerator.div_euclid(denominator);
    let r = numerator.rem_euclid(denominator);
    if r * 2 >= denominator { q + 1 } else { q }
}

/// Value-added tax (부가가치세) in percent of the net amount.
pub const VAT_PCT: i64 = 10;

/// The VAT on a net amount of whole won: 10 %, truncated to the won (원 미만 절사). The one place
/// VAT is worked out: contract texts, quotes and invoices all call it.
pub fn vat(net_krw: i64) -> i64 {
    net_krw / 100 * VAT_PCT + net_krw % 100 * VAT_PCT / 100
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn vat_is_a_tenth_truncated_to_the_won() {
        assert_eq!(vat(0), 0);
        assert_eq!(vat(9), 0);
        assert_eq!(vat(10), 1);
        assert_eq!(vat(19), 1);
        assert_eq!(vat(1_234_567), 123_456);
        assert_eq!(vat(i64::MAX), i64::MAX / 10, "no overflow at the top");
    }

    #[test]
    fn prices() {
        assert_eq!(Krw::price_from_json(&json!(1000)), Ok(Krw(1000)));
        assert_eq!(Krw::price_from_json(&json!(1000.0)), Ok(Krw(1000)));
        assert_eq!(Krw::price_from_json(&json!(-1)), Err(KrwError::Negative));
        assert_eq!(Krw::price_from_json(&json!(10.5)), Err(KrwError::NotWhole));
        assert_eq!(Krw::price_from_json(&json!("10")), Err(KrwError::NotWhole));
        assert_eq!(Krw(1234567).grouped(), "1,234,567");
        assert_eq!(Krw(100).grouped(), "100");
        assert_eq!(Krw(-1000).to_string(), "-1,000원");
    }

    #[test]
    fn rounding() {
        assert_eq!(div_round_half_up(5, 10), 1);
        assert_eq!(div_round_half_up(4, 10), 0);
        assert_eq!(div_round_half_up(15, 10), 2);
        assert_eq!(div_round_half_up(25, 10), 3);
    }

    proptest! {
        #[test]
        fn rounding_is_nearest(n in 0i128..1_000_000_000_000, d in 1i128..1_000_000) {
            let r = div_round_half_up(n, d);
            // |r*d - n| <= d/2, and exact halves go up
            prop_assert!((r * d - n).abs() * 2 <= d);
            if (n % d) * 2 == d { prop_assert_eq!(r, n / d + 1); }
        }

        #[test]
        fn grouping_keeps_digits(n in any::<i64>()) {
            let g = Krw(n).grouped();
            prop_assert_eq!(g.replace(',', "").parse::<i64>().ok(), Some(n));
        }
    }
}

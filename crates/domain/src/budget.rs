//! An agency's budget lines (예산 항목, docs/RULES.md#budget-lines): per fiscal year, an amount in
//! whole won, what contracts have committed against it and what invoices have spent. Pure rules;
//! storage keeps the figures and commits against them in one conditional statement.

/// The fiscal years a line may be kept for (a Korean fiscal year is the calendar year).
pub const FISCAL_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;
/// The largest amount a line may hold: 1,000조 원, far above any agency's budget.
pub const MAX_AMOUNT_KRW: i64 = 1_000_000_000_000_000;
/// The longest name, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// What is still free on a line: the amount less what is committed (spent money was committed
/// first, so it is not taken twice). Never below zero for a line kept by these rules.
pub fn available(amount_krw: i64, committed_krw: i64) -> i64 {
    amount_krw.saturating_sub(committed_krw)
}

/// Why a line's figures are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetRefusal {
    /// The fiscal year is outside [`FISCAL_YEARS`].
    FiscalYear,
    /// The name is empty or longer than [`MAX_NAME_CHARS`].
    Name,
    /// The amount is negative or above [`MAX_AMOUNT_KRW`].
    Amount,
    /// A new amount below what contracts have already committed.
    BelowCommitted,
}

impl BudgetRefusal {
    /// The field it names (`below_committed` names the amount).
    pub fn field(self) -> &'static str {
        match self {
            Self::FiscalYear => "fiscal_year",
            Self::Name => "name",
            Self::Amount | Self::BelowCommitted => "amount_krw",
        }
    }
}

pub fn check_fiscal_year(year: i64) -> Result<i32, BudgetRefusal> {
    i32::try_from(year).ok().filter(|y| FISCAL_YEARS.contains(y)).ok_or(BudgetRefusal::FiscalYear)
}

/// A line's name, trimmed.
pub fn check_name(name: &str) -> Result<String, BudgetRefusal> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(BudgetRefusal::Name);
    }
    Ok(name.to_owned())
}

pub fn check_amount(amount_krw: i64) -> Result<i64, BudgetRefusal> {
    if (0..=MAX_AMOUNT_KRW).contains(&amount_krw) { Ok(amount_krw) } else { Err(BudgetRefusal::Amount) }
}

/// A new amount for a line: valid, and never below what is committed.
pub fn check_new_amount(amount_krw: i64, committed_krw: i64) -> Result<i64, BudgetRefusal> {
    let amount = check_amount(amount_krw)?;
    if amount < committed_krw {
        return Err(BudgetRefusal::BelowCommitted);
    }
    Ok(amount)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_figures_are_checked() {
        assert_eq!(check_fiscal_year(2027), Ok(2027));
        assert_eq!(check_fiscal_year(1999), Err(BudgetRefusal::FiscalYear));
        assert_eq!(check_fiscal_year(i64::MAX), Err(BudgetRefusal::FiscalYear));
        assert_eq!(check_name("  클라우드 이용료  "), Ok("클라우드 이용료".to_owned()));
        assert_eq!(check_name("   "), Err(BudgetRefusal::Name));
        assert_eq!(check_name(&"가".repeat(201)), Err(BudgetRefusal::Name));
        assert_eq!(check_amount(0), Ok(0));
        assert_eq!(check_amount(-1), Err(BudgetRefusal::Amount));
        assert_eq!(check_amount(MAX_AMOUNT_KRW + 1), Err(BudgetRefusal::Amount));
        assert_eq!(check_new_amount(100, 100), Ok(100), "exactly what is committed is fine");
        assert_eq!(check_new_amount(99, 100), Err(BudgetRefusal::BelowCommitted));
        assert_eq!(BudgetRefusal::BelowCommitted.field(), "amount_krw");
    }

    proptest! {
        /// A line whose amount was accepted never shows a negative availability.
        #[test]
        fn an_accepted_amount_never_leaves_less_than_nothing(committed in 0..MAX_AMOUNT_KRW, amount in -10i64..MAX_AMOUNT_KRW + 10) {
            if let Ok(a) = check_new_amount(amount, committed) {
                prop_assert!(available(a, committed) >= 0);
                prop_assert_eq!(available(a, committed) + committed, a);
            }
        }
    }
}

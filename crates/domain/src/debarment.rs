//! Debarment (부정당업자 제재, docs/RULES.md#debarment): a supplier barred from public contracts
//! for a period of Asia/Seoul dates, both ends inclusive. While it runs, the supplier's listed
//! services are suspended; the day after it ends, those it suspended are listed again.

use time::Date;

/// A debarment's period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

/// Why a period is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndsBeforeStart;

impl Period {
    /// `from ≤ to`, else refused.
    pub fn new(from: Date, to: Date) -> Result<Self, EndsBeforeStart> {
        if from <= to { Ok(Self { from, to }) } else { Err(EndsBeforeStart) }
    }

    /// In force on `day`: `from ≤ day ≤ to`.
    pub fn active_on(self, day: Date) -> bool {
        self.from <= day && day <= self.to
    }

    /// Over on `day`: the day after `to` or later (the services it suspended are listed again).
    pub fn over_on(self, day: Date) -> bool {
        day > self.to
    }

    /// Begun on `day` (in force or over): its suspensions are due.
    pub fn begun_on(self, day: Date) -> bool {
        day >= self.from
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_period_is_inclusive() {
        let p = Period::new(date!(2026 - 12 - 01), date!(2027 - 05 - 31)).expect("period");
        assert!(!p.active_on(date!(2026 - 11 - 30)) && !p.begun_on(date!(2026 - 11 - 30)));
        assert!(p.active_on(date!(2026 - 12 - 01)) && p.begun_on(date!(2026 - 12 - 01)));
        assert!(p.active_on(date!(2027 - 05 - 31)) && !p.over_on(date!(2027 - 05 - 31)));
        assert!(!p.active_on(date!(2027 - 06 - 01)) && p.over_on(date!(2027 - 06 - 01)));
        assert!(Period::new(date!(2026 - 12 - 01), date!(2026 - 12 - 01)).is_ok(), "one day");
        assert_eq!(Period::new(date!(2026 - 12 - 02), date!(2026 - 12 - 01)), Err(EndsBeforeStart));
    }
}

//! What the unit tests share: a deterministic pseudo-random sequence (so
//! that they need no dependency) and random dates of every precision.

use crate::model::EventDate;

/// A small deterministic generator.
pub(crate) struct Lcg(u64);

impl Lcg {
    pub(crate) fn new(seed: u64) -> Self {
        Lcg(seed)
    }

    /// The next number, up to 2^31.
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    /// A number below `n`.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A date in one of `years` years from 2000: a year, a month or a day.
    pub(crate) fn date(&mut self, years: u64) -> EventDate {
        let year = 2000 + self.below(years) as i32;
        match self.below(3) {
            0 => EventDate::year(year),
            1 => EventDate::month(year, self.below(12) as u32 + 1),
            _ => EventDate::day(year, self.below(12) as u32 + 1, self.below(28) as u32 + 1),
        }
        .unwrap()
    }
}

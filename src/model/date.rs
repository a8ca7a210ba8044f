//! Dates known to the day, the month or only the year.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate};

use super::error::{DateRule, Excerpt, ValueError};

/// How precisely an [`EventDate`] is known.
///
/// Variants are ordered from the finest to the coarsest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    /// Known to the day: `2024-11-22`.
    Day,
    /// Known to the month: `2024-11`.
    Month,
    /// Known only to the year: `2024`.
    Year,
}

impl Precision {
    /// The text form: `day`, `month` or `year`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Precision::Day => "day",
            Precision::Month => "month",
            Precision::Year => "year",
        }
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for Precision {
    type Err = ValueError;

    fn from_str(input: &str) -> Result<Self, ValueError> {
        [Precision::Day, Precision::Month, Precision::Year]
            .into_iter()
            .find(|precision| precision.as_str() == input.trim())
            .ok_or_else(|| ValueError::Unknown {
                what: super::error::Vocabulary::Precision,
                input: Excerpt::new(input),
            })
    }
}

crate::model::serde_str::serde_via_str!(Precision, "a precision: day, month or year");

/// How far an archive vouches for a date: the qualifiers of ISO 8601-2
/// (EDTF) level 1, written after the date.
///
/// A qualified date keeps its span of days (`2017~` still covers 2017): the
/// qualifier is what the record says about it, kept for the reader and for
/// [`Agreement::stage_on`](crate::Agreement::stage_on), which never gives a
/// certain answer on a qualified date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Qualifier {
    /// `?`: the source is unsure of the date (`2017?`: "2017, possibly").
    Uncertain,
    /// `~`: the date is an estimate (`2017-06~`: "about June 2017").
    Approximate,
    /// `%`: both unsure and an estimate.
    UncertainApproximate,
}

impl Qualifier {
    /// The mark written after the date: `?`, `~` or `%`.
    pub const fn as_char(self) -> char {
        match self {
            Qualifier::Uncertain => '?',
            Qualifier::Approximate => '~',
            Qualifier::UncertainApproximate => '%',
        }
    }

    /// The qualifier a mark stands for.
    pub const fn from_char(mark: char) -> Option<Qualifier> {
        match mark {
            '?' => Some(Qualifier::Uncertain),
            '~' => Some(Qualifier::Approximate),
            '%' => Some(Qualifier::UncertainApproximate),
            _ => None,
        }
    }

    /// Whether the source is unsure of the date (`?` or `%`).
    pub const fn is_uncertain(self) -> bool {
        matches!(self, Qualifier::Uncertain | Qualifier::UncertainApproximate)
    }

    /// Whether the date is an estimate (`~` or `%`).
    pub const fn is_approximate(self) -> bool {
        matches!(
            self,
            Qualifier::Approximate | Qualifier::UncertainApproximate
        )
    }

    /// This qualifier joined with `other` (`?` and `~` make `%`).
    #[must_use]
    pub const fn and(self, other: Qualifier) -> Qualifier {
        if (self.is_uncertain() || other.is_uncertain())
            && (self.is_approximate() || other.is_approximate())
        {
            Qualifier::UncertainApproximate
        } else {
            self
        }
    }
}

impl fmt::Display for Qualifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Qualifier::Uncertain => "uncertain",
            Qualifier::Approximate => "approximate",
            Qualifier::UncertainApproximate => "uncertain and approximate",
        })
    }
}

/// The date of an event, at the precision the record actually has.
///
/// Sources often give only a month or a year ("signed in 2017"), and some
/// doubt or estimate it. An `EventDate` keeps exactly what is known and
/// never pads it: `2024-11` is not `2024-11-01`. A date may carry a
/// [`Qualifier`] as in ISO 8601-2 (EDTF) level 1: `2017?` uncertain,
/// `2017-06~` approximate, `2017%` both. The qualifier does not widen the
/// span of days the date covers.
///
/// # Text form
///
/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, with a four-digit year from `0001` to
/// `9999`, optionally followed by one of `?`, `~`, `%`.
/// [`Display`](fmt::Display) writes back exactly that form, so parsing and
/// printing round-trip; serde uses the same string. (Document format 1
/// wrote `?` for approximate; its documents are read with `?` as `~`.)
///
/// # Ordering across precisions
///
/// Every date covers a span of days: a day covers itself, `2024-11` covers
/// 1 to 30 November 2024, `2024` covers the whole year. Spans of calendar
/// units are either disjoint or nested, so two dates are related in one of
/// three ways:
///
/// - one is **certainly before** the other: its last day comes before the
///   other's first day ([`EventDate::is_certainly_before`]);
/// - they are **identical** (same span, same qualifier);
/// - they **overlap** (`2024-11` and `2024-11-22`, or `2024` and `2024-03`):
///   neither is known to come first.
///
/// `EventDate` implements [`PartialOrd`] with exactly that meaning:
/// `a < b` holds only when `a` is certainly before `b`, and `partial_cmp`
/// returns `None` for overlapping dates. It deliberately does not implement
/// [`Ord`]. Use [`EventDate::start`] and [`EventDate::end`] when you need a
/// sort key, and see [`Agreement`](crate::Agreement) for how a history orders
/// overlapping dates.
///
/// # Example
///
/// ```
/// use bilateral::{EventDate, Precision};
///
/// let meeting: EventDate = "2024-11-22".parse()?;
/// let month: EventDate = "2024-11".parse()?;
/// let year: EventDate = "2017~".parse()?;
///
/// assert_eq!(month.precision(), Precision::Month);
/// assert_eq!(month.to_string(), "2024-11"); // never padded to a day
/// assert!(year.is_approximate() && !year.is_uncertain());
/// assert_eq!(year.to_string(), "2017~");
///
/// // A month overlaps its days: neither is certainly first.
/// assert!(month.overlaps(&meeting));
/// assert_eq!(month.partial_cmp(&meeting), None);
/// assert!(year < month);
/// # Ok::<(), bilateral::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventDate {
    start: NaiveDate,
    precision: Precision,
    qualifier: Option<Qualifier>,
}

/// The last day of the period of this precision that starts on `start`.
pub(crate) fn period_end(start: NaiveDate, precision: Precision) -> NaiveDate {
    match precision {
        Precision::Day => start,
        Precision::Month => start
            .checked_add_months(Months::new(1))
            .and_then(|next| next.pred_opt())
            // December 9999 has no following month within chrono's range
            // in some builds; its last day is the 31st.
            .unwrap_or_else(|| start.with_day(31).unwrap_or(start)),
        Precision::Year => NaiveDate::from_ymd_opt(start.year(), 12, 31).unwrap_or(start),
    }
}

const MIN_YEAR: i32 = 1;
/// The last year a date may fall in.
pub(crate) const MAX_YEAR: i32 = 9999;

impl EventDate {
    /// A date known to the day.
    ///
    /// # Errors
    ///
    /// [`ValueError::Date`] when the year is outside `1..=9999`, the month outside
    /// `1..=12`, or the day does not exist in that month (`2024-02-30`).
    ///
    /// # Example
    ///
    /// ```
    /// let date = bilateral::EventDate::day(2024, 11, 22)?;
    /// assert_eq!(date.to_string(), "2024-11-22");
    /// assert!(bilateral::EventDate::day(2023, 2, 29).is_err());
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn day(year: i32, month: u32, day: u32) -> Result<Self, ValueError> {
        let input = || format!("{year:04}-{month:02}-{day:02}");
        check_year(year, input)?;
        check_month(month, input)?;
        let start = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| ValueError::Date {
            input: Excerpt::new(&input()),
            rule: DateRule::NoSuchDay,
        })?;
        Ok(Self {
            start,
            precision: Precision::Day,
            qualifier: None,
        })
    }

    /// A date known to the month.
    ///
    /// # Errors
    ///
    /// [`ValueError::Date`] when the year is outside `1..=9999` or the month
    /// outside `1..=12`.
    ///
    /// # Example
    ///
    /// ```
    /// let date = bilateral::EventDate::month(2017, 6)?;
    /// assert_eq!(date.to_string(), "2017-06");
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn month(year: i32, month: u32) -> Result<Self, ValueError> {
        let input = || format!("{year:04}-{month:02}");
        check_year(year, input)?;
        check_month(month, input)?;
        let start = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(|| ValueError::Date {
            input: Excerpt::new(&input()),
            rule: DateRule::MonthOutOfRange,
        })?;
        Ok(Self {
            start,
            precision: Precision::Month,
            qualifier: None,
        })
    }

    /// A date known only to the year.
    ///
    /// # Errors
    ///
    /// [`ValueError::Date`] when the year is outside `1..=9999`.
    ///
    /// # Example
    ///
    /// ```
    /// let date = bilateral::EventDate::year(1351)?;
    /// assert_eq!(date.to_string(), "1351");
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn year(year: i32) -> Result<Self, ValueError> {
        let input = || format!("{year:04}");
        check_year(year, input)?;
        let start = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| ValueError::Date {
            input: Excerpt::new(&input()),
            rule: DateRule::YearOutOfRange,
        })?;
        Ok(Self {
            start,
            precision: Precision::Year,
            qualifier: None,
        })
    }

    /// The same date, marked approximate (`~`), keeping an uncertain mark
    /// (which makes `%`).
    #[must_use]
    pub const fn approximate(self) -> Self {
        self.qualified(Qualifier::Approximate)
    }

    /// The same date, marked uncertain (`?`), keeping an approximate mark
    /// (which makes `%`).
    #[must_use]
    pub const fn uncertain(self) -> Self {
        self.qualified(Qualifier::Uncertain)
    }

    /// The same date with `qualifier` added to any it has.
    ///
    /// ```
    /// use bilateral::{EventDate, Qualifier};
    /// let june: EventDate = "2017-06".parse()?;
    /// assert_eq!(june.qualified(Qualifier::Approximate).to_string(), "2017-06~");
    /// assert_eq!(june.uncertain().approximate().to_string(), "2017-06%");
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    #[must_use]
    pub const fn qualified(self, qualifier: Qualifier) -> Self {
        Self {
            qualifier: Some(match self.qualifier {
                Some(own) => own.and(qualifier),
                None => qualifier,
            }),
            ..self
        }
    }

    /// The same date with no qualifier.
    #[must_use]
    pub const fn exact(self) -> Self {
        Self {
            qualifier: None,
            ..self
        }
    }

    /// The qualifier, if the date has one.
    pub const fn qualifier(&self) -> Option<Qualifier> {
        self.qualifier
    }

    /// Whether the date is marked approximate (`~` or `%`).
    pub const fn is_approximate(&self) -> bool {
        matches!(self.qualifier, Some(q) if q.is_approximate())
    }

    /// Whether the date is marked uncertain (`?` or `%`).
    pub const fn is_uncertain(&self) -> bool {
        matches!(self.qualifier, Some(q) if q.is_uncertain())
    }

    /// Whether the date carries any qualifier.
    pub const fn is_qualified(&self) -> bool {
        self.qualifier.is_some()
    }

    /// How precisely the date is known.
    pub const fn precision(&self) -> Precision {
        self.precision
    }

    /// The year.
    pub fn year_number(&self) -> i32 {
        self.start.year()
    }

    /// The month (1 to 12), when known.
    pub fn month_number(&self) -> Option<u32> {
        match self.precision {
            Precision::Year => None,
            Precision::Day | Precision::Month => Some(self.start.month()),
        }
    }

    /// The day of the month, when known.
    pub fn day_number(&self) -> Option<u32> {
        match self.precision {
            Precision::Day => Some(self.start.day()),
            Precision::Month | Precision::Year => None,
        }
    }

    /// The first day the date may stand for.
    ///
    /// ```
    /// let date: bilateral::EventDate = "2024-11".parse()?;
    /// assert_eq!(date.start().to_string(), "2024-11-01");
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    #[inline]
    pub const fn start(&self) -> NaiveDate {
        self.start
    }

    /// The last day the date may stand for.
    ///
    /// ```
    /// let date: bilateral::EventDate = "2024-02".parse()?;
    /// assert_eq!(date.end().to_string(), "2024-02-29");
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    #[inline]
    pub fn end(&self) -> NaiveDate {
        period_end(self.start, self.precision)
    }

    /// Whether this date is certainly before `other`: its last day comes
    /// before the first day of `other`.
    ///
    /// ```
    /// use bilateral::EventDate;
    /// let oct: EventDate = "2024-10".parse()?;
    /// let nov22: EventDate = "2024-11-22".parse()?;
    /// let year: EventDate = "2024".parse()?;
    /// assert!(oct.is_certainly_before(&nov22));
    /// assert!(!year.is_certainly_before(&nov22)); // the year contains that day
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn is_certainly_before(&self, other: &EventDate) -> bool {
        self.end() < other.start
    }

    /// Whether the two dates share at least one possible day, so that neither
    /// is certainly before the other.
    pub fn overlaps(&self, other: &EventDate) -> bool {
        !self.is_certainly_before(other) && !other.is_certainly_before(self)
    }

    /// Whether `day` is one of the days this date may stand for.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end()
    }
}

fn check_year(year: i32, input: impl Fn() -> String) -> Result<(), ValueError> {
    if (MIN_YEAR..=MAX_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(ValueError::Date {
            input: Excerpt::new(&input()),
            rule: DateRule::YearOutOfRange,
        })
    }
}

fn check_month(month: u32, input: impl Fn() -> String) -> Result<(), ValueError> {
    if (1..=12).contains(&month) {
        Ok(())
    } else {
        Err(ValueError::Date {
            input: Excerpt::new(&input()),
            rule: DateRule::MonthOutOfRange,
        })
    }
}

impl TryFrom<NaiveDate> for EventDate {
    type Error = ValueError;

    /// A date known to the day.
    ///
    /// # Errors
    ///
    /// [`ValueError::Date`] when the year is outside `1..=9999`.
    fn try_from(day: NaiveDate) -> Result<Self, ValueError> {
        check_year(day.year(), || day.to_string())?;
        Ok(Self {
            start: day,
            precision: Precision::Day,
            qualifier: None,
        })
    }
}

impl PartialOrd for EventDate {
    /// `Less` when `self` is certainly before `other`, `Greater` when certainly
    /// after, `Equal` when identical, and `None` when the spans overlap.
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        if self == other {
            Some(Ordering::Equal)
        } else if self.is_certainly_before(other) {
            Some(Ordering::Less)
        } else if other.is_certainly_before(self) {
            Some(Ordering::Greater)
        } else {
            None
        }
    }
}

impl fmt::Display for EventDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let year = self.start.year();
        match self.precision {
            Precision::Day => write!(
                f,
                "{year:04}-{:02}-{:02}",
                self.start.month(),
                self.start.day()
            )?,
            Precision::Month => write!(f, "{year:04}-{:02}", self.start.month())?,
            Precision::Year => write!(f, "{year:04}")?,
        }
        if let Some(qualifier) = self.qualifier {
            write!(f, "{}", qualifier.as_char())?;
        }
        Ok(())
    }
}

impl fmt::Debug for EventDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EventDate({self})")
    }
}

impl FromStr for EventDate {
    type Err = ValueError;

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, optionally followed by a
    /// qualifier: `?`, `~` or `%`.
    fn from_str(input: &str) -> Result<Self, ValueError> {
        let fail = |rule| ValueError::Date {
            input: Excerpt::new(input),
            rule,
        };
        let qualifier = input.chars().next_back().and_then(Qualifier::from_char);
        let body = match qualifier {
            Some(_) => &input[..input.len() - 1],
            None => input,
        };
        if body.is_empty() {
            return Err(fail(DateRule::Empty));
        }
        // Read by position: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, every part
        // exactly its width of ASCII digits.
        let bytes = body.as_bytes();
        let part = |at: usize, width: usize| bytes.get(at..at + width).and_then(digits);
        let dash = |at: usize| bytes.get(at) == Some(&b'-');
        let date = match (bytes.len(), part(0, 4)) {
            (4, Some(year)) => Self::year(year as i32),
            (7, Some(year)) if dash(4) => match part(5, 2) {
                Some(month) => Self::month(year as i32, month),
                None => return Err(fail(DateRule::Format)),
            },
            (10, Some(year)) if dash(4) && dash(7) => match (part(5, 2), part(8, 2)) {
                (Some(month), Some(day)) => Self::day(year as i32, month, day),
                _ => return Err(fail(DateRule::Format)),
            },
            _ => return Err(fail(DateRule::Format)),
        };
        // Report the caller's text, not the normalised one, when a part is out of range.
        let date = date.map_err(|err| match err {
            ValueError::Date { rule, .. } => fail(rule),
            other => other,
        })?;
        Ok(match qualifier {
            Some(qualifier) => date.qualified(qualifier),
            None => date,
        })
    }
}

/// The number ASCII digits spell, or `None` if a byte is not a digit.
fn digits(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0, |number: u32, byte| {
        byte.is_ascii_digit()
            .then(|| number * 10 + u32::from(byte - b'0'))
    })
}

impl EventDate {
    /// Parses a date as document format 1 wrote it, where a trailing `?`
    /// meant approximate (`~` today).
    pub(crate) fn parse_format_1(input: &str) -> Result<Self, ValueError> {
        let date: EventDate = input.parse()?;
        Ok(match date.qualifier {
            Some(Qualifier::Uncertain) => date.exact().approximate(),
            _ => date,
        })
    }
}

crate::model::serde_str::serde_via_str!(EventDate, "a date such as 2024-11-22, 2024-11 or 2024");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::error::DateRule;

    fn rule(input: &str) -> Option<DateRule> {
        match input.parse::<EventDate>() {
            Ok(_) => None,
            Err(ValueError::Date { rule, .. }) => Some(rule),
            Err(other) => panic!("{input:?}: {other}"),
        }
    }

    #[test]
    fn every_part_is_read_at_its_place_and_width() {
        for good in [
            "2024",
            "2024-05",
            "2024-05-31",
            "0001?",
            "9999-12~",
            "2024-02-29%",
        ] {
            assert_eq!(rule(good), None, "{good:?}");
            assert_eq!(good.parse::<EventDate>().unwrap().to_string(), good);
        }
        for malformed in [
            "202",
            "20245",
            "2024-",
            "2024-5",
            "2024-1-05",
            "2024-05-",
            "2024-05-1",
            "2024-05-011",
            "2024/05/01",
            "2024-05/01",
            "2024x05",
            "+024",
            "2O24",
            "2024-0a",
            "2024-05-0b",
            "2024-05-01-02",
            "2024--05",
            "-2024",
            "٢٠٢٤",
            "2024 ",
            " 2024",
        ] {
            assert_eq!(rule(malformed), Some(DateRule::Format), "{malformed:?}");
        }
        assert_eq!(rule(""), Some(DateRule::Empty));
        assert_eq!(rule("?"), Some(DateRule::Empty));
        assert_eq!(rule("0000"), Some(DateRule::YearOutOfRange));
        assert_eq!(rule("2024-13"), Some(DateRule::MonthOutOfRange));
        assert_eq!(rule("2023-02-29"), Some(DateRule::NoSuchDay));
    }
}

//! Occasions: a summit, a ministers' meeting, a round of talks, known once
//! and referred to by the events of several agreements.

use std::fmt;

use super::date::EventDate;
use super::error::{Field, ValueError};
use crate::model::limits;

/// An occasion several agreements' events happen at: "11th ADMM-Plus",
/// Vientiane, 2024-11-20 to 2024-11-22.
///
/// A tracker knows each occasion once, by its name
/// ([`Tracker::add_occasion`](crate::Tracker::add_occasion)); an event
/// refers to it by that name ([`EventBuilder::occasion`](crate::EventBuilder::occasion)),
/// and a tracker then refuses an event dated outside the occasion's dates.
///
/// ```
/// use bilateral::Occasion;
/// let admm = Occasion::new("11th ADMM-Plus", "2024-11-20".parse()?, "2024-11-22".parse()?)?
///     .with_venue("Vientiane")?;
/// assert!(admm.may_include("2024-11-22".parse()?));
/// assert!(admm.may_include("2024-11".parse()?)); // a month that holds it
/// assert!(!admm.may_include("2024-11-23".parse()?));
/// assert_eq!(admm.to_string(), "11th ADMM-Plus, Vientiane, 2024-11-20 to 2024-11-22");
/// # Ok::<(), bilateral::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Occasion {
    name: Box<str>,
    venue: Option<Box<str>>,
    from: EventDate,
    to: EventDate,
}

impl Occasion {
    /// An occasion named `name`, held from `from` to `to` (the same date
    /// for one day).
    ///
    /// # Errors
    ///
    /// [`ValueError::Blank`] or [`ValueError::TooLong`] for the name (at
    /// most [`MAX_NAME`](crate::limits::MAX_NAME) characters), and
    /// [`ValueError::OccasionDates`] when `to` certainly comes before
    /// `from`.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::Occasion;
    /// assert!(Occasion::new("Summit", "2024-11-22".parse()?, "2024-11-20".parse()?).is_err());
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn new(
        name: impl Into<String>,
        from: EventDate,
        to: EventDate,
    ) -> Result<Self, ValueError> {
        let name = crate::model::text::required(name, Field::Occasion, limits::MAX_NAME)?;
        if to.is_certainly_before(&from) {
            return Err(ValueError::OccasionDates { from, to });
        }
        Ok(Occasion {
            name: name.into_boxed_str(),
            venue: None,
            from,
            to,
        })
    }

    /// The same occasion with a venue.
    ///
    /// # Errors
    ///
    /// [`ValueError::Blank`] or [`ValueError::TooLong`] for the venue.
    pub fn with_venue(mut self, venue: impl Into<String>) -> Result<Self, ValueError> {
        let venue = crate::model::text::required(venue, Field::Venue, limits::MAX_NAME)?;
        self.venue = Some(venue.into_boxed_str());
        Ok(self)
    }

    /// Its name, by which events refer to it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where it was held.
    pub fn venue(&self) -> Option<&str> {
        self.venue.as_deref()
    }

    /// Its first day (or month, or year).
    pub const fn from(&self) -> EventDate {
        self.from
    }

    /// Its last day (or month, or year).
    pub const fn to(&self) -> EventDate {
        self.to
    }

    /// Whether an event on `date` may have happened at the occasion: the
    /// date's span meets the occasion's. A date known only to the month
    /// or the year may, if it holds the occasion; a date after its last
    /// day or before its first may not.
    pub fn may_include(&self, date: EventDate) -> bool {
        date.start() <= self.to.end() && date.end() >= self.from.start()
    }
}

impl fmt::Display for Occasion {
    /// `11th ADMM-Plus, Vientiane, 2024-11-20 to 2024-11-22` (one date when
    /// it was held on one).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        if let Some(venue) = &self.venue {
            write!(f, ", {venue}")?;
        }
        if self.from == self.to {
            write!(f, ", {}", self.from)
        } else {
            write!(f, ", {} to {}", self.from, self.to)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> EventDate {
        text.parse().unwrap()
    }

    #[test]
    fn an_occasion_takes_the_dates_that_meet_its_span() {
        let admm = Occasion::new("11th ADMM-Plus", date("2024-11-20"), date("2024-11-22")).unwrap();
        for inside in [
            "2024-11-20",
            "2024-11-21",
            "2024-11-22",
            "2024-11",
            "2024",
            "2024-11-21~",
        ] {
            assert!(admm.may_include(date(inside)), "{inside}");
        }
        for outside in ["2024-11-19", "2024-11-23", "2024-10", "2023"] {
            assert!(!admm.may_include(date(outside)), "{outside}");
        }
        assert_eq!(admm.venue(), None);
        assert_eq!(
            (admm.from(), admm.to()),
            (date("2024-11-20"), date("2024-11-22"))
        );
        let one_day = Occasion::new("Talks", date("2024-11-15"), date("2024-11-15")).unwrap();
        assert_eq!(one_day.to_string(), "Talks, 2024-11-15");
    }

    #[test]
    fn an_occasion_refuses_dates_in_the_wrong_order_and_a_blank_name() {
        let err = Occasion::new("Summit", date("2024-11-22"), date("2024-11-20")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "an occasion cannot end (2024-11-20) before it begins (2024-11-22)"
        );
        // A month that holds the first day is not certainly before it.
        assert!(Occasion::new("Summit", date("2024-11-22"), date("2024-11")).is_ok());
        assert!(matches!(
            Occasion::new("  ", date("2024"), date("2024")),
            Err(ValueError::Blank { .. })
        ));
        assert!(matches!(
            Occasion::new("Summit", date("2024"), date("2024"))
                .unwrap()
                .with_venue(""),
            Err(ValueError::Blank { .. })
        ));
    }
}

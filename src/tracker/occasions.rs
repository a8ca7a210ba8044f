//! Occasions the tracker knows: their registration, the check of every
//! event that names one, and what happened at each across agreements.

use std::fmt;

use crate::agreement::{Agreement, AgreementError, Escaped};
use crate::model::{Event, Occasion};

use super::{Tracker, TrackerError};

/// An event at an occasion, with its agreement; see
/// [`Tracker::at_occasion`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AtOccasion<'a> {
    /// The agreement.
    pub agreement: &'a Agreement,
    /// Its event at the occasion.
    pub event: &'a Event,
}

/// The refusal of `event` of `agreement`, dated outside `occasion`.
fn outside(agreement: &Agreement, event: &Event, occasion: Occasion) -> AgreementError {
    AgreementError::OutsideOccasion {
        agreement: agreement.id(),
        title: agreement.title().to_owned(),
        event: event.id(),
        date: event.date(),
        occasion: Box::new(occasion),
    }
}

impl Tracker {
    /// Refuses `event` of `source` when it names an occasion the tracker
    /// knows and is dated outside it.
    pub(super) fn check_occasion(
        &self,
        source: &Agreement,
        event: &Event,
    ) -> Result<(), AgreementError> {
        let Some(occasion) = event.occasion().and_then(|name| self.occasions.get(name)) else {
            return Ok(());
        };
        if occasion.may_include(event.date()) {
            return Ok(());
        }
        Err(outside(source, event, occasion.clone()))
    }

    /// Whether `event` names an occasion the tracker knows.
    pub(super) fn names_known_occasion(&self, event: &Event) -> bool {
        event
            .occasion()
            .is_some_and(|name| self.occasions.contains_key(name))
    }

    /// Makes an occasion known to the tracker, once: from then on, an event
    /// of any agreement that names it (by [`Occasion::name`], as its
    /// [`occasion`](crate::EventBuilder::occasion)) must be dated within it
    /// ([`Occasion::may_include`]).
    ///
    /// # Errors
    ///
    /// - [`TrackerError::DuplicateOccasion`] when the tracker knows an
    ///   occasion of that name already;
    /// - [`AgreementError::OutsideOccasion`] (as [`TrackerError::Agreement`])
    ///   when an event already recorded names it and is dated outside it,
    ///   naming the agreement, the event and the occasion.
    ///
    /// On error the tracker is unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Occasion, Parties, Party, Tracker};
    /// let mut tracker = Tracker::new();
    /// let admm = Occasion::new("11th ADMM-Plus", "2024-11-20".parse()?, "2024-11-22".parse()?)?;
    /// tracker.add_occasion(admm)?;
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let at = |date: &str| Event::builder(EventKind::Deliberated, date.parse().unwrap()).occasion("11th ADMM-Plus").build().unwrap();
    /// tracker.create(Agreement::builder("Logistics", parties.clone()), at("2024-11-22"))?;
    /// assert!(tracker.create(Agreement::builder("Late", parties), at("2024-11-25")).is_err());
    /// assert_eq!(tracker.at_occasion("11th ADMM-Plus").len(), 1);
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn add_occasion(&mut self, occasion: Occasion) -> Result<(), TrackerError> {
        self.check_new_occasion(&occasion)?;
        self.occasions.insert(occasion.name().into(), occasion);
        Ok(())
    }

    /// Whether [`add_occasion`](Self::add_occasion) would accept
    /// `occasion`, changing nothing: what a store asks before it writes
    /// one.
    ///
    /// # Errors
    ///
    /// As [`add_occasion`](Self::add_occasion).
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Occasion, Tracker};
    /// let mut tracker = Tracker::new();
    /// let admm = Occasion::new("11th ADMM-Plus", "2024-11-20".parse()?, "2024-11-22".parse()?)?;
    /// assert!(tracker.check_new_occasion(&admm).is_ok());
    /// tracker.add_occasion(admm.clone())?;
    /// assert!(tracker.check_new_occasion(&admm).is_err());
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn check_new_occasion(&self, occasion: &Occasion) -> Result<(), TrackerError> {
        if self.occasions.contains_key(occasion.name()) {
            return Err(TrackerError::DuplicateOccasion {
                name: occasion.name().to_owned(),
            });
        }
        for at in self.at_occasion(occasion.name()) {
            if !occasion.may_include(at.event.date()) {
                return Err(outside(at.agreement, at.event, occasion.clone()).into());
            }
        }
        Ok(())
    }

    /// The occasion of this name, if the tracker knows it.
    pub fn occasion(&self, name: &str) -> Option<&Occasion> {
        self.occasions.get(name)
    }

    /// Every occasion the tracker knows, by name.
    pub fn occasions(&self) -> impl Iterator<Item = &Occasion> + '_ {
        self.occasions.values()
    }

    /// What happened at the occasion named `name`, across agreements: every
    /// event in force that names it, by date, then by agreement title, then
    /// in each agreement's history order. The occasion need not be known
    /// to the tracker: an event's occasion may be a name alone.
    pub fn at_occasion(&self, name: &str) -> Vec<AtOccasion<'_>> {
        let Some(events) = self.index.occasions.get(name) else {
            return Vec::new();
        };
        let mut found: Vec<(AtOccasion<'_>, u32)> = events
            .iter()
            .filter_map(|&(slot, position)| {
                let agreement = self.at(slot)?;
                let event = agreement.entries().get(position as usize)?.event()?;
                Some((AtOccasion { agreement, event }, position))
            })
            .collect();
        found.sort_by(|(a, a_at), (b, b_at)| {
            (a.event.date().start(), a.event.date().end())
                .cmp(&(b.event.date().start(), b.event.date().end()))
                .then_with(|| a.agreement.title().cmp(b.agreement.title()))
                .then_with(|| a.agreement.id().cmp(&b.agreement.id()))
                .then_with(|| a_at.cmp(b_at))
        });
        found.into_iter().map(|(at, _)| at).collect()
    }

    /// The timeline of the occasion named `name` across agreements (see
    /// [`at_occasion`](Self::at_occasion)), as text or as a Mermaid
    /// diagram.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Occasion, Parties, Party, Tracker};
    /// let mut tracker = Tracker::new();
    /// tracker.add_occasion(Occasion::new("Talks", "2024-11-22".parse()?, "2024-11-22".parse()?)?.with_venue("Vientiane")?)?;
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let talks = Event::builder(EventKind::Deliberated, "2024-11-22".parse()?).occasion("Talks").build()?;
    /// tracker.create(Agreement::builder("Logistics", parties), talks)?;
    /// assert_eq!(
    ///     tracker.occasion_timeline("Talks").to_string(),
    ///     "Talks, Vientiane, 2024-11-22\n2024-11-22   Logistics (India–Japan): deliberated\n"
    /// );
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn occasion_timeline<'a>(&'a self, name: &'a str) -> OccasionTimeline<'a> {
        OccasionTimeline {
            name,
            occasion: self.occasion(name),
            entries: self.at_occasion(name),
        }
    }
}

/// What happened at one occasion, across agreements; see
/// [`Tracker::occasion_timeline`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OccasionTimeline<'a> {
    name: &'a str,
    occasion: Option<&'a Occasion>,
    entries: Vec<AtOccasion<'a>>,
}

impl<'a> OccasionTimeline<'a> {
    /// The occasion, when the tracker knows it.
    pub fn occasion(&self) -> Option<&'a Occasion> {
        self.occasion
    }

    /// The events, in order.
    pub fn entries(&self) -> &[AtOccasion<'a>] {
        &self.entries
    }

    /// The timeline as a Mermaid `timeline` diagram: one period per date,
    /// one line per agreement's event.
    pub fn mermaid(&self) -> OccasionMermaid<'_, 'a> {
        OccasionMermaid { timeline: self }
    }
}

impl fmt::Display for OccasionTimeline<'_> {
    /// The occasion on the first line (or its name alone when the tracker
    /// does not know it), then one line per event: date, agreement,
    /// parties, kind and summary.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.occasion {
            Some(occasion) => writeln!(f, "{occasion}")?,
            None => writeln!(f, "{}", self.name)?,
        }
        for AtOccasion { agreement, event } in &self.entries {
            write!(
                f,
                "{:<12} {} ({}): {}",
                event.date().to_string(),
                agreement.title(),
                agreement.parties(),
                event.kind().label()
            )?;
            if !event.summary().is_empty() {
                write!(f, ": {}", event.summary())?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

/// An [`OccasionTimeline`] as a Mermaid `timeline`; see
/// [`OccasionTimeline::mermaid`]. Text is written with `:`, `;` and `#`
/// replaced by Mermaid's entity codes.
#[derive(Debug, Clone, Copy)]
pub struct OccasionMermaid<'t, 'a> {
    timeline: &'t OccasionTimeline<'a>,
}

impl fmt::Display for OccasionMermaid<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "timeline")?;
        writeln!(f, "    title {}", Escaped(self.timeline.name))?;
        let mut previous = None;
        for AtOccasion { agreement, event } in &self.timeline.entries {
            if previous == Some(event.date()) {
                f.write_str("        : ")?;
            } else {
                write!(f, "    {} : ", event.date())?;
                previous = Some(event.date());
            }
            writeln!(f, "{} {}", Escaped(agreement.title()), event.kind().label())?;
        }
        Ok(())
    }
}

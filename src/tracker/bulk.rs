//! Many agreements taken in at once.

use super::Tracker;
use super::TrackerError;
use super::index::Dates;
use crate::agreement::Agreement;

/// A tracker taking in many agreements at once: an import, a migration,
/// a tracker built from another source. Made by [`Tracker::bulk`].
///
/// [`insert`](Bulk::insert) checks each agreement exactly as
/// [`Tracker::insert`] does, in the order given, and refuses the same
/// agreements with the same errors (a refused agreement changes nothing).
/// What it spares is the indexing by date: the events of every agreement
/// taken in are sorted into the tracker's indexes once, by
/// [`finish`](Bulk::finish), where inserting them one by one searches and
/// moves part of an index for each (at a million agreements dated at
/// random, a cache miss at every step). The tracker cannot be read until
/// then, which is why it is held inside: `finish` gives it back.
///
/// ```
/// use bilateral::{Agreement, Event, EventKind, Parties, Party, Tracker};
/// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
/// let mut bulk = Tracker::new().bulk();
/// for year in ["2019", "2021", "2020"] {
///     let talks = Event::new(EventKind::Deliberated, year.parse()?);
///     bulk.insert(Agreement::builder(format!("Talks of {year}"), parties.clone()).build(talks)?)?;
/// }
/// assert_eq!(bulk.len(), 3);
/// let tracker = bulk.finish();
/// let from = "2020-01-01".parse()?;
/// let to = "2021-12-31".parse()?;
/// assert_eq!(tracker.query().events_between(from, to).count(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
#[must_use = "the agreements taken in are in the tracker that `finish` gives back"]
pub struct Bulk {
    tracker: Tracker,
}

impl Tracker {
    /// This tracker, taking in many agreements at once; see [`Bulk`].
    pub fn bulk(self) -> Bulk {
        Bulk { tracker: self }
    }
}

impl Bulk {
    /// Takes in `agreement` at version 1 (or one past the version it had
    /// when it was removed), as [`Tracker::insert`]; returns its version.
    ///
    /// # Errors
    ///
    /// Those of [`Tracker::insert`]: a history the tracker's policy does
    /// not allow, an id the tracker holds, a link or occasion the tracker
    /// does not know, a full tracker. Nothing is taken in.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, Tracker};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let pact = Agreement::builder("Pact", parties)
    ///     .build(Event::new(EventKind::Proposed, "2024".parse()?))?;
    /// let mut bulk = Tracker::new().bulk();
    /// assert_eq!(bulk.insert(pact.clone())?, 1);
    /// assert!(bulk.insert(pact).is_err()); // the same id twice
    /// assert_eq!(bulk.finish().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn insert(&mut self, agreement: Agreement) -> Result<u64, TrackerError> {
        self.tracker.insert_dated(agreement, Dates::Deferred)
    }

    /// How many agreements the tracker holds, those taken in so far
    /// included.
    pub fn len(&self) -> usize {
        self.tracker.len()
    }

    /// Whether the tracker holds no agreement.
    pub fn is_empty(&self) -> bool {
        self.tracker.is_empty()
    }

    /// The tracker, every agreement taken in indexed.
    pub fn finish(mut self) -> Tracker {
        self.tracker.index.settle();
        self.tracker
    }
}

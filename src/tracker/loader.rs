//! Agreements of a document taken in one by one, each read apart.

use super::Tracker;
use super::TrackerError;
use super::index::Dates;
use crate::agreement::{Agreement, AgreementError};
use crate::document::{DocumentError, Tracked};
use crate::model::{AgreementId, Occasion};

/// A tracker taking in the agreements of a document read apart from it,
/// each with [`Tracked::read`]: on several threads, or from the rows of a
/// database. Made by [`Tracker::loader`]; this is what [`Tracker::load`]
/// does with the agreements it reads.
///
/// [`insert`](Loader::insert) takes an agreement in at its version; its
/// links and occasions are checked by [`finish`](Loader::finish), once
/// every agreement is in (a link may name an agreement taken in later), and
/// its events are indexed by date there, all at once, as [`Bulk`] does.
/// An agreement read under the tracker's policy is taken in as it was
/// judged when read; one read under another policy has its history checked
/// under the tracker's first.
///
/// [`Bulk`]: super::Bulk
///
/// ```
/// use bilateral::document::Tracked;
/// use bilateral::{Agreement, Event, EventKind, Parties, Party, Tracker};
/// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
/// let mut tracker = Tracker::new();
/// for year in ["2019", "2020", "2021"] {
///     let talks = Event::new(EventKind::Deliberated, year.parse()?);
///     tracker.create(Agreement::builder(format!("Talks of {year}"), parties.clone()), talks)?;
/// }
/// // Each agreement written apart, as a database row might hold it.
/// let document = serde_json::to_value(&tracker)?;
/// let texts: Vec<String> = document["agreements"]
///     .as_array()
///     .unwrap()
///     .iter()
///     .map(|element| element.to_string())
///     .collect();
/// // Read on two threads, taken in in order.
/// let policy = tracker.policy().clone();
/// let read = |texts: &[String], from: usize| -> Vec<Tracked> {
///     texts.iter().enumerate().map(|(i, text)| {
///         let mut json = serde_json::Deserializer::from_str(text);
///         Tracked::read(&mut json, &policy, from + i).unwrap()
///     }).collect()
/// };
/// let (first, rest) = texts.split_at(2);
/// let (first, rest) = std::thread::scope(|scope| {
///     let first = scope.spawn(|| read(first, 0));
///     (first.join().unwrap(), read(rest, 2))
/// });
/// let mut loader = Tracker::with_policy(policy.clone()).loader();
/// for tracked in first.into_iter().chain(rest) {
///     loader.insert(tracked)?;
/// }
/// let copy = loader.finish()?;
/// assert_eq!(copy, tracker);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
#[must_use = "the agreements taken in are in the tracker that `finish` gives back"]
pub struct Loader {
    tracker: Tracker,
    /// The slot and the place in its document of each agreement taken in,
    /// for the checks of `finish` and the paths of their errors.
    loaded: Vec<(u32, usize)>,
    removed: Vec<(AgreementId, u64)>,
    occasions: Vec<Occasion>,
}

/// Why a tracker refused an agreement taken in at `position`: it holds as
/// many as a tracker can, or one with the same id.
fn refusal(error: TrackerError, position: usize, id: AgreementId) -> DocumentError {
    match error {
        TrackerError::Full { limit } => DocumentError::Value {
            path: "agreements".to_owned(),
            source: crate::model::ValueError::TooMany {
                what: crate::model::Collection::Agreements,
                count: limit + 1,
                max: limit,
            },
        },
        _ => DocumentError::DuplicateAgreement {
            path: format!("agreements[{position}].agreement.id"),
            id: id.to_string(),
        },
    }
}

impl Tracker {
    /// This tracker, taking in agreements read apart from their document;
    /// see [`Loader`].
    pub fn loader(self) -> Loader {
        Loader {
            tracker: self,
            loaded: Vec::new(),
            removed: Vec::new(),
            occasions: Vec::new(),
        }
    }
}

impl Loader {
    /// Takes in an agreement read from a document, at its version.
    ///
    /// # Errors
    ///
    /// [`DocumentError::InvalidAgreement`], naming the agreement's place
    /// and id, when the tracker holds an agreement with its id or holds as
    /// many agreements as a tracker can, or when the agreement was read
    /// under another policy and its history breaks the tracker's. Nothing
    /// is taken in.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::document::Tracked;
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, Policy, Tracker};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let mut tracker = Tracker::new();
    /// tracker.create(Agreement::builder("Pact", parties), Event::new(EventKind::Deliberated, "2024".parse()?))?;
    /// let element = serde_json::to_value(&tracker)?["agreements"][0].to_string();
    /// let read = || Tracked::read(&mut serde_json::Deserializer::from_str(&element), &Policy::standard(), 0);
    /// // The strict policy opens records only at proposed: its tracker refuses it.
    /// let mut strict = Tracker::with_policy(Policy::strict()).loader();
    /// let refused = strict.insert(read()?).unwrap_err();
    /// assert!(refused.to_string().starts_with("agreement 0"), "{refused}");
    /// let mut standard = Tracker::new().loader();
    /// standard.insert(read()?)?;
    /// assert!(standard.insert(read()?).is_err()); // the same id twice
    /// assert_eq!(standard.finish()?.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn insert(&mut self, tracked: Tracked) -> Result<(), DocumentError> {
        let Tracked {
            mut agreement,
            version,
            position,
        } = tracked;
        let id = agreement.id();
        let invalid = |source: DocumentError| DocumentError::InvalidAgreement {
            position,
            id: id.to_string(),
            source: Box::new(source),
        };
        if agreement.policy() != self.tracker.policy.stamp() {
            agreement
                .check_history(&self.tracker.policy)
                .map_err(|refusal| {
                    invalid(DocumentError::Agreement {
                        path: format!("agreements[{position}].agreement.entries"),
                        source: AgreementError::from(refusal),
                    })
                })?;
        }
        agreement.keep_under(&self.tracker.policy);
        let slot = self
            .tracker
            .add(agreement, Some(version), Dates::Deferred)
            .map_err(|error| invalid(refusal(error, position, id)))?;
        self.loaded.push((slot, position));
        Ok(())
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

    /// Takes in an agreement the document says was removed, with the last
    /// version it had: the tracker will give an agreement with its id, if
    /// one is inserted again, the version after it, as if it had removed
    /// the agreement itself. Checked by [`finish`](Loader::finish), which
    /// refuses an id removed twice or also taken in; the `n`th removed
    /// agreement taken in is `removed[n]` in its errors, as in a
    /// document.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, AgreementId, Event, EventKind, Parties, Party, Tracker};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let gone = AgreementId::new();
    /// let mut loader = Tracker::new().loader();
    /// loader.insert_removed(gone, 4);
    /// let mut tracker = loader.finish()?;
    /// let talks = Event::new(EventKind::Deliberated, "2024".parse()?);
    /// tracker.insert(Agreement::builder("Pact", parties).id(gone).build(talks)?)?;
    /// assert_eq!(tracker.version(gone), Some(5));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn insert_removed(&mut self, id: AgreementId, version: u64) {
        self.removed.push((id, version));
    }

    /// The occasions the document names, taken in by
    /// [`finish`](Loader::finish).
    pub(super) fn occasions(&mut self, occasions: Vec<Occasion>) {
        self.occasions = occasions;
    }

    /// The tracker, every agreement taken in indexed, once the links and
    /// occasions of every agreement taken in are found good.
    ///
    /// # Errors
    ///
    /// [`DocumentError::InvalidAgreement`] naming the first agreement taken
    /// in (by place) whose link names an agreement the tracker does not
    /// hold, or whose event names an occasion it does not know or is dated
    /// outside it; the agreements are lost with the tracker.
    pub fn finish(self) -> Result<Tracker, DocumentError> {
        let Loader {
            mut tracker,
            mut loaded,
            removed,
            occasions,
        } = self;
        tracker.index.settle();
        for (i, (id, version)) in removed.into_iter().enumerate() {
            if tracker.contains(id) || tracker.removed.insert(id, version).is_some() {
                return Err(DocumentError::DuplicateAgreement {
                    path: format!("removed[{i}].id"),
                    id: id.to_string(),
                });
            }
        }
        for (i, occasion) in occasions.into_iter().enumerate() {
            if tracker.occasions.contains_key(occasion.name()) {
                return Err(DocumentError::DuplicateOccasion {
                    path: format!("occasions[{i}].name"),
                    name: occasion.name().to_owned(),
                });
            }
            tracker.occasions.insert(occasion.name().into(), occasion);
        }
        // Links and occasions are checked once every agreement is in: a
        // link may name an agreement further on in the document. The first
        // refusal by place, whatever order the agreements came in.
        loaded.sort_unstable_by_key(|(_, position)| *position);
        if let Err((slot, error)) =
            tracker.check_references_of(loaded.iter().map(|(slot, _)| *slot))
        {
            let position = loaded
                .iter()
                .find(|(at, _)| *at == slot)
                .map_or(0, |(_, position)| *position);
            let id = tracker.at(slot).map(Agreement::id);
            return Err(DocumentError::InvalidAgreement {
                position,
                id: id.map(|id| id.to_string()).unwrap_or_default(),
                source: Box::new(DocumentError::Agreement {
                    path: format!("agreements[{position}].agreement.entries"),
                    source: error,
                }),
            });
        }
        Ok(tracker)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A full tracker's refusal is a document of too many agreements (no
    /// test can fill a tracker); any other, the same id twice.
    #[test]
    fn a_full_tracker_refuses_one_agreement_too_many() {
        let id = AgreementId::from_uuid(uuid::Uuid::from_u128(7));
        let full = refusal(TrackerError::Full { limit: 10 }, 3, id);
        assert!(
            matches!(
                &full,
                DocumentError::Value {
                    path,
                    source: crate::model::ValueError::TooMany {
                        what: crate::model::Collection::Agreements,
                        count: 11,
                        max: 10,
                    },
                } if path == "agreements"
            ),
            "{full:?}"
        );
        let twice = refusal(
            TrackerError::DuplicateAgreement {
                id,
                title: "Pact".to_owned(),
            },
            3,
            id,
        );
        assert_eq!(twice.path(), Some("agreements[3].agreement.id"));
    }
}

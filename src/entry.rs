//! The audit trail: every change to an agreement, as recorded.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::document::{EntryDocument, RetractionDocument};
use crate::error::{Error, Field};
use crate::event::Event;
use crate::id::EventId;
use crate::limits;

/// One change to an agreement, as recorded: the audit trail of an agreement
/// is its list of entries, in the order they were recorded.
///
/// Entries are never removed or rewritten. A correction or a retraction is
/// a new entry that refers to the event it changes, so the original claim,
/// with its sources, stays in the trail.
///
/// Entries serialise as [`EntryDocument`]; reading one validates its event
/// (or the reason of a retraction) but, on its own, cannot check it against
/// an agreement: read whole agreements for that.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "EntryDocument", into = "EntryDocument")]
pub struct Entry {
    /// Microseconds since 1970-01-01T00:00:00Z: eight bytes instead of
    /// twelve, and every `DateTime<Utc>` fits.
    recorded_at: i64,
    pub(crate) change: Change,
}

/// What an [`Entry`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change {
    /// A new event was recorded.
    Record(Event),
    /// The event with the same id was corrected to this version (a new
    /// date, kind or details).
    Correct(Event),
    /// The event was retracted.
    Retract {
        /// The retracted event.
        id: EventId,
        /// Why.
        reason: Box<str>,
    },
}

impl Entry {
    /// An entry recorded at `recorded_at`, kept to the microsecond.
    pub(crate) fn new(recorded_at: DateTime<Utc>, change: Change) -> Self {
        Entry {
            recorded_at: recorded_at.timestamp_micros(),
            change,
        }
    }

    /// When the entry was recorded, by the clock of the call that made it,
    /// to the microsecond.
    pub fn recorded_at(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_micros(self.recorded_at).unwrap_or_default()
    }

    /// What it did.
    pub const fn change(&self) -> &Change {
        &self.change
    }

    /// The id of the event the entry is about.
    pub fn event_id(&self) -> EventId {
        match &self.change {
            Change::Record(event) | Change::Correct(event) => event.id(),
            Change::Retract { id, .. } => *id,
        }
    }

    /// The event the entry records or the corrected version it sets;
    /// `None` for a retraction.
    pub const fn event(&self) -> Option<&Event> {
        match &self.change {
            Change::Record(event) | Change::Correct(event) => Some(event),
            Change::Retract { .. } => None,
        }
    }
}

impl fmt::Display for Entry {
    /// One line: `2024-11-23T09:30:00Z  record  2024-11-22 deliberated …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.recorded_at().format("%Y-%m-%dT%H:%M:%SZ");
        match &self.change {
            Change::Record(event) => write!(f, "{at}  recorded   {event}")?,
            Change::Correct(event) => write!(f, "{at}  corrected  {} to: {event}", event.id())?,
            Change::Retract { id, reason } => write!(f, "{at}  retracted  {id}: {reason}")?,
        }
        if let Some(event) = self.event() {
            for source in event.sources() {
                write!(f, "\n      source: {source}")?;
            }
        }
        Ok(())
    }
}

impl From<&Entry> for EntryDocument {
    fn from(entry: &Entry) -> Self {
        let mut doc = EntryDocument {
            recorded_at: entry
                .recorded_at()
                .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            record: None,
            correct: None,
            retract: None,
        };
        match &entry.change {
            Change::Record(event) => doc.record = Some(event.clone().into()),
            Change::Correct(event) => doc.correct = Some(event.clone().into()),
            Change::Retract { id, reason } => {
                doc.retract = Some(RetractionDocument {
                    id: id.to_string(),
                    reason: reason.to_string(),
                });
            }
        }
        doc
    }
}

impl From<Entry> for EntryDocument {
    fn from(entry: Entry) -> Self {
        EntryDocument::from(&entry)
    }
}

impl TryFrom<EntryDocument> for Entry {
    type Error = Error;

    fn try_from(doc: EntryDocument) -> Result<Self, Error> {
        let recorded_at = DateTime::parse_from_rfc3339(&doc.recorded_at)
            .map(|instant| instant.with_timezone(&Utc))
            .map_err(|_| Error::Timestamp {
                input: doc.recorded_at.clone(),
            })?;
        let change = match (doc.record, doc.correct, doc.retract) {
            (Some(event), None, None) => Change::Record(event.try_into()?),
            (None, Some(event), None) => Change::Correct(event.try_into()?),
            (None, None, Some(retraction)) => Change::Retract {
                id: retraction.id.parse()?,
                reason: crate::text::required(
                    retraction.reason,
                    Field::Reason,
                    limits::MAX_REASON,
                )?
                .into_boxed_str(),
            },
            _ => {
                return Err(Error::MalformedEntry {
                    recorded_at: doc.recorded_at,
                });
            }
        };
        Ok(Entry::new(recorded_at, change))
    }
}

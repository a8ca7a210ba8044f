//! The audit trail: every change to an agreement, as recorded.

use std::fmt;

use chrono::{DateTime, Utc};

use crate::event::Event;
use crate::id::EventId;

/// One change to an agreement, as recorded: the audit trail of an agreement
/// is its list of entries, in the order they were recorded.
///
/// Entries are never removed or rewritten. A correction or a retraction is
/// a new entry that refers to the event it changes, so the original claim,
/// with its sources, stays in the trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub(crate) recorded_at: DateTime<Utc>,
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
        reason: String,
    },
}

impl Entry {
    /// When the entry was recorded, by the clock of the call that made it.
    pub const fn recorded_at(&self) -> DateTime<Utc> {
        self.recorded_at
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
        let at = self.recorded_at.format("%Y-%m-%dT%H:%M:%SZ");
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

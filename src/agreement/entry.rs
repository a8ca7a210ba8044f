//! The audit trail: every change to an agreement, as recorded.

use std::fmt;

use chrono::{DateTime, Utc};

use crate::model::{Event, EventId, Field, ValueError, limits};

/// One change to an agreement, as recorded: the audit trail of an agreement
/// is its list of entries, in the order they were recorded.
///
/// Entries are never removed or rewritten. A correction or a retraction is
/// a new entry that refers to the event it changes, so the original claim,
/// with its sources, stays in the trail.
///
/// Entries serialise as part of their agreement (see
/// [`document`](crate::document)); reading one on its own validates its
/// event or the reason of a retraction, but only a whole agreement can be
/// checked against its history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Microseconds since 1970-01-01T00:00:00Z: eight bytes instead of
    /// twelve, and every `DateTime<Utc>` fits.
    recorded_at: i64,
    change: Change,
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
    /// A rival claim about the event with the same id: another date or
    /// kind, given by its own sources. The version in force stays as it
    /// was; the claim stands beside it until a
    /// [`Resolve`](Change::Resolve) picks one.
    Dispute(Event),
    /// The dispute about an event was resolved by keeping one claim: the
    /// version in force, or a rival claim, which then enters the history
    /// in its place.
    Resolve {
        /// The disputed event.
        id: EventId,
        /// The position in the audit trail of the entry holding the claim
        /// kept: the version in force, or a [`Dispute`](Change::Dispute)
        /// entry still open.
        chosen: usize,
        /// Why.
        reason: Box<str>,
    },
}

impl Change {
    /// The change with its reason (of a retraction or a resolution), if
    /// any, trimmed and checked:
    /// a reason must say something, within
    /// [`MAX_REASON`](crate::limits::MAX_REASON) characters.
    pub(crate) fn checked(mut self) -> Result<Self, ValueError> {
        if let Change::Retract { reason, .. } | Change::Resolve { reason, .. } = &mut self {
            *reason = crate::model::text::required(
                std::mem::take(reason),
                Field::Reason,
                limits::MAX_REASON,
            )?
            .into_boxed_str();
        }
        Ok(self)
    }
}

impl Entry {
    /// An entry recorded at `recorded_at`, kept to the microsecond.
    pub(crate) fn new(recorded_at: DateTime<Utc>, change: Change) -> Self {
        Entry::at_micros(recorded_at.timestamp_micros(), change)
    }

    /// An entry recorded at this many microseconds since 1970.
    pub(crate) fn at_micros(recorded_at: i64, change: Change) -> Self {
        Entry {
            recorded_at,
            change,
        }
    }

    /// When the entry was recorded, in microseconds since 1970.
    pub(crate) fn micros(&self) -> i64 {
        self.recorded_at
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

    /// What it did, taken out.
    pub(crate) fn into_change(self) -> Change {
        self.change
    }

    /// The id of the event the entry is about.
    pub fn event_id(&self) -> EventId {
        match &self.change {
            Change::Record(event) | Change::Correct(event) | Change::Dispute(event) => event.id(),
            Change::Retract { id, .. } | Change::Resolve { id, .. } => *id,
        }
    }

    /// The event version the entry holds: the event recorded, the
    /// corrected version, or the rival claim of a dispute; `None` for a
    /// retraction or a resolution.
    pub const fn event(&self) -> Option<&Event> {
        match &self.change {
            Change::Record(event) | Change::Correct(event) | Change::Dispute(event) => Some(event),
            Change::Retract { .. } | Change::Resolve { .. } => None,
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
            Change::Dispute(event) => write!(f, "{at}  disputed   {} by: {event}", event.id())?,
            Change::Resolve { id, chosen, reason } => {
                write!(f, "{at}  resolved   {id} keeping entry {chosen}: {reason}")?
            }
        }
        if let Some(event) = self.event() {
            for source in event.sources() {
                write!(f, "\n      source: {source}")?;
            }
        }
        Ok(())
    }
}

//! Limits against hostile input, in one place.
//!
//! Every constructor and every deserialisation enforces these; exceeding
//! one is a [`ValueError::TooLong`] or
//! [`ValueError::TooMany`] naming the field, the size and
//! the limit. Lengths count characters (Unicode scalar values), after
//! trimming. Nesting depth is left to the deserialiser: `serde_json` refuses
//! documents nested deeper than 128 levels, and nothing in this crate's
//! format nests deeper than five.

use super::error::{Collection, ValueError};

/// Characters in an agreement's title.
///
/// Set from real records: treaty series give titles that list every
/// instrument an exchange of notes amends, and run past 500 characters
/// (the longest of the bundled sample has 426, one of a public dataset of
/// 1,805 agreements 514, and titles in the UN Treaty Series over 1,000).
/// 2,000 leaves room for all of them while still bounding hostile input.
pub const MAX_TITLE: usize = 2_000;
/// Characters in a name: party, representative, office, venue, occasion,
/// publisher.
pub const MAX_NAME: usize = 200;
/// Characters in a source's title (a source may be the treaty itself, so
/// as long as an agreement's).
pub const MAX_SOURCE_TITLE: usize = MAX_TITLE;
/// Characters in a source's address.
pub const MAX_ADDRESS: usize = 2_000;
/// Characters in an event's summary.
pub const MAX_SUMMARY: usize = 5_000;
/// Characters in the reason of a retraction.
pub const MAX_REASON: usize = 2_000;
/// Participants of one event.
pub const MAX_PARTICIPANTS: usize = 100;
/// Sources of one event.
pub const MAX_SOURCES: usize = 100;
/// Subject areas of one agreement.
pub const MAX_SUBJECTS: usize = 100;
/// Links one event may make to other agreements.
pub const MAX_LINKS: usize = 100;
/// Occasions one tracker document names.
pub const MAX_OCCASIONS: usize = 100_000;
/// Entries (records, corrections, retractions) of one agreement.
///
/// Loading a document of this many entries takes a few tens of
/// milliseconds for every shape of history measured (see `BENCHMARKS.md`);
/// the limit bounds the rare shapes that cost more (many events of mixed
/// precision in one year, whose order is recomputed for that year).
pub const MAX_ENTRIES: usize = 10_000;
/// Transitions in one policy document: one for each pair of stages.
pub const MAX_TRANSITIONS: usize = super::Stage::COUNT * super::Stage::COUNT;
/// Guards attached to one policy.
pub const MAX_GUARDS: usize = 100;
/// The largest version a tracker gives an agreement: the largest integer
/// every JSON reader keeps exactly (2^53 - 1).
pub const MAX_VERSION: u64 = (1 << 53) - 1;
/// Agreements in one tracker document.
///
/// Set from measurement: a document of this many typical agreements
/// (1.06 GB of JSON) loads in about 40 s with a peak of 1.8 GB resident on
/// a 2-core machine (`examples/load_tracker.rs`, see `BENCHMARKS.md`). A
/// tracker built through its methods may hold more.
pub const MAX_AGREEMENTS: usize = 2_000_000;

/// The most agreements one [`Tracker`](crate::Tracker) holds at once,
/// however they came (2^28, about 268 million: its date index packs an
/// agreement's place in 28 bits). A tracker that holds this many refuses
/// another with [`TrackerError::Full`](crate::tracker::TrackerError::Full).
pub const MAX_TRACKED: usize = 1 << 28;

/// Refuses more than `max` items of `what`.
pub(crate) fn at_most(what: Collection, count: usize, max: usize) -> Result<(), ValueError> {
    if count > max {
        Err(ValueError::TooMany { what, count, max })
    } else {
        Ok(())
    }
}

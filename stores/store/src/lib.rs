//! What a durable store of agreements promises, the in-memory part every
//! store shares, an in-memory store, and (feature `contract`) the suite
//! every store passes.
//!
//! A store keeps the audit trail of a [`Tracker`] in a database: a row for
//! each agreement's header and an append-only row for each entry (record,
//! correction, retraction) with the agreement's version after it. Its
//! promises, the same for every store ([`Store`]):
//!
//! - **Validated first.** Every change is checked by the core (the
//!   tracker's policy, its guards, the clock) before anything is written;
//!   only accepted changes reach the database.
//! - **One transaction, one version.** A change is written in one
//!   transaction as the version after the one it expects. Two writers that
//!   raced cannot both write it: the loser gets
//!   [`StoreError::Conflict`] naming both versions, and nothing is
//!   overwritten. Rows are never updated or deleted; a removal is a row of
//!   its own.
//! - **One loader.** Opening a store rebuilds every agreement through the
//!   core's document loader, so a database edited by hand into an invalid
//!   history is refused with the agreement, the entry and the rule.
//! - **A tracker view.** [`Store::tracker`] answers queries through the
//!   tracker's indexes; [`Store::refresh`] catches up with what other
//!   writers wrote.
//!
//! [`Ledger`] is the in-memory half a store builds on: it validates a
//! change into the rows to write ([`Ledger::prepare`]), and once they are
//! durable applies it to the tracker ([`Ledger::commit`]).
//!
//! ```
//! use bilateral::{Agreement, Event, EventKind, Parties, Party, Policy, Stage};
//! use bilateral_store::{MemoryStore, Store};
//!
//! let mut store = MemoryStore::new(Policy::standard());
//! let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
//! let id = store.create(Agreement::builder("Logistics", parties), Event::new(EventKind::Proposed, "2024-01".parse()?))?;
//! assert_eq!(store.record(id, 1, Event::new(EventKind::Deliberated, "2024-03".parse()?))?, 2);
//! // A writer that read version 1 is told of the conflict.
//! let stale = store.record(id, 1, Event::new(EventKind::Withdrawn, "2024-04".parse()?));
//! assert!(matches!(stale, Err(bilateral_store::StoreError::Conflict { expected: 1, actual: 2, .. })));
//! assert_eq!(store.tracker().get(id).unwrap().stage(), Stage::Deliberated);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
mod ledger;
mod memory;

#[cfg(feature = "contract")]
pub mod contract;

pub use error::StoreError;
pub use ledger::{
    Created, Ledger, LogOrderLoad, OwnedRows, Prepared, PreparedOccasion, Removal, RowCursor,
    RowRef, Rows,
};
pub use memory::{MemoryStore, SharedMemory};

use bilateral::{AgreementBuilder, AgreementId, Change, Event, EventId, Occasion, Tracker};

/// The version of the stores' database schema this release writes, and
/// the newest it opens. Each store records it in its database.
///
/// Version 2 adds the append-only list of occasions and lets the log hold
/// disputes and resolutions; a store of version 1 is migrated when opened.
pub const SCHEMA_VERSION: u32 = 2;

/// A durable store of agreements under one policy: see the crate docs for
/// what every store promises.
pub trait Store {
    /// The agreements as of the last open, write or
    /// [`refresh`](Store::refresh), with the tracker's indexes and queries.
    fn tracker(&self) -> &Tracker;

    /// Creates an agreement with its first event, at version 1.
    ///
    /// # Errors
    ///
    /// [`StoreError::Refused`] when the core refuses it (an invalid header,
    /// an event the policy does not let open a record, an id the store
    /// already holds or once held); [`StoreError::Conflict`] when another
    /// writer created an agreement with the same id first;
    /// [`StoreError::Database`] when the database fails. On error nothing
    /// is written.
    fn create(
        &mut self,
        builder: AgreementBuilder,
        first: Event,
    ) -> Result<AgreementId, StoreError>;

    /// Applies `change` to the agreement `id`, expected at version
    /// `expected`; the new version.
    ///
    /// # Errors
    ///
    /// [`StoreError::Conflict`] when the store holds another version (this
    /// writer's view or the database's), [`StoreError::Refused`] when the
    /// core refuses the change, [`StoreError::Database`] when the database
    /// fails. On error nothing is written.
    ///
    /// Every write first catches up, while no other writer can write, with
    /// what others wrote (as [`refresh`](Store::refresh) does), and is
    /// judged against all of it: links and occasions across agreements
    /// hold in the database as they do in one tracker. A write that fails
    /// has still caught up.
    fn apply(&mut self, id: AgreementId, expected: u64, change: Change) -> Result<u64, StoreError>;

    /// Removes the agreement `id`, expected at version `expected`: a row of
    /// its own records the removal; the agreement's rows stay.
    ///
    /// # Errors
    ///
    /// As [`apply`](Store::apply).
    fn remove(&mut self, id: AgreementId, expected: u64) -> Result<(), StoreError>;

    /// Makes an occasion known to the store, once: from then on every
    /// event of any agreement that names it must be dated within it
    /// ([`Tracker::add_occasion`]). Occasions are never changed or removed.
    ///
    /// The store catches up with what other writers wrote inside the write
    /// itself, so the occasion is judged against every event written so
    /// far, and an event written later against every occasion.
    ///
    /// # Errors
    ///
    /// [`StoreError::Refused`] when the tracker refuses it (a name the
    /// store knows, an event dated outside it), [`StoreError::Database`]
    /// when the database fails. On error nothing is written.
    fn add_occasion(&mut self, occasion: Occasion) -> Result<(), StoreError>;

    /// Catches up with what other writers wrote since this view last read;
    /// how many rows it applied (agreements' rows and occasions).
    ///
    /// # Errors
    ///
    /// [`StoreError::Invalid`] when a row breaks the history (written by
    /// hand), [`StoreError::Database`] when the database fails.
    fn refresh(&mut self) -> Result<usize, StoreError>;

    /// Records `event`; as [`apply`](Store::apply).
    ///
    /// # Errors
    ///
    /// As [`apply`](Store::apply).
    fn record(&mut self, id: AgreementId, expected: u64, event: Event) -> Result<u64, StoreError> {
        self.apply(id, expected, Change::Record(event))
    }

    /// Corrects the event with the same id as `event`; as
    /// [`apply`](Store::apply).
    ///
    /// # Errors
    ///
    /// As [`apply`](Store::apply).
    fn correct(&mut self, id: AgreementId, expected: u64, event: Event) -> Result<u64, StoreError> {
        self.apply(id, expected, Change::Correct(event))
    }

    /// Sets a rival claim about the event with the same id as `rival`
    /// beside the version in force ([`Agreement::dispute`](bilateral::Agreement::dispute));
    /// as [`apply`](Store::apply).
    ///
    /// # Errors
    ///
    /// As [`apply`](Store::apply).
    fn dispute(&mut self, id: AgreementId, expected: u64, rival: Event) -> Result<u64, StoreError> {
        self.apply(id, expected, Change::Dispute(rival))
    }

    /// Resolves the dispute about `event` by keeping the claim held by the
    /// entry at `chosen` ([`Agreement::resolve`](bilateral::Agreement::resolve));
    /// as [`apply`](Store::apply).
    ///
    /// # Errors
    ///
    /// As [`apply`](Store::apply).
    fn resolve(
        &mut self,
        id: AgreementId,
        expected: u64,
        event: EventId,
        chosen: usize,
        reason: &str,
    ) -> Result<u64, StoreError> {
        self.apply(
            id,
            expected,
            Change::Resolve {
                id: event,
                chosen,
                reason: reason.into(),
            },
        )
    }

    /// Retracts the event `event`; as [`apply`](Store::apply).
    ///
    /// # Errors
    ///
    /// As [`apply`](Store::apply).
    fn retract(
        &mut self,
        id: AgreementId,
        expected: u64,
        event: EventId,
        reason: &str,
    ) -> Result<u64, StoreError> {
        self.apply(
            id,
            expected,
            Change::Retract {
                id: event,
                reason: reason.into(),
            },
        )
    }
}

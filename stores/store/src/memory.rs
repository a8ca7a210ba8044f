//! A store in memory: the reference the database stores are held to.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use bilateral::{
    AgreementBuilder, AgreementId, Change, Clock, Event, Occasion, Policy, SystemClock, Tracker,
};

use crate::{Ledger, Rows, Store, StoreError};

/// The log several [`MemoryStore`]s share, as writers share a database.
#[derive(Debug, Default)]
struct Log {
    policy: Option<String>,
    rows: Vec<Rows>,
    /// The occasions, as a tracker document writes them, in the order
    /// written.
    occasions: Vec<String>,
    /// The version each agreement's last row made.
    versions: HashMap<String, u64>,
}

impl Log {
    /// Appends `row` if the agreement is at `expected` (0: not yet
    /// created); its position (from 1).
    fn append(&mut self, row: Rows, expected: u64) -> Result<i64, StoreError> {
        let actual = self.versions.get(&row.agreement).copied().unwrap_or(0);
        if actual != expected {
            return Err(match (expected, row.agreement.parse()) {
                (0, Ok(agreement)) => StoreError::DuplicateAgreement { agreement },
                (_, Ok(agreement)) => StoreError::Conflict {
                    agreement,
                    expected,
                    actual,
                },
                (_, Err(error)) => StoreError::Refused(bilateral::Error::from(error)),
            });
        }
        self.versions.insert(row.agreement.clone(), row.version);
        self.rows.push(row);
        Ok(i64::try_from(self.rows.len()).unwrap_or(i64::MAX))
    }

    /// Brings `ledger` up to date with everything written: occasions
    /// first, then rows; how many it applied.
    fn catch_up(&self, ledger: &mut Ledger) -> Result<usize, StoreError> {
        ledger.catch_up_with(
            positioned(&self.occasions, ledger.seen_occasions()),
            positioned(&self.rows, ledger.seen()),
        )
    }
}

/// Memory that several writers share, as they would share a database: open
/// a [`MemoryStore`] on it for each.
///
/// ```
/// use bilateral::{Agreement, Event, EventKind, Parties, Party, Policy};
/// use bilateral_store::{SharedMemory, Store};
/// let memory = SharedMemory::new();
/// let (mut a, mut b) = (memory.open(Policy::standard())?, memory.open(Policy::standard())?);
/// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
/// let id = a.create(Agreement::builder("Logistics", parties), Event::new(EventKind::Proposed, "2024".parse()?))?;
/// assert!(b.tracker().get(id).is_none());
/// assert_eq!(b.refresh()?, 1);
/// assert!(b.tracker().get(id).is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct SharedMemory(Arc<Mutex<Log>>);

impl SharedMemory {
    /// Empty memory.
    pub fn new() -> Self {
        Self::default()
    }

    fn log(&self) -> MutexGuard<'_, Log> {
        // A writer that panicked mid-write wrote nothing half: each write
        // is one push under the lock.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A store over this memory under `policy`, reading time from the
    /// system clock.
    ///
    /// # Errors
    ///
    /// As [`open_with_clock`](SharedMemory::open_with_clock).
    pub fn open(&self, policy: Policy) -> Result<MemoryStore, StoreError> {
        self.open_with_clock(policy, Arc::new(SystemClock))
    }

    /// A store over this memory under `policy`, reading time from `clock`.
    ///
    /// # Errors
    ///
    /// [`StoreError::OtherPolicy`] when the memory was written under a
    /// policy with another transition table, [`StoreError::Invalid`] when
    /// its rows break a rule.
    pub fn open_with_clock(
        &self,
        policy: Policy,
        clock: Arc<dyn Clock>,
    ) -> Result<MemoryStore, StoreError> {
        let mut log = self.log();
        let ledger = Ledger::load_with_occasions(
            policy,
            clock,
            positioned(&log.occasions, 0),
            positioned(&log.rows, 0),
        )?;
        let recorded = log.policy.get_or_insert_with(|| ledger.policy_document());
        ledger.check_policy(recorded)?;
        drop(log);
        Ok(MemoryStore {
            memory: self.clone(),
            ledger,
        })
    }

    /// Replaces the entry of `agreement`'s row of `version`, as someone
    /// editing a database by hand would: for tests of what a store refuses
    /// to load. Whether a row was replaced.
    pub fn edit_by_hand(&self, agreement: AgreementId, version: u64, entry: &str) -> bool {
        let mut log = self.log();
        let id = agreement.to_string();
        match log
            .rows
            .iter_mut()
            .find(|row| row.agreement == id && row.version == version)
        {
            Some(row) => {
                row.entry = Some(entry.to_owned());
                true
            }
            None => false,
        }
    }
}

/// The rows after the first `seen`, with their positions (from 1).
fn positioned<T: Clone>(rows: &[T], seen: i64) -> Vec<(i64, T)> {
    let skip = usize::try_from(seen).unwrap_or(usize::MAX);
    (1..)
        .zip(rows)
        .skip(skip)
        .map(|(position, row)| (position, row.clone()))
        .collect()
}

/// A store in memory: the reference implementation of [`Store`], with
/// writers that share a [`SharedMemory`] as they would a database.
#[derive(Debug)]
pub struct MemoryStore {
    memory: SharedMemory,
    ledger: Ledger,
}

impl MemoryStore {
    /// A store over fresh memory under `policy`.
    pub fn new(policy: Policy) -> Self {
        let memory = SharedMemory::new();
        let ledger = Ledger::new(policy, Arc::new(SystemClock));
        memory.log().policy = Some(ledger.policy_document());
        MemoryStore { memory, ledger }
    }

    /// The memory this store writes to, to open more writers on it.
    pub fn memory(&self) -> &SharedMemory {
        &self.memory
    }
}

impl Store for MemoryStore {
    fn tracker(&self) -> &Tracker {
        self.ledger.tracker()
    }

    fn create(
        &mut self,
        builder: AgreementBuilder,
        first: Event,
    ) -> Result<AgreementId, StoreError> {
        let mut log = self.memory.log();
        log.catch_up(&mut self.ledger)?;
        let created = self.ledger.prepare_create(builder, first)?;
        let row = Rows {
            agreement: created.id.to_string(),
            version: 1,
            header: Some(created.header.clone()),
            entry: Some(created.entry.clone()),
        };
        let position = log.append(row, 0)?;
        drop(log);
        let id = created.id;
        self.ledger.commit_create(created, position);
        Ok(id)
    }

    fn apply(&mut self, id: AgreementId, expected: u64, change: Change) -> Result<u64, StoreError> {
        let mut log = self.memory.log();
        log.catch_up(&mut self.ledger)?;
        let prepared = self.ledger.prepare(id, expected, change)?;
        let row = Rows {
            agreement: id.to_string(),
            version: prepared.version,
            header: None,
            entry: Some(prepared.entry.clone()),
        };
        let position = log.append(row, expected)?;
        drop(log);
        Ok(self.ledger.commit(prepared, position))
    }

    fn remove(&mut self, id: AgreementId, expected: u64) -> Result<(), StoreError> {
        let mut log = self.memory.log();
        log.catch_up(&mut self.ledger)?;
        let removal = self.ledger.prepare_remove(id, expected)?;
        let row = Rows {
            agreement: id.to_string(),
            version: removal.version,
            header: None,
            entry: None,
        };
        let position = log.append(row, expected)?;
        drop(log);
        self.ledger.commit_remove(removal, position);
        Ok(())
    }

    fn add_occasion(&mut self, occasion: Occasion) -> Result<(), StoreError> {
        let mut log = self.memory.log();
        log.catch_up(&mut self.ledger)?;
        let prepared = self.ledger.prepare_occasion(occasion)?;
        log.occasions.push(prepared.document.clone());
        let position = i64::try_from(log.occasions.len()).unwrap_or(i64::MAX);
        drop(log);
        self.ledger.commit_occasion(prepared, position);
        Ok(())
    }

    fn refresh(&mut self) -> Result<usize, StoreError> {
        let log = self.memory.log();
        log.catch_up(&mut self.ledger)
    }
}

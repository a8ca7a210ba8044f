//! The in-memory half every store shares: a tracker, the validation of a
//! change into the rows to write, and the rows read back into agreements.

use std::collections::HashMap;
use std::collections::hash_map::Entry as Place;
use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use bilateral::chrono::{DateTime, Utc};
use bilateral::document::{DocumentError, PolicyDocument, Tracked};
use bilateral::lifecycle::Guards;
use bilateral::{
    Agreement, AgreementBuilder, AgreementId, Change, Clock, Context, Entry, Event, FixedClock,
    Occasion, Policy, Tracker,
};
use serde_json::{Value, json};

use crate::StoreError;

/// A clock whose instant the ledger sets: a change read back (or applied
/// after it was written) is judged at the instant it was first recorded.
#[derive(Debug, Clone, Default)]
struct Pinned(Arc<AtomicI64>);

impl Pinned {
    fn set(&self, instant: DateTime<Utc>) {
        self.0.store(instant.timestamp_micros(), Ordering::SeqCst);
    }
}

impl Clock for Pinned {
    fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_micros(self.0.load(Ordering::SeqCst)).unwrap_or_default()
    }
}

/// An agreement's rows, gathered for loading.
struct Pending {
    id: String,
    header: String,
    entries: Vec<String>,
    version: u64,
    removed: bool,
}

/// The error of a document the core refused, of `agreement`'s rows: text
/// it could not read is a row no store could have written; anything else
/// an invalid history.
fn unloaded(error: DocumentError, agreement: &str) -> StoreError {
    match error {
        DocumentError::Syntax { .. } => StoreError::unreadable(agreement, error.to_string()),
        error => StoreError::Invalid(error),
    }
}

/// As [`unloaded`], of rows of no one agreement.
fn invalid_document(error: DocumentError) -> StoreError {
    unloaded(error, "(one of them)")
}

/// The element of a tracker document's agreements that an agreement's
/// rows make, written into `text` (emptied first).
fn element(agreement: &Pending, text: &mut String) {
    text.clear();
    let open = agreement.header.trim_end();
    let open = open.strip_suffix('}').unwrap_or(open);
    let _ = write!(
        text,
        "{{\"version\":{},\"agreement\":{open},\"entries\":[",
        agreement.version
    );
    for (i, entry) in agreement.entries.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(entry);
    }
    text.push_str("]}}");
}

/// An agreement's element read under `policy`, at `position`: a row that
/// is no JSON at all is unreadable, naming the agreement.
fn read_element(
    agreement: &Pending,
    position: usize,
    policy: &Policy,
    text: &mut String,
) -> Result<Tracked, StoreError> {
    element(agreement, text);
    let mut reader = serde_json::Deserializer::from_str(text);
    Tracked::read(&mut reader, policy, position).map_err(|error| unloaded(error, &agreement.id))
}

/// Agreements a worker reads before handing them over together.
const BATCH: usize = 256;

/// The most threads opening a store reads agreements on.
const MAX_READERS: usize = 8;

/// Takes the agreements `held` into `tracker`, in order, each read (its
/// JSON parsed and its history replayed, nine tenths of the work) apart on
/// up to `readers` threads (none when one is enough): batch `b` on reader
/// `b % readers`, while this thread takes in what the
/// readers hand over, batch by batch in order. The first refusal in order
/// wins, and the readers stop at their next batch.
fn load_apart(
    tracker: Tracker,
    held: &[&Pending],
    policy: &Policy,
    readers: usize,
) -> Result<Tracker, StoreError> {
    let readers = readers.min(held.len().div_ceil(BATCH));
    let mut loader = tracker.loader();
    let mut take = |tracked: Result<Tracked, StoreError>| -> Result<(), StoreError> {
        loader.insert(tracked?).map_err(StoreError::Invalid)
    };
    if readers <= 1 {
        let mut text = String::new();
        for (position, agreement) in held.iter().enumerate() {
            take(read_element(agreement, position, policy, &mut text))?;
        }
    } else {
        let batches = held.chunks(BATCH).collect::<Vec<_>>();
        std::thread::scope(|scope| -> Result<(), StoreError> {
            let mut inboxes = Vec::with_capacity(readers);
            for reader in 0..readers {
                let (sender, inbox) = std::sync::mpsc::sync_channel(2);
                inboxes.push(inbox);
                let batches = &batches;
                scope.spawn(move || {
                    let mut text = String::new();
                    for b in (reader..batches.len()).step_by(readers) {
                        let Some(batch) = batches.get(b) else { break };
                        let mut read = Vec::with_capacity(batch.len());
                        for (i, agreement) in batch.iter().enumerate() {
                            let tracked = read_element(agreement, b * BATCH + i, policy, &mut text);
                            let refused = tracked.is_err();
                            read.push(tracked);
                            if refused {
                                break;
                            }
                        }
                        // Stops when the calling thread hangs up (it met a
                        // refusal first) or after handing over its own.
                        let refused = read.last().is_some_and(Result::is_err);
                        if sender.send(read).is_err() || refused {
                            break;
                        }
                    }
                });
            }
            for b in 0..batches.len() {
                // A reader stops early only after handing over a refusal,
                // which ends this loop first (and one that panicked makes
                // the scope panic), so every batch comes.
                let Some(inbox) = inboxes.get(b % readers) else {
                    break;
                };
                let Ok(read) = inbox.recv() else { break };
                for tracked in read {
                    take(tracked)?;
                }
            }
            Ok(())
        })?;
    }
    loader.finish().map_err(invalid_document)
}

/// A row of a store's log, as read back in the order written: one entry
/// of an agreement (its first, with the agreement's header), or its
/// removal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rows {
    /// The agreement's id, as written.
    pub agreement: String,
    /// The agreement's version after the row.
    pub version: u64,
    /// The header (the agreement's document without its entries), on the
    /// row of version 1.
    pub header: Option<String>,
    /// The entry as a document writes it; `None` for a removal.
    pub entry: Option<String>,
}

/// A creation validated: the rows to write, then
/// [`Ledger::commit_create`].
#[derive(Debug, Clone)]
pub struct Created {
    agreement: Agreement,
    /// The agreement's id.
    pub id: AgreementId,
    /// The header row: the agreement's document without its entries.
    pub header: String,
    /// The first entry, as a document writes it.
    pub entry: String,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// A change validated: the row to write, then [`Ledger::commit`].
#[derive(Debug, Clone)]
pub struct Prepared {
    agreement: Agreement,
    change: Change,
    /// The agreement.
    pub id: AgreementId,
    /// The version the change expects.
    pub expected: u64,
    /// The version the change makes: `expected + 1`.
    pub version: u64,
    /// The kind of change: `record`, `correct`, `retract`, `dispute` or
    /// `resolve`.
    pub action: &'static str,
    /// The entry, as a document writes it.
    pub entry: String,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// An occasion validated: the row to write, then
/// [`Ledger::commit_occasion`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedOccasion {
    occasion: Occasion,
    /// Its name, which no other occasion of the store has.
    pub name: String,
    /// The occasion as a tracker document writes it.
    pub document: String,
}

/// A removal validated: the row to write, then
/// [`Ledger::commit_remove`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    /// The agreement.
    pub id: AgreementId,
    /// The version the removal expects.
    pub expected: u64,
    /// The removal's row version: `expected + 1`.
    pub version: u64,
    /// When it was removed.
    pub recorded_at: DateTime<Utc>,
}

/// The in-memory half of a store: the tracker the store's rows rebuild,
/// the policy and the clock changes are judged under.
///
/// A store writes a change in three steps, all while no other writer can
/// write (inside its write transaction, under its writers' lock): it
/// catches the ledger up with every row and occasion written before
/// ([`catch_up`](Ledger::catch_up), [`catch_up_occasions`](Ledger::catch_up_occasions)),
/// [`prepare`](Ledger::prepare) validates the change into the row to write
/// (nothing changes), the store writes the row, and once it is durable
/// [`commit`](Ledger::commit) applies it to the tracker. Every row before
/// the one committed is then known to the ledger, so its position is where
/// the next catch-up starts.
pub struct Ledger {
    tracker: Tracker,
    policy: Policy,
    clock: Arc<dyn Clock>,
    pinned: Pinned,
    /// Agreements removed, with the version of their removal row: an id
    /// once held is never used again.
    removed: HashMap<AgreementId, u64>,
    /// The position in the store's log of the last row read (0: none).
    seen: i64,
    /// The position in the store's list of occasions of the last one read
    /// (0: none).
    seen_occasions: i64,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger")
            .field("policy", &self.policy.name())
            .field("agreements", &self.tracker.len())
            .field("removed", &self.removed.len())
            .finish()
    }
}

fn refused(error: impl Into<bilateral::Error>) -> StoreError {
    StoreError::Refused(error.into())
}

fn action(change: &Change) -> &'static str {
    match change {
        Change::Record(_) => "record",
        Change::Correct(_) => "correct",
        Change::Dispute(_) => "dispute",
        Change::Resolve { .. } => "resolve",
        _ => "retract",
    }
}

impl Ledger {
    /// An empty ledger under `policy`, reading time from `clock`.
    pub fn new(policy: Policy, clock: Arc<dyn Clock>) -> Self {
        let pinned = Pinned::default();
        Ledger {
            tracker: Tracker::with_policy(policy.clone()).with_clock(pinned.clone()),
            policy,
            clock,
            pinned,
            removed: HashMap::new(),
            seen: 0,
            seen_occasions: 0,
        }
    }

    /// The position in the store's log of the last row this ledger has
    /// read: a store reads the rows after it to catch up.
    pub fn seen(&self) -> i64 {
        self.seen
    }

    /// The position in the store's list of occasions of the last one this
    /// ledger has read: a store reads those after it to catch up.
    pub fn seen_occasions(&self) -> i64 {
        self.seen_occasions
    }

    /// The agreements.
    pub fn tracker(&self) -> &Tracker {
        &self.tracker
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The policy as a document writes it, for a store to record.
    pub fn policy_document(&self) -> String {
        serde_json::to_string(&PolicyDocument::from(&self.policy)).unwrap_or_default()
    }

    /// Checks that a store recorded `document` as its policy is one with
    /// this ledger's transition table.
    ///
    /// # Errors
    ///
    /// [`StoreError::OtherPolicy`] when its table differs,
    /// [`StoreError::Unreadable`] when it is no policy document.
    pub fn check_policy(&self, document: &str) -> Result<(), StoreError> {
        let found: PolicyDocument =
            serde_json::from_str(document).map_err(|error| StoreError::Unreadable {
                agreement: "(the store's policy)".to_owned(),
                reason: error.to_string(),
            })?;
        let value = serde_json::to_value(&found).unwrap_or(Value::Null);
        let found_policy = found.into_policy(&self.guards());
        match found_policy {
            Ok(policy) if policy.stamp().fingerprint() == self.policy.stamp().fingerprint() => {
                Ok(())
            }
            _ => Err(StoreError::OtherPolicy {
                found: value["name"].as_str().unwrap_or_default().to_owned(),
                given: self.policy.name().to_owned(),
            }),
        }
    }

    /// The guards of the ledger's policy, by name, for the loader.
    fn guards(&self) -> Guards {
        let mut guards = Guards::builtin();
        for (_, guard) in self.policy.guards() {
            if guards.get(guard.name()).is_none() {
                let _ = guards.register_arc(Arc::clone(guard));
            }
        }
        guards
    }

    /// Whether the store holds or once held `id`.
    fn known(&self, id: AgreementId) -> bool {
        self.tracker.contains(id) || self.removed.contains_key(&id)
    }

    /// The version `id` is at, or why a change to it cannot be made.
    fn at_version(&self, id: AgreementId, expected: u64) -> Result<&Agreement, StoreError> {
        let (Some(agreement), Some(version)) = (self.tracker.get(id), self.tracker.version(id))
        else {
            return Err(match self.removed.get(&id) {
                Some(removed) => StoreError::Conflict {
                    agreement: id,
                    expected,
                    actual: *removed,
                },
                None => StoreError::UnknownAgreement { agreement: id },
            });
        };
        if version != expected {
            return Err(StoreError::Conflict {
                agreement: id,
                expected,
                actual: version,
            });
        }
        Ok(agreement)
    }

    /// Validates a creation at the clock's now: the rows to write.
    ///
    /// # Errors
    ///
    /// [`StoreError::Refused`] when the core refuses it,
    /// [`StoreError::DuplicateAgreement`] when the store holds or once held
    /// its id.
    pub fn prepare_create(
        &self,
        builder: AgreementBuilder,
        first: Event,
    ) -> Result<Created, StoreError> {
        let now = self.clock.now();
        let at_now = FixedClock::new(now);
        let agreement = builder
            .build_with(&Context::new(&self.policy, &at_now), first)
            .map_err(refused)?;
        let id = agreement.id();
        if self.known(id) {
            return Err(StoreError::DuplicateAgreement { agreement: id });
        }
        self.tracker.check_references(&agreement).map_err(refused)?;
        let mut header = serde_json::to_value(&agreement).map_err(StoreError::database)?;
        let entries = header
            .as_object_mut()
            .and_then(|object| {
                object.remove("policy");
                object.remove("entries")
            })
            .unwrap_or(Value::Null);
        let recorded_at = agreement.entries().first().map_or(now, Entry::recorded_at);
        Ok(Created {
            id,
            header: header.to_string(),
            entry: entries[0].to_string(),
            recorded_at,
            agreement,
        })
    }

    /// Takes a creation once its rows are durable, its entry at
    /// `position` in the store's log.
    pub fn commit_create(&mut self, created: Created, position: i64) {
        self.seen = self.seen.max(position);
        let _ = self.tracker.insert(created.agreement);
    }

    /// Validates `change` to `id`, expected at version `expected`, at the
    /// clock's now: the row to write.
    ///
    /// # Errors
    ///
    /// [`StoreError::Conflict`] when the ledger holds another version (or
    /// the agreement was removed), [`StoreError::UnknownAgreement`] when it
    /// holds none, [`StoreError::Refused`] when the core refuses the change.
    pub fn prepare(
        &self,
        id: AgreementId,
        expected: u64,
        change: Change,
    ) -> Result<Prepared, StoreError> {
        let mut agreement = self.at_version(id, expected)?.clone();
        let now = self.clock.now();
        let at_now = FixedClock::new(now);
        let receipt = agreement
            .apply_with(&Context::new(&self.policy, &at_now), change.clone())
            .map_err(refused)?;
        // The version entering the history (recorded, corrected, or the
        // rival claim a resolution keeps) is checked against the others.
        let entering = receipt
            .arrived
            .and_then(|placed| agreement.entries().get(placed.entry))
            .and_then(Entry::event);
        if let Some(event) = entering
            && (!event.links().is_empty()
                || event
                    .occasion()
                    .is_some_and(|name| self.tracker.occasion(name).is_some()))
        {
            self.tracker.check_references(&agreement).map_err(refused)?;
        }
        let entry = agreement
            .entries()
            .get(receipt.entry)
            .map(|entry| serde_json::to_string(entry).unwrap_or_default())
            .unwrap_or_default();
        Ok(Prepared {
            action: action(&change),
            agreement,
            change,
            id,
            expected,
            version: expected + 1,
            entry,
            recorded_at: now,
        })
    }

    /// Takes a change once its row is durable, at `position` in the
    /// store's log; the new version.
    pub fn commit(&mut self, prepared: Prepared, position: i64) -> u64 {
        self.seen = self.seen.max(position);
        self.pinned.set(prepared.recorded_at);
        let Prepared {
            agreement,
            change,
            id,
            expected,
            version,
            ..
        } = prepared;
        if self.tracker.apply(id, Some(expected), change).is_err() {
            // Judged again, the change was refused (a guard that answers
            // differently the second time): the row is written, so the
            // agreement is the one first judged.
            self.tracker.remove(id);
            let _ = self.tracker.insert(agreement);
        }
        version
    }

    /// Validates an occasion to make known to the store: no other has its
    /// name, and every event in force that names it is dated within it.
    ///
    /// # Errors
    ///
    /// [`StoreError::Refused`] when the tracker refuses it.
    pub fn prepare_occasion(&self, occasion: Occasion) -> Result<PreparedOccasion, StoreError> {
        self.tracker
            .check_new_occasion(&occasion)
            .map_err(refused)?;
        let document = serde_json::to_string(&occasion).map_err(StoreError::database)?;
        Ok(PreparedOccasion {
            name: occasion.name().to_owned(),
            document,
            occasion,
        })
    }

    /// Takes an occasion once its row is durable, at `position` in the
    /// store's list of occasions. (A store writes it while no other writer
    /// can, having caught up first, so every occasion before `position` is
    /// known.)
    pub fn commit_occasion(&mut self, prepared: PreparedOccasion, position: i64) {
        self.seen_occasions = self.seen_occasions.max(position);
        let _ = self.tracker.add_occasion(prepared.occasion);
    }

    /// Catches up with the occasions after
    /// [`seen_occasions`](Ledger::seen_occasions), each with its position
    /// in the store's list and as a tracker document writes it; how many
    /// it added.
    ///
    /// # Errors
    ///
    /// [`StoreError::Unreadable`] for a row that is no occasion,
    /// [`StoreError::InvalidOccasion`] for one the tracker refuses. Those
    /// before it stay added.
    pub fn catch_up_occasions(
        &mut self,
        rows: impl IntoIterator<Item = (i64, String)>,
    ) -> Result<usize, StoreError> {
        let mut added = 0;
        for (position, text) in rows {
            if position <= self.seen_occasions {
                continue;
            }
            let occasion: Occasion = serde_json::from_str(&text)
                .map_err(|error| StoreError::unreadable("(an occasion)", error.to_string()))?;
            let name = occasion.name().to_owned();
            self.tracker
                .add_occasion(occasion)
                .map_err(|error| StoreError::InvalidOccasion {
                    name,
                    source: error.into(),
                })?;
            self.seen_occasions = position;
            added += 1;
        }
        Ok(added)
    }

    /// Validates the removal of `id`, expected at version `expected`.
    ///
    /// # Errors
    ///
    /// As [`prepare`](Ledger::prepare).
    pub fn prepare_remove(&self, id: AgreementId, expected: u64) -> Result<Removal, StoreError> {
        self.at_version(id, expected)?;
        Ok(Removal {
            id,
            expected,
            version: expected + 1,
            recorded_at: self.clock.now(),
        })
    }

    /// Takes a removal once its row is durable, at `position` in the
    /// store's log.
    pub fn commit_remove(&mut self, removal: Removal, position: i64) {
        self.seen = self.seen.max(position);
        self.tracker.remove(removal.id);
        self.removed.insert(removal.id, removal.version);
    }

    /// A ledger rebuilt from a store's rows, with their positions in its
    /// log, in the order they were written, through the core's document
    /// loader.
    ///
    /// # Errors
    ///
    /// [`StoreError::Invalid`] naming the agreement and the entry when the
    /// rows break a rule, [`StoreError::Unreadable`] when a row is no
    /// document at all.
    pub fn load(
        policy: Policy,
        clock: Arc<dyn Clock>,
        rows: impl IntoIterator<Item = (i64, Rows)>,
    ) -> Result<Ledger, StoreError> {
        Ledger::load_with_occasions(policy, clock, [], rows)
    }

    /// [`load`](Ledger::load) with the store's occasions, each with its
    /// position in the store's list and as a tracker document writes it:
    /// every event that names one is checked against it.
    ///
    /// # Errors
    ///
    /// As [`load`](Ledger::load); [`StoreError::Invalid`] also names an
    /// occasion repeated or one an event is dated outside.
    pub fn load_with_occasions(
        policy: Policy,
        clock: Arc<dyn Clock>,
        occasions: impl IntoIterator<Item = (i64, String)>,
        rows: impl IntoIterator<Item = (i64, Rows)>,
    ) -> Result<Ledger, StoreError> {
        let mut ledger = Ledger::new(policy, clock);
        let mut known = String::new();
        for (position, occasion) in occasions {
            ledger.seen_occasions = ledger.seen_occasions.max(position);
            if !known.is_empty() {
                known.push(',');
            }
            known.push_str(&occasion);
        }
        // Each agreement's rows in version order, agreements in the order
        // they were created; the map holds each one's place in that order.
        let mut pending: Vec<Pending> = Vec::new();
        let mut places: HashMap<String, usize> = HashMap::new();
        // The place of the last row's agreement: a log written an agreement
        // at a time finds most rows there, without hashing their id.
        let mut last = 0;
        for (position, row) in rows {
            ledger.seen = ledger.seen.max(position);
            let place = match row.header {
                Some(header) => match places.entry(row.agreement) {
                    Place::Occupied(taken) => {
                        return Err(StoreError::unreadable(
                            taken.key().clone(),
                            "a second header for one agreement",
                        ));
                    }
                    Place::Vacant(place) => {
                        let id = place.key().clone();
                        place.insert(pending.len());
                        pending.push(Pending {
                            id,
                            header,
                            entries: Vec::new(),
                            version: 0,
                            removed: false,
                        });
                        pending.len() - 1
                    }
                },
                None if pending
                    .get(last)
                    .is_some_and(|agreement| agreement.id == row.agreement) =>
                {
                    last
                }
                None => match places.get(&row.agreement) {
                    Some(&place) => place,
                    None => {
                        return Err(StoreError::unreadable(
                            row.agreement,
                            "a row for an agreement with no header",
                        ));
                    }
                },
            };
            last = place;
            let agreement = &mut pending[place];
            if row.version != agreement.version + 1 || agreement.removed {
                return Err(StoreError::unreadable(
                    agreement.id.clone(),
                    format!(
                        "version {} follows version {}{}",
                        row.version,
                        agreement.version,
                        if agreement.removed {
                            ", its removal"
                        } else {
                            ""
                        }
                    ),
                ));
            }
            agreement.version = row.version;
            match row.entry {
                Some(entry) => {
                    agreement.entries.push(entry);
                }
                None => agreement.removed = true,
            }
        }
        drop(places);
        // The document's policy, occasions and removed agreements, read by
        // the core's loader; then the agreements, each read apart on as
        // many threads as the machine has and taken in in order.
        let policy = ledger.policy_document();
        let mut removed = String::new();
        for agreement in pending.iter().filter(|agreement| agreement.removed) {
            if !removed.is_empty() {
                removed.push(',');
            }
            let _ = write!(
                removed,
                "{{\"id\":{},\"version\":{}}}",
                json!(agreement.id),
                agreement.version
            );
            if let Ok(id) = agreement.id.parse() {
                ledger.removed.insert(id, agreement.version);
            }
        }
        let head = format!(
            "{{\"format\":{},\"policy\":{policy},\"occasions\":[{known}],\"agreements\":[],\"removed\":[{removed}]}}",
            bilateral::document::FORMAT_VERSION,
        );
        let mut reader = serde_json::Deserializer::from_str(&head);
        let tracker = Tracker::load(&mut reader, &ledger.guards()).map_err(invalid_document)?;
        let held: Vec<&Pending> = pending
            .iter()
            .filter(|agreement| !agreement.removed)
            .collect();
        for agreement in &held {
            if !agreement.header.trim_end().ends_with('}') {
                return Err(StoreError::unreadable(
                    agreement.id.clone(),
                    "a header that is no object",
                ));
            }
        }
        let readers = std::thread::available_parallelism()
            .map_or(1, std::num::NonZero::get)
            .min(MAX_READERS);
        let tracker = load_apart(tracker, &held, ledger.policy(), readers)?;
        drop(pending);
        ledger.tracker = tracker.with_clock(ledger.pinned.clone());
        Ok(ledger)
    }

    /// Catches up with what other writers wrote, occasions (as
    /// [`catch_up_occasions`](Ledger::catch_up_occasions)) then rows (as
    /// [`catch_up`](Ledger::catch_up)): what a store does inside each write
    /// and on a refresh; how many of both it applied.
    ///
    /// # Errors
    ///
    /// Those of the two.
    pub fn catch_up_with(
        &mut self,
        occasions: impl IntoIterator<Item = (i64, String)>,
        rows: impl IntoIterator<Item = (i64, Rows)>,
    ) -> Result<usize, StoreError> {
        let added = self.catch_up_occasions(occasions)?;
        Ok(added + self.catch_up(rows)?)
    }

    /// Catches up with the rows after [`seen`](Ledger::seen), with their
    /// positions in the store's log, in the order written: applies those
    /// other writers wrote (a row at or before [`seen`](Ledger::seen) is
    /// skipped); how many it applied.
    ///
    /// # Errors
    ///
    /// [`StoreError::InvalidRow`] naming the agreement and version when a
    /// row breaks the history, [`StoreError::Unreadable`] when it is no
    /// document. The rows before it stay applied.
    pub fn catch_up(
        &mut self,
        rows: impl IntoIterator<Item = (i64, Rows)>,
    ) -> Result<usize, StoreError> {
        let mut applied = 0;
        for (position, row) in rows {
            if position <= self.seen {
                continue;
            }
            self.apply_row(row)?;
            applied += 1;
            self.seen = position;
        }
        Ok(applied)
    }

    fn apply_row(&mut self, row: Rows) -> Result<(), StoreError> {
        let unreadable = |reason: String| StoreError::Unreadable {
            agreement: row.agreement.clone(),
            reason,
        };
        let id: AgreementId = row
            .agreement
            .parse()
            .map_err(|e: bilateral::model::ValueError| unreadable(e.to_string()))?;
        let invalid = |error: bilateral::Error| StoreError::InvalidRow {
            agreement: id,
            version: row.version,
            source: error,
        };
        let Some(entry) = &row.entry else {
            self.tracker.remove(id);
            self.removed.insert(id, row.version);
            return Ok(());
        };
        if let Some(header) = &row.header {
            let mut document: Value =
                serde_json::from_str(header).map_err(|e| unreadable(e.to_string()))?;
            let entry: Value =
                serde_json::from_str(entry).map_err(|e| unreadable(e.to_string()))?;
            if let Some(object) = document.as_object_mut() {
                object.insert("entries".to_owned(), json!([entry]));
            }
            let document: bilateral::document::AgreementDocument =
                serde_json::from_value(document).map_err(|e| unreadable(e.to_string()))?;
            let agreement = document
                .into_agreement(&self.policy)
                .map_err(|error: DocumentError| invalid(error.into()))?;
            self.tracker
                .insert(agreement)
                .map_err(|error| invalid(error.into()))?;
            return Ok(());
        }
        let entry: Entry = serde_json::from_str(entry).map_err(|e| unreadable(e.to_string()))?;
        self.pinned.set(entry.recorded_at());
        self.tracker
            .apply(
                id,
                Some(row.version.saturating_sub(1)),
                entry.change().clone(),
            )
            .map_err(|error| invalid(error.into()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bilateral::{EventKind, Parties, Party};

    /// `count` agreements as their rows would give them, each opened by a
    /// proposal, except those at `edited`, whose row was edited by hand to
    /// open with a meeting, which no policy allows.
    fn pending(count: usize, edited: &[usize]) -> Vec<Pending> {
        let clock = Arc::new(FixedClock::new("2025-01-01T00:00:00Z".parse().unwrap()));
        let ledger = Ledger::new(Policy::standard(), clock);
        let parties = Parties::new(
            Party::state("IND", "India").unwrap(),
            Party::state("JPN", "Japan").unwrap(),
        )
        .unwrap();
        (0..count)
            .map(|n| {
                let id = AgreementId::from_uuid(bilateral::uuid::Uuid::from_u128(n as u128 + 1));
                let created = ledger
                    .prepare_create(
                        Agreement::builder(format!("Agreement {n}"), parties.clone()).id(id),
                        Event::new(EventKind::Proposed, "2024-01-01".parse().unwrap()),
                    )
                    .unwrap();
                let mut entry = created.entry;
                if edited.contains(&n) {
                    entry = entry.replace("\"proposed\"", "\"meeting\"");
                }
                Pending {
                    id: created.id.to_string(),
                    header: created.header,
                    entries: vec![entry],
                    version: 1,
                    removed: false,
                }
            })
            .collect()
    }

    /// On one thread or several, the same agreements in the same order.
    #[test]
    fn agreements_read_apart_are_taken_in_in_order() {
        let rows = pending(3 * BATCH + 17, &[]);
        let held: Vec<&Pending> = rows.iter().collect();
        let policy = Policy::standard();
        let one = load_apart(Tracker::new(), &held, &policy, 1).unwrap();
        let three = load_apart(Tracker::new(), &held, &policy, 3).unwrap();
        assert_eq!(one.len(), held.len());
        assert_eq!(one, three);
        let titles = |tracker: &Tracker| -> Vec<String> {
            tracker.iter().map(|a| a.title().to_owned()).collect()
        };
        assert_eq!(titles(&three), titles(&one));
        assert_eq!(
            titles(&three)[BATCH + 3],
            format!("Agreement {}", BATCH + 3)
        );
    }

    /// The first refusal in order wins, whichever reader finds one first:
    /// here three batches hold one each, read by different readers, which
    /// may find theirs in any order.
    #[test]
    fn the_first_refusal_in_order_wins_on_any_number_of_threads() {
        let rows = pending(4 * BATCH, &[BATCH + 5, 2 * BATCH + 1, 3 * BATCH + 9]);
        let held: Vec<&Pending> = rows.iter().collect();
        let policy = Policy::standard();
        for readers in [1, 2, 3, 4] {
            let refused = load_apart(Tracker::new(), &held, &policy, readers).unwrap_err();
            let StoreError::Invalid(error) = &refused else {
                panic!("expected an invalid history, got {refused:?}");
            };
            assert_eq!(
                error.path(),
                Some(format!("agreements[{}].agreement.entries[0]", BATCH + 5).as_str()),
                "{readers} readers"
            );
        }
        // A row that is no JSON: unreadable, naming its agreement.
        let mut rows = pending(2 * BATCH, &[]);
        rows[BATCH + 1].entries[0] = "not json".to_owned();
        let named = rows[BATCH + 1].id.clone();
        let held: Vec<&Pending> = rows.iter().collect();
        let refused = load_apart(Tracker::new(), &held, &policy, 2).unwrap_err();
        assert!(
            matches!(&refused, StoreError::Unreadable { agreement, .. } if *agreement == named),
            "{refused:?}"
        );
    }
}

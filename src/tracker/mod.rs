//! The tracker: many agreements under one policy, indexed, versioned.

mod bulk;
mod counts;
mod hash;
mod ids;
mod index;
mod links;
mod live;
mod loader;
mod occasions;
mod query;
mod slots;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::agreement::{
    Agreement, AgreementBuilder, AgreementError, Change, Entry, Observer, Receipt, RefusedChange,
};
use crate::clock::{Clock, SystemClock};

use crate::document::{DocumentError, InTracker, Tracked, TrackerDocument};
use crate::lifecycle::{Guards, Policy};
use crate::model::{
    AgreementId, Event, EventDate, Occasion, Party, PartyCode, Stage, SubjectArea, limits,
};
use hash::Map;
use ids::Ids;
use live::Live;
use slots::SlotSet;

use index::{Dates, Index};

pub use bulk::Bulk;
pub use counts::{Counts, CountsIter};
pub use links::{Family, FamilyMermaid, Linked, Member};
pub use loader::Loader;
pub use occasions::{AtOccasion, OccasionTimeline};
pub use query::{Order, Query};

/// Many agreements under one policy: insert, look up, change with
/// optimistic concurrency, and query through indexes.
///
/// # Versions
///
/// Every agreement in a tracker carries a version: 1 when inserted, one more
/// with each accepted change. A change made "expecting" a version is refused
/// with [`TrackerError::Conflict`] (naming both versions) when the agreement has
/// moved on, and nothing changes: two users who both read version 3 cannot
/// both write version 4.
///
/// # Indexes
///
/// The tracker keeps indexes by party, by pair of parties, by subject area,
/// by current stage, by kind of instrument, and of events by date. A
/// [`Query`] starts from the smallest index its filters name and checks the
/// other filters on those candidates only, so a selective query costs in
/// proportion to its answer, not to the collection. Indexes are updated by
/// every accepted change and untouched by refused ones.
///
/// # Sharing across threads
///
/// A `Tracker` is `Send + Sync`. Share one as `Arc<RwLock<Tracker>>`: many
/// readers query at once, writers take turns. For read-modify-write without
/// holding the write lock while deciding, read the version under a read
/// lock, prepare the change, then apply it with
/// [`Tracker::record_expecting`] (or [`Tracker::apply`] with an expected
/// version) under the write lock: a conflict means someone else wrote
/// first, and nothing was lost.
///
/// ```
/// use std::sync::{Arc, RwLock};
/// use std::thread;
/// use bilateral::{Agreement, Event, EventKind, Parties, Party, SubjectArea, Tracker};
///
/// let mut tracker = Tracker::new();
/// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
/// let id = tracker.create(
///     Agreement::builder("Logistics", parties).subject(SubjectArea::Logistics),
///     Event::new(EventKind::Deliberated, "2024-01-01".parse()?),
/// )?;
/// let shared = Arc::new(RwLock::new(tracker));
///
/// let writers: Vec<_> = (0..4)
///     .map(|n| {
///         let shared = Arc::clone(&shared);
///         thread::spawn(move || {
///             let seen = shared.read().unwrap().version(id).unwrap();
///             let note = Event::new(EventKind::Note, format!("2024-02-0{}", n + 1).parse().unwrap());
///             shared.write().unwrap().record_expecting(id, seen, note).is_ok()
///         })
///     })
///     .collect();
/// let accepted = writers.into_iter().map(|w| w.join().unwrap()).filter(|ok| *ok).count() as u64;
/// assert_eq!(shared.read().unwrap().version(id), Some(1 + accepted));
/// # Ok::<(), bilateral::Error>(())
/// ```
///
/// # Example
///
/// ```
/// use bilateral::{Agreement, Event, EventKind, Parties, Party, Stage, SubjectArea, Tracker};
///
/// let mut tracker = Tracker::new();
/// let india = Party::state("IND", "India")?;
/// let id = tracker.create(
///     Agreement::builder("Logistics", Parties::new(india.clone(), Party::state("JPN", "Japan")?)?)
///         .subject(SubjectArea::Logistics),
///     Event::new(EventKind::Deliberated, "2024-11-22".parse()?),
/// )?;
/// tracker.create(
///     Agreement::builder("Cooperation", Parties::new(india.clone(), Party::state("PHL", "Philippines")?)?)
///         .subjects([SubjectArea::Space, SubjectArea::MaritimeSecurity]),
///     Event::new(EventKind::Proposed, "2024-11".parse()?),
/// )?;
///
/// let version = tracker.record(id, Event::new(EventKind::MoiSigned, "2024-12-02".parse()?))?;
/// assert_eq!(version, 2);
///
/// let with_india = tracker.query().party(india.code()).count();
/// assert_eq!(with_india, 2);
/// let signed: Vec<_> = tracker.query().stage(Stage::MoiSigned).iter().map(|a| a.title()).collect();
/// assert_eq!(signed, ["Logistics"]);
/// # Ok::<(), bilateral::Error>(())
/// ```
pub struct Tracker {
    policy: Policy,
    clock: Arc<dyn Clock>,
    observers: Vec<Arc<dyn Observer>>,
    /// Agreements by slot. A removed agreement leaves a hollow shell
    /// (`Agreement::take_leaving_shell`) and its slot is marked vacant in
    /// `live`; the next agreement inserted takes the last freed slot, so
    /// that slots never outnumber the most agreements the tracker held at
    /// once. Shells rather than `Option`s, so that the agreement in a live
    /// slot is addressed from `live` alone: a query's answer from the
    /// indexes then never reads the agreements it returns (at a million
    /// agreements, each read is a cache miss).
    slots: Vec<Slot>,
    /// Whether each slot holds an agreement: dense, so it stays in cache.
    live: Live,
    /// Freed slots, taken last in, first out.
    free: Vec<u32>,
    /// The slot of each agreement, by id.
    by_id: Ids,
    /// The last version of every removed agreement: one inserted again
    /// with the same id goes on from there, so that a writer who read an
    /// older version is told of a conflict.
    removed: Map<AgreementId, u64>,
    /// The occasions the tracker knows, by name.
    occasions: BTreeMap<Box<str>, Occasion>,
    /// Each list of subject areas its agreements hold, once, with the
    /// number holding it: an agreement inserted shares the list of the
    /// others on the same areas (a few hundred lists for a million
    /// agreements, where each would hold its own, out of cache).
    subject_lists: Map<Arc<[SubjectArea]>, usize>,
    index: Index,
}

/// Makes room for one more slot, growing by a quarter where a vector
/// doubles. A slot holds a whole agreement (a few hundred bytes), so the
/// room a doubled vector can leave empty (up to half of it) costs up to
/// that much again per agreement; growing by a quarter leaves at most a
/// fifth empty. Still amortised constant time per push (and the system's
/// allocator moves a large vector by remapping its pages, not copying).
fn reserve_a_quarter<T>(slots: &mut Vec<T>) {
    if slots.len() == slots.capacity() {
        slots.reserve_exact((slots.len() / 4).max(16));
    }
}

#[derive(Clone)]
struct Slot {
    agreement: Agreement,
    /// The agreement's version, from 1; 0 in a vacant slot (a shell), so
    /// that a walk over every agreement reads the slots alone, in order,
    /// as `live` says of each.
    version: u64,
}

/// The version of a vacant slot: no agreement has it.
const VACANT: u64 = 0;

/// Why a tracker refused a call. A call that returns this error changed
/// nothing. Variants are `#[non_exhaustive]`: match them with `..`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TrackerError {
    /// The agreement refused the change, or its history breaks the
    /// tracker's policy.
    #[error(transparent)]
    Agreement(#[from] AgreementError),
    /// The tracker holds no agreement with this id.
    #[error("no agreement {id} in the tracker")]
    #[non_exhaustive]
    UnknownAgreement {
        /// The id given.
        id: AgreementId,
    },
    /// The tracker already holds an agreement with this id.
    #[error("agreement {title:?} ({id}) is already in the tracker")]
    #[non_exhaustive]
    DuplicateAgreement {
        /// The id.
        id: AgreementId,
        /// The title of the agreement given.
        title: String,
    },
    /// A change expected a version the agreement has moved on from.
    #[error(
        "agreement {agreement} is at version {actual}, not {expected}: \
         it changed since it was read, so the change was not applied"
    )]
    #[non_exhaustive]
    Conflict {
        /// The agreement.
        agreement: AgreementId,
        /// The version the change expected.
        expected: u64,
        /// The version the agreement is at.
        actual: u64,
    },
    /// The agreement is at the largest version a tracker gives
    /// ([`MAX_VERSION`](crate::limits::MAX_VERSION)): it takes no more changes.
    #[error(
        "agreement {agreement} is at version {version}, the largest a tracker gives \
         (the largest integer every JSON reader keeps exactly), so it takes no more changes"
    )]
    #[non_exhaustive]
    VersionLimit {
        /// The agreement.
        agreement: AgreementId,
        /// Its version.
        version: u64,
    },
    /// The tracker knows an occasion of this name already.
    #[error("the tracker knows an occasion named {name:?} already")]
    #[non_exhaustive]
    DuplicateOccasion {
        /// The name.
        name: String,
    },
    /// The tracker holds [`MAX_TRACKED`](crate::limits::MAX_TRACKED)
    /// agreements, the most one tracker holds: it takes no more.
    #[error(
        "the tracker holds {limit} agreements, the most one tracker holds, so it takes no more"
    )]
    #[non_exhaustive]
    Full {
        /// The limit, [`MAX_TRACKED`](crate::limits::MAX_TRACKED).
        limit: usize,
    },
}

impl TrackerError {
    /// The refusal, when a lifecycle rule or a guard refused the change.
    pub fn refusal(&self) -> Option<&crate::lifecycle::Refusal> {
        match self {
            TrackerError::Agreement(error) => error.refusal(),
            _ => None,
        }
    }
}

impl Tracker {
    /// An empty tracker under the standard policy and the system clock.
    pub fn new() -> Self {
        Self::with_policy(Policy::standard())
    }

    /// An empty tracker under `policy` and the system clock: every
    /// change made through it is judged by the policy's rules and guards.
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, Policy, Tracker};
    /// let mut tracker = Tracker::with_policy(Policy::strict());
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let builder = Agreement::builder("Pact", parties);
    /// // The strict policy opens records only at proposed.
    /// assert!(tracker.create(builder.clone(), Event::new(EventKind::Finalised, "2024".parse()?)).is_err());
    /// tracker.create(builder, Event::new(EventKind::Proposed, "2024".parse()?))?;
    /// assert_eq!(tracker.policy().name(), "strict");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_policy(policy: Policy) -> Self {
        Tracker {
            policy,
            clock: Arc::new(SystemClock),
            observers: Vec::new(),
            slots: Vec::new(),
            live: Live::default(),
            free: Vec::new(),
            by_id: Ids::default(),
            removed: Map::default(),
            occasions: BTreeMap::new(),
            subject_lists: Map::default(),
            index: Index::default(),
        }
    }

    /// The same tracker reading time from `clock`: "today" for dates, and
    /// the instant each entry is recorded at.
    ///
    /// ```
    /// use bilateral::{Agreement, Clock, Event, EventKind, FixedClock, Parties, Party, Tracker};
    /// let clock = FixedClock::new("2024-11-23T09:30:00Z".parse()?);
    /// let mut tracker = Tracker::new().with_clock(clock);
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let id = tracker.create(Agreement::builder("Pact", parties), Event::new(EventKind::Proposed, "2024-06".parse()?))?;
    /// assert_eq!(tracker.get(id).unwrap().entries()[0].recorded_at(), clock.now());
    /// // A stage change dated after the clock's today is refused.
    /// assert!(tracker.record(id, Event::new(EventKind::Deliberated, "2024-12".parse()?)).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Adds an observer, told of every accepted stage change in this
    /// tracker once the change is complete: the agreement, its version and
    /// every index.
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, StageChange, SubjectArea, Tracker};
    /// let heard = Arc::new(Mutex::new(Vec::new()));
    /// let mut tracker = Tracker::new();
    /// let log = Arc::clone(&heard);
    /// tracker.observe(move |change: &StageChange<'_>| log.lock().unwrap().push(change.receipt.after));
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let id = tracker.create(
    ///     Agreement::builder("Logistics", parties).subject(SubjectArea::Logistics),
    ///     Event::new(EventKind::Proposed, "2024-01".parse()?),
    /// )?;
    /// tracker.record(id, Event::new(EventKind::Deliberated, "2024-02".parse()?))?;
    /// assert_eq!(heard.lock().unwrap().len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn observe(&mut self, observer: impl Observer + 'static) {
        self.observers.push(Arc::new(observer));
    }

    /// As [`observe`](Self::observe), with an observer the caller keeps a
    /// handle to (to read what an audit gathered, say); see
    /// [`Observer::change_refused`] for an example.
    pub fn observe_shared(&mut self, observer: Arc<dyn Observer>) {
        self.observers.push(observer);
    }

    /// The tracker's policy.
    pub const fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The number of agreements.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether the tracker holds no agreement.
    pub fn is_empty(&self) -> bool {
        self.by_id.len() == 0
    }

    /// The agreement with this id.
    pub fn get(&self, id: AgreementId) -> Option<&Agreement> {
        self.slot(id).map(|slot| &slot.agreement)
    }

    /// The current version of the agreement with this id.
    pub fn version(&self, id: AgreementId) -> Option<u64> {
        self.slot(id).map(|slot| slot.version)
    }

    /// Whether the tracker holds an agreement with this id.
    pub fn contains(&self, id: AgreementId) -> bool {
        self.slot_of(id).is_some()
    }

    /// Every agreement, in the order of their slots: the order they were
    /// inserted in, except that one inserted after a removal takes the
    /// place of the last removed.
    pub fn iter(&self) -> impl Iterator<Item = &Agreement> + '_ {
        self.held().map(|slot| &slot.agreement)
    }

    /// The live slots, in order: a walk over the slots that skips the
    /// vacant ones (most often none), a few instructions per agreement.
    fn held(&self) -> impl Iterator<Item = &Slot> + '_ {
        self.slots.iter().filter(|slot| slot.version != VACANT)
    }

    /// Every agreement with its version, in the order of [`Tracker::iter`].
    pub fn iter_versions(&self) -> impl Iterator<Item = (&Agreement, u64)> + '_ {
        self.held().map(|slot| (&slot.agreement, slot.version))
    }

    /// A query over the agreements; see [`Query`].
    pub fn query(&self) -> Query<'_> {
        Query::new(self)
    }

    /// The agreement in `slot`, if it holds one. Only `live` is read: the
    /// reference is computed, so an agreement nobody then reads costs no
    /// trip to memory.
    pub(crate) fn at(&self, slot: u32) -> Option<&Agreement> {
        self.held_at(slot).map(|slot| &slot.agreement)
    }

    fn held_at(&self, slot: u32) -> Option<&Slot> {
        self.slots.get(self.live.held(slot)?)
    }

    pub(crate) fn slot_count(&self) -> u32 {
        u32::try_from(self.slots.len()).unwrap_or(u32::MAX)
    }

    pub(crate) fn index(&self) -> &Index {
        &self.index
    }

    fn slot(&self, id: AgreementId) -> Option<&Slot> {
        self.held_at(self.slot_of(id)?)
    }

    /// The slot of the agreement with this id: the id table's candidate
    /// confirmed by the agreement it holds.
    fn slot_of(&self, id: AgreementId) -> Option<u32> {
        self.by_id.get(id, |slot| {
            self.held_at(slot)
                .is_some_and(|held| held.agreement.id() == id)
        })
    }

    /// Tells every observer of a refused change.
    fn notify_refused(
        &self,
        agreement: Option<&Agreement>,
        change: &Change,
        error: &AgreementError,
    ) {
        let refused = RefusedChange {
            agreement,
            change,
            error,
        };
        for observer in &self.observers {
            observer.change_refused(&refused);
        }
    }

    /// Tells every observer of a complete change.
    fn notify(&self, slot: u32, receipt: &Receipt) {
        if self.observers.is_empty() {
            return;
        }
        if let Some(agreement) = self.at(slot) {
            for observer in &self.observers {
                crate::agreement::notify(&**observer, agreement, receipt);
            }
        }
    }

    /// Creates an agreement under the tracker's policy, clock and observers,
    /// and inserts it at version 1.
    ///
    /// # Errors
    ///
    /// The errors of [`AgreementBuilder::build_with`](crate::AgreementBuilder::build_with), and
    /// [`TrackerError::DuplicateAgreement`] when the tracker already holds an
    /// agreement with that id.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, SubjectArea, Tracker};
    /// let mut tracker = Tracker::new();
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let id = tracker.create(
    ///     Agreement::builder("Logistics", parties).subject(SubjectArea::Logistics),
    ///     Event::new(EventKind::Proposed, "2024".parse()?),
    /// )?;
    /// assert_eq!(tracker.version(id), Some(1));
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn create(
        &mut self,
        builder: AgreementBuilder,
        first: Event,
    ) -> Result<AgreementId, TrackerError> {
        let now = self.clock.now();
        let tried = (!self.observers.is_empty()).then(|| Change::Record(first.clone()));
        let opened = builder
            .header()
            .and_then(|header| header.open(&self.policy, now, first, true));
        let (agreement, receipt) = match opened {
            Ok(opened) => opened,
            Err(error) => {
                if let Some(tried) = &tried {
                    self.notify_refused(None, tried, &error);
                }
                return Err(error.into());
            }
        };
        if let Err(error) = self.check_events(&agreement, agreement.history()) {
            if let Some(tried) = &tried {
                self.notify_refused(None, tried, &error);
            }
            return Err(error.into());
        }
        let id = agreement.id();
        let slot = self.add(agreement, None, Dates::Now)?;
        self.notify(slot, &receipt);
        Ok(id)
    }

    /// Inserts an agreement at version 1, after checking its history against
    /// the tracker's policy (its transition table and entry stages; guards
    /// judge changes as they are made, and these were made elsewhere).
    ///
    /// # Errors
    ///
    /// - [`TrackerError::DuplicateAgreement`] when the tracker already holds an
    ///   agreement with that id;
    /// - [`TrackerError::Agreement`] when its history breaks the tracker's policy.
    ///
    /// On error the tracker is unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, Policy, SubjectArea, Tracker};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let pact = Agreement::builder("Logistics", parties)
    ///     .subject(SubjectArea::Logistics)
    ///     .build(Event::new(EventKind::Deliberated, "2024".parse()?))?;
    /// let mut strict = Tracker::with_policy(Policy::strict());
    /// assert!(strict.insert(pact.clone()).is_err()); // strict records open at proposed
    /// let mut tracker = Tracker::new();
    /// assert_eq!(tracker.insert(pact.clone())?, 1);
    /// assert!(tracker.insert(pact).is_err()); // same id twice
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn insert(&mut self, agreement: Agreement) -> Result<u64, TrackerError> {
        self.insert_dated(agreement, Dates::Now)
    }

    /// As [`insert`](Tracker::insert), its events added to the indexes by
    /// date as `dates` says.
    fn insert_dated(
        &mut self,
        mut agreement: Agreement,
        dates: Dates,
    ) -> Result<u64, TrackerError> {
        agreement
            .check_history(&self.policy)
            .map_err(AgreementError::from)?;
        self.check_references(&agreement)?;
        agreement.keep_under(&self.policy);
        let slot = self.add(agreement, None, dates)?;
        Ok(self.version_at(slot))
    }

    /// Adds an agreement already checked against the policy, at `version`,
    /// or (when `None`) at version 1 or one past the version it had when
    /// it was removed, its events indexed by date as `dates` says; returns
    /// its slot.
    fn add(
        &mut self,
        agreement: Agreement,
        version: Option<u64>,
        dates: Dates,
    ) -> Result<u32, TrackerError> {
        let id = agreement.id();
        if self.slot_of(id).is_some() {
            return Err(TrackerError::DuplicateAgreement {
                id,
                title: agreement.title().to_owned(),
            });
        }
        let version = match (version, self.removed.get(&id)) {
            (Some(version), _) => version,
            (None, None) => 1,
            (None, Some(&last)) if last < limits::MAX_VERSION => last + 1,
            (None, Some(&last)) => {
                return Err(TrackerError::VersionLimit {
                    agreement: id,
                    version: last,
                });
            }
        };
        if !has_room(self.slots.len(), self.free.len()) {
            return Err(TrackerError::Full {
                limit: limits::MAX_TRACKED,
            });
        }
        self.removed.remove(&id);
        let mut agreement = agreement;
        self.share_party_names(&mut agreement);
        self.share_subjects(&mut agreement);
        let entry = Slot { agreement, version };
        let slot = match self.free.pop() {
            Some(slot) => {
                if let Some(place) = self.slots.get_mut(slot as usize) {
                    *place = entry;
                    self.live.set(slot as usize, true);
                }
                slot
            }
            None => {
                reserve_a_quarter(&mut self.slots);
                self.slots.push(entry);
                self.live.push(true);
                self.slot_count() - 1
            }
        };
        if let Some(added) = self.slots.get(slot as usize) {
            self.index.add(slot, &added.agreement, dates);
        }
        self.by_id.insert(id, slot);
        Ok(slot)
    }

    /// Lets an agreement coming in share the names of its parties with an
    /// agreement already held that names the same party (its first in the
    /// party's index): a million agreements between two hundred parties
    /// then hold two hundred names. A party of the same code with another
    /// name or kind keeps its own.
    fn share_party_names(&self, agreement: &mut Agreement) {
        agreement.share_parties(|party| {
            let slot = self.index.party.get(&party.code())?.iter().next()?;
            let other = &self.held_at(slot)?.agreement;
            other
                .parties()
                .iter()
                .find(|known| known.code() == party.code())
                .cloned()
        });
    }

    /// Gives an agreement coming in the list of subject areas already held
    /// for others on the same areas, or keeps its own for those to come.
    fn share_subjects(&mut self, agreement: &mut Agreement) {
        let list = agreement.shared_subjects();
        match self.subject_lists.get_key_value(&**list) {
            // Built from the list already held (`subject_list`): nothing to
            // do, and its count of references left alone, which the thread
            // that built it may be touching.
            Some((held, _)) if Arc::ptr_eq(held, list) => {}
            Some((held, _)) => {
                let held = Arc::clone(held);
                agreement.share_subjects(&held);
            }
            None => {
                self.subject_lists.insert(Arc::clone(list), 0);
            }
        }
        if let Some(holders) = self.subject_lists.get_mut(&**agreement.shared_subjects()) {
            *holders += 1;
        }
    }

    /// Forgets one holder of an agreement's list of subject areas, and the
    /// list when none is left.
    fn unshare_subjects(&mut self, agreement: &Agreement) {
        let subjects = &**agreement.shared_subjects();
        if let Some(holders) = self.subject_lists.get_mut(subjects) {
            *holders -= 1;
            if *holders == 0 {
                self.subject_lists.remove(subjects);
            }
        }
    }

    fn version_at(&self, slot: u32) -> u64 {
        self.held_at(slot).map_or(0, |slot| slot.version)
    }

    /// Removes an agreement, returning it.
    ///
    /// There is no separate archive: withdrawn and terminated agreements stay
    /// in the tracker, where their history is worth querying; removal is for
    /// records that should not be there at all (a duplicate import, a test
    /// entry). Export the tracker first if you need to keep them.
    ///
    /// The tracker remembers the version the agreement had: inserted again,
    /// it goes on from there, so that a writer who read it before is told
    /// of a conflict. Removal costs the logarithm of the indexes' sizes, and
    /// its slot is taken by the next agreement inserted.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, SubjectArea, Tracker};
    /// let mut tracker = Tracker::new();
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let id = tracker.create(
    ///     Agreement::builder("Logistics", parties).subject(SubjectArea::Logistics),
    ///     Event::new(EventKind::Proposed, "2024".parse()?),
    /// )?;
    /// tracker.record(id, Event::new(EventKind::Deliberated, "2025".parse()?))?;
    /// let pact = tracker.remove(id).unwrap();
    /// assert!(tracker.is_empty());
    /// assert_eq!(tracker.insert(pact)?, 3); // version 2 was removed
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn remove(&mut self, id: AgreementId) -> Option<Agreement> {
        let slot = self.slot_of(id)?;
        let held = self.slots.get_mut(self.live.held(slot)?)?;
        let version = held.version;
        let agreement = held.agreement.take_leaving_shell();
        held.version = VACANT;
        self.live.set(slot as usize, false);
        self.by_id.remove(id, slot);
        self.index.remove(slot, &agreement);
        self.unshare_subjects(&agreement);
        self.free.push(slot);
        self.removed.insert(id, version);
        Some(agreement)
    }

    /// Records `event` on the agreement with this id, whatever its version;
    /// returns the new version.
    ///
    /// # Errors
    ///
    /// [`TrackerError::UnknownAgreement`], and every error of
    /// [`Agreement::record_with`] under the tracker's policy and clock. On
    /// error nothing changes.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, SubjectArea, Tracker};
    /// let mut tracker = Tracker::new();
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let id = tracker.create(
    ///     Agreement::builder("Logistics", parties).subject(SubjectArea::Logistics),
    ///     Event::new(EventKind::Proposed, "2024-01".parse()?),
    /// )?;
    /// assert_eq!(tracker.record(id, Event::new(EventKind::Deliberated, "2024-02".parse()?))?, 2);
    /// assert!(tracker.record(id, Event::new(EventKind::Finalised, "2024-03".parse()?)).is_err());
    /// assert_eq!(tracker.version(id), Some(2));
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn record(&mut self, id: AgreementId, event: Event) -> Result<u64, TrackerError> {
        self.apply(id, None, Change::Record(event))
    }

    /// Records `event` if the agreement is still at version `expected`;
    /// returns the new version.
    ///
    /// # Errors
    ///
    /// [`TrackerError::Conflict`] naming both versions when the agreement has
    /// moved on; otherwise as [`Tracker::record`]. On error nothing changes.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, SubjectArea, Tracker};
    /// use bilateral::tracker::TrackerError;
    /// let mut tracker = Tracker::new();
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let id = tracker.create(
    ///     Agreement::builder("Logistics", parties).subject(SubjectArea::Logistics),
    ///     Event::new(EventKind::Proposed, "2024-01".parse()?),
    /// )?;
    /// tracker.record_expecting(id, 1, Event::new(EventKind::Deliberated, "2024-02".parse()?))?;
    /// let late = tracker.record_expecting(id, 1, Event::new(EventKind::Withdrawn, "2024-03".parse()?));
    /// assert!(matches!(late, Err(TrackerError::Conflict { expected: 1, actual: 2, .. })));
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn record_expecting(
        &mut self,
        id: AgreementId,
        expected: u64,
        event: Event,
    ) -> Result<u64, TrackerError> {
        self.apply(id, Some(expected), Change::Record(event))
    }

    /// Applies any change (a record, a correction, a retraction) to the
    /// agreement with this id, if it is at version `expected` (or whatever
    /// its version when `None`); returns the new version.
    ///
    /// # Errors
    ///
    /// [`TrackerError::UnknownAgreement`], [`TrackerError::Conflict`], the text limits of
    /// a retraction's reason, and every error of the agreement's
    /// `record_with`, `correct_with` or `retract_with` under the tracker's
    /// policy and clock. On error nothing changes.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Change, Event, EventKind, Parties, Party, SubjectArea, Tracker};
    /// let mut tracker = Tracker::new();
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let first = Event::new(EventKind::Proposed, "2017-06".parse()?);
    /// let id = tracker.create(
    ///     Agreement::builder("Logistics", parties).subject(SubjectArea::Logistics),
    ///     first.clone(),
    /// )?;
    /// let fixed = first.to_builder().date("2018".parse()?).build()?;
    /// assert_eq!(tracker.apply(id, Some(1), Change::Correct(fixed))?, 2);
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn apply(
        &mut self,
        id: AgreementId,
        expected: Option<u64>,
        change: Change,
    ) -> Result<u64, TrackerError> {
        // The clock is user code: ask it before anything changes.
        let now = self.clock.now();
        let slot_number = self
            .slot_of(id)
            .ok_or(TrackerError::UnknownAgreement { id })?;
        let Some(at) = self.live.held(slot_number) else {
            return Err(TrackerError::UnknownAgreement { id });
        };
        let Some(current) = self.slots.get(at) else {
            return Err(TrackerError::UnknownAgreement { id });
        };
        if let Some(expected) = expected
            && expected != current.version
        {
            return Err(TrackerError::Conflict {
                agreement: id,
                expected,
                actual: current.version,
            });
        }
        if current.version >= limits::MAX_VERSION {
            return Err(TrackerError::VersionLimit {
                agreement: id,
                version: current.version,
            });
        }
        let tried = (!self.observers.is_empty()).then(|| change.clone());
        // What would enter the history: the event recorded, the corrected
        // version, or the rival claim a resolution keeps. (A rival claim
        // is judged against the tracker when it enters, not before.)
        let entering = match &change {
            Change::Record(event) | Change::Correct(event) => Some(event),
            Change::Resolve { chosen, .. } => current
                .agreement
                .entries()
                .get(*chosen)
                .filter(|entry| matches!(entry.change(), Change::Dispute(_)))
                .and_then(Entry::event),
            _ => None,
        };
        if let Some(event) = entering
            && (!event.links().is_empty() || self.names_known_occasion(event))
            && let Err(error) = self.check_events(&current.agreement, [event])
        {
            if let Some(tried) = &tried {
                self.notify_refused(Some(&current.agreement), tried, &error);
            }
            return Err(error.into());
        }
        let Some(slot) = self.slots.get_mut(at) else {
            return Err(TrackerError::UnknownAgreement { id });
        };
        let receipt = match slot.agreement.apply_change(&self.policy, now, change, true) {
            Ok(receipt) => receipt,
            Err(error) => {
                if let Some(tried) = &tried {
                    let agreement = &slot.agreement;
                    let refused = RefusedChange {
                        agreement: Some(agreement),
                        change: tried,
                        error: &error,
                    };
                    for observer in &self.observers {
                        observer.change_refused(&refused);
                    }
                }
                return Err(error.into());
            }
        };
        slot.version += 1;
        let version = slot.version;
        self.index.changed(slot_number, &slot.agreement, &receipt);
        // Complete: the agreement, its version and the indexes.
        self.notify(slot_number, &receipt);
        Ok(version)
    }

    /// How many agreements stand at each stage: every stage, in lifecycle
    /// order, indexed by stage.
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, Stage, Tracker};
    /// let mut tracker = Tracker::new();
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// tracker.create(Agreement::builder("Logistics", parties), Event::new(EventKind::Deliberated, "2024-11-22".parse()?))?;
    /// let counts = tracker.count_by_stage();
    /// assert_eq!((counts[Stage::Deliberated], counts[Stage::Finalised]), (1, 0));
    /// assert_eq!(counts.keys().copied().collect::<Vec<_>>(), Stage::ALL);
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn count_by_stage(&self) -> Counts<Stage> {
        Counts::listed(
            &Stage::ALL,
            Stage::ALL.map(|stage| self.index.stage.get(stage.index()).map_or(0, SlotSet::len)),
        )
    }

    /// How many agreements name no subject area (see
    /// [`Query::unclassified`]).
    pub fn count_unclassified(&self) -> usize {
        self.index.unclassified.len()
    }

    /// How many agreements cover each subject area any agreement covers,
    /// sorted by area, indexed by area (those that name none are counted
    /// by [`count_unclassified`](Self::count_unclassified)).
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, SubjectArea, Tracker};
    /// let mut tracker = Tracker::new();
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let pact = Agreement::builder("Logistics", parties).subjects([SubjectArea::Logistics, SubjectArea::Space]);
    /// tracker.create(pact, Event::new(EventKind::Proposed, "2024".parse()?))?;
    /// let counts = tracker.count_by_subject();
    /// assert_eq!((counts[&SubjectArea::Space], counts[&SubjectArea::Fisheries]), (1, 0));
    /// assert_eq!(counts.len(), 2);
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn count_by_subject(&self) -> Counts<SubjectArea> {
        let mut counts: Vec<(SubjectArea, usize)> = self
            .index
            .subject
            .iter()
            .filter(|(_, list)| !list.is_empty())
            .map(|(area, list)| (area.clone(), list.len()))
            .collect();
        counts.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Counts::new(counts)
    }

    /// The party with this code, as the earliest added agreement it is
    /// party to names it (`count_by_party` gives codes; this gives names).
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, Tracker};
    /// let mut tracker = Tracker::new();
    /// let parties = Parties::new(Party::state("NOR", "Norway")?, Party::state("ISL", "Iceland")?)?;
    /// tracker.create(Agreement::builder("Fisheries", parties), Event::new(EventKind::Finalised, "1990".parse()?))?;
    /// let (code, count) = tracker.count_by_party().into_iter().next().unwrap();
    /// assert_eq!((tracker.party(code).map(Party::name), count), (Some("Iceland"), 1));
    /// assert!(tracker.party("SWE".parse()?).is_none());
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn party(&self, code: PartyCode) -> Option<&Party> {
        let slot = self.index.party.get(&code)?.iter().next()?;
        let held = self.held_at(slot)?;
        held.agreement.parties().get(code)
    }

    /// How many agreements each party is party to, most first (then by
    /// code), indexed by code.
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, Tracker};
    /// let mut tracker = Tracker::new();
    /// let india = Party::state("IND", "India")?;
    /// for (other, name) in [("JPN", "Japan"), ("FRA", "France")] {
    ///     let parties = Parties::new(india.clone(), Party::state(other, name)?)?;
    ///     tracker.create(Agreement::builder("Logistics", parties), Event::new(EventKind::Proposed, "2024".parse()?))?;
    /// }
    /// let counts = tracker.count_by_party();
    /// assert_eq!(counts[india.code()], 2);
    /// let order: Vec<String> = counts.keys().map(ToString::to_string).collect();
    /// assert_eq!(order, ["IND", "FRA", "JPN"]);
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn count_by_party(&self) -> Counts<PartyCode> {
        let mut counts: Vec<(PartyCode, usize)> = self
            .index
            .party
            .iter()
            .filter(|(_, list)| !list.is_empty())
            .map(|(code, list)| (*code, list.len()))
            .collect();
        counts.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Counts::new(counts)
    }

    /// Every event in force whose date overlaps `from ..= to`, across all
    /// agreements, in date order (by the first day each date may stand
    /// for, then by agreement and recording order).
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, SubjectArea, Tracker};
    /// let mut tracker = Tracker::new();
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let id = tracker.create(
    ///     Agreement::builder("Logistics", parties).subject(SubjectArea::Logistics),
    ///     Event::new(EventKind::Proposed, "2023".parse()?),
    /// )?;
    /// tracker.record(id, Event::new(EventKind::Deliberated, "2024-11-22".parse()?))?;
    /// let in_2024: Vec<_> = tracker.timeline("2024".parse()?, "2024".parse()?).map(|(_, e)| e.kind()).collect();
    /// assert_eq!(in_2024, [EventKind::Deliberated]);
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn timeline(
        &self,
        from: EventDate,
        to: EventDate,
    ) -> impl Iterator<Item = (&Agreement, &Event)> + '_ {
        let (first, last) = (from.start(), to.end());
        self.events_between(first, last)
            .filter_map(move |(slot, position)| {
                let agreement = self.at(slot)?;
                let event = agreement.entries().get(position as usize)?.event()?;
                Some((agreement, event))
            })
    }

    /// (slot, log position) of the events in force overlapping
    /// `first ..= last`, by start date.
    pub(crate) fn events_between(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.index
            .events
            .overlapping(first, last)
            .into_iter()
            .map(|(_, slot, position)| (slot, position))
    }

    /// How many events in force the tracker indexes.
    pub fn event_count(&self) -> usize {
        self.index.events.len()
    }
}

/// Whether a tracker of `slots` slots, `free` of them vacant, takes
/// another agreement: it holds fewer than
/// [`MAX_TRACKED`](limits::MAX_TRACKED), or has a vacant slot.
fn has_room(slots: usize, free: usize) -> bool {
    free > 0 || slots < limits::MAX_TRACKED
}

impl Default for Tracker {
    fn default() -> Self {
        Self::new()
    }
}

impl Clone for Tracker {
    fn clone(&self) -> Self {
        Tracker {
            policy: self.policy.clone(),
            clock: Arc::clone(&self.clock),
            observers: self.observers.clone(),
            slots: self.slots.clone(),
            live: self.live.clone(),
            free: self.free.clone(),
            by_id: self.by_id.clone(),
            removed: self.removed.clone(),
            occasions: self.occasions.clone(),
            subject_lists: self.subject_lists.clone(),
            index: self.index.clone(),
        }
    }
}

impl PartialEq for Tracker {
    /// Trackers are equal when they hold equal agreements at equal versions
    /// under equal policies, know the same occasions, and remember the same
    /// versions of removed agreements. The order of their slots, and their
    /// clocks and observers, are not compared.
    fn eq(&self, other: &Self) -> bool {
        self.policy == other.policy
            && self.len() == other.len()
            && self.removed == other.removed
            && self.occasions == other.occasions
            && self.iter_versions().all(|(agreement, version)| {
                other.slot(agreement.id()).is_some_and(|theirs| {
                    theirs.version == version && theirs.agreement == *agreement
                })
            })
    }
}

impl fmt::Debug for Tracker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tracker")
            .field("policy", &self.policy.name())
            .field("agreements", &self.len())
            .field("slots", &self.slots.len())
            .field("removed", &self.removed.len())
            .field("occasions", &self.occasions.len())
            .field("observers", &self.observers.len())
            .finish()
    }
}

impl Tracker {
    /// The tracker as a document: its policy and every agreement with its
    /// version.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, SubjectArea, Tracker};
    /// use bilateral::lifecycle::{Guards};
    /// let mut tracker = Tracker::new();
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// tracker.create(
    ///     Agreement::builder("Logistics", parties).subject(SubjectArea::Logistics),
    ///     Event::new(EventKind::Proposed, "2024".parse()?),
    /// )?;
    /// let json = serde_json::to_string(&tracker.export())?;
    /// let copy = Tracker::import(serde_json::from_str(&json)?, &Guards::builtin())?;
    /// assert_eq!(copy, tracker);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn export(&self) -> TrackerDocument {
        TrackerDocument::new(
            &self.policy,
            self.occasions.values(),
            self.iter_versions(),
            self.removed.iter().map(|(id, version)| (*id, *version)),
        )
    }

    /// The tracker a document describes, with guard names resolved in
    /// `guards` and every agreement validated under the document's policy.
    /// The tracker uses the system clock; set another with
    /// [`Tracker::with_clock`].
    ///
    /// # Errors
    ///
    /// - [`DocumentError::UnsupportedFormat`] for a newer format;
    /// - [`DocumentError::Value`] for more than
    ///   [`MAX_AGREEMENTS`](crate::limits::MAX_AGREEMENTS) agreements;
    /// - the errors of reading the policy;
    /// - [`DocumentError::InvalidAgreement`] naming the first invalid
    ///   agreement (its position and id) and why: a broken rule, a version
    ///   of 0 or above [`MAX_VERSION`](crate::limits::MAX_VERSION), or an id
    ///   already seen.
    ///
    /// Nothing is loaded unless everything is valid.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Policy, Tracker};
    /// use bilateral::lifecycle::{Guards};
    /// let empty = Tracker::with_policy(Policy::strict());
    /// let copy = Tracker::import(empty.export(), &Guards::builtin())?;
    /// assert_eq!(copy.policy(), &Policy::strict());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn import(document: TrackerDocument, guards: &Guards) -> Result<Tracker, DocumentError> {
        let read = document.read(guards)?;
        let mut loader = Tracker::with_policy(read.policy).loader();
        for (id, version) in read.removed {
            loader.insert_removed(id, version);
        }
        loader.occasions(read.occasions);
        for tracked in read.agreements {
            loader.insert(tracked?)?;
        }
        loader.finish()
    }
}

impl TryFrom<TrackerDocument> for Tracker {
    type Error = DocumentError;

    /// The tracker, with guard names resolved among the built-in guards.
    fn try_from(document: TrackerDocument) -> Result<Self, DocumentError> {
        Tracker::import(document, &Guards::builtin())
    }
}

impl serde::Serialize for Tracker {
    /// Writes the tracker's document as a stream, one agreement at a time,
    /// without building the whole document in memory first.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeSeq, SerializeStruct};

        /// The agreements with their versions, written one by one.
        struct Agreements<'a>(&'a Tracker);

        /// An agreement with its version, as written.
        struct TrackedRef<'a> {
            version: u64,
            agreement: &'a Agreement,
        }

        impl serde::Serialize for TrackedRef<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut tracked = serializer.serialize_struct("Tracked", 2)?;
                tracked.serialize_field("version", &self.version)?;
                tracked.serialize_field("agreement", &InTracker(self.agreement))?;
                tracked.end()
            }
        }

        /// The last version of a removed agreement, as written.
        struct RemovedRef {
            id: AgreementId,
            version: u64,
        }

        impl serde::Serialize for RemovedRef {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut removed = serializer.serialize_struct("Removed", 2)?;
                removed.serialize_field("id", &self.id)?;
                removed.serialize_field("version", &self.version)?;
                removed.end()
            }
        }

        impl serde::Serialize for Agreements<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
                for (agreement, version) in self.0.iter_versions() {
                    seq.serialize_element(&TrackedRef { version, agreement })?;
                }
                seq.end()
            }
        }

        let mut document =
            serializer.serialize_struct("TrackerDocument", self.document_fields())?;
        document.serialize_field("format", &crate::document::FORMAT_VERSION)?;
        document.serialize_field("policy", &self.policy)?;
        if !self.occasions.is_empty() {
            let occasions: Vec<&Occasion> = self.occasions.values().collect();
            document.serialize_field("occasions", &occasions)?;
        }
        document.serialize_field("agreements", &Agreements(self))?;
        if !self.removed.is_empty() {
            let mut removed: Vec<RemovedRef> = self
                .removed
                .iter()
                .map(|(id, version)| RemovedRef {
                    id: *id,
                    version: *version,
                })
                .collect();
            removed.sort_unstable_by_key(|removed| removed.id.to_string());
            document.serialize_field("removed", &removed)?;
        }
        document.end()
    }
}

impl Tracker {
    /// How many fields the tracker's document has: its format, policy and
    /// agreements, and its occasions and removed agreements when it has
    /// any (a serializer that writes the length first relies on it).
    fn document_fields(&self) -> usize {
        3 + usize::from(!self.occasions.is_empty()) + usize::from(!self.removed.is_empty())
    }
}

impl<'de> serde::Deserialize<'de> for Tracker {
    /// Reads a tracker document as a stream, with the built-in guards; see
    /// [`Tracker::load`].
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Tracker::load(deserializer, &Guards::builtin()).map_err(serde::de::Error::custom)
    }
}

/// Builds a tracker from a streamed document: a [`Loader`] once the
/// document's policy is read (its removed agreements and occasions may
/// come before it, in a document whose keys are sorted).
struct Loading {
    loader: Option<Loader>,
    removed: Vec<(AgreementId, u64)>,
    occasions: Vec<Occasion>,
}

impl crate::document::Sink for Loading {
    fn policy(&mut self, policy: Policy) {
        self.loader = Some(Tracker::with_policy(policy).loader());
    }

    fn agreement(&mut self, _: usize, tracked: Tracked) -> Result<(), DocumentError> {
        match self.loader.as_mut() {
            Some(loader) => loader.insert(tracked),
            None => Ok(()),
        }
    }

    fn removed(&mut self, removed: Vec<(AgreementId, u64)>) -> Result<(), DocumentError> {
        self.removed = removed;
        Ok(())
    }

    fn occasions(&mut self, occasions: Vec<Occasion>) -> Result<(), DocumentError> {
        self.occasions = occasions;
        Ok(())
    }
}

impl Loading {
    /// The tracker, remembering the versions of removed agreements.
    fn finish(self) -> Result<Tracker, DocumentError> {
        let Some(mut loader) = self.loader else {
            return Err(DocumentError::Syntax {
                message: "missing field `policy`".to_owned(),
            });
        };
        for (id, version) in self.removed {
            loader.insert_removed(id, version);
        }
        loader.occasions(self.occasions);
        loader.finish()
    }
}

impl Tracker {
    /// Reads a tracker document from any serde deserializer as a stream:
    /// each agreement is read, validated under the document's policy and
    /// inserted before the next is read, so that memory holds the tracker
    /// and one agreement's text, never the whole document, and reading
    /// stops at the first invalid agreement or exceeded limit. Guard names
    /// are resolved in `guards`. The document's `format` and `policy` must
    /// come before its `agreements`, as [`Tracker::export`] writes them.
    ///
    /// # Errors
    ///
    /// The first rule the document breaks, as a [`DocumentError`] naming the
    /// field's path; text the deserializer cannot read is
    /// [`DocumentError::Syntax`]. Nothing is returned unless everything is
    /// valid.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, SubjectArea, Tracker};
    /// use bilateral::lifecycle::Guards;
    /// let mut tracker = Tracker::new();
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// tracker.create(
    ///     Agreement::builder("Logistics", parties).subject(SubjectArea::Logistics),
    ///     Event::new(EventKind::Proposed, "2024".parse()?),
    /// )?;
    /// let json = serde_json::to_vec(&tracker)?;
    /// // From a file, `serde_json::Deserializer::from_reader(BufReader::new(file))`.
    /// let mut reader = serde_json::Deserializer::from_slice(&json);
    /// let copy = Tracker::load(&mut reader, &Guards::builtin())?;
    /// assert_eq!(copy, tracker);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn load<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
        guards: &Guards,
    ) -> Result<Tracker, DocumentError> {
        let mut loading = Loading {
            loader: None,
            removed: Vec::new(),
            occasions: Vec::new(),
        };
        crate::document::stream_tracker(deserializer, guards, &mut loading)?;
        loading.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// India and Japan, the parties of most agreements here.
    fn india_japan() -> crate::Parties {
        crate::Parties::new(
            crate::Party::state("IND", "India").unwrap(),
            crate::Party::state("JPN", "Japan").unwrap(),
        )
        .unwrap()
    }

    /// A tracker takes agreements up to its limit, and past it only into a
    /// vacant slot; the refusal names the limit and is a "too many".
    #[test]
    fn a_tracker_takes_agreements_up_to_its_limit() {
        assert!(has_room(0, 0));
        assert!(has_room(limits::MAX_TRACKED - 1, 0));
        assert!(!has_room(limits::MAX_TRACKED, 0));
        assert!(has_room(limits::MAX_TRACKED, 1));
        let error = TrackerError::Full {
            limit: limits::MAX_TRACKED,
        };
        assert_eq!(
            error.to_string(),
            "the tracker holds 268435456 agreements, the most one tracker holds, so it takes no more"
        );
        assert_eq!(crate::Error::from(error).kind(), crate::ErrorKind::TooMany);
    }

    /// A bulk insert and a document read back count events by year, for
    /// query planning, as inserting one by one does.
    #[test]
    fn events_deferred_are_counted_by_year() {
        use crate::{Event, EventKind};
        let mut one_by_one = Tracker::new();
        let mut bulk = Tracker::new().bulk();
        assert!(bulk.is_empty());
        for (n, year) in [
            (1u128, "1990"),
            (2, "1990-05"),
            (3, "2001-02-03"),
            (4, "2001"),
        ] {
            let agreement = Agreement::builder("Pact", india_japan())
                .id(crate::AgreementId::from_uuid(uuid::Uuid::from_u128(n)))
                .build(Event::new(EventKind::Proposed, year.parse().unwrap()))
                .unwrap();
            one_by_one.insert(agreement.clone()).unwrap();
            bulk.insert(agreement).unwrap();
        }
        assert!(!bulk.is_empty());
        let bulk = bulk.finish();
        let back: Tracker =
            serde_json::from_str(&serde_json::to_string(&one_by_one).unwrap()).unwrap();
        for (first, last) in [("1990-01-01", "1990-12-31"), ("2001-01-01", "2001-12-31")] {
            let (first, last) = (first.parse().unwrap(), last.parse().unwrap());
            let estimate = one_by_one.index().events.estimate(first, last);
            assert_eq!(estimate, 2);
            assert_eq!(bulk.index().events.estimate(first, last), estimate);
            assert_eq!(back.index().events.estimate(first, last), estimate);
        }
    }

    /// The index keeps no empty list of a subject area's events once the
    /// last agreement of that area has gone, nor an empty set of its
    /// agreements.
    #[test]
    fn removal_leaves_no_empty_area_behind() {
        use crate::{Event, EventKind, SubjectArea};
        let mut tracker = Tracker::new();
        let mut create = |area: SubjectArea| {
            tracker
                .create(
                    Agreement::builder("Logistics", india_japan()).subject(area),
                    Event::new(EventKind::Proposed, "2024".parse().unwrap()),
                )
                .unwrap()
        };
        let logistics = create(SubjectArea::Logistics);
        let trade = create(SubjectArea::Trade);
        assert_eq!(tracker.index().subject_events.len(), 2);
        tracker.remove(logistics).unwrap();
        let index = tracker.index();
        assert_eq!(index.subject_events.len(), 1);
        assert!(index.subject_events.contains_key(&SubjectArea::Trade));
        assert!(!index.subject.contains_key(&SubjectArea::Logistics));
        tracker.remove(trade).unwrap();
        assert!(tracker.index().subject_events.is_empty());
    }

    /// The count of fields a tracker's document announces is the count it
    /// writes.
    #[test]
    fn a_document_announces_the_fields_it_writes() {
        use crate::{Event, EventKind, Occasion};
        let fields = |tracker: &Tracker| {
            let written = serde_json::to_value(tracker).unwrap();
            (
                tracker.document_fields(),
                written.as_object().map_or(0, |o| o.len()),
            )
        };
        let mut tracker = Tracker::new();
        assert_eq!(fields(&tracker), (3, 3));
        let date = |text: &str| text.parse().unwrap();
        tracker
            .add_occasion(Occasion::new("Summit", date("2024"), date("2024")).unwrap())
            .unwrap();
        assert_eq!(fields(&tracker), (4, 4));
        let parties = india_japan();
        let id = tracker
            .create(
                Agreement::builder("Pact", parties),
                Event::new(EventKind::Proposed, date("2024")),
            )
            .unwrap();
        tracker.remove(id).unwrap();
        assert_eq!(fields(&tracker), (5, 5));
        let mut without_occasions = Tracker::new();
        without_occasions.removed.insert(id, 1);
        assert_eq!(fields(&without_occasions), (4, 4));
    }

    /// The links index keeps no entry for a link whose event left the
    /// history or whose agreement left the tracker: the queries filter by
    /// the agreements' own links, so only the index itself can show that
    /// it forgets.
    #[test]
    fn the_links_index_forgets_links_that_left() {
        use crate::{Event, EventKind, Link, LinkKind};
        let mut tracker = Tracker::new();
        let framework = tracker
            .create(
                Agreement::builder("Framework", india_japan()),
                Event::new(EventKind::Finalised, "2015".parse().unwrap()),
            )
            .unwrap();
        let other = tracker
            .create(
                Agreement::builder("Other", india_japan()),
                Event::new(EventKind::Finalised, "2016".parse().unwrap()),
            )
            .unwrap();
        let signed = Event::builder(EventKind::MoiSigned, "2024".parse().unwrap())
            .link(Link::new(LinkKind::Implements, framework))
            .build()
            .unwrap();
        let mast = tracker
            .create(Agreement::builder("Mast", india_japan()), signed.clone())
            .unwrap();
        let sources = |tracker: &Tracker, id| tracker.index().links.get(&id).cloned();
        assert_eq!(
            sources(&tracker, framework),
            Some(vec![(2, LinkKind::Implements)])
        );
        // Corrected to name the other framework: the first entry goes.
        let moved = signed
            .to_builder()
            .clear_links()
            .link(Link::new(LinkKind::Implements, other))
            .build()
            .unwrap();
        tracker.apply(mast, None, Change::Correct(moved)).unwrap();
        assert_eq!(sources(&tracker, framework), None);
        assert_eq!(
            sources(&tracker, other),
            Some(vec![(2, LinkKind::Implements)])
        );
        // Removed, the agreement takes its links with it.
        tracker.remove(mast).unwrap();
        assert!(tracker.index().links.is_empty());
    }

    /// A query of a subject area and a date range follows the area's
    /// events as they are recorded, corrected and retracted, and never
    /// answers with another area's.
    #[test]
    fn subject_and_date_queries_follow_changes() {
        use crate::{Event, EventDate, EventKind, SubjectArea};
        let parties = india_japan();
        let date = |text: &str| text.parse::<EventDate>().unwrap();
        let mut tracker = Tracker::new();
        let mut create = |area: SubjectArea| {
            tracker
                .create(
                    Agreement::builder("Supplies", parties.clone()).subject(area),
                    Event::new(EventKind::Proposed, date("2020")),
                )
                .unwrap()
        };
        let logistics = create(SubjectArea::Logistics);
        let trade = create(SubjectArea::Trade);
        let found = |tracker: &Tracker, area: SubjectArea, month: &str| -> Vec<_> {
            tracker
                .query()
                .subject(area)
                .events_between(date(month), date(month))
                .ids()
                .collect()
        };
        let talks = Event::new(EventKind::Deliberated, date("2024-03-05"));
        let id = talks.id();
        tracker.record(logistics, talks.clone()).unwrap();
        tracker
            .record(trade, Event::new(EventKind::Meeting, date("2024-04-02")))
            .unwrap();
        assert_eq!(
            found(&tracker, SubjectArea::Logistics, "2024-03"),
            [logistics]
        );
        assert!(found(&tracker, SubjectArea::Trade, "2024-03").is_empty());
        assert_eq!(found(&tracker, SubjectArea::Trade, "2024-04"), [trade]);
        // Moved to April.
        let moved = Event::with_id(id, EventKind::Deliberated, date("2024-04-20"));
        tracker
            .apply(logistics, None, crate::Change::Correct(moved))
            .unwrap();
        assert!(found(&tracker, SubjectArea::Logistics, "2024-03").is_empty());
        assert_eq!(
            found(&tracker, SubjectArea::Logistics, "2024-04"),
            [logistics]
        );
        // Gone.
        let retraction = crate::Change::Retract {
            id,
            reason: "recorded in error".into(),
        };
        tracker.apply(logistics, None, retraction).unwrap();
        assert!(found(&tracker, SubjectArea::Logistics, "2024-04").is_empty());
        assert_eq!(found(&tracker, SubjectArea::Trade, "2024-04"), [trade]);
        // The proposal of 2020 still answers for its year.
        assert_eq!(found(&tracker, SubjectArea::Logistics, "2020"), [logistics]);
    }

    /// Agreements between the same parties, each built from its own
    /// `Party` values, hold each name once in a tracker; a party of the
    /// same code under another name keeps its own, and nothing visible
    /// changes.
    #[test]
    fn agreements_share_their_parties_names() {
        use crate::{Event, EventKind, Parties, Party};
        let pair = |a: (&str, &str), b: (&str, &str)| {
            Parties::new(
                Party::state(a.0, a.1).unwrap(),
                Party::state(b.0, b.1).unwrap(),
            )
            .unwrap()
        };
        let event = || Event::new(EventKind::Proposed, "2024".parse().unwrap());
        let mut tracker = Tracker::new();
        let mut add = |title: &str, parties: Parties| {
            tracker
                .create(Agreement::builder(title, parties), event())
                .unwrap()
        };
        let first = add("First", pair(("IND", "India"), ("JPN", "Japan")));
        let second = add("Second", pair(("FRA", "France"), ("IND", "India")));
        let third = add("Third", pair(("IND", "Bharat"), ("JPN", "Japan")));
        let party = |id, code: &str| {
            tracker
                .get(id)
                .unwrap()
                .parties()
                .iter()
                .find(|party| party.code().as_str() == code)
                .unwrap()
                .clone()
        };
        // India is named by the first two (and this clone): one name.
        let india = party(first, "IND");
        assert_eq!(india.holders(), 3);
        assert_eq!(party(second, "IND").name(), "India");
        // Bharat is IND under another name: its own.
        let bharat = party(third, "IND");
        assert_eq!(bharat.name(), "Bharat");
        assert_eq!(bharat.holders(), 2);
        // Japan: the first and the third.
        assert_eq!(party(third, "JPN").holders(), 3);
        assert_eq!(party(second, "FRA").holders(), 2);
        assert_eq!(
            tracker.get(second).unwrap().parties(),
            &pair(("IND", "India"), ("FRA", "France"))
        );
    }

    /// Agreements on the same subject areas hold one list of them; the
    /// tracker counts the holders of each list and forgets a list when
    /// its last holder leaves; an agreement on other areas keeps its own.
    #[test]
    fn agreements_share_their_lists_of_subject_areas() {
        use crate::{Event, EventKind, SubjectArea};
        let event = || Event::new(EventKind::Proposed, "2024".parse().unwrap());
        let mut tracker = Tracker::new();
        let mut add = |title: &str, areas: &[SubjectArea]| {
            tracker
                .create(
                    Agreement::builder(title, india_japan()).subjects(areas.iter().cloned()),
                    event(),
                )
                .unwrap()
        };
        let trade_energy = [SubjectArea::Trade, SubjectArea::Energy];
        let first = add("First", &trade_energy);
        let second = add("Second", &[SubjectArea::Energy, SubjectArea::Trade]);
        let third = add("Third", &[SubjectArea::Trade]);
        let list = |tracker: &Tracker, id| tracker.get(id).unwrap().subjects().as_ptr();
        assert_eq!(list(&tracker, first), list(&tracker, second));
        assert_ne!(list(&tracker, first), list(&tracker, third));
        assert_eq!(tracker.get(third).unwrap().subjects(), [SubjectArea::Trade]);
        let holders = |tracker: &Tracker, areas: &[SubjectArea]| {
            let mut areas = areas.to_vec();
            areas.sort();
            tracker.subject_lists.get(areas.as_slice()).copied()
        };
        assert_eq!(holders(&tracker, &trade_energy), Some(2));
        assert_eq!(holders(&tracker, &[SubjectArea::Trade]), Some(1));
        let removed = tracker.remove(first).unwrap();
        assert_eq!(
            removed.subjects(),
            [SubjectArea::Trade, SubjectArea::Energy]
        );
        assert_eq!(holders(&tracker, &trade_energy), Some(1));
        tracker.remove(third).unwrap();
        assert_eq!(holders(&tracker, &[SubjectArea::Trade]), None);
        assert_eq!(tracker.subject_lists.len(), 1);
        // Inserted again, the first shares the second's list once more.
        tracker.insert(removed).unwrap();
        assert_eq!(list(&tracker, first), list(&tracker, second));
        assert_eq!(holders(&tracker, &trade_energy), Some(2));
        // Agreements built on one shared list keep it, counted as any.
        let space: Arc<[SubjectArea]> = Arc::from([SubjectArea::Space]);
        let built = |title: &str| {
            Agreement::builder(title, india_japan())
                .subject_list(Arc::clone(&space))
                .build(event())
                .unwrap()
        };
        let fourth = built("Fourth");
        let fourth_id = fourth.id();
        tracker.insert(fourth).unwrap();
        tracker.insert(built("Fifth")).unwrap();
        assert_eq!(list(&tracker, fourth_id), space.as_ptr());
        assert_eq!(holders(&tracker, &[SubjectArea::Space]), Some(2));
    }
}

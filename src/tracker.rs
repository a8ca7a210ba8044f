//! The tracker: many agreements under one policy, indexed, versioned.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;

use chrono::{Datelike, Days, NaiveDate};

use crate::agreement::FORMAT_VERSION;
use crate::agreement::{Agreement, AgreementBuilder};
use crate::clock::{Clock, SystemClock};
use crate::context::Context;
use crate::date::{EventDate, Precision};
use crate::document::{AgreementDocument, PolicyDocument, TrackedDocument, TrackerDocument};
use crate::entry::Change;
use crate::error::{Collection, Error, Field};
use crate::event::Event;
use crate::guard::Guards;
use crate::id::AgreementId;
use crate::instrument::InstrumentKind;
use crate::limits;
use crate::observer::{Observer, StageChange};
use crate::party::PartyCode;
use crate::policy::Policy;
use crate::query::Query;
use crate::stage::Stage;
use crate::subject::SubjectArea;

/// Many agreements under one policy: insert, look up, change with
/// optimistic concurrency, and query through indexes.
///
/// # Versions
///
/// Every agreement in a tracker carries a version: 1 when inserted, one more
/// with each accepted change. A change made "expecting" a version is refused
/// with [`Error::Conflict`] (naming both versions) when the agreement has
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
    /// Agreements by slot; a removed agreement leaves `None`, so slots (and
    /// the index lists, which are in slot order) never move.
    slots: Vec<Option<Slot>>,
    by_id: HashMap<AgreementId, u32>,
    pub(crate) index: Index,
}

#[derive(Clone)]
struct Slot {
    agreement: Agreement,
    version: u64,
}

/// The indexes. Header fields never change, so their lists only grow (and
/// shrink on removal); stages and events change with every record.
#[derive(Debug, Default, Clone)]
pub(crate) struct Index {
    pub(crate) party: HashMap<PartyCode, Vec<u32>>,
    pub(crate) pair: HashMap<(PartyCode, PartyCode), Vec<u32>>,
    pub(crate) subject: HashMap<SubjectArea, Vec<u32>>,
    pub(crate) instrument: HashMap<InstrumentKind, Vec<u32>>,
    pub(crate) stage: [BTreeSet<u32>; 6],
    /// Agreements by party and current stage: "IND's agreements at MoI
    /// signed" without looking at IND's other agreements.
    pub(crate) party_stage: HashMap<(PartyCode, Stage), BTreeSet<u32>>,
    pub(crate) events: EventIndex,
}

/// Events in force by the first day they may stand for, one set per
/// precision, so that a date range looks back only as far as the longest
/// date of each set can reach (nothing for days, a month for months, a year
/// for years).
#[derive(Debug, Default, Clone)]
pub(crate) struct EventIndex {
    /// (start, slot, log position), for days, months and years.
    sets: [BTreeSet<(NaiveDate, u32, u32)>; 3],
}

fn precision_index(precision: Precision) -> usize {
    match precision {
        Precision::Day => 0,
        Precision::Month => 1,
        Precision::Year => 2,
    }
}

/// The last day a date of this precision starting on `start` may stand for.
fn span_end(start: NaiveDate, set: usize) -> NaiveDate {
    let date = match set {
        0 => return start,
        1 => EventDate::month(start.year(), start.month()),
        _ => EventDate::year(start.year()),
    };
    date.map_or(start, |date| date.end())
}

impl EventIndex {
    fn insert(&mut self, date: EventDate, slot: u32, position: u32) {
        if let Some(set) = self.sets.get_mut(precision_index(date.precision())) {
            set.insert((date.start(), slot, position));
        }
    }

    fn remove(&mut self, date: EventDate, slot: u32, position: u32) {
        if let Some(set) = self.sets.get_mut(precision_index(date.precision())) {
            set.remove(&(date.start(), slot, position));
        }
    }

    /// (start, slot, log position) of every indexed event overlapping
    /// `first ..= last`, in that order.
    pub(crate) fn overlapping(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Vec<(NaiveDate, u32, u32)> {
        let mut found = Vec::new();
        if first > last {
            return found;
        }
        for (set_index, set) in self.sets.iter().enumerate() {
            let lookback = [0, 30, 365].get(set_index).copied().unwrap_or(365);
            let from = first
                .checked_sub_days(Days::new(lookback))
                .unwrap_or(NaiveDate::MIN);
            found.extend(
                set.range((from, 0, 0)..=(last, u32::MAX, u32::MAX))
                    .filter(|(start, _, _)| span_end(*start, set_index) >= first)
                    .copied(),
            );
        }
        found.sort_unstable();
        found
    }

    /// About how many events `overlapping` would look at, without looking.
    pub(crate) fn estimate(&self, first: NaiveDate, last: NaiveDate) -> usize {
        self.sets
            .iter()
            .zip([1, 31, 366])
            .map(|(set, reach)| {
                let (Some(low), Some(high)) = (set.first(), set.last()) else {
                    return 0;
                };
                let span = (high.0 - low.0).num_days().max(1) as f64;
                let wanted = ((last - first).num_days().max(0) + reach) as f64;
                (set.len() as f64 * (wanted / span).min(1.0)) as usize
            })
            .sum()
    }

    pub(crate) fn len(&self) -> usize {
        self.sets.iter().map(BTreeSet::len).sum()
    }
}

/// Every index list is in slot order; a new slot is the largest.
fn push_sorted(list: &mut Vec<u32>, slot: u32) {
    match list.last() {
        Some(last) if *last >= slot => {
            if let Err(at) = list.binary_search(&slot) {
                list.insert(at, slot);
            }
        }
        _ => list.push(slot),
    }
}

fn remove_sorted(list: &mut Vec<u32>, slot: u32) {
    if let Ok(at) = list.binary_search(&slot) {
        list.remove(at);
    }
}

impl Index {
    fn add(&mut self, slot: u32, agreement: &Agreement) {
        let (a, b) = agreement.parties().codes();
        push_sorted(self.party.entry(a).or_default(), slot);
        push_sorted(self.party.entry(b).or_default(), slot);
        push_sorted(self.pair.entry((a, b)).or_default(), slot);
        for area in agreement.subjects() {
            push_sorted(self.subject.entry(area.clone()).or_default(), slot);
        }
        push_sorted(
            self.instrument.entry(agreement.instrument()).or_default(),
            slot,
        );
        self.enter_stage(slot, agreement, agreement.stage());
        for (position, event) in agreement.history_positions() {
            self.events.insert(event.date(), slot, position);
        }
    }

    fn enter_stage(&mut self, slot: u32, agreement: &Agreement, stage: Stage) {
        if let Some(set) = self.stage.get_mut(stage.index()) {
            set.insert(slot);
        }
        for party in agreement.parties() {
            self.party_stage
                .entry((party.code(), stage))
                .or_default()
                .insert(slot);
        }
    }

    fn leave_stage(&mut self, slot: u32, agreement: &Agreement, stage: Stage) {
        if let Some(set) = self.stage.get_mut(stage.index()) {
            set.remove(&slot);
        }
        for party in agreement.parties() {
            if let Some(set) = self.party_stage.get_mut(&(party.code(), stage)) {
                set.remove(&slot);
            }
        }
    }

    fn remove(&mut self, slot: u32, agreement: &Agreement) {
        let (a, b) = agreement.parties().codes();
        for code in [a, b] {
            if let Some(list) = self.party.get_mut(&code) {
                remove_sorted(list, slot);
            }
        }
        if let Some(list) = self.pair.get_mut(&(a, b)) {
            remove_sorted(list, slot);
        }
        for area in agreement.subjects() {
            if let Some(list) = self.subject.get_mut(area) {
                remove_sorted(list, slot);
            }
        }
        if let Some(list) = self.instrument.get_mut(&agreement.instrument()) {
            remove_sorted(list, slot);
        }
        self.leave_stage(slot, agreement, agreement.stage());
        for (position, event) in agreement.history_positions() {
            self.events.remove(event.date(), slot, position);
        }
    }
}

/// Tells several observers.
struct Fanout<'a>(&'a [Arc<dyn Observer>]);

impl Observer for Fanout<'_> {
    fn stage_changed(&self, change: &StageChange<'_>) {
        for observer in self.0 {
            observer.stage_changed(change);
        }
    }
}

impl Tracker {
    /// An empty tracker under the standard policy and the system clock.
    pub fn new() -> Self {
        Self::with_policy(Policy::standard())
    }

    /// An empty tracker under `policy` and the system clock.
    pub fn with_policy(policy: Policy) -> Self {
        Tracker {
            policy,
            clock: Arc::new(SystemClock),
            observers: Vec::new(),
            slots: Vec::new(),
            by_id: HashMap::new(),
            index: Index::default(),
        }
    }

    /// The same tracker reading time from `clock`.
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Adds an observer, told of every accepted stage change in this
    /// tracker.
    pub fn observe(&mut self, observer: impl Observer + 'static) {
        self.observers.push(Arc::new(observer));
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
        self.by_id.is_empty()
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
        self.by_id.contains_key(&id)
    }

    /// Every agreement, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Agreement> + '_ {
        self.slots.iter().flatten().map(|slot| &slot.agreement)
    }

    /// Every agreement with its version, in insertion order.
    pub fn iter_versions(&self) -> impl Iterator<Item = (&Agreement, u64)> + '_ {
        self.slots
            .iter()
            .flatten()
            .map(|slot| (&slot.agreement, slot.version))
    }

    /// A query over the agreements; see [`Query`].
    pub fn query(&self) -> Query<'_> {
        Query::new(self)
    }

    pub(crate) fn at(&self, slot: u32) -> Option<&Agreement> {
        self.slots
            .get(slot as usize)
            .and_then(Option::as_ref)
            .map(|slot| &slot.agreement)
    }

    pub(crate) fn slot_count(&self) -> u32 {
        self.slots.len() as u32
    }

    fn slot(&self, id: AgreementId) -> Option<&Slot> {
        let slot = *self.by_id.get(&id)?;
        self.slots.get(slot as usize)?.as_ref()
    }

    /// The policy, clock and observers changes are made under. It takes
    /// the fields rather than `&self`, so that a slot can be borrowed
    /// mutably beside it.
    fn context<'a>(
        policy: &'a Policy,
        clock: &'a dyn Clock,
        fanout: &'a Fanout<'a>,
    ) -> Context<'a> {
        let context = Context::new(policy, clock);
        if fanout.0.is_empty() {
            context
        } else {
            context.with_observer(fanout)
        }
    }

    /// Creates an agreement under the tracker's policy, clock and observers,
    /// and inserts it at version 1.
    ///
    /// # Errors
    ///
    /// The errors of [`AgreementBuilder::build_with`], and
    /// [`Error::DuplicateAgreement`] when the tracker already holds an
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
    ) -> Result<AgreementId, Error> {
        let fanout = Fanout(&self.observers);
        let agreement =
            builder.build_with(&Self::context(&self.policy, &*self.clock, &fanout), first)?;
        let id = agreement.id();
        self.insert(agreement)?;
        Ok(id)
    }

    /// Inserts an agreement at version 1, after checking its history against
    /// the tracker's policy (its transition table and entry stages; guards
    /// judge changes as they are made, and these were made elsewhere).
    ///
    /// # Errors
    ///
    /// - [`Error::DuplicateAgreement`] when the tracker already holds an
    ///   agreement with that id;
    /// - [`Error::Refused`] when its history breaks the tracker's policy.
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
    pub fn insert(&mut self, agreement: Agreement) -> Result<u64, Error> {
        if self.by_id.contains_key(&agreement.id()) {
            return Err(Error::DuplicateAgreement {
                id: agreement.id(),
                title: agreement.title().to_owned(),
            });
        }
        agreement.check_history(&self.policy)?;
        let slot = self.slots.len() as u32;
        self.index.add(slot, &agreement);
        self.by_id.insert(agreement.id(), slot);
        self.slots.push(Some(Slot {
            agreement,
            version: 1,
        }));
        Ok(1)
    }

    /// Removes an agreement, returning it.
    ///
    /// There is no separate archive: withdrawn and terminated agreements stay
    /// in the tracker, where their history is worth querying; removal is for
    /// records that should not be there at all (a duplicate import, a test
    /// entry). Export the tracker first if you need to keep them.
    pub fn remove(&mut self, id: AgreementId) -> Option<Agreement> {
        let slot = self.by_id.remove(&id)?;
        let removed = self.slots.get_mut(slot as usize)?.take()?;
        self.index.remove(slot, &removed.agreement);
        Some(removed.agreement)
    }

    /// Records `event` on the agreement with this id, whatever its version;
    /// returns the new version.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownAgreement`], and every error of
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
    pub fn record(&mut self, id: AgreementId, event: Event) -> Result<u64, Error> {
        self.apply(id, None, Change::Record(event))
    }

    /// Records `event` if the agreement is still at version `expected`;
    /// returns the new version.
    ///
    /// # Errors
    ///
    /// [`Error::Conflict`] naming both versions when the agreement has
    /// moved on; otherwise as [`Tracker::record`]. On error nothing changes.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Error, Event, EventKind, Parties, Party, SubjectArea, Tracker};
    /// let mut tracker = Tracker::new();
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let id = tracker.create(
    ///     Agreement::builder("Logistics", parties).subject(SubjectArea::Logistics),
    ///     Event::new(EventKind::Proposed, "2024-01".parse()?),
    /// )?;
    /// tracker.record_expecting(id, 1, Event::new(EventKind::Deliberated, "2024-02".parse()?))?;
    /// let late = tracker.record_expecting(id, 1, Event::new(EventKind::Withdrawn, "2024-03".parse()?));
    /// assert!(matches!(late, Err(Error::Conflict { expected: 1, actual: 2, .. })));
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn record_expecting(
        &mut self,
        id: AgreementId,
        expected: u64,
        event: Event,
    ) -> Result<u64, Error> {
        self.apply(id, Some(expected), Change::Record(event))
    }

    /// Applies any change (a record, a correction, a retraction) to the
    /// agreement with this id, if it is at version `expected` (or whatever
    /// its version when `None`); returns the new version.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownAgreement`], [`Error::Conflict`], the text limits of
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
    ) -> Result<u64, Error> {
        let slot_number = *self.by_id.get(&id).ok_or(Error::UnknownAgreement { id })?;
        let change = match change {
            Change::Retract { id, reason } => Change::Retract {
                id,
                reason: crate::text::required(reason, Field::Reason, limits::MAX_REASON)?
                    .into_boxed_str(),
            },
            other => other,
        };
        let fanout = Fanout(&self.observers);
        let context = Self::context(&self.policy, &*self.clock, &fanout);
        let Some(Some(slot)) = self.slots.get_mut(slot_number as usize) else {
            return Err(Error::UnknownAgreement { id });
        };
        if let Some(expected) = expected
            && expected != slot.version
        {
            return Err(Error::Conflict {
                agreement: id,
                expected,
                actual: slot.version,
            });
        }
        // What leaves the event index: the version in force of the event
        // corrected or retracted.
        let leaving = match &change {
            Change::Record(_) => None,
            Change::Correct(event) => slot.agreement.live_event(event.id()),
            Change::Retract { id, .. } => slot.agreement.live_event(*id),
        }
        .map(|(position, event)| (event.date(), position));
        let before = slot.agreement.stage();
        slot.agreement.apply(&context, change)?;
        slot.version += 1;
        let version = slot.version;
        let agreement = &slot.agreement;
        let after = agreement.stage();
        // The new entry, if it holds an event, is in force (it was accepted).
        let arriving = agreement.entries().len().checked_sub(1).and_then(|last| {
            let entry = agreement.entries().get(last)?;
            Some((entry.event()?.date(), last as u32))
        });
        if let Some((date, position)) = leaving {
            self.index.events.remove(date, slot_number, position);
        }
        if let Some((date, position)) = arriving {
            self.index.events.insert(date, slot_number, position);
        }
        if before != after {
            self.index.leave_stage(slot_number, agreement, before);
            self.index.enter_stage(slot_number, agreement, after);
        }
        Ok(version)
    }

    /// How many agreements stand at each stage, in lifecycle order.
    pub fn count_by_stage(&self) -> [(Stage, usize); 6] {
        Stage::ALL.map(|stage| {
            let count = self.index.stage.get(stage.index()).map_or(0, BTreeSet::len);
            (stage, count)
        })
    }

    /// How many agreements cover each subject area, sorted by area.
    pub fn count_by_subject(&self) -> BTreeMap<SubjectArea, usize> {
        self.index
            .subject
            .iter()
            .filter(|(_, list)| !list.is_empty())
            .map(|(area, list)| (area.clone(), list.len()))
            .collect()
    }

    /// How many agreements each party is party to, most first (then by
    /// code).
    pub fn count_by_party(&self) -> Vec<(PartyCode, usize)> {
        let mut counts: Vec<(PartyCode, usize)> = self
            .index
            .party
            .iter()
            .filter(|(_, list)| !list.is_empty())
            .map(|(code, list)| (*code, list.len()))
            .collect();
        counts.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        counts
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
            by_id: self.by_id.clone(),
            index: self.index.clone(),
        }
    }
}

impl PartialEq for Tracker {
    /// Trackers are equal when they hold equal agreements at equal versions,
    /// in the same order, under equal policies (clocks and observers are not
    /// compared).
    fn eq(&self, other: &Self) -> bool {
        self.policy == other.policy && self.iter_versions().eq(other.iter_versions())
    }
}

impl fmt::Debug for Tracker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tracker")
            .field("policy", &self.policy.name())
            .field("agreements", &self.len())
            .field("observers", &self.observers.len())
            .finish()
    }
}

impl Tracker {
    /// The tracker as a document: its policy and every agreement with its
    /// version.
    pub fn export(&self) -> TrackerDocument {
        TrackerDocument {
            format: FORMAT_VERSION,
            policy: PolicyDocument::from(&self.policy),
            agreements: self
                .iter_versions()
                .map(|(agreement, version)| TrackedDocument {
                    version,
                    agreement: AgreementDocument::from(agreement),
                })
                .collect(),
        }
    }
}

impl TrackerDocument {
    /// The tracker, with guard names resolved in `guards` (see
    /// [`PolicyDocument::into_policy`]) and every agreement validated under
    /// the document's policy. The tracker uses the system clock; set another
    /// with [`Tracker::with_clock`].
    ///
    /// # Errors
    ///
    /// - [`Error::UnsupportedFormat`] for a newer format;
    /// - [`Error::TooMany`] for more than
    ///   [`MAX_AGREEMENTS`](crate::limits::MAX_AGREEMENTS) agreements;
    /// - the errors of [`PolicyDocument::into_policy`];
    /// - [`Error::InvalidAgreement`] naming the first invalid agreement (its
    ///   position and id) and why: a broken rule, a version of 0, or an id
    ///   already seen.
    ///
    /// Nothing is loaded unless everything is valid.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Guards, Parties, Party, SubjectArea, Tracker};
    /// let mut tracker = Tracker::new();
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// tracker.create(
    ///     Agreement::builder("Logistics", parties).subject(SubjectArea::Logistics),
    ///     Event::new(EventKind::Proposed, "2024".parse()?),
    /// )?;
    /// let copy = tracker.export().into_tracker(&Guards::builtin())?;
    /// assert_eq!(copy, tracker);
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn into_tracker(self, guards: &Guards) -> Result<Tracker, Error> {
        limits::readable_format(self.format)?;
        limits::at_most(
            Collection::Agreements,
            self.agreements.len(),
            limits::MAX_AGREEMENTS,
        )?;
        let policy = self.policy.into_policy(guards)?;
        let mut tracker = Tracker::with_policy(policy);
        for (position, tracked) in self.agreements.into_iter().enumerate() {
            let id = tracked.agreement.id.clone();
            let invalid = |source: Error| Error::InvalidAgreement {
                position,
                id: id.clone(),
                source: Box::new(source),
            };
            if tracked.version == 0 {
                return Err(invalid(Error::ZeroVersion));
            }
            let agreement = tracked
                .agreement
                .into_agreement(&tracker.policy)
                .map_err(invalid)?;
            tracker.insert(agreement).map_err(invalid)?;
            if let Some(Some(slot)) = tracker.slots.last_mut() {
                slot.version = tracked.version;
            }
        }
        Ok(tracker)
    }
}

impl TryFrom<TrackerDocument> for Tracker {
    type Error = Error;

    /// The tracker, with guard names resolved among the built-in guards.
    fn try_from(doc: TrackerDocument) -> Result<Self, Error> {
        doc.into_tracker(&Guards::builtin())
    }
}

impl serde::Serialize for Tracker {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.export().serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Tracker {
    /// Reads a [`TrackerDocument`] with the built-in guards; see
    /// [`TrackerDocument::into_tracker`].
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let doc = TrackerDocument::deserialize(deserializer)?;
        Tracker::try_from(doc).map_err(serde::de::Error::custom)
    }
}

//! The agreement: a header plus a validated, dated, auditable history.

use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::clock::FixedClock;
use crate::context::Context;
use crate::document::{AgreementDocument, EntryDocument};
use crate::entry::{Change, Entry};
use crate::error::{Action, Collection, Error, Field, Refusal, Step};
use crate::event::Event;
use crate::guard::Proposal;
use crate::id::{AgreementId, EventId};
use crate::instrument::InstrumentKind;
use crate::limits;
use crate::observer::StageChange;
use crate::order::{Key, history_order};
use crate::party::{Parties, Party};
use crate::policy::{Policy, Replay, Violation};
use crate::stage::Stage;
use crate::subject::SubjectArea;

/// The version of the serialised form written by this crate, and the newest
/// one it reads.
pub const FORMAT_VERSION: u32 = 1;

/// One bilateral instrument being tracked: its header (id, title, kind of
/// instrument, the two parties, subject areas) and its dated history.
///
/// An agreement is created with its first stage-changing event, so it always
/// has a [`Stage`]. The stage is never stored: it is derived from the
/// history, so the two cannot disagree.
///
/// # History order
///
/// Events are kept in the order they happened, whatever the order they were
/// recorded in: news that arrives late is inserted at its place, and the
/// whole resulting history is validated before anything changes. The order
/// is:
///
/// 1. an event whose date is certainly before another's comes first (see
///    [`EventDate`](crate::EventDate) for dates of different precision);
/// 2. among events whose dates overlap (the same day, or a day within a
///    month or a year), the one earlier in the lifecycle comes first:
///    proposed, deliberated, MoI signed, finalised, entered into force,
///    withdrawn or terminated, then meetings, statements and notes;
/// 3. then the one whose date starts first, then the one recorded first.
///
/// Precisely, the history is built by repeatedly taking, among the events
/// that no remaining event is certainly before, the first by rules 2 and 3.
/// For dates known to the day this is simply: by date, then by lifecycle,
/// then by recording order.
///
/// # Corrections and the audit trail
///
/// Every change is an [`Entry`] stamped with the instant it was recorded.
/// [`Agreement::correct`] and [`Agreement::retract`] add entries that refer
/// to an earlier event; nothing is erased, so [`Agreement::entries`] (and
/// [`Agreement::audit_trail`]) show every claim ever recorded, with its
/// sources. The history, and so the stage, are derived from the events in
/// force: the latest version of each event not retracted.
///
/// # Atomic changes
///
/// [`Agreement::record`], [`Agreement::correct`] and [`Agreement::retract`]
/// either accept the change or return an error and leave the agreement
/// exactly as it was.
///
/// # Example
///
/// ```
/// use bilateral::{Agreement, Event, EventKind, InstrumentKind, Parties, Party, Stage, SubjectArea};
///
/// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
/// let mut unicorn = Agreement::builder("UNICORN mast co-development", parties)
///     .instrument(InstrumentKind::MemorandumOfImplementation)
///     .subjects([SubjectArea::CoDevelopment, SubjectArea::DefenceTechnology])
///     // The record opens at "MoI signed": earlier stages stay unrecorded.
///     .build(Event::builder(EventKind::MoiSigned, "2024-11-15".parse()?).venue("Tokyo").build()?)?;
/// assert_eq!(unicorn.stage(), Stage::MoiSigned);
///
/// // Late news of an earlier round of talks is placed before the MoI.
/// unicorn.record(Event::new(EventKind::Deliberated, "2024-06".parse()?))?;
/// let kinds: Vec<_> = unicorn.history().map(|e| e.kind()).collect();
/// assert_eq!(kinds, [EventKind::Deliberated, EventKind::MoiSigned]);
///
/// // Withdrawal dated before the MoI would make the MoI follow a final stage: refused.
/// let before = unicorn.clone();
/// assert!(unicorn.record(Event::new(EventKind::Withdrawn, "2024-10-01".parse()?)).is_err());
/// assert_eq!(unicorn, before);
/// # Ok::<(), bilateral::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agreement {
    id: AgreementId,
    title: Box<str>,
    instrument: InstrumentKind,
    parties: Parties,
    /// Sorted, without duplicates.
    subjects: Vec<SubjectArea>,
    /// Every change, in the order it was recorded.
    log: Vec<Entry>,
    /// Positions into `log` of the versions in force, in history order.
    /// Derived from `log`.
    order: Vec<u32>,
}

/// Where an event id stands in the log.
enum Status<'a> {
    Unknown,
    Retracted(&'a str),
    /// In force, with the log position of its current version.
    Live(u32),
}

/// Where a replay of the history in force ends, and the last day any of
/// its events may stand for: enough to validate an append.
#[derive(Debug, Clone, Copy)]
struct Tail {
    state: Replay,
    max_end: Option<NaiveDate>,
}

/// A change to validate, borrowed.
#[derive(Clone, Copy)]
enum Proposed<'a> {
    Record(&'a Event),
    Correct(&'a Event),
    Retract(EventId),
}

impl<'a> Proposed<'a> {
    fn id(self) -> EventId {
        match self {
            Proposed::Record(event) | Proposed::Correct(event) => event.id(),
            Proposed::Retract(id) => id,
        }
    }

    fn action(self) -> Action {
        match self {
            Proposed::Record(_) => Action::Record,
            Proposed::Correct(_) => Action::Correct,
            Proposed::Retract(_) => Action::Retract,
        }
    }

    fn of(change: &'a Change) -> Self {
        match change {
            Change::Record(event) => Proposed::Record(event),
            Change::Correct(event) => Proposed::Correct(event),
            Change::Retract { id, .. } => Proposed::Retract(*id),
        }
    }
}

/// Below this many entries, logs grow one entry at a time.
const SMALL: usize = 16;

/// How a validated change is applied.
enum Plan {
    /// The new event goes at the end of the history.
    Append,
    /// The history becomes this order (positions into the log, where
    /// `log.len()` stands for the new entry).
    Reorder(Vec<u32>),
}

impl Agreement {
    /// A builder for an agreement between `parties`, titled `title`.
    ///
    /// The agreement is created by [`AgreementBuilder::build`] with its
    /// first event.
    pub fn builder(title: impl Into<String>, parties: Parties) -> AgreementBuilder {
        AgreementBuilder {
            id: None,
            title: title.into(),
            instrument: InstrumentKind::default(),
            parties,
            subjects: Vec::new(),
        }
    }

    /// The agreement's identifier.
    pub const fn id(&self) -> AgreementId {
        self.id
    }

    /// Its title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The kind of instrument.
    pub const fn instrument(&self) -> InstrumentKind {
        self.instrument
    }

    /// The two parties.
    pub const fn parties(&self) -> &Parties {
        &self.parties
    }

    /// The subject areas it covers, sorted, without duplicates.
    pub fn subjects(&self) -> &[SubjectArea] {
        &self.subjects
    }

    /// Whether it covers `area`.
    pub fn covers(&self, area: &SubjectArea) -> bool {
        self.subjects.binary_search(area).is_ok()
    }

    /// Where the agreement stands: the stage of the last stage-changing event
    /// of its history.
    pub fn stage(&self) -> Stage {
        // Every change is refused that would leave no stage change in force,
        // so the fallback is never used.
        self.history()
            .rev()
            .find_map(Event::stage)
            .unwrap_or(Stage::Proposed)
    }

    /// The events in force, in history order (see
    /// [the type docs](Agreement#history-order)).
    pub fn history(&self) -> History<'_> {
        History {
            log: &self.log,
            order: self.order.iter(),
        }
    }

    /// Every entry (records, corrections, retractions), in the order they
    /// were recorded: the audit trail.
    pub fn entries(&self) -> &[Entry] {
        &self.log
    }

    /// The number of events in force.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Always `false`: an agreement holds at least one stage change. Present
    /// for symmetry with [`Agreement::len`].
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The version in force of the event with this id; `None` if there is no
    /// such event or it was retracted.
    pub fn event(&self, id: EventId) -> Option<&Event> {
        self.live_event(id).map(|(_, event)| event)
    }

    /// Whether the event with this id was retracted.
    pub fn is_retracted(&self, id: EventId) -> bool {
        matches!(self.status(id), Status::Retracted(_))
    }

    /// Every entry about the event with this id (its record, corrections
    /// and retraction), in recording order.
    pub fn versions(&self, id: EventId) -> impl Iterator<Item = &Entry> + '_ {
        self.log.iter().filter(move |entry| entry.event_id() == id)
    }

    /// The entry-into-force event in force, if any.
    pub fn entry_into_force(&self) -> Option<&Event> {
        self.history()
            .find(|event| event.kind() == crate::EventKind::EnteredIntoForce)
    }

    /// Records `event` under the standard policy and the system clock,
    /// placing it in the history by its date.
    ///
    /// # Errors
    ///
    /// - [`Error::DuplicateEvent`] when an event with the same id is already
    ///   recorded;
    /// - [`Error::FutureDate`] when a stage change is dated after today;
    /// - [`Error::Refused`] when the resulting history would break a
    ///   lifecycle rule, at the event itself or at a later event that would
    ///   no longer fit;
    /// - [`Error::TooMany`] when the agreement already holds
    ///   [`MAX_ENTRIES`](crate::limits::MAX_ENTRIES) entries.
    ///
    /// On error the agreement is unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, Stage, SubjectArea};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("PHL", "Philippines")?)?;
    /// let mut pact = Agreement::builder("Defence cooperation", parties)
    ///     .subject(SubjectArea::MaritimeSecurity)
    ///     .build(Event::new(EventKind::Proposed, "2024-11".parse()?))?;
    /// pact.record(Event::new(EventKind::Deliberated, "2025-03-04".parse()?))?;
    /// assert_eq!(pact.stage(), Stage::Deliberated);
    /// assert!(pact.record(Event::new(EventKind::Finalised, "2025-04-01".parse()?)).is_err());
    /// assert_eq!(pact.stage(), Stage::Deliberated);
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn record(&mut self, event: Event) -> Result<(), Error> {
        self.record_with(&Context::standard(), event)
    }

    /// Records `event` under the policy and clock of `context`; otherwise as
    /// [`Agreement::record`].
    ///
    /// # Errors
    ///
    /// As [`Agreement::record`], with the rules of the context's policy and
    /// "today" from its clock.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Context, Event, EventKind, FixedClock, Parties, Party, Policy, SubjectArea};
    /// let policy = Policy::standard();
    /// let clock = FixedClock::new("2024-03-01T12:00:00Z".parse()?);
    /// let context = Context::new(&policy, &clock);
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let mut pact = Agreement::builder("Logistics", parties)
    ///     .subject(SubjectArea::Logistics)
    ///     .build_with(&context, Event::new(EventKind::Proposed, "2024-01".parse()?))?;
    /// pact.record_with(&context, Event::new(EventKind::Deliberated, "2024-02".parse()?))?;
    /// assert_eq!(pact.entries()[1].recorded_at(), clock.now());
    /// // Deliberation dated after the clock's today is refused.
    /// assert!(pact.record_with(&context, Event::new(EventKind::Deliberated, "2024-04".parse()?)).is_err());
    /// # use bilateral::Clock;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn record_with(&mut self, context: &Context<'_>, event: Event) -> Result<(), Error> {
        self.apply(context, Change::Record(event))
    }

    /// Corrects the event with the same id as `corrected` (its date, kind or
    /// details), under the standard policy and the system clock.
    ///
    /// The correction is a new entry: the original version stays in the
    /// audit trail with its sources. The whole resulting history is
    /// validated.
    ///
    /// # Errors
    ///
    /// - [`Error::UnknownEvent`] when no event has that id;
    /// - [`Error::AlreadyRetracted`] when the event was retracted;
    /// - [`Error::NoStageLeft`] when the correction turns the last stage
    ///   change in force into an informational event;
    /// - [`Error::FutureDate`] and [`Error::Refused`] as for
    ///   [`Agreement::record`].
    ///
    /// On error the agreement is unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, Source, SubjectArea};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let signed = Event::builder(EventKind::MoiSigned, "2017-06".parse()?)
    ///     .source(Source::new("First report", "MoI signed in June 2017")?)
    ///     .build()?;
    /// let mut pact = Agreement::builder("Shipbuilding cooperation", parties)
    ///     .subject(SubjectArea::CoProduction)
    ///     .build(signed.clone())?;
    ///
    /// // A later source says 2018.
    /// let fixed = signed.to_builder()
    ///     .date("2018".parse()?)
    ///     .clear_sources()
    ///     .source(Source::new("Later report", "The MoI dates from 2018")?)
    ///     .build()?;
    /// pact.correct(fixed)?;
    /// assert_eq!(pact.event(signed.id()).unwrap().date().to_string(), "2018");
    /// assert_eq!(pact.versions(signed.id()).count(), 2); // both claims stay
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn correct(&mut self, corrected: Event) -> Result<(), Error> {
        self.correct_with(&Context::standard(), corrected)
    }

    /// Corrects an event under the policy and clock of `context`; otherwise
    /// as [`Agreement::correct`].
    ///
    /// # Errors
    ///
    /// As [`Agreement::correct`].
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Context, Event, EventKind, Parties, Party, SubjectArea};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let first = Event::new(EventKind::Proposed, "2020".parse()?);
    /// let mut pact = Agreement::builder("Pact", parties).subject(SubjectArea::Trade).build(first.clone())?;
    /// pact.correct_with(&Context::standard(), first.to_builder().date("2019".parse()?).build()?)?;
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn correct_with(&mut self, context: &Context<'_>, corrected: Event) -> Result<(), Error> {
        self.apply(context, Change::Correct(corrected))
    }

    /// Retracts the event with this id, with a reason, under the standard
    /// policy and the system clock.
    ///
    /// The retraction is a new entry: the event stays in the audit trail but
    /// is no longer in force.
    ///
    /// # Errors
    ///
    /// - [`Error::UnknownEvent`] when no event has that id;
    /// - [`Error::AlreadyRetracted`] when it was already retracted;
    /// - [`Error::Blank`] or [`Error::TooLong`] for the reason;
    /// - [`Error::NoStageLeft`] when it is the last stage change in force;
    /// - [`Error::Refused`] when a later event would no longer fit (a
    ///   retracted deliberation leaves an MoI following a proposal).
    ///
    /// On error the agreement is unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, SubjectArea};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let mut pact = Agreement::builder("Pact", parties)
    ///     .subject(SubjectArea::Trade)
    ///     .build(Event::new(EventKind::Proposed, "2020".parse()?))?;
    /// let rumour = Event::new(EventKind::Meeting, "2021-03".parse()?);
    /// pact.record(rumour.clone())?;
    /// pact.retract(rumour.id(), "the meeting never took place")?;
    /// assert_eq!(pact.len(), 1);
    /// assert!(pact.is_retracted(rumour.id()));
    /// assert!(pact.retract(rumour.id(), "again").is_err());
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn retract(&mut self, id: EventId, reason: impl Into<String>) -> Result<(), Error> {
        self.retract_with(&Context::standard(), id, reason)
    }

    /// Retracts an event under the policy and clock of `context`; otherwise
    /// as [`Agreement::retract`].
    ///
    /// # Errors
    ///
    /// As [`Agreement::retract`].
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Context, Event, EventKind, Parties, Party, SubjectArea};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let mut pact = Agreement::builder("Pact", parties)
    ///     .subject(SubjectArea::Trade)
    ///     .build(Event::new(EventKind::Proposed, "2020".parse()?))?;
    /// let note = Event::new(EventKind::Note, "2021".parse()?);
    /// pact.record(note.clone())?;
    /// pact.retract_with(&Context::standard(), note.id(), "duplicate")?;
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn retract_with(
        &mut self,
        context: &Context<'_>,
        id: EventId,
        reason: impl Into<String>,
    ) -> Result<(), Error> {
        let reason = crate::text::required(reason, Field::Reason, limits::MAX_REASON)?;
        self.apply(
            context,
            Change::Retract {
                id,
                reason: reason.into_boxed_str(),
            },
        )
    }

    /// Whether `event` could be recorded under the standard policy and the
    /// system clock, without recording it.
    ///
    /// # Errors
    ///
    /// The error [`Agreement::record`] would return.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, SubjectArea};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let pact = Agreement::builder("Logistics", parties)
    ///     .subject(SubjectArea::Logistics)
    ///     .build(Event::new(EventKind::Proposed, "2024-01".parse()?))?;
    /// assert!(pact.check(&Event::new(EventKind::Finalised, "2024-02".parse()?)).is_err());
    /// assert!(pact.check(&Event::new(EventKind::Withdrawn, "2024-02".parse()?)).is_ok());
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn check(&self, event: &Event) -> Result<(), Error> {
        self.check_with(&Context::standard(), event)
    }

    /// Whether `event` could be recorded under `context`, without recording
    /// it.
    ///
    /// # Errors
    ///
    /// The error [`Agreement::record_with`] would return.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Context, Event, EventKind, Parties, Party, SubjectArea};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let pact = Agreement::builder("Logistics", parties)
    ///     .subject(SubjectArea::Logistics)
    ///     .build(Event::new(EventKind::Proposed, "2024-01".parse()?))?;
    /// let talks = Event::new(EventKind::Deliberated, "2024-02".parse()?);
    /// assert!(pact.check_with(&Context::standard(), &talks).is_ok());
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn check_with(&self, context: &Context<'_>, event: &Event) -> Result<(), Error> {
        let today = context.clock().now().date_naive();
        self.plan(context.policy(), Proposed::Record(event), today)
            .map(drop)
    }

    /// Checks the history in force against `policy`'s table and entry
    /// stages.
    pub(crate) fn check_history(&self, policy: &Policy) -> Result<(), Error> {
        policy
            .replay(self.history())
            .map(drop)
            .map_err(|violation| self.refusal(policy, Action::Record, None, violation, self.len()))
    }

    /// The events in force with their log positions, in history order.
    pub(crate) fn history_positions(&self) -> impl Iterator<Item = (u32, &Event)> + '_ {
        self.order
            .iter()
            .filter_map(|position| Some((*position, self.entry_event(*position)?)))
    }

    /// The log position and version in force of the event with this id.
    pub(crate) fn live_event(&self, id: EventId) -> Option<(u32, &Event)> {
        match self.status(id) {
            Status::Live(position) => Some((position, self.entry_event(position)?)),
            Status::Unknown | Status::Retracted(_) => None,
        }
    }

    /// Validates a change and appends it to the log.
    pub(crate) fn apply(&mut self, context: &Context<'_>, change: Change) -> Result<(), Error> {
        let now = context.clock().now();
        let plan = self.plan(context.policy(), Proposed::of(&change), now.date_naive())?;
        let Some(observer) = context.observer() else {
            self.commit(change, now, plan);
            return Ok(());
        };
        let before = self.stage();
        let id = Proposed::of(&change).id();
        let was_stage_change = self
            .event(id)
            .is_some_and(|event| event.kind().is_stage_change());
        let action = Proposed::of(&change).action();
        self.commit(change, now, plan);
        // The event the entry is about: the version recorded or corrected, or
        // the version that was in force when retracted.
        let event = self
            .log
            .iter()
            .rev()
            .filter_map(Entry::event)
            .find(|event| event.id() == id);
        if let Some(event) = event
            && (was_stage_change || event.kind().is_stage_change())
        {
            observer.stage_changed(&StageChange {
                agreement: self,
                action,
                event,
                before: Some(before),
                after: self.stage(),
            });
        }
        Ok(())
    }

    /// Appends a validated change.
    fn commit(&mut self, change: Change, now: DateTime<Utc>, plan: Plan) {
        // Entries stay in recording order even if the clock steps back.
        let recorded_at = self
            .log
            .last()
            .map_or(now, |last| last.recorded_at().max(now));
        let position = self.log.len() as u32;
        // Most agreements hold a handful of entries, and trackers hold
        // millions of agreements: while a log is small it grows by exactly
        // what it needs, so it holds no spare room.
        if self.log.len() == self.log.capacity() && self.log.len() < SMALL {
            self.log.reserve_exact(1);
        }
        self.log.push(Entry::new(recorded_at, change));
        match plan {
            Plan::Append => {
                if self.order.len() == self.order.capacity() && self.order.len() < SMALL {
                    self.order.reserve_exact(1);
                }
                self.order.push(position);
            }
            Plan::Reorder(order) => self.order = order,
        }
    }

    /// Replays the history in force: where it ends, for validating an
    /// append of `attempted`.
    fn tail(
        &self,
        policy: &Policy,
        attempted: &Event,
        max_end: Option<NaiveDate>,
    ) -> Result<Tail, Error> {
        let state = policy.replay(self.history()).map_err(|violation| {
            self.refusal(
                policy,
                Action::Record,
                Some(attempted),
                violation,
                self.len() + 1,
            )
        })?;
        Ok(Tail { state, max_end })
    }

    /// Checks the step into `event` placed after the whole history, whose
    /// replay ended at `tail`; gives the tail after it.
    fn step_at_end(&self, policy: &Policy, tail: Tail, event: &Event) -> Result<Tail, Error> {
        let mut state = tail.state;
        state.step(policy, event).map_err(|rule| {
            let violation = Violation {
                position: self.len(),
                event,
                stage: tail.state.stage,
                rule,
            };
            self.refusal(
                policy,
                Action::Record,
                Some(event),
                violation,
                self.len() + 1,
            )
        })?;
        self.guard(
            policy,
            Action::Record,
            event,
            tail.state.stage,
            self.len(),
            self.len() + 1,
            true,
        )?;
        Ok(Tail {
            state,
            max_end: tail.max_end.max(Some(event.date().end())),
        })
    }

    /// Validates a change against the current state: everything a change
    /// must satisfy, and the new history order.
    fn plan(&self, policy: &Policy, change: Proposed<'_>, today: NaiveDate) -> Result<Plan, Error> {
        limits::at_most(Collection::Entries, self.log.len() + 1, limits::MAX_ENTRIES)?;
        let pending = self.log.len() as u32;
        match change {
            Proposed::Record(event) => {
                if self.log.iter().any(|entry| entry.event_id() == event.id()) {
                    return Err(Error::DuplicateEvent {
                        agreement: self.id,
                        title: self.title.to_string(),
                        id: event.id(),
                    });
                }
                self.check_date(Action::Record, event, today)?;
                let max_end = self.history().map(|existing| existing.date().end()).max();
                if max_end.is_none_or(|end| end < event.date().start()) {
                    // Certainly after everything in force: it goes last, and
                    // only the step into it needs checking beyond the replay.
                    let tail = self.tail(policy, event, max_end)?;
                    self.step_at_end(policy, tail, event)?;
                    return Ok(Plan::Append);
                }
                let mut effective = self.effective();
                effective.push(pending);
                self.validate(policy, Action::Record, event, &effective, Some(event))
                    .map(Plan::Reorder)
            }
            Proposed::Correct(event) => {
                let current = self.live(Action::Correct, event.id())?;
                self.check_date(Action::Correct, event, today)?;
                let effective: Vec<u32> = self
                    .effective()
                    .into_iter()
                    .map(|position| {
                        if position == current {
                            pending
                        } else {
                            position
                        }
                    })
                    .collect();
                self.validate(policy, Action::Correct, event, &effective, Some(event))
                    .map(Plan::Reorder)
            }
            Proposed::Retract(id) => {
                let current = self.live(Action::Retract, id)?;
                let Some(retracted) = self.entry_event(current) else {
                    return Err(self.unknown(Action::Retract, id));
                };
                let effective: Vec<u32> = self
                    .effective()
                    .into_iter()
                    .filter(|position| *position != current)
                    .collect();
                self.validate(policy, Action::Retract, retracted, &effective, None)
                    .map(Plan::Reorder)
            }
        }
    }

    /// Orders the events at `effective` (log positions in original recording
    /// order, where `log.len()` stands for `pending`) and replays them.
    fn validate(
        &self,
        policy: &Policy,
        action: Action,
        attempted: &Event,
        effective: &[u32],
        pending: Option<&Event>,
    ) -> Result<Vec<u32>, Error> {
        let order = self.arrange(effective, pending);
        let events = order
            .iter()
            .filter_map(|position| self.event_at(*position, pending));
        if !events.clone().any(|event| event.kind().is_stage_change()) {
            return Err(Error::NoStageLeft {
                action,
                agreement: self.id,
                title: self.title.to_string(),
                id: attempted.id(),
            });
        }
        policy.replay(events.clone()).map_err(|violation| {
            self.refusal(policy, action, Some(attempted), violation, order.len())
        })?;
        if pending.is_some() {
            // The guards judge the new or corrected event at its place.
            let pending_position = self.log.len() as u32;
            if let Some(position) = order.iter().position(|p| *p == pending_position) {
                let from = events
                    .take(position)
                    .filter_map(Event::stage)
                    .fold(None, |_, stage| Some(stage));
                self.guard(policy, action, attempted, from, position, order.len(), true)?;
            }
        }
        Ok(order)
    }

    /// The history order of the events at `effective`.
    fn arrange(&self, effective: &[u32], pending: Option<&Event>) -> Vec<u32> {
        let keys: Vec<Key> = effective
            .iter()
            .filter_map(|position| self.event_at(*position, pending))
            .map(Key::of)
            .collect();
        history_order(&keys)
            .into_iter()
            .filter_map(|i| effective.get(i as usize).copied())
            .collect()
    }

    /// The event at a log position, or `pending` for the position one past
    /// the end.
    fn event_at<'a>(&'a self, position: u32, pending: Option<&'a Event>) -> Option<&'a Event> {
        if position as usize == self.log.len() {
            pending
        } else {
            self.entry_event(position)
        }
    }

    fn entry_event(&self, position: u32) -> Option<&Event> {
        self.log.get(position as usize).and_then(Entry::event)
    }

    /// Log positions of the versions in force, in the order their events
    /// were first recorded.
    fn effective(&self) -> Vec<u32> {
        effective_positions(&self.log)
    }

    fn status(&self, id: EventId) -> Status<'_> {
        for (position, entry) in self.log.iter().enumerate().rev() {
            match &entry.change {
                Change::Retract {
                    id: retracted,
                    reason,
                } if *retracted == id => {
                    return Status::Retracted(reason);
                }
                Change::Record(event) | Change::Correct(event) if event.id() == id => {
                    return Status::Live(position as u32);
                }
                _ => {}
            }
        }
        Status::Unknown
    }

    /// The log position of the version in force of `id`, or the error for
    /// an unknown or retracted event.
    fn live(&self, action: Action, id: EventId) -> Result<u32, Error> {
        match self.status(id) {
            Status::Live(position) => Ok(position),
            Status::Unknown => Err(self.unknown(action, id)),
            Status::Retracted(reason) => Err(Error::AlreadyRetracted {
                action,
                agreement: self.id,
                title: self.title.to_string(),
                id,
                reason: reason.to_owned(),
            }),
        }
    }

    fn unknown(&self, action: Action, id: EventId) -> Error {
        Error::UnknownEvent {
            action,
            agreement: self.id,
            title: self.title.to_string(),
            id,
        }
    }

    /// Stage changes cannot be dated after today.
    fn check_date(&self, action: Action, event: &Event, today: NaiveDate) -> Result<(), Error> {
        if event.kind().is_stage_change() && event.date().start() > today {
            return Err(Error::FutureDate {
                action,
                agreement: self.id,
                title: self.title.to_string(),
                kind: event.kind(),
                date: event.date(),
                today,
            });
        }
        Ok(())
    }

    /// Builds the refusal for a violation in a history of `len` events.
    fn refusal(
        &self,
        policy: &Policy,
        action: Action,
        attempted: Option<&Event>,
        violation: Violation<'_>,
        len: usize,
    ) -> Error {
        Error::Refused(Box::new(Refusal {
            agreement: self.id,
            title: self.title.to_string(),
            action,
            attempted: attempted.map(Step::of),
            refused: Step::of(violation.event),
            stage: violation.stage,
            last: violation.position + 1 >= len,
            policy: policy.name().to_owned(),
            rule: violation.rule,
        }))
    }

    /// Runs the policy's guards for `event` (a stage change being recorded
    /// or corrected) at `position` of a history of `len` events, where the
    /// stage before it is `from`. `history` is false when the change opens
    /// the record.
    #[allow(clippy::too_many_arguments)]
    fn guard(
        &self,
        policy: &Policy,
        action: Action,
        event: &Event,
        from: Option<Stage>,
        position: usize,
        len: usize,
        history: bool,
    ) -> Result<(), Error> {
        let Some(to) = event.stage() else {
            return Ok(());
        };
        let proposal = Proposal {
            title: &self.title,
            parties: &self.parties,
            subjects: &self.subjects,
            agreement: history.then_some(self),
            event,
            from,
            to,
        };
        policy.run_guards(&proposal).map_err(|rule| {
            let violation = Violation {
                position,
                event,
                stage: from,
                rule,
            };
            self.refusal(policy, action, Some(event), violation, len)
        })
    }

    /// The agreement as it was after its first `count` entries, trusting
    /// that they were validated when recorded.
    pub(crate) fn prefix(&self, count: usize) -> Option<Agreement> {
        if count == 0 {
            return None;
        }
        let log: Vec<Entry> = self.log.iter().take(count).cloned().collect();
        let mut agreement = Agreement {
            id: self.id,
            title: self.title.clone(),
            instrument: self.instrument,
            parties: self.parties.clone(),
            subjects: self.subjects.clone(),
            log,
            order: Vec::new(),
        };
        let effective = agreement.effective();
        agreement.order = agreement.arrange(&effective, None);
        Some(agreement)
    }
}

/// Log positions of the versions in force, in the order their events were
/// first recorded.
fn effective_positions(log: &[Entry]) -> Vec<u32> {
    let mut slots: Vec<Option<u32>> = Vec::with_capacity(log.len());
    let mut index: HashMap<EventId, usize> = HashMap::with_capacity(log.len());
    for (position, entry) in (0u32..).zip(log) {
        match &entry.change {
            Change::Record(event) => {
                index.insert(event.id(), slots.len());
                slots.push(Some(position));
            }
            Change::Correct(event) => {
                if let Some(slot) = index.get(&event.id()).and_then(|i| slots.get_mut(*i)) {
                    *slot = Some(position);
                }
            }
            Change::Retract { id, .. } => {
                if let Some(slot) = index.get(id).and_then(|i| slots.get_mut(*i)) {
                    *slot = None;
                }
            }
        }
    }
    slots.into_iter().flatten().collect()
}

/// The header fields, validated.
struct Header {
    id: AgreementId,
    title: String,
    instrument: InstrumentKind,
    parties: Parties,
    subjects: Vec<SubjectArea>,
}

impl Header {
    fn new(
        id: AgreementId,
        title: String,
        instrument: InstrumentKind,
        parties: Parties,
        mut subjects: Vec<SubjectArea>,
    ) -> Result<Self, Error> {
        let title = crate::text::required(title, Field::Title, limits::MAX_TITLE)?;
        if subjects.is_empty() {
            return Err(Error::NoSubjectArea { title });
        }
        limits::at_most(Collection::Subjects, subjects.len(), limits::MAX_SUBJECTS)?;
        subjects.sort_unstable();
        subjects.dedup();
        Ok(Header {
            id,
            title,
            instrument,
            parties,
            subjects,
        })
    }

    /// The agreement opened with `first`, recorded at `recorded_at`.
    fn open(
        self,
        context: &Context<'_>,
        first: Event,
        recorded_at: DateTime<Utc>,
    ) -> Result<Agreement, Error> {
        if !first.kind().is_stage_change() {
            return Err(Error::NotAStageChange {
                title: self.title,
                kind: first.kind(),
                date: first.date(),
            });
        }
        let agreement = Agreement {
            id: self.id,
            title: self.title.into(),
            instrument: self.instrument,
            parties: self.parties,
            subjects: self.subjects,
            log: Vec::new(),
            order: Vec::new(),
        };
        agreement.check_date(Action::Record, &first, recorded_at.date_naive())?;
        let policy = context.policy();
        if let Err(violation) = policy.replay([&first]) {
            return Err(agreement.refusal(policy, Action::Record, Some(&first), violation, 1));
        }
        agreement.guard(policy, Action::Record, &first, None, 0, 1, false)?;
        let mut agreement = agreement;
        agreement
            .log
            .push(Entry::new(recorded_at, Change::Record(first)));
        agreement.order.push(0);
        if let (Some(observer), Some(event)) = (context.observer(), agreement.entry_event(0)) {
            observer.stage_changed(&StageChange {
                agreement: &agreement,
                action: Action::Record,
                event,
                before: None,
                after: agreement.stage(),
            });
        }
        Ok(agreement)
    }
}

/// Builds an [`Agreement`]; see [`Agreement::builder`].
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct AgreementBuilder {
    id: Option<AgreementId>,
    title: String,
    instrument: InstrumentKind,
    parties: Parties,
    subjects: Vec<SubjectArea>,
}

impl AgreementBuilder {
    /// Sets the id (by default a fresh UUID v7 is made by `build`).
    pub fn id(mut self, id: AgreementId) -> Self {
        self.id = Some(id);
        self
    }

    /// Sets the kind of instrument (by default [`InstrumentKind::Agreement`]).
    pub fn instrument(mut self, instrument: InstrumentKind) -> Self {
        self.instrument = instrument;
        self
    }

    /// Adds a subject area.
    pub fn subject(mut self, area: SubjectArea) -> Self {
        self.subjects.push(area);
        self
    }

    /// Adds subject areas.
    pub fn subjects(mut self, areas: impl IntoIterator<Item = SubjectArea>) -> Self {
        self.subjects.extend(areas);
        self
    }

    /// Creates the agreement with its first event, under the standard
    /// policy and the system clock.
    ///
    /// # Errors
    ///
    /// - [`Error::Blank`] or [`Error::TooLong`] for the title;
    /// - [`Error::NoSubjectArea`] when no subject area was given, and
    ///   [`Error::TooMany`] for more than
    ///   [`MAX_SUBJECTS`](crate::limits::MAX_SUBJECTS);
    /// - [`Error::NotAStageChange`] when `first` is informational: an
    ///   agreement opens with a stage change, so it always has a stage;
    /// - [`Error::FutureDate`] when `first` is dated after today.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, SubjectArea};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let builder = Agreement::builder("Logistics", parties).subject(SubjectArea::Logistics);
    /// let pact = builder.clone().build(Event::new(EventKind::Proposed, "2024".parse()?))?;
    /// assert!(builder.build(Event::new(EventKind::Meeting, "2024".parse()?)).is_err());
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn build(self, first: Event) -> Result<Agreement, Error> {
        self.build_with(&Context::standard(), first)
    }

    /// Creates the agreement with its first event, under the policy (which
    /// decides the stages a record may open at) and clock of `context`.
    ///
    /// # Errors
    ///
    /// As [`AgreementBuilder::build`], and [`Error::Refused`] when the
    /// policy does not let a record open at the first event's stage.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Context, Event, EventKind, Parties, Party, SubjectArea};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let pact = Agreement::builder("Logistics", parties)
    ///     .subject(SubjectArea::Logistics)
    ///     .build_with(&Context::standard(), Event::new(EventKind::Finalised, "2024".parse()?))?;
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn build_with(self, context: &Context<'_>, first: Event) -> Result<Agreement, Error> {
        let header = Header::new(
            self.id.unwrap_or_else(AgreementId::new),
            self.title,
            self.instrument,
            self.parties,
            self.subjects,
        )?;
        header.open(context, first, context.clock().now())
    }
}

/// The events in force of an agreement, in history order; see
/// [`Agreement::history`].
#[derive(Debug, Clone)]
pub struct History<'a> {
    log: &'a [Entry],
    order: std::slice::Iter<'a, u32>,
}

impl<'a> Iterator for History<'a> {
    type Item = &'a Event;

    fn next(&mut self) -> Option<&'a Event> {
        let position = *self.order.next()?;
        self.log.get(position as usize).and_then(Entry::event)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.order.size_hint()
    }

    fn nth(&mut self, n: usize) -> Option<&'a Event> {
        let position = *self.order.nth(n)?;
        self.log.get(position as usize).and_then(Entry::event)
    }
}

impl DoubleEndedIterator for History<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let position = *self.order.next_back()?;
        self.log.get(position as usize).and_then(Entry::event)
    }
}

impl ExactSizeIterator for History<'_> {}

impl fmt::Display for Agreement {
    /// A readable summary: header, stage and dated history, one event a line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.title)?;
        writeln!(
            f,
            "  {} and {}, {}",
            self.parties.first(),
            self.parties.second(),
            self.instrument.label()
        )?;
        f.write_str("  subjects: ")?;
        for (i, area) in self.subjects.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{area}")?;
        }
        writeln!(f)?;
        writeln!(f, "  stage: {}", self.stage().label())?;
        for event in self.history() {
            writeln!(f, "  {event}")?;
            if !event.participants().is_empty() {
                f.write_str("      with ")?;
                for (i, person) in event.participants().iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{person}")?;
                }
                writeln!(f)?;
            }
            for source in event.sources() {
                writeln!(f, "      source: {source}")?;
            }
        }
        Ok(())
    }
}

impl From<&Agreement> for AgreementDocument {
    fn from(agreement: &Agreement) -> Self {
        AgreementDocument {
            format: FORMAT_VERSION,
            id: agreement.id.to_string(),
            title: agreement.title.to_string(),
            instrument: agreement.instrument.to_string(),
            parties: agreement.parties.iter().cloned().map(Into::into).collect(),
            subjects: agreement.subjects.iter().map(ToString::to_string).collect(),
            entries: agreement.log.iter().map(EntryDocument::from).collect(),
        }
    }
}

impl TryFrom<AgreementDocument> for Agreement {
    type Error = Error;

    /// Validates a document completely: every field, then every entry in
    /// order under the standard policy, as if recorded through the API at
    /// its `recorded_at` instant.
    fn try_from(doc: AgreementDocument) -> Result<Self, Error> {
        doc.into_agreement(&Policy::standard())
    }
}

impl AgreementDocument {
    /// The agreement, validated under `policy`: every field, then every
    /// entry in order, as if recorded through the API at its `recorded_at`
    /// instant.
    ///
    /// The policy's transition table and entry stages apply; its guards do
    /// not. Guards judge changes as they are made, and a document records
    /// changes already judged: a guard added to a policy later must not make
    /// yesterday's records unreadable.
    ///
    /// # Errors
    ///
    /// Every error listed in `FORMAT.md`: the first rule the document
    /// breaks, naming the value or entry.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, AgreementDocument, Event, EventKind, Parties, Party, Policy, Stage, SubjectArea};
    /// let skip_moi = Policy::standard().to_builder().name("skip-moi").allow(Stage::Deliberated, Stage::Finalised).build()?;
    /// let context = bilateral::Context::standard().with_policy(&skip_moi);
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let mut pact = Agreement::builder("Logistics", parties)
    ///     .subject(SubjectArea::Logistics)
    ///     .build_with(&context, Event::new(EventKind::Deliberated, "2024-01".parse()?))?;
    /// pact.record_with(&context, Event::new(EventKind::Finalised, "2024-03".parse()?))?;
    ///
    /// let doc = AgreementDocument::from(&pact);
    /// assert!(doc.clone().into_agreement(&skip_moi).is_ok());
    /// assert!(Agreement::try_from(doc).is_err()); // the standard policy wants an MoI
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn into_agreement(self, policy: &Policy) -> Result<Agreement, Error> {
        let doc = self;
        let policy = policy.without_guards();
        limits::readable_format(doc.format)?;
        limits::at_most(Collection::Entries, doc.entries.len(), limits::MAX_ENTRIES)?;
        limits::at_most(
            Collection::Subjects,
            doc.subjects.len(),
            limits::MAX_SUBJECTS,
        )?;
        let parties = doc
            .parties
            .into_iter()
            .map(Party::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        let subjects = doc
            .subjects
            .iter()
            .map(|area| area.parse())
            .collect::<Result<Vec<_>, _>>()?;
        let header = Header::new(
            doc.id.parse()?,
            doc.title,
            doc.instrument.parse()?,
            Parties::try_from(parties)?,
            subjects,
        )?;
        let mut entries = doc.entries.into_iter().enumerate();
        let Some((_, first)) = entries.next() else {
            return Err(Error::NoEvents {
                title: header.title,
            });
        };
        let (recorded_at, change) = read_entry(first)?;
        let Change::Record(first) = change else {
            return Err(Error::FirstEntryNotRecord {
                title: header.title,
            });
        };
        let clock = FixedClock::new(recorded_at);
        let mut agreement = header.open(&Context::new(&policy, &clock), first, recorded_at)?;
        // Entries that append to the history are validated from the tail of
        // the previous one, so that a long document loads in linear time;
        // everything else goes through `apply`, like any call.
        let mut ids: HashSet<EventId> = agreement.log.iter().map(Entry::event_id).collect();
        let mut tail: Option<Tail> = None;
        for (position, doc) in entries {
            let (recorded_at, change) = read_entry(doc)?;
            if let Some(previous) = agreement.log.last().map(Entry::recorded_at)
                && recorded_at < previous
            {
                return Err(Error::EntryOrder {
                    title: agreement.title.to_string(),
                    position,
                    recorded_at,
                    previous,
                });
            }
            if let Change::Record(event) = &change
                && !ids.contains(&event.id())
            {
                agreement.check_date(Action::Record, event, recorded_at.date_naive())?;
                let known = match tail {
                    Some(known) => known,
                    None => {
                        let max_end = agreement.history().map(|e| e.date().end()).max();
                        agreement.tail(&policy, event, max_end)?
                    }
                };
                if known.max_end.is_none_or(|end| end < event.date().start()) {
                    tail = Some(agreement.step_at_end(&policy, known, event)?);
                    ids.insert(event.id());
                    agreement.commit(change, recorded_at, Plan::Append);
                    continue;
                }
            }
            if let Change::Record(event) = &change {
                ids.insert(event.id());
            }
            let clock = FixedClock::new(recorded_at);
            agreement.apply(&Context::new(&policy, &clock), change)?;
            tail = None;
        }
        Ok(agreement)
    }
}

/// Reads one entry of a document.
fn read_entry(doc: EntryDocument) -> Result<(DateTime<Utc>, Change), Error> {
    let entry = Entry::try_from(doc)?;
    Ok((entry.recorded_at(), entry.change))
}

impl Serialize for Agreement {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        AgreementDocument::from(self).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Agreement {
    /// Deserialises an [`AgreementDocument`] and validates it completely; a
    /// document that breaks any rule is refused with the error's message.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let doc = AgreementDocument::deserialize(deserializer)?;
        Agreement::try_from(doc).map_err(serde::de::Error::custom)
    }
}

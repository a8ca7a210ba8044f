//! Agreements: a header plus a validated, dated, auditable history.
//!
//! An [`Agreement`] keeps every change as an [`Entry`] of its audit trail
//! and, beside it, the events in force in history order with what
//! validating the next change needs. Every change goes through one engine:
//! it is checked against that state (an append in constant time, an event
//! in the past from its place on), planned as an edit of the history, and
//! applied whole or not at all, returning a [`Receipt`] that says what
//! moved. Guards see a read-only view; observers hear of a change once it
//! is complete.
//!
//! The main types are re-exported at the crate root; this module also holds
//! the views of a history ([`StageOn`], [`Timeline`], [`AuditTrail`]) and
//! [`AgreementError`].

mod builder;
mod change;
mod context;
mod disputes;
mod entry;
mod error;
mod order;
mod slots;
mod views;

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::clock::Clock;
use crate::lifecycle::{Action, Judged, Policy, PolicyStamp, Proposal, Refusal, Stamp, View};
use crate::model::{
    AgreementId, Event, EventId, EventKind, InstrumentKind, Link, Parties, Stage, SubjectArea,
};

pub use builder::AgreementBuilder;
pub use change::{Placed, Receipt};
pub use context::{Context, Observer, RefusedChange, StageChange};
pub use disputes::{Claim, Dispute};
pub use entry::{Change, Entry};
pub use error::AgreementError;
pub(crate) use views::Escaped;
pub use views::{AuditTrail, MermaidTimeline, StageOn, Timeline, TimelineEntry};

pub(crate) use builder::{Areas, Header};
pub(crate) use context::notify;

use change::Attempt;
use context::Kept;
use order::{InForce, Slot};

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
#[derive(Clone)]
pub struct Agreement {
    id: AgreementId,
    title: Box<str>,
    instrument: InstrumentKind,
    parties: Parties,
    /// Sorted, without duplicates.
    subjects: Arc<[SubjectArea]>,
    /// Every change, in the order it was recorded: the truth. Everything
    /// below is derived from it and maintained by the change engine.
    log: Vec<Entry>,
    /// The events in force, in history order.
    in_force: InForce,
    /// What validating a change at the end of the history needs.
    summary: Summary,
    /// For each event id, the log positions of its record and of its latest
    /// entry, once the log is long enough for scanning it to cost too much.
    /// Boxed, so that the many short agreements pay one word for it.
    #[allow(clippy::box_collection)]
    ids: Option<Box<HashMap<EventId, (u32, u32)>>>,
    /// The policy whose table the history was judged under, shared with
    /// the policy: a document names it.
    policy: Stamp,
    /// The policy and clock the plain methods use; `None` for the standard
    /// policy and the system clock, which costs nothing to keep.
    kept: Option<Arc<Kept>>,
}

// The counts of `Summary` are sixteen bits wide.
const _: () = assert!(crate::model::limits::MAX_ENTRIES <= u16::MAX as usize);

/// The state of the history in force that validation needs at its end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Summary {
    /// The stage of the last stage change in force.
    stage: Option<Stage>,
    /// How many stage changes are in force. Sixteen bits (an agreement
    /// holds at most `MAX_ENTRIES` entries) keep the agreement a word
    /// smaller, which a tracker of millions pays per agreement.
    stage_changes: u16,
    /// How many entries into force are in force (never more than one).
    entries_into_force: u8,
    /// How many disputes the log holds, open or resolved, up to 255 (it
    /// stops counting there): while none, no view looks for rival claims.
    /// Eight bits keep the summary at six bytes.
    disputes: u8,
}

/// Where an event id stands in the log.
enum Status<'a> {
    Unknown,
    Retracted(&'a str),
    /// In force: the log positions of its record and of its version in
    /// force.
    Live {
        record: u32,
        version: u32,
    },
}

/// Above this many entries, an agreement keeps its event ids in a map
/// rather than scanning its log for them.
const MAPPED: usize = 64;

/// Whether an agreement with this many entries keeps its event ids in a
/// map. (Speed only: an id is found with the same answer either way.)
fn maps_ids(entries: usize) -> bool {
    entries > MAPPED
}

impl Agreement {
    /// A builder for an agreement between `parties`, titled `title`.
    ///
    /// The agreement is created by [`AgreementBuilder::build`] with its
    /// first event.
    pub fn builder(title: impl Into<String>, parties: Parties) -> AgreementBuilder {
        AgreementBuilder::new(title.into(), parties)
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

    /// The subject areas it covers, sorted, without duplicates; empty when
    /// the record names none (see [`is_unclassified`](Self::is_unclassified)).
    pub fn subjects(&self) -> &[SubjectArea] {
        &self.subjects
    }

    /// Whether the record names no subject area. Many real records do not
    /// (701 of 1,805 rows of one public treaty dataset): such an agreement
    /// is shown as unclassified and found with
    /// [`Query::unclassified`](crate::tracker::Query::unclassified).
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party};
    /// let parties = Parties::new(Party::state("NOR", "Norway")?, Party::state("ISL", "Iceland")?)?;
    /// let treaty = Agreement::builder("Exchange of notes", parties)
    ///     .build(Event::new(EventKind::Finalised, "1990-05-04".parse()?))?;
    /// assert!(treaty.is_unclassified());
    /// assert!(treaty.to_string().contains("subjects: unclassified"));
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn is_unclassified(&self) -> bool {
        self.subjects.is_empty()
    }

    /// The policy whose table its history was judged under: the one it
    /// was opened or read under, or the last one a change was made under
    /// (a change under a policy with another table is checked against the
    /// whole history first). Its document names it.
    ///
    /// ```
    /// use bilateral::{Agreement, Context, Event, EventKind, Parties, Party, Policy};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let pact = Agreement::builder("Pact", parties)
    ///     .build_with(&Context::standard().with_policy(&Policy::strict()), Event::new(EventKind::Proposed, "2024-01".parse()?))?;
    /// assert_eq!(pact.policy().name(), "strict");
    /// assert_eq!(pact.policy(), Policy::strict().stamp());
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn policy(&self) -> &PolicyStamp {
        self.policy.get()
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
        self.summary.stage.unwrap_or(Stage::Proposed)
    }

    /// The events in force, in history order (see
    /// [the type docs](Agreement#history-order)).
    pub fn history(&self) -> History<'_> {
        History {
            log: &self.log,
            slots: self.in_force.slots().iter(),
        }
    }

    /// The links to other agreements made by the events in force, in
    /// history order, each with the event that made it (its date is the
    /// link's date). A corrected event's links are its latest version's; a
    /// retracted event's are gone.
    ///
    /// ```
    /// use bilateral::{Agreement, AgreementId, Event, EventKind, Link, LinkKind, Parties, Party};
    /// let framework = AgreementId::new();
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let mast = Agreement::builder("UNICORN mast", parties).build(
    ///     Event::builder(EventKind::MoiSigned, "2024-11-15".parse()?)
    ///         .link(Link::new(LinkKind::Implements, framework))
    ///         .build()?,
    /// )?;
    /// let (event, link) = mast.links().next().unwrap();
    /// assert_eq!((event.date().to_string(), link.target()), ("2024-11-15".to_owned(), framework));
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn links(&self) -> impl Iterator<Item = (&Event, Link)> + '_ {
        self.history()
            .flat_map(|event| event.links().iter().map(move |link| (event, *link)))
    }

    /// Every entry (records, corrections, retractions), in the order they
    /// were recorded: the audit trail.
    pub fn entries(&self) -> &[Entry] {
        &self.log
    }

    /// The number of events in force.
    pub fn len(&self) -> usize {
        self.in_force.slots().len()
    }

    /// Always `false`: an agreement holds at least one stage change. Present
    /// for symmetry with [`Agreement::len`].
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The version in force of the event with this id; `None` if there is no
    /// such event or it was retracted.
    pub fn event(&self, id: EventId) -> Option<&Event> {
        match self.status(id) {
            Status::Live { version, .. } => self.entry_event(version),
            Status::Unknown | Status::Retracted(_) => None,
        }
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
        if self.summary.entries_into_force == 0 {
            return None;
        }
        self.history()
            .find(|event| event.kind() == EventKind::EnteredIntoForce)
    }

    /// The proposal a guard would be asked about if `event` were recorded
    /// after the whole history, from the current stage; `None` when `event`
    /// is not a stage change. Handy to unit-test a guard.
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Guard, Parties, Party, SubjectArea};
    /// use bilateral::lifecycle::{CitesSource};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let pact = Agreement::builder("Pact", parties)
    ///     .subject(SubjectArea::Trade)
    ///     .build(Event::new(EventKind::Proposed, "2024".parse()?))?;
    /// let talks = Event::new(EventKind::Deliberated, "2025".parse()?);
    /// let proposal = pact.proposal(&talks).unwrap();
    /// assert!(CitesSource.check(&proposal).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn proposal<'a>(&'a self, event: &'a Event) -> Option<Proposal<'a>> {
        Some(Proposal::new(
            self,
            event,
            self.summary.stage,
            event.stage()?,
        ))
    }

    /// Records `event` under the agreement's context (the policy and clock
    /// it keeps, by default the standard policy and the system clock: see
    /// [`Agreement::context`]), placing it in the history by its date.
    ///
    /// # Errors
    ///
    /// - [`AgreementError::DuplicateEvent`] when an event with the same id is already
    ///   recorded;
    /// - [`AgreementError::FutureDate`] when a stage change is dated after today;
    /// - [`AgreementError::Refused`] when the resulting history would break a
    ///   lifecycle rule, at the event itself or at a later event that would
    ///   no longer fit;
    /// - [`AgreementError::Value`] when the agreement already holds
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
    pub fn record(&mut self, event: Event) -> Result<Receipt, AgreementError> {
        let kept = self.kept.clone();
        self.record_with(&Kept::context(kept.as_deref()), event)
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
    pub fn record_with(
        &mut self,
        context: &Context<'_>,
        event: Event,
    ) -> Result<Receipt, AgreementError> {
        self.apply_with(context, Change::Record(event))
    }

    /// Corrects the event with the same id as `corrected` (its date, kind or
    /// details), under the agreement's context ([`Agreement::context`]).
    ///
    /// The correction is a new entry: the original version stays in the
    /// audit trail with its sources. The whole resulting history is
    /// validated.
    ///
    /// # Errors
    ///
    /// - [`AgreementError::UnknownEvent`] when no event has that id;
    /// - [`AgreementError::AlreadyRetracted`] when the event was retracted;
    /// - [`AgreementError::NoStageLeft`] when the correction turns the last stage
    ///   change in force into an informational event;
    /// - [`AgreementError::FutureDate`] and [`AgreementError::Refused`] as for
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
    pub fn correct(&mut self, corrected: Event) -> Result<Receipt, AgreementError> {
        let kept = self.kept.clone();
        self.correct_with(&Kept::context(kept.as_deref()), corrected)
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
    pub fn correct_with(
        &mut self,
        context: &Context<'_>,
        corrected: Event,
    ) -> Result<Receipt, AgreementError> {
        self.apply_with(context, Change::Correct(corrected))
    }

    /// Retracts the event with this id, with a reason, under the
    /// agreement's context ([`Agreement::context`]).
    ///
    /// The retraction is a new entry: the event stays in the audit trail but
    /// is no longer in force.
    ///
    /// # Errors
    ///
    /// - [`AgreementError::UnknownEvent`] when no event has that id;
    /// - [`AgreementError::AlreadyRetracted`] when it was already retracted;
    /// - [`AgreementError::Value`] for a blank or overlong reason;
    /// - [`AgreementError::NoStageLeft`] when it is the last stage change in force;
    /// - [`AgreementError::Refused`] when a later event would no longer fit (a
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
    pub fn retract(
        &mut self,
        id: EventId,
        reason: impl Into<String>,
    ) -> Result<Receipt, AgreementError> {
        let kept = self.kept.clone();
        self.retract_with(&Kept::context(kept.as_deref()), id, reason)
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
    ) -> Result<Receipt, AgreementError> {
        self.apply_with(
            context,
            Change::Retract {
                id,
                reason: reason.into().into_boxed_str(),
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
    pub fn check(&self, event: &Event) -> Result<Receipt, AgreementError> {
        self.check_with(&self.context(), event)
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
    pub fn check_with(
        &self,
        context: &Context<'_>,
        event: &Event,
    ) -> Result<Receipt, AgreementError> {
        let today = context.clock().now().naive_utc().date();
        self.plan(context.policy(), Attempt::Record(event), today, true)
            .map(|plan| plan.receipt(self))
    }

    /// The same agreement, whose plain methods ([`record`](Self::record),
    /// [`correct`](Self::correct), [`retract`](Self::retract),
    /// [`check`](Self::check)) judge under `policy` from now on (the
    /// standard policy until one is given). A history judged under another
    /// table is checked whole under this one at the next change. In a
    /// tracker, the tracker's policy and clock apply instead.
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, FixedClock, Parties, Party, Policy};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let clock = FixedClock::new("2024-06-01T00:00:00Z".parse()?);
    /// let mut pact = Agreement::builder("Pact", parties)
    ///     .policy(Policy::strict())
    ///     .clock(clock)
    ///     .build(Event::new(EventKind::Proposed, "2024-01".parse()?))?;
    /// // Deterministic: "today" is the clock's, and the rules the strict policy's.
    /// assert!(pact.record(Event::new(EventKind::Deliberated, "2024-07".parse()?)).is_err());
    /// pact.record(Event::new(EventKind::Deliberated, "2024-05".parse()?))?;
    /// assert_eq!(pact.entries()[1].recorded_at(), clock.now());
    /// assert_eq!(pact.context().policy().name(), "strict");
    /// let standard = pact.with_policy(Policy::standard());
    /// assert_eq!(standard.context().policy().name(), "standard");
    /// # use bilateral::Clock;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_policy(mut self, policy: Policy) -> Self {
        self.kept = Kept::with_policy(self.kept.as_ref(), policy);
        self
    }

    /// The same agreement, whose plain methods read "today" from `clock`
    /// (the system clock until one is given); see
    /// [`with_policy`](Self::with_policy).
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.kept = Kept::with_clock(self.kept.as_ref(), Arc::new(clock));
        self
    }

    /// The context the plain methods use: the policy and clock the
    /// agreement keeps ([`with_policy`](Self::with_policy),
    /// [`with_clock`](Self::with_clock)), or the standard policy and the
    /// system clock.
    pub fn context(&self) -> Context<'_> {
        Kept::context(self.kept.as_deref())
    }

    /// Takes the agreement out, leaving a hollow shell in its place: the
    /// same id, parties and policy, no title, no subjects and no history.
    /// A shell breaks the rule that every agreement opens with a stage
    /// change, so it must never be seen: a container that keeps one (the
    /// tracker, whose vacant places hold shells so that a place can be
    /// addressed without reading it) marks it vacant.
    pub(crate) fn take_leaving_shell(&mut self) -> Agreement {
        let shell = Agreement {
            id: self.id,
            title: Box::default(),
            instrument: self.instrument,
            parties: self.parties.clone(),
            subjects: Arc::default(),
            log: Vec::new(),
            in_force: InForce::default(),
            summary: Summary::default(),
            ids: None,
            policy: self.policy.clone(),
            kept: None,
        };
        std::mem::replace(self, shell)
    }

    /// Replaces each party with what `share` gives for it, when that is an
    /// equal party: so that a container holding many agreements between
    /// the same parties holds each name once. Nothing visible changes.
    pub(crate) fn share_parties(
        &mut self,
        share: impl FnMut(&crate::model::Party) -> Option<crate::model::Party>,
    ) {
        self.parties.share(share);
    }

    /// Replaces the subject areas with `shared`, when that is an equal
    /// list: so that a container holding many agreements on the same
    /// areas holds each list once (and a walk over their areas stays in
    /// cache). Nothing visible changes.
    pub(crate) fn share_subjects(&mut self, shared: &Arc<[SubjectArea]>) {
        if *shared == self.subjects {
            self.subjects = Arc::clone(shared);
        }
    }

    /// The agreement's list of subject areas itself, to share.
    pub(crate) const fn shared_subjects(&self) -> &Arc<[SubjectArea]> {
        &self.subjects
    }

    /// Keeps `kept` for the plain methods.
    pub(crate) fn keep(&mut self, kept: Option<Arc<Kept>>) {
        self.kept = kept;
    }

    /// Keeps the agreement under `policy`, whose table its whole history
    /// was checked against ([`check_history`](Self::check_history)).
    pub(crate) fn keep_under(&mut self, policy: &Policy) {
        self.policy = policy.shared_stamp().clone();
    }

    /// Checks the history in force against `policy`'s table and entry
    /// stages (not its guards).
    pub(crate) fn check_history(&self, policy: &Policy) -> Result<(), Box<Refusal>> {
        policy
            .replay(self.history())
            .map(drop)
            .map_err(|violation| {
                let judged = Judged {
                    agreement: self.id,
                    title: &self.title,
                    action: Action::Record,
                    attempted: None,
                    policy: policy.shared_stamp(),
                };
                // A whole history has no attempted event, so no "it is":
                // the refusal says when it was.
                let stage_change = |event: &&Event| event.stage().is_some();
                let before = self
                    .history()
                    .take(violation.position)
                    .rev()
                    .find(stage_change);
                let next = self
                    .history()
                    .skip(violation.position + 1)
                    .find(stage_change);
                let refusal = Refusal::new(
                    judged,
                    violation.event,
                    violation.stage,
                    false,
                    violation.rule,
                );
                Box::new(refusal.around(before, next))
            })
    }

    /// The events in force with their log positions, in history order.
    pub(crate) fn history_positions(&self) -> impl Iterator<Item = (u32, &Event)> + '_ {
        self.in_force
            .slots()
            .iter()
            .filter_map(|slot| Some((u32::from(slot.version()), self.entry_event(slot.version())?)))
    }

    fn entry_event(&self, position: impl Into<u32>) -> Option<&Event> {
        let position: u32 = position.into();
        self.log.get(position as usize).and_then(Entry::event)
    }

    #[inline]
    fn status(&self, id: EventId) -> Status<'_> {
        let found = match &self.ids {
            Some(ids) => ids.get(&id).copied(),
            None if self.has_disputes() => self.find_versions(id),
            None => {
                let latest = self.log.iter().rposition(|entry| entry.event_id() == id);
                latest.and_then(|latest| {
                    let record = self.log.iter().position(|entry| entry.event_id() == id)?;
                    Some((record as u32, latest as u32))
                })
            }
        };
        let Some((record, latest)) = found else {
            return Status::Unknown;
        };
        match self.log.get(latest as usize).map(Entry::change) {
            Some(Change::Retract { reason, .. }) => Status::Retracted(reason),
            Some(_) => Status::Live {
                record,
                version: latest,
            },
            None => Status::Unknown,
        }
    }

    /// The log position an entry puts in force for its event, when it
    /// changes which version is in force: its own for a record, a
    /// correction or a retraction, the rival claim a resolution keeps;
    /// `None` for a dispute, or a resolution keeping the version in force.
    fn sets_version(&self, position: u32, entry: &Entry) -> Option<u32> {
        match entry.change() {
            Change::Record(_) | Change::Correct(_) | Change::Retract { .. } => Some(position),
            Change::Dispute(_) => None,
            Change::Resolve { chosen, .. } => match self.log.get(*chosen)?.change() {
                Change::Dispute(_) => u32::try_from(*chosen).ok(),
                _ => None,
            },
        }
    }

    /// Whether the log holds a dispute, open or resolved.
    pub(crate) fn has_disputes(&self) -> bool {
        self.summary.disputes > 0
    }

    /// The log positions of the record of the event with this id and of
    /// its version in force (or its retraction), by a scan of the log.
    fn find_versions(&self, id: EventId) -> Option<(u32, u32)> {
        let mut found: Option<(u32, u32)> = None;
        for (position, entry) in (0u32..).zip(&self.log) {
            if entry.event_id() != id {
                continue;
            }
            let version = self.sets_version(position, entry);
            match &mut found {
                Some((_, latest)) => *latest = version.unwrap_or(*latest),
                None => found = Some((position, version.unwrap_or(position))),
            }
        }
        found
    }

    /// Every event id of the log with the log positions of its record and
    /// of its version in force (or its retraction).
    fn id_map(&self) -> HashMap<EventId, (u32, u32)> {
        let mut ids: HashMap<EventId, (u32, u32)> = HashMap::with_capacity(self.log.len());
        for (position, entry) in (0u32..).zip(&self.log) {
            let version = self.sets_version(position, entry);
            let found = ids.entry(entry.event_id()).or_insert((position, position));
            found.1 = version.unwrap_or(found.1);
        }
        ids
    }

    /// The agreement as it was after its first `count` entries, trusting
    /// that they were validated when recorded.
    pub(crate) fn prefix(&self, count: usize) -> Option<Agreement> {
        if count == 0 {
            return None;
        }
        let mut agreement = Agreement {
            log: self.log.iter().take(count).cloned().collect(),
            ..self.empty_copy()
        };
        agreement.rebuild();
        Some(agreement)
    }

    /// The same header, with no entries.
    fn empty_copy(&self) -> Agreement {
        Agreement {
            id: self.id,
            title: self.title.clone(),
            instrument: self.instrument,
            parties: self.parties.clone(),
            subjects: self.subjects.clone(),
            log: Vec::new(),
            in_force: InForce::default(),
            summary: Summary::default(),
            ids: None,
            policy: self.policy.clone(),
            kept: self.kept.clone(),
        }
    }

    /// Derives everything from the log, trusting that it was validated.
    fn rebuild(&mut self) {
        let mut live: Vec<Option<Slot>> = Vec::new();
        let mut at: HashMap<EventId, usize> = HashMap::new();
        let mut disputes = 0u8;
        for (position, entry) in (0u32..).zip(&self.log) {
            let id = entry.event_id();
            if let Change::Record(event) = entry.change() {
                at.insert(id, live.len());
                live.push(Some(Slot::new(position, position, event)));
                continue;
            }
            let Some(slot) = at.get(&id).and_then(|i| live.get_mut(*i)) else {
                continue;
            };
            let record = slot.map_or(position, |s| u32::from(s.seq()));
            match entry.change() {
                Change::Correct(event) => *slot = Some(Slot::new(position, record, event)),
                Change::Retract { .. } => *slot = None,
                Change::Dispute(_) => disputes = disputes.saturating_add(1),
                Change::Record(_) | Change::Resolve { .. } => {
                    let version = self.sets_version(position, entry);
                    if let Some((version, rival)) =
                        version.and_then(|version| Some((version, self.entry_event(version)?)))
                    {
                        *slot = Some(Slot::new(version, record, rival));
                    }
                }
            }
        }
        let slots: Vec<Slot> = live.into_iter().flatten().collect();
        self.in_force = InForce::from_slots(&slots);
        let mut summary = Summary {
            disputes,
            ..Summary::default()
        };
        for slot in self.in_force.slots() {
            if let Some(stage) = slot.kind().stage() {
                summary.stage = Some(stage);
                summary.stage_changes = summary.stage_changes.saturating_add(1);
            } else if slot.kind() == EventKind::EnteredIntoForce {
                summary.entries_into_force = summary.entries_into_force.saturating_add(1);
            }
        }
        self.summary = summary;
        self.ids = maps_ids(self.log.len()).then(|| Box::new(self.id_map()));
    }
}

impl View for Agreement {
    fn id(&self) -> AgreementId {
        self.id
    }

    fn title(&self) -> &str {
        &self.title
    }

    fn parties(&self) -> &Parties {
        &self.parties
    }

    fn subjects(&self) -> &[SubjectArea] {
        &self.subjects
    }

    fn instrument(&self) -> InstrumentKind {
        self.instrument
    }

    fn events(&self) -> Box<dyn DoubleEndedIterator<Item = &Event> + '_> {
        Box::new(self.history())
    }
}

impl PartialEq for Agreement {
    /// Agreements are equal when their headers and audit trails are: the
    /// history in force is derived from the trail. The policy they are
    /// kept under is not part of the record (a tracker keeps every
    /// agreement under its own).
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.title == other.title
            && self.instrument == other.instrument
            && self.parties == other.parties
            && self.subjects == other.subjects
            && self.log == other.log
    }
}

impl Eq for Agreement {}

impl fmt::Debug for Agreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Agreement")
            .field("id", &self.id)
            .field("title", &self.title)
            .field("instrument", &self.instrument)
            .field("parties", &self.parties)
            .field("subjects", &self.subjects)
            .field("stage", &self.summary.stage)
            .field("policy", self.policy.get())
            .field("entries", &self.log)
            .finish()
    }
}

/// The events in force of an agreement, in history order; see
/// [`Agreement::history`].
#[derive(Debug, Clone)]
pub struct History<'a> {
    log: &'a [Entry],
    slots: slots::Iter<'a>,
}

impl<'a> History<'a> {
    fn event(&self, slot: &Slot) -> Option<&'a Event> {
        self.log.get(slot.version() as usize).and_then(Entry::event)
    }
}

impl<'a> Iterator for History<'a> {
    type Item = &'a Event;

    fn next(&mut self) -> Option<&'a Event> {
        let slot = self.slots.next()?;
        self.event(slot)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.slots.size_hint()
    }

    fn nth(&mut self, n: usize) -> Option<&'a Event> {
        let slot = self.slots.nth(n)?;
        self.event(slot)
    }
}

impl DoubleEndedIterator for History<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let slot = self.slots.next_back()?;
        self.event(slot)
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
        if self.subjects.is_empty() {
            f.write_str("unclassified")?;
        }
        for (i, area) in self.subjects.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{area}")?;
        }
        writeln!(f)?;
        writeln!(f, "  stage: {}", self.stage().label())?;
        let disputes: Vec<_> = self.disputes().collect();
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
            let rivals = disputes
                .iter()
                .filter(|dispute| dispute.event_id() == event.id())
                .flat_map(|dispute| dispute.rivals());
            for rival in rivals {
                writeln!(
                    f,
                    "      disputed: {} {} (entry {})",
                    rival.event.date(),
                    rival.event.kind().label(),
                    rival.entry
                )?;
                for source in rival.event.sources() {
                    writeln!(f, "        source: {source}")?;
                }
            }
        }
        Ok(())
    }
}

//! The agreement: a header plus a validated, dated history.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Field, Refusal, Step};
use crate::event::Event;
use crate::id::AgreementId;
use crate::instrument::InstrumentKind;
use crate::order::{Key, history_order};
use crate::party::Parties;
use crate::policy::{Policy, STANDARD, Violation};
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
/// # Atomic changes
///
/// [`Agreement::record`] either accepts the event and places it, or returns
/// an error and leaves the agreement exactly as it was.
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
    title: String,
    instrument: InstrumentKind,
    parties: Parties,
    /// Sorted, without duplicates.
    subjects: Vec<SubjectArea>,
    /// Every event, in the order it was recorded.
    log: Vec<Event>,
    /// Positions into `log`, in history order. Derived from `log`.
    order: Vec<u32>,
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
        // Every agreement holds at least one stage change (it opens with one),
        // so the fallback is never used.
        self.history()
            .rev()
            .find_map(Event::stage)
            .unwrap_or(Stage::Proposed)
    }

    /// The events in history order (see [the type docs](Agreement#history-order)).
    pub fn history(&self) -> History<'_> {
        History {
            log: &self.log,
            order: self.order.iter(),
        }
    }

    /// The events in the order they were recorded.
    pub fn recorded(&self) -> &[Event] {
        &self.log
    }

    /// The number of events.
    pub fn len(&self) -> usize {
        self.log.len()
    }

    /// Always `false`: an agreement holds at least its first event. Present
    /// for symmetry with [`Agreement::len`].
    pub fn is_empty(&self) -> bool {
        self.log.is_empty()
    }

    /// The event with this id.
    pub fn event(&self, id: crate::EventId) -> Option<&Event> {
        self.log.iter().find(|event| event.id() == id)
    }

    /// The entry-into-force event, if one is recorded.
    pub fn entry_into_force(&self) -> Option<&Event> {
        self.log
            .iter()
            .find(|event| event.kind() == crate::EventKind::EnteredIntoForce)
    }

    /// Records `event` under the [standard policy](Policy::standard),
    /// placing it in the history by its date.
    ///
    /// # Errors
    ///
    /// - [`Error::DuplicateEvent`] when an event with the same id is already
    ///   recorded;
    /// - [`Error::Refused`] when the resulting history would break a
    ///   lifecycle rule, at the event itself or at a later event that would
    ///   no longer fit.
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
        self.record_with(&STANDARD, event)
    }

    /// Records `event` under `policy`; otherwise as [`Agreement::record`].
    ///
    /// # Errors
    ///
    /// As [`Agreement::record`], with the rules of `policy`.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, Policy, SubjectArea};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let mut pact = Agreement::builder("Logistics", parties)
    ///     .subject(SubjectArea::Logistics)
    ///     .build(Event::new(EventKind::Proposed, "2024-01".parse()?))?;
    /// pact.record_with(&Policy::standard(), Event::new(EventKind::Deliberated, "2024-02".parse()?))?;
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn record_with(&mut self, policy: &Policy, event: Event) -> Result<(), Error> {
        let order = self.plan(policy, &event)?;
        let position = self.log.len() as u32;
        self.log.push(event);
        match order {
            Some(order) => self.order = order,
            None => self.order.push(position),
        }
        Ok(())
    }

    /// Whether `event` could be recorded under the standard policy, without
    /// recording it.
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
        self.check_with(&STANDARD, event)
    }

    /// Whether `event` could be recorded under `policy`, without recording
    /// it.
    ///
    /// # Errors
    ///
    /// The error [`Agreement::record_with`] would return.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, Policy, SubjectArea};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let pact = Agreement::builder("Logistics", parties)
    ///     .subject(SubjectArea::Logistics)
    ///     .build(Event::new(EventKind::Proposed, "2024-01".parse()?))?;
    /// assert!(pact.check_with(&Policy::standard(), &Event::new(EventKind::Deliberated, "2024-02".parse()?)).is_ok());
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn check_with(&self, policy: &Policy, event: &Event) -> Result<(), Error> {
        self.plan(policy, event).map(drop)
    }

    /// Validates recording `event`: `None` when it goes at the end of the
    /// history, or the new history order.
    fn plan(&self, policy: &Policy, event: &Event) -> Result<Option<Vec<u32>>, Error> {
        if self.log.iter().any(|existing| existing.id() == event.id()) {
            return Err(Error::DuplicateEvent {
                agreement: self.id,
                title: self.title.clone(),
                id: event.id(),
            });
        }
        let start = event.date().start();
        if self
            .log
            .iter()
            .all(|existing| existing.date().end() < start)
        {
            // Certainly after everything recorded: it goes last, and only the
            // step into it needs checking.
            let mut state = policy
                .replay(self.history())
                .map_err(|violation| self.refusal(Some(event), violation))?;
            let stage = state.stage;
            state.step(policy, event).map_err(|rule| {
                let violation = Violation {
                    position: self.log.len(),
                    event,
                    stage,
                    rule,
                };
                self.refusal(Some(event), violation)
            })?;
            return Ok(None);
        }
        let keys: Vec<Key> = self
            .log
            .iter()
            .chain(std::iter::once(event))
            .map(Key::of)
            .collect();
        let order = history_order(&keys);
        let events = order
            .iter()
            .filter_map(|position| self.log.get(*position as usize).or(Some(event)));
        policy
            .replay(events)
            .map_err(|violation| self.refusal(Some(event), violation))?;
        Ok(Some(order))
    }

    /// Builds the refusal for a violation in a history, where `attempted` is
    /// the event being recorded (if any).
    fn refusal(&self, attempted: Option<&Event>, violation: Violation<'_>) -> Error {
        let length = self.log.len() + usize::from(attempted.is_some());
        Error::Refused(Box::new(Refusal {
            agreement: self.id,
            title: self.title.clone(),
            attempted: attempted.map(Step::of),
            refused: Step::of(violation.event),
            stage: violation.stage,
            last: violation.position + 1 >= length,
            rule: violation.rule,
        }))
    }

    /// Validates a whole agreement, as loaded from a document.
    fn from_parts(policy: &Policy, header: Header, log: Vec<Event>) -> Result<Self, Error> {
        let mut agreement = header.into_agreement(log)?;
        let mut ids: Vec<crate::EventId> = agreement.log.iter().map(Event::id).collect();
        ids.sort_unstable();
        if let Some(&[id, _]) = ids.windows(2).find(|pair| pair.first() == pair.last()) {
            return Err(Error::DuplicateEvent {
                agreement: agreement.id,
                title: agreement.title.clone(),
                id,
            });
        }
        let keys: Vec<Key> = agreement.log.iter().map(Key::of).collect();
        agreement.order = history_order(&keys);
        if let Err(violation) = policy.replay(agreement.history()) {
            return Err(agreement.refusal(None, violation));
        }
        Ok(agreement)
    }
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
        let title = crate::text::non_blank(title).ok_or(Error::Blank {
            field: Field::Title,
        })?;
        if subjects.is_empty() {
            return Err(Error::NoSubjectArea { title });
        }
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

    /// The agreement with this log, checking that it opens with a stage
    /// change. The history order is left for the caller to set.
    fn into_agreement(self, log: Vec<Event>) -> Result<Agreement, Error> {
        match log.first() {
            Some(first) if first.kind().is_stage_change() => {}
            Some(first) => {
                return Err(Error::NotAStageChange {
                    title: self.title,
                    kind: first.kind(),
                    date: first.date(),
                });
            }
            None => return Err(Error::NoEvents { title: self.title }),
        }
        Ok(Agreement {
            id: self.id,
            title: self.title,
            instrument: self.instrument,
            parties: self.parties,
            subjects: self.subjects,
            log,
            order: Vec::new(),
        })
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
    /// policy.
    ///
    /// # Errors
    ///
    /// - [`Error::Blank`] for a title that is empty after trimming;
    /// - [`Error::NoSubjectArea`] when no subject area was given;
    /// - [`Error::NotAStageChange`] when `first` is informational: an
    ///   agreement opens with a stage change, so it always has a stage.
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
        self.build_with(&STANDARD, first)
    }

    /// Creates the agreement with its first event, under `policy` (which
    /// decides the stages a record may open at).
    ///
    /// # Errors
    ///
    /// As [`AgreementBuilder::build`], and [`Error::Refused`] when `policy`
    /// does not let a record open at the first event's stage.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, Policy, SubjectArea};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let pact = Agreement::builder("Logistics", parties)
    ///     .subject(SubjectArea::Logistics)
    ///     .build_with(&Policy::standard(), Event::new(EventKind::Finalised, "2024".parse()?))?;
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn build_with(self, policy: &Policy, first: Event) -> Result<Agreement, Error> {
        let header = Header::new(
            self.id.unwrap_or_else(AgreementId::new),
            self.title,
            self.instrument,
            self.parties,
            self.subjects,
        )?;
        Agreement::from_parts(policy, header, vec![first])
    }
}

/// The events of an agreement in history order; see [`Agreement::history`].
#[derive(Debug, Clone)]
pub struct History<'a> {
    log: &'a [Event],
    order: std::slice::Iter<'a, u32>,
}

impl<'a> Iterator for History<'a> {
    type Item = &'a Event;

    fn next(&mut self) -> Option<&'a Event> {
        let position = *self.order.next()?;
        self.log.get(position as usize)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.order.size_hint()
    }

    fn nth(&mut self, n: usize) -> Option<&'a Event> {
        let position = *self.order.nth(n)?;
        self.log.get(position as usize)
    }
}

impl DoubleEndedIterator for History<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let position = *self.order.next_back()?;
        self.log.get(position as usize)
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

/// Serde form of [`Agreement`]: the header and the events in recording
/// order, with the format version.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AgreementDoc {
    format: u32,
    id: AgreementId,
    title: String,
    #[serde(default)]
    instrument: InstrumentKind,
    parties: Parties,
    subjects: Vec<SubjectArea>,
    events: Vec<Event>,
}

impl Serialize for Agreement {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut doc = serializer.serialize_struct("Agreement", 7)?;
        doc.serialize_field("format", &FORMAT_VERSION)?;
        doc.serialize_field("id", &self.id)?;
        doc.serialize_field("title", &self.title)?;
        doc.serialize_field("instrument", &self.instrument)?;
        doc.serialize_field("parties", &self.parties)?;
        doc.serialize_field("subjects", &self.subjects)?;
        doc.serialize_field("events", &self.log)?;
        doc.end()
    }
}

impl<'de> Deserialize<'de> for Agreement {
    /// Deserialises and re-validates the whole agreement under the standard
    /// policy: a document that breaks any rule is refused.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let doc = AgreementDoc::deserialize(deserializer)?;
        Agreement::try_from(doc).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<AgreementDoc> for Agreement {
    type Error = Error;

    fn try_from(doc: AgreementDoc) -> Result<Self, Error> {
        if doc.format > FORMAT_VERSION {
            return Err(Error::UnsupportedFormat {
                found: doc.format,
                supported: FORMAT_VERSION,
            });
        }
        let header = Header::new(doc.id, doc.title, doc.instrument, doc.parties, doc.subjects)?;
        Agreement::from_parts(&STANDARD, header, doc.events)
    }
}

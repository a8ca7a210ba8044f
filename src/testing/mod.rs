//! Support for unit-testing policy workflows (feature `testing`).
//!
//! - Deterministic time: [`FixedClock`] and a
//!   [`ManualClock`] a test advances.
//! - Deterministic ids: [`Ids`], a sequential generator, so that snapshots
//!   and error messages are stable.
//! - Fixtures: the founding scenario's agreements ([`fixtures`]), and
//!   builders that make a valid agreement or event in one line with every
//!   field overridable ([`agreement`], [`event`]).
//! - A scenario harness, [`Scenario`]: start from a policy and a history
//!   (`given`), apply an event or a correction (`when`), and check the
//!   stage, the events, or the refusal (`then_*`). Its methods take and
//!   return `&mut Scenario`, so it reads fluently and can also be kept in a
//!   struct between the steps of a test framework.
//!
//! Helpers here panic on purpose: an assertion that fails must fail the
//! test, and a fixture given an impossible setup is a broken test. Their
//! messages say what a person needs: what was expected, what happened, the
//! policy's rule for the stage in question, and the agreement's timeline.
//!
//! ```
//! use bilateral::testing::{event, Scenario};
//! use bilateral::{EventKind, Policy, Stage};
//!
//! // Under the standard policy, finalising straight after deliberation is refused.
//! Scenario::new(Policy::standard())
//!     .given_events([event(EventKind::Proposed, "2024-01-10"), event(EventKind::Deliberated, "2024-03-05")])
//!     .when(event(EventKind::Finalised, "2024-06-01"))
//!     .then_refused_containing("finalisation can only follow an MoI")
//!     .then_stage(Stage::Deliberated);
//! ```
#![allow(clippy::panic, clippy::expect_used)]

use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use chrono::{DateTime, Datelike as _, Duration, Utc};

use crate::agreement::{Agreement, AgreementBuilder, AgreementError, Context};
use crate::clock::{Clock, FixedClock};
use crate::lifecycle::{Counterexample, Policy, Property};
use crate::model::{
    AgreementId, Event, EventBuilder, EventDate, EventId, EventKind, InstrumentKind, Parties,
    Party, Qualifier, Stage, StageSet, SubjectArea,
};

/// A clock a test sets and advances. Thread-safe; starts where you say.
///
/// ```
/// use bilateral::testing::ManualClock;
/// use bilateral::Clock;
/// let clock = ManualClock::new("2024-11-22T09:00:00Z".parse()?);
/// clock.advance(chrono::Duration::days(1));
/// assert_eq!(clock.now().to_rfc3339(), "2024-11-23T09:00:00+00:00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct ManualClock {
    micros: AtomicI64,
}

impl ManualClock {
    /// A clock showing `start` (to the microsecond).
    pub fn new(start: DateTime<Utc>) -> Self {
        ManualClock {
            micros: AtomicI64::new(start.timestamp_micros()),
        }
    }

    /// Moves the clock by `by` (backwards for a negative duration).
    pub fn advance(&self, by: Duration) {
        let step = by.num_microseconds().unwrap_or(i64::MAX);
        self.micros.fetch_add(step, Ordering::SeqCst);
    }

    /// Sets the clock to `to`.
    pub fn set(&self, to: DateTime<Utc>) {
        self.micros.store(to.timestamp_micros(), Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_micros(self.micros.load(Ordering::SeqCst)).unwrap_or_default()
    }
}

/// Sequential ids: agreements `a0000000-…-000000000001`, `…02`, and events
/// `e0000000-…-000000000001`, … in the order asked for. Thread-safe.
///
/// ```
/// use bilateral::testing::Ids;
/// let ids = Ids::new();
/// assert_eq!(ids.agreement().to_string(), "a0000000-0000-0000-0000-000000000001");
/// assert_eq!(ids.event().to_string(), "e0000000-0000-0000-0000-000000000001");
/// assert_eq!(ids.event().to_string(), "e0000000-0000-0000-0000-000000000002");
/// ```
#[derive(Debug, Default)]
pub struct Ids {
    agreements: AtomicU64,
    events: AtomicU64,
}

impl Ids {
    /// A generator starting at 1.
    pub fn new() -> Self {
        Self::default()
    }

    /// A generator whose first ids are `start + 1`: tests that share data can
    /// keep their ids apart.
    pub fn starting_at(start: u64) -> Self {
        Ids {
            agreements: AtomicU64::new(start),
            events: AtomicU64::new(start),
        }
    }

    /// The next agreement id.
    pub fn agreement(&self) -> AgreementId {
        let n = self.agreements.fetch_add(1, Ordering::SeqCst) + 1;
        AgreementId::from_uuid(uuid::Uuid::from_u128((0xa << 124) + u128::from(n)))
    }

    /// The next event id.
    pub fn event(&self) -> EventId {
        let n = self.events.fetch_add(1, Ordering::SeqCst) + 1;
        EventId::from_uuid(uuid::Uuid::from_u128((0xe << 124) + u128::from(n)))
    }
}

fn parse_date(text: &str) -> EventDate {
    text.parse()
        .unwrap_or_else(|err| panic!("test setup: {err}"))
}

/// An event of `kind` on `date` (text such as `"2024-11-22"`), with an id
/// of its own: see [`event_builder`].
///
/// ```
/// use bilateral::testing::event;
/// use bilateral::EventKind;
/// // Two meetings on one day are two events.
/// let (a, b) = (event(EventKind::Meeting, "2024-11-22"), event(EventKind::Meeting, "2024-11-22"));
/// assert_ne!(a.id(), b.id());
/// ```
///
/// # Panics
///
/// When `date` is not a valid date: a test setup error.
#[track_caller]
pub fn event(kind: EventKind, date: &str) -> Event {
    event_builder(kind, date)
        .build()
        .unwrap_or_else(|err| panic!("test setup: {err}"))
}

/// A builder for an event of `kind` on `date`, to override anything else
/// in one line.
///
/// The id is made from the kind, the date (with its precision and
/// qualifier) and the place in the source code of the call, so that two
/// calls in a test make two events, and a test run again makes the same
/// ids (no state is kept between calls). One call made twice, in a loop or
/// a helper function, gives the same id twice: give such events ids of
/// their own with [`Ids::event`] and [`EventBuilder::id`].
///
/// # Panics
///
/// When `date` is not a valid date: a test setup error.
#[track_caller]
pub fn event_builder(kind: EventKind, date: &str) -> EventBuilder {
    let date = parse_date(date);
    let call = std::panic::Location::caller();
    Event::builder(kind, date).id(fixture_event_id(kind, date, call))
}

/// `e`, then 60 bits of the call's place, then the kind (8 bits), the
/// qualifier (4), the precision (4) and the day (48).
fn fixture_event_id(kind: EventKind, date: EventDate, call: &std::panic::Location<'_>) -> EventId {
    // FNV-1a: stable across Rust versions, unlike the std hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let place = call
        .file()
        .bytes()
        .chain(call.line().to_le_bytes())
        .chain(call.column().to_le_bytes());
    for byte in place {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    let kind_number = EventKind::ALL
        .iter()
        .position(|k| *k == kind)
        .unwrap_or_default() as u128;
    let qualifier = match date.qualifier() {
        None => 0,
        Some(Qualifier::Uncertain) => 1,
        Some(Qualifier::Approximate) => 2,
        Some(Qualifier::UncertainApproximate) => 3,
    };
    let day =
        u128::try_from(date.start().num_days_from_ce()).unwrap_or_default() & 0xffff_ffff_ffff;
    let precision = date.precision() as u128;
    let id = (0xe << 124)
        + (u128::from(hash >> 4) << 64)
        + (kind_number << 56)
        + (qualifier << 52)
        + (precision << 48)
        + day;
    EventId::from_uuid(uuid::Uuid::from_u128(id))
}

/// The start of a fixture agreement with sensible defaults: India and Japan,
/// logistics, "Test agreement", an agreement opened by a proposal on
/// 2024-01-01, id `a0000000-…-000000000001`. Override any of them, then
/// [`AgreementSpec::build`].
///
/// ```
/// use bilateral::testing::agreement;
/// use bilateral::{Stage, SubjectArea};
/// let pact = agreement().title("Space pact").subject(SubjectArea::Space).opened(Stage::Deliberated, "2024-06").build();
/// assert_eq!(pact.stage(), Stage::Deliberated);
/// assert_eq!(pact.title(), "Space pact");
/// ```
pub fn agreement() -> AgreementSpec {
    AgreementSpec {
        id: AgreementId::from_uuid(uuid::Uuid::from_u128((0xa << 124) + 1)),
        title: "Test agreement".to_owned(),
        parties: (("IND", "India"), ("JPN", "Japan")),
        subjects: Vec::new(),
        instrument: InstrumentKind::Agreement,
        first: event(EventKind::Proposed, "2024-01-01"),
        policy: None,
    }
}

/// A fixture agreement being set up; see [`agreement`].
#[derive(Debug, Clone)]
#[must_use = "a spec does nothing until `build` is called"]
pub struct AgreementSpec {
    id: AgreementId,
    title: String,
    parties: ((&'static str, &'static str), (&'static str, &'static str)),
    subjects: Vec<SubjectArea>,
    instrument: InstrumentKind,
    first: Event,
    policy: Option<Policy>,
}

impl AgreementSpec {
    /// Sets the id.
    pub fn id(mut self, id: AgreementId) -> Self {
        self.id = id;
        self
    }

    /// Sets the title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// Sets the parties, as (code, name) pairs.
    pub fn parties(
        mut self,
        a: (&'static str, &'static str),
        b: (&'static str, &'static str),
    ) -> Self {
        self.parties = (a, b);
        self
    }

    /// Adds a subject area (logistics when none is added).
    pub fn subject(mut self, area: SubjectArea) -> Self {
        self.subjects.push(area);
        self
    }

    /// Sets the kind of instrument.
    pub fn instrument(mut self, instrument: InstrumentKind) -> Self {
        self.instrument = instrument;
        self
    }

    /// Opens the record at `stage` on `date` instead of a proposal on
    /// 2024-01-01.
    pub fn opened(mut self, stage: Stage, date: &str) -> Self {
        self.first = event(EventKind::from(stage), date);
        self
    }

    /// Opens the record with this event.
    pub fn first(mut self, event: Event) -> Self {
        self.first = event;
        self
    }

    /// Builds under this policy (the standard one by default).
    ///
    /// A [`Scenario`] runs under the policy it was made with: given a spec
    /// that names another, [`Scenario::given_events_in`] and
    /// [`Scenario::when_opened_in`] fail the test rather than ignore it.
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = Some(policy);
        self
    }

    /// The agreement, built with a clock at 2030-01-01 so that fixture dates
    /// are never in the future; it keeps that clock and the policy, so its
    /// plain methods ([`Agreement::record`]) are deterministic too.
    ///
    /// # Panics
    ///
    /// When the spec cannot make a valid agreement (a test setup error),
    /// with the error's message.
    pub fn build(self) -> Agreement {
        self.try_build()
            .unwrap_or_else(|err| panic!("test setup: {err}"))
    }

    /// The agreement, or why the spec cannot make one.
    ///
    /// # Errors
    ///
    /// The errors of [`AgreementBuilder::build_with`] and of the parties.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::testing::agreement;
    /// assert!(agreement().parties(("IND", "India"), ("IND", "India")).try_build().is_err());
    /// let pact = agreement().title("Trade pact").try_build()?;
    /// assert_eq!(pact.title(), "Trade pact");
    /// # Ok::<(), bilateral::agreement::AgreementError>(())
    /// ```
    pub fn try_build(self) -> Result<Agreement, AgreementError> {
        let mut header = self.header()?.clock(FixedClock::new(fixture_now()));
        if let Some(policy) = self.policy {
            header = header.policy(policy);
        }
        header.build(self.first)
    }

    fn header(&self) -> Result<AgreementBuilder, AgreementError> {
        let ((a_code, a_name), (b_code, b_name)) = self.parties;
        let parties = Parties::new(Party::state(a_code, a_name)?, Party::state(b_code, b_name)?)?;
        Ok(Agreement::builder(self.title.clone(), parties)
            .id(self.id)
            .instrument(self.instrument)
            .subjects(if self.subjects.is_empty() {
                vec![SubjectArea::Logistics]
            } else {
                self.subjects.clone()
            }))
    }
}

fn fixture_now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_893_456_000, 0).unwrap_or_default() // 2030-01-01T00:00:00Z
}

/// The founding scenario's agreements, as ready-made values with stable
/// ids.
pub mod fixtures {
    use super::{event_builder, fixture_now};
    use crate::{
        Agreement, AgreementId, Context, EventKind, FixedClock, InstrumentKind, Parties, Party,
        Policy, Representative, Source, SubjectArea,
    };

    fn id(n: u128) -> AgreementId {
        AgreementId::from_uuid(uuid::Uuid::from_u128((0xf << 124) + n))
    }

    /// India (`IND`).
    pub fn india() -> Party {
        Party::state("IND", "India").unwrap_or_else(|err| panic!("fixture: {err}"))
    }

    /// Japan (`JPN`).
    pub fn japan() -> Party {
        Party::state("JPN", "Japan").unwrap_or_else(|err| panic!("fixture: {err}"))
    }

    /// The Philippines (`PHL`).
    pub fn philippines() -> Party {
        Party::state("PHL", "Philippines").unwrap_or_else(|err| panic!("fixture: {err}"))
    }

    fn build(
        n: u128,
        title: &str,
        parties: (Party, Party),
        instrument: InstrumentKind,
        subjects: &[SubjectArea],
        first: crate::Event,
    ) -> Agreement {
        let policy = Policy::standard();
        let clock = FixedClock::new(fixture_now());
        let parties =
            Parties::new(parties.0, parties.1).unwrap_or_else(|err| panic!("fixture: {err}"));
        Agreement::builder(title, parties)
            .id(id(n))
            .instrument(instrument)
            .subjects(subjects.iter().cloned())
            .build_with(&Context::new(&policy, &clock), first)
            .unwrap_or_else(|err| panic!("fixture: {err}"))
    }

    /// The India–Japan reciprocal provision of supplies and services
    /// agreement: deliberated at Vientiane on 2024-11-22, on the sidelines of
    /// the 11th ADMM-Plus, reported on 2024-11-23.
    pub fn rpss() -> Agreement {
        let singh = Representative::new("Rajnath Singh", "Minister of Defence", india().code());
        let nakatani = Representative::new("Gen Nakatani", "Minister of Defense", japan().code());
        let report =
            Source::new("News report", "Defence ministers meet in Vientiane").map(|source| {
                source.published(
                    "2024-11-23"
                        .parse()
                        .unwrap_or_else(|err| panic!("fixture: {err}")),
                )
            });
        let talks = event_builder(EventKind::Deliberated, "2024-11-22")
            .venue("Vientiane")
            .occasion("11th ADMM-Plus")
            .participants([singh, nakatani].into_iter().flatten())
            .sources(report)
            .build()
            .unwrap_or_else(|err| panic!("fixture: {err}"));
        build(
            1,
            "Reciprocal Provision of Supplies and Services",
            (india(), japan()),
            InstrumentKind::Agreement,
            &[SubjectArea::Logistics],
            talks,
        )
    }

    /// The UNICORN mast memorandum of implementation: entering the record at
    /// "MoI signed" on 2024-11-15, in Tokyo.
    pub fn unicorn_moi() -> Agreement {
        let signed = event_builder(EventKind::MoiSigned, "2024-11-15")
            .venue("Tokyo")
            .build()
            .unwrap_or_else(|err| panic!("fixture: {err}"));
        build(
            2,
            "Co-development of the UNICORN mast",
            (india(), japan()),
            InstrumentKind::MemorandumOfImplementation,
            &[SubjectArea::CoDevelopment, SubjectArea::DefenceTechnology],
            signed,
        )
    }

    /// India–Philippines cooperation: proposed in November 2024, covering
    /// counter-terrorism, space, maritime security and defence industry.
    pub fn india_philippines() -> Agreement {
        let proposed = event_builder(EventKind::Proposed, "2024-11")
            .build()
            .unwrap_or_else(|err| panic!("fixture: {err}"));
        build(
            3,
            "India–Philippines defence cooperation",
            (india(), philippines()),
            InstrumentKind::MemorandumOfUnderstanding,
            &[
                SubjectArea::CounterTerrorism,
                SubjectArea::Space,
                SubjectArea::MaritimeSecurity,
                SubjectArea::DefenceIndustry,
            ],
            proposed,
        )
    }
}

/// What the last `when` did.
#[derive(Debug, Clone)]
enum Outcome {
    Accepted,
    Refused(AgreementError),
}

/// A scenario: a policy, an agreement, and the outcome of the last change.
///
/// `given_*` sets up, `when_*` makes a change (keeping its outcome, never
/// panicking), `then_*` checks; each returns `&mut Scenario`, so a test
/// chains them or keeps the scenario between steps. Time is a
/// [`ManualClock`] at 2030-01-01 unless you set another
/// ([`Scenario::clock`]).
///
/// ```
/// use bilateral::testing::{event, Scenario};
/// use bilateral::{EventKind, Policy, Stage};
///
/// // Kept between steps, as a test framework's world would.
/// let mut world = Scenario::new(Policy::strict());
/// world.given_events([event(EventKind::Proposed, "2024-01-10")]);
/// world.when(event(EventKind::Deliberated, "2024-02-01"));
/// world.then_accepted().then_stage(Stage::Deliberated);
/// world.when(event(EventKind::Proposed, "2024-03-01"));
/// world.then_refused_by(|err| err.refusal().is_some());
/// ```
#[derive(Debug)]
pub struct Scenario {
    policy: Policy,
    clock: ManualClock,
    agreement: Option<Agreement>,
    last: Option<(String, Option<EventKind>, Outcome)>,
}

impl Scenario {
    /// A scenario under `policy`, with no agreement yet.
    pub fn new(policy: Policy) -> Self {
        Scenario {
            policy,
            clock: ManualClock::new(fixture_now()),
            agreement: None,
            last: None,
        }
    }

    /// The scenario's clock, to set or advance.
    pub fn clock(&self) -> &ManualClock {
        &self.clock
    }

    /// The agreement as it stands.
    ///
    /// # Panics
    ///
    /// Before any `given_*`.
    pub fn agreement(&self) -> &Agreement {
        self.agreement.as_ref().unwrap_or_else(|| {
            panic!("scenario: no agreement yet; start with given or given_events")
        })
    }

    /// The error of the last change, if it was refused.
    pub fn error(&self) -> Option<&AgreementError> {
        match &self.last {
            Some((_, _, Outcome::Refused(err))) => Some(err),
            _ => None,
        }
    }

    /// Starts from this agreement.
    pub fn given(&mut self, agreement: Agreement) -> &mut Self {
        self.agreement = Some(agreement);
        self.last = None;
        self
    }

    /// Starts from a fixture agreement (see [`agreement`]) holding these
    /// events, recorded in order under the scenario's policy; the first
    /// opens the record.
    ///
    /// # Panics
    ///
    /// When the events do not make a valid history under the policy: the
    /// setup itself is wrong. The message says which event and why.
    pub fn given_events(&mut self, events: impl IntoIterator<Item = Event>) -> &mut Self {
        self.given_events_in(agreement(), events)
    }

    /// As [`Scenario::given_events`], with the agreement's header from
    /// `spec` (its first event is replaced by the first of `events`).
    ///
    /// # Panics
    ///
    /// As [`Scenario::given_events`].
    pub fn given_events_in(
        &mut self,
        spec: AgreementSpec,
        events: impl IntoIterator<Item = Event>,
    ) -> &mut Self {
        let mut events = events.into_iter();
        let Some(first) = events.next() else {
            panic!("scenario: given_events needs at least the event that opens the record");
        };
        let header = self.header_of(&spec);
        let context = Context::new(&self.policy, &self.clock);
        let mut agreement = header
            .build_with(&context, first)
            .unwrap_or_else(|err| panic!("scenario setup: the opening event is refused: {err}"));
        for event in events {
            if let Err(err) = agreement.record_with(&context, event) {
                panic!(
                    "scenario setup: a given event is refused: {err}\n\n{}\ntimeline so far:\n{}",
                    self.rule_for(err.refusal().map(|r| r.attempted().map(|s| s.kind))),
                    agreement.timeline()
                );
            }
        }
        self.agreement = Some(agreement);
        self.last = None;
        self
    }

    /// The header of `spec`, which must not name another policy than the
    /// scenario's.
    fn header_of(&self, spec: &AgreementSpec) -> AgreementBuilder {
        if let Some(policy) = spec
            .policy
            .as_ref()
            .filter(|policy| **policy != self.policy)
        {
            panic!(
                "scenario setup: the agreement spec names policy {:?}, but the scenario runs under {:?}; \
                 give the policy to Scenario::new",
                policy.name(),
                self.policy.name()
            );
        }
        spec.header()
            .unwrap_or_else(|err| panic!("scenario setup: {err}"))
    }

    /// Opens a fixture agreement (see [`agreement`]) with `event`, keeping
    /// the outcome: accepted, the scenario goes on with the new agreement;
    /// refused, nothing changes. This is the step that tests which events
    /// may open a record.
    ///
    /// ```
    /// use bilateral::testing::{event, Scenario};
    /// use bilateral::{EventKind, Policy, Stage};
    ///
    /// Scenario::new(Policy::strict())
    ///     .when_opened(event(EventKind::Finalised, "2024-01-10"))
    ///     .then_refused_containing("a record can only open at proposed")
    ///     .when_opened(event(EventKind::Proposed, "2024-01-10"))
    ///     .then_accepted()
    ///     .then_stage(Stage::Proposed);
    /// ```
    pub fn when_opened(&mut self, event: Event) -> &mut Self {
        self.when_opened_in(agreement(), event)
    }

    /// As [`Scenario::when_opened`], with the agreement's header from
    /// `spec` (its first event is replaced by `event`).
    ///
    /// # Panics
    ///
    /// When `spec` cannot make an agreement's header (a test setup error),
    /// or names another policy than the scenario's.
    pub fn when_opened_in(&mut self, spec: AgreementSpec, event: Event) -> &mut Self {
        let header = self.header_of(&spec);
        let label = format!(
            "opening the record with \"{}\" on {}",
            event.kind(),
            event.date()
        );
        let kind = Some(event.kind());
        let context = Context::new(&self.policy, &self.clock);
        let outcome = match header.build_with(&context, event) {
            Ok(agreement) => {
                self.agreement = Some(agreement);
                Outcome::Accepted
            }
            Err(err) => Outcome::Refused(err),
        };
        self.last = Some((label, kind, outcome));
        self
    }

    fn run(
        &mut self,
        label: String,
        kind: Option<EventKind>,
        change: impl FnOnce(&mut Agreement, &Context<'_>) -> Result<(), AgreementError>,
    ) -> &mut Self {
        let Some(agreement) = self.agreement.as_mut() else {
            panic!("scenario: nothing to change yet; start with given or given_events");
        };
        let context = Context::new(&self.policy, &self.clock);
        let outcome = match change(agreement, &context) {
            Ok(()) => Outcome::Accepted,
            Err(err) => Outcome::Refused(err),
        };
        self.last = Some((label, kind, outcome));
        self
    }

    /// Records `event`, keeping the outcome.
    pub fn when(&mut self, event: Event) -> &mut Self {
        let label = format!("recording \"{}\" on {}", event.kind(), event.date());
        let kind = Some(event.kind());
        self.run(label, kind, |agreement, context| {
            agreement.record_with(context, event).map(drop)
        })
    }

    /// Corrects the event with the same id as `event`, keeping the outcome.
    pub fn when_corrected(&mut self, event: Event) -> &mut Self {
        let label = format!(
            "correcting {} to \"{}\" on {}",
            event.id(),
            event.kind(),
            event.date()
        );
        let kind = Some(event.kind());
        self.run(label, kind, |agreement, context| {
            agreement.correct_with(context, event).map(drop)
        })
    }

    /// Retracts the event with this id, keeping the outcome.
    pub fn when_retracted(&mut self, id: EventId, reason: &str) -> &mut Self {
        let label = format!("retracting {id}");
        self.run(label, None, |agreement, context| {
            agreement.retract_with(context, id, reason).map(drop)
        })
    }

    fn last(&self) -> &(String, Option<EventKind>, Outcome) {
        self.last
            .as_ref()
            .unwrap_or_else(|| panic!("scenario: nothing happened yet; call when first"))
    }

    /// What the policy says about the stage an event kind moves to.
    fn rule_for(&self, kind: Option<Option<EventKind>>) -> String {
        match kind.flatten().and_then(EventKind::stage) {
            Some(stage) => rule_text(&self.policy, stage),
            None => format!("policy {:?}", self.policy.name()),
        }
    }

    /// Fails the test with the expectation, what happened, the rule and the
    /// timeline.
    fn fail(&self, expected: &str) -> ! {
        let (label, kind, outcome) = self.last();
        let happened = match outcome {
            Outcome::Accepted => "it was accepted".to_owned(),
            Outcome::Refused(err) => format!("it was refused: {err}"),
        };
        let timeline = self
            .agreement
            .as_ref()
            .map_or_else(String::new, |agreement| agreement.timeline().to_string());
        panic!(
            "scenario: {label}: expected {expected}, but {happened}\n\n{}\n\ntimeline:\n{timeline}",
            self.rule_for(Some(*kind))
        );
    }

    /// Checks that the last change was accepted.
    pub fn then_accepted(&mut self) -> &mut Self {
        if !matches!(self.last().2, Outcome::Accepted) {
            self.fail("it to be accepted");
        }
        self
    }

    /// Checks that the last change was refused.
    pub fn then_refused(&mut self) -> &mut Self {
        if matches!(self.last().2, Outcome::Accepted) {
            self.fail("it to be refused");
        }
        self
    }

    /// Checks that the last change was refused with an error `check`
    /// accepts (match the kind with `matches!`).
    pub fn then_refused_by(&mut self, check: impl FnOnce(&AgreementError) -> bool) -> &mut Self {
        match &self.last().2 {
            Outcome::Refused(err) if check(err) => self,
            _ => self.fail("it to be refused with an error of the kind checked"),
        }
    }

    /// Checks that the last change was refused with a message containing
    /// `fragment`.
    pub fn then_refused_containing(&mut self, fragment: &str) -> &mut Self {
        match &self.last().2 {
            Outcome::Refused(err) if err.to_string().contains(fragment) => self,
            _ => self.fail(&format!(
                "it to be refused with a message containing {fragment:?}"
            )),
        }
    }

    /// Checks the agreement's current stage.
    pub fn then_stage(&mut self, stage: Stage) -> &mut Self {
        let actual = self.agreement().stage();
        if actual != stage {
            if self.last.is_some() {
                self.fail(&format!(
                    "the agreement to be {} afterwards (it is {})",
                    stage.label(),
                    actual.label()
                ));
            }
            panic!(
                "scenario: expected the agreement to be {}, but it is {}\n\ntimeline:\n{}",
                stage.label(),
                actual.label(),
                self.agreement().timeline()
            );
        }
        self
    }

    /// Checks the kinds of the events in force, in history order.
    pub fn then_events(&mut self, kinds: &[EventKind]) -> &mut Self {
        let actual: Vec<EventKind> = self.agreement().history().map(Event::kind).collect();
        if actual != kinds {
            let names = |kinds: &[EventKind]| {
                kinds
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let expected = format!(
                "the events to be [{}] (they are [{}])",
                names(kinds),
                names(&actual)
            );
            if self.last.is_some() {
                self.fail(&expected);
            }
            panic!(
                "scenario: expected {expected}\n\ntimeline:\n{}",
                self.agreement().timeline()
            );
        }
        self
    }
}

/// What `policy` says about `stage`: what it may follow, whether a record
/// may open there, and the guards on the way in.
fn rule_text(policy: &Policy, stage: Stage) -> String {
    let mut text = String::new();
    let before: Vec<&str> = policy
        .allowed_before(stage)
        .iter()
        .map(Stage::as_str)
        .collect();
    let _ = write!(
        text,
        "policy {:?}: {} may follow {}",
        policy.name(),
        stage,
        if before.is_empty() {
            "nothing (it only opens a record)".to_owned()
        } else {
            before.join(", ")
        }
    );
    if policy.entry_stages().contains(stage) {
        let _ = write!(text, ", and may open a record");
    }
    let guards: Vec<String> = policy
        .guards()
        .filter(|(on, _)| {
            on.applies(None, stage)
                || policy
                    .allowed_before(stage)
                    .iter()
                    .any(|from| on.applies(Some(from), stage))
        })
        .map(|(on, guard)| format!("{} on {on}", guard.name()))
        .collect();
    if !guards.is_empty() {
        let _ = write!(text, "; guards: {}", guards.join(", "));
    }
    text
}

/// Checks properties of a policy over every history it allows, in a test.
///
/// The companion of [`Scenario`] for rules rather than examples: each
/// `assert_*` states one [`Property`], checks it with [`Policy::verify`]
/// (exhaustively, over histories of any length), and when the policy
/// breaks it fails the test with the property, the shortest counterexample
/// as a timeline and as code to paste into a [`Scenario`], and the
/// policy's rule for each stage of the story.
///
/// Guards are code the check cannot read: the properties hold over the
/// policy's table (see [`Policy::verify`]).
///
/// ```
/// use bilateral::testing::PolicyCheck;
/// use bilateral::{Policy, Stage};
///
/// PolicyCheck::new(Policy::strict())
///     .assert_every_path(Stage::Finalised, Stage::MoiSigned)
///     .assert_reachable(Stage::Withdrawn, [Stage::Proposed, Stage::Deliberated, Stage::MoiSigned])
///     .assert_unreachable(Stage::Finalised, Stage::Withdrawn)
///     .assert("nothing follows terminated".parse().unwrap());
/// ```
#[derive(Debug, Clone)]
pub struct PolicyCheck {
    policy: Policy,
}

impl PolicyCheck {
    /// Checks for `policy`.
    pub fn new(policy: Policy) -> Self {
        PolicyCheck { policy }
    }

    /// The policy checked.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Checks that the policy keeps `property`.
    ///
    /// # Panics
    ///
    /// When it does not: the message holds the counterexample.
    #[track_caller]
    pub fn assert(&mut self, property: Property) -> &mut Self {
        if let Err(counterexample) = self.policy.verify(property) {
            panic!("{}", failure_report(&counterexample));
        }
        self
    }

    /// Checks that every history that steps into `to` passes `through`
    /// ([`Property::EveryPathPasses`]).
    ///
    /// # Panics
    ///
    /// When one does not: the message holds the shortest.
    #[track_caller]
    pub fn assert_every_path(&mut self, to: Stage, through: Stage) -> &mut Self {
        self.assert(Property::EveryPathPasses { to, through })
    }

    /// Checks that `target` can still be reached from each stage of `from`,
    /// whatever came before ([`Property::Reachable`]).
    ///
    /// # Panics
    ///
    /// When it cannot from one: the message holds the shortest history
    /// that gets there.
    #[track_caller]
    pub fn assert_reachable(&mut self, target: Stage, from: impl Into<StageSet>) -> &mut Self {
        self.assert(Property::Reachable {
            target,
            from: from.into(),
        })
    }

    /// Checks that no history reaches `target` once it passed a stage of
    /// `from` ([`Property::Unreachable`]).
    ///
    /// # Panics
    ///
    /// When one does: the message holds the shortest.
    #[track_caller]
    pub fn assert_unreachable(&mut self, target: Stage, from: impl Into<StageSet>) -> &mut Self {
        self.assert(Property::Unreachable {
            target,
            from: from.into(),
        })
    }

    /// Checks that the policy breaks `property`, and returns the
    /// counterexample to look into: for a test that a rule change lets
    /// something through.
    ///
    /// # Panics
    ///
    /// When the policy keeps `property`.
    #[track_caller]
    pub fn assert_broken(&self, property: Property) -> Counterexample {
        self.policy.verify(property).err().unwrap_or_else(|| {
            panic!(
                "policy check: expected policy {:?} to break \"{property}\", but every history it allows keeps it",
                self.policy.name()
            )
        })
    }
}

/// What a test that found a broken property prints: the property, the
/// story as a timeline and as code, and the rules of the stages on it.
fn failure_report(counterexample: &Counterexample) -> String {
    let policy = counterexample.policy();
    let mut text = format!(
        "policy check: expected policy {:?} to keep \"{}\", but it does not:\n{counterexample}\n\nthe shortest story that shows it:\n{}",
        policy.name(),
        counterexample.property(),
        counterexample.timeline()
    );
    let opaque = counterexample.opaque_guards();
    if !opaque.is_empty() {
        let _ = writeln!(
            text,
            "(guards the check cannot read may refuse a step of it: {})",
            opaque.join(", ")
        );
    }
    let _ = write!(
        text,
        "\nas a scenario:\n{}\nthe rules on the way:\n",
        scenario_code(counterexample)
    );
    let mut seen = StageSet::EMPTY;
    for stage in counterexample.story().stages() {
        if !seen.contains(stage) {
            seen = seen.with(stage);
            let _ = writeln!(text, "  {}", rule_text(policy, stage));
        }
    }
    text
}

/// A counterexample's history as code to paste into a test: a
/// [`Scenario`] under the policy, given the story's events (between the
/// fixture parties of [`agreement`], India and Japan, where a guard asks
/// for both parties' representatives), then checking the stage it ends at.
///
/// ```
/// use bilateral::lifecycle::Property;
/// use bilateral::testing::scenario_code;
/// use bilateral::{Policy, Stage};
/// let no = Policy::standard().verify(Property::NeverOpensAt(Stage::Finalised)).unwrap_err();
/// assert_eq!(scenario_code(&no), "\
/// Scenario::new(policy)
///     .given_events([
///         event(EventKind::Finalised, \"2000-01-01\"),
///     ])
///     .then_stage(Stage::Finalised);
/// ");
/// ```
pub fn scenario_code(counterexample: &Counterexample) -> String {
    let history = Parties::new(fixtures::india(), fixtures::japan()).map_or_else(
        |_| counterexample.history(),
        |parties| counterexample.history_between(&parties),
    );
    let mut code = String::from("Scenario::new(policy)\n    .given_events([\n");
    for event in history {
        let kind = format!("EventKind::{:?}", event.kind());
        let date = event.date();
        if event.sources().is_empty() && event.participants().is_empty() {
            let _ = writeln!(code, "        event({kind}, \"{date}\"),");
            continue;
        }
        let _ = writeln!(code, "        event_builder({kind}, \"{date}\")");
        for source in event.sources() {
            let _ = writeln!(
                code,
                "            .source(Source::new({:?}, {:?}).unwrap())",
                source.publisher(),
                source.title()
            );
        }
        for person in event.participants() {
            let _ = writeln!(
                code,
                "            .participant(Representative::new({:?}, {:?}, \"{}\".parse().unwrap()).unwrap())",
                person.name(),
                person.office(),
                person.party()
            );
        }
        let _ = writeln!(code, "            .build()\n            .unwrap(),");
    }
    let _ = writeln!(
        code,
        "    ])\n    .then_stage(Stage::{:?});",
        counterexample.story().end()
    );
    code
}

//! Track agreements between two parties (treaties, memoranda, policy
//! workflows) through a validated lifecycle.
//!
//! `bilateral` models a bilateral agreement as a header (two parties, a
//! title, the kind of instrument, subject areas) and a dated history of
//! events. The agreement's [`Stage`] (proposed, deliberated, MoI signed,
//! finalised, withdrawn, terminated) is derived from that history, and every
//! change is checked against the lifecycle before anything is written: an
//! impossible change is refused with an error that names the agreement, the
//! stage it was in, the event refused, the dates and the rule.
//!
//! # Contents
//!
//! - [Quick start](#quick-start)
//! - [The model](#the-model)
//! - [The lifecycle](#the-lifecycle)
//! - [Custom lifecycles](#custom-lifecycles)
//! - [A typed lifecycle](#a-typed-lifecycle)
//! - [Dates of different precision](#dates-of-different-precision)
//! - [Corrections and the audit trail](#corrections-and-the-audit-trail)
//! - [Two kinds of time](#two-kinds-of-time)
//! - [Timelines](#timelines)
//! - [Trackers](#trackers)
//! - [Errors](#errors)
//! - [Serialisation](#serialisation)
//! - [Architecture](#architecture)
//! - [Crate features](#crate-features)
//! - [Design decisions](#design-decisions)
//!
//! # Quick start
//!
//! India and Japan deliberated a logistics agreement on the sidelines of the
//! 11th ADMM-Plus in Vientiane on 2024-11-22 (reported the next day). It was
//! not finalised: finalising it now, without an MoI, is refused.
//!
//! ```
//! use bilateral::{Agreement, Event, EventKind, Parties, Party, Representative, Source, Stage, SubjectArea};
//!
//! let india = Party::state("IND", "India")?;
//! let japan = Party::state("JPN", "Japan")?;
//!
//! let talks = Event::builder(EventKind::Deliberated, "2024-11-22".parse()?)
//!     .venue("Vientiane")
//!     .occasion("11th ADMM-Plus")
//!     .participant(Representative::new("Rajnath Singh", "Minister of Defence", india.code())?)
//!     .participant(Representative::new("Gen Nakatani", "Minister of Defense", japan.code())?)
//!     .source(Source::new("The Hindu", "Rajnath Singh meets Japanese counterpart")?.published("2024-11-23".parse()?))
//!     .build()?;
//!
//! let mut rpss = Agreement::builder("Reciprocal Provision of Supplies and Services", Parties::new(india, japan)?)
//!     .subject(SubjectArea::Logistics)
//!     .build(talks)?;
//! assert_eq!(rpss.stage(), Stage::Deliberated);
//!
//! let before = rpss.clone();
//! let err = rpss.record(Event::new(EventKind::Finalised, "2024-11-25".parse()?)).unwrap_err();
//! assert!(err.to_string().ends_with("it is deliberated since 2024-11-22, and under policy \"standard\" finalisation can only follow an MoI"));
//! assert_eq!(rpss, before); // a refused change changes nothing
//! # Ok::<(), bilateral::Error>(())
//! ```
//!
//! The examples model the whole founding scenario
//! (`cargo run --example vientiane_2024`) and a corrected history with its
//! audit trail, timeline and JSON form
//! (`cargo run --example corrected_history`).
//!
//! # The model
//!
//! | type | what it is |
//! |---|---|
//! | [`Party`], [`PartyCode`] | a state or organisation, with a stable code (`IND`, `JPN`, `CASTILE`, `EC`) |
//! | [`Parties`] | the two distinct parties of an agreement; India–Japan equals Japan–India |
//! | [`Representative`] | a person acting for a party at an event |
//! | [`SubjectArea`] | logistics, maritime security, space…, or a user-defined area |
//! | [`InstrumentKind`] | agreement, memorandum of understanding or of implementation, protocol… |
//! | [`Occasion`] | a summit or round of talks known once, which events of several agreements refer to by name |
//! | [`Link`], [`LinkKind`] | what an agreement implements, amends, extends, supersedes or terminates, made by one of its events |
//! | [`EventDate`] | a date known to the day, the month or the year, possibly uncertain or approximate |
//! | [`Source`] | where a fact came from, with its own publication date |
//! | [`Event`], [`EventKind`] | a dated stage change or informational entry, with venue, occasion, participants, summary, sources |
//! | [`Agreement`] | the header plus the history; its [`Stage`] is derived |
//! | [`Entry`], [`Change`], [`Receipt`] | one recorded change (record, correction, retraction) of the audit trail, and what an accepted change did |
//! | [`Policy`], [`Rule`], [`Refusal`] | the lifecycle rules as data, the rule that refused a change, and the refusal naming everything |
//! | [`Guard`], [`Trigger`], [`Observer`] | vetoes attached to a policy, and listeners told of accepted stage changes |
//! | [`Context`], [`Clock`] | the policy, the clock and the observer a change is made under |
//! | [`Timeline`], [`agreement::AuditTrail`], [`agreement::StageOn`] | views of a history |
//! | [`Tracker`], [`tracker::Query`] | many agreements, versioned and indexed, and queries over them |
//! | [`Typed`], [`AnyTyped`] | an agreement typed by its stage, whose methods are the legal moves |
//! | [`Error`], [`ErrorKind`] | any error of the crate, and its kind to match on |
//!
//! Every constructor validates, so an invalid value cannot exist: a
//! [`PartyCode`] is always 2 to 16 ASCII letters, digits, `-` or `_`, upper
//! case; a title is never blank; the two parties are always distinct.
//!
//! # The lifecycle
//!
//! ```text
//! Proposed ──► Deliberated ──► MoiSigned ──► Finalised ──► Terminated
//!    │            │  ▲ (more rounds)  │
//!    └────────────┴──┴────────────────┴──► Withdrawn
//! ```
//!
//! The [standard policy](Policy::standard) allows exactly these steps. An
//! agreement is created with its first stage change and may enter the record
//! at any stage (the UNICORN mast MoI enters at "MoI signed"); earlier stages
//! stay unrecorded and nothing is invented. Withdrawn and terminated are
//! final, though meetings, statements and notes may still be recorded after
//! them. Entry into force can only follow finalisation.
//!
//! History is kept in date order. News that arrives late is inserted at its
//! place and the whole resulting history is validated again; if it would be
//! invalid, the call fails and nothing changes. See
//! [`Agreement`](Agreement#history-order) for the exact order, including
//! same-day events (by the lifecycle, then by recording order).
//!
//! # Custom lifecycles
//!
//! A [`Policy`] is a value: a transition table, the stages a record may
//! open at, and [`Guard`]s that may veto a change, each attached where a
//! [`Trigger`] says. Start from [`Policy::standard`] or [`Policy::strict`],
//! allow or forbid transitions, attach guards (the built-in
//! [`BothPartiesRepresented`](lifecycle::BothPartiesRepresented), [`CitesSource`](lifecycle::CitesSource), [`ExactDate`](lifecycle::ExactDate), or your own
//! type implementing [`Guard`], or a closure through [`guard_fn`](lifecycle::guard_fn)); an
//! inconsistent policy is refused when built. Pass it in a [`Context`],
//! with an [`Observer`] if you want to hear of every accepted stage change.
//!
//! ```
//! use bilateral::{
//!     Agreement, Context, Event, EventKind, Parties, Party, Policy, Stage, SubjectArea, Trigger,
//!     Veto,
//! };
//! use bilateral::lifecycle::{BothPartiesRepresented, guard_fn};
//!
//! // Logistics agreements may skip the MoI; finalising needs both parties.
//! let ministry = Policy::standard()
//!     .to_builder()
//!     .name("ministry")
//!     .allow(Stage::Deliberated, Stage::Finalised)
//!     .guard(
//!         Trigger::Transition { from: Stage::Deliberated, to: Stage::Finalised },
//!         guard_fn("logistics-only", |proposal| {
//!             if proposal.covers(&SubjectArea::Logistics) { Ok(()) }
//!             else { Err(Veto::new("only logistics agreements may skip the MoI")) }
//!         }),
//!     )
//!     .guard(Trigger::Into(Stage::Finalised), BothPartiesRepresented)
//!     .build()?;
//! let context = Context::standard().with_policy(&ministry);
//!
//! let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
//! let mut mast = Agreement::builder("UNICORN mast", parties)
//!     .subject(SubjectArea::CoDevelopment)
//!     .build_with(&context, Event::new(EventKind::Deliberated, "2024-06".parse()?))?;
//! let err = mast.record_with(&context, Event::new(EventKind::Finalised, "2024-11-15".parse()?)).unwrap_err();
//! assert!(err.to_string().contains(
//!     "under policy \"ministry\" guard \"logistics-only\" refused it: only logistics agreements may skip the MoI"
//! ));
//! # Ok::<(), bilateral::Error>(())
//! ```
//!
//! Policies serialise with serde, guards by name ([`PolicyDocument`](document::PolicyDocument);
//! register your own guards in [`Guards`](lifecycle::Guards) to load them), and draw themselves
//! as Mermaid ([`Policy::mermaid`]) and Graphviz DOT ([`Policy::dot`]); the
//! standard policy's diagram is in [`Policy`]'s documentation.
//!
//! Because a policy is data, it can be checked as a whole rather than by
//! examples: [`Policy::verify`] checks a [`Property`](lifecycle::Property)
//! over every history the table allows and returns the shortest
//! counterexample when it fails, [`Policy::paths`] lists the paths between
//! two stages, and [`Policy::diff`] says what a rule change allows and
//! forbids. Continuing the example above:
//!
//! ```
//! # use bilateral::{Policy, Stage, Trigger};
//! # use bilateral::lifecycle::BothPartiesRepresented;
//! # let ministry = Policy::standard().to_builder().name("ministry").allow(Stage::Deliberated, Stage::Finalised)
//! #     .guard(Trigger::Into(Stage::Finalised), BothPartiesRepresented).build()?;
//! ministry.verify("finalised is unreachable from withdrawn".parse()?)?;
//! let no = ministry.verify("every path to finalised passes moi-signed".parse()?).unwrap_err();
//! assert_eq!(no.story().to_string(), "deliberated -> finalised");
//! assert_eq!(Policy::standard().diff(&ministry).added_transitions(), [(Stage::Deliberated, Stage::Finalised)]);
//! # Ok::<(), bilateral::Error>(())
//! ```
//!
//! The example `custom_tracker` puts it all together:
//! `cargo run --example custom_tracker`.
//!
//! # A typed lifecycle
//!
//! Code that drives an agreement through known steps can make impossible
//! steps fail to compile: a [`Typed<S>`](Typed) handle, typed by its stage,
//! has exactly the moves the standard lifecycle allows from there, each
//! consuming the handle and returning the next. The [`typed`] module shows
//! the same workflow in both APIs and says when to use which.
//!
//! ```
//! use bilateral::{Agreement, Parties, Party, Stage, SubjectArea, Typed};
//! let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
//! let builder = Agreement::builder("UNICORN mast", parties).subject(SubjectArea::CoDevelopment);
//! let signed = Typed::propose(builder, "2024-01")?
//!     .deliberate("2024-06")?
//!     .sign_moi("2024-11-15")?;
//! assert_eq!(signed.stage(), Stage::MoiSigned);
//! // signed.deliberate(...) would not compile: no more rounds after an MoI.
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Dates of different precision
//!
//! Sources say "signed in 2017" or "in June". An [`EventDate`] keeps exactly
//! the precision it has (`2017`, `2017-06`, `2017-06-20`; a trailing `?`
//! for uncertain, `~` for approximate, `%` for both, as in ISO 8601-2) and
//! is never padded. A month-precision date overlaps
//! the days of that month: it is certainly before another date only if it
//! ends before that date starts, and `EventDate` implements only
//! [`PartialOrd`] to say so.
//!
//! # Corrections and the audit trail
//!
//! News arrives late, disagrees and gets corrected. Every change to an
//! agreement is an [`Entry`] stamped with the instant it was recorded;
//! [`Agreement::correct`] (a new date, kind or details) and
//! [`Agreement::retract`] (with a reason) add entries that refer to the
//! original event, which stays in the trail with its sources. The history
//! and the stage are derived from the events in force. A correction or
//! retraction that would leave an invalid history is refused, and nothing
//! changes.
//!
//! ```
//! use bilateral::{Agreement, Event, EventKind, Parties, Party, Source, SubjectArea};
//!
//! let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
//! let signed = Event::builder(EventKind::MoiSigned, "2017-06".parse()?)
//!     .source(Source::new("First report", "MoI signed")?)
//!     .build()?;
//! let mut moi = Agreement::builder("Naval cooperation", parties)
//!     .subject(SubjectArea::MaritimeSecurity)
//!     .build(signed.clone())?;
//!
//! moi.correct(signed.to_builder().date("2018".parse()?).clear_sources()
//!     .source(Source::new("Later report", "The MoI dates from 2018")?).build()?)?;
//! assert_eq!(moi.event(signed.id()).unwrap().date().to_string(), "2018");
//! assert_eq!(moi.entries().len(), 2); // both claims, with their sources
//! # Ok::<(), bilateral::Error>(())
//! ```
//!
//! # Two kinds of time
//!
//! - **Valid time**: [`Agreement::stage_on`] gives the stage on a date.
//!   Where imprecise dates make the answer uncertain it says so: the last
//!   stage certainly reached, and the furthest possibly reached
//!   ([`StageOn`](agreement::StageOn)).
//! - **Recorded time**: [`Agreement::as_recorded_at`] gives the agreement as
//!   it was known at an instant, before a correction say, from the same
//!   entries.
//!
//! Time comes from a [`Clock`] passed in a [`Context`]; the plain methods use
//! the system clock, the `_with` methods yours ([`FixedClock`], or any type
//! implementing the trait). A stage change dated after the clock's day is
//! refused: stage changes record what happened. Informational events
//! (meetings, statements, notes, entry into force) may be dated in the
//! future, to plan them; they change no stage.
//!
//! # Timelines
//!
//! [`Agreement::timeline`] lists the events in force with the stage after
//! each; its `Display` is readable text and [`Timeline::mermaid`] a Mermaid
//! `timeline` diagram to paste into Markdown. [`Agreement::audit_trail`]
//! displays every entry with its instant and sources.
//!
//! # Trackers
//!
//! A [`Tracker`] holds many agreements under one policy: an application's
//! whole collection. Every agreement carries a version for optimistic
//! concurrency ([`Tracker::record_expecting`] refuses a stale write with
//! [`TrackerError::Conflict`](tracker::TrackerError::Conflict)); indexes by party, pair, subject area, stage,
//! instrument and event date make a selective [`Query`](tracker::Query) cost in proportion
//! to its answer; counts by stage, subject and party, and a timeline across
//! agreements, come from the same indexes. A tracker is `Send + Sync`: share
//! it as `Arc<RwLock<Tracker>>`. It imports and exports as JSON
//! ([`TrackerDocument`](document::TrackerDocument)), refusing a whole document if any agreement in it
//! is invalid.
//!
//! ```
//! use bilateral::{Agreement, Event, EventKind, Parties, Party, Stage, SubjectArea, Tracker};
//!
//! let mut tracker = Tracker::new();
//! let india = Party::state("IND", "India")?;
//! let id = tracker.create(
//!     Agreement::builder("Reciprocal Provision of Supplies and Services", Parties::new(india.clone(), Party::state("JPN", "Japan")?)?)
//!         .subject(SubjectArea::Logistics),
//!     Event::new(EventKind::Deliberated, "2024-11-22".parse()?),
//! )?;
//! let version = tracker.version(id).unwrap();
//! tracker.record_expecting(id, version, Event::new(EventKind::MoiSigned, "2025-02-03".parse()?))?;
//!
//! let signed = tracker.query().party(india.code()).stage(Stage::MoiSigned).count();
//! assert_eq!(signed, 1);
//! # Ok::<(), bilateral::Error>(())
//! ```
//!
//! `cargo run -p import-treaties` (in the repository) loads 368 real treaties, with their
//! messy dates, into a tracker.
//!
//! # Errors
//!
//! Each layer of the crate returns its own error, an enum whose
//! `#[non_exhaustive]` variants name the value, the agreement, the event
//! and the rule: [`model::ValueError`] for an invalid value,
//! [`lifecycle::PolicyError`], [`agreement::AgreementError`] (whose
//! `Refused` variant carries a [`Refusal`] with the agreement, the attempted
//! and the refused event, the stage and the [`Rule`]),
//! [`document::DocumentError`] (with the path of the offending field),
//! [`tracker::TrackerError`] and [`typed::TypedError`]. All of them convert
//! into [`Error`], so `?` gathers them in an application; match on
//! [`Error::kind`] there. Messages are lower case, with no trailing period,
//! and name the offending value and the rule it broke.
//!
//! # Serialisation
//!
//! Every public model type implements serde's `Serialize` and
//! `Deserialize`. Codes, stages, subject areas, kinds and dates are written
//! as their text forms (`"IND"`, `"moi-signed"`, `"maritime-security"`,
//! `"2024-11"`), which round-trip through `Display` and `FromStr`. An
//! agreement is written with a format version
//! ([`document::FORMAT_VERSION`]) and its entries in recording order;
//! reading one replays them through the same change engine as the API, so
//! a document cannot produce an invalid [`Agreement`]. The [`document`]
//! module reads documents with typed errors naming the field's path;
//! [`FORMAT.md`](https://github.com/bilateral-rs/bilateral/blob/main/FORMAT.md)
//! documents every field, and [`limits`] the limits enforced against hostile
//! input.
//!
//! # Architecture
//!
//! The modules are layers, each using only those before it (a test reads
//! `src/` to keep it so):
//!
//! 1. [`model`] (with the clock): values that validate themselves;
//! 2. [`lifecycle`]: the rules as data, judging a proposed change against a
//!    read-only view of an agreement;
//! 3. [`agreement`]: the aggregate and its change engine, which keeps what
//!    validation needs beside the entries (an append is checked in constant
//!    time, an event in the past from its place on) and returns a
//!    [`Receipt`] for every change;
//! 4. [`document`]: the serialised forms and the one loader;
//! 5. [`tracker`]: many agreements, indexed from receipts alone;
//! 6. [`typed`]: the typestate facade over the runtime core;
//! 7. `testing` (a feature): clocks, ids, fixtures and scenarios;
//! 8. [`Error`]: the facade over every layer's errors.
//!
//! # Crate features
//!
//! - `testing` (off by default): the `bilateral::testing` module, support
//!   for unit-testing policy workflows: a fixed and a manual clock,
//!   sequential ids, the founding scenario's agreements as fixtures,
//!   one-line builders for agreements and events, and a `Scenario` harness
//!   (`given`, `when`, `then_*`) whose failures print the policy's rule and
//!   the agreement's timeline. It exists as a feature so that applications
//!   do not compile test helpers they do not use.
//! - `iso3166` (off by default): `bilateral::model::Country`, the countries
//!   of ISO 3166-1 and the former ones of ISO 3166-3 by code and by name
//!   (as records write them: "Union Of Soviet Socialist Republics",
//!   "Peoples Republic Of China"), to give parties their alpha-3 codes. A
//!   table of 280 countries, so a feature: applications with codes of their
//!   own do not carry it.
//!
//! # Design decisions
//!
//! - **Why is the stage derived rather than stored?** So the stage and the
//!   history can never disagree, and a history can be replayed and corrected.
//! - **Why are policies data?** So they can be inspected, compared and
//!   tested, none of which works when transitions hide in handler code.
//! - **Why do errors carry so much context?** Generic state-machine crates
//!   answer "invalid transition" and nothing else; a tracker's user needs to
//!   know which agreement, which event, which date and which rule.
//! - **No I/O, no global state.** Ids, dates and the current time are
//!   values you pass in: [`EventId::new`] and [`AgreementId::new`] are
//!   defaults you can replace with [`EventId::from_uuid`] and
//!   [`AgreementId::from_uuid`], and the system clock is a default you can
//!   replace with any [`Clock`].
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

pub mod agreement;
mod clock;
pub mod document;
mod error;
pub mod lifecycle;
pub mod model;
#[cfg(test)]
mod test_support;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
pub mod tracker;
pub mod typed;

pub use agreement::{
    Agreement, AgreementBuilder, Change, Context, Entry, Observer, Receipt, RefusedChange,
    StageChange, Timeline,
};
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{Error, ErrorKind};
pub use lifecycle::{Guard, Policy, Proposal, Refusal, Rule, Trigger, Veto};
pub use model::{
    AgreementId, Event, EventBuilder, EventDate, EventId, EventKind, InstrumentKind, Link,
    LinkKind, Occasion, Parties, Party, PartyCode, Precision, Qualifier, Representative, Source,
    Stage, StageSet, SubjectArea, limits,
};
pub use tracker::Tracker;
pub use typed::{AnyTyped, Typed};

// The README's examples are compiled and run as doctests.
#[cfg(all(doctest, feature = "testing"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// The `uuid` crate, re-exported for [`AgreementId::from_uuid`] and
/// [`EventId::from_uuid`].
pub use uuid;

/// The `chrono` crate, re-exported: instants (`DateTime<Utc>`) appear in
/// clocks, entries and [`Agreement::as_recorded_at`], and days
/// (`NaiveDate`) in [`EventDate::start`] and [`EventDate::end`], so that
/// applications need not depend on a matching version themselves.
///
/// ```
/// use bilateral::chrono::{DateTime, Utc};
/// use bilateral::FixedClock;
/// let noon: DateTime<Utc> = "2024-11-22T12:00:00Z".parse()?;
/// let clock = FixedClock::new(noon);
/// # let _ = clock;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub use chrono;

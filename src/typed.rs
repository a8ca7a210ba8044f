//! A typed lifecycle: moves the standard lifecycle forbids do not compile.
//!
//! [`Typed<S>`] wraps an [`Agreement`] whose current stage is `S`, one of
//! the marker types of this module. Its methods are exactly the moves the
//! [standard policy](crate::Policy::standard) allows from `S`: a proposal
//! can be deliberated or withdrawn, not finalised; a finalised agreement can
//! be terminated; a withdrawn one has no stage-changing method at all. Each
//! move consumes the handle and returns the next one. Dates and every other
//! runtime rule still apply, so a move returns a `Result`; on failure the
//! (boxed) [`MoveError`] gives back the unchanged handle with the
//! [`TypedError`].
//!
//! The runtime [`Agreement`] stays the truth: a typed handle is a view of
//! one, converts into it for free, and can be made from one whose stage
//! matches.
//!
//! # When to use which
//!
//! Use the runtime API where stages come from data (a tracker loading
//! records, a form a user fills in): only a runtime check can help there.
//! Use the typed API where code drives an agreement through known steps (a
//! workflow service, a test): the compiler then rejects an impossible step
//! before it runs.
//!
//! The same workflow both ways:
//!
//! ```
//! use bilateral::{Agreement, Event, EventKind, Parties, Party, Stage, SubjectArea, Typed};
//! use bilateral::typed::Proposed;
//!
//! let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
//! let builder = Agreement::builder("Logistics", parties).subject(SubjectArea::Logistics);
//!
//! // Runtime: every step is checked when it runs.
//! let mut runtime = builder.clone().build(Event::new(EventKind::Proposed, "2024-01-10".parse()?))?;
//! runtime.record(Event::new(EventKind::Deliberated, "2024-03-05".parse()?))?;
//! runtime.record(Event::new(EventKind::MoiSigned, "2024-11-15".parse()?))?;
//! assert_eq!(runtime.stage(), Stage::MoiSigned);
//!
//! // Typed: impossible steps do not compile; dates are still checked.
//! let proposal: Typed<Proposed> = Typed::propose(builder, "2024-01-10")?;
//! let signed = proposal
//!     .deliberate("2024-03-05")?
//!     .sign_moi("2024-11-15")?;
//! assert_eq!(signed.stage(), Stage::MoiSigned);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Finalising a proposal is not a runtime error but a compile error:
//!
//! ```compile_fail
//! use bilateral::{Agreement, Parties, Party, SubjectArea, Typed};
//! let parties = Parties::new(Party::state("IND", "India").unwrap(), Party::state("JPN", "Japan").unwrap()).unwrap();
//! let builder = Agreement::builder("Logistics", parties).subject(SubjectArea::Logistics);
//! let proposal = Typed::propose(builder, "2024-01-10").unwrap();
//! let finalised = proposal.finalise("2024-02-01"); // no such method
//! ```

use std::fmt;
use std::marker::PhantomData;

use crate::agreement::{Agreement, AgreementBuilder, AgreementError};
use crate::clock::Clock;
use crate::lifecycle::Policy;
use crate::model::{Event, EventBuilder, EventDate, EventKind, Stage, ValueError};

mod sealed {
    pub trait Sealed {}
}

/// A stage as a type: the parameter of [`Typed`]. Sealed: the six markers
/// of this module are the only ones.
pub trait StageMarker: sealed::Sealed {
    /// The runtime stage this type stands for.
    const STAGE: Stage;
}

macro_rules! markers {
    ($($(#[$doc:meta])* $name:ident,)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name;

        impl sealed::Sealed for $name {}

        impl StageMarker for $name {
            const STAGE: Stage = Stage::$name;
        }
    )*};
}

markers! {
    /// The agreement has been proposed.
    Proposed,
    /// The agreement has been deliberated.
    Deliberated,
    /// A memorandum of implementation has been signed.
    MoiSigned,
    /// The agreement has been finalised.
    Finalised,
    /// The agreement was withdrawn (final).
    Withdrawn,
    /// The agreement was terminated (final).
    Terminated,
}

/// What a typed move records: a date (the event gets nothing else), as an
/// [`EventDate`] or as text (`"2024-03-05"`, checked as `parse` checks it
/// when the move is made), or an [`EventBuilder`] with the details (venue,
/// participants, sources…). The move sets the builder's kind to its own.
///
/// ```
/// use bilateral::{Agreement, Parties, Party, Stage, Typed};
/// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
/// let proposal = Typed::propose(Agreement::builder("Pact", parties), "2024-01-10")?;
/// let deliberated = proposal.deliberate("2024-03-05")?;
/// assert_eq!(deliberated.stage(), Stage::Deliberated);
/// // Text that is no date is refused as `parse` refuses it.
/// let refused = deliberated.sign_moi("2024-13-01").unwrap_err();
/// assert!(refused.to_string().contains("2024-13-01"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Occurrence(OccurrenceInner);

#[derive(Debug, Clone)]
enum OccurrenceInner {
    Date(Result<EventDate, ValueError>),
    Builder(Box<EventBuilder>),
}

impl From<EventDate> for Occurrence {
    fn from(date: EventDate) -> Self {
        Occurrence(OccurrenceInner::Date(Ok(date)))
    }
}

impl From<&str> for Occurrence {
    fn from(date: &str) -> Self {
        Occurrence(OccurrenceInner::Date(date.parse()))
    }
}

impl From<String> for Occurrence {
    fn from(date: String) -> Self {
        Occurrence::from(date.as_str())
    }
}

impl From<&String> for Occurrence {
    fn from(date: &String) -> Self {
        Occurrence::from(date.as_str())
    }
}

impl From<EventBuilder> for Occurrence {
    fn from(builder: EventBuilder) -> Self {
        Occurrence(OccurrenceInner::Builder(Box::new(builder)))
    }
}

impl Occurrence {
    fn event(self, kind: EventKind) -> Result<Event, ValueError> {
        match self.0 {
            OccurrenceInner::Date(date) => Ok(Event::new(kind, date?)),
            OccurrenceInner::Builder(builder) => builder.kind(kind).build(),
        }
    }
}

/// An [`Agreement`] whose current stage is the type `S`.
///
/// Its moves are the standard lifecycle's, fixed by the type; each is also
/// checked when it runs, under the policy and clock the agreement keeps
/// ([`Agreement::context`]: the standard policy and the system clock
/// unless [`with_policy`](Typed::with_policy) or
/// [`with_clock`](Typed::with_clock), or the builder, gave others), so a
/// stricter policy's rules and guards still refuse what they refuse.
pub struct Typed<S: StageMarker> {
    agreement: Agreement,
    stage: PhantomData<S>,
}

/// A refused typed move: the handle, unchanged, and why.
pub struct MoveError<S: StageMarker> {
    /// The handle as it was before the move.
    pub handle: Typed<S>,
    /// Why the move was refused.
    pub error: TypedError,
}

impl TypedError {
    /// The refusal, when a lifecycle rule or a guard refused the move.
    pub fn refusal(&self) -> Option<&crate::lifecycle::Refusal> {
        match self {
            TypedError::Agreement(error) => error.refusal(),
            _ => None,
        }
    }
}

impl<S: StageMarker> fmt::Debug for MoveError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MoveError")
            .field("stage", &S::STAGE)
            .field("error", &self.error)
            .finish()
    }
}

impl<S: StageMarker> fmt::Display for MoveError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl<S: StageMarker> std::error::Error for MoveError<S> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// Why a typed handle refused a move or a note. Variants are
/// `#[non_exhaustive]`: match them with `..`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TypedError {
    /// The event is invalid.
    #[error(transparent)]
    Value(#[from] ValueError),
    /// The agreement refused the change: a lifecycle rule, a date, a guard.
    #[error(transparent)]
    Agreement(#[from] AgreementError),
    /// A typed handle was asked to note a stage change, which only its
    /// moves may make.
    #[error(
        "cannot note \"{kind}\" on a typed {stage} agreement: it is a stage change, so use the typed move for it"
    )]
    #[non_exhaustive]
    NotInformational {
        /// The kind given.
        kind: EventKind,
        /// The handle's stage.
        stage: Stage,
    },
    /// The move would leave the agreement at another stage than its type:
    /// dated into the past, before later stage changes, it would not be
    /// the last.
    #[error(
        "the move would leave the agreement {actual}, not {expected}: dated before its last stage change, it would not be the last"
    )]
    #[non_exhaustive]
    Mismatch {
        /// The stage the move's type promises.
        expected: Stage,
        /// The stage the agreement would be at.
        actual: Stage,
    },
}

impl<S: StageMarker> fmt::Debug for Typed<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Typed")
            .field("stage", &S::STAGE)
            .field("agreement", &self.agreement)
            .finish()
    }
}

impl<S: StageMarker> Clone for Typed<S> {
    fn clone(&self) -> Self {
        Typed::wrap(self.agreement.clone())
    }
}

impl<S: StageMarker> PartialEq for Typed<S> {
    fn eq(&self, other: &Self) -> bool {
        self.agreement == other.agreement
    }
}

impl<S: StageMarker> Typed<S> {
    fn wrap(agreement: Agreement) -> Self {
        Typed {
            agreement,
            stage: PhantomData,
        }
    }

    /// The agreement.
    pub const fn agreement(&self) -> &Agreement {
        &self.agreement
    }

    /// The agreement, unwrapped.
    pub fn into_agreement(self) -> Agreement {
        self.agreement
    }

    /// The stage, `S` at run time.
    pub const fn stage(&self) -> Stage {
        S::STAGE
    }

    /// The same handle reading time from `clock` for its moves (the system
    /// clock by default); the agreement keeps it
    /// ([`Agreement::with_clock`]).
    #[must_use]
    pub fn with_clock(self, clock: impl Clock + 'static) -> Self {
        Typed::wrap(self.agreement.with_clock(clock))
    }

    /// The same handle checking its moves under `policy` too (the standard
    /// policy by default); the agreement keeps it
    /// ([`Agreement::with_policy`]). The moves stay the standard
    /// lifecycle's: a policy that allows more adds no method, and one that
    /// allows less refuses the move when it runs.
    ///
    /// ```
    /// use bilateral::{Agreement, Parties, Party, Policy, Stage, Trigger, Typed};
    /// use bilateral::lifecycle::BothPartiesRepresented;
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let guarded = Policy::standard().to_builder()
    ///     .name("represented")
    ///     .guard(Trigger::Into(Stage::Deliberated), BothPartiesRepresented)
    ///     .build()?;
    /// let proposal = Typed::propose(Agreement::builder("Pact", parties), "2024-01")?.with_policy(guarded);
    /// // Deliberation without both parties represented: the guard refuses the move.
    /// let refused = proposal.deliberate("2024-02").unwrap_err();
    /// assert!(refused.error.refusal().is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_policy(self, policy: Policy) -> Self {
        Typed::wrap(self.agreement.with_policy(policy))
    }

    /// Records an informational event (meeting, statement, note, entry into
    /// force): the stage, and so the type, do not change.
    ///
    /// # Errors
    ///
    /// [`TypedError::NotInformational`] for a stage-changing event (use the
    /// move for it), and every error of [`Agreement::record_with`].
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, SubjectArea, Typed};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let builder = Agreement::builder("Logistics", parties).subject(SubjectArea::Logistics);
    /// let mut proposal = Typed::propose(builder, "2024-01-10")?;
    /// proposal.note(Event::new(EventKind::Meeting, "2024-02-01".parse()?))?;
    /// assert!(proposal.note(Event::new(EventKind::Finalised, "2024-03-01".parse()?)).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn note(&mut self, event: Event) -> Result<(), TypedError> {
        if event.kind().is_stage_change() {
            return Err(TypedError::NotInformational {
                kind: event.kind(),
                stage: S::STAGE,
            });
        }
        self.agreement.record(event)?;
        Ok(())
    }

    /// Records the stage change to `T` and retypes the handle. The change
    /// is checked, and its landing place too, before anything is written.
    fn advance<T: StageMarker>(
        mut self,
        occurrence: impl Into<Occurrence>,
    ) -> Result<Typed<T>, Box<MoveError<S>>> {
        let refuse = |handle, error| Err(Box::new(MoveError { handle, error }));
        let event = match occurrence.into().event(EventKind::from(T::STAGE)) {
            Ok(event) => event,
            Err(error) => return refuse(self, error.into()),
        };
        // A move that would land elsewhere (a late event placed in the past)
        // is refused too, so the type always tells the truth.
        match self.agreement.record_landing_at(event, T::STAGE) {
            Ok(Ok(_)) => Ok(Typed::wrap(self.agreement)),
            Ok(Err(actual)) => refuse(
                self,
                TypedError::Mismatch {
                    expected: T::STAGE,
                    actual,
                },
            ),
            Err(error) => refuse(self, error.into()),
        }
    }
}

impl Typed<Proposed> {
    /// Opens a record with a proposal, under the standard policy and the
    /// system clock.
    ///
    /// # Errors
    ///
    /// The errors of [`AgreementBuilder::build`].
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Parties, Party, SubjectArea, Typed};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("PHL", "Philippines")?)?;
    /// let proposal = Typed::propose(
    ///     Agreement::builder("Cooperation", parties).subject(SubjectArea::Space),
    ///     "2024-11",
    /// )?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn propose(
        builder: AgreementBuilder,
        occurrence: impl Into<Occurrence>,
    ) -> Result<Self, TypedError> {
        let first = occurrence.into().event(EventKind::Proposed)?;
        Ok(Typed::wrap(builder.build(first)?))
    }
}

macro_rules! moves {
    ($from:ident { $($(#[$doc:meta])* $method:ident => $to:ident,)* }) => {
        impl Typed<$from> {
            $(
                $(#[$doc])*
                ///
                /// # Errors
                ///
                /// A boxed [`MoveError`] holding the unchanged handle and the
                /// error: a date in the future or that would reorder the
                /// history into an invalid one, or invalid event details.
                ///
                /// # Example
                ///
                #[doc = concat!(
                    "```\n",
                    "use bilateral::{Agreement, Event, EventKind, Parties, Party, Stage, SubjectArea, Typed};\n",
                    "let parties = Parties::new(Party::state(\"IND\", \"India\")?, Party::state(\"JPN\", \"Japan\")?)?;\n",
                    "let agreement = Agreement::builder(\"Pact\", parties)\n",
                    "    .subject(SubjectArea::Trade)\n",
                    "    .build(Event::new(EventKind::from(Stage::", stringify!($from), "), \"2024-01-10\".parse()?))?;\n",
                    "let handle = Typed::<bilateral::typed::", stringify!($from), ">::try_from(agreement)?;\n",
                    "let moved = handle.", stringify!($method), "(\"2024-02-01\")?;\n",
                    "assert_eq!(moved.stage(), Stage::", stringify!($to), ");\n",
                    "# Ok::<(), Box<dyn std::error::Error>>(())\n",
                    "```",
                )]
                pub fn $method(self, occurrence: impl Into<Occurrence>) -> Result<Typed<$to>, Box<MoveError<$from>>> {
                    self.advance(occurrence)
                }
            )*
        }
    };
}

moves!(Proposed {
    /// Deliberates the proposal.
    deliberate => Deliberated,
    /// Withdraws the proposal.
    withdraw => Withdrawn,
});

moves!(Deliberated {
    /// Holds another round of deliberation.
    deliberate => Deliberated,
    /// Signs a memorandum of implementation.
    sign_moi => MoiSigned,
    /// Withdraws the agreement.
    withdraw => Withdrawn,
});

moves!(MoiSigned {
    /// Finalises the agreement.
    finalise => Finalised,
    /// Withdraws the agreement.
    withdraw => Withdrawn,
});

moves!(Finalised {
    /// Terminates the agreement.
    terminate => Terminated,
});

impl<S: StageMarker> From<Typed<S>> for Agreement {
    fn from(typed: Typed<S>) -> Self {
        typed.agreement
    }
}

impl<S: StageMarker> TryFrom<Agreement> for Typed<S> {
    type Error = Mismatch;

    /// The typed handle of an agreement whose current stage is `S`.
    fn try_from(agreement: Agreement) -> Result<Self, Mismatch> {
        if agreement.stage() == S::STAGE {
            Ok(Typed::wrap(agreement))
        } else {
            Err(Mismatch {
                expected: S::STAGE,
                agreement,
            })
        }
    }
}

/// An agreement that is not at the stage a typed handle wanted; it gives
/// the agreement back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The stage wanted.
    pub expected: Stage,
    /// The agreement, unchanged.
    pub agreement: Agreement,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "agreement {:?} ({}) is {}, not {}",
            self.agreement.title(),
            self.agreement.id(),
            self.agreement.stage().label(),
            self.expected.label()
        )
    }
}

impl std::error::Error for Mismatch {}

/// A typed handle of whichever stage an agreement is at; see
/// [`AnyTyped::from`].
///
/// ```
/// use bilateral::{Agreement, AnyTyped, Event, EventKind, Parties, Party, SubjectArea};
/// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
/// let agreement = Agreement::builder("UNICORN mast", parties)
///     .subject(SubjectArea::CoDevelopment)
///     .build(Event::new(EventKind::MoiSigned, "2024-11-15".parse()?))?;
/// match AnyTyped::from(agreement) {
///     AnyTyped::MoiSigned(signed) => {
///         let finalised = signed.finalise("2025-01-20")?;
///         assert_eq!(finalised.stage(), bilateral::Stage::Finalised);
///     }
///     other => panic!("unexpected {other:?}"),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub enum AnyTyped {
    /// At proposed.
    Proposed(Typed<Proposed>),
    /// At deliberated.
    Deliberated(Typed<Deliberated>),
    /// At MoI signed.
    MoiSigned(Typed<MoiSigned>),
    /// At finalised.
    Finalised(Typed<Finalised>),
    /// At withdrawn.
    Withdrawn(Typed<Withdrawn>),
    /// At terminated.
    Terminated(Typed<Terminated>),
}

impl From<Agreement> for AnyTyped {
    fn from(agreement: Agreement) -> Self {
        match agreement.stage() {
            Stage::Proposed => AnyTyped::Proposed(Typed::wrap(agreement)),
            Stage::Deliberated => AnyTyped::Deliberated(Typed::wrap(agreement)),
            Stage::MoiSigned => AnyTyped::MoiSigned(Typed::wrap(agreement)),
            Stage::Finalised => AnyTyped::Finalised(Typed::wrap(agreement)),
            Stage::Withdrawn => AnyTyped::Withdrawn(Typed::wrap(agreement)),
            Stage::Terminated => AnyTyped::Terminated(Typed::wrap(agreement)),
        }
    }
}

impl From<AnyTyped> for Agreement {
    fn from(any: AnyTyped) -> Self {
        match any {
            AnyTyped::Proposed(typed) => typed.agreement,
            AnyTyped::Deliberated(typed) => typed.agreement,
            AnyTyped::MoiSigned(typed) => typed.agreement,
            AnyTyped::Finalised(typed) => typed.agreement,
            AnyTyped::Withdrawn(typed) => typed.agreement,
            AnyTyped::Terminated(typed) => typed.agreement,
        }
    }
}

//! The crate's error facade: one type for applications that want one.

use std::fmt;

use crate::agreement::AgreementError;
use crate::document::DocumentError;
use crate::lifecycle::{Counterexample, PolicyError, Refusal};
use crate::model::{AgreementId, ValueError};
use crate::tracker::TrackerError;
use crate::typed::{Mismatch, MoveError, StageMarker, TypedError};

/// Any error of this crate.
///
/// Each layer of the crate returns its own error
/// ([`ValueError`](crate::model::ValueError) for an invalid value,
/// [`PolicyError`](crate::lifecycle::PolicyError),
/// [`AgreementError`](crate::agreement::AgreementError),
/// [`DocumentError`](crate::document::DocumentError),
/// [`TrackerError`](crate::tracker::TrackerError),
/// [`TypedError`](crate::typed::TypedError)), and every one converts into
/// this type, so `?` gathers them in an application. Match on
/// [`Error::kind`] rather than on the message; the accessors reach the
/// context ([`Error::refusal`], [`Error::value`], [`Error::path`],
/// [`Error::agreement`]). The fields are private, so context can grow
/// without breaking callers.
///
/// ```
/// use bilateral::{Agreement, ErrorKind, Event, EventKind, Parties, Party, SubjectArea};
///
/// fn run() -> Result<(), bilateral::Error> {
///     let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
///     let mut pact = Agreement::builder("Pact", parties)
///         .subject(SubjectArea::Trade)
///         .build(Event::new(EventKind::Proposed, "2024".parse()?))?;
///     pact.record(Event::new(EventKind::Finalised, "2025".parse()?))?;
///     Ok(())
/// }
///
/// let err = run().unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Refused);
/// assert!(err.refusal().is_some());
/// assert_eq!(
///     "2024-13".parse::<bilateral::EventDate>().map_err(bilateral::Error::from).unwrap_err().kind(),
///     ErrorKind::Date,
/// );
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    inner: Box<Inner>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Inner {
    Value(ValueError),
    Policy(PolicyError),
    Agreement(AgreementError),
    Document(DocumentError),
    Tracker(TrackerError),
    Typed(TypedError),
    Counterexample(Box<Counterexample>),
}

/// The kind of an [`Error`], to match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A text field longer than its limit.
    TooLong,
    /// A collection larger than its limit.
    TooMany,
    /// An invalid party code.
    PartyCode,
    /// A blank required text field.
    Blank,
    /// Not exactly two parties.
    PartyCount,
    /// The same party twice.
    SameParty,
    /// An unreadable timestamp.
    Timestamp,
    /// An invalid date.
    Date,
    /// An invalid subject area.
    SubjectArea,
    /// A name outside a closed vocabulary, or a malformed id.
    Unknown,
    /// A control or bidirectional formatting character in a text field.
    Character,
    /// An occasion that ends before it begins.
    OccasionDates,
    /// A policy no record may open under.
    NoEntryStage,
    /// A policy with a transition out of a final stage.
    TransitionFromFinal,
    /// A policy with a stage nothing reaches.
    UnreachableStage,
    /// An invalid or taken guard name.
    GuardName,
    /// A guard on a transition the policy does not allow.
    GuardOnForbiddenStep,
    /// A guard name no registry holds.
    UnknownGuard,
    /// An agreement opened with an informational event.
    NotAStageChange,
    /// An event id recorded twice.
    DuplicateEvent,
    /// A stage change dated after today.
    FutureDate,
    /// A correction or retraction of an event not recorded.
    UnknownEvent,
    /// A correction or retraction of a retracted event.
    AlreadyRetracted,
    /// A change that would leave no stage change.
    NoStageLeft,
    /// An event linking its agreement to itself.
    SelfLink,
    /// A link to an agreement the tracker does not know.
    UnknownLinkTarget,
    /// A link that would close a circle of amendments or supersessions.
    LinkCycle,
    /// An implementing instrument between other parties than what it
    /// implements.
    LinkParties,
    /// An event dated outside the occasion it names.
    OutsideOccasion,
    /// An occasion name the tracker or the document knows already.
    DuplicateOccasion,
    /// A rival claim naming no source.
    UnsourcedClaim,
    /// A rival claim saying what the record already says.
    SameClaim,
    /// A resolution of an event nothing disputes.
    NotDisputed,
    /// A resolution keeping an entry that is not one of the claims.
    UnknownClaim,
    /// A change refused by a lifecycle rule or a guard.
    Refused,
    /// A document in a newer format.
    UnsupportedFormat,
    /// Text that is not a document of the kind read.
    Syntax,
    /// A document entry holding not exactly one change.
    MalformedEntry,
    /// A document agreement without entries.
    NoEvents,
    /// A document agreement opening with a correction or retraction.
    FirstEntryNotRecord,
    /// Document entries out of recording order.
    EntryOrder,
    /// A document written under a policy with another table than the one
    /// it was read under.
    OtherPolicy,
    /// A version outside 1 to [`MAX_VERSION`](crate::limits::MAX_VERSION)
    /// in a document.
    Version,
    /// An agreement id the tracker or the document already holds.
    DuplicateAgreement,
    /// An agreement id the tracker does not hold.
    UnknownAgreement,
    /// A change expecting a version the agreement moved on from.
    Conflict,
    /// An agreement at the largest version a tracker gives.
    VersionLimit,
    /// A typed handle asked to note a stage change.
    NotInformational,
    /// An agreement at another stage than a typed handle's.
    Mismatch,
    /// A property a policy breaks, found by
    /// [`Policy::verify`](crate::Policy::verify).
    Counterexample,
}

impl Error {
    /// The kind of error, to match on.
    pub fn kind(&self) -> ErrorKind {
        match &*self.inner {
            Inner::Value(error) => value_kind(error),
            Inner::Policy(error) => policy_kind(error),
            Inner::Agreement(error) => agreement_kind(error),
            Inner::Document(error) => document_kind(error),
            Inner::Tracker(error) => tracker_kind(error),
            Inner::Typed(error) => match error {
                TypedError::Value(error) => value_kind(error),
                TypedError::Agreement(error) => agreement_kind(error),
                TypedError::NotInformational { .. } => ErrorKind::NotInformational,
                TypedError::Mismatch { .. } => ErrorKind::Mismatch,
            },
            Inner::Counterexample(_) => ErrorKind::Counterexample,
        }
    }

    /// The refusal, when a lifecycle rule or a guard refused a change.
    pub fn refusal(&self) -> Option<&Refusal> {
        self.agreement_error().and_then(AgreementError::refusal)
    }

    /// The invalid value behind the error, if one is.
    pub fn value(&self) -> Option<&ValueError> {
        match &*self.inner {
            Inner::Value(error) => Some(error),
            Inner::Policy(PolicyError::Value(error)) | Inner::Typed(TypedError::Value(error)) => {
                Some(error)
            }
            Inner::Document(error) => error.value(),
            _ => match self.agreement_error() {
                Some(AgreementError::Value(error)) => Some(error),
                _ => None,
            },
        }
    }

    /// The path of the offending field, when a document was refused.
    pub fn path(&self) -> Option<&str> {
        match &*self.inner {
            Inner::Document(error) => error.path(),
            _ => None,
        }
    }

    /// The agreement the error is about, when it names one.
    pub fn agreement(&self) -> Option<AgreementId> {
        if let Inner::Tracker(
            TrackerError::UnknownAgreement { id, .. }
            | TrackerError::DuplicateAgreement { id, .. }
            | TrackerError::Conflict { agreement: id, .. }
            | TrackerError::VersionLimit { agreement: id, .. },
        ) = &*self.inner
        {
            return Some(*id);
        }
        match self.agreement_error()? {
            AgreementError::DuplicateEvent { agreement, .. }
            | AgreementError::FutureDate { agreement, .. }
            | AgreementError::UnknownEvent { agreement, .. }
            | AgreementError::AlreadyRetracted { agreement, .. }
            | AgreementError::NoStageLeft { agreement, .. }
            | AgreementError::SelfLink { agreement, .. }
            | AgreementError::UnknownLinkTarget { agreement, .. }
            | AgreementError::LinkCycle { agreement, .. }
            | AgreementError::LinkParties { agreement, .. }
            | AgreementError::OutsideOccasion { agreement, .. }
            | AgreementError::UnsourcedClaim { agreement, .. }
            | AgreementError::SameClaim { agreement, .. }
            | AgreementError::NotDisputed { agreement, .. }
            | AgreementError::UnknownClaim { agreement, .. } => Some(*agreement),
            AgreementError::Refused(refusal) => Some(refusal.agreement()),
            _ => None,
        }
    }

    /// Whether a change expected a version the agreement moved on from.
    pub fn is_conflict(&self) -> bool {
        self.kind() == ErrorKind::Conflict
    }

    /// Whether a lifecycle rule or a guard refused a change.
    pub fn is_refused(&self) -> bool {
        self.kind() == ErrorKind::Refused
    }

    /// The policy error behind the error, to match on its fields.
    pub fn policy_error(&self) -> Option<&PolicyError> {
        match &*self.inner {
            Inner::Policy(error) => Some(error),
            Inner::Document(error) => document_policy(error),
            _ => None,
        }
    }

    /// The document error behind the error, to match on its fields.
    pub fn document_error(&self) -> Option<&DocumentError> {
        match &*self.inner {
            Inner::Document(error) => Some(error),
            _ => None,
        }
    }

    /// The tracker error behind the error, to match on its fields.
    pub fn tracker_error(&self) -> Option<&TrackerError> {
        match &*self.inner {
            Inner::Tracker(error) => Some(error),
            _ => None,
        }
    }

    /// The typed-handle error behind the error, to match on its fields.
    pub fn typed_error(&self) -> Option<&TypedError> {
        match &*self.inner {
            Inner::Typed(error) => Some(error),
            _ => None,
        }
    }

    /// The counterexample, when a policy was found to break a property.
    pub fn counterexample(&self) -> Option<&Counterexample> {
        match &*self.inner {
            Inner::Counterexample(counterexample) => Some(counterexample),
            _ => None,
        }
    }

    /// The agreement error behind the error, wherever it was raised (by an
    /// agreement, a tracker, a typed handle or a document), to match on its
    /// fields.
    pub fn agreement_error(&self) -> Option<&AgreementError> {
        match &*self.inner {
            Inner::Agreement(error)
            | Inner::Tracker(TrackerError::Agreement(error))
            | Inner::Typed(TypedError::Agreement(error)) => Some(error),
            Inner::Document(error) => document_agreement(error),
            _ => None,
        }
    }
}

/// A policy error of a document: only a document's own policy can be one
/// (an agreement inside a tracker document has none).
fn document_policy(error: &DocumentError) -> Option<&PolicyError> {
    match error {
        DocumentError::Policy { source, .. } => Some(source),
        _ => None,
    }
}

fn document_agreement(error: &DocumentError) -> Option<&AgreementError> {
    match error {
        DocumentError::Agreement { source, .. } => Some(source),
        DocumentError::InvalidAgreement { source, .. } => document_agreement(source),
        _ => None,
    }
}

fn value_kind(error: &ValueError) -> ErrorKind {
    match error {
        ValueError::TooLong { .. } => ErrorKind::TooLong,
        ValueError::TooMany { .. } => ErrorKind::TooMany,
        ValueError::PartyCode { .. } => ErrorKind::PartyCode,
        ValueError::Blank { .. } => ErrorKind::Blank,
        ValueError::PartyCount { .. } => ErrorKind::PartyCount,
        ValueError::SameParty { .. } => ErrorKind::SameParty,
        ValueError::Timestamp { .. } => ErrorKind::Timestamp,
        ValueError::Date { .. } => ErrorKind::Date,
        ValueError::SubjectArea { .. } => ErrorKind::SubjectArea,
        ValueError::Unknown { .. } => ErrorKind::Unknown,
        ValueError::Character { .. } => ErrorKind::Character,
        ValueError::OccasionDates { .. } => ErrorKind::OccasionDates,
    }
}

fn policy_kind(error: &PolicyError) -> ErrorKind {
    match error {
        PolicyError::Value(error) => value_kind(error),
        PolicyError::NoEntryStage { .. } => ErrorKind::NoEntryStage,
        PolicyError::TransitionFromFinal { .. } => ErrorKind::TransitionFromFinal,
        PolicyError::UnreachableStage { .. } => ErrorKind::UnreachableStage,
        PolicyError::GuardName { .. } => ErrorKind::GuardName,
        PolicyError::GuardOnForbiddenStep { .. } => ErrorKind::GuardOnForbiddenStep,
        PolicyError::UnknownGuard { .. } => ErrorKind::UnknownGuard,
    }
}

fn agreement_kind(error: &AgreementError) -> ErrorKind {
    match error {
        AgreementError::Value(error) => value_kind(error),
        AgreementError::NotAStageChange { .. } => ErrorKind::NotAStageChange,
        AgreementError::DuplicateEvent { .. } => ErrorKind::DuplicateEvent,
        AgreementError::FutureDate { .. } => ErrorKind::FutureDate,
        AgreementError::UnknownEvent { .. } => ErrorKind::UnknownEvent,
        AgreementError::AlreadyRetracted { .. } => ErrorKind::AlreadyRetracted,
        AgreementError::NoStageLeft { .. } => ErrorKind::NoStageLeft,
        AgreementError::SelfLink { .. } => ErrorKind::SelfLink,
        AgreementError::UnknownLinkTarget { .. } => ErrorKind::UnknownLinkTarget,
        AgreementError::LinkCycle { .. } => ErrorKind::LinkCycle,
        AgreementError::LinkParties { .. } => ErrorKind::LinkParties,
        AgreementError::OutsideOccasion { .. } => ErrorKind::OutsideOccasion,
        AgreementError::UnsourcedClaim { .. } => ErrorKind::UnsourcedClaim,
        AgreementError::SameClaim { .. } => ErrorKind::SameClaim,
        AgreementError::NotDisputed { .. } => ErrorKind::NotDisputed,
        AgreementError::UnknownClaim { .. } => ErrorKind::UnknownClaim,
        AgreementError::Refused(_) => ErrorKind::Refused,
    }
}

fn document_kind(error: &DocumentError) -> ErrorKind {
    match error {
        DocumentError::UnsupportedFormat { .. } => ErrorKind::UnsupportedFormat,
        DocumentError::Syntax { .. } => ErrorKind::Syntax,
        DocumentError::Value { source, .. } => value_kind(source),
        DocumentError::MalformedEntry { .. } => ErrorKind::MalformedEntry,
        DocumentError::NoEvents { .. } => ErrorKind::NoEvents,
        DocumentError::FirstEntryNotRecord { .. } => ErrorKind::FirstEntryNotRecord,
        DocumentError::EntryOrder { .. } => ErrorKind::EntryOrder,
        DocumentError::Agreement { source, .. } => agreement_kind(source),
        DocumentError::Policy { source, .. } => policy_kind(source),
        DocumentError::OtherPolicy { .. } => ErrorKind::OtherPolicy,
        DocumentError::Version { .. } => ErrorKind::Version,
        DocumentError::DuplicateAgreement { .. } => ErrorKind::DuplicateAgreement,
        DocumentError::DuplicateOccasion { .. } => ErrorKind::DuplicateOccasion,
        DocumentError::InvalidAgreement { source, .. } => document_kind(source),
    }
}

fn tracker_kind(error: &TrackerError) -> ErrorKind {
    match error {
        TrackerError::Agreement(error) => agreement_kind(error),
        TrackerError::UnknownAgreement { .. } => ErrorKind::UnknownAgreement,
        TrackerError::DuplicateAgreement { .. } => ErrorKind::DuplicateAgreement,
        TrackerError::Conflict { .. } => ErrorKind::Conflict,
        TrackerError::VersionLimit { .. } => ErrorKind::VersionLimit,
        TrackerError::Full { .. } => ErrorKind::TooMany,
        TrackerError::DuplicateOccasion { .. } => ErrorKind::DuplicateOccasion,
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.inner {
            Inner::Value(error) => fmt::Display::fmt(error, f),
            Inner::Policy(error) => fmt::Display::fmt(error, f),
            Inner::Agreement(error) => fmt::Display::fmt(error, f),
            Inner::Document(error) => fmt::Display::fmt(error, f),
            Inner::Tracker(error) => fmt::Display::fmt(error, f),
            Inner::Typed(error) => fmt::Display::fmt(error, f),
            Inner::Counterexample(error) => fmt::Display::fmt(error, f),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.inner {
            Inner::Value(error) => fmt::Debug::fmt(error, f),
            Inner::Policy(error) => fmt::Debug::fmt(error, f),
            Inner::Agreement(error) => fmt::Debug::fmt(error, f),
            Inner::Document(error) => fmt::Debug::fmt(error, f),
            Inner::Tracker(error) => fmt::Debug::fmt(error, f),
            Inner::Typed(error) => fmt::Debug::fmt(error, f),
            Inner::Counterexample(error) => fmt::Debug::fmt(error, f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.inner {
            Inner::Value(error) => error.source(),
            Inner::Policy(error) => error.source(),
            Inner::Agreement(error) => error.source(),
            Inner::Document(error) => error.source(),
            Inner::Tracker(error) => error.source(),
            Inner::Typed(error) => error.source(),
            Inner::Counterexample(_) => None,
        }
    }
}

macro_rules! from_layer {
    ($($ty:ty => $variant:ident,)*) => {$(
        impl From<$ty> for Error {
            fn from(error: $ty) -> Self {
                Error { inner: Box::new(Inner::$variant(error)) }
            }
        }
    )*};
}

from_layer! {
    ValueError => Value,
    PolicyError => Policy,
    AgreementError => Agreement,
    DocumentError => Document,
    TrackerError => Tracker,
    TypedError => Typed,
}

impl<S: StageMarker> From<Box<MoveError<S>>> for Error {
    fn from(error: Box<MoveError<S>>) -> Self {
        error.error.into()
    }
}

impl<S: StageMarker> From<MoveError<S>> for Error {
    fn from(error: MoveError<S>) -> Self {
        error.error.into()
    }
}

impl From<Counterexample> for Error {
    fn from(counterexample: Counterexample) -> Self {
        Error {
            inner: Box::new(Inner::Counterexample(Box::new(counterexample))),
        }
    }
}

impl From<Mismatch> for Error {
    fn from(mismatch: Mismatch) -> Self {
        TypedError::Mismatch {
            expected: mismatch.expected,
            actual: mismatch.agreement.stage(),
        }
        .into()
    }
}

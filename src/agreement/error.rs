//! Changes an agreement refuses.

use chrono::NaiveDate;

use crate::lifecycle::{Action, Refusal};
use crate::model::{
    AgreementId, EventDate, EventId, EventKind, Link, LinkKind, Occasion, Parties, ValueError,
};

/// Why an agreement could not be built, or a change to it was refused.
///
/// A call that returns this error changed nothing. Messages name the
/// agreement, the event and the rule; variants are `#[non_exhaustive]`, so
/// match them with `..`.
///
/// ```
/// use bilateral::{Agreement, Event, EventKind, Parties, Party, SubjectArea};
/// use bilateral::agreement::AgreementError;
/// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
/// let mut pact = Agreement::builder("Pact", parties)
///     .subject(SubjectArea::Trade)
///     .build(Event::new(EventKind::Proposed, "2024".parse()?))?;
/// let err = pact.record(Event::new(EventKind::Finalised, "2025".parse()?)).unwrap_err();
/// assert!(matches!(err, AgreementError::Refused(_)));
/// assert!(err.refusal().is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AgreementError {
    /// A value was invalid: the title, a retraction's reason, too many
    /// subject areas or entries.
    #[error(transparent)]
    Value(#[from] ValueError),
    /// An agreement was opened with an informational event: its first event
    /// must change the stage, so that it always has one.
    #[error(
        "agreement {title:?} cannot open with \"{kind}\" on {date}: its first event must be a stage change"
    )]
    #[non_exhaustive]
    NotAStageChange {
        /// The agreement's title.
        title: String,
        /// The kind of the event given.
        kind: EventKind,
        /// Its date.
        date: EventDate,
    },
    /// An event with this id is already recorded on the agreement.
    #[error("event {id} is already recorded on agreement {title:?} ({agreement})")]
    #[non_exhaustive]
    DuplicateEvent {
        /// The agreement.
        agreement: AgreementId,
        /// The agreement's title.
        title: String,
        /// The repeated event id.
        id: EventId,
    },
    /// An event linked the agreement to itself.
    #[error(
        "cannot {action} an event of agreement {title:?} ({agreement}) that says it {kind} \
         itself: a link names another agreement"
    )]
    #[non_exhaustive]
    SelfLink {
        /// What was attempted.
        action: Action,
        /// The agreement.
        agreement: AgreementId,
        /// Its title.
        title: String,
        /// The kind of the link.
        kind: LinkKind,
    },
    /// An event linked the agreement to one its tracker does not hold (nor
    /// held and removed).
    #[error(
        "agreement {title:?} ({agreement}) cannot say it {link}: \
         the tracker holds no agreement {target}",
        target = link.target()
    )]
    #[non_exhaustive]
    UnknownLinkTarget {
        /// The agreement.
        agreement: AgreementId,
        /// Its title.
        title: String,
        /// The link.
        link: Link,
    },
    /// A link of a kind that may not come back to where it started
    /// ([`LinkKind::is_acyclic`]) would close a circle: the target already
    /// leads back, through links of the same kind, to the agreement.
    #[error(
        "agreement {title:?} ({agreement}) cannot say it {kind} {target_title:?} ({target}): \
         {target_title:?} already {kind} it, directly or through others, \
         and an instrument cannot {verb} itself",
        kind = link.kind(),
        target = link.target(),
        verb = link.kind().verb()
    )]
    #[non_exhaustive]
    LinkCycle {
        /// The agreement.
        agreement: AgreementId,
        /// Its title.
        title: String,
        /// The link that would close the circle.
        link: Link,
        /// The title of the agreement linked to.
        target_title: String,
    },
    /// An instrument implementing another is between other parties, and
    /// the policy does not allow it
    /// ([`Policy::allows_implementing_across_parties`](crate::Policy::allows_implementing_across_parties)).
    #[error(
        "agreement {title:?} ({agreement}, {ours}) cannot implement {target_title:?} \
         ({target}, {theirs}): an implementing instrument is between the parties of \
         what it implements, and the tracker's policy allows no other",
        target = link.target(),
        ours = parties.0,
        theirs = parties.1
    )]
    #[non_exhaustive]
    LinkParties {
        /// The agreement.
        agreement: AgreementId,
        /// Its title.
        title: String,
        /// Its parties, then those of the agreement it would implement.
        parties: Box<(Parties, Parties)>,
        /// The link.
        link: Link,
        /// The title of the agreement implemented.
        target_title: String,
    },
    /// An event names an occasion its tracker knows and is dated outside
    /// it.
    #[error(
        "event {event} of agreement {title:?} ({agreement}) is dated {date}, \
         outside its occasion: {occasion}"
    )]
    #[non_exhaustive]
    OutsideOccasion {
        /// The agreement.
        agreement: AgreementId,
        /// Its title.
        title: String,
        /// The event.
        event: EventId,
        /// The event's date.
        date: EventDate,
        /// The occasion it names.
        occasion: Box<Occasion>,
    },
    /// A stage change was dated after the clock's current day: stage changes
    /// record what happened, not what is planned.
    #[error(
        "cannot {action} \"{kind}\" on {date} for agreement {title:?} ({agreement}): \
         the date is after today ({today}), and a stage change cannot be dated in the future"
    )]
    #[non_exhaustive]
    FutureDate {
        /// What was attempted.
        action: Action,
        /// The agreement.
        agreement: AgreementId,
        /// Its title.
        title: String,
        /// The kind of the event.
        kind: EventKind,
        /// Its date.
        date: EventDate,
        /// The clock's current day.
        today: NaiveDate,
    },
    /// A correction or retraction named an event the agreement does not
    /// hold.
    #[error(
        "cannot {action} event {id} of agreement {title:?} ({agreement}): no such event is recorded"
    )]
    #[non_exhaustive]
    UnknownEvent {
        /// What was attempted.
        action: Action,
        /// The agreement.
        agreement: AgreementId,
        /// Its title.
        title: String,
        /// The event id given.
        id: EventId,
    },
    /// A correction or retraction named an event already retracted.
    #[error(
        "cannot {action} event {id} of agreement {title:?} ({agreement}): it was retracted ({reason})"
    )]
    #[non_exhaustive]
    AlreadyRetracted {
        /// What was attempted.
        action: Action,
        /// The agreement.
        agreement: AgreementId,
        /// Its title.
        title: String,
        /// The event id given.
        id: EventId,
        /// The reason given when it was retracted.
        reason: String,
    },
    /// A correction or retraction would leave the agreement without any
    /// stage change, and so without a stage.
    #[error(
        "cannot {action} event {id} of agreement {title:?} ({agreement}): \
         no stage change would be left, and an agreement always has a stage"
    )]
    #[non_exhaustive]
    NoStageLeft {
        /// What was attempted.
        action: Action,
        /// The agreement.
        agreement: AgreementId,
        /// Its title.
        title: String,
        /// The event id given.
        id: EventId,
    },
    /// A rival claim about an event named no source: a dispute sets one
    /// source's word against another's.
    #[error(
        "cannot dispute event {id} of agreement {title:?} ({agreement}): \
         a rival claim names at least one source"
    )]
    #[non_exhaustive]
    UnsourcedClaim {
        /// The agreement.
        agreement: AgreementId,
        /// Its title.
        title: String,
        /// The event disputed.
        id: EventId,
    },
    /// A rival claim about an event gave the date and kind already in
    /// force: sources that agree are not in dispute (a source is added by
    /// a correction).
    #[error(
        "cannot dispute event {id} of agreement {title:?} ({agreement}) with \"{kind}\" on {date}: \
         that is what the record already says, and a rival claim differs in date or kind"
    )]
    #[non_exhaustive]
    SameClaim {
        /// The agreement.
        agreement: AgreementId,
        /// Its title.
        title: String,
        /// The event disputed.
        id: EventId,
        /// The date claimed.
        date: EventDate,
        /// The kind claimed.
        kind: EventKind,
    },
    /// A resolution named an event with no open dispute.
    #[error(
        "cannot resolve event {id} of agreement {title:?} ({agreement}): nothing about it is disputed"
    )]
    #[non_exhaustive]
    NotDisputed {
        /// The agreement.
        agreement: AgreementId,
        /// Its title.
        title: String,
        /// The event.
        id: EventId,
    },
    /// A resolution kept an entry that is not one of the event's claims.
    #[error(
        "cannot resolve event {id} of agreement {title:?} ({agreement}) by keeping entry {chosen}: \
         its claims are the entries {claims:?}"
    )]
    #[non_exhaustive]
    UnknownClaim {
        /// The agreement.
        agreement: AgreementId,
        /// Its title.
        title: String,
        /// The event.
        id: EventId,
        /// The entry given.
        chosen: usize,
        /// The entries holding its claims: the version in force, then the
        /// open rival claims.
        claims: Vec<usize>,
    },
    /// A lifecycle rule or a guard refused the change; see [`Refusal`].
    #[error(transparent)]
    Refused(Box<Refusal>),
}

impl AgreementError {
    /// The refusal, when a lifecycle rule or a guard refused the change.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            AgreementError::Refused(refusal) => Some(refusal),
            _ => None,
        }
    }
}

impl From<Box<Refusal>> for AgreementError {
    fn from(refusal: Box<Refusal>) -> Self {
        AgreementError::Refused(refusal)
    }
}

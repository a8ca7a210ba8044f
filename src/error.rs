//! The crate's error type.

use std::fmt;

use crate::date::EventDate;
use crate::event::EventKind;
use crate::id::{AgreementId, EventId};
use crate::party::PartyCode;
use crate::policy::Rule;
use crate::stage::Stage;

/// Everything that can go wrong in this crate.
///
/// Each validating constructor has its own variant, so callers match on the
/// kind of failure rather than parse messages. Messages are lower case, name
/// the offending value and the rule it broke. A call that returns an error
/// has changed nothing.
///
/// ```
/// use bilateral::{Error, EventDate};
/// let err = "2024-13-01".parse::<EventDate>().unwrap_err();
/// assert!(matches!(err, Error::Date { .. }));
/// assert_eq!(err.to_string(), "invalid date \"2024-13-01\": the month must be from 01 to 12");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A text field was longer than its limit (see [`limits`](crate::limits)).
    #[error("{field} too long: it has {length} characters, and the limit is {max}")]
    TooLong {
        /// Which field.
        field: Field,
        /// Its length in characters.
        length: usize,
        /// The limit.
        max: usize,
    },
    /// A collection held more items than its limit (see
    /// [`limits`](crate::limits)).
    #[error("too many {what}: {count}, and the limit is {max}")]
    TooMany {
        /// Which collection.
        what: Collection,
        /// How many were given.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A party code broke the code rules.
    #[error("invalid party code {code:?}: {rule}")]
    PartyCode {
        /// The code as given.
        code: String,
        /// The rule it broke.
        rule: CodeRule,
    },
    /// A required text field was empty or only whitespace.
    #[error("blank {field}: it must contain a visible character")]
    Blank {
        /// Which field.
        field: Field,
    },
    /// A list of parties did not hold exactly two.
    #[error("a bilateral agreement has exactly two parties, and {count} were given")]
    PartyCount {
        /// How many were given.
        count: usize,
    },
    /// A timestamp could not be read.
    #[error("invalid timestamp {input:?}: expected RFC 3339, such as 2024-11-23T09:30:00Z")]
    Timestamp {
        /// The text as given.
        input: String,
    },
    /// The same party was given as both parties of an agreement.
    #[error("party {code} is given twice: a bilateral agreement needs two distinct parties")]
    SameParty {
        /// The repeated party's code.
        code: PartyCode,
    },
    /// A date could not be parsed or does not exist.
    #[error("invalid date {input:?}: {rule}")]
    Date {
        /// The date as given.
        input: String,
        /// The rule it broke.
        rule: DateRule,
    },
    /// A subject-area name could not be used.
    #[error("invalid subject area {input:?}: {rule}")]
    SubjectArea {
        /// The name as given.
        input: String,
        /// The rule it broke.
        rule: SubjectRule,
    },
    /// A name that is not in a closed vocabulary (stages, event kinds,
    /// instrument kinds) or a malformed identifier.
    #[error("unknown {what} {input:?}: expected {}", what.expected())]
    Unknown {
        /// Which vocabulary.
        what: Vocabulary,
        /// The text as given.
        input: String,
    },
    /// An agreement was built without a subject area.
    #[error("agreement {title:?} has no subject area: it needs at least one")]
    NoSubjectArea {
        /// The agreement's title.
        title: String,
    },
    /// An agreement was opened with an informational event: its first event
    /// must change the stage, so that it always has one.
    #[error(
        "agreement {title:?} cannot open with \"{kind}\" on {date}: its first event must be a stage change"
    )]
    NotAStageChange {
        /// The agreement's title.
        title: String,
        /// The kind of the event given.
        kind: EventKind,
        /// Its date.
        date: EventDate,
    },
    /// A document held an agreement without any event.
    #[error("agreement {title:?} has no events: it must open with a stage change")]
    NoEvents {
        /// The agreement's title.
        title: String,
    },
    /// A document was written in a newer format than this version of the
    /// crate reads.
    #[error(
        "unsupported format version {found}: this version of bilateral reads versions up to {supported}"
    )]
    UnsupportedFormat {
        /// The version in the document.
        found: u32,
        /// The newest version this crate reads.
        supported: u32,
    },
    /// An event with this id is already recorded on the agreement.
    #[error("event {id} is already recorded on agreement {title:?} ({agreement})")]
    DuplicateEvent {
        /// The agreement.
        agreement: AgreementId,
        /// The agreement's title.
        title: String,
        /// The repeated event id.
        id: EventId,
    },
    /// A stage change was dated after the clock's current day: stage changes
    /// record what happened, not what is planned.
    #[error(
        "cannot {action} \"{kind}\" on {date} for agreement {title:?} ({agreement}): \
         the date is after today ({today}), and a stage change cannot be dated in the future"
    )]
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
        today: chrono::NaiveDate,
    },
    /// A correction or retraction named an event the agreement does not
    /// hold.
    #[error(
        "cannot {action} event {id} of agreement {title:?} ({agreement}): no such event is recorded"
    )]
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
    /// An entry of a document did not hold exactly one change.
    #[error(
        "entry recorded at {recorded_at} must hold exactly one of \"record\", \"correct\" or \"retract\""
    )]
    MalformedEntry {
        /// The entry's `recorded_at`, as written.
        recorded_at: String,
    },
    /// The first entry of a document was a correction or a retraction.
    #[error(
        "agreement {title:?} must open with the record of an event, not a correction or retraction"
    )]
    FirstEntryNotRecord {
        /// The agreement's title.
        title: String,
    },
    /// The entries of a document were not in recording order.
    #[error(
        "entry {position} of agreement {title:?} was recorded at {recorded_at}, before the entry \
         preceding it ({previous}): entries must be in the order they were recorded"
    )]
    EntryOrder {
        /// The agreement's title.
        title: String,
        /// The entry's position in the document, from 0.
        position: usize,
        /// When it says it was recorded.
        recorded_at: chrono::DateTime<chrono::Utc>,
        /// When the entry before it was recorded.
        previous: chrono::DateTime<chrono::Utc>,
    },
    /// A policy would let no record open.
    #[error("policy {policy:?} has no entry stage: a record must be able to open somewhere")]
    NoEntryStage {
        /// The policy's name.
        policy: String,
    },
    /// A policy lets a stage follow a final stage.
    #[error("policy {policy:?} lets {to} follow {from}, but {from} is final")]
    TransitionFromFinal {
        /// The policy's name.
        policy: String,
        /// The final stage.
        from: Stage,
        /// The stage it would lead to.
        to: Stage,
    },
    /// A policy has a stage no record can ever reach.
    #[error(
        "policy {policy:?} never reaches {stage}: no record can open there, \
         and no chain of transitions from an entry stage leads there"
    )]
    UnreachableStage {
        /// The policy's name.
        policy: String,
        /// The stage.
        stage: Stage,
    },
    /// A guard name broke the naming rule, or is taken.
    #[error("invalid guard name {name:?}: {rule}")]
    GuardName {
        /// The name.
        name: String,
        /// The rule it broke.
        rule: &'static str,
    },
    /// A guard is attached to a transition the policy does not allow.
    #[error(
        "policy {policy:?} attaches guard {guard:?} to {on}, a transition the policy does not allow"
    )]
    GuardOnForbiddenStep {
        /// The policy's name.
        policy: String,
        /// The guard's name.
        guard: String,
        /// Where it is attached.
        on: crate::policy::Trigger,
    },
    /// A policy document names a guard that is not registered.
    #[error(
        "unknown guard {name:?}: the known guards are {known}; \
         register your own in a Guards registry and load the policy with PolicyDocument::into_policy"
    )]
    UnknownGuard {
        /// The name in the document.
        name: String,
        /// The registered names, comma-separated.
        known: String,
    },
    /// A tracker holds no agreement with this id.
    #[error("no agreement {id} in the tracker")]
    UnknownAgreement {
        /// The id given.
        id: AgreementId,
    },
    /// A tracker already holds an agreement with this id.
    #[error("agreement {title:?} ({id}) is already in the tracker")]
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
    Conflict {
        /// The agreement.
        agreement: AgreementId,
        /// The version the change expected.
        expected: u64,
        /// The version the agreement is at.
        actual: u64,
    },
    /// One agreement of a tracker document is invalid, so nothing was
    /// loaded.
    #[error(
        "agreement {position} ({id}) of the document is invalid, so nothing was loaded: {source}"
    )]
    InvalidAgreement {
        /// Its position in the document, from 0.
        position: usize,
        /// Its id, as written.
        id: String,
        /// Why.
        source: Box<Error>,
    },
    /// A document gave an agreement version 0; versions start at 1.
    #[error("version 0 is not a version: versions start at 1")]
    ZeroVersion,
    /// A typed handle was asked to note a stage change, which only its
    /// moves may make.
    #[error(
        "cannot note \"{kind}\" on a typed {stage} agreement: it is a stage change, so use the typed move for it"
    )]
    NotInformational {
        /// The kind given.
        kind: EventKind,
        /// The handle's stage.
        stage: Stage,
    },
    /// A typed move left the agreement at another stage than its type (a
    /// move dated into the past, before later stage changes).
    #[error("the move was expected to leave the agreement {expected}, but it is {actual}")]
    WrongStage {
        /// The stage the move's type promised.
        expected: Stage,
        /// The stage the agreement is at.
        actual: Stage,
    },
    /// A lifecycle rule refused a change; see [`Refusal`].
    #[error(transparent)]
    Refused(Box<Refusal>),
}

impl Error {
    /// The refusal, when a lifecycle rule refused the change.
    pub fn as_refusal(&self) -> Option<&Refusal> {
        match self {
            Error::Refused(refusal) => Some(refusal),
            _ => None,
        }
    }
}

/// The rule a party code broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CodeRule {
    /// The code was empty.
    Empty,
    /// The code had this many characters, outside 2 to 16.
    Length(usize),
    /// The code held a character other than an ASCII letter, digit, `-` or
    /// `_`.
    Character(char),
}

impl fmt::Display for CodeRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodeRule::Empty => f.write_str("a code must have 2 to 16 characters, and it is empty"),
            CodeRule::Length(len) => {
                write!(f, "a code must have 2 to 16 characters, and it has {len}")
            }
            CodeRule::Character(c) => write!(
                f,
                "{c:?} is not allowed: a code holds only ASCII letters, digits, '-' and '_'"
            ),
        }
    }
}

/// The rule a date broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DateRule {
    /// Nothing was given.
    Empty,
    /// The text is not `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (with an optional
    /// trailing `?`).
    Format,
    /// The year is outside 0001 to 9999.
    YearOutOfRange,
    /// The month is outside 01 to 12.
    MonthOutOfRange,
    /// The day does not exist in that month.
    NoSuchDay,
}

impl fmt::Display for DateRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateRule::Empty => "a date cannot be empty",
            DateRule::Format => "expected YYYY, YYYY-MM or YYYY-MM-DD, optionally followed by '?'",
            DateRule::YearOutOfRange => "the year must be from 0001 to 9999",
            DateRule::MonthOutOfRange => "the month must be from 01 to 12",
            DateRule::NoSuchDay => "that day does not exist in that month",
        })
    }
}

/// The rule a subject-area name broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SubjectRule {
    /// The name was empty or only separators.
    Blank,
    /// The name held a character other than a letter, a digit, a space, `-`
    /// or `_`.
    Character(char),
    /// The normalised name was longer than this many characters.
    TooLong(usize),
}

impl fmt::Display for SubjectRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SubjectRule::Blank => f.write_str("a subject area needs a name"),
            SubjectRule::Character(c) => write!(
                f,
                "{c:?} is not allowed: a name holds only letters, digits, spaces, '-' and '_'"
            ),
            SubjectRule::TooLong(max) => write!(f, "a name may have at most {max} characters"),
        }
    }
}

/// A required text field, named in [`Error::Blank`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// A party's name.
    PartyName,
    /// An agreement's title.
    Title,
    /// A representative's name.
    RepresentativeName,
    /// A representative's office.
    Office,
    /// An event's venue.
    Venue,
    /// An event's occasion.
    Occasion,
    /// A source's publisher.
    Publisher,
    /// A source's title.
    SourceTitle,
    /// A source's address.
    Address,
    /// An event's summary.
    Summary,
    /// The reason of a retraction.
    Reason,
    /// A policy's name.
    PolicyName,
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Field::PartyName => "party name",
            Field::Title => "agreement title",
            Field::RepresentativeName => "representative name",
            Field::Office => "representative office",
            Field::Venue => "event venue",
            Field::Occasion => "event occasion",
            Field::Publisher => "source publisher",
            Field::SourceTitle => "source title",
            Field::Address => "source address",
            Field::Summary => "event summary",
            Field::Reason => "retraction reason",
            Field::PolicyName => "policy name",
        })
    }
}

/// A bounded collection, named in [`Error::TooMany`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Collection {
    /// The participants of an event.
    Participants,
    /// The sources of an event.
    Sources,
    /// The subject areas of an agreement.
    Subjects,
    /// The entries of an agreement.
    Entries,
    /// The transitions of a policy.
    Transitions,
    /// The guards of a policy.
    Guards,
    /// The agreements of a tracker document.
    Agreements,
}

impl fmt::Display for Collection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Collection::Participants => "participants in one event",
            Collection::Sources => "sources for one event",
            Collection::Subjects => "subject areas for one agreement",
            Collection::Entries => "entries for one agreement",
            Collection::Transitions => "transitions for one policy",
            Collection::Guards => "guards for one policy",
            Collection::Agreements => "agreements for one document",
        })
    }
}

/// What a refused call was trying to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Action {
    /// Recording a new event.
    Record,
    /// Correcting a recorded event.
    Correct,
    /// Retracting a recorded event.
    Retract,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Record => "record",
            Action::Correct => "correct",
            Action::Retract => "retract",
        })
    }
}

/// A closed vocabulary, named in [`Error::Unknown`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Vocabulary {
    /// [`Stage`] names.
    Stage,
    /// [`EventKind`] names.
    EventKind,
    /// [`InstrumentKind`](crate::InstrumentKind) names.
    Instrument,
    /// [`AgreementId`]s.
    AgreementId,
    /// [`EventId`]s.
    EventId,
    /// [`PartyKind`](crate::PartyKind) names.
    PartyKind,
}

impl Vocabulary {
    fn expected(self) -> &'static str {
        match self {
            Vocabulary::Stage => {
                "one of proposed, deliberated, moi-signed, finalised, withdrawn, terminated"
            }
            Vocabulary::EventKind => {
                "a stage (proposed, deliberated, moi-signed, finalised, withdrawn, terminated) \
                 or one of entered-into-force, meeting, statement, note"
            }
            Vocabulary::Instrument => {
                "one of agreement, memorandum-of-understanding (mou), \
                 memorandum-of-implementation (moi), protocol, amendment, other"
            }
            Vocabulary::AgreementId | Vocabulary::EventId => {
                "a UUID such as 0193592c-8a2e-7c4e-9a53-3f1d2b6c0001"
            }
            Vocabulary::PartyKind => "state or organisation",
        }
    }
}

impl fmt::Display for Vocabulary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Vocabulary::Stage => "stage",
            Vocabulary::EventKind => "event kind",
            Vocabulary::Instrument => "instrument kind",
            Vocabulary::AgreementId => "agreement id",
            Vocabulary::EventId => "event id",
            Vocabulary::PartyKind => "party kind",
        })
    }
}

/// One event of a history, as named in a [`Refusal`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Step {
    /// The event's id.
    pub id: EventId,
    /// What it is.
    pub kind: EventKind,
    /// Its date.
    pub date: EventDate,
}

impl Step {
    pub(crate) fn of(event: &crate::Event) -> Self {
        Step {
            id: event.id(),
            kind: event.kind(),
            date: event.date(),
        }
    }
}

/// A change refused by a lifecycle rule, with everything needed to say why.
///
/// It names the agreement, the event being recorded, the step of the history
/// that broke a rule (the event itself, or an existing event that would no
/// longer fit once the new one is placed before it), the stage the agreement
/// was in at that step, and the [`Rule`].
///
/// ```
/// use bilateral::{Agreement, Event, EventKind, Parties, Party, Rule, Stage, SubjectArea};
///
/// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
/// let mut rpss = Agreement::builder("Reciprocal Provision of Supplies and Services", parties)
///     .subject(SubjectArea::Logistics)
///     .build(Event::new(EventKind::Proposed, "2024-06".parse()?))?;
///
/// let err = rpss.record(Event::new(EventKind::MoiSigned, "2024-11-20".parse()?)).unwrap_err();
/// let refusal = err.as_refusal().unwrap();
/// assert_eq!(refusal.stage(), Some(Stage::Proposed));
/// assert!(matches!(refusal.rule(), Rule::Transition { to: Stage::MoiSigned, .. }));
/// assert!(err.to_string().ends_with("it is proposed, and under policy \"standard\" an MoI can only follow deliberation"));
/// # Ok::<(), bilateral::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub(crate) agreement: AgreementId,
    pub(crate) title: String,
    pub(crate) action: Action,
    pub(crate) attempted: Option<Step>,
    pub(crate) refused: Step,
    pub(crate) stage: Option<Stage>,
    pub(crate) last: bool,
    pub(crate) policy: String,
    pub(crate) rule: Rule,
}

impl Refusal {
    /// The agreement's id.
    pub const fn agreement(&self) -> AgreementId {
        self.agreement
    }

    /// The agreement's title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// What the refused call was trying to do.
    pub const fn action(&self) -> Action {
        self.action
    }

    /// The event whose recording, correction (in its corrected form) or
    /// retraction was refused; `None` when a whole history was being checked
    /// (loading a document).
    pub const fn attempted(&self) -> Option<Step> {
        self.attempted
    }

    /// The step of the history that broke the rule. It is the attempted
    /// event itself unless placing that event made a later one invalid.
    pub const fn refused(&self) -> Step {
        self.refused
    }

    /// The stage the agreement was in just before the refused step, or `None`
    /// when no stage was recorded before it.
    pub const fn stage(&self) -> Option<Stage> {
        self.stage
    }

    /// The name of the policy whose rule or guard refused it.
    pub fn policy(&self) -> &str {
        &self.policy
    }

    /// The rule that refused it.
    pub const fn rule(&self) -> &Rule {
        &self.rule
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let refused = self.refused;
        let conflict = match self.attempted {
            Some(attempted) => {
                write!(
                    f,
                    "cannot {} \"{}\" on {} for agreement {:?} ({}): ",
                    self.action, attempted.kind, attempted.date, self.title, self.agreement
                )?;
                if attempted.id == refused.id && self.action != Action::Retract {
                    false
                } else {
                    write!(
                        f,
                        "the \"{}\" of {} would then come ",
                        refused.kind, refused.date
                    )?;
                    true
                }
            }
            None => {
                write!(
                    f,
                    "invalid history for agreement {:?} ({}): \"{}\" on {} (event {}) comes ",
                    self.title, self.agreement, refused.kind, refused.date, refused.id
                )?;
                true
            }
        };
        match (self.stage, conflict, self.last) {
            (Some(stage), true, _) => write!(f, "when it was {}", stage.label())?,
            (None, true, _) => f.write_str("before any recorded stage")?,
            (Some(stage), false, true) => write!(f, "it is {}", stage.label())?,
            (Some(stage), false, false) => write!(f, "by then it was {}", stage.label())?,
            (None, false, true) => f.write_str("it has no recorded stage")?,
            (None, false, false) => f.write_str("by then it had no recorded stage")?,
        }
        write!(f, ", and under policy {:?} {}", self.policy, self.rule)
    }
}

impl std::error::Error for Refusal {}

//! The rules as data: triggers, the rule that refused a step, and one step
//! of a replay.

use std::fmt;
use std::str::FromStr;

use crate::model::{Event, EventDate, EventKind, Stage, StageSet, ValueError};

use super::policy::Policy;

/// Where a guard applies.
///
/// Text form (for documents): `*` for every stage change, a stage
/// (`finalised`) for every change into it, including a record opening
/// there, and `from->to` (`deliberated->finalised`) for one transition.
///
/// ```
/// use bilateral::{Stage, Trigger};
/// let on: Trigger = "deliberated->finalised".parse()?;
/// assert_eq!(on, Trigger::Transition { from: Stage::Deliberated, to: Stage::Finalised });
/// assert_eq!(on.to_string(), "deliberated->finalised");
/// assert!(on.applies(Some(Stage::Deliberated), Stage::Finalised));
/// assert!(!on.applies(Some(Stage::MoiSigned), Stage::Finalised));
/// # Ok::<(), bilateral::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trigger {
    /// Every stage change, including the opening of a record.
    AnyStageChange,
    /// Every change into this stage, including a record opening there.
    Into(Stage),
    /// This one transition.
    Transition {
        /// The stage before.
        from: Stage,
        /// The stage after.
        to: Stage,
    },
}

impl Trigger {
    /// Whether the trigger covers the step from `from` (`None`: opening a
    /// record) to `to`.
    pub fn applies(self, from: Option<Stage>, to: Stage) -> bool {
        match self {
            Trigger::AnyStageChange => true,
            Trigger::Into(stage) => stage == to,
            Trigger::Transition { from: f, to: t } => from == Some(f) && to == t,
        }
    }
}

impl fmt::Display for Trigger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Trigger::AnyStageChange => f.write_str("*"),
            Trigger::Into(stage) => write!(f, "{stage}"),
            Trigger::Transition { from, to } => write!(f, "{from}->{to}"),
        }
    }
}

impl FromStr for Trigger {
    type Err = ValueError;

    fn from_str(input: &str) -> Result<Self, ValueError> {
        let text = input.trim();
        if text == "*" {
            return Ok(Trigger::AnyStageChange);
        }
        match text.split_once("->") {
            Some((from, to)) => Ok(Trigger::Transition {
                from: from.parse()?,
                to: to.parse()?,
            }),
            None => text.parse().map(Trigger::Into),
        }
    }
}
crate::model::serde_str::try_from_str!(Trigger);

crate::model::serde_str::serde_via_str!(
    Trigger,
    "a trigger such as \"*\", \"finalised\" or \"deliberated->finalised\""
);

/// A lifecycle rule that refused a step, with what the rule allows.
///
/// Its `Display` completes a sentence: "… it is proposed since 2024-06, and *an MoI can
/// only follow deliberation*".
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// `to` may not follow `from`; it may only follow the stages in
    /// `allowed_from` (empty when `to` can only open a record).
    Transition {
        /// The stage the agreement was in.
        from: Stage,
        /// The stage refused.
        to: Stage,
        /// The stages `to` may follow under the policy.
        allowed_from: StageSet,
    },
    /// `stage` is final: no stage may follow it.
    Final {
        /// The final stage the agreement was in.
        stage: Stage,
    },
    /// A record may not open at `stage`; it may only open at `allowed`.
    Entry {
        /// The stage refused as the first recorded stage.
        stage: Stage,
        /// The stages a record may open at.
        allowed: StageSet,
    },
    /// Entry into force was recorded where the agreement was not finalised.
    EntryIntoForce,
    /// Entry into force was recorded a second time.
    AlreadyInForce {
        /// The date of the first entry into force.
        since: EventDate,
    },
    /// A guard vetoed the change.
    Guard {
        /// The guard's name.
        guard: String,
        /// The reason it gave.
        reason: String,
    },
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Transition {
                to, allowed_from, ..
            } if allowed_from.is_empty() => {
                write!(f, "{} can only open a record", to.noun())
            }
            Rule::Transition {
                to, allowed_from, ..
            } => {
                write!(f, "{} can only follow ", to.noun())?;
                write_list(f, allowed_from.iter().map(Stage::noun), "or")
            }
            Rule::Final { stage } => write!(f, "{} is final", stage.label()),
            Rule::Entry { allowed, .. } => {
                f.write_str("a record can only open at ")?;
                write_list(f, allowed.iter().map(Stage::label), "or")
            }
            Rule::EntryIntoForce => f.write_str("entry into force can only follow finalisation"),
            Rule::AlreadyInForce { since } => write!(f, "it already entered into force on {since}"),
            Rule::Guard { guard, reason } => write!(f, "guard \"{guard}\" refused it: {reason}"),
        }
    }
}

/// Writes `a`, `a or b`, `a, b or c`.
fn write_list<'a>(
    f: &mut fmt::Formatter<'_>,
    items: impl ExactSizeIterator<Item = &'a str>,
    last_joiner: &str,
) -> fmt::Result {
    let len = items.len();
    for (i, item) in items.enumerate() {
        if i > 0 {
            if i + 1 == len {
                write!(f, " {last_joiner} ")?;
            } else {
                f.write_str(", ")?;
            }
        }
        f.write_str(item)?;
    }
    Ok(())
}

/// Where a replay of a history stands after some events.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Replay {
    pub(crate) stage: Option<Stage>,
    pub(crate) in_force: Option<EventDate>,
}

impl Replay {
    /// Applies one event, or says which rule refuses it.
    #[inline]
    pub(crate) fn step(&mut self, policy: &Policy, event: &Event) -> Result<(), Rule> {
        match event.kind().stage() {
            Some(to) => {
                policy.check(self.stage, to)?;
                self.stage = Some(to);
            }
            None if event.kind() == EventKind::EnteredIntoForce => {
                if let Some(since) = self.in_force {
                    return Err(Rule::AlreadyInForce { since });
                }
                if self.stage != Some(Stage::Finalised) {
                    return Err(Rule::EntryIntoForce);
                }
                self.in_force = Some(event.date());
            }
            None => {}
        }
        Ok(())
    }
}

/// The first refused step of a replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation<'a> {
    pub(crate) position: usize,
    pub(crate) event: &'a Event,
    pub(crate) stage: Option<Stage>,
    pub(crate) rule: Rule,
}

/// What a change to an agreement does: record a new event, correct a
/// recorded one, or retract one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Action {
    /// Recording a new event (opening a record is recording its first).
    Record,
    /// Correcting a recorded event.
    Correct,
    /// Retracting a recorded event.
    Retract,
    /// Setting a rival claim about a recorded event beside it.
    Dispute,
    /// Resolving a dispute by keeping one claim.
    Resolve,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Record => "record",
            Action::Correct => "correct",
            Action::Retract => "retract",
            Action::Dispute => "dispute",
            Action::Resolve => "resolve",
        })
    }
}

//! The lifecycle rules: which stage may follow which, and where a record may
//! open.

use std::borrow::Cow;
use std::fmt;

use crate::date::EventDate;
use crate::event::{Event, EventKind};
use crate::stage::{Stage, StageSet};

/// The rules of a lifecycle, as data.
///
/// A policy says which stage may follow which (a transition table) and at
/// which stages an agreement may enter the record. Because it is a value, a
/// policy can be inspected, compared and unit-tested.
///
/// # The standard policy
///
/// ```text
/// Proposed ──► Deliberated ──► MoiSigned ──► Finalised ──► Terminated
///    │            │  ▲ (more rounds)  │
///    └────────────┴──┴────────────────┴──► Withdrawn
/// ```
///
/// - Proposed → Deliberated; Deliberated → Deliberated (more rounds);
///   Deliberated → MoiSigned; MoiSigned → Finalised; Finalised → Terminated;
///   Proposed, Deliberated or MoiSigned → Withdrawn.
/// - Nothing moves backwards; Withdrawn and Terminated are final.
/// - A record may open at any stage: earlier stages stay unrecorded.
///
/// Besides the transition table, every policy applies two rules to
/// informational events: entry into force can only follow finalisation (the
/// agreement must be finalised at that point of its history), and only once.
///
/// # Example
///
/// ```
/// use bilateral::{Policy, Rule, Stage};
/// let policy = Policy::standard();
/// assert!(policy.allows(Stage::Deliberated, Stage::MoiSigned));
/// assert!(!policy.allows(Stage::Proposed, Stage::Finalised));
///
/// let refusal = policy.check(Some(Stage::Proposed), Stage::MoiSigned).unwrap_err();
/// assert_eq!(refusal.to_string(), "an MoI can only follow deliberation");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    name: Cow<'static, str>,
    /// `next[from]` holds the stages that may follow `from`.
    next: [StageSet; 6],
    entry: StageSet,
}

pub(crate) const STANDARD: Policy = Policy {
    name: Cow::Borrowed("standard"),
    next: [
        // Proposed
        StageSet::only(Stage::Deliberated).with(Stage::Withdrawn),
        // Deliberated
        StageSet::only(Stage::Deliberated)
            .with(Stage::MoiSigned)
            .with(Stage::Withdrawn),
        // MoiSigned
        StageSet::only(Stage::Finalised).with(Stage::Withdrawn),
        // Finalised
        StageSet::only(Stage::Terminated),
        // Withdrawn
        StageSet::EMPTY,
        // Terminated
        StageSet::EMPTY,
    ],
    entry: StageSet::ALL,
};

impl Policy {
    /// The standard lifecycle described above.
    pub fn standard() -> Self {
        STANDARD
    }

    /// The policy's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether `to` may directly follow `from`.
    pub fn allows(&self, from: Stage, to: Stage) -> bool {
        self.allowed_after(from).contains(to)
    }

    /// The stages that may directly follow `from`.
    #[inline]
    pub fn allowed_after(&self, from: Stage) -> StageSet {
        self.next.get(from.index()).copied().unwrap_or_default()
    }

    /// The stages that `to` may directly follow.
    pub fn allowed_before(&self, to: Stage) -> StageSet {
        Stage::ALL
            .into_iter()
            .filter(|from| self.allows(*from, to))
            .collect()
    }

    /// The stages at which an agreement may enter the record.
    pub const fn entry_stages(&self) -> StageSet {
        self.entry
    }

    /// The stages nothing may follow.
    pub fn final_stages(&self) -> StageSet {
        Stage::ALL
            .into_iter()
            .filter(|stage| self.allowed_after(*stage).is_empty())
            .collect()
    }

    /// Checks one step: reaching `to` from `from`, where `None` means the
    /// agreement has no recorded stage yet (the record opens at `to`).
    ///
    /// # Errors
    ///
    /// The [`Rule`] that refuses the step.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Policy, Rule, Stage};
    /// let policy = Policy::standard();
    /// assert!(policy.check(None, Stage::MoiSigned).is_ok()); // a record may open at any stage
    /// assert_eq!(
    ///     policy.check(Some(Stage::Withdrawn), Stage::Deliberated),
    ///     Err(Rule::Final { stage: Stage::Withdrawn }),
    /// );
    /// ```
    #[inline]
    pub fn check(&self, from: Option<Stage>, to: Stage) -> Result<(), Rule> {
        match from {
            None if self.entry.contains(to) => Ok(()),
            None => Err(Rule::Entry {
                stage: to,
                allowed: self.entry,
            }),
            Some(from) => {
                let next = self.allowed_after(from);
                if next.contains(to) {
                    Ok(())
                } else if next.is_empty() {
                    Err(Rule::Final { stage: from })
                } else {
                    Err(Rule::Transition {
                        from,
                        to,
                        allowed_from: self.allowed_before(to),
                    })
                }
            }
        }
    }

    /// Replays events in history order, returning the first step the policy
    /// refuses: its position, the stage before it, and the rule.
    pub(crate) fn replay<'a>(
        &self,
        events: impl IntoIterator<Item = &'a Event>,
    ) -> Result<Replay, Violation<'a>> {
        let mut state = Replay::default();
        for (position, event) in events.into_iter().enumerate() {
            state.step(self, event).map_err(|rule| Violation {
                position,
                event,
                stage: state.stage,
                rule,
            })?;
        }
        Ok(state)
    }
}

impl Default for Policy {
    fn default() -> Self {
        Self::standard()
    }
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Violation<'a> {
    pub(crate) position: usize,
    pub(crate) event: &'a Event,
    pub(crate) stage: Option<Stage>,
    pub(crate) rule: Rule,
}

/// A lifecycle rule that refused a step, with what the rule allows.
///
/// Its `Display` completes a sentence: "… it is proposed, and *an MoI can
/// only follow deliberation*".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

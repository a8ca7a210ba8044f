//! The lifecycle rules: which stage may follow which, and where a record may
//! open.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use crate::date::EventDate;
use crate::document::{GuardDocument, PolicyDocument, TransitionDocument};
use crate::error::{Collection, Error, Field};
use crate::event::{Event, EventKind};
use crate::guard::{Guard, Guards, Proposal};
use crate::limits;
use crate::stage::{Stage, StageSet};

/// The rules of a lifecycle, as data.
///
/// A policy says which stage may follow which (a transition table), at
/// which stages an agreement may enter the record, and which [`Guard`]s may
/// veto a stage change. Because it is a value, a policy can be inspected,
/// compared, drawn ([`Policy::mermaid`], [`Policy::dot`]), stored (serde, as
/// a [`PolicyDocument`](crate::document::PolicyDocument)) and unit-tested.
///
/// # The standard policy
///
/// ```mermaid
/// stateDiagram-v2
///     state "proposed" as Proposed
///     state "deliberated" as Deliberated
///     state "MoI signed" as MoiSigned
///     state "finalised" as Finalised
///     state "withdrawn" as Withdrawn
///     state "terminated" as Terminated
///     [*] --> Proposed
///     [*] --> Deliberated
///     [*] --> MoiSigned
///     [*] --> Finalised
///     [*] --> Withdrawn
///     [*] --> Terminated
///     Proposed --> Deliberated
///     Proposed --> Withdrawn
///     Deliberated --> Deliberated
///     Deliberated --> MoiSigned
///     Deliberated --> Withdrawn
///     MoiSigned --> Finalised
///     MoiSigned --> Withdrawn
///     Finalised --> Terminated
///     Withdrawn --> [*]
///     Terminated --> [*]
/// ```
///
/// (That is the output of `Policy::standard().mermaid()`; paste it into
/// Markdown that renders Mermaid to see it drawn.)
///
/// - Proposed → Deliberated; Deliberated → Deliberated (more rounds);
///   Deliberated → MoiSigned; MoiSigned → Finalised; Finalised → Terminated;
///   Proposed, Deliberated or MoiSigned → Withdrawn.
/// - Nothing moves backwards; Withdrawn and Terminated are final.
/// - A record may open at any stage: earlier stages stay unrecorded.
///
/// [`Policy::strict`] is the same with records opening only at Proposed.
///
/// Besides the transition table, every policy applies two rules to
/// informational events: entry into force can only follow finalisation (the
/// agreement must be finalised at that point of its history), and only once.
///
/// # Custom policies
///
/// Start from a policy with [`Policy::to_builder`], allow or forbid
/// transitions and attach guards; [`PolicyBuilder::build`] refuses an
/// inconsistent policy.
///
/// ```
/// use bilateral::{BothPartiesRepresented, Policy, Stage, Trigger};
///
/// let ministry = Policy::standard()
///     .to_builder()
///     .name("ministry")
///     .allow(Stage::Deliberated, Stage::Finalised) // skipping the MoI
///     .guard(Trigger::Into(Stage::Finalised), BothPartiesRepresented)
///     .build()?;
/// assert!(ministry.allows(Stage::Deliberated, Stage::Finalised));
/// assert_eq!(ministry.guards().count(), 1);
/// # Ok::<(), bilateral::Error>(())
/// ```
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
#[derive(Clone)]
pub struct Policy {
    name: Cow<'static, str>,
    /// `next[from]` holds the stages that may follow `from`.
    next: [StageSet; 6],
    entry: StageSet,
    guards: Vec<Attached>,
}

/// A guard attached to a policy.
#[derive(Clone)]
pub(crate) struct Attached {
    pub(crate) on: Trigger,
    pub(crate) guard: Arc<dyn Guard>,
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
    guards: Vec::new(),
};

impl Policy {
    /// The standard lifecycle described above.
    pub fn standard() -> Self {
        STANDARD
    }

    /// The standard lifecycle, with records opening only at Proposed.
    pub fn strict() -> Self {
        Policy {
            name: Cow::Borrowed("strict"),
            entry: StageSet::only(Stage::Proposed),
            ..STANDARD
        }
    }

    /// A builder starting from this policy's rules, name and guards.
    pub fn to_builder(&self) -> PolicyBuilder {
        PolicyBuilder {
            name: self.name.to_string(),
            next: self.next,
            entry: self.entry,
            guards: self.guards.clone(),
        }
    }

    /// A builder starting from nothing: no transition, no entry stage, no
    /// guard.
    pub fn builder(name: impl Into<String>) -> PolicyBuilder {
        PolicyBuilder {
            name: name.into(),
            next: [StageSet::EMPTY; 6],
            entry: StageSet::EMPTY,
            guards: Vec::new(),
        }
    }

    /// The same rules without any guard.
    pub(crate) fn without_guards(&self) -> Policy {
        Policy {
            name: self.name.clone(),
            next: self.next,
            entry: self.entry,
            guards: Vec::new(),
        }
    }

    /// The guards, with the trigger each is attached to, in the order they
    /// were attached.
    pub fn guards(&self) -> impl Iterator<Item = (Trigger, &Arc<dyn Guard>)> + '_ {
        self.guards
            .iter()
            .map(|attached| (attached.on, &attached.guard))
    }

    /// The guards that apply to the step from `from` (`None`: opening a
    /// record) to `to`.
    pub fn guards_for(
        &self,
        from: Option<Stage>,
        to: Stage,
    ) -> impl Iterator<Item = &Arc<dyn Guard>> + '_ {
        self.guards
            .iter()
            .filter(move |attached| attached.on.applies(from, to))
            .map(|attached| &attached.guard)
    }

    /// Runs the guards for a proposed step, returning the first veto as a
    /// [`Rule::Guard`].
    pub(crate) fn run_guards(&self, proposal: &Proposal<'_>) -> Result<(), Rule> {
        for guard in self.guards_for(proposal.from, proposal.to) {
            guard.check(proposal).map_err(|veto| Rule::Guard {
                guard: guard.name().to_owned(),
                reason: veto.reason().to_owned(),
            })?;
        }
        Ok(())
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

impl PartialEq for Policy {
    /// Policies are equal when their names, tables, entry stages and guards
    /// (by trigger and name, in order) are.
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.next == other.next
            && self.entry == other.entry
            && self.guards.len() == other.guards.len()
            && self
                .guards
                .iter()
                .zip(&other.guards)
                .all(|(a, b)| a.on == b.on && a.guard.name() == b.guard.name())
    }
}

impl Eq for Policy {}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let transitions: Vec<String> = self
            .transitions()
            .map(|(from, to)| format!("{from}->{to}"))
            .collect();
        let guards: Vec<String> = self
            .guards
            .iter()
            .map(|attached| format!("{} on {}", attached.guard.name(), attached.on))
            .collect();
        f.debug_struct("Policy")
            .field("name", &self.name)
            .field("entry", &self.entry)
            .field("transitions", &transitions)
            .field("guards", &guards)
            .finish()
    }
}

impl Policy {
    /// Every allowed transition, in lifecycle order of `from` then `to`.
    pub fn transitions(&self) -> impl Iterator<Item = (Stage, Stage)> + '_ {
        Stage::ALL
            .into_iter()
            .flat_map(move |from| self.allowed_after(from).iter().map(move |to| (from, to)))
    }
}

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
    type Err = Error;

    fn from_str(input: &str) -> Result<Self, Error> {
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

crate::serde_str::serde_via_str!(
    Trigger,
    "a trigger such as \"*\", \"finalised\" or \"deliberated->finalised\""
);

/// Builds a [`Policy`]; see [`Policy::to_builder`] and [`Policy::builder`].
#[derive(Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct PolicyBuilder {
    name: String,
    next: [StageSet; 6],
    entry: StageSet,
    guards: Vec<Attached>,
}

impl fmt::Debug for PolicyBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PolicyBuilder")
            .field("name", &self.name)
            .field("next", &self.next)
            .field("entry", &self.entry)
            .field("guards", &self.guards.len())
            .finish()
    }
}

impl PolicyBuilder {
    /// Sets the name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Allows `to` to follow `from`.
    pub fn allow(mut self, from: Stage, to: Stage) -> Self {
        if let Some(next) = self.next.get_mut(from.index()) {
            *next = next.with(to);
        }
        self
    }

    /// Forbids `to` to follow `from`.
    pub fn forbid(mut self, from: Stage, to: Stage) -> Self {
        if let Some(next) = self.next.get_mut(from.index()) {
            *next = next.without(to);
        }
        self
    }

    /// Sets the stages a record may open at.
    pub fn entry_stages(mut self, stages: StageSet) -> Self {
        self.entry = stages;
        self
    }

    /// Attaches a guard where `on` applies.
    pub fn guard(self, on: Trigger, guard: impl Guard + 'static) -> Self {
        self.guard_arc(on, Arc::new(guard))
    }

    /// Attaches a shared guard where `on` applies.
    pub fn guard_arc(mut self, on: Trigger, guard: Arc<dyn Guard>) -> Self {
        self.guards.push(Attached { on, guard });
        self
    }

    /// Removes every guard with this name.
    pub fn remove_guard(mut self, name: &str) -> Self {
        self.guards.retain(|attached| attached.guard.name() != name);
        self
    }

    /// Checks the policy for consistency and builds it.
    ///
    /// # Errors
    ///
    /// - [`Error::Blank`] for a blank name;
    /// - [`Error::NoEntryStage`] when no stage may open a record;
    /// - [`Error::TransitionFromFinal`] when a transition leaves withdrawn or
    ///   terminated, which are final;
    /// - [`Error::UnreachableStage`] when some stage can be reached neither
    ///   by opening a record nor by any chain of transitions from one;
    /// - [`Error::GuardName`] for a guard whose name is not lower-case
    ///   ASCII letters, digits and `-`;
    /// - [`Error::GuardOnForbiddenStep`] for a guard attached to a
    ///   transition the policy does not allow, or to a stage it never
    ///   reaches by a stage change.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Error, Policy, Stage};
    /// let err = Policy::standard()
    ///     .to_builder()
    ///     .allow(Stage::Withdrawn, Stage::Proposed)
    ///     .build()
    ///     .unwrap_err();
    /// assert!(matches!(err, Error::TransitionFromFinal { .. }));
    /// ```
    pub fn build(self) -> Result<Policy, Error> {
        let name = crate::text::required(self.name, Field::PolicyName, limits::MAX_NAME)?;
        let policy = |name: &str| name.to_owned();
        if self.entry.is_empty() {
            return Err(Error::NoEntryStage {
                policy: policy(&name),
            });
        }
        for from in [Stage::Withdrawn, Stage::Terminated] {
            if let Some(to) = self
                .next
                .get(from.index())
                .and_then(|next| next.iter().next())
            {
                return Err(Error::TransitionFromFinal {
                    policy: policy(&name),
                    from,
                    to,
                });
            }
        }
        let mut reached = self.entry;
        loop {
            let more = reached.iter().fold(reached, |set, from| {
                self.next
                    .get(from.index())
                    .copied()
                    .unwrap_or_default()
                    .iter()
                    .fold(set, StageSet::with)
            });
            if more == reached {
                break;
            }
            reached = more;
        }
        if let Some(stage) = Stage::ALL
            .into_iter()
            .find(|stage| !reached.contains(*stage))
        {
            return Err(Error::UnreachableStage {
                policy: policy(&name),
                stage,
            });
        }
        for attached in &self.guards {
            crate::guard::check_name(attached.guard.name())?;
            let allowed = match attached.on {
                Trigger::AnyStageChange | Trigger::Into(_) => true,
                Trigger::Transition { from, to } => self
                    .next
                    .get(from.index())
                    .is_some_and(|next| next.contains(to)),
            };
            if !allowed {
                return Err(Error::GuardOnForbiddenStep {
                    policy: policy(&name),
                    guard: attached.guard.name().to_owned(),
                    on: attached.on,
                });
            }
        }
        Ok(Policy {
            name: Cow::Owned(name),
            next: self.next,
            entry: self.entry,
            guards: self.guards,
        })
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
#[derive(Debug, Clone, PartialEq, Eq)]
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

impl From<&Policy> for PolicyDocument {
    fn from(policy: &Policy) -> Self {
        PolicyDocument {
            name: policy.name().to_owned(),
            entry: policy.entry.iter().map(|stage| stage.to_string()).collect(),
            transitions: policy
                .transitions()
                .map(|(from, to)| TransitionDocument {
                    from: from.to_string(),
                    to: to.to_string(),
                })
                .collect(),
            guards: policy
                .guards
                .iter()
                .map(|attached| GuardDocument {
                    on: attached.on.to_string(),
                    guard: attached.guard.name().to_owned(),
                })
                .collect(),
        }
    }
}

impl From<Policy> for PolicyDocument {
    fn from(policy: Policy) -> Self {
        PolicyDocument::from(&policy)
    }
}

impl PolicyDocument {
    /// The policy, with guard names resolved in `guards`, checked for
    /// consistency as [`PolicyBuilder::build`] does.
    ///
    /// # Errors
    ///
    /// - [`Error::Unknown`] for a stage name that does not exist, and the
    ///   errors of parsing a [`Trigger`];
    /// - [`Error::UnknownGuard`] for a guard name not in `guards`;
    /// - [`Error::TooMany`] for more than 36 transitions or
    ///   [`MAX_GUARDS`](crate::limits::MAX_GUARDS) guards;
    /// - every error of [`PolicyBuilder::build`].
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{guard_fn, Guards, Policy, PolicyDocument, Veto};
    /// let mut guards = Guards::builtin();
    /// guards.register(guard_fn("logistics-only", |_| Ok(())))?;
    /// let mut doc = PolicyDocument::from(&Policy::standard());
    /// doc.guards.push(bilateral::document::GuardDocument { on: "finalised".into(), guard: "logistics-only".into() });
    /// let policy = doc.clone().into_policy(&guards)?;
    /// assert_eq!(policy.guards().count(), 1);
    /// assert!(Policy::try_from(doc).is_err()); // not a built-in guard
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn into_policy(self, guards: &Guards) -> Result<Policy, Error> {
        limits::at_most(Collection::Transitions, self.transitions.len(), 36)?;
        limits::at_most(Collection::Guards, self.guards.len(), limits::MAX_GUARDS)?;
        let entry = self
            .entry
            .iter()
            .map(|stage| stage.parse())
            .collect::<Result<StageSet, Error>>()?;
        let mut builder = Policy::builder(self.name).entry_stages(entry);
        for transition in &self.transitions {
            builder = builder.allow(transition.from.parse()?, transition.to.parse()?);
        }
        for attached in &self.guards {
            let on: Trigger = attached.on.parse()?;
            let guard = guards
                .get(&attached.guard)
                .ok_or_else(|| Error::UnknownGuard {
                    name: attached.guard.clone(),
                    known: guards.names().collect::<Vec<_>>().join(", "),
                })?;
            builder = builder.guard_arc(on, guard);
        }
        builder.build()
    }
}

impl TryFrom<PolicyDocument> for Policy {
    type Error = Error;

    /// The policy with guard names resolved among the built-in guards.
    fn try_from(doc: PolicyDocument) -> Result<Self, Error> {
        doc.into_policy(&Guards::builtin())
    }
}

impl serde::Serialize for Policy {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        PolicyDocument::from(self).serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Policy {
    /// Reads a [`PolicyDocument`] and resolves guard names among the
    /// built-in guards.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let doc = PolicyDocument::deserialize(deserializer)?;
        Policy::try_from(doc).map_err(serde::de::Error::custom)
    }
}

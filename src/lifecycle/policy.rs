//! The lifecycle rules: which stage may follow which, and where a record may
//! open.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use crate::model::{Event, Field, Stage, StageSet, limits};

use super::error::PolicyError;
use super::guard::{Guard, Proposal};
use super::rule::{Replay, Rule, Trigger, Violation};
use super::stamp::{PolicyStamp, Stamp, fingerprint};

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
/// use bilateral::{Policy, Stage, Trigger};
/// use bilateral::lifecycle::{BothPartiesRepresented};
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
    /// The name and the fingerprint of the table.
    stamp: Stamp,
    /// `next[from]` holds the stages that may follow `from`.
    next: [StageSet; Stage::COUNT],
    /// `previous[to]` holds the stages `to` may follow: the same table read
    /// the other way, kept so that a refusal names them at no cost.
    previous: [StageSet; Stage::COUNT],
    entry: StageSet,
    guards: Vec<Attached>,
    /// Whether an implementing instrument may be between other parties than
    /// what it implements.
    implementing_across_parties: bool,
}

/// A guard attached to a policy.
#[derive(Clone)]
struct Attached {
    on: Trigger,
    guard: Arc<dyn Guard>,
}

/// The standard transition table.
const STANDARD_NEXT: [StageSet; Stage::COUNT] = [
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
];

const STANDARD_STAMP: &PolicyStamp = &PolicyStamp::new(
    Cow::Borrowed("standard"),
    fingerprint(&STANDARD_NEXT, StageSet::ALL),
);

const STRICT_STAMP: &PolicyStamp = &PolicyStamp::new(
    Cow::Borrowed("strict"),
    fingerprint(&STANDARD_NEXT, StageSet::only(Stage::Proposed)),
);

pub(crate) const STANDARD: Policy = Policy {
    stamp: Stamp::Static(STANDARD_STAMP),
    next: STANDARD_NEXT,
    previous: previous(&STANDARD_NEXT),
    entry: StageSet::ALL,
    guards: Vec::new(),
    implementing_across_parties: false,
};

/// A transition table read the other way: for each stage, the stages it
/// may follow. (A `const fn`, so the standard policy's is computed at
/// compile time; both loops stay below `Stage::COUNT`, the arrays' length.)
#[allow(clippy::indexing_slicing)]
const fn previous(next: &[StageSet; Stage::COUNT]) -> [StageSet; Stage::COUNT] {
    let mut previous = [StageSet::EMPTY; Stage::COUNT];
    let mut from = 0;
    while from < Stage::COUNT {
        let mut to = 0;
        while to < Stage::COUNT {
            if next[from].contains(Stage::ALL[to]) {
                previous[to] = previous[to].with(Stage::ALL[from]);
            }
            to += 1;
        }
        from += 1;
    }
    previous
}

impl Policy {
    /// The standard lifecycle described above.
    pub fn standard() -> Self {
        STANDARD
    }

    /// The standard lifecycle, with records opening only at Proposed.
    pub fn strict() -> Self {
        Policy {
            stamp: Stamp::Static(STRICT_STAMP),
            entry: StageSet::only(Stage::Proposed),
            ..STANDARD
        }
    }

    /// A builder starting from this policy's rules, name and guards.
    pub fn to_builder(&self) -> PolicyBuilder {
        PolicyBuilder {
            name: self.name().to_owned(),
            next: self.next,
            entry: self.entry,
            guards: self.guards.clone(),
            implementing_across_parties: self.implementing_across_parties,
        }
    }

    /// A builder starting from nothing: no transition, no entry stage, no
    /// guard.
    pub fn builder(name: impl Into<String>) -> PolicyBuilder {
        PolicyBuilder {
            name: name.into(),
            next: [StageSet::EMPTY; Stage::COUNT],
            entry: StageSet::EMPTY,
            guards: Vec::new(),
            implementing_across_parties: false,
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
    #[inline]
    pub(crate) fn run_guards(&self, proposal: &Proposal<'_>) -> Result<(), Rule> {
        for guard in self.guards_for(proposal.from(), proposal.to()) {
            guard.check(proposal).map_err(|veto| Rule::Guard {
                guard: guard.name().to_owned(),
                reason: veto.reason().to_owned(),
            })?;
        }
        Ok(())
    }

    /// The policy's name.
    pub fn name(&self) -> &str {
        self.stamp.get().name()
    }

    /// The policy's name and the fingerprint of its table, as a document
    /// of an agreement kept under it names it.
    pub fn stamp(&self) -> &PolicyStamp {
        self.stamp.get()
    }

    /// The stamp, to share with an agreement.
    pub(crate) fn shared_stamp(&self) -> &Stamp {
        &self.stamp
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
        self.previous.get(to.index()).copied().unwrap_or_default()
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
    /// Policies are equal when their names, tables, entry stages, guards
    /// (by trigger and name, in order) and rule for implementing
    /// instruments are.
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
            && self.next == other.next
            && self.entry == other.entry
            && self.implementing_across_parties == other.implementing_across_parties
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
            .field("name", &self.name())
            .field("entry", &self.entry)
            .field("transitions", &transitions)
            .field("guards", &guards)
            .field(
                "implementing_across_parties",
                &self.implementing_across_parties,
            )
            .finish()
    }
}

impl Policy {
    /// Whether an instrument may implement one between other parties (a
    /// tracker refuses such a link otherwise; see
    /// [`LinkKind::Implements`](crate::LinkKind::Implements)).
    pub fn allows_implementing_across_parties(&self) -> bool {
        self.implementing_across_parties
    }

    /// Every allowed transition, in lifecycle order of `from` then `to`.
    pub fn transitions(&self) -> impl Iterator<Item = (Stage, Stage)> + '_ {
        Stage::ALL
            .into_iter()
            .flat_map(move |from| self.allowed_after(from).iter().map(move |to| (from, to)))
    }
}

/// Builds a [`Policy`]; see [`Policy::to_builder`] and [`Policy::builder`].
#[derive(Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct PolicyBuilder {
    name: String,
    next: [StageSet; Stage::COUNT],
    entry: StageSet,
    guards: Vec<Attached>,
    implementing_across_parties: bool,
}

impl fmt::Debug for PolicyBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PolicyBuilder")
            .field("name", &self.name)
            .field("next", &self.next)
            .field("entry", &self.entry)
            .field("guards", &self.guards.len())
            .field(
                "implementing_across_parties",
                &self.implementing_across_parties,
            )
            .finish()
    }
}

impl PolicyBuilder {
    /// Sets the name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Lets an instrument implement one between other parties (by default
    /// an implementing instrument is between the parties of what it
    /// implements: a memorandum under an India–Japan agreement is India's
    /// and Japan's).
    ///
    /// ```
    /// use bilateral::Policy;
    /// let open = Policy::standard().to_builder().name("open").implementing_across_parties(true).build()?;
    /// assert!(open.allows_implementing_across_parties());
    /// assert!(!Policy::standard().allows_implementing_across_parties());
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn implementing_across_parties(mut self, allowed: bool) -> Self {
        self.implementing_across_parties = allowed;
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
    /// - [`PolicyError::Value`] for a blank or overlong name;
    /// - [`PolicyError::NoEntryStage`] when no stage may open a record;
    /// - [`PolicyError::TransitionFromFinal`] when a transition leaves withdrawn or
    ///   terminated, which are final;
    /// - [`PolicyError::UnreachableStage`] when some stage can be reached neither
    ///   by opening a record nor by any chain of transitions from one;
    /// - [`PolicyError::GuardName`] for a guard whose name is not lower-case
    ///   ASCII letters, digits and `-`;
    /// - [`PolicyError::GuardOnForbiddenStep`] for a guard attached to a
    ///   transition the policy does not allow, or to a stage it never
    ///   reaches by a stage change.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Policy, Stage};
    /// use bilateral::lifecycle::PolicyError;
    /// let err = Policy::standard()
    ///     .to_builder()
    ///     .allow(Stage::Withdrawn, Stage::Proposed)
    ///     .build()
    ///     .unwrap_err();
    /// assert!(matches!(err, PolicyError::TransitionFromFinal { .. }));
    /// ```
    pub fn build(self) -> Result<Policy, PolicyError> {
        let name = crate::model::text::required(self.name, Field::PolicyName, limits::MAX_NAME)?;
        let policy = |name: &str| name.to_owned();
        if self.entry.is_empty() {
            return Err(PolicyError::NoEntryStage {
                policy: policy(&name),
            });
        }
        for from in [Stage::Withdrawn, Stage::Terminated] {
            if let Some(to) = self
                .next
                .get(from.index())
                .and_then(|next| next.iter().next())
            {
                return Err(PolicyError::TransitionFromFinal {
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
            return Err(PolicyError::UnreachableStage {
                policy: policy(&name),
                stage,
            });
        }
        for attached in &self.guards {
            super::guard::check_name(attached.guard.name())?;
            let allowed = match attached.on {
                Trigger::AnyStageChange | Trigger::Into(_) => true,
                Trigger::Transition { from, to } => self
                    .next
                    .get(from.index())
                    .is_some_and(|next| next.contains(to)),
            };
            if !allowed {
                return Err(PolicyError::GuardOnForbiddenStep {
                    policy: policy(&name),
                    guard: attached.guard.name().to_owned(),
                    on: attached.on,
                });
            }
        }
        Ok(Policy {
            stamp: Stamp::Shared(Arc::new(PolicyStamp::new(
                Cow::Owned(name),
                fingerprint(&self.next, self.entry),
            ))),
            next: self.next,
            previous: previous(&self.next),
            entry: self.entry,
            guards: self.guards,
            implementing_across_parties: self.implementing_across_parties,
        })
    }
}

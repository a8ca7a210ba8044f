//! Policies that cannot be built or loaded.

use crate::model::{Stage, ValueError};

use super::rule::Trigger;

/// A policy that is inconsistent, or a policy document that cannot be
/// loaded: its message names the policy and the rule it broke.
///
/// Variants are `#[non_exhaustive]`: match them with `..`.
///
/// ```
/// use bilateral::{Policy, Stage};
/// use bilateral::lifecycle::PolicyError;
/// let err = Policy::standard().to_builder().allow(Stage::Withdrawn, Stage::Proposed).build().unwrap_err();
/// assert!(matches!(err, PolicyError::TransitionFromFinal { from: Stage::Withdrawn, .. }));
/// assert_eq!(err.to_string(), "policy \"standard\" lets proposed follow withdrawn, but withdrawn is final");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// A value in the policy is invalid: a blank name, an unknown stage, a
    /// malformed trigger, too many transitions or guards.
    #[error(transparent)]
    Value(#[from] ValueError),
    /// A policy would let no record open.
    #[error("policy {policy:?} has no entry stage: a record must be able to open somewhere")]
    #[non_exhaustive]
    NoEntryStage {
        /// The policy's name.
        policy: String,
    },
    /// A policy lets a stage follow a final stage.
    #[error("policy {policy:?} lets {to} follow {from}, but {from} is final")]
    #[non_exhaustive]
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
    #[non_exhaustive]
    UnreachableStage {
        /// The policy's name.
        policy: String,
        /// The stage.
        stage: Stage,
    },
    /// A guard name broke the naming rule, or is taken.
    #[error("invalid guard name {name:?}: {rule}")]
    #[non_exhaustive]
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
    #[non_exhaustive]
    GuardOnForbiddenStep {
        /// The policy's name.
        policy: String,
        /// The guard's name.
        guard: String,
        /// Where it is attached.
        on: Trigger,
    },
    /// A policy document names a guard that is not registered.
    #[error(
        "unknown guard {name:?}: the known guards are {known}; \
         register your own in a Guards registry and load the policy with PolicyDocument::into_policy"
    )]
    #[non_exhaustive]
    UnknownGuard {
        /// The name in the document.
        name: String,
        /// The registered names, comma-separated.
        known: String,
    },
}

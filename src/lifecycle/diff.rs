//! What changed between two policies: what a reviewer of a rule change
//! needs to see.

use std::fmt;

use crate::model::{Stage, StageSet};

use super::diagram::mermaid_id;
use super::policy::Policy;
use super::rule::Trigger;

/// What changed from one policy to another: transitions allowed and
/// forbidden, stages a record may open at, and guards per trigger.
///
/// Made by [`Policy::diff`]. Printed, it lists each change on a line
/// (`+` added, `-` removed); [`PolicyDiff::mermaid`] draws the policy after
/// the change with the added and removed transitions marked.
///
/// ```
/// use bilateral::lifecycle::CitesSource;
/// use bilateral::{Policy, Stage, Trigger};
/// let before = Policy::standard();
/// let after = before
///     .to_builder()
///     .name("ministry")
///     .allow(Stage::Deliberated, Stage::Finalised)
///     .forbid(Stage::MoiSigned, Stage::Withdrawn)
///     .guard(Trigger::Into(Stage::Finalised), CitesSource)
///     .build()?;
/// let diff = before.diff(&after);
/// assert_eq!(diff.added_transitions(), [(Stage::Deliberated, Stage::Finalised)]);
/// assert_eq!(diff.to_string(), "\
/// from policy \"standard\" to policy \"ministry\":
/// + deliberated -> finalised
/// - moi-signed -> withdrawn
/// + guard \"cites-source\" on finalised
/// ");
/// # Ok::<(), bilateral::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDiff {
    before: String,
    after: String,
    added: Vec<(Stage, Stage)>,
    removed: Vec<(Stage, Stage)>,
    kept: Vec<(Stage, Stage)>,
    entry_added: StageSet,
    entry_removed: StageSet,
    entry_kept: StageSet,
    guards_added: Vec<(Trigger, String)>,
    guards_removed: Vec<(Trigger, String)>,
}

impl Policy {
    /// What changed from this policy to `after`.
    ///
    /// Guards are compared by trigger and name: a guard moved to another
    /// trigger is removed from one and added to the other; one attached
    /// twice to a trigger counts twice.
    pub fn diff(&self, after: &Policy) -> PolicyDiff {
        let split = |from: &Policy, to: &Policy| -> Vec<(Stage, Stage)> {
            from.transitions()
                .filter(|(a, b)| !to.allows(*a, *b))
                .collect()
        };
        let guards = |policy: &Policy| -> Vec<(Trigger, String)> {
            policy
                .guards()
                .map(|(on, guard)| (on, guard.name().to_owned()))
                .collect()
        };
        let (before_guards, after_guards) = (guards(self), guards(after));
        PolicyDiff {
            before: self.name().to_owned(),
            after: after.name().to_owned(),
            added: split(after, self),
            removed: split(self, after),
            kept: self
                .transitions()
                .filter(|(a, b)| after.allows(*a, *b))
                .collect(),
            entry_added: after.entry_stages().difference(self.entry_stages()),
            entry_removed: self.entry_stages().difference(after.entry_stages()),
            entry_kept: self.entry_stages().intersection(after.entry_stages()),
            guards_added: multiset_difference(&after_guards, &before_guards),
            guards_removed: multiset_difference(&before_guards, &after_guards),
        }
    }
}

/// The items of `a` not matched one for one in `b`, in `a`'s order.
fn multiset_difference<T: PartialEq + Clone>(a: &[T], b: &[T]) -> Vec<T> {
    let mut unmatched: Vec<Option<&T>> = b.iter().map(Some).collect();
    a.iter()
        .filter(|item| {
            match unmatched
                .iter_mut()
                .find(|other| other.is_some_and(|other| other == *item))
            {
                Some(slot) => {
                    *slot = None;
                    false
                }
                None => true,
            }
        })
        .cloned()
        .collect()
}

impl PolicyDiff {
    /// Whether the two policies allow the same steps, open records at the
    /// same stages and attach the same guards (their names may differ).
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.entry_added.is_empty()
            && self.entry_removed.is_empty()
            && self.guards_added.is_empty()
            && self.guards_removed.is_empty()
    }

    /// The name of the policy before the change.
    pub fn before(&self) -> &str {
        &self.before
    }

    /// The name of the policy after the change.
    pub fn after(&self) -> &str {
        &self.after
    }

    /// Transitions allowed after the change and not before, `(from, to)`
    /// in stage order.
    pub fn added_transitions(&self) -> &[(Stage, Stage)] {
        &self.added
    }

    /// Transitions allowed before the change and not after.
    pub fn removed_transitions(&self) -> &[(Stage, Stage)] {
        &self.removed
    }

    /// Stages a record may open at after the change and not before.
    pub const fn added_entry_stages(&self) -> StageSet {
        self.entry_added
    }

    /// Stages a record may open at before the change and not after.
    pub const fn removed_entry_stages(&self) -> StageSet {
        self.entry_removed
    }

    /// Guards attached after the change and not before: trigger and name.
    pub fn added_guards(&self) -> &[(Trigger, String)] {
        &self.guards_added
    }

    /// Guards attached before the change and not after.
    pub fn removed_guards(&self) -> &[(Trigger, String)] {
        &self.guards_removed
    }

    /// The change as a Mermaid flowchart: the policy after it, every
    /// transition kept drawn plain, the added ones thick and green
    /// (labelled "added"), the removed ones dashed and red ("removed");
    /// likewise the arrows from the entry point to the stages a record may
    /// open at.
    ///
    /// ```
    /// use bilateral::{Policy, Stage};
    /// let after = Policy::standard().to_builder().name("lax").allow(Stage::Deliberated, Stage::Finalised).build()?;
    /// let chart = Policy::standard().diff(&after).mermaid().to_string();
    /// assert!(chart.starts_with("flowchart LR\n"));
    /// assert!(chart.contains("    Deliberated ==>|added| Finalised\n"));
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn mermaid(&self) -> PolicyDiffMermaid<'_> {
        PolicyDiffMermaid { diff: self }
    }
}

impl fmt::Display for PolicyDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return writeln!(
                f,
                "policy \"{}\" and policy \"{}\" allow the same steps, open records at the same stages and attach the same guards",
                self.before, self.after
            );
        }
        writeln!(
            f,
            "from policy \"{}\" to policy \"{}\":",
            self.before, self.after
        )?;
        for stage in self.entry_added {
            writeln!(f, "+ a record may open at {stage}")?;
        }
        for stage in self.entry_removed {
            writeln!(f, "- a record may open at {stage}")?;
        }
        for (from, to) in &self.added {
            writeln!(f, "+ {from} -> {to}")?;
        }
        for (from, to) in &self.removed {
            writeln!(f, "- {from} -> {to}")?;
        }
        for (on, name) in &self.guards_added {
            writeln!(f, "+ guard \"{name}\" on {on}")?;
        }
        for (on, name) in &self.guards_removed {
            writeln!(f, "- guard \"{name}\" on {on}")?;
        }
        Ok(())
    }
}

/// A [`PolicyDiff`] drawn as a Mermaid flowchart; see
/// [`PolicyDiff::mermaid`].
#[derive(Debug, Clone, Copy)]
pub struct PolicyDiffMermaid<'a> {
    diff: &'a PolicyDiff,
}

/// How an arrow of the chart changed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Change {
    Kept,
    Added,
    Removed,
}

impl fmt::Display for PolicyDiffMermaid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let diff = self.diff;
        writeln!(f, "flowchart LR")?;
        writeln!(f, "    entry(( ))")?;
        for stage in Stage::ALL {
            writeln!(f, "    {}([\"{}\"])", mermaid_id(stage), stage.label())?;
        }
        let entries = [
            (diff.entry_kept, Change::Kept),
            (diff.entry_added, Change::Added),
            (diff.entry_removed, Change::Removed),
        ]
        .into_iter()
        .flat_map(|(set, change)| set.iter().map(move |stage| ("entry", stage, change)));
        let steps = [
            (&diff.kept, Change::Kept),
            (&diff.added, Change::Added),
            (&diff.removed, Change::Removed),
        ]
        .into_iter()
        .flat_map(|(list, change)| {
            list.iter()
                .map(move |(from, to)| (mermaid_id(*from), *to, change))
        });
        let mut styles = Vec::new();
        for (number, (from, to, change)) in entries.chain(steps).enumerate() {
            let to = mermaid_id(to);
            match change {
                Change::Kept => writeln!(f, "    {from} --> {to}")?,
                Change::Added => {
                    writeln!(f, "    {from} ==>|added| {to}")?;
                    styles.push((number, "stroke:#1a7f37,stroke-width:3px"));
                }
                Change::Removed => {
                    writeln!(f, "    {from} -.->|removed| {to}")?;
                    styles.push((number, "stroke:#cf222e,stroke-dasharray:5 5"));
                }
            }
        }
        for (number, style) in styles {
            writeln!(f, "    linkStyle {number} {style}")?;
        }
        Ok(())
    }
}

//! The stages of an agreement's lifecycle, and sets of them.

use std::fmt;
use std::str::FromStr;

use super::error::{Excerpt, ValueError, Vocabulary};

/// Where an agreement stands in its lifecycle.
///
/// The order of the variants is the order of the standard lifecycle
/// (`Withdrawn` closes a track before finalisation, `Terminated` after it).
/// A stage is never stored on an [`Agreement`](crate::Agreement): it is
/// derived from the agreement's history.
///
/// # Text form
///
/// Kebab case: `proposed`, `deliberated`, `moi-signed`, `finalised`,
/// `withdrawn`, `terminated`. [`FromStr`] also accepts any letter case,
/// spaces or underscores for hyphens, and the American spelling `finalized`.
/// [`Stage::label`] gives the form for prose ("MoI signed").
///
/// ```
/// use bilateral::Stage;
/// let stage: Stage = "MoI signed".parse()?;
/// assert_eq!(stage, Stage::MoiSigned);
/// assert_eq!(stage.to_string(), "moi-signed");
/// assert_eq!(stage.label(), "MoI signed");
/// # Ok::<(), bilateral::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// One party has put the agreement forward.
    Proposed,
    /// The parties have discussed it (one or more rounds).
    Deliberated,
    /// A memorandum of implementation has been signed.
    MoiSigned,
    /// The agreement has been concluded (signed as final).
    Finalised,
    /// The track was abandoned before finalisation. Final.
    Withdrawn,
    /// The agreement ended after finalisation. Final.
    Terminated,
}

impl Stage {
    /// How many stages there are.
    pub const COUNT: usize = 6;

    /// Every stage, in lifecycle order.
    pub const ALL: [Stage; Stage::COUNT] = [
        Stage::Proposed,
        Stage::Deliberated,
        Stage::MoiSigned,
        Stage::Finalised,
        Stage::Withdrawn,
        Stage::Terminated,
    ];

    /// The kebab-case code, as written by `Display` and serde.
    pub const fn as_str(self) -> &'static str {
        match self {
            Stage::Proposed => "proposed",
            Stage::Deliberated => "deliberated",
            Stage::MoiSigned => "moi-signed",
            Stage::Finalised => "finalised",
            Stage::Withdrawn => "withdrawn",
            Stage::Terminated => "terminated",
        }
    }

    /// The stage as written in prose: "MoI signed".
    pub const fn label(self) -> &'static str {
        match self {
            Stage::MoiSigned => "MoI signed",
            other => other.as_str(),
        }
    }

    /// The act of reaching this stage, as a noun phrase for messages:
    /// "a proposal", "deliberation", "an MoI", "finalisation".
    pub const fn noun(self) -> &'static str {
        match self {
            Stage::Proposed => "a proposal",
            Stage::Deliberated => "deliberation",
            Stage::MoiSigned => "an MoI",
            Stage::Finalised => "finalisation",
            Stage::Withdrawn => "withdrawal",
            Stage::Terminated => "termination",
        }
    }

    /// Position in [`Stage::ALL`].
    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for Stage {
    type Err = ValueError;

    fn from_str(input: &str) -> Result<Self, ValueError> {
        // The canonical name, as documents write it, needs no normalising.
        if let Some(stage) = Stage::ALL.into_iter().find(|stage| stage.as_str() == input) {
            return Ok(stage);
        }
        let key = crate::model::text::kebab_key(input);
        let key = if key == "finalized" {
            "finalised".to_owned()
        } else {
            key
        };
        Stage::ALL
            .into_iter()
            .find(|stage| stage.as_str() == key)
            .ok_or_else(|| ValueError::Unknown {
                what: Vocabulary::Stage,
                input: Excerpt::new(input),
            })
    }
}

crate::model::serde_str::serde_via_str!(Stage, "a stage such as \"deliberated\" or \"moi-signed\"");

/// A set of [`Stage`]s, stored as a bit set: copying and testing are free.
///
/// ```
/// use bilateral::{Stage, StageSet};
/// let open: StageSet = [Stage::Proposed, Stage::Deliberated, Stage::MoiSigned].into_iter().collect();
/// assert!(open.contains(Stage::Deliberated));
/// assert!(!open.contains(Stage::Finalised));
/// assert_eq!(open.len(), 3);
/// assert_eq!(open.to_string(), "{proposed, deliberated, moi-signed}");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct StageSet(u8);

impl StageSet {
    /// The empty set.
    pub const EMPTY: StageSet = StageSet(0);
    /// Every stage.
    pub const ALL: StageSet = StageSet(0b11_1111);

    /// The empty set.
    pub const fn new() -> Self {
        Self::EMPTY
    }

    /// A set of one stage.
    pub const fn only(stage: Stage) -> Self {
        StageSet(1 << stage.index())
    }

    /// This set with `stage` added.
    #[must_use]
    pub const fn with(self, stage: Stage) -> Self {
        StageSet(self.0 | 1 << stage.index())
    }

    /// This set with `stage` removed.
    #[must_use]
    pub const fn without(self, stage: Stage) -> Self {
        StageSet(self.0 & !(1 << stage.index()))
    }

    /// The set as bits, one per stage in lifecycle order (proposed first).
    /// The stages in either set.
    #[must_use]
    pub const fn union(self, other: StageSet) -> Self {
        StageSet(self.0 | other.0)
    }

    /// The stages in both sets.
    #[must_use]
    pub const fn intersection(self, other: StageSet) -> Self {
        StageSet(self.0 & other.0)
    }

    /// The stages of this set that are not in `other`.
    #[must_use]
    pub const fn difference(self, other: StageSet) -> Self {
        StageSet(self.0 & !other.0)
    }

    pub(crate) const fn bits(self) -> u8 {
        self.0
    }

    /// Whether `stage` is in the set.
    pub const fn contains(self, stage: Stage) -> bool {
        self.0 & (1 << stage.index()) != 0
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many stages the set holds.
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The stages of the set, in lifecycle order.
    pub const fn iter(self) -> StageSetIter {
        StageSetIter { set: self, next: 0 }
    }
}

impl From<Stage> for StageSet {
    fn from(stage: Stage) -> Self {
        StageSet::only(stage)
    }
}

impl<const N: usize> From<[Stage; N]> for StageSet {
    fn from(stages: [Stage; N]) -> Self {
        stages.into_iter().collect()
    }
}

impl FromIterator<Stage> for StageSet {
    fn from_iter<I: IntoIterator<Item = Stage>>(iter: I) -> Self {
        iter.into_iter().fold(StageSet::EMPTY, StageSet::with)
    }
}

impl IntoIterator for StageSet {
    type Item = Stage;
    type IntoIter = StageSetIter;

    fn into_iter(self) -> StageSetIter {
        self.iter()
    }
}

/// Iterator over the stages of a [`StageSet`], in lifecycle order.
#[derive(Debug, Clone)]
pub struct StageSetIter {
    set: StageSet,
    next: usize,
}

impl Iterator for StageSetIter {
    type Item = Stage;

    fn next(&mut self) -> Option<Stage> {
        while let Some(stage) = Stage::ALL.get(self.next).copied() {
            self.next += 1;
            if self.set.contains(stage) {
                return Some(stage);
            }
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let remaining = (self.set.0 >> self.next.min(7)).count_ones() as usize;
        (remaining, Some(remaining))
    }
}

impl ExactSizeIterator for StageSetIter {}

impl fmt::Debug for StageSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl fmt::Display for StageSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (i, stage) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(stage.as_str())?;
        }
        f.write_str("}")
    }
}

impl serde::Serialize for StageSet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> serde::Deserialize<'de> for StageSet {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let stages = Vec::<Stage>::deserialize(deserializer)?;
        Ok(stages.into_iter().collect())
    }
}

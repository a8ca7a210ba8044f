//! Which policy judged an agreement: its name and the fingerprint of its
//! table, as documents write them.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use crate::model::{Stage, StageSet};

/// The policy an agreement is kept under, as a document names it: the
/// policy's name and the fingerprint of its rules (its transition table and
/// entry stages, not its guards, which judge changes only as they are made).
///
/// Two policies with the same table have the same fingerprint, and two
/// with different tables different ones: the fingerprint is the table
/// itself, six bits of entry stages and six of successors for each stage,
/// written as eleven hexadecimal digits.
///
/// ```
/// use bilateral::{Policy, Stage};
/// let standard = Policy::standard();
/// assert_eq!(standard.stamp().name(), "standard");
/// let skip_moi = standard.to_builder().name("skip-moi").allow(Stage::Deliberated, Stage::Finalised).build()?;
/// assert_ne!(skip_moi.stamp().fingerprint(), standard.stamp().fingerprint());
/// let renamed = standard.to_builder().name("mine").build()?;
/// assert_eq!(renamed.stamp().fingerprint(), standard.stamp().fingerprint());
/// assert_eq!(standard.stamp().to_string(), format!("\"standard\" (table {})", standard.stamp().fingerprint()));
/// # Ok::<(), bilateral::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PolicyStamp {
    name: Cow<'static, str>,
    table: u64,
}

impl PolicyStamp {
    pub(crate) const fn new(name: Cow<'static, str>, table: u64) -> Self {
        PolicyStamp { name, table }
    }

    /// The policy's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The fingerprint of the policy's table, as documents write it: eleven
    /// lowercase hexadecimal digits.
    pub fn fingerprint(&self) -> String {
        format!("{:011x}", self.table)
    }

    /// Whether `other` has the same table (whatever its name).
    pub const fn same_table(&self, other: &PolicyStamp) -> bool {
        self.table == other.table
    }
}

impl fmt::Display for PolicyStamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} (table {})", self.name, self.fingerprint())
    }
}

/// A table as its fingerprint: the entry stages in the lowest six bits,
/// then the successors of each stage in lifecycle order, six bits each.
#[allow(clippy::indexing_slicing)]
pub(crate) const fn fingerprint(next: &[StageSet; Stage::COUNT], entry: StageSet) -> u64 {
    let mut table = entry.bits() as u64;
    let mut from = 0;
    while from < Stage::COUNT {
        table |= (next[from].bits() as u64) << (6 * (from + 1));
        from += 1;
    }
    table
}

/// A [`PolicyStamp`] shared by a policy and every agreement kept under it:
/// the built-in policies' are constants, a custom policy's is counted, so
/// that no agreement copies a name.
#[derive(Clone)]
pub(crate) enum Stamp {
    Static(&'static PolicyStamp),
    Shared(Arc<PolicyStamp>),
}

/// As the stamp it shares.
impl std::fmt::Debug for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

/// Stamps are equal when the stamps they share are, however shared.
impl PartialEq for Stamp {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl Eq for Stamp {}

impl Stamp {
    pub(crate) fn get(&self) -> &PolicyStamp {
        match self {
            Stamp::Static(stamp) => stamp,
            Stamp::Shared(stamp) => stamp,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stamp reads and compares as the stamp it shares, however shared:
    /// a refusal or an agreement holding one prints and compares by name
    /// and table.
    #[test]
    fn stamps_read_and_compare_as_what_they_share() {
        static STANDARD: PolicyStamp = PolicyStamp::new(Cow::Borrowed("standard"), 7);
        let fixed = Stamp::Static(&STANDARD);
        let shared = Stamp::Shared(Arc::new(STANDARD.clone()));
        let other = Stamp::Shared(Arc::new(PolicyStamp::new(Cow::Borrowed("mine"), 7)));
        assert_eq!(fixed, shared);
        assert_ne!(fixed, other);
        assert_ne!(shared, other);
        assert_eq!(format!("{fixed:?}"), format!("{STANDARD:?}"));
        assert_eq!(
            format!("{other:?}"),
            r#"PolicyStamp { name: "mine", table: 7 }"#
        );
    }
}

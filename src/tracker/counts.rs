//! Counts of agreements by stage, subject area or party.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Index;

/// How many agreements fall under each of some keys (stages, subject areas,
/// parties): what [`Tracker::count_by_stage`](super::Tracker::count_by_stage)
/// and its siblings give.
///
/// Index it by key (`counts[Stage::MoiSigned]`, or `counts[&area]`) or ask
/// with [`Counts::get`]: a key not counted gives 0. Iterate it for the keys
/// with their counts, in the order the method that made it names (the
/// stages in lifecycle order, subject areas sorted, parties most first).
/// It serialises as a map from key to count.
///
/// ```
/// use bilateral::{Agreement, Event, EventKind, Parties, Party, Stage, Tracker};
/// let mut tracker = Tracker::new();
/// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
/// tracker.create(Agreement::builder("Logistics", parties), Event::new(EventKind::MoiSigned, "2024-11-15".parse()?))?;
///
/// let counts = tracker.count_by_stage();
/// assert_eq!(counts[Stage::MoiSigned], 1);
/// assert_eq!(counts.get(&Stage::Proposed), 0);
/// assert_eq!(counts.total(), 1);
/// for (stage, count) in &counts {
///     println!("{stage}: {count}");
/// }
/// # Ok::<(), bilateral::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Counts<K> {
    entries: Vec<(K, usize)>,
}

/// What a key not counted gives.
const ZERO: usize = 0;

impl<K> Counts<K> {
    pub(crate) fn new(entries: Vec<(K, usize)>) -> Self {
        Counts { entries }
    }

    /// The count for `key`; 0 for a key not counted.
    pub fn get<Q>(&self, key: &Q) -> usize
    where
        K: Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        self.entry(key).map_or(0, |(_, count)| *count)
    }

    fn entry<Q>(&self, key: &Q) -> Option<&(K, usize)>
    where
        K: Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        self.entries.iter().find(|(k, _)| k.borrow() == key)
    }

    /// The keys with their counts, in this count's order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&K, usize)> + '_ {
        self.entries.iter().map(|(key, count)| (key, *count))
    }

    /// The keys, in this count's order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &K> + '_ {
        self.entries.iter().map(|(key, _)| key)
    }

    /// How many keys there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The sum of the counts. For stages this is the number of
    /// agreements; for subject areas or parties an agreement counts once
    /// under each of its own.
    pub fn total(&self) -> usize {
        self.entries.iter().map(|(_, count)| count).sum()
    }

    /// The keys with their counts, as a vector in this count's order.
    pub fn into_vec(self) -> Vec<(K, usize)> {
        self.entries
    }
}

impl<K: PartialEq> Index<K> for Counts<K> {
    type Output = usize;

    /// The count for `key`; 0 for a key not counted.
    fn index(&self, key: K) -> &usize {
        self.entry(&key).map_or(&ZERO, |(_, count)| count)
    }
}

impl<K: PartialEq> Index<&K> for Counts<K> {
    type Output = usize;

    /// The count for `key`; 0 for a key not counted.
    fn index(&self, key: &K) -> &usize {
        self.entry(key).map_or(&ZERO, |(_, count)| count)
    }
}

impl<K> IntoIterator for Counts<K> {
    type Item = (K, usize);
    type IntoIter = std::vec::IntoIter<(K, usize)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, K> IntoIterator for &'a Counts<K> {
    type Item = (&'a K, usize);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, (K, usize)>, fn(&'a (K, usize)) -> (&'a K, usize)>;

    fn into_iter(self) -> Self::IntoIter {
        fn pair<K>((key, count): &(K, usize)) -> (&K, usize) {
            (key, *count)
        }
        self.entries.iter().map(pair)
    }
}

impl<K: fmt::Debug> fmt::Debug for Counts<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|(key, count)| (key, count)))
            .finish()
    }
}

impl<K: serde::Serialize> serde::Serialize for Counts<K> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.entries.iter().map(|(key, count)| (key, count)))
    }
}

impl<'de, K: serde::Deserialize<'de>> serde::Deserialize<'de> for Counts<K> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<K>(std::marker::PhantomData<K>);

        impl<'de, K: serde::Deserialize<'de>> serde::de::Visitor<'de> for Entries<K> {
            type Value = Vec<(K, usize)>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map from key to count")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(256));
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(entries)
            }
        }

        deserializer
            .deserialize_map(Entries(std::marker::PhantomData))
            .map(Counts::new)
    }
}

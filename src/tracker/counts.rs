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
#[derive(Clone)]
pub struct Counts<K: 'static> {
    store: Store<K>,
}

/// The most keys a fixed list of keys may have.
const LISTED: usize = 8;

/// Where the counts are kept.
#[derive(Clone)]
enum Store<K: 'static> {
    /// A count for each of a fixed list of keys (the stages), kept inline:
    /// counting by stage allocates nothing.
    Listed {
        keys: &'static [K],
        counts: [usize; LISTED],
    },
    /// Keys found in the data (subject areas, parties).
    Found(Vec<(K, usize)>),
}

/// What a key not counted gives.
const ZERO: usize = 0;

impl<K: 'static> Counts<K> {
    /// Counts for keys found in the data, in the order given.
    pub(crate) fn new(entries: Vec<(K, usize)>) -> Self {
        Counts {
            store: Store::Found(entries),
        }
    }

    /// A count for each of a fixed list of keys, in the list's order.
    pub(crate) fn listed<const N: usize>(keys: &'static [K; N], counts: [usize; N]) -> Self {
        const { assert!(N <= LISTED, "a fixed list of keys holds at most LISTED") };
        let mut inline = [0; LISTED];
        for (slot, count) in inline.iter_mut().zip(counts) {
            *slot = count;
        }
        Counts {
            store: Store::Listed {
                keys,
                counts: inline,
            },
        }
    }

    /// The count for `key`; 0 for a key not counted.
    pub fn get<Q>(&self, key: &Q) -> usize
    where
        K: Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        self.count_of(key).map_or(0, |count| *count)
    }

    fn count_of<Q>(&self, key: &Q) -> Option<&usize>
    where
        K: Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        match &self.store {
            Store::Listed { keys, counts } => keys
                .iter()
                .position(|k| k.borrow() == key)
                .and_then(|at| counts.get(at)),
            Store::Found(entries) => entries
                .iter()
                .find(|(k, _)| k.borrow() == key)
                .map(|(_, count)| count),
        }
    }

    /// The keys with their counts, in this count's order.
    pub fn iter(&self) -> CountsIter<'_, K> {
        CountsIter {
            inner: match &self.store {
                Store::Listed { keys, counts } => Inner::Listed(keys.iter().zip(counts.iter())),
                Store::Found(entries) => Inner::Found(entries.iter()),
            },
        }
    }

    /// The keys, in this count's order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &K> + '_ {
        self.iter().map(|(key, _)| key)
    }

    /// How many keys there are.
    pub fn len(&self) -> usize {
        match &self.store {
            Store::Listed { keys, .. } => keys.len(),
            Store::Found(entries) => entries.len(),
        }
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The sum of the counts. For stages this is the number of
    /// agreements; for subject areas or parties an agreement counts once
    /// under each of its own.
    pub fn total(&self) -> usize {
        self.iter().map(|(_, count)| count).sum()
    }
}

impl<K: Clone + 'static> Counts<K> {
    /// The keys with their counts, as a vector in this count's order.
    pub fn into_vec(self) -> Vec<(K, usize)> {
        match self.store {
            Store::Listed { .. } => self
                .iter()
                .map(|(key, count)| (key.clone(), count))
                .collect(),
            Store::Found(entries) => entries,
        }
    }
}

/// The keys of a [`Counts`] with their counts, in its order: what
/// [`Counts::iter`] gives.
#[derive(Debug, Clone)]
pub struct CountsIter<'a, K> {
    inner: Inner<'a, K>,
}

#[derive(Debug, Clone)]
enum Inner<'a, K> {
    Listed(std::iter::Zip<std::slice::Iter<'a, K>, std::slice::Iter<'a, usize>>),
    Found(std::slice::Iter<'a, (K, usize)>),
}

impl<'a, K> Iterator for CountsIter<'a, K> {
    type Item = (&'a K, usize);

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            Inner::Listed(pairs) => pairs.next().map(|(key, count)| (key, *count)),
            Inner::Found(entries) => entries.next().map(|(key, count)| (key, *count)),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.inner {
            Inner::Listed(pairs) => pairs.size_hint(),
            Inner::Found(entries) => entries.size_hint(),
        }
    }
}

impl<K> ExactSizeIterator for CountsIter<'_, K> {}

impl<K> std::iter::FusedIterator for CountsIter<'_, K> {}

impl<K: PartialEq + 'static> PartialEq for Counts<K> {
    /// Equal when they hold the same keys with the same counts in the same
    /// order, however each keeps them.
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl<K: Eq + 'static> Eq for Counts<K> {}

impl<K: PartialEq + 'static> Index<K> for Counts<K> {
    type Output = usize;

    /// The count for `key`; 0 for a key not counted.
    fn index(&self, key: K) -> &usize {
        self.count_of(&key).unwrap_or(&ZERO)
    }
}

impl<K: PartialEq + 'static> Index<&K> for Counts<K> {
    type Output = usize;

    /// The count for `key`; 0 for a key not counted.
    fn index(&self, key: &K) -> &usize {
        self.count_of(key).unwrap_or(&ZERO)
    }
}

impl<K: Clone + 'static> IntoIterator for Counts<K> {
    type Item = (K, usize);
    type IntoIter = std::vec::IntoIter<(K, usize)>;

    fn into_iter(self) -> Self::IntoIter {
        self.into_vec().into_iter()
    }
}

impl<'a, K: 'static> IntoIterator for &'a Counts<K> {
    type Item = (&'a K, usize);
    type IntoIter = CountsIter<'a, K>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<K: fmt::Debug + 'static> fmt::Debug for Counts<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: serde::Serialize + 'static> serde::Serialize for Counts<K> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de, K: serde::Deserialize<'de> + 'static> serde::Deserialize<'de> for Counts<K> {
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

#[cfg(test)]
mod tests {
    use super::Counts;
    use crate::model::Stage;

    fn listed() -> Counts<Stage> {
        Counts::listed(&Stage::ALL, [3, 0, 1, 0, 0, 2])
    }

    #[test]
    fn listed_counts_answer_as_found_ones_do() {
        let listed = listed();
        let found = Counts::new(listed.clone().into_vec());
        assert_eq!(listed, found);
        assert_eq!(found, listed);
        assert_eq!((listed.len(), found.len()), (6, 6));
        assert_eq!((listed.total(), found.total()), (6, 6));
        for stage in Stage::ALL {
            assert_eq!(listed[stage], found[stage], "{stage}");
        }
        assert_eq!(listed[Stage::Terminated], 2);
        assert_eq!(listed.get(&Stage::Deliberated), 0);
        // The iterator knows its length, through to the end.
        let mut walk = listed.iter();
        assert_eq!(walk.len(), 6);
        walk.next();
        assert_eq!(walk.len(), 5);
        assert_eq!(walk.by_ref().count(), 5);
        assert_eq!(walk.next(), None);
        assert_eq!(found.iter().len(), 6);
    }

    #[test]
    fn order_and_counts_both_decide_equality() {
        let listed = listed();
        let mut entries = listed.clone().into_vec();
        entries.swap(0, 1);
        assert_ne!(listed, Counts::new(entries));
        assert_ne!(listed, Counts::listed(&Stage::ALL, [3, 0, 1, 0, 0, 1]));
        assert_ne!(listed, Counts::new(Vec::new()));
        assert!(Counts::<Stage>::new(Vec::new()).is_empty());
        assert!(!listed.is_empty());
    }
}

//! A sorted set of slots, in short sorted runs.
//!
//! The tracker's indexes are read far more often than written, and reading
//! means walking a set in order or asking whether a slot is in it. A
//! `BTreeSet` answers both by chasing pointers; one sorted vector answers
//! them fastest but takes a slot out by moving everything after it, which
//! grows with the tracker. This set keeps its members in runs of at most
//! [`RUN`] sorted slots, with each run's last member in one vector beside
//! them: a search is two binary searches over contiguous memory, a walk is
//! a walk over arrays, and an insert or a removal moves at most one run and
//! one entry per run.

/// The most members a run holds; a run that would hold more is split.
const RUN: usize = 512;

/// A sorted set of keys: slots (`u32`), or the event index's packed keys
/// (`u64`).
#[derive(Debug, Clone)]
pub(crate) struct Runs<K> {
    /// Non-empty, each sorted, each wholly below the next.
    runs: Vec<Vec<K>>,
    /// The last member of each run.
    lasts: Vec<K>,
    len: usize,
}

/// A sorted set of slots.
pub(crate) type SlotSet = Runs<u32>;

impl<K> Default for Runs<K> {
    fn default() -> Self {
        Runs {
            runs: Vec::new(),
            lasts: Vec::new(),
            len: 0,
        }
    }
}

impl<K: Copy + Ord> PartialEq for Runs<K> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<K: Copy + Ord> Eq for Runs<K> {}

impl<K: Copy + Ord> Runs<K> {
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The run that holds `slot` if any does: the first whose last member
    /// is not below it.
    fn run_of(&self, slot: K) -> usize {
        self.lasts.partition_point(|last| *last < slot)
    }

    #[cfg(test)]
    fn contains(&self, slot: K) -> bool {
        self.runs
            .get(self.run_of(slot))
            .is_some_and(|run| run.binary_search(&slot).is_ok())
    }

    /// Adds `slot`; whether it was absent.
    pub(crate) fn insert(&mut self, slot: K) -> bool {
        // Most inserts append (slots are handed out rising, and an import
        // inserts in order): past the last member, with room in the last
        // run, no search is needed, and none of the run is read.
        if let (Some(run), Some(last)) = (self.runs.last_mut(), self.lasts.last_mut())
            && slot > *last
        {
            if run.len() < RUN {
                run.push(slot);
                *last = slot;
            } else {
                // A full last run stays full: appends start a run of their
                // own, so that a set built by appending fills every run
                // (a split would leave two half-empty ones behind).
                self.runs.push(vec![slot]);
                self.lasts.push(slot);
            }
            self.len += 1;
            return true;
        }
        // Past every run, the slot joins the last one.
        let index = self.run_of(slot).min(self.runs.len().saturating_sub(1));
        let Some(run) = self.runs.get_mut(index) else {
            // Most sets hold a few members (a pair of parties, a party at
            // a stage): a first run takes room for one run, not the four
            // that a push into an empty vector reserves.
            self.runs.reserve_exact(1);
            self.lasts.reserve_exact(1);
            self.runs.push(vec![slot]);
            self.lasts.push(slot);
            self.len = 1;
            return true;
        };
        let Err(at) = run.binary_search(&slot) else {
            return false;
        };
        run.insert(at, slot);
        self.len += 1;
        if let Some(last) = self.lasts.get_mut(index) {
            *last = (*last).max(slot);
        }
        if run.len() > RUN {
            let upper = run.split_off(RUN / 2);
            // The lower half keeps the room the insert grew it to (twice a
            // run) unless given back.
            run.shrink_to_fit();
            let lower_last = run.last().copied().unwrap_or(slot);
            self.runs.insert(index + 1, upper);
            // The run's last stays the upper half's, one place on.
            self.lasts.insert(index, lower_last);
        }
        true
    }

    /// Adds every key of `keys`, given in any order: the set is rebuilt in
    /// one pass into full runs, where adding them one by one would search
    /// and move a run for each (at a million keys in random order, a cache
    /// miss at every step of the search).
    pub(crate) fn add_all(&mut self, mut keys: Vec<K>) {
        if keys.is_empty() {
            return;
        }
        keys.sort_unstable();
        keys.dedup();
        let mut all = Vec::with_capacity(self.len + keys.len());
        let mut held = self.iter().peekable();
        for key in keys {
            while let Some(member) = held.next_if(|member| *member < key) {
                all.push(member);
            }
            // A key the set holds already is kept once.
            held.next_if_eq(&key);
            all.push(key);
        }
        all.extend(held);
        self.len = all.len();
        self.runs = all.chunks(RUN).map(<[K]>::to_vec).collect();
        self.lasts = self
            .runs
            .iter()
            .filter_map(|run| run.last().copied())
            .collect();
    }

    /// Takes `slot` out; whether it was present.
    pub(crate) fn remove(&mut self, slot: K) -> bool {
        let index = self.run_of(slot);
        let Some(run) = self.runs.get_mut(index) else {
            return false;
        };
        let Ok(at) = run.binary_search(&slot) else {
            return false;
        };
        run.remove(at);
        self.len -= 1;
        match run.last().copied() {
            Some(last) => {
                if let Some(entry) = self.lasts.get_mut(index) {
                    *entry = last;
                }
            }
            None => {
                self.runs.remove(index);
                self.lasts.remove(index);
            }
        }
        true
    }

    /// The members, rising.
    pub(crate) fn iter(&self) -> impl Iterator<Item = K> + '_ {
        self.runs.iter().flatten().copied()
    }

    /// The members from `first` to `last`, both included, rising: one
    /// search for where to start, then a walk.
    pub(crate) fn range(&self, first: K, last: K) -> impl Iterator<Item = K> + '_ {
        let run = self.run_of(first);
        let at = self
            .runs
            .get(run)
            .map_or(0, |members| members.partition_point(|key| *key < first));
        self.runs
            .get(run..)
            .unwrap_or_default()
            .iter()
            .flatten()
            .skip(at)
            .copied()
            .take_while(move |key| *key <= last)
    }

    /// The runs, in order: what a cursor walks.
    pub(crate) fn runs(&self) -> &[Vec<K>] {
        &self.runs
    }

    /// The last member of each run.
    pub(crate) fn lasts(&self) -> &[K] {
        &self.lasts
    }
}

impl<K: Copy + Ord> Extend<K> for Runs<K> {
    fn extend<I: IntoIterator<Item = K>>(&mut self, slots: I) {
        for slot in slots {
            self.insert(slot);
        }
    }
}

impl<K: Copy + Ord> FromIterator<K> for Runs<K> {
    fn from_iter<I: IntoIterator<Item = K>>(slots: I) -> Self {
        let mut set = Runs::default();
        set.extend(slots);
        set
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::test_support::Lcg;

    /// A run fills up to `RUN` slots; one more past its end starts a run
    /// of its own, leaving the full run full, and one more inside it
    /// splits the run in halves, each holding only the room it needs.
    #[test]
    fn a_run_splits_only_past_its_capacity() {
        let full: SlotSet = (0..RUN as u32).collect();
        assert_eq!(full.runs().len(), 1);
        let mut set = SlotSet::default();
        for slot in (0..2 * RUN as u32).step_by(2) {
            set.insert(slot);
        }
        assert_eq!(set.runs().len(), 1);
        assert_eq!(set.runs()[0].capacity(), RUN);
        // Past the end: a new run, the full one untouched.
        let mut appended = set.clone();
        appended.insert(2 * RUN as u32);
        assert_eq!(appended.runs().len(), 2);
        assert_eq!(appended.runs()[0].len(), RUN);
        assert_eq!(appended.lasts(), [2 * RUN as u32 - 2, 2 * RUN as u32]);
        // Inside: halves.
        set.insert(1);
        assert_eq!(set.runs().len(), 2);
        assert_eq!(set.runs()[0].len(), RUN / 2);
        assert_eq!(set.runs()[1].len(), RUN / 2 + 1);
        assert!(set.runs()[0].capacity() < RUN);
        assert_eq!(set.lasts(), [RUN as u32 - 4, 2 * RUN as u32 - 2]);
        assert!(
            set.iter().eq((0..2 * RUN as u32)
                .step_by(2)
                .chain([1])
                .collect::<BTreeSet<_>>())
        );
        // A split in the middle of the set keeps the lasts in order.
        let mut set: SlotSet = (0..3 * RUN as u32).step_by(2).collect();
        for slot in (1..3 * RUN as u32).step_by(2) {
            set.insert(slot);
            assert!(set.lasts().windows(2).all(|pair| pair[0] < pair[1]));
        }
        assert!(set.iter().eq(0..3 * RUN as u32));
    }

    /// Appends (the common case, which skips the search) keep the set as
    /// an ordered set keeps it: a slot equal to the last is refused, a full
    /// last run splits, and a slot between members still goes in its place.
    #[test]
    fn appends_keep_the_set_ordered() {
        let mut random = Lcg::new(11);
        let mut set = SlotSet::default();
        let mut model = BTreeSet::new();
        let mut next = 0u32;
        for step in 0..5_000 {
            let slot = match step % 10 {
                // The last member again.
                3 => next.saturating_sub(1),
                // Somewhere before it.
                7 => random.below(u64::from(next) + 1) as u32,
                _ => {
                    next += 1 + random.below(3) as u32;
                    next - 1
                }
            };
            assert_eq!(set.insert(slot), model.insert(slot), "insert {slot}");
            assert_eq!(set.len(), model.len());
        }
        assert!(set.iter().eq(model.iter().copied()));
        assert!(set.runs().len() > 4, "{} runs", set.runs().len());
        for (run, last) in set.runs().iter().zip(set.lasts()) {
            assert!(!run.is_empty() && run.len() <= RUN);
            assert!(run.windows(2).all(|pair| pair[0] < pair[1]));
            assert_eq!(run.last(), Some(last));
        }
        assert!(set.lasts().windows(2).all(|pair| pair[0] < pair[1]));
    }

    /// Two sets are equal when they hold the same slots, however their
    /// runs were split.
    #[test]
    fn sets_are_equal_by_their_members() {
        let a: SlotSet = [1, 2, 700].into_iter().collect();
        let b: SlotSet = [1, 3, 700].into_iter().collect();
        assert_ne!(a, b);
        assert_ne!(a, [1, 2].into_iter().collect::<SlotSet>());
        let mut grown = SlotSet::default();
        for slot in (0..2_000).rev() {
            grown.insert(slot);
        }
        for slot in 3..2_000 {
            grown.remove(slot);
        }
        assert_eq!(grown, (0..3).collect::<SlotSet>());
        assert_ne!(grown, (1..4).collect::<SlotSet>());
    }

    /// The set answers as a `BTreeSet` does through inserts and removals,
    /// at the front, the back and between, across splits and emptied runs.
    #[test]
    fn the_set_answers_as_an_ordered_set() {
        let mut random = Lcg::new(9);
        for round in 0..6 {
            let mut set = SlotSet::default();
            let mut model = BTreeSet::new();
            let span = [50, 3_000, 100_000][round % 3];
            for step in 0..6_000 {
                let slot = random.below(span) as u32;
                // Mostly inserts early on, mostly removals later.
                let insert = random.below(10) < if step < 4_000 { 7 } else { 2 };
                if insert {
                    assert_eq!(set.insert(slot), model.insert(slot), "insert {slot}");
                } else {
                    assert_eq!(set.remove(slot), model.remove(&slot), "remove {slot}");
                }
                assert_eq!(set.len(), model.len());
                assert_eq!(set.is_empty(), model.is_empty());
                let probe = random.below(span + 2) as u32;
                assert_eq!(set.contains(probe), model.contains(&probe), "{probe}");
                if step % 500 == 0 {
                    assert!(set.iter().eq(model.iter().copied()));
                    assert_eq!(set.runs().len(), set.lasts().len());
                    for (run, last) in set.runs().iter().zip(set.lasts()) {
                        assert!(!run.is_empty() && run.len() <= RUN);
                        assert!(run.windows(2).all(|pair| pair[0] < pair[1]));
                        assert_eq!(run.last(), Some(last));
                    }
                    assert!(set.lasts().windows(2).all(|pair| pair[0] < pair[1]));
                }
            }
            assert!(set.iter().eq(model.iter().copied()));
            let rebuilt: SlotSet = model.iter().copied().collect();
            assert_eq!(rebuilt, set);
        }
    }

    /// Keys added all at once, in any order, repeats and members included,
    /// leave the set an ordered set would be, in full runs, which then take
    /// inserts and removals as any set does.
    #[test]
    fn keys_added_at_once_make_full_runs_of_the_same_set() {
        let mut random = Lcg::new(31);
        let mut set: Runs<u64> = Runs::default();
        let mut model = BTreeSet::new();
        set.add_all(Vec::new());
        assert!(set.is_empty() && set.runs().is_empty());
        for (batch, span) in [(3_000, 10_000), (1, 10_000), (2_500, 12_000), (700, 500)] {
            let keys: Vec<u64> = (0..batch).map(|_| random.below(span)).collect();
            model.extend(keys.iter().copied());
            set.add_all(keys);
            assert_eq!(set.len(), model.len());
            assert!(set.iter().eq(model.iter().copied()));
            assert_eq!(set.runs().len(), model.len().div_ceil(RUN));
            for (i, (run, last)) in set.runs().iter().zip(set.lasts()).enumerate() {
                assert!(i + 1 == set.runs().len() || run.len() == RUN);
                assert_eq!(run.last(), Some(last));
            }
            for _ in 0..300 {
                let key = random.below(12_000);
                assert_eq!(set.insert(key), model.insert(key), "insert {key}");
                let key = random.below(12_000);
                assert_eq!(set.remove(key), model.remove(&key), "remove {key}");
                let key = random.below(12_000);
                assert_eq!(set.contains(key), model.contains(&key), "{key}");
            }
            assert!(set.iter().eq(model.iter().copied()));
        }
    }

    /// A range walks what an ordered set's range walks, across runs, from
    /// and to members and gaps alike, and nothing when reversed.
    #[test]
    fn ranges_walk_as_an_ordered_set_does() {
        let mut random = Lcg::new(23);
        let mut set: Runs<u64> = Runs::default();
        let mut model = BTreeSet::new();
        for _ in 0..4_000 {
            let key = random.below(20_000);
            assert_eq!(set.insert(key), model.insert(key));
        }
        assert!(set.runs().len() > 4, "{} runs", set.runs().len());
        for _ in 0..500 {
            let (a, b) = (random.below(21_000), random.below(21_000));
            let expected: Vec<u64> = if a <= b {
                model.range(a..=b).copied().collect()
            } else {
                Vec::new()
            };
            assert_eq!(set.range(a, b).collect::<Vec<_>>(), expected, "{a} to {b}");
        }
        let members: Vec<u64> = model.iter().copied().collect();
        let (first, last) = (members[0], members[members.len() - 1]);
        assert!(set.range(first, last).eq(members.iter().copied()));
        assert!(set.range(first, first).eq([first]));
        assert!(set.range(last, last).eq([last]));
        assert_eq!(set.range(last + 1, u64::MAX).count(), 0);
        assert_eq!(Runs::<u64>::default().range(0, u64::MAX).count(), 0);
    }

    #[test]
    fn sets_with_the_same_members_are_equal() {
        let a: SlotSet = [3, 1, 2].into_iter().collect();
        let b: SlotSet = [1, 2, 3].into_iter().collect();
        let c: SlotSet = [1, 2].into_iter().collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(c, a);
    }
}

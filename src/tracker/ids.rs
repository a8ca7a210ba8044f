//! The tracker's map from agreement ids to slots, one 8-byte word an
//! agreement.
//!
//! A general hash map keeps each key beside its value (an id is 16 bytes)
//! and a control byte apart from both: at a million agreements, finding an
//! id reads the control bytes and then the entry, two trips to memory,
//! before the agreement itself is read. The tracker already holds every
//! id in its agreement, so this table keeps only 32 bits of the id's hash
//! and the slot, in one word: finding an id reads one word (the next few
//! words are in the same cache line), and the caller confirms the
//! candidate by the id of the agreement in its slot, which it was about to
//! read anyway. Half the words of a table are empty at most sizes: 16 bytes
//! an agreement at a million, where the map took 42.
//!
//! Open addressing with linear probing; an entry's first place is given by
//! the top bits of its 32 bits of hash, so that the table can grow without
//! hashing any id again. Removal shifts the entries after the removed one
//! back, so no place is ever marked deleted.

use std::hash::BuildHasher;

use super::hash::Keyed;
use crate::model::AgreementId;

/// The table; see the module's documentation.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ids {
    /// A power of two in length (or empty): each word the tag of an entry
    /// in its top half and its slot in the bottom half, 0 for an empty
    /// place (a tag is never 0).
    words: Vec<u64>,
    len: usize,
    hasher: Keyed,
}

/// The table grows before more than three places in four are taken.
const fn crowded(len: usize, capacity: usize) -> bool {
    len * 4 >= capacity * 3
}

/// The fewest places a table has once it holds anything.
const FIRST_CAPACITY: usize = 8;

impl Ids {
    /// The number of ids held.
    pub(crate) const fn len(&self) -> usize {
        self.len
    }

    /// 32 bits of the id's hash, never 0.
    fn tag(&self, id: AgreementId) -> u32 {
        tag_of(self.hasher.hash_one(id))
    }

    /// The slot of the agreement with this id: the first slot stored under
    /// the id's tag for which `holds` (does this slot hold the agreement
    /// with this id?) says yes.
    pub(crate) fn get(&self, id: AgreementId, holds: impl Fn(u32) -> bool) -> Option<u32> {
        self.find(self.tag(id), holds).map(|(_, slot)| slot)
    }

    /// Adds an id held in `slot`; the caller has made sure it is not held
    /// already.
    pub(crate) fn insert(&mut self, id: AgreementId, slot: u32) {
        let tag = self.tag(id);
        if self.words.is_empty() || crowded(self.len + 1, self.words.len()) {
            self.grow();
        }
        place(&mut self.words, word(tag, slot));
        self.len += 1;
    }

    /// Removes the id held in `slot`; whether it was there.
    pub(crate) fn remove(&mut self, id: AgreementId, slot: u32) -> bool {
        let Some((at, _)) = self.find(self.tag(id), |found| found == slot) else {
            return false;
        };
        self.vacate(at);
        self.len -= 1;
        true
    }

    /// The place and slot of the first entry under `tag` whose slot
    /// `holds` accepts.
    fn find(&self, tag: u32, holds: impl Fn(u32) -> bool) -> Option<(usize, u32)> {
        let mask = self.words.len().checked_sub(1)?;
        let mut at = home(tag, self.words.len());
        // The table is never full, so an empty place ends every search; the
        // bound only makes that plain.
        for _ in 0..self.words.len() {
            let word = *self.words.get(at)?;
            if word == 0 {
                return None;
            }
            let slot = word as u32;
            if (word >> 32) as u32 == tag && holds(slot) {
                return Some((at, slot));
            }
            at = (at + 1) & mask;
        }
        None
    }

    /// Empties the place `at`, moving back each entry after it that may
    /// move (one whose first place is not between the hole and itself),
    /// so that every entry stays reachable from its first place without
    /// crossing an empty one.
    fn vacate(&mut self, at: usize) {
        let capacity = self.words.len();
        let mask = capacity - 1;
        let mut hole = at;
        let mut next = at;
        loop {
            next = (next + 1) & mask;
            let Some(&word) = self.words.get(next) else {
                break;
            };
            if word == 0 {
                break;
            }
            let first = home((word >> 32) as u32, capacity);
            if next.wrapping_sub(first) & mask >= next.wrapping_sub(hole) & mask {
                if let Some(place) = self.words.get_mut(hole) {
                    *place = word;
                }
                hole = next;
            }
        }
        if let Some(place) = self.words.get_mut(hole) {
            *place = 0;
        }
    }

    /// Doubles the table (or makes its first), placing every entry anew
    /// by its tag: no id is hashed again.
    fn grow(&mut self) {
        let capacity = (self.words.len() * 2).max(FIRST_CAPACITY);
        let mut words = vec![0; capacity];
        for &word in self.words.iter().filter(|word| **word != 0) {
            place(&mut words, word);
        }
        self.words = words;
    }
}

/// The top 32 bits of a hash, never 0 (an empty place's word is 0).
fn tag_of(hash: u64) -> u32 {
    ((hash >> 32) as u32) | 1
}

/// The word of an entry.
fn word(tag: u32, slot: u32) -> u64 {
    (u64::from(tag) << 32) | u64::from(slot)
}

/// The first place of a tag in a table of `capacity` places (a power of
/// two from [`FIRST_CAPACITY`], at most 2^32): the tag's top bits.
fn home(tag: u32, capacity: usize) -> usize {
    let bits = capacity.trailing_zeros();
    (u64::from(tag) >> (32 - bits.min(32))) as usize & (capacity - 1)
}

/// Puts `word` in the first empty place from its tag's first place.
fn place(words: &mut [u64], word: u64) {
    let capacity = words.len();
    let mut at = home((word >> 32) as u32, capacity);
    for _ in 0..capacity {
        if let Some(place) = words.get_mut(at)
            && *place == 0
        {
            *place = word;
            return;
        }
        at = (at + 1) & (capacity - 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::Lcg;
    use std::collections::HashMap;

    fn id(n: u64) -> AgreementId {
        AgreementId::from_uuid(uuid::Uuid::from_u128(u128::from(n) << 64 | 7))
    }

    /// The table against a standard map, through inserts and removals in
    /// random order, with `holds` answering as the tracker would.
    #[test]
    fn agrees_with_a_map() {
        let mut random = Lcg::new(11);
        let mut table = Ids::default();
        let mut model: HashMap<AgreementId, u32> = HashMap::new();
        let mut held: HashMap<u32, AgreementId> = HashMap::new();
        let mut next_slot = 0u32;
        for _ in 0..20_000 {
            let key = id(random.below(3_000));
            let holds = |slot: u32| held.get(&slot) == Some(&key);
            match (model.get(&key).copied(), random.below(3)) {
                (Some(slot), 0) => {
                    assert!(table.remove(key, slot));
                    model.remove(&key);
                    held.remove(&slot);
                }
                (None, _) => {
                    assert_eq!(table.get(key, holds), None);
                    table.insert(key, next_slot);
                    model.insert(key, next_slot);
                    held.insert(next_slot, key);
                    next_slot += 1;
                }
                (Some(slot), _) => assert_eq!(table.get(key, holds), Some(slot)),
            }
            assert_eq!(table.len(), model.len());
        }
        for (key, slot) in &model {
            assert_eq!(
                table.get(*key, |found| held.get(&found) == Some(key)),
                Some(*slot)
            );
        }
        // Never more than three places in four taken.
        assert!(table.len() * 4 < table.words.len() * 3);
        assert!(!table.remove(id(99_999), 0));
    }

    /// Entries sharing a first place, and runs that wrap past the end:
    /// removing any one leaves every other reachable, and the table as
    /// it would be had the removed one never been inserted.
    #[test]
    fn removal_shifts_back_what_may_move() {
        let capacity = 16;
        // Tags whose top four bits pick places 14, 14, 15, 0, 14, 1, 3.
        let tags: Vec<u32> = [14u32, 14, 15, 0, 14, 1, 3]
            .iter()
            .enumerate()
            .map(|(i, first)| first << 28 | (i as u32) << 1 | 1)
            .collect();
        for removed in 0..tags.len() {
            let mut table = Ids {
                words: vec![0; capacity],
                ..Ids::default()
            };
            for (slot, tag) in tags.iter().enumerate() {
                place(&mut table.words, word(*tag, slot as u32));
                table.len += 1;
            }
            let (at, _) = table
                .find(tags[removed], |slot| slot == removed as u32)
                .expect("held");
            table.vacate(at);
            let mut expected = vec![0; capacity];
            for (slot, tag) in tags.iter().enumerate().filter(|(i, _)| *i != removed) {
                place(&mut expected, word(*tag, slot as u32));
            }
            assert_eq!(table.words, expected, "removing {removed}");
        }
    }

    #[test]
    fn a_tag_is_the_top_half_of_the_hash_and_never_0() {
        assert_eq!(tag_of(0xABCD_EF00_1234_5678), 0xABCD_EF01);
        assert_eq!(tag_of(1 << 32), 1);
        assert_eq!(tag_of(0x0000_0000_FFFF_FFFF), 1);
        // Distinct ids, distinct tags (32 bits of 10,000 hashes collide
        // about once in a hundred tables).
        let table = Ids::default();
        let tags: std::collections::HashSet<u32> = (0..10_000).map(|n| table.tag(id(n))).collect();
        assert!(tags.len() >= 9_990, "{}", tags.len());
    }

    /// Two entries under one tag: the one `holds` accepts is found, and a
    /// tag no entry has finds nothing, whatever `holds` says.
    #[test]
    fn a_tag_shared_by_two_entries_is_told_apart_by_holds() {
        let mut table = Ids {
            words: vec![0; 8],
            ..Ids::default()
        };
        let tag = 0x2000_0001;
        place(&mut table.words, word(tag, 4));
        place(&mut table.words, word(tag, 9));
        assert_eq!(table.find(tag, |slot| slot == 9), Some((2, 9)));
        assert_eq!(table.find(tag, |slot| slot == 4), Some((1, 4)));
        assert_eq!(table.find(tag, |_| false), None);
        assert_eq!(table.find(0x2000_0003, |_| true), None);
    }

    /// Never more than three places in four taken, after every insert.
    #[test]
    fn the_table_grows_before_it_is_three_quarters_full() {
        let mut table = Ids::default();
        for n in 0..100u32 {
            table.insert(id(u64::from(n)), n);
            assert!(table.len() * 4 < table.words.len() * 3, "{n}");
        }
        assert_eq!(table.words.len(), 256);
    }

    #[test]
    fn first_places_spread_over_the_table() {
        assert_eq!(home(u32::MAX, 8), 7);
        assert_eq!(home(1, 8), 0);
        assert_eq!(home(0x8000_0001, 16), 8);
        assert_eq!(home(0x4000_0001, 1 << 32), 0x4000_0001);
    }

    #[test]
    fn grows_without_losing_entries() {
        let mut table = Ids::default();
        assert_eq!(table.get(id(1), |_| true), None);
        for n in 0..1_000u32 {
            table.insert(id(u64::from(n)), n);
        }
        assert_eq!(table.words.len(), 2048);
        for n in 0..1_000u32 {
            assert_eq!(table.get(id(u64::from(n)), |slot| slot == n), Some(n));
        }
    }
}

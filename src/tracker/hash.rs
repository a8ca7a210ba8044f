//! The hasher of the tracker's maps: keyed, like the standard library's,
//! and several times faster on the short keys the tracker hashes (an
//! agreement id is 16 bytes; a party code a few).
//!
//! The standard library's SipHash-1-3 resists an attacker who chooses keys
//! and sees nothing of the hasher's secret: a tracker's ids and party codes
//! can come from an imported file, so a hasher with no secret at all would
//! let such a file put every agreement in one bucket. This one keeps that
//! property in the way `foldhash` and `ahash` do: each word of input is
//! mixed with a per-map secret by one full 64 × 64 → 128-bit multiply whose
//! halves are folded together, and the secret comes from the standard
//! library's own per-thread random keys. It is not a cryptographic MAC (an
//! attacker who could observe hash values could learn about the secret),
//! which no caller can do here: hashes never leave the tracker.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher, RandomState};

/// A map hashed with [`Keyed`].
pub(crate) type Map<K, V> = HashMap<K, V, Keyed>;

/// Builds [`Folded`] hashers with one map's secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Keyed {
    seed: u64,
    multiplier: u64,
    finisher: u64,
}

impl Keyed {
    /// A fresh secret, from the standard library's per-thread random keys
    /// (no system call after a thread's first map).
    pub(crate) fn new() -> Self {
        let state = RandomState::new();
        Keyed {
            seed: state.hash_one(0u8),
            // Odd, so that multiplying by it loses no bit of the input.
            multiplier: state.hash_one(1u8) | 1,
            finisher: state.hash_one(2u8) | 1,
        }
    }
}

impl Default for Keyed {
    fn default() -> Self {
        Keyed::new()
    }
}

impl BuildHasher for Keyed {
    type Hasher = Folded;

    fn build_hasher(&self) -> Folded {
        Folded {
            state: self.seed,
            multiplier: self.multiplier,
            finisher: self.finisher,
        }
    }
}

/// One hash in progress; see the module's documentation.
#[derive(Debug, Clone)]
pub(crate) struct Folded {
    state: u64,
    multiplier: u64,
    finisher: u64,
}

/// The 128-bit product of `x` and `y` with its halves folded together.
const fn fold(x: u64, y: u64) -> u64 {
    let full = (x as u128) * (y as u128);
    (full as u64) ^ ((full >> 64) as u64)
}

impl Folded {
    fn mix(&mut self, word: u64) {
        self.state = fold(self.state ^ word, self.multiplier);
    }
}

impl Hasher for Folded {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut buffer = [0u8; 8];
            buffer.copy_from_slice(word);
            self.mix(u64::from_le_bytes(buffer));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut buffer = [0u8; 8];
            for (to, from) in buffer.iter_mut().zip(rest) {
                *to = *from;
            }
            // The length in the top byte, which the (at most seven) bytes
            // left leave free: "a" and "a\0" differ.
            self.mix(u64::from_le_bytes(buffer) ^ ((rest.len() as u64) << 56));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }

    fn write_u16(&mut self, i: u16) {
        self.mix(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.mix(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.mix(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.mix(i as u64);
    }

    /// One more fold, by a second secret: after a single word, the state's
    /// top bits (which the table's control bytes use) follow the input's
    /// low bits too closely for one multiplier in fifty, and sequential
    /// integers would crowd a few of them.
    fn finish(&self) -> u64 {
        fold(self.state, self.finisher)
    }
}

#[cfg(test)]
mod tests {
    use super::{Folded, Keyed};
    use std::collections::HashSet;
    use std::hash::{BuildHasher, Hasher};

    fn hash_bytes(keyed: &Keyed, bytes: &[u8]) -> u64 {
        let mut hasher = keyed.build_hasher();
        hasher.write(bytes);
        hasher.finish()
    }

    #[test]
    fn equal_input_equal_hash_and_every_byte_counts() {
        let keyed = Keyed::new();
        let base: Vec<u8> = (0..19).collect();
        assert_eq!(hash_bytes(&keyed, &base), hash_bytes(&keyed, &base));
        // Changing any one bit of any byte, in a whole word or in the rest,
        // changes the hash.
        let mut seen = HashSet::new();
        seen.insert(hash_bytes(&keyed, &base));
        for at in 0..base.len() {
            for bit in 0..8 {
                let mut changed = base.clone();
                changed[at] ^= 1 << bit;
                assert!(
                    seen.insert(hash_bytes(&keyed, &changed)),
                    "byte {at} bit {bit}"
                );
            }
        }
    }

    #[test]
    fn a_trailing_zero_byte_counts() {
        let keyed = Keyed::new();
        assert_ne!(hash_bytes(&keyed, b"a"), hash_bytes(&keyed, b"a\0"));
        assert_ne!(hash_bytes(&keyed, b""), hash_bytes(&keyed, b"\0"));
    }

    #[test]
    fn each_map_has_its_own_secret() {
        let (one, other) = (Keyed::new(), Keyed::new());
        assert_ne!(one, other);
        assert_ne!(hash_bytes(&one, b"IND"), hash_bytes(&other, b"IND"));
        assert_eq!(one.multiplier % 2, 1);
        assert_eq!(one.finisher % 2, 1);
    }

    #[test]
    fn integers_are_mixed_not_passed_through() {
        let keyed = Keyed::new();
        let hashes: HashSet<u64> = (0u64..1000)
            .map(|i| {
                let mut hasher: Folded = keyed.build_hasher();
                hasher.write_u64(i);
                hasher.finish()
            })
            .collect();
        assert_eq!(hashes.len(), 1000);
        // Sequential inputs spread over the top seven bits, which the
        // table's control bytes use, not onto one value.
        let tops: HashSet<u64> = hashes.iter().map(|h| h >> 57).collect();
        assert!(tops.len() > 64, "{} distinct top bits", tops.len());
        let mut small = keyed.build_hasher();
        small.write_u8(7);
        let mut wide = keyed.build_hasher();
        wide.write_u32(7);
        // The same value through the small writes hashes as one word.
        assert_eq!(small.finish(), wide.finish());
    }

    /// Even a multiplier that leaves sequential integers in one corner of
    /// the state (here 1: the state is the input) is rescued by the
    /// finishing fold.
    #[test]
    fn the_finishing_fold_spreads_what_one_multiplier_left_together() {
        let weak = Keyed {
            seed: 0,
            multiplier: 1,
            finisher: 0x9E37_79B9_7F4A_7C15,
        };
        let tops: HashSet<u64> = (0u64..1000)
            .map(|i| {
                let mut hasher = weak.build_hasher();
                hasher.write_u64(i);
                hasher.finish() >> 57
            })
            .collect();
        assert!(tops.len() > 64, "{} distinct top bits", tops.len());
    }

    #[test]
    fn every_width_of_integer_is_mixed_in() {
        let keyed = Keyed::new();
        let hash = |write: &dyn Fn(&mut Folded)| {
            let mut hasher = keyed.build_hasher();
            write(&mut hasher);
            hasher.finish()
        };
        let untouched = hash(&|_| {});
        let writes: [&dyn Fn(&mut Folded); 5] = [
            &|h| h.write_u8(3),
            &|h| h.write_u16(3),
            &|h| h.write_u32(3),
            &|h| h.write_u64(3),
            &|h| h.write_usize(3),
        ];
        for (width, write) in writes.iter().enumerate() {
            let once = hash(write);
            assert_ne!(once, untouched, "write number {width} changed nothing");
            // Two writes are not one.
            assert_ne!(
                hash(&|h| {
                    write(h);
                    write(h);
                }),
                once,
                "write number {width}"
            );
        }
    }
}

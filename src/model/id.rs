//! Identifiers of agreements and events.

use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use uuid::{Builder, Uuid};

use super::error::{Excerpt, ValueError, Vocabulary};

/// A fresh version 7 UUID (RFC 9562): the Unix time in milliseconds, then
/// the fraction of the millisecond in the 12 bits RFC 9562 allows for it
/// (about a quarter of a microsecond each), then 62 random bits.
///
/// The random bits come without a system call: the standard library seeds
/// the keys of its hash maps from the operating system once per thread and
/// steps them for every [`RandomState`] it makes, so hashing under a fresh
/// `RandomState` gives bits no earlier id could predict within a program
/// and that differ between threads and processes. `Uuid::now_v7` asks the
/// operating system for 16 random bytes on every call instead (one
/// `getrandom` each), which cost more than everything else in recording
/// an event. The crate keeps no state of its own for this.
///
/// Ids sort by creation time to within a quarter of a microsecond; two made
/// within the same quarter sort at random. The bits are for telling ids
/// apart, not for secrets: never use an id as a password or a token.
fn fresh_v7() -> Uuid {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    v7_from(since, RandomState::new().hash_one(0u8))
}

/// The version 7 UUID of an instant and 64 random bits (of which the
/// variant leaves 62).
fn v7_from(since: Duration, random: u64) -> Uuid {
    let millis = u64::try_from(since.as_millis()).unwrap_or(u64::MAX);
    // The fraction of the millisecond, scaled to 12 bits: below 4096.
    let fraction = (since.subsec_nanos() % 1_000_000) * 4096 / 1_000_000;
    let [.., high, low] = fraction.to_be_bytes();
    let mut bytes = [0u8; 10];
    bytes[0] = high;
    bytes[1] = low;
    bytes[2..].copy_from_slice(&random.to_be_bytes());
    Builder::from_unix_timestamp_millis(millis, &bytes).into_uuid()
}

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident, $what:expr, $example:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(Uuid);

        $crate::model::serde_str::serde_via_str!($name, "a UUID such as 0193592c-8a2e-7c4e-9a53-3f1d2b6c0001");

        impl $name {
            /// A fresh identifier: a UUID version 7, which sorts by creation
            /// time to within a quarter of a microsecond. Pass your own with
            /// [`Self::from_uuid`] where identifiers must be deterministic
            /// (tests, imports).
            ///
            /// Making one asks the operating system for nothing but the
            /// time: its 62 random bits come from the standard library's
            /// per-thread hashing keys (seeded from the operating system
            /// once per thread), not from a system call per id. They tell
            /// ids apart; they are not secret, so never use an id as a
            /// token.
            #[allow(clippy::new_without_default)]
            pub fn new() -> Self {
                Self(fresh_v7())
            }

            /// Wraps an identifier you already have.
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The underlying UUID.
            pub const fn as_uuid(&self) -> &Uuid {
                &self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.0)
            }
        }

        impl FromStr for $name {
            type Err = ValueError;

            #[doc = concat!("Parses a UUID such as `", $example, "`.")]
            fn from_str(input: &str) -> Result<Self, ValueError> {
                Uuid::parse_str(input).map(Self).map_err(|_| ValueError::Unknown {
                    what: $what,
                    input: Excerpt::new(input),
                })
            }
        }
    };
}

uuid_id!(
    /// The identifier of an [`Agreement`](crate::Agreement): a UUID.
    ///
    /// ```
    /// use bilateral::AgreementId;
    /// let id: AgreementId = "0193592c-8a2e-7c4e-9a53-3f1d2b6c0001".parse()?;
    /// assert_eq!(id.to_string(), "0193592c-8a2e-7c4e-9a53-3f1d2b6c0001");
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    AgreementId,
    Vocabulary::AgreementId,
    "0193592c-8a2e-7c4e-9a53-3f1d2b6c0001"
);

uuid_id!(
    /// The identifier of an [`Event`](crate::Event): a UUID.
    ///
    /// ```
    /// use bilateral::EventId;
    /// let id = EventId::from_uuid(uuid::Uuid::from_u128(7));
    /// assert_eq!(id.to_string(), "00000000-0000-0000-0000-000000000007");
    /// ```
    EventId,
    Vocabulary::EventId,
    "0193592c-8a2e-7c4e-9a53-3f1d2b6c0002"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_v7_id_carries_the_millisecond_then_its_fraction_then_the_random_bits() {
        // 2024-11-23T09:30:00.000250000Z: a quarter of a millisecond in.
        let since = Duration::new(1_732_354_200, 250_000);
        let random = 0x0123_4567_89ab_cdef;
        let id = v7_from(since, random);
        assert_eq!(id.get_version_num(), 7);
        assert_eq!(id.get_variant(), uuid::Variant::RFC4122);
        let bits = id.as_u128();
        assert_eq!(bits >> 80, 1_732_354_200_000, "the Unix milliseconds");
        assert_eq!((bits >> 64) & 0xfff, 1024, "a quarter of 4096");
        // The variant takes the top two of the 64 random bits.
        assert_eq!(bits & ((1 << 62) - 1), u128::from(random) & ((1 << 62) - 1));
    }

    #[test]
    fn the_fraction_of_a_millisecond_orders_ids_within_it() {
        let random = u64::MAX;
        let early = v7_from(Duration::new(1_700_000_000, 1_000), random);
        let late = v7_from(Duration::new(1_700_000_000, 999_000), 0);
        assert!(early < late, "{early} should sort before {late}");
        let next_millisecond = v7_from(Duration::new(1_700_000_000, 1_000_000), 0);
        assert!(late < next_millisecond);
        assert_eq!((late.as_u128() >> 64) & 0xfff, 4091);
    }

    #[test]
    fn fresh_ids_are_version_7_distinct_and_dated_now() {
        let before = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_millis();
        let ids: Vec<EventId> = (0..10_000).map(|_| EventId::new()).collect();
        let after = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_millis();
        let distinct: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len());
        for id in &ids {
            assert_eq!(id.as_uuid().get_version_num(), 7);
            let millis = id.as_uuid().as_u128() >> 80;
            assert!((before..=after).contains(&millis), "{id} not made now");
        }
        // Ids made on another thread differ from these too.
        let other: Vec<AgreementId> =
            std::thread::spawn(|| (0..1_000).map(|_| AgreementId::new()).collect())
                .join()
                .expect("thread");
        let mine: std::collections::HashSet<u128> =
            ids.iter().map(|id| id.as_uuid().as_u128()).collect();
        assert!(
            other
                .iter()
                .all(|id| !mine.contains(&id.as_uuid().as_u128()))
        );
    }

    #[test]
    fn the_random_bits_differ_from_one_id_to_the_next() {
        // Same instant, so only the random part can tell them apart: the
        // bits a fresh hashing key gives must change on every call.
        let randoms: std::collections::HashSet<u64> = (0..1_000)
            .map(|_| RandomState::new().hash_one(0u8))
            .collect();
        assert_eq!(randoms.len(), 1_000);
    }
}

//! Identifiers of agreements and events.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

use super::error::{Excerpt, ValueError, Vocabulary};

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident, $what:expr, $example:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(Uuid);

        $crate::model::serde_str::serde_via_str!($name, "a UUID such as 0193592c-8a2e-7c4e-9a53-3f1d2b6c0001");

        impl $name {
            /// A fresh identifier: a UUID version 7, which sorts by creation
            /// time. Pass your own with [`Self::from_uuid`] where identifiers
            /// must be deterministic (tests, imports).
            #[allow(clippy::new_without_default)]
            pub fn new() -> Self {
                Self(Uuid::now_v7())
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

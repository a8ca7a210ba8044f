//! People who act for a party at an event.

use std::fmt;

use super::error::{Field, ValueError};
use super::party::PartyCode;
use crate::model::limits::MAX_NAME;

/// A person acting for one party at an event: a minister, an ambassador, a
/// negotiator.
///
/// ```
/// use bilateral::Representative;
/// let singh = Representative::new("Rajnath Singh", "Minister of Defence", "IND".parse()?)?;
/// assert_eq!(singh.to_string(), "Rajnath Singh, Minister of Defence (IND)");
/// # Ok::<(), bilateral::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Representative {
    name: String,
    office: String,
    party: PartyCode,
}

impl Representative {
    /// A representative of `party`.
    ///
    /// # Errors
    ///
    /// [`ValueError::Blank`] when the name or the office is empty after trimming.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::Representative;
    /// let nakatani = Representative::new("Gen Nakatani", "Minister of Defense", "JPN".parse()?)?;
    /// assert!(Representative::new("", "Minister of Defense", "JPN".parse()?).is_err());
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn new(
        name: impl Into<String>,
        office: impl Into<String>,
        party: PartyCode,
    ) -> Result<Self, ValueError> {
        let name = crate::model::text::required(name, Field::RepresentativeName, MAX_NAME)?;
        let office = crate::model::text::required(office, Field::Office, MAX_NAME)?;
        Ok(Self {
            name,
            office,
            party,
        })
    }

    /// The person's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The office the person held at the time.
    pub fn office(&self) -> &str {
        &self.office
    }

    /// The party the person acted for.
    pub const fn party(&self) -> PartyCode {
        self.party
    }
}

impl fmt::Display for Representative {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, {} ({})", self.name, self.office, self.party)
    }
}

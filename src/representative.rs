//! People who act for a party at an event.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::document::RepresentativeDocument;
use crate::error::{Error, Field};
use crate::limits::MAX_NAME;
use crate::party::PartyCode;

/// A person acting for one party at an event: a minister, an ambassador, a
/// negotiator.
///
/// ```
/// use bilateral::Representative;
/// let singh = Representative::new("Rajnath Singh", "Minister of Defence", "IND".parse()?)?;
/// assert_eq!(singh.to_string(), "Rajnath Singh, Minister of Defence (IND)");
/// # Ok::<(), bilateral::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RepresentativeDocument", into = "RepresentativeDocument")]
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
    /// [`Error::Blank`] when the name or the office is empty after trimming.
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
    ) -> Result<Self, Error> {
        let name = crate::text::required(name, Field::RepresentativeName, MAX_NAME)?;
        let office = crate::text::required(office, Field::Office, MAX_NAME)?;
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

impl TryFrom<RepresentativeDocument> for Representative {
    type Error = Error;

    fn try_from(doc: RepresentativeDocument) -> Result<Self, Error> {
        Representative::new(doc.name, doc.office, doc.party.parse()?)
    }
}

impl From<Representative> for RepresentativeDocument {
    fn from(rep: Representative) -> Self {
        RepresentativeDocument {
            name: rep.name,
            office: rep.office,
            party: rep.party.to_string(),
        }
    }
}

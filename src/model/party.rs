//! Parties (states and organisations) and the pair of parties of an agreement.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use super::error::{CodeRule, Excerpt, Field, ValueError, Vocabulary};

const MAX_CODE_LEN: usize = 16;
const MIN_CODE_LEN: usize = 2;

/// The stable code of a party: `IND`, `JPN`, `PHL`, `EC`, `CASTILE`.
///
/// Codes are 2 to 16 ASCII letters, digits, `-` or `_`, and are stored upper
/// case, so `ind` and `IND` are the same code. ISO 3166 alpha-3 codes are the
/// natural choice for present-day states; historical and non-ISO parties
/// (Castile, the European Community, an alliance) get a code of their own.
///
/// A `PartyCode` is `Copy` and 16 bytes long: comparing and hashing it is as
/// cheap as comparing two integers.
///
/// ```
/// use bilateral::PartyCode;
/// let code: PartyCode = "ind".parse()?;
/// assert_eq!(code.as_str(), "IND");
/// assert_eq!(code, PartyCode::new("IND")?);
/// assert!(PartyCode::new("I").is_err()); // too short
/// assert!(PartyCode::new("IN D").is_err()); // space
/// # Ok::<(), bilateral::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartyCode([u8; MAX_CODE_LEN]);

impl PartyCode {
    /// Validates and normalises a code.
    ///
    /// # Errors
    ///
    /// [`ValueError::PartyCode`] when the code is shorter than 2 or longer than 16
    /// characters, or holds anything but ASCII letters, digits, `-` and `_`.
    ///
    /// # Example
    ///
    /// ```
    /// let code = bilateral::PartyCode::new("castile")?;
    /// assert_eq!(code.to_string(), "CASTILE");
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn new(code: &str) -> Result<Self, ValueError> {
        let fail = |rule| ValueError::PartyCode {
            code: Excerpt::new(code),
            rule,
        };
        if code.is_empty() {
            return Err(fail(CodeRule::Empty));
        }
        if let Some(bad) = code
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(fail(CodeRule::Character(bad)));
        }
        if code.len() < MIN_CODE_LEN || code.len() > MAX_CODE_LEN {
            return Err(fail(CodeRule::Length(code.len())));
        }
        let mut bytes = [0u8; MAX_CODE_LEN];
        for (slot, byte) in bytes.iter_mut().zip(code.bytes()) {
            *slot = byte.to_ascii_uppercase();
        }
        Ok(Self(bytes))
    }

    /// The code, upper case.
    pub fn as_str(&self) -> &str {
        let len = self.0.iter().position(|b| *b == 0).unwrap_or(MAX_CODE_LEN);
        // Only ASCII is ever stored, so this cannot fail.
        self.0
            .get(..len)
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .unwrap_or_default()
    }
}

impl fmt::Display for PartyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl fmt::Debug for PartyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PartyCode({})", self.as_str())
    }
}

impl FromStr for PartyCode {
    type Err = ValueError;

    fn from_str(code: &str) -> Result<Self, ValueError> {
        Self::new(code)
    }
}

impl AsRef<str> for PartyCode {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

crate::model::serde_str::serde_via_str!(PartyCode, "a party code such as \"IND\"");

/// What kind of body a party is.
///
/// Text form: `state` or `organisation` (`organization` is accepted too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum PartyKind {
    /// A state, present or historical.
    #[default]
    State,
    /// An international or regional organisation (the European Community,
    /// ASEAN), or any other body that is not a state.
    Organisation,
}

impl PartyKind {
    /// The text form.
    pub const fn as_str(self) -> &'static str {
        match self {
            PartyKind::State => "state",
            PartyKind::Organisation => "organisation",
        }
    }
}

impl fmt::Display for PartyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for PartyKind {
    type Err = ValueError;

    fn from_str(input: &str) -> Result<Self, ValueError> {
        // The canonical names, as documents write them, need no normalising.
        match input {
            "state" => return Ok(PartyKind::State),
            "organisation" => return Ok(PartyKind::Organisation),
            _ => {}
        }
        match crate::model::text::kebab_key(input).as_str() {
            "state" => Ok(PartyKind::State),
            "organisation" | "organization" => Ok(PartyKind::Organisation),
            _ => Err(ValueError::Unknown {
                what: Vocabulary::PartyKind,
                input: Excerpt::new(input),
            }),
        }
    }
}

crate::model::serde_str::serde_via_str!(PartyKind, "\"state\" or \"organisation\"");

/// A state or organisation that can be party to an agreement.
///
/// ```
/// use bilateral::{Party};
/// use bilateral::model::{PartyKind};
/// let india = Party::state("IND", "India")?;
/// let ec = Party::organisation("EC", "European Community")?;
/// assert_eq!(india.code().as_str(), "IND");
/// assert_eq!(ec.kind(), PartyKind::Organisation);
/// assert_eq!(india.to_string(), "India (IND)");
/// # Ok::<(), bilateral::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Party {
    code: PartyCode,
    /// The name and kind, shared by every clone behind one thin pointer: a
    /// tracker holds millions of agreements between a few hundred parties,
    /// and each agreement holds two parties inline, so a word saved here
    /// is two saved per agreement.
    named: Arc<Named>,
}

/// What a party's clones share.
#[derive(PartialEq, Eq, Hash)]
struct Named {
    name: Box<str>,
    kind: PartyKind,
}

/// As the fields it stands for: code, name and kind.
impl fmt::Debug for Party {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Party")
            .field("code", &self.code)
            .field("name", &self.name())
            .field("kind", &self.kind())
            .finish()
    }
}

impl Party {
    /// A party of the given kind.
    ///
    /// # Errors
    ///
    /// [`ValueError::PartyCode`] for an invalid code, [`ValueError::Blank`] for a name
    /// that is empty after trimming.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Party};
    /// use bilateral::model::{PartyKind};
    /// let castile = Party::new("CASTILE", "Crown of Castile", PartyKind::State)?;
    /// assert!(Party::new("JPN", "   ", PartyKind::State).is_err());
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn new(code: &str, name: impl Into<String>, kind: PartyKind) -> Result<Self, ValueError> {
        let code = PartyCode::new(code)?;
        let name =
            crate::model::text::required(name, Field::PartyName, crate::model::limits::MAX_NAME)?;
        Ok(Self {
            code,
            named: Arc::new(Named {
                name: name.into(),
                kind,
            }),
        })
    }

    /// A state.
    ///
    /// # Errors
    ///
    /// As [`Party::new`].
    ///
    /// # Example
    ///
    /// ```
    /// let japan = bilateral::Party::state("JPN", "Japan")?;
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn state(code: &str, name: impl Into<String>) -> Result<Self, ValueError> {
        Self::new(code, name, PartyKind::State)
    }

    /// An organisation.
    ///
    /// # Errors
    ///
    /// As [`Party::new`].
    ///
    /// # Example
    ///
    /// ```
    /// let asean = bilateral::Party::organisation("ASEAN", "Association of Southeast Asian Nations")?;
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn organisation(code: &str, name: impl Into<String>) -> Result<Self, ValueError> {
        Self::new(code, name, PartyKind::Organisation)
    }

    /// The party's code.
    pub const fn code(&self) -> PartyCode {
        self.code
    }

    /// Whether `other` shares this party's name and kind, one allocation
    /// for both.
    #[cfg(test)]
    pub(crate) fn shares_with(&self, other: &Party) -> bool {
        Arc::ptr_eq(&self.named, &other.named)
    }

    /// The party's display name.
    pub fn name(&self) -> &str {
        &self.named.name
    }

    /// Whether the party is a state or an organisation.
    pub fn kind(&self) -> PartyKind {
        self.named.kind
    }

    /// How many parties hold this party's name: 1 when no clone shares it.
    #[cfg(test)]
    pub(crate) fn holders(&self) -> usize {
        Arc::strong_count(&self.named)
    }
}

impl fmt::Display for Party {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.code)
    }
}

/// The two distinct parties of a bilateral agreement.
///
/// The pair is unordered: India–Japan equals Japan–India, and hashes the
/// same. It keeps the order it was given in for display, so that an
/// India–France agreement prints as "India–France"; [`Parties::sorted`]
/// gives them by code.
///
/// ```
/// use bilateral::{Parties, Party};
/// let india = Party::state("IND", "India")?;
/// let france = Party::state("FRA", "France")?;
/// let a = Parties::new(india.clone(), france.clone())?;
/// let b = Parties::new(france.clone(), india.clone())?;
/// assert_eq!(a, b);
/// assert_eq!(a.to_string(), "India–France");
/// assert_eq!(b.to_string(), "France–India");
/// assert!(a.contains("FRA".parse()?));
/// assert_eq!(a.other(india.code()), Some(&france));
/// assert!(Parties::new(india.clone(), india).is_err());
/// # Ok::<(), bilateral::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Parties([Party; 2]);

impl Parties {
    /// Replaces each party with what `share` gives for it (an equal party
    /// whose name is shared with others, say), leaving it where `share`
    /// gives nothing. Crate-private: an equal party changes no answer.
    pub(crate) fn share(&mut self, mut share: impl FnMut(&Party) -> Option<Party>) {
        for party in &mut self.0 {
            if let Some(shared) = share(party).filter(|shared| shared == party) {
                *party = shared;
            }
        }
    }
}

impl PartialEq for Parties {
    fn eq(&self, other: &Self) -> bool {
        self.sorted() == other.sorted()
    }
}

impl Eq for Parties {}

impl std::hash::Hash for Parties {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.sorted().hash(state);
    }
}

impl Parties {
    /// The pair of `a` and `b`, kept in this order for display.
    ///
    /// # Errors
    ///
    /// [`ValueError::SameParty`] when both have the same code: a bilateral
    /// agreement needs two distinct parties.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Parties, Party};
    /// let pair = Parties::new(Party::state("PHL", "Philippines")?, Party::state("IND", "India")?)?;
    /// assert_eq!(pair.first().code().as_str(), "PHL");
    /// assert_eq!(pair.sorted()[0].code().as_str(), "IND");
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn new(a: Party, b: Party) -> Result<Self, ValueError> {
        if a.code == b.code {
            return Err(ValueError::SameParty { code: a.code });
        }
        Ok(Self([a, b]))
    }

    /// The party given first.
    pub const fn first(&self) -> &Party {
        let [first, _] = &self.0;
        first
    }

    /// The party given second.
    pub const fn second(&self) -> &Party {
        let [_, second] = &self.0;
        second
    }

    /// Both parties, in the order given.
    pub const fn as_array(&self) -> &[Party; 2] {
        &self.0
    }

    /// Both parties, sorted by code: the same for either order.
    pub fn sorted(&self) -> [&Party; 2] {
        let [a, b] = &self.0;
        if a.code < b.code { [a, b] } else { [b, a] }
    }

    /// Both codes, sorted: a cheap key for the pair, the same for either
    /// order.
    pub fn codes(&self) -> (PartyCode, PartyCode) {
        let (a, b) = (self.first().code, self.second().code);
        if a < b { (a, b) } else { (b, a) }
    }

    /// Whether `code` is one of the two parties.
    pub fn contains(&self, code: PartyCode) -> bool {
        self.first().code == code || self.second().code == code
    }

    /// The party with this code, if it is one of the two.
    pub fn get(&self, code: PartyCode) -> Option<&Party> {
        self.0.iter().find(|party| party.code == code)
    }

    /// The counterpart of the party with this code, if it is one of the two.
    pub fn other(&self, code: PartyCode) -> Option<&Party> {
        if self.first().code == code {
            Some(self.second())
        } else if self.second().code == code {
            Some(self.first())
        } else {
            None
        }
    }

    /// An iterator over both parties, in the order given.
    pub fn iter(&self) -> std::slice::Iter<'_, Party> {
        self.0.iter()
    }
}

impl<'a> IntoIterator for &'a Parties {
    type Item = &'a Party;
    type IntoIter = std::slice::Iter<'a, Party>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for Parties {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", self.first().name(), self.second().name())
    }
}

impl TryFrom<Vec<Party>> for Parties {
    type Error = ValueError;

    /// The pair from a list that must hold exactly two parties.
    fn try_from(parties: Vec<Party>) -> Result<Self, ValueError> {
        let count = parties.len();
        let [a, b]: [Party; 2] = parties
            .try_into()
            .map_err(|_| ValueError::PartyCount { count })?;
        Parties::new(a, b)
    }
}

impl TryFrom<[Party; 2]> for Parties {
    type Error = ValueError;

    fn try_from([a, b]: [Party; 2]) -> Result<Self, ValueError> {
        Parties::new(a, b)
    }
}

impl From<Parties> for [Party; 2] {
    fn from(parties: Parties) -> Self {
        parties.0
    }
}

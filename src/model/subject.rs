//! Subject areas an agreement covers.

use std::fmt;
use std::str::FromStr;

use super::error::{Excerpt, SubjectRule, ValueError};

const MAX_CUSTOM_LEN: usize = 64;

/// A subject area an agreement covers: logistics, maritime security, space…
///
/// The well-known areas are variants; anything else is a
/// [`SubjectArea::Custom`] area, which a tracker may define freely.
///
/// # Text form
///
/// Kebab case (`maritime-security`), for both `Display` and serde. Parsing
/// is forgiving about letter case, spaces and underscores, and accepts a few
/// aliases (`reciprocal supplies and services` is logistics, `defense` is
/// accepted for `defence`, `fishing` for `fisheries`), so the same name always
/// gives the same area. A name that is not well known becomes a custom area,
/// normalised the same way: `"Cyber Security"` and `"cyber_security"` are one
/// area.
///
/// ```
/// use bilateral::SubjectArea;
/// let area: SubjectArea = "Maritime Security".parse()?;
/// assert_eq!(area, SubjectArea::MaritimeSecurity);
/// assert_eq!(area.to_string(), "maritime-security");
///
/// let cyber: SubjectArea = "Cyber Security".parse()?;
/// assert_eq!(cyber, "cyber_security".parse()?);
/// assert!(cyber.is_custom());
/// assert_eq!(cyber.to_string(), "cyber-security");
/// # Ok::<(), bilateral::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum SubjectArea {
    /// Logistics: reciprocal provision of supplies and services, use of each
    /// other's bases for repair and replenishment.
    Logistics,
    /// Joint development of equipment or technology.
    CoDevelopment,
    /// Joint production of equipment.
    CoProduction,
    /// Defence technology and equipment transfer.
    DefenceTechnology,
    /// Cooperation in the air domain.
    AirDomain,
    /// Maritime security.
    MaritimeSecurity,
    /// Bilateral and multilateral military exercises.
    Exercises,
    /// Counter-terrorism.
    CounterTerrorism,
    /// Space.
    Space,
    /// Defence industry.
    DefenceIndustry,
    /// Trade and commerce.
    Trade,
    /// Energy.
    Energy,
    /// Fisheries and fishing rights.
    Fisheries,
    /// Navigation and shipping.
    Navigation,
    /// Boundary delimitation.
    Delimitation,
    /// Environmental protection.
    Environment,
    /// Peace and friendship.
    Peace,
    /// An area defined by the user, held in normalised kebab case.
    Custom(CustomArea),
}

/// The name of a user-defined [`SubjectArea`], normalised to kebab case.
///
/// It can only be made by parsing (see [`SubjectArea::custom`]), so it is
/// always valid and never the name of a well-known area.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CustomArea(Box<str>);

impl CustomArea {
    /// The normalised name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CustomArea {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

const KNOWN: [(SubjectArea, &str); 17] = [
    (SubjectArea::Logistics, "logistics"),
    (SubjectArea::CoDevelopment, "co-development"),
    (SubjectArea::CoProduction, "co-production"),
    (SubjectArea::DefenceTechnology, "defence-technology"),
    (SubjectArea::AirDomain, "air-domain"),
    (SubjectArea::MaritimeSecurity, "maritime-security"),
    (SubjectArea::Exercises, "exercises"),
    (SubjectArea::CounterTerrorism, "counter-terrorism"),
    (SubjectArea::Space, "space"),
    (SubjectArea::DefenceIndustry, "defence-industry"),
    (SubjectArea::Trade, "trade"),
    (SubjectArea::Energy, "energy"),
    (SubjectArea::Fisheries, "fisheries"),
    (SubjectArea::Navigation, "navigation"),
    (SubjectArea::Delimitation, "delimitation"),
    (SubjectArea::Environment, "environment"),
    (SubjectArea::Peace, "peace"),
];

const ALIASES: [(&str, SubjectArea); 10] = [
    ("reciprocal-supplies-and-services", SubjectArea::Logistics),
    (
        "reciprocal-provision-of-supplies-and-services",
        SubjectArea::Logistics,
    ),
    ("codevelopment", SubjectArea::CoDevelopment),
    ("coproduction", SubjectArea::CoProduction),
    ("defense-technology", SubjectArea::DefenceTechnology),
    ("defense-industry", SubjectArea::DefenceIndustry),
    ("counterterrorism", SubjectArea::CounterTerrorism),
    ("military-exercises", SubjectArea::Exercises),
    ("fishing", SubjectArea::Fisheries),
    ("environmental-protection", SubjectArea::Environment),
];

impl SubjectArea {
    /// The well-known areas, in declaration order.
    pub fn well_known() -> impl ExactSizeIterator<Item = SubjectArea> {
        KNOWN.into_iter().map(|(area, _)| area)
    }

    /// The area named `name`: a well-known one when the name (or an alias)
    /// matches, a custom one otherwise. The same as parsing.
    ///
    /// # Errors
    ///
    /// [`ValueError::SubjectArea`] when the name is blank, longer than 64
    /// characters once normalised, or contains characters other than letters,
    /// digits, spaces, `-` and `_`.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::SubjectArea;
    /// assert_eq!(SubjectArea::custom("Space")?, SubjectArea::Space);
    /// assert_eq!(SubjectArea::custom("Cyber Security")?.to_string(), "cyber-security");
    /// assert!(SubjectArea::custom("   ").is_err());
    /// assert!(SubjectArea::custom("R&D").is_err());
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn custom(name: &str) -> Result<Self, ValueError> {
        name.parse()
    }

    /// The kebab-case name, as written by `Display` and serde.
    pub fn as_str(&self) -> &str {
        match self {
            SubjectArea::Custom(custom) => custom.as_str(),
            known => KNOWN
                .iter()
                .find(|(area, _)| area == known)
                .map_or("", |(_, name)| name),
        }
    }

    /// Whether the area is user-defined.
    pub const fn is_custom(&self) -> bool {
        matches!(self, SubjectArea::Custom(_))
    }
}

impl fmt::Display for SubjectArea {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for SubjectArea {
    type Err = ValueError;

    fn from_str(input: &str) -> Result<Self, ValueError> {
        let fail = |rule| ValueError::SubjectArea {
            input: Excerpt::new(input),
            rule,
        };
        if let Some(bad) = input
            .chars()
            .find(|c| !(c.is_alphanumeric() || c.is_whitespace() || *c == '-' || *c == '_'))
        {
            return Err(fail(SubjectRule::Character(bad)));
        }
        let mut key = crate::model::text::kebab_key(input);
        // Lower-casing can add combining marks (`İ` becomes `i` and a dot
        // above); keep only letters, digits and hyphens, so that the name
        // prints back to text that parses to the same area.
        key.retain(|c| c.is_alphanumeric() || c == '-');
        if key.is_empty() {
            return Err(fail(SubjectRule::Blank));
        }
        if let Some((area, _)) = KNOWN.iter().find(|(_, name)| *name == key) {
            return Ok(area.clone());
        }
        if let Some((_, area)) = ALIASES.iter().find(|(alias, _)| *alias == key) {
            return Ok(area.clone());
        }
        if key.chars().count() > MAX_CUSTOM_LEN {
            return Err(fail(SubjectRule::TooLong(MAX_CUSTOM_LEN)));
        }
        Ok(SubjectArea::Custom(CustomArea(key.into_boxed_str())))
    }
}

crate::model::serde_str::serde_via_str!(
    SubjectArea,
    "a subject area such as \"maritime-security\""
);

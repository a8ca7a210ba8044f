//! Links between instruments: what an agreement implements, amends,
//! extends, supersedes or terminates.

use std::fmt;
use std::str::FromStr;

use super::error::{Excerpt, ValueError, Vocabulary};
use super::id::AgreementId;

/// How an instrument relates to another it names.
///
/// Text form: lower case (`implements`, `supersedes`).
///
/// ```
/// use bilateral::LinkKind;
/// assert_eq!("implements".parse::<LinkKind>()?, LinkKind::Implements);
/// assert_eq!(LinkKind::Supersedes.inverse(), "superseded by");
/// assert!(LinkKind::Amends.is_acyclic() && !LinkKind::Implements.is_acyclic());
/// # Ok::<(), bilateral::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum LinkKind {
    /// Carries the other out: a memorandum of implementation under an
    /// agreement, a project arrangement under a framework.
    Implements,
    /// Changes some of the other's terms.
    Amends,
    /// Prolongs the other, or widens its scope.
    Extends,
    /// Takes the other's place.
    Supersedes,
    /// Ends the other.
    Terminates,
}

impl LinkKind {
    /// Every kind, in declaration order.
    pub const ALL: [LinkKind; 5] = [
        LinkKind::Implements,
        LinkKind::Amends,
        LinkKind::Extends,
        LinkKind::Supersedes,
        LinkKind::Terminates,
    ];

    /// The code, as written by `Display` and serde.
    pub const fn as_str(self) -> &'static str {
        match self {
            LinkKind::Implements => "implements",
            LinkKind::Amends => "amends",
            LinkKind::Extends => "extends",
            LinkKind::Supersedes => "supersedes",
            LinkKind::Terminates => "terminates",
        }
    }

    /// The relation read from the other end: "implemented by".
    pub const fn inverse(self) -> &'static str {
        match self {
            LinkKind::Implements => "implemented by",
            LinkKind::Amends => "amended by",
            LinkKind::Extends => "extended by",
            LinkKind::Supersedes => "superseded by",
            LinkKind::Terminates => "terminated by",
        }
    }

    /// The verb, as in "an instrument cannot amend itself".
    pub const fn verb(self) -> &'static str {
        match self {
            LinkKind::Implements => "implement",
            LinkKind::Amends => "amend",
            LinkKind::Extends => "extend",
            LinkKind::Supersedes => "supersede",
            LinkKind::Terminates => "terminate",
        }
    }

    /// Whether a chain of links of this kind may never come back to where
    /// it started: an instrument cannot, through others, amend or
    /// supersede itself.
    pub const fn is_acyclic(self) -> bool {
        matches!(self, LinkKind::Amends | LinkKind::Supersedes)
    }
}

impl fmt::Display for LinkKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LinkKind {
    type Err = ValueError;

    fn from_str(input: &str) -> Result<Self, ValueError> {
        if let Some(kind) = LinkKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == input)
        {
            return Ok(kind);
        }
        let key = crate::model::text::kebab_key(input);
        LinkKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == key)
            .ok_or_else(|| ValueError::Unknown {
                what: Vocabulary::LinkKind,
                input: Excerpt::new(input),
            })
    }
}

crate::model::serde_str::serde_via_str!(LinkKind, "a link kind such as \"implements\"");

/// A link from an agreement to another it names, carried by the event that
/// made it: the signing of a memorandum that implements an agreement, the
/// entry into force of a protocol that amends one.
///
/// A link belongs to its event: correcting the event can change it,
/// retracting the event withdraws it, and its date is the event's. A
/// tracker checks links against the agreements it holds (see
/// [`Tracker::linked_to`](crate::Tracker::linked_to)).
///
/// Text form: the kind and the other agreement's id,
/// `implements 0192d1f4-…`.
///
/// ```
/// use bilateral::{AgreementId, Link, LinkKind};
/// let framework: AgreementId = "0192d1f4-5a3b-7c00-8000-000000000001".parse()?;
/// let link = Link::new(LinkKind::Implements, framework);
/// assert_eq!(link.to_string(), "implements 0192d1f4-5a3b-7c00-8000-000000000001");
/// assert_eq!(link.to_string().parse::<Link>()?, link);
/// # Ok::<(), bilateral::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Link {
    kind: LinkKind,
    target: AgreementId,
}

impl Link {
    /// A link of `kind` to `target`.
    pub const fn new(kind: LinkKind, target: AgreementId) -> Self {
        Link { kind, target }
    }

    /// How the agreement relates to the target.
    pub const fn kind(self) -> LinkKind {
        self.kind
    }

    /// The agreement linked to.
    pub const fn target(self) -> AgreementId {
        self.target
    }
}

impl fmt::Display for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind, self.target)
    }
}

impl FromStr for Link {
    type Err = ValueError;

    /// Reads `kind id`, as `Display` writes it.
    fn from_str(input: &str) -> Result<Self, ValueError> {
        let (kind, target) = input
            .trim()
            .rsplit_once(' ')
            .ok_or_else(|| ValueError::Unknown {
                what: Vocabulary::Link,
                input: Excerpt::new(input),
            })?;
        Ok(Link::new(kind.trim().parse()?, target.parse()?))
    }
}

crate::model::serde_str::serde_via_str!(
    Link,
    "a link such as \"implements 0192d1f4-5a3b-7c00-8000-000000000001\""
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_their_codes_and_spellings() {
        for kind in LinkKind::ALL {
            assert_eq!(kind.as_str().parse::<LinkKind>(), Ok(kind));
            assert_eq!(kind.to_string(), kind.as_str());
        }
        assert_eq!("Supersedes".parse::<LinkKind>(), Ok(LinkKind::Supersedes));
        let err = "replaces".parse::<LinkKind>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown link kind \"replaces\": expected one of implements, amends, extends, supersedes, terminates"
        );
    }

    #[test]
    fn only_amends_and_supersedes_refuse_cycles() {
        let acyclic: Vec<_> = LinkKind::ALL
            .into_iter()
            .filter(|kind| kind.is_acyclic())
            .collect();
        assert_eq!(acyclic, [LinkKind::Amends, LinkKind::Supersedes]);
        let inverses: Vec<_> = LinkKind::ALL.into_iter().map(LinkKind::inverse).collect();
        assert_eq!(
            inverses,
            [
                "implemented by",
                "amended by",
                "extended by",
                "superseded by",
                "terminated by"
            ]
        );
    }

    #[test]
    fn a_link_reads_what_it_writes_and_names_a_bad_one() {
        let target: AgreementId = "0192d1f4-5a3b-7c00-8000-000000000001".parse().unwrap();
        let link = Link::new(LinkKind::Amends, target);
        assert_eq!((link.kind(), link.target()), (LinkKind::Amends, target));
        assert_eq!(link.to_string().parse::<Link>(), Ok(link));
        assert_eq!(
            "implements".parse::<Link>().unwrap_err().to_string(),
            "unknown link \"implements\": expected a link kind and an agreement id, such as \"implements 0192d1f4-5a3b-7c00-8000-000000000001\""
        );
        assert!(matches!(
            "implements not-an-id".parse::<Link>(),
            Err(ValueError::Unknown {
                what: Vocabulary::AgreementId,
                ..
            })
        ));
    }
}

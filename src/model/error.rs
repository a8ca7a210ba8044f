//! Invalid values: the error kinds of the model layer.

use std::fmt;

use super::party::PartyCode;

/// A value that breaks one of the model's rules: a party code, a date, a
/// subject area, a text field or a collection beyond its limit.
///
/// Every constructor of the model returns this error, so an invalid value
/// cannot exist. The message names the value and the rule it broke, and
/// each variant carries them for matching. Variants are
/// `#[non_exhaustive]`: match them with `..`, so that context can be added
/// later without breaking callers.
///
/// ```
/// use bilateral::EventDate;
/// use bilateral::model::{DateRule, ValueError};
/// let err = "2024-13-01".parse::<EventDate>().unwrap_err();
/// assert!(matches!(err, ValueError::Date { rule: DateRule::MonthOutOfRange, .. }));
/// assert_eq!(err.to_string(), "invalid date \"2024-13-01\": the month must be from 01 to 12");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueError {
    /// A text field was longer than its limit (see [`limits`](crate::limits)).
    #[error("{field} too long: it has {length} characters, and the limit is {max}")]
    #[non_exhaustive]
    TooLong {
        /// Which field.
        field: Field,
        /// Its length in characters.
        length: usize,
        /// The limit.
        max: usize,
    },
    /// A collection held more items than its limit (see
    /// [`limits`](crate::limits)).
    #[error("too many {what}: {count}, and the limit is {max}")]
    #[non_exhaustive]
    TooMany {
        /// Which collection.
        what: Collection,
        /// How many were given.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A party code broke the code rules.
    #[error("invalid party code {code}: {rule}")]
    #[non_exhaustive]
    PartyCode {
        /// The code as given.
        code: Excerpt,
        /// The rule it broke.
        rule: CodeRule,
    },
    /// A required text field was empty or only whitespace.
    #[error("blank {field}: it must contain a visible character")]
    #[non_exhaustive]
    Blank {
        /// Which field.
        field: Field,
    },
    /// A list of parties did not hold exactly two.
    #[error("a bilateral agreement has exactly two parties, and {count} were given")]
    #[non_exhaustive]
    PartyCount {
        /// How many were given.
        count: usize,
    },
    /// The same party was given as both parties of an agreement.
    #[error("party {code} is given twice: a bilateral agreement needs two distinct parties")]
    #[non_exhaustive]
    SameParty {
        /// The repeated party's code.
        code: PartyCode,
    },
    /// A text field held a character that could deceive a reader: a
    /// control character (a line break, an escape) or a bidirectional
    /// embedding, override or isolate.
    #[error("{field} holds {} at character {position}: {rule}", describe(*character))]
    #[non_exhaustive]
    Character {
        /// Which field.
        field: Field,
        /// The character.
        character: char,
        /// Its position among the characters of the text, from 1.
        position: usize,
        /// Why it is refused.
        rule: &'static str,
    },
    /// A timestamp could not be read, or lies outside the years 0001 to
    /// 9999.
    #[error("invalid timestamp {input}: {rule}")]
    #[non_exhaustive]
    Timestamp {
        /// The text as given.
        input: Excerpt,
        /// What is wrong with it.
        rule: &'static str,
    },
    /// A date could not be parsed or does not exist.
    #[error("invalid date {input}: {rule}")]
    #[non_exhaustive]
    Date {
        /// The date as given.
        input: Excerpt,
        /// The rule it broke.
        rule: DateRule,
    },
    /// A subject-area name could not be used.
    #[error("invalid subject area {input}: {rule}")]
    #[non_exhaustive]
    SubjectArea {
        /// The name as given.
        input: Excerpt,
        /// The rule it broke.
        rule: SubjectRule,
    },
    /// An occasion whose last date certainly comes before its first.
    #[error("an occasion cannot end ({to}) before it begins ({from})")]
    #[non_exhaustive]
    OccasionDates {
        /// Its first date.
        from: super::date::EventDate,
        /// Its last date.
        to: super::date::EventDate,
    },
    /// A name that is not in a closed vocabulary (stages, event kinds,
    /// instrument kinds, party kinds) or a malformed identifier.
    #[error("unknown {what} {input}: expected {}", what.expected())]
    #[non_exhaustive]
    Unknown {
        /// Which vocabulary.
        what: Vocabulary,
        /// The text as given.
        input: Excerpt,
    },
}

/// How a refused character is named: its code point, and its kind.
fn describe(character: char) -> String {
    let code = format!("U+{:04X}", u32::from(character));
    if character.is_control() {
        format!("the control character {code}")
    } else {
        format!("the bidirectional formatting character {code}")
    }
}

/// A refused input as an error quotes it: whole when short, otherwise its
/// first [`Excerpt::MAX`] characters and its length, so that a huge input
/// never makes a huge message.
///
/// ```
/// use bilateral::EventDate;
/// use bilateral::model::ValueError;
/// let err = "9".repeat(100_000).parse::<EventDate>().unwrap_err();
/// let ValueError::Date { input, .. } = &err else { panic!() };
/// assert_eq!(input.len(), 100_000);
/// assert!(input.is_cut());
/// assert!(err.to_string().len() < 200, "{err}");
/// assert!(err.to_string().contains("(100000 characters)"));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Excerpt {
    text: String,
    length: usize,
}

impl Excerpt {
    /// How many characters of an input an error keeps.
    pub const MAX: usize = 64;

    /// The excerpt of `input`.
    pub fn new(input: &str) -> Self {
        let length = input.chars().count();
        let text = if length > Self::MAX {
            input.chars().take(Self::MAX).collect()
        } else {
            input.to_owned()
        };
        Excerpt { text, length }
    }

    /// The text kept: the whole input, or its first [`Excerpt::MAX`]
    /// characters.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The length of the whole input, in characters.
    pub const fn len(&self) -> usize {
        self.length
    }

    /// Whether the input was empty.
    pub const fn is_empty(&self) -> bool {
        self.length == 0
    }

    /// Whether the input was longer than what is kept.
    pub fn is_cut(&self) -> bool {
        self.length > Self::MAX
    }
}

impl fmt::Display for Excerpt {
    /// The text quoted, with `…` and the whole length when cut.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_cut() {
            write!(f, "{:?}… ({} characters)", self.text, self.length)
        } else {
            write!(f, "{:?}", self.text)
        }
    }
}

impl fmt::Debug for Excerpt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl PartialEq<str> for Excerpt {
    fn eq(&self, other: &str) -> bool {
        !self.is_cut() && self.text == other
    }
}

impl PartialEq<&str> for Excerpt {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

/// The rule a party code broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CodeRule {
    /// The code was empty.
    Empty,
    /// The code had this many characters, outside 2 to 16.
    Length(usize),
    /// The code held a character other than an ASCII letter, digit, `-` or
    /// `_`.
    Character(char),
}

impl fmt::Display for CodeRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodeRule::Empty => f.write_str("a code must have 2 to 16 characters, and it is empty"),
            CodeRule::Length(len) => {
                write!(f, "a code must have 2 to 16 characters, and it has {len}")
            }
            CodeRule::Character(c) => write!(
                f,
                "{c:?} is not allowed: a code holds only ASCII letters, digits, '-' and '_'"
            ),
        }
    }
}

/// The rule a date broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DateRule {
    /// Nothing was given.
    Empty,
    /// The text is not `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (with an optional
    /// trailing `?`, `~` or `%`).
    Format,
    /// The year is outside 0001 to 9999.
    YearOutOfRange,
    /// The month is outside 01 to 12.
    MonthOutOfRange,
    /// The day does not exist in that month.
    NoSuchDay,
}

impl fmt::Display for DateRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateRule::Empty => "a date cannot be empty",
            DateRule::Format => {
                "expected YYYY, YYYY-MM or YYYY-MM-DD, optionally followed by '?', '~' or '%'"
            }
            DateRule::YearOutOfRange => "the year must be from 0001 to 9999",
            DateRule::MonthOutOfRange => "the month must be from 01 to 12",
            DateRule::NoSuchDay => "that day does not exist in that month",
        })
    }
}

/// The rule a subject-area name broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SubjectRule {
    /// The name was empty or only separators.
    Blank,
    /// The name held a character other than a letter, a digit, a space, `-`
    /// or `_`.
    Character(char),
    /// The normalised name was longer than this many characters.
    TooLong(usize),
}

impl fmt::Display for SubjectRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SubjectRule::Blank => f.write_str("a subject area needs a name"),
            SubjectRule::Character(c) => write!(
                f,
                "{c:?} is not allowed: a name holds only letters, digits, spaces, '-' and '_'"
            ),
            SubjectRule::TooLong(max) => write!(f, "a name may have at most {max} characters"),
        }
    }
}

/// A required text field, named in [`ValueError::Blank`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// A party's name.
    PartyName,
    /// An agreement's title.
    Title,
    /// A representative's name.
    RepresentativeName,
    /// A representative's office.
    Office,
    /// An event's venue.
    Venue,
    /// An event's occasion.
    Occasion,
    /// A source's publisher.
    Publisher,
    /// A source's title.
    SourceTitle,
    /// A source's address.
    Address,
    /// An event's summary.
    Summary,
    /// The reason of a retraction.
    Reason,
    /// A policy's name.
    PolicyName,
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Field::PartyName => "party name",
            Field::Title => "agreement title",
            Field::RepresentativeName => "representative name",
            Field::Office => "representative office",
            Field::Venue => "event venue",
            Field::Occasion => "event occasion",
            Field::Publisher => "source publisher",
            Field::SourceTitle => "source title",
            Field::Address => "source address",
            Field::Summary => "event summary",
            Field::Reason => "retraction reason",
            Field::PolicyName => "policy name",
        })
    }
}

/// A bounded collection, named in [`ValueError::TooMany`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Collection {
    /// The participants of an event.
    Participants,
    /// The sources of an event.
    Sources,
    /// The subject areas of an agreement.
    Subjects,
    /// The entries of an agreement.
    Entries,
    /// The transitions of a policy.
    Transitions,
    /// The guards of a policy.
    Guards,
    /// The agreements of a tracker document.
    Agreements,
    /// The links of an event.
    Links,
    /// The occasions of a tracker document.
    Occasions,
}

impl fmt::Display for Collection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Collection::Participants => "participants in one event",
            Collection::Sources => "sources for one event",
            Collection::Subjects => "subject areas for one agreement",
            Collection::Entries => "entries for one agreement",
            Collection::Transitions => "transitions for one policy",
            Collection::Guards => "guards for one policy",
            Collection::Agreements => "agreements for one document",
            Collection::Links => "links for one event",
            Collection::Occasions => "occasions for one document",
        })
    }
}

/// A closed vocabulary, named in [`ValueError::Unknown`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Vocabulary {
    /// [`Stage`](crate::Stage) names.
    Stage,
    /// [`EventKind`](crate::EventKind) names.
    EventKind,
    /// [`InstrumentKind`](crate::InstrumentKind) names.
    Instrument,
    /// [`AgreementId`](crate::AgreementId)s.
    AgreementId,
    /// [`EventId`](crate::EventId)s.
    EventId,
    /// [`PartyKind`](crate::model::PartyKind) names.
    PartyKind,
    /// [`Precision`](crate::Precision) names.
    Precision,
    /// [`Order`](crate::tracker::Order)s of a query.
    Order,
    /// [`Path`](crate::lifecycle::Path)s: stages joined by `->`.
    Path,
    /// [`Property`](crate::lifecycle::Property) sentences.
    Property,
    /// [`LinkKind`](crate::LinkKind) names.
    LinkKind,
    /// [`Link`](crate::Link)s: a kind and an agreement id.
    Link,
}

impl Vocabulary {
    fn expected(self) -> &'static str {
        match self {
            Vocabulary::Stage => {
                "one of proposed, deliberated, moi-signed, finalised, withdrawn, terminated"
            }
            Vocabulary::EventKind => {
                "a stage (proposed, deliberated, moi-signed, finalised, withdrawn, terminated) \
                 or one of entered-into-force, meeting, statement, note"
            }
            Vocabulary::Instrument => {
                "one of agreement, memorandum-of-understanding (mou), \
                 memorandum-of-implementation (moi), protocol, amendment, other"
            }
            Vocabulary::AgreementId | Vocabulary::EventId => {
                "a UUID such as 0193592c-8a2e-7c4e-9a53-3f1d2b6c0001"
            }
            Vocabulary::PartyKind => "state or organisation",
            Vocabulary::LinkKind => "one of implements, amends, extends, supersedes, terminates",
            Vocabulary::Link => {
                "a link kind and an agreement id, such as \
                 \"implements 0192d1f4-5a3b-7c00-8000-000000000001\""
            }
            Vocabulary::Precision => "day, month or year",
            Vocabulary::Order => "one of added, title, last-event",
            Vocabulary::Path => "stages joined by ->, such as \"proposed -> deliberated\"",
            Vocabulary::Property => {
                "a property such as \"every path to finalised passes moi-signed\", \
                 \"withdrawn is reachable from proposed, deliberated\", \
                 \"finalised is unreachable from withdrawn\", \"nothing follows terminated\", \
                 \"a record never opens at finalised\", \
                 \"finalised never comes after withdrawn\" or \"moi-signed is reached at most once\""
            }
        }
    }
}

impl fmt::Display for Vocabulary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Vocabulary::Stage => "stage",
            Vocabulary::EventKind => "event kind",
            Vocabulary::Instrument => "instrument kind",
            Vocabulary::AgreementId => "agreement id",
            Vocabulary::EventId => "event id",
            Vocabulary::PartyKind => "party kind",
            Vocabulary::Precision => "precision",
            Vocabulary::Order => "query order",
            Vocabulary::Path => "path",
            Vocabulary::Property => "property",
            Vocabulary::LinkKind => "link kind",
            Vocabulary::Link => "link",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Excerpt;

    #[test]
    fn a_short_input_is_kept_whole() {
        let excerpt = Excerpt::new("2024-13");
        assert_eq!(excerpt.as_str(), "2024-13");
        assert_eq!(excerpt.len(), 7);
        assert!(!excerpt.is_empty());
        assert!(!excerpt.is_cut());
        assert!(excerpt == "2024-13");
        assert!(excerpt != "2024-12");
        assert!(excerpt == *"2024-13");
        assert!(excerpt != *"2024-12");
        assert_eq!(format!("{excerpt:?}"), "\"2024-13\"");
        assert_eq!(excerpt.to_string(), "\"2024-13\"");
        let empty = Excerpt::new("");
        assert!(empty.is_empty());
        assert_eq!(empty.len(), 0);
    }

    #[test]
    fn a_long_input_is_cut_at_the_limit_in_characters() {
        // Exactly at the limit: kept whole.
        let at = "é".repeat(Excerpt::MAX);
        let excerpt = Excerpt::new(&at);
        assert!(!excerpt.is_cut());
        assert_eq!(excerpt.as_str(), at);
        assert!(excerpt == at.as_str());
        // One past: cut, and never equal to the input it stands for.
        let past = "é".repeat(Excerpt::MAX + 1);
        let excerpt = Excerpt::new(&past);
        assert!(excerpt.is_cut());
        assert_eq!(excerpt.len(), Excerpt::MAX + 1);
        assert_eq!(excerpt.as_str(), at);
        assert!(excerpt != past.as_str());
        assert!(excerpt != at.as_str());
        assert_eq!(
            format!("{excerpt:?}"),
            format!("\"{at}\"… ({} characters)", Excerpt::MAX + 1)
        );
    }
}

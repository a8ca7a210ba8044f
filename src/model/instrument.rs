//! Kinds of instrument: agreement, memorandum, protocol…

use std::fmt;
use std::str::FromStr;

use super::error::{Excerpt, ValueError, Vocabulary};

/// The kind of instrument an agreement is.
///
/// Text form: kebab case (`memorandum-of-understanding`); parsing also
/// accepts the abbreviations `mou` and `moi`, any letter case and spaces.
///
/// ```
/// use bilateral::InstrumentKind;
/// let kind: InstrumentKind = "MoU".parse()?;
/// assert_eq!(kind, InstrumentKind::MemorandumOfUnderstanding);
/// assert_eq!(kind.to_string(), "memorandum-of-understanding");
/// # Ok::<(), bilateral::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum InstrumentKind {
    /// An agreement or treaty.
    #[default]
    Agreement,
    /// A memorandum of understanding.
    MemorandumOfUnderstanding,
    /// A memorandum of implementation.
    MemorandumOfImplementation,
    /// A protocol to an existing instrument.
    Protocol,
    /// An amendment to an existing instrument.
    Amendment,
    /// Any other kind of instrument.
    Other,
}

impl InstrumentKind {
    /// Every kind, in declaration order.
    pub const ALL: [InstrumentKind; 6] = [
        InstrumentKind::Agreement,
        InstrumentKind::MemorandumOfUnderstanding,
        InstrumentKind::MemorandumOfImplementation,
        InstrumentKind::Protocol,
        InstrumentKind::Amendment,
        InstrumentKind::Other,
    ];

    /// The kebab-case code, as written by `Display` and serde.
    pub const fn as_str(self) -> &'static str {
        match self {
            InstrumentKind::Agreement => "agreement",
            InstrumentKind::MemorandumOfUnderstanding => "memorandum-of-understanding",
            InstrumentKind::MemorandumOfImplementation => "memorandum-of-implementation",
            InstrumentKind::Protocol => "protocol",
            InstrumentKind::Amendment => "amendment",
            InstrumentKind::Other => "other",
        }
    }
}

impl InstrumentKind {
    /// The kind as written in prose: "memorandum of understanding".
    pub const fn label(self) -> &'static str {
        match self {
            InstrumentKind::MemorandumOfUnderstanding => "memorandum of understanding",
            InstrumentKind::MemorandumOfImplementation => "memorandum of implementation",
            other => other.as_str(),
        }
    }
}

impl fmt::Display for InstrumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for InstrumentKind {
    type Err = ValueError;

    fn from_str(input: &str) -> Result<Self, ValueError> {
        // The canonical name, as documents write it, needs no normalising.
        if let Some(kind) = InstrumentKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == input)
        {
            return Ok(kind);
        }
        let key = crate::model::text::kebab_key(input);
        let kind = match key.as_str() {
            "mou" => Some(InstrumentKind::MemorandumOfUnderstanding),
            "moi" => Some(InstrumentKind::MemorandumOfImplementation),
            "treaty" => Some(InstrumentKind::Agreement),
            _ => InstrumentKind::ALL
                .into_iter()
                .find(|kind| kind.as_str() == key),
        };
        kind.ok_or_else(|| ValueError::Unknown {
            what: Vocabulary::Instrument,
            input: Excerpt::new(input),
        })
    }
}

crate::model::serde_str::serde_via_str!(InstrumentKind, "an instrument kind such as \"agreement\"");

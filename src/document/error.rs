//! Documents that cannot be read.

use chrono::{DateTime, Utc};

use crate::agreement::AgreementError;
use crate::lifecycle::{PolicyError, PolicyStamp};
use crate::model::ValueError;

/// Why a document was refused: the first rule it breaks, with the path of
/// the offending field (`entries[3].record.date`,
/// `agreements[459].title`).
///
/// Nothing is loaded from a refused document. Variants are
/// `#[non_exhaustive]`: match them with `..`.
///
/// ```
/// use bilateral::document::{AgreementDocument, DocumentError};
/// use bilateral::Policy;
/// let json = r#"{
///   "format": 1,
///   "id": "0193592c-8a2e-7c4e-9a53-3f1d2b6c0001",
///   "title": "Reciprocal Provision of Supplies and Services",
///   "parties": [{"code": "IND", "name": "India"}, {"code": "ind", "name": "India"}],
///   "subjects": ["logistics"],
///   "entries": []
/// }"#;
/// let doc: AgreementDocument = serde_json::from_str(json)?;
/// let err = doc.into_agreement(&Policy::standard()).unwrap_err();
/// assert!(matches!(err, DocumentError::Value { .. }));
/// assert_eq!(err.path(), Some("parties"));
/// assert_eq!(
///     err.to_string(),
///     "at parties: party IND is given twice: a bilateral agreement needs two distinct parties",
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DocumentError {
    /// The document was written in a newer format than this version of the
    /// crate reads.
    #[error(
        "unsupported format version {found}: this version of bilateral reads versions up to {supported}"
    )]
    #[non_exhaustive]
    UnsupportedFormat {
        /// The version in the document.
        found: u32,
        /// The newest version this crate reads.
        supported: u32,
    },
    /// The text is not a document of this kind: malformed, a value of the
    /// wrong type, an unknown or missing field (the deserialiser's message,
    /// with its line and column where it gives them).
    #[error("unreadable document: {message}")]
    #[non_exhaustive]
    Syntax {
        /// What the deserialiser said.
        message: String,
    },
    /// A value is invalid.
    #[error("at {path}: {source}")]
    #[non_exhaustive]
    Value {
        /// Where in the document.
        path: String,
        /// What is wrong with it.
        source: ValueError,
    },
    /// An entry did not hold exactly one change.
    #[error(
        "at {path}: the entry recorded at {recorded_at} must hold exactly one of \"record\", \"correct\" or \"retract\""
    )]
    #[non_exhaustive]
    MalformedEntry {
        /// Where in the document.
        path: String,
        /// The entry's `recorded_at`, as written.
        recorded_at: String,
    },
    /// An agreement had no entries.
    #[error("at {path}: agreement {title:?} has no events: it must open with a stage change")]
    #[non_exhaustive]
    NoEvents {
        /// Where in the document.
        path: String,
        /// The agreement's title.
        title: String,
    },
    /// The first entry of an agreement was a correction or a retraction.
    #[error(
        "at {path}: agreement {title:?} must open with the record of an event, not a correction or retraction"
    )]
    #[non_exhaustive]
    FirstEntryNotRecord {
        /// Where in the document.
        path: String,
        /// The agreement's title.
        title: String,
    },
    /// The entries of an agreement were not in recording order.
    #[error(
        "at {path}: entry {position} of agreement {title:?} was recorded at {recorded_at}, before the entry \
         preceding it ({previous}): entries must be in the order they were recorded"
    )]
    #[non_exhaustive]
    EntryOrder {
        /// Where in the document.
        path: String,
        /// The agreement's title.
        title: String,
        /// The entry's position, from 0.
        position: usize,
        /// When it says it was recorded.
        recorded_at: DateTime<Utc>,
        /// When the entry before it was recorded.
        previous: DateTime<Utc>,
    },
    /// The agreement the document describes could not exist: its header
    /// breaks a rule, or an entry is refused as the same call through the
    /// API would be. (An invalid value is a [`DocumentError::Value`].)
    #[error("at {path}: {source}")]
    #[non_exhaustive]
    Agreement {
        /// Where in the document.
        path: String,
        /// Why.
        source: AgreementError,
    },
    /// The policy of the document is invalid.
    #[error("at {path}: {source}")]
    #[non_exhaustive]
    Policy {
        /// Where in the document.
        path: String,
        /// Why.
        source: PolicyError,
    },
    /// The document says it was written under a policy with another table
    /// than the one it is read under: read it under that policy.
    #[error(
        "at {path}: agreement {title:?} was written under policy {written:?} (table {fingerprint}), \
         not {given}: read it under that policy (AgreementDocument::into_agreement)"
    )]
    #[non_exhaustive]
    OtherPolicy {
        /// Where in the document.
        path: String,
        /// The agreement's title.
        title: String,
        /// The name of the policy the document names.
        written: String,
        /// The fingerprint the document gives, as written (at most 32
        /// characters of it).
        fingerprint: String,
        /// The policy it was read under (boxed: the error stays small).
        given: Box<PolicyStamp>,
    },
    /// A tracker document gave an agreement a version outside 1 to
    /// [`MAX_VERSION`](crate::limits::MAX_VERSION).
    #[error(
        "at {path}: version {version} is not a version: versions run from 1 to {}",
        crate::limits::MAX_VERSION
    )]
    #[non_exhaustive]
    Version {
        /// Where in the document.
        path: String,
        /// The version as written.
        version: u64,
    },
    /// A tracker document holds two agreements with one id.
    #[error("at {path}: agreement {id} appears twice in the document")]
    #[non_exhaustive]
    DuplicateAgreement {
        /// Where in the document.
        path: String,
        /// The id, as written.
        id: String,
    },
    /// A tracker document names one occasion twice.
    #[error("at {path}: occasion {name:?} appears twice in the document")]
    #[non_exhaustive]
    DuplicateOccasion {
        /// Where in the document.
        path: String,
        /// The name.
        name: String,
    },
    /// One agreement of a tracker document is invalid, so nothing was
    /// loaded.
    #[error(
        "agreement {position} ({id}) of the document is invalid, so nothing was loaded: {source}"
    )]
    #[non_exhaustive]
    InvalidAgreement {
        /// Its position in the document, from 0.
        position: usize,
        /// Its id, as written.
        id: String,
        /// Why.
        source: Box<DocumentError>,
    },
}

impl DocumentError {
    /// The path of the offending field in the document, when the error is
    /// about one field.
    pub fn path(&self) -> Option<&str> {
        match self {
            DocumentError::UnsupportedFormat { .. } | DocumentError::Syntax { .. } => None,
            DocumentError::InvalidAgreement { source, .. } => source.path(),
            DocumentError::Value { path, .. }
            | DocumentError::MalformedEntry { path, .. }
            | DocumentError::NoEvents { path, .. }
            | DocumentError::FirstEntryNotRecord { path, .. }
            | DocumentError::EntryOrder { path, .. }
            | DocumentError::Agreement { path, .. }
            | DocumentError::Policy { path, .. }
            | DocumentError::OtherPolicy { path, .. }
            | DocumentError::Version { path, .. }
            | DocumentError::DuplicateAgreement { path, .. }
            | DocumentError::DuplicateOccasion { path, .. } => Some(path),
        }
    }

    /// The refusal, when the history a document describes breaks a
    /// lifecycle rule.
    pub fn refusal(&self) -> Option<&crate::lifecycle::Refusal> {
        match self {
            DocumentError::Agreement { source, .. } => source.refusal(),
            DocumentError::InvalidAgreement { source, .. } => source.refusal(),
            _ => None,
        }
    }

    /// The invalid value behind the error, if one is.
    pub fn value(&self) -> Option<&ValueError> {
        match self {
            // An invalid value is always reported as `Value`, with its
            // path, never inside `Agreement` or `Policy`.
            DocumentError::Value { source, .. } => Some(source),
            DocumentError::InvalidAgreement { source, .. } => source.value(),
            _ => None,
        }
    }
}

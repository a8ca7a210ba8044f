//! The serialised form: plain mirrors of the model types, without
//! validation.
//!
//! Every model type serialises through one of these documents, and
//! deserialises by reading its document and then converting it with
//! `TryFrom`, which validates everything. Use the documents directly when
//! you want the typed [`Error`](crate::Error) of a refused document rather
//! than the deserialiser's message:
//!
//! ```
//! use bilateral::{Agreement, AgreementDocument, Error};
//!
//! let json = r#"{
//!   "format": 1,
//!   "id": "0193592c-8a2e-7c4e-9a53-3f1d2b6c0001",
//!   "title": "Reciprocal Provision of Supplies and Services",
//!   "parties": [{"code": "IND", "name": "India"}, {"code": "ind", "name": "India"}],
//!   "subjects": ["logistics"],
//!   "entries": []
//! }"#;
//! let doc: AgreementDocument = serde_json::from_str(json)?;
//! let err = Agreement::try_from(doc).unwrap_err();
//! assert!(matches!(err, Error::SameParty { .. }));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The fields and their meaning are documented in `FORMAT.md` at the root of
//! the repository, with a complete example.

use serde::{Deserialize, Serialize};

/// The serialised form of a [`Party`](crate::Party).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyDocument {
    /// The party code, such as `"IND"`.
    pub code: String,
    /// The display name.
    pub name: String,
    /// `"state"` (the default) or `"organisation"`.
    #[serde(default = "state", skip_serializing_if = "is_state")]
    pub kind: String,
}

fn state() -> String {
    "state".to_owned()
}

fn is_state(kind: &str) -> bool {
    kind == "state"
}

/// The serialised form of a [`Representative`](crate::Representative).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepresentativeDocument {
    /// The person's name.
    pub name: String,
    /// The office held.
    pub office: String,
    /// The code of the party represented.
    pub party: String,
}

/// The serialised form of a [`Source`](crate::Source).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceDocument {
    /// Who published it.
    pub publisher: String,
    /// Its title.
    pub title: String,
    /// Where to find it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// When it was published, as an [`EventDate`](crate::EventDate) string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
}

/// The serialised form of an [`Event`](crate::Event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventDocument {
    /// The event id, a UUID.
    pub id: String,
    /// The date, such as `"2024-11-22"`, `"2024-11"` or `"2017?"`.
    pub date: String,
    /// The kind, such as `"deliberated"` or `"meeting"`.
    pub kind: String,
    /// The place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue: Option<String>,
    /// The occasion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occasion: Option<String>,
    /// A summary (omitted when empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
    /// The participants (omitted when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub participants: Vec<RepresentativeDocument>,
    /// The sources (omitted when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceDocument>,
}

/// The serialised form of a retraction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetractionDocument {
    /// The id of the retracted event.
    pub id: String,
    /// Why it was retracted.
    pub reason: String,
}

/// The serialised form of an [`Entry`](crate::Entry): when it was recorded,
/// and exactly one of `record`, `correct` or `retract`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryDocument {
    /// The instant it was recorded, in RFC 3339 (`"2024-11-23T09:30:00Z"`).
    pub recorded_at: String,
    /// A new event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<EventDocument>,
    /// A corrected version of the event with the same id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correct: Option<EventDocument>,
    /// A retraction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retract: Option<RetractionDocument>,
}

/// The serialised form of an [`Agreement`](crate::Agreement).
///
/// Converting it with `Agreement::try_from` replays its entries in order
/// under the standard policy, exactly as if they had been recorded through
/// the API at their `recorded_at` instants, so an invalid document cannot
/// produce an agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgreementDocument {
    /// The format version; see [`FORMAT_VERSION`](crate::FORMAT_VERSION).
    pub format: u32,
    /// The agreement id, a UUID.
    pub id: String,
    /// The title.
    pub title: String,
    /// The kind of instrument (`"agreement"` when omitted).
    #[serde(default = "agreement")]
    pub instrument: String,
    /// The two parties.
    pub parties: Vec<PartyDocument>,
    /// The subject areas.
    pub subjects: Vec<String>,
    /// Every entry, in recording order.
    pub entries: Vec<EntryDocument>,
}

fn agreement() -> String {
    "agreement".to_owned()
}

/// The serialised form of a [`Policy`](crate::Policy): guards by name.
///
/// `Policy` deserialises through this document with the built-in guards
/// only; [`PolicyDocument::into_policy`] resolves names in a registry of
/// your own.
///
/// ```
/// use bilateral::{Policy, PolicyDocument};
/// let json = r#"{
///   "name": "think-tank",
///   "entry": ["proposed"],
///   "transitions": [
///     {"from": "proposed", "to": "deliberated"},
///     {"from": "deliberated", "to": "finalised"},
///     {"from": "proposed", "to": "withdrawn"},
///     {"from": "deliberated", "to": "withdrawn"},
///     {"from": "finalised", "to": "terminated"},
///     {"from": "deliberated", "to": "moi-signed"},
///     {"from": "moi-signed", "to": "finalised"}
///   ],
///   "guards": [{"on": "*", "guard": "cites-source"}]
/// }"#;
/// let policy: Policy = serde_json::from_str(json)?;
/// assert_eq!(policy.name(), "think-tank");
/// assert_eq!(PolicyDocument::from(&policy).guards.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyDocument {
    /// The policy's name.
    pub name: String,
    /// The stages a record may open at.
    pub entry: Vec<String>,
    /// The allowed transitions.
    pub transitions: Vec<TransitionDocument>,
    /// The guards, by trigger and name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guards: Vec<GuardDocument>,
}

/// One allowed transition of a [`PolicyDocument`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitionDocument {
    /// The stage before.
    pub from: String,
    /// The stage after.
    pub to: String,
}

/// One guard of a [`PolicyDocument`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuardDocument {
    /// Where it applies: `*`, a stage, or `from->to`; see
    /// [`Trigger`](crate::Trigger).
    pub on: String,
    /// The guard's name.
    pub guard: String,
}

/// The serialised form of a [`Tracker`](crate::Tracker): its policy and
/// every agreement with its version.
///
/// Reading one validates every agreement under the document's policy; if
/// any is invalid, the error says which, and nothing is loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackerDocument {
    /// The format version; see [`FORMAT_VERSION`](crate::FORMAT_VERSION).
    pub format: u32,
    /// The tracker's policy.
    pub policy: PolicyDocument,
    /// Every agreement, in insertion order.
    pub agreements: Vec<TrackedDocument>,
}

/// One agreement of a [`TrackerDocument`], with its version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackedDocument {
    /// The agreement's version in the tracker, from 1.
    pub version: u64,
    /// The agreement.
    pub agreement: AgreementDocument,
}

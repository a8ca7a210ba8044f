//! The serialised forms, and the one loader that turns them into validated
//! values.
//!
//! Agreements, policies and trackers are written as versioned documents
//! (their fields are documented in `FORMAT.md` at the root of the
//! repository, with a complete example). Every reader goes through the
//! loader of this module: an agreement is rebuilt entry by entry by the same
//! change engine the API uses, so no document can produce a value the API
//! would refuse.
//!
//! The types implement serde's traits, so `serde_json::from_str::<Agreement>`
//! just works, with the loader's message on failure. For a typed error
//! naming the offending field's path, read the document type first and
//! convert it:
//!
//! ```
//! use bilateral::Policy;
//! use bilateral::document::{AgreementDocument, DocumentError};
//!
//! let json = r#"{
//!   "format": 1,
//!   "id": "0193592c-8a2e-7c4e-9a53-3f1d2b6c0001",
//!   "title": "Reciprocal Provision of Supplies and Services",
//!   "parties": [{"code": "IND", "name": "India"}, {"code": "JPN", "name": "Japan"}],
//!   "subjects": ["logistics"],
//!   "entries": [{
//!     "recorded_at": "2024-11-23T09:30:00Z",
//!     "record": {"id": "0193592c-8a2e-7c4e-9a53-3f1d2b6c0002", "date": "2024-13-22", "kind": "deliberated"}
//!   }]
//! }"#;
//! let doc: AgreementDocument = serde_json::from_str(json)?;
//! let err = doc.into_agreement(&Policy::standard()).unwrap_err();
//! assert_eq!(err.path(), Some("entries[0].record.date"));
//! assert!(matches!(err, DocumentError::Value { .. }));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod forms;
mod read;
mod stream;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model::serde_str::IntoStatic;

use crate::agreement::{Agreement, Entry};
use crate::lifecycle::{Guards, Policy};
use crate::model::{AgreementId, Event, Occasion, Parties, Party, Representative, Source};

pub use error::DocumentError;

pub use read::{PartyCache, Tracked};
pub(crate) use stream::{Sink, tracker as stream_tracker};

use forms::{
    RawAgreement, RawEntry, RawEvent, RawOccasion, RawParty, RawPolicy, RawRemoved,
    RawRepresentative, RawSource, RawTracked, RawTracker,
};

/// Serialises and deserialises as the plain form it wraps, and has its
/// JSON Schema (feature `schemars`).
macro_rules! transparent {
    ($ty:ident, $raw:ty, $raw_borrowed:ty, $title:literal) => {
        #[cfg(feature = "schemars")]
        #[cfg_attr(docsrs, doc(cfg(feature = "schemars")))]
        impl schemars::JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($ty).into()
            }

            fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let mut schema = <$raw as schemars::JsonSchema>::json_schema(generator);
                schema.insert("title".to_owned(), $title.into());
                schema.insert(
                    "description".to_owned(),
                    format!(
                        "A {} as the bilateral crate writes it (format {}; earlier \
                         formats are read too). FORMAT.md documents every field and \
                         the rules a reader checks beyond this schema.",
                        $title, FORMAT_VERSION
                    )
                    .into(),
                );
                schema
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.0.serialize(serializer)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                // Read borrowing where it can, then owned: a document
                // outlives the text it was read from.
                Deserialize::deserialize(deserializer)
                    .map(|raw: $raw_borrowed| $ty(IntoStatic::into_static(raw)))
            }
        }
    };
}

/// The version of the document format written by this crate, and the newest
/// one it reads.
///
/// Format 2 writes the date qualifiers of ISO 8601-2 (`?` uncertain, `~`
/// approximate, `%` both); format 1 wrote `?` for approximate, and its
/// documents are still read, with `?` taken as `~`. Format 3 adds an
/// event's links to other agreements (`links`); a document of an earlier
/// format has none, and reads as it always did. Format 4 adds disputes:
/// an entry `dispute` holding a rival claim about an event (an event with
/// its id), and an entry `resolve` keeping one claim (`id`, `chosen`: the
/// position of the entry holding it, `reason`).
pub const FORMAT_VERSION: u32 = 4;

/// An agreement as written: read one to get typed errors from the loader
/// ([`AgreementDocument::into_agreement`]), or make one from an agreement to
/// write it.
///
/// ```
/// use bilateral::{Agreement, Event, EventKind, Parties, Party, Policy, SubjectArea};
/// use bilateral::document::AgreementDocument;
/// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
/// let pact = Agreement::builder("Logistics", parties)
///     .subject(SubjectArea::Logistics)
///     .build(Event::new(EventKind::Proposed, "2024-01".parse()?))?;
/// let doc = AgreementDocument::from(&pact);
/// let json = serde_json::to_string(&doc)?;
/// let back = serde_json::from_str::<AgreementDocument>(&json)?.into_agreement(&Policy::standard())?;
/// assert_eq!(back, pact);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementDocument(RawAgreement<'static>);

transparent!(
    AgreementDocument,
    RawAgreement<'static>,
    RawAgreement<'_>,
    "agreement document"
);

impl From<&Agreement> for AgreementDocument {
    fn from(agreement: &Agreement) -> Self {
        AgreementDocument(RawAgreement::from(agreement).into_static())
    }
}

impl AgreementDocument {
    /// The agreement, validated under `policy`: every field, then every
    /// entry in order, as if recorded through the API at its `recorded_at`
    /// instant.
    ///
    /// The policy's transition table and entry stages apply; its guards do
    /// not. Guards judge changes as they are made, and a document records
    /// changes already judged: a guard added to a policy later must not make
    /// yesterday's records unreadable. The agreement keeps `policy` for its
    /// plain methods ([`Agreement::with_policy`]), guards included.
    ///
    /// # Errors
    ///
    /// The first rule the document breaks, as a [`DocumentError`] naming the
    /// field's path; every rule is listed in `FORMAT.md`.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, Policy, Stage, SubjectArea};
    /// use bilateral::document::AgreementDocument;
    /// let skip_moi = Policy::standard().to_builder().name("skip-moi").allow(Stage::Deliberated, Stage::Finalised).build()?;
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let mut pact = Agreement::builder("Logistics", parties)
    ///     .subject(SubjectArea::Logistics)
    ///     .policy(skip_moi.clone())
    ///     .build(Event::new(EventKind::Deliberated, "2024-01".parse()?))?;
    /// pact.record(Event::new(EventKind::Finalised, "2024-03".parse()?))?;
    ///
    /// let doc = AgreementDocument::from(&pact);
    /// let loaded = doc.clone().into_agreement(&skip_moi)?;
    /// assert_eq!(loaded.context().policy().name(), "skip-moi");
    /// assert!(doc.into_agreement(&Policy::standard()).is_err()); // the standard policy wants an MoI
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_agreement(self, policy: &Policy) -> Result<Agreement, DocumentError> {
        read::agreement(self.0, policy, &"", &mut PartyCache::unkept())
            .map(|agreement| agreement.with_policy(policy.clone()))
    }
}

impl TryFrom<AgreementDocument> for Agreement {
    type Error = DocumentError;

    /// The agreement, validated under the standard policy.
    fn try_from(doc: AgreementDocument) -> Result<Self, DocumentError> {
        doc.into_agreement(&Policy::standard())
    }
}

/// A policy as written: its name, entry stages, transitions and guards by
/// name. Read one to resolve guard names in your own registry
/// ([`PolicyDocument::into_policy`]).
///
/// ```
/// use bilateral::{Policy, Veto};
/// use bilateral::lifecycle::{guard_fn, Guards};
/// use bilateral::document::PolicyDocument;
/// let json = r#"{"name": "ministry",
///   "entry": ["proposed", "deliberated", "moi-signed", "finalised", "withdrawn", "terminated"],
///   "transitions": [{"from": "proposed", "to": "withdrawn"}],
///   "guards": [{"on": "withdrawn", "guard": "needs-reason"}]}"#;
/// let doc: PolicyDocument = serde_json::from_str(json)?;
/// let mut guards = Guards::builtin();
/// guards.register(guard_fn("needs-reason", |p| {
///     if p.event().summary().is_empty() { Err(Veto::new("say why")) } else { Ok(()) }
/// }))?;
/// let policy = doc.clone().into_policy(&guards)?;
/// assert_eq!(policy.guards().count(), 1);
/// assert!(Policy::try_from(doc).is_err()); // not a built-in guard
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDocument(RawPolicy<'static>);

transparent!(
    PolicyDocument,
    RawPolicy<'static>,
    RawPolicy<'_>,
    "policy document"
);

impl From<&Policy> for PolicyDocument {
    fn from(policy: &Policy) -> Self {
        PolicyDocument(RawPolicy::from(policy).into_static())
    }
}

impl PolicyDocument {
    /// The policy, with guard names resolved in `guards`, checked for
    /// consistency as [`PolicyBuilder::build`](crate::lifecycle::PolicyBuilder::build)
    /// does.
    ///
    /// # Errors
    ///
    /// A [`DocumentError`] naming the field: an unknown stage, a malformed
    /// trigger, a guard name not in `guards`, more transitions than pairs
    /// of stages or more than [`MAX_GUARDS`](crate::limits::MAX_GUARDS)
    /// guards, and every error of building the policy.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Policy};
    /// use bilateral::lifecycle::{Guards};
    /// use bilateral::document::PolicyDocument;
    /// let doc = PolicyDocument::from(&Policy::strict());
    /// assert_eq!(doc.into_policy(&Guards::builtin())?, Policy::strict());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_policy(self, guards: &Guards) -> Result<Policy, DocumentError> {
        read::policy(self.0, guards, "")
    }
}

impl TryFrom<PolicyDocument> for Policy {
    type Error = DocumentError;

    /// The policy with guard names resolved among the built-in guards.
    fn try_from(doc: PolicyDocument) -> Result<Self, DocumentError> {
        doc.into_policy(&Guards::builtin())
    }
}

/// A tracker as written: its policy and every agreement with its version.
/// [`Tracker::export`](crate::Tracker::export) makes one;
/// [`Tracker::import`](crate::Tracker::import) reads one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackerDocument(RawTracker<'static>);

transparent!(
    TrackerDocument,
    RawTracker<'static>,
    RawTracker<'_>,
    "tracker document"
);

impl TrackerDocument {
    /// The document of `policy`, `occasions`, these agreements with their
    /// versions, and the last versions of removed agreements.
    pub(crate) fn new<'a>(
        policy: &Policy,
        occasions: impl Iterator<Item = &'a Occasion>,
        agreements: impl Iterator<Item = (&'a Agreement, u64)>,
        removed: impl Iterator<Item = (AgreementId, u64)>,
    ) -> Self {
        let occasions: Vec<RawOccasion<'static>> = occasions
            .map(|occasion| RawOccasion::from(occasion).into_static())
            .collect();
        let mut removed: Vec<RawRemoved> = removed
            .map(|(id, version)| RawRemoved {
                id: id.to_string().into(),
                version,
            })
            .collect();
        removed.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        TrackerDocument(RawTracker {
            format: FORMAT_VERSION,
            policy: RawPolicy::from(policy).into_static(),
            occasions: (!occasions.is_empty()).then_some(occasions),
            agreements: agreements
                .map(|(agreement, version)| RawTracked {
                    version,
                    agreement: RawAgreement::from(&InTracker(agreement)).into_static(),
                })
                .collect(),
            removed: (!removed.is_empty()).then_some(removed),
        })
    }

    /// Reads the document: its policy, with guard names resolved in
    /// `guards`, then every agreement under it, in order. Each agreement is
    /// loaded only when asked for, so the caller can stop at the first
    /// refusal.
    pub(crate) fn read(
        self,
        guards: &Guards,
    ) -> Result<Read<impl Iterator<Item = Result<Tracked, DocumentError>>>, DocumentError> {
        let RawTracker {
            format,
            policy,
            occasions,
            agreements,
            removed,
        } = self.0;
        read::readable_format(format)?;
        crate::model::limits::at_most(
            crate::model::Collection::Agreements,
            agreements.len(),
            crate::model::limits::MAX_AGREEMENTS,
        )
        .map_err(|source| DocumentError::Value {
            path: "agreements".to_owned(),
            source,
        })?;
        let policy = read::policy(policy, guards, "policy.")?;
        let removed = read::removed(removed.unwrap_or_default())?;
        let occasions = read::occasions(occasions.unwrap_or_default(), format)?;
        let rules = policy.clone();
        let mut parties = PartyCache::new();
        let agreements = agreements
            .into_iter()
            .enumerate()
            .map(move |(position, raw)| read::tracked(raw, &rules, position, &mut parties));
        Ok(Read {
            policy,
            occasions,
            removed,
            agreements,
        })
    }
}

/// A tracker document, read: its policy, the last versions of removed
/// agreements, and its agreements, each loaded when asked for.
pub(crate) struct Read<A> {
    pub(crate) policy: Policy,
    pub(crate) occasions: Vec<Occasion>,
    pub(crate) removed: Vec<(AgreementId, u64)>,
    pub(crate) agreements: A,
}

/// Serialises through a plain form.
macro_rules! serialize_as {
    ($ty:ty, $raw:ty) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                <$raw>::from(self).serialize(serializer)
            }
        }
    };
}

/// An agreement as a tracker document writes it: without the policy, which
/// the tracker names once for all of them.
pub(crate) struct InTracker<'a>(pub(crate) &'a Agreement);

impl<'a> From<&InTracker<'a>> for RawAgreement<'a> {
    fn from(tracked: &InTracker<'a>) -> Self {
        RawAgreement {
            policy: None,
            ..tracked.0.into()
        }
    }
}

serialize_as!(InTracker<'_>, RawAgreement);
serialize_as!(Party, RawParty);
serialize_as!(Representative, RawRepresentative);
serialize_as!(Source, RawSource);
serialize_as!(Occasion, RawOccasion);
serialize_as!(Event, RawEvent);
serialize_as!(Entry, RawEntry);
serialize_as!(Agreement, RawAgreement);
serialize_as!(Policy, RawPolicy);

impl Serialize for Parties {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Party {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        read::party(RawParty::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Parties {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Parties::try_from(Vec::<Party>::deserialize(deserializer)?)
            .map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Representative {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        read::representative(RawRepresentative::deserialize(deserializer)?)
            .map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Source {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        read::source(RawSource::deserialize(deserializer)?, FORMAT_VERSION)
            .map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Occasion {
    /// Reads `{"name", "venue", "from", "to"}`, as a tracker document
    /// writes each of its occasions.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        read::occasion(
            RawOccasion::deserialize(deserializer)?,
            FORMAT_VERSION,
            &|| "occasion".to_owned(),
        )
        .map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        read::event(
            RawEvent::deserialize(deserializer)?,
            FORMAT_VERSION,
            &|| "event".to_owned(),
        )
        .map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Entry {
    /// Reads one entry on its own: its event, or the reason of a
    /// retraction, is validated; only a whole agreement can be checked
    /// against its history.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        read::entry(
            RawEntry::deserialize(deserializer)?,
            FORMAT_VERSION,
            &|| "entry".to_owned(),
        )
        .map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Agreement {
    /// Reads an [`AgreementDocument`] and validates it completely under the
    /// built-in policy it names (standard or strict; standard when it names
    /// none); a document that breaks any rule, or names a custom policy, is
    /// refused with the loader's message. Read one written under a custom
    /// policy with [`AgreementDocument::into_agreement`].
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Read borrowing from the text: the loader copies only what the
        // agreement keeps.
        let raw = RawAgreement::deserialize(deserializer)?;
        let strict = Policy::strict();
        let policy = match &raw.policy {
            Some(stamp) if *stamp.fingerprint == *strict.stamp().fingerprint() => strict,
            _ => Policy::standard(),
        };
        read::agreement(raw, &policy, &"", &mut PartyCache::unkept())
            .map(|agreement| agreement.with_policy(policy))
            .map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Policy {
    /// Reads a [`PolicyDocument`] and resolves guard names among the
    /// built-in guards.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        PolicyDocument::deserialize(deserializer)?
            .into_policy(&Guards::builtin())
            .map_err(serde::de::Error::custom)
    }
}

//! The plain serialised forms: strings and lists, exactly as written, read
//! without any validation. The loader validates them field by field, so a
//! refusal names the field's path.
//!
//! One rule for every optional field: it may be left out or be `null`, and
//! both mean absent (its default). Writing leaves absent fields out.

use serde::{Deserialize, Serialize};

use crate::agreement::{Agreement, Change, Entry};
use crate::lifecycle::Policy;
use crate::model::{Event, Party, PartyKind, Representative, Source};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawParty {
    pub(crate) code: String,
    pub(crate) name: String,
    /// `state` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) kind: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRepresentative {
    pub(crate) name: String,
    pub(crate) office: String,
    pub(crate) party: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSource {
    pub(crate) publisher: String,
    pub(crate) title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) published: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEvent {
    pub(crate) id: String,
    pub(crate) date: String,
    pub(crate) kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) venue: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) occasion: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) participants: Option<Vec<RawRepresentative>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) sources: Option<Vec<RawSource>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRetraction {
    pub(crate) id: String,
    pub(crate) reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEntry {
    pub(crate) recorded_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) record: Option<RawEvent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) correct: Option<RawEvent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) retract: Option<RawRetraction>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAgreement {
    pub(crate) format: u32,
    pub(crate) id: String,
    pub(crate) title: String,
    /// `agreement` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) instrument: Option<String>,
    pub(crate) parties: Vec<RawParty>,
    pub(crate) subjects: Vec<String>,
    pub(crate) entries: Vec<RawEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPolicy {
    pub(crate) name: String,
    pub(crate) entry: Vec<String>,
    pub(crate) transitions: Vec<RawTransition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) guards: Option<Vec<RawGuard>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTransition {
    pub(crate) from: String,
    pub(crate) to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGuard {
    pub(crate) on: String,
    pub(crate) guard: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTracker {
    pub(crate) format: u32,
    pub(crate) policy: RawPolicy,
    pub(crate) agreements: Vec<RawTracked>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) removed: Option<Vec<RawRemoved>>,
}

/// The last version of a removed agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRemoved {
    pub(crate) id: String,
    pub(crate) version: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTracked {
    pub(crate) version: u64,
    pub(crate) agreement: RawAgreement,
}

impl From<&Party> for RawParty {
    fn from(party: &Party) -> Self {
        RawParty {
            code: party.code().to_string(),
            name: party.name().to_owned(),
            kind: (party.kind() != PartyKind::State).then(|| party.kind().to_string()),
        }
    }
}

impl From<&Representative> for RawRepresentative {
    fn from(person: &Representative) -> Self {
        RawRepresentative {
            name: person.name().to_owned(),
            office: person.office().to_owned(),
            party: person.party().to_string(),
        }
    }
}

impl From<&Source> for RawSource {
    fn from(source: &Source) -> Self {
        RawSource {
            publisher: source.publisher().to_owned(),
            title: source.title().to_owned(),
            address: source.address().map(str::to_owned),
            published: source.published_on().map(|date| date.to_string()),
        }
    }
}

impl From<&Event> for RawEvent {
    fn from(event: &Event) -> Self {
        RawEvent {
            id: event.id().to_string(),
            date: event.date().to_string(),
            kind: event.kind().to_string(),
            venue: event.venue().map(str::to_owned),
            occasion: event.occasion().map(str::to_owned),
            summary: (!event.summary().is_empty()).then(|| event.summary().to_owned()),
            participants: (!event.participants().is_empty())
                .then(|| event.participants().iter().map(Into::into).collect()),
            sources: (!event.sources().is_empty())
                .then(|| event.sources().iter().map(Into::into).collect()),
        }
    }
}

impl From<&Entry> for RawEntry {
    fn from(entry: &Entry) -> Self {
        let mut raw = RawEntry {
            recorded_at: crate::model::instant::format(entry.recorded_at()),
            record: None,
            correct: None,
            retract: None,
        };
        match entry.change() {
            Change::Record(event) => raw.record = Some(event.into()),
            Change::Correct(event) => raw.correct = Some(event.into()),
            Change::Retract { id, reason } => {
                raw.retract = Some(RawRetraction {
                    id: id.to_string(),
                    reason: reason.to_string(),
                });
            }
        }
        raw
    }
}

impl From<&Agreement> for RawAgreement {
    fn from(agreement: &Agreement) -> Self {
        RawAgreement {
            format: super::FORMAT_VERSION,
            id: agreement.id().to_string(),
            title: agreement.title().to_owned(),
            instrument: Some(agreement.instrument().to_string()),
            parties: agreement.parties().iter().map(Into::into).collect(),
            subjects: agreement
                .subjects()
                .iter()
                .map(ToString::to_string)
                .collect(),
            entries: agreement.entries().iter().map(Into::into).collect(),
        }
    }
}

impl From<&Policy> for RawPolicy {
    fn from(policy: &Policy) -> Self {
        RawPolicy {
            name: policy.name().to_owned(),
            entry: policy
                .entry_stages()
                .iter()
                .map(|stage| stage.to_string())
                .collect(),
            transitions: policy
                .transitions()
                .map(|(from, to)| RawTransition {
                    from: from.to_string(),
                    to: to.to_string(),
                })
                .collect(),
            guards: (policy.guards().next().is_some()).then(|| {
                policy
                    .guards()
                    .map(|(on, guard)| RawGuard {
                        on: on.to_string(),
                        guard: guard.name().to_owned(),
                    })
                    .collect()
            }),
        }
    }
}

//! The plain serialised forms: strings and lists, exactly as written, read
//! without any validation. The loader validates them field by field, so a
//! refusal names the field's path.
//!
//! One rule for every optional field: it may be left out or be `null`, and
//! both mean absent (its default). Writing leaves absent fields out.

use crate::model::serde_str::plain_struct;

use crate::agreement::{Agreement, Change, Entry};
use crate::lifecycle::Policy;
use crate::model::{Event, Party, PartyKind, Representative, Source};

plain_struct! {
    pub(crate) struct RawParty {
        req code: String,
        req name: String,
        /// `state` when absent.
        opt kind: String,
    }
}

plain_struct! {
    pub(crate) struct RawRepresentative {
        req name: String,
        req office: String,
        req party: String,
    }
}

plain_struct! {
    pub(crate) struct RawSource {
        req publisher: String,
        req title: String,
        opt address: String,
        opt published: String,
    }
}

plain_struct! {
    pub(crate) struct RawEvent {
        req id: String,
        req date: String,
        req kind: String,
        opt venue: String,
        opt occasion: String,
        opt summary: String,
        opt participants: Vec<RawRepresentative>,
        opt sources: Vec<RawSource>,
    }
}

plain_struct! {
    pub(crate) struct RawRetraction {
        req id: String,
        req reason: String,
    }
}

plain_struct! {
    pub(crate) struct RawEntry {
        req recorded_at: String,
        opt record: RawEvent,
        opt correct: RawEvent,
        opt retract: RawRetraction,
    }
}

plain_struct! {
    pub(crate) struct RawAgreement {
        req format: u32,
        /// Absent inside a tracker document (its agreements are kept under
        /// the tracker's policy) and in format 1.
        opt policy: RawStamp,
        req id: String,
        req title: String,
        /// `agreement` when absent.
        opt instrument: String,
        req parties: Vec<RawParty>,
        req subjects: Vec<String>,
        req entries: Vec<RawEntry>,
    }
}

plain_struct! {
    /// The policy an agreement was kept under.
    pub(crate) struct RawStamp {
        req name: String,
        req fingerprint: String,
    }
}

plain_struct! {
    pub(crate) struct RawPolicy {
        /// Format 1 when absent: policies were first written without one.
        opt format: u32,
        req name: String,
        req entry: Vec<String>,
        req transitions: Vec<RawTransition>,
        opt guards: Vec<RawGuard>,
    }
}

plain_struct! {
    pub(crate) struct RawTransition {
        req from: String,
        req to: String,
    }
}

plain_struct! {
    pub(crate) struct RawGuard {
        req on: String,
        req guard: String,
    }
}

plain_struct! {
    pub(crate) struct RawTracker {
        req format: u32,
        req policy: RawPolicy,
        req agreements: Vec<RawTracked>,
        opt removed: Vec<RawRemoved>,
    }
}

plain_struct! {
    /// The last version of a removed agreement.
    pub(crate) struct RawRemoved {
        req id: String,
        req version: u64,
    }
}

plain_struct! {
    pub(crate) struct RawTracked {
        req version: u64,
        req agreement: RawAgreement,
    }
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
            policy: Some(RawStamp {
                name: agreement.policy().name().to_owned(),
                fingerprint: agreement.policy().fingerprint(),
            }),
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
            format: Some(super::FORMAT_VERSION),
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

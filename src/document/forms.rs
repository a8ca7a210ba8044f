//! The plain serialised forms: strings and lists, exactly as written, read
//! without any validation. The loader validates them field by field, so a
//! refusal names the field's path.
//!
//! One rule for every optional field: it may be left out or be `null`, and
//! both mean absent (its default). Writing leaves absent fields out.

use crate::model::serde_str::plain_struct;

use crate::agreement::{Agreement, Change, Entry};
use crate::lifecycle::Policy;
#[cfg(feature = "schemars")]
use crate::model::limits;
use crate::model::{Event, Party, PartyKind, Representative, Source};

plain_struct! {
    pub(crate) struct RawParty {
        req code: String as crate::model::schema::party_code(),
        req name: String as crate::model::schema::name(),
        /// `state` when absent.
        opt kind: String as crate::model::schema::party_kind(),
    }
}

plain_struct! {
    pub(crate) struct RawRepresentative {
        req name: String as crate::model::schema::name(),
        req office: String as crate::model::schema::name(),
        req party: String as crate::model::schema::party_code(),
    }
}

plain_struct! {
    pub(crate) struct RawSource {
        req publisher: String as crate::model::schema::name(),
        req title: String as crate::model::schema::title(),
        opt address: String as crate::model::schema::address(),
        opt published: String as crate::model::schema::date(),
    }
}

plain_struct! {
    pub(crate) struct RawEvent {
        req id: String as crate::model::schema::uuid(),
        req date: String as crate::model::schema::date(),
        req kind: String as crate::model::schema::event_kind(),
        opt venue: String as crate::model::schema::name(),
        opt occasion: String as crate::model::schema::name(),
        opt summary: String as crate::model::schema::summary(),
        opt participants: Vec<RawRepresentative>
            as crate::model::schema::list_of::<RawRepresentative>(limits::MAX_PARTICIPANTS),
        opt sources: Vec<RawSource>
            as crate::model::schema::list_of::<RawSource>(limits::MAX_SOURCES),
    }
}

plain_struct! {
    pub(crate) struct RawRetraction {
        req id: String as crate::model::schema::uuid(),
        req reason: String as crate::model::schema::reason(),
    }
}

plain_struct! {
    pub(crate) struct RawEntry {
        req recorded_at: String as crate::model::schema::instant(),
        opt record: RawEvent,
        opt correct: RawEvent,
        opt retract: RawRetraction,
    }
}

plain_struct! {
    pub(crate) struct RawAgreement {
        req format: u32 as crate::model::schema::format(super::FORMAT_VERSION),
        /// Absent inside a tracker document (its agreements are kept under
        /// the tracker's policy) and in format 1.
        opt policy: RawStamp,
        req id: String as crate::model::schema::uuid(),
        req title: String as crate::model::schema::title(),
        /// `agreement` when absent.
        opt instrument: String as crate::model::schema::instrument(),
        req parties: Vec<RawParty> as crate::model::schema::pair_of::<RawParty>(),
        req subjects: Vec<String> as crate::model::schema::list(crate::model::schema::subject(), limits::MAX_SUBJECTS),
        req entries: Vec<RawEntry>
            as crate::model::schema::non_empty_list_of::<RawEntry>(limits::MAX_ENTRIES),
    }
}

plain_struct! {
    /// The policy an agreement was kept under.
    pub(crate) struct RawStamp {
        req name: String as crate::model::schema::name(),
        req fingerprint: String as crate::model::schema::fingerprint(),
    }
}

plain_struct! {
    pub(crate) struct RawPolicy {
        /// Format 1 when absent: policies were first written without one.
        opt format: u32 as crate::model::schema::format(super::FORMAT_VERSION),
        req name: String as crate::model::schema::name(),
        req entry: Vec<String> as crate::model::schema::non_empty_set(crate::model::schema::stage()),
        req transitions: Vec<RawTransition>
            as crate::model::schema::list_of::<RawTransition>(limits::MAX_TRANSITIONS),
        opt guards: Vec<RawGuard>
            as crate::model::schema::list_of::<RawGuard>(limits::MAX_GUARDS),
    }
}

plain_struct! {
    pub(crate) struct RawTransition {
        req from: String as crate::model::schema::stage(),
        req to: String as crate::model::schema::stage(),
    }
}

plain_struct! {
    pub(crate) struct RawGuard {
        req on: String as crate::model::schema::trigger(),
        req guard: String as crate::model::schema::guard_name(),
    }
}

plain_struct! {
    pub(crate) struct RawTracker {
        req format: u32 as crate::model::schema::format(super::FORMAT_VERSION),
        req policy: RawPolicy,
        req agreements: Vec<RawTracked>
            as crate::model::schema::list_of::<RawTracked>(limits::MAX_AGREEMENTS),
        opt removed: Vec<RawRemoved>,
    }
}

plain_struct! {
    /// The last version of a removed agreement.
    pub(crate) struct RawRemoved {
        req id: String as crate::model::schema::uuid(),
        req version: u64 as crate::model::schema::version(),
    }
}

plain_struct! {
    pub(crate) struct RawTracked {
        req version: u64 as crate::model::schema::version(),
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

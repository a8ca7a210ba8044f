//! The plain serialised forms: strings and lists, exactly as written, read
//! without any validation. The loader validates them field by field, so a
//! refusal names the field's path.
//!
//! One rule for every optional field: it may be left out or be `null`, and
//! both mean absent (its default). Writing leaves absent fields out.

use crate::model::serde_str::{Text, plain_struct};

use crate::agreement::{Agreement, Change, Entry};
use crate::lifecycle::Policy;
#[cfg(feature = "schemars")]
use crate::model::limits;
use crate::model::{Event, Occasion, Party, PartyKind, Representative, Source};

plain_struct! {
    pub(crate) struct RawParty<'a> {
        req code: Text<'a> as crate::model::schema::party_code(),
        req name: Text<'a> as crate::model::schema::name(),
        /// `state` when absent.
        opt kind: Text<'a> as crate::model::schema::party_kind(),
    }
}

plain_struct! {
    pub(crate) struct RawRepresentative<'a> {
        req name: Text<'a> as crate::model::schema::name(),
        req office: Text<'a> as crate::model::schema::name(),
        req party: Text<'a> as crate::model::schema::party_code(),
    }
}

plain_struct! {
    pub(crate) struct RawSource<'a> {
        req publisher: Text<'a> as crate::model::schema::name(),
        req title: Text<'a> as crate::model::schema::title(),
        opt address: Text<'a> as crate::model::schema::address(),
        opt published: Text<'a> as crate::model::schema::date(),
    }
}

plain_struct! {
    pub(crate) struct RawEvent<'a> {
        req id: Text<'a> as crate::model::schema::uuid(),
        req date: Text<'a> as crate::model::schema::date(),
        req kind: Text<'a> as crate::model::schema::event_kind(),
        opt venue: Text<'a> as crate::model::schema::name(),
        opt occasion: Text<'a> as crate::model::schema::name(),
        opt summary: Text<'a> as crate::model::schema::summary(),
        opt participants: Vec<RawRepresentative<'a>>
            as crate::model::schema::list_of::<RawRepresentative<'a>>(limits::MAX_PARTICIPANTS),
        opt sources: Vec<RawSource<'a>>
            as crate::model::schema::list_of::<RawSource<'a>>(limits::MAX_SOURCES),
        /// Since format 3.
        opt links: Vec<RawLink<'a>>
            as crate::model::schema::list_of::<RawLink<'a>>(limits::MAX_LINKS),
    }
}

plain_struct! {
    /// A link from the event's agreement to another.
    pub(crate) struct RawLink<'a> {
        req kind: Text<'a> as crate::model::schema::link_kind(),
        req target: Text<'a> as crate::model::schema::uuid(),
    }
}

plain_struct! {
    pub(crate) struct RawRetraction<'a> {
        req id: Text<'a> as crate::model::schema::uuid(),
        req reason: Text<'a> as crate::model::schema::reason(),
    }
}

plain_struct! {
    pub(crate) struct RawResolution<'a> {
        req id: Text<'a> as crate::model::schema::uuid(),
        req chosen: u32 as crate::model::schema::entry_position(),
        req reason: Text<'a> as crate::model::schema::reason(),
    }
}

plain_struct! {
    pub(crate) struct RawEntry<'a> {
        req recorded_at: Text<'a> as crate::model::schema::instant(),
        opt record: Box<RawEvent<'a>>,
        opt correct: Box<RawEvent<'a>>,
        opt retract: RawRetraction<'a>,
        opt dispute: Box<RawEvent<'a>>,
        opt resolve: RawResolution<'a>,
    }
}

plain_struct! {
    pub(crate) struct RawAgreement<'a> {
        req format: u32 as crate::model::schema::format(super::FORMAT_VERSION),
        /// Absent inside a tracker document (its agreements are kept under
        /// the tracker's policy) and in format 1.
        opt policy: RawStamp<'a>,
        req id: Text<'a> as crate::model::schema::uuid(),
        req title: Text<'a> as crate::model::schema::title(),
        /// `agreement` when absent.
        opt instrument: Text<'a> as crate::model::schema::instrument(),
        req parties: Vec<RawParty<'a>> as crate::model::schema::pair_of::<RawParty<'a>>(),
        req subjects: Vec<Text<'a>> as crate::model::schema::list(crate::model::schema::subject(), limits::MAX_SUBJECTS),
        req entries: Vec<RawEntry<'a>>
            as crate::model::schema::non_empty_list_of::<RawEntry<'a>>(limits::MAX_ENTRIES),
    }
}

plain_struct! {
    /// The policy an agreement was kept under.
    pub(crate) struct RawStamp<'a> {
        req name: Text<'a> as crate::model::schema::name(),
        req fingerprint: Text<'a> as crate::model::schema::fingerprint(),
    }
}

plain_struct! {
    pub(crate) struct RawPolicy<'a> {
        /// Format 1 when absent: policies were first written without one.
        opt format: u32 as crate::model::schema::format(super::FORMAT_VERSION),
        req name: Text<'a> as crate::model::schema::name(),
        req entry: Vec<Text<'a>> as crate::model::schema::non_empty_set(crate::model::schema::stage()),
        req transitions: Vec<RawTransition<'a>>
            as crate::model::schema::list_of::<RawTransition<'a>>(limits::MAX_TRANSITIONS),
        opt guards: Vec<RawGuard<'a>>
            as crate::model::schema::list_of::<RawGuard<'a>>(limits::MAX_GUARDS),
        /// Since format 3: whether an instrument may implement one between
        /// other parties; false when absent.
        opt implementing_across_parties: bool,
    }
}

plain_struct! {
    pub(crate) struct RawTransition<'a> {
        req from: Text<'a> as crate::model::schema::stage(),
        req to: Text<'a> as crate::model::schema::stage(),
    }
}

plain_struct! {
    pub(crate) struct RawGuard<'a> {
        req on: Text<'a> as crate::model::schema::trigger(),
        req guard: Text<'a> as crate::model::schema::guard_name(),
    }
}

plain_struct! {
    /// An occasion events of several agreements refer to by name.
    pub(crate) struct RawOccasion<'a> {
        req name: Text<'a> as crate::model::schema::name(),
        opt venue: Text<'a> as crate::model::schema::name(),
        req from: Text<'a> as crate::model::schema::date(),
        req to: Text<'a> as crate::model::schema::date(),
    }
}

plain_struct! {
    pub(crate) struct RawTracker<'a> {
        req format: u32 as crate::model::schema::format(super::FORMAT_VERSION),
        req policy: RawPolicy<'a>,
        /// Since format 3.
        opt occasions: Vec<RawOccasion<'a>>
            as crate::model::schema::list_of::<RawOccasion<'a>>(limits::MAX_OCCASIONS),
        req agreements: Vec<RawTracked<'a>>
            as crate::model::schema::list_of::<RawTracked<'a>>(limits::MAX_AGREEMENTS),
        opt removed: Vec<RawRemoved<'a>>,
    }
}

plain_struct! {
    /// The last version of a removed agreement.
    pub(crate) struct RawRemoved<'a> {
        req id: Text<'a> as crate::model::schema::uuid(),
        req version: u64 as crate::model::schema::version(),
    }
}

plain_struct! {
    pub(crate) struct RawTracked<'a> {
        req version: u64 as crate::model::schema::version(),
        req agreement: RawAgreement<'a>,
    }
}

impl<'a> From<&'a Occasion> for RawOccasion<'a> {
    fn from(occasion: &'a Occasion) -> Self {
        RawOccasion {
            name: Text::borrowed(occasion.name()),
            venue: occasion.venue().map(Text::borrowed),
            from: occasion.from().to_string().into(),
            to: occasion.to().to_string().into(),
        }
    }
}

impl<'a> From<&'a Party> for RawParty<'a> {
    fn from(party: &'a Party) -> Self {
        RawParty {
            code: party.code().to_string().into(),
            name: Text::borrowed(party.name()),
            kind: (party.kind() != PartyKind::State).then(|| party.kind().to_string().into()),
        }
    }
}

impl<'a> From<&'a Representative> for RawRepresentative<'a> {
    fn from(person: &'a Representative) -> Self {
        RawRepresentative {
            name: Text::borrowed(person.name()),
            office: Text::borrowed(person.office()),
            party: person.party().to_string().into(),
        }
    }
}

impl<'a> From<&'a Source> for RawSource<'a> {
    fn from(source: &'a Source) -> Self {
        RawSource {
            publisher: Text::borrowed(source.publisher()),
            title: Text::borrowed(source.title()),
            address: source.address().map(Text::borrowed),
            published: source.published_on().map(|date| date.to_string().into()),
        }
    }
}

impl<'a> From<&'a Event> for RawEvent<'a> {
    fn from(event: &'a Event) -> Self {
        RawEvent {
            id: event.id().to_string().into(),
            date: event.date().to_string().into(),
            kind: event.kind().to_string().into(),
            venue: event.venue().map(Text::borrowed),
            occasion: event.occasion().map(Text::borrowed),
            summary: (!event.summary().is_empty()).then(|| Text::borrowed(event.summary())),
            participants: (!event.participants().is_empty())
                .then(|| event.participants().iter().map(Into::into).collect()),
            sources: (!event.sources().is_empty())
                .then(|| event.sources().iter().map(Into::into).collect()),
            links: (!event.links().is_empty()).then(|| {
                event
                    .links()
                    .iter()
                    .map(|link| RawLink {
                        kind: Text::borrowed(link.kind().as_str()),
                        target: link.target().to_string().into(),
                    })
                    .collect()
            }),
        }
    }
}

impl<'a> From<&'a Entry> for RawEntry<'a> {
    fn from(entry: &'a Entry) -> Self {
        let mut raw = RawEntry {
            recorded_at: crate::model::instant::format(entry.recorded_at()).into(),
            record: None,
            correct: None,
            retract: None,
            dispute: None,
            resolve: None,
        };
        match entry.change() {
            Change::Record(event) => raw.record = Some(Box::new(event.into())),
            Change::Correct(event) => raw.correct = Some(Box::new(event.into())),
            Change::Retract { id, reason } => {
                raw.retract = Some(RawRetraction {
                    id: id.to_string().into(),
                    reason: Text::borrowed(reason),
                });
            }
            Change::Dispute(event) => raw.dispute = Some(Box::new(event.into())),
            Change::Resolve { id, chosen, reason } => {
                raw.resolve = Some(RawResolution {
                    id: id.to_string().into(),
                    chosen: u32::try_from(*chosen).unwrap_or(u32::MAX),
                    reason: Text::borrowed(reason),
                });
            }
        }
        raw
    }
}

impl<'a> From<&'a Agreement> for RawAgreement<'a> {
    fn from(agreement: &'a Agreement) -> Self {
        RawAgreement {
            format: super::FORMAT_VERSION,
            policy: Some(RawStamp {
                name: Text::borrowed(agreement.policy().name()),
                fingerprint: agreement.policy().fingerprint().into(),
            }),
            id: agreement.id().to_string().into(),
            title: Text::borrowed(agreement.title()),
            instrument: Some(agreement.instrument().to_string().into()),
            parties: agreement.parties().iter().map(Into::into).collect(),
            subjects: agreement
                .subjects()
                .iter()
                .map(|area| area.to_string().into())
                .collect(),
            entries: agreement.entries().iter().map(Into::into).collect(),
        }
    }
}

impl<'a> From<&'a Policy> for RawPolicy<'a> {
    fn from(policy: &'a Policy) -> Self {
        RawPolicy {
            format: Some(super::FORMAT_VERSION),
            name: Text::borrowed(policy.name()),
            entry: policy
                .entry_stages()
                .iter()
                .map(|stage| stage.to_string().into())
                .collect(),
            transitions: policy
                .transitions()
                .map(|(from, to)| RawTransition {
                    from: from.to_string().into(),
                    to: to.to_string().into(),
                })
                .collect(),
            guards: (policy.guards().next().is_some()).then(|| {
                policy
                    .guards()
                    .map(|(on, guard)| RawGuard {
                        on: on.to_string().into(),
                        guard: guard.name().to_owned().into(),
                    })
                    .collect()
            }),
            implementing_across_parties: policy
                .allows_implementing_across_parties()
                .then_some(true),
        }
    }
}

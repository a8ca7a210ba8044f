//! Helpers shared by the integration tests.
#![allow(dead_code)]

use bilateral::{
    Agreement, AgreementId, Event, EventDate, EventId, EventKind, Parties, Party, Stage,
    SubjectArea, Tracker,
};

pub fn india() -> Party {
    Party::state("IND", "India").unwrap()
}

pub fn japan() -> Party {
    Party::state("JPN", "Japan").unwrap()
}

pub fn philippines() -> Party {
    Party::state("PHL", "Philippines").unwrap()
}

pub fn india_japan() -> Parties {
    Parties::new(india(), japan()).unwrap()
}

pub fn date(text: &str) -> EventDate {
    text.parse().unwrap()
}

/// A deterministic event id.
pub fn id(n: u128) -> EventId {
    EventId::from_uuid(uuid::Uuid::from_u128(n))
}

/// An event with a deterministic id, so that histories compare equal.
pub fn event(n: u128, kind: EventKind, on: &str) -> Event {
    Event::with_id(id(n), kind, date(on))
}

/// An India–Japan logistics agreement opened with `kind` on `on`.
pub fn opened(kind: EventKind, on: &str) -> Agreement {
    Agreement::builder(
        "Reciprocal Provision of Supplies and Services",
        india_japan(),
    )
    .id(bilateral::AgreementId::from_uuid(uuid::Uuid::from_u128(
        0xA,
    )))
    .subject(SubjectArea::Logistics)
    .build(event(1, kind, on))
    .unwrap()
}

pub fn kinds(agreement: &Agreement) -> Vec<EventKind> {
    agreement.history().map(Event::kind).collect()
}

pub fn stage_kind(stage: Stage) -> EventKind {
    EventKind::from(stage)
}

/// Asserts that two agreements are the same in every way a user can
/// observe, not only by `==`: equal both ways, with the same JSON, text and
/// debug forms, entries, history and stage.
#[track_caller]
pub fn assert_same_agreement(actual: &Agreement, expected: &Agreement) {
    assert!(
        actual == expected,
        "agreements differ:\n{actual:?}\n{expected:?}"
    );
    assert!(expected == actual, "== is not symmetric");
    assert_eq!(
        serde_json::to_value(actual).unwrap(),
        serde_json::to_value(expected).unwrap()
    );
    assert_eq!(actual.to_string(), expected.to_string());
    assert_eq!(format!("{actual:?}"), format!("{expected:?}"));
    assert_eq!(actual.entries(), expected.entries());
    assert!(actual.history().eq(expected.history()));
    assert_eq!(actual.len(), expected.len());
    assert_eq!(actual.stage(), expected.stage());
    assert_eq!(
        actual.timeline().to_string(),
        expected.timeline().to_string()
    );
}

/// Asserts that two trackers are the same in every way a user can observe:
/// equal both ways, the same export, every agreement at the same version,
/// and the same answers from the counts, the timeline and the indexed
/// queries (which a stale index would get wrong).
#[track_caller]
pub fn assert_same_tracker(actual: &Tracker, expected: &Tracker) {
    assert!(
        actual == expected,
        "trackers differ:\n{actual:?}\n{expected:?}"
    );
    assert!(expected == actual, "== is not symmetric");
    assert_eq!(
        serde_json::to_value(actual.export()).unwrap(),
        serde_json::to_value(expected.export()).unwrap()
    );
    assert_eq!(actual.len(), expected.len());
    assert_eq!(actual.is_empty(), expected.is_empty());
    let versions = |t: &Tracker| -> Vec<(AgreementId, u64)> {
        t.iter_versions().map(|(a, v)| (a.id(), v)).collect()
    };
    assert_eq!(versions(actual), versions(expected));
    assert_eq!(actual.count_by_stage(), expected.count_by_stage());
    assert_eq!(actual.count_by_subject(), expected.count_by_subject());
    assert_eq!(actual.count_unclassified(), expected.count_unclassified());
    assert_eq!(actual.count_by_party(), expected.count_by_party());
    assert_eq!(actual.event_count(), expected.event_count());
    // The links index answers alike for every agreement held or named.
    let named: std::collections::BTreeSet<AgreementId> = expected
        .iter()
        .flat_map(|a| std::iter::once(a.id()).chain(a.links().map(|(_, link)| link.target())))
        .collect();
    let linked = |t: &Tracker, id: AgreementId| -> Vec<(AgreementId, EventId, bilateral::Link)> {
        t.linked_to(id)
            .iter()
            .map(|l| (l.agreement.id(), l.event.id(), l.link))
            .collect()
    };
    for id in named {
        assert_eq!(linked(actual, id), linked(expected, id), "links to {id}");
    }
    let timeline = |t: &Tracker| -> Vec<(AgreementId, EventId)> {
        t.timeline(date("0001"), date("9999"))
            .map(|(a, e)| (a.id(), e.id()))
            .collect()
    };
    assert_eq!(timeline(actual), timeline(expected));
    let ids = |q: bilateral::tracker::Query<'_>| -> Vec<AgreementId> {
        q.iter().map(Agreement::id).collect()
    };
    for (code, _) in expected.count_by_party() {
        assert_eq!(
            ids(actual.query().party(code)),
            ids(expected.query().party(code))
        );
    }
    for stage in Stage::ALL {
        assert_eq!(
            ids(actual.query().stage(stage)),
            ids(expected.query().stage(stage))
        );
    }
}

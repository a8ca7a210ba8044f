//! Helpers shared by the integration tests.
#![allow(dead_code)]

use bilateral::{
    Agreement, Event, EventDate, EventId, EventKind, Parties, Party, Stage, SubjectArea,
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

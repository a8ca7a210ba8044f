//! Many agreements taken in at once (`Tracker::bulk`): the same agreements
//! taken, the same refused, and indexes that answer as those of a tracker
//! filled one agreement at a time.

use bilateral::{
    Agreement, AgreementId, Event, EventDate, EventId, EventKind, SubjectArea, Tracker,
};

use crate::common::{date, india_japan};

const AREAS: [SubjectArea; 3] = [
    SubjectArea::Logistics,
    SubjectArea::Trade,
    SubjectArea::MaritimeSecurity,
];

/// Agreement `n`: opened at a date that moves about by `n`, with a
/// meeting at another, at a precision of a day, a month or a year, under
/// one or two subject areas.
fn agreement(n: u128) -> Agreement {
    let year = 1950 + (n * 7919 % 70) as i32;
    let month = 1 + (n * 31 % 12) as u32;
    let day = 1 + (n * 13 % 28) as u32;
    let on: EventDate = match n % 3 {
        0 => format!("{year}-{month:02}-{day:02}"),
        1 => format!("{year}-{month:02}"),
        _ => format!("{year}"),
    }
    .parse()
    .unwrap();
    let later: EventDate = format!("{}-{month:02}-{day:02}", year + 1 + (n % 5) as i32)
        .parse()
        .unwrap();
    let event = |k: u128, kind, on| {
        Event::with_id(
            EventId::from_uuid(uuid::Uuid::from_u128(n << 8 | k)),
            kind,
            on,
        )
    };
    let mut builder = Agreement::builder(format!("Agreement {n}"), india_japan())
        .id(AgreementId::from_uuid(uuid::Uuid::from_u128(n)))
        .subject(AREAS[(n % 3) as usize].clone());
    if n.is_multiple_of(4) {
        builder = builder.subject(AREAS[((n + 1) % 3) as usize].clone());
    }
    let mut agreement = builder.build(event(1, EventKind::Proposed, on)).unwrap();
    agreement
        .record(event(2, EventKind::Meeting, later))
        .unwrap();
    agreement
}

/// What the date indexes answer: agreements with events in each of a
/// range of windows, overall and for each area.
fn answers(tracker: &Tracker) -> Vec<Vec<AgreementId>> {
    let mut answers = Vec::new();
    for start in (1950..2030).step_by(3) {
        let (from, to) = (
            date(&format!("{start}-03-01")),
            date(&format!("{start}-09-30")),
        );
        answers.push(tracker.query().events_between(from, to).ids().collect());
        for area in AREAS {
            answers.push(
                tracker
                    .query()
                    .subject(area)
                    .events_between(from, to)
                    .ids()
                    .collect(),
            );
        }
    }
    answers
}

#[test]
fn a_bulk_insert_answers_as_inserting_one_by_one() {
    let agreements: Vec<Agreement> = (1..=3_000).map(agreement).collect();
    let mut one_by_one = Tracker::new();
    let mut bulk = Tracker::new().bulk();
    for agreement in &agreements {
        assert_eq!(
            bulk.insert(agreement.clone()).unwrap(),
            one_by_one.insert(agreement.clone()).unwrap()
        );
    }
    assert_eq!(bulk.len(), 3_000);
    assert!(!bulk.is_empty());
    let mut bulk = bulk.finish();
    assert_eq!(bulk, one_by_one);
    assert_eq!(bulk.event_count(), 6_000);
    let answers_now = answers(&bulk);
    assert_eq!(answers_now, answers(&one_by_one));
    assert!(answers_now.iter().any(|found| found.len() > 20));

    // Afterwards the tracker records and removes as any other.
    let first = AgreementId::from_uuid(uuid::Uuid::from_u128(1));
    let talks = Event::with_id(
        EventId::from_uuid(uuid::Uuid::from_u128(u128::MAX)),
        EventKind::Deliberated,
        date("2026-05-05"),
    );
    bulk.record(first, talks.clone()).unwrap();
    one_by_one.record(first, talks).unwrap();
    bulk.remove(AgreementId::from_uuid(uuid::Uuid::from_u128(2)));
    one_by_one.remove(AgreementId::from_uuid(uuid::Uuid::from_u128(2)));
    assert_eq!(answers(&bulk), answers(&one_by_one));
    let may = bulk
        .query()
        .events_between(date("2026-05-01"), date("2026-05-31"))
        .ids()
        .collect::<Vec<_>>();
    assert_eq!(may, [first]);
}

#[test]
fn a_bulk_insert_into_a_tracker_that_holds_agreements_keeps_them() {
    // Made once: an agreement's trail keeps when it was recorded.
    let agreements: Vec<Agreement> = (1..=1_200).map(agreement).collect();
    let (before, after) = agreements.split_at(500);
    let mut one_by_one = Tracker::new();
    for agreement in before {
        one_by_one.insert(agreement.clone()).unwrap();
    }
    let mut bulk = one_by_one.clone().bulk();
    for agreement in after {
        bulk.insert(agreement.clone()).unwrap();
        one_by_one.insert(agreement.clone()).unwrap();
    }
    let bulk = bulk.finish();
    assert_eq!(bulk, one_by_one);
    assert_eq!(answers(&bulk), answers(&one_by_one));
}

#[test]
fn a_bulk_insert_refuses_what_insert_refuses_and_takes_nothing_of_it() {
    let first = agreement(1);
    let mut bulk = Tracker::new().bulk();
    bulk.insert(first.clone()).unwrap();
    // The same id again.
    let mut tracker = Tracker::new();
    tracker.insert(first.clone()).unwrap();
    assert_eq!(
        bulk.insert(first.clone()).unwrap_err(),
        tracker.insert(first).unwrap_err()
    );
    // A link to an agreement the tracker does not hold.
    let stranger = AgreementId::from_uuid(uuid::Uuid::from_u128(999_999));
    let linked = Agreement::builder("Implementing memorandum", india_japan())
        .id(AgreementId::from_uuid(uuid::Uuid::from_u128(77)))
        .build(
            Event::builder(EventKind::Proposed, date("2020"))
                .link(bilateral::Link::new(
                    bilateral::LinkKind::Implements,
                    stranger,
                ))
                .build()
                .unwrap(),
        )
        .unwrap();
    let err = bulk.insert(linked.clone()).unwrap_err();
    assert_eq!(err, tracker.insert(linked).unwrap_err());
    assert!(err.to_string().contains(&stranger.to_string()), "{err}");
    // A history the policy refuses.
    let strict = Tracker::with_policy(bilateral::Policy::strict());
    let mut strict_bulk = Tracker::with_policy(bilateral::Policy::strict()).bulk();
    let talks_first = Agreement::builder("Talks first", india_japan())
        .build(Event::new(EventKind::Deliberated, date("2021")))
        .unwrap();
    let mut strict_one = strict;
    assert_eq!(
        strict_bulk.insert(talks_first.clone()).unwrap_err(),
        strict_one.insert(talks_first).unwrap_err()
    );
    assert!(strict_bulk.finish().is_empty());
    // Nothing refused was taken in, and what was taken is indexed.
    let bulk = bulk.finish();
    assert_eq!(bulk.len(), 1);
    assert_eq!(bulk, tracker);
    assert_eq!(answers(&bulk), answers(&tracker));
}

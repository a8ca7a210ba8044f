//! Occasions shared by agreements: known once to a tracker, named by the
//! events of several agreements, each such event dated within the
//! occasion (refused otherwise, naming both, nothing changed), queried
//! across agreements, drawn as a timeline, and kept in documents.

use bilateral::{
    Agreement, AgreementId, Change, Error, ErrorKind, Event, EventKind, Occasion, Tracker,
};

use crate::common::{assert_same_tracker, date, id, india_japan};

const ADMM: &str = "11th ADMM-Plus";

fn admm() -> Occasion {
    Occasion::new(ADMM, date("2024-11-20"), date("2024-11-22"))
        .unwrap()
        .with_venue("Vientiane")
        .unwrap()
}

fn agreement_id(n: u128) -> AgreementId {
    AgreementId::from_uuid(uuid::Uuid::from_u128(n))
}

/// Event `n` of `kind` on `on`, at `occasion`.
fn at(n: u128, kind: EventKind, on: &str, occasion: &str) -> Event {
    Event::builder(kind, date(on))
        .id(id(n))
        .occasion(occasion)
        .build()
        .unwrap()
}

/// A tracker that knows the ADMM-Plus, with the logistics agreement
/// deliberated there and the co-development track met there.
fn vientiane() -> (Tracker, AgreementId, AgreementId) {
    let mut tracker = Tracker::new();
    tracker.add_occasion(admm()).unwrap();
    let logistics = tracker
        .create(
            Agreement::builder(
                "Reciprocal Provision of Supplies and Services",
                india_japan(),
            )
            .id(agreement_id(1)),
            at(10, EventKind::Deliberated, "2024-11-22", ADMM),
        )
        .unwrap();
    let codevelopment = tracker
        .create(
            Agreement::builder("Co-development", india_japan()).id(agreement_id(2)),
            Event::with_id(id(20), EventKind::Proposed, date("2024-06")),
        )
        .unwrap();
    tracker
        .record(
            codevelopment,
            at(21, EventKind::Meeting, "2024-11-22", ADMM),
        )
        .unwrap();
    (tracker, logistics, codevelopment)
}

#[test]
fn an_event_at_a_known_occasion_is_dated_within_it() {
    let (mut tracker, logistics, codevelopment) = vientiane();
    let before = tracker.clone();
    let err: Error = tracker
        .record(logistics, at(11, EventKind::Meeting, "2024-11-25", ADMM))
        .unwrap_err()
        .into();
    assert_eq!(err.kind(), ErrorKind::OutsideOccasion);
    assert_eq!(err.agreement(), Some(logistics));
    assert_eq!(
        err.to_string(),
        format!(
            "event {} of agreement \"Reciprocal Provision of Supplies and Services\" ({logistics}) \
             is dated 2024-11-25, outside its occasion: 11th ADMM-Plus, Vientiane, 2024-11-20 to \
             2024-11-22",
            id(11)
        )
    );
    assert_same_tracker(&tracker, &before);
    // A correction moving the meeting outside is refused too; creating or
    // inserting such an agreement as well.
    let moved = at(21, EventKind::Meeting, "2024-12-01", ADMM);
    let err: Error = tracker
        .apply(codevelopment, None, Change::Correct(moved))
        .unwrap_err()
        .into();
    assert_eq!(err.kind(), ErrorKind::OutsideOccasion);
    let late = || at(30, EventKind::Proposed, "2024-10", ADMM);
    let err: Error = tracker
        .create(Agreement::builder("Late", india_japan()), late())
        .unwrap_err()
        .into();
    assert_eq!(err.kind(), ErrorKind::OutsideOccasion);
    let outside = Agreement::builder("Late", india_japan())
        .build(late())
        .unwrap();
    let err: Error = tracker.insert(outside).unwrap_err().into();
    assert_eq!(err.kind(), ErrorKind::OutsideOccasion);
    assert_same_tracker(&tracker, &before);
    // A date known to the month that holds the occasion may be at it; an
    // occasion the tracker does not know is a name alone, unchecked.
    tracker
        .record(logistics, at(12, EventKind::Statement, "2024-11", ADMM))
        .unwrap();
    tracker
        .record(
            logistics,
            at(13, EventKind::Note, "2030-01", "A forum it never heard of"),
        )
        .unwrap();
}

#[test]
fn an_occasion_is_known_once_and_must_hold_the_events_already_at_it() {
    let (mut tracker, logistics, _) = vientiane();
    let err: Error = tracker.add_occasion(admm()).unwrap_err().into();
    assert_eq!(err.kind(), ErrorKind::DuplicateOccasion);
    assert_eq!(
        err.to_string(),
        "the tracker knows an occasion named \"11th ADMM-Plus\" already"
    );
    // Events named an occasion before it was known: registering it with
    // dates that leave one of them out is refused, naming it.
    tracker
        .record(
            logistics,
            at(11, EventKind::Meeting, "2024-03-05", "Tokyo 2+2"),
        )
        .unwrap();
    let before = tracker.clone();
    let narrow = Occasion::new("Tokyo 2+2", date("2024-03-06"), date("2024-03-07")).unwrap();
    let err: Error = tracker.add_occasion(narrow).unwrap_err().into();
    assert_eq!(err.kind(), ErrorKind::OutsideOccasion);
    assert!(err.to_string().contains(&id(11).to_string()), "{err}");
    assert_same_tracker(&tracker, &before);
    assert!(tracker.occasion("Tokyo 2+2").is_none());
    let right = Occasion::new("Tokyo 2+2", date("2024-03-05"), date("2024-03-05")).unwrap();
    tracker.add_occasion(right.clone()).unwrap();
    assert_eq!(tracker.occasion("Tokyo 2+2"), Some(&right));
    let names: Vec<&str> = tracker.occasions().map(Occasion::name).collect();
    assert_eq!(names, [ADMM, "Tokyo 2+2"]);
}

#[test]
fn what_happened_at_an_occasion_is_answered_across_agreements() {
    let (mut tracker, logistics, codevelopment) = vientiane();
    let found = |tracker: &Tracker| -> Vec<(AgreementId, u128)> {
        tracker
            .at_occasion(ADMM)
            .iter()
            .map(|at| (at.agreement.id(), at.event.id().as_uuid().as_u128()))
            .collect()
    };
    // The same date: by title (Co-development before Reciprocal…).
    assert_eq!(found(&tracker), [(codevelopment, 21), (logistics, 10)]);
    // An earlier day of the occasion comes first.
    tracker
        .record(logistics, at(11, EventKind::Meeting, "2024-11-20", ADMM))
        .unwrap();
    assert_eq!(
        found(&tracker),
        [(logistics, 11), (codevelopment, 21), (logistics, 10)]
    );
    // A correction naming another occasion moves the event out; a
    // retraction takes it away.
    tracker
        .apply(
            codevelopment,
            None,
            Change::Correct(at(21, EventKind::Meeting, "2024-11-22", "Sidelines")),
        )
        .unwrap();
    tracker
        .apply(
            logistics,
            None,
            Change::Retract {
                id: id(11),
                reason: "not at the ADMM-Plus".into(),
            },
        )
        .unwrap();
    assert_eq!(found(&tracker), [(logistics, 10)]);
    assert_eq!(tracker.at_occasion("Sidelines").len(), 1);
    tracker.remove(logistics).unwrap();
    assert!(tracker.at_occasion(ADMM).is_empty());
}

#[test]
fn an_occasion_has_a_timeline_as_text_and_as_mermaid() {
    let (tracker, _, _) = vientiane();
    let timeline = tracker.occasion_timeline(ADMM);
    assert_eq!(timeline.occasion(), Some(&admm()));
    assert_eq!(timeline.entries().len(), 2);
    assert_eq!(
        timeline.to_string(),
        "11th ADMM-Plus, Vientiane, 2024-11-20 to 2024-11-22\n\
         2024-11-22   Co-development (India–Japan): meeting\n\
         2024-11-22   Reciprocal Provision of Supplies and Services (India–Japan): deliberated\n"
    );
    assert_eq!(
        timeline.mermaid().to_string(),
        "timeline\n    title 11th ADMM-Plus\n    2024-11-22 : Co-development meeting\n        : \
         Reciprocal Provision of Supplies and Services deliberated\n"
    );
    // An occasion known only by name still has a timeline.
    let unknown = tracker.occasion_timeline("Elsewhere");
    assert_eq!(unknown.occasion(), None);
    assert_eq!(unknown.to_string(), "Elsewhere\n");
}

#[test]
fn documents_keep_occasions_and_check_the_events_at_them() {
    let (tracker, _, _) = vientiane();
    let json = serde_json::to_string(&tracker).unwrap();
    let occasions = "\"occasions\":[{\"name\":\"11th ADMM-Plus\",\"venue\":\"Vientiane\",\
                     \"from\":\"2024-11-20\",\"to\":\"2024-11-22\"}],\"agreements\"";
    assert!(json.contains(occasions), "{json}");
    let back: Tracker = serde_json::from_str(&json).unwrap();
    assert_eq!(back, tracker);
    assert_eq!(back.at_occasion(ADMM).len(), 2);
    let imported = Tracker::try_from(tracker.export()).unwrap();
    assert_eq!(imported, tracker);
    // Keys in another order (a JSON value sorts them): still read.
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let sorted: Tracker = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(sorted, tracker);
    // The occasion's dates moved so that an event falls outside: refused
    // with the agreement and the occasion.
    let mut moved = value.clone();
    moved["occasions"][0]["to"] = serde_json::json!("2024-11-21");
    let err = serde_json::from_value::<Tracker>(moved)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("is dated 2024-11-22, outside its occasion: 11th ADMM-Plus"),
        "{err}"
    );
    // One name twice.
    let mut twice = value.clone();
    let first = twice["occasions"][0].clone();
    twice["occasions"].as_array_mut().unwrap().push(first);
    let err = serde_json::from_value::<Tracker>(twice)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("at occasions[1].name: occasion \"11th ADMM-Plus\" appears twice"),
        "{err}"
    );
    // A malformed date, at its path.
    let mut bad = value;
    bad["occasions"][0]["from"] = serde_json::json!("2024-13-01");
    let err = serde_json::from_value::<Tracker>(bad)
        .unwrap_err()
        .to_string();
    assert!(err.contains("at occasions[0].from: invalid date"), "{err}");
    // An occasion reads and writes on its own.
    let one = serde_json::to_string(&admm()).unwrap();
    assert_eq!(serde_json::from_str::<Occasion>(&one).unwrap(), admm());
}

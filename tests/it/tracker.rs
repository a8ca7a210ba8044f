//! The tracker: versions, queries, counts, timelines, import and export.

use crate::common::{date, event, id};
use bilateral::document::DocumentError;
use bilateral::document::TrackerDocument;
use bilateral::model::ValueError;
use bilateral::tracker::{Order, TrackerError};
use bilateral::{
    Agreement, AgreementId, Change, EventKind, InstrumentKind, Parties, Party, PartyCode, Policy,
    Stage, SubjectArea, Tracker,
};

fn code(text: &str) -> PartyCode {
    text.parse().unwrap()
}

fn party(text: &str) -> Party {
    Party::state(text, format!("State {text}")).unwrap()
}

fn agreement_id(n: u128) -> AgreementId {
    AgreementId::from_uuid(uuid::Uuid::from_u128(n))
}

/// Five agreements with known answers.
#[allow(clippy::type_complexity)]
fn sample() -> Tracker {
    let mut tracker = Tracker::new();
    let specs: [(
        u128,
        &str,
        &str,
        &str,
        &[SubjectArea],
        InstrumentKind,
        &[(EventKind, &str)],
    ); 5] = [
        (
            1,
            "Reciprocal Provision of Supplies and Services",
            "IND",
            "JPN",
            &[SubjectArea::Logistics],
            InstrumentKind::Agreement,
            &[
                (EventKind::Proposed, "2023-05-01"),
                (EventKind::Deliberated, "2024-11-22"),
            ],
        ),
        (
            2,
            "UNICORN mast",
            "JPN",
            "IND",
            &[SubjectArea::CoDevelopment, SubjectArea::DefenceTechnology],
            InstrumentKind::MemorandumOfImplementation,
            &[(EventKind::MoiSigned, "2024-11-15")],
        ),
        (
            3,
            "Defence cooperation",
            "IND",
            "PHL",
            &[SubjectArea::MaritimeSecurity, SubjectArea::Space],
            InstrumentKind::MemorandumOfUnderstanding,
            &[(EventKind::Proposed, "2024-11")],
        ),
        (
            4,
            "Fisheries treaty",
            "NOR",
            "ISL",
            &[SubjectArea::Fisheries],
            InstrumentKind::Agreement,
            &[
                (EventKind::Finalised, "1990"),
                (EventKind::EnteredIntoForce, "1991-01-01"),
                (EventKind::Terminated, "2005-06-30"),
            ],
        ),
        (
            5,
            "Logistics support",
            "IND",
            "FRA",
            &[SubjectArea::Logistics],
            InstrumentKind::Agreement,
            &[
                (EventKind::Deliberated, "2017-03"),
                (EventKind::MoiSigned, "2018-01-10"),
                (EventKind::Finalised, "2018-03-10"),
            ],
        ),
    ];
    for (n, title, a, b, subjects, instrument, events) in specs {
        let mut builder = Agreement::builder(title, Parties::new(party(a), party(b)).unwrap())
            .id(agreement_id(n))
            .instrument(instrument)
            .subjects(subjects.iter().cloned());
        let (first_kind, first_date) = events[0];
        builder = builder.clone();
        let id = tracker
            .create(builder, event(n * 100, first_kind, first_date))
            .unwrap();
        for (i, (kind, on)) in events.iter().enumerate().skip(1) {
            tracker
                .record(id, event(n * 100 + i as u128, *kind, on))
                .unwrap();
        }
    }
    tracker
}

fn titles<'a>(agreements: impl Iterator<Item = &'a Agreement>) -> Vec<&'a str> {
    agreements.map(Agreement::title).collect()
}

#[test]
fn insert_get_iterate_and_remove() {
    let mut tracker = sample();
    assert_eq!(tracker.len(), 5);
    assert_eq!(
        tracker.get(agreement_id(2)).unwrap().title(),
        "UNICORN mast"
    );
    assert_eq!(tracker.version(agreement_id(4)), Some(3));
    assert_eq!(tracker.iter().count(), 5);
    assert!(tracker.contains(agreement_id(2)));
    let removed = tracker.remove(agreement_id(2)).unwrap();
    assert!(!tracker.contains(agreement_id(2)));
    assert_eq!(removed.title(), "UNICORN mast");
    assert_eq!(tracker.len(), 4);
    assert!(tracker.get(agreement_id(2)).is_none());
    assert_eq!(tracker.query().party(code("JPN")).count(), 1);
    assert_eq!(tracker.query().stage(Stage::MoiSigned).count(), 0);
    assert!(tracker.remove(agreement_id(2)).is_none());
    // A walk over every agreement skips the vacant slot.
    let walked: Vec<AgreementId> = tracker.iter().map(Agreement::id).collect();
    assert_eq!(
        walked,
        [1, 3, 4, 5].map(agreement_id),
        "every agreement but the removed one, in slot order"
    );
    assert_eq!(
        tracker
            .iter_versions()
            .map(|(a, version)| (a.id(), version))
            .collect::<Vec<_>>(),
        tracker
            .iter()
            .map(|a| (a.id(), tracker.version(a.id()).unwrap()))
            .collect::<Vec<_>>()
    );
    // It can come back, one version past the one it was removed at, so
    // that a writer who read it before is told of a conflict.
    assert_eq!(tracker.insert(removed).unwrap(), 2);
    assert_eq!(tracker.query().party(code("JPN")).count(), 2);
    // In the slot it left.
    let walked: Vec<(AgreementId, u64)> = tracker
        .iter_versions()
        .map(|(a, version)| (a.id(), version))
        .collect();
    assert_eq!(walked.len(), 5);
    assert_eq!(walked[1], (agreement_id(2), 2));
}

#[test]
fn inserting_twice_or_against_the_policy_is_refused_and_changes_nothing() {
    let mut tracker = sample();
    let before = tracker.clone();
    let again = tracker.get(agreement_id(1)).unwrap().clone();
    assert!(matches!(
        tracker.insert(again),
        Err(TrackerError::DuplicateAgreement { .. })
    ));
    let mut strict = Tracker::with_policy(Policy::strict());
    let moi = tracker.get(agreement_id(2)).unwrap().clone();
    let err = strict.insert(moi).unwrap_err();
    assert!(
        err.to_string()
            .contains("under policy \"strict\" a record can only open at proposed"),
        "{err}"
    );
    assert!(strict.is_empty());
    crate::common::assert_same_tracker(&tracker, &before);
}

#[test]
fn versions_increase_with_each_accepted_change_and_stale_writes_conflict() {
    let mut tracker = sample();
    let id1 = agreement_id(1);
    assert_eq!(tracker.version(id1), Some(2));
    assert_eq!(
        tracker
            .record_expecting(id1, 2, event(150, EventKind::Deliberated, "2025-01-10"))
            .unwrap(),
        3
    );
    let before = tracker.clone();
    let err = tracker
        .record_expecting(id1, 2, event(151, EventKind::Withdrawn, "2025-02-01"))
        .unwrap_err();
    assert!(matches!(
        err,
        TrackerError::Conflict { agreement, expected: 2, actual: 3, .. } if agreement == id1
    ));
    assert_eq!(
        err.to_string(),
        format!(
            "agreement {id1} is at version 3, not 2: it changed since it was read, so the change was not applied"
        )
    );
    crate::common::assert_same_tracker(&tracker, &before);
    // A refused change does not bump the version either.
    assert!(
        tracker
            .record(id1, event(152, EventKind::Terminated, "2025-03-01"))
            .is_err()
    );
    crate::common::assert_same_tracker(&tracker, &before);
    // Corrections and retractions are versioned changes too.
    let fixed = tracker
        .get(id1)
        .unwrap()
        .event(id(150))
        .unwrap()
        .to_builder()
        .date(date("2025-01-11"))
        .build()
        .unwrap();
    assert_eq!(
        tracker.apply(id1, Some(3), Change::Correct(fixed)).unwrap(),
        4
    );
    assert_eq!(
        tracker
            .apply(
                id1,
                Some(4),
                Change::Retract {
                    id: id(150),
                    reason: "duplicate".into()
                }
            )
            .unwrap(),
        5
    );
    assert!(matches!(
        tracker.record(agreement_id(99), event(1, EventKind::Note, "2025")),
        Err(TrackerError::UnknownAgreement { .. })
    ));
}

#[test]
fn each_filter_answers_as_expected() {
    let tracker = sample();
    let q = || tracker.query();
    assert_eq!(
        titles(q().party(code("IND")).iter()),
        [
            "Reciprocal Provision of Supplies and Services",
            "UNICORN mast",
            "Defence cooperation",
            "Logistics support"
        ]
    );
    assert_eq!(
        titles(q().pair(code("JPN"), code("IND")).iter()),
        [
            "Reciprocal Provision of Supplies and Services",
            "UNICORN mast"
        ]
    );
    assert_eq!(
        titles(q().subject(SubjectArea::Logistics).iter()),
        [
            "Reciprocal Provision of Supplies and Services",
            "Logistics support"
        ]
    );
    assert_eq!(
        titles(q().stage(Stage::Terminated).iter()),
        ["Fisheries treaty"]
    );
    assert_eq!(
        titles(
            q().instrument(InstrumentKind::MemorandumOfUnderstanding)
                .iter()
        ),
        ["Defence cooperation"]
    );
    assert_eq!(
        titles(q().title_contains("LOGISTICS").iter()),
        ["Logistics support"]
    );
    assert_eq!(
        titles(q().title_contains("supplies and").iter()),
        ["Reciprocal Provision of Supplies and Services"]
    );
    assert_eq!(
        titles(
            q().events_between(date("2024-11-14"), date("2024-11-16"))
                .iter()
        ),
        ["UNICORN mast", "Defence cooperation"] // the MoI on the 15th, and the proposal "in November"
    );
    assert_eq!(
        titles(
            q().certainly_at(date("2000-06-01"), Stage::Finalised)
                .iter()
        ),
        ["Fisheries treaty"]
    );
    assert_eq!(
        titles(
            q().certainly_at(date("2018-02-01"), Stage::MoiSigned)
                .iter()
        ),
        ["Logistics support"]
    );
    // Deliberated "in March 2017": on the 15th, possibly but not certainly.
    let ides = date("2017-03-15");
    assert!(titles(q().certainly_at(ides, Stage::Deliberated).iter()).is_empty());
    assert_eq!(
        titles(q().possibly_at(ides, Stage::Deliberated).iter()),
        ["Logistics support"]
    );
    assert!(titles(q().certainly_reached(ides, Stage::Deliberated).iter()).is_empty());
    // Finalised by June 2018: no longer at MoI signed, but it got there.
    let june = date("2018-06");
    assert!(titles(q().certainly_at(june, Stage::MoiSigned).iter()).is_empty());
    assert!(titles(q().possibly_at(june, Stage::MoiSigned).iter()).is_empty());
    assert_eq!(
        titles(q().certainly_reached(june, Stage::MoiSigned).iter()),
        ["Logistics support"]
    );
    assert_eq!(
        titles(q().certainly_reached(june, Stage::Finalised).iter()),
        ["Fisheries treaty", "Logistics support"]
    );
    assert_eq!(q().count(), 5);
}

#[test]
fn filters_compose() {
    let tracker = sample();
    let found = titles(
        tracker
            .query()
            .party(code("IND"))
            .subject(SubjectArea::Logistics)
            .stage(Stage::Finalised)
            .events_between(date("2018"), date("2018"))
            .iter(),
    );
    assert_eq!(found, ["Logistics support"]);
    assert_eq!(
        tracker
            .query()
            .party(code("NOR"))
            .stage(Stage::Proposed)
            .count(),
        0
    );
    assert_eq!(
        tracker
            .query()
            .pair(code("IND"), code("PHL"))
            .title_contains("defence")
            .count(),
        1
    );
}

/// A range of one day finds the events of that day.
#[test]
fn a_range_of_one_day_finds_that_day() {
    let tracker = sample();
    let day = date("2018-01-10");
    assert_eq!(
        titles(tracker.query().events_between(day, day).iter()),
        ["Logistics support"]
    );
    let kinds: Vec<EventKind> = tracker.timeline(day, day).map(|(_, e)| e.kind()).collect();
    assert_eq!(kinds, [EventKind::MoiSigned]);
    let next = date("2018-01-11");
    assert_eq!(tracker.query().events_between(next, next).count(), 0);
    assert_eq!(tracker.timeline(next, next).count(), 0);
}

/// A date range expected to hold more agreements than another filter's
/// list is checked agreement by agreement rather than looked up: that
/// check answers as the lookup would.
#[test]
fn a_wide_date_range_beside_a_narrow_filter_still_filters() {
    let tracker = sample();
    // France is in one agreement, whose events are in 2017 and 2018.
    let france = || tracker.query().party(code("FRA"));
    assert_eq!(france().count(), 1);
    assert_eq!(
        france().events_between(date("2023"), date("2025")).count(),
        0
    );
    assert_eq!(
        titles(france().events_between(date("2017"), date("2025")).iter()),
        ["Logistics support"]
    );
    assert_eq!(
        france().events_between(date("2025"), date("2017")).count(),
        0
    );
}

#[test]
fn counts_by_stage_subject_and_party() {
    let tracker = sample();
    let stages = tracker.count_by_stage();
    assert_eq!(
        stages.clone().into_vec(),
        [
            (Stage::Proposed, 1),
            (Stage::Deliberated, 1),
            (Stage::MoiSigned, 1),
            (Stage::Finalised, 1),
            (Stage::Withdrawn, 0),
            (Stage::Terminated, 1),
        ]
    );
    // Indexed by stage, by value or by reference, and iterated in order.
    assert_eq!(stages[Stage::MoiSigned], 1);
    assert_eq!(stages[&Stage::Withdrawn], 0);
    assert_eq!(stages.get(&Stage::Terminated), 1);
    assert_eq!(stages.get(&Stage::Withdrawn), 0);
    assert_eq!(tracker.count_by_subject().get(&SubjectArea::Logistics), 2);
    assert_eq!(stages.total(), tracker.len());
    assert_eq!((stages.len(), stages.is_empty()), (6, false));
    let walked: Vec<(Stage, usize)> = (&stages).into_iter().map(|(s, n)| (*s, n)).collect();
    assert_eq!(
        walked,
        stages.iter().map(|(s, n)| (*s, n)).collect::<Vec<_>>()
    );
    assert_eq!(walked, stages.clone().into_iter().collect::<Vec<_>>());
    assert_eq!(
        format!("{stages:?}"),
        "{Proposed: 1, Deliberated: 1, MoiSigned: 1, Finalised: 1, Withdrawn: 0, Terminated: 1}"
    );
    let subjects = tracker.count_by_subject();
    assert_eq!(subjects[&SubjectArea::Logistics], 2);
    assert_eq!(subjects.get(&SubjectArea::Space), 1);
    assert_eq!(subjects[&"none".parse::<SubjectArea>().unwrap()], 0);
    assert_eq!(subjects.total(), 7);
    let areas: Vec<&SubjectArea> = subjects.keys().collect();
    let mut sorted = areas.clone();
    sorted.sort();
    assert_eq!(areas, sorted);
    let parties = tracker.count_by_party();
    assert_eq!(parties[code("IND")], 4);
    assert_eq!(parties[code("SWE")], 0);
    let first_two: Vec<(PartyCode, usize)> = parties.clone().into_iter().take(2).collect();
    assert_eq!(first_two, [(code("IND"), 4), (code("JPN"), 2)]);
    // A report serialises as a map from key to count, and reads back.
    let json = serde_json::to_string(&stages).unwrap();
    assert_eq!(
        json,
        r#"{"proposed":1,"deliberated":1,"moi-signed":1,"finalised":1,"withdrawn":0,"terminated":1}"#
    );
    let back: bilateral::tracker::Counts<Stage> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, stages);
    let err = serde_json::from_str::<bilateral::tracker::Counts<Stage>>("[1]").unwrap_err();
    assert!(
        err.to_string().contains("expected a map from key to count"),
        "{err}"
    );
    assert_ne!(Tracker::new().count_by_stage(), stages);
    assert!(Tracker::new().count_by_party().is_empty());
}

#[test]
fn the_timeline_across_agreements_is_in_date_order() {
    let tracker = sample();
    let lines: Vec<String> = tracker
        .timeline(date("2017"), date("2018"))
        .map(|(agreement, event)| {
            format!("{} {} {}", event.date(), event.kind(), agreement.title())
        })
        .collect();
    assert_eq!(
        lines,
        [
            "2017-03 deliberated Logistics support",
            "2018-01-10 moi-signed Logistics support",
            "2018-03-10 finalised Logistics support",
        ]
    );
    let november: Vec<String> = tracker
        .timeline(date("2024-11"), date("2024-11"))
        .map(|(_, event)| format!("{} {}", event.date(), event.kind()))
        .collect();
    assert_eq!(
        november,
        [
            "2024-11 proposed",
            "2024-11-15 moi-signed",
            "2024-11-22 deliberated"
        ]
    );
    // A reversed range is empty, not a panic.
    assert_eq!(tracker.timeline(date("2025"), date("2024")).count(), 0);
    assert_eq!(
        tracker
            .query()
            .events_between(date("2025"), date("2024"))
            .count(),
        0
    );
}

#[test]
fn a_tracker_round_trips_through_json() {
    let tracker = sample();
    let text = serde_json::to_string(&tracker).unwrap();
    let back: Tracker = serde_json::from_str(&text).unwrap();
    assert_eq!(back, tracker);
    assert_eq!(back.version(agreement_id(4)), Some(3));
    // Written as a stream or as a document, the same JSON, removals too.
    let mut tracker = tracker;
    tracker.remove(agreement_id(2)).unwrap();
    assert_eq!(
        serde_json::to_value(&tracker).unwrap(),
        serde_json::to_value(tracker.export()).unwrap()
    );
    let back: Tracker = serde_json::from_str(&serde_json::to_string(&tracker).unwrap()).unwrap();
    assert_eq!(back, tracker);
    // The policy is written once, for the tracker: its agreements' documents
    // do not repeat it (as an agreement written on its own does).
    let written = serde_json::to_value(&tracker).unwrap();
    assert_eq!(written["policy"]["name"], serde_json::json!("standard"));
    for tracked in written["agreements"].as_array().unwrap() {
        assert!(tracked["agreement"].get("policy").is_none(), "{tracked}");
        assert_eq!(tracked["agreement"]["format"], serde_json::json!(4));
    }
    let alone = serde_json::to_value(tracker.iter().next().unwrap()).unwrap();
    assert_eq!(alone["policy"]["name"], serde_json::json!("standard"));
    let removed = sample().get(agreement_id(2)).unwrap().clone();
    let mut back = back;
    assert_eq!(
        back.insert(removed).unwrap(),
        2,
        "the removed version travels"
    );
    assert_eq!(back.query().stage(Stage::Terminated).count(), 1);
}

#[test]
fn a_document_with_an_invalid_agreement_loads_nothing_and_says_which() {
    let mut doc = serde_json::to_value(sample()).unwrap();
    let load = |doc: &serde_json::Value| -> Result<Tracker, DocumentError> {
        Tracker::try_from(serde_json::from_value::<TrackerDocument>(doc.clone()).unwrap())
    };
    doc["agreements"][3]["agreement"]["parties"][0]["code"] = serde_json::json!("isl");
    let err = load(&doc).unwrap_err();
    match &err {
        DocumentError::InvalidAgreement {
            position,
            id,
            source,
            ..
        } => {
            assert_eq!(*position, 3);
            assert_eq!(*id, agreement_id(4).to_string());
            assert!(matches!(
                **source,
                DocumentError::Value {
                    source: ValueError::SameParty { .. },
                    ..
                }
            ));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().starts_with("agreement 3 ("), "{err}");
    assert_eq!(err.path(), Some("agreements[3].agreement.parties"));

    doc["agreements"][3] = doc["agreements"][0].clone();
    let err = load(&doc).unwrap_err();
    assert!(
        matches!(&err, DocumentError::InvalidAgreement { position: 3, source, .. } if matches!(**source, DocumentError::DuplicateAgreement { .. })),
        "{err}"
    );

    doc["agreements"][3]["agreement"]["id"] = serde_json::json!(agreement_id(44).to_string());
    doc["agreements"][3]["version"] = serde_json::json!(0);
    let err = load(&doc).unwrap_err();
    assert!(
        matches!(&err, DocumentError::InvalidAgreement { source, .. } if matches!(**source, DocumentError::Version { version: 0, .. })),
        "{err}"
    );

    doc["agreements"][3]["version"] = serde_json::json!(1);
    doc["format"] = serde_json::json!(9);
    assert!(matches!(
        load(&doc),
        Err(DocumentError::UnsupportedFormat { found: 9, .. })
    ));
}

#[test]
fn a_custom_policy_travels_with_the_tracker() {
    let skip = Policy::standard()
        .to_builder()
        .name("skip-moi")
        .allow(Stage::Deliberated, Stage::Finalised)
        .build()
        .unwrap();
    let mut tracker = Tracker::with_policy(skip);
    let id = tracker
        .create(
            Agreement::builder(
                "Logistics",
                Parties::new(party("IND"), party("JPN")).unwrap(),
            )
            .subject(SubjectArea::Logistics),
            event(1, EventKind::Deliberated, "2024-01-01"),
        )
        .unwrap();
    tracker
        .record(id, event(2, EventKind::Finalised, "2024-02-01"))
        .unwrap();
    let back: Tracker = serde_json::from_str(&serde_json::to_string(&tracker).unwrap()).unwrap();
    assert_eq!(back.policy().name(), "skip-moi");
    assert_eq!(back, tracker);
}

#[test]
fn observers_of_a_tracker_hear_its_stage_changes() {
    use std::sync::{Arc, Mutex};
    let heard = Arc::new(Mutex::new(Vec::new()));
    let mut tracker = Tracker::new();
    let sink = Arc::clone(&heard);
    tracker.observe(move |change: &bilateral::StageChange<'_>| {
        sink.lock().unwrap().push(change.receipt.after)
    });
    let id = tracker
        .create(
            Agreement::builder(
                "Logistics",
                Parties::new(party("IND"), party("JPN")).unwrap(),
            )
            .subject(SubjectArea::Logistics),
            event(1, EventKind::Proposed, "2024-01-01"),
        )
        .unwrap();
    tracker
        .record(id, event(2, EventKind::Deliberated, "2024-02-01"))
        .unwrap();
    tracker
        .record(id, event(3, EventKind::Note, "2024-03-01"))
        .unwrap();
    assert_eq!(
        *heard.lock().unwrap(),
        [Stage::Proposed, Stage::Deliberated]
    );
}

/// Regression from fuzzing (`operations`): a removed agreement has no
/// version, and changes to it are refused as unknown rather than panicking.
#[test]
fn a_removed_agreement_has_no_version_and_refuses_changes() {
    let mut tracker = sample();
    let id = agreement_id(1);
    tracker.remove(id).unwrap();
    assert_eq!(tracker.version(id), None);
    let before = tracker.clone();
    assert!(matches!(
        tracker.record_expecting(id, 2, crate::common::event(999, EventKind::Note, "2025")),
        Err(TrackerError::UnknownAgreement { .. })
    ));
    assert!(matches!(
        tracker.apply(
            id,
            None,
            Change::Retract {
                id: id_event(100),
                reason: "gone".into()
            }
        ),
        Err(TrackerError::UnknownAgreement { .. })
    ));
    crate::common::assert_same_tracker(&tracker, &before);
}

fn id_event(n: u128) -> bilateral::EventId {
    crate::common::id(n)
}

#[test]
fn a_title_search_folds_case_beyond_ascii() {
    // The Kelvin sign lower-cases to an ASCII k: found by "kilo" through
    // the Unicode path, which a title that is not ASCII must take.
    let mut tracker = Tracker::new();
    let parties = Parties::new(party("IND"), party("JPN")).unwrap();
    tracker
        .create(
            Agreement::builder("\u{212A}ilo accord", parties).subject(SubjectArea::Trade),
            event(1, EventKind::Proposed, "2024"),
        )
        .unwrap();
    assert_eq!(tracker.query().title_contains("kilo").count(), 1);
    assert_eq!(tracker.query().title_contains("KILO ACC").count(), 1);
    assert_eq!(tracker.query().title_contains("kilos").count(), 0);
}

/// Dashboard queries: "or" within a condition, a stage reached within a
/// range, an order, a page, and ids and counts.
#[test]
fn dashboard_queries_order_page_and_any_of() {
    let tracker = sample();
    let q = || tracker.query();
    // Either of two parties; any of several subjects or stages.
    assert_eq!(
        titles(q().any_party([code("PHL"), code("NOR")]).iter()),
        ["Defence cooperation", "Fisheries treaty"]
    );
    assert_eq!(
        titles(
            q().any_subject([SubjectArea::Space, SubjectArea::Fisheries])
                .iter()
        ),
        ["Defence cooperation", "Fisheries treaty"]
    );
    assert_eq!(
        titles(q().any_stage([Stage::Proposed, Stage::MoiSigned]).iter()),
        ["UNICORN mast", "Defence cooperation"]
    );
    assert_eq!(q().any_party([]).count(), 0);
    assert_eq!(q().any_stage([]).iter().count(), 0);
    // Any-of beside other filters: still "and" between conditions.
    assert_eq!(
        titles(
            q().any_party([code("JPN"), code("FRA")])
                .subject(SubjectArea::Logistics)
                .iter()
        ),
        [
            "Reciprocal Provision of Supplies and Services",
            "Logistics support"
        ]
    );
    // Reached a stage within a range, whether or not it moved on since.
    let reached = |stage, from: &str, to: &str| {
        titles(q().reached_between(stage, date(from), date(to)).iter())
    };
    assert_eq!(
        reached(Stage::Finalised, "2018", "2018"),
        ["Logistics support"]
    );
    assert_eq!(
        reached(Stage::Finalised, "1990", "1990"),
        ["Fisheries treaty"]
    );
    assert_eq!(
        reached(Stage::Terminated, "2005", "2005"),
        ["Fisheries treaty"]
    );
    assert!(reached(Stage::Finalised, "2019", "2030").is_empty());
    // A date less precise than the range does not lie within it.
    assert!(reached(Stage::Finalised, "1990-01", "1990-06").is_empty());
    assert!(reached(Stage::Proposed, "2024-11-01", "2024-11-29").is_empty());
    assert_eq!(
        reached(Stage::Proposed, "2024-11-01", "2024-11-30"),
        ["Defence cooperation"]
    );
    assert_eq!(
        reached(Stage::Proposed, "2024-11", "2024-11"),
        ["Defence cooperation"]
    );
    assert!(reached(Stage::Finalised, "2018", "2017").is_empty());
    // Beside a narrow filter, the range is checked per agreement.
    assert_eq!(
        q().party(code("FRA"))
            .reached_between(Stage::MoiSigned, date("2000"), date("2030"))
            .count(),
        1
    );
    assert_eq!(
        q().party(code("FRA"))
            .reached_between(Stage::Proposed, date("2000"), date("2030"))
            .count(),
        0
    );
    // Orders, either way, and pages.
    assert_eq!(
        titles(q().order_by(Order::Title).iter()),
        [
            "Defence cooperation",
            "Fisheries treaty",
            "Logistics support",
            "Reciprocal Provision of Supplies and Services",
            "UNICORN mast"
        ]
    );
    assert_eq!(
        titles(q().order_by(Order::LastEvent).iter()),
        [
            "Fisheries treaty",
            "Logistics support",
            "Defence cooperation",
            "UNICORN mast",
            "Reciprocal Provision of Supplies and Services"
        ]
    );
    let newest = || q().order_by(Order::LastEvent).descending();
    assert_eq!(
        titles(newest().limit(2).iter()),
        [
            "Reciprocal Provision of Supplies and Services",
            "UNICORN mast"
        ]
    );
    assert_eq!(
        titles(newest().offset(2).limit(2).iter()),
        ["Defence cooperation", "Logistics support"]
    );
    assert_eq!(
        titles(newest().offset(4).limit(2).iter()),
        ["Fisheries treaty"]
    );
    assert_eq!(newest().offset(9).count(), 0);
    assert_eq!(newest().offset(3).count(), 2);
    assert_eq!(newest().limit(3).count(), 3);
    assert_eq!(
        titles(q().descending().limit(1).iter()),
        ["Logistics support"]
    );
    assert_eq!(
        q().order_by(Order::Added)
            .offset(1)
            .limit(1)
            .ids()
            .collect::<Vec<_>>(),
        [agreement_id(2)]
    );
    // Ids and counts agree with the agreements.
    let ids: Vec<AgreementId> = q().party(code("IND")).ids().collect();
    assert_eq!(ids, [1, 2, 3, 5].map(agreement_id));
    assert_eq!(q().party(code("IND")).count(), 4);
    assert_eq!(q().count(), 5);
    assert_eq!(q().limit(2).count(), 2);
    assert_eq!(q().title_contains("treaty").offset(1).count(), 0);
}

/// Titles sort ignoring case, then as written (capitals first); equal
/// titles keep the order they were added in (and reverse it, descending).
#[test]
fn titles_sort_ignoring_case_and_ties_keep_their_order() {
    let mut tracker = Tracker::new();
    for (n, title) in [
        (1, "beta"),
        (2, "Alpha"),
        (3, "alpha"),
        (4, "Beta"),
        (5, "beta"),
    ] {
        let parties = Parties::new(party("IND"), party("JPN")).unwrap();
        tracker
            .create(
                Agreement::builder(title, parties).id(agreement_id(n)),
                event(n * 10, EventKind::Proposed, "2024"),
            )
            .unwrap();
    }
    let order =
        |query: bilateral::tracker::Query<'_>| -> Vec<AgreementId> { query.ids().collect() };
    assert_eq!(
        order(tracker.query().order_by(Order::Title)),
        [2, 3, 4, 1, 5].map(agreement_id)
    );
    assert_eq!(
        order(tracker.query().order_by(Order::Title).descending()),
        [5, 1, 4, 3, 2].map(agreement_id)
    );
    // Every agreement's last event is on the same date: as added.
    assert_eq!(
        order(tracker.query().order_by(Order::LastEvent)),
        [1, 2, 3, 4, 5].map(agreement_id)
    );
}

#[test]
fn query_orders_read_and_write_as_text() {
    for order in Order::ALL {
        assert_eq!(order.to_string().parse::<Order>().unwrap(), order);
        let json = serde_json::to_string(&order).unwrap();
        assert_eq!(json, format!("\"{order}\""));
        assert_eq!(serde_json::from_str::<Order>(&json).unwrap(), order);
    }
    assert_eq!("Last Event".parse::<Order>().unwrap(), Order::LastEvent);
    assert_eq!(Order::default(), Order::Added);
    let err = "newest".parse::<Order>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown query order \"newest\": expected one of added, title, last-event"
    );
}

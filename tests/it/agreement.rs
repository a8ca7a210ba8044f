//! Building agreements, recording events in and out of order, atomicity.

use crate::common::{date, event, india, india_japan, japan, kinds, opened, philippines};
use bilateral::agreement::AgreementError;
use bilateral::model::Field;
use bilateral::model::ValueError;
use bilateral::{Agreement, Event, EventKind, InstrumentKind, Parties, Rule, Stage, SubjectArea};

#[test]
fn stage_is_the_last_stage_change_of_the_history() {
    let mut agreement = opened(EventKind::Proposed, "2024-01-05");
    agreement
        .record(event(2, EventKind::Deliberated, "2024-03-01"))
        .unwrap();
    agreement
        .record(event(3, EventKind::Meeting, "2024-04-01"))
        .unwrap();
    assert_eq!(agreement.stage(), Stage::Deliberated);
    agreement
        .record(event(4, EventKind::Deliberated, "2024-05-01"))
        .unwrap();
    agreement
        .record(event(5, EventKind::MoiSigned, "2024-06-01"))
        .unwrap();
    assert_eq!(agreement.stage(), Stage::MoiSigned);
    assert_eq!(agreement.len(), 5);
}

#[test]
fn late_news_is_inserted_at_its_date() {
    let mut agreement = opened(EventKind::MoiSigned, "2024-11-15");
    agreement
        .record(event(2, EventKind::Deliberated, "2024-06-10"))
        .unwrap();
    agreement
        .record(event(3, EventKind::Proposed, "2023-02"))
        .unwrap();
    assert_eq!(
        kinds(&agreement),
        [
            EventKind::Proposed,
            EventKind::Deliberated,
            EventKind::MoiSigned
        ]
    );
    assert_eq!(agreement.stage(), Stage::MoiSigned);
    // Recording order is kept too.
    let recorded: Vec<_> = agreement
        .entries()
        .iter()
        .filter_map(bilateral::Entry::event)
        .map(Event::kind)
        .collect();
    assert_eq!(
        recorded,
        [
            EventKind::MoiSigned,
            EventKind::Deliberated,
            EventKind::Proposed
        ]
    );
}

#[test]
fn an_insertion_that_breaks_a_later_event_is_refused_and_changes_nothing() {
    let mut agreement = opened(EventKind::Deliberated, "2024-06-10");
    agreement
        .record(event(2, EventKind::MoiSigned, "2024-11-15"))
        .unwrap();
    let before = agreement.clone();

    let err = agreement
        .record(event(3, EventKind::Withdrawn, "2024-10-01"))
        .unwrap_err();
    crate::common::assert_same_agreement(&agreement, &before);
    let refusal = err.refusal().unwrap();
    assert_eq!(refusal.attempted().unwrap().kind, EventKind::Withdrawn);
    assert_eq!(refusal.refused().kind, EventKind::MoiSigned);
    assert_eq!(refusal.stage(), Some(Stage::Withdrawn));
    assert_eq!(
        refusal.rule(),
        &Rule::Final {
            stage: Stage::Withdrawn
        }
    );
    assert!(
        err.to_string().ends_with(
            "the \"moi-signed\" of 2024-11-15 would then come after the \"withdrawn\" of 2024-10-01, and under policy \"standard\" withdrawn is final"
        ),
        "{err}"
    );
}

#[test]
fn an_insertion_refused_at_its_own_place_says_so() {
    let mut agreement = opened(EventKind::Proposed, "2024-01-01");
    agreement
        .record(event(2, EventKind::Deliberated, "2024-06-01"))
        .unwrap();
    let before = agreement.clone();
    let err = agreement
        .record(event(3, EventKind::MoiSigned, "2024-03-01"))
        .unwrap_err();
    crate::common::assert_same_agreement(&agreement, &before);
    assert!(
        err.to_string()
            .contains("by then it was proposed since 2024-01-01, and under policy \"standard\" an MoI can only follow deliberation"),
        "{err}"
    );
}

#[test]
fn same_day_events_follow_the_lifecycle_then_recording_order() {
    // Recorded finalised first, then the MoI of the same day: the MoI comes first.
    let mut agreement = opened(EventKind::Finalised, "2024-05-01");
    agreement
        .record(event(2, EventKind::MoiSigned, "2024-05-01"))
        .unwrap();
    agreement
        .record(event(3, EventKind::EnteredIntoForce, "2024-05-01"))
        .unwrap();
    assert_eq!(
        kinds(&agreement),
        [
            EventKind::MoiSigned,
            EventKind::Finalised,
            EventKind::EnteredIntoForce
        ]
    );

    // Two rounds and a meeting on one day: rounds by recording order, meeting last.
    let mut talks = opened(EventKind::Deliberated, "2024-05-01");
    talks
        .record(event(2, EventKind::Meeting, "2024-05-01"))
        .unwrap();
    talks
        .record(event(3, EventKind::Deliberated, "2024-05-01"))
        .unwrap();
    let ids: Vec<u128> = talks
        .history()
        .map(|e| e.id().as_uuid().as_u128())
        .collect();
    assert_eq!(ids, [1, 3, 2]);
}

#[test]
fn imprecise_dates_are_ordered_by_the_lifecycle_where_they_overlap() {
    // "Deliberated in 2024" and "proposed on 2024-05-05": either could be first
    // by date, so the lifecycle decides.
    let mut agreement = opened(EventKind::Deliberated, "2024");
    agreement
        .record(event(2, EventKind::Proposed, "2024-05-05"))
        .unwrap();
    assert_eq!(
        kinds(&agreement),
        [EventKind::Proposed, EventKind::Deliberated]
    );
    assert_eq!(agreement.stage(), Stage::Deliberated);

    // A month and a day inside it.
    let mut signed = opened(EventKind::Finalised, "2017-06-20");
    signed
        .record(event(2, EventKind::MoiSigned, "2017-06"))
        .unwrap();
    assert_eq!(kinds(&signed), [EventKind::MoiSigned, EventKind::Finalised]);

    // But a date certainly before another always comes first.
    let mut late = opened(EventKind::Finalised, "2017-05");
    let err = late
        .record(event(2, EventKind::MoiSigned, "2017-06-20"))
        .unwrap_err();
    assert!(matches!(
        err.refusal().unwrap().rule(),
        Rule::Transition {
            from: Stage::Finalised,
            to: Stage::MoiSigned,
            ..
        }
    ));
}

#[test]
fn informational_events_may_precede_the_first_stage_change() {
    let mut agreement = opened(EventKind::MoiSigned, "2024-11-15");
    agreement
        .record(event(2, EventKind::Meeting, "2024-10-01"))
        .unwrap();
    assert_eq!(
        kinds(&agreement),
        [EventKind::Meeting, EventKind::MoiSigned]
    );
    assert_eq!(agreement.stage(), Stage::MoiSigned);
    // Entry into force cannot: nothing is finalised by then.
    let err = agreement
        .record(event(3, EventKind::EnteredIntoForce, "2024-09-01"))
        .unwrap_err();
    assert_eq!(err.refusal().unwrap().stage(), None);
    assert!(
        err.to_string().contains(
            "it would come before the \"moi-signed\" of 2024-11-15, the first recorded stage"
        ),
        "{err}"
    );
}

#[test]
fn the_same_event_cannot_be_recorded_twice() {
    let mut agreement = opened(EventKind::Proposed, "2024-01-01");
    let err = agreement
        .record(event(1, EventKind::Deliberated, "2024-02-01"))
        .unwrap_err();
    assert!(
        matches!(err, AgreementError::DuplicateEvent { .. }),
        "{err}"
    );
    assert_eq!(agreement.len(), 1);
}

#[test]
fn check_validates_without_recording() {
    let agreement = opened(EventKind::Proposed, "2024-01-01");
    let before = agreement.clone();
    assert!(
        agreement
            .check(&event(2, EventKind::Deliberated, "2024-02-01"))
            .is_ok()
    );
    assert!(
        agreement
            .check(&event(3, EventKind::Finalised, "2024-02-01"))
            .is_err()
    );
    crate::common::assert_same_agreement(&agreement, &before);
}

#[test]
fn builder_sets_every_header_field() {
    let id = bilateral::AgreementId::from_uuid(uuid::Uuid::from_u128(42));
    let agreement = Agreement::builder("  UNICORN mast  ", Parties::new(japan(), india()).unwrap())
        .id(id)
        .instrument(InstrumentKind::MemorandumOfImplementation)
        .subjects([
            SubjectArea::DefenceTechnology,
            SubjectArea::CoDevelopment,
            SubjectArea::CoDevelopment,
        ])
        .build(Event::new(EventKind::MoiSigned, date("2024-11-15")))
        .unwrap();
    assert_eq!(agreement.id(), id);
    assert_eq!(agreement.title(), "UNICORN mast");
    assert_eq!(
        agreement.instrument(),
        InstrumentKind::MemorandumOfImplementation
    );
    assert_eq!(agreement.parties(), &india_japan());
    assert_eq!(
        agreement.subjects(),
        [SubjectArea::CoDevelopment, SubjectArea::DefenceTechnology]
    );
    assert!(agreement.covers(&SubjectArea::CoDevelopment));
    assert!(!agreement.covers(&SubjectArea::Space));
}

#[test]
fn builder_refuses_what_cannot_make_an_agreement() {
    let builder = || {
        Agreement::builder(
            "India–Philippines cooperation",
            Parties::new(india(), philippines()).unwrap(),
        )
    };
    let first = || Event::new(EventKind::Proposed, date("2024-11"));

    let err = Agreement::builder(" \t ", india_japan())
        .subject(SubjectArea::Space)
        .build(first())
        .unwrap_err();
    assert!(matches!(
        err,
        AgreementError::Value(ValueError::Blank {
            field: Field::Title,
            ..
        })
    ));

    // No subject area: unclassified, as many real records are.
    let unclassified = builder().build(first()).unwrap();
    assert!(unclassified.is_unclassified());
    assert!(
        unclassified
            .to_string()
            .contains("\n  subjects: unclassified\n")
    );
    let classified = builder()
        .subject(SubjectArea::Space)
        .build(first())
        .unwrap();
    assert!(!classified.is_unclassified());
    assert!(classified.to_string().contains("\n  subjects: space\n"));

    let err = builder()
        .subject(SubjectArea::Space)
        .build(Event::new(EventKind::Meeting, date("2024-11")))
        .unwrap_err();
    assert!(
        matches!(
            err,
            AgreementError::NotAStageChange {
                kind: EventKind::Meeting,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "agreement \"India–Philippines cooperation\" cannot open with \"meeting\" on 2024-11: \
         its first event must be a stage change"
    );
}

#[test]
fn display_shows_header_stage_and_dated_history() {
    let mut agreement = opened(EventKind::Proposed, "2024-06");
    agreement
        .record(
            Event::builder(EventKind::Deliberated, date("2024-11-22"))
                .venue("Vientiane")
                .occasion("11th ADMM-Plus")
                .summary("use of each other's bases discussed")
                .build()
                .unwrap(),
        )
        .unwrap();
    let text = agreement.to_string();
    assert_eq!(
        text,
        "Reciprocal Provision of Supplies and Services\n  \
         India (IND) and Japan (JPN), agreement\n  \
         subjects: logistics\n  \
         stage: deliberated\n  \
         2024-06 proposed\n  \
         2024-11-22 deliberated at Vientiane (11th ADMM-Plus): use of each other's bases discussed\n"
    );
}

#[test]
fn every_change_returns_a_receipt_of_what_moved() {
    use crate::common::id;
    use bilateral::agreement::Placed;
    let mut agreement = opened(EventKind::Proposed, "2024-01-01");
    let placed = |receipt: &bilateral::Receipt| {
        (
            receipt
                .arrived
                .map(|p: Placed| (p.entry, p.date.to_string(), p.kind)),
            receipt
                .left
                .map(|p: Placed| (p.entry, p.date.to_string(), p.kind)),
        )
    };
    // An append.
    let receipt = agreement
        .record(event(2, EventKind::Deliberated, "2024-03-01"))
        .unwrap();
    assert_eq!(receipt.action, bilateral::lifecycle::Action::Record);
    assert_eq!(receipt.event, id(2));
    assert_eq!(receipt.entry, 1);
    assert_eq!(
        (receipt.before, receipt.after),
        (Some(Stage::Proposed), Stage::Deliberated)
    );
    assert_eq!(
        placed(&receipt),
        (Some((1, "2024-03-01".into(), EventKind::Deliberated)), None)
    );
    // A round of talks dated in the past moves no stage.
    let receipt = agreement
        .record(event(3, EventKind::Deliberated, "2024-02-01"))
        .unwrap();
    assert_eq!(
        (receipt.before, receipt.after),
        (Some(Stage::Deliberated), Stage::Deliberated)
    );
    assert_eq!(receipt.entry, 2);
    // A correction: the old version leaves, the new one arrives.
    let corrected = agreement
        .event(id(2))
        .unwrap()
        .to_builder()
        .kind(EventKind::MoiSigned)
        .build()
        .unwrap();
    let receipt = agreement.correct(corrected).unwrap();
    assert_eq!(receipt.action, bilateral::lifecycle::Action::Correct);
    assert_eq!(
        (receipt.before, receipt.after),
        (Some(Stage::Deliberated), Stage::MoiSigned)
    );
    assert_eq!(
        placed(&receipt),
        (
            Some((3, "2024-03-01".into(), EventKind::MoiSigned)),
            Some((1, "2024-03-01".into(), EventKind::Deliberated))
        )
    );
    // A retraction: the version in force leaves, nothing arrives.
    let receipt = agreement.retract(id(2), "misreported").unwrap();
    assert_eq!(
        (receipt.before, receipt.after),
        (Some(Stage::MoiSigned), Stage::Deliberated)
    );
    assert_eq!(
        placed(&receipt),
        (None, Some((3, "2024-03-01".into(), EventKind::MoiSigned)))
    );
    assert_eq!(receipt.entry, 4);
    // `check` gives the receipt a record would give, and records nothing.
    let before = agreement.clone();
    let preview = agreement
        .check(&event(5, EventKind::Withdrawn, "2024-04-01"))
        .unwrap();
    assert_eq!((preview.entry, preview.after), (5, Stage::Withdrawn));
    crate::common::assert_same_agreement(&agreement, &before);
}

#[test]
fn a_proposal_shows_the_move_a_guard_would_be_asked_about() {
    // Not the default instrument, so that the guard is seen to read it.
    let mut pact = Agreement::builder("Logistics", india_japan())
        .instrument(InstrumentKind::MemorandumOfImplementation)
        .subjects([SubjectArea::Logistics, SubjectArea::Exercises])
        .build(event(1, EventKind::Proposed, "2024-01-10"))
        .unwrap();
    pact.record(event(2, EventKind::Deliberated, "2024-02-01"))
        .unwrap();
    let signing = event(3, EventKind::MoiSigned, "2024-03-01");
    let proposal = pact.proposal(&signing).expect("a stage change");
    assert_eq!(
        (proposal.from(), proposal.to()),
        (Some(Stage::Deliberated), Stage::MoiSigned)
    );
    assert_eq!(proposal.event(), &signing);
    // The guard sees the agreement as it is.
    assert_eq!(proposal.agreement_id(), pact.id());
    assert_eq!(proposal.title(), pact.title());
    assert_eq!(proposal.parties(), pact.parties());
    assert_eq!(proposal.subjects(), pact.subjects());
    assert_eq!(proposal.instrument(), pact.instrument());
    assert_eq!(
        proposal.history().collect::<Vec<_>>(),
        pact.history().collect::<Vec<_>>()
    );
    // A note moves no stage: no guard is asked about it.
    assert!(
        pact.proposal(&event(4, EventKind::Meeting, "2024-03-01"))
            .is_none()
    );
}

#[test]
fn an_agreement_debugs_with_its_header_stage_and_entries() {
    let mut pact = opened(EventKind::Proposed, "2024-01-10");
    pact.record(event(2, EventKind::Deliberated, "2024-02-01"))
        .unwrap();
    let shown = format!("{pact:?}");
    for part in [
        "Agreement {",
        &format!("{:?}", pact.id()),
        &format!("{:?}", pact.title()),
        "stage: Some(Deliberated)",
        "entries: [",
    ] {
        assert!(shown.contains(part), "{part} missing from {shown}");
    }
    assert_eq!(shown.matches("Entry {").count(), 2, "{shown}");
}

#[test]
fn long_titles_of_real_treaty_series_are_kept() {
    // A real title of 514 characters (an exchange of notes listing what it
    // amends) was refused under the old limit of 500.
    let real = "Exchange of notes constituting an agreement amending the agreement \
        concerning air services, the agreement on the avoidance of double taxation, \
        the convention on social security and the arrangement on the mutual \
        recognition of driving licences, together with the annexes, protocols and \
        supplementary exchanges of letters relating thereto, and extending their \
        application to the territories for whose international relations either \
        party is responsible, as provided in the final clauses, with effect from \
        the date of the last notification of completion of internal procedures";
    assert!(real.chars().count() > 500, "{}", real.chars().count());
    for title in [real.to_owned(), "t".repeat(bilateral::limits::MAX_TITLE)] {
        let agreement = Agreement::builder(title.clone(), india_japan())
            .build(Event::new(EventKind::Finalised, date("1990-05-04")))
            .unwrap();
        assert_eq!(agreement.title(), title);
    }
    assert_eq!(bilateral::limits::MAX_TITLE, 2_000);
    assert!(
        bilateral::Source::new("Publisher", "s".repeat(bilateral::limits::MAX_SOURCE_TITLE))
            .is_ok()
    );
}

/// A shared list in order and without repeats is held as it is; any other
/// (out of order, repeated, or with areas added before or after it) is
/// copied into a list of its own, sorted, as `subjects` would make it.
#[test]
fn a_shared_list_of_areas_is_held_as_it_is_when_it_is_the_only_one() {
    use std::sync::Arc;
    let build = |builder: bilateral::AgreementBuilder| {
        builder
            .build(event(1, EventKind::Proposed, "2024"))
            .unwrap()
    };
    let builder = || Agreement::builder("Pact", india_japan());
    let held = |list: &Arc<[SubjectArea]>, agreement: &Agreement| {
        std::ptr::eq(agreement.subjects(), &**list)
    };
    let in_order: Arc<[SubjectArea]> = Arc::from([SubjectArea::Logistics, SubjectArea::Trade]);
    let pact = build(builder().subject_list(Arc::clone(&in_order)));
    assert!(held(&in_order, &pact));
    let expected = [SubjectArea::Logistics, SubjectArea::Trade];
    for list in [
        Arc::from([SubjectArea::Trade, SubjectArea::Logistics]),
        Arc::from([
            SubjectArea::Logistics,
            SubjectArea::Logistics,
            SubjectArea::Trade,
        ]),
    ] {
        let pact = build(builder().subject_list(Arc::clone(&list)));
        assert!(!held(&list, &pact));
        assert_eq!(pact.subjects(), expected);
    }
    let one: Arc<[SubjectArea]> = Arc::from([SubjectArea::Trade]);
    for pact in [
        build(
            builder()
                .subject(SubjectArea::Logistics)
                .subject_list(Arc::clone(&one)),
        ),
        build(
            builder()
                .subject_list(Arc::clone(&one))
                .subject(SubjectArea::Logistics),
        ),
        build(
            builder()
                .subject_list(Arc::from([SubjectArea::Logistics]))
                .subject_list(Arc::clone(&one)),
        ),
        build(
            builder()
                .subject_list(Arc::clone(&one))
                .subjects([SubjectArea::Logistics]),
        ),
    ] {
        assert!(!held(&one, &pact));
        assert_eq!(pact.subjects(), expected);
    }
    // An empty list is no area at all.
    assert!(build(builder().subject_list(Arc::from([]))).is_unclassified());
}

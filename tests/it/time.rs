//! Two kinds of time: valid time (the stage on a date) and recorded time
//! (the agreement as known at an instant), and the future-date rule.

use crate::common::{date, event, id, india_japan, opened};
use bilateral::agreement::AgreementError;
use bilateral::agreement::StageOn;
use bilateral::{Agreement, Clock, Context, EventKind, FixedClock, Policy, Stage, SubjectArea};
use chrono::{DateTime, Utc};

fn instant(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn full(agreement: &Agreement, day: &str) -> StageOn {
    agreement.stage_on(date(day))
}

/// The certain and the possible stage on `day`.
fn on(agreement: &Agreement, day: &str) -> (Option<Stage>, Option<Stage>) {
    let on = full(agreement, day);
    (on.certain, on.possible)
}

fn both(stage: Option<Stage>) -> (Option<Stage>, Option<Stage>) {
    (stage, stage)
}

#[test]
fn as_of_a_day_with_day_precision_events() {
    let mut agreement = opened(EventKind::Proposed, "2024-01-10");
    agreement
        .record(event(2, EventKind::Deliberated, "2024-03-05"))
        .unwrap();
    agreement
        .record(event(3, EventKind::MoiSigned, "2024-11-15"))
        .unwrap();
    assert_eq!(on(&agreement, "2024-01-09"), both(None));
    assert_eq!(on(&agreement, "2024-01-10"), both(Some(Stage::Proposed)));
    assert_eq!(on(&agreement, "2024-06-01"), both(Some(Stage::Deliberated)));
    assert_eq!(on(&agreement, "2024-11-15"), both(Some(Stage::MoiSigned)));
    assert!(full(&agreement, "2030-01-01").is_certain());
}

#[test]
fn as_of_a_day_inside_a_month_precision_event() {
    let mut agreement = opened(EventKind::Deliberated, "2024-03-05");
    agreement
        .record(event(2, EventKind::MoiSigned, "2024-06"))
        .unwrap();
    let inside = full(&agreement, "2024-06-15");
    assert_eq!(
        (inside.certain, inside.possible),
        (Some(Stage::Deliberated), Some(Stage::MoiSigned))
    );
    assert!(!inside.is_certain());
    assert_eq!(on(&agreement, "2024-05-31"), both(Some(Stage::Deliberated)));
    assert_eq!(on(&agreement, "2024-06-30"), both(Some(Stage::MoiSigned)));
    assert_eq!(on(&agreement, "2024-07-01"), both(Some(Stage::MoiSigned)));
}

#[test]
fn as_of_a_day_inside_a_year_precision_event() {
    let mut agreement = opened(EventKind::Finalised, "2010");
    agreement
        .record(event(2, EventKind::Terminated, "2015-08-01"))
        .unwrap();
    assert_eq!(on(&agreement, "2009-12-31"), both(None));
    assert_eq!(on(&agreement, "2010-06-01"), (None, Some(Stage::Finalised)));
    assert_eq!(on(&agreement, "2012-01-01"), both(Some(Stage::Finalised)));
    assert_eq!(on(&agreement, "2015-08-01"), both(Some(Stage::Terminated)));
}

#[test]
fn as_of_a_month_or_a_year() {
    let mut agreement = opened(EventKind::Proposed, "2024-01-10");
    agreement
        .record(event(2, EventKind::Deliberated, "2024-03-05"))
        .unwrap();
    // During March 2024 deliberation may or may not have happened yet.
    assert_eq!(
        on(&agreement, "2024-03"),
        (Some(Stage::Proposed), Some(Stage::Deliberated))
    );
    // During 2024, the agreement may not even have been proposed yet.
    assert_eq!(on(&agreement, "2024"), (None, Some(Stage::Deliberated)));
    assert_eq!(on(&agreement, "2025"), both(Some(Stage::Deliberated)));
}

#[test]
fn overlapping_events_are_possible_only_in_lifecycle_order() {
    // Deliberated "in 2024", proposed on 2024-05-05: the proposal comes first.
    let mut agreement = opened(EventKind::Deliberated, "2024");
    agreement
        .record(event(2, EventKind::Proposed, "2024-05-05"))
        .unwrap();
    // On 2024-03-01 nothing can have happened: deliberation follows the May proposal.
    assert_eq!(on(&agreement, "2024-03-01"), both(None));
    assert_eq!(
        on(&agreement, "2024-06-01"),
        (Some(Stage::Proposed), Some(Stage::Deliberated))
    );
}

#[test]
fn recorded_time_shows_the_agreement_as_known_then() {
    let policy = Policy::standard();
    let monday = FixedClock::new(instant("2024-11-25T09:00:00Z"));
    let tuesday = FixedClock::new(instant("2024-11-26T09:00:00Z"));
    let wednesday = FixedClock::new(instant("2024-11-27T09:00:00Z"));
    let mut agreement = Agreement::builder("Logistics", india_japan())
        .subject(SubjectArea::Logistics)
        .build_with(
            &Context::new(&policy, &monday),
            event(1, EventKind::MoiSigned, "2017-06"),
        )
        .unwrap();
    agreement
        .record_with(
            &Context::new(&policy, &tuesday),
            event(2, EventKind::Meeting, "2024-11-22"),
        )
        .unwrap();
    let fixed = agreement
        .event(id(1))
        .unwrap()
        .to_builder()
        .date(date("2018"))
        .build()
        .unwrap();
    agreement
        .correct_with(&Context::new(&policy, &wednesday), fixed)
        .unwrap();

    assert!(
        agreement
            .as_recorded_at(instant("2024-11-25T08:59:59Z"))
            .is_none()
    );
    let on_monday = agreement.as_recorded_at(monday.now()).unwrap();
    assert_eq!(on_monday.len(), 1);
    assert_eq!(on_monday.event(id(1)).unwrap().date(), date("2017-06"));
    let on_tuesday = agreement
        .as_recorded_at(instant("2024-11-26T23:00:00Z"))
        .unwrap();
    assert_eq!(on_tuesday.len(), 2);
    assert_eq!(on_tuesday.event(id(1)).unwrap().date(), date("2017-06"));
    let now = agreement.as_recorded_at(wednesday.now()).unwrap();
    assert_eq!(now, agreement);
    assert_eq!(now.event(id(1)).unwrap().date(), date("2018"));
    // Entries carry the clock's instants.
    let stamps: Vec<_> = agreement
        .entries()
        .iter()
        .map(|e| e.recorded_at())
        .collect();
    assert_eq!(stamps, [monday.now(), tuesday.now(), wednesday.now()]);
}

#[test]
fn a_clock_that_steps_back_never_reorders_the_trail() {
    let policy = Policy::standard();
    let later = FixedClock::new(instant("2024-11-26T09:00:00Z"));
    let earlier = FixedClock::new(instant("2024-11-25T09:00:00Z"));
    let mut agreement = Agreement::builder("Logistics", india_japan())
        .subject(SubjectArea::Logistics)
        .build_with(
            &Context::new(&policy, &later),
            event(1, EventKind::Proposed, "2024-01"),
        )
        .unwrap();
    agreement
        .record_with(
            &Context::new(&policy, &earlier),
            event(2, EventKind::Note, "2024-02"),
        )
        .unwrap();
    assert_eq!(agreement.entries()[1].recorded_at(), later.now());
}

#[test]
fn stage_changes_dated_in_the_future_are_refused() {
    let policy = Policy::standard();
    let clock = FixedClock::new(instant("2024-11-23T10:00:00Z"));
    let context = Context::new(&policy, &clock);
    let mut agreement = Agreement::builder("Logistics", india_japan())
        .subject(SubjectArea::Logistics)
        .build_with(&context, event(1, EventKind::Deliberated, "2024-11-22"))
        .unwrap();
    let before = agreement.clone();

    let err = agreement
        .record_with(&context, event(2, EventKind::MoiSigned, "2024-11-24"))
        .unwrap_err();
    assert!(
        matches!(
            err,
            AgreementError::FutureDate {
                kind: EventKind::MoiSigned,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("the date is after today (2024-11-23)"),
        "{err}"
    );
    crate::common::assert_same_agreement(&agreement, &before);

    // Today is fine, and so is a month that has started.
    agreement
        .record_with(&context, event(3, EventKind::Deliberated, "2024-11-23"))
        .unwrap();
    agreement
        .record_with(&context, event(4, EventKind::Deliberated, "2024-11"))
        .unwrap();

    // A correction into the future is refused too.
    let moved = agreement
        .event(id(3))
        .unwrap()
        .to_builder()
        .date(date("2025"))
        .build()
        .unwrap();
    assert!(matches!(
        agreement.correct_with(&context, moved),
        Err(AgreementError::FutureDate { .. })
    ));

    // Opening a record in the future is refused.
    let err = Agreement::builder("Later", india_japan())
        .subject(SubjectArea::Space)
        .build_with(&context, event(9, EventKind::Proposed, "2025-01-01"))
        .unwrap_err();
    assert!(matches!(err, AgreementError::FutureDate { .. }), "{err}");
}

#[test]
fn informational_events_may_be_planned_in_the_future() {
    let policy = Policy::standard();
    let clock = FixedClock::new(instant("2024-11-23T10:00:00Z"));
    let context = Context::new(&policy, &clock);
    let mut agreement = Agreement::builder("Logistics", india_japan())
        .subject(SubjectArea::Logistics)
        .build_with(&context, event(1, EventKind::Finalised, "2024-11-20"))
        .unwrap();
    agreement
        .record_with(&context, event(2, EventKind::Meeting, "2025-02-10"))
        .unwrap();
    agreement
        .record_with(
            &context,
            event(3, EventKind::EnteredIntoForce, "2025-01-01"),
        )
        .unwrap();
    assert_eq!(agreement.len(), 3);
    assert_eq!(clock.now(), instant("2024-11-23T10:00:00Z"));
}

#[test]
fn an_event_that_moves_no_stage_vouches_for_nothing() {
    // Deliberated some time in January 2024; a meeting on the 5th sits after
    // it in the history only by the tie-break.
    let mut agreement = opened(EventKind::Deliberated, "2024-01");
    let alone = full(&agreement, "2024-01-06");
    assert_eq!(
        (alone.certain, alone.possible),
        (None, Some(Stage::Deliberated))
    );
    agreement
        .record(event(2, EventKind::Meeting, "2024-01-05"))
        .unwrap();
    let with_meeting = full(&agreement, "2024-01-06");
    assert_eq!(with_meeting, alone);
    assert!(!with_meeting.has_certainly_reached(Stage::Deliberated));
    assert_eq!(on(&agreement, "2024-02-01"), both(Some(Stage::Deliberated)));
}

#[test]
fn a_later_certain_stage_change_vouches_for_earlier_ones() {
    // Proposed some time in 2020, deliberated on 2020-03-01: on 2020-06-01
    // the deliberation certainly happened, so the proposal did too.
    let mut agreement = opened(EventKind::Proposed, "2020");
    agreement
        .record(event(2, EventKind::Deliberated, "2020-03-01"))
        .unwrap();
    let june = full(&agreement, "2020-06-01");
    assert!(june.is_certainly_at(Stage::Deliberated));
    assert!(june.has_certainly_reached(Stage::Proposed));
    assert!(june.has_certainly_reached(Stage::Deliberated));
    assert!(!june.is_possibly_at(Stage::Proposed));
    assert_eq!(june.reached.len(), 2);
    assert_eq!(june.candidates.len(), 1);
    // On 2020-02-01 the proposal only possibly happened.
    let february = full(&agreement, "2020-02-01");
    assert_eq!(
        (february.certain, february.possible),
        (None, Some(Stage::Proposed))
    );
    assert!(february.is_possibly_at(Stage::Proposed));
    assert!(!february.is_possibly_at(Stage::Deliberated));
    assert!(february.reached.is_empty());
    assert!(!february.is_certain());
}

#[test]
fn every_stage_between_the_certain_and_the_possible_one_is_a_candidate() {
    let mut agreement = opened(EventKind::Deliberated, "2023-05-02");
    agreement
        .record(event(2, EventKind::MoiSigned, "2024"))
        .unwrap();
    agreement
        .record(event(3, EventKind::Finalised, "2024"))
        .unwrap();
    let june = full(&agreement, "2024-06-01");
    assert_eq!(
        (june.certain, june.possible),
        (Some(Stage::Deliberated), Some(Stage::Finalised))
    );
    for stage in [Stage::Deliberated, Stage::MoiSigned, Stage::Finalised] {
        assert!(june.is_possibly_at(stage), "{stage}");
        assert!(!june.is_certainly_at(stage), "{stage}");
    }
    assert!(!june.is_possibly_at(Stage::Proposed));
    assert!(june.has_certainly_reached(Stage::Deliberated));
    assert!(!june.has_certainly_reached(Stage::MoiSigned));
    assert!(!june.qualified);
}

#[test]
fn a_qualified_date_never_gives_a_certain_answer() {
    for mark in ["?", "~", "%"] {
        let mut agreement = opened(EventKind::Proposed, "2020-01-10");
        agreement
            .record(event(2, EventKind::Deliberated, &format!("2021-03{mark}")))
            .unwrap();
        // Long after, the deliberation is still not vouched for.
        let later = full(&agreement, "2024-06-01");
        assert_eq!(
            (later.certain, later.possible),
            (Some(Stage::Proposed), Some(Stage::Deliberated)),
            "{mark}"
        );
        assert!(later.qualified, "{mark}");
        assert!(!later.is_certain(), "{mark}");
        assert!(later.is_possibly_at(Stage::Deliberated), "{mark}");
        assert!(!later.has_certainly_reached(Stage::Deliberated), "{mark}");
        // Before its written month, it shows as a doubt on the answer.
        let before = full(&agreement, "2021-01-15");
        assert_eq!(
            (before.certain, before.possible),
            both(Some(Stage::Proposed)),
            "{mark}"
        );
        assert!(before.qualified && !before.is_certain(), "{mark}");
        // A later stage change dated exactly settles it.
        agreement
            .record(event(3, EventKind::MoiSigned, "2022-05-05"))
            .unwrap();
        let settled = full(&agreement, "2024-06-01");
        assert!(settled.is_certainly_at(Stage::MoiSigned), "{mark}");
        assert!(settled.has_certainly_reached(Stage::Deliberated), "{mark}");
        assert!(!settled.qualified, "{mark}");
    }
    // A plain date, for contrast, is certain once over.
    let mut plain = opened(EventKind::Proposed, "2020-01-10");
    plain
        .record(event(2, EventKind::Deliberated, "2021-03"))
        .unwrap();
    assert!(full(&plain, "2024-06-01").is_certainly_at(Stage::Deliberated));
    assert!(!full(&plain, "2021-01-15").qualified);
}

#[test]
fn a_stage_on_answer_round_trips_through_json() {
    let mut agreement = opened(EventKind::Proposed, "2020-01-10");
    agreement
        .record(event(2, EventKind::Deliberated, "2021?"))
        .unwrap();
    let answer = full(&agreement, "2022-01-01");
    let json = serde_json::to_value(answer).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "certain": "proposed",
            "possible": "deliberated",
            "reached": ["proposed"],
            "candidates": ["proposed", "deliberated"],
            "qualified": true
        })
    );
    assert_eq!(serde_json::from_value::<StageOn>(json).unwrap(), answer);
    let none = full(&agreement, "2019-01-01");
    assert_eq!(
        serde_json::to_value(none).unwrap(),
        serde_json::json!({"reached": [], "candidates": []})
    );
    assert!(none.is_certain());
}

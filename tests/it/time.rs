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

fn on(agreement: &Agreement, day: &str) -> StageOn {
    agreement.stage_on(date(day))
}

fn both(stage: Option<Stage>) -> StageOn {
    StageOn {
        certain: stage,
        possible: stage,
    }
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
    assert!(on(&agreement, "2030-01-01").is_certain());
}

#[test]
fn as_of_a_day_inside_a_month_precision_event() {
    let mut agreement = opened(EventKind::Deliberated, "2024-03-05");
    agreement
        .record(event(2, EventKind::MoiSigned, "2024-06"))
        .unwrap();
    let inside = on(&agreement, "2024-06-15");
    assert_eq!(
        inside,
        StageOn {
            certain: Some(Stage::Deliberated),
            possible: Some(Stage::MoiSigned)
        }
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
    assert_eq!(
        on(&agreement, "2010-06-01"),
        StageOn {
            certain: None,
            possible: Some(Stage::Finalised)
        }
    );
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
        StageOn {
            certain: Some(Stage::Proposed),
            possible: Some(Stage::Deliberated)
        }
    );
    // During 2024, the agreement may not even have been proposed yet.
    assert_eq!(
        on(&agreement, "2024"),
        StageOn {
            certain: None,
            possible: Some(Stage::Deliberated)
        }
    );
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
        StageOn {
            certain: Some(Stage::Proposed),
            possible: Some(Stage::Deliberated)
        }
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

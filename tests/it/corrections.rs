//! Corrections and retractions: new entries that refer to the original,
//! nothing erased, every refusal atomic.

use crate::common::{date, event, id, kinds, opened};
use bilateral::agreement::AgreementError;
use bilateral::lifecycle::Action;
use bilateral::model::ValueError;
use bilateral::{Change, Event, EventKind, Rule, Source, Stage};

fn source(publisher: &str, title: &str) -> Source {
    Source::new(publisher, title).unwrap()
}

#[test]
fn a_misdated_moi_is_corrected_and_both_claims_stay_with_their_sources() {
    let signed = Event::builder(EventKind::MoiSigned, date("2017-06"))
        .id(id(1))
        .source(source("First report", "MoI signed in June 2017"))
        .build()
        .unwrap();
    let mut agreement = bilateral::Agreement::builder("Shipbuilding", crate::common::india_japan())
        .subject(bilateral::SubjectArea::CoProduction)
        .build(signed.clone())
        .unwrap();

    let fixed = signed
        .to_builder()
        .date(date("2018"))
        .clear_sources()
        .source(source("Later report", "The MoI dates from 2018"))
        .build()
        .unwrap();
    agreement.correct(fixed).unwrap();

    // In force: the 2018 version.
    assert_eq!(agreement.event(id(1)).unwrap().date(), date("2018"));
    assert_eq!(agreement.len(), 1);
    assert_eq!(agreement.stage(), Stage::MoiSigned);
    // In the audit trail: both claims, each with its source.
    let versions: Vec<_> = agreement.versions(id(1)).collect();
    assert_eq!(versions.len(), 2);
    match (versions[0].change(), versions[1].change()) {
        (Change::Record(original), Change::Correct(corrected)) => {
            assert_eq!(original.date(), date("2017-06"));
            assert_eq!(original.sources()[0].publisher(), "First report");
            assert_eq!(corrected.date(), date("2018"));
            assert_eq!(corrected.sources()[0].publisher(), "Later report");
        }
        other => panic!("unexpected entries {other:?}"),
    }
    assert!(versions[0].recorded_at() <= versions[1].recorded_at());
}

#[test]
fn a_correction_can_change_the_kind_and_moves_the_event_in_the_history() {
    let mut agreement = opened(EventKind::Proposed, "2024-01-01");
    agreement
        .record(event(2, EventKind::Meeting, "2024-03-01"))
        .unwrap();
    agreement
        .record(event(3, EventKind::Deliberated, "2024-06-01"))
        .unwrap();
    // The "meeting" was in fact a round of deliberation, and later than thought.
    let fixed = agreement
        .event(id(2))
        .unwrap()
        .to_builder()
        .kind(EventKind::Deliberated)
        .date(date("2024-07"))
        .build()
        .unwrap();
    agreement.correct(fixed).unwrap();
    assert_eq!(
        kinds(&agreement),
        [
            EventKind::Proposed,
            EventKind::Deliberated,
            EventKind::Deliberated
        ]
    );
    let ids: Vec<_> = agreement.history().map(Event::id).collect();
    assert_eq!(ids, [id(1), id(3), id(2)]);
}

#[test]
fn a_correction_that_would_invalidate_the_history_is_refused_and_changes_nothing() {
    let mut agreement = opened(EventKind::Deliberated, "2024-01-01");
    agreement
        .record(event(2, EventKind::MoiSigned, "2024-06-01"))
        .unwrap();
    let before = agreement.clone();
    // Moving the MoI before the deliberation leaves deliberation after an MoI.
    let bad = agreement
        .event(id(2))
        .unwrap()
        .to_builder()
        .date(date("2023-12-01"))
        .build()
        .unwrap();
    let err = agreement.correct(bad).unwrap_err();
    crate::common::assert_same_agreement(&agreement, &before);
    let refusal = err.refusal().unwrap();
    assert_eq!(refusal.action(), Action::Correct);
    assert_eq!(refusal.refused().kind, EventKind::Deliberated);
    assert!(matches!(
        refusal.rule(),
        Rule::Transition {
            from: Stage::MoiSigned,
            to: Stage::Deliberated,
            ..
        }
    ));
    assert!(
        err.to_string()
            .starts_with("cannot correct \"moi-signed\" on 2023-12-01"),
        "{err}"
    );
}

#[test]
fn correcting_or_retracting_an_unknown_event_is_an_error() {
    let mut agreement = opened(EventKind::Proposed, "2024-01-01");
    let before = agreement.clone();
    let err = agreement
        .correct(event(42, EventKind::Deliberated, "2024-02-01"))
        .unwrap_err();
    assert!(
        matches!(
            err,
            AgreementError::UnknownEvent {
                action: Action::Correct,
                ..
            }
        ),
        "{err}"
    );
    let err = agreement.retract(id(42), "never happened").unwrap_err();
    assert!(
        matches!(
            err,
            AgreementError::UnknownEvent {
                action: Action::Retract,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("cannot retract event 00000000-0000-0000-0000-00000000002a"),
        "{err}"
    );
    crate::common::assert_same_agreement(&agreement, &before);
}

#[test]
fn correcting_or_retracting_a_retracted_event_is_an_error() {
    let mut agreement = opened(EventKind::Proposed, "2024-01-01");
    agreement
        .record(event(2, EventKind::Statement, "2024-02-01"))
        .unwrap();
    agreement.retract(id(2), "misattributed").unwrap();
    let before = agreement.clone();
    let err = agreement.retract(id(2), "again").unwrap_err();
    assert!(
        matches!(&err, AgreementError::AlreadyRetracted { reason, .. } if reason == "misattributed"),
        "{err}"
    );
    let err = agreement
        .correct(event(2, EventKind::Statement, "2024-02-02"))
        .unwrap_err();
    assert!(
        matches!(
            err,
            AgreementError::AlreadyRetracted {
                action: Action::Correct,
                ..
            }
        ),
        "{err}"
    );
    crate::common::assert_same_agreement(&agreement, &before);
    // A retracted id cannot be reused for a new event either.
    assert!(matches!(
        agreement.record(event(2, EventKind::Note, "2024-03-01")),
        Err(AgreementError::DuplicateEvent { .. })
    ));
}

#[test]
fn a_retraction_that_would_invalidate_the_history_is_refused() {
    let mut agreement = opened(EventKind::Proposed, "2024-01-01");
    agreement
        .record(event(2, EventKind::Deliberated, "2024-03-01"))
        .unwrap();
    agreement
        .record(event(3, EventKind::MoiSigned, "2024-06-01"))
        .unwrap();
    let before = agreement.clone();
    let err = agreement.retract(id(2), "no talks took place").unwrap_err();
    crate::common::assert_same_agreement(&agreement, &before);
    let refusal = err.refusal().unwrap();
    assert_eq!(refusal.action(), Action::Retract);
    assert_eq!(refusal.refused().kind, EventKind::MoiSigned);
    assert_eq!(refusal.stage(), Some(Stage::Proposed));
    assert!(
        err.to_string().contains(
            "the \"moi-signed\" of 2024-06-01 would then come after the \"proposed\" of 2024-01-01"
        ),
        "{err}"
    );
}

#[test]
fn the_last_stage_change_cannot_be_retracted_or_corrected_away() {
    let mut agreement = opened(EventKind::Proposed, "2024-01-01");
    agreement
        .record(event(2, EventKind::Meeting, "2024-02-01"))
        .unwrap();
    let before = agreement.clone();
    let err = agreement.retract(id(1), "wrong agreement").unwrap_err();
    assert!(matches!(err, AgreementError::NoStageLeft { .. }), "{err}");
    let err = agreement
        .correct(event(1, EventKind::Meeting, "2024-01-01"))
        .unwrap_err();
    assert!(
        matches!(
            err,
            AgreementError::NoStageLeft {
                action: Action::Correct,
                ..
            }
        ),
        "{err}"
    );
    crate::common::assert_same_agreement(&agreement, &before);
}

#[test]
fn a_retracted_event_leaves_the_history_but_not_the_audit_trail() {
    let mut agreement = opened(EventKind::Proposed, "2024-01-01");
    agreement
        .record(event(2, EventKind::Deliberated, "2024-03-01"))
        .unwrap();
    agreement
        .record(event(3, EventKind::Withdrawn, "2024-05-01"))
        .unwrap();
    assert_eq!(agreement.stage(), Stage::Withdrawn);
    agreement.retract(id(3), "the report was mistaken").unwrap();
    assert_eq!(agreement.stage(), Stage::Deliberated);
    assert_eq!(agreement.len(), 2);
    assert_eq!(agreement.entries().len(), 4);
    assert!(agreement.is_retracted(id(3)));
    assert_eq!(agreement.event(id(3)), None);
    // Once retracted, the track can move on.
    agreement
        .record(event(4, EventKind::MoiSigned, "2024-06-01"))
        .unwrap();
    assert_eq!(agreement.stage(), Stage::MoiSigned);
}

#[test]
fn a_blank_retraction_reason_is_refused() {
    let mut agreement = opened(EventKind::Proposed, "2024-01-01");
    agreement
        .record(event(2, EventKind::Note, "2024-02-01"))
        .unwrap();
    let before = agreement.clone();
    assert!(matches!(
        agreement.retract(id(2), "  ").unwrap_err(),
        AgreementError::Value(ValueError::Blank {
            field: bilateral::model::Field::Reason,
            ..
        })
    ));
    crate::common::assert_same_agreement(&agreement, &before);
}

#[test]
fn a_refused_correction_of_the_last_event_says_where_the_agreement_is() {
    // The last event corrected into a stage that may not follow: the
    // refusal speaks of the present ("it is"), as the corrected event is
    // the last of the history.
    let mut agreement = opened(EventKind::Proposed, "2024-01-10");
    agreement
        .record(event(2, EventKind::Deliberated, "2024-03-05"))
        .unwrap();
    agreement
        .record(event(3, EventKind::MoiSigned, "2024-11-15"))
        .unwrap();
    let before = agreement.clone();
    let err = agreement
        .correct(event(3, EventKind::Finalised, "2024-11-15"))
        .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("it is deliberated since 2024-03-05, and under policy \"standard\""),
        "{message}"
    );
    assert!(!message.contains("by then"), "{message}");
    crate::common::assert_same_agreement(&agreement, &before);
    // The same correction of an event that is not the last speaks of the
    // past.
    agreement
        .record(event(4, EventKind::Meeting, "2024-12-01"))
        .unwrap();
    let before = agreement.clone();
    let err = agreement
        .correct(event(3, EventKind::Finalised, "2024-11-15"))
        .unwrap_err();
    assert!(
        err.to_string().contains("by then it was deliberated"),
        "{err}"
    );
    crate::common::assert_same_agreement(&agreement, &before);
}

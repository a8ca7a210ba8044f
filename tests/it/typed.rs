//! The typed lifecycle: moves, refusals that give the handle back, notes,
//! conversions, and compile-fail tests for the moves that must not exist.

use bilateral::agreement::AgreementError;
use bilateral::typed::TypedError;
use bilateral::typed::{Deliberated, Finalised, MoiSigned, Proposed};
use bilateral::{
    Agreement, AnyTyped, Event, EventDate, EventKind, FixedClock, Parties, Party, Stage,
    SubjectArea, Typed,
};

fn date(text: &str) -> EventDate {
    text.parse().unwrap()
}

fn proposal() -> Typed<Proposed> {
    let parties = Parties::new(
        Party::state("IND", "India").unwrap(),
        Party::state("JPN", "Japan").unwrap(),
    )
    .unwrap();
    Typed::propose(
        Agreement::builder("Reciprocal Provision of Supplies and Services", parties)
            .subject(SubjectArea::Logistics),
        date("2024-01-10"),
    )
    .unwrap()
}

#[test]
fn a_workflow_through_every_move() {
    let talks: Typed<Deliberated> = proposal().deliberate(date("2024-03-05")).unwrap();
    let more: Typed<Deliberated> = talks.deliberate(date("2024-06-01")).unwrap();
    let signed: Typed<MoiSigned> = more
        .sign_moi(Event::builder(EventKind::Note, date("2024-11-15")).venue("Tokyo"))
        .unwrap();
    let done: Typed<Finalised> = signed.finalise(date("2025-01-20")).unwrap();
    let ended = done.terminate(date("2025-12-31")).unwrap();
    assert_eq!(ended.stage(), Stage::Terminated);
    let agreement: Agreement = ended.into();
    let kinds: Vec<EventKind> = agreement.history().map(Event::kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::Proposed,
            EventKind::Deliberated,
            EventKind::Deliberated,
            EventKind::MoiSigned,
            EventKind::Finalised,
            EventKind::Terminated
        ]
    );
    // The builder's kind was set by the move; its details were kept.
    assert_eq!(agreement.history().nth(3).unwrap().venue(), Some("Tokyo"));
    // Withdrawal from each open stage.
    assert_eq!(
        proposal().withdraw(date("2024-02-01")).unwrap().stage(),
        Stage::Withdrawn
    );
    let talks = proposal().deliberate(date("2024-02-01")).unwrap();
    assert_eq!(
        talks.withdraw(date("2024-02-02")).unwrap().stage(),
        Stage::Withdrawn
    );
    let signed = proposal()
        .deliberate(date("2024-02-01"))
        .unwrap()
        .sign_moi(date("2024-02-02"))
        .unwrap();
    assert_eq!(
        signed.withdraw(date("2024-02-03")).unwrap().stage(),
        Stage::Withdrawn
    );
}

#[test]
fn a_refused_move_gives_back_the_unchanged_handle() {
    let clock = FixedClock::new("2024-06-01T00:00:00Z".parse().unwrap());
    let talks = proposal()
        .with_clock(clock)
        .deliberate(date("2024-03-05"))
        .unwrap();
    let before = talks.clone();
    // Dated after the clock's today: refused at run time.
    let refused = talks.sign_moi(date("2024-12-01")).unwrap_err();
    assert!(
        matches!(
            refused.error,
            TypedError::Agreement(AgreementError::FutureDate { .. })
        ),
        "{}",
        refused.error
    );
    assert_eq!(refused.handle, before);
    // The handle still works.
    let signed = refused.handle.sign_moi(date("2024-05-01")).unwrap();
    assert_eq!(signed.stage(), Stage::MoiSigned);
}

#[test]
fn a_move_dated_into_the_past_that_lands_elsewhere_is_refused() {
    let talks = proposal().deliberate(date("2024-03-05")).unwrap();
    let before = talks.clone();
    // Withdrawal dated before the proposal would be placed first and break the history.
    let refused = talks.withdraw(date("2023-01-01")).unwrap_err();
    assert!(refused.error.refusal().is_some(), "{}", refused.error);
    assert_eq!(refused.handle, before);
    // A second round dated before the first is accepted, and the type stays true.
    let again = before.deliberate(date("2024-02-01")).unwrap();
    assert_eq!(again.agreement().stage(), Stage::Deliberated);
}

#[test]
fn informational_events_keep_the_type() {
    let mut signed = proposal()
        .deliberate(date("2024-02-01"))
        .unwrap()
        .sign_moi(date("2024-03-01"))
        .unwrap();
    signed
        .note(Event::new(EventKind::Meeting, date("2024-04-01")))
        .unwrap();
    let err = signed
        .note(Event::new(EventKind::Finalised, date("2024-05-01")))
        .unwrap_err();
    assert!(matches!(
        err,
        TypedError::NotInformational {
            kind: EventKind::Finalised,
            stage: Stage::MoiSigned,
            ..
        }
    ));
    assert_eq!(signed.agreement().len(), 4);
    // Entry into force is informational but only follows finalisation.
    assert!(
        signed
            .note(Event::new(EventKind::EnteredIntoForce, date("2024-05-01")))
            .is_err()
    );
    let mut done = signed.finalise(date("2024-06-01")).unwrap();
    done.note(Event::new(EventKind::EnteredIntoForce, date("2024-07-01")))
        .unwrap();
    assert_eq!(done.stage(), Stage::Finalised);
}

#[test]
fn conversions_between_runtime_and_typed() {
    let agreement: Agreement = proposal().deliberate(date("2024-02-01")).unwrap().into();
    let wrong = Typed::<Finalised>::try_from(agreement.clone()).unwrap_err();
    assert_eq!(wrong.expected, Stage::Finalised);
    assert_eq!(wrong.agreement, agreement);
    assert!(
        wrong.to_string().ends_with("is deliberated, not finalised"),
        "{wrong}"
    );
    let typed = Typed::<Deliberated>::try_from(agreement.clone()).unwrap();
    assert_eq!(typed.agreement(), &agreement);
    match AnyTyped::from(agreement.clone()) {
        AnyTyped::Deliberated(talks) => assert_eq!(talks.into_agreement(), agreement),
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        Agreement::from(AnyTyped::from(agreement.clone())),
        agreement
    );
}

#[test]
fn a_refused_move_and_a_handle_show_what_they_hold() {
    let before = proposal();
    // Deliberated after today: refused, with the handle given back.
    let err = before.clone().deliberate(date("9999-01-01")).unwrap_err();
    assert_eq!(err.handle, before);
    assert!(matches!(
        err.error,
        TypedError::Agreement(AgreementError::FutureDate { .. })
    ));
    assert_eq!(err.to_string(), err.error.to_string());
    assert!(
        err.to_string()
            .starts_with("cannot record \"deliberated\" on 9999-01-01")
    );
    let source = std::error::Error::source(&*err).expect("the typed error");
    assert_eq!(source.to_string(), err.error.to_string());
    let debug = format!("{err:?}");
    assert!(
        debug.starts_with("MoveError { stage: Proposed, error: "),
        "{debug}"
    );
    // A handle debugs as its stage and agreement, and compares by agreement.
    let debug = format!("{before:?}");
    assert!(
        debug.starts_with("Typed { stage: Proposed, agreement: Agreement {"),
        "{debug}"
    );
    let other = proposal();
    assert_ne!(before, other, "two proposals have two ids");
    assert_eq!(before, before.clone());
}

/// A move takes a date as text, checked as `parse` checks it: text that
/// is no date is refused with the same error, and the handle comes back
/// unchanged.
#[test]
fn moves_take_dates_as_text() {
    let text = String::from("2024-03-05");
    let deliberated = proposal().deliberate(text.as_str()).unwrap();
    let again = deliberated.clone().deliberate(&text).unwrap();
    assert_eq!(again.agreement().len(), 3);
    let signed = deliberated
        .clone()
        .sign_moi(String::from("2024-11-15"))
        .unwrap();
    assert_eq!(
        signed.agreement().history().next_back().unwrap().date(),
        date("2024-11-15")
    );
    for bad in ["2024-13-01", "", "tomorrow"] {
        let refused = deliberated.clone().sign_moi(bad).unwrap_err();
        assert_eq!(
            refused.error,
            TypedError::Value(bad.parse::<EventDate>().unwrap_err()),
            "{bad:?}"
        );
        assert_eq!(refused.handle, deliberated);
    }
    let parties = Parties::new(
        Party::state("IND", "India").unwrap(),
        Party::state("JPN", "Japan").unwrap(),
    )
    .unwrap();
    let opened = Typed::propose(Agreement::builder("Pact", parties.clone()), "2024-01").unwrap();
    assert_eq!(
        opened.agreement().history().next().unwrap().date(),
        date("2024-01")
    );
    assert_eq!(
        Typed::propose(Agreement::builder("Pact", parties), "2024-1").unwrap_err(),
        TypedError::Value("2024-1".parse::<EventDate>().unwrap_err())
    );
}

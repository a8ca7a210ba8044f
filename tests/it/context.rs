//! The context an agreement keeps: its plain methods judge under the policy
//! and read "today" from the clock it was given, so deterministic use needs
//! no `Context` per call; typed handles keep it too.

use crate::common::{event, india_japan};
use bilateral::document::AgreementDocument;
use bilateral::lifecycle::{BothPartiesRepresented, guard_fn};
use bilateral::typed::TypedError;
use bilateral::{
    Agreement, Clock, EventKind, FixedClock, Policy, Stage, SubjectArea, Tracker, Trigger, Typed,
    Veto,
};

fn no_withdrawals() -> Policy {
    Policy::strict()
        .to_builder()
        .name("no-withdrawals")
        .guard(
            Trigger::Into(Stage::Withdrawn),
            guard_fn("never", |_| Err(Veto::new("no withdrawals"))),
        )
        .build()
        .unwrap()
}

fn clock(at: &str) -> FixedClock {
    FixedClock::new(at.parse().unwrap())
}

#[test]
fn plain_methods_use_the_kept_clock_and_policy() {
    let june = clock("2024-06-01T08:00:00Z");
    let mut pact = Agreement::builder("Pact", india_japan())
        .clock(june)
        .policy(Policy::strict())
        .build(event(1, EventKind::Proposed, "2024-01"))
        .unwrap();
    assert_eq!(pact.entries()[0].recorded_at(), june.now());
    assert_eq!(pact.context().policy(), &Policy::strict());
    assert_eq!(pact.context().clock().now(), june.now());
    // "Today" is the kept clock's: July is in the future.
    assert!(matches!(
        pact.record(event(2, EventKind::Deliberated, "2024-07")),
        Err(bilateral::agreement::AgreementError::FutureDate { .. })
    ));
    assert!(
        pact.check(&event(2, EventKind::Deliberated, "2024-07"))
            .is_err()
    );
    pact.record(event(3, EventKind::Deliberated, "2024-05"))
        .unwrap();
    assert_eq!(pact.entries()[1].recorded_at(), june.now());
    // The kept policy's rules and guards: this one refuses withdrawals,
    // which the standard policy allows.
    let mut guarded = pact.clone().with_policy(no_withdrawals());
    let withdrawal = event(4, EventKind::Withdrawn, "2024-05-20");
    assert!(guarded.check(&withdrawal).unwrap_err().refusal().is_some());
    assert!(guarded.record(withdrawal.clone()).is_err());
    assert!(
        guarded
            .check_with(&bilateral::Context::standard(), &withdrawal)
            .is_ok()
    );
    assert!(pact.check(&withdrawal).is_ok());
    // Corrections and retractions read the same clock.
    pact.record(event(5, EventKind::Meeting, "2024-05-02"))
        .unwrap();
    pact.correct(event(5, EventKind::Meeting, "2024-05-03"))
        .unwrap();
    pact.retract(
        bilateral::EventId::from_uuid(uuid::Uuid::from_u128(5)),
        "duplicate",
    )
    .unwrap();
    assert!(
        pact.entries()
            .iter()
            .all(|entry| entry.recorded_at() == june.now())
    );
}

#[test]
fn an_agreement_without_a_kept_context_uses_the_standard_one() {
    let pact = Agreement::builder("Pact", india_japan())
        .build(event(1, EventKind::Proposed, "2024-01"))
        .unwrap();
    assert_eq!(pact.context().policy(), &Policy::standard());
    let now = chrono::Utc::now();
    let read = pact.context().clock().now();
    assert!((read - now).num_seconds().abs() < 60, "{read} {now}");
    // A clock alone keeps the standard policy, a policy alone the system clock.
    let clocked = pact.clone().with_clock(clock("2025-01-01T00:00:00Z"));
    assert_eq!(clocked.context().policy(), &Policy::standard());
    assert_eq!(
        clocked.context().clock().now(),
        clock("2025-01-01T00:00:00Z").now()
    );
    let strict = clocked.clone().with_policy(Policy::strict());
    assert_eq!(strict.context().policy(), &Policy::strict());
    assert_eq!(
        strict.context().clock().now(),
        clock("2025-01-01T00:00:00Z").now()
    );
    let back = strict.clone().with_policy(Policy::standard());
    assert_eq!(back.context().policy(), &Policy::standard());
    assert_eq!(
        back.context().clock().now(),
        clock("2025-01-01T00:00:00Z").now()
    );
    // What is kept is not part of the record.
    assert_eq!(strict, pact);
    assert_eq!(strict.clone().context().policy(), &Policy::strict());
}

/// A policy with another table, given to an agreement judged under the
/// standard one, checks the whole history at the next change.
#[test]
fn a_new_policy_checks_the_history_at_the_next_change() {
    let mut pact = Agreement::builder("Pact", india_japan())
        .subject(SubjectArea::Logistics)
        .build(event(1, EventKind::Finalised, "2024-01"))
        .unwrap();
    // The strict policy lets a record open only at proposed.
    pact = pact.with_policy(Policy::strict());
    let before = pact.clone();
    assert!(
        pact.record(event(2, EventKind::Meeting, "2024-02"))
            .is_err()
    );
    assert_eq!(pact, before);
    assert_eq!(pact.policy().name(), "standard");
}

#[test]
fn a_history_refused_by_a_new_table_names_the_stage_changes_around_the_step() {
    let lax = Policy::standard()
        .to_builder()
        .name("lax")
        .allow(Stage::Deliberated, Stage::Finalised)
        .build()
        .unwrap();
    let mut pact = Agreement::builder("Pact", india_japan())
        .policy(lax)
        .build(event(1, EventKind::Proposed, "2024-01"))
        .unwrap();
    pact.record(event(2, EventKind::Deliberated, "2024-02"))
        .unwrap();
    pact.record(event(3, EventKind::Meeting, "2024-03"))
        .unwrap();
    pact.record(event(4, EventKind::Finalised, "2024-04"))
        .unwrap();
    pact.record(event(5, EventKind::Terminated, "2024-05"))
        .unwrap();
    // Under the standard table, finalising straight after deliberation is
    // refused: the refusal names the stage change before it and the one
    // after it, not the meeting nor the refused step itself.
    let mut pact = pact.with_policy(Policy::standard());
    let err = pact
        .record(event(6, EventKind::Meeting, "2024-06"))
        .unwrap_err();
    let refusal = err.refusal().unwrap();
    assert_eq!(refusal.refused().kind, EventKind::Finalised);
    assert_eq!(
        refusal.before().map(|step| step.kind),
        Some(EventKind::Deliberated)
    );
    assert_eq!(
        refusal.next().map(|step| step.kind),
        Some(EventKind::Terminated)
    );
}

#[test]
fn a_document_read_under_a_policy_keeps_it() {
    let mut pact = Agreement::builder("Pact", india_japan())
        .policy(Policy::strict())
        .build(event(1, EventKind::Proposed, "2024-01"))
        .unwrap();
    pact.record(event(2, EventKind::Deliberated, "2024-02"))
        .unwrap();
    let json = serde_json::to_string(&pact).unwrap();
    let read: Agreement = serde_json::from_str(&json).unwrap();
    assert_eq!(read.context().policy(), &Policy::strict());
    let loaded = AgreementDocument::from(&pact)
        .into_agreement(&Policy::strict())
        .unwrap();
    assert_eq!(loaded.context().policy(), &Policy::strict());
    let standard: Agreement = serde_json::from_str(
        &serde_json::to_string(
            &Agreement::builder("Pact", india_japan())
                .build(event(1, EventKind::Proposed, "2024-01"))
                .unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(standard.context().policy(), &Policy::standard());
}

/// In a tracker the tracker's policy and clock apply, whatever the
/// agreement keeps.
#[test]
fn a_tracker_judges_under_its_own_context() {
    let pact = Agreement::builder("Pact", india_japan())
        .clock(clock("2024-03-01T00:00:00Z"))
        .build(event(1, EventKind::Proposed, "2024-01"))
        .unwrap();
    let mut tracker = Tracker::new().with_clock(clock("2030-01-01T00:00:00Z"));
    let id = pact.id();
    tracker.insert(pact).unwrap();
    // Dated after the agreement's clock but before the tracker's: accepted.
    tracker
        .record(id, event(2, EventKind::Deliberated, "2025-01"))
        .unwrap();
    assert_eq!(
        tracker.get(id).unwrap().entries()[1].recorded_at(),
        clock("2030-01-01T00:00:00Z").now()
    );
}

#[test]
fn typed_handles_move_under_the_kept_context() {
    // A clock kept by the builder: "today" for every move.
    let proposal = Typed::propose(
        Agreement::builder("Pact", india_japan()).clock(clock("2024-03-01T00:00:00Z")),
        "2024-01",
    )
    .unwrap();
    let refused = proposal.clone().deliberate("2024-04").unwrap_err();
    assert!(matches!(
        refused.error,
        TypedError::Agreement(bilateral::agreement::AgreementError::FutureDate { .. })
    ));
    let later = proposal.with_clock(clock("2024-06-01T00:00:00Z"));
    let deliberated = later.deliberate("2024-04").unwrap();
    assert_eq!(
        deliberated.agreement().entries()[1].recorded_at(),
        clock("2024-06-01T00:00:00Z").now()
    );
    // A policy with a guard: the move is the standard one, refused when it runs.
    let guarded = Policy::standard()
        .to_builder()
        .name("represented")
        .guard(Trigger::Into(Stage::MoiSigned), BothPartiesRepresented)
        .build()
        .unwrap();
    let guarded_handle = deliberated.clone().with_policy(guarded.clone());
    assert_eq!(guarded_handle.agreement().context().policy(), &guarded);
    let refused = guarded_handle.sign_moi("2024-05").unwrap_err();
    assert!(refused.error.refusal().is_some());
    assert_eq!(refused.handle.agreement(), deliberated.agreement());
    // Under the standard policy the same move is accepted.
    assert!(deliberated.sign_moi("2024-05").is_ok());
    // A note too reads the kept clock.
    let mut noted = Typed::propose(
        Agreement::builder("Pact", india_japan()).clock(clock("2024-03-01T00:00:00Z")),
        "2024-01",
    )
    .unwrap();
    noted.note(event(9, EventKind::Meeting, "2024-02")).unwrap();
    assert_eq!(
        noted.agreement().entries()[1].recorded_at(),
        clock("2024-03-01T00:00:00Z").now()
    );
}

/// A typed move under a policy with another table checks the whole
/// history first, as a plain change does.
#[test]
fn a_typed_move_under_another_table_checks_the_history() {
    let finalised = Agreement::builder("Pact", india_japan())
        .build(event(1, EventKind::Finalised, "2024-01"))
        .unwrap();
    let handle = Typed::<bilateral::typed::Finalised>::try_from(finalised)
        .unwrap()
        .with_policy(Policy::strict());
    let refused = handle.terminate("2024-06").unwrap_err();
    assert!(refused.error.refusal().is_some());
    assert_eq!(refused.handle.agreement().len(), 1);
    // Under a policy with the same table, kept under it after the move.
    let renamed = Policy::standard()
        .to_builder()
        .name("ours")
        .build()
        .unwrap();
    let moved = refused
        .handle
        .with_policy(renamed)
        .terminate("2024-06")
        .unwrap();
    assert_eq!(moved.stage(), Stage::Terminated);
}

/// What a builder or an agreement keeps shows in its debug output.
#[test]
fn a_kept_context_shows_in_debug_output() {
    let builder = Agreement::builder("Pact", india_japan())
        .policy(Policy::strict())
        .clock(clock("2024-06-01T08:00:00Z"));
    let shown = format!("{builder:?}");
    assert!(
        shown.contains("Kept { policy: Some(\"strict\"), clock: Some(2024-06-01T08:00:00Z) }"),
        "{shown}"
    );
    let plain = format!("{:?}", Agreement::builder("Pact", india_japan()));
    assert!(plain.contains("kept: None"), "{plain}");
}

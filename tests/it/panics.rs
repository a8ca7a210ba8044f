//! User code that panics (an observer, a guard, a clock) leaves every value
//! consistent: a change is complete before any observer hears of it, and
//! nothing is written before guards and clocks have had their say.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::common::{assert_same_agreement, assert_same_tracker, event, id, india_japan};
use bilateral::lifecycle::{Guards, guard_fn};
use bilateral::{
    Agreement, AgreementId, Clock, Context, EventKind, FixedClock, Policy, Stage, StageChange,
    SubjectArea, Tracker, Trigger,
};
use chrono::{DateTime, Utc};

fn clock() -> FixedClock {
    FixedClock::new("2030-01-01T00:00:00Z".parse().unwrap())
}

fn builder(n: u128) -> bilateral::AgreementBuilder {
    Agreement::builder(format!("Pact {n}"), india_japan())
        .id(AgreementId::from_uuid(uuid::Uuid::from_u128(n)))
        .subject(SubjectArea::Logistics)
}

/// Checks that a tracker is consistent with itself: its counts and indexed
/// queries equal a scan of its agreements, and it survives a JSON round
/// trip unchanged.
#[track_caller]
fn assert_consistent(tracker: &Tracker) {
    assert_consistent_with(tracker, &Guards::builtin());
}

#[track_caller]
fn assert_consistent_with(tracker: &Tracker, guards: &Guards) {
    for (stage, count) in tracker.count_by_stage() {
        let scanned = tracker.iter().filter(|a| a.stage() == stage).count();
        assert_eq!(count, scanned, "count at {stage}");
        let queried: Vec<_> = tracker
            .query()
            .stage(stage)
            .iter()
            .map(Agreement::id)
            .collect();
        let expected: Vec<_> = tracker
            .iter()
            .filter(|a| a.stage() == stage)
            .map(Agreement::id)
            .collect();
        assert_eq!(queried, expected, "query at {stage}");
    }
    assert_eq!(
        tracker.event_count(),
        tracker.iter().map(Agreement::len).sum::<usize>()
    );
    let text = serde_json::to_string(tracker).unwrap();
    let back = Tracker::import(serde_json::from_str(&text).unwrap(), guards).unwrap();
    assert_same_tracker(&back, tracker);
}

#[test]
fn a_panicking_observer_finds_the_tracker_change_complete() {
    let mut tracker = Tracker::new().with_clock(clock());
    let id1 = tracker
        .create(builder(1), event(1, EventKind::Proposed, "2024-01-01"))
        .unwrap();
    tracker
        .create(builder(2), event(2, EventKind::Proposed, "2024-01-01"))
        .unwrap();
    let armed = std::sync::Arc::new(AtomicBool::new(true));
    let trigger = std::sync::Arc::clone(&armed);
    tracker.observe(move |change: &StageChange<'_>| {
        if trigger.load(Ordering::SeqCst) {
            panic!("observer failed on {}", change.receipt.after);
        }
    });
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        tracker.record(id1, event(3, EventKind::Deliberated, "2024-02-01"))
    }));
    assert!(outcome.is_err(), "the observer panicked");
    // The change was complete before the observer ran: the agreement, its
    // version, the stage index and the counts all moved together.
    assert_eq!(tracker.get(id1).unwrap().stage(), Stage::Deliberated);
    assert_eq!(tracker.version(id1), Some(2));
    assert_eq!(tracker.query().stage(Stage::Deliberated).count(), 1);
    assert_consistent(&tracker);
    // And it stays consistent after more changes and a removal.
    armed.store(false, Ordering::SeqCst);
    tracker
        .record(id1, event(4, EventKind::MoiSigned, "2024-03-01"))
        .unwrap();
    tracker.remove(id1).unwrap();
    assert_eq!(tracker.query().stage(Stage::MoiSigned).count(), 0);
    assert_consistent(&tracker);
}

#[test]
fn a_panicking_guard_leaves_the_tracker_unchanged() {
    let explodes = std::sync::Arc::new(guard_fn("explodes", |_| panic!("guard failed")));
    let policy = Policy::standard()
        .to_builder()
        .guard_arc(Trigger::Into(Stage::Withdrawn), explodes.clone())
        .build()
        .unwrap();
    let mut guards = Guards::builtin();
    guards.register_arc(explodes).unwrap();
    let mut tracker = Tracker::with_policy(policy).with_clock(clock());
    let id1 = tracker
        .create(builder(1), event(1, EventKind::Proposed, "2024-01-01"))
        .unwrap();
    let before = tracker.clone();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        tracker.record(id1, event(2, EventKind::Withdrawn, "2024-02-01"))
    }));
    assert!(outcome.is_err(), "the guard panicked");
    assert_same_tracker(&tracker, &before);
    assert_consistent_with(&tracker, &guards);
    // The tracker goes on working.
    assert_eq!(
        tracker
            .record(id1, event(3, EventKind::Deliberated, "2024-03-01"))
            .unwrap(),
        2
    );
}

/// A clock that panics when asked.
#[derive(Debug)]
struct Broken;

impl Clock for Broken {
    fn now(&self) -> DateTime<Utc> {
        panic!("no time today")
    }
}

#[test]
fn a_panicking_clock_leaves_the_tracker_unchanged() {
    let mut tracker = Tracker::new().with_clock(clock());
    let id1 = tracker
        .create(builder(1), event(1, EventKind::Proposed, "2024-01-01"))
        .unwrap();
    let mut broken = tracker.clone().with_clock(Broken);
    let before = broken.clone();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        broken.record(id1, event(2, EventKind::Deliberated, "2024-02-01"))
    }));
    assert!(outcome.is_err(), "the clock panicked");
    assert_same_tracker(&broken, &before);
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        broken.create(builder(2), event(3, EventKind::Proposed, "2024-01-01"))
    }));
    assert!(outcome.is_err(), "the clock panicked");
    assert_same_tracker(&broken, &before);
}

#[test]
fn a_panicking_observer_or_guard_leaves_an_agreement_consistent() {
    let policy = Policy::standard()
        .to_builder()
        .guard(
            Trigger::Into(Stage::Withdrawn),
            guard_fn("explodes", |_| panic!("guard failed")),
        )
        .build()
        .unwrap();
    let clock = clock();
    let loud = |_: &StageChange<'_>| panic!("observer failed");
    let context = Context::new(&policy, &clock);
    let mut agreement = builder(1)
        .build_with(&context, event(1, EventKind::Proposed, "2024-01-01"))
        .unwrap();

    // A guard that panics: nothing was written.
    let before = agreement.clone();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        agreement.record_with(&context, event(2, EventKind::Withdrawn, "2024-02-01"))
    }));
    assert!(outcome.is_err());
    assert_same_agreement(&agreement, &before);

    // An observer that panics: the change is whole, and reads back equal.
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        agreement.record_with(
            &context.with_observer(&loud),
            event(3, EventKind::Deliberated, "2024-03-01"),
        )
    }));
    assert!(outcome.is_err());
    assert_eq!(agreement.stage(), Stage::Deliberated);
    assert_eq!(agreement.entries().len(), 2);
    let back = bilateral::document::AgreementDocument::from(&agreement)
        .into_agreement(&policy)
        .unwrap();
    assert_same_agreement(&back, &agreement);
    assert!(agreement.event(id(3)).is_some());
}

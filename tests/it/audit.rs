//! Observers hear refused attempts as well as accepted changes: what was
//! tried, on which agreement (unchanged), and the error the caller got.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};

use crate::common::{assert_same_tracker, event, india_japan};
use bilateral::agreement::AgreementError;
use bilateral::tracker::TrackerError;
use bilateral::{
    Agreement, Change, Context, EventKind, FixedClock, Observer, Policy, RefusedChange,
    StageChange, Tracker,
};

/// One line per notice: accepted changes and refusals, with the
/// agreement's title, or "-" when there was none yet.
#[derive(Default)]
struct Audit {
    heard: Mutex<Vec<String>>,
    refusals: Mutex<Vec<(Option<Agreement>, Change, AgreementError)>>,
}

impl Observer for Audit {
    fn stage_changed(&self, change: &StageChange<'_>) {
        self.heard
            .lock()
            .unwrap()
            .push(format!("accepted {}", change.event.kind()));
    }

    fn change_refused(&self, refused: &RefusedChange<'_>) {
        let kind = match refused.change {
            Change::Record(event) | Change::Correct(event) => event.kind().to_string(),
            Change::Retract { .. } => "retraction".to_owned(),
            _ => "other".to_owned(),
        };
        self.heard.lock().unwrap().push(format!(
            "refused {kind} on {}",
            refused.agreement.map_or("-", Agreement::title)
        ));
        self.refusals.lock().unwrap().push((
            refused.agreement.cloned(),
            refused.change.clone(),
            refused.error.clone(),
        ));
    }
}

impl Audit {
    fn heard(&self) -> Vec<String> {
        self.heard.lock().unwrap().clone()
    }
}

#[test]
fn a_context_observer_hears_refusals_with_the_change_and_the_error() {
    let audit = Audit::default();
    let policy = Policy::standard();
    let clock = FixedClock::new("2030-01-01T00:00:00Z".parse().unwrap());
    let context = Context::new(&policy, &clock).with_observer(&audit);
    let builder = Agreement::builder("Pact", india_japan());

    // An opening refused: no agreement yet.
    let opening = event(1, EventKind::Meeting, "2024-01");
    let err = builder
        .clone()
        .build_with(&context, opening.clone())
        .unwrap_err();
    let mut pact = builder
        .build_with(&context, event(2, EventKind::Proposed, "2024-01"))
        .unwrap();
    // A record refused: the agreement as it was.
    let before = pact.clone();
    let finalised = event(3, EventKind::Finalised, "2024-02");
    let record_err = pact.record_with(&context, finalised.clone()).unwrap_err();
    assert_eq!(pact, before);
    // A retraction refused (no such event), and one accepted.
    let missing = bilateral::EventId::from_uuid(uuid::Uuid::from_u128(99));
    let retract_err = pact.retract_with(&context, missing, "typo").unwrap_err();
    pact.record_with(&context, event(4, EventKind::Deliberated, "2024-03"))
        .unwrap();

    assert_eq!(
        audit.heard(),
        [
            "refused meeting on -",
            "accepted proposed",
            "refused finalised on Pact",
            "refused retraction on Pact",
            "accepted deliberated",
        ]
    );
    let refusals = audit.refusals.lock().unwrap();
    assert_eq!(refusals[0], (None, Change::Record(opening), err));
    assert_eq!(
        refusals[1],
        (Some(before.clone()), Change::Record(finalised), record_err)
    );
    assert_eq!(refusals[2].0.as_ref(), Some(&before));
    assert_eq!(
        refusals[2].1,
        Change::Retract {
            id: missing,
            reason: "typo".into()
        }
    );
    assert_eq!(refusals[2].2, retract_err);
}

/// An observer that only implements `stage_changed` (a closure) hears no
/// refusal, and a change refused under it is refused as before.
#[test]
fn an_observer_of_stage_changes_only_hears_no_refusal() {
    let count = Mutex::new(0);
    let observer = |_: &StageChange<'_>| *count.lock().unwrap() += 1;
    let context = Context::standard().with_observer(&observer);
    let mut pact = Agreement::builder("Pact", india_japan())
        .build_with(&context, event(1, EventKind::Proposed, "2024-01"))
        .unwrap();
    assert!(
        pact.record_with(&context, event(2, EventKind::Finalised, "2024-02"))
            .is_err()
    );
    assert_eq!(*count.lock().unwrap(), 1);
}

#[test]
fn a_tracker_tells_its_observers_what_its_agreements_refuse() {
    let audit = Arc::new(Audit::default());
    let mut tracker = Tracker::new();
    tracker.observe_shared(audit.clone());
    let builder = Agreement::builder("Pact", india_japan());
    assert!(
        tracker
            .create(builder.clone(), event(1, EventKind::Meeting, "2024"))
            .is_err()
    );
    let id = tracker
        .create(builder.clone(), event(2, EventKind::Proposed, "2024-01"))
        .unwrap();
    let before = tracker.get(id).unwrap().clone();
    let refused = tracker.record(id, event(3, EventKind::Finalised, "2024-02"));
    let Err(TrackerError::Agreement(error)) = refused else {
        panic!("expected a refusal, got {refused:?}");
    };
    // What only the tracker refuses is the caller's mistake: not told.
    assert!(matches!(
        tracker.record_expecting(id, 7, event(4, EventKind::Deliberated, "2024-03")),
        Err(TrackerError::Conflict { .. })
    ));
    let unknown = bilateral::AgreementId::from_uuid(uuid::Uuid::from_u128(5));
    assert!(
        tracker
            .record(unknown, event(5, EventKind::Deliberated, "2024-03"))
            .is_err()
    );
    assert!(
        tracker
            .create(builder.id(id), event(6, EventKind::Proposed, "2024"))
            .is_err()
    );
    assert_eq!(
        audit.heard(),
        [
            "refused meeting on -",
            "accepted proposed",
            "refused finalised on Pact",
        ]
    );
    let refusals = audit.refusals.lock().unwrap();
    assert_eq!(refusals[1].0.as_ref(), Some(&before));
    assert_eq!(refusals[1].2, error);
    assert_eq!(tracker.version(id), Some(1));
}

/// A refusal observer that panics cannot leave the tracker half-changed:
/// nothing was changed to begin with.
#[test]
fn a_panicking_refusal_observer_changes_nothing() {
    struct Loud;
    impl Observer for Loud {
        fn stage_changed(&self, _: &StageChange<'_>) {}
        fn change_refused(&self, _: &RefusedChange<'_>) {
            panic!("observer failed");
        }
    }
    let mut tracker = Tracker::new();
    tracker.observe(Loud);
    let id = tracker
        .create(
            Agreement::builder("Pact", india_japan()),
            event(1, EventKind::Proposed, "2024-01"),
        )
        .unwrap();
    let before = tracker.clone();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        tracker.record(id, event(2, EventKind::Finalised, "2024-02"))
    }));
    assert!(outcome.is_err());
    assert_same_tracker(&tracker, &before);
    tracker
        .record(id, event(3, EventKind::Deliberated, "2024-02"))
        .unwrap();
    assert_eq!(tracker.version(id), Some(2));
}

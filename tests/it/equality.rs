//! Equality, tested both ways: every "a refused change leaves it equal"
//! assertion in this suite relies on `==` telling different values apart.

use crate::common::{event, opened};
use bilateral::{
    BothPartiesRepresented, CitesSource, EventKind, Policy, Stage, StageSet, Tracker, Trigger,
};

#[track_caller]
fn assert_differ<T: PartialEq + std::fmt::Debug>(a: &T, b: &T) {
    assert!(a != b, "expected a difference:\n{a:?}\n{b:?}");
    assert!(b != a, "!= is not symmetric:\n{a:?}\n{b:?}");
}

#[track_caller]
fn assert_equal<T: PartialEq + std::fmt::Debug>(a: &T, b: &T) {
    assert!(a == b, "expected equality:\n{a:?}\n{b:?}");
    assert!(b == a, "== is not symmetric:\n{a:?}\n{b:?}");
}

fn two_agreements() -> (bilateral::Agreement, bilateral::Agreement) {
    let first = opened(EventKind::Deliberated, "2024-06-01");
    let second = bilateral::Agreement::builder("Space cooperation", crate::common::india_japan())
        .id(bilateral::AgreementId::from_uuid(uuid::Uuid::from_u128(
            0xB,
        )))
        .subject(bilateral::SubjectArea::Space)
        .build(event(2, EventKind::Proposed, "2023"))
        .unwrap();
    (first, second)
}

fn tracker(policy: Policy, agreements: &[bilateral::Agreement]) -> Tracker {
    let mut tracker = Tracker::with_policy(policy);
    for agreement in agreements {
        tracker.insert(agreement.clone()).unwrap();
    }
    tracker
}

#[test]
fn trackers_with_the_same_contents_are_equal() {
    let (a, b) = two_agreements();
    let one = tracker(Policy::standard(), &[a.clone(), b.clone()]);
    let other = tracker(Policy::standard(), &[a, b]);
    assert_equal(&one, &other);
    assert_equal(&one, &one.clone());
}

#[test]
fn trackers_differing_in_any_one_way_are_unequal() {
    let (a, b) = two_agreements();
    let base = tracker(Policy::standard(), &[a.clone(), b.clone()]);

    // Another policy, by name or by rule.
    let renamed = Policy::standard()
        .to_builder()
        .name("renamed")
        .build()
        .unwrap();
    assert_differ(&base, &tracker(renamed, &[a.clone(), b.clone()]));
    let skip_moi = Policy::standard()
        .to_builder()
        .allow(Stage::Deliberated, Stage::Finalised)
        .build()
        .unwrap();
    assert_differ(&base, &tracker(skip_moi, &[a.clone(), b.clone()]));
    // One agreement fewer, or none.
    assert_differ(
        &base,
        &tracker(Policy::standard(), std::slice::from_ref(&a)),
    );
    assert_differ(&base, &Tracker::new());
    // The same agreements in another order.
    assert_differ(&base, &tracker(Policy::standard(), &[b.clone(), a.clone()]));
    // One agreement changed.
    let mut changed = a.clone();
    changed
        .record(event(3, EventKind::Note, "2024-07-01"))
        .unwrap();
    assert_differ(&base, &tracker(Policy::standard(), &[changed, b.clone()]));
    // The same agreements at another version.
    let mut doc = serde_json::to_value(base.export()).unwrap();
    doc["agreements"][1]["version"] = serde_json::json!(7);
    let bumped: Tracker = serde_json::from_value(doc).unwrap();
    assert_eq!(bumped.version(b.id()), Some(7));
    assert_differ(&base, &bumped);
}

fn ministry() -> Policy {
    Policy::standard()
        .to_builder()
        .name("ministry")
        .allow(Stage::Deliberated, Stage::Finalised)
        .guard(Trigger::Into(Stage::Finalised), BothPartiesRepresented)
        .guard(Trigger::AnyStageChange, CitesSource)
        .build()
        .unwrap()
}

#[test]
fn policies_with_the_same_rules_are_equal() {
    assert_equal(&ministry(), &ministry());
    assert_equal(&Policy::standard(), &Policy::default());
    assert_equal(
        &Policy::strict(),
        &Policy::standard()
            .to_builder()
            .name("strict")
            .entry_stages(StageSet::only(Stage::Proposed))
            .build()
            .unwrap(),
    );
}

#[test]
fn policies_differing_in_any_one_way_are_unequal() {
    let base = ministry();
    let changed = |f: fn(bilateral::PolicyBuilder) -> bilateral::PolicyBuilder| {
        f(base.to_builder()).build().unwrap()
    };
    // The name.
    assert_differ(&base, &changed(|b| b.name("other")));
    // One transition.
    assert_differ(
        &base,
        &changed(|b| b.forbid(Stage::Proposed, Stage::Withdrawn)),
    );
    // The entry stages.
    assert_differ(
        &base,
        &changed(|b| b.entry_stages(StageSet::ALL.without(Stage::Terminated))),
    );
    // A guard fewer, and a guard more.
    assert_differ(&base, &changed(|b| b.remove_guard("cites-source")));
    assert_differ(
        &base,
        &changed(|b| b.guard(Trigger::Into(Stage::Terminated), CitesSource)),
    );
    // The same guards on other triggers, or in another order.
    let moved = Policy::standard()
        .to_builder()
        .name("ministry")
        .allow(Stage::Deliberated, Stage::Finalised)
        .guard(Trigger::Into(Stage::MoiSigned), BothPartiesRepresented)
        .guard(Trigger::AnyStageChange, CitesSource)
        .build()
        .unwrap();
    assert_differ(&base, &moved);
    let reordered = Policy::standard()
        .to_builder()
        .name("ministry")
        .allow(Stage::Deliberated, Stage::Finalised)
        .guard(Trigger::AnyStageChange, CitesSource)
        .guard(Trigger::Into(Stage::Finalised), BothPartiesRepresented)
        .build()
        .unwrap();
    assert_differ(&base, &reordered);
    // Another guard of a different name on the same trigger.
    let renamed = Policy::standard()
        .to_builder()
        .name("ministry")
        .allow(Stage::Deliberated, Stage::Finalised)
        .guard(Trigger::Into(Stage::Finalised), CitesSource)
        .guard(Trigger::AnyStageChange, CitesSource)
        .build()
        .unwrap();
    assert_differ(&base, &renamed);
}

//! The `testing` feature: clocks, ids, fixtures and the scenario harness,
//! used on the custom policy of the policies issue, and tested itself.

use std::panic::{AssertUnwindSafe, catch_unwind};

use bilateral::agreement::AgreementError;
use bilateral::lifecycle::{BothPartiesRepresented, guard_fn};
use bilateral::testing::{Ids, ManualClock, Scenario, agreement, event, event_builder, fixtures};
use bilateral::{
    Clock, EventKind, Policy, Representative, Rule, Stage, SubjectArea, Trigger, Veto,
};
use chrono::Datelike;

/// The ministry's policy: logistics agreements may skip the MoI, and a
/// finalisation needs a representative of each party.
fn ministry() -> Policy {
    Policy::standard()
        .to_builder()
        .name("ministry")
        .allow(Stage::Deliberated, Stage::Finalised)
        .guard(
            Trigger::Transition {
                from: Stage::Deliberated,
                to: Stage::Finalised,
            },
            guard_fn("logistics-only", |proposal| {
                if proposal.covers(&SubjectArea::Logistics) {
                    Ok(())
                } else {
                    Err(Veto::new("only logistics agreements may skip the MoI"))
                }
            }),
        )
        .guard(Trigger::Into(Stage::Finalised), BothPartiesRepresented)
        .build()
        .unwrap()
}

fn both_ministers() -> [Representative; 2] {
    [
        Representative::new(
            "Rajnath Singh",
            "Minister of Defence",
            "IND".parse().unwrap(),
        )
        .unwrap(),
        Representative::new(
            "Gen Nakatani",
            "Minister of Defense",
            "JPN".parse().unwrap(),
        )
        .unwrap(),
    ]
}

#[test]
fn a_logistics_agreement_may_skip_the_moi_when_both_sides_sign() {
    Scenario::new(ministry())
        .given_events([
            event(EventKind::Proposed, "2024-01-10"),
            event(EventKind::Deliberated, "2024-11-22"),
        ])
        .when(
            event_builder(EventKind::Finalised, "2025-01-15")
                .participants(both_ministers())
                .build()
                .unwrap(),
        )
        .then_accepted()
        .then_stage(Stage::Finalised)
        .then_events(&[
            EventKind::Proposed,
            EventKind::Deliberated,
            EventKind::Finalised,
        ]);
}

#[test]
fn a_one_sided_finalisation_is_refused_by_the_guard() {
    Scenario::new(ministry())
        .given_events([event(EventKind::Deliberated, "2024-11-22")])
        .when(event_builder(EventKind::Finalised, "2025-01-15").participant(both_ministers()[0].clone()).build().unwrap())
        .then_refused_by(|err| matches!(err.refusal().map(|r| r.rule()), Some(Rule::Guard { guard, .. }) if guard == "both-parties-represented"))
        .then_refused_containing("JPN has none among the participants")
        .then_stage(Stage::Deliberated);
}

#[test]
fn a_co_development_agreement_still_needs_its_moi() {
    let mut world = Scenario::new(ministry());
    world.given_events_in(
        agreement()
            .title("UNICORN mast")
            .subject(SubjectArea::CoDevelopment),
        [event(EventKind::Deliberated, "2024-06")],
    );
    world.when(
        event_builder(EventKind::Finalised, "2024-11-15")
            .participants(both_ministers())
            .build()
            .unwrap(),
    );
    world.then_refused_containing("only logistics agreements may skip the MoI");
    world.when(event(EventKind::MoiSigned, "2024-11-15"));
    world.then_accepted().then_stage(Stage::MoiSigned);
}

#[test]
fn corrections_and_retractions_through_the_harness() {
    let signed = event(EventKind::MoiSigned, "2017-06");
    Scenario::new(Policy::standard())
        .given_events([event(EventKind::Deliberated, "2017-01"), signed.clone()])
        .when_corrected(
            signed
                .to_builder()
                .date("2016-12".parse().unwrap())
                .build()
                .unwrap(),
        )
        .then_refused_by(|err| err.refusal().is_some())
        .when_corrected(
            signed
                .to_builder()
                .date("2018".parse().unwrap())
                .build()
                .unwrap(),
        )
        .then_accepted()
        .when_retracted(signed.id(), "a rumour")
        .then_accepted()
        .then_stage(Stage::Deliberated);
}

/// Runs `test`, which must fail, and returns its message.
fn failure(test: impl FnOnce()) -> String {
    let payload =
        catch_unwind(AssertUnwindSafe(test)).expect_err("the expectation should have failed");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn a_failing_expectation_fails_with_what_a_person_needs() {
    let message = failure(|| {
        Scenario::new(Policy::standard())
            .given_events([event(EventKind::Proposed, "2024-01-10")])
            .when(event(EventKind::MoiSigned, "2024-02-01"))
            .then_accepted();
    });
    assert!(
        message.contains("recording \"moi-signed\" on 2024-02-01: expected it to be accepted"),
        "{message}"
    );
    assert!(
        message.contains("but it was refused: cannot record \"moi-signed\""),
        "{message}"
    );
    assert!(
        message.contains(
            "policy \"standard\": moi-signed may follow deliberated, and may open a record"
        ),
        "{message}"
    );
    assert!(
        message.contains(
            "timeline:\nTest agreement (India–Japan)\n2024-01-10   proposed (opened at proposed)"
        ),
        "{message}"
    );

    let message = failure(|| {
        Scenario::new(Policy::standard())
            .given_events([event(EventKind::Proposed, "2024-01-10")])
            .when(event(EventKind::Deliberated, "2024-02-01"))
            .then_refused();
    });
    assert!(
        message.contains("expected it to be refused, but it was accepted"),
        "{message}"
    );

    let message = failure(|| {
        Scenario::new(ministry())
            .given_events([event(EventKind::Deliberated, "2024-01-10")])
            .when(event(EventKind::Finalised, "2024-02-01"))
            .then_refused_containing("no such words");
    });
    assert!(
        message.contains("expected it to be refused with a message containing \"no such words\""),
        "{message}"
    );
    assert!(message.contains("guards: logistics-only on deliberated->finalised, both-parties-represented on finalised"), "{message}");

    let message = failure(|| {
        Scenario::new(Policy::standard())
            .given_events([event(EventKind::Proposed, "2024-01-10")])
            .when(event(EventKind::Deliberated, "2024-02-01"))
            .then_stage(Stage::MoiSigned);
    });
    assert!(
        message.contains("expected the agreement to be MoI signed afterwards (it is deliberated)"),
        "{message}"
    );

    let message = failure(|| {
        Scenario::new(Policy::standard())
            .given_events([event(EventKind::Proposed, "2024-01-10")])
            .then_events(&[EventKind::Deliberated]);
    });
    assert!(
        message.contains("expected the events to be [deliberated] (they are [proposed])"),
        "{message}"
    );
}

#[test]
fn an_invalid_setup_fails_loudly() {
    let message = failure(|| {
        Scenario::new(Policy::standard()).given_events([
            event(EventKind::Proposed, "2024-01-10"),
            event(EventKind::Finalised, "2024-02-01"),
        ]);
    });
    assert!(
        message.contains("scenario setup: a given event is refused"),
        "{message}"
    );
    let message = failure(|| {
        Scenario::new(Policy::standard()).then_accepted();
    });
    assert!(message.contains("nothing happened yet"), "{message}");
}

#[test]
#[should_panic(expected = "expected it to be accepted")]
fn should_panic_works_too() {
    Scenario::new(Policy::strict())
        .given_events([event(EventKind::Proposed, "2024-01-10")])
        .when(event(EventKind::Proposed, "2024-02-01"))
        .then_accepted();
}

#[test]
fn clocks_and_ids_are_deterministic() {
    let clock = ManualClock::new("2024-11-22T09:00:00Z".parse().unwrap());
    clock.advance(chrono::Duration::hours(25));
    assert_eq!(clock.now().to_rfc3339(), "2024-11-23T10:00:00+00:00");
    clock.set("2020-01-01T00:00:00Z".parse().unwrap());
    assert_eq!(clock.now().to_rfc3339(), "2020-01-01T00:00:00+00:00");

    let ids = Ids::starting_at(41);
    assert_eq!(
        ids.agreement().to_string(),
        "a0000000-0000-0000-0000-00000000002a"
    );
    assert_eq!(
        ids.event().to_string(),
        "e0000000-0000-0000-0000-00000000002a"
    );
    // Two calls of the event helper give two events.
    assert_ne!(
        event(EventKind::Meeting, "2024-11-22"),
        event(EventKind::Meeting, "2024-11-22")
    );
    assert_ne!(
        event(EventKind::Meeting, "2024-11-22").id(),
        event(EventKind::Meeting, "2024-11").id()
    );

    // The scenario's clock refuses a stage change after "today".
    let mut world = Scenario::new(Policy::standard());
    world.clock().set("2024-06-01T00:00:00Z".parse().unwrap());
    world.given_events([event(EventKind::Proposed, "2024-01-10")]);
    world
        .when(event(EventKind::Deliberated, "2024-07-01"))
        .then_refused_by(|err| matches!(err, AgreementError::FutureDate { .. }));
    world.clock().advance(chrono::Duration::days(60));
    world
        .when(event(EventKind::Deliberated, "2024-07-01"))
        .then_accepted();
}

#[test]
fn fixtures_are_the_founding_scenario() {
    let rpss = fixtures::rpss();
    assert_eq!(rpss.stage(), Stage::Deliberated);
    assert_eq!(rpss.history().next().unwrap().venue(), Some("Vientiane"));
    assert_eq!(rpss.history().next().unwrap().participants().len(), 2);
    assert_eq!(
        rpss.history().next().unwrap().sources()[0]
            .published_on()
            .unwrap()
            .to_string(),
        "2024-11-23"
    );
    let unicorn = fixtures::unicorn_moi();
    assert_eq!(unicorn.stage(), Stage::MoiSigned);
    assert_eq!(unicorn.history().count(), 1);
    let phl = fixtures::india_philippines();
    assert_eq!(phl.stage(), Stage::Proposed);
    assert_eq!(phl.subjects().len(), 4);
    assert_eq!(fixtures::rpss(), rpss, "fixtures are deterministic");
    // The builders make a valid agreement in one line, every field overridable.
    let pact = agreement()
        .parties(("FRA", "France"), ("IND", "India"))
        .opened(Stage::MoiSigned, "2023")
        .build();
    assert_eq!(pact.parties().to_string(), "France–India");
    assert!(agreement().title("  ").try_build().is_err());
}

#[test]
fn fixture_ids_are_the_documented_ones() {
    let ids = Ids::new();
    assert_eq!(
        ids.agreement().to_string(),
        "a0000000-0000-0000-0000-000000000001"
    );
    assert_eq!(
        ids.agreement().to_string(),
        "a0000000-0000-0000-0000-000000000002"
    );
    assert_eq!(
        ids.event().to_string(),
        "e0000000-0000-0000-0000-000000000001"
    );
    let later = Ids::starting_at(41);
    assert_eq!(
        later.event().to_string(),
        "e0000000-0000-0000-0000-00000000002a"
    );
    assert_eq!(
        agreement().build().id().to_string(),
        "a0000000-0000-0000-0000-000000000001"
    );
    // A fixture event's id is its call's place, kind, qualifier, precision
    // and day: one call gives the same event each time it runs, two calls
    // give two events, and any difference gives another id.
    let id = |kind, date: &str| event(kind, date).id().to_string();
    assert_eq!(
        id(EventKind::Proposed, "2024-01-10"),
        id(EventKind::Proposed, "2024-01-10")
    );
    assert_ne!(
        event(EventKind::Meeting, "2024-01-10").id(),
        event(EventKind::Meeting, "2024-01-10").id()
    );
    let built = |kind, date| event_builder(kind, date).build().unwrap().id();
    assert_eq!(
        built(EventKind::Meeting, "2024-01-10"),
        built(EventKind::Meeting, "2024-01-10")
    );
    assert_ne!(
        event_builder(EventKind::Meeting, "2024-01-10")
            .build()
            .unwrap()
            .id(),
        event(EventKind::Meeting, "2024-01-10").id()
    );
    let low = |kind, date: &str| event(kind, date).id().as_uuid().as_u128() & ((1 << 64) - 1);
    let day = chrono::NaiveDate::from_ymd_opt(2024, 1, 10)
        .unwrap()
        .num_days_from_ce() as u128;
    let kind = EventKind::ALL
        .iter()
        .position(|k| *k == EventKind::Deliberated)
        .unwrap() as u128;
    assert_eq!(
        low(EventKind::Deliberated, "2024-01-10"),
        (kind << 56) + day
    );
    let january = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .num_days_from_ce() as u128;
    assert_eq!(
        low(EventKind::Deliberated, "2024-01"),
        (kind << 56) + (1 << 48) + january
    );
    let year = chrono::NaiveDate::from_ymd_opt(2017, 1, 1)
        .unwrap()
        .num_days_from_ce() as u128;
    for (qualifier, date) in [(1, "2017?"), (2, "2017~"), (3, "2017%")] {
        assert_eq!(
            low(EventKind::Deliberated, date),
            (kind << 56) + (qualifier << 52) + (2 << 48) + year,
            "{date}"
        );
    }
    assert_eq!(
        event(EventKind::Deliberated, "2024")
            .id()
            .as_uuid()
            .as_u128()
            >> 124,
        0xe
    );
    let mut seen = std::collections::HashSet::new();
    for kind in EventKind::ALL {
        for date in [
            "2024-01-10",
            "2024-01",
            "2024",
            "2024?",
            "2024~",
            "2024%",
            "2023-01-10",
        ] {
            assert!(seen.insert(id(kind, date)), "{kind} {date}");
        }
    }
    assert_eq!(
        fixtures::unicorn_moi().id().to_string().chars().next(),
        Some('f')
    );
}

#[test]
fn a_scenario_gives_the_error_of_the_last_change() {
    let mut scenario = Scenario::new(Policy::standard());
    scenario.given_events([event(EventKind::Proposed, "2024-01-10")]);
    assert!(scenario.error().is_none());
    scenario.when(event(EventKind::MoiSigned, "2024-02-01"));
    assert!(scenario.error().and_then(AgreementError::refusal).is_some());
    scenario.when(event(EventKind::Deliberated, "2024-02-01"));
    assert!(scenario.error().is_none());
    // A check that rejects the error fails the expectation.
    let message = failure(|| {
        Scenario::new(Policy::standard())
            .given_events([event(EventKind::Proposed, "2024-01-10")])
            .when(event(EventKind::MoiSigned, "2024-02-01"))
            .then_refused_by(|err| matches!(err, AgreementError::FutureDate { .. }));
    });
    assert!(
        message.contains("expected it to be refused with an error of the kind checked"),
        "{message}"
    );
}

/// Two meetings on one day, and a year and the same year in doubt, are
/// distinct fixture events: a scenario holds them all.
#[test]
fn fixture_events_on_one_date_are_distinct_events() {
    Scenario::new(Policy::standard())
        .given_events([
            event(EventKind::Proposed, "2017"),
            event(EventKind::Meeting, "2017?"),
            event(EventKind::Meeting, "2017"),
            event(EventKind::Meeting, "2024-11-22"),
            event(EventKind::Meeting, "2024-11-22"),
        ])
        .then_events(&[
            EventKind::Proposed,
            EventKind::Meeting,
            EventKind::Meeting,
            EventKind::Meeting,
            EventKind::Meeting,
        ]);
}

/// `when_opened` tries an opening event: refused, nothing changes (and
/// there is still no agreement); accepted, the scenario goes on from it.
#[test]
fn a_scenario_tests_which_events_may_open_a_record() {
    let mut scenario = Scenario::new(Policy::strict());
    scenario
        .when_opened(event(EventKind::Deliberated, "2024-01-10"))
        .then_refused_by(|err| {
            matches!(
                err.refusal().map(|refusal| refusal.rule()),
                Some(Rule::Entry {
                    stage: Stage::Deliberated,
                    ..
                })
            )
        })
        .then_refused_containing("a record can only open at proposed");
    let nothing = catch_unwind(AssertUnwindSafe(|| scenario.agreement().stage()));
    assert!(nothing.is_err());
    scenario
        .when_opened(event(EventKind::Proposed, "2024-01-10"))
        .then_accepted()
        .then_stage(Stage::Proposed)
        .when(event(EventKind::Deliberated, "2024-02-01"))
        .then_accepted()
        .then_stage(Stage::Deliberated);
    // A refused opening after an accepted one keeps the agreement there was.
    scenario
        .when_opened_in(
            agreement().title("Another"),
            event(EventKind::MoiSigned, "2024-03-01"),
        )
        .then_refused()
        .then_stage(Stage::Deliberated);
    assert_eq!(scenario.agreement().title(), "Test agreement");
    // The opening step's failure names it.
    let failure = catch_unwind(AssertUnwindSafe(|| {
        Scenario::new(Policy::strict())
            .when_opened(event(EventKind::Finalised, "2024-01-10"))
            .then_accepted();
    }))
    .unwrap_err();
    let message = failure.downcast_ref::<String>().unwrap();
    assert!(
        message.starts_with(
            "scenario: opening the record with \"finalised\" on 2024-01-10: expected it to be accepted, but it was refused: "
        ),
        "{message}"
    );
}

/// A spec's policy builds its agreement; a scenario, which runs under its
/// own policy, refuses a spec that names another rather than ignore it.
#[test]
fn a_spec_policy_is_honoured_or_refused_never_ignored() {
    let built = agreement()
        .policy(ministry())
        .opened(Stage::Deliberated, "2024-01-10")
        .build();
    assert_eq!(built.policy().name(), "ministry");
    assert_eq!(agreement().build().policy().name(), "standard");
    // The same policy as the scenario's is fine.
    Scenario::new(ministry())
        .given_events_in(
            agreement().policy(ministry()),
            [event(EventKind::Proposed, "2024-01-10")],
        )
        .then_stage(Stage::Proposed);
    for opening in [true, false] {
        let failure = catch_unwind(AssertUnwindSafe(|| {
            let mut scenario = Scenario::new(Policy::standard());
            let spec = agreement().policy(ministry());
            let first = event(EventKind::Proposed, "2024-01-10");
            if opening {
                scenario.when_opened_in(spec, first);
            } else {
                scenario.given_events_in(spec, [first]);
            }
        }))
        .unwrap_err();
        let message = failure.downcast_ref::<String>().unwrap();
        assert_eq!(
            message,
            "scenario setup: the agreement spec names policy \"ministry\", but the scenario runs under \"standard\"; give the policy to Scenario::new"
        );
    }
}

/// A fixture agreement keeps the fixture clock (2030-01-01) and its spec's
/// policy: its plain methods are deterministic.
#[test]
fn a_fixture_agreement_keeps_its_clock_and_policy() {
    let mut pact = agreement().build();
    // Late 2029 is after the real today, not after the fixture clock's.
    pact.record(event(EventKind::Deliberated, "2029-12-31"))
        .unwrap();
    assert_eq!(
        pact.entries()[1].recorded_at().to_rfc3339(),
        "2030-01-01T00:00:00+00:00"
    );
    assert!(pact.record(event(EventKind::Meeting, "2030-01-02")).is_ok());
    assert!(
        pact.record(event(EventKind::MoiSigned, "2030-01-02"))
            .is_err()
    );
    assert_eq!(
        agreement().policy(ministry()).build().context().policy(),
        &ministry()
    );
}

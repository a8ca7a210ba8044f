//! Behaviour a user relies on that no other test pinned: how an agreement
//! prints, what its accessors answer at the edges, where limits fall, and
//! how values show in debug output. Each test here was written for a
//! mutant that survived the first mutation run (see MUTANTS.md).

use crate::common::{date, event, id, india, india_japan, japan, opened};
use bilateral::{
    Agreement, Context, Event, EventDate, EventKind, FixedClock, Parties, Party, Policy,
    Representative, Stage, SubjectArea, Tracker,
};

#[test]
fn an_agreement_prints_its_header_subjects_and_participants_in_order() {
    let singh =
        Representative::new("Rajnath Singh", "Minister of Defence", india().code()).unwrap();
    let nakatani =
        Representative::new("Gen Nakatani", "Minister of Defense", japan().code()).unwrap();
    let talks = Event::builder(EventKind::Deliberated, date("2024-11-22"))
        .id(id(1))
        .venue("Vientiane")
        .participants([singh, nakatani])
        .build()
        .unwrap();
    let agreement = Agreement::builder("Logistics", india_japan())
        .subjects([SubjectArea::Logistics, SubjectArea::Exercises])
        .build(talks)
        .unwrap();
    assert_eq!(
        agreement.to_string(),
        "Logistics\n\
         \x20 India (IND) and Japan (JPN), agreement\n\
         \x20 subjects: logistics, exercises\n\
         \x20 stage: deliberated\n\
         \x20 2024-11-22 deliberated at Vientiane\n\
         \x20     with Rajnath Singh, Minister of Defence (IND); Gen Nakatani, Minister of Defense (JPN)\n"
    );
}

#[test]
fn an_agreement_is_never_empty() {
    let agreement = opened(EventKind::Proposed, "2024-01-01");
    assert!(!agreement.is_empty());
    assert_eq!(agreement.len(), 1);
}

#[test]
fn only_a_retracted_event_is_retracted() {
    let mut agreement = opened(EventKind::Proposed, "2024-01-01");
    agreement
        .record(event(2, EventKind::Meeting, "2024-02-01"))
        .unwrap();
    agreement
        .record(event(3, EventKind::Note, "2024-03-01"))
        .unwrap();
    assert!(!agreement.is_retracted(id(2)));
    assert!(
        !agreement.is_retracted(id(99)),
        "an unknown event is not retracted"
    );
    agreement.retract(id(2), "never happened").unwrap();
    assert!(agreement.is_retracted(id(2)));
    // Retracting one event leaves the others in force and correctable.
    assert!(!agreement.is_retracted(id(3)));
    assert!(agreement.event(id(3)).is_some());
    let redated = agreement
        .event(id(3))
        .unwrap()
        .to_builder()
        .date(date("2024-04-01"))
        .build()
        .unwrap();
    agreement.correct(redated).unwrap();
    assert_eq!(agreement.event(id(3)).unwrap().date(), date("2024-04-01"));
}

#[test]
fn entry_into_force_is_the_entry_into_force_event() {
    let mut agreement = opened(EventKind::Finalised, "2020-01-01");
    agreement
        .record(event(2, EventKind::Meeting, "2020-02-01"))
        .unwrap();
    assert!(agreement.entry_into_force().is_none());
    agreement
        .record(event(3, EventKind::EnteredIntoForce, "2020-03-01"))
        .unwrap();
    agreement
        .record(event(4, EventKind::Note, "2020-04-01"))
        .unwrap();
    let in_force = agreement.entry_into_force().unwrap();
    assert_eq!(in_force.id(), id(3));
    assert_eq!(in_force.kind(), EventKind::EnteredIntoForce);
}

#[test]
fn a_refusal_says_whether_the_refused_step_ends_the_history() {
    // At the end of the history: "it is".
    let mut agreement = opened(EventKind::Deliberated, "2024-01-01");
    let err = agreement
        .record(event(2, EventKind::Finalised, "2024-02-01"))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains(": it is deliberated since 2024-01-01, and under policy"),
        "{err}"
    );
    // Placed before a later event: "by then it was".
    agreement
        .record(event(3, EventKind::Note, "2024-03-01"))
        .unwrap();
    let err = agreement
        .record(event(4, EventKind::Finalised, "2024-02-01"))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains(": by then it was deliberated since 2024-01-01, and under policy"),
        "{err}"
    );
}

#[test]
fn the_entry_limit_falls_exactly_at_its_value() {
    let limit = bilateral::limits::MAX_ENTRIES;
    let policy = Policy::standard();
    let clock = FixedClock::new("2100-01-01T00:00:00Z".parse().unwrap());
    let context = Context::new(&policy, &clock);
    let start = chrono::NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
    let day = |n: usize| EventDate::try_from(start + chrono::Days::new(n as u64)).unwrap();
    let mut agreement = Agreement::builder("Long", india_japan())
        .subject(SubjectArea::Trade)
        .build_with(&context, Event::new(EventKind::Proposed, day(0)))
        .unwrap();
    for n in 1..limit {
        agreement
            .record_with(&context, Event::new(EventKind::Note, day(n)))
            .unwrap();
    }
    assert_eq!(agreement.entries().len(), limit);
    let err = agreement
        .record_with(&context, Event::new(EventKind::Note, day(limit)))
        .unwrap_err();
    assert!(
        err.to_string().contains(&format!(
            "too many entries for one agreement: {}, and the limit is {limit}",
            limit + 1
        )),
        "{err}"
    );
    assert_eq!(agreement.entries().len(), limit);
}

#[test]
fn entries_recorded_at_the_same_instant_load_in_their_order() {
    let policy = Policy::standard();
    let clock = FixedClock::new("2030-01-01T00:00:00Z".parse().unwrap());
    let context = Context::new(&policy, &clock);
    let mut agreement = Agreement::builder("Same instant", india_japan())
        .subject(SubjectArea::Trade)
        .build_with(&context, event(1, EventKind::Proposed, "2024-01-01"))
        .unwrap();
    agreement
        .record_with(&context, event(2, EventKind::Note, "2024-01-01"))
        .unwrap();
    agreement
        .record_with(&context, event(3, EventKind::Deliberated, "2024-02-01"))
        .unwrap();
    let text = serde_json::to_string(&agreement).unwrap();
    let back: Agreement = serde_json::from_str(&text).unwrap();
    assert_eq!(back, agreement);
}

#[test]
fn a_context_takes_the_clock_it_is_given() {
    let policy = Policy::standard();
    let early = FixedClock::new("2024-01-15T00:00:00Z".parse().unwrap());
    let late = FixedClock::new("2024-06-15T00:00:00Z".parse().unwrap());
    let context = Context::new(&policy, &early);
    let mut agreement = Agreement::builder("Pact", india_japan())
        .subject(SubjectArea::Trade)
        .build_with(&context, event(1, EventKind::Proposed, "2024-01-01"))
        .unwrap();
    let talks = event(2, EventKind::Deliberated, "2024-03-01");
    assert!(
        agreement.check_with(&context, &talks).is_err(),
        "after today for the early clock"
    );
    let later = context.with_clock(&late);
    agreement.record_with(&later, talks).unwrap();
    assert_eq!(
        agreement.entries()[1].recorded_at(),
        "2024-06-15T00:00:00Z"
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
    );
}

#[test]
fn dates_say_their_month_only_when_they_have_one() {
    assert_eq!(date("2024-11-22").month_number(), Some(11));
    assert_eq!(date("2024-11").month_number(), Some(11));
    assert_eq!(date("2024").month_number(), None);
}

#[test]
fn debug_output_shows_the_value() {
    assert_eq!(format!("{:?}", date("2024-11?")), "EventDate(2024-11?)");
    let clock = FixedClock::new("2024-11-23T09:30:00Z".parse().unwrap());
    assert_eq!(
        format!("{clock:?}"),
        "FixedClock(2024-11-23T09:30:00+00:00)"
    );
    let policy = Policy::strict();
    let context = Context::new(&policy, &clock);
    let shown = format!("{context:?}");
    assert!(
        shown.contains("\"strict\"") && shown.contains("2024-11-23T09:30:00Z"),
        "{shown}"
    );
    let tracker = Tracker::with_policy(Policy::strict());
    let shown = format!("{tracker:?}");
    assert!(
        shown.contains("\"strict\"") && shown.contains("agreements: 0"),
        "{shown}"
    );
    let shown = format!("{:?}", Policy::standard());
    assert!(
        shown.contains("\"standard\"") && shown.contains("deliberated->moi-signed"),
        "{shown}"
    );
}

#[test]
fn control_characters_never_reach_a_dot_diagram() {
    // A policy's name is refused with one, so no diagram can carry it.
    assert!(
        Policy::standard()
            .to_builder()
            .name("ministry\u{7}rules")
            .build()
            .is_err()
    );
    let policy = Policy::standard()
        .to_builder()
        .name("ministry \"rules\"")
        .build()
        .unwrap();
    let dot = policy.dot().to_string();
    assert!(
        dot.starts_with("digraph \"ministry \\\"rules\\\"\" {\n"),
        "{dot}"
    );
}

#[test]
fn an_organisation_keeps_its_kind_through_json() {
    let ec = Party::organisation("EC", "European Community").unwrap();
    let value = serde_json::to_value(&ec).unwrap();
    assert_eq!(value["kind"], serde_json::json!("organisation"));
    let back: Party = serde_json::from_value(value).unwrap();
    assert_eq!(back, ec);
    // A state is written without its kind, the default.
    let value = serde_json::to_value(india()).unwrap();
    assert!(value.get("kind").is_none(), "{value}");
    let parties = Parties::new(ec, india()).unwrap();
    let back: Parties = serde_json::from_value(serde_json::to_value(&parties).unwrap()).unwrap();
    assert_eq!(back, parties);
    let _ = Stage::Proposed;
}

#[test]
fn a_context_keeps_its_observer_through_its_other_settings() {
    let policy = Policy::standard();
    let clock = FixedClock::new("2030-01-01T00:00:00Z".parse().unwrap());
    let heard = std::sync::atomic::AtomicUsize::new(0);
    let observer = |_: &bilateral::StageChange<'_>| {
        heard.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    };
    let plain = Context::new(&policy, &clock);
    assert!(plain.observer().is_none());
    let listening = plain.with_observer(&observer).with_clock(&clock);
    let listening = listening.with_policy(&policy);
    assert!(listening.observer().is_some(), "the observer is kept");
    let mut pact = opened(EventKind::Proposed, "2024-01-10");
    pact.record_with(&listening, event(2, EventKind::Deliberated, "2024-02-01"))
        .unwrap();
    assert_eq!(heard.load(std::sync::atomic::Ordering::Relaxed), 1);
}

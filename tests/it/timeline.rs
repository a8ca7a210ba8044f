//! Timelines as text and as Mermaid, and the audit trail.

use crate::common::{date, id, india_japan};
use bilateral::{
    Agreement, Context, Event, EventKind, FixedClock, Policy, Representative, Source, Stage,
    SubjectArea,
};

fn scenario() -> Agreement {
    let policy = Policy::standard();
    let clock = FixedClock::new("2024-11-23T09:30:00Z".parse().unwrap());
    let context = Context::new(&policy, &clock);
    let mut agreement = Agreement::builder(
        "Reciprocal Provision of Supplies and Services",
        india_japan(),
    )
    .subject(SubjectArea::Logistics)
    .build_with(
        &context,
        Event::builder(EventKind::Proposed, date("2024-06"))
            .id(id(1))
            .build()
            .unwrap(),
    )
    .unwrap();
    let talks = Event::builder(EventKind::Deliberated, date("2024-11-22"))
        .id(id(2))
        .venue("Vientiane")
        .occasion("11th ADMM-Plus")
        .participant(
            Representative::new(
                "Rajnath Singh",
                "Minister of Defence",
                "IND".parse().unwrap(),
            )
            .unwrap(),
        )
        .summary("Use of each other's bases discussed")
        .source(
            Source::new("The Hindu", "Talks in Vientiane")
                .unwrap()
                .published(date("2024-11-23")),
        )
        .build()
        .unwrap();
    agreement.record_with(&context, talks).unwrap();
    let aside = Event::builder(EventKind::Meeting, date("2024-11-22"))
        .id(id(3))
        .occasion("ADMM-Plus: sidelines; #11")
        .build()
        .unwrap();
    agreement.record_with(&context, aside).unwrap();
    agreement
}

#[test]
fn the_timeline_lists_each_event_with_the_stage_after_it() {
    let agreement = scenario();
    let entries: Vec<_> = agreement
        .timeline()
        .entries()
        .map(|e| (e.event.id(), e.stage))
        .collect();
    assert_eq!(
        entries,
        [
            (id(1), Some(Stage::Proposed)),
            (id(2), Some(Stage::Deliberated)),
            (id(3), Some(Stage::Deliberated)),
        ]
    );
}

#[test]
fn the_timeline_renders_as_text() {
    assert_eq!(
        scenario().timeline().to_string(),
        "Reciprocal Provision of Supplies and Services (India–Japan)\n\
         2024-06      proposed (opened at proposed)\n\
         2024-11-22   deliberated -> deliberated\n\
         \x20            at Vientiane, 11th ADMM-Plus\n\
         \x20            with Rajnath Singh, Minister of Defence (IND)\n\
         \x20            Use of each other's bases discussed\n\
         \x20            source: The Hindu, \"Talks in Vientiane\", 2024-11-23\n\
         2024-11-22   meeting (stage: deliberated)\n\
         \x20            on the occasion of ADMM-Plus: sidelines; #11\n"
    );
}

#[test]
fn the_timeline_renders_as_mermaid_with_text_escaped() {
    assert_eq!(
        scenario().timeline().mermaid().to_string(),
        "timeline\n\
         \x20   title Reciprocal Provision of Supplies and Services\n\
         \x20   2024-06 : proposed\n\
         \x20   2024-11-22 : deliberated at Vientiane (11th ADMM-Plus)\n\
         \x20       : meeting (ADMM-Plus#58; sidelines#59; #35;11)\n"
    );
}

#[test]
fn the_audit_trail_shows_every_entry_with_its_instant_and_sources() {
    let mut agreement = scenario();
    let policy = Policy::standard();
    let clock = FixedClock::new("2024-11-24T08:00:00Z".parse().unwrap());
    agreement
        .retract_with(
            &Context::new(&policy, &clock),
            id(3),
            "same meeting as the talks",
        )
        .unwrap();
    let text = agreement.audit_trail().to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "audit trail of Reciprocal Provision of Supplies and Services ({})",
            agreement.id()
        )
    );
    assert_eq!(
        lines[1],
        "2024-11-23T09:30:00Z  recorded   2024-06 proposed"
    );
    assert!(
        lines[2]
            .starts_with("2024-11-23T09:30:00Z  recorded   2024-11-22 deliberated at Vientiane"),
        "{}",
        lines[2]
    );
    assert_eq!(
        lines[3],
        "      source: The Hindu, \"Talks in Vientiane\", 2024-11-23"
    );
    assert_eq!(
        lines[5],
        "2024-11-24T08:00:00Z  retracted  00000000-0000-0000-0000-000000000003: same meeting as the talks"
    );
    assert_eq!(agreement.audit_trail().entries().len(), 4);
}

/// The event that opens the record says so; an event dated before it has
/// no stage yet.
#[test]
fn the_timeline_says_where_the_record_opened() {
    let mut agreement = scenario();
    agreement
        .record(
            Event::builder(EventKind::Meeting, date("2024-01"))
                .id(id(9))
                .build()
                .unwrap(),
        )
        .unwrap();
    let text = agreement.timeline().to_string();
    let lines: Vec<&str> = text.lines().take(4).collect();
    assert_eq!(
        lines,
        [
            "Reciprocal Provision of Supplies and Services (India–Japan)",
            "2024-01      meeting (no stage recorded yet)",
            "2024-06      proposed (opened at proposed)",
            "2024-11-22   deliberated -> deliberated",
        ]
    );
}

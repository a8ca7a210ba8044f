//! Property tests: any history built through the API round-trips through
//! JSON to an equal agreement, and its views stay consistent.
//!
//! `PROPTEST_CASES=100000 cargo test --test roundtrip` runs many more cases
//! than the default 256.

use crate::common::{id, india_japan};
use bilateral::{
    Agreement, Context, Event, EventDate, EventKind, FixedClock, Policy, Source, SubjectArea,
};
use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Record {
        kind: usize,
        date: (u16, u8, u8, u8),
        summary: bool,
        source: bool,
    },
    Correct {
        target: u8,
        kind: usize,
        date: (u16, u8, u8, u8),
    },
    Retract {
        target: u8,
    },
}

fn date_of((year, month, day, qualifier): (u16, u8, u8, u8)) -> EventDate {
    let year = 2000 + i32::from(year);
    let date = match (month, day) {
        (0, _) => EventDate::year(year),
        (m, 0) => EventDate::month(year, u32::from(m)),
        (m, d) => EventDate::day(year, u32::from(m), u32::from(d)),
    }
    .unwrap();
    match qualifier {
        1 => date.uncertain(),
        2 => date.approximate(),
        3 => date.uncertain().approximate(),
        _ => date,
    }
}

fn date_strategy() -> impl Strategy<Value = (u16, u8, u8, u8)> {
    // Plain dates half of the time, each qualifier otherwise.
    (0u16..20, 0u8..=12, 0u8..=28, 0u8..6)
}

fn op_strategy() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0..EventKind::ALL.len(), date_strategy(), any::<bool>(), any::<bool>())
            .prop_map(|(kind, date, summary, source)| Op::Record { kind, date, summary, source }),
        2 => (any::<u8>(), 0..EventKind::ALL.len(), date_strategy())
            .prop_map(|(target, kind, date)| Op::Correct { target, kind, date }),
        1 => any::<u8>().prop_map(|target| Op::Retract { target }),
    ]
}

/// Applies the operations, keeping whatever the rules accept.
fn build(first: (u16, u8, u8, u8), ops: &[Op]) -> Agreement {
    let policy = Policy::standard();
    let start: DateTime<Utc> = "2030-01-01T00:00:00Z".parse().unwrap();
    let clock = FixedClock::new(start);
    let mut agreement = Agreement::builder("Generated", india_japan())
        .subject(SubjectArea::Trade)
        .build_with(
            &Context::new(&policy, &clock),
            Event::with_id(id(0), EventKind::Proposed, date_of(first)),
        )
        .unwrap();
    let mut recorded = 1u128;
    for (step, op) in ops.iter().enumerate() {
        let clock = FixedClock::new(start + Duration::minutes(step as i64 + 1));
        let context = Context::new(&policy, &clock);
        let before = agreement.clone();
        let result = match op {
            Op::Record {
                kind,
                date,
                summary,
                source,
            } => {
                let mut builder =
                    Event::builder(EventKind::ALL[*kind], date_of(*date)).id(id(recorded));
                recorded += 1;
                if *summary {
                    builder = builder.summary("a summary: with punctuation; and #marks");
                }
                if *source {
                    builder = builder.source(
                        Source::new("Publisher", "Title")
                            .unwrap()
                            .published(date_of(*date)),
                    );
                }
                agreement.record_with(&context, builder.build().unwrap())
            }
            Op::Correct { target, kind, date } => {
                let target = id(u128::from(*target) % recorded);
                let corrected = Event::builder(EventKind::ALL[*kind], date_of(*date))
                    .id(target)
                    .build()
                    .unwrap();
                agreement.correct_with(&context, corrected)
            }
            Op::Retract { target } => {
                let target = id(u128::from(*target) % recorded);
                agreement.retract_with(&context, target, "generated")
            }
        };
        if result.is_err() {
            eprintln!("checking that the refused {op:?} changed nothing");
            crate::common::assert_same_agreement(&agreement, &before);
        }
    }
    agreement
}

proptest! {
    #[test]
    fn json_round_trip_is_the_identity(first in date_strategy(), ops in prop::collection::vec(op_strategy(), 0..40)) {
        let agreement = build(first, &ops);
        let text = serde_json::to_string(&agreement).unwrap();
        let back: Agreement = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&back, &agreement);
        prop_assert_eq!(back.stage(), agreement.stage());
    }

    #[test]
    fn views_agree_with_the_history(first in date_strategy(), ops in prop::collection::vec(op_strategy(), 0..40)) {
        let agreement = build(first, &ops);
        // The stage is the last stage change in force.
        let last = agreement.history().filter_map(Event::stage).fold(None, |_, stage| Some(stage));
        prop_assert_eq!(Some(agreement.stage()), last);
        // Far after every date, the stage is possibly the current one, and
        // certainly so unless the last stage change has a qualified date.
        let on = agreement.stage_on(EventDate::year(2100).unwrap());
        prop_assert_eq!(on.possible, Some(agreement.stage()));
        let last_change = agreement.history().rfind(|event| event.stage().is_some()).unwrap();
        prop_assert_eq!(on.is_certain(), !last_change.date().is_qualified());
        prop_assert_eq!(on.qualified, last_change.date().is_qualified());
        if on.is_certain() {
            prop_assert_eq!(on.certain, Some(agreement.stage()));
        }
        // The agreement as recorded at its last instant is itself.
        let last_instant = agreement.entries().last().unwrap().recorded_at();
        let at_last = agreement.as_recorded_at(last_instant);
        prop_assert_eq!(at_last.as_ref(), Some(&agreement));
        // Every prefix of the trail is a valid agreement that round-trips too.
        for entry in agreement.entries() {
            let then = agreement.as_recorded_at(entry.recorded_at()).unwrap();
            let back: Agreement = serde_json::from_str(&serde_json::to_string(&then).unwrap()).unwrap();
            prop_assert_eq!(back, then);
        }
    }
}

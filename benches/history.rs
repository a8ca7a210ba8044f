//! The cost of histories: reading an agreement from JSON with full
//! validation beside the unvalidated document; loading documents of every
//! shape a history can take (appends, notes of one year, rounds of one day,
//! news arriving in reverse, corrections, retractions) at 1,000 and 10,000
//! entries; and recording an append at the end of 100 to 10,000 events.
//!
//! Run with `cargo bench -p bilateral-benches --bench history`.

use std::hint::black_box;

use bilateral::document::AgreementDocument;
use bilateral::{
    Agreement, Change, Context, Event, EventDate, EventId, EventKind, FixedClock, Parties, Party,
    Policy, Source, SubjectArea,
};
use chrono::NaiveDate;
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn parties() -> Parties {
    Parties::new(
        Party::state("IND", "India").expect("party"),
        Party::state("JPN", "Japan").expect("party"),
    )
    .expect("parties")
}

fn day(n: usize) -> EventDate {
    let start = NaiveDate::from_ymd_opt(2000, 1, 1).expect("date");
    EventDate::try_from(start + chrono::Days::new(n as u64)).expect("date")
}

fn id(n: usize) -> EventId {
    EventId::from_uuid(uuid::Uuid::from_u128(n as u128 + 1))
}

/// An agreement with `events` events: a proposal, then rounds of
/// deliberation and meetings on successive days, each with a summary and a
/// source.
fn agreement(events: usize) -> Agreement {
    let policy = Policy::standard();
    let clock = FixedClock::new("2030-01-01T00:00:00Z".parse().expect("instant"));
    let context = Context::new(&policy, &clock);
    let mut agreement =
        Agreement::builder("Reciprocal Provision of Supplies and Services", parties())
            .subject(SubjectArea::Logistics)
            .build_with(&context, Event::new(EventKind::Proposed, day(0)))
            .expect("agreement");
    for n in 1..events {
        let kind = if n % 2 == 1 {
            EventKind::Deliberated
        } else {
            EventKind::Meeting
        };
        let event = Event::builder(kind, day(n))
            .summary("Officials met to discuss reciprocal access to bases")
            .source(Source::new("Ministry of Defence", "Press release").expect("source"))
            .build()
            .expect("event");
        agreement.record_with(&context, event).expect("valid");
    }
    agreement
}

fn from_json(c: &mut Criterion) {
    let mut group = c.benchmark_group("from_json");
    for events in [10, 100, 1_000] {
        let json = serde_json::to_string(&agreement(events)).expect("json");
        group.throughput(Throughput::Elements(events as u64));
        group.bench_with_input(BenchmarkId::new("agreement", events), &json, |b, json| {
            b.iter(|| serde_json::from_str::<Agreement>(black_box(json)).expect("valid"))
        });
        group.bench_with_input(BenchmarkId::new("mirror", events), &json, |b, json| {
            b.iter(|| serde_json::from_str::<AgreementDocument>(black_box(json)).expect("valid"))
        });
    }
    group.finish();
}

/// The shapes of history a document can hold, each as the changes that
/// make it, in recording order, after an opening proposal.
const SHAPES: [&str; 8] = [
    "appends",
    "same-year-notes",
    "same-day-rounds",
    "reverse-order",
    "alternating",
    "many-corrections",
    "record-then-retract",
    "corrections-of-one-event",
];

/// The changes of a shape with `entries` entries in all, the opening
/// proposal first.
fn shape(name: &str, entries: usize) -> Vec<Change> {
    let rest = entries - 1;
    let opening = match name {
        // News arriving in reverse: the proposal is the latest date.
        "reverse-order" => Event::with_id(id(0), EventKind::Proposed, day(rest + 1)),
        _ => Event::with_id(id(0), EventKind::Proposed, day(0)),
    };
    let mut changes = vec![Change::Record(opening)];
    let year: EventDate = "2001".parse().expect("year");
    match name {
        "appends" => changes.extend(
            (1..entries)
                .map(|n| Change::Record(Event::with_id(id(n), EventKind::Deliberated, day(n)))),
        ),
        "same-year-notes" => changes.extend(
            (1..entries).map(|n| Change::Record(Event::with_id(id(n), EventKind::Note, year))),
        ),
        "same-day-rounds" => changes.extend(
            (1..entries)
                .map(|n| Change::Record(Event::with_id(id(n), EventKind::Deliberated, day(1)))),
        ),
        "reverse-order" => {
            changes.extend((1..entries).map(|n| {
                Change::Record(Event::with_id(id(n), EventKind::Meeting, day(rest + 1 - n)))
            }))
        }
        "alternating" => changes.extend((1..entries).map(|n| {
            let kind = if n % 2 == 1 {
                EventKind::Deliberated
            } else {
                EventKind::Note
            };
            Change::Record(Event::with_id(id(n), kind, day(n.div_ceil(2))))
        })),
        "many-corrections" => {
            let half = rest / 2;
            changes.extend(
                (1..=half)
                    .map(|n| Change::Record(Event::with_id(id(n), EventKind::Meeting, day(n)))),
            );
            changes.extend((1..=rest - half).map(|n| {
                let target = (n - 1) % half + 1;
                Change::Correct(Event::with_id(
                    id(target),
                    EventKind::Statement,
                    day(n + half),
                ))
            }));
        }
        "record-then-retract" => {
            for n in 1..entries {
                if n % 2 == 1 {
                    changes.push(Change::Record(Event::with_id(
                        id(n),
                        EventKind::Note,
                        day(n),
                    )));
                } else {
                    changes.push(Change::Retract {
                        id: id(n - 1),
                        reason: "duplicate report".into(),
                    });
                }
            }
        }
        "corrections-of-one-event" => {
            changes.push(Change::Record(Event::with_id(
                id(1),
                EventKind::Meeting,
                day(1),
            )));
            changes.extend(
                (2..entries)
                    .map(|n| Change::Correct(Event::with_id(id(1), EventKind::Meeting, day(n)))),
            );
        }
        other => panic!("no shape {other}"),
    }
    changes
}

/// The document of a shape, made through the API.
fn document(name: &str, entries: usize) -> String {
    let policy = Policy::standard();
    let clock = FixedClock::new("2030-01-01T00:00:00Z".parse().expect("instant"));
    let context = Context::new(&policy, &clock);
    let mut changes = shape(name, entries).into_iter();
    let Some(Change::Record(first)) = changes.next() else {
        panic!("a shape opens with a record");
    };
    let mut agreement = Agreement::builder("Shape", parties())
        .subject(SubjectArea::Logistics)
        .build_with(&context, first)
        .expect("opening");
    for change in changes {
        let result = match change {
            Change::Record(event) => agreement.record_with(&context, event),
            Change::Correct(event) => agreement.correct_with(&context, event),
            Change::Retract { id, reason } => agreement.retract_with(&context, id, reason),
            _ => unreachable!(),
        };
        result.expect("every change of a shape is valid");
    }
    assert_eq!(agreement.entries().len(), entries);
    serde_json::to_string(&agreement).expect("json")
}

fn load_shapes(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    for name in SHAPES {
        for entries in [1_000, 10_000] {
            let json = document(name, entries);
            group.throughput(Throughput::Elements(entries as u64));
            group.bench_with_input(BenchmarkId::new(name, entries), &json, |b, json| {
                b.iter(|| serde_json::from_str::<Agreement>(black_box(json)).expect("valid"))
            });
        }
    }
    group.finish();
}

/// A copy of `agreement` grown to `events` events by one more append, as a
/// history in use grows: a clone holds its log with no room to spare, so
/// without this step every timed append would pay to copy the whole log
/// (a cost a long-lived log pays once per doubling, not once per event).
fn grown(agreement: &Agreement, context: &Context<'_>, events: usize) -> Agreement {
    let mut agreement = agreement.clone();
    agreement
        .record_with(
            context,
            Event::with_id(id(events - 1), EventKind::Deliberated, day(events)),
        )
        .expect("accepted");
    agreement
}

/// Records one deliberation on an agreement of `events` events, dated by
/// `on` from the number of events, as group `name`.
fn record_at(c: &mut Criterion, name: &str, on: fn(usize) -> EventDate) {
    let policy = Policy::standard();
    let clock = FixedClock::new("2030-01-01T00:00:00Z".parse().expect("instant"));
    let context = Context::new(&policy, &clock);
    let mut group = c.benchmark_group(name);
    for events in [100, 1_000, 9_999] {
        let agreement: Agreement =
            serde_json::from_str(&document("appends", events - 1)).expect("valid");
        let next = Event::with_id(id(events), EventKind::Deliberated, on(events));
        group.bench_with_input(
            BenchmarkId::from_parameter(events),
            &agreement,
            |b, agreement| {
                b.iter_batched(
                    || (grown(agreement, &context, events), next.clone()),
                    |(mut agreement, event)| {
                        agreement.record_with(&context, event).expect("accepted");
                        agreement
                    },
                    BatchSize::LargeInput,
                )
            },
        );
    }
    group.finish();
}

/// A deliberation appended after the last event.
fn record_append(c: &mut Criterion) {
    record_at(c, "record/append-at", |events| day(events + 1));
}

/// A deliberation recorded on the same day as the middle of the history:
/// the entry lands in the past and everything after it is checked again.
fn record_same_day(c: &mut Criterion) {
    record_at(c, "record/same-day-at", |events| day(events / 2));
}

criterion_group!(
    benches,
    from_json,
    load_shapes,
    record_append,
    record_same_day
);
criterion_main!(benches);

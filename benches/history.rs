//! The cost of validation when reading an agreement from JSON: rebuilding a
//! validated `Agreement` beside deserialising the same text into the plain,
//! unvalidated `AgreementDocument` mirror.
//!
//! Run with `cargo bench --bench history`.

use std::hint::black_box;

use bilateral::document::AgreementDocument;
use bilateral::{
    Agreement, Context, Event, EventDate, EventKind, FixedClock, Parties, Party, Policy, Source,
    SubjectArea,
};
use chrono::NaiveDate;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// An agreement with `events` events: a proposal, then rounds of
/// deliberation and meetings on successive days, each with a summary and a
/// source.
fn agreement(events: usize) -> Agreement {
    let policy = Policy::standard();
    let clock = FixedClock::new("2030-01-01T00:00:00Z".parse().expect("instant"));
    let context = Context::new(&policy, &clock);
    let parties = Parties::new(
        Party::state("IND", "India").expect("party"),
        Party::state("JPN", "Japan").expect("party"),
    )
    .expect("parties");
    let start = NaiveDate::from_ymd_opt(2000, 1, 1).expect("date");
    let day = |n: usize| EventDate::try_from(start + chrono::Days::new(n as u64)).expect("date");
    let mut agreement =
        Agreement::builder("Reciprocal Provision of Supplies and Services", parties)
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

criterion_group!(benches, from_json);
criterion_main!(benches);

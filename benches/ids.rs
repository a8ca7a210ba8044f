//! Fresh identifiers: the crate's default (`EventId::new`, no system call
//! per id) beside `uuid::Uuid::now_v7` (one `getrandom` call per id), which
//! the crate used before.
//!
//! Run with `cargo bench -p bilateral-benches --bench ids`.

use std::hint::black_box;

use bilateral::{AgreementId, Event, EventId, EventKind};
use criterion::{Criterion, criterion_group, criterion_main};

fn ids(c: &mut Criterion) {
    let mut group = c.benchmark_group("ids/fresh");
    group.bench_function("bilateral", |b| b.iter(|| black_box(EventId::new())));
    group.bench_function("uuid-now_v7", |b| {
        b.iter(|| black_box(uuid::Uuid::now_v7()))
    });
    group.finish();

    // What a user pays for an event with a fresh id, beside one whose id
    // is given.
    let date = "2024-11-23".parse().expect("date");
    let mut group = c.benchmark_group("ids/event");
    group.bench_function("fresh", |b| {
        b.iter(|| black_box(Event::new(EventKind::Meeting, black_box(date))))
    });
    group.bench_function("given", |b| {
        b.iter(|| {
            black_box(Event::with_id(
                EventId::from_uuid(uuid::Uuid::from_u128(7)),
                EventKind::Meeting,
                black_box(date),
            ))
        })
    });
    group.bench_function("agreement-id", |b| b.iter(|| black_box(AgreementId::new())));
    group.finish();
}

criterion_group!(benches, ids);
criterion_main!(benches);

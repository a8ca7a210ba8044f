//! The cost of removing an agreement from a tracker, and of inserting it
//! back, at 10,000 to 1,000,000 agreements: it should not depend on the
//! tracker's size.
//!
//! Run with `cargo bench -p bilateral-benches --bench removal`. Set
//! `BILATERAL_BENCH_MAX` (default 1000000) to stop at a smaller size.

mod sizes;

use std::time::Duration;

use bilateral::{
    Agreement, AgreementId, Event, EventDate, EventId, EventKind, FixedClock, Parties, Party,
    SubjectArea, Tracker,
};
use criterion::{Criterion, criterion_group, criterion_main};
use sizes::sizes;

const CODES: [&str; 12] = [
    "IND", "JPN", "PHL", "FRA", "NOR", "USA", "BRA", "ZAF", "AUS", "IDN", "VNM", "KOR",
];

fn uuid(n: u128, tag: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128((tag << 124) | n)
}

/// A tracker of `count` agreements of three events each, made reproducibly.
fn tracker(count: usize) -> Tracker {
    let mut tracker = Tracker::new().with_clock(FixedClock::new(
        "2030-01-01T00:00:00Z".parse().expect("now"),
    ));
    let areas = [
        SubjectArea::Logistics,
        SubjectArea::Space,
        SubjectArea::Trade,
        SubjectArea::Energy,
    ];
    for n in 0..count {
        let a = CODES[n % CODES.len()];
        let b = CODES[(n + 1 + n / CODES.len() % (CODES.len() - 1)) % CODES.len()];
        let parties = Parties::new(
            Party::state(a, a).expect("party"),
            Party::state(b, b).expect("party"),
        )
        .expect("parties");
        let year = 1990 + (n % 30) as i32;
        let event = |k: u128, kind: EventKind, month: u32| {
            Event::with_id(
                EventId::from_uuid(uuid(n as u128 * 4 + k, 0xe)),
                kind,
                EventDate::day(year, month, 1 + (n % 28) as u32).expect("date"),
            )
        };
        let id = tracker
            .create(
                Agreement::builder(format!("Agreement {n}"), parties)
                    .id(AgreementId::from_uuid(uuid(n as u128, 0xa)))
                    .subjects([
                        areas[n % areas.len()].clone(),
                        areas[(n / 5) % areas.len()].clone(),
                    ]),
                event(0, EventKind::Proposed, 1),
            )
            .expect("valid");
        tracker
            .record(id, event(1, EventKind::Deliberated, 3))
            .expect("valid");
        tracker
            .record(id, event(2, EventKind::Meeting, 5))
            .expect("valid");
    }
    tracker
}

fn removal(c: &mut Criterion) {
    for n in sizes() {
        let mut tracker = tracker(n);
        let ids: Vec<AgreementId> = tracker.iter().map(Agreement::id).collect();
        let mut group = c.benchmark_group(format!("remove/{n}"));
        group.sample_size(20);
        group.warm_up_time(Duration::from_millis(500));
        group.measurement_time(Duration::from_secs(2));
        let mut counter = 0usize;
        // Each agreement in turn: removed, then inserted back (so that the
        // tracker keeps its size), and the pair timed together.
        group.bench_function("remove-then-insert", |b| {
            b.iter(|| {
                counter += 1;
                let id = ids[counter % ids.len()];
                let agreement = tracker.remove(id).expect("held");
                tracker.insert(agreement).expect("inserted")
            })
        });
        group.finish();
    }
}

criterion_group!(benches, removal);
criterion_main!(benches);

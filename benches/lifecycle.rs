//! The cost of the lifecycle check and of recording one event, beside a
//! hand-written `match` of the same rules as the floor.
//!
//! Run with `cargo bench --bench lifecycle`.

use std::hint::black_box;

use bilateral::{
    Agreement, Context, Event, EventDate, EventKind, FixedClock, Parties, Party, Policy, Stage,
    SubjectArea,
};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

/// The standard rules as a hand-written `match`: the floor.
fn match_allows(from: Stage, to: Stage) -> bool {
    use Stage::*;
    matches!(
        (from, to),
        (Proposed, Deliberated)
            | (Deliberated, Deliberated)
            | (Deliberated, MoiSigned)
            | (MoiSigned, Finalised)
            | (Finalised, Terminated)
            | (Proposed | Deliberated | MoiSigned, Withdrawn)
    )
}

fn pairs() -> Vec<(Stage, Stage)> {
    Stage::ALL
        .into_iter()
        .flat_map(|from| Stage::ALL.into_iter().map(move |to| (from, to)))
        .collect()
}

fn transition(c: &mut Criterion) {
    let pairs = pairs();
    let policy = Policy::standard();
    let mut group = c.benchmark_group("transition/36-pairs");
    group.bench_function("policy", |b| {
        b.iter(|| {
            black_box(&pairs)
                .iter()
                .filter(|(from, to)| policy.check(Some(*from), *to).is_ok())
                .count()
        })
    });
    group.bench_function("match", |b| {
        b.iter(|| {
            black_box(&pairs)
                .iter()
                .filter(|(from, to)| match_allows(*from, *to))
                .count()
        })
    });
    group.finish();
}

fn date(text: &str) -> EventDate {
    text.parse().expect("valid date")
}

/// A deliberated agreement with five events, the typical shape.
fn base() -> Agreement {
    let parties = Parties::new(
        Party::state("IND", "India").expect("party"),
        Party::state("JPN", "Japan").expect("party"),
    )
    .expect("parties");
    let mut agreement =
        Agreement::builder("Reciprocal Provision of Supplies and Services", parties)
            .subject(SubjectArea::Logistics)
            .build(Event::new(EventKind::Proposed, date("2023-01-10")))
            .expect("agreement");
    for (kind, on) in [
        (EventKind::Deliberated, "2023-05-02"),
        (EventKind::Meeting, "2023-09-14"),
        (EventKind::Deliberated, "2024-02-20"),
        (EventKind::Deliberated, "2024-11-22"),
    ] {
        agreement
            .record(Event::new(kind, date(on)))
            .expect("valid history");
    }
    agreement
}

/// The floor for recording: a vector of (stage, date) checked by `match`.
#[derive(Clone)]
struct Floor {
    events: Vec<(Stage, EventDate)>,
}

impl Floor {
    fn check(&self, stage: Stage) -> Result<(), ()> {
        match self.events.last() {
            Some((from, _)) if !match_allows(*from, stage) => Err(()),
            _ => Ok(()),
        }
    }

    fn record(&mut self, stage: Stage, on: EventDate) -> Result<(), ()> {
        self.check(stage)?;
        self.events.push((stage, on));
        Ok(())
    }
}

fn record(c: &mut Criterion) {
    let agreement = base();
    let floor = Floor {
        events: agreement
            .history()
            .filter_map(|e| e.stage().map(|s| (s, e.date())))
            .collect(),
    };
    let signed = Event::new(EventKind::MoiSigned, date("2025-03-01"));
    let late = Event::new(EventKind::Deliberated, date("2023-12-01"));

    // Validation alone: everything `record` checks, without the write.
    let mut group = c.benchmark_group("check/append");
    group.bench_function("agreement", |b| {
        b.iter(|| black_box(&agreement).check(black_box(&signed)).is_ok())
    });
    // The same with an injected clock: the system clock's read is the rest.
    let policy = Policy::standard();
    let clock = FixedClock::new("2030-01-01T00:00:00Z".parse().expect("instant"));
    let context = Context::new(&policy, &clock);
    group.bench_function("agreement-fixed-clock", |b| {
        b.iter(|| {
            black_box(&agreement)
                .check_with(&context, black_box(&signed))
                .is_ok()
        })
    });
    group.bench_function("match", |b| {
        b.iter(|| black_box(&floor).check(black_box(Stage::MoiSigned)).is_ok())
    });
    group.finish();

    // The full write, on a clone (so both sides pay for growing a vector).
    let mut group = c.benchmark_group("record/append");
    group.bench_function("agreement", |b| {
        b.iter_batched(
            || (agreement.clone(), signed.clone()),
            |(mut agreement, event)| {
                agreement.record(event).expect("accepted");
                agreement
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("match", |b| {
        b.iter_batched(
            || (floor.clone(), signed.clone()),
            |(mut floor, event)| {
                floor
                    .record(Stage::MoiSigned, event.date())
                    .expect("accepted");
                floor
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();

    let mut group = c.benchmark_group("record/late");
    group.bench_function("agreement", |b| {
        b.iter_batched(
            || (agreement.clone(), late.clone()),
            |(mut agreement, event)| {
                agreement.record(event).expect("accepted");
                agreement
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();

    // A refusal builds the full error: agreement, events, stage and rule.
    let mut group = c.benchmark_group("check/refused");
    let finalised = Event::new(EventKind::Finalised, date("2025-03-01"));
    group.bench_function("agreement", |b| {
        b.iter(|| black_box(&agreement).check(black_box(&finalised)).is_err())
    });
    group.bench_function("match", |b| {
        b.iter(|| {
            black_box(&floor)
                .check(black_box(Stage::Finalised))
                .is_err()
        })
    });
    group.finish();
}

criterion_group!(benches, transition, record);
criterion_main!(benches);

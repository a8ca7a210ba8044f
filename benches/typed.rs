//! The typed lifecycle beside the runtime API: the same workflow, proposal
//! to termination, driven both ways. The typed layer should cost nothing
//! measurable on top.
//!
//! Run with `cargo bench --bench typed`.

use std::hint::black_box;

use bilateral::{Agreement, Event, EventDate, EventKind, Parties, Party, SubjectArea, Typed};
use criterion::{Criterion, criterion_group, criterion_main};

fn date(text: &str) -> EventDate {
    text.parse().expect("date")
}

fn lifecycle(c: &mut Criterion) {
    let parties = Parties::new(
        Party::state("IND", "India").expect("party"),
        Party::state("JPN", "Japan").expect("party"),
    )
    .expect("parties");
    let builder = Agreement::builder("Logistics", parties).subject(SubjectArea::Logistics);
    let dates = [
        date("2024-01-10"),
        date("2024-03-05"),
        date("2024-11-15"),
        date("2025-01-20"),
        date("2025-12-31"),
    ];

    let mut group = c.benchmark_group("lifecycle/propose-to-terminate");
    group.bench_function("runtime", |b| {
        b.iter(|| {
            let mut agreement = builder
                .clone()
                .build(Event::new(EventKind::Proposed, dates[0]))
                .expect("proposed");
            for (kind, on) in [
                (EventKind::Deliberated, dates[1]),
                (EventKind::MoiSigned, dates[2]),
                (EventKind::Finalised, dates[3]),
                (EventKind::Terminated, dates[4]),
            ] {
                agreement.record(Event::new(kind, on)).expect("accepted");
            }
            black_box(agreement)
        })
    });
    group.bench_function("typed", |b| {
        b.iter(|| {
            let ended = Typed::propose(builder.clone(), dates[0])
                .expect("proposed")
                .deliberate(dates[1])
                .expect("deliberated")
                .sign_moi(dates[2])
                .expect("signed")
                .finalise(dates[3])
                .expect("finalised")
                .terminate(dates[4])
                .expect("terminated");
            black_box(Agreement::from(ended))
        })
    });
    group.finish();
}

criterion_group!(benches, lifecycle);
criterion_main!(benches);

//! The cost of checking a property over every history a policy allows
//! (issue 18's bar: under a millisecond for a policy that allows every
//! transition, with rounds repeated up to ten times), of listing paths, and
//! of a policy diff.
//!
//! Run with `cargo bench -p bilateral-benches --bench policy_check`.

use std::hint::black_box;

use bilateral::lifecycle::{BothPartiesRepresented, Property};
use bilateral::{Policy, Stage, StageSet, Trigger};
use criterion::{Criterion, criterion_group, criterion_main};

use Stage::{Deliberated, Finalised, MoiSigned, Proposed, Terminated, Withdrawn};

/// Every transition a policy may have (none out of withdrawn or
/// terminated), and records opening anywhere.
fn everything() -> Policy {
    let mut builder = Policy::builder("everything").entry_stages(StageSet::ALL);
    for from in [Proposed, Deliberated, MoiSigned, Finalised] {
        for to in Stage::ALL {
            builder = builder.allow(from, to);
        }
    }
    builder.build().expect("a valid policy")
}

/// One property of each kind, the counting one at ten rounds.
fn one_of_each() -> [(&'static str, Property); 7] {
    [
        (
            "every-path-passes",
            Property::EveryPathPasses {
                to: Finalised,
                through: MoiSigned,
            },
        ),
        (
            "reachable",
            Property::Reachable {
                target: Withdrawn,
                from: StageSet::from([Proposed, Deliberated, MoiSigned]),
            },
        ),
        (
            "unreachable",
            Property::Unreachable {
                target: Finalised,
                from: StageSet::only(Withdrawn),
            },
        ),
        ("nothing-follows", Property::NothingFollows(Terminated)),
        ("never-opens-at", Property::NeverOpensAt(Finalised)),
        (
            "never-after",
            Property::NeverAfter {
                later: MoiSigned,
                earlier: Finalised,
            },
        ),
        (
            "at-most-10",
            Property::AtMost {
                stage: Deliberated,
                times: 10,
            },
        ),
    ]
}

fn verify(c: &mut Criterion) {
    let everything = everything();
    let mut group = c.benchmark_group("verify/everything-allowed");
    for (name, property) in one_of_each() {
        group.bench_function(name, |b| {
            b.iter(|| black_box(everything.verify(black_box(property))).is_ok())
        });
    }
    // The property that searches the most states: eleven counts per stage,
    // and it holds, so every state is visited.
    let strict = Policy::strict();
    group.bench_function("at-most-10-holding-strict", |b| {
        let property = Property::AtMost {
            stage: MoiSigned,
            times: 10,
        };
        b.iter(|| black_box(strict.verify(black_box(property))).is_ok())
    });
    group.finish();
}

fn paths(c: &mut Criterion) {
    let everything = everything();
    let mut group = c.benchmark_group("paths/everything-allowed");
    group.bench_function("first-1000-at-10-rounds", |b| {
        b.iter(|| {
            everything
                .paths(black_box(Proposed), black_box(Finalised))
                .rounds(10)
                .take(1000)
                .count()
        })
    });
    let standard = Policy::standard();
    group.bench_function("standard-proposed-to-finalised-all-at-10-rounds", |b| {
        b.iter(|| {
            standard
                .paths(black_box(Proposed), black_box(Finalised))
                .rounds(10)
                .count()
        })
    });
    group.finish();
}

fn diff(c: &mut Criterion) {
    let standard = Policy::standard();
    let ministry = standard
        .to_builder()
        .name("ministry")
        .allow(Deliberated, Finalised)
        .guard(Trigger::Into(Finalised), BothPartiesRepresented)
        .build()
        .expect("a valid policy");
    c.bench_function("diff/standard-to-ministry", |b| {
        b.iter(|| black_box(&standard).diff(black_box(&ministry)))
    });
}

criterion_group!(benches, verify, paths, diff);
criterion_main!(benches);

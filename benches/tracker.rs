//! The tracker's queries beside the same data in SQLite (in memory, with the
//! indexes a competent user would create) and beside a linear scan; the
//! cost of recording an event; and the memory an agreement takes.
//!
//! Run with `cargo bench -p bilateral-benches --bench tracker`. The data is
//! synthetic and seeded: about five events per agreement, 200 parties, 15
//! subject areas; the queries run on it as generated (`query/{n}`) and
//! skewed as real data is (`query-skewed/{n}`: one party in a third of the
//! agreements, one in 2,000 entering into force on 9999-12-31). Set
//! `BILATERAL_BENCH_MAX` (default 1000000) to stop at a smaller size.

mod sizes;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bilateral::{
    Agreement, AgreementId, Context, Event, EventDate, EventId, EventKind, FixedClock,
    InstrumentKind, Parties, Party, PartyCode, Policy, Stage, SubjectArea, Tracker,
};
use chrono::{Days, NaiveDate};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rusqlite::{Connection, params};
use sizes::sizes;

/// Counts the bytes the benchmark holds, to measure the tracker's memory.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; the
// counter is only bookkeeping.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded with the caller's arguments.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// xorshift64*: seeded, so every run builds the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const PARTIES: usize = 200;
const SUBJECTS: [SubjectArea; 15] = [
    SubjectArea::Logistics,
    SubjectArea::CoDevelopment,
    SubjectArea::CoProduction,
    SubjectArea::DefenceTechnology,
    SubjectArea::AirDomain,
    SubjectArea::MaritimeSecurity,
    SubjectArea::Exercises,
    SubjectArea::CounterTerrorism,
    SubjectArea::Space,
    SubjectArea::DefenceIndustry,
    SubjectArea::Trade,
    SubjectArea::Energy,
    SubjectArea::Fisheries,
    SubjectArea::Navigation,
    SubjectArea::Delimitation,
];
const INSTRUMENTS: [InstrumentKind; 3] = [
    InstrumentKind::Agreement,
    InstrumentKind::MemorandumOfUnderstanding,
    InstrumentKind::Protocol,
];

/// Five-event paths through the standard lifecycle, one ending at each
/// stage, in the order of `Stage::ALL`.
const PATHS: [[EventKind; 5]; 6] = {
    use EventKind::*;
    [
        [Proposed, Meeting, Statement, Meeting, Note],
        [Proposed, Deliberated, Deliberated, Meeting, Deliberated],
        [Proposed, Deliberated, Deliberated, MoiSigned, Meeting],
        [
            Proposed,
            Deliberated,
            MoiSigned,
            Finalised,
            EnteredIntoForce,
        ],
        [Proposed, Deliberated, Deliberated, MoiSigned, Withdrawn],
        [
            Deliberated,
            MoiSigned,
            Finalised,
            EnteredIntoForce,
            Terminated,
        ],
    ]
};
const SUMMARIES: [&str; 5] = [
    "First proposal",
    "Officials met",
    "Round of talks",
    "Text agreed",
    "Announced",
];

/// One synthetic agreement.
struct Spec {
    a: usize,
    b: usize,
    subjects: Vec<usize>,
    instrument: usize,
    path: usize,
    days: [u64; 5],
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1990, 1, 1).expect("date")
}

fn specs(n: usize) -> Vec<Spec> {
    let mut rng = Rng(0x5EED_0000_0000_0001);
    (0..n)
        .map(|_| {
            let a = rng.below(PARTIES as u64) as usize;
            let b = (a + 1 + rng.below(PARTIES as u64 - 1) as usize) % PARTIES;
            let mut subjects = vec![rng.below(15) as usize];
            if rng.below(2) == 0 {
                subjects.push(rng.below(15) as usize);
            }
            let start = rng.below(34 * 365);
            let mut days = [start; 5];
            for i in 1..5 {
                days[i] = days[i - 1] + 1 + rng.below(120);
            }
            Spec {
                a,
                b,
                subjects,
                instrument: rng.below(3) as usize,
                path: rng.below(6) as usize,
                days,
            }
        })
        .collect()
}

fn code(i: usize) -> PartyCode {
    format!("P{i:03}").parse().expect("code")
}

fn day(offset: u64) -> NaiveDate {
    epoch() + Days::new(offset)
}

fn build_tracker(specs: &[Spec]) -> Tracker {
    let policy = Policy::standard();
    let clock = FixedClock::new("2030-01-01T00:00:00Z".parse().expect("instant"));
    let context = Context::new(&policy, &clock);
    let parties: Vec<Party> = (0..PARTIES)
        .map(|i| Party::state(code(i).as_str(), format!("Party {i}")).expect("party"))
        .collect();
    let mut tracker = Tracker::new().with_clock(clock);
    let mut next_id = 0u128;
    let mut event = |kind: EventKind, offset: u64, summary: &str| {
        next_id += 1;
        let date = EventDate::try_from(day(offset)).expect("date");
        Event::builder(kind, date)
            .id(EventId::from_uuid(uuid::Uuid::from_u128(next_id)))
            .summary(summary)
            .build()
            .expect("event")
    };
    for (n, spec) in specs.iter().enumerate() {
        let path = PATHS[spec.path];
        let builder = Agreement::builder(
            format!("Agreement {n}"),
            Parties::new(parties[spec.a].clone(), parties[spec.b].clone()).expect("parties"),
        )
        .id(AgreementId::from_uuid(uuid::Uuid::from_u128(n as u128)))
        .instrument(INSTRUMENTS[spec.instrument])
        .subjects(spec.subjects.iter().map(|i| SUBJECTS[*i].clone()));
        let mut agreement = builder
            .build_with(&context, event(path[0], spec.days[0], SUMMARIES[0]))
            .expect("agreement");
        for i in 1..5 {
            agreement
                .record_with(&context, event(path[i], spec.days[i], SUMMARIES[i]))
                .expect("valid path");
        }
        tracker.insert(agreement).expect("inserted");
    }
    tracker
}

fn stage_number(stage: Stage) -> i64 {
    Stage::ALL.iter().position(|s| *s == stage).unwrap_or(0) as i64
}

fn build_sqlite(specs: &[Spec]) -> Connection {
    let db = Connection::open_in_memory().expect("sqlite");
    db.execute_batch(
        "CREATE TABLE agreements (id INTEGER PRIMARY KEY, title TEXT NOT NULL, instrument INTEGER NOT NULL,
                                  stage INTEGER NOT NULL, party_a TEXT NOT NULL, party_b TEXT NOT NULL);
         CREATE TABLE subjects (agreement INTEGER NOT NULL, subject TEXT NOT NULL);
         CREATE TABLE events (agreement INTEGER NOT NULL, kind INTEGER NOT NULL, start INTEGER NOT NULL,
                              end INTEGER NOT NULL, summary TEXT NOT NULL);",
    )
    .expect("schema");
    let tx = db.unchecked_transaction().expect("transaction");
    {
        let mut agreement = tx
            .prepare("INSERT INTO agreements VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
            .expect("statement");
        let mut subject = tx
            .prepare("INSERT INTO subjects VALUES (?1, ?2)")
            .expect("statement");
        let mut event = tx
            .prepare("INSERT INTO events VALUES (?1, ?2, ?3, ?4, ?5)")
            .expect("statement");
        for (n, spec) in specs.iter().enumerate() {
            let (a, b) = (code(spec.a.min(spec.b)), code(spec.a.max(spec.b)));
            agreement
                .execute(params![
                    n as i64,
                    format!("Agreement {n}"),
                    spec.instrument as i64,
                    stage_number(Stage::ALL[spec.path]),
                    a.as_str(),
                    b.as_str()
                ])
                .expect("row");
            for i in &spec.subjects {
                subject
                    .execute(params![n as i64, SUBJECTS[*i].as_str()])
                    .expect("row");
            }
            for (i, kind) in PATHS[spec.path].iter().enumerate() {
                let offset = spec.days[i] as i64;
                event
                    .execute(params![
                        n as i64,
                        *kind as i64,
                        offset,
                        offset,
                        SUMMARIES[i]
                    ])
                    .expect("row");
            }
        }
    }
    tx.commit().expect("commit");
    db.execute_batch(
        "CREATE INDEX agreements_pair ON agreements(party_a, party_b);
         CREATE INDEX agreements_a_stage ON agreements(party_a, stage);
         CREATE INDEX agreements_b_stage ON agreements(party_b, stage);
         CREATE INDEX agreements_stage ON agreements(stage);
         CREATE INDEX subjects_subject ON subjects(subject, agreement);
         CREATE INDEX events_agreement ON events(agreement, start);
         CREATE INDEX events_start ON events(start, end, agreement);
         ANALYZE;",
    )
    .expect("indexes");
    db
}

/// The process's resident size in bytes, where the system says
/// (`/proc/self/statm`, Linux): what the operating system holds for it,
/// allocator overhead and fragmentation included.
fn resident() -> Option<usize> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn tracker_benches(c: &mut Criterion) {
    for n in sizes() {
        // The data as generated, then skewed as real data is (see `skew`):
        // the same queries must stay selective.
        for (label, skewed) in [("", false), ("-skewed", true)] {
            let mut specs = specs(n);
            if skewed {
                skew(&mut specs);
            }
            let before = LIVE.load(Ordering::Relaxed);
            let resident_before = resident();
            let mut tracker = build_tracker(&specs);
            let held = LIVE.load(Ordering::Relaxed).saturating_sub(before);
            println!(
                "memory{label}/{n}: {} bytes per agreement ({} events in force), tracker with its indexes",
                held / n,
                tracker.event_count()
            );
            if let (Some(before), Some(after)) = (resident_before, resident()) {
                println!(
                    "resident{label}/{n}: {} bytes per agreement (growth of the process's resident size while the tracker was built)",
                    after.saturating_sub(before) / n
                );
            }
            let db = build_sqlite(&specs);

            // The parameters: a pair, a party and stage, a subject and month.
            let (x, y) = (
                code(specs[7].a.min(specs[7].b)),
                code(specs[7].a.max(specs[7].b)),
            );
            let party = code(specs[11].a);
            let stage = Stage::MoiSigned;
            let subject = SUBJECTS[3].clone();
            let first = day(20 * 365);
            let last = day(20 * 365 + 30);
            let (from, to) = (
                EventDate::try_from(first).expect("date"),
                EventDate::try_from(last).expect("date"),
            );
            let first_offset = (first - epoch()).num_days();
            let last_offset = (last - epoch()).num_days();

            // Every implementation must give the same answers.
            let pair_tracker = tracker.query().pair(x, y).count();
            let party_stage_tracker = tracker.query().party(party).stage(stage).count();
            let subject_range_tracker = tracker
                .query()
                .subject(subject.clone())
                .events_between(from, to)
                .count();

            let mut pair_sql = db
                .prepare("SELECT id FROM agreements WHERE party_a = ?1 AND party_b = ?2")
                .expect("statement");
            let mut party_stage_sql = db
                .prepare(
                    "SELECT id FROM agreements WHERE party_a = ?1 AND stage = ?2
                 UNION ALL SELECT id FROM agreements WHERE party_b = ?1 AND stage = ?2",
                )
                .expect("statement");
            // Dates may span up to a year, so a competent query looks back a year.
            let mut subject_range_sql = db
            .prepare(
                "SELECT DISTINCT e.agreement FROM events e JOIN subjects s ON s.agreement = e.agreement
                 WHERE s.subject = ?1 AND e.start BETWEEN ?2 - 366 AND ?3 AND e.end >= ?2",
            )
            .expect("statement");
            let mut stage_counts_sql = db
                .prepare("SELECT stage, COUNT(*) FROM agreements GROUP BY stage")
                .expect("statement");
            let rows =
                |stmt: &mut rusqlite::Statement<'_>, params: &[&dyn rusqlite::ToSql]| -> usize {
                    stmt.query_map(params, |row| row.get::<_, i64>(0))
                        .expect("query")
                        .count()
                };
            assert_eq!(
                rows(&mut pair_sql, &[&x.as_str(), &y.as_str()]),
                pair_tracker
            );
            assert_eq!(
                rows(
                    &mut party_stage_sql,
                    &[&party.as_str(), &stage_number(stage)]
                ),
                party_stage_tracker
            );
            assert_eq!(
                rows(
                    &mut subject_range_sql,
                    &[&subject.as_str(), &first_offset, &last_offset]
                ),
                subject_range_tracker
            );
            println!(
                "answers{label}/{n}: pair {pair_tracker}, party+stage {party_stage_tracker}, subject+month {subject_range_tracker}"
            );

            let mut group = c.benchmark_group(format!("query{label}/{n}"));
            group.sample_size(20);
            group.warm_up_time(Duration::from_millis(500));
            group.measurement_time(Duration::from_secs(2));

            group.bench_function(BenchmarkId::new("pair", "tracker"), |b| {
                b.iter(|| tracker.query().pair(black_box(x), y).iter().count())
            });
            group.bench_function(BenchmarkId::new("pair", "sqlite"), |b| {
                b.iter(|| rows(&mut pair_sql, &[&black_box(x).as_str(), &y.as_str()]))
            });
            group.bench_function(BenchmarkId::new("pair", "scan"), |b| {
                b.iter(|| {
                    tracker
                        .iter()
                        .filter(|a| a.parties().codes() == black_box((x, y)))
                        .count()
                })
            });

            group.bench_function(BenchmarkId::new("party+stage", "tracker"), |b| {
                b.iter(|| {
                    tracker
                        .query()
                        .party(black_box(party))
                        .stage(stage)
                        .iter()
                        .count()
                })
            });
            group.bench_function(BenchmarkId::new("party+stage", "sqlite"), |b| {
                b.iter(|| {
                    rows(
                        &mut party_stage_sql,
                        &[&black_box(party).as_str(), &stage_number(stage)],
                    )
                })
            });
            group.bench_function(BenchmarkId::new("party+stage", "scan"), |b| {
                b.iter(|| {
                    tracker
                        .iter()
                        .filter(|a| a.parties().contains(black_box(party)) && a.stage() == stage)
                        .count()
                })
            });

            group.bench_function(BenchmarkId::new("subject+month", "tracker"), |b| {
                b.iter(|| {
                    tracker
                        .query()
                        .subject(black_box(subject.clone()))
                        .events_between(from, to)
                        .iter()
                        .count()
                })
            });
            group.bench_function(BenchmarkId::new("subject+month", "sqlite"), |b| {
                b.iter(|| {
                    rows(
                        &mut subject_range_sql,
                        &[&black_box(subject.as_str()), &first_offset, &last_offset],
                    )
                })
            });
            group.bench_function(BenchmarkId::new("subject+month", "scan"), |b| {
                b.iter(|| {
                    tracker
                        .iter()
                        .filter(|a| {
                            a.covers(black_box(&subject))
                                && a.history()
                                    .any(|e| e.date().start() <= last && e.date().end() >= first)
                        })
                        .count()
                })
            });

            group.bench_function(BenchmarkId::new("stage-counts", "tracker"), |b| {
                b.iter(|| black_box(&tracker).count_by_stage())
            });
            group.bench_function(BenchmarkId::new("stage-counts", "sqlite"), |b| {
                b.iter(|| {
                    stage_counts_sql
                        .query_map([], |row| row.get::<_, i64>(1))
                        .expect("query")
                        .map(|count| count.unwrap_or(0))
                        .sum::<i64>()
                })
            });
            group.bench_function(BenchmarkId::new("stage-counts", "scan"), |b| {
                b.iter(|| {
                    let mut counts = [0usize; 6];
                    for agreement in tracker.iter() {
                        counts[stage_number(agreement.stage()) as usize] += 1;
                    }
                    counts
                })
            });
            group.finish();

            if skewed {
                continue;
            }
            // Recording: a meeting appended to each agreement in turn, dated a
            // day later every round, with ids made up front.
            let ids: Vec<AgreementId> = tracker.iter().map(Agreement::id).collect();
            let mut group = c.benchmark_group(format!("record/{n}"));
            group.sample_size(20);
            group.warm_up_time(Duration::from_millis(500));
            group.measurement_time(Duration::from_secs(2));
            let mut counter: u64 = 0;
            group.bench_function("tracker", |b| {
                b.iter(|| {
                    counter += 1;
                    let target = ids[(counter % ids.len() as u64) as usize];
                    let round = counter / ids.len() as u64;
                    let date = EventDate::try_from(day(40 * 365 + round)).expect("date");
                    let event = Event::with_id(
                        EventId::from_uuid(uuid::Uuid::from_u128(u128::from(counter) << 64)),
                        EventKind::Meeting,
                        date,
                    );
                    tracker.record(target, event).expect("recorded")
                })
            });
            group.finish();
        }
    }
}

/// Real data is skewed: one party in a third of the agreements, and a few
/// entries into force dated 9999-12-31 (a placeholder some sources use for
/// "unknown").
fn skew(specs: &mut [Spec]) {
    let placeholder = (NaiveDate::from_ymd_opt(9999, 12, 31).expect("date") - epoch()).num_days();
    for (i, spec) in specs.iter_mut().enumerate() {
        if i % 3 == 0 {
            spec.a = 0;
            if spec.b == 0 {
                spec.b = 1;
            }
        }
        if i % 2_000 == 0 {
            // Proposed through finalised, then the placeholder entry into force.
            spec.path = PATHS
                .iter()
                .position(|path| {
                    path[3] == EventKind::Finalised && path[4] == EventKind::EnteredIntoForce
                })
                .expect("a path ending in force");
            spec.days[4] = placeholder as u64;
        }
    }
}

/// A party's events of the 1990s, on the data as generated and on the
/// same data skewed: the planner must estimate from where the dates are,
/// not from their extremes.
fn skewed_benches(c: &mut Criterion) {
    for n in sizes().into_iter().filter(|n| *n <= 100_000) {
        let plain_specs = specs(n);
        let mut skewed_specs = specs(n);
        skew(&mut skewed_specs);
        let plain = build_tracker(&plain_specs);
        let skewed = build_tracker(&skewed_specs);
        let (from, to) = (
            EventDate::year(1995).expect("date"),
            EventDate::year(1999).expect("date"),
        );
        let (first, last) = (from.start(), to.end());
        let party = code(0);
        let rare = code(specs(n)[11].a.max(1));
        let query = |tracker: &Tracker, party: PartyCode| {
            tracker
                .query()
                .party(party)
                .events_between(from, to)
                .iter()
                .count()
        };
        let scan = |tracker: &Tracker, party: PartyCode| {
            tracker
                .iter()
                .filter(|a| {
                    a.parties().contains(party)
                        && a.history()
                            .any(|e| e.date().start() <= last && e.date().end() >= first)
                })
                .count()
        };
        for (name, tracker, party) in [
            ("plain", &plain, party),
            ("skewed", &skewed, party),
            ("skewed-rare", &skewed, rare),
        ] {
            assert_eq!(query(tracker, party), scan(tracker, party), "{name}");
        }
        println!(
            "skewed/{n}: party {party} in {} agreements, {} of them with events in 1995-1999",
            skewed.query().party(party).count(),
            query(&skewed, party)
        );
        let mut group = c.benchmark_group(format!("skewed/{n}"));
        group.sample_size(20);
        group.warm_up_time(Duration::from_millis(500));
        group.measurement_time(Duration::from_secs(2));
        for (name, tracker, party) in [
            ("plain", &plain, party),
            ("skewed", &skewed, party),
            ("skewed-rare", &skewed, rare),
        ] {
            group.bench_function(BenchmarkId::new("party+years", name), |b| {
                b.iter(|| query(tracker, black_box(party)))
            });
            group.bench_function(BenchmarkId::new("party+years-scan", name), |b| {
                b.iter(|| scan(tracker, black_box(party)))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, tracker_benches, skewed_benches);
criterion_main!(benches);

use bilateral::{
    Agreement, AgreementId, Context, Event, EventDate, EventId, EventKind, FixedClock,
    InstrumentKind, Parties, Party, PartyCode, Policy, SubjectArea, Tracker,
};
use chrono::{Days, NaiveDate};
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

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().unwrap())
        .unwrap_or(1_000_000);
    let rounds: u64 = std::env::args()
        .nth(2)
        .map(|s| s.parse().unwrap())
        .unwrap_or(20_000_000);
    let mut tracker = build_tracker(&specs(n));
    let ids: Vec<AgreementId> = tracker.iter().map(Agreement::id).collect();
    eprintln!("ready");
    std::fs::write("/tmp/probe-ready", "").unwrap();
    let t = std::time::Instant::now();
    for counter in 1..=rounds {
        let target = ids[(counter % ids.len() as u64) as usize];
        let round = counter / ids.len() as u64;
        let date = EventDate::try_from(day(40 * 365 + round)).expect("date");
        let event = Event::with_id(
            EventId::from_uuid(uuid::Uuid::from_u128(u128::from(counter) << 64)),
            EventKind::Meeting,
            date,
        );
        std::hint::black_box(tracker.record(target, event).expect("recorded"));
    }
    let e = t.elapsed();
    eprintln!("{:.1} ns/record", e.as_nanos() as f64 / rounds as f64);
}

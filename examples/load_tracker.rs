//! Loading a large tracker document as a stream: time and peak resident
//! memory against the document's size.
//!
//! ```sh
//! cargo run --release --example load_tracker -- 100000 1000000
//! ```
//!
//! For each count it writes a document of that many typical agreements (a
//! proposal, a deliberation or two, sometimes an MoI and a finalisation)
//! to a temporary file in one process, then loads it in a fresh process,
//! so that the peak resident size measured (`VmHWM` of `/proc/self/status`
//! on Linux) is the load's alone. With no count it loads 1,000 agreements.
//! `largest` in place of a count loads one agreement at the entry limit
//! (10,000 events), each event with a summary at its limit (5,000
//! characters, not ASCII, so every character takes the slower checks).

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use bilateral::lifecycle::Guards;
use bilateral::{
    Agreement, AgreementId, Event, EventDate, EventId, EventKind, FixedClock, Parties, Party,
    SubjectArea, Tracker,
};

const CODES: [&str; 12] = [
    "IND", "JPN", "PHL", "FRA", "NOR", "USA", "BRA", "ZAF", "AUS", "IDN", "VNM", "KOR",
];

/// A tracker of `count` typical agreements, made reproducibly.
fn tracker(count: usize) -> Tracker {
    let mut tracker =
        Tracker::new().with_clock(FixedClock::new("2030-01-01T00:00:00Z".parse().unwrap()));
    let areas = [
        SubjectArea::Logistics,
        SubjectArea::MaritimeSecurity,
        SubjectArea::Space,
        SubjectArea::Trade,
        SubjectArea::Energy,
    ];
    let mut next_event = 0u128;
    let mut event = |kind: EventKind, date: EventDate| {
        next_event += 1;
        Event::with_id(EventId::from_uuid(uuid(next_event, 0xe)), kind, date)
    };
    for n in 0..count {
        let a = CODES[n % CODES.len()];
        let b = CODES[(n / CODES.len() + 1 + n) % CODES.len()];
        let b = if a == b {
            CODES[(n + 1) % CODES.len()]
        } else {
            b
        };
        let parties = Parties::new(
            Party::state(a, a).expect("party"),
            Party::state(b, b).expect("party"),
        )
        .expect("parties");
        let year = 1990 + (n % 30) as i32;
        let month = 1 + (n % 12) as u32;
        let day = |m: u32| EventDate::day(year, m, 1 + (n % 28) as u32).expect("date");
        let id = tracker
            .create(
                Agreement::builder(format!("Agreement {n}"), parties)
                    .id(AgreementId::from_uuid(uuid(n as u128, 0xa)))
                    .subjects([
                        areas[n % areas.len()].clone(),
                        areas[(n / 7) % areas.len()].clone(),
                    ]),
                event(
                    EventKind::Proposed,
                    EventDate::month(year, month).expect("date"),
                ),
            )
            .expect("valid");
        if month <= 10 {
            tracker
                .record(id, event(EventKind::Deliberated, day(month + 1)))
                .expect("valid");
        }
        if month <= 8 && n % 3 == 0 {
            tracker
                .record(id, event(EventKind::MoiSigned, day(month + 3)))
                .expect("valid");
            tracker
                .record(id, event(EventKind::Finalised, day(month + 4)))
                .expect("valid");
        }
    }
    tracker
}

/// A tracker of one agreement at the entry limit, each event with a summary
/// at the summary limit.
fn largest() -> Tracker {
    use bilateral::limits::{MAX_ENTRIES, MAX_SUMMARY};
    let mut tracker =
        Tracker::new().with_clock(FixedClock::new("2030-01-01T00:00:00Z".parse().unwrap()));
    let parties = Parties::new(
        Party::state("IND", "India").expect("party"),
        Party::state("JPN", "Japan").expect("party"),
    )
    .expect("parties");
    let summary = "é".repeat(MAX_SUMMARY);
    let day = |n: usize| {
        let start = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("date");
        EventDate::try_from(start + chrono::Days::new(n as u64)).expect("date")
    };
    let event = |n: usize, kind: EventKind| {
        Event::builder(kind, day(n))
            .id(EventId::from_uuid(uuid(n as u128, 0xe)))
            .summary(summary.as_str())
            .build()
            .expect("event")
    };
    let id = tracker
        .create(
            Agreement::builder("The longest history", parties).subject(SubjectArea::Trade),
            event(0, EventKind::Proposed),
        )
        .expect("valid");
    for n in 1..MAX_ENTRIES {
        tracker
            .record(id, event(n, EventKind::Deliberated))
            .expect("valid");
    }
    tracker
}

fn uuid(n: u128, tag: u128) -> bilateral::uuid::Uuid {
    bilateral::uuid::Uuid::from_u128((tag << 124) | n)
}

/// The peak and current resident sizes of this process, in bytes (Linux).
fn resident() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|line| line.starts_with(name))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb * 1024)
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}

fn write(count: &str, path: &Path) {
    let tracker = match count {
        "largest" => largest(),
        count => tracker(count.parse().expect("a count")),
    };
    let mut out = BufWriter::new(File::create(path).expect("temporary file"));
    serde_json::to_writer(&mut out, &tracker).expect("written");
}

fn load(path: &Path) {
    let size = std::fs::metadata(path).expect("document").len();
    let before = resident();
    let start = Instant::now();
    let reader = BufReader::with_capacity(1 << 16, File::open(path).expect("document"));
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let tracker = Tracker::load(&mut deserializer, &Guards::builtin()).expect("a valid document");
    let elapsed = start.elapsed();
    let after = resident();
    let mb = |bytes: u64| bytes as f64 / 1_048_576.0;
    print!(
        "{:>9} agreements  {:>8.1} MB of JSON  loaded in {:>7.2} s ({:>7.0} agreements/s)",
        tracker.len(),
        mb(size),
        elapsed.as_secs_f64(),
        tracker.len() as f64 / elapsed.as_secs_f64()
    );
    match (before, after) {
        (Some((_, start_rss)), Some((peak, rss))) => println!(
            "  peak resident {:>7.1} MB, {:.0} bytes an agreement; resident after {:>7.1} MB ({:.2}x the tracker's own)",
            mb(peak),
            (peak - start_rss) as f64 / tracker.len() as f64,
            mb(rss),
            (peak - start_rss) as f64 / (rss - start_rss).max(1) as f64
        ),
        _ => println!("  (resident size not available on this system)"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [mode, count, path] if mode == "write" => write(count, Path::new(path)),
        [mode, path] if mode == "load" => load(Path::new(path)),
        counts => {
            let counts: Vec<String> = if counts.is_empty() {
                vec!["1000".to_string()]
            } else {
                counts.to_vec()
            };
            let me = std::env::current_exe().expect("this program");
            for count in counts {
                let path: PathBuf = std::env::temp_dir().join(format!(
                    "bilateral-tracker-{count}-{}.json",
                    std::process::id()
                ));
                let status = Command::new(&me)
                    .args(["write", &count, path.to_str().expect("a path")])
                    .status()
                    .expect("writer");
                assert!(status.success(), "writing failed");
                let status = Command::new(&me)
                    .args(["load", path.to_str().expect("a path")])
                    .status()
                    .expect("loader");
                let _ = std::fs::remove_file(&path);
                assert!(status.success(), "loading failed");
            }
        }
    }
}

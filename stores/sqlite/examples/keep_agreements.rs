//! Keeping agreements in a SQLite file: the founding scenario recorded in
//! one process, then the file reopened in a new process, which rebuilds and
//! validates every agreement and prints their timelines.
//!
//! Run it with `cargo run -p bilateral-sqlite --example keep_agreements`
//! (give a path to keep the file; by default it is made in the system's
//! temporary directory and removed at the end).

use std::path::PathBuf;
use std::process::Command;

use bilateral::{
    Agreement, Event, EventKind, InstrumentKind, Parties, Party, Policy, Representative, Source,
    SubjectArea,
};
use bilateral_sqlite::SqliteStore;
use bilateral_store::Store;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Records the founding scenario in `path`.
fn record(path: &PathBuf) -> Result<()> {
    let mut store = SqliteStore::open(path, Policy::standard())?;
    let india = Party::state("IND", "India")?;
    let japan = Party::state("JPN", "Japan")?;
    let philippines = Party::state("PHL", "Philippines")?;
    let singh = Representative::new("Rajnath Singh", "Minister of Defence", india.code())?;
    let nakatani = Representative::new("Gen Nakatani", "Minister of Defense", japan.code())?;
    let report = Source::new(
        "The Hindu",
        "Rajnath Singh holds talks with Japanese counterpart in Vientiane",
    )?
    .published("2024-11-23".parse()?);

    let rpss = store.create(
        Agreement::builder(
            "Reciprocal Provision of Supplies and Services",
            Parties::new(india.clone(), japan.clone())?,
        )
        .subject(SubjectArea::Logistics),
        Event::builder(EventKind::Deliberated, "2024-11-22".parse()?)
            .venue("Vientiane")
            .occasion("11th ADMM-Plus")
            .participants([singh.clone(), nakatani.clone()])
            .summary("Use of each other's bases for repairs and replenishment discussed")
            .source(report.clone())
            .build()?,
    )?;
    store.record(
        rpss,
        1,
        Event::builder(EventKind::Meeting, "2024-11-22".parse()?)
            .venue("Vientiane")
            .participants([singh, nakatani])
            .summary("Co-production, the air domain and exercises discussed")
            .source(report)
            .build()?,
    )?;
    store.create(
        Agreement::builder(
            "Co-development of the UNICORN mast",
            Parties::new(japan, india.clone())?,
        )
        .instrument(InstrumentKind::MemorandumOfImplementation)
        .subjects([SubjectArea::CoDevelopment, SubjectArea::DefenceTechnology]),
        Event::new(EventKind::MoiSigned, "2024-11-15".parse()?),
    )?;
    let cooperation = store.create(
        Agreement::builder("Defence cooperation", Parties::new(india, philippines)?)
            .subjects([SubjectArea::MaritimeSecurity, SubjectArea::DefenceIndustry]),
        Event::new(EventKind::Proposed, "2024-11".parse()?),
    )?;
    // Finalising without an MoI is refused, and nothing is written.
    let refused = store.record(
        cooperation,
        1,
        Event::new(EventKind::Finalised, "2024-12-01".parse()?),
    );
    println!("refused, and not written: {}\n", refused.unwrap_err());
    println!(
        "recorded {} agreements in {}",
        store.tracker().len(),
        path.display()
    );
    Ok(())
}

/// Reopens `path` and prints every timeline.
fn reopen(path: &PathBuf) -> Result<()> {
    let store = SqliteStore::open(path, Policy::standard())?;
    println!(
        "process {} reopened {} agreements:\n",
        std::process::id(),
        store.tracker().len()
    );
    for (agreement, version) in store.tracker().iter_versions() {
        println!("version {version}: {}", agreement.timeline());
    }
    Ok(())
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    match (args.next().as_deref(), args.next()) {
        (Some("--reopen"), Some(path)) => reopen(&PathBuf::from(path)),
        (given, _) => {
            let keep = given.is_some();
            let path = match given {
                Some(path) => PathBuf::from(path),
                None => std::env::temp_dir().join(format!(
                    "bilateral-keep-agreements-{}.db",
                    std::process::id()
                )),
            };
            record(&path)?;
            // A new process opens the file.
            let status = Command::new(std::env::current_exe()?)
                .arg("--reopen")
                .arg(&path)
                .status()?;
            if !keep {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            if status.success() {
                Ok(())
            } else {
                Err("the reopening process failed".into())
            }
        }
    }
}

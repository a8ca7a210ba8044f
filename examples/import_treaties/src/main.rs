//! Real data: bilateral agreements with messy real dates, loaded into a
//! tracker. Prints every problem found (one per line, with its row), the
//! counts by stage, and the ten parties with most agreements.
//!
//! ```text
//! cargo run -p import-treaties                      # the bundled sample
//! cargo run -p import-treaties -- path/to/file.csv  # your own records
//! ```
//!
//! The bundled sample (`examples/data/treaties-sample.csv`, 368 rows) comes
//! from the Global Governance Observatory's `manytreaties` package, under
//! CC BY 4.0; see `examples/data/README.md`.

#![forbid(unsafe_code)]

use std::process::ExitCode;

fn main() -> ExitCode {
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/treaties-sample.csv");
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| sample.to_owned());
    if args.next().is_some() || path.starts_with('-') {
        eprintln!("usage: import_treaties [path/to/records.csv]");
        return ExitCode::FAILURE;
    }
    let file = match std::fs::File::open(&path) {
        Ok(file) => file,
        Err(err) => {
            eprintln!("cannot open {path}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let (tracker, report) = match import_treaties::import(std::io::BufReader::new(file)) {
        Ok(imported) => imported,
        Err(err) => {
            eprintln!("cannot read {path}: {err}");
            return ExitCode::FAILURE;
        }
    };

    println!(
        "read {} rows from {path}, loaded {} agreements",
        report.rows,
        tracker.len()
    );
    println!(
        "{} parties found among ISO 3166 countries, {} given codes of their own",
        report.resolved, report.custom
    );
    if !report.problems.is_empty() {
        println!(
            "\n{} problems (the rest of each row was kept unless skipped):",
            report.problems.len()
        );
        for problem in &report.problems {
            println!("  {problem}");
        }
    }

    println!("\nagreements by stage:");
    for (stage, count) in tracker.count_by_stage() {
        println!("  {:<12} {count:>4}", stage.label());
    }
    println!("  unclassified {:>4}", tracker.count_unclassified());

    println!("\nthe ten parties with most agreements:");
    for (code, count) in tracker.count_by_party().into_iter().take(10) {
        let name = tracker
            .party(code)
            .map_or_else(String::new, |party| party.name().to_owned());
        println!("  {count:>4}  {name} ({code})");
    }
    ExitCode::SUCCESS
}

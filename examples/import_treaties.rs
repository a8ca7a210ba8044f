//! Real data: 368 bilateral agreements with messy real dates, loaded into a
//! tracker. Prints every problem found (one per line, with its row), the
//! counts by stage, and the ten parties with most agreements.
//!
//! Run it with `cargo run --example import_treaties`.
//!
//! The data (`examples/data/treaties-sample.csv`) comes from the Global
//! Governance Observatory's `manytreaties` package, under CC BY 4.0; see
//! `examples/data/README.md`.

#[path = "import_treaties/importer.rs"]
mod importer;

fn main() {
    let csv = include_str!("data/treaties-sample.csv");
    let (tracker, report) = importer::import(csv);

    println!(
        "read {} rows, loaded {} agreements",
        report.rows,
        tracker.len()
    );
    if !report.problems.is_empty() {
        println!(
            "\n{} problems (the rest of each row was kept):",
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

    println!("\nthe ten parties with most agreements:");
    for (code, count) in tracker.count_by_party().into_iter().take(10) {
        let name = tracker
            .query()
            .party(code)
            .iter()
            .next()
            .and_then(|agreement| agreement.parties().get(code))
            .map_or_else(String::new, |party| party.name().to_owned());
        println!("  {count:>4}  {name} ({code})");
    }
}

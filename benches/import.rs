//! Importing real rows: the bundled treaty sample (368 rows, from the
//! `import_treaties` example) repeated until it makes 10,000, 100,000 and
//! 1,000,000 rows, read from CSV into a tracker as the example's importer
//! does (parties resolved among ISO 3166's countries, dates parsed, every
//! event validated, every agreement indexed). Throughput is in agreements
//! (rows) a second.
//!
//! Run with `cargo bench -p bilateral-benches --bench import`. Set
//! `BILATERAL_BENCH_MAX` (default 1000000) to stop at a smaller size.

mod sizes;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sizes::sizes;

/// The sample's records, repeated to `rows` rows after its header. (Records,
/// not lines: a quoted title may span lines.)
fn repeated(rows: usize) -> String {
    let sample = include_str!("../examples/data/treaties-sample.csv");
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(sample.as_bytes());
    let header = reader.headers().expect("a header").clone();
    let records: Vec<csv::StringRecord> = reader
        .records()
        .map(|record| record.expect("record"))
        .collect();
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    writer.write_record(&header).expect("written");
    for record in records.iter().cycle().take(rows) {
        writer.write_record(record).expect("written");
    }
    String::from_utf8(writer.into_inner().expect("flushed")).expect("utf-8")
}

fn import(c: &mut Criterion) {
    let mut group = c.benchmark_group("import/sample-repeated");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(5));
    for rows in sizes() {
        let text = repeated(rows);
        let (tracker, report) = import_treaties::import(text.as_bytes()).expect("imported");
        assert_eq!(report.rows, rows);
        println!(
            "import/{rows}: {} agreements, {} problems reported",
            tracker.len(),
            report.problems.len()
        );
        group.throughput(Throughput::Elements(rows as u64));
        group.bench_function(rows.to_string(), |b| {
            b.iter(|| import_treaties::import(black_box(text.as_bytes())).expect("imported"))
        });
    }
    group.finish();

    // The same imports, the tracker each makes dropped after the clock
    // stops: an import is done when the tracker is built, and freeing a
    // million agreements (about a tenth of the time above) is not part of
    // it. Added beside the group above, which keeps its shape.
    let mut group = c.benchmark_group("import/sample-repeated, tracker kept");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(5));
    for rows in sizes() {
        let text = repeated(rows);
        group.throughput(Throughput::Elements(rows as u64));
        group.bench_function(rows.to_string(), |b| {
            b.iter_with_large_drop(|| {
                import_treaties::import(black_box(text.as_bytes())).expect("imported")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, import);
criterion_main!(benches);

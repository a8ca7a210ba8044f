//! The real-data import of `examples/import_treaties.rs`: counts checked
//! against figures computed independently from the CSV.

#[path = "../../examples/import_treaties/importer.rs"]
mod importer;

use bilateral::{EventKind, Precision, Stage};

#[test]
fn the_treaty_sample_loads_with_its_problems_reported() {
    let (tracker, report) =
        importer::import(include_str!("../../examples/data/treaties-sample.csv"));
    assert_eq!(report.rows, 368);
    assert_eq!(tracker.len(), 368);
    // Every row has a signature; 100 have a termination, one of them malformed
    // (1972-06-31), so 99 terminated and 269 finalised.
    assert_eq!(
        tracker.count_by_stage().map(|(_, n)| n),
        [0, 0, 0, 269, 0, 99]
    );
    // One malformed date, and two entries into force dated before signature.
    let rows: Vec<&str> = report
        .problems
        .iter()
        .map(|p| p.split(':').next().unwrap())
        .collect();
    assert_eq!(rows, ["row 47", "row 92", "row 227"]);
    assert!(report.problems[1].contains("invalid date \"1972-06-31?\""));
    assert!(report.problems[0].contains("entry into force can only follow finalisation"));
}

#[test]
fn the_ten_parties_with_most_agreements() {
    let (tracker, _) = importer::import(include_str!("../../examples/data/treaties-sample.csv"));
    let top: Vec<(String, usize)> = tracker
        .count_by_party()
        .into_iter()
        .take(10)
        .map(|(code, n)| {
            let name = tracker
                .query()
                .party(code)
                .iter()
                .next()
                .unwrap()
                .parties()
                .get(code)
                .unwrap()
                .name()
                .to_owned();
            (name, n)
        })
        .collect();
    let expected = [
        ("United States Of America", 51),
        ("Canada", 32),
        ("Union Of Soviet Socialist Republics", 27),
        ("Japan", 24),
        ("Russian Federation", 21),
        ("Norway", 20),
        ("Australia", 14),
        ("European Community", 13),
        ("French Republic", 12),
        ("New Zealand", 12),
    ];
    let expected: Vec<(String, usize)> =
        expected.iter().map(|(n, c)| (n.to_string(), *c)).collect();
    assert_eq!(top, expected);
}

#[test]
fn dates_keep_their_real_precision() {
    let (tracker, _) = importer::import(include_str!("../../examples/data/treaties-sample.csv"));
    let precisions: Vec<Precision> = tracker
        .iter()
        .flat_map(|a| a.history())
        .filter(|e| e.kind() == EventKind::Finalised)
        .map(|e| e.date().precision())
        .collect();
    assert_eq!(precisions.len(), 368);
    assert!(precisions.iter().all(|p| *p == Precision::Day));
    // The source marks one signature and two terminations uncertain (with
    // `?`, as ISO 8601-2 does); one of those terminations is malformed
    // (1972-06-31?), so two stay, marked uncertain and not approximate.
    let uncertain = tracker
        .iter()
        .flat_map(|a| a.history())
        .filter(|e| e.date().is_uncertain())
        .count();
    assert_eq!(uncertain, 2);
    assert!(
        tracker
            .iter()
            .flat_map(|a| a.history())
            .all(|e| !e.date().is_approximate())
    );
    assert_eq!(tracker.query().stage(Stage::Terminated).count(), 99);
}

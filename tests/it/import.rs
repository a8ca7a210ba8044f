//! The real-data import of `examples/import_treaties` (a package of its
//! own): counts checked against figures computed independently from the
//! CSV (with Python's `csv` module and the same ISO table).

use import_treaties as importer;

const SAMPLE: &str = include_str!("../../examples/data/treaties-sample.csv");

fn import(csv: &str) -> (bilateral::Tracker, importer::Report) {
    importer::import(csv.as_bytes()).expect("readable CSV")
}

use bilateral::{EventKind, Precision, Stage};

#[test]
fn the_treaty_sample_loads_with_its_problems_reported() {
    let (tracker, report) = import(SAMPLE);
    assert_eq!(report.rows, 368);
    assert_eq!(tracker.len(), 368);
    // Every row has a signature; 100 have a termination, one of them malformed
    // (1972-06-31), so 99 terminated and 269 finalised.
    assert_eq!(
        tracker
            .count_by_stage()
            .iter()
            .map(|(_, n)| n)
            .collect::<Vec<_>>(),
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
fn the_ten_parties_with_most_agreements_by_iso_code() {
    let (tracker, report) = import(SAMPLE);
    let top: Vec<(String, String, usize)> = tracker
        .count_by_party()
        .into_iter()
        .take(10)
        .map(|(code, n)| {
            let name = tracker.party(code).unwrap().name().to_owned();
            (code.to_string(), name, n)
        })
        .collect();
    // Names as the first record of each party gives them; the United
    // States, the United Kingdom, the USSR and others are each one party
    // however their records name them.
    let expected = [
        ("USA", "United States", 59),
        ("SUN", "Union Of Soviet Socialist Republics", 33),
        ("CAN", "Canada", 32),
        ("RUS", "Russia", 25),
        ("JPN", "Japan", 24),
        ("NOR", "Norway", 21),
        ("FRA", "France", 17),
        ("AUS", "Australia", 15),
        ("FIN", "Republic Of Finland", 14),
        ("X-EC", "European Community", 13),
    ];
    let expected: Vec<(String, String, usize)> = expected
        .iter()
        .map(|(code, name, n)| (code.to_string(), name.to_string(), *n))
        .collect();
    assert_eq!(top, expected);
    assert_eq!((report.resolved, report.custom), (133, 77));
    let gbr = tracker.query().party("GBR".parse().unwrap()).count();
    assert_eq!(gbr, 12);
    // A custom code never takes one of ISO's.
    for (code, _) in tracker.count_by_party() {
        let iso = bilateral::model::Country::from_code(code.as_str()).is_some();
        assert_eq!(iso, !code.as_str().starts_with("X-"), "{code}");
    }
}

#[test]
fn rows_without_a_subject_load_unclassified() {
    let (tracker, _) = import(SAMPLE);
    assert_eq!(tracker.count_unclassified(), 143);
    assert_eq!(tracker.query().unclassified().count(), 143);
    assert!(
        tracker
            .count_by_subject()
            .keys()
            .all(|area| area.as_str() != "unclassified")
    );
}

#[test]
fn quoted_fields_may_hold_commas_quotes_and_line_breaks() {
    let csv = "title,party_a,party_b,kind,subject,signature,force,term\r\n\
        \"Treaty of Friendship, Commerce and Navigation\",Japan,\"Korea, Republic of\",Agreement,Trade,1965-06-22,1965-12-18,NA\r\n\
        \"The \"\"Long\"\" Title\nin two lines\",Norway,Iceland,Agreement,NA,1990?,NA,NA\r\n\
        Broken row,Norway,Iceland,Agreement,NA,1990-02-30,NA,NA\r\n\
        Short row,Norway\r\n\
        No date,Norway,Iceland,Agreement,NA,NA,NA,NA\r\n";
    let (tracker, report) = import(csv);
    assert_eq!(report.rows, 5);
    assert_eq!(tracker.len(), 2);
    // A line break inside a quoted title is a space: a title is one line.
    let titles: Vec<&str> = tracker.iter().map(bilateral::Agreement::title).collect();
    assert_eq!(
        titles,
        [
            "Treaty of Friendship, Commerce and Navigation",
            "The \"Long\" Title in two lines"
        ]
    );
    let uncertain = tracker
        .iter()
        .nth(1)
        .unwrap()
        .history()
        .next()
        .unwrap()
        .date();
    assert!(uncertain.is_uncertain());
    let problems: Vec<&str> = report.problems.iter().map(String::as_str).collect();
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert!(
        problems[0].starts_with("row 4: signature: invalid date \"1990-02-30\""),
        "{}",
        problems[0]
    );
    assert!(
        problems[1].starts_with("row 4: skipped: agreement \"Broken row\" has no signature"),
        "{}",
        problems[1]
    );
    assert!(
        problems[2].starts_with("row 5: skipped: expected 8 columns, found 2"),
        "{}",
        problems[2]
    );
    assert!(
        problems[3].starts_with("row 6: skipped: agreement \"No date\" has no signature"),
        "{}",
        problems[3]
    );
    let korea = tracker.query().party("KOR".parse().unwrap()).count();
    assert_eq!(korea, 1);
    // A file without the columns is refused as a whole.
    assert!(importer::import("name,date\r\nx,1990\r\n".as_bytes()).is_err());
}

#[test]
fn dates_keep_their_real_precision() {
    let (tracker, _) = import(SAMPLE);
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

#[test]
fn titles_are_one_line_with_single_blanks_whatever_the_file_holds() {
    let csv = "title,party_a,party_b,kind,subject,signature,force,term\n\
        \"  Blanks  around\tand inside \",Norway,Iceland,Agreement,NA,1990,NA,NA\n\
        \"Non\u{a0}breaking space, Ü\",Norway,Iceland,Agreement,NA,1991,NA,NA\n\
        Plain title,Norway,Iceland,Agreement,NA,1992,NA,NA\n\
        Two  blanks inside,Norway,Iceland,Agreement,NA,1993,NA,NA\n\
        \u{dc}\u{a0}\u{dc},Norway,Iceland,Agreement,NA,1994,NA,NA\n";
    let (tracker, report) = import(csv);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let titles: Vec<&str> = tracker.iter().map(bilateral::Agreement::title).collect();
    assert_eq!(
        titles,
        [
            "Blanks around and inside",
            "Non breaking space, Ü",
            "Plain title",
            "Two blanks inside",
            "Ü Ü"
        ]
    );
}

#[test]
fn a_row_that_is_not_utf8_is_skipped_and_the_rest_imported() {
    let mut csv = b"title,party_a,party_b,kind,subject,signature,force,term\n".to_vec();
    csv.extend_from_slice(b"Bad \xff title,Norway,Iceland,Agreement,NA,1990,NA,NA\n");
    csv.extend_from_slice(b"Good title,Norway,Iceland,Agreement,NA,1991,NA,NA\n");
    let (tracker, report) = importer::import(csv.as_slice()).expect("readable CSV");
    assert_eq!(report.rows, 2);
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(
        report.problems[0].starts_with("row 2: skipped: "),
        "{}",
        report.problems[0]
    );
    let titles: Vec<&str> = tracker.iter().map(bilateral::Agreement::title).collect();
    assert_eq!(titles, ["Good title"]);
}

#[test]
fn an_import_is_reproducible_down_to_its_event_ids() {
    let (first, _) = import(SAMPLE);
    let (second, _) = import(SAMPLE);
    assert_eq!(first.len(), second.len());
    assert!(first.iter().eq(second.iter()));
    // Every event id is the row's and the column's, so none repeats.
    let mut ids: Vec<_> = first
        .iter()
        .flat_map(|agreement| agreement.history().map(bilateral::Event::id))
        .collect();
    let events = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), events);
}

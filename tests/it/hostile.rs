//! Hostile input, second round: numbers from outside checked, values that
//! read back as themselves, errors that do not echo a huge input, text that
//! cannot deceive a reader, one rule for nulls, versions that never go
//! back, and removals that leave nothing behind.

use crate::common::{assert_same_agreement, assert_same_tracker, event, id, india_japan, opened};
use bilateral::document::{AgreementDocument, DocumentError};
use bilateral::lifecycle::Guards;
use bilateral::model::{Field, ValueError};
use bilateral::tracker::TrackerError;
use bilateral::{
    Agreement, AgreementId, ErrorKind, Event, EventDate, EventKind, FixedClock, Party, PartyCode,
    SubjectArea, Tracker, limits,
};
use proptest::prelude::*;
use serde_json::{Value, json};

fn tracker_with_one() -> (Tracker, AgreementId) {
    let mut tracker =
        Tracker::new().with_clock(FixedClock::new("2030-01-01T00:00:00Z".parse().unwrap()));
    let id = tracker
        .create(
            Agreement::builder("Pact", india_japan()).subject(SubjectArea::Trade),
            event(1, EventKind::Proposed, "2024-01-01"),
        )
        .unwrap();
    (tracker, id)
}

fn load(value: &Value) -> Result<Tracker, DocumentError> {
    Tracker::load(value, &Guards::builtin())
}

#[test]
fn versions_from_outside_are_bounded_and_never_wrap() {
    let (tracker, id) = tracker_with_one();
    let mut doc = serde_json::to_value(&tracker).unwrap();
    for bad in [u64::MAX, limits::MAX_VERSION + 1, 0] {
        doc["agreements"][0]["version"] = json!(bad);
        let err = load(&doc).unwrap_err();
        assert!(
            matches!(&err, DocumentError::InvalidAgreement { source, .. }
                if matches!(**source, DocumentError::Version { version, .. } if version == bad)),
            "{err}"
        );
        assert!(
            err.to_string()
                .contains("versions run from 1 to 9007199254740991"),
            "{err}"
        );
    }
    // At the largest version, the agreement loads and takes no more changes.
    doc["agreements"][0]["version"] = json!(limits::MAX_VERSION);
    let mut full = load(&doc).unwrap();
    assert_eq!(full.version(id), Some(limits::MAX_VERSION));
    let before = full.clone();
    let err = full
        .record(id, event(2, EventKind::Note, "2024-02-01"))
        .unwrap_err();
    assert!(
        matches!(err, TrackerError::VersionLimit { version, .. } if version == limits::MAX_VERSION)
    );
    assert_same_tracker(&full, &before);
    // A version that wrapped round could have been expected: it never is.
    assert!(matches!(
        full.record_expecting(id, 0, event(3, EventKind::Note, "2024-02-01")),
        Err(TrackerError::Conflict { .. })
    ));
}

#[test]
fn an_instant_past_year_9999_is_refused_from_a_document_and_from_a_clock() {
    let agreement = opened(EventKind::Proposed, "2024-01-01");
    let mut doc = serde_json::to_value(AgreementDocument::from(&agreement)).unwrap();
    doc["entries"][0]["recorded_at"] = json!("9999-12-31T23:59:59-23:59");
    let err = serde_json::from_value::<AgreementDocument>(doc)
        .unwrap()
        .into_agreement(&bilateral::Policy::standard())
        .unwrap_err();
    assert_eq!(err.path(), Some("entries[0].recorded_at"));
    assert!(
        matches!(err.value(), Some(ValueError::Timestamp { .. })),
        "{err}"
    );

    // A clock set past year 9999 records nothing.
    let far = FixedClock::new(chrono::DateTime::from_timestamp(253_402_300_800, 0).unwrap());
    let mut tracker = Tracker::new().with_clock(far);
    tracker.insert(agreement.clone()).unwrap();
    let before = tracker.clone();
    let err = tracker
        .record(agreement.id(), event(2, EventKind::Note, "2024-02-01"))
        .unwrap_err();
    assert_eq!(bilateral::Error::from(err).kind(), ErrorKind::Timestamp);
    assert_same_tracker(&tracker, &before);
}

proptest! {
    /// Every instant a clock can give within the years 0001 to 9999, to the
    /// microsecond, is recorded, written and read back as itself.
    #[test]
    fn every_instant_in_range_reads_back(
        seconds in -62_135_596_800i64..253_402_300_800,
        micros in 0u32..1_000_000,
    ) {
        let instant = chrono::DateTime::from_timestamp(seconds, micros * 1_000).unwrap();
        let clock = FixedClock::new(instant);
        let policy = bilateral::Policy::standard();
        let context = bilateral::Context::new(&policy, &clock);
        let agreement = Agreement::builder("Pact", india_japan())
            .subject(SubjectArea::Trade)
            .build_with(&context, Event::with_id(id(1), EventKind::Proposed, "0001".parse().unwrap()))
            .unwrap();
        prop_assert_eq!(agreement.entries()[0].recorded_at(), instant);
        let back: Agreement = serde_json::from_str(&serde_json::to_string(&agreement).unwrap()).unwrap();
        prop_assert_eq!(back, agreement);
    }

    /// Every date of years 0001 to 9999, at every precision, approximate or
    /// not, is written and read back as itself.
    #[test]
    fn every_date_in_range_reads_back(day in 0i64..3_652_059, precision in 0u8..3, approximate: bool) {
        let start = chrono::NaiveDate::from_ymd_opt(1, 1, 1).unwrap() + chrono::Days::new(day as u64);
        let date = EventDate::try_from(start).unwrap();
        let date = match precision {
            0 => date,
            1 => EventDate::month(date.year_number(), date.month_number().unwrap()).unwrap(),
            _ => EventDate::year(date.year_number()).unwrap(),
        };
        let date = if approximate { date.approximate() } else { date };
        let text = date.to_string();
        prop_assert_eq!(text.parse::<EventDate>().unwrap(), date);
        let json = serde_json::to_string(&date).unwrap();
        prop_assert_eq!(serde_json::from_str::<EventDate>(&json).unwrap(), date);
    }
}

#[test]
fn the_edges_of_the_range_read_back() {
    for text in ["0001-01-01", "0001", "9999-12", "9999-12-31", "9999"] {
        let date: EventDate = text.parse().unwrap();
        assert_eq!(date.to_string(), text);
    }
    assert!("10000".parse::<EventDate>().is_err());
    assert!("0000".parse::<EventDate>().is_err());
}

#[test]
fn errors_quote_a_short_prefix_of_a_huge_input() {
    let huge = "9".repeat(1_000_000);
    let messages = [
        huge.parse::<EventDate>().unwrap_err().to_string(),
        huge.parse::<PartyCode>().unwrap_err().to_string(),
        format!("{huge}!")
            .parse::<SubjectArea>()
            .unwrap_err()
            .to_string(),
        huge.parse::<AgreementId>().unwrap_err().to_string(),
        huge.parse::<EventKind>().unwrap_err().to_string(),
    ];
    for message in messages {
        assert!(
            message.len() < 400,
            "{} bytes: {}",
            message.len(),
            &message[..200]
        );
        assert!(message.contains("characters)"), "{message}");
        assert!(message.contains(&"9".repeat(64)), "{message}");
        assert!(!message.contains(&"9".repeat(65)), "{message}");
    }
}

#[test]
fn text_that_could_deceive_a_reader_is_refused_everywhere() {
    let parties = india_japan();
    for title in [
        "Pact\u{1b}[2J",
        "Pact\nfake line",
        "\u{202E}tcaP",
        "\u{200B}",
    ] {
        let err = Agreement::builder(title, parties.clone())
            .subject(SubjectArea::Trade)
            .build(event(1, EventKind::Proposed, "2024"))
            .unwrap_err();
        let kind = bilateral::Error::from(err).kind();
        assert!(
            matches!(kind, ErrorKind::Character | ErrorKind::Blank),
            "{title:?}: {kind:?}"
        );
    }
    assert!(Party::state("IND", "India\u{7}").is_err());
    assert!(
        Event::builder(EventKind::Meeting, "2024".parse().unwrap())
            .venue("Vientiane\u{2066}")
            .build()
            .is_err()
    );
    assert!(
        Event::builder(EventKind::Meeting, "2024".parse().unwrap())
            .summary("\u{FEFF}\u{200B}")
            .build()
            .is_err()
    );
    // Through a document, with the path of the field.
    let agreement = opened(EventKind::Proposed, "2024-01-01");
    let mut doc = serde_json::to_value(AgreementDocument::from(&agreement)).unwrap();
    doc["entries"][0]["record"]["summary"] = json!("ok\u{1b}]0;owned\u{7}");
    let err = serde_json::from_value::<AgreementDocument>(doc)
        .unwrap()
        .into_agreement(&bilateral::Policy::standard())
        .unwrap_err();
    assert_eq!(err.path(), Some("entries[0].record"));
    assert!(
        matches!(
            err.value(),
            Some(ValueError::Character {
                field: Field::Summary,
                character: '\u{1b}',
                position: 3,
                ..
            })
        ),
        "{err}"
    );
}

#[test]
fn every_optional_field_may_be_null() {
    let agreement = opened(EventKind::Proposed, "2024-01-01");
    let mut doc = serde_json::to_value(AgreementDocument::from(&agreement)).unwrap();
    doc["instrument"] = Value::Null;
    doc["parties"][0]["kind"] = Value::Null;
    for field in ["venue", "occasion", "summary", "participants", "sources"] {
        doc["entries"][0]["record"][field] = Value::Null;
    }
    let back: Agreement = serde_json::from_value(doc.clone()).unwrap();
    assert_same_agreement(&back, &agreement);
    // A required field is never null.
    for field in ["title", "id", "parties", "entries"] {
        let mut broken = doc.clone();
        broken[field] = Value::Null;
        assert!(
            serde_json::from_value::<Agreement>(broken).is_err(),
            "{field}"
        );
    }
    let mut broken = doc;
    broken["entries"][0]["record"]["date"] = Value::Null;
    assert!(serde_json::from_value::<Agreement>(broken).is_err());
    // A policy's guards too.
    let mut policy = serde_json::to_value(bilateral::Policy::standard()).unwrap();
    policy["guards"] = Value::Null;
    assert_eq!(
        serde_json::from_value::<bilateral::Policy>(policy).unwrap(),
        bilateral::Policy::standard()
    );
}

#[test]
fn a_stale_writer_is_told_of_a_conflict_after_a_remove_and_insert() {
    let (mut tracker, id) = tracker_with_one();
    let seen = tracker.version(id).unwrap();
    let agreement = tracker.remove(id).unwrap();
    assert_eq!(tracker.insert(agreement).unwrap(), seen + 1);
    let err = tracker
        .record_expecting(id, seen, event(2, EventKind::Note, "2024-02-01"))
        .unwrap_err();
    assert!(
        matches!(err, TrackerError::Conflict { expected, actual, .. } if expected == seen && actual == seen + 1)
    );
    // And across a JSON round trip of the tracker while it is removed.
    let agreement = tracker.remove(id).unwrap();
    let mut back: Tracker =
        serde_json::from_str(&serde_json::to_string(&tracker).unwrap()).unwrap();
    assert_eq!(back.insert(agreement).unwrap(), seen + 2);
}

#[test]
fn removed_slots_are_taken_again() {
    let (mut tracker, id) = tracker_with_one();
    for _ in 0..1_000 {
        let agreement = tracker.remove(id).unwrap();
        tracker.insert(agreement).unwrap();
    }
    let shown = format!("{tracker:?}");
    assert!(shown.contains("agreements: 1, slots: 1,"), "{shown}");
    assert_eq!(tracker.version(id), Some(1_001));
}

#[test]
fn a_stream_stops_at_the_first_invalid_agreement() {
    let (mut tracker, _) = tracker_with_one();
    for n in 2..5u128 {
        tracker
            .create(
                Agreement::builder(format!("Pact {n}"), india_japan()).subject(SubjectArea::Trade),
                event(n * 10, EventKind::Proposed, "2024-01-01"),
            )
            .unwrap();
    }
    let mut doc = serde_json::to_string(&tracker).unwrap();
    // The second agreement breaks a rule; what follows it is not even JSON.
    let second = doc.find("\"Pact 2\"").unwrap();
    doc.replace_range(second..second + 8, "\"  \"");
    let cut = doc.find("\"Pact 3\"").unwrap();
    doc.truncate(cut);
    doc.push_str("!!! not read");
    let err = Tracker::load(
        &mut serde_json::Deserializer::from_str(&doc),
        &Guards::builtin(),
    )
    .unwrap_err();
    assert!(
        matches!(err, DocumentError::InvalidAgreement { position: 1, .. }),
        "{err}"
    );
    assert_eq!(err.path(), Some("agreements[1].agreement.title"));
    // Text that is not a document at all is a syntax error.
    let err = Tracker::load(
        &mut serde_json::Deserializer::from_str("{\"format\": 1,"),
        &Guards::builtin(),
    )
    .unwrap_err();
    assert!(matches!(err, DocumentError::Syntax { .. }), "{err}");
}

#[test]
fn a_removed_agreements_version_is_bounded_like_any_other() {
    let (mut tracker, id) = tracker_with_one();
    let agreement = tracker.remove(id).unwrap();
    let mut doc = serde_json::to_value(&tracker).unwrap();
    assert_eq!(doc["removed"][0]["version"], json!(1));
    for bad in [0, limits::MAX_VERSION + 1, u64::MAX] {
        doc["removed"][0]["version"] = json!(bad);
        let err = load(&doc).unwrap_err();
        assert!(
            matches!(&err, DocumentError::Version { version, .. } if *version == bad),
            "{err}"
        );
        assert_eq!(err.path(), Some("removed[0].version"));
    }
    // The largest version is kept, and an agreement inserted again goes on
    // from it (and so is full at once).
    doc["removed"][0]["version"] = json!(limits::MAX_VERSION - 1);
    let mut back = load(&doc).unwrap();
    assert_eq!(back.insert(agreement.clone()).unwrap(), limits::MAX_VERSION);
    // At the largest version itself, the document loads, and the agreement
    // can no longer come back.
    doc["removed"][0]["version"] = json!(limits::MAX_VERSION);
    let mut full = load(&doc).unwrap();
    let before = full.clone();
    let err = full.insert(agreement).unwrap_err();
    assert!(
        matches!(err, TrackerError::VersionLimit { version, .. } if version == limits::MAX_VERSION),
        "{err}"
    );
    assert_same_tracker(&full, &before);
}

#[test]
fn a_tracker_document_that_is_not_an_object_says_what_was_expected() {
    for text in ["[1, 2]", "\"tracker\"", "7"] {
        let err = Tracker::load(
            &mut serde_json::Deserializer::from_str(text),
            &Guards::builtin(),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("a tracker document: format, policy, agreements"),
            "{text}: {err}"
        );
    }
}

#[test]
fn a_tracker_documents_agreements_must_be_a_list() {
    let (tracker, _) = tracker_with_one();
    // In the order a tracker writes it, so that the agreements are streamed.
    let text = format!(
        r#"{{"format": 1, "policy": {}, "agreements": {{"first": 1}}}}"#,
        serde_json::to_string(tracker.policy()).unwrap()
    );
    let err = Tracker::load(
        &mut serde_json::Deserializer::from_str(&text),
        &Guards::builtin(),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("a list of agreements with their versions"),
        "{err}"
    );
}

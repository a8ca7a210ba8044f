//! The versioned JSON format: round trips, and one refusal per rule.

use crate::common::{event, opened};
use bilateral::agreement::AgreementError;
use bilateral::document::AgreementDocument;
use bilateral::document::DocumentError;
use bilateral::model::ValueError;
use bilateral::model::{CodeRule, Collection, DateRule, Field};
use bilateral::{Agreement, EventDate, EventKind, PartyCode, Rule, Stage, SubjectArea};
use serde_json::{Value, json};

fn sample() -> Agreement {
    let mut agreement = opened(EventKind::Deliberated, "2024-06?");
    agreement
        .record(event(2, EventKind::MoiSigned, "2024-11-15"))
        .unwrap();
    agreement
        .record(event(3, EventKind::Meeting, "2024-11-22"))
        .unwrap();
    agreement
        .record(event(4, EventKind::Proposed, "2023"))
        .unwrap();
    let fixed = agreement
        .event(crate::common::id(3))
        .unwrap()
        .to_builder()
        .summary("corrected")
        .build()
        .unwrap();
    agreement.correct(fixed).unwrap();
    agreement
        .retract(crate::common::id(3), "not about this agreement")
        .unwrap();
    agreement
}

#[test]
fn value_types_serialise_as_their_text_form() {
    assert_eq!(
        serde_json::to_value("2024-11?".parse::<EventDate>().unwrap()).unwrap(),
        json!("2024-11?")
    );
    assert_eq!(
        serde_json::to_value(Stage::MoiSigned).unwrap(),
        json!("moi-signed")
    );
    assert_eq!(
        serde_json::to_value(SubjectArea::MaritimeSecurity).unwrap(),
        json!("maritime-security")
    );
    assert_eq!(
        serde_json::to_value("ind".parse::<PartyCode>().unwrap()).unwrap(),
        json!("IND")
    );
    let date: EventDate = serde_json::from_value(json!("2017-06")).unwrap();
    assert_eq!(date.to_string(), "2017-06");
    let err = serde_json::from_value::<EventDate>(json!("2024-02-30")).unwrap_err();
    assert!(
        err.to_string().contains("invalid date \"2024-02-30\""),
        "{err}"
    );
}

#[test]
fn an_agreement_round_trips_through_json_with_its_audit_trail() {
    let agreement = sample();
    let text = serde_json::to_string_pretty(&agreement).unwrap();
    let back: Agreement = serde_json::from_str(&text).unwrap();
    assert_eq!(back, agreement);
    assert_eq!(back.stage(), Stage::MoiSigned);
    assert_eq!(back.entries().len(), 6);
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["format"], json!(bilateral::document::FORMAT_VERSION));
    assert_eq!(doc["parties"][0]["code"], json!("IND"));
    assert_eq!(doc["entries"][0]["record"]["date"], json!("2024-06?"));
    assert_eq!(doc["entries"][4]["correct"]["summary"], json!("corrected"));
    assert_eq!(
        doc["entries"][5]["retract"]["reason"],
        json!("not about this agreement")
    );
}

/// The sample's document with one change, converted with its typed error.
fn refused(mutate: impl FnOnce(&mut Value)) -> DocumentError {
    let mut doc = serde_json::to_value(sample()).unwrap();
    mutate(&mut doc);
    let typed: AgreementDocument = serde_json::from_value(doc.clone()).unwrap();
    let err = Agreement::try_from(typed).unwrap_err();
    // The same document through serde is refused with the same message.
    let through_serde = serde_json::from_value::<Agreement>(doc).unwrap_err();
    assert_eq!(through_serde.to_string(), err.to_string());
    err
}

#[test]
fn blank_title_is_refused() {
    assert!(matches!(
        refused(|d| d["title"] = json!("  ")),
        DocumentError::Value {
            source: ValueError::Blank {
                field: Field::Title,
                ..
            },
            ..
        }
    ));
}

#[test]
fn same_party_twice_is_refused() {
    assert!(matches!(
        refused(|d| d["parties"][1]["code"] = json!("ind")),
        DocumentError::Value {
            source: ValueError::SameParty { .. },
            ..
        }
    ));
}

#[test]
fn three_parties_are_refused() {
    let err = refused(|d| {
        let third = d["parties"][0].clone();
        d["parties"].as_array_mut().unwrap().push(third);
    });
    assert!(matches!(
        err,
        DocumentError::Value {
            source: ValueError::PartyCount { count: 3, .. },
            ..
        }
    ));
}

#[test]
fn invalid_party_code_is_refused() {
    assert!(matches!(
        refused(|d| d["parties"][0]["code"] = json!("I N")),
        DocumentError::Value {
            source: ValueError::PartyCode {
                rule: CodeRule::Character(' '),
                ..
            },
            ..
        }
    ));
}

#[test]
fn unknown_party_kind_is_refused() {
    assert!(matches!(
        refused(|d| d["parties"][0]["kind"] = json!("tribe")),
        DocumentError::Value {
            source: ValueError::Unknown { .. },
            ..
        }
    ));
}

#[test]
fn an_agreement_without_a_subject_area_is_read_and_written_as_unclassified() {
    let mut doc = serde_json::to_value(sample()).unwrap();
    doc["subjects"] = json!([]);
    let read: Agreement = serde_json::from_value(doc.clone()).unwrap();
    assert!(read.is_unclassified());
    assert!(read.subjects().is_empty());
    assert_eq!(serde_json::to_value(&read).unwrap(), doc);
}

#[test]
fn invalid_subject_area_is_refused() {
    assert!(matches!(
        refused(|d| d["subjects"] = json!(["R&D"])),
        DocumentError::Value {
            source: ValueError::SubjectArea { .. },
            ..
        }
    ));
}

#[test]
fn invalid_date_is_refused() {
    assert!(matches!(
        refused(|d| d["entries"][1]["record"]["date"] = json!("2024-13")),
        DocumentError::Value {
            source: ValueError::Date {
                rule: DateRule::MonthOutOfRange,
                ..
            },
            ..
        }
    ));
}

#[test]
fn invalid_ids_are_refused() {
    assert!(matches!(
        refused(|d| d["id"] = json!("nope")),
        DocumentError::Value {
            source: ValueError::Unknown { .. },
            ..
        }
    ));
    assert!(matches!(
        refused(|d| d["entries"][1]["record"]["id"] = json!("nope")),
        DocumentError::Value {
            source: ValueError::Unknown { .. },
            ..
        }
    ));
}

#[test]
fn unknown_event_kind_is_refused() {
    assert!(matches!(
        refused(|d| d["entries"][1]["record"]["kind"] = json!("rumour")),
        DocumentError::Value {
            source: ValueError::Unknown { .. },
            ..
        }
    ));
}

#[test]
fn empty_history_is_refused() {
    let err = refused(|d| d["entries"] = json!([]));
    assert!(
        matches!(&err, DocumentError::NoEvents { title, .. } if title == sample().title()),
        "{err}"
    );
}

#[test]
fn a_newer_format_is_refused() {
    assert!(matches!(
        refused(|d| d["format"] = json!(5)),
        DocumentError::UnsupportedFormat {
            found: 5,
            supported: 4,
            ..
        }
    ));
    assert!(matches!(
        refused(|d| d["format"] = json!(0)),
        DocumentError::UnsupportedFormat { found: 0, .. }
    ));
}

#[test]
fn format_1_is_read_with_its_question_mark_as_approximate() {
    // Format 1 wrote `?` for approximate; format 2 on writes `~`, and `?`
    // is uncertain, as in ISO 8601-2.
    let mut doc = serde_json::to_value(sample()).unwrap();
    assert_eq!(doc["format"], json!(4));
    assert_eq!(doc["entries"][0]["record"]["date"], json!("2024-06?"));
    let as_written: Agreement = serde_json::from_value(doc.clone()).unwrap();
    let first_id = crate::common::id(1);
    let date = as_written.event(first_id).unwrap().date();
    assert!(date.is_uncertain() && !date.is_approximate());

    doc["format"] = json!(1);
    doc["entries"][0]["record"]["sources"] = json!([
        {"publisher": "Gazette", "title": "Notice", "published": "2024-07?"}
    ]);
    let old: Agreement = serde_json::from_value(doc).unwrap();
    let first = old.event(first_id).unwrap();
    assert!(first.date().is_approximate() && !first.date().is_uncertain());
    assert_eq!(first.date().to_string(), "2024-06~");
    let published = first.sources()[0].published_on().unwrap();
    assert_eq!(published.to_string(), "2024-07~");
    // Written again, it is a document of the current format with the new
    // mark.
    let again = serde_json::to_value(&old).unwrap();
    assert_eq!(again["format"], json!(bilateral::document::FORMAT_VERSION));
    assert_eq!(again["entries"][0]["record"]["date"], json!("2024-06~"));
    // The uncertain month of format 2 is not the approximate one of format 1.
    assert_ne!(old, as_written);
}

#[test]
fn duplicate_event_ids_are_refused() {
    assert!(matches!(
        refused(|d| d["entries"][2]["record"]["id"] = d["entries"][1]["record"]["id"].clone()),
        DocumentError::Agreement {
            source: AgreementError::DuplicateEvent { .. },
            ..
        }
    ));
}

#[test]
fn a_correction_of_an_unknown_event_is_refused() {
    assert!(matches!(
        refused(|d| d["entries"][4]["correct"]["id"] = json!(crate::common::id(99).to_string())),
        DocumentError::Agreement {
            source: AgreementError::UnknownEvent { .. },
            ..
        }
    ));
}

#[test]
fn a_retraction_of_an_unknown_event_is_refused() {
    assert!(matches!(
        refused(|d| d["entries"][5]["retract"]["id"] = json!(crate::common::id(99).to_string())),
        DocumentError::Agreement {
            source: AgreementError::UnknownEvent { .. },
            ..
        }
    ));
}

#[test]
fn a_correction_after_retraction_is_refused() {
    let err = refused(|d| {
        let mut correction = d["entries"][4].clone();
        correction["recorded_at"] = d["entries"][5]["recorded_at"].clone();
        d["entries"].as_array_mut().unwrap().push(correction);
    });
    assert!(
        matches!(
            err,
            DocumentError::Agreement {
                source: AgreementError::AlreadyRetracted { .. },
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn an_entry_with_two_changes_is_refused() {
    let err = refused(|d| d["entries"][5]["record"] = d["entries"][1]["record"].clone());
    assert!(matches!(err, DocumentError::MalformedEntry { .. }), "{err}");
}

#[test]
fn entries_out_of_recording_order_are_refused() {
    let err = refused(|d| d["entries"][3]["recorded_at"] = json!("2000-01-01T00:00:00Z"));
    assert!(
        matches!(err, DocumentError::EntryOrder { position: 3, .. }),
        "{err}"
    );
}

#[test]
fn an_invalid_timestamp_is_refused() {
    let err = refused(|d| d["entries"][3]["recorded_at"] = json!("yesterday"));
    assert!(
        matches!(
            err,
            DocumentError::Value {
                source: ValueError::Timestamp { .. },
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn a_stage_change_dated_after_its_recording_is_refused() {
    let err = refused(|d| d["entries"][1]["record"]["date"] = json!("2999-01-01"));
    assert!(
        matches!(
            err,
            DocumentError::Agreement {
                source: AgreementError::FutureDate { .. },
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn an_invalid_lifecycle_is_refused_naming_the_entry() {
    // The MoI moved before the deliberation: an MoI following nothing is fine
    // (a record may open there), but then deliberation follows an MoI.
    let err = refused(|d| d["entries"][1]["record"]["date"] = json!("2024-01-01"));
    let refusal = err.refusal().expect("a lifecycle refusal");
    assert_eq!(refusal.refused().kind, EventKind::Deliberated);
    assert!(matches!(
        refusal.rule(),
        Rule::Transition {
            from: Stage::MoiSigned,
            to: Stage::Deliberated,
            ..
        }
    ));
    assert!(
        err.to_string()
            .contains("Reciprocal Provision of Supplies and Services"),
        "{err}"
    );
}

#[test]
fn too_many_entries_are_refused_before_any_work() {
    let err = refused(|d| {
        let entry = d["entries"][2].clone();
        let entries = d["entries"].as_array_mut().unwrap();
        entries.resize(bilateral::limits::MAX_ENTRIES + 1, entry);
    });
    assert!(
        matches!(
            err,
            DocumentError::Value {
                source: ValueError::TooMany {
                    what: Collection::Entries,
                    ..
                },
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn an_overlong_text_is_refused() {
    let err = refused(|d| d["entries"][1]["record"]["summary"] = json!("x".repeat(5_001)));
    assert!(matches!(
        err,
        DocumentError::Value {
            source: ValueError::TooLong {
                field: Field::Summary,
                length: 5_001,
                max: 5_000,
                ..
            },
            ..
        }
    ));
}

#[test]
fn unknown_fields_are_refused_by_the_deserialiser() {
    let mut doc = serde_json::to_value(sample()).unwrap();
    doc["surprise"] = json!(1);
    let err = serde_json::from_value::<Agreement>(doc).unwrap_err();
    assert!(
        err.to_string().contains("unknown field `surprise`"),
        "{err}"
    );
}

#[test]
fn serde_reports_the_validation_message() {
    let mut doc = serde_json::to_value(sample()).unwrap();
    doc["format"] = json!(7);
    let err = serde_json::from_value::<Agreement>(doc).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unsupported format version 7: this version of bilateral reads versions up to 4"
    );
}

#[test]
fn deep_nesting_is_refused_without_exhausting_the_stack() {
    // Every field has a fixed shape, so nesting is refused at the first
    // level that does not fit; serde_json's recursion limit (128) backs
    // that up for anything else.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let template = r#"{"format":1,"id":"x","title":"t","parties":[],"subjects":[],"entries":[]}"#;
    for field in [
        "\"parties\":[]",
        "\"subjects\":[]",
        "\"entries\":[]",
        "\"title\":\"t\"",
    ] {
        let name = field.split(':').next().unwrap();
        let text = template.replace(field, &format!("{name}:{deep}"));
        assert_ne!(text, template);
        let err = serde_json::from_str::<Agreement>(&text).unwrap_err();
        assert!(!err.to_string().contains("duplicate"), "{err}");
    }
    let err = serde_json::from_str::<Value>(&deep).unwrap_err();
    assert!(
        err.to_string().contains("recursion limit exceeded"),
        "{err}"
    );
}

/// The first JSON block of FORMAT.md after `heading`.
fn format_md_block(heading: &str) -> &'static str {
    let text = include_str!("../../FORMAT.md");
    let from = text.find(heading).unwrap();
    let start = from + text[from..].find("```json").unwrap() + "```json".len();
    let end = start + text[start..].find("```").unwrap();
    &text[start..end]
}

#[test]
fn the_policy_example_in_format_md_is_a_valid_policy_document() {
    let block = format_md_block("## Policy documents");
    let policy: bilateral::Policy = serde_json::from_str(block).unwrap();
    assert_eq!(policy.name(), "ministry");
    assert!(policy.allows(Stage::Deliberated, Stage::Finalised));
    assert_eq!(policy.guards().count(), 1);
    // Written back, the same document, with its format.
    let written = serde_json::to_value(&policy).unwrap();
    assert_eq!(written, serde_json::from_str::<Value>(block).unwrap());
    assert_eq!(
        written["format"],
        json!(bilateral::document::FORMAT_VERSION)
    );
    // Without a format it is read as format 1; a newer one is refused.
    let mut old = written.clone();
    old.as_object_mut().unwrap().remove("format");
    assert_eq!(
        serde_json::from_value::<bilateral::Policy>(old).unwrap(),
        policy
    );
    let mut newer = written;
    newer["format"] = json!(5);
    let err = serde_json::from_value::<bilateral::Policy>(newer).unwrap_err();
    assert!(
        err.to_string().contains("unsupported format version 5"),
        "{err}"
    );
}

#[test]
fn the_example_in_format_md_is_a_valid_document() {
    let text = format_md_block("## Example");
    let agreement: Agreement = serde_json::from_str(text).unwrap();
    assert_eq!(agreement.title(), "Naval cooperation");
    assert_eq!(agreement.entries().len(), 2);
    assert_eq!(
        agreement.history().next().unwrap().date().to_string(),
        "2018"
    );
    // And writing it back gives the same document.
    let written: Value = serde_json::to_value(&agreement).unwrap();
    let read: Value = serde_json::from_str(text).unwrap();
    assert_eq!(written, read);
}

#[test]
fn a_document_must_open_with_a_record() {
    let err = refused(|d| {
        let entries = d["entries"].as_array_mut().unwrap();
        entries.swap(0, 4);
    });
    assert!(
        matches!(&err, DocumentError::FirstEntryNotRecord { title, .. } if title == sample().title()),
        "{err}"
    );
}

#[test]
fn entries_round_trip_on_their_own() {
    let agreement = sample();
    for entry in agreement.entries() {
        let text = serde_json::to_string(entry).unwrap();
        let back: bilateral::Entry = serde_json::from_str(&text).unwrap();
        assert_eq!(&back, entry);
    }
    let err = serde_json::from_str::<bilateral::Entry>(r#"{"recorded_at":"2024-01-01T00:00:00Z"}"#)
        .unwrap_err();
    assert!(
        err.to_string().contains("must hold exactly one of"),
        "{err}"
    );
}

#[test]
fn a_document_error_names_the_field_that_broke_the_rule() {
    let agreement = opened(EventKind::Proposed, "2024-01-01");
    let doc = serde_json::to_value(AgreementDocument::from(&agreement)).unwrap();
    let load = |edit: &dyn Fn(&mut Value)| {
        let mut doc = doc.clone();
        edit(&mut doc);
        serde_json::from_value::<AgreementDocument>(doc)
            .unwrap()
            .into_agreement(&bilateral::Policy::standard())
            .unwrap_err()
    };
    // A bad subject area is the subjects' fault, a blank title the title's.
    let err = load(&|doc| doc["subjects"] = json!(["?"]));
    assert_eq!(err.path(), Some("subjects[0]"));
    let err = load(&|doc| doc["title"] = json!(" "));
    assert_eq!(err.path(), Some("title"));

    // A policy: a blank name is the name's fault, a table that leaves a
    // final stage the transitions'.
    let policy = serde_json::to_value(bilateral::Policy::standard()).unwrap();
    let mut blank = policy.clone();
    blank["name"] = json!(" ");
    let err = serde_json::from_value::<bilateral::document::PolicyDocument>(blank)
        .unwrap()
        .into_policy(&bilateral::lifecycle::Guards::builtin())
        .unwrap_err();
    assert_eq!(err.path(), Some("name"), "{err}");
    let mut leaves_final = policy;
    leaves_final["transitions"] = json!([{ "from": "withdrawn", "to": "proposed" }]);
    let err = serde_json::from_value::<bilateral::document::PolicyDocument>(leaves_final)
        .unwrap()
        .into_policy(&bilateral::lifecycle::Guards::builtin())
        .unwrap_err();
    assert_eq!(err.path(), Some("transitions"), "{err}");
}

/// An agreement kept under a custom policy, and that policy.
fn under_skip_moi() -> (Agreement, bilateral::Policy) {
    let skip_moi = bilateral::Policy::standard()
        .to_builder()
        .name("skip-moi")
        .allow(Stage::Deliberated, Stage::Finalised)
        .build()
        .unwrap();
    let context = bilateral::Context::standard().with_policy(&skip_moi);
    let mut agreement = Agreement::builder("Fast track", crate::common::india_japan())
        .subject(SubjectArea::Trade)
        .build_with(&context, event(1, EventKind::Deliberated, "2024-01-10"))
        .unwrap();
    agreement
        .record_with(&context, event(2, EventKind::Finalised, "2024-03-05"))
        .unwrap();
    (agreement, skip_moi)
}

#[test]
fn a_document_names_the_policy_it_was_written_under() {
    let (agreement, skip_moi) = under_skip_moi();
    assert_eq!(agreement.policy(), skip_moi.stamp());
    let doc = serde_json::to_value(&agreement).unwrap();
    assert_eq!(
        doc["policy"],
        json!({"name": "skip-moi", "fingerprint": skip_moi.stamp().fingerprint()})
    );
    assert_ne!(
        skip_moi.stamp().fingerprint(),
        bilateral::Policy::standard().stamp().fingerprint()
    );
    // Read on its own, under the standard policy, it is refused with the
    // policy it needs, not with a misleading refusal of its history.
    let err = serde_json::from_value::<Agreement>(doc.clone()).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("was written under policy \"skip-moi\" (table ")
            && message.contains("not \"standard\" (table "),
        "{message}"
    );
    let typed: AgreementDocument = serde_json::from_value(doc.clone()).unwrap();
    let err = typed
        .clone()
        .into_agreement(&bilateral::Policy::standard())
        .unwrap_err();
    match &err {
        DocumentError::OtherPolicy {
            path,
            written,
            fingerprint,
            given,
            ..
        } => {
            assert_eq!(path, "policy");
            assert_eq!(written, "skip-moi");
            assert_eq!(*fingerprint, skip_moi.stamp().fingerprint());
            assert_eq!(**given, *bilateral::Policy::standard().stamp());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        bilateral::Error::from(err).kind(),
        bilateral::ErrorKind::OtherPolicy
    );
    // The explicit loader takes the policy; a renamed copy of the same
    // table reads it too.
    let back = typed.clone().into_agreement(&skip_moi).unwrap();
    assert_eq!(back, agreement);
    assert_eq!(back.policy(), skip_moi.stamp());
    let renamed = skip_moi.to_builder().name("same-table").build().unwrap();
    assert_eq!(typed.into_agreement(&renamed).unwrap(), agreement);
}

#[test]
fn a_document_of_a_built_in_policy_reads_back_under_it() {
    let strict = bilateral::Policy::strict();
    let context = bilateral::Context::standard().with_policy(&strict);
    let agreement = Agreement::builder("Strict pact", crate::common::india_japan())
        .build_with(&context, event(1, EventKind::Proposed, "2024-01-10"))
        .unwrap();
    let doc = serde_json::to_value(&agreement).unwrap();
    assert_eq!(doc["policy"]["name"], json!("strict"));
    let back: Agreement = serde_json::from_value(doc.clone()).unwrap();
    assert_eq!(back.policy(), strict.stamp());
    // Without the field (format 1), the standard policy reads it.
    let mut plain = doc;
    plain.as_object_mut().unwrap().remove("policy");
    let back: Agreement = serde_json::from_value(plain).unwrap();
    assert_eq!(back.policy().name(), "standard");
    // A malformed stamp is refused at its path.
    let mut blank = serde_json::to_value(&agreement).unwrap();
    blank["policy"]["name"] = json!(" ");
    let typed: AgreementDocument = serde_json::from_value(blank).unwrap();
    assert_eq!(
        typed.into_agreement(&strict).unwrap_err().path(),
        Some("policy.name")
    );
    let mut garbled = serde_json::to_value(&agreement).unwrap();
    garbled["policy"]["fingerprint"] = json!("zz");
    let typed: AgreementDocument = serde_json::from_value(garbled).unwrap();
    assert!(matches!(
        typed.into_agreement(&strict).unwrap_err(),
        DocumentError::OtherPolicy { .. }
    ));
}

#[test]
fn a_change_under_another_table_checks_the_whole_history_first() {
    let (mut agreement, skip_moi) = under_skip_moi();
    // Under the standard policy the history itself is invalid (no MoI
    // before the finalisation): refused, and nothing changes.
    let before = agreement.clone();
    let err = agreement
        .record(event(3, EventKind::Terminated, "2024-06-01"))
        .unwrap_err();
    assert!(err.refusal().is_some(), "{err}");
    assert!(
        err.to_string().contains("under policy \"standard\""),
        "{err}"
    );
    crate::common::assert_same_agreement(&agreement, &before);
    assert_eq!(agreement.policy(), skip_moi.stamp());
    // An agreement whose history holds under both moves to the policy of
    // its last change.
    let mut plain = crate::common::opened(EventKind::Proposed, "2024-01-10");
    assert_eq!(plain.policy().name(), "standard");
    let context = bilateral::Context::standard().with_policy(&skip_moi);
    plain
        .record_with(&context, event(2, EventKind::Deliberated, "2024-02-01"))
        .unwrap();
    assert_eq!(plain.policy(), skip_moi.stamp());
    // A policy of the same table under another name checks nothing more
    // and leaves the agreement under the policy it had.
    let renamed = bilateral::Policy::standard()
        .to_builder()
        .name("also-standard")
        .build()
        .unwrap();
    let mut standard = crate::common::opened(EventKind::Proposed, "2024-01-10");
    standard
        .record_with(
            &bilateral::Context::standard().with_policy(&renamed),
            event(2, EventKind::Deliberated, "2024-02-01"),
        )
        .unwrap();
    assert_eq!(standard.policy().name(), "standard");
    assert!(standard.policy().same_table(renamed.stamp()));
    assert!(!standard.policy().same_table(skip_moi.stamp()));
    // A tracker keeps what it holds under its own policy.
    let mut tracker = bilateral::Tracker::with_policy(skip_moi.clone());
    tracker
        .insert(crate::common::opened(EventKind::Proposed, "2024-01-10"))
        .unwrap();
    let kept = tracker.iter().next().unwrap();
    assert_eq!(kept.policy(), skip_moi.stamp());
}

//! Serde: text forms of the value types and validated agreement documents.

mod common;

use bilateral::{Agreement, EventDate, EventKind, PartyCode, Stage, SubjectArea};
use common::{event, opened};
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
fn an_agreement_round_trips_through_json() {
    let agreement = sample();
    let text = serde_json::to_string_pretty(&agreement).unwrap();
    let back: Agreement = serde_json::from_str(&text).unwrap();
    assert_eq!(back, agreement);
    assert_eq!(back.stage(), Stage::MoiSigned);
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["format"], json!(bilateral::FORMAT_VERSION));
    assert_eq!(doc["parties"][0]["code"], json!("IND"));
    assert_eq!(doc["events"][0]["date"], json!("2024-06?"));
}

fn refused(mutate: impl FnOnce(&mut Value)) -> String {
    let mut doc = serde_json::to_value(sample()).unwrap();
    mutate(&mut doc);
    serde_json::from_value::<Agreement>(doc)
        .unwrap_err()
        .to_string()
}

#[test]
fn a_document_that_breaks_a_rule_is_refused() {
    assert!(refused(|d| d["title"] = json!("  ")).contains("blank agreement title"));
    assert!(
        refused(|d| d["parties"][1]["code"] = json!("ind")).contains("party IND is given twice")
    );
    assert!(refused(|d| d["parties"][0]["code"] = json!("I N")).contains("invalid party code"));
    assert!(refused(|d| d["subjects"] = json!([])).contains("has no subject area"));
    assert!(
        refused(|d| d["events"][1]["date"] = json!("2024-13")).contains("invalid date \"2024-13\"")
    );
    assert!(refused(|d| d["events"] = json!([])).contains("has no events"));
    assert!(refused(|d| d["format"] = json!(2)).contains("unsupported format version 2"));
    assert!(
        refused(|d| d["events"][2]["id"] = d["events"][1]["id"].clone())
            .contains("is already recorded")
    );
    assert!(refused(|d| d["surprise"] = json!(1)).contains("unknown field"));
    // The MoI moved before the deliberation: the history is invalid.
    let message = refused(|d| d["events"][1]["date"] = json!("2024-01-01"));
    assert!(
        message.contains(
            "invalid history for agreement \"Reciprocal Provision of Supplies and Services\""
        ),
        "{message}"
    );
    assert!(
        message.contains("\"moi-signed\" on 2024-01-01"),
        "{message}"
    );
    assert!(
        message.contains("an MoI can only follow deliberation"),
        "{message}"
    );
}

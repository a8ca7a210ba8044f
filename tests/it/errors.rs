//! The `Error` facade: each accessor answers for the errors that carry its
//! answer, whichever layer raised them, and for no other.

use crate::common::{event, id, opened};
use bilateral::document::AgreementDocument;
use bilateral::model::ValueError;
use bilateral::tracker::TrackerError;
use bilateral::typed::TypedError;
use bilateral::{Agreement, Error, ErrorKind, EventKind, Party, Policy, Tracker};
use serde_json::json;

/// What every accessor says of one error.
#[derive(Debug, Clone, PartialEq)]
struct Answers {
    kind: ErrorKind,
    value: bool,
    path: Option<String>,
    agreement: bool,
    conflict: bool,
    refused: bool,
    refusal: bool,
}

fn answers(error: &Error) -> Answers {
    Answers {
        kind: error.kind(),
        value: error.value().is_some(),
        path: error.path().map(str::to_owned),
        agreement: error.agreement().is_some(),
        conflict: error.is_conflict(),
        refused: error.is_refused(),
        refusal: error.refusal().is_some(),
    }
}

fn plain(kind: ErrorKind) -> Answers {
    Answers {
        kind,
        value: false,
        path: None,
        agreement: false,
        conflict: false,
        refused: false,
        refusal: false,
    }
}

fn value_error() -> ValueError {
    Party::state("", "Nowhere").unwrap_err()
}

#[test]
fn an_invalid_value_is_a_value_from_every_layer() {
    let kind = Error::from(value_error()).kind();
    let expected = Answers {
        value: true,
        ..plain(kind)
    };
    let from_value = Error::from(value_error());
    assert_eq!(answers(&from_value), expected);
    let from_policy = Error::from(Policy::builder(" ").build().unwrap_err());
    assert_eq!(
        answers(&from_policy),
        Answers {
            kind: from_policy.kind(),
            ..expected.clone()
        }
    );
    assert!(from_policy.policy_error().is_some());
    let from_typed = Error::from(TypedError::from(value_error()));
    assert_eq!(answers(&from_typed), expected);
    assert!(from_typed.typed_error().is_some());
    assert_eq!(from_typed.value(), from_value.value());
}

#[test]
fn a_refused_document_names_its_path() {
    let agreement = opened(EventKind::Proposed, "2024-01-10");
    let mut doc = serde_json::to_value(AgreementDocument::from(&agreement)).unwrap();
    doc["title"] = json!(" ");
    let document: AgreementDocument = serde_json::from_value(doc).unwrap();
    let error = Error::from(document.into_agreement(&Policy::standard()).unwrap_err());
    assert_eq!(error.path(), Some("title"));
    assert!(error.value().is_some());
    assert!(error.document_error().is_some());
    assert!(!error.is_conflict() && !error.is_refused());
    // Outside a document there is no path.
    assert_eq!(Error::from(value_error()).path(), None);
}

#[test]
fn every_error_about_an_agreement_names_it() {
    let mut agreement = opened(EventKind::Proposed, "2024-01-10");
    let me = agreement.id();
    agreement
        .record(event(2, EventKind::Meeting, "2024-02-01"))
        .unwrap();
    agreement.retract(id(2), "wrong agreement").unwrap();
    let errors: Vec<Error> = vec![
        agreement
            .record(event(1, EventKind::Deliberated, "2024-03-01"))
            .unwrap_err()
            .into(),
        agreement
            .record(event(3, EventKind::Deliberated, "9999-01-01"))
            .unwrap_err()
            .into(),
        agreement.retract(id(99), "unknown").unwrap_err().into(),
        agreement.retract(id(2), "again").unwrap_err().into(),
        agreement
            .retract(id(1), "the only stage")
            .unwrap_err()
            .into(),
        agreement
            .record(event(4, EventKind::Finalised, "2024-03-01"))
            .unwrap_err()
            .into(),
    ];
    let kinds: Vec<ErrorKind> = errors.iter().map(Error::kind).collect();
    assert_eq!(
        kinds,
        [
            ErrorKind::DuplicateEvent,
            ErrorKind::FutureDate,
            ErrorKind::UnknownEvent,
            ErrorKind::AlreadyRetracted,
            ErrorKind::NoStageLeft,
            ErrorKind::Refused,
        ]
    );
    for error in &errors {
        assert_eq!(error.agreement(), Some(me), "{error}");
        assert_eq!(error.path(), None, "{error}");
        assert!(!error.is_conflict(), "{error}");
        assert_eq!(
            error.is_refused(),
            error.kind() == ErrorKind::Refused,
            "{error}"
        );
        assert_eq!(error.refusal().is_some(), error.is_refused(), "{error}");
        assert!(error.value().is_none(), "{error}");
    }
    // An error about no agreement names none.
    assert_eq!(Error::from(value_error()).agreement(), None);
    let blank = Agreement::builder(" ", crate::common::india_japan())
        .build(event(5, EventKind::Proposed, "2024"))
        .unwrap_err();
    assert_eq!(Error::from(blank).agreement(), None);
}

#[test]
fn tracker_errors_name_the_agreement_and_only_a_stale_version_is_a_conflict() {
    let agreement = opened(EventKind::Proposed, "2024-01-10");
    let me = agreement.id();
    let mut tracker = Tracker::new();
    tracker.insert(agreement.clone()).unwrap();
    let duplicate = Error::from(tracker.insert(agreement.clone()).unwrap_err());
    assert_eq!(duplicate.kind(), ErrorKind::DuplicateAgreement);
    assert_eq!(duplicate.agreement(), Some(me));
    assert!(!duplicate.is_conflict());
    tracker
        .record_expecting(me, 1, event(2, EventKind::Deliberated, "2024-02-01"))
        .unwrap();
    let stale = tracker
        .record_expecting(me, 1, event(3, EventKind::MoiSigned, "2024-03-01"))
        .unwrap_err();
    assert!(matches!(
        stale,
        TrackerError::Conflict {
            expected: 1,
            actual: 2,
            ..
        }
    ));
    let stale = Error::from(stale);
    assert_eq!(
        answers(&stale),
        Answers {
            agreement: true,
            conflict: true,
            ..plain(ErrorKind::Conflict)
        }
    );
    assert_eq!(stale.agreement(), Some(me));
    let stranger = bilateral::AgreementId::from_uuid(uuid::Uuid::from_u128(77));
    let unknown = Error::from(
        tracker
            .record(stranger, event(5, EventKind::Meeting, "2024-03-01"))
            .unwrap_err(),
    );
    assert_eq!(unknown.kind(), ErrorKind::UnknownAgreement);
    assert_eq!(unknown.agreement().map(|a| a.as_uuid().as_u128()), Some(77));
    assert!(!unknown.is_conflict());
    // A refusal through the tracker is refused, not a conflict.
    let refused = Error::from(
        tracker
            .record(me, event(4, EventKind::Finalised, "2024-03-01"))
            .unwrap_err(),
    );
    assert!(refused.is_refused() && !refused.is_conflict());
    assert_eq!(refused.agreement(), Some(me));
}

#[test]
fn the_agreement_error_of_a_document_is_found_however_deep() {
    // An agreement document whose history breaks a rule.
    let mut agreement = opened(EventKind::Proposed, "2024-01-10");
    agreement
        .record(event(2, EventKind::Deliberated, "2024-02-01"))
        .unwrap();
    let mut doc = serde_json::to_value(&agreement).unwrap();
    doc["entries"][1]["record"]["kind"] = json!("finalised");
    let refused = serde_json::from_value::<AgreementDocument>(doc.clone())
        .unwrap()
        .into_agreement(&Policy::standard())
        .unwrap_err();
    let error = Error::from(refused.clone());
    assert!(
        error
            .agreement_error()
            .is_some_and(|e| e.refusal().is_some())
    );
    assert!(error.refusal().is_some() && error.is_refused());
    assert_eq!(error.agreement(), Some(agreement.id()));
    assert_eq!(error.path(), Some("entries[1]"));
    // The same agreement inside a tracker document: one level deeper.
    let mut tracker = Tracker::new();
    tracker.insert(agreement.clone()).unwrap();
    let mut tracker_doc = serde_json::to_value(tracker.export()).unwrap();
    tracker_doc["agreements"][0]["agreement"]["entries"][1]["record"]["kind"] = json!("finalised");
    let nested =
        serde_json::from_value::<bilateral::document::TrackerDocument>(tracker_doc).unwrap();
    let error =
        Error::from(Tracker::import(nested, &bilateral::lifecycle::Guards::builtin()).unwrap_err());
    assert!(
        error
            .agreement_error()
            .is_some_and(|e| e.refusal().is_some()),
        "{error}"
    );
    assert_eq!(error.path(), Some("agreements[0].agreement.entries[1]"));
    // The document error itself says so too, at either depth.
    let load = |doc: &serde_json::Value| {
        Tracker::try_from(
            serde_json::from_value::<bilateral::document::TrackerDocument>(doc.clone()).unwrap(),
        )
        .unwrap_err()
    };
    let mut refused_doc = serde_json::to_value(tracker.export()).unwrap();
    refused_doc["agreements"][0]["agreement"]["entries"][1]["record"]["kind"] = json!("finalised");
    let nested = load(&refused_doc);
    assert!(matches!(
        nested,
        bilateral::document::DocumentError::InvalidAgreement { .. }
    ));
    assert_eq!(nested.refusal(), refused.refusal());
    assert!(nested.refusal().is_some() && nested.value().is_none());
    // An invalid value in a tracked agreement: the value, and no refusal.
    let mut bad_date = serde_json::to_value(tracker.export()).unwrap();
    bad_date["agreements"][0]["agreement"]["entries"][1]["record"]["date"] = json!("2024-13");
    let nested = load(&bad_date);
    assert!(
        matches!(nested.value(), Some(ValueError::Date { .. })),
        "{nested:?}"
    );
    assert!(nested.refusal().is_none());
    // A document error about no agreement has none.
    let mut future = serde_json::to_value(AgreementDocument::from(&agreement)).unwrap();
    future["format"] = json!(9);
    let unsupported = serde_json::from_value::<AgreementDocument>(future)
        .unwrap()
        .into_agreement(&Policy::standard())
        .unwrap_err();
    assert!(Error::from(unsupported).agreement_error().is_none());
}

#[test]
fn an_error_shows_and_chains_what_it_wraps() {
    let value = value_error();
    let error = Error::from(value.clone());
    assert_eq!(format!("{error:?}"), format!("{value:?}"));
    assert_eq!(error.to_string(), value.to_string());
    // A document error at a path has the invalid value as its source.
    let agreement = opened(EventKind::Proposed, "2024-01-10");
    let mut doc = serde_json::to_value(AgreementDocument::from(&agreement)).unwrap();
    doc["parties"][0]["code"] = json!("!");
    let document = serde_json::from_value::<AgreementDocument>(doc)
        .unwrap()
        .into_agreement(&Policy::standard())
        .unwrap_err();
    let error = Error::from(document.clone());
    assert_eq!(format!("{error:?}"), format!("{document:?}"));
    let source = std::error::Error::source(&error).expect("the value behind it");
    assert_eq!(source.to_string(), error.value().unwrap().to_string());
    // A tracker's refusal is found through its agreement error.
    let mut tracker = Tracker::new();
    let me = agreement.id();
    tracker.insert(agreement).unwrap();
    let refused = tracker
        .record(me, event(2, EventKind::Finalised, "2024-02-01"))
        .unwrap_err();
    assert!(refused.refusal().is_some());
    let stranger = bilateral::AgreementId::from_uuid(uuid::Uuid::from_u128(5));
    let unknown = tracker
        .record(stranger, event(3, EventKind::Meeting, "2024-02-01"))
        .unwrap_err();
    assert!(unknown.refusal().is_none());
}

//! A tracker loaded from agreements read apart from their document
//! (`Tracked::read`, `Tracker::loader`): the same tracker as the whole
//! document gives, in whatever order the agreements were read, and the same
//! refusals.

use bilateral::document::{DocumentError, Tracked};
use bilateral::{Agreement, AgreementId, Event, EventKind, Link, LinkKind, Policy, Stage, Tracker};

use crate::common::{date, event, id, india_japan};

fn agreement_id(n: u128) -> AgreementId {
    AgreementId::from_uuid(uuid::Uuid::from_u128(n))
}

/// A framework, a mast MoI implementing it (written before it once
/// `elements` reverses the document, so that its link names an agreement
/// further on), and a third with a history of two events.
fn tracker() -> Tracker {
    let mut tracker = Tracker::new();
    tracker
        .create(
            Agreement::builder("Framework", india_japan()).id(agreement_id(1)),
            event(100, EventKind::Finalised, "2015-12-12"),
        )
        .unwrap();
    tracker
        .create(
            Agreement::builder("UNICORN mast", india_japan()).id(agreement_id(2)),
            Event::builder(EventKind::MoiSigned, date("2024-11-15"))
                .id(id(200))
                .links([Link::new(LinkKind::Implements, agreement_id(1))])
                .build()
                .unwrap(),
        )
        .unwrap();
    let third = tracker
        .create(
            Agreement::builder("Talks", india_japan()).id(agreement_id(3)),
            event(300, EventKind::Proposed, "2023"),
        )
        .unwrap();
    tracker
        .record(third, event(301, EventKind::Deliberated, "2024"))
        .unwrap();
    tracker
}

/// The elements of a tracker's document, last first, as texts.
fn elements(tracker: &Tracker) -> Vec<String> {
    let document = serde_json::to_value(tracker).unwrap();
    let mut elements: Vec<String> = document["agreements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|element| element.to_string())
        .collect();
    elements.reverse();
    elements
}

fn read(text: &str, policy: &Policy, position: usize) -> Result<Tracked, DocumentError> {
    Tracked::read(
        &mut serde_json::Deserializer::from_str(text),
        policy,
        position,
    )
}

#[test]
fn agreements_read_apart_make_the_tracker_the_document_makes() {
    let tracker = tracker();
    let texts = elements(&tracker);
    // Read on three threads, one each, and taken in in order.
    let policy = Policy::standard();
    let tracked: Vec<Tracked> = std::thread::scope(|scope| {
        let handles: Vec<_> = texts
            .iter()
            .enumerate()
            .map(|(position, text)| {
                scope.spawn({
                    let policy = &policy;
                    move || read(text, policy, position).unwrap()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().unwrap())
            .collect()
    });
    assert_eq!(tracked[0].version(), 2);
    assert_eq!(tracked[2].position(), 2);
    assert_eq!(tracked[1].agreement().id(), agreement_id(2));
    let mut loader = Tracker::new().loader();
    assert!(loader.is_empty());
    for tracked in tracked {
        loader.insert(tracked).unwrap();
    }
    assert_eq!(loader.len(), 3);
    assert!(!loader.is_empty());
    let loaded = loader.finish().unwrap();
    assert_eq!(loaded, tracker);
    assert_eq!(loaded.version(agreement_id(3)), Some(2));
    assert_eq!(loaded.implemented_by(agreement_id(1)).len(), 1);
    // Indexed by date once finished.
    let from = "2023-06-01".parse().unwrap();
    let to = "2024-12-31".parse().unwrap();
    assert_eq!(loaded.query().events_between(from, to).count(), 2);
}

#[test]
fn a_link_to_an_agreement_never_taken_in_is_refused_at_its_place() {
    let tracker = tracker();
    let texts = elements(&tracker);
    let policy = Policy::standard();
    let mut loader = Tracker::new().loader();
    // The talks at place 0, the mast at place 5; never the framework.
    loader.insert(read(&texts[0], &policy, 0).unwrap()).unwrap();
    loader.insert(read(&texts[1], &policy, 5).unwrap()).unwrap();
    let refused = loader.finish().unwrap_err();
    assert!(
        matches!(&refused, DocumentError::InvalidAgreement { position: 5, id, .. } if *id == agreement_id(2).to_string()),
        "{refused:?}"
    );
    assert_eq!(refused.path(), Some("agreements[5].agreement.entries"));
}

#[test]
fn the_same_id_twice_is_refused_at_the_second_place() {
    let texts = elements(&tracker());
    let policy = Policy::standard();
    let mut loader = Tracker::new().loader();
    loader.insert(read(&texts[2], &policy, 0).unwrap()).unwrap();
    let refused = loader
        .insert(read(&texts[2], &policy, 1).unwrap())
        .unwrap_err();
    assert!(
        matches!(
            &refused,
            DocumentError::InvalidAgreement { position: 1, .. }
        ),
        "{refused:?}"
    );
    assert_eq!(refused.path(), Some("agreements[1].agreement.id"));
    assert_eq!(loader.len(), 1);
}

/// An agreement read under another policy is judged under the tracker's:
/// taken in when its history passes (and kept under the tracker's
/// policy), refused with the rule when not.
#[test]
fn an_agreement_read_under_another_policy_is_judged_under_the_trackers() {
    let texts = elements(&tracker());
    // The talks open at proposed, which the strict policy allows.
    let talks = read(&texts[0], &Policy::standard(), 0).unwrap();
    let mut strict = Tracker::with_policy(Policy::strict()).loader();
    strict.insert(talks).unwrap();
    let strict = strict.finish().unwrap();
    let held = strict.get(agreement_id(3)).unwrap();
    assert_eq!(held.policy(), Policy::strict().stamp());
    assert_eq!(held.stage(), Stage::Deliberated);
    // The framework opens at finalised, which it does not.
    let framework = read(&texts[2], &Policy::standard(), 4).unwrap();
    let mut strict = Tracker::with_policy(Policy::strict()).loader();
    let refused = strict.insert(framework).unwrap_err();
    assert_eq!(refused.path(), Some("agreements[4].agreement.entries"));
    assert!(refused.refusal().is_some(), "{refused}");
    assert!(strict.is_empty());
}

/// Reading apart gives each refusal `Tracker::load` gives for the same
/// element at the same place.
#[test]
fn an_element_read_apart_is_refused_as_in_its_document() {
    let tracker = tracker();
    let mut document = serde_json::to_value(&tracker).unwrap();
    document["agreements"][1]["agreement"]["title"] = serde_json::json!("");
    let whole = serde_json::from_value::<bilateral::document::TrackerDocument>(document.clone())
        .map_err(|e| e.to_string())
        .and_then(|doc| {
            Tracker::import(doc, &bilateral::lifecycle::Guards::builtin())
                .map_err(|e| e.to_string())
        })
        .unwrap_err();
    let apart = read(
        &document["agreements"][1].to_string(),
        &Policy::standard(),
        1,
    )
    .unwrap_err();
    assert_eq!(apart.to_string(), whole);
    assert_eq!(apart.path(), Some("agreements[1].agreement.title"));
    // Text that is no element at all.
    assert!(matches!(
        read("{\"version\": 1}", &Policy::standard(), 0),
        Err(DocumentError::Syntax { .. })
    ));
}

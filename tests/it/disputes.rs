//! Disputed claims: a rival claim of an event stands beside the version in
//! force with its own sources, replaces nothing, makes the answers that
//! depend on it say "disputed", and is settled only by a resolution, an
//! entry of the audit trail with its reason. Every refusal names the
//! agreement and the event and changes nothing.

use bilateral::agreement::{AgreementError, Dispute};
use bilateral::document::AgreementDocument;
use bilateral::{
    Agreement, AgreementId, Change, Error, ErrorKind, Event, EventKind, Occasion, Source, Stage,
    Tracker,
};
use serde_json::json;

use crate::common::{assert_same_agreement, date, id, india, india_japan, philippines};

const RPSS: &str = "Reciprocal Provision of Supplies and Services";

fn source(publisher: &str, title: &str) -> Source {
    Source::new(publisher, title).unwrap()
}

/// Event `n` of `kind` on `on`, from `publisher`.
fn sourced(n: u128, kind: EventKind, on: &str, publisher: &str) -> Event {
    Event::builder(kind, date(on))
        .id(id(n))
        .source(source(publisher, "report"))
        .build()
        .unwrap()
}

/// The logistics agreement: talks in 2019, signed 2020-09-09 by the
/// public record; and the 2024 report's rival claim that on 2024-11-23 it
/// was still being deliberated.
fn logistics() -> (Agreement, Event) {
    let mut pact = Agreement::builder(RPSS, india_japan())
        .id(AgreementId::from_uuid(uuid::Uuid::from_u128(1)))
        .build(sourced(2, EventKind::Finalised, "2020-09-09", "Ministry"))
        .unwrap();
    pact.record(sourced(1, EventKind::Meeting, "2019", "Archive"))
        .unwrap();
    let rival = sourced(2, EventKind::Deliberated, "2024-11-23", "Press report");
    (pact, rival)
}

fn disputed_logistics() -> (Agreement, Event) {
    let (mut pact, rival) = logistics();
    pact.dispute(rival.clone()).unwrap();
    (pact, rival)
}

fn only_dispute(agreement: &Agreement) -> Dispute<'_> {
    let disputes: Vec<_> = agreement.disputes().collect();
    assert_eq!(disputes.len(), 1, "{disputes:?}");
    disputes.into_iter().next().unwrap()
}

#[test]
fn a_dispute_keeps_both_claims_and_replaces_nothing() {
    let (mut pact, rival) = logistics();
    let before_history: Vec<Event> = pact.history().cloned().collect();
    let receipt = pact.dispute(rival.clone()).unwrap();
    assert_eq!(receipt.action, bilateral::lifecycle::Action::Dispute);
    assert_eq!(
        (receipt.before, receipt.after),
        (Some(Stage::Finalised), Stage::Finalised)
    );
    assert_eq!((receipt.arrived, receipt.left), (None, None));
    assert_eq!(receipt.entry, 2);
    // The record stands.
    assert_eq!(pact.stage(), Stage::Finalised);
    assert_eq!(pact.history().cloned().collect::<Vec<_>>(), before_history);
    assert_eq!(pact.event(id(2)).unwrap().date(), date("2020-09-09"));
    // Both claims, each with its sources.
    let dispute = only_dispute(&pact);
    assert_eq!(dispute.event_id(), id(2));
    assert_eq!(dispute.in_force().entry, 0);
    assert_eq!(
        dispute.in_force().event.sources()[0].publisher(),
        "Ministry"
    );
    assert_eq!(dispute.rivals().len(), 1);
    assert_eq!(dispute.rivals()[0].entry, 2);
    assert_eq!(dispute.rivals()[0].event, &rival);
    assert_eq!(dispute.claims().count(), 2);
    assert!(dispute.bears_on_stage());
    assert!(pact.is_disputed());
    assert!(pact.dispute_about(id(1)).is_none());
    // In the audit trail, under the event.
    assert_eq!(pact.versions(id(2)).count(), 2);
    assert_eq!(pact.entries()[2].change(), &Change::Dispute(rival.clone()));
    assert_eq!(pact.entries()[2].event(), Some(&rival));
    let trail = pact.audit_trail().to_string();
    assert!(
        trail
            .contains("disputed   00000000-0000-0000-0000-000000000002 by: 2024-11-23 deliberated"),
        "{trail}"
    );
    assert!(trail.contains("source: Press report"), "{trail}");
}

#[test]
fn several_rival_claims_stand_together() {
    let (mut pact, rival) = disputed_logistics();
    let another = sourced(2, EventKind::Finalised, "2020-09-10", "Embassy");
    pact.dispute(another.clone()).unwrap();
    let dispute = only_dispute(&pact);
    let rivals: Vec<_> = dispute
        .rivals()
        .iter()
        .map(|claim| (claim.entry, claim.event))
        .collect();
    assert_eq!(rivals, [(2, &rival), (3, &another)]);
    // A rival claim the same as another rival is still another source's word.
    pact.dispute(another.clone()).unwrap();
    assert_eq!(only_dispute(&pact).rivals().len(), 3);
}

#[test]
fn stage_on_says_disputed_between_the_claims() {
    let (pact, _) = disputed_logistics();
    let on = |d: &str| pact.stage_on(date(d));
    // Before either claim changes anything, the sources agree.
    let early = on("2019-06-01");
    assert!(!early.disputed && early.is_certain());
    assert_eq!(early.certain, None);
    // Between the signing and the report, one says finalised, the other
    // still proposed.
    let between = on("2022-01-01");
    assert!(between.disputed, "{between:?}");
    assert!(!between.is_certain());
    assert!(!between.is_certainly_at(Stage::Finalised));
    assert!(between.is_possibly_at(Stage::Finalised));
    assert!(!between.is_possibly_at(Stage::Deliberated));
    assert_eq!(between.certain, None);
    assert_eq!(between.possible, Some(Stage::Finalised));
    assert!(between.reached.is_empty());
    assert!(!between.has_certainly_reached(Stage::Finalised));
    // After the report: finalised, or deliberated.
    let after = on("2025");
    assert!(after.disputed);
    assert!(after.is_possibly_at(Stage::Deliberated) && after.is_possibly_at(Stage::Finalised));
    assert!(!after.is_possibly_at(Stage::MoiSigned));
    assert_eq!(
        (after.certain, after.possible),
        (None, Some(Stage::Finalised))
    );
    // Its serialised form says so too.
    let json = serde_json::to_value(after).unwrap();
    assert_eq!(json["disputed"], json!(true));
    assert_eq!(
        serde_json::from_value::<bilateral::agreement::StageOn>(json).unwrap(),
        after
    );
    assert!(
        serde_json::to_value(early)
            .unwrap()
            .get("disputed")
            .is_none()
    );
    // Without the dispute, the same dates are certain.
    let (plain, _) = logistics();
    assert!(
        plain
            .stage_on(date("2022-01-01"))
            .is_certainly_at(Stage::Finalised)
    );
}

#[test]
fn a_dispute_of_an_informational_event_leaves_stage_on_alone() {
    let (mut pact, _) = logistics();
    pact.record(sourced(3, EventKind::Meeting, "2021-03-01", "Ministry"))
        .unwrap();
    pact.dispute(sourced(3, EventKind::Meeting, "2021-04-01", "Press"))
        .unwrap();
    assert!(!only_dispute(&pact).bears_on_stage());
    let on = pact.stage_on(date("2021-03-15"));
    assert!(!on.disputed && on.is_certainly_at(Stage::Finalised));
}

#[test]
fn the_timeline_shows_both_claims() {
    let (pact, _) = disputed_logistics();
    let entries: Vec<_> = pact
        .timeline()
        .entries()
        .map(|e| (e.event.id(), e.disputed))
        .collect();
    assert_eq!(entries, [(id(1), false), (id(2), true)]);
    let text = pact.timeline().to_string();
    assert!(text.contains("2020-09-09   finalised"), "{text}");
    assert!(
        text.contains(
            "disputed: 2024-11-23 deliberated (entry 2)\n               source: Press report"
        ),
        "{text}"
    );
    let mermaid = pact.timeline().mermaid().to_string();
    assert!(
        mermaid.contains(
            "2020-09-09 : finalised (disputed, other sources say 2024-11-23 deliberated)"
        ),
        "{mermaid}"
    );
    let (plain, _) = logistics();
    assert!(!plain.timeline().to_string().contains("disputed"));
}

#[test]
fn refused_disputes_name_the_agreement_and_the_event_and_change_nothing() {
    let (mut pact, rival) = logistics();
    let before = pact.clone();
    let cases: Vec<(Event, ErrorKind, &str)> = vec![
        (
            sourced(9, EventKind::Finalised, "2020", "Press"),
            ErrorKind::UnknownEvent,
            "no such event is recorded",
        ),
        (
            rival.to_builder().clear_sources().build().unwrap(),
            ErrorKind::UnsourcedClaim,
            "a rival claim names at least one source",
        ),
        (
            sourced(2, EventKind::Finalised, "2020-09-09", "Embassy"),
            ErrorKind::SameClaim,
            "that is what the record already says",
        ),
        (
            sourced(2, EventKind::Finalised, "2999", "Oracle"),
            ErrorKind::FutureDate,
            "cannot be dated in the future",
        ),
        (
            rival
                .to_builder()
                .link(bilateral::Link::new(
                    bilateral::LinkKind::Amends,
                    AgreementId::from_uuid(uuid::Uuid::from_u128(1)),
                ))
                .build()
                .unwrap(),
            ErrorKind::SelfLink,
            "a link names another agreement",
        ),
    ];
    for (claim, kind, words) in cases {
        let err = Error::from(pact.dispute(claim).unwrap_err());
        assert_eq!(err.kind(), kind, "{err}");
        let message = err.to_string();
        assert!(message.contains(words), "{message}");
        assert!(message.contains(RPSS), "{message}");
        assert!(message.contains("cannot dispute"), "{message}");
        assert_eq!(err.agreement(), Some(pact.id()), "{message}");
        assert_same_agreement(&pact, &before);
    }
    // A retracted event is no longer in dispute's reach.
    pact.record(sourced(3, EventKind::Meeting, "2021", "Ministry"))
        .unwrap();
    pact.retract(id(3), "not about this agreement").unwrap();
    let before = pact.clone();
    let err = pact
        .dispute(sourced(3, EventKind::Meeting, "2022", "Press"))
        .unwrap_err();
    assert!(
        matches!(err, AgreementError::AlreadyRetracted { .. }),
        "{err}"
    );
    assert_same_agreement(&pact, &before);
}

#[test]
fn a_resolution_keeping_the_record_closes_the_dispute_and_changes_no_history() {
    let (mut pact, _) = disputed_logistics();
    let history: Vec<Event> = pact.history().cloned().collect();
    let receipt = pact
        .resolve(id(2), 0, "the signed text is dated 2020-09-09")
        .unwrap();
    assert_eq!(receipt.action, bilateral::lifecycle::Action::Resolve);
    assert_eq!((receipt.arrived, receipt.left), (None, None));
    assert_eq!(receipt.after, Stage::Finalised);
    assert_eq!(pact.history().cloned().collect::<Vec<_>>(), history);
    assert!(!pact.is_disputed());
    assert!(
        pact.stage_on(date("2022-01-01"))
            .is_certainly_at(Stage::Finalised)
    );
    assert!(!pact.timeline().to_string().contains("disputed"));
    // Every claim stays in the trail, and the resolution with its reason.
    assert_eq!(pact.versions(id(2)).count(), 3);
    assert_eq!(
        pact.entries()[3].change(),
        &Change::Resolve {
            id: id(2),
            chosen: 0,
            reason: "the signed text is dated 2020-09-09".into()
        }
    );
    assert_eq!(pact.entries()[3].event(), None);
    assert_eq!(pact.entries()[3].event_id(), id(2));
    let trail = pact.audit_trail().to_string();
    assert!(
        trail.contains(
            "resolved   00000000-0000-0000-0000-000000000002 keeping entry 0: the signed text is dated 2020-09-09"
        ),
        "{trail}"
    );
    // Resolved is resolved: a second resolution finds nothing disputed.
    let err = pact.resolve(id(2), 0, "again").unwrap_err();
    assert!(matches!(err, AgreementError::NotDisputed { .. }), "{err}");
    // A new rival claim opens a new dispute; the old one stays closed.
    pact.dispute(sourced(2, EventKind::Finalised, "2020-09", "Embassy"))
        .unwrap();
    let dispute = only_dispute(&pact);
    assert_eq!(dispute.rivals().len(), 1);
    assert_eq!(dispute.rivals()[0].entry, 4);
    let err = pact.resolve(id(2), 2, "the old rival").unwrap_err();
    assert!(
        matches!(&err, AgreementError::UnknownClaim { claims, .. } if claims == &[0, 4]),
        "{err}"
    );
}

#[test]
fn a_resolution_keeping_a_rival_brings_it_into_force() {
    let (mut pact, rival) = disputed_logistics();
    let receipt = pact
        .resolve(id(2), 2, "the 2024 report is the later word")
        .unwrap();
    assert_eq!(receipt.before, Some(Stage::Finalised));
    assert_eq!(receipt.after, Stage::Deliberated);
    let arrived = receipt.arrived.unwrap();
    assert_eq!(
        (arrived.entry, arrived.kind, arrived.date),
        (2, EventKind::Deliberated, date("2024-11-23"))
    );
    let left = receipt.left.unwrap();
    assert_eq!((left.entry, left.kind), (0, EventKind::Finalised));
    assert_eq!(pact.stage(), Stage::Deliberated);
    assert_eq!(pact.event(id(2)), Some(&rival));
    assert!(!pact.is_disputed());
    assert!(!pact.is_retracted(id(2)));
    assert_eq!(
        pact.history().map(Event::id).collect::<Vec<_>>(),
        [id(1), id(2)]
    );
    // The record's claim stays in the trail with its source.
    assert_eq!(
        pact.entries()[0].event().unwrap().sources()[0].publisher(),
        "Ministry"
    );
    // Later changes build on the version kept.
    pact.record(sourced(3, EventKind::MoiSigned, "2025-01", "Ministry"))
        .unwrap();
    assert_eq!(pact.stage(), Stage::MoiSigned);
    let corrected = rival.to_builder().date(date("2024-11-22")).build().unwrap();
    pact.correct(corrected.clone()).unwrap();
    assert_eq!(pact.event(id(2)), Some(&corrected));
    // And the same agreement rebuilt from its document agrees.
    let again: Agreement = serde_json::from_str(&serde_json::to_string(&pact).unwrap()).unwrap();
    assert_same_agreement(&again, &pact);
}

#[test]
fn refused_resolutions_change_nothing() {
    let (mut pact, _) = logistics();
    let before = pact.clone();
    let err = Error::from(pact.resolve(id(2), 0, "nothing to resolve").unwrap_err());
    assert_eq!(err.kind(), ErrorKind::NotDisputed);
    assert!(
        err.to_string().contains("nothing about it is disputed"),
        "{err}"
    );
    assert!(err.to_string().contains(RPSS), "{err}");
    assert_same_agreement(&pact, &before);

    pact.dispute(sourced(2, EventKind::Finalised, "2020-09", "Embassy"))
        .unwrap();
    let before = pact.clone();
    for chosen in [1, 3, 99] {
        let err = Error::from(pact.resolve(id(2), chosen, "a wrong entry").unwrap_err());
        assert_eq!(err.kind(), ErrorKind::UnknownClaim, "{err}");
        assert!(
            err.to_string().contains(&format!(
                "by keeping entry {chosen}: its claims are the entries [0, 2]"
            )),
            "{err}"
        );
        assert_eq!(err.agreement(), Some(pact.id()));
        assert_same_agreement(&pact, &before);
    }
    let err = Error::from(pact.resolve(id(2), 2, "  ").unwrap_err());
    assert!(err.value().is_some(), "{err}");
    assert_same_agreement(&pact, &before);
    let err = pact.resolve(id(9), 2, "unknown").unwrap_err();
    assert!(matches!(err, AgreementError::UnknownEvent { .. }), "{err}");
    assert_same_agreement(&pact, &before);
}

#[test]
fn a_rival_that_does_not_fit_the_history_is_refused_at_resolution() {
    // The record: proposed 2019, deliberated 2021, signed 2022. A rival
    // dates the deliberation after the signing: it may stand as a claim,
    // but the lifecycle refuses to put it in force.
    let mut pact = Agreement::builder("Pact", india_japan())
        .build(sourced(1, EventKind::Proposed, "2019", "Archive"))
        .unwrap();
    pact.record(sourced(2, EventKind::Deliberated, "2021", "Ministry"))
        .unwrap();
    pact.record(sourced(3, EventKind::MoiSigned, "2022", "Ministry"))
        .unwrap();
    pact.dispute(sourced(2, EventKind::Deliberated, "2023", "Press"))
        .unwrap();
    let before = pact.clone();
    let err = pact.resolve(id(2), 3, "the press is right").unwrap_err();
    let refusal = err.refusal().expect("a refusal");
    assert_eq!(refusal.action(), bilateral::lifecycle::Action::Resolve);
    assert!(err.to_string().contains("resolve"), "{err}");
    assert_same_agreement(&pact, &before);
    assert!(pact.is_disputed());
}

#[test]
fn corrections_and_retractions_of_a_disputed_event() {
    let (mut pact, _) = disputed_logistics();
    // A correction replaces the version in force; the rival still stands
    // against the corrected version.
    let corrected = sourced(2, EventKind::Finalised, "2020-09-10", "Ministry");
    pact.correct(corrected.clone()).unwrap();
    let dispute = only_dispute(&pact);
    assert_eq!(
        (dispute.in_force().entry, dispute.in_force().event),
        (3, &corrected)
    );
    assert_eq!(dispute.rivals()[0].entry, 2);
    // The record before the correction is no longer a claim in force.
    let err = pact.resolve(id(2), 0, "the first date").unwrap_err();
    assert!(
        matches!(&err, AgreementError::UnknownClaim { claims, .. } if claims == &[3, 2]),
        "{err}"
    );
    pact.resolve(id(2), 3, "the correction stands").unwrap();
    assert_eq!(pact.event(id(2)), Some(&corrected));

    // A retracted event has no dispute left to show, nor to resolve.
    let (mut pact, _) = disputed_logistics();
    pact.record(sourced(3, EventKind::Meeting, "2021", "Ministry"))
        .unwrap();
    pact.dispute(sourced(3, EventKind::Meeting, "2021-05", "Press"))
        .unwrap();
    assert_eq!(pact.disputes().count(), 2);
    pact.retract(id(3), "not about this agreement").unwrap();
    assert_eq!(
        pact.disputes().map(|d| d.event_id()).collect::<Vec<_>>(),
        [id(2)]
    );
    let err = pact.resolve(id(3), 4, "late").unwrap_err();
    assert!(
        matches!(err, AgreementError::AlreadyRetracted { .. }),
        "{err}"
    );
}

#[test]
fn as_recorded_before_the_resolution_the_dispute_was_open() {
    let clock = bilateral::FixedClock::new("2030-01-01T00:00:00Z".parse().unwrap());
    let policy = bilateral::Policy::standard();
    let context = bilateral::Context::new(&policy, &clock);
    let (mut pact, rival) = logistics();
    pact.dispute_with(&context, rival).unwrap();
    let later = bilateral::FixedClock::new("2031-01-01T00:00:00Z".parse().unwrap());
    pact.resolve_with(
        &bilateral::Context::new(&policy, &later),
        id(2),
        2,
        "later word",
    )
    .unwrap();
    let then = pact
        .as_recorded_at("2030-06-01T00:00:00Z".parse().unwrap())
        .unwrap();
    assert!(then.is_disputed());
    assert_eq!(then.stage(), Stage::Finalised);
    assert!(!pact.is_disputed());
    assert_eq!(pact.stage(), Stage::Deliberated);
}

#[test]
fn long_histories_find_their_claims_by_the_id_map() {
    // Past 64 entries an agreement keeps its event ids in a map: disputes
    // and resolutions must keep it pointing at the version in force.
    let mut pact = Agreement::builder("Long", india_japan())
        .build(sourced(1, EventKind::Proposed, "2000", "Archive"))
        .unwrap();
    for n in 2..80u128 {
        pact.record(sourced(n, EventKind::Meeting, "2001", "Ministry"))
            .unwrap();
    }
    let rival = sourced(5, EventKind::Meeting, "2002", "Press");
    pact.dispute(rival.clone()).unwrap();
    assert_eq!(pact.event(id(5)).unwrap().date(), date("2001"));
    let chosen = only_dispute(&pact).rivals()[0].entry;
    pact.resolve(id(5), chosen, "press").unwrap();
    assert_eq!(pact.event(id(5)), Some(&rival));
    // A correction after it, then a retraction, find the right version.
    let corrected = rival.to_builder().date(date("2003")).build().unwrap();
    pact.correct(corrected.clone()).unwrap();
    assert_eq!(pact.event(id(5)), Some(&corrected));
    let left = pact.retract(id(5), "duplicate").unwrap().left.unwrap();
    assert_eq!(left.date, date("2003"));
    // Rebuilt from its document, the same.
    let again: Agreement = serde_json::from_str(&serde_json::to_string(&pact).unwrap()).unwrap();
    assert_same_agreement(&again, &pact);
    // The same in a short history, scanned rather than mapped.
    let (mut short, rival) = disputed_logistics();
    short.resolve(id(2), 2, "press").unwrap();
    short
        .dispute(sourced(2, EventKind::Finalised, "2020-09-09", "Ministry"))
        .unwrap();
    assert_eq!(short.event(id(2)), Some(&rival));
    short.resolve(id(2), 2, "still the press").unwrap();
    assert_eq!(short.event(id(2)), Some(&rival));
    assert_eq!(short.stage(), Stage::Deliberated);
}

#[test]
fn documents_keep_disputes_and_resolutions() {
    let (mut pact, _) = disputed_logistics();
    pact.record(sourced(3, EventKind::Meeting, "2021", "Ministry"))
        .unwrap();
    pact.dispute(sourced(3, EventKind::Statement, "2021", "Press"))
        .unwrap();
    pact.resolve(id(3), 4, "the press saw a statement").unwrap();
    let value = serde_json::to_value(&pact).unwrap();
    assert_eq!(value["format"], json!(4));
    assert_eq!(value["entries"][2]["dispute"]["date"], json!("2024-11-23"));
    assert_eq!(value["entries"][2]["dispute"]["kind"], json!("deliberated"));
    assert_eq!(
        value["entries"][5]["resolve"],
        json!({"id": id(3).to_string(), "chosen": 4, "reason": "the press saw a statement"})
    );
    let again: Agreement = serde_json::from_value(value.clone()).unwrap();
    assert_same_agreement(&again, &pact);
    assert!(again.is_disputed());
    assert_eq!(again.event(id(3)).unwrap().kind(), EventKind::Statement);

    // A resolution keeping what is not a claim is refused at its path.
    let mut bad = value.clone();
    bad["entries"][5]["resolve"]["chosen"] = json!(0);
    let typed: AgreementDocument = serde_json::from_value(bad).unwrap();
    let err = Agreement::try_from(typed).unwrap_err().to_string();
    assert!(err.contains("entries[5]"), "{err}");
    assert!(err.contains("by keeping entry 0"), "{err}");
    // An entry holding two changes is malformed.
    let mut bad = value.clone();
    bad["entries"][2]["record"] = bad["entries"][2]["dispute"].clone();
    let typed: AgreementDocument = serde_json::from_value(bad).unwrap();
    let err = Agreement::try_from(typed).unwrap_err().to_string();
    assert!(err.contains("entries[2]"), "{err}");
    // A blank reason is refused at its path.
    let mut bad = value;
    bad["entries"][5]["resolve"]["reason"] = json!(" ");
    let typed: AgreementDocument = serde_json::from_value(bad).unwrap();
    let err = Agreement::try_from(typed).unwrap_err().to_string();
    assert!(err.contains("entries[5].resolve.reason"), "{err}");
}

#[test]
fn a_format_3_document_still_loads() {
    let (pact, _) = logistics();
    let mut value = serde_json::to_value(&pact).unwrap();
    value["format"] = json!(3);
    let again: Agreement = serde_json::from_value(value).unwrap();
    assert_same_agreement(&again, &pact);
}

#[test]
fn a_tracker_keeps_disputes_and_judges_a_rival_when_it_enters() {
    let mut tracker = Tracker::new();
    tracker
        .add_occasion(
            Occasion::new("11th ADMM-Plus", date("2024-11-20"), date("2024-11-22")).unwrap(),
        )
        .unwrap();
    let memo = tracker
        .create(
            Agreement::builder(
                "Defence industry memorandum",
                bilateral::Parties::new(india(), philippines()).unwrap(),
            ),
            sourced(1, EventKind::MoiSigned, "2017", "Ministry"),
        )
        .unwrap();
    let met = Event::builder(EventKind::Meeting, date("2024-11-21"))
        .id(id(2))
        .occasion("11th ADMM-Plus")
        .source(source("Ministry", "readout"))
        .build()
        .unwrap();
    tracker.record(memo, met.clone()).unwrap();
    // A rival claim is kept as given, even one that would not fit the
    // occasion it names...
    let late = met
        .to_builder()
        .date(date("2024-11-23"))
        .clear_sources()
        .source(source("Press", "story"))
        .build()
        .unwrap();
    assert_eq!(
        tracker.apply(memo, Some(2), Change::Dispute(late)).unwrap(),
        3
    );
    // ... but refused when a resolution would bring it in, naming both.
    let before = tracker.clone();
    let err = Error::from(
        tracker
            .apply(
                memo,
                Some(3),
                Change::Resolve {
                    id: id(2),
                    chosen: 2,
                    reason: "press".into(),
                },
            )
            .unwrap_err(),
    );
    assert_eq!(err.kind(), ErrorKind::OutsideOccasion, "{err}");
    assert!(err.to_string().contains("11th ADMM-Plus"), "{err}");
    crate::common::assert_same_tracker(&tracker, &before);

    // The memorandum's date: 2017 by some, 2018 by others.
    let rival = sourced(1, EventKind::MoiSigned, "2018", "Embassy");
    tracker
        .apply(memo, None, Change::Dispute(rival.clone()))
        .unwrap();
    let on = tracker.get(memo).unwrap().stage_on(date("2017-07"));
    assert!(on.disputed);
    // The tracker's queries ask the same question.
    assert_eq!(tracker.query().disputed().ids().collect::<Vec<_>>(), [memo]);
    assert_eq!(
        tracker
            .query()
            .possibly_at(date("2017-07"), Stage::MoiSigned)
            .count(),
        1
    );
    assert_eq!(
        tracker
            .query()
            .certainly_at(date("2019"), Stage::MoiSigned)
            .count(),
        1
    );
    assert_eq!(
        tracker
            .query()
            .certainly_at(date("2017-07"), Stage::MoiSigned)
            .count(),
        0
    );
    // Resolving brings the rival in, and the tracker's indexes follow.
    tracker
        .apply(
            memo,
            None,
            Change::Resolve {
                id: id(1),
                chosen: 3,
                reason: "the text says 2018".into(),
            },
        )
        .unwrap();
    assert_eq!(tracker.get(memo).unwrap().event(id(1)), Some(&rival));
    let signed_in = |year: &str| {
        tracker
            .query()
            .reached_between(Stage::MoiSigned, date(year), date(year))
            .count()
    };
    assert_eq!((signed_in("2017"), signed_in("2018")), (0, 1));
    // The meeting's dispute is still open.
    assert_eq!(tracker.query().disputed().count(), 1);
    let open: Vec<_> = tracker
        .get(memo)
        .unwrap()
        .disputes()
        .map(|d| d.event_id())
        .collect();
    assert_eq!(open, [id(2)]);
    // A tracker document keeps it all.
    let again: Tracker = serde_json::from_str(&serde_json::to_string(&tracker).unwrap()).unwrap();
    crate::common::assert_same_tracker(&again, &tracker);
}

#[test]
fn an_agreement_shows_its_rival_claims_under_their_event() {
    let (pact, _) = disputed_logistics();
    let text = pact.to_string();
    let signing = text.find("2020-09-09 finalised").expect("the signing");
    let meeting = text.find("2019 meeting").expect("the meeting");
    let rival = text
        .find("disputed: 2024-11-23 deliberated (entry 2)")
        .expect("the rival claim");
    // Under the signing, which comes after the meeting, not under the meeting.
    assert!(meeting < signing && signing < rival, "{text}");
    assert!(text[rival..].contains("source: Press report"), "{text}");
    assert_eq!(text.matches("disputed:").count(), 1, "{text}");
}

#[test]
fn a_rival_that_only_widens_the_candidates_is_a_dispute() {
    // Both claims say the deliberation happened in 2021; the record knows
    // the day, the rival only the year: on 2021-02 the record says
    // proposed, the rival "proposed, or already deliberated".
    let mut pact = Agreement::builder("Pact", india_japan())
        .build(sourced(1, EventKind::Proposed, "2019", "Archive"))
        .unwrap();
    pact.record(sourced(2, EventKind::Deliberated, "2021-03-01", "Ministry"))
        .unwrap();
    pact.dispute(sourced(2, EventKind::Deliberated, "2021", "Press"))
        .unwrap();
    let on = pact.stage_on(date("2021-02"));
    assert_eq!(on.certain, Some(Stage::Proposed));
    assert!(on.disputed, "{on:?}");
    assert!(on.is_possibly_at(Stage::Deliberated));
    assert!(!on.qualified);
    // An approximate rival date bears on the answer as a qualified one.
    let mut pact = Agreement::builder("Pact", india_japan())
        .build(sourced(1, EventKind::Proposed, "2019", "Archive"))
        .unwrap();
    pact.record(sourced(2, EventKind::Deliberated, "2021-03-01", "Ministry"))
        .unwrap();
    pact.dispute(sourced(2, EventKind::Deliberated, "2021-05~", "Press"))
        .unwrap();
    let on = pact.stage_on(date("2021-04"));
    assert!(on.disputed && on.qualified, "{on:?}");
    assert_eq!(on.certain, Some(Stage::Proposed));
    let on = pact.stage_on(date("2022"));
    assert!(on.disputed && on.qualified, "{on:?}");
}

#[test]
fn a_rival_that_only_narrows_what_was_reached_is_a_dispute() {
    // The record: proposed 2019, deliberated 2020. A rival dates the
    // proposal to 2022: on 2021-06 both say deliberated, but only the
    // record says the proposal had come first.
    let mut pact = Agreement::builder("Pact", india_japan())
        .build(sourced(1, EventKind::Proposed, "2019", "Archive"))
        .unwrap();
    pact.record(sourced(2, EventKind::Deliberated, "2020", "Ministry"))
        .unwrap();
    pact.dispute(sourced(1, EventKind::Proposed, "2022", "Press"))
        .unwrap();
    let on = pact.stage_on(date("2021-06"));
    assert!(on.disputed, "{on:?}");
    assert_eq!(on.candidates, bilateral::StageSet::only(Stage::Deliberated));
    assert_eq!(on.certain, Some(Stage::Deliberated));
    assert!(on.has_certainly_reached(Stage::Deliberated));
    assert!(!on.has_certainly_reached(Stage::Proposed));
}

#[test]
fn a_rival_is_ordered_as_the_history_would_order_it_once_kept() {
    // The record: proposed in 2000, deliberated on 2000-01-02. A rival
    // says the first event was the MoI's signature, in 2000. Kept, the
    // history orders the year-precision signature after the deliberation
    // (neither is certainly first, and deliberation comes first in the
    // lifecycle), so that in mid-2000 the rival says "deliberated, or
    // already signed". The disputed answer must allow both.
    let mut pact = Agreement::builder("Pact", india_japan())
        .build(sourced(1, EventKind::Proposed, "2000", "Archive"))
        .unwrap();
    pact.dispute(sourced(1, EventKind::MoiSigned, "2000", "Press"))
        .unwrap();
    pact.record(sourced(2, EventKind::Deliberated, "2000-01-02", "Ministry"))
        .unwrap();
    let mut kept = pact.clone();
    kept.resolve(id(1), 1, "the press had it").unwrap();
    assert_eq!(
        kept.history().map(Event::kind).collect::<Vec<_>>(),
        [EventKind::Deliberated, EventKind::MoiSigned]
    );
    let rival = kept.stage_on(date("2000-06-01"));
    assert_eq!(rival.possible, Some(Stage::MoiSigned));
    let on = pact.stage_on(date("2000-06-01"));
    assert!(on.disputed, "{on:?}");
    assert_eq!(on.certain, Some(Stage::Deliberated));
    assert_eq!(on.possible, Some(Stage::MoiSigned));
    assert!(on.is_possibly_at(Stage::MoiSigned), "{on:?}");
    assert!(on.candidates.union(rival.candidates) == on.candidates);
}

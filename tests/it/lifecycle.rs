//! The standard lifecycle: every stage-to-stage step, accepted or refused.

use crate::common::{event, opened};
use bilateral::agreement::AgreementError;
use bilateral::{EventKind, Policy, Rule, Stage, StageSet};

/// The standard rules written out by hand, independently of `Policy`.
fn expected(from: Stage, to: Stage) -> bool {
    use Stage::*;
    matches!(
        (from, to),
        (Proposed, Deliberated)
            | (Deliberated, Deliberated)
            | (Deliberated, MoiSigned)
            | (MoiSigned, Finalised)
            | (Finalised, Terminated)
            | (Proposed | Deliberated | MoiSigned, Withdrawn)
    )
}

#[test]
fn every_transition_of_the_matrix() {
    let mut accepted = 0;
    for from in Stage::ALL {
        for to in Stage::ALL {
            let mut agreement = opened(EventKind::from(from), "2024-01-10");
            let before = agreement.clone();
            let result = agreement.record(event(2, EventKind::from(to), "2024-02-10"));
            if expected(from, to) {
                accepted += 1;
                assert!(
                    result.is_ok(),
                    "{from} -> {to} should be accepted: {result:?}"
                );
                assert_eq!(agreement.stage(), to);
                assert_eq!(agreement.len(), 2);
            } else {
                let err = result.expect_err(&format!("{from} -> {to} should be refused"));
                let refusal = err.refusal().expect("a lifecycle refusal");
                assert_eq!(refusal.stage(), Some(from));
                let is_final = matches!(from, Stage::Withdrawn | Stage::Terminated);
                match refusal.rule() {
                    Rule::Final { stage } => {
                        assert!(
                            is_final,
                            "{from} -> {to}: only final stages refuse as final"
                        );
                        assert_eq!(*stage, from);
                    }
                    Rule::Transition { from: f, to: t, .. } => {
                        assert!(!is_final);
                        assert_eq!((*f, *t), (from, to));
                    }
                    other => panic!("{from} -> {to}: unexpected rule {other:?}"),
                }
                assert_eq!(
                    agreement, before,
                    "{from} -> {to}: a refused change must change nothing"
                );
            }
        }
    }
    assert_eq!(
        accepted, 8,
        "the standard lifecycle has eight allowed steps"
    );
}

#[test]
fn policy_table_matches_the_matrix() {
    let policy = Policy::standard();
    for from in Stage::ALL {
        for to in Stage::ALL {
            assert_eq!(
                policy.allows(from, to),
                expected(from, to),
                "{from} -> {to}"
            );
            assert_eq!(
                policy.check(Some(from), to).is_ok(),
                expected(from, to),
                "{from} -> {to}"
            );
        }
    }
    assert_eq!(
        policy.final_stages(),
        StageSet::only(Stage::Withdrawn).with(Stage::Terminated)
    );
    assert_eq!(policy.entry_stages(), StageSet::ALL);
    assert_eq!(
        policy.allowed_before(Stage::Withdrawn),
        [Stage::Proposed, Stage::Deliberated, Stage::MoiSigned]
            .into_iter()
            .collect()
    );
}

#[test]
fn a_record_may_open_at_any_stage() {
    for stage in Stage::ALL {
        let agreement = opened(EventKind::from(stage), "2024-11-15");
        assert_eq!(agreement.stage(), stage);
        assert_eq!(agreement.len(), 1);
    }
}

#[test]
fn rule_messages_name_what_the_rule_allows() {
    let policy = Policy::standard();
    let message = |from, to| policy.check(from, to).unwrap_err().to_string();
    assert_eq!(
        message(Some(Stage::Proposed), Stage::MoiSigned),
        "an MoI can only follow deliberation"
    );
    assert_eq!(
        message(Some(Stage::Deliberated), Stage::Finalised),
        "finalisation can only follow an MoI"
    );
    assert_eq!(
        message(Some(Stage::MoiSigned), Stage::Proposed),
        "a proposal can only open a record"
    );
    assert_eq!(
        message(Some(Stage::Finalised), Stage::Withdrawn),
        "withdrawal can only follow a proposal, deliberation or an MoI"
    );
    assert_eq!(
        message(Some(Stage::Terminated), Stage::Finalised),
        "terminated is final"
    );
}

#[test]
fn the_refusal_message_names_agreement_stage_event_date_and_rule() {
    let mut agreement = opened(EventKind::Proposed, "2024-06");
    let err = agreement
        .record(event(2, EventKind::MoiSigned, "2024-11-20"))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot record \"moi-signed\" on 2024-11-20 for agreement \
         \"Reciprocal Provision of Supplies and Services\" (00000000-0000-0000-0000-00000000000a): \
         it is proposed since 2024-06, and under policy \"standard\" an MoI can only follow deliberation"
    );
    let refusal = err.refusal().unwrap();
    assert_eq!(
        refusal.title(),
        "Reciprocal Provision of Supplies and Services"
    );
    assert_eq!(refusal.attempted().unwrap().kind, EventKind::MoiSigned);
    assert_eq!(refusal.refused().date.to_string(), "2024-11-20");
}

#[test]
fn withdrawn_and_terminated_still_take_informational_events() {
    for stage in [Stage::Withdrawn, Stage::Terminated] {
        let mut agreement = opened(EventKind::from(stage), "2020-01-01");
        for (n, kind) in [EventKind::Meeting, EventKind::Statement, EventKind::Note]
            .into_iter()
            .enumerate()
        {
            agreement
                .record(event(10 + n as u128, kind, "2021-01-01"))
                .unwrap();
        }
        assert_eq!(agreement.stage(), stage);
        assert_eq!(agreement.len(), 4);
    }
}

#[test]
fn entry_into_force_only_follows_finalisation_and_only_once() {
    // Before finalisation: refused.
    let mut deliberated = opened(EventKind::Deliberated, "2020-01-01");
    let err = deliberated
        .record(event(2, EventKind::EnteredIntoForce, "2020-02-01"))
        .unwrap_err();
    assert_eq!(err.refusal().unwrap().rule(), &Rule::EntryIntoForce);

    // After finalisation, even on the same day: accepted.
    let mut finalised = opened(EventKind::Finalised, "2020-01-01");
    finalised
        .record(event(2, EventKind::EnteredIntoForce, "2020-01-01"))
        .unwrap();
    assert_eq!(
        finalised.entry_into_force().unwrap().date().to_string(),
        "2020-01-01"
    );

    // A second time: refused, naming the first.
    let err = finalised
        .record(event(3, EventKind::EnteredIntoForce, "2020-03-01"))
        .unwrap_err();
    assert_eq!(
        err.refusal().unwrap().rule(),
        &Rule::AlreadyInForce {
            since: crate::common::date("2020-01-01")
        }
    );

    // After termination: refused.
    let mut terminated = opened(EventKind::Finalised, "2020-01-01");
    terminated
        .record(event(2, EventKind::Terminated, "2021-01-01"))
        .unwrap();
    let err = terminated
        .record(event(3, EventKind::EnteredIntoForce, "2022-01-01"))
        .unwrap_err();
    assert_eq!(err.refusal().unwrap().rule(), &Rule::EntryIntoForce);
    assert!(matches!(err, AgreementError::Refused(_)));
}

/// Every refusal names the events and dates it weighs, in the order they
/// would come: the cases a real-data importer found hard to read.
#[test]
fn a_refusal_names_both_events_it_weighs() {
    use bilateral::EventKind::*;
    let opened_at = |kind, on: &str| crate::common::opened(kind, on);
    let message = |agreement: &mut bilateral::Agreement, n, kind, on: &str| {
        let before = agreement.clone();
        let err = agreement
            .record(crate::common::event(n, kind, on))
            .unwrap_err();
        crate::common::assert_same_agreement(agreement, &before);
        let refusal = err.refusal().expect("a refusal").clone();
        (err.to_string(), refusal)
    };
    // An entry into force dated before the signature.
    let mut signed = opened_at(Finalised, "2002-06-28");
    let (text, refusal) = message(&mut signed, 2, EnteredIntoForce, "2001-01-01");
    assert!(
        text.ends_with(
            ": it would come before the \"finalised\" of 2002-06-28, the first recorded stage, \
             and under policy \"standard\" entry into force can only follow finalisation"
        ),
        "{text}"
    );
    assert_eq!(refusal.before(), None);
    let next = refusal.next().unwrap();
    assert_eq!(
        (next.kind, next.date.to_string()),
        (Finalised, "2002-06-28".to_owned())
    );
    // A termination dated before the signature: the signature would follow it.
    let (text, refusal) = message(&mut signed, 3, Terminated, "2001-01-01");
    assert!(
        text.ends_with(
            ": the \"finalised\" of 2002-06-28 would then come after the \"terminated\" of \
             2001-01-01, and under policy \"standard\" terminated is final"
        ),
        "{text}"
    );
    assert_eq!(refusal.refused().kind, Finalised);
    assert_eq!(refusal.before().map(|step| step.kind), Some(Terminated));
    assert_eq!(refusal.next(), None);
    // An MoI dated before the deliberation it needs.
    let mut deliberated = opened_at(Deliberated, "2002-06-28");
    let (text, _) = message(&mut deliberated, 4, MoiSigned, "2001-01-01");
    assert!(
        text.contains(
            ": the \"deliberated\" of 2002-06-28 would then come after the \"moi-signed\" of 2001-01-01,"
        ),
        "{text}"
    );
    // A step refused at its own place, before a later event, and at the end.
    deliberated
        .record(crate::common::event(5, MoiSigned, "2003-01-01"))
        .unwrap();
    let (text, refusal) = message(&mut deliberated, 6, Proposed, "2002-07-01");
    assert!(
        text.contains(": by then it was deliberated since 2002-06-28, and under policy"),
        "{text}"
    );
    assert_eq!(refusal.next().map(|step| step.kind), Some(MoiSigned));
    let (text, _) = message(&mut deliberated, 7, Deliberated, "2004-01-01");
    assert!(
        text.contains(": it is MoI signed since 2003-01-01, and under policy"),
        "{text}"
    );
}

#[test]
fn a_whole_history_refused_by_a_tracker_names_both_events() {
    // Entering the record at deliberated is fine under the standard policy,
    // not under the strict one, whose records open at proposed; the MoI
    // after it is weighed against the deliberation.
    let mut agreement = crate::common::opened(bilateral::EventKind::Deliberated, "2024-03-05");
    agreement
        .record(crate::common::event(
            2,
            bilateral::EventKind::MoiSigned,
            "2024-11-15",
        ))
        .unwrap();
    let mut strict = bilateral::Tracker::with_policy(bilateral::Policy::strict());
    let err = strict.insert(agreement).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains(
            "invalid history for agreement \"Reciprocal Provision of Supplies and Services\""
        ),
        "{text}"
    );
    let refusal = bilateral::Error::from(err).refusal().cloned().unwrap();
    assert_eq!(refusal.attempted(), None);
    assert_eq!(refusal.before(), None);
    assert_eq!(
        refusal.next().map(|step| step.kind),
        Some(bilateral::EventKind::MoiSigned)
    );
    assert!(strict.is_empty());
}

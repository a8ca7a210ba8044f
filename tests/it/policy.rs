//! Custom lifecycles: policies as data, guards, observers and diagrams.

use std::sync::Mutex;

use crate::common::{date, event, id, india_japan, opened};
use bilateral::agreement::AgreementError;
use bilateral::document::DocumentError;
use bilateral::document::PolicyDocument;
use bilateral::lifecycle::PolicyError;
use bilateral::lifecycle::{
    Action, BothPartiesRepresented, CitesSource, ExactDate, Guards, guard_fn,
};
use bilateral::model::ValueError;
use bilateral::{
    Agreement, Context, Error, Event, EventKind, FixedClock, Policy, Representative, Rule, Source,
    Stage, StageChange, StageSet, SubjectArea, Trigger, Veto,
};

fn singh() -> Representative {
    Representative::new(
        "Rajnath Singh",
        "Minister of Defence",
        "IND".parse().unwrap(),
    )
    .unwrap()
}

fn nakatani() -> Representative {
    Representative::new(
        "Gen Nakatani",
        "Minister of Defense",
        "JPN".parse().unwrap(),
    )
    .unwrap()
}

/// Records `event` on a deliberated agreement under `policy`.
fn record_under(policy: &Policy, event: Event) -> Result<Agreement, Error> {
    let context = Context::standard().with_policy(policy);
    let mut agreement = opened(EventKind::Deliberated, "2020-01-01");
    agreement.record_with(&context, event)?;
    Ok(agreement)
}

/// Errors that may carry a refusal.
trait Refused: std::fmt::Display {
    fn refusal_of(&self) -> Option<&bilateral::Refusal>;
}

impl Refused for Error {
    fn refusal_of(&self) -> Option<&bilateral::Refusal> {
        self.refusal()
    }
}

impl Refused for AgreementError {
    fn refusal_of(&self) -> Option<&bilateral::Refusal> {
        self.refusal()
    }
}

fn veto(err: &impl Refused) -> (&str, &str) {
    match err.refusal_of().map(|refusal| refusal.rule()) {
        Some(Rule::Guard { guard, reason }) => (guard.as_str(), reason.as_str()),
        other => panic!("expected a guard's refusal, got {other:?} from {err}"),
    }
}

fn with_guard(on: Trigger, guard: impl bilateral::Guard + 'static) -> Policy {
    Policy::standard()
        .to_builder()
        .name("guarded")
        .guard(on, guard)
        .build()
        .unwrap()
}

#[test]
fn both_parties_represented_allows_a_signature_by_both() {
    let policy = with_guard(Trigger::Into(Stage::MoiSigned), BothPartiesRepresented);
    let signed = Event::builder(EventKind::MoiSigned, date("2020-02-01"))
        .participants([singh(), nakatani()])
        .build()
        .unwrap();
    assert_eq!(
        record_under(&policy, signed).unwrap().stage(),
        Stage::MoiSigned
    );
}

#[test]
fn both_parties_represented_refuses_a_one_sided_signature() {
    let policy = with_guard(Trigger::Into(Stage::MoiSigned), BothPartiesRepresented);
    let signed = Event::builder(EventKind::MoiSigned, date("2020-02-01"))
        .participant(singh())
        .build()
        .unwrap();
    let err = record_under(&policy, signed).unwrap_err();
    assert_eq!(
        veto(&err),
        (
            "both-parties-represented",
            "a representative of each party must take part, and JPN has none among the participants"
        )
    );
    let nobody = Event::new(EventKind::MoiSigned, date("2020-02-01"));
    let err = record_under(&policy, nobody).unwrap_err();
    assert_eq!(
        veto(&err).1,
        "a representative of each party must take part, and neither IND nor JPN has one among the participants"
    );
}

#[test]
fn cites_source_allows_a_cited_change() {
    let policy = with_guard(Trigger::AnyStageChange, CitesSource);
    let cited = Event::builder(EventKind::Deliberated, date("2020-02-01"))
        .source(Source::new("PIB", "Press release").unwrap())
        .build()
        .unwrap();
    assert!(record_under(&policy, cited).is_ok());
}

#[test]
fn cites_source_refuses_an_uncited_change_but_not_a_meeting() {
    let policy = with_guard(Trigger::AnyStageChange, CitesSource);
    let err = record_under(
        &policy,
        Event::new(EventKind::Deliberated, date("2020-02-01")),
    )
    .unwrap_err();
    assert_eq!(
        veto(&err),
        (
            "cites-source",
            "it cites no source, and every such change must cite one"
        )
    );
    // Informational events are not stage changes: guards do not apply.
    assert!(record_under(&policy, Event::new(EventKind::Meeting, date("2020-02-01"))).is_ok());
}

#[test]
fn exact_date_allows_a_day() {
    let policy = with_guard(Trigger::Into(Stage::MoiSigned), ExactDate);
    assert!(
        record_under(
            &policy,
            Event::new(EventKind::MoiSigned, date("2020-02-01"))
        )
        .is_ok()
    );
}

#[test]
fn exact_date_refuses_a_month_or_an_approximate_day() {
    let policy = with_guard(Trigger::Into(Stage::MoiSigned), ExactDate);
    let err = record_under(&policy, Event::new(EventKind::MoiSigned, date("2020-02"))).unwrap_err();
    assert_eq!(
        veto(&err),
        (
            "exact-date",
            "its date 2020-02 is not an exact day, and such a change must be dated to the day"
        )
    );
    let err = record_under(
        &policy,
        Event::new(EventKind::MoiSigned, date("2020-02-01?")),
    )
    .unwrap_err();
    assert_eq!(veto(&err).0, "exact-date");
}

#[test]
fn a_refusal_by_a_guard_names_the_guard_and_the_policy_and_changes_nothing() {
    let policy = with_guard(Trigger::AnyStageChange, CitesSource);
    let context = Context::standard().with_policy(&policy);
    let mut agreement = opened(EventKind::Deliberated, "2020-01-01");
    let before = agreement.clone();
    let err = agreement
        .record_with(
            &context,
            Event::with_id(id(2), EventKind::MoiSigned, date("2020-02-01")),
        )
        .unwrap_err();
    crate::common::assert_same_agreement(&agreement, &before);
    assert_eq!(err.refusal().unwrap().policy(), "guarded");
    assert!(
        err.to_string().ends_with(
            "it is deliberated since 2020-01-01, and under policy \"guarded\" guard \"cites-source\" refused it: \
             it cites no source, and every such change must cite one"
        ),
        "{err}"
    );
}

#[test]
fn guards_judge_corrections_and_openings() {
    let policy = Policy::standard()
        .to_builder()
        .guard(
            Trigger::Into(Stage::Withdrawn),
            guard_fn("no-2019-withdrawals", |proposal| {
                if proposal.event().date().year_number() == 2019 {
                    Err(Veto::new("nothing was withdrawn in 2019"))
                } else {
                    Ok(())
                }
            }),
        )
        .build()
        .unwrap();
    let context = Context::standard().with_policy(&policy);
    let mut agreement = Agreement::builder("Pact", india_japan())
        .subject(SubjectArea::Trade)
        .build_with(&context, event(1, EventKind::Deliberated, "2019-05-01"))
        .unwrap();
    agreement
        .record_with(&context, event(2, EventKind::Withdrawn, "2020-05-01"))
        .unwrap();
    // Moving the withdrawal into 2019 is a correction the guard refuses.
    let moved = agreement
        .event(id(2))
        .unwrap()
        .to_builder()
        .date(date("2019-06-01"))
        .build()
        .unwrap();
    let err = agreement.correct_with(&context, moved).unwrap_err();
    assert_eq!(veto(&err).1, "nothing was withdrawn in 2019");
    assert_eq!(err.refusal().unwrap().action(), Action::Correct);
    // Opening a record with one is refused too.
    let err = Agreement::builder("Other", india_japan())
        .subject(SubjectArea::Trade)
        .build_with(&context, event(3, EventKind::Withdrawn, "2019-02-02"))
        .unwrap_err();
    assert_eq!(veto(&err).0, "no-2019-withdrawals");
}

#[test]
fn a_guard_sees_the_stage_before_the_event_at_its_place() {
    static SEEN: Mutex<Vec<(Option<Stage>, Stage)>> = Mutex::new(Vec::new());
    let policy = Policy::standard()
        .to_builder()
        .guard(
            Trigger::AnyStageChange,
            guard_fn("spy", |proposal| {
                SEEN.lock().unwrap().push((proposal.from(), proposal.to()));
                Ok(())
            }),
        )
        .build()
        .unwrap();
    let context = Context::standard().with_policy(&policy);
    let mut agreement = Agreement::builder("Pact", india_japan())
        .subject(SubjectArea::Trade)
        .build_with(&context, event(1, EventKind::Proposed, "2019-01-01"))
        .unwrap();
    agreement
        .record_with(&context, event(2, EventKind::MoiSigned, "2019-09-01"))
        .unwrap_err();
    agreement
        .record_with(&context, event(3, EventKind::Deliberated, "2019-05-01"))
        .unwrap();
    agreement
        .record_with(&context, event(4, EventKind::Deliberated, "2019-03-01"))
        .unwrap();
    let seen = SEEN.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            (None, Stage::Proposed),
            (Some(Stage::Proposed), Stage::Deliberated),
            // Inserted before the May round: judged from the proposal.
            (Some(Stage::Proposed), Stage::Deliberated),
        ]
    );
}

#[test]
fn a_custom_policy_can_skip_the_moi() {
    let skip = Policy::standard()
        .to_builder()
        .name("skip-moi")
        .allow(Stage::Deliberated, Stage::Finalised)
        .build()
        .unwrap();
    assert!(skip.allows(Stage::Deliberated, Stage::Finalised));
    let finalised =
        record_under(&skip, Event::new(EventKind::Finalised, date("2020-03-01"))).unwrap();
    assert_eq!(finalised.stage(), Stage::Finalised);
    // The standard policy still refuses it.
    let err = record_under(
        &Policy::standard(),
        Event::new(EventKind::Finalised, date("2020-03-01")),
    )
    .unwrap_err();
    assert!(matches!(
        err.refusal().unwrap().rule(),
        Rule::Transition { .. }
    ));
}

#[test]
fn a_forbidden_transition_is_refused_naming_the_policy() {
    let no_rounds = Policy::standard()
        .to_builder()
        .name("one-round")
        .forbid(Stage::Deliberated, Stage::Deliberated)
        .build()
        .unwrap();
    let err = record_under(
        &no_rounds,
        Event::new(EventKind::Deliberated, date("2020-03-01")),
    )
    .unwrap_err();
    assert!(
        err.to_string().ends_with(
            "it is deliberated since 2020-01-01, and under policy \"one-round\" deliberation can only follow a proposal"
        ),
        "{err}"
    );
}

#[test]
fn the_strict_policy_opens_records_only_at_proposed() {
    let strict = Policy::strict();
    assert_eq!(strict.entry_stages(), StageSet::only(Stage::Proposed));
    let context = Context::standard().with_policy(&strict);
    let err = Agreement::builder("Pact", india_japan())
        .subject(SubjectArea::Trade)
        .build_with(&context, event(1, EventKind::MoiSigned, "2020-01-01"))
        .unwrap_err();
    assert!(matches!(
        err.refusal().unwrap().rule(),
        Rule::Entry {
            stage: Stage::MoiSigned,
            ..
        }
    ));
    assert!(
        err.to_string()
            .ends_with("under policy \"strict\" a record can only open at proposed"),
        "{err}"
    );
    assert!(
        Agreement::builder("Pact", india_japan())
            .subject(SubjectArea::Trade)
            .build_with(&context, event(1, EventKind::Proposed, "2020-01-01"))
            .is_ok()
    );
}

#[test]
fn inconsistent_policies_are_refused_at_construction() {
    let err = Policy::standard()
        .to_builder()
        .entry_stages(StageSet::EMPTY)
        .build()
        .unwrap_err();
    assert!(matches!(&err, PolicyError::NoEntryStage { policy, .. } if policy == "standard"));

    let err = Policy::standard()
        .to_builder()
        .allow(Stage::Terminated, Stage::Finalised)
        .build()
        .unwrap_err();
    assert!(matches!(
        &err,
        PolicyError::TransitionFromFinal { policy, from: Stage::Terminated, to: Stage::Finalised, .. }
            if policy == "standard"
    ));
    assert_eq!(
        err.to_string(),
        "policy \"standard\" lets finalised follow terminated, but terminated is final"
    );

    let err = Policy::strict()
        .to_builder()
        .forbid(Stage::Deliberated, Stage::MoiSigned)
        .build()
        .unwrap_err();
    assert!(matches!(
        &err,
        PolicyError::UnreachableStage { policy, stage: Stage::MoiSigned, .. } if policy == "strict"
    ));

    let err = Policy::standard()
        .to_builder()
        .guard(
            Trigger::Transition {
                from: Stage::Proposed,
                to: Stage::Finalised,
            },
            CitesSource,
        )
        .build()
        .unwrap_err();
    assert!(
        matches!(err, PolicyError::GuardOnForbiddenStep { .. }),
        "{err}"
    );

    let err = Policy::standard()
        .to_builder()
        .guard(Trigger::AnyStageChange, guard_fn("Bad Name", |_| Ok(())))
        .build()
        .unwrap_err();
    assert!(matches!(err, PolicyError::GuardName { .. }), "{err}");

    let err = Policy::standard()
        .to_builder()
        .name("  ")
        .build()
        .unwrap_err();
    assert!(matches!(
        err,
        PolicyError::Value(ValueError::Blank {
            field: bilateral::model::Field::PolicyName,
            ..
        })
    ));
}

#[test]
fn policies_round_trip_through_json() {
    let custom = Policy::strict()
        .to_builder()
        .name("think-tank")
        .allow(Stage::Deliberated, Stage::Finalised)
        .guard(Trigger::AnyStageChange, CitesSource)
        .guard(Trigger::Into(Stage::Finalised), BothPartiesRepresented)
        .guard(
            Trigger::Transition {
                from: Stage::MoiSigned,
                to: Stage::Finalised,
            },
            ExactDate,
        )
        .build()
        .unwrap();
    for policy in [Policy::standard(), Policy::strict(), custom] {
        let text = serde_json::to_string(&policy).unwrap();
        let back: Policy = serde_json::from_str(&text).unwrap();
        assert_eq!(back, policy, "{text}");
    }
    let doc = serde_json::to_value(Policy::strict()).unwrap();
    assert_eq!(doc["entry"], serde_json::json!(["proposed"]));
    assert_eq!(
        doc["transitions"][0],
        serde_json::json!({"from": "proposed", "to": "deliberated"})
    );
}

#[test]
fn policy_documents_are_refused_when_inconsistent_or_naming_unknown_guards() {
    let edited = |edit: &dyn Fn(&mut serde_json::Value)| -> PolicyDocument {
        let mut doc = serde_json::to_value(PolicyDocument::from(&Policy::standard())).unwrap();
        edit(&mut doc);
        serde_json::from_value(doc).unwrap()
    };
    let doc = edited(&|d| {
        d["transitions"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"from": "withdrawn", "to": "proposed"}))
    });
    assert!(matches!(
        Policy::try_from(doc),
        Err(DocumentError::Policy {
            source: PolicyError::TransitionFromFinal { .. },
            ..
        })
    ));

    let doc =
        edited(&|d| d["guards"] = serde_json::json!([{"on": "*", "guard": "logistics-only"}]));
    let err = Policy::try_from(doc.clone()).unwrap_err();
    assert!(
        matches!(&err, DocumentError::Policy { source: PolicyError::UnknownGuard { name, .. }, path, .. } if name == "logistics-only" && path == "guards[0].guard"),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("the known guards are both-parties-represented, cites-source, exact-date"),
        "{err}"
    );
    // Through serde the same message reaches the caller.
    let text = serde_json::to_string(&doc).unwrap();
    let err = serde_json::from_str::<Policy>(&text).unwrap_err();
    assert!(
        err.to_string().contains("unknown guard \"logistics-only\""),
        "{err}"
    );

    // Registered, it loads.
    let mut guards = Guards::builtin();
    guards
        .register(guard_fn("logistics-only", |_| Ok(())))
        .unwrap();
    let policy = doc.into_policy(&guards).unwrap();
    assert_eq!(
        policy
            .guards()
            .map(|(on, guard)| (on, guard.name().to_owned()))
            .collect::<Vec<_>>(),
        [(Trigger::AnyStageChange, "logistics-only".to_owned())]
    );

    let doc = edited(&|d| d["entry"] = serde_json::json!(["signed"]));
    assert!(matches!(
        Policy::try_from(doc),
        Err(DocumentError::Value {
            source: ValueError::Unknown { .. },
            ..
        })
    ));
    let doc = edited(&|d| {
        d["guards"] = serde_json::json!([{"on": "proposed->nowhere", "guard": "cites-source"}])
    });
    assert!(matches!(
        Policy::try_from(doc),
        Err(DocumentError::Value {
            source: ValueError::Unknown { .. },
            ..
        })
    ));
}

#[test]
fn observers_hear_every_accepted_stage_change_and_nothing_else() {
    let heard: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let observer = |change: &StageChange<'_>| {
        heard.lock().unwrap().push(format!(
            "{:?} {} {:?}->{}",
            change.receipt.action,
            change.event.kind(),
            change.receipt.before,
            change.receipt.after
        ));
    };
    let clock = FixedClock::new("2024-11-23T00:00:00Z".parse().unwrap());
    let policy = Policy::standard();
    let context = Context::new(&policy, &clock).with_observer(&observer);
    let mut agreement = Agreement::builder("Pact", india_japan())
        .subject(SubjectArea::Trade)
        .build_with(&context, event(1, EventKind::Proposed, "2024-01-01"))
        .unwrap();
    agreement
        .record_with(&context, event(2, EventKind::Deliberated, "2024-03-01"))
        .unwrap();
    agreement
        .record_with(&context, event(3, EventKind::Meeting, "2024-04-01"))
        .unwrap();
    let before = agreement.clone();
    agreement
        .record_with(&context, event(4, EventKind::Finalised, "2024-05-01"))
        .unwrap_err();
    crate::common::assert_same_agreement(&agreement, &before);
    agreement
        .record_with(&context, event(5, EventKind::Deliberated, "2024-02-01"))
        .unwrap();
    let fixed = agreement
        .event(id(2))
        .unwrap()
        .to_builder()
        .kind(EventKind::Withdrawn)
        .build()
        .unwrap();
    agreement.correct_with(&context, fixed).unwrap();
    agreement
        .retract_with(&context, id(2), "no withdrawal after all")
        .unwrap();
    assert_eq!(
        *heard.lock().unwrap(),
        [
            "Record proposed None->proposed",
            "Record deliberated Some(Proposed)->deliberated",
            "Record deliberated Some(Deliberated)->deliberated",
            "Correct withdrawn Some(Deliberated)->withdrawn",
            "Retract withdrawn Some(Withdrawn)->deliberated",
        ]
    );
}

#[test]
fn diagrams_of_the_standard_policy() {
    let mermaid = Policy::standard().mermaid().to_string();
    assert_eq!(
        mermaid,
        "stateDiagram-v2\n\
         \x20   state \"proposed\" as Proposed\n\
         \x20   state \"deliberated\" as Deliberated\n\
         \x20   state \"MoI signed\" as MoiSigned\n\
         \x20   state \"finalised\" as Finalised\n\
         \x20   state \"withdrawn\" as Withdrawn\n\
         \x20   state \"terminated\" as Terminated\n\
         \x20   [*] --> Proposed\n\
         \x20   [*] --> Deliberated\n\
         \x20   [*] --> MoiSigned\n\
         \x20   [*] --> Finalised\n\
         \x20   [*] --> Withdrawn\n\
         \x20   [*] --> Terminated\n\
         \x20   Proposed --> Deliberated\n\
         \x20   Proposed --> Withdrawn\n\
         \x20   Deliberated --> Deliberated\n\
         \x20   Deliberated --> MoiSigned\n\
         \x20   Deliberated --> Withdrawn\n\
         \x20   MoiSigned --> Finalised\n\
         \x20   MoiSigned --> Withdrawn\n\
         \x20   Finalised --> Terminated\n\
         \x20   Withdrawn --> [*]\n\
         \x20   Terminated --> [*]\n"
    );
    assert_eq!(
        Policy::standard().dot().to_string(),
        "digraph \"standard\" {\n\
         \x20   rankdir=LR;\n\
         \x20   node [shape=box, style=rounded];\n\
         \x20   \"[entry]\" [shape=point];\n\
         \x20   \"proposed\" [label=\"proposed\"];\n\
         \x20   \"deliberated\" [label=\"deliberated\"];\n\
         \x20   \"moi-signed\" [label=\"MoI signed\"];\n\
         \x20   \"finalised\" [label=\"finalised\"];\n\
         \x20   \"withdrawn\" [label=\"withdrawn\", peripheries=2];\n\
         \x20   \"terminated\" [label=\"terminated\", peripheries=2];\n\
         \x20   \"[entry]\" -> \"proposed\";\n\
         \x20   \"[entry]\" -> \"deliberated\";\n\
         \x20   \"[entry]\" -> \"moi-signed\";\n\
         \x20   \"[entry]\" -> \"finalised\";\n\
         \x20   \"[entry]\" -> \"withdrawn\";\n\
         \x20   \"[entry]\" -> \"terminated\";\n\
         \x20   \"proposed\" -> \"deliberated\";\n\
         \x20   \"proposed\" -> \"withdrawn\";\n\
         \x20   \"deliberated\" -> \"deliberated\";\n\
         \x20   \"deliberated\" -> \"moi-signed\";\n\
         \x20   \"deliberated\" -> \"withdrawn\";\n\
         \x20   \"moi-signed\" -> \"finalised\";\n\
         \x20   \"moi-signed\" -> \"withdrawn\";\n\
         \x20   \"finalised\" -> \"terminated\";\n\
         }\n"
    );
    // The crate docs show the same diagram.
    let source = include_str!("../../src/lifecycle/policy.rs");
    let start = source.find("/// ```mermaid\n").unwrap() + "/// ```mermaid\n".len();
    let end = start + source[start..].find("/// ```").unwrap();
    let documented: String = source[start..end]
        .lines()
        .map(|line| format!("{}\n", &line[4..]))
        .collect();
    assert_eq!(documented, mermaid);
}

#[test]
fn diagrams_label_edges_with_their_guards() {
    let policy = Policy::strict()
        .to_builder()
        .name("say \"hi\"")
        .allow(Stage::Deliberated, Stage::Finalised)
        .guard(Trigger::AnyStageChange, CitesSource)
        .guard(Trigger::Into(Stage::Finalised), BothPartiesRepresented)
        .build()
        .unwrap();
    let mermaid = policy.mermaid().to_string();
    assert!(
        mermaid.contains("    [*] --> Proposed : cites-source\n"),
        "{mermaid}"
    );
    assert!(
        mermaid
            .contains("    Deliberated --> Finalised : cites-source, both-parties-represented\n"),
        "{mermaid}"
    );
    let dot = policy.dot().to_string();
    assert!(dot.starts_with("digraph \"say \\\"hi\\\"\" {\n"), "{dot}");
    assert!(dot.contains("    \"deliberated\" -> \"finalised\" [label=\"cites-source, both-parties-represented\"];\n"), "{dot}");
}

#[test]
fn the_most_permissive_policy_round_trips_through_its_document() {
    // Every stage that is not final may be followed by every stage: 24
    // transitions, within the limit of one per pair of stages.
    let mut builder = Policy::standard().to_builder().name("permissive");
    for from in [
        Stage::Proposed,
        Stage::Deliberated,
        Stage::MoiSigned,
        Stage::Finalised,
    ] {
        for to in Stage::ALL {
            builder = builder.allow(from, to);
        }
    }
    let policy = builder.build().unwrap();
    assert_eq!(policy.transitions().count(), 24);
    let text = serde_json::to_string(&PolicyDocument::from(&policy)).unwrap();
    let back = serde_json::from_str::<PolicyDocument>(&text)
        .unwrap()
        .into_policy(&bilateral::lifecycle::Guards::builtin())
        .unwrap();
    assert_eq!(back, policy);
}

#[test]
fn guards_vetoes_and_proposals_show_what_they_hold() {
    static SHOWN: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let spy = guard_fn("spy", |proposal| {
        SHOWN.lock().unwrap().push(format!("{proposal:?}"));
        Err(Veto::new("not on my watch"))
    });
    assert_eq!(format!("{spy:?}"), "FnGuard { name: \"spy\" }");
    assert_eq!(Veto::new("not on my watch").to_string(), "not on my watch");
    let policy = Policy::standard()
        .to_builder()
        .name("watched")
        .guard(Trigger::Into(Stage::Deliberated), spy)
        .build()
        .unwrap();
    let context = Context::standard().with_policy(&policy);
    let mut agreement = Agreement::builder("Pact", india_japan())
        .subject(SubjectArea::Trade)
        .build_with(&context, event(1, EventKind::Proposed, "2019-01-01"))
        .unwrap();
    let err = agreement
        .record_with(&context, event(2, EventKind::Deliberated, "2019-05-01"))
        .unwrap_err();
    assert!(
        err.to_string()
            .ends_with("guard \"spy\" refused it: not on my watch"),
        "{err}"
    );
    let shown = SHOWN.lock().unwrap().clone();
    assert_eq!(shown.len(), 1);
    assert!(
        shown[0].starts_with(&format!(
            "Proposal {{ agreement: {:?}, title: \"Pact\", event: ",
            agreement.id()
        )),
        "{}",
        shown[0]
    );
    assert!(
        shown[0].ends_with("from: Some(Proposed), to: Deliberated }"),
        "{}",
        shown[0]
    );
}

#[test]
fn a_guard_registry_debugs_as_its_names() {
    let guards = Guards::builtin();
    let shown = format!("{guards:?}");
    for name in guards.names() {
        assert!(shown.contains(&format!("{name:?}")), "{shown}");
    }
    assert!(shown.starts_with('{') && shown.ends_with('}'), "{shown}");
}

#[test]
fn a_builder_removes_the_guard_named_and_keeps_the_others() {
    let builder = Policy::standard()
        .to_builder()
        .name("two-guards")
        .guard(Trigger::Into(Stage::Finalised), BothPartiesRepresented)
        .guard(Trigger::AnyStageChange, CitesSource);
    let shown = format!("{builder:?}");
    assert!(
        shown.starts_with("PolicyBuilder { name: \"two-guards\", next: ")
            && shown.ends_with("guards: 2, implementing_across_parties: false }"),
        "{shown}"
    );
    let policy = builder.remove_guard("cites-source").build().unwrap();
    let names: Vec<&str> = policy.guards().map(|(_, guard)| guard.name()).collect();
    assert_eq!(names, ["both-parties-represented"]);
}

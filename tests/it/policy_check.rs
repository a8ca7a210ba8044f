//! Policy checking: paths, reachability, properties over every history,
//! counterexamples, policy diffs, and the testing helpers. Every answer of
//! the checker is compared with a brute-force enumeration of the histories a
//! policy allows.

use std::collections::BTreeSet;

use bilateral::lifecycle::{
    BothPartiesRepresented, CitesSource, Counterexample, ExactDate, Path, Property, guard_fn,
};
use bilateral::testing::{PolicyCheck, Scenario, scenario_code};
use bilateral::{ErrorKind, EventKind, Policy, Stage, StageSet, Trigger, Veto};
use proptest::prelude::*;

use crate::common::india_japan;

use Stage::{Deliberated, Finalised, MoiSigned, Proposed, Terminated, Withdrawn};

/// The ministry's policy of `examples/custom_tracker.rs`: finalising
/// straight after deliberation is allowed for logistics agreements only (a
/// guard of its own), and finalisation needs both parties represented.
fn ministry() -> Policy {
    Policy::standard()
        .to_builder()
        .name("ministry")
        .allow(Deliberated, Finalised)
        .guard(
            Trigger::Transition {
                from: Deliberated,
                to: Finalised,
            },
            guard_fn("logistics-only", |proposal| {
                if proposal.covers(&bilateral::SubjectArea::Logistics) {
                    Ok(())
                } else {
                    Err(Veto::new("only logistics agreements may skip the MoI"))
                }
            }),
        )
        .guard(Trigger::Into(Finalised), BothPartiesRepresented)
        .build()
        .unwrap()
}

/// Every transition a policy may have: from each stage that is not final
/// to every stage, and records opening anywhere.
fn everything() -> Policy {
    let mut builder = Policy::builder("everything").entry_stages(StageSet::ALL);
    for from in [Proposed, Deliberated, MoiSigned, Finalised] {
        for to in Stage::ALL {
            builder = builder.allow(from, to);
        }
    }
    builder.build().unwrap()
}

fn path(text: &str) -> Path {
    text.parse().unwrap()
}

fn texts(paths: impl IntoIterator<Item = Path>) -> Vec<String> {
    paths.into_iter().map(|path| path.to_string()).collect()
}

// ---- brute force -------------------------------------------------------

/// Every path the policy allows from `starts`, with at most `max_len`
/// stages, by extending sequences one stage at a time.
fn all_paths(policy: &Policy, starts: StageSet, max_len: usize) -> Vec<Vec<Stage>> {
    all_paths_within(policy, starts, max_len, usize::MAX)
}

/// [`all_paths`], each stage at most `rounds` times.
fn all_paths_within(
    policy: &Policy,
    starts: StageSet,
    max_len: usize,
    rounds: usize,
) -> Vec<Vec<Stage>> {
    let mut done = Vec::new();
    let mut layer: Vec<Vec<Stage>> = if max_len == 0 {
        Vec::new()
    } else {
        starts.iter().map(|stage| vec![stage]).collect()
    };
    while !layer.is_empty() {
        let mut next = Vec::new();
        for seq in layer {
            if seq.len() < max_len {
                for to in Stage::ALL {
                    if policy.allows(*seq.last().unwrap(), to)
                        && seq.iter().filter(|s| **s == to).count() < rounds
                    {
                        let mut longer = seq.clone();
                        longer.push(to);
                        next.push(longer);
                    }
                }
            }
            done.push(seq);
        }
        layer = next;
    }
    done
}

/// What can be reached from `from` in one step or more, by iterating the
/// table until nothing is added.
fn closure(policy: &Policy, from: Stage) -> StageSet {
    let mut reached: StageSet = Stage::ALL
        .into_iter()
        .filter(|to| policy.allows(from, *to))
        .collect();
    loop {
        let more: StageSet = Stage::ALL
            .into_iter()
            .filter(|to| reached.contains(*to) || reached.iter().any(|via| policy.allows(via, *to)))
            .collect();
        if more == reached {
            return reached;
        }
        reached = more;
    }
}

/// Whether the history `seq` (from where a record opens) breaks `property`,
/// read straight from the property's definition.
fn breaks(policy: &Policy, property: Property, seq: &[Stage]) -> bool {
    let positions = 0..seq.len();
    match property {
        Property::EveryPathPasses { to, through } => positions
            .clone()
            .any(|i| i >= 1 && seq[i] == to && !seq[..=i].contains(&through)),
        Property::Reachable { target, from } => seq.iter().any(|stage| {
            from.contains(*stage) && *stage != target && !closure(policy, *stage).contains(target)
        }),
        Property::Unreachable { target, from } => positions
            .clone()
            .any(|i| from.contains(seq[i]) && seq[i..].contains(&target)),
        Property::NothingFollows(stage) => seq[..seq.len() - 1].contains(&stage),
        Property::NeverOpensAt(stage) => seq[0] == stage,
        Property::NeverAfter { later, earlier } => positions
            .clone()
            .any(|i| seq[i] == earlier && seq[i + 1..].contains(&later)),
        Property::AtMost { stage, times } => {
            seq.iter().filter(|s| **s == stage).count() > usize::from(times)
        }
        _ => unreachable!("a property this test does not know"),
    }
}

fn stages_of(path: &Path) -> Vec<Stage> {
    path.stages().collect()
}

/// Checks `verify`'s answer against brute force: a counterexample is
/// allowed, breaks the property, and no shorter history does; a property
/// kept is broken by no history of up to `max_len` stages.
fn check_against_brute_force(policy: &Policy, property: Property, max_len: usize) {
    match policy.verify(property) {
        Err(no) => {
            let story = stages_of(no.story());
            assert!(
                policy.allows_path(no.story()),
                "{no}: the story is not allowed"
            );
            assert!(breaks(policy, property, &story), "{no}: the story keeps it");
            let shorter = all_paths(policy, policy.entry_stages(), story.len() - 1);
            let found = shorter.iter().find(|seq| breaks(policy, property, seq));
            assert!(
                found.is_none(),
                "{no}: a shorter history breaks it: {found:?}"
            );
            assert_eq!(no.property(), property);
            assert_eq!(no.policy(), policy);
        }
        Ok(()) => {
            let found = all_paths(policy, policy.entry_stages(), max_len)
                .into_iter()
                .find(|seq| breaks(policy, property, seq));
            assert!(
                found.is_none(),
                "{:?} keeps \"{property}\" by verify, but {found:?} breaks it",
                policy.name()
            );
        }
    }
}

fn every_property() -> Vec<Property> {
    let mut all = Vec::new();
    for a in Stage::ALL {
        all.push(Property::NothingFollows(a));
        all.push(Property::NeverOpensAt(a));
        for times in 0..3 {
            all.push(Property::AtMost { stage: a, times });
        }
        for b in Stage::ALL {
            all.push(Property::EveryPathPasses { to: a, through: b });
            all.push(Property::NeverAfter {
                later: a,
                earlier: b,
            });
            all.push(Property::Reachable {
                target: a,
                from: StageSet::only(b),
            });
            all.push(Property::Unreachable {
                target: a,
                from: StageSet::only(b),
            });
        }
        all.push(Property::Reachable {
            target: a,
            from: StageSet::ALL,
        });
    }
    all
}

// ---- paths and reachability ---------------------------------------------

#[test]
fn paths_between_two_stages_repeat_a_stage_as_many_rounds_as_allowed() {
    let standard = Policy::standard();
    assert_eq!(
        texts(standard.paths(Proposed, Finalised)),
        [
            "proposed -> deliberated -> deliberated -> moi-signed -> finalised",
            "proposed -> deliberated -> moi-signed -> finalised",
        ]
    );
    assert_eq!(
        texts(standard.paths(Proposed, Finalised).rounds(1)),
        ["proposed -> deliberated -> moi-signed -> finalised"]
    );
    // No rounds at all would allow no path: one is the least.
    assert_eq!(
        texts(standard.paths(Proposed, Finalised).rounds(0)),
        ["proposed -> deliberated -> moi-signed -> finalised"]
    );
    assert_eq!(
        texts(standard.paths(Proposed, Deliberated).rounds(3)),
        [
            "proposed -> deliberated",
            "proposed -> deliberated -> deliberated",
            "proposed -> deliberated -> deliberated -> deliberated",
        ]
    );
    assert_eq!(texts(standard.paths(Finalised, Finalised)), ["finalised"]);
    assert_eq!(standard.paths(Withdrawn, Proposed).count(), 0);
    assert_eq!(standard.paths(Terminated, Finalised).count(), 0);
    // A fused iterator: done is done.
    let mut paths = standard.paths(Finalised, Terminated);
    assert_eq!(paths.next(), Some(path("finalised -> terminated")));
    assert_eq!(paths.next(), None);
    assert_eq!(paths.next(), None);
}

#[test]
fn paths_from_a_stage_run_to_where_nothing_follows() {
    assert_eq!(
        texts(Policy::standard().paths_from(Proposed).rounds(1)),
        [
            "proposed -> deliberated -> moi-signed -> finalised -> terminated",
            "proposed -> deliberated -> moi-signed -> withdrawn",
            "proposed -> deliberated -> withdrawn",
            "proposed -> withdrawn",
        ]
    );
    assert_eq!(
        texts(Policy::standard().paths_from(Withdrawn)),
        ["withdrawn"]
    );
}

#[test]
fn paths_agree_with_brute_force_on_every_policy() {
    for policy in [
        Policy::standard(),
        Policy::strict(),
        ministry(),
        everything(),
    ] {
        for rounds in 1..=2u8 {
            let max_len = Stage::COUNT * usize::from(rounds);
            let all = all_paths_within(&policy, StageSet::ALL, max_len, usize::from(rounds));
            for from in Stage::ALL {
                for to in Stage::ALL {
                    let found: Vec<Vec<Stage>> = policy
                        .paths(from, to)
                        .rounds(rounds)
                        .map(|path| stages_of(&path))
                        .collect();
                    let unique: BTreeSet<_> = found.iter().cloned().collect();
                    assert_eq!(unique.len(), found.len(), "a path listed twice");
                    let expected: BTreeSet<Vec<Stage>> = all
                        .iter()
                        .filter(|seq| {
                            seq[0] == from
                                && *seq.last().unwrap() == to
                                && Stage::ALL.iter().all(|s| {
                                    seq.iter().filter(|x| *x == s).count() <= usize::from(rounds)
                                })
                        })
                        .cloned()
                        .collect();
                    assert_eq!(unique, expected, "{} {from} -> {to}", policy.name());
                }
                let finals = policy.final_stages();
                let complete: BTreeSet<Vec<Stage>> = policy
                    .paths_from(from)
                    .rounds(rounds)
                    .map(|path| stages_of(&path))
                    .collect();
                assert!(
                    complete
                        .iter()
                        .all(|seq| finals.contains(*seq.last().unwrap()))
                );
                let expected = (Stage::ALL.into_iter())
                    .filter(|to| finals.contains(*to))
                    .flat_map(|to| policy.paths(from, to).rounds(rounds))
                    .map(|path| stages_of(&path))
                    .collect::<BTreeSet<_>>();
                assert_eq!(complete, expected);
            }
        }
    }
}

#[test]
fn reachable_stages_and_shortest_paths_agree_with_brute_force() {
    for policy in [
        Policy::standard(),
        Policy::strict(),
        ministry(),
        everything(),
    ] {
        let all = all_paths(&policy, StageSet::ALL, Stage::COUNT + 1);
        for from in Stage::ALL {
            assert_eq!(policy.reachable_from(from), closure(&policy, from));
            for to in Stage::ALL {
                let shortest = all
                    .iter()
                    .filter(|seq| seq[0] == from && *seq.last().unwrap() == to)
                    .map(Vec::len)
                    .min();
                let found = policy.shortest_path(from, to);
                assert_eq!(
                    found.as_ref().map(|path| path.stages().len()),
                    shortest,
                    "{} {from} -> {to}",
                    policy.name()
                );
                if let Some(found) = found {
                    assert_eq!((found.start(), found.end()), (from, to));
                    assert!(found.transitions().all(|(a, b)| policy.allows(a, b)));
                }
            }
            let each: Vec<Stage> = policy.shortest_paths(from).iter().map(Path::end).collect();
            let mut expected = vec![from];
            expected.extend(closure(&policy, from).without(from));
            assert_eq!(each, expected);
        }
    }
}

#[test]
fn shortest_paths_prefer_the_earlier_stages_on_a_tie() {
    let standard = Policy::standard();
    assert_eq!(
        texts(standard.shortest_paths(Deliberated)),
        [
            "deliberated",
            "deliberated -> moi-signed",
            "deliberated -> moi-signed -> finalised",
            "deliberated -> withdrawn",
            "deliberated -> moi-signed -> finalised -> terminated",
        ]
    );
    // Two ways of two steps to finalised: through deliberated comes first.
    let two_ways = everything()
        .to_builder()
        .forbid(Proposed, Finalised)
        .build()
        .unwrap();
    assert_eq!(
        two_ways.shortest_path(Proposed, Finalised),
        Some(path("proposed -> deliberated -> finalised"))
    );
}

#[test]
fn a_path_is_allowed_when_it_opens_at_an_entry_stage_and_each_step_is_allowed() {
    let strict = Policy::strict();
    assert!(strict.allows_path(&path("proposed -> deliberated -> moi-signed")));
    assert!(!strict.allows_path(&path("deliberated -> moi-signed")));
    assert!(!strict.allows_path(&path("proposed -> moi-signed")));
    assert!(!strict.allows_path(&path("proposed -> deliberated -> finalised")));
    assert!(strict.allows_path(&path("proposed")));
}

#[test]
fn a_path_reads_and_writes_its_stages() {
    let p = Path::new(Proposed).then(Deliberated).then(Deliberated);
    assert_eq!(p.to_string(), "proposed -> deliberated -> deliberated");
    assert_eq!(p.steps(), [Deliberated, Deliberated]);
    assert_eq!(
        p.transitions().collect::<Vec<_>>(),
        [(Proposed, Deliberated), (Deliberated, Deliberated)]
    );
    assert_eq!(
        (p.count(Deliberated), p.count(Proposed), p.count(Finalised)),
        (2, 1, 0)
    );
    assert!(p.contains(Proposed) && p.contains(Deliberated) && !p.contains(MoiSigned));
    assert_eq!(Path::new(Withdrawn).end(), Withdrawn);
    assert_eq!(
        "MoI signed->finalised".parse::<Path>().unwrap(),
        path("moi-signed -> finalised")
    );
    assert_eq!(Path::try_from("proposed").unwrap(), Path::new(Proposed));
    let err = "proposed -> sealed".parse::<Path>().unwrap_err();
    assert!(err.to_string().contains("sealed"), "{err}");
    assert!("".parse::<Path>().is_err());
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(json, "\"proposed -> deliberated -> deliberated\"");
    assert_eq!(serde_json::from_str::<Path>(&json).unwrap(), p);
    assert!(serde_json::from_str::<Path>("\"proposed -> x\"").is_err());
}

#[test]
fn a_path_as_a_history_is_one_stage_change_a_day() {
    let history = path("proposed -> deliberated -> moi-signed").history();
    let kinds: Vec<EventKind> = history.iter().map(|e| e.kind()).collect();
    assert_eq!(
        kinds,
        [
            EventKind::Proposed,
            EventKind::Deliberated,
            EventKind::MoiSigned
        ]
    );
    let dates: Vec<String> = history.iter().map(|e| e.date().to_string()).collect();
    assert_eq!(dates, ["2000-01-01", "2000-01-02", "2000-01-03"]);
    assert_eq!(
        history,
        path("proposed -> deliberated -> moi-signed").history()
    );
    let ids: Vec<String> = history.iter().map(|e| e.id().to_string()).collect();
    assert_eq!(
        ids,
        [
            "c0000000-0000-0000-0000-000000000000",
            "c0000000-0000-0000-0000-000000000001",
            "c0000000-0000-0000-0000-000000000002",
        ]
    );
    Scenario::new(Policy::strict())
        .given_events(history)
        .then_stage(MoiSigned);
}

// ---- properties ---------------------------------------------------------

fn broken(policy: &Policy, property: Property) -> Counterexample {
    policy.verify(property).unwrap_err()
}

#[test]
fn every_path_to_finalised_passes_the_moi_unless_the_ministry_skips_it() {
    let property = Property::EveryPathPasses {
        to: Finalised,
        through: MoiSigned,
    };
    assert_eq!(Policy::standard().verify(property), Ok(()));
    assert_eq!(Policy::strict().verify(property), Ok(()));
    let no = broken(&ministry(), property);
    assert_eq!(no.story(), &path("deliberated -> finalised"));
    assert_eq!(
        no.to_string(),
        "policy \"ministry\" breaks \"every path to finalised passes moi-signed\": \
         deliberated -> finalised reaches finalised without passing moi-signed"
    );
    // The ministry's own guard may refuse the story: it is named.
    assert_eq!(no.opaque_guards(), ["logistics-only"]);
    // Under strict rules the same change is found from a proposal.
    let strict_ministry = ministry()
        .to_builder()
        .entry_stages(StageSet::only(Proposed))
        .build()
        .unwrap();
    assert_eq!(
        broken(&strict_ministry, property).story(),
        &path("proposed -> deliberated -> finalised")
    );
}

#[test]
fn withdrawal_stays_reachable_until_finalisation() {
    let before_finalised = StageSet::from([Proposed, Deliberated, MoiSigned]);
    let property = Property::Reachable {
        target: Withdrawn,
        from: before_finalised,
    };
    for policy in [Policy::standard(), Policy::strict(), ministry()] {
        assert_eq!(policy.verify(property), Ok(()), "{}", policy.name());
    }
    let late = Property::Reachable {
        target: Withdrawn,
        from: before_finalised.with(Finalised),
    };
    let no = broken(&Policy::strict(), late);
    assert_eq!(
        no.story(),
        &path("proposed -> deliberated -> moi-signed -> finalised")
    );
    assert_eq!(
        no.to_string(),
        "policy \"strict\" breaks \"withdrawn is reachable from proposed, deliberated, moi-signed, finalised\": \
         after proposed -> deliberated -> moi-signed -> finalised, withdrawn can no longer be reached: \
         from finalised only terminated can follow"
    );
    let at_the_end = Property::Reachable {
        target: Proposed,
        from: StageSet::only(Withdrawn),
    };
    assert!(
        broken(&Policy::standard(), at_the_end)
            .to_string()
            .ends_with("from withdrawn nothing follows")
    );
    // A record already at the target has reached it.
    let itself = Property::Reachable {
        target: Withdrawn,
        from: StageSet::only(Withdrawn),
    };
    assert_eq!(Policy::standard().verify(itself), Ok(()));
}

#[test]
fn nothing_comes_back_from_withdrawal() {
    let property = Property::Unreachable {
        target: Finalised,
        from: StageSet::only(Withdrawn),
    };
    assert_eq!(Policy::standard().verify(property), Ok(()));
    let no = broken(
        &Policy::strict(),
        Property::Unreachable {
            target: Terminated,
            from: StageSet::only(MoiSigned),
        },
    );
    assert_eq!(
        no.story(),
        &path("proposed -> deliberated -> moi-signed -> finalised -> terminated")
    );
    assert!(no.to_string().ends_with(
        "proposed -> deliberated -> moi-signed -> finalised -> terminated reaches terminated"
    ));
    // A record at the target that is in `from` has reached it.
    let no = broken(
        &Policy::strict(),
        Property::Unreachable {
            target: Proposed,
            from: StageSet::only(Proposed),
        },
    );
    assert_eq!(no.story(), &path("proposed"));
}

#[test]
fn nothing_follows_the_final_stages() {
    for policy in [Policy::standard(), Policy::strict(), ministry()] {
        assert_eq!(policy.verify(Property::NothingFollows(Terminated)), Ok(()));
        assert_eq!(policy.verify(Property::NothingFollows(Withdrawn)), Ok(()));
    }
    let no = broken(&Policy::standard(), Property::NothingFollows(Finalised));
    assert_eq!(no.story(), &path("finalised -> terminated"));
    assert!(
        no.to_string()
            .ends_with("finalised -> terminated takes a step after finalised")
    );
    let no = broken(&Policy::strict(), Property::NothingFollows(Deliberated));
    assert_eq!(no.story(), &path("proposed -> deliberated -> deliberated"));
}

#[test]
fn a_strict_record_never_opens_at_finalised() {
    let property = Property::NeverOpensAt(Finalised);
    assert_eq!(Policy::strict().verify(property), Ok(()));
    let no = broken(&Policy::standard(), property);
    assert_eq!(no.story(), &path("finalised"));
    assert_eq!(
        no.to_string(),
        "policy \"standard\" breaks \"a record never opens at finalised\": a record may open at finalised"
    );
}

#[test]
fn nothing_is_signed_after_a_withdrawal_but_deliberation_may_repeat() {
    let property = Property::NeverAfter {
        later: MoiSigned,
        earlier: Withdrawn,
    };
    assert_eq!(Policy::standard().verify(property), Ok(()));
    assert_eq!(
        Policy::standard().verify(Property::NeverAfter {
            later: Proposed,
            earlier: Deliberated
        }),
        Ok(())
    );
    let no = broken(
        &Policy::strict(),
        Property::NeverAfter {
            later: Deliberated,
            earlier: Deliberated,
        },
    );
    assert_eq!(no.story(), &path("proposed -> deliberated -> deliberated"));
    assert!(
        no.to_string().ends_with(
            "proposed -> deliberated -> deliberated reaches deliberated after deliberated"
        )
    );
    let no = broken(
        &Policy::strict(),
        Property::NeverAfter {
            later: Finalised,
            earlier: Proposed,
        },
    );
    assert_eq!(
        no.story(),
        &path("proposed -> deliberated -> moi-signed -> finalised")
    );
}

#[test]
fn an_moi_is_signed_at_most_once_and_deliberation_has_no_bound() {
    for policy in [Policy::standard(), Policy::strict(), ministry()] {
        assert_eq!(
            policy.verify(Property::AtMost {
                stage: MoiSigned,
                times: 1
            }),
            Ok(())
        );
    }
    let no = broken(
        &Policy::strict(),
        Property::AtMost {
            stage: Deliberated,
            times: 3,
        },
    );
    assert_eq!(
        no.story(),
        &path("proposed -> deliberated -> deliberated -> deliberated -> deliberated")
    );
    assert!(no.to_string().ends_with("reaches deliberated 4 times"));
    let no = broken(
        &Policy::strict(),
        Property::AtMost {
            stage: Proposed,
            times: 0,
        },
    );
    assert_eq!(no.story(), &path("proposed"));
    // The most rounds a property can name is found too.
    let no = broken(
        &Policy::standard(),
        Property::AtMost {
            stage: Deliberated,
            times: u8::MAX,
        },
    );
    assert_eq!(no.story().count(Deliberated), 256);
    assert_eq!(no.story().stages().len(), 256);
}

#[test]
fn every_property_agrees_with_brute_force_on_the_policies_of_the_examples() {
    for policy in [
        Policy::standard(),
        Policy::strict(),
        ministry(),
        everything(),
    ] {
        for property in every_property() {
            check_against_brute_force(&policy, property, 7);
        }
    }
}

fn any_stage() -> impl Strategy<Value = Stage> {
    (0..Stage::COUNT).prop_map(|i| Stage::ALL[i])
}

fn any_set() -> impl Strategy<Value = StageSet> {
    prop::collection::vec(any_stage(), 0..4).prop_map(|stages| stages.into_iter().collect())
}

fn any_property() -> impl Strategy<Value = Property> {
    prop_oneof![
        (any_stage(), any_stage())
            .prop_map(|(to, through)| Property::EveryPathPasses { to, through }),
        (any_stage(), any_set()).prop_map(|(target, from)| Property::Reachable { target, from }),
        (any_stage(), any_set()).prop_map(|(target, from)| Property::Unreachable { target, from }),
        any_stage().prop_map(Property::NothingFollows),
        any_stage().prop_map(Property::NeverOpensAt),
        (any_stage(), any_stage())
            .prop_map(|(later, earlier)| Property::NeverAfter { later, earlier }),
        (any_stage(), 0..3u8).prop_map(|(stage, times)| Property::AtMost { stage, times }),
    ]
}

/// A policy of random transitions (none out of withdrawn or terminated)
/// and entry stages; tables the builder refuses are skipped.
fn any_policy() -> impl Strategy<Value = Option<Policy>> {
    (
        prop::collection::vec((0..4usize, any_stage()), 0..14),
        any_set(),
    )
        .prop_map(|(steps, entry)| {
            let mut builder = Policy::builder("random").entry_stages(entry.with(Proposed));
            for (from, to) in steps {
                builder = builder.allow(Stage::ALL[from], to);
            }
            builder.build().ok()
        })
}

proptest! {
    #[test]
    fn verify_agrees_with_brute_force_on_random_policies(
        policy in any_policy(),
        properties in prop::collection::vec(any_property(), 1..8),
    ) {
        if let Some(policy) = policy {
            for property in properties {
                check_against_brute_force(&policy, property, 6);
            }
        }
    }

    #[test]
    fn properties_read_back_what_they_write(property in any_property()) {
        let text = property.to_string();
        prop_assert_eq!(text.parse::<Property>().unwrap(), property);
        let json = serde_json::to_string(&property).unwrap();
        prop_assert_eq!(serde_json::from_str::<Property>(&json).unwrap(), property);
    }
}

#[test]
fn properties_read_as_sentences() {
    let cases = [
        (
            "every path to finalised passes moi-signed",
            Property::EveryPathPasses {
                to: Finalised,
                through: MoiSigned,
            },
        ),
        (
            "withdrawn is reachable from proposed, deliberated",
            Property::Reachable {
                target: Withdrawn,
                from: StageSet::from([Proposed, Deliberated]),
            },
        ),
        (
            "proposed is reachable from nothing",
            Property::Reachable {
                target: Proposed,
                from: StageSet::EMPTY,
            },
        ),
        (
            "finalised is unreachable from withdrawn",
            Property::Unreachable {
                target: Finalised,
                from: StageSet::only(Withdrawn),
            },
        ),
        (
            "nothing follows terminated",
            Property::NothingFollows(Terminated),
        ),
        (
            "a record never opens at finalised",
            Property::NeverOpensAt(Finalised),
        ),
        (
            "finalised never comes after withdrawn",
            Property::NeverAfter {
                later: Finalised,
                earlier: Withdrawn,
            },
        ),
        (
            "moi-signed is reached at most once",
            Property::AtMost {
                stage: MoiSigned,
                times: 1,
            },
        ),
        (
            "deliberated is reached at most twice",
            Property::AtMost {
                stage: Deliberated,
                times: 2,
            },
        ),
        (
            "deliberated is reached at most 0 times",
            Property::AtMost {
                stage: Deliberated,
                times: 0,
            },
        ),
        (
            "deliberated is reached at most 10 times",
            Property::AtMost {
                stage: Deliberated,
                times: 10,
            },
        ),
    ];
    for (text, property) in cases {
        assert_eq!(property.to_string(), text);
        assert_eq!(text.parse::<Property>().unwrap(), property, "{text}");
        assert_eq!(Property::try_from(text).unwrap(), property);
    }
    // Other spellings of the stages, and lists joined by "and".
    assert_eq!(
        "every path to Finalized passes MoI signed"
            .parse::<Property>()
            .unwrap(),
        Property::EveryPathPasses {
            to: Finalised,
            through: MoiSigned
        }
    );
    assert_eq!(
        "withdrawn is reachable from proposed, deliberated and moi-signed"
            .parse::<Property>()
            .unwrap(),
        Property::Reachable {
            target: Withdrawn,
            from: StageSet::from([Proposed, Deliberated, MoiSigned])
        }
    );
    for bad in [
        "",
        "every path to finalised",
        "everything is fine",
        "moi-signed is reached at most thrice",
        "moi-signed is reached at most 300 times",
    ] {
        let err = bad.parse::<Property>().unwrap_err();
        assert_eq!(
            bilateral::Error::from(err.clone()).kind(),
            ErrorKind::Unknown
        );
        assert!(err.to_string().contains("property"), "{err}");
        assert!(err.to_string().contains(&format!("{bad:?}")), "{err}");
    }
    let err = "nothing follows sealed".parse::<Property>().unwrap_err();
    assert!(err.to_string().contains("\"sealed\""), "{err}");
    assert!(err.to_string().contains("stage"), "{err}");
}

// ---- counterexamples ----------------------------------------------------

#[test]
fn a_counterexample_history_meets_the_built_in_guards_and_replays() {
    let guarded = Policy::strict()
        .to_builder()
        .name("guarded")
        .allow(Deliberated, Finalised)
        .guard(Trigger::Into(Finalised), CitesSource)
        .guard(Trigger::Into(Finalised), BothPartiesRepresented)
        .guard(Trigger::AnyStageChange, ExactDate)
        .build()
        .unwrap();
    let no = broken(
        &guarded,
        Property::EveryPathPasses {
            to: Finalised,
            through: MoiSigned,
        },
    );
    assert_eq!(no.story(), &path("proposed -> deliberated -> finalised"));
    assert!(no.opaque_guards().is_empty());
    let history = no.history_between(&india_japan());
    let last = history.last().unwrap();
    assert_eq!(last.sources().len(), 1);
    let codes: Vec<String> = last
        .participants()
        .iter()
        .map(|p| p.party().to_string())
        .collect();
    assert_eq!(codes, ["IND", "JPN"]);
    // The steps no guard looks at carry nothing extra.
    assert!(history[0].sources().is_empty() && history[0].participants().is_empty());
    Scenario::new(guarded.clone())
        .given_events(history)
        .then_stage(Finalised);
    // Without the parties, the finalisation lacks representatives, and the
    // guard that asks for them refuses it: the check named what it needs.
    let plain = no.history();
    assert!(plain.last().unwrap().participants().is_empty());
    assert_eq!(plain.last().unwrap().sources().len(), 1);
    Scenario::new(guarded)
        .given_events(plain[..2].to_vec())
        .when(plain[2].clone())
        .then_refused_containing("both-parties-represented");
    assert_eq!(
        no.timeline().to_string(),
        "2000-01-01   proposed (the record opens)\n\
         2000-01-02   deliberated\n\
         2000-01-03   finalised, citing a source\n"
    );
}

#[test]
fn guards_on_a_step_are_looked_up_with_the_stage_before_it() {
    // Sources asked for on one transition only, and a guard of one's own on
    // every stage change: named once, however many steps it guards.
    let policy = Policy::strict()
        .to_builder()
        .guard(
            Trigger::Transition {
                from: Deliberated,
                to: MoiSigned,
            },
            CitesSource,
        )
        .guard(Trigger::AnyStageChange, guard_fn("audit", |_| Ok(())))
        .build()
        .unwrap();
    let no = broken(&policy, Property::NothingFollows(MoiSigned));
    assert_eq!(
        no.story(),
        &path("proposed -> deliberated -> moi-signed -> finalised")
    );
    let cited: Vec<bool> = no
        .history()
        .iter()
        .map(|event| !event.sources().is_empty())
        .collect();
    assert_eq!(cited, [false, false, true, false]);
    assert_eq!(no.opaque_guards(), ["audit"]);
}

#[test]
fn stage_sets_combine() {
    let a = StageSet::from([Proposed, Deliberated, MoiSigned]);
    let b = StageSet::from([MoiSigned, Finalised]);
    assert_eq!(
        a.union(b),
        StageSet::from([Proposed, Deliberated, MoiSigned, Finalised])
    );
    assert_eq!(a.intersection(b), StageSet::only(MoiSigned));
    assert_eq!(a.difference(b), StageSet::from([Proposed, Deliberated]));
    assert_eq!(b.difference(a), StageSet::only(Finalised));
    assert_eq!(StageSet::from(Withdrawn), StageSet::only(Withdrawn));
}

#[test]
fn the_ministry_counterexample_replays_for_a_logistics_agreement() {
    let no = broken(
        &ministry(),
        Property::EveryPathPasses {
            to: Finalised,
            through: MoiSigned,
        },
    );
    // The fixture agreement is about logistics: the ministry's guard lets
    // the story through.
    Scenario::new(ministry())
        .given_events(no.history_between(&india_japan()))
        .then_stage(Finalised);
}

#[test]
fn counterexamples_convert_into_the_crate_error() {
    let no = broken(&Policy::standard(), Property::NeverOpensAt(Withdrawn));
    let error = bilateral::Error::from(no.clone());
    assert_eq!(error.kind(), ErrorKind::Counterexample);
    assert_eq!(error.counterexample(), Some(&no));
    assert_eq!(error.to_string(), no.to_string());
    assert!(std::error::Error::source(&error).is_none());
    assert!(format!("{error:?}").contains("Counterexample"));
    assert_eq!(
        bilateral::Error::from("x".parse::<Stage>().unwrap_err()).counterexample(),
        None
    );
}

#[test]
fn a_scenario_from_a_counterexample_is_code_to_paste() {
    let no = broken(
        &Policy::strict(),
        Property::AtMost {
            stage: Deliberated,
            times: 1,
        },
    );
    assert_eq!(
        scenario_code(&no),
        "Scenario::new(policy)\n    .given_events([\n        \
         event(EventKind::Proposed, \"2000-01-01\"),\n        \
         event(EventKind::Deliberated, \"2000-01-02\"),\n        \
         event(EventKind::Deliberated, \"2000-01-03\"),\n    \
         ])\n    .then_stage(Stage::Deliberated);\n"
    );
    let guarded = Policy::standard()
        .to_builder()
        .guard(Trigger::Into(Withdrawn), CitesSource)
        .guard(Trigger::Into(Withdrawn), BothPartiesRepresented)
        .build()
        .unwrap();
    let code = scenario_code(&broken(&guarded, Property::NeverOpensAt(Withdrawn)));
    assert_eq!(
        code,
        "Scenario::new(policy)\n    .given_events([\n        \
         event_builder(EventKind::Withdrawn, \"2000-01-01\")\n            \
         .source(Source::new(\"bilateral\", \"policy check\").unwrap())\n            \
         .participant(Representative::new(\"Delegate of IND\", \"delegate\", \"IND\".parse().unwrap()).unwrap())\n            \
         .participant(Representative::new(\"Delegate of JPN\", \"delegate\", \"JPN\".parse().unwrap()).unwrap())\n            \
         .build()\n            .unwrap(),\n    \
         ])\n    .then_stage(Stage::Withdrawn);\n"
    );
}

// ---- the testing helpers --------------------------------------------------

fn panic_message(run: impl FnOnce() + std::panic::UnwindSafe) -> String {
    let payload = std::panic::catch_unwind(run).unwrap_err();
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap()
}

#[test]
fn policy_checks_pass_for_the_rules_a_policy_keeps() {
    PolicyCheck::new(Policy::strict())
        .assert_every_path(Finalised, MoiSigned)
        .assert_reachable(Withdrawn, [Proposed, Deliberated, MoiSigned])
        .assert_unreachable(Finalised, Withdrawn)
        .assert_unreachable(Proposed, [Deliberated, MoiSigned])
        .assert(Property::NothingFollows(Terminated))
        .assert(Property::NeverOpensAt(Finalised));
    assert_eq!(PolicyCheck::new(ministry()).policy(), &ministry());
}

#[test]
fn a_failed_policy_check_prints_the_story_the_code_and_the_rules() {
    let message = panic_message(|| {
        PolicyCheck::new(ministry()).assert_every_path(Finalised, MoiSigned);
    });
    for part in [
        "policy check: expected policy \"ministry\" to keep \"every path to finalised passes moi-signed\", but it does not:",
        "deliberated -> finalised reaches finalised without passing moi-signed",
        "2000-01-01   deliberated (the record opens)\n2000-01-02   finalised\n",
        "guards the check cannot read may refuse a step of it: logistics-only",
        "Scenario::new(policy)",
        "Representative::new(\"Delegate of IND\"",
        "policy \"ministry\": deliberated may follow proposed, deliberated, and may open a record",
        "policy \"ministry\": finalised may follow deliberated, moi-signed, and may open a record; \
         guards: logistics-only on deliberated->finalised, both-parties-represented on finalised",
    ] {
        assert!(message.contains(part), "missing {part:?} in:\n{message}");
    }
    let message = panic_message(|| {
        PolicyCheck::new(Policy::standard()).assert_reachable(Withdrawn, Finalised);
    });
    assert!(
        message.contains("withdrawn can no longer be reached"),
        "{message}"
    );
    assert!(
        !message.contains("guards the check cannot read"),
        "{message}"
    );
    let message = panic_message(|| {
        PolicyCheck::new(Policy::standard()).assert_unreachable(Terminated, Finalised);
    });
    assert!(
        message.contains("finalised -> terminated reaches terminated"),
        "{message}"
    );
}

#[test]
fn a_policy_check_can_expect_a_broken_property() {
    let check = PolicyCheck::new(ministry());
    let no = check.assert_broken(Property::EveryPathPasses {
        to: Finalised,
        through: MoiSigned,
    });
    assert_eq!(no.story(), &path("deliberated -> finalised"));
    let message = panic_message(|| {
        PolicyCheck::new(Policy::standard()).assert_broken(Property::NothingFollows(Withdrawn));
    });
    assert_eq!(
        message,
        "policy check: expected policy \"standard\" to break \"nothing follows withdrawn\", but every history it allows keeps it"
    );
}

// ---- diffs --------------------------------------------------------------

#[test]
fn a_diff_lists_what_a_rule_change_allows_forbids_and_guards() {
    let standard = Policy::standard();
    let diff = standard.diff(&ministry());
    assert_eq!(diff.added_transitions(), [(Deliberated, Finalised)]);
    assert!(diff.removed_transitions().is_empty());
    assert!(diff.added_entry_stages().is_empty() && diff.removed_entry_stages().is_empty());
    assert_eq!(
        diff.added_guards(),
        [
            (
                Trigger::Transition {
                    from: Deliberated,
                    to: Finalised
                },
                "logistics-only".to_owned()
            ),
            (
                Trigger::Into(Finalised),
                "both-parties-represented".to_owned()
            ),
        ]
    );
    assert!(diff.removed_guards().is_empty());
    assert!(!diff.is_empty());
    assert_eq!((diff.before(), diff.after()), ("standard", "ministry"));
    assert_eq!(
        diff.to_string(),
        "from policy \"standard\" to policy \"ministry\":\n\
         + deliberated -> finalised\n\
         + guard \"logistics-only\" on deliberated->finalised\n\
         + guard \"both-parties-represented\" on finalised\n"
    );
    // The other way round, every addition is a removal.
    let back = ministry().diff(&standard);
    assert_eq!(back.removed_transitions(), diff.added_transitions());
    assert_eq!(back.removed_guards(), diff.added_guards());
    assert!(back.added_transitions().is_empty() && back.added_guards().is_empty());
    assert_eq!(
        back.to_string(),
        "from policy \"ministry\" to policy \"standard\":\n\
         - deliberated -> finalised\n\
         - guard \"logistics-only\" on deliberated->finalised\n\
         - guard \"both-parties-represented\" on finalised\n"
    );
}

#[test]
fn a_diff_shows_entry_stages_and_guards_moved_or_doubled() {
    let diff = Policy::standard().diff(&Policy::strict());
    assert_eq!(
        diff.removed_entry_stages(),
        StageSet::from([Deliberated, MoiSigned, Finalised, Withdrawn, Terminated])
    );
    assert!(diff.added_entry_stages().is_empty());
    assert!(diff.added_transitions().is_empty() && diff.removed_transitions().is_empty());
    assert!(
        diff.to_string()
            .contains("- a record may open at deliberated\n")
    );
    let back = Policy::strict().diff(&Policy::standard());
    assert_eq!(back.added_entry_stages(), diff.removed_entry_stages());
    assert!(
        back.to_string()
            .contains("+ a record may open at terminated\n")
    );

    let once = Policy::standard()
        .to_builder()
        .guard(Trigger::Into(Finalised), CitesSource)
        .build()
        .unwrap();
    let twice = once
        .to_builder()
        .guard(Trigger::Into(Finalised), CitesSource)
        .build()
        .unwrap();
    assert_eq!(
        once.diff(&twice).added_guards(),
        [(Trigger::Into(Finalised), "cites-source".to_owned())]
    );
    let moved = Policy::standard()
        .to_builder()
        .guard(Trigger::Into(Withdrawn), CitesSource)
        .build()
        .unwrap();
    let diff = once.diff(&moved);
    assert_eq!(
        diff.added_guards(),
        [(Trigger::Into(Withdrawn), "cites-source".to_owned())]
    );
    assert_eq!(
        diff.removed_guards(),
        [(Trigger::Into(Finalised), "cites-source".to_owned())]
    );
}

#[test]
fn a_renamed_copy_differs_in_nothing_but_its_name() {
    let copy = Policy::standard()
        .to_builder()
        .name("copy")
        .build()
        .unwrap();
    let diff = Policy::standard().diff(&copy);
    assert!(diff.is_empty());
    assert_eq!(
        diff.to_string(),
        "policy \"standard\" and policy \"copy\" allow the same steps, open records at the same stages and attach the same guards\n"
    );
    for one_change in [
        Policy::standard()
            .to_builder()
            .forbid(MoiSigned, Withdrawn)
            .build()
            .unwrap(),
        Policy::standard()
            .to_builder()
            .allow(Proposed, Finalised)
            .build()
            .unwrap(),
        Policy::strict(),
        Policy::strict()
            .diff(&Policy::standard())
            .is_empty()
            .then(Policy::standard)
            .unwrap_or_else(|| {
                Policy::strict()
                    .to_builder()
                    .entry_stages(StageSet::from([Proposed, Deliberated]))
                    .build()
                    .unwrap()
            }),
        Policy::standard()
            .to_builder()
            .guard(Trigger::AnyStageChange, ExactDate)
            .build()
            .unwrap(),
    ] {
        assert!(
            !Policy::standard().diff(&one_change).is_empty(),
            "{one_change:?}"
        );
        assert!(
            !one_change.diff(&Policy::standard()).is_empty(),
            "{one_change:?}"
        );
    }
}

#[test]
fn a_diff_is_drawn_with_added_and_removed_arrows_marked() {
    let before = Policy::strict()
        .to_builder()
        .name("before")
        .entry_stages(StageSet::from([Proposed, MoiSigned]))
        .build()
        .unwrap();
    let after = Policy::strict()
        .to_builder()
        .name("after")
        .allow(Deliberated, Finalised)
        .forbid(MoiSigned, Withdrawn)
        .entry_stages(StageSet::from([Proposed, Deliberated]))
        .build()
        .unwrap();
    let chart = before.diff(&after).mermaid().to_string();
    assert_eq!(
        chart,
        "flowchart LR\n    entry(( ))\n    \
         Proposed([\"proposed\"])\n    Deliberated([\"deliberated\"])\n    MoiSigned([\"MoI signed\"])\n    \
         Finalised([\"finalised\"])\n    Withdrawn([\"withdrawn\"])\n    Terminated([\"terminated\"])\n    \
         entry --> Proposed\n    \
         entry ==>|added| Deliberated\n    \
         entry -.->|removed| MoiSigned\n    \
         Proposed --> Deliberated\n    Proposed --> Withdrawn\n    \
         Deliberated --> Deliberated\n    Deliberated --> MoiSigned\n    Deliberated --> Withdrawn\n    \
         MoiSigned --> Finalised\n    Finalised --> Terminated\n    \
         Deliberated ==>|added| Finalised\n    \
         MoiSigned -.->|removed| Withdrawn\n    \
         linkStyle 1 stroke:#1a7f37,stroke-width:3px\n    \
         linkStyle 2 stroke:#cf222e,stroke-dasharray:5 5\n    \
         linkStyle 10 stroke:#1a7f37,stroke-width:3px\n    \
         linkStyle 11 stroke:#cf222e,stroke-dasharray:5 5\n"
    );
}

//! One table of bad inputs: each gives a clear error that names the value and
//! the rule, and changes nothing.

use crate::common::{date, event, id, india, india_japan, opened};
use bilateral::{
    Agreement, AgreementDocument, CitesSource, CodeRule, Collection, DateRule, Error, Event,
    EventDate, EventKind, Field, InstrumentKind, Parties, Party, PartyCode, Policy, PolicyDocument,
    Representative, Source, Stage, StageSet, SubjectArea, SubjectRule, Tracker, Trigger, guard_fn,
};

/// Everything a bad input could change.
#[derive(Debug, Clone, PartialEq)]
struct World {
    agreement: Agreement,
    tracker: Tracker,
}

type Run = fn(&mut World) -> Result<(), Error>;

struct Case {
    input: &'static str,
    run: Run,
    expect: fn(&Error) -> bool,
    message: &'static str,
}

fn parse<T: std::str::FromStr<Err = Error>>(text: &str) -> Result<(), Error> {
    text.parse::<T>().map(drop)
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            input: "empty title",
            run: |_| {
                Agreement::builder("", india_japan())
                    .subject(SubjectArea::Space)
                    .build(event(9, EventKind::Proposed, "2024"))
                    .map(drop)
            },
            expect: |e| {
                *e == Error::Blank {
                    field: Field::Title,
                }
            },
            message: "blank agreement title: it must contain a visible character",
        },
        Case {
            input: "blank title",
            run: |_| {
                Agreement::builder(" \t\n", india_japan())
                    .subject(SubjectArea::Space)
                    .build(event(9, EventKind::Proposed, "2024"))
                    .map(drop)
            },
            expect: |e| {
                *e == Error::Blank {
                    field: Field::Title,
                }
            },
            message: "blank agreement title",
        },
        Case {
            input: "no subject area",
            run: |_| {
                Agreement::builder("Pact", india_japan())
                    .build(event(9, EventKind::Proposed, "2024"))
                    .map(drop)
            },
            expect: |e| matches!(e, Error::NoSubjectArea { title } if title == "Pact"),
            message: "agreement \"Pact\" has no subject area",
        },
        Case {
            input: "informational first event",
            run: |_| {
                Agreement::builder("Pact", india_japan())
                    .subject(SubjectArea::Space)
                    .build(event(9, EventKind::Note, "2024"))
                    .map(drop)
            },
            expect: |e| {
                matches!(
                    e,
                    Error::NotAStageChange {
                        kind: EventKind::Note,
                        ..
                    }
                )
            },
            message: "cannot open with \"note\" on 2024",
        },
        Case {
            input: "the same party twice",
            run: |_| {
                Parties::new(india(), Party::state("ind", "Republic of India").unwrap()).map(drop)
            },
            expect: |e| matches!(e, Error::SameParty { code } if code.as_str() == "IND"),
            message: "party IND is given twice: a bilateral agreement needs two distinct parties",
        },
        Case {
            input: "party code too short",
            run: |_| parse::<PartyCode>("I"),
            expect: |e| {
                matches!(
                    e,
                    Error::PartyCode {
                        rule: CodeRule::Length(1),
                        ..
                    }
                )
            },
            message: "invalid party code \"I\": a code must have 2 to 16 characters, and it has 1",
        },
        Case {
            input: "party code too long",
            run: |_| parse::<PartyCode>("ABCDEFGHIJKLMNOPQ"),
            expect: |e| {
                matches!(
                    e,
                    Error::PartyCode {
                        rule: CodeRule::Length(17),
                        ..
                    }
                )
            },
            message: "it has 17",
        },
        Case {
            input: "party code with a space",
            run: |_| parse::<PartyCode>("IN D"),
            expect: |e| {
                matches!(
                    e,
                    Error::PartyCode {
                        rule: CodeRule::Character(' '),
                        ..
                    }
                )
            },
            message: "invalid party code \"IN D\": ' ' is not allowed",
        },
        Case {
            input: "party code with a non-ASCII letter",
            run: |_| parse::<PartyCode>("ÍND"),
            expect: |e| {
                matches!(
                    e,
                    Error::PartyCode {
                        rule: CodeRule::Character('Í'),
                        ..
                    }
                )
            },
            message: "'Í' is not allowed",
        },
        Case {
            input: "empty party code",
            run: |_| parse::<PartyCode>(""),
            expect: |e| {
                matches!(
                    e,
                    Error::PartyCode {
                        rule: CodeRule::Empty,
                        ..
                    }
                )
            },
            message: "and it is empty",
        },
        Case {
            input: "blank party name",
            run: |_| Party::state("JPN", " ").map(drop),
            expect: |e| {
                *e == Error::Blank {
                    field: Field::PartyName,
                }
            },
            message: "blank party name",
        },
        Case {
            input: "month 13",
            run: |_| parse::<EventDate>("2024-13-01"),
            expect: |e| matches!(e, Error::Date { rule: DateRule::MonthOutOfRange, input } if input == "2024-13-01"),
            message: "invalid date \"2024-13-01\": the month must be from 01 to 12",
        },
        Case {
            input: "30 February",
            run: |_| parse::<EventDate>("2024-02-30"),
            expect: |e| {
                matches!(
                    e,
                    Error::Date {
                        rule: DateRule::NoSuchDay,
                        ..
                    }
                )
            },
            message: "invalid date \"2024-02-30\": that day does not exist in that month",
        },
        Case {
            input: "day-first date",
            run: |_| parse::<EventDate>("24-11-2024"),
            expect: |e| {
                matches!(
                    e,
                    Error::Date {
                        rule: DateRule::Format,
                        ..
                    }
                )
            },
            message: "invalid date \"24-11-2024\": expected YYYY, YYYY-MM or YYYY-MM-DD",
        },
        Case {
            input: "empty date",
            run: |_| parse::<EventDate>(""),
            expect: |e| {
                matches!(
                    e,
                    Error::Date {
                        rule: DateRule::Empty,
                        ..
                    }
                )
            },
            message: "invalid date \"\": a date cannot be empty",
        },
        Case {
            input: "lone question mark",
            run: |_| parse::<EventDate>("?"),
            expect: |e| {
                matches!(
                    e,
                    Error::Date {
                        rule: DateRule::Empty,
                        ..
                    }
                )
            },
            message: "invalid date \"?\"",
        },
        Case {
            input: "one-digit month",
            run: |_| parse::<EventDate>("2024-1-05"),
            expect: |e| {
                matches!(
                    e,
                    Error::Date {
                        rule: DateRule::Format,
                        ..
                    }
                )
            },
            message: "invalid date \"2024-1-05\"",
        },
        Case {
            input: "slashes",
            run: |_| parse::<EventDate>("2024/11/22"),
            expect: |e| {
                matches!(
                    e,
                    Error::Date {
                        rule: DateRule::Format,
                        ..
                    }
                )
            },
            message: "invalid date \"2024/11/22\"",
        },
        Case {
            input: "year zero",
            run: |_| parse::<EventDate>("0000"),
            expect: |e| {
                matches!(
                    e,
                    Error::Date {
                        rule: DateRule::YearOutOfRange,
                        ..
                    }
                )
            },
            message: "the year must be from 0001 to 9999",
        },
        Case {
            input: "day 29 in a common year, built from numbers",
            run: |_| EventDate::day(2023, 2, 29).map(drop),
            expect: |e| matches!(e, Error::Date { rule: DateRule::NoSuchDay, input } if input == "2023-02-29"),
            message: "invalid date \"2023-02-29\"",
        },
        Case {
            input: "blank subject area",
            run: |_| parse::<SubjectArea>(" - "),
            expect: |e| {
                matches!(
                    e,
                    Error::SubjectArea {
                        rule: SubjectRule::Blank,
                        ..
                    }
                )
            },
            message: "invalid subject area \" - \": a subject area needs a name",
        },
        Case {
            input: "subject area with punctuation",
            run: |_| parse::<SubjectArea>("R&D"),
            expect: |e| {
                matches!(
                    e,
                    Error::SubjectArea {
                        rule: SubjectRule::Character('&'),
                        ..
                    }
                )
            },
            message: "invalid subject area \"R&D\": '&' is not allowed",
        },
        Case {
            input: "subject area too long",
            run: |_| parse::<SubjectArea>(&"a".repeat(65)),
            expect: |e| {
                matches!(
                    e,
                    Error::SubjectArea {
                        rule: SubjectRule::TooLong(64),
                        ..
                    }
                )
            },
            message: "at most 64 characters",
        },
        Case {
            input: "unknown stage",
            run: |_| parse::<Stage>("signed"),
            expect: |e| matches!(e, Error::Unknown { input, .. } if input == "signed"),
            message: "unknown stage \"signed\": expected one of proposed, deliberated",
        },
        Case {
            input: "unknown event kind",
            run: |_| parse::<EventKind>("rumour"),
            expect: |e| matches!(e, Error::Unknown { input, .. } if input == "rumour"),
            message: "unknown event kind \"rumour\"",
        },
        Case {
            input: "unknown instrument kind",
            run: |_| parse::<InstrumentKind>("letter"),
            expect: |e| matches!(e, Error::Unknown { input, .. } if input == "letter"),
            message: "unknown instrument kind \"letter\"",
        },
        Case {
            input: "malformed agreement id",
            run: |_| parse::<bilateral::AgreementId>("not-a-uuid"),
            expect: |e| matches!(e, Error::Unknown { input, .. } if input == "not-a-uuid"),
            message: "unknown agreement id \"not-a-uuid\": expected a UUID",
        },
        Case {
            input: "blank representative name",
            run: |_| Representative::new("", "Minister", india().code()).map(drop),
            expect: |e| {
                *e == Error::Blank {
                    field: Field::RepresentativeName,
                }
            },
            message: "blank representative name",
        },
        Case {
            input: "blank representative office",
            run: |_| Representative::new("Rajnath Singh", "  ", india().code()).map(drop),
            expect: |e| {
                *e == Error::Blank {
                    field: Field::Office,
                }
            },
            message: "blank representative office",
        },
        Case {
            input: "blank source publisher",
            run: |_| Source::new("", "Title").map(drop),
            expect: |e| {
                *e == Error::Blank {
                    field: Field::Publisher,
                }
            },
            message: "blank source publisher",
        },
        Case {
            input: "blank source title",
            run: |_| Source::new("Publisher", "").map(drop),
            expect: |e| {
                *e == Error::Blank {
                    field: Field::SourceTitle,
                }
            },
            message: "blank source title",
        },
        Case {
            input: "blank source address",
            run: |_| {
                Source::new("Publisher", "Title")
                    .and_then(|s| s.with_address(" "))
                    .map(drop)
            },
            expect: |e| {
                *e == Error::Blank {
                    field: Field::Address,
                }
            },
            message: "blank source address",
        },
        Case {
            input: "blank venue",
            run: |_| {
                Event::builder(EventKind::Meeting, date("2024"))
                    .venue("")
                    .build()
                    .map(drop)
            },
            expect: |e| {
                *e == Error::Blank {
                    field: Field::Venue,
                }
            },
            message: "blank event venue",
        },
        Case {
            input: "blank occasion",
            run: |_| {
                Event::builder(EventKind::Meeting, date("2024"))
                    .occasion(" ")
                    .build()
                    .map(drop)
            },
            expect: |e| {
                *e == Error::Blank {
                    field: Field::Occasion,
                }
            },
            message: "blank event occasion",
        },
        Case {
            input: "an event that reorders history into an invalid one",
            run: |w| {
                w.agreement
                    .record(event(9, EventKind::Withdrawn, "2024-07-01"))
            },
            expect: |e| {
                e.as_refusal()
                    .is_some_and(|r| r.refused().kind == EventKind::MoiSigned)
            },
            message: "cannot record \"withdrawn\" on 2024-07-01",
        },
        Case {
            input: "a stage that may not follow the current one",
            run: |w| {
                w.agreement
                    .record(event(9, EventKind::Proposed, "2025-01-01"))
            },
            expect: |e| {
                e.as_refusal()
                    .is_some_and(|r| r.stage() == Some(Stage::MoiSigned))
            },
            message: "it is MoI signed, and under policy \"standard\" a proposal can only open a record",
        },
        Case {
            input: "an event id already recorded",
            run: |w| w.agreement.record(event(2, EventKind::Note, "2025-01-01")),
            expect: |e| matches!(e, Error::DuplicateEvent { .. }),
            message: "event 00000000-0000-0000-0000-000000000002 is already recorded",
        },
        // Limits against hostile input: each exceeded limit names the field and the limit.
        Case {
            input: "title over 500 characters",
            run: |_| {
                Agreement::builder("t".repeat(501), india_japan())
                    .subject(SubjectArea::Space)
                    .build(event(9, EventKind::Proposed, "2024"))
                    .map(drop)
            },
            expect: |e| {
                *e == Error::TooLong {
                    field: Field::Title,
                    length: 501,
                    max: 500,
                }
            },
            message: "agreement title too long: it has 501 characters, and the limit is 500",
        },
        Case {
            input: "party name over 200 characters",
            run: |_| Party::state("JPN", "n".repeat(201)).map(drop),
            expect: |e| {
                matches!(
                    e,
                    Error::TooLong {
                        field: Field::PartyName,
                        max: 200,
                        ..
                    }
                )
            },
            message: "party name too long",
        },
        Case {
            input: "representative office over 200 characters",
            run: |_| Representative::new("A. Person", "o".repeat(201), india().code()).map(drop),
            expect: |e| {
                matches!(
                    e,
                    Error::TooLong {
                        field: Field::Office,
                        ..
                    }
                )
            },
            message: "representative office too long",
        },
        Case {
            input: "venue over 200 characters",
            run: |_| {
                Event::builder(EventKind::Meeting, date("2024"))
                    .venue("v".repeat(201))
                    .build()
                    .map(drop)
            },
            expect: |e| {
                matches!(
                    e,
                    Error::TooLong {
                        field: Field::Venue,
                        ..
                    }
                )
            },
            message: "event venue too long",
        },
        Case {
            input: "summary over 5,000 characters",
            run: |_| {
                Event::builder(EventKind::Meeting, date("2024"))
                    .summary("s".repeat(5_001))
                    .build()
                    .map(drop)
            },
            expect: |e| {
                matches!(
                    e,
                    Error::TooLong {
                        field: Field::Summary,
                        max: 5_000,
                        ..
                    }
                )
            },
            message: "event summary too long: it has 5001 characters, and the limit is 5000",
        },
        Case {
            input: "source title over 500 characters",
            run: |_| Source::new("Publisher", "t".repeat(501)).map(drop),
            expect: |e| {
                matches!(
                    e,
                    Error::TooLong {
                        field: Field::SourceTitle,
                        ..
                    }
                )
            },
            message: "source title too long",
        },
        Case {
            input: "source address over 2,000 characters",
            run: |_| {
                Source::new("Publisher", "Title")
                    .and_then(|s| s.with_address("a".repeat(2_001)))
                    .map(drop)
            },
            expect: |e| {
                matches!(
                    e,
                    Error::TooLong {
                        field: Field::Address,
                        ..
                    }
                )
            },
            message: "source address too long",
        },
        Case {
            input: "more than 100 participants",
            run: |_| {
                let someone = Representative::new("A. Person", "Delegate", india().code()).unwrap();
                Event::builder(EventKind::Meeting, date("2024"))
                    .participants(vec![someone; 101])
                    .build()
                    .map(drop)
            },
            expect: |e| {
                *e == Error::TooMany {
                    what: Collection::Participants,
                    count: 101,
                    max: 100,
                }
            },
            message: "too many participants in one event: 101, and the limit is 100",
        },
        Case {
            input: "more than 100 sources",
            run: |_| {
                Event::builder(EventKind::Meeting, date("2024"))
                    .sources(vec![Source::new("P", "T").unwrap(); 101])
                    .build()
                    .map(drop)
            },
            expect: |e| {
                matches!(
                    e,
                    Error::TooMany {
                        what: Collection::Sources,
                        ..
                    }
                )
            },
            message: "too many sources for one event",
        },
        Case {
            input: "more than 100 subject areas",
            run: |_| {
                Agreement::builder("Pact", india_japan())
                    .subjects((0..101).map(|n| format!("area {n}").parse().unwrap()))
                    .build(event(9, EventKind::Proposed, "2024"))
                    .map(drop)
            },
            expect: |e| {
                matches!(
                    e,
                    Error::TooMany {
                        what: Collection::Subjects,
                        ..
                    }
                )
            },
            message: "too many subject areas for one agreement",
        },
        Case {
            input: "a retraction reason over 2,000 characters",
            run: |w| w.agreement.retract(id(2), "r".repeat(2_001)),
            expect: |e| {
                matches!(
                    e,
                    Error::TooLong {
                        field: Field::Reason,
                        ..
                    }
                )
            },
            message: "retraction reason too long",
        },
        // Corrections, retractions and time.
        Case {
            input: "correcting an unknown event",
            run: |w| {
                w.agreement
                    .correct(event(77, EventKind::Deliberated, "2024-07-01"))
            },
            expect: |e| matches!(e, Error::UnknownEvent { .. }),
            message: "no such event is recorded",
        },
        Case {
            input: "retracting the only stage changes",
            run: |_| {
                let mut only = opened(EventKind::Proposed, "2024-01-01");
                let before = only.clone();
                let result = only.retract(id(1), "wrong");
                crate::common::assert_same_agreement(&only, &before);
                result
            },
            expect: |e| matches!(e, Error::NoStageLeft { .. }),
            message: "no stage change would be left",
        },
        Case {
            input: "a stage change dated in the future",
            run: |w| {
                w.agreement
                    .record(event(9, EventKind::Finalised, "2999-01-01"))
            },
            expect: |e| matches!(e, Error::FutureDate { .. }),
            message: "a stage change cannot be dated in the future",
        },
        // Trackers.
        Case {
            input: "recording on an agreement the tracker does not hold",
            run: |w| {
                w.tracker
                    .record(
                        bilateral::AgreementId::from_uuid(uuid::Uuid::from_u128(99)),
                        event(9, EventKind::Note, "2024"),
                    )
                    .map(drop)
            },
            expect: |e| matches!(e, Error::UnknownAgreement { .. }),
            message: "no agreement 00000000-0000-0000-0000-000000000063 in the tracker",
        },
        Case {
            input: "inserting an agreement twice",
            run: |w| w.tracker.insert(w.agreement.clone()).map(drop),
            expect: |e| matches!(e, Error::DuplicateAgreement { .. }),
            message: "is already in the tracker",
        },
        Case {
            input: "a stale version",
            run: |w| {
                let id = w.agreement.id();
                w.tracker
                    .record_expecting(id, 1, event(9, EventKind::Note, "2024-12-01"))
                    .map(drop)
            },
            expect: |e| {
                matches!(
                    e,
                    Error::Conflict {
                        expected: 1,
                        actual: 2,
                        ..
                    }
                )
            },
            message: "is at version 2, not 1",
        },
        // Policies.
        Case {
            input: "a policy with no entry stage",
            run: |_| {
                Policy::standard()
                    .to_builder()
                    .entry_stages(StageSet::EMPTY)
                    .build()
                    .map(drop)
            },
            expect: |e| matches!(e, Error::NoEntryStage { .. }),
            message: "policy \"standard\" has no entry stage",
        },
        Case {
            input: "a policy leaving a final stage",
            run: |_| {
                Policy::standard()
                    .to_builder()
                    .allow(Stage::Withdrawn, Stage::Proposed)
                    .build()
                    .map(drop)
            },
            expect: |e| matches!(e, Error::TransitionFromFinal { .. }),
            message: "but withdrawn is final",
        },
        Case {
            input: "a policy with an unreachable stage",
            run: |_| {
                Policy::strict()
                    .to_builder()
                    .forbid(Stage::Proposed, Stage::Withdrawn)
                    .forbid(Stage::Deliberated, Stage::Withdrawn)
                    .forbid(Stage::MoiSigned, Stage::Withdrawn)
                    .build()
                    .map(drop)
            },
            expect: |e| {
                matches!(
                    e,
                    Error::UnreachableStage {
                        stage: Stage::Withdrawn,
                        ..
                    }
                )
            },
            message: "never reaches withdrawn",
        },
        Case {
            input: "a guard with a bad name",
            run: |_| {
                Policy::standard()
                    .to_builder()
                    .guard(Trigger::AnyStageChange, guard_fn("No Spaces", |_| Ok(())))
                    .build()
                    .map(drop)
            },
            expect: |e| matches!(e, Error::GuardName { .. }),
            message: "invalid guard name \"No Spaces\"",
        },
        Case {
            input: "a guard on a transition the policy forbids",
            run: |_| {
                Policy::standard()
                    .to_builder()
                    .guard(
                        Trigger::Transition {
                            from: Stage::Proposed,
                            to: Stage::Finalised,
                        },
                        CitesSource,
                    )
                    .build()
                    .map(drop)
            },
            expect: |e| matches!(e, Error::GuardOnForbiddenStep { .. }),
            message: "a transition the policy does not allow",
        },
        Case {
            input: "a policy document naming an unknown guard",
            run: |_| {
                let mut doc = PolicyDocument::from(&Policy::standard());
                doc.guards.push(bilateral::document::GuardDocument {
                    on: "*".into(),
                    guard: "mystery".into(),
                });
                Policy::try_from(doc).map(drop)
            },
            expect: |e| matches!(e, Error::UnknownGuard { .. }),
            message: "unknown guard \"mystery\"",
        },
        Case {
            input: "a policy document with more than 36 transitions",
            run: |_| {
                let mut doc = PolicyDocument::from(&Policy::standard());
                let one = doc.transitions[0].clone();
                doc.transitions = vec![one; 37];
                Policy::try_from(doc).map(drop)
            },
            expect: |e| {
                matches!(
                    e,
                    Error::TooMany {
                        what: Collection::Transitions,
                        ..
                    }
                )
            },
            message: "too many transitions for one policy",
        },
        Case {
            input: "a policy document with more than 100 guards",
            run: |_| {
                let mut doc = PolicyDocument::from(&Policy::standard());
                doc.guards = vec![
                    bilateral::document::GuardDocument {
                        on: "*".into(),
                        guard: "cites-source".into()
                    };
                    101
                ];
                Policy::try_from(doc).map(drop)
            },
            expect: |e| {
                matches!(
                    e,
                    Error::TooMany {
                        what: Collection::Guards,
                        ..
                    }
                )
            },
            message: "too many guards for one policy",
        },
        // Typed handles.
        Case {
            input: "noting a stage change on a typed handle",
            run: |w| {
                let mut typed =
                    bilateral::Typed::<bilateral::typed::MoiSigned>::try_from(w.agreement.clone())
                        .unwrap();
                typed.note(event(9, EventKind::Finalised, "2024-12-01"))
            },
            expect: |e| matches!(e, Error::NotInformational { .. }),
            message: "it is a stage change, so use the typed move for it",
        },
        // Documents.
        Case {
            input: "a tracker document with an invalid agreement",
            run: |w| {
                let mut doc = w.tracker.export();
                doc.agreements[0].agreement.title = " ".into();
                bilateral::Tracker::try_from(doc).map(drop)
            },
            expect: |e| matches!(e, Error::InvalidAgreement { position: 0, .. }),
            message: "agreement 0 (",
        },
        Case {
            input: "a tracker document with version 0",
            run: |w| {
                let mut doc = w.tracker.export();
                doc.agreements[0].version = 0;
                bilateral::Tracker::try_from(doc).map(drop)
            },
            expect: |e| matches!(e, Error::InvalidAgreement { source, .. } if **source == Error::ZeroVersion),
            message: "version 0 is not a version",
        },
        Case {
            input: "an agreement document from a newer format",
            run: |w| {
                let mut doc = AgreementDocument::from(&w.agreement);
                doc.format = 2;
                Agreement::try_from(doc).map(drop)
            },
            expect: |e| matches!(e, Error::UnsupportedFormat { found: 2, .. }),
            message: "unsupported format version 2",
        },
        Case {
            input: "an agreement document with three parties",
            run: |w| {
                let mut doc = AgreementDocument::from(&w.agreement);
                doc.parties.push(doc.parties[0].clone());
                Agreement::try_from(doc).map(drop)
            },
            expect: |e| *e == Error::PartyCount { count: 3 },
            message: "exactly two parties, and 3 were given",
        },
        Case {
            input: "an agreement document without entries",
            run: |w| {
                let mut doc = AgreementDocument::from(&w.agreement);
                doc.entries.clear();
                Agreement::try_from(doc).map(drop)
            },
            expect: |e| matches!(e, Error::NoEvents { .. }),
            message: "has no events",
        },
        Case {
            input: "an agreement document opening with a correction",
            run: |w| {
                let mut doc = AgreementDocument::from(&w.agreement);
                doc.entries[0].correct = doc.entries[0].record.take();
                Agreement::try_from(doc).map(drop)
            },
            expect: |e| matches!(e, Error::FirstEntryNotRecord { .. }),
            message: "must open with the record of an event",
        },
        Case {
            input: "an entry with two changes",
            run: |w| {
                let mut doc = AgreementDocument::from(&w.agreement);
                doc.entries[1].correct = doc.entries[1].record.clone();
                Agreement::try_from(doc).map(drop)
            },
            expect: |e| matches!(e, Error::MalformedEntry { .. }),
            message: "must hold exactly one of",
        },
        Case {
            input: "entries out of recording order",
            run: |w| {
                let mut doc = AgreementDocument::from(&w.agreement);
                doc.entries[1].recorded_at = "1999-01-01T00:00:00Z".into();
                Agreement::try_from(doc).map(drop)
            },
            expect: |e| matches!(e, Error::EntryOrder { position: 1, .. }),
            message: "entries must be in the order they were recorded",
        },
        Case {
            input: "an unreadable timestamp",
            run: |w| {
                let mut doc = AgreementDocument::from(&w.agreement);
                doc.entries[1].recorded_at = "yesterday".into();
                Agreement::try_from(doc).map(drop)
            },
            expect: |e| matches!(e, Error::Timestamp { .. }),
            message: "invalid timestamp \"yesterday\"",
        },
        Case {
            input: "an unknown party kind",
            run: |_| "tribe".parse::<bilateral::PartyKind>().map(drop),
            expect: |e| matches!(e, Error::Unknown { .. }),
            message: "unknown party kind \"tribe\"",
        },
    ]
}

#[test]
fn every_bad_input_gets_its_error_and_changes_nothing() {
    let mut agreement = opened(EventKind::Deliberated, "2024-06-01");
    agreement
        .record(event(2, EventKind::MoiSigned, "2024-11-15"))
        .unwrap();
    let mut tracker = Tracker::new();
    tracker.insert(agreement.clone()).unwrap();
    tracker
        .record(agreement.id(), event(3, EventKind::Note, "2024-11-20"))
        .unwrap();
    let base = World { agreement, tracker };
    for case in cases() {
        let mut world = base.clone();
        let err = (case.run)(&mut world).expect_err(case.input);
        assert!(
            (case.expect)(&err),
            "{}: unexpected error {err:?}",
            case.input
        );
        let message = err.to_string();
        assert!(
            message.contains(case.message),
            "{}: message {message:?}",
            case.input
        );
        assert_eq!(
            message,
            message.trim_end_matches('.'),
            "{}: no trailing period",
            case.input
        );
        assert!(
            !message.starts_with(char::is_uppercase),
            "{}: lower case",
            case.input
        );
        // A failed call must change nothing, by every measure.
        eprintln!("checking that {:?} changed nothing", case.input);
        crate::common::assert_same_agreement(&world.agreement, &base.agreement);
        crate::common::assert_same_tracker(&world.tracker, &base.tracker);
    }
}

//! One table of bad inputs: each gives a clear error that names the value and
//! the rule, and changes nothing.

use crate::common::{date, event, id, india, india_japan, opened};
use bilateral::agreement::AgreementError;
use bilateral::document::DocumentError;
use bilateral::document::{AgreementDocument, PolicyDocument, TrackerDocument};
use bilateral::lifecycle::PolicyError;
use bilateral::lifecycle::{CitesSource, guard_fn};
use bilateral::model::{CodeRule, Collection, DateRule, Field, SubjectRule, ValueError};
use bilateral::tracker::TrackerError;
use bilateral::typed::TypedError;
use bilateral::{
    Agreement, Error, Event, EventDate, EventKind, InstrumentKind, Parties, Party, PartyCode,
    Policy, Representative, Source, Stage, StageSet, SubjectArea, Tracker, Trigger,
};
use serde_json::{Value, json};

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

/// The standard policy's document, edited as JSON.
fn policy_doc(edit: impl FnOnce(&mut Value)) -> PolicyDocument {
    let mut doc = serde_json::to_value(PolicyDocument::from(&Policy::standard())).unwrap();
    edit(&mut doc);
    serde_json::from_value(doc).unwrap()
}

/// An agreement's document, edited as JSON.
fn agreement_doc(agreement: &Agreement, edit: impl FnOnce(&mut Value)) -> AgreementDocument {
    let mut doc = serde_json::to_value(AgreementDocument::from(agreement)).unwrap();
    edit(&mut doc);
    serde_json::from_value(doc).unwrap()
}

/// A tracker's document, edited as JSON.
fn tracker_doc(tracker: &bilateral::Tracker, edit: impl FnOnce(&mut Value)) -> TrackerDocument {
    let mut doc = serde_json::to_value(tracker.export()).unwrap();
    edit(&mut doc);
    serde_json::from_value(doc).unwrap()
}

fn parse<T: std::str::FromStr<Err = ValueError>>(text: &str) -> Result<(), Error> {
    text.parse::<T>().map(drop).map_err(Error::from)
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
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::Blank {
                        field: Field::Title,
                        ..
                    })
                )
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
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::Blank {
                        field: Field::Title,
                        ..
                    })
                )
            },
            message: "blank agreement title",
        },
        Case {
            input: "informational first event",
            run: |_| {
                Agreement::builder("Pact", india_japan())
                    .subject(SubjectArea::Space)
                    .build(event(9, EventKind::Note, "2024"))
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.agreement_error(),
                    Some(AgreementError::NotAStageChange {
                        kind: EventKind::Note,
                        ..
                    })
                )
            },
            message: "cannot open with \"note\" on 2024",
        },
        Case {
            input: "the same party twice",
            run: |_| {
                Parties::new(india(), Party::state("ind", "Republic of India").unwrap())
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| matches!(e.value(), Some(ValueError::SameParty { code, .. }) if code.as_str() == "IND"),
            message: "party IND is given twice: a bilateral agreement needs two distinct parties",
        },
        Case {
            input: "party code too short",
            run: |_| parse::<PartyCode>("I"),
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::PartyCode {
                        rule: CodeRule::Length(1),
                        ..
                    })
                )
            },
            message: "invalid party code \"I\": a code must have 2 to 16 characters, and it has 1",
        },
        Case {
            input: "party code too long",
            run: |_| parse::<PartyCode>("ABCDEFGHIJKLMNOPQ"),
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::PartyCode {
                        rule: CodeRule::Length(17),
                        ..
                    })
                )
            },
            message: "it has 17",
        },
        Case {
            input: "party code with a space",
            run: |_| parse::<PartyCode>("IN D"),
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::PartyCode {
                        rule: CodeRule::Character(' '),
                        ..
                    })
                )
            },
            message: "invalid party code \"IN D\": ' ' is not allowed",
        },
        Case {
            input: "party code with a non-ASCII letter",
            run: |_| parse::<PartyCode>("ÍND"),
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::PartyCode {
                        rule: CodeRule::Character('Í'),
                        ..
                    })
                )
            },
            message: "'Í' is not allowed",
        },
        Case {
            input: "empty party code",
            run: |_| parse::<PartyCode>(""),
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::PartyCode {
                        rule: CodeRule::Empty,
                        ..
                    })
                )
            },
            message: "and it is empty",
        },
        Case {
            input: "blank party name",
            run: |_| Party::state("JPN", " ").map(drop).map_err(Error::from),
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::Blank {
                        field: Field::PartyName,
                        ..
                    })
                )
            },
            message: "blank party name",
        },
        Case {
            input: "month 13",
            run: |_| parse::<EventDate>("2024-13-01"),
            expect: |e| matches!(e.value(), Some(ValueError::Date { rule: DateRule::MonthOutOfRange, input, .. }) if input == "2024-13-01"),
            message: "invalid date \"2024-13-01\": the month must be from 01 to 12",
        },
        Case {
            input: "30 February",
            run: |_| parse::<EventDate>("2024-02-30"),
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::Date {
                        rule: DateRule::NoSuchDay,
                        ..
                    })
                )
            },
            message: "invalid date \"2024-02-30\": that day does not exist in that month",
        },
        Case {
            input: "day-first date",
            run: |_| parse::<EventDate>("24-11-2024"),
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::Date {
                        rule: DateRule::Format,
                        ..
                    })
                )
            },
            message: "invalid date \"24-11-2024\": expected YYYY, YYYY-MM or YYYY-MM-DD",
        },
        Case {
            input: "empty date",
            run: |_| parse::<EventDate>(""),
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::Date {
                        rule: DateRule::Empty,
                        ..
                    })
                )
            },
            message: "invalid date \"\": a date cannot be empty",
        },
        Case {
            input: "lone question mark",
            run: |_| parse::<EventDate>("?"),
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::Date {
                        rule: DateRule::Empty,
                        ..
                    })
                )
            },
            message: "invalid date \"?\"",
        },
        Case {
            input: "one-digit month",
            run: |_| parse::<EventDate>("2024-1-05"),
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::Date {
                        rule: DateRule::Format,
                        ..
                    })
                )
            },
            message: "invalid date \"2024-1-05\"",
        },
        Case {
            input: "slashes",
            run: |_| parse::<EventDate>("2024/11/22"),
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::Date {
                        rule: DateRule::Format,
                        ..
                    })
                )
            },
            message: "invalid date \"2024/11/22\"",
        },
        Case {
            input: "year zero",
            run: |_| parse::<EventDate>("0000"),
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::Date {
                        rule: DateRule::YearOutOfRange,
                        ..
                    })
                )
            },
            message: "the year must be from 0001 to 9999",
        },
        Case {
            input: "day 29 in a common year, built from numbers",
            run: |_| EventDate::day(2023, 2, 29).map(drop).map_err(Error::from),
            expect: |e| matches!(e.value(), Some(ValueError::Date { rule: DateRule::NoSuchDay, input, .. }) if input == "2023-02-29"),
            message: "invalid date \"2023-02-29\"",
        },
        Case {
            input: "blank subject area",
            run: |_| parse::<SubjectArea>(" - "),
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::SubjectArea {
                        rule: SubjectRule::Blank,
                        ..
                    })
                )
            },
            message: "invalid subject area \" - \": a subject area needs a name",
        },
        Case {
            input: "subject area with punctuation",
            run: |_| parse::<SubjectArea>("R&D"),
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::SubjectArea {
                        rule: SubjectRule::Character('&'),
                        ..
                    })
                )
            },
            message: "invalid subject area \"R&D\": '&' is not allowed",
        },
        Case {
            input: "subject area too long",
            run: |_| parse::<SubjectArea>(&"a".repeat(65)),
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::SubjectArea {
                        rule: SubjectRule::TooLong(64),
                        ..
                    })
                )
            },
            message: "at most 64 characters",
        },
        Case {
            input: "unknown stage",
            run: |_| parse::<Stage>("signed"),
            expect: |e| matches!(e.value(), Some(ValueError::Unknown { input, .. }) if input == "signed"),
            message: "unknown stage \"signed\": expected one of proposed, deliberated",
        },
        Case {
            input: "unknown event kind",
            run: |_| parse::<EventKind>("rumour"),
            expect: |e| matches!(e.value(), Some(ValueError::Unknown { input, .. }) if input == "rumour"),
            message: "unknown event kind \"rumour\"",
        },
        Case {
            input: "unknown instrument kind",
            run: |_| parse::<InstrumentKind>("letter"),
            expect: |e| matches!(e.value(), Some(ValueError::Unknown { input, .. }) if input == "letter"),
            message: "unknown instrument kind \"letter\"",
        },
        Case {
            input: "malformed agreement id",
            run: |_| parse::<bilateral::AgreementId>("not-a-uuid"),
            expect: |e| matches!(e.value(), Some(ValueError::Unknown { input, .. }) if input == "not-a-uuid"),
            message: "unknown agreement id \"not-a-uuid\": expected a UUID",
        },
        Case {
            input: "blank representative name",
            run: |_| {
                Representative::new("", "Minister", india().code())
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::Blank {
                        field: Field::RepresentativeName,
                        ..
                    })
                )
            },
            message: "blank representative name",
        },
        Case {
            input: "blank representative office",
            run: |_| {
                Representative::new("Rajnath Singh", "  ", india().code())
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::Blank {
                        field: Field::Office,
                        ..
                    })
                )
            },
            message: "blank representative office",
        },
        Case {
            input: "blank source publisher",
            run: |_| Source::new("", "Title").map(drop).map_err(Error::from),
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::Blank {
                        field: Field::Publisher,
                        ..
                    })
                )
            },
            message: "blank source publisher",
        },
        Case {
            input: "blank source title",
            run: |_| Source::new("Publisher", "").map(drop).map_err(Error::from),
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::Blank {
                        field: Field::SourceTitle,
                        ..
                    })
                )
            },
            message: "blank source title",
        },
        Case {
            input: "blank source address",
            run: |_| {
                Source::new("Publisher", "Title")
                    .and_then(|s| s.with_address(" "))
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::Blank {
                        field: Field::Address,
                        ..
                    })
                )
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
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::Blank {
                        field: Field::Venue,
                        ..
                    })
                )
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
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::Blank {
                        field: Field::Occasion,
                        ..
                    })
                )
            },
            message: "blank event occasion",
        },
        Case {
            input: "an event that reorders history into an invalid one",
            run: |w| {
                w.agreement
                    .record(event(9, EventKind::Withdrawn, "2024-07-01"))
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| {
                e.refusal()
                    .is_some_and(|r| r.refused().kind == EventKind::MoiSigned)
            },
            message: "cannot record \"withdrawn\" on 2024-07-01",
        },
        Case {
            input: "a stage that may not follow the current one",
            run: |w| {
                w.agreement
                    .record(event(9, EventKind::Proposed, "2025-01-01"))
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| {
                e.refusal()
                    .is_some_and(|r| r.stage() == Some(Stage::MoiSigned))
            },
            message: "it is MoI signed since 2024-11-15, and under policy \"standard\" a proposal can only open a record",
        },
        Case {
            input: "an event id already recorded",
            run: |w| {
                w.agreement
                    .record(event(2, EventKind::Note, "2025-01-01"))
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.agreement_error(),
                    Some(AgreementError::DuplicateEvent { .. })
                )
            },
            message: "event 00000000-0000-0000-0000-000000000002 is already recorded",
        },
        // Limits against hostile input: each exceeded limit names the field and the limit.
        Case {
            input: "title over 2,000 characters",
            run: |_| {
                Agreement::builder("t".repeat(2_001), india_japan())
                    .subject(SubjectArea::Space)
                    .build(event(9, EventKind::Proposed, "2024"))
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::TooLong {
                        field: Field::Title,
                        length: 2_001,
                        max: 2_000,
                        ..
                    })
                )
            },
            message: "agreement title too long: it has 2001 characters, and the limit is 2000",
        },
        Case {
            input: "party name over 200 characters",
            run: |_| {
                Party::state("JPN", "n".repeat(201))
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::TooLong {
                        field: Field::PartyName,
                        max: 200,
                        ..
                    })
                )
            },
            message: "party name too long",
        },
        Case {
            input: "representative office over 200 characters",
            run: |_| {
                Representative::new("A. Person", "o".repeat(201), india().code())
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::TooLong {
                        field: Field::Office,
                        ..
                    })
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
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::TooLong {
                        field: Field::Venue,
                        ..
                    })
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
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::TooLong {
                        field: Field::Summary,
                        max: 5_000,
                        ..
                    })
                )
            },
            message: "event summary too long: it has 5001 characters, and the limit is 5000",
        },
        Case {
            input: "source title over 2,000 characters",
            run: |_| {
                Source::new("Publisher", "t".repeat(2_001))
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::TooLong {
                        field: Field::SourceTitle,
                        length: 2_001,
                        max: 2_000,
                        ..
                    })
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
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::TooLong {
                        field: Field::Address,
                        ..
                    })
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
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::TooMany {
                        what: Collection::Participants,
                        count: 101,
                        max: 100,
                        ..
                    })
                )
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
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::TooMany {
                        what: Collection::Sources,
                        ..
                    })
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
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::TooMany {
                        what: Collection::Subjects,
                        ..
                    })
                )
            },
            message: "too many subject areas for one agreement",
        },
        Case {
            input: "a shared list of more than 100 subject areas, in order",
            run: |_| {
                let mut areas: Vec<SubjectArea> = (0..101)
                    .map(|n| format!("area {n:03}").parse().unwrap())
                    .collect();
                areas.sort();
                Agreement::builder("Pact", india_japan())
                    .subject_list(std::sync::Arc::from(areas))
                    .build(event(9, EventKind::Proposed, "2024"))
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::TooMany {
                        what: Collection::Subjects,
                        ..
                    })
                )
            },
            message: "too many subject areas for one agreement",
        },
        Case {
            input: "a retraction reason over 2,000 characters",
            run: |w| {
                w.agreement
                    .retract(id(2), "r".repeat(2_001))
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::TooLong {
                        field: Field::Reason,
                        ..
                    })
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
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.agreement_error(),
                    Some(AgreementError::UnknownEvent { .. })
                )
            },
            message: "no such event is recorded",
        },
        Case {
            input: "retracting the only stage changes",
            run: |_| {
                let mut only = opened(EventKind::Proposed, "2024-01-01");
                let before = only.clone();
                let result = only.retract(id(1), "wrong");
                crate::common::assert_same_agreement(&only, &before);
                result.map(drop).map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.agreement_error(),
                    Some(AgreementError::NoStageLeft { .. })
                )
            },
            message: "no stage change would be left",
        },
        Case {
            input: "a stage change dated in the future",
            run: |w| {
                w.agreement
                    .record(event(9, EventKind::Finalised, "2999-01-01"))
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| matches!(e.agreement_error(), Some(AgreementError::FutureDate { .. })),
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
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.tracker_error(),
                    Some(TrackerError::UnknownAgreement { .. })
                )
            },
            message: "no agreement 00000000-0000-0000-0000-000000000063 in the tracker",
        },
        Case {
            input: "inserting an agreement twice",
            run: |w| {
                w.tracker
                    .insert(w.agreement.clone())
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.tracker_error(),
                    Some(TrackerError::DuplicateAgreement { .. })
                )
            },
            message: "is already in the tracker",
        },
        Case {
            input: "a stale version",
            run: |w| {
                let id = w.agreement.id();
                w.tracker
                    .record_expecting(id, 1, event(9, EventKind::Note, "2024-12-01"))
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.tracker_error(),
                    Some(TrackerError::Conflict {
                        expected: 1,
                        actual: 2,
                        ..
                    })
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
                    .map_err(Error::from)
            },
            expect: |e| matches!(e.policy_error(), Some(PolicyError::NoEntryStage { .. })),
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
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.policy_error(),
                    Some(PolicyError::TransitionFromFinal { .. })
                )
            },
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
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.policy_error(),
                    Some(PolicyError::UnreachableStage {
                        stage: Stage::Withdrawn,
                        ..
                    })
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
                    .map_err(Error::from)
            },
            expect: |e| matches!(e.policy_error(), Some(PolicyError::GuardName { .. })),
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
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.policy_error(),
                    Some(PolicyError::GuardOnForbiddenStep { .. })
                )
            },
            message: "a transition the policy does not allow",
        },
        Case {
            input: "a policy document naming an unknown guard",
            run: |_| {
                let doc = policy_doc(|d| d["guards"] = json!([{"on": "*", "guard": "mystery"}]));
                Policy::try_from(doc).map(drop).map_err(Error::from)
            },
            expect: |e| matches!(e.policy_error(), Some(PolicyError::UnknownGuard { .. })),
            message: "unknown guard \"mystery\"",
        },
        Case {
            input: "a policy document with more than 36 transitions",
            run: |_| {
                let doc = policy_doc(|d| {
                    let one = d["transitions"][0].clone();
                    d["transitions"] = json!(vec![one; 37]);
                });
                Policy::try_from(doc).map(drop).map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::TooMany {
                        what: Collection::Transitions,
                        ..
                    })
                )
            },
            message: "too many transitions for one policy",
        },
        Case {
            input: "a policy document with more than 100 guards",
            run: |_| {
                let doc = policy_doc(|d| {
                    d["guards"] = json!(vec![json!({"on": "*", "guard": "cites-source"}); 101])
                });
                Policy::try_from(doc).map(drop).map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::TooMany {
                        what: Collection::Guards,
                        ..
                    })
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
                typed
                    .note(event(9, EventKind::Finalised, "2024-12-01"))
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| matches!(e.typed_error(), Some(TypedError::NotInformational { .. })),
            message: "it is a stage change, so use the typed move for it",
        },
        // Documents.
        Case {
            input: "a tracker document with an invalid agreement",
            run: |w| {
                let doc = tracker_doc(&w.tracker, |d| {
                    d["agreements"][0]["agreement"]["title"] = json!(" ")
                });
                bilateral::Tracker::try_from(doc)
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.document_error(),
                    Some(DocumentError::InvalidAgreement { position: 0, .. })
                )
            },
            message: "agreement 0 (",
        },
        Case {
            input: "a tracker document with version 0",
            run: |w| {
                let doc = tracker_doc(&w.tracker, |d| d["agreements"][0]["version"] = json!(0));
                bilateral::Tracker::try_from(doc)
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| matches!(e.document_error(), Some(DocumentError::InvalidAgreement { source, .. }) if matches!(**source, DocumentError::Version { version: 0, .. })),
            message: "version 0 is not a version",
        },
        Case {
            input: "an agreement document from a newer format",
            run: |w| {
                let doc = agreement_doc(&w.agreement, |d| d["format"] = json!(5));
                Agreement::try_from(doc).map(drop).map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.document_error(),
                    Some(DocumentError::UnsupportedFormat { found: 5, .. })
                )
            },
            message: "unsupported format version 5",
        },
        Case {
            input: "an agreement document with three parties",
            run: |w| {
                let doc = agreement_doc(&w.agreement, |d| {
                    let first = d["parties"][0].clone();
                    d["parties"].as_array_mut().unwrap().push(first);
                });
                Agreement::try_from(doc).map(drop).map_err(Error::from)
            },
            expect: |e| matches!(e.value(), Some(ValueError::PartyCount { count: 3, .. })),
            message: "exactly two parties, and 3 were given",
        },
        Case {
            input: "an agreement document without entries",
            run: |w| {
                let doc = agreement_doc(&w.agreement, |d| d["entries"] = json!([]));
                Agreement::try_from(doc).map(drop).map_err(Error::from)
            },
            expect: |e| matches!(e.document_error(), Some(DocumentError::NoEvents { .. })),
            message: "has no events",
        },
        Case {
            input: "an agreement document opening with a correction",
            run: |w| {
                let doc = agreement_doc(&w.agreement, |d| {
                    let entry = d["entries"][0].as_object_mut().unwrap();
                    let record = entry.remove("record").unwrap();
                    entry.insert("correct".into(), record);
                });
                Agreement::try_from(doc).map(drop).map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.document_error(),
                    Some(DocumentError::FirstEntryNotRecord { .. })
                )
            },
            message: "must open with the record of an event",
        },
        Case {
            input: "an entry with two changes",
            run: |w| {
                let doc = agreement_doc(&w.agreement, |d| {
                    d["entries"][1]["correct"] = d["entries"][1]["record"].clone();
                });
                Agreement::try_from(doc).map(drop).map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.document_error(),
                    Some(DocumentError::MalformedEntry { .. })
                )
            },
            message: "must hold exactly one of",
        },
        Case {
            input: "entries out of recording order",
            run: |w| {
                let doc = agreement_doc(&w.agreement, |d| {
                    d["entries"][1]["recorded_at"] = json!("1999-01-01T00:00:00Z")
                });
                Agreement::try_from(doc).map(drop).map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.document_error(),
                    Some(DocumentError::EntryOrder { position: 1, .. })
                )
            },
            message: "entries must be in the order they were recorded",
        },
        Case {
            input: "an unreadable timestamp",
            run: |w| {
                let doc = agreement_doc(&w.agreement, |d| {
                    d["entries"][1]["recorded_at"] = json!("yesterday")
                });
                Agreement::try_from(doc).map(drop).map_err(Error::from)
            },
            expect: |e| matches!(e.value(), Some(ValueError::Timestamp { .. })),
            message: "invalid timestamp \"yesterday\"",
        },
        // Hostile input, second round (issue 12): each row failed before its fix.
        Case {
            input: "a tracker document with a version past 2^53 - 1",
            run: |w| {
                let doc = tracker_doc(&w.tracker, |d| {
                    d["agreements"][0]["version"] = json!(bilateral::limits::MAX_VERSION + 1)
                });
                bilateral::Tracker::try_from(doc)
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| matches!(e.document_error(), Some(DocumentError::InvalidAgreement { source, .. }) if matches!(**source, DocumentError::Version { version, .. } if version == bilateral::limits::MAX_VERSION + 1)),
            message: "versions run from 1 to 9007199254740991",
        },
        Case {
            input: "a tracker document with the largest u64 as a version",
            run: |w| {
                let doc = tracker_doc(&w.tracker, |d| {
                    d["agreements"][0]["version"] = json!(u64::MAX)
                });
                bilateral::Tracker::try_from(doc)
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| matches!(e.document_error(), Some(DocumentError::InvalidAgreement { source, .. }) if matches!(**source, DocumentError::Version { version: u64::MAX, .. })),
            message: "version 18446744073709551615",
        },
        Case {
            input: "a recording instant that would be written past year 9999",
            run: |w| {
                let doc = agreement_doc(&w.agreement, |d| {
                    d["entries"][1]["recorded_at"] = json!("9999-12-31T23:59:59-23:59")
                });
                Agreement::try_from(doc).map(drop).map_err(Error::from)
            },
            expect: |e| matches!(e.value(), Some(ValueError::Timestamp { .. })),
            message: "9999-12-31T23:59:59-23:59",
        },
        Case {
            input: "a 10 MB date",
            run: |_| parse::<EventDate>(&"2".repeat(10_000_000)),
            expect: |e| matches!(e.value(), Some(ValueError::Date { .. })),
            message: "(10000000 characters)",
        },
        Case {
            input: "a 10 MB party code",
            run: |_| parse::<PartyCode>(&"A".repeat(10_000_000)),
            expect: |e| matches!(e.value(), Some(ValueError::PartyCode { .. })),
            message: "(10000000 characters)",
        },
        Case {
            input: "a NUL in a title",
            run: |_| {
                Agreement::builder("Pact\u{0}", india_japan())
                    .subject(SubjectArea::Space)
                    .build(event(9, EventKind::Proposed, "2024"))
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::Character {
                        field: Field::Title,
                        character: '\u{0}',
                        position: 5,
                        ..
                    })
                )
            },
            message: "agreement title",
        },
        Case {
            input: "an escape sequence in a party name",
            run: |_| {
                Party::state("IND", "India\u{1b}[31m")
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::Character {
                        character: '\u{1b}',
                        position: 6,
                        ..
                    })
                )
            },
            message: "party name",
        },
        Case {
            input: "a right-to-left override in a summary",
            run: |w| {
                let event = Event::builder(EventKind::Note, date("2024-11-30"))
                    .summary("paid \u{202E}0001")
                    .build()?;
                w.agreement.record(event).map(drop).map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::Character {
                        field: Field::Summary,
                        character: '\u{202E}',
                        ..
                    })
                )
            },
            message: "summary",
        },
        Case {
            input: "a title of zero-width spaces only",
            run: |_| {
                Agreement::builder("\u{200B}\u{200B}", india_japan())
                    .subject(SubjectArea::Space)
                    .build(event(9, EventKind::Proposed, "2024"))
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| {
                matches!(
                    e.value(),
                    Some(ValueError::Blank {
                        field: Field::Title,
                        ..
                    })
                )
            },
            message: "blank agreement title: it must contain a visible character",
        },
        Case {
            input: "an unknown party kind",
            run: |_| {
                "tribe"
                    .parse::<bilateral::model::PartyKind>()
                    .map(drop)
                    .map_err(Error::from)
            },
            expect: |e| matches!(e.value(), Some(ValueError::Unknown { .. })),
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

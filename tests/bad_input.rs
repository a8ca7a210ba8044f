//! One table of bad inputs: each gives a clear error that names the value and
//! the rule, and changes nothing.

mod common;

use bilateral::{
    Agreement, CodeRule, DateRule, Error, Event, EventDate, EventKind, Field, InstrumentKind,
    Parties, Party, PartyCode, Representative, Source, Stage, SubjectArea, SubjectRule,
};
use common::{date, event, india, india_japan, opened};

type Run = fn(&mut Agreement) -> Result<(), Error>;

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
            run: |a| a.record(event(9, EventKind::Withdrawn, "2024-07-01")),
            expect: |e| {
                e.as_refusal()
                    .is_some_and(|r| r.refused().kind == EventKind::MoiSigned)
            },
            message: "cannot record \"withdrawn\" on 2024-07-01",
        },
        Case {
            input: "a stage that may not follow the current one",
            run: |a| a.record(event(9, EventKind::Proposed, "2025-01-01")),
            expect: |e| {
                e.as_refusal()
                    .is_some_and(|r| r.stage() == Some(Stage::MoiSigned))
            },
            message: "it is MoI signed, and under policy \"standard\" a proposal can only open a record",
        },
        Case {
            input: "an event id already recorded",
            run: |a| a.record(event(2, EventKind::Note, "2025-01-01")),
            expect: |e| matches!(e, Error::DuplicateEvent { .. }),
            message: "event 00000000-0000-0000-0000-000000000002 is already recorded",
        },
    ]
}

#[test]
fn every_bad_input_gets_its_error_and_changes_nothing() {
    let mut base = opened(EventKind::Deliberated, "2024-06-01");
    base.record(event(2, EventKind::MoiSigned, "2024-11-15"))
        .unwrap();
    for case in cases() {
        let mut agreement = base.clone();
        let err = (case.run)(&mut agreement).expect_err(case.input);
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
        assert_eq!(
            agreement, base,
            "{}: a failed call must change nothing",
            case.input
        );
    }
}

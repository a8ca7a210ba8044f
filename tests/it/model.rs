//! The value types: codes, parties, dates, subject areas and vocabularies.

use std::str::FromStr;

use crate::common::{date, india, japan, philippines};
use bilateral::model::PartyKind;
use bilateral::model::ValueError;
use bilateral::{
    EventDate, EventKind, InstrumentKind, Parties, Party, PartyCode, Precision, Source, Stage,
    SubjectArea,
};

#[test]
fn party_codes_are_upper_case_and_historical_parties_fit() {
    assert_eq!(
        PartyCode::new("ind").unwrap(),
        PartyCode::new("IND").unwrap()
    );
    assert_eq!(PartyCode::new("ind").unwrap().as_str(), "IND");
    let castile = Party::state("castile", "Crown of Castile").unwrap();
    assert_eq!(castile.code().as_str(), "CASTILE");
    let ec = Party::organisation("EC", "European Community").unwrap();
    assert_eq!(ec.kind(), PartyKind::Organisation);
    assert_eq!(
        PartyCode::new("ABCDEFGHIJKLMNOP").unwrap().as_str(),
        "ABCDEFGHIJKLMNOP"
    );
    assert_eq!(
        PartyCode::new("AUSTRIA-HUNGARY").unwrap().as_str(),
        "AUSTRIA-HUNGARY"
    );
    assert_eq!(PartyCode::new("x_1").unwrap().to_string(), "X_1");
    assert_eq!(Party::state("IND", "  India ").unwrap().name(), "India");
    // Debug shows the three fields, however they are kept.
    assert_eq!(
        format!("{ec:?}"),
        r#"Party { code: PartyCode(EC), name: "European Community", kind: Organisation }"#
    );
    // Code, name and kind all count for equality, clones share the rest.
    assert_eq!(ec.clone(), ec);
    assert_ne!(Party::state("EC", "European Community").unwrap(), ec);
    assert_ne!(
        Party::organisation("EC", "European Commission").unwrap(),
        ec
    );
}

#[test]
fn parties_are_an_unordered_pair() {
    let a = Parties::new(india(), japan()).unwrap();
    let b = Parties::new(japan(), india()).unwrap();
    assert_eq!(a, b);
    assert_eq!(b, a);
    // Either order hashes alike: a set holds the pair once.
    let set: std::collections::HashSet<Parties> = [a.clone(), b.clone()].into_iter().collect();
    assert_eq!(set.len(), 1);
    let state = std::hash::RandomState::new();
    assert_eq!(
        std::hash::BuildHasher::hash_one(&state, &a),
        std::hash::BuildHasher::hash_one(&state, &b)
    );
    assert_ne!(a, Parties::new(india(), philippines()).unwrap());
    // Equal codes but another name: another pair.
    let renamed = Parties::new(Party::state("JPN", "Nippon").unwrap(), india()).unwrap();
    assert_ne!(a, renamed);
    assert_ne!(renamed, b);
    assert_eq!(a.other(japan().code()), Some(&india()));
    assert_eq!(b.other(japan().code()), Some(&india()));
    assert_eq!(a.other(india().code()), Some(&japan()));
    assert_eq!(a.other("PHL".parse().unwrap()), None);
    // Sorted by code, whichever way round.
    for pair in [&a, &b] {
        let [low, high] = pair.sorted();
        assert_eq!((low.code().as_str(), high.code().as_str()), ("IND", "JPN"));
        assert_eq!(pair.codes(), (india().code(), japan().code()));
    }
}

/// The order the parties were given in is kept for display, through text
/// and through a document; equality ignores it.
#[test]
fn parties_display_in_the_order_given() {
    let a = Parties::new(india(), japan()).unwrap();
    let b = Parties::new(japan(), india()).unwrap();
    assert_eq!(a.to_string(), "India–Japan");
    assert_eq!(b.to_string(), "Japan–India");
    assert_eq!(b.first().code().as_str(), "JPN");
    assert_eq!(b.second().code().as_str(), "IND");
    let codes = |pair: &Parties| -> Vec<String> {
        pair.iter().map(|party| party.code().to_string()).collect()
    };
    assert_eq!(codes(&b), ["JPN", "IND"]);
    assert_eq!(b.as_array()[0].code().as_str(), "JPN");
    let pact = bilateral::Agreement::builder("Pact", b.clone())
        .subject(bilateral::SubjectArea::Logistics)
        .build(bilateral::Event::new(EventKind::Proposed, date("2024-01")))
        .unwrap();
    assert!(
        pact.to_string()
            .starts_with("Pact\n  Japan (JPN) and India (IND), agreement\n"),
        "{pact}"
    );
    assert!(
        pact.timeline()
            .to_string()
            .starts_with("Pact (Japan–India)\n")
    );
    let json = serde_json::to_string(&pact).unwrap();
    let back: bilateral::Agreement = serde_json::from_str(&json).unwrap();
    assert_eq!(back.parties().to_string(), "Japan–India");
    assert_eq!(codes(back.parties()), ["JPN", "IND"]);
}

#[test]
fn dates_keep_their_precision() {
    use bilateral::Qualifier::*;
    let cases = [
        ("2024-11-22", Precision::Day, None),
        ("2024-11", Precision::Month, None),
        ("2024", Precision::Year, None),
        ("2024-11-22?", Precision::Day, Some(Uncertain)),
        ("2017-06~", Precision::Month, Some(Approximate)),
        ("2017%", Precision::Year, Some(UncertainApproximate)),
        ("1351", Precision::Year, None),
        ("0800", Precision::Year, None),
    ];
    for (text, precision, qualifier) in cases {
        let parsed = date(text);
        assert_eq!(parsed.precision(), precision, "{text}");
        assert_eq!(parsed.qualifier(), qualifier, "{text}");
        assert_eq!(parsed.is_qualified(), qualifier.is_some(), "{text}");
        assert_eq!(
            parsed.is_uncertain(),
            matches!(qualifier, Some(Uncertain | UncertainApproximate)),
            "{text}"
        );
        assert_eq!(
            parsed.is_approximate(),
            matches!(qualifier, Some(Approximate | UncertainApproximate)),
            "{text}"
        );
        assert_eq!(parsed.to_string(), text, "round trip of {text}");
        // A qualifier keeps the span of days.
        assert_eq!(parsed.start(), parsed.exact().start(), "{text}");
        assert_eq!(parsed.end(), parsed.exact().end(), "{text}");
    }
    assert_ne!(date("2024-11"), date("2024-11-01"));
    assert_eq!(date("2024-11").start().to_string(), "2024-11-01");
    assert_eq!(date("2024-11").end().to_string(), "2024-11-30");
    assert_eq!(date("2023-02").end().to_string(), "2023-02-28");
    assert_eq!(date("2024").end().to_string(), "2024-12-31");
    assert_eq!(date("9999-12").end().to_string(), "9999-12-31");
    assert_eq!(date("2024-11-22").day_number(), Some(22));
    assert_eq!(date("2024-11").day_number(), None);
    assert_eq!(date("2024").month_number(), None);
    assert_eq!(EventDate::month(2024, 11).unwrap(), date("2024-11"));
    assert_eq!(EventDate::year(2024).unwrap().approximate(), date("2024~"));
    assert_eq!(EventDate::year(2024).unwrap().uncertain(), date("2024?"));
    assert_eq!(date("2024?").approximate(), date("2024%"));
    assert_eq!(date("2024~").uncertain(), date("2024%"));
    assert_eq!(date("2024%").uncertain(), date("2024%"));
    assert_eq!(date("2024?").uncertain(), date("2024?"));
    assert_eq!(date("2024~").approximate(), date("2024~"));
    assert_eq!(date("2024%").exact(), date("2024"));
    assert_eq!(date("2024?").exact(), date("2024"));
    for (mark, words) in [
        (bilateral::Qualifier::Uncertain, "uncertain"),
        (bilateral::Qualifier::Approximate, "approximate"),
        (
            bilateral::Qualifier::UncertainApproximate,
            "uncertain and approximate",
        ),
    ] {
        assert_eq!(mark.to_string(), words);
        assert_eq!(bilateral::Qualifier::from_char(mark.as_char()), Some(mark));
    }
    assert_eq!(bilateral::Qualifier::from_char('!'), None);
    for bad in ["2024??", "2024?~", "?", "~", "2024-?", "2024 ~"] {
        let err = bad.parse::<EventDate>().unwrap_err();
        assert!(
            err.to_string().contains(&format!("{bad:?}")),
            "{bad}: {err}"
        );
    }
}

#[test]
fn dates_are_only_partly_ordered_across_precisions() {
    use std::cmp::Ordering::*;
    let cases = [
        ("2024-10", "2024-11-22", Some(Less)),
        ("2024-11", "2024-11-22", None),
        ("2024", "2024-03", None),
        ("2023", "2024-01-01", Some(Less)),
        ("2024-11-23", "2024-11-22", Some(Greater)),
        ("2024-11-22", "2024-11-22", Some(Equal)),
        ("2024-11-22?", "2024-11-22", None),
        ("2024-12-01", "2024-11", Some(Greater)),
    ];
    for (a, b, expected) in cases {
        assert_eq!(date(a).partial_cmp(&date(b)), expected, "{a} vs {b}");
        assert_eq!(
            date(a).overlaps(&date(b)),
            expected.is_none() || expected == Some(Equal),
            "{a} ~ {b}"
        );
    }
    assert!(date("2024").contains(chrono::NaiveDate::from_ymd_opt(2024, 7, 4).unwrap()));
    assert!(!date("2024-06").contains(chrono::NaiveDate::from_ymd_opt(2024, 7, 4).unwrap()));
}

#[test]
fn subject_areas_round_trip_as_kebab_case() {
    for area in SubjectArea::well_known() {
        let text = area.to_string();
        assert_eq!(SubjectArea::from_str(&text).unwrap(), area, "{text}");
        assert!(
            text.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{text}"
        );
    }
    assert!(SubjectArea::well_known().len() >= 12);
    let required = [
        "logistics",
        "co-development",
        "co-production",
        "defence-technology",
        "air-domain",
        "maritime-security",
        "exercises",
        "counter-terrorism",
        "space",
        "defence-industry",
        "trade",
        "energy",
    ];
    for name in required {
        assert!(
            !SubjectArea::from_str(name).unwrap().is_custom(),
            "{name} should be well known"
        );
    }
    assert_eq!(
        SubjectArea::from_str("Maritime Security").unwrap(),
        SubjectArea::MaritimeSecurity
    );
    assert_eq!(
        SubjectArea::from_str("reciprocal supplies and services").unwrap(),
        SubjectArea::Logistics
    );
    assert_eq!(
        SubjectArea::from_str("Defense_Industry").unwrap(),
        SubjectArea::DefenceIndustry
    );
}

#[test]
fn custom_subject_areas_are_normalised() {
    let a = SubjectArea::from_str("Cyber Security").unwrap();
    let b = SubjectArea::from_str("  cyber_SECURITY ").unwrap();
    let c = SubjectArea::from_str("cyber--security").unwrap();
    assert_eq!(a, b);
    assert_eq!(a, c);
    assert!(a.is_custom());
    assert_eq!(a.to_string(), "cyber-security");
    assert_eq!(SubjectArea::from_str(&a.to_string()).unwrap(), a);
    assert_eq!(
        SubjectArea::from_str("Sanitary And Veterinary Issues")
            .unwrap()
            .to_string(),
        "sanitary-and-veterinary-issues"
    );
    assert_eq!(
        SubjectArea::from_str("Pêcheries").unwrap().to_string(),
        "pêcheries"
    );
}

#[test]
fn vocabularies_round_trip_through_text() {
    for stage in Stage::ALL {
        assert_eq!(stage.to_string().parse::<Stage>().unwrap(), stage);
        assert_eq!(stage.label().parse::<Stage>().unwrap(), stage);
    }
    for kind in EventKind::ALL {
        assert_eq!(kind.to_string().parse::<EventKind>().unwrap(), kind);
        assert_eq!(kind.stage().map(EventKind::from).unwrap_or(kind), kind);
    }
    for kind in InstrumentKind::ALL {
        assert_eq!(kind.to_string().parse::<InstrumentKind>().unwrap(), kind);
    }
    assert_eq!("finalized".parse::<Stage>().unwrap(), Stage::Finalised);
    assert_eq!(
        "MOU".parse::<InstrumentKind>().unwrap(),
        InstrumentKind::MemorandumOfUnderstanding
    );
    assert_eq!(
        "moi".parse::<InstrumentKind>().unwrap(),
        InstrumentKind::MemorandumOfImplementation
    );
    // Precisions, by their words.
    for (precision, word) in [
        (Precision::Day, "day"),
        (Precision::Month, "month"),
        (Precision::Year, "year"),
    ] {
        assert_eq!(precision.as_str(), word);
        assert_eq!(precision.to_string(), word);
        assert_eq!(word.parse::<Precision>().unwrap(), precision);
        assert_eq!(format!("{precision:>6}"), format!("{word:>6}"));
    }
    // Words pad as text does, for tables.
    assert_eq!(format!("[{:<12}]", Stage::MoiSigned), "[moi-signed  ]");
    assert_eq!(format!("[{:>8}]", EventKind::Meeting), "[ meeting]");
    assert_eq!(format!("[{:^7}]", india().code()), "[  IND  ]");
    assert_eq!(format!("[{:<6}]", InstrumentKind::Protocol), "[protocol]");
    assert_eq!(format!("[{:<7}]", PartyKind::State), "[state  ]");
    assert_eq!(format!("[{:>10}]", SubjectArea::Space), "[     space]");
    assert_eq!(
        format!("[{:<6}]", bilateral::tracker::Order::Title),
        "[title ]"
    );
    assert_eq!(
        "week".parse::<Precision>().unwrap_err().to_string(),
        "unknown precision \"week\": expected day, month or year"
    );
}

#[test]
fn a_report_date_differs_from_the_event_date() {
    let report = Source::new("The Hindu", "Rajnath Singh meets Japanese counterpart")
        .unwrap()
        .published(date("2024-11-23"));
    let meeting = bilateral::Event::builder(EventKind::Deliberated, date("2024-11-22"))
        .source(report.clone())
        .build()
        .unwrap();
    assert_eq!(meeting.date(), date("2024-11-22"));
    assert_eq!(meeting.sources(), [report]);
    assert_eq!(
        meeting.sources()[0].published_on(),
        Some(date("2024-11-23"))
    );
}

/// What a source, a representative and an alias of a kind of instrument
/// give back.
#[test]
fn sources_and_representatives_give_back_what_they_hold() {
    let source = Source::new("The Hindu", "Talks in Vientiane")
        .unwrap()
        .with_address("https://www.thehindu.com/news/talks")
        .unwrap();
    assert_eq!(
        (source.publisher(), source.title(), source.address()),
        (
            "The Hindu",
            "Talks in Vientiane",
            Some("https://www.thehindu.com/news/talks")
        )
    );
    assert_eq!(Source::new("The Hindu", "Talks").unwrap().address(), None);
    let singh =
        bilateral::Representative::new("Rajnath Singh", "Minister of Defence", india().code())
            .unwrap();
    assert_eq!(
        (singh.name(), singh.office(), singh.party()),
        ("Rajnath Singh", "Minister of Defence", india().code())
    );
    assert_eq!(
        "treaty".parse::<InstrumentKind>().unwrap(),
        InstrumentKind::Agreement
    );
    // A value of the wrong type names what was expected.
    let err = serde_json::from_str::<Stage>("5").unwrap_err().to_string();
    assert!(err.contains("expected a stage"), "{err}");
}

#[test]
fn dates_from_chrono_keep_the_year_range() {
    let day = chrono::NaiveDate::from_ymd_opt(2024, 11, 22).unwrap();
    assert_eq!(EventDate::try_from(day).unwrap(), date("2024-11-22"));
    let far = chrono::NaiveDate::from_ymd_opt(12024, 1, 1).unwrap();
    assert!(matches!(
        EventDate::try_from(far),
        Err(ValueError::Date {
            rule: bilateral::model::DateRule::YearOutOfRange,
            ..
        })
    ));
}

/// Regression from fuzzing (`parse`): lower-casing `İ` adds a combining dot,
/// which made the printed name unparsable.
#[test]
fn subject_names_that_lower_case_into_combining_marks_round_trip() {
    for input in ["-İ", "İstanbul trade", "İ"] {
        let area: SubjectArea = input.parse().unwrap();
        let printed = area.to_string();
        assert_eq!(
            printed.parse::<SubjectArea>().unwrap(),
            area,
            "{input:?} -> {printed:?}"
        );
    }
    assert_eq!(
        "İstanbul trade".parse::<SubjectArea>().unwrap().to_string(),
        "istanbul-trade"
    );
}

#[test]
fn countries_resolve_by_code_and_by_the_names_records_use() {
    use bilateral::model::Country;
    let code = |text: &str| Country::resolve(text).map(|country| country.alpha3());
    // Codes, in capitals: alpha-3, alpha-2 of a current country, alpha-4
    // of a former one.
    assert_eq!(code("JPN"), Some("JPN"));
    assert_eq!(code("JP"), Some("JPN"));
    assert_eq!(code("SUHH"), Some("SUN"));
    assert_eq!(code("jpn"), None, "a code is written in capitals");
    // Names whatever their case, accents, apostrophes and punctuation.
    for (name, expected) in [
        ("Japan", "JPN"),
        ("  japan ", "JPN"),
        ("Cote d'Ivoire", "CIV"),
        ("Côte d’Ivoire", "CIV"),
        ("Republic Of Cote Divoire", "CIV"),
        ("Türkiye", "TUR"),
        ("Republic Of Turkey", "TUR"),
        ("The Bahamas", "BHS"),
        ("United States Of America", "USA"),
        (
            "United Kingdom of Great Britain and Northern Ireland",
            "GBR",
        ),
        ("Great Britain", "GBR"),
        ("Peoples Republic Of China", "CHN"),
        ("Republic of China", "TWN"),
        ("Democratic Peoples Republic Of Korea", "PRK"),
        ("Korea, Republic of", "KOR"),
        ("Kingdom Of Spain", "ESP"),
        ("Commonwealth Of Australia", "AUS"),
        ("Federation Of Russia", "RUS"),
        ("Cabinet Of Ministers Of Ukraine", "UKR"),
        ("Islamic Republic Of Iran", "IRN"),
        ("Bosnia & Herzegovina", "BIH"),
        // Former states of ISO 3166-3.
        ("Union Of Soviet Socialist Republics", "SUN"),
        ("Soviet Union", "SUN"),
        ("Federal Peoples Republic Of Yugoslavia", "YUG"),
        ("Czechoslovakia", "CSK"),
        ("German Democratic Republic", "DDR"),
        ("Republic Of Dahomey", "DHY"),
        ("Curaçao", "CUW"),
        ("Réunion", "REU"),
        ("Åland Islands", "ALA"),
        ("Sao Tome and Principe", "STP"),
    ] {
        assert_eq!(code(name), Some(expected), "{name}");
    }
    // What could mean two states, or none, finds none.
    for name in [
        "Korea",
        "England",
        "Castile",
        "European Community",
        "Swizterland",
        "",
        "Republic of",
    ] {
        assert_eq!(code(name), None, "{name}");
    }
    let ussr = Country::resolve("SUN").unwrap();
    assert!(ussr.is_former());
    assert_eq!(ussr.alpha4(), Some("SUHH"));
    assert_eq!(ussr.name(), "USSR, Union of Soviet Socialist Republics");
    // Equal when the same country, however found; hashed apart otherwise.
    let japan = Country::resolve("Japan").unwrap();
    assert_eq!(Country::resolve("JP"), Some(japan));
    assert_ne!(japan, ussr);
    assert_ne!(ussr, japan);
    let all: std::collections::HashSet<Country> = Country::all().collect();
    assert_eq!(all.len(), 280);
    assert!(all.contains(&japan) && all.contains(&ussr));
    assert_eq!(ussr.withdrawn(), Some("1992-08-30"));
    assert_eq!(ussr.alpha2(), "SU");
    assert_eq!(japan.name(), "Japan");
    assert!(!japan.is_former());
    assert_eq!((japan.withdrawn(), japan.alpha4()), (None, None));
    assert_eq!(japan.official_name(), None);
    assert_eq!(
        Country::resolve("DEU").unwrap().official_name(),
        Some("Federal Republic of Germany")
    );
    assert_eq!(japan.to_string(), "Japan");
    assert_eq!(format!("{japan:?}"), "Country(JPN Japan)");
    assert_eq!(japan.code().unwrap().as_str(), "JPN");
    let party = japan.party().unwrap();
    assert_eq!((party.code().as_str(), party.name()), ("JPN", "Japan"));
    let named = ussr
        .party_named("Union Of Soviet Socialist Republics")
        .unwrap();
    assert_eq!(
        (named.code().as_str(), named.name()),
        ("SUN", "Union Of Soviet Socialist Republics")
    );
    assert!(ussr.party_named(" ").is_err());
    assert_eq!(Country::all().count(), 280);
    assert_eq!(Country::all().filter(Country::is_former).count(), 31);
}

#[test]
fn a_tracker_returns_a_party_by_its_code() {
    let code = |text: &str| text.parse::<PartyCode>().unwrap();
    let mut tracker = bilateral::Tracker::new();
    assert!(tracker.party(code("IND")).is_none());
    let mut first = crate::common::opened(EventKind::Proposed, "2024-01-10");
    tracker.insert(first.clone()).unwrap();
    assert_eq!(tracker.party(code("IND")).map(Party::name), Some("India"));
    assert_eq!(tracker.party(code("JPN")).map(Party::name), Some("Japan"));
    assert!(tracker.party(code("FRA")).is_none());
    tracker.remove(first.id()).unwrap();
    assert!(tracker.party(code("IND")).is_none());
    first = crate::common::opened(EventKind::Proposed, "2024-01-10");
    tracker.insert(first).unwrap();
    assert_eq!(tracker.party(code("IND")).map(Party::name), Some("India"));
}

#[test]
fn a_party_code_shows_reads_and_lends_its_text() {
    let code: PartyCode = "ind".parse().unwrap();
    assert_eq!(format!("{code:?}"), "PartyCode(IND)");
    let text: &str = code.as_ref();
    assert_eq!(text, "IND");
    for (text, kind) in [
        ("state", PartyKind::State),
        ("State", PartyKind::State),
        ("organisation", PartyKind::Organisation),
        ("organization", PartyKind::Organisation),
    ] {
        assert_eq!(text.parse::<PartyKind>().unwrap(), kind, "{text}");
    }
    assert!("empire".parse::<PartyKind>().is_err());
}

#[test]
fn a_stage_set_shows_reads_and_counts_what_is_left() {
    use bilateral::StageSet;
    let set: StageSet = [Stage::Proposed, Stage::MoiSigned, Stage::Terminated]
        .into_iter()
        .collect();
    assert_eq!(set.to_string(), "{proposed, moi-signed, terminated}");
    assert_eq!(StageSet::EMPTY.to_string(), "{}");
    assert_eq!(StageSet::only(Stage::Finalised).to_string(), "{finalised}");
    assert_eq!(format!("{set:?}"), "{Proposed, MoiSigned, Terminated}");
    let json = serde_json::to_value(set).unwrap();
    assert_eq!(
        json,
        serde_json::json!(["proposed", "moi-signed", "terminated"])
    );
    assert_eq!(serde_json::from_value::<StageSet>(json).unwrap(), set);
    let mut stages = set.iter();
    assert_eq!(stages.len(), 3);
    assert_eq!(stages.next(), Some(Stage::Proposed));
    assert_eq!(stages.len(), 2);
    assert_eq!(stages.next(), Some(Stage::MoiSigned));
    assert_eq!(stages.size_hint(), (1, Some(1)));
    assert_eq!(stages.next(), Some(Stage::Terminated));
    assert_eq!(stages.len(), 0);
}

#[test]
fn a_custom_subject_area_shows_its_name() {
    let area: SubjectArea = "Deep sea mining".parse().unwrap();
    let SubjectArea::Custom(custom) = &area else {
        panic!("{area:?} is not custom");
    };
    assert_eq!(custom.to_string(), "deep-sea-mining");
    assert_eq!(custom.as_str(), "deep-sea-mining");
}

#[test]
fn a_custom_subject_area_has_at_most_64_characters() {
    let longest = "a".repeat(64);
    assert_eq!(longest.parse::<SubjectArea>().unwrap().as_str(), longest);
    let err = "a".repeat(65).parse::<SubjectArea>().unwrap_err();
    assert!(
        matches!(
            err,
            ValueError::SubjectArea {
                rule: bilateral::model::SubjectRule::TooLong(64),
                ..
            }
        ),
        "{err:?}"
    );
}

/// Every value with a text form converts from `&str` and `String` as
/// `parse` reads it, errors included: a generic argument takes text, and a
/// typed one takes `"text".try_into()?`.
#[test]
fn values_convert_from_text_as_they_parse() {
    fn same<T>(texts: &[&str])
    where
        T: std::str::FromStr
            + for<'a> TryFrom<&'a str, Error = <T as std::str::FromStr>::Err>
            + TryFrom<String, Error = <T as std::str::FromStr>::Err>
            + PartialEq
            + std::fmt::Debug,
        <T as std::str::FromStr>::Err: PartialEq + std::fmt::Debug,
    {
        for text in texts {
            let parsed = text.parse::<T>();
            assert_eq!(T::try_from(*text), parsed, "{text:?}");
            assert_eq!(T::try_from(text.to_string()), text.parse::<T>(), "{text:?}");
        }
    }
    same::<EventDate>(&["2024-11-22", "2017?", "2024-13", ""]);
    same::<PartyCode>(&["IND", "ind", "I", "INDIA-X-TOO-LONG-FOR-A-CODE"]);
    same::<Stage>(&["moi-signed", "MoI signed", "signed"]);
    same::<EventKind>(&["meeting", "entered-into-force", "party"]);
    same::<InstrumentKind>(&["mou", "protocol", "pact"]);
    same::<SubjectArea>(&["logistics", "Deep sea mining", ""]);
    same::<Precision>(&["day", "week"]);
    same::<PartyKind>(&["state", "organisation", "city"]);
    same::<bilateral::AgreementId>(&["0193592c-8a2e-7c4e-9a53-3f1d2b6c0001", "1"]);
    same::<bilateral::EventId>(&["0193592c-8a2e-7c4e-9a53-3f1d2b6c0001", "x"]);
    same::<bilateral::tracker::Order>(&["title", "newest"]);
    same::<bilateral::Trigger>(&["*", "finalised", "deliberated->finalised", "->"]);
    // A typed argument takes text through `try_into`.
    let code: PartyCode = "JPN".try_into().unwrap();
    assert_eq!(
        Parties::new(india(), japan()).unwrap().other(code),
        Some(&india())
    );
}

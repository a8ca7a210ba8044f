//! The founding scenario: India and Japan on the sidelines of the 11th
//! ADMM-Plus in Vientiane, recorded once as an occasion that touched two
//! tracks; the UNICORN mast MoI implementing the 2015 agreement on defence
//! equipment and technology; the logistics agreement, which the 2024 report
//! speaks of as still deliberated while public records have it signed in
//! 2020, the two claims kept side by side; and India and the Philippines
//! widening cooperation, with a memorandum that some sources date 2017 and
//! others 2018.
//!
//! Run it with `cargo run --example vientiane_2024`.

use bilateral::{
    Agreement, Change, Event, EventKind, InstrumentKind, Link, LinkKind, Occasion, Parties, Party,
    Representative, Source, Stage, SubjectArea, Tracker,
};

fn main() -> Result<(), bilateral::Error> {
    let india = Party::state("IND", "India")?;
    let japan = Party::state("JPN", "Japan")?;
    let philippines = Party::state("PHL", "Philippines")?;
    let india_japan = || Parties::new(india.clone(), japan.clone());
    let mut tracker = Tracker::new();

    // The meeting of ministers, known once; events of several agreements
    // refer to it by name and must be dated within it.
    tracker.add_occasion(
        Occasion::new(
            "11th ADMM-Plus",
            "2024-11-20".parse()?,
            "2024-11-22".parse()?,
        )?
        .with_venue("Vientiane")?,
    )?;

    let singh = Representative::new("Rajnath Singh", "Minister of Defence", india.code())?;
    let nakatani = Representative::new("Gen Nakatani", "Minister of Defense", japan.code())?;
    let report = Source::new(
        "The Hindu",
        "Rajnath Singh holds talks with Japanese counterpart in Vientiane",
    )?
    .published("2024-11-23".parse()?);
    let talks = |kind: EventKind, summary: &str| {
        Event::builder(kind, "2024-11-22".parse().expect("a date"))
            .venue("Vientiane")
            .occasion("11th ADMM-Plus")
            .participants([singh.clone(), nakatani.clone()])
            .summary(summary)
            .source(report.clone())
            .build()
    };

    // One meeting on 2024-11-22, reported the next day, touched two tracks.
    // The logistics agreement was deliberated, not finalised.
    let rpss = tracker.create(
        Agreement::builder(
            "Reciprocal Provision of Supplies and Services",
            india_japan()?,
        )
        .subject(SubjectArea::Logistics),
        talks(
            EventKind::Deliberated,
            "Use of each other's bases for repairs, replenishment and logistical support discussed",
        )?,
    )?;
    tracker.create(
        Agreement::builder(
            "Co-production and co-development of defence equipment",
            india_japan()?,
        )
        .subjects([SubjectArea::CoDevelopment, SubjectArea::DefenceIndustry]),
        talks(
            EventKind::Deliberated,
            "Co-production and co-development of hardware, the air domain and exercises discussed",
        )?,
    )?;

    // The agreement the mast is developed under, signed in 2015.
    let transfer = tracker.create(
        Agreement::builder(
            "Transfer of Defence Equipment and Technology",
            india_japan()?,
        )
        .subject(SubjectArea::DefenceTechnology),
        Event::builder(EventKind::Finalised, "2015-12-12".parse()?)
            .venue("New Delhi")
            .summary("Agreement concerning the transfer of defence equipment and technology signed")
            .build()?,
    )?;

    // The UNICORN mast enters the record already at "MoI signed",
    // implementing the 2015 agreement: the tracker checks that it is known
    // and between the same parties.
    let unicorn = tracker.create(
        Agreement::builder(
            "Co-development of the UNICORN mast",
            Parties::new(japan.clone(), india.clone())?,
        )
        .instrument(InstrumentKind::MemorandumOfImplementation)
        .subjects([
            SubjectArea::CoDevelopment,
            SubjectArea::DefenceTechnology,
            SubjectArea::MaritimeSecurity,
        ]),
        Event::builder(EventKind::MoiSigned, "2024-11-15".parse()?)
            .venue("Tokyo")
            .summary("Memorandum of Implementation for co-developing a stealth-enhancing radio antenna for warships")
            .link(Link::new(LinkKind::Implements, transfer))
            .build()?,
    )?;

    // The report speaks of the logistics agreement as still deliberated;
    // public records have it signed in New Delhi on 2020-09-09. The two
    // sources disagree: the record keeps the report's account in force and
    // sets the public record beside it as a rival claim, with its source,
    // rather than silently picking one.
    let deliberated = tracker
        .get(rpss)
        .and_then(|agreement| agreement.history().next())
        .map(Event::id)
        .expect("the logistics agreement's first event");
    let signed = Event::builder(EventKind::Finalised, "2020-09-09".parse()?)
        .id(deliberated)
        .venue("New Delhi")
        .summary("Agreement concerning reciprocal provision of supplies and services signed")
        .source(
            Source::new(
                "Ministry of External Affairs",
                "Signing of the India–Japan agreement on reciprocal provision of supplies and services",
            )?
            .published("2020-09-10".parse()?),
        )
        .build()?;
    tracker.apply(rpss, None, Change::Dispute(signed))?;

    // India and the Philippines: the 2006 agreement, and a later memorandum
    // under it that some sources date 2017 and others 2018.
    let india_philippines = || Parties::new(india.clone(), philippines.clone());
    let cooperation_2006 = tracker.create(
        Agreement::builder(
            "Agreement concerning Defence Cooperation",
            india_philippines()?,
        )
        .subject(SubjectArea::DefenceIndustry),
        Event::builder(EventKind::Finalised, "2006-02-04".parse()?).build()?,
    )?;
    let memorandum_signed = Event::builder(EventKind::Finalised, "2017".parse()?)
        .summary("Memorandum on defence industry and logistics cooperation signed")
        .link(Link::new(LinkKind::Implements, cooperation_2006))
        .source(Source::new(
            "Earlier accounts",
            "India–Philippines defence relations",
        )?)
        .build()?;
    let memorandum = tracker.create(
        Agreement::builder(
            "Memorandum on defence industry and logistics cooperation",
            india_philippines()?,
        )
        .instrument(InstrumentKind::MemorandumOfUnderstanding)
        .subjects([SubjectArea::DefenceIndustry, SubjectArea::Logistics]),
        memorandum_signed.clone(),
    )?;
    let dated_2018 = memorandum_signed
        .to_builder()
        .date("2018".parse()?)
        .clear_sources()
        .source(Source::new(
            "Later accounts",
            "India–Philippines defence relations",
        )?)
        .build()?;
    tracker.apply(memorandum, None, Change::Dispute(dated_2018))?;

    // India and the Philippines agreed to deepen cooperation in four areas.
    tracker.create(
        Agreement::builder(
            "India–Philippines defence cooperation",
            Parties::new(india, philippines)?,
        )
        .instrument(InstrumentKind::MemorandumOfUnderstanding)
        .subjects([
            SubjectArea::CounterTerrorism,
            SubjectArea::Space,
            SubjectArea::MaritimeSecurity,
            SubjectArea::DefenceIndustry,
        ]),
        Event::builder(EventKind::Proposed, "2024-11".parse()?)
            .summary("Both sides agreed to deepen cooperation")
            .build()?,
    )?;

    for agreement in tracker.iter() {
        println!("{agreement}");
    }

    // What happened at the ADMM-Plus, across agreements.
    println!("{}", tracker.occasion_timeline("11th ADMM-Plus"));

    // The instrument family of the mast, both ways.
    for linked in tracker.implemented_by(transfer) {
        println!(
            "under the 2015 agreement: {} ({}, {})",
            linked.agreement.title(),
            linked.event.kind().label(),
            linked.event.date()
        );
    }
    if let Some(family) = tracker.family(unicorn) {
        println!("{}", family.mermaid());
    }

    // Where sources disagree, the answers say so: both claims stand, each
    // with its sources, and the stage between them is disputed.
    let logistics = tracker.get(rpss).expect("the logistics agreement");
    println!("{}", logistics.timeline());
    for (date, agreement) in [
        ("2022-01-01", logistics),
        ("2017-07", tracker.get(memorandum).expect("the memorandum")),
    ] {
        let on = agreement.stage_on(date.parse()?);
        let mut claimed: Vec<&str> = on.candidates.iter().map(Stage::label).collect();
        if on.certain.is_none() {
            claimed.push("no stage yet");
        }
        println!(
            "{} on {date}: {}: {}",
            agreement.title(),
            if on.disputed { "disputed" } else { "agreed" },
            claimed.join(", or ")
        );
    }
    println!(
        "agreements with a disputed claim: {}",
        tracker.query().disputed().count()
    );

    // Changes the tracker refuses, leaving everything as it was: finalising
    // the logistics agreement straight from deliberation, without an MoI;
    // and a meeting "at the ADMM-Plus" dated after it ended.
    let before = tracker.clone();
    let attempt = Event::new(EventKind::Finalised, "2024-11-25".parse()?);
    match tracker.record(rpss, attempt) {
        Ok(_) => println!("unexpectedly accepted"),
        Err(err) => println!("refused: {err}"),
    }
    let late = Event::builder(EventKind::Meeting, "2024-11-25".parse()?)
        .occasion("11th ADMM-Plus")
        .build()?;
    match tracker.record(rpss, late) {
        Ok(_) => println!("unexpectedly accepted"),
        Err(err) => println!("refused: {err}"),
    }
    assert_eq!(
        tracker, before,
        "a refused change leaves the tracker as it was"
    );
    Ok(())
}

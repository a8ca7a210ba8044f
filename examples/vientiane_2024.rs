//! The founding scenario: India and Japan on the sidelines of the 11th
//! ADMM-Plus in Vientiane, the UNICORN mast MoI implementing the 2015
//! agreement on defence equipment and technology, and India and the
//! Philippines widening cooperation.
//!
//! Run it with `cargo run --example vientiane_2024`.

use bilateral::{
    Agreement, Event, EventKind, InstrumentKind, Link, LinkKind, Parties, Party, Representative,
    Source, SubjectArea, Tracker,
};

fn main() -> Result<(), bilateral::Error> {
    let india = Party::state("IND", "India")?;
    let japan = Party::state("JPN", "Japan")?;
    let philippines = Party::state("PHL", "Philippines")?;

    let singh = Representative::new("Rajnath Singh", "Minister of Defence", india.code())?;
    let nakatani = Representative::new("Gen Nakatani", "Minister of Defense", japan.code())?;
    let report = Source::new(
        "The Hindu",
        "Rajnath Singh holds talks with Japanese counterpart in Vientiane",
    )?
    .published("2024-11-23".parse()?);

    // One meeting on 2024-11-22, reported the next day, touched several tracks.
    // The logistics agreement was deliberated, not finalised.
    let mut rpss = Agreement::builder(
        "Reciprocal Provision of Supplies and Services",
        Parties::new(india.clone(), japan.clone())?,
    )
    .subject(SubjectArea::Logistics)
    .build(
        Event::builder(EventKind::Deliberated, "2024-11-22".parse()?)
            .venue("Vientiane")
            .occasion("11th ADMM-Plus")
            .participants([singh.clone(), nakatani.clone()])
            .summary("Use of each other's bases for repairs, replenishment and logistical support discussed")
            .source(report.clone())
            .build()?,
    )?;

    // The same meeting also covered co-production, the air domain and exercises.
    rpss.record(
        Event::builder(EventKind::Meeting, "2024-11-22".parse()?)
            .venue("Vientiane")
            .occasion("11th ADMM-Plus")
            .participants([singh, nakatani])
            .summary("Co-production and co-development of hardware, the air domain and exercises discussed")
            .source(report)
            .build()?,
    )?;

    // The agreement the mast is developed under, signed in 2015.
    let transfer = Agreement::builder(
        "Transfer of Defence Equipment and Technology",
        Parties::new(india.clone(), japan.clone())?,
    )
    .subject(SubjectArea::DefenceTechnology)
    .build(
        Event::builder(EventKind::Finalised, "2015-12-12".parse()?)
            .venue("New Delhi")
            .summary("Agreement concerning the transfer of defence equipment and technology signed")
            .build()?,
    )?;

    // The UNICORN mast enters the record already at "MoI signed",
    // implementing the 2015 agreement.
    let unicorn = Agreement::builder(
        "Co-development of the UNICORN mast",
        Parties::new(japan, india.clone())?,
    )
    .instrument(InstrumentKind::MemorandumOfImplementation)
    .subjects([
        SubjectArea::CoDevelopment,
        SubjectArea::DefenceTechnology,
        SubjectArea::MaritimeSecurity,
    ])
    .build(
        Event::builder(EventKind::MoiSigned, "2024-11-15".parse()?)
            .venue("Tokyo")
            .summary("Memorandum of Implementation for co-developing a stealth-enhancing radio antenna for warships")
            .link(Link::new(LinkKind::Implements, transfer.id()))
            .build()?,
    )?;

    // India and the Philippines agreed to deepen cooperation in four areas.
    let philippines_track = Agreement::builder(
        "India–Philippines defence cooperation",
        Parties::new(india, philippines)?,
    )
    .instrument(InstrumentKind::MemorandumOfUnderstanding)
    .subjects([
        SubjectArea::CounterTerrorism,
        SubjectArea::Space,
        SubjectArea::MaritimeSecurity,
        SubjectArea::DefenceIndustry,
    ])
    .build(
        Event::builder(EventKind::Proposed, "2024-11".parse()?)
            .summary("Both sides agreed to deepen cooperation")
            .build()?,
    )?;

    for agreement in [&rpss, &unicorn, &philippines_track] {
        println!("{agreement}");
    }

    // In one tracker, the link is checked (the 2015 agreement is known,
    // between the same parties) and can be followed both ways.
    let mut tracker = Tracker::new();
    let (transfer_id, unicorn_id) = (transfer.id(), unicorn.id());
    for agreement in [transfer, unicorn, rpss.clone(), philippines_track] {
        tracker.insert(agreement)?;
    }
    for linked in tracker.implemented_by(transfer_id) {
        println!(
            "under the 2015 agreement: {} ({}, {})",
            linked.agreement.title(),
            linked.event.kind().label(),
            linked.event.date()
        );
    }
    if let Some(family) = tracker.family(unicorn_id) {
        println!("{}", family.mermaid());
    }

    // A change the lifecycle refuses: finalising the logistics agreement
    // straight from deliberation, without an MoI.
    let before = rpss.clone();
    let attempt = Event::new(EventKind::Finalised, "2024-11-25".parse()?);
    match rpss.record(attempt) {
        Ok(_) => println!("unexpectedly accepted"),
        Err(err) => println!("refused: {err}"),
    }
    assert_eq!(
        rpss, before,
        "a refused change leaves the agreement as it was"
    );
    Ok(())
}

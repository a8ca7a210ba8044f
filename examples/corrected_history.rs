//! A misdated event corrected without erasing it: the audit trail keeps both
//! claims with their sources, the timeline shows the corrected history as
//! text and as Mermaid, and the agreement round-trips through JSON.
//!
//! Run it with `cargo run --example corrected_history`.

use bilateral::{
    Agreement, Context, Event, EventKind, FixedClock, InstrumentKind, Parties, Party, Policy,
    Source, Stage, SubjectArea,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let policy = Policy::standard();
    // Recording instants and ids are injected, so the output is the same on every run.
    let first_report = FixedClock::new("2019-03-04T10:00:00Z".parse()?);
    let second_report = FixedClock::new("2021-09-14T16:30:00Z".parse()?);

    let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    let signed = Event::builder(EventKind::MoiSigned, "2017-06".parse()?)
        .id("0191e2a0-0000-7000-8000-000000000002".parse()?)
        .summary("Memorandum of implementation on naval cooperation signed")
        .source(
            Source::new("First report", "India and Japan sign naval MoI")?
                .published("2017-06".parse()?),
        )
        .build()?;
    let mut agreement = Agreement::builder("Naval cooperation", parties)
        .id("0191e2a0-0000-7000-8000-000000000001".parse()?)
        .instrument(InstrumentKind::MemorandumOfImplementation)
        .subjects([SubjectArea::MaritimeSecurity, SubjectArea::Exercises])
        .build_with(&Context::new(&policy, &first_report), signed.clone())?;

    // A later source says the MoI was signed in 2018: correct it, citing that source.
    let corrected = signed
        .to_builder()
        .date("2018".parse()?)
        .clear_sources()
        .source(
            Source::new("Later report", "The naval MoI dates from 2018")?
                .published("2021-09".parse()?),
        )
        .build()?;
    agreement.correct_with(&Context::new(&policy, &second_report), corrected)?;

    println!("{}", agreement.audit_trail());
    println!("{}", agreement.timeline());
    println!("```mermaid\n{}```\n", agreement.timeline().mermaid());

    // What the record said before the correction, and the stage on a date.
    let before = agreement
        .as_recorded_at("2020-01-01T00:00:00Z".parse()?)
        .ok_or("no record by then")?;
    println!(
        "as recorded on 2020-01-01, the MoI was dated {}",
        before.history().next().ok_or("empty history")?.date()
    );
    let on = agreement.stage_on("2018-06-01".parse()?);
    println!(
        "on 2018-06-01: certainly {:?}, possibly {:?}",
        on.certain.map(Stage::label),
        on.possible.map(Stage::label)
    );

    // Round trip through the versioned JSON format.
    let json = serde_json::to_string_pretty(&agreement)?;
    let back: Agreement = serde_json::from_str(&json)?;
    assert_eq!(back, agreement);
    println!("\nround-tripped through {} bytes of JSON", json.len());
    Ok(())
}

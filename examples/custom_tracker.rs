//! A tracker with its own rules: a ministry that lets logistics agreements
//! skip the MoI, and insists that both parties' representatives take part in
//! a finalisation. A user-defined guard, an observer that prints each stage
//! change, the policy drawn as a Mermaid diagram, what changed from the
//! standard policy, and what the change lets through, checked over every
//! history the new rules allow.
//!
//! Run it with `cargo run --example custom_tracker`.

use bilateral::lifecycle::{BothPartiesRepresented, Property};
use bilateral::{
    Agreement, Context, Event, EventKind, Guard, Parties, Party, Policy, Proposal, Representative,
    Stage, StageChange, SubjectArea, Trigger, Veto,
};

/// Only logistics agreements may go from deliberation straight to
/// finalisation.
#[derive(Debug)]
struct LogisticsOnly;

impl Guard for LogisticsOnly {
    fn name(&self) -> &str {
        "logistics-only"
    }

    fn check(&self, proposal: &Proposal<'_>) -> Result<(), Veto> {
        if proposal.covers(&SubjectArea::Logistics) {
            Ok(())
        } else {
            Err(Veto::new(
                "only logistics agreements may be finalised without an MoI",
            ))
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let ministry = Policy::standard()
        .to_builder()
        .name("ministry")
        .allow(Stage::Deliberated, Stage::Finalised)
        .guard(
            Trigger::Transition {
                from: Stage::Deliberated,
                to: Stage::Finalised,
            },
            LogisticsOnly,
        )
        .guard(Trigger::Into(Stage::Finalised), BothPartiesRepresented)
        .build()?;

    println!(
        "The ministry's policy:\n\n```mermaid\n{}```\n",
        ministry.mermaid()
    );

    // What a reviewer of the rule change sees: the change, then what it
    // lets through. The rules still keep an MoI signed once at most and
    // nothing after a withdrawal; but finalisation no longer needs an MoI,
    // and the shortest history that shows it comes back as a story.
    print!("{}", Policy::standard().diff(&ministry));
    ministry.verify(Property::AtMost {
        stage: Stage::MoiSigned,
        times: 1,
    })?;
    ministry.verify("finalised is unreachable from withdrawn".parse()?)?;
    if let Err(skipped) = ministry.verify(Property::EveryPathPasses {
        to: Stage::Finalised,
        through: Stage::MoiSigned,
    }) {
        println!("\n{skipped}\n{}", skipped.timeline());
        println!(
            "(guards the check cannot read may refuse a step of it: {})\n",
            skipped.opaque_guards().join(", ")
        );
    }

    // An observer sees every accepted stage change; it only gets shared
    // references, so it cannot change anything.
    let print = |change: &StageChange<'_>| {
        let before = change.receipt.before.map_or("(no record)", Stage::label);
        println!(
            "[observer] {}: {} -> {} ({} on {})",
            change.agreement.title(),
            before,
            change.receipt.after.label(),
            change.event.kind().label(),
            change.event.date()
        );
    };
    let context = Context::standard()
        .with_policy(&ministry)
        .with_observer(&print);

    let india = Party::state("IND", "India")?;
    let japan = Party::state("JPN", "Japan")?;
    let singh = Representative::new("Rajnath Singh", "Minister of Defence", india.code())?;
    let nakatani = Representative::new("Gen Nakatani", "Minister of Defense", japan.code())?;

    // A logistics agreement may skip the MoI, if both sides sign.
    let mut rpss = Agreement::builder(
        "Reciprocal Provision of Supplies and Services",
        Parties::new(india.clone(), japan.clone())?,
    )
    .subject(SubjectArea::Logistics)
    .build_with(
        &context,
        Event::new(EventKind::Deliberated, "2024-11-22".parse()?),
    )?;

    let one_sided = Event::builder(EventKind::Finalised, "2025-01-15".parse()?)
        .participant(singh.clone())
        .build()?;
    if let Err(err) = rpss.record_with(&context, one_sided) {
        println!("refused: {err}");
    }
    let signed = Event::builder(EventKind::Finalised, "2025-01-15".parse()?)
        .venue("New Delhi")
        .participants([singh.clone(), nakatani.clone()])
        .build()?;
    rpss.record_with(&context, signed)?;

    // Co-development is not logistics: it still needs its MoI.
    let mut unicorn =
        Agreement::builder("UNICORN mast co-development", Parties::new(india, japan)?)
            .subject(SubjectArea::CoDevelopment)
            .build_with(
                &context,
                Event::new(EventKind::Deliberated, "2024-06".parse()?),
            )?;
    let skipping = Event::builder(EventKind::Finalised, "2024-11-15".parse()?)
        .participants([singh, nakatani])
        .build()?;
    if let Err(err) = unicorn.record_with(&context, skipping) {
        println!("refused: {err}");
    }
    unicorn.record_with(
        &context,
        Event::builder(EventKind::MoiSigned, "2024-11-15".parse()?)
            .venue("Tokyo")
            .build()?,
    )?;

    println!();
    for agreement in [&rpss, &unicorn] {
        println!("{agreement}");
    }
    Ok(())
}

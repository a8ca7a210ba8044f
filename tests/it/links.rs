//! Links between instruments: each rule accepted and refused (the refusal
//! naming both agreements, nothing changed), the queries both ways, the
//! family diagram, and documents keeping links.

use bilateral::document::AgreementDocument;
use bilateral::{
    Agreement, AgreementId, Change, Error, ErrorKind, Event, EventKind, Link, LinkKind, Parties,
    Policy, Tracker,
};

use crate::common::{assert_same_tracker, date, id, india, india_japan, japan, philippines};

fn agreement_id(n: u128) -> AgreementId {
    AgreementId::from_uuid(uuid::Uuid::from_u128(n))
}

fn india_philippines() -> Parties {
    Parties::new(india(), philippines()).unwrap()
}

/// An event with a deterministic id making `links`.
fn linking(n: u128, kind: EventKind, on: &str, links: &[Link]) -> Event {
    Event::builder(kind, date(on))
        .id(id(n))
        .links(links.iter().copied())
        .build()
        .unwrap()
}

/// Creates agreement `n` in `tracker`, opened by an event making `links`.
fn create(
    tracker: &mut Tracker,
    n: u128,
    title: &str,
    parties: Parties,
    links: &[Link],
) -> Result<AgreementId, Error> {
    Ok(tracker.create(
        Agreement::builder(title, parties).id(agreement_id(n)),
        linking(n * 100, EventKind::Finalised, "2015-12-12", links),
    )?)
}

/// The 2015 framework and the 2024 mast MoI implementing it.
fn framework_and_mast() -> (Tracker, AgreementId, AgreementId) {
    let mut tracker = Tracker::new();
    let framework = create(
        &mut tracker,
        1,
        "Transfer of Defence Equipment and Technology",
        india_japan(),
        &[],
    )
    .unwrap();
    let mast = tracker
        .create(
            Agreement::builder("UNICORN mast", india_japan()).id(agreement_id(2)),
            linking(
                200,
                EventKind::MoiSigned,
                "2024-11-15",
                &[Link::new(LinkKind::Implements, framework)],
            ),
        )
        .unwrap();
    (tracker, framework, mast)
}

#[test]
fn an_event_keeps_each_link_once_and_refuses_too_many() {
    let target = agreement_id(9);
    let link = Link::new(LinkKind::Amends, target);
    let event = linking(1, EventKind::Finalised, "2020", &[link, link]);
    assert_eq!(event.links(), [link]);
    let too_many: Vec<Link> = (0..=bilateral::limits::MAX_LINKS as u128)
        .map(|n| Link::new(LinkKind::Extends, agreement_id(1000 + n)))
        .collect();
    let err = Event::builder(EventKind::Note, date("2020"))
        .links(too_many)
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "too many links for one event: 101, and the limit is 100"
    );
    // Corrections made from an event keep its links, unless cleared.
    assert_eq!(event.to_builder().build().unwrap().links(), [link]);
    assert!(
        event
            .to_builder()
            .clear_links()
            .build()
            .unwrap()
            .links()
            .is_empty()
    );
}

#[test]
fn an_agreement_cannot_link_to_itself() {
    let own = agreement_id(1);
    let err = Agreement::builder("Loop", india_japan())
        .id(own)
        .build(linking(
            1,
            EventKind::Proposed,
            "2020",
            &[Link::new(LinkKind::Supersedes, own)],
        ))
        .unwrap_err();
    assert_eq!(Error::from(err.clone()).kind(), ErrorKind::SelfLink);
    assert_eq!(
        err.to_string(),
        format!(
            "cannot record an event of agreement \"Loop\" ({own}) that says it supersedes itself: \
             a link names another agreement"
        )
    );
    // On a recorded agreement, a correction is refused the same way and
    // changes nothing.
    let mut pact = Agreement::builder("Pact", india_japan())
        .id(own)
        .build(linking(1, EventKind::Proposed, "2020", &[]))
        .unwrap();
    let before = pact.clone();
    let corrected = linking(
        1,
        EventKind::Proposed,
        "2020",
        &[Link::new(LinkKind::Amends, own)],
    );
    let err = pact.correct(corrected).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("cannot correct an event of agreement \"Pact\"")
    );
    assert_eq!(pact, before);
}

#[test]
fn a_tracker_refuses_a_link_to_an_agreement_it_never_held() {
    let (mut tracker, _, mast) = framework_and_mast();
    let before = tracker.clone();
    let stranger = agreement_id(77);
    let err: Error = tracker
        .record(
            mast,
            linking(
                300,
                EventKind::Note,
                "2024-12",
                &[Link::new(LinkKind::Extends, stranger)],
            ),
        )
        .unwrap_err()
        .into();
    assert_eq!(err.kind(), ErrorKind::UnknownLinkTarget);
    assert_eq!(err.agreement(), Some(mast));
    assert_eq!(
        err.to_string(),
        format!(
            "agreement \"UNICORN mast\" ({mast}) cannot say it extends {stranger}: \
             the tracker holds no agreement {stranger}"
        )
    );
    assert_same_tracker(&tracker, &before);
    // Creating or inserting with such a link is refused too.
    let err = create(
        &mut tracker,
        3,
        "Orphan",
        india_japan(),
        &[Link::new(LinkKind::Amends, stranger)],
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnknownLinkTarget);
    let orphan = Agreement::builder("Orphan", india_japan())
        .build(linking(
            400,
            EventKind::Proposed,
            "2020",
            &[Link::new(LinkKind::Amends, stranger)],
        ))
        .unwrap();
    let err: Error = tracker.insert(orphan).unwrap_err().into();
    assert_eq!(err.kind(), ErrorKind::UnknownLinkTarget);
    assert_same_tracker(&tracker, &before);
}

#[test]
fn an_implementing_instrument_is_between_the_same_parties_unless_the_policy_allows() {
    let (mut tracker, framework, _) = framework_and_mast();
    let before = tracker.clone();
    // Japan–India is India–Japan: accepted.
    let reversed = Parties::new(japan(), india()).unwrap();
    let err = create(
        &mut tracker,
        3,
        "Philippine arrangement",
        india_philippines(),
        &[Link::new(LinkKind::Implements, framework)],
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LinkParties);
    assert_eq!(
        err.to_string(),
        format!(
            "agreement \"Philippine arrangement\" ({}, India–Philippines) cannot implement \
             \"Transfer of Defence Equipment and Technology\" ({framework}, India–Japan): an \
             implementing instrument is between the parties of what it implements, and the \
             tracker's policy allows no other",
            agreement_id(3)
        )
    );
    assert_same_tracker(&tracker, &before);
    create(
        &mut tracker,
        4,
        "Reversed",
        reversed,
        &[Link::new(LinkKind::Implements, framework)],
    )
    .unwrap();
    // Parties are known by their codes: another spelling of a name is the
    // same party.
    let renamed = Parties::new(
        bilateral::Party::state("IND", "Republic of India").unwrap(),
        japan(),
    )
    .unwrap();
    create(
        &mut tracker,
        6,
        "Renamed",
        renamed,
        &[Link::new(LinkKind::Implements, framework)],
    )
    .unwrap();
    // Other kinds of link may cross parties.
    create(
        &mut tracker,
        5,
        "Successor",
        india_philippines(),
        &[Link::new(LinkKind::Supersedes, framework)],
    )
    .unwrap();
    // A policy may allow implementing across parties.
    let open = Policy::standard()
        .to_builder()
        .name("open")
        .implementing_across_parties(true)
        .build()
        .unwrap();
    let mut tracker = Tracker::with_policy(open);
    let framework = create(&mut tracker, 1, "Framework", india_japan(), &[]).unwrap();
    create(
        &mut tracker,
        3,
        "Philippine arrangement",
        india_philippines(),
        &[Link::new(LinkKind::Implements, framework)],
    )
    .unwrap();
}

#[test]
fn amendments_and_supersessions_may_not_come_back_to_where_they_started() {
    let mut tracker = Tracker::new();
    let a = create(&mut tracker, 1, "A", india_japan(), &[]).unwrap();
    let b = create(
        &mut tracker,
        2,
        "B",
        india_japan(),
        &[Link::new(LinkKind::Amends, a)],
    )
    .unwrap();
    let c = create(
        &mut tracker,
        3,
        "C",
        india_japan(),
        &[Link::new(LinkKind::Amends, b)],
    )
    .unwrap();
    let before = tracker.clone();
    // A amending C would close A <- B <- C <- A.
    let err: Error = tracker
        .record(
            a,
            linking(
                101,
                EventKind::Note,
                "2016",
                &[Link::new(LinkKind::Amends, c)],
            ),
        )
        .unwrap_err()
        .into();
    assert_eq!(err.kind(), ErrorKind::LinkCycle);
    assert_eq!(
        err.to_string(),
        format!(
            "agreement \"A\" ({a}) cannot say it amends \"C\" ({c}): \"C\" already amends it, \
             directly or through others, and an instrument cannot amend itself"
        )
    );
    assert_same_tracker(&tracker, &before);
    // A supersession is judged among supersessions only: A may supersede C.
    tracker
        .record(
            a,
            linking(
                102,
                EventKind::Note,
                "2016",
                &[Link::new(LinkKind::Supersedes, c)],
            ),
        )
        .unwrap();
    let err: Error = tracker
        .record(
            c,
            linking(
                301,
                EventKind::Note,
                "2017",
                &[Link::new(LinkKind::Supersedes, a)],
            ),
        )
        .unwrap_err()
        .into();
    assert_eq!(err.kind(), ErrorKind::LinkCycle);
    // Extensions and implementations may go both ways.
    tracker
        .record(
            c,
            linking(
                302,
                EventKind::Note,
                "2017",
                &[Link::new(LinkKind::Extends, a)],
            ),
        )
        .unwrap();
    tracker
        .record(
            a,
            linking(
                103,
                EventKind::Note,
                "2017",
                &[Link::new(LinkKind::Extends, c)],
            ),
        )
        .unwrap();
}

#[test]
fn links_are_queried_from_the_agreement_they_name() {
    let (mut tracker, framework, mast) = framework_and_mast();
    let successor = create(
        &mut tracker,
        3,
        "Successor",
        india_japan(),
        &[Link::new(LinkKind::Supersedes, framework)],
    )
    .unwrap();
    let implementing: Vec<(AgreementId, String)> = tracker
        .implemented_by(framework)
        .iter()
        .map(|linked| (linked.agreement.id(), linked.event.date().to_string()))
        .collect();
    assert_eq!(implementing, [(mast, "2024-11-15".to_owned())]);
    let superseding: Vec<AgreementId> = tracker
        .superseded_by(framework)
        .iter()
        .map(|linked| linked.agreement.id())
        .collect();
    assert_eq!(superseding, [successor]);
    // Every link, ordered by date: the successor's (2015) before the mast's.
    let all: Vec<String> = tracker
        .linked_to(framework)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        all,
        [
            format!("\"Successor\" supersedes {framework} (2015-12-12 finalised)"),
            format!("\"UNICORN mast\" implements {framework} (2024-11-15 MoI signed)"),
        ]
    );
    assert!(tracker.linked_to(mast).is_empty());
    assert!(tracker.implemented_by(agreement_id(99)).is_empty());
}

#[test]
fn a_correction_or_retraction_moves_the_links_its_event_made() {
    let (mut tracker, framework, mast) = framework_and_mast();
    let other = create(&mut tracker, 3, "Other framework", india_japan(), &[]).unwrap();
    // The MoI was under the other framework: corrected, the link moves.
    let corrected = linking(
        200,
        EventKind::MoiSigned,
        "2024-11-15",
        &[Link::new(LinkKind::Implements, other)],
    );
    tracker
        .apply(mast, None, Change::Correct(corrected))
        .unwrap();
    assert!(tracker.implemented_by(framework).is_empty());
    assert_eq!(tracker.implemented_by(other)[0].agreement.id(), mast);
    // Two events making the same link: retracting one leaves the other's.
    tracker
        .record(
            mast,
            linking(
                201,
                EventKind::Note,
                "2024-12",
                &[Link::new(LinkKind::Implements, other)],
            ),
        )
        .unwrap();
    assert_eq!(tracker.implemented_by(other).len(), 2);
    tracker
        .apply(
            mast,
            None,
            Change::Retract {
                id: id(201),
                reason: "a duplicate note".into(),
            },
        )
        .unwrap();
    let left: Vec<_> = tracker
        .implemented_by(other)
        .iter()
        .map(|l| l.event.id())
        .collect();
    assert_eq!(left, [id(200)]);
    assert_eq!(tracker.get(mast).unwrap().links().count(), 1);
}

#[test]
fn the_amendment_chain_follows_amendments_of_amendments() {
    let mut tracker = Tracker::new();
    let treaty = create(
        &mut tracker,
        1,
        "Defence Cooperation",
        india_philippines(),
        &[],
    )
    .unwrap();
    let first = create(
        &mut tracker,
        2,
        "First protocol",
        india_philippines(),
        &[Link::new(LinkKind::Amends, treaty)],
    )
    .unwrap();
    create(
        &mut tracker,
        3,
        "Second protocol",
        india_philippines(),
        &[Link::new(LinkKind::Amends, first)],
    )
    .unwrap();
    create(
        &mut tracker,
        4,
        "Also amends the first",
        india_philippines(),
        &[
            Link::new(LinkKind::Amends, first),
            Link::new(LinkKind::Amends, treaty),
        ],
    )
    .unwrap();
    create(
        &mut tracker,
        5,
        "An extension",
        india_philippines(),
        &[Link::new(LinkKind::Extends, treaty)],
    )
    .unwrap();
    let chain: Vec<&str> = tracker
        .amendments(treaty)
        .iter()
        .map(|l| l.agreement.title())
        .collect();
    assert_eq!(
        chain,
        ["Also amends the first", "First protocol", "Second protocol"]
    );
}

#[test]
fn a_removed_agreement_stays_linked_to_and_shows_in_the_family_as_removed() {
    let (mut tracker, framework, mast) = framework_and_mast();
    tracker.remove(framework).unwrap();
    // Its links stand; a new link to it is still accepted (it was held).
    assert_eq!(tracker.implemented_by(framework).len(), 1);
    tracker
        .record(
            mast,
            linking(
                201,
                EventKind::Note,
                "2024-12",
                &[Link::new(LinkKind::Extends, framework)],
            ),
        )
        .unwrap();
    let family = tracker.family(mast).unwrap();
    assert_eq!(family.members().len(), 2);
    assert_eq!(
        family.members()[1],
        bilateral::tracker::Member::Gone(framework)
    );
    assert!(tracker.family(framework).is_none());
    // A removed source's links are gone with it.
    tracker.remove(mast).unwrap();
    assert!(tracker.implemented_by(framework).is_empty());
}

#[test]
fn a_family_is_drawn_as_a_flowchart() {
    let (mut tracker, framework, _) = framework_and_mast();
    create(
        &mut tracker,
        3,
        "Successor \"B\" #2",
        india_japan(),
        &[Link::new(LinkKind::Supersedes, framework)],
    )
    .unwrap();
    let family = tracker.family(framework).unwrap();
    let links: Vec<(&str, LinkKind)> = family
        .links()
        .iter()
        .map(|linked| (linked.agreement.title(), linked.link.kind()))
        .collect();
    assert_eq!(
        links,
        [
            ("UNICORN mast", LinkKind::Implements),
            ("Successor \"B\" #2", LinkKind::Supersedes)
        ]
    );
    let drawn = family.mermaid().to_string();
    assert_eq!(
        drawn,
        "flowchart BT\n\
         \x20   a0[\"Transfer of Defence Equipment and Technology<br/>agreement · India–Japan · finalised\"]\n\
         \x20   a1[\"Successor #quot;B#quot; #35;2<br/>agreement · India–Japan · finalised\"]\n\
         \x20   a2[\"UNICORN mast<br/>agreement · India–Japan · MoI signed\"]\n\
         \x20   a2 -- \"implements (2024-11-15)\" --> a0\n\
         \x20   a1 -- \"supersedes (2015-12-12)\" --> a0\n"
    );
}

#[test]
fn documents_keep_links_and_earlier_formats_still_load() {
    let (tracker, framework, mast) = framework_and_mast();
    let json = serde_json::to_string(&tracker).unwrap();
    assert!(json.starts_with("{\"format\":4,"), "{json}");
    assert!(json.contains(&format!(
        "\"links\":[{{\"kind\":\"implements\",\"target\":\"{framework}\"}}]"
    )));
    let back: Tracker = serde_json::from_str(&json).unwrap();
    assert_eq!(back, tracker);
    assert_eq!(back.implemented_by(framework)[0].agreement.id(), mast);
    // An agreement document keeps them too.
    let doc = AgreementDocument::from(tracker.get(mast).unwrap());
    let text = serde_json::to_string(&doc).unwrap();
    let read: AgreementDocument = serde_json::from_str(&text).unwrap();
    assert_eq!(
        read.into_agreement(&Policy::standard())
            .unwrap()
            .links()
            .count(),
        1
    );
    // A link may name an agreement further on in the document: the mast
    // written first still loads.
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    value["agreements"].as_array_mut().unwrap().reverse();
    let back: Tracker = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(back.implemented_by(framework).len(), 1);
    // Without the framework, the link names nothing, and the refusal names
    // the agreement, the path and both ends.
    value["agreements"].as_array_mut().unwrap().pop();
    let err = Tracker::import(
        serde_json::from_value(value).unwrap(),
        &bilateral::lifecycle::Guards::builtin(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "agreement 0 ({mast}) of the document is invalid, so nothing was loaded: at \
             agreements[0].agreement.entries: agreement \
             \"UNICORN mast\" ({mast}) cannot say it implements {framework}: the tracker holds no \
             agreement {framework}"
        )
    );
    // A format 2 document (no links) reads as before.
    let old = json.replace("\"format\":3", "\"format\":2").replace(
        &format!(",\"links\":[{{\"kind\":\"implements\",\"target\":\"{framework}\"}}]"),
        "",
    );
    let back: Tracker = serde_json::from_str(&old).unwrap();
    assert!(back.implemented_by(framework).is_empty());
    assert_eq!(back.len(), 2);
    // A link of an unknown kind is refused at its path.
    let bad = json.replace("\"kind\":\"implements\"", "\"kind\":\"implies\"");
    let err = serde_json::from_str::<Tracker>(&bad)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("at agreements[1].agreement.entries[0].record.links[0].kind: unknown link kind \"implies\""),
        "{err}"
    );
}

#[test]
fn a_policy_document_keeps_the_rule_for_implementing_instruments() {
    let open = Policy::standard()
        .to_builder()
        .name("open")
        .implementing_across_parties(true)
        .build()
        .unwrap();
    let json = serde_json::to_string(&open).unwrap();
    assert!(
        json.ends_with(",\"implementing_across_parties\":true}"),
        "{json}"
    );
    assert_eq!(serde_json::from_str::<Policy>(&json).unwrap(), open);
    assert!(
        !serde_json::to_string(&Policy::standard())
            .unwrap()
            .contains("implementing")
    );
    assert_ne!(
        open,
        open.to_builder()
            .implementing_across_parties(false)
            .build()
            .unwrap()
    );
}

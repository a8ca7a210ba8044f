//! Property tests over random sequences of operations (create, record in and
//! out of order with right and stale versions, correct, retract, remove,
//! dispute and resolve;
//! events making links to other agreements, known, removed or unknown),
//! under three policies: every refused operation changes nothing; every
//! query through the indexes answers exactly what a brute-force scan does;
//! every accepted history is valid under its policy and gives the same
//! stage when replayed from scratch; the tracker round-trips through JSON.
//!
//! `PROPTEST_CASES=100000 cargo test --test tracker_props` runs many more
//! cases than the default.

use bilateral::tracker::Order;
use bilateral::{
    Agreement, AgreementId, Change, Context, Event, EventDate, EventId, EventKind, FixedClock,
    InstrumentKind, Link, LinkKind, Occasion, Parties, Party, PartyCode, Policy, Stage,
    SubjectArea, Tracker,
};
use proptest::prelude::*;

const CODES: [&str; 5] = ["IND", "JPN", "PHL", "FRA", "NOR"];
const AREAS: [SubjectArea; 4] = [
    SubjectArea::Logistics,
    SubjectArea::Space,
    SubjectArea::Trade,
    SubjectArea::Energy,
];
const TITLES: [&str; 4] = [
    "Logistics pact",
    "Space MoU",
    "Trade AGREEMENT",
    "Énergie partagée",
];

/// A generated date: years from 2000, month 0 for a year, day 0 for a month.
type Ymd = (u8, u8, u8);

fn date_of((year, month, day): Ymd) -> EventDate {
    let year = 2000 + i32::from(year);
    match (month, day) {
        (0, _) => EventDate::year(year),
        (m, 0) => EventDate::month(year, u32::from(m)),
        (m, d) => EventDate::day(year, u32::from(m), u32::from(d)),
    }
    .unwrap()
}

fn date_strategy() -> impl Strategy<Value = (u8, u8, u8)> {
    (0u8..12, 0u8..=12, 0u8..=28)
}

#[derive(Debug, Clone)]
enum Op {
    Create {
        a: usize,
        b: usize,
        areas: Vec<usize>,
        title: usize,
        instrument: usize,
        kind: usize,
        date: (u8, u8, u8),
    },
    Record {
        target: usize,
        kind: usize,
        date: (u8, u8, u8),
        stale: bool,
        link: Option<(usize, usize)>,
        occasion: Option<usize>,
    },
    Correct {
        target: usize,
        event: usize,
        kind: usize,
        date: (u8, u8, u8),
        link: Option<(usize, usize)>,
    },
    Retract {
        target: usize,
        event: usize,
    },
    Remove {
        target: usize,
    },
    Dispute {
        target: usize,
        event: usize,
        kind: usize,
        date: (u8, u8, u8),
        sourced: bool,
    },
    Resolve {
        target: usize,
        event: usize,
        pick: usize,
    },
    AddOccasion {
        name: usize,
        from: Ymd,
        to: Ymd,
    },
}

/// The names events give their occasions; some become known to the
/// tracker.
const OCCASIONS: [&str; 3] = ["Summit", "Ministers' meeting", "Forum round"];

/// A link an event may make: its kind, and which agreement it names (one
/// created so far, held or removed, or now and then one never created).
fn link() -> impl Strategy<Value = Option<(usize, usize)>> {
    prop::option::weighted(0.3, (0..LinkKind::ALL.len(), any::<usize>()))
}

/// The event `n` of `kind` on `date`, making the generated link.
fn linking(
    n: u128,
    kind: EventKind,
    date: Ymd,
    link: Option<(usize, usize)>,
    ids: &[AgreementId],
) -> Event {
    let builder =
        Event::builder(kind, date_of(date)).id(EventId::from_uuid(uuid::Uuid::from_u128(n)));
    let builder = match link {
        Some((kind, pick)) => {
            let target = match ids.get(pick % (ids.len() + 1)) {
                Some(id) => *id,
                None => {
                    AgreementId::from_uuid(uuid::Uuid::from_u128(u128::MAX - (pick % 3) as u128))
                }
            };
            builder.link(Link::new(LinkKind::ALL[kind], target))
        }
        None => builder,
    };
    builder.build().unwrap()
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..5usize, 0..5usize, prop::collection::vec(0..4usize, 0..3), 0..4usize, 0..3usize, 0..6usize, date_strategy())
            .prop_map(|(a, b, areas, title, instrument, kind, date)| Op::Create { a, b, areas, title, instrument, kind, date }),
        6 => (any::<usize>(), 0..EventKind::ALL.len(), date_strategy(), any::<bool>(), link(), prop::option::weighted(0.3, 0..OCCASIONS.len()))
            .prop_map(|(target, kind, date, stale, link, occasion)| Op::Record { target, kind, date, stale, link, occasion }),
        1 => (0..OCCASIONS.len(), date_strategy(), date_strategy())
            .prop_map(|(name, from, to)| Op::AddOccasion { name, from, to }),
        2 => (any::<usize>(), any::<usize>(), 0..EventKind::ALL.len(), date_strategy(), link())
            .prop_map(|(target, event, kind, date, link)| Op::Correct { target, event, kind, date, link }),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(target, event)| Op::Retract { target, event }),
        1 => any::<usize>().prop_map(|target| Op::Remove { target }),
        2 => (any::<usize>(), any::<usize>(), 0..EventKind::ALL.len(), date_strategy(), prop::bool::weighted(0.9))
            .prop_map(|(target, event, kind, date, sourced)| Op::Dispute { target, event, kind, date, sourced }),
        1 => (any::<usize>(), any::<usize>(), any::<usize>()).prop_map(|(target, event, pick)| Op::Resolve { target, event, pick }),
    ]
}

#[derive(Debug, Clone)]
struct Q {
    party: Option<usize>,
    pair: Option<(usize, usize)>,
    area: Option<usize>,
    stage: Option<usize>,
    stage_on: Option<(Ymd, usize, usize)>,
    between: Option<(Ymd, Ymd)>,
    instrument: Option<usize>,
    title: Option<&'static str>,
    any_party: Option<Vec<usize>>,
    any_area: Option<Vec<usize>>,
    any_stage: Option<Vec<usize>>,
    reached: Option<(usize, Ymd, Ymd)>,
    disputed: bool,
    /// Order (0 added, 1 title, 2 last event), descending, offset, limit.
    page: (usize, bool, usize, Option<usize>),
}

fn query() -> impl Strategy<Value = Q> {
    (
        (
            prop::option::of(0..5usize),
            prop::option::of((0..5usize, 0..5usize)),
            // 4: no subject area (`unclassified`).
            prop::option::of(0..5usize),
            prop::option::of(0..6usize),
            prop::option::weighted(0.3, (date_strategy(), 0..6usize, 0..3usize)),
            prop::option::of((date_strategy(), date_strategy())),
            prop::option::weighted(0.3, 0..3usize),
            prop::option::weighted(
                0.3,
                prop::sample::select(vec!["pact", "MOU", "agreement", "énergie", "x"]),
            ),
        ),
        (
            prop::option::weighted(0.3, prop::collection::vec(0..5usize, 0..3)),
            prop::option::weighted(0.3, prop::collection::vec(0..4usize, 0..3)),
            prop::option::weighted(0.3, prop::collection::vec(0..6usize, 0..3)),
            prop::option::weighted(0.3, (0..6usize, date_strategy(), date_strategy())),
            (
                0..3usize,
                any::<bool>(),
                prop::sample::select(vec![0usize, 0, 1, 3]),
                prop::option::weighted(0.3, 0..4usize),
            ),
            prop::bool::weighted(0.2),
        ),
    )
        .prop_map(
            |(
                (party, pair, area, stage, stage_on, between, instrument, title),
                (any_party, any_area, any_stage, reached, page, disputed),
            )| Q {
                party,
                pair,
                area,
                stage,
                stage_on,
                between,
                instrument,
                title,
                any_party,
                any_area,
                any_stage,
                reached,
                disputed,
                page,
            },
        )
}

fn code(i: usize) -> PartyCode {
    CODES[i % CODES.len()].parse().unwrap()
}

fn instrument(i: usize) -> InstrumentKind {
    [
        InstrumentKind::Agreement,
        InstrumentKind::MemorandumOfUnderstanding,
        InstrumentKind::Protocol,
    ][i % 3]
}

/// The brute-force answer.
fn matches(a: &Agreement, q: &Q) -> bool {
    q.party.is_none_or(|p| a.parties().contains(code(p)))
        && q.pair.is_none_or(|(x, y)| {
            let (x, y) = (code(x), code(y));
            let pair = if x <= y { (x, y) } else { (y, x) };
            a.parties().codes() == pair
        })
        && q.area.is_none_or(|i| match AREAS.get(i) {
            Some(area) => a.subjects().contains(area),
            None => a.subjects().is_empty(),
        })
        && q.stage.is_none_or(|s| a.stage() == Stage::ALL[s])
        && q.stage_on.is_none_or(|(d, s, meaning)| {
            let on = a.stage_on(date_of(d));
            let stage = Stage::ALL[s];
            match meaning {
                0 => on.is_certainly_at(stage),
                1 => on.is_possibly_at(stage),
                _ => on.has_certainly_reached(stage),
            }
        })
        && q.between.is_none_or(|(from, to)| {
            let (first, last) = (date_of(from).start(), date_of(to).end());
            // A reversed range matches nothing.
            first <= last
                && a.history()
                    .any(|e| e.date().start() <= last && e.date().end() >= first)
        })
        && q.instrument.is_none_or(|i| a.instrument() == instrument(i))
        && q.title
            .is_none_or(|t| a.title().to_lowercase().contains(&t.to_lowercase()))
        && q.any_party
            .as_ref()
            .is_none_or(|ps| ps.iter().any(|p| a.parties().contains(code(*p))))
        && q.any_area
            .as_ref()
            .is_none_or(|areas| areas.iter().any(|i| a.subjects().contains(&AREAS[*i])))
        && q.any_stage
            .as_ref()
            .is_none_or(|stages| stages.iter().any(|s| a.stage() == Stage::ALL[*s]))
        && q.reached.is_none_or(|(s, from, to)| {
            let (first, last) = (date_of(from).start(), date_of(to).end());
            a.history().any(|e| {
                e.kind().stage() == Some(Stage::ALL[s])
                    && e.date().start() >= first
                    && e.date().end() <= last
            })
        })
        && (!q.disputed || !open_rivals(a).is_empty())
}

/// The open rival claims of every event in force, by a scan of the audit
/// trail: the dispute entries of each event since its last resolution.
fn open_rivals(a: &Agreement) -> std::collections::BTreeMap<EventId, Vec<usize>> {
    let mut open = std::collections::BTreeMap::<EventId, Vec<usize>>::new();
    for (position, entry) in a.entries().iter().enumerate() {
        match entry.change() {
            Change::Dispute(rival) => open.entry(rival.id()).or_default().push(position),
            Change::Resolve { id, .. } => {
                open.remove(id);
            }
            _ => {}
        }
    }
    open.retain(|id, _| a.history().any(|e| e.id() == *id));
    open
}

/// The brute-force answer in the query's order and page.
fn expected(tracker: &Tracker, q: &Q) -> Vec<AgreementId> {
    let mut found: Vec<&Agreement> = tracker.iter().filter(|a| matches(a, q)).collect();
    let (order, descending, offset, limit) = q.page;
    match order {
        1 => found.sort_by(|a, b| {
            (a.title().to_lowercase(), a.title()).cmp(&(b.title().to_lowercase(), b.title()))
        }),
        2 => found.sort_by_key(|a| {
            a.history()
                .next_back()
                .map(|e| (e.date().start(), e.date().end()))
        }),
        _ => {}
    }
    if descending {
        found.reverse();
    }
    found
        .into_iter()
        .skip(offset)
        .take(limit.unwrap_or(usize::MAX))
        .map(Agreement::id)
        .collect()
}

fn run(tracker: &Tracker, q: &Q) -> Vec<AgreementId> {
    let mut query = tracker.query();
    if let Some(p) = q.party {
        query = query.party(code(p));
    }
    if let Some((x, y)) = q.pair {
        query = query.pair(code(x), code(y));
    }
    if let Some(i) = q.area {
        query = match AREAS.get(i) {
            Some(area) => query.subject(area.clone()),
            None => query.unclassified(),
        };
    }
    if let Some(s) = q.stage {
        query = query.stage(Stage::ALL[s]);
    }
    if let Some((d, s, meaning)) = q.stage_on {
        let (date, stage) = (date_of(d), Stage::ALL[s]);
        query = match meaning {
            0 => query.certainly_at(date, stage),
            1 => query.possibly_at(date, stage),
            _ => query.certainly_reached(date, stage),
        };
    }
    if let Some((from, to)) = q.between {
        query = query.events_between(date_of(from), date_of(to));
    }
    if let Some(i) = q.instrument {
        query = query.instrument(instrument(i));
    }
    if let Some(t) = q.title {
        query = query.title_contains(t);
    }
    if let Some(ps) = &q.any_party {
        query = query.any_party(ps.iter().map(|p| code(*p)));
    }
    if let Some(areas) = &q.any_area {
        query = query.any_subject(areas.iter().map(|i| AREAS[*i].clone()));
    }
    if let Some(stages) = &q.any_stage {
        query = query.any_stage(stages.iter().map(|s| Stage::ALL[*s]));
    }
    if let Some((s, from, to)) = q.reached {
        query = query.reached_between(Stage::ALL[s], date_of(from), date_of(to));
    }
    if q.disputed {
        query = query.disputed();
    }
    let (order, descending, offset, limit) = q.page;
    query = query.order_by(Order::ALL[order]).offset(offset);
    if descending {
        query = query.descending();
    }
    if let Some(limit) = limit {
        query = query.limit(limit);
    }
    let ids: Vec<AgreementId> = query.iter().map(Agreement::id).collect();
    assert_eq!(query.ids().collect::<Vec<_>>(), ids);
    assert_eq!(query.count(), ids.len(), "count of {q:?}");
    ids
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn queries_equal_a_brute_force_scan(
        policy in 0..3usize,
        ops in prop::collection::vec(op(), 1..60),
        queries in prop::collection::vec(query(), 1..20),
    ) {
        let clock = FixedClock::new("2030-01-01T00:00:00Z".parse().unwrap());
        let policy = policies().swap_remove(policy);
        let mut tracker = Tracker::with_policy(policy.clone()).with_clock(clock);
        let mut ids: Vec<AgreementId> = Vec::new();
        let mut events: Vec<(AgreementId, EventId)> = Vec::new();
        let mut n = 0u128;
        for op in &ops {
            n += 1;
            let before = tracker.clone();
            let accepted = match op.clone() {
                Op::Create { a, b, areas, title, instrument: i, kind, date } => {
                    let Ok(parties) = Parties::new(Party::state(CODES[a], CODES[a]).unwrap(), Party::state(CODES[b], CODES[b]).unwrap()) else { continue };
                    let first = Event::with_id(EventId::from_uuid(uuid::Uuid::from_u128(n)), EventKind::from(Stage::ALL[kind]), date_of(date));
                    let builder = Agreement::builder(TITLES[title], parties)
                        .id(AgreementId::from_uuid(uuid::Uuid::from_u128(n)))
                        .instrument(instrument(i))
                        .subjects(areas.iter().map(|i| AREAS[*i].clone()));
                    let result = tracker.create(builder, first.clone());
                    if let Ok(id) = result { ids.push(id); events.push((id, first.id())); }
                    result.is_ok()
                }
                Op::Record { target, kind, date, stale, link, occasion } => {
                    if ids.is_empty() { continue }
                    let id = ids[target % ids.len()];
                    let event = linking(n, EventKind::ALL[kind], date, link, &ids);
                    let event = match occasion {
                        Some(o) => event.to_builder().occasion(OCCASIONS[o]).build().unwrap(),
                        None => event,
                    };
                    let result = match tracker.version(id) {
                        Some(version) if stale => tracker.record_expecting(id, version.saturating_sub(1), event.clone()),
                        Some(version) => tracker.record_expecting(id, version, event.clone()),
                        None => tracker.record(id, event.clone()),
                    };
                    if result.is_ok() { events.push((id, event.id())); }
                    result.is_ok()
                }
                Op::Correct { target, event, kind, date, link } => {
                    if events.is_empty() { continue }
                    let (id, event_id) = events[(target ^ event) % events.len()];
                    let corrected = linking(0, EventKind::ALL[kind], date, link, &ids).to_builder().id(event_id).build().unwrap();
                    tracker.apply(id, None, Change::Correct(corrected)).is_ok()
                }
                Op::Retract { target, event } => {
                    if events.is_empty() { continue }
                    let (id, event_id) = events[(target ^ event) % events.len()];
                    tracker.apply(id, None, Change::Retract { id: event_id, reason: "generated".into() }).is_ok()
                }
                Op::Remove { target } => {
                    if ids.is_empty() { continue }
                    let id = ids[target % ids.len()];
                    tracker.remove(id).is_some()
                }
                Op::AddOccasion { name, from, to } => {
                    let Ok(occasion) = Occasion::new(OCCASIONS[name], date_of(from), date_of(to)) else { continue };
                    tracker.add_occasion(occasion).is_ok()
                }
                Op::Dispute { target, event, kind, date, sourced } => {
                    if events.is_empty() { continue }
                    let (id, event_id) = events[(target ^ event) % events.len()];
                    let mut rival = Event::builder(EventKind::ALL[kind], date_of(date)).id(event_id);
                    if sourced {
                        rival = rival.source(bilateral::Source::new("Press", format!("claim {n}")).unwrap());
                    }
                    tracker.apply(id, None, Change::Dispute(rival.build().unwrap())).is_ok()
                }
                Op::Resolve { target, event, pick } => {
                    if events.is_empty() { continue }
                    let (id, event_id) = events[(target ^ event) % events.len()];
                    // Mostly one of the claims (the version in force, or an
                    // open rival); now and then any entry at all.
                    let claims: Vec<usize> = tracker.get(id).map(|a| {
                        let rivals = open_rivals(a).remove(&event_id).unwrap_or_default();
                        let in_force = a.entries().iter().rposition(|e| e.event_id() == event_id && e.event() == a.event(event_id));
                        in_force.into_iter().chain(rivals).collect()
                    }).unwrap_or_default();
                    let chosen = match claims.get(pick % (claims.len() + 1)) {
                        Some(claim) => *claim,
                        None => pick % 8,
                    };
                    tracker.apply(id, None, Change::Resolve { id: event_id, chosen, reason: "generated".into() }).is_ok()
                }
            };
            if !accepted {
                eprintln!("checking that the refused {op:?} changed nothing");
                crate::common::assert_same_tracker(&tracker, &before);
            }
        }
        for q in &queries {
            prop_assert_eq!(run(&tracker, q), expected(&tracker, q), "query {:?}", q);
        }
        let mut by_stage = [0usize; 6];
        for agreement in tracker.iter() {
            by_stage[Stage::ALL.iter().position(|s| *s == agreement.stage()).unwrap()] += 1;
        }
        prop_assert_eq!(tracker.count_by_stage().iter().map(|(_, n)| n).collect::<Vec<_>>(), by_stage);
        // The other counts and the event count equal a scan too.
        let mut by_subject = std::collections::BTreeMap::new();
        let mut by_party = std::collections::BTreeMap::<PartyCode, usize>::new();
        for agreement in tracker.iter() {
            for area in agreement.subjects() {
                *by_subject.entry(area.clone()).or_insert(0) += 1;
            }
            for party in agreement.parties() {
                *by_party.entry(party.code()).or_insert(0) += 1;
            }
        }
        prop_assert_eq!(tracker.count_by_subject().into_vec(), by_subject.into_iter().collect::<Vec<_>>());
        prop_assert_eq!(
            tracker.count_unclassified(),
            tracker.iter().filter(|a| a.subjects().is_empty()).count()
        );
        let mut parties: Vec<(PartyCode, usize)> = by_party.into_iter().collect();
        parties.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        prop_assert_eq!(tracker.count_by_party().into_vec(), parties);
        prop_assert_eq!(tracker.event_count(), tracker.iter().map(Agreement::len).sum::<usize>());
        prop_assert_eq!(tracker.len(), tracker.iter().count());
        prop_assert_eq!(tracker.is_empty(), tracker.iter().next().is_none());
        // The cross-agreement timeline equals every event in force in range.
        let (from, to) = (date_of((3, 0, 0)), date_of((6, 6, 0)));
        let mut expected: Vec<(AgreementId, EventId)> = tracker
            .iter()
            .flat_map(|a| a.history().filter(|e| e.date().start() <= to.end() && e.date().end() >= from.start()).map(move |e| (a.id(), e.id())))
            .collect();
        let mut actual: Vec<(AgreementId, EventId)> = tracker.timeline(from, to).map(|(a, e)| (a.id(), e.id())).collect();
        let starts: Vec<_> = tracker.timeline(from, to).map(|(_, e)| e.date().start()).collect();
        prop_assert!(starts.windows(2).all(|w| w[0] <= w[1]), "timeline out of order");
        expected.sort();
        actual.sort();
        prop_assert_eq!(actual, expected);

        // The links index answers what a scan of every agreement's links
        // does, for every agreement created (held or removed) and one never
        // created.
        let unknown = AgreementId::from_uuid(uuid::Uuid::from_u128(u128::MAX));
        for &named in ids.iter().chain([&unknown]) {
            let mut expected: Vec<(AgreementId, EventId, Link)> = tracker
                .iter()
                .flat_map(|a| a.links().filter(|(_, l)| l.target() == named).map(move |(e, l)| (a.id(), e.id(), l)))
                .collect();
            let mut actual: Vec<(AgreementId, EventId, Link)> = tracker
                .linked_to(named)
                .iter()
                .map(|l| (l.agreement.id(), l.event.id(), l.link))
                .collect();
            expected.sort();
            actual.sort();
            prop_assert_eq!(actual, expected, "links to {}", named);
        }
        // Every link accepted names an agreement created, an implementing
        // one is between the same parties, and no amendment or supersession
        // comes back to where it started.
        for agreement in tracker.iter() {
            for (_, link) in agreement.links() {
                prop_assert!(ids.contains(&link.target()), "{} names an unknown agreement", link);
                if let (LinkKind::Implements, Some(target)) = (link.kind(), tracker.get(link.target())) {
                    prop_assert_eq!(target.parties(), agreement.parties());
                }
                if link.kind().is_acyclic() {
                    let mut next = vec![link.target()];
                    let mut seen = std::collections::HashSet::new();
                    while let Some(at) = next.pop() {
                        prop_assert_ne!(at, agreement.id(), "a circle of {} links", link.kind());
                        if seen.insert(at) && let Some(held) = tracker.get(at) {
                            next.extend(held.links().filter(|(_, l)| l.kind() == link.kind()).map(|(_, l)| l.target()));
                        }
                    }
                }
            }
        }

        // What happened at each occasion is what a scan finds, and every
        // event at a known occasion may have happened there.
        for name in OCCASIONS {
            let mut expected: Vec<(AgreementId, EventId)> = tracker
                .iter()
                .flat_map(|a| a.history().filter(|e| e.occasion() == Some(name)).map(move |e| (a.id(), e.id())))
                .collect();
            let found = tracker.at_occasion(name);
            let dates: Vec<_> = found.iter().map(|at| at.event.date().start()).collect();
            prop_assert!(dates.windows(2).all(|w| w[0] <= w[1]), "occasion timeline out of order");
            let mut actual: Vec<(AgreementId, EventId)> = found.iter().map(|at| (at.agreement.id(), at.event.id())).collect();
            expected.sort();
            actual.sort();
            prop_assert_eq!(actual, expected, "events at {}", name);
            if let Some(occasion) = tracker.occasion(name) {
                for at in tracker.at_occasion(name) {
                    prop_assert!(occasion.may_include(at.event.date()), "{} outside {}", at.event, occasion);
                }
            }
        }

        // The open disputes are what a scan of each audit trail finds, and
        // the stage on a date says "disputed" where a claim would answer
        // otherwise: every stage a claim allows is a candidate, and only
        // what every claim agrees on is reached.
        for agreement in tracker.iter() {
            let scanned = open_rivals(agreement);
            let found: std::collections::BTreeMap<EventId, Vec<usize>> = agreement
                .disputes()
                .map(|d| (d.event_id(), d.rivals().iter().map(|c| c.entry).collect()))
                .collect();
            prop_assert_eq!(&found, &scanned);
            prop_assert_eq!(agreement.is_disputed(), !scanned.is_empty());
            let Some((&event_id, rivals)) = scanned.iter().next() else {
                for y in [0u8, 3, 6, 9] {
                    prop_assert!(!agreement.stage_on(date_of((y, 6, 1))).disputed);
                }
                continue;
            };
            if scanned.len() > 1 {
                continue;
            }
            // One dispute: each claim resolved in, on a copy.
            let in_force = agreement.dispute_about(event_id).unwrap().in_force().entry;
            let mut kept = agreement.clone();
            kept.resolve_with(&Context::new(&policy, &clock), event_id, in_force, "kept").unwrap();
            let answers: Vec<Agreement> = rivals.iter().filter_map(|&rival| {
                let mut copy = agreement.clone();
                copy.resolve_with(&Context::new(&policy, &clock), event_id, rival, "rival").ok().map(|_| copy)
            }).collect();
            for y in [0u8, 2, 4, 6, 8, 10] {
                let on_date = date_of((y, 6, 1));
                let merged = agreement.stage_on(on_date);
                let base = kept.stage_on(on_date);
                prop_assert!(!base.disputed);
                prop_assert!(merged.candidates.union(base.candidates) == merged.candidates);
                prop_assert!(merged.reached.intersection(base.reached) == merged.reached);
                if !merged.disputed {
                    prop_assert_eq!(merged, base);
                }
                for answer in &answers {
                    let other = answer.stage_on(on_date);
                    prop_assert!(merged.candidates.union(other.candidates) == merged.candidates, "{:?} {:?}", merged, other);
                    prop_assert!(merged.reached.intersection(other.reached) == merged.reached);
                    if (other.certain, other.possible, other.reached, other.candidates) != (base.certain, base.possible, base.reached, base.candidates) {
                        prop_assert!(merged.disputed, "{:?} against {:?}", base, other);
                    }
                }
            }
        }

        // Every accepted history is valid under the policy it was recorded
        // with, and its stage is what replaying it from scratch gives.
        for agreement in tracker.iter() {
            let mut fresh = Tracker::with_policy(policy.clone());
            // Links name other agreements, which a fresh tracker lacks.
            let unlinked = agreement.links().next().is_none();
            for occasion in tracker.occasions() {
                fresh.add_occasion(occasion.clone()).unwrap();
            }
            prop_assert!(!unlinked || fresh.insert(agreement.clone()).is_ok(), "{}", agreement);
            // Open with the first stage change, then record the rest (any
            // earlier notes slot in before it) in history order.
            let first = agreement.history().find(|e| e.kind().is_stage_change()).unwrap().clone();
            let context = Context::new(&policy, &clock);
            let mut replayed = Agreement::builder(agreement.title(), agreement.parties().clone())
                .subjects(agreement.subjects().iter().cloned())
                .build_with(&context, first.clone())
                .unwrap();
            for event in agreement.history().filter(|e| e.id() != first.id()) {
                replayed.record_with(&context, event.clone()).unwrap();
            }
            prop_assert_eq!(replayed.stage(), agreement.stage());
        }
        // Serialising and reading back is the identity.
        let back: Tracker = serde_json::from_str(&serde_json::to_string(&tracker).unwrap()).unwrap();
        prop_assert_eq!(&back, &tracker);
        // A bulk insert takes and refuses what inserting one by one does,
        // in the same order, to the same tracker.
        let mut one_by_one = Tracker::with_policy(policy.clone()).with_clock(clock);
        for occasion in tracker.occasions() {
            one_by_one.add_occasion(occasion.clone()).unwrap();
        }
        let mut bulk = one_by_one.clone().bulk();
        for agreement in tracker.iter() {
            let inserted = one_by_one.insert(agreement.clone());
            prop_assert_eq!(bulk.insert(agreement.clone()), inserted);
        }
        prop_assert_eq!(bulk.len(), one_by_one.len());
        let bulk = bulk.finish();
        prop_assert_eq!(&bulk, &one_by_one);
        // The document read back and the bulk insert index every event by
        // date at once, at the end: their queries answer as a scan does.
        for q in &queries {
            prop_assert_eq!(run(&back, q), self::expected(&back, q), "read back: {:?}", q);
            prop_assert_eq!(run(&bulk, q), self::expected(&bulk, q), "bulk: {:?}", q);
            prop_assert_eq!(run(&bulk, q), run(&one_by_one, q), "bulk: {:?}", q);
        }
        prop_assert_eq!(back.event_count(), tracker.event_count());
        prop_assert_eq!(bulk.event_count(), one_by_one.event_count());
    }
}

/// The standard policy, the strict one, and one that lets agreements skip
/// the MoI.
fn policies() -> Vec<Policy> {
    vec![
        Policy::standard(),
        Policy::strict(),
        Policy::standard()
            .to_builder()
            .name("skip-moi")
            .allow(Stage::Deliberated, Stage::Finalised)
            .build()
            .unwrap(),
    ]
}

//! Composable queries over a tracker.

use std::collections::{BTreeSet, btree_set};

use chrono::NaiveDate;

use crate::agreement::Agreement;
use crate::date::EventDate;
use crate::instrument::InstrumentKind;
use crate::party::PartyCode;
use crate::stage::Stage;
use crate::subject::SubjectArea;
use crate::tracker::Tracker;

/// A query over a [`Tracker`]: filters combined with "and", answered as an
/// iterator.
///
/// The query starts from the smallest index among its filters (party, pair
/// of parties, subject area, current stage, kind of instrument, events in a
/// date range) and checks every other filter on those candidates only. The
/// title search and the stage on a date are checked per candidate; with no
/// indexed filter, a query scans the whole tracker. Results come in
/// insertion order, each agreement once.
///
/// ```
/// use bilateral::{Agreement, Event, EventKind, Parties, Party, Stage, SubjectArea, Tracker};
/// let mut tracker = Tracker::new();
/// let india = Party::state("IND", "India")?;
/// let japan = Party::state("JPN", "Japan")?;
/// tracker.create(
///     Agreement::builder("Reciprocal Provision of Supplies and Services", Parties::new(india.clone(), japan.clone())?)
///         .subject(SubjectArea::Logistics),
///     Event::new(EventKind::Deliberated, "2024-11-22".parse()?),
/// )?;
/// tracker.create(
///     Agreement::builder("UNICORN mast", Parties::new(india.clone(), japan.clone())?)
///         .subject(SubjectArea::CoDevelopment),
///     Event::new(EventKind::MoiSigned, "2024-11-15".parse()?),
/// )?;
///
/// let found: Vec<_> = tracker
///     .query()
///     .pair(india.code(), japan.code())
///     .stage(Stage::MoiSigned)
///     .iter()
///     .map(|a| a.title())
///     .collect();
/// assert_eq!(found, ["UNICORN mast"]);
/// assert_eq!(tracker.query().title_contains("SUPPLIES").count(), 1);
/// assert_eq!(tracker.query().events_between("2024-11-20".parse()?, "2024-11-30".parse()?).count(), 1);
/// # Ok::<(), bilateral::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until iterated or counted"]
pub struct Query<'t> {
    tracker: &'t Tracker,
    filters: Vec<Filter>,
}

/// One condition of a [`Query`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Filter {
    Party(PartyCode),
    Pair(PartyCode, PartyCode),
    Subject(SubjectArea),
    Stage(Stage),
    StageOn(EventDate, Stage),
    EventsBetween(NaiveDate, NaiveDate),
    Instrument(InstrumentKind),
    Title(String),
}

impl Filter {
    fn matches(&self, agreement: &Agreement) -> bool {
        match self {
            Filter::Party(code) => agreement.parties().contains(*code),
            Filter::Pair(a, b) => agreement.parties().codes() == (*a, *b),
            Filter::Subject(area) => agreement.covers(area),
            Filter::Stage(stage) => agreement.stage() == *stage,
            Filter::StageOn(date, stage) => agreement.stage_on(*date).certain == Some(*stage),
            Filter::EventsBetween(first, last) => agreement
                .history()
                .any(|event| event.date().start() <= *last && event.date().end() >= *first),
            Filter::Instrument(kind) => agreement.instrument() == *kind,
            Filter::Title(needle) => title_contains(agreement.title(), needle),
        }
    }
}

/// Case-insensitive substring search; `needle` is already lower case.
fn title_contains(title: &str, needle: &str) -> bool {
    if title.is_ascii() && needle.is_ascii() {
        title
            .as_bytes()
            .windows(needle.len().max(1))
            .any(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
            || needle.is_empty()
    } else {
        title.to_lowercase().contains(needle)
    }
}

/// Where the candidates of a query come from.
enum Candidates<'t> {
    List(std::slice::Iter<'t, u32>),
    Set(btree_set::Iter<'t, u32>),
    Owned(std::vec::IntoIter<u32>),
    All(std::ops::Range<u32>),
}

impl Iterator for Candidates<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        match self {
            Candidates::List(iter) => iter.next().copied(),
            Candidates::Set(iter) => iter.next().copied(),
            Candidates::Owned(iter) => iter.next(),
            Candidates::All(range) => range.next(),
        }
    }
}

impl<'t> Query<'t> {
    pub(crate) fn new(tracker: &'t Tracker) -> Self {
        Query {
            tracker,
            filters: Vec::new(),
        }
    }

    fn with(mut self, filter: Filter) -> Self {
        self.filters.push(filter);
        self
    }

    /// Agreements to which `code` is a party.
    pub fn party(self, code: PartyCode) -> Self {
        self.with(Filter::Party(code))
    }

    /// Agreements between exactly these two parties, in either order.
    pub fn pair(self, a: PartyCode, b: PartyCode) -> Self {
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        self.with(Filter::Pair(a, b))
    }

    /// Agreements covering `area`.
    pub fn subject(self, area: SubjectArea) -> Self {
        self.with(Filter::Subject(area))
    }

    /// Agreements standing at `stage` now.
    pub fn stage(self, stage: Stage) -> Self {
        self.with(Filter::Stage(stage))
    }

    /// Agreements certainly at `stage` on `date` (see
    /// [`Agreement::stage_on`]).
    pub fn stage_on(self, date: EventDate, stage: Stage) -> Self {
        self.with(Filter::StageOn(date, stage))
    }

    /// Agreements with an event in force whose date overlaps `from ..= to`
    /// (from the first day of `from` to the last day of `to`).
    pub fn events_between(self, from: EventDate, to: EventDate) -> Self {
        self.with(Filter::EventsBetween(from.start(), to.end()))
    }

    /// Agreements of this kind of instrument.
    pub fn instrument(self, kind: InstrumentKind) -> Self {
        self.with(Filter::Instrument(kind))
    }

    /// Agreements whose title contains `text`, ignoring case.
    pub fn title_contains(self, text: &str) -> Self {
        self.with(Filter::Title(text.to_lowercase()))
    }

    /// The candidates from the smallest index the filters name.
    fn candidates(&self) -> Candidates<'t> {
        let index = &self.tracker.index;
        const EMPTY: &[u32] = &[];
        let list = |list: Option<&'t Vec<u32>>| {
            let list = list.map_or(EMPTY, Vec::as_slice);
            Some((list.len(), Candidates::List(list.iter())))
        };
        let mut best: Option<(usize, Candidates<'t>)> = None;
        for filter in &self.filters {
            let option = match filter {
                Filter::Party(code) => list(index.party.get(code)),
                Filter::Pair(a, b) => list(index.pair.get(&(*a, *b))),
                Filter::Subject(area) => list(index.subject.get(area)),
                Filter::Instrument(kind) => list(index.instrument.get(kind)),
                Filter::Stage(stage) => index
                    .stage
                    .get(stage.index())
                    .map(|set: &'t BTreeSet<u32>| (set.len(), Candidates::Set(set.iter()))),
                Filter::StageOn(..) | Filter::EventsBetween(..) | Filter::Title(_) => None,
            };
            if let Some((size, candidates)) = option
                && best.as_ref().is_none_or(|(smallest, _)| size < *smallest)
            {
                best = Some((size, candidates));
            }
        }
        // A party and a stage together have an index of their own.
        for filter in &self.filters {
            let Filter::Party(code) = filter else {
                continue;
            };
            for other in &self.filters {
                let Filter::Stage(stage) = other else {
                    continue;
                };
                let set = index.party_stage.get(&(*code, *stage));
                let size = set.map_or(0, BTreeSet::len);
                if best.as_ref().is_none_or(|(smallest, _)| size < *smallest) {
                    best = Some((
                        size,
                        match set {
                            Some(set) => Candidates::Set(set.iter()),
                            None => Candidates::List(EMPTY.iter()),
                        },
                    ));
                }
            }
        }
        // A date range drives when it is expected to be the smaller.
        for filter in &self.filters {
            let Filter::EventsBetween(first, last) = filter else {
                continue;
            };
            let size = index.events.estimate(*first, *last);
            if best.as_ref().is_none_or(|(smallest, _)| size < *smallest) {
                let mut slots: Vec<u32> = self
                    .tracker
                    .events_between(*first, *last)
                    .map(|(slot, _)| slot)
                    .collect();
                slots.sort_unstable();
                slots.dedup();
                best = Some((size, Candidates::Owned(slots.into_iter())));
            }
        }
        match best {
            Some((_, candidates)) => candidates,
            None => Candidates::All(0..self.tracker.slot_count()),
        }
    }

    /// The matching agreements, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &'t Agreement> + '_ {
        let tracker = self.tracker;
        self.candidates().filter_map(move |slot| {
            let agreement = tracker.at(slot)?;
            self.filters
                .iter()
                .all(|filter| filter.matches(agreement))
                .then_some(agreement)
        })
    }

    /// How many agreements match.
    pub fn count(&self) -> usize {
        self.iter().count()
    }
}

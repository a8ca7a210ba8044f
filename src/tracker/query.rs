//! Composable queries over a tracker.

use chrono::NaiveDate;

use crate::agreement::Agreement;
use std::fmt;
use std::str::FromStr;

use crate::model::{
    AgreementId, EventDate, Excerpt, InstrumentKind, PartyCode, Stage, StageSet, SubjectArea,
    ValueError, Vocabulary,
};

use super::Tracker;
use super::slots::SlotSet;

/// A query over a [`Tracker`]: filters combined with "and", answered as an
/// iterator.
///
/// The query starts from the smallest index among its filters (party, pair
/// of parties, subject area, current stage, kind of instrument, events in a
/// date range) and checks every other filter on those candidates only. The
/// title search and the stage on a date are checked per candidate; with no
/// indexed filter, a query scans the whole tracker. Any-of filters
/// ([`any_party`](Query::any_party), [`any_subject`](Query::any_subject),
/// [`any_stage`](Query::any_stage)) stand for "or" within one condition.
///
/// Results come each agreement once, in the order they were added unless
/// [`order_by`](Query::order_by) names another, then
/// [`offset`](Query::offset) and [`limit`](Query::limit) cut a page;
/// [`count`](Query::count) and [`ids`](Query::ids) answer without the
/// agreements themselves.
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
    order: Order,
    descending: bool,
    offset: usize,
    limit: Option<usize>,
}

/// The order in which a [`Query`] gives its agreements
/// ([`Query::order_by`]). Text forms: `added`, `title`, `last-event`.
///
/// ```
/// use bilateral::tracker::Order;
/// assert_eq!("last-event".parse::<Order>()?, Order::LastEvent);
/// assert_eq!(Order::Title.to_string(), "title");
/// # Ok::<(), bilateral::model::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Order {
    /// The order the agreements were added to the tracker in.
    #[default]
    Added,
    /// By title, ignoring case (then as written, then as added).
    Title,
    /// By the date of the last event in force, earliest first: by the
    /// first day the date may stand for, then the last, then as added. An
    /// agreement with no event in force comes first.
    LastEvent,
}

impl Order {
    /// Every order.
    pub const ALL: [Order; 3] = [Order::Added, Order::Title, Order::LastEvent];

    /// The text form.
    pub const fn as_str(self) -> &'static str {
        match self {
            Order::Added => "added",
            Order::Title => "title",
            Order::LastEvent => "last-event",
        }
    }
}

impl fmt::Display for Order {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for Order {
    type Err = ValueError;

    fn from_str(input: &str) -> Result<Self, ValueError> {
        let key = crate::model::text::kebab_key(input);
        Order::ALL
            .into_iter()
            .find(|order| order.as_str() == key)
            .ok_or_else(|| ValueError::Unknown {
                what: Vocabulary::Order,
                input: Excerpt::new(input),
            })
    }
}

crate::model::serde_str::serde_via_str!(Order, "a query order such as \"title\"");

/// What a stage filter asks of [`Agreement::stage_on`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Certainty {
    CertainlyAt,
    PossiblyAt,
    CertainlyReached,
}

/// One condition of a [`Query`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Filter {
    Party(PartyCode),
    Pair(PartyCode, PartyCode),
    Subject(SubjectArea),
    Unclassified,
    Stage(Stage),
    StageOn(EventDate, Stage, Certainty),
    EventsBetween(NaiveDate, NaiveDate),
    ReachedBetween(Stage, NaiveDate, NaiveDate),
    Instrument(InstrumentKind),
    Title(String),
    AnyParty(Vec<PartyCode>),
    AnySubject(Vec<SubjectArea>),
    AnyStage(StageSet),
    Disputed,
}

impl Filter {
    /// Whether `agreement` passes a filter no index answered. (A party, a
    /// pair, a subject, a stage or a kind of instrument is always answered
    /// by its index, which the plan intersects, so only the filters below
    /// are ever checked one agreement at a time.)
    fn matches(&self, agreement: &Agreement) -> bool {
        match self {
            Filter::Party(_)
            | Filter::Pair(..)
            | Filter::Subject(_)
            | Filter::Unclassified
            | Filter::Stage(_)
            | Filter::Instrument(_)
            | Filter::AnyParty(_)
            | Filter::AnySubject(_)
            | Filter::AnyStage(_) => true,
            Filter::StageOn(date, stage, certainty) => {
                let on = agreement.stage_on(*date);
                match certainty {
                    Certainty::CertainlyAt => on.is_certainly_at(*stage),
                    Certainty::PossiblyAt => on.is_possibly_at(*stage),
                    Certainty::CertainlyReached => on.has_certainly_reached(*stage),
                }
            }
            Filter::EventsBetween(first, last) => {
                first <= last
                    && agreement
                        .history()
                        .any(|event| event.date().start() <= *last && event.date().end() >= *first)
            }
            Filter::ReachedBetween(stage, first, last) => agreement.history().any(|event| {
                event.stage() == Some(*stage)
                    && event.date().start() >= *first
                    && event.date().end() <= *last
            }),
            Filter::Title(needle) => title_contains(agreement.title(), needle),
            Filter::Disputed => agreement.is_disputed(),
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

/// A sorted set of slots an index gives for one or more filters.
enum Source<'t> {
    List(&'t [u32]),
    Set(&'t SlotSet),
    Slots(Vec<u32>),
}

impl<'t> Source<'t> {
    fn len(&self) -> usize {
        match self {
            Source::List(list) => list.len(),
            Source::Set(set) => set.len(),
            Source::Slots(slots) => slots.len(),
        }
    }

    /// The slots, in rising order.
    fn into_slots(self) -> Box<dyn Iterator<Item = u32> + 't> {
        match self {
            Source::List(list) => Box::new(list.iter().copied()),
            Source::Set(set) => Box::new(set.iter()),
            Source::Slots(slots) => Box::new(slots.into_iter()),
        }
    }
}

/// Where `slot` is or would go in the sorted `list`, as `binary_search`
/// says, looking first near the front: galloping, so that a walk of rising
/// slots over a list costs the logarithm of each step, not of the list.
fn gallop(list: &[u32], slot: u32) -> Result<usize, usize> {
    let mut step = 1;
    while list.get(step - 1).is_some_and(|value| *value < slot) {
        step *= 2;
    }
    let from = step / 2;
    let window = list.get(from..step.min(list.len())).unwrap_or_default();
    window
        .binary_search(&slot)
        .map(|at| from + at)
        .map_err(|at| from + at)
}

/// The range of a filter on events by date, and whether the range's index
/// answers the filter in full (a stage reached in the range is checked
/// per agreement too).
fn date_range(filter: &Filter) -> Option<(NaiveDate, NaiveDate, bool)> {
    match filter {
        Filter::EventsBetween(first, last) => Some((*first, *last, true)),
        Filter::ReachedBetween(_, first, last) => Some((*first, *last, false)),
        _ => None,
    }
}

/// Whether a date range expected to hold `estimate` agreements is worth
/// listing rather than checking on each agreement the other filters leave
/// (`smallest` of them, if any index covers one). Either way answers the
/// same; this only picks the faster.
fn worth_materialising(estimate: usize, smallest: Option<usize>) -> bool {
    smallest.is_none_or(|smallest| estimate <= smallest)
}

/// Membership tests against a source for rising slots.
struct Cursor<'s> {
    source: Source<'s>,
    /// In a set, the run reached.
    run: usize,
    /// Where the last answer was found, in a list or the run reached.
    position: usize,
}

impl<'s> Cursor<'s> {
    fn new(source: Source<'s>) -> Self {
        Cursor {
            source,
            run: 0,
            position: 0,
        }
    }

    /// Whether `slot` is in the source; slots must be asked in rising order.
    fn contains(&mut self, slot: u32) -> bool {
        let list: &[u32] = match &self.source {
            Source::List(list) => list,
            Source::Slots(slots) => slots,
            Source::Set(set) => {
                let lasts = set.lasts().get(self.run..).unwrap_or_default();
                let (Ok(ahead) | Err(ahead)) = gallop(lasts, slot);
                if ahead > 0 {
                    self.run += ahead;
                    self.position = 0;
                }
                let Some(run) = set.runs().get(self.run) else {
                    return false;
                };
                run
            }
        };
        let (found, position) = search(list, self.position, slot);
        self.position = position;
        found
    }
}

/// Whether `slot` is in `list` at or after `position`, and where it is or
/// would be, from which the next search starts. Starting there only saves
/// time: a search from the front finds the same.
fn search(list: &[u32], position: usize, slot: u32) -> (bool, usize) {
    let rest = list.get(position..).unwrap_or_default();
    match gallop(rest, slot) {
        Ok(at) => (true, position + at),
        Err(at) => (false, position + at),
    }
}

/// How a query is answered: the slots that pass every index, found as
/// they are read (a list of them would be an allocation per query, which
/// in a large, fragmented heap costs more than the search), and the
/// filters no index covered, to check on each agreement.
struct Plan<'q> {
    slots: Box<dyn Iterator<Item = u32> + 'q>,
    /// How many slots there are, when one index answers alone.
    known: Option<usize>,
    residual: Vec<&'q Filter>,
    scan: bool,
}

impl<'t> Query<'t> {
    pub(crate) fn new(tracker: &'t Tracker) -> Self {
        Query {
            tracker,
            filters: Vec::new(),
            order: Order::Added,
            descending: false,
            offset: 0,
            limit: None,
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

    /// Agreements whose record names no subject area
    /// ([`Agreement::is_unclassified`]).
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, SubjectArea, Tracker};
    /// let mut tracker = Tracker::new();
    /// let parties = || Parties::new(Party::state("NOR", "Norway")?, Party::state("ISL", "Iceland")?);
    /// tracker.create(Agreement::builder("Exchange of notes", parties()?), Event::new(EventKind::Finalised, "1990".parse()?))?;
    /// tracker.create(
    ///     Agreement::builder("Fisheries", parties()?).subject(SubjectArea::Fisheries),
    ///     Event::new(EventKind::Finalised, "1991".parse()?),
    /// )?;
    /// let titles: Vec<&str> = tracker.query().unclassified().iter().map(Agreement::title).collect();
    /// assert_eq!(titles, ["Exchange of notes"]);
    /// assert_eq!(tracker.count_unclassified(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unclassified(self) -> Self {
        self.with(Filter::Unclassified)
    }

    /// Agreements standing at `stage` now.
    pub fn stage(self, stage: Stage) -> Self {
        self.with(Filter::Stage(stage))
    }

    /// Agreements certainly at `stage` on `date`: at that stage whichever
    /// of their possible days the events fell on
    /// ([`StageOn::is_certainly_at`](crate::agreement::StageOn::is_certainly_at)).
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, Stage, SubjectArea, Tracker};
    /// let mut tracker = Tracker::new();
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let mut pact = Agreement::builder("Pact", parties)
    ///     .subject(SubjectArea::Trade)
    ///     .build(Event::new(EventKind::Deliberated, "2023-05-02".parse()?))?;
    /// pact.record(Event::new(EventKind::MoiSigned, "2024".parse()?))?; // some time in 2024
    /// tracker.insert(pact)?;
    ///
    /// let june = "2024-06-01".parse()?;
    /// let count = |query: bilateral::tracker::Query<'_>| query.count();
    /// assert_eq!(count(tracker.query().certainly_at(june, Stage::Deliberated)), 0);
    /// assert_eq!(count(tracker.query().possibly_at(june, Stage::Deliberated)), 1);
    /// assert_eq!(count(tracker.query().possibly_at(june, Stage::MoiSigned)), 1);
    /// assert_eq!(count(tracker.query().certainly_reached(june, Stage::Deliberated)), 1);
    /// assert_eq!(count(tracker.query().certainly_reached(june, Stage::MoiSigned)), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn certainly_at(self, date: EventDate, stage: Stage) -> Self {
        self.with(Filter::StageOn(date, stage, Certainty::CertainlyAt))
    }

    /// Agreements that may have been at `stage` on `date`
    /// ([`StageOn::is_possibly_at`](crate::agreement::StageOn::is_possibly_at)).
    pub fn possibly_at(self, date: EventDate, stage: Stage) -> Self {
        self.with(Filter::StageOn(date, stage, Certainty::PossiblyAt))
    }

    /// Agreements that had certainly reached `stage` by `date`, whether or
    /// not they had moved on
    /// ([`StageOn::has_certainly_reached`](crate::agreement::StageOn::has_certainly_reached)).
    pub fn certainly_reached(self, date: EventDate, stage: Stage) -> Self {
        self.with(Filter::StageOn(date, stage, Certainty::CertainlyReached))
    }

    /// Agreements with an event in force whose date overlaps `from ..= to`
    /// (from the first day of `from` to the last day of `to`). A reversed
    /// range matches nothing.
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

    /// Agreements to which any of `codes` is a party. None matches no
    /// agreement.
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, Stage, SubjectArea, Tracker};
    /// let mut tracker = Tracker::new();
    /// for (a, b, title) in [("IND", "JPN", "Logistics"), ("IND", "FRA", "Rafale"), ("NOR", "ISL", "Fisheries")] {
    ///     let parties = Parties::new(Party::state(a, a)?, Party::state(b, b)?)?;
    ///     tracker.create(Agreement::builder(title, parties), Event::new(EventKind::Proposed, "2024".parse()?))?;
    /// }
    /// let either = tracker.query().any_party(["JPN".parse()?, "ISL".parse()?]);
    /// let titles: Vec<&str> = either.iter().map(Agreement::title).collect();
    /// assert_eq!(titles, ["Logistics", "Fisheries"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn any_party(self, codes: impl IntoIterator<Item = PartyCode>) -> Self {
        self.with(Filter::AnyParty(codes.into_iter().collect()))
    }

    /// Agreements covering any of `areas`. None matches no agreement.
    pub fn any_subject(self, areas: impl IntoIterator<Item = SubjectArea>) -> Self {
        self.with(Filter::AnySubject(areas.into_iter().collect()))
    }

    /// Agreements standing now at any of `stages`. None matches no
    /// agreement.
    pub fn any_stage(self, stages: impl IntoIterator<Item = Stage>) -> Self {
        self.with(Filter::AnyStage(stages.into_iter().collect()))
    }

    /// Agreements that reached `stage` on a date within `from ..= to`
    /// (from the first day of `from` to the last day of `to`): an event in
    /// force that moved them to `stage` whose date lies wholly in the
    /// range, whether or not they have moved on since. "Finalised in 2024"
    /// is `reached_between(Stage::Finalised, 2024, 2024)`; a date less
    /// precise than the range (`2024` for March 2024) does not lie within
    /// it. A reversed range matches nothing.
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, Stage, Tracker};
    /// let mut tracker = Tracker::new();
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("FRA", "France")?)?;
    /// let id = tracker.create(Agreement::builder("Rafale", parties), Event::new(EventKind::Finalised, "2024-06-10".parse()?))?;
    /// tracker.record(id, Event::new(EventKind::Terminated, "2025-01-02".parse()?))?;
    /// let in_year = |year: &str| -> Result<usize, bilateral::model::ValueError> {
    ///     Ok(tracker.query().reached_between(Stage::Finalised, year.parse()?, year.parse()?).count())
    /// };
    /// assert_eq!((in_year("2024")?, in_year("2025")?), (1, 0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reached_between(self, stage: Stage, from: EventDate, to: EventDate) -> Self {
        self.with(Filter::ReachedBetween(stage, from.start(), to.end()))
    }

    /// Keeps the agreements with an open dispute about an event in force
    /// ([`Agreement::is_disputed`]): where sources disagree and no
    /// resolution has kept one claim.
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, Source, Tracker};
    /// let mut tracker = Tracker::new();
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("PHL", "Philippines")?)?;
    /// let signed = Event::new(EventKind::MoiSigned, "2017".parse()?);
    /// let id = tracker.create(Agreement::builder("Memorandum", parties), signed.clone())?;
    /// assert_eq!(tracker.query().disputed().count(), 0);
    /// let rival = signed.to_builder().date("2018".parse()?).source(Source::new("Embassy", "Relations")?).build()?;
    /// tracker.apply(id, None, bilateral::Change::Dispute(rival))?;
    /// assert_eq!(tracker.query().disputed().ids().collect::<Vec<_>>(), [id]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn disputed(self) -> Self {
        self.with(Filter::Disputed)
    }

    /// Gives the agreements in this order (as added, by default).
    ///
    /// ```
    /// use bilateral::tracker::Order;
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, Tracker};
    /// let mut tracker = Tracker::new();
    /// for (title, date) in [("Space", "2024-03"), ("defence", "2023"), ("Logistics", "2024-11-22")] {
    ///     let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    ///     tracker.create(Agreement::builder(title, parties), Event::new(EventKind::Proposed, date.parse()?))?;
    /// }
    /// let titles = |query: bilateral::tracker::Query<'_>| -> Vec<String> {
    ///     query.iter().map(|a| a.title().to_owned()).collect()
    /// };
    /// assert_eq!(titles(tracker.query().order_by(Order::Title)), ["defence", "Logistics", "Space"]);
    /// // The most recent first, two to a page: the second page.
    /// let recent = tracker.query().order_by(Order::LastEvent).descending();
    /// assert_eq!(titles(recent.clone().limit(2)), ["Logistics", "Space"]);
    /// assert_eq!(titles(recent.offset(2).limit(2)), ["defence"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn order_by(mut self, order: Order) -> Self {
        self.order = order;
        self
    }

    /// Gives the agreements in the reverse of the order chosen.
    pub fn descending(mut self) -> Self {
        self.descending = true;
        self
    }

    /// Skips the first `count` agreements (after ordering).
    pub fn offset(mut self, count: usize) -> Self {
        self.offset = count;
        self
    }

    /// Gives at most `count` agreements (after ordering and the offset).
    pub fn limit(mut self, count: usize) -> Self {
        self.limit = Some(count);
        self
    }

    /// Intersects the indexes the filters name, smallest first, so that
    /// only agreements that pass every indexed filter are ever looked at.
    fn plan(&self) -> Plan<'_> {
        let index = self.tracker.index();
        const EMPTY: &[u32] = &[];
        let set = |set: Option<&'t SlotSet>| match set {
            Some(set) => Source::Set(set),
            None => Source::List(EMPTY),
        };
        let mut covered = vec![false; self.filters.len()];
        let mut sources: Vec<Source<'t>> = Vec::new();
        // A party and a stage together have an index of their own.
        for (i, filter) in self.filters.iter().enumerate() {
            let Filter::Party(code) = filter else {
                continue;
            };
            for (j, other) in self.filters.iter().enumerate() {
                let Filter::Stage(stage) = other else {
                    continue;
                };
                sources.push(match index.party_stage.get(&(*code, *stage)) {
                    Some(set) => Source::Set(set),
                    None => Source::List(EMPTY),
                });
                for k in [i, j] {
                    if let Some(flag) = covered.get_mut(k) {
                        *flag = true;
                    }
                }
            }
        }
        // A subject area and a date range together have an index of their
        // own: the area's events by date.
        let mut paired = None;
        let subject = self
            .filters
            .iter()
            .enumerate()
            .find_map(|(i, filter)| match filter {
                Filter::Subject(area) => Some((i, area)),
                _ => None,
            });
        let range = self
            .filters
            .iter()
            .enumerate()
            .find_map(|(j, filter)| Some((j, date_range(filter)?)));
        if let (Some((i, area)), Some((j, (first, last, covers)))) = (subject, range) {
            let slots = index
                .subject_events
                .get(area)
                .map(|dated| dated.slots_overlapping(first, last))
                .unwrap_or_default();
            sources.push(Source::Slots(slots));
            for (k, done) in [(i, true), (j, covers)] {
                if let Some(flag) = covered.get_mut(k).filter(|_| done) {
                    *flag = true;
                }
            }
            paired = Some(j);
        }
        for (i, filter) in self.filters.iter().enumerate() {
            if covered.get(i).copied().unwrap_or(false) {
                continue;
            }
            let source = match filter {
                Filter::Party(code) => Some(set(index.party.get(code))),
                Filter::Pair(a, b) => Some(set(index.pair.get(&(*a, *b)))),
                Filter::Subject(area) => Some(set(index.subject.get(area))),
                Filter::Unclassified => Some(Source::Set(&index.unclassified)),
                Filter::Instrument(kind) => Some(set(index.instrument.get(kind))),
                Filter::Stage(stage) => Some(set(index.stage.get(stage.index()))),
                Filter::AnyParty(codes) => {
                    Some(union(codes.iter().map(|code| index.party.get(code))))
                }
                Filter::AnySubject(areas) => {
                    Some(union(areas.iter().map(|area| index.subject.get(area))))
                }
                Filter::AnyStage(stages) => Some(union(
                    stages.iter().map(|stage| index.stage.get(stage.index())),
                )),
                Filter::StageOn(..)
                | Filter::EventsBetween(..)
                | Filter::ReachedBetween(..)
                | Filter::Title(_)
                | Filter::Disputed => None,
            };
            if let Some(source) = source {
                sources.push(source);
                if let Some(flag) = covered.get_mut(i) {
                    *flag = true;
                }
            }
        }
        // A date range is worth materialising when it is expected to be no
        // bigger than the smallest list; otherwise it is checked per agreement.
        let smallest = sources.iter().map(Source::len).min();
        for (i, filter) in self.filters.iter().enumerate() {
            // A stage reached within a range is an event in it: the range's
            // list narrows the candidates, each then checked in full.
            let Some((first, last, covers)) = date_range(filter) else {
                continue;
            };
            if paired == Some(i) {
                continue;
            }
            if worth_materialising(index.events.estimate(first, last), smallest) {
                sources.push(Source::Slots(index.events.slots_overlapping(first, last)));
                if let Some(flag) = covered.get_mut(i).filter(|_| covers) {
                    *flag = true;
                }
            }
        }
        let residual: Vec<&Filter> = self
            .filters
            .iter()
            .zip(&covered)
            .filter(|(_, covered)| !**covered)
            .map(|(filter, _)| filter)
            .collect();
        sources.sort_by_key(Source::len);
        let mut sources = sources.into_iter();
        let Some(driver) = sources.next() else {
            return Plan {
                slots: Box::new(std::iter::empty()),
                known: None,
                residual,
                scan: true,
            };
        };
        // The driver's slots rise, so each other list is walked once, with a
        // cursor that gallops forward.
        let mut cursors: Vec<Cursor<'t>> = sources.map(Cursor::new).collect();
        let (slots, known): (Box<dyn Iterator<Item = u32>>, _) = if cursors.is_empty() {
            let known = driver.len();
            (driver.into_slots(), Some(known))
        } else {
            let slots = driver
                .into_slots()
                .filter(move |slot| cursors.iter_mut().all(|cursor| cursor.contains(*slot)));
            (Box::new(slots), None)
        };
        Plan {
            slots,
            known,
            residual,
            scan: false,
        }
    }

    /// The agreements that pass every filter, as added.
    fn matching(&self) -> impl Iterator<Item = &'t Agreement> + '_ {
        let tracker = self.tracker;
        let Plan {
            slots,
            residual,
            scan,
            ..
        } = self.plan();
        let slots: Box<dyn Iterator<Item = u32>> = if scan {
            Box::new(0..tracker.slot_count())
        } else {
            slots
        };
        slots.filter_map(move |slot| {
            let agreement = tracker.at(slot)?;
            residual
                .iter()
                .all(|filter| filter.matches(agreement))
                .then_some(agreement)
        })
    }

    /// The matching agreements, in the order chosen (as added unless
    /// [`order_by`](Self::order_by) says otherwise), after the offset and
    /// within the limit.
    pub fn iter(&self) -> impl Iterator<Item = &'t Agreement> + '_ {
        let matching = self.matching();
        let ordered: Box<dyn Iterator<Item = &'t Agreement> + '_> =
            match (self.order, self.descending) {
                (Order::Added, false) => Box::new(matching),
                (order, descending) => {
                    let mut found: Vec<&'t Agreement> = matching.collect();
                    sort(&mut found, order);
                    if descending {
                        found.reverse();
                    }
                    Box::new(found.into_iter())
                }
            };
        ordered
            .skip(self.offset)
            .take(self.limit.unwrap_or(usize::MAX))
    }

    /// The ids of the matching agreements, as [`iter`](Self::iter) gives
    /// them.
    pub fn ids(&self) -> impl Iterator<Item = AgreementId> + '_ {
        self.iter().map(Agreement::id)
    }

    /// How many agreements match (after the offset, within the limit).
    /// Filters an index answers are counted from the index alone.
    pub fn count(&self) -> usize {
        let Plan {
            slots,
            known,
            residual,
            scan,
        } = self.plan();
        let all = match (residual.is_empty(), scan) {
            (true, true) => self.tracker.len(),
            (true, false) => known.unwrap_or_else(|| slots.count()),
            (false, _) => self.matching().count(),
        };
        all.saturating_sub(self.offset)
            .min(self.limit.unwrap_or(usize::MAX))
    }
}

/// Sorts agreements found in the order they were added into `order`,
/// keeping that order among equals.
fn sort<'a>(found: &mut [&'a Agreement], order: Order) {
    match order {
        Order::Added => {}
        Order::Title => found.sort_by_cached_key(|agreement: &&'a Agreement| {
            let agreement: &'a Agreement = agreement;
            (agreement.title().to_lowercase(), agreement.title())
        }),
        Order::LastEvent => found.sort_by_key(|agreement| {
            agreement
                .history()
                .next_back()
                .map(|event| (event.date().start(), event.date().end()))
        }),
    }
}

/// The slots in any of `sets`, sorted, each once.
fn union<'t>(sets: impl Iterator<Item = Option<&'t SlotSet>>) -> Source<'t> {
    let mut slots: Vec<u32> = sets.flatten().flat_map(SlotSet::iter).collect();
    slots.sort_unstable();
    slots.dedup();
    Source::Slots(slots)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::Lcg;

    /// Galloping answers as a plain membership test does, for every sorted
    /// list and every rising sequence of questions.
    #[test]
    fn the_cursor_answers_as_a_plain_search() {
        let mut random = Lcg::new(3);
        // Short lists, and sets of thousands of slots, which a set keeps in
        // many runs, asked in small and in long strides (a long one skips
        // whole runs).
        for round in 0..540 {
            let (len, range) = if round < 500 {
                (200, 400)
            } else {
                (6000, 9000)
            };
            let len = random.below(len) as usize;
            let mut list: Vec<u32> = (0..len).map(|_| random.below(range) as u32).collect();
            list.sort_unstable();
            list.dedup();
            let set: SlotSet = list.iter().copied().collect();
            if list.len() > 3000 {
                assert!(set.runs().len() > 4, "{} runs", set.runs().len());
            }
            let stride = [7, 60, range / 8][random.below(3) as usize];
            for source in [Source::List(&list), Source::Set(&set)] {
                let mut cursor = Cursor::new(source);
                let mut asked = 0u32;
                while asked < range as u32 + 20 {
                    assert_eq!(
                        cursor.contains(asked),
                        list.binary_search(&asked).is_ok(),
                        "{asked} in {list:?}"
                    );
                    asked += 1 + random.below(stride) as u32;
                }
            }
        }
    }

    /// The galloping search says what `binary_search` says: where the
    /// slot is, or where it would go (the cursors start their next search
    /// there, so a position too early only costs time; this pins it).
    #[test]
    fn a_gallop_finds_what_a_binary_search_finds() {
        let mut random = Lcg::new(5);
        for _ in 0..300 {
            let len = random.below(300) as usize;
            let mut list: Vec<u32> = (0..len).map(|_| random.below(1000) as u32).collect();
            list.sort_unstable();
            list.dedup();
            for _ in 0..20 {
                let slot = random.below(1100) as u32;
                assert_eq!(
                    gallop(&list, slot),
                    list.binary_search(&slot),
                    "{slot} in {list:?}"
                );
            }
        }
    }

    #[test]
    fn titles_match_ignoring_case_in_any_script() {
        assert!(title_contains("Reciprocal Provision", "provision"));
        assert!(title_contains("Reciprocal Provision", ""));
        assert!(!title_contains("Reciprocal", "provision"));
        // Non-ASCII case folds too, on either side.
        assert!(title_contains("ÉCOLE NATIONALE", "école"));
        assert!(title_contains("Énergie partagée", "énergie"));
        assert!(!title_contains("ÉCOLE", "ecole"));
        // An ASCII needle in a title with other letters.
        assert!(title_contains("Ärzte ohne Grenzen Pact", "pact"));
    }
}

crate::model::serde_str::try_from_str!(Order);

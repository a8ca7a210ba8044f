//! The tracker's indexes: by party, pair, subject area, instrument, stage,
//! party and stage, and events by date. They learn what changed from
//! receipts, never by looking inside an agreement's history.

use std::collections::BTreeMap;

use super::hash::Map;
use super::slots::{Runs, SlotSet};

use chrono::{Datelike, Days, NaiveDate};

use crate::agreement::{Agreement, Receipt};
use crate::model::{
    AgreementId, Event, EventDate, InstrumentKind, LinkKind, PartyCode, Precision, Stage,
    SubjectArea, limits,
};

/// The indexes. Header fields never change, so their lists only grow (and
/// shrink on removal); stages and events change with every record.
#[derive(Debug, Default, Clone)]
pub(crate) struct Index {
    pub(crate) party: Map<PartyCode, SlotSet>,
    pub(crate) pair: Map<(PartyCode, PartyCode), SlotSet>,
    pub(crate) subject: Map<SubjectArea, SlotSet>,
    /// Agreements whose record names no subject area.
    pub(crate) unclassified: SlotSet,
    pub(crate) instrument: Map<InstrumentKind, SlotSet>,
    pub(crate) stage: [SlotSet; Stage::COUNT],
    /// Agreements by party and current stage: "IND's agreements at MoI
    /// signed" without looking at IND's other agreements.
    pub(crate) party_stage: Map<(PartyCode, Stage), SlotSet>,
    pub(crate) events: EventIndex,
    /// Events in force by date, per subject area: "logistics agreements
    /// with news in March" reads only logistics events of March.
    pub(crate) subject_events: Map<SubjectArea, Dated>,
    /// Links by the agreement they name: the slot and kind of each link
    /// made by an event in force, once per event (so that two events making
    /// the same link leave one when the other goes).
    pub(crate) links: Map<AgreementId, Vec<(u32, LinkKind)>>,
    /// Events in force by the occasion they name (known to the tracker or
    /// a name alone): the slot and the position of the entry holding each.
    pub(crate) occasions: Map<Box<str>, Vec<(u32, u32)>>,
}

/// Events in force by the first day they may stand for, one set per
/// precision, so that a date range looks back only as far as the longest
/// date of each set can reach (nothing for days, a month for months, a year
/// for years). Each event is one packed key (see [`key`]): eight bytes in
/// sorted runs, where a `BTreeSet` of tuples took about eighteen.
#[derive(Debug, Default, Clone)]
pub(crate) struct Dated {
    /// Keys of (start, slot, log position), for days, months and years.
    sets: [Runs<u64>; 3],
    /// Keys of a bulk insert not yet in `sets`, for each: empty but
    /// between a deferred [`Dated::insert`] and [`Dated::settle`], which a
    /// [`Bulk`](crate::tracker::Bulk) calls before anyone can read.
    pending: [Vec<u64>; 3],
}

/// When [`Index::add`] adds an agreement's events to the indexes by
/// date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dates {
    /// At once, each where it belongs.
    Now,
    /// At [`Index::settle`], all together: many agreements taken in at
    /// once (a document loaded, a bulk insert) then cost one sort.
    Deferred,
}

/// Bits of a key for the log position: an agreement holds at most
/// [`MAX_ENTRIES`](crate::limits::MAX_ENTRIES) entries.
const POSITION_BITS: u32 = 14;
/// Bits of a key for the slot: a tracker holds at most
/// [`MAX_TRACKED`](crate::limits::MAX_TRACKED) agreements at once, and
/// slots never outnumber them.
const SLOT_BITS: u32 = 28;
// The 22 bits left hold every day of years 1 to 9999 (the unit test
// `keys_sort_and_unpack_as_their_tuples` reads back 9999-12-31).
const _: () = assert!(limits::MAX_ENTRIES <= 1 << POSITION_BITS);
const _: () = assert!(limits::MAX_TRACKED <= 1 << SLOT_BITS);

/// The key of an event starting on `start`, at `position` in the log of
/// the agreement at `slot`: ordered as the tuple (start, slot, position).
fn key(start: NaiveDate, slot: u32, position: u32) -> u64 {
    (day_number(start) << (SLOT_BITS + POSITION_BITS))
        | (u64::from(slot) << POSITION_BITS)
        | u64::from(position)
}

/// The first key on `start`, and the last: every slot and position between.
fn day_keys(start: NaiveDate) -> (u64, u64) {
    let first = day_number(start) << (SLOT_BITS + POSITION_BITS);
    (first, first | ((1 << (SLOT_BITS + POSITION_BITS)) - 1))
}

/// Days since the first day of year 1 (event dates start in year 1).
fn day_number(date: NaiveDate) -> u64 {
    u64::try_from(date.num_days_from_ce()).unwrap_or(0)
}

/// (start, slot, log position) of a key.
fn unpack(key: u64) -> (NaiveDate, u32, u32) {
    let day = i32::try_from(key >> (SLOT_BITS + POSITION_BITS)).unwrap_or(0);
    let start = NaiveDate::from_num_days_from_ce_opt(day).unwrap_or(NaiveDate::MIN);
    let slot = (key >> POSITION_BITS) & ((1 << SLOT_BITS) - 1);
    let position = key & ((1 << POSITION_BITS) - 1);
    (start, slot as u32, position as u32)
}

impl Dated {
    /// Adds an event, at once or (deferred) at [`settle`](Dated::settle);
    /// whether it was absent (a deferred event always is: each is added
    /// once, at its own key).
    fn insert(&mut self, date: EventDate, slot: u32, position: u32, dates: Dates) -> bool {
        let at = precision_index(date.precision());
        let key = key(date.start(), slot, position);
        match dates {
            Dates::Now => self.sets.get_mut(at).is_some_and(|set| set.insert(key)),
            Dates::Deferred => self.pending.get_mut(at).is_some_and(|pending| {
                pending.push(key);
                true
            }),
        }
    }

    /// Adds the events deferred by [`insert`](Dated::insert).
    fn settle(&mut self) {
        for (set, pending) in self.sets.iter_mut().zip(&mut self.pending) {
            set.add_all(std::mem::take(pending));
        }
    }

    /// Takes an event out; whether it was present.
    fn remove(&mut self, date: EventDate, slot: u32, position: u32) -> bool {
        self.sets
            .get_mut(precision_index(date.precision()))
            .is_some_and(|set| set.remove(key(date.start(), slot, position)))
    }

    /// (start, slot, log position) of every event overlapping
    /// `first ..= last`: each precision's in order, the precisions one
    /// after the other.
    fn each_overlapping(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> impl Iterator<Item = (NaiveDate, u32, u32)> + '_ {
        let sets = if first > last { &[] } else { &self.sets[..] };
        sets.iter().enumerate().flat_map(move |(set_index, set)| {
            let lookback = [0, 30, 365].get(set_index).copied().unwrap_or(365);
            let from = first
                .checked_sub_days(Days::new(lookback))
                .unwrap_or(NaiveDate::MIN);
            set.range(day_keys(from).0, day_keys(last).1)
                .map(unpack)
                .filter(move |(start, _, _)| span_end(*start, set_index) >= first)
        })
    }

    /// (start, slot, log position) of every event overlapping
    /// `first ..= last`, in that order.
    pub(crate) fn overlapping(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Vec<(NaiveDate, u32, u32)> {
        let mut found: Vec<_> = self.each_overlapping(first, last).collect();
        // Each set's part is sorted; only a month or a year set's events
        // need merging among the days'.
        if self.sets.iter().skip(1).any(|set| !set.is_empty()) {
            found.sort_unstable();
        }
        found
    }

    /// The slots of the agreements with an event overlapping
    /// `first ..= last`, rising, each once.
    pub(crate) fn slots_overlapping(&self, first: NaiveDate, last: NaiveDate) -> Vec<u32> {
        let mut slots: Vec<u32> = self
            .each_overlapping(first, last)
            .map(|(_, slot, _)| slot)
            .collect();
        slots.sort_unstable();
        slots.dedup();
        slots
    }

    pub(crate) fn len(&self) -> usize {
        self.sets.iter().map(Runs::len).sum()
    }

    fn is_empty(&self) -> bool {
        self.sets.iter().all(Runs::is_empty)
    }
}

/// Events in force by date, with how many start in each year.
#[derive(Debug, Default, Clone)]
pub(crate) struct EventIndex {
    dated: Dated,
    /// How many events start in each year: the real distribution of dates,
    /// for estimates. (Real data is skewed: one placeholder dated
    /// 9999-12-31 must not make every range look sparse.)
    years: BTreeMap<i32, u32>,
}

fn precision_index(precision: Precision) -> usize {
    match precision {
        Precision::Day => 0,
        Precision::Month => 1,
        Precision::Year => 2,
    }
}

/// The last day a date of this precision starting on `start` may stand for.
fn span_end(start: NaiveDate, set: usize) -> NaiveDate {
    let date = match set {
        0 => return start,
        1 => EventDate::month(start.year(), start.month()),
        _ => EventDate::year(start.year()),
    };
    date.map_or(start, |date| date.end())
}

impl EventIndex {
    /// Adds an event as [`Dated::insert`] does, counting it by year at
    /// once either way.
    fn insert(&mut self, date: EventDate, slot: u32, position: u32, dates: Dates) {
        if self.dated.insert(date, slot, position, dates) {
            *self.years.entry(date.start().year()).or_insert(0) += 1;
        }
    }

    fn settle(&mut self) {
        self.dated.settle();
    }

    fn remove(&mut self, date: EventDate, slot: u32, position: u32) {
        let year = date.start().year();
        if self.dated.remove(date, slot, position)
            && let Some(count) = self.years.get_mut(&year)
        {
            *count = count.saturating_sub(1);
            if *count == 0 {
                self.years.remove(&year);
            }
        }
    }

    /// (start, slot, log position) of every indexed event overlapping
    /// `first ..= last`, in that order.
    pub(crate) fn overlapping(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Vec<(NaiveDate, u32, u32)> {
        self.dated.overlapping(first, last)
    }

    /// The slots of the agreements with an event overlapping
    /// `first ..= last`, rising, each once.
    pub(crate) fn slots_overlapping(&self, first: NaiveDate, last: NaiveDate) -> Vec<u32> {
        self.dated.slots_overlapping(first, last)
    }

    /// About how many events `overlapping` would look at, without looking:
    /// the events of every year the range covers, those of a year it
    /// covers in part in proportion to the days it covers (and a month's
    /// worth more, for dates known to the month or the year that start
    /// before the range and reach into it).
    pub(crate) fn estimate(&self, first: NaiveDate, last: NaiveDate) -> usize {
        if first > last {
            return 0;
        }
        let from = first.checked_sub_days(Days::new(31)).unwrap_or(first);
        self.years
            .range(from.year()..=last.year())
            .map(|(year, count)| {
                let (Some(start), Some(end)) = (
                    NaiveDate::from_ymd_opt(*year, 1, 1),
                    NaiveDate::from_ymd_opt(*year, 12, 31),
                ) else {
                    return 0.0;
                };
                let covered = (last.min(end) - from.max(start)).num_days() + 1;
                let days = (end - start).num_days() + 1;
                f64::from(*count) * covered as f64 / days as f64
            })
            .sum::<f64>()
            .ceil() as usize
    }

    pub(crate) fn len(&self) -> usize {
        self.dated.len()
    }
}

impl Index {
    /// Indexes the agreement at `slot`, under everything a query can ask
    /// of it. With [`Dates::Deferred`], its events are added to the indexes by
    /// date only at [`settle`](Index::settle).
    pub(crate) fn add(&mut self, slot: u32, agreement: &Agreement, dates: Dates) {
        let (a, b) = agreement.parties().codes();
        self.party.entry(a).or_default().insert(slot);
        self.party.entry(b).or_default().insert(slot);
        self.pair.entry((a, b)).or_default().insert(slot);
        for area in agreement.subjects() {
            self.subject.entry(area.clone()).or_default().insert(slot);
        }
        if agreement.is_unclassified() {
            self.unclassified.insert(slot);
        }
        self.instrument
            .entry(agreement.instrument())
            .or_default()
            .insert(slot);
        self.enter_stage(slot, agreement, agreement.stage());
        for (position, event) in agreement.history_positions() {
            self.events.insert(event.date(), slot, position, dates);
            self.link(slot, event);
            self.meet(slot, position, event);
        }
        for area in agreement.subjects() {
            let dated = self.subject_events.entry(area.clone()).or_default();
            for (position, event) in agreement.history_positions() {
                dated.insert(event.date(), slot, position, dates);
            }
        }
    }

    /// Adds the events [`add`](Index::add) deferred to the
    /// indexes by date.
    pub(crate) fn settle(&mut self) {
        self.events.settle();
        for dated in self.subject_events.values_mut() {
            dated.settle();
        }
    }

    /// Indexes `event`, at `position` of the agreement at `slot`, under the
    /// occasion it names.
    fn meet(&mut self, slot: u32, position: u32, event: &Event) {
        if let Some(name) = event.occasion() {
            match self.occasions.get_mut(name) {
                Some(events) => events.push((slot, position)),
                None => {
                    self.occasions.insert(name.into(), vec![(slot, position)]);
                }
            }
        }
    }

    /// Takes `event` out of the index of occasions.
    fn leave(&mut self, slot: u32, position: u32, event: &Event) {
        if let Some(name) = event.occasion() {
            forget_one(&mut self.occasions, name, (slot, position));
        }
    }

    /// Indexes the links `event` makes from the agreement at `slot`.
    fn link(&mut self, slot: u32, event: &Event) {
        for link in event.links() {
            self.links
                .entry(link.target())
                .or_default()
                .push((slot, link.kind()));
        }
    }

    /// Takes out the links `event` made from the agreement at `slot`.
    fn unlink(&mut self, slot: u32, event: &Event) {
        for link in event.links() {
            forget_one(&mut self.links, &link.target(), (slot, link.kind()));
        }
    }

    fn enter_stage(&mut self, slot: u32, agreement: &Agreement, stage: Stage) {
        if let Some(set) = self.stage.get_mut(stage.index()) {
            set.insert(slot);
        }
        for party in agreement.parties() {
            self.party_stage
                .entry((party.code(), stage))
                .or_default()
                .insert(slot);
        }
    }

    fn leave_stage(&mut self, slot: u32, agreement: &Agreement, stage: Stage) {
        if let Some(set) = self.stage.get_mut(stage.index()) {
            set.remove(slot);
        }
        for party in agreement.parties() {
            if let Some(set) = self.party_stage.get_mut(&(party.code(), stage)) {
                set.remove(slot);
            }
        }
    }

    pub(crate) fn remove(&mut self, slot: u32, agreement: &Agreement) {
        // Each set is ordered, so taking a slot out costs the logarithm of
        // its size, however large the tracker.
        let (a, b) = agreement.parties().codes();
        for code in [a, b] {
            forget(&mut self.party, &code, slot);
        }
        forget(&mut self.pair, &(a, b), slot);
        for area in agreement.subjects() {
            forget(&mut self.subject, area, slot);
        }
        if agreement.is_unclassified() {
            self.unclassified.remove(slot);
        }
        forget(&mut self.instrument, &agreement.instrument(), slot);
        self.leave_stage(slot, agreement, agreement.stage());
        for (position, event) in agreement.history_positions() {
            self.events.remove(event.date(), slot, position);
            self.unlink(slot, event);
            self.leave(slot, position, event);
        }
        for area in agreement.subjects() {
            if let Some(dated) = self.subject_events.get_mut(area) {
                for (position, event) in agreement.history_positions() {
                    dated.remove(event.date(), slot, position);
                }
                if dated.is_empty() {
                    self.subject_events.remove(area);
                }
            }
        }
    }
}

/// Takes one `value` out of the list at `key`, and the list out of the map
/// once it is empty (the lists of links and of occasions, which hold an
/// entry per event, so a value may be there more than once).
fn forget_one<K, Q, V>(map: &mut Map<K, Vec<V>>, key: &Q, value: V)
where
    K: std::borrow::Borrow<Q> + std::hash::Hash + Eq,
    Q: std::hash::Hash + Eq + ?Sized,
    V: PartialEq,
{
    let Some(values) = map.get_mut(key) else {
        return;
    };
    if let Some(at) = values.iter().position(|held| *held == value) {
        values.swap_remove(at);
    }
    if values.is_empty() {
        map.remove(key);
    }
}

/// Takes `slot` out of the set at `key`, and the set out of the map once it
/// is empty, so that keys of removed agreements do not linger.
fn forget<K: std::hash::Hash + Eq>(map: &mut Map<K, SlotSet>, key: &K, slot: u32) {
    if let Some(set) = map.get_mut(key) {
        set.remove(slot);
        if set.is_empty() {
            map.remove(key);
        }
    }
}

impl Index {
    /// Updates the indexes for an accepted change to the agreement at
    /// `slot`, from its receipt alone.
    pub(crate) fn changed(&mut self, slot: u32, agreement: &Agreement, receipt: &Receipt) {
        if let Some(left) = receipt.left {
            self.events.remove(left.date, slot, position(left.entry));
        }
        if let Some(arrived) = receipt.arrived {
            self.events
                .insert(arrived.date, slot, position(arrived.entry), Dates::Now);
        }
        if receipt.left.is_some() || receipt.arrived.is_some() {
            for area in agreement.subjects() {
                // Cloning an area only when it is new to the index.
                if !self.subject_events.contains_key(area) {
                    self.subject_events.insert(area.clone(), Dated::default());
                }
                let Some(dated) = self.subject_events.get_mut(area) else {
                    continue;
                };
                if let Some(left) = receipt.left {
                    dated.remove(left.date, slot, position(left.entry));
                }
                if let Some(arrived) = receipt.arrived {
                    dated.insert(arrived.date, slot, position(arrived.entry), Dates::Now);
                }
            }
        }
        if receipt.before != Some(receipt.after) {
            if let Some(before) = receipt.before {
                self.leave_stage(slot, agreement, before);
            }
            self.enter_stage(slot, agreement, receipt.after);
        }
        // The versions that left and arrived, for the links and occasions
        // they carry (most carry neither).
        let version = |placed: Option<crate::agreement::Placed>| {
            let placed = placed?;
            let event = agreement.entries().get(placed.entry)?.event()?;
            (!event.links().is_empty() || event.occasion().is_some())
                .then_some((position(placed.entry), event))
        };
        if let Some((at, left)) = version(receipt.left) {
            self.unlink(slot, left);
            self.leave(slot, at, left);
        }
        if let Some((at, arrived)) = version(receipt.arrived) {
            self.link(slot, arrived);
            self.meet(slot, at, arrived);
        }
    }
}

/// An entry's position as the indexes keep it: an agreement holds at most
/// [`MAX_ENTRIES`](crate::limits::MAX_ENTRIES) entries.
fn position(entry: usize) -> u32 {
    u32::try_from(entry).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::Lcg;

    /// The events a range finds are exactly those whose dates overlap it,
    /// whatever their precision, however far back they start.
    #[test]
    fn overlapping_finds_what_a_scan_finds() {
        let mut random = Lcg::new(5);
        let mut index = EventIndex::default();
        let mut all = Vec::new();
        for slot in 0..400u32 {
            let date = random.date(5);
            index.insert(date, slot, 0, Dates::Now);
            all.push((date, slot));
        }
        assert_eq!(index.len(), 400);
        for _ in 0..300 {
            let (a, b) = (random.date(5), random.date(5));
            let (first, last) = (a.start(), b.end());
            let mut expected: Vec<(NaiveDate, u32, u32)> = all
                .iter()
                .filter(|(date, _)| first <= last && date.start() <= last && date.end() >= first)
                .map(|(date, slot)| (date.start(), *slot, 0))
                .collect();
            expected.sort_unstable();
            assert_eq!(index.overlapping(first, last), expected, "{a} to {b}");
        }
        // Removal takes an event out of every answer.
        let (date, slot) = all[7];
        index.remove(date, slot, 0);
        assert_eq!(index.len(), 399);
        assert!(
            !index
                .overlapping(date.start(), date.end())
                .iter()
                .any(|(_, s, _)| *s == slot)
        );
    }

    /// Estimates follow where the dates really are: one placeholder dated
    /// 9999-12-31 does not make a range of real years look nearly empty.
    #[test]
    fn estimates_follow_the_real_distribution_of_dates() {
        let day = |text: &str| text.parse::<EventDate>().unwrap();
        let mut index = EventIndex::default();
        let mut slot = 0;
        for year in 1950..2000 {
            for month in 1..=12 {
                index.insert(day(&format!("{year}-{month:02}-15")), slot, 0, Dates::Now);
                slot += 1;
            }
        }
        index.insert(day("9999-12-31"), slot, 0, Dates::Now);
        let range = |from: &str, to: &str| (day(from).start(), day(to).end());
        let (first, last) = range("1950", "1999");
        let found = index.overlapping(first, last).len();
        assert_eq!(found, 600);
        let estimate = index.estimate(first, last);
        assert!((600..=620).contains(&estimate), "{estimate}");
        // A year, a month and a day of that decade, in proportion.
        let (first, last) = range("1960", "1960");
        assert!((12..=15).contains(&index.estimate(first, last)));
        let (first, last) = range("1960-03", "1960-03");
        assert!(
            (1..=3).contains(&index.estimate(first, last)),
            "{}",
            index.estimate(first, last)
        );
        // One day: its own events, and those of the month before at most.
        let (first, last) = range("1960-03-15", "1960-03-15");
        assert!(
            (1..=2).contains(&index.estimate(first, last)),
            "{}",
            index.estimate(first, last)
        );
        // Nothing where nothing is, and nothing for a reversed range.
        let (first, last) = range("2100", "2200");
        assert_eq!(index.estimate(first, last), 0);
        assert_eq!(index.estimate(last, first), 0);
        let (first, last) = range("9999", "9999");
        assert_eq!(index.estimate(first, last), 1);
        // Removal counts too, down to nothing.
        index.remove(day("9999-12-31"), slot, 0);
        assert_eq!(index.estimate(first, last), 0);
        assert!(!index.years.contains_key(&9999));
        // Removing what is not there changes no count.
        index.remove(day("1960-03-15"), 99_999, 0);
        let (first, last) = range("1960", "1960");
        assert_eq!(index.overlapping(first, last).len(), 12);
        assert!((12..=15).contains(&index.estimate(first, last)));
    }

    /// A key sorts as its (start, slot, position) tuple and gives it back,
    /// at the ends of every field's range.
    #[test]
    fn keys_sort_and_unpack_as_their_tuples() {
        let days = [
            NaiveDate::from_ymd_opt(1, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(1, 1, 2).unwrap(),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(),
            NaiveDate::from_ymd_opt(9999, 12, 31).unwrap(),
        ];
        let slots = [0, 1, 77_777, limits::MAX_TRACKED as u32 - 1];
        let positions = [0, 1, 4_321, limits::MAX_ENTRIES as u32 - 1];
        let mut tuples = Vec::new();
        for day in days {
            for slot in slots {
                for position in positions {
                    tuples.push((day, slot, position));
                }
            }
        }
        for tuple in &tuples {
            assert_eq!(unpack(key(tuple.0, tuple.1, tuple.2)), *tuple);
            let (first, last) = day_keys(tuple.0);
            assert!((first..=last).contains(&key(tuple.0, tuple.1, tuple.2)));
        }
        for pair in tuples.windows(2) {
            assert!(key(pair[0].0, pair[0].1, pair[0].2) < key(pair[1].0, pair[1].1, pair[1].2));
        }
        // A day's keys end just before the next day's begin.
        assert_eq!(day_keys(days[0]).1 + 1, day_keys(days[1]).0);
    }

    /// Through inserts and removals at every precision, with many events
    /// per agreement, a range finds what a scan of a model finds, and the
    /// slots of a range rise, each once.
    #[test]
    fn dated_events_answer_as_a_scan() {
        let mut random = Lcg::new(17);
        let mut dated = Dated::default();
        let mut model: Vec<(EventDate, u32, u32)> = Vec::new();
        for step in 0..3_000 {
            if step % 4 == 3 && !model.is_empty() {
                let (date, slot, position) =
                    model.swap_remove(random.below(model.len() as u64) as usize);
                assert!(dated.remove(date, slot, position));
                assert!(!dated.remove(date, slot, position));
            } else {
                let entry = (
                    random.date(5),
                    random.below(300) as u32,
                    random.below(limits::MAX_ENTRIES as u64) as u32,
                );
                let new = !model.contains(&entry);
                assert_eq!(dated.insert(entry.0, entry.1, entry.2, Dates::Now), new);
                if new {
                    model.push(entry);
                }
            }
            assert_eq!(dated.len(), model.len());
            assert_eq!(dated.is_empty(), model.is_empty());
            if step % 50 == 0 {
                let (a, b) = (random.date(5), random.date(5));
                let (first, last) = (a.start(), b.end());
                let mut expected: Vec<(NaiveDate, u32, u32)> = model
                    .iter()
                    .filter(|(date, _, _)| {
                        first <= last && date.start() <= last && date.end() >= first
                    })
                    .map(|(date, slot, position)| (date.start(), *slot, *position))
                    .collect();
                expected.sort_unstable();
                assert_eq!(dated.overlapping(first, last), expected, "{a} to {b}");
                let mut slots: Vec<u32> = expected.iter().map(|(_, slot, _)| *slot).collect();
                slots.sort_unstable();
                slots.dedup();
                assert_eq!(dated.slots_overlapping(first, last), slots);
            }
        }
    }

    #[test]
    fn an_emptied_set_leaves_its_map() {
        let mut map: Map<&str, SlotSet> = Map::default();
        map.entry("IND").or_default().extend([1, 2]);
        forget(&mut map, &"IND", 1);
        assert_eq!(map.get("IND").map(SlotSet::len), Some(1));
        forget(&mut map, &"IND", 2);
        assert!(map.is_empty());
        forget(&mut map, &"JPN", 3);
        assert!(map.is_empty());
    }
}

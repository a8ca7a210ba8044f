//! The order of a history, and where an event goes in it.
//!
//! # The rule
//!
//! Dates of different precision only partly order events, so the history
//! order is built greedily: repeatedly take, among the events that no
//! remaining event is certainly before, the one that comes first in the
//! lifecycle, then the one whose date starts first, then the one recorded
//! first. [`history_order`] is that rule, written plainly; everything else
//! here computes the same order faster, and the unit tests below check it.
//!
//! # Why it can be computed a year at a time
//!
//! Every date is a day, a month or a year, so every date lies within one
//! calendar year, and every event of one year is certainly before every
//! event of a later year. The greedy rule therefore orders each year on its
//! own: the history is its years in turn. Within a year whose events all
//! have the same precision, no date lies inside another: the rule is then
//! simply "by first day, then by lifecycle, then by recording order", and a
//! new event finds its place by binary search. Only a year that mixes
//! precisions (a "2017" beside a "2017-06-15") is ordered by the rule
//! itself, and only that year.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::ops::Range;

use chrono::{Datelike, NaiveDate};

use crate::model::{Event, EventKind, MAX_YEAR, Precision, limits, period_end};

use super::slots::{Iter, SlotList};

/// One event in force, with what its place in the history depends on,
/// packed into eight bytes: short histories keep their slots inline,
/// trackers hold millions of them, and a slot built in a register is
/// stored and read back whole.
///
/// From the high bits down: the first day of its date as year (14 bits)
/// and day of the year (9), the kind (4), the precision (2), then the log
/// positions of its record (14) and of its version in force (14). Dates
/// therefore compare as the first 23 bits do.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot(u64);

impl std::fmt::Debug for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slot")
            .field("version", &self.version())
            .field("seq", &self.seq())
            .field("start", &self.start())
            .field("kind", &self.kind())
            .field("precision", &self.precision())
            .finish()
    }
}

/// The [`Slot::day_key`] of a day.
fn day_key_of(year: i32, ordinal: u32) -> u32 {
    ((u32::try_from(year).unwrap_or(0) & 0x3fff) << (YEAR - DAY)) + (ordinal & 0x1ff)
}

/// Where each part of a slot starts, counting from the lowest bit.
const SEQ: u32 = 14;
const PRECISION: u32 = 28;
const KIND: u32 = 30;
const DAY: u32 = 34;
const YEAR: u32 = 43;
const POSITION_MASK: u64 = (1 << SEQ) - 1;

// Log positions fit in fourteen bits, years in fourteen, kinds in four.
const _: () = assert!(limits::MAX_ENTRIES < 1 << SEQ);
const _: () = assert!(MAX_YEAR < 1 << 14);
const _: () = assert!(EventKind::ALL.len() <= 1 << 4);

impl Slot {
    /// A slot that stands for no event: what fills the unused part of a
    /// short list.
    pub(crate) const FILLER: Slot = Slot(0);

    /// The slot of `event`, whose version in force and record are at these
    /// log positions (below [`limits::MAX_ENTRIES`]).
    pub(crate) fn new(version: u32, seq: u32, event: &Event) -> Self {
        Slot::of(
            version,
            seq,
            event.date().start(),
            event.kind(),
            event.date().precision(),
        )
    }

    /// The slot of an event of this kind whose date starts on `start`
    /// (in a year up to [`MAX_YEAR`]) at this precision.
    pub(crate) fn of(
        version: u32,
        seq: u32,
        start: NaiveDate,
        kind: EventKind,
        precision: Precision,
    ) -> Self {
        let day = u64::from(day_key_of(start.year(), start.ordinal()));
        let precision = match precision {
            Precision::Day => 0,
            Precision::Month => 1,
            Precision::Year => 2,
        };
        Slot(
            // The parts do not overlap: adding them sets each in place.
            (day << DAY)
                + ((kind as u64) << KIND)
                + (precision << PRECISION)
                + ((u64::from(seq) & POSITION_MASK) << SEQ)
                + (u64::from(version) & POSITION_MASK),
        )
    }

    /// Log position of the version in force.
    pub(crate) fn version(self) -> u16 {
        (self.0 & POSITION_MASK) as u16
    }

    /// Log position of the event's record: its place in recording order.
    pub(crate) fn seq(self) -> u16 {
        (self.0 >> SEQ & POSITION_MASK) as u16
    }

    pub(crate) fn kind(self) -> EventKind {
        let index = (self.0 >> KIND & 0xf) as usize;
        EventKind::ALL
            .get(index)
            .copied()
            .unwrap_or(EventKind::Note)
    }

    /// The first day its date may stand for.
    pub(crate) fn start(self) -> NaiveDate {
        let ordinal = (self.0 >> DAY & 0x1ff) as u32;
        NaiveDate::from_yo_opt(self.year(), ordinal).unwrap_or(NaiveDate::MIN)
    }

    /// The first day as a number that orders as the days do.
    fn day_key(self) -> u32 {
        (self.0 >> DAY) as u32
    }

    /// The last day its date may stand for.
    pub(crate) fn end(self) -> NaiveDate {
        period_end(self.start(), self.precision())
    }

    /// The [`day_key`](Slot::day_key) of the last day its date may stand
    /// for.
    fn end_key(self) -> u32 {
        match self.precision() {
            Precision::Day => self.day_key(),
            Precision::Month | Precision::Year => {
                let end = self.end();
                day_key_of(end.year(), end.ordinal())
            }
        }
    }

    pub(crate) fn year(self) -> i32 {
        (self.0 >> YEAR) as i32
    }

    /// The precision of its date: a day starts and ends on the same day, a
    /// month within one month, a year spans January to December.
    pub(crate) fn precision(self) -> Precision {
        match self.0 >> PRECISION & 0b11 {
            0 => Precision::Day,
            1 => Precision::Month,
            _ => Precision::Year,
        }
    }

    /// Whether both have the same date (first day and precision) and kind:
    /// all but the log positions, which are the low bits.
    fn same_date_and_kind(self, other: Slot) -> bool {
        self.0 >> PRECISION == other.0 >> PRECISION
    }

    /// Whether both stand for the same event: the one recorded at the
    /// same log position.
    fn same_event(self, other: Slot) -> bool {
        self.seq() == other.seq()
    }

    pub(crate) fn is_stage_change(self) -> bool {
        self.kind().is_stage_change()
    }

    /// Whether the lifecycle looks at it: a stage change or the entry into
    /// force.
    pub(crate) fn is_lifecycle(self) -> bool {
        self.is_stage_change() || self.kind() == EventKind::EnteredIntoForce
    }

    /// The greedy rule's preference among events none of which is certainly
    /// before another.
    fn preference(self) -> (u8, u32, u16) {
        (self.kind().rank(), self.day_key(), self.seq())
    }

    /// The order within a year whose dates all have one precision.
    fn sorted(self) -> (u32, u8, u16) {
        (self.day_key(), self.kind().rank(), self.seq())
    }
}

/// The history order of `slots`, by the greedy rule: the definition the
/// faster paths must agree with.
pub(crate) fn history_order(slots: &[Slot]) -> Vec<Slot> {
    let n = slots.len();
    let mut by_start: Vec<(NaiveDate, usize)> = slots
        .iter()
        .enumerate()
        .map(|(i, slot)| (slot.start(), i))
        .collect();
    by_start.sort_unstable();
    let mut ends: BinaryHeap<Reverse<(NaiveDate, usize)>> = slots
        .iter()
        .enumerate()
        .map(|(i, slot)| Reverse((slot.end(), i)))
        .collect();
    type Candidate = Reverse<((u8, u32, u16), usize)>;
    let mut available: BinaryHeap<Candidate> = BinaryHeap::with_capacity(n);
    let mut placed = vec![false; n];
    let mut order = Vec::with_capacity(n);
    let mut next = by_start.iter().peekable();
    // Each round places one event; the rounds end when none is left.
    loop {
        // The earliest end among the events not yet placed.
        while ends
            .peek()
            .is_some_and(|Reverse((_, i))| placed.get(*i).copied().unwrap_or(true))
        {
            ends.pop();
        }
        let Some(&Reverse((min_end, _))) = ends.peek() else {
            break;
        };
        // Events starting by then are not certainly after any remaining one.
        while let Some(&&(start, i)) = next.peek() {
            if start > min_end {
                break;
            }
            if let Some(slot) = slots.get(i) {
                available.push(Reverse((slot.preference(), i)));
            }
            next.next();
        }
        let Some(Reverse((_, i))) = available.pop() else {
            break;
        };
        if let (Some(flag), Some(slot)) = (placed.get_mut(i), slots.get(i)) {
            *flag = true;
            order.push(*slot);
        }
    }
    order
}

/// Above this many events in force, an agreement keeps the precisions of
/// each year counted rather than counting them when asked.
const COUNTED: usize = 64;

/// The events in force in history order, and what validating a change at
/// the end of the history needs, maintained as events come and go.
#[derive(Debug, Clone, Default)]
pub(crate) struct InForce {
    slots: SlotList,
    /// How many events of each precision each year holds, once the history
    /// is long enough for counting when asked to cost too much. Boxed, so
    /// that the many short histories pay one word for it.
    #[allow(clippy::box_collection)]
    years: Option<Box<BTreeMap<i32, [u32; 3]>>>,
}

/// The events an edit puts in place of others: most often one, held
/// without allocating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Slots {
    One(Slot),
    Many(Vec<Slot>),
}

impl Slots {
    pub(crate) fn as_slice(&self) -> &[Slot] {
        match self {
            Slots::One(slot) => std::slice::from_ref(slot),
            Slots::Many(slots) => slots,
        }
    }

    fn none() -> Self {
        Slots::Many(Vec::new())
    }
}

/// How the history changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Edit {
    /// `slots[start..end]` becomes `with`.
    Splice {
        start: usize,
        end: usize,
        with: Slots,
    },
    /// An informational event moves: out at `from`, in at `to` (a position
    /// in the history without it). Nothing the lifecycle looks at moves.
    Move { from: usize, to: usize, slot: Slot },
}

impl Edit {
    /// The edit that changes nothing.
    pub(crate) fn unchanged() -> Edit {
        Edit::Splice {
            start: 0,
            end: 0,
            with: Slots::none(),
        }
    }

    /// The length of the history after the edit.
    pub(crate) fn len_after(&self, old: &SlotList) -> usize {
        match self {
            Edit::Splice { start, end, with } => old.len() - (end - start) + with.as_slice().len(),
            Edit::Move { .. } => old.len(),
        }
    }
}

fn precision_bit(precision: Precision) -> u8 {
    match precision {
        Precision::Day => 1,
        Precision::Month => 2,
        Precision::Year => 4,
    }
}

fn precision_index(precision: Precision) -> usize {
    match precision {
        Precision::Day => 0,
        Precision::Month => 1,
        Precision::Year => 2,
    }
}

impl InForce {
    /// The events in force, in history order.
    pub(crate) fn slots(&self) -> &SlotList {
        &self.slots
    }

    /// The events in force of one year, as a range of positions.
    fn year(&self, year: i32) -> Range<usize> {
        let start = self.slots.partition_point(|slot| slot.year() < year);
        let end = self.slots.partition_point(|slot| slot.year() <= year);
        start..end.max(start)
    }

    /// The events at these positions.
    fn range(&self, range: Range<usize>) -> Iter<'_> {
        self.slots.range(range)
    }

    /// Where `slot` goes in its year, when the year is sorted: after every
    /// event that sorts before it.
    fn place(&self, slot: Slot) -> usize {
        // The key starts with the day, and so with the year: every event of
        // an earlier year sorts before it, of a later year after it.
        let key = slot.sorted();
        self.slots.partition_point(|s| s.sorted() < key)
    }

    /// The precisions present among the events of `year`, as a bit set.
    fn precisions(&self, year: i32) -> u8 {
        if let Some(years) = &self.years {
            let counts = years.get(&year).copied().unwrap_or_default();
            return [Precision::Day, Precision::Month, Precision::Year]
                .into_iter()
                .zip(counts)
                .filter(|(_, count)| *count != 0)
                .map(|(precision, _)| precision_bit(precision))
                .sum();
        }
        self.range(self.year(year))
            .fold(0, |bits, slot| bits | precision_bit(slot.precision()))
    }

    /// The position of `slot` (found by its record) in the history.
    fn position(&self, slot: Slot) -> Option<usize> {
        if self.uniform(slot.year()) {
            let at = self.place(slot);
            return self
                .slots
                .get(at)
                .filter(|s| s.same_event(slot))
                .map(|_| at);
        }
        let range = self.year(slot.year());
        let start = range.start;
        self.range(range)
            .position(|s| s.same_event(slot))
            .map(|i| start + i)
    }

    /// Whether the events of `year` all have one precision (or there are
    /// none), so that the year is sorted by day, lifecycle and recording.
    fn uniform(&self, year: i32) -> bool {
        self.precisions(year).count_ones() <= 1
    }

    /// The edit that takes `remove` out of the history and puts `insert`
    /// in at its place. A correction does both, for the same event.
    #[inline]
    pub(crate) fn edit(&self, remove: Option<Slot>, insert: Option<Slot>) -> Edit {
        // The common case, fast: a new event that starts after the last
        // event ends. While the last event waits to be taken by the rule,
        // the earliest end among those waiting is at most its end, so the
        // new event waits too and changes nothing before it: it comes last.
        if let (None, Some(slot)) = (remove, insert)
            && self
                .slots
                .back()
                .is_none_or(|last| last.end_key() < slot.day_key())
        {
            let n = self.slots.len();
            return Edit::Splice {
                start: n,
                end: n,
                with: Slots::One(slot),
            };
        }
        self.edit_within(remove, insert)
    }

    /// [`InForce::edit`] for a change that is not an append.
    fn edit_within(&self, remove: Option<Slot>, insert: Option<Slot>) -> Edit {
        let n = self.slots.len();
        let one = |at: usize, slot: Slot| Edit::Splice {
            start: at,
            end: at,
            with: Slots::One(slot),
        };
        let removed_at = remove.and_then(|slot| self.position(slot));
        // Within a year of one precision, a place is found by binary search.
        let sorted_in = |year: i32, slot: Slot| {
            self.uniform(year) && self.precisions(year) & !precision_bit(slot.precision()) == 0
        };
        let place = |slot: Slot| self.place(slot);
        match (remove, removed_at, insert) {
            (None, _, Some(new)) if sorted_in(new.year(), new) => return one(place(new), new),
            (Some(old), Some(at), None) if self.uniform(old.year()) => {
                return Edit::Splice {
                    start: at,
                    end: at + 1,
                    with: Slots::none(),
                };
            }
            (Some(old), Some(at), Some(new)) if old.same_date_and_kind(new) => {
                // A correction that keeps the date and the kind keeps the place.
                return Edit::Splice {
                    start: at,
                    end: at + 1,
                    with: Slots::One(new),
                };
            }
            (Some(old), Some(at), Some(new))
                if !old.is_lifecycle()
                    && !new.is_lifecycle()
                    && self.uniform(old.year())
                    && sorted_in(new.year(), new) =>
            {
                // An informational event redated: out here, in there.
                let to = place(new);
                return Edit::Move {
                    from: at,
                    to: if to > at { to - 1 } else { to },
                    slot: new,
                };
            }
            (Some(old), Some(at), Some(new))
                if old.year() == new.year() && sorted_in(new.year(), new) =>
            {
                // Out at one place, in at another: the window between them.
                let to = place(new);
                let (start, end) = (at.min(to), (at + 1).max(to));
                let mut with: Vec<Slot> = self
                    .range(start..end)
                    .filter(|slot| !slot.same_event(old))
                    .copied()
                    .collect();
                let within = with.partition_point(|s| s.sorted() < new.sorted());
                with.insert(within, new);
                return Edit::Splice {
                    start,
                    end,
                    with: Slots::Many(with),
                };
            }
            _ => {}
        }
        let mut years: Vec<i32> = remove.iter().chain(&insert).map(|s| s.year()).collect();
        years.sort_unstable();
        years.dedup();
        let (Some(first), Some(last)) = (years.first(), years.last()) else {
            return Edit::Splice {
                start: n,
                end: n,
                with: Slots::none(),
            };
        };
        let start = self.year(*first).start;
        let end = self.year(*last).end;
        let mut with = Vec::with_capacity(end - start + 1);
        let mut cursor = start;
        for year in years.iter().copied() {
            let range = self.year(year);
            with.extend(self.range(cursor..range.start));
            let inserting = insert.filter(|slot| slot.year() == year);
            with.extend(self.rewrite_year(year, range.clone(), removed_at, inserting));
            cursor = range.end;
        }
        Edit::Splice {
            start,
            end,
            with: Slots::Many(with),
        }
    }

    /// The events of one year (at `range`) after taking out the one at
    /// `removed_at`, if it lies in the year, and putting in `insert`.
    fn rewrite_year(
        &self,
        year: i32,
        range: Range<usize>,
        removed_at: Option<usize>,
        insert: Option<Slot>,
    ) -> Vec<Slot> {
        let mut events: Vec<Slot> = (range.start..)
            .zip(self.range(range))
            .filter(|(i, _)| removed_at != Some(*i))
            .map(|(_, slot)| *slot)
            .collect();
        let bits = self.precisions(year);
        let uniform_before = bits.count_ones() <= 1;
        let uniform_after = insert.is_none_or(|slot| bits & !precision_bit(slot.precision()) == 0);
        match insert {
            Some(slot) if uniform_before && uniform_after => {
                let at = events.partition_point(|s| s.sorted() < slot.sorted());
                events.insert(at, slot);
                events
            }
            Some(slot) => {
                events.push(slot);
                history_order(&events)
            }
            None if uniform_before => events,
            None => history_order(&events),
        }
    }

    /// Applies an edit.
    pub(crate) fn apply(&mut self, edit: Edit) {
        let (start, end, with) = match edit {
            Edit::Splice { start, end, with } => (start, end, with),
            Edit::Move { from, to, slot } => {
                if let Some(old) = self.slots.remove(from) {
                    self.count(old, false);
                }
                self.count(slot, true);
                self.slots.insert(to.min(self.slots.len()), slot);
                return;
            }
        };
        for i in start..end {
            if let Some(old) = self.slots.get(i).copied() {
                self.count(old, false);
            }
        }
        let with = with.as_slice();
        for slot in with {
            self.count(*slot, true);
        }
        match with {
            // The common case, fast: one event after all the others.
            [slot] if start == self.slots.len() => self.slots.push(*slot),
            _ => self.slots.splice(start, end, with),
        }
        self.start_counting_years();
    }

    /// Starts counting the precisions of each year once the history is
    /// long. (Speed only: uncounted, they are counted when asked.)
    fn start_counting_years(&mut self) {
        if self.years.is_none() && self.slots.len() > COUNTED {
            let mut years = Box::default();
            for slot in self.slots.iter() {
                count(&mut years, *slot, true);
            }
            self.years = Some(years);
        }
    }

    /// Counts a slot in or out of its year, when years are counted.
    fn count(&mut self, slot: Slot, add: bool) {
        if let Some(years) = &mut self.years {
            count(years, slot, add);
        }
    }

    /// The history of `slots`, ordered by the rule.
    pub(crate) fn from_slots(slots: &[Slot]) -> Self {
        let mut in_force = InForce::default();
        in_force.apply(Edit::Splice {
            start: 0,
            end: 0,
            with: Slots::Many(history_order(slots)),
        });
        in_force
    }
}

fn count(years: &mut BTreeMap<i32, [u32; 3]>, slot: Slot, add: bool) {
    let counts = years.entry(slot.year()).or_default();
    if let Some(count) = counts.get_mut(precision_index(slot.precision())) {
        *count = if add {
            count.saturating_add(1)
        } else {
            count.saturating_sub(1)
        };
    }
    if counts.iter().all(|count| *count == 0) {
        years.remove(&slot.year());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EventDate;
    use crate::test_support::Lcg;

    fn slot(seq: u32, kind: EventKind, date: &str) -> Slot {
        let date: EventDate = date.parse().unwrap();
        Slot::of(seq, seq, date.start(), kind, date.precision())
    }

    /// A slot gives back every part it was built from, at the edges of
    /// each part's range, and its days order as the dates do.
    #[test]
    fn a_slot_keeps_what_it_packs() {
        let positions = [0, 1, 4_321, limits::MAX_ENTRIES as u32 - 1];
        let dates = [
            "0001-01-01",
            "0001-12-31",
            "2024-02-29",
            "2024-12-31",
            "9999-12-31",
        ];
        let precisions = [Precision::Day, Precision::Month, Precision::Year];
        let mut built = Vec::new();
        for (i, kind) in EventKind::ALL.into_iter().enumerate() {
            let version = positions[i % positions.len()];
            let seq = positions[(i + 1) % positions.len()];
            for date in dates {
                let start: NaiveDate = date.parse().unwrap();
                let precision = precisions[i % precisions.len()];
                let slot = Slot::of(version, seq, start, kind, precision);
                assert_eq!(u32::from(slot.version()), version);
                assert_eq!(u32::from(slot.seq()), seq);
                assert_eq!((slot.start(), slot.year()), (start, start.year()));
                assert_eq!((slot.kind(), slot.precision()), (kind, precision));
                built.push((start, slot));
                built.push((slot.end(), Slot::of(0, 0, slot.end(), kind, Precision::Day)));
            }
        }
        for (a, x) in &built {
            for (b, y) in &built {
                assert_eq!(a.cmp(b), x.day_key().cmp(&y.day_key()), "{a} against {b}");
                // The end of each date compares with each day as its key does.
                let end = x.end();
                assert_eq!(
                    end.cmp(b),
                    x.end_key().cmp(&y.day_key()),
                    "{end} against {b}"
                );
            }
        }
    }

    fn kinds(order: &[Slot]) -> Vec<u16> {
        order.iter().map(|s| s.seq()).collect()
    }

    #[test]
    fn the_rule_orders_by_date_then_lifecycle_then_recording() {
        let slots = [
            slot(0, EventKind::Note, "2024-03-01"),
            slot(1, EventKind::Deliberated, "2024-03-01"),
            slot(2, EventKind::Proposed, "2024-01-01"),
            slot(3, EventKind::Deliberated, "2024-03-01"),
        ];
        assert_eq!(kinds(&history_order(&slots)), [2, 1, 3, 0]);
    }

    #[test]
    fn the_rule_puts_the_lifecycle_first_among_overlapping_dates() {
        // A deliberation on a day and an MoI known only to the year: the MoI
        // may have come later, and the lifecycle says it did.
        let slots = [
            slot(0, EventKind::MoiSigned, "2024"),
            slot(1, EventKind::Deliberated, "2024-06-01"),
        ];
        assert_eq!(kinds(&history_order(&slots)), [1, 0]);
        // A note certainly before the deliberation pulls the year's MoI
        // ahead of it: the rule takes what no remaining event is certainly
        // before, and the note's end is then the earliest.
        let slots = [
            slot(0, EventKind::MoiSigned, "2024"),
            slot(1, EventKind::Deliberated, "2024-06-01"),
            slot(2, EventKind::Note, "2024-03-01"),
        ];
        assert_eq!(kinds(&history_order(&slots)), [0, 2, 1]);
    }

    fn random_slot(random: &mut Lcg, seq: u32, years: u64) -> Slot {
        let date = random.date(years);
        let kind = EventKind::ALL[random.below(EventKind::ALL.len() as u64) as usize];
        Slot::of(seq, seq, date.start(), kind, date.precision())
    }

    /// The edits keep the history equal to the rule applied from scratch,
    /// through inserts, removals and corrections, short and long, with
    /// years of one precision and of several.
    #[test]
    fn edits_agree_with_the_rule() {
        let mut random = Lcg::new(7);
        for round in 0..300 {
            let years = [1, 2, 5, 40][round % 4];
            let uniform = round % 3 == 0;
            let mut in_force = InForce::default();
            let mut live: Vec<Slot> = Vec::new();
            let steps = if round % 10 == 0 { 400 } else { 40 };
            for step in 0..steps {
                let seq = step as u32;
                let mut new = random_slot(&mut random, seq, years);
                if uniform {
                    let date = EventDate::day(new.year(), 5, 5).unwrap();
                    new = Slot::of(seq, seq, date.start(), new.kind(), date.precision());
                }
                let choice = random.below(4);
                let edit = if choice < 2 || live.is_empty() {
                    live.push(new);
                    in_force.edit(None, Some(new))
                } else {
                    let i = random.below(live.len() as u64) as usize;
                    let old = live[i];
                    if choice == 2 {
                        live.remove(i);
                        in_force.edit(Some(old), None)
                    } else {
                        let corrected = Slot::of(
                            10_000 + seq,
                            u32::from(old.seq()),
                            new.start(),
                            new.kind(),
                            new.precision(),
                        );
                        live[i] = corrected;
                        in_force.edit(Some(old), Some(corrected))
                    }
                };
                in_force.apply(edit);
                assert!(
                    in_force.slots().iter().eq(history_order(&live).iter()),
                    "round {round}, step {step}"
                );
            }
        }
    }
}

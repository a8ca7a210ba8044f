//! The list of events in force: kept inside the agreement while it is
//! short, on the heap once it grows.
//!
//! Most agreements hold a handful of events and a tracker holds millions of
//! agreements, so the first few events live in the agreement itself: no
//! allocation to make, grow, clone or free for them. A longer history moves
//! to a deque, so that news arriving in reverse order inserts at the front
//! as cheaply as appends at the back.

use std::collections::VecDeque;
use std::fmt;
use std::ops::Range;

use super::order::Slot;

/// How many events a history holds before it moves to the heap.
const INLINE: usize = 8;

/// The list of events in force, in history order.
#[derive(Clone)]
pub(crate) enum SlotList {
    /// The first `len` slots are the list; the rest are filler.
    Inline {
        len: u8,
        slots: [Slot; INLINE],
    },
    Heap(VecDeque<Slot>),
}

impl Default for SlotList {
    fn default() -> Self {
        SlotList::Inline {
            len: 0,
            slots: [Slot::FILLER; INLINE],
        }
    }
}

impl fmt::Debug for SlotList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for SlotList {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for SlotList {}

impl SlotList {
    /// The list as two slices, the first then the second.
    fn as_slices(&self) -> (&[Slot], &[Slot]) {
        match self {
            SlotList::Inline { len, slots } => {
                (slots.get(..usize::from(*len)).unwrap_or_default(), &[])
            }
            SlotList::Heap(deque) => deque.as_slices(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            SlotList::Inline { len, .. } => usize::from(*len),
            SlotList::Heap(deque) => deque.len(),
        }
    }

    pub(crate) fn iter(&self) -> Iter<'_> {
        let (front, back) = self.as_slices();
        Iter {
            front: front.iter(),
            back: back.iter(),
        }
    }

    /// The slots at these positions; the range is cut to the list.
    pub(crate) fn range(&self, range: Range<usize>) -> Iter<'_> {
        let (front, back) = self.as_slices();
        let end = range.end.min(front.len() + back.len());
        let start = range.start.min(end);
        let split = front.len();
        fn part(slice: &[Slot], from: usize, to: usize) -> std::slice::Iter<'_, Slot> {
            slice.get(from..to).unwrap_or_default().iter()
        }
        Iter {
            front: part(front, start.min(split), end.min(split)),
            back: part(back, start.max(split) - split, end.max(split) - split),
        }
    }

    pub(crate) fn get(&self, at: usize) -> Option<&Slot> {
        let (front, back) = self.as_slices();
        match at.checked_sub(front.len()) {
            None => front.get(at),
            Some(at) => back.get(at),
        }
    }

    pub(crate) fn back(&self) -> Option<&Slot> {
        let (front, back) = self.as_slices();
        back.last().or(front.last())
    }

    /// The number of leading slots for which `before` holds, when it holds
    /// for a prefix of the list.
    pub(crate) fn partition_point(&self, before: impl Fn(&Slot) -> bool) -> usize {
        let (front, back) = self.as_slices();
        match back.first() {
            Some(first) if before(first) => front.len() + back.partition_point(before),
            _ => front.partition_point(before),
        }
    }

    /// Puts `slot` after the others.
    pub(crate) fn push(&mut self, slot: Slot) {
        match self {
            SlotList::Inline { len, slots } => {
                if let Some(free) = slots.get_mut(usize::from(*len)) {
                    *free = slot;
                    *len += 1;
                    return;
                }
            }
            SlotList::Heap(deque) => {
                let n = deque.len();
                reserve_for_splice(deque, n, n, 1);
                deque.push_back(slot);
                return;
            }
        }
        // A full inline list moves to the heap.
        let n = self.len();
        self.splice(n, n, &[slot]);
    }

    /// Puts `slot` at position `at` (at most the length).
    pub(crate) fn insert(&mut self, at: usize, slot: Slot) {
        self.splice(at, at, &[slot]);
    }

    /// Takes out the slot at `at`, if there is one.
    pub(crate) fn remove(&mut self, at: usize) -> Option<Slot> {
        let slot = self.get(at).copied()?;
        self.splice(at, at + 1, &[]);
        Some(slot)
    }

    /// Replaces the slots at `start..end` with `with`; does nothing unless
    /// `start <= end <= len`.
    pub(crate) fn splice(&mut self, start: usize, end: usize, with: &[Slot]) {
        let len = self.len();
        if start > end || end > len {
            return;
        }
        let new_len = len - (end - start) + with.len();
        match self {
            SlotList::Inline { len: count, slots } if new_len <= INLINE => {
                // The tail moves to its new place, then `with` fills the gap;
                // both stay within the array, as `len` and `new_len` do.
                slots.copy_within(end..len, start + with.len());
                if let Some(gap) = slots.get_mut(start..start + with.len()) {
                    gap.copy_from_slice(with);
                }
                *count = u8::try_from(new_len).unwrap_or(u8::MAX);
            }
            SlotList::Inline { slots, .. } => {
                let part = |range: Range<usize>| slots.get(range).unwrap_or_default();
                let mut deque = VecDeque::with_capacity(new_len);
                deque.extend(part(0..start));
                deque.extend(with);
                deque.extend(part(end..len));
                *self = SlotList::Heap(deque);
            }
            SlotList::Heap(deque) => splice_deque(deque, start, end, with),
        }
    }
}

/// [`SlotList::splice`] on the heap. The one-slot cases are fast paths of
/// the last arm.
fn splice_deque(deque: &mut VecDeque<Slot>, start: usize, end: usize, with: &[Slot]) {
    reserve_for_splice(deque, start, end, with.len());
    match (end - start, with) {
        (0, [slot]) => deque.insert(start, *slot),
        (1, []) => {
            deque.remove(start);
        }
        (1, [slot]) => {
            if let Some(old) = deque.get_mut(start) {
                *old = *slot;
            }
        }
        _ => {
            let tail = deque.split_off(end);
            deque.truncate(start);
            deque.extend(with);
            deque.extend(tail);
        }
    }
}

/// Makes room for replacing `start..end` with `added` slots: a history of
/// a few dozen events grows by exactly what it needs, as trackers hold
/// many of them. (Memory only: no answer depends on it.)
fn reserve_for_splice(deque: &mut VecDeque<Slot>, start: usize, end: usize, added: usize) {
    let growth = (added + start).saturating_sub(end);
    if deque.len() + growth > deque.capacity() && deque.len() < 32 {
        deque.reserve_exact(growth);
    }
}

impl<'a> IntoIterator for &'a SlotList {
    type Item = &'a Slot;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// An iterator over slots in history order.
#[derive(Debug, Clone)]
pub(crate) struct Iter<'a> {
    front: std::slice::Iter<'a, Slot>,
    back: std::slice::Iter<'a, Slot>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a Slot;

    fn next(&mut self) -> Option<&'a Slot> {
        self.front.next().or_else(|| self.back.next())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let len = self.front.len() + self.back.len();
        (len, Some(len))
    }

    fn nth(&mut self, n: usize) -> Option<&'a Slot> {
        let skipped = self.front.len();
        match n.checked_sub(skipped) {
            None => self.front.nth(n),
            Some(rest) => {
                self.front = [].iter();
                self.back.nth(rest)
            }
        }
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.back.next_back().or_else(|| self.front.next_back())
    }
}

impl ExactSizeIterator for Iter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Event, EventDate, EventId, EventKind};
    use crate::test_support::Lcg;

    fn slot(n: u32) -> Slot {
        let date: EventDate = "2024-01-01".parse().unwrap();
        let event = Event::with_id(
            EventId::from_uuid(uuid::Uuid::from_u128(u128::from(n) + 1)),
            EventKind::Note,
            date,
        );
        Slot::new(n, n, &event)
    }

    /// Lists are equal by their slots, inline or on the heap, and print as
    /// a list of them.
    #[test]
    fn lists_compare_and_print_by_their_slots() {
        let mut short = SlotList::default();
        let mut long = SlotList::default();
        for n in 0..3 {
            short.insert(n, slot(n as u32));
        }
        for n in 0..12 {
            long.insert(n, slot(n as u32));
        }
        assert_ne!(short, long);
        let mut other = SlotList::default();
        for n in 0..3 {
            other.insert(n, slot(n as u32 + 1));
        }
        assert_ne!(short, other);
        // The same slots on the heap as inline.
        for _ in 3..12 {
            long.splice(3, 4, &[]);
        }
        assert_eq!(long, short);
        assert_eq!(format!("{long:?}"), format!("{short:?}"));
        let shown = format!("{short:?}");
        assert!(shown.starts_with('[') && shown.ends_with(']'), "{shown}");
        assert_eq!(shown.matches("Slot {").count(), 3, "{shown}");
    }

    /// The list behaves as a plain vector would, through every operation,
    /// inline, on the heap and across the move, from the front and the back.
    #[test]
    fn the_list_behaves_as_a_vector() {
        let mut random = Lcg::new(5);
        for round in 0..200 {
            let mut list = SlotList::default();
            let mut model: Vec<Slot> = Vec::new();
            // A deque whose contents wrap around its buffer.
            if round % 2 == 1 {
                for n in 0..12 {
                    list.insert(0, slot(1000 + n));
                    model.insert(0, slot(1000 + n));
                }
            }
            for step in 0..60u32 {
                let len = model.len() as u64;
                match random.below(5) {
                    0 | 1 => {
                        let at = random.below(len + 1) as usize;
                        list.insert(at, slot(step));
                        model.insert(at, slot(step));
                    }
                    2 => {
                        let at = random.below(len + 2) as usize;
                        let expected = (at < model.len()).then(|| model.remove(at));
                        assert_eq!(list.remove(at), expected);
                    }
                    _ => {
                        let start = random.below(len + 2) as usize;
                        let end = start + random.below(3) as usize;
                        let with: Vec<Slot> =
                            (0..random.below(4) as u32).map(|k| slot(500 + k)).collect();
                        list.splice(start, end, &with);
                        if end <= model.len() {
                            model.splice(start..end, with);
                        }
                    }
                }
                assert_eq!(list.len(), model.len());
                assert!(list.iter().eq(model.iter()));
                assert!(list.iter().rev().eq(model.iter().rev()));
                assert_eq!(list.iter().len(), model.len());
                assert_eq!(list.back(), model.last());
                let a = random.below(model.len() as u64 + 3) as usize;
                let b = random.below(model.len() as u64 + 3) as usize;
                let (a, b) = (a.min(b), a.max(b));
                let cut = b.min(model.len());
                assert!(list.range(a..b).eq(model[a.min(cut)..cut].iter()));
                assert_eq!(list.get(a), model.get(a));
                assert_eq!(list.iter().nth(a), model.get(a));
                let mut iter = list.iter();
                assert_eq!(iter.nth(a), model.get(a));
                assert_eq!(iter.next(), model.get(a + 1));
            }
        }
    }

    /// On a sorted list, the partition point is found across both halves of
    /// a wrapped deque.
    #[test]
    fn the_partition_point_is_found_in_either_half() {
        for len in 0..30u32 {
            let mut list = SlotList::default();
            for n in (0..len).rev() {
                list.insert(0, slot(n * 2));
            }
            for pivot in 0..=len * 2 + 1 {
                let expected = (pivot.div_ceil(2)).min(len) as usize;
                assert_eq!(
                    list.partition_point(|s| u32::from(s.seq()) < pivot),
                    expected
                );
            }
        }
    }
}

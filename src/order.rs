//! The order of a history.
//!
//! Dates of different precision only partly order events, so the history
//! order is built greedily: repeatedly take, among the events that no
//! remaining event is certainly before, the one that comes first in the
//! lifecycle, then the one whose date starts first, then the one recorded
//! first. For dates known to the day this is simply: by date, then by the
//! lifecycle, then by recording order.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use chrono::NaiveDate;

use crate::event::Event;

/// What the order needs to know of one event.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Key {
    start: NaiveDate,
    end: NaiveDate,
    rank: u8,
}

impl Key {
    pub(crate) fn of(event: &Event) -> Self {
        Key {
            start: event.date().start(),
            end: event.date().end(),
            rank: event.kind().rank(),
        }
    }
}

/// The history order of events given in recording order: positions into
/// `keys`.
pub(crate) fn history_order(keys: &[Key]) -> Vec<u32> {
    let n = keys.len();
    let mut by_start: Vec<(NaiveDate, u32)> =
        (0u32..).zip(keys).map(|(i, key)| (key.start, i)).collect();
    by_start.sort_unstable();
    let mut ends: BinaryHeap<Reverse<(NaiveDate, u32)>> = (0u32..)
        .zip(keys)
        .map(|(i, key)| Reverse((key.end, i)))
        .collect();
    let mut available: BinaryHeap<Reverse<(u8, NaiveDate, u32)>> = BinaryHeap::with_capacity(n);
    let mut placed = vec![false; n];
    let mut order = Vec::with_capacity(n);
    let mut next = by_start.iter().peekable();

    while order.len() < n {
        // The earliest end among the events not yet placed.
        while ends
            .peek()
            .is_some_and(|Reverse((_, i))| placed.get(*i as usize).copied().unwrap_or(true))
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
            if let Some(key) = keys.get(i as usize) {
                available.push(Reverse((key.rank, start, i)));
            }
            next.next();
        }
        let Some(Reverse((_, _, i))) = available.pop() else {
            break;
        };
        if let Some(slot) = placed.get_mut(i as usize) {
            *slot = true;
        }
        order.push(i);
    }
    order
}

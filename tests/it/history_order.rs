//! The history order, checked on many generated histories against its
//! definition.

use crate::common::{event, opened};
use bilateral::{Agreement, Event, EventKind, Stage};

/// A small deterministic generator, so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

fn random_date(rng: &mut Lcg, days_only: bool) -> String {
    let year = 2020 + rng.next(3);
    let month = 1 + rng.next(12);
    let day = 1 + rng.next(28);
    match if days_only { 0 } else { rng.next(3) } {
        0 => format!("{year}-{month:02}-{day:02}"),
        1 => format!("{year}-{month:02}"),
        _ => format!("{year}"),
    }
}

/// Informational kinds never make a history invalid, so any number of them
/// can be recorded; the order is what is checked.
fn random_history(rng: &mut Lcg, days_only: bool) -> Agreement {
    let mut agreement = opened(EventKind::Deliberated, &random_date(rng, days_only));
    let kinds = [
        EventKind::Meeting,
        EventKind::Statement,
        EventKind::Note,
        EventKind::Deliberated,
    ];
    for n in 0..12 {
        let kind = kinds[rng.next(kinds.len() as u64) as usize];
        // A deliberation may be refused (before the first stage, say): fine.
        let _ = agreement.record(event(100 + n, kind, &random_date(rng, days_only)));
    }
    agreement
}

#[test]
fn no_event_comes_after_one_it_is_certainly_before() {
    let mut rng = Lcg(7);
    for _ in 0..500 {
        let agreement = random_history(&mut rng, false);
        let history: Vec<&Event> = agreement.history().collect();
        for (i, later) in history.iter().enumerate() {
            for earlier in &history[i + 1..] {
                assert!(
                    !earlier.date().is_certainly_before(&later.date()),
                    "{} placed after {} in\n{agreement}",
                    earlier.date(),
                    later.date()
                );
            }
        }
        assert_eq!(agreement.stage(), Stage::Deliberated);
    }
}

#[test]
fn day_precision_histories_sort_by_date_then_lifecycle_then_recording() {
    let rank = |kind: EventKind| match kind {
        EventKind::Deliberated => 1,
        _ => 6,
    };
    let mut rng = Lcg(11);
    for _ in 0..500 {
        let agreement = random_history(&mut rng, true);
        let recorded: Vec<_> = agreement
            .entries()
            .iter()
            .map(bilateral::Entry::event_id)
            .collect();
        let mut expected: Vec<&Event> = agreement
            .entries()
            .iter()
            .filter_map(bilateral::Entry::event)
            .collect();
        expected.sort_by_key(|e| {
            let seq = recorded.iter().position(|id| *id == e.id()).unwrap();
            (e.date().start(), rank(e.kind()), seq)
        });
        let actual: Vec<&Event> = agreement.history().collect();
        assert_eq!(actual, expected);
    }
}

#[test]
fn the_order_does_not_depend_on_recording_order_across_distinct_dates() {
    // The same events recorded forwards and backwards give the same history.
    let dates = ["2020-01-05", "2020-03", "2020-06-30", "2021", "2022-02-02"];
    let mut forwards = opened(EventKind::Proposed, "2019-12-01");
    for (n, on) in dates.iter().enumerate() {
        forwards
            .record(event(10 + n as u128, EventKind::Deliberated, on))
            .unwrap();
    }
    let mut backwards = opened(EventKind::Proposed, "2019-12-01");
    for (n, on) in dates.iter().enumerate().rev() {
        backwards
            .record(event(10 + n as u128, EventKind::Deliberated, on))
            .unwrap();
    }
    let f: Vec<_> = forwards.history().map(Event::id).collect();
    let b: Vec<_> = backwards.history().map(Event::id).collect();
    assert_eq!(f, b);
}

//! Sequences of operations on an agreement inside a tracker, decoded from
//! bytes: every refused operation changes nothing, the stage is always the
//! last stage change in force, and the tracker round-trips through JSON.
#![no_main]

use bilateral::{
    Agreement, AgreementId, Change, Event, EventDate, EventId, EventKind, FixedClock, Parties,
    Party, Stage, SubjectArea, Tracker,
};
use libfuzzer_sys::fuzz_target;

fn date(bytes: &[u8]) -> EventDate {
    let b = |i: usize| bytes.get(i).copied().unwrap_or(0);
    let year = 2000 + i32::from(b(0) % 30);
    let month = u32::from(b(1) % 13);
    let day = u32::from(b(2) % 29);
    match (month, day) {
        (0, _) => EventDate::year(year),
        (m, 0) => EventDate::month(year, m),
        (m, d) => EventDate::day(year, m, d),
    }
    .expect("valid by construction")
}

fuzz_target!(|data: &[u8]| {
    let clock = FixedClock::new("2040-01-01T00:00:00Z".parse().expect("instant"));
    let mut tracker = Tracker::new().with_clock(clock);
    let parties = Parties::new(
        Party::state("IND", "India").expect("party"),
        Party::state("JPN", "Japan").expect("party"),
    )
    .expect("parties");
    let mut ids: Vec<AgreementId> = Vec::new();
    let mut events: Vec<(AgreementId, EventId)> = Vec::new();
    for (n, chunk) in data.chunks(6).enumerate() {
        let b = |i: usize| chunk.get(i).copied().unwrap_or(0);
        let kind = EventKind::ALL[usize::from(b(1)) % EventKind::ALL.len()];
        let when = date(&chunk[2.min(chunk.len())..]);
        let event_id = EventId::from_uuid(bilateral::uuid::Uuid::from_u128(n as u128 + 1));
        let before = tracker.clone();
        let accepted = match b(0) % 8 {
            0 => {
                let stage = Stage::ALL[usize::from(b(1)) % 6];
                let builder = Agreement::builder(format!("Agreement {n}"), parties.clone())
                    .id(AgreementId::from_uuid(bilateral::uuid::Uuid::from_u128(
                        n as u128 + 1,
                    )))
                    .subject(SubjectArea::Logistics);
                match tracker.create(
                    builder,
                    Event::with_id(event_id, EventKind::from(stage), when),
                ) {
                    Ok(id) => {
                        ids.push(id);
                        events.push((id, event_id));
                        true
                    }
                    Err(_) => false,
                }
            }
            1 | 2 if !ids.is_empty() => {
                let id = ids[usize::from(b(5)) % ids.len()];
                let version = tracker.version(id).expect("known");
                let expected = if b(0) % 6 == 2 {
                    version.saturating_sub(1)
                } else {
                    version
                };
                let ok = tracker
                    .record_expecting(id, expected, Event::with_id(event_id, kind, when))
                    .is_ok();
                if ok {
                    events.push((id, event_id));
                }
                ok
            }
            3 if !events.is_empty() => {
                let (id, target) = events[usize::from(b(5)) % events.len()];
                tracker
                    .apply(
                        id,
                        None,
                        Change::Correct(Event::with_id(target, kind, when)),
                    )
                    .is_ok()
            }
            4 if !events.is_empty() => {
                let (id, target) = events[usize::from(b(5)) % events.len()];
                tracker
                    .apply(
                        id,
                        None,
                        Change::Retract {
                            id: target,
                            reason: "fuzz".into(),
                        },
                    )
                    .is_ok()
            }
            6 if !events.is_empty() => {
                let (id, target) = events[usize::from(b(5)) % events.len()];
                let rival = Event::builder(kind, when)
                    .id(target)
                    .source(bilateral::Source::new("Fuzz", "a rival claim").expect("a source"))
                    .build()
                    .expect("an event");
                tracker.apply(id, None, Change::Dispute(rival)).is_ok()
            }
            7 if !events.is_empty() => {
                let (id, target) = events[usize::from(b(5)) % events.len()];
                let resolution = Change::Resolve {
                    id: target,
                    chosen: usize::from(b(1)),
                    reason: "fuzz".into(),
                };
                tracker.apply(id, None, resolution).is_ok()
            }
            5 if !ids.is_empty() => {
                let id = ids.swap_remove(usize::from(b(5)) % ids.len());
                events.retain(|(agreement, _)| *agreement != id);
                tracker.remove(id).is_some()
            }
            _ => continue,
        };
        if !accepted {
            assert_eq!(tracker, before, "a refused operation changed the tracker");
        }
        for agreement in tracker.iter() {
            let last = agreement.history().filter_map(|e| e.stage()).last();
            assert_eq!(last, Some(agreement.stage()));
        }
    }
    let written = serde_json::to_string(&tracker).expect("serialises");
    let back: Tracker = serde_json::from_str(&written).expect("reads back");
    assert_eq!(back, tracker);
});

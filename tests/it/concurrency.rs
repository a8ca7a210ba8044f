//! Sharing a tracker across threads: optimistic concurrency loses no update
//! and reports every conflict.

use std::sync::{Arc, RwLock};
use std::thread;

use bilateral::{
    Agreement, AgreementId, Error, Event, EventKind, FixedClock, Parties, Party, SubjectArea,
    Tracker,
};

const THREADS: usize = 8;
// Each thread makes this many attempts; every one collides with other
// threads on the same eight agreements.
const ATTEMPTS: usize = 200;
const AGREEMENTS: usize = 8;

#[test]
fn eight_threads_lose_no_update_and_see_every_conflict() {
    let mut tracker =
        Tracker::new().with_clock(FixedClock::new("2030-01-01T00:00:00Z".parse().unwrap()));
    let parties = Parties::new(
        Party::state("IND", "India").unwrap(),
        Party::state("JPN", "Japan").unwrap(),
    )
    .unwrap();
    let ids: Vec<AgreementId> = (0..AGREEMENTS)
        .map(|n| {
            tracker
                .create(
                    Agreement::builder(format!("Agreement {n}"), parties.clone())
                        .subject(SubjectArea::Logistics),
                    Event::new(EventKind::Deliberated, "2020-01-01".parse().unwrap()),
                )
                .unwrap()
        })
        .collect();
    let shared = Arc::new(RwLock::new(tracker));

    let handles: Vec<_> = (0..THREADS)
        .map(|thread| {
            let shared = Arc::clone(&shared);
            let ids = ids.clone();
            thread::spawn(move || {
                let _ = thread;
                let (mut accepted, mut conflicts) = (vec![0u64; ids.len()], 0u64);
                for attempt in 0..ATTEMPTS {
                    // Every thread walks the agreements in the same order, so they collide.
                    let target = attempt % ids.len();
                    let id = ids[target];
                    // Read, decide outside the write lock, then write expecting what was read.
                    let seen = shared.read().unwrap().version(id).unwrap();
                    let note = Event::new(EventKind::Note, "2021-06-01".parse().unwrap());
                    match shared.write().unwrap().record_expecting(id, seen, note) {
                        Ok(version) => {
                            assert_eq!(version, seen + 1);
                            accepted[target] += 1;
                        }
                        Err(Error::Conflict {
                            expected, actual, ..
                        }) => {
                            assert_eq!(expected, seen);
                            assert!(actual > seen);
                            conflicts += 1;
                        }
                        Err(other) => panic!("unexpected error {other}"),
                    }
                }
                (accepted, conflicts)
            })
        })
        .collect();

    let mut accepted = vec![0u64; ids.len()];
    let mut conflicts = 0;
    for handle in handles {
        let (mine, theirs) = handle.join().unwrap();
        for (total, n) in accepted.iter_mut().zip(mine) {
            *total += n;
        }
        conflicts += theirs;
    }
    let tracker = shared.read().unwrap();
    // Every attempt is either an accepted update or a reported conflict.
    assert_eq!(
        accepted.iter().sum::<u64>() + conflicts,
        (THREADS * ATTEMPTS) as u64
    );
    for (id, accepted) in ids.iter().zip(&accepted) {
        // No lost update: the version counts every accepted change, and the
        // history holds every accepted note.
        assert_eq!(tracker.version(*id), Some(1 + accepted));
        assert_eq!(tracker.get(*id).unwrap().len() as u64, 1 + accepted);
    }
}

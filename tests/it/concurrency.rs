//! Sharing a tracker across threads: optimistic concurrency loses no update
//! and reports every conflict.

use std::sync::{Arc, RwLock};
use std::thread;

use bilateral::tracker::TrackerError;
use bilateral::{
    Agreement, AgreementId, Event, EventKind, FixedClock, Parties, Party, SubjectArea, Tracker,
};

const THREADS: usize = 8;
// Each thread makes this many attempts; every one collides with other
// threads on the same eight agreements.
const ATTEMPTS: usize = 1_000;
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
                        Err(TrackerError::Conflict {
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

/// Sixteen threads, some of them removing and re-inserting the agreements
/// the others write to: every accepted change moves the version by one, a
/// writer who read a version from before a removal is told of a conflict,
/// and nothing is lost.
#[test]
fn sixteen_threads_with_removals_lose_nothing_and_see_every_stale_version() {
    const THREADS: usize = 16;
    const ATTEMPTS: usize = 300;
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
                let mut notes = vec![0u64; ids.len()];
                let mut reinserts = vec![0u64; ids.len()];
                let mut conflicts = 0u64;
                for attempt in 0..ATTEMPTS {
                    let target = (attempt + thread) % ids.len();
                    let id = ids[target];
                    let seen = shared.read().unwrap().version(id).unwrap();
                    if thread % 4 == 0 && attempt % 5 == 0 {
                        // Remove and insert again, if nobody wrote since.
                        let mut tracker = shared.write().unwrap();
                        if tracker.version(id) == Some(seen) {
                            let agreement = tracker.remove(id).unwrap();
                            assert_eq!(tracker.insert(agreement).unwrap(), seen + 1);
                            reinserts[target] += 1;
                        } else {
                            conflicts += 1;
                        }
                        continue;
                    }
                    let day = 1 + (attempt % 28);
                    let note = Event::new(
                        EventKind::Note,
                        format!("2021-06-{day:02}").parse().unwrap(),
                    );
                    match shared.write().unwrap().record_expecting(id, seen, note) {
                        Ok(version) => {
                            assert_eq!(version, seen + 1);
                            notes[target] += 1;
                        }
                        Err(TrackerError::Conflict {
                            expected, actual, ..
                        }) => {
                            assert_eq!(expected, seen);
                            assert!(actual > seen, "versions never go back");
                            conflicts += 1;
                        }
                        Err(other) => panic!("unexpected error {other}"),
                    }
                }
                (notes, reinserts, conflicts)
            })
        })
        .collect();
    let mut notes = vec![0u64; ids.len()];
    let mut reinserts = vec![0u64; ids.len()];
    let mut conflicts = 0;
    for handle in handles {
        let (mine, theirs, missed) = handle.join().unwrap();
        for (total, n) in notes.iter_mut().zip(mine) {
            *total += n;
        }
        for (total, n) in reinserts.iter_mut().zip(theirs) {
            *total += n;
        }
        conflicts += missed;
    }
    let tracker = shared.read().unwrap();
    assert_eq!(
        notes.iter().sum::<u64>() + reinserts.iter().sum::<u64>() + conflicts,
        (THREADS * ATTEMPTS) as u64
    );
    assert!(conflicts > 0, "the threads never collided");
    assert!(reinserts.iter().sum::<u64>() > 0, "nothing was removed");
    for (i, id) in ids.iter().enumerate() {
        // Every accepted note and re-insert moved the version by one; the
        // history holds every note.
        assert_eq!(tracker.version(*id), Some(1 + notes[i] + reinserts[i]));
        assert_eq!(tracker.get(*id).unwrap().len() as u64, 1 + notes[i]);
    }
    assert_eq!(tracker.len(), AGREEMENTS);
}

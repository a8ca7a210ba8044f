//! The ledger on its own, without a store: what it refuses before any row
//! is written, and what it refuses when rows are read back.

use std::sync::Arc;

use bilateral::{
    Agreement, AgreementId, Change, Event, EventKind, FixedClock, Parties, Party, Policy,
};
use bilateral_store::{Created, Ledger, OwnedRows, Rows, StoreError};

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new("2025-01-01T00:00:00Z".parse().unwrap()))
}

fn id(n: u128) -> AgreementId {
    AgreementId::from_uuid(bilateral::uuid::Uuid::from_u128(n))
}

fn builder(n: u128) -> bilateral::AgreementBuilder {
    let parties = Parties::new(
        Party::state("IND", "India").unwrap(),
        Party::state("JPN", "Japan").unwrap(),
    )
    .unwrap();
    Agreement::builder("Test agreement", parties).id(id(n))
}

fn proposal() -> Event {
    Event::new(EventKind::Proposed, "2024-01-01".parse().unwrap())
}

/// A ledger holding agreement 1, and agreement 2 created then removed.
fn ledger() -> Ledger {
    let mut ledger = Ledger::new(Policy::standard(), clock());
    let created = ledger.prepare_create(builder(1), proposal()).unwrap();
    ledger.commit_create(created, 1);
    let created = ledger.prepare_create(builder(2), proposal()).unwrap();
    ledger.commit_create(created, 2);
    let removal = ledger.prepare_remove(id(2), 1).unwrap();
    ledger.commit_remove(removal, 3);
    ledger
}

#[test]
fn a_creation_is_refused_for_an_id_held_or_once_held() {
    let ledger = ledger();
    for held in [1, 2] {
        let err = ledger
            .prepare_create(builder(held), proposal())
            .unwrap_err();
        assert!(
            matches!(err, StoreError::DuplicateAgreement { agreement, .. } if agreement == id(held)),
            "{err:?}"
        );
    }
    assert!(ledger.prepare_create(builder(3), proposal()).is_ok());
}

/// The rows of agreement 3: its creation, then `more` rows after it.
fn rows(more: &[(u64, Option<&str>)]) -> Vec<(i64, Rows)> {
    let ledger = Ledger::new(Policy::standard(), clock());
    let created = ledger.prepare_create(builder(3), proposal()).unwrap();
    let agreement = created.id.to_string();
    let mut rows = vec![(
        1,
        Rows {
            agreement: agreement.clone(),
            version: 1,
            header: Some(created.header),
            entry: Some(created.entry),
        },
    )];
    for (position, (version, entry)) in (2..).zip(more) {
        rows.push((
            position,
            Rows {
                agreement: agreement.clone(),
                version: *version,
                header: None,
                entry: entry.map(str::to_owned),
            },
        ));
    }
    rows
}

fn load(rows: Vec<(i64, Rows)>) -> Result<Ledger, StoreError> {
    Ledger::load(Policy::standard(), clock(), rows)
}

#[test]
fn rows_read_back_must_follow_each_other() {
    let loaded = load(rows(&[])).unwrap();
    assert_eq!(loaded.tracker().version(id(3)), Some(1));
    assert_eq!(loaded.seen(), 1);
    // Removed: the removal is kept, with its version.
    let loaded = load(rows(&[(2, None)])).unwrap();
    assert!(!loaded.tracker().contains(id(3)));
    assert_eq!(loaded.seen(), 2);
    // A version skipped.
    let err = load(rows(&[(3, None)])).map(|_| ()).unwrap_err();
    assert!(
        err.to_string().contains("version 3 follows version 1"),
        "{err}"
    );
    // A row after the removal, with the next version number.
    let err = load(rows(&[(2, None), (3, None)])).map(|_| ()).unwrap_err();
    assert!(
        err.to_string()
            .contains("version 3 follows version 2, its removal"),
        "{err}"
    );
}

/// A ledger keeps the policy it was made with, and writes that policy's
/// document for its store to record.
#[test]
fn a_ledger_keeps_its_policy() {
    let ledger = Ledger::new(Policy::strict(), clock());
    assert_eq!(ledger.policy().name(), "strict");
    assert_eq!(ledger.policy(), &Policy::strict());
    assert!(
        ledger.policy_document().contains("\"strict\""),
        "{}",
        ledger.policy_document()
    );
    assert_eq!(
        Ledger::new(Policy::standard(), clock()).policy().name(),
        Policy::standard().name()
    );
}

/// The row a creation writes: the agreement's header and first entry.
fn first_row(created: &Created) -> Rows {
    Rows {
        agreement: created.id.to_string(),
        version: 1,
        header: Some(created.header.clone()),
        entry: Some(created.entry.clone()),
    }
}

/// The rows of agreements 4 and 5, created in turn, then recorded on in
/// an order that alternates between them.
fn interleaved() -> Vec<(i64, Rows)> {
    let mut ledger = Ledger::new(Policy::standard(), clock());
    let mut rows = Vec::new();
    for (position, n) in [(1, 4), (2, 5)] {
        let created = ledger.prepare_create(builder(n), proposal()).unwrap();
        rows.push((position, first_row(&created)));
        ledger.commit_create(created, position);
    }
    for (position, (n, version)) in [(3, (4, 1)), (4, (5, 1)), (5, (5, 2)), (6, (4, 2))] {
        let kind = if version == 1 {
            EventKind::Deliberated
        } else {
            EventKind::Meeting
        };
        let event = Event::new(kind, "2024-02-01".parse().unwrap());
        let change = ledger
            .prepare(id(n), version, Change::Record(event))
            .unwrap();
        rows.push((
            position,
            Rows {
                agreement: id(n).to_string(),
                version: version + 1,
                header: None,
                entry: Some(change.entry.clone()),
            },
        ));
        ledger.commit(change, position);
    }
    rows
}

#[test]
fn rows_of_agreements_written_in_turn_are_each_found() {
    let loaded = load(interleaved()).unwrap();
    assert_eq!(loaded.tracker().version(id(4)), Some(3));
    assert_eq!(loaded.tracker().version(id(5)), Some(3));
    assert_eq!(loaded.tracker().get(id(4)).unwrap().history().count(), 3);
    assert_eq!(loaded.tracker().get(id(5)).unwrap().history().count(), 3);
    assert_eq!(loaded.seen(), 6);

    // A second header for agreement 5, or a row of an agreement with none.
    let mut twice = interleaved();
    twice[3].1.header = twice[1].1.header.clone();
    twice[3].1.version = 1;
    let err = load(twice).map(|_| ()).unwrap_err();
    assert!(
        matches!(&err, StoreError::Unreadable { agreement, reason, .. }
            if *agreement == id(5).to_string() && reason.contains("a second header")),
        "{err:?}"
    );
    let mut headless = interleaved();
    headless.remove(1);
    let err = load(headless).map(|_| ()).unwrap_err();
    assert!(
        matches!(&err, StoreError::Unreadable { agreement, reason, .. }
            if *agreement == id(5).to_string() && reason.contains("no header")),
        "{err:?}"
    );
}

fn load_by_agreement(
    rows: impl IntoIterator<Item = Result<(i64, Rows), StoreError>>,
) -> Result<Ledger, StoreError> {
    Ledger::load_by_agreement(Policy::standard(), clock(), [], OwnedRows::new(rows))
}

/// Why rows grouped by agreement are refused.
fn refusal_by_agreement(
    rows: impl IntoIterator<Item = Result<(i64, Rows), StoreError>>,
) -> StoreError {
    load_by_agreement(rows).map(|_| ()).unwrap_err()
}

/// `rows`, each agreement's together in version order, the agreements in
/// the order they were created.
fn grouped(mut rows: Vec<(i64, Rows)>) -> Vec<(i64, Rows)> {
    let first: Vec<String> = rows
        .iter()
        .filter(|(_, row)| row.header.is_some())
        .map(|(_, row)| row.agreement.clone())
        .collect();
    rows.sort_by_key(|(_, row)| {
        let created = first.iter().position(|id| *id == row.agreement);
        (created, row.version)
    });
    rows
}

#[test]
fn rows_grouped_by_agreement_load_as_the_log_does() {
    let log = interleaved();
    let rows = grouped(log.clone());
    // Agreement 5's rows come last, the latest of them (6) before.
    assert_eq!(rows.last().map(|(position, _)| *position), Some(5));
    let loaded = load_by_agreement(rows.into_iter().map(Ok)).unwrap();
    let logged = load(log).unwrap();
    assert_eq!(loaded.tracker(), logged.tracker());
    let ids: Vec<AgreementId> = loaded.tracker().iter().map(Agreement::id).collect();
    assert_eq!(ids, [id(4), id(5)]);
    assert_eq!(loaded.seen(), 6);
    // No rows: an empty ledger.
    let empty = load_by_agreement([]).unwrap();
    assert!(empty.tracker().is_empty());
    assert_eq!(empty.seen(), 0);
    // A removal: the agreement gone, its id never used again.
    let loaded = load_by_agreement(rows_ok(&[(2, None)])).unwrap();
    assert!(!loaded.tracker().contains(id(3)));
    assert_eq!(loaded.seen(), 2);
    assert!(matches!(
        loaded.prepare_create(builder(3), proposal()),
        Err(StoreError::DuplicateAgreement { agreement, .. }) if agreement == id(3)
    ));
}

fn rows_ok(more: &[(u64, Option<&str>)]) -> impl Iterator<Item = Result<(i64, Rows), StoreError>> {
    rows(more).into_iter().map(Ok)
}

#[test]
fn rows_grouped_by_agreement_must_follow_each_other() {
    let err = refusal_by_agreement(rows_ok(&[(3, None)]));
    assert!(
        err.to_string().contains("version 3 follows version 1"),
        "{err}"
    );
    let err = refusal_by_agreement(rows_ok(&[(2, None), (3, None)]));
    assert!(
        err.to_string()
            .contains("version 3 follows version 2, its removal"),
        "{err}"
    );
    // The log's order is not grouped: agreement 4's second row comes
    // after agreement 5 began.
    let err = refusal_by_agreement(interleaved().into_iter().map(Ok));
    assert!(
        matches!(&err, StoreError::Unreadable { agreement, reason, .. }
            if *agreement == id(4).to_string() && reason.contains("no header")),
        "{err:?}"
    );
    // A second header inside an agreement's rows.
    let mut twice = grouped(interleaved());
    twice[1].1.header = twice[0].1.header.clone();
    let err = refusal_by_agreement(twice.into_iter().map(Ok));
    assert!(
        matches!(&err, StoreError::Unreadable { agreement, reason, .. }
            if *agreement == id(4).to_string() && reason.contains("a second header")),
        "{err:?}"
    );
    // An agreement's rows in two groups, each opened by a header: the
    // agreement twice.
    let mut again = grouped(interleaved());
    let first = again[0].clone();
    again.push((7, first.1));
    let err = refusal_by_agreement(again.into_iter().map(Ok));
    assert!(
        matches!(&err, StoreError::Invalid(error) if error.to_string().contains(&id(4).to_string())),
        "{err:?}"
    );
}

/// A row that failed to be fetched ends the load with its error, even
/// after agreements already complete.
#[test]
fn a_row_that_failed_ends_the_load_with_its_error() {
    let failed = || Err(StoreError::unreadable("the cursor", "the disk went away"));
    let rows = grouped(interleaved())
        .into_iter()
        .map(Ok)
        .take(3)
        .chain(std::iter::once(failed()))
        .chain(grouped(interleaved()).into_iter().skip(3).map(Ok));
    let err = refusal_by_agreement(rows);
    assert!(
        matches!(&err, StoreError::Unreadable { agreement, reason, .. }
            if agreement == "the cursor" && reason == "the disk went away"),
        "{err:?}"
    );
}

/// Enough agreements to be read on several threads, grouped: the same
/// tracker as their log's order gives.
#[test]
fn many_agreements_grouped_load_as_the_log_does() {
    let mut ledger = Ledger::new(Policy::standard(), clock());
    let mut log = Vec::new();
    let count = 700;
    for n in 0..count {
        let created = ledger.prepare_create(builder(100 + n), proposal()).unwrap();
        let position = log.len() as i64 + 1;
        log.push((position, first_row(&created)));
        ledger.commit_create(created, position);
    }
    for n in (0..count).rev().step_by(3) {
        let event = Event::new(EventKind::Deliberated, "2024-02-01".parse().unwrap());
        let change = ledger
            .prepare(id(100 + n), 1, Change::Record(event))
            .unwrap();
        let position = log.len() as i64 + 1;
        log.push((
            position,
            Rows {
                agreement: id(100 + n).to_string(),
                version: 2,
                header: None,
                entry: Some(change.entry.clone()),
            },
        ));
        ledger.commit(change, position);
    }
    let mut grouped = log.clone();
    grouped.sort_by_key(|(position, row)| {
        let created = log
            .iter()
            .position(|(_, first)| first.agreement == row.agreement)
            .unwrap_or(0);
        (created, row.version, *position)
    });
    let loaded = load_by_agreement(grouped.into_iter().map(Ok)).unwrap();
    assert_eq!(loaded.tracker(), ledger.tracker());
    let ids: Vec<AgreementId> = loaded.tracker().iter().map(Agreement::id).collect();
    let created: Vec<AgreementId> = (0..count).map(|n| id(100 + n)).collect();
    assert_eq!(ids, created);
    assert_eq!(loaded.seen(), log.len() as i64);
}

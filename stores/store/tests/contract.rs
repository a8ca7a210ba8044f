//! The in-memory store passes the contract every store passes.

use std::sync::Arc;

use bilateral::{AgreementId, Clock, Policy};
use bilateral_store::contract::{self, Backend};
use bilateral_store::{MemoryStore, SharedMemory, StoreError};

struct Memory(SharedMemory);

impl Backend for Memory {
    type Store = MemoryStore;

    fn open(&self, policy: Policy, clock: Arc<dyn Clock>) -> Result<MemoryStore, StoreError> {
        self.0.open_with_clock(policy, clock)
    }

    fn edit_by_hand(&self, agreement: AgreementId, version: u64, entry: &str) {
        assert!(self.0.edit_by_hand(agreement, version, entry));
    }
}

#[test]
fn the_memory_store_keeps_the_contract() {
    contract::run(|| Memory(SharedMemory::new()));
}

use bilateral::lifecycle::BothPartiesRepresented;
use bilateral::{Agreement, Change, Event, EventKind, Parties, Party, Stage, Trigger};
use bilateral_store::{Ledger, Store};

fn parties() -> Parties {
    Parties::new(
        Party::state("IND", "India").unwrap(),
        Party::state("JPN", "Japan").unwrap(),
    )
    .unwrap()
}

/// What the ledger says of a change, an error of its kind, and what a
/// memory store shares with the writers opened on it.
#[test]
fn the_ledger_names_each_change_and_a_store_shares_its_memory() {
    let mut store = MemoryStore::new(Policy::standard());
    let first = Event::new(EventKind::Proposed, "2024-01".parse().unwrap());
    let id = store
        .create(Agreement::builder("Pact", parties()), first.clone())
        .unwrap();
    // A second writer on the same memory sees the first's agreement.
    let other = store.memory().open(Policy::standard()).unwrap();
    assert_eq!(other.tracker().version(id), Some(1));
    let ledger = Ledger::new(Policy::standard(), Arc::new(bilateral::SystemClock));
    assert!(format!("{ledger:?}").contains("policy: \"standard\""));
    assert!(!StoreError::duplicate(id).is_conflict());
    assert!(StoreError::conflict(id, 1, 2).is_conflict());
    // Each kind of change is written as its word.
    let meeting = Event::new(EventKind::Meeting, "2024-02".parse().unwrap());
    let actions: Vec<&str> = [
        Change::Record(meeting.clone()),
        Change::Correct(
            first
                .to_builder()
                .date("2024-02".parse().unwrap())
                .build()
                .unwrap(),
        ),
        Change::Retract {
            id: first.id(),
            reason: "a test".into(),
        },
    ]
    .into_iter()
    .map(|change| {
        let ledger = other_ledger(&store);
        ledger
            .prepare(id, 1, change)
            .map(|p| p.action)
            .unwrap_or("refused")
    })
    .collect();
    assert_eq!(actions, ["record", "correct", "refused"]);
}

/// A ledger holding `store`'s rows.
fn other_ledger(store: &MemoryStore) -> Ledger {
    let mut ledger = Ledger::new(Policy::standard(), Arc::new(bilateral::SystemClock));
    let reopened = store.memory().open(Policy::standard()).unwrap();
    for (position, agreement) in (1..).zip(reopened.tracker().iter()) {
        let mut builder =
            Agreement::builder(agreement.title(), agreement.parties().clone()).id(agreement.id());
        builder = builder.subjects(agreement.subjects().iter().cloned());
        let first = agreement.history().next().unwrap().clone();
        let created = ledger.prepare_create(builder, first).unwrap();
        ledger.commit_create(created, position);
    }
    ledger
}

/// A policy with a guard: the store reopens it (the guard found by name).
#[test]
fn a_store_under_a_guarded_policy_reopens() {
    let guarded = Policy::standard()
        .to_builder()
        .name("represented")
        .guard(Trigger::Into(Stage::Finalised), BothPartiesRepresented)
        .build()
        .unwrap();
    let mut store = MemoryStore::new(guarded.clone());
    let id = store
        .create(
            Agreement::builder("Pact", parties()),
            Event::new(EventKind::Proposed, "2024-01".parse().unwrap()),
        )
        .unwrap();
    let reopened = store.memory().open(guarded).unwrap();
    assert_eq!(reopened.tracker().version(id), Some(1));
    assert_eq!(reopened.tracker().policy().name(), "represented");
}

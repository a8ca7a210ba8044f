//! The SQLite store passes the contract every store passes, on a real
//! file; and what only a database has: schema versions, the tables'
//! refusal of updates and deletes.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bilateral::{Agreement, AgreementId, Clock, Event, EventKind, Parties, Party, Policy};
use bilateral_sqlite::SqliteStore;
use bilateral_store::contract::{self, Backend};
use bilateral_store::{Store, StoreError};
use rusqlite::Connection;

/// A fresh database file under the target directory, removed when
/// dropped.
pub struct File(PathBuf);

impl File {
    pub fn fresh(name: &str) -> File {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "sqlite-{}-{}-{}",
            name,
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        File(dir.join("agreements.db"))
    }
}

impl Drop for File {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl Backend for File {
    type Store = SqliteStore;

    fn open(&self, policy: Policy, clock: Arc<dyn Clock>) -> Result<SqliteStore, StoreError> {
        SqliteStore::open_with_clock(&self.0, policy, clock)
    }

    fn edit_by_hand(&self, agreement: AgreementId, version: u64, entry: &str) {
        let connection = Connection::open(&self.0).unwrap();
        // Whoever edits by hand drops the guard first.
        connection
            .execute_batch("DROP TRIGGER IF EXISTS entries_are_never_updated")
            .unwrap();
        let changed = connection
            .execute(
                "UPDATE entries SET entry = ?1 WHERE agreement = ?2 AND version = ?3",
                rusqlite::params![entry, agreement.to_string(), version as i64],
            )
            .unwrap();
        assert_eq!(changed, 1);
    }
}

#[test]
fn the_sqlite_store_keeps_the_contract() {
    contract::run(|| File::fresh("contract"));
}

fn parties() -> Parties {
    Parties::new(
        Party::state("IND", "India").unwrap(),
        Party::state("JPN", "Japan").unwrap(),
    )
    .unwrap()
}

#[test]
fn a_newer_schema_is_refused_with_both_versions() {
    let file = File::fresh("schema");
    drop(SqliteStore::open(&file.0, Policy::standard()).unwrap());
    let connection = Connection::open(&file.0).unwrap();
    let version: String = connection
        .query_row(
            "SELECT value FROM bilateral_meta WHERE key = 'schema_version'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(version, bilateral_store::SCHEMA_VERSION.to_string());
    connection
        .execute(
            "UPDATE bilateral_meta SET value = '99' WHERE key = 'schema_version'",
            [],
        )
        .unwrap();
    drop(connection);
    let refused = SqliteStore::open(&file.0, Policy::standard()).unwrap_err();
    assert!(
        matches!(
            refused,
            StoreError::NewerSchema {
                found: 99,
                supported: bilateral_store::SCHEMA_VERSION,
                ..
            }
        ),
        "{refused:?}"
    );
    assert_eq!(
        refused.to_string(),
        format!(
            "the database's schema is version 99, newer than version {}, \
             the newest this release knows: upgrade the store crate",
            bilateral_store::SCHEMA_VERSION
        )
    );
}

#[test]
fn opening_twice_migrates_once_and_keeps_everything() {
    let file = File::fresh("reopen");
    let mut store = SqliteStore::open(&file.0, Policy::standard()).unwrap();
    let id = store
        .create(
            Agreement::builder("Pact", parties()),
            Event::new(EventKind::Proposed, "2024".parse().unwrap()),
        )
        .unwrap();
    drop(store);
    for _ in 0..3 {
        let store = SqliteStore::open(&file.0, Policy::standard()).unwrap();
        assert_eq!(store.tracker().version(id), Some(1));
    }
    let connection = Connection::open(&file.0).unwrap();
    let tables: i64 = connection
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('agreements', 'entries', 'bilateral_meta')",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(tables, 3);
}

/// Opening reads agreements in the order of the headers' rows, which is
/// the order they were created: the tables are append-only, so each new
/// header takes the row after the last. `VACUUM` may number a table's
/// rows afresh; it keeps their order, and so the tracker's.
#[test]
fn agreements_keep_the_order_they_were_created_in_after_a_vacuum() {
    let file = File::fresh("vacuum");
    let mut store = SqliteStore::open(&file.0, Policy::standard()).unwrap();
    // Ids whose text sorts against the order of creation.
    let ids: Vec<AgreementId> = (0..40u128)
        .map(|n| AgreementId::from_uuid(bilateral::uuid::Uuid::from_u128((40 - n) << 64)))
        .collect();
    for (n, id) in ids.iter().enumerate() {
        store
            .create(
                Agreement::builder(format!("Pact {n}"), parties()).id(*id),
                Event::new(EventKind::Proposed, "2024".parse().unwrap()),
            )
            .unwrap();
    }
    // Recorded on in reverse, so that the log holds them in another order.
    for id in ids.iter().rev() {
        store
            .record(
                *id,
                1,
                Event::new(EventKind::Deliberated, "2025".parse().unwrap()),
            )
            .unwrap();
    }
    let written = store.tracker().clone();
    drop(store);
    Connection::open(&file.0)
        .unwrap()
        .execute_batch("VACUUM")
        .unwrap();
    let store = SqliteStore::open(&file.0, Policy::standard()).unwrap();
    let order: Vec<AgreementId> = store.tracker().iter().map(Agreement::id).collect();
    assert_eq!(order, ids);
    assert_eq!(store.tracker(), &written);
}

#[test]
fn the_tables_refuse_updates_and_deletes() {
    let mut store = SqliteStore::open_in_memory(Policy::standard()).unwrap();
    let id = store
        .create(
            Agreement::builder("Pact", parties()),
            Event::new(EventKind::Proposed, "2024".parse().unwrap()),
        )
        .unwrap();
    store
        .add_occasion(
            bilateral::Occasion::new("Summit", "2024".parse().unwrap(), "2024".parse().unwrap())
                .unwrap(),
        )
        .unwrap();
    let connection = store.connection();
    for statement in [
        "UPDATE entries SET entry = NULL",
        "DELETE FROM entries",
        "UPDATE agreements SET header = '{}'",
        "DELETE FROM agreements",
        "UPDATE occasions SET name = 'x'",
        "DELETE FROM occasions",
    ] {
        let error = connection.execute(statement, []).unwrap_err();
        assert!(
            error.to_string().contains("append-only"),
            "{statement}: {error}"
        );
    }
    assert_eq!(store.tracker().version(id), Some(1));
    // What a row holds: the header once, and each entry with its version.
    let (version, action, entry): (i64, String, String) = connection
        .query_row(
            "SELECT version, action, entry FROM entries WHERE agreement = ?1",
            [id.to_string()],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .unwrap();
    assert_eq!((version, action.as_str()), (1, "record"));
    assert!(entry.contains("\"kind\":\"proposed\""), "{entry}");
}

//! An embedded SQLite store for `bilateral` agreements: the audit trail in
//! one file (or in memory), through rusqlite and its bundled SQLite.
//!
//! The file holds a table of agreement headers and an append-only table of
//! entries (record, correct, retract, and removals) with their recorded
//! instants and the agreement's version after each. [`SqliteStore`] keeps
//! the promises of [`bilateral_store::Store`]: every change is validated by
//! the core before it is written, in one transaction as the version after
//! the one it expects, so two writers that raced get a conflict rather
//! than overwrite each other; opening rebuilds every agreement through the
//! core's loader; [`refresh`](Store::refresh) catches up with other
//! processes writing the same file.
//!
//! ```
//! use bilateral::{Agreement, Event, EventKind, Parties, Party, Policy, Stage};
//! use bilateral_sqlite::SqliteStore;
//! use bilateral_store::Store;
//!
//! let dir = std::env::temp_dir().join(format!("bilateral-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let path = dir.join("agreements.db");
//! # let _ = std::fs::remove_file(&path);
//! let mut store = SqliteStore::open(&path, Policy::standard())?;
//! let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
//! let id = store.create(Agreement::builder("Logistics", parties), Event::new(EventKind::Proposed, "2024-06".parse()?))?;
//! store.record(id, 1, Event::new(EventKind::Deliberated, "2024-11-22".parse()?))?;
//! drop(store);
//!
//! // Another process, later: the same agreements, rebuilt and validated.
//! let store = SqliteStore::open(&path, Policy::standard())?;
//! assert_eq!(store.tracker().get(id).unwrap().stage(), Stage::Deliberated);
//! assert_eq!(store.tracker().version(id), Some(2));
//! # drop(store);
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Durability: a file is opened in WAL mode with `synchronous = FULL`, so
//! an acknowledged change survives the process being killed and the
//! machine losing power; writers wait up to five seconds for one another
//! (`busy_timeout`).

#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bilateral::{
    AgreementBuilder, AgreementId, Change, Clock, Event, Occasion, Policy, SystemClock, Tracker,
};
use bilateral_store::{Ledger, RowCursor, RowRef, Rows, SCHEMA_VERSION, Store, StoreError};
use rusqlite::types::Type;
use rusqlite::{
    Connection, ErrorCode, OptionalExtension, Transaction, TransactionBehavior, params,
};

pub use bilateral_store;

/// The schema each version adds, in order: the first creates the tables.
/// Entries and headers are never updated or deleted: triggers refuse it.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE agreements (
        id TEXT PRIMARY KEY NOT NULL,
        header TEXT NOT NULL
     ) STRICT;
     CREATE TABLE entries (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        agreement TEXT NOT NULL REFERENCES agreements (id),
        version INTEGER NOT NULL CHECK (version >= 1),
        action TEXT NOT NULL CHECK (action IN ('record', 'correct', 'retract', 'remove')),
        recorded_at TEXT NOT NULL,
        entry TEXT,
        UNIQUE (agreement, version)
     ) STRICT;
     CREATE TRIGGER entries_are_never_updated BEFORE UPDATE ON entries
        BEGIN SELECT RAISE(ABORT, 'bilateral: entries are append-only'); END;
     CREATE TRIGGER entries_are_never_deleted BEFORE DELETE ON entries
        BEGIN SELECT RAISE(ABORT, 'bilateral: entries are append-only'); END;
     CREATE TRIGGER agreements_are_never_updated BEFORE UPDATE ON agreements
        BEGIN SELECT RAISE(ABORT, 'bilateral: headers are append-only'); END;
     CREATE TRIGGER agreements_are_never_deleted BEFORE DELETE ON agreements
        BEGIN SELECT RAISE(ABORT, 'bilateral: headers are append-only'); END;",
    // Version 2: occasions, and disputes and resolutions in the log. SQLite
    // cannot change a CHECK constraint in place: the entries move to a
    // table with the new one, keeping their sequence numbers (and so the
    // sequence, which only grows).
    "CREATE TABLE occasions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE,
        occasion TEXT NOT NULL
     ) STRICT;
     CREATE TRIGGER occasions_are_never_updated BEFORE UPDATE ON occasions
        BEGIN SELECT RAISE(ABORT, 'bilateral: occasions are append-only'); END;
     CREATE TRIGGER occasions_are_never_deleted BEFORE DELETE ON occasions
        BEGIN SELECT RAISE(ABORT, 'bilateral: occasions are append-only'); END;
     CREATE TABLE entries_2 (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        agreement TEXT NOT NULL REFERENCES agreements (id),
        version INTEGER NOT NULL CHECK (version >= 1),
        action TEXT NOT NULL
            CHECK (action IN ('record', 'correct', 'retract', 'remove', 'dispute', 'resolve')),
        recorded_at TEXT NOT NULL,
        entry TEXT,
        UNIQUE (agreement, version)
     ) STRICT;
     INSERT INTO entries_2 (seq, agreement, version, action, recorded_at, entry)
        SELECT seq, agreement, version, action, recorded_at, entry FROM entries ORDER BY seq;
     DROP TRIGGER entries_are_never_updated;
     DROP TRIGGER entries_are_never_deleted;
     DROP TABLE entries;
     ALTER TABLE entries_2 RENAME TO entries;
     CREATE TRIGGER entries_are_never_updated BEFORE UPDATE ON entries
        BEGIN SELECT RAISE(ABORT, 'bilateral: entries are append-only'); END;
     CREATE TRIGGER entries_are_never_deleted BEFORE DELETE ON entries
        BEGIN SELECT RAISE(ABORT, 'bilateral: entries are append-only'); END;",
];

/// Every row from `seq` on, in the order written, the header with the
/// first.
const ROWS_SINCE: &str = "SELECT e.seq, e.agreement, e.version, e.entry,
        CASE WHEN e.version = 1 THEN a.header END
     FROM entries e JOIN agreements a ON a.id = e.agreement
     WHERE e.seq > ?1 ORDER BY e.seq";

/// Every row, grouped by agreement for [`Ledger::load_by_agreement`]: each
/// agreement's rows together in version order, the agreements in the
/// order they were created (that of their headers' rows: the headers are
/// never deleted, so each new one takes the row after the last, and
/// `VACUUM`, which may number them afresh, keeps their order), the header
/// with the first. SQLite walks the headers and each one's rows through
/// the entries' unique index on (agreement, version), with no sort.
/// Ordering by each agreement's first entry instead (its position in the
/// log) costs SQLite about a quarter more instructions, scanning every
/// entry to find the first ones.
const ROWS_BY_AGREEMENT: &str = "SELECT e.seq, e.agreement, e.version, e.entry,
        CASE WHEN e.version = 1 THEN a.header END
     FROM agreements a JOIN entries e ON e.agreement = a.id
     ORDER BY a.rowid, e.version";

/// Every occasion after a sequence number, in the order written.
const OCCASIONS_SINCE: &str = "SELECT seq, occasion FROM occasions WHERE seq > ?1 ORDER BY seq";

fn database(error: rusqlite::Error) -> StoreError {
    StoreError::database(error)
}

/// A version as SQLite stores it: versions stay below 2^53.
fn sql_version(version: u64) -> i64 {
    i64::try_from(version).unwrap_or(i64::MAX)
}

/// A store of agreements in a SQLite database; see the crate docs.
#[derive(Debug)]
pub struct SqliteStore {
    connection: Connection,
    ledger: Ledger,
    /// SQLite's `data_version` when this store last read what others
    /// wrote: while it is unchanged, no other connection has committed
    /// since, and catching up reads nothing.
    read_at: Option<i64>,
}

impl SqliteStore {
    /// Opens (or creates) the store in the file at `path` under `policy`,
    /// reading time from the system clock.
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::open_with_clock`].
    pub fn open(path: impl AsRef<Path>, policy: Policy) -> Result<Self, StoreError> {
        Self::open_with_clock(path, policy, Arc::new(SystemClock))
    }

    /// Opens (or creates) the store in the file at `path` under `policy`,
    /// reading time from `clock`.
    ///
    /// # Errors
    ///
    /// - [`StoreError::NewerSchema`] when a newer release wrote the file;
    /// - [`StoreError::OtherPolicy`] when it was written under a policy
    ///   with another transition table;
    /// - [`StoreError::Invalid`] or [`StoreError::Unreadable`] when its
    ///   rows break a rule (the agreement and entry named);
    /// - [`StoreError::Database`] when SQLite fails.
    pub fn open_with_clock(
        path: impl AsRef<Path>,
        policy: Policy,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StoreError> {
        let connection = Connection::open(path).map_err(database)?;
        connection
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(database)?;
        Self::from_connection(connection, policy, clock)
    }

    /// A store in a database of its own in memory, gone when dropped.
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::open_with_clock`].
    pub fn open_in_memory(policy: Policy) -> Result<Self, StoreError> {
        let connection = Connection::open_in_memory().map_err(database)?;
        Self::from_connection(connection, policy, Arc::new(SystemClock))
    }

    /// A store on a connection you opened (with your own flags or
    /// pragmas): its schema is created or migrated, and its rows loaded.
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::open_with_clock`].
    pub fn from_connection(
        mut connection: Connection,
        policy: Policy,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StoreError> {
        connection
            .busy_timeout(Duration::from_secs(5))
            .map_err(database)?;
        connection
            .pragma_update(None, "synchronous", "FULL")
            .map_err(database)?;
        connection
            .pragma_update(None, "foreign_keys", true)
            .map_err(database)?;
        let fresh = Ledger::new(policy.clone(), clock.clone());
        let recorded = migrate(&mut connection, &fresh.policy_document())?;
        fresh.check_policy(&recorded)?;
        let read_at = data_version(&connection)?;
        let ledger = {
            // One snapshot for the occasions and the rows (rolled back: it
            // only reads). The agreements are read on other threads while
            // this one fetches the rows after them.
            let reading = connection.unchecked_transaction().map_err(database)?;
            let occasions = read_occasions(&reading, 0)?;
            let mut statement = reading.prepare(ROWS_BY_AGREEMENT).map_err(database)?;
            let rows = statement.query([]).map_err(database)?;
            Ledger::load_by_agreement(policy, clock, occasions, Cursor(rows))?
        };
        Ok(SqliteStore {
            connection,
            ledger,
            read_at: Some(read_at),
        })
    }

    /// The connection, to read the tables directly (reporting, backups).
    /// Writing to them is refused by their triggers.
    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    /// One write in one immediate transaction, while no other writer can
    /// write: catches up with what others wrote (occasions, then rows),
    /// validates with `prepare` against everything written so far, and
    /// writes with `write`; what `prepare` made and the position `write`
    /// gave, once durable.
    fn write<P>(
        &mut self,
        prepare: impl FnOnce(&Ledger) -> Result<P, StoreError>,
        write: impl FnOnce(&Transaction<'_>, &P) -> Result<i64, StoreError>,
    ) -> Result<(P, i64), StoreError> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(database)?;
        catch_up(&transaction, &mut self.ledger, &mut self.read_at)?;
        let prepared = prepare(&self.ledger)?;
        let position = write(&transaction, &prepared)?;
        transaction.commit().map_err(database)?;
        Ok((prepared, position))
    }
}

/// Writes one row, the header too for a creation (`expected` 0); its
/// position.
fn insert_row(
    transaction: &Transaction<'_>,
    id: AgreementId,
    expected: u64,
    header: Option<&str>,
    row: (u64, &str, &str, Option<&str>),
) -> Result<i64, StoreError> {
    let (version, action, recorded_at, entry) = row;
    let agreement = id.to_string();
    // The ledger, caught up inside this transaction, has judged the
    // version already; a row of that version written past it anyway is
    // refused by the table's unique (agreement, version).
    if let Some(header) = header {
        transaction
            .execute(
                "INSERT INTO agreements (id, header) VALUES (?1, ?2)",
                params![agreement, header],
            )
            .map_err(|error| conflict_or(error, id, expected))?;
    }
    // Prepared once per connection, not once per write.
    transaction
        .prepare_cached(
            "INSERT INTO entries (agreement, version, action, recorded_at, entry)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .and_then(|mut statement| {
            statement.execute(params![
                agreement,
                sql_version(version),
                action,
                recorded_at,
                entry
            ])
        })
        .map_err(|error| conflict_or(error, id, expected))?;
    Ok(transaction.last_insert_rowid())
}

/// A unique constraint broken by a racing writer is a conflict; anything
/// else is the database's error.
fn conflict_or(error: rusqlite::Error, id: AgreementId, expected: u64) -> StoreError {
    match error.sqlite_error_code() {
        Some(ErrorCode::ConstraintViolation) if expected == 0 => StoreError::duplicate(id),
        Some(ErrorCode::ConstraintViolation) => StoreError::conflict(id, expected, expected + 1),
        _ => database(error),
    }
}

/// Creates or migrates the schema in one transaction, and records `policy`
/// if the database records none yet; the policy it records.
fn migrate(connection: &mut Connection, policy: &str) -> Result<String, StoreError> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(database)?;
    transaction
        .execute_batch(
            "CREATE TABLE IF NOT EXISTS bilateral_meta (
                key TEXT PRIMARY KEY NOT NULL,
                value TEXT NOT NULL
             ) STRICT;",
        )
        .map_err(database)?;
    let found: u32 = transaction
        .query_row(
            "SELECT value FROM bilateral_meta WHERE key = 'schema_version'",
            [],
            |row| row.get::<_, String>(0),
        )
        .optional()
        .map_err(database)?
        .map_or(Ok(0), |text| {
            text.parse().map_err(|_| {
                StoreError::unreadable("(the schema version)", format!("{text:?} is no version"))
            })
        })?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::newer_schema(found));
    }
    for migration in MIGRATIONS.iter().skip(found as usize) {
        transaction.execute_batch(migration).map_err(database)?;
    }
    transaction
        .execute(
            "INSERT INTO bilateral_meta (key, value) VALUES ('schema_version', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [SCHEMA_VERSION.to_string()],
        )
        .map_err(database)?;
    transaction
        .execute(
            "INSERT OR IGNORE INTO bilateral_meta (key, value) VALUES ('policy', ?1)",
            [policy],
        )
        .map_err(database)?;
    let policy: String = transaction
        .query_row(
            "SELECT value FROM bilateral_meta WHERE key = 'policy'",
            [],
            |row| row.get(0),
        )
        .map_err(database)?;
    transaction.commit().map_err(database)?;
    Ok(policy)
}

/// SQLite's `data_version` on `connection`: it changes when another
/// connection commits, and only then.
fn data_version(connection: &Connection) -> Result<i64, StoreError> {
    connection
        .prepare_cached("PRAGMA data_version")
        .and_then(|mut statement| statement.query_row([], |row| row.get(0)))
        .map_err(database)
}

/// Brings `ledger` up to date with what other connections wrote
/// (occasions, then rows), unless none has committed since `read_at`; how
/// many it applied.
fn catch_up(
    connection: &Connection,
    ledger: &mut Ledger,
    read_at: &mut Option<i64>,
) -> Result<usize, StoreError> {
    let now = data_version(connection)?;
    if *read_at == Some(now) {
        return Ok(0);
    }
    // Until the rows are applied, the next call reads again.
    *read_at = None;
    let occasions = read_occasions(connection, ledger.seen_occasions())?;
    let rows = read_rows(connection, ledger.seen())?;
    let applied = ledger.catch_up_with(occasions, rows)?;
    *read_at = Some(now);
    Ok(applied)
}

/// Every occasion after `seen`, with its sequence number.
fn read_occasions(connection: &Connection, seen: i64) -> Result<Vec<(i64, String)>, StoreError> {
    let mut statement = connection
        .prepare_cached(OCCASIONS_SINCE)
        .map_err(database)?;
    let occasions = statement
        .query_map([seen], |row| Ok((row.get::<_, i64>(0)?, row.get(1)?)))
        .map_err(database)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(database)?;
    Ok(occasions)
}

/// A row of the log, with its sequence number, as [`row_ref`] reads it,
/// its text copied.
fn row_of(row: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, Rows)> {
    row_ref(row).map(|(position, row)| (position, row.into()))
}

/// The rows of a select as [`row_ref`] reads them, each borrowed from
/// SQLite's cursor until the next.
struct Cursor<'s>(rusqlite::Rows<'s>);

impl RowCursor for Cursor<'_> {
    fn next_row(&mut self) -> Option<Result<(i64, RowRef<'_>), StoreError>> {
        match self.0.next() {
            Ok(Some(row)) => Some(row_ref(row).map_err(database)),
            Ok(None) => None,
            Err(error) => Some(Err(database(error))),
        }
    }
}

/// A row of the log, with its sequence number, as a query of
/// [`ROWS_SINCE`]'s columns gives it, its text borrowed from SQLite.
fn row_ref<'r>(row: &'r rusqlite::Row<'_>) -> rusqlite::Result<(i64, RowRef<'r>)> {
    // Text or NULL, borrowed from SQLite; anything else is refused as
    // `Row::get` refuses it.
    let text = |column: usize| -> rusqlite::Result<Option<&'r str>> {
        row.get_ref(column)?.as_str_or_null().map_err(|error| {
            rusqlite::Error::FromSqlConversionFailure(column, Type::Text, Box::new(error))
        })
    };
    Ok((
        row.get(0)?,
        RowRef {
            agreement: text(1)?.ok_or_else(|| {
                rusqlite::Error::InvalidColumnType(1, "agreement".into(), Type::Null)
            })?,
            version: u64::try_from(row.get::<_, i64>(2)?).unwrap_or(0),
            entry: text(3)?,
            header: text(4)?,
        },
    ))
}

/// Every row after `seen`, with its sequence number.
fn read_rows(connection: &Connection, seen: i64) -> Result<Vec<(i64, Rows)>, StoreError> {
    let mut statement = connection.prepare_cached(ROWS_SINCE).map_err(database)?;
    let rows = statement
        .query_map([seen], row_of)
        .map_err(database)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(database)?;
    Ok(rows)
}

impl Store for SqliteStore {
    fn tracker(&self) -> &Tracker {
        self.ledger.tracker()
    }

    fn create(
        &mut self,
        builder: AgreementBuilder,
        first: Event,
    ) -> Result<AgreementId, StoreError> {
        let (created, position) = self.write(
            |ledger| ledger.prepare_create(builder, first),
            |transaction, created| {
                let recorded_at = created.recorded_at.to_rfc3339();
                insert_row(
                    transaction,
                    created.id,
                    0,
                    Some(&created.header),
                    (1, "record", &recorded_at, Some(&created.entry)),
                )
            },
        )?;
        let id = created.id;
        self.ledger.commit_create(created, position);
        Ok(id)
    }

    fn apply(&mut self, id: AgreementId, expected: u64, change: Change) -> Result<u64, StoreError> {
        let (prepared, position) = self.write(
            |ledger| ledger.prepare(id, expected, change),
            |transaction, prepared| {
                let recorded_at = prepared.recorded_at.to_rfc3339();
                insert_row(
                    transaction,
                    id,
                    expected,
                    None,
                    (
                        prepared.version,
                        prepared.action,
                        &recorded_at,
                        Some(&prepared.entry),
                    ),
                )
            },
        )?;
        Ok(self.ledger.commit(prepared, position))
    }

    fn remove(&mut self, id: AgreementId, expected: u64) -> Result<(), StoreError> {
        let (removal, position) = self.write(
            |ledger| ledger.prepare_remove(id, expected),
            |transaction, removal| {
                let recorded_at = removal.recorded_at.to_rfc3339();
                insert_row(
                    transaction,
                    id,
                    expected,
                    None,
                    (removal.version, "remove", &recorded_at, None),
                )
            },
        )?;
        self.ledger.commit_remove(removal, position);
        Ok(())
    }

    fn add_occasion(&mut self, occasion: Occasion) -> Result<(), StoreError> {
        let (prepared, position) = self.write(
            |ledger| ledger.prepare_occasion(occasion),
            |transaction, prepared| {
                transaction
                    .execute(
                        "INSERT INTO occasions (name, occasion) VALUES (?1, ?2)",
                        params![prepared.name, prepared.document],
                    )
                    .map_err(database)?;
                Ok(transaction.last_insert_rowid())
            },
        )?;
        self.ledger.commit_occasion(prepared, position);
        Ok(())
    }

    fn refresh(&mut self) -> Result<usize, StoreError> {
        catch_up(&self.connection, &mut self.ledger, &mut self.read_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error SQLite gives when a row breaks a unique constraint, as a
    /// racing writer's row would.
    fn constraint_error() -> rusqlite::Error {
        let connection = Connection::open_in_memory().expect("a database");
        connection
            .execute_batch("CREATE TABLE t (k INTEGER UNIQUE); INSERT INTO t VALUES (1);")
            .expect("a table");
        connection
            .execute("INSERT INTO t VALUES (1)", [])
            .expect_err("a second row with the same key")
    }

    /// A database written by the first schema is migrated when opened: its
    /// rows are kept with their sequence numbers, the sequence goes on from
    /// them, the log takes disputes, occasions have their table, and every
    /// table still refuses updates and deletes.
    #[test]
    fn a_version_1_database_is_migrated_keeping_its_rows() {
        use bilateral::{Agreement, EventKind, Parties, Party, Source};
        let mut connection = Connection::open_in_memory().expect("a database");
        connection.execute_batch(MIGRATIONS[0]).expect("schema 1");
        let mut ledger = Ledger::new(Policy::standard(), Arc::new(SystemClock));
        connection
            .execute_batch(
                "CREATE TABLE bilateral_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) STRICT;
                 INSERT INTO bilateral_meta VALUES ('schema_version', '1');",
            )
            .expect("meta");
        connection
            .execute(
                "INSERT INTO bilateral_meta VALUES ('policy', ?1)",
                [ledger.policy_document()],
            )
            .expect("policy");
        let parties = Parties::new(
            Party::state("IND", "India").expect("a party"),
            Party::state("PHL", "Philippines").expect("a party"),
        )
        .expect("parties");
        let signed = Event::new(EventKind::MoiSigned, "2017".parse().expect("a date"));
        let created = ledger
            .prepare_create(Agreement::builder("Memorandum", parties), signed.clone())
            .expect("a creation");
        let id = created.id;
        let transaction = connection.transaction().expect("a transaction");
        let recorded_at = created.recorded_at.to_rfc3339();
        insert_row(
            &transaction,
            id,
            0,
            Some(&created.header),
            (1, "record", &recorded_at, Some(&created.entry)),
        )
        .expect("row 1");
        ledger.commit_create(created, 1);
        let note = Event::new(EventKind::Note, "2018".parse().expect("a date"));
        let prepared = ledger
            .prepare(id, 1, Change::Record(note))
            .expect("a record");
        insert_row(
            &transaction,
            id,
            1,
            None,
            (2, prepared.action, &recorded_at, Some(&prepared.entry)),
        )
        .expect("row 2");
        transaction.commit().expect("committed");

        let mut store =
            SqliteStore::from_connection(connection, Policy::standard(), Arc::new(SystemClock))
                .expect("migrated and opened");
        assert_eq!(store.tracker().version(id), Some(2));
        let version: String = store
            .connection()
            .query_row(
                "SELECT value FROM bilateral_meta WHERE key = 'schema_version'",
                [],
                |row| row.get(0),
            )
            .expect("a version");
        assert_eq!(version, SCHEMA_VERSION.to_string());
        let rival = signed
            .to_builder()
            .date("2018".parse().expect("a date"))
            .source(Source::new("Embassy", "Relations").expect("a source"))
            .build()
            .expect("a rival");
        assert_eq!(store.dispute(id, 2, rival).expect("a dispute"), 3);
        let (seq, action): (i64, String) = store
            .connection()
            .query_row(
                "SELECT seq, action FROM entries WHERE version = 3",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .expect("the dispute's row");
        assert_eq!((seq, action.as_str()), (3, "dispute"));
        store
            .add_occasion(
                bilateral::Occasion::new(
                    "Summit",
                    "2024".parse().expect("a date"),
                    "2024".parse().expect("a date"),
                )
                .expect("an occasion"),
            )
            .expect("an occasion written");
        for statement in ["UPDATE entries SET entry = NULL", "DELETE FROM entries"] {
            let error = store
                .connection()
                .execute(statement, [])
                .expect_err("refused");
            assert!(error.to_string().contains("append-only"), "{error}");
        }
    }

    /// A unique constraint broken by a creation is a duplicate agreement,
    /// by a later change a conflict naming the version expected and the
    /// one the other writer wrote; any other error is the database's.
    #[test]
    fn a_broken_unique_constraint_is_a_duplicate_or_a_conflict() {
        let id = AgreementId::from_uuid(bilateral::uuid::Uuid::from_u128(7));
        assert!(matches!(
            conflict_or(constraint_error(), id, 0),
            StoreError::DuplicateAgreement { agreement, .. } if agreement == id
        ));
        assert!(matches!(
            conflict_or(constraint_error(), id, 3),
            StoreError::Conflict { agreement, expected: 3, actual: 4, .. } if agreement == id
        ));
        let connection = Connection::open_in_memory().expect("a database");
        let other = connection
            .execute("INSERT INTO missing VALUES (1)", [])
            .expect_err("no such table");
        assert!(matches!(conflict_or(other, id, 3), StoreError::Database(_)));
    }
}

//! A PostgreSQL store for `bilateral` agreements, for many writers on many
//! machines: the same model as `bilateral-sqlite` (a table of headers, an
//! append-only table of entries with the agreement's version after each),
//! through tokio-postgres.
//!
//! [`PostgresStore`] is async; [`blocking::PostgresStore`] wraps it in a
//! runtime of its own and implements [`bilateral_store::Store`]. Both keep
//! the store contract: every change is validated by the core first and
//! written in one transaction as the version after the one it expects (a
//! unique `(agreement, version)` makes a racing writer's insert fail, and
//! it gets [`StoreError::Conflict`]); rows are never updated or deleted
//! (triggers refuse it); opening rebuilds every agreement through the
//! core's loader; [`refresh`](PostgresStore::refresh) catches up with
//! other writers, and [`wait_for_changes`](PostgresStore::wait_for_changes)
//! waits for their `NOTIFY` first.
//!
//! Why tokio-postgres rather than sqlx: a small dependency tree (no macros
//! that need a database at build time, no drivers for other databases),
//! and `LISTEN`/`NOTIFY` through its connection's messages. Pooling is left
//! to the application: a pool such as deadpool-postgres or bb8 hands out
//! `tokio_postgres::Client`s, and [`PostgresStore::open`] takes one.
//!
//! Writers take a transaction-scoped advisory lock while they write, so
//! that rows become visible in the order of their sequence numbers, which
//! is what lets a reader catch up by sequence alone. Writes to one
//! database are therefore one at a time; reads are never blocked.
//!
//! ```no_run
//! use bilateral::{Agreement, Event, EventKind, Parties, Party, Policy};
//! use bilateral_postgres::PostgresStore;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let mut store = PostgresStore::connect("host=localhost user=app dbname=treaties", Policy::standard()).await?;
//! let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
//! let id = store.create(Agreement::builder("Logistics", parties), Event::new(EventKind::Proposed, "2024-06".parse()?)).await?;
//! store.record(id, 1, Event::new(EventKind::Deliberated, "2024-11-22".parse()?)).await?;
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::sync::Arc;
use std::time::Duration;

use bilateral::{
    AgreementBuilder, AgreementId, Change, Clock, Event, EventId, Policy, SystemClock, Tracker,
};
use bilateral_store::{Ledger, Rows, SCHEMA_VERSION, StoreError};
use tokio::sync::Notify;
use tokio_postgres::error::SqlState;
use tokio_postgres::{AsyncMessage, Client, NoTls, Statement};

pub use bilateral_store;
pub use tokio_postgres;

pub mod blocking;

/// The channel writers notify after each commit.
const CHANNEL: &str = "bilateral_changes";

/// The key of the advisory lock writers hold while they write.
const WRITE_LOCK: i64 = 0x6269_6c61_7465_7261; // "bilatera"

/// The schema each version adds, in order.
const MIGRATIONS: &[&str] = &["CREATE TABLE bilateral_agreements (
        id TEXT PRIMARY KEY,
        header TEXT NOT NULL
     );
     CREATE TABLE bilateral_entries (
        seq BIGSERIAL PRIMARY KEY,
        agreement TEXT NOT NULL REFERENCES bilateral_agreements (id),
        version BIGINT NOT NULL CHECK (version >= 1),
        action TEXT NOT NULL CHECK (action IN ('record', 'correct', 'retract', 'remove')),
        recorded_at TEXT NOT NULL,
        entry TEXT,
        UNIQUE (agreement, version)
     );
     CREATE FUNCTION bilateral_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'bilateral: % is append-only', TG_TABLE_NAME; END $$;
     CREATE TRIGGER bilateral_entries_append_only BEFORE UPDATE OR DELETE ON bilateral_entries
        FOR EACH ROW EXECUTE FUNCTION bilateral_append_only();
     CREATE TRIGGER bilateral_agreements_append_only BEFORE UPDATE OR DELETE ON bilateral_agreements
        FOR EACH ROW EXECUTE FUNCTION bilateral_append_only();"];

/// Every row after a sequence number, in the order written.
const ROWS_SINCE: &str = "SELECT e.seq, e.agreement, e.version, e.entry,
        CASE WHEN e.version = 1 THEN a.header END
     FROM bilateral_entries e JOIN bilateral_agreements a ON a.id = e.agreement
     WHERE e.seq > $1 ORDER BY e.seq";

/// The statements of a write, prepared once: each is one round trip.
struct Statements {
    /// Takes the writers' lock, then reads the agreement's version.
    check: Statement,
    /// Inserts a header.
    header: Statement,
    /// Inserts an entry and notifies; its sequence number.
    entry: Statement,
}

impl Statements {
    async fn prepare(client: &Client) -> Result<Statements, StoreError> {
        Ok(Statements {
            check: client
                .prepare(
                    "SELECT pg_advisory_xact_lock($1)::text,
                        (SELECT coalesce(max(version), 0) FROM bilateral_entries WHERE agreement = $2)",
                )
                .await
                .map_err(database)?,
            header: client
                .prepare("INSERT INTO bilateral_agreements (id, header) VALUES ($1, $2)")
                .await
                .map_err(database)?,
            entry: client
                .prepare(
                    "WITH added AS (
                        INSERT INTO bilateral_entries (agreement, version, action, recorded_at, entry)
                        VALUES ($1, $2, $3, $4, $5) RETURNING seq
                     )
                     SELECT seq, pg_notify($6, seq::text)::text FROM added",
                )
                .await
                .map_err(database)?,
        })
    }
}

fn database(error: tokio_postgres::Error) -> StoreError {
    StoreError::database(error)
}

/// A version as PostgreSQL stores it: versions stay below 2^53.
fn sql_version(version: u64) -> i64 {
    i64::try_from(version).unwrap_or(i64::MAX)
}

/// A store of agreements in a PostgreSQL database; see the crate docs.
pub struct PostgresStore {
    client: Client,
    statements: Statements,
    ledger: Ledger,
    /// Signalled when another writer notifies (if this store drives its
    /// connection: see [`PostgresStore::connect`]).
    notified: Arc<Notify>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("ledger", &self.ledger)
            .finish()
    }
}

impl PostgresStore {
    /// Connects with `config` (`host=… user=… dbname=…`, or a
    /// `postgresql://` URL), without TLS, and opens the store under
    /// `policy`. The connection is driven by a task on the current tokio
    /// runtime, which also hears other writers' notifications.
    ///
    /// # Errors
    ///
    /// As [`PostgresStore::open`], and [`StoreError::Database`] when the
    /// connection fails.
    pub async fn connect(config: &str, policy: Policy) -> Result<Self, StoreError> {
        Self::connect_with_clock(config, policy, Arc::new(SystemClock)).await
    }

    /// As [`connect`](PostgresStore::connect), reading time from `clock`.
    ///
    /// # Errors
    ///
    /// As [`PostgresStore::connect`].
    pub async fn connect_with_clock(
        config: &str,
        policy: Policy,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StoreError> {
        let (client, mut connection) = tokio_postgres::connect(config, NoTls)
            .await
            .map_err(database)?;
        let notified = Arc::new(Notify::new());
        let heard = Arc::clone(&notified);
        tokio::spawn(async move {
            let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
            while let Some(message) = futures_util::StreamExt::next(&mut messages).await {
                match message {
                    Ok(AsyncMessage::Notification(_)) => heard.notify_one(),
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
        });
        let mut store = Self::open(client, policy, clock).await?;
        store.notified = notified;
        store
            .client
            .batch_execute(&format!("LISTEN {CHANNEL}"))
            .await
            .map_err(database)?;
        Ok(store)
    }

    /// Opens the store on a client you connected (from a pool, say) under
    /// `policy`: creates or migrates the schema, checks the policy, and
    /// loads every agreement through the core's loader. Notifications
    /// reach only a store that drives its own connection
    /// ([`connect`](PostgresStore::connect)).
    ///
    /// # Errors
    ///
    /// - [`StoreError::NewerSchema`] when a newer release wrote the
    ///   database;
    /// - [`StoreError::OtherPolicy`] when it was written under a policy
    ///   with another transition table;
    /// - [`StoreError::Invalid`] or [`StoreError::Unreadable`] when its
    ///   rows break a rule (the agreement and entry named);
    /// - [`StoreError::Database`] when PostgreSQL fails.
    pub async fn open(
        mut client: Client,
        policy: Policy,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StoreError> {
        let fresh = Ledger::new(policy.clone(), Arc::clone(&clock));
        let recorded = migrate(&mut client, &fresh.policy_document()).await?;
        fresh.check_policy(&recorded)?;
        let rows = read_rows(&client, 0).await?;
        let ledger = Ledger::load(policy, clock, rows)?;
        let statements = Statements::prepare(&client).await?;
        Ok(PostgresStore {
            client,
            statements,
            ledger,
            notified: Arc::new(Notify::new()),
        })
    }

    /// The agreements as of the last open, write or refresh.
    pub fn tracker(&self) -> &Tracker {
        self.ledger.tracker()
    }

    /// The client, to read the tables directly (reporting, backups).
    /// Writing to them is refused by their triggers.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Writes one row in one transaction if the agreement's last row is at
    /// `expected` (0: no row yet, and then the header too); its position, then notifies.
    async fn append(
        &mut self,
        id: AgreementId,
        expected: u64,
        header: Option<&str>,
        row: (u64, &str, &str, Option<&str>),
    ) -> Result<i64, StoreError> {
        let (version, action, recorded_at, entry) = row;
        let agreement = id.to_string();
        let transaction = self.client.transaction().await.map_err(database)?;
        // The lock first, then the version: the lock keeps rows visible
        // in sequence order, and a version read before another writer's
        // commit is caught by the unique (agreement, version) below.
        let actual: i64 = transaction
            .query_one(&self.statements.check, &[&WRITE_LOCK, &agreement])
            .await
            .map_err(database)?
            .try_get(1)
            .map_err(database)?;
        let actual = u64::try_from(actual).unwrap_or(0);
        if actual != expected {
            return Err(if expected == 0 {
                StoreError::duplicate(id)
            } else {
                StoreError::conflict(id, expected, actual)
            });
        }
        if let Some(header) = header {
            transaction
                .execute(&self.statements.header, &[&agreement, &header])
                .await
                .map_err(|error| conflict_or(error, id, expected))?;
        }
        let seq: i64 = transaction
            .query_one(
                &self.statements.entry,
                &[
                    &agreement,
                    &sql_version(version),
                    &action,
                    &recorded_at,
                    &entry,
                    &CHANNEL,
                ],
            )
            .await
            .map_err(|error| conflict_or(error, id, expected))?
            .try_get(0)
            .map_err(database)?;
        transaction.commit().await.map_err(database)?;
        Ok(seq)
    }

    /// Creates an agreement with its first event, at version 1.
    ///
    /// # Errors
    ///
    /// As [`bilateral_store::Store::create`].
    pub async fn create(
        &mut self,
        builder: AgreementBuilder,
        first: Event,
    ) -> Result<AgreementId, StoreError> {
        let created = self.ledger.prepare_create(builder, first)?;
        let recorded_at = created.recorded_at.to_rfc3339();
        let position = self
            .append(
                created.id,
                0,
                Some(&created.header),
                (1, "record", &recorded_at, Some(&created.entry)),
            )
            .await?;
        let id = created.id;
        self.ledger.commit_create(created, position);
        Ok(id)
    }

    /// Applies `change` to `id`, expected at version `expected`; the new
    /// version.
    ///
    /// # Errors
    ///
    /// As [`bilateral_store::Store::apply`].
    pub async fn apply(
        &mut self,
        id: AgreementId,
        expected: u64,
        change: Change,
    ) -> Result<u64, StoreError> {
        let prepared = self.ledger.prepare(id, expected, change)?;
        let recorded_at = prepared.recorded_at.to_rfc3339();
        let position = self
            .append(
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
            .await?;
        Ok(self.ledger.commit(prepared, position))
    }

    /// Records `event`; as [`apply`](PostgresStore::apply).
    ///
    /// # Errors
    ///
    /// As [`bilateral_store::Store::apply`].
    pub async fn record(
        &mut self,
        id: AgreementId,
        expected: u64,
        event: Event,
    ) -> Result<u64, StoreError> {
        self.apply(id, expected, Change::Record(event)).await
    }

    /// Corrects the event with the same id as `event`; as
    /// [`apply`](PostgresStore::apply).
    ///
    /// # Errors
    ///
    /// As [`bilateral_store::Store::apply`].
    pub async fn correct(
        &mut self,
        id: AgreementId,
        expected: u64,
        event: Event,
    ) -> Result<u64, StoreError> {
        self.apply(id, expected, Change::Correct(event)).await
    }

    /// Retracts the event `event`; as [`apply`](PostgresStore::apply).
    ///
    /// # Errors
    ///
    /// As [`bilateral_store::Store::apply`].
    pub async fn retract(
        &mut self,
        id: AgreementId,
        expected: u64,
        event: EventId,
        reason: &str,
    ) -> Result<u64, StoreError> {
        let change = Change::Retract {
            id: event,
            reason: reason.into(),
        };
        self.apply(id, expected, change).await
    }

    /// Removes `id`, expected at version `expected`: a row records it.
    ///
    /// # Errors
    ///
    /// As [`bilateral_store::Store::remove`].
    pub async fn remove(&mut self, id: AgreementId, expected: u64) -> Result<(), StoreError> {
        let removal = self.ledger.prepare_remove(id, expected)?;
        let recorded_at = removal.recorded_at.to_rfc3339();
        let position = self
            .append(
                id,
                expected,
                None,
                (removal.version, "remove", &recorded_at, None),
            )
            .await?;
        self.ledger.commit_remove(removal, position);
        Ok(())
    }

    /// Catches up with what other writers wrote; how many rows it applied.
    ///
    /// # Errors
    ///
    /// As [`bilateral_store::Store::refresh`].
    pub async fn refresh(&mut self) -> Result<usize, StoreError> {
        let rows = read_rows(&self.client, self.ledger.seen()).await?;
        self.ledger.catch_up(rows)
    }

    /// Waits until another writer notifies a change, or `timeout` passes,
    /// then catches up; how many rows it applied (none on a timeout with
    /// nothing new). Only a store that drives its own connection
    /// ([`connect`](PostgresStore::connect)) hears notifications; others
    /// poll with [`refresh`](PostgresStore::refresh).
    ///
    /// # Errors
    ///
    /// As [`refresh`](PostgresStore::refresh).
    pub async fn wait_for_changes(&mut self, timeout: Duration) -> Result<usize, StoreError> {
        let _ = tokio::time::timeout(timeout, self.notified.notified()).await;
        self.refresh().await
    }
}

/// A unique constraint broken by a racing writer is a conflict; anything
/// else is the database's error.
fn conflict_or(error: tokio_postgres::Error, id: AgreementId, expected: u64) -> StoreError {
    match error.code() {
        Some(code) if *code == SqlState::UNIQUE_VIOLATION && expected == 0 => {
            StoreError::duplicate(id)
        }
        Some(code) if *code == SqlState::UNIQUE_VIOLATION => {
            StoreError::conflict(id, expected, expected + 1)
        }
        _ => database(error),
    }
}

/// Creates or migrates the schema in one transaction (under the writers'
/// lock, so that two openers of a fresh database do not both create it),
/// and records `policy` if none is; the policy the database records.
async fn migrate(client: &mut Client, policy: &str) -> Result<String, StoreError> {
    let transaction = client.transaction().await.map_err(database)?;
    transaction
        .execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])
        .await
        .map_err(database)?;
    transaction
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS bilateral_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        )
        .await
        .map_err(database)?;
    let found: u32 = match transaction
        .query_opt(
            "SELECT value FROM bilateral_meta WHERE key = 'schema_version'",
            &[],
        )
        .await
        .map_err(database)?
    {
        Some(row) => {
            let text: String = row.try_get(0).map_err(database)?;
            text.parse().map_err(|_| {
                StoreError::unreadable("(the schema version)", format!("{text:?} is no version"))
            })?
        }
        None => 0,
    };
    if found > SCHEMA_VERSION {
        return Err(StoreError::newer_schema(found));
    }
    for migration in MIGRATIONS.iter().skip(found as usize) {
        transaction
            .batch_execute(migration)
            .await
            .map_err(database)?;
    }
    transaction
        .execute(
            "INSERT INTO bilateral_meta (key, value) VALUES ('schema_version', $1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&SCHEMA_VERSION.to_string()],
        )
        .await
        .map_err(database)?;
    transaction
        .execute(
            "INSERT INTO bilateral_meta (key, value) VALUES ('policy', $1) ON CONFLICT DO NOTHING",
            &[&policy],
        )
        .await
        .map_err(database)?;
    let recorded: String = transaction
        .query_one("SELECT value FROM bilateral_meta WHERE key = 'policy'", &[])
        .await
        .map_err(database)?
        .try_get(0)
        .map_err(database)?;
    transaction.commit().await.map_err(database)?;
    Ok(recorded)
}

/// Every row after `seen`, with its sequence number.
async fn read_rows(client: &Client, seen: i64) -> Result<Vec<(i64, Rows)>, StoreError> {
    let rows = client
        .query(ROWS_SINCE, &[&seen])
        .await
        .map_err(database)?
        .into_iter()
        .map(|row| {
            Ok((
                row.try_get::<_, i64>(0)?,
                Rows {
                    agreement: row.try_get(1)?,
                    version: u64::try_from(row.try_get::<_, i64>(2)?).unwrap_or(0),
                    entry: row.try_get(3)?,
                    header: row.try_get(4)?,
                },
            ))
        })
        .collect::<Result<Vec<_>, tokio_postgres::Error>>()
        .map_err(database)?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An error of the server's own, from a statement on a temporary
    /// table (which lives and dies with this session).
    async fn error_of(client: &Client, statement: &str) -> tokio_postgres::Error {
        client
            .batch_execute(statement)
            .await
            .expect_err("the statement fails")
    }

    /// A unique constraint broken by a creation is a duplicate agreement,
    /// by a later change a conflict naming the version expected and the
    /// one the other writer wrote; any other error is the database's. (The
    /// race tests never reach this: writers take the writers' lock before
    /// reading the version.)
    #[test]
    fn a_broken_unique_constraint_is_a_duplicate_or_a_conflict() {
        let server = std::env::var("BILATERAL_POSTGRES_URL").unwrap_or_else(|_| {
            panic!(
                "BILATERAL_POSTGRES_URL names no PostgreSQL server: run these tests with \
                 `bash .ci/postgres cargo test -p bilateral-postgres`"
            )
        });
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async {
            let (client, connection) = tokio_postgres::connect(&server, NoTls)
                .await
                .expect("a connection");
            let driver = tokio::spawn(connection);
            client
                .batch_execute(
                    "CREATE TEMPORARY TABLE t (k INTEGER UNIQUE); INSERT INTO t VALUES (1)",
                )
                .await
                .expect("a table");
            let duplicate = "INSERT INTO t VALUES (1)";
            let id = AgreementId::from_uuid(bilateral::uuid::Uuid::from_u128(7));
            assert!(matches!(
                conflict_or(error_of(&client, duplicate).await, id, 0),
                StoreError::DuplicateAgreement { agreement, .. } if agreement == id
            ));
            assert!(matches!(
                conflict_or(error_of(&client, duplicate).await, id, 3),
                StoreError::Conflict { agreement, expected: 3, actual: 4, .. } if agreement == id
            ));
            assert!(matches!(
                conflict_or(
                    error_of(&client, "INSERT INTO missing VALUES (1)").await,
                    id,
                    3
                ),
                StoreError::Database(_)
            ));
            drop(client);
            let _ = driver.await;
        });
    }
}

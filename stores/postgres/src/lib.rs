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
//! A write takes two round trips when no other writer has written since
//! the store last caught up: BEGIN, then the lock, the insert and COMMIT
//! sent together, the insert writing only if the log is still where the
//! store saw it. Otherwise it catches up under the lock and judges the
//! change again (at least three round trips more), so that a change is
//! always judged against everything written before it. While other
//! writers write too, that first try would mostly be lost: a store whose
//! last write caught up with others' rows catches up first, until a write
//! finds nothing new.
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
    AgreementBuilder, AgreementId, Change, Clock, Event, EventId, Occasion, Policy, SystemClock,
    Tracker,
};
use bilateral_store::{
    Created, Ledger, Prepared, PreparedOccasion, Removal, RowRef, Rows, SCHEMA_VERSION, StoreError,
};
use tokio::sync::Notify;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{AsyncMessage, Client, GenericClient, NoTls, Row, Statement, Transaction};

pub use bilateral_store;
pub use tokio_postgres;

pub mod blocking;

/// The channel writers notify after each commit.
const CHANNEL: &str = "bilateral_changes";

/// The key of the advisory lock writers hold while they write.
const WRITE_LOCK: i64 = 0x6269_6c61_7465_7261; // "bilatera"

/// The schema each version adds, in order.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE bilateral_agreements (
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
        FOR EACH ROW EXECUTE FUNCTION bilateral_append_only();",
    // Version 2: occasions, and disputes and resolutions in the log.
    "CREATE TABLE bilateral_occasions (
        seq BIGSERIAL PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        occasion TEXT NOT NULL
     );
     CREATE TRIGGER bilateral_occasions_append_only BEFORE UPDATE OR DELETE ON bilateral_occasions
        FOR EACH ROW EXECUTE FUNCTION bilateral_append_only();
     ALTER TABLE bilateral_entries DROP CONSTRAINT bilateral_entries_action_check;
     ALTER TABLE bilateral_entries ADD CONSTRAINT bilateral_entries_action_check
        CHECK (action IN ('record', 'correct', 'retract', 'remove', 'dispute', 'resolve'));",
];

/// Every row after a sequence number, in the order written.
const ROWS_SINCE: &str = "SELECT e.seq, e.agreement, e.version, e.entry,
        CASE WHEN e.version = 1 THEN a.header END
     FROM bilateral_entries e JOIN bilateral_agreements a ON a.id = e.agreement
     WHERE e.seq > $1 ORDER BY e.seq";

/// Every occasion after a sequence number, in the order written.
const OCCASIONS_SINCE: &str =
    "SELECT seq, occasion FROM bilateral_occasions WHERE seq > $1 ORDER BY seq";

/// The statements of a write and of a catch-up, prepared once.
struct Statements {
    /// Takes the writers' lock.
    lock: Statement,
    /// Reads the log's state: the last row's and the last occasion's
    /// sequence numbers.
    state: Statement,
    /// Every row after a sequence number.
    rows: Statement,
    /// Every occasion after a sequence number.
    occasions: Statement,
    /// Inserts an occasion and notifies; its sequence number. Each insert
    /// writes only if the log is where the writer last saw it, and returns
    /// no row otherwise (see [`unmoved`]).
    occasion: Statement,
    /// Inserts a header with its first entry and notifies; the entry's
    /// sequence number.
    created: Statement,
    /// Inserts an entry and notifies; its sequence number.
    entry: Statement,
}

/// The condition under which a write inserts: the log's last row and last
/// occasion are those the writer has seen, parameters `$first` and the
/// one after it. Read after the writers' lock is granted, it holds until
/// the lock is released.
fn unmoved(first: usize) -> String {
    format!(
        "(SELECT coalesce(max(seq), 0) FROM bilateral_entries) = ${first}::bigint
         AND (SELECT coalesce(max(seq), 0) FROM bilateral_occasions) = ${}::bigint",
        first + 1
    )
}

impl Statements {
    async fn prepare(client: &Client) -> Result<Statements, StoreError> {
        Ok(Statements {
            lock: client
                .prepare("SELECT pg_advisory_xact_lock($1)::text")
                .await
                .map_err(database)?,
            state: client
                .prepare(
                    "SELECT (SELECT coalesce(max(seq), 0) FROM bilateral_entries),
                        (SELECT coalesce(max(seq), 0) FROM bilateral_occasions)",
                )
                .await
                .map_err(database)?,
            rows: client.prepare(ROWS_SINCE).await.map_err(database)?,
            occasions: client.prepare(OCCASIONS_SINCE).await.map_err(database)?,
            occasion: client
                .prepare(&format!(
                    "WITH added AS (
                        INSERT INTO bilateral_occasions (name, occasion)
                        SELECT $1::text, $2::text WHERE {UNMOVED}
                        RETURNING seq
                     )
                     SELECT seq, pg_notify($3, 'occasion')::text FROM added",
                    UNMOVED = unmoved(4)
                ))
                .await
                .map_err(database)?,
            created: client
                .prepare(&format!(
                    "WITH unmoved AS (SELECT WHERE {UNMOVED}),
                     header AS (
                        INSERT INTO bilateral_agreements (id, header)
                        SELECT $1::text, $2::text FROM unmoved
                     ),
                     added AS (
                        INSERT INTO bilateral_entries (agreement, version, action, recorded_at, entry)
                        SELECT $1::text, $3::bigint, $4::text, $5::text, $6::text FROM unmoved
                        RETURNING seq
                     )
                     SELECT seq, pg_notify($7, seq::text)::text FROM added",
                    UNMOVED = unmoved(8)
                ))
                .await
                .map_err(database)?,
            entry: client
                .prepare(&format!(
                    "WITH added AS (
                        INSERT INTO bilateral_entries (agreement, version, action, recorded_at, entry)
                        SELECT $1::text, $2::bigint, $3::text, $4::text, $5::text WHERE {UNMOVED}
                        RETURNING seq
                     )
                     SELECT seq, pg_notify($6, seq::text)::text FROM added",
                    UNMOVED = unmoved(7)
                ))
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
    /// Whether this store's last write caught up with rows or occasions
    /// other writers had written: its next write then catches up first.
    contended: bool,
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
        let statements = Statements::prepare(&client).await?;
        let occasions = read_occasions(&client, &statements, 0).await?;
        // The rows as PostgreSQL sends them, each taken in as it arrives
        // (its text borrowed: nothing is copied before the agreement it
        // goes to), while the next are still on their way.
        let mut load = Ledger::loading_in_log_order(policy, clock, occasions)?;
        let rows = client
            .query_raw(&statements.rows, [0_i64])
            .await
            .map_err(database)?;
        let mut rows = std::pin::pin!(rows);
        while let Some(sent) = futures_util::TryStreamExt::try_next(&mut rows)
            .await
            .map_err(database)?
        {
            let (position, row) = row_ref(&sent).map_err(database)?;
            load.take(position, row)?;
        }
        let ledger = load.finish()?;
        Ok(PostgresStore {
            client,
            statements,
            ledger,
            notified: Arc::new(Notify::new()),
            contended: false,
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

    /// Opens a write: a transaction holding the writers' lock, in which
    /// the ledger has caught up with everything other writers wrote
    /// (occasions, then rows), so that what is validated next is judged
    /// against everything written so far.
    ///
    /// The lock and the read of the log's state go in one round trip:
    /// pipelined, the read runs after the lock is granted, with a snapshot
    /// taken then. Only when the log holds rows or occasions past what the
    /// ledger has seen are they read; whether it did comes back with the
    /// transaction.
    async fn begin_write<'c>(
        client: &'c mut Client,
        statements: &Statements,
        ledger: &mut Ledger,
    ) -> Result<(Transaction<'c>, bool), StoreError> {
        let transaction = client.transaction().await.map_err(database)?;
        let caught_up = async {
            let (_, state) = futures_util::future::try_join(
                transaction.execute(&statements.lock, &[&WRITE_LOCK]),
                transaction.query_one(&statements.state, &[]),
            )
            .await
            .map_err(database)?;
            let last_row: i64 = state.try_get(0).map_err(database)?;
            let last_occasion: i64 = state.try_get(1).map_err(database)?;
            let occasions = if last_occasion > ledger.seen_occasions() {
                read_occasions(&transaction, statements, ledger.seen_occasions()).await?
            } else {
                Vec::new()
            };
            let rows = if last_row > ledger.seen() {
                read_rows(&transaction, &statements.rows, ledger.seen()).await?
            } else {
                Vec::new()
            };
            let moved = !(occasions.is_empty() && rows.is_empty());
            ledger.catch_up_with(occasions, rows).map(|_| moved)
        }
        .await;
        match caught_up {
            Ok(moved) => Ok((transaction, moved)),
            Err(error) => give_up(transaction, error).await,
        }
    }

    /// Judges a change with `judge` and writes it; what was judged, and
    /// where it was written.
    ///
    /// First as the ledger stands, in two round trips: BEGIN, then the
    /// writers' lock, the insert and COMMIT together. The insert writes
    /// only if the log is still where the ledger last saw it, which nobody
    /// else can change while the lock is held. If other writers had moved
    /// it on (or the ledger refused the change, perhaps for want of their
    /// rows), the change is judged again in a write that catches up under
    /// the lock first ([`begin_write`](Self::begin_write)): what it
    /// refuses is refused.
    ///
    /// While other writers are writing too, that first try would mostly
    /// be lost: a store whose last write caught up with others' rows
    /// catches up first, until a write finds nothing new.
    async fn write<J: Judged>(
        &mut self,
        judge: impl Fn(&Ledger) -> Result<J, StoreError>,
    ) -> Result<(J, i64), StoreError> {
        if !self.contended
            && let Ok(judged) = judge(&self.ledger)
        {
            let transaction = self.client.transaction().await.map_err(database)?;
            let written = Self::insert(
                transaction,
                &self.statements,
                Lock::Take,
                &self.ledger,
                &judged,
            )
            .await?;
            if let Some(position) = written {
                return Ok((judged, position));
            }
        }
        let (transaction, moved) =
            Self::begin_write(&mut self.client, &self.statements, &mut self.ledger).await?;
        self.contended = moved;
        let judged = match judge(&self.ledger) {
            Ok(judged) => judged,
            Err(error) => return give_up(transaction, error).await,
        };
        let written = Self::insert(
            transaction,
            &self.statements,
            Lock::Held,
            &self.ledger,
            &judged,
        )
        .await?;
        match written {
            Some(position) => Ok((judged, position)),
            None => Err(StoreError::database(MovedUnderLock)),
        }
    }

    /// Inserts what `judged` writes in `transaction` and commits, in one
    /// round trip (the writers' lock first, if it is to be taken). Its
    /// position, or `None` when the log had moved past what `ledger` has
    /// seen and nothing was written. Other writers are notified.
    ///
    /// A row of a version written past the ledger anyway (by hand, say) is
    /// refused by the table's unique (agreement, version).
    async fn insert(
        transaction: Transaction<'_>,
        statements: &Statements,
        lock: Lock,
        ledger: &Ledger,
        judged: &impl Judged,
    ) -> Result<Option<i64>, StoreError> {
        let seen = ledger.seen();
        let seen_occasions = ledger.seen_occasions();
        // An agreement's row as its columns take it: id and time as text.
        let row: (String, i64, String);
        let insert = judged.insert();
        let (statement, params): (&Statement, Vec<&(dyn ToSql + Sync)>) = match &insert {
            Insert::Entry {
                id,
                header,
                version,
                action,
                recorded_at,
                entry,
                ..
            } => {
                row = (
                    id.to_string(),
                    sql_version(*version),
                    recorded_at.to_rfc3339(),
                );
                let (agreement, version, recorded_at) = &row;
                let mut params: Vec<&(dyn ToSql + Sync)> = vec![
                    agreement,
                    version,
                    action,
                    recorded_at,
                    entry,
                    &CHANNEL,
                    &seen,
                    &seen_occasions,
                ];
                // A creation's statement takes the header second.
                match header {
                    Some(header) => {
                        params.insert(1, header);
                        (&statements.created, params)
                    }
                    None => (&statements.entry, params),
                }
            }
            Insert::Occasion { name, document } => (
                &statements.occasion,
                vec![name, document, &CHANNEL, &seen, &seen_occasions],
            ),
        };
        let locked = async {
            match lock {
                Lock::Take => transaction
                    .execute(&statements.lock, &[&WRITE_LOCK])
                    .await
                    .map(drop),
                Lock::Held => Ok(()),
            }
        };
        // Each is sent when first polled, and `join3` polls them in order:
        // the lock, the insert, then COMMIT.
        let (locked, written, committed) = futures_util::future::join3(
            locked,
            transaction.query_opt(statement, &params),
            transaction.batch_execute("COMMIT"),
        )
        .await;
        let position = locked
            .and(written)
            .and_then(|row| row.map(|row| row.try_get(0)).transpose())
            .map_err(|error| match &insert {
                Insert::Entry { id, expected, .. } => conflict_or(error, *id, *expected),
                Insert::Occasion { .. } => database(error),
            });
        ended(transaction, position, committed)
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
        let (created, position) = self
            .write(|ledger| ledger.prepare_create(builder.clone(), first.clone()))
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
        let (prepared, position) = self
            .write(|ledger| ledger.prepare(id, expected, change.clone()))
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
        let (removal, position) = self
            .write(|ledger| ledger.prepare_remove(id, expected))
            .await?;
        self.ledger.commit_remove(removal, position);
        Ok(())
    }

    /// Makes an occasion known to the store, once.
    ///
    /// # Errors
    ///
    /// As [`bilateral_store::Store::add_occasion`].
    pub async fn add_occasion(&mut self, occasion: Occasion) -> Result<(), StoreError> {
        let (prepared, position) = self
            .write(|ledger| ledger.prepare_occasion(occasion.clone()))
            .await?;
        self.ledger.commit_occasion(prepared, position);
        Ok(())
    }

    /// Sets a rival claim beside the version in force; as
    /// [`apply`](PostgresStore::apply).
    ///
    /// # Errors
    ///
    /// As [`bilateral_store::Store::apply`].
    pub async fn dispute(
        &mut self,
        id: AgreementId,
        expected: u64,
        rival: Event,
    ) -> Result<u64, StoreError> {
        self.apply(id, expected, Change::Dispute(rival)).await
    }

    /// Resolves the dispute about `event` by keeping the claim held by the
    /// entry at `chosen`; as [`apply`](PostgresStore::apply).
    ///
    /// # Errors
    ///
    /// As [`bilateral_store::Store::apply`].
    pub async fn resolve(
        &mut self,
        id: AgreementId,
        expected: u64,
        event: EventId,
        chosen: usize,
        reason: &str,
    ) -> Result<u64, StoreError> {
        let change = Change::Resolve {
            id: event,
            chosen,
            reason: reason.into(),
        };
        self.apply(id, expected, change).await
    }

    /// Catches up with what other writers wrote; how many rows it applied.
    ///
    /// # Errors
    ///
    /// As [`bilateral_store::Store::refresh`].
    pub async fn refresh(&mut self) -> Result<usize, StoreError> {
        let occasions =
            read_occasions(&self.client, &self.statements, self.ledger.seen_occasions()).await?;
        let rows = read_rows(&self.client, &self.statements.rows, self.ledger.seen()).await?;
        self.ledger.catch_up_with(occasions, rows)
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

/// Gives up a write: rolls `transaction` back now, releasing the
/// writers' lock at once (a transaction merely dropped is rolled back only
/// when its client is next driven, which a blocking store may never do
/// while another writer waits), and returns `error`.
async fn give_up<T>(transaction: Transaction<'_>, error: StoreError) -> Result<T, StoreError> {
    let _ = transaction.rollback().await;
    Err(error)
}

/// Whether a write takes the writers' lock, or holds it already.
#[derive(Clone, Copy)]
enum Lock {
    Take,
    Held,
}

/// What a write inserts, from the change the ledger judged.
enum Insert<'a> {
    /// An agreement's row, with its header for a creation.
    Entry {
        id: AgreementId,
        expected: u64,
        header: Option<&'a str>,
        version: u64,
        action: &'a str,
        recorded_at: bilateral::chrono::DateTime<bilateral::chrono::Utc>,
        entry: Option<&'a str>,
    },
    /// An occasion.
    Occasion { name: &'a str, document: &'a str },
}

/// A change the ledger has judged, ready to write.
trait Judged {
    /// What writing it inserts.
    fn insert(&self) -> Insert<'_>;
}

impl Judged for Created {
    fn insert(&self) -> Insert<'_> {
        Insert::Entry {
            id: self.id,
            expected: 0,
            header: Some(&self.header),
            version: 1,
            action: "record",
            recorded_at: self.recorded_at,
            entry: Some(&self.entry),
        }
    }
}

impl Judged for Prepared {
    fn insert(&self) -> Insert<'_> {
        Insert::Entry {
            id: self.id,
            expected: self.expected,
            header: None,
            version: self.version,
            action: self.action,
            recorded_at: self.recorded_at,
            entry: Some(&self.entry),
        }
    }
}

impl Judged for Removal {
    fn insert(&self) -> Insert<'_> {
        Insert::Entry {
            id: self.id,
            expected: self.expected,
            header: None,
            version: self.version,
            action: "remove",
            recorded_at: self.recorded_at,
            entry: None,
        }
    }
}

impl Judged for PreparedOccasion {
    fn insert(&self) -> Insert<'_> {
        Insert::Occasion {
            name: &self.name,
            document: &self.document,
        }
    }
}

/// The log moved while a writer held the writers' lock: something wrote
/// to it without taking the lock.
#[derive(Debug)]
struct MovedUnderLock;

impl std::fmt::Display for MovedUnderLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "the log moved while the writers' lock was held: something wrote to it without taking the lock",
        )
    }
}

impl std::error::Error for MovedUnderLock {}

/// Ends a write whose COMMIT was sent behind its statements, in the same
/// round trip: what they wrote, once committed.
///
/// PostgreSQL has ended the transaction either way: it runs a COMMIT that
/// follows a failed statement as a ROLLBACK, and a COMMIT that fails rolls
/// back too. So `transaction` is forgotten rather than dropped (its drop
/// would send a ROLLBACK the server can only answer with a warning). It
/// holds nothing of its own to free: a borrow of the client, and no
/// savepoint.
fn ended<T>(
    transaction: Transaction<'_>,
    written: Result<T, StoreError>,
    committed: Result<(), tokio_postgres::Error>,
) -> Result<T, StoreError> {
    std::mem::forget(transaction);
    let written = written?;
    committed.map_err(database)?;
    Ok(written)
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

/// Every occasion after `seen`, with its sequence number.
async fn read_occasions(
    client: &impl GenericClient,
    statements: &Statements,
    seen: i64,
) -> Result<Vec<(i64, String)>, StoreError> {
    client
        .query(&statements.occasions, &[&seen])
        .await
        .map_err(database)?
        .into_iter()
        .map(|row| Ok((row.try_get::<_, i64>(0)?, row.try_get(1)?)))
        .collect::<Result<Vec<_>, tokio_postgres::Error>>()
        .map_err(database)
}

/// Every row after `seen`, with its sequence number, by `statement`
/// ([`ROWS_SINCE`]).
async fn read_rows(
    client: &impl GenericClient,
    statement: &Statement,
    seen: i64,
) -> Result<Vec<(i64, Rows)>, StoreError> {
    client
        .query(statement, &[&seen])
        .await
        .map_err(database)?
        .iter()
        .map(|row| row_ref(row).map(|(position, row)| (position, row.into())))
        .collect::<Result<Vec<_>, tokio_postgres::Error>>()
        .map_err(database)
}

/// A row of the log, with its sequence number, as a select of
/// [`ROWS_SINCE`]'s columns gives it, its text borrowed from the row.
fn row_ref(row: &Row) -> Result<(i64, RowRef<'_>), tokio_postgres::Error> {
    Ok((
        row.try_get(0)?,
        RowRef {
            agreement: row.try_get(1)?,
            version: u64::try_from(row.try_get::<_, i64>(2)?).unwrap_or(0),
            entry: row.try_get(3)?,
            header: row.try_get(4)?,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error of a log that moved under the writers' lock says what
    /// happened and what to look for.
    #[test]
    fn a_log_moved_under_the_lock_is_named() {
        let error = StoreError::database(MovedUnderLock);
        let source = std::error::Error::source(&error).map(ToString::to_string);
        assert_eq!(
            source.as_deref(),
            Some(
                "the log moved while the writers' lock was held: \
                 something wrote to it without taking the lock"
            )
        );
    }

    /// An error of the server's own, from a statement on a temporary
    /// table (which lives and dies with this session).
    async fn error_of(client: &Client, statement: &str) -> tokio_postgres::Error {
        client
            .batch_execute(statement)
            .await
            .expect_err("the statement fails")
    }

    /// A database written by the first schema is migrated when opened: its
    /// rows are kept, the log takes disputes, and occasions have their
    /// append-only table.
    #[test]
    fn a_version_1_database_is_migrated_keeping_its_rows() {
        use bilateral::{Agreement, EventKind, Parties, Party, Source};
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
            let (admin, connection) = tokio_postgres::connect(&server, NoTls)
                .await
                .expect("a connection");
            let admin_driver = tokio::spawn(connection);
            let schema = format!("t_migrate_{}", std::process::id());
            admin
                .batch_execute(&format!(
                    "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
                ))
                .await
                .expect("a schema");
            let config = format!("{server} options='-c search_path={schema}'");
            let (client, connection) = tokio_postgres::connect(&config, NoTls)
                .await
                .expect("a connection");
            let driver = tokio::spawn(connection);
            let mut ledger = Ledger::new(Policy::standard(), Arc::new(SystemClock));
            client.batch_execute(MIGRATIONS[0]).await.expect("schema 1");
            client
                .batch_execute(
                    "CREATE TABLE bilateral_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                     INSERT INTO bilateral_meta VALUES ('schema_version', '1')",
                )
                .await
                .expect("meta");
            client
                .execute(
                    "INSERT INTO bilateral_meta VALUES ('policy', $1)",
                    &[&ledger.policy_document()],
                )
                .await
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
            client
                .execute(
                    "INSERT INTO bilateral_agreements (id, header) VALUES ($1, $2)",
                    &[&id.to_string(), &created.header],
                )
                .await
                .expect("a header");
            client
                .execute(
                    "INSERT INTO bilateral_entries (agreement, version, action, recorded_at, entry)
                     VALUES ($1, 1, 'record', $2, $3)",
                    &[
                        &id.to_string(),
                        &created.recorded_at.to_rfc3339(),
                        &created.entry,
                    ],
                )
                .await
                .expect("row 1");
            ledger.commit_create(created, 1);
            drop(client);
            let _ = driver.await;

            let mut store = PostgresStore::connect(&config, Policy::standard())
                .await
                .expect("migrated and opened");
            assert_eq!(store.tracker().version(id), Some(1));
            let rival = signed
                .to_builder()
                .date("2018".parse().expect("a date"))
                .source(Source::new("Embassy", "Relations").expect("a source"))
                .build()
                .expect("a rival");
            assert_eq!(store.dispute(id, 1, rival).await.expect("a dispute"), 2);
            let action: String = store
                .client()
                .query_one(
                    "SELECT action FROM bilateral_entries WHERE version = 2",
                    &[],
                )
                .await
                .expect("the dispute's row")
                .get(0);
            assert_eq!(action, "dispute");
            store
                .add_occasion(
                    bilateral::Occasion::new(
                        "Summit",
                        "2024".parse().expect("a date"),
                        "2024".parse().expect("a date"),
                    )
                    .expect("an occasion"),
                )
                .await
                .expect("an occasion written");
            let version: String = store
                .client()
                .query_one(
                    "SELECT value FROM bilateral_meta WHERE key = 'schema_version'",
                    &[],
                )
                .await
                .expect("a version")
                .get(0);
            assert_eq!(version, SCHEMA_VERSION.to_string());
            drop(store);
            admin
                .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
                .await
                .expect("dropped");
            drop(admin);
            let _ = admin_driver.await;
        });
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

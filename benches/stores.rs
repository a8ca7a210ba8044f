//! The stores beside hand-written SQL for the same rows: appending an event
//! (one transaction each, the same pragmas: WAL, synchronous FULL), and
//! opening a store of 100,000 agreements of four entries each.
//!
//! Run with `cargo bench -p bilateral-benches --bench stores`. Set
//! `BILATERAL_BENCH_STORE` (default 100000) for another number of
//! agreements to open. The PostgreSQL groups run when
//! `BILATERAL_POSTGRES_URL` names a server: `bash .ci/postgres cargo bench
//! -p bilateral-benches --bench stores` starts a throwaway one. With
//! `BILATERAL_BENCH_KEEP` set, opening reuses the agreements an earlier
//! run left on that server, if there are as many.

use std::path::{Path, PathBuf};
use std::time::Duration;

use bilateral::{Agreement, AgreementId, Entry, Event, EventKind, Parties, Party, Policy};
use bilateral_sqlite::SqliteStore;
use bilateral_store::Store;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use rusqlite::{Connection, TransactionBehavior, params};

/// A row as the store reads it: sequence, agreement, version, entry,
/// header.
type Row = (i64, String, i64, Option<String>, Option<String>);

/// The rows a SQLite store's log holds, in the order written.
const ROWS_IN_LOG_ORDER: &str = "SELECT e.seq, e.agreement, e.version, e.entry,
        CASE WHEN e.version = 1 THEN a.header END
     FROM entries e JOIN agreements a ON a.id = e.agreement
     WHERE e.seq > 0 ORDER BY e.seq";

/// The same rows as the store's open selects them, each agreement's
/// together (headers in the order created, each one's rows through the
/// entries' unique index).
const ROWS_BY_AGREEMENT: &str = "SELECT e.seq, e.agreement, e.version, e.entry,
        CASE WHEN e.version = 1 THEN a.header END
     FROM agreements a JOIN entries e ON e.agreement = a.id
     ORDER BY a.rowid, e.version";

/// The rows `sql` selects, by hand, as text.
fn selected(connection: &Connection, sql: &str) -> Vec<Row> {
    let mut statement = connection.prepare(sql).expect("a statement");
    statement
        .query_map([], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
            ))
        })
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bilateral-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir.join("agreements.db")
}

fn parties(n: usize) -> Parties {
    let codes = ["IND", "JPN", "PHL", "FRA", "NOR", "USA"];
    let a = codes[n % codes.len()];
    let b = codes[(n + 1) % codes.len()];
    Parties::new(
        Party::state(a, a).expect("party"),
        Party::state(b, b).expect("party"),
    )
    .expect("parties")
}

/// A store of `count` agreements (proposed, deliberated, two meetings),
/// written without waiting for the disk (setup only).
fn filled(path: &Path, count: usize) -> Vec<AgreementId> {
    let mut store = SqliteStore::open(path, Policy::standard()).expect("a store");
    store
        .connection()
        .pragma_update(None, "synchronous", "OFF")
        .expect("a pragma");
    let mut ids = Vec::with_capacity(count);
    for n in 0..count {
        let id = store
            .create(
                Agreement::builder(format!("Agreement {n}"), parties(n)),
                Event::new(EventKind::Proposed, "2020-01".parse().expect("date")),
            )
            .expect("created");
        store
            .record(
                id,
                1,
                Event::new(EventKind::Deliberated, "2021-03".parse().expect("date")),
            )
            .expect("recorded");
        for version in 2..4 {
            store
                .record(
                    id,
                    version,
                    Event::new(EventKind::Meeting, "2022".parse().expect("date")),
                )
                .expect("recorded");
        }
        ids.push(id);
    }
    ids
}

fn append(c: &mut Criterion) {
    let mut group = c.benchmark_group("store/append");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(8));

    // The store: validate, then one transaction that checks the version
    // and inserts the row.
    let path = scratch("append-store");
    let ids = filled(&path, 1000);
    let mut store = SqliteStore::open(&path, Policy::standard()).expect("a store");
    let mut versions = vec![4u64; ids.len()];
    let mut next = 0;
    group.bench_function("sqlite store", |b| {
        b.iter(|| {
            let at = next % ids.len();
            next += 1;
            let event = Event::new(EventKind::Meeting, "2023".parse().expect("date"));
            versions[at] = store
                .record(ids[at], versions[at], event)
                .expect("recorded");
        });
    });

    // By hand: the same row (an entry's JSON, made beforehand), inserted in
    // one transaction on a file with the same schema and pragmas.
    let path = scratch("append-sql");
    drop(filled(&path, 1000));
    let mut connection = Connection::open(&path).expect("a connection");
    connection
        .pragma_update(None, "journal_mode", "WAL")
        .expect("WAL");
    connection
        .pragma_update(None, "synchronous", "FULL")
        .expect("FULL");
    let agreements: Vec<String> = {
        let mut statement = connection
            .prepare("SELECT id FROM agreements ORDER BY id")
            .expect("a statement");
        statement
            .query_map([], |row| row.get(0))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("ids")
    };
    let mut pact = Agreement::builder("Pact", parties(0))
        .build(Event::new(
            EventKind::Proposed,
            "2020".parse().expect("date"),
        ))
        .expect("an agreement");
    pact.record(Event::new(
        EventKind::Meeting,
        "2023".parse().expect("date"),
    ))
    .expect("recorded");
    let entry: &Entry = &pact.entries()[1];
    let entry = serde_json::to_string(entry).expect("an entry");
    let mut versions = vec![4i64; agreements.len()];
    let mut next = 0;
    group.bench_function("hand-written SQL", |b| {
        b.iter(|| {
            let at = next % agreements.len();
            next += 1;
            versions[at] += 1;
            let transaction = connection
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .expect("a transaction");
            transaction
                .execute(
                    "INSERT INTO entries (agreement, version, action, recorded_at, entry)
                     VALUES (?1, ?2, 'record', '2030-01-01T00:00:00Z', ?3)",
                    params![agreements[at], versions[at], entry],
                )
                .expect("inserted");
            transaction.commit().expect("committed");
        });
    });
    group.finish();
}

fn open(c: &mut Criterion) {
    let count: usize = std::env::var("BILATERAL_BENCH_STORE")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(100_000);
    let path = scratch("open");
    drop(filled(&path, count));
    let mut group = c.benchmark_group(format!("store/open {count}"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    // Every side drops what it opened after the clock stops: opening is
    // measured, not closing.
    group.bench_function("sqlite store", |b| {
        b.iter_with_large_drop(|| {
            let store = SqliteStore::open(&path, Policy::standard()).expect("opened");
            assert_eq!(store.tracker().len(), count);
            store
        });
    });
    // By hand: the same rows selected, as text.
    group.bench_function("hand-written SQL, rows", |b| {
        b.iter_batched(
            || Connection::open(&path).expect("a connection"),
            |connection| {
                let rows = selected(&connection, ROWS_IN_LOG_ORDER);
                assert_eq!(rows.len(), count * 4);
                rows
            },
            BatchSize::PerIteration,
        );
    });
    // By hand: the same rows as the store's open selects them.
    group.bench_function("hand-written SQL, rows by agreement", |b| {
        b.iter_batched(
            || Connection::open(&path).expect("a connection"),
            |connection| {
                let rows = selected(&connection, ROWS_BY_AGREEMENT);
                assert_eq!(rows.len(), count * 4);
                rows
            },
            BatchSize::PerIteration,
        );
    });
    // The rows already read: what the store does with them (splice them
    // into one document's text, load it through the core's loader).
    let rows: Vec<(i64, bilateral_store::Rows)> = {
        let connection = Connection::open(&path).expect("a connection");
        let mut statement = connection.prepare(ROWS_IN_LOG_ORDER).expect("a statement");
        statement
            .query_map([], |row| {
                Ok((
                    row.get(0)?,
                    bilateral_store::Rows {
                        agreement: row.get(1)?,
                        version: row.get::<_, i64>(2)? as u64,
                        entry: row.get(3)?,
                        header: row.get(4)?,
                    },
                ))
            })
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    group.bench_function("the rows loaded by the ledger, no SQL", |b| {
        b.iter_batched(
            || rows.clone(),
            |rows| {
                let ledger = bilateral_store::Ledger::load(
                    Policy::standard(),
                    std::sync::Arc::new(bilateral::SystemClock),
                    rows,
                )
                .expect("loaded");
                assert_eq!(ledger.tracker().len(), count);
                ledger
            },
            BatchSize::PerIteration,
        );
    });
    // By hand, and each entry read into the crate's type (no validation).
    group.bench_function("hand-written SQL, entries parsed", |b| {
        b.iter_batched(
            || Connection::open(&path).expect("a connection"),
            |connection| {
                let mut statement = connection
                    .prepare("SELECT entry FROM entries ORDER BY seq")
                    .expect("a statement");
                let entries: Vec<Entry> = statement
                    .query_map([], |row| row.get::<_, String>(0))
                    .expect("rows")
                    .map(|text| serde_json::from_str(&text.expect("text")).expect("an entry"))
                    .collect();
                assert_eq!(entries.len(), count * 4);
                entries
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

/// The PostgreSQL server, if one is named.
fn postgres() -> Option<String> {
    let url = std::env::var("BILATERAL_POSTGRES_URL").ok();
    if url.is_none() {
        eprintln!("store/postgres: BILATERAL_POSTGRES_URL names no server; its groups are not run");
    }
    url
}

/// A schema of its own on the server, emptied first; its connection text.
fn postgres_schema(url: &str, name: &str) -> String {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .expect("a connection");
        let driver = tokio::spawn(connection);
        client
            .batch_execute(&format!(
                "DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name}"
            ))
            .await
            .expect("a schema");
        drop(client);
        let _ = driver.await;
    });
    format!("{url} options='-c search_path={name}'")
}

/// With `BILATERAL_BENCH_KEEP` set, the schema `name` as an earlier run
/// left it, if it holds `count` agreements: its connection text. Filling
/// 100,000 agreements through the store takes minutes, which comparing
/// two builds on one server need not spend twice.
fn postgres_kept(url: &str, name: &str, count: usize) -> Option<String> {
    std::env::var_os("BILATERAL_BENCH_KEEP")?;
    let config = format!("{url} options='-c search_path={name}'");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let held = runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(&config, tokio_postgres::NoTls)
            .await
            .ok()?;
        let driver = tokio::spawn(connection);
        let held = client
            .query_one("SELECT count(*) FROM bilateral_agreements", &[])
            .await
            .ok()
            .map(|row| row.get::<_, i64>(0));
        drop(client);
        let _ = driver.await;
        held
    })?;
    (usize::try_from(held).ok()? == count).then_some(config)
}

/// A PostgreSQL store of `count` agreements of four entries, written
/// without waiting for the disk (setup only).
fn postgres_filled(config: &str, count: usize) -> Vec<AgreementId> {
    let mut store =
        bilateral_postgres::blocking::PostgresStore::connect(config, Policy::standard())
            .expect("a store");
    store
        .batch_execute("SET synchronous_commit = off")
        .expect("a setting");
    let mut ids = Vec::with_capacity(count);
    for n in 0..count {
        let id = store
            .create(
                Agreement::builder(format!("Agreement {n}"), parties(n)),
                Event::new(EventKind::Proposed, "2020-01".parse().expect("date")),
            )
            .expect("created");
        store
            .record(
                id,
                1,
                Event::new(EventKind::Deliberated, "2021-03".parse().expect("date")),
            )
            .expect("recorded");
        for version in 2..4 {
            store
                .record(
                    id,
                    version,
                    Event::new(EventKind::Meeting, "2022".parse().expect("date")),
                )
                .expect("recorded");
        }
        ids.push(id);
    }
    ids
}

fn postgres_append(c: &mut Criterion) {
    let Some(url) = postgres() else { return };
    let mut group = c.benchmark_group("store/append postgres");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(8));
    let config = postgres_schema(&url, "bench_append_store");
    let ids = postgres_filled(&config, 1000);
    let mut store =
        bilateral_postgres::blocking::PostgresStore::connect(&config, Policy::standard())
            .expect("a store");
    let mut versions = vec![4u64; ids.len()];
    let mut next = 0;
    group.bench_function("postgres store", |b| {
        b.iter(|| {
            let at = next % ids.len();
            next += 1;
            let event = Event::new(EventKind::Meeting, "2023".parse().expect("date"));
            versions[at] = store
                .record(ids[at], versions[at], event)
                .expect("recorded");
        });
    });
    // By hand: the same row, a prepared insert in one transaction.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let (mut client, agreements, insert) = runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(&config, tokio_postgres::NoTls)
            .await
            .expect("a connection");
        tokio::spawn(connection);
        let agreements: Vec<String> = client
            .query("SELECT id FROM bilateral_agreements ORDER BY id", &[])
            .await
            .expect("ids")
            .iter()
            .map(|row| row.get(0))
            .collect();
        let insert = client
            .prepare(
                "INSERT INTO bilateral_entries (agreement, version, action, recorded_at, entry)
                 VALUES ($1, $2, 'record', '2030-01-01T00:00:00Z', $3)",
            )
            .await
            .expect("a statement");
        (client, agreements, insert)
    });
    let mut pact = Agreement::builder("Pact", parties(0))
        .build(Event::new(
            EventKind::Proposed,
            "2020".parse().expect("date"),
        ))
        .expect("an agreement");
    pact.record(Event::new(
        EventKind::Meeting,
        "2023".parse().expect("date"),
    ))
    .expect("recorded");
    let entry = serde_json::to_string(&pact.entries()[1]).expect("an entry");
    let mut hand_versions = vec![1_000_000i64; agreements.len()];
    let mut next = 0;
    group.bench_function("hand-written SQL", |b| {
        b.iter(|| {
            let at = next % agreements.len();
            next += 1;
            hand_versions[at] += 1;
            runtime.block_on(async {
                let transaction = client.transaction().await.expect("a transaction");
                transaction
                    .execute(&insert, &[&agreements[at], &hand_versions[at], &entry])
                    .await
                    .expect("inserted");
                transaction.commit().await.expect("committed");
            });
        });
    });
    group.finish();
}

fn postgres_open(c: &mut Criterion) {
    let Some(url) = postgres() else { return };
    let count: usize = std::env::var("BILATERAL_BENCH_STORE")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(100_000);
    let config = match postgres_kept(&url, "bench_open", count) {
        Some(config) => config,
        None => {
            let config = postgres_schema(&url, "bench_open");
            drop(postgres_filled(&config, count));
            config
        }
    };
    let mut group = c.benchmark_group(format!("store/open postgres {count}"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(30));
    group.bench_function("postgres store", |b| {
        b.iter_with_large_drop(|| {
            let store =
                bilateral_postgres::blocking::PostgresStore::connect(&config, Policy::standard())
                    .expect("opened");
            assert_eq!(store.tracker().len(), count);
            store
        });
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    group.bench_function("hand-written SQL, rows", |b| {
        b.iter_with_large_drop(|| {
            runtime.block_on(async {
                let (client, connection) = tokio_postgres::connect(&config, tokio_postgres::NoTls)
                    .await
                    .expect("a connection");
                tokio::spawn(connection);
                let rows: Vec<Row> = client
                    .query(
                        "SELECT e.seq, e.agreement, e.version, e.entry,
                            CASE WHEN e.version = 1 THEN a.header END
                         FROM bilateral_entries e JOIN bilateral_agreements a ON a.id = e.agreement
                         WHERE e.seq > 0 ORDER BY e.seq",
                        &[],
                    )
                    .await
                    .expect("rows")
                    .iter()
                    .map(|row| (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4)))
                    .collect();
                assert_eq!(rows.len(), count * 4);
                rows
            })
        });
    });
    group.finish();
}

criterion_group!(benches, append, open, postgres_append, postgres_open);
criterion_main!(benches);

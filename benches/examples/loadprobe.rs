use bilateral::{Agreement, Event, EventKind, Parties, Party, Policy};
use bilateral_sqlite::SqliteStore;
use bilateral_store::Store;

fn parties(n: usize) -> Parties {
    let codes = ["IND", "JPN", "PHL", "FRA", "NOR", "USA"];
    let a = codes[n % codes.len()];
    let b = codes[(n + 1) % codes.len()];
    Parties::new(Party::state(a, a).unwrap(), Party::state(b, b).unwrap()).unwrap()
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().unwrap())
        .unwrap_or(1);
    let count = 5_000;
    let mut store = SqliteStore::open_in_memory(Policy::standard()).unwrap();
    for n in 0..count {
        let id = store
            .create(
                Agreement::builder(format!("Agreement {n}"), parties(n)),
                Event::new(EventKind::Proposed, "2020-01".parse().unwrap()),
            )
            .unwrap();
        store
            .record(
                id,
                1,
                Event::new(EventKind::Deliberated, "2021-03".parse().unwrap()),
            )
            .unwrap();
        for version in 2..4 {
            store
                .record(
                    id,
                    version,
                    Event::new(EventKind::Meeting, "2022".parse().unwrap()),
                )
                .unwrap();
        }
    }
    let mut statement = store.connection().prepare(
        "SELECT e.seq, e.agreement, e.version, e.entry, CASE WHEN e.version = 1 THEN a.header END
         FROM entries e JOIN agreements a ON a.id = e.agreement ORDER BY e.seq").unwrap();
    let rows: Vec<(i64, bilateral_store::Rows)> = statement
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
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for _ in 0..rounds {
        let ledger = bilateral_store::Ledger::load(
            Policy::standard(),
            std::sync::Arc::new(bilateral::SystemClock),
            rows.clone(),
        )
        .unwrap();
        assert_eq!(ledger.tracker().len(), count);
    }
}

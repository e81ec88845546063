//! The conformance suite on every backend: memory, SQLite and PostgreSQL.

use std::sync::Arc;

use aigov_registry::conformance::{
    BEHAVIOURS, arbitrary_version, concurrent_versions_get_distinct_numbers,
    racing_claims_take_each_change_once, round_trip_version,
};
use aigov_registry::{
    MemoryRegistryStore, PostgresRegistryStore, RegistryStore, SqliteRegistryStore,
};
use aigov_testkit::PgSchema;
use proptest::prelude::*;

fn sqlite_store() -> (SqliteRegistryStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteRegistryStore::open(&dir.path().join("registry.db")).expect("open sqlite");
    (store, dir)
}

fn pg_store(schema: &PgSchema) -> PostgresRegistryStore {
    PostgresRegistryStore::from_config(schema.config()).expect("open postgres")
}

/// Two stores on one database (two connections, as two processes would have) registering at
/// once get distinct numbers.
fn two_stores_get_distinct_numbers(a: Arc<dyn RegistryStore>, b: Arc<dyn RegistryStore>) {
    a.create_model(&aigov_registry::conformance::sample_model("cf-two"), None)
        .expect("model");
    let handles: Vec<_> = [a, b]
        .into_iter()
        .map(|s| {
            std::thread::spawn(move || {
                (0..30)
                    .map(|i| {
                        s.create_version(
                            &aigov_registry::conformance::sample_version("cf-two", i),
                            None,
                        )
                        .expect("version")
                        .version
                        .get()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut all: Vec<u64> = handles
        .into_iter()
        .flat_map(|h| h.join().expect("join"))
        .collect();
    all.sort_unstable();
    assert_eq!(all, (1..=60).collect::<Vec<u64>>());
}

#[test]
fn memory_backend_conforms() {
    for (name, behaviour) in BEHAVIOURS {
        eprintln!("memory: {name}");
        behaviour(&MemoryRegistryStore::new());
        let shared: Arc<dyn RegistryStore> = Arc::new(MemoryRegistryStore::new());
        behaviour(shared.as_ref());
    }
    concurrent_versions_get_distinct_numbers(Arc::new(MemoryRegistryStore::new()), 4, 25);
    let shared: Arc<dyn RegistryStore> = Arc::new(MemoryRegistryStore::new());
    racing_claims_take_each_change_once(Arc::clone(&shared), shared);
}

#[test]
fn sqlite_backend_conforms() {
    for (name, behaviour) in BEHAVIOURS {
        eprintln!("sqlite: {name}");
        let (store, _dir) = sqlite_store();
        behaviour(&store);
        let (store, _dir) = sqlite_store();
        let shared: Arc<dyn RegistryStore> = Arc::new(store);
        behaviour(shared.as_ref());
    }
}

#[test]
fn sqlite_threads_and_two_connections_get_distinct_numbers() {
    let (store, dir) = sqlite_store();
    concurrent_versions_get_distinct_numbers(Arc::new(store), 4, 25);
    // Two independent connections to one file behave like two processes.
    let path = dir.path().join("shared.db");
    let a = SqliteRegistryStore::open(&path).expect("a");
    let b = SqliteRegistryStore::open(&path).expect("b");
    two_stores_get_distinct_numbers(Arc::new(a), Arc::new(b));
    let path = dir.path().join("claims.db");
    let a = SqliteRegistryStore::open(&path).expect("a");
    let b = SqliteRegistryStore::open(&path).expect("b");
    racing_claims_take_each_change_once(Arc::new(a), Arc::new(b));
}

#[test]
fn postgres_backend_conforms() {
    for (name, behaviour) in BEHAVIOURS {
        let Some(schema) = PgSchema::create("aigov_registry_test") else {
            return;
        };
        eprintln!("postgres: {name}");
        behaviour(&pg_store(&schema));
        drop(schema);
        let Some(schema) = PgSchema::create("aigov_registry_test") else {
            return;
        };
        let shared: Arc<dyn RegistryStore> = Arc::new(pg_store(&schema));
        behaviour(shared.as_ref());
    }
}

#[test]
fn postgres_two_pools_get_distinct_numbers() {
    let Some(schema) = PgSchema::create("aigov_registry_test") else {
        return;
    };
    concurrent_versions_get_distinct_numbers(Arc::new(pg_store(&schema)), 4, 25);
    let Some(schema) = PgSchema::create("aigov_registry_test") else {
        return;
    };
    two_stores_get_distinct_numbers(Arc::new(pg_store(&schema)), Arc::new(pg_store(&schema)));
    let Some(schema) = PgSchema::create("aigov_registry_test") else {
        return;
    };
    racing_claims_take_each_change_once(Arc::new(pg_store(&schema)), Arc::new(pg_store(&schema)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn memory_round_trips_every_field(v in arbitrary_version("pt-memory")) {
        let store = MemoryRegistryStore::new();
        prop_assert_eq!(round_trip_version(&store, &v), Ok(()));
    }

    #[test]
    fn sqlite_round_trips_every_field(v in arbitrary_version("pt-sqlite")) {
        let (store, _dir) = sqlite_store();
        prop_assert_eq!(round_trip_version(&store, &v), Ok(()));
    }
}

#[test]
fn postgres_round_trips_every_field() {
    let Some(schema) = PgSchema::create("aigov_registry_test") else {
        return;
    };
    let store = pg_store(&schema);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(32));
    runner
        .run(&arbitrary_version("pt-postgres"), |v| {
            prop_assert_eq!(round_trip_version(&store, &v), Ok(()));
            Ok(())
        })
        .expect("round trips");
}

#[test]
fn sqlite_uses_write_ahead_logging() {
    let (store, dir) = sqlite_store();
    drop(store);
    let conn = rusqlite::Connection::open(dir.path().join("registry.db")).expect("open");
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("pragma");
    assert_eq!(mode, "wal");
}

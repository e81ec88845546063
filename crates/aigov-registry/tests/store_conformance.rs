//! The conformance suite on every backend: memory, SQLite and PostgreSQL.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use aigov_registry::conformance::{
    BEHAVIOURS, arbitrary_version, concurrent_versions_get_distinct_numbers, round_trip_version,
};
use aigov_registry::{
    MemoryRegistryStore, PostgresRegistryStore, RegistryStore, SqliteRegistryStore,
};
use proptest::prelude::*;

fn sqlite_store() -> (SqliteRegistryStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteRegistryStore::open(&dir.path().join("registry.db")).expect("open sqlite");
    (store, dir)
}

/// A schema of its own for each PostgreSQL test, dropped afterwards.
struct PgSchema {
    url: String,
    schema: String,
}

impl PgSchema {
    fn create() -> Option<PgSchema> {
        let Ok(url) = std::env::var("AIGOV_TEST_POSTGRES_URL") else {
            eprintln!("skipping PostgreSQL conformance: AIGOV_TEST_POSTGRES_URL is not set");
            return None;
        };
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let schema = format!(
            "aigov_registry_test_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
        client
            .batch_execute(&format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
            ))
            .expect("create schema");
        Some(PgSchema { url, schema })
    }

    fn store(&self) -> PostgresRegistryStore {
        let mut config: postgres::Config = self.url.parse().expect("url");
        config.options(&format!("-c search_path={}", self.schema));
        PostgresRegistryStore::from_config(config).expect("open postgres")
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.url, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
        }
    }
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
    a.create_model(&aigov_registry::conformance::sample_model("cf-two"))
        .expect("model");
    let stores: Vec<Arc<dyn RegistryStore>> = vec![Arc::new(a), Arc::new(b)];
    let handles: Vec<_> = stores
        .into_iter()
        .map(|s| {
            std::thread::spawn(move || {
                (0..30)
                    .map(|i| {
                        s.create_version(&aigov_registry::conformance::sample_version("cf-two", i))
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
fn postgres_backend_conforms() {
    for (name, behaviour) in BEHAVIOURS {
        let Some(schema) = PgSchema::create() else {
            return;
        };
        eprintln!("postgres: {name}");
        behaviour(&schema.store());
        drop(schema);
        let Some(schema) = PgSchema::create() else {
            return;
        };
        let shared: Arc<dyn RegistryStore> = Arc::new(schema.store());
        behaviour(shared.as_ref());
    }
}

#[test]
fn postgres_two_pools_get_distinct_numbers() {
    let Some(schema) = PgSchema::create() else {
        return;
    };
    concurrent_versions_get_distinct_numbers(Arc::new(schema.store()), 4, 25);
    let Some(schema) = PgSchema::create() else {
        return;
    };
    let a = schema.store();
    let b = schema.store();
    a.create_model(&aigov_registry::conformance::sample_model("cf-two"))
        .expect("model");
    let stores: Vec<Arc<dyn RegistryStore>> = vec![Arc::new(a), Arc::new(b)];
    let handles: Vec<_> = stores
        .into_iter()
        .map(|s| {
            std::thread::spawn(move || {
                (0..30)
                    .map(|i| {
                        s.create_version(&aigov_registry::conformance::sample_version("cf-two", i))
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
    let Some(schema) = PgSchema::create() else {
        return;
    };
    let store = schema.store();
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

//! The IncidentStore conformance suite on memory, SQLite and PostgreSQL.

use std::sync::Arc;

use aigov_incident::conformance;
use aigov_incident::{
    IncidentStore, MemoryIncidentStore, PostgresIncidentStore, SqliteIncidentStore,
};
use aigov_testkit::PgSchema;

#[test]
fn memory_store_conforms() {
    conformance::run_all(&|| Arc::new(MemoryIncidentStore::new()) as Arc<dyn IncidentStore>);
    let store = MemoryIncidentStore::new();
    conformance::round_trip(&store);
}

#[test]
fn sqlite_store_conforms() {
    let dir = tempfile::tempdir().unwrap();
    let counter = std::sync::atomic::AtomicU32::new(0);
    let path = dir.path().to_path_buf();
    conformance::run_all(&|| {
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Arc::new(SqliteIncidentStore::open(&path.join(format!("aigov-{n}.db"))).unwrap())
            as Arc<dyn IncidentStore>
    });
    // Two connections to one file see each other's writes.
    let shared = dir.path().join("shared.db");
    let a = SqliteIncidentStore::open(&shared).unwrap();
    let b = SqliteIncidentStore::open(&shared).unwrap();
    conformance::round_trip(&a);
    assert!(b.get("RT-1").unwrap().is_some());
}

#[test]
fn postgres_store_conforms() {
    let Some(first) = PgSchema::create("incident_conf") else {
        return;
    };
    let schemas = std::sync::Mutex::new(vec![first]);
    let made = std::sync::atomic::AtomicU32::new(0);
    conformance::run_all(&|| {
        let mut all = schemas.lock().unwrap();
        if made.fetch_add(1, std::sync::atomic::Ordering::Relaxed) > 0 {
            all.push(PgSchema::create("incident_conf").unwrap());
        }
        let schema = all.last().unwrap();
        Arc::new(PostgresIncidentStore::from_config(schema.config()).unwrap())
            as Arc<dyn IncidentStore>
    });
    // Two pools (two replicas) on one schema.
    let schema = PgSchema::create("incident_two").unwrap();
    let a = PostgresIncidentStore::from_config(schema.config()).unwrap();
    let b = PostgresIncidentStore::from_config(schema.config()).unwrap();
    conformance::round_trip(&a);
    assert!(b.get("RT-1").unwrap().is_some());
}

//! The audit store conformance suite on memory, SQLite and PostgreSQL, concurrency, and
//! tamper detection by `verify` on each durable backend.

use std::sync::Arc;

use aigov_audit::conformance::{BEHAVIOURS, entries};
use aigov_audit::{AuditLog, AuditStore, MemoryAuditStore, PostgresAuditStore, SqliteAuditStore};
use aigov_core::SignerKey;
use aigov_testkit::PgSchema;

fn sqlite() -> (Arc<SqliteAuditStore>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("dir");
    let store = SqliteAuditStore::open(&dir.path().join("audit.db")).expect("open");
    (Arc::new(store), dir)
}

fn pg_store(schema: &PgSchema) -> PostgresAuditStore {
    PostgresAuditStore::from_config(schema.config()).expect("open")
}

#[test]
fn memory_conforms() {
    for (name, behaviour) in BEHAVIOURS {
        eprintln!("memory: {name}");
        behaviour(Arc::new(MemoryAuditStore::new()));
    }
}

#[test]
fn sqlite_conforms() {
    for (name, behaviour) in BEHAVIOURS {
        eprintln!("sqlite: {name}");
        let (store, _dir) = sqlite();
        behaviour(store);
    }
}

#[test]
fn postgres_conforms() {
    for (name, behaviour) in BEHAVIOURS {
        let Some(schema) = PgSchema::create("aigov_audit_test") else {
            return;
        };
        eprintln!("postgres: {name}");
        behaviour(Arc::new(pg_store(&schema)));
    }
}

/// Threads appending through one log (group commit) and through separate stores on the same
/// database: indices dense and unique, and the tree verifies.
fn concurrent_appends(stores: Vec<Arc<dyn AuditStore>>) {
    let key = SignerKey::from_seed("aigov-test", [2; 32]).expect("key");
    let logs: Vec<Arc<AuditLog>> = stores
        .into_iter()
        .map(|s| Arc::new(AuditLog::new(s).with_signer(key.clone(), "test/audit")))
        .collect();
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let log = Arc::clone(&logs[t % logs.len()]);
            std::thread::spawn(move || {
                (0..50)
                    .map(|i| {
                        let event = aigov_audit::AuditEvent::from_parts(
                            "custom",
                            serde_json::json!({"thread": t, "i": i}),
                        )
                        .expect("event");
                        let entry = aigov_audit::AuditEntry {
                            time: chrono::Utc::now(),
                            actor: "t".parse().expect("actor"),
                            authn: None,
                            request: None,
                            event,
                        };
                        log.append(&entry).expect("append").index
                    })
                    .collect::<Vec<u64>>()
            })
        })
        .collect();
    let mut all: Vec<u64> = handles
        .into_iter()
        .flat_map(|h| h.join().expect("join"))
        .collect();
    all.sort_unstable();
    assert_eq!(all, (0..200).collect::<Vec<u64>>());
    logs[0].checkpoint().expect("checkpoint");
    let report = logs[0].verify(&[&key.verifier()]).expect("verify");
    assert!(report.is_ok(), "{:?}", report.problems);
    assert_eq!(report.entries_checked, 200);
}

#[test]
fn concurrent_appends_on_every_backend() {
    concurrent_appends(vec![Arc::new(MemoryAuditStore::new())]);
    let (store, dir) = sqlite();
    let second = SqliteAuditStore::open(&dir.path().join("audit.db")).expect("second connection");
    concurrent_appends(vec![store, Arc::new(second)]);
    if let Some(schema) = PgSchema::create("aigov_audit_test") {
        concurrent_appends(vec![
            Arc::new(pg_store(&schema)),
            Arc::new(pg_store(&schema)),
        ]);
    }
}

/// A log of 100 entries with a checkpoint at 60 and at 100, ready to be tampered with.
fn prepared(store: Arc<dyn AuditStore>) -> (AuditLog, SignerKey) {
    let key = SignerKey::from_seed("aigov-test", [3; 32]).expect("key");
    let log = AuditLog::new(store).with_signer(key.clone(), "test/audit");
    log.store().append(&entries(0, 60)).expect("append");
    log.checkpoint().expect("checkpoint");
    log.store().append(&entries(60, 40)).expect("append");
    log.checkpoint().expect("checkpoint");
    let report = log.verify(&[&key.verifier()]).expect("verify");
    assert!(report.is_ok(), "{:?}", report.problems);
    (log, key)
}

/// Applies a tampering and checks that verify reports it at (or, inside one stored 16-entry
/// block, before) the index that was touched.
fn assert_caught(log: &AuditLog, key: &SignerKey, touched: u64, what: &str) {
    let report = log.verify(&[&key.verifier()]).expect("verify");
    assert!(!report.is_ok(), "{what}: not detected");
    let first = report.first_bad_index().expect("an index");
    assert!(
        first <= touched && touched - first < 16,
        "{what}: first bad index {first}, touched {touched}: {:?}",
        report.problems
    );
}

#[test]
fn sqlite_tampering_is_detected() {
    let cases: [(&str, u64, &str); 5] = [
        (
            "one payload byte",
            17,
            "UPDATE audit_entries SET payload = CAST(replace(CAST(payload AS TEXT), 'x', 'y') AS BLOB) WHERE idx = 17",
        ),
        (
            "a deleted row",
            42,
            "DELETE FROM audit_entries WHERE idx = 42",
        ),
        (
            "two swapped rows",
            70,
            "UPDATE audit_entries SET idx = -1 WHERE idx = 70; UPDATE audit_entries SET idx = 70 WHERE idx = 75; UPDATE audit_entries SET idx = 75 WHERE idx = -1",
        ),
        (
            "a stored leaf hash",
            33,
            "UPDATE audit_entries SET leaf_hash = zeroblob(32) WHERE idx = 33",
        ),
        (
            "a stored interior hash",
            48,
            "UPDATE audit_nodes SET hash = zeroblob(32) WHERE level = 4 AND idx = 3",
        ),
    ];
    for (what, touched, sql) in cases {
        let (store, dir) = sqlite();
        let (log, key) = prepared(store);
        let conn = rusqlite::Connection::open(dir.path().join("audit.db")).expect("open");
        conn.execute_batch(sql).expect(what);
        drop(conn);
        assert_caught(&log, &key, touched, what);
    }
}

#[test]
fn postgres_tampering_is_detected() {
    let cases: [(&str, u64, &str); 5] = [
        (
            "one payload byte",
            17,
            "UPDATE audit_entries SET payload = set_byte(payload, 5, 0) WHERE idx = 17",
        ),
        (
            "a deleted row",
            42,
            "DELETE FROM audit_entries WHERE idx = 42",
        ),
        (
            "two swapped rows",
            70,
            "UPDATE audit_entries SET idx = -1 WHERE idx = 70; UPDATE audit_entries SET idx = 70 WHERE idx = 75; UPDATE audit_entries SET idx = 75 WHERE idx = -1",
        ),
        (
            "a stored leaf hash",
            33,
            "UPDATE audit_entries SET leaf_hash = decode(repeat('00', 32), 'hex') WHERE idx = 33",
        ),
        (
            "a stored interior hash",
            48,
            "UPDATE audit_nodes SET hash = decode(repeat('00', 32), 'hex') WHERE level = 4 AND idx = 3",
        ),
    ];
    for (what, touched, sql) in cases {
        let Some(schema) = PgSchema::create("aigov_audit_test") else {
            return;
        };
        let (log, key) = prepared(Arc::new(pg_store(&schema)));
        schema.sql(sql);
        assert_caught(&log, &key, touched, what);
    }
}

#[test]
fn memory_tampering_is_detected() {
    let store = Arc::new(MemoryAuditStore::new());
    let (log, key) = prepared(store.clone());
    store.tamper_payload(9, b"{}".to_vec());
    assert_caught(&log, &key, 9, "payload");
}

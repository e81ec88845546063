//! Audit log speed: in-memory appends, durable SQLite appends against a plain SQLite insert
//! of the same payloads (the side-by-side ratio), and proofs at one million entries.

use std::sync::Arc;

use aigov::audit::merkle::{inclusion_proof, root_at, verify_inclusion};
use aigov::audit::store::{AuditStore, MemoryAuditStore, NewEntry, SqliteAuditStore};
use aigov::audit::{AuditLog, merkle::TreeReader};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

const BATCH: usize = 1000;

/// `n` entries of 300 bytes.
fn payloads(from: usize, n: usize) -> Vec<NewEntry> {
    let time = chrono::Utc::now();
    (from..from + n)
        .map(|i| {
            let head = format!("{{\"kind\":\"custom\",\"payload\":{{\"i\":{i:010},\"pad\":\"");
            let tail = "\"}}";
            let pad = "x".repeat(300 - head.len() - tail.len());
            NewEntry {
                payload: format!("{head}{pad}{tail}").into_bytes(),
                time,
                kind: "custom".into(),
                subjects: Vec::new(),
                unique_key: None,
            }
        })
        .collect()
}

struct Reader<'a>(&'a dyn AuditStore);

impl TreeReader for Reader<'_> {
    fn perfect_hash(
        &self,
        level: u32,
        index: u64,
    ) -> Result<aigov::core::Digest, aigov::audit::AuditError> {
        self.0.perfect_hash(level, index)
    }
}

fn appends(c: &mut Criterion) {
    let mut group = c.benchmark_group("audit_append");
    group.throughput(Throughput::Elements(BATCH as u64));
    let batch = payloads(0, BATCH);
    group.bench_function("memory_batch_1000", |b| {
        b.iter_batched(
            MemoryAuditStore::new,
            |store| {
                store.append(&batch).expect("append");
                store
            },
            BatchSize::LargeInput,
        )
    });

    group.sample_size(20);
    let dir = tempfile::tempdir().expect("dir");
    let store = SqliteAuditStore::open(&dir.path().join("audit.db")).expect("open");
    group.bench_function("sqlite_durable_batch_1000", |b| {
        b.iter(|| store.append(&batch).expect("append"))
    });

    // The same payloads into a plain table in one transaction, same durability settings.
    let plain = rusqlite::Connection::open(dir.path().join("plain.db")).expect("open");
    plain
        .pragma_update(None, "journal_mode", "WAL")
        .expect("wal");
    plain
        .pragma_update(None, "synchronous", "FULL")
        .expect("full");
    plain
        .execute_batch("CREATE TABLE plain (idx INTEGER PRIMARY KEY, payload BLOB NOT NULL, time TEXT NOT NULL)")
        .expect("table");
    let mut next = 0i64;
    let mut plain = plain;
    group.bench_function("plain_sqlite_insert_1000", |b| {
        b.iter(|| {
            let tx = plain.transaction().expect("tx");
            {
                let mut insert = tx
                    .prepare_cached("INSERT INTO plain (idx, payload, time) VALUES (?1, ?2, ?3)")
                    .expect("prepare");
                for e in &batch {
                    insert
                        .execute(rusqlite::params![next, e.payload, e.time.to_rfc3339()])
                        .expect("insert");
                    next += 1;
                }
            }
            tx.commit().expect("commit");
        })
    });
    group.finish();
}

fn proofs(c: &mut Criterion) {
    let store = MemoryAuditStore::new();
    for chunk in 0..1000 {
        store
            .append(&payloads(chunk * BATCH, BATCH))
            .expect("append");
    }
    let size = store.size().expect("size");
    let tree = Reader(&store);
    let root = root_at(&tree, size).expect("root");
    let mut group = c.benchmark_group("audit_proof_1m");
    let mut index = 0u64;
    group.bench_function("inclusion_proof", |b| {
        b.iter(|| {
            index = (index + 7919) % size;
            inclusion_proof(&tree, index, size).expect("proof")
        })
    });
    let samples: Vec<(u64, aigov::core::Digest, Vec<aigov::core::Digest>)> = (0..64u64)
        .map(|i| {
            let idx = i * 15_601 % size;
            let leaf = store.perfect_hash(0, idx).expect("leaf");
            (idx, leaf, inclusion_proof(&tree, idx, size).expect("proof"))
        })
        .collect();
    let mut k = 0;
    group.bench_function("verify_inclusion", |b| {
        b.iter(|| {
            k = (k + 1) % samples.len();
            let (idx, leaf, proof) = &samples[k];
            verify_inclusion(leaf, *idx, size, proof, &root).expect("verify")
        })
    });
    let log = AuditLog::new(Arc::new(store));
    group.bench_function("log_prove_with_root", |b| {
        b.iter(|| {
            index = (index + 7919) % size;
            log.prove(index, Some(size)).expect("proof")
        })
    });
    group.finish();
}

criterion_group!(benches, appends, proofs);
criterion_main!(benches);

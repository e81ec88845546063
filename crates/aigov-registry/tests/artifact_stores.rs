//! The same behaviour from every artifact store: memory, filesystem and PostgreSQL.

use std::io::Read;

use aigov_core::Digest;
use aigov_registry::{
    ArtifactStore, ArtifactStoreExt, FsArtifactStore, MemoryArtifactStore, PostgresArtifactStore,
    PostgresRegistryStore, RegistryError,
};
use aigov_testkit::PgSchema;

fn behaves(store: &dyn ArtifactStore) {
    let small = store.put(b"evidence report").expect("put");
    assert_eq!(small, Digest::of(b"evidence report"));
    assert_eq!(
        store.put(b"evidence report").expect("again"),
        small,
        "idempotent"
    );
    assert_eq!(store.get(&small).expect("get"), b"evidence report");
    assert!(store.exists(&small).expect("exists"));

    // A file larger than one chunk streams back byte for byte.
    let dir = tempfile::tempdir().expect("dir");
    let big: Vec<u8> = (0..(3 << 20) + 17).map(|i| (i * 7 % 251) as u8).collect();
    let path = dir.path().join("weights.bin");
    std::fs::write(&path, &big).expect("write");
    let (digest, size) = store.put_file(&path).expect("put_file");
    assert_eq!((digest, size), (Digest::of(&big), big.len() as u64));
    let mut streamed = Vec::new();
    store
        .open(&digest)
        .expect("open")
        .read_to_end(&mut streamed)
        .expect("read");
    assert_eq!(streamed.len(), big.len());
    assert!(streamed == big);
    assert_eq!(
        store.verify_blob(&digest).expect("verify"),
        big.len() as u64
    );

    let empty = store.put(b"").expect("empty");
    assert_eq!(store.get(&empty).expect("get empty"), b"");

    let missing = Digest::of(b"never stored");
    assert!(matches!(
        store.get(&missing),
        Err(RegistryError::NotFound(_))
    ));
    assert!(matches!(
        store.open(&missing).map(|_| ()),
        Err(RegistryError::NotFound(_))
    ));
    assert!(!store.exists(&missing).expect("exists"));
    assert!(store.delete(&small).expect("delete"));
    assert!(!store.delete(&small).expect("delete again"));
    assert!(!store.exists(&small).expect("exists"));
}

#[test]
fn memory_store_behaves() {
    behaves(&MemoryArtifactStore::new());
}

#[test]
fn filesystem_store_behaves() {
    let dir = tempfile::tempdir().expect("dir");
    behaves(&FsArtifactStore::open(dir.path()).expect("open"));
}

#[test]
fn postgres_store_behaves_and_is_shared_by_replicas() {
    let Some(schema) = PgSchema::create("aigov_artifacts_test") else {
        return;
    };
    let a = PostgresRegistryStore::from_config(schema.config()).expect("open");
    behaves(&PostgresArtifactStore::new(&a));
    let b = PostgresRegistryStore::from_config(schema.config()).expect("second replica");
    let written = PostgresArtifactStore::new(&a)
        .put(b"shared bytes")
        .expect("put");
    assert_eq!(
        PostgresArtifactStore::new(&b).get(&written).expect("get"),
        b"shared bytes"
    );
}

//! The actor directory's conformance suite on every backend: memory, a JSON file (two store
//! values on one file, as two processes would have) and PostgreSQL (two pools on one schema,
//! as two replicas would have).

use std::sync::Arc;

use aigov_registry::conformance::{directory_behaviour, directory_concurrent_saves_lose_nothing};
use aigov_registry::{
    DirectoryStore, FileDirectoryStore, MemoryDirectoryStore, PostgresDirectoryStore,
    PostgresRegistryStore,
};
use aigov_testkit::PgSchema;

#[test]
fn memory_backend_conforms() {
    directory_behaviour(&MemoryDirectoryStore::new());
    directory_concurrent_saves_lose_nothing(&[Arc::new(MemoryDirectoryStore::new())], 4);
}

#[test]
fn file_backend_conforms() {
    let dir = tempfile::tempdir().expect("tempdir");
    directory_behaviour(&FileDirectoryStore::new(dir.path().join("a/trust.json")));
    let shared = dir.path().join("b/trust.json");
    directory_concurrent_saves_lose_nothing(
        &[
            Arc::new(FileDirectoryStore::new(&shared)),
            Arc::new(FileDirectoryStore::new(&shared)),
        ],
        4,
    );
    // A second handle on the same file sees the first one's saves and loses a stale save.
    let path = dir.path().join("c/trust.json");
    let (one, two) = (
        FileDirectoryStore::new(&path),
        FileDirectoryStore::new(&path),
    );
    let g = one
        .save(&aigov_registry::TrustStore::default(), 0)
        .expect("save");
    assert_eq!(two.generation().expect("generation"), g);
    assert!(two.save(&aigov_registry::TrustStore::default(), 0).is_err());
    // A file that is not a directory is a storage error, not an empty directory.
    std::fs::write(&path, b"{not json").expect("corrupt");
    assert!(one.load().is_err());
}

#[test]
fn postgres_backend_conforms() {
    let Some(schema) = PgSchema::create("registry_directory") else {
        return;
    };
    let open = || {
        PostgresDirectoryStore::new(
            &PostgresRegistryStore::from_config(schema.config()).expect("open postgres"),
        )
    };
    directory_behaviour(&open());
    let Some(schema2) = PgSchema::create("registry_directory_writers") else {
        return;
    };
    let pool = || -> Arc<dyn DirectoryStore> {
        Arc::new(PostgresDirectoryStore::new(
            &PostgresRegistryStore::from_config(schema2.config()).expect("open postgres"),
        ))
    };
    directory_concurrent_saves_lose_nothing(&[pool(), pool()], 4);
    // Another replica's pool sees the last save.
    let (a, b) = (open(), open());
    let last = a.generation().expect("generation");
    assert_ne!(last, 0, "the behaviour above saved twice");
    assert_eq!(b.generation().expect("generation"), last);
    assert_eq!(b.load().expect("load"), a.load().expect("load"));
}

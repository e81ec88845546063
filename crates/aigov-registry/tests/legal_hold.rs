//! Legal holds on versions: while active, the record changes only to suspend the version;
//! holds survive a round trip through the stores and are released explicitly.

use std::sync::Arc;

use aigov_core::{ActorId, ModelName};
use aigov_registry::{
    MemoryArtifactStore, MemoryRegistryStore, NewModel, NewVersion, Registry, RegistryError,
    RegistryStore, RiskClass, SqliteRegistryStore, Stage,
};

fn actor(s: &str) -> ActorId {
    s.parse().unwrap()
}

fn run(store: Arc<dyn RegistryStore>) {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::new(store, Arc::new(MemoryArtifactStore::new()));
    let owner = actor("owner@example.com");
    let name: ModelName = "dlp".parse().unwrap();
    registry
        .create_model(
            &owner,
            NewModel {
                name: name.clone(),
                description: "data loss".into(),
                owner: owner.clone(),
                tags: Default::default(),
                intended_purpose: "dlp".into(),
                risk_class: RiskClass::High,
            },
        )
        .unwrap();
    std::fs::write(dir.path().join("w.bin"), b"w").unwrap();
    let (v, _) = registry
        .register_version(
            &owner,
            &name,
            &dir.path().join("w.bin"),
            NewVersion::default(),
        )
        .unwrap();
    for stage in [Stage::Validated, Stage::Staging, Stage::Production] {
        registry
            .transition(&owner, &name, v.version, stage, "promote")
            .unwrap();
    }
    let (held, _) = registry
        .place_hold(
            &owner,
            &name,
            v.version,
            "INC-3",
            "leak under investigation",
        )
        .unwrap();
    assert_eq!(held.active_holds().count(), 1);
    assert!(matches!(
        registry.place_hold(&owner, &name, v.version, "INC-3", "again"),
        Err(RegistryError::Conflict(_))
    ));
    assert!(
        registry
            .place_hold(&owner, &name, v.version, " ", "no id")
            .is_err()
    );
    // Frozen, except that it can still be suspended.
    let denied = registry.transition(&owner, &name, v.version, Stage::Deprecated, "retire");
    assert!(
        matches!(denied, Err(RegistryError::Denied(ref m)) if m.contains("INC-3")),
        "{denied:?}"
    );
    registry
        .transition(&owner, &name, v.version, Stage::Suspended, "contain")
        .unwrap();
    let stored = registry.version(&name, v.version).unwrap();
    assert_eq!(stored.stage, Stage::Suspended);
    assert_eq!(stored.legal_holds[0].reason, "leak under investigation");
    assert!(
        registry
            .release_hold(&owner, &name, v.version, "INC-9")
            .is_err()
    );
    registry
        .release_hold(&owner, &name, v.version, "INC-3")
        .unwrap();
    assert!(
        registry
            .release_hold(&owner, &name, v.version, "INC-3")
            .is_err(),
        "released once"
    );
    registry
        .transition(&owner, &name, v.version, Stage::Deprecated, "retire")
        .unwrap();
    assert!(
        registry.version(&name, v.version).unwrap().legal_holds[0]
            .released_at
            .is_some()
    );
}

#[test]
fn holds_on_the_memory_store() {
    run(Arc::new(MemoryRegistryStore::new()));
}

#[test]
fn holds_on_the_sqlite_store() {
    let dir = tempfile::tempdir().unwrap();
    run(Arc::new(
        SqliteRegistryStore::open(&dir.path().join("r.db")).unwrap(),
    ));
}

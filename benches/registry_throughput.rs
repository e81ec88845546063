//! Registry throughput on the SQLite backend, mirroring benches/peers/mlflow_registry.py:
//! 20 models x 100 versions, each version created with 5 tags, then every version looked up
//! by name and number. `register_2000` uses the default durability, `register_2000_synced`
//! syncs every commit. `benches/peers/compare_registry.sh` runs both sides and prints ratios.

use std::collections::BTreeMap;

use aigov::core::{ActorId, ModelHasher, ModelName, VersionId};
use aigov::registry::{
    ModelVersion, RegisteredModel, RegistryStore, RiskClass, SqliteDurability, SqliteRegistryStore,
    Stage,
};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

const MODELS: usize = 20;
const PER_MODEL: usize = 100;
const TAGS: usize = 5;

fn model(name: &str) -> RegisteredModel {
    let now = chrono::Utc::now();
    RegisteredModel {
        name: name.parse().expect("name"),
        description: String::new(),
        owner: "bench@example.com".parse().expect("actor"),
        tags: BTreeMap::new(),
        intended_purpose: String::new(),
        risk_class: RiskClass::Minimal,
        created_at: now,
        updated_at: now,
    }
}

/// A version record like MLflow's: a source URI, tags, and (aigov's addition) a manifest.
fn draft(template: &ModelVersion, name: &ModelName, g: usize) -> ModelVersion {
    let mut v = template.clone();
    v.name = name.clone();
    v.tags = (0..TAGS)
        .map(|j| (format!("k{j}"), format!("v{g}-{j}")))
        .collect();
    v
}

fn template() -> ModelVersion {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("x"), b"weights").expect("write");
    let manifest = ModelHasher::new().hash(dir.path()).expect("hash");
    let now = chrono::Utc::now();
    ModelVersion {
        name: "bench-warmup".parse().expect("name"),
        version: VersionId::FIRST,
        root: manifest.root(),
        files: Vec::new(),
        manifest,
        source: "file:///tmp/x".into(),
        run_id: None,
        created_by: ActorId::new("bench@example.com").expect("actor"),
        created_at: now,
        updated_at: now,
        stage: Stage::Registered,
        tags: BTreeMap::new(),
        features: Vec::new(),
        aliases: Vec::new(),
        legal_holds: Vec::new(),
        lineage: Default::default(),
        evidence: Vec::new(),
        approvals: Vec::new(),
        status_message: String::new(),
        revision: 0,
    }
}

/// A fresh store with the warm-up model in it, as the MLflow script prepares its own.
fn fresh(
    template: &ModelVersion,
    durability: SqliteDurability,
) -> (SqliteRegistryStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("dir");
    let store =
        SqliteRegistryStore::open_with(&dir.path().join("registry.db"), durability).expect("open");
    store
        .create_model(&model("bench-warmup"), None)
        .expect("warm-up model");
    store
        .create_version(template, None)
        .expect("warm-up version");
    (store, dir)
}

fn register_all(
    store: &SqliteRegistryStore,
    template: &ModelVersion,
) -> Vec<(ModelName, VersionId)> {
    let mut out = Vec::with_capacity(MODELS * PER_MODEL);
    for i in 0..MODELS {
        let name: ModelName = format!("bench-model-{i:02}").parse().expect("name");
        store
            .create_model(&model(name.as_str()), None)
            .expect("model");
        for v in 0..PER_MODEL {
            let stored = store
                .create_version(&draft(template, &name, i * PER_MODEL + v), None)
                .expect("version");
            out.push((name.clone(), stored.version));
        }
    }
    out
}

fn registry(c: &mut Criterion) {
    let template = template();
    let mut group = c.benchmark_group("registry_sqlite");
    group.sample_size(10);
    group.throughput(Throughput::Elements((MODELS * PER_MODEL) as u64));
    for (label, durability) in [
        ("register_2000", SqliteDurability::Normal),
        ("register_2000_synced", SqliteDurability::Full),
    ] {
        group.bench_function(label, |b| {
            b.iter_batched(
                || fresh(&template, durability),
                |(store, dir)| {
                    register_all(&store, &template);
                    (store, dir)
                },
                BatchSize::PerIteration,
            )
        });
    }
    let (store, _dir) = fresh(&template, SqliteDurability::Normal);
    let versions = register_all(&store, &template);
    group.bench_function("lookup_2000", |b| {
        b.iter(|| {
            for (name, version) in &versions {
                let v = store
                    .version(name, *version)
                    .expect("lookup")
                    .expect("present");
                assert_eq!(v.tags.len(), TAGS);
            }
        })
    });
    group.finish();
}

criterion_group!(benches, registry);
criterion_main!(benches);

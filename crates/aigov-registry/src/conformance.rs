//! The behaviour every [`RegistryStore`] backend must show. Each backend's tests run every
//! function in [`BEHAVIOURS`] on a fresh store, directly and through `Arc<dyn RegistryStore>`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use aigov_core::{
    ActorId, Alias, Digest, Envelope, HashMethod, ModelManifest, ModelName, VersionId,
};
use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;

use crate::store::{ModelQuery, PageRequest, RegistryStore, VersionQuery};
use crate::{
    ArtifactFile, ChangeNote, CodeRef, DatasetRef, DeploymentAction, DeploymentRecord,
    EvidenceKind, EvidenceRef, Lineage, ModelVersion, RegisteredModel, RegistryChange,
    RegistryError, RegistryEvent, RiskClass, Stage,
};

/// One behaviour: a named check run against a fresh store.
pub type Behaviour = (&'static str, fn(&dyn RegistryStore));

/// Every behaviour, by name.
pub const BEHAVIOURS: &[Behaviour] = &[
    ("models_create_read_update", models_create_read_update),
    (
        "versions_are_numbered_and_never_reused",
        versions_are_numbered_and_never_reused,
    ),
    ("updates_are_compare_and_swap", updates_are_compare_and_swap),
    ("every_field_round_trips", every_field_round_trips),
    (
        "aliases_move_and_show_on_versions",
        aliases_move_and_show_on_versions,
    ),
    ("deployments_are_append_only", deployments_are_append_only),
    ("search_filters_and_pages", search_filters_and_pages),
    (
        "metacharacters_are_stored_verbatim",
        metacharacters_are_stored_verbatim,
    ),
    (
        "changes_are_journaled_with_their_mutation",
        changes_are_journaled_with_their_mutation,
    ),
    (
        "a_failed_mutation_journals_nothing",
        a_failed_mutation_journals_nothing,
    ),
    (
        "claims_are_compare_and_swap_and_settling_is_idempotent",
        claims_are_compare_and_swap_and_settling_is_idempotent,
    ),
];

fn t(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_780_000_000 + seconds, 123_456_789)
        .single()
        .unwrap_or_default()
}

fn actor(s: &str) -> ActorId {
    ActorId::new(s).expect("valid actor")
}

/// A model record for tests.
pub fn sample_model(name: &str) -> RegisteredModel {
    RegisteredModel {
        name: ModelName::new(name).expect("valid model name"),
        description: "Scores login attempts for account takeover".into(),
        owner: actor("owner@example.com"),
        tags: BTreeMap::from([("team".into(), "soc".into())]),
        intended_purpose: "Step-up authentication on risky logins".into(),
        risk_class: RiskClass::High,
        created_at: t(0),
        updated_at: t(0),
    }
}

/// A fully populated version draft for tests; `seed` varies its content.
pub fn sample_version(name: &str, seed: u64) -> ModelVersion {
    let d = Digest::of(&seed.to_le_bytes());
    let manifest: ModelManifest = serde_json::from_value(serde_json::json!({
        "model_name": "m",
        "serialization": {"method": "files", "hash_type": "sha256", "allow_symlinks": false,
                          "ignore_paths": [".git"]},
        "resources": [{"name": "weights.bin", "algorithm": "sha256", "digest": d.to_hex()}]
    }))
    .expect("valid manifest");
    debug_assert_eq!(manifest.serialization.method, HashMethod::Files);
    ModelVersion {
        name: ModelName::new(name).expect("valid model name"),
        version: VersionId::FIRST,
        root: manifest.root(),
        manifest,
        files: vec![ArtifactFile {
            name: "weights.bin".into(),
            digest: d,
            size: 4096 + seed,
        }],
        source: format!("s3://models/{name}/{seed}"),
        run_id: Some(format!("run-{seed}")),
        created_by: actor("ds@example.com"),
        created_at: t(seed as i64),
        updated_at: t(seed as i64),
        stage: Stage::Registered,
        tags: BTreeMap::from([
            ("seed".into(), seed.to_string()),
            ("framework".into(), "sklearn".into()),
        ]),
        features: Vec::new(),
        aliases: Vec::new(),
        legal_holds: Vec::new(),
        lineage: Lineage {
            datasets: vec![DatasetRef {
                name: "logins-2026-q3".into(),
                digest: Digest::of(b"dataset"),
                uri: "s3://data/logins".into(),
                license: "proprietary".into(),
                pii_redacted: true,
            }],
            code: Some(CodeRef {
                repository: "git@example.com:soc/models.git".into(),
                commit: "0123456789abcdef".into(),
            }),
            parent: None,
            hyperparameters: BTreeMap::from([
                ("C".into(), serde_json::json!(0.1)),
                ("max_iter".into(), serde_json::json!(200)),
            ]),
            training_run_id: Some("run-1".into()),
            trained_by: Some(actor("trainer@example.com")),
            sbom: Some(Digest::of(b"sbom")),
        },
        evidence: vec![EvidenceRef {
            kind: EvidenceKind::Performance,
            digest: Digest::of(b"report"),
            producer: "aigov-validation".into(),
            attached_by: actor("validator@example.com"),
            attached_at: t(5),
        }],
        approvals: Vec::new(),
        status_message: String::new(),
        revision: 0,
    }
}

/// Stores a version and reads it back: every field must survive.
pub fn round_trip_version(store: &dyn RegistryStore, draft: &ModelVersion) -> Result<(), String> {
    if store
        .model(&draft.name)
        .map_err(|e| e.to_string())?
        .is_none()
    {
        store
            .create_model(&sample_model(draft.name.as_str()), None)
            .map_err(|e| e.to_string())?;
    }
    let stored = store
        .create_version(draft, None)
        .map_err(|e| e.to_string())?;
    let read = store
        .version(&stored.name, stored.version)
        .map_err(|e| e.to_string())?
        .ok_or("stored version not found")?;
    let mut expected = draft.clone();
    expected.version = stored.version;
    expected.revision = 1;
    if read != expected {
        return Err(format!(
            "round trip changed the version:\n{read:#?}\n!=\n{expected:#?}"
        ));
    }
    Ok(())
}

/// Strategy for versions with arbitrary text in every free-form field.
pub fn arbitrary_version(name: &'static str) -> impl Strategy<Value = ModelVersion> {
    (
        any::<u64>(),
        proptest::collection::btree_map("[a-zA-Z0-9 '\";%_\\\\-]{1,20}", "[^\u{0}]{0,40}", 0..6),
        ".{0,80}",
        proptest::option::of(".{0,30}"),
        proptest::collection::vec(any::<f64>().prop_filter("finite", |f| f.is_finite()), 0..4),
    )
        .prop_map(move |(seed, tags, source, run_id, floats)| {
            let mut v = sample_version(name, seed % 1_000_000);
            v.tags = tags;
            v.source = source;
            v.run_id = run_id;
            for (i, f) in floats.into_iter().enumerate() {
                v.lineage
                    .hyperparameters
                    .insert(format!("p{i}"), serde_json::json!(f));
            }
            v
        })
}

fn models_create_read_update(store: &dyn RegistryStore) {
    let m = sample_model("cf-model");
    store.create_model(&m, None).expect("create");
    assert_eq!(store.model(&m.name).expect("read"), Some(m.clone()));
    assert!(matches!(
        store.create_model(&m, None),
        Err(RegistryError::Conflict(_))
    ));
    let mut changed = m.clone();
    changed.description = "updated".into();
    changed.tags.insert("tier".into(), "1".into());
    store.update_model(&changed, None).expect("update");
    assert_eq!(store.model(&m.name).expect("read"), Some(changed));
    let missing = sample_model("cf-missing");
    assert!(matches!(
        store.update_model(&missing, None),
        Err(RegistryError::NotFound(_))
    ));
    assert_eq!(store.model(&missing.name).expect("read"), None);
}

fn versions_are_numbered_and_never_reused(store: &dyn RegistryStore) {
    let draft = sample_version("cf-numbers", 1);
    assert!(matches!(
        store.create_version(&draft, None),
        Err(RegistryError::NotFound(_))
    ));
    store
        .create_model(&sample_model("cf-numbers"), None)
        .expect("create");
    let numbers: Vec<u64> = (0..3)
        .map(|i| {
            let v = store
                .create_version(&sample_version("cf-numbers", i), None)
                .expect("version");
            assert_eq!(v.revision, 1);
            v.version.get()
        })
        .collect();
    assert_eq!(numbers, [1, 2, 3]);
    let other = sample_model("cf-numbers-other");
    store.create_model(&other, None).expect("create");
    let v = store
        .create_version(&sample_version("cf-numbers-other", 9), None)
        .expect("version");
    assert_eq!(v.version.get(), 1, "numbering is per model");
    let name = ModelName::new("cf-numbers").expect("name");
    assert!(
        store
            .version(&name, VersionId::new(4).expect("id"))
            .expect("read")
            .is_none()
    );
}

fn updates_are_compare_and_swap(store: &dyn RegistryStore) {
    store
        .create_model(&sample_model("cf-cas"), None)
        .expect("create");
    let v = store
        .create_version(&sample_version("cf-cas", 1), None)
        .expect("version");
    let mut a = v.clone();
    a.stage = Stage::Validated;
    a.status_message = "validated".into();
    let stored = store.update_version(&a, None).expect("first update");
    assert_eq!(stored.revision, 2);
    assert_eq!(stored.stage, Stage::Validated);
    let mut stale = v.clone();
    stale.stage = Stage::Rejected;
    assert!(matches!(
        store.update_version(&stale, None),
        Err(RegistryError::Conflict(_))
    ));
    let read = store
        .version(&v.name, v.version)
        .expect("read")
        .expect("present");
    assert_eq!(
        read.stage,
        Stage::Validated,
        "the stale write changed nothing"
    );
    let mut ghost = v.clone();
    ghost.version = VersionId::new(99).expect("id");
    assert!(matches!(
        store.update_version(&ghost, None),
        Err(RegistryError::NotFound(_))
    ));
}

fn every_field_round_trips(store: &dyn RegistryStore) {
    let mut v = sample_version("cf-roundtrip", 7);
    v.approvals.push(Envelope {
        payload: b"{\"x\":1}".to_vec(),
        payload_type: "application/vnd.in-toto+json".into(),
        signatures: vec![aigov_core::EnvelopeSignature {
            keyid: "k+0000".into(),
            sig: vec![1, 2, 3],
        }],
    });
    v.status_message = "unicode ✓ 日本語 \"quoted\"".into();
    v.lineage.parent = Some("cf-parent@3".parse().expect("ref"));
    round_trip_version(store, &v).expect("round trip");
}

fn aliases_move_and_show_on_versions(store: &dyn RegistryStore) {
    store
        .create_model(&sample_model("cf-alias"), None)
        .expect("create");
    let v1 = store
        .create_version(&sample_version("cf-alias", 1), None)
        .expect("v1");
    let v2 = store
        .create_version(&sample_version("cf-alias", 2), None)
        .expect("v2");
    let champion = Alias::new("champion").expect("alias");
    let name = v1.name.clone();
    assert_eq!(
        store
            .set_alias(&name, &champion, Some(v1.version), None)
            .expect("set"),
        None
    );
    assert_eq!(
        store.alias(&name, &champion).expect("read"),
        Some(v1.version)
    );
    let read = store
        .version(&name, v1.version)
        .expect("read")
        .expect("present");
    assert_eq!(read.aliases, vec![champion.clone()]);
    assert_eq!(
        store
            .set_alias(&name, &champion, Some(v2.version), None)
            .expect("move"),
        Some(v1.version)
    );
    let read = store
        .version(&name, v1.version)
        .expect("read")
        .expect("present");
    assert!(read.aliases.is_empty());
    let missing = VersionId::new(42).expect("id");
    assert!(matches!(
        store.set_alias(&name, &champion, Some(missing), None),
        Err(RegistryError::NotFound(_))
    ));
    assert_eq!(
        store
            .set_alias(&name, &champion, None, None)
            .expect("remove"),
        Some(v2.version)
    );
    assert_eq!(store.alias(&name, &champion).expect("read"), None);
}

fn deployments_are_append_only(store: &dyn RegistryStore) {
    store
        .create_model(&sample_model("cf-deploy"), None)
        .expect("create");
    let name = ModelName::new("cf-deploy").expect("name");
    let record = |seq: u64, version: u64| DeploymentRecord {
        model: name.clone(),
        environment: "production".into(),
        region: Some("eu-west-1".into()),
        seq,
        version: VersionId::new(version).expect("id"),
        action: DeploymentAction::Deploy,
        actor: actor("deployer@example.com"),
        at: t(seq as i64),
        reason: "release".into(),
    };
    store.append_deployment(&record(1, 1), None).expect("first");
    store
        .append_deployment(&record(2, 2), None)
        .expect("second");
    assert!(matches!(
        store.append_deployment(&record(2, 3), None),
        Err(RegistryError::Conflict(_))
    ));
    assert!(matches!(
        store.append_deployment(&record(4, 3), None),
        Err(RegistryError::Conflict(_))
    ));
    let history = store.deployments(&name, "production").expect("history");
    assert_eq!(history, vec![record(1, 1), record(2, 2)]);
    assert!(
        store
            .deployments(&name, "staging")
            .expect("history")
            .is_empty()
    );
    let mut staging = record(1, 1);
    staging.environment = "staging".into();
    store.append_deployment(&staging, None).expect("staging");
    assert_eq!(
        store.environments(&name).expect("environments"),
        vec!["production".to_string(), "staging".to_string()]
    );
    assert!(
        store
            .environments(&ModelName::new("cf-deploy-none").expect("name"))
            .expect("environments")
            .is_empty()
    );
    let mut orphan = record(1, 1);
    orphan.model = ModelName::new("cf-deploy-missing").expect("name");
    assert!(matches!(
        store.append_deployment(&orphan, None),
        Err(RegistryError::NotFound(_))
    ));
}

fn search_filters_and_pages(store: &dyn RegistryStore) {
    for name in ["cf-search-a", "cf-search-b", "cf-search-c", "cf-other"] {
        let mut m = sample_model(name);
        if name.ends_with('b') {
            m.tags.insert("tier".into(), "gold".into());
        }
        store.create_model(&m, None).expect("create");
        for i in 0..4 {
            let mut v = sample_version(name, i);
            if i % 2 == 0 {
                v.stage = Stage::Validated;
            }
            store.create_version(&v, None).expect("version");
        }
    }
    let models = store
        .list_models(&ModelQuery {
            name_prefix: Some("cf-search-".into()),
            ..Default::default()
        })
        .expect("list");
    let names: Vec<&str> = models.items.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["cf-search-a", "cf-search-b", "cf-search-c"]);
    let gold = store
        .list_models(&ModelQuery {
            tags: vec![("tier".into(), "gold".into())],
            ..Default::default()
        })
        .expect("list");
    assert_eq!(gold.items.len(), 1);
    assert_eq!(gold.items[0].name.as_str(), "cf-search-b");

    // Walk every page of two: each validated version of the prefix exactly once, in order.
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .list_versions(&VersionQuery {
                name_prefix: Some("cf-search-".into()),
                stage: Some(Stage::Validated),
                page: PageRequest { limit: 2, after },
                ..Default::default()
            })
            .expect("page");
        assert!(page.items.len() <= 2);
        seen.extend(page.items.iter().map(|v| v.reference()));
        match page.next {
            Some(token) => after = Some(token),
            None => break,
        }
    }
    assert_eq!(
        seen,
        [
            "cf-search-a@1",
            "cf-search-a@3",
            "cf-search-b@1",
            "cf-search-b@3",
            "cf-search-c@1",
            "cf-search-c@3"
        ]
    );
    let tagged = store
        .list_versions(&VersionQuery {
            name: Some(ModelName::new("cf-other").expect("name")),
            tags: vec![
                ("seed".into(), "2".into()),
                ("framework".into(), "sklearn".into()),
            ],
            ..Default::default()
        })
        .expect("list");
    assert_eq!(tagged.items.len(), 1);
    assert_eq!(tagged.items[0].version.get(), 3);
    for bad in [0, 1001] {
        let q = VersionQuery {
            page: PageRequest {
                limit: bad,
                after: None,
            },
            ..Default::default()
        };
        assert!(matches!(
            store.list_versions(&q),
            Err(RegistryError::InvalidInput { .. })
        ));
    }
    let q = VersionQuery {
        page: PageRequest {
            limit: 5,
            after: Some("not a cursor".into()),
        },
        ..Default::default()
    };
    assert!(matches!(
        store.list_versions(&q),
        Err(RegistryError::InvalidInput { .. })
    ));
}

fn metacharacters_are_stored_verbatim(store: &dyn RegistryStore) {
    let hostile = "'; DROP TABLE registry_versions; -- \"x\" % _ \\ ✓";
    let mut m = sample_model("cf-meta_x");
    m.description = hostile.into();
    m.tags.insert(hostile.into(), hostile.into());
    store.create_model(&m, None).expect("create");
    store
        .create_model(&sample_model("cf-metaxx"), None)
        .expect("create");
    let mut v = sample_version("cf-meta_x", 1);
    v.tags.insert("q".into(), hostile.into());
    // NUL is kept verbatim in documents; only tags, which backends index, refuse it.
    v.source = format!("{hostile}\u{0}");
    let mut nul_tag = v.clone();
    nul_tag.tags.insert("nul".into(), "a\u{0}b".into());
    assert!(matches!(
        store.create_version(&nul_tag, None),
        Err(RegistryError::InvalidInput { .. })
    ));
    let stored = store.create_version(&v, None).expect("version");
    let read = store
        .version(&stored.name, stored.version)
        .expect("read")
        .expect("present");
    assert_eq!(read.source, format!("{hostile}\u{0}"));
    assert_eq!(
        store
            .model(&m.name)
            .expect("read")
            .expect("present")
            .description,
        hostile
    );
    let found = store
        .list_versions(&VersionQuery {
            tags: vec![("q".into(), hostile.into())],
            ..Default::default()
        })
        .expect("search");
    assert_eq!(found.items.len(), 1);
    // `_` is not a wildcard: the prefix matches one model, not both.
    let models = store
        .list_models(&ModelQuery {
            name_prefix: Some("cf-meta_".into()),
            ..Default::default()
        })
        .expect("list");
    let names: BTreeSet<&str> = models.items.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, BTreeSet::from(["cf-meta_x"]));
    let by_tag = store
        .list_models(&ModelQuery {
            tags: vec![(hostile.into(), hostile.into())],
            ..Default::default()
        })
        .expect("list");
    assert_eq!(by_tag.items.len(), 1);
}

/// A note of `change` to `model` at `t(seconds)`, with one companion entry.
pub fn sample_note(model: &str, change: RegistryChange, seconds: i64) -> ChangeNote {
    ChangeNote::new(
        RegistryEvent {
            change_id: None,
            actor: actor("ops@example.com"),
            authn: None,
            request: None,
            at: t(seconds),
            model: ModelName::new(model).expect("valid model name"),
            change,
        },
        vec![serde_json::json!({"kind": "companion", "seconds": seconds, "text": "\u{0}'\"%_"})],
    )
}

fn pending_ids(store: &dyn RegistryStore) -> Vec<String> {
    store
        .pending_changes(1000)
        .expect("pending")
        .into_iter()
        .map(|p| p.note.id().to_string())
        .collect()
}

fn changes_are_journaled_with_their_mutation(store: &dyn RegistryStore) {
    let name = ModelName::new("cf-journal").expect("name");
    let created = sample_note("cf-journal", RegistryChange::ModelCreated, 1);
    store
        .create_model(&sample_model("cf-journal"), Some(&created))
        .expect("create");
    let updated = sample_note("cf-journal", RegistryChange::ModelUpdated, 2);
    store
        .update_model(&sample_model("cf-journal"), Some(&updated))
        .expect("update");
    // Nothing is journaled without a note.
    store
        .create_version(&sample_version("cf-journal", 1), None)
        .expect("v1");
    let registered = sample_note(
        "cf-journal",
        RegistryChange::VersionRegistered {
            version: VersionId::FIRST,
            root: Digest::of(b"root"),
            features: Vec::new(),
        },
        3,
    );
    let v2 = store
        .create_version(&sample_version("cf-journal", 2), Some(&registered))
        .expect("v2");
    assert_eq!(v2.version.get(), 2);
    let staged = sample_note(
        "cf-journal",
        RegistryChange::StageChanged {
            version: v2.version,
            from: Stage::Registered,
            to: Stage::Validated,
            reason: "gate".into(),
        },
        4,
    );
    let mut next = v2.clone();
    next.stage = Stage::Validated;
    store.update_version(&next, Some(&staged)).expect("update");
    let champion = Alias::new("champion").expect("alias");
    let first_move = sample_note(
        "cf-journal",
        RegistryChange::AliasMoved {
            alias: champion.clone(),
            from: Some(v2.version),
            to: Some(VersionId::FIRST),
        },
        5,
    );
    store
        .set_alias(&name, &champion, Some(VersionId::FIRST), Some(&first_move))
        .expect("alias");
    let second_move = sample_note(
        "cf-journal",
        RegistryChange::AliasMoved {
            alias: champion.clone(),
            from: None,
            to: Some(v2.version),
        },
        6,
    );
    store
        .set_alias(&name, &champion, Some(v2.version), Some(&second_move))
        .expect("alias");
    let deployed = sample_note(
        "cf-journal",
        RegistryChange::Deployed {
            version: v2.version,
            environment: "production".into(),
            action: DeploymentAction::Deploy,
            previous: None,
            seq: Some(1),
        },
        7,
    );
    let record = DeploymentRecord {
        model: name.clone(),
        environment: "production".into(),
        region: None,
        seq: 1,
        version: v2.version,
        action: DeploymentAction::Deploy,
        actor: actor("deployer@example.com"),
        at: t(7),
        reason: "release".into(),
    };
    store
        .append_deployment(&record, Some(&deployed))
        .expect("deploy");

    let pending = store.pending_changes(1000).expect("pending");
    // In the order made, each as noted but for what only the store knew: the number it
    // allocated, and where the alias pointed before.
    let expected = [
        created,
        updated,
        registered.with_allocated_version(v2.version),
        staged,
        first_move.with_alias_from(None),
        second_move.with_alias_from(Some(VersionId::FIRST)),
        deployed,
    ];
    assert_eq!(
        pending.iter().map(|p| p.note.clone()).collect::<Vec<_>>(),
        expected.to_vec()
    );
    assert!(pending.windows(2).all(|w| w[0].seq < w[1].seq));
    for (p, note) in pending.iter().zip(&expected) {
        // Claim times are kept to the microsecond.
        assert_eq!(
            p.claimed_at.timestamp_micros(),
            note.event.at.timestamp_micros(),
            "claimed as of the change"
        );
    }
    // A limit takes the oldest.
    let two = store.pending_changes(2).expect("pending");
    assert_eq!(two, pending[..2].to_vec());
}

fn a_failed_mutation_journals_nothing(store: &dyn RegistryStore) {
    let name = ModelName::new("cf-journal-fail").expect("name");
    let note = |n: i64| sample_note("cf-journal-fail", RegistryChange::ModelUpdated, n);
    store
        .create_model(&sample_model("cf-journal-fail"), None)
        .expect("create");
    let v1 = store
        .create_version(&sample_version("cf-journal-fail", 1), None)
        .expect("v1");
    store
        .update_version(&v1, None)
        .expect("move the revision on");
    assert!(matches!(
        store.create_model(&sample_model("cf-journal-fail"), Some(&note(1))),
        Err(RegistryError::Conflict(_))
    ));
    let mut missing = sample_model("cf-journal-absent");
    missing.description = "absent".into();
    assert!(matches!(
        store.update_model(&missing, Some(&note(2))),
        Err(RegistryError::NotFound(_))
    ));
    assert!(matches!(
        store.create_version(&sample_version("cf-journal-absent", 1), Some(&note(3))),
        Err(RegistryError::NotFound(_))
    ));
    assert!(matches!(
        store.update_version(&v1, Some(&note(4))),
        Err(RegistryError::Conflict(_))
    ));
    let champion = Alias::new("champion").expect("alias");
    assert!(matches!(
        store.set_alias(
            &name,
            &champion,
            Some(VersionId::new(9).expect("id")),
            Some(&note(5))
        ),
        Err(RegistryError::NotFound(_))
    ));
    let record = DeploymentRecord {
        model: name.clone(),
        environment: "production".into(),
        region: None,
        seq: 2,
        version: v1.version,
        action: DeploymentAction::Deploy,
        actor: actor("deployer@example.com"),
        at: t(6),
        reason: "release".into(),
    };
    assert!(matches!(
        store.append_deployment(&record, Some(&note(6))),
        Err(RegistryError::Conflict(_))
    ));
    assert_eq!(pending_ids(store), Vec::<String>::new());

    // A note that cannot be journaled (its id is pending already) undoes its change.
    let kept = note(7);
    store
        .update_model(&sample_model("cf-journal-fail"), Some(&kept))
        .expect("update");
    let mut changed = sample_model("cf-journal-fail");
    changed.description = "must not be stored".into();
    assert!(matches!(
        store.update_model(&changed, Some(&kept)),
        Err(RegistryError::Conflict(_))
    ));
    let stored = store.model(&name).expect("read").expect("model");
    assert_ne!(stored.description, "must not be stored");
    let current = store
        .version(&name, v1.version)
        .expect("read")
        .expect("version");
    let mut staged = current.clone();
    staged.stage = Stage::Validated;
    assert!(matches!(
        store.update_version(&staged, Some(&kept)),
        Err(RegistryError::Conflict(_))
    ));
    assert_eq!(
        store
            .version(&name, v1.version)
            .expect("read")
            .expect("version"),
        current
    );
    assert_eq!(pending_ids(store), vec![kept.id().to_string()]);

    // A note without an id is refused, and so is its change.
    let mut anonymous = note(8);
    anonymous.event.change_id = None;
    let mut renamed = sample_model("cf-journal-fail");
    renamed.description = "not without its note".into();
    assert!(matches!(
        store.update_model(&renamed, Some(&anonymous)),
        Err(RegistryError::InvalidInput { .. })
    ));
    assert_ne!(
        store
            .model(&name)
            .expect("read")
            .expect("model")
            .description,
        "not without its note"
    );
}

fn claims_are_compare_and_swap_and_settling_is_idempotent(store: &dyn RegistryStore) {
    let a = sample_note("cf-journal-claim", RegistryChange::ModelCreated, 10);
    let b = sample_note("cf-journal-claim", RegistryChange::ModelUpdated, 20);
    store
        .create_model(&sample_model("cf-journal-claim"), Some(&a))
        .expect("create");
    store
        .update_model(&sample_model("cf-journal-claim"), Some(&b))
        .expect("update");
    // A claim as recent as the stale mark (or more) holds.
    assert!(!store.claim_change(a.id(), t(100), t(10)).expect("claim"));
    assert!(!store.claim_change(a.id(), t(100), t(5)).expect("claim"));
    // A stale one is taken over once: the second taker sees the first's fresh claim.
    assert!(store.claim_change(a.id(), t(100), t(11)).expect("claim"));
    assert!(!store.claim_change(a.id(), t(101), t(11)).expect("claim"));
    let pending = store.pending_changes(10).expect("pending");
    assert_eq!(
        pending[0].claimed_at.timestamp_micros(),
        t(100).timestamp_micros()
    );
    assert_eq!(
        pending[1].claimed_at.timestamp_micros(),
        t(20).timestamp_micros()
    );
    // Unknown ids: nothing to claim, nothing to settle.
    assert!(
        !store
            .claim_change("no-such-change", t(100), t(1000))
            .expect("claim")
    );
    store
        .settle_change("no-such-change")
        .expect("settle unknown");
    store.settle_change(a.id()).expect("settle");
    store.settle_change(a.id()).expect("settle twice");
    assert_eq!(pending_ids(store), vec![b.id().to_string()]);
    assert!(
        !store
            .claim_change(a.id(), t(200), t(1000))
            .expect("claim settled")
    );
    store.settle_change(b.id()).expect("settle");
    assert!(store.pending_changes(10).expect("pending").is_empty());
}

/// Two handles on one store (two processes) race to take over the same stale changes: each
/// change is taken exactly once.
pub fn racing_claims_take_each_change_once(a: Arc<dyn RegistryStore>, b: Arc<dyn RegistryStore>) {
    a.create_model(&sample_model("cf-journal-race"), None)
        .expect("create");
    let notes: Vec<ChangeNote> = (0..20)
        .map(|i| sample_note("cf-journal-race", RegistryChange::ModelUpdated, i))
        .collect();
    for note in &notes {
        a.update_model(&sample_model("cf-journal-race"), Some(note))
            .expect("update");
    }
    let ids: Vec<String> = notes.iter().map(|n| n.id().to_string()).collect();
    let handles: Vec<_> = [a, b]
        .into_iter()
        .flat_map(|s| [Arc::clone(&s), s])
        .enumerate()
        .map(|(taker, store)| {
            let ids = ids.clone();
            std::thread::spawn(move || {
                ids.iter()
                    .filter(|id| {
                        store
                            .claim_change(id, t(1000 + taker as i64), t(500))
                            .expect("claim")
                    })
                    .cloned()
                    .collect::<Vec<String>>()
            })
        })
        .collect();
    let mut taken: Vec<String> = handles
        .into_iter()
        .flat_map(|h| h.join().expect("taker"))
        .collect();
    taken.sort();
    let mut expected = ids;
    expected.sort();
    assert_eq!(taken, expected, "every stale change taken, none twice");
}

/// Several threads register versions of one model at once: the numbers are 1..=n, each once.
pub fn concurrent_versions_get_distinct_numbers(
    store: Arc<dyn RegistryStore>,
    threads: usize,
    each: usize,
) {
    store
        .create_model(&sample_model("cf-concurrent"), None)
        .expect("create");
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || {
                (0..each)
                    .map(|i| {
                        store
                            .create_version(
                                &sample_version("cf-concurrent", (t * each + i) as u64),
                                None,
                            )
                            .expect("version")
                            .version
                            .get()
                    })
                    .collect::<Vec<u64>>()
            })
        })
        .collect();
    let mut numbers: Vec<u64> = handles
        .into_iter()
        .flat_map(|h| h.join().expect("thread"))
        .collect();
    numbers.sort_unstable();
    let expected: Vec<u64> = (1..=(threads * each) as u64).collect();
    assert_eq!(numbers, expected);
}

/// The behaviour every [`crate::DirectoryStore`] backend must show, run on an empty store.
pub fn directory_behaviour(store: &dyn crate::DirectoryStore) {
    use crate::{TrustStore, VersionedTrust};
    use aigov_core::Role;
    let key = |seed: u8| {
        aigov_core::SignerKey::from_seed("cf-approver", [seed; 32])
            .expect("key")
            .verifier()
    };
    // Empty until the first save.
    assert_eq!(store.load().expect("load"), VersionedTrust::default());
    assert_eq!(store.generation().expect("generation"), 0);

    // A save round-trips everything, a retired key included, and moves the generation.
    let mut trust = TrustStore::default();
    trust.rotate(actor("alice@example.com"), key(1), [Role::Admin], t(0));
    trust.rotate(actor("alice@example.com"), key(2), [Role::Admin], t(60));
    trust.rotate(
        actor("bob@example.com"),
        key(3),
        [Role::SecurityApprover, Role::Custom("soc-lead".into())],
        t(120),
    );
    let first = store.save(&trust, 0).expect("first save");
    assert_ne!(first, 0);
    let loaded = store.load().expect("load");
    assert_eq!(loaded.trust, trust);
    assert_eq!(loaded.generation, first);
    assert_eq!(store.generation().expect("generation"), first);

    // A save from a stale read loses and changes nothing.
    let mut other = trust.clone();
    other.rotate(actor("mallory@example.com"), key(4), [Role::Admin], t(180));
    let lost = store.save(&other, 0).expect_err("stale save");
    assert!(matches!(lost, RegistryError::Conflict(_)), "{lost}");
    assert_eq!(store.load().expect("load").trust, trust);

    // A save from the current generation wins.
    let second = store.save(&other, first).expect("second save");
    assert_ne!(second, first);
    assert_eq!(store.load().expect("load").trust, other);
    let lost = store.save(&trust, first).expect_err("stale after a save");
    assert!(matches!(lost, RegistryError::Conflict(_)), "{lost}");
}

/// Writers enrolling at once through read-modify-save with retries lose nobody; writer `n`
/// goes through `stores[n % stores.len()]` (several handles on one directory, as several
/// processes or replicas have).
pub fn directory_concurrent_saves_lose_nothing(
    stores: &[Arc<dyn crate::DirectoryStore>],
    threads: usize,
) {
    use aigov_core::Role;
    assert!(!stores.is_empty(), "no store to write through");
    let handles: Vec<_> = (0..threads)
        .map(|n| {
            let store = Arc::clone(&stores[n % stores.len()]);
            std::thread::spawn(move || {
                let who = actor(&format!("writer{n}@example.com"));
                let key = aigov_core::SignerKey::from_seed("cf-writer", [n as u8 + 10; 32])
                    .expect("key")
                    .verifier();
                for _ in 0..200 {
                    let current = store.load().expect("load");
                    let mut trust = current.trust;
                    trust.rotate(who.clone(), key.clone(), [Role::Validator], t(n as i64));
                    match store.save(&trust, current.generation) {
                        Ok(_) => return,
                        Err(RegistryError::Conflict(_)) => continue,
                        Err(e) => panic!("save: {e}"),
                    }
                }
                panic!("{who} never got a save in");
            })
        })
        .collect();
    for h in handles {
        h.join().expect("writer");
    }
    let trust = stores[0].load().expect("load").trust;
    assert_eq!(
        trust.approvers.len(),
        threads,
        "{:?}",
        trust.approvers.keys()
    );
}

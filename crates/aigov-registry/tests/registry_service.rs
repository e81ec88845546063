//! The registry service: lifecycle, write-once, approvals, deployments and integrity checks.

use std::path::Path;
use std::sync::Arc;

use aigov_core::{ActorId, Clock, ManualClock, ModelName, Role, SignerKey, VersionId};
use aigov_registry::{
    ApprovalPredicate, ApprovalProblem, ArtifactFile, ArtifactStore, ArtifactStoreExt, Decision,
    Evidence, EvidenceKind, FailureKind, FsArtifactStore, MemoryArtifactStore, MemoryRegistryStore,
    NewModel, NewVersion, Registry, RegistryError, RegistryStore, RiskClass, SqliteRegistryStore,
    Stage, TrustStore,
};
use chrono::{Duration, TimeZone, Utc};

fn actor(s: &str) -> ActorId {
    s.parse().unwrap()
}

struct Fixture {
    registry: Registry,
    clock: Arc<ManualClock>,
    artifacts: Arc<MemoryArtifactStore>,
    name: ModelName,
    _dir: tempfile::TempDir,
}

fn model_dir(dir: &Path) -> std::path::PathBuf {
    let model = dir.join("model");
    std::fs::create_dir_all(model.join("tokenizer")).unwrap();
    std::fs::write(model.join("weights.bin"), vec![3u8; 10_000]).unwrap();
    std::fs::write(model.join("tokenizer/vocab.txt"), b"a\nb\n").unwrap();
    model
}

fn fixture_with(store: Arc<dyn RegistryStore>) -> Fixture {
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap(),
    ));
    let artifacts = Arc::new(MemoryArtifactStore::new());
    let registry = Registry::with_clock(store, artifacts.clone(), clock.clone());
    let name: ModelName = "login-risk".parse().unwrap();
    registry
        .create_model(
            &actor("owner@example.com"),
            NewModel {
                name: name.clone(),
                description: "Login risk scorer".into(),
                owner: actor("owner@example.com"),
                tags: Default::default(),
                intended_purpose: "Step-up authentication".into(),
                risk_class: RiskClass::High,
            },
        )
        .unwrap();
    Fixture {
        registry,
        clock,
        artifacts,
        name,
        _dir: tempfile::tempdir().unwrap(),
    }
}

fn fixture() -> Fixture {
    fixture_with(Arc::new(MemoryRegistryStore::new()))
}

fn register(f: &Fixture) -> aigov_registry::ModelVersion {
    let model = model_dir(f._dir.path());
    f.registry
        .register_version(
            &actor("ds@example.com"),
            &f.name,
            &model,
            NewVersion::default(),
        )
        .unwrap()
        .0
}

#[test]
fn registration_stores_files_and_manifest() {
    let db = tempfile::tempdir().unwrap();
    for store in [
        Arc::new(MemoryRegistryStore::new()) as Arc<dyn RegistryStore>,
        Arc::new(SqliteRegistryStore::open(&db.path().join("r.db")).unwrap()),
    ] {
        let f = fixture_with(store);
        let v = register(&f);
        assert_eq!(v.version, VersionId::FIRST);
        assert_eq!(v.stage, Stage::Registered);
        assert_eq!(v.files.len(), 2);
        assert_eq!(v.root, v.manifest.root());
        for file in &v.files {
            assert!(f.artifacts.exists(&file.digest).unwrap());
        }
        let report = f.registry.verify(&v, &TrustStore::default()).unwrap();
        assert!(report.is_intact(), "{:?}", report.failures);
        assert_eq!(report.artifacts_checked, 2);
    }
}

#[test]
fn illegal_transitions_name_both_stages() {
    let f = fixture();
    let v = register(&f);
    let err = f
        .registry
        .transition(
            &actor("ops@example.com"),
            &f.name,
            v.version,
            Stage::Production,
            "skip ahead",
        )
        .unwrap_err();
    match err {
        RegistryError::IllegalTransition { from, to, .. } => {
            assert_eq!((from, to), (Stage::Registered, Stage::Production));
        }
        other => panic!("{other}"),
    }
    assert!(err_message(&f, v.version).contains("registered to production"));
    let (v, event) = f
        .registry
        .transition(
            &actor("val@example.com"),
            &f.name,
            v.version,
            Stage::Validated,
            "checks passed",
        )
        .unwrap();
    assert_eq!(v.stage, Stage::Validated);
    assert!(
        serde_json::to_string(&event)
            .unwrap()
            .contains("\"event\":\"stage-changed\"")
    );
}

fn err_message(f: &Fixture, version: VersionId) -> String {
    f.registry
        .transition(
            &actor("x@example.com"),
            &f.name,
            version,
            Stage::Production,
            "",
        )
        .unwrap_err()
        .to_string()
}

#[test]
fn validated_versions_are_write_once() {
    let f = fixture();
    let v = register(&f);
    let ev = |n: u32| Evidence {
        kind: EvidenceKind::Performance,
        producer: "aigov-validation".into(),
        content: serde_json::json!({"roc_auc": 0.9, "run": n}),
    };
    let ds = actor("ds@example.com");
    f.registry
        .attach_evidence(&ds, &f.name, v.version, ev(1))
        .unwrap();
    let (v2, _) = f
        .registry
        .attach_evidence(&ds, &f.name, v.version, ev(2))
        .unwrap();
    assert_eq!(
        v2.evidence.len(),
        1,
        "before validation a newer report supersedes"
    );

    f.registry
        .transition(&ds, &f.name, v.version, Stage::Validated, "ok")
        .unwrap();
    let other = tempfile::tempdir().unwrap();
    std::fs::write(other.path().join("weights.bin"), b"different").unwrap();
    let err = f
        .registry
        .replace_artifacts(&ds, &f.name, v.version, other.path())
        .unwrap_err();
    assert!(
        matches!(
            err,
            RegistryError::WriteOnce {
                part: "artifacts",
                ..
            }
        ),
        "{err}"
    );
    let (v3, _) = f
        .registry
        .attach_evidence(&ds, &f.name, v.version, ev(3))
        .unwrap();
    assert_eq!(
        v3.evidence.len(),
        2,
        "after validation reports are added, never replaced"
    );
    assert_eq!(v3.evidence[0], v2.evidence[0]);
    let content = f.registry.evidence_content(&v3.evidence[1]).unwrap();
    assert_eq!(content["run"], 3);
}

struct Approvers {
    trust: TrustStore,
    security: SignerKey,
    legal: SignerKey,
    ds: SignerKey,
}

fn approvers() -> Approvers {
    let security = SignerKey::from_seed("sec", [1; 32]).unwrap();
    let legal = SignerKey::from_seed("legal", [2; 32]).unwrap();
    let ds = SignerKey::from_seed("ds", [3; 32]).unwrap();
    let mut trust = TrustStore::default();
    trust.insert(
        actor("sec@example.com"),
        security.verifier(),
        [Role::SecurityApprover],
    );
    trust.insert(
        actor("legal@example.com"),
        legal.verifier(),
        [Role::LegalApprover],
    );
    trust.insert(
        actor("ds@example.com"),
        ds.verifier(),
        [Role::SecurityApprover],
    );
    Approvers {
        trust,
        security,
        legal,
        ds,
    }
}

fn predicate(
    f: &Fixture,
    v: &aigov_registry::ModelVersion,
    approver: &str,
    role: Role,
) -> ApprovalPredicate {
    let now = f.clock.now();
    ApprovalPredicate {
        model: v.name.clone(),
        version: v.version,
        stage: Stage::Production,
        role,
        decision: Decision::Approve,
        approver: actor(approver),
        issued_at: now,
        expires_at: now + Duration::days(30),
        comment: "reviewed".into(),
    }
}

#[test]
fn approvals_verify_and_forgeries_are_refused_with_their_reason() {
    let f = fixture();
    let v = register(&f);
    let a = approvers();
    let ops = actor("ops@example.com");
    let add = |env| {
        f.registry
            .add_approval(&ops, &f.name, v.version, env, &a.trust)
    };
    let valid = predicate(&f, &v, "sec@example.com", Role::SecurityApprover)
        .sign(&v, &a.security)
        .unwrap();
    let (stored, event) = add(valid.clone()).unwrap();
    assert!(
        serde_json::to_string(&event)
            .unwrap()
            .contains("approval-added")
    );
    assert!(
        matches!(add(valid.clone()), Err(RegistryError::Conflict(_))),
        "no double counting"
    );

    let stranger = SignerKey::from_seed("stranger", [9; 32]).unwrap();
    let mut future = predicate(&f, &v, "sec@example.com", Role::SecurityApprover);
    future.issued_at += Duration::days(2);
    let forgeries = [
        // Signed with the legal key but claiming to be security's approval.
        (
            predicate(&f, &v, "sec@example.com", Role::SecurityApprover)
                .sign(&v, &a.legal)
                .unwrap(),
            "not the named approver",
        ),
        // Legal approver claiming a role they do not hold.
        (
            predicate(&f, &v, "legal@example.com", Role::SecurityApprover)
                .sign(&v, &a.legal)
                .unwrap(),
            "does not hold the role",
        ),
        // The registrant approving their own version.
        (
            predicate(&f, &v, "ds@example.com", Role::SecurityApprover)
                .sign(&v, &a.ds)
                .unwrap(),
            "registrant or trainer",
        ),
        // The registrant again, under different letter case.
        (
            predicate(&f, &v, "DS@example.com", Role::SecurityApprover)
                .sign(&v, &a.ds)
                .unwrap(),
            "not the named approver",
        ),
        // An unknown key.
        (
            predicate(&f, &v, "sec@example.com", Role::SecurityApprover)
                .sign(&v, &stranger)
                .unwrap(),
            "no trusted approver key",
        ),
        // Issued in the future.
        (future.sign(&v, &a.security).unwrap(), "not yet valid"),
    ];
    for (env, reason) in forgeries {
        let err = add(env).unwrap_err();
        assert!(matches!(err, RegistryError::Denied(_)), "{err}");
        assert!(
            err.to_string().contains(reason),
            "{err} should say {reason:?}"
        );
    }
    assert_eq!(
        f.registry
            .version(&f.name, v.version)
            .unwrap()
            .approvals
            .len(),
        1
    );

    // Only an approval, for the stage asked about, counts.
    let checks = f.registry.verify_approvals(&stored, &a.trust);
    assert!(checks[0].approves(Stage::Production));
    assert!(!checks[0].approves(Stage::Staging));
    let mut reject = predicate(&f, &v, "legal@example.com", Role::LegalApprover);
    reject.decision = Decision::Reject;
    let (stored, _) = add(reject.sign(&v, &a.legal).unwrap()).unwrap();
    let checks = f.registry.verify_approvals(&stored, &a.trust);
    assert!(checks[1].is_valid() && !checks[1].approves(Stage::Production));

    // Expiry is judged at verification time.
    f.clock.advance(Duration::days(31));
    let checks = f.registry.verify_approvals(&stored, &a.trust);
    assert!(matches!(
        checks[0].problem,
        Some(ApprovalProblem::Expired { .. })
    ));
    let report = f.registry.verify(&stored, &a.trust).unwrap();
    assert!(
        report.is_intact(),
        "expiry is not tampering: {:?}",
        report.failures
    );
    let expired = predicate(&f, &v, "sec@example.com", Role::SecurityApprover);
    let mut old = expired.clone();
    old.issued_at -= Duration::days(60);
    old.expires_at = old.issued_at + Duration::days(1);
    let err = add(old.sign(&v, &a.security).unwrap()).unwrap_err();
    assert!(err.to_string().contains("expired"), "{err}");

    // An envelope slipped into the store behind the registry's back is an integrity failure.
    let mut tampered = stored.clone();
    tampered.approvals.push(
        predicate(&f, &v, "sec@example.com", Role::SecurityApprover)
            .sign(&v, &stranger)
            .unwrap(),
    );
    let report = f.registry.verify(&tampered, &a.trust).unwrap();
    let invalid: Vec<&str> = report
        .failures
        .iter()
        .filter(|x| x.kind == FailureKind::ApprovalInvalid)
        .map(|x| x.subject.as_str())
        .collect();
    assert_eq!(invalid, ["approval 2"]);
}

#[test]
fn approvals_for_another_version_are_refused_and_tampering_is_detected() {
    let f = fixture();
    let v1 = register(&f);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("weights.bin"), b"v2 weights").unwrap();
    let (v2, _) = f
        .registry
        .register_version(
            &actor("ds@example.com"),
            &f.name,
            dir.path(),
            NewVersion::default(),
        )
        .unwrap();
    let a = approvers();
    let for_v1 = predicate(&f, &v1, "sec@example.com", Role::SecurityApprover)
        .sign(&v1, &a.security)
        .unwrap();
    let err = f
        .registry
        .add_approval(
            &actor("ops@example.com"),
            &f.name,
            v2.version,
            for_v1.clone(),
            &a.trust,
        )
        .unwrap_err();
    assert!(err.to_string().contains("not this version"), "{err}");
    // Replayed onto v2 behind the registry's back: verification names the wrong subject.
    let mut v2_forged = v2.clone();
    v2_forged.approvals.push(for_v1);
    let checks = f.registry.verify_approvals(&v2_forged, &a.trust);
    assert!(matches!(
        checks[0].problem,
        Some(ApprovalProblem::WrongSubject { .. })
    ));

    // A payload altered after signing no longer verifies.
    let mut env = predicate(&f, &v1, "sec@example.com", Role::SecurityApprover)
        .sign(&v1, &a.security)
        .unwrap();
    let text = String::from_utf8(env.payload.clone()).unwrap();
    env.payload = text.replace("\"approve\"", "\"reject\"").into_bytes();
    let mut tampered = v1.clone();
    tampered.approvals = vec![env];
    let checks = f.registry.verify_approvals(&tampered, &a.trust);
    assert_eq!(checks[0].problem, Some(ApprovalProblem::UntrustedSignature));
}

#[test]
fn verify_names_tampered_and_missing_artifacts() {
    let f = fixture();
    let v = register(&f);
    let weights = v.files.iter().find(|x| x.name == "weights.bin").unwrap();
    f.artifacts.corrupt(&weights.digest, vec![4u8; 10_000]);
    let vocab = v
        .files
        .iter()
        .find(|x| x.name == "tokenizer/vocab.txt")
        .unwrap();
    f.artifacts.delete(&vocab.digest).unwrap();
    let report = f.registry.verify(&v, &TrustStore::default()).unwrap();
    let found: Vec<(FailureKind, &str)> = report
        .failures
        .iter()
        .map(|x| (x.kind, x.subject.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (FailureKind::ArtifactMissing, "tokenizer/vocab.txt"),
            (FailureKind::ArtifactChanged, "weights.bin"),
        ]
    );
    // A manifest edited in the record no longer matches its root.
    let mut edited = register(&f);
    edited.manifest.resources[0].digest = aigov_core::Digest::of(b"other");
    let report = f.registry.verify(&edited, &TrustStore::default()).unwrap();
    assert!(
        report
            .failures
            .iter()
            .any(|x| x.kind == FailureKind::RootMismatch)
    );
}

#[test]
fn shard_manifests_verify_by_rebuilding_the_model() {
    let f = fixture();
    let model = model_dir(f._dir.path());
    let (v, _) = f
        .registry
        .register_version(
            &actor("ds@example.com"),
            &f.name,
            &model,
            NewVersion {
                method: Some(aigov_core::HashMethod::Shards { shard_size: 4096 }),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        v.manifest.len(),
        4,
        "three shards of weights.bin and one of vocab.txt"
    );
    assert!(
        f.registry
            .verify(&v, &TrustStore::default())
            .unwrap()
            .is_intact()
    );
}

#[test]
fn deployments_roll_back_and_answer_what_served_when() {
    let f = fixture();
    let ops = actor("deployer@example.com");
    let mut versions = Vec::new();
    for i in 0..3u8 {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("w"), [i]).unwrap();
        let (v, _) = f
            .registry
            .register_version(&ops, &f.name, dir.path(), NewVersion::default())
            .unwrap();
        for stage in [Stage::Validated, Stage::Staging, Stage::Production] {
            f.registry
                .transition(&ops, &f.name, v.version, stage, "")
                .unwrap();
        }
        versions.push(v.version);
    }
    let unvalidated = {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("w"), b"new").unwrap();
        f.registry
            .register_version(&ops, &f.name, dir.path(), NewVersion::default())
            .unwrap()
            .0
    };
    let err = f
        .registry
        .deploy(&ops, &f.name, unvalidated.version, "production", None, "")
        .unwrap_err();
    assert!(matches!(err, RegistryError::Denied(_)), "{err}");

    let mut times = Vec::new();
    for v in &versions {
        f.clock.advance(Duration::hours(1));
        times.push(f.clock.now());
        f.registry
            .deploy(
                &ops,
                &f.name,
                *v,
                "production",
                Some("eu-west-1"),
                "release",
            )
            .unwrap();
    }
    assert_eq!(
        f.registry.deployed(&f.name, "production").unwrap(),
        Some(versions[2])
    );
    f.clock.advance(Duration::hours(1));
    let (record, event) = f
        .registry
        .rollback(&ops, &f.name, "production", "bad alerts")
        .unwrap();
    assert_eq!(record.version, versions[1]);
    assert_eq!(record.region.as_deref(), Some("eu-west-1"));
    assert!(
        serde_json::to_string(&event)
            .unwrap()
            .contains("\"previous\":3")
    );
    f.registry
        .rollback(&ops, &f.name, "production", "still bad")
        .unwrap();
    assert_eq!(
        f.registry.deployed(&f.name, "production").unwrap(),
        Some(versions[0])
    );
    let err = f
        .registry
        .rollback(&ops, &f.name, "production", "")
        .unwrap_err();
    assert!(matches!(err, RegistryError::Denied(_)), "{err}");
    assert!(matches!(
        f.registry.rollback(&ops, &f.name, "staging", ""),
        Err(RegistryError::NotFound(_))
    ));

    assert_eq!(
        f.registry
            .deployed_at(&f.name, "production", times[0] - Duration::seconds(1))
            .unwrap(),
        None
    );
    assert_eq!(
        f.registry
            .deployed_at(&f.name, "production", times[1])
            .unwrap(),
        Some(versions[1])
    );
    assert_eq!(
        f.registry
            .deployed_at(&f.name, "production", times[2] + Duration::minutes(30))
            .unwrap(),
        Some(versions[2])
    );
    assert_eq!(f.registry.history(&f.name, "production").unwrap().len(), 5);
    assert!(
        f.registry
            .deploy(&ops, &f.name, versions[0], "Prod!", None, "")
            .is_err()
    );
}

#[test]
fn model_updates_keep_the_creation_time() {
    let f = fixture();
    let mut m =
        aigov_registry::RegistryStoreExt::require_model(f.registry.store(), &f.name).unwrap();
    let created = m.created_at;
    f.clock.advance(Duration::days(1));
    m.description = "Login risk scorer, v2 features".into();
    m.created_at = created + Duration::days(100);
    let (updated, event) = f
        .registry
        .update_model(&actor("owner@example.com"), &m)
        .unwrap();
    assert_eq!(updated.created_at, created);
    assert_eq!(updated.updated_at, created + Duration::days(1));
    assert!(
        serde_json::to_string(&event)
            .unwrap()
            .contains("model-updated")
    );
}

#[test]
fn aliases_resolve_and_moves_are_events() {
    let f = fixture();
    let v = register(&f);
    let champion = aigov_core::Alias::new("champion").unwrap();
    let event = f
        .registry
        .set_alias(
            &actor("ops@example.com"),
            &f.name,
            &champion,
            Some(v.version),
        )
        .unwrap();
    assert!(
        serde_json::to_string(&event)
            .unwrap()
            .contains("alias-moved")
    );
    let resolved = f
        .registry
        .resolve(&"login-risk@champion".parse().unwrap())
        .unwrap();
    assert_eq!(resolved.version, v.version);
    assert_eq!(resolved.aliases, vec![champion]);
    assert!(matches!(
        f.registry
            .resolve(&"login-risk@challenger".parse().unwrap()),
        Err(RegistryError::NotFound(_))
    ));
}

#[test]
fn filesystem_artifacts_are_atomic_contained_and_rehashed() {
    let dir = tempfile::tempdir().unwrap();
    let store = FsArtifactStore::open(dir.path().join("artifacts"))
        .unwrap()
        .verify_on_read(true);
    let d = store.put(b"model bytes").unwrap();
    assert_eq!(store.get(&d).unwrap(), b"model bytes");
    assert_eq!(store.put(b"model bytes").unwrap(), d, "idempotent");
    assert!(
        std::fs::read_dir(dir.path().join("artifacts/tmp"))
            .unwrap()
            .next()
            .is_none(),
        "no temp files left"
    );

    std::fs::write(store.path_of(&d), b"tampered").unwrap();
    assert!(matches!(store.get(&d), Err(RegistryError::Integrity(_))));
    // Storing the same bytes again repairs the damaged copy instead of trusting it.
    assert_eq!(store.put(b"model bytes").unwrap(), d);
    assert_eq!(store.get(&d).unwrap(), b"model bytes");

    // A symlink planted inside the store is refused, not followed.
    let outside = dir.path().join("secret");
    std::fs::write(&outside, b"secret").unwrap();
    let e = aigov_core::Digest::of(b"secret");
    std::fs::create_dir_all(store.path_of(&e).parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&outside, store.path_of(&e)).unwrap();
    assert!(matches!(store.get(&e), Err(RegistryError::Integrity(_))));

    let missing = aigov_core::Digest::of(b"never stored");
    assert!(matches!(
        store.get(&missing),
        Err(RegistryError::NotFound(_))
    ));
    assert!(store.delete(&d).unwrap());
    assert!(!store.delete(&d).unwrap());
}

#[test]
fn materialize_refuses_names_that_escape() {
    let store = MemoryArtifactStore::new();
    let digest = store.put(b"x").unwrap();
    let dest = tempfile::tempdir().unwrap();
    for name in ["../escape", "/etc/passwd", "a/../../b"] {
        let files = [ArtifactFile {
            name: name.into(),
            digest,
            size: 1,
        }];
        let err = store.materialize(&files, dest.path()).unwrap_err();
        assert!(
            matches!(err, RegistryError::InvalidInput { .. }),
            "{name}: {err}"
        );
    }
    assert!(!dest.path().parent().unwrap().join("escape").exists());
    // Streaming copies never write over something already there, and re-check the digest.
    let files = [ArtifactFile {
        name: "w.bin".into(),
        digest,
        size: 1,
    }];
    store.materialize(&files, dest.path()).unwrap();
    assert_eq!(std::fs::read(dest.path().join("w.bin")).unwrap(), b"x");
    assert!(
        store.materialize(&files, dest.path()).is_err(),
        "existing file kept"
    );
    store.corrupt(&digest, b"y".to_vec());
    let other = tempfile::tempdir().unwrap();
    let err = store.materialize(&files, other.path()).unwrap_err();
    assert!(matches!(err, RegistryError::Integrity(_)), "{err}");
}

/// Every change the service makes is journaled as the event it returns, in order, with the
/// companions it was given, and a refused change journals nothing.
#[test]
fn every_change_is_journaled_as_the_event_it_returns() {
    let store: Arc<dyn RegistryStore> = Arc::new(MemoryRegistryStore::new());
    let f = fixture_with(Arc::clone(&store));
    let mut events = vec![];
    let v = {
        let model = model_dir(f._dir.path());
        let (v, event) = f
            .registry
            .register_version(
                &actor("ds@example.com"),
                &f.name,
                &model,
                NewVersion::default(),
            )
            .unwrap();
        events.push(event);
        v
    };
    let companion = serde_json::json!({"kind": "note", "text": "with the change"});
    let (_, event) = f
        .registry
        .with_companions(vec![companion.clone()])
        .transition(
            &actor("ops@example.com"),
            &f.name,
            v.version,
            Stage::Validated,
            "gate",
        )
        .unwrap();
    events.push(event);
    let refused = f.registry.transition(
        &actor("ops@example.com"),
        &f.name,
        v.version,
        Stage::Registered,
        "back",
    );
    assert!(matches!(
        refused,
        Err(RegistryError::IllegalTransition { .. })
    ));
    let alias = aigov_core::Alias::new("champion").unwrap();
    events.push(
        f.registry
            .set_alias(&actor("ops@example.com"), &f.name, &alias, Some(v.version))
            .unwrap(),
    );
    let pending = store.pending_changes(100).unwrap();
    // The model's creation first, then these, each as returned, with a fresh id.
    assert_eq!(pending.len(), 4);
    let noted: Vec<_> = pending[1..].iter().map(|p| p.note.event.clone()).collect();
    assert_eq!(noted, events);
    assert_eq!(pending[2].note.companions, vec![companion]);
    assert!(pending[1].note.companions.is_empty());
    let mut ids: Vec<_> = pending.iter().map(|p| p.note.id().to_string()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 4);
    assert!(ids.iter().all(|id| id.len() == 36), "{ids:?}");
}

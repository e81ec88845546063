//! Decommissioning: refused while serving or under a legal hold; `destroy` deletes only the
//! files no other version uses; the signed certificate verifies and is audited.

use std::path::Path;
use std::sync::Arc;

use aigov::audit::{AuditEntry, AuditEvent, AuditLog, AuditStoreExt, MemoryAuditStore};
use aigov::core::{
    ActorId, Clock, ManualClock, ModelName, ModelRef, SignerKey, Statement, VersionId,
};
use aigov::decommission::{
    DECOMMISSION_PREDICATE, DecommissionError, DecommissionMode, DecommissionPredicate,
    decommission,
};
use aigov::registry::{
    ArtifactStore, ArtifactStoreExt, MemoryArtifactStore, MemoryRegistryStore, NewModel,
    NewVersion, Registry, RiskClass, Stage,
};
use chrono::{TimeZone, Utc};

fn actor(s: &str) -> ActorId {
    s.parse().unwrap()
}

fn version_dir(dir: &Path, n: u8) -> std::path::PathBuf {
    let d = dir.join(format!("v{n}"));
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("weights.bin"), vec![n; 2000]).unwrap();
    std::fs::write(d.join("vocab.txt"), b"shared vocabulary\n").unwrap();
    if n == 2 {
        std::fs::write(d.join("labels.txt"), b"benign\nmalicious\n").unwrap();
    }
    d
}

#[test]
fn destroy_and_archive_with_a_signed_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap(),
    ));
    let artifacts = Arc::new(MemoryArtifactStore::new());
    let registry = Registry::with_clock(
        Arc::new(MemoryRegistryStore::new()),
        artifacts.clone(),
        clock.clone(),
    );
    let audit = AuditLog::new(Arc::new(MemoryAuditStore::new())).with_clock(clock.clone());
    let key = SignerKey::generate("aigov-store").unwrap();
    let owner = actor("owner@example.com");
    let name: ModelName = "vuln-score".parse().unwrap();
    registry
        .create_model(
            &owner,
            NewModel {
                name: name.clone(),
                description: "scores CVEs".into(),
                owner: owner.clone(),
                tags: Default::default(),
                intended_purpose: "patch triage".into(),
                risk_class: RiskClass::High,
            },
        )
        .unwrap();
    let mut versions = Vec::new();
    for n in 1..=2u8 {
        let (v, _) = registry
            .register_version(
                &actor("ds@example.com"),
                &name,
                &version_dir(dir.path(), n),
                NewVersion::default(),
            )
            .unwrap();
        versions.push(v);
    }
    let (v1, v2) = (&versions[0], &versions[1]);
    // Another model ships the same labels file: destroying v2 must not take it away.
    let other: ModelName = "other-model".parse().unwrap();
    registry
        .create_model(
            &owner,
            NewModel {
                name: other.clone(),
                description: "another".into(),
                owner: owner.clone(),
                tags: Default::default(),
                intended_purpose: "x".into(),
                risk_class: RiskClass::Minimal,
            },
        )
        .unwrap();
    let other_dir = dir.path().join("other");
    std::fs::create_dir_all(&other_dir).unwrap();
    std::fs::write(other_dir.join("labels.txt"), b"benign\nmalicious\n").unwrap();
    registry
        .register_version(&owner, &other, &other_dir, NewVersion::default())
        .unwrap();
    for stage in [Stage::Validated, Stage::Staging, Stage::Production] {
        registry
            .transition(&owner, &name, v2.version, stage, "promote")
            .unwrap();
    }
    let r2: ModelRef = "vuln-score@2".parse().unwrap();
    let now = clock.now();

    // Serving: refused.
    let serving = decommission(
        &registry,
        &audit,
        &key,
        &aigov::Principal::vouched_by_host(owner.clone()),
        &r2,
        DecommissionMode::Destroy,
        now,
    );
    assert!(
        matches!(serving, Err(DecommissionError::Denied(_))),
        "{serving:?}"
    );
    registry
        .transition(&owner, &name, v2.version, Stage::Suspended, "incident")
        .unwrap();
    // Two audit records about v2: one past the 183-day retention, one recent.
    let about_v2 = |time| {
        let serde_json::Value::Object(map) =
            serde_json::json!({"model": {"name": "vuln-score", "version": 2}, "decision": "patch"})
        else {
            unreachable!()
        };
        AuditEntry {
            time,
            actor: owner.clone(),
            authn: None,
            request: None,
            event: AuditEvent::Custom(map),
        }
    };
    let old = audit
        .append(&about_v2(now - chrono::Duration::days(400)))
        .unwrap()
        .index;
    let recent = audit.append(&about_v2(now)).unwrap().index;

    // Under a legal hold: refused until released.
    let hold = audit
        .place_hold(recent, recent, "investigation", &owner)
        .unwrap();
    let held = decommission(
        &registry,
        &audit,
        &key,
        &aigov::Principal::vouched_by_host(owner.clone()),
        &r2,
        DecommissionMode::Destroy,
        now,
    );
    assert!(
        matches!(held, Err(DecommissionError::Denied(ref m)) if m.contains("legal hold")),
        "{held:?}"
    );
    assert_eq!(
        registry.version(&name, v2.version).unwrap().stage,
        Stage::Suspended,
        "nothing changed"
    );
    audit.release_hold(hold.id).unwrap();
    // A hold on entries about another version does not block this one.
    let mut about_v1 = about_v2(now);
    if let AuditEvent::Custom(map) = &mut about_v1.event {
        map["model"]["version"] = serde_json::json!(1);
    }
    let unrelated = audit.append(&about_v1).unwrap().index;
    let other_hold = audit
        .place_hold(unrelated, unrelated, "another case", &owner)
        .unwrap();
    let out = decommission(
        &registry,
        &audit,
        &key,
        &aigov::Principal::vouched_by_host(owner.clone()),
        &r2,
        DecommissionMode::Destroy,
        now,
    )
    .unwrap();
    assert!(
        audit
            .store()
            .holds()
            .unwrap()
            .iter()
            .any(|h| h.id == other_hold.id && h.released_at.is_none()),
        "the unrelated hold stays in force"
    );
    audit.release_hold(other_hold.id).unwrap();
    // The certificate verifies with the store key and names the version's root digest.
    let verifier = key.verifier();
    let verified = out.certificate.verify(&[&verifier]).unwrap();
    let statement = Statement::from_json(verified.payload).unwrap();
    assert_eq!(statement.predicate_type, DECOMMISSION_PREDICATE);
    assert_eq!(statement.subject[0].sha256_digest().unwrap(), v2.root);
    let predicate: DecommissionPredicate = serde_json::from_value(statement.predicate).unwrap();
    assert_eq!(predicate, out.predicate);
    assert_eq!(
        predicate.retained_until,
        Utc.with_ymd_and_hms(2036, 3, 1, 12, 0, 0).unwrap()
    );
    assert_eq!(predicate.audit_entries_erased, [old]);
    assert_eq!(predicate.audit_entries_retained, [recent]);
    assert!(audit.store().entry(old).unwrap().payload.is_none());
    assert!(audit.store().entry(recent).unwrap().payload.is_some());
    let report = audit.verify(&[]).unwrap();
    assert!(
        report.problems.is_empty() && report.redacted == 1,
        "{report:?}"
    );
    let by_name = |n: &str| {
        predicate
            .artifacts
            .iter()
            .find(|a| a.name == n)
            .unwrap()
            .clone()
    };
    let weights = by_name("weights.bin");
    let vocab = by_name("vocab.txt");
    assert_eq!(weights.disposition, "destroyed");
    assert_eq!(vocab.disposition, "kept", "v1 uses the same file");
    let labels = by_name("labels.txt");
    assert_eq!(
        labels.disposition, "kept",
        "another model uses the same file"
    );
    assert!(artifacts.exists(&labels.digest).unwrap());
    assert!(!artifacts.exists(&weights.digest).unwrap());
    assert!(artifacts.exists(&vocab.digest).unwrap());
    // v1 is untouched and still verifies.
    for f in &v1.files {
        assert_eq!(artifacts.verify_blob(&f.digest).unwrap(), f.size);
    }
    assert_eq!(
        registry.version(&name, v2.version).unwrap().stage,
        Stage::Decommissioned
    );
    // The audit log holds the certificate's digest.
    let last = audit.store().entry(audit.size().unwrap() - 1).unwrap();
    let payload = String::from_utf8(last.payload.unwrap()).unwrap();
    assert!(
        payload.contains("decommission") && payload.contains(&out.certificate_digest.to_hex()),
        "{payload}"
    );
    // Once only; a tampered certificate does not verify.
    assert!(
        decommission(
            &registry,
            &audit,
            &key,
            &aigov::Principal::vouched_by_host(owner.clone()),
            &r2,
            DecommissionMode::Archive,
            now
        )
        .is_err()
    );
    let mut forged = out.certificate.clone();
    forged.payload = forged
        .payload
        .iter()
        .map(|b| if *b == b'k' { b'K' } else { *b })
        .collect();
    assert!(forged.verify(&[&verifier]).is_err());

    // Archive keeps everything.
    let r1: ModelRef = "vuln-score@1".parse().unwrap();
    let archived = decommission(
        &registry,
        &audit,
        &key,
        &aigov::Principal::vouched_by_host(owner.clone()),
        &r1,
        DecommissionMode::Archive,
        now,
    )
    .unwrap();
    assert!(
        archived
            .predicate
            .artifacts
            .iter()
            .all(|a| a.disposition == "kept")
    );
    for f in &v1.files {
        assert!(artifacts.exists(&f.digest).unwrap());
    }
    assert_eq!(
        registry
            .version(&name, VersionId::new(1).unwrap())
            .unwrap()
            .stage,
        Stage::Decommissioned
    );
}

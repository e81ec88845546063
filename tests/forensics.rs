//! The forensic timeline merges the incident's actions, the audit entries about the affected
//! versions (with inclusion proofs against the signed checkpoint) and deployments, in order.

use std::sync::Arc;

use aigov::audit::{AuditEntry, AuditEvent, AuditLog, MemoryAuditStore, SignedCheckpoint};
use aigov::core::{ActorId, Clock, ManualClock, ModelName, SignerKey};
use aigov::forensics::{ForensicSource, forensic_timeline};
use aigov::incident::{Incident, IncidentKind, IncidentSource, NewIncident, Severity};
use aigov::registry::{
    MemoryArtifactStore, MemoryRegistryStore, NewModel, NewVersion, Registry, RiskClass, Stage,
};
use chrono::{Duration, TimeZone, Utc};
use serde_json::json;

fn actor(s: &str) -> ActorId {
    s.parse().unwrap()
}

#[test]
fn the_forensic_timeline_merges_and_proves() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 4, 1, 8, 0, 0).unwrap(),
    ));
    let registry = Registry::with_clock(
        Arc::new(MemoryRegistryStore::new()),
        Arc::new(MemoryArtifactStore::new()),
        clock.clone(),
    );
    let key = SignerKey::generate("aigov-store").unwrap();
    let audit = AuditLog::new(Arc::new(MemoryAuditStore::new()))
        .with_clock(clock.clone())
        .with_signer(key.clone(), "example/audit");
    let owner = actor("owner@example.com");
    let name: ModelName = "phish-detect".parse().unwrap();
    registry
        .create_model(
            &owner,
            NewModel {
                name: name.clone(),
                description: "phishing".into(),
                owner: owner.clone(),
                tags: Default::default(),
                intended_purpose: "mail filtering".into(),
                risk_class: RiskClass::High,
            },
        )
        .unwrap();
    let model_dir = dir.path().join("m");
    std::fs::create_dir_all(&model_dir).unwrap();
    std::fs::write(model_dir.join("w.bin"), b"weights").unwrap();
    let (v, _) = registry
        .register_version(&owner, &name, &model_dir, NewVersion::default())
        .unwrap();
    for stage in [Stage::Validated, Stage::Staging, Stage::Production] {
        registry
            .transition(&owner, &name, v.version, stage, "promote")
            .unwrap();
    }
    clock.advance(Duration::minutes(1));
    registry
        .deploy(&owner, &name, v.version, "prod", None, "release")
        .unwrap();

    let custom = |m: &str, ver: u64, what: &str| {
        let serde_json::Value::Object(map) =
            json!({"model": {"name": m, "version": ver}, "what": what})
        else {
            unreachable!()
        };
        AuditEntry {
            time: clock.now(),
            actor: owner.clone(),
            authn: None,
            request: None,
            event: AuditEvent::Custom(map),
        }
    };
    clock.advance(Duration::minutes(1));
    audit
        .append(&custom(
            "phish-detect",
            1,
            "decision flagged 0 of 40 phishing mails",
        ))
        .unwrap();
    audit
        .append(&custom("other-model", 1, "unrelated"))
        .unwrap();
    let checkpoint = audit.checkpoint().unwrap();
    clock.advance(Duration::minutes(1));
    audit
        .append(&custom("phish-detect", 1, "after the checkpoint"))
        .unwrap();

    clock.advance(Duration::minutes(1));
    let incident = Incident::open(
        NewIncident {
            id: "INC-F".into(),
            title: "phishing waved through".into(),
            kind: IncidentKind::Evasion,
            severity: Severity::High,
            affected: vec!["phish-detect@1".parse().unwrap()],
            source: IncidentSource::AuditEntry { index: 0 },
            owner: owner.clone(),
        },
        clock.now(),
        owner.clone(),
    )
    .unwrap();

    let timeline = forensic_timeline(&incident, &registry, &audit, &["prod"]).unwrap();
    let sources: Vec<ForensicSource> = timeline.events.iter().map(|e| e.source).collect();
    assert_eq!(
        sources,
        [
            ForensicSource::Deployment,
            ForensicSource::Audit,
            ForensicSource::Audit,
            ForensicSource::Incident
        ]
    );
    assert!(timeline.events.windows(2).all(|w| w[0].at <= w[1].at));
    assert_eq!(timeline.checkpoint_size, Some(2));
    // The first audit event is proven against the signed checkpoint; the later one is not yet.
    let first = &timeline.events[1];
    assert_eq!(first.audit_index, Some(0));
    let proof = first.proof.as_ref().unwrap();
    proof.verify().unwrap();
    let note = SignedCheckpoint::parse(timeline.checkpoint.as_ref().unwrap()).unwrap();
    note.verify("example/audit", &[&key.verifier()]).unwrap();
    assert_eq!(note.checkpoint.root, proof.root);
    assert_eq!(note.checkpoint.root, checkpoint.checkpoint.root);
    assert!(
        timeline.events[2].proof.is_none() && timeline.events[2].summary.contains("no proof yet")
    );
    let md = timeline.to_markdown();
    assert!(
        md.contains("| time | source | event | proof |") && md.contains("example/audit"),
        "{md}"
    );
    let json = serde_json::to_string(&timeline).unwrap();
    assert!(json.contains("\"leaf_hash\""));
}

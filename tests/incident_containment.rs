//! Containing an incident on a real registry and audit log (memory and SQLite): a suspended
//! version refuses to serve, rollback restores the previous version, and a legal hold blocks
//! erasure of the held audit entries until it is released.

use std::path::Path;
use std::sync::Arc;

use aigov::audit::{
    AuditEntry, AuditEvent, AuditLog, AuditStore, MemoryAuditStore, SqliteAuditStore,
};
use aigov::containment::RegistryContainment;
use aigov::core::{ActorId, Clock, ManualClock, ModelName, VersionId};
use aigov::incident::{
    Containment, Incident, IncidentKind, IncidentSource, IncidentStatus, NewIncident, Severity,
};
use aigov::registry::{
    ArtifactStore, MemoryArtifactStore, MemoryRegistryStore, NewModel, NewVersion, Registry,
    RegistryError, RegistryStore, RiskClass, SqliteRegistryStore, Stage,
};
use chrono::{Duration, TimeZone, Utc};

fn actor(s: &str) -> ActorId {
    s.parse().unwrap()
}

fn version_dir(dir: &Path, n: u8) -> std::path::PathBuf {
    let d = dir.join(format!("v{n}"));
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("weights.bin"), vec![n; 1000]).unwrap();
    d
}

fn run(store: Arc<dyn RegistryStore>, audit_store: Arc<dyn AuditStore>, dir: &Path) {
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap(),
    ));
    let artifacts: Arc<dyn ArtifactStore> = Arc::new(MemoryArtifactStore::new());
    let registry = Arc::new(Registry::with_clock(store, artifacts, clock.clone()));
    let audit = Arc::new(AuditLog::new(audit_store).with_clock(clock.clone()));
    let owner = actor("owner@example.com");
    let name: ModelName = "threat-detect".parse().unwrap();
    registry
        .create_model(
            &owner,
            NewModel {
                name: name.clone(),
                description: "detector".into(),
                owner: owner.clone(),
                tags: Default::default(),
                intended_purpose: "alerting".into(),
                risk_class: RiskClass::High,
            },
        )
        .unwrap();
    for n in 1..=2u8 {
        let (v, _) = registry
            .register_version(
                &actor("ds@example.com"),
                &name,
                &version_dir(dir, n),
                NewVersion::default(),
            )
            .unwrap();
        for stage in [Stage::Validated, Stage::Staging, Stage::Production] {
            registry
                .transition(&owner, &name, v.version, stage, "promoted")
                .unwrap();
        }
        registry
            .deploy(&owner, &name, v.version, "prod", None, "release")
            .unwrap();
    }
    let v2 = VersionId::new(2).unwrap();
    let v1 = VersionId::new(1).unwrap();
    assert_eq!(registry.deployed(&name, "prod").unwrap(), Some(v2));
    for k in 0..3 {
        let mut fields = serde_json::Map::new();
        fields.insert("decision".into(), serde_json::json!(k));
        audit
            .append(&AuditEntry {
                time: clock.now(),
                actor: owner.clone(),
                authn: None,
                request: None,
                event: AuditEvent::Custom(fields),
            })
            .unwrap();
    }

    let responder = actor("responder@example.com");
    let target = RegistryContainment::new(registry.clone(), audit.clone(), responder.clone());
    let mut incident = Incident::open(
        NewIncident {
            id: "INC-100".into(),
            title: "v2 waves through beaconing traffic".into(),
            kind: IncidentKind::Evasion,
            severity: Severity::Critical,
            affected: vec!["threat-detect@2".parse().unwrap()],
            source: IncidentSource::Person {
                actor: "analyst@example.com".into(),
            },
            owner: responder.clone(),
        },
        clock.now(),
        responder.clone(),
    )
    .unwrap();

    let changed = incident
        .contain(
            &target,
            &Containment::Suspend,
            clock.now(),
            responder.clone(),
        )
        .unwrap();
    assert_eq!(changed, ["threat-detect@2: production -> suspended"]);
    assert_eq!(incident.status, IncidentStatus::Contained);
    assert_eq!(registry.version(&name, v2).unwrap().stage, Stage::Suspended);
    // The registry change is in the audit log, for the forensic timeline and the SIEM.
    let timeline =
        aigov::forensics::forensic_timeline(&incident, &registry, &audit, &["prod"]).unwrap();
    assert!(
        timeline
            .events
            .iter()
            .any(|e| e.detail["kind"] == "registry"
                && e.detail["payload"]["event"] == "stage-changed"),
        "{:?}",
        timeline
            .events
            .iter()
            .map(|e| &e.summary)
            .collect::<Vec<_>>()
    );
    // A suspended version refuses to serve.
    let refused = registry.deploy(&owner, &name, v2, "prod", None, "again");
    assert!(
        matches!(refused, Err(RegistryError::Denied(_))),
        "{refused:?}"
    );

    let changed = incident
        .contain(
            &target,
            &Containment::Rollback {
                environment: "prod".into(),
            },
            clock.now(),
            responder.clone(),
        )
        .unwrap();
    assert_eq!(registry.deployed(&name, "prod").unwrap(), Some(v1));
    assert!(changed[0].contains("version 2 -> version 1"), "{changed:?}");

    incident
        .contain(
            &target,
            &Containment::LegalHold {
                audit_range: Some((0, 1)),
            },
            clock.now(),
            responder.clone(),
        )
        .unwrap();
    // Past retention, erasure is allowed only outside the hold, until the hold is released.
    clock.advance(Duration::days(400));
    assert!(audit.redact(0, "erasure request", &owner).is_err(), "held");
    audit.redact(2, "erasure request", &owner).unwrap();
    let hold = audit.store().holds().unwrap().into_iter().next().unwrap();
    audit.release_hold(hold.id).unwrap();
    audit.redact(0, "erasure request", &owner).unwrap();
    let report = audit.verify(&[]).unwrap();
    assert!(
        report.problems.is_empty() && report.redacted == 2,
        "{report:?}"
    );

    // The hold also froze the version's record: it cannot be deprecated until released.
    let held = registry.version(&name, v2).unwrap();
    assert_eq!(held.active_holds().count(), 1);
    let frozen = registry.transition(&owner, &name, v2, Stage::Deprecated, "retire");
    assert!(
        matches!(frozen, Err(RegistryError::Denied(_))),
        "{frozen:?}"
    );
    // Holding again for the same incident changes nothing.
    let again = incident
        .contain(
            &target,
            &Containment::LegalHold { audit_range: None },
            clock.now(),
            responder.clone(),
        )
        .unwrap();
    assert!(again.is_empty(), "{again:?}");
    registry
        .release_hold(&responder, &name, v2, "incident INC-100")
        .unwrap();
    registry
        .transition(&owner, &name, v2, Stage::Deprecated, "retire")
        .unwrap();
}

#[test]
fn containment_on_the_memory_backends() {
    let dir = tempfile::tempdir().unwrap();
    run(
        Arc::new(MemoryRegistryStore::new()),
        Arc::new(MemoryAuditStore::new()),
        dir.path(),
    );
}

#[test]
fn containment_on_the_sqlite_backends() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("aigov.db");
    run(
        Arc::new(SqliteRegistryStore::open(&db).unwrap()),
        Arc::new(SqliteAuditStore::open(&db).unwrap()),
        dir.path(),
    );
}

//! Every way the governor must say no: each refusal names its gate and reason, changes
//! nothing it should not, and is itself in the audit log.

mod common;

use std::sync::Arc;

use aigov::audit::{AuditEntry, AuditEvent, AuditStoreExt};
use aigov::core::{ActorId, ManualClock, ModelName, ModelRef, Role};
use aigov::governor::{GovernorBuilder, Registration};
use aigov::incident::{Containment, IncidentKind, IncidentSource, NewIncident, Severity};
use aigov::registry::{ApprovalPredicate, Decision, Evidence, EvidenceKind, Stage};
use aigov::{Error, Governor};
use chrono::{Duration, Utc};
use common::{Actors, approval, enrol, evidence_for, model_dir, model_json, registration};

fn governor() -> (Governor, Arc<ManualClock>) {
    let (builder, clock) = common::on_manual_clock();
    (builder.build().expect("governor"), clock)
}

/// The last audit entry must be the refusal: a gate record that did not allow, from `gate`,
/// carrying `code`.
fn assert_refused(
    governor: &Governor,
    result: Result<impl std::fmt::Debug, Error>,
    gate: &str,
    code: &str,
) {
    let error = result.expect_err("must be refused");
    assert_eq!(error.denied_by(), Some(gate), "{error}");
    assert!(error.codes().contains(&code), "{error}");
    let size = governor.audit().size().expect("size");
    let last = governor.audit().store().entry(size - 1).expect("entry");
    let entry = AuditEntry::from_bytes(&last.payload.expect("payload")).expect("parse");
    let AuditEvent::Gate(record) = entry.event else {
        panic!("the last entry is not the refusal: {entry:?}");
    };
    assert_eq!(record.gate, gate);
    assert!(!record.allow);
    assert!(
        record.record.to_string().contains(code),
        "{}",
        record.record
    );
}

fn registered(governor: &Governor, actors: &Actors, dir: &std::path::Path) -> ModelRef {
    let v = governor
        .register(
            &actors.scientist.principal(),
            registration(&model_dir(dir, "m", 0.3), actors),
        )
        .expect("register");
    ModelRef::version(v.name, v.version)
}

fn attach(governor: &Governor, actors: &Actors, r: &ModelRef, evidence: Vec<Evidence>) {
    for e in evidence {
        governor
            .attach_evidence(&actors.scientist.principal(), r, e)
            .expect("attach");
    }
}

fn validated(governor: &Governor, actors: &Actors, dir: &std::path::Path) -> ModelRef {
    let r = registered(governor, actors, dir);
    attach(governor, actors, &r, evidence_for(&model_json(0.3), false));
    governor
        .validate(&actors.validator.principal(), &r)
        .expect("validate");
    r
}

#[test]
fn an_actor_without_the_role_is_refused_by_authz() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (governor, _) = governor();
    let actors = enrol(&governor);
    let result = governor.register(
        &actors.deployer.principal(),
        registration(&model_dir(dir.path(), "m", 0.3), &actors),
    );
    assert_refused(&governor, result, "authz", "not_permitted");
    let stranger = ActorId::new("mallory@example.com").expect("id");
    let result = governor.register(
        &aigov::Principal::vouched_by_host(stranger.clone()),
        registration(&dir.path().join("m"), &actors),
    );
    assert_refused(&governor, result, "authz", "not_permitted");
    // Nothing was registered.
    assert!(
        governor
            .registry()
            .store()
            .model(&ModelName::new("login-risk").expect("name"))
            .expect("read")
            .is_none()
    );
    // Only an admin enrols others once the directory has one.
    let key = aigov::core::SignerKey::generate("m").expect("key");
    let result = governor.add_actor(
        &actors.owner.principal(),
        stranger.clone(),
        key.verifier(),
        [Role::Admin],
    );
    assert_refused(&governor, result, "authz", "not_permitted");
    let result = governor.add_actor(
        &aigov::Principal::vouched_by_host(stranger.clone()),
        stranger.clone(),
        key.verifier(),
        [Role::Admin],
    );
    assert_refused(&governor, result, "authz", "not_permitted");
}

#[test]
fn missing_lineage_rejects_at_registration() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (governor, _) = governor();
    let actors = enrol(&governor);
    let mut reg: Registration = registration(&model_dir(dir.path(), "m", 0.3), &actors);
    reg.sbom = None;
    let result = governor.register(&actors.scientist.principal(), reg);
    assert!(
        result
            .as_ref()
            .err()
            .is_some_and(|e| e.codes() == vec!["missing_sbom"])
    );
    let v = governor
        .registry()
        .resolve(&common::version_ref(1))
        .expect("version");
    assert_eq!(v.stage, Stage::Rejected);
}

#[test]
fn files_changed_after_signature_verification_reject_the_version() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (governor, _) = governor();
    let actors = enrol(&governor);
    let mut reg: Registration = registration(&model_dir(dir.path(), "m", 0.3), &actors);
    reg.signed_root = Some(aigov::core::Digest::of(b"the files that were signed"));
    let result = governor.register(&actors.scientist.principal(), reg);
    assert_refused(&governor, result, "signature", "root_mismatch");
    let v = governor
        .registry()
        .resolve(&common::version_ref(1))
        .expect("version");
    assert_eq!(
        v.stage,
        Stage::Rejected,
        "stored, then rejected on the spot"
    );

    // The same files with their own root as the signed one register and pass the gate.
    let mut reg: Registration = registration(&model_dir(dir.path(), "m", 0.3), &actors);
    reg.signed_root = Some(v.root);
    let v2 = governor
        .register(&actors.scientist.principal(), reg)
        .expect("register");
    assert_eq!(v2.stage, Stage::Registered);
}

#[test]
fn missing_fairness_evidence_keeps_the_version_registered() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (governor, _) = governor();
    let actors = enrol(&governor);
    let r = registered(&governor, &actors, dir.path());
    let without_fairness = evidence_for(&model_json(0.3), false)
        .into_iter()
        .filter(|e| e.kind != EvidenceKind::Fairness)
        .collect();
    attach(&governor, &actors, &r, without_fairness);
    let result = governor.validate(&actors.validator.principal(), &r);
    let error = result.expect_err("denied");
    assert_eq!(error.denied_by(), Some("validation"));
    assert_eq!(error.codes(), vec!["missing_fairness"]);
    assert_eq!(
        governor.registry().resolve(&r).expect("v").stage,
        Stage::Registered
    );
    // The gate decision is audited with its reason.
    let gate = governor
        .audit()
        .store()
        .entries(0, governor.audit().size().expect("size"))
        .expect("entries")
        .into_iter()
        .rev()
        .find_map(
            |e| match AuditEntry::from_bytes(e.payload.as_ref()?).ok()?.event {
                AuditEvent::Gate(g) if g.gate == "validation" => Some(g),
                _ => None,
            },
        )
        .expect("validation gate audited");
    assert!(!gate.allow);
    assert!(gate.record.to_string().contains("missing_fairness"));
}

#[test]
fn a_failed_fairness_verdict_rejects() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (governor, _) = governor();
    let actors = enrol(&governor);
    let r = registered(&governor, &actors, dir.path());
    attach(&governor, &actors, &r, evidence_for(&model_json(0.3), true));
    let error = governor
        .validate(&actors.validator.principal(), &r)
        .expect_err("denied");
    assert_eq!(error.denied_by(), Some("validation"));
    assert!(error.codes().contains(&"fairness_failed"), "{error}");
    assert_eq!(
        governor.registry().resolve(&r).expect("v").stage,
        Stage::Rejected
    );
    // Evidence of a known kind must be the report its crate writes.
    let r2 = ModelRef::version(
        ModelName::new("login-risk").expect("name"),
        aigov::core::VersionId::new(1).expect("id"),
    );
    let forged = Evidence {
        kind: EvidenceKind::Fairness,
        producer: "hand".into(),
        content: serde_json::json!({"verdict": "pass"}),
    };
    assert!(matches!(
        governor.attach_evidence(&actors.scientist.principal(), &r2, forged),
        Err(Error::InvalidInput { .. })
    ));
}

#[test]
fn unsigned_expired_wrong_role_and_self_approvals_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (governor, clock) = governor();
    let actors = enrol(&governor);
    let r = validated(&governor, &actors, dir.path());
    let v = governor.registry().resolve(&r).expect("version");
    let now = aigov::core::Clock::now(clock.as_ref());
    let predicate = |role: Role, issued: chrono::DateTime<Utc>, expires: chrono::DateTime<Utc>| {
        ApprovalPredicate {
            model: v.name.clone(),
            version: v.version,
            stage: Stage::Staging,
            role,
            decision: Decision::Approve,
            approver: actors.validator.id.clone(),
            issued_at: issued,
            expires_at: expires,
            comment: String::new(),
        }
    };

    let mut unsigned = predicate(Role::Validator, now, now + Duration::days(1))
        .sign(&v, &actors.validator.key)
        .expect("sign");
    unsigned.signatures.clear();
    let result = governor.submit_approval(&actors.validator.principal(), &r, unsigned);
    assert_refused(&governor, result, "approval", "untrusted_signature");

    let expired = predicate(
        Role::Validator,
        now - Duration::days(2),
        now - Duration::days(1),
    )
    .sign(&v, &actors.validator.key)
    .expect("sign");
    let result = governor.submit_approval(&actors.validator.principal(), &r, expired);
    assert_refused(&governor, result, "approval", "expired");

    let result = governor.approve(
        &actors.validator.principal(),
        &r,
        approval(Stage::Staging, Role::SecurityApprover),
        &actors.validator.key,
    );
    assert_refused(&governor, result, "approval", "wrong_role");

    // Signed with someone else's key than the named approver's.
    let result = governor.approve(
        &actors.validator.principal(),
        &r,
        approval(Stage::Staging, Role::Validator),
        &actors.security.key,
    );
    assert_refused(&governor, result, "approval", "signer_mismatch");

    // The data scientist who trained it is also a validator: still may not approve it.
    governor
        .add_actor(
            &actors.admin.principal(),
            actors.scientist.id.clone(),
            actors.scientist.key.verifier(),
            [Role::DataScientist, Role::Validator],
        )
        .expect("second role");
    let result = governor.approve(
        &actors.scientist.principal(),
        &r,
        approval(Stage::Staging, Role::Validator),
        &actors.scientist.key,
    );
    assert_refused(&governor, result, "approval", "self_approval");
    assert!(
        governor
            .registry()
            .resolve(&r)
            .expect("v")
            .approvals
            .is_empty()
    );

    // A valid approval that expires before promotion no longer counts.
    governor
        .approve(
            &actors.validator.principal(),
            &r,
            aigov::governor::ApprovalRequest {
                valid_for: Duration::hours(1),
                ..approval(Stage::Staging, Role::Validator)
            },
            &actors.validator.key,
        )
        .expect("approve");
    clock.advance(Duration::hours(2));
    let result = governor.promote(&actors.deployer.principal(), &r, Stage::Staging, None);
    assert_refused(&governor, result, "staging", "missing_approval");
    assert_eq!(
        governor.registry().resolve(&r).expect("v").stage,
        Stage::Validated
    );
}

#[test]
fn approvals_do_not_move_to_another_version_or_stage() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (governor, _) = governor();
    let actors = enrol(&governor);
    let r1 = validated(&governor, &actors, dir.path());
    let envelope = governor
        .approve(
            &actors.validator.principal(),
            &r1,
            approval(Stage::Staging, Role::Validator),
            &actors.validator.key,
        )
        .expect("approve v1");
    let v2 = governor
        .register(
            &actors.scientist.principal(),
            registration(&model_dir(dir.path(), "m2", 0.4), &actors),
        )
        .expect("v2");
    let r2 = ModelRef::version(v2.name, v2.version);
    let result = governor.submit_approval(&actors.validator.principal(), &r2, envelope);
    assert_refused(&governor, result, "approval", "wrong_subject");
    // A staging approval does not open production.
    governor
        .promote(&actors.deployer.principal(), &r1, Stage::Staging, None)
        .expect("staging");
    let result = governor.promote(
        &actors.deployer.principal(),
        &r1,
        Stage::Production,
        Some("eu-west-1"),
    );
    assert_refused(&governor, result, "production", "missing_approval");
}

#[test]
fn a_tampered_artifact_is_refused_at_load_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (governor, _) = governor();
    let actors = enrol(&governor);
    let path = model_dir(dir.path(), "v1", 0.3);
    let r = common::to_production(&governor, &actors, &path);
    governor
        .deploy(&actors.deployer.principal(), &r, "prod", Some("eu-west-1"))
        .expect("deploy");
    let name = ModelName::new("login-risk").expect("name");
    governor
        .verify_load(&actors.deployer.principal(), &name, "prod", &path)
        .expect("the approved bytes load");
    // Someone edits a weight between approval and load.
    std::fs::write(path.join("model.json"), model_json(0.0)).expect("tamper");
    let result = governor.verify_load(&actors.deployer.principal(), &name, "prod", &path);
    assert_refused(&governor, result, "deployment", "digest_not_approved");
    // Nothing deployed in an environment: nothing loads.
    let result = governor.verify_load(&actors.deployer.principal(), &name, "staging", &path);
    assert_refused(&governor, result, "deployment", "digest_not_approved");
}

/// A root swapped in the store (a manifest to match would pass every file check) carries no
/// approval: the decision path refuses it.
#[test]
fn a_swapped_root_does_not_decide() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (governor, _) = governor();
    let actors = enrol(&governor);
    let r = common::to_production(&governor, &actors, &model_dir(dir.path(), "v1", 0.3));
    governor
        .record_decision(
            &actors.deployer.principal(),
            common::decision(&r, serde_json::json!({"failed_logins": 1}), 0.2),
        )
        .expect("the approved root decides");
    let mut v = governor.registry().resolve(&r).expect("version");
    v.root = aigov::core::Digest::of(b"another model");
    governor
        .registry()
        .store()
        .update_version(&v, None)
        .expect("swapped behind the governor");
    // The serving cache keeps the old facts for its TTL; a fresh governor reads the store.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let result = governor.record_decision(
        &actors.deployer.principal(),
        common::decision(&r, serde_json::json!({"failed_logins": 1}), 0.2),
    );
    assert_refused(&governor, result, "serving", "unapproved_root");
}

#[test]
fn a_suspended_version_cannot_be_promoted_or_deployed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (governor, _) = governor();
    let actors = enrol(&governor);
    let r = common::to_production(&governor, &actors, &model_dir(dir.path(), "v1", 0.3));
    governor
        .open_incident(
            &actors.responder.principal(),
            NewIncident {
                id: "inc-1".into(),
                title: "evasion campaign".into(),
                kind: IncidentKind::Other,
                severity: Severity::High,
                affected: vec![r.clone()],
                source: IncidentSource::Person {
                    actor: actors.responder.id.to_string(),
                },
                owner: actors.responder.id.clone(),
            },
        )
        .expect("open");
    governor
        .contain(
            &actors.responder.principal(),
            "inc-1",
            &Containment::Suspend,
        )
        .expect("suspend");
    assert_eq!(
        governor.registry().resolve(&r).expect("v").stage,
        Stage::Suspended
    );
    let result = governor.promote(
        &actors.deployer.principal(),
        &r,
        Stage::Production,
        Some("eu-west-1"),
    );
    assert_refused(&governor, result, "production", "not_staged");
    let result = governor.deploy(&actors.deployer.principal(), &r, "prod", None);
    assert_refused(&governor, result, "lifecycle", "not_deployable");
    // Containment is for responders only.
    let result = governor.contain(&actors.deployer.principal(), "inc-1", &Containment::Suspend);
    assert_refused(&governor, result, "authz", "not_permitted");
}

#[test]
fn a_role_taken_away_stops_a_remembered_authorization() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (governor, _) = governor();
    let actors = enrol(&governor);
    let r = common::to_production(&governor, &actors, &model_dir(dir.path(), "v1", 0.3));
    let decide = || {
        governor.record_decision(
            &actors.deployer.principal(),
            common::decision(&r, serde_json::json!({"failed_logins": 3}), 0.7),
        )
    };
    decide().expect("a deployer records decisions");
    governor
        .add_actor(
            &actors.admin.principal(),
            actors.deployer.id.clone(),
            actors.deployer.key.verifier(),
            [Role::Auditor],
        )
        .expect("demote");
    assert_refused(&governor, decide(), "authz", "not_permitted");
}

#[test]
fn another_replica_sees_a_suspension_on_the_decision_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    let first = Governor::open(&store).expect("first");
    let actors = enrol(&first);
    let r = common::to_production(&first, &actors, &model_dir(dir.path(), "v1", 0.3));
    let second = GovernorBuilder::open(&store)
        .expect("second")
        .serving_cache(std::time::Duration::ZERO)
        .build()
        .expect("second");
    let request = common::decision(&r, serde_json::json!({"failed_logins": 3}), 0.7);
    second
        .record_decision(&actors.deployer.principal(), request.clone())
        .expect("serving");
    first
        .open_incident(
            &actors.responder.principal(),
            NewIncident {
                id: "inc-2".into(),
                title: "leak".into(),
                kind: IncidentKind::SensitiveDataLeak,
                severity: Severity::Critical,
                affected: vec![r.clone()],
                source: IncidentSource::Person {
                    actor: actors.responder.id.to_string(),
                },
                owner: actors.responder.id.clone(),
            },
        )
        .expect("open: the playbook suspends at once");
    let refused = second.record_decision(&actors.deployer.principal(), request);
    assert_eq!(refused.expect_err("suspended").denied_by(), Some("serving"));
}

#[test]
fn rotated_keys_keep_old_approvals_and_refuse_new_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (governor, clock) = governor();
    let actors = enrol(&governor);
    let r = validated(&governor, &actors, dir.path());
    governor
        .approve(
            &actors.validator.principal(),
            &r,
            approval(Stage::Staging, Role::Validator),
            &actors.validator.key,
        )
        .expect("approved with the first key");
    clock.advance(Duration::minutes(10));
    let new_key = aigov::core::SignerKey::generate("validator-2026").expect("key");
    governor
        .add_actor(
            &actors.admin.principal(),
            actors.validator.id.clone(),
            new_key.verifier(),
            [Role::Validator],
        )
        .expect("rotate");
    let trust = governor.directory().trust();
    assert_eq!(trust.approvers[&actors.validator.id].retired.len(), 1);
    // The approval stored before the rotation still counts.
    governor
        .promote(&actors.deployer.principal(), &r, Stage::Staging, None)
        .expect("the old approval still verifies");
    // Anything new signed with the retired key is refused, whatever date it claims.
    clock.advance(Duration::minutes(10));
    let result = governor.approve(
        &actors.validator.principal(),
        &r,
        approval(Stage::Production, Role::Validator),
        &actors.validator.key,
    );
    assert_refused(&governor, result, "approval", "retired_key");
    governor
        .approve(
            &actors.validator.principal(),
            &r,
            approval(Stage::Production, Role::Validator),
            &new_key,
        )
        .expect("the new key signs");
}

/// Two replicas on one PostgreSQL database, each with its own home: an enrolment or a
/// demotion on one reaches the other's authorization within its directory refresh.
#[test]
fn replicas_share_the_actor_directory_in_postgres() {
    let Some(pg) = aigov_testkit::PgSchema::create("gov_directory") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let first = Governor::postgres(&pg.url(), dir.path().join("home-a")).expect("first");
    let actors = enrol(&first);
    let r = common::to_production(&first, &actors, &model_dir(dir.path(), "v1", 0.3));
    let second = GovernorBuilder::postgres(&pg.url(), &dir.path().join("home-b"))
        .expect("second")
        .directory_refresh(std::time::Duration::ZERO)
        .build()
        .expect("second");
    let decide = || {
        second.record_decision(
            &actors.deployer.principal(),
            common::decision(&r, serde_json::json!({"failed_logins": 3}), 0.7),
        )
    };
    decide().expect("the deployer enrolled on the first replica may decide on the second");
    assert!(
        !dir.path().join("home-b/trust.json").exists(),
        "no per-replica copy of the directory"
    );
    first
        .add_actor(
            &actors.admin.principal(),
            actors.deployer.id.clone(),
            actors.deployer.key.verifier(),
            [Role::Auditor],
        )
        .expect("demote on the first replica");
    assert_refused(&second, decide(), "authz", "not_permitted");
}

/// A directory an earlier version kept in the replica's `trust.json` moves into the
/// database the first time the replica opens it.
#[test]
fn a_replicas_trust_file_is_imported_into_postgres_once() {
    let Some(pg) = aigov_testkit::PgSchema::create("gov_directory_import") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("home");
    // Written the way the file-backed directory writes it.
    let actors = {
        let governor = Governor::open(dir.path().join("sqlite")).expect("sqlite governor");
        enrol(&governor)
    };
    std::fs::create_dir_all(&home).expect("home");
    std::fs::copy(
        dir.path().join("sqlite/trust.json"),
        home.join("trust.json"),
    )
    .expect("copy");
    let governor = Governor::postgres(&pg.url(), &home).expect("replica");
    assert!(!home.join("trust.json").exists());
    assert!(home.join("trust.json.imported").exists());
    assert!(
        governor
            .directory()
            .roles(&actors.admin.id)
            .contains(&Role::Admin)
    );
}

/// Two people racing to enrol themselves as the first admin, through two governors on one
/// store: exactly one becomes admin, the other is refused by authz.
#[test]
fn only_one_of_two_racing_first_admins_wins() {
    for round in 0..8 {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = dir.path().join("store");
        let governors = [
            Governor::open(&store).expect("first"),
            Governor::open(&store).expect("second"),
        ];
        let barrier = std::sync::Barrier::new(2);
        let outcomes: Vec<Result<(), Error>> = std::thread::scope(|s| {
            let handles: Vec<_> = governors
                .iter()
                .enumerate()
                .map(|(i, governor)| {
                    let barrier = &barrier;
                    s.spawn(move || {
                        let who = ActorId::new(format!("claimant{i}@example.com")).expect("id");
                        let key = aigov::core::SignerKey::generate("claimant").expect("key");
                        barrier.wait();
                        governor.add_actor(
                            &aigov::Principal::vouched_by_host(who.clone()),
                            who.clone(),
                            key.verifier(),
                            [Role::Admin],
                        )
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("join"))
                .collect()
        });
        let won = outcomes.iter().filter(|o| o.is_ok()).count();
        assert_eq!(won, 1, "round {round}: {outcomes:?}");
        let lost = outcomes
            .iter()
            .find_map(|o| o.as_ref().err())
            .expect("a loser");
        assert_eq!(lost.denied_by(), Some("authz"), "round {round}: {lost}");
        governors[0].reload_directory().expect("reload");
        assert_eq!(governors[0].directory().trust().approvers.len(), 1);
    }
}

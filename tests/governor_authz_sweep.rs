//! The authorization sweep: every governor operation tried by an actor holding each role (and
//! by one holding none), each with a request signed by the actor's key. Exactly the roles `policy.yaml` permits get past the `authz` gate;
//! every other attempt is refused by it and the refusal is the newest audit entry.

mod common;

use std::collections::BTreeSet;

use aigov::audit::{AuditEntry, AuditEvent, AuditStoreExt};
use aigov::core::{Action, ActorId, Digest, ModelName, Role, SignedRequest, SignerKey};
use aigov::decommission::DecommissionMode;
use aigov::drift::{DriftOptions, MonitorConfig, QualityThresholds, Rule, Window};
use aigov::governor::{AlertResponse, IncidentUpdate, MonitorSettings};
use aigov::incident::{Containment, IncidentKind, IncidentSource, NewIncident, Severity};
use aigov::policy::PolicyConfig;
use aigov::registry::Stage;
use aigov::{Error, Governor, Principal};
use common::{approval, enrol, model_dir, registration, to_production};

/// Facade operations, each named by the policy action it needs, except the ones listed in
/// [`permission`] that share another operation's action.
const ACTIONS: [&str; 22] = [
    "manage-actors",
    "rotate-checkpoint-key",
    "reconcile-audit",
    "register",
    "attach-evidence",
    "validate",
    "approve",
    "promote",
    "deploy",
    "rollback",
    "verify-load",
    "record-decision",
    "record-review",
    "monitor",
    "open-incident",
    "contain",
    "update-incident",
    "decommission",
    "hold-audit",
    "redact-audit",
    "append-audit",
    "apply-policy",
];

/// The policy action an operation needs.
fn permission(operation: &str) -> Action {
    match operation {
        "rotate-checkpoint-key" => Action::ManageActors,
        other => other.parse().expect("an action"),
    }
}

/// Tries `action` as `principal` (`actor`, who signs approvals with `key`); returns the
/// outcome as a unit result.
#[allow(clippy::too_many_arguments)]
fn attempt(
    governor: &Governor,
    principal: &Principal,
    action: &str,
    actor: &ActorId,
    key: &SignerKey,
    role: Option<&Role>,
    dir: &std::path::Path,
    n: usize,
) -> Result<(), Error> {
    let actors_for_registration = || common::Actors {
        admin: person(actor, key),
        scientist: person(actor, key),
        validator: person(actor, key),
        security: person(actor, key),
        legal: person(actor, key),
        owner: person(actor, key),
        deployer: person(actor, key),
        responder: person(actor, key),
        auditor: person(actor, key),
    };
    let r = common::version_ref(1);
    let name = ModelName::new("login-risk").expect("name");
    match action {
        "manage-actors" => governor.add_actor(
            principal,
            ActorId::new(format!("new{n}@example.com")).expect("id"),
            SignerKey::generate("new").expect("key").verifier(),
            [Role::Auditor],
        ),
        "rotate-checkpoint-key" => governor.rotate_checkpoint_key(principal).map(drop),
        "reconcile-audit" => governor.record_unaudited_changes(principal).map(drop),
        "register" => governor
            .register(
                principal,
                registration(
                    &model_dir(dir, &format!("sweep{n}"), 0.1),
                    &actors_for_registration(),
                ),
            )
            .map(drop),
        "attach-evidence" => governor
            .attach_evidence(
                principal,
                &r,
                aigov::evidence::explanation_baseline(
                    &aigov::explain::Background::new(
                        ndarray::Array2::zeros((1, 3)),
                        common::FEATURES.iter().map(|f| f.to_string()).collect(),
                    )
                    .expect("background"),
                ),
            )
            .map(drop),
        "validate" => governor.validate(principal, &r).map(drop),
        "approve" => governor
            .approve(
                principal,
                &r,
                approval(Stage::Production, role.cloned().unwrap_or(Role::Auditor)),
                key,
            )
            .map(drop),
        "promote" => governor
            .promote(principal, &r, Stage::Production, Some("eu-west-1"))
            .map(drop),
        "deploy" => governor.deploy(principal, &r, "sweep", None).map(drop),
        "rollback" => governor
            .rollback(principal, &name, "prod", "sweep")
            .map(drop),
        "verify-load" => governor
            .verify_load(principal, &name, "prod", &dir.join("v1"))
            .map(drop),
        "record-decision" => governor
            .record_decision(
                principal,
                common::decision(&r, serde_json::json!({"failed_logins": n}), 0.2),
            )
            .map(drop),
        "record-review" => governor
            .record_review(principal, 0, "benign", false, "sweep")
            .map(drop),
        "monitor" => governor.start_monitor(
            principal,
            &r,
            MonitorSettings {
                config: MonitorConfig {
                    window: Window::Rows(100),
                    drift: DriftOptions::default(),
                    quality: QualityThresholds::default(),
                    rules: vec![Rule::DatasetDrift],
                    cooldown: chrono::Duration::hours(1),
                },
                on_warning: AlertResponse::Record,
                on_critical: AlertResponse::Record,
            },
        ),
        "open-incident" => governor
            .open_incident(
                principal,
                NewIncident {
                    id: format!("sweep-{n}"),
                    title: "sweep".into(),
                    kind: IncidentKind::Other,
                    severity: Severity::Low,
                    affected: vec![r.clone()],
                    source: IncidentSource::Person {
                        actor: actor.to_string(),
                    },
                    owner: actor.clone(),
                },
            )
            .map(drop),
        "contain" => governor
            .contain(
                principal,
                "sweep-base",
                &Containment::LegalHold { audit_range: None },
            )
            .map(drop),
        "decommission" => governor
            .decommission(principal, &r, DecommissionMode::Archive)
            .map(drop),
        "update-incident" => governor
            .update_incident(
                principal,
                "sweep-base",
                IncidentUpdate::Note(format!("sweep {n}")),
            )
            .map(drop),
        "hold-audit" => governor.hold_audit(principal, 0, 1, "sweep").map(drop),
        "redact-audit" => governor.redact_audit(principal, 0, "sweep"),
        "apply-policy" => governor
            .apply_policy(principal, aigov::policy::EXAMPLE_POLICY_YAML)
            .map(drop),
        "append-audit" => governor
            .append_audit(
                principal,
                vec![AuditEvent::Custom(serde_json::Map::from_iter([(
                    "sweep".to_string(),
                    serde_json::json!(n),
                )]))],
            )
            .map(drop),
        other => panic!("no attempt for {other}"),
    }
}

/// The newest audit entry, which must be a refusal: its gate and actor.
fn newest_refusal(governor: &Governor) -> (String, ActorId) {
    let size = governor.audit().size().expect("size");
    let last = governor.audit().store().entry(size - 1).expect("entry");
    let entry = AuditEntry::from_bytes(&last.payload.expect("payload")).expect("parse");
    let AuditEvent::Gate(gate) = entry.event else {
        panic!("the newest entry is not a refusal: {:?}", entry.event);
    };
    assert!(!gate.allow);
    (gate.gate, entry.actor)
}

fn person(actor: &ActorId, key: &SignerKey) -> common::Person {
    common::Person {
        id: actor.clone(),
        key: key.clone(),
    }
}

#[test]
fn only_permitted_roles_pass_authz_and_every_refusal_is_audited() {
    let dir = tempfile::tempdir().expect("tempdir");
    let governor = Governor::in_memory().expect("governor");
    let actors = enrol(&governor);
    let r = to_production(&governor, &actors, &model_dir(dir.path(), "v1", 0.3));
    governor
        .deploy(&actors.deployer.principal(), &r, "prod", Some("eu-west-1"))
        .expect("deploy");
    governor
        .open_incident(
            &actors.responder.principal(),
            NewIncident {
                id: "sweep-base".into(),
                title: "base".into(),
                kind: IncidentKind::Other,
                severity: Severity::Low,
                affected: vec![r.clone()],
                source: IncidentSource::Person {
                    actor: actors.responder.id.to_string(),
                },
                owner: actors.responder.id.clone(),
            },
        )
        .expect("incident");
    let permissions = PolicyConfig::default().permissions;
    let mut roles: Vec<Option<Role>> = Role::BUILT_IN.iter().cloned().map(Some).collect();
    roles.push(None);
    let (mut passed, mut refused, mut unauthenticated, mut n) = (0, 0, 0, 0);
    for role in &roles {
        for action in ACTIONS {
            n += 1;
            let actor = ActorId::new(format!("sweep{n}@example.com")).expect("id");
            let key = SignerKey::generate(&format!("sweep{n}")).expect("key");
            if let Some(role) = role {
                governor
                    .add_actor(
                        &actors.admin.principal(),
                        actor.clone(),
                        key.verifier(),
                        [role.clone()],
                    )
                    .expect("enrol");
            }
            let permitted: BTreeSet<&str> = permissions
                .get(permission(action).as_str())
                .map(|p| p.iter().map(String::as_str).collect())
                .unwrap_or_default();
            let allowed = role
                .as_ref()
                .is_some_and(|r| permitted.contains(r.as_str()));
            // The actor signs a request for the operation's action; the governor checks it
            // against the key it enrolled. Someone enrolled nowhere is refused by authn.
            let request = SignedRequest::sign(
                actor.clone(),
                governor.request_audience(),
                permission(action),
                Digest::of(action.as_bytes()),
                chrono::Utc::now(),
                &key,
            )
            .expect("sign");
            let principal = match governor.authenticate(&request) {
                Ok(principal) => principal,
                Err(e) => {
                    assert!(role.is_none(), "{action}: {e}");
                    assert_eq!(e.denied_by(), Some("authn"), "{action}: {e}");
                    assert_eq!(newest_refusal(&governor).0, "authn");
                    unauthenticated += 1;
                    // What a host vouching for a stranger gets: authz still says no.
                    Principal::vouched_by_host(actor.clone())
                }
            };
            let outcome = attempt(
                &governor,
                &principal,
                action,
                &actor,
                &key,
                role.as_ref(),
                dir.path(),
                n,
            );
            let by_authz = matches!(&outcome, Err(e) if e.denied_by() == Some("authz"));
            let label = format!("{action} as {:?}", role.as_ref().map(Role::as_str));
            if allowed {
                assert!(!by_authz, "{label} was refused by authz: {outcome:?}");
                passed += 1;
            } else {
                assert!(by_authz, "{label} got past authz: {outcome:?}");
                assert_eq!(
                    newest_refusal(&governor),
                    ("authz".to_string(), actor),
                    "{label}"
                );
                refused += 1;
            }
        }
    }
    eprintln!(
        "authorization sweep: {} cases ({} roles incl. none x {} operations): {passed} permitted, {refused} refused and audited ({unauthenticated} of them first refused by authn)",
        roles.len() * ACTIONS.len(),
        roles.len(),
        ACTIONS.len()
    );
    assert_eq!(unauthenticated, ACTIONS.len());
    assert_eq!(passed + refused, roles.len() * ACTIONS.len());
    assert!(passed >= 25 && refused >= 100, "{passed} / {refused}");
}

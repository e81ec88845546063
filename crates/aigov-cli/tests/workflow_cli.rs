//! The workflow commands end to end on a SQLite store: `actors add`, `approve`, `promote`,
//! `deploy`, `rollback`, `decide --explain`, `review` and `monitor`, each refusal naming the
//! gate or rule that said no.

mod common;
#[path = "../../../tests/common/mod.rs"]
mod scenario;

use std::path::Path;

use aigov::core::{ModelRef, SignerKey};
use aigov::explain::Background;
use aigov::{Governor, Principal};
use common::{aigov_as, ok};
use serde_json::Value;

const PEOPLE: [(&str, &str); 8] = [
    ("admin@example.com", "admin"),
    ("ds@example.com", "data-scientist"),
    ("validator@example.com", "validator"),
    ("security@example.com", "security-approver"),
    ("legal@example.com", "legal-approver"),
    ("owner@example.com", "model-owner"),
    ("deployer@example.com", "deployer"),
    ("responder@example.com", "incident-responder"),
];

fn key_path(keys: &Path, who: &str) -> String {
    let name = who.split('@').next().expect("name");
    keys.join(format!("{name}.key")).display().to_string()
}

fn refused(out: &std::process::Output, gate: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("denied by {gate}")), "{stderr}");
    stderr
}

/// Registers, evidences and validates a version with the library (the CLI has no command
/// that computes the evidence), as the enrolled data scientist and validator.
fn validated_version(store: &Path, models: &Path, name: &str, weight: f64) -> ModelRef {
    let governor = Governor::open(store).expect("governor");
    // The library's host (this test) vouches for the people it acts for.
    let host = |id: &str| Principal::vouched_by_host(aigov::core::ActorId::new(id).expect("id"));
    let ds = host("ds@example.com");
    let validator = host("validator@example.com");
    let owner = aigov::core::ActorId::new("owner@example.com").expect("id");
    let path = scenario::model_dir(models, name, weight);
    let mut registration = scenario::registration(
        &path,
        &scenario::Actors {
            admin: scenario_person("admin@example.com"),
            scientist: scenario_person("ds@example.com"),
            validator: scenario_person("validator@example.com"),
            security: scenario_person("security@example.com"),
            legal: scenario_person("legal@example.com"),
            owner: scenario_person("owner@example.com"),
            deployer: scenario_person("deployer@example.com"),
            responder: scenario_person("responder@example.com"),
            auditor: scenario_person("auditor@example.com"),
        },
    );
    registration.model.owner = owner;
    let v = governor.register(&ds, registration).expect("register");
    let r = ModelRef::version(v.name, v.version);
    for e in scenario::evidence_for(&scenario::model_json(weight), false) {
        governor.attach_evidence(&ds, &r, e).expect("evidence");
    }
    let (x, _, _) = scenario::holdout(200, 0.0);
    let background = Background::new(
        x,
        scenario::FEATURES.iter().map(|f| f.to_string()).collect(),
    )
    .expect("background");
    governor
        .attach_evidence(&ds, &r, aigov::evidence::explanation_baseline(&background))
        .expect("explanation baseline");
    governor.validate(&validator, &r).expect("validate");
    r
}

/// `login-risk@1` registered from the command line by the data scientist, with lineage.
fn register_login_risk(store: &Path, dir: &Path) {
    let path = scenario::model_dir(&dir.join("models"), "v1", 0.3);
    let mut register = vec![
        "model".to_string(),
        "register".into(),
        "login-risk".into(),
        path.display().to_string(),
    ];
    register.extend(common::lineage_args(dir));
    let register: Vec<&str> = register.iter().map(String::as_str).collect();
    ok(&aigov_as(store, "ds@example.com", &register));
}

fn scenario_person(id: &str) -> scenario::Person {
    scenario::Person {
        id: aigov::core::ActorId::new(id).expect("id"),
        key: SignerKey::generate("unused").expect("key"),
    }
}

fn to_production(store: &Path, keys: &Path, version: &str) {
    let run = |who: &str, args: &[&str]| aigov_as(store, who, args);
    ok(&run(
        "validator@example.com",
        &[
            "approve",
            version,
            "--stage",
            "staging",
            "--role",
            "validator",
            "--key",
            &key_path(keys, "validator@example.com"),
        ],
    ));
    ok(&run(
        "deployer@example.com",
        &["promote", version, "--stage", "staging"],
    ));
    for (who, role) in [
        ("security@example.com", "security-approver"),
        ("legal@example.com", "legal-approver"),
        ("owner@example.com", "model-owner"),
    ] {
        ok(&run(
            who,
            &[
                "approve",
                version,
                "--stage",
                "production",
                "--role",
                role,
                "--key",
                &key_path(keys, who),
                "--expires",
                "2d",
                "--comment",
                "evidence reviewed",
            ],
        ));
    }
    let promoted = ok(&run(
        "deployer@example.com",
        &[
            "promote",
            version,
            "--stage",
            "production",
            "--region",
            "eu-west-1",
        ],
    ));
    assert!(promoted.contains("production"), "{promoted}");
}

#[test]
fn the_workflow_from_enrolment_to_a_drift_incident() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = tmp.path().join("store");
    let keys = common::actor_keys(&store);
    ok(&aigov_as(&store, "admin@example.com", &["init"]));
    for (who, role) in PEOPLE {
        let key = SignerKey::generate(who.split('@').next().expect("name")).expect("key");
        key.save(&keys).expect("save");
        let public = keys.join(format!("{}.pub", key.name()));
        let out = aigov_as(
            &store,
            "admin@example.com",
            &[
                "actors",
                "add",
                who,
                "--role",
                role,
                "--key",
                public.to_str().expect("path"),
            ],
        );
        ok(&out);
    }
    // Only an admin enrols.
    let intruder = aigov_as(
        &store,
        "deployer@example.com",
        &[
            "actors",
            "add",
            "x@example.com",
            "--role",
            "admin",
            "--key",
            &std::fs::read_to_string(keys.join("deployer.pub")).expect("pub"),
        ],
    );
    refused(&intruder, "authz");
    let listed = ok(&aigov_as(&store, "admin@example.com", &["actors", "list"]));
    assert_eq!(listed.lines().count(), PEOPLE.len());

    let models = tmp.path().join("models");
    validated_version(&store, &models, "v1", 0.3);
    validated_version(&store, &models, "v2", 0.35);

    // Refusals name their gate: a role the approver does not hold; an actor who may not act.
    let wrong_role = aigov_as(
        &store,
        "validator@example.com",
        &[
            "approve",
            "login-risk@1",
            "--stage",
            "staging",
            "--role",
            "security-approver",
            "--key",
            &key_path(&keys, "validator@example.com"),
        ],
    );
    let stderr = refused(&wrong_role, "approval");
    assert!(stderr.contains("wrong_role"), "{stderr}");
    let not_permitted = aigov_as(
        &store,
        "deployer@example.com",
        &[
            "approve",
            "login-risk@1",
            "--stage",
            "staging",
            "--role",
            "deployer",
            "--key",
            &key_path(&keys, "deployer@example.com"),
        ],
    );
    refused(&not_permitted, "authz");
    let early = aigov_as(
        &store,
        "deployer@example.com",
        &[
            "promote",
            "login-risk@1",
            "--stage",
            "production",
            "--region",
            "eu-west-1",
        ],
    );
    let stderr = refused(&early, "production");
    assert!(stderr.contains("not_staged"), "{stderr}");

    to_production(&store, &keys, "login-risk@1");
    to_production(&store, &keys, "login-risk@2");
    let deploy = |v: &str| {
        ok(&aigov_as(
            &store,
            "deployer@example.com",
            &["deploy", v, "--env", "prod", "--region", "eu-west-1"],
        ))
    };
    deploy("login-risk@1");
    deploy("login-risk@2");
    let back = ok(&aigov_as(
        &store,
        "deployer@example.com",
        &["rollback", "--env", "prod"],
    ));
    assert!(back.contains("version 2 -> version 1"), "{back}");
    deploy("login-risk@2");

    // A decision with its explanation, then a human override.
    let input = tmp.path().join("login.json");
    std::fs::write(
        &input,
        r#"{"failed_logins": 4, "new_device": 1, "bad_asn": 1, "user": "bob@example.com"}"#,
    )
    .expect("input");
    let decided: Value = serde_json::from_str(&ok(&aigov_as(
        &store,
        "deployer@example.com",
        &[
            "decide",
            "login-risk@2",
            "--input",
            input.to_str().expect("path"),
            "--explain",
            "--json",
        ],
    )))
    .expect("json");
    assert_eq!(decided["action"], "flag");
    let score = decided["score"].as_f64().expect("score");
    let logit: f64 = -4.0 + 0.35 * 4.0 + 2.5 + 3.0;
    assert!((score - 1.0 / (1.0 + (-logit).exp())).abs() < 1e-12);
    let explanation = &decided["explanation"];
    let total: f64 = explanation["top_features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| f["value"].as_f64().expect("value"))
        .sum::<f64>()
        + explanation["base_value"].as_f64().expect("base");
    assert!(
        (total - score).abs() < 1e-9,
        "additivity: {total} vs {score}"
    );
    let index = decided["index"].as_u64().expect("index").to_string();
    let reviewed = ok(&aigov_as(
        &store,
        "security@example.com",
        &[
            "review",
            &index,
            "--verdict",
            "benign",
            "--override",
            "--reason",
            "known traveller",
        ],
    ));
    assert!(reviewed.contains("overridden"), "{reviewed}");
    let not_a_decision = aigov_as(
        &store,
        "security@example.com",
        &["review", "0", "--verdict", "benign"],
    );
    assert_eq!(not_a_decision.status.code(), Some(2));

    // Drifted data: alerts, an incident, prod back on version 1, version 2 suspended.
    let (drifted, _, _) = scenario::holdout(600, 1.0);
    let current = tmp.path().join("current.csv");
    std::fs::write(&current, scenario::csv(&drifted)).expect("csv");
    let monitored = aigov_as(
        &store,
        "deployer@example.com",
        &[
            "monitor",
            "--model",
            "login-risk@2",
            "--current",
            current.to_str().expect("path"),
            "--json",
        ],
    );
    assert_eq!(monitored.status.code(), Some(1));
    let outcome: Value =
        serde_json::from_str(&String::from_utf8_lossy(&monitored.stdout)).expect("json");
    assert_eq!(outcome["incidents"].as_array().expect("incidents").len(), 1);
    let changes = outcome["contained"].to_string();
    assert!(changes.contains("suspended"), "{changes}");
    let governor = Governor::open(&store).expect("governor");
    let name = aigov::core::ModelName::new("login-risk").expect("name");
    assert_eq!(
        governor
            .registry()
            .deployed(&name, "prod")
            .expect("deployed"),
        Some(aigov::core::VersionId::new(1).expect("id"))
    );
    let suspended = aigov_as(
        &store,
        "deployer@example.com",
        &[
            "decide",
            "login-risk@2",
            "--input",
            input.to_str().expect("path"),
        ],
    );
    refused(&suspended, "serving");
    // The compliance documents of the suspended version: Annex IV names its gaps (exit 1).
    let annex = aigov_as(
        &store,
        "admin@example.com",
        &["report", "annex-iv", "login-risk@2", "--format", "json"],
    );
    assert_eq!(annex.status.code(), Some(1));
    let annex: Value = serde_json::from_slice(&annex.stdout).expect("annex json");
    assert_eq!(annex["sections"].as_array().expect("sections").len(), 9);
    let html_path = tmp.path().join("report.html");
    let html = aigov_as(
        &store,
        "admin@example.com",
        &[
            "report",
            "annex-iv",
            "login-risk@2",
            "--format",
            "html",
            "--out",
            html_path.to_str().expect("path"),
        ],
    );
    assert_eq!(html.status.code(), Some(1), "gaps remain");
    let html = std::fs::read_to_string(&html_path).expect("html written");
    assert!(
        html.contains("<svg") && html.contains("reference vs current"),
        "charts drawn"
    );
    let card = ok(&aigov_as(
        &store,
        "admin@example.com",
        &["report", "model-card", "login-risk@2"],
    ));
    assert!(card.contains("1 human review(s), 1 override(s)"), "{card}");
    let bom: Value = serde_json::from_str(&ok(&aigov_as(
        &store,
        "admin@example.com",
        &["report", "mlbom", "login-risk@2"],
    )))
    .expect("bom");
    assert_eq!(
        bom["components"][0]["modelCard"]["modelParameters"]["approach"]["type"],
        "supervised"
    );
    // The whole log verifies.
    ok(&aigov_as(
        &store,
        "admin@example.com",
        &["audit", "checkpoint"],
    ));
    ok(&aigov_as(&store, "admin@example.com", &["audit", "verify"]));
    for args in [
        &["audit", "reconcile"][..],
        &["audit", "reconcile", "--record"][..],
    ] {
        let reconciled = ok(&aigov_as(&store, "admin@example.com", args));
        assert!(
            reconciled.contains("every registry change is in the audit log or on its way"),
            "{reconciled}"
        );
        assert!(!reconciled.contains("PENDING"), "{reconciled}");
    }
    let out = aigov_as(
        &store,
        "deployer@example.com",
        &["audit", "reconcile", "--record"],
    );
    refused(&out, "authz");
}

/// The command-line authorization sweep: every command that changes the store, run by an
/// actor holding each built-in role (signing with their key) and by a stranger with no key.
/// Exactly the roles `policy.yaml` permits get past `authz`; everyone else is refused by it,
/// and the stranger is refused by `authn` first.
#[test]
fn every_mutating_command_authenticates_and_authorizes_every_caller() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = tmp.path().join("store");
    let keys = common::actor_keys(&store);
    ok(&aigov_as(&store, "admin@example.com", &["init"]));
    let people: Vec<(&str, &str)> = PEOPLE
        .iter()
        .copied()
        .chain([("auditor@example.com", "auditor")])
        .collect();
    common::enrol(
        |actor, args| aigov_as(&store, actor, args),
        &keys,
        &people[1..],
    );
    let models = tmp.path().join("models");
    validated_version(&store, &models, "v1", 0.3);
    to_production(&store, &keys, "login-risk@1");
    ok(&aigov_as(
        &store,
        "deployer@example.com",
        &[
            "deploy",
            "login-risk@1",
            "--env",
            "prod",
            "--region",
            "eu-west-1",
        ],
    ));
    ok(&aigov_as(
        &store,
        "responder@example.com",
        &[
            "incident",
            "open",
            "--id",
            "INC-S",
            "--title",
            "sweep",
            "--kind",
            "other",
            "--severity",
            "low",
            "--model",
            "login-risk@1",
        ],
    ));
    let file = |name: &str, text: &str| {
        let path = tmp.path().join(name);
        std::fs::write(&path, text).expect("write");
        path.display().to_string()
    };
    let input = file(
        "login.json",
        r#"{"failed_logins": 1, "new_device": 0, "bad_asn": 0}"#,
    );
    let (x, _, _) = scenario::holdout(200, 0.0);
    let current = file("current.csv", &scenario::csv(&x));
    let payload = file("p.json", r#"{"note": "sweep"}"#);
    let policy = file("policy.yaml", aigov::policy::EXAMPLE_POLICY_YAML);
    let new_model = scenario::model_dir(&models, "sweep", 0.2)
        .display()
        .to_string();
    let pubkey = keys.join("auditor.pub").display().to_string();
    let lineage = common::lineage_args(tmp.path());
    // (action, arguments); `{key}` is the caller's own private key.
    let mut register = vec!["model", "register", "login-risk", new_model.as_str()];
    register.extend(lineage.iter().map(String::as_str));
    let commands: Vec<(&str, Vec<&str>)> = vec![
        (
            "manage-actors",
            vec![
                "actors",
                "add",
                "new@example.com",
                "--role",
                "auditor",
                "--key",
                &pubkey,
            ],
        ),
        ("register", register),
        (
            "approve",
            vec![
                "approve",
                "login-risk@1",
                "--stage",
                "production",
                "--role",
                "auditor",
                "--key",
                "{key}",
            ],
        ),
        (
            "promote",
            vec![
                "promote",
                "login-risk@1",
                "--stage",
                "production",
                "--region",
                "eu-west-1",
            ],
        ),
        (
            "deploy",
            vec![
                "deploy",
                "login-risk@1",
                "--env",
                "sweep",
                "--region",
                "eu-west-1",
            ],
        ),
        (
            "record-decision",
            vec!["decide", "login-risk@1", "--input", &input],
        ),
        ("record-review", vec!["review", "0", "--verdict", "benign"]),
        (
            "monitor",
            vec!["monitor", "--model", "login-risk@1", "--current", &current],
        ),
        (
            "open-incident",
            vec![
                "incident",
                "open",
                "--title",
                "t",
                "--kind",
                "other",
                "--severity",
                "low",
                "--model",
                "login-risk@1",
            ],
        ),
        (
            "update-incident",
            vec!["incident", "note", "INC-S", "swept"],
        ),
        (
            "update-incident",
            vec!["incident", "status", "INC-S", "investigating"],
        ),
        (
            "update-incident",
            vec!["incident", "notify", "INC-S", "--to", "stakeholders"],
        ),
        ("contain", vec!["incident", "contain", "INC-S", "--hold"]),
        (
            "hold-audit",
            vec![
                "audit", "hold", "--from", "0", "--to", "1", "--reason", "sweep",
            ],
        ),
        ("hold-audit", vec!["audit", "release-hold", "1"]),
        (
            "redact-audit",
            vec!["audit", "redact", "0", "--reason", "sweep"],
        ),
        (
            "append-audit",
            vec![
                "audit",
                "append",
                "--kind",
                "custom",
                "--json-file",
                &payload,
            ],
        ),
        ("reconcile-audit", vec!["audit", "reconcile", "--record"]),
        (
            "rollback",
            vec!["rollback", "--env", "sweep", "--model", "login-risk"],
        ),
        (
            "decommission",
            vec!["decommission", "login-risk@1", "--mode", "archive"],
        ),
        ("update-incident", vec!["incident", "close", "INC-S"]),
        ("apply-policy", vec!["policy", "apply", &policy]),
        ("manage-actors", vec!["keys", "rotate-store"]),
    ];
    let stranger_key = SignerKey::generate("stranger")
        .expect("key")
        .save(&tmp.path().join("stranger"))
        .expect("save")
        .private
        .display()
        .to_string();
    let permissions = aigov::policy::PolicyConfig::default().permissions;
    let (mut permitted, mut by_authz, mut by_authn) = (0, 0, 0);
    for (action, template) in &commands {
        let allowed = &permissions[*action];
        // A stranger with no key (or, for `approve`, only a key of their own): refused before
        // any role is looked at.
        let args: Vec<&str> = template
            .iter()
            .map(|a| {
                if *a == "{key}" {
                    stranger_key.as_str()
                } else {
                    a
                }
            })
            .collect();
        let out = aigov_as(&store, "stranger@example.com", &args);
        let stderr = refused(&out, "authn");
        assert!(
            stderr.contains("missing_signature") || stderr.contains("unknown_actor"),
            "{template:?}: {stderr}"
        );
        by_authn += 1;
        for (who, role) in &people {
            let key = key_path(&keys, who);
            let args: Vec<&str> = template
                .iter()
                .map(|a| if *a == "{key}" { key.as_str() } else { a })
                .collect();
            let out = aigov_as(&store, who, &args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            if allowed.iter().any(|r| r == role) {
                assert!(
                    !stderr.contains("denied by authz") && !stderr.contains("denied by authn"),
                    "{role} may {action}: {args:?}: {stderr}"
                );
                permitted += 1;
            } else {
                refused(&out, "authz");
                by_authz += 1;
            }
        }
    }
    eprintln!(
        "CLI authorization sweep: {} commands x ({} roles + a stranger without a key): \
         {permitted} permitted, {by_authz} refused by authz, {by_authn} refused by authn",
        commands.len(),
        people.len()
    );
    assert_eq!(permitted + by_authz, commands.len() * people.len());
    ok(&aigov_as(
        &store,
        "auditor@example.com",
        &["audit", "verify"],
    ));
}

/// Reports computed elsewhere reach a version and its validation gate through the command
/// line alone: `evidence attach` (known kinds must parse as their crate's reports),
/// `evidence list`, `model validate` (exit 1 with each missing code, then 0).
#[test]
fn evidence_and_validation_from_the_command_line() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = tmp.path().join("store");
    ok(&aigov_as(&store, "admin@example.com", &["init"]));
    common::enrol(
        |actor, args| aigov_as(&store, actor, args),
        &common::actor_keys(&store),
        &PEOPLE[1..],
    );
    register_login_risk(&store, tmp.path());
    // What a refused first registration left empty can be set later, audited.
    let updated = ok(&aigov_as(
        &store,
        "ds@example.com",
        &[
            "model",
            "update",
            "login-risk",
            "--purpose",
            "block account takeover",
            "--risk-class",
            "high",
        ],
    ));
    assert!(updated.contains("block account takeover"), "{updated}");
    let shown: Value = serde_json::from_str(&ok(&aigov_as(
        &store,
        "anyone@example.com",
        &["model", "show", "login-risk", "--json"],
    )))
    .expect("json");
    assert_eq!(
        shown["model"]["intended_purpose"], "block account takeover",
        "{shown}"
    );
    let out = aigov_as(
        &store,
        "deployer@example.com",
        &["model", "update", "login-risk", "--description", "x"],
    );
    refused(&out, "authz");
    let early = aigov_as(
        &store,
        "validator@example.com",
        &["model", "validate", "login-risk@1"],
    );
    let stderr = refused(&early, "validation");
    assert!(stderr.contains("missing_"), "{stderr}");
    // A report that is not what its kind says is refused.
    let bogus = tmp.path().join("bogus.json");
    std::fs::write(&bogus, r#"{"roc_auc": 0.99}"#).expect("write");
    let out = aigov_as(
        &store,
        "ds@example.com",
        &[
            "evidence",
            "attach",
            "login-risk@1",
            "--kind",
            "performance",
            "--file",
            bogus.to_str().expect("path"),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (i, e) in scenario::evidence_for(&scenario::model_json(0.3), false)
        .into_iter()
        .enumerate()
    {
        let file = tmp.path().join(format!("report{i}.json"));
        std::fs::write(&file, serde_json::to_vec(&e.content).expect("json")).expect("write");
        let attached = ok(&aigov_as(
            &store,
            "ds@example.com",
            &[
                "evidence",
                "attach",
                "login-risk@1",
                "--kind",
                e.kind.as_str(),
                "--file",
                file.to_str().expect("path"),
            ],
        ));
        assert!(attached.contains("attached to login-risk@1"), "{attached}");
    }
    let listed: Value = serde_json::from_str(&ok(&aigov_as(
        &store,
        "anyone@example.com",
        &["evidence", "list", "login-risk@1", "--json"],
    )))
    .expect("json");
    assert_eq!(listed.as_array().expect("list").len(), 4);
    let validated = ok(&aigov_as(
        &store,
        "validator@example.com",
        &["model", "validate", "login-risk@1"],
    ));
    assert!(
        validated.contains("login-risk@1 is validated"),
        "{validated}"
    );
    // A data scientist may not run the gate.
    let out = aigov_as(
        &store,
        "ds@example.com",
        &["model", "validate", "login-risk@1"],
    );
    refused(&out, "authz");
}

/// `aigov assess` computes every report from the registered model on hold-out data and
/// attaches them; the version then passes `model validate` with the CLI alone.
#[test]
fn assess_then_validate_from_the_command_line() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = tmp.path().join("store");
    ok(&aigov_as(&store, "admin@example.com", &["init"]));
    common::enrol(
        |actor, args| aigov_as(&store, actor, args),
        &common::actor_keys(&store),
        &PEOPLE[1..],
    );
    register_login_risk(&store, tmp.path());
    let (x, y, region) = scenario::holdout(2000, 0.0);
    let mut csv = format!("{},label,region\n", scenario::FEATURES.join(","));
    for (i, row) in x.rows().into_iter().enumerate() {
        let cells: Vec<String> = row.iter().map(f64::to_string).collect();
        csv.push_str(&format!(
            "{},{},{}\n",
            cells.join(","),
            u8::from(y[i]),
            region[i]
        ));
    }
    let holdout = tmp.path().join("holdout.csv");
    std::fs::write(&holdout, csv).expect("write");
    let holdout = holdout.to_str().expect("path");
    // Only roles that may attach evidence may assess.
    let out = aigov_as(
        &store,
        "deployer@example.com",
        &[
            "assess",
            "login-risk@1",
            "--holdout",
            holdout,
            "--label",
            "label",
        ],
    );
    refused(&out, "authz");
    let assessed: Value = serde_json::from_str(&ok(&aigov_as(
        &store,
        "ds@example.com",
        &[
            "assess",
            "login-risk@1",
            "--holdout",
            holdout,
            "--label",
            "label",
            "--sensitive",
            "region",
            "--immutable",
            "new_device,bad_asn",
            "--integer",
            "failed_logins",
            "--json",
        ],
    )))
    .expect("json");
    let kinds: Vec<&str> = assessed["attached"]
        .as_array()
        .expect("attached")
        .iter()
        .map(|a| a["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(
        kinds,
        [
            "performance",
            "fairness",
            "robustness",
            "drift-baseline",
            "explanation-baseline"
        ]
    );
    let validated = ok(&aigov_as(
        &store,
        "validator@example.com",
        &["model", "validate", "login-risk@1"],
    ));
    assert!(
        validated.contains("login-risk@1 is validated"),
        "{validated}"
    );
    // A missing label column is bad input, named.
    let out = aigov_as(
        &store,
        "ds@example.com",
        &[
            "assess",
            "login-risk@1",
            "--holdout",
            holdout,
            "--label",
            "nope",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope"));
}

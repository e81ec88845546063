//! A small login-risk scenario shared by the governor's end-to-end tests: enrolled actors,
//! a linear model on disk, and evidence computed by the statistics crates from generated
//! hold-out data.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use aigov::core::{ActorId, Digest, Model, ModelName, ModelRef, Role, SignerKey, VersionId};
use aigov::drift::{ProfileOptions, ReferenceProfile, Table};
use aigov::fairness::{AuditConfig, FairnessReport, SensitiveColumn, group_counts};
use aigov::governor::{ApprovalRequest, Holdout, Registration};
use aigov::registry::{
    CodeRef, DatasetRef, Decision, Evidence, Lineage, NewModel, NewVersion, RiskClass, Stage,
};
use aigov::validation::{
    Attack, EvasionConfig, FeatureConstraints, HoldoutOptions, LinearModel, RobustnessReport,
    evasion_test, holdout_metrics,
};
use aigov::{Governor, evidence};
use chrono::Duration;
use ndarray::Array2;

/// The features of the login-risk model.
pub const FEATURES: [&str; 3] = ["failed_logins", "new_device", "bad_asn"];

/// One enrolled person.
pub struct Person {
    /// Their id.
    pub id: ActorId,
    /// Their approval key.
    pub key: SignerKey,
}

impl Person {
    /// The person as the test host vouches for them.
    pub fn principal(&self) -> aigov::Principal {
        aigov::Principal::vouched_by_host(self.id.clone())
    }
}

fn person(id: &str) -> Person {
    Person {
        id: ActorId::new(id).expect("actor id"),
        key: SignerKey::generate(id.split('@').next().expect("name")).expect("key"),
    }
}

/// Everyone in the scenario.
pub struct Actors {
    pub admin: Person,
    pub scientist: Person,
    pub validator: Person,
    pub security: Person,
    pub legal: Person,
    pub owner: Person,
    pub deployer: Person,
    pub responder: Person,
    pub auditor: Person,
}

/// Enrols every actor, the admin first (bootstrap).
pub fn enrol(governor: &Governor) -> Actors {
    let actors = Actors {
        admin: person("admin@example.com"),
        scientist: person("ds@example.com"),
        validator: person("validator@example.com"),
        security: person("security@example.com"),
        legal: person("legal@example.com"),
        owner: person("owner@example.com"),
        deployer: person("deployer@example.com"),
        responder: person("responder@example.com"),
        auditor: person("auditor@example.com"),
    };
    let admin = &actors.admin.id;
    governor
        .add_actor(
            &actors.admin.principal(),
            admin.clone(),
            actors.admin.key.verifier(),
            [Role::Admin],
        )
        .expect("bootstrap admin");
    for (p, role) in [
        (&actors.scientist, Role::DataScientist),
        (&actors.validator, Role::Validator),
        (&actors.security, Role::SecurityApprover),
        (&actors.legal, Role::LegalApprover),
        (&actors.owner, Role::ModelOwner),
        (&actors.deployer, Role::Deployer),
        (&actors.responder, Role::IncidentResponder),
        (&actors.auditor, Role::Auditor),
    ] {
        governor
            .add_actor(
                &actors.admin.principal(),
                p.id.clone(),
                p.key.verifier(),
                [role],
            )
            .expect("enrol");
    }
    actors
}

/// The model: new devices from bad networks are risky; failed logins add a little.
pub fn model_json(failed_weight: f64) -> String {
    format!(
        r#"{{"features": ["failed_logins", "new_device", "bad_asn"],
            "weights": [{failed_weight}, 2.5, 3.0], "intercept": -4.0, "link": "logistic"}}"#
    )
}

/// Writes a model directory and returns its path.
pub fn model_dir(root: &Path, name: &str, failed_weight: f64) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).expect("model dir");
    std::fs::write(dir.join("model.json"), model_json(failed_weight)).expect("model file");
    dir
}

/// Hold-out data: (rows, malicious, region). Malicious logins come from new devices on bad
/// networks; a few benign ones look the same (the false positives), evenly across regions.
pub fn holdout(rows: usize, shift: f64) -> (Array2<f64>, Vec<bool>, Vec<String>) {
    let mut x = Array2::zeros((rows, 3));
    let mut y = Vec::with_capacity(rows);
    let mut region = Vec::with_capacity(rows);
    for i in 0..rows {
        let malicious = i % 10 == 0;
        let lookalike = i % 40 == 5;
        let drifted = shift > 0.0 && i % 2 == 0;
        x[[i, 0]] = (i % 5) as f64 + if drifted { 3.0 * shift } else { 0.0 };
        x[[i, 1]] = f64::from(malicious || lookalike || i % 7 == 0 || drifted);
        x[[i, 2]] = f64::from(malicious || lookalike || drifted);
        y.push(malicious);
        region.push(if (i / 40) % 2 == 0 { "eu" } else { "us" }.to_string());
    }
    (x, y, region)
}

/// The hold-out rows as CSV, for drift profiles and batches.
pub fn csv(x: &Array2<f64>) -> String {
    let mut out = FEATURES.join(",") + "\n";
    for row in x.rows() {
        let cells: Vec<String> = row.iter().map(|v| v.to_string()).collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// A table of rows, typed as the profile types them.
pub fn table(x: &Array2<f64>, profile: Option<&ReferenceProfile>) -> Table {
    let types = profile.map(aigov::drift::profile_types).unwrap_or_default();
    Table::from_reader(csv(x).as_bytes(), &types, "batch").expect("table")
}

/// Evidence for `model` from 2,000 generated hold-out rows: performance, fairness (the
/// regions' false-positive rates, optionally skewed against one), robustness (evasion under
/// the attacker's constraints) and the drift baseline.
pub fn evidence_for(model_json: &str, skew_fairness: bool) -> Vec<Evidence> {
    let model = LinearModel::from_json(model_json).expect("model");
    let (x, y, region) = holdout(2000, 0.0);
    let scores = model.predict(x.view()).expect("scores").to_vec();
    let performance =
        holdout_metrics(&y, &scores, None, &HoldoutOptions::default()).expect("metrics");
    let mut flagged: Vec<bool> = scores.iter().map(|s| *s >= 0.5).collect();
    if skew_fairness {
        // Every benign "us" login with a new device is flagged too.
        for i in 0..flagged.len() {
            if region[i] == "us" && !y[i] && x[[i, 1]] == 1.0 {
                flagged[i] = true;
            }
        }
    }
    let counts = group_counts(
        &y,
        &flagged,
        &[SensitiveColumn {
            name: "region",
            values: &region,
        }],
        None,
    )
    .expect("counts");
    let fairness = FairnessReport::build(&counts, &AuditConfig::default(), None, "holdout".into())
        .expect("fairness");
    let constraints = FeatureConstraints::from_data(model.feature_names(), x.view())
        .expect("constraints")
        .immutable(&["new_device", "bad_asn"])
        .expect("immutable")
        .integer(&["failed_logins"])
        .expect("integer");
    let evasion = evasion_test(
        &model,
        x.view(),
        &y,
        &constraints,
        Attack::HopSkipJump,
        &EvasionConfig {
            max_rows: 20,
            query_budget: 200,
            ..EvasionConfig::default()
        },
    )
    .expect("evasion");
    let robustness = RobustnessReport {
        version: RobustnessReport::VERSION,
        rows: x.nrows(),
        constraints,
        noise: None,
        evasion: vec![evasion],
        poisoning: None,
        backdoor: None,
    };
    let profile = ReferenceProfile::fit(&table(&x, None), &ProfileOptions::default());
    vec![
        evidence::performance(&performance).expect("performance"),
        evidence::fairness(&fairness).expect("fairness"),
        evidence::robustness(&robustness).expect("robustness"),
        evidence::drift_baseline(&profile).expect("drift baseline"),
    ]
}

/// What registering the scenario's model needs.
pub fn registration(path: &Path, actors: &Actors) -> Registration {
    Registration {
        model: NewModel {
            name: ModelName::new("login-risk").expect("name"),
            description: "Scores interactive logins for account-takeover risk".into(),
            owner: actors.owner.id.clone(),
            tags: BTreeMap::new(),
            intended_purpose: "Step-up authentication for risky logins".into(),
            risk_class: RiskClass::High,
        },
        path: path.to_path_buf(),
        version: NewVersion {
            lineage: Lineage {
                datasets: vec![DatasetRef {
                    name: "logins-2026-q3".into(),
                    digest: Digest::of(b"logins-2026-q3"),
                    uri: "s3://datasets/logins-2026-q3.parquet".into(),
                    license: "internal".into(),
                    pii_redacted: true,
                }],
                code: Some(CodeRef {
                    repository: "https://git.example.com/risk/login-risk".into(),
                    commit: "3f2a9c1".into(),
                }),
                trained_by: Some(actors.scientist.id.clone()),
                ..Lineage::default()
            },
            ..NewVersion::default()
        },
        sbom: Some(
            serde_json::json!({"bomFormat": "CycloneDX", "specVersion": "1.6",
            "components": [{"type": "library", "name": "ndarray", "version": "0.16.1"}]}),
        ),
        signed_root: None,
        require_scorable: false,
    }
}

/// A decision of `model` on `input` at the usual 0.5 threshold, without explanation.
pub fn decision(
    model: &ModelRef,
    input: serde_json::Value,
    score: f64,
) -> aigov::governor::DecisionRequest {
    aigov::governor::DecisionRequest {
        model: model.clone(),
        input,
        score,
        confidence: None,
        threshold: 0.5,
        action: if score >= 0.5 { "step-up" } else { "allow" }.into(),
        explanation: None,
        correlation_id: None,
    }
}

/// An in-memory governor builder on a manual clock that starts at 2026-11-26 09:00 UTC.
pub fn on_manual_clock() -> (
    aigov::governor::GovernorBuilder,
    std::sync::Arc<aigov::core::ManualClock>,
) {
    use chrono::TimeZone;
    let start = chrono::Utc
        .with_ymd_and_hms(2026, 11, 26, 9, 0, 0)
        .single()
        .expect("time");
    let clock = std::sync::Arc::new(aigov::core::ManualClock::new(start));
    let builder = aigov::governor::GovernorBuilder::in_memory()
        .expect("builder")
        .clock(clock.clone());
    (builder, clock)
}

/// `name@version`.
pub fn version_ref(version: u64) -> ModelRef {
    ModelRef::version(
        ModelName::new("login-risk").expect("name"),
        VersionId::new(version).expect("version"),
    )
}

/// An approval request for a stage in a role, valid for a day.
pub fn approval(stage: Stage, role: Role) -> ApprovalRequest {
    ApprovalRequest {
        stage,
        role,
        decision: Decision::Approve,
        valid_for: Duration::days(1),
        comment: "reviewed the evidence".into(),
    }
}

/// Registers, evidences, validates, approves and promotes a version to production; returns
/// its reference.
pub fn to_production(governor: &Governor, actors: &Actors, path: &Path) -> ModelRef {
    let r = to_staging(governor, actors, path);
    for (p, role) in [
        (&actors.security, Role::SecurityApprover),
        (&actors.legal, Role::LegalApprover),
        (&actors.owner, Role::ModelOwner),
    ] {
        governor
            .approve(
                &p.principal(),
                &r,
                approval(Stage::Production, role),
                &p.key,
            )
            .expect("production approval");
    }
    governor
        .promote(
            &actors.deployer.principal(),
            &r,
            Stage::Production,
            Some("eu-west-1"),
        )
        .expect("production");
    r
}

/// Registers, assesses and validates a version, and takes it to staging.
pub fn to_staging(governor: &Governor, actors: &Actors, path: &Path) -> ModelRef {
    let v = governor
        .register(&actors.scientist.principal(), registration(path, actors))
        .expect("register");
    let r = ModelRef::version(v.name.clone(), v.version);
    let (x, y, region) = holdout(2000, 0.0);
    let names: Vec<String> = FEATURES.iter().map(|f| f.to_string()).collect();
    let constraints = FeatureConstraints::from_data(&names, x.view())
        .expect("constraints")
        .immutable(&["new_device", "bad_asn"])
        .expect("immutable")
        .integer(&["failed_logins"])
        .expect("integer");
    governor
        .assess(
            &actors.scientist.principal(),
            &r,
            &Holdout {
                rows: x.view(),
                labels: &y,
                sensitive: vec![("region", &region)],
                threshold: 0.5,
                constraints: Some(constraints),
                fairness: AuditConfig::default(),
                background_rows: 100,
            },
        )
        .expect("assess");
    governor
        .validate(&actors.validator.principal(), &r)
        .expect("validate");
    governor
        .approve(
            &actors.validator.principal(),
            &r,
            approval(Stage::Staging, Role::Validator),
            &actors.validator.key,
        )
        .expect("staging approval");
    governor
        .promote(&actors.deployer.principal(), &r, Stage::Staging, None)
        .expect("staging");
    r
}

/// Records decisions of `model` as `deployer` until `stop`, numbering requests from `first`;
/// calls `acknowledged` after each stored one and `refused` after each storage error. Any
/// other error is a failure: a storage fault must never turn into a panic or a wrong answer.
pub fn record_until_stopped(
    governor: &Governor,
    deployer: &aigov::core::ActorId,
    model: &ModelRef,
    first: u64,
    stop: &std::sync::atomic::AtomicBool,
    acknowledged: impl Fn(),
    refused: impl Fn(),
) {
    let mut i = first;
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        i += 1;
        let request = decision(model, serde_json::json!({"failed_logins": i % 7}), 0.4);
        match governor.record_decision(
            &aigov::Principal::vouched_by_host(deployer.clone()),
            request,
        ) {
            Ok(_) => acknowledged(),
            Err(aigov::Error::Audit(_) | aigov::Error::Registry(_)) => refused(),
            Err(other) => panic!("unexpected error: {other}"),
        }
    }
}

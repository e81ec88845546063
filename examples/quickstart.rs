//! aigov in one run: a login-risk model for a security operations team, governed from
//! training to incident on the embedded default store in `./aigov-quickstart/`.
//!
//! Two quarterly versions are trained, registered with lineage and an SBOM, validated
//! (hold-out metrics, evasion under the attacker's constraints, fairness across regions and
//! departments, a drift baseline), approved by three roles and promoted. The newer one
//! serves; its decisions are recorded with explanations and a security analyst overrides
//! one. Then a VPN rollout shifts the data: the monitor raises an alert, an incident opens,
//! its playbook rolls production back and suspends the version, and the audit log verifies.
//!
//! `cargo run --release --example quickstart`

use std::path::Path;

use aigov::core::{Action, ActorId, Digest, ModelRef, Role, SignedRequest, SignerKey};
use aigov::drift::{
    DriftOptions, MonitorConfig, QualityThresholds, Rule, Table, Window, profile_types,
};
use aigov::explain::{ExplainOptions, explain};
use aigov::fairness::AuditConfig;
use aigov::governor::{
    AlertResponse, ApprovalRequest, DecisionRequest, Holdout, MonitorSettings, Registration,
    explanation_record,
};
use aigov::incident::{IncidentKind, Severity};
use aigov::registry::{
    CodeRef, DatasetRef, Decision, Lineage, NewModel, NewVersion, RiskClass, Stage,
};
use aigov::validation::{FeatureConstraints, LinearModel, LogisticTrainer};
use aigov::{Governor, Principal};
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

type Error = Box<dyn std::error::Error>;

const FEATURES: [&str; 6] = [
    "failed_logins",
    "new_device",
    "travel_kmh",
    "off_hours",
    "asn_risk",
    "mfa",
];
/// Logins scoring at or above it get a step-up challenge.
const STEP_UP: f64 = 0.2;
const REGIONS: [&str; 3] = ["eu", "us", "apac"];
const DEPARTMENTS: [&str; 4] = ["engineering", "sales", "finance", "support"];

/// Logins: features, whether each was an account takeover, and who logged in.
struct Logins {
    x: Array2<f64>,
    takeover: Vec<bool>,
    region: Vec<String>,
    department: Vec<String>,
}

/// Generated logins; `vpn` is the share of users behind the new corporate VPN, which makes
/// every login look far away and from a new device.
fn logins(n: usize, seed: u64, vpn: f64) -> Logins {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut x = Array2::zeros((n, FEATURES.len()));
    let (mut takeover, mut region, mut department) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..n {
        let attack = rng.random_bool(0.08);
        let on_vpn = rng.random_bool(vpn);
        // The VPN's new SSO flow makes people retype their password.
        let failed = if attack || on_vpn {
            rng.random_range(0..5)
        } else {
            rng.random_range(0..4)
        };
        let new_device = if attack {
            rng.random_bool(0.85)
        } else {
            on_vpn || rng.random_bool(0.1)
        };
        let travel = if on_vpn {
            rng.random_range(800.0..2500.0)
        } else {
            rng.random_range(0.0..1000.0)
        };
        let asn = if attack {
            rng.random_range(0.45..1.0)
        } else {
            rng.random_range(0.0..0.6)
        };
        let row = [
            f64::from(failed),
            f64::from(u8::from(new_device)),
            travel,
            // Remote staff on the VPN also log in at all hours.
            f64::from(u8::from(rng.random_bool(if attack || on_vpn {
                0.5
            } else {
                0.2
            }))),
            asn,
            f64::from(u8::from(rng.random_bool(if attack { 0.1 } else { 0.6 }))),
        ];
        for (j, v) in row.into_iter().enumerate() {
            x[[i, j]] = v;
        }
        takeover.push(attack);
        region.push(REGIONS[i % 3].to_string());
        department.push(DEPARTMENTS[(i / 3) % 4].to_string());
    }
    Logins {
        x,
        takeover,
        region,
        department,
    }
}

fn csv(x: &Array2<f64>) -> String {
    let mut out = FEATURES.join(",") + "\n";
    for row in x.rows() {
        out += &row.iter().map(f64::to_string).collect::<Vec<_>>().join(",");
        out += "\n";
    }
    out
}

struct Person {
    id: ActorId,
    key: SignerKey,
}

impl Person {
    fn new(id: &str) -> Result<Person, Error> {
        Ok(Person {
            id: ActorId::new(id)?,
            key: SignerKey::generate(id.split('@').next().unwrap_or(id))?,
        })
    }

    /// Signs a request for one operation with this person's key; the governor checks it
    /// against the key it enrolled for them and uses the nonce up.
    fn sign(
        &self,
        governor: &Governor,
        operation: Action,
        arguments: &str,
    ) -> Result<Principal, Error> {
        let request = SignedRequest::sign(
            self.id.clone(),
            governor.request_audience(),
            operation,
            Digest::of(arguments.as_bytes()),
            chrono::Utc::now(),
            &self.key,
        )?;
        Ok(governor.authenticate(&request)?)
    }
}

fn person(governor: &Governor, admin: &Person, id: &str, role: Role) -> Result<Person, Error> {
    let person = Person::new(id)?;
    let by = admin.sign(governor, Action::ManageActors, id)?;
    governor.add_actor(&by, person.id.clone(), person.key.verifier(), [role])?;
    Ok(person)
}

/// Trains a version on a quarter's logins, registers it, attaches its evidence and runs the
/// validation gate.
fn train_and_validate(
    governor: &Governor,
    scientist: &Person,
    validator: &Person,
    dir: &Path,
    quarter: &str,
    seed: u64,
    holdout: &Logins,
) -> Result<ModelRef, Error> {
    let training = logins(6000, seed, 0.0);
    let names: Vec<String> = FEATURES.iter().map(|f| f.to_string()).collect();
    let model: LinearModel =
        LogisticTrainer::new(names.clone()).fit(training.x.view(), &training.takeover)?;
    let path = dir.join(quarter);
    std::fs::create_dir_all(&path)?;
    std::fs::write(
        path.join("model.json"),
        serde_json::to_string_pretty(&model)?,
    )?;
    let dataset = aigov::core::Digest::of(csv(&training.x).as_bytes());
    let version = governor.register(&scientist.sign(governor, Action::Register, "register")?, Registration {
        model: NewModel {
            name: "login-risk".parse()?,
            description: "Scores interactive logins for account-takeover risk".into(),
            owner: ActorId::new("owner@example.com")?,
            tags: Default::default(),
            intended_purpose: "Step-up authentication and SOC escalation for risky logins".into(),
            risk_class: RiskClass::High,
        },
        path: path.clone(),
        version: NewVersion {
            lineage: Lineage {
                datasets: vec![DatasetRef { name: format!("logins-{quarter}"), digest: dataset, uri: format!("s3://soc-datasets/logins-{quarter}.csv"), license: "internal".into(), pii_redacted: true }],
                code: Some(CodeRef { repository: "https://git.example.com/soc/login-risk".into(), commit: format!("{seed:07x}") }),
                trained_by: Some(scientist.id.clone()),
                ..Lineage::default()
            },
            ..NewVersion::default()
        },
        sbom: Some(serde_json::json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
            {"type": "library", "name": "aigov-validation", "version": env!("CARGO_PKG_VERSION")}]})),
        signed_root: None,
        require_scorable: true,
    })?;
    let r = ModelRef::version(version.name.clone(), version.version);

    // The attacker controls retries, the VPN exit and the hour, not the network's
    // reputation, the device or MFA.
    let constraints = FeatureConstraints::from_data(&names, holdout.x.view())?
        .immutable(&["new_device", "asn_risk", "mfa"])?
        .integer(&["failed_logins"])?;
    let assessed = governor.assess(
        &scientist.sign(governor, Action::AttachEvidence, "attachevidence")?,
        &r,
        &Holdout {
            rows: holdout.x.view(),
            labels: &holdout.takeover,
            sensitive: vec![("region", &holdout.region)],
            threshold: STEP_UP,
            constraints: Some(constraints),
            fairness: AuditConfig::default(),
            background_rows: 200,
        },
    )?;
    let evasion = &assessed.robustness.evasion[0];
    println!(
        "  {r}: ROC AUC {:.3}, FPR {:.3}, {} of {} detected takeovers evade under constraints, fairness {:?} across regions",
        assessed.performance.roc_auc.value().unwrap_or(f64::NAN),
        assessed
            .performance
            .false_positive_rate
            .value()
            .unwrap_or(f64::NAN),
        evasion.evaded,
        evasion.attacked,
        assessed.fairness.verdict,
    );
    governor.validate(&validator.sign(governor, Action::Validate, "validate")?, &r)?;
    Ok(r)
}

fn approve(
    governor: &Governor,
    who: &Person,
    r: &ModelRef,
    stage: Stage,
    role: Role,
) -> Result<(), Error> {
    let request = ApprovalRequest {
        stage,
        role: role.clone(),
        decision: Decision::Approve,
        valid_for: chrono::Duration::days(14),
        comment: "evidence reviewed".into(),
    };
    governor.approve(
        &who.sign(governor, Action::Approve, "approve")?,
        r,
        request,
        &who.key,
    )?;
    println!("  {} approved {r} for {stage} as {role}", who.id);
    Ok(())
}

fn main() -> Result<(), Error> {
    let started = std::time::Instant::now();
    let home = Path::new("aigov-quickstart");
    // A fresh store each run: the data and models are the same every time.
    let _ = std::fs::remove_dir_all(home);
    let governor = Governor::open(home.join("store"))?;
    println!(
        "1. A governed store at {} (SQLite, file artifacts, signing key)",
        home.display()
    );

    // The first admin proves they hold the key they enrol; everyone after is enrolled by an
    // admin's signed request.
    let admin = Person::new("admin@example.com")?;
    let enrolment = SignedRequest::sign(
        admin.id.clone(),
        governor.request_audience(),
        Action::ManageActors,
        Digest::of(admin.id.as_str().as_bytes()),
        chrono::Utc::now(),
        &admin.key,
    )?;
    let by = governor.authenticate_enrolment(&enrolment, &admin.key.verifier())?;
    governor.add_actor(&by, admin.id.clone(), admin.key.verifier(), [Role::Admin])?;
    let scientist = person(&governor, &admin, "dana@example.com", Role::DataScientist)?;
    let validator = person(&governor, &admin, "victor@example.com", Role::Validator)?;
    let security = person(&governor, &admin, "sam@example.com", Role::SecurityApprover)?;
    let legal = person(&governor, &admin, "lee@example.com", Role::LegalApprover)?;
    let owner = person(&governor, &admin, "owner@example.com", Role::ModelOwner)?;
    let deployer = person(&governor, &admin, "dev@example.com", Role::Deployer)?;
    println!("2. Seven people enrolled with roles and approval keys");

    println!("3. Train, register and validate two quarterly versions");
    let holdout = logins(30_000, 99, 0.0);
    let models = home.join("models");
    let mut versions = Vec::new();
    for (quarter, seed) in [("2026-q2", 2), ("2026-q3", 3)] {
        let r = train_and_validate(
            &governor, &scientist, &validator, &models, quarter, seed, &holdout,
        )?;
        approve(&governor, &validator, &r, Stage::Staging, Role::Validator)?;
        governor.promote(
            &deployer.sign(&governor, Action::Promote, "promote")?,
            &r,
            Stage::Staging,
            None,
        )?;
        for (who, role) in [
            (&security, Role::SecurityApprover),
            (&legal, Role::LegalApprover),
            (&owner, Role::ModelOwner),
        ] {
            approve(&governor, who, &r, Stage::Production, role)?;
        }
        governor.promote(
            &deployer.sign(&governor, Action::Promote, "promote")?,
            &r,
            Stage::Production,
            Some("eu-west-1"),
        )?;
        governor.deploy(
            &deployer.sign(&governor, Action::Deploy, "deploy")?,
            &r,
            "prod",
            Some("eu-west-1"),
        )?;
        println!("  {r} promoted to production and serving prod");
        versions.push((r, models.join(quarter)));
    }
    let (previous, _) = &versions[0];
    let (current, current_path) = &versions[1];
    let loaded = governor.verify_load(
        &deployer.sign(&governor, Action::VerifyLoad, "verifyload")?,
        &current.name,
        "prod",
        current_path,
    )?;
    println!(
        "4. Load gate: prod loads {} ({}), approved digest",
        current, loaded.root
    );

    println!("5. Decisions with explanations");
    let model: LinearModel =
        serde_json::from_str(&std::fs::read_to_string(current_path.join("model.json"))?)?;
    let background = governor
        .explanation_background(current)?
        .ok_or("no explanation baseline")?;
    let today = logins(5, 7, 0.0);
    let mut receipts = Vec::new();
    for (i, row) in today.x.rows().into_iter().enumerate() {
        let values = row.to_vec();
        let why = explain(
            &model,
            &background,
            &values,
            &ExplainOptions {
                top_k: 3,
                ..ExplainOptions::default()
            },
        )?;
        let action = if why.prediction >= STEP_UP {
            "step-up"
        } else {
            "allow"
        };
        // The user's address is redacted in the record; region and department stay.
        let input = serde_json::json!({"user": format!("user{i}@example.com"),
            "region": today.region[i], "department": today.department[i], "features": values});
        let receipt = governor.record_decision(
            &deployer.sign(&governor, Action::RecordDecision, "recorddecision")?,
            DecisionRequest {
                model: current.clone(),
                input,
                score: why.prediction,
                confidence: None,
                threshold: STEP_UP,
                action: action.into(),
                explanation: Some(explanation_record(&why, 6)),
                correlation_id: Some(format!("login-{i}")),
            },
        )?;
        let top: Vec<String> = why
            .top
            .iter()
            .map(|a| format!("{} {:+.2}", a.feature, a.value))
            .collect();
        println!(
            "  login {i}: score {:.3} -> {action:<7} [{}] audit #{}",
            why.prediction,
            top.join(", "),
            receipt.index
        );
        receipts.push((receipt, why.prediction));
    }
    // The analyst calls the customer behind the riskiest login: it was them.
    let overridden = receipts
        .iter()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(r, _)| r)
        .ok_or("no decision")?;
    governor.record_review(
        &security.sign(&governor, Action::RecordReview, "recordreview")?,
        overridden.index,
        "benign",
        true,
        "user confirmed the login by phone",
    )?;
    println!(
        "  {} overrode decision #{}: benign",
        security.id, overridden.index
    );

    println!("6. A VPN rollout shifts the data");
    let profile = governor.drift_baseline(current)?;
    let responder = person(
        &governor,
        &admin,
        "riley@example.com",
        Role::IncidentResponder,
    )?;
    let _ = responder;
    governor.start_monitor(
        &deployer.sign(&governor, Action::Monitor, "monitor")?,
        current,
        MonitorSettings {
            config: MonitorConfig {
                window: Window::Rows(1000),
                drift: DriftOptions::default(),
                quality: QualityThresholds::default(),
                rules: vec![Rule::ColumnDrift { column: None }, Rule::DatasetDrift],
                cooldown: chrono::Duration::hours(1),
            },
            on_warning: AlertResponse::RequestReview,
            on_critical: AlertResponse::OpenIncident {
                kind: IncidentKind::DriftFailure,
                severity: Severity::Critical,
            },
        },
    )?;
    let shifted = logins(1000, 11, 0.6);
    let batch = Table::from_reader(
        csv(&shifted.x).as_bytes(),
        &profile_types(&profile),
        "today",
    )?;
    let report = governor.monitor(
        &deployer.sign(&governor, Action::Monitor, "monitor")?,
        current,
        batch,
        chrono::Utc::now(),
    )?;
    if let Some(drift) = report.windows.first().and_then(|w| w.report.as_ref()) {
        println!(
            "  window of 1,000 logins: {} of {} features drifted",
            drift.drifted_columns,
            FEATURES.len()
        );
    }
    println!(
        "  {} alert(s) audited, {} review(s) requested",
        report.alerts.len(),
        report.reviews.len()
    );
    for id in &report.incidents {
        println!("  incident {id} opened; its playbook ran:");
    }
    for change in &report.contained {
        println!("    {change}");
    }
    let serving = governor.registry().deployed(&current.name, "prod")?;
    println!(
        "  prod now serves {}@{}, the previous version; {current} is {}",
        previous.name,
        serving.map_or("none".into(), |v| v.to_string()),
        governor.registry().resolve(current)?.stage
    );

    let checkpoint = governor.audit().checkpoint()?;
    let verified = governor.verify_audit()?;
    let proof = governor.audit().prove(overridden.index, None)?;
    proof.verify()?;
    println!(
        "7. Audit log: {} entries, {} checkpoint(s), verify: {}; decision #{} proven in a tree of {} ({} hashes)",
        verified.size,
        verified.checkpoints_checked,
        if verified.is_ok() { "ok" } else { "FAILED" },
        proof.index,
        proof.size,
        proof.hashes.len()
    );
    println!(
        "   signed checkpoint:\n{}",
        checkpoint
            .to_string()
            .lines()
            .map(|l| format!("     {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    println!(
        "Done in {:.1} s. Explore: aigov --store {} audit verify",
        started.elapsed().as_secs_f64(),
        home.join("store").display()
    );
    if !verified.is_ok() {
        return Err("the audit log did not verify".into());
    }
    Ok(())
}

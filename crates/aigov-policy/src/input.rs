//! The typed input of every gate, with its JSON Schema; input that does not match is
//! rejected before Rego runs, naming the bad field.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::{Gate, PolicyError};

/// A dataset as the registration gate sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DatasetFact {
    /// Its name.
    pub name: String,
    /// Its digest (`sha256:...`), empty if unknown.
    #[serde(default)]
    pub digest: String,
}

/// The model being registered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelFact {
    /// Its name.
    pub name: String,
    /// Its owner.
    #[serde(default)]
    pub owner: String,
    /// `high`, `limited` or `minimal`.
    #[serde(default)]
    pub risk_class: String,
}

/// The version being registered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisteredVersionFact {
    /// Its root digest.
    pub root: String,
    /// Who registered it.
    pub created_by: String,
}

/// Lineage facts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LineageFact {
    /// Training datasets.
    #[serde(default)]
    pub datasets: Vec<DatasetFact>,
    /// Training code commit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_commit: Option<String>,
    /// SBOM digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sbom: Option<String>,
}

/// Input of the `registration` gate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationInput {
    /// The model.
    pub model: ModelFact,
    /// The version.
    pub version: RegisteredVersionFact,
    /// Its lineage.
    pub lineage: LineageFact,
}

/// Performance evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PerformanceFact {
    /// Hold-out ROC AUC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roc_auc: Option<f64>,
    /// False-positive rate at the alert budget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fpr_at_budget: Option<f64>,
}

/// Fairness evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FairnessFact {
    /// `pass`, `fail` or `insufficient-evidence`.
    pub verdict: String,
    /// The false-positive-rate parity ratio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fpr_parity_ratio: Option<f64>,
}

/// Robustness evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RobustnessFact {
    /// Share of true positives that evade within the tested budget.
    pub evasion_rate: f64,
}

/// A model named by its name only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelNameFact {
    /// Its name.
    pub name: String,
}

/// Input of the `validation` gate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidationInput {
    /// The model.
    pub model: ModelNameFact,
    /// Performance evidence, if attached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub performance: Option<PerformanceFact>,
    /// Fairness evidence, if attached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fairness: Option<FairnessFact>,
    /// Robustness evidence, if attached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub robustness: Option<RobustnessFact>,
}

/// An approval as verified in Rust: policies only ever see verified facts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalFact {
    /// The signature verified against the trust store.
    pub verified: bool,
    /// The approval has expired.
    pub expired: bool,
    /// `approve` or `reject`.
    pub decision: String,
    /// The stage approved for.
    pub stage: String,
    /// The approver's role.
    pub role: String,
    /// The approver.
    pub actor: String,
}

/// A version as the promotion gates see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionFact {
    /// Its stage.
    pub stage: String,
    /// Who registered it.
    pub created_by: String,
    /// Who trained it, if recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trained_by: Option<String>,
}

/// Input of the `staging` gate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StagingInput {
    /// The version.
    pub version: VersionFact,
    /// Its approvals.
    #[serde(default)]
    pub approvals: Vec<ApprovalFact>,
}

/// Input of the `production` gate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductionInput {
    /// The version.
    pub version: VersionFact,
    /// Its approvals.
    #[serde(default)]
    pub approvals: Vec<ApprovalFact>,
    /// A drift baseline is attached.
    pub drift_baseline: bool,
    /// Where it will run.
    pub target_region: String,
}

/// An approved version the deployment gate may load.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovedVersionFact {
    /// The model.
    pub name: String,
    /// The version.
    pub version: u64,
    /// Its root digest.
    pub root: String,
}

/// Input of the `deployment` gate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeploymentInput {
    /// The root digest of what is being loaded.
    pub loading_digest: String,
    /// Versions approved for this environment.
    #[serde(default)]
    pub approved_versions: Vec<ApprovedVersionFact>,
}

/// Input of the `authz` gate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthzInput {
    /// Who wants to act.
    pub actor: String,
    /// The roles they hold.
    #[serde(default)]
    pub roles: Vec<String>,
    /// What they want to do.
    pub action: String,
}

fn checked<T: for<'de> Deserialize<'de> + Serialize>(input: &Value) -> Result<Value, PolicyError> {
    let typed: T = serde_path_to_error::deserialize(input).map_err(|e| {
        let path = e.path().to_string();
        PolicyError::invalid("gate input", format!("at {path}: {}", e.inner()))
    })?;
    serde_json::to_value(typed).map_err(|e| PolicyError::invalid("gate input", e.to_string()))
}

impl Gate {
    /// Checks `input` against the gate's typed input; returns it normalized.
    pub fn check_input(self, input: &Value) -> Result<Value, PolicyError> {
        match self {
            Gate::Registration => checked::<RegistrationInput>(input),
            Gate::Validation => checked::<ValidationInput>(input),
            Gate::Staging => checked::<StagingInput>(input),
            Gate::Production => checked::<ProductionInput>(input),
            Gate::Deployment => checked::<DeploymentInput>(input),
            Gate::Authz => checked::<AuthzInput>(input),
        }
    }

    /// The JSON Schema of the gate's input.
    pub fn input_schema(self) -> Value {
        let schema = match self {
            Gate::Registration => schemars::schema_for!(RegistrationInput),
            Gate::Validation => schemars::schema_for!(ValidationInput),
            Gate::Staging => schemars::schema_for!(StagingInput),
            Gate::Production => schemars::schema_for!(ProductionInput),
            Gate::Deployment => schemars::schema_for!(DeploymentInput),
            Gate::Authz => schemars::schema_for!(AuthzInput),
        };
        serde_json::to_value(schema).unwrap_or(Value::Null)
    }

    /// A complete input the default policy allows.
    pub fn example_input(self) -> Value {
        let approval = |stage: &str, role: &str, actor: &str| json!({"verified": true, "expired": false, "decision": "approve", "stage": stage, "role": role, "actor": actor});
        match self {
            Gate::Registration => json!({
                "model": {"name": "login-risk", "owner": "owner@example.com", "risk_class": "high"},
                "version": {"root": format!("sha256:{}", "0".repeat(64)), "created_by": "ds@example.com"},
                "lineage": {"datasets": [{"name": "logins-2026-q3", "digest": format!("sha256:{}", "1".repeat(64))}],
                            "code_commit": "0123abc", "sbom": format!("sha256:{}", "2".repeat(64))}
            }),
            Gate::Validation => json!({
                "model": {"name": "login-risk"},
                "performance": {"roc_auc": 0.91, "fpr_at_budget": 0.02},
                "fairness": {"verdict": "pass", "fpr_parity_ratio": 0.9},
                "robustness": {"evasion_rate": 0.05}
            }),
            Gate::Staging => json!({
                "version": {"stage": "validated", "created_by": "ds@example.com"},
                "approvals": [approval("staging", "validator", "val@example.com")]
            }),
            Gate::Production => json!({
                "version": {"stage": "staging", "created_by": "ds@example.com", "trained_by": "trainer@example.com"},
                "approvals": [
                    approval("production", "security-approver", "sec@example.com"),
                    approval("production", "legal-approver", "legal@example.com"),
                    approval("production", "model-owner", "owner@example.com")
                ],
                "drift_baseline": true,
                "target_region": "eu-west-1"
            }),
            Gate::Deployment => json!({
                "loading_digest": format!("sha256:{}", "a".repeat(64)),
                "approved_versions": [{"name": "login-risk", "version": 3, "root": format!("sha256:{}", "a".repeat(64))}]
            }),
            Gate::Authz => {
                json!({"actor": "ds@example.com", "roles": ["data-scientist"], "action": "register"})
            }
        }
    }
}

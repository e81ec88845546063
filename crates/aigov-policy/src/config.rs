//! `policy.yaml`: thresholds, required roles, regions, retention and permissions, loaded into
//! `data.aigov.config`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::PolicyError;

/// The commented example shipped with the crate; also the defaults.
pub const EXAMPLE_POLICY_YAML: &str = include_str!("../policy.example.yaml");

/// Numeric thresholds of the validation gate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Minimum hold-out ROC AUC.
    pub min_roc_auc: f64,
    /// Highest false-positive rate at the alert budget.
    pub max_fpr_at_budget: f64,
    /// Lowest false-positive-rate parity ratio.
    pub min_fpr_parity_ratio: f64,
    /// Highest evasion rate.
    pub max_evasion_rate: f64,
}

/// Roles each promotion needs approvals from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequiredRoles {
    /// For staging.
    pub staging: Vec<String>,
    /// For production.
    pub production: Vec<String>,
}

/// The whole configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    /// Validation thresholds.
    pub thresholds: Thresholds,
    /// Approvals needed per stage.
    pub required_roles: RequiredRoles,
    /// Regions production may target.
    pub allowed_regions: Vec<String>,
    /// Days audit payloads are kept (at least 183).
    pub retention_days: u32,
    /// Roles allowed to perform each action.
    pub permissions: BTreeMap<String, Vec<String>>,
    /// Time and size budgets of one policy evaluation.
    #[serde(default)]
    pub limits: crate::EvalLimits,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        // The shipped example is parsed in a test, so this cannot fail at run time.
        PolicyConfig::from_yaml(EXAMPLE_POLICY_YAML).unwrap_or_else(|_| PolicyConfig {
            thresholds: Thresholds {
                min_roc_auc: 0.85,
                max_fpr_at_budget: 0.05,
                min_fpr_parity_ratio: 0.8,
                max_evasion_rate: 0.2,
            },
            required_roles: RequiredRoles {
                staging: vec!["validator".into()],
                production: vec![],
            },
            allowed_regions: vec![],
            retention_days: 183,
            permissions: BTreeMap::new(),
            limits: crate::EvalLimits::default(),
        })
    }
}

impl PolicyConfig {
    /// Parses YAML; unknown keys and wrong types are errors with line and column.
    pub fn from_yaml(text: &str) -> Result<Self, PolicyError> {
        let config: PolicyConfig =
            aigov_core::yaml::from_yaml(text).map_err(|e| PolicyError::Config {
                line: e.line,
                column: e.column,
                reason: e.message,
            })?;
        config.check()?;
        Ok(config)
    }

    /// Reads a `policy.yaml` file.
    pub fn load(path: &Path) -> Result<Self, PolicyError> {
        if let Ok(meta) = std::fs::metadata(path)
            && meta.len() > aigov_core::yaml::MAX_YAML_BYTES as u64
        {
            return Err(PolicyError::Config {
                line: 0,
                column: 0,
                reason: format!(
                    "{} is {} bytes, more than a YAML document may have ({})",
                    path.display(),
                    meta.len(),
                    aigov_core::yaml::MAX_YAML_BYTES
                ),
            });
        }
        let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_yaml(&text)
    }

    fn check(&self) -> Result<(), PolicyError> {
        let bad = |reason: String| PolicyError::Config {
            line: 0,
            column: 0,
            reason,
        };
        if let Some(problem) = self.limits.problem() {
            return Err(bad(problem));
        }
        if self.retention_days < 183 {
            return Err(bad(format!(
                "retention_days {} is below the 183-day minimum (EU AI Act Art. 19)",
                self.retention_days
            )));
        }
        let t = &self.thresholds;
        for (name, v) in [
            ("min_roc_auc", t.min_roc_auc),
            ("max_fpr_at_budget", t.max_fpr_at_budget),
            ("min_fpr_parity_ratio", t.min_fpr_parity_ratio),
            ("max_evasion_rate", t.max_evasion_rate),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(bad(format!("thresholds.{name} {v} is not between 0 and 1")));
            }
        }
        Ok(())
    }

    /// The configuration as the JSON placed at `data.aigov.config`.
    pub fn to_data(&self) -> serde_json::Value {
        serde_json::json!({ "aigov": { "config": self } })
    }
}

//! The gates aigov evaluates.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::PolicyError;

/// A policy gate under `data.aigov.gates.<gate>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gate {
    /// Lineage complete, SBOM present, name and owner set.
    Registration,
    /// Performance, fairness and robustness evidence meet thresholds.
    Validation,
    /// Validated, with a verified validator approval.
    Staging,
    /// Verified approvals from every required role, drift baseline, allowed region.
    Production,
    /// The digest being loaded is an approved version's root.
    Deployment,
    /// Role-based permission for a governance action.
    Authz,
}

impl Gate {
    /// Every gate.
    pub const ALL: [Gate; 6] = [
        Gate::Registration,
        Gate::Validation,
        Gate::Staging,
        Gate::Production,
        Gate::Deployment,
        Gate::Authz,
    ];

    /// The gate's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Gate::Registration => "registration",
            Gate::Validation => "validation",
            Gate::Staging => "staging",
            Gate::Production => "production",
            Gate::Deployment => "deployment",
            Gate::Authz => "authz",
        }
    }
}

impl fmt::Display for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Gate {
    type Err = PolicyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Gate::ALL
            .into_iter()
            .find(|g| g.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Gate::ALL.iter().map(|g| g.as_str()).collect();
                PolicyError::invalid("gate", format!("{s:?} is not one of {}", names.join(", ")))
            })
    }
}

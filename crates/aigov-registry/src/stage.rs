//! The governance lifecycle of a model version and its legal transitions.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::RegistryError;

/// Where a version is in its lifecycle (DESIGN.md, "The governance lifecycle").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// Hashed and stored, nothing checked yet.
    Registered,
    /// Passed validation; artifacts and evidence are write-once from here on.
    Validated,
    /// Failed registration or validation checks.
    Rejected,
    /// Approved for staging environments.
    Staging,
    /// Approved for production.
    Production,
    /// Taken out of service by an incident; may be restored or rolled back.
    Suspended,
    /// Replaced after a failure in production.
    RolledBack,
    /// Retired from use, kept for the record.
    Deprecated,
    /// Terminal: archived or destroyed.
    Decommissioned,
}

impl Stage {
    /// Every stage, in lifecycle order.
    pub const ALL: [Stage; 9] = [
        Stage::Registered,
        Stage::Validated,
        Stage::Rejected,
        Stage::Staging,
        Stage::Production,
        Stage::Suspended,
        Stage::RolledBack,
        Stage::Deprecated,
        Stage::Decommissioned,
    ];

    /// The stage's kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Registered => "registered",
            Stage::Validated => "validated",
            Stage::Rejected => "rejected",
            Stage::Staging => "staging",
            Stage::Production => "production",
            Stage::Suspended => "suspended",
            Stage::RolledBack => "rolled-back",
            Stage::Deprecated => "deprecated",
            Stage::Decommissioned => "decommissioned",
        }
    }

    /// The stages this one may move to.
    ///
    /// The happy path is Registered -> Validated -> Staging -> Production. Checks can reject a
    /// version before it serves. Production can be suspended (and restored), rolled back or
    /// deprecated; everything that no longer serves can be decommissioned, which is terminal.
    pub fn next_stages(self) -> &'static [Stage] {
        use Stage::*;
        match self {
            Registered => &[Validated, Rejected, Decommissioned],
            Validated => &[Staging, Rejected, Deprecated, Decommissioned],
            Rejected => &[Decommissioned],
            Staging => &[Production, Rejected, Deprecated, Decommissioned],
            Production => &[Suspended, RolledBack, Deprecated],
            Suspended => &[Production, RolledBack, Deprecated, Decommissioned],
            RolledBack => &[Deprecated, Decommissioned],
            Deprecated => &[Decommissioned],
            Decommissioned => &[],
        }
    }

    /// True when the lifecycle allows moving from `self` to `to`.
    pub fn can_move_to(self, to: Stage) -> bool {
        self.next_stages().contains(&to)
    }

    /// True for every stage but Registered: once a version has been judged (validated or
    /// rejected), its artifacts and evidence may no longer change.
    pub fn is_write_once(self) -> bool {
        self != Stage::Registered
    }

    /// True for the stages a version may be deployed from.
    pub fn is_deployable(self) -> bool {
        matches!(self, Stage::Staging | Stage::Production)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Stage {
    type Err = RegistryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Stage::ALL
            .into_iter()
            .find(|stage| stage.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Stage::ALL.iter().map(|s| s.as_str()).collect();
                RegistryError::invalid("stage", format!("{s:?} is not one of {}", names.join(", ")))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn happy_path_and_terminal_state() {
        assert!(Stage::Registered.can_move_to(Stage::Validated));
        assert!(Stage::Validated.can_move_to(Stage::Staging));
        assert!(Stage::Staging.can_move_to(Stage::Production));
        assert!(Stage::Production.can_move_to(Stage::Suspended));
        assert!(Stage::Suspended.can_move_to(Stage::Production));
        assert!(Stage::Deprecated.can_move_to(Stage::Decommissioned));
        assert!(Stage::Decommissioned.next_stages().is_empty());
        assert!(!Stage::Registered.can_move_to(Stage::Production));
        assert!(!Stage::Production.can_move_to(Stage::Decommissioned));
        assert!(!Stage::Rejected.can_move_to(Stage::Validated));
    }

    #[test]
    fn names_round_trip() {
        for stage in Stage::ALL {
            assert_eq!(stage.as_str().parse::<Stage>().unwrap(), stage);
            let json = serde_json::to_string(&stage).unwrap();
            assert_eq!(json, format!("\"{stage}\""));
        }
        assert!("live".parse::<Stage>().is_err());
    }
}

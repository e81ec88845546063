//! What an actor asks to do: the governance actions the `authz` gate decides on.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::CoreError;

/// A governance action: the name `policy.yaml` grants roles under `permissions`, the
/// operation a signed request names, and the `action` of the `authz` gate's input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Action {
    /// Enrol actors, change their roles and keys, rotate the store's checkpoint key.
    ManageActors,
    /// Register a model version.
    Register,
    /// Attach evidence (reports) to a version, or assess it on hold-out data.
    AttachEvidence,
    /// Run the validation gate.
    Validate,
    /// Sign an approval of a version for a stage.
    Approve,
    /// Promote a version to staging or production.
    Promote,
    /// Point an environment at a version.
    Deploy,
    /// Return an environment to the version that served before.
    Rollback,
    /// Check that what a server loaded is the registered version.
    VerifyLoad,
    /// Record a model's decision.
    RecordDecision,
    /// Record a human review or override of a decision.
    RecordReview,
    /// Score current data against a version's drift baseline.
    Monitor,
    /// Open an incident.
    OpenIncident,
    /// Contain an incident: suspend, roll back, hold.
    Contain,
    /// Change an open incident: notes, status, notifications, closing.
    UpdateIncident,
    /// Retire a version (archive or destroy).
    Decommission,
    /// Record registry changes the audit log lacks.
    ReconcileAudit,
    /// Place or release a legal hold on audit entries.
    HoldAudit,
    /// Erase an audit entry's payload once retention allows.
    RedactAudit,
    /// Append events to the audit log by hand.
    AppendAudit,
    /// Put a `policy.yaml` in force.
    ApplyPolicy,
}

impl Action {
    /// Every action, in a stable order.
    pub const ALL: [Action; 21] = [
        Action::ManageActors,
        Action::Register,
        Action::AttachEvidence,
        Action::Validate,
        Action::Approve,
        Action::Promote,
        Action::Deploy,
        Action::Rollback,
        Action::VerifyLoad,
        Action::RecordDecision,
        Action::RecordReview,
        Action::Monitor,
        Action::OpenIncident,
        Action::Contain,
        Action::UpdateIncident,
        Action::Decommission,
        Action::ReconcileAudit,
        Action::HoldAudit,
        Action::RedactAudit,
        Action::AppendAudit,
        Action::ApplyPolicy,
    ];

    /// The action's kebab-case name, as `policy.yaml` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::ManageActors => "manage-actors",
            Action::Register => "register",
            Action::AttachEvidence => "attach-evidence",
            Action::Validate => "validate",
            Action::Approve => "approve",
            Action::Promote => "promote",
            Action::Deploy => "deploy",
            Action::Rollback => "rollback",
            Action::VerifyLoad => "verify-load",
            Action::RecordDecision => "record-decision",
            Action::RecordReview => "record-review",
            Action::Monitor => "monitor",
            Action::OpenIncident => "open-incident",
            Action::Contain => "contain",
            Action::UpdateIncident => "update-incident",
            Action::Decommission => "decommission",
            Action::ReconcileAudit => "reconcile-audit",
            Action::HoldAudit => "hold-audit",
            Action::RedactAudit => "redact-audit",
            Action::AppendAudit => "append-audit",
            Action::ApplyPolicy => "apply-policy",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Action {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Action::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| {
                CoreError::invalid("action", format!("{s:?} is not a governance action"))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_text_and_serde() {
        for action in Action::ALL {
            assert_eq!(action.as_str().parse::<Action>().unwrap(), action);
            let json = serde_json::to_string(&action).unwrap();
            assert_eq!(json, format!("\"{}\"", action.as_str()));
            assert_eq!(serde_json::from_str::<Action>(&json).unwrap(), action);
        }
        assert!("delete-everything".parse::<Action>().is_err());
    }
}

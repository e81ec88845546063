//! The incident lifecycle: open -> contained -> investigating -> remediated -> closed, and
//! reopen from closed.

use serde::{Deserialize, Serialize};

/// Where an incident stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentStatus {
    /// Reported, nothing done yet.
    Open,
    /// The damage is stopped (version suspended, rolled back or held).
    Contained,
    /// The cause is being worked out.
    Investigating,
    /// The cause is fixed.
    Remediated,
    /// Done; may be reopened.
    Closed,
}

impl IncidentStatus {
    /// The name used in records and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentStatus::Open => "open",
            IncidentStatus::Contained => "contained",
            IncidentStatus::Investigating => "investigating",
            IncidentStatus::Remediated => "remediated",
            IncidentStatus::Closed => "closed",
        }
    }

    /// Whether `to` may follow `self`: one step forward, or reopening a closed incident.
    pub fn may_become(self, to: IncidentStatus) -> bool {
        use IncidentStatus::*;
        matches!(
            (self, to),
            (Open, Contained)
                | (Contained, Investigating)
                | (Investigating, Remediated)
                | (Remediated, Closed)
                | (Closed, Open)
        )
    }
}

impl std::fmt::Display for IncidentStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

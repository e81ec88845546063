//! What kind of incident, how severe, and where it was noticed.

use serde::{Deserialize, Serialize};

/// The kinds of failure a security model suffers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentKind {
    /// Someone exploits the model itself (prompt injection, model theft, abuse of its output).
    AdversarialExploitation,
    /// Crafted inputs get past the detector.
    Evasion,
    /// Training data is suspected of having been tampered with.
    DataPoisoningSuspected,
    /// The model or its logs leak sensitive data.
    SensitiveDataLeak,
    /// The data moved away from what the model was validated on.
    DriftFailure,
    /// The model treats a group unfairly.
    BiasFinding,
    /// The model is down or too slow to decide.
    Availability,
    /// Anything else.
    Other,
}

impl IncidentKind {
    /// The name used on the command line and in playbooks.
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentKind::AdversarialExploitation => "adversarial_exploitation",
            IncidentKind::Evasion => "evasion",
            IncidentKind::DataPoisoningSuspected => "data_poisoning_suspected",
            IncidentKind::SensitiveDataLeak => "sensitive_data_leak",
            IncidentKind::DriftFailure => "drift_failure",
            IncidentKind::BiasFinding => "bias_finding",
            IncidentKind::Availability => "availability",
            IncidentKind::Other => "other",
        }
    }

    /// Every kind.
    pub const ALL: [IncidentKind; 8] = [
        IncidentKind::AdversarialExploitation,
        IncidentKind::Evasion,
        IncidentKind::DataPoisoningSuspected,
        IncidentKind::SensitiveDataLeak,
        IncidentKind::DriftFailure,
        IncidentKind::BiasFinding,
        IncidentKind::Availability,
        IncidentKind::Other,
    ];
}

impl std::str::FromStr for IncidentKind {
    type Err = crate::IncidentError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.replace('-', "_");
        IncidentKind::ALL
            .into_iter()
            .find(|k| k.as_str() == wanted)
            .ok_or_else(|| {
                crate::IncidentError::invalid(
                    "incident kind",
                    format!(
                        "{s:?}: expected one of {}",
                        IncidentKind::ALL.map(IncidentKind::as_str).join(", ")
                    ),
                )
            })
    }
}

/// Severity with OCSF's `severity_id` values, so SIEM exports need no mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// OCSF 1.
    Informational,
    /// OCSF 2.
    Low,
    /// OCSF 3.
    Medium,
    /// OCSF 4.
    High,
    /// OCSF 5.
    Critical,
    /// OCSF 6.
    Fatal,
}

impl Severity {
    /// OCSF `severity_id`.
    pub fn ocsf_id(self) -> u8 {
        match self {
            Severity::Informational => 1,
            Severity::Low => 2,
            Severity::Medium => 3,
            Severity::High => 4,
            Severity::Critical => 5,
            Severity::Fatal => 6,
        }
    }

    /// The severity with this OCSF `severity_id` (0 Unknown and 99 Other are not severities
    /// an incident may be opened with).
    pub fn from_ocsf_id(id: u8) -> Result<Severity, crate::IncidentError> {
        Ok(match id {
            1 => Severity::Informational,
            2 => Severity::Low,
            3 => Severity::Medium,
            4 => Severity::High,
            5 => Severity::Critical,
            6 => Severity::Fatal,
            other => {
                return Err(crate::IncidentError::invalid(
                    "severity",
                    format!("OCSF severity_id {other}: expected 1 (informational) to 6 (fatal)"),
                ));
            }
        })
    }
}

impl std::str::FromStr for Severity {
    type Err = crate::IncidentError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Ok(id) = s.parse::<u8>() {
            return Severity::from_ocsf_id(id);
        }
        Ok(match s.to_ascii_lowercase().as_str() {
            "informational" => Severity::Informational,
            "low" => Severity::Low,
            "medium" => Severity::Medium,
            "high" => Severity::High,
            "critical" => Severity::Critical,
            "fatal" => Severity::Fatal,
            _ => {
                return Err(crate::IncidentError::invalid(
                    "severity",
                    format!(
                        "{s:?}: expected informational, low, medium, high, critical, fatal or 1-6"
                    ),
                ));
            }
        })
    }
}

/// Where the incident was noticed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum IncidentSource {
    /// A drift or KPI alert.
    DriftAlert {
        /// The alert's id.
        alert_id: String,
    },
    /// An audit log entry.
    AuditEntry {
        /// Its leaf index.
        index: u64,
    },
    /// A person.
    Person {
        /// Who.
        actor: String,
    },
}

//! The facade's one error type: every crate's error, plus denials that name their gate.

use aigov_policy::Finding;

/// Why a governor operation failed or was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A gate or rule refused the operation; the refusal is in the audit log.
    #[error("denied by {gate}: {}", describe(.findings))]
    Denied {
        /// The gate (`authz`, `registration`, `validation`, `staging`, `production`,
        /// `deployment`) or the rule (`approval`, `serving`, `legal-hold`) that refused.
        gate: String,
        /// The codes and messages of every reason.
        findings: Vec<Finding>,
    },
    /// Input the governor cannot use.
    #[error("invalid {what}: {reason}")]
    InvalidInput {
        /// What was wrong.
        what: &'static str,
        /// Why.
        reason: String,
    },
    /// A file or directory of the embedded store could not be read or written.
    #[error("{path}: {reason}")]
    Io {
        /// The path.
        path: String,
        /// What failed.
        reason: String,
    },
    /// The operation was carried out but its audit entry could not be written yet. A registry
    /// change waits in the change journal and is recorded once the log takes writes again
    /// ([`crate::Governor::record_pending_changes`]).
    #[error("{done}, but the audit log refused the entry: {source}")]
    NotAudited {
        /// What was done.
        done: String,
        /// The audit log's error.
        source: aigov_audit::AuditError,
    },
    /// From the core types.
    #[error(transparent)]
    Core(#[from] aigov_core::CoreError),
    /// From the registry.
    #[error(transparent)]
    Registry(#[from] aigov_registry::RegistryError),
    /// From the audit log.
    #[error(transparent)]
    Audit(#[from] aigov_audit::AuditError),
    /// From the policy engine.
    #[error(transparent)]
    Policy(#[from] aigov_policy::PolicyError),
    /// From the incident crate.
    #[error(transparent)]
    Incident(#[from] aigov_incident::IncidentError),
    /// From drift monitoring.
    #[error(transparent)]
    Drift(#[from] aigov_drift::DriftError),
    /// From the compliance documents.
    #[error(transparent)]
    Compliance(#[from] aigov_compliance::ComplianceError),
    /// From decommissioning.
    #[error(transparent)]
    Decommission(#[from] crate::decommission::DecommissionError),
}

impl Error {
    /// A denial by `gate` for one reason.
    pub fn denied(gate: &str, code: &str, msg: impl Into<String>) -> Error {
        Error::Denied {
            gate: gate.to_string(),
            findings: vec![Finding {
                code: code.to_string(),
                msg: msg.into(),
            }],
        }
    }

    /// Bad input.
    pub fn invalid(what: &'static str, reason: impl Into<String>) -> Error {
        Error::InvalidInput {
            what,
            reason: reason.into(),
        }
    }

    /// The gate that refused, when this is a denial.
    pub fn denied_by(&self) -> Option<&str> {
        match self {
            Error::Denied { gate, .. } => Some(gate),
            _ => None,
        }
    }

    /// The reason codes of a denial (empty otherwise).
    pub fn codes(&self) -> Vec<&str> {
        match self {
            Error::Denied { findings, .. } => findings.iter().map(|f| f.code.as_str()).collect(),
            _ => Vec::new(),
        }
    }
}

fn describe(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("{} ({})", f.msg, f.code))
        .collect::<Vec<_>>()
        .join("; ")
}

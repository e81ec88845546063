//! The compliance crate's error.

/// Why a document could not be produced.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ComplianceError {
    /// The registry failed or does not know the version.
    #[error(transparent)]
    Registry(#[from] aigov_registry::RegistryError),
    /// The audit log failed.
    #[error(transparent)]
    Audit(#[from] aigov_audit::AuditError),
    /// The incident store failed.
    #[error(transparent)]
    Incident(#[from] aigov_incident::IncidentError),
    /// A stored report or entry is not what its kind says.
    #[error("{what}: {reason}")]
    Malformed {
        /// What was being read.
        what: String,
        /// Why it could not be used.
        reason: String,
    },
}

impl ComplianceError {
    pub(crate) fn malformed(what: impl Into<String>, reason: impl std::fmt::Display) -> Self {
        ComplianceError::Malformed {
            what: what.into(),
            reason: reason.to_string(),
        }
    }
}

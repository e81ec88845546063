//! The one error type of `aigov-incident`.

/// What went wrong with an incident operation.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum IncidentError {
    /// An input was rejected.
    #[error("invalid {what}: {reason}")]
    InvalidInput {
        /// Which input.
        what: &'static str,
        /// Why.
        reason: String,
    },
    /// The status change is not allowed from the current status.
    #[error("incident {id}: cannot go from {from} to {to}")]
    IllegalTransition {
        /// The incident.
        id: String,
        /// Current status.
        from: String,
        /// Requested status.
        to: String,
    },
    /// The operation contradicts what is already recorded (a second classification, an
    /// action dated before the last one).
    #[error("incident {id}: {reason}")]
    Conflict {
        /// The incident.
        id: String,
        /// Why.
        reason: String,
    },
    /// No incident has this id.
    #[error("no incident {0}")]
    NotFound(String),
    /// The store failed.
    #[error("{backend} incident store: {message}")]
    Storage {
        /// Which backend.
        backend: &'static str,
        /// What failed.
        message: String,
    },
    /// The containment target failed to act.
    #[error("incident {id}: containment failed: {reason}")]
    Containment {
        /// The incident.
        id: String,
        /// What failed.
        reason: String,
    },
    /// A playbook is invalid.
    #[error("playbook {source_name}, line {line}: {reason}")]
    Playbook {
        /// The file.
        source_name: String,
        /// 1-based line (0 when the problem has no single line).
        line: usize,
        /// Why.
        reason: String,
    },
}

impl IncidentError {
    pub(crate) fn storage(backend: &'static str, message: impl std::fmt::Display) -> Self {
        IncidentError::Storage {
            backend,
            message: message.to_string(),
        }
    }

    pub(crate) fn invalid(what: &'static str, reason: impl Into<String>) -> Self {
        IncidentError::InvalidInput {
            what,
            reason: reason.into(),
        }
    }
}

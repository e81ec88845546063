//! The one error type of `aigov-audit`.

use aigov_core::CoreError;

/// What went wrong in an audit-log operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// The entry, checkpoint or hold does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// A value was rejected before anything was stored.
    #[error("invalid {what}: {reason}")]
    InvalidInput {
        /// Which value.
        what: &'static str,
        /// Why.
        reason: String,
    },
    /// A proof, checkpoint or signature did not verify.
    #[error("{proof} rejected: {reason}")]
    ProofRejected {
        /// What was being verified.
        proof: &'static str,
        /// Why it failed.
        reason: String,
    },
    /// Stored history does not match itself or its checkpoints.
    #[error("integrity failure at index {index}: {detail}")]
    Integrity {
        /// The first bad index.
        index: u64,
        /// What is wrong there.
        detail: String,
    },
    /// Retention or a legal hold forbids the operation.
    #[error("denied: {0}")]
    Denied(String),
    /// An entry carries a unique key (a registry change's id) the log already holds: the
    /// append was refused whole, and the entry is logged at `index` already.
    #[error("{key} is already logged, at index {index}")]
    Duplicate {
        /// The key.
        key: String,
        /// Where the entry holding it is.
        index: u64,
    },
    /// The storage backend failed.
    #[error("{backend} storage error: {message}")]
    Storage {
        /// `memory`, `sqlite` or `postgres`.
        backend: &'static str,
        /// The backend's message.
        message: String,
    },
    /// A core operation (keys, digests) failed.
    #[error(transparent)]
    Core(#[from] CoreError),
}

impl AuditError {
    /// Shorthand for [`AuditError::InvalidInput`].
    pub fn invalid(what: &'static str, reason: impl Into<String>) -> Self {
        AuditError::InvalidInput {
            what,
            reason: reason.into(),
        }
    }

    /// Shorthand for [`AuditError::Storage`].
    pub fn storage(backend: &'static str, message: impl std::fmt::Display) -> Self {
        AuditError::Storage {
            backend,
            message: message.to_string(),
        }
    }
}

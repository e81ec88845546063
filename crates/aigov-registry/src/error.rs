//! The one error type of `aigov-registry`.

use aigov_core::CoreError;

use crate::Stage;

/// What went wrong in a registry operation; each variant names the record involved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// The model, version, alias, artifact or deployment does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// The record already exists, or changed underneath the caller.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A value was rejected before anything was stored.
    #[error("invalid {what}: {reason}")]
    InvalidInput {
        /// Which value.
        what: &'static str,
        /// Why.
        reason: String,
    },
    /// The lifecycle does not allow this stage change.
    #[error("{model}@{version}: cannot move from {from} to {to}")]
    IllegalTransition {
        /// The model.
        model: String,
        /// The version.
        version: u64,
        /// The current stage.
        from: Stage,
        /// The requested stage.
        to: Stage,
    },
    /// A write-once part of a validated version was about to change.
    #[error("{model}@{version} is {stage}: its {part} are write-once")]
    WriteOnce {
        /// The model.
        model: String,
        /// The version.
        version: u64,
        /// The version's stage.
        stage: Stage,
        /// What would have changed (artifacts, evidence).
        part: &'static str,
    },
    /// The operation is refused (separation of duties, a stage that may not be deployed).
    #[error("denied: {0}")]
    Denied(String),
    /// Stored content does not match its digest or manifest.
    #[error("integrity failure: {0}")]
    Integrity(String),
    /// The storage backend failed.
    #[error("{backend} storage error: {message}")]
    Storage {
        /// `memory`, `sqlite`, `postgres` or `filesystem`.
        backend: &'static str,
        /// The backend's message.
        message: String,
    },
    /// A core operation (hashing, signing, parsing) failed.
    #[error(transparent)]
    Core(#[from] CoreError),
}

impl RegistryError {
    /// Shorthand for [`RegistryError::InvalidInput`].
    pub fn invalid(what: &'static str, reason: impl Into<String>) -> Self {
        RegistryError::InvalidInput {
            what,
            reason: reason.into(),
        }
    }

    /// Shorthand for [`RegistryError::Storage`].
    pub fn storage(backend: &'static str, message: impl std::fmt::Display) -> Self {
        RegistryError::Storage {
            backend,
            message: message.to_string(),
        }
    }
}

//! The one error type of `aigov-fairness`.

/// What is wrong with the data or settings of a fairness audit.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum FairnessError {
    /// An input was rejected.
    #[error("invalid {what}: {reason}")]
    InvalidInput {
        /// Which input.
        what: &'static str,
        /// Why.
        reason: String,
    },
}

impl FairnessError {
    pub(crate) fn invalid(what: &'static str, reason: impl Into<String>) -> Self {
        FairnessError::InvalidInput {
            what,
            reason: reason.into(),
        }
    }
}

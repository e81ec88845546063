//! The one error type of `aigov-drift`.

/// What is wrong with the data given to a statistic.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum DriftError {
    /// A sample or count vector was rejected.
    #[error("invalid {what}: {reason}")]
    InvalidInput {
        /// Which input.
        what: &'static str,
        /// Why.
        reason: String,
    },
}

impl DriftError {
    pub(crate) fn invalid(what: &'static str, reason: impl Into<String>) -> Self {
        DriftError::InvalidInput {
            what,
            reason: reason.into(),
        }
    }
}

//! The one error type of `aigov-explain`.

/// Why an explanation could not be computed.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum ExplainError {
    /// An input (row, background, options) was rejected.
    #[error("invalid {what}: {reason}")]
    InvalidInput {
        /// Which input.
        what: &'static str,
        /// Why.
        reason: String,
    },
    /// The sampled coalitions do not determine the values (Kernel SHAP's weighted least
    /// squares system is singular); more samples are needed.
    #[error("the explanation is not determined: {0}")]
    Underdetermined(String),
    /// The model failed to score the coalitions.
    #[error(transparent)]
    Model(#[from] aigov_core::ModelError),
}

impl ExplainError {
    pub(crate) fn invalid(what: &'static str, reason: impl Into<String>) -> Self {
        ExplainError::InvalidInput {
            what,
            reason: reason.into(),
        }
    }
}

//! The one error type of `aigov-validation`.

/// What is wrong with the data given to a metric, or why a metric has no value.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum ValidationError {
    /// An input was rejected.
    #[error("invalid {what}: {reason}")]
    InvalidInput {
        /// Which input.
        what: &'static str,
        /// Why.
        reason: String,
    },
    /// The metric is not defined on this data (for example ROC AUC with one class).
    #[error("{metric} is undefined: {reason}")]
    Undefined {
        /// The metric.
        metric: &'static str,
        /// Why.
        reason: String,
    },
    /// The model failed to load or to score.
    #[error(transparent)]
    Model(#[from] aigov_core::ModelError),
}

impl ValidationError {
    pub(crate) fn invalid(what: &'static str, reason: impl Into<String>) -> Self {
        ValidationError::InvalidInput {
            what,
            reason: reason.into(),
        }
    }

    pub(crate) fn undefined(metric: &'static str, reason: impl Into<String>) -> Self {
        ValidationError::Undefined {
            metric,
            reason: reason.into(),
        }
    }
}

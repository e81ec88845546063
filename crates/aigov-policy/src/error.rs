//! The one error type of `aigov-policy`.

use std::path::PathBuf;

/// What went wrong loading or evaluating policy.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// A gate input, gate name or value was rejected before evaluation.
    #[error("invalid {what}: {reason}")]
    InvalidInput {
        /// Which value.
        what: &'static str,
        /// Why, with the path of the bad field where there is one.
        reason: String,
    },
    /// A bundle failed to load, parse or verify.
    #[error("policy bundle {path}: {reason}")]
    Bundle {
        /// The bundle or module.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// `policy.yaml` is invalid.
    #[error("policy configuration, line {line}, column {column}: {reason}")]
    Config {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// Why.
        reason: String,
    },
    /// Rego evaluation failed (the gate denies).
    #[error("policy evaluation failed: {0}")]
    Evaluation(String),
    /// Reading a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

impl PolicyError {
    /// Shorthand for [`PolicyError::InvalidInput`].
    pub fn invalid(what: &'static str, reason: impl Into<String>) -> Self {
        PolicyError::InvalidInput {
            what,
            reason: reason.into(),
        }
    }
}

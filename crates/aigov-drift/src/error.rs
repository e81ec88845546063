//! The one error type of `aigov-drift`.

/// What is wrong with the data, files or settings given to the drift checks.
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
    /// A file could not be read or written.
    #[error("{path}: {reason}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's reason.
        reason: String,
    },
    /// A CSV input is malformed.
    #[error("{source_name}: {reason}")]
    Csv {
        /// The file or stream.
        source_name: String,
        /// What is wrong.
        reason: String,
    },
    /// A column that was asked for is not in the data.
    #[error("{source_name}: no column {column:?}")]
    MissingColumn {
        /// The column.
        column: String,
        /// The file or profile.
        source_name: String,
    },
    /// A column has no usable values.
    #[error("column {column:?}: {reason}")]
    EmptyColumn {
        /// The column.
        column: String,
        /// Why nothing is left.
        reason: String,
    },
    /// A saved profile is unreadable or of another version.
    #[error("profile: {0}")]
    Profile(String),
}

impl DriftError {
    pub(crate) fn invalid(what: &'static str, reason: impl Into<String>) -> Self {
        DriftError::InvalidInput {
            what,
            reason: reason.into(),
        }
    }
}

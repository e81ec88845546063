//! The one error type of `aigov-core`.

use std::path::PathBuf;

/// What went wrong in a core operation; each variant names the offending value or path.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CoreError {
    /// A value failed validation (a digest, a name, a key string, a JSON document, ...).
    #[error("invalid {what}: {reason}")]
    InvalidInput {
        /// Which kind of value was rejected.
        what: &'static str,
        /// Why it was rejected, quoting the value where that is safe.
        reason: String,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A model directory contains a symbolic link and links were not allowed.
    #[error("{path} is a symbolic link; symlinks are refused unless explicitly allowed")]
    SymlinkRefused {
        /// The link found inside the model.
        path: PathBuf,
    },
    /// A file that must not be replaced already exists.
    #[error("{path} already exists; refusing to overwrite it")]
    AlreadyExists {
        /// The existing file.
        path: PathBuf,
    },
    /// The input is well-formed but uses something aigov does not implement (another hash
    /// type, keyless Sigstore bundles, a legacy predicate).
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// A signature did not verify against any trusted key.
    #[error("signature verification failed: {0}")]
    Signature(String),
    /// Content does not match what a signed or recorded statement says it should be.
    #[error("integrity check failed: {0}")]
    Integrity(String),
}

impl CoreError {
    /// Shorthand for [`CoreError::InvalidInput`].
    pub fn invalid(what: &'static str, reason: impl Into<String>) -> Self {
        CoreError::InvalidInput {
            what,
            reason: reason.into(),
        }
    }

    /// Shorthand for [`CoreError::Io`].
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        CoreError::Io {
            path: path.into(),
            source,
        }
    }

    /// True when the error means "the evidence does not check out" rather than "bad input".
    pub fn is_verification_failure(&self) -> bool {
        matches!(self, CoreError::Signature(_) | CoreError::Integrity(_))
    }
}

//! How a command fails: one line on stderr and an exit code that says what kind of failure.

use std::process::ExitCode;

use aigov_core::CoreError;

/// A failed command: a negative governance outcome, bad input, or an internal error.
#[derive(Debug)]
pub enum Failure {
    /// Exit 1: the check ran and said no (verification failed, policy denied, drift found).
    Negative(String),
    /// Exit 2: bad usage or bad input.
    BadInput(String),
    /// Exit 3: an internal or storage error.
    Internal(String),
}

impl Failure {
    /// Prints the message and returns the exit code.
    pub fn report(self) -> ExitCode {
        let (code, message) = match self {
            Failure::Negative(m) => (1, m),
            Failure::BadInput(m) => (2, m),
            Failure::Internal(m) => (3, m),
        };
        eprintln!("aigov: {message}");
        ExitCode::from(code)
    }
}

impl From<CoreError> for Failure {
    fn from(e: CoreError) -> Self {
        if e.is_verification_failure() {
            Failure::Negative(e.to_string())
        } else {
            Failure::BadInput(e.to_string())
        }
    }
}

impl From<serde_json::Error> for Failure {
    fn from(e: serde_json::Error) -> Self {
        Failure::Internal(format!("could not write JSON: {e}"))
    }
}

impl From<aigov_registry::RegistryError> for Failure {
    fn from(e: aigov_registry::RegistryError) -> Self {
        use aigov_registry::RegistryError as E;
        match e {
            E::Core(core) => core.into(),
            E::Denied(_) | E::Integrity(_) => Failure::Negative(e.to_string()),
            E::Storage { .. } => Failure::Internal(e.to_string()),
            _ => Failure::BadInput(e.to_string()),
        }
    }
}

impl From<aigov_audit::AuditError> for Failure {
    fn from(e: aigov_audit::AuditError) -> Self {
        use aigov_audit::AuditError as E;
        match e {
            E::Core(core) => core.into(),
            E::ProofRejected { .. } | E::Integrity { .. } | E::Denied(_) => {
                Failure::Negative(e.to_string())
            }
            E::Storage { .. } => Failure::Internal(e.to_string()),
            _ => Failure::BadInput(e.to_string()),
        }
    }
}

impl From<aigov_policy::PolicyError> for Failure {
    fn from(e: aigov_policy::PolicyError) -> Self {
        match e {
            aigov_policy::PolicyError::Evaluation(_) => Failure::Internal(e.to_string()),
            _ => Failure::BadInput(e.to_string()),
        }
    }
}

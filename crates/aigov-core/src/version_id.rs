//! Version numbers of a registered model.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::CoreError;

/// A model version number: 1, 2, 3, ... per model, never reused (MLflow's `version`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub struct VersionId(u64);

impl VersionId {
    /// The first version of every model.
    pub const FIRST: VersionId = VersionId(1);

    /// Wraps a version number; zero is rejected because numbering starts at 1.
    pub fn new(n: u64) -> Result<Self, CoreError> {
        if n == 0 {
            return Err(CoreError::invalid(
                "version",
                "version numbers start at 1".to_string(),
            ));
        }
        if n > i64::MAX as u64 {
            return Err(CoreError::invalid(
                "version",
                format!("{n} does not fit a signed 64-bit database column"),
            ));
        }
        Ok(VersionId(n))
    }

    /// The number.
    pub fn get(self) -> u64 {
        self.0
    }

    /// The version after this one.
    pub fn next(self) -> Result<Self, CoreError> {
        VersionId::new(self.0.saturating_add(1))
    }
}

impl fmt::Display for VersionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for VersionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}", self.0)
    }
}

impl FromStr for VersionId {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CoreError::invalid(
                "version",
                format!("{s:?} is not a positive integer"),
            ));
        }
        let n: u64 = s
            .parse()
            .map_err(|_| CoreError::invalid("version", format!("{s:?} is too large")))?;
        VersionId::new(n)
    }
}

impl TryFrom<u64> for VersionId {
    type Error = CoreError;
    fn try_from(n: u64) -> Result<Self, Self::Error> {
        VersionId::new(n)
    }
}

impl From<VersionId> for u64 {
    fn from(v: VersionId) -> u64 {
        v.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!("7".parse::<VersionId>().unwrap().get(), 7);
        for bad in ["0", "", "-1", "+1", "1.0", "v1", "99999999999999999999999"] {
            assert!(bad.parse::<VersionId>().is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<VersionId>("0").is_err());
        assert_eq!(VersionId::FIRST.next().unwrap().get(), 2);
    }
}

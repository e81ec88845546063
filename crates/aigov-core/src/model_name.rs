//! Validated model names.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::CoreError;

/// Longest model name accepted.
pub const MAX_MODEL_NAME_LEN: usize = 128;

/// The name of a registered model: 1-128 characters of `[a-z0-9._-]`, starting alphanumeric.
///
/// The narrow alphabet keeps names safe in file paths, URLs, SQL and shell commands.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ModelName(String);

impl ModelName {
    /// Validates and wraps a model name.
    pub fn new(name: impl Into<String>) -> Result<Self, CoreError> {
        let name = name.into();
        validate_model_name(&name)?;
        Ok(ModelName(name))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn validate_model_name(name: &str) -> Result<(), CoreError> {
    let reject = |reason: String| Err(CoreError::invalid("model name", reason));
    if name.is_empty() {
        return reject("a model name must not be empty".into());
    }
    if name.len() > MAX_MODEL_NAME_LEN {
        return reject(format!(
            "{} characters is longer than the {MAX_MODEL_NAME_LEN} allowed",
            name.len()
        ));
    }
    if !name.as_bytes()[0].is_ascii_alphanumeric() || name.as_bytes()[0].is_ascii_uppercase() {
        return reject(format!(
            "{name:?} must start with a lowercase letter or digit"
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !matches!(c, 'a'..='z' | '0'..='9' | '.' | '_' | '-'))
    {
        return reject(format!(
            "{name:?} contains {c:?}; only a-z, 0-9, '.', '_' and '-' are allowed"
        ));
    }
    Ok(())
}

impl fmt::Display for ModelName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ModelName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ModelName({:?})", self.0)
    }
}

impl FromStr for ModelName {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ModelName::new(s)
    }
}

impl TryFrom<String> for ModelName {
    type Error = CoreError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        ModelName::new(s)
    }
}

impl From<ModelName> for String {
    fn from(n: ModelName) -> String {
        n.0
    }
}

impl AsRef<str> for ModelName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_typical_names() {
        for ok in ["a", "0", "login-risk", "ids.v2_final", &"x".repeat(128)] {
            assert_eq!(ModelName::new(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn rejects_bad_names_with_the_reason() {
        for (bad, why) in [
            ("", "empty"),
            ("-a", "must start"),
            (".a", "must start"),
            ("Abc", "must start"),
            ("aBc", "contains 'B'"),
            ("a b", "contains ' '"),
            ("a/b", "contains '/'"),
            ("a'; drop table x;--", "contains '\\''"),
            ("modèle", "contains 'è'"),
        ] {
            let err = ModelName::new(bad).unwrap_err().to_string();
            assert!(err.contains(why), "{bad:?}: {err}");
        }
        let err = ModelName::new("x".repeat(129)).unwrap_err().to_string();
        assert!(err.contains("longer than the 128"), "{err}");
    }

    #[test]
    fn serde_validates() {
        assert!(serde_json::from_str::<ModelName>("\"UPPER\"").is_err());
        let n: ModelName = serde_json::from_str("\"fraud-scorer\"").unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"fraud-scorer\"");
    }

    proptest! {
        #[test]
        fn valid_names_round_trip(name in "[a-z0-9][a-z0-9._-]{0,127}") {
            let parsed: ModelName = name.parse().unwrap();
            prop_assert_eq!(parsed.to_string(), name);
        }

        #[test]
        fn never_panics(name in ".{0,200}") {
            let _ = ModelName::new(name);
        }
    }
}

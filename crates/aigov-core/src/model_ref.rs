//! References to one model version: `name@3` or `name@champion`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{CoreError, ModelName, VersionId};

/// Longest alias accepted.
pub const MAX_ALIAS_LEN: usize = 64;

/// A movable pointer name such as `champion` or `challenger`.
///
/// An alias starts with a lowercase letter so that it can never be read as a version number.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Alias(String);

impl Alias {
    /// Validates and wraps an alias: 1-64 characters of `[a-z0-9._-]`, starting with a letter.
    pub fn new(alias: impl Into<String>) -> Result<Self, CoreError> {
        let alias = alias.into();
        let reject = |reason: String| Err(CoreError::invalid("alias", reason));
        match alias.chars().next() {
            None => return reject("an alias must not be empty".into()),
            Some(c) if !c.is_ascii_lowercase() => {
                return reject(format!("{alias:?} must start with a lowercase letter"));
            }
            _ => {}
        }
        if alias.len() > MAX_ALIAS_LEN {
            return reject(format!(
                "{alias:?} is longer than {MAX_ALIAS_LEN} characters"
            ));
        }
        if let Some(c) = alias
            .chars()
            .find(|c| !matches!(c, 'a'..='z' | '0'..='9' | '.' | '_' | '-'))
        {
            return reject(format!("{alias:?} contains {c:?}"));
        }
        Ok(Alias(alias))
    }

    /// The alias as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Alias {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Alias {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Alias({:?})", self.0)
    }
}

impl TryFrom<String> for Alias {
    type Error = CoreError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Alias::new(s)
    }
}

impl From<Alias> for String {
    fn from(a: Alias) -> String {
        a.0
    }
}

/// Which version of a model a reference points at.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum VersionSelector {
    /// A fixed version number.
    Version(VersionId),
    /// Whatever version an alias points at when the reference is resolved.
    Alias(Alias),
}

/// A reference to one version of a model, written `name@version` or `name@alias`.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ModelRef {
    /// The model.
    pub name: ModelName,
    /// The version within it.
    pub selector: VersionSelector,
}

impl ModelRef {
    /// A reference to a fixed version.
    pub fn version(name: ModelName, version: VersionId) -> Self {
        ModelRef {
            name,
            selector: VersionSelector::Version(version),
        }
    }

    /// A reference through an alias.
    pub fn alias(name: ModelName, alias: Alias) -> Self {
        ModelRef {
            name,
            selector: VersionSelector::Alias(alias),
        }
    }
}

impl FromStr for ModelRef {
    type Err = CoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let Some((name, selector)) = s.split_once('@') else {
            return Err(CoreError::invalid(
                "model reference",
                format!("{s:?} is not of the form name@version or name@alias"),
            ));
        };
        let name = ModelName::new(name)?;
        let selector = if selector.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
            VersionSelector::Version(selector.parse()?)
        } else {
            VersionSelector::Alias(Alias::new(selector)?)
        };
        Ok(ModelRef { name, selector })
    }
}

impl fmt::Display for ModelRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.selector {
            VersionSelector::Version(v) => write!(f, "{}@{v}", self.name),
            VersionSelector::Alias(a) => write!(f, "{}@{a}", self.name),
        }
    }
}

impl TryFrom<String> for ModelRef {
    type Error = CoreError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<ModelRef> for String {
    fn from(r: ModelRef) -> String {
        r.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_versions_and_aliases() {
        let r: ModelRef = "login-risk@3".parse().unwrap();
        assert_eq!(
            r.selector,
            VersionSelector::Version(VersionId::new(3).unwrap())
        );
        let r: ModelRef = "login-risk@champion".parse().unwrap();
        assert_eq!(
            r.selector,
            VersionSelector::Alias(Alias::new("champion").unwrap())
        );
        assert_eq!(r.to_string(), "login-risk@champion");
    }

    #[test]
    fn rejects_malformed_references() {
        for bad in [
            "login-risk",
            "@3",
            "login-risk@",
            "login-risk@0",
            "login-risk@3a",
            "login-risk@Champion",
            "Login@3",
            "a@b@c",
        ] {
            assert!(bad.parse::<ModelRef>().is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn round_trip(name in "[a-z0-9][a-z0-9._-]{0,40}", v in 1u64..1_000_000, alias in "[a-z][a-z0-9._-]{0,20}") {
            let by_version = format!("{name}@{v}");
            prop_assert_eq!(by_version.parse::<ModelRef>().unwrap().to_string(), by_version);
            let by_alias = format!("{name}@{alias}");
            prop_assert_eq!(by_alias.parse::<ModelRef>().unwrap().to_string(), by_alias);
        }
    }
}

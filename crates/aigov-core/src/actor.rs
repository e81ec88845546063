//! Who acts: actor identities and governance roles.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::CoreError;

/// Longest actor id accepted.
pub const MAX_ACTOR_ID_LEN: usize = 256;

/// The identity of a person or service that acts on the registry (an e-mail, a service account).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ActorId(String);

impl ActorId {
    /// Validates an actor id: 1-256 printable characters without whitespace.
    pub fn new(id: impl Into<String>) -> Result<Self, CoreError> {
        let id = id.into();
        if id.is_empty() {
            return Err(CoreError::invalid(
                "actor id",
                "an actor id must not be empty",
            ));
        }
        if id.len() > MAX_ACTOR_ID_LEN {
            return Err(CoreError::invalid(
                "actor id",
                format!("{} bytes is longer than {MAX_ACTOR_ID_LEN}", id.len()),
            ));
        }
        if let Some(c) = id.chars().find(|c| c.is_whitespace() || c.is_control()) {
            return Err(CoreError::invalid(
                "actor id",
                format!("{id:?} contains {c:?}; whitespace and control characters are not allowed"),
            ));
        }
        Ok(ActorId(id))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ActorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ActorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ActorId({:?})", self.0)
    }
}

impl FromStr for ActorId {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ActorId::new(s)
    }
}

impl TryFrom<String> for ActorId {
    type Error = CoreError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        ActorId::new(s)
    }
}

impl From<ActorId> for String {
    fn from(a: ActorId) -> String {
        a.0
    }
}

/// A governance role; the built-in ones come from DESIGN.md, others are custom.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Role {
    /// Accountable for a model's purpose and use.
    ModelOwner,
    /// Trains and registers models.
    DataScientist,
    /// Runs and signs off validation.
    Validator,
    /// Approves from the security point of view.
    SecurityApprover,
    /// Approves from the legal and compliance point of view.
    LegalApprover,
    /// Moves approved versions into environments.
    Deployer,
    /// Reads everything, changes nothing.
    Auditor,
    /// Contains and investigates incidents.
    IncidentResponder,
    /// Administers the control plane itself.
    Admin,
    /// An organisation-specific role: 1-64 characters of `[a-z0-9-]`, starting with a letter.
    Custom(String),
}

impl Role {
    /// Every built-in role, in a stable order.
    pub const BUILT_IN: [Role; 9] = [
        Role::ModelOwner,
        Role::DataScientist,
        Role::Validator,
        Role::SecurityApprover,
        Role::LegalApprover,
        Role::Deployer,
        Role::Auditor,
        Role::IncidentResponder,
        Role::Admin,
    ];

    /// The role's kebab-case name (`security-approver`).
    pub fn as_str(&self) -> &str {
        match self {
            Role::ModelOwner => "model-owner",
            Role::DataScientist => "data-scientist",
            Role::Validator => "validator",
            Role::SecurityApprover => "security-approver",
            Role::LegalApprover => "legal-approver",
            Role::Deployer => "deployer",
            Role::Auditor => "auditor",
            Role::IncidentResponder => "incident-responder",
            Role::Admin => "admin",
            Role::Custom(name) => name,
        }
    }
}

impl FromStr for Role {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(role) = Role::BUILT_IN.iter().find(|r| r.as_str() == s) {
            return Ok(role.clone());
        }
        let valid = s.len() <= 64
            && s.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
            && s.bytes()
                .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-'));
        if !valid {
            return Err(CoreError::invalid(
                "role",
                format!(
                    "{s:?} is neither a built-in role nor a valid custom role \
                     (1-64 characters of a-z, 0-9 and '-', starting with a letter)"
                ),
            ));
        }
        Ok(Role::Custom(s.to_string()))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Role({})", self.as_str())
    }
}

impl TryFrom<String> for Role {
    type Error = CoreError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Role> for String {
    fn from(r: Role) -> String {
        r.as_str().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_roles_round_trip() {
        for role in Role::BUILT_IN {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(serde_json::from_str::<Role>(&json).unwrap(), role);
        }
    }

    #[test]
    fn custom_roles_are_validated() {
        assert_eq!(
            "soc-lead".parse::<Role>().unwrap(),
            Role::Custom("soc-lead".into())
        );
        for bad in ["", "SOC", "1abc", "a b", "a_b", &"a".repeat(65)] {
            assert!(bad.parse::<Role>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn actor_ids_are_validated() {
        assert!(ActorId::new("alice@example.com").is_ok());
        for bad in ["", "a b", "a\nb", "a\u{0}b"] {
            assert!(ActorId::new(bad).is_err(), "{bad:?}");
        }
        assert!(ActorId::new("x".repeat(257)).is_err());
    }
}

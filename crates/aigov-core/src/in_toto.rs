//! in-toto Statement v1: what every signed claim about an artifact looks like.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{CoreError, Digest};

/// The `_type` of an in-toto Statement v1.
pub const STATEMENT_TYPE_V1: &str = "https://in-toto.io/Statement/v1";
/// The DSSE payload type of an in-toto statement.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// An artifact a statement is about (the spec's ResourceDescriptor).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceDescriptor {
    /// A name for the artifact (a model name, a file path).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Algorithm name to lowercase hex digest, e.g. `{"sha256": "..."}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub digest: BTreeMap<String, String>,
    /// Where the artifact can be fetched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Free-form extra facts about the artifact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<serde_json::Map<String, serde_json::Value>>,
}

impl ResourceDescriptor {
    /// A descriptor naming an artifact by its SHA-256 digest.
    pub fn sha256(name: impl Into<String>, digest: &Digest) -> Self {
        ResourceDescriptor {
            name: name.into(),
            digest: BTreeMap::from([("sha256".to_string(), digest.to_hex())]),
            uri: None,
            annotations: None,
        }
    }

    /// The SHA-256 digest, if the descriptor has a well-formed one.
    pub fn sha256_digest(&self) -> Result<Digest, CoreError> {
        match self.digest.get("sha256") {
            Some(hex) => Digest::from_hex(hex),
            None => Err(CoreError::invalid(
                "resource descriptor",
                format!("{:?} has no sha256 digest", self.name),
            )),
        }
    }
}

/// An in-toto Statement v1: subjects, a predicate type and the predicate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    /// Always [`STATEMENT_TYPE_V1`].
    #[serde(rename = "_type")]
    pub statement_type: String,
    /// The artifacts the predicate is about.
    pub subject: Vec<ResourceDescriptor>,
    /// A URI naming the predicate's schema.
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    /// The claim itself.
    #[serde(default)]
    pub predicate: serde_json::Value,
}

impl Statement {
    /// A v1 statement about `subject`.
    pub fn new(
        subject: Vec<ResourceDescriptor>,
        predicate_type: impl Into<String>,
        predicate: serde_json::Value,
    ) -> Self {
        Statement {
            statement_type: STATEMENT_TYPE_V1.to_string(),
            subject,
            predicate_type: predicate_type.into(),
            predicate,
        }
    }

    /// Parses and checks a statement: v1 type, at least one subject, each with a digest.
    pub fn from_json(bytes: &[u8]) -> Result<Self, CoreError> {
        let statement: Statement = serde_json::from_slice(bytes)
            .map_err(|e| CoreError::invalid("in-toto statement", e.to_string()))?;
        if statement.statement_type != STATEMENT_TYPE_V1 {
            return Err(CoreError::invalid(
                "in-toto statement",
                format!(
                    "_type {:?} is not {STATEMENT_TYPE_V1:?}",
                    statement.statement_type
                ),
            ));
        }
        if statement.subject.is_empty() {
            return Err(CoreError::invalid("in-toto statement", "it has no subject"));
        }
        if let Some(s) = statement.subject.iter().find(|s| s.digest.is_empty()) {
            return Err(CoreError::invalid(
                "in-toto statement",
                format!("subject {:?} has no digest", s.name),
            ));
        }
        Ok(statement)
    }

    /// The statement as compact JSON bytes, ready to be a DSSE payload.
    pub fn to_json(&self) -> Vec<u8> {
        // Serializing a Value-bearing struct into memory cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_follow_the_spec() {
        let st = Statement::new(
            vec![ResourceDescriptor::sha256("m", &Digest::of(b"x"))],
            "urn:aigov:approval:v1",
            serde_json::json!({"stage": "production"}),
        );
        let v: serde_json::Value = serde_json::from_slice(&st.to_json()).unwrap();
        assert_eq!(v["_type"], STATEMENT_TYPE_V1);
        assert_eq!(v["predicateType"], "urn:aigov:approval:v1");
        assert_eq!(
            v["subject"][0]["digest"]["sha256"],
            Digest::of(b"x").to_hex()
        );
        assert_eq!(Statement::from_json(&st.to_json()).unwrap(), st);
    }

    #[test]
    fn rejects_wrong_type_and_missing_subjects() {
        let bad_type = br#"{"_type":"https://in-toto.io/Statement/v0.1","subject":[{"name":"a","digest":{"sha256":"00"}}],"predicateType":"x"}"#;
        assert!(Statement::from_json(bad_type).is_err());
        let no_subject =
            br#"{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"x"}"#;
        assert!(Statement::from_json(no_subject).is_err());
        let no_digest = br#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a"}],"predicateType":"x"}"#;
        assert!(Statement::from_json(no_digest).is_err());
        assert!(Statement::from_json(b"not json").is_err());
    }
}

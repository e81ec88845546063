//! Evidence: content-addressed JSON reports attached to a version.

use std::fmt;
use std::str::FromStr;

use aigov_core::{ActorId, Digest};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::RegistryError;

/// What an evidence report shows.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum EvidenceKind {
    /// Hold-out performance metrics.
    Performance,
    /// Fairness audit.
    Fairness,
    /// Adversarial robustness tests.
    Robustness,
    /// Reference profile for drift monitoring.
    DriftBaseline,
    /// Background set and settings for explanations.
    ExplanationBaseline,
    /// Software bill of materials.
    Sbom,
    /// Model card.
    ModelCard,
    /// Anything else, named in kebab-case.
    Custom(String),
}

impl EvidenceKind {
    /// The kind's kebab-case name.
    pub fn as_str(&self) -> &str {
        match self {
            EvidenceKind::Performance => "performance",
            EvidenceKind::Fairness => "fairness",
            EvidenceKind::Robustness => "robustness",
            EvidenceKind::DriftBaseline => "drift-baseline",
            EvidenceKind::ExplanationBaseline => "explanation-baseline",
            EvidenceKind::Sbom => "sbom",
            EvidenceKind::ModelCard => "model-card",
            EvidenceKind::Custom(name) => name,
        }
    }
}

impl FromStr for EvidenceKind {
    type Err = RegistryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "performance" => EvidenceKind::Performance,
            "fairness" => EvidenceKind::Fairness,
            "robustness" => EvidenceKind::Robustness,
            "drift-baseline" => EvidenceKind::DriftBaseline,
            "explanation-baseline" => EvidenceKind::ExplanationBaseline,
            "sbom" => EvidenceKind::Sbom,
            "model-card" => EvidenceKind::ModelCard,
            other => {
                let ok = !other.is_empty()
                    && other.len() <= 64
                    && other
                        .bytes()
                        .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-'));
                if !ok {
                    return Err(RegistryError::invalid(
                        "evidence kind",
                        format!("{other:?} is not a kebab-case name of at most 64 characters"),
                    ));
                }
                EvidenceKind::Custom(other.to_string())
            }
        })
    }
}

impl fmt::Display for EvidenceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for EvidenceKind {
    type Error = RegistryError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<EvidenceKind> for String {
    fn from(k: EvidenceKind) -> String {
        k.as_str().to_string()
    }
}

/// A report to attach: its kind, who produced it and the JSON itself.
#[derive(Clone, Debug, PartialEq)]
pub struct Evidence {
    /// What it shows.
    pub kind: EvidenceKind,
    /// The tool or person that produced it.
    pub producer: String,
    /// The report.
    pub content: serde_json::Value,
}

impl Evidence {
    /// The canonical bytes of the report: compact JSON with object keys sorted.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        canonical_json(&self.content)
    }
}

/// Compact JSON with sorted object keys (serde_json's map is ordered by key).
pub fn canonical_json(value: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

/// A version's pointer to a stored evidence report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceRef {
    /// What it shows.
    pub kind: EvidenceKind,
    /// Digest of its canonical JSON in the artifact store.
    pub digest: Digest,
    /// Who produced it.
    pub producer: String,
    /// Who attached it.
    pub attached_by: ActorId,
    /// When it was attached.
    pub attached_at: DateTime<Utc>,
}

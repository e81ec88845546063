//! Registered models: the named things whose versions the registry tracks.

use std::collections::BTreeMap;

use aigov_core::{ActorId, ModelName};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// EU AI Act risk class of the model's intended use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RiskClass {
    /// High-risk (Annex III), with the full set of obligations.
    High,
    /// Limited risk: transparency obligations.
    Limited,
    /// Minimal risk.
    Minimal,
}

impl std::str::FromStr for RiskClass {
    type Err = crate::RegistryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "high" => Ok(RiskClass::High),
            "limited" => Ok(RiskClass::Limited),
            "minimal" => Ok(RiskClass::Minimal),
            other => Err(crate::RegistryError::invalid(
                "risk class",
                format!("{other:?} is not high, limited or minimal"),
            )),
        }
    }
}

/// A model: its purpose, owner and risk class; versions hang off it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisteredModel {
    /// The model's unique name.
    pub name: ModelName,
    /// What the model does.
    pub description: String,
    /// Who is accountable for it.
    pub owner: ActorId,
    /// Free key/value labels.
    pub tags: BTreeMap<String, String>,
    /// The intended purpose, as the EU AI Act asks providers to state it.
    pub intended_purpose: String,
    /// The risk class of that purpose.
    pub risk_class: RiskClass,
    /// When the model was registered.
    pub created_at: DateTime<Utc>,
    /// When the model record last changed.
    pub updated_at: DateTime<Utc>,
}

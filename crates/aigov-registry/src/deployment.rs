//! Deployments: per model and environment, an append-only history of what served when.

use aigov_core::{ActorId, ModelName, VersionId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::RegistryError;

/// Validates an environment or region name: 1-64 characters of `[a-z0-9._-]`.
pub fn validate_environment(what: &'static str, name: &str) -> Result<(), RegistryError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(RegistryError::invalid(
            what,
            format!("{name:?} is not 1-64 characters of a-z, 0-9, '.', '_' and '-'"),
        ))
    }
}

/// What a deployment record did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeploymentAction {
    /// A version started serving.
    Deploy,
    /// The environment went back to the version before the current one.
    Rollback,
}

/// One entry of an environment's deployment history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeploymentRecord {
    /// The model.
    pub model: ModelName,
    /// The environment (`production`, `staging-eu`, ...).
    pub environment: String,
    /// The region the environment runs in.
    #[serde(default)]
    pub region: Option<String>,
    /// Position in this model's history for this environment: 1, 2, ...
    pub seq: u64,
    /// The version serving after this entry.
    pub version: VersionId,
    /// Deploy or rollback.
    pub action: DeploymentAction,
    /// Who did it.
    pub actor: ActorId,
    /// When.
    pub at: DateTime<Utc>,
    /// Why.
    #[serde(default)]
    pub reason: String,
}

/// The version serving after the given history, with rollbacks undoing deploys.
///
/// Each deploy pushes a version; each rollback pops the current one. The returned stack's top is
/// what serves; the entry beneath it is where the next rollback goes.
pub fn serving_stack(history: &[DeploymentRecord]) -> Vec<VersionId> {
    let mut stack: Vec<VersionId> = Vec::new();
    for record in history {
        match record.action {
            // Re-deploying what already serves changes nothing, so a rollback after it still
            // goes to the version before.
            DeploymentAction::Deploy if stack.last() == Some(&record.version) => {}
            DeploymentAction::Deploy => stack.push(record.version),
            DeploymentAction::Rollback => {
                stack.pop();
                // The record names where it went; trust it over the replay if they differ.
                if stack.last() != Some(&record.version) {
                    stack.push(record.version);
                }
            }
        }
    }
    stack
}

/// The version that served at `at`, given a history ordered by `seq`.
///
/// The history is cut at the first record after `at`, in sequence order, so a skewed clock on
/// one replica can never make a rollback count without the deploy it undid.
pub fn serving_at(history: &[DeploymentRecord], at: DateTime<Utc>) -> Option<VersionId> {
    let upto = history.iter().take_while(|r| r.at <= at).count();
    serving_stack(&history[..upto]).last().copied()
}

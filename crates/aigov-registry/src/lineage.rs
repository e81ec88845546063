//! Where a version came from: data, code, parent model, training run, SBOM.

use std::collections::BTreeMap;

use aigov_core::{ActorId, Digest, ModelRef};
use serde::{Deserialize, Serialize};

/// A training or evaluation dataset, pinned by digest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetRef {
    /// The dataset's name.
    pub name: String,
    /// SHA-256 of the dataset's content.
    pub digest: Digest,
    /// Where it lives.
    #[serde(default)]
    pub uri: String,
    /// Its licence (SPDX id where there is one).
    #[serde(default)]
    pub license: String,
    /// Whether personal data was redacted before training.
    #[serde(default)]
    pub pii_redacted: bool,
}

/// The code that produced a version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeRef {
    /// Repository URL or name.
    pub repository: String,
    /// The commit hash.
    pub commit: String,
}

/// The provenance of a model version.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Lineage {
    /// Training datasets.
    #[serde(default)]
    pub datasets: Vec<DatasetRef>,
    /// The training code.
    #[serde(default)]
    pub code: Option<CodeRef>,
    /// The model version this one was fine-tuned or retrained from.
    #[serde(default)]
    pub parent: Option<ModelRef>,
    /// Hyperparameters of the training run.
    #[serde(default)]
    pub hyperparameters: BTreeMap<String, serde_json::Value>,
    /// The training run's id in the experiment tracker.
    #[serde(default)]
    pub training_run_id: Option<String>,
    /// Who trained it (barred from approving it, like the registrant).
    #[serde(default)]
    pub trained_by: Option<ActorId>,
    /// Digest of the CycloneDX SBOM stored in the artifact store.
    #[serde(default)]
    pub sbom: Option<Digest>,
}

impl Lineage {
    /// The parts of lineage that the registration gate expects and that are missing.
    pub fn missing(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if self.datasets.is_empty() {
            missing.push("training dataset");
        }
        if self.code.as_ref().is_none_or(|c| c.commit.is_empty()) {
            missing.push("code commit");
        }
        if self.sbom.is_none() {
            missing.push("sbom");
        }
        missing
    }
}

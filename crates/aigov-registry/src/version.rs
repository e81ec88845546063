//! Model versions: the immutable identity of one trained model and everything attached to it.

use std::collections::BTreeMap;

use aigov_core::{ActorId, Alias, Digest, Envelope, ModelManifest, ModelName, VersionId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{EvidenceKind, EvidenceRef, Lineage, Stage};

/// One file of a version as kept in the artifact store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtifactFile {
    /// POSIX path relative to the model root (`.` for a single-file model).
    pub name: String,
    /// SHA-256 of the whole file: its key in the artifact store.
    pub digest: Digest,
    /// Size in bytes.
    pub size: u64,
}

/// A registered version of a model (MLflow's ModelVersion, plus governance).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelVersion {
    /// The model.
    pub name: ModelName,
    /// The version number: 1, 2, ... per model, never reused.
    pub version: VersionId,
    /// The identity of the version: the manifest's root digest.
    pub root: Digest,
    /// The per-file (or per-shard) digests the root is computed from.
    pub manifest: ModelManifest,
    /// The files kept in the artifact store.
    pub files: Vec<ArtifactFile>,
    /// Where the model came from (a path or URI).
    pub source: String,
    /// The experiment-tracker run that produced it.
    #[serde(default)]
    pub run_id: Option<String>,
    /// Who registered it.
    pub created_by: ActorId,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// When the record last changed.
    pub updated_at: DateTime<Utc>,
    /// Where it is in the lifecycle.
    pub stage: Stage,
    /// Free key/value labels.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// The names of the model's input features in input order, as found at registration:
    /// the file's own, or those given for a file that names none (a plain skl2onnx
    /// export). Empty for a version aigov does not score. Recorded in the registration's
    /// log entry, so the names a model scores by are as accountable as its bytes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
    /// Aliases currently pointing at this version (filled in when read).
    #[serde(default)]
    pub aliases: Vec<Alias>,
    /// Data, code and parent it came from.
    #[serde(default)]
    pub lineage: Lineage,
    /// Reports attached as evidence, oldest first.
    #[serde(default)]
    pub evidence: Vec<EvidenceRef>,
    /// Signed approval envelopes, oldest first.
    #[serde(default)]
    pub approvals: Vec<Envelope>,
    /// A human-readable note on the latest change.
    #[serde(default)]
    pub status_message: String,
    /// Legal holds (EU AI Act Art. 73(6)): while one is active the version's record does not
    /// change, except to suspend it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal_holds: Vec<VersionHold>,
    /// Bumped on every stored change; used for optimistic concurrency.
    pub revision: u64,
}

/// A legal hold on a version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionHold {
    /// Identifier, unique per version (for example the incident's id).
    pub id: String,
    /// Why.
    pub reason: String,
    /// Who placed it.
    pub placed_by: ActorId,
    /// When.
    pub placed_at: DateTime<Utc>,
    /// When it was released, if it was.
    #[serde(default)]
    pub released_at: Option<DateTime<Utc>>,
}

impl ModelVersion {
    /// The holds not yet released.
    pub fn active_holds(&self) -> impl Iterator<Item = &VersionHold> {
        self.legal_holds.iter().filter(|h| h.released_at.is_none())
    }

    /// `name@version`.
    pub fn reference(&self) -> String {
        format!("{}@{}", self.name, self.version)
    }

    /// The most recent evidence of a kind.
    pub fn latest_evidence(&self, kind: &EvidenceKind) -> Option<&EvidenceRef> {
        self.evidence.iter().rev().find(|e| &e.kind == kind)
    }
}

//! Registry events: what every mutation returns for the audit log to record.

use aigov_core::{ActorId, Alias, Digest, ModelName, VersionId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{DeploymentAction, EvidenceKind, Stage};

/// Something that changed in the registry, with who did it and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryEvent {
    /// The change's unique id: the key of its [`crate::ChangeNote`], under which the audit log
    /// records it exactly once. Absent in entries logged before changes carried notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_id: Option<String>,
    /// Who acted.
    pub actor: ActorId,
    /// How the governor authenticated `actor`; absent in events made before it was recorded
    /// and in changes made through the registry alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authn: Option<aigov_core::Authn>,
    /// SHA-256 of the signed request the change was made for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<aigov_core::Digest>,
    /// When.
    pub at: DateTime<Utc>,
    /// The model.
    pub model: ModelName,
    /// What happened.
    #[serde(flatten)]
    pub change: RegistryChange,
}

/// The kinds of registry change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum RegistryChange {
    /// A model was created.
    ModelCreated,
    /// A model's description, tags or purpose changed.
    ModelUpdated,
    /// A version was registered.
    VersionRegistered {
        /// The new version.
        version: VersionId,
        /// Its root digest.
        root: Digest,
        /// The feature names given for a model file that names none.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        features: Vec<String>,
    },
    /// A version's files were replaced before validation.
    ArtifactsReplaced {
        /// The version.
        version: VersionId,
        /// Its new root digest.
        root: Digest,
    },
    /// A legal hold was placed on a version.
    HoldPlaced {
        /// The version.
        version: VersionId,
        /// The hold's id.
        hold: String,
    },
    /// A legal hold on a version was released.
    HoldReleased {
        /// The version.
        version: VersionId,
        /// The hold's id.
        hold: String,
    },
    /// A version changed stage.
    StageChanged {
        /// The version.
        version: VersionId,
        /// The old stage.
        from: Stage,
        /// The new stage.
        to: Stage,
        /// Why.
        reason: String,
    },
    /// Evidence was attached.
    EvidenceAttached {
        /// The version.
        version: VersionId,
        /// What kind.
        kind: EvidenceKind,
        /// The report's digest.
        digest: Digest,
    },
    /// A signed approval was stored.
    ApprovalAdded {
        /// The version.
        version: VersionId,
        /// The stage approved for.
        stage: Stage,
        /// The approver named in the statement.
        approver: ActorId,
    },
    /// A version was deployed, or an environment rolled back.
    Deployed {
        /// The version now serving.
        version: VersionId,
        /// The environment.
        environment: String,
        /// Deploy or rollback.
        action: DeploymentAction,
        /// The version that served before, if any.
        previous: Option<VersionId>,
        /// The deployment's position in the environment's history (absent in events made
        /// before it was recorded): what orders deployments, whatever the replicas' clocks.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seq: Option<u64>,
    },
    /// An alias moved.
    AliasMoved {
        /// The alias.
        alias: Alias,
        /// Where it pointed before.
        from: Option<VersionId>,
        /// Where it points now (`None`: removed).
        to: Option<VersionId>,
    },
}

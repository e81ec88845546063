//! The model registry of aigov: the single source of truth for what a model version is, where
//! it came from, what evidence and signed approvals it carries, and where it has served.
//!
//! ```
//! use std::sync::Arc;
//! use aigov_registry::{MemoryArtifactStore, MemoryRegistryStore, NewModel, NewVersion, Registry, RiskClass};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let registry = Registry::new(Arc::new(MemoryRegistryStore::new()), Arc::new(MemoryArtifactStore::new()));
//! let alice: aigov_core::ActorId = "alice@example.com".parse()?;
//! let name: aigov_core::ModelName = "login-risk".parse()?;
//! registry.create_model(&alice, NewModel {
//!     name: name.clone(),
//!     description: "Scores login attempts".into(),
//!     owner: alice.clone(),
//!     tags: Default::default(),
//!     intended_purpose: "Step-up authentication".into(),
//!     risk_class: RiskClass::High,
//! })?;
//! let dir = tempfile::tempdir()?;
//! std::fs::write(dir.path().join("weights.bin"), b"weights")?;
//! let (version, _event) = registry.register_version(&alice, &name, dir.path(), NewVersion::default())?;
//! assert_eq!(version.version.get(), 1);
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod approval;
pub mod artifact;
#[cfg(any(test, feature = "conformance"))]
pub mod conformance;
mod deployment;
pub mod directory;
mod error;
mod event;
mod evidence;
mod integrity;
mod journal;
mod lineage;
mod model;
mod registry;
mod stage;
pub mod store;
mod version;

pub use approval::{
    APPROVAL_PREDICATE_TYPE, ApprovalCheck, ApprovalPredicate, ApprovalProblem, Approver, Decision,
    RetiredKey, TrustStore, verify_approval, verify_new_approval,
};
#[cfg(feature = "postgres")]
pub use artifact::PostgresArtifactStore;
pub use artifact::{ArtifactStore, ArtifactStoreExt, FsArtifactStore, MemoryArtifactStore};
pub use deployment::{DeploymentAction, DeploymentRecord, serving_at, serving_stack};
#[cfg(feature = "postgres")]
pub use directory::PostgresDirectoryStore;
pub use directory::{DirectoryStore, FileDirectoryStore, MemoryDirectoryStore, VersionedTrust};
pub use error::RegistryError;
pub use event::{RegistryChange, RegistryEvent};
pub use evidence::{Evidence, EvidenceKind, EvidenceRef, canonical_json};
pub use integrity::{FailureKind, IntegrityFailure, IntegrityReport};
pub use journal::{ChangeNote, PendingChange};
pub use lineage::{CodeRef, DatasetRef, Lineage};
pub use model::{RegisteredModel, RiskClass};
pub use registry::{NewModel, NewVersion, Registry};
pub use stage::Stage;
#[cfg(feature = "postgres")]
pub use store::PostgresRegistryStore;
pub use store::{
    MAX_PAGE_SIZE, MemoryRegistryStore, ModelQuery, Page, PageRequest, RegistryStore,
    RegistryStoreExt, VersionQuery,
};
#[cfg(feature = "sqlite")]
pub use store::{SqliteDurability, SqliteRegistryStore};
pub use version::{ArtifactFile, ModelVersion, VersionHold};

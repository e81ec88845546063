//! aigov: the governance control plane for AI models used in security operations.
//!
//! This facade re-exports the workspace's crates: the core vocabulary ([`core`]: digests,
//! names, keys, DSSE envelopes and OpenSSF-compatible model manifests) and the model
//! registry ([`registry`]: versions, evidence, signed approvals, deployments, stores) and the
//! audit trail ([`audit`]: Merkle log, signed checkpoints, proofs, typed events), policy as
//! code ([`policy`]: Rego gates, policy.yaml, decision records) and drift monitoring
//! ([`drift`]: scipy- and Evidently-compatible statistics, reference profiles, data quality,
//! alert KPIs, streaming detectors, the monitor) and fairness audits ([`fairness`]: group
//! rates, fairlearn and AIF360 disparities, intervals, verdicts), validation ([`validation`]:
//! scikit-learn-compatible hold-out metrics, the model trait, ONNX models with the `onnx`
//! feature) and explanations ([`explain`]: exact, permutation and Kernel SHAP values), and
//! incident response ([`incident`]: incidents, Art. 73 clocks, playbooks, stores), with
//! [`containment::RegistryContainment`] acting on the registry and the audit log.
//!
//! ```
//! let manifest = aigov::core::ModelHasher::new()
//!     .hash(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("LICENSE").as_path())
//!     .unwrap();
//! assert_eq!(manifest.resources.len(), 1);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use aigov_audit as audit;
pub use aigov_core as core;
pub use aigov_drift as drift;
pub use aigov_explain as explain;
pub use aigov_fairness as fairness;
pub use aigov_incident as incident;
pub use aigov_policy as policy;
pub use aigov_registry as registry;
pub use aigov_validation as validation;

pub mod containment;
pub mod decommission;
pub mod directory;
mod error;
pub mod events;
pub mod evidence;
pub mod forensics;
pub mod governor;

pub use directory::ActorDirectory;
pub use error::Error;
pub use events::{EventSink, ExportSink, ForwardedEvent, MemorySink};
pub use governor::{Governor, GovernorBuilder};

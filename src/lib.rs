//! aigov: the governance control plane for AI models used in security operations.
//!
//! [`Governor`] is the one entry point a service embeds: it registers models with their
//! lineage, validates them on evidence ([`evidence`]), collects signed approvals, promotes and
//! deploys through policy gates, checks what is loaded, records every decision and review,
//! monitors drift and alert KPIs, and contains incidents, each step authorized by the `authz`
//! gate and written to the audit log; [`EventSink`]s forward every audited event to a SIEM.
//!
//! The facade also re-exports the workspace's crates: the core vocabulary ([`core`]: digests,
//! names, keys, DSSE envelopes and OpenSSF-compatible model manifests), the model registry
//! ([`registry`]), the audit trail ([`audit`]: Merkle log, signed checkpoints, proofs, typed
//! events), policy as code ([`policy`]: Rego gates, policy.yaml, decision records), drift
//! monitoring ([`drift`]), fairness audits ([`fairness`]), validation ([`validation`]:
//! hold-out metrics, robustness, the model trait, ONNX models with the `onnx` feature),
//! explanations ([`explain`]) and incident response ([`incident`]), with
//! [`containment::RegistryContainment`], the [`forensics`] timeline and [`decommission`].
//!
//! ```
//! use aigov::{Governor, Principal};
//! use aigov::core::{Action, ActorId, Digest, Role, SignedRequest, SignerKey};
//!
//! let governor = Governor::in_memory()?;
//! // Every operation takes an authenticated principal. A caller proves who they are with a
//! // request signed by their key; the first admin proves they hold the key they enrol.
//! let admin = ActorId::new("admin@example.com")?;
//! let key = SignerKey::generate("admin")?;
//! let now = chrono::Utc::now();
//! let request = SignedRequest::sign(admin.clone(), governor.request_audience(), Action::ManageActors, Digest::of(b"[]"), now, &key)?;
//! let principal = governor.authenticate_enrolment(&request, &key.verifier())?;
//! governor.add_actor(&principal, admin.clone(), key.verifier(), [Role::Admin])?;
//! // A stranger claiming to be the admin, with a key of their own, is refused and audited.
//! let forged = SignerKey::generate("admin")?;
//! let claim = SignedRequest::sign(admin.clone(), governor.request_audience(), Action::ManageActors, Digest::of(b"[]"), now, &forged)?;
//! assert_eq!(governor.authenticate(&claim).unwrap_err().denied_by(), Some("authn"));
//! // A host that authenticated its caller itself vouches for them, and the log says so.
//! let host = Principal::vouched_by_host(ActorId::new("mallory@example.com")?);
//! let refused = governor.add_actor(&host, host.actor().clone(), forged.verifier(), [Role::Admin]);
//! assert_eq!(refused.unwrap_err().denied_by(), Some("authz"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use aigov_audit as audit;
pub use aigov_compliance as compliance;
pub use aigov_core as core;
pub use aigov_drift as drift;
pub use aigov_explain as explain;
pub use aigov_fairness as fairness;
pub use aigov_incident as incident;
pub use aigov_policy as policy;
pub use aigov_registry as registry;
pub use aigov_validation as validation;

pub mod checkpoint_keys;
pub mod containment;
pub mod decommission;
pub mod directory;
mod error;
pub mod events;
pub mod evidence;
pub mod forensics;
pub mod governor;
mod principal;

pub use directory::ActorDirectory;
pub use error::Error;
pub use events::{EventSink, ExportSink, ForwardedEvent, MemorySink};
pub use governor::{Governor, GovernorBuilder};
pub use principal::Principal;

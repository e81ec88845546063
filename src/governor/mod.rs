//! The governor: one control plane over the registry, the policy gates, the audit log, the
//! monitors and incident response. Every operation authorizes (the `authz` gate), acts (the
//! domain crate) and audits (the event, or the denial), in that order.
//!
//! ```
//! use aigov::{Governor, Principal};
//! use aigov::core::{ActorId, Role, SignerKey};
//!
//! let governor = Governor::in_memory()?;
//! // The host has authenticated its administrator itself and vouches for them; the first
//! // actor may enrol themselves, as an admin only.
//! let admin = Principal::vouched_by_host(ActorId::new("admin@example.com")?);
//! let key = SignerKey::generate("admin")?;
//! governor.enrol_first_admin(&admin, key.verifier())?;
//! assert_eq!(governor.audit().size()?, 1);
//! # Ok::<(), aigov::Error>(())
//! ```

mod actors;
mod assessment;
mod audit_records;
mod authn;
mod authz;
mod builder;
mod checkpoint_key;
mod decisions;
mod incident_updates;
mod incidents;
mod journal;
mod lifecycle;
mod monitoring;
mod policy_apply;
mod reconcile;
mod scorability;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aigov_audit::AuditLog;
use aigov_core::{ActorId, Clock, SignerKey, VerifierKey};
use aigov_incident::{IncidentStore, Playbook};
use aigov_policy::PolicyEngine;
use aigov_registry::Registry;
use chrono::{DateTime, Utc};

pub use actors::DirectoryGap;
pub use assessment::{Assessment, Holdout};
pub use audit_records::RESERVED_CUSTOM_TYPES;
pub use authn::{AUTHN_GATE, AuthnFailure, DEFAULT_REQUEST_WINDOW};
pub use builder::GovernorBuilder;
pub use decisions::{DecisionReceipt, DecisionRequest, InputLogging, explanation_record};
pub use incident_updates::IncidentUpdate;
pub use incidents::IncidentOutcome;
pub(crate) use journal::logged_already;
pub use journal::{DEFAULT_CHANGE_CLAIM_LEASE, JournalReport};
pub use lifecycle::{ApprovalRequest, Registration, VerifiedLoad};
pub use monitoring::{AlertResponse, MonitorReport, MonitorSettings};
pub use reconcile::UnauditedChange;
pub use scorability::Scorability;

use crate::directory::ActorDirectory;
use crate::events::{EventSink, SinkSet};

/// The identity automatic steps (playbooks run by policy) are recorded under.
pub const CONTROL_PLANE_ACTOR: &str = "aigov-control-plane";

/// The governance control plane; `Send + Sync`, share it through an `Arc`.
pub struct Governor {
    registry: Arc<Registry>,
    audit: Arc<AuditLog>,
    policy: PolicyEngine,
    directory: ActorDirectory,
    incidents: Arc<dyn IncidentStore>,
    playbooks: Vec<Playbook>,
    signer: std::sync::RwLock<SignerKey>,
    retired: std::sync::RwLock<Vec<aigov_audit::RetiredCheckpointKey>>,
    keys_dir: Option<std::path::PathBuf>,
    rotation: Mutex<()>,
    clock: Arc<dyn Clock>,
    sinks: Arc<SinkSet>,
    monitors: Mutex<HashMap<String, Arc<Mutex<monitoring::ModelMonitor>>>>,
    input_logging: InputLogging,
    system: ActorId,
    serving: decisions::ServingCache,
    allowed: std::sync::RwLock<(
        u64,
        std::collections::HashSet<(ActorId, aigov_core::Action)>,
    )>,
    request_window: std::time::Duration,
    policy_file: Option<std::path::PathBuf>,
    policy_apply: Mutex<()>,
    /// How many entries about the applied policy this governor has seen (another replica's
    /// application changes the count; see `refresh_policy`).
    policy_seen: std::sync::atomic::AtomicU64,
    claim_lease: chrono::Duration,
    journal_due: std::sync::atomic::AtomicI64,
    journal_pass: Mutex<()>,
    journal_failures: Mutex<(u64, Option<String>)>,
}

impl std::fmt::Debug for Governor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Governor")
            .field("registry", &self.registry)
            .field("audit", &self.audit)
            .field("policy", &self.policy)
            .field("incidents", &self.incidents)
            .finish_non_exhaustive()
    }
}

impl Governor {
    /// A governor over memory stores: for tests and trials; everything is lost on drop.
    pub fn in_memory() -> Result<Governor, crate::Error> {
        GovernorBuilder::in_memory()?.build()
    }

    /// The embedded default: one SQLite file, artifacts, keys and the actor directory under
    /// `dir` (created if needed; the same layout the `aigov` CLI uses).
    pub fn open(dir: impl AsRef<std::path::Path>) -> Result<Governor, crate::Error> {
        GovernorBuilder::open(dir.as_ref())?.build()
    }

    /// Several service replicas sharing one PostgreSQL database (records, artifacts,
    /// incidents, the audit log); `home` holds the checkpoint key and the actor directory.
    pub fn postgres(
        url: &str,
        home: impl AsRef<std::path::Path>,
    ) -> Result<Governor, crate::Error> {
        GovernorBuilder::postgres(url, home.as_ref())?.build()
    }

    /// The registry.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The audit log.
    pub fn audit(&self) -> &AuditLog {
        &self.audit
    }

    /// The digest of the policy bundle in force (it goes into every gate decision).
    pub fn policy_digest(&self) -> aigov_core::Digest {
        self.policy.policy_digest()
    }

    /// The policy configuration in force (thresholds, required roles, permissions, limits).
    pub fn policy_config(&self) -> aigov_policy::PolicyConfig {
        self.policy.config()
    }

    /// Replaces the policies; on any error the previous ones stay in force. Cached
    /// authorizations are dropped.
    pub fn reload_policy(
        &self,
        bundle: &aigov_policy::PolicyBundle,
        config: &aigov_policy::PolicyConfig,
    ) -> Result<(), crate::Error> {
        self.policy.reload(bundle, config)?;
        self.forget_authorizations();
        Ok(())
    }

    /// Reads the actor directory's file again (another process may have changed it).
    pub fn reload_directory(&self) -> Result<(), crate::Error> {
        self.directory.reload()?;
        self.forget_authorizations();
        Ok(())
    }

    /// The actor directory (the approvers' trust store), read-only: change it through
    /// [`Governor::add_actor`] so cached authorizations follow.
    pub fn directory(&self) -> &ActorDirectory {
        &self.directory
    }

    /// The incident store.
    pub fn incidents(&self) -> &dyn IncidentStore {
        self.incidents.as_ref()
    }

    /// The key that verifies this governor's checkpoints and certificates.
    pub fn checkpoint_key(&self) -> VerifierKey {
        self.signing_key().verifier()
    }

    /// Forwards every entry the audit log makes durable from now on to `sink`.
    pub fn add_sink(&self, sink: impl EventSink + 'static) {
        self.sinks.add(Arc::new(sink));
    }

    /// How many forwarded entries a sink failed on, and the last failure.
    pub fn sink_failures(&self) -> (u64, Option<String>) {
        self.sinks.failures()
    }

    /// Everything the system holds about a version, for the compliance documents
    /// ([`aigov_compliance::AnnexIv`], [`aigov_compliance::model_card`],
    /// [`aigov_compliance::ml_bom`]).
    pub fn dossier(
        &self,
        reference: &aigov_core::ModelRef,
    ) -> Result<aigov_compliance::Dossier, aigov_compliance::ComplianceError> {
        aigov_compliance::Dossier::collect(
            &self.registry,
            &self.audit,
            self.incidents.as_ref(),
            &self.directory.trust(),
            reference,
            self.now(),
        )
    }

    /// SLSA provenance v1 of the version's training run, as a DSSE envelope signed with the
    /// governor's key (verify it with [`Governor::checkpoint_key`]).
    pub fn provenance(
        &self,
        reference: &aigov_core::ModelRef,
    ) -> Result<aigov_core::Envelope, crate::Error> {
        let statement = aigov_compliance::provenance(&self.dossier(reference)?);
        Ok(aigov_core::Envelope::sign(
            aigov_core::IN_TOTO_PAYLOAD_TYPE,
            statement.to_json(),
            &self.signing_key(),
        ))
    }

    /// The control plane's own principal, for the steps playbooks run automatically: the host
    /// itself vouches for them.
    pub(crate) fn control_plane(&self) -> crate::Principal {
        crate::Principal::vouched_by_host(self.system.clone())
    }

    /// The registry, recording in each change how `principal` was authenticated.
    fn registry_as(&self, principal: &crate::Principal) -> Registry {
        self.registry
            .acting_with(principal.authn(), principal.request())
    }

    /// The checkpoint and certificate key in use now.
    fn signing_key(&self) -> SignerKey {
        match self.signer.read() {
            Ok(key) => key.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

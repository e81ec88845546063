//! Assembling a governor: the three deployment shapes, or any stores a host brings.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use aigov_audit::{
    AuditLog, AuditStore, MemoryAuditStore, PostgresAuditStore, RetiredCheckpointKey,
    SqliteAuditStore,
};
use aigov_core::{ActorId, Clock, Digest, SignerKey, SystemClock};
use aigov_incident::{
    IncidentStore, MemoryIncidentStore, Playbook, PostgresIncidentStore, SqliteIncidentStore,
};
use aigov_policy::{PolicyBundle, PolicyConfig, PolicyEngine};
use aigov_registry::{
    ArtifactStore, DirectoryStore, FileDirectoryStore, FsArtifactStore, MemoryArtifactStore,
    MemoryRegistryStore, PostgresArtifactStore, PostgresDirectoryStore, PostgresRegistryStore,
    Registry, RegistryStore, SqliteRegistryStore,
};

use super::{CONTROL_PLANE_ACTOR, Governor, InputLogging};
use crate::Error;
use crate::checkpoint_keys;
use crate::directory::ActorDirectory;
use crate::events::{ForwardingStore, SinkSet};

/// The SQLite file inside a store directory (the CLI's name for it).
pub const DATABASE_FILE: &str = "aigov.db";
/// The name of the store's checkpoint and certificate key (the CLI's name for it).
pub const STORE_KEY_NAME: &str = "aigov-store";
/// The actor directory's file inside a store directory.
pub const TRUST_FILE: &str = "trust.json";
/// An optional policy configuration inside a store directory.
pub const POLICY_FILE: &str = "policy.yaml";

/// How long the decision path trusts a version's stage unless told otherwise.
pub const DEFAULT_SERVING_TTL: std::time::Duration = std::time::Duration::from_secs(1);

/// Everything a governor is made of; start from a deployment shape, replace parts, build.
pub struct GovernorBuilder {
    records: Arc<dyn RegistryStore>,
    artifacts: Arc<dyn ArtifactStore>,
    audit: Arc<dyn AuditStore>,
    incidents: Arc<dyn IncidentStore>,
    directory: ActorDirectory,
    signer: SignerKey,
    retired: Vec<RetiredCheckpointKey>,
    keys_dir: Option<std::path::PathBuf>,
    clock: Arc<dyn Clock>,
    bundle: PolicyBundle,
    config: PolicyConfig,
    playbooks: Option<Vec<Playbook>>,
    input_logging: InputLogging,
    serving_ttl: std::time::Duration,
    claim_lease: std::time::Duration,
    request_window: std::time::Duration,
    policy_file: Option<std::path::PathBuf>,
    config_problem: Option<Error>,
    config_digest: Option<Digest>,
    recover_policy: bool,
}

impl std::fmt::Debug for GovernorBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GovernorBuilder")
            .field("records", &self.records)
            .field("audit", &self.audit)
            .finish_non_exhaustive()
    }
}

impl GovernorBuilder {
    /// Memory stores, a fresh checkpoint key, the shipped policies.
    pub fn in_memory() -> Result<Self, Error> {
        Ok(GovernorBuilder {
            records: Arc::new(MemoryRegistryStore::new()),
            artifacts: Arc::new(MemoryArtifactStore::new()),
            audit: Arc::new(MemoryAuditStore::new()),
            incidents: Arc::new(MemoryIncidentStore::new()),
            directory: ActorDirectory::in_memory(),
            signer: SignerKey::generate(STORE_KEY_NAME)?,
            retired: Vec::new(),
            keys_dir: None,
            clock: Arc::new(SystemClock),
            bundle: PolicyBundle::builtin(),
            config: PolicyConfig::default(),
            playbooks: None,
            input_logging: InputLogging::default(),
            serving_ttl: DEFAULT_SERVING_TTL,
            claim_lease: super::DEFAULT_CHANGE_CLAIM_LEASE,
            request_window: super::DEFAULT_REQUEST_WINDOW,
            policy_file: None,
            config_problem: None,
            config_digest: None,
            recover_policy: false,
        })
    }

    /// The embedded default under `dir`: SQLite, file artifacts, keys, `trust.json` and an
    /// optional `policy.yaml`.
    pub fn open(dir: &Path) -> Result<Self, Error> {
        Self::open_with_size_limit(dir, None)
    }

    /// [`GovernorBuilder::open`], with this governor's writes to the database file capped at
    /// about `max_bytes` when given: once it is full every write is refused with a storage
    /// error and nothing stored before is lost. The cap is per connection (another process
    /// opening the file without it is not held to it) and does not cover artifact files.
    pub fn open_with_size_limit(dir: &Path, max_bytes: Option<u64>) -> Result<Self, Error> {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        let db = dir.join(DATABASE_FILE);
        let artifacts = FsArtifactStore::open(dir.join("artifacts"))?.verify_on_read(true);
        let audit = SqliteAuditStore::open(&db)?;
        let records = SqliteRegistryStore::open(&db)?;
        let incidents = SqliteIncidentStore::open(&db)?;
        if let Some(max) = max_bytes {
            audit.limit_size(max)?;
            records.limit_size(max)?;
            incidents.limit_size(max)?;
        }
        Ok(GovernorBuilder {
            records: Arc::new(records),
            artifacts: Arc::new(artifacts),
            signer: store_key(dir, &audit)?,
            retired: checkpoint_keys::retired_keys(&dir.join("keys"))?,
            keys_dir: Some(dir.join("keys")),
            audit: Arc::new(audit),
            incidents: Arc::new(incidents),
            directory: ActorDirectory::open(&dir.join(TRUST_FILE))?,
            clock: Arc::new(SystemClock),
            bundle: PolicyBundle::builtin(),
            config: PolicyConfig::default(),
            playbooks: None,
            input_logging: InputLogging::default(),
            serving_ttl: DEFAULT_SERVING_TTL,
            claim_lease: super::DEFAULT_CHANGE_CLAIM_LEASE,
            request_window: super::DEFAULT_REQUEST_WINDOW,
            policy_file: Some(dir.join(POLICY_FILE)),
            config_problem: None,
            config_digest: None,
            recover_policy: false,
        }
        .with_store_policy())
    }

    /// Records, artifacts, incidents and the audit log in PostgreSQL at `url`; the checkpoint
    /// key, the actor directory and an optional `policy.yaml` under `home`.
    pub fn postgres(url: &str, home: &Path) -> Result<Self, Error> {
        std::fs::create_dir_all(home).map_err(|e| io(home, e))?;
        let records = PostgresRegistryStore::connect(url)?;
        let artifacts = PostgresArtifactStore::new(&records);
        let directory = shared_directory(&records, &home.join(TRUST_FILE))?;
        let audit = PostgresAuditStore::connect(url)?;
        Ok(GovernorBuilder {
            records: Arc::new(records),
            artifacts: Arc::new(artifacts),
            signer: store_key(home, &audit)?,
            retired: checkpoint_keys::retired_keys(&home.join("keys"))?,
            keys_dir: Some(home.join("keys")),
            audit: Arc::new(audit),
            incidents: Arc::new(PostgresIncidentStore::connect(url)?),
            directory,
            clock: Arc::new(SystemClock),
            bundle: PolicyBundle::builtin(),
            config: PolicyConfig::default(),
            playbooks: None,
            input_logging: InputLogging::default(),
            serving_ttl: DEFAULT_SERVING_TTL,
            claim_lease: super::DEFAULT_CHANGE_CLAIM_LEASE,
            request_window: super::DEFAULT_REQUEST_WINDOW,
            policy_file: Some(home.join(POLICY_FILE)),
            config_problem: None,
            config_digest: None,
            recover_policy: false,
        }
        .with_store_policy())
    }

    /// Uses `clock` everywhere (tests use a manual one).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Replaces the policies and their configuration.
    pub fn policy(mut self, bundle: PolicyBundle, config: PolicyConfig) -> Self {
        // The host configures it: no store file to hold to the applied digest.
        self.policy_file = None;
        self.config_problem = None;
        self.bundle = bundle;
        self.config = config;
        self
    }

    /// Replaces the shipped playbooks.
    pub fn playbooks(mut self, playbooks: Vec<Playbook>) -> Self {
        self.playbooks = Some(playbooks);
        self
    }

    /// What a decision record keeps of its input.
    pub fn input_logging(mut self, logging: InputLogging) -> Self {
        self.input_logging = logging;
        self
    }

    /// How long the decision path trusts what it read about a version (default one second).
    /// Changes made through this governor take effect at once; a suspension made by another
    /// replica reaches this one's decision path within this time. Zero reads every time.
    pub fn serving_cache(mut self, ttl: std::time::Duration) -> Self {
        self.serving_ttl = ttl;
        self
    }

    /// Asks the actor directory's store for changes (another replica's enrolment or
    /// demotion) at most this often; [`crate::directory::DEFAULT_DIRECTORY_REFRESH`] unless
    /// told otherwise, zero to ask before every authorization.
    pub fn directory_refresh(mut self, interval: std::time::Duration) -> Self {
        self.directory = self.directory.refresh_every(interval);
        self
    }

    /// Keeps the audit log in `store` instead of the shape's own (a host's store, a
    /// replica's, or one a test fails on purpose).
    pub fn audit_store(mut self, store: Arc<dyn AuditStore>) -> Self {
        self.audit = store;
        self
    }

    /// Keeps registry records and artifacts in these stores instead of the shape's own (two
    /// governors given the same stores behave as two replicas).
    pub fn registry_stores(
        mut self,
        records: Arc<dyn RegistryStore>,
        artifacts: Arc<dyn ArtifactStore>,
    ) -> Self {
        self.records = records;
        self.artifacts = artifacts;
        self
    }

    /// How far a signed request's time may be from this governor's clock, either way (default
    /// [`super::DEFAULT_REQUEST_WINDOW`], five minutes). Nonces are kept for good, so the
    /// window bounds clock skew, not replay.
    pub fn request_window(mut self, window: std::time::Duration) -> Self {
        self.request_window = window;
        self
    }

    /// How long the process that made a registry change keeps the first right to record it in
    /// the audit log; after that any process sharing the store records it (default
    /// [`super::DEFAULT_CHANGE_CLAIM_LEASE`]); a taker's claim lasts as long. Between a
    /// second and a day. Whatever the lease, the log records each change once (it refuses a second
    /// entry with the same change id); a lease shorter than an append takes only wastes work.
    pub fn change_claim_lease(mut self, lease: std::time::Duration) -> Self {
        self.claim_lease = lease;
        self
    }

    /// Opens even when the store's `policy.yaml` is not the one last applied (or does not
    /// parse), with the last applied configuration in force instead of it (the shipped
    /// defaults when the log does not hold its text), so that an admin can apply a good one
    /// ([`Governor::apply_policy`], `aigov policy apply`). Nothing else should open a store
    /// this way.
    pub fn recover_policy(mut self) -> Self {
        self.recover_policy = true;
        self
    }

    /// Reads the store's `policy.yaml`, if it has one; a problem is kept for `build`, which
    /// fails closed on it (or, recovering, uses the defaults).
    fn with_store_policy(mut self) -> Self {
        if let Some(path) = &self.policy_file {
            match policy_config(path) {
                Ok(Some((config, digest))) => {
                    self.config = config;
                    self.config_digest = Some(digest);
                }
                Ok(None) => {}
                Err(e) => self.config_problem = Some(e),
            }
        }
        self
    }

    /// Signs checkpoints and certificates with `key`.
    pub fn signer(mut self, key: SignerKey) -> Self {
        self.signer = key;
        self
    }

    /// Assembles the governor; the policies must compile.
    pub fn build(self) -> Result<Governor, Error> {
        let sinks = Arc::new(SinkSet::default());
        let forwarding: Arc<dyn AuditStore> =
            Arc::new(ForwardingStore::new(self.audit, Arc::clone(&sinks)));
        let origin = checkpoint_keys::log_origin(&self.signer.verifier(), &self.retired);
        let audit = AuditLog::new(forwarding)
            .with_clock(Arc::clone(&self.clock))
            .with_signer(self.signer.clone(), origin)
            .with_retention_days(self.config.retention_days)?;
        let policy =
            PolicyEngine::new(&self.bundle, &self.config)?.with_clock(Arc::clone(&self.clock));
        let registry = Registry::with_clock(self.records, self.artifacts, Arc::clone(&self.clock));
        let playbooks = match self.playbooks {
            Some(p) => p,
            None => Playbook::shipped()?,
        };
        let governor = Governor {
            registry: Arc::new(registry),
            audit: Arc::new(audit),
            policy,
            directory: self.directory,
            incidents: self.incidents,
            playbooks,
            signer: std::sync::RwLock::new(self.signer),
            retired: std::sync::RwLock::new(self.retired),
            keys_dir: self.keys_dir,
            rotation: Mutex::new(()),
            clock: self.clock,
            sinks,
            monitors: Mutex::new(HashMap::new()),
            input_logging: self.input_logging,
            system: ActorId::new(CONTROL_PLANE_ACTOR)?,
            allowed: Default::default(),
            request_window: self.request_window,
            policy_file: self.policy_file.clone(),
            policy_apply: Mutex::new(()),
            policy_seen: std::sync::atomic::AtomicU64::new(0),
            serving: super::decisions::ServingCache::new(self.serving_ttl),
            claim_lease: claim_lease(self.claim_lease)?,
            journal_due: std::sync::atomic::AtomicI64::new(i64::MIN),
            journal_pass: Mutex::new(()),
            journal_failures: Mutex::new((0, None)),
        };
        if let Some(path) = &governor.policy_file {
            let checked = match self.config_problem {
                Some(problem) => Err(problem),
                None => governor.check_policy_file(path, self.config_digest),
            };
            match checked {
                Ok(()) => {}
                // Recovering, the last applied configuration stays in force (the admin who
                // applies a good one is authorized under it), when the log holds its text.
                Err(_) if self.recover_policy => {
                    if !governor.restore_applied_policy()? {
                        governor.policy.reconfigure(&PolicyConfig::default())?;
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Ok(governor)
    }
}

/// A lease between a second and a day: a shorter one takes changes from makers still
/// recording them, a longer one leaves a crashed maker's changes out of the log too long.
fn claim_lease(lease: std::time::Duration) -> Result<chrono::Duration, Error> {
    if lease < std::time::Duration::from_secs(1) || lease > std::time::Duration::from_secs(86_400) {
        return Err(Error::invalid(
            "change claim lease",
            format!("{lease:?} is not between a second and a day"),
        ));
    }
    chrono::Duration::from_std(lease)
        .map_err(|e| Error::invalid("change claim lease", e.to_string()))
}

fn io(path: &Path, e: std::io::Error) -> Error {
    Error::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// The store's key under `dir/keys/`, created on first use as `aigov init` does. A log that
/// already holds signed checkpoints never gets a fresh key silently: its history was signed
/// with the missing one, so opening fails until that key is restored.
fn store_key(dir: &Path, audit: &dyn AuditStore) -> Result<SignerKey, Error> {
    let keys = dir.join("keys");
    let path = keys.join(format!("{STORE_KEY_NAME}.key"));
    if path.exists() {
        let loaded = SignerKey::load(&path).map_err(|e| Error::Io {
            path: path.display().to_string(),
            reason: format!("the checkpoint signing key is unreadable: {e}"),
        })?;
        return checkpoint_keys::current_key(&keys, STORE_KEY_NAME, loaded);
    }
    if !audit.checkpoints()?.is_empty() {
        return Err(Error::Io {
            path: path.display().to_string(),
            reason: "the checkpoint signing key is missing, and the log holds checkpoints \
                     signed with it; restore the key (a new one would not continue that history)"
                .into(),
        });
    }
    let key = SignerKey::generate(STORE_KEY_NAME)?;
    match key.save(&keys) {
        Ok(_) => Ok(key),
        // Another process created it first: use theirs.
        Err(aigov_core::CoreError::AlreadyExists { .. }) => Ok(SignerKey::load(&path)?),
        Err(e) => Err(e.into()),
    }
}

/// The actor directory in PostgreSQL, shared by every replica. A directory that an earlier
/// version kept in `trust.json` under the replica's home is merged in once, then renamed.
fn shared_directory(records: &PostgresRegistryStore, file: &Path) -> Result<ActorDirectory, Error> {
    let store = PostgresDirectoryStore::new(records);
    if file.exists() {
        let old = FileDirectoryStore::new(file).load()?;
        // Merged into whatever is there (another replica may have imported its own copy):
        // actors only this file knows are added; the database's entries stand.
        let mut merged = false;
        for _ in 0..50 {
            let current = store.load()?;
            let mut trust = current.trust;
            for (actor, approver) in old.trust.approvers.iter() {
                trust
                    .approvers
                    .entry(actor.clone())
                    .or_insert_with(|| approver.clone());
            }
            match store.save(&trust, current.generation) {
                Ok(_) => {
                    merged = true;
                    break;
                }
                Err(aigov_registry::RegistryError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        if !merged {
            return Err(Error::invalid(
                "actor directory",
                "could not import trust.json: the database kept changing",
            ));
        }
        let imported = file.with_extension("json.imported");
        std::fs::rename(file, &imported).map_err(|e| io(file, e))?;
    }
    ActorDirectory::with_store(Box::new(store))
}

/// The configuration in `path` and the digest of the very bytes parsed (`None`: no file).
fn policy_config(path: &Path) -> Result<Option<(PolicyConfig, Digest)>, Error> {
    let bytes = match read_bounded(path, aigov_core::yaml::MAX_YAML_BYTES) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(path, e)),
    };
    let text = String::from_utf8(bytes)
        .map_err(|e| Error::invalid("policy", format!("{}: {e}", path.display())))?;
    let config = PolicyConfig::from_yaml(&text)?;
    Ok(Some((config, Digest::of(text.as_bytes()))))
}

/// Reads at most `max` bytes of `path`; a longer file is an error, not read further.
fn read_bounded(path: &Path, max: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(max as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() > max {
        return Err(std::io::Error::other(format!("larger than {max} bytes")));
    }
    Ok(bytes)
}

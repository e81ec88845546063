//! Where the CLI keeps its state: `./.aigov/` (SQLite, artifacts, keys) or PostgreSQL.

use std::path::PathBuf;
use std::sync::Arc;

use aigov::{Governor, Principal};
use aigov_core::{Action, ActorId, Digest, SignedRequest, SignerKey, VerifierKey};
use aigov_registry::{FsArtifactStore, PostgresRegistryStore, SqliteRegistryStore};
use chrono::Utc;
use clap::Args;

use crate::failure::Failure;

/// Options every command understands.
#[derive(Args, Debug)]
pub struct GlobalArgs {
    /// The store: a directory (default `./.aigov`) or a `postgres://` URL.
    #[arg(long, global = true, env = "AIGOV_STORE", default_value = ".aigov")]
    pub store: String,
    /// With a `postgres://` store: the directory for keys and the trust store.
    #[arg(long, global = true, env = "AIGOV_ARTIFACTS", default_value = ".aigov")]
    pub artifacts: PathBuf,
    /// Who is acting; recorded in every change (default: $USER@local).
    #[arg(long, global = true, env = "AIGOV_ACTOR")]
    pub actor: Option<String>,
    /// The acting actor's private key (`aigov keys generate` writes it): every command that
    /// changes the store signs its request with it, and the governor checks the signature
    /// against the key enrolled for the actor.
    #[arg(long, global = true, env = "AIGOV_KEY", value_name = "FILE")]
    pub signing_key: Option<PathBuf>,
}

/// The database file inside a store directory.
const DATABASE: &str = "aigov.db";

/// A store whose registry tables exist (`aigov init`); everything else opens it through
/// the governor.
pub struct OpenStore {
    /// The directory holding artifacts, keys and (with SQLite) the trust store.
    pub home: PathBuf,
}

impl GlobalArgs {
    fn is_postgres(&self) -> bool {
        self.store.starts_with("postgres://") || self.store.starts_with("postgresql://")
    }

    /// The local directory for artifacts, keys and the trust store.
    pub fn home(&self) -> PathBuf {
        if self.is_postgres() {
            self.artifacts.clone()
        } else {
            PathBuf::from(&self.store)
        }
    }

    /// The acting identity.
    pub fn actor(&self) -> Result<ActorId, Failure> {
        let id = match &self.actor {
            Some(a) => a.clone(),
            None => format!(
                "{}@local",
                std::env::var("USER").unwrap_or_else(|_| "cli".into())
            ),
        };
        ActorId::new(id).map_err(|e| Failure::BadInput(format!("--actor: {e}")))
    }

    /// The actor's signing key, when one was given.
    fn signing_key(&self) -> Result<Option<SignerKey>, Failure> {
        self.signing_key
            .as_deref()
            .map(|path| {
                SignerKey::load(path)
                    .map_err(|e| Failure::BadInput(format!("--signing-key / AIGOV_KEY: {e}")))
            })
            .transpose()
    }

    /// A request for `operation`, signed with the actor's key, over this command line's
    /// arguments; `None` without a key.
    fn signed_request(
        &self,
        governor: &Governor,
        operation: Action,
    ) -> Result<Option<(ActorId, SignedRequest, SignerKey)>, Failure> {
        self.signed_request_with(governor, operation, None)
    }

    /// [`GlobalArgs::signed_request`], falling back to `fallback` (a command's own key
    /// option, such as `approve --key`) when no signing key was given.
    fn signed_request_with(
        &self,
        governor: &Governor,
        operation: Action,
        fallback: Option<&std::path::Path>,
    ) -> Result<Option<(ActorId, SignedRequest, SignerKey)>, Failure> {
        let actor = self.actor()?;
        let key = match (self.signing_key()?, fallback) {
            (Some(key), _) => key,
            (None, Some(path)) => SignerKey::load(path)?,
            (None, None) => return Ok(None),
        };
        // The arguments as typed (the key's path among them, never the key): the log keeps
        // their digest beside the request, a record of the command line it was signed for.
        let arguments: Vec<String> = std::env::args_os()
            .skip(1)
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let digest = Digest::of(&serde_json::to_vec(&arguments)?);
        let request = SignedRequest::sign(
            actor.clone(),
            governor.request_audience(),
            operation,
            digest,
            Utc::now(),
            &key,
        )?;
        Ok(Some((actor, request, key)))
    }

    /// The authenticated principal for `operation`: the actor's request, signed with
    /// `--signing-key` / `AIGOV_KEY` and verified by the governor against the key enrolled
    /// for the actor. Without a key the refusal is audited and the command exits 1.
    pub fn principal(&self, governor: &Governor, operation: Action) -> Result<Principal, Failure> {
        self.principal_with(governor, operation, None)
    }

    /// [`GlobalArgs::principal`], signing with `fallback` when no signing key was given.
    pub fn principal_with(
        &self,
        governor: &Governor,
        operation: Action,
        fallback: Option<&std::path::Path>,
    ) -> Result<Principal, Failure> {
        match self.signed_request_with(governor, operation, fallback)? {
            Some((_, request, _)) => Ok(governor.authenticate(&request)?),
            None => Err(governor
                .refuse_unauthenticated(&self.actor()?, operation)
                .into()),
        }
    }

    /// Like [`GlobalArgs::principal`], but for enrolling `enrolled` with `key`: where the
    /// directory is empty and the actor enrols themselves with the very key that signed,
    /// the signature is their proof of possession.
    pub fn enrolling_principal(
        &self,
        governor: &Governor,
        enrolled: &ActorId,
        key: &VerifierKey,
    ) -> Result<Principal, Failure> {
        match self.signed_request(governor, Action::ManageActors)? {
            Some((actor, request, signer))
                if actor == *enrolled
                    && signer.verifier() == *key
                    && governor.directory().is_empty() =>
            {
                Ok(governor.authenticate_enrolment(&request, key)?)
            }
            _ => self.principal(governor, Action::ManageActors),
        }
    }

    /// Opens the store, creating its registry tables; with `create`, makes a missing
    /// directory store.
    pub fn open(&self, create: bool) -> Result<OpenStore, Failure> {
        let home = self.home();
        if self.is_postgres() {
            // With PostgreSQL, artifacts and the directory live in the database too.
            PostgresRegistryStore::connect(&self.store)?;
        } else {
            let db = home.join(DATABASE);
            if !create && !db.exists() {
                return Err(Failure::BadInput(format!(
                    "no aigov store at {}; run `aigov init` first or pass --store",
                    home.display()
                )));
            }
            std::fs::create_dir_all(&home)
                .map_err(|e| Failure::Internal(format!("{}: {e}", home.display())))?;
            FsArtifactStore::open(home.join("artifacts"))?;
            SqliteRegistryStore::open(&db)?;
        }
        Ok(OpenStore { home })
    }
}

impl OpenStore {
    /// The store's own signing key file.
    pub fn signing_key_path(&self) -> PathBuf {
        self.home.join("keys").join(format!("{STORE_KEY_NAME}.key"))
    }
}

impl GlobalArgs {
    /// Opens the audit log of the store, signing checkpoints with the store's key.
    pub fn open_audit(&self) -> Result<aigov_audit::AuditLog, Failure> {
        let home = self.home();
        let records: Arc<dyn aigov_audit::AuditStore> = if self.is_postgres() {
            Arc::new(aigov_audit::PostgresAuditStore::connect(&self.store)?)
        } else {
            let db = home.join(DATABASE);
            if !db.exists() {
                return Err(Failure::BadInput(format!(
                    "no aigov store at {}; run `aigov init` first or pass --store",
                    home.display()
                )));
            }
            Arc::new(aigov_audit::SqliteAuditStore::open(&db)?)
        };
        let log = aigov_audit::AuditLog::new(records);
        let key_path = home.join("keys").join(format!("{STORE_KEY_NAME}.key"));
        let keys = home.join("keys");
        if !key_path.exists() {
            // A read-only copy, or an auditor's: no private key, but the public key names the
            // log's origin, so its checkpoints still verify.
            let public = keys.join(format!("{STORE_KEY_NAME}.pub"));
            if !public.exists() {
                return Ok(log);
            }
            let retired = aigov::checkpoint_keys::retired_keys(&keys)?;
            let origin = aigov::checkpoint_keys::log_origin(
                &aigov_core::VerifierKey::load(&public)?,
                &retired,
            );
            return Ok(log.with_origin(origin));
        }
        // A key a rotation retired never signs again (an interrupted rotation completes).
        let key = aigov::checkpoint_keys::current_key(
            &keys,
            STORE_KEY_NAME,
            SignerKey::load(&key_path)?,
        )?;
        let retired = aigov::checkpoint_keys::retired_keys(&keys)?;
        let origin = aigov::checkpoint_keys::log_origin(&key.verifier(), &retired);
        Ok(log.with_signer(key, origin))
    }

    /// The checkpoint keys rotation retired, each with the log size it sealed.
    pub fn retired_checkpoint_keys(
        &self,
    ) -> Result<Vec<aigov_audit::RetiredCheckpointKey>, Failure> {
        Ok(aigov::checkpoint_keys::retired_keys(
            &self.home().join("keys"),
        )?)
    }

    /// The store's public key, for verifying its checkpoints.
    pub fn store_public_key(&self) -> Result<aigov_core::VerifierKey, Failure> {
        let path = self
            .home()
            .join("keys")
            .join(format!("{STORE_KEY_NAME}.pub"));
        Ok(aigov_core::VerifierKey::load(&path)?)
    }
}

/// Name of the key `aigov init` creates.
pub const STORE_KEY_NAME: &str = "aigov-store";

impl GlobalArgs {
    /// The governor over the store: the directory's SQLite file or the PostgreSQL database
    /// (with `--artifacts` holding keys and the actor directory). A directory store must
    /// exist (`aigov init`).
    pub fn governor(&self) -> Result<aigov::Governor, Failure> {
        Ok(self.governor_builder()?.build()?)
    }

    /// The governor for `aigov policy apply`: it opens even when the store's `policy.yaml`
    /// is not the applied one, with the shipped defaults in force, so a good one can be
    /// applied.
    pub fn governor_recovering_policy(&self) -> Result<aigov::Governor, Failure> {
        Ok(self.governor_builder()?.recover_policy().build()?)
    }

    fn governor_builder(&self) -> Result<aigov::GovernorBuilder, Failure> {
        if self.is_postgres() {
            return Ok(aigov::GovernorBuilder::postgres(
                &self.store,
                &self.artifacts,
            )?);
        }
        let home = self.home();
        if !home.join(DATABASE).exists() {
            return Err(Failure::BadInput(format!(
                "no aigov store at {}; run `aigov init` first or pass --store",
                home.display()
            )));
        }
        Ok(aigov::GovernorBuilder::open(&home)?)
    }
}

impl From<aigov::Error> for Failure {
    fn from(e: aigov::Error) -> Self {
        use aigov::Error as E;
        match e {
            E::Denied { .. } => Failure::Negative(e.to_string()),
            E::InvalidInput { .. } => Failure::BadInput(e.to_string()),
            E::Registry(inner) => inner.into(),
            E::Audit(inner) => inner.into(),
            E::Policy(inner) => inner.into(),
            E::Core(inner) => inner.into(),
            E::Drift(inner) => Failure::BadInput(inner.to_string()),
            E::Incident(inner) => inner.into(),
            _ => Failure::Internal(e.to_string()),
        }
    }
}

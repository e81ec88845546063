//! The actor directory: who may act, in which roles, and with which key their approvals are
//! signed. It is the registry's [`TrustStore`], kept in memory or in a `trust.json` file
//! (the file the `aigov` CLI reads).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

use aigov_core::{ActorId, Role, VerifierKey};
use aigov_registry::TrustStore;

use crate::Error;

/// Actors, their roles and keys; persisted after every change when backed by a file.
#[derive(Debug)]
pub struct ActorDirectory {
    trust: RwLock<TrustStore>,
    path: Option<PathBuf>,
}

impl ActorDirectory {
    /// An empty directory kept in memory.
    pub fn in_memory() -> Self {
        ActorDirectory {
            trust: RwLock::new(TrustStore::default()),
            path: None,
        }
    }

    /// The directory stored at `path` (empty if the file does not exist yet).
    pub fn open(path: &Path) -> Result<Self, Error> {
        let trust = read(path)?;
        Ok(ActorDirectory {
            trust: RwLock::new(trust),
            path: Some(path.to_path_buf()),
        })
    }

    /// Reads the file again, picking up changes another process made.
    pub(crate) fn reload(&self) -> Result<(), Error> {
        if let Some(path) = &self.path {
            let fresh = read(path)?;
            *self.trust.write().map_err(|_| poisoned())? = fresh;
        }
        Ok(())
    }

    /// A copy of the trust store, for verifying approvals.
    pub fn trust(&self) -> TrustStore {
        self.trust.read().map(|t| t.clone()).unwrap_or_default()
    }

    /// The roles an actor holds (none for an unknown actor).
    pub fn roles(&self, actor: &ActorId) -> BTreeSet<Role> {
        self.trust
            .read()
            .ok()
            .and_then(|t| t.approvers.get(actor).map(|a| a.roles.clone()))
            .unwrap_or_default()
    }

    /// True when nobody is registered yet.
    pub fn is_empty(&self) -> bool {
        self.trust
            .read()
            .map(|t| t.approvers.is_empty())
            .unwrap_or(false)
    }

    /// Adds an actor, or gives one new roles and perhaps a new key, and persists the
    /// directory. A replaced key is retired at `at` (rotation): approvals it signed and that
    /// were stored before still verify; nothing new signed with it is accepted.
    pub(crate) fn insert(
        &self,
        actor: ActorId,
        key: VerifierKey,
        roles: BTreeSet<Role>,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), Error> {
        let mut trust = self.trust.write().map_err(|_| poisoned())?;
        let mut next = trust.clone();
        next.rotate(actor, key, roles, at);
        if let Some(path) = &self.path {
            write(path, &next)?;
        }
        *trust = next;
        Ok(())
    }
}

fn poisoned() -> Error {
    Error::invalid("actor directory", "its lock is poisoned")
}

fn read(path: &Path) -> Result<TrustStore, Error> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| Error::Io {
            path: path.display().to_string(),
            reason: format!("not a trust store: {e}"),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(TrustStore::default()),
        Err(e) => Err(Error::Io {
            path: path.display().to_string(),
            reason: e.to_string(),
        }),
    }
}

/// Writes a temporary file and renames it over the old one, so a crash leaves either the old
/// directory or the new one, never half of one.
fn write(path: &Path, trust: &TrustStore) -> Result<(), Error> {
    let io = |e: std::io::Error| Error::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let text = serde_json::to_vec_pretty(trust).map_err(|e| Error::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, text).map_err(io)?;
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

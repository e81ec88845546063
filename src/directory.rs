//! The actor directory: who may act, in which roles, and with which key their approvals are
//! signed. It is the registry's [`TrustStore`], kept in a [`DirectoryStore`]: memory, a
//! `trust.json` file (the embedded default and the `aigov` CLI), or PostgreSQL (shared by
//! every replica). A replica picks up another one's changes within the refresh interval.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

use aigov_core::{ActorId, Role, VerifierKey};
use aigov_registry::{
    DirectoryStore, FileDirectoryStore, MemoryDirectoryStore, RegistryError, TrustStore,
    VersionedTrust,
};

use crate::Error;

/// How long a directory trusts its copy before asking the store whether it changed.
pub const DEFAULT_DIRECTORY_REFRESH: Duration = Duration::from_secs(1);

/// Saves lost to concurrent enrolments before giving up.
const SAVE_ATTEMPTS: usize = 50;

/// Actors, their roles and keys, read through a [`DirectoryStore`] and cached.
#[derive(Debug)]
pub struct ActorDirectory {
    store: Box<dyn DirectoryStore>,
    cache: RwLock<VersionedTrust>,
    checked: Mutex<Instant>,
    refresh: Duration,
    /// Held from reading the store to updating the cache, so an older read never replaces
    /// a newer one.
    updating: Mutex<()>,
}

impl ActorDirectory {
    /// An empty directory kept in memory.
    pub fn in_memory() -> Self {
        ActorDirectory {
            store: Box::new(MemoryDirectoryStore::new()),
            cache: RwLock::new(VersionedTrust::default()),
            checked: Mutex::new(Instant::now()),
            refresh: DEFAULT_DIRECTORY_REFRESH,
            updating: Mutex::new(()),
        }
    }

    /// The directory stored at `path` (empty if the file does not exist yet).
    pub fn open(path: &Path) -> Result<Self, Error> {
        Self::with_store(Box::new(FileDirectoryStore::new(path)))
    }

    /// The directory in `store`, read now.
    pub fn with_store(store: Box<dyn DirectoryStore>) -> Result<Self, Error> {
        let current = store.load()?;
        Ok(ActorDirectory {
            store,
            cache: RwLock::new(current),
            checked: Mutex::new(Instant::now()),
            refresh: DEFAULT_DIRECTORY_REFRESH,
            updating: Mutex::new(()),
        })
    }

    /// Asks the store for changes at most this often (zero: on every check).
    pub fn refresh_every(mut self, interval: Duration) -> Self {
        self.refresh = interval;
        self
    }

    /// Reads the directory again, picking up changes another process made.
    pub(crate) fn reload(&self) -> Result<(), Error> {
        let _updating = self.updating.lock().unwrap_or_else(|p| p.into_inner());
        let fresh = self.store.load()?;
        *self.cache.write().map_err(|_| poisoned())? = fresh;
        self.touch();
        Ok(())
    }

    /// Once the refresh interval has passed, compares generations and reloads on a change;
    /// true when the directory changed (remembered permissions must then be dropped).
    pub(crate) fn refresh_if_due(&self) -> Result<bool, Error> {
        {
            let checked = self.checked.lock().unwrap_or_else(|p| p.into_inner());
            if checked.elapsed() < self.refresh {
                return Ok(false);
            }
        }
        let generation = self.store.generation()?;
        let cached = self.cache.read().map_err(|_| poisoned())?.generation;
        if generation == cached {
            self.touch();
            return Ok(false);
        }
        self.reload()?;
        Ok(true)
    }

    fn touch(&self) {
        *self.checked.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
    }

    /// A copy of the trust store, for verifying approvals.
    pub fn trust(&self) -> TrustStore {
        self.cache
            .read()
            .map(|t| t.trust.clone())
            .unwrap_or_default()
    }

    /// The roles an actor holds (none for an unknown actor).
    pub fn roles(&self, actor: &ActorId) -> BTreeSet<Role> {
        self.cache
            .read()
            .ok()
            .and_then(|t| t.trust.approvers.get(actor).map(|a| a.roles.clone()))
            .unwrap_or_default()
    }

    /// The key an actor's signed requests and approvals verify with (none for an unknown
    /// actor).
    pub fn key(&self, actor: &ActorId) -> Option<aigov_core::VerifierKey> {
        self.cache
            .read()
            .ok()
            .and_then(|t| t.trust.approvers.get(actor).map(|a| a.key.clone()))
    }

    /// True when nobody is registered yet, as the store says now.
    pub fn is_empty(&self) -> bool {
        match self.store.load() {
            Ok(current) => current.trust.approvers.is_empty(),
            // Unreadable: not known to be empty, so no bootstrap.
            Err(_) => false,
        }
    }

    /// Adds an actor, or gives one new roles and perhaps a new key, and saves the directory
    /// on top of whatever another process saved meanwhile. A replaced key is retired at `at`
    /// (rotation): approvals it signed and that were stored before still verify; nothing new
    /// signed with it is accepted.
    pub(crate) fn insert(
        &self,
        actor: ActorId,
        key: VerifierKey,
        roles: BTreeSet<Role>,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), Error> {
        self.insert_if(actor, key, roles, at, |_| true).map(drop)
    }

    /// [`ActorDirectory::insert`] only while `condition` holds for the directory as it is at
    /// the save (re-checked after every lost save); false when it did not hold.
    pub(crate) fn insert_if(
        &self,
        actor: ActorId,
        key: VerifierKey,
        roles: BTreeSet<Role>,
        at: chrono::DateTime<chrono::Utc>,
        condition: impl Fn(&TrustStore) -> bool,
    ) -> Result<bool, Error> {
        let _updating = self.updating.lock().unwrap_or_else(|p| p.into_inner());
        for _ in 0..SAVE_ATTEMPTS {
            let current = self.store.load()?;
            if !condition(&current.trust) {
                return Ok(false);
            }
            let mut next = current.trust;
            next.rotate(actor.clone(), key.clone(), roles.clone(), at);
            match self.store.save(&next, current.generation) {
                Ok(generation) => {
                    *self.cache.write().map_err(|_| poisoned())? = VersionedTrust {
                        trust: next,
                        generation,
                    };
                    self.touch();
                    return Ok(true);
                }
                Err(RegistryError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(Error::invalid(
            "actor directory",
            format!("{SAVE_ATTEMPTS} saves lost to concurrent changes; try again"),
        ))
    }
}

fn poisoned() -> Error {
    Error::invalid("actor directory", "its lock is poisoned")
}

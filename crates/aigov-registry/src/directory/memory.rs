//! The actor directory in memory, for tests.

use std::sync::Mutex;

use super::{DirectoryStore, VersionedTrust, stale};
use crate::{RegistryError, TrustStore};

/// A [`DirectoryStore`] in memory; gone on drop.
#[derive(Debug, Default)]
pub struct MemoryDirectoryStore {
    inner: Mutex<VersionedTrust>,
}

impl MemoryDirectoryStore {
    /// An empty directory.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VersionedTrust> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl DirectoryStore for MemoryDirectoryStore {
    fn load(&self) -> Result<VersionedTrust, RegistryError> {
        Ok(self.lock().clone())
    }

    fn generation(&self) -> Result<u64, RegistryError> {
        Ok(self.lock().generation)
    }

    fn save(&self, trust: &TrustStore, expected: u64) -> Result<u64, RegistryError> {
        let mut inner = self.lock();
        if inner.generation != expected {
            return Err(stale(expected, inner.generation));
        }
        inner.trust = trust.clone();
        inner.generation += 1;
        Ok(inner.generation)
    }
}

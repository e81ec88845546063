//! Artifacts in memory, for tests.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use aigov_core::Digest;

use super::ArtifactStore;
use crate::RegistryError;

/// An [`ArtifactStore`] in a hash map.
#[derive(Debug, Default)]
pub struct MemoryArtifactStore {
    blobs: Mutex<HashMap<Digest, Arc<Vec<u8>>>>,
}

impl MemoryArtifactStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<Digest, Arc<Vec<u8>>>> {
        self.blobs.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Replaces an artifact's bytes without changing its address: for tamper tests.
    pub fn corrupt(&self, digest: &Digest, bytes: Vec<u8>) {
        self.lock().insert(*digest, Arc::new(bytes));
    }
}

impl ArtifactStore for MemoryArtifactStore {
    fn put(&self, bytes: &[u8]) -> Result<Digest, RegistryError> {
        let digest = Digest::of(bytes);
        self.lock()
            .entry(digest)
            .or_insert_with(|| Arc::new(bytes.to_vec()));
        Ok(digest)
    }

    fn put_file(&self, path: &Path) -> Result<(Digest, u64), RegistryError> {
        let bytes = std::fs::read(path)
            .map_err(|e| RegistryError::storage("memory", format!("{}: {e}", path.display())))?;
        let digest = self.put(&bytes)?;
        Ok((digest, bytes.len() as u64))
    }

    fn get(&self, digest: &Digest) -> Result<Vec<u8>, RegistryError> {
        self.lock()
            .get(digest)
            .map(|b| b.as_ref().clone())
            .ok_or_else(|| RegistryError::NotFound(format!("artifact {digest}")))
    }

    fn open(&self, digest: &Digest) -> Result<Box<dyn std::io::Read + Send>, RegistryError> {
        let blob = self
            .lock()
            .get(digest)
            .cloned()
            .ok_or_else(|| RegistryError::NotFound(format!("artifact {digest}")))?;
        Ok(Box::new(std::io::Cursor::new(SharedBytes(blob))))
    }

    fn exists(&self, digest: &Digest) -> Result<bool, RegistryError> {
        Ok(self.lock().contains_key(digest))
    }

    fn delete(&self, digest: &Digest) -> Result<bool, RegistryError> {
        Ok(self.lock().remove(digest).is_some())
    }
}

/// Lets a cursor read a shared blob without copying it.
struct SharedBytes(Arc<Vec<u8>>);

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

//! The actor directory in one JSON file (`trust.json`, the layout the `aigov` CLI uses),
//! safe across processes: saves hold an exclusive lock on a sibling file and replace the
//! directory by renaming a complete new file over it.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use aigov_core::Digest;

use super::{DirectoryStore, VersionedTrust, stale};
use crate::{RegistryError, TrustStore};

/// A [`DirectoryStore`] in a JSON file. Its generation is derived from the file's bytes.
#[derive(Debug, Clone)]
pub struct FileDirectoryStore {
    path: PathBuf,
}

fn io(path: &Path, e: impl std::fmt::Display) -> RegistryError {
    RegistryError::storage("file", format!("{}: {e}", path.display()))
}

/// 0 for a missing file, else the first 8 bytes of the contents' SHA-256 (never 0).
fn generation_of(bytes: Option<&[u8]>) -> u64 {
    match bytes {
        None => 0,
        Some(bytes) => {
            let digest = Digest::of(bytes);
            let mut first = [0u8; 8];
            first.copy_from_slice(&digest.as_bytes()[..8]);
            u64::from_be_bytes(first).max(1)
        }
    }
}

impl FileDirectoryStore {
    /// The directory at `path` (empty until the first save).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileDirectoryStore { path: path.into() }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn read(&self) -> Result<Option<Vec<u8>>, RegistryError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(&self.path, e)),
        }
    }

    fn lock_file(&self) -> Result<File, RegistryError> {
        let path = self.path.with_extension("json.lock");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        }
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| io(&path, e))?;
        file.lock().map_err(|e| io(&path, e))?;
        Ok(file)
    }
}

impl DirectoryStore for FileDirectoryStore {
    fn load(&self) -> Result<VersionedTrust, RegistryError> {
        let bytes = self.read()?;
        let trust = match &bytes {
            Some(b) => serde_json::from_slice(b)
                .map_err(|e| io(&self.path, format!("not an actor directory: {e}")))?,
            None => TrustStore::default(),
        };
        Ok(VersionedTrust {
            trust,
            generation: generation_of(bytes.as_deref()),
        })
    }

    fn generation(&self) -> Result<u64, RegistryError> {
        Ok(generation_of(self.read()?.as_deref()))
    }

    fn save(&self, trust: &TrustStore, expected: u64) -> Result<u64, RegistryError> {
        let lock = self.lock_file()?;
        let found = self.generation()?;
        if found != expected {
            return Err(stale(expected, found));
        }
        let text = serde_json::to_vec_pretty(trust).map_err(|e| io(&self.path, e))?;
        // A crash leaves the old file or the new one, never half of one.
        let tmp = self.path.with_extension("json.tmp");
        std::fs::write(&tmp, &text).map_err(|e| io(&tmp, e))?;
        File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| io(&tmp, e))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| io(&self.path, e))?;
        if let Some(dir) = self.path.parent() {
            File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(|e| io(dir, e))?;
        }
        drop(lock);
        Ok(generation_of(Some(&text)))
    }
}

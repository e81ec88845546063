//! Content-addressed storage of model files and evidence reports.

mod fs;
mod memory;
#[cfg(feature = "postgres")]
mod postgres;

pub use fs::FsArtifactStore;
pub use memory::MemoryArtifactStore;
#[cfg(feature = "postgres")]
pub use postgres::PostgresArtifactStore;

use std::fmt::Debug;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use aigov_core::{Digest, DigestWriter};

use crate::{ArtifactFile, RegistryError};

/// Where artifact bytes live, addressed by their SHA-256.
pub trait ArtifactStore: Send + Sync + Debug {
    /// Stores bytes and returns their digest; storing the same bytes twice is a no-op.
    fn put(&self, bytes: &[u8]) -> Result<Digest, RegistryError>;
    /// Stores a file's content, returning its digest and size.
    fn put_file(&self, path: &Path) -> Result<(Digest, u64), RegistryError>;
    /// Reads an artifact; `NotFound` if absent.
    fn get(&self, digest: &Digest) -> Result<Vec<u8>, RegistryError>;
    /// Opens an artifact for streaming (model files can be far larger than memory).
    fn open(&self, digest: &Digest) -> Result<Box<dyn Read + Send>, RegistryError>;
    /// Whether an artifact is present.
    fn exists(&self, digest: &Digest) -> Result<bool, RegistryError>;
    /// Removes an artifact; returns whether it was there.
    fn delete(&self, digest: &Digest) -> Result<bool, RegistryError>;
}

/// Conveniences over any [`ArtifactStore`].
pub trait ArtifactStoreExt: ArtifactStore {
    /// Reads an artifact and checks that its content still hashes to its address.
    fn get_verified(&self, digest: &Digest) -> Result<Vec<u8>, RegistryError> {
        let bytes = self.get(digest)?;
        let actual = Digest::of(&bytes);
        if &actual != digest {
            return Err(RegistryError::Integrity(format!(
                "artifact {digest} now hashes to {actual}"
            )));
        }
        Ok(bytes)
    }

    /// Streams an artifact through SHA-256 and returns its size, failing if it no longer
    /// hashes to its address.
    fn verify_blob(&self, digest: &Digest) -> Result<u64, RegistryError> {
        let mut reader = self.open(digest)?;
        let mut hasher = DigestWriter::new();
        let size = std::io::copy(&mut reader, &mut hasher)
            .map_err(|e| RegistryError::storage("artifact store", format!("{digest}: {e}")))?;
        let actual = hasher.finish();
        if &actual != digest {
            return Err(RegistryError::Integrity(format!(
                "artifact {digest} now hashes to {actual}"
            )));
        }
        Ok(size)
    }

    /// Writes a version's files under `dest` (streaming, never over an existing file),
    /// refusing any name that would leave it and any content that no longer matches.
    fn materialize(&self, files: &[ArtifactFile], dest: &Path) -> Result<(), RegistryError> {
        let fs_error = |path: &Path, e: std::io::Error| {
            RegistryError::storage("filesystem", format!("{}: {e}", path.display()))
        };
        for file in files {
            let target = dest.join(safe_relative_path(&file.name)?);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(|e| fs_error(parent, e))?;
            }
            let mut out = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&target)
                .map_err(|e| fs_error(&target, e))?;
            let mut tee = HashingCopy {
                out: &mut out,
                hasher: DigestWriter::new(),
            };
            std::io::copy(&mut self.open(&file.digest)?, &mut tee)
                .map_err(|e| fs_error(&target, e))?;
            let actual = tee.hasher.finish();
            if actual != file.digest {
                return Err(RegistryError::Integrity(format!(
                    "artifact {} for {} now hashes to {actual}",
                    file.digest, file.name
                )));
            }
        }
        Ok(())
    }
}

impl<T: ArtifactStore + ?Sized> ArtifactStoreExt for T {}

/// Writes to a file while hashing what passes through.
struct HashingCopy<'a> {
    out: &'a mut std::fs::File,
    hasher: DigestWriter,
}

impl Write for HashingCopy<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Turns a manifest name into a relative path that cannot escape its directory.
///
/// `.` (a single-file model) maps to `model`; absolute paths, `..`, empty components,
/// backslashes and NUL bytes are refused.
pub fn safe_relative_path(name: &str) -> Result<PathBuf, RegistryError> {
    if name == "." {
        return Ok(PathBuf::from("model"));
    }
    let refuse = |why: &str| {
        Err(RegistryError::invalid(
            "artifact name",
            format!("{name:?} {why}"),
        ))
    };
    if name.is_empty() {
        return refuse("is empty");
    }
    if name.contains('\\') || name.contains('\0') {
        return refuse("contains a backslash or NUL byte");
    }
    let path = Path::new(name);
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(c) => out.push(c),
            Component::CurDir => {}
            _ => return refuse("leaves the model directory (absolute path or '..')"),
        }
    }
    if name.split('/').any(str::is_empty) || out.as_os_str().is_empty() {
        return refuse("has an empty path component");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_traversal_is_refused() {
        for bad in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "a//b",
            "",
            "a\\b",
            "a/",
            "./",
        ] {
            assert!(safe_relative_path(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            safe_relative_path("a/b.bin").unwrap(),
            PathBuf::from("a/b.bin")
        );
        assert_eq!(safe_relative_path(".").unwrap(), PathBuf::from("model"));
        assert_eq!(safe_relative_path("./a").unwrap(), PathBuf::from("a"));
    }
}

//! Artifacts as files under one directory: `<root>/sha256/<2 hex>/<64 hex>`.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use aigov_core::{Digest, DigestWriter};

use super::ArtifactStore;
use crate::RegistryError;

const BACKEND: &str = "filesystem";

fn io_error(path: &Path, e: std::io::Error) -> RegistryError {
    RegistryError::storage(BACKEND, format!("{}: {e}", path.display()))
}

/// An [`ArtifactStore`] on a local filesystem.
///
/// Writes go to a temporary file in the same directory tree, are synced, then renamed into
/// place, so a crash never leaves a partial artifact under its final name. Paths are derived
/// only from digests, and symbolic links inside the store are refused rather than followed.
#[derive(Debug, Clone)]
pub struct FsArtifactStore {
    root: PathBuf,
    verify_on_read: bool,
}

impl FsArtifactStore {
    /// Opens (creating if needed) a store rooted at `root`.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, RegistryError> {
        let root = root.into();
        for dir in [root.join("sha256"), root.join("tmp")] {
            fs::create_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
        }
        Ok(FsArtifactStore {
            root,
            verify_on_read: false,
        })
    }

    /// Re-hashes every artifact on read and fails if it no longer matches its digest.
    pub fn verify_on_read(mut self, verify: bool) -> Self {
        self.verify_on_read = verify;
        self
    }

    /// Where an artifact is kept.
    pub fn path_of(&self, digest: &Digest) -> PathBuf {
        let hex = digest.to_hex();
        self.root.join("sha256").join(&hex[..2]).join(hex)
    }

    /// Refuses a path if it, or the directories between it and the root, is a symlink.
    fn check_no_symlinks(&self, path: &Path) -> Result<(), RegistryError> {
        let mut current = path.to_path_buf();
        while current.starts_with(&self.root) && current != self.root {
            match fs::symlink_metadata(&current) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    return Err(RegistryError::Integrity(format!(
                        "{} is a symbolic link inside the artifact store",
                        current.display()
                    )));
                }
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_error(&current, e)),
            }
            if !current.pop() {
                break;
            }
        }
        Ok(())
    }

    /// Moves a finished temporary file to its content address.
    fn install(&self, tmp: tempfile::NamedTempFile, digest: &Digest) -> Result<(), RegistryError> {
        let target = self.path_of(digest);
        self.check_no_symlinks(&target)?;
        // A damaged copy under this address is replaced rather than trusted.
        if self.intact(digest)? {
            return Ok(());
        }
        let dir = target.parent().unwrap_or(&self.root).to_path_buf();
        fs::create_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
        tmp.as_file()
            .sync_all()
            .map_err(|e| io_error(tmp.path(), e))?;
        tmp.persist(&target)
            .map_err(|e| io_error(&target, e.error))?;
        // The rename is durable only once the directory entry is.
        if let Ok(d) = File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// True when a file is stored at `digest`'s address and still hashes to it.
    fn intact(&self, digest: &Digest) -> Result<bool, RegistryError> {
        let path = self.path_of(digest);
        self.check_no_symlinks(&path)?;
        let mut file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(io_error(&path, e)),
        };
        let mut hasher = DigestWriter::new();
        std::io::copy(&mut file, &mut hasher).map_err(|e| io_error(&path, e))?;
        Ok(&hasher.finish() == digest)
    }

    fn temp_file(&self) -> Result<tempfile::NamedTempFile, RegistryError> {
        let dir = self.root.join("tmp");
        tempfile::NamedTempFile::new_in(&dir).map_err(|e| io_error(&dir, e))
    }
}

impl ArtifactStore for FsArtifactStore {
    fn put(&self, bytes: &[u8]) -> Result<Digest, RegistryError> {
        let digest = Digest::of(bytes);
        if self.intact(&digest)? {
            return Ok(digest);
        }
        let mut tmp = self.temp_file()?;
        tmp.write_all(bytes).map_err(|e| io_error(tmp.path(), e))?;
        self.install(tmp, &digest)?;
        Ok(digest)
    }

    fn put_file(&self, path: &Path) -> Result<(Digest, u64), RegistryError> {
        let mut source = File::open(path).map_err(|e| io_error(path, e))?;
        let tmp = self.temp_file()?;
        let mut writer = HashingWriter::new(tmp);
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = source.read(&mut buf).map_err(|e| io_error(path, e))?;
            if n == 0 {
                break;
            }
            writer.write_all(&buf[..n]).map_err(|e| io_error(path, e))?;
        }
        let (tmp, digest, size) = writer.finish();
        self.install(tmp, &digest)?;
        Ok((digest, size))
    }

    fn get(&self, digest: &Digest) -> Result<Vec<u8>, RegistryError> {
        let path = self.path_of(digest);
        self.check_no_symlinks(&path)?;
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(RegistryError::NotFound(format!("artifact {digest}")));
            }
            Err(e) => return Err(io_error(&path, e)),
        };
        if self.verify_on_read {
            let actual = Digest::of(&bytes);
            if &actual != digest {
                return Err(RegistryError::Integrity(format!(
                    "artifact {digest} at {} now hashes to {actual}",
                    path.display()
                )));
            }
        }
        Ok(bytes)
    }

    fn open(&self, digest: &Digest) -> Result<Box<dyn Read + Send>, RegistryError> {
        let path = self.path_of(digest);
        self.check_no_symlinks(&path)?;
        match File::open(&path) {
            Ok(file) => Ok(Box::new(std::io::BufReader::with_capacity(1 << 20, file))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(RegistryError::NotFound(format!("artifact {digest}")))
            }
            Err(e) => Err(io_error(&path, e)),
        }
    }

    fn exists(&self, digest: &Digest) -> Result<bool, RegistryError> {
        let path = self.path_of(digest);
        self.check_no_symlinks(&path)?;
        Ok(path.is_file())
    }

    fn delete(&self, digest: &Digest) -> Result<bool, RegistryError> {
        let path = self.path_of(digest);
        self.check_no_symlinks(&path)?;
        match fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(io_error(&path, e)),
        }
    }
}

/// Writes into a temporary file while hashing what passes through.
struct HashingWriter {
    inner: tempfile::NamedTempFile,
    hasher: DigestWriter,
    size: u64,
}

impl HashingWriter {
    fn new(inner: tempfile::NamedTempFile) -> Self {
        HashingWriter {
            inner,
            hasher: DigestWriter::new(),
            size: 0,
        }
    }

    fn finish(self) -> (tempfile::NamedTempFile, Digest, u64) {
        (self.inner, self.hasher.finish(), self.size)
    }
}

impl Write for HashingWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

//! Parallel hashing of a model's files or shards.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use sha2::{Digest as _, Sha256};

use super::walk::{ModelFile, WalkRules, model_files};
use super::{
    CHUNK_SIZE, DEFAULT_IGNORED_PATHS, HashMethod, ManifestResource, ModelManifest, Serialization,
};
use crate::{CoreError, Digest};

/// How far hashing has got; handed to the progress callback after every chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashProgress {
    /// Bytes hashed so far, across all threads.
    pub bytes_done: u64,
    /// Bytes to hash in all.
    pub bytes_total: u64,
}

type ProgressFn<'a> = dyn Fn(HashProgress) + Sync + 'a;

/// Computes model manifests: configure, then call [`ModelHasher::hash`].
///
/// Defaults follow `model_signing`: method `files`, symlinks refused, `.git`, `.github`,
/// `.gitattributes` and `.gitignore` at the top of the model ignored.
pub struct ModelHasher<'a> {
    method: HashMethod,
    allow_symlinks: bool,
    ignore_git_paths: bool,
    ignore_paths: Vec<String>,
    progress: Option<&'a ProgressFn<'a>>,
}

impl Default for ModelHasher<'_> {
    fn default() -> Self {
        ModelHasher {
            method: HashMethod::Files,
            allow_symlinks: false,
            ignore_git_paths: true,
            ignore_paths: Vec::new(),
            progress: None,
        }
    }
}

impl std::fmt::Debug for ModelHasher<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelHasher")
            .field("method", &self.method)
            .field("allow_symlinks", &self.allow_symlinks)
            .field("ignore_git_paths", &self.ignore_git_paths)
            .field("ignore_paths", &self.ignore_paths)
            .finish_non_exhaustive()
    }
}

impl<'a> ModelHasher<'a> {
    /// A hasher with the `model_signing` defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Chooses the method (`files` or `shards` with a size).
    pub fn method(mut self, method: HashMethod) -> Self {
        self.method = method;
        self
    }

    /// Follows symbolic links to files instead of refusing them.
    pub fn allow_symlinks(mut self, allow: bool) -> Self {
        self.allow_symlinks = allow;
        self
    }

    /// Whether the git paths at the top of the model are ignored (the default).
    pub fn ignore_git_paths(mut self, ignore: bool) -> Self {
        self.ignore_git_paths = ignore;
        self
    }

    /// Leaves a file or directory (relative to the model root) out of the manifest.
    pub fn ignore_path(mut self, relative: impl Into<String>) -> Self {
        self.ignore_paths.push(relative.into());
        self
    }

    /// Calls `progress` after every chunk hashed, from whichever thread hashed it.
    pub fn on_progress(mut self, progress: &'a ProgressFn<'a>) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Hashes the model file or directory at `path`.
    pub fn hash(&self, path: &Path) -> Result<ModelManifest, CoreError> {
        if let HashMethod::Shards { shard_size: 0 } = self.method {
            return Err(CoreError::invalid("shard size", "must be at least 1 byte"));
        }
        let mut ignore_paths: Vec<String> = self
            .ignore_paths
            .iter()
            .map(|p| normalize_relative(p))
            .collect::<Result<_, _>>()?;
        if self.ignore_git_paths {
            ignore_paths.extend(DEFAULT_IGNORED_PATHS.iter().map(|p| p.to_string()));
        }
        ignore_paths.sort();
        ignore_paths.dedup();
        let ignored: Vec<Vec<String>> = ignore_paths
            .iter()
            .map(|p| p.split('/').map(str::to_string).collect())
            .collect();
        let rules = WalkRules {
            allow_symlinks: self.allow_symlinks,
            ignored: &ignored,
        };
        let mut files = model_files(path, &rules)?;
        // Python orders PurePosixPath by its components, not by the joined string.
        files.sort_by(|a, b| a.components.cmp(&b.components));

        let pieces = pieces_of(&files, self.method);
        let bytes_total = pieces.iter().map(|p| p.end - p.start).sum();
        let done = AtomicU64::new(0);
        let report = |n: u64| {
            let bytes_done = done.fetch_add(n, Ordering::Relaxed) + n;
            if let Some(progress) = self.progress {
                progress(HashProgress {
                    bytes_done,
                    bytes_total,
                });
            }
        };
        let resources = pieces
            .par_iter()
            .map(|piece| {
                let digest = hash_range(piece, &report)?;
                Ok(ManifestResource {
                    name: piece.name(self.method),
                    digest,
                })
            })
            .collect::<Result<Vec<_>, CoreError>>()?;

        Ok(ModelManifest {
            model_name: model_name(path),
            serialization: Serialization {
                method: self.method,
                allow_symlinks: self.allow_symlinks,
                ignore_paths,
            },
            resources,
        })
    }
}

/// Rejects ignore paths that are absolute or climb out of the model.
fn normalize_relative(p: &str) -> Result<String, CoreError> {
    let parts: Vec<&str> = p
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    if p.starts_with('/') || parts.is_empty() || parts.contains(&"..") {
        return Err(CoreError::invalid(
            "ignore path",
            format!("{p:?} must be a path inside the model, relative to its root"),
        ));
    }
    Ok(parts.join("/"))
}

fn model_name(path: &Path) -> String {
    // `model_signing` falls back to the resolved path's name for `.`-like paths.
    let own = path.file_name().map(|n| n.to_string_lossy().into_owned());
    own.or_else(|| {
        let resolved = path.canonicalize().ok()?;
        Some(resolved.file_name()?.to_string_lossy().into_owned())
    })
    .unwrap_or_default()
}

/// A byte range of one file: the whole file (`files`) or one shard.
struct Piece<'f> {
    file: &'f ModelFile,
    start: u64,
    end: u64,
}

impl Piece<'_> {
    fn name(&self, method: HashMethod) -> String {
        match method {
            HashMethod::Files => self.file.name(),
            HashMethod::Shards { .. } => {
                format!("{}:{}:{}", self.file.name(), self.start, self.end)
            }
        }
    }
}

fn pieces_of(files: &[ModelFile], method: HashMethod) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    for file in files {
        match method {
            HashMethod::Files => pieces.push(Piece {
                file,
                start: 0,
                end: file.size,
            }),
            // An empty file has no shards, as in model_signing.
            HashMethod::Shards { shard_size } => {
                let mut start = 0;
                while start < file.size {
                    let end = start.saturating_add(shard_size).min(file.size);
                    pieces.push(Piece { file, start, end });
                    start = end;
                }
            }
        }
    }
    pieces
}

fn hash_range(piece: &Piece<'_>, report: &(dyn Fn(u64) + Sync)) -> Result<Digest, CoreError> {
    let path = &piece.file.path;
    let io = |e| CoreError::io(path, e);
    let mut file = File::open(path).map_err(io)?;
    if piece.start > 0 {
        file.seek(SeekFrom::Start(piece.start)).map_err(io)?;
    }
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK_SIZE];
    let mut remaining = piece.end - piece.start;
    while remaining > 0 {
        let want = remaining.min(CHUNK_SIZE as u64) as usize;
        let n = read_full(&mut file, &mut buf[..want]).map_err(io)?;
        if n == 0 {
            return Err(CoreError::Integrity(format!(
                "{} shrank while it was being hashed",
                path.display()
            )));
        }
        hasher.update(&buf[..n]);
        remaining -= n as u64;
        report(n as u64);
    }
    // A whole file must end where it did when the model was walked.
    if piece.end == piece.file.size && read_full(&mut file, &mut buf[..1]).map_err(io)? > 0 {
        return Err(CoreError::Integrity(format!(
            "{} grew while it was being hashed",
            path.display()
        )));
    }
    Ok(Digest::from_bytes(hasher.finalize().into()))
}

/// Reads until `buf` is full or the file ends.
fn read_full(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

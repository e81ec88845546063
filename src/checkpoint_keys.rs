//! The store's checkpoint key over time, on disk: the key in use (`keys/aigov-store.key`),
//! the keys rotation retired with the log size each one sealed
//! (`keys/retired-checkpoint-keys.json`), and a new key staged under `keys/next/` while a
//! rotation is under way, so that a crash at any point leaves a store that opens.

use std::path::{Path, PathBuf};

use aigov_audit::RetiredCheckpointKey;
use aigov_core::{SignerKey, VerifierKey};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Error;

/// The file under `keys/` that lists retired checkpoint keys.
pub const RETIRED_KEYS_FILE: &str = "retired-checkpoint-keys.json";

/// One retired key as the file holds it.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct RetiredRecord {
    key: String,
    last_size: u64,
    retired_at: DateTime<Utc>,
}

fn io(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

fn read_records(keys: &Path) -> Result<Vec<RetiredRecord>, Error> {
    let path = keys.join(RETIRED_KEYS_FILE);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| io(&path, format!("not a list of retired checkpoint keys: {e}"))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(io(&path, e)),
    }
}

/// The retired keys under `keys/`, oldest first (none when the file does not exist).
pub fn retired_keys(keys: &Path) -> Result<Vec<RetiredCheckpointKey>, Error> {
    read_records(keys)?
        .into_iter()
        .map(|r| {
            Ok(RetiredCheckpointKey {
                key: VerifierKey::parse(&r.key).map_err(|e| {
                    io(&keys.join(RETIRED_KEYS_FILE), format!("a retired key: {e}"))
                })?,
                last_size: r.last_size,
            })
        })
        .collect()
}

/// Adds `retired` to the list, written to a temporary file and renamed over the old one.
pub(crate) fn record_retired(
    keys: &Path,
    retired: &RetiredCheckpointKey,
    at: DateTime<Utc>,
) -> Result<(), Error> {
    let mut records = read_records(keys)?;
    records.push(RetiredRecord {
        key: retired.key.to_string(),
        last_size: retired.last_size,
        retired_at: at,
    });
    let path = keys.join(RETIRED_KEYS_FILE);
    let tmp = keys.join(format!("{RETIRED_KEYS_FILE}.tmp"));
    let text = serde_json::to_vec_pretty(&records).map_err(|e| io(&path, e))?;
    std::fs::write(&tmp, text).map_err(|e| io(&tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| io(&path, e))
}

fn staged_dir(keys: &Path) -> PathBuf {
    keys.join("next")
}

/// Writes `next` under `keys/next/`, replacing a key left there by an earlier rotation that
/// did not get as far as retiring the old key.
pub(crate) fn stage(keys: &Path, next: &SignerKey) -> Result<(), Error> {
    let dir = staged_dir(keys);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|e| io(&dir, e))?;
    }
    next.save(&dir)?;
    Ok(())
}

/// Moves the staged key over the one in use, the private key first (one rename each).
pub(crate) fn install_staged(keys: &Path, name: &str) -> Result<(), Error> {
    let dir = staged_dir(keys);
    let private = dir.join(format!("{name}.key"));
    std::fs::rename(&private, keys.join(format!("{name}.key"))).map_err(|e| io(&private, e))?;
    let public = dir.join(format!("{name}.pub"));
    match std::fs::rename(&public, keys.join(format!("{name}.pub"))) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(&public, e)),
    }
    std::fs::remove_dir_all(&dir).map_err(|e| io(&dir, e))
}

/// The key in use, finishing a rotation a crash interrupted: when the key file still holds a
/// key the list already retired, the staged key replaces it (or, if none was staged, a new
/// one); a retired key never signs again.
pub fn current_key(keys: &Path, name: &str, loaded: SignerKey) -> Result<SignerKey, Error> {
    let retired = retired_keys(keys)?;
    if !retired.iter().any(|r| r.key == loaded.verifier()) {
        return Ok(loaded);
    }
    if !staged_dir(keys).join(format!("{name}.key")).exists() {
        stage(keys, &SignerKey::generate(name)?)?;
    }
    install_staged(keys, name)?;
    let path = keys.join(format!("{name}.key"));
    SignerKey::load(&path).map_err(|e| io(&path, e))
}

/// The origin line of the log's checkpoints: named after its first key for its whole life,
/// so rotations do not change it.
pub fn log_origin(current: &VerifierKey, retired: &[RetiredCheckpointKey]) -> String {
    let first = retired.first().map(|r| &r.key).unwrap_or(current);
    format!("{}/audit", first.hint())
}

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

/// Syncs a directory, so a rename in it survives a power loss.
fn sync_dir(dir: &Path) -> Result<(), Error> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io(dir, e))
}

/// Writes `bytes` to `path` through a synced temporary file renamed over it.
fn write_durably(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).map_err(|e| io(&tmp, e))?;
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| io(path, e))?;
    // The new file is in place and visible to every reader now. A failed directory sync only
    // risks losing the rename to a power cut; reporting failure here would make the caller
    // act as if nothing had been written, which is worse.
    if let Some(dir) = path.parent() {
        let _ = sync_dir(dir);
    }
    Ok(())
}

/// An exclusive lock on `keys/` against other processes rotating or opening; released on drop.
pub(crate) fn lock_keys(keys: &Path) -> Result<std::fs::File, Error> {
    std::fs::create_dir_all(keys).map_err(|e| io(keys, e))?;
    let path = keys.join("rotation.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| io(&path, e))?;
    file.lock().map_err(|e| io(&path, e))?;
    Ok(file)
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
    let text = serde_json::to_vec_pretty(&records).map_err(|e| io(&path, e))?;
    write_durably(&path, &text)
}

fn staged_dir(keys: &Path) -> PathBuf {
    keys.join("next")
}

/// Writes `next` under `keys/next/`, replacing a key left there by an earlier rotation that
/// did not get as far as retiring the old key.
pub(crate) fn stage(keys: &Path, next: &SignerKey) -> Result<(), Error> {
    let dir = staged_dir(keys);
    // Callers settle first (see `settle`): a staged key that signed was installed then, so
    // whatever is left here never signed.
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|e| io(&dir, e))?;
    }
    let files = next.save(&dir)?;
    for file in [&files.private, &files.public] {
        std::fs::File::open(file)
            .and_then(|f| f.sync_all())
            .map_err(|e| io(file, e))?;
    }
    sync_dir(&dir)?;
    sync_dir(keys)
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
    std::fs::remove_dir_all(&dir).map_err(|e| io(&dir, e))?;
    sync_dir(keys)
}

/// The key in use, finishing a rotation a crash interrupted: when the key file still holds a
/// key the list already retired, the staged key replaces it (or, if none was staged, a new
/// one); a retired key never signs again.
pub fn current_key(keys: &Path, name: &str, loaded: SignerKey) -> Result<SignerKey, Error> {
    let _lock = lock_keys(keys)?;
    settle(keys, name, loaded)
}

/// [`current_key`] for a caller that already holds the lock on `keys/`: finishes a pending
/// installation, so a staged key that may have signed is installed, never thrown away.
pub(crate) fn settle(keys: &Path, name: &str, loaded: SignerKey) -> Result<SignerKey, Error> {
    let path = keys.join(format!("{name}.key"));
    // Read again under the lock: a rotation may have finished while we waited.
    let mut key = SignerKey::load(&path).unwrap_or(loaded);
    let retired = retired_keys(keys)?;
    if retired.iter().any(|r| r.key == key.verifier()) {
        if !staged_dir(keys).join(format!("{name}.key")).exists() {
            stage(keys, &SignerKey::generate(name)?)?;
        }
        install_staged(keys, name)?;
        key = SignerKey::load(&path).map_err(|e| io(&path, e))?;
    }
    // A crash between the two renames of an installation leaves the old public key beside
    // the new private one; the public key is the private key's, so write it again.
    let public = keys.join(format!("{name}.pub"));
    let expected = format!("{}\n", key.verifier());
    if std::fs::read_to_string(&public).ok().as_deref() != Some(expected.as_str()) {
        write_durably(&public, expected.as_bytes())?;
    }
    Ok(key)
}

/// The origin line of the log's checkpoints: named after its first key for its whole life,
/// so rotations do not change it.
pub fn log_origin(current: &VerifierKey, retired: &[RetiredCheckpointKey]) -> String {
    let first = retired.first().map(|r| &r.key).unwrap_or(current);
    format!("{}/audit", first.hint())
}

/// The retired checkpoint keys the log itself vouches for, oldest first: the chain of
/// `checkpoint-key-rotated` entries that leads to `current`, the key the verifier trusts.
/// Each rotation must name as its new key the key the next one retired (the newest names
/// `current`), and a checkpoint signed by that new key must cover the rotation's entry, so
/// a key added to the store's list of retired keys, or a rotation entry appended by someone
/// without the next key, is not trusted. A log without rotations has none.
pub fn retired_keys_in_log(
    log: &aigov_audit::AuditLog,
    current: &VerifierKey,
) -> Result<Vec<RetiredCheckpointKey>, Error> {
    use aigov_audit::{AuditEntry, AuditEvent, AuditStoreExt, SignedCheckpoint};
    let anchor = |reason: String| Error::invalid("retired checkpoint keys", reason);
    let mut rotations = Vec::new();
    for index in 0..log.size()? {
        let stored = log.store().entry(index)?;
        let Some(payload) = stored.payload else {
            continue;
        };
        let Ok(AuditEntry {
            event: AuditEvent::Custom(fields),
            ..
        }) = AuditEntry::from_bytes(&payload)
        else {
            continue;
        };
        if fields.get("type").and_then(serde_json::Value::as_str) != Some("checkpoint-key-rotated")
        {
            continue;
        }
        let key = |name: &str| {
            fields
                .get(name)
                .and_then(serde_json::Value::as_str)
                .ok_or_else(|| anchor(format!("entry {index}: no {name}")))
                .and_then(|k| {
                    VerifierKey::parse(k).map_err(|e| anchor(format!("entry {index}: {e}")))
                })
        };
        let sealed = fields
            .get("sealed_size")
            .and_then(serde_json::Value::as_u64)
            .ok_or_else(|| anchor(format!("entry {index}: no sealed_size")))?;
        rotations.push((index, key("retired_key")?, sealed, key("new_key")?));
    }
    let checkpoints: Vec<(u64, SignedCheckpoint)> = log
        .store()
        .checkpoints()?
        .into_iter()
        .filter_map(|(size, note)| Some((size, SignedCheckpoint::parse(&note).ok()?)))
        .collect();
    let origin = log_origin(
        rotations
            .first()
            .map_or(current, |(_, retired, _, _)| retired),
        &[],
    );
    let mut expected = current.clone();
    let mut chain = Vec::new();
    for (index, retired, sealed, new) in rotations.into_iter().rev() {
        if new != expected {
            return Err(anchor(format!(
                "the rotation at entry {index} hands over to {}, not to {}: the chain of \
                 checkpoint keys does not lead to the trusted key",
                new.hint(),
                expected.hint()
            )));
        }
        let covered = checkpoints
            .iter()
            .any(|(size, signed)| *size > index && signed.verify(&origin, &[&new]).is_ok());
        if !covered {
            return Err(anchor(format!(
                "no checkpoint signed by {} covers the rotation at entry {index}",
                new.hint()
            )));
        }
        chain.push(RetiredCheckpointKey {
            key: retired.clone(),
            last_size: sealed,
        });
        expected = retired;
    }
    chain.reverse();
    Ok(chain)
}

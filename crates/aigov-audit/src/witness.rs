//! A witness: keeps the last checkpoint it accepted from a log, accepts a new one only if
//! the log proves it extends that one (RFC 9162 consistency), and cosigns it
//! (c2sp.org/tlog-cosignature). An insider who truncates or rewrites the log and re-signs a
//! checkpoint with the log's own key cannot get it cosigned.

use std::path::{Path, PathBuf};

use aigov_core::{Digest, VerifierKey};

use crate::note::{Cosigner, NoteSignature};
use crate::{AuditError, ConsistencyProof, SignedCheckpoint};

/// A witness of one log, its state kept in a directory.
#[derive(Debug)]
pub struct Witness {
    cosigner: Cosigner,
    log_key: VerifierKey,
    origin: String,
    state: PathBuf,
}

fn rejected(reason: String) -> AuditError {
    AuditError::ProofRejected {
        proof: "witnessed checkpoint",
        reason,
    }
}

impl Witness {
    /// A witness of the log named `origin` whose checkpoints `log_key` signs, keeping its state
    /// under `state` (created if missing).
    pub fn new(
        cosigner: Cosigner,
        log_key: VerifierKey,
        origin: impl Into<String>,
        state: &Path,
    ) -> Result<Witness, AuditError> {
        std::fs::create_dir_all(state).map_err(|e| io(state, e))?;
        Ok(Witness {
            cosigner,
            log_key,
            origin: origin.into(),
            state: state.to_path_buf(),
        })
    }

    fn state_file(&self) -> PathBuf {
        self.state.join(format!(
            "{}.checkpoint",
            Digest::of(self.origin.as_bytes()).to_hex()
        ))
    }

    /// The last checkpoint this witness accepted from the log, if any. It is the witness's
    /// own record: its signature was checked when it was accepted and is not checked again
    /// (the log's key may have been rotated since).
    pub fn latest(&self) -> Result<Option<SignedCheckpoint>, AuditError> {
        let path = self.state_file();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(&path, e)),
        };
        let latest = SignedCheckpoint::parse(&text)?;
        if latest.checkpoint.origin != self.origin {
            return Err(rejected(format!(
                "the witness's state for {} holds a checkpoint of {}",
                self.origin, latest.checkpoint.origin
            )));
        }
        Ok(Some(latest))
    }

    /// Checks `checkpoint` (signed by the log's key, under its origin) against the last one
    /// accepted: the same size must have the same root, a larger one needs a consistency
    /// proof from `prove(old_size, new_size)` that joins the two roots, a smaller one is a
    /// rollback. Accepted, it becomes the witness's state and is cosigned at `timestamp`.
    /// The first checkpoint a witness sees is trusted as it is.
    pub fn witness(
        &self,
        checkpoint: &SignedCheckpoint,
        prove: impl FnOnce(u64, u64) -> Result<ConsistencyProof, AuditError>,
        timestamp: u64,
    ) -> Result<NoteSignature, AuditError> {
        checkpoint.verify(&self.origin, &[&self.log_key])?;
        let new = &checkpoint.checkpoint;
        // One witnessing at a time per state directory, across processes.
        let lock_path = self.state.join("witness.lock");
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| io(&lock_path, e))?;
        lock.lock().map_err(|e| io(&lock_path, e))?;
        if let Some(latest) = self.latest()? {
            let old = &latest.checkpoint;
            if new.size < old.size {
                return Err(rejected(format!(
                    "size {} is smaller than the {} already witnessed: the log was truncated or rolled back",
                    new.size, old.size
                )));
            }
            if new.size == old.size && new.root != old.root {
                return Err(rejected(format!(
                    "size {} has root {}, but {} was witnessed: two histories",
                    new.size, new.root, old.root
                )));
            }
            if new.size > old.size && old.size > 0 {
                let proof = prove(old.size, new.size)?;
                if (proof.size1, proof.size2) != (old.size, new.size)
                    || proof.root1 != old.root
                    || proof.root2 != new.root
                {
                    return Err(rejected(format!(
                        "the log does not prove size {} (root {}) extends the witnessed size {} (root {})",
                        new.size, new.root, old.size, old.root
                    )));
                }
                proof.verify()?;
            }
        }
        self.save(checkpoint)?;
        Ok(self.cosigner.cosign(&checkpoint.note.text, timestamp))
    }

    /// Replaces the state file atomically (write, sync, rename).
    fn save(&self, checkpoint: &SignedCheckpoint) -> Result<(), AuditError> {
        use std::io::Write;
        let path = self.state_file();
        let staged = path.with_extension("checkpoint.new");
        let mut file = std::fs::File::create(&staged).map_err(|e| io(&staged, e))?;
        file.write_all(checkpoint.to_string().as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| io(&staged, e))?;
        std::fs::rename(&staged, &path).map_err(|e| io(&path, e))
    }
}

fn io(path: &Path, e: std::io::Error) -> AuditError {
    AuditError::invalid("witness state", format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use aigov_core::SignerKey;

    use super::*;
    use crate::note::CosignerKey;
    use crate::{AuditEntry, AuditEvent, AuditLog, MemoryAuditStore};

    fn append(log: &AuditLog, n: u64) {
        for i in 0..n {
            let event = AuditEvent::from_parts("custom", serde_json::json!({ "i": i })).unwrap();
            log.append(&AuditEntry {
                time: chrono::Utc::now(),
                actor: "w@example.com".parse().unwrap(),
                authn: None,
                request: None,
                event,
            })
            .unwrap();
        }
    }

    #[test]
    fn a_witness_cosigns_growth_and_refuses_rollbacks_and_forks() {
        let key = SignerKey::from_seed("aigov-store", [7; 32]).unwrap();
        let log = AuditLog::new(std::sync::Arc::new(MemoryAuditStore::new()))
            .with_signer(key.clone(), "example/audit");
        let dir = tempfile::tempdir().unwrap();
        let cosigner = Cosigner::new(SignerKey::from_seed("witness.example/w1", [42; 32]).unwrap());
        let public = cosigner.public();
        let witness = Witness::new(cosigner, key.verifier(), "example/audit", dir.path()).unwrap();
        let prove = |a, b| log.consistency(a, Some(b));

        append(&log, 3);
        let first = log.checkpoint().unwrap();
        let sig = witness.witness(&first, prove, 1_700_000_000).unwrap();
        assert_eq!(
            public.verify(&first.note.text, &sig).unwrap(),
            1_700_000_000
        );
        append(&log, 4);
        let grown = log.checkpoint().unwrap();
        witness.witness(&grown, prove, 1_700_000_100).unwrap();
        // Older than what was witnessed: a rollback.
        assert!(witness.witness(&first, prove, 1_700_000_200).is_err());

        // A fork: another log under the same key and origin, same size, different entries.
        let forked = AuditLog::new(std::sync::Arc::new(MemoryAuditStore::new()))
            .with_signer(key.clone(), "example/audit");
        append(&forked, 7);
        let event = AuditEvent::from_parts("custom", serde_json::json!({"forged": true})).unwrap();
        forked
            .append(&AuditEntry {
                time: chrono::Utc::now(),
                actor: "w@example.com".parse().unwrap(),
                authn: None,
                request: None,
                event,
            })
            .unwrap();
        let fork = forked.checkpoint().unwrap();
        // The forked log proves its own consistency, not with what the witness saw.
        let err = witness
            .witness(&fork, |a, b| forked.consistency(a, Some(b)), 1_700_000_300)
            .unwrap_err();
        assert!(err.to_string().contains("does not prove"), "{err}");
        // A checkpoint the log's key did not sign.
        let other = SignerKey::from_seed("aigov-store", [8; 32]).unwrap();
        let unsigned = grown.checkpoint.sign(&other).unwrap();
        assert!(witness.witness(&unsigned, prove, 1_700_000_400).is_err());
        // The state survives: a new witness over the same directory still knows size 7.
        let again = Witness::new(
            Cosigner::new(SignerKey::from_seed("witness.example/w1", [42; 32]).unwrap()),
            key.verifier(),
            "example/audit",
            dir.path(),
        )
        .unwrap();
        assert_eq!(again.latest().unwrap().unwrap().checkpoint.size, 7);
        assert_eq!(CosignerKey::parse(&public.to_vkey()).unwrap(), public);
    }
}

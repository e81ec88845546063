//! Rotating the store's checkpoint key, and verifying the log across rotations.

use aigov_audit::{AuditEntry, AuditEvent, RetiredCheckpointKey, VerifyReport};
use aigov_core::{ActorId, SignerKey, VerifierKey};
use serde_json::{Map, Value, json};

use super::Governor;
use super::builder::STORE_KEY_NAME;
use crate::{Error, checkpoint_keys};

impl Governor {
    /// Replaces the key that signs checkpoints and certificates (an admin's act, audited).
    /// The old key first seals the log with a checkpoint of its current size; from then on it
    /// verifies only checkpoints up to that size, and the new key signs everything after.
    /// Other processes or replicas holding the old key must be restarted: a checkpoint they
    /// sign after the seal does not verify.
    pub fn rotate_checkpoint_key(&self, actor: &ActorId) -> Result<VerifierKey, Error> {
        self.authorize(actor, "manage-actors")?;
        let next = SignerKey::generate(STORE_KEY_NAME)?;
        // On disk the new key is staged before the old one is retired, and installed after,
        // so a crash anywhere leaves a store that opens with a key that never signs twice.
        if let Some(keys) = &self.keys_dir {
            checkpoint_keys::stage(keys, &next)?;
        }
        let retired = self.audit.rotate_signer(next.clone())?;
        if let Some(keys) = &self.keys_dir {
            checkpoint_keys::record_retired(keys, &retired, self.now())?;
            checkpoint_keys::install_staged(keys, STORE_KEY_NAME)?;
        }
        let new_key = next.verifier();
        match self.signer.write() {
            Ok(mut key) => *key = next,
            Err(poisoned) => *poisoned.into_inner() = next,
        }
        match self.retired.write() {
            Ok(mut list) => list.push(retired.clone()),
            Err(poisoned) => poisoned.into_inner().push(retired.clone()),
        }
        let Value::Object(fields) = json!({
            "type": "checkpoint-key-rotated",
            "retired_key": retired.key.to_string(),
            "sealed_size": retired.last_size,
            "new_key": new_key.to_string(),
        }) else {
            return Err(Error::invalid("key rotation", "record is not an object"));
        };
        let entry = AuditEntry {
            time: self.now(),
            actor: actor.clone(),
            event: AuditEvent::Custom(Map::from_iter(fields)),
        };
        self.record(|| "the checkpoint key rotated".to_string(), vec![entry])?;
        self.audit.checkpoint()?;
        Ok(new_key)
    }

    /// The checkpoint keys rotation retired, each with the log size it sealed.
    pub fn retired_checkpoint_keys(&self) -> Vec<RetiredCheckpointKey> {
        match self.retired.read() {
            Ok(list) => list.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Verifies the whole audit log: every entry and stored hash, and every checkpoint under
    /// the key in use or under a retired key up to the size it sealed.
    pub fn verify_audit(&self) -> Result<VerifyReport, Error> {
        let current = self.checkpoint_key();
        Ok(self
            .audit
            .verify_with_retired(&[&current], &self.retired_checkpoint_keys())?)
    }
}

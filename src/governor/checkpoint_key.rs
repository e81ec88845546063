//! Rotating the store's checkpoint key, and verifying the log across rotations.

use aigov_audit::{AuditEntry, AuditEvent, RetiredCheckpointKey, VerifyReport};
use aigov_core::{Action, SignerKey, VerifierKey};
use serde_json::{Map, Value, json};

use super::Governor;
use super::builder::STORE_KEY_NAME;
use crate::{Error, Principal, checkpoint_keys};

impl Governor {
    /// Replaces the key that signs checkpoints and certificates (an admin's act, audited).
    /// The old key first seals the log with a checkpoint of its current size; from then on it
    /// verifies only checkpoints up to that size, and the new key signs everything after.
    /// Other processes or replicas holding the old key must be restarted: a checkpoint they
    /// sign after the seal does not verify. PostgreSQL replicas keep `keys/` (the key and the
    /// retired-key list) under their own home: give every replica the rotated `keys/` (a
    /// shared volume, or a copy) before restarting it.
    pub fn rotate_checkpoint_key(&self, principal: &Principal) -> Result<VerifierKey, Error> {
        self.authorize(principal, Action::ManageActors)?;
        let actor = principal.actor();
        // One rotation at a time, in this process and (through a lock file) across processes.
        let _rotating = self.rotation.lock().unwrap_or_else(|p| p.into_inner());
        let _keys_lock = match &self.keys_dir {
            Some(keys) => Some(checkpoint_keys::lock_keys(keys)?),
            None => None,
        };
        // An earlier rotation whose key files did not all move (its key already signs) is
        // finished first, so staging never replaces a key that has signed.
        if let Some(keys) = &self.keys_dir {
            let in_use = self.signing_key();
            let settled = checkpoint_keys::settle(keys, STORE_KEY_NAME, in_use.clone())?;
            if settled.verifier() != in_use.verifier() {
                return Err(Error::invalid(
                    "key rotation",
                    "the key files under keys/ are not the key this process signs with; \
                     restart it after the other process's rotation",
                ));
            }
        }
        let next = SignerKey::generate(STORE_KEY_NAME)?;
        // On disk: the new key is staged, the old one's retirement recorded, and only then
        // does the new key sign; so a crash anywhere leaves a store that opens with a key
        // that never signs past its seal, and a staged key that signed is never lost.
        if let Some(keys) = &self.keys_dir {
            checkpoint_keys::stage(keys, &next)?;
        }
        let at = self.now();
        let retired = self
            .audit
            .rotate_signer(next.clone(), |retired| match &self.keys_dir {
                Some(keys) => checkpoint_keys::record_retired(keys, retired, at),
                None => Ok(()),
            })?;
        let new_key = next.verifier();
        match self.signer.write() {
            Ok(mut key) => *key = next,
            Err(poisoned) => *poisoned.into_inner() = next,
        }
        match self.retired.write() {
            Ok(mut list) => list.push(retired.clone()),
            Err(poisoned) => poisoned.into_inner().push(retired.clone()),
        }
        // The new key is already the one signing; if moving its files fails, opening the
        // store finishes the move (the old key is on the retired list).
        let installed = match &self.keys_dir {
            Some(keys) => checkpoint_keys::install_staged(keys, STORE_KEY_NAME),
            None => Ok(()),
        };
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
            authn: Some(principal.authn()),
            request: principal.request(),
            event: AuditEvent::Custom(Map::from_iter(fields)),
        };
        self.record(|| "the checkpoint key rotated".to_string(), vec![entry])?;
        self.audit.checkpoint()?;
        installed?;
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

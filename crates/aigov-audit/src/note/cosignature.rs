//! Witness cosignatures (c2sp.org/tlog-cosignature, `cosignature/v1`, Ed25519): a witness
//! that checked a checkpoint is consistent with every earlier one it saw signs it, so a log
//! operator who shows different histories to different people is caught.

use aigov_core::{SignerKey, VerifierKey};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest as _, Sha256};

use super::{NoteSignature, SignedNote};
use crate::AuditError;

/// The key-ID algorithm byte of an Ed25519 cosignature.
pub const COSIGNATURE_V1_ALG: u8 = 0x04;

/// The key ID of an Ed25519 cosigner: `SHA-256(name || "\n" || 0x04 || key)[:4]`.
pub fn cosigner_key_id(name: &str, public_key: &[u8; 32]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', COSIGNATURE_V1_ALG]);
    h.update(public_key);
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

/// The message a cosignature signs: `cosignature/v1\ntime <t>\n` and the note body.
pub fn cosigned_message(body: &str, timestamp: u64) -> Vec<u8> {
    format!("cosignature/v1\ntime {timestamp}\n{body}").into_bytes()
}

/// A witness's public key as cosignatures name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CosignerKey {
    name: String,
    public: [u8; 32],
}

impl CosignerKey {
    /// The cosigner key of an Ed25519 key (the same key material as its note key, a
    /// different key ID).
    pub fn from_verifier(key: &VerifierKey) -> CosignerKey {
        CosignerKey {
            name: key.name().to_string(),
            public: key.public_key(),
        }
    }

    /// Parses a verifier key string: `name+keyid+base64(alg || key)` with alg 0x04 (a
    /// cosigner vkey) or 0x01 (an ordinary note key, reused as a cosigner key).
    pub fn parse(text: &str) -> Result<CosignerKey, AuditError> {
        let bad = |reason: String| AuditError::invalid("cosigner key", reason);
        let text = text.trim();
        let mut parts = text.splitn(3, '+');
        let (Some(name), Some(id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad(format!("{text:?} is not name+keyid+key")));
        };
        let raw = STANDARD
            .decode(b64)
            .map_err(|e| bad(format!("the key is not base64: {e}")))?;
        let (alg, key) = raw
            .split_first()
            .ok_or_else(|| bad("the key is empty".into()))?;
        let public: [u8; 32] = key
            .try_into()
            .map_err(|_| bad(format!("the key is {} bytes, not 32", key.len())))?;
        match *alg {
            COSIGNATURE_V1_ALG => {
                let parsed = CosignerKey {
                    name: name.to_string(),
                    public,
                };
                if format!("{:08x}", parsed.key_id()) != id {
                    return Err(bad(format!("key ID {id} does not match the key")));
                }
                Ok(parsed)
            }
            0x01 => Ok(CosignerKey::from_verifier(
                &VerifierKey::parse(text).map_err(|e| bad(e.to_string()))?,
            )),
            other => Err(bad(format!("algorithm byte {other:#04x} is not Ed25519"))),
        }
    }

    /// The cosigner's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key ID cosignatures carry.
    pub fn key_id(&self) -> u32 {
        cosigner_key_id(&self.name, &self.public)
    }

    /// The vkey string with algorithm byte 0x04.
    pub fn to_vkey(&self) -> String {
        let mut raw = vec![COSIGNATURE_V1_ALG];
        raw.extend_from_slice(&self.public);
        format!(
            "{}+{:08x}+{}",
            self.name,
            self.key_id(),
            STANDARD.encode(raw)
        )
    }

    /// Checks `signature` as this cosigner's cosignature of `body`; returns its timestamp.
    pub fn verify(&self, body: &str, signature: &NoteSignature) -> Result<u64, AuditError> {
        let reject = |reason: String| AuditError::ProofRejected {
            proof: "cosignature",
            reason,
        };
        if signature.name != self.name || signature.key_id != self.key_id() {
            return Err(reject(format!("not a cosignature by {}", self.name)));
        }
        let Some((time, sig)) = signature.signature.split_first_chunk::<8>() else {
            return Err(reject("shorter than a timestamp and a signature".into()));
        };
        let timestamp = u64::from_be_bytes(*time);
        if timestamp > i64::MAX as u64 {
            return Err(reject(format!("timestamp {timestamp} is past 2^63 - 1")));
        }
        let verifier =
            aigov_core::keys::ed25519_verify(&self.public, &cosigned_message(body, timestamp), sig);
        if !verifier {
            return Err(reject(format!(
                "the cosignature by {} does not verify",
                self.name
            )));
        }
        Ok(timestamp)
    }
}

/// A witness: signs cosignatures of checkpoints it checked.
#[derive(Clone, Debug)]
pub struct Cosigner {
    key: SignerKey,
}

impl Cosigner {
    /// A cosigner over an Ed25519 key; its name is the key's name.
    pub fn new(key: SignerKey) -> Cosigner {
        Cosigner { key }
    }

    /// The public key verifiers list.
    pub fn public(&self) -> CosignerKey {
        CosignerKey::from_verifier(&self.key.verifier())
    }

    /// The cosignature of `body` at `timestamp` (seconds since the epoch), as a note
    /// signature line.
    pub fn cosign(&self, body: &str, timestamp: u64) -> NoteSignature {
        let mut signature = timestamp.to_be_bytes().to_vec();
        signature.extend_from_slice(&self.key.sign(&cosigned_message(body, timestamp)));
        NoteSignature {
            name: self.key.name().to_string(),
            key_id: self.public().key_id(),
            signature,
        }
    }
}

impl SignedNote {
    /// The cosignatures on this note by `witnesses` that verify, as `(name, timestamp)`; a
    /// signature line of a listed witness that does not verify rejects the note.
    pub fn cosignatures(
        &self,
        witnesses: &[CosignerKey],
    ) -> Result<Vec<(String, u64)>, AuditError> {
        let mut found = Vec::new();
        for sig in &self.signatures {
            let Some(witness) = witnesses
                .iter()
                .find(|w| w.name == sig.name && w.key_id() == sig.key_id)
            else {
                continue;
            };
            let timestamp = witness.verify(&self.text, sig)?;
            if !found.iter().any(|(name, _)| *name == sig.name) {
                found.push((sig.name.clone(), timestamp));
            }
        }
        Ok(found)
    }
}

//! Checkpoints: the C2SP tlog-checkpoint body (origin, size, root) inside a signed note.

use aigov_core::{Digest, SignerKey, VerifierKey};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::SignedNote;
use crate::AuditError;

/// A log's state at one size: `origin\nsize\nbase64(root)\n`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's unique name.
    pub origin: String,
    /// Number of entries.
    pub size: u64,
    /// The Merkle root of those entries.
    pub root: Digest,
}

impl Checkpoint {
    /// The note text of this checkpoint.
    pub fn body(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            STANDARD.encode(self.root.as_bytes())
        )
    }

    /// Parses a checkpoint body; extension lines after the root are allowed and ignored.
    pub fn parse(text: &str) -> Result<Self, AuditError> {
        let bad = |reason: String| AuditError::invalid("checkpoint", reason);
        let mut lines = text.split('\n');
        let origin = lines.next().unwrap_or_default();
        if origin.is_empty() {
            return Err(bad("the origin line is empty".into()));
        }
        let size_text = lines.next().ok_or_else(|| bad("no size line".into()))?;
        if size_text.is_empty()
            || !size_text.bytes().all(|b| b.is_ascii_digit())
            || (size_text.len() > 1 && size_text.starts_with('0'))
        {
            return Err(bad(format!("size {size_text:?} is not a decimal number")));
        }
        let size: u64 = size_text
            .parse()
            .map_err(|_| bad(format!("size {size_text:?} is too large")))?;
        let root_text = lines.next().ok_or_else(|| bad("no root line".into()))?;
        let raw = STANDARD
            .decode(root_text)
            .map_err(|e| bad(format!("root is not base64: {e}")))?;
        let root: [u8; 32] = raw
            .try_into()
            .map_err(|_| bad("the root is not 32 bytes".into()))?;
        Ok(Checkpoint {
            origin: origin.to_string(),
            size,
            root: Digest::from_bytes(root),
        })
    }

    /// Signs the checkpoint as a note.
    pub fn sign(&self, key: &SignerKey) -> Result<SignedCheckpoint, AuditError> {
        Ok(SignedCheckpoint {
            checkpoint: self.clone(),
            note: SignedNote::sign(&self.body(), &[key])?,
        })
    }
}

/// A checkpoint with its signed note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedCheckpoint {
    /// The parsed body.
    pub checkpoint: Checkpoint,
    /// The note as signed.
    pub note: SignedNote,
}

impl SignedCheckpoint {
    /// Parses a signed checkpoint note.
    pub fn parse(text: &str) -> Result<Self, AuditError> {
        let note = SignedNote::parse(text)?;
        Ok(SignedCheckpoint {
            checkpoint: Checkpoint::parse(&note.text)?,
            note,
        })
    }

    /// Verifies the note's signatures against known keys and checks the expected origin.
    pub fn verify(&self, origin: &str, known: &[&VerifierKey]) -> Result<(), AuditError> {
        if self.checkpoint.origin != origin {
            return Err(AuditError::ProofRejected {
                proof: "checkpoint",
                reason: format!("origin {:?} is not {origin:?}", self.checkpoint.origin),
            });
        }
        self.note.verify(known).map(|_| ())
    }
}

impl std::fmt::Display for SignedCheckpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.note.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper() {
        let key = SignerKey::from_seed("aigov-store", [3; 32]).unwrap();
        let cp = Checkpoint {
            origin: "aigov.example/audit".into(),
            size: 42,
            root: Digest::of(b"root"),
        };
        let signed = cp.sign(&key).unwrap();
        let text = signed.to_string();
        let parsed = SignedCheckpoint::parse(&text).unwrap();
        assert_eq!(parsed.checkpoint, cp);
        parsed
            .verify("aigov.example/audit", &[&key.verifier()])
            .unwrap();
        assert!(parsed.verify("other", &[&key.verifier()]).is_err());
        let tampered = text.replace("\n42\n", "\n43\n");
        let t = SignedCheckpoint::parse(&tampered).unwrap();
        assert!(t.verify("aigov.example/audit", &[&key.verifier()]).is_err());
        for bad in [
            "o\n-1\nAAAA\n",
            "o\n01\nAAAA\n",
            "o\n1\n!!\n",
            "\n1\nAAAA\n",
            "o\n1\nAAAA\n",
        ] {
            assert!(Checkpoint::parse(bad).is_err(), "{bad:?}");
        }
    }
}

//! C2SP signed notes (the format of Go's `golang.org/x/mod/sumdb/note`) and checkpoints.

mod checkpoint;
mod cosignature;

pub use checkpoint::{Checkpoint, SignedCheckpoint};
pub use cosignature::{
    COSIGNATURE_V1_ALG, Cosigner, CosignerKey, cosigned_message, cosigner_key_id,
};

use std::fmt;

use aigov_core::{SignerKey, VerifierKey};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::AuditError;

/// The signature line prefix: an em dash (U+2014) and a space.
const SIG_PREFIX: &str = "\u{2014} ";

/// One signature line of a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteSignature {
    /// The signer's key name.
    pub name: String,
    /// The signer's key ID.
    pub key_id: u32,
    /// The signature bytes (without the key ID prefix).
    pub signature: Vec<u8>,
}

/// A note: text and the signatures over it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedNote {
    /// The signed text, ending in a newline.
    pub text: String,
    /// The signatures, in order.
    pub signatures: Vec<NoteSignature>,
}

fn malformed(reason: impl Into<String>) -> AuditError {
    AuditError::invalid("signed note", reason)
}

fn check_text(text: &str) -> Result<(), AuditError> {
    if !text.ends_with('\n') {
        return Err(malformed("the text must end with a newline"));
    }
    if text.contains("\n\n") {
        return Err(malformed("the text must not contain a blank line"));
    }
    if let Some(c) = text.chars().find(|c| c.is_control() && *c != '\n') {
        return Err(malformed(format!(
            "the text contains the control character {c:?}"
        )));
    }
    Ok(())
}

impl SignedNote {
    /// Signs `text` with each key.
    pub fn sign(text: &str, signers: &[&SignerKey]) -> Result<Self, AuditError> {
        check_text(text)?;
        let signatures = signers
            .iter()
            .map(|k| NoteSignature {
                name: k.name().to_string(),
                key_id: k.id(),
                signature: k.sign(text.as_bytes()).to_vec(),
            })
            .collect();
        Ok(SignedNote {
            text: text.to_string(),
            signatures,
        })
    }

    /// Parses a note: text, a blank line, then one or more signature lines.
    pub fn parse(note: &str) -> Result<Self, AuditError> {
        if note.len() > 1 << 20 {
            return Err(malformed("longer than 1 MiB"));
        }
        let split = note
            .rfind("\n\n")
            .ok_or_else(|| malformed("no blank line before the signatures"))?;
        let text = &note[..split + 1];
        check_text(text)?;
        let block = &note[split + 2..];
        if block.is_empty() || !block.ends_with('\n') {
            return Err(malformed("the signature block must end with a newline"));
        }
        let mut signatures = Vec::new();
        for line in block[..block.len() - 1].split('\n') {
            let rest = line.strip_prefix(SIG_PREFIX).ok_or_else(|| {
                malformed(format!(
                    "signature line {line:?} does not start with \"— \""
                ))
            })?;
            let (name, b64) = rest
                .split_once(' ')
                .ok_or_else(|| malformed(format!("signature line {line:?} has no signature")))?;
            if name.is_empty() || name.contains('+') || name.chars().any(char::is_whitespace) {
                return Err(malformed(format!("bad key name {name:?}")));
            }
            let raw = STANDARD
                .decode(b64)
                .map_err(|e| malformed(format!("signature of {name:?} is not base64: {e}")))?;
            if raw.len() < 5 {
                return Err(malformed(format!("signature of {name:?} is too short")));
            }
            signatures.push(NoteSignature {
                name: name.to_string(),
                key_id: u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]),
                signature: raw[4..].to_vec(),
            });
        }
        if signatures.len() > 100 {
            return Err(malformed("more than 100 signatures"));
        }
        Ok(SignedNote {
            text: text.to_string(),
            signatures,
        })
    }

    /// Verifies the note against known keys: signatures by unknown keys are ignored, at least
    /// one known key must have signed, and a failing signature by a known key rejects the note.
    /// Returns the names of the keys that verified.
    pub fn verify(&self, known: &[&VerifierKey]) -> Result<Vec<String>, AuditError> {
        check_text(&self.text)?;
        let mut verified = Vec::new();
        for sig in &self.signatures {
            let Some(key) = known
                .iter()
                .find(|k| k.name() == sig.name && k.id() == sig.key_id)
            else {
                continue;
            };
            if !key.verify(self.text.as_bytes(), &sig.signature) {
                return Err(AuditError::ProofRejected {
                    proof: "signed note",
                    reason: format!("the signature by {} does not verify", sig.name),
                });
            }
            verified.push(sig.name.clone());
        }
        if verified.is_empty() {
            return Err(AuditError::ProofRejected {
                proof: "signed note",
                reason: "no signature by a known key".into(),
            });
        }
        Ok(verified)
    }
}

impl fmt::Display for SignedNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)?;
        f.write_str("\n")?;
        for sig in &self.signatures {
            let mut raw = sig.key_id.to_be_bytes().to_vec();
            raw.extend_from_slice(&sig.signature);
            writeln!(f, "{SIG_PREFIX}{} {}", sig.name, STANDARD.encode(raw))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // golang/mod sumdb/note/note_test.go (../shared/vectors/merkle.md).
    const SIGNER: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const VERIFIER: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const TEXT: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    const SIG_LINE: &str = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    #[test]
    fn go_vector_signs_byte_for_byte_and_verifies() {
        let signer = SignerKey::parse(SIGNER).unwrap();
        let note = SignedNote::sign(TEXT, &[&signer]).unwrap();
        assert_eq!(note.to_string(), format!("{TEXT}\n{SIG_LINE}"));
        let parsed = SignedNote::parse(&note.to_string()).unwrap();
        assert_eq!(parsed, note);
        let verifier = VerifierKey::parse(VERIFIER).unwrap();
        assert_eq!(parsed.verify(&[&verifier]).unwrap(), ["PeterNeumann"]);
    }

    #[test]
    fn unknown_keys_are_ignored_known_failures_reject() {
        let signer = SignerKey::parse(SIGNER).unwrap();
        let other = SignerKey::from_seed("Other", [5; 32]).unwrap();
        let note = SignedNote::sign(TEXT, &[&other, &signer]).unwrap();
        let verifier = VerifierKey::parse(VERIFIER).unwrap();
        assert!(
            note.verify(&[&verifier]).is_ok(),
            "unknown Other is ignored"
        );
        assert!(note.verify(&[&other.verifier()]).is_ok());
        let stranger = SignerKey::from_seed("Stranger", [6; 32]).unwrap();
        assert!(
            note.verify(&[&stranger.verifier()]).is_err(),
            "no known signer"
        );

        let mut forged = note.clone();
        forged.signatures[1].signature[0] ^= 1;
        assert!(
            forged.verify(&[&verifier]).is_err(),
            "a known key that fails rejects"
        );
        let mut changed = note.clone();
        changed.text = TEXT.replace("problem", "answer");
        assert!(changed.verify(&[&verifier]).is_err());
    }

    #[test]
    fn malformed_notes_are_rejected() {
        for bad in [
            String::new(),
            TEXT.to_string(),
            format!("{TEXT}{SIG_LINE}"),
            format!("{TEXT}\n"),
            format!("{TEXT}\n{}", SIG_LINE.trim_end()),
            format!("{TEXT}\n- PeterNeumann x08go/ZJ=\n"),
            format!("{TEXT}\n\u{2014} PeterNeumann !!!\n"),
            format!("{TEXT}\n\u{2014} PeterNeumann AAAA\n"),
            format!("no newline at end\n\n{SIG_LINE}").replace("end\n\n", "end\u{7}\n\n"),
        ] {
            assert!(SignedNote::parse(&bad).is_err(), "{bad:?}");
        }
    }
}

//! Ed25519 keys in the C2SP signed-note key format, so one key signs approvals and checkpoints.
//!
//! Verifier key: `name+hexkeyid+base64(0x01 || public key)`.
//! Signer key: `PRIVATE+KEY+name+hexkeyid+base64(0x01 || seed)`.
//! Key ID: the first four bytes of `SHA-256(name || 0x0A || 0x01 || public key)`.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::Signer as _;
use sha2::{Digest as _, Sha256};

use crate::CoreError;
use crate::dsse::{EnvelopeSigner, SignatureVerifier};

/// The algorithm byte C2SP assigns to Ed25519.
const ALG_ED25519: u8 = 0x01;
const PRIVATE_PREFIX: &str = "PRIVATE+KEY+";

/// Checks a key name the way Go's `note` package does: non-empty, no `+`, no whitespace.
fn validate_key_name(name: &str) -> Result<(), CoreError> {
    if name.is_empty() {
        return Err(CoreError::invalid(
            "key name",
            "a key name must not be empty",
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| *c == '+' || c.is_whitespace() || c.is_control())
    {
        return Err(CoreError::invalid(
            "key name",
            format!("{name:?} contains {c:?}; '+' and whitespace are not allowed"),
        ));
    }
    Ok(())
}

/// Computes the C2SP key ID of an Ed25519 public key under `name`.
pub fn key_id(name: &str, public_key: &[u8; 32]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', ALG_ED25519]);
    h.update(public_key);
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

/// Parses `hexkeyid+base64(0x01||key)` after the name, checking the algorithm and the length.
fn parse_key_tail(what: &'static str, tail: &str) -> Result<(u32, [u8; 32]), CoreError> {
    let Some((id_hex, key_b64)) = tail.split_once('+') else {
        return Err(CoreError::invalid(what, "expected name+keyid+key"));
    };
    if id_hex.len() != 8 || !id_hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(CoreError::invalid(
            what,
            format!("key id {id_hex:?} is not 8 hex digits"),
        ));
    }
    let id = u32::from_str_radix(id_hex, 16)
        .map_err(|e| CoreError::invalid(what, format!("key id {id_hex:?}: {e}")))?;
    let raw = STANDARD
        .decode(key_b64)
        .map_err(|e| CoreError::invalid(what, format!("key is not base64: {e}")))?;
    match raw.split_first() {
        Some((&ALG_ED25519, key)) if key.len() == 32 => {
            let mut out = [0u8; 32];
            out.copy_from_slice(key);
            Ok((id, out))
        }
        Some((&ALG_ED25519, key)) => Err(CoreError::invalid(
            what,
            format!("an Ed25519 key has 32 bytes, this one {}", key.len()),
        )),
        Some((alg, _)) => Err(CoreError::invalid(
            what,
            format!("algorithm byte {alg:#04x} is not Ed25519 (0x01)"),
        )),
        None => Err(CoreError::invalid(what, "the key is empty")),
    }
}

fn read_key_file(path: &Path) -> Result<String, CoreError> {
    let text = fs::read_to_string(path).map_err(|e| CoreError::io(path, e))?;
    Ok(text.trim().to_string())
}

/// Checks a strict Ed25519 signature by the raw 32-byte public key `public` (for formats
/// that name keys their own way, such as witness cosignatures); false for a malformed key or
/// signature.
pub fn ed25519_verify(public: &[u8; 32], message: &[u8], signature: &[u8]) -> bool {
    let (Ok(key), Ok(sig)) = (
        ed25519_dalek::VerifyingKey::from_bytes(public),
        ed25519_dalek::Signature::from_slice(signature),
    ) else {
        return false;
    };
    key.verify_strict(message, &sig).is_ok()
}

/// A public Ed25519 key with its name and key ID: checks approvals and checkpoint signatures.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    id: u32,
    key: ed25519_dalek::VerifyingKey,
}

impl VerifierKey {
    /// Parses a C2SP verifier key string, checking that the key ID matches the key.
    pub fn parse(s: &str) -> Result<Self, CoreError> {
        const WHAT: &str = "verifier key";
        let Some((name, tail)) = s.split_once('+') else {
            return Err(CoreError::invalid(WHAT, "expected name+keyid+key"));
        };
        validate_key_name(name)?;
        let (id, bytes) = parse_key_tail(WHAT, tail)?;
        let key = ed25519_dalek::VerifyingKey::from_bytes(&bytes)
            .map_err(|e| CoreError::invalid(WHAT, format!("not a valid Ed25519 point: {e}")))?;
        if key_id(name, &bytes) != id {
            return Err(CoreError::invalid(
                WHAT,
                format!("key id {id:08x} does not match the key and name {name:?}"),
            ));
        }
        Ok(VerifierKey {
            name: name.to_string(),
            id,
            key,
        })
    }

    /// Reads a verifier key file (one key string, surrounding whitespace ignored).
    pub fn load(path: &Path) -> Result<Self, CoreError> {
        VerifierKey::parse(&read_key_file(path)?)
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key ID.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// The raw public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// Checks an Ed25519 signature over `message`; strict verification rejects malleable forms.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(sig) = ed25519_dalek::Signature::from_slice(signature) else {
            return false;
        };
        self.key.verify_strict(message, &sig).is_ok()
    }

    /// `name+keyid`, the hint placed in DSSE signatures.
    pub fn hint(&self) -> String {
        format!("{}+{:08x}", self.name, self.id)
    }
}

impl fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut raw = Vec::with_capacity(33);
        raw.push(ALG_ED25519);
        raw.extend_from_slice(self.key.as_bytes());
        write!(f, "{}+{:08x}+{}", self.name, self.id, STANDARD.encode(raw))
    }
}

impl fmt::Debug for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifierKey({self})")
    }
}

impl SignatureVerifier for VerifierKey {
    fn key_hint(&self) -> String {
        self.hint()
    }

    fn verify_signature(&self, message: &[u8], signature: &[u8]) -> bool {
        self.verify(message, signature)
    }
}

/// A private Ed25519 key with its name; signs approvals, checkpoints and certificates.
#[derive(Clone)]
pub struct SignerKey {
    name: String,
    key: ed25519_dalek::SigningKey,
}

impl SignerKey {
    /// Generates a new key from the operating system's random source.
    pub fn generate(name: &str) -> Result<Self, CoreError> {
        validate_key_name(name)?;
        let mut seed = [0u8; 32];
        getrandom::getrandom(&mut seed).map_err(|e| {
            CoreError::io(
                "<system random source>",
                std::io::Error::other(e.to_string()),
            )
        })?;
        Self::from_seed(name, seed)
    }

    /// Builds a key from a 32-byte seed (deterministic; for tests and key import).
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<Self, CoreError> {
        validate_key_name(name)?;
        Ok(SignerKey {
            name: name.to_string(),
            key: ed25519_dalek::SigningKey::from_bytes(&seed),
        })
    }

    /// Parses a C2SP signer key string (`PRIVATE+KEY+name+keyid+key`).
    pub fn parse(s: &str) -> Result<Self, CoreError> {
        const WHAT: &str = "signer key";
        let Some(rest) = s.strip_prefix(PRIVATE_PREFIX) else {
            return Err(CoreError::invalid(WHAT, "does not start with PRIVATE+KEY+"));
        };
        let Some((name, tail)) = rest.split_once('+') else {
            return Err(CoreError::invalid(
                WHAT,
                "expected PRIVATE+KEY+name+keyid+key",
            ));
        };
        let (id, seed) = parse_key_tail(WHAT, tail)?;
        let key = SignerKey::from_seed(name, seed)?;
        if key.id() != id {
            return Err(CoreError::invalid(
                WHAT,
                format!("key id {id:08x} does not match the key and name {name:?}"),
            ));
        }
        Ok(key)
    }

    /// Reads a signer key file.
    pub fn load(path: &Path) -> Result<Self, CoreError> {
        SignerKey::parse(&read_key_file(path)?)
    }

    /// Writes `<name>.key` (mode 0600) and `<name>.pub` into `dir`, refusing to overwrite either.
    pub fn save(&self, dir: &Path) -> Result<SavedKeyFiles, CoreError> {
        // The name becomes a file name: it must not climb out of `dir`.
        if self.name.contains(['/', '\\']) || self.name == "." || self.name == ".." {
            return Err(CoreError::invalid(
                "key name",
                format!("{:?} cannot be used as a file name", self.name),
            ));
        }
        fs::create_dir_all(dir).map_err(|e| CoreError::io(dir, e))?;
        let private = dir.join(format!("{}.key", self.name));
        let public = dir.join(format!("{}.pub", self.name));
        for path in [&private, &public] {
            if path.exists() {
                return Err(CoreError::AlreadyExists { path: path.clone() });
            }
        }
        write_new_file(&private, self.to_key_string().as_bytes(), 0o600)?;
        write_new_file(&public, format!("{}\n", self.verifier()).as_bytes(), 0o644)?;
        Ok(SavedKeyFiles { private, public })
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key ID.
    pub fn id(&self) -> u32 {
        key_id(&self.name, self.key.verifying_key().as_bytes())
    }

    /// The matching verifier key.
    pub fn verifier(&self) -> VerifierKey {
        VerifierKey {
            name: self.name.clone(),
            id: self.id(),
            key: self.key.verifying_key(),
        }
    }

    /// Signs `message` (Ed25519 is deterministic: the same message gives the same signature).
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message).to_bytes()
    }

    /// The C2SP signer key string. Treat it as a secret.
    pub fn to_key_string(&self) -> String {
        let mut raw = Vec::with_capacity(33);
        raw.push(ALG_ED25519);
        raw.extend_from_slice(self.key.as_bytes());
        format!(
            "{PRIVATE_PREFIX}{}+{:08x}+{}",
            self.name,
            self.id(),
            STANDARD.encode(raw)
        )
    }
}

impl fmt::Debug for SignerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the seed.
        write!(f, "SignerKey({}+{:08x})", self.name, self.id())
    }
}

impl EnvelopeSigner for SignerKey {
    fn key_hint(&self) -> String {
        self.verifier().hint()
    }

    fn sign_message(&self, message: &[u8]) -> Vec<u8> {
        self.sign(message).to_vec()
    }
}

/// Where [`SignerKey::save`] put the two key files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedKeyFiles {
    /// The private key file (mode 0600).
    pub private: PathBuf,
    /// The public key file.
    pub public: PathBuf,
}

fn write_new_file(path: &Path, contents: &[u8], mode: u32) -> Result<(), CoreError> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path).map_err(|e| CoreError::io(path, e))?;
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(|e| CoreError::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vectors from golang/mod sumdb/note/note_test.go (../shared/vectors/merkle.md).
    const VERIFIER: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const SIGNER: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const TEXT: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    const SIG_B64: &str = "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=";

    #[test]
    fn go_note_vectors() {
        let verifier = VerifierKey::parse(VERIFIER).unwrap();
        assert_eq!(verifier.id(), 0xc74f20a3);
        assert_eq!(verifier.to_string(), VERIFIER);
        let signer = SignerKey::parse(SIGNER).unwrap();
        assert_eq!(signer.to_key_string(), SIGNER);
        assert_eq!(signer.verifier(), verifier);

        let line = STANDARD.decode(SIG_B64).unwrap();
        assert_eq!(&line[..4], &0xc74f20a3u32.to_be_bytes());
        assert_eq!(signer.sign(TEXT.as_bytes()).as_slice(), &line[4..]);
        assert!(verifier.verify(TEXT.as_bytes(), &line[4..]));
        assert!(!verifier.verify(b"other text\n", &line[4..]));
    }

    #[test]
    fn rejects_malformed_key_strings() {
        let cases = [
            "",
            "PeterNeumann",
            "PeterNeumann+c74f20a3",
            "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
            "PeterNeumann+c74f20a3+AhpcQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            SIGNER,
        ];
        for bad in cases {
            assert!(VerifierKey::parse(bad).is_err(), "{bad:?}");
        }
        assert!(SignerKey::parse(VERIFIER).is_err());
        assert!(
            SignerKey::parse(
                "PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
            )
            .is_err()
        );
    }

    #[test]
    fn save_and_load_with_private_mode() {
        let dir = tempfile::tempdir().unwrap();
        let key = SignerKey::generate("audit.example").unwrap();
        let files = key.save(dir.path()).unwrap();
        let loaded = SignerKey::load(&files.private).unwrap();
        assert_eq!(loaded.to_key_string(), key.to_key_string());
        assert_eq!(VerifierKey::load(&files.public).unwrap(), key.verifier());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&files.private).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = key.save(dir.path()).unwrap_err();
        assert!(matches!(again, CoreError::AlreadyExists { .. }), "{again}");
        assert_eq!(SignerKey::load(&files.private).unwrap().id(), key.id());
    }

    #[test]
    fn key_names_cannot_escape_the_key_directory() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["../evil", "a/b", ".."] {
            let key = SignerKey::from_seed(name, [1; 32]).unwrap();
            let err = key.save(&dir.path().join("keys")).unwrap_err();
            assert!(err.to_string().contains("file name"), "{name}: {err}");
        }
        assert!(!dir.path().join("evil.key").exists());
    }

    #[test]
    fn debug_never_shows_the_seed() {
        let key = SignerKey::from_seed("k", [7u8; 32]).unwrap();
        let debug = format!("{key:?}");
        assert!(!debug.contains(&key.to_key_string()[12..]), "{debug}");
    }
}

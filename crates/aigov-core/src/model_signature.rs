//! Verification of OpenSSF model signatures: Sigstore bundles (v0.3) made by `model_signing`
//! with an elliptic-curve key, checked against the model on disk.

use std::path::Path;

use p256::ecdsa::signature::Verifier as _;
use p256::pkcs8::{DecodePublicKey as _, EncodePublicKey as _, LineEnding};
use serde::Deserialize;
use sha2::{Digest as _, Sha256};

use crate::manifest::{MODEL_SIGNING_PREDICATE_TYPE, ManifestDiff, ModelHasher, ModelManifest};
use crate::{
    CoreError, Digest, Envelope, IN_TOTO_PAYLOAD_TYPE, SignatureVerifier, Statement, root_of,
};

/// The media type of a Sigstore bundle v0.3, the only one `model_signing` 1.x accepts.
pub const BUNDLE_MEDIA_TYPE_V03: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";

/// An ECDSA P-256 public key, as `model_signing`'s elliptic-key signer uses (SHA-256, DER).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EcdsaP256PublicKey(p256::ecdsa::VerifyingKey);

impl EcdsaP256PublicKey {
    /// Parses a PEM `PUBLIC KEY` (SubjectPublicKeyInfo) holding a P-256 key.
    pub fn from_pem(pem: &str) -> Result<Self, CoreError> {
        p256::ecdsa::VerifyingKey::from_public_key_pem(pem.trim())
            .map(EcdsaP256PublicKey)
            .map_err(|e| {
                CoreError::invalid("public key", format!("not a PEM P-256 public key: {e}"))
            })
    }

    /// The key hint `model_signing` writes into bundles: SHA-256 hex of the key's PEM text.
    pub fn hint(&self) -> Result<String, CoreError> {
        let pem = self
            .0
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| CoreError::invalid("public key", format!("cannot encode as PEM: {e}")))?;
        Ok(hex::encode(Sha256::digest(pem.as_bytes())))
    }

    /// Reads a PEM public key file.
    pub fn load(path: &Path) -> Result<Self, CoreError> {
        let pem = std::fs::read_to_string(path).map_err(|e| CoreError::io(path, e))?;
        Self::from_pem(&pem).map_err(|e| match e {
            CoreError::InvalidInput { what, reason } => CoreError::InvalidInput {
                what,
                reason: format!("{}: {reason}", path.display()),
            },
            other => other,
        })
    }
}

impl SignatureVerifier for EcdsaP256PublicKey {
    fn key_hint(&self) -> String {
        // model_signing leaves the DSSE keyid empty and puts its hint in the bundle instead.
        String::new()
    }

    fn verify_signature(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(sig) = p256::ecdsa::Signature::from_der(signature) else {
            return false;
        };
        // (r, s) and (r, n - s) are equally valid ECDSA signatures; accept either form.
        let sig = sig.normalize_s().unwrap_or(sig);
        self.0.verify(message, &sig).is_ok()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BundleJson {
    media_type: String,
    #[serde(default)]
    dsse_envelope: Option<Envelope>,
    #[serde(default)]
    verification_material: Option<serde_json::Value>,
}

/// A parsed Sigstore bundle v0.3 carrying a DSSE envelope.
#[derive(Clone, Debug, PartialEq)]
pub struct SigstoreBundle {
    /// The bundle's media type.
    pub media_type: String,
    /// The signed envelope.
    pub envelope: Envelope,
    /// Key hints, certificates and log entries, kept as they were.
    pub verification_material: serde_json::Value,
}

impl SigstoreBundle {
    /// Parses bundle JSON, requiring v0.3 and a DSSE envelope.
    pub fn from_json(bytes: &[u8]) -> Result<Self, CoreError> {
        const WHAT: &str = "Sigstore bundle";
        let raw: BundleJson =
            serde_json::from_slice(bytes).map_err(|e| CoreError::invalid(WHAT, e.to_string()))?;
        if raw.media_type != BUNDLE_MEDIA_TYPE_V03 {
            return Err(CoreError::invalid(
                WHAT,
                format!("media type {:?} is not a v0.3 bundle", raw.media_type),
            ));
        }
        let envelope = raw
            .dsse_envelope
            .ok_or_else(|| CoreError::invalid(WHAT, "it has no dsseEnvelope"))?;
        Ok(SigstoreBundle {
            media_type: raw.media_type,
            envelope,
            verification_material: raw.verification_material.unwrap_or_default(),
        })
    }

    /// The `verificationMaterial.publicKey.hint`, when the bundle names its key that way.
    pub fn public_key_hint(&self) -> Option<&str> {
        self.verification_material
            .get("publicKey")?
            .get("hint")?
            .as_str()
    }

    /// Reads a bundle file.
    pub fn load(path: &Path) -> Result<Self, CoreError> {
        let bytes = std::fs::read(path).map_err(|e| CoreError::io(path, e))?;
        Self::from_json(&bytes).map_err(|e| match e {
            CoreError::InvalidInput { what, reason } => CoreError::InvalidInput {
                what,
                reason: format!("{}: {reason}", path.display()),
            },
            other => other,
        })
    }
}

/// What a successful model-signature verification established.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedModelSignature {
    /// The model name the signer recorded (informative).
    pub model_name: String,
    /// The signed root digest. It equals `manifest.root()` whenever the signer listed the
    /// resources in canonical order, as `model_signing` always does.
    pub root: Digest,
    /// The manifest computed from the model on disk; its root is the model's aigov identity.
    pub manifest: ModelManifest,
}

/// Verifies that the model at `model_path` is exactly what `bundle` signed with `key`.
///
/// Checks, in order: the DSSE signature over the in-toto statement; the predicate type; that
/// the subject digest is the root of the signed resources; that a fresh manifest of the model,
/// computed with the signed serialization parameters, holds the same resources and digests.
pub fn verify_model_signature(
    model_path: &Path,
    bundle: &SigstoreBundle,
    key: &EcdsaP256PublicKey,
) -> Result<VerifiedModelSignature, CoreError> {
    let material = &bundle.verification_material;
    if material.get("certificate").is_some() || material.get("x509CertificateChain").is_some() {
        return Err(CoreError::Unsupported(
            "keyless (certificate) Sigstore bundles; verify a bundle signed with a key".into(),
        ));
    }
    if let Some(hint) = bundle.public_key_hint() {
        let ours = key.hint()?;
        if hint != ours {
            return Err(CoreError::Signature(format!(
                "the bundle was signed by the key with hint {hint}, not by this key ({ours})"
            )));
        }
    }
    let verified = bundle.envelope.verify(&[key])?;
    if verified.payload_type != IN_TOTO_PAYLOAD_TYPE {
        return Err(CoreError::Integrity(format!(
            "payload type {:?} is not {IN_TOTO_PAYLOAD_TYPE:?}",
            verified.payload_type
        )));
    }
    // Past this point the content is signed: anything malformed in it is a failed verification.
    let signed_content = |e: CoreError| match e {
        CoreError::InvalidInput { what, reason } => {
            CoreError::Integrity(format!("the signed {what} is malformed: {reason}"))
        }
        other => other,
    };
    let statement = Statement::from_json(verified.payload).map_err(signed_content)?;
    if statement.predicate_type == "https://model_signing/Digests/v0.1" {
        return Err(CoreError::Unsupported(
            "the pre-1.0 model_signing predicate https://model_signing/Digests/v0.1".into(),
        ));
    }
    if statement.predicate_type != MODEL_SIGNING_PREDICATE_TYPE {
        return Err(CoreError::Integrity(format!(
            "predicate type {:?} is not {MODEL_SIGNING_PREDICATE_TYPE:?}",
            statement.predicate_type
        )));
    }
    let [subject] = statement.subject.as_slice() else {
        return Err(CoreError::Integrity(format!(
            "a model signature has exactly one subject, this one {}",
            statement.subject.len()
        )));
    };
    let signed_root = subject.sha256_digest().map_err(signed_content)?;
    let signed = ModelManifest::from_predicate(&subject.name, &statement.predicate)
        .map_err(signed_content)?;
    let resources_root = root_of(signed.resources.iter().map(|r| &r.digest));
    if resources_root != signed_root {
        return Err(CoreError::Integrity(format!(
            "the signed resources hash to {resources_root}, but the subject says {signed_root}"
        )));
    }

    let mut hasher = ModelHasher::new()
        .method(signed.serialization.method)
        .allow_symlinks(signed.serialization.allow_symlinks);
    for ignored in &signed.serialization.ignore_paths {
        hasher = hasher.ignore_path(ignored.clone());
    }
    // The signature checked out: whatever now stops the model from being hashed (a planted
    // symlink, a special file, an unreadable file, a hostile signed ignore path) means the
    // model does not match what was signed.
    let actual = hasher.hash(model_path).map_err(|e| match e {
        CoreError::Unsupported(_) => e,
        other => CoreError::Integrity(format!("the model cannot be hashed as signed: {other}")),
    })?;
    let diff = ManifestDiff::between(&signed, &actual);
    if !diff.is_empty() {
        return Err(CoreError::Integrity(format!(
            "the model does not match its signature: {diff}"
        )));
    }
    Ok(VerifiedModelSignature {
        model_name: subject.name.clone(),
        root: signed_root,
        manifest: actual,
    })
}

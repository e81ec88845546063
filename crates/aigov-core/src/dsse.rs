//! DSSE envelopes (Dead Simple Signing Envelope, v1): the wrapper of every signed statement.

use std::fmt::Debug;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::CoreError;

/// Produces signatures for envelopes; implemented by [`crate::SignerKey`].
pub trait EnvelopeSigner {
    /// The hint stored as the signature's `keyid`.
    fn key_hint(&self) -> String;
    /// Signs the pre-authentication encoding of an envelope.
    fn sign_message(&self, message: &[u8]) -> Vec<u8>;
}

/// Checks signatures for envelopes; implemented for Ed25519 and ECDSA P-256 keys.
pub trait SignatureVerifier: Send + Sync + Debug {
    /// The hint this key answers to in a signature's `keyid`; empty matches any signature.
    fn key_hint(&self) -> String;
    /// True when `signature` is a valid signature of `message` by this key.
    fn verify_signature(&self, message: &[u8], signature: &[u8]) -> bool;
}

/// The DSSE pre-authentication encoding: `DSSEv1 SP len(type) SP type SP len(body) SP body`.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload_type.len() + payload.len() + 32);
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(payload_type.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload);
    out
}

/// One signature inside an envelope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvelopeSignature {
    /// An unauthenticated hint naming the key; never trusted on its own.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub keyid: String,
    /// The signature bytes (base64 in JSON).
    #[serde(with = "base64_bytes")]
    pub sig: Vec<u8>,
}

/// A DSSE envelope as JSON carries it: payload, payload type and signatures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// The signed bytes (base64 in JSON).
    #[serde(with = "base64_bytes")]
    pub payload: Vec<u8>,
    /// What the payload is, e.g. `application/vnd.in-toto+json`; covered by the signature.
    #[serde(rename = "payloadType")]
    pub payload_type: String,
    /// The signatures over `pae(payload_type, payload)`.
    pub signatures: Vec<EnvelopeSignature>,
}

/// The payload of an envelope after at least one trusted signature checked out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedPayload<'a> {
    /// The payload type that was signed.
    pub payload_type: &'a str,
    /// The payload that was signed.
    pub payload: &'a [u8],
    /// Hints of the trusted keys whose signatures verified.
    pub verified_by: Vec<String>,
}

impl Envelope {
    /// Signs `payload` as `payload_type` with one key.
    pub fn sign(payload_type: &str, payload: Vec<u8>, signer: &dyn EnvelopeSigner) -> Self {
        let sig = signer.sign_message(&pae(payload_type, &payload));
        Envelope {
            payload,
            payload_type: payload_type.to_string(),
            signatures: vec![EnvelopeSignature {
                keyid: signer.key_hint(),
                sig,
            }],
        }
    }

    /// Adds another signature over the same payload.
    pub fn add_signature(&mut self, signer: &dyn EnvelopeSigner) {
        let sig = signer.sign_message(&pae(&self.payload_type, &self.payload));
        self.signatures.push(EnvelopeSignature {
            keyid: signer.key_hint(),
            sig,
        });
    }

    /// Checks the signatures against trusted keys; at least one must verify.
    ///
    /// The `keyid` hint only narrows which keys are tried: a signature is accepted solely
    /// because a trusted key verifies it over the pre-authentication encoding.
    pub fn verify(
        &self,
        trusted: &[&dyn SignatureVerifier],
    ) -> Result<VerifiedPayload<'_>, CoreError> {
        if self.signatures.is_empty() {
            return Err(CoreError::Signature(
                "the envelope has no signatures".into(),
            ));
        }
        if trusted.is_empty() {
            return Err(CoreError::Signature("no trusted keys were given".into()));
        }
        let message = pae(&self.payload_type, &self.payload);
        let mut verified_by = Vec::new();
        for signature in &self.signatures {
            for key in trusted {
                let hint = key.key_hint();
                let hint_matches =
                    signature.keyid.is_empty() || hint.is_empty() || signature.keyid == hint;
                if hint_matches && key.verify_signature(&message, &signature.sig) {
                    if !verified_by.contains(&hint) {
                        verified_by.push(hint);
                    }
                    break;
                }
            }
        }
        if verified_by.is_empty() {
            return Err(CoreError::Signature(format!(
                "none of the envelope's {} signature(s) verified with a trusted key",
                self.signatures.len()
            )));
        }
        Ok(VerifiedPayload {
            payload_type: &self.payload_type,
            payload: &self.payload,
            verified_by,
        })
    }
}

/// Decodes base64 the way DSSE asks: standard or URL-safe alphabet, padded or not.
pub(crate) fn decode_base64(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    STANDARD
        .decode(text)
        .or_else(|_| URL_SAFE.decode(text))
        .or_else(|_| URL_SAFE_NO_PAD.decode(text))
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(text))
}

mod base64_bytes {
    use super::*;

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        decode_base64(&text).map_err(|e| serde::de::Error::custom(format!("invalid base64: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SignerKey;
    use proptest::prelude::*;

    #[test]
    fn pae_matches_the_spec_vector() {
        assert_eq!(pae("link", b""), b"DSSEv1 4 link 0 ");
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
        );
    }

    fn key(seed: u8) -> SignerKey {
        SignerKey::from_seed(&format!("k{seed}"), [seed; 32]).unwrap()
    }

    #[test]
    fn rejects_wrong_key_changed_payload_type_and_no_signatures() {
        let signer = key(1);
        let verifier = signer.verifier();
        let env = Envelope::sign("application/vnd.in-toto+json", b"{}".to_vec(), &signer);
        assert!(env.verify(&[&verifier]).is_ok());

        let other = key(2).verifier();
        assert!(env.verify(&[&other]).is_err());
        assert!(env.verify(&[]).is_err());

        let mut changed_type = env.clone();
        changed_type.payload_type = "text/plain".into();
        assert!(changed_type.verify(&[&verifier]).is_err());

        let mut changed_payload = env.clone();
        changed_payload.payload = b"{ }".to_vec();
        assert!(changed_payload.verify(&[&verifier]).is_err());

        let mut unsigned = env.clone();
        unsigned.signatures.clear();
        let err = unsigned.verify(&[&verifier]).unwrap_err();
        assert!(err.to_string().contains("no signatures"), "{err}");

        // A forged hint naming the trusted key does not help a foreign signature.
        let mut forged = Envelope::sign("application/vnd.in-toto+json", b"{}".to_vec(), &key(3));
        forged.signatures[0].keyid = verifier.hint();
        assert!(forged.verify(&[&verifier]).is_err());
    }

    #[test]
    fn json_round_trip_and_url_safe_base64() {
        let signer = key(4);
        let env = Envelope::sign("t", vec![0xfb, 0xff, 0x00], &signer);
        let json = serde_json::to_string(&env).unwrap();
        let back: Envelope = serde_json::from_str(&json).unwrap();
        assert_eq!(back, env);
        let url_safe = serde_json::json!({
            "payload": URL_SAFE_NO_PAD.encode(&env.payload),
            "payloadType": "t",
            "signatures": [{"keyid": env.signatures[0].keyid, "sig": URL_SAFE.encode(&env.signatures[0].sig)}],
        });
        let back: Envelope = serde_json::from_value(url_safe).unwrap();
        assert_eq!(back, env);
        assert!(
            serde_json::from_str::<Envelope>(
                r#"{"payload":"@@","payloadType":"t","signatures":[]}"#
            )
            .is_err()
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn sign_verify_round_trip_and_any_single_byte_change_is_detected(
            payload in proptest::collection::vec(any::<u8>(), 1..256),
            payload_type in "[a-z/+.-]{1,40}",
            seed in any::<u8>(),
            pos in any::<prop::sample::Index>(),
            flip in 1u8..=255,
        ) {
            let signer = key(seed);
            let verifier = signer.verifier();
            let env = Envelope::sign(&payload_type, payload.clone(), &signer);
            let ok = env.verify(&[&verifier]).unwrap();
            prop_assert_eq!(ok.payload, &payload[..]);

            let mut bad_payload = env.clone();
            let i = pos.index(payload.len());
            bad_payload.payload[i] ^= flip;
            prop_assert!(bad_payload.verify(&[&verifier]).is_err());

            let mut bad_sig = env.clone();
            let j = pos.index(bad_sig.signatures[0].sig.len());
            bad_sig.signatures[0].sig[j] ^= flip;
            prop_assert!(bad_sig.verify(&[&verifier]).is_err());

            let mut bad_type = env.clone();
            let k = pos.index(payload_type.len());
            let mut bytes = bad_type.payload_type.into_bytes();
            bytes[k] = if bytes[k] == b'x' { b'y' } else { b'x' };
            bad_type.payload_type = String::from_utf8(bytes).unwrap();
            prop_assert!(bad_type.verify(&[&verifier]).is_err());
        }
    }
}

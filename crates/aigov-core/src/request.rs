//! Signed requests: how an actor proves that they, holding their enrolled Ed25519 key, asked
//! for one operation with these arguments at this time, once.
//!
//! A request is a DSSE envelope over a small JSON statement. The governor checks the
//! signature against the key the actor directory holds for the actor, the time against its
//! clock, and the nonce against the log's record of nonces already used; the envelope is kept
//! in the audit log, so the log proves who asked.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Action, ActorId, CoreError, Digest, Envelope, SignerKey, VerifierKey};

/// The DSSE payload type of a signed request.
pub const REQUEST_PAYLOAD_TYPE: &str = "application/vnd.aigov.request.v1+json";

/// Largest request statement accepted, in bytes (a request carries digests, not data); its
/// envelope's JSON text may be twice that.
pub const MAX_REQUEST_BYTES: usize = 16 * 1024;

/// Most signatures a request envelope may carry (each costs a verification).
pub const MAX_REQUEST_SIGNATURES: usize = 4;

/// How an actor was authenticated, as audit entries and registry events record it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Authn {
    /// A request signed with the actor's enrolled Ed25519 key; the entry's `request` names it.
    Signed,
    /// The application embedding aigov vouched for the actor (it authenticated them itself).
    Host,
}

impl Authn {
    /// `signed` or `host`.
    pub fn as_str(self) -> &'static str {
        match self {
            Authn::Signed => "signed",
            Authn::Host => "host",
        }
    }
}

/// What a signed request says: who asks for which operation on which arguments, when, once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestStatement {
    /// Who asks.
    pub actor: ActorId,
    /// Which governor the request is for: its audit log's origin. A request signed for one
    /// store is refused by every other, so a request seen in one log cannot be replayed
    /// against another that enrolled the same key.
    pub audience: String,
    /// The operation asked for.
    pub operation: Action,
    /// SHA-256 of the operation's arguments as the caller wrote them down (the command line
    /// hashes its arguments as typed). Recorded in the log with the request; the governor does
    /// not recompute it.
    pub arguments: Digest,
    /// When the request was signed.
    pub time: DateTime<Utc>,
    /// A random value used once, 32 to 128 lowercase hex digits: a second request of the same
    /// actor with the same nonce is a replay.
    pub nonce: String,
}

/// A request statement in a DSSE envelope signed by the actor's key. The signature is not
/// checked here: only a governor, which knows the actor's enrolled key, can check it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedRequest {
    envelope: Envelope,
    statement: RequestStatement,
}

impl SignedRequest {
    /// Signs a request of `actor` to the governor whose log origin is `audience`, for
    /// `operation` on `arguments`, dated `time`, with a fresh 128-bit nonce.
    pub fn sign(
        actor: ActorId,
        audience: &str,
        operation: Action,
        arguments: Digest,
        time: DateTime<Utc>,
        key: &SignerKey,
    ) -> Result<SignedRequest, CoreError> {
        let mut nonce = [0u8; 16];
        getrandom::getrandom(&mut nonce).map_err(|e| {
            CoreError::io(
                "<system random source>",
                std::io::Error::other(e.to_string()),
            )
        })?;
        let statement = RequestStatement {
            actor,
            audience: audience.to_string(),
            operation,
            arguments,
            time,
            nonce: hex::encode(nonce),
        };
        Ok(SignedRequest::sign_statement(statement, key))
    }

    /// Signs a statement as it is (tests use it to build stale or replayed requests).
    pub fn sign_statement(statement: RequestStatement, key: &SignerKey) -> SignedRequest {
        // A statement of plain fields always serialises.
        let payload = serde_json::to_vec(&statement).unwrap_or_default();
        SignedRequest {
            envelope: Envelope::sign(REQUEST_PAYLOAD_TYPE, payload, key),
            statement,
        }
    }

    /// Reads a request from its envelope, refusing another payload type, a statement that
    /// does not parse, and anything over [`MAX_REQUEST_BYTES`].
    pub fn from_envelope(envelope: Envelope) -> Result<SignedRequest, CoreError> {
        if envelope.payload_type != REQUEST_PAYLOAD_TYPE {
            return Err(CoreError::invalid(
                "signed request",
                format!(
                    "payload type {:?} is not {REQUEST_PAYLOAD_TYPE}",
                    envelope.payload_type
                ),
            ));
        }
        if envelope.payload.len() > MAX_REQUEST_BYTES {
            return Err(CoreError::invalid(
                "signed request",
                format!(
                    "{} bytes is more than {MAX_REQUEST_BYTES}",
                    envelope.payload.len()
                ),
            ));
        }
        if envelope.signatures.len() > MAX_REQUEST_SIGNATURES {
            return Err(CoreError::invalid(
                "signed request",
                format!(
                    "{} signatures; at most {MAX_REQUEST_SIGNATURES}",
                    envelope.signatures.len()
                ),
            ));
        }
        let statement: RequestStatement = serde_json::from_slice(&envelope.payload)
            .map_err(|e| CoreError::invalid("signed request", e.to_string()))?;
        let nonce = &statement.nonce;
        if !(32..=128).contains(&nonce.len())
            || !nonce
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(CoreError::invalid(
                "signed request",
                "the nonce must be 32 to 128 lowercase hex digits",
            ));
        }
        Ok(SignedRequest {
            envelope,
            statement,
        })
    }

    /// Parses a request from the envelope's JSON text.
    pub fn from_json(text: &str) -> Result<SignedRequest, CoreError> {
        if text.len() > MAX_REQUEST_BYTES * 2 {
            return Err(CoreError::invalid(
                "signed request",
                format!(
                    "{} bytes is more than {}",
                    text.len(),
                    MAX_REQUEST_BYTES * 2
                ),
            ));
        }
        let envelope: Envelope = serde_json::from_str(text)
            .map_err(|e| CoreError::invalid("signed request", e.to_string()))?;
        SignedRequest::from_envelope(envelope)
    }

    /// What the request says (not yet verified).
    pub fn statement(&self) -> &RequestStatement {
        &self.statement
    }

    /// The envelope as signed.
    pub fn envelope(&self) -> &Envelope {
        &self.envelope
    }

    /// The envelope's JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.envelope).unwrap_or_default()
    }

    /// SHA-256 of the envelope's JSON text: how audit entries name the request they served.
    pub fn digest(&self) -> Digest {
        Digest::of(self.to_json().as_bytes())
    }

    /// Checks that `key` signed the request.
    pub fn verify(&self, key: &VerifierKey) -> Result<(), CoreError> {
        self.envelope.verify(&[key]).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(key: &SignerKey) -> SignedRequest {
        SignedRequest::sign(
            ActorId::new("alice@example.com").unwrap(),
            "aigov-store+01020304/audit",
            Action::Promote,
            Digest::of(b"[\"promote\",\"m@1\"]"),
            "2026-12-07T10:00:00Z".parse().unwrap(),
            key,
        )
        .unwrap()
    }

    #[test]
    fn a_request_verifies_with_its_key_only_and_round_trips() {
        let key = SignerKey::generate("alice").unwrap();
        let other = SignerKey::generate("alice").unwrap();
        let signed = request(&key);
        signed.verify(&key.verifier()).unwrap();
        assert!(signed.verify(&other.verifier()).is_err());
        let back = SignedRequest::from_json(&signed.to_json()).unwrap();
        assert_eq!(back, signed);
        assert_eq!(back.digest(), signed.digest());
        assert_eq!(back.statement().nonce.len(), 32);
        assert_ne!(request(&key).statement().nonce, signed.statement().nonce);
    }

    #[test]
    fn a_changed_statement_no_longer_verifies() {
        let key = SignerKey::generate("alice").unwrap();
        let signed = request(&key);
        let mut envelope = signed.envelope().clone();
        let forged = String::from_utf8(envelope.payload.clone())
            .unwrap()
            .replace("promote", "deploy");
        envelope.payload = forged.into_bytes();
        let forged = SignedRequest::from_envelope(envelope).unwrap();
        assert_eq!(forged.statement().operation, Action::Deploy);
        assert!(forged.verify(&key.verifier()).is_err());
    }

    #[test]
    fn other_payloads_and_oversized_requests_are_refused() {
        let key = SignerKey::generate("alice").unwrap();
        let other = Envelope::sign("application/vnd.in-toto+json", b"{}".to_vec(), &key);
        assert!(SignedRequest::from_envelope(other).is_err());
        let huge = Envelope::sign(
            REQUEST_PAYLOAD_TYPE,
            vec![b' '; MAX_REQUEST_BYTES + 1],
            &key,
        );
        assert!(SignedRequest::from_envelope(huge).is_err());
        assert!(SignedRequest::from_json("{").is_err());
        assert!(SignedRequest::from_json(&"x".repeat(MAX_REQUEST_BYTES * 3)).is_err());
        let mut crowded = request(&key).envelope().clone();
        for _ in 0..MAX_REQUEST_SIGNATURES {
            crowded.add_signature(&key);
        }
        assert!(SignedRequest::from_envelope(crowded).is_err());
        for nonce in [
            "",
            "ABCDEF0123456789ABCDEF0123456789",
            "g0000000000000000000000000000000",
            "0123",
        ] {
            let mut statement = request(&key).statement().clone();
            statement.nonce = nonce.to_string();
            let signed = SignedRequest::sign_statement(statement, &key);
            assert!(
                SignedRequest::from_envelope(signed.envelope().clone()).is_err(),
                "{nonce:?}"
            );
        }
    }
}

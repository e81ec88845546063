//! The shared vocabulary of aigov: content digests, model names and references, actors and
//! roles, clocks, Ed25519 keys in the C2SP note format, DSSE envelopes, in-toto statements,
//! model manifests compatible with OpenSSF model signing, and verification of those signatures.
//!
//! ```
//! use aigov_core::{Digest, ModelRef};
//!
//! let d = Digest::of(b"model bytes");
//! assert!(d.to_string().starts_with("sha256:"));
//! let r: ModelRef = "login-risk@3".parse().unwrap();
//! assert_eq!(r.to_string(), "login-risk@3");
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod action;
mod actor;
mod clock;
mod digest;
pub mod dsse;
mod error;
pub mod in_toto;
pub mod keys;
pub mod manifest;
mod model;
mod model_name;
mod model_ref;
pub mod model_signature;
pub mod request;
mod version_id;
pub mod yaml;

pub use action::Action;
pub use actor::{ActorId, Role};
pub use clock::{Clock, ManualClock, SystemClock};
pub use digest::{Digest, DigestWriter};
pub use dsse::{Envelope, EnvelopeSignature, EnvelopeSigner, SignatureVerifier, pae};
pub use error::CoreError;
pub use in_toto::{IN_TOTO_PAYLOAD_TYPE, ResourceDescriptor, STATEMENT_TYPE_V1, Statement};
pub use keys::{SignerKey, VerifierKey};
pub use manifest::{HashMethod, ModelHasher, ModelManifest, root_of};
pub use model::{Model, ModelError, check_feature_names, check_rows, predict_checked};
pub use model_name::ModelName;
pub use model_ref::{Alias, ModelRef, VersionSelector};
pub use model_signature::{
    EcdsaP256PublicKey, SigstoreBundle, VerifiedModelSignature, verify_model_signature,
};
pub use request::{Authn, REQUEST_PAYLOAD_TYPE, RequestStatement, SignedRequest};
pub use version_id::VersionId;

//! Proof objects as the CLI and other verifiers exchange them (hex hashes).

use aigov_core::Digest;
use serde::{Deserialize, Serialize};

use crate::AuditError;
use crate::merkle::{verify_consistency, verify_inclusion};

mod hex_digest {
    use aigov_core::Digest;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Digest, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&d.to_hex())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Digest, D::Error> {
        let text = String::deserialize(d)?;
        Digest::from_hex(&text).map_err(serde::de::Error::custom)
    }
}

mod hex_digests {
    use aigov_core::Digest;
    use serde::ser::SerializeSeq;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(ds: &[Digest], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(ds.len()))?;
        for d in ds {
            seq.serialize_element(&d.to_hex())?;
        }
        seq.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Digest>, D::Error> {
        let texts = Vec::<String>::deserialize(d)?;
        texts
            .iter()
            .map(|t| Digest::from_hex(t).map_err(serde::de::Error::custom))
            .collect()
    }
}

/// Proof that an entry is in the log at a given size.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InclusionProof {
    /// The entry's index.
    pub index: u64,
    /// The tree size the proof is for.
    pub size: u64,
    /// The entry's leaf hash.
    #[serde(with = "hex_digest")]
    pub leaf_hash: Digest,
    /// The audit path, from the leaf's sibling up.
    #[serde(with = "hex_digests")]
    pub hashes: Vec<Digest>,
    /// The root of the tree of `size` entries.
    #[serde(with = "hex_digest")]
    pub root: Digest,
}

impl InclusionProof {
    /// Checks the proof offline.
    pub fn verify(&self) -> Result<(), AuditError> {
        verify_inclusion(
            &self.leaf_hash,
            self.index,
            self.size,
            &self.hashes,
            &self.root,
        )
    }
}

/// Proof that the log at `size1` is a prefix of the log at `size2`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsistencyProof {
    /// The earlier size.
    pub size1: u64,
    /// The later size.
    pub size2: u64,
    /// The proof hashes.
    #[serde(with = "hex_digests")]
    pub hashes: Vec<Digest>,
    /// The root at `size1`.
    #[serde(with = "hex_digest")]
    pub root1: Digest,
    /// The root at `size2`.
    #[serde(with = "hex_digest")]
    pub root2: Digest,
}

impl ConsistencyProof {
    /// Checks the proof offline.
    pub fn verify(&self) -> Result<(), AuditError> {
        verify_consistency(
            self.size1,
            self.size2,
            &self.root1,
            &self.root2,
            &self.hashes,
        )
    }
}

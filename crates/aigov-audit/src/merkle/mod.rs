//! RFC 6962 / RFC 9162 Merkle tree hashing, proof generation and proof verification.

mod proofs;
mod verify;

pub use proofs::{TreeReader, consistency_proof, inclusion_proof, root_at};
pub use verify::{verify_consistency, verify_inclusion};

use aigov_core::Digest;
use sha2::{Digest as _, Sha256};

/// The root of the empty tree: SHA-256 of nothing.
pub const EMPTY_ROOT: Digest = Digest::from_bytes([
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
]);

/// The hash of a leaf: `SHA-256(0x00 || entry)`.
pub fn leaf_hash(entry: &[u8]) -> Digest {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(entry);
    Digest::from_bytes(h.finalize().into())
}

/// The hash of an interior node: `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Digest, right: &Digest) -> Digest {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left.as_bytes());
    h.update(right.as_bytes());
    Digest::from_bytes(h.finalize().into())
}

/// The largest power of two strictly below `n` (n >= 2).
pub(crate) fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1u64 << (63 - (n - 1).leading_zeros())
}

/// The Merkle tree hash of a list of leaf hashes, computed from scratch (for verification).
pub fn root_of_leaves(leaves: &[Digest]) -> Digest {
    match leaves.len() {
        0 => EMPTY_ROOT,
        1 => leaves[0],
        n => {
            let k = split_point(n as u64) as usize;
            node_hash(&root_of_leaves(&leaves[..k]), &root_of_leaves(&leaves[k..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // transparency-dev/merkle rfc6962/rfc6962_test.go (../shared/vectors/merkle.md).
    #[test]
    fn hasher_vectors() {
        assert_eq!(EMPTY_ROOT, Digest::of(b""));
        assert_eq!(
            leaf_hash(b"").to_hex(),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
        assert_eq!(
            leaf_hash(b"L123456").to_hex(),
            "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
        );
        // node("N123", "N456") hashes raw bytes, not digests; check it through the same framing.
        let mut h = Sha256::new();
        h.update([1u8]);
        h.update(b"N123");
        h.update(b"N456");
        assert_eq!(
            hex::encode(h.finalize()),
            "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"
        );
        let a = Digest::of(b"a");
        let b = Digest::of(b"b");
        assert_ne!(node_hash(&a, &b), node_hash(&b, &a));
        let mut concat = a.as_bytes().to_vec();
        concat.extend_from_slice(b.as_bytes());
        assert_ne!(node_hash(&a, &b), leaf_hash(&concat));
    }

    #[test]
    fn split_points() {
        assert_eq!(split_point(2), 1);
        assert_eq!(split_point(3), 2);
        assert_eq!(split_point(4), 2);
        assert_eq!(split_point(5), 4);
        assert_eq!(split_point(8), 4);
        assert_eq!(split_point(9), 8);
    }
}

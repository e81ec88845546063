//! Proof verification as RFC 9162 sections 2.1.3.2 and 2.1.4.2 define it, written to reject
//! every malformed or hostile proof rather than to tolerate it.

use aigov_core::Digest;

use super::{EMPTY_ROOT, node_hash};
use crate::AuditError;

fn bad(what: &'static str, reason: impl Into<String>) -> AuditError {
    AuditError::ProofRejected {
        proof: what,
        reason: reason.into(),
    }
}

/// Checks that `leaf_hash` is leaf `index` of the tree of `size` leaves whose root is `root`.
pub fn verify_inclusion(
    leaf_hash: &Digest,
    index: u64,
    size: u64,
    proof: &[Digest],
    root: &Digest,
) -> Result<(), AuditError> {
    const WHAT: &str = "inclusion proof";
    if index >= size {
        return Err(bad(
            WHAT,
            format!("leaf {index} is outside a tree of size {size}"),
        ));
    }
    let (mut fn_, mut sn) = (index, size - 1);
    let mut r = *leaf_hash;
    for p in proof {
        if sn == 0 {
            return Err(bad(WHAT, "the proof is longer than the path to the root"));
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(bad(WHAT, "the proof is shorter than the path to the root"));
    }
    if &r != root {
        return Err(bad(WHAT, "the computed root does not match"));
    }
    Ok(())
}

/// Checks that the tree of `size1` leaves with root `root1` is a prefix of the tree of
/// `size2` leaves with root `root2`.
///
/// A proof from the empty tree (`size1 == 0`) must be empty and `root1` must be the empty
/// root: every tree extends the empty tree, so nothing needs proving, and anything offered
/// as proof is rejected as malformed.
pub fn verify_consistency(
    size1: u64,
    size2: u64,
    root1: &Digest,
    root2: &Digest,
    proof: &[Digest],
) -> Result<(), AuditError> {
    const WHAT: &str = "consistency proof";
    if size1 > size2 {
        return Err(bad(
            WHAT,
            format!("size {size1} is larger than size {size2}"),
        ));
    }
    if size1 == 0 {
        if !proof.is_empty() {
            return Err(bad(WHAT, "a proof from the empty tree must be empty"));
        }
        if root1 != &EMPTY_ROOT {
            return Err(bad(WHAT, "the root of the empty tree is wrong"));
        }
        return Ok(());
    }
    if size1 == size2 {
        if !proof.is_empty() {
            return Err(bad(WHAT, "a proof between equal sizes must be empty"));
        }
        if root1 != root2 {
            return Err(bad(WHAT, "equal sizes with different roots"));
        }
        return Ok(());
    }
    if proof.is_empty() {
        return Err(bad(WHAT, "the proof is empty"));
    }
    let mut path: Vec<Digest> = Vec::with_capacity(proof.len() + 1);
    if size1.is_power_of_two() {
        path.push(*root1);
    }
    path.extend_from_slice(proof);
    let (mut fn_, mut sn) = (size1 - 1, size2 - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let (mut fr, mut sr) = (path[0], path[0]);
    for c in &path[1..] {
        if sn == 0 {
            return Err(bad(WHAT, "the proof is longer than needed"));
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(bad(WHAT, "the proof is shorter than needed"));
    }
    if &fr != root1 {
        return Err(bad(WHAT, "the proof does not lead to the first root"));
    }
    if &sr != root2 {
        return Err(bad(WHAT, "the proof does not lead to the second root"));
    }
    Ok(())
}

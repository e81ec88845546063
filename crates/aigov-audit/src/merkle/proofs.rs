//! Proof generation from stored perfect-subtree hashes: O(log n) lookups, never a rebuild.

use aigov_core::Digest;

use super::{EMPTY_ROOT, node_hash, split_point};
use crate::AuditError;

/// Read access to the hashes of perfect subtrees: the subtree of `2^level` leaves starting at
/// leaf `index << level`. Level 0 is the leaf hashes.
pub trait TreeReader {
    /// The hash of a perfect subtree that lies wholly inside the log.
    fn perfect_hash(&self, level: u32, index: u64) -> Result<Digest, AuditError>;
}

/// MTH(D[start:end]) for any range the recursion produces (start aligned to the range's split).
fn subtree_hash(tree: &dyn TreeReader, start: u64, end: u64) -> Result<Digest, AuditError> {
    let size = end - start;
    if size.is_power_of_two() && start.is_multiple_of(size) {
        return tree.perfect_hash(size.trailing_zeros(), start >> size.trailing_zeros());
    }
    let k = split_point(size);
    Ok(node_hash(
        &subtree_hash(tree, start, start + k)?,
        &subtree_hash(tree, start + k, end)?,
    ))
}

/// The root of the tree of the first `size` leaves.
pub fn root_at(tree: &dyn TreeReader, size: u64) -> Result<Digest, AuditError> {
    if size == 0 {
        return Ok(EMPTY_ROOT);
    }
    subtree_hash(tree, 0, size)
}

/// The RFC 9162 inclusion proof (audit path) of leaf `index` in the tree of `size` leaves,
/// ordered from the leaf's sibling up to the root's child.
pub fn inclusion_proof(
    tree: &dyn TreeReader,
    index: u64,
    size: u64,
) -> Result<Vec<Digest>, AuditError> {
    if index >= size {
        return Err(AuditError::invalid(
            "inclusion proof",
            format!("leaf {index} is not in a tree of size {size}"),
        ));
    }
    let mut proof = Vec::new();
    let (mut start, mut end, mut m) = (0u64, size, index);
    // Walk down from the root, remembering siblings; they are emitted bottom-up.
    while end - start > 1 {
        let k = split_point(end - start);
        if m < k {
            proof.push(subtree_hash(tree, start + k, end)?);
            end = start + k;
        } else {
            proof.push(subtree_hash(tree, start, start + k)?);
            start += k;
            m -= k;
        }
    }
    proof.reverse();
    Ok(proof)
}

/// The RFC 9162 consistency proof between the trees of `size1` and `size2` leaves.
///
/// Sizes `0 < size1 <= size2` are required; a proof from the empty tree is empty by definition
/// (see [`super::verify_consistency`]).
pub fn consistency_proof(
    tree: &dyn TreeReader,
    size1: u64,
    size2: u64,
) -> Result<Vec<Digest>, AuditError> {
    if size1 > size2 {
        return Err(AuditError::invalid(
            "consistency proof",
            format!("size {size1} is larger than size {size2}"),
        ));
    }
    if size1 == 0 || size1 == size2 {
        return Ok(Vec::new());
    }
    let mut siblings = Vec::new();
    let mut base = None;
    let (mut start, mut end, mut m) = (0u64, size2, size1);
    let mut whole = true;
    // SUBPROOF(m, D[start:end], whole) unrolled: siblings are found outermost first but the
    // recursion emits the base case first, then the siblings innermost first.
    loop {
        let n = end - start;
        if m == n {
            if !whole {
                base = Some(subtree_hash(tree, start, end)?);
            }
            break;
        }
        let k = split_point(n);
        if m <= k {
            siblings.push(subtree_hash(tree, start + k, end)?);
            end = start + k;
        } else {
            siblings.push(subtree_hash(tree, start, start + k)?);
            start += k;
            m -= k;
            whole = false;
        }
    }
    Ok(base.into_iter().chain(siblings.into_iter().rev()).collect())
}

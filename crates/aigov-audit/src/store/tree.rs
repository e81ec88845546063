//! Tree bookkeeping shared by the backends: which perfect subtrees an append completes, and
//! how to fold stored hashes into a higher one.

use std::collections::HashMap;

use aigov_core::Digest;

use crate::AuditError;
use crate::merkle::node_hash;

/// Durable backends store interior nodes only at levels that are multiples of this; a node in
/// between is folded from at most `2^(NODE_STRIDE-1)` stored hashes one level band below.
pub(crate) const NODE_STRIDE: u32 = 4;

/// Folds `hashes` (a power of two of them, consecutive at one level) into their subtree hash.
pub(crate) fn fold_range(mut hashes: Vec<Digest>) -> Result<Digest, AuditError> {
    if hashes.is_empty() || !hashes.len().is_power_of_two() {
        return Err(AuditError::Integrity {
            index: 0,
            detail: format!(
                "expected a power of two of stored hashes, found {}",
                hashes.len()
            ),
        });
    }
    while hashes.len() > 1 {
        hashes = hashes
            .chunks_exact(2)
            .map(|pair| node_hash(&pair[0], &pair[1]))
            .collect();
    }
    Ok(hashes[0])
}

/// The interior nodes (level >= 1) completed by appending `leaves` at index `start`.
///
/// `existing(level, index)` reads perfect hashes that were complete before the append.
pub(crate) fn new_nodes(
    start: u64,
    leaves: &[Digest],
    existing: &mut dyn FnMut(u32, u64) -> Result<Digest, AuditError>,
) -> Result<Vec<(u32, u64, Digest)>, AuditError> {
    let end = start + leaves.len() as u64;
    let mut known: HashMap<(u32, u64), Digest> = leaves
        .iter()
        .enumerate()
        .map(|(i, h)| ((0, start + i as u64), *h))
        .collect();
    let mut out = Vec::new();
    let mut level = 1u32;
    while level < 64 && (1u64 << level) <= end {
        let width = 1u64 << level;
        // Nodes whose last leaf falls inside the new range.
        let first = start / width;
        let last = end / width;
        for j in first..last {
            if (j + 1) * width <= start {
                continue;
            }
            let mut child = |i: u64| -> Result<Digest, AuditError> {
                match known.get(&(level - 1, i)) {
                    Some(h) => Ok(*h),
                    None => existing(level - 1, i),
                }
            };
            let hash = node_hash(&child(2 * j)?, &child(2 * j + 1)?);
            known.insert((level, j), hash);
            out.push((level, j, hash));
        }
        level += 1;
    }
    Ok(out)
}

//! Full verification of a stored log: entries, stored hashes and signed checkpoints.

use aigov_core::{Digest, VerifierKey};
use serde::{Deserialize, Serialize};

use crate::AuditError;
use crate::merkle::{TreeReader, leaf_hash, node_hash, root_at};
use crate::note::SignedCheckpoint;
use crate::store::AuditStore;

/// Entries read per query while verifying.
const CHUNK: u64 = 10_000;

/// One thing that does not check out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyProblem {
    /// The first entry index the problem concerns, when it can be placed.
    pub index: Option<u64>,
    /// What is wrong.
    pub detail: String,
}

/// The outcome of [`crate::AuditLog::verify`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyReport {
    /// Entries in the log.
    pub size: u64,
    /// Entries whose payload was re-hashed.
    pub entries_checked: u64,
    /// Entries whose payload was erased (checked by leaf hash only).
    pub redacted: u64,
    /// Stored interior hashes compared with the recomputed tree.
    pub nodes_checked: u64,
    /// Signed checkpoints checked.
    pub checkpoints_checked: u64,
    /// Everything that failed, in index order where it has one.
    pub problems: Vec<VerifyProblem>,
}

impl VerifyReport {
    /// True when nothing failed.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// The lowest index any problem points at.
    pub fn first_bad_index(&self) -> Option<u64> {
        self.problems.iter().filter_map(|p| p.index).min()
    }
}

/// The recomputed tree, every level in memory.
struct Recomputed {
    levels: Vec<Vec<Digest>>,
}

impl Recomputed {
    fn build(leaves: Vec<Digest>) -> Self {
        let mut levels = vec![leaves];
        while levels.last().is_some_and(|l| l.len() > 1) {
            let below = levels.last().map(Vec::as_slice).unwrap_or_default();
            let next: Vec<Digest> = below
                .chunks_exact(2)
                .map(|p| node_hash(&p[0], &p[1]))
                .collect();
            levels.push(next);
        }
        Recomputed { levels }
    }
}

impl TreeReader for Recomputed {
    fn perfect_hash(&self, level: u32, index: u64) -> Result<Digest, AuditError> {
        self.levels
            .get(level as usize)
            .and_then(|l| l.get(index as usize))
            .copied()
            .ok_or_else(|| {
                AuditError::invalid("tree node", format!("level {level}, index {index}"))
            })
    }
}

/// A checkpoint key taken out of use by rotation: it still verifies the checkpoints it
/// signed, up to the log size it sealed, and nothing after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetiredCheckpointKey {
    /// The retired public key, in C2SP note form.
    pub key: VerifierKey,
    /// The largest log size a checkpoint signed with it may have.
    pub last_size: u64,
}

pub(crate) fn verify_store(
    store: &dyn AuditStore,
    origin: &str,
    keys: &[&VerifierKey],
    retired: &[RetiredCheckpointKey],
) -> Result<VerifyReport, AuditError> {
    let size = store.size()?;
    let mut problems = Vec::new();
    let mut leaves = Vec::with_capacity(size as usize);
    let (mut checked, mut redacted) = (0u64, 0u64);
    let mut expected = 0u64;
    let mut from = 0u64;
    while from < size {
        let to = (from + CHUNK).min(size);
        for entry in store.entries(from, to)? {
            while expected < entry.index {
                problems.push(VerifyProblem {
                    index: Some(expected),
                    detail: format!("entry {expected} is missing"),
                });
                leaves.push(Digest::from_bytes([0; 32]));
                expected += 1;
            }
            match &entry.payload {
                Some(payload) => {
                    checked += 1;
                    if leaf_hash(payload) != entry.leaf_hash {
                        problems.push(VerifyProblem {
                            index: Some(entry.index),
                            detail: format!(
                                "entry {} does not hash to its stored leaf hash",
                                entry.index
                            ),
                        });
                    } else if hashed_time(payload).is_some_and(|t| t != entry.time) {
                        // The stored time decides when an entry may be erased: it must be
                        // the time the leaf hash covers.
                        problems.push(VerifyProblem {
                            index: Some(entry.index),
                            detail: format!(
                                "entry {} is stored with time {}, not the time its hashed payload gives",
                                entry.index,
                                entry.time.to_rfc3339()
                            ),
                        });
                    }
                }
                None if entry.redaction.is_some() => redacted += 1,
                None => problems.push(VerifyProblem {
                    index: Some(entry.index),
                    detail: format!(
                        "entry {} has no payload and no redaction record",
                        entry.index
                    ),
                }),
            }
            leaves.push(entry.leaf_hash);
            expected = entry.index + 1;
        }
        from = to;
    }
    while expected < size {
        problems.push(VerifyProblem {
            index: Some(expected),
            detail: format!("entry {expected} is missing"),
        });
        leaves.push(Digest::from_bytes([0; 32]));
        expected += 1;
    }

    let tree = Recomputed::build(leaves);
    let mut nodes_checked = 0;
    for (level, index, hash) in store.stored_nodes()? {
        nodes_checked += 1;
        let first_leaf = index << level;
        match tree.perfect_hash(level, index) {
            Ok(h) if h == hash => {}
            Ok(_) => problems.push(VerifyProblem {
                index: Some(first_leaf),
                detail: format!(
                    "the stored hash of entries {first_leaf}..{} disagrees with the entries",
                    first_leaf + (1u64 << level)
                ),
            }),
            Err(_) => problems.push(VerifyProblem {
                index: Some(first_leaf),
                detail: format!("a stored hash covers entries {first_leaf}.. beyond the log"),
            }),
        }
    }

    let mut checkpoints_checked = 0;
    let mut last_good = 0u64;
    // A checkpoint that fails points at the first entry the local checks already blamed in its
    // range, or else at the end of the last checkpoint that held.
    let located: Vec<u64> = problems.iter().filter_map(|p| p.index).collect();
    for (stored_size, note) in store.checkpoints()? {
        checkpoints_checked += 1;
        let first_blamed = located
            .iter()
            .copied()
            .filter(|i| *i >= last_good && *i < stored_size)
            .min()
            .unwrap_or(last_good.min(stored_size));
        let bad = |detail: String| VerifyProblem {
            index: Some(first_blamed),
            detail,
        };
        let signed = match SignedCheckpoint::parse(&note) {
            Ok(s) => s,
            Err(e) => {
                problems.push(bad(format!(
                    "checkpoint at size {stored_size} is malformed: {e}"
                )));
                continue;
            }
        };
        if let Err(e) = signed.verify(origin, keys) {
            // A retired key counts only for the sizes it sealed: a checkpoint it signed later
            // was signed after the rotation, by whoever still holds it.
            let by_retired = retired.iter().any(|r| {
                signed.checkpoint.size <= r.last_size && signed.verify(origin, &[&r.key]).is_ok()
            });
            if !by_retired {
                problems.push(bad(format!("checkpoint at size {stored_size}: {e}")));
                continue;
            }
        }
        if signed.checkpoint.size != stored_size || stored_size > size {
            problems.push(bad(format!(
                "checkpoint for size {} is stored at size {stored_size} of a log of {size}",
                signed.checkpoint.size
            )));
            continue;
        }
        let root = root_at(&tree, stored_size)?;
        if root != signed.checkpoint.root {
            problems.push(bad(format!(
                "the first {stored_size} entries no longer hash to the signed root"
            )));
            continue;
        }
        last_good = stored_size;
    }
    problems.sort_by_key(|p| p.index.unwrap_or(u64::MAX));
    Ok(VerifyReport {
        size,
        entries_checked: checked,
        redacted,
        nodes_checked,
        checkpoints_checked,
        problems,
    })
}

/// The `time` an entry's canonical bytes start with (`{"time":"...",`), without parsing the
/// rest: verification reads every entry.
pub(crate) fn hashed_time(payload: &[u8]) -> Option<chrono::DateTime<chrono::Utc>> {
    let rest = payload.strip_prefix(br#"{"time":""#)?;
    let end = rest.iter().position(|&b| b == b'"')?;
    let text = std::str::from_utf8(&rest[..end]).ok()?;
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc))
}

//! The audit log service: group-committed appends, checkpoints, proofs, erasure under
//! retention and legal holds, and full verification.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use aigov_core::{ActorId, Clock, Digest, SignerKey, SystemClock, VerifierKey};
use chrono::Duration;
use serde::{Deserialize, Serialize};

use crate::merkle::{consistency_proof, inclusion_proof, root_at};
use crate::note::{Checkpoint, SignedCheckpoint};
use crate::store::{AppendReceipt, AuditStore, LegalHold, NewEntry, Redaction, StoreTree};
use crate::verify::RetiredCheckpointKey;
use crate::{AuditEntry, AuditError, ConsistencyProof, InclusionProof, VerifyReport};

/// The shortest retention the EU AI Act allows for automatically generated logs (Art. 19:
/// at least six months).
pub const MIN_RETENTION_DAYS: u32 = 183;
/// Most entries written in one group commit.
const MAX_GROUP: usize = 4096;

/// Where one appended entry landed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryReceipt {
    /// Its index: the handle that later proves it exists.
    pub index: u64,
    /// Its leaf hash.
    pub leaf_hash: Digest,
}

#[derive(Default)]
struct GroupState {
    queue: Vec<(u64, NewEntry)>,
    next_ticket: u64,
    writing: bool,
    done: HashMap<u64, Result<u64, GroupFailure>>,
}

/// Why a grouped append failed for one caller.
#[derive(Clone, Debug)]
enum GroupFailure {
    /// That caller's entry is logged already.
    Duplicate { key: String, index: u64 },
    /// The whole group's transaction failed.
    Other(String),
}

impl From<AuditError> for GroupFailure {
    fn from(e: AuditError) -> Self {
        match e {
            AuditError::Duplicate { key, index } => GroupFailure::Duplicate { key, index },
            other => GroupFailure::Other(other.to_string()),
        }
    }
}

impl From<GroupFailure> for AuditError {
    fn from(f: GroupFailure) -> Self {
        match f {
            GroupFailure::Duplicate { key, index } => AuditError::Duplicate { key, index },
            GroupFailure::Other(message) => AuditError::Storage {
                backend: "group commit",
                message,
            },
        }
    }
}

/// The audit log over one store.
pub struct AuditLog {
    store: Arc<dyn AuditStore>,
    clock: Arc<dyn Clock>,
    signer: std::sync::RwLock<Option<SignerKey>>,
    origin: String,
    retention_days: u32,
    group: Mutex<GroupState>,
    written: Condvar,
}

impl std::fmt::Debug for AuditLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditLog")
            .field("store", &self.store)
            .field("origin", &self.origin)
            .field("retention_days", &self.retention_days)
            .finish_non_exhaustive()
    }
}

impl AuditLog {
    /// A log over `store` with the minimum retention and no checkpoint signer.
    pub fn new(store: Arc<dyn AuditStore>) -> Self {
        AuditLog {
            store,
            clock: Arc::new(SystemClock),
            signer: std::sync::RwLock::new(None),
            origin: "aigov/audit".into(),
            retention_days: MIN_RETENTION_DAYS,
            group: Mutex::new(GroupState::default()),
            written: Condvar::new(),
        }
    }

    /// Uses `clock` for entry times, retention and holds.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Signs checkpoints with `key` under the log's `origin`.
    pub fn with_signer(mut self, key: SignerKey, origin: impl Into<String>) -> Self {
        self.signer = std::sync::RwLock::new(Some(key));
        self.origin = origin.into();
        self
    }

    /// Names the log `origin` without a signer: a verifier's view of a log whose private key
    /// it does not hold.
    pub fn with_origin(mut self, origin: impl Into<String>) -> Self {
        self.origin = origin.into();
        self
    }

    /// Keeps payloads at least `days` (never fewer than [`MIN_RETENTION_DAYS`]).
    pub fn with_retention_days(mut self, days: u32) -> Result<Self, AuditError> {
        if days < MIN_RETENTION_DAYS {
            return Err(AuditError::invalid(
                "retention",
                format!(
                    "{days} days is below the {MIN_RETENTION_DAYS}-day minimum (EU AI Act Art. 19)"
                ),
            ));
        }
        self.retention_days = days;
        Ok(self)
    }

    /// The store.
    pub fn store(&self) -> &dyn AuditStore {
        self.store.as_ref()
    }

    /// The origin line of this log's checkpoints.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    fn lock_group(&self) -> MutexGuard<'_, GroupState> {
        self.group.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Appends one entry; returns once it is durable. Concurrent callers share one
    /// transaction (group commit): whoever finds no write in progress writes everyone's.
    pub fn append(&self, entry: &AuditEntry) -> Result<EntryReceipt, AuditError> {
        let payload = entry.canonical_bytes()?;
        let leaf_hash = crate::merkle::leaf_hash(&payload);
        let mut state = self.lock_group();
        let ticket = state.next_ticket;
        state.next_ticket += 1;
        state.queue.push((
            ticket,
            NewEntry {
                payload,
                time: entry.time,
                kind: entry.event.kind().to_string(),
                subjects: entry.subjects(),
                unique_key: entry.unique_key(),
            },
        ));
        loop {
            if let Some(result) = state.done.remove(&ticket) {
                return result
                    .map(|index| EntryReceipt { index, leaf_hash })
                    .map_err(AuditError::from);
            }
            if state.writing {
                state = self.written.wait(state).unwrap_or_else(|p| p.into_inner());
                continue;
            }
            state.writing = true;
            // A group never holds one key twice: a second caller with the same key waits
            // for the next round, where the log refuses it as a duplicate.
            let mut keys = std::collections::HashSet::new();
            let take = state
                .queue
                .iter()
                .take(MAX_GROUP)
                .take_while(|(_, e)| e.unique_key.as_ref().is_none_or(|k| keys.insert(k.clone())))
                .count();
            let batch: Vec<(u64, NewEntry)> = state.queue.drain(..take).collect();
            drop(state);
            let results = self.append_group(&batch);
            state = self.lock_group();
            for ((t, _), result) in batch.iter().zip(results) {
                state.done.insert(*t, result);
            }
            state.writing = false;
            self.written.notify_all();
        }
    }

    /// Appends one group's entries in one transaction. When the log refuses one of them as a
    /// duplicate, that caller alone is told so and the rest are appended without it.
    fn append_group(&self, batch: &[(u64, NewEntry)]) -> Vec<Result<u64, GroupFailure>> {
        let mut results: Vec<Option<Result<u64, GroupFailure>>> = vec![None; batch.len()];
        let mut remaining: Vec<usize> = (0..batch.len()).collect();
        while !remaining.is_empty() {
            let entries: Vec<NewEntry> = remaining.iter().map(|&i| batch[i].1.clone()).collect();
            match self.store.append(&entries) {
                Ok(receipt) => {
                    for (n, &i) in remaining.iter().enumerate() {
                        results[i] = Some(Ok(receipt.first_index + n as u64));
                    }
                    remaining.clear();
                }
                Err(AuditError::Duplicate { key, index }) => {
                    let Some(at) = remaining
                        .iter()
                        .position(|&i| batch[i].1.unique_key.as_deref() == Some(key.as_str()))
                    else {
                        let failure = GroupFailure::Duplicate { key, index };
                        for &i in &remaining {
                            results[i] = Some(Err(failure.clone()));
                        }
                        remaining.clear();
                        continue;
                    };
                    results[remaining.remove(at)] =
                        Some(Err(GroupFailure::Duplicate { key, index }));
                }
                Err(e) => {
                    let failure = GroupFailure::from(e);
                    for &i in &remaining {
                        results[i] = Some(Err(failure.clone()));
                    }
                    remaining.clear();
                }
            }
        }
        results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(GroupFailure::Other("not appended".into()))))
            .collect()
    }

    /// Appends entries in one transaction: all of them or, on any error, none.
    pub fn append_batch(&self, entries: &[AuditEntry]) -> Result<AppendReceipt, AuditError> {
        let new = entries
            .iter()
            .map(NewEntry::of)
            .collect::<Result<Vec<_>, AuditError>>()?;
        self.store.append(&new)
    }

    /// Number of entries.
    pub fn size(&self) -> Result<u64, AuditError> {
        self.store.size()
    }

    /// The root of the first `size` entries.
    pub fn root(&self, size: u64) -> Result<Digest, AuditError> {
        self.check_size(size)?;
        root_at(&StoreTree(self.store.as_ref()), size)
    }

    fn check_size(&self, size: u64) -> Result<u64, AuditError> {
        let current = self.store.size()?;
        if size > current {
            return Err(AuditError::invalid(
                "tree size",
                format!("{size} is larger than the log ({current} entries)"),
            ));
        }
        Ok(current)
    }

    /// Proves entry `index` is in the log at `size` (default: now).
    pub fn prove(&self, index: u64, size: Option<u64>) -> Result<InclusionProof, AuditError> {
        let size = match size {
            Some(s) => {
                self.check_size(s)?;
                s
            }
            None => self.store.size()?,
        };
        let tree = StoreTree(self.store.as_ref());
        let hashes = inclusion_proof(&tree, index, size)?;
        Ok(InclusionProof {
            index,
            size,
            leaf_hash: self.store.perfect_hash(0, index)?,
            hashes,
            root: root_at(&tree, size)?,
        })
    }

    /// Proves the log at `size1` is a prefix of the log at `size2` (default: now).
    pub fn consistency(
        &self,
        size1: u64,
        size2: Option<u64>,
    ) -> Result<ConsistencyProof, AuditError> {
        let size2 = match size2 {
            Some(s) => {
                self.check_size(s)?;
                s
            }
            None => self.store.size()?,
        };
        let tree = StoreTree(self.store.as_ref());
        Ok(ConsistencyProof {
            size1,
            size2,
            hashes: consistency_proof(&tree, size1, size2)?,
            root1: root_at(&tree, size1.min(size2))?,
            root2: root_at(&tree, size2)?,
        })
    }

    /// The signed checkpoint for the current size, signing a new one if the log grew.
    pub fn checkpoint(&self) -> Result<SignedCheckpoint, AuditError> {
        let size = self.store.size()?;
        if let Some((last, note)) = self.store.checkpoints()?.pop()
            && last == size
        {
            return SignedCheckpoint::parse(&note);
        }
        let signer = self.signer.read().unwrap_or_else(|p| p.into_inner());
        let key = signer
            .as_ref()
            .ok_or_else(|| AuditError::Denied("no checkpoint signing key is configured".into()))?;
        let signed = Checkpoint {
            origin: self.origin.clone(),
            size,
            root: root_at(&StoreTree(self.store.as_ref()), size)?,
        }
        .sign(key)?;
        self.store.put_checkpoint(size, &signed.to_string())?;
        Ok(signed)
    }

    /// Erases an entry's payload for data protection; its leaf hash and every proof stay valid.
    pub fn redact(&self, index: u64, reason: &str, actor: &ActorId) -> Result<(), AuditError> {
        if reason.trim().is_empty() {
            return Err(AuditError::invalid("redaction", "a reason is required"));
        }
        let now = self.clock.now();
        let retention = Duration::days(i64::from(self.retention_days));
        let cutoff = now - retention;
        // Retention runs from the time the leaf hash covers, not from the stored column
        // (which an insider could backdate to erase early).
        let stored = crate::AuditStoreExt::entry(self.store.as_ref(), index)?;
        if let Some(time) = stored
            .payload
            .as_deref()
            .and_then(crate::verify::hashed_time)
            && time > cutoff
        {
            return Err(AuditError::Denied(format!(
                "entry {index} from {} is inside the {}-day retention period: it may be erased from {}",
                time.to_rfc3339(),
                self.retention_days,
                (time + retention).to_rfc3339()
            )));
        }
        let redaction = Redaction {
            at: now,
            by: actor.clone(),
            reason: reason.to_string(),
        };
        self.store.redact(index, &redaction, cutoff)
    }

    /// Freezes entries `from..=to` against erasure until released.
    pub fn place_hold(
        &self,
        from: u64,
        to: u64,
        reason: &str,
        actor: &ActorId,
    ) -> Result<LegalHold, AuditError> {
        if from > to {
            return Err(AuditError::invalid(
                "legal hold",
                format!("from {from} is after to {to}"),
            ));
        }
        if reason.trim().is_empty() {
            return Err(AuditError::invalid("legal hold", "a reason is required"));
        }
        self.store.place_hold(&LegalHold {
            id: 0,
            from,
            to,
            reason: reason.to_string(),
            placed_by: actor.clone(),
            placed_at: self.clock.now(),
            released_at: None,
        })
    }

    /// Releases a legal hold.
    pub fn release_hold(&self, id: u64) -> Result<(), AuditError> {
        self.store.release_hold(id, self.clock.now())
    }

    /// Every index about `subject` (of `kind` when given), oldest first, read through the
    /// store's subject index a page at a time.
    pub fn indices_about(&self, subject: &str, kind: Option<&str>) -> Result<Vec<u64>, AuditError> {
        const PAGE: usize = 4096;
        let mut out = Vec::new();
        let mut from = 0;
        loop {
            let page = self.store.entries_about(subject, kind, from, PAGE)?;
            let Some(&last) = page.last() else {
                return Ok(out);
            };
            let full = page.len() == PAGE;
            out.extend(page);
            if !full {
                return Ok(out);
            }
            from = last + 1;
        }
    }

    /// Recomputes the whole tree from the stored entries and checks every stored hash and
    /// checkpoint against it.
    pub fn verify(&self, keys: &[&VerifierKey]) -> Result<VerifyReport, AuditError> {
        crate::verify::verify_store(self.store.as_ref(), &self.origin, keys, &[])
    }

    /// [`AuditLog::verify`], also accepting checkpoints signed by `retired` keys up to the
    /// size each one sealed.
    pub fn verify_with_retired(
        &self,
        keys: &[&VerifierKey],
        retired: &[RetiredCheckpointKey],
    ) -> Result<VerifyReport, AuditError> {
        crate::verify::verify_store(self.store.as_ref(), &self.origin, keys, retired)
    }

    /// Proves the log as stored now extends `earlier`, a checkpoint someone kept (RFC 9162
    /// consistency): `earlier` must verify with one of `keys` under this log's origin, the
    /// log must hold at least as many entries, and its first `earlier.size` entries must hash
    /// to `earlier`'s root. Returns the consistency proof from `earlier` to now, which
    /// anyone holding both checkpoints can check. A truncated or rewritten log is refused
    /// with the reason.
    pub fn verify_extends(
        &self,
        earlier: &crate::SignedCheckpoint,
        keys: &[&VerifierKey],
    ) -> Result<ConsistencyProof, AuditError> {
        let reject = |reason: String| AuditError::ProofRejected {
            proof: "consistency with an earlier checkpoint",
            reason,
        };
        earlier.verify(&self.origin, keys)?;
        let old = &earlier.checkpoint;
        let size = self.size()?;
        if size < old.size {
            return Err(reject(format!(
                "the log holds {size} entries, fewer than the {} of the earlier checkpoint: it was truncated",
                old.size
            )));
        }
        let proof = self.consistency(old.size, Some(size))?;
        if proof.root1 != old.root {
            return Err(reject(format!(
                "the log's first {} entries hash to {}, not to the earlier checkpoint's root {}: its history was rewritten",
                old.size, proof.root1, old.root
            )));
        }
        proof.verify()?;
        Ok(proof)
    }

    /// Rotates the checkpoint key: seals the log with a checkpoint signed by the current key,
    /// hands the retired key and the size it sealed to `persist` (which must make that record
    /// durable), and only then signs with `next`. If `persist` fails the current key stays.
    /// Returns the retired key.
    pub fn rotate_signer<E: From<AuditError>>(
        &self,
        next: SignerKey,
        persist: impl FnOnce(&RetiredCheckpointKey) -> Result<(), E>,
    ) -> Result<RetiredCheckpointKey, E> {
        // Held for writing throughout, so no checkpoint is signed between the seal and the swap.
        let mut signer = self.signer.write().unwrap_or_else(|p| p.into_inner());
        let current = signer
            .clone()
            .ok_or_else(|| AuditError::Denied("no checkpoint signing key is configured".into()))?;
        let size = self.store.size()?;
        let sealed = match self.store.checkpoints()?.pop() {
            Some((last, note)) if last == size => SignedCheckpoint::parse(&note)?,
            _ => {
                let signed = Checkpoint {
                    origin: self.origin.clone(),
                    size,
                    root: root_at(&StoreTree(self.store.as_ref()), size)?,
                }
                .sign(&current)?;
                self.store.put_checkpoint(size, &signed.to_string())?;
                signed
            }
        };
        let retired = RetiredCheckpointKey {
            key: current.verifier(),
            last_size: sealed.checkpoint.size,
        };
        persist(&retired)?;
        *signer = Some(next);
        Ok(retired)
    }
}

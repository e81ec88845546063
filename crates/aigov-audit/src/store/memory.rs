//! The audit log in memory: for tests and for the speed of the tree itself.

use std::collections::BTreeMap;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use aigov_core::Digest;
use chrono::{DateTime, Utc};

use super::{
    AppendReceipt, AuditStore, LegalHold, NewEntry, Redaction, StoredEntry, check_erasable,
    new_nodes,
};
use crate::AuditError;
use crate::merkle::leaf_hash;

#[derive(Debug, Default)]
struct Inner {
    entries: Vec<StoredEntry>,
    /// `levels[l][i]`: every perfect subtree hash at level `l >= 1`.
    levels: Vec<Vec<Digest>>,
    checkpoints: BTreeMap<u64, String>,
    holds: Vec<LegalHold>,
    cursors: BTreeMap<String, u64>,
    /// subject -> (index, kind), in index order.
    subjects: BTreeMap<String, Vec<(u64, String)>>,
    unique_keys: BTreeMap<String, u64>,
}

/// An [`AuditStore`] in memory; it keeps every interior node, so proofs are pure lookups.
#[derive(Debug, Default)]
pub struct MemoryAuditStore {
    inner: RwLock<Inner>,
}

impl MemoryAuditStore {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    fn read(&self) -> RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Overwrites a stored payload without touching its leaf hash: for tamper tests.
    pub fn tamper_payload(&self, index: u64, payload: Vec<u8>) {
        if let Some(e) = self.write().entries.get_mut(index as usize) {
            e.payload = Some(payload);
        }
    }
}

impl Inner {
    fn perfect(&self, level: u32, index: u64) -> Result<Digest, AuditError> {
        let found = if level == 0 {
            self.entries.get(index as usize).map(|e| e.leaf_hash)
        } else {
            self.levels
                .get(level as usize)
                .and_then(|l| l.get(index as usize))
                .copied()
        };
        found.ok_or_else(|| {
            AuditError::invalid(
                "tree node",
                format!("no complete subtree at level {level}, index {index}"),
            )
        })
    }
}

impl AuditStore for MemoryAuditStore {
    fn append(&self, entries: &[NewEntry]) -> Result<AppendReceipt, AuditError> {
        let mut inner = self.write();
        let start = inner.entries.len() as u64;
        if let Some(key) = super::repeated_key(entries) {
            return Err(AuditError::invalid(
                "audit batch",
                format!("two entries carry the key {key}"),
            ));
        }
        for key in entries.iter().filter_map(|e| e.unique_key.as_ref()) {
            if let Some(&index) = inner.unique_keys.get(key) {
                return Err(AuditError::Duplicate {
                    key: key.clone(),
                    index,
                });
            }
        }
        let leaves: Vec<Digest> = entries.iter().map(|e| leaf_hash(&e.payload)).collect();
        let nodes = {
            let snapshot = &*inner;
            new_nodes(start, &leaves, &mut |l, i| snapshot.perfect(l, i))?
        };
        for (i, entry) in entries.iter().enumerate() {
            if let Some(key) = &entry.unique_key {
                inner.unique_keys.insert(key.clone(), start + i as u64);
            }
            for subject in &entry.subjects {
                inner
                    .subjects
                    .entry(subject.clone())
                    .or_default()
                    .push((start + i as u64, entry.kind.clone()));
            }
        }
        for (i, (entry, leaf)) in entries.iter().zip(&leaves).enumerate() {
            inner.entries.push(StoredEntry {
                index: start + i as u64,
                leaf_hash: *leaf,
                payload: Some(entry.payload.clone()),
                time: entry.time,
                redaction: None,
            });
        }
        for (level, index, hash) in nodes {
            let level = level as usize;
            if inner.levels.len() <= level {
                inner.levels.resize_with(level + 1, Vec::new);
            }
            debug_assert_eq!(inner.levels[level].len() as u64, index);
            inner.levels[level].push(hash);
        }
        Ok(AppendReceipt {
            first_index: start,
            count: entries.len() as u64,
            size: inner.entries.len() as u64,
        })
    }

    fn size(&self) -> Result<u64, AuditError> {
        Ok(self.read().entries.len() as u64)
    }

    fn entries(&self, from: u64, to: u64) -> Result<Vec<StoredEntry>, AuditError> {
        let inner = self.read();
        let len = inner.entries.len();
        let from = (from as usize).min(len);
        let to = (to as usize).clamp(from, len);
        Ok(inner.entries[from..to].to_vec())
    }

    fn perfect_hash(&self, level: u32, index: u64) -> Result<Digest, AuditError> {
        self.read().perfect(level, index)
    }

    fn stored_nodes(&self) -> Result<Vec<(u32, u64, Digest)>, AuditError> {
        let inner = self.read();
        Ok(inner
            .levels
            .iter()
            .enumerate()
            .flat_map(|(l, hashes)| {
                hashes
                    .iter()
                    .enumerate()
                    .map(move |(i, h)| (l as u32, i as u64, *h))
            })
            .collect())
    }

    fn put_checkpoint(&self, size: u64, note: &str) -> Result<(), AuditError> {
        self.write()
            .checkpoints
            .entry(size)
            .or_insert_with(|| note.to_string());
        Ok(())
    }

    fn checkpoints(&self) -> Result<Vec<(u64, String)>, AuditError> {
        Ok(self
            .read()
            .checkpoints
            .iter()
            .map(|(s, n)| (*s, n.clone()))
            .collect())
    }

    fn redact(
        &self,
        index: u64,
        redaction: &Redaction,
        cutoff: DateTime<Utc>,
    ) -> Result<(), AuditError> {
        let mut inner = self.write();
        let holds = inner.holds.clone();
        let entry = inner
            .entries
            .get_mut(index as usize)
            .ok_or_else(|| AuditError::NotFound(format!("audit entry {index}")))?;
        check_erasable(index, entry.time, cutoff, &holds)?;
        entry.payload = None;
        entry.redaction = Some(redaction.clone());
        Ok(())
    }

    fn place_hold(&self, hold: &LegalHold) -> Result<LegalHold, AuditError> {
        let mut inner = self.write();
        let mut hold = hold.clone();
        hold.id = inner.holds.len() as u64 + 1;
        inner.holds.push(hold.clone());
        Ok(hold)
    }

    fn release_hold(&self, id: u64, at: DateTime<Utc>) -> Result<(), AuditError> {
        let mut inner = self.write();
        let hold = inner
            .holds
            .iter_mut()
            .find(|h| h.id == id)
            .ok_or_else(|| AuditError::NotFound(format!("legal hold {id}")))?;
        if hold.released_at.is_none() {
            hold.released_at = Some(at);
        }
        Ok(())
    }

    fn holds(&self) -> Result<Vec<LegalHold>, AuditError> {
        Ok(self.read().holds.clone())
    }

    fn cursor(&self, name: &str) -> Result<u64, AuditError> {
        Ok(self.read().cursors.get(name).copied().unwrap_or(0))
    }

    fn set_cursor(&self, name: &str, position: u64) -> Result<(), AuditError> {
        self.write().cursors.insert(name.to_string(), position);
        Ok(())
    }

    fn entries_about(
        &self,
        subject: &str,
        kind: Option<&str>,
        from: u64,
        limit: usize,
    ) -> Result<Vec<u64>, AuditError> {
        let inner = self.read();
        let Some(rows) = inner.subjects.get(subject) else {
            return Ok(Vec::new());
        };
        let start = rows.partition_point(|(i, _)| *i < from);
        Ok(rows[start..]
            .iter()
            .filter(|(_, k)| kind.is_none_or(|want| want == k))
            .map(|(i, _)| *i)
            .take(limit)
            .collect())
    }

    fn count_about(&self, subject: &str, kind: Option<&str>) -> Result<u64, AuditError> {
        let inner = self.read();
        Ok(inner.subjects.get(subject).map_or(0, |rows| {
            rows.iter()
                .filter(|(_, k)| kind.is_none_or(|want| want == k))
                .count() as u64
        }))
    }
}

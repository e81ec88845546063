//! Durable homes of the audit log: the [`AuditStore`] trait and its backends.

mod memory;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;
mod tree;

pub use memory::MemoryAuditStore;
#[cfg(feature = "postgres")]
pub use postgres::PostgresAuditStore;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteAuditStore;
pub(crate) use tree::{NODE_STRIDE, fold_range, new_nodes};

use std::fmt::Debug;

use aigov_core::{ActorId, Digest};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::AuditError;

/// An entry to append: its canonical bytes and its time (kept for retention).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEntry {
    /// The canonical bytes that are leaf-hashed.
    pub payload: Vec<u8>,
    /// When the event happened.
    pub time: DateTime<Utc>,
    /// The entry's kind (`decision`, `gate`, ...), kept in the subject index.
    pub kind: String,
    /// What it is about ([`crate::AuditEntry::subjects`]), indexed in the same transaction.
    pub subjects: Vec<String>,
    /// A key no other entry of the log may carry ([`crate::AuditEntry::unique_key`]): an
    /// append holding a key the log already holds is refused whole with
    /// [`AuditError::Duplicate`], so an event recorded twice is recorded once.
    pub unique_key: Option<String>,
}

impl NewEntry {
    /// The entry to append for `entry`: its canonical bytes, time, kind and subjects.
    pub fn of(entry: &crate::AuditEntry) -> Result<NewEntry, AuditError> {
        Ok(NewEntry {
            payload: entry.canonical_bytes()?,
            time: entry.time,
            kind: entry.event.kind().to_string(),
            subjects: entry.subjects(),
            unique_key: entry.unique_key(),
        })
    }
}

/// Where an appended batch landed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppendReceipt {
    /// Index of the batch's first entry.
    pub first_index: u64,
    /// Entries appended.
    pub count: u64,
    /// The log's size after the append.
    pub size: u64,
}

/// Why and by whom a payload was erased.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redaction {
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub by: ActorId,
    /// Why.
    pub reason: String,
}

/// An entry as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEntry {
    /// Its position.
    pub index: u64,
    /// `SHA-256(0x00 || payload)`, kept even when the payload is erased.
    pub leaf_hash: Digest,
    /// The canonical bytes, or `None` once redacted.
    pub payload: Option<Vec<u8>>,
    /// When the event happened.
    pub time: DateTime<Utc>,
    /// Set when the payload was erased.
    pub redaction: Option<Redaction>,
}

/// A legal hold: entries in `from..=to` may not be erased until it is released.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalHold {
    /// The hold's id.
    pub id: u64,
    /// First index held.
    pub from: u64,
    /// Last index held.
    pub to: u64,
    /// Why.
    pub reason: String,
    /// Who placed it.
    pub placed_by: ActorId,
    /// When.
    pub placed_at: DateTime<Utc>,
    /// When it was released, if it was.
    pub released_at: Option<DateTime<Utc>>,
}

impl LegalHold {
    /// True while the hold is in force over `index`.
    pub fn covers(&self, index: u64) -> bool {
        self.released_at.is_none() && self.from <= index && index <= self.to
    }
}

/// The first unique key of `entries` that repeats one before it in the same batch.
pub(crate) fn repeated_key(entries: &[NewEntry]) -> Option<&str> {
    let mut seen = std::collections::HashSet::new();
    entries
        .iter()
        .filter_map(|e| e.unique_key.as_deref())
        .find(|k| !seen.insert(*k))
}

/// Durable home of the audit log. Appends are atomic and durable when they return; indices
/// are dense and unique across threads and processes; leaf hashes never change, even when a
/// payload is erased.
pub trait AuditStore: Send + Sync + Debug {
    /// Appends entries in one transaction and returns where they landed.
    fn append(&self, entries: &[NewEntry]) -> Result<AppendReceipt, AuditError>;
    /// Number of entries.
    fn size(&self) -> Result<u64, AuditError>;
    /// Entries `from..to`, in order.
    fn entries(&self, from: u64, to: u64) -> Result<Vec<StoredEntry>, AuditError>;
    /// The hash of the perfect subtree of `2^level` leaves starting at leaf `index << level`.
    fn perfect_hash(&self, level: u32, index: u64) -> Result<Digest, AuditError>;
    /// Every stored interior node, as `(level, index, hash)`, for verification.
    fn stored_nodes(&self) -> Result<Vec<(u32, u64, Digest)>, AuditError>;
    /// Stores a signed checkpoint note for a size (idempotent per size).
    fn put_checkpoint(&self, size: u64, note: &str) -> Result<(), AuditError>;
    /// All stored checkpoints, `(size, note)`, by size.
    fn checkpoints(&self) -> Result<Vec<(u64, String)>, AuditError>;
    /// Erases a payload, keeping its leaf hash, unless the entry is newer than `cutoff` or a
    /// hold covers it (checked in the same transaction).
    fn redact(
        &self,
        index: u64,
        redaction: &Redaction,
        cutoff: DateTime<Utc>,
    ) -> Result<(), AuditError>;
    /// Places a legal hold and returns it with its id.
    fn place_hold(&self, hold: &LegalHold) -> Result<LegalHold, AuditError>;
    /// Releases a hold.
    fn release_hold(&self, id: u64, at: DateTime<Utc>) -> Result<(), AuditError>;
    /// All holds, released or not.
    fn holds(&self) -> Result<Vec<LegalHold>, AuditError>;
    /// How far a named exporter has got (0 if it never ran).
    fn cursor(&self, name: &str) -> Result<u64, AuditError>;
    /// Records how far a named exporter has got.
    fn set_cursor(&self, name: &str, position: u64) -> Result<(), AuditError>;
    /// Indices of entries about `subject` (of `kind` when given), ascending, from index
    /// `from`, at most `limit` of them: reports read the log through this, not by scanning.
    fn entries_about(
        &self,
        subject: &str,
        kind: Option<&str>,
        from: u64,
        limit: usize,
    ) -> Result<Vec<u64>, AuditError>;
    /// How many entries are about `subject` (of `kind` when given).
    fn count_about(&self, subject: &str, kind: Option<&str>) -> Result<u64, AuditError>;
}

/// Conveniences over any [`AuditStore`].
pub trait AuditStoreExt: AuditStore {
    /// One entry, or `NotFound`.
    fn entry(&self, index: u64) -> Result<StoredEntry, AuditError> {
        self.entries(index, index + 1)?
            .pop()
            .ok_or_else(|| AuditError::NotFound(format!("audit entry {index}")))
    }

    /// The latest checkpoint, if any.
    fn latest_checkpoint(&self) -> Result<Option<(u64, String)>, AuditError> {
        Ok(self.checkpoints()?.pop())
    }
}

impl<T: AuditStore + ?Sized> AuditStoreExt for T {}

/// Lets any store answer proofs.
pub(crate) struct StoreTree<'a>(pub &'a dyn AuditStore);

impl crate::merkle::TreeReader for StoreTree<'_> {
    fn perfect_hash(&self, level: u32, index: u64) -> Result<Digest, AuditError> {
        self.0.perfect_hash(level, index)
    }
}

/// Checks that an erasure is allowed: old enough and under no hold.
pub(crate) fn check_erasable(
    index: u64,
    time: DateTime<Utc>,
    cutoff: DateTime<Utc>,
    holds: &[LegalHold],
) -> Result<(), AuditError> {
    if let Some(hold) = holds.iter().find(|h| h.covers(index)) {
        return Err(AuditError::Denied(format!(
            "entry {index} is under legal hold {} ({})",
            hold.id, hold.reason
        )));
    }
    if time > cutoff {
        return Err(AuditError::Denied(format!(
            "entry {index} from {} is inside the retention period (erasable after {})",
            time.to_rfc3339(),
            cutoff.to_rfc3339()
        )));
    }
    Ok(())
}

/// Times are stored as RFC 3339 text with nanoseconds, which sorts and round-trips exactly.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn time_text(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
}

/// Reads a stored time back.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn parse_time(text: &str) -> Result<DateTime<Utc>, AuditError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| AuditError::storage("database", format!("stored time {text:?}: {e}")))
}

/// Reads a stored 32-byte hash back.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn digest_of(bytes: &[u8]) -> Result<Digest, AuditError> {
    let raw: [u8; 32] = bytes.try_into().map_err(|_| {
        AuditError::storage("database", format!("stored hash has {} bytes", bytes.len()))
    })?;
    Ok(Digest::from_bytes(raw))
}

//! The change journal: each registry mutation writes a note of its change in the same
//! transaction, so a change the audit log has not yet recorded can never be lost. The facade
//! records each note in the log and then settles it; whatever a crash or a refused append left
//! pending is recorded later, exactly once, under the note's id.

use aigov_core::VersionId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{RegistryChange, RegistryEvent};

/// What a mutation writes beside its change, in the same transaction, for the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeNote {
    /// The change, with its id in `change_id`.
    pub event: RegistryEvent,
    /// Further audit entries to record with the change, as the facade wrote them (opaque here).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub companions: Vec<serde_json::Value>,
}

impl ChangeNote {
    /// A note of `event`, giving it a fresh id when it has none.
    pub fn new(mut event: RegistryEvent, companions: Vec<serde_json::Value>) -> Self {
        if event.change_id.is_none() {
            event.change_id = Some(uuid::Uuid::new_v4().to_string());
        }
        ChangeNote { event, companions }
    }

    /// The note's key: the event's change id.
    pub fn id(&self) -> &str {
        self.event.change_id.as_deref().unwrap_or_default()
    }

    /// The id, refused when empty (a note built by hand without [`ChangeNote::new`]).
    pub(crate) fn checked_id(&self) -> Result<&str, crate::RegistryError> {
        match self.id() {
            "" => Err(crate::RegistryError::invalid(
                "change note",
                "it has no change id (make notes with ChangeNote::new)",
            )),
            id => Ok(id),
        }
    }

    /// The note with the version number the store allocated to a new version.
    pub(crate) fn with_allocated_version(&self, allocated: VersionId) -> ChangeNote {
        let mut note = self.clone();
        if let RegistryChange::VersionRegistered { version, .. } = &mut note.event.change {
            *version = allocated;
        }
        note
    }

    /// The note with where an alias pointed before the store moved it.
    pub(crate) fn with_alias_from(&self, previous: Option<VersionId>) -> ChangeNote {
        let mut note = self.clone();
        if let RegistryChange::AliasMoved { from, .. } = &mut note.event.change {
            *from = previous;
        }
        note
    }

    /// The note as stored: JSON.
    pub(crate) fn encode(&self) -> Result<String, crate::RegistryError> {
        serde_json::to_string(self)
            .map_err(|e| crate::RegistryError::invalid("change note", e.to_string()))
    }

    /// A stored note read back.
    pub(crate) fn decode(text: &str) -> Result<ChangeNote, crate::RegistryError> {
        serde_json::from_str(text)
            .map_err(|e| crate::RegistryError::Integrity(format!("stored change note: {e}")))
    }
}

/// A change whose note the audit log has not recorded yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingChange {
    /// Its place in the journal (allocated when the note was written; passes take notes in
    /// this order).
    pub seq: u64,
    /// The note.
    pub note: ChangeNote,
    /// Since when its recorder has held it (to the microsecond): the process that made the
    /// change first, then whoever took it over after the claim went stale.
    pub claimed_at: DateTime<Utc>,
}

/// A time as stored: microseconds since the epoch, compared in SQL.
pub(crate) fn to_micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

/// A stored time read back.
pub(crate) fn from_micros(micros: i64) -> Result<DateTime<Utc>, crate::RegistryError> {
    DateTime::from_timestamp_micros(micros).ok_or_else(|| {
        crate::RegistryError::Integrity(format!("stored claim time {micros} is out of range"))
    })
}

//! Durable home of incidents. Every backend keeps an incident as one JSON document with the
//! length of its timeline beside it: an update names the length it read, so two responders
//! cannot overwrite each other, and must extend the stored timeline, so history is never
//! rewritten.

use crate::{Incident, IncidentError, IncidentStatus};

pub mod memory;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "sqlite")]
pub mod sqlite;

/// Where incidents live. Implementations are linearizable per incident.
pub trait IncidentStore: Send + Sync + std::fmt::Debug {
    /// Stores a new incident; a second incident with the same id is a conflict.
    fn create(&self, incident: &Incident) -> Result<(), IncidentError>;
    /// Replaces an incident whose stored timeline has `read_entries` entries with one whose
    /// timeline extends it.
    fn update(&self, incident: &Incident, read_entries: usize) -> Result<(), IncidentError>;
    /// The incident with this id.
    fn get(&self, id: &str) -> Result<Option<Incident>, IncidentError>;
    /// Incidents, optionally of one status, oldest first.
    fn list(&self, status: Option<IncidentStatus>) -> Result<Vec<Incident>, IncidentError>;
}

/// The rules every backend applies to an update, given what it has stored.
pub(crate) fn check_update(
    stored: &Incident,
    new: &Incident,
    read_entries: usize,
) -> Result<(), IncidentError> {
    let conflict = |reason: String| IncidentError::Conflict {
        id: new.id.clone(),
        reason,
    };
    if stored.timeline.len() != read_entries {
        return Err(conflict(format!(
            "it changed since it was read ({} timeline entries, not {read_entries}); read it again",
            stored.timeline.len()
        )));
    }
    if new.timeline.len() < stored.timeline.len()
        || new.timeline[..stored.timeline.len()] != stored.timeline[..]
    {
        return Err(conflict(
            "the update rewrites recorded history; timelines are append-only".into(),
        ));
    }
    if new.opened_at != stored.opened_at
        || new.kind != stored.kind
        || new.id != stored.id
        || new.title != stored.title
        || new.severity != stored.severity
        || new.affected != stored.affected
        || new.source != stored.source
        || new.owner != stored.owner
    {
        return Err(conflict(
            "the update changes what the incident was opened as".into(),
        ));
    }
    // Status and the reporting clock follow from the timeline alone.
    if (new.status, new.serious.clone()) != new.derived_state() {
        return Err(conflict(
            "its status or serious-incident record disagrees with its timeline".into(),
        ));
    }
    Ok(())
}

pub(crate) fn to_json(incident: &Incident) -> Result<String, IncidentError> {
    serde_json::to_string(incident).map_err(|e| IncidentError::invalid("incident", e.to_string()))
}

pub(crate) fn from_json(backend: &'static str, text: &str) -> Result<Incident, IncidentError> {
    serde_json::from_str(text)
        .map_err(|e| IncidentError::storage(backend, format!("stored incident is unreadable: {e}")))
}

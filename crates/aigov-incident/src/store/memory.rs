//! Incidents in memory, for tests.

use std::collections::BTreeMap;
use std::sync::Mutex;

use super::{IncidentStore, check_update};
use crate::{Incident, IncidentError, IncidentStatus};

/// An [`IncidentStore`] in a map.
#[derive(Debug, Default)]
pub struct MemoryIncidentStore {
    incidents: Mutex<BTreeMap<String, Incident>>,
}

impl MemoryIncidentStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Incident>> {
        self.incidents.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl IncidentStore for MemoryIncidentStore {
    fn create(&self, incident: &Incident) -> Result<(), IncidentError> {
        let mut map = self.lock();
        if map.contains_key(&incident.id) {
            return Err(IncidentError::Conflict {
                id: incident.id.clone(),
                reason: "an incident with this id exists".into(),
            });
        }
        map.insert(incident.id.clone(), incident.clone());
        Ok(())
    }

    fn update(&self, incident: &Incident, read_entries: usize) -> Result<(), IncidentError> {
        let mut map = self.lock();
        let stored = map
            .get(&incident.id)
            .ok_or_else(|| IncidentError::NotFound(incident.id.clone()))?;
        check_update(stored, incident, read_entries)?;
        map.insert(incident.id.clone(), incident.clone());
        Ok(())
    }

    fn get(&self, id: &str) -> Result<Option<Incident>, IncidentError> {
        Ok(self.lock().get(id).cloned())
    }

    fn list(&self, status: Option<IncidentStatus>) -> Result<Vec<Incident>, IncidentError> {
        let mut all: Vec<Incident> = self
            .lock()
            .values()
            .filter(|i| status.is_none_or(|s| i.status == s))
            .cloned()
            .collect();
        all.sort_by(|a, b| a.opened_at.cmp(&b.opened_at).then(a.id.cmp(&b.id)));
        Ok(all)
    }
}

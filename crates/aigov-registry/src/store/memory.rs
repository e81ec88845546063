//! Registry records in memory, for tests and embedded experiments.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use aigov_core::{Alias, ModelName, VersionId};
use chrono::{DateTime, Utc};

use super::query::{model_cursor, version_cursor};
use super::{ModelQuery, Page, RegistryStore, VersionQuery};
use crate::{
    ChangeNote, DeploymentRecord, ModelVersion, PendingChange, RegisteredModel, RegistryError,
};

#[derive(Debug, Default)]
struct Inner {
    models: BTreeMap<ModelName, (RegisteredModel, u64)>,
    versions: BTreeMap<(ModelName, VersionId), ModelVersion>,
    aliases: BTreeMap<(ModelName, Alias), VersionId>,
    deployments: BTreeMap<(ModelName, String), Vec<DeploymentRecord>>,
    journal: BTreeMap<u64, PendingChange>,
    last_seq: u64,
}

/// A [`RegistryStore`] in memory, behind one lock.
#[derive(Debug, Default)]
pub struct MemoryRegistryStore {
    inner: Mutex<Inner>,
}

impl MemoryRegistryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn has_tags(tags: &BTreeMap<String, String>, wanted: &[(String, String)]) -> bool {
    wanted.iter().all(|(k, v)| tags.get(k) == Some(v))
}

/// A claim time as the SQL backends keep it: to the microsecond.
fn to_stored_time(at: DateTime<Utc>) -> Result<DateTime<Utc>, RegistryError> {
    crate::journal::from_micros(crate::journal::to_micros(at))
}

impl Inner {
    /// Journals a note; called under the same lock as the change it records.
    fn journal(&mut self, note: Option<&ChangeNote>) -> Result<(), RegistryError> {
        let Some(note) = note else {
            return Ok(());
        };
        note.checked_id()?;
        if self.journal.values().any(|p| p.note.id() == note.id()) {
            return Err(RegistryError::Conflict(format!(
                "change {} is already journaled",
                note.id()
            )));
        }
        self.last_seq += 1;
        self.journal.insert(
            self.last_seq,
            PendingChange {
                seq: self.last_seq,
                note: note.clone(),
                claimed_at: to_stored_time(note.event.at)?,
            },
        );
        Ok(())
    }

    fn with_aliases(&self, mut v: ModelVersion) -> ModelVersion {
        v.aliases = self
            .aliases
            .iter()
            .filter(|((name, _), version)| name == &v.name && **version == v.version)
            .map(|((_, alias), _)| alias.clone())
            .collect();
        v
    }
}

impl RegistryStore for MemoryRegistryStore {
    fn create_model(
        &self,
        model: &RegisteredModel,
        note: Option<&ChangeNote>,
    ) -> Result<(), RegistryError> {
        super::check_tags(&model.tags)?;
        let mut inner = self.lock();
        if inner.models.contains_key(&model.name) {
            return Err(RegistryError::Conflict(format!(
                "model {} already exists",
                model.name
            )));
        }
        inner.journal(note)?;
        inner.models.insert(model.name.clone(), (model.clone(), 0));
        Ok(())
    }

    fn update_model(
        &self,
        model: &RegisteredModel,
        note: Option<&ChangeNote>,
    ) -> Result<(), RegistryError> {
        super::check_tags(&model.tags)?;
        let mut inner = self.lock();
        if !inner.models.contains_key(&model.name) {
            return Err(RegistryError::NotFound(format!("model {}", model.name)));
        }
        inner.journal(note)?;
        if let Some((stored, _)) = inner.models.get_mut(&model.name) {
            *stored = model.clone();
        }
        Ok(())
    }

    fn model(&self, name: &ModelName) -> Result<Option<RegisteredModel>, RegistryError> {
        Ok(self.lock().models.get(name).map(|(m, _)| m.clone()))
    }

    fn list_models(&self, query: &ModelQuery) -> Result<Page<RegisteredModel>, RegistryError> {
        let limit = query.page.checked_limit()?;
        let after = query.page.after.as_deref().map(model_cursor).transpose()?;
        let inner = self.lock();
        let mut items: Vec<RegisteredModel> = inner
            .models
            .values()
            .map(|(m, _)| m)
            .filter(|m| after.as_ref().is_none_or(|a| &m.name > a))
            .filter(|m| {
                query
                    .name_prefix
                    .as_deref()
                    .is_none_or(|p| m.name.as_str().starts_with(p))
            })
            .filter(|m| has_tags(&m.tags, &query.tags))
            .take(limit + 1)
            .cloned()
            .collect();
        let next = (items.len() > limit).then(|| {
            items.truncate(limit);
            items[limit - 1].name.to_string()
        });
        Ok(Page { items, next })
    }

    fn create_version(
        &self,
        draft: &ModelVersion,
        note: Option<&ChangeNote>,
    ) -> Result<ModelVersion, RegistryError> {
        super::check_tags(&draft.tags)?;
        let mut inner = self.lock();
        let Some((_, last)) = inner.models.get(&draft.name) else {
            return Err(RegistryError::NotFound(format!("model {}", draft.name)));
        };
        let number = VersionId::new(*last + 1)?;
        inner.journal(note.map(|n| n.with_allocated_version(number)).as_ref())?;
        if let Some((_, last)) = inner.models.get_mut(&draft.name) {
            *last += 1;
        }
        let mut stored = draft.clone();
        stored.version = number;
        stored.revision = 1;
        stored.aliases.clear();
        inner
            .versions
            .insert((stored.name.clone(), stored.version), stored.clone());
        Ok(stored)
    }

    fn update_version(
        &self,
        version: &ModelVersion,
        note: Option<&ChangeNote>,
    ) -> Result<ModelVersion, RegistryError> {
        super::check_tags(&version.tags)?;
        let mut inner = self.lock();
        let key = (version.name.clone(), version.version);
        let Some(current) = inner.versions.get(&key) else {
            return Err(RegistryError::NotFound(format!(
                "model version {}",
                version.reference()
            )));
        };
        if current.revision != version.revision {
            return Err(RegistryError::Conflict(format!(
                "{} changed (revision {} is now {})",
                version.reference(),
                version.revision,
                current.revision
            )));
        }
        inner.journal(note)?;
        let mut stored = version.clone();
        stored.revision += 1;
        stored.aliases.clear();
        inner.versions.insert(key, stored.clone());
        Ok(inner.with_aliases(stored))
    }

    fn version(
        &self,
        name: &ModelName,
        version: VersionId,
    ) -> Result<Option<ModelVersion>, RegistryError> {
        let inner = self.lock();
        Ok(inner
            .versions
            .get(&(name.clone(), version))
            .cloned()
            .map(|v| inner.with_aliases(v)))
    }

    fn list_versions(&self, query: &VersionQuery) -> Result<Page<ModelVersion>, RegistryError> {
        let limit = query.page.checked_limit()?;
        let after = query
            .page
            .after
            .as_deref()
            .map(version_cursor)
            .transpose()?;
        let inner = self.lock();
        let mut items: Vec<ModelVersion> = inner
            .versions
            .iter()
            .filter(|(key, _)| after.as_ref().is_none_or(|a| *key > a))
            .map(|(_, v)| v)
            .filter(|v| query.name.as_ref().is_none_or(|n| &v.name == n))
            .filter(|v| {
                query
                    .name_prefix
                    .as_deref()
                    .is_none_or(|p| v.name.as_str().starts_with(p))
            })
            .filter(|v| query.stage.is_none_or(|s| v.stage == s))
            .filter(|v| has_tags(&v.tags, &query.tags))
            .take(limit + 1)
            .cloned()
            .map(|v| inner.with_aliases(v))
            .collect();
        let next = (items.len() > limit).then(|| {
            items.truncate(limit);
            items[limit - 1].reference()
        });
        Ok(Page { items, next })
    }

    fn set_alias(
        &self,
        name: &ModelName,
        alias: &Alias,
        version: Option<VersionId>,
        note: Option<&ChangeNote>,
    ) -> Result<Option<VersionId>, RegistryError> {
        let mut inner = self.lock();
        let key = (name.clone(), alias.clone());
        if let Some(v) = version
            && !inner.versions.contains_key(&(name.clone(), v))
        {
            return Err(RegistryError::NotFound(format!("model version {name}@{v}")));
        }
        let previous = inner.aliases.get(&key).copied();
        inner.journal(note.map(|n| n.with_alias_from(previous)).as_ref())?;
        match version {
            Some(v) => inner.aliases.insert(key, v),
            None => inner.aliases.remove(&key),
        };
        Ok(previous)
    }

    fn alias(&self, name: &ModelName, alias: &Alias) -> Result<Option<VersionId>, RegistryError> {
        Ok(self
            .lock()
            .aliases
            .get(&(name.clone(), alias.clone()))
            .copied())
    }

    fn append_deployment(
        &self,
        record: &DeploymentRecord,
        note: Option<&ChangeNote>,
    ) -> Result<(), RegistryError> {
        let mut inner = self.lock();
        if !inner.models.contains_key(&record.model) {
            return Err(RegistryError::NotFound(format!("model {}", record.model)));
        }
        let key = (record.model.clone(), record.environment.clone());
        let expected = inner.deployments.get(&key).map_or(0, Vec::len) as u64 + 1;
        if record.seq != expected {
            return Err(RegistryError::Conflict(format!(
                "deployment {} of {} in {} already exists (next is {expected})",
                record.seq, record.model, record.environment
            )));
        }
        inner.journal(note)?;
        inner
            .deployments
            .entry(key)
            .or_default()
            .push(record.clone());
        Ok(())
    }

    fn deployments(
        &self,
        name: &ModelName,
        environment: &str,
    ) -> Result<Vec<DeploymentRecord>, RegistryError> {
        Ok(self
            .lock()
            .deployments
            .get(&(name.clone(), environment.to_string()))
            .cloned()
            .unwrap_or_default())
    }

    fn environments(&self, name: &ModelName) -> Result<Vec<String>, RegistryError> {
        // Keys are ordered by (model, environment), so the result comes out sorted.
        Ok(self
            .lock()
            .deployments
            .keys()
            .filter(|(model, _)| model == name)
            .map(|(_, environment)| environment.clone())
            .collect())
    }

    fn pending_changes(&self, limit: usize) -> Result<Vec<PendingChange>, RegistryError> {
        Ok(self.lock().journal.values().take(limit).cloned().collect())
    }

    fn claim_change(
        &self,
        id: &str,
        at: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> Result<bool, RegistryError> {
        let mut inner = self.lock();
        match inner.journal.values_mut().find(|p| p.note.id() == id) {
            Some(pending) if pending.claimed_at < to_stored_time(stale_before)? => {
                pending.claimed_at = to_stored_time(at)?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn settle_change(&self, id: &str) -> Result<(), RegistryError> {
        self.lock().journal.retain(|_, p| p.note.id() != id);
        Ok(())
    }
}

//! Registry records in memory, for tests and embedded experiments.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use aigov_core::{Alias, ModelName, VersionId};

use super::query::{model_cursor, version_cursor};
use super::{ModelQuery, Page, RegistryStore, VersionQuery};
use crate::{DeploymentRecord, ModelVersion, RegisteredModel, RegistryError};

#[derive(Debug, Default)]
struct Inner {
    models: BTreeMap<ModelName, (RegisteredModel, u64)>,
    versions: BTreeMap<(ModelName, VersionId), ModelVersion>,
    aliases: BTreeMap<(ModelName, Alias), VersionId>,
    deployments: BTreeMap<(ModelName, String), Vec<DeploymentRecord>>,
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

impl Inner {
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
    fn create_model(&self, model: &RegisteredModel) -> Result<(), RegistryError> {
        super::check_tags(&model.tags)?;
        let mut inner = self.lock();
        if inner.models.contains_key(&model.name) {
            return Err(RegistryError::Conflict(format!(
                "model {} already exists",
                model.name
            )));
        }
        inner.models.insert(model.name.clone(), (model.clone(), 0));
        Ok(())
    }

    fn update_model(&self, model: &RegisteredModel) -> Result<(), RegistryError> {
        super::check_tags(&model.tags)?;
        let mut inner = self.lock();
        match inner.models.get_mut(&model.name) {
            Some((stored, _)) => {
                *stored = model.clone();
                Ok(())
            }
            None => Err(RegistryError::NotFound(format!("model {}", model.name))),
        }
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

    fn create_version(&self, draft: &ModelVersion) -> Result<ModelVersion, RegistryError> {
        super::check_tags(&draft.tags)?;
        let mut inner = self.lock();
        let Some((_, last)) = inner.models.get_mut(&draft.name) else {
            return Err(RegistryError::NotFound(format!("model {}", draft.name)));
        };
        *last += 1;
        let mut stored = draft.clone();
        stored.version = VersionId::new(*last)?;
        stored.revision = 1;
        stored.aliases.clear();
        inner
            .versions
            .insert((stored.name.clone(), stored.version), stored.clone());
        Ok(stored)
    }

    fn update_version(&self, version: &ModelVersion) -> Result<ModelVersion, RegistryError> {
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
    ) -> Result<Option<VersionId>, RegistryError> {
        let mut inner = self.lock();
        let key = (name.clone(), alias.clone());
        match version {
            Some(v) => {
                if !inner.versions.contains_key(&(name.clone(), v)) {
                    return Err(RegistryError::NotFound(format!("model version {name}@{v}")));
                }
                Ok(inner.aliases.insert(key, v))
            }
            None => Ok(inner.aliases.remove(&key)),
        }
    }

    fn alias(&self, name: &ModelName, alias: &Alias) -> Result<Option<VersionId>, RegistryError> {
        Ok(self
            .lock()
            .aliases
            .get(&(name.clone(), alias.clone()))
            .copied())
    }

    fn append_deployment(&self, record: &DeploymentRecord) -> Result<(), RegistryError> {
        let mut inner = self.lock();
        if !inner.models.contains_key(&record.model) {
            return Err(RegistryError::NotFound(format!("model {}", record.model)));
        }
        let history = inner
            .deployments
            .entry((record.model.clone(), record.environment.clone()))
            .or_default();
        let expected = history.len() as u64 + 1;
        if record.seq != expected {
            return Err(RegistryError::Conflict(format!(
                "deployment {} of {} in {} already exists (next is {expected})",
                record.seq, record.model, record.environment
            )));
        }
        history.push(record.clone());
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
}

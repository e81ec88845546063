//! Durable homes of registry records: the [`RegistryStore`] trait and its backends.

mod memory;
#[cfg(feature = "postgres")]
pub(crate) mod postgres;
mod query;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;
#[cfg(feature = "sqlite")]
mod sqlite;

pub use memory::MemoryRegistryStore;
#[cfg(feature = "postgres")]
pub use postgres::PostgresRegistryStore;
pub use query::{MAX_PAGE_SIZE, ModelQuery, Page, PageRequest, VersionQuery};
#[cfg(feature = "sqlite")]
pub use sqlite::{SqliteDurability, SqliteRegistryStore};

use std::fmt::Debug;

use aigov_core::{Alias, ModelName, VersionId};
use chrono::{DateTime, Utc};

use crate::{
    ChangeNote, DeploymentRecord, ModelVersion, PendingChange, RegisteredModel, RegistryError,
};

/// Durable home of registry records. Implementations are linearizable per model: version
/// numbers are allocated atomically and never reused, and updates are compare-and-swap on a
/// version's `revision`.
///
/// Every mutation takes an optional [`ChangeNote`]: given one, the store journals it in the
/// mutation's own transaction, claimed as of the note's time, so the change and its pending
/// audit record commit or vanish together. A mutation that fails journals nothing.
pub trait RegistryStore: Send + Sync + Debug {
    /// Creates a model; `Conflict` if the name is taken.
    fn create_model(
        &self,
        model: &RegisteredModel,
        note: Option<&ChangeNote>,
    ) -> Result<(), RegistryError>;
    /// Replaces a model's record; `NotFound` if absent.
    fn update_model(
        &self,
        model: &RegisteredModel,
        note: Option<&ChangeNote>,
    ) -> Result<(), RegistryError>;
    /// Reads a model.
    fn model(&self, name: &ModelName) -> Result<Option<RegisteredModel>, RegistryError>;
    /// Lists models ordered by name.
    fn list_models(&self, query: &ModelQuery) -> Result<Page<RegisteredModel>, RegistryError>;

    /// Stores a new version of an existing model under the next number (the draft's
    /// `version` is ignored) with revision 1, and returns it as stored. A note of a
    /// registration is journaled with the number allocated.
    fn create_version(
        &self,
        draft: &ModelVersion,
        note: Option<&ChangeNote>,
    ) -> Result<ModelVersion, RegistryError>;
    /// Replaces a version if its stored revision equals `version.revision`, storing it with the
    /// revision bumped; `Conflict` if someone else changed it first.
    fn update_version(
        &self,
        version: &ModelVersion,
        note: Option<&ChangeNote>,
    ) -> Result<ModelVersion, RegistryError>;
    /// Reads a version, with the aliases that point at it.
    fn version(
        &self,
        name: &ModelName,
        version: VersionId,
    ) -> Result<Option<ModelVersion>, RegistryError>;
    /// Lists versions ordered by model name, then version number.
    fn list_versions(&self, query: &VersionQuery) -> Result<Page<ModelVersion>, RegistryError>;

    /// Points `alias` at `version` (or removes it with `None`); returns where it pointed before.
    /// A note of an alias move is journaled with that previous target.
    fn set_alias(
        &self,
        name: &ModelName,
        alias: &Alias,
        version: Option<VersionId>,
        note: Option<&ChangeNote>,
    ) -> Result<Option<VersionId>, RegistryError>;
    /// Where an alias points.
    fn alias(&self, name: &ModelName, alias: &Alias) -> Result<Option<VersionId>, RegistryError>;

    /// Appends a deployment record; its `seq` must be one past the environment's last entry,
    /// else `Conflict` (someone deployed in between).
    fn append_deployment(
        &self,
        record: &DeploymentRecord,
        note: Option<&ChangeNote>,
    ) -> Result<(), RegistryError>;
    /// An environment's deployment history for a model, ordered by `seq`.
    fn deployments(
        &self,
        name: &ModelName,
        environment: &str,
    ) -> Result<Vec<DeploymentRecord>, RegistryError>;
    /// Every environment a model was ever deployed to, sorted.
    fn environments(&self, name: &ModelName) -> Result<Vec<String>, RegistryError>;

    /// Journaled changes not yet settled, oldest first, at most `limit`.
    fn pending_changes(&self, limit: usize) -> Result<Vec<PendingChange>, RegistryError>;
    /// Takes over recording a pending change, as of `at`, if its claim dates from before
    /// `stale_before`; `false` if it is claimed more recently or already settled. Of several
    /// takers of one stale claim exactly one succeeds.
    fn claim_change(
        &self,
        id: &str,
        at: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> Result<bool, RegistryError>;
    /// Removes a change from the journal once the audit log holds it; settling an id that is
    /// not pending does nothing.
    fn settle_change(&self, id: &str) -> Result<(), RegistryError>;
}

/// Rejects tags no backend can index: PostgreSQL text cannot hold a NUL character.
pub(crate) fn check_tags(
    tags: &std::collections::BTreeMap<String, String>,
) -> Result<(), RegistryError> {
    match tags
        .iter()
        .find(|(k, v)| k.contains('\0') || v.contains('\0'))
    {
        Some((k, _)) => Err(RegistryError::invalid(
            "tag",
            format!("{k:?} contains a NUL character in its key or value"),
        )),
        None => Ok(()),
    }
}

/// Conveniences over any [`RegistryStore`].
pub trait RegistryStoreExt: RegistryStore {
    /// Reads a version or fails with `NotFound`.
    fn require_version(
        &self,
        name: &ModelName,
        version: VersionId,
    ) -> Result<ModelVersion, RegistryError> {
        self.version(name, version)?
            .ok_or_else(|| RegistryError::NotFound(format!("model version {name}@{version}")))
    }

    /// Reads a model or fails with `NotFound`.
    fn require_model(&self, name: &ModelName) -> Result<RegisteredModel, RegistryError> {
        self.model(name)?
            .ok_or_else(|| RegistryError::NotFound(format!("model {name}")))
    }
}

impl<T: RegistryStore + ?Sized> RegistryStoreExt for T {}

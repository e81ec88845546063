//! The actor directory in PostgreSQL, one row shared by every replica.

use super::{DirectoryStore, VersionedTrust, stale};
use crate::store::PostgresRegistryStore;
use crate::store::postgres::db_error;
use crate::{RegistryError, TrustStore};

/// A [`DirectoryStore`] in the registry's PostgreSQL schema (table `registry_directory`).
#[derive(Debug, Clone)]
pub struct PostgresDirectoryStore {
    store: PostgresRegistryStore,
}

impl PostgresDirectoryStore {
    /// Uses the connection pool (and migrated schema) of a registry store.
    pub fn new(store: &PostgresRegistryStore) -> Self {
        PostgresDirectoryStore {
            store: store.clone(),
        }
    }
}

impl DirectoryStore for PostgresDirectoryStore {
    fn load(&self) -> Result<VersionedTrust, RegistryError> {
        let row = self
            .store
            .client()?
            .query_opt(
                "SELECT doc, generation FROM registry_directory WHERE id = 1",
                &[],
            )
            .map_err(db_error)?;
        let Some(row) = row else {
            return Ok(VersionedTrust::default());
        };
        let doc: String = row.get(0);
        let generation: i64 = row.get(1);
        Ok(VersionedTrust {
            trust: serde_json::from_str(&doc).map_err(|e| {
                RegistryError::storage("postgres", format!("not an actor directory: {e}"))
            })?,
            generation: generation as u64,
        })
    }

    fn generation(&self) -> Result<u64, RegistryError> {
        let row = self
            .store
            .client()?
            .query_opt(
                "SELECT generation FROM registry_directory WHERE id = 1",
                &[],
            )
            .map_err(db_error)?;
        Ok(row.map(|r| r.get::<_, i64>(0) as u64).unwrap_or(0))
    }

    fn save(&self, trust: &TrustStore, expected: u64) -> Result<u64, RegistryError> {
        let doc =
            serde_json::to_string(trust).map_err(|e| RegistryError::storage("postgres", e))?;
        let mut client = self.store.client()?;
        let expected_i = i64::try_from(expected)
            .map_err(|_| RegistryError::invalid("generation", "out of range"))?;
        let saved = if expected == 0 {
            client
                .query_opt(
                    "INSERT INTO registry_directory (id, doc, generation) VALUES (1, $1, 1) \
                     ON CONFLICT (id) DO NOTHING RETURNING generation",
                    &[&doc],
                )
                .map_err(db_error)?
        } else {
            client
                .query_opt(
                    "UPDATE registry_directory SET doc = $1, generation = generation + 1 \
                     WHERE id = 1 AND generation = $2 RETURNING generation",
                    &[&doc, &expected_i],
                )
                .map_err(db_error)?
        };
        match saved {
            Some(row) => Ok(row.get::<_, i64>(0) as u64),
            None => {
                drop(client);
                Err(stale(expected, self.generation()?))
            }
        }
    }
}

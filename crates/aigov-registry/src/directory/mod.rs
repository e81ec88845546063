//! Where the actor directory (the [`TrustStore`]: who may act, in which roles, with which
//! keys) is kept, so that every process and replica sharing a store sees the same one.

mod file;
mod memory;
#[cfg(feature = "postgres")]
mod postgres;

use std::fmt::Debug;

pub use file::FileDirectoryStore;
pub use memory::MemoryDirectoryStore;
#[cfg(feature = "postgres")]
pub use postgres::PostgresDirectoryStore;

use crate::{RegistryError, TrustStore};

/// The directory as last saved, with the generation that names that save.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VersionedTrust {
    /// The directory.
    pub trust: TrustStore,
    /// Changes with every save; 0 when nothing was ever saved.
    pub generation: u64,
}

/// A shared home for the actor directory with optimistic concurrency: a save names the
/// generation it read, and loses (a conflict) if someone saved in between.
pub trait DirectoryStore: Send + Sync + Debug {
    /// The directory and its generation.
    fn load(&self) -> Result<VersionedTrust, RegistryError>;
    /// The generation alone, cheap enough to poll.
    fn generation(&self) -> Result<u64, RegistryError>;
    /// Replaces the directory if it is still at generation `expected`; returns the new
    /// generation, or [`RegistryError::Conflict`] if another save came first.
    fn save(&self, trust: &TrustStore, expected: u64) -> Result<u64, RegistryError>;
}

fn stale(expected: u64, found: u64) -> RegistryError {
    RegistryError::Conflict(format!(
        "the actor directory changed underneath (generation {found}, expected {expected})"
    ))
}

//! Artifacts in PostgreSQL, so that every service replica sees the same bytes.
//!
//! Content is stored in 1 MiB chunks; the `registry_artifacts` row is written in the same
//! transaction as the chunks, so an artifact is either complete or absent.

use std::io::Read;
use std::path::Path;

use aigov_core::{Digest, DigestWriter};
use postgres::NoTls;
use r2d2_postgres::PostgresConnectionManager;

use super::ArtifactStore;
use crate::RegistryError;
use crate::store::PostgresRegistryStore;

const BACKEND: &str = "postgres";
const CHUNK: usize = 1 << 20;

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;

fn db_error(e: postgres::Error) -> RegistryError {
    RegistryError::storage(BACKEND, e)
}

/// An [`ArtifactStore`] in the registry's PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PostgresArtifactStore {
    pool: Pool,
}

impl PostgresArtifactStore {
    /// Uses the connection pool (and migrated schema) of a registry store.
    pub fn new(store: &PostgresRegistryStore) -> Self {
        PostgresArtifactStore {
            pool: store.pool().clone(),
        }
    }

    fn client(
        &self,
    ) -> Result<r2d2::PooledConnection<PostgresConnectionManager<NoTls>>, RegistryError> {
        self.pool
            .get()
            .map_err(|e| RegistryError::storage(BACKEND, e))
    }

    /// Stores chunks read from `source` under `digest` in one transaction.
    fn store_chunks(&self, digest: &Digest, source: &mut dyn Read) -> Result<u64, RegistryError> {
        let key = digest.to_string();
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(db_error)?;
        // Concurrent uploads of the same bytes serialize here; the second finds it complete.
        tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&key])
            .map_err(db_error)?;
        if let Some(row) = tx
            .query_opt(
                "SELECT size FROM registry_artifacts WHERE digest = $1",
                &[&key],
            )
            .map_err(db_error)?
        {
            return Ok(row.get::<_, i64>(0) as u64);
        }
        tx.execute(
            "DELETE FROM registry_artifact_chunks WHERE digest = $1",
            &[&key],
        )
        .map_err(db_error)?;
        let mut buf = vec![0u8; CHUNK];
        let (mut size, mut seq) = (0u64, 0i32);
        let mut hasher = DigestWriter::new();
        loop {
            let mut filled = 0;
            while filled < CHUNK {
                let n = source
                    .read(&mut buf[filled..])
                    .map_err(|e| RegistryError::storage("filesystem", e))?;
                if n == 0 {
                    break;
                }
                filled += n;
            }
            if filled == 0 {
                break;
            }
            hasher.update(&buf[..filled]);
            tx.execute(
                "INSERT INTO registry_artifact_chunks (digest, seq, data) VALUES ($1, $2, $3)",
                &[&key, &seq, &&buf[..filled]],
            )
            .map_err(db_error)?;
            size += filled as u64;
            seq += 1;
        }
        let actual = hasher.finish();
        if &actual != digest {
            return Err(RegistryError::Integrity(format!(
                "content changed while it was stored: expected {digest}, read {actual}"
            )));
        }
        tx.execute(
            "INSERT INTO registry_artifacts (digest, size, chunks) VALUES ($1, $2, $3)",
            &[&key, &(size as i64), &seq],
        )
        .map_err(db_error)?;
        tx.commit().map_err(db_error)?;
        Ok(size)
    }
}

/// Reads an artifact chunk by chunk.
struct ChunkReader {
    store: PostgresArtifactStore,
    key: String,
    next: i32,
    chunks: i32,
    buf: Vec<u8>,
    at: usize,
}

impl Read for ChunkReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.buf.len() {
            if self.next == self.chunks {
                return Ok(0);
            }
            let mut client = self.store.client().map_err(std::io::Error::other)?;
            let row = client
                .query_one(
                    "SELECT data FROM registry_artifact_chunks WHERE digest = $1 AND seq = $2",
                    &[&self.key, &self.next],
                )
                .map_err(std::io::Error::other)?;
            self.buf = row.get(0);
            self.at = 0;
            self.next += 1;
        }
        let n = out.len().min(self.buf.len() - self.at);
        out[..n].copy_from_slice(&self.buf[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

impl ArtifactStore for PostgresArtifactStore {
    fn put(&self, bytes: &[u8]) -> Result<Digest, RegistryError> {
        let digest = Digest::of(bytes);
        self.store_chunks(&digest, &mut &bytes[..])?;
        Ok(digest)
    }

    fn put_file(&self, path: &Path) -> Result<(Digest, u64), RegistryError> {
        let io = |e: std::io::Error| {
            RegistryError::storage("filesystem", format!("{}: {e}", path.display()))
        };
        // Hash first: the digest is the key the chunks are stored under.
        let mut hasher = DigestWriter::new();
        std::io::copy(&mut std::fs::File::open(path).map_err(io)?, &mut hasher).map_err(io)?;
        let digest = hasher.finish();
        let mut file = std::fs::File::open(path).map_err(io)?;
        let size = self.store_chunks(&digest, &mut file)?;
        Ok((digest, size))
    }

    fn get(&self, digest: &Digest) -> Result<Vec<u8>, RegistryError> {
        let mut out = Vec::new();
        self.open(digest)?
            .read_to_end(&mut out)
            .map_err(|e| RegistryError::storage(BACKEND, e))?;
        Ok(out)
    }

    fn open(&self, digest: &Digest) -> Result<Box<dyn Read + Send>, RegistryError> {
        let key = digest.to_string();
        let row = self
            .client()?
            .query_opt(
                "SELECT chunks FROM registry_artifacts WHERE digest = $1",
                &[&key],
            )
            .map_err(db_error)?
            .ok_or_else(|| RegistryError::NotFound(format!("artifact {digest}")))?;
        Ok(Box::new(ChunkReader {
            store: self.clone(),
            key,
            next: 0,
            chunks: row.get(0),
            buf: Vec::new(),
            at: 0,
        }))
    }

    fn exists(&self, digest: &Digest) -> Result<bool, RegistryError> {
        let row = self
            .client()?
            .query_opt(
                "SELECT 1 FROM registry_artifacts WHERE digest = $1",
                &[&digest.to_string()],
            )
            .map_err(db_error)?;
        Ok(row.is_some())
    }

    fn delete(&self, digest: &Digest) -> Result<bool, RegistryError> {
        let key = digest.to_string();
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(db_error)?;
        let n = tx
            .execute("DELETE FROM registry_artifacts WHERE digest = $1", &[&key])
            .map_err(db_error)?;
        tx.execute(
            "DELETE FROM registry_artifact_chunks WHERE digest = $1",
            &[&key],
        )
        .map_err(db_error)?;
        tx.commit().map_err(db_error)?;
        Ok(n > 0)
    }
}

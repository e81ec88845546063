//! The audit log in PostgreSQL, shared by many service replicas.

use std::time::Duration;

use aigov_core::Digest;
use chrono::{DateTime, Utc};
use postgres::{GenericClient, NoTls};
use r2d2_postgres::PostgresConnectionManager;

use super::{
    AppendReceipt, AuditStore, LegalHold, NODE_STRIDE, NewEntry, Redaction, StoredEntry,
    check_erasable, digest_of, fold_range, new_nodes, parse_time, time_text,
};
use crate::AuditError;
use crate::merkle::leaf_hash;

const BACKEND: &str = "postgres";
/// Serializes appends (and migrations) across every connection and process.
const APPEND_LOCK: i64 = 0x6169_676f_7602;
const MIGRATION_LOCK: i64 = 0x6169_676f_7603;

mod embedded {
    refinery::embed_migrations!("migrations/postgres");
}

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;

fn db_error(e: postgres::Error) -> AuditError {
    AuditError::storage(BACKEND, e)
}

/// An [`AuditStore`] in PostgreSQL through a connection pool.
#[derive(Debug, Clone)]
pub struct PostgresAuditStore {
    pool: Pool,
}

impl PostgresAuditStore {
    /// Connects to `url` and applies pending migrations.
    pub fn connect(url: &str) -> Result<Self, AuditError> {
        let config: postgres::Config = url
            .parse()
            .map_err(|e| AuditError::invalid("PostgreSQL URL", format!("{e}")))?;
        Self::from_config(config)
    }

    /// Connects with a prepared configuration (for example one that sets `search_path`).
    pub fn from_config(config: postgres::Config) -> Result<Self, AuditError> {
        let pool = r2d2::Pool::builder()
            .max_size(8)
            .connection_timeout(Duration::from_secs(10))
            .build(PostgresConnectionManager::new(config, NoTls))
            .map_err(|e| AuditError::storage(BACKEND, e))?;
        let store = PostgresAuditStore { pool };
        let mut client = store.client()?;
        client
            .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
            .map_err(db_error)?;
        let mut runner = embedded::migrations::runner();
        runner.set_migration_table_name("audit_schema_history");
        let result = runner.run(&mut *client);
        let unlock = client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]);
        result.map_err(|e| AuditError::storage(BACKEND, format!("migration failed: {e}")))?;
        unlock.map_err(db_error)?;
        drop(client);
        Ok(store)
    }

    fn client(
        &self,
    ) -> Result<r2d2::PooledConnection<PostgresConnectionManager<NoTls>>, AuditError> {
        self.pool.get().map_err(|e| AuditError::storage(BACKEND, e))
    }
}

fn perfect(client: &mut impl GenericClient, level: u32, index: u64) -> Result<Digest, AuditError> {
    let base = level - level % NODE_STRIDE;
    let span = level - base;
    let first = (index << span) as i64;
    let count = 1i64 << span;
    let rows = if base == 0 {
        client
            .query(
                "SELECT leaf_hash FROM audit_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx",
                &[&first, &(first + count)],
            )
            .map_err(db_error)?
    } else {
        client
            .query(
                "SELECT hash FROM audit_nodes WHERE level = $1 AND idx >= $2 AND idx < $3 ORDER BY idx",
                &[&(base as i32), &first, &(first + count)],
            )
            .map_err(db_error)?
    };
    if rows.len() as i64 != count {
        return Err(AuditError::invalid(
            "tree node",
            format!("no complete subtree at level {level}, index {index}"),
        ));
    }
    let digests = rows
        .iter()
        .map(|r| digest_of(r.get::<_, &[u8]>(0)))
        .collect::<Result<Vec<_>, _>>()?;
    fold_range(digests)
}

fn read_holds(client: &mut impl GenericClient) -> Result<Vec<LegalHold>, AuditError> {
    let rows = client
        .query(
            "SELECT id, from_idx, to_idx, reason, placed_by, placed_at, released_at \
             FROM audit_holds ORDER BY id",
            &[],
        )
        .map_err(db_error)?;
    rows.iter()
        .map(|r| {
            let id: i64 = r.get(0);
            Ok(LegalHold {
                id: id as u64,
                from: r.get::<_, i64>(1) as u64,
                to: r.get::<_, i64>(2) as u64,
                reason: r.get(3),
                placed_by: r
                    .get::<_, String>(4)
                    .parse()
                    .map_err(|e| AuditError::storage(BACKEND, format!("hold {id}: {e}")))?,
                placed_at: parse_time(r.get(5))?,
                released_at: r
                    .get::<_, Option<String>>(6)
                    .as_deref()
                    .map(parse_time)
                    .transpose()?,
            })
        })
        .collect()
}

impl AuditStore for PostgresAuditStore {
    fn append(&self, entries: &[NewEntry]) -> Result<AppendReceipt, AuditError> {
        let leaves: Vec<Digest> = entries.iter().map(|e| leaf_hash(&e.payload)).collect();
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(db_error)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&APPEND_LOCK])
            .map_err(db_error)?;
        let start: i64 = tx
            .query_one("SELECT coalesce(max(idx) + 1, 0) FROM audit_entries", &[])
            .map_err(db_error)?
            .get(0);
        let start = start as u64;
        if let Some(key) = super::repeated_key(entries) {
            return Err(AuditError::invalid(
                "audit batch",
                format!("two entries carry the key {key}"),
            ));
        }
        // Under the append lock taken above, so no other append can log a key in between.
        for key in entries.iter().filter_map(|e| e.unique_key.as_ref()) {
            let logged = tx
                .query_opt("SELECT idx FROM audit_unique_keys WHERE key = $1", &[key])
                .map_err(db_error)?;
            if let Some(row) = logged {
                return Err(AuditError::Duplicate {
                    key: key.clone(),
                    index: row.get::<_, i64>(0) as u64,
                });
            }
        }
        let nodes = new_nodes(start, &leaves, &mut |l, i| perfect(&mut tx, l, i))?;
        let insert = tx
            .prepare(
                "INSERT INTO audit_entries (idx, leaf_hash, payload, time) VALUES ($1, $2, $3, $4)",
            )
            .map_err(db_error)?;
        for (i, (entry, leaf)) in entries.iter().zip(&leaves).enumerate() {
            tx.execute(
                &insert,
                &[
                    &((start + i as u64) as i64),
                    &leaf.as_bytes().as_slice(),
                    &entry.payload,
                    &time_text(&entry.time),
                ],
            )
            .map_err(db_error)?;
        }
        let subjects: Vec<(String, String, i64)> = entries
            .iter()
            .enumerate()
            .flat_map(|(i, e)| {
                e.subjects
                    .iter()
                    .map(move |s| (s.clone(), e.kind.clone(), (start + i as u64) as i64))
            })
            .collect();
        for (i, entry) in entries.iter().enumerate() {
            if let Some(key) = &entry.unique_key {
                tx.execute(
                    "INSERT INTO audit_unique_keys (key, idx) VALUES ($1, $2)",
                    &[key, &((start + i as u64) as i64)],
                )
                .map_err(db_error)?;
            }
        }
        if !subjects.is_empty() {
            let insert_subject = tx
                .prepare(
                    "INSERT INTO audit_subjects (subject, kind, idx) VALUES ($1, $2, $3) \
                     ON CONFLICT DO NOTHING",
                )
                .map_err(db_error)?;
            for (subject, kind, idx) in &subjects {
                tx.execute(&insert_subject, &[subject, kind, idx])
                    .map_err(db_error)?;
            }
        }
        for (level, index, hash) in nodes.iter().filter(|(l, _, _)| l % NODE_STRIDE == 0) {
            tx.execute(
                "INSERT INTO audit_nodes (level, idx, hash) VALUES ($1, $2, $3)",
                &[
                    &(*level as i32),
                    &(*index as i64),
                    &hash.as_bytes().as_slice(),
                ],
            )
            .map_err(db_error)?;
        }
        tx.commit().map_err(db_error)?;
        Ok(AppendReceipt {
            first_index: start,
            count: entries.len() as u64,
            size: start + entries.len() as u64,
        })
    }

    fn size(&self) -> Result<u64, AuditError> {
        let n: i64 = self
            .client()?
            .query_one("SELECT coalesce(max(idx) + 1, 0) FROM audit_entries", &[])
            .map_err(db_error)?
            .get(0);
        Ok(n as u64)
    }

    fn entries(&self, from: u64, to: u64) -> Result<Vec<StoredEntry>, AuditError> {
        let rows = self
            .client()?
            .query(
                "SELECT idx, leaf_hash, payload, time, redaction FROM audit_entries \
                 WHERE idx >= $1 AND idx < $2 ORDER BY idx",
                &[&(from as i64), &(to.min(i64::MAX as u64) as i64)],
            )
            .map_err(db_error)?;
        rows.iter()
            .map(|r| {
                let idx: i64 = r.get(0);
                Ok(StoredEntry {
                    index: idx as u64,
                    leaf_hash: digest_of(r.get::<_, &[u8]>(1))?,
                    payload: r.get::<_, Option<Vec<u8>>>(2),
                    time: parse_time(r.get(3))?,
                    redaction: r
                        .get::<_, Option<String>>(4)
                        .map(|t| serde_json::from_str(&t))
                        .transpose()
                        .map_err(|e| {
                            AuditError::storage(BACKEND, format!("redaction of {idx}: {e}"))
                        })?,
                })
            })
            .collect()
    }

    fn perfect_hash(&self, level: u32, index: u64) -> Result<Digest, AuditError> {
        perfect(&mut *self.client()?, level, index)
    }

    fn stored_nodes(&self) -> Result<Vec<(u32, u64, Digest)>, AuditError> {
        let rows = self
            .client()?
            .query(
                "SELECT level, idx, hash FROM audit_nodes ORDER BY level, idx",
                &[],
            )
            .map_err(db_error)?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.get::<_, i32>(0) as u32,
                    r.get::<_, i64>(1) as u64,
                    digest_of(r.get::<_, &[u8]>(2))?,
                ))
            })
            .collect()
    }

    fn put_checkpoint(&self, size: u64, note: &str) -> Result<(), AuditError> {
        self.client()?
            .execute(
                "INSERT INTO audit_checkpoints (size, note) VALUES ($1, $2) ON CONFLICT (size) DO NOTHING",
                &[&(size as i64), &note],
            )
            .map_err(db_error)?;
        Ok(())
    }

    fn checkpoints(&self) -> Result<Vec<(u64, String)>, AuditError> {
        let rows = self
            .client()?
            .query(
                "SELECT size, note FROM audit_checkpoints ORDER BY size",
                &[],
            )
            .map_err(db_error)?;
        Ok(rows
            .iter()
            .map(|r| (r.get::<_, i64>(0) as u64, r.get::<_, String>(1)))
            .collect())
    }

    fn redact(
        &self,
        index: u64,
        redaction: &Redaction,
        cutoff: DateTime<Utc>,
    ) -> Result<(), AuditError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(db_error)?;
        // Holds and erasures serialize on the same lock as appends.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&APPEND_LOCK])
            .map_err(db_error)?;
        let row = tx
            .query_opt(
                "SELECT time FROM audit_entries WHERE idx = $1",
                &[&(index as i64)],
            )
            .map_err(db_error)?
            .ok_or_else(|| AuditError::NotFound(format!("audit entry {index}")))?;
        let time = parse_time(row.get(0))?;
        check_erasable(index, time, cutoff, &read_holds(&mut tx)?)?;
        let record = serde_json::to_string(redaction)
            .map_err(|e| AuditError::invalid("redaction", e.to_string()))?;
        tx.execute(
            "UPDATE audit_entries SET payload = NULL, redaction = $2 WHERE idx = $1",
            &[&(index as i64), &record],
        )
        .map_err(db_error)?;
        tx.commit().map_err(db_error)
    }

    fn place_hold(&self, hold: &LegalHold) -> Result<LegalHold, AuditError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(db_error)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&APPEND_LOCK])
            .map_err(db_error)?;
        let id: i64 = tx
            .query_one(
                "INSERT INTO audit_holds (from_idx, to_idx, reason, placed_by, placed_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[
                    &(hold.from as i64),
                    &(hold.to as i64),
                    &hold.reason,
                    &hold.placed_by.as_str(),
                    &time_text(&hold.placed_at),
                ],
            )
            .map_err(db_error)?
            .get(0);
        tx.commit().map_err(db_error)?;
        let mut placed = hold.clone();
        placed.id = id as u64;
        placed.released_at = None;
        Ok(placed)
    }

    fn release_hold(&self, id: u64, at: DateTime<Utc>) -> Result<(), AuditError> {
        let n = self
            .client()?
            .execute(
                "UPDATE audit_holds SET released_at = coalesce(released_at, $2) WHERE id = $1",
                &[&(id as i64), &time_text(&at)],
            )
            .map_err(db_error)?;
        if n == 0 {
            return Err(AuditError::NotFound(format!("legal hold {id}")));
        }
        Ok(())
    }

    fn holds(&self) -> Result<Vec<LegalHold>, AuditError> {
        read_holds(&mut *self.client()?)
    }

    fn cursor(&self, name: &str) -> Result<u64, AuditError> {
        let row = self
            .client()?
            .query_opt(
                "SELECT position FROM audit_cursors WHERE name = $1",
                &[&name],
            )
            .map_err(db_error)?;
        Ok(row.map_or(0, |r| r.get::<_, i64>(0) as u64))
    }

    fn set_cursor(&self, name: &str, position: u64) -> Result<(), AuditError> {
        self.client()?
            .execute(
                "INSERT INTO audit_cursors (name, position) VALUES ($1, $2) \
                 ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position",
                &[&name, &(position as i64)],
            )
            .map_err(db_error)?;
        Ok(())
    }

    fn entries_about(
        &self,
        subject: &str,
        kind: Option<&str>,
        from: u64,
        limit: usize,
    ) -> Result<Vec<u64>, AuditError> {
        let limit = limit.min(i64::MAX as usize) as i64;
        let rows = self
            .client()?
            .query(
                "SELECT idx FROM audit_subjects WHERE subject = $1 \
                 AND ($2::TEXT IS NULL OR kind = $2) AND idx >= $3 ORDER BY idx LIMIT $4",
                &[&subject, &kind, &(from.min(i64::MAX as u64) as i64), &limit],
            )
            .map_err(db_error)?;
        Ok(rows.iter().map(|r| r.get::<_, i64>(0) as u64).collect())
    }

    fn count_about(&self, subject: &str, kind: Option<&str>) -> Result<u64, AuditError> {
        let n: i64 = self
            .client()?
            .query_one(
                "SELECT count(*) FROM audit_subjects WHERE subject = $1 \
                 AND ($2::TEXT IS NULL OR kind = $2)",
                &[&subject, &kind],
            )
            .map_err(db_error)?
            .get(0);
        Ok(n as u64)
    }
}

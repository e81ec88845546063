//! The audit log in one SQLite file: every append is synced before it is acknowledged.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use aigov_core::Digest;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{
    AppendReceipt, AuditStore, LegalHold, NODE_STRIDE, NewEntry, Redaction, StoredEntry,
    check_erasable, digest_of, fold_range, new_nodes, parse_time, time_text,
};
use crate::AuditError;
use crate::merkle::leaf_hash;

const BACKEND: &str = "sqlite";

mod embedded {
    refinery::embed_migrations!("migrations/sqlite");
}

fn db_error(e: rusqlite::Error) -> AuditError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DiskFull => {
            AuditError::storage(
                BACKEND,
                format!("the database is full (its size limit or the disk): {e}"),
            )
        }
        _ => AuditError::storage(BACKEND, e),
    }
}

/// An [`AuditStore`] in a SQLite database (WAL, `synchronous=FULL`), safe across processes.
#[derive(Debug)]
pub struct SqliteAuditStore {
    conn: Mutex<Connection>,
}

impl SqliteAuditStore {
    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    pub fn open(path: &Path) -> Result<Self, AuditError> {
        let mut conn = Connection::open(path)
            .map_err(|e| AuditError::storage(BACKEND, format!("{}: {e}", path.display())))?;
        conn.busy_timeout(Duration::from_secs(30))
            .map_err(db_error)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(db_error)?;
        // An acknowledged append must survive power loss.
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(db_error)?;
        let mut last = None;
        for attempt in 0..10u64 {
            let mut runner = embedded::migrations::runner();
            runner.set_migration_table_name("audit_schema_history");
            match runner.run(&mut conn) {
                Ok(_) => {
                    last = None;
                    break;
                }
                Err(e) => {
                    last = Some(e.to_string());
                    std::thread::sleep(Duration::from_millis(20 * (attempt + 1)));
                }
            }
        }
        if let Some(e) = last {
            return Err(AuditError::storage(
                BACKEND,
                format!("migration failed: {e}"),
            ));
        }
        Ok(SqliteAuditStore {
            conn: Mutex::new(conn),
        })
    }

    /// Caps the database file at about `max_bytes` for this store's writes (SQLite's
    /// `max_page_count`, never below the pages already used): once it is full, a write fails
    /// whole with a storage error saying so, and nothing stored before is touched. Returns
    /// the cap in pages.
    pub fn limit_size(&self, max_bytes: u64) -> Result<u64, AuditError> {
        let conn = self.lock();
        let page_size: u64 = conn
            .pragma_query_value(None, "page_size", |r| r.get(0))
            .map_err(db_error)?;
        let pages = (max_bytes / page_size.max(1)).max(1);
        conn.pragma_update_and_check(None, "max_page_count", pages, |r| r.get(0))
            .map_err(db_error)
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn perfect(conn: &Connection, level: u32, index: u64) -> Result<Digest, AuditError> {
    let missing = || {
        AuditError::invalid(
            "tree node",
            format!("no complete subtree at level {level}, index {index}"),
        )
    };
    let base = level - level % NODE_STRIDE;
    let span = level - base;
    let first = index << span;
    let count = 1u64 << span;
    let hashes: Vec<Vec<u8>> = if base == 0 {
        let mut stmt = conn
            .prepare_cached(
                "SELECT leaf_hash FROM audit_entries WHERE idx >= ?1 AND idx < ?2 ORDER BY idx",
            )
            .map_err(db_error)?;
        stmt.query_map(params![first as i64, (first + count) as i64], |r| r.get(0))
            .map_err(db_error)?
            .collect::<Result<_, _>>()
            .map_err(db_error)?
    } else {
        let mut stmt = conn
            .prepare_cached(
                "SELECT hash FROM audit_nodes WHERE level = ?1 AND idx >= ?2 AND idx < ?3 ORDER BY idx",
            )
            .map_err(db_error)?;
        stmt.query_map(params![base, first as i64, (first + count) as i64], |r| {
            r.get(0)
        })
        .map_err(db_error)?
        .collect::<Result<_, _>>()
        .map_err(db_error)?
    };
    if hashes.len() as u64 != count {
        return Err(missing());
    }
    let digests = hashes
        .iter()
        .map(|h| digest_of(h))
        .collect::<Result<Vec<_>, _>>()?;
    fold_range(digests)
}

fn read_holds(conn: &Connection) -> Result<Vec<LegalHold>, AuditError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, from_idx, to_idx, reason, placed_by, placed_at, released_at \
             FROM audit_holds ORDER BY id",
        )
        .map_err(db_error)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })
        .map_err(db_error)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(db_error)?;
    rows.into_iter()
        .map(|(id, from, to, reason, by, at, released)| {
            Ok(LegalHold {
                id: id as u64,
                from: from as u64,
                to: to as u64,
                reason,
                placed_by: by
                    .parse()
                    .map_err(|e| AuditError::storage(BACKEND, format!("hold {id}: {e}")))?,
                placed_at: parse_time(&at)?,
                released_at: released.as_deref().map(parse_time).transpose()?,
            })
        })
        .collect()
}

impl AuditStore for SqliteAuditStore {
    fn append(&self, entries: &[NewEntry]) -> Result<AppendReceipt, AuditError> {
        let leaves: Vec<Digest> = entries.iter().map(|e| leaf_hash(&e.payload)).collect();
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db_error)?;
        let start: i64 = tx
            .query_row(
                "SELECT coalesce(max(idx) + 1, 0) FROM audit_entries",
                [],
                |r| r.get(0),
            )
            .map_err(db_error)?;
        let start = start as u64;
        if let Some(key) = super::repeated_key(entries) {
            return Err(AuditError::invalid(
                "audit batch",
                format!("two entries carry the key {key}"),
            ));
        }
        // Under the write lock taken above, so no other append can log a key in between.
        for key in entries.iter().filter_map(|e| e.unique_key.as_ref()) {
            let logged: Option<i64> = tx
                .prepare_cached("SELECT idx FROM audit_unique_keys WHERE key = ?1")
                .and_then(|mut s| s.query_row(params![key], |r| r.get(0)).optional())
                .map_err(db_error)?;
            if let Some(index) = logged {
                return Err(AuditError::Duplicate {
                    key: key.clone(),
                    index: index as u64,
                });
            }
        }
        let nodes = new_nodes(start, &leaves, &mut |l, i| perfect(&tx, l, i))?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO audit_entries (idx, leaf_hash, payload, time) VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(db_error)?;
            for (i, (entry, leaf)) in entries.iter().zip(&leaves).enumerate() {
                insert
                    .execute(params![
                        (start + i as u64) as i64,
                        leaf.as_bytes().as_slice(),
                        entry.payload,
                        time_text(&entry.time)
                    ])
                    .map_err(db_error)?;
            }
            let mut insert_node = tx
                .prepare_cached("INSERT INTO audit_nodes (level, idx, hash) VALUES (?1, ?2, ?3)")
                .map_err(db_error)?;
            let mut insert_subject = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO audit_subjects (subject, kind, idx) VALUES (?1, ?2, ?3)",
                )
                .map_err(db_error)?;
            let mut insert_key = tx
                .prepare_cached("INSERT INTO audit_unique_keys (key, idx) VALUES (?1, ?2)")
                .map_err(db_error)?;
            for (i, entry) in entries.iter().enumerate() {
                for subject in &entry.subjects {
                    insert_subject
                        .execute(params![subject, entry.kind, (start + i as u64) as i64])
                        .map_err(db_error)?;
                }
                if let Some(key) = &entry.unique_key {
                    insert_key
                        .execute(params![key, (start + i as u64) as i64])
                        .map_err(db_error)?;
                }
            }
            for (level, index, hash) in nodes.iter().filter(|(l, _, _)| l % NODE_STRIDE == 0) {
                insert_node
                    .execute(params![level, *index as i64, hash.as_bytes().as_slice()])
                    .map_err(db_error)?;
            }
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
            .lock()
            .query_row(
                "SELECT coalesce(max(idx) + 1, 0) FROM audit_entries",
                [],
                |r| r.get(0),
            )
            .map_err(db_error)?;
        Ok(n as u64)
    }

    fn entries(&self, from: u64, to: u64) -> Result<Vec<StoredEntry>, AuditError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(
                "SELECT idx, leaf_hash, payload, time, redaction FROM audit_entries \
                 WHERE idx >= ?1 AND idx < ?2 ORDER BY idx",
            )
            .map_err(db_error)?;
        let rows = stmt
            .query_map(params![from as i64, to.min(i64::MAX as u64) as i64], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Vec<u8>>(1)?,
                    r.get::<_, Option<Vec<u8>>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            })
            .map_err(db_error)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(db_error)?;
        rows.into_iter()
            .map(|(idx, leaf, payload, time, redaction)| {
                Ok(StoredEntry {
                    index: idx as u64,
                    leaf_hash: digest_of(&leaf)?,
                    payload,
                    time: parse_time(&time)?,
                    redaction: redaction
                        .map(|r| serde_json::from_str(&r))
                        .transpose()
                        .map_err(|e| {
                            AuditError::storage(BACKEND, format!("redaction of {idx}: {e}"))
                        })?,
                })
            })
            .collect()
    }

    fn perfect_hash(&self, level: u32, index: u64) -> Result<Digest, AuditError> {
        perfect(&self.lock(), level, index)
    }

    fn stored_nodes(&self) -> Result<Vec<(u32, u64, Digest)>, AuditError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare("SELECT level, idx, hash FROM audit_nodes ORDER BY level, idx")
            .map_err(db_error)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, u32>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                ))
            })
            .map_err(db_error)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(db_error)?;
        rows.into_iter()
            .map(|(l, i, h)| Ok((l, i as u64, digest_of(&h)?)))
            .collect()
    }

    fn put_checkpoint(&self, size: u64, note: &str) -> Result<(), AuditError> {
        self.lock()
            .execute(
                "INSERT INTO audit_checkpoints (size, note) VALUES (?1, ?2) ON CONFLICT (size) DO NOTHING",
                params![size as i64, note],
            )
            .map_err(db_error)?;
        Ok(())
    }

    fn checkpoints(&self) -> Result<Vec<(u64, String)>, AuditError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached("SELECT size, note FROM audit_checkpoints ORDER BY size")
            .map_err(db_error)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get::<_, String>(1)?))
            })
            .map_err(db_error)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(db_error)?;
        Ok(rows)
    }

    fn redact(
        &self,
        index: u64,
        redaction: &Redaction,
        cutoff: DateTime<Utc>,
    ) -> Result<(), AuditError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db_error)?;
        let time: Option<String> = tx
            .query_row(
                "SELECT time FROM audit_entries WHERE idx = ?1",
                params![index as i64],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_error)?;
        let time = time.ok_or_else(|| AuditError::NotFound(format!("audit entry {index}")))?;
        check_erasable(index, parse_time(&time)?, cutoff, &read_holds(&tx)?)?;
        let record = serde_json::to_string(redaction)
            .map_err(|e| AuditError::invalid("redaction", e.to_string()))?;
        tx.execute(
            "UPDATE audit_entries SET payload = NULL, redaction = ?2 WHERE idx = ?1",
            params![index as i64, record],
        )
        .map_err(db_error)?;
        tx.commit().map_err(db_error)
    }

    fn place_hold(&self, hold: &LegalHold) -> Result<LegalHold, AuditError> {
        let conn = self.lock();
        conn.execute(
            "INSERT INTO audit_holds (from_idx, to_idx, reason, placed_by, placed_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![hold.from as i64, hold.to as i64, hold.reason, hold.placed_by.as_str(), time_text(&hold.placed_at)],
        )
        .map_err(db_error)?;
        let mut placed = hold.clone();
        placed.id = conn.last_insert_rowid() as u64;
        placed.released_at = None;
        Ok(placed)
    }

    fn release_hold(&self, id: u64, at: DateTime<Utc>) -> Result<(), AuditError> {
        let n = self
            .lock()
            .execute(
                "UPDATE audit_holds SET released_at = coalesce(released_at, ?2) WHERE id = ?1",
                params![id as i64, time_text(&at)],
            )
            .map_err(db_error)?;
        if n == 0 {
            return Err(AuditError::NotFound(format!("legal hold {id}")));
        }
        Ok(())
    }

    fn holds(&self) -> Result<Vec<LegalHold>, AuditError> {
        read_holds(&self.lock())
    }

    fn cursor(&self, name: &str) -> Result<u64, AuditError> {
        let v: Option<i64> = self
            .lock()
            .query_row(
                "SELECT position FROM audit_cursors WHERE name = ?1",
                params![name],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_error)?;
        Ok(v.unwrap_or(0) as u64)
    }

    fn set_cursor(&self, name: &str, position: u64) -> Result<(), AuditError> {
        self.lock()
            .execute(
                "INSERT INTO audit_cursors (name, position) VALUES (?1, ?2) \
                 ON CONFLICT (name) DO UPDATE SET position = excluded.position",
                params![name, position as i64],
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
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(
                "SELECT idx FROM audit_subjects WHERE subject = ?1 \
                 AND (?2 IS NULL OR kind = ?2) AND idx >= ?3 ORDER BY idx LIMIT ?4",
            )
            .map_err(db_error)?;
        let limit = limit.min(i64::MAX as usize) as i64;
        stmt.query_map(
            params![subject, kind, from.min(i64::MAX as u64) as i64, limit],
            |r| r.get::<_, i64>(0),
        )
        .map_err(db_error)?
        .map(|r| r.map(|i| i as u64).map_err(db_error))
        .collect()
    }

    fn count_about(&self, subject: &str, kind: Option<&str>) -> Result<u64, AuditError> {
        let n: i64 = self
            .lock()
            .prepare_cached(
                "SELECT count(*) FROM audit_subjects WHERE subject = ?1 \
                 AND (?2 IS NULL OR kind = ?2)",
            )
            .map_err(db_error)?
            .query_row(params![subject, kind], |r| r.get(0))
            .map_err(db_error)?;
        Ok(n as u64)
    }
}

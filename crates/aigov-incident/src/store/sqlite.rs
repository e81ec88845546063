//! Incidents in the embedded SQLite file (table prefix `incident_`).

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior, params};

use super::{IncidentStore, check_update, from_json, to_json};
use crate::{Incident, IncidentError, IncidentStatus};

const BACKEND: &str = "sqlite";

mod embedded {
    refinery::embed_migrations!("migrations/sqlite");
}

fn db_error(e: rusqlite::Error) -> IncidentError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DiskFull => {
            IncidentError::storage(
                BACKEND,
                format!("the database is full (its size limit or the disk): {e}"),
            )
        }
        _ => IncidentError::storage(BACKEND, e),
    }
}

/// An [`IncidentStore`] in a SQLite database file.
#[derive(Debug)]
pub struct SqliteIncidentStore {
    conn: Mutex<Connection>,
}

impl SqliteIncidentStore {
    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    pub fn open(path: &Path) -> Result<Self, IncidentError> {
        let mut conn = Connection::open(path)
            .map_err(|e| IncidentError::storage(BACKEND, format!("{}: {e}", path.display())))?;
        conn.busy_timeout(Duration::from_secs(30))
            .map_err(db_error)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(db_error)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(db_error)?;
        let mut last = None;
        for attempt in 0..10u64 {
            let mut runner = embedded::migrations::runner();
            runner.set_migration_table_name("incident_schema_history");
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
            return Err(IncidentError::storage(
                BACKEND,
                format!("migration failed: {e}"),
            ));
        }
        Ok(SqliteIncidentStore {
            conn: Mutex::new(conn),
        })
    }

    /// Caps the database file at about `max_bytes` for this store's writes (SQLite's
    /// `max_page_count`, never below the pages already used): once it is full, a write fails
    /// whole with a storage error saying so, and nothing stored before is touched. Returns
    /// the cap in pages.
    pub fn limit_size(&self, max_bytes: u64) -> Result<u64, IncidentError> {
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

impl IncidentStore for SqliteIncidentStore {
    fn create(&self, incident: &Incident) -> Result<(), IncidentError> {
        let doc = to_json(incident)?;
        let conn = self.lock();
        conn.execute(
            "INSERT INTO incident_incidents (id, status, entries, opened_at, document) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                incident.id,
                incident.status.as_str(),
                incident.timeline.len() as i64,
                incident.opened_at.to_rfc3339(),
                doc
            ],
        )
        .map_err(|e| match &e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == ErrorCode::ConstraintViolation => {
                IncidentError::Conflict {
                    id: incident.id.clone(),
                    reason: "an incident with this id exists".into(),
                }
            }
            _ => db_error(e),
        })?;
        Ok(())
    }

    fn update(&self, incident: &Incident, read_entries: usize) -> Result<(), IncidentError> {
        let doc = to_json(incident)?;
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db_error)?;
        let stored: Option<String> = tx
            .query_row(
                "SELECT document FROM incident_incidents WHERE id = ?1",
                params![incident.id],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_error)?;
        let stored = stored.ok_or_else(|| IncidentError::NotFound(incident.id.clone()))?;
        check_update(&from_json(BACKEND, &stored)?, incident, read_entries)?;
        tx.execute(
            "UPDATE incident_incidents SET status = ?2, entries = ?3, document = ?4 WHERE id = ?1",
            params![
                incident.id,
                incident.status.as_str(),
                incident.timeline.len() as i64,
                doc
            ],
        )
        .map_err(db_error)?;
        tx.commit().map_err(db_error)
    }

    fn get(&self, id: &str) -> Result<Option<Incident>, IncidentError> {
        let conn = self.lock();
        let doc: Option<String> = conn
            .query_row(
                "SELECT document FROM incident_incidents WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_error)?;
        doc.map(|d| from_json(BACKEND, &d)).transpose()
    }

    fn list(&self, status: Option<IncidentStatus>) -> Result<Vec<Incident>, IncidentError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare(
                "SELECT document FROM incident_incidents WHERE (?1 IS NULL OR status = ?1) ORDER BY opened_at, id",
            )
            .map_err(db_error)?;
        let docs = stmt
            .query_map(params![status.map(|s| s.as_str())], |r| {
                r.get::<_, String>(0)
            })
            .map_err(db_error)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(db_error)?;
        docs.iter().map(|d| from_json(BACKEND, d)).collect()
    }
}

//! Registry records in one SQLite file (WAL mode): the embedded default.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use aigov_core::{Alias, ModelName, VersionId};
use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior, params};

use chrono::{DateTime, Utc};

use super::sql::{self, Dialect, Sql, SqlValue};
use super::{ModelQuery, Page, RegistryStore, VersionQuery};
use crate::journal::{from_micros, to_micros};
use crate::{
    ChangeNote, DeploymentRecord, ModelVersion, PendingChange, RegisteredModel, RegistryError,
};

const BACKEND: &str = "sqlite";

mod embedded {
    refinery::embed_migrations!("migrations/sqlite");
}

/// Maps SQLite errors: constraint violations are conflicts, the rest storage failures.
fn db_error(e: rusqlite::Error) -> RegistryError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == ErrorCode::ConstraintViolation => {
            RegistryError::Conflict(e.to_string())
        }
        rusqlite::Error::SqliteFailure(f, _) if f.code == ErrorCode::DiskFull => {
            RegistryError::storage(
                BACKEND,
                format!("the database is full (its size limit or the disk): {e}"),
            )
        }
        _ => RegistryError::storage(BACKEND, e),
    }
}

/// When a committed change reaches the disk.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SqliteDurability {
    /// `synchronous=NORMAL` in WAL mode: a commit survives a crash of the process at once and
    /// a power loss once the write-ahead log is next synced. In the embedded default the audit
    /// log shares the database file and syncs it on every append, which covers the registry
    /// change that preceded it.
    #[default]
    Normal,
    /// `synchronous=FULL`: every commit syncs the write-ahead log before it returns.
    Full,
}

/// A [`RegistryStore`] in a SQLite database file, shared safely by several processes.
#[derive(Debug)]
pub struct SqliteRegistryStore {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl SqliteRegistryStore {
    /// Opens (creating if needed) the database at `path` with [`SqliteDurability::Normal`] and
    /// applies pending migrations.
    pub fn open(path: &Path) -> Result<Self, RegistryError> {
        Self::open_with(path, SqliteDurability::default())
    }

    /// Opens the database at `path` with the given durability.
    pub fn open_with(path: &Path, durability: SqliteDurability) -> Result<Self, RegistryError> {
        let mut conn = Connection::open(path)
            .map_err(|e| RegistryError::storage(BACKEND, format!("{}: {e}", path.display())))?;
        // Another process may hold the write lock for a moment: wait rather than fail.
        conn.busy_timeout(Duration::from_secs(30))
            .map_err(db_error)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(db_error)?;
        let synchronous = match durability {
            SqliteDurability::Normal => "NORMAL",
            SqliteDurability::Full => "FULL",
        };
        conn.pragma_update(None, "synchronous", synchronous)
            .map_err(db_error)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(db_error)?;
        migrate(&mut conn)?;
        Ok(SqliteRegistryStore {
            conn: Mutex::new(conn),
            path: path.to_path_buf(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Caps the database file at about `max_bytes` for this store's writes (SQLite's
    /// `max_page_count`, never below the pages already used): once it is full, a write fails
    /// whole with a storage error saying so, and nothing stored before is touched. Returns
    /// the cap in pages.
    pub fn limit_size(&self, max_bytes: u64) -> Result<u64, RegistryError> {
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

/// Runs the migrations; two processes opening a new file at once may race, so retry.
fn migrate(conn: &mut Connection) -> Result<(), RegistryError> {
    let mut last = None;
    for attempt in 0..10u64 {
        let mut runner = embedded::migrations::runner();
        runner.set_migration_table_name("registry_schema_history");
        match runner.run(conn) {
            Ok(_) => return Ok(()),
            Err(e) => {
                last = Some(e.to_string());
                std::thread::sleep(Duration::from_millis(20 * (attempt + 1)));
            }
        }
    }
    Err(RegistryError::storage(
        BACKEND,
        format!("migration failed: {}", last.unwrap_or_default()),
    ))
}

fn to_sqlite(params: &[SqlValue]) -> Vec<rusqlite::types::Value> {
    params
        .iter()
        .map(|p| match p {
            SqlValue::Text(s) => rusqlite::types::Value::Text(s.clone()),
            SqlValue::Int(i) => rusqlite::types::Value::Integer(*i),
        })
        .collect()
}

fn query_docs(
    conn: &Connection,
    sql: &Sql,
    with_aliases: bool,
) -> Result<Vec<(String, Option<String>)>, RegistryError> {
    let mut stmt = conn.prepare_cached(&sql.text).map_err(db_error)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(to_sqlite(&sql.params)), |row| {
            let doc: String = row.get(0)?;
            let aliases: Option<String> = if with_aliases { row.get(1)? } else { None };
            Ok((doc, aliases))
        })
        .map_err(db_error)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(db_error)
}

/// Journals a note in the transaction of the change it records.
fn journal(tx: &rusqlite::Transaction<'_>, note: Option<&ChangeNote>) -> Result<(), RegistryError> {
    let Some(note) = note else {
        return Ok(());
    };
    let text = note.encode()?;
    let id = note.checked_id()?;
    tx.prepare_cached(
        "INSERT INTO registry_pending_changes (id, note, claimed_at) VALUES (?1, ?2, ?3)",
    )
    .and_then(|mut s| s.execute(params![id, text, to_micros(note.event.at)]))
    .map_err(db_error)?;
    Ok(())
}

fn insert_tags(tx: &rusqlite::Transaction<'_>, v: &ModelVersion) -> Result<(), RegistryError> {
    let version = v.version.get() as i64;
    let mut insert = tx
        .prepare_cached(
            "INSERT INTO registry_version_tags (name, version, key, value) VALUES (?1, ?2, ?3, ?4)",
        )
        .map_err(db_error)?;
    for (k, value) in &v.tags {
        insert
            .execute(params![v.name.as_str(), version, k, value])
            .map_err(db_error)?;
    }
    Ok(())
}

/// Writes a model's tags, replacing any it had.
fn replace_model_tags(
    tx: &rusqlite::Transaction<'_>,
    model: &RegisteredModel,
) -> Result<(), RegistryError> {
    tx.execute(
        "DELETE FROM registry_model_tags WHERE name = ?1",
        params![model.name.as_str()],
    )
    .map_err(db_error)?;
    let mut insert = tx
        .prepare_cached("INSERT INTO registry_model_tags (name, key, value) VALUES (?1, ?2, ?3)")
        .map_err(db_error)?;
    for (k, v) in &model.tags {
        insert
            .execute(params![model.name.as_str(), k, v])
            .map_err(db_error)?;
    }
    Ok(())
}

fn replace_tags(tx: &rusqlite::Transaction<'_>, v: &ModelVersion) -> Result<(), RegistryError> {
    tx.prepare_cached("DELETE FROM registry_version_tags WHERE name = ?1 AND version = ?2")
        .and_then(|mut s| s.execute(params![v.name.as_str(), v.version.get() as i64]))
        .map_err(db_error)?;
    insert_tags(tx, v)
}

impl RegistryStore for SqliteRegistryStore {
    fn create_model(
        &self,
        model: &RegisteredModel,
        note: Option<&ChangeNote>,
    ) -> Result<(), RegistryError> {
        super::check_tags(&model.tags)?;
        let doc = sql::encode_model(model)?;
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db_error)?;
        tx.execute(
            "INSERT INTO registry_models (name, last_version, doc) VALUES (?1, 0, ?2)",
            params![model.name.as_str(), doc],
        )
        .map_err(|e| match db_error(e) {
            RegistryError::Conflict(_) => {
                RegistryError::Conflict(format!("model {} already exists", model.name))
            }
            other => other,
        })?;
        replace_model_tags(&tx, model)?;
        journal(&tx, note)?;
        tx.commit().map_err(db_error)
    }

    fn update_model(
        &self,
        model: &RegisteredModel,
        note: Option<&ChangeNote>,
    ) -> Result<(), RegistryError> {
        super::check_tags(&model.tags)?;
        let doc = sql::encode_model(model)?;
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db_error)?;
        let n = tx
            .execute(
                "UPDATE registry_models SET doc = ?2 WHERE name = ?1",
                params![model.name.as_str(), doc],
            )
            .map_err(db_error)?;
        if n == 0 {
            return Err(RegistryError::NotFound(format!("model {}", model.name)));
        }
        replace_model_tags(&tx, model)?;
        journal(&tx, note)?;
        tx.commit().map_err(db_error)
    }

    fn model(&self, name: &ModelName) -> Result<Option<RegisteredModel>, RegistryError> {
        let conn = self.lock();
        let doc: Option<String> = conn
            .prepare_cached("SELECT doc FROM registry_models WHERE name = ?1")
            .and_then(|mut s| s.query_row(params![name.as_str()], |r| r.get(0)).optional())
            .map_err(db_error)?;
        doc.as_deref().map(sql::decode_model).transpose()
    }

    fn list_models(&self, query: &ModelQuery) -> Result<Page<RegisteredModel>, RegistryError> {
        let sql = sql::list_models_sql(Dialect::Sqlite, query)?;
        let rows = query_docs(&self.lock(), &sql, false)?;
        let items = rows
            .iter()
            .map(|(doc, _)| sql::decode_model(doc))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(sql::finish_page(items, query.page.limit, |m| {
            m.name.to_string()
        }))
    }

    fn create_version(
        &self,
        draft: &ModelVersion,
        note: Option<&ChangeNote>,
    ) -> Result<ModelVersion, RegistryError> {
        super::check_tags(&draft.tags)?;
        let mut conn = self.lock();
        // IMMEDIATE takes the write lock up front, so two processes never read the same
        // last_version.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db_error)?;
        let number: Option<i64> = tx
            .prepare_cached(
                "UPDATE registry_models SET last_version = last_version + 1 \
                 WHERE name = ?1 RETURNING last_version",
            )
            .and_then(|mut s| {
                s.query_row(params![draft.name.as_str()], |r| r.get(0))
                    .optional()
            })
            .map_err(db_error)?;
        let Some(number) = number else {
            return Err(RegistryError::NotFound(format!("model {}", draft.name)));
        };
        let mut stored = draft.clone();
        stored.version = VersionId::new(number as u64)?;
        stored.revision = 1;
        stored.aliases.clear();
        let doc = sql::encode_version(&stored)?;
        tx.prepare_cached(
            "INSERT INTO registry_versions (name, version, stage, revision, doc) \
             VALUES (?1, ?2, ?3, 1, ?4)",
        )
        .and_then(|mut s| {
            s.execute(params![
                stored.name.as_str(),
                number,
                stored.stage.as_str(),
                doc
            ])
        })
        .map_err(db_error)?;
        insert_tags(&tx, &stored)?;
        journal(
            &tx,
            note.map(|n| n.with_allocated_version(stored.version))
                .as_ref(),
        )?;
        tx.commit().map_err(db_error)?;
        Ok(stored)
    }

    fn update_version(
        &self,
        version: &ModelVersion,
        note: Option<&ChangeNote>,
    ) -> Result<ModelVersion, RegistryError> {
        super::check_tags(&version.tags)?;
        let mut stored = version.clone();
        stored.revision += 1;
        let doc = sql::encode_version(&stored)?;
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db_error)?;
        let n = tx
            .prepare_cached(
                "UPDATE registry_versions SET doc = ?1, stage = ?2, revision = ?3 \
                 WHERE name = ?4 AND version = ?5 AND revision = ?6",
            )
            .and_then(|mut s| {
                s.execute(params![
                    doc,
                    stored.stage.as_str(),
                    stored.revision as i64,
                    stored.name.as_str(),
                    stored.version.get() as i64,
                    version.revision as i64
                ])
            })
            .map_err(db_error)?;
        if n == 0 {
            let current: Option<i64> = tx
                .query_row(
                    "SELECT revision FROM registry_versions WHERE name = ?1 AND version = ?2",
                    params![version.name.as_str(), version.version.get() as i64],
                    |r| r.get(0),
                )
                .optional()
                .map_err(db_error)?;
            return Err(match current {
                None => RegistryError::NotFound(format!("model version {}", version.reference())),
                Some(rev) => RegistryError::Conflict(format!(
                    "{} changed (revision {} is now {rev})",
                    version.reference(),
                    version.revision
                )),
            });
        }
        replace_tags(&tx, &stored)?;
        journal(&tx, note)?;
        tx.commit().map_err(db_error)?;
        drop(conn);
        self.version(&stored.name, stored.version)?
            .ok_or_else(|| RegistryError::NotFound(format!("model version {}", stored.reference())))
    }

    fn version(
        &self,
        name: &ModelName,
        version: VersionId,
    ) -> Result<Option<ModelVersion>, RegistryError> {
        let sql = sql::version_sql(Dialect::Sqlite, name.as_str(), version.get());
        let rows = query_docs(&self.lock(), &sql, true)?;
        rows.first()
            .map(|(doc, aliases)| sql::decode_version(doc, aliases.as_deref()))
            .transpose()
    }

    fn list_versions(&self, query: &VersionQuery) -> Result<Page<ModelVersion>, RegistryError> {
        let sql = sql::list_versions_sql(Dialect::Sqlite, query)?;
        let rows = query_docs(&self.lock(), &sql, true)?;
        let items = rows
            .iter()
            .map(|(doc, aliases)| sql::decode_version(doc, aliases.as_deref()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(sql::finish_page(items, query.page.limit, |v| v.reference()))
    }

    fn set_alias(
        &self,
        name: &ModelName,
        alias: &Alias,
        version: Option<VersionId>,
        note: Option<&ChangeNote>,
    ) -> Result<Option<VersionId>, RegistryError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db_error)?;
        let previous: Option<i64> = tx
            .query_row(
                "SELECT version FROM registry_aliases WHERE name = ?1 AND alias = ?2",
                params![name.as_str(), alias.as_str()],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_error)?;
        match version {
            Some(v) => {
                let exists: Option<i64> = tx
                    .query_row(
                        "SELECT 1 FROM registry_versions WHERE name = ?1 AND version = ?2",
                        params![name.as_str(), v.get() as i64],
                        |r| r.get(0),
                    )
                    .optional()
                    .map_err(db_error)?;
                if exists.is_none() {
                    return Err(RegistryError::NotFound(format!("model version {name}@{v}")));
                }
                tx.execute(
                    "INSERT INTO registry_aliases (name, alias, version) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version",
                    params![name.as_str(), alias.as_str(), v.get() as i64],
                )
                .map_err(db_error)?;
            }
            None => {
                tx.execute(
                    "DELETE FROM registry_aliases WHERE name = ?1 AND alias = ?2",
                    params![name.as_str(), alias.as_str()],
                )
                .map_err(db_error)?;
            }
        }
        let previous = previous
            .map(|v| VersionId::new(v as u64).map_err(RegistryError::from))
            .transpose()?;
        journal(&tx, note.map(|n| n.with_alias_from(previous)).as_ref())?;
        tx.commit().map_err(db_error)?;
        Ok(previous)
    }

    fn alias(&self, name: &ModelName, alias: &Alias) -> Result<Option<VersionId>, RegistryError> {
        let conn = self.lock();
        let v: Option<i64> = conn
            .query_row(
                "SELECT version FROM registry_aliases WHERE name = ?1 AND alias = ?2",
                params![name.as_str(), alias.as_str()],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_error)?;
        v.map(|v| VersionId::new(v as u64).map_err(RegistryError::from))
            .transpose()
    }

    fn append_deployment(
        &self,
        record: &DeploymentRecord,
        note: Option<&ChangeNote>,
    ) -> Result<(), RegistryError> {
        let doc = sql::encode_deployment(record)?;
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db_error)?;
        let last: i64 = tx
            .query_row(
                "SELECT coalesce(max(seq), 0) FROM registry_deployments \
                 WHERE name = ?1 AND environment = ?2",
                params![record.model.as_str(), record.environment],
                |r| r.get(0),
            )
            .map_err(db_error)?;
        if record.seq != last as u64 + 1 {
            return Err(RegistryError::Conflict(format!(
                "deployment {} of {} in {} already exists (next is {})",
                record.seq,
                record.model,
                record.environment,
                last + 1
            )));
        }
        tx.execute(
            "INSERT INTO registry_deployments (name, environment, seq, doc) VALUES (?1, ?2, ?3, ?4)",
            params![record.model.as_str(), record.environment, record.seq as i64, doc],
        )
        .map_err(|e| match db_error(e) {
            RegistryError::Conflict(_) => {
                RegistryError::NotFound(format!("model {}", record.model))
            }
            other => other,
        })?;
        journal(&tx, note)?;
        tx.commit().map_err(db_error)
    }

    fn deployments(
        &self,
        name: &ModelName,
        environment: &str,
    ) -> Result<Vec<DeploymentRecord>, RegistryError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(
                "SELECT doc FROM registry_deployments WHERE name = ?1 AND environment = ?2 \
                 ORDER BY seq",
            )
            .map_err(db_error)?;
        let docs = stmt
            .query_map(params![name.as_str(), environment], |r| {
                r.get::<_, String>(0)
            })
            .map_err(db_error)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(db_error)?;
        docs.iter().map(|d| sql::decode_deployment(d)).collect()
    }

    fn environments(&self, name: &ModelName) -> Result<Vec<String>, RegistryError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(
                "SELECT DISTINCT environment FROM registry_deployments WHERE name = ?1 \
                 ORDER BY environment",
            )
            .map_err(db_error)?;
        stmt.query_map(params![name.as_str()], |r| r.get::<_, String>(0))
            .map_err(db_error)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(db_error)
    }

    fn pending_changes(&self, limit: usize) -> Result<Vec<PendingChange>, RegistryError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(
                "SELECT seq, note, claimed_at FROM registry_pending_changes ORDER BY seq LIMIT ?1",
            )
            .map_err(db_error)?;
        let rows = stmt
            .query_map(params![limit.min(i64::MAX as usize) as i64], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .map_err(db_error)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(db_error)?;
        rows.into_iter()
            .map(|(seq, note, claimed_at)| {
                Ok(PendingChange {
                    seq: seq as u64,
                    note: ChangeNote::decode(&note)?,
                    claimed_at: from_micros(claimed_at)?,
                })
            })
            .collect()
    }

    fn claim_change(
        &self,
        id: &str,
        at: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> Result<bool, RegistryError> {
        let n = self
            .lock()
            .execute(
                "UPDATE registry_pending_changes SET claimed_at = ?1 \
                 WHERE id = ?2 AND claimed_at < ?3",
                params![to_micros(at), id, to_micros(stale_before)],
            )
            .map_err(db_error)?;
        Ok(n == 1)
    }

    fn settle_change(&self, id: &str) -> Result<(), RegistryError> {
        self.lock()
            .execute(
                "DELETE FROM registry_pending_changes WHERE id = ?1",
                params![id],
            )
            .map_err(db_error)?;
        Ok(())
    }
}

//! Registry records in PostgreSQL, shared by many service replicas.

use std::time::Duration;

use aigov_core::{Alias, ModelName, VersionId};
use postgres::error::SqlState;
use postgres::types::ToSql;
use postgres::{Client, NoTls};
use r2d2_postgres::PostgresConnectionManager;

use chrono::{DateTime, Utc};

use super::sql::{self, Dialect, Sql, SqlValue};
use super::{ModelQuery, Page, RegistryStore, VersionQuery};
use crate::journal::{from_micros, to_micros};
use crate::{
    ChangeNote, DeploymentRecord, ModelVersion, PendingChange, RegisteredModel, RegistryError,
};

const BACKEND: &str = "postgres";
/// Serializes schema migrations across replicas starting at once.
const MIGRATION_LOCK: i64 = 0x6169_676f_7601;

mod embedded {
    refinery::embed_migrations!("migrations/postgres");
}

/// The connection pool type.
pub type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;

pub(crate) fn db_error(e: postgres::Error) -> RegistryError {
    match e.code() {
        Some(&SqlState::UNIQUE_VIOLATION) => RegistryError::Conflict(e.to_string()),
        Some(&SqlState::FOREIGN_KEY_VIOLATION) => RegistryError::NotFound(e.to_string()),
        _ => RegistryError::storage(BACKEND, e),
    }
}

/// A [`RegistryStore`] in a PostgreSQL database, through a connection pool.
#[derive(Debug, Clone)]
pub struct PostgresRegistryStore {
    pool: Pool,
}

impl PostgresRegistryStore {
    /// Connects to `url` (`postgres://user@host:port/db`) and applies pending migrations.
    pub fn connect(url: &str) -> Result<Self, RegistryError> {
        let config: postgres::Config = url
            .parse()
            .map_err(|e| RegistryError::invalid("PostgreSQL URL", format!("{e}")))?;
        Self::from_config(config)
    }

    /// Connects with a prepared configuration (for example one that sets `search_path`).
    pub fn from_config(config: postgres::Config) -> Result<Self, RegistryError> {
        let manager = PostgresConnectionManager::new(config, NoTls);
        let pool = r2d2::Pool::builder()
            .max_size(8)
            .connection_timeout(Duration::from_secs(10))
            .build(manager)
            .map_err(|e| RegistryError::storage(BACKEND, e))?;
        let store = PostgresRegistryStore { pool };
        store.migrate()?;
        Ok(store)
    }

    /// The connection pool, shared with the PostgreSQL artifact store.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    pub(crate) fn client(
        &self,
    ) -> Result<r2d2::PooledConnection<PostgresConnectionManager<NoTls>>, RegistryError> {
        self.pool
            .get()
            .map_err(|e| RegistryError::storage(BACKEND, e))
    }

    fn migrate(&self) -> Result<(), RegistryError> {
        let mut client = self.client()?;
        client
            .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
            .map_err(db_error)?;
        let mut runner = embedded::migrations::runner();
        runner.set_migration_table_name("registry_schema_history");
        let result = runner.run(&mut *client);
        let unlock = client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]);
        result.map_err(|e| RegistryError::storage(BACKEND, format!("migration failed: {e}")))?;
        unlock.map_err(db_error)?;
        Ok(())
    }
}

fn bind(params: &[SqlValue]) -> Vec<Box<dyn ToSql + Sync>> {
    params
        .iter()
        .map(|p| -> Box<dyn ToSql + Sync> {
            match p {
                SqlValue::Text(s) => Box::new(s.clone()),
                SqlValue::Int(i) => Box::new(*i),
            }
        })
        .collect()
}

fn query_docs(
    client: &mut Client,
    sql: &Sql,
    with_aliases: bool,
) -> Result<Vec<(String, Option<String>)>, RegistryError> {
    let owned = bind(&sql.params);
    let refs: Vec<&(dyn ToSql + Sync)> = owned.iter().map(|b| b.as_ref()).collect();
    let rows = client.query(sql.text.as_str(), &refs).map_err(db_error)?;
    Ok(rows
        .iter()
        .map(|r| {
            let aliases: Option<String> = if with_aliases { r.get(1) } else { None };
            (r.get::<_, String>(0), aliases)
        })
        .collect())
}

/// Journals a note in the transaction of the change it records.
fn journal(
    tx: &mut postgres::Transaction<'_>,
    note: Option<&ChangeNote>,
) -> Result<(), RegistryError> {
    let Some(note) = note else {
        return Ok(());
    };
    tx.execute(
        "INSERT INTO registry_pending_changes (id, note, claimed_at) VALUES ($1, $2, $3)",
        &[
            &note.checked_id()?,
            &note.encode()?,
            &to_micros(note.event.at),
        ],
    )
    .map_err(db_error)?;
    Ok(())
}

fn replace_tags(tx: &mut postgres::Transaction<'_>, v: &ModelVersion) -> Result<(), RegistryError> {
    let version = v.version.get() as i64;
    tx.execute(
        "DELETE FROM registry_version_tags WHERE name = $1 AND version = $2",
        &[&v.name.as_str(), &version],
    )
    .map_err(db_error)?;
    for (k, value) in &v.tags {
        tx.execute(
            "INSERT INTO registry_version_tags (name, version, key, value) VALUES ($1, $2, $3, $4)",
            &[&v.name.as_str(), &version, k, value],
        )
        .map_err(db_error)?;
    }
    Ok(())
}

fn replace_model_tags(
    tx: &mut postgres::Transaction<'_>,
    model: &RegisteredModel,
) -> Result<(), RegistryError> {
    tx.execute(
        "DELETE FROM registry_model_tags WHERE name = $1",
        &[&model.name.as_str()],
    )
    .map_err(db_error)?;
    for (k, v) in &model.tags {
        tx.execute(
            "INSERT INTO registry_model_tags (name, key, value) VALUES ($1, $2, $3)",
            &[&model.name.as_str(), k, v],
        )
        .map_err(db_error)?;
    }
    Ok(())
}

fn version_id(n: i64) -> Result<VersionId, RegistryError> {
    VersionId::new(n as u64).map_err(RegistryError::from)
}

impl RegistryStore for PostgresRegistryStore {
    fn create_model(
        &self,
        model: &RegisteredModel,
        note: Option<&ChangeNote>,
    ) -> Result<(), RegistryError> {
        super::check_tags(&model.tags)?;
        let doc = sql::encode_model(model)?;
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(db_error)?;
        tx.execute(
            "INSERT INTO registry_models (name, last_version, doc) VALUES ($1, 0, $2)",
            &[&model.name.as_str(), &doc],
        )
        .map_err(|e| match db_error(e) {
            RegistryError::Conflict(_) => {
                RegistryError::Conflict(format!("model {} already exists", model.name))
            }
            other => other,
        })?;
        replace_model_tags(&mut tx, model)?;
        journal(&mut tx, note)?;
        tx.commit().map_err(db_error)
    }

    fn update_model(
        &self,
        model: &RegisteredModel,
        note: Option<&ChangeNote>,
    ) -> Result<(), RegistryError> {
        super::check_tags(&model.tags)?;
        let doc = sql::encode_model(model)?;
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(db_error)?;
        let n = tx
            .execute(
                "UPDATE registry_models SET doc = $2 WHERE name = $1",
                &[&model.name.as_str(), &doc],
            )
            .map_err(db_error)?;
        if n == 0 {
            return Err(RegistryError::NotFound(format!("model {}", model.name)));
        }
        replace_model_tags(&mut tx, model)?;
        journal(&mut tx, note)?;
        tx.commit().map_err(db_error)
    }

    fn model(&self, name: &ModelName) -> Result<Option<RegisteredModel>, RegistryError> {
        let mut client = self.client()?;
        let row = client
            .query_opt(
                "SELECT doc FROM registry_models WHERE name = $1",
                &[&name.as_str()],
            )
            .map_err(db_error)?;
        row.map(|r| sql::decode_model(r.get(0))).transpose()
    }

    fn list_models(&self, query: &ModelQuery) -> Result<Page<RegisteredModel>, RegistryError> {
        let sql = sql::list_models_sql(Dialect::Postgres, query)?;
        let rows = query_docs(&mut *self.client()?, &sql, false)?;
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
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(db_error)?;
        // The UPDATE locks the model row until commit: concurrent registrations queue here.
        let row = tx
            .query_opt(
                "UPDATE registry_models SET last_version = last_version + 1 \
                 WHERE name = $1 RETURNING last_version",
                &[&draft.name.as_str()],
            )
            .map_err(db_error)?;
        let Some(row) = row else {
            return Err(RegistryError::NotFound(format!("model {}", draft.name)));
        };
        let number: i64 = row.get(0);
        let mut stored = draft.clone();
        stored.version = version_id(number)?;
        stored.revision = 1;
        stored.aliases.clear();
        let doc = sql::encode_version(&stored)?;
        tx.execute(
            "INSERT INTO registry_versions (name, version, stage, revision, doc) \
             VALUES ($1, $2, $3, 1, $4)",
            &[&stored.name.as_str(), &number, &stored.stage.as_str(), &doc],
        )
        .map_err(db_error)?;
        replace_tags(&mut tx, &stored)?;
        journal(
            &mut tx,
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
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(db_error)?;
        let n = tx
            .execute(
                "UPDATE registry_versions SET doc = $1, stage = $2, revision = $3 \
                 WHERE name = $4 AND version = $5 AND revision = $6",
                &[
                    &doc,
                    &stored.stage.as_str(),
                    &(stored.revision as i64),
                    &stored.name.as_str(),
                    &(stored.version.get() as i64),
                    &(version.revision as i64),
                ],
            )
            .map_err(db_error)?;
        if n == 0 {
            let current = tx
                .query_opt(
                    "SELECT revision FROM registry_versions WHERE name = $1 AND version = $2",
                    &[&version.name.as_str(), &(version.version.get() as i64)],
                )
                .map_err(db_error)?;
            return Err(match current {
                None => RegistryError::NotFound(format!("model version {}", version.reference())),
                Some(r) => RegistryError::Conflict(format!(
                    "{} changed (revision {} is now {})",
                    version.reference(),
                    version.revision,
                    r.get::<_, i64>(0)
                )),
            });
        }
        replace_tags(&mut tx, &stored)?;
        journal(&mut tx, note)?;
        tx.commit().map_err(db_error)?;
        drop(client);
        self.version(&stored.name, stored.version)?
            .ok_or_else(|| RegistryError::NotFound(format!("model version {}", stored.reference())))
    }

    fn version(
        &self,
        name: &ModelName,
        version: VersionId,
    ) -> Result<Option<ModelVersion>, RegistryError> {
        let sql = sql::version_sql(Dialect::Postgres, name.as_str(), version.get());
        let rows = query_docs(&mut *self.client()?, &sql, true)?;
        rows.first()
            .map(|(doc, aliases)| sql::decode_version(doc, aliases.as_deref()))
            .transpose()
    }

    fn list_versions(&self, query: &VersionQuery) -> Result<Page<ModelVersion>, RegistryError> {
        let sql = sql::list_versions_sql(Dialect::Postgres, query)?;
        let rows = query_docs(&mut *self.client()?, &sql, true)?;
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
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(db_error)?;
        // Lock the model row so concurrent moves of the same alias serialize.
        let model = tx
            .query_opt(
                "SELECT 1 FROM registry_models WHERE name = $1 FOR UPDATE",
                &[&name.as_str()],
            )
            .map_err(db_error)?;
        if model.is_none() {
            return Err(RegistryError::NotFound(format!("model {name}")));
        }
        let previous: Option<i64> = tx
            .query_opt(
                "SELECT version FROM registry_aliases WHERE name = $1 AND alias = $2",
                &[&name.as_str(), &alias.as_str()],
            )
            .map_err(db_error)?
            .map(|r| r.get(0));
        match version {
            Some(v) => {
                let exists = tx
                    .query_opt(
                        "SELECT 1 FROM registry_versions WHERE name = $1 AND version = $2",
                        &[&name.as_str(), &(v.get() as i64)],
                    )
                    .map_err(db_error)?;
                if exists.is_none() {
                    return Err(RegistryError::NotFound(format!("model version {name}@{v}")));
                }
                tx.execute(
                    "INSERT INTO registry_aliases (name, alias, version) VALUES ($1, $2, $3) \
                     ON CONFLICT (name, alias) DO UPDATE SET version = EXCLUDED.version",
                    &[&name.as_str(), &alias.as_str(), &(v.get() as i64)],
                )
                .map_err(db_error)?;
            }
            None => {
                tx.execute(
                    "DELETE FROM registry_aliases WHERE name = $1 AND alias = $2",
                    &[&name.as_str(), &alias.as_str()],
                )
                .map_err(db_error)?;
            }
        }
        let previous = previous.map(version_id).transpose()?;
        journal(&mut tx, note.map(|n| n.with_alias_from(previous)).as_ref())?;
        tx.commit().map_err(db_error)?;
        Ok(previous)
    }

    fn alias(&self, name: &ModelName, alias: &Alias) -> Result<Option<VersionId>, RegistryError> {
        let mut client = self.client()?;
        let row = client
            .query_opt(
                "SELECT version FROM registry_aliases WHERE name = $1 AND alias = $2",
                &[&name.as_str(), &alias.as_str()],
            )
            .map_err(db_error)?;
        row.map(|r| version_id(r.get(0))).transpose()
    }

    fn append_deployment(
        &self,
        record: &DeploymentRecord,
        note: Option<&ChangeNote>,
    ) -> Result<(), RegistryError> {
        let doc = sql::encode_deployment(record)?;
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(db_error)?;
        let model = tx
            .query_opt(
                "SELECT 1 FROM registry_models WHERE name = $1 FOR UPDATE",
                &[&record.model.as_str()],
            )
            .map_err(db_error)?;
        if model.is_none() {
            return Err(RegistryError::NotFound(format!("model {}", record.model)));
        }
        let last: i64 = tx
            .query_one(
                "SELECT coalesce(max(seq), 0) FROM registry_deployments \
                 WHERE name = $1 AND environment = $2",
                &[&record.model.as_str(), &record.environment],
            )
            .map_err(db_error)?
            .get(0);
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
            "INSERT INTO registry_deployments (name, environment, seq, doc) VALUES ($1, $2, $3, $4)",
            &[&record.model.as_str(), &record.environment, &(record.seq as i64), &doc],
        )
        .map_err(db_error)?;
        journal(&mut tx, note)?;
        tx.commit().map_err(db_error)
    }

    fn deployments(
        &self,
        name: &ModelName,
        environment: &str,
    ) -> Result<Vec<DeploymentRecord>, RegistryError> {
        let mut client = self.client()?;
        let rows = client
            .query(
                "SELECT doc FROM registry_deployments WHERE name = $1 AND environment = $2 \
                 ORDER BY seq",
                &[&name.as_str(), &environment],
            )
            .map_err(db_error)?;
        rows.iter()
            .map(|r| sql::decode_deployment(r.get(0)))
            .collect()
    }

    fn environments(&self, name: &ModelName) -> Result<Vec<String>, RegistryError> {
        let mut client = self.client()?;
        let rows = client
            .query(
                "SELECT DISTINCT environment FROM registry_deployments WHERE name = $1 \
                 ORDER BY environment",
                &[&name.as_str()],
            )
            .map_err(db_error)?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn pending_changes(&self, limit: usize) -> Result<Vec<PendingChange>, RegistryError> {
        let mut client = self.client()?;
        let rows = client
            .query(
                "SELECT seq, note, claimed_at FROM registry_pending_changes ORDER BY seq LIMIT $1",
                &[&(limit.min(i64::MAX as usize) as i64)],
            )
            .map_err(db_error)?;
        rows.iter()
            .map(|r| {
                Ok(PendingChange {
                    seq: r.get::<_, i64>(0) as u64,
                    note: ChangeNote::decode(r.get(1))?,
                    claimed_at: from_micros(r.get(2))?,
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
            .client()?
            .execute(
                "UPDATE registry_pending_changes SET claimed_at = $1 \
                 WHERE id = $2 AND claimed_at < $3",
                &[&to_micros(at), &id, &to_micros(stale_before)],
            )
            .map_err(db_error)?;
        Ok(n == 1)
    }

    fn settle_change(&self, id: &str) -> Result<(), RegistryError> {
        self.client()?
            .execute("DELETE FROM registry_pending_changes WHERE id = $1", &[&id])
            .map_err(db_error)?;
        Ok(())
    }
}

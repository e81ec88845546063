//! Incidents in PostgreSQL, shared by service replicas (table prefix `incident_`).

use std::time::Duration;

use postgres::NoTls;
use postgres::error::SqlState;
use r2d2_postgres::PostgresConnectionManager;

use super::{IncidentStore, check_update, from_json, to_json};
use crate::{Incident, IncidentError, IncidentStatus};

const BACKEND: &str = "postgres";
/// Serializes schema migrations across replicas starting at once.
const MIGRATION_LOCK: i64 = 0x6169_676f_7603;

mod embedded {
    refinery::embed_migrations!("migrations/postgres");
}

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;

fn db_error(e: postgres::Error) -> IncidentError {
    IncidentError::storage(BACKEND, e)
}

/// An [`IncidentStore`] in PostgreSQL through a connection pool.
#[derive(Debug, Clone)]
pub struct PostgresIncidentStore {
    pool: Pool,
}

impl PostgresIncidentStore {
    /// Connects to `url` and applies pending migrations.
    pub fn connect(url: &str) -> Result<Self, IncidentError> {
        let config: postgres::Config = url
            .parse()
            .map_err(|e| IncidentError::invalid("PostgreSQL URL", format!("{e}")))?;
        Self::from_config(config)
    }

    /// Connects with a prepared configuration (for example one that sets `search_path`).
    pub fn from_config(config: postgres::Config) -> Result<Self, IncidentError> {
        let pool = r2d2::Pool::builder()
            .max_size(8)
            .connection_timeout(Duration::from_secs(10))
            .build(PostgresConnectionManager::new(config, NoTls))
            .map_err(|e| IncidentError::storage(BACKEND, e))?;
        let store = PostgresIncidentStore { pool };
        let mut client = store.client()?;
        client
            .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
            .map_err(db_error)?;
        let mut runner = embedded::migrations::runner();
        runner.set_migration_table_name("incident_schema_history");
        let result = runner.run(&mut *client);
        client
            .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
            .map_err(db_error)?;
        result.map_err(|e| IncidentError::storage(BACKEND, format!("migration failed: {e}")))?;
        drop(client);
        Ok(store)
    }

    fn client(
        &self,
    ) -> Result<r2d2::PooledConnection<PostgresConnectionManager<NoTls>>, IncidentError> {
        self.pool
            .get()
            .map_err(|e| IncidentError::storage(BACKEND, e))
    }
}

impl IncidentStore for PostgresIncidentStore {
    fn create(&self, incident: &Incident) -> Result<(), IncidentError> {
        let doc = to_json(incident)?;
        let mut client = self.client()?;
        client
            .execute(
                "INSERT INTO incident_incidents (id, status, entries, opened_at, document) VALUES ($1, $2, $3, $4, $5)",
                &[
                    &incident.id,
                    &incident.status.as_str(),
                    &(incident.timeline.len() as i64),
                    &incident.opened_at.to_rfc3339(),
                    &doc,
                ],
            )
            .map_err(|e| match e.code() {
                Some(&SqlState::UNIQUE_VIOLATION) => IncidentError::Conflict {
                    id: incident.id.clone(),
                    reason: "an incident with this id exists".into(),
                },
                _ => db_error(e),
            })?;
        Ok(())
    }

    fn update(&self, incident: &Incident, read_entries: usize) -> Result<(), IncidentError> {
        let doc = to_json(incident)?;
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(db_error)?;
        let row = tx
            .query_opt(
                "SELECT document FROM incident_incidents WHERE id = $1 FOR UPDATE",
                &[&incident.id],
            )
            .map_err(db_error)?
            .ok_or_else(|| IncidentError::NotFound(incident.id.clone()))?;
        let stored: String = row.get(0);
        check_update(&from_json(BACKEND, &stored)?, incident, read_entries)?;
        tx.execute(
            "UPDATE incident_incidents SET status = $2, entries = $3, document = $4 WHERE id = $1",
            &[
                &incident.id,
                &incident.status.as_str(),
                &(incident.timeline.len() as i64),
                &doc,
            ],
        )
        .map_err(db_error)?;
        tx.commit().map_err(db_error)
    }

    fn get(&self, id: &str) -> Result<Option<Incident>, IncidentError> {
        let mut client = self.client()?;
        let row = client
            .query_opt(
                "SELECT document FROM incident_incidents WHERE id = $1",
                &[&id],
            )
            .map_err(db_error)?;
        row.map(|r| from_json(BACKEND, &r.get::<_, String>(0)))
            .transpose()
    }

    fn list(&self, status: Option<IncidentStatus>) -> Result<Vec<Incident>, IncidentError> {
        let mut client = self.client()?;
        let status = status.map(|s| s.as_str().to_string());
        let rows = client
            .query(
                "SELECT document FROM incident_incidents WHERE ($1::TEXT IS NULL OR status = $1) ORDER BY opened_at, id",
                &[&status],
            )
            .map_err(db_error)?;
        rows.iter()
            .map(|r| from_json(BACKEND, &r.get::<_, String>(0)))
            .collect()
    }
}

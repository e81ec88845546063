//! Test support for aigov's storage tests: each PostgreSQL test gets a schema of its own,
//! dropped when the test ends, and says plainly when it skips because no server was named.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::sync::atomic::{AtomicU32, Ordering};

/// The variable that names the PostgreSQL server for tests.
pub const POSTGRES_URL_VAR: &str = "AIGOV_TEST_POSTGRES_URL";

/// A fresh PostgreSQL schema for one test.
#[derive(Debug)]
pub struct PgSchema {
    url: String,
    schema: String,
}

impl PgSchema {
    /// Creates `<prefix>_<pid>_<n>`; `None` (with a line on stderr) when
    /// `AIGOV_TEST_POSTGRES_URL` is unset. Panics if the server cannot be reached, since a
    /// named server that fails is a failed test, not a skip.
    pub fn create(prefix: &str) -> Option<PgSchema> {
        let Ok(url) = std::env::var(POSTGRES_URL_VAR) else {
            eprintln!("skipping PostgreSQL test: {POSTGRES_URL_VAR} is not set");
            return None;
        };
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let schema = format!(
            "{prefix}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut client =
            postgres::Client::connect(&url, postgres::NoTls).expect("connect to PostgreSQL");
        client
            .batch_execute(&format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
            ))
            .expect("create the test schema");
        Some(PgSchema { url, schema })
    }

    /// A connection configuration whose `search_path` is this schema.
    pub fn config(&self) -> postgres::Config {
        let mut config: postgres::Config = self.url.parse().expect("a valid PostgreSQL URL");
        config.options(&format!("-c search_path={}", self.schema));
        config
    }

    /// The server URL with `search_path` set to this schema, for a CLI's `--store`.
    pub fn url(&self) -> String {
        let sep = if self.url.contains('?') { '&' } else { '?' };
        format!(
            "{}{sep}options=-c%20search_path%3D{}",
            self.url, self.schema
        )
    }

    /// Runs SQL inside this schema (to tamper with stored data, for example).
    pub fn sql(&self, statements: &str) {
        let mut client =
            postgres::Client::connect(&self.url, postgres::NoTls).expect("connect to PostgreSQL");
        client
            .batch_execute(&format!("SET search_path TO {}; {statements}", self.schema))
            .expect("run SQL in the test schema");
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.url, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
        }
    }
}

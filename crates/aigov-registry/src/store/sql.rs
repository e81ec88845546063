//! What the SQLite and PostgreSQL backends share: query text, parameters and row documents.

use aigov_core::Alias;

use super::query::{model_cursor, version_cursor};
use super::{ModelQuery, Page, VersionQuery};
use crate::{DeploymentRecord, ModelVersion, RegisteredModel, RegistryError};

/// The two SQL dialects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Dialect {
    Sqlite,
    Postgres,
}

/// A bound parameter.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum SqlValue {
    Text(String),
    Int(i64),
}

/// SQL text with its parameters, numbered for the dialect.
#[derive(Debug)]
pub(super) struct Sql {
    pub text: String,
    pub params: Vec<SqlValue>,
    dialect: Dialect,
}

impl Sql {
    fn new(dialect: Dialect, text: &str) -> Self {
        Sql {
            text: text.to_string(),
            params: Vec::new(),
            dialect,
        }
    }

    fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    fn bind(&mut self, value: SqlValue) -> &mut Self {
        self.params.push(value);
        match self.dialect {
            Dialect::Sqlite => self.text.push('?'),
            Dialect::Postgres => {
                let n = self.params.len();
                self.text.push_str(&format!("${n}"));
            }
        }
        self
    }
}

fn text(s: &str) -> SqlValue {
    SqlValue::Text(s.to_string())
}

/// A version number or sequence as a signed database integer.
pub(super) fn int(n: u64) -> SqlValue {
    SqlValue::Int(n as i64)
}

fn aliases_column(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => {
            "(SELECT group_concat(a.alias, ',') FROM registry_aliases a \
             WHERE a.name = v.name AND a.version = v.version)"
        }
        Dialect::Postgres => {
            "(SELECT string_agg(a.alias, ',' ORDER BY a.alias) FROM registry_aliases a \
             WHERE a.name = v.name AND a.version = v.version)"
        }
    }
}

/// `SELECT doc, aliases` for one version.
pub(super) fn version_sql(dialect: Dialect, name: &str, version: u64) -> Sql {
    let mut sql = Sql::new(dialect, "SELECT v.doc, ");
    sql.push(aliases_column(dialect))
        .push(" FROM registry_versions v WHERE v.name = ")
        .bind(text(name))
        .push(" AND v.version = ")
        .bind(int(version));
    sql
}

/// `SELECT doc` for a page of models, one row more than the limit.
pub(super) fn list_models_sql(dialect: Dialect, q: &ModelQuery) -> Result<Sql, RegistryError> {
    let limit = q.page.checked_limit()?;
    let mut sql = Sql::new(dialect, "SELECT m.doc FROM registry_models m WHERE 1 = 1");
    if let Some(after) = q.page.after.as_deref() {
        let name = model_cursor(after)?;
        sql.push(" AND m.name > ").bind(text(name.as_str()));
    }
    if let Some(prefix) = &q.name_prefix {
        sql.push(" AND substr(m.name, 1, length(")
            .bind(text(prefix))
            .push(")) = ")
            .bind(text(prefix));
    }
    for (k, v) in &q.tags {
        sql.push(
            " AND EXISTS (SELECT 1 FROM registry_model_tags t WHERE t.name = m.name AND t.key = ",
        )
        .bind(text(k))
        .push(" AND t.value = ")
        .bind(text(v))
        .push(")");
    }
    sql.push(" ORDER BY m.name LIMIT ")
        .bind(int(limit as u64 + 1));
    Ok(sql)
}

/// `SELECT doc, aliases` for a page of versions, one row more than the limit.
pub(super) fn list_versions_sql(dialect: Dialect, q: &VersionQuery) -> Result<Sql, RegistryError> {
    let limit = q.page.checked_limit()?;
    let mut sql = Sql::new(dialect, "SELECT v.doc, ");
    sql.push(aliases_column(dialect))
        .push(" FROM registry_versions v WHERE 1 = 1");
    if let Some(after) = q.page.after.as_deref() {
        let (name, version) = version_cursor(after)?;
        sql.push(" AND (v.name > ")
            .bind(text(name.as_str()))
            .push(" OR (v.name = ")
            .bind(text(name.as_str()))
            .push(" AND v.version > ")
            .bind(int(version.get()))
            .push("))");
    }
    if let Some(name) = &q.name {
        sql.push(" AND v.name = ").bind(text(name.as_str()));
    }
    if let Some(prefix) = &q.name_prefix {
        sql.push(" AND substr(v.name, 1, length(")
            .bind(text(prefix))
            .push(")) = ")
            .bind(text(prefix));
    }
    if let Some(stage) = q.stage {
        sql.push(" AND v.stage = ").bind(text(stage.as_str()));
    }
    for (k, value) in &q.tags {
        sql.push(
            " AND EXISTS (SELECT 1 FROM registry_version_tags t \
             WHERE t.name = v.name AND t.version = v.version AND t.key = ",
        )
        .bind(text(k))
        .push(" AND t.value = ")
        .bind(text(value))
        .push(")");
    }
    sql.push(" ORDER BY v.name, v.version LIMIT ")
        .bind(int(limit as u64 + 1));
    Ok(sql)
}

fn json_error(what: &str, e: serde_json::Error) -> RegistryError {
    RegistryError::Integrity(format!("stored {what} is not valid: {e}"))
}

/// The stored document of a version (aliases live in their own table).
pub(super) fn encode_version(v: &ModelVersion) -> Result<String, RegistryError> {
    let mut v = v.clone();
    v.aliases.clear();
    serde_json::to_string(&v).map_err(|e| RegistryError::invalid("model version", e.to_string()))
}

/// A version from its document and the comma-separated aliases pointing at it.
pub(super) fn decode_version(
    doc: &str,
    aliases: Option<&str>,
) -> Result<ModelVersion, RegistryError> {
    let mut v: ModelVersion = serde_json::from_str(doc).map_err(|e| json_error("version", e))?;
    v.aliases = aliases
        .unwrap_or_default()
        .split(',')
        .filter(|a| !a.is_empty())
        .map(|a| Alias::new(a).map_err(RegistryError::from))
        .collect::<Result<_, _>>()?;
    v.aliases.sort();
    Ok(v)
}

/// The stored document of a model.
pub(super) fn encode_model(m: &RegisteredModel) -> Result<String, RegistryError> {
    serde_json::to_string(m).map_err(|e| RegistryError::invalid("model", e.to_string()))
}

/// A model from its document.
pub(super) fn decode_model(doc: &str) -> Result<RegisteredModel, RegistryError> {
    serde_json::from_str(doc).map_err(|e| json_error("model", e))
}

/// The stored document of a deployment record.
pub(super) fn encode_deployment(d: &DeploymentRecord) -> Result<String, RegistryError> {
    serde_json::to_string(d).map_err(|e| RegistryError::invalid("deployment", e.to_string()))
}

/// A deployment record from its document.
pub(super) fn decode_deployment(doc: &str) -> Result<DeploymentRecord, RegistryError> {
    serde_json::from_str(doc).map_err(|e| json_error("deployment", e))
}

/// Trims the extra row a page query fetched and derives the next-page token.
pub(super) fn finish_page<T>(
    mut items: Vec<T>,
    limit: usize,
    cursor: impl Fn(&T) -> String,
) -> Page<T> {
    let next = (items.len() > limit).then(|| {
        items.truncate(limit);
        cursor(&items[limit - 1])
    });
    Page { items, next }
}

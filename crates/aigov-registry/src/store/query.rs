//! Search filters and pagination.

use aigov_core::{ModelName, VersionId};

use crate::{RegistryError, Stage};

/// Most items one page may hold.
pub const MAX_PAGE_SIZE: usize = 1000;

/// Which page to return.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageRequest {
    /// Items per page (1 to 1000).
    pub limit: usize,
    /// The `next` token of the previous page.
    pub after: Option<String>,
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest {
            limit: 100,
            after: None,
        }
    }
}

impl PageRequest {
    pub(crate) fn checked_limit(&self) -> Result<usize, RegistryError> {
        if self.limit == 0 || self.limit > MAX_PAGE_SIZE {
            return Err(RegistryError::invalid(
                "page size",
                format!("{} is not between 1 and {MAX_PAGE_SIZE}", self.limit),
            ));
        }
        Ok(self.limit)
    }
}

/// One page of results and the token for the next.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The items, in order.
    pub items: Vec<T>,
    /// Pass as `PageRequest::after` to continue; `None` on the last page.
    pub next: Option<String>,
}

/// Filters for listing models.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModelQuery {
    /// Only names starting with this.
    pub name_prefix: Option<String>,
    /// Only models carrying every one of these tags (key, value).
    pub tags: Vec<(String, String)>,
    /// Which page.
    pub page: PageRequest,
}

/// Filters for listing versions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VersionQuery {
    /// Only this model's versions.
    pub name: Option<ModelName>,
    /// Only models whose names start with this.
    pub name_prefix: Option<String>,
    /// Only versions in this stage.
    pub stage: Option<Stage>,
    /// Only versions carrying every one of these tags (key, value).
    pub tags: Vec<(String, String)>,
    /// Which page.
    pub page: PageRequest,
}

/// Decodes a version cursor `name@version`.
pub(crate) fn version_cursor(token: &str) -> Result<(ModelName, VersionId), RegistryError> {
    let bad = || RegistryError::invalid("page token", format!("{token:?} is not a version cursor"));
    let (name, version) = token.rsplit_once('@').ok_or_else(bad)?;
    Ok((
        ModelName::new(name).map_err(|_| bad())?,
        version.parse().map_err(|_| bad())?,
    ))
}

/// Decodes a model cursor (the last model name).
pub(crate) fn model_cursor(token: &str) -> Result<ModelName, RegistryError> {
    ModelName::new(token).map_err(|_| {
        RegistryError::invalid("page token", format!("{token:?} is not a model cursor"))
    })
}

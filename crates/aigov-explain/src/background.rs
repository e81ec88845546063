//! The background set that stands in for "feature unknown": interventional Shapley values
//! replace a missing feature by its value in each background row and average.

use aigov_core::{Digest, DigestWriter};
use ndarray::{Array2, ArrayView2};

use crate::ExplainError;

/// Background rows with their content digest, recorded in every explanation so that anyone
/// can tell which reference population the values are relative to.
#[derive(Clone, Debug, PartialEq)]
pub struct Background {
    rows: Array2<f64>,
    feature_names: Vec<String>,
    digest: Digest,
}

impl Background {
    /// Checks and digests a background set (at least one row, finite values, one column per
    /// feature name).
    pub fn new(rows: Array2<f64>, feature_names: Vec<String>) -> Result<Background, ExplainError> {
        if rows.nrows() == 0 {
            return Err(ExplainError::invalid("background", "it has no rows"));
        }
        if rows.ncols() != feature_names.len() {
            return Err(ExplainError::invalid(
                "background",
                format!(
                    "{} columns for {} feature names",
                    rows.ncols(),
                    feature_names.len()
                ),
            ));
        }
        if let Some(((r, c), v)) = rows.indexed_iter().find(|(_, v)| !v.is_finite()) {
            return Err(ExplainError::invalid(
                "background",
                format!("row {r}, feature {}: {v} is not finite", feature_names[c]),
            ));
        }
        let digest = digest_of(rows.view(), &feature_names);
        Ok(Background {
            rows,
            feature_names,
            digest,
        })
    }

    /// The rows.
    pub fn rows(&self) -> ArrayView2<'_, f64> {
        self.rows.view()
    }

    /// The feature names, in column order.
    pub fn feature_names(&self) -> &[String] {
        &self.feature_names
    }

    /// SHA-256 over a canonical encoding of the names and the values.
    pub fn digest(&self) -> Digest {
        self.digest
    }
}

/// Canonical encoding: a version tag, the shape, each name with its length, then the values
/// row-major as little-endian IEEE 754 bits, so equal backgrounds digest equally on every
/// platform.
fn digest_of(rows: ArrayView2<'_, f64>, names: &[String]) -> Digest {
    let mut w = DigestWriter::new();
    w.update(b"aigov-background-v1\n");
    w.update(&(rows.nrows() as u64).to_le_bytes());
    w.update(&(rows.ncols() as u64).to_le_bytes());
    for name in names {
        w.update(&(name.len() as u64).to_le_bytes());
        w.update(name.as_bytes());
    }
    for v in rows.iter() {
        w.update(&v.to_le_bytes());
    }
    w.finish()
}

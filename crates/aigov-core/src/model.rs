//! The model under governance seen as a black box that scores rows. It lives in core because
//! validation, robustness testing and explanations all query the same model, and those crates
//! may not depend on each other.

use ndarray::{Array1, ArrayView2};

/// A model that scores rows: the probability or score of the positive (malicious) class.
pub trait Model: Send + Sync + std::fmt::Debug {
    /// The features, in the column order `predict` expects.
    fn feature_names(&self) -> &[String];
    /// Scores a batch of rows (one row per observation, one column per feature).
    fn predict(&self, rows: ArrayView2<'_, f64>) -> Result<Array1<f64>, ModelError>;
}

/// Why a model could not be loaded or could not score a batch.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The batch has a different number of columns than the model has features.
    #[error("the model takes {expected} features but the rows have {found} columns")]
    WidthMismatch {
        /// Features the model takes.
        expected: usize,
        /// Columns in the batch.
        found: usize,
    },
    /// A feature value is NaN or infinite.
    #[error("row {row}, feature {feature}: {value} is not a finite feature value")]
    NonFinite {
        /// Row index in the batch.
        row: usize,
        /// Feature name.
        feature: String,
        /// The value.
        value: f64,
    },
    /// The model file or document could not be loaded.
    #[error("cannot load model {source_name}: {reason}")]
    Load {
        /// The file or document.
        source_name: String,
        /// Why.
        reason: String,
    },
    /// The model file names none of its features (a plain skl2onnx export) and no names
    /// were given: columns would be matched by position, which silently scores the wrong
    /// column when a CSV's order differs.
    #[error(
        "{source_name} does not name its {width} input features: give their names in input \
         order (the CLI's --features a,b,... or --features @FILE, one name a line), or set \
         the aigov.feature_names metadata entry when exporting"
    )]
    UnnamedFeatures {
        /// The file or document.
        source_name: String,
        /// How many features the model takes.
        width: usize,
    },
    /// Feature names were given for a model that declares different ones.
    #[error("{source_name} names its features {declared:?}; the names given were {given:?}")]
    FeatureNamesDiffer {
        /// The file or document.
        source_name: String,
        /// The names the model declares.
        declared: Vec<String>,
        /// The names given.
        given: Vec<String>,
    },
    /// The model's runtime failed while scoring.
    #[error("model runtime failed: {0}")]
    Runtime(String),
}

/// Checks that `rows` fits `model` (width, finite values): what every implementation does
/// before it scores, so that bad input is an error rather than a garbage score.
pub fn check_rows(model: &dyn Model, rows: ArrayView2<'_, f64>) -> Result<(), ModelError> {
    let names = model.feature_names();
    if rows.ncols() != names.len() {
        return Err(ModelError::WidthMismatch {
            expected: names.len(),
            found: rows.ncols(),
        });
    }
    // The common case, a contiguous batch of finite values, in one pass the compiler can
    // vectorise; the slow walk below only runs to name the bad cell.
    if let Some(all) = rows.as_slice()
        && all
            .chunks(64)
            .all(|c| c.iter().fold(true, |ok, x| ok & x.is_finite()))
    {
        return Ok(());
    }
    for (r, row) in rows.outer_iter().enumerate() {
        if let Some((c, &value)) = row.iter().enumerate().find(|(_, x)| !x.is_finite()) {
            return Err(ModelError::NonFinite {
                row: r,
                feature: names[c].clone(),
                value,
            });
        }
    }
    Ok(())
}

/// Scores `rows` and checks the answer: one finite score per row. Callers that index the
/// scores by row use this, so a model that answers short or with NaN is an error, not a panic.
pub fn predict_checked(
    model: &dyn Model,
    rows: ArrayView2<'_, f64>,
) -> Result<Array1<f64>, ModelError> {
    let scores = model.predict(rows)?;
    if scores.len() != rows.nrows() {
        return Err(ModelError::Runtime(format!(
            "the model returned {} scores for {} rows",
            scores.len(),
            rows.nrows()
        )));
    }
    if let Some((i, s)) = scores.iter().enumerate().find(|(_, s)| !s.is_finite()) {
        return Err(ModelError::Runtime(format!(
            "the model scored row {i} as {s}"
        )));
    }
    Ok(scores)
}

/// Checks that feature names are unique (a repeated name would make columns ambiguous).
pub fn check_feature_names(names: &[String]) -> Result<(), ModelError> {
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) {
            return Err(ModelError::Load {
                source_name: "feature names".into(),
                reason: format!("feature {n:?} appears twice"),
            });
        }
    }
    Ok(())
}

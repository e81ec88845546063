//! The model being validated, seen as a black box that scores rows: the [`Model`] trait, and a
//! linear or logistic model read from JSON for tests and small deployments. (ONNX models
//! through tract implement the same trait; they are not here yet.)

use ndarray::{Array1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::ValidationError;

/// A model that scores rows: the probability or score of the positive (malicious) class.
pub trait Model: Send + Sync + std::fmt::Debug {
    /// The features, in the column order `predict` expects.
    fn feature_names(&self) -> &[String];
    /// Scores a batch of rows (one row per observation, one column per feature).
    fn predict(&self, rows: ArrayView2<'_, f64>) -> Result<Array1<f64>, ValidationError>;
}

/// How a linear model maps its linear predictor to a score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Link {
    /// The score is the linear predictor itself.
    Identity,
    /// The score is the logistic function of the linear predictor (a probability).
    Logistic,
}

/// A linear or logistic model: score = link(intercept + Σ w_i x_i).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinearModel {
    /// Feature names.
    pub features: Vec<String>,
    /// One weight per feature.
    pub weights: Vec<f64>,
    /// The intercept.
    pub intercept: f64,
    /// The link.
    pub link: Link,
}

impl LinearModel {
    /// Reads and checks a model from JSON.
    pub fn from_json(text: &str) -> Result<LinearModel, ValidationError> {
        let model: LinearModel = serde_json::from_str(text)
            .map_err(|e| ValidationError::invalid("model", e.to_string()))?;
        if model.features.len() != model.weights.len() || model.features.is_empty() {
            return Err(ValidationError::invalid(
                "model",
                format!(
                    "{} features but {} weights",
                    model.features.len(),
                    model.weights.len()
                ),
            ));
        }
        if !model.intercept.is_finite() || model.weights.iter().any(|w| !w.is_finite()) {
            return Err(ValidationError::invalid("model", "weights must be finite"));
        }
        Ok(model)
    }
}

impl Model for LinearModel {
    fn feature_names(&self) -> &[String] {
        &self.features
    }

    fn predict(&self, rows: ArrayView2<'_, f64>) -> Result<Array1<f64>, ValidationError> {
        if rows.ncols() != self.weights.len() {
            return Err(ValidationError::invalid(
                "rows",
                format!(
                    "{} columns for a model of {} features",
                    rows.ncols(),
                    self.weights.len()
                ),
            ));
        }
        if let Some(bad) = rows.iter().find(|x| !x.is_finite()) {
            return Err(ValidationError::invalid(
                "rows",
                format!("{bad} is not a finite feature value"),
            ));
        }
        let w = Array1::from(self.weights.clone());
        let linear = rows.dot(&w) + self.intercept;
        Ok(match self.link {
            Link::Identity => linear,
            Link::Logistic => linear.mapv(|z| 1.0 / (1.0 + (-z).exp())),
        })
    }
}

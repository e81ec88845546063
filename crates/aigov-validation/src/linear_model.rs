//! A linear or logistic model read from JSON, for tests and small deployments.

use aigov_core::{Model, ModelError, check_feature_names, check_rows};
use ndarray::{Array1, ArrayView2};
use serde::{Deserialize, Serialize};

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
    pub fn from_json(text: &str) -> Result<LinearModel, ModelError> {
        let load = |reason: String| ModelError::Load {
            source_name: "linear model JSON".into(),
            reason,
        };
        let model: LinearModel = serde_json::from_str(text).map_err(|e| load(e.to_string()))?;
        if model.features.len() != model.weights.len() || model.features.is_empty() {
            return Err(load(format!(
                "{} features but {} weights",
                model.features.len(),
                model.weights.len()
            )));
        }
        if !model.intercept.is_finite() || model.weights.iter().any(|w| !w.is_finite()) {
            return Err(load("weights must be finite".into()));
        }
        check_feature_names(&model.features).map_err(|e| load(e.to_string()))?;
        Ok(model)
    }

    /// The linear predictor (before the link) of each row.
    pub fn linear_predictor(&self, rows: ArrayView2<'_, f64>) -> Result<Array1<f64>, ModelError> {
        check_rows(self, rows)?;
        // The fields are public: a hand-built model may disagree with itself.
        if self.weights.len() != self.features.len() {
            return Err(ModelError::Runtime(format!(
                "{} weights for {} features",
                self.weights.len(),
                self.features.len()
            )));
        }
        let w = ndarray::ArrayView1::from(&self.weights[..]);
        Ok(rows.dot(&w) + self.intercept)
    }
}

impl Model for LinearModel {
    fn feature_names(&self) -> &[String] {
        &self.features
    }

    fn predict(&self, rows: ArrayView2<'_, f64>) -> Result<Array1<f64>, ModelError> {
        let linear = self.linear_predictor(rows)?;
        Ok(match self.link {
            Link::Identity => linear,
            Link::Logistic => linear.mapv(|z| 1.0 / (1.0 + (-z).exp())),
        })
    }
}

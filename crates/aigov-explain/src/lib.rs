//! Explanations of single decisions for aigov: interventional Shapley values of a model's
//! score relative to a background set, computed exactly (every coalition, up to 16 features)
//! or estimated by seeded antithetic permutation sampling or Kernel SHAP. Every explanation
//! records what an auditor needs to trust or reproduce it: base value, method, seed,
//! background digest, additivity residual and a stability score.
//!
//! ```
//! use aigov_core::{Model, ModelError};
//! use aigov_explain::{Background, ExplainOptions, explain};
//! use ndarray::{Array1, ArrayView2, array};
//!
//! #[derive(Debug)]
//! struct Sum(Vec<String>);
//! impl Model for Sum {
//!     fn feature_names(&self) -> &[String] { &self.0 }
//!     fn predict(&self, rows: ArrayView2<'_, f64>) -> Result<Array1<f64>, ModelError> {
//!         Ok(rows.sum_axis(ndarray::Axis(1)))
//!     }
//! }
//! let names = vec!["a".to_string(), "b".to_string()];
//! let model = Sum(names.clone());
//! let background = Background::new(array![[0.0, 0.0], [2.0, 2.0]], names).unwrap();
//! let e = explain(&model, &background, &[3.0, 1.0], &ExplainOptions::default()).unwrap();
//! // For a linear model φ_i = w_i (x_i - mean background_i).
//! assert_eq!(e.values[0].value, 2.0);
//! assert_eq!(e.values[1].value, 0.0);
//! assert_eq!(e.base_value, 2.0);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod background;
mod error;
mod exact;
mod explain;
mod explanation;
mod game;
mod kernel;
mod permutation;

pub use background::Background;
pub use error::ExplainError;
pub use exact::MAX_EXACT_FEATURES;
pub use explain::{
    AUTO_EXACT_MAX_FEATURES, ExplainOptions, MAX_SAMPLES, explain, explain_batch, second_seed,
};
pub use explanation::{Attribution, Explanation, Method, Stability};

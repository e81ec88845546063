//! The validation gate of aigov (first part): hold-out metrics with scikit-learn's
//! definitions, where a metric the data cannot define is a [`ValidationError::Undefined`]
//! rather than a panic or a silent number.
//!
//! ```
//! let y = [false, false, true, true];
//! let score = [0.1, 0.4, 0.35, 0.8];
//! assert_eq!(aigov_validation::roc_auc(&y, &score, None).unwrap(), 0.75);
//! let ap = aigov_validation::average_precision(&y, &score, None).unwrap();
//! assert!((ap - 0.8333333333333333).abs() < 1e-15);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod error;
mod holdout;
mod linear_model;
#[cfg(feature = "onnx")]
mod onnx_model;
mod ranking;
mod slices;
mod threshold;

pub use aigov_core::{Model, ModelError};
pub use error::ValidationError;
pub use holdout::{HoldoutOptions, HoldoutReport, holdout_metrics};
pub use linear_model::{LinearModel, Link};
#[cfg(feature = "onnx")]
pub use onnx_model::{FEATURE_NAMES_KEY, OnnxModel};
pub use ranking::{average_precision, partial_roc_auc, roc_auc, roc_curve};
pub use slices::{
    BootstrapInterval, MetricValue, SliceMetrics, bootstrap_interval, metrics_by_slice,
};
pub use threshold::{
    BudgetDetection, Confusion, OperatingPoint, brier_score, detection_rate_at_budget, fpr_at_tpr,
    log_loss,
};

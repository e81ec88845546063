//! The validation gate of aigov: what a model must show before anyone may approve it, measured
//! on the model artifact itself. Hold-out metrics with scikit-learn's definitions (a metric the
//! data cannot define is [`ValidationError::Undefined`] or [`MetricValue::Undefined`], never a
//! panic or a silent number), the [`Model`] implementations (a JSON linear model; ONNX models
//! through tract with the `onnx` feature), and black-box adversarial robustness: noise flips,
//! evasion searches under feature constraints and poisoning sensitivity through a [`Trainer`].
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
mod model_file;
#[cfg(feature = "onnx")]
mod onnx_model;
mod ranking;
pub mod robustness;
mod slices;
mod threshold;
#[cfg(feature = "onnx")]
mod tree_ensemble;

pub use aigov_core::{Model, ModelError};
pub use error::ValidationError;
pub use holdout::{CURVE_POINTS, Curves, HoldoutOptions, HoldoutReport, holdout_metrics};
pub use linear_model::{LinearModel, Link};
pub use model_file::{ModelFormat, ONNX_SUPPORTED, load_model_file};
#[cfg(feature = "onnx")]
pub use onnx_model::{FEATURE_NAMES_KEY, FeatureNaming, OnnxModel};
pub use ranking::{
    average_precision, partial_roc_auc, precision_recall_curve, roc_auc, roc_curve, thin_curve,
};
pub use robustness::constraints::{Bounds, FeatureConstraints};
pub use robustness::evasion::{Attack, AttackReport, EvasionConfig, evasion_test};
pub use robustness::noise::{NoiseConfig, NoiseFlipReport, noise_flip_rate};
pub use robustness::poisoning::{
    BackdoorReport, DEFAULT_FLIP_RATES, FlipStrategy, PoisoningData, PoisoningReport, Trigger,
    backdoor_test, label_flip_sensitivity,
};
pub use robustness::report::RobustnessReport;
pub use robustness::trainer::{LogisticTrainer, Trainer};
pub use slices::{
    BootstrapInterval, MetricValue, SliceMetrics, bootstrap_interval, metrics_by_slice,
};
pub use threshold::{
    BudgetDetection, Confusion, OperatingPoint, brier_score, detection_rate_at_budget, fpr_at_tpr,
    log_loss,
};

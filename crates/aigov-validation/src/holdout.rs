//! Every hold-out metric at once: the performance evidence a validation gate reads.

use serde::{Deserialize, Serialize};

use crate::{
    BudgetDetection, Confusion, MetricValue, OperatingPoint, ValidationError, average_precision,
    brier_score, detection_rate_at_budget, fpr_at_tpr, log_loss, roc_auc,
};

/// Where the thresholded metrics are taken.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HoldoutOptions {
    /// Rows scoring at or above it are flagged.
    pub threshold: f64,
    /// The detection rate at which the false-positive rate is reported.
    pub target_tpr: f64,
    /// How many top-scored rows analysts can review (the alert budget).
    pub budget: usize,
}

impl Default for HoldoutOptions {
    fn default() -> Self {
        HoldoutOptions {
            threshold: 0.5,
            target_tpr: 0.9,
            budget: 100,
        }
    }
}

/// The hold-out metrics of one scored data set; a metric the data cannot define says why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HoldoutReport {
    /// Rows.
    pub n: usize,
    /// Malicious rows.
    pub positives: usize,
    /// Whether rows were weighted.
    pub weighted: bool,
    /// The options used.
    pub options: HoldoutOptions,
    /// ROC AUC.
    pub roc_auc: MetricValue,
    /// Average precision.
    pub average_precision: MetricValue,
    /// Confusion counts at the threshold.
    pub confusion: Confusion,
    /// Precision at the threshold.
    pub precision: MetricValue,
    /// Recall (detection rate) at the threshold.
    pub recall: MetricValue,
    /// F1 at the threshold.
    pub f1: MetricValue,
    /// Accuracy at the threshold.
    pub accuracy: MetricValue,
    /// False-positive rate at the threshold.
    pub false_positive_rate: MetricValue,
    /// Log loss (scores must be probabilities).
    pub log_loss: MetricValue,
    /// Brier score (scores must be probabilities).
    pub brier: MetricValue,
    /// The operating point reaching the target detection rate with the fewest false positives.
    pub fpr_at_tpr: Result<OperatingPoint, String>,
    /// Detection within the alert budget.
    pub detection_at_budget: Result<BudgetDetection, String>,
    /// ROC and precision-recall curves, thinned to at most [`CURVE_POINTS`] points each, for
    /// reports (absent when a class is missing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curves: Option<Curves>,
}

/// Most points kept of each curve.
pub const CURVE_POINTS: usize = 200;

/// Curves for drawing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Curves {
    /// (false-positive rate, true-positive rate), from (0, 0).
    pub roc: Vec<[f64; 2]>,
    /// (recall, precision), from full recall down to (0, 1).
    pub precision_recall: Vec<[f64; 2]>,
}

/// Computes every metric; only malformed input (lengths, NaN, bad weights) is an error.
pub fn holdout_metrics(
    y_true: &[bool],
    scores: &[f64],
    weights: Option<&[f64]>,
    options: &HoldoutOptions,
) -> Result<HoldoutReport, ValidationError> {
    let confusion = Confusion::at(y_true, scores, weights, options.threshold)?;
    let text = |e: ValidationError| e.to_string();
    Ok(HoldoutReport {
        n: y_true.len(),
        positives: y_true.iter().filter(|&&y| y).count(),
        weighted: weights.is_some(),
        options: options.clone(),
        roc_auc: roc_auc(y_true, scores, weights).into(),
        average_precision: average_precision(y_true, scores, weights).into(),
        precision: confusion.precision().into(),
        recall: confusion.recall().into(),
        f1: confusion.f1().into(),
        accuracy: confusion.accuracy().into(),
        false_positive_rate: confusion.false_positive_rate().into(),
        log_loss: log_loss(y_true, scores, weights).into(),
        brier: brier_score(y_true, scores, weights).into(),
        confusion,
        fpr_at_tpr: fpr_at_tpr(y_true, scores, weights, options.target_tpr).map_err(text),
        detection_at_budget: detection_rate_at_budget(y_true, scores, options.budget).map_err(text),
        curves: curves(y_true, scores, weights),
    })
}

fn curves(y_true: &[bool], scores: &[f64], weights: Option<&[f64]>) -> Option<Curves> {
    let (fpr, tpr) = crate::roc_curve(y_true, scores, weights).ok()?;
    let (precision, recall) =
        crate::ranking::precision_recall_curve(y_true, scores, weights).ok()?;
    Some(Curves {
        roc: crate::ranking::thin_curve(&fpr, &tpr, CURVE_POINTS),
        precision_recall: crate::ranking::thin_curve(&recall, &precision, CURVE_POINTS),
    })
}

impl MetricValue {
    /// The value, if defined.
    pub fn value(&self) -> Option<f64> {
        match self {
            MetricValue::Value { value } => Some(*value),
            MetricValue::Undefined { .. } => None,
        }
    }
}

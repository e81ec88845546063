//! Per-slice metrics (each value of a slicing column on its own rows) and seeded bootstrap
//! intervals for any metric of the scores.

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};

use crate::ValidationError;
use crate::ranking::check;
use crate::threshold::Confusion;
use crate::{average_precision, roc_auc};

/// A metric's value, or why the data cannot define it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum MetricValue {
    /// The value.
    Value {
        /// The value.
        value: f64,
    },
    /// Undefined on this slice.
    Undefined {
        /// Why.
        reason: String,
    },
}

impl From<Result<f64, ValidationError>> for MetricValue {
    fn from(r: Result<f64, ValidationError>) -> Self {
        match r {
            Ok(value) => MetricValue::Value { value },
            Err(e) => MetricValue::Undefined {
                reason: e.to_string(),
            },
        }
    }
}

/// The metrics of one slice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SliceMetrics {
    /// The slice's value.
    pub slice: String,
    /// Rows.
    pub n: usize,
    /// Malicious rows.
    pub positives: usize,
    /// ROC AUC.
    pub roc_auc: MetricValue,
    /// Average precision.
    pub average_precision: MetricValue,
    /// Precision at the threshold.
    pub precision: MetricValue,
    /// Recall at the threshold.
    pub recall: MetricValue,
    /// False-positive rate at the threshold.
    pub false_positive_rate: MetricValue,
}

/// Metrics per value of `slices` (one label per row), in the values' sorted order.
pub fn metrics_by_slice(
    y_true: &[bool],
    scores: &[f64],
    weights: Option<&[f64]>,
    slices: &[String],
    threshold: f64,
) -> Result<Vec<SliceMetrics>, ValidationError> {
    check(y_true, scores, weights)?;
    if slices.len() != y_true.len() {
        return Err(ValidationError::invalid(
            "slices",
            format!("{} slice labels for {} rows", slices.len(), y_true.len()),
        ));
    }
    let mut rows: BTreeMap<&String, Vec<usize>> = BTreeMap::new();
    for (i, s) in slices.iter().enumerate() {
        rows.entry(s).or_default().push(i);
    }
    rows.into_iter()
        .map(|(slice, idx)| {
            let y: Vec<bool> = idx.iter().map(|&i| y_true[i]).collect();
            let s: Vec<f64> = idx.iter().map(|&i| scores[i]).collect();
            let w: Option<Vec<f64>> = weights.map(|w| idx.iter().map(|&i| w[i]).collect());
            let w = w.as_deref();
            let c = Confusion::at(&y, &s, w, threshold)?;
            Ok(SliceMetrics {
                slice: slice.clone(),
                n: idx.len(),
                positives: y.iter().filter(|t| **t).count(),
                roc_auc: roc_auc(&y, &s, w).into(),
                average_precision: average_precision(&y, &s, w).into(),
                precision: c.precision().into(),
                recall: c.recall().into(),
                false_positive_rate: c.false_positive_rate().into(),
            })
        })
        .collect()
}

/// A bootstrap interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BootstrapInterval {
    /// Lower percentile.
    pub lower: f64,
    /// Upper percentile.
    pub upper: f64,
    /// Resamples drawn.
    pub resamples: usize,
    /// Resamples on which the metric was defined.
    pub defined: usize,
    /// The seed.
    pub seed: u64,
}

/// A percentile interval for `metric`, resampling malicious and benign rows separately (so
/// every resample keeps both classes), with a seeded ChaCha20 generator.
pub fn bootstrap_interval(
    y_true: &[bool],
    scores: &[f64],
    metric: impl Fn(&[bool], &[f64]) -> Result<f64, ValidationError>,
    resamples: usize,
    confidence: f64,
    seed: u64,
) -> Result<BootstrapInterval, ValidationError> {
    check(y_true, scores, None)?;
    if resamples < 1000 {
        return Err(ValidationError::invalid(
            "resamples",
            "at least 1,000 resamples are needed",
        ));
    }
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(ValidationError::invalid(
            "confidence",
            format!("{confidence} is not between 0 and 1"),
        ));
    }
    let positives: Vec<usize> = (0..y_true.len()).filter(|&i| y_true[i]).collect();
    let negatives: Vec<usize> = (0..y_true.len()).filter(|&i| !y_true[i]).collect();
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut values = Vec::with_capacity(resamples);
    let (mut y, mut s) = (
        Vec::with_capacity(y_true.len()),
        Vec::with_capacity(y_true.len()),
    );
    for _ in 0..resamples {
        y.clear();
        s.clear();
        for class in [&positives, &negatives] {
            for _ in 0..class.len() {
                let i = class[rng.random_range(0..class.len())];
                y.push(y_true[i]);
                s.push(scores[i]);
            }
        }
        if let Ok(v) = metric(&y, &s) {
            values.push(v);
        }
    }
    if values.is_empty() {
        return Err(ValidationError::undefined(
            "bootstrap",
            "the metric was undefined on every resample",
        ));
    }
    values.sort_by(f64::total_cmp);
    let tail = (1.0 - confidence) / 2.0;
    let at = |q: f64| {
        let h = (values.len() - 1) as f64 * q;
        let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
        values[lo] + (h - lo as f64) * (values[hi] - values[lo])
    };
    Ok(BootstrapInterval {
        lower: at(tail),
        upper: at(1.0 - tail),
        resamples,
        defined: values.len(),
        seed,
    })
}

//! Metrics at a decision threshold (a row is flagged when its score is at or above it) with
//! scikit-learn's definitions, probabilistic losses, and the two figures security teams ask
//! for that scikit-learn lacks: the false-positive rate at a target detection rate, and the
//! detection rate within an alert budget of the top k scores.

use serde::{Deserialize, Serialize};

use crate::ValidationError;
use crate::ranking::{check, clf_curve};

/// Weighted confusion counts at a threshold.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Confusion {
    /// Flagged and malicious.
    pub tp: f64,
    /// Flagged and benign.
    pub fp: f64,
    /// Passed and benign.
    pub tn: f64,
    /// Passed and malicious.
    pub fn_: f64,
}

impl Confusion {
    /// Counts with `score >= threshold` flagged.
    pub fn at(
        y_true: &[bool],
        scores: &[f64],
        weights: Option<&[f64]>,
        threshold: f64,
    ) -> Result<Confusion, ValidationError> {
        check(y_true, scores, weights)?;
        if threshold.is_nan() {
            return Err(ValidationError::invalid("threshold", "NaN"));
        }
        let mut c = Confusion {
            tp: 0.0,
            fp: 0.0,
            tn: 0.0,
            fn_: 0.0,
        };
        for (i, (t, s)) in y_true.iter().zip(scores).enumerate() {
            let w = weights.map_or(1.0, |w| w[i]);
            match (*s >= threshold, *t) {
                (true, true) => c.tp += w,
                (true, false) => c.fp += w,
                (false, false) => c.tn += w,
                (false, true) => c.fn_ += w,
            }
        }
        Ok(c)
    }

    /// TP / (TP + FP); undefined when nothing is flagged.
    pub fn precision(&self) -> Result<f64, ValidationError> {
        ratio(
            "precision",
            self.tp,
            self.tp + self.fp,
            "nothing is flagged",
        )
    }

    /// TP / (TP + FN); undefined without positives.
    pub fn recall(&self) -> Result<f64, ValidationError> {
        ratio(
            "recall",
            self.tp,
            self.tp + self.fn_,
            "there are no positives",
        )
    }

    /// 2 TP / (2 TP + FP + FN); undefined when there are no positives and nothing is flagged.
    pub fn f1(&self) -> Result<f64, ValidationError> {
        ratio(
            "f1",
            2.0 * self.tp,
            2.0 * self.tp + self.fp + self.fn_,
            "there are no positives and nothing is flagged",
        )
    }

    /// (TP + TN) / all.
    pub fn accuracy(&self) -> Result<f64, ValidationError> {
        ratio(
            "accuracy",
            self.tp + self.tn,
            self.tp + self.tn + self.fp + self.fn_,
            "there is no weight",
        )
    }

    /// FP / (FP + TN); undefined without negatives.
    pub fn false_positive_rate(&self) -> Result<f64, ValidationError> {
        ratio(
            "false_positive_rate",
            self.fp,
            self.fp + self.tn,
            "there are no negatives",
        )
    }
}

fn ratio(metric: &'static str, num: f64, den: f64, why: &str) -> Result<f64, ValidationError> {
    if den > 0.0 {
        Ok(num / den)
    } else {
        Err(ValidationError::undefined(metric, why))
    }
}

fn weighted_mean(
    values: impl Iterator<Item = f64>,
    weights: Option<&[f64]>,
) -> Result<f64, ValidationError> {
    let (mut sum, mut total) = (0.0, 0.0);
    for (i, v) in values.enumerate() {
        let w = weights.map_or(1.0, |w| w[i]);
        sum += w * v;
        total += w;
    }
    if total > 0.0 {
        Ok(sum / total)
    } else {
        Err(ValidationError::undefined(
            "loss",
            "the weights sum to zero",
        ))
    }
}

fn probabilities(scores: &[f64]) -> Result<(), ValidationError> {
    if let Some(i) = scores.iter().position(|p| !(0.0..=1.0).contains(p)) {
        return Err(ValidationError::invalid(
            "probabilities",
            format!("row {}: {} is not in [0, 1]", i + 1, scores[i]),
        ));
    }
    Ok(())
}

/// scikit-learn's `log_loss`: probabilities clipped to [eps, 1 - eps] (eps = f64::EPSILON),
/// weighted mean of -(y ln p + (1 - y) ln(1 - p)).
pub fn log_loss(
    y_true: &[bool],
    probabilities_: &[f64],
    weights: Option<&[f64]>,
) -> Result<f64, ValidationError> {
    check(y_true, probabilities_, weights)?;
    probabilities(probabilities_)?;
    let eps = f64::EPSILON;
    weighted_mean(
        y_true.iter().zip(probabilities_).map(|(t, p)| {
            let p = p.clamp(eps, 1.0 - eps);
            if *t { -p.ln() } else { -(1.0 - p).ln() }
        }),
        weights,
    )
}

/// scikit-learn's `brier_score_loss`: weighted mean of (y - p)².
pub fn brier_score(
    y_true: &[bool],
    probabilities_: &[f64],
    weights: Option<&[f64]>,
) -> Result<f64, ValidationError> {
    check(y_true, probabilities_, weights)?;
    probabilities(probabilities_)?;
    weighted_mean(
        y_true
            .iter()
            .zip(probabilities_)
            .map(|(t, p)| (f64::from(u8::from(*t)) - p).powi(2)),
        weights,
    )
}

/// An operating point of the ROC curve.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct OperatingPoint {
    /// The score threshold (flag at or above).
    pub threshold: f64,
    /// True-positive rate there.
    pub tpr: f64,
    /// False-positive rate there.
    pub fpr: f64,
}

/// The highest threshold whose true-positive rate reaches `target_tpr`, and its false-positive
/// rate (no interpolation between thresholds: an alerting system runs at one of them).
pub fn fpr_at_tpr(
    y_true: &[bool],
    scores: &[f64],
    weights: Option<&[f64]>,
    target_tpr: f64,
) -> Result<OperatingPoint, ValidationError> {
    if !(target_tpr > 0.0 && target_tpr <= 1.0) {
        return Err(ValidationError::invalid(
            "target TPR",
            format!("{target_tpr} is not in (0, 1]"),
        ));
    }
    check(y_true, scores, weights)?;
    let (fps, tps, thresholds) = clf_curve(y_true, scores, weights);
    let (fp_total, tp_total) = (fps[fps.len() - 1], tps[tps.len() - 1]);
    if tp_total <= 0.0 || fp_total <= 0.0 {
        return Err(ValidationError::undefined(
            "fpr_at_tpr",
            "both classes must be present",
        ));
    }
    let k = tps
        .iter()
        .position(|t| t / tp_total >= target_tpr)
        .unwrap_or(tps.len() - 1);
    Ok(OperatingPoint {
        threshold: thresholds[k],
        tpr: tps[k] / tp_total,
        fpr: fps[k] / fp_total,
    })
}

/// Detection within an alert budget.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BudgetDetection {
    /// Rows alerted (the budget, at most all rows).
    pub budget: usize,
    /// Expected malicious rows among them.
    pub detected: f64,
    /// detected / all malicious rows.
    pub detection_rate: f64,
    /// Rows whose score ties with the budget's boundary and were counted fractionally.
    pub boundary_ties: usize,
}

/// The share of malicious rows among the `budget` highest scores. When the boundary falls
/// inside a group of tied scores, each tied row counts by the share of the group that fits
/// (the expected value under a random tie break), and the group's size is reported.
pub fn detection_rate_at_budget(
    y_true: &[bool],
    scores: &[f64],
    budget: usize,
) -> Result<BudgetDetection, ValidationError> {
    check(y_true, scores, None)?;
    let positives = y_true.iter().filter(|t| **t).count();
    if positives == 0 {
        return Err(ValidationError::undefined(
            "detection_rate_at_budget",
            "there are no malicious rows",
        ));
    }
    let budget = budget.min(scores.len());
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|a, b| scores[*b].total_cmp(&scores[*a]));
    let (mut taken, mut detected, mut boundary_ties) = (0usize, 0.0, 0usize);
    let mut k = 0;
    while k < order.len() && taken < budget {
        let s = scores[order[k]];
        let end = order[k..]
            .iter()
            .position(|&i| scores[i] != s)
            .map_or(order.len(), |p| k + p);
        let group = end - k;
        let malicious = order[k..end].iter().filter(|&&i| y_true[i]).count() as f64;
        let room = budget - taken;
        if group <= room {
            detected += malicious;
            taken += group;
        } else {
            detected += malicious * room as f64 / group as f64;
            taken += room;
            boundary_ties = group;
        }
        k = end;
    }
    Ok(BudgetDetection {
        budget,
        detected,
        detection_rate: detected / positives as f64,
        boundary_ties,
    })
}

//! AIF360's signed metrics against a privileged group (unprivileged minus privileged, or
//! unprivileged over privileged), and the generalized entropy index of individual benefits.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::FairnessError;
use crate::counts::ConfusionCounts;
use crate::disparity::Disparity;
use crate::metrics::{GroupRates, Rate};

/// AIF360's group metrics of the unprivileged rows against the privileged rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignedMetrics {
    /// The privileged group (column -> value); every other row is unprivileged.
    pub privileged: BTreeMap<String, String>,
    /// P(flag | unprivileged) - P(flag | privileged).
    pub statistical_parity_difference: Disparity,
    /// P(flag | unprivileged) / P(flag | privileged).
    pub disparate_impact: Disparity,
    /// ((FPR_u - FPR_p) + (TPR_u - TPR_p)) / 2.
    pub average_odds_difference: Disparity,
    /// (|FPR_u - FPR_p| + |TPR_u - TPR_p|) / 2.
    pub average_abs_odds_difference: Disparity,
    /// TPR_u - TPR_p.
    pub equal_opportunity_difference: Disparity,
}

fn pair(u: Rate, p: Rate, f: impl Fn(f64, f64) -> Option<f64>) -> Disparity {
    match (u.value(), p.value()) {
        (Some(a), Some(b)) => match f(a, b) {
            Some(value) => Disparity::Value { value },
            None => Disparity::Undefined {
                reason: "division by a zero privileged rate".into(),
            },
        },
        _ => Disparity::InsufficientEvidence { groups: Vec::new() },
    }
}

impl SignedMetrics {
    /// The metrics from the pooled counts of the unprivileged and privileged rows.
    pub fn new(
        privileged: BTreeMap<String, String>,
        unprivileged_counts: &ConfusionCounts,
        privileged_counts: &ConfusionCounts,
        min_rows: u64,
    ) -> SignedMetrics {
        let u = GroupRates::from_counts(unprivileged_counts, min_rows);
        let p = GroupRates::from_counts(privileged_counts, min_rows);
        let odds = |abs: bool| match (u.fpr.value(), p.fpr.value(), u.tpr.value(), p.tpr.value()) {
            (Some(fu), Some(fp), Some(tu), Some(tp)) => {
                let (a, b) = (fu - fp, tu - tp);
                Disparity::Value {
                    value: if abs {
                        (a.abs() + b.abs()) / 2.0
                    } else {
                        (a + b) / 2.0
                    },
                }
            }
            _ => Disparity::InsufficientEvidence { groups: Vec::new() },
        };
        SignedMetrics {
            privileged,
            statistical_parity_difference: pair(u.selection_rate, p.selection_rate, |a, b| {
                Some(a - b)
            }),
            disparate_impact: pair(u.selection_rate, p.selection_rate, |a, b| {
                (b != 0.0).then(|| a / b)
            }),
            average_odds_difference: odds(false),
            average_abs_odds_difference: odds(true),
            equal_opportunity_difference: pair(u.tpr, p.tpr, |a, b| Some(a - b)),
        }
    }
}

/// The generalized entropy index of benefits b_i = flagged_i - truth_i + 1 (AIF360's
/// definition): mean((b/μ)^α - 1) / (α(α - 1)); α = 1 is the Theil index mean(b/μ ln(b/μ)),
/// α = 0 is -mean(ln(b/μ)), which needs every benefit positive.
pub fn generalized_entropy_index(
    y_true: &[bool],
    y_pred: &[bool],
    alpha: f64,
) -> Result<f64, FairnessError> {
    if y_true.is_empty() || y_true.len() != y_pred.len() {
        return Err(FairnessError::invalid(
            "rows",
            "labels and predictions must be non-empty and of equal length",
        ));
    }
    if !alpha.is_finite() {
        return Err(FairnessError::invalid(
            "alpha",
            format!("{alpha} is not finite"),
        ));
    }
    let benefits: Vec<f64> = y_true
        .iter()
        .zip(y_pred)
        .map(|(t, p)| f64::from(u8::from(*p)) - f64::from(u8::from(*t)) + 1.0)
        .collect();
    let n = benefits.len() as f64;
    let mu = benefits.iter().sum::<f64>() / n;
    if mu == 0.0 {
        return Err(FairnessError::invalid(
            "benefits",
            "the mean benefit is zero",
        ));
    }
    let ratios = benefits.iter().map(|b| b / mu);
    let value = if alpha == 1.0 {
        ratios
            .map(|r| if r == 0.0 { 0.0 } else { r * r.ln() })
            .sum::<f64>()
            / n
    } else if alpha == 0.0 {
        if benefits.contains(&0.0) {
            return Err(FairnessError::invalid(
                "alpha",
                "alpha = 0 takes the logarithm of every benefit, and a missed detection has benefit 0",
            ));
        }
        -ratios.map(f64::ln).sum::<f64>() / n
    } else {
        ratios.map(|r| r.powf(alpha) - 1.0).sum::<f64>() / n / (alpha * (alpha - 1.0))
    };
    Ok(value)
}

/// The Theil index: the generalized entropy index at α = 1.
pub fn theil_index(y_true: &[bool], y_pred: &[bool]) -> Result<f64, FairnessError> {
    generalized_entropy_index(y_true, y_pred, 1.0)
}

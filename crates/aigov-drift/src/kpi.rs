//! Alert KPIs from labelled feedback: per window, the false-positive rate, false-negative rate
//! and precision of the alerts a security model raised, each with a Wilson score interval, and
//! alarms when an interval lies entirely past a configured limit.

use serde::{Deserialize, Serialize};

use crate::DriftError;

/// One piece of feedback: whether the model alerted, and whether the case was truly bad.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    /// The model raised an alert.
    pub alert: bool,
    /// The case was truly malicious (the alert was deserved).
    pub label: bool,
}

/// A rate with its Wilson score interval; `None` values when the denominator is zero.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RateEstimate {
    /// Events counted in the numerator.
    pub events: u64,
    /// The denominator.
    pub trials: u64,
    /// events / trials.
    pub rate: Option<f64>,
    /// Lower end of the Wilson interval.
    pub lower: Option<f64>,
    /// Upper end of the Wilson interval.
    pub upper: Option<f64>,
}

/// The Wilson score interval for `events` out of `trials` at normal quantile `z`
/// (1.959963984540054 for 95 %); `None` when there are no trials.
pub fn wilson_interval(events: u64, trials: u64, z: f64) -> Option<(f64, f64)> {
    if trials == 0 || events > trials {
        return None;
    }
    let n = trials as f64;
    let p = events as f64 / n;
    let z2 = z * z;
    let denominator = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denominator;
    let half = z / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(((center - half).max(0.0), (center + half).min(1.0)))
}

impl RateEstimate {
    fn new(events: u64, trials: u64, z: f64) -> RateEstimate {
        let interval = wilson_interval(events, trials, z);
        RateEstimate {
            events,
            trials,
            rate: (trials > 0).then(|| events as f64 / trials as f64),
            lower: interval.map(|i| i.0),
            upper: interval.map(|i| i.1),
        }
    }
}

/// Limits on the KPIs; an alarm fires when the whole interval is past a limit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct KpiLimits {
    /// Highest acceptable false-positive rate.
    pub max_false_positive_rate: Option<f64>,
    /// Highest acceptable false-negative rate.
    pub max_false_negative_rate: Option<f64>,
    /// Lowest acceptable precision.
    pub min_precision: Option<f64>,
    /// Confidence of the intervals (0.95 by default).
    pub confidence: f64,
}

impl Default for KpiLimits {
    fn default() -> Self {
        KpiLimits {
            max_false_positive_rate: None,
            max_false_negative_rate: None,
            min_precision: None,
            confidence: 0.95,
        }
    }
}

/// The KPIs of one window of feedback.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KpiWindow {
    /// Position of the window (0-based).
    pub window: usize,
    /// First row of the window (0-based, data rows).
    pub first_row: usize,
    /// Rows in the window.
    pub rows: usize,
    /// True positives.
    pub tp: u64,
    /// False positives.
    pub fp: u64,
    /// True negatives.
    pub tn: u64,
    /// False negatives.
    pub fn_: u64,
    /// FP / (FP + TN).
    pub false_positive_rate: RateEstimate,
    /// FN / (FN + TP).
    pub false_negative_rate: RateEstimate,
    /// TP / (TP + FP).
    pub precision: RateEstimate,
    /// Alarms raised in this window.
    pub alarms: Vec<String>,
}

/// KPIs per consecutive window of `window` rows (the last one may be shorter); `window` 0
/// takes all rows as one window.
pub fn alert_kpis(
    feedback: &[Feedback],
    window: usize,
    limits: &KpiLimits,
) -> Result<Vec<KpiWindow>, DriftError> {
    if !(limits.confidence > 0.0 && limits.confidence < 1.0) {
        return Err(DriftError::invalid(
            "confidence",
            format!("{} is not between 0 and 1", limits.confidence),
        ));
    }
    if feedback.is_empty() {
        return Err(DriftError::invalid("feedback", "no feedback rows"));
    }
    let z = normal_quantile(0.5 + limits.confidence / 2.0);
    let size = if window == 0 { feedback.len() } else { window };
    Ok(feedback
        .chunks(size)
        .enumerate()
        .map(|(i, rows)| {
            let count = |alert: bool, label: bool| {
                rows.iter()
                    .filter(|f| f.alert == alert && f.label == label)
                    .count() as u64
            };
            let (tp, fp, tn, fn_) = (
                count(true, true),
                count(true, false),
                count(false, false),
                count(false, true),
            );
            let fpr = RateEstimate::new(fp, fp + tn, z);
            let fnr = RateEstimate::new(fn_, fn_ + tp, z);
            let precision = RateEstimate::new(tp, tp + fp, z);
            let mut alarms = Vec::new();
            let pct = |x: f64| format!("{:.2}%", 100.0 * x);
            if let (Some(limit), Some(lower)) = (limits.max_false_positive_rate, fpr.lower)
                && lower > limit
            {
                alarms.push(format!(
                    "false-positive rate above {}: interval starts at {}",
                    pct(limit),
                    pct(lower)
                ));
            }
            if let (Some(limit), Some(lower)) = (limits.max_false_negative_rate, fnr.lower)
                && lower > limit
            {
                alarms.push(format!(
                    "false-negative rate above {}: interval starts at {}",
                    pct(limit),
                    pct(lower)
                ));
            }
            if let (Some(limit), Some(upper)) = (limits.min_precision, precision.upper)
                && upper < limit
            {
                alarms.push(format!(
                    "precision below {}: interval ends at {}",
                    pct(limit),
                    pct(upper)
                ));
            }
            KpiWindow {
                window: i,
                first_row: i * size,
                rows: rows.len(),
                tp,
                fp,
                tn,
                fn_,
                false_positive_rate: fpr,
                false_negative_rate: fnr,
                precision,
                alarms,
            }
        })
        .collect())
}

/// The standard normal quantile.
pub(crate) fn normal_quantile(p: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, Normal};
    Normal::standard().inverse_cdf(p)
}

/// Reads a boolean feedback cell: 1/0, true/false, yes/no, y/n (any case).
pub fn parse_flag(cell: &str) -> Option<bool> {
    match cell.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "y" | "t" => Some(true),
        "0" | "false" | "no" | "n" | "f" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_statsmodels() {
        // statsmodels 0.15 proportion_confint(x, n, alpha, method='wilson').
        let cases = [
            (1, 10, 0.95, 0.017876213095072924, 0.40415002679523854),
            (0, 20, 0.95, 0.0, 0.1611251580528194),
            (37, 400, 0.90, 0.07133243403626749, 0.11914307518114936),
        ];
        for (x, n, confidence, lo, hi) in cases {
            let z = normal_quantile(0.5 + confidence / 2.0);
            let (l, h) = wilson_interval(x, n, z).unwrap();
            assert!(
                (l - lo).abs() < 1e-12 && (h - hi).abs() < 1e-12,
                "{x}/{n}: {l} {h}"
            );
        }
        assert_eq!(wilson_interval(0, 0, 1.96), None);
    }
}

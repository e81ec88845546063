//! Threshold-free metrics with scikit-learn's definitions: the ROC curve over distinct score
//! thresholds (tied scores move together), ROC AUC by the trapezoid rule, McClish's
//! standardized partial AUC, and average precision as the step sum Σ (R_n - R_{n-1}) P_n
//! without interpolation. Sample weights scale each row's contribution.

use crate::ValidationError;

/// Checked inputs: labels, scores, weights of equal length, scores finite, weights finite and
/// non-negative.
pub(crate) fn check(
    y_true: &[bool],
    scores: &[f64],
    weights: Option<&[f64]>,
) -> Result<(), ValidationError> {
    let n = y_true.len();
    if n == 0 {
        return Err(ValidationError::invalid("rows", "no rows"));
    }
    if scores.len() != n {
        return Err(ValidationError::invalid(
            "scores",
            format!("{} scores for {n} labels", scores.len()),
        ));
    }
    if let Some(i) = scores.iter().position(|s| !s.is_finite()) {
        return Err(ValidationError::invalid(
            "scores",
            format!("row {}: {} is not a finite score", i + 1, scores[i]),
        ));
    }
    if let Some(w) = weights {
        if w.len() != n {
            return Err(ValidationError::invalid(
                "sample weights",
                format!("{} weights for {n} rows", w.len()),
            ));
        }
        if let Some(i) = w.iter().position(|x| !(x.is_finite() && *x >= 0.0)) {
            return Err(ValidationError::invalid(
                "sample weights",
                format!(
                    "row {}: {} is not a finite non-negative weight",
                    i + 1,
                    w[i]
                ),
            ));
        }
    }
    Ok(())
}

/// Cumulative weighted (false positives, true positives) at each distinct score, from the
/// highest score down: scikit-learn's `_binary_clf_curve`, with the thresholds.
pub(crate) fn clf_curve(
    y_true: &[bool],
    scores: &[f64],
    weights: Option<&[f64]>,
) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    // Descending, stable (scikit-learn sorts with mergesort on the reversed scores).
    order.sort_by(|a, b| scores[*b].total_cmp(&scores[*a]));
    let (mut fps, mut tps, mut thresholds) = (Vec::new(), Vec::new(), Vec::new());
    let (mut fp, mut tp) = (0.0, 0.0);
    for (k, &i) in order.iter().enumerate() {
        let w = weights.map_or(1.0, |w| w[i]);
        if y_true[i] {
            tp += w;
        } else {
            fp += w;
        }
        let last_of_score = order
            .get(k + 1)
            .is_none_or(|&next| scores[next] != scores[i]);
        if last_of_score {
            fps.push(fp);
            tps.push(tp);
            thresholds.push(scores[i]);
        }
    }
    (fps, tps, thresholds)
}

/// The ROC curve (false-positive rates, true-positive rates), starting at (0, 0).
pub fn roc_curve(
    y_true: &[bool],
    scores: &[f64],
    weights: Option<&[f64]>,
) -> Result<(Vec<f64>, Vec<f64>), ValidationError> {
    check(y_true, scores, weights)?;
    let (fps, tps, _) = clf_curve(y_true, scores, weights);
    let (fp_total, tp_total) = (fps[fps.len() - 1], tps[tps.len() - 1]);
    if tp_total <= 0.0 || fp_total <= 0.0 {
        return Err(ValidationError::undefined(
            "roc_auc",
            "both classes must be present (with positive weight)",
        ));
    }
    let fpr = std::iter::once(0.0)
        .chain(fps.iter().map(|f| f / fp_total))
        .collect();
    let tpr = std::iter::once(0.0)
        .chain(tps.iter().map(|t| t / tp_total))
        .collect();
    Ok((fpr, tpr))
}

/// scikit-learn's `precision_recall_curve` (`drop_intermediate=False`): (precision, recall)
/// at every distinct threshold from the lowest score up, then (1, 0). Without positives
/// recall is 1 everywhere, as scikit-learn has it.
pub fn precision_recall_curve(
    y_true: &[bool],
    scores: &[f64],
    weights: Option<&[f64]>,
) -> Result<(Vec<f64>, Vec<f64>), ValidationError> {
    check(y_true, scores, weights)?;
    let (fps, tps, _) = clf_curve(y_true, scores, weights);
    let tp_total = tps[tps.len() - 1];
    let mut precision: Vec<f64> = tps
        .iter()
        .zip(&fps)
        .map(|(tp, fp)| if tp + fp != 0.0 { tp / (tp + fp) } else { 0.0 })
        .collect();
    let mut recall: Vec<f64> = tps
        .iter()
        .map(|tp| if tp_total == 0.0 { 1.0 } else { tp / tp_total })
        .collect();
    precision.reverse();
    recall.reverse();
    precision.push(1.0);
    recall.push(0.0);
    Ok((precision, recall))
}

/// At most `max` points of a curve, evenly spaced along it, first and last kept: for
/// drawing, not for computing.
pub fn thin_curve(x: &[f64], y: &[f64], max: usize) -> Vec<[f64; 2]> {
    let n = x.len().min(y.len());
    if n <= max.max(2) {
        return (0..n).map(|i| [x[i], y[i]]).collect();
    }
    let steps = max.max(2) - 1;
    let mut out: Vec<[f64; 2]> = (0..=steps)
        .map(|k| {
            let i = k * (n - 1) / steps;
            [x[i], y[i]]
        })
        .collect();
    out.dedup();
    out
}

fn trapezoid(x: &[f64], y: &[f64]) -> f64 {
    x.windows(2)
        .zip(y.windows(2))
        .map(|(x, y)| (x[1] - x[0]) * (y[0] + y[1]) / 2.0)
        .sum()
}

/// scikit-learn's `roc_auc_score` for binary labels.
pub fn roc_auc(
    y_true: &[bool],
    scores: &[f64],
    weights: Option<&[f64]>,
) -> Result<f64, ValidationError> {
    let (fpr, tpr) = roc_curve(y_true, scores, weights)?;
    Ok(trapezoid(&fpr, &tpr))
}

/// `roc_auc_score(max_fpr=...)`: the area up to `max_fpr`, standardized as McClish (1989)
/// does, so 0.5 is chance and 1 is perfect.
pub fn partial_roc_auc(
    y_true: &[bool],
    scores: &[f64],
    weights: Option<&[f64]>,
    max_fpr: f64,
) -> Result<f64, ValidationError> {
    if !(max_fpr > 0.0 && max_fpr <= 1.0) {
        return Err(ValidationError::invalid(
            "max_fpr",
            format!("{max_fpr} is not in (0, 1]"),
        ));
    }
    let (fpr, tpr) = roc_curve(y_true, scores, weights)?;
    if max_fpr == 1.0 {
        return Ok(trapezoid(&fpr, &tpr));
    }
    let stop = fpr.partition_point(|f| *f <= max_fpr);
    let (x0, x1, y0, y1) = (fpr[stop - 1], fpr[stop], tpr[stop - 1], tpr[stop]);
    let y_at = if x1 == x0 {
        y1
    } else {
        y0 + (max_fpr - x0) * (y1 - y0) / (x1 - x0)
    };
    let mut x: Vec<f64> = fpr[..stop].to_vec();
    let mut y: Vec<f64> = tpr[..stop].to_vec();
    x.push(max_fpr);
    y.push(y_at);
    let partial = trapezoid(&x, &y);
    let (min_area, max_area) = (0.5 * max_fpr * max_fpr, max_fpr);
    Ok(0.5 * (1.0 + (partial - min_area) / (max_area - min_area)))
}

/// scikit-learn's `average_precision_score`: Σ (R_n - R_{n-1}) P_n over distinct thresholds
/// from the highest score down.
pub fn average_precision(
    y_true: &[bool],
    scores: &[f64],
    weights: Option<&[f64]>,
) -> Result<f64, ValidationError> {
    check(y_true, scores, weights)?;
    let (fps, tps, _) = clf_curve(y_true, scores, weights);
    let tp_total = tps[tps.len() - 1];
    if tp_total <= 0.0 {
        return Err(ValidationError::undefined(
            "average_precision",
            "there are no positive labels",
        ));
    }
    let mut ap = 0.0;
    let mut previous_recall = 0.0;
    for (fp, tp) in fps.iter().zip(&tps) {
        let recall = tp / tp_total;
        let precision = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
        ap += (recall - previous_recall) * precision;
        previous_recall = recall;
    }
    Ok(ap)
}

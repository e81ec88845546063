//! Checks and sums shared by the statistics over raw samples.

use crate::DriftError;

/// The sample sorted ascending; empty samples and non-finite values are rejected.
pub(crate) fn sorted_finite(what: &'static str, sample: &[f64]) -> Result<Vec<f64>, DriftError> {
    if sample.is_empty() {
        return Err(DriftError::invalid(what, "the sample is empty"));
    }
    if let Some(x) = sample.iter().find(|x| !x.is_finite()) {
        return Err(DriftError::invalid(
            what,
            format!("{x} is not a finite number"),
        ));
    }
    let mut v = sample.to_vec();
    v.sort_by(f64::total_cmp);
    Ok(v)
}

/// Neumaier-compensated sum, so long sums agree with numpy's pairwise sum to a few ulp.
pub(crate) fn accurate_sum(terms: impl Iterator<Item = f64>) -> f64 {
    let (mut sum, mut carry) = (0.0f64, 0.0f64);
    for t in terms {
        let s = sum + t;
        carry += if sum.abs() >= t.abs() {
            (sum - s) + t
        } else {
            (t - s) + sum
        };
        sum = s;
    }
    sum + carry
}

/// The arithmetic mean, compensated.
pub(crate) fn mean(sample: &[f64]) -> f64 {
    accurate_sum(sample.iter().copied()) / sample.len() as f64
}

/// The variance with `ddof` degrees of freedom removed, by two passes (as numpy does).
pub(crate) fn variance(sample: &[f64], ddof: f64) -> f64 {
    let m = mean(sample);
    accurate_sum(sample.iter().map(|x| (x - m) * (x - m))) / (sample.len() as f64 - ddof)
}

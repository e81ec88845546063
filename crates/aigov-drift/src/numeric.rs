//! Distances between numeric samples.

use crate::DriftError;
use crate::sample::{accurate_sum, sorted_finite, variance};

/// The first Wasserstein distance between two samples, as `scipy.stats.wasserstein_distance`:
/// the integral of the absolute difference of their empirical CDFs.
pub fn wasserstein(reference: &[f64], current: &[f64]) -> Result<f64, DriftError> {
    let u = sorted_finite("reference", reference)?;
    let v = sorted_finite("current", current)?;
    Ok(wasserstein_sorted(&u, &v))
}

/// The distance for two sorted, finite, non-empty samples, by one merge over both.
pub(crate) fn wasserstein_sorted(u: &[f64], v: &[f64]) -> f64 {
    let (nu, nv) = (u.len() as f64, v.len() as f64);
    let (mut i, mut j) = (0usize, 0usize);
    let mut terms = Vec::with_capacity(u.len() + v.len());
    // Walk the pooled values in order; between consecutive pooled values x and next, both
    // ECDFs are constant at (count <= x) / n.
    let mut x = u[0].min(v[0]);
    loop {
        while i < u.len() && u[i] <= x {
            i += 1;
        }
        while j < v.len() && v[j] <= x {
            j += 1;
        }
        let next = match (u.get(i), v.get(j)) {
            (Some(a), Some(b)) => a.min(*b),
            (Some(a), None) => *a,
            (None, Some(b)) => *b,
            (None, None) => break,
        };
        terms.push((i as f64 / nu - j as f64 / nv).abs() * (next - x));
        x = next;
    }
    accurate_sum(terms.into_iter())
}

/// Evidently's normed Wasserstein distance: the distance divided by the reference's
/// population standard deviation (at least 0.001).
pub fn wasserstein_normed(reference: &[f64], current: &[f64]) -> Result<f64, DriftError> {
    let u = sorted_finite("reference", reference)?;
    let v = sorted_finite("current", current)?;
    Ok(wasserstein_normed_sorted(&u, &v).0)
}

/// (normed, raw) for sorted, finite, non-empty samples.
pub(crate) fn wasserstein_normed_sorted(u: &[f64], v: &[f64]) -> (f64, f64) {
    let raw = wasserstein_sorted(u, v);
    let sd = variance(u, 0.0).sqrt();
    // An overflowing spread leaves nothing to norm by: NaN, which the default mode counts as
    // drift (numpy would give inf and a normed distance of 0, that is no drift).
    let normed = if sd.is_finite() {
        raw / sd.max(0.001)
    } else {
        f64::NAN
    };
    (normed, raw)
}

//! Distances between numeric samples.

use crate::DriftError;
use crate::sample::{accurate_sum, sorted_finite};

/// The first Wasserstein distance between two samples, as `scipy.stats.wasserstein_distance`:
/// the integral of the absolute difference of their empirical CDFs.
pub fn wasserstein(reference: &[f64], current: &[f64]) -> Result<f64, DriftError> {
    let u = sorted_finite("reference", reference)?;
    let v = sorted_finite("current", current)?;
    let mut all: Vec<f64> = u.iter().chain(v.iter()).copied().collect();
    all.sort_by(f64::total_cmp);
    // count of sample values <= x, by binary search (right side), as np.searchsorted.
    let count_le = |s: &[f64], x: f64| s.partition_point(|y| *y <= x);
    let (nu, nv) = (u.len() as f64, v.len() as f64);
    let terms = all.windows(2).map(|w| {
        let delta = w[1] - w[0];
        let fu = count_le(&u, w[0]) as f64 / nu;
        let fv = count_le(&v, w[0]) as f64 / nv;
        (fu - fv).abs() * delta
    });
    Ok(accurate_sum(terms))
}

/// Evidently's normed Wasserstein distance: the distance divided by the reference's
/// population standard deviation (at least 0.001).
pub fn wasserstein_normed(reference: &[f64], current: &[f64]) -> Result<f64, DriftError> {
    let distance = wasserstein(reference, current)?;
    let n = reference.len() as f64;
    let mean = accurate_sum(reference.iter().copied()) / n;
    let var = accurate_sum(reference.iter().map(|x| (x - mean) * (x - mean))) / n;
    Ok(distance / var.sqrt().max(0.001))
}

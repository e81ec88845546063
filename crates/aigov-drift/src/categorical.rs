//! Tests and distances between category count vectors (reference counts, current counts, one
//! entry per category in the same order).

use serde::{Deserialize, Serialize};
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

use crate::DriftError;

fn check(reference: &[u64], current: &[u64]) -> Result<(f64, f64), DriftError> {
    if reference.len() != current.len() {
        return Err(DriftError::invalid(
            "counts",
            format!(
                "{} reference categories but {} current",
                reference.len(),
                current.len()
            ),
        ));
    }
    let (nr, nc) = (reference.iter().sum::<u64>(), current.iter().sum::<u64>());
    if nr == 0 || nc == 0 {
        return Err(DriftError::invalid(
            "counts",
            "a sample has no observations",
        ));
    }
    Ok((nr as f64, nc as f64))
}

fn proportions(counts: &[u64], total: f64) -> Vec<f64> {
    counts.iter().map(|c| *c as f64 / total).collect()
}

/// A chi-square statistic with its p-value and degrees of freedom.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChiSquare {
    /// The statistic (+inf when a category is new in the current data).
    pub statistic: f64,
    /// The p-value (NaN when undefined).
    pub pvalue: f64,
    /// Degrees of freedom.
    pub dof: usize,
}

/// Evidently's chi-square drift test: `scipy.stats.chisquare(current, reference * n_cur/n_ref)`.
pub fn chisquare_evidently(reference: &[u64], current: &[u64]) -> Result<ChiSquare, DriftError> {
    let (nr, nc) = check(reference, current)?;
    let k_norm = nc / nr;
    let statistic: f64 = reference
        .iter()
        .zip(current)
        .map(|(r, c)| {
            let expected = *r as f64 * k_norm;
            let diff = *c as f64 - expected;
            diff * diff / expected
        })
        .sum();
    let dof = reference.len().saturating_sub(1);
    let pvalue = if dof == 0 || statistic.is_nan() {
        f64::NAN
    } else if statistic.is_infinite() {
        0.0
    } else {
        ChiSquared::new(dof as f64)
            .map(|d| d.sf(statistic))
            .unwrap_or(f64::NAN)
    };
    Ok(ChiSquare {
        statistic,
        pvalue,
        dof,
    })
}

/// `scipy.spatial.distance.jensenshannon(p, q, base)`: the square root of the Jensen-Shannon
/// divergence of the two normalized distributions (`base` None is the natural logarithm).
pub fn jensenshannon(
    reference: &[u64],
    current: &[u64],
    base: Option<f64>,
) -> Result<f64, DriftError> {
    let (nr, nc) = check(reference, current)?;
    Ok(jensenshannon_of_shares(
        &proportions(reference, nr),
        &proportions(current, nc),
        base,
    ))
}

/// The Jensen-Shannon distance of two share vectors, each renormalised first as scipy does.
pub(crate) fn jensenshannon_of_shares(p: &[f64], q: &[f64], base: Option<f64>) -> f64 {
    let (sp, sq) = (p.iter().sum::<f64>(), q.iter().sum::<f64>());
    let rel = |a: f64, b: f64| if a > 0.0 { a * (a / b).ln() } else { 0.0 };
    let (mut left, mut right) = (0.0, 0.0);
    for (a, b) in p.iter().zip(q) {
        let (a, b) = (a / sp, b / sq);
        let m = (a + b) / 2.0;
        left += rel(a, m);
        right += rel(b, m);
    }
    let mut js = (left + right) / 2.0;
    if let Some(base) = base {
        js /= base.ln();
    }
    js.max(0.0).sqrt()
}

/// `scipy.stats.entropy(p, q)`: the Kullback-Leibler divergence of the reference from the
/// current distribution (+inf when the current lacks a category the reference has).
pub fn kl_divergence(reference: &[u64], current: &[u64]) -> Result<f64, DriftError> {
    let (nr, nc) = check(reference, current)?;
    Ok(relative_entropy(
        &proportions(reference, nr),
        &proportions(current, nc),
    ))
}

/// scipy's `entropy(p, q)` on share vectors: both renormalised, Σ p ln(p/q), +inf where q is
/// zero and p is not.
pub(crate) fn relative_entropy(p: &[f64], q: &[f64]) -> f64 {
    let (sp, sq) = (p.iter().sum::<f64>(), q.iter().sum::<f64>());
    p.iter()
        .zip(q)
        .map(|(a, b)| {
            let (a, b) = (a / sp, b / sq);
            if a == 0.0 {
                0.0
            } else if b == 0.0 {
                f64::INFINITY
            } else {
                a * (a / b).ln()
            }
        })
        .sum()
}

/// The Hellinger distance `sqrt(0.5 * sum((sqrt p - sqrt q)^2))`.
pub fn hellinger(reference: &[u64], current: &[u64]) -> Result<f64, DriftError> {
    let (nr, nc) = check(reference, current)?;
    let p = proportions(reference, nr);
    let q = proportions(current, nc);
    let sum: f64 = p
        .iter()
        .zip(&q)
        .map(|(a, b)| (a.sqrt() - b.sqrt()).powi(2))
        .sum();
    Ok((0.5 * sum).sqrt())
}

/// A two-proportion z-test.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ZTest {
    /// The z statistic (NaN when both samples hold one and the same category).
    pub z: f64,
    /// Two-sided p-value `2 * P(Z > |z|)`.
    pub pvalue: f64,
}

/// Evidently's `z` test for at most two observed categories (in sorted order): the share of
/// everything but the first observed category in each sample.
pub fn two_proportion_z(reference: &[u64], current: &[u64]) -> Result<ZTest, DriftError> {
    let (nr, nc) = check(reference, current)?;
    let observed: Vec<usize> = (0..reference.len())
        .filter(|&i| reference[i] + current[i] > 0)
        .collect();
    if observed.len() > 2 {
        return Err(DriftError::invalid(
            "counts",
            format!(
                "{} categories observed; the z-test takes at most two",
                observed.len()
            ),
        ));
    }
    let first = observed.first().copied().unwrap_or(0);
    let rest = |c: &[u64]| (c.iter().sum::<u64>() - c[first]) as f64;
    let (p1, p2) = (rest(reference) / nr, rest(current) / nc);
    let pooled = (p1 * nr + p2 * nc) / (nr + nc);
    let z = (p1 - p2) / (pooled * (1.0 - pooled) * (1.0 / nr + 1.0 / nc)).sqrt();
    let normal = Normal::new(0.0, 1.0).map_err(|e| DriftError::invalid("normal", e.to_string()))?;
    let pvalue = if z.is_nan() {
        f64::NAN
    } else {
        2.0 * normal.sf(z.abs())
    };
    Ok(ZTest { z, pvalue })
}

/// The chi-square test of homogeneity on the 2 x k table [reference, current]
/// (`scipy.stats.chi2_contingency`): categories new in the current sample count like any
/// other instead of making the statistic infinite. With `yates` and one degree of freedom,
/// each count moves half a unit toward its expected value, as scipy does by default.
pub fn chi2_homogeneity(
    reference: &[u64],
    current: &[u64],
    yates: bool,
) -> Result<ChiSquare, DriftError> {
    let (nr, nc) = check(reference, current)?;
    let total = nr + nc;
    let observed_columns: Vec<usize> = (0..reference.len())
        .filter(|&i| reference[i] + current[i] > 0)
        .collect();
    let dof = observed_columns.len().saturating_sub(1);
    if dof == 0 {
        return Ok(ChiSquare {
            statistic: 0.0,
            pvalue: 1.0,
            dof,
        });
    }
    let mut statistic = 0.0;
    for &i in &observed_columns {
        let column = (reference[i] + current[i]) as f64;
        for (count, row) in [(reference[i], nr), (current[i], nc)] {
            let expected = row * column / total;
            let mut diff = count as f64 - expected;
            if yates && dof == 1 {
                diff = diff.signum() * (diff.abs() - 0.5).max(0.0);
            }
            statistic += diff * diff / expected;
        }
    }
    let pvalue = ChiSquared::new(dof as f64)
        .map(|d| d.sf(statistic))
        .unwrap_or(f64::NAN);
    Ok(ChiSquare {
        statistic,
        pvalue,
        dof,
    })
}

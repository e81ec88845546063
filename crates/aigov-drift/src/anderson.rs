//! The k-sample Anderson-Darling test with scipy's p-value (`anderson_ksamp`, midrank
//! variant): Scholz and Stephens (1987), equation 7 for the statistic and their table 2 for the
//! critical values the p-value is interpolated from.

use serde::{Deserialize, Serialize};

use crate::DriftError;
use crate::sample::sorted_finite;

/// Significance levels of Scholz and Stephens' table 2, largest first.
const SIGNIFICANCE: [f64; 7] = [0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001];
const B0: [f64; 7] = [0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085];
const B1: [f64; 7] = [-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615];
const B2: [f64; 7] = [-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154];

/// Where the p-value of an Anderson-Darling test came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PValueClamp {
    /// Interpolated within the table.
    Interpolated,
    /// The statistic is below the table: the true p-value is larger than 0.25.
    CappedAt025,
    /// The statistic is above the table: the true p-value is smaller than 0.001.
    FlooredAt0001,
}

/// The result of a k-sample Anderson-Darling test.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AndersonDarling {
    /// The normalised statistic (A2akN - (k - 1)) / sigma.
    pub statistic: f64,
    /// The interpolated p-value, within [0.001, 0.25].
    pub p_value: f64,
    /// Whether the p-value was clamped to the table's ends.
    pub clamp: PValueClamp,
}

/// `scipy.stats.anderson_ksamp(samples, variant='midrank')`: at least two samples, none
/// empty, and at least two distinct values overall.
pub fn anderson_ksamp(samples: &[&[f64]]) -> Result<AndersonDarling, DriftError> {
    let k = samples.len();
    if k < 2 {
        return Err(DriftError::invalid(
            "samples",
            "the Anderson-Darling test needs at least two samples",
        ));
    }
    let sorted: Vec<Vec<f64>> = samples
        .iter()
        .map(|s| sorted_finite("sample", s))
        .collect::<Result<_, _>>()?;
    let mut pooled: Vec<f64> = sorted.iter().flatten().copied().collect();
    pooled.sort_by(f64::total_cmp);
    let big_n = pooled.len() as f64;
    if pooled.len() < 4 {
        // The variance formula divides by (N-1)(N-2)(N-3); scipy returns NaN there.
        return Err(DriftError::invalid(
            "samples",
            "the Anderson-Darling test needs at least 4 values in all",
        ));
    }
    let mut distinct = pooled.clone();
    distinct.dedup();
    if distinct.len() < 2 {
        return Err(DriftError::invalid(
            "samples",
            "the Anderson-Darling test needs more than one distinct value",
        ));
    }
    let a2akn = midrank_statistic(&sorted, &pooled, &distinct) * (big_n - 1.0) / big_n;
    let kf = k as f64;
    let h_sum: f64 = sorted.iter().map(|s| 1.0 / s.len() as f64).sum();
    // hs_cs = cumulative sums of 1/(N-1), 1/(N-2), ..., 1/2.
    let total = pooled.len();
    let mut hs_cs = Vec::with_capacity(total.saturating_sub(2));
    let mut acc = 0.0;
    for i in (2..total).rev() {
        acc += 1.0 / i as f64;
        hs_cs.push(acc);
    }
    let h = hs_cs.last().copied().unwrap_or(0.0) + 1.0;
    let g: f64 = hs_cs.iter().zip(2..).map(|(c, j)| c / f64::from(j)).sum();
    let a = (4.0 * g - 6.0) * (kf - 1.0) + (10.0 - 6.0 * g) * h_sum;
    let b = (2.0 * g - 4.0) * kf * kf + 8.0 * h * kf + (2.0 * g - 14.0 * h - 4.0) * h_sum - 8.0 * h
        + 4.0 * g
        - 6.0;
    let c = (6.0 * h + 2.0 * g - 2.0) * kf * kf
        + (4.0 * h - 4.0 * g + 6.0) * kf
        + (2.0 * h - 6.0) * h_sum
        + 4.0 * h;
    let d = (2.0 * h + 6.0) * kf * kf - 4.0 * h * kf;
    let sigma_sq = (a * big_n.powi(3) + b * big_n.powi(2) + c * big_n + d)
        / ((big_n - 1.0) * (big_n - 2.0) * (big_n - 3.0));
    let m = kf - 1.0;
    let statistic = (a2akn - m) / sigma_sq.sqrt();

    let critical: Vec<f64> = (0..7)
        .map(|i| B0[i] + B1[i] / m.sqrt() + B2[i] / m)
        .collect();
    let lowest = critical.iter().copied().fold(f64::INFINITY, f64::min);
    let highest = critical.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (p_value, clamp) = if statistic < lowest {
        (0.25, PValueClamp::CappedAt025)
    } else if statistic > highest {
        (0.001, PValueClamp::FlooredAt0001)
    } else {
        let log_sig: Vec<f64> = SIGNIFICANCE.iter().map(|s| s.ln()).collect();
        let [c0, c1, c2] = quadratic_least_squares(&critical, &log_sig);
        (
            (c0 + statistic * (c1 + statistic * c2)).exp(),
            PValueClamp::Interpolated,
        )
    };
    Ok(AndersonDarling {
        statistic,
        p_value,
        clamp,
    })
}

/// A2akN before the (N-1)/N factor: Scholz and Stephens' equation 7 with midranks for ties.
fn midrank_statistic(samples: &[Vec<f64>], pooled: &[f64], distinct: &[f64]) -> f64 {
    let big_n = pooled.len() as f64;
    let no_ties = pooled.len() == distinct.len();
    let mut total = 0.0;
    for s in samples {
        let ni = s.len() as f64;
        let mut inner = 0.0;
        for &z in distinct {
            let left = pooled.partition_point(|v| *v < z) as f64;
            let lj = if no_ties {
                1.0
            } else {
                pooled.partition_point(|v| *v <= z) as f64 - left
            };
            let bj = left + lj / 2.0;
            let right_i = s.partition_point(|v| *v <= z) as f64;
            let fij = right_i - s.partition_point(|v| *v < z) as f64;
            let mij = right_i - fij / 2.0;
            inner += lj / big_n * (big_n * mij - bj * ni).powi(2)
                / (bj * (big_n - bj) - big_n * lj / 4.0);
        }
        total += inner / ni;
    }
    total
}

/// Coefficients [c0, c1, c2] of the least-squares parabola through (x, y), by modified
/// Gram-Schmidt on the Vandermonde columns (better conditioned than the normal equations).
fn quadratic_least_squares(x: &[f64], y: &[f64]) -> [f64; 3] {
    let n = x.len();
    let mut q: Vec<Vec<f64>> = vec![vec![1.0; n], x.to_vec(), x.iter().map(|v| v * v).collect()];
    let mut r = [[0.0f64; 3]; 3];
    for j in 0..3 {
        for i in 0..j {
            let dot: f64 = q[i].iter().zip(&q[j]).map(|(a, b)| a * b).sum();
            r[i][j] = dot;
            let qi = q[i].clone();
            for (v, u) in q[j].iter_mut().zip(&qi) {
                *v -= dot * u;
            }
        }
        let norm = q[j].iter().map(|v| v * v).sum::<f64>().sqrt();
        r[j][j] = norm;
        for v in q[j].iter_mut() {
            *v /= norm;
        }
    }
    let qty: Vec<f64> = q
        .iter()
        .map(|col| col.iter().zip(y).map(|(a, b)| a * b).sum())
        .collect();
    let mut c = [0.0f64; 3];
    for i in (0..3).rev() {
        let tail: f64 = (i + 1..3).map(|j| r[i][j] * c[j]).sum();
        c[i] = (qty[i] - tail) / r[i][i];
    }
    c
}

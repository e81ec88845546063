//! Tests of a shift in location: Welch's t-test (`scipy.stats.ttest_ind(equal_var=False)`) and
//! the two-sided Mann-Whitney U test (`scipy.stats.mannwhitneyu`, method auto). Evidently's
//! `mannw` is one-sided (alternative 'less'), which misses a drop; aigov tests both sides.

use serde::{Deserialize, Serialize};
use statrs::function::beta::checked_beta_reg;
use statrs::function::erf::erfc;

use crate::DriftError;
use crate::sample::{mean, sorted_finite, variance};

/// The result of Welch's unequal-variance t-test.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct WelchT {
    /// t = (mean_ref - mean_cur) / standard error; NaN when both samples are one constant.
    pub statistic: f64,
    /// The two-sided p-value.
    pub p_value: f64,
    /// Welch-Satterthwaite degrees of freedom (1 when undefined, as scipy reports).
    pub df: f64,
}

/// Welch's t-test of equal means (two-sided); each sample needs at least two values.
pub fn welch_t_test(reference: &[f64], current: &[f64]) -> Result<WelchT, DriftError> {
    for (what, s) in [("reference", reference), ("current", current)] {
        sorted_finite(what, s)?;
        if s.len() < 2 {
            return Err(DriftError::invalid(
                what,
                "the t-test needs at least two values",
            ));
        }
    }
    let (n1, n2) = (reference.len() as f64, current.len() as f64);
    let (v1, v2) = (variance(reference, 1.0) / n1, variance(current, 1.0) / n2);
    let df = (v1 + v2).powi(2) / (v1 * v1 / (n1 - 1.0) + v2 * v2 / (n2 - 1.0));
    let df = if df.is_nan() { 1.0 } else { df };
    let statistic = (mean(reference) - mean(current)) / (v1 + v2).sqrt();
    Ok(WelchT {
        statistic,
        p_value: student_t_two_sided(statistic, df),
        df,
    })
}

/// 2·P(T_df > |t|) through the regularized incomplete beta, so that small p-values keep
/// their relative precision.
fn student_t_two_sided(t: f64, df: f64) -> f64 {
    if t.is_nan() {
        return f64::NAN;
    }
    if t.is_infinite() {
        return 0.0;
    }
    let x = df / (df + t * t);
    checked_beta_reg(df / 2.0, 0.5, x).map_or(f64::NAN, |p| p.clamp(0.0, 1.0))
}

/// How a Mann-Whitney p-value was computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MannWhitneyMethod {
    /// The exact null distribution of U (small samples without ties).
    Exact,
    /// The normal approximation with tie and continuity corrections.
    Asymptotic,
}

/// The result of a two-sided Mann-Whitney U test.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MannWhitney {
    /// U of the reference sample: its rank sum minus n1(n1+1)/2 (average ranks for ties).
    pub statistic: f64,
    /// The two-sided p-value.
    pub p_value: f64,
    /// Which distribution gave the p-value.
    pub method: MannWhitneyMethod,
    /// Common-language effect size U / (n1 n2): the chance a reference value exceeds a
    /// current one (ties count half).
    pub effect_size: f64,
}

/// `scipy.stats.mannwhitneyu(reference, current, alternative='two-sided')` with method auto:
/// exact when either sample has at most 8 values and there are no ties, else asymptotic.
pub fn mann_whitney_u(reference: &[f64], current: &[f64]) -> Result<MannWhitney, DriftError> {
    let (ranks, exact) = rank_and_method(reference, current)?;
    let (n1, n2) = (reference.len(), current.len());
    let product = n1 as f64 * n2 as f64;
    let u1 = ranks.u1;
    let p_value = 2.0 * upper_tail(n1, n2, u1.max(product - u1), ranks.tie_term, exact);
    Ok(MannWhitney {
        statistic: u1,
        p_value: p_value.clamp(0.0, 1.0),
        method: if exact {
            MannWhitneyMethod::Exact
        } else {
            MannWhitneyMethod::Asymptotic
        },
        effect_size: u1 / product,
    })
}

/// The ranks, and whether scipy's method auto takes the exact distribution: either sample of
/// at most 8 values and no ties.
fn rank_and_method(reference: &[f64], current: &[f64]) -> Result<(RankSummary, bool), DriftError> {
    sorted_finite("reference", reference)?;
    sorted_finite("current", current)?;
    let ranks = rank_summary(reference, current);
    let exact = (reference.len() <= 8 || current.len() <= 8) && ranks.tie_term == 0.0;
    Ok((ranks, exact))
}

/// P(U' >= u) under the null: exactly, or by the normal approximation with the continuity
/// and tie corrections.
fn upper_tail(n1: usize, n2: usize, u: f64, tie_term: f64, exact: bool) -> f64 {
    if exact {
        return exact_u_sf(n1, n2, u);
    }
    let z = (u - n1 as f64 * n2 as f64 / 2.0 - 0.5) / normal_sd(n1, n2, tie_term);
    if z.is_nan() {
        f64::NAN
    } else {
        // Φ(-z) = erfc(z/√2) / 2.
        erfc(z / std::f64::consts::SQRT_2) / 2.0
    }
}

/// P(U' >= u) under the null without ties: frequencies of U from the generating function
/// prod_{i=1..m} (1 - x^(n+i)) / (1 - x^i), read through the symmetry P(U' >= u) = P(U' <= mn - u).
fn exact_u_sf(n1: usize, n2: usize, u: f64) -> f64 {
    let (m, n) = if n1 <= n2 { (n1, n2) } else { (n2, n1) };
    let max_u = m * n;
    let mut freqs = vec![0.0f64; max_u + 1];
    freqs[0] = 1.0;
    for i in 1..=m {
        // Multiply by (1 - x^(n+i)), then divide by (1 - x^i) (a strided running sum).
        for k in (n + i..=max_u).rev() {
            freqs[k] -= freqs[k - n - i];
        }
        for k in i..=max_u {
            freqs[k] += freqs[k - i];
        }
    }
    let total: f64 = freqs.iter().sum();
    let upto = (max_u as f64 - u).floor();
    if upto < 0.0 {
        return 0.0;
    }
    let below: f64 = freqs.iter().take(upto as usize + 1).sum();
    below / total
}

/// Student's t-test with pooled variance (`ttest_ind(reference, current)`, scipy's default
/// and what Evidently's `t_test` calls).
pub fn student_t_test(reference: &[f64], current: &[f64]) -> Result<WelchT, DriftError> {
    for (what, s) in [("reference", reference), ("current", current)] {
        sorted_finite(what, s)?;
        if s.len() < 2 {
            return Err(DriftError::invalid(
                what,
                "the t-test needs at least two values",
            ));
        }
    }
    let (n1, n2) = (reference.len() as f64, current.len() as f64);
    let df = n1 + n2 - 2.0;
    let pooled = ((n1 - 1.0) * variance(reference, 1.0) + (n2 - 1.0) * variance(current, 1.0)) / df;
    let statistic = (mean(reference) - mean(current)) / (pooled * (1.0 / n1 + 1.0 / n2)).sqrt();
    Ok(WelchT {
        statistic,
        p_value: student_t_two_sided(statistic, df),
        df,
    })
}

/// Evidently's `mannw`: `mannwhitneyu(reference, current, alternative='less')`, which only
/// detects a current sample shifted upwards. Returns (U of the reference, p).
pub fn mann_whitney_u_one_sided_less(
    reference: &[f64],
    current: &[f64],
) -> Result<(f64, f64), DriftError> {
    let (ranks, exact) = rank_and_method(reference, current)?;
    let (n1, n2) = (reference.len(), current.len());
    // 'less' looks at the lower tail of U1: P(U' <= U1) = P(U' >= n1 n2 - U1).
    let u = n1 as f64 * n2 as f64 - ranks.u1;
    let p = upper_tail(n1, n2, u, ranks.tie_term, exact);
    Ok((ranks.u1, p.clamp(0.0, 1.0)))
}

/// U of the reference and the tie term Σ(t³ - t) over groups of tied values.
struct RankSummary {
    u1: f64,
    tie_term: f64,
}

fn rank_summary(reference: &[f64], current: &[f64]) -> RankSummary {
    let mut pooled: Vec<(f64, bool)> = reference
        .iter()
        .map(|x| (*x, true))
        .chain(current.iter().map(|x| (*x, false)))
        .collect();
    pooled.sort_by(|a, b| a.0.total_cmp(&b.0));
    let n = pooled.len();
    let (mut rank_sum_ref, mut tie_term) = (0.0, 0.0);
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j + 1 < n && pooled[j + 1].0 == pooled[i].0 {
            j += 1;
        }
        let t = (j - i + 1) as f64;
        // Average of the 1-based ranks i+1 ..= j+1.
        let rank = (i + j + 2) as f64 / 2.0;
        rank_sum_ref += rank * pooled[i..=j].iter().filter(|p| p.1).count() as f64;
        tie_term += t * t * t - t;
        i = j + 1;
    }
    let n1 = reference.len() as f64;
    RankSummary {
        u1: rank_sum_ref - n1 * (n1 + 1.0) / 2.0,
        tie_term,
    }
}

/// Standard deviation of U under the null, corrected for ties.
fn normal_sd(n1: usize, n2: usize, tie_term: f64) -> f64 {
    let (n1f, n2f) = (n1 as f64, n2 as f64);
    let nf = n1f + n2f;
    (n1f * n2f / 12.0 * ((nf + 1.0) - tie_term / (nf * (nf - 1.0)))).sqrt()
}

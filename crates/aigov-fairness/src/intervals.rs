//! Intervals and tests for group rates: Wilson score intervals (with Kish's effective sample
//! size under weights), Newcombe's hybrid score interval for a difference of two rates, Katz's
//! log interval for their ratio, Fisher's exact test for a 2x2 table, the chi-square test of
//! homogeneity across k groups, and Holm / Benjamini-Hochberg adjustment.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};
use statrs::function::gamma::ln_gamma;

use crate::FairnessError;

/// A two-sided interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Lower end.
    pub lower: f64,
    /// Upper end.
    pub upper: f64,
}

/// The normal quantile for a two-sided confidence level (1.959963984540054 at 0.95).
pub fn z_for(confidence: f64) -> Result<f64, FairnessError> {
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(FairnessError::invalid(
            "confidence",
            format!("{confidence} is not between 0 and 1"),
        ));
    }
    Ok(Normal::standard().inverse_cdf(0.5 + confidence / 2.0))
}

/// Kish's effective sample size (Σw)² / Σw² of weighted rows.
pub fn kish_effective_n(weight_sum: f64, weight_square_sum: f64) -> f64 {
    if weight_square_sum <= 0.0 {
        0.0
    } else {
        weight_sum * weight_sum / weight_square_sum
    }
}

/// The Wilson score interval for a rate `p` observed on `n` (effective) trials.
pub fn wilson(p: f64, n: f64, z: f64) -> Option<Interval> {
    if n.is_nan() || n <= 0.0 || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let z2 = z * z;
    let denominator = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denominator;
    let half = z / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(Interval {
        lower: (center - half).max(0.0),
        upper: (center + half).min(1.0),
    })
}

/// Newcombe's (1998, method 10) interval for p1 - p2 from the two Wilson intervals.
pub fn newcombe(p1: f64, w1: Interval, p2: f64, w2: Interval) -> Interval {
    let d = p1 - p2;
    Interval {
        lower: d - ((p1 - w1.lower).powi(2) + (w2.upper - p2).powi(2)).sqrt(),
        upper: d + ((w1.upper - p1).powi(2) + (p2 - w2.lower).powi(2)).sqrt(),
    }
}

/// Katz's log interval for the ratio of two rates (x1/n1) / (x2/n2). When an event count is
/// zero the log is undefined, so half an event is added to both counts and one trial to both
/// sizes (the Haldane-Anscombe correction); `None` only without trials.
pub fn katz(x1: f64, n1: f64, x2: f64, n2: f64, z: f64) -> Option<Interval> {
    if !(n1 > 0.0 && n2 > 0.0 && x1 >= 0.0 && x2 >= 0.0) {
        return None;
    }
    let (x1, n1, x2, n2) = if x1 == 0.0 || x2 == 0.0 {
        (x1 + 0.5, n1 + 1.0, x2 + 0.5, n2 + 1.0)
    } else {
        (x1, n1, x2, n2)
    };
    let ratio = (x1 / n1) / (x2 / n2);
    let se = (1.0 / x1 - 1.0 / n1 + 1.0 / x2 - 1.0 / n2).max(0.0).sqrt();
    Some(Interval {
        lower: ratio * (-z * se).exp(),
        upper: ratio * (z * se).exp(),
    })
}

/// Fisher's exact test of the 2x2 table [[a, b], [c, d]], two-sided as scipy computes it
/// (the tables no more likely than the observed one, with a relative tolerance of 1e-7).
pub fn fisher_exact(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let (r1, c1, n) = (a + b, a + c, a + b + c + d);
    if n == 0 || r1 == 0 || c1 == 0 || r1 == n || c1 == n {
        return 1.0;
    }
    let ln_choose = |n: u64, k: u64| {
        ln_gamma(n as f64 + 1.0) - ln_gamma(k as f64 + 1.0) - ln_gamma((n - k) as f64 + 1.0)
    };
    let r2 = n - r1;
    let ln_pmf = |x: u64| ln_choose(r1, x) + ln_choose(r2, c1 - x) - ln_choose(n, c1);
    let lo = c1.saturating_sub(r2);
    let hi = c1.min(r1);
    let limit = ln_pmf(a) + (1.0f64 + 1e-7).ln();
    // Walk out from the mode with the ratio of neighbouring probabilities, so a table of
    // millions costs thousands of steps: terms past e^-800 of the mode cannot change the sum.
    let mode = (((c1 + 1) as f64 * (r1 + 1) as f64 / (n + 2) as f64).floor() as u64).clamp(lo, hi);
    let ln_mode = ln_pmf(mode);
    let include = |l: f64| if l <= limit { l.exp() } else { 0.0 };
    let mut p = include(ln_mode);
    let (mut x, mut l) = (mode, ln_mode);
    while x > lo && l > ln_mode - 800.0 {
        // P(x-1) / P(x) = x (r2 - c1 + x) / ((r1 - x + 1)(c1 - x + 1))
        let xf = x as f64;
        l += (xf * (r2 as f64 - c1 as f64 + xf)).ln()
            - ((r1 as f64 - xf + 1.0) * (c1 as f64 - xf + 1.0)).ln();
        x -= 1;
        p += include(l);
    }
    let (mut x, mut l) = (mode, ln_mode);
    while x < hi && l > ln_mode - 800.0 {
        // P(x+1) / P(x) = (r1 - x)(c1 - x) / ((x + 1)(r2 - c1 + x + 1))
        let xf = x as f64;
        l += ((r1 as f64 - xf) * (c1 as f64 - xf)).ln()
            - ((xf + 1.0) * (r2 as f64 - c1 as f64 + xf + 1.0)).ln();
        x += 1;
        p += include(l);
    }
    p.min(1.0)
}

/// The chi-square test of homogeneity of a rate across k groups ([events, non-events] per
/// group): statistic, degrees of freedom, p-value. Groups without rows are left out.
pub fn chi2_homogeneity(groups: &[(f64, f64)]) -> Option<(f64, usize, f64)> {
    let rows: Vec<(f64, f64)> = groups
        .iter()
        .copied()
        .filter(|(e, f)| e + f > 0.0)
        .collect();
    if rows.len() < 2 {
        return None;
    }
    let events: f64 = rows.iter().map(|r| r.0).sum();
    let others: f64 = rows.iter().map(|r| r.1).sum();
    let total = events + others;
    if events == 0.0 || others == 0.0 {
        return Some((0.0, rows.len() - 1, 1.0));
    }
    let mut statistic = 0.0;
    for (e, f) in &rows {
        let n = e + f;
        for (observed, column) in [(*e, events), (*f, others)] {
            let expected = n * column / total;
            statistic += (observed - expected).powi(2) / expected;
        }
    }
    let dof = rows.len() - 1;
    let p = ChiSquared::new(dof as f64).ok()?.sf(statistic);
    Some((statistic, dof, p))
}

/// Holm's step-down adjusted p-values (same order as given).
pub fn holm(p: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|a, b| p[*a].total_cmp(&p[*b]));
    let m = p.len() as f64;
    let mut adjusted = vec![1.0; p.len()];
    let mut running = 0.0f64;
    for (rank, &i) in order.iter().enumerate() {
        running = running.max(((m - rank as f64) * p[i]).min(1.0));
        adjusted[i] = running;
    }
    adjusted
}

/// Benjamini-Hochberg step-up adjusted p-values (same order as given).
pub fn benjamini_hochberg(p: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|a, b| p[*a].total_cmp(&p[*b]));
    let m = p.len() as f64;
    let mut adjusted = vec![1.0; p.len()];
    let mut running = 1.0f64;
    for (rank, &i) in order.iter().enumerate().rev() {
        running = running.min(p[i] * m / (rank + 1) as f64).min(1.0);
        adjusted[i] = running;
    }
    adjusted
}

//! aigov's own scoring (the default mode), which keeps Evidently's method names but fixes
//! what its users run into: bins are fitted on the reference (deciles plus out-of-range bins)
//! so a saved profile can be scored; categories new in the current data are counted in a test
//! of homogeneity instead of forcing p = 0; PSI gets a p-value and a threshold that shrink
//! with sample size ((1/M + 1/N) χ²_{B-1}); every p-value comes with an effect size; the
//! Mann-Whitney test is two-sided and the t-test does not assume equal variances.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ChiSquared, ContinuousCDF};

use crate::binning::population_stability;
use crate::categorical::{chi2_homogeneity, relative_entropy, two_proportion_z};
use crate::ks::ks_2samp_sorted;
use crate::location::{mann_whitney_u, welch_t_test};
use crate::method::Method;
use crate::numeric::wasserstein_normed_sorted;
use crate::profile::ReferenceBins;
use crate::sample::{Sample, mean, value_counts, variance};
use crate::{DriftError, anderson_ksamp};

/// A named effect size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EffectSize {
    /// What was measured (`ks_statistic`, `cramers_v`, `cohens_h`, `cohens_d`,
    /// `probability_of_superiority`, `wasserstein_normed`, or the distance's own name).
    pub name: String,
    /// The value.
    pub value: f64,
}

/// A column's score in the default mode, before multiple-testing adjustment.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct DefaultScore {
    pub method: Method,
    pub statistic: f64,
    pub p_value: Option<f64>,
    /// The threshold for distances; for PSI the sample-size-aware critical value.
    pub threshold: Option<f64>,
    pub raw_distance: Option<f64>,
    pub effect_size: EffectSize,
    pub warnings: Vec<String>,
}

/// The default method: chi-square homogeneity for categories and for numbers with at most
/// 20 distinct reference values (where ties make KS conservative), KS otherwise.
pub fn default_method(reference: &Sample) -> Method {
    match reference {
        Sample::Categorical(_) => Method::Chisquare,
        Sample::Numeric(_) if reference.distinct() <= 20 => Method::Chisquare,
        Sample::Numeric(_) => Method::Ks,
    }
}

fn effect(name: &str, value: f64) -> EffectSize {
    EffectSize {
        name: name.to_string(),
        value,
    }
}

/// Scores one column; `bins` are the reference's fitted bins (numeric columns).
pub(crate) fn default_score(
    method: Method,
    reference: &Sample,
    bins: Option<&ReferenceBins>,
    current: &Sample,
    alpha: f64,
    distance_threshold: Option<f64>,
) -> Result<DefaultScore, DriftError> {
    let numbers = match (reference, current) {
        (Sample::Numeric(r), Sample::Numeric(c)) => Some((r.as_slice(), c.as_slice())),
        _ => None,
    };
    let needs_numbers =
        || numbers.ok_or_else(|| DriftError::invalid("method", format!("{method} needs numbers")));
    let test = |statistic: f64, p: f64, effect_size: EffectSize| DefaultScore {
        method,
        statistic,
        p_value: Some(p),
        threshold: None,
        raw_distance: None,
        effect_size,
        warnings: Vec::new(),
    };
    let distance = |d: f64| DefaultScore {
        method,
        statistic: d,
        p_value: None,
        threshold: Some(distance_threshold.unwrap_or(0.1)),
        raw_distance: None,
        effect_size: effect(method.name(), d),
        warnings: Vec::new(),
    };
    Ok(match method {
        Method::Ks => {
            let (r, c) = needs_numbers()?;
            let t = ks_2samp_sorted(r, c);
            test(
                t.statistic.statistic,
                t.p_value,
                effect("ks_statistic", t.statistic.statistic),
            )
        }
        Method::Chisquare => {
            let counts = value_counts(reference, current)?;
            let chi = chi2_homogeneity(&counts.reference, &counts.current, true)?;
            let plain = chi2_homogeneity(&counts.reference, &counts.current, false)?;
            let n = (reference.len() + current.len()) as f64;
            let mut score = test(
                chi.statistic,
                chi.pvalue,
                effect("cramers_v", (plain.statistic / n).sqrt()),
            );
            if let Some(w) = sparse_table_warning(&counts.reference, &counts.current) {
                score.warnings.push(w);
            }
            score
        }
        Method::Z => {
            let counts = value_counts(reference, current)?;
            let z = two_proportion_z(&counts.reference, &counts.current)?;
            let share = |c: &[u64]| {
                let total: u64 = c.iter().sum();
                (total - c.first().copied().unwrap_or(0)) as f64 / total as f64
            };
            let h = 2.0 * share(&counts.reference).sqrt().asin()
                - 2.0 * share(&counts.current).sqrt().asin();
            // Both samples one and the same value: no evidence of a difference.
            let p = if z.z.is_nan() { 1.0 } else { z.pvalue };
            test(z.z, p, effect("cohens_h", h))
        }
        Method::Wasserstein => {
            let (r, c) = needs_numbers()?;
            let (normed, raw) = wasserstein_normed_sorted(r, c);
            DefaultScore {
                raw_distance: Some(raw),
                ..distance(normed)
            }
        }
        Method::Psi | Method::KlDiv | Method::Jensenshannon | Method::Hellinger => {
            let (rc, cc) = binned_counts(reference, bins, current)?;
            let (m, n) = (reference.len() as f64, current.len() as f64);
            match method {
                Method::Psi => {
                    let (rp, cp) = (smoothed(&rc), smoothed(&cc));
                    let psi = population_stability(&rp, &cp);
                    // Yurdakul (2018): PSI ≈ (1/M + 1/N) χ²_{B-1} under no drift.
                    let scale = 1.0 / m + 1.0 / n;
                    let dof = (rc.len() - 1).max(1) as f64;
                    let chi = ChiSquared::new(dof)
                        .map_err(|e| DriftError::invalid("psi", e.to_string()))?;
                    let critical = scale * chi.inverse_cdf(1.0 - alpha);
                    DefaultScore {
                        threshold: Some(critical),
                        ..test(psi, chi.sf(psi / scale), effect("psi", psi))
                    }
                }
                Method::KlDiv => {
                    let (rp, cp) = (smoothed(&rc), smoothed(&cc));
                    distance(relative_entropy(&rp, &cp))
                }
                Method::Jensenshannon => {
                    distance(crate::categorical::jensenshannon(&rc, &cc, None)?)
                }
                _ => distance(crate::categorical::hellinger(&rc, &cc)?),
            }
        }
        Method::Anderson => {
            let (r, c) = needs_numbers()?;
            let a = anderson_ksamp(&[r, c])?;
            let (normed, _) = wasserstein_normed_sorted(r, c);
            test(a.statistic, a.p_value, effect("wasserstein_normed", normed))
        }
        Method::TTest => {
            let (r, c) = needs_numbers()?;
            let t = welch_t_test(r, c)?;
            let spread = ((variance(r, 1.0) + variance(c, 1.0)) / 2.0).sqrt();
            let d = if spread > 0.0 {
                (mean(r) - mean(c)) / spread
            } else {
                0.0
            };
            test(t.statistic, t.p_value, effect("cohens_d", d))
        }
        Method::Mannw => {
            let (r, c) = needs_numbers()?;
            let u = mann_whitney_u(r, c)?;
            test(
                u.statistic,
                u.p_value,
                effect("probability_of_superiority", u.effect_size),
            )
        }
    })
}

/// Counts of both samples per reference bin (numbers) or per observed category, with bins
/// empty on both sides dropped.
fn binned_counts(
    reference: &Sample,
    bins: Option<&ReferenceBins>,
    current: &Sample,
) -> Result<(Vec<u64>, Vec<u64>), DriftError> {
    let (rc, cc) = match (reference, current, bins) {
        (Sample::Numeric(r), Sample::Numeric(c), Some(bins)) => {
            (bins.count_sorted(r), bins.count_sorted(c))
        }
        (Sample::Numeric(_), Sample::Numeric(_), None) => {
            return Err(DriftError::invalid(
                "bins",
                "binned methods on numbers need the reference's fitted bins",
            ));
        }
        _ => {
            let counts = value_counts(reference, current)?;
            (counts.reference, counts.current)
        }
    };
    Ok(rc.into_iter().zip(cc).filter(|(a, b)| a + b > 0).unzip())
}

/// Shares with half a count added to every bin (Jeffreys), so empty bins stay finite
/// without Evidently's arbitrary 1e-4 fill.
fn smoothed(counts: &[u64]) -> Vec<f64> {
    let total = counts.iter().sum::<u64>() as f64 + 0.5 * counts.len() as f64;
    counts.iter().map(|c| (*c as f64 + 0.5) / total).collect()
}

/// Cochran's rule: warn when more than 20% of expected counts are below 5.
fn sparse_table_warning(reference: &[u64], current: &[u64]) -> Option<String> {
    let (nr, nc) = (
        reference.iter().sum::<u64>() as f64,
        current.iter().sum::<u64>() as f64,
    );
    let total = nr + nc;
    let cells = 2 * reference.len();
    let small = reference
        .iter()
        .zip(current)
        .flat_map(|(r, c)| {
            let column = (*r + *c) as f64;
            [nr * column / total, nc * column / total]
        })
        .filter(|e| *e < 5.0)
        .count();
    (small * 5 > cells).then(|| {
        format!(
            "{small} of {cells} expected counts are below 5; the chi-square p-value is unreliable"
        )
    })
}

//! Evidently 0.7 compatibility: its stattests as `evidently.legacy.calculations.stattests`
//! computes them (binning, empty-bin fill, comparison direction), its default method choice
//! and its thresholds, so that a user migrating from Evidently sees the same numbers.
//! Known Evidently quirks are reproduced on purpose here: `mannw` is one-sided
//! (alternative 'less'), `t_test` assumes equal variances, KS drifts at p <= threshold while
//! the other tests drift at p < threshold.

use serde::{Deserialize, Serialize};

use crate::binning::{fill_zero_shares, histogram, population_stability, shares, sturges_edges};
use crate::categorical::{
    chisquare_evidently, jensenshannon_of_shares, relative_entropy, two_proportion_z,
};
use crate::ks::ks_2samp_sorted;
use crate::location::{mann_whitney_u_one_sided_less, student_t_test};
use crate::method::Method;
use crate::numeric::wasserstein_normed_sorted;
use crate::sample::{Sample, runs, value_counts};
use crate::{DriftError, anderson_ksamp};

/// One method's verdict on one column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MethodScore {
    /// The method.
    pub method: Method,
    /// The test statistic, or the distance.
    pub statistic: f64,
    /// The p-value for tests, `None` for distances.
    pub p_value: Option<f64>,
    /// The threshold the score was compared with.
    pub threshold: f64,
    /// Whether the column drifted by this method.
    pub drifted: bool,
    /// For `wasserstein`, the distance before norming.
    pub raw_distance: Option<f64>,
}

/// Evidently's default method for a column (after NaN and infinities are dropped): with at
/// most 1,000 reference rows, `ks` for numbers (`chisquare` with 3 to 5 distinct values, `z`
/// with at most 2) and `chisquare` for categories (`z` with at most 2); above that,
/// `wasserstein` for numbers (`jensenshannon` with at most 5 distinct values) and
/// `jensenshannon` for categories. Distinct values are counted over both samples.
pub fn evidently_default_method(reference: &Sample, current: &Sample) -> Method {
    let distinct = value_counts(reference, current)
        .map(|c| c.keys.len())
        .unwrap_or(0);
    let numeric = matches!(reference, Sample::Numeric(_));
    if reference.len() <= 1000 {
        match (numeric, distinct) {
            (_, 0..=2) => Method::Z,
            (true, 3..=5) => Method::Chisquare,
            (true, _) => Method::Ks,
            (false, _) => Method::Chisquare,
        }
    } else if numeric && distinct > 5 {
        Method::Wasserstein
    } else {
        Method::Jensenshannon
    }
}

/// Scores a column pair as Evidently 0.7 does, with the method's default threshold unless
/// one is given (float columns; see [`evidently_score_typed`] for int64 ones).
pub fn evidently_score(
    method: Method,
    reference: &Sample,
    current: &Sample,
    threshold: Option<f64>,
) -> Result<MethodScore, DriftError> {
    evidently_score_typed(method, reference, current, threshold, false)
}

/// [`evidently_score`] with the pandas dtype of the pair: `integer` when both columns are
/// int64, where numpy's Sturges bins are at least one unit wide.
pub fn evidently_score_typed(
    method: Method,
    reference: &Sample,
    current: &Sample,
    threshold: Option<f64>,
    integer: bool,
) -> Result<MethodScore, DriftError> {
    if reference.is_empty() || current.is_empty() {
        return Err(DriftError::invalid(
            "samples",
            "a column has no values once missing values are dropped",
        ));
    }
    if !method.applies_to(reference.column_type()) {
        return Err(DriftError::invalid(
            "method",
            format!("{method} does not apply to categorical columns"),
        ));
    }
    let threshold = threshold.unwrap_or(method.default_threshold());
    let numbers = match (reference, current) {
        (Sample::Numeric(r), Sample::Numeric(c)) => Some((r.as_slice(), c.as_slice())),
        _ => None,
    };
    let test = |statistic: f64, p: f64| MethodScore {
        method,
        statistic,
        p_value: Some(p),
        threshold,
        drifted: if method == Method::Ks {
            p <= threshold
        } else {
            p < threshold
        },
        raw_distance: None,
    };
    let distance = |d: f64| MethodScore {
        method,
        statistic: d,
        p_value: None,
        threshold,
        drifted: d >= threshold,
        raw_distance: None,
    };
    let needs_numbers =
        || numbers.ok_or_else(|| DriftError::invalid("method", format!("{method} needs numbers")));
    Ok(match method {
        Method::Ks => {
            let (r, c) = needs_numbers()?;
            let t = ks_2samp_sorted(r, c);
            test(t.statistic.statistic, t.p_value)
        }
        Method::Chisquare => {
            let counts = value_counts(reference, current)?;
            let chi = chisquare_evidently(&counts.reference, &counts.current)?;
            test(chi.statistic, chi.pvalue)
        }
        Method::Z => {
            // Evidently compares the first sorted value against all the others, whatever
            // their number.
            let counts = value_counts(reference, current)?;
            let collapse = |c: &[u64]| {
                let first = c.first().copied().unwrap_or(0);
                [first, c.iter().sum::<u64>() - first]
            };
            let (rc, cc) = (collapse(&counts.reference), collapse(&counts.current));
            let z = two_proportion_z(&rc, &cc)?.z;
            // Evidently's own formula 2(1 - Φ(|z|)), and p = 1 when both samples hold one
            // and the same value (the formula is 0/0 there).
            let p = if z.is_nan() {
                1.0
            } else {
                2.0 * (1.0 - standard_normal_cdf(z.abs()))
            };
            test(z, p)
        }
        Method::Wasserstein => {
            let (r, c) = needs_numbers()?;
            let (normed, raw) = wasserstein_normed_sorted(r, c);
            MethodScore {
                raw_distance: Some(raw),
                ..distance(normed)
            }
        }
        Method::Psi | Method::KlDiv | Method::Jensenshannon => {
            let (rp, cp) = binned_shares(reference, current, integer)?;
            match method {
                Method::Psi => {
                    let (rf, cf) = (fill_zero_shares(&rp), fill_zero_shares(&cp));
                    distance(population_stability(&rf, &cf))
                }
                Method::KlDiv => {
                    let (rf, cf) = (fill_zero_shares(&rp), fill_zero_shares(&cp));
                    distance(relative_entropy(&rf, &cf))
                }
                _ => distance(jensenshannon_of_shares(&rp, &cp, None)),
            }
        }
        Method::Hellinger => distance(hellinger_evidently(reference, current, integer)?),
        Method::Anderson => {
            let (r, c) = needs_numbers()?;
            let a = anderson_ksamp(&[r, c])?;
            test(a.statistic, a.p_value)
        }
        Method::TTest => {
            let (r, c) = needs_numbers()?;
            let t = student_t_test(r, c)?;
            test(t.statistic, t.p_value)
        }
        Method::Mannw => {
            let (r, c) = needs_numbers()?;
            let (u, p) = mann_whitney_u_one_sided_less(r, c)?;
            test(u, p)
        }
    })
}

/// Evidently's `get_binned_data` without the fill: Sturges bins over both samples for numeric
/// columns with more than 20 distinct reference values, else one bin per observed value.
fn binned_shares(
    reference: &Sample,
    current: &Sample,
    integer: bool,
) -> Result<(Vec<f64>, Vec<f64>), DriftError> {
    if let (Sample::Numeric(r), Sample::Numeric(c)) = (reference, current)
        && runs(r).len() > 20
    {
        let min = r[0].min(c[0]);
        let max = r[r.len() - 1].max(c[c.len() - 1]);
        finite_range(min, max)?;
        let edges = sturges_edges(min, max, r.len() + c.len(), integer);
        return Ok((
            shares(&histogram(r, &edges), r.len()),
            shares(&histogram(c, &edges), c.len()),
        ));
    }
    let counts = value_counts(reference, current)?;
    Ok((
        shares(&counts.reference, reference.len()),
        shares(&counts.current, current.len()),
    ))
}

/// Evidently's Hellinger distance: sqrt(1 - Bhattacharyya coefficient); numeric columns use
/// density histograms on Sturges edges over the distinct values of both samples.
fn hellinger_evidently(
    reference: &Sample,
    current: &Sample,
    integer: bool,
) -> Result<f64, DriftError> {
    let bc = match (reference, current) {
        (Sample::Numeric(r), Sample::Numeric(c)) => {
            let mut keys: Vec<f64> = runs(r).into_iter().chain(runs(c)).map(|(v, _)| v).collect();
            keys.sort_by(f64::total_cmp);
            keys.dedup();
            finite_range(keys[0], keys[keys.len() - 1])?;
            let edges = sturges_edges(keys[0], keys[keys.len() - 1], keys.len(), integer);
            let density = |sorted: &[f64]| -> Vec<f64> {
                let counts = histogram(sorted, &edges);
                let total: u64 = counts.iter().sum();
                counts
                    .iter()
                    .zip(edges.windows(2))
                    .map(|(n, w)| *n as f64 / (w[1] - w[0]) / total as f64)
                    .collect()
            };
            let (h1, h2) = (density(r), density(c));
            let width = (edges[edges.len() - 1] - edges[0]) / (edges.len() - 1) as f64;
            h1.iter()
                .zip(&h2)
                .map(|(a, b)| (a * b).sqrt() * width)
                .sum::<f64>()
        }
        _ => {
            let counts = value_counts(reference, current)?;
            let (rp, cp) = (
                shares(&counts.reference, reference.len()),
                shares(&counts.current, current.len()),
            );
            rp.iter().zip(&cp).map(|(a, b)| (a * b).sqrt()).sum::<f64>()
        }
    };
    Ok((1.0 - bc.clamp(0.0, 1.0)).sqrt())
}

fn standard_normal_cdf(x: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(-x / std::f64::consts::SQRT_2)
}

/// numpy refuses bins over a range that overflows (e.g. -1e308 to 1e308); so does aigov.
fn finite_range(min: f64, max: f64) -> Result<(), DriftError> {
    if (max - min).is_finite() {
        Ok(())
    } else {
        Err(DriftError::invalid(
            "values",
            format!("the range {min} to {max} is too wide to bin"),
        ))
    }
}

//! Evasion: how little a detected attacker must change to be let through. Two black-box
//! searches, both confined to the feasible set and to a query budget per row:
//! a decision-based minimal-perturbation search in the manner of HopSkipJump (Chen, Jordan
//! and Wainwright 2020: boundary search, Monte Carlo gradient-direction estimates from
//! decisions alone, geometric step search), and a score-based greedy coordinate search with
//! random directions when it stalls.

use aigov_core::{Model, ModelError};
use ndarray::{Array2, ArrayView2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

use super::constraints::FeatureConstraints;
use super::oracle::Oracle;
use crate::ValidationError;

/// Which search.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attack {
    /// Decisions only: HopSkipJump-style boundary walk (minimal L2 perturbation).
    HopSkipJump,
    /// Scores: greedy coordinate steps, random directions when stuck.
    Greedy,
}

/// Settings of an evasion test.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EvasionConfig {
    /// Scores at or above it are flagged.
    pub threshold: f64,
    /// Model queries allowed per attacked row.
    pub query_budget: usize,
    /// Perturbation sizes (range-scaled L2) at which the success rate is reported.
    pub epsilons: Vec<f64>,
    /// Seed of the random directions and starting points.
    pub seed: u64,
    /// Attack at most this many true positives (the first ones in row order).
    pub max_rows: usize,
}

impl Default for EvasionConfig {
    fn default() -> Self {
        EvasionConfig {
            threshold: 0.5,
            query_budget: 2_000,
            epsilons: vec![0.01, 0.05, 0.1, 0.25, 0.5],
            seed: 0,
            max_rows: 200,
        }
    }
}

/// One feature an evasion changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeatureChange {
    /// The feature.
    pub feature: String,
    /// Its original value.
    pub from: f64,
    /// Its value in the evading input.
    pub to: f64,
}

/// A true positive that the search got through.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evasion {
    /// Row index in the data.
    pub row: usize,
    /// Score before.
    pub original_score: f64,
    /// Score of the evading input.
    pub evading_score: f64,
    /// Range-scaled L2 size of the change.
    pub distance: f64,
    /// Queries used.
    pub queries: usize,
    /// What changed.
    pub changes: Vec<FeatureChange>,
}

/// Success rate at one perturbation size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SuccessAt {
    /// The size.
    pub epsilon: f64,
    /// Share of attacked rows that evaded within it.
    pub success_rate: f64,
}

/// The outcome of one search over the attacked rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttackReport {
    /// The search.
    pub attack: Attack,
    /// True positives attacked.
    pub attacked: usize,
    /// Of those, how many evaded within the budget.
    pub evaded: usize,
    /// Success rate at each configured size.
    pub success_at: Vec<SuccessAt>,
    /// Median size of the successful perturbations.
    pub median_distance: Option<f64>,
    /// Median queries per attacked row.
    pub median_queries: Option<f64>,
    /// All queries.
    pub total_queries: usize,
    /// The rows that got through, with what changed.
    pub evasions: Vec<Evasion>,
}

/// Runs a search against every true positive (label malicious, score at or above the
/// threshold) up to `max_rows`.
pub fn evasion_test(
    model: &dyn Model,
    rows: ArrayView2<'_, f64>,
    labels: &[bool],
    constraints: &FeatureConstraints,
    attack: Attack,
    config: &EvasionConfig,
) -> Result<AttackReport, ValidationError> {
    if rows.nrows() != labels.len() {
        return Err(ValidationError::invalid(
            "labels",
            format!("{} labels for {} rows", labels.len(), rows.nrows()),
        ));
    }
    constraints.validate(rows.ncols())?;
    if constraints.features.as_slice() != model.feature_names() {
        return Err(ValidationError::invalid(
            "constraints",
            "their features are not the model's",
        ));
    }
    if config.query_budget < 20 || !config.threshold.is_finite() {
        return Err(ValidationError::invalid(
            "config",
            "the query budget must be at least 20 and the threshold finite",
        ));
    }
    let scores = aigov_core::predict_checked(model, rows)?;
    // Benign-looking rows are natural starting points for the decision-based search.
    let benign: Vec<Vec<f64>> = (0..rows.nrows())
        .filter(|&i| scores[i] < config.threshold)
        .map(|i| rows.row(i).to_vec())
        .collect();
    let targets: Vec<usize> = (0..rows.nrows())
        .filter(|&i| labels[i] && scores[i] >= config.threshold)
        .take(config.max_rows)
        .collect();
    let mut evasions = Vec::new();
    let mut queries = Vec::with_capacity(targets.len());
    for (k, &i) in targets.iter().enumerate() {
        let x = rows.row(i).to_vec();
        let mut rng =
            ChaCha20Rng::seed_from_u64(config.seed ^ (k as u64).wrapping_mul(0x9E37_79B9));
        let mut oracle = Oracle::new(model, config.threshold, config.query_budget);
        let found = match attack {
            Attack::HopSkipJump => hop_skip_jump(&mut oracle, &x, constraints, &benign, &mut rng)?,
            Attack::Greedy => greedy(&mut oracle, &x, constraints, &mut rng)?,
        };
        queries.push(oracle.queries as f64);
        if let Some((adv, score)) = found {
            let changes = (0..x.len())
                .filter(|&j| adv[j] != x[j])
                .map(|j| FeatureChange {
                    feature: constraints.features[j].clone(),
                    from: x[j],
                    to: adv[j],
                })
                .collect();
            evasions.push(Evasion {
                row: i,
                original_score: scores[i],
                evading_score: score,
                distance: constraints.distance(&adv, &x),
                queries: oracle.queries,
                changes,
            });
        }
    }
    let attacked = targets.len();
    let success_at = config
        .epsilons
        .iter()
        .map(|&epsilon| SuccessAt {
            epsilon,
            success_rate: if attacked == 0 {
                0.0
            } else {
                evasions.iter().filter(|e| e.distance <= epsilon).count() as f64 / attacked as f64
            },
        })
        .collect();
    let mut distances: Vec<f64> = evasions.iter().map(|e| e.distance).collect();
    Ok(AttackReport {
        attack,
        attacked,
        evaded: evasions.len(),
        success_at,
        median_distance: median(&mut distances),
        median_queries: median(&mut queries),
        total_queries: queries.iter().sum::<f64>() as usize,
        evasions,
    })
}

fn median(xs: &mut [f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    Some(if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    })
}

/// The feasible point nearest the continuous candidate, if the model lets it through; else
/// the candidate pushed further along its direction until it does (rounding can land an
/// integer or one-hot feature back on the flagged side).
fn realise(
    oracle: &mut Oracle<'_>,
    x: &[f64],
    candidate: &[f64],
    c: &FeatureConstraints,
) -> Result<Option<(Vec<f64>, f64)>, ModelError> {
    for stretch in [1.0, 1.05, 1.1, 1.25, 1.5, 2.0, 3.0] {
        let mut p: Vec<f64> = x
            .iter()
            .zip(candidate)
            .map(|(a, b)| a + stretch * (b - a))
            .collect();
        c.project(&mut p, x);
        match oracle.score(&p)? {
            None => return Ok(None),
            Some(s) if s < oracle.threshold() => return Ok(Some((p, s))),
            Some(_) => {}
        }
    }
    Ok(None)
}

/// Bisects the segment from the flagged `x` to the evading `adv` (both in the relaxation)
/// down to `tolerance` (range-scaled), or until the budget runs out; returns the evading end
/// (None is kept for callers that treat an exhausted budget as the end).
fn boundary(
    oracle: &mut Oracle<'_>,
    x: &[f64],
    adv: &[f64],
    scale: &[f64],
    tolerance: f64,
) -> Result<Option<Vec<f64>>, ModelError> {
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    let length = distance(x, adv, scale);
    let at = |t: f64| -> Vec<f64> { x.iter().zip(adv).map(|(a, b)| a + t * (b - a)).collect() };
    while (hi - lo) * length > tolerance {
        let mid = (lo + hi) / 2.0;
        match oracle.evades(&at(mid))? {
            None => break,
            Some(true) => hi = mid,
            Some(false) => lo = mid,
        }
    }
    Ok(Some(at(hi)))
}

fn distance(a: &[f64], b: &[f64], scale: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .zip(scale)
        .map(|((x, y), s)| ((x - y) / s).powi(2))
        .sum::<f64>()
        .sqrt()
}

fn hop_skip_jump(
    oracle: &mut Oracle<'_>,
    x: &[f64],
    c: &FeatureConstraints,
    benign: &[Vec<f64>],
    rng: &mut ChaCha20Rng,
) -> Result<Option<(Vec<f64>, f64)>, ModelError> {
    let movable = c.movable();
    if movable.is_empty() {
        return Ok(None);
    }
    let scale = c.scale();
    let d = movable.len() as f64;
    let theta = 0.01 / (d * d.sqrt()).max(1.0);
    // A starting point the model lets through: benign rows nearest first (with this row's
    // immutable features), then uniform draws within bounds.
    let mut starts: Vec<Vec<f64>> = benign
        .iter()
        .map(|b| {
            let mut s = b.clone();
            c.clip(&mut s, x);
            s
        })
        .collect();
    starts.sort_by(|a, b| distance(a, x, &scale).total_cmp(&distance(b, x, &scale)));
    starts.truncate(20);
    for _ in 0..20 {
        let mut s = x.to_vec();
        for &j in &movable {
            s[j] =
                c.bounds[j].lower + rng.random::<f64>() * (c.bounds[j].upper - c.bounds[j].lower);
        }
        starts.push(s);
    }
    let mut adv = None;
    for s in starts {
        match oracle.evades(&s)? {
            None => return Ok(None),
            Some(true) => {
                adv = Some(s);
                break;
            }
            Some(false) => {}
        }
    }
    let Some(start) = adv else { return Ok(None) };
    let Some(mut current) = boundary(oracle, x, &start, &scale, theta)? else {
        return Ok(None);
    };
    let mut best = current.clone();
    let mut dist = distance(&current, x, &scale);
    let mut t = 1.0f64;
    // Keep enough budget to realise the result.
    while oracle.left() > 40 {
        let delta = (d.sqrt() * theta * dist).max(1e-9);
        let evals = ((100.0 * t.sqrt()) as usize)
            .min(1000)
            .min(oracle.left().saturating_sub(40) / 2);
        if evals < 10 {
            break;
        }
        // Directions in the movable subspace, in range-scaled units.
        let mut directions = Array2::<f64>::zeros((evals, x.len()));
        let mut probes = Array2::<f64>::zeros((evals, x.len()));
        for k in 0..evals {
            let mut u: Vec<f64> = vec![0.0; x.len()];
            let mut norm = 0.0;
            for &j in &movable {
                let g: f64 = rng.sample(StandardNormal);
                u[j] = g;
                norm += g * g;
            }
            let norm = norm.sqrt().max(1e-12);
            let mut p = current.clone();
            for &j in &movable {
                u[j] /= norm;
                p[j] += delta * u[j] * scale[j];
            }
            c.clip(&mut p, x);
            // The direction actually probed: a bound may have cut the step short.
            for j in 0..x.len() {
                directions[[k, j]] = (p[j] - current[j]) / (delta * scale[j]);
                probes[[k, j]] = p[j];
            }
        }
        let Some(scores) = oracle.scores(&probes)? else {
            break;
        };
        let signs: Vec<f64> = scores
            .iter()
            .map(|&s| if s < oracle.threshold() { 1.0 } else { -1.0 })
            .collect();
        let mean = signs.iter().sum::<f64>() / evals as f64;
        let mut grad = vec![0.0; x.len()];
        for k in 0..evals {
            // Baseline-subtracted, unless every probe agrees (then the plain sign is used).
            let w = if mean.abs() == 1.0 {
                signs[k]
            } else {
                signs[k] - mean
            };
            for &j in &movable {
                grad[j] += w * directions[[k, j]];
            }
        }
        let gnorm = grad.iter().map(|g| g * g).sum::<f64>().sqrt();
        if gnorm == 0.0 {
            break;
        }
        // Geometric step search along the estimated direction (away from the flagged side).
        let mut step = dist / t.sqrt();
        let mut moved = None;
        while step > theta * dist && oracle.left() > 40 {
            let mut p = current.clone();
            for &j in &movable {
                p[j] += step * grad[j] / gnorm * scale[j];
            }
            c.clip(&mut p, x);
            match oracle.evades(&p)? {
                Some(true) => {
                    moved = Some(p);
                    break;
                }
                Some(false) => step /= 2.0,
                None => break,
            }
        }
        let Some(p) = moved else { break };
        let Some(next) = boundary(oracle, x, &p, &scale, theta * dist.max(1e-6))? else {
            break;
        };
        current = next;
        dist = distance(&current, x, &scale);
        if dist < distance(&best, x, &scale) {
            best = current.clone();
        }
        t += 1.0;
    }
    realise(oracle, x, &best, c)
}

fn greedy(
    oracle: &mut Oracle<'_>,
    x: &[f64],
    c: &FeatureConstraints,
    rng: &mut ChaCha20Rng,
) -> Result<Option<(Vec<f64>, f64)>, ModelError> {
    let movable = c.movable();
    if movable.is_empty() {
        return Ok(None);
    }
    let scale = c.scale();
    let Some(mut score) = oracle.score(x)? else {
        return Ok(None);
    };
    let mut current = x.to_vec();
    let mut step = 0.1;
    let mut found = None;
    'search: while step > 1e-4 && oracle.left() > 0 {
        // Every single-feature move of the current step, scored in one batch.
        let mut candidates = Vec::with_capacity(2 * movable.len() + 8);
        for &j in &movable {
            for sign in [-1.0, 1.0] {
                let mut p = current.clone();
                let unit = if c.integer[j] {
                    scale[j].max(1.0)
                } else {
                    scale[j]
                };
                p[j] += sign * (step * unit).max(if c.integer[j] { 1.0 } else { 0.0 });
                c.project(&mut p, x);
                if p != current {
                    candidates.push(p);
                }
            }
        }
        // A few random directions too, so that a flat coordinate does not stall the search.
        for _ in 0..movable.len().min(8) {
            let mut p = current.clone();
            for &j in &movable {
                let g: f64 = rng.sample(StandardNormal);
                p[j] += step * g * scale[j] / (movable.len() as f64).sqrt();
            }
            c.project(&mut p, x);
            if p != current {
                candidates.push(p);
            }
        }
        if candidates.is_empty() {
            step /= 2.0;
            continue;
        }
        let batch = Array2::from_shape_vec(
            (candidates.len(), x.len()),
            candidates.iter().flatten().copied().collect(),
        )
        .map_err(|e| ModelError::Runtime(e.to_string()))?;
        let Some(scores) = oracle.scores(&batch)? else {
            break;
        };
        // Among moves that evade, the smallest; otherwise the one lowering the score most.
        let mut evading: Vec<usize> = (0..scores.len())
            .filter(|&k| scores[k] < oracle.threshold())
            .collect();
        evading.sort_by(|&a, &b| {
            distance(&candidates[a], x, &scale).total_cmp(&distance(&candidates[b], x, &scale))
        });
        if let Some(&k) = evading.first() {
            found = Some((candidates[k].clone(), scores[k]));
            break 'search;
        }
        let (k, &s) = scores
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(b.1))
            .expect("candidates is not empty");
        if s < score {
            score = s;
            current = candidates[k].clone();
        } else {
            step /= 2.0;
        }
    }
    let Some((adv, s)) = found else {
        return Ok(None);
    };
    // Pull the evading input back toward x as far as it still evades.
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    let mut best = (adv.clone(), s);
    for _ in 0..20 {
        let mid = (lo + hi) / 2.0;
        let mut p: Vec<f64> = x.iter().zip(&adv).map(|(a, b)| a + mid * (b - a)).collect();
        c.project(&mut p, x);
        match oracle.score(&p)? {
            None => break,
            Some(sp) if sp < oracle.threshold() => {
                hi = mid;
                best = (p, sp);
            }
            Some(_) => lo = mid,
        }
    }
    Ok(Some(best))
}

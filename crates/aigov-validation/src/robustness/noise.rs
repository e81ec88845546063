//! Noise flip rate: how many decisions change when the inputs wobble as real telemetry does.
//! A model whose verdicts flip under small measurement noise is easy to game and hard to
//! trust.

use aigov_core::Model;
use ndarray::{Array2, ArrayView2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

use super::constraints::FeatureConstraints;
use crate::ValidationError;

/// Settings of the noise test.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NoiseConfig {
    /// Scores at or above it are flagged.
    pub threshold: f64,
    /// Standard deviation of the Gaussian noise, as a share of each feature's range.
    pub scale: f64,
    /// Noisy copies of each row.
    pub repeats: usize,
    /// Seed of the noise.
    pub seed: u64,
}

impl Default for NoiseConfig {
    fn default() -> Self {
        NoiseConfig {
            threshold: 0.5,
            scale: 0.01,
            repeats: 10,
            seed: 0,
        }
    }
}

/// Flip rate of one feature's noise alone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeatureFlipRate {
    /// The feature.
    pub feature: String,
    /// Share of noisy copies whose decision differs from the clean row's.
    pub flip_rate: f64,
}

/// The outcome of the noise test.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoiseFlipReport {
    /// The settings.
    pub config: NoiseConfig,
    /// Noisy copies scored with every movable feature perturbed at once.
    pub trials: usize,
    /// Share of those whose decision differs from the clean row's.
    pub flip_rate: f64,
    /// Share among rows flagged when clean (detections lost to noise).
    pub flagged_flip_rate: Option<f64>,
    /// The same with one feature perturbed at a time.
    pub per_feature: Vec<FeatureFlipRate>,
}

/// Perturbs the movable features with Gaussian noise (projected onto the feasible set, so
/// integers stay whole) and counts decisions that change.
pub fn noise_flip_rate(
    model: &dyn Model,
    rows: ArrayView2<'_, f64>,
    constraints: &FeatureConstraints,
    config: &NoiseConfig,
) -> Result<NoiseFlipReport, ValidationError> {
    if !(config.scale > 0.0 && config.scale.is_finite()) || config.repeats == 0 {
        return Err(ValidationError::invalid(
            "noise",
            "the scale must be positive and the repeats at least 1",
        ));
    }
    if rows.nrows() == 0 {
        return Err(ValidationError::invalid("rows", "no rows"));
    }
    constraints.validate(rows.ncols())?;
    let clean: Vec<bool> = aigov_core::predict_checked(model, rows)?
        .iter()
        .map(|&s| s >= config.threshold)
        .collect();
    let scale = constraints.scale();
    let movable = constraints.movable();
    let mut rng = ChaCha20Rng::seed_from_u64(config.seed);
    let mut run = |features: &[usize]| -> Result<(f64, Option<f64>, usize), ValidationError> {
        let n = rows.nrows() * config.repeats;
        let mut noisy = Array2::zeros((n, rows.ncols()));
        for (i, row) in rows.outer_iter().enumerate() {
            let x = row.to_vec();
            for r in 0..config.repeats {
                let mut p = x.clone();
                for &j in features {
                    let g: f64 = rng.sample(StandardNormal);
                    p[j] += g * config.scale * scale[j];
                }
                constraints.project(&mut p, &x);
                noisy
                    .row_mut(i * config.repeats + r)
                    .assign(&ndarray::ArrayView1::from(&p));
            }
        }
        let scores = aigov_core::predict_checked(model, noisy.view())?;
        let (mut flips, mut flagged, mut flagged_flips) = (0usize, 0usize, 0usize);
        for (k, s) in scores.iter().enumerate() {
            let before = clean[k / config.repeats];
            let flipped = (*s >= config.threshold) != before;
            flips += usize::from(flipped);
            if before {
                flagged += 1;
                flagged_flips += usize::from(flipped);
            }
        }
        let among_flagged = (flagged > 0).then(|| flagged_flips as f64 / flagged as f64);
        Ok((flips as f64 / n as f64, among_flagged, n))
    };
    let (flip_rate, flagged_flip_rate, trials) = run(&movable)?;
    let mut per_feature = Vec::with_capacity(movable.len());
    for &j in &movable {
        let (rate, _, _) = run(&[j])?;
        per_feature.push(FeatureFlipRate {
            feature: constraints.features[j].clone(),
            flip_rate: rate,
        });
    }
    Ok(NoiseFlipReport {
        config: config.clone(),
        trials,
        flip_rate,
        flagged_flip_rate,
        per_feature,
    })
}

//! Explaining one row, or a batch of rows in parallel.

use aigov_core::Model;
use ndarray::ArrayView2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::exact::exact_values;
use crate::explanation::{Attribution, Explanation, Method, Stability, agreement, top_k};
use crate::game::Game;
use crate::kernel::kernel_values;
use crate::permutation::permutation_values;
use crate::{Background, ExplainError};

/// The most coalitions a sampled method may be asked for.
pub const MAX_SAMPLES: usize = 1_000_000;

/// Up to this many varying features the automatic choice is the exact method.
pub const AUTO_EXACT_MAX_FEATURES: usize = 12;

/// How to explain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExplainOptions {
    /// The method; `None` picks exact up to [`AUTO_EXACT_MAX_FEATURES`] varying features and
    /// Kernel SHAP above.
    pub method: Option<Method>,
    /// Seed of the sampled methods.
    pub seed: u64,
    /// Coalitions a sampled method may evaluate; `None` is shap's default, 2M + 2048.
    pub samples: Option<usize>,
    /// How many features `top` lists.
    pub top_k: usize,
    /// Whether a sampled method is run again with a second seed to measure stability.
    pub stability: bool,
}

impl Default for ExplainOptions {
    fn default() -> Self {
        ExplainOptions {
            method: None,
            seed: 0,
            samples: None,
            top_k: 5,
            stability: true,
        }
    }
}

/// The second seed of the stability check, derived so that it never equals the first.
pub fn second_seed(seed: u64) -> u64 {
    seed ^ 0x9E37_79B9_7F4A_7C15
}

/// Explains the model's score for one row relative to the background.
pub fn explain(
    model: &dyn Model,
    background: &Background,
    row: &[f64],
    options: &ExplainOptions,
) -> Result<Explanation, ExplainError> {
    let names = model.feature_names();
    if background.feature_names() != names {
        return Err(ExplainError::invalid(
            "background",
            format!(
                "its features {:?} are not the model's {:?}",
                background.feature_names(),
                names
            ),
        ));
    }
    if row.len() != names.len() {
        return Err(ExplainError::invalid(
            "row",
            format!("{} values for {} features", row.len(), names.len()),
        ));
    }
    if let Some((j, v)) = row.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(ExplainError::invalid(
            "row",
            format!("feature {}: {v} is not finite", names[j]),
        ));
    }
    if options.samples.is_some_and(|s| s > MAX_SAMPLES) {
        return Err(ExplainError::invalid(
            "samples",
            format!("at most {MAX_SAMPLES} coalitions (each is a batch of background rows)"),
        ));
    }
    if options.top_k == 0 {
        return Err(ExplainError::invalid("top_k", "must be at least 1"));
    }
    let mut game = Game::new(model, row, background.rows());
    let (base, full) = game.ends()?;
    let m = game.len();
    let method = options.method.unwrap_or(if m <= AUTO_EXACT_MAX_FEATURES {
        Method::Exact
    } else {
        Method::Kernel
    });
    let samples = options.samples.unwrap_or(2 * m + 2048);
    let run = |game: &mut Game<'_>, seed: u64| -> Result<Vec<f64>, ExplainError> {
        match method {
            Method::Exact => exact_values(game),
            Method::Permutation => {
                let pairs = (samples / (2 * m.saturating_sub(1).max(1))).max(1);
                permutation_values(game, pairs, seed, base, full)
            }
            Method::Kernel => kernel_values(game, samples, seed, base, full),
        }
    };
    let before = game.evaluations;
    let player_values = run(&mut game, options.seed)?;
    let coalitions = match method {
        Method::Exact => 1usize << m,
        _ => 2 + (game.evaluations - before) / background.rows().nrows(),
    };
    let values = spread(&game.players, &player_values, names.len());
    let stability = if method != Method::Exact && options.stability {
        let second = second_seed(options.seed);
        let again = run(&mut game, second)?;
        let again = spread(&game.players, &again, names.len());
        Some(Stability {
            second_seed: second,
            top_k_agreement: agreement(&values, &again, options.top_k),
            max_value_difference: values
                .iter()
                .zip(&again)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max),
        })
    } else {
        None
    };
    let evaluations = game.evaluations;
    let attribution = |j: usize| Attribution {
        feature: names[j].clone(),
        input: row[j],
        value: values[j],
    };
    let additivity_residual = full - base - values.iter().sum::<f64>();
    Ok(Explanation {
        prediction: full,
        base_value: base,
        top: top_k(&values, options.top_k)
            .into_iter()
            .map(attribution)
            .collect(),
        values: (0..names.len()).map(attribution).collect(),
        method,
        seed: (method != Method::Exact).then_some(options.seed),
        coalitions,
        model_evaluations: evaluations,
        background_digest: background.digest(),
        background_rows: background.rows().nrows(),
        additivity_residual,
        stability,
    })
}

/// Explains every row, in parallel; the same options (and seed) for each row, so a row's
/// explanation does not depend on the batch it came in.
pub fn explain_batch(
    model: &dyn Model,
    background: &Background,
    rows: ArrayView2<'_, f64>,
    options: &ExplainOptions,
) -> Result<Vec<Explanation>, ExplainError> {
    let rows: Vec<Vec<f64>> = rows.outer_iter().map(|r| r.to_vec()).collect();
    rows.par_iter()
        .map(|row| explain(model, background, row, options))
        .collect()
}

/// Values of the players placed at their features; features outside the game get 0.
fn spread(players: &[usize], values: &[f64], width: usize) -> Vec<f64> {
    let mut out = vec![0.0; width];
    for (&j, &v) in players.iter().zip(values) {
        out[j] = v;
    }
    out
}

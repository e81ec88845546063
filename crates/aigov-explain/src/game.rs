//! The cooperative game behind interventional Shapley values: the worth of a coalition S is
//! the model's mean score over the background rows with the features in S set to the
//! explained row's values.

use aigov_core::Model;
use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;

use crate::ExplainError;

/// Rows sent to the model in one call: large enough to amortise the call, small enough that
/// the batch and the runtime's copies of it stay in cache.
const ROWS_PER_CALL: usize = 1 << 12;

/// One explained row against one background, over the features that vary (a feature whose
/// value equals the row's in every background row cannot change any worth, so its value is
/// 0 and it is left out of the game, as shap does).
pub(crate) struct Game<'a> {
    model: &'a dyn Model,
    row: &'a [f64],
    background: ArrayView2<'a, f64>,
    /// Indices (into the row) of the players.
    pub(crate) players: Vec<usize>,
    /// Model rows scored so far.
    pub(crate) evaluations: usize,
}

impl<'a> Game<'a> {
    pub(crate) fn new(
        model: &'a dyn Model,
        row: &'a [f64],
        background: ArrayView2<'a, f64>,
    ) -> Self {
        let players = (0..row.len())
            .filter(|&j| background.column(j).iter().any(|&b| b != row[j]))
            .collect();
        Game {
            model,
            row,
            background,
            players,
            evaluations: 0,
        }
    }

    /// Number of players.
    pub(crate) fn len(&self) -> usize {
        self.players.len()
    }

    /// The worth of each coalition; `masks` holds one coalition per `len()` booleans (true:
    /// the player takes the explained row's value). Chunks of coalitions are scored in
    /// parallel: the model is `Sync`, and scoring is nearly all of the cost.
    pub(crate) fn worths(&mut self, masks: &[bool]) -> Result<Vec<f64>, ExplainError> {
        let m = self.len().max(1);
        let coalitions = masks.len() / m;
        let b = self.background.nrows();
        let per_call = (ROWS_PER_CALL / b).max(1);
        let starts: Vec<usize> = (0..coalitions).step_by(per_call).collect();
        let chunks: Vec<Vec<f64>> = starts
            .par_iter()
            .map(|&start| {
                let end = (start + per_call).min(coalitions);
                self.chunk_worths(&masks[start * m..end * m], m)
            })
            .collect::<Result<_, _>>()?;
        self.evaluations += coalitions * b;
        Ok(chunks.concat())
    }

    fn chunk_worths(&self, masks: &[bool], m: usize) -> Result<Vec<f64>, ExplainError> {
        let b = self.background.nrows();
        let width = self.row.len();
        let count = masks.len() / m;
        // The background block once, copied per coalition (a plain copy is far cheaper than
        // zero-fill then assign), then the coalition's players overwritten.
        let block: Vec<f64> = self.background.iter().copied().collect();
        let mut data = Vec::with_capacity(count * b * width);
        for mask in masks.chunks(m) {
            let at = data.len();
            data.extend_from_slice(&block);
            for (p, &on) in mask.iter().enumerate() {
                if on {
                    let j = self.players[p];
                    let value = self.row[j];
                    for r in 0..b {
                        data[at + r * width + j] = value;
                    }
                }
            }
        }
        let batch = Array2::from_shape_vec((count * b, width), data)
            .map_err(|e| aigov_core::ModelError::Runtime(e.to_string()))?;
        let scores = self.model.predict(batch.view())?;
        if scores.len() != batch.nrows() {
            return Err(aigov_core::ModelError::Runtime(format!(
                "{} scores for {} rows",
                scores.len(),
                batch.nrows()
            ))
            .into());
        }
        Ok(scores.to_vec().chunks(b).map(mean).collect())
    }

    /// Worth of the empty coalition (the base value) and of all players (the prediction).
    pub(crate) fn ends(&mut self) -> Result<(f64, f64), ExplainError> {
        let m = self.len();
        let mut masks = vec![false; m.max(1)];
        masks.extend(std::iter::repeat_n(true, m.max(1)));
        if m == 0 {
            // No players: both coalitions are the background itself.
            let w = self.worths(&[false])?;
            return Ok((w[0], w[0]));
        }
        let w = self.worths(&masks)?;
        Ok((w[0], w[1]))
    }
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

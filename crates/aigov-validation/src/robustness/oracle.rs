//! Black-box access to the model with a query budget: every score an attack asks for is
//! counted, and asking past the budget ends the attack.

use aigov_core::{Model, ModelError, predict_checked};
use ndarray::{Array2, ArrayView1};

/// A model behind a per-attack query counter.
pub(crate) struct Oracle<'a> {
    model: &'a dyn Model,
    threshold: f64,
    budget: usize,
    pub(crate) queries: usize,
}

impl<'a> Oracle<'a> {
    pub(crate) fn new(model: &'a dyn Model, threshold: f64, budget: usize) -> Self {
        Oracle {
            model,
            threshold,
            budget,
            queries: 0,
        }
    }

    pub(crate) fn left(&self) -> usize {
        self.budget.saturating_sub(self.queries)
    }

    /// Scores of the rows, or None when the budget does not cover them all.
    pub(crate) fn scores(&mut self, rows: &Array2<f64>) -> Result<Option<Vec<f64>>, ModelError> {
        if rows.nrows() > self.left() {
            return Ok(None);
        }
        self.queries += rows.nrows();
        Ok(Some(predict_checked(self.model, rows.view())?.to_vec()))
    }

    pub(crate) fn score(&mut self, x: &[f64]) -> Result<Option<f64>, ModelError> {
        let row = ArrayView1::from(x).insert_axis(ndarray::Axis(0)).to_owned();
        Ok(self.scores(&row)?.map(|s| s[0]))
    }

    /// Whether the model lets `x` through (score below the threshold).
    pub(crate) fn evades(&mut self, x: &[f64]) -> Result<Option<bool>, ModelError> {
        Ok(self.score(x)?.map(|s| s < self.threshold))
    }

    pub(crate) fn threshold(&self) -> f64 {
        self.threshold
    }
}

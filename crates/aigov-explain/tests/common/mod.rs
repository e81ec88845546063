//! Small models written as plain functions, shared by the tests.
#![allow(dead_code)]

use aigov_core::{Model, ModelError};
use ndarray::{Array1, Array2, ArrayView2};

/// score = link(intercept + Σ w_i x_i + Σ c x_i x_j).
#[derive(Debug, Clone)]
pub struct Formula {
    pub names: Vec<String>,
    pub weights: Vec<f64>,
    pub pairs: Vec<(usize, usize, f64)>,
    pub intercept: f64,
    pub logistic: bool,
}

impl Formula {
    pub fn linear(weights: &[f64], intercept: f64, logistic: bool) -> Formula {
        Formula {
            names: (0..weights.len()).map(|i| format!("f{i}")).collect(),
            weights: weights.to_vec(),
            pairs: Vec::new(),
            intercept,
            logistic,
        }
    }
}

impl Model for Formula {
    fn feature_names(&self) -> &[String] {
        &self.names
    }

    fn predict(&self, rows: ArrayView2<'_, f64>) -> Result<Array1<f64>, ModelError> {
        aigov_core::check_rows(self, rows)?;
        Ok(rows
            .outer_iter()
            .map(|x| {
                let mut z = self.intercept;
                for (w, v) in self.weights.iter().zip(x.iter()) {
                    z += w * v;
                }
                for &(i, j, c) in &self.pairs {
                    z += c * x[i] * x[j];
                }
                if self.logistic {
                    1.0 / (1.0 + (-z).exp())
                } else {
                    z
                }
            })
            .collect())
    }
}

/// Deterministic pseudo-random values in [-2, 2) (a small LCG: tests need no RNG crate).
pub fn values(seed: u64, n: usize) -> Vec<f64> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64) * 4.0 - 2.0
        })
        .collect()
}

pub fn matrix(seed: u64, rows: usize, cols: usize) -> Array2<f64> {
    Array2::from_shape_vec((rows, cols), values(seed, rows * cols)).unwrap()
}

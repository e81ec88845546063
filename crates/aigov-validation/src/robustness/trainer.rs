//! Retraining is the host's business: a poisoning test hands a `Trainer` the tampered
//! training set and judges the model it gets back. A regularised logistic regression is
//! included, for JSON linear models and for tests.

use aigov_core::{Model, ModelError};
use ndarray::{Array1, Array2, ArrayView2, Axis};

use crate::{LinearModel, Link};

/// Trains a model from labelled rows (true = malicious).
pub trait Trainer: Send + Sync {
    /// Trains on the rows and labels.
    fn train(
        &self,
        rows: ArrayView2<'_, f64>,
        labels: &[bool],
    ) -> Result<Box<dyn Model>, ModelError>;
}

/// L2-regularised logistic regression fitted by Newton's method, with scikit-learn's
/// objective (C = 1/λ, intercept unpenalised), on standardised features mapped back to the
/// original units.
#[derive(Clone, Debug)]
pub struct LogisticTrainer {
    /// Feature names of the models it trains.
    pub features: Vec<String>,
    /// Inverse regularisation strength.
    pub c: f64,
    /// Newton iterations at most.
    pub max_iterations: usize,
}

impl LogisticTrainer {
    /// A trainer with C = 1 and up to 50 Newton steps.
    pub fn new(features: Vec<String>) -> Self {
        LogisticTrainer {
            features,
            c: 1.0,
            max_iterations: 50,
        }
    }

    /// Fits and returns the JSON-representable model.
    pub fn fit(
        &self,
        rows: ArrayView2<'_, f64>,
        labels: &[bool],
    ) -> Result<LinearModel, ModelError> {
        let (n, d) = rows.dim();
        if d != self.features.len() {
            return Err(ModelError::WidthMismatch {
                expected: self.features.len(),
                found: d,
            });
        }
        if n != labels.len() || n == 0 {
            return Err(ModelError::Runtime(format!(
                "{n} training rows and {} labels: need as many, and at least one",
                labels.len()
            )));
        }
        if let Some(bad) = rows.iter().find(|v| !v.is_finite()) {
            return Err(ModelError::Runtime(format!("{bad} in the training rows")));
        }
        let mean = rows.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(d));
        let sd = rows
            .std_axis(Axis(0), 0.0)
            .mapv(|s| if s > 0.0 { s } else { 1.0 });
        // Design matrix with a leading column of ones.
        let mut z = Array2::ones((n, d + 1));
        for j in 0..d {
            let col = rows.column(j).mapv(|v| (v - mean[j]) / sd[j]);
            z.column_mut(j + 1).assign(&col);
        }
        let y: Array1<f64> = labels.iter().map(|&l| f64::from(u8::from(l))).collect();
        let lambda = 1.0 / self.c;
        // The penalty is on the original-unit weights: w_j = beta_j / sd_j.
        let penalty: Vec<f64> = (0..d).map(|j| lambda / (sd[j] * sd[j])).collect();
        let objective = |beta: &Array1<f64>| -> f64 {
            let t = z.dot(beta);
            let loss: f64 = t
                .iter()
                .zip(y.iter())
                // log(1 + e^t) - y t, written to stay finite for large |t|
                .map(|(&t, &y)| t.max(0.0) + (-t.abs()).exp().ln_1p() - y * t)
                .sum();
            loss + 0.5
                * (0..d)
                    .map(|j| penalty[j] * beta[j + 1] * beta[j + 1])
                    .sum::<f64>()
        };
        let mut beta = Array1::<f64>::zeros(d + 1);
        let mut current = objective(&beta);
        let mut converged = false;
        for _ in 0..self.max_iterations {
            let p = z.dot(&beta).mapv(|t| 1.0 / (1.0 + (-t).exp()));
            let mut grad = z.t().dot(&(&p - &y));
            let w = p.mapv(|q| (q * (1.0 - q)).max(1e-12));
            let zw = &z * &w.view().insert_axis(Axis(1));
            let mut hess = z.t().dot(&zw);
            for j in 1..=d {
                grad[j] += penalty[j - 1] * beta[j];
                hess[[j, j]] += penalty[j - 1];
            }
            let step = cholesky_solve(hess, grad)
                .ok_or_else(|| ModelError::Runtime("the training problem is singular".into()))?;
            let scale = 1.0 + beta.iter().map(|b| b.abs()).fold(0.0, f64::max);
            if step.iter().map(|s| s.abs()).fold(0.0, f64::max) < 1e-10 * scale {
                converged = true;
                break;
            }
            // Backtracking: a full Newton step can overshoot on nearly separable data.
            let mut t = 1.0;
            loop {
                let candidate = &beta - &(&step * t);
                let value = objective(&candidate);
                if value.is_finite() && value <= current {
                    // Newton converges quadratically: once a step gains nothing measurable,
                    // the optimum is reached to the precision of the objective.
                    if current - value <= 1e-15 * current.abs().max(1.0) {
                        converged = true;
                    }
                    beta = candidate;
                    current = value;
                    break;
                }
                t /= 2.0;
                if t < 1e-12 {
                    converged = true;
                    break;
                }
            }
            if converged {
                break;
            }
        }
        if !converged {
            return Err(ModelError::Runtime(format!(
                "training did not converge in {} Newton steps",
                self.max_iterations
            )));
        }
        let weights: Vec<f64> = (0..d).map(|j| beta[j + 1] / sd[j]).collect();
        let intercept = beta[0] - (0..d).map(|j| weights[j] * mean[j]).sum::<f64>();
        if !intercept.is_finite() || weights.iter().any(|w| !w.is_finite()) {
            return Err(ModelError::Runtime("training diverged".into()));
        }
        Ok(LinearModel {
            features: self.features.clone(),
            weights,
            intercept,
            link: Link::Logistic,
        })
    }
}

impl Trainer for LogisticTrainer {
    fn train(
        &self,
        rows: ArrayView2<'_, f64>,
        labels: &[bool],
    ) -> Result<Box<dyn Model>, ModelError> {
        Ok(Box::new(self.fit(rows, labels)?))
    }
}

/// Solves H x = g for a symmetric positive definite H.
fn cholesky_solve(h: Array2<f64>, g: Array1<f64>) -> Option<Array1<f64>> {
    let k = g.len();
    let mut l = Array2::<f64>::zeros((k, k));
    for i in 0..k {
        for j in 0..=i {
            let s: f64 = (0..j).map(|m| l[[i, m]] * l[[j, m]]).sum();
            if i == j {
                let v = h[[i, i]] - s;
                if v <= 0.0 {
                    return None;
                }
                l[[i, i]] = v.sqrt();
            } else {
                l[[i, j]] = (h[[i, j]] - s) / l[[j, j]];
            }
        }
    }
    let mut y = Array1::<f64>::zeros(k);
    for i in 0..k {
        let s: f64 = (0..i).map(|m| l[[i, m]] * y[m]).sum();
        y[i] = (g[i] - s) / l[[i, i]];
    }
    let mut x = Array1::<f64>::zeros(k);
    for i in (0..k).rev() {
        let s: f64 = (i + 1..k).map(|m| l[[m, i]] * x[m]).sum();
        x[i] = (y[i] - s) / l[[i, i]];
    }
    Some(x)
}

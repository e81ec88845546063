//! What an explanation records: enough to audit it later (method, seed, background digest,
//! additivity residual, stability) and to show it (values and the top features).

use aigov_core::Digest;
use serde::{Deserialize, Serialize};

/// How the values were computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Every coalition enumerated: exact interventional Shapley values.
    Exact,
    /// Seeded antithetic sampling of feature orderings.
    Permutation,
    /// Kernel SHAP: Shapley-kernel-weighted least squares over sampled coalitions.
    Kernel,
}

impl Method {
    /// The method's name as the CLI and the audit record spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Exact => "exact",
            Method::Permutation => "permutation",
            Method::Kernel => "kernel",
        }
    }
}

impl std::str::FromStr for Method {
    type Err = crate::ExplainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "exact" => Ok(Method::Exact),
            "permutation" => Ok(Method::Permutation),
            "kernel" => Ok(Method::Kernel),
            other => Err(crate::ExplainError::invalid(
                "method",
                format!("{other:?}: expected exact, permutation or kernel"),
            )),
        }
    }
}

/// One feature's share of the decision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attribution {
    /// The feature.
    pub feature: String,
    /// The explained row's value of it.
    pub input: f64,
    /// Its Shapley value (positive pushes the score up).
    pub value: f64,
}

/// How much the top features depend on the seed: the explanation is recomputed with a second
/// seed and the two top-k sets compared.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stability {
    /// The second seed.
    pub second_seed: u64,
    /// |top-k(first) ∩ top-k(second)| / k, in [0, 1].
    pub top_k_agreement: f64,
    /// The largest difference of any feature's value between the two runs.
    pub max_value_difference: f64,
}

/// The explanation of one decision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// The model's score for the row.
    pub prediction: f64,
    /// The mean score over the background: where the values start from.
    pub base_value: f64,
    /// Every feature's value, in the model's feature order.
    pub values: Vec<Attribution>,
    /// The k features with the largest absolute values, largest first.
    pub top: Vec<Attribution>,
    /// How the values were computed.
    pub method: Method,
    /// The seed (sampled methods only).
    pub seed: Option<u64>,
    /// Distinct coalitions whose worth the method used (the empty and the full one included).
    pub coalitions: usize,
    /// Rows the model scored, the stability re-run included.
    pub model_evaluations: usize,
    /// Digest of the background set.
    pub background_digest: Digest,
    /// Rows in the background set.
    pub background_rows: usize,
    /// prediction - base_value - Σ values: zero up to rounding for every method here, recorded
    /// so that a consumer can check it.
    pub additivity_residual: f64,
    /// Top-k agreement with a second seed (sampled methods only; the exact method does not
    /// depend on a seed).
    pub stability: Option<Stability>,
}

/// The indices of the k largest |values|, largest first, ties to the earlier feature.
pub(crate) fn top_k(values: &[f64], k: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..values.len()).collect();
    idx.sort_by(|&a, &b| values[b].abs().total_cmp(&values[a].abs()).then(a.cmp(&b)));
    idx.truncate(k);
    idx
}

/// Share of the first top-k found in the second.
pub(crate) fn agreement(a: &[f64], b: &[f64], k: usize) -> f64 {
    let k = k.min(a.len());
    if k == 0 {
        return 1.0;
    }
    let ta = top_k(a, k);
    let tb = top_k(b, k);
    ta.iter().filter(|i| tb.contains(i)).count() as f64 / k as f64
}

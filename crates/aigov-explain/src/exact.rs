//! Exact Shapley values by enumerating every coalition: 2^M worths, each a mean over the
//! background, so it is the reference the sampled methods are judged against.

use crate::ExplainError;
use crate::game::Game;

/// The largest game enumerated exactly (2^16 coalitions times the background rows).
pub const MAX_EXACT_FEATURES: usize = 16;

/// Shapley value of each player: φ_i = Σ_{S ∌ i} |S|!(M-|S|-1)!/M! · (v(S ∪ {i}) - v(S)).
pub(crate) fn exact_values(game: &mut Game<'_>) -> Result<Vec<f64>, ExplainError> {
    let m = game.len();
    if m > MAX_EXACT_FEATURES {
        return Err(ExplainError::invalid(
            "method",
            format!(
                "exact Shapley values enumerate 2^M coalitions; {m} varying features is more \
                 than {MAX_EXACT_FEATURES}: use the permutation or kernel method"
            ),
        ));
    }
    if m == 0 {
        return Ok(Vec::new());
    }
    let n = 1usize << m;
    let mut masks = Vec::with_capacity(n * m);
    for s in 0..n {
        masks.extend((0..m).map(|p| s & (1 << p) != 0));
    }
    let v = game.worths(&masks)?;
    let weight = size_weights(m);
    let mut phi = vec![0.0; m];
    // The full coalition has no player outside it to add.
    for s in 0..n - 1 {
        let w = weight[(s as u32).count_ones() as usize];
        for (p, value) in phi.iter_mut().enumerate() {
            if s & (1 << p) == 0 {
                *value += w * (v[s | (1 << p)] - v[s]);
            }
        }
    }
    Ok(phi)
}

/// |S|!(M-|S|-1)!/M! for |S| = 0..M-1, as the product of ratios so nothing overflows.
fn size_weights(m: usize) -> Vec<f64> {
    (0..m)
        .map(|s| {
            // s!(m-s-1)!/m! = 1 / (m * C(m-1, s))
            let mut binom = 1.0;
            for k in 0..s {
                binom = binom * (m - 1 - k) as f64 / (k + 1) as f64;
            }
            1.0 / (m as f64 * binom)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn size_weights_sum_to_one_over_coalitions() {
        for m in 1..=16usize {
            let w = super::size_weights(m);
            // Σ_s C(m-1, s) w(s) = 1: the weights are a distribution over coalitions without i.
            let mut binom = 1.0;
            let mut total = 0.0;
            for (s, ws) in w.iter().enumerate() {
                total += binom * ws;
                binom = binom * (m - 1 - s) as f64 / (s + 1) as f64;
            }
            assert!((total - 1.0).abs() < 1e-12, "m = {m}: {total}");
        }
    }
}

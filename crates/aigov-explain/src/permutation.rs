//! Shapley values by sampling orderings of the players, each followed by its reverse
//! (antithetic pairs: a player early in one ordering is late in the other, which cancels much
//! of the variance). Every ordering's contributions sum to v(N) - v(∅), so the estimate is
//! additive exactly.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha20Rng;

use crate::ExplainError;
use crate::game::Game;

/// Orderings whose coalitions are scored in one model call group.
const ORDERINGS_PER_ROUND: usize = 64;

/// Estimates from `pairs` antithetic pairs of orderings; `base` and `full` are v(∅) and v(N).
pub(crate) fn permutation_values(
    game: &mut Game<'_>,
    pairs: usize,
    seed: u64,
    base: f64,
    full: f64,
) -> Result<Vec<f64>, ExplainError> {
    let m = game.len();
    if m <= 1 {
        return Ok(vec![full - base; m]);
    }
    if pairs == 0 {
        return Err(ExplainError::invalid(
            "samples",
            "at least one pair of orderings is needed",
        ));
    }
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut phi = vec![0.0; m];
    let mut orderings = Vec::with_capacity(ORDERINGS_PER_ROUND);
    let mut remaining = pairs;
    while remaining > 0 {
        let round = remaining.min(ORDERINGS_PER_ROUND / 2);
        remaining -= round;
        orderings.clear();
        for _ in 0..round {
            let mut order: Vec<usize> = (0..m).collect();
            order.shuffle(&mut rng);
            let reversed: Vec<usize> = order.iter().rev().copied().collect();
            orderings.push(order);
            orderings.push(reversed);
        }
        // The inner coalitions of each ordering: after its first 1, 2, ..., m-1 players.
        let mut masks = Vec::with_capacity(orderings.len() * (m - 1) * m);
        for order in &orderings {
            let mut mask = vec![false; m];
            for &p in &order[..m - 1] {
                mask[p] = true;
                masks.extend_from_slice(&mask);
            }
        }
        let v = game.worths(&masks)?;
        for (o, order) in orderings.iter().enumerate() {
            let inner = &v[o * (m - 1)..(o + 1) * (m - 1)];
            let mut previous = base;
            for (k, &p) in order.iter().enumerate() {
                let current = if k + 1 < m { inner[k] } else { full };
                phi[p] += current - previous;
                previous = current;
            }
        }
    }
    let orderings_total = (2 * pairs) as f64;
    Ok(phi.into_iter().map(|x| x / orderings_total).collect())
}

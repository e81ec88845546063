//! Kernel SHAP (Lundberg and Lee 2017) as shap's KernelExplainer computes it: coalition sizes
//! enumerated completely while the budget allows, the rest sampled by the Shapley kernel in
//! complementary pairs, then a weighted least-squares fit with the efficiency constraint
//! eliminated. Unlike shap's default there is no L1 feature selection: every feature gets a
//! value, whatever M is.

use std::collections::HashMap;

use rand::SeedableRng;
use rand::distr::{Distribution, weighted::WeightedIndex};
use rand::seq::SliceRandom;
use rand_chacha::ChaCha20Rng;

use crate::ExplainError;
use crate::game::Game;

/// Kernel SHAP values from `samples` coalitions (capped at 2^M - 2, where they are all
/// enumerated and the result is exact); `base` and `full` are v(∅) and v(N).
pub(crate) fn kernel_values(
    game: &mut Game<'_>,
    samples: usize,
    seed: u64,
    base: f64,
    full: f64,
) -> Result<Vec<f64>, ExplainError> {
    let m = game.len();
    if m <= 1 {
        return Ok(vec![full - base; m]);
    }
    let design = Design::sample(m, samples, seed)?;
    let v = game.worths(&design.masks)?;
    solve(m, &design, &v, base, full)
}

/// The sampled coalitions and their kernel weights.
struct Design {
    masks: Vec<bool>,
    weights: Vec<f64>,
}

impl Design {
    fn sample(m: usize, samples: usize, seed: u64) -> Result<Design, ExplainError> {
        let all = if m >= 60 {
            usize::MAX
        } else {
            (1usize << m) - 2
        };
        let samples = samples.min(all);
        if samples < all && samples < 2 * m {
            return Err(ExplainError::invalid(
                "samples",
                format!(
                    "{samples} coalitions cannot determine {m} values; use at least {}",
                    2 * m
                ),
            ));
        }
        // Sizes s and m - s are sampled together; the middle size of an even m pairs with itself.
        let num_subset_sizes = (m - 1).div_ceil(2);
        let num_paired = (m - 1) / 2;
        let mut weight_vector: Vec<f64> = (1..=num_subset_sizes)
            .map(|s| (m as f64 - 1.0) / (s as f64 * (m - s) as f64))
            .collect();
        for w in weight_vector.iter_mut().take(num_paired) {
            *w *= 2.0;
        }
        let total: f64 = weight_vector.iter().sum();
        weight_vector.iter_mut().for_each(|w| *w /= total);

        let mut design = Design {
            masks: Vec::new(),
            weights: Vec::new(),
        };
        let mut full_sizes = 0;
        let mut left = samples as f64;
        let mut remaining = weight_vector.clone();
        for size in 1..=num_subset_sizes {
            let paired = size <= num_paired;
            let mut count = binomial(m, size);
            if paired {
                count *= 2.0;
            }
            if left * remaining[size - 1] / count < 1.0 - 1e-8 {
                break;
            }
            full_sizes += 1;
            left -= count;
            if remaining[size - 1] < 1.0 {
                let scale = 1.0 - remaining[size - 1];
                remaining.iter_mut().for_each(|w| *w /= scale);
            }
            let mut w = weight_vector[size - 1] / binomial(m, size);
            if paired {
                w /= 2.0;
            }
            for_each_combination(m, size, |chosen| {
                let mut mask = vec![false; m];
                chosen.iter().for_each(|&p| mask[p] = true);
                design.push(&mask, w);
                if paired {
                    mask.iter_mut().for_each(|b| *b = !*b);
                    design.push(&mask, w);
                }
            });
        }
        let fixed = design.weights.len();
        let mut left = samples.saturating_sub(fixed);
        if full_sizes < num_subset_sizes && left > 0 {
            let mut rng = ChaCha20Rng::seed_from_u64(seed);
            let mut rest = weight_vector.clone();
            for w in rest.iter_mut().take(num_paired) {
                *w /= 2.0;
            }
            let rest = &rest[full_sizes..];
            let pick = WeightedIndex::new(rest)
                .map_err(|e| ExplainError::Underdetermined(format!("kernel weights: {e}")))?;
            let mut seen: HashMap<Vec<bool>, usize> = HashMap::new();
            let mut order: Vec<usize> = (0..m).collect();
            let mut draws = 0;
            // shap draws 4x the samples it still needs, and stops there even if short.
            let max_draws = 4 * left;
            while left > 0 && draws < max_draws {
                draws += 1;
                let size = pick.sample(&mut rng) + full_sizes + 1;
                order.shuffle(&mut rng);
                let mut mask = vec![false; m];
                order[..size].iter().for_each(|&p| mask[p] = true);
                let at = seen.get(&mask).copied();
                match at {
                    None => {
                        seen.insert(mask.clone(), design.weights.len());
                        design.push(&mask, 1.0);
                        left -= 1;
                    }
                    Some(i) => design.weights[i] += 1.0,
                }
                if left > 0 && size <= num_paired {
                    mask.iter_mut().for_each(|b| *b = !*b);
                    match at {
                        None => {
                            design.push(&mask, 1.0);
                            left -= 1;
                        }
                        Some(i) => design.weights[i + 1] += 1.0,
                    }
                }
            }
            let weight_left: f64 = weight_vector[full_sizes..].iter().sum();
            let drawn: f64 = design.weights[fixed..].iter().sum();
            if drawn > 0.0 {
                design.weights[fixed..]
                    .iter_mut()
                    .for_each(|w| *w *= weight_left / drawn);
            }
        }
        Ok(design)
    }

    fn push(&mut self, mask: &[bool], weight: f64) {
        self.masks.extend_from_slice(mask);
        self.weights.push(weight);
    }
}

/// Weighted least squares of the worths on the coalitions, with φ_last = (full - base) - Σ
/// of the others substituted so that the values add up exactly.
fn solve(
    m: usize,
    design: &Design,
    v: &[f64],
    base: f64,
    full: f64,
) -> Result<Vec<f64>, ExplainError> {
    let k = m - 1;
    let total = full - base;
    let mut gram = vec![0.0; k * k];
    let mut rhs = vec![0.0; k];
    let mut e = vec![0.0; k];
    for (c, mask) in design.masks.chunks(m).enumerate() {
        let last = if mask[k] { 1.0 } else { 0.0 };
        let y = v[c] - base - last * total;
        for (j, ej) in e.iter_mut().enumerate() {
            *ej = if mask[j] { 1.0 } else { 0.0 } - last;
        }
        let w = design.weights[c];
        for i in 0..k {
            if e[i] == 0.0 {
                continue;
            }
            let wi = w * e[i];
            rhs[i] += wi * y;
            for j in 0..k {
                gram[i * k + j] += wi * e[j];
            }
        }
    }
    let mut phi = solve_linear(k, gram, rhs).ok_or_else(|| {
        ExplainError::Underdetermined(format!(
            "the {} sampled coalitions do not determine {m} values; use more samples",
            design.weights.len()
        ))
    })?;
    let rest: f64 = phi.iter().sum();
    phi.push(total - rest);
    Ok(phi)
}

/// Solves the k x k system by Gaussian elimination with partial pivoting (k is the number of
/// features, so a linear-algebra dependency would be all cost); None when it is singular.
fn solve_linear(k: usize, mut a: Vec<f64>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let scale = a.iter().fold(0.0f64, |s, x| s.max(x.abs()));
    if scale == 0.0 {
        return None;
    }
    for col in 0..k {
        let pivot =
            (col..k).max_by(|&r, &s| a[r * k + col].abs().total_cmp(&a[s * k + col].abs()))?;
        if a[pivot * k + col].abs() <= scale * 1e-12 {
            return None;
        }
        if pivot != col {
            for j in 0..k {
                a.swap(pivot * k + j, col * k + j);
            }
            b.swap(pivot, col);
        }
        for r in col + 1..k {
            let f = a[r * k + col] / a[col * k + col];
            if f != 0.0 {
                for j in col..k {
                    a[r * k + j] -= f * a[col * k + j];
                }
                b[r] -= f * b[col];
            }
        }
    }
    let mut x = vec![0.0; k];
    for r in (0..k).rev() {
        let s: f64 = (r + 1..k).map(|j| a[r * k + j] * x[j]).sum();
        x[r] = (b[r] - s) / a[r * k + r];
    }
    Some(x)
}

fn binomial(n: usize, k: usize) -> f64 {
    let mut c = 1.0;
    for i in 0..k {
        c = c * (n - i) as f64 / (i + 1) as f64;
    }
    c.round()
}

/// Calls `f` with every k-subset of 0..n in lexicographic order.
fn for_each_combination(n: usize, k: usize, mut f: impl FnMut(&[usize])) {
    let mut idx: Vec<usize> = (0..k).collect();
    loop {
        f(&idx);
        let mut i = k;
        loop {
            if i == 0 {
                return;
            }
            i -= 1;
            if idx[i] != i + n - k {
                break;
            }
            if i == 0 {
                return;
            }
        }
        idx[i] += 1;
        for j in i + 1..k {
            idx[j] = idx[j - 1] + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combinations_are_all_enumerated_once() {
        let mut seen = Vec::new();
        for_each_combination(5, 2, |c| seen.push(c.to_vec()));
        assert_eq!(seen.len(), 10);
        assert_eq!(seen[0], [0, 1]);
        assert_eq!(seen[9], [3, 4]);
        let mut one = 0;
        for_each_combination(4, 4, |_| one += 1);
        assert_eq!(one, 1);
    }

    #[test]
    fn a_budget_of_all_coalitions_enumerates_them() {
        let d = Design::sample(5, 1000, 1).unwrap();
        assert_eq!(d.weights.len(), 30);
        let mut masks: Vec<&[bool]> = d.masks.chunks(5).collect();
        masks.sort();
        masks.dedup();
        assert_eq!(masks.len(), 30);
    }

    #[test]
    fn linear_systems_are_solved_and_singular_ones_refused() {
        let x = solve_linear(2, vec![2.0, 1.0, 1.0, 3.0], vec![3.0, 5.0]).unwrap();
        assert!((x[0] - 0.8).abs() < 1e-12 && (x[1] - 1.4).abs() < 1e-12);
        assert!(solve_linear(2, vec![1.0, 2.0, 2.0, 4.0], vec![1.0, 2.0]).is_none());
    }
}

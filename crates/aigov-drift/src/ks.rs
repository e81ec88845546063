//! The two-sample Kolmogorov-Smirnov test, ported from scipy's `ks_2samp` (statrs' p-values
//! differ from scipy's): the statistic, the exact p-value and the asymptotic one
//! (`kstwo.sf(D, round(mn/(m+n)))`).

use serde::{Deserialize, Serialize};

use crate::DriftError;
use crate::kolmogorov::kstwo_sf;

/// The two-sample KS statistic and where it is attained.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct KsStatistic {
    /// D = max |F_ref - F_cur|.
    pub statistic: f64,
    /// The value at which D is attained.
    pub location: f64,
    /// +1 when F_ref exceeds F_cur there, -1 otherwise (ties go to +1, as in scipy).
    pub sign: i8,
    /// Reference size.
    pub n_reference: usize,
    /// Current size.
    pub n_current: usize,
}

fn sorted(what: &'static str, sample: &[f64]) -> Result<Vec<f64>, DriftError> {
    if sample.is_empty() {
        return Err(DriftError::invalid(what, "the sample is empty"));
    }
    // An infinity would also stop the merge from ever passing it.
    if let Some(x) = sample.iter().find(|x| !x.is_finite()) {
        return Err(DriftError::invalid(
            what,
            format!("{x} is not a finite number"),
        ));
    }
    let mut v = sample.to_vec();
    v.sort_by(f64::total_cmp);
    Ok(v)
}

/// The statistic, as scipy computes it: both empirical CDFs (right-continuous, `count <= x / n`)
/// at every pooled value, reference values first.
pub fn ks_statistic(reference: &[f64], current: &[f64]) -> Result<KsStatistic, DriftError> {
    let a = sorted("reference", reference)?;
    let b = sorted("current", current)?;
    Ok(ks_statistic_sorted(&a, &b))
}

/// The statistic of two sorted, non-empty samples of finite numbers, by one merge over both.
///
/// scipy evaluates the ECDF difference at every value of `[sorted reference, sorted current]`
/// and takes the first position of the extreme, so the location is the smallest reference
/// value reaching it, else the smallest current value.
pub(crate) fn ks_statistic_sorted(a: &[f64], b: &[f64]) -> KsStatistic {
    merged_statistic(a, b, a.len() + b.len() >= 1024)
}

/// Interleaved merges over large samples (2, 4 and 8 measured alike; 2 was fastest).
const SPLIT: usize = 2;

/// The statistic by one merge, or by [`SPLIT`] interleaved ones when `split`.
fn merged_statistic(a: &[f64], b: &[f64], split: bool) -> KsStatistic {
    let (na, nb) = (a.len(), b.len());
    let sizes = (na as f64, nb as f64);
    // A merge is one long chain of dependent loads and compares. Cut at pivot values into
    // merges that share no value (ties all fall in the upper one) and step them in the same
    // loop, so the processor overlaps the chains; their extremes combine exactly.
    let (max, min) = if split && na > 0 {
        // Cut points: each merge starts at a pivot from the reference's quantiles.
        let starts: [(usize, usize); SPLIT] = std::array::from_fn(|k| {
            let pivot = a[na * k / SPLIT];
            match k {
                0 => (0, 0),
                _ => (
                    a.partition_point(|x| *x < pivot),
                    b.partition_point(|x| *x < pivot),
                ),
            }
        });
        let mut merges: [Merge; SPLIT] = std::array::from_fn(|k| {
            let (end_a, end_b) = starts.get(k + 1).copied().unwrap_or((na, nb));
            Merge::new(&a[..end_a], &b[..end_b], starts[k].0, starts[k].1, sizes)
        });
        while merges.iter().all(Merge::active) {
            for m in merges.iter_mut() {
                m.step();
            }
        }
        for m in merges.iter_mut() {
            while m.active() {
                m.step();
            }
        }
        let mut max = merges[0].max;
        let mut min = merges[0].min;
        for m in &merges[1..] {
            max = max.then(m.max, |x, y| x > y);
            min = min.then(m.min, |x, y| x < y);
        }
        (max, min)
    } else {
        let mut only = Merge::new(a, b, 0, 0, sizes);
        while only.active() {
            only.step();
        }
        (only.max, only.min)
    };
    let at = |e: &Extreme| e.in_reference.or(e.in_current).unwrap_or(f64::NAN);
    let min_s = (-min.value).clamp(0.0, 1.0);
    let (statistic, location, sign) = if min_s > max.value {
        (min_s, at(&min), -1)
    } else {
        (max.value, at(&max), 1)
    };
    KsStatistic {
        statistic,
        location,
        sign,
        n_reference: a.len(),
        n_current: b.len(),
    }
}

/// The extreme of the ECDF difference in one merge, and where it is first reached.
#[derive(Clone, Copy)]
struct Extreme {
    value: f64,
    in_reference: Option<f64>,
    in_current: Option<f64>,
}

impl Extreme {
    /// Takes diff at x if it beats the extreme, or records where a tie is first reached.
    #[inline]
    fn offer(&mut self, better: bool, diff: f64, x: f64, from_a: bool, from_b: bool) {
        if better {
            *self = Extreme {
                value: diff,
                in_reference: from_a.then_some(x),
                in_current: from_b.then_some(x),
            };
        } else if diff == self.value {
            if from_a && self.in_reference.is_none() {
                self.in_reference = Some(x);
            }
            if from_b && self.in_current.is_none() {
                self.in_current = Some(x);
            }
        }
    }

    /// This extreme, over smaller values, followed by `later`'s: a tie keeps the first
    /// places it was reached.
    fn then(self, later: Extreme, beats: impl Fn(f64, f64) -> bool) -> Extreme {
        if beats(later.value, self.value) {
            later
        } else if later.value == self.value {
            Extreme {
                value: self.value,
                in_reference: self.in_reference.or(later.in_reference),
                in_current: self.in_current.or(later.in_current),
            }
        } else {
            self
        }
    }
}

/// One merge over `a[i..]` and `b[j..]`, counting from the starts of the whole samples.
struct Merge<'s> {
    a: &'s [f64],
    b: &'s [f64],
    i: usize,
    j: usize,
    /// `a[i]` and `b[j]` (+inf past the end), carried from step to step so each step waits
    /// on one load instead of two.
    heads: (f64, f64),
    sizes: (f64, f64),
    max: Extreme,
    min: Extreme,
}

impl<'s> Merge<'s> {
    fn new(a: &'s [f64], b: &'s [f64], i: usize, j: usize, sizes: (f64, f64)) -> Merge<'s> {
        let max = Extreme {
            value: f64::NEG_INFINITY,
            in_reference: None,
            in_current: None,
        };
        Merge {
            a,
            b,
            i,
            j,
            heads: (head(a, i), head(b, j)),
            sizes,
            max,
            min: Extreme {
                value: f64::INFINITY,
                ..max
            },
        }
    }

    #[inline]
    fn active(&self) -> bool {
        self.i < self.a.len() || self.j < self.b.len()
    }

    /// Moves past the next distinct value and offers the difference there.
    #[inline]
    fn step(&mut self) {
        let (ai, bj) = self.heads;
        let x = ai.min(bj);
        // Usually one side moves by one; written without branches for that case, since
        // which side moves is a coin toss the branch predictor cannot learn.
        let (from_a, from_b) = (ai == x, bj == x);
        self.i += usize::from(from_a);
        self.j += usize::from(from_b);
        // Bounded by the lengths too: an infinite value must not be mistaken for the end.
        let mut next_a = head(self.a, self.i);
        while next_a == x && self.i < self.a.len() {
            self.i += 1;
            next_a = head(self.a, self.i);
        }
        let mut next_b = head(self.b, self.j);
        while next_b == x && self.j < self.b.len() {
            self.j += 1;
            next_b = head(self.b, self.j);
        }
        self.heads = (next_a, next_b);
        let diff = self.i as f64 / self.sizes.0 - self.j as f64 / self.sizes.1;
        self.max
            .offer(diff > self.max.value, diff, x, from_a, from_b);
        self.min
            .offer(diff < self.min.value, diff, x, from_a, from_b);
    }
}

/// `s[k]`, or +inf past the end (no value here is infinite: the samples are finite).
#[inline]
fn head(s: &[f64], k: usize) -> f64 {
    s.get(k).copied().unwrap_or(f64::INFINITY)
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// P(D >= h/n) for equal sizes: scipy's `_compute_prob_outside_square` (Horner form of the
/// alternating binomial series).
fn prob_outside_square(n: u64, h: u64) -> f64 {
    let mut p = 0.0;
    let mut k = (n / h) as i64;
    while k >= 0 {
        let mut p1 = 1.0;
        for j in 0..h as i64 {
            let (nf, kh, jf) = (n as f64, (k * h as i64) as f64, j as f64);
            p1 = (nf - kh - jf) * p1 / (nf + kh + jf + 1.0);
        }
        p = p1 * (1.0 - p);
        k -= 1;
    }
    2.0 * p
}

/// 1 - P(paths stay strictly inside the band) for unequal sizes: scipy's
/// `_compute_outer_prob_inside_method` (Hodges 1958, with Viehmann's 2021 recursion).
fn outer_prob_inside(m: u64, n: u64, g: u64, h: u64) -> f64 {
    let (m, n) = if m < n { (n, m) } else { (m, n) };
    let (mg, ng) = ((m / g) as f64, (n / g) as f64);
    let hf = h as f64;
    let (mut minj, mut maxj) = (0usize, ((hf / mg).ceil() as usize).min(n as usize + 1));
    let mut curlen = maxj - minj;
    let len_a = (2 * maxj + 2).min(n as usize + 1);
    let mut a = vec![1.0f64; len_a];
    for v in a.iter_mut().take(maxj).skip(minj) {
        *v = 0.0;
    }
    for i in 1..=m as usize {
        let (lastminj, lastlen) = (minj, curlen);
        let fi = i as f64;
        minj = (((ng * fi - hf) / mg).floor() as i64 + 1).max(0) as usize;
        minj = minj.min(n as usize);
        maxj = (((ng * fi + hf) / mg).ceil() as usize).min(n as usize + 1);
        if maxj <= minj {
            return 1.0;
        }
        let mut val = if minj == 0 { 0.0 } else { 1.0 };
        for jj in 0..maxj - minj {
            let j = (jj + minj) as f64;
            val = (a[jj + minj - lastminj] * fi + val * j) / (fi + j);
            a[jj] = val;
        }
        curlen = maxj - minj;
        if lastlen > curlen {
            for v in a.iter_mut().skip(maxj - minj).take(lastlen - curlen) {
                *v = 1.0;
            }
        }
    }
    a[maxj - minj - 1]
}

/// The exact two-sided p-value of a statistic (scipy's `method='exact'`), with the statistic
/// rounded to the lattice `h / lcm(m, n)` as scipy reports it. `None` when the exact
/// computation is out of reach (scipy then falls back to the asymptotic form).
pub fn ks_exact_pvalue(stat: &KsStatistic) -> Option<(f64, f64)> {
    let (n1, n2) = (stat.n_reference as u64, stat.n_current as u64);
    let g = gcd(n1, n2);
    if (n1 / g) as f64 >= i32::MAX as f64 / (n2 / g) as f64 {
        return None;
    }
    let lcm = (n1 / g) * n2;
    let h = (stat.statistic * lcm as f64).round_ties_even() as u64;
    let d = h as f64 / lcm as f64;
    if h == 0 {
        return Some((d, 1.0));
    }
    let p = if n1 == n2 {
        prob_outside_square(n1, h)
    } else {
        outer_prob_inside(n1, n2, g, h)
    };
    (p.is_finite() && (0.0..=1.0).contains(&p)).then_some((d, p))
}

/// The asymptotic two-sided p-value as scipy computes it: the finite-n one-sample
/// distribution at n = round_half_even(mn/(m+n)), `kstwo.sf(D, n)`.
pub fn ks_asymp_pvalue(stat: &KsStatistic) -> f64 {
    let (n1, n2) = (stat.n_reference as f64, stat.n_current as f64);
    let n_eff = (n1 * n2 / (n1 + n2)).round_ties_even();
    kstwo_sf(n_eff as u64, stat.statistic)
}

/// Which p-value a KS test reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KsMethod {
    /// The exact distribution of the two-sample statistic.
    Exact,
    /// The finite-n one-sample distribution at the effective size.
    Asymptotic,
}

/// A two-sample KS test: scipy's `ks_2samp(reference, current)` with `method='auto'`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct KsTest {
    /// The statistic (rounded to the lattice h/lcm when the exact method ran, as scipy does).
    pub statistic: KsStatistic,
    /// The two-sided p-value.
    pub p_value: f64,
    /// How the p-value was computed.
    pub method: KsMethod,
}

/// Largest sample size for which `method='auto'` takes the exact p-value (scipy's MAX_AUTO_N).
pub const KS_MAX_AUTO_N: usize = 10_000;

/// The two-sided two-sample KS test with scipy's automatic method choice: exact when both
/// samples have at most 10,000 values (and the exact computation succeeds), else asymptotic.
pub fn ks_2samp(reference: &[f64], current: &[f64]) -> Result<KsTest, DriftError> {
    let a = sorted("reference", reference)?;
    let b = sorted("current", current)?;
    Ok(ks_2samp_sorted(&a, &b))
}

/// [`ks_2samp`] for samples already sorted, non-empty and without NaN.
pub(crate) fn ks_2samp_sorted(a: &[f64], b: &[f64]) -> KsTest {
    let mut statistic = ks_statistic_sorted(a, b);
    if statistic.n_reference.max(statistic.n_current) <= KS_MAX_AUTO_N
        && let Some((d, p)) = ks_exact_pvalue(&statistic)
    {
        statistic.statistic = d;
        return KsTest {
            statistic,
            p_value: p,
            method: KsMethod::Exact,
        };
    }
    KsTest {
        p_value: ks_asymp_pvalue(&statistic),
        statistic,
        method: KsMethod::Asymptotic,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Two interleaved merges give exactly what one merge gives: statistic, location,
        /// sign, including ties across the pivot and repeated values.
        #[test]
        fn split_merge_equals_one_merge(
            mut a in prop::collection::vec(-20i32..20, 1..700),
            mut b in prop::collection::vec(-20i32..20, 1..700),
            scale in prop::sample::select(vec![1.0, 0.1, 1e-300]),
        ) {
            a.sort_unstable();
            b.sort_unstable();
            let a: Vec<f64> = a.into_iter().map(|v| f64::from(v) * scale).collect();
            let b: Vec<f64> = b.into_iter().map(|v| f64::from(v) * scale).collect();
            let one = merged_statistic(&a, &b, false);
            let two = merged_statistic(&a, &b, true);
            prop_assert_eq!(one.statistic.to_bits(), two.statistic.to_bits());
            prop_assert_eq!(one.location.to_bits(), two.location.to_bits());
            prop_assert_eq!(one.sign, two.sign);
        }
    }
}

//! The seeded, stratified bootstrap: each group is resampled on its own, keeping its size, and
//! a disparity is recomputed on every resample. Resampling n rows with replacement from a
//! group is the same, in distribution, as drawing its four confusion cells from a multinomial
//! with the observed shares, which is what is done here (weighted groups use their weighted
//! shares and Kish's effective size).

use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rand_distr::{Binomial, Distribution};

use crate::counts::{ConfusionCounts, GroupTable};
use crate::intervals::{Interval, kish_effective_n};

/// Fewest resamples the audit accepts.
pub const MIN_RESAMPLES: usize = 1000;

fn resample(counts: &ConfusionCounts, rng: &mut ChaCha20Rng) -> ConfusionCounts {
    let total = counts.weight();
    let squares: f64 = counts.weight_squares.iter().sum();
    let n = kish_effective_n(total, squares).round().max(1.0) as u64;
    let shares = [counts.tp, counts.fp, counts.tn, counts.fn_]
        .map(|w| if total > 0.0 { w / total } else { 0.0 });
    // Sequential binomials give a multinomial draw.
    let mut drawn = [0u64; 4];
    let (mut left, mut mass) = (n, 1.0f64);
    for (cell, share) in shares.iter().enumerate() {
        if left == 0 {
            break;
        }
        let p = if cell == 3 || mass <= 0.0 {
            1.0
        } else {
            (share / mass).clamp(0.0, 1.0)
        };
        let k = Binomial::new(left, p).map_or(0, |b| b.sample(rng));
        drawn[cell] = k;
        left -= k;
        mass -= share;
    }
    let [tp, fp, tn, fn_] = drawn;
    ConfusionCounts {
        rows: n,
        tp: tp as f64,
        fp: fp as f64,
        tn: tn as f64,
        fn_: fn_ as f64,
        rows_by_cell: drawn,
        weight_squares: drawn.map(|k| k as f64),
    }
}

/// A percentile interval of `statistic` over `resamples` stratified resamples of the table's
/// groups (empty groups stay empty). Resamples where the statistic is undefined are skipped;
/// `None` when fewer than 90% of them are defined.
pub fn bootstrap_interval(
    table: &GroupTable,
    statistic: impl Fn(&GroupTable) -> Option<f64>,
    resamples: usize,
    confidence: f64,
    seed: u64,
) -> Option<Interval> {
    let resamples = resamples.max(MIN_RESAMPLES);
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut values = Vec::with_capacity(resamples);
    let mut copy = table.clone();
    for _ in 0..resamples {
        let mut overall = ConfusionCounts::default();
        for (group, original) in copy.groups.iter_mut().zip(&table.groups) {
            if original.is_empty() {
                continue;
            }
            group.counts = resample(&original.counts, &mut rng);
            overall.merge(&group.counts);
        }
        copy.overall = overall;
        if let Some(v) = statistic(&copy).filter(|v| v.is_finite()) {
            values.push(v);
        }
    }
    if values.len() * 10 < resamples * 9 {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let tail = (1.0 - confidence) / 2.0;
    let at = |q: f64| {
        let h = (values.len() - 1) as f64 * q;
        let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
        values[lo] + (h - lo as f64) * (values[hi] - values[lo])
    };
    Some(Interval {
        lower: at(tail),
        upper: at(1.0 - tail),
    })
}

//! Histograms for the binned distances (PSI, KL, Jensen-Shannon, Hellinger): numpy's Sturges
//! edges and histogram rule, and the zero-share fill Evidently applies before PSI and KL.

/// numpy's `histogram_bin_edges(values, bins='sturges')` for a sample with the given minimum,
/// maximum and size: width = range / (log2(size) + 1) (at least 1 for integer arrays),
/// ceil(range / width) equal bins over [min, max] (a degenerate range is widened by 0.5 on
/// each side and gets one bin).
pub fn sturges_edges(min: f64, max: f64, size: usize, integer: bool) -> Vec<f64> {
    let (first, last) = if min == max {
        (min - 0.5, max + 0.5)
    } else {
        (min, max)
    };
    let range = max - min;
    let mut width = range / ((size as f64).log2() + 1.0);
    if integer && width > 0.0 && width < 1.0 {
        width = 1.0;
    }
    let bins = if width > 0.0 {
        ((last - first) / width).ceil() as usize
    } else {
        1
    };
    linspace(first, last, bins + 1)
}

/// numpy's `linspace(start, stop, num)`: i·step + start, the last point set to stop exactly.
pub(crate) fn linspace(start: f64, stop: f64, num: usize) -> Vec<f64> {
    let div = (num.max(2) - 1) as f64;
    let step = (stop - start) / div;
    let mut out: Vec<f64> = (0..num).map(|i| i as f64 * step + start).collect();
    if let Some(last) = out.last_mut()
        && num > 1
    {
        *last = stop;
    }
    out
}

/// Counts per bin as `numpy.histogram` assigns them: bin i holds edges[i] <= x < edges[i+1],
/// the last bin also holds its right edge, values outside the edges are not counted.
pub fn histogram(sorted: &[f64], edges: &[f64]) -> Vec<u64> {
    let bins = edges.len().saturating_sub(1);
    let mut counts = vec![0u64; bins];
    if bins == 0 {
        return counts;
    }
    let (lo, hi) = (edges[0], edges[bins]);
    let start = sorted.partition_point(|x| *x < lo);
    let end = sorted.partition_point(|x| *x <= hi);
    for &x in &sorted[start..end] {
        // The last edge <= x, clamped into the last bin for x == hi.
        let i = edges
            .partition_point(|e| *e <= x)
            .saturating_sub(1)
            .min(bins - 1);
        counts[i] += 1;
    }
    counts
}

/// Shares with Evidently's fill for empty bins: with m the smallest non-zero share, zeros
/// become m/1e6 when m <= 1e-4, else 1e-4; the shares are not renormalised afterwards.
pub fn fill_zero_shares(shares: &[f64]) -> Vec<f64> {
    let smallest = shares
        .iter()
        .copied()
        .filter(|s| *s != 0.0)
        .fold(f64::INFINITY, f64::min);
    let fill = if smallest <= 1e-4 {
        smallest / 1e6
    } else {
        1e-4
    };
    shares
        .iter()
        .map(|s| if *s == 0.0 { fill } else { *s })
        .collect()
}

/// The population stability index of two share vectors: Σ (p - q) ln(p / q); the shares
/// must be non-zero (fill or smooth empty bins first).
pub fn population_stability(p: &[f64], q: &[f64]) -> f64 {
    p.iter().zip(q).map(|(a, b)| (a - b) * (a / b).ln()).sum()
}

/// Counts divided by a total (numpy's `counts / n`).
pub fn shares(counts: &[u64], total: usize) -> Vec<f64> {
    counts.iter().map(|c| *c as f64 / total as f64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sturges_edges_match_numpy_on_the_public_example() {
        // reference 0..99 with current 20..139: 220 values, 9 bins over [0, 139].
        let edges = sturges_edges(0.0, 139.0, 220, true);
        assert_eq!(edges.len(), 10);
        assert_eq!(edges[1], 15.444444444444445);
        assert_eq!(edges[9], 139.0);
    }

    #[test]
    fn the_last_bin_is_closed_and_outside_values_are_dropped() {
        let counts = histogram(&[-1.0, 0.0, 0.5, 1.0, 2.0, 3.0], &[0.0, 1.0, 2.0]);
        assert_eq!(counts, vec![2, 2]);
    }

    #[test]
    fn zero_shares_get_evidentlys_fill() {
        assert_eq!(fill_zero_shares(&[0.5, 0.5, 0.0]), vec![0.5, 0.5, 1e-4]);
        assert_eq!(fill_zero_shares(&[1e-5, 0.0]), vec![1e-5, 1e-5 / 1e6]);
    }
}

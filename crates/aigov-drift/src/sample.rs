//! The values of one column in one dataset, and checks and sums shared by the statistics.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::DriftError;

/// Whether a column is compared as numbers or as categories.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    /// Real numbers (integers included).
    Numeric,
    /// Labels compared by equality only.
    Categorical,
}

/// One column's present values: numbers sorted ascending (NaN and infinities already
/// dropped, as Evidently drops them), or category counts.
#[derive(Clone, Debug, PartialEq)]
pub enum Sample {
    /// Finite numbers, sorted ascending.
    Numeric(Vec<f64>),
    /// Count per category label.
    Categorical(BTreeMap<String, u64>),
}

impl Sample {
    /// A numeric sample from raw values; NaN and infinities are dropped.
    pub fn numeric(values: impl IntoIterator<Item = f64>) -> Sample {
        let mut v: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
        sort_floats(&mut v);
        Sample::Numeric(v)
    }

    /// A categorical sample from labels.
    pub fn categorical<S: AsRef<str>>(labels: impl IntoIterator<Item = S>) -> Sample {
        let mut counts = BTreeMap::new();
        for l in labels {
            *counts.entry(l.as_ref().to_string()).or_insert(0) += 1;
        }
        Sample::Categorical(counts)
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        match self {
            Sample::Numeric(v) => v.len(),
            Sample::Categorical(c) => c.values().sum::<u64>() as usize,
        }
    }

    /// Whether the sample holds no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The column type this sample has.
    pub fn column_type(&self) -> ColumnType {
        match self {
            Sample::Numeric(_) => ColumnType::Numeric,
            Sample::Categorical(_) => ColumnType::Categorical,
        }
    }

    /// Number of distinct values.
    pub fn distinct(&self) -> usize {
        match self {
            Sample::Numeric(v) => runs(v).len(),
            Sample::Categorical(c) => c.values().filter(|n| **n > 0).count(),
        }
    }
}

/// Sorts numbers ascending. Long columns go through a radix sort (voracious_radix_sort), about
/// twice as fast as comparing floats on a million values; NaN is never present here.
pub(crate) fn sort_floats(values: &mut [f64]) {
    if values.len() < 4096 {
        values.sort_unstable_by(f64::total_cmp);
    } else {
        use voracious_radix_sort::RadixSort;
        values.voracious_sort();
    }
}

/// Distinct values of a sorted slice with their multiplicities.
pub(crate) fn runs(sorted: &[f64]) -> Vec<(f64, u64)> {
    let mut out: Vec<(f64, u64)> = Vec::new();
    for &x in sorted {
        match out.last_mut() {
            Some((v, n)) if *v == x => *n += 1,
            _ => out.push((x, 1)),
        }
    }
    out
}

/// Counts of both samples over the sorted union of their observed values (np.unique order).
pub(crate) struct ValueCounts {
    /// The union of observed values, as text for categories.
    pub keys: Vec<String>,
    /// Reference count per key.
    pub reference: Vec<u64>,
    /// Current count per key.
    pub current: Vec<u64>,
}

/// Both samples counted per observed value; numbers keep numeric order.
pub(crate) fn value_counts(
    reference: &Sample,
    current: &Sample,
) -> Result<ValueCounts, DriftError> {
    match (reference, current) {
        (Sample::Numeric(r), Sample::Numeric(c)) => {
            let (r, c) = (runs(r), runs(c));
            let (mut i, mut j) = (0, 0);
            let mut out = ValueCounts {
                keys: Vec::new(),
                reference: Vec::new(),
                current: Vec::new(),
            };
            while i < r.len() || j < c.len() {
                let take_r = j >= c.len() || (i < r.len() && r[i].0 <= c[j].0);
                let take_c = i >= r.len() || (j < c.len() && c[j].0 <= r[i].0);
                let key = if take_r { r[i].0 } else { c[j].0 };
                out.keys.push(key.to_string());
                out.reference.push(if take_r { r[i].1 } else { 0 });
                out.current.push(if take_c { c[j].1 } else { 0 });
                i += usize::from(take_r);
                j += usize::from(take_c);
            }
            Ok(out)
        }
        (Sample::Categorical(r), Sample::Categorical(c)) => {
            let mut keys: Vec<&String> = r
                .iter()
                .chain(c.iter())
                .filter(|(_, n)| **n > 0)
                .map(|(k, _)| k)
                .collect();
            keys.sort();
            keys.dedup();
            Ok(ValueCounts {
                reference: keys.iter().map(|k| *r.get(*k).unwrap_or(&0)).collect(),
                current: keys.iter().map(|k| *c.get(*k).unwrap_or(&0)).collect(),
                keys: keys.into_iter().cloned().collect(),
            })
        }
        _ => Err(DriftError::invalid(
            "samples",
            "the reference and current samples have different column types",
        )),
    }
}

/// The sample sorted ascending; empty samples and non-finite values are rejected.
pub(crate) fn sorted_finite(what: &'static str, sample: &[f64]) -> Result<Vec<f64>, DriftError> {
    if sample.is_empty() {
        return Err(DriftError::invalid(what, "the sample is empty"));
    }
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

/// Neumaier-compensated sum, so long sums agree with numpy's pairwise sum to a few ulp.
pub(crate) fn accurate_sum(terms: impl Iterator<Item = f64>) -> f64 {
    let (mut sum, mut carry) = (0.0f64, 0.0f64);
    for t in terms {
        let s = sum + t;
        carry += if sum.abs() >= t.abs() {
            (sum - s) + t
        } else {
            (t - s) + sum
        };
        sum = s;
    }
    // Past an overflow the carry is inf - inf; the plain sum is the honest answer there.
    if sum.is_finite() { sum + carry } else { sum }
}

/// The arithmetic mean, compensated.
pub(crate) fn mean(sample: &[f64]) -> f64 {
    accurate_sum(sample.iter().copied()) / sample.len() as f64
}

/// The variance with `ddof` degrees of freedom removed, by two passes (as numpy does).
pub(crate) fn variance(sample: &[f64], ddof: f64) -> f64 {
    let m = mean(sample);
    accurate_sum(sample.iter().map(|x| (x - m) * (x - m))) / (sample.len() as f64 - ddof)
}

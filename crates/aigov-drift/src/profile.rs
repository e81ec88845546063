//! The reference profile: everything drift scoring needs from the reference data, fitted once
//! and saved as versioned JSON, so later batches are scored without the reference rows.
//! Profiles of partitions merge into exactly the profile of the whole (moments up to
//! floating-point rounding).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::DriftError;
use crate::sample::{ColumnType, Sample, runs};
use crate::table::{ColumnValues, Table};

/// The profile format version this crate writes and reads.
pub const PROFILE_VERSION: u32 = 1;

/// Most reference rows a profile may claim (scoring expands the value distribution).
pub const MAX_PROFILE_ROWS: u64 = 1 << 31;

/// Most quantile bins a profile may fit.
pub const MAX_QUANTILE_BINS: usize = 1000;

/// How a profile is fitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileOptions {
    /// Most distinct numeric values kept per column; beyond it values are rounded (low
    /// mantissa bits dropped) until they fit, and scores against the profile are approximate.
    pub max_distinct: usize,
    /// Number of quantile bins fitted on the reference (before the two out-of-range bins).
    pub quantile_bins: usize,
}

impl Default for ProfileOptions {
    fn default() -> Self {
        ProfileOptions {
            max_distinct: 100_000,
            quantile_bins: 10,
        }
    }
}

/// A fitted reference profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferenceProfile {
    /// Format version ([`PROFILE_VERSION`]).
    pub version: u32,
    /// Rows the profile was fitted on.
    pub rows: u64,
    /// How it was fitted.
    pub options: ProfileOptions,
    /// One profile per column, in file order.
    pub columns: Vec<ColumnProfile>,
}

/// One column of a reference profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnProfile {
    /// The column name.
    pub name: String,
    /// Missing cells.
    pub missing: u64,
    /// Cells of the wrong type (text in a numeric column given as numeric).
    pub invalid: u64,
    /// The values.
    pub summary: ColumnSummary,
}

/// A column's values, by type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ColumnSummary {
    /// A numeric column.
    Numeric(NumericProfile),
    /// A categorical column.
    Categorical(CategoricalProfile),
}

/// Count, extremes, moments, the value distribution and what is derived from it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumericProfile {
    /// Finite values.
    pub count: u64,
    /// Infinite values (dropped from drift statistics, as Evidently drops them).
    pub non_finite: u64,
    /// Smallest finite value.
    pub min: Option<f64>,
    /// Largest finite value.
    pub max: Option<f64>,
    /// Mean and central moments.
    pub moments: Moments,
    /// Distinct values with their counts.
    pub distribution: ValueDistribution,
    /// Quantiles at 1, 5, 25, 50, 75, 95 and 99 % (numpy's linear rule).
    pub quantiles: Vec<Quantile>,
    /// Quantile bins fitted on this reference, with out-of-range bins on both sides.
    pub bins: ReferenceBins,
    /// Every value was written as a whole number and none was missing (pandas' int64).
    #[serde(default)]
    pub integer: bool,
}

/// Category counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoricalProfile {
    /// Count per label.
    pub counts: BTreeMap<String, u64>,
}

/// One quantile.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quantile {
    /// The probability.
    pub p: f64,
    /// The value.
    pub value: f64,
}

/// Count, mean and central moment sums M2, M3, M4 (mergeable: Pébay 2008).
#[derive(Clone, Copy, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Moments {
    /// Number of values.
    pub n: u64,
    /// Mean.
    pub mean: f64,
    /// Σ (x - mean)².
    pub m2: f64,
    /// Σ (x - mean)³.
    pub m3: f64,
    /// Σ (x - mean)⁴.
    pub m4: f64,
}

impl Moments {
    /// Moments of a sample, by two passes.
    pub fn of(values: &[f64]) -> Moments {
        if values.is_empty() {
            return Moments::default();
        }
        let n = values.len() as f64;
        let mean = crate::sample::accurate_sum(values.iter().copied()) / n;
        let (mut m2, mut m3, mut m4) = (0.0, 0.0, 0.0);
        for x in values {
            let d = x - mean;
            let d2 = d * d;
            m2 += d2;
            m3 += d2 * d;
            m4 += d2 * d2;
        }
        Moments {
            n: values.len() as u64,
            mean,
            m2,
            m3,
            m4,
        }
    }

    /// The moments of the union of two samples.
    pub fn merge(&self, other: &Moments) -> Moments {
        if self.n == 0 {
            return *other;
        }
        if other.n == 0 {
            return *self;
        }
        let (na, nb) = (self.n as f64, other.n as f64);
        let n = na + nb;
        let delta = other.mean - self.mean;
        let (d2, d3, d4) = (delta * delta, delta.powi(3), delta.powi(4));
        let mean = self.mean + delta * nb / n;
        let m2 = self.m2 + other.m2 + d2 * na * nb / n;
        let m3 = self.m3
            + other.m3
            + d3 * na * nb * (na - nb) / (n * n)
            + 3.0 * delta * (na * other.m2 - nb * self.m2) / n;
        let m4 = self.m4
            + other.m4
            + d4 * na * nb * (na * na - na * nb + nb * nb) / (n * n * n)
            + 6.0 * d2 * (na * na * other.m2 + nb * nb * self.m2) / (n * n)
            + 4.0 * delta * (na * other.m3 - nb * self.m3) / n;
        Moments {
            n: self.n + other.n,
            mean,
            m2,
            m3,
            m4,
        }
    }

    /// Population standard deviation.
    pub fn std(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            (self.m2 / self.n as f64).sqrt()
        }
    }
}

/// Distinct values and counts; `mantissa_bits` below 52 means values were rounded toward
/// zero to that many mantissa bits to stay within the distinct-value budget.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueDistribution {
    /// Mantissa bits kept (52 = exact).
    pub mantissa_bits: u32,
    /// Distinct values, ascending.
    pub values: Vec<f64>,
    /// Count of each value.
    pub counts: Vec<u64>,
}

impl ValueDistribution {
    fn from_sorted(sorted: &[f64], max_distinct: usize) -> ValueDistribution {
        let (values, counts) = runs(sorted).into_iter().unzip();
        ValueDistribution {
            mantissa_bits: 52,
            values,
            counts,
        }
        .fit(max_distinct)
    }

    /// Whether the values are exact.
    pub fn is_exact(&self) -> bool {
        self.mantissa_bits == 52
    }

    /// Values rounded toward zero to `bits` mantissa bits, equal neighbours merged. Rounding
    /// toward zero never reverses order, so the result stays sorted.
    fn truncated(&self, bits: u32) -> ValueDistribution {
        let mask = !((1u64 << (52 - bits)) - 1);
        let mut values: Vec<f64> = Vec::with_capacity(self.values.len());
        let mut counts: Vec<u64> = Vec::with_capacity(self.values.len());
        for (v, c) in self.values.iter().zip(&self.counts) {
            let v = f64::from_bits(v.to_bits() & mask);
            match (values.last(), counts.last_mut()) {
                (Some(last), Some(n)) if *last == v => *n += c,
                _ => {
                    values.push(v);
                    counts.push(*c);
                }
            }
        }
        ValueDistribution {
            mantissa_bits: bits,
            values,
            counts,
        }
    }

    /// Distinct values after rounding to `bits` mantissa bits.
    fn distinct_at(&self, bits: u32) -> usize {
        let mask = !((1u64 << (52 - bits)) - 1);
        let mut distinct = 0;
        let mut last: Option<f64> = None;
        for v in &self.values {
            let v = f64::from_bits(v.to_bits() & mask);
            if last != Some(v) {
                distinct += 1;
                last = Some(v);
            }
        }
        distinct
    }

    /// Rounds to the most mantissa bits that keep at most `max_distinct` values, found by
    /// bisection (fewer bits never give more distinct values); 0 bits when even that is over.
    fn fit(self, max_distinct: usize) -> ValueDistribution {
        let cap = max_distinct.max(1);
        if self.values.len() <= cap {
            return self;
        }
        // `hi` bits are known to be too many; `lo` is the best candidate so far.
        let (mut lo, mut hi) = (0u32, self.mantissa_bits);
        while lo + 1 < hi {
            let mid = (lo + hi) / 2;
            if self.distinct_at(mid) <= cap {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        self.truncated(lo)
    }

    fn merge(&self, other: &ValueDistribution, max_distinct: usize) -> ValueDistribution {
        let bits = self.mantissa_bits.min(other.mantissa_bits);
        let (a, b) = (self.truncated(bits), other.truncated(bits));
        let (mut values, mut counts) = (Vec::new(), Vec::new());
        let (mut i, mut j) = (0, 0);
        while i < a.values.len() || j < b.values.len() {
            let take_a = j >= b.values.len() || (i < a.values.len() && a.values[i] <= b.values[j]);
            let take_b = i >= a.values.len() || (j < b.values.len() && b.values[j] <= a.values[i]);
            let v = if take_a { a.values[i] } else { b.values[j] };
            let c = if take_a { a.counts[i] } else { 0 } + if take_b { b.counts[j] } else { 0 };
            values.push(v);
            counts.push(c);
            i += usize::from(take_a);
            j += usize::from(take_b);
        }
        ValueDistribution {
            mantissa_bits: bits,
            values,
            counts,
        }
        .fit(max_distinct)
    }

    /// The values expanded into a sorted sample.
    pub fn expand(&self) -> Vec<f64> {
        let total: u64 = self.counts.iter().sum();
        let mut out = Vec::with_capacity(total as usize);
        for (v, c) in self.values.iter().zip(&self.counts) {
            out.extend(std::iter::repeat_n(*v, *c as usize));
        }
        out
    }

    /// numpy's linear-interpolation quantile of the expanded sample.
    pub fn quantile(&self, p: f64) -> Option<f64> {
        let total: u64 = self.counts.iter().sum();
        if total == 0 {
            return None;
        }
        let h = (total - 1) as f64 * p;
        let lo = h.floor();
        let value_at = |index: u64| -> f64 {
            let mut seen = 0u64;
            for (v, c) in self.values.iter().zip(&self.counts) {
                seen += c;
                if index < seen {
                    return *v;
                }
            }
            self.values[self.values.len() - 1]
        };
        let a = value_at(lo as u64);
        let b = value_at((lo as u64 + 1).min(total - 1));
        Some(a + (h - lo) * (b - a))
    }
}

/// Quantile bins fitted on the reference: `edges` ascending from the reference minimum to
/// its maximum; bin 0 holds values below the minimum, the last bin values above the maximum,
/// and the bins between follow the edges (left-closed, the last one closed).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferenceBins {
    /// Distinct edges, ascending.
    pub edges: Vec<f64>,
    /// Reference count per bin (`bin_count()` entries).
    pub counts: Vec<u64>,
}

impl ReferenceBins {
    /// Fits `bins` quantile bins on a distribution.
    pub fn fit(distribution: &ValueDistribution, bins: usize) -> ReferenceBins {
        let bins = bins.max(1);
        let mut edges: Vec<f64> = (0..=bins)
            .filter_map(|i| distribution.quantile(i as f64 / bins as f64))
            .collect();
        edges.dedup();
        let mut fitted = ReferenceBins {
            counts: Vec::new(),
            edges,
        };
        fitted.counts = fitted.count_runs(&distribution.values, &distribution.counts);
        fitted
    }

    /// Number of bins, the two out-of-range bins included.
    pub fn bin_count(&self) -> usize {
        self.edges.len().saturating_sub(1).max(1) + 2
    }

    /// The bin of a value.
    pub fn bin_of(&self, x: f64) -> usize {
        let k = self.edges.len();
        if k == 0 || x < self.edges[0] {
            return 0;
        }
        if x > self.edges[k - 1] {
            return self.bin_count() - 1;
        }
        let inner = self.bin_count() - 2;
        // Last edge <= x among edges[0..k-1], clamped so the top edge joins the last bin.
        let i = self.edges[..k - 1].partition_point(|e| *e <= x);
        1 + i.saturating_sub(1).min(inner - 1)
    }

    /// Counts of a sorted sample per bin.
    pub fn count_sorted(&self, sorted: &[f64]) -> Vec<u64> {
        let mut counts = vec![0u64; self.bin_count()];
        for &x in sorted {
            counts[self.bin_of(x)] += 1;
        }
        counts
    }

    fn count_runs(&self, values: &[f64], counts: &[u64]) -> Vec<u64> {
        let mut out = vec![0u64; self.bin_count()];
        for (v, c) in values.iter().zip(counts) {
            out[self.bin_of(*v)] += c;
        }
        out
    }
}

const QUANTILE_PROBS: [f64; 7] = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99];

impl NumericProfile {
    /// Fits a numeric profile on raw values (NaN counts as missing, elsewhere).
    pub fn fit(values: &[f64], options: &ProfileOptions) -> NumericProfile {
        let mut finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        crate::sample::sort_floats(&mut finite);
        let non_finite = values.iter().filter(|v| v.is_infinite()).count() as u64;
        let moments = Moments::of(&finite);
        let distribution = ValueDistribution::from_sorted(&finite, options.max_distinct);
        NumericProfile::derive(
            finite.len() as u64,
            non_finite,
            finite.first().copied(),
            finite.last().copied(),
            moments,
            distribution,
            options,
        )
    }

    fn derive(
        count: u64,
        non_finite: u64,
        min: Option<f64>,
        max: Option<f64>,
        moments: Moments,
        distribution: ValueDistribution,
        options: &ProfileOptions,
    ) -> NumericProfile {
        let quantiles = QUANTILE_PROBS
            .iter()
            .filter_map(|p| {
                distribution
                    .quantile(*p)
                    .map(|value| Quantile { p: *p, value })
            })
            .collect();
        let bins = ReferenceBins::fit(&distribution, options.quantile_bins);
        NumericProfile {
            count,
            non_finite,
            min,
            max,
            moments,
            distribution,
            quantiles,
            bins,
            integer: false,
        }
    }

    fn merge(&self, other: &NumericProfile, options: &ProfileOptions) -> NumericProfile {
        let pick = |a: Option<f64>, b: Option<f64>, f: fn(f64, f64) -> f64| match (a, b) {
            (Some(x), Some(y)) => Some(f(x, y)),
            (x, None) => x,
            (None, y) => y,
        };
        let merged = NumericProfile::derive(
            self.count + other.count,
            self.non_finite + other.non_finite,
            pick(self.min, other.min, f64::min),
            pick(self.max, other.max, f64::max),
            self.moments.merge(&other.moments),
            self.distribution
                .merge(&other.distribution, options.max_distinct),
            options,
        );
        NumericProfile {
            integer: self.integer && other.integer,
            ..merged
        }
    }
}

impl ColumnProfile {
    /// The column type.
    pub fn column_type(&self) -> ColumnType {
        match self.summary {
            ColumnSummary::Numeric(_) => ColumnType::Numeric,
            ColumnSummary::Categorical(_) => ColumnType::Categorical,
        }
    }

    /// The reference values as a drift sample (exact unless the distribution was rounded).
    pub fn sample(&self) -> Sample {
        match &self.summary {
            ColumnSummary::Numeric(p) => Sample::Numeric(p.distribution.expand()),
            ColumnSummary::Categorical(c) => Sample::Categorical(c.counts.clone()),
        }
    }

    /// Whether scores against this column reproduce scores against the reference rows.
    pub fn is_exact(&self) -> bool {
        match &self.summary {
            ColumnSummary::Numeric(p) => p.distribution.is_exact(),
            ColumnSummary::Categorical(_) => true,
        }
    }
}

impl ReferenceProfile {
    /// Fits a profile on a table.
    pub fn fit(table: &Table, options: &ProfileOptions) -> ReferenceProfile {
        let columns = table
            .columns
            .iter()
            .map(|c| {
                let missing = c.missing();
                match &c.values {
                    ColumnValues::Numeric {
                        values,
                        invalid,
                        integer,
                    } => ColumnProfile {
                        name: c.name.clone(),
                        missing,
                        invalid: *invalid,
                        summary: ColumnSummary::Numeric(NumericProfile {
                            integer: *integer,
                            ..NumericProfile::fit(values, options)
                        }),
                    },
                    ColumnValues::Categorical(labels) => {
                        let mut counts = BTreeMap::new();
                        for l in labels.iter().flatten() {
                            *counts.entry(l.clone()).or_insert(0) += 1;
                        }
                        ColumnProfile {
                            name: c.name.clone(),
                            missing,
                            invalid: 0,
                            summary: ColumnSummary::Categorical(CategoricalProfile { counts }),
                        }
                    }
                }
            })
            .collect();
        ReferenceProfile {
            version: PROFILE_VERSION,
            rows: table.rows as u64,
            options: *options,
            columns,
        }
    }

    /// The column with this name.
    pub fn column(&self, name: &str) -> Option<&ColumnProfile> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The profile of both partitions together; they must have the same columns, types and
    /// options.
    pub fn merge(&self, other: &ReferenceProfile) -> Result<ReferenceProfile, DriftError> {
        if self.options != other.options {
            return Err(DriftError::Profile(
                "the profiles were fitted with different options".into(),
            ));
        }
        if self.columns.len() != other.columns.len() {
            return Err(DriftError::Profile(format!(
                "the profiles have {} and {} columns",
                self.columns.len(),
                other.columns.len()
            )));
        }
        let columns = self
            .columns
            .iter()
            .zip(&other.columns)
            .map(|(a, b)| {
                if a.name != b.name {
                    return Err(DriftError::Profile(format!(
                        "column {:?} is {:?} in the other profile",
                        a.name, b.name
                    )));
                }
                let summary = match (&a.summary, &b.summary) {
                    (ColumnSummary::Numeric(x), ColumnSummary::Numeric(y)) => {
                        ColumnSummary::Numeric(x.merge(y, &self.options))
                    }
                    (ColumnSummary::Categorical(x), ColumnSummary::Categorical(y)) => {
                        let mut counts = x.counts.clone();
                        for (k, v) in &y.counts {
                            *counts.entry(k.clone()).or_insert(0) += v;
                        }
                        ColumnSummary::Categorical(CategoricalProfile { counts })
                    }
                    _ => {
                        return Err(DriftError::Profile(format!(
                            "column {:?} is numeric in one profile and categorical in the other",
                            a.name
                        )));
                    }
                };
                Ok(ColumnProfile {
                    name: a.name.clone(),
                    missing: a.missing + b.missing,
                    invalid: a.invalid + b.invalid,
                    summary,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(ReferenceProfile {
            version: PROFILE_VERSION,
            rows: self.rows + other.rows,
            options: self.options,
            columns,
        })
    }

    /// The profile as compact JSON (value distributions can hold many numbers).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a profile from JSON, refusing other versions.
    pub fn from_json(text: &str) -> Result<ReferenceProfile, DriftError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| DriftError::Profile(e.to_string()))?;
        match value.get("version").and_then(|v| v.as_u64()) {
            Some(v) if v == u64::from(PROFILE_VERSION) => {}
            Some(v) => {
                return Err(DriftError::Profile(format!(
                    "version {v} is not supported (this build reads version {PROFILE_VERSION})"
                )));
            }
            None => return Err(DriftError::Profile("no version field".into())),
        }
        let profile: ReferenceProfile =
            serde_json::from_value(value).map_err(|e| DriftError::Profile(e.to_string()))?;
        profile.validate()?;
        Ok(profile)
    }

    /// Checks what a hand-edited or corrupted profile could break: value distributions sorted,
    /// finite and consistent with the counts, rounding levels possible, bins ordered, and
    /// sizes within [`MAX_PROFILE_ROWS`].
    pub fn validate(&self) -> Result<(), DriftError> {
        let bad = |column: &str, what: String| {
            Err(DriftError::Profile(format!("column {column:?}: {what}")))
        };
        if self.options.quantile_bins == 0 || self.options.quantile_bins > MAX_QUANTILE_BINS {
            return Err(DriftError::Profile(format!(
                "quantile_bins must be between 1 and {MAX_QUANTILE_BINS}"
            )));
        }
        if self.options.max_distinct == 0 {
            return Err(DriftError::Profile("max_distinct must be positive".into()));
        }
        if self.rows > MAX_PROFILE_ROWS {
            return Err(DriftError::Profile(format!(
                "{} rows is more than this build accepts ({MAX_PROFILE_ROWS})",
                self.rows
            )));
        }
        for c in &self.columns {
            if c.missing + c.invalid > self.rows {
                return bad(&c.name, "more missing cells than rows".into());
            }
            match &c.summary {
                ColumnSummary::Numeric(p) => {
                    let d = &p.distribution;
                    if d.mantissa_bits > 52 {
                        return bad(&c.name, format!("mantissa_bits {} > 52", d.mantissa_bits));
                    }
                    if d.values.len() != d.counts.len() {
                        return bad(&c.name, "values and counts differ in length".into());
                    }
                    if d.values.iter().any(|v| !v.is_finite())
                        || d.values.windows(2).any(|w| w[0] >= w[1])
                    {
                        return bad(
                            &c.name,
                            "values must be finite and strictly ascending".into(),
                        );
                    }
                    let total = d
                        .counts
                        .iter()
                        .try_fold(0u64, |acc, n| acc.checked_add(*n))
                        .filter(|t| *t <= self.rows);
                    if total != Some(p.count) || p.moments.n != p.count {
                        return bad(
                            &c.name,
                            "counts do not add up to the column's count and rows".into(),
                        );
                    }
                    let e = &p.bins.edges;
                    if (p.count > 0 && e.is_empty())
                        || e.iter().any(|v| !v.is_finite())
                        || e.windows(2).any(|w| w[0] >= w[1])
                        || p.bins.counts.len() != p.bins.bin_count()
                    {
                        return bad(
                            &c.name,
                            "bins must be finite, ascending and complete".into(),
                        );
                    }
                }
                ColumnSummary::Categorical(cat) => {
                    let total = cat
                        .counts
                        .values()
                        .try_fold(0u64, |acc, n| acc.checked_add(*n));
                    if total.is_none_or(|t| t > self.rows) {
                        return bad(&c.name, "category counts exceed the rows".into());
                    }
                }
            }
        }
        Ok(())
    }
}

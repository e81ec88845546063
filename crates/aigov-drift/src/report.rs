//! The dataset drift report: every column scored in the chosen mode, p-values adjusted
//! across columns (default mode), and the dataset verdict from the share of drifted columns.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::default_mode::{EffectSize, default_method, default_score};
use crate::evidently::{evidently_default_method, evidently_score_typed};
use crate::method::Method;
use crate::profile::{ColumnProfile, ColumnSummary, ReferenceBins, ValueDistribution};
use crate::sample::{ColumnType, Sample, runs};
use crate::table::Table;
use crate::{DriftError, ReferenceProfile};

/// Which numbers the report reproduces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// aigov's scoring: reference-fitted bins, effect sizes, Benjamini-Hochberg.
    #[default]
    Default,
    /// Evidently 0.7's numbers, quirks included.
    Evidently,
}

/// Settings of a drift report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DriftOptions {
    /// The mode.
    pub mode: Mode,
    /// One method for every column (where it applies); `None` picks per column.
    pub method: Option<Method>,
    /// Threshold for the chosen method (p-value level or distance); `None` for defaults.
    pub threshold: Option<f64>,
    /// Significance level of the default mode (after Benjamini-Hochberg).
    pub alpha: f64,
    /// Share of drifted columns at which the dataset drifts (Evidently: 0.5).
    pub drift_share: f64,
    /// Fewest values per side below which a column is flagged as too small to judge.
    pub min_rows: usize,
    /// Quantile bins fitted on a reference given as rows.
    pub quantile_bins: usize,
}

impl DriftOptions {
    /// Refuses settings that would make every verdict "no drift" (NaN or out-of-range levels).
    pub fn validate(&self) -> Result<(), DriftError> {
        let level = |name: &'static str, v: f64, upper_closed: bool| {
            let ok = v > 0.0 && (v < 1.0 || (upper_closed && v == 1.0));
            if ok {
                Ok(())
            } else {
                Err(DriftError::invalid(name, format!("{v} is not in (0, 1)")))
            }
        };
        level("alpha", self.alpha, false)?;
        level("drift share", self.drift_share, true)?;
        if let Some(t) = self.threshold {
            match self.method {
                Some(m) if m.is_test() => level("threshold", t, true)?,
                _ if t.is_finite() && t > 0.0 => {}
                _ => {
                    return Err(DriftError::invalid(
                        "threshold",
                        format!("{t} is not a positive number"),
                    ));
                }
            }
        }
        if self.quantile_bins == 0 || self.quantile_bins > crate::profile::MAX_QUANTILE_BINS {
            return Err(DriftError::invalid(
                "quantile bins",
                format!("{} is not between 1 and 1000", self.quantile_bins),
            ));
        }
        Ok(())
    }
}

impl Default for DriftOptions {
    fn default() -> Self {
        DriftOptions {
            mode: Mode::Default,
            method: None,
            threshold: None,
            alpha: 0.05,
            drift_share: 0.5,
            min_rows: 30,
            quantile_bins: 10,
        }
    }
}

/// One column's verdict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColumnDrift {
    /// The column.
    pub column: String,
    /// Its type.
    #[serde(rename = "type")]
    pub column_type: ColumnType,
    /// The method used.
    pub method: Method,
    /// The test statistic or the distance.
    pub statistic: f64,
    /// The p-value (`null` for distances).
    pub p_value: Option<f64>,
    /// The Benjamini-Hochberg adjusted p-value (default mode).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_value_adjusted: Option<f64>,
    /// The threshold the score was compared with.
    pub threshold: f64,
    /// Whether the column drifted.
    pub drifted: bool,
    /// Reference values (missing dropped).
    pub n_reference: usize,
    /// Current values (missing dropped).
    pub n_current: usize,
    /// For `wasserstein`, the distance before norming.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw_distance: Option<f64>,
    /// The effect size beside the p-value (default mode).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effect_size: Option<EffectSize>,
    /// Categories of the current data the reference never had, with their counts.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub new_categories: BTreeMap<String, u64>,
    /// The reference came from a rounded profile, so the score is approximate.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub approximate: bool,
}

/// The dataset report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DriftReport {
    /// The mode.
    pub mode: Mode,
    /// Per-column verdicts, in the order asked.
    pub columns: Vec<ColumnDrift>,
    /// Number of drifted columns.
    pub drifted_columns: usize,
    /// drifted_columns / columns.
    pub drift_share: f64,
    /// Whether the share reached the configured drift share.
    pub dataset_drifted: bool,
    /// Columns too small to judge, sparse tables, approximate profiles.
    pub warnings: Vec<String>,
    /// Data the tests could not use: columns holding infinite values, which are left out of
    /// the statistics, so a column that turned 90% infinite is reported here rather than
    /// judged on what is left.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quality_failures: Vec<String>,
}

/// The reference side of one column: its values and, for numbers, its fitted bins.
#[derive(Clone, Debug, PartialEq)]
pub struct ReferenceColumn {
    /// The column.
    pub name: String,
    /// The values.
    pub sample: Sample,
    /// Fitted quantile bins (numbers).
    pub bins: Option<ReferenceBins>,
    /// How many quantile bins to fit when `bins` is `None`.
    pub quantile_bins: usize,
    /// False when the values come from a rounded profile.
    pub exact: bool,
    /// Both the reference and the current column are whole numbers without missing cells
    /// (pandas' int64), which changes Evidently's Sturges bins.
    pub integer: bool,
}

impl ReferenceColumn {
    /// From raw reference values; bins are fitted when a binned method needs them.
    pub fn from_sample(name: &str, sample: Sample, quantile_bins: usize) -> ReferenceColumn {
        ReferenceColumn {
            name: name.to_string(),
            sample,
            bins: None,
            quantile_bins,
            exact: true,
            integer: false,
        }
    }

    /// The fitted bins, fitting them on the values first if needed (numbers only).
    fn bins(&mut self) -> Option<&ReferenceBins> {
        if self.bins.is_none()
            && let Sample::Numeric(sorted) = &self.sample
        {
            let (values, counts) = runs(sorted).into_iter().unzip();
            let distribution = ValueDistribution {
                mantissa_bits: 52,
                values,
                counts,
            };
            self.bins = Some(ReferenceBins::fit(&distribution, self.quantile_bins));
        }
        self.bins.as_ref()
    }

    /// From a saved profile column.
    pub fn from_profile(column: &ColumnProfile) -> ReferenceColumn {
        ReferenceColumn {
            name: column.name.clone(),
            sample: column.sample(),
            bins: match &column.summary {
                ColumnSummary::Numeric(p) => Some(p.bins.clone()),
                ColumnSummary::Categorical(_) => None,
            },
            quantile_bins: 10,
            exact: column.is_exact(),
            integer: matches!(&column.summary, ColumnSummary::Numeric(p) if p.integer),
        }
    }
}

/// Scores every column pair and builds the report.
pub fn drift_report(
    pairs: Vec<(ReferenceColumn, Sample)>,
    options: &DriftOptions,
) -> Result<DriftReport, DriftError> {
    options.validate()?;
    if pairs.is_empty() {
        return Err(DriftError::invalid("columns", "no columns to compare"));
    }
    if let Some(m) = options.method
        && !pairs
            .iter()
            .any(|(r, _)| m.applies_to(r.sample.column_type()))
    {
        return Err(DriftError::invalid(
            "method",
            format!("{m} applies to none of the selected columns (all categorical)"),
        ));
    }
    let scored: Vec<Scored> = pairs
        .into_par_iter()
        .map(|(reference, current)| score_column(reference, current, options))
        .collect::<Result<_, _>>()?;
    let mut warnings: Vec<String> = scored.iter().flat_map(|s| s.warnings.clone()).collect();
    let by_p_value: Vec<bool> = scored.iter().map(|s| s.by_p_value).collect();
    let mut columns: Vec<ColumnDrift> = scored.into_iter().map(|s| s.drift).collect();
    if options.mode == Mode::Default {
        // A level given for a forced test replaces alpha; a threshold given for a distance
        // is that distance's cut-off instead.
        let level = match options.method {
            Some(m) if m.is_test() => options.threshold.unwrap_or(options.alpha),
            _ => options.alpha,
        };
        benjamini_hochberg(&mut columns, &by_p_value, level);
    }
    let drifted_columns = columns.iter().filter(|c| c.drifted).count();
    let drift_share = drifted_columns as f64 / columns.len() as f64;
    if columns.iter().any(|c| c.approximate) {
        warnings.push(
            "the reference profile rounded some columns to fit its distinct-value budget; \
             their scores are approximate"
                .into(),
        );
    }
    Ok(DriftReport {
        mode: options.mode,
        dataset_drifted: drift_share >= options.drift_share,
        drifted_columns,
        drift_share,
        columns,
        warnings,
        quality_failures: Vec::new(),
    })
}

/// One scored column, its warnings, and whether its verdict waits for the adjusted p-value.
struct Scored {
    drift: ColumnDrift,
    warnings: Vec<String>,
    by_p_value: bool,
}

fn score_column(
    mut reference: ReferenceColumn,
    current: Sample,
    options: &DriftOptions,
) -> Result<Scored, DriftError> {
    let name = reference.name.clone();
    let column_type = reference.sample.column_type();
    if current.column_type() != column_type {
        return Err(DriftError::invalid(
            "columns",
            format!("column {name:?} has a different type in the current data"),
        ));
    }
    for (side, sample) in [("reference", &reference.sample), ("current", &current)] {
        if sample.is_empty() {
            return Err(DriftError::EmptyColumn {
                column: name.clone(),
                reason: format!("the {side} data has no values once missing values are dropped"),
            });
        }
    }
    let mut warnings = Vec::new();
    let smallest = reference.sample.len().min(current.len());
    if smallest < options.min_rows {
        warnings.push(format!(
            "column {name:?}: only {smallest} values on one side (fewer than {}); too few to judge drift",
            options.min_rows
        ));
    }
    let automatic = || match options.mode {
        Mode::Evidently => evidently_default_method(&reference.sample, &current),
        Mode::Default => default_method(&reference.sample),
    };
    let method = match options.method {
        Some(m) if !m.applies_to(column_type) => {
            let fallback = automatic();
            warnings.push(format!(
                "column {name:?}: {m} does not apply to categorical columns; used {fallback}"
            ));
            fallback
        }
        Some(m) => m,
        None => automatic(),
    };
    let new_categories = match (&reference.sample, &current) {
        (Sample::Categorical(r), Sample::Categorical(c)) => c
            .iter()
            .filter(|(k, n)| **n > 0 && !r.contains_key(*k))
            .map(|(k, n)| (k.clone(), *n))
            .collect(),
        _ => BTreeMap::new(),
    };
    let base = ColumnDrift {
        column: name.clone(),
        column_type,
        method,
        statistic: f64::NAN,
        p_value: None,
        p_value_adjusted: None,
        threshold: f64::NAN,
        drifted: false,
        n_reference: reference.sample.len(),
        n_current: current.len(),
        raw_distance: None,
        effect_size: None,
        new_categories,
        approximate: !reference.exact,
    };
    let mut by_p_value = false;
    let drift = match options.mode {
        Mode::Evidently => {
            let s = evidently_score_typed(
                method,
                &reference.sample,
                &current,
                options.threshold,
                reference.integer,
            )?;
            ColumnDrift {
                statistic: s.statistic,
                p_value: s.p_value,
                threshold: s.threshold,
                drifted: s.drifted,
                raw_distance: s.raw_distance,
                ..base
            }
        }
        Mode::Default => {
            let binned = matches!(
                method,
                Method::Psi | Method::KlDiv | Method::Jensenshannon | Method::Hellinger
            );
            if binned {
                reference.bins();
            }
            let distance_threshold = match options.method {
                Some(m) if !m.is_test() => options.threshold,
                _ => None,
            };
            let s = default_score(
                method,
                &reference.sample,
                reference.bins.as_ref(),
                &current,
                options.alpha,
                distance_threshold,
            )?;
            warnings.extend(s.warnings.iter().map(|w| format!("column {name:?}: {w}")));
            // PSI has a p-value in this mode, but a cut-off given for it is used as is.
            let fixed_cut = method == Method::Psi && distance_threshold.is_some();
            let threshold = match (fixed_cut, s.threshold) {
                (true, _) => distance_threshold.unwrap_or(0.1),
                (false, Some(t)) => t,
                (false, None) => options.alpha,
            };
            by_p_value = s.p_value.is_some() && !fixed_cut;
            let unscorable = method != Method::TTest
                && (s.statistic.is_nan() || s.p_value.is_some_and(f64::is_nan));
            if unscorable {
                // Fail closed: a number that could not be computed is not evidence of no drift.
                warnings.push(format!(
                    "column {name:?}: {method} gave no number (NaN); counted as drifted"
                ));
                by_p_value = false;
            }
            ColumnDrift {
                statistic: s.statistic,
                p_value: s.p_value,
                threshold,
                drifted: unscorable || (!by_p_value && s.statistic >= threshold),
                raw_distance: s.raw_distance,
                effect_size: Some(s.effect_size),
                ..base
            }
        }
    };
    Ok(Scored {
        drift,
        warnings,
        by_p_value,
    })
}

/// Adjusts the p-values of all tested columns together (Benjamini-Hochberg step-up) and
/// marks a column drifted when its adjusted p-value is below `alpha`.
fn benjamini_hochberg(columns: &mut [ColumnDrift], by_p_value: &[bool], alpha: f64) {
    let mut tested: Vec<(usize, f64)> = columns
        .iter()
        .enumerate()
        .filter(|(i, _)| by_p_value.get(*i).copied().unwrap_or(false))
        // A NaN p-value here is Welch's t on two equal constants: no evidence of a change.
        .filter_map(|(i, c)| c.p_value.map(|p| (i, if p.is_nan() { 1.0 } else { p })))
        .collect();
    tested.sort_by(|a, b| a.1.total_cmp(&b.1));
    let m = tested.len() as f64;
    let mut running = 1.0f64;
    for (rank, (index, p)) in tested.iter().enumerate().rev() {
        running = running.min(p * m / (rank + 1) as f64).min(1.0);
        let column = &mut columns[*index];
        column.p_value_adjusted = Some(running);
        column.drifted = running < alpha;
        if column.method != Method::Psi {
            column.threshold = alpha;
        }
    }
}

/// The column names to compare: those asked for, else every column of the reference.
fn selected<'a>(
    available: impl Iterator<Item = &'a str>,
    asked: Option<&[String]>,
    source: &str,
) -> Result<Vec<String>, DriftError> {
    let available: Vec<&str> = available.collect();
    match asked {
        None => Ok(available.iter().map(|s| s.to_string()).collect()),
        Some(names) => {
            let available: std::collections::HashSet<&str> = available.into_iter().collect();
            names
                .iter()
                .map(|n| {
                    if available.contains(n.as_str()) {
                        Ok(n.clone())
                    } else {
                        Err(DriftError::MissingColumn {
                            column: n.clone(),
                            source_name: source.to_string(),
                        })
                    }
                })
                .collect()
        }
    }
}

/// Compares two tables read from rows (the reference fits its bins on the fly).
pub fn compare_tables(
    reference: Table,
    current: Table,
    columns: Option<&[String]>,
    options: &DriftOptions,
) -> Result<DriftReport, DriftError> {
    let names = selected(
        reference.columns.iter().map(|c| c.name.as_str()),
        columns,
        "reference",
    )?;
    selected(
        current.columns.iter().map(|c| c.name.as_str()),
        Some(&names),
        "current",
    )?;
    let mut reference_columns: BTreeMap<String, crate::table::Column> = reference
        .columns
        .into_iter()
        .map(|c| (c.name.clone(), c))
        .collect();
    let mut current_columns: BTreeMap<String, crate::table::Column> = current
        .columns
        .into_iter()
        .map(|c| (c.name.clone(), c))
        .collect();
    let pairs: Vec<(crate::table::Column, crate::table::Column)> = names
        .iter()
        .filter_map(|n| Some((reference_columns.remove(n)?, current_columns.remove(n)?)))
        .collect();
    let bins = options.quantile_bins;
    let notes: Vec<String> = pairs
        .iter()
        .filter_map(|(_, c)| wrong_type_note(c))
        .collect();
    let failures: Vec<String> = pairs
        .iter()
        .flat_map(|(r, c)| {
            [
                infinite_values(r, "reference"),
                infinite_values(c, "current"),
            ]
        })
        .flatten()
        .collect();
    let pairs = pairs
        .into_par_iter()
        .map(|(r, c)| {
            let name = r.name.clone();
            let integer = r.is_integer() && c.is_integer();
            let reference = ReferenceColumn {
                integer,
                ..ReferenceColumn::from_sample(&name, r.into_sample(), bins)
            };
            (reference, c.into_sample())
        })
        .collect();
    let mut report = drift_report(pairs, options)?;
    report.warnings.extend(notes);
    report.quality_failures.extend(failures);
    Ok(report)
}

/// A data-quality failure for a numeric column holding infinities (`side` is `reference` or
/// `current`): they are left out of every statistic.
fn infinite_values(column: &crate::table::Column, side: &str) -> Option<String> {
    let crate::table::ColumnValues::Numeric { values, .. } = &column.values else {
        return None;
    };
    let infinite = values.iter().filter(|v| v.is_infinite()).count();
    (infinite > 0).then(|| {
        format!(
            "column {:?}: {infinite} of {} {side} values are infinite; the test used the {} finite ones",
            column.name,
            values.len(),
            values.len() - infinite
        )
    })
}

/// A warning for numeric cells of the current data that were not numbers: they are left out
/// of the test, which would otherwise judge drift on the rest without a word.
fn wrong_type_note(column: &crate::table::Column) -> Option<String> {
    match &column.values {
        crate::table::ColumnValues::Numeric { invalid, .. } if *invalid > 0 => Some(format!(
            "column {:?}: {invalid} current cells are not numbers and were left out of the test",
            column.name
        )),
        _ => None,
    }
}

/// Compares a table with a saved reference profile.
pub fn compare_profile(
    profile: &ReferenceProfile,
    current: Table,
    columns: Option<&[String]>,
    options: &DriftOptions,
) -> Result<DriftReport, DriftError> {
    let names = selected(
        profile.columns.iter().map(|c| c.name.as_str()),
        columns,
        "profile",
    )?;
    let mut current_columns: BTreeMap<String, crate::table::Column> = current
        .columns
        .into_iter()
        .map(|c| (c.name.clone(), c))
        .collect();
    let mut matched = Vec::with_capacity(names.len());
    let mut notes: Vec<String> = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    let by_name: std::collections::HashMap<&str, &crate::profile::ColumnProfile> = profile
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c))
        .collect();
    for n in &names {
        let reference =
            by_name
                .get(n.as_str())
                .copied()
                .ok_or_else(|| DriftError::MissingColumn {
                    column: n.clone(),
                    source_name: "profile".into(),
                })?;
        let current = current_columns
            .remove(n)
            .ok_or_else(|| DriftError::MissingColumn {
                column: n.clone(),
                source_name: "current".into(),
            })?;
        notes.extend(wrong_type_note(&current));
        failures.extend(infinite_values(&current, "current"));
        matched.push((reference, current));
    }
    // Expanding the profiles and sorting the current columns is most of the work: one
    // column per core.
    let pairs = matched
        .into_par_iter()
        .map(|(reference, current)| {
            let mut reference = ReferenceColumn::from_profile(reference);
            reference.integer = reference.integer && current.is_integer();
            (reference, current.into_sample())
        })
        .collect();
    let mut report = drift_report(pairs, options)?;
    report.warnings.extend(notes);
    report.quality_failures.extend(failures);
    Ok(report)
}

/// The column types of a profile, to read current data the same way.
pub fn profile_types(profile: &ReferenceProfile) -> BTreeMap<String, ColumnType> {
    profile
        .columns
        .iter()
        .map(|c| (c.name.clone(), c.column_type()))
        .collect()
}

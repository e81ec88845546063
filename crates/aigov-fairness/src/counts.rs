//! Group counts first: per group, weighted confusion counts in one pass over the rows. Groups
//! come from one or several sensitive columns; with several, every cell of the full product
//! is listed, and cells no row falls into are reported as empty rather than skipped.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::FairnessError;

/// Weighted confusion counts of a set of rows, with what interval methods need.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfusionCounts {
    /// Rows.
    pub rows: u64,
    /// Weighted true positives (flagged and truly malicious).
    pub tp: f64,
    /// Weighted false positives (flagged, benign).
    pub fp: f64,
    /// Weighted true negatives.
    pub tn: f64,
    /// Weighted false negatives.
    pub fn_: f64,
    /// Rows per cell [tp, fp, tn, fn] (unweighted), the evidence behind each rate.
    pub rows_by_cell: [u64; 4],
    /// Sum of squared weights per cell [tp, fp, tn, fn], for Kish's effective sample size.
    pub weight_squares: [f64; 4],
}

impl ConfusionCounts {
    fn add(&mut self, truth: bool, flagged: bool, weight: f64) {
        let cell = match (flagged, truth) {
            (true, true) => 0,
            (true, false) => 1,
            (false, false) => 2,
            (false, true) => 3,
        };
        match cell {
            0 => self.tp += weight,
            1 => self.fp += weight,
            2 => self.tn += weight,
            _ => self.fn_ += weight,
        }
        self.rows += 1;
        self.rows_by_cell[cell] += 1;
        self.weight_squares[cell] += weight * weight;
    }

    /// Total weight.
    pub fn weight(&self) -> f64 {
        self.tp + self.fp + self.tn + self.fn_
    }
}

/// One group: its values of the sensitive columns and its counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupCounts {
    /// Sensitive column -> value.
    pub group: BTreeMap<String, String>,
    /// The counts (all zero for an empty cell of the product).
    pub counts: ConfusionCounts,
}

impl GroupCounts {
    /// Whether no row falls into this group.
    pub fn is_empty(&self) -> bool {
        self.counts.rows == 0
    }
}

/// Counts of every group and of all rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupTable {
    /// The sensitive columns, in the order given.
    pub columns: Vec<String>,
    /// Every cell of the product of the columns' observed values, in lexicographic order of
    /// the values (column by column, as a pandas MultiIndex sorts).
    pub groups: Vec<GroupCounts>,
    /// All rows.
    pub overall: ConfusionCounts,
}

/// One sensitive column: its name and one value per row.
#[derive(Clone, Copy, Debug)]
pub struct SensitiveColumn<'a> {
    /// The column name.
    pub name: &'a str,
    /// The value of each row.
    pub values: &'a [String],
}

/// Counts per group in one pass. Labels are `true` for the positive class (malicious, flagged).
pub fn group_counts(
    y_true: &[bool],
    y_pred: &[bool],
    sensitive: &[SensitiveColumn<'_>],
    weights: Option<&[f64]>,
) -> Result<GroupTable, FairnessError> {
    let n = y_true.len();
    if n == 0 {
        return Err(FairnessError::invalid("rows", "no rows"));
    }
    if y_pred.len() != n {
        return Err(FairnessError::invalid(
            "predictions",
            format!("{} predictions for {n} labels", y_pred.len()),
        ));
    }
    if sensitive.is_empty() {
        return Err(FairnessError::invalid(
            "sensitive columns",
            "at least one sensitive column is needed",
        ));
    }
    for s in sensitive {
        if s.values.len() != n {
            return Err(FairnessError::invalid(
                "sensitive columns",
                format!("{} has {} values for {n} rows", s.name, s.values.len()),
            ));
        }
    }
    if let Some(w) = weights {
        if w.len() != n {
            return Err(FairnessError::invalid(
                "sample weights",
                format!("{} weights for {n} rows", w.len()),
            ));
        }
        if let Some((i, bad)) = w
            .iter()
            .enumerate()
            .find(|(_, x)| !(x.is_finite() && **x >= 0.0))
        {
            return Err(FairnessError::invalid(
                "sample weights",
                format!("row {}: {bad} is not a finite non-negative weight", i + 1),
            ));
        }
    }
    // Each column's distinct values, sorted; a row's group is its index in the product.
    let levels: Vec<Vec<&String>> = sensitive
        .iter()
        .map(|s| {
            let mut v: Vec<&String> = s.values.iter().collect();
            v.sort();
            v.dedup();
            v
        })
        .collect();
    let cells: usize = levels
        .iter()
        .try_fold(1usize, |acc, l| acc.checked_mul(l.len()))
        .filter(|c| *c <= 1_000_000)
        .ok_or_else(|| {
            FairnessError::invalid(
                "sensitive columns",
                "more than 1,000,000 combinations of sensitive values",
            )
        })?;
    let codes: Vec<Vec<usize>> = sensitive
        .iter()
        .zip(&levels)
        .map(|(s, l)| {
            s.values
                .iter()
                .map(|v| l.binary_search(&v).unwrap_or(0))
                .collect()
        })
        .collect();
    let mut counts = vec![ConfusionCounts::default(); cells];
    let mut overall = ConfusionCounts::default();
    for row in 0..n {
        let mut cell = 0usize;
        for (c, l) in codes.iter().zip(&levels) {
            cell = cell * l.len() + c[row];
        }
        let w = weights.map_or(1.0, |w| w[row]);
        counts[cell].add(y_true[row], y_pred[row], w);
        overall.add(y_true[row], y_pred[row], w);
    }
    let groups = counts
        .into_iter()
        .enumerate()
        .map(|(cell, counts)| {
            let mut rest = cell;
            let mut group = BTreeMap::new();
            for (s, l) in sensitive.iter().zip(&levels).rev() {
                group.insert(s.name.to_string(), l[rest % l.len()].clone());
                rest /= l.len();
            }
            GroupCounts { group, counts }
        })
        .collect();
    Ok(GroupTable {
        columns: sensitive.iter().map(|s| s.name.to_string()).collect(),
        groups,
        overall,
    })
}

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
    /// Rows of positive weight per cell [tp, fp, tn, fn] (unweighted), the evidence behind
    /// each rate.
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
        // A row of weight 0 contributes nothing to any rate, so it is no evidence for one:
        // counting it would let a handful of weighted rows pass the minimum group size.
        if weight > 0.0 {
            self.rows_by_cell[cell] += 1;
        }
        self.weight_squares[cell] += weight * weight;
    }

    /// Adds another set of counts.
    pub fn merge(&mut self, other: &ConfusionCounts) {
        self.rows += other.rows;
        self.tp += other.tp;
        self.fp += other.fp;
        self.tn += other.tn;
        self.fn_ += other.fn_;
        for i in 0..4 {
            self.rows_by_cell[i] += other.rows_by_cell[i];
            self.weight_squares[i] += other.weight_squares[i];
        }
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

/// A sensitive column coded once: its distinct values and each row's index into them.
#[derive(Clone, Debug, PartialEq)]
pub struct CodedColumn {
    /// The column name.
    pub name: String,
    /// Distinct values.
    pub levels: Vec<String>,
    /// Per row, the index of its value in `levels`.
    pub codes: Vec<u32>,
}

impl CodedColumn {
    /// Codes a column of values.
    pub fn from_values(name: &str, values: &[String]) -> CodedColumn {
        let mut levels: Vec<String> = values.to_vec();
        levels.sort();
        levels.dedup();
        let codes = values
            .iter()
            .map(|v| levels.binary_search(v).unwrap_or(0) as u32)
            .collect();
        CodedColumn {
            name: name.to_string(),
            levels,
            codes,
        }
    }

    /// The same column with its levels sorted (as a pandas MultiIndex orders them).
    pub fn sorted(self) -> CodedColumn {
        let mut order: Vec<usize> = (0..self.levels.len()).collect();
        order.sort_by(|a, b| self.levels[*a].cmp(&self.levels[*b]));
        let mut remap = vec![0u32; self.levels.len()];
        for (new, old) in order.iter().enumerate() {
            remap[*old] = new as u32;
        }
        CodedColumn {
            levels: order.iter().map(|i| self.levels[*i].clone()).collect(),
            codes: self
                .codes
                .iter()
                .map(|c| remap.get(*c as usize).copied().unwrap_or(0))
                .collect(),
            name: self.name,
        }
    }
}

/// Counts per group in one pass. Labels are `true` for the positive class (malicious, flagged).
pub fn group_counts(
    y_true: &[bool],
    y_pred: &[bool],
    sensitive: &[SensitiveColumn<'_>],
    weights: Option<&[f64]>,
) -> Result<GroupTable, FairnessError> {
    for s in sensitive {
        if s.values.len() != y_true.len() {
            return Err(FairnessError::invalid(
                "sensitive columns",
                format!(
                    "{} has {} values for {} rows",
                    s.name,
                    s.values.len(),
                    y_true.len()
                ),
            ));
        }
    }
    let coded: Vec<CodedColumn> = sensitive
        .iter()
        .map(|s| CodedColumn::from_values(s.name, s.values))
        .collect();
    group_counts_coded(y_true, y_pred, &coded, weights)
}

/// [`group_counts`] for columns coded once (levels sorted, codes within them).
pub fn group_counts_coded(
    y_true: &[bool],
    y_pred: &[bool],
    sensitive: &[CodedColumn],
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
        if s.codes.len() != n || s.codes.iter().any(|c| *c as usize >= s.levels.len()) {
            return Err(FairnessError::invalid(
                "sensitive columns",
                format!("{} has {} coded values for {n} rows", s.name, s.codes.len()),
            ));
        }
        if s.levels.windows(2).any(|w| w[0] >= w[1]) {
            return Err(FairnessError::invalid(
                "sensitive columns",
                format!("{}: levels must be sorted and distinct", s.name),
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
    let cells: usize = sensitive
        .iter()
        .try_fold(1usize, |acc, s| acc.checked_mul(s.levels.len()))
        .filter(|c| *c <= 1_000_000)
        .ok_or_else(|| {
            FairnessError::invalid(
                "sensitive columns",
                "more than 1,000,000 combinations of sensitive values",
            )
        })?;
    let mut counts = vec![ConfusionCounts::default(); cells];
    for row in 0..n {
        let mut cell = 0usize;
        for s in sensitive {
            cell = cell * s.levels.len() + s.codes[row] as usize;
        }
        let w = weights.map_or(1.0, |w| w[row]);
        counts[cell].add(y_true[row], y_pred[row], w);
    }
    // All rows: the sum of the groups (same additions, group by group).
    let mut overall = ConfusionCounts::default();
    for c in &counts {
        overall.merge(c);
    }
    let groups = counts
        .into_iter()
        .enumerate()
        .map(|(cell, counts)| {
            let mut rest = cell;
            let mut group = BTreeMap::new();
            for s in sensitive.iter().rev() {
                group.insert(s.name.clone(), s.levels[rest % s.levels.len()].clone());
                rest /= s.levels.len();
            }
            GroupCounts { group, counts }
        })
        .collect();
    Ok(GroupTable {
        columns: sensitive.iter().map(|s| s.name.clone()).collect(),
        groups,
        overall,
    })
}

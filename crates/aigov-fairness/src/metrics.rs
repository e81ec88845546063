//! Rates from the counts. A rate whose denominator is empty, or rests on fewer rows than the
//! minimum for that metric, is [`Rate::InsufficientEvidence`], never 0 and never dropped.

use serde::{Deserialize, Serialize};

use crate::counts::ConfusionCounts;

/// A rate, or why there is none.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum Rate {
    /// The rate and the rows behind its denominator.
    Value {
        /// The rate.
        value: f64,
        /// Rows in the denominator.
        n: u64,
    },
    /// Too few rows in the denominator (`n` of the `needed`).
    InsufficientEvidence {
        /// Rows in the denominator.
        n: u64,
        /// Rows needed.
        needed: u64,
    },
}

impl Rate {
    /// The value, if there is one.
    pub fn value(&self) -> Option<f64> {
        match self {
            Rate::Value { value, .. } => Some(*value),
            Rate::InsufficientEvidence { .. } => None,
        }
    }
}

/// The rates of one group, or of all rows.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupRates {
    /// Share of rows flagged (predicted positive).
    pub selection_rate: Rate,
    /// Flagged among the truly malicious: TP / (TP + FN).
    pub tpr: Rate,
    /// Flagged among the benign: FP / (FP + TN).
    pub fpr: Rate,
    /// Missed among the truly malicious: FN / (TP + FN).
    pub fnr: Rate,
    /// Passed among the benign: TN / (FP + TN).
    pub tnr: Rate,
    /// Truly malicious among the flagged: TP / (TP + FP).
    pub precision: Rate,
    /// Correct among all: (TP + TN) / all.
    pub accuracy: Rate,
}

/// Which rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateKind {
    /// Selection (flag) rate.
    SelectionRate,
    /// True-positive rate.
    Tpr,
    /// False-positive rate.
    Fpr,
    /// False-negative rate.
    Fnr,
    /// True-negative rate.
    Tnr,
    /// Precision.
    Precision,
    /// Accuracy.
    Accuracy,
}

impl GroupRates {
    /// The rates of a set of counts; each needs at least `min_rows` rows in its denominator
    /// (and at least one).
    pub fn from_counts(c: &ConfusionCounts, min_rows: u64) -> GroupRates {
        let needed = min_rows.max(1);
        let [tp_rows, fp_rows, tn_rows, fn_rows] = c.rows_by_cell;
        let rate = |num: f64, den: f64, rows: u64| {
            if rows < needed || den <= 0.0 {
                Rate::InsufficientEvidence { n: rows, needed }
            } else {
                Rate::Value {
                    value: num / den,
                    n: rows,
                }
            }
        };
        let all = c.weight();
        GroupRates {
            selection_rate: rate(c.tp + c.fp, all, c.rows),
            tpr: rate(c.tp, c.tp + c.fn_, tp_rows + fn_rows),
            fpr: rate(c.fp, c.fp + c.tn, fp_rows + tn_rows),
            fnr: rate(c.fn_, c.tp + c.fn_, tp_rows + fn_rows),
            tnr: rate(c.tn, c.fp + c.tn, fp_rows + tn_rows),
            precision: rate(c.tp, c.tp + c.fp, tp_rows + fp_rows),
            accuracy: rate(c.tp + c.tn, all, c.rows),
        }
    }

    /// One rate by kind.
    pub fn get(&self, kind: RateKind) -> Rate {
        match kind {
            RateKind::SelectionRate => self.selection_rate,
            RateKind::Tpr => self.tpr,
            RateKind::Fpr => self.fpr,
            RateKind::Fnr => self.fnr,
            RateKind::Tnr => self.tnr,
            RateKind::Precision => self.precision,
            RateKind::Accuracy => self.accuracy,
        }
    }
}

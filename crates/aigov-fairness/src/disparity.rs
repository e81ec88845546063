//! Disparities with fairlearn's definitions and names: differences (max - min between groups,
//! or the largest distance to the overall rate) and ratios (min / max between groups, or the
//! smallest of group/overall and overall/group), equalized odds over TPR and FPR with
//! `worst_case` or `mean` aggregation. A disparity over a group without evidence for the rate
//! is itself insufficient evidence; groups no row falls into are left out (and listed empty in
//! the group table).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::counts::GroupTable;
use crate::metrics::{GroupRates, Rate, RateKind};

/// fairlearn's `method`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisparityMethod {
    /// Between the most and least favoured groups.
    #[default]
    BetweenGroups,
    /// Between each group and all rows.
    ToOverall,
}

/// fairlearn's `agg` for equalized odds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    /// The larger difference (smaller ratio) of TPR and FPR.
    #[default]
    WorstCase,
    /// Their average.
    Mean,
}

/// A disparity, or why there is none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum Disparity {
    /// The disparity.
    Value {
        /// The value.
        value: f64,
    },
    /// Some groups lack the rows the rate needs.
    InsufficientEvidence {
        /// The groups without evidence.
        groups: Vec<BTreeMap<String, String>>,
    },
    /// The ratio is 0/0 (every rate is zero).
    Undefined {
        /// Why.
        reason: String,
    },
}

impl Disparity {
    /// The value, if there is one.
    pub fn value(&self) -> Option<f64> {
        match self {
            Disparity::Value { value } => Some(*value),
            _ => None,
        }
    }
}

/// The rates of the non-empty groups and of all rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RateTable {
    /// Per non-empty group.
    pub groups: Vec<(BTreeMap<String, String>, GroupRates)>,
    /// All rows.
    pub overall: GroupRates,
}

impl RateTable {
    /// Rates of every non-empty group, each needing `min_rows` rows in its denominator.
    pub fn new(table: &GroupTable, min_rows: u64) -> RateTable {
        RateTable {
            groups: table
                .groups
                .iter()
                .filter(|g| !g.is_empty())
                .map(|g| {
                    (
                        g.group.clone(),
                        GroupRates::from_counts(&g.counts, min_rows),
                    )
                })
                .collect(),
            overall: GroupRates::from_counts(&table.overall, min_rows),
        }
    }

    /// The values of one rate across groups, or the groups lacking them.
    fn values(&self, kind: RateKind) -> Result<Vec<f64>, Disparity> {
        let mut missing = Vec::new();
        let mut values = Vec::new();
        for (g, r) in &self.groups {
            match r.get(kind) {
                Rate::Value { value, .. } => values.push(value),
                Rate::InsufficientEvidence { .. } => missing.push(g.clone()),
            }
        }
        if missing.is_empty() && !values.is_empty() {
            Ok(values)
        } else {
            Err(Disparity::InsufficientEvidence { groups: missing })
        }
    }

    /// fairlearn's `MetricFrame.difference(method)` for one rate.
    pub fn difference(&self, kind: RateKind, method: DisparityMethod) -> Disparity {
        let values = match self.values(kind) {
            Ok(v) => v,
            Err(d) => return d,
        };
        let value = match method {
            DisparityMethod::BetweenGroups => {
                let (lo, hi) = min_max(&values);
                hi - lo
            }
            DisparityMethod::ToOverall => match self.overall.get(kind).value() {
                Some(o) => values.iter().map(|v| (v - o).abs()).fold(0.0, f64::max),
                None => {
                    return Disparity::InsufficientEvidence { groups: Vec::new() };
                }
            },
        };
        Disparity::Value { value }
    }

    /// fairlearn's `MetricFrame.ratio(method)` for one rate.
    pub fn ratio(&self, kind: RateKind, method: DisparityMethod) -> Disparity {
        let values = match self.values(kind) {
            Ok(v) => v,
            Err(d) => return d,
        };
        let undefined = || Disparity::Undefined {
            reason: "the ratio is 0/0: the rate is zero where it is compared".into(),
        };
        match method {
            DisparityMethod::BetweenGroups => {
                let (lo, hi) = min_max(&values);
                if hi == 0.0 {
                    return undefined();
                }
                Disparity::Value { value: lo / hi }
            }
            DisparityMethod::ToOverall => {
                let Some(o) = self.overall.get(kind).value() else {
                    return Disparity::InsufficientEvidence { groups: Vec::new() };
                };
                let mut worst = f64::INFINITY;
                for v in values {
                    if v == 0.0 && o == 0.0 {
                        return undefined();
                    }
                    let r = if v == 0.0 || o == 0.0 {
                        0.0
                    } else {
                        (v / o).min(o / v)
                    };
                    worst = worst.min(r);
                }
                Disparity::Value { value: worst }
            }
        }
    }
}

fn min_max(values: &[f64]) -> (f64, f64) {
    values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        })
}

fn combine(a: Disparity, b: Disparity, agg: Aggregate, larger_is_worse: bool) -> Disparity {
    match (a, b) {
        (Disparity::Value { value: x }, Disparity::Value { value: y }) => Disparity::Value {
            value: match agg {
                Aggregate::WorstCase if larger_is_worse => x.max(y),
                Aggregate::WorstCase => x.min(y),
                Aggregate::Mean => (x + y) / 2.0,
            },
        },
        (
            Disparity::InsufficientEvidence { groups: mut g },
            Disparity::InsufficientEvidence { groups: h },
        ) => {
            for x in h {
                if !g.contains(&x) {
                    g.push(x);
                }
            }
            Disparity::InsufficientEvidence { groups: g }
        }
        (d @ Disparity::InsufficientEvidence { .. }, _)
        | (_, d @ Disparity::InsufficientEvidence { .. }) => d,
        // A 0/0 ratio means both rates are zero, so there is no disparity in that rate: the
        // other one decides. (fairlearn's worst case is Python's min over [TPR, FPR], which
        // returns NaN when the TPR ratio is NaN but the TPR value when the FPR ratio is NaN.)
        (Disparity::Undefined { .. }, d @ Disparity::Value { .. })
        | (d @ Disparity::Value { .. }, Disparity::Undefined { .. }) => d,
        (d @ Disparity::Undefined { .. }, Disparity::Undefined { .. }) => d,
    }
}

/// fairlearn's named disparities.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Disparities {
    /// Difference of selection rates.
    pub demographic_parity_difference: Disparity,
    /// Ratio of selection rates.
    pub demographic_parity_ratio: Disparity,
    /// Difference of TPR and FPR, aggregated.
    pub equalized_odds_difference: Disparity,
    /// Ratio of TPR and FPR, aggregated.
    pub equalized_odds_ratio: Disparity,
    /// Difference of TPR.
    pub equal_opportunity_difference: Disparity,
    /// Ratio of TPR.
    pub equal_opportunity_ratio: Disparity,
    /// Difference of FPR.
    pub false_positive_rate_difference: Disparity,
    /// Ratio of FPR.
    pub false_positive_rate_ratio: Disparity,
}

impl Disparities {
    /// All named disparities of a rate table.
    pub fn new(rates: &RateTable, method: DisparityMethod, agg: Aggregate) -> Disparities {
        use RateKind::*;
        Disparities {
            demographic_parity_difference: rates.difference(SelectionRate, method),
            demographic_parity_ratio: rates.ratio(SelectionRate, method),
            equalized_odds_difference: combine(
                rates.difference(Tpr, method),
                rates.difference(Fpr, method),
                agg,
                true,
            ),
            equalized_odds_ratio: combine(
                rates.ratio(Tpr, method),
                rates.ratio(Fpr, method),
                agg,
                false,
            ),
            equal_opportunity_difference: rates.difference(Tpr, method),
            equal_opportunity_ratio: rates.ratio(Tpr, method),
            false_positive_rate_difference: rates.difference(Fpr, method),
            false_positive_rate_ratio: rates.ratio(Fpr, method),
        }
    }
}

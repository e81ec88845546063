//! Data quality of current data against the reference profile: missing share, values of the
//! wrong type, values outside the reference range, categories the reference never had, and
//! columns that became constant; each check has a threshold and a verdict.

use serde::{Deserialize, Serialize};

use crate::profile::{ColumnSummary, ReferenceProfile};
use crate::table::{ColumnValues, Table};

/// Thresholds of the data-quality checks (shares of the current rows).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualityThresholds {
    /// Allowed rise of the missing share over the reference's.
    pub missing_share_increase: f64,
    /// Largest share of cells of the wrong type (text in a numeric column).
    pub wrong_type_share: f64,
    /// Largest share of numbers outside the reference's [min, max] (infinities included).
    pub out_of_range_share: f64,
    /// Largest share of values in categories the reference never had.
    pub new_category_share: f64,
}

impl Default for QualityThresholds {
    fn default() -> Self {
        QualityThresholds {
            missing_share_increase: 0.05,
            wrong_type_share: 0.0,
            out_of_range_share: 0.01,
            new_category_share: 0.01,
        }
    }
}

/// Which check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QualityCheckKind {
    /// Share of missing cells, against the reference share plus the allowed increase.
    MissingShare,
    /// Share of cells that are not numbers in a numeric column.
    WrongType,
    /// Share of numbers outside the reference range.
    OutOfRange,
    /// Share of values in new categories.
    NewCategories,
    /// Whether the column became constant: the value is 1 when the current column holds a
    /// single value (else 2), and the check fails at 1 when the reference held several.
    Constant,
}

/// One check's outcome.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QualityCheck {
    /// The check.
    pub check: QualityCheckKind,
    /// The measured value.
    pub value: f64,
    /// The limit it was compared with.
    pub threshold: f64,
    /// Whether the value is within the limit.
    pub passed: bool,
}

/// All checks of one column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColumnQuality {
    /// The column.
    pub column: String,
    /// Current rows.
    pub rows: usize,
    /// The checks.
    pub checks: Vec<QualityCheck>,
    /// Whether every check passed.
    pub passed: bool,
}

fn check(kind: QualityCheckKind, value: f64, threshold: f64) -> QualityCheck {
    QualityCheck {
        check: kind,
        value,
        threshold,
        passed: value <= threshold,
    }
}

/// Checks every profiled column present in the current table (read with the profile's types,
/// so text in numeric columns is counted as the wrong type).
pub fn data_quality(
    profile: &ReferenceProfile,
    current: &Table,
    thresholds: &QualityThresholds,
) -> Vec<ColumnQuality> {
    let share = |n: u64, total: usize| {
        if total == 0 {
            0.0
        } else {
            n as f64 / total as f64
        }
    };
    let by_name: std::collections::HashMap<&str, &crate::table::Column> = current
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c))
        .collect();
    profile
        .columns
        .iter()
        .filter_map(|reference| {
            let column = *by_name.get(reference.name.as_str())?;
            let rows = current.rows;
            let reference_missing = share(reference.missing, profile.rows as usize);
            let mut checks = vec![check(
                QualityCheckKind::MissingShare,
                share(column.missing(), rows),
                (reference_missing + thresholds.missing_share_increase).min(1.0),
            )];
            match (&reference.summary, &column.values) {
                (
                    ColumnSummary::Numeric(p),
                    ColumnValues::Numeric {
                        values, invalid, ..
                    },
                ) => {
                    checks.push(check(
                        QualityCheckKind::WrongType,
                        share(*invalid, rows),
                        thresholds.wrong_type_share,
                    ));
                    let outside = match (p.min, p.max) {
                        (Some(lo), Some(hi)) => values
                            .iter()
                            .filter(|v| !v.is_nan() && (**v < lo || **v > hi))
                            .count() as u64,
                        _ => 0,
                    };
                    checks.push(check(
                        QualityCheckKind::OutOfRange,
                        share(outside, rows),
                        thresholds.out_of_range_share,
                    ));
                    let reference_varied = p.distribution.values.len() > 1;
                    let mut present = values.iter().filter(|v| v.is_finite());
                    let first = present.next().copied();
                    let constant = first.is_some_and(|f| present.all(|v| *v == f));
                    checks.push(QualityCheck {
                        check: QualityCheckKind::Constant,
                        value: if constant { 1.0 } else { 2.0 },
                        threshold: 2.0,
                        passed: !(reference_varied && constant),
                    });
                }
                (ColumnSummary::Categorical(c), ColumnValues::Categorical(labels)) => {
                    let new = labels
                        .iter()
                        .flatten()
                        .filter(|l| !c.counts.contains_key(*l))
                        .count() as u64;
                    checks.push(check(
                        QualityCheckKind::NewCategories,
                        share(new, rows),
                        thresholds.new_category_share,
                    ));
                    let reference_varied = c.counts.len() > 1;
                    let mut present = labels.iter().flatten();
                    let first = present.next();
                    let constant = first.is_some_and(|f| present.all(|l| l == f));
                    checks.push(QualityCheck {
                        check: QualityCheckKind::Constant,
                        value: if constant { 1.0 } else { 2.0 },
                        threshold: 2.0,
                        passed: !(reference_varied && constant),
                    });
                }
                // A type change is itself a wrong-type finding for every present cell.
                _ => checks.push(check(
                    QualityCheckKind::WrongType,
                    1.0 - share(column.missing(), rows),
                    thresholds.wrong_type_share,
                )),
            }
            let passed = checks.iter().all(|c| c.passed);
            Some(ColumnQuality {
                column: reference.name.clone(),
                rows,
                checks,
                passed,
            })
        })
        .collect()
}

//! Group fairness audits for aigov: evidence that a security model does not flag some user
//! groups disproportionately, with fairlearn's and AIF360's definitions.
//!
//! - [`group_counts`]: weighted confusion counts per group in one pass; intersections of
//!   several sensitive columns list every cell of the product, empty ones included.
//! - [`GroupRates`]: selection rate, TPR, FPR, FNR, TNR, precision and accuracy, where a rate
//!   without enough rows behind it is [`Rate::InsufficientEvidence`], never 0.
//! - [`Disparities`]: fairlearn's named differences and ratios (`between_groups` or
//!   `to_overall`, equalized odds with `worst_case` or `mean`).
//! - [`SignedMetrics`]: AIF360's metrics against a privileged group; the generalized entropy
//!   and Theil indices.
//!
//! ```
//! use aigov_fairness::{Aggregate, Disparities, DisparityMethod, RateTable, SensitiveColumn, group_counts};
//!
//! let truth = [true, false, false, true, false, false];
//! let flagged = [true, true, false, true, false, false];
//! let region: Vec<String> = ["eu", "eu", "eu", "us", "us", "us"].map(String::from).to_vec();
//! let table = group_counts(&truth, &flagged, &[SensitiveColumn { name: "region", values: &region }], None).unwrap();
//! let rates = RateTable::new(&table, 1);
//! let d = Disparities::new(&rates, DisparityMethod::BetweenGroups, Aggregate::WorstCase);
//! assert_eq!(d.false_positive_rate_difference.value(), Some(0.5));
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod aif360;
mod bootstrap;
mod counts;
mod disparity;
mod error;
mod intervals;
mod metrics;
mod report;
mod verdict;

pub use aif360::{SignedMetrics, generalized_entropy_index, theil_index};
pub use bootstrap::{MIN_RESAMPLES, bootstrap_interval};
pub use counts::{
    CodedColumn, ConfusionCounts, GroupCounts, GroupTable, SensitiveColumn, group_counts,
    group_counts_coded,
};
pub use disparity::{Aggregate, Disparities, Disparity, DisparityMethod, RateTable};
pub use error::FairnessError;
pub use intervals::{
    Interval, benjamini_hochberg, chi2_homogeneity, fisher_exact, holm, katz, kish_effective_n,
    newcombe, wilson, z_for,
};
pub use metrics::{GroupRates, Rate, RateKind};
pub use report::{FairnessReport, GroupFigures, RateWithInterval};
pub use verdict::{
    AuditConfig, Direction, Rule, RuleMetric, RuleOutcome, Verdict, judge, overall_verdict,
};

//! Drift statistics for aigov, written to reproduce scipy's numbers (and Evidently's usage of
//! them) on the same data. This first part holds the distance and categorical tests and the
//! two-sample Kolmogorov-Smirnov statistic with its exact p-value; the asymptotic KS p-value,
//! Anderson-Darling, t and Mann-Whitney tests, reference profiles and monitors follow.
//!
//! ```
//! let d = aigov_drift::wasserstein(&[0.1, 0.5, 0.9, 1.3, 2.0], &[0.2, 0.4, 1.5, 2.5, 3.0, 3.5]).unwrap();
//! assert!((d - 0.9166666666666667).abs() < 1e-15);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod anderson;
mod binning;
mod categorical;
mod default_mode;
mod error;
mod evidently;
mod kolmogorov;
mod kpi;
mod ks;
mod location;
mod method;
mod monitor;
mod numeric;
mod profile;
mod quality;
mod report;
mod sample;
mod smirnov;
pub mod stream;
mod table;

pub use anderson::{AndersonDarling, PValueClamp, anderson_ksamp};
pub use binning::{fill_zero_shares, histogram, sturges_edges};
pub use categorical::{
    ChiSquare, ZTest, chi2_homogeneity, chisquare_evidently, hellinger, jensenshannon,
    kl_divergence, two_proportion_z,
};
pub use default_mode::{EffectSize, default_method};
pub use error::DriftError;
pub use evidently::{
    MethodScore, evidently_default_method, evidently_score, evidently_score_typed,
};
pub use kolmogorov::kstwo_sf;
pub use kpi::{
    Feedback, KpiLimits, KpiWindow, RateEstimate, alert_kpis, parse_flag, wilson_interval,
};
pub use ks::{
    KS_MAX_AUTO_N, KsMethod, KsStatistic, KsTest, ks_2samp, ks_asymp_pvalue, ks_exact_pvalue,
    ks_statistic,
};
pub use location::{
    MannWhitney, MannWhitneyMethod, WelchT, mann_whitney_u, mann_whitney_u_one_sided_less,
    student_t_test, welch_t_test,
};
pub use method::{ALL_METHODS, Method};
pub use monitor::{Alert, DriftMonitor, MonitorConfig, Rule, Severity, Window, WindowOutcome};
pub use numeric::{wasserstein, wasserstein_normed};
pub use profile::{
    CategoricalProfile, ColumnProfile, ColumnSummary, Moments, NumericProfile, PROFILE_VERSION,
    ProfileOptions, Quantile, ReferenceBins, ReferenceProfile, ValueDistribution,
};
pub use quality::{ColumnQuality, QualityCheck, QualityCheckKind, QualityThresholds, data_quality};
pub use report::{
    ColumnDrift, DriftOptions, DriftReport, Mode, ReferenceColumn, compare_profile, compare_tables,
    drift_report, profile_types,
};
pub use sample::{ColumnType, Sample};
pub use table::{Column, ColumnValues, MISSING_TOKENS, Table};

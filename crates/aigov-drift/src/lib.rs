//! Drift, data-quality and alert-KPI monitoring for aigov.
//!
//! - **Statistics** reproducing scipy on the same data: two-sample KS with scipy's exact and
//!   finite-n asymptotic p-values ([`ks_2samp`], [`kstwo_sf`]), k-sample Anderson-Darling,
//!   Welch and Student t, two-sided Mann-Whitney, chi-square (goodness of fit and
//!   homogeneity), Wasserstein, Jensen-Shannon, KL, Hellinger, two-proportion z.
//! - **Two modes** ([`Mode`]): `evidently` reproduces Evidently 0.7's scores, method choice,
//!   binning and thresholds ([`evidently_score`]); the default mode fits bins on the reference,
//!   counts new categories, gives PSI a sample-size-aware threshold, reports effect sizes and
//!   adjusts p-values across columns (Benjamini-Hochberg).
//! - **Reference profiles** ([`ReferenceProfile`]): fitted once, saved as versioned JSON,
//!   merged across partitions, scored without the reference rows.
//! - **Data quality** ([`data_quality`]), **alert KPIs** with Wilson intervals ([`alert_kpis`]),
//!   **streaming detectors** matching river ([`stream`]), and the **monitor**
//!   ([`DriftMonitor`]) with alerts and Prometheus metrics.
//!
//! ```
//! use aigov_drift::{DriftOptions, ReferenceColumn, Sample, drift_report};
//!
//! let reference = Sample::numeric((0..500).map(|i| f64::from(i % 97)));
//! let current = Sample::numeric((0..500).map(|i| f64::from(i % 97) + 30.0));
//! let pairs = vec![(ReferenceColumn::from_sample("latency_ms", reference, 10), current)];
//! let report = drift_report(pairs, &DriftOptions::default()).unwrap();
//! assert!(report.columns[0].drifted && report.dataset_drifted);
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
pub use binning::{fill_zero_shares, histogram, population_stability, sturges_edges};
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
    CategoricalProfile, ColumnProfile, ColumnSummary, MAX_PROFILE_ROWS, MAX_QUANTILE_BINS, Moments,
    NumericProfile, PROFILE_VERSION, ProfileOptions, Quantile, ReferenceBins, ReferenceProfile,
    ValueDistribution,
};
pub use quality::{ColumnQuality, QualityCheck, QualityCheckKind, QualityThresholds, data_quality};
pub use report::{
    ColumnDrift, DriftOptions, DriftReport, Mode, ReferenceColumn, compare_profile, compare_tables,
    drift_report, profile_types,
};
pub use sample::{ColumnType, Sample};
pub use table::{Column, ColumnValues, MISSING_TOKENS, Table};

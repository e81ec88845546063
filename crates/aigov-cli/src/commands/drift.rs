//! `aigov drift`: compare current data with a reference (rows or a saved profile), fit and
//! merge reference profiles, and compute alert KPIs from labelled feedback.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use aigov_drift::{
    ColumnType, DriftError, DriftOptions, DriftReport, Feedback, KpiLimits, Method, Mode,
    ProfileOptions, ReferenceProfile, Table, alert_kpis, compare_profile, compare_tables,
    parse_flag, profile_types,
};
use clap::{Args, Subcommand, ValueEnum};

use crate::failure::Failure;

/// Arguments of `aigov drift`.
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct DriftArgs {
    #[command(subcommand)]
    command: Option<DriftCommand>,
    #[command(flatten)]
    compare: CompareArgs,
}

/// `aigov drift profile` and `aigov drift kpi`.
#[derive(Subcommand, Debug)]
pub enum DriftCommand {
    /// Fit a reference profile on a CSV file (or merge saved profiles) and write it as JSON.
    Profile(ProfileArgs),
    /// False-positive rate, false-negative rate and precision of alerts, per window.
    Kpi(KpiArgs),
    /// Data quality of current data against the reference: missing share, wrong types,
    /// out-of-range values, new categories, constant columns.
    Quality(QualityArgs),
}

/// Arguments of `aigov drift quality`.
#[derive(Args, Debug)]
pub struct QualityArgs {
    /// Reference data (CSV with headers).
    #[arg(long, conflicts_with = "profile", required_unless_present = "profile")]
    reference: Option<PathBuf>,
    /// A saved reference profile.
    #[arg(long)]
    profile: Option<PathBuf>,
    /// Current data (CSV with headers).
    #[arg(long)]
    current: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    types: TypeArgs,
}

/// Column typing shared by the commands that read CSV.
#[derive(Args, Debug, Default)]
struct TypeArgs {
    /// Columns to treat as categorical even when their values are numbers.
    #[arg(long, value_delimiter = ',')]
    categorical: Vec<String>,
    /// Columns to treat as numeric (other text counts as invalid values).
    #[arg(long, value_delimiter = ',')]
    numeric: Vec<String>,
}

impl TypeArgs {
    fn types(&self) -> BTreeMap<String, ColumnType> {
        self.categorical
            .iter()
            .map(|c| (c.clone(), ColumnType::Categorical))
            .chain(
                self.numeric
                    .iter()
                    .map(|c| (c.clone(), ColumnType::Numeric)),
            )
            .collect()
    }
}

/// Compatibility modes.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum Compat {
    /// Reproduce Evidently 0.7's numbers, quirks included.
    Evidently,
}

#[derive(Args, Debug)]
struct CompareArgs {
    /// Reference data (CSV with headers).
    #[arg(long, conflicts_with = "profile", required_unless_present = "profile")]
    reference: Option<PathBuf>,
    /// A saved reference profile (from `aigov drift profile`).
    #[arg(long)]
    profile: Option<PathBuf>,
    /// Current data (CSV with headers).
    #[arg(long)]
    current: Option<PathBuf>,
    /// Only these columns, comma-separated.
    #[arg(long, value_delimiter = ',')]
    columns: Vec<String>,
    /// One method for every column: ks, chisquare, z, wasserstein, psi, kl_div,
    /// jensenshannon, hellinger, anderson, t_test, mannw.
    #[arg(long)]
    method: Option<String>,
    /// Threshold for the method (p-value level or distance).
    #[arg(long)]
    threshold: Option<f64>,
    /// Reproduce another tool's numbers.
    #[arg(long, value_enum)]
    compat: Option<Compat>,
    /// Significance level after Benjamini-Hochberg (default mode).
    #[arg(long, default_value_t = 0.05)]
    alpha: f64,
    /// Share of drifted columns at which the dataset drifts.
    #[arg(long, default_value_t = 0.5)]
    drift_share: f64,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    types: TypeArgs,
}

/// Arguments of `aigov drift profile`.
#[derive(Args, Debug)]
pub struct ProfileArgs {
    /// Reference data (CSV with headers).
    #[arg(long, required_unless_present = "merge", conflicts_with = "merge")]
    reference: Option<PathBuf>,
    /// Merge these saved profiles (of partitions of one dataset) instead.
    #[arg(long, num_args = 2..)]
    merge: Vec<PathBuf>,
    /// Where to write the profile.
    #[arg(long)]
    out: PathBuf,
    /// Most distinct values kept per numeric column before values are rounded.
    #[arg(long, default_value_t = ProfileOptions::default().max_distinct)]
    max_distinct: usize,
    /// Quantile bins fitted per numeric column.
    #[arg(long, default_value_t = ProfileOptions::default().quantile_bins)]
    bins: usize,
    #[command(flatten)]
    types: TypeArgs,
}

/// Arguments of `aigov drift kpi`.
#[derive(Args, Debug)]
pub struct KpiArgs {
    /// Labelled feedback (CSV with headers).
    #[arg(long)]
    feedback: PathBuf,
    /// The column saying whether the model alerted (1/0, true/false, yes/no).
    #[arg(long)]
    alert: String,
    /// The column saying whether the case was truly malicious.
    #[arg(long)]
    label: String,
    /// Rows per window (0: one window over all rows).
    #[arg(long, default_value_t = 0)]
    window: usize,
    /// Alarm when the false-positive rate interval lies above this.
    #[arg(long)]
    max_fpr: Option<f64>,
    /// Alarm when the false-negative rate interval lies above this.
    #[arg(long)]
    max_fnr: Option<f64>,
    /// Alarm when the precision interval lies below this.
    #[arg(long)]
    min_precision: Option<f64>,
    /// Confidence of the Wilson intervals.
    #[arg(long, default_value_t = 0.95)]
    confidence: f64,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl From<DriftError> for Failure {
    fn from(e: DriftError) -> Self {
        Failure::BadInput(e.to_string())
    }
}

/// Runs `aigov drift`.
pub fn run(args: DriftArgs) -> Result<(), Failure> {
    match args.command {
        Some(DriftCommand::Profile(p)) => profile(&p),
        Some(DriftCommand::Kpi(k)) => kpi(&k),
        Some(DriftCommand::Quality(q)) => quality(&q),
        None => compare(&args.compare),
    }
}

fn compare(args: &CompareArgs) -> Result<(), Failure> {
    let current_path = args
        .current
        .as_ref()
        .ok_or_else(|| Failure::BadInput("--current is required".into()))?;
    let method = args.method.as_deref().map(Method::parse).transpose()?;
    for (name, v) in [("--alpha", args.alpha), ("--drift-share", args.drift_share)] {
        if !(v > 0.0 && v <= 1.0) {
            return Err(Failure::BadInput(format!(
                "{name} must be in (0, 1], not {v}"
            )));
        }
    }
    let options = DriftOptions {
        mode: match args.compat {
            Some(Compat::Evidently) => Mode::Evidently,
            None => Mode::Default,
        },
        method,
        threshold: args.threshold,
        alpha: args.alpha,
        drift_share: args.drift_share,
        ..DriftOptions::default()
    };
    let columns = (!args.columns.is_empty()).then_some(args.columns.as_slice());
    let given = args.types.types();
    let report = if let Some(path) = &args.profile {
        let profile = read_profile(path)?;
        let mut types = profile_types(&profile);
        types.extend(given);
        let current = Table::read_csv(current_path, &types)?;
        compare_profile(&profile, current, columns, &options)?
    } else {
        let reference_path = args
            .reference
            .as_ref()
            .ok_or_else(|| Failure::BadInput("--reference or --profile is required".into()))?;
        let (reference, current) = read_pair(reference_path, current_path, &given)?;
        compare_tables(reference, current, columns, &options)?
    };
    print_report(&report, args.json)?;
    if !report.quality_failures.is_empty() {
        return Err(Failure::Negative(format!(
            "data quality: {}",
            report.quality_failures.join("; ")
        )));
    }
    if report.dataset_drifted {
        Err(Failure::Negative(format!(
            "dataset drift: {} of {} columns drifted",
            report.drifted_columns,
            report.columns.len()
        )))
    } else {
        Ok(())
    }
}

/// Reads both files at once (one per core); when the current data was typed differently
/// from the reference, it is read again with the reference's types.
fn read_pair(
    reference_path: &Path,
    current_path: &Path,
    given: &BTreeMap<String, ColumnType>,
) -> Result<(Table, Table), Failure> {
    let (r, c) = std::thread::scope(|s| {
        let r = s.spawn(|| Table::read_csv(reference_path, given));
        let c = Table::read_csv(current_path, given);
        (r.join(), c)
    });
    let reference = r.map_err(|_| Failure::Internal("the CSV reader panicked".into()))??;
    let current = c?;
    let types: BTreeMap<String, ColumnType> = reference
        .columns
        .iter()
        .map(|c| (c.name.clone(), c.column_type()))
        .collect();
    let mismatch = current
        .columns
        .iter()
        .any(|c| types.get(&c.name).is_some_and(|t| *t != c.column_type()));
    let current = if mismatch {
        Table::read_csv(current_path, &types)?
    } else {
        current
    };
    Ok((reference, current))
}

fn read_profile(path: &Path) -> Result<ReferenceProfile, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))?;
    ReferenceProfile::from_json(&text)
        .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))
}

fn print_report(report: &DriftReport, json: bool) -> Result<(), Failure> {
    if json {
        println!("{}", serde_json::to_string_pretty(report)?);
        return Ok(());
    }
    let number = |v: f64| {
        if v.is_finite() && v != 0.0 && (v.abs() < 1e-3 || v.abs() >= 1e5) {
            format!("{v:.3e}")
        } else {
            format!("{v:.4}")
        }
    };
    println!(
        "{:<24} {:<12} {:<14} {:>11} {:>11} {:>11} {:>8}",
        "column", "type", "method", "statistic", "p-value", "threshold", "drifted"
    );
    for c in &report.columns {
        let kind = match c.column_type {
            ColumnType::Numeric => "numeric",
            ColumnType::Categorical => "categorical",
        };
        let p = c.p_value_adjusted.or(c.p_value).map_or("-".into(), number);
        println!(
            "{:<24} {:<12} {:<14} {:>11} {:>11} {:>11} {:>8}",
            c.column,
            kind,
            c.method.name(),
            number(c.statistic),
            p,
            number(c.threshold),
            if c.drifted { "yes" } else { "no" }
        );
    }
    println!(
        "{} of {} columns drifted ({:.1}%); dataset drift: {}",
        report.drifted_columns,
        report.columns.len(),
        100.0 * report.drift_share,
        if report.dataset_drifted { "yes" } else { "no" }
    );
    for w in &report.warnings {
        println!("warning: {w}");
    }
    for f in &report.quality_failures {
        println!("data quality: {f}");
    }
    Ok(())
}

fn profile(args: &ProfileArgs) -> Result<(), Failure> {
    if args.bins == 0 || args.bins > aigov_drift::MAX_QUANTILE_BINS || args.max_distinct == 0 {
        return Err(Failure::BadInput(format!(
            "--bins must be 1 to {} and --max-distinct positive",
            aigov_drift::MAX_QUANTILE_BINS
        )));
    }
    let options = ProfileOptions {
        max_distinct: args.max_distinct,
        quantile_bins: args.bins,
    };
    let profile = if args.merge.is_empty() {
        let path = args
            .reference
            .as_ref()
            .ok_or_else(|| Failure::BadInput("--reference or --merge is required".into()))?;
        let table = Table::read_csv(path, &args.types.types())?;
        ReferenceProfile::fit(&table, &options)
    } else {
        let mut merged: Option<ReferenceProfile> = None;
        for path in &args.merge {
            let next = read_profile(path)?;
            merged = Some(match merged {
                None => next,
                Some(m) => m.merge(&next)?,
            });
        }
        merged.ok_or_else(|| Failure::BadInput("nothing to merge".into()))?
    };
    std::fs::write(&args.out, profile.to_json())
        .map_err(|e| Failure::BadInput(format!("{}: {e}", args.out.display())))?;
    let approximate = profile
        .columns
        .iter()
        .filter(|c| !c.is_exact())
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>();
    println!(
        "profile of {} rows and {} columns written to {}",
        profile.rows,
        profile.columns.len(),
        args.out.display()
    );
    if !approximate.is_empty() {
        println!(
            "note: more than {} distinct values in {}; values rounded, scores against this profile are approximate",
            options.max_distinct,
            approximate.join(", ")
        );
    }
    Ok(())
}

fn kpi(args: &KpiArgs) -> Result<(), Failure> {
    let bad = |m: String| Failure::BadInput(format!("{}: {m}", args.feedback.display()));
    let mut reader = csv::Reader::from_path(&args.feedback).map_err(|e| bad(e.to_string()))?;
    let headers = reader.headers().map_err(|e| bad(e.to_string()))?.clone();
    let index = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| bad(format!("no column {name:?}")))
    };
    let (alert, label) = (index(&args.alert)?, index(&args.label)?);
    let mut feedback = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let record = record.map_err(|e| bad(e.to_string()))?;
        let flag = |i: usize, name: &str| {
            let cell = record.get(i).unwrap_or("");
            parse_flag(cell).ok_or_else(|| {
                bad(format!(
                    "row {}: {name} {cell:?} is not 1/0, true/false or yes/no",
                    row + 1
                ))
            })
        };
        feedback.push(Feedback {
            alert: flag(alert, &args.alert)?,
            label: flag(label, &args.label)?,
        });
    }
    let limits = KpiLimits {
        max_false_positive_rate: args.max_fpr,
        max_false_negative_rate: args.max_fnr,
        min_precision: args.min_precision,
        confidence: args.confidence,
    };
    let windows = alert_kpis(&feedback, args.window, &limits)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&windows)?);
    } else {
        let show = |r: &aigov_drift::RateEstimate| match (r.rate, r.lower, r.upper) {
            (Some(p), Some(l), Some(u)) => format!("{p:.4} [{l:.4}, {u:.4}]"),
            _ => "n/a (no cases)".into(),
        };
        for w in &windows {
            println!(
                "window {} (rows {}-{}): TP {} FP {} TN {} FN {}",
                w.window,
                w.first_row + 1,
                w.first_row + w.rows,
                w.tp,
                w.fp,
                w.tn,
                w.fn_
            );
            println!("  false-positive rate {}", show(&w.false_positive_rate));
            println!("  false-negative rate {}", show(&w.false_negative_rate));
            println!("  precision           {}", show(&w.precision));
            for a in &w.alarms {
                println!("  ALARM: {a}");
            }
        }
    }
    let alarms: usize = windows.iter().map(|w| w.alarms.len()).sum();
    if alarms > 0 {
        Err(Failure::Negative(format!("{alarms} KPI alarm(s)")))
    } else {
        Ok(())
    }
}

fn quality(args: &QualityArgs) -> Result<(), Failure> {
    let profile = match (&args.profile, &args.reference) {
        (Some(path), _) => read_profile(path)?,
        (None, Some(path)) => {
            let table = Table::read_csv(path, &args.types.types())?;
            ReferenceProfile::fit(&table, &ProfileOptions::default())
        }
        (None, None) => {
            return Err(Failure::BadInput(
                "--reference or --profile is required".into(),
            ));
        }
    };
    let mut types = profile_types(&profile);
    types.extend(args.types.types());
    let current = Table::read_csv(&args.current, &types)?;
    let columns = aigov_drift::data_quality(
        &profile,
        &current,
        &aigov_drift::QualityThresholds::default(),
    );
    if args.json {
        println!("{}", serde_json::to_string_pretty(&columns)?);
    } else {
        for c in &columns {
            let failed: Vec<String> = c
                .checks
                .iter()
                .filter(|k| !k.passed)
                .map(|k| format!("{:?} {:.4} > {:.4}", k.check, k.value, k.threshold))
                .collect();
            if failed.is_empty() {
                println!("{:<24} ok", c.column);
            } else {
                println!("{:<24} FAILED: {}", c.column, failed.join("; "));
            }
        }
    }
    let failed = columns.iter().filter(|c| !c.passed).count();
    if failed > 0 {
        Err(Failure::Negative(format!(
            "data quality: {failed} of {} columns failed",
            columns.len()
        )))
    } else {
        Ok(())
    }
}

//! `aigov monitor`: score a batch of current data against a version's drift baseline; alerts
//! are audited, warnings request a review and a critical alert opens an incident whose
//! playbook runs its automatic steps.

use std::path::PathBuf;

use aigov::governor::{AlertResponse, MonitorSettings};
use aigov_core::{Action, ModelRef};
use aigov_drift::{
    DriftOptions, MonitorConfig, QualityThresholds, Rule, Table, Window, profile_types,
};
use aigov_incident::{IncidentKind, Severity};
use clap::{Args, ValueEnum};
use serde_json::json;

use crate::failure::Failure;
use crate::store::GlobalArgs;

/// What a critical alert leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OnCritical {
    /// Open a drift-failure incident (its playbook rolls back and suspends).
    Incident,
    /// Request a human review.
    Review,
    /// Audit the alert only.
    Record,
}

/// `aigov monitor`.
#[derive(Args, Debug)]
pub struct MonitorArgs {
    /// The version monitored.
    #[arg(long)]
    pub model: String,
    /// Current data (CSV with the baseline's columns).
    #[arg(long)]
    pub current: PathBuf,
    /// Rows per window (default: the whole file is one window); rows left over after the
    /// last full window are scored as a shorter last window.
    #[arg(long)]
    pub window: Option<usize>,
    /// What a critical alert (the dataset drifted) leads to.
    #[arg(long, value_enum, default_value_t = OnCritical::Incident)]
    pub on_critical: OnCritical,
    /// Print the outcome as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `aigov monitor`; exit 1 when an alert was raised.
pub fn run(global: &GlobalArgs, args: &MonitorArgs) -> Result<(), Failure> {
    let governor = global.governor()?;
    let principal = global.principal(&governor, Action::Monitor)?;
    let reference: ModelRef = args
        .model
        .parse()
        .map_err(|e| Failure::BadInput(format!("--model {:?}: {e}", args.model)))?;
    let profile = governor.drift_baseline(&reference)?;
    let batch = Table::read_csv(&args.current, &profile_types(&profile))
        .map_err(|e| Failure::BadInput(e.to_string()))?;
    if batch.rows == 0 {
        return Err(Failure::BadInput(format!(
            "{}: no rows",
            args.current.display()
        )));
    }
    let window = args.window.unwrap_or(batch.rows).max(1);
    governor.start_monitor(
        &principal,
        &reference,
        MonitorSettings {
            config: MonitorConfig {
                window: Window::Rows(window),
                drift: DriftOptions::default(),
                quality: QualityThresholds::default(),
                rules: vec![
                    Rule::ColumnDrift { column: None },
                    Rule::DatasetDrift,
                    Rule::DataQuality { column: None },
                ],
                cooldown: chrono::Duration::zero(),
            },
            on_warning: AlertResponse::RequestReview,
            on_critical: match args.on_critical {
                OnCritical::Incident => AlertResponse::OpenIncident {
                    kind: IncidentKind::DriftFailure,
                    severity: Severity::Critical,
                },
                OnCritical::Review => AlertResponse::RequestReview,
                OnCritical::Record => AlertResponse::Record,
            },
        },
    )?;
    let report = governor.monitor_all(&principal, &reference, batch, chrono::Utc::now())?;
    if args.json {
        let windows: Vec<_> = report
            .windows
            .iter()
            .map(|w| {
                json!({
                    "window": w.window,
                    "rows": w.rows,
                    "drifted_columns": w.report.as_ref().map(|r| r.drifted_columns),
                    "dataset_drifted": w.report.as_ref().map(|r| r.dataset_drifted),
                })
            })
            .collect();
        let alerts: Vec<_> = report
            .alerts
            .iter()
            .map(|(index, message)| json!({"audit_index": index, "message": message}))
            .collect();
        let out = json!({
            "windows": windows,
            "alerts": alerts,
            "reviews_requested": report.reviews,
            "incidents": report.incidents,
            "contained": report.contained,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        for w in &report.windows {
            match &w.report {
                Some(r) => println!(
                    "window {} ({} rows): {} column(s) drifted, dataset drifted: {}",
                    w.window, w.rows, r.drifted_columns, r.dataset_drifted
                ),
                None => println!("window {} ({} rows): could not be scored", w.window, w.rows),
            }
        }
        for (index, message) in &report.alerts {
            println!("alert (audit index {index}): {message}");
        }
        for id in &report.incidents {
            println!("incident opened: {id}");
        }
        for change in &report.contained {
            println!("  {change}");
        }
    }
    if report.alerts.is_empty() {
        Ok(())
    } else {
        Err(Failure::Negative(format!(
            "{} alert(s) on {}",
            report.alerts.len(),
            args.model
        )))
    }
}

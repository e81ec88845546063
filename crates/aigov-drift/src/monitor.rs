//! The drift monitor: batches of current data are collected into windows (by row count or by
//! time), each window is scored against the reference profile and checked for data quality,
//! rules turn the results into alert records (with a cooldown per alert fingerprint, so a
//! persisting condition alerts once per cooldown), and the alerts go to a callback so the
//! caller can open a review or an incident. The latest figures are kept as Prometheus metrics.

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;

use chrono::{DateTime, Duration, Utc};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use serde::{Deserialize, Serialize};

use crate::quality::{ColumnQuality, QualityThresholds, data_quality};
use crate::report::{DriftOptions, DriftReport, compare_profile};
use crate::{DriftError, ReferenceProfile, Table};

/// How rows are grouped into windows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    /// Every `n` rows form a window.
    Rows(usize),
    /// Batches whose time falls into the same span form a window.
    Time(Duration),
}

/// What raises an alert.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    /// A column drifted (this one, or any when `column` is `None`).
    ColumnDrift {
        /// The column, or every column.
        column: Option<String>,
    },
    /// The dataset drifted (the share of drifted columns reached the drift share).
    DatasetDrift,
    /// A data-quality check failed (in this column, or any).
    DataQuality {
        /// The column, or every column.
        column: Option<String>,
    },
}

/// How urgent an alert is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// One column or one check.
    Warning,
    /// The dataset as a whole, or a window that could not be scored.
    Critical,
}

/// One alert handed to the callback.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// Identifies the condition (rule and column); the cooldown applies per fingerprint.
    pub fingerprint: String,
    /// How urgent.
    pub severity: Severity,
    /// The column, for column rules.
    pub column: Option<String>,
    /// What happened, in words.
    pub message: String,
    /// The window (0-based).
    pub window: usize,
    /// Time of the first batch of the window.
    pub window_start: DateTime<Utc>,
    /// Time of the batch that closed the window.
    pub window_end: DateTime<Utc>,
}

/// What one closed window showed.
#[derive(Clone, Debug, PartialEq)]
pub struct WindowOutcome {
    /// The window (0-based).
    pub window: usize,
    /// Rows scored.
    pub rows: usize,
    /// The drift report (`None` when the window could not be scored).
    pub report: Option<DriftReport>,
    /// Data quality per column.
    pub quality: Vec<ColumnQuality>,
    /// Alerts raised (and handed to the callback).
    pub alerts: Vec<Alert>,
    /// Alerts held back by the cooldown.
    pub suppressed: usize,
}

/// Settings of a monitor.
#[derive(Clone, Debug)]
pub struct MonitorConfig {
    /// How windows are formed.
    pub window: Window,
    /// How each window is scored.
    pub drift: DriftOptions,
    /// Data-quality thresholds.
    pub quality: QualityThresholds,
    /// The alert rules.
    pub rules: Vec<Rule>,
    /// Minimum time between two alerts with the same fingerprint.
    pub cooldown: Duration,
}

type Labels = Vec<(String, String)>;

/// The monitor's Prometheus metrics.
struct Metrics {
    registry: Registry,
    statistic: Family<Labels, Gauge<f64, AtomicU64>>,
    p_value: Family<Labels, Gauge<f64, AtomicU64>>,
    drifted: Family<Labels, Gauge>,
    quality_passed: Family<Labels, Gauge>,
    drift_share: Gauge<f64, AtomicU64>,
    dataset_drifted: Gauge,
    window_rows: Gauge,
    scoring_failed: Gauge,
    windows: Counter,
    alerts: Family<Labels, Counter>,
    suppressed: Counter,
}

impl Metrics {
    fn new() -> Metrics {
        let mut registry = Registry::with_prefix("aigov_drift");
        let m = Metrics {
            statistic: Family::default(),
            p_value: Family::default(),
            drifted: Family::default(),
            quality_passed: Family::default(),
            drift_share: Gauge::default(),
            dataset_drifted: Gauge::default(),
            window_rows: Gauge::default(),
            scoring_failed: Gauge::default(),
            windows: Counter::default(),
            alerts: Family::default(),
            suppressed: Counter::default(),
            registry: Registry::default(),
        };
        registry.register(
            "statistic",
            "Latest drift statistic or distance per column",
            m.statistic.clone(),
        );
        registry.register(
            "p_value",
            "Latest drift p-value per column (tests only)",
            m.p_value.clone(),
        );
        registry.register(
            "column_drifted",
            "1 when the column drifted in the latest window",
            m.drifted.clone(),
        );
        registry.register(
            "quality_passed",
            "1 when every data-quality check of the column passed in the latest window",
            m.quality_passed.clone(),
        );
        registry.register(
            "share",
            "Share of drifted columns in the latest window",
            m.drift_share.clone(),
        );
        registry.register(
            "dataset_drifted",
            "1 when the latest window drifted as a dataset",
            m.dataset_drifted.clone(),
        );
        registry.register(
            "window_rows",
            "Rows in the latest window",
            m.window_rows.clone(),
        );
        registry.register(
            "scoring_failed",
            "1 when the latest window could not be scored (its drift figures are cleared)",
            m.scoring_failed.clone(),
        );
        registry.register("windows", "Windows scored", m.windows.clone());
        registry.register("alerts", "Alerts raised, by rule", m.alerts.clone());
        registry.register(
            "alerts_suppressed",
            "Alerts held back by the cooldown",
            m.suppressed.clone(),
        );
        Metrics { registry, ..m }
    }
}

/// Watches current data against a reference profile; see the module documentation.
pub struct DriftMonitor {
    profile: ReferenceProfile,
    config: MonitorConfig,
    pending: Table,
    window_start: Option<DateTime<Utc>>,
    windows: usize,
    last_alert: HashMap<String, DateTime<Utc>>,
    sink: Box<dyn FnMut(&Alert) + Send>,
    metrics: Metrics,
}

impl std::fmt::Debug for DriftMonitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DriftMonitor")
            .field("window", &self.config.window)
            .field("windows", &self.windows)
            .field("pending_rows", &self.pending.rows)
            .finish()
    }
}

impl DriftMonitor {
    /// A monitor that hands every alert to `sink`.
    pub fn new(
        profile: ReferenceProfile,
        config: MonitorConfig,
        sink: impl FnMut(&Alert) + Send + 'static,
    ) -> Result<DriftMonitor, DriftError> {
        match config.window {
            Window::Rows(0) => {
                return Err(DriftError::invalid(
                    "window",
                    "a window needs at least one row",
                ));
            }
            Window::Time(d) if d <= Duration::zero() => {
                return Err(DriftError::invalid(
                    "window",
                    "a time window must be positive",
                ));
            }
            _ => {}
        }
        profile.validate()?;
        config.drift.validate()?;
        if config.cooldown < Duration::zero() {
            return Err(DriftError::invalid(
                "cooldown",
                "the cooldown must not be negative",
            ));
        }
        Ok(DriftMonitor {
            profile,
            config,
            pending: Table::default(),
            window_start: None,
            windows: 0,
            last_alert: HashMap::new(),
            sink: Box::new(sink),
            metrics: Metrics::new(),
        })
    }

    /// Adds a batch observed at `at`; returns the windows it closed.
    pub fn observe(
        &mut self,
        batch: Table,
        at: DateTime<Utc>,
    ) -> Result<Vec<WindowOutcome>, DriftError> {
        let mut closed = Vec::new();
        match self.config.window {
            Window::Rows(n) => {
                self.window_start.get_or_insert(at);
                self.pending.append(batch)?;
                while self.pending.rows >= n {
                    let rest = self.pending.split_off(n);
                    let full = std::mem::replace(&mut self.pending, rest);
                    closed.push(self.close(full, at));
                    self.window_start = Some(at);
                }
            }
            Window::Time(span) => {
                let start = *self.window_start.get_or_insert(at);
                if at >= start + span {
                    if self.pending.rows > 0 {
                        let full = std::mem::take(&mut self.pending);
                        closed.push(self.close(full, at));
                    }
                    // The new window is the span that holds `at`.
                    let spans = (at - start).num_milliseconds() / span.num_milliseconds().max(1);
                    self.window_start =
                        Some(start + Duration::milliseconds(spans * span.num_milliseconds()));
                }
                self.pending.append(batch)?;
            }
        }
        Ok(closed)
    }

    /// Scores the rows collected so far as a (short) window.
    pub fn flush(&mut self, at: DateTime<Utc>) -> Option<WindowOutcome> {
        if self.pending.rows == 0 {
            return None;
        }
        let full = std::mem::take(&mut self.pending);
        let outcome = self.close(full, at);
        self.window_start = None;
        Some(outcome)
    }

    fn close(&mut self, table: Table, at: DateTime<Utc>) -> WindowOutcome {
        let window = self.windows;
        self.windows += 1;
        let start = self.window_start.unwrap_or(at);
        let rows = table.rows;
        let quality = data_quality(&self.profile, &table, &self.config.quality);
        let report = compare_profile(&self.profile, table, None, &self.config.drift);
        let mut candidates = Vec::new();
        let alert =
            |fingerprint: String, severity, column: Option<String>, message: String| Alert {
                fingerprint,
                severity,
                column,
                message,
                window,
                window_start: start,
                window_end: at,
            };
        let wants = |column: &str, rule_column: &Option<String>| {
            rule_column.as_deref().is_none_or(|c| c == column)
        };
        match &report {
            Err(e) => candidates.push(alert(
                "scoring-error".into(),
                Severity::Critical,
                None,
                format!("window {window} could not be scored: {e}"),
            )),
            Ok(r) => {
                for rule in &self.config.rules {
                    match rule {
                        Rule::ColumnDrift { column } => {
                            for c in r
                                .columns
                                .iter()
                                .filter(|c| c.drifted && wants(&c.column, column))
                            {
                                candidates.push(alert(
                                    format!("column-drift:{}", c.column),
                                    Severity::Warning,
                                    Some(c.column.clone()),
                                    format!(
                                        "column {} drifted: {} {} (threshold {})",
                                        c.column,
                                        c.method,
                                        short(
                                            c.p_value_adjusted.or(c.p_value).unwrap_or(c.statistic)
                                        ),
                                        short(c.threshold)
                                    ),
                                ));
                            }
                        }
                        Rule::DatasetDrift if r.dataset_drifted => candidates.push(alert(
                            "dataset-drift".into(),
                            Severity::Critical,
                            None,
                            format!(
                                "dataset drifted: {} of {} columns",
                                r.drifted_columns,
                                r.columns.len()
                            ),
                        )),
                        Rule::DatasetDrift => {}
                        // Values the statistics had to leave out (infinities): the window
                        // was judged on what remained, so say so.
                        Rule::DataQuality { .. } => {
                            for failure in &r.quality_failures {
                                let about = failure.split(':').next().unwrap_or(failure);
                                candidates.push(alert(
                                    format!("data-quality:{about}"),
                                    Severity::Warning,
                                    None,
                                    failure.clone(),
                                ));
                            }
                        }
                    }
                }
            }
        }
        // Data quality is judged even when the window could not be scored for drift.
        for rule in &self.config.rules {
            if let Rule::DataQuality { column } = rule {
                for q in quality
                    .iter()
                    .filter(|q| !q.passed && wants(&q.column, column))
                {
                    let failed: Vec<String> = q
                        .checks
                        .iter()
                        .filter(|k| !k.passed)
                        // As the JSON spells them (out_of_range), not Rust's Debug.
                        .map(|k| {
                            serde_json::to_value(k.check)
                                .ok()
                                .and_then(|v| v.as_str().map(str::to_string))
                                .unwrap_or_else(|| format!("{:?}", k.check))
                        })
                        .collect();
                    candidates.push(alert(
                        format!("data-quality:{}", q.column),
                        Severity::Warning,
                        Some(q.column.clone()),
                        format!("column {} failed {}", q.column, failed.join(", ")),
                    ));
                }
            }
        }
        // One alert per fingerprint per window, then the cooldown.
        let mut seen = std::collections::HashSet::new();
        candidates.retain(|a| seen.insert(a.fingerprint.clone()));
        let mut alerts = Vec::new();
        let mut suppressed = 0;
        for a in candidates {
            let cooling = self
                .last_alert
                .get(&a.fingerprint)
                .is_some_and(|last| at - *last < self.config.cooldown);
            if cooling {
                suppressed += 1;
                self.metrics.suppressed.inc();
                continue;
            }
            self.last_alert.insert(a.fingerprint.clone(), at);
            let rule = a.fingerprint.split(':').next().unwrap_or("").to_string();
            self.metrics
                .alerts
                .get_or_create(&vec![("rule".to_string(), rule)])
                .inc();
            (self.sink)(&a);
            alerts.push(a);
        }
        self.record_metrics(rows, report.as_ref().ok(), &quality);
        WindowOutcome {
            window,
            rows,
            report: report.ok(),
            quality,
            alerts,
            suppressed,
        }
    }

    fn record_metrics(&self, rows: usize, report: Option<&DriftReport>, quality: &[ColumnQuality]) {
        let m = &self.metrics;
        m.windows.inc();
        m.window_rows.set(rows as i64);
        m.scoring_failed.set(i64::from(report.is_none()));
        if report.is_none() {
            // No stale figures from an earlier window on the dashboard.
            m.statistic.clear();
            m.p_value.clear();
            m.drifted.clear();
            m.drift_share.set(f64::NAN);
            m.dataset_drifted.set(0);
        }
        if let Some(r) = report {
            m.drift_share.set(r.drift_share);
            m.dataset_drifted.set(i64::from(r.dataset_drifted));
            for c in &r.columns {
                let labels = vec![
                    ("column".to_string(), c.column.clone()),
                    ("method".to_string(), c.method.name().to_string()),
                ];
                m.statistic.get_or_create(&labels).set(c.statistic);
                if let Some(p) = c.p_value {
                    m.p_value.get_or_create(&labels).set(p);
                }
                m.drifted
                    .get_or_create(&vec![("column".to_string(), c.column.clone())])
                    .set(i64::from(c.drifted));
            }
        }
        for q in quality {
            m.quality_passed
                .get_or_create(&vec![("column".to_string(), q.column.clone())])
                .set(i64::from(q.passed));
        }
    }

    /// The latest figures in the Prometheus text exposition format.
    pub fn prometheus_text(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.metrics.registry);
        out
    }

    /// Windows scored so far.
    pub fn windows(&self) -> usize {
        self.windows
    }
}

/// A number for a message: four decimals, or scientific notation when tiny.
fn short(v: f64) -> String {
    if v != 0.0 && v.abs() < 1e-3 {
        format!("{v:.3e}")
    } else {
        format!("{v:.4}")
    }
}

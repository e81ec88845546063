//! Post-market monitoring (Art. 72): drift monitors scored against the version's drift
//! baseline and alert KPIs from labelled feedback. Every alert is audited; by policy an alert
//! requests a human review or opens an incident whose playbook runs its automatic steps.

use std::sync::{Arc, Mutex};

use aigov_audit::{AuditEntry, AuditEvent, DriftAlert, ModelReference};
use aigov_core::ModelRef;
use aigov_drift::{
    Alert, ColumnSummary, ColumnValues, DriftMonitor, Feedback, KpiLimits, KpiWindow,
    MonitorConfig, ReferenceProfile, Severity as AlertSeverity, Table, WindowOutcome, alert_kpis,
};
use aigov_incident::{IncidentKind, IncidentSource, NewIncident, Severity};
use aigov_registry::{EvidenceKind, ModelVersion};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::Governor;
use crate::{Error, Principal};
use aigov_core::Action;

/// What an alert leads to beyond its audit entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AlertResponse {
    /// Audit it only.
    Record,
    /// Audit it and request a human review.
    RequestReview,
    /// Audit it and open an incident of this kind and severity (its playbook's automatic
    /// steps run at once).
    OpenIncident {
        /// The incident kind.
        kind: IncidentKind,
        /// Its severity.
        severity: Severity,
    },
}

/// How a model version is monitored.
#[derive(Clone, Debug)]
pub struct MonitorSettings {
    /// Windows, drift options, quality thresholds, rules and cooldown.
    pub config: MonitorConfig,
    /// The response to a warning (one column, one quality check).
    pub on_warning: AlertResponse,
    /// The response to a critical alert (the dataset drifted, a window could not be scored).
    pub on_critical: AlertResponse,
}

/// What one batch (or one feedback set) led to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MonitorReport {
    /// Drift windows the batch closed.
    pub windows: Vec<WindowOutcome>,
    /// KPI windows computed from feedback.
    pub kpi_windows: Vec<KpiWindow>,
    /// Alerts raised and audited, with their audit indices.
    pub alerts: Vec<(u64, String)>,
    /// Reviews requested (audit indices).
    pub reviews: Vec<u64>,
    /// Incidents opened (ids).
    pub incidents: Vec<String>,
    /// What the incidents' automatic steps changed.
    pub contained: Vec<String>,
}

pub(crate) struct ModelMonitor {
    monitor: DriftMonitor,
    profile: ReferenceProfile,
    raised: Arc<Mutex<Vec<Alert>>>,
    settings: MonitorSettings,
    version: ModelVersion,
}

fn key(v: &ModelVersion) -> String {
    v.reference()
}

/// Numeric columns with at most this many distinct reference values are drawn per value.
const DISCRETE_VALUES: usize = 20;

/// A bin edge in a few characters.
fn short(x: f64) -> String {
    if (x.fract() == 0.0 && x.abs() < 1e15) || x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 1.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.3}")
    }
}

/// A column's reference distribution (from the profile's bins or categories) beside the
/// batch's, for reports: `{column, labels, reference, current}`.
fn histogram(profile: &ReferenceProfile, batch: &Table, column: &str) -> Option<Value> {
    let reference = profile.column(column)?;
    let current = batch.column(column)?;
    let (labels, reference_counts, current_counts) = match (&reference.summary, &current.values) {
        (ColumnSummary::Numeric(numeric), ColumnValues::Numeric { values, .. })
            if numeric.distribution.is_exact()
                && numeric.distribution.values.len() <= DISCRETE_VALUES =>
        {
            // Few distinct values (flags, small counts): one bar per value, the rest "other".
            let known = &numeric.distribution.values;
            let mut current = vec![0u64; known.len() + 1];
            for v in values.iter().filter(|v| v.is_finite()) {
                match known.iter().position(|k| k == v) {
                    Some(i) => current[i] += 1,
                    None => current[known.len()] += 1,
                }
            }
            let mut labels: Vec<String> = known.iter().map(|v| short(*v)).collect();
            labels.push("other".into());
            let mut reference = numeric.distribution.counts.clone();
            reference.push(0);
            (labels, reference, current)
        }
        (ColumnSummary::Numeric(numeric), ColumnValues::Numeric { values, .. }) => {
            let bins = &numeric.bins;
            let edges = &bins.edges;
            let n = bins.bin_count();
            let label = |i: usize| -> String {
                match (i, edges.first(), edges.last()) {
                    (0, Some(first), _) => format!("< {}", short(*first)),
                    (i, _, Some(last)) if i == n - 1 => format!("> {}", short(*last)),
                    (i, _, _) => match (edges.get(i - 1), edges.get(i)) {
                        (Some(a), Some(b)) => format!("{}-{}", short(*a), short(*b)),
                        (Some(a), None) => short(*a),
                        _ => String::new(),
                    },
                }
            };
            let mut counts = vec![0u64; n];
            for v in values.iter().filter(|v| v.is_finite()) {
                counts[bins.bin_of(*v).min(n - 1)] += 1;
            }
            (
                (0..n).map(label).collect::<Vec<_>>(),
                bins.counts.clone(),
                counts,
            )
        }
        (ColumnSummary::Categorical(categorical), ColumnValues::Categorical(values)) => {
            let mut labels: Vec<String> = categorical.counts.keys().cloned().collect();
            let mut current: std::collections::BTreeMap<&str, u64> = Default::default();
            for v in values.iter().flatten() {
                *current.entry(v.as_str()).or_default() += 1;
            }
            labels.extend(
                current
                    .keys()
                    .filter(|k| !categorical.counts.contains_key(**k))
                    .map(|k| k.to_string()),
            );
            let reference_counts = labels
                .iter()
                .map(|l| categorical.counts.get(l).copied().unwrap_or(0))
                .collect();
            let current_counts = labels
                .iter()
                .map(|l| current.get(l.as_str()).copied().unwrap_or(0))
                .collect();
            (labels, reference_counts, current_counts)
        }
        _ => return None,
    };
    Some(
        json!({"column": column, "labels": labels, "reference": reference_counts, "current": current_counts}),
    )
}

impl Governor {
    /// Starts monitoring a version against its drift baseline (which must be attached).
    pub fn start_monitor(
        &self,
        principal: &Principal,
        reference: &ModelRef,
        settings: MonitorSettings,
    ) -> Result<(), Error> {
        self.authorize(principal, Action::Monitor)?;
        let v = self.registry.resolve(reference)?;
        let Some(baseline) = v
            .evidence
            .iter()
            .rev()
            .find(|e| e.kind == EvidenceKind::DriftBaseline)
        else {
            let msg = format!("{} has no drift baseline to monitor against", v.reference());
            let subject = json!({"model": v.reference()});
            return Err(self.refuse(principal, "monitor", "missing_drift_baseline", msg, subject));
        };
        let content = self.registry.evidence_content(baseline)?;
        let profile = ReferenceProfile::from_json(&content.to_string())?;
        let raised = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&raised);
        let monitor = DriftMonitor::new(
            profile.clone(),
            settings.config.clone(),
            move |alert: &Alert| {
                if let Ok(mut alerts) = sink.lock() {
                    alerts.push(alert.clone());
                }
            },
        )?;
        let entry = ModelMonitor {
            monitor,
            profile,
            raised,
            settings,
            version: v.clone(),
        };
        self.monitors
            .lock()
            .map_err(|_| Error::invalid("monitor", "the monitor table's lock is poisoned"))?
            .insert(key(&v), Arc::new(Mutex::new(entry)));
        Ok(())
    }

    /// The drift baseline's profile of a version, for reading batches with its column types.
    pub fn drift_baseline(&self, reference: &ModelRef) -> Result<ReferenceProfile, Error> {
        let v = self.registry.resolve(reference)?;
        let baseline = v
            .evidence
            .iter()
            .rev()
            .find(|e| e.kind == EvidenceKind::DriftBaseline)
            .ok_or_else(|| {
                Error::invalid(
                    "monitor",
                    format!("{} has no drift baseline", v.reference()),
                )
            })?;
        let content = self.registry.evidence_content(baseline)?;
        Ok(ReferenceProfile::from_json(&content.to_string())?)
    }

    fn monitor_of(&self, reference: &ModelRef) -> Result<Arc<Mutex<ModelMonitor>>, Error> {
        let v = self.registry.resolve(reference)?;
        self.monitors
            .lock()
            .map_err(|_| Error::invalid("monitor", "the monitor table's lock is poisoned"))?
            .get(&key(&v))
            .cloned()
            .ok_or_else(|| {
                Error::invalid(
                    "monitor",
                    format!(
                        "{} is not monitored; call start_monitor first",
                        v.reference()
                    ),
                )
            })
    }

    /// Feeds a batch observed at `at` to the version's drift monitor; rows short of a full
    /// window wait for the next batch.
    pub fn monitor(
        &self,
        principal: &Principal,
        reference: &ModelRef,
        batch: Table,
        at: DateTime<Utc>,
    ) -> Result<MonitorReport, Error> {
        self.observe(principal, reference, batch, at, false)
    }

    /// Like [`Governor::monitor`] for a batch that is all there is (one CLI run): rows short
    /// of a full window are scored as a last, shorter window instead of waiting.
    pub fn monitor_all(
        &self,
        principal: &Principal,
        reference: &ModelRef,
        batch: Table,
        at: DateTime<Utc>,
    ) -> Result<MonitorReport, Error> {
        self.observe(principal, reference, batch, at, true)
    }

    fn observe(
        &self,
        principal: &Principal,
        reference: &ModelRef,
        batch: Table,
        at: DateTime<Utc>,
        flush: bool,
    ) -> Result<MonitorReport, Error> {
        self.authorize(principal, Action::Monitor)?;
        let shared = self.monitor_of(reference)?;
        let mut guard = shared
            .lock()
            .map_err(|_| Error::invalid("monitor", "the monitor's lock is poisoned"))?;
        // Kept to draw the drifted columns' current distribution next to the reference.
        let seen = batch.clone();
        let mut windows = guard.monitor.observe(batch, at)?;
        if flush && let Some(last) = guard.monitor.flush(at) {
            windows.push(last);
        }
        let profile = guard.profile.clone();
        let alerts: Vec<Alert> = guard
            .raised
            .lock()
            .map(|mut a| std::mem::take(&mut *a))
            .unwrap_or_default();
        let settings = guard.settings.clone();
        let version = guard.version.clone();
        drop(guard);
        let mut report = MonitorReport {
            windows,
            ..MonitorReport::default()
        };
        for alert in alerts {
            let critical = alert.severity == AlertSeverity::Critical;
            let response = if critical {
                &settings.on_critical
            } else {
                &settings.on_warning
            };
            let mut details = serde_json::to_value(&alert).unwrap_or(Value::Null);
            if let (Some(column), Value::Object(fields)) = (&alert.column, &mut details)
                && let Some(histogram) = histogram(&profile, &seen, column)
            {
                fields.insert("histogram".into(), histogram);
            }
            let id = format!("{}#{}", alert.fingerprint, alert.window);
            self.respond(
                principal,
                &version,
                "drift",
                if critical { "critical" } else { "warning" },
                &id,
                &alert.message,
                details,
                response,
                &mut report,
            )?;
        }
        Ok(report)
    }

    /// The version's drift monitor's latest figures in Prometheus text format.
    pub fn monitor_metrics(&self, reference: &ModelRef) -> Result<String, Error> {
        let shared = self.monitor_of(reference)?;
        let guard = shared
            .lock()
            .map_err(|_| Error::invalid("monitor", "the monitor's lock is poisoned"))?;
        Ok(guard.monitor.prometheus_text())
    }

    /// Computes alert KPIs (false-positive and false-negative rates, precision, with Wilson
    /// intervals) from labelled feedback in windows of `window` rows; every window whose
    /// interval lies past a limit raises an alert handled as `response`.
    pub fn monitor_feedback(
        &self,
        principal: &Principal,
        reference: &ModelRef,
        feedback: &[Feedback],
        window: usize,
        limits: &KpiLimits,
        response: &AlertResponse,
    ) -> Result<MonitorReport, Error> {
        self.authorize(principal, Action::Monitor)?;
        let v = self.registry.resolve(reference)?;
        let windows = alert_kpis(feedback, window, limits)?;
        let mut report = MonitorReport::default();
        for w in &windows {
            for alarm in &w.alarms {
                let details = json!({"window": w.window, "rows": w.rows, "alarm": alarm,
                    "false_positive_rate": w.false_positive_rate,
                    "false_negative_rate": w.false_negative_rate,
                    "precision": w.precision});
                let id = format!("kpi#{}", w.window);
                self.respond(
                    principal,
                    &v,
                    "alert-kpi",
                    "warning",
                    &id,
                    alarm,
                    details,
                    response,
                    &mut report,
                )?;
            }
        }
        report.kpi_windows = windows;
        Ok(report)
    }

    #[allow(clippy::too_many_arguments)]
    fn respond(
        &self,
        principal: &Principal,
        version: &ModelVersion,
        monitor: &str,
        severity: &str,
        alert_id: &str,
        message: &str,
        details: Value,
        response: &AlertResponse,
        report: &mut MonitorReport,
    ) -> Result<(), Error> {
        let reference = ModelReference {
            name: version.name.clone(),
            version: version.version,
            root: version.root,
        };
        let entry = AuditEntry {
            time: self.now(),
            actor: principal.actor().clone(),
            authn: Some(principal.authn()),
            request: principal.request(),
            event: AuditEvent::DriftAlert(DriftAlert {
                model: Some(reference),
                monitor: monitor.to_string(),
                severity: severity.to_string(),
                details,
            }),
        };
        let receipt = self.record(|| format!("alert {alert_id}"), vec![entry])?;
        let index = receipt.first().map_or(0, |r| r.index);
        report.alerts.push((index, message.to_string()));
        match response {
            AlertResponse::Record => {}
            AlertResponse::RequestReview => {
                let mut fields: Map<String, Value> = Map::from_iter([
                    ("type".to_string(), json!("review-requested")),
                    ("model".to_string(), json!(version.reference())),
                    ("alert_index".to_string(), json!(index)),
                    ("reason".to_string(), json!(message)),
                ]);
                // The control plane asks; the request that ran the monitor is its cause.
                if let Some(cause) = principal.request() {
                    fields.insert("cause_request".to_string(), json!(cause));
                }
                let mut entry = AuditEntry {
                    time: self.now(),
                    actor: self.system.clone(),
                    authn: None,
                    request: None,
                    event: AuditEvent::Custom(fields),
                };
                entry.authn = Some(self.control_plane().authn());
                let receipt = self.record(|| "review requested".to_string(), vec![entry])?;
                report.reviews.extend(receipt.iter().map(|r| r.index));
            }
            AlertResponse::OpenIncident { kind, severity } => {
                let reference = ModelRef::version(version.name.clone(), version.version);
                // One open incident per version and kind: later alerts add nothing new.
                let already = self.incidents.list(None)?.into_iter().any(|i| {
                    i.kind == *kind
                        && i.status != aigov_incident::IncidentStatus::Closed
                        && i.affected.contains(&reference)
                });
                if already {
                    return Ok(());
                }
                let id = format!(
                    "{}-{}-{}",
                    kind.as_str().replace('_', "-"),
                    version.name,
                    self.now().format("%Y%m%dT%H%M%S%.3f")
                );
                let outcome = self.open_incident_unchecked(
                    &self.control_plane(),
                    NewIncident {
                        id,
                        title: format!("{monitor} alert on {}: {message}", version.reference()),
                        kind: *kind,
                        severity: *severity,
                        affected: vec![reference],
                        source: IncidentSource::DriftAlert {
                            alert_id: alert_id.to_string(),
                        },
                        owner: self.system.clone(),
                    },
                )?;
                report.incidents.push(outcome.incident.id);
                report.contained.extend(outcome.automatic);
                report.contained.extend(outcome.failed);
            }
        }
        Ok(())
    }
}

//! Evidence reports from the statistics crates, ready to attach to a version, and the facts
//! the validation and production gates read from them.
//!
//! A report of a known kind must parse as the type that produces it: a performance report
//! is a [`HoldoutReport`], fairness a [`FairnessReport`], robustness a [`RobustnessReport`],
//! a drift baseline a [`ReferenceProfile`]. The gates therefore never see a report whose
//! numbers they cannot find.

use aigov_drift::ReferenceProfile;
use aigov_explain::Background;
use aigov_fairness::{Disparity, FairnessReport};
use aigov_policy::{FairnessFact, PerformanceFact, RobustnessFact};
use aigov_registry::{Evidence, EvidenceKind};
use aigov_validation::{HoldoutReport, MetricValue, RobustnessReport};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::Error;

fn producer(krate: &str) -> String {
    format!("{krate} {}", env!("CARGO_PKG_VERSION"))
}

fn to_evidence(
    kind: EvidenceKind,
    krate: &str,
    report: &impl Serialize,
) -> Result<Evidence, Error> {
    let content =
        serde_json::to_value(report).map_err(|e| Error::invalid("evidence", e.to_string()))?;
    Ok(Evidence {
        kind,
        producer: producer(krate),
        content,
    })
}

/// Hold-out metrics as performance evidence.
pub fn performance(report: &HoldoutReport) -> Result<Evidence, Error> {
    to_evidence(EvidenceKind::Performance, "aigov-validation", report)
}

/// A fairness audit as fairness evidence.
pub fn fairness(report: &FairnessReport) -> Result<Evidence, Error> {
    to_evidence(EvidenceKind::Fairness, "aigov-fairness", report)
}

/// Robustness tests as robustness evidence.
pub fn robustness(report: &RobustnessReport) -> Result<Evidence, Error> {
    to_evidence(EvidenceKind::Robustness, "aigov-validation", report)
}

/// A reference profile as the drift baseline the monitors score against.
pub fn drift_baseline(profile: &ReferenceProfile) -> Result<Evidence, Error> {
    to_evidence(EvidenceKind::DriftBaseline, "aigov-drift", profile)
}

/// The background explanations of this version's decisions are computed against: its
/// feature names, rows and digest.
pub fn explanation_baseline(background: &Background) -> Evidence {
    let rows: Vec<Vec<f64>> = background
        .rows()
        .rows()
        .into_iter()
        .map(|r| r.to_vec())
        .collect();
    Evidence {
        kind: EvidenceKind::ExplanationBaseline,
        producer: producer("aigov-explain"),
        content: serde_json::json!({
            "feature_names": background.feature_names(),
            "rows": rows,
            "digest": background.digest().to_string(),
        }),
    }
}

/// Reads an explanation baseline back, checking its digest.
pub fn background_of(content: &serde_json::Value) -> Result<Background, Error> {
    #[derive(serde::Deserialize)]
    struct Stored {
        feature_names: Vec<String>,
        rows: Vec<Vec<f64>>,
        digest: String,
    }
    let stored: Stored = serde_json::from_value(content.clone())
        .map_err(|e| Error::invalid("explanation baseline", e.to_string()))?;
    let width = stored.feature_names.len();
    if stored.rows.iter().any(|r| r.len() != width) {
        return Err(Error::invalid(
            "explanation baseline",
            format!("every row needs {width} values"),
        ));
    }
    let flat: Vec<f64> = stored.rows.iter().flatten().copied().collect();
    let rows = ndarray::Array2::from_shape_vec((stored.rows.len(), width), flat)
        .map_err(|e| Error::invalid("explanation baseline", e.to_string()))?;
    let background = Background::new(rows, stored.feature_names)
        .map_err(|e| Error::invalid("explanation baseline", e.to_string()))?;
    if background.digest().to_string() != stored.digest {
        return Err(Error::invalid(
            "explanation baseline",
            "its rows do not match its digest",
        ));
    }
    Ok(background)
}

fn parse<T: DeserializeOwned>(
    kind: &EvidenceKind,
    content: &serde_json::Value,
) -> Result<T, Error> {
    T::deserialize(content).map_err(|e| {
        Error::invalid(
            "evidence",
            format!("a {kind} report must be the report its crate writes: {e}"),
        )
    })
}

/// Refuses a report of a known kind that its producing type cannot read.
pub(crate) fn check_shape(evidence: &Evidence) -> Result<(), Error> {
    match &evidence.kind {
        EvidenceKind::Performance => {
            parse::<HoldoutReport>(&evidence.kind, &evidence.content).map(drop)
        }
        EvidenceKind::Fairness => {
            parse::<FairnessReport>(&evidence.kind, &evidence.content).map(drop)
        }
        EvidenceKind::Robustness => {
            parse::<RobustnessReport>(&evidence.kind, &evidence.content).map(drop)
        }
        EvidenceKind::ExplanationBaseline => background_of(&evidence.content).map(drop),
        EvidenceKind::DriftBaseline => ReferenceProfile::from_json(&evidence.content.to_string())
            .map(drop)
            .map_err(|e| Error::invalid("evidence", format!("drift baseline: {e}"))),
        _ => Ok(()),
    }
}

fn value(metric: &MetricValue) -> Option<f64> {
    match metric {
        MetricValue::Value { value } => Some(*value),
        _ => None,
    }
}

/// ROC AUC and the false-positive rate at the operating threshold.
pub(crate) fn performance_fact(content: &serde_json::Value) -> Result<PerformanceFact, Error> {
    let report: HoldoutReport = parse(&EvidenceKind::Performance, content)?;
    Ok(PerformanceFact {
        roc_auc: value(&report.roc_auc),
        fpr_at_budget: value(&report.false_positive_rate),
    })
}

/// The verdict and the false-positive-rate parity ratio (the primary gate for models that
/// flag people).
pub(crate) fn fairness_fact(content: &serde_json::Value) -> Result<FairnessFact, Error> {
    let report: FairnessReport = parse(&EvidenceKind::Fairness, content)?;
    let verdict = serde_json::to_value(report.verdict)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let fpr_parity_ratio = match report.disparities.false_positive_rate_ratio {
        Disparity::Value { value } => Some(value),
        _ => None,
    };
    Ok(FairnessFact {
        verdict,
        fpr_parity_ratio,
    })
}

/// The worst evasion rate over every search that attacked at least one row; no search means
/// no fact, which the validation gate denies.
pub(crate) fn robustness_fact(
    content: &serde_json::Value,
) -> Result<Option<RobustnessFact>, Error> {
    let report: RobustnessReport = parse(&EvidenceKind::Robustness, content)?;
    Ok(report
        .evasion
        .iter()
        .filter(|a| a.attacked > 0)
        .map(|a| a.evaded as f64 / a.attacked as f64)
        .fold(None, |worst: Option<f64>, rate| {
            Some(worst.map_or(rate, |w| w.max(rate)))
        })
        .map(|evasion_rate| RobustnessFact { evasion_rate }))
}
